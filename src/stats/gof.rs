//! Goodness of fit of counts to a null distribution: expected counts,
//! residuals, Pearson's X², the G-test and the Cressie–Read power
//! divergence family.
//!
//! Notation: counts n_k (k = 1..K), N = Σ n_k, null probabilities p0_k,
//! expected counts E_k = N·p0_k. Preconditions shared by every function:
//! `counts` and `null` have the same length (extra entries of the longer
//! one are ignored), the null is finite, non-negative and sums to 1.
//!
//! Accuracy. The deviation O − E of each face is computed exactly (N·p0_k
//! is formed in 128-bit integer arithmetic from the binary expansion of
//! p0_k) and every statistic is summed from non-negative, cancellation-free
//! terms, so the results stay accurate to a few ulps even for N = 10^18
//! when the counts fit the null closely. The G and power-divergence
//! statistics are written in their deviance forms (e.g. G = 2 Σ E φ(O/E),
//! φ(r) = r ln r − r + 1), which equal the textbook sums exactly when
//! Σ p0 = 1 and ignore the N·(1 − Σ p0) that the rounding of p0 to doubles
//! would otherwise add (visible only for N ≳ 10^13).
//!
//! Faces with p0_k = 0: their expected count is 0 and they are not
//! categories of the null, so df = K' − 1 with K' the number of faces with
//! p0_k > 0 (df = K − 1 when every p0_k > 0). A zero-probability face with
//! a zero count contributes nothing; one with a positive count makes the
//! null impossible (callers reject this as a usage error): its residuals
//! are reported as 0 and every statistic as `f64::MAX` with p-value 0.

use super::special::{expm1mx_over_x, log1pmx};
use super::TestResult;

/// One face: observed count, expected count and their exact difference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cell {
    /// n_k as a double.
    pub observed: f64,
    /// E_k = N·p0_k.
    pub expected: f64,
    /// n_k − E_k, correctly rounded up to a few ulps.
    pub diff: f64,
    /// p0_k.
    pub null: f64,
}

impl Cell {
    /// The relative deviation t = (O − E)/E (requires E > 0).
    fn t(&self) -> f64 {
        self.diff / self.expected
    }
}

/// x·2^e for an integer-valued x (exact unless the result is subnormal).
fn scale_pow2(x: f64, e: i32) -> f64 {
    let mut x = x;
    let mut e = e;
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    x * 2f64.powi(e)
}

/// Writes a positive finite double as m·2^e with an odd (or zero) integer m.
fn decompose(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (mut m, mut e) = if exp_bits == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp_bits - 1075)
    };
    if m != 0 {
        let shift = m.trailing_zeros();
        m >>= shift;
        e += shift as i32;
    }
    (m, e)
}

/// Expected count N·p and the difference n − N·p, the latter exact before
/// its final rounding.
///
/// ```text
/// p = m·2^e  ⇒  N·p = (N·m)·2^e = q + f,  q = ⌊N·m / 2^{−e}⌋,  0 ≤ f < 1
/// n − N·p = (n − q) − f       (n − q an exact integer)
/// ```
fn expected_and_diff(n: u64, total: u128, p: f64) -> (f64, f64) {
    if p.is_nan() || p <= 0.0 || !p.is_finite() {
        return (0.0, n as f64);
    }
    let floating = || {
        let e = total as f64 * p;
        (e, n as f64 - e)
    };
    let (m, e) = decompose(p);
    if e >= 0 {
        return floating();
    }
    let shift = (-e) as u32;
    let Some(product) = total.checked_mul(u128::from(m)) else {
        return floating();
    };
    let (whole, frac) = if shift >= 128 {
        (0u128, scale_pow2(product as f64, -(shift as i32)))
    } else {
        let whole = product >> shift;
        let rem = product & ((1u128 << shift) - 1);
        (whole, scale_pow2(rem as f64, -(shift as i32)))
    };
    let Ok(whole_signed) = i128::try_from(whole) else {
        return floating();
    };
    let diff = (i128::from(n) - whole_signed) as f64 - frac;
    (whole as f64 + frac, diff)
}

/// The per-face cells of a goodness-of-fit problem.
pub(crate) fn cells(counts: &[u64], null: &[f64]) -> Vec<Cell> {
    let total: u128 = counts.iter().map(|&c| u128::from(c)).sum();
    counts
        .iter()
        .zip(null)
        .map(|(&n, &p)| {
            let (expected, diff) = expected_and_diff(n, total, p);
            Cell {
                observed: n as f64,
                expected,
                diff,
                null: p,
            }
        })
        .collect()
}

