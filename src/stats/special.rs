//! Special functions behind the distributions, written for relative accuracy.
//!
//! Everything here is private to [`crate::stats`]; the public faces are in
//! [`super::dist`]. The pieces:
//!
//! - cancellation-free elementary forms: `log1pmx(x) = ln(1+x) − x`,
//!   `expm1mx(x) = eˣ − 1 − x`, and Stirling's error `stirlerr`;
//! - the scaled complementary error function `erfcx(y) = e^{y²} erfc(y)`
//!   (statrs 0.19's `erfc` is only good to about 1e-10 relative, so it is
//!   not used);
//! - the regularised incomplete gamma functions P(a, x) and Q(a, x), with
//!   their logarithms, so that a tail far below the smallest double still
//!   has an accurate logarithm;
//! - the regularised incomplete beta function I_x(a, b) and its complement,
//!   accurate for a, b from 0.5 up to 1e18.
//!
//! Methods: the power series for P and the Legendre continued fraction for Q
//! (Numerical Recipes, 3rd ed., §6.2), Temme's uniform asymptotic expansion
//! for a ≥ 1e5 (DLMF 8.12.8–8.12.10; Temme 1979); for I_x(a, b) the
//! Numerical Recipes continued fraction (§6.4) by modified Lentz, each side
//! of the mean in its own convergent direction, and a large-b expansion in
//! incomplete gamma functions (the idea of Didonato & Morris's BGRAT) that
//! keeps the upper tail accurate where 1 − x would round away the answer;
//! and for min(a, b) ≥ 1000 near the bulk, Temme's uniform error-function
//! expansion (the form of Didonato & Morris's BASYM), which costs a few
//! dozen flops where the fractions need ~√max(a, b) terms and, beyond
//! parameters of about 1e6, lose digits to rounding (1e-9 relative at
//! a = 1.2e10, b = 1e4; ~1e-7 near the bulk of Beta(1e17, 1e17)). The prefactors xᵃe⁻ˣ/Γ(a) and xᵃ(1−x)ᵇ/B(a, b) are built
//! in Loader's saddle-point form (Loader 2000, "Fast and accurate computation
//! of binomial probabilities"): a deviance written with `log1pmx` plus
//! Stirling errors, which keeps full relative accuracy when a and b are huge
//! and the large logarithms of Γ would cancel.

use statrs::function::gamma::ln_gamma as statrs_ln_gamma;

/// ½ ln(2π).
pub(crate) const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
/// √π.
const SQRT_PI: f64 = 1.772_453_850_905_516;
/// 2π.
const TWO_PI: f64 = std::f64::consts::TAU;
/// Relative convergence tolerance of the series and continued fractions.
const EPS: f64 = 2.0 * f64::EPSILON;
/// Guard against division by zero in modified Lentz.
const TINY: f64 = 1e-300;
/// At or above this shape parameter the incomplete gamma functions use
/// Temme's uniform expansion (whose first omitted term is below 1e-15
/// relative there) instead of series and continued fractions, whose length
/// grows like √a.
const TEMME_MIN_A: f64 = 1e5;
/// Iteration cap for every series and continued fraction; never reached by
/// the arguments that diceml produces (the worst, a continued fraction at
/// the median of Beta(1e17, 1e17), needs a few million).
const MAX_ITER: usize = 50_000_000;

/// Both tails of a distribution at one point, each with its logarithm.
///
/// `lower + upper = 1` up to rounding; each is accurate in relative terms,
/// and `ln_lower`/`ln_upper` stay finite (and accurate) where the tail
/// itself underflows to 0. A tail that is exactly 0 has logarithm −∞.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Tails {
    pub lower: f64,
    pub upper: f64,
    pub ln_lower: f64,
    pub ln_upper: f64,
}

