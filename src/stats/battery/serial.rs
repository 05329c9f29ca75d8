//! The serial test: are consecutive rolls independent and uniform as pairs?

use super::Outcome;
use crate::stats::gof;

/// Pearson's χ² of the k² pairs (x_{2j}, x_{2j+1}), j = 0..⌊n/2⌋, against
/// 1/k² each (Knuth §3.3.2 B). The pairs do not overlap, so they are
/// independent under the null and the χ² reference holds as it stands (the
/// overlapping pairs would need Good's correction).
///
/// ```text
/// m = ⌊n/2⌋,   X² = Σ_{a,b} (n_ab − m/k²)² / (m/k²),   df = k² − 1
/// ```
/// Skipped when k < 2 or m/k² < 5.
pub fn serial(rolls: &[u32], k: usize) -> Outcome {
    if k < 2 {
        return Outcome::Skipped("a die with one face has no pairs to test".into());
    }
    let cells = k * k;
    let m = rolls.len() / 2;
    if (m as f64) / (cells as f64) < super::MIN_EXPECTED {
        return Outcome::Skipped(format!(
            "{m} pairs expect fewer than {} in each of {cells} cells",
            super::MIN_EXPECTED
        ));
    }
    let mut counts = vec![0u64; cells];
    for pair in rolls.chunks_exact(2) {
        counts[pair[0] as usize * k + pair[1] as usize] += 1;
    }
    Outcome::Tested(gof::pearson(&counts, &vec![1.0 / cells as f64; cells]))
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
