//! Cancellation-free elementary forms that the incomplete gamma and beta
//! functions rest on: ln(1+x) − x, eˣ − 1 − x, Stirling's error and ln Γ.

use super::LN_SQRT_2PI;
use crate::tolerance::{EXPM1MX_MAX_N, LOG1PMX_MAX_ODD, NEGLIGIBLE};
use statrs::function::gamma::ln_gamma as statrs_ln_gamma;

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
    while odd < LOG1PMX_MAX_ODD {
        let term = power / odd;
        sum += term;
        if term.abs() <= sum.abs() * NEGLIGIBLE {
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
    while n < EXPM1MX_MAX_N {
        term *= x / n;
        sum += term;
        if term.abs() <= sum.abs() * NEGLIGIBLE {
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
}
