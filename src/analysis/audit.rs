//! `diceml audit`'s battery over a dataset: every test of
//! [`crate::stats::battery`] on each group's ordered rolls, Holm's
//! correction across the battery, and the decision, as plain data (the JSON
//! contract: field names are stable; later versions only add fields).
//!
//! The null is a fair die over the dataset's faces. Each test passes at
//! level α on its own p-value (the regulations' "99% confidence" per test);
//! the battery passes when no Holm-adjusted p-value is below α (the
//! family-wise decision: a fair die fails it with probability at most α,
//! however many tests run). Under `--by` each group is a battery of its
//! own, and the audit passes when every group does.

use anyhow::{bail, Result};
use serde::Serialize;

use crate::dataset::Dataset;
use crate::stats::adjust::{adjust, Adjust};
use crate::stats::battery::{gap, permutation, poker, runs, Battery, Outcome};

/// What the battery is run with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AuditOptions {
    /// The level α of every test and of the family-wise decision.
    pub alpha: f64,
    /// The lags 1..L of the serial correlation test.
    pub lags: usize,
    /// The most blocks the drift test cuts the log into.
    pub blocks: usize,
}

/// The battery's fixed parameters, as reported beside the options.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameters {
    /// The level α (`--alpha`).
    pub alpha: f64,
    /// The family-wise correction across the battery: `holm`.
    pub adjust: Adjust,
    /// Serial correlation lags 1..L (`--lags`).
    pub lags: usize,
    /// The most drift blocks (`--blocks`).
    pub blocks: usize,
    /// The poker test's hand size.
    pub hand: usize,
    /// The permutation test's tuple size.
    pub tuple: usize,
    /// The gap test's target faces: the first ⌊k/2⌋.
    pub gap_faces: usize,
    /// The seed of the SplitMix64 jitter that orders tied rolls in the
    /// runs test (hex).
    pub jitter_seed: String,
}

/// One test's line in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditTest {
    /// The test's name (`frequency`, `serial`, `runs`, `gap`, `poker`,
    /// `coupon_collector`, `permutation`, `serial_correlation`, `drift`).
    pub name: &'static str,
    /// The statistic (χ² for every test); absent when skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistic: Option<f64>,
    /// Its degrees of freedom; absent when skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub df: Option<u64>,
    /// The p-value; absent when skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// Holm's adjusted p-value across the tests that ran; absent when
    /// skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_adjusted: Option<f64>,
    /// p-value ≥ α; absent when skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass: Option<bool>,
    /// Why the log cannot support the test, when skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// The battery on one group (or the whole log).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupAudit {
    /// The group's value in the `--by` column; absent without `--by`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The group's rolls.
    pub n: u64,
    /// The count of each face, in the order of `faces`.
    pub counts: Vec<u64>,
    /// The tests, in battery order.
    pub tests: Vec<AuditTest>,
    /// At least one test ran and no Holm-adjusted p-value is below α.
    pub pass: bool,
    /// The face counts of the drift test's blocks (for the chart).
    #[serde(skip)]
    pub blocks: Vec<Vec<u64>>,
}

/// The audit of a dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditReport {
    /// The tool's version.
    pub version: &'static str,
    /// Each input file and its SHA-256 (filled in by the command, which
    /// reads the files).
    pub inputs: Vec<InputDigest>,
    /// The number of rolls.
    pub n: u64,
    /// The number of faces.
    pub k: usize,
    /// The faces, in report order (the serial correlation test takes the
    /// rolls as their positions 0..k−1 in this order).
    pub faces: Vec<String>,
    /// What the battery ran with.
    pub parameters: Parameters,
    /// The tests, without `--by`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tests: Option<Vec<AuditTest>>,
    /// Each group's battery, under `--by`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<GroupAudit>>,
    /// The family-wise decision: every battery passes.
    pub pass: bool,
    /// The whole log's battery (its tests are `tests` without `--by`).
    #[serde(skip)]
    pub whole: Option<GroupAudit>,
}

/// An input file and its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputDigest {
    /// The file as named on the command line (`<stdin>` for standard input).
    pub file: String,
    /// The SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
}

/// Runs the battery on every group of `data`, whose rolls were kept in
/// order; `by` says the groups come from `--by`.
pub fn audit(data: &Dataset, by: bool, options: &AuditOptions) -> Result<AuditReport> {
    let k = data.faces.len();
    let mut batteries = Vec::with_capacity(data.groups.len());
    for group in &data.groups {
        let Some(rolls) = &group.rolls else {
            bail!("a count table has no order to audit: give the roll log");
        };
        let mut battery = Battery::new(k, options.lags, options.blocks);
        battery.push(rolls);
        batteries.push((group.name.clone(), battery));
    }
    Ok(report(data, batteries, by, options))
}

/// The report of batteries that took every roll of their groups (in the
/// order of `data.groups`, named as there): `data` gives the faces and n.
pub fn report(
    data: &Dataset,
    batteries: Vec<(Option<String>, Battery)>,
    by: bool,
    options: &AuditOptions,
) -> AuditReport {
    let k = data.faces.len();
    let mut groups: Vec<GroupAudit> = batteries
        .into_iter()
        .map(|(name, b)| {
            let mut audit = finish(&b, options);
            audit.group = name;
            audit
        })
        .collect();
    let pass = groups.iter().all(|g| g.pass);
    let parameters = Parameters {
        alpha: options.alpha,
        adjust: Adjust::Holm,
        lags: options.lags,
        blocks: options.blocks,
        hand: poker::HAND,
        tuple: permutation::TUPLE,
        gap_faces: gap::target(k),
        jitter_seed: format!("{:#018x}", runs::JITTER_SEED),
    };
    let (tests, whole, groups) = if by {
        (None, None, Some(groups))
    } else {
        let whole = groups.pop();
        (whole.as_ref().map(|w| w.tests.clone()), whole, None)
    };
    AuditReport {
        version: env!("CARGO_PKG_VERSION"),
        inputs: Vec::new(),
        n: data.groups.iter().map(|g| g.n).sum(),
        k,
        faces: data.faces.clone(),
        parameters,
        tests,
        groups,
        pass,
        whole,
    }
}

/// The tests of a battery that took every roll of one group (or the whole
/// log), Holm's correction across them, and the decision.
pub fn finish(battery: &Battery, options: &AuditOptions) -> GroupAudit {
    let blocks = battery.blocks();
    let outcomes = battery.finish();
    let ran: Vec<f64> = outcomes
        .iter()
        .filter_map(|(_, o)| o.tested().map(|t| t.p_value))
        .collect();
    let mut adjusted = adjust(&ran, Adjust::Holm).into_iter();
    let tests: Vec<AuditTest> = outcomes
        .into_iter()
        .map(|(name, outcome)| match outcome {
            Outcome::Tested(t) => AuditTest {
                name,
                statistic: Some(t.statistic),
                df: Some(t.df),
                p_value: Some(t.p_value),
                p_adjusted: adjusted.next(),
                pass: Some(t.p_value >= options.alpha),
                skipped: None,
            },
            Outcome::Skipped(why) => AuditTest {
                name,
                statistic: None,
                df: None,
                p_value: None,
                p_adjusted: None,
                pass: None,
                skipped: Some(why),
            },
        })
        .collect();
    // A log too short for every test proves nothing: it does not pass.
    let pass = !ran.is_empty()
        && tests
            .iter()
            .filter_map(|t| t.p_adjusted)
            .all(|p| p >= options.alpha);
    let counts = battery.counts().to_vec();
    GroupAudit {
        group: None,
        n: counts.iter().sum(),
        counts,
        tests,
        pass,
        blocks,
    }
}
