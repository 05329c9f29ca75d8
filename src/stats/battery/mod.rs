//! The audit battery: tests of an ordered log of rolls of a die that is
//! fair under the null, each on the face indices `x_0, …, x_{n−1}` in
//! `0..k` (one file per test).
//!
//! - [`frequency`]: Pearson's χ² on the face counts, two-sided;
//! - [`serial`]: χ² on non-overlapping consecutive pairs (Knuth's test B);
//! - [`runs`]: the number of runs up and down (Levene & Wolfowitz), ties
//!   broken by a fixed, documented jitter;
//! - [`gap`]: gaps between rolls in the lower half of the faces (test C);
//! - [`poker`]: distinct faces in hands of 5 (the partition test, D);
//! - [`coupon`]: segment lengths until every face is seen (test E);
//! - [`permutation`]: the weak orderings of non-overlapping triples, ties
//!   included exactly (test F extended to a discrete die);
//! - [`correlation`]: Ljung–Box portmanteau of the serial correlations at
//!   lags 1..L (after test K);
//! - [`drift`]: χ² homogeneity of the face counts over consecutive blocks.
//!
//! Each test is a running state that takes the rolls a slice at a time
//! ([`Battery`] holds them all), so a log of any length is tested in one
//! pass and constant memory.
//!
//! D. E. Knuth, The Art of Computer Programming, vol. 2, 3rd ed. (1997),
//! §3.3.2. Every test returns an [`Outcome`]: a χ² (or normal) statistic
//! with its df and p-value, or the reason the log cannot support the test
//! (too few rolls for the expected counts its χ² needs, a die too small).
//! Categories are pooled ([`pool_adjacent`], [`pool_small`]) until each
//! expects at least [`MIN_EXPECTED`] counts, so that the χ² reference holds.

#[cfg(test)]
mod batch;
pub mod correlation;
pub mod coupon;
pub mod drift;
pub mod frequency;
pub mod gap;
pub mod permutation;
pub mod poker;
pub mod runs;
pub mod serial;
#[cfg(test)]
mod validation;

use super::{gof, TestResult};
pub use crate::tolerance::MIN_EXPECTED;

/// Every test of the battery as a running state: it takes the rolls (face
/// indices in `0..k`) a slice at a time as they stream in, holds no roll
/// beyond the few a test still needs (a pending pair, hand or triple, the
/// last L for the serial correlations), and finishes into the outcomes.
/// Its memory grows with k and the parameters, not with n; its results do
/// not depend on how the rolls were cut into slices.
#[derive(Debug, Clone)]
pub struct Battery {
    frequency: frequency::Frequency,
    serial: serial::Serial,
    runs: runs::Runs,
    gap: gap::Gap,
    poker: poker::Poker,
    coupon: coupon::Coupon,
    permutation: permutation::Permutation,
    correlation: correlation::SerialCorrelation,
    drift: drift::Blocks,
}

impl Battery {
    /// No rolls yet, of a die of `k` faces: `lags` for
    /// `serial_correlation`, `blocks` for `drift`.
    pub fn new(k: usize, lags: usize, blocks: usize) -> Self {
        Battery {
            frequency: frequency::Frequency::new(k),
            serial: serial::Serial::new(k),
            runs: runs::Runs::new(k),
            gap: gap::Gap::new(k),
            poker: poker::Poker::new(k),
            coupon: coupon::Coupon::new(k),
            permutation: permutation::Permutation::new(k),
            correlation: correlation::SerialCorrelation::new(lags),
            drift: drift::Blocks::new(k, blocks),
        }
    }

    /// Takes the next rolls, each a face index below k.
    pub fn push(&mut self, rolls: &[u32]) {
        self.frequency.push(rolls);
        self.serial.push(rolls);
        self.runs.push(rolls);
        self.gap.push(rolls);
        self.poker.push(rolls);
        self.coupon.push(rolls);
        self.permutation.push(rolls);
        self.correlation.push(rolls);
        self.drift.push(rolls);
    }

    /// The count of each face so far.
    pub fn counts(&self) -> &[u64] {
        self.frequency.counts()
    }

    /// The drift test's table of face counts by block.
    pub fn blocks(&self) -> Vec<Vec<u64>> {
        self.drift.table()
    }