impl Tails {
    /// Both tails from an accurate `lower` tail given by its logarithm.
    fn from_ln_lower(ln_lower: f64) -> Self {
        let lower = ln_lower.exp();
        Tails {
            lower,
            upper: 1.0 - lower,
            ln_lower,
            ln_upper: (-lower).ln_1p(),
        }
    }

    /// Both tails from an accurate `upper` tail given by its logarithm.
    fn from_ln_upper(ln_upper: f64) -> Self {
        let upper = ln_upper.exp();
        Tails {
            lower: 1.0 - upper,
            upper,
            ln_lower: (-upper).ln_1p(),
            ln_upper,
        }
    }

    /// The point mass: all probability below (`at_or_above = true`) or
    /// above the point.
    fn certain(lower_is_one: bool) -> Self {
        if lower_is_one {
            Tails {
                lower: 1.0,
                upper: 0.0,
                ln_lower: 0.0,
                ln_upper: f64::NEG_INFINITY,
            }
        } else {
            Tails {
                lower: 0.0,
                upper: 1.0,
                ln_lower: f64::NEG_INFINITY,
                ln_upper: 0.0,
            }
        }
    }
}

/// ln(1 + x) − x without cancellation for small |x| (x ≥ −1).
///
/// For |x| ≤ ½ the series in r = x/(2+x):
/// ```text
/// ln(1+x) − x = −r·x + 2 (r³/3 + r⁵/5 + r⁷/7 + …),   |r| ≤ 1/3
/// ```
pub(crate) fn log1pmx(x: f64) -> f64 {
    if x.is_nan() || x.abs() > 0.5 {
        return x.ln_1p() - x;
    }
    let r = x / (2.0 + x);
    let r2 = r * r;
    let mut power = r * r2;
    let mut sum = 0.0;
    let mut odd = 3.0;
    while odd < 200.0 {
        let term = power / odd;
        sum += term;
        if term.abs() <= sum.abs() * 1e-17 {
            break;
        }
        power *= r2;
        odd += 2.0;
    }
    -r * x + 2.0 * sum
}

/// log1pmx(u) = ln(1 + u) − u, given also a way to compute ln(1 + u) from
/// the original operands: used when |u| > ½, where 1 + u may have lost
/// its digits in the subtraction that produced u (e.g. u = (x − m)/m with
/// x ≪ m).
pub(crate) fn log1pmx_with(u: f64, ln_one_plus_u: impl FnOnce() -> f64) -> f64 {
    if u.abs() <= 0.5 {
        log1pmx(u)
    } else {
        ln_one_plus_u() - u
    }
}

/// eˣ − 1 − x without cancellation for small |x|.
///
/// ```text
/// eˣ − 1 − x = Σ_{n≥2} xⁿ/n!      (|x| ≤ ½)
/// ```
pub(crate) fn expm1mx(x: f64) -> f64 {
    if x.is_nan() || x.abs() > 0.5 {
        return x.exp_m1() - x;
    }
    let mut term = 0.5 * x * x;
    let mut sum = term;
    let mut n = 3.0;
    while n < 40.0 {
        term *= x / n;
        sum += term;
        if term.abs() <= sum.abs() * 1e-17 {
            break;
        }
        n += 1.0;
    }
    sum
}

/// (eᶻ − 1 − z)/z, continuous at z = 0 where it is 0.
pub(crate) fn expm1mx_over_x(z: f64) -> f64 {
    if z == 0.0 {
        0.0
    } else {
        expm1mx(z) / z
    }
}

/// ln Γ(x) for x > 0 (statrs's Lanczos approximation, about 1e-15 relative).
pub(crate) fn ln_gamma(x: f64) -> f64 {
    statrs_ln_gamma(x)
}

