//! Statistics of a die's counts: goodness-of-fit tests, exact and Monte
//! Carlo p-values, confidence intervals, Bayesian summaries, information
//! measures and a test of independence between successive rolls.
//!
//! Everything here is pure computation on counts (`&[u64]`) and null
//! probabilities (`&[f64]`): nothing prints, nothing panics for valid input,
//! and no result is NaN or infinite for valid input (a value that would
//! overflow is reported as `f64::MAX`, a logarithm of 0 as `-f64::MAX`).
//!
//! Files, one concern each:
//! - [`dist`]: χ² survival function and the normal, χ², beta quantiles;
//! - [`gof`]: Pearson's X², the G-test, Cressie–Read power divergence,
//!   residuals;
//! - [`exact`]: the exact multinomial test and its Monte Carlo estimate;
//! - [`lattice`]: the law of a sum of per-face terms on an integer lattice
//!   (the exact test beyond enumeration);
//! - [`ci`]: per-face and simultaneous confidence intervals;
//! - [`bayes`]: Dirichlet posterior and Bayes factor against the null;
//! - [`info`]: entropy, perplexity, Kullback–Leibler divergence (the one
//!   entropy and the one KL of the crate, which the fit summary uses too);
//! - [`battery`]: the audit battery of tests on an ordered log (one file
//!   per test);
//! - [`adjust`]: Holm and Bonferroni corrections across groups;
//! - [`power`]: the noncentral χ² and the rolls a test needs;
//! - [`contingency`]: the χ² test of independence (successive rolls);
//! - [`sum`]: the law of the total of M identical dice and the likelihood
//!   of a die seen only through its totals, with its derivatives;
//! - `special` (private): incomplete gamma and beta functions and the
//!   cancellation-free elementary forms they rest on.
//!
//! Accuracy targets, checked by the unit tests beside each function against
//! closed forms and values computed independently (mpmath at 50 digits,
//! SciPy, statsmodels): statistics and p-values to 1e-12 relative or better
//! unless a function's documentation says otherwise.

pub mod adjust;
pub mod battery;
pub mod bayes;
pub mod ci;
pub mod contingency;
pub mod dist;
pub mod exact;
pub mod gof;
pub mod info;
pub mod lattice;
pub mod pairs;
pub mod power;
pub mod sequential;
mod special;
pub mod sum;
#[cfg(test)]
mod testing;

/// The outcome of a test whose statistic is referred to a χ² distribution.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct TestResult {
    /// The test statistic (≥ 0; `f64::MAX` stands for +∞).
    pub statistic: f64,
    /// Degrees of freedom of the reference χ² distribution.
    pub df: u64,
    /// P(χ²(df) ≥ statistic); may underflow to 0.
    pub p_value: f64,
    /// log₁₀ of the p-value, accurate after `p_value` underflows to 0
    /// (`-f64::MAX` only when the p-value is exactly 0, e.g. df = 0 with a
    /// positive statistic).
    pub log10_p_value: f64,
}

impl TestResult {
    /// Refers `statistic` to χ²(df).
    ///
    /// ```text
    /// p = Q(df/2, statistic/2),   log10_p = ln Q / ln 10
    /// ```
    /// A NaN statistic is treated as +∞ (`f64::MAX`) and a negative one as
    /// 0; an infinite one is stored as `f64::MAX`.
    pub fn chi2(statistic: f64, df: u64) -> TestResult {
        let statistic = if statistic.is_nan() {
            f64::MAX
        } else {
            statistic.clamp(0.0, f64::MAX)
        };
        let p_value = dist::chi2_sf(statistic, df as f64);
        let log10_p_value =
            (dist::chi2_ln_sf(statistic, df as f64) / std::f64::consts::LN_10).max(-f64::MAX);
        TestResult {
            statistic,
            df,
            p_value,
            log10_p_value,
        }
    }
}
