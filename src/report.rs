//! The fit report and its three renderings: a table for people, CSV for
//! pipelines and JSON for programs.
//!
//! [`FitReport`] gathers everything `diceml fit` knows; its field names are
//! the JSON contract (later versions add fields, never rename them). Only
//! this module formats numbers. Floats go out with full round-trip
//! precision in CSV and JSON; every float reported is finite.

use std::io::Write;

use serde::Serialize;

use crate::cli::Format;
use crate::counts::Counts;
use crate::optim::Fit;
use crate::softmax;

/// One face of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaceRow {
    /// The face's label (always a string).
    pub face: String,
    /// How many times it was rolled.
    pub count: u64,
    /// Closed-form MLE p = count / N.
    pub p: f64,
    /// Fitted probability q = softmax(a).
    pub q: f64,
    /// |q − p|.
    pub abs_diff: f64,
    /// Fitted logit, centred over the faces with p > 0; null where it is −∞.
    pub logit: Option<f64>,
}

/// The optimiser's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitSummary {
    /// The method: "gd" (gradient descent).
    pub method: &'static str,
    /// Gradient steps taken.
    pub iterations: u64,
    /// True exactly when `max_abs_diff ≤ tol`.
    pub converged: bool,
    /// The stopping threshold on max_k |q_k − p_k|.
    pub tol: f64,
    /// The step size η.
    pub learning_rate: f64,
    /// The iteration budget.
    pub max_iter: u64,
    /// H(p, q) in nats.
    pub cross_entropy: f64,
    /// H(p) in nats.
    pub entropy: f64,
    /// KL(p‖q) = H(p, q) − H(p) in nats, computed directly.
    pub kl: f64,
    /// max_k |q_k − p_k|, the gradient's max-norm.
    pub max_abs_diff: f64,
    /// How logits are pinned: "centred" (mean 0 over faces with p > 0).
    pub logits: &'static str,
    /// Faces never rolled: q = 0 there and the logit is −∞ (null).
    pub zero_count_faces: Vec<String>,
}

/// Everything `diceml fit` reports about one die.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitReport {
    /// Number of rolls N.
    pub n: u64,
    /// Number of faces K.
    pub k: usize,
    /// True when K is the largest face seen rather than `--faces`.
    pub k_inferred: bool,
    /// The header row that was read, or null.
    pub header: Option<String>,
    /// Per-face results.
    pub faces: Vec<FaceRow>,
    /// The fit.
    pub fit: FitSummary,
}

impl FitReport {
    /// Assembles the report from the counts, the target p and the fit.
    pub fn new(counts: &Counts, p: &[f64], fit: &Fit) -> Self {
        let faces = counts
            .faces
            .iter()
            .zip(&counts.counts)
            .enumerate()
            .map(|(k, (face, &count))| FaceRow {
                face: face.clone(),
                count,
                p: p[k],
                q: fit.q[k],
                abs_diff: (fit.q[k] - p[k]).abs(),
                logit: fit.logits[k],
            })
            .collect();
        let zero_count_faces = counts
            .faces
            .iter()
            .zip(&counts.counts)
            .filter(|(_, &c)| c == 0)
            .map(|(f, _)| f.clone())
            .collect();
        let entropy = softmax::entropy(p);
        let kl = softmax::kl_divergence(p, &fit.q);
        FitReport {
            n: counts.n,
            k: counts.faces.len(),
            k_inferred: counts.k_inferred,
            header: counts.header.clone(),
            faces,
            fit: FitSummary {
                method: "gd",
                iterations: fit.iterations,
                converged: fit.converged,
                tol: fit.options.tol,
                learning_rate: fit.options.learning_rate,
                max_iter: fit.options.max_iter,
                cross_entropy: entropy + kl,
                entropy,
                kl,
                max_abs_diff: fit.max_abs_diff,
                logits: "centred",
                zero_count_faces,
            },
        }
    }
}

/// Writes the report in the chosen format.
pub fn write(out: &mut dyn Write, report: &FitReport, format: Format) -> std::io::Result<()> {
    match format {
        Format::Table => write_table(out, report),
        Format::Csv => write_csv(out, report),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            out.write_all(b"\n")
        }
    }
}

/// CSV: `face,count,p,q,abs_diff`, floats in shortest round-trip form.
fn write_csv(out: &mut dyn Write, report: &FitReport) -> std::io::Result<()> {
    writeln!(out, "face,count,p,q,abs_diff")?;
    for row in &report.faces {
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

/// Quotes a CSV field when it holds a delimiter, quote or line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
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

fn write_table(out: &mut dyn Write, r: &FitReport) -> std::io::Result<()> {
    let face_w = r
        .faces
        .iter()
        .map(|f| f.face.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let count_w = r
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
    for f in &r.faces {
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
    let fit = &r.fit;
    writeln!(out)?;
    let k_note = if r.k_inferred {
        " (inferred: the largest face seen; set it with --faces)"
    } else {
        ""
    };
    writeln!(out, "N = {}, K = {}{}", r.n, r.k, k_note)?;
    if !fit.zero_count_faces.is_empty() {
        writeln!(
            out,
            "never rolled: face {} (fitted q = 0 exactly, logit = -inf)",
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
    writeln!(
        out,
        "fit: gradient descent, step {}, {status}",
        fit.learning_rate
    )?;
    writeln!(
        out,
        "H(p) = {:.6} nats, H(p, q) = {:.6} nats, KL(p||q) = {} nats",
        fit.entropy,
        fit.cross_entropy,
        small(fit.kl)
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("1"), "1");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn probabilities_for_people() {
        assert_eq!(prob(0.5), "0.500000");
        assert_eq!(prob(0.0), "0.000000");
        assert_eq!(prob(1.5e-15), "1.50e-15");
    }
}
