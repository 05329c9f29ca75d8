//! The evidence a verdict is decided from: each face's row (counts, p, the
//! fitted q, residuals, intervals) and the goodness-of-fit tests.

use serde::Serialize;

use crate::stats::exact;
use crate::stats::TestResult;

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
    /// Lower end of the confidence interval for the face's probability
    /// (absent when the intervals were not computed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_low: Option<f64>,
    /// Upper end of the confidence interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_high: Option<f64>,
    /// Posterior mean under the Dirichlet(α) prior (absent when the
    /// posteriors were not computed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posterior_mean: Option<f64>,
    /// Lower end of the equal-tailed credible interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credible_low: Option<f64>,
    /// Upper end of the equal-tailed credible interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credible_high: Option<f64>,
}

impl FaceRow {
    /// The confidence interval (low, high), if it was computed.
    pub fn interval(&self) -> Option<(f64, f64)> {
        Some((self.ci_low?, self.ci_high?))
    }
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
    /// Σ P0(x) over outcomes x with S(x) ≥ S(observed), S the ordering
    /// `stat`; with an `error_bound`, the upper end of the interval that
    /// holds it.
    pub p_value: f64,
    /// How many outcomes there are, C(N+K−1, K−1) (`f64::MAX` past u128).
    pub outcomes: f64,
    /// The ordering: `llr`, `chisq` or `prob` (`--exact-stat`).
    pub stat: exact::ExactStat,
    /// `enumeration` (every outcome listed) or `lattice` (the dynamic
    /// programme over the faces).
    pub method: exact::ExactMethod,
    /// On a rounded lattice: the exact p-value lies in
    /// [p_value − error_bound, p_value]. Absent when exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_bound: Option<f64>,
    /// The p-value adjusted across groups (`--adjust`), in `--by` runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_adjusted: Option<f64>,
}

/// The Monte Carlo estimate of the exact p-value, with its adjustment
/// across groups in `--by` runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MonteCarloTest {
    /// The estimate: p-value, replicates, seed, exceedances, floor.
    #[serde(flatten)]
    pub result: exact::MonteCarlo,
    /// The p-value adjusted across groups (`--adjust`), in `--by` runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_adjusted: Option<f64>,
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
    pub monte_carlo: Option<MonteCarloTest>,
    /// Independence of consecutive rolls.
    pub serial: MaybeTest,
}
