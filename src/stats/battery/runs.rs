//! The runs test: do the rolls turn up and down as often as a random
//! sequence's?
//!
//! A run up (down) is a maximal stretch of rises (falls) between
//! consecutive values; the count R of runs up and down is one more than the
//! number of turning points. A die's rolls tie, so each roll `x_i` becomes
//! `y_i = (x_i + u_i)/k` with `u_i` a fixed pseudo-random number in [0, 1)
//! ([`jitter`]): under the null the `y_i` are independent and uniform on
//! [0, 1) exactly, so the law of R for continuous values holds, and the
//! jitter only orders equal rolls (it never reorders unequal ones). It is
//! SplitMix64 from a fixed seed, a bijection of the counter, so no two
//! jitters of one log are equal; the test is deterministic and any
//! reference (tests/golden/audit_golden.py) reproduces it.
//!
//! Only R is tested, not the lengths of the runs: R is the statistic the
//! lab standards name ("runs up and down"), its law is exact in its first
//! two moments and normal for the n the test takes, and the faults it is
//! meant for (a cycling die, outcomes that avoid or repeat their last)
//! move R itself (see the validation tests).

use super::Outcome;
use crate::stats::TestResult;
use crate::tolerance::RUNS_MIN_ROLLS;

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
#[inline]
pub fn jitter(i: u64) -> u64 {
    let mut z = JITTER_SEED.wrapping_add((i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The runs test's running state: the rolls seen, the last jittered roll,
/// the direction of the last step and the turning points so far.
#[derive(Debug, Clone)]
pub struct Runs {
    k: usize,
    n: u64,
    /// The last roll, jittered, as (x, jitter): compared lexicographically.
    last: (u32, u64),
    /// The direction of the last step (true: up), once there is one.
    rising: Option<bool>,
    /// Steps whose direction differs from the step before.
    turns: u64,
}

impl Runs {
    /// No rolls yet, of a die of `k` faces.
    pub fn new(k: usize) -> Self {
        Runs {
            k,
            n: 0,
            last: (0, 0),
            rising: None,
            turns: 0,
        }
    }

    /// Takes the next rolls.
    pub fn push(&mut self, rolls: &[u32]) {
        let mut rest = rolls;
        if self.n == 0 {
            let Some((&first, tail)) = rolls.split_first() else {
                return;
            };
            self.last = (first, jitter(0));
            self.n = 1;
            rest = tail;
        }
        let (mut last, mut n, mut turns) = (self.last, self.n, self.turns);
        let mut rising = self.rising;
        for &x in rest {
            let y = (x, jitter(n));
            let up = y > last;
            turns += u64::from(rising.is_some_and(|r| r != up));
            rising = Some(up);
            last = y;
            n += 1;
        }
        (self.last, self.n, self.turns, self.rising) = (last, n, turns, rising);
    }

    /// The number of runs up and down: one more than the turning points
    /// (0 for no rolls).
    pub fn count(&self) -> u64 {
        match self.n {
            0 => 0,
            _ => self.turns + 1,
        }
    }

    /// The test on the rolls taken ([`statistic`]). Skipped when
    /// n < [`RUNS_MIN_ROLLS`] or k < 3 (on a coin half the steps are ties,
    /// which the jitter decides: the test would test the jitter).
    pub fn finish(&self) -> Outcome {
        let k = self.k;
        if k < 3 {
            return Outcome::Skipped(format!(
                "a die of {k} faces ties too often for runs up and down (the tie-breaker would decide them)"
            ));
        }
        if self.n < RUNS_MIN_ROLLS {
            return Outcome::Skipped(format!(
                "{} rolls are fewer than the {RUNS_MIN_ROLLS} the runs test needs",
                self.n
            ));
        }
        Outcome::Tested(statistic(self.count(), self.n))
    }
}

/// The runs up and down test on `rolls` ([`Runs`]).
pub fn runs(rolls: &[u32], k: usize) -> Outcome {
    let mut acc = Runs::new(k);
    acc.push(rolls);
    acc.finish()
}

/// The test of R runs up and down among `n` values, as a χ²(1): the
/// square of the standardised count, whose survival is the two-sided
/// normal p-value.
///
/// ```text
/// E[R] = (2n − 1)/3,   Var[R] = (16n − 29)/90,   z = (R − E[R]) / √Var[R],   X² = z²,  df = 1
/// ```
/// Levene, H. & Wolfowitz, J. (1944), "The covariance matrix of runs up
/// and down", Ann. Math. Statist. 15(1), 58–69; Knuth §3.3.2, exercise 14.
pub fn statistic(r: u64, n: u64) -> TestResult {
    let nf = n as f64;
    let mean = (2.0 * nf - 1.0) / 3.0;
    let var = (16.0 * nf - 29.0) / 90.0;
    let z = (r as f64 - mean) / var.sqrt();
    TestResult::chi2(z * z, 1)
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
    fn counts_runs_up_and_down_with_unequal_rolls() {
        // 1 3 5 ↑↑ | 2 0 ↓↓ | 4 ↑ | 1 ↓ | 2 3 4 5 6 7 ↑… | 0 ↓ → 6 runs.
        let rolls = [1, 3, 5, 2, 0, 4, 1, 2, 3, 4, 5, 6, 7, 0];
        let mut acc = Runs::new(8);
        acc.push(&rolls);
        assert_eq!(acc.count(), 6);
        // One roll is one run; none is none.
        let mut one = Runs::new(8);
        one.push(&[3]);
        assert_eq!((Runs::new(8).count(), one.count()), (0, 1));
    }

    #[test]
    fn chunks_give_the_same_count() {
        let rolls: Vec<u32> = (0..1000u64).map(|i| (jitter(i + 77) % 6) as u32).collect();
        let mut whole = Runs::new(6);
        whole.push(&rolls);
        for cut in [0, 1, 2, 3, 500, 999, 1000] {
            let mut parts = Runs::new(6);
            parts.push(&rolls[..cut]);
            parts.push(&[]);
            parts.push(&rolls[cut..]);
            assert_eq!(parts.count(), whole.count(), "cut at {cut}");
        }
    }

    #[test]
    fn statistic_matches_the_normal_law() {
        // n = 1000: E = 1999/3, Var = 15971/90; R = 700 gives
        // z = 2.527291396588136 and the two-sided normal p
        // 2·scipy.stats.norm.sf(z) = 0.011494608673781962.
        let t = statistic(700, 1000);
        let z = (700.0 - 1999.0 / 3.0) / (15971.0f64 / 90.0).sqrt();
        assert!((z - 2.527_291_396_588_136).abs() < 1e-14);
        assert!((t.statistic - z * z).abs() < 1e-12, "{}", t.statistic);
        assert_eq!(t.df, 1);
        assert!(
            (t.p_value - 0.011_494_608_673_781_962).abs() < 1e-15,
            "{}",
            t.p_value
        );
    }

    #[test]
    fn small_dice_and_short_logs_are_skipped() {
        assert!(matches!(runs(&[0; 5000], 2), Outcome::Skipped(_)));
        assert!(matches!(runs(&[0; 10], 6), Outcome::Skipped(_)));
    }
}
