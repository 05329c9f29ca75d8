//! The serial test: are consecutive rolls independent and uniform as pairs?

use std::collections::HashMap;

use super::Outcome;
use crate::stats::gof;

/// Dice whose k² pair cells are at most this many count them in a dense
/// table; larger ones in a hash map of the pairs seen (the test needs
/// 10 k² rolls before it runs, so such a die's table would be mostly empty).
const DENSE_CELLS: usize = 1 << 22;

/// The non-overlapping pairs so far.
#[derive(Debug, Clone)]
pub struct Serial {
    k: usize,
    dense: Vec<u64>,
    sparse: HashMap<u64, u64>,
    /// The first roll of a pair whose second has not come yet.
    pending: Option<u32>,
    pairs: u64,
}

impl Serial {
    /// No rolls yet, of a die of `k` faces.
    pub fn new(k: usize) -> Self {
        let cells = k.saturating_mul(k);
        Serial {
            k,
            dense: if (2..=DENSE_CELLS).contains(&cells) {
                vec![0; cells]
            } else {
                Vec::new()
            },
            sparse: HashMap::new(),
            pending: None,
            pairs: 0,
        }
    }

    /// Takes the next rolls.
    pub fn push(&mut self, mut rolls: &[u32]) {
        if self.k < 2 {
            return;
        }
        if let Some(first) = self.pending {
            let Some((&second, rest)) = rolls.split_first() else {
                return;
            };
            self.count(first, second);
            self.pending = None;
            rolls = rest;
        }
        let pairs = rolls.chunks_exact(2);
        self.pending = pairs.remainder().first().copied();
        let k = self.k;
        if self.dense.is_empty() {
            for pair in pairs {
                self.count(pair[0], pair[1]);
            }
        } else {
            self.pairs += (rolls.len() / 2) as u64;
            for pair in pairs {
                self.dense[pair[0] as usize * k + pair[1] as usize] += 1;
            }
        }
    }

    fn count(&mut self, a: u32, b: u32) {
        let cell = a as usize * self.k + b as usize;
        self.pairs += 1;
        match self.dense.get_mut(cell) {
            Some(c) => *c += 1,
            None => *self.sparse.entry(cell as u64).or_insert(0) += 1,
        }
    }

    /// Pearson's χ² of the k² pairs (x_{2j}, x_{2j+1}), j = 0..⌊n/2⌋,
    /// against 1/k² each (Knuth §3.3.2 B). The pairs do not overlap, so
    /// they are independent under the null and the χ² reference holds as it
    /// stands (the overlapping pairs would need Good's correction).
    ///
    /// ```text
    /// m = ⌊n/2⌋,   X² = Σ_{a,b} (n_ab − m/k²)² / (m/k²),   df = k² − 1
    /// ```
    /// Skipped when k < 2 or m/k² < 5.
    pub fn finish(&self) -> Outcome {
        let k = self.k;
        if k < 2 {
            return Outcome::Skipped("a die with one face has no pairs to test".into());
        }
        let cells = k * k;
        let m = self.pairs;
        if (m as f64) / (cells as f64) < super::MIN_EXPECTED {
            return Outcome::Skipped(format!(
                "{m} pairs expect fewer than {} in each of {cells} cells",
                super::MIN_EXPECTED
            ));
        }
        let counts = if self.dense.is_empty() {
            let mut counts = vec![0u64; cells];
            for (&cell, &c) in &self.sparse {
                counts[cell as usize] = c;
            }
            std::borrow::Cow::Owned(counts)
        } else {
            std::borrow::Cow::Borrowed(&self.dense)
        };
        Outcome::Tested(gof::pearson(&counts, &vec![1.0 / cells as f64; cells]))
    }
}

/// The serial test on `rolls` ([`Serial::finish`]).
pub fn serial(rolls: &[u32], k: usize) -> Outcome {
    let mut acc = Serial::new(k);
    acc.push(rolls);
    acc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_non_overlapping_pairs() {
        // A coin, 40 rolls: pairs 00 ×5, 01 ×5, 10 ×5, 11 ×5 → X² = 0, p = 1.
        let rolls: Vec<u32> = [0u32, 0, 0, 1, 1, 0, 1, 1].repeat(5);
        let Outcome::Tested(t) = serial(&rolls, 2) else {
            panic!("tested")
        };
        assert_eq!((t.statistic, t.df), (0.0, 3));
        // 00 ×20: X² = 3·20 = 60 (m = 20, E = 5).
        let Outcome::Tested(t) = serial(&[0; 40], 2) else {
            panic!("tested")
        };
        assert!((t.statistic - 60.0).abs() < 1e-12);
    }

    #[test]
    fn too_few_pairs_are_skipped() {
        assert!(matches!(serial(&[0; 100], 6), Outcome::Skipped(_)));
    }
}
