//! The frequency test: Pearson's χ² of the face counts against a fair die,
//! two-sided, so that a log too uniform to be random fails too.

use super::Outcome;
use crate::stats::special::gamma_tails;
use crate::stats::TestResult;

/// The face counts so far, of a die of k faces.
#[derive(Debug, Clone)]
pub struct Frequency {
    counts: Vec<u64>,
}

impl Frequency {
    /// No rolls yet.
    pub fn new(k: usize) -> Self {
        Frequency { counts: vec![0; k] }
    }

    /// Takes the next rolls.
    pub fn push(&mut self, rolls: &[u32]) {
        for &x in rolls {
            self.counts[x as usize] += 1;
        }
    }

    /// The count of each face.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// Pearson's χ² of the counts of faces `0..k` against 1/k each, with a
    /// two-sided p-value (Knuth §3.3.2 A; ENT and the lab standards read a
    /// χ² below its 1st percentile as "too good" as well as above its 99th
    /// as too bad).
    ///
    /// ```text
    /// X² = Σ_f (n_f − n/k)² / (n/k),   df = k − 1
    /// p  = min(1, 2 · min(P(χ²_df ≥ X²), P(χ²_df ≤ X²)))
    /// ```
    /// Both tails come from the regularised incomplete gamma function
    /// directly (never 1 − the other). Skipped when k < 2 or when n/k < 5.
    pub fn finish(&self) -> Outcome {
        let k = self.counts.len();
        if k < 2 {
            return Outcome::Skipped("a die with one face has no frequencies to test".into());
        }
        let n: u64 = self.counts.iter().sum();
        if n as f64 / (k as f64) < super::MIN_EXPECTED {
            return Outcome::Skipped(format!(
                "{n} rolls expect fewer than {} of each of {k} faces",
                super::MIN_EXPECTED
            ));
        }
        Outcome::Tested(two_sided(&self.counts))
    }
}

/// The frequency test on `rolls` ([`Frequency::finish`]).
pub fn frequency(rolls: &[u32], k: usize) -> Outcome {
    let mut acc = Frequency::new(k);
    acc.push(rolls);
    acc.finish()
}

/// The two-sided χ² test of `counts` against equal probabilities.
pub fn two_sided(counts: &[u64]) -> TestResult {
    let k = counts.len();
    let n: u64 = counts.iter().sum();
    // Σ (n_f − n/k)²/(n/k) = (k Σ n_f² − n²)/n, formed exactly in integers.
    let sum_sq: u128 = counts.iter().map(|&c| u128::from(c) * u128::from(c)).sum();
    let num = (k as u128 * sum_sq).saturating_sub(u128::from(n) * u128::from(n));
    let statistic = num as f64 / n as f64;
    let df = (k - 1) as u64;
    let tails = gamma_tails(0.5 * df as f64, 0.5 * statistic);
    let (p, ln_p) = if tails.ln_upper <= tails.ln_lower {
        (tails.upper, tails.ln_upper)
    } else {
        (tails.lower, tails.ln_lower)
    };
    let p_value = (2.0 * p).min(1.0);
    let log10_p_value =
        ((ln_p + std::f64::consts::LN_2).min(0.0) / std::f64::consts::LN_10).max(-f64::MAX);
    TestResult {
        statistic,
        df,
        p_value,
        log10_p_value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scipy_both_tails() {
        // scipy.stats.chisquare([10,12,9,11,8,10]); checked
        // by hand: n = 60, Σn² = 610, X² = (6·610 − 3600)/60 = 1.
        // chi2.sf(1, 5) = 0.9625657732472964, chi2.cdf(1, 5) = 0.03743422675270361.
        let t = two_sided(&[10, 12, 9, 11, 8, 10]);
        assert_eq!(t.statistic, 1.0);
        assert!((t.p_value - 2.0 * 0.037_434_226_752_703_61).abs() < 1e-14);
        // Upper tail: [20, 10, 10, 10, 5, 5], X² = (6·750 − 3600)/60 = 15;
        // chi2.sf(15, 5) = 0.010362337915786429.
        let t = two_sided(&[20, 10, 10, 10, 5, 5]);
        assert_eq!(t.statistic, 15.0);
        assert!((t.p_value - 2.0 * 0.010_362_337_915_786_429).abs() < 1e-14);
    }

    #[test]
    fn a_perfectly_even_log_fails() {
        // X² = 0: the lower tail is 0, so p = 0.
        let t = two_sided(&[100; 6]);
        assert_eq!(t.p_value, 0.0);
    }

    #[test]
    fn small_logs_and_coins_of_one_face_are_skipped() {
        assert!(matches!(frequency(&[0; 10], 1), Outcome::Skipped(_)));
        assert!(matches!(frequency(&[0, 1, 2], 6), Outcome::Skipped(_)));
    }
}
