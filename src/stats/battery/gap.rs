//! The gap test: are the gaps between rolls of the lower half of the faces
//! geometric, as independent rolls make them?

use super::{chi2_ordered, Outcome};

/// The faces the gap test watches: the lower half, `0..⌊k/2⌋` (a coin's
/// first face, a d6's 1–3), so that p = ⌊k/2⌋/k is near ½ and the gaps are
/// short and many.
pub fn target(k: usize) -> usize {
    k / 2
}

/// The gaps so far.
#[derive(Debug, Clone)]
pub struct Gap {
    k: usize,
    h: u32,
    /// Rolls since the last one in the target.
    r: usize,
    /// The count of each gap length.
    gaps: Vec<u64>,
}

impl Gap {
    /// No rolls yet, of a die of `k` faces.
    pub fn new(k: usize) -> Self {
        Gap {
            k,
            h: target(k) as u32,
            r: 0,
            gaps: Vec::new(),
        }
    }

    /// Takes the next rolls.
    pub fn push(&mut self, rolls: &[u32]) {
        let (h, mut r) = (self.h, self.r);
        for &x in rolls {
            if x < h {
                if self.gaps.len() <= r {
                    self.gaps.resize(r + 1, 0);
                }
                self.gaps[r] += 1;
                r = 0;
            } else {
                r += 1;
            }
        }
        self.r = r;
    }

    /// Knuth's gap test (§3.3.2 C) with the target faces `0..h`,
    /// h = ⌊k/2⌋: the gap ending at each roll in the target is the number
    /// of rolls since the previous one (or since the start) that are not;
    /// the incomplete last gap is dropped.
    ///
    /// ```text
    /// p = h/k,   P(gap = r) = p (1 − p)^r   (r = 0, 1, …, t − 1),   P(gap ≥ t) = (1 − p)^t
    /// ```
    /// with t the first length whose tail m (1 − p)^t expects fewer than 5
    /// of the m gaps, and adjacent lengths pooled to 5 expected; Pearson's
    /// χ², df = categories − 1. Skipped when k < 2 or there are too few
    /// gaps.
    pub fn finish(&self) -> Outcome {
        if self.k < 2 {
            return Outcome::Skipped("a die with one face has no gaps".into());
        }
        let p = f64::from(self.h) / self.k as f64;
        let m: u64 = self.gaps.iter().sum();
        let (counts, probs) = categories(&self.gaps, m, p);
        chi2_ordered(&counts, &probs, "gaps")
    }
}

/// The gap test on `rolls` ([`Gap::finish`]).
pub fn gap(rolls: &[u32], k: usize) -> Outcome {
    let mut acc = Gap::new(k);
    acc.push(rolls);
    acc.finish()
}

/// The counts and probabilities of gap lengths 0..t−1 and ≥ t.
pub(super) fn categories(gaps: &[u64], m: u64, p: f64) -> (Vec<u64>, Vec<f64>) {
    let q = 1.0 - p;
    let mut t = 0usize;
    while m as f64 * q.powi(t as i32) >= super::MIN_EXPECTED {
        t += 1;
    }
    let mut counts: Vec<u64> = (0..t).map(|r| gaps.get(r).copied().unwrap_or(0)).collect();
    let mut probs: Vec<f64> = (0..t).map(|r| p * q.powi(r as i32)).collect();
    counts.push(gaps.iter().skip(t).sum());
    probs.push(q.powi(t as i32));
    (counts, probs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_lengths_and_their_law() {
        // d6, target {0,1,2}: rolls 0 | 3 4 1 | 5 2 | 0 → gaps 0, 2, 1, 0;
        // the trailing 4 5 is dropped.
        let rolls = [0, 3, 4, 1, 5, 2, 0, 4, 5];
        let mut gaps = Vec::new();
        let mut r = 0;
        for &x in &rolls {
            if x < 3 {
                gaps.push(r);
                r = 0;
            } else {
                r += 1;
            }
        }
        assert_eq!(gaps, vec![0, 2, 1, 0]);
        // The categories' probabilities sum to 1.
        let (_, probs) = categories(&[50, 25, 13, 6, 3, 2, 1], 100, 0.5);
        assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        // m = 100, q = ½: 100/2^t ≥ 5 for t ≤ 4, so lengths 0..4 and ≥ 5.
        assert_eq!(probs.len(), 6);
    }

    #[test]
    fn a_coin_of_one_face_is_skipped() {
        assert!(matches!(gap(&[0; 100], 1), Outcome::Skipped(_)));
    }
}
