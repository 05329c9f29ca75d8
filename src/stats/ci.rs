//! Confidence intervals for the face probabilities: per-face binomial
//! intervals (Wilson, Clopper–Pearson, Jeffreys) and simultaneous
//! multinomial ones (Goodman, Sison–Glaz), each matching statsmodels.
//!
//! Conventions shared by every method: `level` is the confidence 1 − α in
//! (0, 1); an invalid level, or N = 0, gives the uninformative [0, 1] for
//! every face; every bound is clamped to [0, 1] and finite, for any N up to
//! 10^18.

use super::dist::{beta_quantile, beta_quantile_upper, normal_quantile};
use super::special::{gamma_tails_diff, log1pmx, stirlerr, LN_SQRT_2PI};

/// How to compute the intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiMethod {
    /// Wilson's score interval, per face.
    Wilson,
    /// Clopper–Pearson's exact (beta) interval, per face.
    ClopperPearson,
    /// Jeffreys' equal-tailed Beta(x+½, N−x+½) interval, per face.
    Jeffreys,
    /// Goodman's simultaneous intervals (Bonferroni-adjusted χ²).
    Goodman,
    /// Sison & Glaz's simultaneous intervals (Edgeworth expansion).
    SisonGlaz,
}

/// Serialised (JSON) as its name, as the command line spells it.
impl serde::Serialize for CiMethod {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl std::fmt::Display for CiMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl CiMethod {
    /// Whether the intervals hold jointly for all faces at the level
    /// (Goodman, Sison–Glaz) rather than for each face separately.
    pub fn simultaneous(self) -> bool {
        matches!(self, CiMethod::Goodman | CiMethod::SisonGlaz)
    }

    /// The method's name as used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            CiMethod::Wilson => "wilson",
            CiMethod::ClopperPearson => "clopper-pearson",
            CiMethod::Jeffreys => "jeffreys",
            CiMethod::Goodman => "goodman",
            CiMethod::SisonGlaz => "sison-glaz",
        }
    }
}

/// Confidence intervals for every face probability at confidence `level`.
///
/// With α = 1 − level, x = n_k, N = Σ n_k, p̂ = x/N:
/// ```text
/// Wilson:           {p : (p̂ − p)² ≤ z² p(1−p)/N},  z = Φ⁻¹(1 − α/2)
/// Clopper–Pearson:  [B⁻¹(α/2; x, N−x+1), B⁻¹(1−α/2; x+1, N−x)], 0 at x = 0, 1 at x = N
/// Jeffreys:         [B⁻¹(α/2; x+½, N−x+½), B⁻¹(1−α/2; x+½, N−x+½)]
/// Goodman:          Wilson's form with z² = χ²₁(1 − α/K)
/// Sison–Glaz:       [p̂ − c/N, p̂ + (c + 2γ)/N]
/// ```
/// matching statsmodels 0.15 `proportion_confint(x, N, alpha,
/// method="wilson" | "beta" | "jeffreys")` and
/// `multinomial_proportions_confint(counts, alpha, method="goodman" |
/// "sison-glaz")` (Wilson 1927; Clopper & Pearson 1934; Brown, Cai &
/// DasGupta 2001; Goodman 1965; Sison & Glaz 1995).
///
/// Jeffreys: like statsmodels, the plain equal-tailed interval with no
/// boundary rule, so at x = 0 the lower bound is a small positive number
/// and at x = N the upper bound is just below 1 (Brown, Cai & DasGupta's
/// modification, which sets them to 0 and 1, is not applied).
///
/// The Wilson and Goodman bounds are the two roots of
/// (N + z²)p² − (2x + z²)p + x²/N = 0, the smaller one formed as
/// x²/(N(N + z²)·upper) so that it has no cancellation and is exactly 0 at
/// x = 0; at x = N the upper root is exactly 1. For Sison–Glaz see [`sison_glaz`].
pub fn intervals(counts: &[u64], level: f64, method: CiMethod) -> Vec<(f64, f64)> {
    let total: u128 = counts.iter().map(|&c| u128::from(c)).sum();
    if !(level > 0.0 && level < 1.0) || total == 0 {
        return vec![(0.0, 1.0); counts.len()];
    }
    let alpha = 1.0 - level;
    let n = total as f64;
    let bounds: Vec<(f64, f64)> = match method {
        CiMethod::Wilson => {
            let z = -normal_quantile(0.5 * alpha);
            counts
                .iter()
                .map(|&x| score_interval(x as f64, n, z * z))
                .collect()
        }
        CiMethod::Goodman => {
            let z = -normal_quantile(0.5 * alpha / counts.len() as f64);
            counts
                .iter()
                .map(|&x| score_interval(x as f64, n, z * z))
                .collect()
        }
        CiMethod::ClopperPearson => counts
            .iter()
            .map(|&x| {
                let rest = (total - u128::from(x)) as f64;
                let xf = x as f64;
                let low = if x == 0 {
                    0.0
                } else {
                    beta_quantile(0.5 * alpha, xf, rest + 1.0)
                };
                let high = if rest == 0.0 {
                    1.0
                } else {
                    beta_quantile_upper(0.5 * alpha, xf + 1.0, rest)
                };
                (low, high)
            })
            .collect(),
        CiMethod::Jeffreys => counts
            .iter()
            .map(|&x| {
                let a = x as f64 + 0.5;
                let b = (total - u128::from(x)) as f64 + 0.5;
                (
                    beta_quantile(0.5 * alpha, a, b),
                    beta_quantile_upper(0.5 * alpha, a, b),
                )
            })
            .collect(),
        CiMethod::SisonGlaz => sison_glaz(counts, alpha),
    };
    bounds
        .into_iter()
        .map(|(lo, hi)| (lo.clamp(0.0, 1.0), hi.clamp(0.0, 1.0)))
        .collect()
}

