//! `fit --sum-of`'s report: a table for people and one JSON document. It
//! renders [`SumReport`] and decides nothing (the fit, its tests and
//! whether the optimum is unique were decided in `analysis::sum`).

use std::io::Write;

use super::format::{expected, p_value, prob};
use super::table::skipped_note;
use crate::analysis::sum::{SumReport, SPARSE_EXPECTED};
use crate::optim::{Method, Stop};

/// How `fit --sum-of` writes its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SumFormat {
    /// The table for people.
    Table,
    /// One JSON object (field names are stable).
    Json,
}

/// Writes the report in the chosen format.
pub fn write(out: &mut dyn Write, report: &SumReport, format: SumFormat) -> std::io::Result<()> {
    match format {
        SumFormat::Table => write_table(out, report),
        SumFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            out.write_all(b"\n")
        }
    }
}

/// The widest bar, in characters.
const BAR: usize = 30;

fn bar(x: f64, top: f64) -> String {
    let eighths = if top > 0.0 {
        (x / top * (BAR * 8) as f64).round() as usize
    } else {
        0
    };
    let blocks = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    format!("{}{}", "█".repeat(eighths / 8), blocks[eighths % 8])
}

/// The table: the faces, the totals seen beside the fitted law, the fit
/// and the tests in words.
fn write_table(out: &mut dyn Write, r: &SumReport) -> std::io::Result<()> {
    let m = &r.model;
    let values: Vec<String> = r.faces.iter().map(|f| f.value.to_string()).collect();
    writeln!(
        out,
        "A die seen only through the totals of {} dice; face values {}",
        m.dice,
        values.join(",")
    )?;
    writeln!(out)?;
    let top = r.faces.iter().map(|f| f.q).fold(0.0, f64::max);
    writeln!(out, "face  value          q  std error  bar")?;
    for f in &r.faces {
        let se = f.std_error.map_or("-".to_string(), prob);
        writeln!(
            out,
            "{:>4}  {:>5}  {:>9}  {:>9}  {}",
            f.face,
            f.value,
            prob(f.q),
            se,
            bar(f.q, top)
        )?;
    }
    writeln!(out)?;
    let top = r
        .totals
        .iter()
        .map(|t| (t.count as f64).max(t.expected))
        .fold(0.0, f64::max);
    writeln!(out, "total     count    fitted  bar (seen)")?;
    for t in &r.totals {
        writeln!(
            out,
            "{:>5}  {:>8}  {:>8}  {}",
            t.total,
            t.count,
            expected(t.expected),
            bar(t.count as f64, top)
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "N = {} totals, log-likelihood = {:.4} (fair die: {:.4})",
        r.n, m.loglik, m.loglik_fair
    )?;
    let method = match m.method {
        Method::Newton | Method::Auto => "Newton's method",
        Method::Gd => "gradient descent",
        Method::Momentum => "Nesterov momentum",
    };
    let status = match m.stop {
        Stop::Converged => format!("converged in {} iterations", m.iterations),
        Stop::MaxIter => format!(
            "did NOT converge: stopped at --max-iter after {} iterations (raise --max-iter, or try --method newton)",
            m.iterations
        ),
        Stop::LossRose => format!(
            "did NOT converge: a step raised the loss after {} iterations (lower --lr, or try --method newton)",
            m.iterations
        ),
    };
    writeln!(
        out,
        "fit: {method}, {status}; best of {} starts (the fair die and {} seeded random ones)",
        m.starts,
        m.starts - 1
    )?;
    if !m.optimum_unique {
        writeln!(
            out,
            "warning: another start reached a different die as likely as this one (log-likelihood within 1e-9): the totals cannot tell them apart"
        )?;
    }
    writeln!(out)?;
    let lrt = &m.lrt_vs_fair;
    writeln!(
        out,
        "Is the die fair? likelihood ratio = {:.4}, df = {}, p = {}",
        lrt.statistic,
        lrt.df,
        p_value(lrt)
    )?;
    if let Some(t) = &m.lrt_vs_expected {
        writeln!(
            out,
            "Is it the --expected die? likelihood ratio = {:.4}, df = {}, p = {}",
            t.statistic,
            t.df,
            p_value(t)
        )?;
    }
    match &m.gof {
        Some(g) => {
            writeln!(
                out,
                "Do {} such dice explain the totals? chi-square = {:.4}, df = {}, p = {}",
                m.dice,
                g.test.statistic,
                g.test.df,
                p_value(&g.test)
            )?;
            if g.sparse_cells > 0 {
                writeln!(
                    out,
                    "  {} of {} totals expect fewer than {SPARSE_EXPECTED} counts: the chi-square approximation is rough there",
                    g.sparse_cells,
                    r.totals.len()
                )?;
            }
        }
        None => writeln!(
            out,
            "goodness of fit not computed: the totals leave no degree of freedom beyond the die's {} free probabilities",
            lrt.df
        )?,
    }
    let boundary: Vec<String> = r
        .faces
        .iter()
        .filter(|f| f.std_error.is_none())
        .map(|f| f.face.to_string())
        .collect();
    if !boundary.is_empty() {
        writeln!(
            out,
            "no standard error for face(s) {}: q on the boundary (near 0) or the information not invertible",
            boundary.join(", ")
        )?;
    }
    if r.skipped.rows > 0 {
        writeln!(out, "{}", skipped_note(&r.skipped))?;
    }
    Ok(())
}
