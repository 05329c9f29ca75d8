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
//! - [`groups`]: the dice of a `--by` run, shared or each its own
//!   (`--group-faces`), and their homogeneity;
//! - [`evidence`]: the per-face rows and the tests, from which the verdict
//!   is decided;
//! - [`verdict`]: the decision — which p-value decides, at what level,
//!   adjusted or not, and which faces are off — made once here, so that
//!   every output format shows the same conclusion;
//! - [`sum`]: a die seen only through the totals of M identical dice
//!   (`fit --sum-of`), a report of its own;
//! - [`physical`]: physical models of a die (`--model pairs`, `--design
//!   FILE`), fitted and tested against the fair die;
//! - [`audit`]: `diceml audit`'s battery on each group's ordered rolls,
//!   with Holm's correction and the decision;
//! - [`plan`]: `diceml plan`'s question (the rolls a test needs, or its
//!   power at N rolls), checked and answered as plain data.

pub mod audit;
mod die;
pub mod evidence;
pub mod groups;
pub mod options;
pub mod physical;
pub mod plan;
pub mod sequential;
pub mod sum;
pub mod types;
pub mod verdict;

use anyhow::{bail, Result};

use crate::dataset::Dataset;
use crate::model::Die;
use crate::stats::adjust::{adjust, Adjust};

pub use die::{SERIAL_MAX_FACES, SISON_GLAZ_MIN_K};
pub use evidence::*;
pub use options::{AnalysisOptions, SequentialOptions};
pub use physical::{ModelReport, ModelSpec};
pub use types::*;

/// Analyses every group of `data`; `grouped` says whether `--by` was given.
pub fn analyse(data: &Dataset, grouped: bool, options: &AnalysisOptions) -> Result<Report> {
    let input = InputSummary {
        k_inferred: data.k_inferred,
        kind: data.kind,
        header: data.header.clone(),
        skipped: data.skipped.clone(),
    };
    if !grouped {
        let null = Die::null(options.null.as_ref(), data.faces.len())?.probabilities();
        let group = data.groups[0].over(data.faces.len());
        let die = die::analyse_die(&data.faces, &group, &null, options)?;
        return Ok(Report::Single(Box::new(SingleReport { die, input })));
    }
    // Faces found off must hold across all G groups at once: the
    // intervals are made at the Bonferroni level 1 − (1 − level)/G.
    let families = data.groups.len() as f64;
    let divide = |x: f64| match options.adjust {
        Adjust::None => x,
        _ => x / families,
    };
    let per_group = AnalysisOptions {
        level: 1.0 - divide(1.0 - options.level),
        // An e-process's level is divided (Bonferroni): its decision roll
        // then holds for all groups at once, at any stopping time.
        sequential: options.sequential.map(|s| SequentialOptions {
            alpha: divide(s.alpha),
            ..s
        }),
        ..options.clone()
    };
    let cells = data.groups.len() as u64 * data.faces.len() as u64;
    if !options.group_faces && cells > groups::MAX_GROUP_CELLS {
        let or = if data.k_inferred {
            "declare the die with --faces"
        } else {
            "declare a die with fewer --faces"
        };
        bail!(
            "{} groups × {} faces is {cells} rows to report, more than {}: give each group its own faces with --group-faces, or {or}",
            data.groups.len(),
            data.faces.len(),
            groups::MAX_GROUP_CELLS
        );
    }
    let dice = if options.group_faces {
        groups::own(data)?
    } else {
        groups::shared(data)
    };
    let mut groups = Vec::with_capacity(dice.len());
    for d in &dice {
        let g = &d.group;
        let name = g.name.clone().unwrap_or_default();
        if g.n == 0 {
            bail!("group {name:?} has no rolls (N = 0): nothing to fit");
        }
        let in_group = |e: anyhow::Error| e.context(format!("group {name:?}"));
        // Each group's null over its own faces (with --group-faces, an
        // --expected must match every group's K).
        let null = Die::null(options.null.as_ref(), d.faces.len())
            .map_err(|e| in_group(e.into()))?
            .probabilities();
        let mut die = die::analyse_die(&d.faces, g, &null, &per_group).map_err(in_group)?;
        if options.adjust != Adjust::None {
            die.ci.family_level = Some(options.level);
        }
        groups.push(GroupReport { group: name, die });
    }
    adjust_across(&mut groups, options);
    let mut warnings = monte_carlo_reach(&groups, options);
    if !options.group_faces {
        warnings.extend(groups::range_warnings(data));
    }
    let (homogeneity, homogeneity_by_faces) = groups::homogeneity(&dice);
    Ok(Report::Grouped(Box::new(GroupedReport {
        k: dice.iter().map(|d| d.faces.len()).max().unwrap_or(0),
        face_labels: data.faces.clone(),
        group_faces: options.group_faces,
        groups,
        homogeneity,
        homogeneity_by_faces,
        adjust: options.adjust,
        warnings,
        input,
    })))
}

