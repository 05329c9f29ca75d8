//! How many rolls a goodness-of-fit test needs: the power of Pearson's χ²
//! test against a die with one face off, through the noncentral χ².

use super::dist::{chi2_quantile, chi2_sf};
use crate::tolerance::{NEGLIGIBLE, POISSON_MIXTURE_MAX_TERMS, POWER_BISECTION_REL, TINY};

/// P(X > x) for X ~ χ²(df, λ), noncentral, as the Poisson mixture of
/// central survival functions:
///
/// ```text
/// P(X > x) = Σ_{j≥0} e^{−λ/2} (λ/2)^j / j! · Q(df/2 + j, x/2)
/// ```
///
/// The terms are summed outward from the Poisson mode until they fall
/// below 1e-17 of the total (λ up to a few thousand).
pub fn noncentral_chi2_sf(x: f64, df: f64, lambda: f64) -> f64 {
    if lambda <= 0.0 {
        return chi2_sf(x, df);
    }
    let half = lambda / 2.0;
    let weight =
        |j: f64| (-half + j * half.ln() - statrs::function::gamma::ln_gamma(j + 1.0)).exp();
    let term = |j: f64| weight(j) * chi2_sf(x, df + 2.0 * j);
    let mode = half.floor();
    let mut total = term(mode);
    let mut j = mode + 1.0;
    loop {
        let t = term(j);
        total += t;
        if weight(j) < NEGLIGIBLE * total.max(TINY) || j > mode + POISSON_MIXTURE_MAX_TERMS {
            break;
        }
        j += 1.0;
    }
    let mut j = mode - 1.0;
    while j >= 0.0 {
        let t = term(j);
        total += t;
        if weight(j) < NEGLIGIBLE * total.max(TINY) {
            break;
        }
        j -= 1.0;
    }
    total.min(1.0)
}

/// The noncentrality λ at which Pearson's test at level `alpha` with `df`
/// degrees of freedom has the given `power` (bisection to 1e-10 relative).
pub fn noncentrality_for_power(df: f64, alpha: f64, power: f64) -> f64 {
    let critical = chi2_quantile(1.0 - alpha, df);
    let (mut lo, mut hi) = (0.0, 1.0);
    while noncentral_chi2_sf(critical, df, hi) < power {
        hi *= 2.0;
    }
    while hi - lo > POWER_BISECTION_REL * hi {
        let mid = 0.5 * (lo + hi);
        if noncentral_chi2_sf(critical, df, mid) < power {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// Rolls N at which Pearson's test (level `alpha`, `power`) detects a die
/// whose face `face` has probability p0_f·(1 + δ), the others scaled down
/// in proportion. The noncentrality per roll is
///
/// ```text
/// c = Σ_k (p1_k − p0_k)² / p0_k = p0_f δ² / (1 − p0_f),   N = λ* / c
/// ```
///
/// `None` for a one-faced die or a face with p0_f ∈ {0, 1}.
pub fn rolls_to_detect(
    null: &[f64],
    face: usize,
    delta: f64,
    alpha: f64,
    power: f64,
) -> Option<f64> {
    let p0 = *null.get(face)?;
    if null.len() < 2 || p0 <= 0.0 || p0 >= 1.0 || delta == 0.0 {
        return None;
    }
    let per_roll = p0 * delta * delta / (1.0 - p0);
    // The test's df counts only the faces the null allows (as gof does).
    let df = null.iter().filter(|&&x| x > 0.0).count() - 1;
    let lambda = noncentrality_for_power(df as f64, alpha, power);
    Some((lambda / per_roll).ceil())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SciPy 1.17.1 `scipy.stats.ncx2.sf(x, df, λ)`; 1e-12 relative.
    #[test]
    fn noncentral_survival_matches_scipy() {
        let cases = [
            (3.841, 7.85, 0.8000896903385835, 0.9571370361493392),
            (1.0, 0.5, 0.42870298961325404, 0.9698255174619134),
            (10.0, 2.0, 0.040228828653550416, 0.20772889456608998),
            (0.2, 20.0, 0.9999719371032877, 0.9999999470052306),
            (30.0, 5.0, 0.0005952267523894867, 0.0036297201341193106),
        ];
        for (x, lambda, df1, df5) in cases {
            for (df, want) in [(1.0, df1), (5.0, df5)] {
                let got = noncentral_chi2_sf(x, df, lambda);
                assert!(
                    (got - want).abs() < 1e-12 * want,
                    "x={x} df={df} λ={lambda}: {got} vs {want}"
                );
            }
        }
    }

    /// SciPy 1.17.1: `brentq(lambda l: ncx2.sf(chi2.isf(.05, df), df, l) - .8,
    /// .1, 100)` gives 7.848860509326201 (df = 1) and 12.827606572305422
    /// (df = 5), as in Cohen (1988, Table 7.4.15: 7.85, 12.83). The
    /// bisection stops at 1e-10 relative; 1e-8 allows for the quantile.
    #[test]
    fn noncentrality_matches_scipy_and_cohens_table() {
        let one = noncentrality_for_power(1.0, 0.05, 0.8);
        let five = noncentrality_for_power(5.0, 0.05, 0.8);
        assert!((one - 7.848860509326201).abs() < 1e-8 * one, "{one}");
        assert!((five - 12.827606572305422).abs() < 1e-8 * five, "{five}");
    }

    #[test]
    fn a_ten_percent_bias_on_a_d6_needs_thousands_of_rolls() {
        // c = (1/6)(0.01)/(5/6) = 0.002 per roll; λ* ≈ 12.83 → N ≈ 6,4xx.
        let n = rolls_to_detect(&[1.0 / 6.0; 6], 0, 0.1, 0.05, 0.8).unwrap();
        assert!((6_400.0..6_450.0).contains(&n), "{n}");
        assert_eq!(rolls_to_detect(&[1.0], 0, 0.1, 0.05, 0.8), None);
        // A face the null forbids does not count towards df: as a d5.
        let with_zero = rolls_to_detect(&[0.0, 0.2, 0.2, 0.2, 0.2, 0.2], 1, 0.1, 0.05, 0.8);
        assert_eq!(with_zero, rolls_to_detect(&[0.2; 5], 0, 0.1, 0.05, 0.8));
    }
}
