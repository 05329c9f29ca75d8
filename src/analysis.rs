//! From counts to conclusions: the fit of each die and everything reported
//! about it, as plain data ready to be rendered by [`crate::report`].
//!
//! [`analyse`] turns a [`Dataset`] into a [`Report`]: one [`DieReport`] per
//! group (or for the whole input). The structs here are the JSON contract:
//! their field names are stable, and later versions only add fields.

use anyhow::{bail, Result};
use serde::Serialize;

use crate::optim::{self, Fit, FitOptions};
use crate::read::domain::Kind;
use crate::read::{Dataset, Group, Skipped};
use crate::softmax;

/// What to compute, from the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisOptions {
    /// The optimiser's settings.
    pub fit: FitOptions,
}

/// One face of a die's report.
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
    /// Fitted logit, centred over the faces with a positive target; null
    /// where it is −∞.
    pub logit: Option<f64>,
}

/// The optimiser's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitSummary {
    /// The method: "gd" (gradient descent), "momentum" (Nesterov) or
    /// "newton".
    pub method: &'static str,
    /// Gradient steps taken.
    pub iterations: u64,
    /// True exactly when `max_abs_diff ≤ tol`.
    pub converged: bool,
    /// The stopping threshold on max_k |q_k − p_k|.
    pub tol: f64,
    /// The step size η (gd, momentum; newton line-searches its own).
    pub learning_rate: f64,
    /// The iteration budget.
    pub max_iter: u64,
    /// H(p, q) in nats.
    pub cross_entropy: f64,
    /// H(p) in nats.
    pub entropy: f64,
    /// KL(p‖q) in nats, computed directly (docs/math.md §6).
    pub kl: f64,
    /// max_k |q_k − p_k|, the gradient's max-norm.
    pub max_abs_diff: f64,
    /// How logits are pinned: "centred" (mean 0 over faces with p > 0).
    pub logits: &'static str,
    /// Faces never rolled: q = 0 there and the logit is −∞ (null).
    pub zero_count_faces: Vec<String>,
}

/// Everything reported about one die.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DieReport {
    /// Number of rolls N.
    pub n: u64,
    /// Number of faces K.
    pub k: usize,
    /// Per-face results.
    pub faces: Vec<FaceRow>,
    /// The fit.
    pub fit: FitSummary,
}

/// What was read: shown once per report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputSummary {
    /// True when K comes from the data rather than `--faces`/`--labels`.
    pub k_inferred: bool,
    /// "integer" or "labels".
    pub kind: Kind,
    /// The header row read, or null.
    pub header: Option<String>,
    /// Rows skipped by `--skip-invalid` (0 without it).
    pub skipped: Skipped,
}

/// One group's report, with its name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupReport {
    /// The group's value in the `--by` column.
    pub group: String,
    /// The die's report.
    #[serde(flatten)]
    pub die: DieReport,
}

/// The report of a `--by` run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupedReport {
    /// Number of faces K, shared by every group.
    pub k: usize,
    /// The faces' labels, shared by every group.
    pub face_labels: Vec<String>,
    /// Each group, in first-seen order.
    pub groups: Vec<GroupReport>,
    /// What was read.
    #[serde(flatten)]
    pub input: InputSummary,
}

/// The report of a run without `--by`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SingleReport {
    /// The die.
    #[serde(flatten)]
    pub die: DieReport,
    /// What was read.
    #[serde(flatten)]
    pub input: InputSummary,
}

/// A whole `diceml fit` report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Report {
    /// One die.
    Single(SingleReport),
    /// Several groups (`--by`).
    Grouped(GroupedReport),
}

/// Analyses every group of `data`; `grouped` says whether `--by` was given.
pub fn analyse(data: &Dataset, grouped: bool, options: &AnalysisOptions) -> Result<Report> {
    let input = InputSummary {
        k_inferred: data.k_inferred,
        kind: data.kind,
        header: data.header.clone(),
        skipped: data.skipped.clone(),
    };
    if !grouped {
        let die = analyse_die(&data.faces, &data.groups[0], options);
        return Ok(Report::Single(SingleReport { die, input }));
    }
    let mut groups = Vec::with_capacity(data.groups.len());
    for g in &data.groups {
        let name = g.name.clone().unwrap_or_default();
        if g.n == 0 {
            bail!("group {name:?} has no rolls (N = 0): nothing to fit");
        }
        groups.push(GroupReport {
            group: name,
            die: analyse_die(&data.faces, g, options),
        });
    }
    Ok(Report::Grouped(GroupedReport {
        k: data.faces.len(),
        face_labels: data.faces.clone(),
        groups,
        input,
    }))
}

/// The closed-form MLE p_k = n_k / N (N > 0).
pub fn empirical(counts: &[u64], n: u64) -> Vec<f64> {
    let n = n as f64;
    counts.iter().map(|&c| c as f64 / n).collect()
}

/// Fits and reports one die.
fn analyse_die(faces: &[String], group: &Group, options: &AnalysisOptions) -> DieReport {
    let p = empirical(&group.counts, group.n);
    let fit = optim::fit(&p, options.fit);
    DieReport {
        n: group.n,
        k: faces.len(),
        faces: face_rows(faces, &group.counts, &p, &fit),
        fit: fit_summary(faces, &group.counts, &p, &fit),
    }
}

fn face_rows(faces: &[String], counts: &[u64], p: &[f64], fit: &Fit) -> Vec<FaceRow> {
    faces
        .iter()
        .enumerate()
        .map(|(k, face)| FaceRow {
            face: face.clone(),
            count: counts[k],
            p: p[k],
            q: fit.q[k],
            abs_diff: (fit.q[k] - p[k]).abs(),
            logit: fit.logits[k],
        })
        .collect()
}

fn fit_summary(faces: &[String], counts: &[u64], p: &[f64], fit: &Fit) -> FitSummary {
    let entropy = softmax::entropy(p);
    let kl = softmax::kl_divergence(p, &fit.q);
    FitSummary {
        method: fit.options.method.name(),
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
        zero_count_faces: faces
            .iter()
            .zip(counts)
            .filter(|(_, &c)| c == 0)
            .map(|(f, _)| f.clone())
            .collect(),
    }
}
