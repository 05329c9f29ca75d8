//! Serial correlation: does a roll predict the rolls after it?

use super::Outcome;
use crate::stats::TestResult;
use crate::tolerance::LJUNG_BOX_MIN_ROLLS;

/// The lag-h serial correlations r_1..r_L of the rolls as numbers (the face
/// indices 0..k−1, in report order), or `None` when every roll is equal.
///
/// ```text
/// r_h = Σ_{i<n−h} (x_i − x̄)(x_{i+h} − x̄) / Σ_i (x_i − x̄)²
/// ```
/// as `statsmodels.tsa.stattools.acf` (the full-sample mean and
/// denominator). Sums are taken in blocks of 4096 terms, so their rounding
/// error grows with the number of blocks, not of rolls.
pub fn correlations(rolls: &[u32], lags: usize) -> Option<Vec<f64>> {
    let n = rolls.len() as f64;
    let mean = rolls.iter().map(|&x| u64::from(x)).sum::<u64>() as f64 / n;
    let centred = |i: usize| f64::from(rolls[i]) - mean;
    let blocked = |len: usize, term: &dyn Fn(usize) -> f64| -> f64 {
        (0..len)
            .step_by(4096)
            .map(|start| (start..(start + 4096).min(len)).map(term).sum::<f64>())
            .sum()
    };
    let denominator = blocked(rolls.len(), &|i| centred(i) * centred(i));
    if denominator <= 0.0 {
        return None;
    }
    Some(
        (1..=lags)
            .map(|h| {
                let len = rolls.len().saturating_sub(h);
                blocked(len, &|i| centred(i) * centred(i + h)) / denominator
            })
            .collect(),
    )
}

/// The Ljung–Box portmanteau test of the serial correlations at lags
/// 1..L (Knuth §3.3.2 K tests lag 1 alone; the lab standards ask for
/// several lags).
///
/// ```text
/// Q = n(n + 2) Σ_{h=1..L} r_h² / (n − h),   df = L
/// ```
/// Ljung, G. M. & Box, G. E. P. (1978), Biometrika 65(2), 297–303; as
/// `statsmodels.stats.diagnostic.acorr_ljungbox`. Skipped when n < 50
/// or n ≤ 2L, or when every roll is equal.
pub fn serial_correlation(rolls: &[u32], lags: usize) -> Outcome {
    let n = rolls.len();
    if (n as u64) < LJUNG_BOX_MIN_ROLLS || n <= 2 * lags {
        return Outcome::Skipped(format!(
            "{n} rolls are too few for serial correlations at {lags} lags (at least {LJUNG_BOX_MIN_ROLLS} and more than 2 per lag)"
        ));
    }
    let Some(r) = correlations(rolls, lags) else {
        return Outcome::Skipped("every roll is the same face".into());
    };
    let nf = n as f64;
    let q = nf
        * (nf + 2.0)
        * r.iter()
            .enumerate()
            .map(|(i, r)| r * r / (nf - (i + 1) as f64))
            .sum::<f64>();
    Outcome::Tested(TestResult::chi2(q, lags as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlations_of_an_alternating_log() {
        // 0 1 0 1 …: r_1 = −(n−1)/n, r_2 = (n−2)/n.
        let rolls: Vec<u32> = (0..100).map(|i| i % 2).collect();
        let r = correlations(&rolls, 2).expect("not constant");
        assert!((r[0] + 0.99).abs() < 1e-14, "{}", r[0]);
        assert!((r[1] - 0.98).abs() < 1e-14, "{}", r[1]);
    }

    #[test]
    fn a_constant_log_is_skipped() {
        assert!(matches!(
            serial_correlation(&[3; 100], 5),
            Outcome::Skipped(_)
        ));
        assert!(matches!(
            serial_correlation(&[3; 10], 5),
            Outcome::Skipped(_)
        ));
    }
}
