//! What the special functions share: mathematical constants, [`Tails`]
//! (both tails of a distribution with their logarithms), and one step of
//! the modified Lentz algorithm for continued fractions.

use crate::tolerance::TINY;

/// ½ ln(2π).
pub(crate) const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
/// √π.
pub(super) const SQRT_PI: f64 = 1.772_453_850_905_516;
/// 2π.
pub(super) const TWO_PI: f64 = std::f64::consts::TAU;

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
    /// Both tails undefined: a NaN argument.
    pub(crate) const NAN: Tails = Tails {
        lower: f64::NAN,
        upper: f64::NAN,
        ln_lower: f64::NAN,
        ln_upper: f64::NAN,
    };

    /// Both tails from an accurate `lower` tail given by its logarithm.
    pub(super) fn from_ln_lower(ln_lower: f64) -> Self {
        let lower = ln_lower.exp();
        Tails {
            lower,
            upper: 1.0 - lower,
            ln_lower,
            ln_upper: (-lower).ln_1p(),
        }
    }

    /// Both tails from an accurate `upper` tail given by its logarithm.
    pub(super) fn from_ln_upper(ln_upper: f64) -> Self {
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
    pub(super) fn certain(lower_is_one: bool) -> Self {
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
pub(super) fn lentz_step(c: &mut f64, d: &mut f64, a: f64, b: f64) -> f64 {
    let away = |v: f64| if v.abs() < TINY { TINY } else { v };
    *d = 1.0 / away(b + a * *d);
    *c = away(b + a / *c);
    *c * *d
}
