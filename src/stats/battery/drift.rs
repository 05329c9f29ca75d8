//! Drift: do the face frequencies change along the log?

use super::Outcome;
use crate::stats::contingency;

/// The face counts of consecutive blocks of the log: at most `blocks`
/// blocks of ⌊n/B⌋ rolls (the remainder joins the last), with B reduced so
/// that each block expects at least 5 of each face (⌊n/B⌋/k ≥ 5).
pub fn block_counts(rolls: &[u32], k: usize, blocks: usize) -> Vec<Vec<u64>> {
    let most = (rolls.len() as f64 / (super::MIN_EXPECTED * k as f64)).floor() as usize;
    let b = blocks.min(most).max(1);
    let size = rolls.len() / b;
    let mut table = vec![vec![0u64; k]; b];
    for (i, &x) in rolls.iter().enumerate() {
        table[(i / size.max(1)).min(b - 1)][x as usize] += 1;
    }
    table
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
    fn blocks_shrink_to_what_the_log_supports() {
        // n = 100, k = 2: at most 100/(5·2) = 10 blocks of 10.
        let rolls: Vec<u32> = (0..100).map(|i| i % 2).collect();
        let t = block_counts(&rolls, 2, 20);
        assert_eq!(t.len(), 10);
        assert!(t.iter().all(|row| row == &vec![5, 5]));
        // The remainder joins the last block.
        let t = block_counts(&rolls[..95], 2, 3);
        assert_eq!(
            t.iter().map(|r| r.iter().sum::<u64>()).collect::<Vec<_>>(),
            vec![31, 31, 33]
        );
        assert!(matches!(
            drift(&block_counts(&rolls[..15], 2, 10)),
            Outcome::Skipped(_)
        ));
    }

    #[test]
    fn a_die_that_changes_halfway_drifts() {
        let mut rolls = vec![0u32; 500];
        rolls.extend(std::iter::repeat_n(1u32, 500));
        let Outcome::Tested(t) = drift(&block_counts(&rolls, 2, 10)) else {
            panic!("tested")
        };
        assert_eq!(t.df, 9);
        assert!(t.p_value < 1e-100);
    }
}
