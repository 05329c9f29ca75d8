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
    /// The last min(n, L) rolls, oldest first.
    tail: Vec<u64>,
    /// Scratch: `tail` and the rolls being pushed, in one run.
    run: Vec<u64>,
}

/// Rolls summed in 64 bits at a time: a product of two faces below 2^24
/// is below 2^48, so 2^16 of them cannot overflow.
const SPAN: usize = 1 << 16;

/// Faces below this have products that [`SPAN`] of fit in 64 bits.
const SMALL_FACE: u64 = 1 << 24;

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
            tail: Vec::with_capacity(lags),
            run: Vec::new(),
        }
    }

    /// Takes the next rolls.
    pub fn push(&mut self, rolls: &[u32]) {
        for span in rolls.chunks(SPAN) {
            self.push_span(span);
        }
    }

    /// Takes at most [`SPAN`] rolls: the sums of the span in 64 bits
    /// (each lag a tight loop over one run of the tail and the span, which
    /// the compiler vectorises), added to the 128-bit totals once; faces of
    /// 2^24 or more are summed in 128 bits throughout.
    fn push_span(&mut self, rolls: &[u32]) {
        let lags = self.lags;
        let mut run = std::mem::take(&mut self.run);
        run.clear();
        run.extend_from_slice(&self.tail);
        let start = run.len();
        run.extend(rolls.iter().map(|&x| u64::from(x)));
        let fresh = &run[start..];
        let small = fresh.iter().all(|&x| x < SMALL_FACE);
        if small {
            self.sum += u128::from(fresh.iter().sum::<u64>());
            self.squares += u128::from(fresh.iter().map(|&x| x * x).sum::<u64>());
        } else {
            self.sum += fresh.iter().map(|&x| u128::from(x)).sum::<u128>();
            self.squares += fresh
                .iter()
                .map(|&x| u128::from(x) * u128::from(x))
                .sum::<u128>();
        }
        for h in 1..=lags.min(run.len().saturating_sub(1)) {
            // Pairs (x_i, x_{i+h}) whose later roll is new: later rolls
            // run[max(start, h)..], earlier ones h before them.
            let from = start.max(h);
            let (later, earlier) = (&run[from..], &run[from - h..run.len() - h]);
            self.lagged[h - 1] += if small {
                u128::from(later.iter().zip(earlier).map(|(&a, &b)| a * b).sum::<u64>())
            } else {
                later
                    .iter()
                    .zip(earlier)
                    .map(|(&a, &b)| u128::from(a) * u128::from(b))
                    .sum::<u128>()
            };
        }
        for &x in fresh.iter().take(lags.saturating_sub(self.head.len())) {
            self.head.push(x);
        }
        self.tail.clear();
        self.tail
            .extend_from_slice(&run[run.len().saturating_sub(lags)..]);
        self.n += rolls.len() as u64;
        self.run = run;
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
        let last = |j: i128| i128::from(self.tail[self.tail.len() - 1 - j as usize]);
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

    /// The Ljung–Box test of the rolls so far ([`ljung_box`]).
    pub fn finish(&self) -> Outcome {
        ljung_box(self.n, self.lags, || self.correlations())
    }
}

/// The Ljung–Box portmanteau test of the serial correlations at lags
/// 1..L of n rolls (Knuth §3.3.2 K tests lag 1 alone; the lab standards ask
/// for several lags), `correlations` giving r_1..r_L (`None` when every
/// roll is equal).
///
/// ```text
/// Q = n(n + 2) Σ_{h=1..L} r_h² / (n − h),   df = L
/// ```
/// Ljung, G. M. & Box, G. E. P. (1978), Biometrika 65(2), 297–303; as
/// `statsmodels.stats.diagnostic.acorr_ljungbox`. Skipped when n < 50
/// or n ≤ 2L, or when every roll is equal.
pub(super) fn ljung_box(
    n: u64,
    lags: usize,
    correlations: impl FnOnce() -> Option<Vec<f64>>,
) -> Outcome {
    if n < LJUNG_BOX_MIN_ROLLS || n <= 2 * lags as u64 {
        return Outcome::Skipped(format!(
            "{n} rolls are too few for serial correlations at {lags} lags (at least {LJUNG_BOX_MIN_ROLLS} and more than 2 per lag)"
        ));
    }
    let Some(r) = correlations() else {
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

    /// The lagged sums by definition, in 128 bits: Σ_{i≥h} x_i x_{i−h}.
    fn lagged_by_definition(rolls: &[u32], lags: usize) -> Vec<u128> {
        (1..=lags)
            .map(|h| {
                (h..rolls.len())
                    .map(|i| u128::from(rolls[i]) * u128::from(rolls[i - h]))
                    .sum()
            })
            .collect()
    }

    #[test]
    fn spans_and_pieces_give_the_sums_by_definition() {
        // Pieces that cut the log anywhere (shorter than the lags, across a
        // span), small faces and faces of 2^24 and more (summed in 128
        // bits), the first and last rolls.
        let mut z: u64 = 1;
        let mut next = |top: u64| {
            z = z
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((z >> 33) % top) as u32
        };
        for top in [6u64, 1 << 24, u64::from(u32::MAX)] {
            let rolls: Vec<u32> = (0..(SPAN + 1000)).map(|_| next(top)).collect();
            for cuts in [vec![], vec![1, 2, 3], vec![3, SPAN - 2, SPAN + 7]] {
                let mut acc = SerialCorrelation::new(5);
                let mut at = 0;
                for &cut in &cuts {
                    acc.push(&rolls[at..cut]);
                    at = cut;
                }
                acc.push(&rolls[at..]);
                assert_eq!(
                    acc.lagged,
                    lagged_by_definition(&rolls, 5),
                    "top {top}, cuts {cuts:?}"
                );
                let sum: u128 = rolls.iter().map(|&x| u128::from(x)).sum();
                let squares: u128 = rolls.iter().map(|&x| u128::from(x) * u128::from(x)).sum();
                assert_eq!((acc.sum, acc.squares), (sum, squares));
                assert_eq!(
                    acc.head,
                    rolls[..5].iter().map(|&x| u64::from(x)).collect::<Vec<_>>()
                );
                assert_eq!(
                    acc.tail,
                    rolls[rolls.len() - 5..]
                        .iter()
                        .map(|&x| u64::from(x))
                        .collect::<Vec<_>>()
                );
                assert_eq!(acc.n, rolls.len() as u64);
            }
        }
    }
}