/// Adjusts, across the groups, every p-value that can drive a verdict —
/// the chi-square and G tests, the exact and Monte Carlo p-values, the
/// order test (over the groups where it was computed) — each family by
/// `--adjust`, and decides each group's verdict on them.
fn adjust_across(groups: &mut [GroupReport], options: &AnalysisOptions) {
    /// Adjusts one family: `get` reads a group's p-value (if it has one),
    /// `set` stores the adjusted one.
    fn family(
        groups: &mut [GroupReport],
        how: Adjust,
        get: impl Fn(&Tests) -> Option<f64>,
        set: impl Fn(&mut Tests, f64),
    ) {
        let which: Vec<usize> = (0..groups.len())
            .filter(|&i| get(&groups[i].die.tests).is_some())
            .collect();
        let p: Vec<f64> = which
            .iter()
            .filter_map(|&i| get(&groups[i].die.tests))
            .collect();
        for (&i, adjusted) in which.iter().zip(adjust(&p, how)) {
            set(&mut groups[i].die.tests, adjusted);
        }
    }
    let how = options.adjust;
    family(
        groups,
        how,
        |t| Some(t.chi_square.result.p_value),
        |t, p| t.chi_square.p_adjusted = Some(p),
    );
    family(
        groups,
        how,
        |t| Some(t.g_test.result.p_value),
        |t, p| t.g_test.p_adjusted = Some(p),
    );
    family(
        groups,
        how,
        |t| t.exact.map(|e| e.p_value),
        |t, p| {
            if let Some(e) = &mut t.exact {
                e.p_adjusted = Some(p);
            }
        },
    );
    family(
        groups,
        how,
        |t| t.monte_carlo.map(|mc| mc.result.p_value),
        |t, p| {
            if let Some(mc) = &mut t.monte_carlo {
                mc.p_adjusted = Some(p);
            }
        },
    );
    family(
        groups,
        how,
        |t| match &t.serial {
            MaybeTest::Done(serial) => Some(serial.result.p_value),
            MaybeTest::Skipped { .. } => None,
        },
        |t, p| {
            if let MaybeTest::Done(serial) = &mut t.serial {
                serial.p_adjusted = Some(p);
            }
        },
    );
    let families = groups.len() as f64;
    for group in groups {
        let die = &mut group.die;
        if let Some(s) = &mut die.sequential {
            if how != Adjust::None {
                s.p_adjusted = Some((s.p_value * families).min(1.0));
            }
        }
        die.verdict = verdict::decide(
            &die.tests,
            die.sequential.as_ref(),
            &die.faces,
            die.n,
            options.alpha,
        );
    }
}

/// A caution when `--monte-carlo B` cannot reach the adjusted level: its
/// smallest p-value 1/(B + 1), times the G groups (Holm's first step and
/// Bonferroni's only one), is at least α, so no group could be found
/// unlike the null whatever its rolls.
fn monte_carlo_reach(groups: &[GroupReport], options: &AnalysisOptions) -> Vec<String> {
    let Some((replicates, _)) = options.monte_carlo else {
        return Vec::new();
    };
    let g = match options.adjust {
        Adjust::None => 1.0,
        _ => groups.len() as f64,
    };
    let floor = 1.0 / (replicates as f64 + 1.0);
    if g * floor < options.alpha {
        return Vec::new();
    }
    vec![format!(
        "--monte-carlo {replicates} cannot reach the adjusted level: its smallest p-value, 1/(B + 1) = {floor:.1e}, adjusted ({}) across {} groups is not below alpha = {}; use B >= {:.0}",
        options.adjust,
        groups.len(),
        options.alpha,
        (g / options.alpha).floor()
    )]
}