/// Degrees of freedom: the number of faces with p0 > 0, less one.
fn degrees_of_freedom(cells: &[Cell]) -> u64 {
    (cells.iter().filter(|c| c.null > 0.0).count() as u64).saturating_sub(1)
}

/// Whether some face has a positive count but zero null probability.
fn impossible(cells: &[Cell]) -> bool {
    cells.iter().any(|c| c.expected <= 0.0 && c.observed > 0.0)
}

/// φ(r) = r ln r − r + 1 at r = O/E (≥ 0, 0 only at r = 1).
///
/// ```text
/// φ(1 + t) = log1pmx(t) + t·ln(1 + t)      (|t| ≤ ½, no cancellation)
/// φ(r)     = r ln r − t                   (otherwise),  φ(0) = 1
/// ```
pub(crate) fn phi(cell: &Cell) -> f64 {
    if cell.observed == 0.0 {
        return 1.0;
    }
    let t = cell.t();
    if t.abs() <= 0.5 {
        log1pmx(t) + t * t.ln_1p()
    } else {
        let r = cell.observed / cell.expected;
        r * r.ln() - t
    }
}

/// Expected counts E_k = N·p0_k.
///
/// ```text
/// E_k = N · p0_k,   N = Σ n_k
/// ```
pub fn expected(counts: &[u64], null: &[f64]) -> Vec<f64> {
    cells(counts, null).iter().map(|c| c.expected).collect()
}

/// Pearson residuals (O − E)/√E, the signed square roots of the terms of X².
///
/// ```text
/// r_k = (n_k − E_k) / √E_k          (0 where E_k = 0)
/// ```
/// As R's `chisq.test(...)$residuals`.
pub fn residuals(counts: &[u64], null: &[f64]) -> Vec<f64> {
    cells(counts, null)
        .iter()
        .map(|c| {
            if c.expected > 0.0 {
                c.diff / c.expected.sqrt()
            } else {
                0.0
            }
        })
        .collect()
}

/// Standardised residuals, approximately N(0, 1) under the null.
///
/// ```text
/// s_k = (n_k − E_k) / √(N p0_k (1 − p0_k))      (0 where the variance is 0)
/// ```
/// As R's `chisq.test(x, p = p0)$stdres` (Agresti 2007, §2.4.5).
pub fn std_residuals(counts: &[u64], null: &[f64]) -> Vec<f64> {
    cells(counts, null)
        .iter()
        .map(|c| {
            let variance = c.expected * (1.0 - c.null);
            if variance > 0.0 {
                c.diff / variance.sqrt()
            } else {
                0.0
            }
        })
        .collect()
}

/// Clamps an overflowing statistic to `f64::MAX` and builds the result.
fn result(statistic: f64, cells: &[Cell]) -> TestResult {
    let statistic = if impossible(cells) || !statistic.is_finite() {
        f64::MAX
    } else {
        statistic
    };
    TestResult::chi2(statistic, degrees_of_freedom(cells))
}

/// Pearson's χ² goodness-of-fit test.
///
/// ```text
/// X² = Σ_k (n_k − E_k)² / E_k,   df = K − 1,   p = P(χ²_df ≥ X²)
/// ```
/// As `scipy.stats.chisquare(counts, N·p0)` (Pearson 1900).
pub fn pearson(counts: &[u64], null: &[f64]) -> TestResult {
    let cells = cells(counts, null);
    let statistic = pearson_statistic(&cells);
    result(statistic, &cells)
}

fn pearson_statistic(cells: &[Cell]) -> f64 {
    cells
        .iter()
        .filter(|c| c.expected > 0.0)
        .map(|c| c.diff * (c.diff / c.expected))
        .sum()
}

/// The G-test (likelihood-ratio test) of goodness of fit.
///
/// ```text
/// G = 2 Σ_k n_k ln(n_k / E_k) = 2 Σ_k E_k φ(n_k/E_k),  φ(r) = r ln r − r + 1,
/// df = K − 1,   p = P(χ²_df ≥ G)
/// ```
/// Faces with n_k = 0 contribute 0 to the first sum (E_k to the second,
/// whose terms are all ≥ 0). As `scipy.stats.power_divergence(...,
/// lambda_=0)` (Sokal & Rohlf, Biometry, §17.1).
pub fn g_test(counts: &[u64], null: &[f64]) -> TestResult {
    let cells = cells(counts, null);
    let statistic = g_statistic(&cells);
    result(statistic, &cells)
}

