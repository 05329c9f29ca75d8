//! Special functions behind the distributions, written for relative accuracy.
//!
//! Everything here is private to [`crate::stats`]; the public faces are in
//! [`super::dist`]. One file per family, each using only the files listed
//! before it:
//!
//! - this file: [`Tails`] (both tails of a distribution at one point, with
//!   their logarithms), the shared constants and the modified-Lentz step
//!   that both continued fractions take;
//! - `elementary`: cancellation-free elementary forms, `log1pmx(x) =
//!   ln(1+x) − x`, `expm1mx(x) = eˣ − 1 − x`, Stirling's error `stirlerr`
//!   and ln Γ;
//! - `gamma`: the regularised incomplete gamma functions P(a, x) and
//!   Q(a, x), with their logarithms, so that a tail far below the smallest
//!   double still has an accurate logarithm; and the scaled complementary
//!   error function `erfcx(y) = e^{y²} erfc(y)`, which is Q(½, y²) and
//!   shares its continued fraction (statrs 0.19's `erfc` is only good to
//!   about 1e-10 relative, so it is not used);
//! - `beta`: the regularised incomplete beta function I_x(a, b) and its
//!   complement, accurate for a, b from 0.5 up to 1e18.
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
//! a = 1.2e10, b = 1e4; ~1e-7 near the bulk of Beta(1e17, 1e17)). The
//! prefactors xᵃe⁻ˣ/Γ(a) and xᵃ(1−x)ᵇ/B(a, b) are built in Loader's
//! saddle-point form (Loader 2000, "Fast and accurate computation
//! of binomial probabilities"): a deviance written with `log1pmx` plus
//! Stirling errors, which keeps full relative accuracy when a and b are huge
//! and the large logarithms of Γ would cancel.

mod beta;
mod elementary;
mod gamma;

pub(crate) use beta::{beta_ln_density, beta_tails};
pub(crate) use elementary::{expm1mx_over_x, ln_gamma, log1pmx, stirlerr};
pub(crate) use gamma::{gamma_ln_density, gamma_tails, gamma_tails_diff};

use crate::tolerance::TINY;

/// ½ ln(2π).
pub(crate) const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
/// √π.
const SQRT_PI: f64 = 1.772_453_850_905_516;
/// 2π.
const TWO_PI: f64 = std::f64::consts::TAU;

/// Both tails of a distribution at one point, each with its logarithm.
///
/// `lower + upper = 1` up to rounding; each is accurate in relative terms,
/// and `ln_lower`/`ln_upper` stay finite (and accurate) where the tail
/// itself underflows to 0. A tail that is exactly 0 has logarithm −∞.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Tails {
    /// The lower tail P(X ≤ x).
    pub lower: f64,
    /// The upper tail P(X > x).
    pub upper: f64,
    /// ln of the lower tail.
    pub ln_lower: f64,
    /// ln of the upper tail.
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

    /// The point mass: all probability in the lower tail
    /// (`lower_is_one = true`) or all in the upper one.
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
