//! The runs test: are the lengths of runs up as a random sequence's?
//!
//! Knuth's test G is for continuous values; a die's rolls tie. Each roll
//! `x_i` becomes `y_i = (x_i + u_i)/k` with `u_i` a fixed pseudo-random
//! number in [0, 1) ([`jitter`]): under the null the `y_i` are independent
//! and uniform on [0, 1) exactly, so Knuth's probabilities hold, and the
//! jitter only orders equal rolls (it never reorders unequal ones). It is
//! SplitMix64 from a fixed seed, so the test is deterministic and any
//! reference (tests/golden/audit_golden.py) reproduces it.

use super::Outcome;
use crate::stats::TestResult;
use crate::tolerance::RUNS_MIN_ROLLS;

/// Knuth's a_ij (§3.3.2, eq. (11)): n times the inverse covariance of the
/// counts of runs up of length 1, 2, 3, 4, 5 and ≥ 6, as printed.
const A: [[f64; 6]; 6] = [
    [4529.4, 9044.9, 13568.0, 18091.0, 22615.0, 27892.0],
    [9044.9, 18097.0, 27139.0, 36187.0, 45234.0, 55789.0],
    [13568.0, 27139.0, 40721.0, 54281.0, 67852.0, 83685.0],
    [18091.0, 36187.0, 54281.0, 72414.0, 90470.0, 111580.0],
    [22615.0, 45234.0, 67852.0, 90470.0, 113262.0, 139476.0],
    [27892.0, 55789.0, 83685.0, 111580.0, 139476.0, 172860.0],
];

/// Knuth's b_i: the expected counts of runs up of length 1..5 and ≥ 6 per
/// value, as n → ∞.
const B: [f64; 6] = [
    1.0 / 6.0,
    5.0 / 24.0,
    11.0 / 120.0,
    19.0 / 720.0,
    29.0 / 5040.0,
    1.0 / 840.0,
];

/// The seed of the jitter that orders tied rolls.
pub const JITTER_SEED: u64 = 0x6469_6365_6d6c_0001;

/// The i-th jitter: SplitMix64's output at `JITTER_SEED + (i + 1)·γ`, the
/// tie-breaker of roll i (only its order matters; as a number it is
/// `u_i = jitter(i) / 2⁶⁴`).
///
/// ```text
/// z = JITTER_SEED + (i+1)·0x9E3779B97F4A7C15 (mod 2⁶⁴)
/// z = (z ⊕ z≫30)·0xBF58476D1CE4E5B9;  z = (z ⊕ z≫27)·0x94D049BB133111EB;  z ⊕ z≫31
/// ```
pub fn jitter(i: u64) -> u64 {
    let mut z = JITTER_SEED.wrapping_add((i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The counts of runs up of length 1, 2, 3, 4, 5 and ≥ 6 in the jittered
/// rolls: a run ends where `y_{i+1} < y_i`, i.e. where `x_{i+1} < x_i`, or
/// they tie and the jitter falls.
pub fn run_counts(rolls: &[u32]) -> [u64; 6] {
    let mut counts = [0u64; 6];
    let mut length = 0usize;
    let mut previous = None;
    for (i, &x) in rolls.iter().enumerate() {
        let y = (x, jitter(i as u64));
        if previous.is_some_and(|p| y < p) {
            counts[length.min(6) - 1] += 1;
            length = 0;
        }
        length += 1;
        previous = Some(y);
    }
    if length > 0 {
        counts[length.min(6) - 1] += 1;
    }
    counts
}

/// Knuth's runs-up test G on the jittered rolls.
///
/// ```text
/// V = 1/(n − 6) · Σ_{i,j} (C_i − n b_i)(C_j − n b_j) a_ij,   df = 6
/// ```
/// with C_i the counts of [`run_counts`]. Skipped when n < 4000 (Knuth's
/// minimum for the χ² law of V) or k < 3 (on a coin most comparisons are
/// ties, which the jitter decides: the test would test the jitter).
pub fn runs(rolls: &[u32], k: usize) -> Outcome {
    if k < 3 {
        return Outcome::Skipped(format!(
            "a die of {k} faces ties too often for runs up (the tie-breaker would decide them)"
        ));
    }
    if (rolls.len() as u64) < RUNS_MIN_ROLLS {
        return Outcome::Skipped(format!(
            "{} rolls are fewer than the {RUNS_MIN_ROLLS} the runs test needs",
            rolls.len()
        ));
    }
    Outcome::Tested(statistic(&run_counts(rolls), rolls.len() as u64))
}

/// Knuth's V for run counts `c` among `n` values, referred to χ²(6).
pub fn statistic(c: &[u64; 6], n: u64) -> TestResult {
    let nf = n as f64;
    let d: Vec<f64> = (0..6).map(|i| c[i] as f64 - nf * B[i]).collect();
    let mut v = 0.0;
    for i in 0..6 {
        for j in 0..6 {
            v += d[i] * d[j] * A[i][j];
        }
    }
    TestResult::chi2(v / (nf - 6.0), 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_its_reference_output() {
        // SplitMix64 seeded with 0 gives 0xE220A8397B1DCDAF first
        // (Vigna's splitmix64.c); our state starts at the seed.
        let mut z: u64 = 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        assert_eq!(z ^ (z >> 31), 0xE220_A839_7B1D_CDAF);
        assert_ne!(jitter(0), jitter(1));
    }

    #[test]
    fn counts_runs_up_with_unequal_rolls() {
        // 1 3 5 | 2 | 0 4 | 1 2 3 4 5 6 7 | 0 → lengths 3, 1, 2, 7, 1.
        let rolls = [1, 3, 5, 2, 0, 4, 1, 2, 3, 4, 5, 6, 7, 0];
        assert_eq!(run_counts(&rolls), [2, 1, 1, 0, 0, 1]);
    }

    #[test]
    fn expected_counts_give_a_zero_statistic() {
        // C_i = n b_i exactly (n = 5040·k): V = 0, p = 1.
        let n = 5040u64;
        let c = [840, 1050, 462, 133, 29, 6];
        let t = statistic(&c, n);
        assert!(t.statistic.abs() < 1e-9, "{}", t.statistic);
    }

    #[test]
    fn small_dice_and_short_logs_are_skipped() {
        assert!(matches!(runs(&[0; 5000], 2), Outcome::Skipped(_)));
        assert!(matches!(runs(&[0; 100], 6), Outcome::Skipped(_)));
    }
}