    /// Every test's outcome, by name, in the battery's order.
    pub fn finish(&self) -> [(&'static str, Outcome); 9] {
        [
            ("frequency", self.frequency.finish()),
            ("serial", self.serial.finish()),
            ("runs", self.runs.finish()),
            ("gap", self.gap.finish()),
            ("poker", self.poker.finish()),
            ("coupon_collector", self.coupon.finish()),
            ("permutation", self.permutation.finish()),
            ("serial_correlation", self.correlation.finish()),
            ("drift", drift::drift(&self.drift.table())),
        ]
    }
}

/// Every test of the battery on `rolls` (face indices in `0..k`), by name,
/// in the battery's order: `lags` for `serial_correlation`, `blocks` for
/// `drift` ([`Battery`] in one slice).
pub fn run(rolls: &[u32], k: usize, lags: usize, blocks: usize) -> [(&'static str, Outcome); 9] {
    let mut battery = Battery::new(k, lags, blocks);
    battery.push(rolls);
    battery.finish()
}

/// What one test of the battery found.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The test ran: its statistic, df and p-value.
    Tested(TestResult),
    /// The log cannot support the test; why.
    Skipped(String),
}

impl Outcome {
    /// The test's result, when it ran.
    pub fn tested(&self) -> Option<&TestResult> {
        match self {
            Outcome::Tested(t) => Some(t),
            Outcome::Skipped(_) => None,
        }
    }
}

/// Pearson's χ² of `counts` against `probs` (which sum to 1) after
/// pooling adjacent categories ([`pool_adjacent`]); skipped, saying `what`,
/// when fewer than two categories remain.
pub(crate) fn chi2_ordered(counts: &[u64], probs: &[f64], what: &str) -> Outcome {
    let (counts, probs) = pool_adjacent(counts, probs);
    chi2_cells(&counts, &probs, what)
}

/// Pearson's χ² of `counts` against `probs` after pooling the small
/// categories ([`pool_small`]); skipped when fewer than two remain.
pub(crate) fn chi2_unordered(counts: &[u64], probs: &[f64], what: &str) -> Outcome {
    let (counts, probs) = pool_small(counts, probs);
    chi2_cells(&counts, &probs, what)
}

fn chi2_cells(counts: &[u64], probs: &[f64], what: &str) -> Outcome {
    if counts.len() < 2 {
        let m: u64 = counts.iter().sum();
        return Outcome::Skipped(format!(
            "{m} {what} are too few for two categories of {MIN_EXPECTED} expected each"
        ));
    }
    Outcome::Tested(gof::pearson(counts, probs))
}

/// Pools adjacent categories of an ordered classification (run lengths,
/// gap lengths) from the left until each expects at least
/// [`MIN_EXPECTED`] of the `m = Σ counts` observations; a short last pool
/// joins the one before it. Categories of probability 0 are dropped.
///
/// ```text
/// E_j = m · Σ_{i ∈ pool j} p_i ≥ MIN_EXPECTED   for every pool j
/// ```
pub fn pool_adjacent(counts: &[u64], probs: &[f64]) -> (Vec<u64>, Vec<f64>) {
    let m: u64 = counts.iter().sum();
    let mut out: (Vec<u64>, Vec<f64>) = (Vec::new(), Vec::new());
    let (mut c, mut p) = (0u64, 0.0f64);
    for (&ci, &pi) in counts.iter().zip(probs) {
        if pi <= 0.0 {
            continue;
        }
        c += ci;
        p += pi;
        if m as f64 * p >= MIN_EXPECTED {
            out.0.push(c);
            out.1.push(p);
            (c, p) = (0, 0.0);
        }
    }
    if p > 0.0 {
        match (out.0.last_mut(), out.1.last_mut()) {
            (Some(lc), Some(lp)) => {
                *lc += c;
                *lp += p;
            }
            _ => {
                out.0.push(c);
                out.1.push(p);
            }
        }
    }
    out
}

/// Pools the categories of an unordered classification (orderings of a
/// tuple) that expect fewer than [`MIN_EXPECTED`] into one; when that pool
/// still expects too few, it joins the smallest other category.
/// Categories of probability 0 are dropped.
pub fn pool_small(counts: &[u64], probs: &[f64]) -> (Vec<u64>, Vec<f64>) {
    let m = counts.iter().sum::<u64>() as f64;
    let (mut big_c, mut big_p) = (Vec::new(), Vec::new());
    let (mut c, mut p) = (0u64, 0.0f64);
    for (&ci, &pi) in counts.iter().zip(probs) {
        if pi <= 0.0 {
            continue;
        }
        if m * pi >= MIN_EXPECTED {
            big_c.push(ci);
            big_p.push(pi);
        } else {
            c += ci;
            p += pi;
        }
    }
    if p > 0.0 {
        if m * p >= MIN_EXPECTED || big_p.is_empty() {
            big_c.push(c);
            big_p.push(p);
        } else {
            let smallest = (0..big_p.len())
                .min_by(|&a, &b| big_p[a].total_cmp(&big_p[b]))
                .unwrap_or(0);
            big_c[smallest] += c;
            big_p[smallest] += p;
        }
    }
    (big_c, big_p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_pools_reach_the_minimum() {
        // m = 100: probabilities 0.01, 0.02, 0.5, 0.4, 0.07 expect
        // 1, 2, 50, 40, 7 → pools {0,1,2}, {3}, {4}.
        let (c, p) = pool_adjacent(&[1, 3, 50, 40, 6], &[0.01, 0.02, 0.5, 0.4, 0.07]);
        assert_eq!(c, vec![54, 40, 6]);
        assert!((p[0] - 0.53).abs() < 1e-15 && (p[2] - 0.07).abs() < 1e-15);
        // A short tail joins the last pool.
        let (c, _) = pool_adjacent(&[50, 48, 2], &[0.5, 0.48, 0.02]);
        assert_eq!(c, vec![50, 50]);
    }

    #[test]
    fn small_cells_pool_and_join_the_smallest() {
        // m = 100: 0.45, 0.45, 0.06, 0.02, 0.02 → {0.45},{0.45},{0.06},{0.04}:
        // the pool expects 4 < 5 and joins 0.06.
        let (c, p) = pool_small(&[40, 50, 5, 3, 2], &[0.45, 0.45, 0.06, 0.02, 0.02]);
        assert_eq!(c, vec![40, 50, 10]);
        assert!((p[2] - 0.10).abs() < 1e-15);
        // Zero-probability cells are dropped.
        let (c, _) = pool_small(&[10, 0, 10], &[0.5, 0.0, 0.5]);
        assert_eq!(c, vec![10, 10]);
    }
}
