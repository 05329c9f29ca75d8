//! The regularised incomplete beta function I_x(a, b) and its complement.
//!
//! Methods: the Numerical Recipes continued fraction (§6.4) by modified
//! Lentz, each side of the mean in its own convergent direction; a large-b
//! expansion in incomplete gamma functions (the idea of Didonato & Morris's
//! BGRAT) that keeps the upper tail accurate where 1 − x would round away
//! the answer; and for min(a, b) ≥ 1000 near the bulk, Temme's uniform
//! error-function expansion (the form of Didonato & Morris's BASYM). The
//! prefactor xᵃ(1−x)ᵇ/B(a, b) is built in Loader's saddle-point form.

use super::elementary::{log1pmx, log1pmx_with, stirlerr};
use super::gamma::{erfcx, gamma_tails};
use super::shared::{lentz_step, Tails, SQRT_PI, TWO_PI};
use crate::tolerance::{
    LARGE_B_MAX_TERMS, NEGLIGIBLE, SERIES_EPS, SERIES_MAX_ITER, TINY, UNIFORM_MAX_TERMS,
};

/// ln[xᵃ (1−x)ᵇ / B(a, b)] in Loader's saddle-point form.
///
/// ```text
/// s = a + b,  μ = a/s,  ν = b/s,  d = x − μ
/// a ln(x/μ) + b ln((1−x)/ν) = a·log1pmx(d/μ) + b·log1pmx(−d/ν)
/// ln[xᵃ(1−x)ᵇ/B(a,b)] = that + ½ ln(ab/(2πs)) + stirlerr(s) − stirlerr(a) − stirlerr(b)
/// ```
/// (the linear terms a·d/μ and b·d/ν cancel exactly; Stirling's formula
/// for Γ(s)/(Γ(a)Γ(b)) leaves only the Stirling errors). Both log1pmx terms
/// are ≤ 0, so their sum has no cancellation; each is evaluated from the
/// ratios x/μ and (1−x)/ν when those are far from 1. Exact in form for
/// every a, b > 0; accurate to a few ulps of the largest term. Where μ or
/// ν is below the smallest normal double (a = 1e-300 against b = 1e12, a
/// posterior under `--prior 1e-300`), d/μ would overflow and a·(ln(1+u) − u)
/// be NaN; there the term is a·ln(x/μ) − d·s (a·u = d·s), with
/// ln μ = ln a − ln s.
pub(crate) fn beta_ln_prefactor(a: f64, b: f64, x: f64) -> f64 {
    let s = a + b;
    let mu = a / s;
    let nu = b / s;
    let d = x - mu;
    let t1 = if mu >= f64::MIN_POSITIVE {
        a * log1pmx_with(d / mu, || (x / mu).ln())
    } else {
        a * (x.ln() - a.ln() + s.ln()) - d * s
    };
    let t2 = if nu >= f64::MIN_POSITIVE {
        b * log1pmx_with(-d / nu, || (-x).ln_1p() - nu.ln())
    } else {
        b * ((-x).ln_1p() - b.ln() + s.ln()) + d * s
    };
    t1 + t2 + 0.5 * (a.ln() + b.ln() - s.ln() - TWO_PI.ln()) + stirlerr(s)
        - stirlerr(a)
        - stirlerr(b)
}

