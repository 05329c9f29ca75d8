//! The poker test: how many distinct faces are in hands of five rolls?

use super::{chi2_ordered, Outcome};

/// The size of a hand.
pub const HAND: usize = 5;

/// Stirling numbers of the second kind S(5, r), r = 1..5: the ways to
/// split a hand of five into r non-empty sets of equal faces.
const STIRLING_5: [f64; HAND] = [1.0, 15.0, 25.0, 10.0, 1.0];

/// The probabilities of r = 1..min(5, k) distinct faces in a hand of five
/// rolls of a fair k-faced die.
///
/// ```text
/// P(r) = S(5, r) · k(k − 1)…(k − r + 1) / k⁵
/// ```
pub fn probabilities(k: usize) -> Vec<f64> {
    let kf = k as f64;
    (1..=HAND.min(k))
        .map(|r| {
            let falling: f64 = (0..r).map(|i| (kf - i as f64) / kf).product();
            STIRLING_5[r - 1] * falling / kf.powi((HAND - r) as i32)
        })
        .collect()
}

/// The hands so far.
#[derive(Debug, Clone)]
pub struct Poker {
    k: usize,
    /// The rolls of the hand being dealt.
    hand: [u32; HAND],
    dealt: usize,
    /// Hands by their number of distinct faces, 1..=min(5, k).
    counts: Vec<u64>,
}

impl Poker {
    /// No rolls yet, of a die of `k` faces.
    pub fn new(k: usize) -> Self {
        Poker {
            k,
            hand: [0; HAND],
            dealt: 0,
            counts: vec![0; HAND.min(k).max(1)],
        }
    }

    /// Takes the next rolls.
    pub fn push(&mut self, mut rolls: &[u32]) {
        if self.dealt > 0 {
            let take = (HAND - self.dealt).min(rolls.len());
            self.hand[self.dealt..self.dealt + take].copy_from_slice(&rolls[..take]);
            self.dealt += take;
            rolls = &rolls[take..];
            if self.dealt < HAND {
                return;
            }
            let hand = self.hand;
            self.count(&hand);
            self.dealt = 0;
        }
        let hands = rolls.chunks_exact(HAND);
        let rest = hands.remainder();
        for hand in hands {
            self.count(hand);
        }
        self.hand[..rest.len()].copy_from_slice(rest);
        self.dealt = rest.len();
    }

    #[inline]
    fn count(&mut self, hand: &[u32]) {
        let mut seen = [0u32; HAND];
        let mut distinct = 0;
        for &x in hand {
            if !seen[..distinct].contains(&x) {
                seen[distinct] = x;
                distinct += 1;
            }
        }
        self.counts[distinct - 1] += 1;
    }

    /// Knuth's partition ("poker") test (§3.3.2 D) on the non-overlapping
    /// hands (x_{5j}, …, x_{5j+4}): Pearson's χ² of the counts of hands
    /// with r distinct faces against [`probabilities`], adjacent r pooled to
    /// 5 expected; df = categories − 1. Skipped when k < 2 or the hands are
    /// too few.
    pub fn finish(&self) -> Outcome {
        if self.k < 2 {
            return Outcome::Skipped("a die with one face has one kind of hand".into());
        }
        chi2_ordered(&self.counts, &probabilities(self.k), "hands")
    }
}

/// The poker test on `rolls` ([`Poker::finish`]).
pub fn poker(rolls: &[u32], k: usize) -> Outcome {
    let mut acc = Poker::new(k);
    acc.push(rolls);
    acc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_of_a_d6_are_knuths() {
        // k = 6: 6/7776, 450/7776, 3000/7776, 3600/7776, 720/7776.
        let want = [6.0, 450.0, 3000.0, 3600.0, 720.0].map(|x| x / 7776.0);
        for (p, w) in probabilities(6).iter().zip(want) {
            assert!((p - w).abs() < 1e-16, "{p} {w}");
        }
        // A coin: 2/32 and 30/32.
        assert_eq!(probabilities(2), vec![2.0 / 32.0, 30.0 / 32.0]);
    }

    #[test]
    fn hands_are_counted_by_distinct_faces() {
        // Three hands of a coin: 00000 (1), 01010 (2), 11111 (1); 3 hands
        // expect too few → skipped.
        let rolls = [0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1];
        assert!(matches!(poker(&rolls, 2), Outcome::Skipped(_)));
    }
}