/// G = 2 Σ E φ(O/E) over faces with E > 0.
pub(crate) fn g_statistic(cells: &[Cell]) -> f64 {
    2.0 * cells
        .iter()
        .filter(|c| c.expected > 0.0)
        .map(|c| c.expected * phi(c))
        .sum::<f64>()
}

/// The Cressie–Read power-divergence test with parameter λ.
///
/// ```text
/// 2nI^λ = 2/(λ(λ+1)) Σ_k n_k [(n_k/E_k)^λ − 1]
///       = 2 Σ_k E_k ψ_λ(n_k/E_k),   ψ_λ(r) = (r^{λ+1} − 1 − (λ+1)(r − 1)) / (λ(λ+1))
/// λ = 1: Pearson's X²;  λ = 0: G;  λ = −1: modified G = 2 Σ E ln(E/O);
/// λ = −½: Freeman–Tukey;  λ = ⅔: Cressie–Read's recommendation
/// ```
/// with df = K − 1, exactly as `scipy.stats.power_divergence(counts, N·p0,
/// lambda_=λ)` (Cressie & Read 1984). ψ_λ is evaluated without
/// cancellation for every λ: with L = ln r and g(z) = (eᶻ − 1 − z)/z,
/// ```text
/// λ ≥ −½:  ψ_λ = [φ(r) + r·L·g(λL)] / (λ + 1)
/// λ < −½:  ψ_λ = [(r − 1 − L) − L·g((λ+1)L)] / (−λ)
/// ```
/// and ψ_λ(0) = 1/(λ + 1) for λ > −1.
///
/// # Errors
/// When λ is not finite, or λ ≤ −1 while some face with E_k > 0 has
/// n_k = 0 (the statistic is then infinite).
pub fn power_divergence(counts: &[u64], null: &[f64], lambda: f64) -> Result<TestResult, String> {
    if !lambda.is_finite() {
        return Err(format!(
            "the power-divergence parameter λ must be finite, got {lambda}"
        ));
    }
    let cells = cells(counts, null);
    if lambda == 1.0 {
        return Ok(result(pearson_statistic(&cells), &cells));
    }
    if lambda == 0.0 {
        return Ok(result(g_statistic(&cells), &cells));
    }
    if lambda <= -1.0 && cells.iter().any(|c| c.expected > 0.0 && c.observed == 0.0) {
        // −1e300 in Rust's plain form is a 301-digit number.
        let shown = if lambda.abs() < 1e6 {
            lambda.to_string()
        } else {
            format!("{lambda:e}")
        };
        return Err(format!(
            "the power divergence with λ = {shown} (λ ≤ −1) is infinite when a face has a zero count; \
             use λ > −1 (e.g. 0 for the G-test or ⅔ for Cressie–Read) or remove the empty faces"
        ));
    }
    let statistic = 2.0
        * cells
            .iter()
            .filter(|c| c.expected > 0.0)
            .map(|c| c.expected * psi(c, lambda))
            .sum::<f64>();
    Ok(result(statistic, &cells))
}

/// ψ_λ(O/E) for λ ∉ {0, 1}; see [`power_divergence`].
fn psi(cell: &Cell, lambda: f64) -> f64 {
    if cell.observed == 0.0 {
        return 1.0 / (lambda + 1.0);
    }
    let t = cell.t();
    let ln_r = if t.abs() <= 0.5 {
        t.ln_1p()
    } else {
        (cell.observed / cell.expected).ln()
    };
    if lambda >= -0.5 {
        let r = cell.observed / cell.expected;
        (phi(cell) + r * ln_r * expm1mx_over_x(lambda * ln_r)) / (lambda + 1.0)
    } else {
        let r_minus_1_minus_ln = if t.abs() <= 0.5 {
            -log1pmx(t)
        } else {
            t - ln_r
        };
        (r_minus_1_minus_ln - ln_r * expm1mx_over_x((lambda + 1.0) * ln_r)) / -lambda
    }
}