/// Stirling's error: what remains of ln Γ(x) after Stirling's formula.
///
/// ```text
/// stirlerr(x) = ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π]
///             = 1/(12x) − 1/(360x³) + 1/(1260x⁵) − …      (x ≥ 10)
/// ```
/// The series (Bernoulli numbers B₂ₖ/(2k(2k−1)x^{2k−1})) is summed through
/// x⁻¹⁵ at x ≥ 10, beyond 1e-17 relative; below 10 half-integers come from
/// a table and other values from statrs's ln Γ, with an absolute error up
/// to about 2e-14.
pub(crate) fn stirlerr(x: f64) -> f64 {
    if x >= 10.0 {
        let y = 1.0 / (x * x);
        const C: [f64; 8] = [
            1.0 / 12.0,
            -1.0 / 360.0,
            1.0 / 1260.0,
            -1.0 / 1680.0,
            1.0 / 1188.0,
            -691.0 / 360_360.0,
            1.0 / 156.0,
            -3617.0 / 122_400.0,
        ];
        let mut acc = 0.0;
        for c in C.iter().rev() {
            acc = acc * y + c;
        }
        acc / x
    } else if (2.0 * x).fract() == 0.0 && x > 0.0 {
        STIRLERR_HALVES[(2.0 * x) as usize - 1]
    } else {
        ln_gamma(x) - (x - 0.5) * x.ln() + x - LN_SQRT_2PI
    }
}

/// stirlerr(k/2) for k = 1..19, from mpmath at 40 digits (as in Loader's
/// table): counts and counts + ½ are the common arguments, and the ln Γ
/// difference would carry about 2e-14 of rounding there.
const STIRLERR_HALVES: [f64; 19] = [
    0.15342640972002736,
    0.08106146679532726,
    0.05481412105191765,
    0.0413406959554093,
    0.03316287351993629,
    0.02767792568499834,
    0.023746163656297496,
    0.020790672103765093,
    0.018488450532673187,
    0.016644691189821193,
    0.015134973221917378,
    0.013876128823070748,
    0.012810465242920227,
    0.01189670994589177,
    0.011104559758206917,
    0.010411265261972096,
    0.009799416126158804,
    0.009255462182712733,
    0.008768700134139386,
];

/// The scaled complementary error function e^{y²} erfc(y) for y ≥ 0.
///
/// ```text
/// y < 1.25:  erfc(y) = 1 − (2/√π) y e^{−y²} Σ (2y²)ⁿ / (1·3·…·(2n+1))
/// y ≥ 1.25:  e^{y²} erfc(y) = (y/√π) · CF(½, y²)
/// ```
/// where CF is the Legendre continued fraction of Q(½, x)·Γ(½)/(√x e⁻ˣ)
/// (erfc(y) = Q(½, y²)); for y > 1e8 the first term 1/(y√π) is exact to
/// double precision.
pub(crate) fn erfcx(y: f64) -> f64 {
    if y < 1.25 {
        let y2 = y * y;
        let mut term = y;
        let mut sum = y;
        let mut n = 0.0;
        while n < 200.0 {
            term *= 2.0 * y2 / (2.0 * n + 3.0);
            sum += term;
            if term <= sum * 1e-17 {
                break;
            }
            n += 1.0;
        }
        let e = y2.exp();
        e - 2.0 / SQRT_PI * sum
    } else if y > 1e8 {
        1.0 / (y * SQRT_PI)
    } else {
        y / SQRT_PI * gamma_cf(0.5, y * y)
    }
}

/// Legendre's continued fraction h with Q(a, x) = [xᵃe⁻ˣ/Γ(a)] · h, by
/// modified Lentz (Numerical Recipes §6.2, `gcf`); for x > a + 1.
///
/// ```text
/// h = 1/(x+1−a − 1·(1−a)/(x+3−a − 2·(2−a)/(x+5−a − …)))
/// ```
fn gamma_cf(a: f64, x: f64) -> f64 {
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / b;
    let mut h = d;
    let mut i = 1.0;
    for _ in 0..MAX_ITER {
        b += 2.0;
        let del = lentz_step(&mut c, &mut d, -i * (i - a), b);
        h *= del;
        if (del - 1.0).abs() <= EPS {
            break;
        }
        i += 1.0;
    }
    h
}

