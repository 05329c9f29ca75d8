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
mod shared;

pub(crate) use beta::{beta_ln_density, beta_tails};
pub(crate) use elementary::{expm1mx_over_x, ln_gamma, log1pmx, log1pmx_with, stirlerr};
pub(crate) use gamma::{gamma_ln_density, gamma_tails, gamma_tails_diff};
pub(crate) use shared::{Tails, LN_SQRT_2PI};
