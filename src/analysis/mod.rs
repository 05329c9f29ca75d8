//! From counts to conclusions: the fit of each die and everything reported
//! about it, as plain data ready to be rendered by [`crate::report`] and
//! [`crate::plot`].
//!
//! [`analyse`] turns a [`Dataset`] into a [`Report`]: one [`DieReport`] per
//! group (or for the whole input), each with its [`verdict::Verdict`]. The
//! pieces:
//! - [`types`]: the serialisable report types, the JSON contract (field
//!   names are stable; later versions only add fields);
//! - `die`: fitting and testing one die;
//! - [`verdict`]: the decision — which p-value decides, at what level,
//!   adjusted or not, and which faces are off — made once here, so that
//!   every output format shows the same conclusion.

mod die;
pub mod types;
pub mod verdict;

use anyhow::{bail, Result};

use crate::model::Die;
use crate::optim::FitOptions;
use crate::read::Dataset;
use crate::stats::adjust::{adjust, Adjust};
use crate::stats::ci::CiMethod;
use crate::stats::contingency;

pub use die::{SERIAL_MAX_FACES, SISON_GLAZ_MIN_K};
pub use types::*;

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
    /// Monte Carlo replicates and seed (`--monte-carlo B --seed S`).
    pub monte_carlo: Option<(u64, u64)>,
    /// Interval method (`--ci`).
    pub ci: CiMethod,
    /// Interval and credible level (`--level`).
    pub level: f64,
    /// Dirichlet prior α (`--prior`).
    pub prior: f64,
    /// Add-α smoothing of the fitted target (`--smooth`).
    pub smooth: Option<f64>,
    /// Correction of per-group p-values (`--adjust`).
    pub adjust: Adjust,
    /// Record the optimiser's path (`--trace`, `--plot-loss`).
    pub trace: bool,
    /// Compute the per-face confidence intervals (shown by the table, the
    /// plot and JSON; not by CSV). When false they hold the point estimate p.
    pub per_face: bool,
    /// Compute the per-face posteriors (credible intervals; shown only by
    /// JSON). With 10^5 faces they are 2·10^5 Beta quantiles, the bulk of
    /// the statistics' cost. When false (or when `per_face` is) those fields
    /// hold the point estimate p.
    pub posterior: bool,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            fit: FitOptions::default(),
            null: None,
            lambda: None,
            exact: false,
            monte_carlo: None,
            ci: CiMethod::Goodman,
            level: 0.95,
            prior: 1.0,
            smooth: None,
            adjust: Adjust::Holm,
            trace: false,
            per_face: true,
            posterior: true,
        }
    }
}

/// Analyses every group of `data`; `grouped` says whether `--by` was given.
pub fn analyse(data: &Dataset, grouped: bool, options: &AnalysisOptions) -> Result<Report> {
    let null = Die::null(options.null.as_ref(), data.faces.len())?.probabilities();
    let input = InputSummary {
        k_inferred: data.k_inferred,
        kind: data.kind,
        header: data.header.clone(),
        skipped: data.skipped.clone(),
    };
    if !grouped {
        let die = die::analyse_die(&data.faces, &data.groups[0], &null, options)?;
        return Ok(Report::Single(Box::new(SingleReport { die, input })));
    }
    let mut groups = Vec::with_capacity(data.groups.len());
    for g in &data.groups {
        let name = g.name.clone().unwrap_or_default();
        if g.n == 0 {
            bail!("group {name:?} has no rolls (N = 0): nothing to fit");
        }
        let die = die::analyse_die(&data.faces, g, &null, options)
            .map_err(|e| e.context(format!("group {name:?}")))?;
        groups.push(GroupReport { group: name, die });
    }
    let chi: Vec<f64> = groups
        .iter()
        .map(|g| g.die.tests.chi_square.result.p_value)
        .collect();
    let g_test: Vec<f64> = groups
        .iter()
        .map(|g| g.die.tests.g_test.result.p_value)
        .collect();
    for ((group, c), g) in groups
        .iter_mut()
        .zip(adjust(&chi, options.adjust))
        .zip(adjust(&g_test, options.adjust))
    {
        let die = &mut group.die;
        die.tests.chi_square.p_adjusted = Some(c);
        die.tests.g_test.p_adjusted = Some(g);
        die.verdict = verdict::decide(
            &die.tests,
            &die.faces,
            die.n,
            verdict::alpha_for(options.level),
            options.per_face,
        );
    }
    let table: Vec<Vec<u64>> = data.groups.iter().map(|g| g.counts.clone()).collect();
    let homogeneity = match contingency::independence(&table) {
        Some(result) => MaybeTest::Done(Test::new(result)),
        None => MaybeTest::Skipped {
            skipped: "needs at least two groups and two faces with rolls".into(),
        },
    };
    Ok(Report::Grouped(Box::new(GroupedReport {
        k: data.faces.len(),
        face_labels: data.faces.clone(),
        groups,
        homogeneity,
        adjust: options.adjust.name(),
        input,
    })))
}

/// The closed-form MLE p_k = n_k / N (N > 0).
pub fn empirical(counts: &[u64], n: u64) -> Vec<f64> {
    let n = n as f64;
    counts.iter().map(|&c| c as f64 / n).collect()
}

/// The add-α estimate (n_k + α)/(N + Kα).
pub fn smoothed(counts: &[u64], n: u64, alpha: f64) -> Vec<f64> {
    let total = n as f64 + alpha * counts.len() as f64;
    counts.iter().map(|&c| (c as f64 + alpha) / total).collect()
}
