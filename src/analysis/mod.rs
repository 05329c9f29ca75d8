//! From counts to conclusions: the fit of each die and everything reported
//! about it, as plain data ready to be rendered by [`crate::report`] and
//! [`crate::plot`].
//!
//! [`analyse`] turns a [`Dataset`] into a [`Report`]: one [`DieReport`] per
//! group (or for the whole input), each with its [`verdict::Verdict`]. The
//! pieces:
//! - [`types`]: the rest of the serialisable report types (with
//!   [`evidence`], the JSON contract: field names are stable; later versions
//!   only add fields);
//! - [`options`]: what to compute;
//! - `die`: fitting and testing one die;
//! - [`evidence`]: the per-face rows and the tests, from which the verdict
//!   is decided;
//! - [`verdict`]: the decision — which p-value decides, at what level,
//!   adjusted or not, and which faces are off — made once here, so that
//!   every output format shows the same conclusion.

mod die;
pub mod evidence;
pub mod options;
pub mod types;
pub mod verdict;

use anyhow::{bail, Result};

use crate::dataset::Dataset;
use crate::model::Die;
use crate::stats::adjust::adjust;
use crate::stats::contingency;

pub use die::{SERIAL_MAX_FACES, SISON_GLAZ_MIN_K};
pub use evidence::*;
pub use options::AnalysisOptions;
pub use types::*;

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
        adjust: options.adjust,
        input,
    })))
}