/// The continued fraction h with I_x(a, b) = [xᵃ(1−x)ᵇ/(a·B(a, b))] · h,
/// by modified Lentz (Numerical Recipes §6.4, `betacf`).
///
/// ```text
/// h = 1/(1+ d₁/(1+ d₂/(1+ …))),
/// d_{2m+1} = −(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),
/// d_{2m}   = m(b−m) x / ((a+2m−1)(a+2m))
/// ```
/// The products of two parameters in the coefficients overflow once
/// (a+b)² passes 1.8e308 (a and b near 1e154), which left NaN coefficients
/// that no convergence test stops (NaN ≠ 1): the loop ran its whole cap at
/// every call. There each coefficient is formed as a product of ratios,
/// (a+m)/(a+2m) · (a+b+m)/(a+2m+1) · x (below it, the products as
/// before, so ordinary results keep their last bits). A fraction that is
/// not finite stops at once.
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    // Every product below is at most (a + b + 2m)² with m < SERIES_MAX_ITER.
    let reach = qab + 2.0 * SERIES_MAX_ITER as f64;
    let ratios = !(reach * reach).is_finite();
    let even = |m: f64, m2: f64| {
        if ratios {
            (m / (qam + m2)) * ((b - m) / (a + m2)) * x
        } else {
            m * (b - m) * x / ((qam + m2) * (a + m2))
        }
    };
    let odd = |m: f64, m2: f64| {
        if ratios {
            -((a + m) / (a + m2)) * ((qab + m) / (qap + m2)) * x
        } else {
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        }
    };
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    let mut m = 1.0;
    for _ in 0..SERIES_MAX_ITER {
        let m2 = 2.0 * m;
        h *= lentz_step(&mut c, &mut d, even(m, m2), 1.0);
        let del = lentz_step(&mut c, &mut d, odd(m, m2), 1.0);
        h *= del;
        if (del - 1.0).abs() <= SERIES_EPS || !h.is_finite() {
            break;
        }
        m += 1.0;
    }
    h
}

/// The regularised incomplete beta function I_x(a, b) (lower) and
/// 1 − I_x(a, b) (upper), for a, b > 0 and 0 ≤ x ≤ 1.
///
/// ```text
/// I_x(a, b) = (1/B(a, b)) ∫₀ˣ t^{a−1} (1−t)^{b−1} dt
/// ```
/// Routes (switch = (a+1)/(a+b+2), near the mean; each continued fraction
/// is used only on its own side of it, where it converges and is stable):
/// 0. min(a, b) ≥ 1000 and x within |ω| ≤ 1 of the mean (about
///    √min(a, b) standard deviations): the uniform expansion
///    ([`beta_tails_uniform`]), for either tail;
/// 1. x ≤ switch: the continued fraction for I_x(a, b);
/// 2. x > switch and x ≥ ½: the fraction for I_{1−x}(b, a), 1 − x exact;
/// 3. x > switch, x < ½, b ≥ 1e5 and a³ ≤ 24b²: the large-b expansion
///    ([`beta_tails_large_b`]), which never forms 1 − x;
/// 4. otherwise the fraction for I_{1−x}(b, a) with 1 − x rounded, which
///    moves a quantile by at most about 1e-16·b/a relative — below 4e-11
///    whenever route 3 is not available.
pub(crate) fn beta_tails(a: f64, b: f64, x: f64) -> Tails {
    if x.is_nan() || a.is_nan() || b.is_nan() {
        return Tails::NAN;
    }
    if x <= 0.0 {
        return Tails::certain(false);
    }
    if x >= 1.0 {
        return Tails::certain(true);
    }
    if a.min(b) >= UNIFORM_MIN {
        if let Some(tails) = beta_tails_uniform(a, b, x) {
            return tails;
        }
    }
    beta_tails_by_fractions(a, b, x)
}

/// [`beta_tails`] for 0 < x < 1 without the uniform expansion: the continued
/// fraction of the smaller tail, or the large-b series.
fn beta_tails_by_fractions(a: f64, b: f64, x: f64) -> Tails {
    let switch = (a + 1.0) / (a + b + 2.0);
    if x <= switch {
        let h = beta_cf(a, b, x);
        return Tails::from_ln_lower(beta_ln_prefactor(a, b, x) + h.ln() - a.ln());
    }
    if x < 0.5 && b >= LARGE_B_MIN && a * a * a <= 24.0 * b * b {
        return beta_tails_large_b(a, b, x);
    }
    let h = beta_cf(b, a, 1.0 - x);
    Tails::from_ln_upper(beta_ln_prefactor(a, b, x) + h.ln() - b.ln())
}

