//! Bayesian summaries under a symmetric Dirichlet(α) prior: the marginal
//! posterior of each face probability and the Bayes factor of a free die
//! against the point null.

use super::dist::{beta_quantile, beta_quantile_upper};
use super::gof::{cells, phi};
use super::special::{log1pmx_with, stirlerr};

/// The marginal posterior of one face probability.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Posterior {
    /// Posterior mean (n_k + α)/(N + Kα).
    pub mean: f64,
    /// Lower end of the equal-tailed credible interval.
    pub low: f64,
    /// Upper end of the equal-tailed credible interval.
    pub high: f64,
}

/// Posterior means and equal-tailed credible intervals of the face
/// probabilities under a Dirichlet(α, …, α) prior.
///
/// ```text
/// p | n ~ Dirichlet(n + α)  ⇒  p_k | n ~ Beta(n_k + α, N − n_k + (K−1)α)
/// mean_k = (n_k + α)/(N + Kα)
/// [low, high] = Beta quantiles at (1 − level)/2 and (1 + level)/2
/// ```
/// (Gelman et al., Bayesian Data Analysis, 3rd ed., §3.4). The quantiles
/// come from [`beta_quantile`] (lower) and [`beta_quantile_upper`] (upper,
/// from the tail probability (1 − level)/2 itself), accurate to about
/// 1e-13 relative for any N up to 1e18. Where (K−1)α or N + Kα overflows
/// (α beyond about 1.8e308/K), the posterior's standard deviation relative
/// to its mean, about α^{−1/2} < 1e-153, is far below an ulp: the interval
/// is the mean, (n_k/α + 1)/(N/α + K), at both ends. Preconditions: α > 0
/// and finite, 0 < level < 1. K = 1 gives the point mass at 1.
pub fn posterior(counts: &[u64], alpha: f64, level: f64) -> Vec<Posterior> {
    let k = counts.len() as f64;
    let total: u128 = counts.iter().map(|&c| u128::from(c)).sum();
    let tail = 0.5 * (1.0 - level);
    counts
        .iter()
        .map(|&c| {
            let a = c as f64 + alpha;
            let b = (total - u128::from(c)) as f64 + (k - 1.0) * alpha;
            if !(a + b).is_finite() {
                let mean = (c as f64 / alpha + 1.0) / (total as f64 / alpha + k);
                return Posterior {
                    mean,
                    low: mean,
                    high: mean,
                };
            }
            Posterior {
                mean: a / (a + b),
                low: beta_quantile(tail, a, b),
                high: beta_quantile_upper(tail, a, b),
            }
        })
        .collect()
}

/// ln(1 + x), given also `one_plus_x` computed from the operands: used
/// where |x| > ½, where 1 + x may have lost its digits.
fn ln_1p_or(x: f64, one_plus_x: f64) -> f64 {
    if x.abs() <= 0.5 {
        x.ln_1p()
    } else {
        one_plus_x.ln()
    }
}