/// One step of the modified Lentz algorithm for a continued fraction
/// b₀ + a₁/(b₁ + a₂/(b₂ + …)) with partial numerator `a` and denominator
/// `b` (Numerical Recipes §5.2): updates C and D, each kept away from 0 by
/// [`TINY`], and returns the factor Δ = C·D that multiplies the estimate.
///
/// ```text
/// D ← 1/(b + a·D),   C ← b + a/C,   Δ = C·D
/// ```
#[inline]
fn lentz_step(c: &mut f64, d: &mut f64, a: f64, b: f64) -> f64 {
    let away = |v: f64| if v.abs() < TINY { TINY } else { v };
    *d = 1.0 / away(b + a * *d);
    *c = away(b + a / *c);
    *c * *d
}

/// The series s with P(a, x) = [xᵃe⁻ˣ/Γ(a)] · s (Numerical Recipes §6.2,
/// `gser`); for x < a + 1.
///
/// ```text
/// s = (1/a) Σ_{n≥0} xⁿ / ((a+1)(a+2)…(a+n))
/// ```
fn gamma_series(a: f64, x: f64) -> f64 {
    let mut ap = a;
    let mut del = 1.0 / a;
    let mut sum = del;
    for _ in 0..MAX_ITER {
        ap += 1.0;
        del *= x / ap;
        sum += del;
        if del.abs() <= sum.abs() * EPS {
            break;
        }
    }
    sum
}

/// ln[xᵃ e⁻ˣ / Γ(a)], given `diff = x − a` computed exactly by the caller.
///
/// ```text
/// a < 10:  a ln x − x − ln Γ(a)
/// a ≥ 10:  a·log1pmx((x − a)/a) + ½ ln(a/2π) − stirlerr(a)
/// ```
/// The second form (Loader's) has no cancellation when x ≈ a is large.
fn gamma_ln_prefactor(a: f64, x: f64, diff: f64) -> f64 {
    if a < 10.0 {
        a * x.ln() - x - ln_gamma(a)
    } else {
        a * log1pmx_with(diff / a, || (x / a).ln()) + 0.5 * (a / TWO_PI).ln() - stirlerr(a)
    }
}

/// Temme's coefficients c₀(η), c₁(η) of the uniform expansion, with
/// u = λ − 1 = (x − a)/a.
///
/// ```text
/// c₀ = 1/u − 1/η
/// c₁ = 1/η³ − 1/u³ − 1/u² − 1/(12u)
/// ```
/// (DLMF 8.12.10); near η = 0, where both forms cancel, their Taylor series
/// (Temme 1979): c₀ = −1/3 + η/12 − 2η²/135 + η³/864 + η⁴/2835
/// − 139η⁵/777600 + η⁶/25515 − 571η⁷/261273600, c₁ = −1/540 − η/288
/// + η²/378 − 77η³/77760.
fn temme_coefficients(eta: f64, u: f64) -> (f64, f64) {
    if eta.abs() < 0.1 {
        let c0 = [
            -1.0 / 3.0,
            1.0 / 12.0,
            -2.0 / 135.0,
            1.0 / 864.0,
            1.0 / 2835.0,
            -139.0 / 777_600.0,
            1.0 / 25_515.0,
            -571.0 / 261_273_600.0,
        ];
        let c1 = [-1.0 / 540.0, -1.0 / 288.0, 1.0 / 378.0, -77.0 / 77_760.0];
        let horner = |c: &[f64]| c.iter().rev().fold(0.0, |acc, k| acc * eta + k);
        (horner(&c0), horner(&c1))
    } else {
        let c0 = 1.0 / u - 1.0 / eta;
        let c1 = 1.0 / (eta * eta * eta) - 1.0 / (u * u * u) - 1.0 / (u * u) - 1.0 / (12.0 * u);
        (c0, c1)
    }
}