/// The smallest min(a, b) for which [`beta_tails_uniform`] is tried.
const UNIFORM_MIN: f64 = 1000.0;
/// The largest |ω| (see [`beta_tails_uniform`]) at which the expansion is
/// used: the power series of ω/u converges for |ω| < √(2π) ≈ 2.5 or more,
/// so its terms fall at least like 0.4ⁿ here.
const UNIFORM_MAX_OMEGA: f64 = 1.0;

/// I_x(a, b) and its complement for large a and b near the bulk, by the
/// uniform (error-function) asymptotic expansion (Temme 1975, Math. Comp.
/// 29, 1109; the form of Didonato & Morris's BASYM, ACM TOMS 708, 1992),
/// derived here in its own variables.
///
/// Let p = min(a, b), q = max(a, b), h = p/q ≤ 1, s = a + b, and t the
/// variable of the p-parameter (t = x if p = a, else 1 − x), t₀ = p/s,
/// u = (t − t₀)/t₀ (from d = x·s − a, so 1 − x is never formed). Then
/// ```text
/// tᵖ⁻¹(1−t)^{q−1} dt ∝ e^{p·ψ(u)} du/((1+u)(1−hu)),  ψ(u) = ln(1+u) + ln(1−hu)/h
/// ψ(u) = −½(1+h)ω²  (ω of the sign of u)   ⇒   du/((1+u)(1−hu)) = (ω/u) dω
/// ```
/// and ω/u = Σ φₙ ωⁿ (a power series in ω alone), so with A = p(1+h),
/// f = −p·ψ(u_x) = z², σ = sign(u_x), y = |ω_x| = z√(2/A), the smaller tail
/// (lower in the p-frame if u_x < 0, upper if u_x > 0) is, by Watson's lemma
/// term by term,
/// ```text
/// tail = e^{Δ − f}/√π · Σₙ φₙ σⁿ Tₙ,      Δ = stirlerr(s) − stirlerr(a) − stirlerr(b)
///      = e^Δ · [½ erfc(z) + e^{−f}/√π · Σ_{n≥1} φₙ σⁿ Tₙ]
/// Tₙ = (2/A)^{n/2} e^{z²} ∫_z^∞ rⁿ e^{−r²} dr:
/// T₀ = (√π/2) erfcx(z),  T₁ = ½√(2/A),  Tₙ = ½√(2/A) yⁿ⁻¹ + ((n−1)/2)(2/A) Tₙ₋₂
/// ```
/// (the prefactor Γ(s)/(Γ(a)Γ(b))·t₀ᵖ(1−t₀)^q·(1+h)·√(2/A) collapses to
/// e^Δ/√π by Stirling's formula). The coefficients come from the
/// differential equation u·du/dω = ω(1+u)(1−hu) for u = Σ uₙωⁿ (u₁ = 1):
/// ```text
/// (m/2)·Sₘ = [m = 2] + (1−h)·u_{m−2} − h·S_{m−2},   Sₘ = Σ_{i+j=m} uᵢuⱼ
/// ```
/// solved for u_{m−1}, and φ = 1/(u/ω) by the reciprocal of a power series.
/// The series has no cancellation for y ≤ 1 (its ratio is about y/2.5) and
/// is accurate beyond double precision once p ≥ 1000: what the truncation
/// leaves is of order e^{−A R²/2} with R ≥ √(2π). Every piece is computed
/// in logarithms, so tails far below 1e-300 keep their logarithms.
///
/// Returns `None` outside its domain (y > [`UNIFORM_MAX_OMEGA`], or no
/// convergence in [`UNIFORM_MAX_TERMS`] terms), leaving the caller to its other
/// routes.
fn beta_tails_uniform(a: f64, b: f64, x: f64) -> Option<Tails> {
    let s = a + b;
    let d = x.mul_add(s, -a);
    let a_is_p = a <= b;
    let (p, q, u) = if a_is_p {
        (a, b, d / a)
    } else {
        (b, a, -d / b)
    };
    let h = p / q;
    let f = -(p * log1pmx(u) + q * log1pmx(-h * u));
    if f.is_nan() || f < 0.0 {
        return None;
    }
    let big_a = p * (1.0 + h);
    let root = (2.0 / big_a).sqrt();
    let z = f.sqrt();
    let y = z * root;
    if y > UNIFORM_MAX_OMEGA {
        return None;
    }
    let sigma = if u < 0.0 { -1.0 } else { 1.0 };
    // u[n]: coefficients of u(ω); sq[m] = Σ_{i+j=m} u_i u_j; phi[n]: of ω/u.
    let mut uc = [0.0f64; UNIFORM_MAX_TERMS + 2];
    let mut sq = [0.0f64; UNIFORM_MAX_TERMS + 3];
    let mut phi = [0.0f64; UNIFORM_MAX_TERMS + 1];
    uc[1] = 1.0;
    sq[2] = 1.0;
    phi[0] = 1.0;
    // Below z = 26, erfc(z) ≥ 1e-296 is a normal double and libm's erfc
    // (fdlibm's, within 1 ulp) is much faster than erfcx's continued
    // fraction near z ≈ 2, where the credible intervals evaluate it.
    let erfc = if z < 26.0 { libm::erfc(z) } else { 0.0 };
    let t0 = if z < 26.0 {
        0.5 * SQRT_PI * erfc * f.exp()
    } else {
        0.5 * SQRT_PI * erfcx(z)
    };
    let mut t_prev2 = t0; // T_{n−2}
    let mut t_prev1 = 0.5 * root; // T_{n−1}
    let mut rest_sum = 0.0; // Σ_{n≥1}
    let mut y_pow = 1.0; // y^{n−1}
    let mut small_run = 0;
    for n in 1..=UNIFORM_MAX_TERMS {
        // u_{n+1} from the equation at m = n + 2.
        let m = n + 2;
        let rest: f64 = (2..=m - 2).map(|i| uc[i] * uc[m - i]).sum();
        uc[n + 1] = ((2.0 / m as f64) * ((1.0 - h) * uc[m - 2] - h * sq[m - 2]) - rest) / 2.0;
        sq[m - 1] = (1..=m - 2).map(|i| uc[i] * uc[m - 1 - i]).sum();
        // φ_n = −Σ_{k=1}^{n} v_k φ_{n−k}, v_k = u_{k+1}.
        phi[n] = -(1..=n).map(|k| uc[k + 1] * phi[n - k]).sum::<f64>();
        let t_n = if n == 1 {
            t_prev1
        } else {
            y_pow *= y;
            let t = 0.5 * root * y_pow + 0.5 * (n - 1) as f64 * root * root * t_prev2;
            t_prev2 = t_prev1;
            t_prev1 = t;
            t
        };
        let term = if n % 2 == 1 { sigma } else { 1.0 } * phi[n] * t_n;
        rest_sum += term;
        if term.abs() <= NEGLIGIBLE * (t0 + rest_sum).abs() {
            small_run += 1;
            if small_run >= 2 {
                let delta = stirlerr(s) - stirlerr(a) - stirlerr(b);
                // e^{−f}·T₀/√π = ½ erfc(z): no e^{±f} rounding on the
                // leading term where erfc is representable.
                let ln_small = if z < 26.0 {
                    delta + (0.5 * erfc + (-f).exp() * rest_sum / SQRT_PI).ln()
                } else {
                    delta - f - SQRT_PI.ln() + (t0 + rest_sum).ln()
                };
                // A sum that is not positive (never seen for |ω| ≤ 1) would
                // mean the series failed: leave the point to the other routes.
                if !ln_small.is_finite() && ln_small != f64::NEG_INFINITY {
                    return None;
                }
                let lower_small = (u < 0.0) == a_is_p;
                return Some(if lower_small {
                    Tails::from_ln_lower(ln_small)
                } else {
                    Tails::from_ln_upper(ln_small)
                });
            }
        } else {
            small_run = 0;
        }
    }
    None
}