/// log₁₀ of the Bayes factor of a die with a Dirichlet(α) prior on its
/// face probabilities against the point null p = p0.
///
/// ```text
/// BF₁₀ = [Γ(Kα)/Γ(N+Kα)] Π_k [Γ(n_k+α)/Γ(α)]  /  Π_k p0_k^{n_k}
/// ln BF₁₀ = ln Γ(Kα) − ln Γ(N+Kα) + Σ_k [ln Γ(n_k+α) − ln Γ(α)] − Σ_k n_k ln p0_k
/// ```
/// (the multinomial coefficient cancels; Good 1967, Jeffreys 1961). BF > 1
/// favours the free die. No large ln Γ is ever subtracted from another:
/// with y_k = n_k + α, Y = N + Kα, d_k = K n_k − N (exact integers, Σ d_k
/// = 0) and Stirling's formula with its error term s(x) = `stirlerr(x)`,
/// ```text
/// ln BF = Σ E_k φ(n_k/E_k)                              (= G/2 vs p0)
///       + Σ_{n_k>0} n_k [ln(1 + α/n_k) − ln(1 + Kα/N)]        (α ≤ n_k)
///                  or n_k [ln(1 + d_k/Y) − ln(1 + d_k/N)]      (α > n_k)
///       + (α − ½) Σ_k [ln(1 + d_k/Y) − d_k/Y]
///       − ((K−1)/2) ln(1 + N/(Kα))
///       + s(Kα) − K s(α) + Σ_k s(y_k) − s(Y)
/// ```
/// (the Σ (α − ½) d_k/Y that the third line leaves out is exactly 0).
/// Σ E φ = Σ n ln(n/E) is the G/2 of [`super::gof::g_test`] computed from
/// exact deviations (the N(1 − Σ p0) that rounding of p0 would add is
/// dropped, as there). Every term is of the size of the answer for every α:
/// small α and huge N (1e-13 absolute in ln BF up to N = 1e18, where the
/// closed form in `gammaln` loses about 1e-16·N ln N) and huge α alike,
/// where the prior pins the free die to the fair one and ln BF tends to
/// −Σ n_k ln(K p0_k) (0 for a fair null), which the closed form loses to
/// cancellation of terms near Kα ln K. Where Kα overflows, that limit is
/// returned. N = 0 gives 0. A positive count on a face with p0 = 0 makes
/// the null impossible and the result `f64::MAX`. Precondition: α > 0.
pub fn log10_bayes_factor(counts: &[u64], alpha: f64, null: &[f64]) -> f64 {
    let total: u128 = counts.iter().map(|&c| u128::from(c)).sum();
    if total == 0 {
        return 0.0;
    }
    let cells = cells(counts, null);
    if cells.iter().any(|c| c.expected <= 0.0 && c.observed > 0.0) {
        return f64::MAX;
    }
    let k = counts.len() as f64;
    let nf = total as f64;
    let half_g: f64 = cells
        .iter()
        .filter(|c| c.expected > 0.0)
        .map(|c| c.expected * phi(c))
        .sum();
    let big_y = nf + k * alpha;
    // d_k = K n_k − N, exactly (|d_k| < 2^64 · 10^6 < 2^127).
    let d = |c: u64| (counts.len() as i128 * i128::from(c) - total as i128) as f64;
    let sum = if big_y.is_finite() {
        let shrink_kn = (k * alpha / nf).ln_1p();
        let mut sum = half_g - 0.5 * (k - 1.0) * (nf / (k * alpha)).ln_1p();
        sum += stirlerr(k * alpha) - k * stirlerr(alpha) - stirlerr(big_y);
        for &c in counts {
            let y = c as f64 + alpha;
            let x = d(c) / big_y;
            if c > 0 {
                let cf = c as f64;
                sum += cf
                    * if alpha <= cf {
                        (alpha / cf).ln_1p() - shrink_kn
                    } else {
                        // The same, ln(1 + d_k/Y) − ln(1 + d_k/N), free of the
                        // large ln(α/n_k) that would cancel.
                        let at_n = d(c) / nf;
                        ln_1p_or(x, k * y / big_y) - ln_1p_or(at_n, k * cf / nf)
                    };
            }
            sum += (alpha - 0.5) * log1pmx_with(x, || (k * y / big_y).ln()) + stirlerr(y);
        }
        sum
    } else {
        // The limit α → ∞: −Σ n_k ln(K p0_k) = G/2 − Σ n_k ln(K n_k/N).
        let own: f64 = counts
            .iter()
            .filter(|&&c| c > 0)
            .map(|&c| c as f64 * (d(c) / nf).ln_1p())
            .sum();
        half_g - own
    };
    (sum / std::f64::consts::LN_10).clamp(-f64::MAX, f64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::stats::testing::rel;

    #[test]
    fn coin_one_head_is_even() {
        // [1, 0], α = 1, fair null: BF = (Γ(2)/Γ(3))·Γ(2)Γ(1)/(Γ(1)Γ(1)) / ½ = 1.
        assert!(log10_bayes_factor(&[1, 0], 1.0, &[0.5, 0.5]).abs() < 1e-15);
        assert_eq!(log10_bayes_factor(&[0, 0], 1.0, &[0.5, 0.5]), 0.0);
    }

    #[test]
    fn coin_all_heads_closed_form() {
        // [n, 0], α = 1, fair: BF = n!/(n+1)! · 2ⁿ = 2ⁿ/(n+1). mpmath:
        // n = 10: 1.968907271481587, n = 1000: 298.02956158650187,
        // n = 1e15: 301029995663966.19521. Tolerance 1e-13 absolute for the
        // first two, 1e-15 relative for the last (which the plain ln Γ closed
        // form would get only to about 1e-1 absolute).
        assert!((log10_bayes_factor(&[10, 0], 1.0, &[0.5, 0.5]) - 1.968907271481587).abs() < 1e-13);
        assert!(
            (log10_bayes_factor(&[1000, 0], 1.0, &[0.5, 0.5]) - 298.02956158650187).abs() < 1e-12
        );
        let huge = log10_bayes_factor(&[1_000_000_000_000_000, 0], 1.0, &[0.5, 0.5]);
        assert!(rel(huge, 301029995663966.2) < 1e-15, "{huge}");
    }

    #[test]
    fn matches_mpmath_reference_values() {
        // tests/golden/stats.json, `log10_bayes_factor_mpmath` (the closed form
        // in mpmath at 60 digits, α = 1 and α = ½). Tolerance 1e-12 absolute,
        // except 5e-11 at N = 1e6, where the reference keeps Σ n ln p0
        // literally and so differs from the deviance form by
        // N(1 − Σ p0)/ln 10 = 2.4e-11 (p0 = the double nearest 1/6).
        let d6 = [1.0 / 6.0; 6];
        let k7 = [1.0 / 7.0; 7];
        type Case<'a> = (&'a [u64], &'a [f64], f64, f64, f64);
        let cases: [Case; 3] = [
            (
                &[9, 11, 10, 8, 12, 10],
                &d6,
                -2.581771680727778,
                -3.4550110286873283,
                1e-12,
            ),
            (
                &[56, 72, 73, 59, 62, 87, 58],
                &k7,
                -3.3824139424168123,
                -4.473546131414359,
                1e-12,
            ),
            (
                &[166_500, 166_900, 166_700, 166_400, 166_800, 166_700],
                &d6,
                -13.033973553438948,
                -13.96911673592628,
                5e-11,
            ),
        ];
        for (counts, null, one, half, tol) in cases {
            let got = log10_bayes_factor(counts, 1.0, null);
            assert!((got - one).abs() < tol, "{counts:?}: {got} vs {one}");
            let got = log10_bayes_factor(counts, 0.5, null);
            assert!((got - half).abs() < tol, "{counts:?}: {got} vs {half}");
        }
        // An impossible null.
        assert_eq!(log10_bayes_factor(&[1, 1], 1.0, &[1.0, 0.0]), f64::MAX);
    }

    #[test]
    fn a_huge_prior_pins_the_free_die_to_the_fair_one() {
        // References: the closed form with the Γ ratios as finite products
        // (Σ_{j<n} ln(α + j), −Σ_{j<N} ln(Kα + j)) in mpmath at 400 digits,
        // the script in tests/golden/README.md ("Bayes factor, large α").
        // As α → ∞, log10 BF → −Σ n_k log10(K p0_k): 0 for a fair null,
        // 7.269987279362623 for [30, 10] against (¼, ¾). Tolerance 1e-14
        // absolute in log10 BF (the closed form in ln Γ was off by 11 at
        // α = 1e15 and by 1e86 at 1e100).
        let d6 = [1.0 / 6.0; 6];
        let rolls = [9, 11, 10, 8, 12, 10];
        for (alpha, want) in [
            (1e6, -8.685858091540195e-06),
            (1e15, -8.685889638065005e-15),
            (1e100, -8.685889638065036e-100),
            (1e200, -8.685889638065037e-200),
            (f64::MAX, 0.0),
        ] {
            let got = log10_bayes_factor(&rolls, alpha, &d6);
            assert!((got - want).abs() < 1e-14, "α = {alpha}: {got} vs {want}");
        }
        let coin = [0.25, 0.75];
        for (alpha, want) in [
            (1e15, 7.269987279362662),
            (1e100, 7.269987279362623),
            (1e300, 7.269987279362623),
            (f64::MAX, 7.269987279362623),
        ] {
            let got = log10_bayes_factor(&[30, 10], alpha, &coin);
            assert!((got - want).abs() < 1e-14, "α = {alpha}: {got} vs {want}");
        }
        // A small prior: α = 0.01, mpmath -10.689707106234682.
        let got = log10_bayes_factor(&rolls, 0.01, &d6);
        assert!((got - -10.689707106234682).abs() < 1e-12, "{got}");
    }

    #[test]
    fn posterior_in_closed_form() {
        // K = 2, counts 0, α = 1: each marginal is Beta(1, 1), so the 95%
        // interval is [0.025, 0.975] and the mean ½. Tolerance 1e-14 relative.
        let post = posterior(&[0, 0], 1.0, 0.95);
        assert!(rel(post[0].mean, 0.5) < 1e-15);
        assert!(
            rel(post[0].low, 0.025) < 1e-14 && rel(post[0].high, 0.975) < 1e-14,
            "{post:?}"
        );
        // counts [3, 1], α = ½: Beta(3.5, 1.5); mean 3.5/5 = 0.7, and the means
        // sum to 1.
        let post = posterior(&[3, 1], 0.5, 0.9);
        assert!(rel(post[0].mean, 0.7) < 1e-15 && rel(post[0].mean + post[1].mean, 1.0) < 1e-15);
        assert!(post[0].low < 0.7 && 0.7 < post[0].high);
        // K = 1: the point mass at 1.
        assert_eq!(
            posterior(&[4], 1.0, 0.95)[0],
            Posterior {
                mean: 1.0,
                low: 1.0,
                high: 1.0
            }
        );
    }

    #[test]
    fn a_prior_whose_posterior_sum_overflows_gives_the_prior_mean() {
        // α = 1e308 with K = 6: (K − 1)α overflows. The posterior is pinned at
        // (n_k + α)/(N + Kα) = 1/6 to 1e-300, its spread α^{−1/2} of that, so
        // the interval is [1/6, 1/6]; before, the mean and both ends were 0.
        // Tolerance 2.3e-16 relative (1 ulp). At α = 1e200 the sum is finite
        // and the quantiles come from the closed form (same values).
        let counts = [1637, 1684, 1693, 1637, 1705, 1644];
        for alpha in [1e308, f64::MAX, 1e200] {
            for post in posterior(&counts, alpha, 0.95) {
                for x in [post.mean, post.low, post.high] {
                    assert!(rel(x, 1.0 / 6.0) < 2.3e-16, "α = {alpha}: {post:?}");
                }
            }
        }
    }
}
