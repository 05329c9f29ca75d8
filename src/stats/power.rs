//! How many rolls a goodness-of-fit test needs: the power of Pearson's χ²
//! test against an alternative die, through the noncentral χ² (Cohen 1988,
//! ch. 7; as R's `pwr.chisq.test` and statsmodels' `GofChisquarePower`).
//!
//! - [`cohen_w`]: the effect size w of an alternative against the null;
//! - [`PearsonPower`]: the power at N rolls, the real N that reaches a
//!   power and the smallest integer one (`diceml plan`);
//! - [`rolls_to_detect`]: the rolls for one face 10% off (`fit`'s
//!   `rolls_for_10pct_bias`);
//! - [`noncentral_chi2_sf`], [`noncentrality_for_power`]: the noncentral χ²
//!   underneath.

use super::dist::{chi2_quantile_upper, chi2_sf};
use super::special::{log1pmx, stirlerr, LN_SQRT_2PI};
use crate::tolerance::{
    NEGLIGIBLE, NONCENTRAL_CERTAIN_NATS, POISSON_MIXTURE_MAX_TERMS, POWER_BISECTION_REL,
    ROLLS_BRACKET_REL, TINY,
};

/// P(X > x) for X ~ χ²(df, λ), noncentral, as the Poisson mixture of
/// central survival functions:
///
/// ```text
/// P(X > x) = Σ_{j≥0} e^{−λ/2} (λ/2)^j / j! · Q(df/2 + j, x/2)
/// ```
///
/// The terms are summed outward from the Poisson mode until they fall
/// below 1e-17 of the total. The Poisson weights come from Loader's
/// saddle-point form (e^{−stirlerr(j) − bd0(j, λ/2)}/√(2πj), no ln Γ of a
/// large j to cancel), so they keep about 1e-14 relative at any λ.
///
/// Where Birgé's bound (2001, Lemma 8.1) shows the lower tail below e^{−40}
/// ≈ 4e-18, under half an ulp of 1, the answer is 1 without summing:
///
/// ```text
/// P(X ≤ df + λ − 2√((df + 2λ)·t)) ≤ e^{−t}
/// ```
///
/// so a huge λ (a power at 10^12 rolls) costs nothing. The mixture is
/// left with λ below about x + 20√x, where its few thousand terms suffice.
pub fn noncentral_chi2_sf(x: f64, df: f64, lambda: f64) -> f64 {
    if lambda <= 0.0 {
        return chi2_sf(x, df);
    }
    let spread = 2.0 * ((df + 2.0 * lambda) * NONCENTRAL_CERTAIN_NATS).sqrt();
    if x <= df + lambda - spread {
        return 1.0;
    }
    let half = lambda / 2.0;
    let weight = |j: f64| poisson_pmf(j, half);
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

/// The Poisson probability P(J = j) for J ~ Poisson(μ), j a whole number,
/// in Loader's (2000) saddle-point form:
///
/// ```text
/// P(J = j) = e^{−stirlerr(j) − bd0(j, μ)} / √(2πj),   j ≥ 1
/// bd0(j, μ) = j ln(j/μ) + μ − j = −j · log1pmx((μ − j)/j)
/// P(J = 0) = e^{−μ}
/// ```
fn poisson_pmf(j: f64, mean: f64) -> f64 {
    if j == 0.0 {
        return (-mean).exp();
    }
    let bd0 = -j * log1pmx((mean - j) / j);
    (-stirlerr(j) - bd0 - LN_SQRT_2PI - 0.5 * j.ln()).exp()
}

/// The noncentrality λ at which Pearson's test at level `alpha` with `df`
/// degrees of freedom has the given `power` (bisection to 1e-10 relative).
/// The power rises with λ (see [`PearsonPower`]), so the root is unique;
/// for `power` ≤ `alpha` it is 0.
pub fn noncentrality_for_power(df: f64, alpha: f64, power: f64) -> f64 {
    let critical = chi2_quantile_upper(alpha, df);
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

/// The degrees of freedom of Pearson's test against `null`: the faces the
/// null allows (p0 > 0), less one (as `stats::gof` counts them; 0 for a
/// null with one possible face).
pub fn pearson_df(null: &[f64]) -> usize {
    null.iter().filter(|&&p| p > 0.0).count().saturating_sub(1)
}

/// Cohen's effect size w of the die `alternative` against the die `null`
/// (the same faces, each summing to 1):
///
/// ```text
/// w² = Σ_{k: p0_k > 0} (p1_k − p0_k)² / p0_k
/// ```
///
/// statsmodels' `chisquare_effectsize(p0, p1)`. A face the null forbids
/// adds nothing when the alternative forbids it too; `None` when the
/// alternative gives it a positive probability (w would be infinite: one
/// roll of that face makes X² infinite), or when the lengths differ.
pub fn cohen_w(null: &[f64], alternative: &[f64]) -> Option<f64> {
    if null.len() != alternative.len() {
        return None;
    }
    let mut w2 = 0.0;
    for (&p0, &p1) in null.iter().zip(alternative) {
        if p0 > 0.0 {
            w2 += (p1 - p0) * (p1 - p0) / p0;
        } else if p1 > 0.0 {
            return None;
        }
    }
    Some(w2.sqrt())
}

/// The power of Pearson's χ² test at level α with df degrees of freedom
/// against an alternative of effect size w, as a function of the rolls N.
///
/// Under the alternative X² is approximately noncentral χ² (Cohen 1988,
/// ch. 7). It is the law of X² under alternatives that approach the null
/// like 1/√N; against a fixed die it is an approximation (docs/statistics.md
/// §9 compares it with simulation):
///
/// ```text
/// power(N) = P(χ²(df, λ) > χ²_{1−α}(df)),   λ = N·w²
/// ```
///
/// power(0) = α, and power rises with N: the noncentral χ² is a Poisson(λ/2)
/// mixture of χ²(df + 2j), a larger λ moves the Poisson's mass to larger j
/// (it is stochastically increasing in its mean), and a χ² with more degrees
/// of freedom exceeds any x with a larger probability. So N ↦ power(N) is
/// increasing, λ* (the λ that gives a power) is unique, and the real N is
/// λ*/w².
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PearsonPower {
    df: f64,
    alpha: f64,
    critical: f64,
    w2: f64,
}

impl PearsonPower {
    /// The power function of the test with `df` ≥ 1 degrees of freedom at
    /// level `alpha` ∈ (0, 1) against effect size `w` > 0.
    pub fn new(df: usize, alpha: f64, w: f64) -> Self {
        let df = df as f64;
        PearsonPower {
            df,
            alpha,
            critical: chi2_quantile_upper(alpha, df),
            w2: w * w,
        }
    }

    /// The power at `rolls` N (a real number ≥ 0).
    pub fn at(&self, rolls: f64) -> f64 {
        noncentral_chi2_sf(self.critical, self.df, rolls * self.w2)
    }

    /// The real N with power(N) = `power` (α < power < 1): λ*/w², to about
    /// 1e-10 relative (the bisection of [`noncentrality_for_power`]).
    pub fn rolls_real(&self, power: f64) -> f64 {
        noncentrality_for_power(self.df, self.alpha, power) / self.w2
    }

    /// The smallest whole N ≥ 1 with power(N) ≥ `power`, given the real
    /// solution `real` ([`PearsonPower::rolls_real`]): a bisection over the
    /// integers inside a bracket around `real` of ±1e-9 relative (widened
    /// by doubling until it holds the answer), so it costs a few dozen
    /// evaluations at any N. Beyond about 10^13 rolls the power moves by
    /// less than its own rounding from one roll to the next, and the answer
    /// is as exact as the power is.
    pub fn smallest_rolls(&self, power: f64, real: f64) -> f64 {
        let reaches = |n: f64| self.at(n) >= power;
        let mut step = (real * ROLLS_BRACKET_REL).ceil().max(1.0);
        let mut hi = real.ceil().max(1.0);
        while !reaches(hi) {
            hi += step;
            step *= 2.0;
        }
        // lo = 0 never reaches it: power(0) = α < power.
        let mut lo = (hi - step).max(0.0);
        while lo > 0.0 && reaches(lo) {
            hi = lo;
            step *= 2.0;
            lo = (lo - step).max(0.0);
        }
        while hi - lo > 1.0 {
            let mid = (0.5 * (lo + hi)).floor();
            if reaches(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    }
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
    let df = pearson_df(null);
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

    /// mpmath at 40 digits, e^{−μ + j ln μ − ln Γ(j+1)}; 1e-13 relative
    /// (SciPy's `poisson.pmf(500000, 500123.5)` is 2.4e-11 off).
    #[test]
    fn poisson_weights_match_mpmath_at_any_mean() {
        let cases = [
            (0.0, 3.5, (-3.5f64).exp()),
            (7.0, 3.5, 0.038_549_174_937_634),
            (1234.0, 1200.25, 0.007_096_606_467_736_732),
            (500_000.0, 500_123.5, 0.000_555_651_017_302_238_1),
        ];
        for (j, mean, want) in cases {
            let got = poisson_pmf(j, mean);
            assert!((got - want).abs() < 1e-13 * want, "j={j}: {got} vs {want}");
        }
    }

    /// The mixture at large df and λ against mpmath (the mixture summed at
    /// 40 digits, 800 terms around the mode): 1e-12 relative.
    #[test]
    fn noncentral_survival_matches_mpmath_at_large_df() {
        let cases = [
            (11.070497693516355, 5.0, 30.0, 0.995_588_772_095_59),
            (
                1002326.3096181314,
                999_999.0,
                5000.0,
                0.970_061_441_943_819_6,
            ),
        ];
        for (x, df, lambda, want) in cases {
            let got = noncentral_chi2_sf(x, df, lambda);
            assert!((got - want).abs() < 1e-12 * want, "{got} vs {want}");
        }
    }

    /// With one degree of freedom χ²(1, λ) = (Z + √λ)², so
    /// P(X > x) = Φ(√λ − √x) + Φ(−√λ − √x): a closed form independent of
    /// the mixture (Φ(−|z|) = ½ Q(½, z²/2), the central χ²(1) tail, which
    /// `stats::dist` checks against mpmath; statrs's erfc is 4e-11 off
    /// here). 1e-13 absolute; where Birgé's bound answers 1 the closed form
    /// is within 1e-17 of it.
    #[test]
    fn one_degree_of_freedom_is_a_shifted_normal() {
        let phi = |z: f64| {
            let tail = 0.5 * chi2_sf(z * z, 1.0);
            if z < 0.0 {
                tail
            } else {
                1.0 - tail
            }
        };
        for x in [0.5f64, 3.841458820694124, 10.0] {
            for lambda in [0.01f64, 1.0, 7.85, 30.0, 200.0, 5000.0] {
                let want = phi(lambda.sqrt() - f64::sqrt(x)) + phi(-lambda.sqrt() - f64::sqrt(x));
                let got = noncentral_chi2_sf(x, 1.0, lambda);
                assert!(
                    (got - want).abs() < 1e-13,
                    "x={x} λ={lambda}: {got} vs {want}"
                );
            }
        }
    }

    /// Birgé's shortcut answers only where the mixture would give 1 too.
    #[test]
    fn the_certain_region_agrees_with_the_mixture() {
        for (df, lambda) in [(5.0, 1000.0), (19.0, 500.0), (1.0, 300.0)] {
            let x = chi2_quantile_upper(0.05, df);
            assert_eq!(noncentral_chi2_sf(x, df, lambda), 1.0);
            // Just inside the summed region the mixture already gives 1.
            let spread = 2.0 * ((df + 2.0 * lambda) * NONCENTRAL_CERTAIN_NATS).sqrt();
            let edge = df + lambda - spread;
            if edge > 0.0 {
                assert!(noncentral_chi2_sf(edge * 1.01, df, lambda) > 1.0 - 1e-15);
            }
        }
        // A huge λ (10^15 rolls of a small bias) returns at once.
        assert_eq!(noncentral_chi2_sf(11.07, 5.0, 1e15), 1.0);
    }

    /// statsmodels 0.15.0 `chisquare_effectsize(p0, p1)`; 1e-15 relative.
    #[test]
    fn cohen_w_matches_statsmodels() {
        let fair = [1.0 / 6.0; 6];
        let loaded = [0.25, 0.15, 0.15, 0.15, 0.15, 0.15];
        let w = cohen_w(&fair, &loaded).unwrap();
        assert!((w - 0.22360679774997896).abs() < 1e-15, "{w}");
        let w = cohen_w(&[0.1, 0.2, 0.3, 0.4], &[0.25; 4]).unwrap();
        assert!((w - 0.5496210815947049).abs() < 1e-15, "{w}");
        // A face the null forbids: nothing if the alternative forbids it too.
        let w0 = cohen_w(&[0.5, 0.5, 0.0], &[0.6, 0.4, 0.0]).unwrap();
        assert!((w0 - 0.2).abs() < 1e-15, "{w0}");
        assert_eq!(cohen_w(&[0.5, 0.5, 0.0], &[0.5, 0.4, 0.1]), None);
        assert_eq!(cohen_w(&[0.5, 0.5], &[1.0]), None);
        assert_eq!(pearson_df(&[0.5, 0.5, 0.0]), 1);
        assert_eq!(pearson_df(&[1.0, 0.0]), 0);
    }

    /// power(0) = α; the power rises with N; the smallest whole N reaches
    /// the target and N − 1 does not.
    #[test]
    fn the_smallest_whole_number_of_rolls_reaches_the_power() {
        for (df, w, alpha, target) in [
            (5, 0.2236, 0.05, 0.8),
            (19, 0.02, 0.01, 0.9),
            (1, 3.0, 0.05, 0.8),
            (2, 1e-4, 0.05, 0.5),
        ] {
            let curve = PearsonPower::new(df, alpha, w);
            assert!((curve.at(0.0) - alpha).abs() < 1e-14 * alpha.max(1.0));
            let real = curve.rolls_real(target);
            assert!((curve.at(real) - target).abs() < 1e-9, "{}", curve.at(real));
            let n = curve.smallest_rolls(target, real);
            assert!(curve.at(n) >= target);
            assert!(n == 1.0 || curve.at(n - 1.0) < target, "df={df}: {n}");
            assert!(n >= 1.0 && n - real < 1.0 + 1e-9 * real, "{n} vs {real}");
            let powers: Vec<f64> = (0..50).map(|i| curve.at(real * i as f64 / 25.0)).collect();
            assert!(powers.windows(2).all(|p| p[0] <= p[1]), "{powers:?}");
        }
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
