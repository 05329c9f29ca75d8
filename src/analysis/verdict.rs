//! The verdict: is the die unlike the null, at what level, by which test,
//! and which faces are off. Decided here, once, from the computed tests and
//! intervals; the table, the JSON and the chart only render it.
//!
//! The deciding p-value is the best one computed for the whole die, in this
//! order: the exact multinomial p-value (`--exact`), else the Monte Carlo
//! estimate (`--monte-carlo`), else Pearson's χ² — under `--by`, adjusted
//! across the groups (`--adjust`, Holm by default), as every p-value that
//! can decide is. The die is judged unlike the null when
//!
//! ```text
//! p < α   (`--alpha`; by default 1 − `--level`, so 0.05)
//! ```
//!
//! A face is off when its interval excludes its null probability p0_k:
//! above it (`more` often) or below it (`less` often). Under `--by` the
//! intervals are made at the Bonferroni level 1 − (1 − level)/G across the
//! G groups, so the faces found off hold across all groups at once. The
//! order test's own decision (consecutive rolls related, its p-value
//! adjusted like the others) is kept apart: it does not say the faces'
//! frequencies are wrong.

use serde::Serialize;

use super::evidence::{FaceRow, MaybeTest, Tests};
use super::sequential::{SequentialDecision, SequentialReport};

/// The test whose p-value decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecidedBy {
    /// Pearson's χ² (asymptotic).
    ChiSquare,
    /// The exact multinomial test.
    Exact,
    /// The Monte Carlo estimate of the exact p-value.
    MonteCarlo,
    /// The anytime-valid sequential test (`--sequential`): its p-value is
    /// 1 / the largest e-value up to the decision.
    Sequential,
}

/// Where a face's interval lies relative to its null probability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The whole interval is above p0: the face comes up more often.
    More,
    /// The whole interval is below p0: the face comes up less often.
    Less,
}

/// A face whose interval excludes its null probability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaceOff {
    /// The face's label.
    pub face: String,
    /// Its position among the die's faces (not part of the JSON).
    #[serde(skip)]
    pub index: usize,
    /// More or less often than the null says.
    pub direction: Direction,
    /// The face's null probability p0.
    pub null_p: f64,
    /// The interval's lower end.
    pub ci_low: f64,
    /// The interval's upper end.
    pub ci_high: f64,
}

/// The decision about one die (or one group).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The level α at which the die is judged: 1 − `--level`.
    pub alpha: f64,
    /// Which test's p-value decides.
    pub decided_by: DecidedBy,
    /// That test's p-value (may underflow to 0; see the test's
    /// `log10_p_value`).
    pub p_value: f64,
    /// The p-value adjusted across groups (`--adjust`), when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_adjusted: Option<f64>,
    /// True when the deciding (adjusted) p-value is below α.
    pub reject: bool,
    /// The faces whose interval excludes the null, in face order; `null`
    /// when the intervals were not computed.
    pub faces_off: Option<Vec<FaceOff>>,
    /// True when the order test finds consecutive rolls related at α;
    /// `null` when it was not computed.
    pub order_related: Option<bool>,
}

impl Verdict {
    /// The p-value compared with α: the adjusted one where there is one.
    pub fn deciding_p(&self) -> f64 {
        self.p_adjusted.unwrap_or(self.p_value)
    }

    /// How `face` (by index) stands against the null, if it is off (a
    /// binary search: `faces_off` is in face order, and a table of 10^5
    /// faces asks once per face).
    pub fn direction(&self, index: usize) -> Option<Direction> {
        let off = self.faces_off.as_ref()?;
        let at = off.binary_search_by_key(&index, |f| f.index).ok()?;
        Some(off[at].direction)
    }
}

/// α for a confidence `level`, as the user wrote it: 1 − 0.95 is 0.05, not
/// 0.050000000000000044 (the subtraction's rounding is dropped at 12
/// significant digits, far below any level's own precision).
pub fn alpha_for(level: f64) -> f64 {
    let alpha = 1.0 - level;
    format!("{alpha:.11e}").parse().unwrap_or(alpha)
}

