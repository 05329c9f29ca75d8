//! The serialisable report of a die, a group and a whole run: with
//! [`super::evidence`], what `diceml fit --format json` prints and all that
//! the table, CSV and charts render. A field that was not computed is
//! absent (or `null`), never a placeholder.

use serde::Serialize;

use crate::dataset::{Kind, Skipped};
use crate::optim::{Method, Stop};
use crate::stats::adjust::Adjust;
use crate::stats::ci::CiMethod;
use crate::stats::info::Information;

use super::evidence::{FaceRow, MaybeTest, Tests};
use super::physical::ModelReport;
use super::sequential::SequentialReport;
use super::verdict::Verdict;

/// What the logits were fitted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// The closed-form MLE p = n/N.
    Empirical,
    /// The add-α estimate (n + α)/(N + Kα) of `--smooth`.
    Smoothed,
}

/// The optimiser's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitSummary {
    /// The method that ran: "gd" (gradient descent), "momentum" (Nesterov)
    /// or "newton".
    pub method: Method,
    /// True when `--method auto` (the default) chose `method`.
    pub auto: bool,
    /// Iterations taken.
    pub iterations: u64,
    /// True exactly when `max_abs_diff ≤ tol`.
    pub converged: bool,
    /// Why the iteration stopped: "converged", "max_iter" or "loss_rose"
    /// (a gradient step raised the loss: the step is too large).
    pub stop: Stop,
    /// With `stop` = "loss_rose": the loss before and after that step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loss_rose: Option<LossRose>,
    /// The stopping threshold on max_k |q_k − target_k|.
    pub tol: f64,
    /// The step size η of gd and momentum; null for newton, which
    /// line-searches its own (the field stays: JSON fields are only added).
    pub learning_rate: Option<f64>,
    /// The iteration budget.
    pub max_iter: u64,
    /// H(target, q) in nats.
    pub cross_entropy: f64,
    /// H(target) in nats.
    pub entropy: f64,
    /// KL(target‖q) in nats, computed directly (docs/math.md §6).
    pub kl: f64,
    /// max_k |q_k − target_k|, the gradient's max-norm.
    pub max_abs_diff: f64,
    /// How logits are pinned: "centred" (mean 0 over faces with p > 0).
    pub logits: &'static str,
    /// Faces never rolled.
    pub zero_count_faces: Vec<String>,
    /// "empirical" (q fitted to p) or "smoothed" (to (n + α)/(N + Kα)).
    pub target: Target,
    /// The α of `--smooth`, or null.
    pub smooth: Option<f64>,
}

/// The step that raised the loss.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LossRose {
    /// H(target, q) in nats before the step.
    pub from: f64,
    /// H(target, q) in nats after it.
    pub to: f64,
}

/// How the intervals were made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CiSummary {
    /// The method, by its command-line name.
    pub method: CiMethod,
    /// The confidence level.
    pub level: f64,
    /// True when the intervals hold for all faces at once.
    pub simultaneous: bool,
    /// With `--by`: the level at which the intervals of all groups hold at
    /// once (`--level`); `level` is then each group's Bonferroni level
    /// 1 − (1 − family_level)/G. Absent without `--by` or with
    /// `--adjust none`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_level: Option<f64>,
}

/// The Bayesian view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bayes {
    /// The Dirichlet prior's α.
    pub prior: f64,
    /// log10 of the Bayes factor for a free die (with that prior) against
    /// the null.
    pub log10_bayes_factor: f64,
}

/// One iterate of the optimiser, for `--trace` and `--plot-loss`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TraceRow {
    /// 0 for the starting point (the fair die), then 1, 2, ...
    pub iteration: u64,
    /// H(target, q) in nats.
    pub cross_entropy: f64,
    /// KL(target‖q) = H(target, q) − H(target), the loss gap, in nats.
    pub kl: f64,
    /// max_k |q_k − target_k|.
    pub max_abs_diff: f64,
    /// The step that led here (0 at the start; η, or Newton's t).
    pub step: f64,
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
    /// The null distribution p0 of the tests.
    pub null: Vec<f64>,
    /// The goodness-of-fit tests.
    pub tests: Tests,
    /// How the intervals were made.
    pub ci: CiSummary,
    /// The Bayesian view.
    pub bayes: Bayes,
    /// Entropy, perplexity and KL to the null.
    pub information: Information,
    /// Cautions a reader should see (small expected counts, ...).
    pub warnings: Vec<String>,
    /// The anytime-valid sequential test over the rolls in order
    /// (`--sequential`); absent without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequential: Option<SequentialReport>,
    /// A physical model of the die (`--model pairs`, `--design FILE`);
    /// absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelReport>,
    /// The decision: unlike the null or not, by which test, which faces.
    pub verdict: Verdict,
    /// Rolls at which Pearson's test (5% level) finds, with 80% power, one
    /// face 10% more likely than the null says (the likeliest face).
    pub rolls_for_10pct_bias: Option<f64>,
    /// The optimiser's path, when asked for (not part of the JSON).
    #[serde(skip)]
    pub trace: Vec<TraceRow>,
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

/// The homogeneity test within one set of groups that share their faces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Homogeneity {
    /// The faces K those groups share.
    pub k: usize,
    /// The groups, in first-seen order.
    pub groups: Vec<String>,
    /// χ² test of independence on their groups × faces table.
    pub test: MaybeTest,
}

/// The report of a `--by` run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupedReport {
    /// Number of faces K, shared by every group (with `--group-faces`, the
    /// largest group's).
    pub k: usize,
    /// The faces' labels, shared by every group (with `--group-faces`, all
    /// faces seen; each group lists its own in `faces`).
    pub face_labels: Vec<String>,
    /// True when each group has its own faces (`--group-faces`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub group_faces: bool,
    /// Each group, in first-seen order.
    pub groups: Vec<GroupReport>,
    /// Do the groups behave alike? χ² test of independence on the
    /// groups × faces table (skipped when the groups have different faces).
    pub homogeneity: MaybeTest,
    /// With `--group-faces` and groups of different faces: the test within
    /// each set of two or more groups that share their faces.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub homogeneity_by_faces: Vec<Homogeneity>,
    /// How the groups' p-values were adjusted.
    pub adjust: Adjust,
    /// Cautions about the run as a whole (a Monte Carlo B too small for the
    /// adjusted level, groups whose dice seem to differ).
    pub warnings: Vec<String>,
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
    Single(Box<SingleReport>),
    /// Several groups (`--by`).
    Grouped(Box<GroupedReport>),
}

impl Report {
    /// True when the verdict rejects the null: for the die, or for any
    /// group (on its adjusted p-value) with `--by`.
    pub fn rejects(&self) -> bool {
        match self {
            Report::Single(single) => single.die.verdict.reject,
            Report::Grouped(grouped) => grouped.groups.iter().any(|g| g.die.verdict.reject),
        }
    }
}
