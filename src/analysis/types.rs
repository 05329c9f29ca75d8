//! The serialisable report types: what `diceml fit --format json` prints,
//! and all that the table, CSV and charts render. A field that was not
//! computed is absent (or `null`), never a placeholder.

use serde::Serialize;

use crate::read::domain::Kind;
use crate::read::Skipped;
use crate::stats::exact;
use crate::stats::info::Information;
use crate::stats::TestResult;

use super::verdict::Verdict;

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
    /// What q was fitted to: p, or the add-α estimate with `--smooth`.
    pub target: f64,
    /// |q − target|.
    pub abs_diff: f64,
    /// Fitted logit, centred over the faces with a positive target; null
    /// where it is −∞.
    pub logit: Option<f64>,
    /// Expected count under the null, N·p0.
    pub expected: f64,
    /// Pearson residual (O − E)/√E.
    pub residual: f64,
    /// Standardised residual (O − E)/√(N p0 (1 − p0)), as R's `stdres`.
    pub std_residual: f64,
    /// Lower end of the confidence interval for the face's probability.
    pub ci_low: f64,
    /// Upper end of the confidence interval.
    pub ci_high: f64,
    /// Posterior mean under the Dirichlet(α) prior.
    pub posterior_mean: f64,
    /// Lower end of the equal-tailed credible interval.
    pub credible_low: f64,
    /// Upper end of the equal-tailed credible interval.
    pub credible_high: f64,
}

/// The optimiser's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitSummary {
    /// The method: "gd" (gradient descent), "momentum" (Nesterov) or
    /// "newton".
    pub method: &'static str,
    /// Iterations taken.
    pub iterations: u64,
    /// True exactly when `max_abs_diff ≤ tol`.
    pub converged: bool,
    /// The stopping threshold on max_k |q_k − target_k|.
    pub tol: f64,
    /// The step size η (gd, momentum; newton line-searches its own).
    pub learning_rate: f64,
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
    pub target: &'static str,
    /// The α of `--smooth`, or null.
    pub smooth: Option<f64>,
}

/// A χ²-referred test, with its multiple-testing adjustment in `--by` runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Test {
    /// The statistic, df, p-value and log10 p-value.
    #[serde(flatten)]
    pub result: TestResult,
    /// The p-value adjusted across groups (`--adjust`), in `--by` runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_adjusted: Option<f64>,
    /// The Cressie–Read λ, for the power-divergence test.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda: Option<f64>,
}

impl Test {
    /// A test's result, not (yet) adjusted.
    pub fn new(result: TestResult) -> Self {
        Test {
            result,
            p_adjusted: None,
            lambda: None,
        }
    }
}

/// A test that was computed, or why it was not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MaybeTest {
    /// The test's result.
    Done(Test),
    /// Why it could not be computed.
    Skipped {
        /// The reason.
        skipped: String,
    },
}

/// The exact multinomial p-value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Exact {
    /// Σ P0(x) over outcomes x with G(x) ≥ G(observed).
    pub p_value: f64,
    /// How many outcomes were enumerated, C(N+K−1, K−1).
    pub outcomes: f64,
}

/// The goodness-of-fit tests computed (only those asked for).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tests {
    /// Pearson's X².
    pub chi_square: Test,
    /// The likelihood-ratio G-test.
    pub g_test: Test,
    /// Cressie–Read power divergence (`--lambda`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power_divergence: Option<MaybeTest>,
    /// Exact multinomial p-value (`--exact`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<Exact>,
    /// Monte Carlo estimate of the exact p-value (`--monte-carlo`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monte_carlo: Option<exact::MonteCarlo>,
    /// Independence of consecutive rolls.
    pub serial: MaybeTest,
}

/// How the intervals were made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CiSummary {
    /// The method's name.
    pub method: &'static str,
    /// The confidence level.
    pub level: f64,
    /// True when the intervals hold for all faces at once.
    pub simultaneous: bool,
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

/// The report of a `--by` run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupedReport {
    /// Number of faces K, shared by every group.
    pub k: usize,
    /// The faces' labels, shared by every group.
    pub face_labels: Vec<String>,
    /// Each group, in first-seen order.
    pub groups: Vec<GroupReport>,
    /// Do the groups behave alike? χ² test of independence on the
    /// groups × faces table.
    pub homogeneity: MaybeTest,
    /// How the groups' p-values were adjusted.
    pub adjust: &'static str,
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
