//! Drift: do the face frequencies change along the log?

use super::Outcome;
use crate::stats::contingency;

/// The face counts of consecutive blocks of the log, kept as the rolls
/// stream in, without knowing n in advance.
///
/// The rule: blocks hold c rolls, c the smallest c₀·2^j (c₀ = ⌈5k⌉, so that
/// a block expects at least 5 of each face) with ⌊n/c⌋ ≤ B; there are
/// B' = ⌊n/c⌋ blocks, the remainder (fewer than c rolls) joining the last.
/// B' is at most B and, once n ≥ (B + 1)c₀, at least ⌈B/2⌉. Streaming
/// reaches it by filling blocks of c₀ and, each time a (B + 1)-th block
/// fills, merging neighbours two by two (an odd last block stays open,
/// half full, at the doubled size), so it holds at most B + 1 rows of k
/// counts however long the log.
#[derive(Debug, Clone)]
pub struct Blocks {
    k: usize,
    most: usize,
    /// The rolls a full block holds (c).
    size: u64,
    full: Vec<Vec<u64>>,
    open: Vec<u64>,
    /// Rolls in the open block.
    filling: u64,
}

impl Blocks {
    /// No rolls yet, of a die of `k` faces, in at most `blocks` blocks.
    pub fn new(k: usize, blocks: usize) -> Self {
        Blocks {
            k,
            most: blocks.max(1),
            size: (super::MIN_EXPECTED * k as f64).ceil().max(1.0) as u64,
            full: Vec::new(),
            open: vec![0; k],
            filling: 0,
        }
    }

    /// Takes the next rolls.
    pub fn push(&mut self, mut rolls: &[u32]) {
        while !rolls.is_empty() {
            let take = ((self.size - self.filling) as usize).min(rolls.len());
            for &x in &rolls[..take] {
                self.open[x as usize] += 1;
            }
            self.filling += take as u64;
            rolls = &rolls[take..];
            if self.filling == self.size {
                self.close();
            }
        }
    }

    /// Closes the full open block, merging neighbours when there are more
    /// than B.
    fn close(&mut self) {
        let open = std::mem::replace(&mut self.open, vec![0; self.k]);
        self.full.push(open);
        self.filling = 0;
        if self.full.len() <= self.most {
            return;
        }
        let rows = std::mem::take(&mut self.full);
        let mut rows = rows.into_iter();
        while let Some(mut a) = rows.next() {
            match rows.next() {
                Some(b) => {
                    a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
                    self.full.push(a);
                }
                None => {
                    self.filling = self.size;
                    self.open = a;
                }
            }
        }
        self.size *= 2;
    }

    /// The table: the full blocks, the open one's rolls joining the last
    /// (alone when no block is full).
    pub fn table(&self) -> Vec<Vec<u64>> {
        let mut table = self.full.clone();
        match table.last_mut() {
            Some(last) => last.iter_mut().zip(&self.open).for_each(|(x, y)| *x += y),
            None => table.push(self.open.clone()),
        }
        table
    }
}

/// The face counts of consecutive blocks of `rolls` ([`Blocks`]).
pub fn block_counts(rolls: &[u32], k: usize, blocks: usize) -> Vec<Vec<u64>> {
    let mut acc = Blocks::new(k, blocks);
    acc.push(rolls);
    acc.table()
}

/// Pearson's χ² test of homogeneity of the blocks' face counts
/// ([`block_counts`]): the rows of a B × k table against the log's own
/// face frequencies, so it finds a die that changes during the log however
/// fair or unfair it is on the whole.
///
/// ```text
/// E_bf = R_b C_f / n,   X² = Σ_bf (n_bf − E_bf)² / E_bf,   df = (B − 1)(k' − 1)
/// ```
/// with k' the faces rolled at least once (as
/// `scipy.stats.chi2_contingency(table, correction=False)`). Skipped when
/// fewer than two blocks can expect 5 of each face.
pub fn drift(table: &[Vec<u64>]) -> Outcome {
    if table.len() < 2 {
        return Outcome::Skipped("too few rolls for two blocks expecting 5 of each face".into());
    }
    match contingency::independence(table) {
        Some(t) => Outcome::Tested(t),
        None => Outcome::Skipped("only one face was rolled".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_double_until_at_most_b_remain() {
        // k = 2: c₀ = 10. n = 100, B = 20: 10 blocks of 10.
        let rolls: Vec<u32> = (0..1000).map(|i| i % 2).collect();
        let t = block_counts(&rolls[..100], 2, 20);
        assert_eq!(t.len(), 10);
        assert!(t.iter().all(|row| row == &vec![5, 5]));
        // n = 95, B = 3: c = 40 (⌊95/20⌋ = 4 > 3, ⌊95/40⌋ = 2): two blocks,
        // the remainder 15 joining the last.
        let sizes = |t: Vec<Vec<u64>>| t.iter().map(|r| r.iter().sum()).collect::<Vec<u64>>();
        assert_eq!(sizes(block_counts(&rolls[..95], 2, 3)), vec![40, 55]);
        // n = 1000, B = 10: c = 160 (⌊1000/80⌋ = 12 > 10), six blocks.
        assert_eq!(
            sizes(block_counts(&rolls, 2, 10)),
            vec![160, 160, 160, 160, 160, 200]
        );
        assert!(matches!(
            drift(&block_counts(&rolls[..15], 2, 10)),
            Outcome::Skipped(_)
        ));
    }

    #[test]
    fn streamed_blocks_follow_the_rule_for_every_n() {
        // The streamed table against the rule computed from n, for every
        // n up to 2,000 and chunks of 7.
        let rolls: Vec<u32> = (0..2000u32).map(|i| (i * 7 + i / 3) % 3).collect();
        for n in 0..rolls.len() {
            let mut acc = Blocks::new(3, 4);
            for chunk in rolls[..n].chunks(7) {
                acc.push(chunk);
            }
            let mut c = 15;
            while n / c > 4 {
                c *= 2;
            }
            let b = (n / c).max(1);
            let mut want = vec![vec![0u64; 3]; b];
            for (i, &x) in rolls[..n].iter().enumerate() {
                want[(i / c).min(b - 1)][x as usize] += 1;
            }
            assert_eq!(acc.table(), want, "n = {n}");
        }
    }

    #[test]
    fn a_die_that_changes_halfway_drifts() {
        let mut rolls = vec![0u32; 500];
        rolls.extend(std::iter::repeat_n(1u32, 500));
        let Outcome::Tested(t) = drift(&block_counts(&rolls, 2, 10)) else {
            panic!("tested")
        };
        // Six blocks of 160 (the last 200): df = 5.
        assert_eq!(t.df, 5);
        assert!(t.p_value < 1e-100);
    }
}