/// Decides for one die of `n` rolls from its tests and per-face rows (the
/// faces that are off only when the rows carry their intervals).
pub fn decide(
    tests: &Tests,
    sequential: Option<&SequentialReport>,
    faces: &[FaceRow],
    n: u64,
    alpha: f64,
) -> Verdict {
    let (decided_by, p_value, p_adjusted) = match (sequential, &tests.exact, &tests.monte_carlo) {
        (Some(s), _, _) => (DecidedBy::Sequential, s.p_value, s.p_adjusted),
        (None, Some(exact), _) => (DecidedBy::Exact, exact.p_value, exact.p_adjusted),
        (None, None, Some(mc)) => (DecidedBy::MonteCarlo, mc.result.p_value, mc.p_adjusted),
        (None, None, None) => (
            DecidedBy::ChiSquare,
            tests.chi_square.result.p_value,
            tests.chi_square.p_adjusted,
        ),
    };
    let intervals: Option<Vec<(f64, f64)>> = faces.iter().map(FaceRow::interval).collect();
    let faces_off = intervals.map(|intervals| {
        faces
            .iter()
            .zip(intervals)
            .enumerate()
            .filter_map(|(index, (f, (ci_low, ci_high)))| {
                let null_p = f.expected / n as f64;
                let direction = if null_p < ci_low {
                    Direction::More
                } else if null_p > ci_high {
                    Direction::Less
                } else {
                    return None;
                };
                Some(FaceOff {
                    face: f.face.clone(),
                    index,
                    direction,
                    null_p,
                    ci_low,
                    ci_high,
                })
            })
            .collect()
    });
    let order_related = match &tests.serial {
        MaybeTest::Done(serial) => Some(serial.p_adjusted.unwrap_or(serial.result.p_value) < alpha),
        MaybeTest::Skipped { .. } => None,
    };
    Verdict {
        alpha,
        decided_by,
        p_value,
        p_adjusted,
        // The sequential test rejects when its e-value reached 1/α (its
        // p-value is then at most α, equal when the e-value hit 1/α).
        reject: match sequential {
            Some(s) => s.decision == SequentialDecision::Reject,
            None => p_adjusted.unwrap_or(p_value) < alpha,
        },
        faces_off,
        order_related,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::evidence::{Exact, MonteCarloTest, Test};
    use crate::stats::{gof, TestResult};

    fn tests_for(counts: &[u64], null: &[f64]) -> Tests {
        Tests {
            chi_square: Test::new(gof::pearson(counts, null)),
            g_test: Test::new(gof::g_test(counts, null)),
            power_divergence: None,
            exact: None,
            monte_carlo: None,
            serial: MaybeTest::Skipped {
                skipped: "no order".into(),
            },
        }
    }

    fn row(face: &str, expected: f64, ci: Option<(f64, f64)>) -> FaceRow {
        FaceRow {
            face: face.into(),
            count: 0,
            p: 0.0,
            q: 0.0,
            target: 0.0,
            abs_diff: 0.0,
            logit: None,
            expected,
            residual: 0.0,
            std_residual: 0.0,
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
            posterior_mean: None,
            credible_low: None,
            credible_high: None,
        }
    }

    #[test]
    fn alpha_is_the_level_s_complement_as_written() {
        assert_eq!(alpha_for(0.95), 0.05);
        assert_eq!(alpha_for(0.99), 0.01);
        assert_eq!(alpha_for(0.999), 0.001);
        assert_eq!(alpha_for(0.5), 0.5);
    }

    #[test]
    fn chi_square_decides_and_its_adjusted_p_wins() {
        // X² = 1.6 on [3, 7] against a fair coin: p = 0.2059 (R chisq.test).
        let mut t = tests_for(&[3, 7], &[0.5, 0.5]);
        let v = decide(&t, None, &[], 10, 0.25);
        assert_eq!(v.decided_by, DecidedBy::ChiSquare);
        assert!((v.p_value - 0.2059032107320683).abs() < 1e-15);
        assert!(v.reject && v.p_adjusted.is_none());
        t.chi_square.p_adjusted = Some(0.4);
        let v = decide(&t, None, &[], 10, 0.25);
        assert_eq!(
            (v.p_adjusted, v.deciding_p(), v.reject),
            (Some(0.4), 0.4, false)
        );
    }

    #[test]
    fn exact_then_monte_carlo_take_precedence() {
        let mut t = tests_for(&[3, 7], &[0.5, 0.5]);
        t.chi_square.p_adjusted = Some(0.9);
        t.monte_carlo = Some(MonteCarloTest {
            p_adjusted: None,
            result: crate::stats::exact::monte_carlo_p(&[3, 7], &[0.5, 0.5], 99, 1),
        });
        let v = decide(&t, None, &[], 10, 0.05);
        assert_eq!(v.decided_by, DecidedBy::MonteCarlo);
        assert_eq!(v.p_adjusted, None);
        // The Monte Carlo p-value's own adjustment decides, not the chi-square's.
        t.monte_carlo.as_mut().unwrap().p_adjusted = Some(0.01);
        let v = decide(&t, None, &[], 10, 0.05);
        assert_eq!((v.p_adjusted, v.reject), (Some(0.01), true));
        t.exact = Some(Exact {
            p_value: 0.34375,
            outcomes: 11.0,
            stat: crate::stats::exact::ExactStat::Llr,
            method: crate::stats::exact::ExactMethod::Enumeration,
            error_bound: None,
            p_adjusted: Some(0.6875),
        });
        let v = decide(&t, None, &[], 10, 0.05);
        assert_eq!(
            (v.decided_by, v.p_value, v.deciding_p(), v.reject),
            (DecidedBy::Exact, 0.34375, 0.6875, false)
        );
    }

    #[test]
    fn a_face_is_off_when_its_interval_excludes_the_null() {
        let t = tests_for(&[3, 7], &[0.5, 0.5]);
        let faces = [
            row("a", 5.0, Some((0.1, 0.45))),
            row("b", 5.0, Some((0.55, 0.9))),
            row("c", 5.0, Some((0.2, 0.8))),
            row("d", 5.0, Some((0.5, 0.8))),
        ];
        let v = decide(&t, None, &faces, 10, 0.05);
        let off = v.faces_off.as_ref().unwrap();
        assert_eq!(off.len(), 2, "an interval touching p0 does not exclude it");
        assert_eq!(
            (off[0].face.as_str(), off[0].direction),
            ("a", Direction::Less)
        );
        assert_eq!(
            (off[1].face.as_str(), off[1].direction),
            ("b", Direction::More)
        );
        assert_eq!(v.direction(1), Some(Direction::More));
        assert_eq!(v.direction(2), None);
        // No intervals, no list: absent, not empty.
        let v = decide(
            &t,
            None,
            &[row("a", 5.0, None), row("b", 5.0, None)],
            10,
            0.05,
        );
        assert_eq!(v.faces_off, None);
    }

    #[test]
    fn order_related_follows_the_serial_test() {
        let mut t = tests_for(&[3, 7], &[0.5, 0.5]);
        assert_eq!(decide(&t, None, &[], 10, 0.05).order_related, None);
        t.serial = MaybeTest::Done(Test::new(TestResult::chi2(10.0, 1)));
        assert_eq!(decide(&t, None, &[], 10, 0.05).order_related, Some(true));
        t.serial = MaybeTest::Done(Test::new(TestResult::chi2(1.0, 1)));
        assert_eq!(decide(&t, None, &[], 10, 0.05).order_related, Some(false));
        // Its adjusted p-value decides under --by: χ²(1) = 10 has p = 0.00157.
        let mut adjusted = Test::new(TestResult::chi2(10.0, 1));
        adjusted.p_adjusted = Some(0.2);
        t.serial = MaybeTest::Done(adjusted);
        assert_eq!(decide(&t, None, &[], 10, 0.05).order_related, Some(false));
    }
}
