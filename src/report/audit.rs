//! `diceml audit`'s report: the battery's table in words for people, or
//! the [`AuditReport`] as one JSON document. It renders what
//! [`crate::analysis::audit`] decided and decides nothing.

use std::io::Write;

use clap::ValueEnum;

use super::format::{percent, plain_p, thousands};
use crate::analysis::audit::{AuditReport, AuditTest, GroupAudit};

/// How `audit` writes its report (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// The tests as a table, and the verdict in words.
    Table,
    /// One JSON object (field names are stable).
    Json,
}

/// Writes the audit in the chosen format.
pub fn write(
    out: &mut dyn Write,
    report: &AuditReport,
    format: AuditFormat,
) -> std::io::Result<()> {
    match format {
        AuditFormat::Table => write_table(out, report),
        AuditFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            out.write_all(b"\n")
        }
    }
}

/// The die in words: "a d6 (faces 1..6)" or "a 3-faced die (-, 0, +)".
pub fn die_words(report: &AuditReport) -> String {
    let faces = &report.faces;
    let numbered = faces
        .iter()
        .enumerate()
        .all(|(i, f)| f.parse::<usize>().ok() == Some(i + 1));
    if numbered {
        format!("a d{}", report.k)
    } else if faces.len() <= 12 {
        format!("a {}-faced die ({})", report.k, faces.join(", "))
    } else {
        format!(
            "a {}-faced die ({} … {})",
            report.k,
            faces[0],
            faces[faces.len() - 1]
        )
    }
}

/// The verdict of one battery in words.
pub fn verdict_words(group: &GroupAudit, alpha: f64) -> String {
    let ran = group.tests.iter().filter(|t| t.p_value.is_some()).count();
    let level = percent(1.0 - alpha);
    if ran == 0 {
        return "FAIL: the log is too short for any test of the battery".into();
    }
    let failed: Vec<&str> = group
        .tests
        .iter()
        .filter(|t| t.p_adjusted.is_some_and(|p| p < alpha))
        .map(|t| t.name)
        .collect();
    if failed.is_empty() {
        format!(
            "PASS: none of the {ran} tests rejects a fair die at {level}% after Holm's correction"
        )
    } else {
        format!(
            "FAIL: {} reject{} a fair die at {level}% after Holm's correction",
            failed.join(", "),
            if failed.len() == 1 { "s" } else { "" }
        )
    }
}

/// One test's cells: statistic, df, p-value, Holm p and the result, or
/// the reason it was skipped.
pub fn cells(test: &AuditTest) -> Result<[String; 5], String> {
    match (
        test.statistic,
        test.df,
        test.p_value,
        test.p_adjusted,
        test.pass,
    ) {
        (Some(s), Some(df), Some(p), Some(adj), Some(pass)) => Ok([
            format!("{s:.2}"),
            df.to_string(),
            plain_p(p),
            plain_p(adj),
            if pass { "pass" } else { "FAIL" }.to_string(),
        ]),
        _ => Err(test.skipped.clone().unwrap_or_default()),
    }
}

fn write_table(out: &mut dyn Write, report: &AuditReport) -> std::io::Result<()> {
    let alpha = report.parameters.alpha;
    writeln!(
        out,
        "Audit of {} rolls of {} against a fair die, each test at {}% (α = {alpha}), Holm's correction across the battery",
        thousands(report.n),
        die_words(report),
        percent(1.0 - alpha),
    )?;
    for input in &report.inputs {
        writeln!(out, "  sha256 {}  {}", input.sha256, input.file)?;
    }
    let groups: Vec<&GroupAudit> = match (&report.groups, &report.whole) {
        (Some(groups), _) => groups.iter().collect(),
        (None, Some(whole)) => vec![whole],
        (None, None) => Vec::new(),
    };
    for group in groups {
        writeln!(out)?;
        if let Some(name) = &group.group {
            writeln!(out, "Group {name}: {} rolls", thousands(group.n))?;
        }
        write_tests(out, group, alpha)?;
    }
    writeln!(out)?;
    if report.groups.is_some() {
        let failed = report.groups.iter().flatten().filter(|g| !g.pass).count();
        if failed == 0 {
            writeln!(out, "Audit: PASS (every group's battery passes)")?;
        } else {
            writeln!(
                out,
                "Audit: FAIL ({failed} group{} fail)",
                if failed == 1 { "" } else { "s" }
            )?;
        }
    }
    Ok(())
}

fn write_tests(out: &mut dyn Write, group: &GroupAudit, alpha: f64) -> std::io::Result<()> {
    writeln!(
        out,
        "  {:<19} {:>10} {:>4} {:>9} {:>9}  result",
        "test", "statistic", "df", "p-value", "Holm p"
    )?;
    for test in &group.tests {
        match cells(test) {
            Ok([s, df, p, adj, result]) => writeln!(
                out,
                "  {:<19} {s:>10} {df:>4} {p:>9} {adj:>9}  {result}",
                test.name
            )?,
            Err(why) => writeln!(out, "  {:<19} skipped: {why}", test.name)?,
        }
    }
    writeln!(out, "  Verdict: {}", verdict_words(group, alpha))
}
