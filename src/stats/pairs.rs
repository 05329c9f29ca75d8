//! The axis/tilt split of a die whose opposite faces sum to K + 1 (d6, d8,
//! d12, d20): G against the fair die = G_axis + G_tilt.
//!
//! ```text
//! pairs j = 1..K/2:  (j, K + 1 − j),   T_j = n_j + n_{K+1−j},   N = Σ T_j
//! tilt-free model (each pair's total shared equally): q_k = T_j / (2N)
//! G_axis = 2 Σ_j T_j ln(T_j / (2N/K))           tilt-free vs fair,  df K/2 − 1
//! G_tilt = 2 Σ_j Σ_{k∈j} n_k ln(n_k / (T_j/2))  free vs tilt-free,  df K/2
//! G_axis + G_tilt = 2 Σ_k n_k ln(n_k / (N/K)) = G,                  df K − 1
//! ```
//! The axis test asks which pairs come up more (an oblate or prolate die
//! favours one axis); the tilt test asks whether a pair's faces differ
//! (a shifted centre of mass). Each is a likelihood-ratio test of nested
//! multinomial models, referred to χ² (Wilks); with fewer df than the full
//! test it has more power against the deviation it names. Both statistics
//! are summed in the deviance form of [`super::gof::g_test`].

use super::gof;
use super::TestResult;

/// The dice with opposite faces summing to K + 1 that the split accepts.
pub const PAIRED_DICE: [usize; 4] = [6, 8, 12, 20];

/// The split of one die.
#[derive(Debug, Clone, PartialEq)]
pub struct PairsSplit {
    /// The pairs as 0-based face indices (j, K − 1 − j).
    pub pairs: Vec<(usize, usize)>,
    /// T_j, each pair's rolls.
    pub totals: Vec<u64>,
    /// The tilt-free fit q_k = T_j / (2N) per face.
    pub fitted: Vec<f64>,
    /// Tilt-free against fair (df K/2 − 1).
    pub axis: TestResult,
    /// Free against tilt-free (df K/2).
    pub tilt: TestResult,
}

/// The opposite pairs of a K-faced die, or why there are none.
///
/// # Errors
/// When K is not one of [`PAIRED_DICE`].
pub fn opposite_pairs(k: usize) -> Result<Vec<(usize, usize)>, String> {
    if !PAIRED_DICE.contains(&k) {
        return Err(format!(
            "--model pairs needs a d6, d8, d12 or d20 (opposite faces summing to K + 1); this die has {k} faces"
        ));
    }
    Ok((0..k / 2).map(|j| (j, k - 1 - j)).collect())
}

/// Splits G against the fair die of `counts` (K in [`PAIRED_DICE`], N > 0).
///
/// # Errors
/// As [`opposite_pairs`].
pub fn split(counts: &[u64]) -> Result<PairsSplit, String> {
    let k = counts.len();
    let pairs = opposite_pairs(k)?;
    let totals: Vec<u64> = pairs.iter().map(|&(a, b)| counts[a] + counts[b]).collect();
    let n: u64 = totals.iter().sum();
    let axis = gof::g_test(&totals, &vec![2.0 / k as f64; k / 2]);
    let tilt: f64 = pairs
        .iter()
        .map(|&(a, b)| gof::g_test(&[counts[a], counts[b]], &[0.5, 0.5]).statistic)
        .sum();
    let mut fitted = vec![0.0; k];
    for (&(a, b), &t) in pairs.iter().zip(&totals) {
        let q = t as f64 / (2.0 * n as f64);
        fitted[a] = q;
        fitted[b] = q;
    }
    Ok(PairsSplit {
        pairs,
        totals,
        fitted,
        axis: TestResult::chi2(axis.statistic, (k / 2 - 1) as u64),
        tilt: TestResult::chi2(tilt, (k / 2) as u64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(counts: &[u64], null: &[f64]) -> f64 {
        let n: u64 = counts.iter().sum();
        2.0 * counts
            .iter()
            .zip(null)
            .filter(|(&c, _)| c > 0)
            .map(|(&c, &p)| c as f64 * (c as f64 / (n as f64 * p)).ln())
            .sum::<f64>()
    }

    /// The two parts add up to the G test against the fair die, and each
    /// is its textbook sum (n ln(n/E) form, 1e-10 relative).
    #[test]
    fn axis_and_tilt_add_up_to_g() {
        let counts = [130, 90, 100, 110, 95, 75];
        let s = split(&counts).unwrap();
        let full = gof::g_test(&counts, &[1.0 / 6.0; 6]).statistic;
        assert!(((s.axis.statistic + s.tilt.statistic) - full).abs() < 1e-10 * full);
        // Totals (205, 185, 210) against 200 each.
        let axis = g(&[205, 185, 210], &[1.0 / 3.0; 3]);
        assert!((s.axis.statistic - axis).abs() < 1e-10 * axis);
        let tilt =
            g(&[130, 75], &[0.5, 0.5]) + g(&[90, 95], &[0.5, 0.5]) + g(&[100, 110], &[0.5, 0.5]);
        assert!((s.tilt.statistic - tilt).abs() < 1e-10 * tilt);
        assert_eq!((s.axis.df, s.tilt.df), (2, 3));
        assert_eq!(s.pairs, vec![(0, 5), (1, 4), (2, 3)]);
        assert_eq!(s.fitted[0], 205.0 / 1200.0);
    }

    /// A pure tilt has G_axis = 0 (up to the rounding of 1/3 in the null,
    /// 1e-20); a pure axis has G_tilt = 0 exactly (½ is exact).
    #[test]
    fn a_pure_tilt_or_axis_shows_only_in_its_part() {
        let tilt = split(&[150, 100, 100, 100, 100, 50]).unwrap();
        assert!(tilt.axis.statistic < 1e-20);
        assert!(tilt.axis.p_value > 1.0 - 1e-9);
        assert!(tilt.tilt.statistic > 30.0);
        let axis = split(&[150, 100, 100, 100, 100, 150]).unwrap();
        assert_eq!(axis.tilt.statistic, 0.0);
        assert!(axis.axis.statistic > 10.0);
    }

    #[test]
    fn only_paired_dice_are_split() {
        for k in [2, 4, 10, 7, 100] {
            let e = split(&vec![1; k]).unwrap_err();
            assert!(e.contains(&format!("{k} faces")), "{e}");
        }
        for k in PAIRED_DICE {
            assert_eq!(split(&vec![3; k]).unwrap().tilt.df, k as u64 / 2);
        }
    }

    /// A pair never rolled contributes nothing (no NaN).
    #[test]
    fn an_unrolled_pair_is_finite() {
        let s = split(&[10, 0, 5, 5, 0, 10]).unwrap();
        assert!(s.axis.statistic.is_finite() && s.tilt.statistic.is_finite());
        assert_eq!(s.tilt.statistic, 0.0);
        assert_eq!(s.fitted[1], 0.0);
    }
}