/// P(a, x) and Q(a, x) by Temme's uniform expansion (a ≥ 1e5).
///
/// ```text
/// u = (x − a)/a,  t = −a·log1pmx(u) = a(λ − 1 − ln λ) = aη²/2,  y = sign(u)√t
/// Q = ½ erfc(y) + e^{−t} (c₀ + c₁/a)/√(2πa)
/// ```
/// evaluated as e^{−t}·[½ erfcx(y) + (c₀ + c₁/a)/√(2πa)] for the smaller
/// tail, whose logarithm is then −t + ln[…] with no underflow.
fn gamma_temme(a: f64, x: f64, diff: f64) -> Tails {
    let u = diff / a;
    let half_eta2 = -log1pmx_with(u, || (x / a).ln());
    let t = a * half_eta2;
    let eta = (2.0 * half_eta2).sqrt().copysign(u);
    let (c0, c1) = temme_coefficients(eta, u);
    let r = (c0 + c1 / a) / (TWO_PI * a).sqrt();
    if u >= 0.0 {
        let scaled = 0.5 * erfcx(t.sqrt()) + r;
        Tails::from_ln_upper(-t + scaled.ln())
    } else {
        let scaled = 0.5 * erfcx(t.sqrt()) - r;
        Tails::from_ln_lower(-t + scaled.ln())
    }
}

/// The regularised incomplete gamma functions P(a, x) (lower) and Q(a, x)
/// (upper) for a > 0, x ≥ 0.
///
/// ```text
/// P(a, x) = γ(a, x)/Γ(a) = (1/Γ(a)) ∫₀ˣ t^{a−1} e^{−t} dt,   Q = 1 − P
/// ```
/// Each tail is accurate in relative terms (about 1e-14 in the bulk, 1e-13
/// where it is near 1e-300) and its logarithm stays accurate beyond
/// underflow. `diff` must be x − a, which callers with integer arguments
/// can supply exactly.
pub(crate) fn gamma_tails_diff(a: f64, x: f64, diff: f64) -> Tails {
    if x.is_nan() || a.is_nan() {
        return Tails {
            lower: f64::NAN,
            upper: f64::NAN,
            ln_lower: f64::NAN,
            ln_upper: f64::NAN,
        };
    }
    if x <= 0.0 {
        return Tails::certain(false);
    }
    if x == f64::INFINITY {
        return Tails::certain(true);
    }
    if a >= TEMME_MIN_A {
        return gamma_temme(a, x, diff);
    }
    let ln_pre = gamma_ln_prefactor(a, x, diff);
    if x < a + 1.0 {
        let s = gamma_series(a, x);
        // Direct product when it cannot over/underflow: avoids the rounding
        // of a large logarithm in exp().
        let lower = if a < 10.0 && x < 708.0 {
            x.powf(a) * (-x).exp() / ln_gamma(a).exp() * s
        } else {
            (ln_pre + s.ln()).exp()
        };
        if lower > 0.0 {
            Tails {
                lower,
                upper: 1.0 - lower,
                ln_lower: lower.ln(),
                ln_upper: (-lower).ln_1p(),
            }
        } else {
            Tails::from_ln_lower(ln_pre + s.ln())
        }
    } else {
        let h = gamma_cf(a, x);
        let upper = if a < 10.0 && x < 708.0 {
            x.powf(a) * (-x).exp() / ln_gamma(a).exp() * h
        } else {
            (ln_pre + h.ln()).exp()
        };
        if upper > 0.0 {
            Tails {
                lower: 1.0 - upper,
                upper,
                ln_lower: (-upper).ln_1p(),
                ln_upper: upper.ln(),
            }
        } else {
            Tails::from_ln_upper(ln_pre + h.ln())
        }
    }
}

/// [`gamma_tails_diff`] with x − a formed in floating point.
pub(crate) fn gamma_tails(a: f64, x: f64) -> Tails {
    gamma_tails_diff(a, x, x - a)
}

