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

/// Knuth's partition ("poker") test (§3.3.2 D) on the non-overlapping
/// hands (x_{5j}, …, x_{5j+4}): Pearson's χ² of the counts of hands with
/// r distinct faces against [`probabilities`], adjacent r pooled to 5
/// expected; df = categories − 1. Skipped when k < 2 or the hands are too
/// few.
pub fn poker(rolls: &[u32], k: usize) -> Outcome {
    if k < 2 {
        return Outcome::Skipped("a die with one face has one kind of hand".into());
    }
    let probs = probabilities(k);
    let mut counts = vec![0u64; probs.len()];
    for hand in rolls.chunks_exact(HAND) {
        let mut seen = [0u32; HAND];
        let mut distinct = 0;
        for &x in hand {
            if !seen[..distinct].contains(&x) {
                seen[distinct] = x;
                distinct += 1;
            }
        }
        counts[distinct - 1] += 1;
    }
    chi2_ordered(&counts, &probs, "hands")
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
