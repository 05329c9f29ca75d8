//! `--sequential`: the anytime-valid test of one die over its rolls in the
//! order they were read ([`crate::stats::sequential`] is the method).

use anyhow::{anyhow, bail, Result};
use serde::Serialize;

use super::options::SequentialOptions;
use crate::dataset::Group;
use crate::stats::sequential::{self, Decision, Sequential};

/// What the sequential test decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SequentialDecision {
    /// The e-value reached 1/α: the die is not the null.
    Reject,
    /// Every face's confidence sequence lies within p0 ± D (`--within`).
    Fair,
    /// Neither, by the end of the log.
    Undecided,
}

/// A family of the e-process's mixture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MixtureFamily {
    /// Its weight in the e-value.
    pub weight: f64,
    /// The concentrations A of its grid, equally weighted.
    pub concentrations: Vec<f64>,
}

/// The e-process and its parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SequentialMethod {
    /// "mixture": the mean of the families below.
    pub name: &'static str,
    /// Dirichlet(A·p0) Bayes factors.
    pub omnibus: MixtureFamily,
    /// Beta(A·p0_k, A·(1 − p0_k)) Bayes factors of each face against the
    /// rest, averaged over the faces; null above 128 faces.
    pub one_face: Option<MixtureFamily>,
}

/// One face's anytime-valid confidence sequence at the end of the log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SequenceInterval {
    /// The face's label.
    pub face: String,
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// The sequential test of one die (JSON `sequential`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SequentialReport {
    /// The level α of this die's test (α/G for each of G `--by` groups).
    pub alpha: f64,
    /// The e-value that rejects: 1/α.
    pub threshold: f64,
    /// log10 of the e-value after the last roll.
    pub log10_e_value: f64,
    /// The first roll at which the test decided, or null.
    pub decided_at: Option<u64>,
    /// "reject", "fair" or "undecided".
    pub decision: SequentialDecision,
    /// The D of `--within`, or null.
    pub within: Option<f64>,
    /// The anytime-valid p-value where the log could have stopped (at the
    /// decision, else at the end): 1 / the largest e-value up to there.
    pub p_value: f64,
    /// That p-value times G across `--by` groups (at most 1), when the
    /// level was divided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_adjusted: Option<f64>,
    /// The e-process.
    pub method: SequentialMethod,
    /// Each face's confidence sequence after the last roll, holding for
    /// all faces at once at level 1 − α; null above 128 faces without
    /// `--within`.
    pub intervals: Option<Vec<SequenceInterval>>,
}

/// Runs the sequential test of `group`'s rolls against `null`.
pub fn analyse(
    faces: &[String],
    group: &Group,
    null: &[f64],
    options: SequentialOptions,
) -> Result<SequentialReport> {
    let rolls = group.rolls.as_ref().ok_or_else(|| {
        anyhow!("--sequential needs the rolls in the order they were rolled; a count table (--counts) has no order")
    })?;
    if options.within.is_some() {
        if let Some(k) = null.iter().position(|&p| p == 0.0) {
            bail!(
                "--within: face {} has null probability 0, so no interval can lie around it; drop it from the die",
                faces[k]
            );
        }
    }
    let mut test = Sequential::new(null, options.alpha, options.within);
    for &x in rolls {
        test.push(x as usize);
    }
    let ln10 = std::f64::consts::LN_10;
    let (decided_at, decision) = match test.decided() {
        Some((at, Decision::Reject)) => (Some(at), SequentialDecision::Reject),
        Some((at, Decision::Fair)) => (Some(at), SequentialDecision::Fair),
        None => (None, SequentialDecision::Undecided),
    };
    let intervals = test.intervals().map(|cs| {
        faces
            .iter()
            .zip(cs)
            .map(|(face, (low, high))| SequenceInterval {
                face: face.clone(),
                low,
                high,
            })
            .collect()
    });
    Ok(SequentialReport {
        alpha: test.alpha(),
        threshold: 1.0 / test.alpha(),
        log10_e_value: test.ln_e_value() / ln10,
        decided_at,
        decision,
        within: options.within,
        p_value: test.p_value(),
        p_adjusted: None,
        method: SequentialMethod {
            name: "mixture",
            omnibus: MixtureFamily {
                weight: if test.faces_in_e() { 0.5 } else { 1.0 },
                concentrations: sequential::omnibus_grid(null.len()),
            },
            one_face: test.faces_in_e().then(|| MixtureFamily {
                weight: 0.5,
                concentrations: sequential::face_grid(),
            }),
        },
        intervals,
    })
}
