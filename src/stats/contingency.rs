//! Pearson's χ² test of independence on a contingency table, and the table
//! of successive pairs of rolls that tests a die for serial dependence.

use super::TestResult;

/// Pearson's χ² test of independence of the rows and columns of a table.
///
/// ```text
/// E_ij = R_i C_j / N,   X² = Σ_ij (O_ij − E_ij)² / E_ij = Σ_ij (N·O_ij − R_i C_j)² / (N R_i C_j)
/// df = (r − 1)(c − 1),  p = P(χ²_df ≥ X²)
/// ```
/// All-zero rows and columns are dropped first (their expected counts are
/// 0); rows shorter than the longest are padded with zeros. No continuity
/// correction, as `scipy.stats.chi2_contingency(table, correction=False)`
/// (Agresti, Categorical Data Analysis, §3.2). N·O_ij − R_i C_j is formed
/// exactly in 128-bit integers, so near-independent tables with huge
/// counts keep their accuracy.
///
/// `None` when fewer than two rows or two columns remain (including an
/// empty table or N = 0).
pub fn independence(table: &[Vec<u64>]) -> Option<TestResult> {
    let width = table.iter().map(Vec::len).max().unwrap_or(0);
    let cell = |i: usize, j: usize| table[i].get(j).copied().unwrap_or(0);
    let rows: Vec<usize> = (0..table.len())
        .filter(|&i| table[i].iter().any(|&x| x > 0))
        .collect();
    let cols: Vec<usize> = (0..width)
        .filter(|&j| table.iter().any(|row| row.get(j).is_some_and(|&x| x > 0)))
        .collect();
    if rows.len() < 2 || cols.len() < 2 {
        return None;
    }
    let row_sums: Vec<u128> = rows
        .iter()
        .map(|&i| cols.iter().map(|&j| u128::from(cell(i, j))).sum())
        .collect();
    let col_sums: Vec<u128> = cols
        .iter()
        .map(|&j| rows.iter().map(|&i| u128::from(cell(i, j))).sum())
        .collect();
    let total: u128 = row_sums.iter().sum();
    let nf = total as f64;
    let mut statistic = 0.0;
    for (ri, &i) in rows.iter().enumerate() {
        for (ci, &j) in cols.iter().enumerate() {
            let (r, c) = (row_sums[ri], col_sums[ci]);
            let observed = u128::from(cell(i, j));
            let expected = r as f64 * c as f64 / nf;
            let diff = match (total.checked_mul(observed), r.checked_mul(c)) {
                (Some(a), Some(b)) => {
                    let signed = i128::try_from(a).ok().zip(i128::try_from(b).ok());
                    match signed {
                        Some((a, b)) => (a - b) as f64 / nf,
                        None => observed as f64 - expected,
                    }
                }
                _ => observed as f64 - expected,
            };
            statistic += diff * (diff / expected);
        }
    }
    let df = ((rows.len() - 1) * (cols.len() - 1)) as u64;
    Some(TestResult::chi2(statistic, df))
}

/// The k×k table of successive pairs: entry (i, j) counts the t with
/// x_t = i and x_{t+1} = j, for faces numbered 0..k.
///
/// ```text
/// T_ij = #{t : x_t = i, x_{t+1} = j},   Σ_ij T_ij = len − 1
/// ```
/// A face ≥ k is skipped together with the pairs it belongs to. Under
/// independent rolls, [`independence`] of this table is a test of serial
/// dependence (a Markov-chain test of order 0 against order 1; Anderson &
/// Goodman 1957).
pub fn pair_table(faces: &[usize], k: usize) -> Vec<Vec<u64>> {
    let mut table = vec![vec![0u64; k]; k];
    for pair in faces.windows(2) {
        if pair[0] < k && pair[1] < k {
            table[pair[0]][pair[1]] += 1;
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::stats::testing::rel;

    #[test]
    fn two_by_two_closed_form() {
        // X² = N(ad − bc)²/((a+b)(c+d)(a+c)(b+d)) = 39·145²/(17·22·19·20)
        // = 5.769596115958345 (mpmath); p from mpmath 0.01630578158465017
        // (tests/golden/stats.json). Tolerance 1e-15 / 1e-14 relative.
        let r = independence(&[vec![12, 5], vec![7, 15]]).unwrap();
        assert!(rel(r.statistic, 5.769596115958345) < 1e-15);
        assert_eq!(r.df, 1);
        assert!(rel(r.p_value, 0.01630578158465017) < 1e-14);
    }

    #[test]
    fn zero_rows_and_columns_are_dropped() {
        // The middle row and column are empty: the test is the 2×2 [[3,4],[2,9]].
        let with_zeros = independence(&[vec![3, 0, 4], vec![0, 0, 0], vec![2, 0, 9]]).unwrap();
        let plain = independence(&[vec![3, 4], vec![2, 9]]).unwrap();
        assert_eq!(with_zeros, plain);
        // Too little left: None.
        assert_eq!(independence(&[vec![3, 4]]), None);
        assert_eq!(independence(&[vec![3, 0], vec![5, 0]]), None);
        assert_eq!(independence(&[]), None);
        assert_eq!(independence(&[vec![0, 0], vec![0, 0]]), None);
        // Ragged rows are padded with zeros.
        assert_eq!(independence(&[vec![3, 4], vec![2, 9, 0]]).unwrap(), plain);
    }

    #[test]
    fn independent_table_with_huge_counts_is_exactly_zero() {
        // Rows proportional: O = E exactly, so X² = 0 (a double computation of
        // O − E would leave rounding noise of order 1e17·1e-16).
        let r = independence(&[
            vec![100_000_000_000_000_000, 300_000_000_000_000_000],
            vec![200_000_000_000_000_000, 600_000_000_000_000_000],
        ])
        .unwrap();
        assert_eq!((r.statistic, r.p_value), (0.0, 1.0));
    }

    #[test]
    fn pair_table_counts_successive_rolls() {
        let t = pair_table(&[0, 1, 1, 2, 0, 1], 3);
        assert_eq!(t, vec![vec![0, 2, 0], vec![0, 1, 1], vec![1, 0, 0]]);
        // Out-of-range faces are skipped with their pairs; short input is empty.
        assert_eq!(pair_table(&[0, 7, 1], 2), vec![vec![0, 0], vec![0, 0]]);
        assert_eq!(pair_table(&[1], 2), vec![vec![0, 0], vec![0, 0]]);
    }
}
