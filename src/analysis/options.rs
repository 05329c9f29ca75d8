//! What to compute, from the command line: the optimiser's settings, the
//! null, the tests and intervals asked for, and what the output shows.

use super::physical::ModelSpec;
use crate::model::Die;
use crate::optim::FitOptions;
use crate::stats::adjust::Adjust;
use crate::stats::ci::CiMethod;
use crate::stats::exact::ExactStat;

/// What to compute, from the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisOptions {
    /// The optimiser's settings.
    pub fit: FitOptions,
    /// The null die (`--expected`); `None` for a fair die.
    pub null: Option<Die>,
    /// Cressie–Read λ (`--lambda`).
    pub lambda: Option<f64>,
    /// Compute the exact multinomial p-value (`--exact`).
    pub exact: bool,
    /// The exact test's ordering (`--exact-stat`).
    pub exact_stat: ExactStat,
    /// Monte Carlo replicates and seed (`--monte-carlo B --seed S`).
    pub monte_carlo: Option<(u64, u64)>,
    /// Interval method (`--ci`).
    pub ci: CiMethod,
    /// Interval and credible level (`--level`).
    pub level: f64,
    /// The verdict's significance level α (`--alpha`).
    pub alpha: f64,
    /// Dirichlet prior α (`--prior`).
    pub prior: f64,
    /// Add-α smoothing of the fitted target (`--smooth`).
    pub smooth: Option<f64>,
    /// Correction of per-group p-values (`--adjust`).
    pub adjust: Adjust,
    /// Each `--by` group has its own faces (`--group-faces`).
    pub group_faces: bool,
    /// Record the optimiser's path (`--trace`, `--plot-loss`).
    pub trace: bool,
    /// Compute the per-face confidence intervals (and so the faces that are
    /// off in the verdict). When false the rows' intervals are absent.
    pub intervals: bool,
    /// Run the anytime-valid sequential test over the ordered rolls
    /// (`--sequential`, `--within D`).
    pub sequential: Option<SequentialOptions>,
    /// Compute the per-face posteriors (posterior means and credible
    /// intervals). With 10^5 faces they are 2·10^5 Beta quantiles, the bulk
    /// of the statistics' cost. When false those fields are absent.
    pub posteriors: bool,
    /// A physical model of the die (`--model pairs`, `--design FILE`).
    pub model: Option<ModelSpec>,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            fit: FitOptions::default(),
            null: None,
            lambda: None,
            exact: false,
            exact_stat: ExactStat::Llr,
            monte_carlo: None,
            ci: CiMethod::Goodman,
            level: 0.95,
            alpha: 0.05,
            prior: 1.0,
            smooth: None,
            adjust: Adjust::Holm,
            group_faces: false,
            trace: false,
            intervals: true,
            posteriors: true,
            sequential: None,
            model: None,
        }
    }
}

/// The sequential test's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SequentialOptions {
    /// Its level: the verdict's α, divided by G across `--by` groups
    /// (Bonferroni, which holds at any stopping time) unless `--adjust none`.
    pub alpha: f64,
    /// Decide "fair to within D" (`--within D`).
    pub within: Option<f64>,
}