/// The smallest b for which [`beta_tails_large_b`] is used.
const LARGE_B_MIN: f64 = 1e5;

/// I_x(a, b) and its complement for b large against a (a³ ≤ 24b²), by
/// the substitution u = −T ln(1 − t) with T = b + (a−1)/2, which turns the
/// beta integral into gamma integrals (the idea of Didonato & Morris's
/// BGRAT, ACM TOMS 708, 1992, written out directly).
///
/// ```text
/// B(a,b) I_x(a,b) = T^{−a} ∫₀^{u_x} u^{a−1} e^{−u} h(u/T)^{a−1} du,   u_x = −T ln(1−x)
/// h(v) = sinh(v/2)/(v/2),  ln h(v) = v²/24 − v⁴/2880 + v⁶/181440 − v⁸/9676800 + v¹⁰/479001600 − …
/// h(v)^{a−1} = Σ_j e_j v^j        (e = exp of (a−1)·ln h, by the power-series recurrence)
/// I_x(a,b)     = F Σ_j e_j (a)_j T^{−j} P(a+j, u_x)
/// 1 − I_x(a,b) = F Σ_j e_j (a)_j T^{−j} Q(a+j, u_x)
/// ln F = ln[Γ(a+b)/(Γ(b) Tᵃ)] = b·log1pmx(a/b) + (a−½) ln(1+a/b) − a ln(1+(a−1)/(2b)) + stirlerr(a+b) − stirlerr(b)
/// ```
/// with (a)_j the rising factorial. Centring at T removes the odd terms, so
/// for a ≥ 1 every term is positive; near the bulk they fall like
/// (a³/24b²)^{j/2}/(j/2)!. The series of ln h converges for v < 2π, i.e.
/// for every x < ½ used here.
fn beta_tails_large_b(a: f64, b: f64, x: f64) -> Tails {
    let big_t = b + 0.5 * (a - 1.0);
    let u = -big_t * (-x).ln_1p();
    let ln_front = b * log1pmx(a / b) + (a - 0.5) * (a / b).ln_1p()
        - a * (0.5 * (a - 1.0) / b).ln_1p()
        + stirlerr(a + b)
        - stirlerr(b);
    let c = a - 1.0;
    let lh = [
        0.0,
        0.0,
        c / 24.0,
        0.0,
        -c / 2880.0,
        0.0,
        c / 181_440.0,
        0.0,
        -c / 9_676_800.0,
        0.0,
        c / 479_001_600.0,
    ];
    let mut e = [0.0f64; LARGE_B_MAX_TERMS];
    e[0] = 1.0;
    let base = gamma_tails(a, u);
    let mut lower = 1.0;
    let mut upper = 1.0;
    // weight_j = (a)_j / T^j
    let mut weight = 1.0;
    // A tail that underflows even in logarithm (ratio NaN) adds nothing.
    let ratio = |ln_g: f64, ln_base: f64| {
        let r = (ln_g - ln_base).exp();
        if r.is_finite() {
            r
        } else {
            0.0
        }
    };
    for j in 1..LARGE_B_MAX_TERMS {
        // e_j = (1/j) Σ_k k L_k e_{j−k}
        let mut acc = 0.0;
        for k in 2..=j.min(10) {
            acc += k as f64 * lh[k] * e[j - k];
        }
        e[j] = acc / j as f64;
        weight *= (a + (j - 1) as f64) / big_t;
        if e[j] == 0.0 {
            continue;
        }
        let g = gamma_tails(a + j as f64, u);
        let dl = e[j] * weight * ratio(g.ln_lower, base.ln_lower);
        let du = e[j] * weight * ratio(g.ln_upper, base.ln_upper);
        lower += dl;
        upper += du;
        if dl.abs() <= NEGLIGIBLE * lower.abs() && du.abs() <= NEGLIGIBLE * upper.abs() {
            break;
        }
    }
    let ln_lower = ln_front + base.ln_lower + lower.ln();
    let ln_upper = ln_front + base.ln_upper + upper.ln();
    Tails {
        lower: ln_lower.exp(),
        upper: ln_upper.exp(),
        ln_lower,
        ln_upper,
    }
}

