//! The coupon collector's test: how long until every face has come up?

use super::{chi2_ordered, Outcome};

/// The most faces the test takes: a segment of a die of k faces lasts
/// about k ln k rolls and its law costs O(k²) to compute, so beyond this
/// a log rarely holds enough segments and the law would cost more than
/// the log.
pub const MAX_FACES: usize = 1024;

/// The law of the length r of a segment that collects all k faces:
/// `probs[j]` is P(r = k + j) for j < len − 1 and the last entry the tail
/// P(r ≥ k + len − 1), where the tail is the first whose m·P expects fewer
/// than 5 of `m` segments.
///
/// ```text
/// P(r) = k!/k^r · S(r − 1, k − 1)   (Knuth §3.3.2 E, eq. (17))
/// ```
/// computed without Stirling numbers by the chain of the number of faces
/// seen, D_0 = 0, P(D_{j+1} = d + 1 | D_j = d) = (k − d)/k:
/// P(r) = P(D_{r−1} = k − 1)/k and P(r ≥ t) = Σ_{d<k} P(D_{t−1} = d).
pub fn probabilities(k: usize, m: u64) -> Vec<f64> {
    let kf = k as f64;
    // state[d] = P(D_j = d), advanced to j = k − 1.
    let mut state = vec![0.0f64; k + 1];
    state[0] = 1.0;
    let step = |state: &mut Vec<f64>| {
        for d in (0..k).rev() {
            let up = state[d] * (k - d) as f64 / kf;
            state[d + 1] += up;
            state[d] -= up;
        }
    };
    for _ in 0..k - 1 {
        step(&mut state);
    }
    let mut probs = Vec::new();
    loop {
        // state holds D_{r−1} for r = k + probs.len().
        let tail: f64 = state[..k].iter().sum();
        if m as f64 * tail < super::MIN_EXPECTED {
            probs.push(tail);
            return probs;
        }
        probs.push(state[k - 1] / kf);
        state[k] = 0.0;
        step(&mut state);
    }
}

/// The segments so far.
#[derive(Debug, Clone)]
pub struct Coupon {
    k: usize,
    /// The faces seen in the current segment (empty when the test cannot
    /// run on this die).
    seen: Vec<bool>,
    distinct: usize,
    /// The current segment's length so far.
    r: usize,
    /// The count of each segment length k + j, by j.
    lengths: Vec<u64>,
}

impl Coupon {
    /// No rolls yet, of a die of `k` faces.
    pub fn new(k: usize) -> Self {
        Coupon {
            k,
            seen: if (2..=MAX_FACES).contains(&k) {
                vec![false; k]
            } else {
                Vec::new()
            },
            distinct: 0,
            r: 0,
            lengths: Vec::new(),
        }
    }

    /// Takes the next rolls.
    pub fn push(&mut self, rolls: &[u32]) {
        if self.seen.is_empty() {
            return;
        }
        let k = self.k;
        let (mut distinct, mut r) = (self.distinct, self.r);
        for &x in rolls {
            r += 1;
            if !self.seen[x as usize] {
                self.seen[x as usize] = true;
                distinct += 1;
                if distinct == k {
                    let j = r - k;
                    if self.lengths.len() <= j {
                        self.lengths.resize(j + 1, 0);
                    }
                    self.lengths[j] += 1;
                    self.seen.iter_mut().for_each(|s| *s = false);
                    (distinct, r) = (0, 0);
                }
            }
        }
        (self.distinct, self.r) = (distinct, r);
    }

    /// Knuth's coupon collector's test (§3.3.2 E): the log is cut into
    /// consecutive segments, each ending at the roll that completes the set
    /// of k faces (an incomplete last segment is dropped); Pearson's χ² of
    /// the segment lengths k, k + 1, …, t − 1 and ≥ t against
    /// [`probabilities`], adjacent lengths pooled to 5 expected; df =
    /// categories − 1. Skipped when k < 2 or the segments are too few.
    pub fn finish(&self) -> Outcome {
        let k = self.k;
        if k < 2 {
            return Outcome::Skipped("a die with one face completes every roll".into());
        }
        if k > MAX_FACES {
            return Outcome::Skipped(format!(
                "a die of more than {MAX_FACES} faces collects too slowly for this test"
            ));
        }
        let lengths = &self.lengths;
        let m: u64 = lengths.iter().sum();
        let probs = probabilities(k, m);
        let last = probs.len() - 1;
        let mut counts: Vec<u64> = (0..last)
            .map(|j| lengths.get(j).copied().unwrap_or(0))
            .collect();
        counts.push(lengths.iter().skip(last).sum());
        chi2_ordered(&counts, &probs, "segments")
    }
}

/// The coupon collector's test on `rolls` ([`Coupon::finish`]).
pub fn coupon(rolls: &[u32], k: usize) -> Outcome {
    let mut acc = Coupon::new(k);
    acc.push(rolls);
    acc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coins_segments_are_geometric() {
        // k = 2: P(r) = 2!/2^r · S(r−1, 1) = 2^(1−r), r ≥ 2.
        let probs = probabilities(2, 1000);
        for (j, p) in probs[..probs.len() - 1].iter().enumerate() {
            let want = 0.5f64.powi(j as i32 + 1);
            assert!((p - want).abs() < 1e-16, "{j}: {p} {want}");
        }
        assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-14);
    }

    #[test]
    fn a_d6_matches_the_stirling_form() {
        // k = 6, r = 6..8: 6!/6^r · S(r−1, 5) with S(5,5) = 1, S(6,5) = 15,
        // S(7,5) = 140.
        let probs = probabilities(6, 100_000);
        for (j, s) in [1.0, 15.0, 140.0].iter().enumerate() {
            let want = 720.0 * s / 6f64.powi(6 + j as i32);
            assert!((probs[j] - want).abs() < 1e-15 * want.max(1.0), "{j}");
        }
        assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-13);
    }

    #[test]
    fn segments_are_cut_where_the_set_completes() {
        // Coin: 0 1 | 0 0 1 | 1 0 | 1 → lengths 2, 3, 2 (and a dropped 1).
        let rolls: Vec<u32> = [0, 1, 0, 0, 1, 1, 0, 1].repeat(10);
        assert!(matches!(coupon(&rolls, 2), Outcome::Tested(_)));
        assert!(matches!(coupon(&[0; 10], 1), Outcome::Skipped(_)));
    }
}