/// Whether some expected count is below 5, the usual rule of thumb under
/// which the χ² approximation to X² and G is doubtful (Cochran 1954).
///
/// ```text
/// small = ∃k with p0_k > 0 and E_k < 5
/// ```
pub fn small_expected(counts: &[u64], null: &[f64]) -> bool {
    cells(counts, null)
        .iter()
        .any(|c| c.null > 0.0 && c.expected < 5.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::stats::testing::rel;

    const COIN: [u64; 2] = [7, 3];
    const FAIR: [f64; 2] = [0.5, 0.5];

    #[test]
    fn coin_statistics_in_closed_form() {
        // X² = (2² + 2²)/5 = 1.6; G = 2(7 ln 1.4 + 3 ln 0.6); df = 1.
        // Tolerance 1e-15 relative.
        let x2 = pearson(&COIN, &FAIR);
        assert!(rel(x2.statistic, 1.6) < 1e-15);
        assert_eq!(x2.df, 1);
        let g = g_test(&COIN, &FAIR);
        let want = 2.0 * (7.0 * 1.4f64.ln() + 3.0 * 0.6f64.ln());
        assert!(rel(g.statistic, want) < 1e-15);
        // p-values: mpmath gammainc(½, X²/2, ∞) at 30 digits (SciPy's 1.17
        // values are 2e-15 off); tolerance 1e-15 relative.
        assert!(rel(x2.p_value, 0.2059032107320683) < 1e-15);
        assert!(rel(g.p_value, 0.19955099099366055) < 1e-15);
        assert!(rel(x2.log10_p_value, 0.2059032107320683_f64.log10()) < 1e-15);
    }

    #[test]
    fn power_divergence_matches_scipy_and_special_cases() {
        // scipy.stats.power_divergence([7, 3], [5, 5], lambda_=λ) (SciPy 1.17);
        // tolerance 1e-14 relative (SciPy's own rounding at λ = 2 is 5e-16).
        let cases = [
            (1.0, 1.6),
            (0.0, 1.645657570101036),
            (-1.0, 1.7435338714477777),
            (2.0 / 3.0, 1.6099031279527198),
            (-0.5, 1.6874949655437366),
            (2.0, 1.5999999999999992),
            (-2.0, 1.9047619047619055),
        ];
        for (lambda, want) in cases {
            let r = power_divergence(&COIN, &FAIR, lambda).unwrap();
            assert!(
                rel(r.statistic, want) < 1e-14,
                "λ = {lambda}: {}",
                r.statistic
            );
        }
        // λ = 1 is Pearson and λ = 0 is G exactly; λ near 0 and near −1 are
        // continuous (the stable forms avoid 0/0): within 1e-6 relative of the
        // limits at |Δλ| = 1e-9.
        assert_eq!(
            power_divergence(&COIN, &FAIR, 1.0).unwrap(),
            pearson(&COIN, &FAIR)
        );
        assert_eq!(
            power_divergence(&COIN, &FAIR, 0.0).unwrap(),
            g_test(&COIN, &FAIR)
        );
        let near0 = power_divergence(&COIN, &FAIR, 1e-9).unwrap().statistic;
        assert!(rel(near0, 1.645657570101036) < 1e-6);
        let near_m1 = power_divergence(&COIN, &FAIR, -1.0 + 1e-9)
            .unwrap()
            .statistic;
        assert!(rel(near_m1, 1.7435338714477777) < 1e-6);
    }

    #[test]
    fn power_divergence_with_zero_counts() {
        // Zero cells contribute their limit 2E/(λ+1) for λ > −1; reference: the
        // Cressie–Read sum in mpmath at 40 digits; tolerance 1e-14 relative.
        let counts = [10, 0, 5, 5, 6, 4];
        let null = [1.0 / 6.0; 6];
        for (lambda, want) in [
            (-0.5, 23.836565264666273),
            (2.0 / 3.0, 10.973817777017546),
            (0.5, 11.44670687411362),
        ] {
            let r = power_divergence(&counts, &null, lambda).unwrap();
            assert!(
                rel(r.statistic, want) < 1e-14,
                "λ = {lambda}: {}",
                r.statistic
            );
        }
        assert!(power_divergence(&counts, &null, -1.0).is_err());
        assert!(power_divergence(&counts, &null, -2.5).is_err());
        assert!(power_divergence(&counts, &null, f64::NAN).is_err());
    }

    #[test]
    fn residuals_in_closed_form() {
        // (7 − 5)/√5 and (7 − 5)/√(10·½·½) = 2/√2.5; tolerance 1e-15 relative.
        let r = residuals(&COIN, &FAIR);
        assert!(rel(r[0], 2.0 / 5f64.sqrt()) < 1e-15 && rel(r[1], -2.0 / 5f64.sqrt()) < 1e-15);
        let s = std_residuals(&COIN, &FAIR);
        assert!(rel(s[0], 2.0 / 2.5f64.sqrt()) < 1e-15 && rel(s[1], -2.0 / 2.5f64.sqrt()) < 1e-15);
        assert_eq!(expected(&COIN, &FAIR), vec![5.0, 5.0]);
    }

    #[test]
    fn deviations_are_exact_for_huge_counts() {
        // N = 6e17, n = 1e17, p0 = the double nearest 1/6 (6004799503160661/2⁵⁵):
        // n − N·p0 = 5.551115123125783 exactly rounded (Python Fractions).
        // A double subtraction would lose everything (E ≈ 1e17 has ulp 16).
        let counts = [100_000_000_000_000_000u64; 6];
        let c = cells(&counts, &[1.0 / 6.0; 6]);
        assert_eq!(c[0].diff, 5.551115123125783);
        // And X² = 6·d²/E: 6 × 5.55²/1e17; tolerance 1e-14 relative.
        let x2 = pearson(&counts, &[1.0 / 6.0; 6]).statistic;
        assert!(
            rel(x2, 6.0 * 5.551115123125783f64.powi(2) / 1e17) < 1e-14,
            "{x2}"
        );
    }

    #[test]
    fn statistics_are_small_and_accurate_when_the_fit_is_close() {
        // counts = E + (2, −2) at N = 2e15 with p0 = (½, ½): X² = 2·4/1e15,
        // G = X²(1 + O(t)), t = 2e-15. Tolerance 1e-12 relative.
        let counts = [1_000_000_000_000_002u64, 999_999_999_999_998];
        let x2 = pearson(&counts, &FAIR).statistic;
        let g = g_test(&counts, &FAIR).statistic;
        assert!(rel(x2, 8e-15) < 1e-12, "{x2}");
        assert!(rel(g, 8e-15) < 1e-12, "{g}");
        assert!(
            rel(
                power_divergence(&counts, &FAIR, -0.5).unwrap().statistic,
                8e-15
            ) < 1e-12
        );
    }

    #[test]
    fn zero_probability_faces() {
        // A zero-probability face with zero count is not a category: df = 1.
        let r = pearson(&[7, 3, 0], &[0.5, 0.5, 0.0]);
        assert_eq!((r.statistic, r.df), (1.6, 1));
        // With a positive count the null is impossible: MAX statistic, p = 0.
        let r = g_test(&[7, 3, 1], &[0.5, 0.5, 0.0]);
        assert_eq!((r.statistic, r.p_value), (f64::MAX, 0.0));
        assert!(r.log10_p_value.is_finite());
        assert_eq!(residuals(&[7, 3, 1], &[0.5, 0.5, 0.0])[2], 0.0);
        assert_eq!(std_residuals(&[7, 3, 1], &[0.5, 0.5, 0.0])[2], 0.0);
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        // K = 1: df = 0, statistic 0, p = 1.
        let r = pearson(&[12], &[1.0]);
        assert_eq!(
            (r.statistic, r.df, r.p_value, r.log10_p_value),
            (0.0, 0, 1.0, 0.0)
        );
        // N = 0.
        let r = g_test(&[0, 0], &FAIR);
        assert_eq!((r.statistic, r.p_value), (0.0, 1.0));
        // Empty.
        assert_eq!(pearson(&[], &[]).df, 0);
        // Absurdly small null probability: X² overflows and is clamped.
        let r = pearson(&[1_000_000_000_000_000_000, 1], &[1.0, 1e-300]);
        assert!(r.statistic.is_finite() && r.log10_p_value.is_finite());
    }

    #[test]
    fn small_expected_rule() {
        assert!(small_expected(&[3, 5], &FAIR));
        assert!(!small_expected(&[5, 5], &FAIR));
        assert!(!small_expected(&[10, 10, 0], &[0.5, 0.5, 0.0]));
    }
}