/// ln of the Beta(a, b) density at x: ln[x^{a−1}(1−x)^{b−1}/B(a, b)].
pub(crate) fn beta_ln_density(a: f64, b: f64, x: f64) -> f64 {
    beta_ln_prefactor(a, b, x) - x.ln() - (-x).ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative difference.
    use crate::stats::testing::rel;

    #[test]
    fn incomplete_beta_closed_forms() {
        // I_x(1, 1) = x, I_x(a, 1) = xᵃ, 1 − I_x(1, b) = (1 − x)ᵇ. A tail is
        // exp of its logarithm L, built from terms as large as |L| and carrying a
        // few ulps of them, so the tolerance is 5e-16·(1 + |ln want|) + 2e-15
        // relative.
        let tol = |want: f64| 5e-16 * (1.0 + want.ln().abs()) + 2e-15;
        for x in [1e-300, 1e-20, 1e-8, 0.3, 0.5, 0.9] {
            let want = x;
            assert!(
                rel(beta_tails(1.0, 1.0, x).lower, want) < tol(want),
                "x = {x}"
            );
            let want = x.powf(3.5);
            if want > 0.0 {
                assert!(
                    rel(beta_tails(3.5, 1.0, x).lower, want) < tol(want),
                    "x = {x}"
                );
            }
            let want = (7.0 * (-x).ln_1p()).exp();
            assert!(
                rel(beta_tails(1.0, 7.0, x).upper, want) < tol(want),
                "x = {x}"
            );
        }
    }

    #[test]
    fn incomplete_beta_large_b_agrees_with_continued_fraction() {
        // At b = 1e5 both the large-b expansion and the swapped continued
        // fraction (whose rounded 1 − x moves the tail by ≈ b·1e-16 = 1e-11)
        // apply; their upper tails must agree to 1e-10 relative.
        for (a, b, x) in [(3.5, 1e5, 6e-5), (0.5, 1e5, 2e-6), (40.0, 2e5, 2.5e-4)] {
            let expansion = beta_tails_large_b(a, b, x);
            let fraction = beta_ln_prefactor(a, b, x) + beta_cf(b, a, 1.0 - x).ln() - b.ln();
            assert!(
                (expansion.ln_upper - fraction).abs() < 1e-10,
                "a = {a}, b = {b}: {expansion:?} vs {fraction}"
            );
        }
        // For b = 1e18, 1 − I_x(½, b) → erfc(√(bx)) with relative error O(1/b):
        // erfc(√2) = 0.04550026389635841 (mpmath); tolerance 1e-13.
        let t = beta_tails(0.5, 1e18, 2e-18);
        assert!(rel(t.upper, 0.04550026389635841) < 1e-13, "{t:?}");
    }

    #[test]
    fn incomplete_beta_matches_mpmath_at_large_parameters() {
        // tests/golden/beta_large.json (`python3 tests/golden/beta_large.py`):
        // both tails by mpmath quadrature of the density at 40 digits, at the
        // double x nearest mean + z·sd, for a, b from 1e3 to 1.2e10. Most go
        // through the uniform expansion, the far ones through the continued
        // fractions. Each logarithm carries a few ulps of the terms it is
        // built from (as large as |ln tail|), so the tolerance is
        // 1e-15·(1 + |ln want|) absolute on each logarithm. (The continued
        // fraction, which served these points before the expansion, was off
        // by 1.4e-9 at a = 1.2e10, b = 1e4.)
        let cases = crate::stats::testing::beta_large("tails");
        assert!(cases.len() >= 10);
        for case in cases {
            let num = |k: &str| case[k].as_f64().unwrap();
            let (a, b, x) = (num("a"), num("b"), num("x"));
            let t = beta_tails(a, b, x);
            for (got, want) in [(t.ln_lower, num("ln_lower")), (t.ln_upper, num("ln_upper"))] {
                let tol = 1e-15 * (1.0 + want.abs());
                assert!(
                    (got - want).abs() <= tol,
                    "{case}: got {got}, want {want}, diff {:e}",
                    got - want
                );
            }
        }
    }

    #[test]
    fn uniform_expansion_agrees_with_the_other_routes() {
        // Where the continued fractions and the large-b expansion are accurate
        // (parameters up to 1e5 here), the uniform expansion must agree with
        // them: 5e-13·(1 + |ln tail|) absolute on the log of the smaller tail.
        // Beyond that the fractions drift, not the expansion: at a = 1e6,
        // b = 2e3, z = −8 they differ by 6.6e-12 (ln tail ≈ −31.66), and
        // mpmath's quadrature (as in beta_large.py) gives −31.65775307713642,
        // the expansion's value to all digits shown. Grid: min(a, b) from 1e3 (the expansion's
        // threshold) up, both orientations, z from −8 to 8 standard
        // deviations (|ω| ≤ 1 throughout, so the expansion is taken).
        for (a, b) in [
            (1e3, 1e3),
            (1e3, 7e4),
            (2e4, 3e3),
            (1e5, 1e5),
            (1e4, 1e6),
            (1e5, 2e3),
        ] {
            let s: f64 = a + b;
            let sd = (a * b / (s * s * (s + 1.0))).sqrt();
            for z in [-8.0, -2.0, -0.5, 0.0, 0.3, 1.5, 4.0, 8.0] {
                let x = a / s + z * sd;
                let new = beta_tails_uniform(a, b, x).expect("|ω| ≤ 1 here");
                let old = beta_tails_by_fractions(a, b, x);
                let (got, want) = if new.lower < new.upper {
                    (new.ln_lower, old.ln_lower)
                } else {
                    (new.ln_upper, old.ln_upper)
                };
                assert!(
                    (got - want).abs() <= 5e-13 * (1.0 + want.abs()),
                    "a = {a}, b = {b}, z = {z}: {got} vs {want}"
                );
            }
        }
        // Beyond |ω| = 1 the expansion declines and the other routes answer.
        assert!(beta_tails_uniform(1e3, 1e4, 1e3 / 1.1e4 * 0.2).is_none());
    }

    #[test]
    fn incomplete_beta_huge_symmetric_is_normal() {
        // Beta(a, a) with a = 1e17 is N(½, 1/(8a+4)) up to O(1/a) (no skewness).
        // z is taken from the representable x itself (x − ½ is exact), and
        // Φ(z) = 1 − ½e^{−z²/2}·erfcx(z/√2). Tolerance 1e-6 relative: near the
        // bulk of so huge a beta the continued fraction runs over ~1e6 terms,
        // each of whose steps forms 1 + aa·d with aa·d ≈ −1, and the
        // rounding accumulates to an error near 2e-7. That error moves a
        // quantile by only error·F/(x f) ≈ 1e-17 relative (the density there is
        // ≈ 1/sd ≈ 1e9), which is what the quantiles need.
        let a: f64 = 1e17;
        let sd = (1.0 / (8.0 * a + 4.0)).sqrt();
        for k in [-3.0, -1.0, 1.0, 2.0] {
            let x = 0.5 + k * sd;
            let z = (x - 0.5) / sd;
            let w = z.abs() / std::f64::consts::SQRT_2;
            let small = 0.5 * (-w * w).exp() * erfcx(w);
            let t = beta_tails(a, a, x);
            let (got, want) = if z < 0.0 {
                (t.lower, small)
            } else {
                (t.upper, small)
            };
            assert!(rel(got, want) < 1e-6, "z = {z}: {t:?} vs {want}");
        }
    }
}