/// The roots of (n + z²)p² − (2x + z²)p + x²/n = 0, smaller one first.
fn score_interval(x: f64, n: f64, z2: f64) -> (f64, f64) {
    let disc = z2 * (z2 + 4.0 * x * ((n - x) / n));
    // At x = n the root is exactly 1 (the formula can round just below).
    let upper = if x == n {
        1.0
    } else {
        (2.0 * x + z2 + disc.sqrt()) / (2.0 * (n + z2))
    };
    let lower = if x == 0.0 || upper <= 0.0 {
        0.0
    } else {
        (x / n) * x / ((n + z2) * upper)
    };
    (lower, upper)
}

/// Up to this c the search for Sison–Glaz's c is statsmodels' linear scan.
const SISON_GLAZ_LINEAR_MAX: u64 = 10_000;

/// Sison & Glaz's simultaneous intervals, as statsmodels 0.15 computes them.
///
/// For an integer c, each count x_k is given the box [x_k − c, x_k + c]
/// (cut to [0, N]) and ν(c) approximates the multinomial probability of
/// the box by Levin's (1981) representation with independent Poisson(x_k)
/// variables Z_k truncated to their boxes and an Edgeworth expansion of
/// their sum (Sison & Glaz 1995, eq. 1 and 7):
/// ```text
/// ν(c) = Π_k P(b_k ≤ Z_k ≤ a_k) · f_e((N − Σ μ_k)/√Σσ²_k)/√Σσ²_k / P(Poisson(N) = N)
/// f_e(x) = φ(x)[1 + γ₁H₃(x)/6 + γ₂H₄(x)/24 + γ₁²H₆(x)/72],
/// γ₁ = Σμ₃/(Σσ²)^{3/2},  γ₂ = (Σμ₄ − 3Σσ⁴)/(Σσ²)²
/// ```
/// (μ_k, σ²_k, μ₃, μ₄: mean and central moments of the truncated Z_k). c is
/// the first integer with ν(c) ≤ 1 − α < ν(c+1), where ν(0) = 0 and ν(c) = 1
/// once c ≥ N (following R's MultinomialCI, as statsmodels does); then
/// γ = (1 − α − ν(c))/(ν(c+1) − ν(c)) and the interval of face k is
/// [x_k/N − c/N, x_k/N + (c + 2γ)/N], cut to [0, 1].
///
/// Implementation notes (same mathematics as statsmodels, different
/// arithmetic, so results agree to rounding except where statsmodels' own
/// rounding dominates):
/// - the truncated moments come from the Poisson Stein identity
///   E[W h(W)] = λ E[h(W+1) − h(W)] + λ[h(b−λ)f(b−1) − h(a+1−λ)f(a)]/P
///   (W = Z − λ, f the pmf), which involves only the two boundary pmfs;
///   statsmodels' factorial-moment formulas subtract numbers near λ⁴ and
///   lose all accuracy for counts beyond about 10^8;
/// - N − Σμ_k is formed as −Σ E(W_k), without cancellation;
/// - Poisson probabilities come from the incomplete gamma function with
///   exact integer arguments (Temme's expansion for large counts) and the
///   pmf from Loader's saddle-point form, so every count up to 10^18 works;
/// - where the expansion is negative, ν is NaN and, as in statsmodels
///   (whose comparisons with NaN are false), that c is passed over;
/// - for c up to 10 000 the search is statsmodels' linear scan; beyond it
///   (only when the counts are in the millions and more, where ν is
///   increasing in c), a doubling search followed by bisection finds the
///   same c in about 2 log₂ c evaluations instead of c;
/// - if no c qualifies (statsmodels raises an exception), every face gets
///   the uninformative [0, 1].
///
/// Statsmodels documents the method as valid for K ≥ 7 but computes it for
/// any K ≥ 2; so does this function (callers may warn below K = 7). K = 1
/// gives [1, 1].
pub fn sison_glaz(counts: &[u64], alpha: f64) -> Vec<(f64, f64)> {
    let total: u128 = counts.iter().map(|&c| u128::from(c)).sum();
    let Ok(n) = u64::try_from(total) else {
        return vec![(0.0, 1.0); counts.len()];
    };
    if n == 0 {
        return vec![(0.0, 1.0); counts.len()];
    }
    let target = 1.0 - alpha;
    let nu_full = |c: u64| -> f64 {
        if c >= n {
            1.0
        } else {
            coverage(counts, n, c)
        }
    };
    let qualifies = |nuc: f64, nucp1: f64| nuc <= target && target < nucp1;
    let mut c = 0u64;
    let mut nuc = 0.0;
    let mut nucp1 = nu_full(1);
    let mut found = qualifies(nuc, nucp1);
    while !found && c < SISON_GLAZ_LINEAR_MAX && c <= n {
        c += 1;
        nuc = nucp1;
        nucp1 = nu_full(c + 1);
        found = qualifies(nuc, nucp1);
    }
    if !found && c <= n {
        // Doubling then bisection for the first c with ν(c+1) > target.
        let mut lo = c;
        let mut step = c.max(1);
        let mut hi = loop {
            let probe = lo.saturating_add(step).min(n);
            if nu_full(probe.saturating_add(1)) > target || probe >= n {
                break probe;
            }
            lo = probe;
            step = step.saturating_mul(2);
        };
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if nu_full(mid.saturating_add(1)) > target {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        c = hi;
        nuc = nu_full(c);
        nucp1 = nu_full(c.saturating_add(1));
        found = qualifies(nuc, nucp1);
    }
    if !found {
        return vec![(0.0, 1.0); counts.len()];
    }
    let gamma = (target - nuc) / (nucp1 - nuc);
    let nf = n as f64;
    let cf = c as f64;
    counts
        .iter()
        .map(|&x| {
            let p = x as f64 / nf;
            (
                (p - cf / nf).max(0.0),
                (p + (cf + 2.0 * gamma) / nf).min(1.0),
            )
        })
        .collect()
}

/// ν(c) of Sison & Glaz (see [`sison_glaz`]); NaN where the Edgeworth
/// density is negative.
fn coverage(counts: &[u64], n: u64, c: u64) -> f64 {
    let mut sum_shift = 0.0;
    let mut sum_m2 = 0.0;
    let mut sum_m3 = 0.0;
    let mut sum_m4 = 0.0;
    let mut sum_m2_sq = 0.0;
    let mut ln_prob = 0.0;
    for &x in counts {
        let b = x.saturating_sub(c);
        let a = x.saturating_add(c).min(n);
        let box_prob = poisson_between(b, a, x);
        ln_prob += box_prob.ln();
        if x == 0 {
            continue;
        }
        let lambda = x as f64;
        // Boundary terms: f(b−1) at offset b − λ, f(a) at offset a + 1 − λ.
        let f_low = if b == 0 {
            0.0
        } else {
            poisson_pmf(b - 1, x) / box_prob
        };
        let f_high = poisson_pmf(a, x) / box_prob;
        let d_low = -((x - b) as f64);
        let d_high = (a - x) as f64 + 1.0;
        let bound = |power: i32| lambda * (d_low.powi(power) * f_low - d_high.powi(power) * f_high);
        let nu1 = bound(0);
        let nu2 = lambda + bound(1);
        let nu3 = lambda * (2.0 * nu1 + 1.0) + bound(2);
        let nu4 = lambda * (3.0 * nu2 + 3.0 * nu1 + 1.0) + bound(3);
        let m2 = nu2 - nu1 * nu1;
        let m3 = nu3 - 3.0 * nu2 * nu1 + 2.0 * nu1 * nu1 * nu1;
        let m4 = nu4 - 4.0 * nu3 * nu1 + 6.0 * nu2 * nu1 * nu1 - 3.0 * nu1.powi(4);
        sum_shift += nu1;
        sum_m2 += m2;
        sum_m3 += m3;
        sum_m4 += m4;
        sum_m2_sq += m2 * m2;
    }
    let sd = sum_m2.sqrt();
    let g1 = sum_m3 / (sum_m2 * sd);
    let g2 = (sum_m4 - 3.0 * sum_m2_sq) / (sum_m2 * sum_m2);
    let z = -sum_shift / sd;
    let z2 = z * z;
    let h3 = z * (z2 - 3.0);
    let h4 = z2 * z2 - 6.0 * z2 + 3.0;
    let h6 = z2 * z2 * z2 - 15.0 * z2 * z2 + 45.0 * z2 - 15.0;
    let phi = (-0.5 * z2 - LN_SQRT_2PI).exp();
    let density = phi * (1.0 + g1 * h3 / 6.0 + g2 * h4 / 24.0 + g1 * g1 * h6 / 72.0) / sd;
    (ln_prob + density.ln() - poisson_pmf(n, n).ln()).exp()
}

/// The Poisson(λ) pmf at k for integers k and λ (Loader's saddle-point
/// form, accurate to a few ulps for any size).
///
/// ```text
/// f(k; λ) = e^{−λ} λᵏ/k! = exp(−stirlerr(k) − bd0(k, λ)) / √(2πk),
/// bd0(k, λ) = k ln(k/λ) + λ − k = λ φ(k/λ)
/// ```
fn poisson_pmf(k: u64, lambda: u64) -> f64 {
    if lambda == 0 {
        return if k == 0 { 1.0 } else { 0.0 };
    }
    let l = lambda as f64;
    if k == 0 {
        return (-l).exp();
    }
    let kf = k as f64;
    let diff = if k >= lambda {
        (k - lambda) as f64
    } else {
        -((lambda - k) as f64)
    };
    let t = diff / l;
    let bd0 = if t.abs() <= 0.5 {
        l * (log1pmx(t) + t * t.ln_1p())
    } else {
        kf * (kf / l).ln() - diff
    };
    (-stirlerr(kf) - bd0).exp() / (2.0 * std::f64::consts::PI * kf).sqrt()
}

/// P(b ≤ Z ≤ a) for Z ~ Poisson(λ) with integer b ≤ λ ≤ a.
///
/// ```text
/// P(Z ≤ b − 1) = Q(b, λ),   P(Z > a) = P(a + 1, λ)   (regularised incomplete gamma)
/// P(b ≤ Z ≤ a) = 1 − Q(b, λ) − P(a + 1, λ)
/// ```
/// with the differences λ − b and λ − (a + 1) passed exactly.
fn poisson_between(b: u64, a: u64, lambda: u64) -> f64 {
    if lambda == 0 {
        return 1.0;
    }
    let l = lambda as f64;
    let below = if b == 0 {
        0.0
    } else {
        gamma_tails_diff(b as f64, l, (lambda - b) as f64).upper
    };
    let above_shape = a + 1;
    let above = gamma_tails_diff(above_shape as f64, l, -((above_shape - lambda) as f64)).lower;
    // Both tails are below about ½, so the difference keeps its accuracy.
    let p = 1.0 - below - above;
    if p > 0.0 {
        p
    } else {
        poisson_pmf(lambda, lambda)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::stats::testing::rel;

    const ALL: [CiMethod; 5] = [
        CiMethod::Wilson,
        CiMethod::ClopperPearson,
        CiMethod::Jeffreys,
        CiMethod::Goodman,
        CiMethod::SisonGlaz,
    ];

    #[test]
    fn names_and_kinds() {
        let names: Vec<&str> = ALL.iter().map(|m| m.name()).collect();
        assert_eq!(
            names,
            [
                "wilson",
                "clopper-pearson",
                "jeffreys",
                "goodman",
                "sison-glaz"
            ]
        );
        let simultaneous: Vec<bool> = ALL.iter().map(|m| m.simultaneous()).collect();
        assert_eq!(simultaneous, [false, false, false, true, true]);
    }

    #[test]
    fn per_face_intervals_at_zero_and_n() {
        // x = 0 and x = N = 20 at 95%. Closed forms: Wilson upper at 0 is
        // z²/(N + z²); Clopper–Pearson upper at 0 is 1 − (α/2)^{1/N}, lower at
        // N is (α/2)^{1/N}. statsmodels 0.15 gives (0, 0.1611251580528194),
        // (0.8388748419471804, 1), (0, 0.16843347098308534), (0.8315665290169146, 1)
        // and Jeffreys (2.4246478459242733e-05, 0.11663898290487543).
        // Tolerance 1e-13 relative.
        let z = 1.959963984540054f64;
        let w = intervals(&[0, 20], 0.95, CiMethod::Wilson);
        assert_eq!(w[0].0, 0.0);
        assert!(
            rel(w[0].1, z * z / (20.0 + z * z)) < 1e-13 && rel(w[0].1, 0.1611251580528194) < 1e-13
        );
        assert!(rel(w[1].0, 0.8388748419471804) < 1e-13 && w[1].1 == 1.0);
        let cp = intervals(&[0, 20], 0.95, CiMethod::ClopperPearson);
        let edge = 0.025f64.powf(1.0 / 20.0);
        assert_eq!((cp[0].0, cp[1].1), (0.0, 1.0));
        assert!(rel(cp[0].1, 1.0 - edge) < 1e-13 && rel(cp[1].0, edge) < 1e-13);
        let j = intervals(&[0, 20], 0.95, CiMethod::Jeffreys);
        assert!(
            rel(j[0].0, 2.4246478459242733e-05) < 1e-12 && rel(j[0].1, 0.11663898290487543) < 1e-13
        );
        // No boundary rule: the upper bound at x = N stays below 1.
        assert!(j[1].1 < 1.0 && rel(1.0 - j[1].0, 0.11663898290487543) < 1e-12);
    }

    #[test]
    fn simultaneous_intervals_match_statsmodels() {
        // The example of R's MultinomialCI documentation, (56, 72, 73, 59, 62,
        // 87, 58) at 95%, through statsmodels 0.15; tolerance 1e-9 absolute
        // (statsmodels' factorial-moment arithmetic differs in the last digits).
        let x = [56, 72, 73, 59, 62, 87, 58];
        let sg = intervals(&x, 0.95, CiMethod::SisonGlaz);
        let want_sg = [
            [0.07922912205567452, 0.16435573404025774],
            [0.11349036402569593, 0.19861697601027917],
            [0.11563169164882225, 0.2007583036334055],
            [0.08565310492505354, 0.17077971690963678],
            [0.09207708779443255, 0.1772036997790158],
            [0.145610278372591, 0.23073689035717423],
            [0.08351177730192719, 0.16863838928651043],
        ];
        for (got, want) in sg.iter().zip(want_sg) {
            assert!(
                (got.0 - want[0]).abs() < 1e-9 && (got.1 - want[1]).abs() < 1e-9,
                "{got:?} vs {want:?}"
            );
        }
        let gm = intervals(&x, 0.95, CiMethod::Goodman);
        let want_gm = [
            [0.08516723913874684, 0.16626140813046547],
            [0.14274910916305497, 0.239415943371816],
        ];
        for (got, want) in [gm[0], gm[5]].iter().zip(want_gm) {
            assert!(
                (got.0 - want[0]).abs() < 1e-13 && (got.1 - want[1]).abs() < 1e-13,
                "{got:?} vs {want:?}"
            );
        }
        // K = 6 < 7 (statsmodels computes it too): counts 1..6 at 90%.
        let small = intervals(&[1, 2, 3, 4, 5, 6], 0.9, CiMethod::SisonGlaz);
        let want = [
            [0.0, 0.26011014202915106],
            [0.0, 0.3077291896481986],
            [0.0, 0.3553482372672463],
            [0.047619047619047616, 0.40296728488629385],
            [0.09523809523809523, 0.4505863325053415],
            [0.14285714285714285, 0.4982053801243891],
        ];
        for (got, want) in small.iter().zip(want) {
            assert!(
                (got.0 - want[0]).abs() < 1e-9 && (got.1 - want[1]).abs() < 1e-9,
                "{got:?} vs {want:?}"
            );
        }
    }

    #[test]
    fn goodman_contains_wilson() {
        // χ²₁(1 − α/K) ≥ z²_{1−α/2} for K ≥ 2, and both are the same quadratic's
        // roots, so Goodman's interval contains Wilson's.
        let x = [3, 17, 0, 9, 40, 1];
        let w = intervals(&x, 0.9, CiMethod::Wilson);
        let g = intervals(&x, 0.9, CiMethod::Goodman);
        for (w, g) in w.iter().zip(&g) {
            assert!(g.0 <= w.0 && w.1 <= g.1, "{w:?} ⊄ {g:?}");
        }
    }

    #[test]
    fn simultaneous_coverage_by_simulation() {
        // Draw 400 samples of N = 300 from p = (0.1, 0.15, 0.2, 0.25, 0.3) and
        // count how often every face's interval covers its p at 90%. With 400
        // draws the binomial SE of a coverage near 0.9 is 0.015: require
        // ≥ 0.9 − 4·0.015 = 0.84 for both simultaneous methods.
        let p = [0.1, 0.15, 0.2, 0.25, 0.3];
        let mut rng = crate::sample::seeded_rng(2024);
        let (mut goodman, mut sison) = (0, 0);
        for _ in 0..400 {
            let x = crate::sample::multinomial(&mut rng, 300, &p);
            let covers =
                |iv: Vec<(f64, f64)>| iv.iter().zip(&p).all(|(b, &q)| b.0 <= q && q <= b.1);
            goodman += usize::from(covers(intervals(&x, 0.9, CiMethod::Goodman)));
            sison += usize::from(covers(intervals(&x, 0.9, CiMethod::SisonGlaz)));
        }
        assert!(
            goodman >= 336 && sison >= 336,
            "goodman {goodman}, sison {sison}"
        );
    }

    #[test]
    fn every_method_is_finite_and_ordered_for_huge_and_degenerate_counts() {
        let cases: [&[u64]; 5] = [
            &[
                166_666_666_666_666_666,
                166_666_666_700_000_000,
                166_666_666_633_333_334,
                500_000_000_000_000_000,
            ],
            &[0, 0, 1_000_000_000_000_000_000],
            &[3, 999_999_999_999_999_997],
            &[0, 0, 0],
            &[5],
        ];
        for counts in cases {
            for m in ALL {
                for level in [0.95, 0.999999] {
                    let iv = intervals(counts, level, m);
                    assert_eq!(iv.len(), counts.len());
                    for (lo, hi) in iv {
                        assert!(
                            lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi && hi <= 1.0,
                            "{m:?} {counts:?}: {lo} {hi}"
                        );
                    }
                }
            }
        }
        // Huge N: the per-face intervals are the normal ones, p̂ ± z√(p̂(1−p̂)/N)
        // (to O(1/N)); tolerance 1e-9 relative on the half-width.
        let counts = [250_000_000_000_000_000u64, 750_000_000_000_000_000];
        let half = 1.959963984540054 * (0.25f64 * 0.75 / 1e18).sqrt();
        for m in [
            CiMethod::Wilson,
            CiMethod::ClopperPearson,
            CiMethod::Jeffreys,
        ] {
            let iv = intervals(&counts, 0.95, m)[0];
            assert!(
                rel(0.25 - iv.0, half) < 1e-6 && rel(iv.1 - 0.25, half) < 1e-6,
                "{m:?}: {iv:?}"
            );
        }
        // Invalid level: uninformative.
        assert_eq!(
            intervals(&[3, 4], 1.5, CiMethod::Wilson),
            vec![(0.0, 1.0); 2]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Every interval is ordered, inside [0, 1], and (except Jeffreys,
        /// whose equal tails may exclude p̂ = 0 or 1) contains p̂.
        #[test]
        fn intervals_are_ordered_and_contain_the_estimate(
            counts in proptest::collection::vec(0u64..2_000_000, 2..8),
            level in 0.5f64..0.999,
        ) {
            let n: u64 = counts.iter().sum();
            for m in ALL {
                for (k, (lo, hi)) in intervals(&counts, level, m).into_iter().enumerate() {
                    proptest::prop_assert!(0.0 <= lo && lo <= hi && hi <= 1.0, "{:?}: {} {}", m, lo, hi);
                    if n > 0 && m != CiMethod::Jeffreys {
                        let p = counts[k] as f64 / n as f64;
                        proptest::prop_assert!(lo <= p * (1.0 + 1e-12) && p <= hi * (1.0 + 1e-12), "{:?}: {} ∉ [{}, {}]", m, p, lo, hi);
                    }
                }
            }
        }
    }

    #[test]
    fn poisson_helpers() {
        // Poisson(3): P(X = 3) = 27e^{−3}/6 and P(2 ≤ X ≤ 4) = e^{−3}(9/2 + 27/6 + 81/24);
        // tolerance 1e-14 relative.
        let e3 = (-3f64).exp();
        assert!(rel(poisson_pmf(3, 3), 4.5 * e3) < 1e-14);
        assert!(rel(poisson_between(2, 4, 3), e3 * (4.5 + 4.5 + 3.375)) < 1e-14);
        // Huge λ: P(X = λ) ≈ 1/√(2πλ)·(1 − 1/(12λ)); λ = 1e18, tolerance 1e-14.
        let l = 1e18;
        assert!(
            rel(
                poisson_pmf(1_000_000_000_000_000_000, 1_000_000_000_000_000_000),
                1.0 / (2.0 * std::f64::consts::PI * l).sqrt()
            ) < 1e-14
        );
        assert_eq!(poisson_between(0, 5, 0), 1.0);
    }
}
