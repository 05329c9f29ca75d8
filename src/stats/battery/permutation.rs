//! The permutation test: are the orderings of triples of rolls equally
//! likely, ties included?

use std::cmp::Ordering;

use super::{chi2_unordered, Outcome};

/// The size of a tuple.
pub const TUPLE: usize = 3;

/// The key of a triple's weak ordering: the comparisons (a, b), (a, c),
/// (b, c), each Less, Equal or Greater, as a number 0..27 (13 of them
/// occur).
pub(super) fn key(a: u32, b: u32, c: u32) -> usize {
    let o = |x: u32, y: u32| match x.cmp(&y) {
        Ordering::Less => 0,
        Ordering::Equal => 1,
        Ordering::Greater => 2,
    };
    9 * o(a, b) + 3 * o(a, c) + o(b, c)
}

/// The probability of each key under a fair k-faced die (0 for the 14 keys
/// that no triple has).
///
/// ```text
/// 3 distinct values in a given order:   C(k,3)/k³   (6 orderings)
/// one pair tied, the third above/below: C(k,2)/k³   (6 orderings)
/// all three equal:                      k/k³ = 1/k² (1 ordering)
/// ```
/// (6 C(k,3) + 6 C(k,2) + k = k³.) Knuth's test F takes t! orderings of
/// distinct reals; a die ties, and the 13 weak orderings of a triple carry
/// exactly its law.
pub fn probabilities(k: usize) -> [f64; 27] {
    let kf = k as f64;
    let cube = kf * kf * kf;
    let choose2 = kf * (kf - 1.0) / 2.0;
    let choose3 = choose2 * (kf - 2.0) / 3.0;
    let mut probs = [0.0; 27];
    for a in 0..3 {
        for b in 0..3 {
            for c in 0..3 {
                let distinct = 1 + usize::from(a != b) + usize::from(c != a && c != b);
                probs[key(a, b, c)] = match distinct {
                    3 => choose3 / cube,
                    2 => choose2 / cube,
                    _ => kf / cube,
                };
            }
        }
    }
    probs
}

/// The triples so far.
#[derive(Debug, Clone)]
pub struct Permutation {
    k: usize,
    /// The rolls of the triple being filled.
    tuple: [u32; TUPLE],
    filled: usize,
    counts: [u64; 27],
}

impl Permutation {
    /// No rolls yet, of a die of `k` faces.
    pub fn new(k: usize) -> Self {
        Permutation {
            k,
            tuple: [0; TUPLE],
            filled: 0,
            counts: [0; 27],
        }
    }

    /// Takes the next rolls.
    pub fn push(&mut self, mut rolls: &[u32]) {
        if self.filled > 0 {
            let take = (TUPLE - self.filled).min(rolls.len());
            self.tuple[self.filled..self.filled + take].copy_from_slice(&rolls[..take]);
            self.filled += take;
            rolls = &rolls[take..];
            if self.filled < TUPLE {
                return;
            }
            let t = self.tuple;
            self.counts[key(t[0], t[1], t[2])] += 1;
            self.filled = 0;
        }
        let triples = rolls.chunks_exact(TUPLE);
        let rest = triples.remainder();
        for t in triples {
            self.counts[key(t[0], t[1], t[2])] += 1;
        }
        self.tuple[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    /// The permutation test on the non-overlapping triples (x_{3j},
    /// x_{3j+1}, x_{3j+2}): Pearson's χ² of the counts of the 13 weak
    /// orderings against [`probabilities`], orderings expecting fewer than 5
    /// pooled; df = categories − 1 (12 when all expect enough). Skipped
    /// when k < 2 or the triples are too few.
    pub fn finish(&self) -> Outcome {
        if self.k < 2 {
            return Outcome::Skipped("a die with one face has one ordering".into());
        }
        chi2_unordered(&self.counts, &probabilities(self.k), "triples")
    }
}

/// The permutation test on `rolls` ([`Permutation::finish`]).
pub fn permutation(rolls: &[u32], k: usize) -> Outcome {
    let mut acc = Permutation::new(k);
    acc.push(rolls);
    acc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirteen_orderings_sum_to_one() {
        for k in [2, 3, 6, 20, 1000] {
            let p = probabilities(k);
            assert_eq!(
                p.iter().filter(|&&x| x > 0.0).count(),
                if k == 2 { 7 } else { 13 }
            );
            assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15, "{k}");
        }
        // A d6: each strict order 20/216, each one-tie order 15/216, all equal 6/216.
        let p = probabilities(6);
        assert!((p[key(0, 1, 2)] - 20.0 / 216.0).abs() < 1e-16);
        assert!((p[key(1, 1, 0)] - 15.0 / 216.0).abs() < 1e-16);
        assert!((p[key(4, 4, 4)] - 6.0 / 216.0).abs() < 1e-16);
    }
}
