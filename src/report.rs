//! Rendering reports: a table for people, CSV for pipelines and JSON for
//! programs, plus the `face,count` tables that `count` writes.
//!
//! Only this module formats numbers. Floats go out with full round-trip
//! precision in CSV and JSON; every float reported is finite.

use std::io::Write;

use crate::analysis::{DieReport, InputSummary, Report};
use crate::cli::Format;
use crate::read::{Dataset, Skipped};

/// Writes the report in the chosen format.
pub fn write(out: &mut dyn Write, report: &Report, format: Format) -> std::io::Result<()> {
    match format {
        Format::Table => write_table(out, report),
        Format::Csv => write_csv(out, report),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            out.write_all(b"\n")
        }
    }
}

/// CSV: `face,count,p,q,abs_diff` (with `--by`, a leading `group`), floats
/// in shortest round-trip form.
fn write_csv(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    match report {
        Report::Single(single) => {
            writeln!(out, "face,count,p,q,abs_diff")?;
            write_csv_rows(out, None, &single.die)
        }
        Report::Grouped(grouped) => {
            writeln!(out, "group,face,count,p,q,abs_diff")?;
            grouped
                .groups
                .iter()
                .try_for_each(|g| write_csv_rows(out, Some(&g.group), &g.die))
        }
    }
}

fn write_csv_rows(
    out: &mut dyn Write,
    group: Option<&str>,
    die: &DieReport,
) -> std::io::Result<()> {
    for row in &die.faces {
        if let Some(g) = group {
            write!(out, "{},", csv_field(g))?;
        }
        writeln!(
            out,
            "{},{},{:?},{:?},{:?}",
            csv_field(&row.face),
            row.count,
            row.p,
            row.q,
            row.abs_diff
        )?;
    }
    Ok(())
}

/// Writes the counts of `data` as `face,count` rows (with groups,
/// `group,face,count`), every face of the die included.
pub fn write_counts(out: &mut dyn Write, data: &Dataset, grouped: bool) -> std::io::Result<()> {
    out.write_all(if grouped {
        b"group,face,count\n"
    } else {
        b"face,count\n"
    })?;
    for g in &data.groups {
        for (face, count) in data.faces.iter().zip(&g.counts) {
            if grouped {
                write!(out, "{},", csv_field(g.name.as_deref().unwrap_or_default()))?;
            }
            writeln!(out, "{},{count}", csv_field(face))?;
        }
    }
    Ok(())
}

/// Quotes a CSV field when diceml's reader would not read it back as is:
/// it holds a comma, quote or line break, starts with `#` or a space, or is
/// empty.
pub fn csv_field(text: &str) -> String {
    let plain = !text.is_empty()
        && !text.contains([',', '"', '\n', '\r', ';', '\t'])
        && !text.starts_with(['#', ' '])
        && !text.ends_with(' ');
    if !plain {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A small non-negative quantity for people: 2 significant digits, 0 as "0".
fn small(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format!("{x:.1e}")
    }
}

/// A probability for people: 6 decimals, or 3 significant digits in
/// scientific notation below 1e-4.
fn prob(x: f64) -> String {
    if x == 0.0 || x >= 1e-4 {
        format!("{x:.6}")
    } else {
        format!("{x:.2e}")
    }
}

fn write_table(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    match report {
        Report::Single(single) => {
            write_die_table(out, &single.die)?;
            write_input_notes(out, &single.input)
        }
        Report::Grouped(grouped) => {
            for g in &grouped.groups {
                writeln!(out, "== group {}", g.group)?;
                write_die_table(out, &g.die)?;
                writeln!(out)?;
            }
            writeln!(out, "{} groups, K = {}", grouped.groups.len(), grouped.k)?;
            write_input_notes(out, &grouped.input)
        }
    }
}

fn write_die_table(out: &mut dyn Write, die: &DieReport) -> std::io::Result<()> {
    let face_w = die
        .faces
        .iter()
        .map(|f| f.face.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let count_w = die
        .faces
        .iter()
        .map(|f| f.count.to_string().len())
        .max()
        .unwrap_or(0)
        .max(5);
    writeln!(
        out,
        "{:>face_w$}  {:>count_w$}  {:>9}  {:>9}  {:>9}",
        "face", "count", "p", "q", "|q - p|"
    )?;
    for f in &die.faces {
        writeln!(
            out,
            "{:>face_w$}  {:>count_w$}  {:>9}  {:>9}  {:>9}",
            f.face,
            f.count,
            prob(f.p),
            prob(f.q),
            small(f.abs_diff)
        )?;
    }
    let fit = &die.fit;
    writeln!(out)?;
    writeln!(out, "N = {}, K = {}", die.n, die.k)?;
    if !fit.zero_count_faces.is_empty() {
        writeln!(
            out,
            "never rolled: {} (fitted q = 0 exactly, logit = -inf)",
            fit.zero_count_faces.join(", ")
        )?;
    }
    let status = if fit.converged {
        format!(
            "converged in {} iterations: max|q - p| = {} <= tol {:e}",
            fit.iterations,
            small(fit.max_abs_diff),
            fit.tol
        )
    } else {
        format!(
            "NOT converged: stopped at --max-iter {} with max|q - p| = {} > tol {:e} (raise --max-iter or --tol)",
            fit.iterations,
            small(fit.max_abs_diff),
            fit.tol
        )
    };
    let how = match fit.method {
        "newton" => "Newton's method".to_string(),
        "momentum" => format!("Nesterov momentum, step {}", fit.learning_rate),
        _ => format!("gradient descent, step {}", fit.learning_rate),
    };
    writeln!(out, "fit: {how}, {status}")?;
    writeln!(
        out,
        "H(p) = {:.6} nats, H(p, q) = {:.6} nats, KL(p||q) = {} nats",
        fit.entropy,
        fit.cross_entropy,
        small(fit.kl)
    )
}

fn write_input_notes(out: &mut dyn Write, input: &InputSummary) -> std::io::Result<()> {
    if input.k_inferred {
        let how = match input.kind {
            crate::read::domain::Kind::Integer => {
                "K inferred: the largest face seen (set it with --faces)"
            }
            crate::read::domain::Kind::Labels => {
                "faces are the labels seen (declare them with --labels)"
            }
        };
        writeln!(out, "{how}")?;
    }
    match &input.header {
        Some(h) => writeln!(out, "header read: {h}")?,
        None => writeln!(out, "no header row")?,
    }
    write_skipped(out, input)
}

fn write_skipped(out: &mut dyn Write, input: &InputSummary) -> std::io::Result<()> {
    if input.skipped.rows == 0 {
        return Ok(());
    }
    writeln!(out, "{}", skipped_note(&input.skipped))
}

/// One line saying how many rows `--skip-invalid` skipped, and why.
pub fn skipped_note(skipped: &Skipped) -> String {
    let reasons: Vec<String> = skipped
        .reasons
        .iter()
        .map(|(r, n)| format!("{n} {r}"))
        .collect();
    let first = skipped
        .examples
        .first()
        .map_or(String::new(), |e| format!("; first: {e}"));
    format!(
        "skipped {} invalid row(s): {}{first}",
        skipped.rows,
        reasons.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("1"), "1");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("#"), "\"#\"");
        assert_eq!(csv_field(""), "\"\"");
    }

    #[test]
    fn probabilities_for_people() {
        assert_eq!(prob(0.5), "0.500000");
        assert_eq!(prob(0.0), "0.000000");
        assert_eq!(prob(1.5e-15), "1.50e-15");
    }
}