/// ln of the Gamma(a, 1) density at x: (a − 1) ln x − x − ln Γ(a).
pub(crate) fn gamma_ln_density(a: f64, x: f64) -> f64 {
    gamma_ln_prefactor(a, x, x - a) - x.ln()
}

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
/// every a, b > 0; accurate to a few ulps of the largest term.
pub(crate) fn beta_ln_prefactor(a: f64, b: f64, x: f64) -> f64 {
    let s = a + b;
    let mu = a / s;
    let nu = b / s;
    let d = x - mu;
    let t1 = a * log1pmx_with(d / mu, || (x / mu).ln());
    let t2 = b * log1pmx_with(-d / nu, || (-x).ln_1p() - nu.ln());
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
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    let mut m = 1.0;
    for _ in 0..MAX_ITER {
        let m2 = 2.0 * m;
        h *= lentz_step(
            &mut c,
            &mut d,
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            1.0,
        );
        let del = lentz_step(
            &mut c,
            &mut d,
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
            1.0,
        );
        h *= del;
        if (del - 1.0).abs() <= EPS {
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
        return Tails {
            lower: f64::NAN,
            upper: f64::NAN,
            ln_lower: f64::NAN,
            ln_upper: f64::NAN,
        };
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
/// Terms of the expansion before giving up (and falling back).
const UNIFORM_TERMS: usize = 64;

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
/// convergence in [`UNIFORM_TERMS`] terms), leaving the caller to its other
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
    let mut uc = [0.0f64; UNIFORM_TERMS + 2];
    let mut sq = [0.0f64; UNIFORM_TERMS + 3];
    let mut phi = [0.0f64; UNIFORM_TERMS + 1];
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
    for n in 1..=UNIFORM_TERMS {
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
        if term.abs() <= 1e-17 * (t0 + rest_sum).abs() {
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
    const TERMS: usize = 120;
    let mut e = [0.0f64; TERMS];
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
    for j in 1..TERMS {
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
        if dl.abs() <= 1e-17 * lower.abs() && du.abs() <= 1e-17 * upper.abs() {
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
    fn log1pmx_matches_mpmath() {
        // Reference: mpmath log1p(t) − t at 50 digits; tolerance 1e-15 relative.
        let cases = [
            (1e-10, -4.9999999996666664e-21),
            (0.3, -0.03763573553250895),
            (-0.4, -0.11082562376599069),
            (0.7, -0.1693717489378296),
            (-0.9, -1.4025850929940458),
            (5.0, -3.208240530771945),
        ];
        for (t, want) in cases {
            assert!(rel(log1pmx(t), want) < 1e-15, "t = {t}: {}", log1pmx(t));
        }
        assert_eq!(log1pmx(0.0), 0.0);
    }

    #[test]
    fn log1pmx_with_keeps_digits_when_one_plus_u_cancels() {
        // x = 1e-20 against m = 1: u = x − 1 rounds to −1, but ln(x/m) is exact.
        let x = 1e-20_f64;
        let got = log1pmx_with(x - 1.0, || x.ln());
        // ln(1e-20) + 1 − 1e-20; tolerance 1e-15 relative.
        assert!(rel(got, (1e-20_f64).ln() + 1.0) < 1e-15);
    }

    #[test]
    fn expm1mx_small_and_large() {
        // e^x − 1 − x: series x²/2 + x³/6 + … at 1e-8 (relative 1e-15), direct at 2.
        assert!(rel(expm1mx(1e-8), 5e-17 + 1e-24 / 6.0) < 1e-15);
        assert!(rel(expm1mx(2.0), 2f64.exp() - 3.0) < 1e-15);
        assert!(rel(expm1mx_over_x(0.25), (0.25f64.exp() - 1.25) / 0.25) < 1e-14);
        assert_eq!(expm1mx_over_x(0.0), 0.0);
    }

    #[test]
    fn stirlerr_matches_mpmath() {
        // Reference: mpmath loggamma(x) − [(x−½)ln x − x + ½ln 2π]. Half-integers
        // below 10 come from the table (1e-16 relative); other values below 10 are
        // a difference of terms up to ≈ 20 (statrs's lnΓ), held to 3e-14 absolute;
        // the series (x ≥ 10) to 1e-14 relative.
        for (x, want) in [
            (0.5, 0.15342640972002736),
            (1.0, 0.08106146679532726),
            (9.5, 0.008768700134139386),
        ] {
            assert!(
                rel(stirlerr(x), want) < 1e-15,
                "x = {x}: {}",
                stirlerr(x) - want
            );
        }
        // mpmath: stirlerr(3.7) = 0.022468770580143148, stirlerr(0.3) = 0.2360649007482156.
        for (x, want) in [(3.7, 0.022468770580143148), (0.3, 0.2360649007482156)] {
            assert!(
                (stirlerr(x) - want).abs() < 3e-14,
                "x = {x}: {}",
                stirlerr(x) - want
            );
        }
        for (x, want) in [(10.0, 0.00833056343336287), (1000.0, 8.333333055555635e-05)] {
            assert!(rel(stirlerr(x), want) < 1e-14, "x = {x}");
        }
    }

    #[test]
    fn erfcx_matches_mpmath() {
        // Reference: mpmath exp(y²)·erfc(y) at 50 digits; tolerance 1e-14 relative
        // (covers both branches, either side of y = 1.25, and the far tail).
        let cases = [
            (0.0, 1.0),
            (0.5, 0.6156903441929259),
            (1.2, 0.3785374169292397),
            (1.3, 0.3576426690860903),
            (3.0, 0.17900115118138996),
            (30.0, 0.01879588886141675),
            (1e5, 5.6418958351954685e-06),
        ];
        for (y, want) in cases {
            assert!(rel(erfcx(y), want) < 1e-14, "y = {y}: {}", erfcx(y));
        }
    }

    #[test]
    fn incomplete_gamma_matches_mpmath_on_every_route() {
        // Reference: mpmath gammainc(a, x, regularized=True) at 50 digits.
        // Routes: series (x < a+1), continued fraction, Temme (a ≥ 1e5), and the
        // boundary a = 99999 / 100000 on both sides. Tolerance 1e-13 relative on
        // each tail (the smaller tail is the demanding one).
        let cases = [
            (0.5, 0.1, 0.654720846018577, 0.34527915398142295),
            (3.5, 2.0, 0.779777408475716, 0.22022259152428408),
            (3.5, 20.0, 1.2587903873713088e-06, 0.9999987412096126),
            (99999.0, 99000.0, 0.9992342774395879, 0.0007657225604120302),
            (100000.0, 99000.0, 0.9992425800788253, 0.0007574199211747679),
            (
                100000.0,
                101000.0,
                0.0008084215129255907,
                0.9991915784870744,
            ),
            (1e6, 1e6, 0.4998670192391274, 0.5001329807608725),
        ];
        for (a, x, q, p) in cases {
            let t = gamma_tails(a, x);
            assert!(
                rel(t.upper, q) < 1e-13 && rel(t.lower, p) < 1e-13,
                "a = {a}, x = {x}: {t:?}"
            );
        }
    }

    #[test]
    fn incomplete_gamma_logarithm_survives_underflow() {
        // ln Q(2.5, 5e5) and ln Q(1e5, 1.2e5) from mpmath; tolerance 1e-14 relative.
        assert!(rel(gamma_tails(2.5, 5e5).ln_upper, -499980.60113480437) < 1e-14);
        assert!(rel(gamma_tails(1e5, 1.2e5).ln_upper, -1772.910584581419) < 1e-14);
        // Q(1, x) = e^{−x} exactly: ln Q = −x to 1e-15 relative at x = 1e9.
        assert!(rel(gamma_tails(1.0, 1e9).ln_upper, -1e9) < 1e-15);
    }

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
