//! Serial correlation: does a roll predict the rolls after it?

use super::Outcome;
use crate::stats::TestResult;
use crate::tolerance::LJUNG_BOX_MIN_ROLLS;

/// The sums the serial correlations at lags 1..L follow from, exact in
/// integers: the rolls' sum and sum of squares, the lagged products, and
/// the first and last L rolls (which the lagged sums leave out).
#[derive(Debug, Clone)]
pub struct SerialCorrelation {
    lags: usize,
    n: u64,
    sum: u128,
    squares: u128,
    /// Σ_{i≥h} x_i x_{i−h}, for h = 1..L.
    lagged: Vec<u128>,
    /// The first L rolls.
    head: Vec<u64>,
    /// The last L rolls, the latest at `(n − 1) mod L`.
    ring: Vec<u64>,
}

impl SerialCorrelation {
    /// No rolls yet; lags 1..`lags`.
    pub fn new(lags: usize) -> Self {
        SerialCorrelation {
            lags,
            n: 0,
            sum: 0,
            squares: 0,
            lagged: vec![0; lags],
            head: Vec::with_capacity(lags),
            ring: vec![0; lags.max(1)],
        }
    }

    /// Takes the next rolls.
    pub fn push(&mut self, rolls: &[u32]) {
        let lags = self.lags;
        let width = self.ring.len() as u64;
        for &x in rolls {
            let x = u64::from(x);
            let n = self.n;
            for h in 1..=lags.min(n as usize) {
                let before = self.ring[((n - h as u64) % width) as usize];
                self.lagged[h - 1] += u128::from(x * before);
            }
            self.sum += u128::from(x);
            self.squares += u128::from(x * x);
            if self.head.len() < lags {
                self.head.push(x);
            }
            self.ring[(n % width) as usize] = x;
            self.n += 1;
        }
    }

    /// The lag-h serial correlations r_1..r_L of the rolls as numbers (the
    /// face indices 0..k−1, in report order), or `None` when every roll is
    /// equal (or there are fewer than L + 1 rolls).
    ///
    /// ```text
    /// r_h = Σ_{i<n−h} (x_i − x̄)(x_{i+h} − x̄) / Σ_i (x_i − x̄)²
    ///     = (n² S_h − n T (A_h + B_h) + (n − h) T²) / (n (n Q − T²))
    /// ```
    /// as `statsmodels.tsa.stattools.acf` (the full-sample mean and
    /// denominator), with T = Σ x_i, Q = Σ x_i², S_h = Σ x_i x_{i+h},
    /// A_h = Σ_{i<n−h} x_i and B_h = Σ_{i≥h} x_i. Numerator and
    /// denominator are formed exactly in 128-bit integers and rounded once;
    /// when they would overflow (faces and logs so large that
    /// x_max² n³ > 10³⁸) each term is rounded to f64 instead.
    pub fn correlations(&self) -> Option<Vec<f64>> {
        let n = self.n;
        if n <= self.lags as u64 {
            return None;
        }
        let (n, t, q) = (i128::from(n), self.sum as i128, self.squares as i128);
        let denominator =
            exact(|| n.checked_mul(n.checked_mul(q)?.checked_sub(t.checked_mul(t)?)?))
                .unwrap_or(n as f64 * (n as f64 * q as f64 - t as f64 * t as f64));
        if denominator <= 0.0 {
            return None;
        }
        let width = self.ring.len() as i128;
        let last = |j: i128| i128::from(self.ring[((n - 1 - j) % width) as usize]);
        Some(
            (1..=self.lags)
                .map(|h| {
                    let s = self.lagged[h - 1] as i128;
                    let a = t - (0..h as i128).map(last).sum::<i128>();
                    let b = t - self.head[..h].iter().map(|&x| i128::from(x)).sum::<i128>();
                    let m = n - h as i128;
                    let numerator = exact(|| {
                        n.checked_mul(n)?
                            .checked_mul(s)?
                            .checked_sub(n.checked_mul(t)?.checked_mul(a + b)?)?
                            .checked_add(m.checked_mul(t.checked_mul(t)?)?)
                    })
                    .unwrap_or_else(|| {
                        let (n, s, t, a, b, m) =
                            (n as f64, s as f64, t as f64, a as f64, b as f64, m as f64);
                        n * n * s - n * t * (a + b) + m * t * t
                    });
                    numerator / denominator
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
    pub fn finish(&self) -> Outcome {
        let (n, lags) = (self.n, self.lags);
        if n < LJUNG_BOX_MIN_ROLLS || n <= 2 * lags as u64 {
            return Outcome::Skipped(format!(
                "{n} rolls are too few for serial correlations at {lags} lags (at least {LJUNG_BOX_MIN_ROLLS} and more than 2 per lag)"
            ));
        }
        let Some(r) = self.correlations() else {
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
}

/// An exact integer, rounded once to f64; `None` on overflow.
fn exact(value: impl FnOnce() -> Option<i128>) -> Option<f64> {
    value().map(|v| v as f64)
}

/// The serial correlations of `rolls` ([`SerialCorrelation::correlations`]).
pub fn correlations(rolls: &[u32], lags: usize) -> Option<Vec<f64>> {
    let mut acc = SerialCorrelation::new(lags);
    acc.push(rolls);
    acc.correlations()
}

/// The Ljung–Box test on `rolls` ([`SerialCorrelation::finish`]).
pub fn serial_correlation(rolls: &[u32], lags: usize) -> Outcome {
    let mut acc = SerialCorrelation::new(lags);
    acc.push(rolls);
    acc.finish()
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
