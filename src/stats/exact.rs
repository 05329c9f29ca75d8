//! The exact multinomial goodness-of-fit test and its Monte Carlo estimate.
//!
//! Both order the possible outcomes x (Σ x_k = N) by the likelihood-ratio
//! statistic G(x) = 2 Σ x_k ln(x_k/(N p0_k)) and report the null
//! probability of an outcome at least as extreme as the observed one, as
//! R's XNomial `xmulti(..., statName = "LLR")` does (Engels 2015; Read &
//! Cressie 1988, §3). Ties are counted with a relative tolerance, so that
//! permutations of the observed counts, whose G is mathematically equal but
//! whose floating sums differ in the last bits, are all included:
//!
//! ```text
//! x counts  ⇔  G(x) ≥ G_obs·(1 − 1e-9) − 1e-12
//! ```

use super::gof::{cells, g_statistic};
use super::special::{ln_gamma, stirlerr, LN_SQRT_2PI};
use crate::sample::{multinomial, seeded_rng};
use crate::tolerance::{EXACT_TIE_ABSOLUTE, EXACT_TIE_RELATIVE};

/// The largest number of outcomes C(N+K−1, K−1) that [`exact_p`] will
/// enumerate: ten million, which takes about 0.2 s on one core for a die
/// (about 20 ns per outcome with tabulated ln x!) and up to about 1 s for a
/// coin with N near 10^7 (whose ln x! beyond 2^20 are computed on the
/// fly). Beyond it, use [`monte_carlo_p`].
pub const EXACT_LIMIT: u128 = 10_000_000;

/// The most replicates [`monte_carlo_p`] is asked for (`--monte-carlo B`
/// refuses more): 10^8, whose floor 1/(B + 1) ≈ 1e-8 reaches a 5% level
/// adjusted across a million groups. A replicate costs one multinomial
/// draw and one G, O(K): about 0.7 µs for a d6, so 10^8 of them take about
/// a minute and 10^18 would take twenty thousand years.
pub const MONTE_CARLO_MAX_REPLICATES: u64 = 100_000_000;

/// Counts up to this size get tabulated ln x! and x ln x.
const TABLE_MAX: u64 = 1 << 20;

/// The threshold an outcome's G must reach to count as extreme.
fn threshold(g_obs: f64) -> f64 {
    g_obs * (1.0 - EXACT_TIE_RELATIVE) - EXACT_TIE_ABSOLUTE
}

/// The number of outcomes of N rolls of a K-faced die: the compositions of
/// N into K non-negative parts.
///
/// ```text
/// outcomes(N, K) = C(N + K − 1, K − 1)
/// ```
/// `None` when the value exceeds `u128::MAX`. `K = 0` has one outcome
/// (the empty one) when N = 0 and none otherwise.
pub fn outcomes(n: u64, k: usize) -> Option<u128> {
    if k == 0 {
        return Some(u128::from(n == 0));
    }
    let n = u128::from(n);
    let k1 = (k - 1) as u128;
    let top = n + k1;
    let j = k1.min(n);
    // C(top, j) = Π_{i=1..j} (top − j + i)/i, each partial product an
    // integer; dividing by gcd first keeps every intermediate ≤ the result.
    let mut result: u128 = 1;
    for i in 1..=j {
        let num = top - j + i;
        let g = gcd(num, i);
        let (num, den) = (num / g, i / g);
        result = (result / den).checked_mul(num)?;
    }
    Some(result)
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Compensated (Neumaier) summation.
#[derive(Default)]
struct Sum {
    sum: f64,
    carry: f64,
}

impl Sum {
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.carry += (self.sum - t) + x;
        } else {
            self.carry += (x - t) + self.sum;
        }
        self.sum = t;
    }

    fn value(&self) -> f64 {
        self.sum + self.carry
    }
}

/// ln x! and x ln x, tabulated for small x.
struct Terms {
    ln_fact: Vec<f64>,
    x_ln_x: Vec<f64>,
}

impl Terms {
    fn new(n: u64) -> Self {
        let len = n.min(TABLE_MAX) + 1;
        let ln_fact = (0..len).map(|x| ln_gamma(x as f64 + 1.0)).collect();
        let x_ln_x = (0..len)
            .map(|x| {
                if x == 0 {
                    0.0
                } else {
                    x as f64 * (x as f64).ln()
                }
            })
            .collect();
        Terms { ln_fact, x_ln_x }
    }

    fn ln_fact(&self, x: u64) -> f64 {
        match self.ln_fact.get(x as usize) {
            Some(&v) => v,
            None => ln_gamma(x as f64 + 1.0),
        }
    }

    fn x_ln_x(&self, x: u64) -> f64 {
        match self.x_ln_x.get(x as usize) {
            Some(&v) => v,
            None => x as f64 * (x as f64).ln(),
        }
    }
}

/// The recursive walk over all outcomes.
struct Walk<'a> {
    terms: &'a Terms,
    ln_p: Vec<f64>,
    ln_e: Vec<f64>,
    threshold: f64,
    ln_pmf_obs_part: f64,
    total: Sum,
}

impl Walk<'_> {
    /// Visits every composition of `remaining` over faces `face..`, with
    /// `lp` = Σ (x ln p − ln x!) and `half_g` = Σ (x ln x − x ln E) so far.
    fn visit(&mut self, face: usize, remaining: u64, lp: f64, half_g: f64) {
        let last = self.ln_p.len() - 1;
        if face == last || remaining == 0 {
            let (lp, half_g) = if remaining == 0 {
                (lp, half_g)
            } else {
                let x = remaining;
                (
                    lp + x as f64 * self.ln_p[face] - self.terms.ln_fact(x),
                    half_g + self.terms.x_ln_x(x) - x as f64 * self.ln_e[face],
                )
            };
            if 2.0 * half_g >= self.threshold {
                self.total.add((lp - self.ln_pmf_obs_part).exp());
            }
            return;
        }
        for x in 0..=remaining {
            self.visit(
                face + 1,
                remaining - x,
                lp + x as f64 * self.ln_p[face] - self.terms.ln_fact(x),
                half_g + self.terms.x_ln_x(x) - x as f64 * self.ln_e[face],
            );
        }
    }
}

/// The exact multinomial p-value of the observed counts under the null,
/// ordering outcomes by the likelihood-ratio statistic G.
///
/// ```text
/// p = Σ_{x : Σx = N, G(x) ≥ G_obs(1 − 1e-9) − 1e-12} P₀(x)
/// P₀(x) = N! Π_k p0_k^{x_k} / x_k!,      G(x) = 2 Σ_k x_k ln(x_k / (N p0_k))
/// ```
/// Enumerates all C(N+K−1, K−1) outcomes recursively over the faces with
/// tabulated ln x! and x ln x, adding the probabilities relative to the
/// observed outcome's (so nothing underflows) with compensated summation;
/// P₀(observed) itself comes from Loader's saddle-point form
/// ln P₀ = −G/2 + ½ ln(2πN) − Σ ½ ln(2π n_k) + stirlerr(N) − Σ stirlerr(n_k).
/// The result is accurate to about 1e-14 relative for the N that fit
/// under [`EXACT_LIMIT`] with several faces (the ln x! values carry an
/// absolute error near 1e-16·N ln N) and is clamped to at most 1.
///
/// Faces with p0_k = 0 take no part (their count must be 0; if it is not,
/// the null is impossible and the p-value is 0). `K ≤ 1` or `N = 0` gives 1.
///
/// # Errors
/// When the number of outcomes exceeds [`EXACT_LIMIT`].
pub fn exact_p(counts: &[u64], null: &[f64]) -> Result<f64, String> {
    let active: Vec<(u64, f64)> = counts
        .iter()
        .zip(null)
        .map(|(&n, &p)| (n, p))
        .filter(|&(_, p)| p > 0.0)
        .collect();
    let total: u128 = counts.iter().map(|&c| u128::from(c)).sum();
    let active_total: u128 = active.iter().map(|&(n, _)| u128::from(n)).sum();
    if active_total < total {
        return Ok(0.0);
    }
    let Ok(n) = u64::try_from(total) else {
        return Err(format!("the exact test cannot enumerate N = {total} rolls"));
    };
    if n == 0 || active.len() <= 1 {
        return Ok(1.0);
    }
    let k = active.len();
    match outcomes(n, k) {
        Some(count) if count <= EXACT_LIMIT => {}
        other => {
            let how_many = match other {
                Some(count) => count.to_string(),
                None => "more than 3.4e38".to_string(),
            };
            return Err(format!(
                "the exact test would enumerate {how_many} outcomes (C(N+K−1, K−1) with N = {n}, K = {k}), \
                 more than the limit of {EXACT_LIMIT}"
            ));
        }
    }
    if n == 1 {
        // One roll: the outcomes are the faces themselves, with G = −2 ln p0_k
        // and probability p0_k (and a face count far too large for a deep walk).
        let g = |p: f64| -2.0 * p.ln();
        let g_obs = active
            .iter()
            .find(|&&(x, _)| x == 1)
            .map_or(0.0, |&(_, p)| g(p));
        let mut total = Sum::default();
        for &(_, p) in active.iter().filter(|&&(_, p)| g(p) >= threshold(g_obs)) {
            total.add(p);
        }
        return Ok(total.value().min(1.0));
    }
    // From here N ≥ 2, so the limit keeps K ≤ 4472 and the recursion shallow.
    let terms = Terms::new(n);
    let nf = n as f64;
    let ln_p: Vec<f64> = active.iter().map(|&(_, p)| p.ln()).collect();
    let ln_e: Vec<f64> = active.iter().map(|&(_, p)| (nf * p).ln()).collect();
    let mut lp_obs = 0.0;
    let mut half_g_obs = 0.0;
    for (face, &(x, _)) in active.iter().enumerate() {
        lp_obs += x as f64 * ln_p[face] - terms.ln_fact(x);
        half_g_obs += terms.x_ln_x(x) - x as f64 * ln_e[face];
    }
    let mut walk = Walk {
        terms: &terms,
        ln_p,
        ln_e,
        threshold: threshold(2.0 * half_g_obs),
        ln_pmf_obs_part: lp_obs,
        total: Sum::default(),
    };
    walk.visit(0, n, 0.0, 0.0);
    // ln P₀(observed), saddle-point form.
    let mut ln_pmf_obs = -half_g_obs + LN_SQRT_2PI + 0.5 * nf.ln() + stirlerr(nf);
    for &(x, _) in &active {
        if x > 0 {
            let xf = x as f64;
            ln_pmf_obs -= LN_SQRT_2PI + 0.5 * xf.ln() + stirlerr(xf);
        }
    }
    let p = (ln_pmf_obs + walk.total.value().ln()).exp();
    Ok(p.min(1.0))
}

/// A Monte Carlo p-value with its provenance.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MonteCarlo {
    /// (1 + exceed)/(replicates + 1).
    pub p_value: f64,
    /// The number of simulated outcomes B.
    pub replicates: u64,
    /// The seed of the pinned generator ([`crate::sample::seeded_rng`]).
    pub seed: u64,
    /// How many simulated outcomes had G at least the observed one.
    pub exceed: u64,
    /// The smallest p-value B replicates can give, 1/(B + 1).
    pub floor: f64,
}

/// The Monte Carlo estimate of the exact multinomial p-value.
///
/// ```text
/// x⁽ᵇ⁾ ~ Multinomial(N, p0), b = 1..B
/// exceed = #{b : G(x⁽ᵇ⁾) ≥ G_obs(1 − 1e-9) − 1e-12}
/// p = (1 + exceed)/(B + 1),   floor = 1/(B + 1)
/// ```
/// The (1 + exceed)/(B + 1) form counts the observed outcome among the
/// replicates, so p is never 0 and the test is exact in level (Davison &
/// Hinkley 1997, §4.2.1). Draws come from
/// [`crate::sample::multinomial`] on the pinned generator
/// [`crate::sample::seeded_rng`]`(seed)`, so a seed reproduces the value
/// on every platform. G is computed in the exact-deviation form of
/// [`super::gof::g_test`], valid for any N. If the null is impossible
/// (a positive count where p0 = 0) G_obs is +∞ and p = floor.
pub fn monte_carlo_p(counts: &[u64], null: &[f64], replicates: u64, seed: u64) -> MonteCarlo {
    let g_obs = g_or_infinity(counts, null);
    let threshold = threshold(g_obs);
    let n: u128 = counts.iter().map(|&c| u128::from(c)).sum();
    let n = u64::try_from(n).unwrap_or(u64::MAX);
    let mut rng = seeded_rng(seed);
    let mut exceed = 0u64;
    for _ in 0..replicates {
        let draw = multinomial(&mut rng, n, null);
        if g_or_infinity(&draw, null) >= threshold {
            exceed += 1;
        }
    }
    let denominator = replicates as f64 + 1.0;
    MonteCarlo {
        p_value: (1.0 + exceed as f64) / denominator,
        replicates,
        seed,
        exceed,
        floor: 1.0 / denominator,
    }
}

/// G, or +∞ when a face with p0 = 0 has a positive count.
fn g_or_infinity(counts: &[u64], null: &[f64]) -> f64 {
    let cells = cells(counts, null);
    if cells.iter().any(|c| c.expected <= 0.0 && c.observed > 0.0) {
        f64::INFINITY
    } else {
        g_statistic(&cells)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::stats::testing::rel;

    #[test]
    fn outcomes_are_binomial_coefficients() {
        assert_eq!(outcomes(2, 2), Some(3));
        assert_eq!(outcomes(10, 6), Some(3003)); // C(15, 5)
        assert_eq!(outcomes(60, 6), Some(8_259_888)); // C(65, 5)
        assert_eq!(outcomes(0, 6), Some(1));
        assert_eq!(outcomes(5, 1), Some(1));
        assert_eq!(outcomes(0, 0), Some(1));
        assert_eq!(outcomes(3, 0), Some(0));
        // C(2^64 + 98, 99) overflows u128.
        assert_eq!(outcomes(u64::MAX, 100), None);
        // C(1000 + 20, 20) = 4.88e41 > u128::MAX ≈ 3.4e38.
        assert_eq!(outcomes(1000, 21), None);
        // C(1e18 + 1, 1) fits.
        assert_eq!(
            outcomes(1_000_000_000_000_000_000, 2),
            Some(1_000_000_000_000_000_001)
        );
    }

    #[test]
    fn coin_by_hand() {
        // [2, 0] under (½, ½): outcomes (2,0), (1,1), (0,2) with probabilities
        // ¼, ½, ¼; G(2,0) = G(0,2) = 4 ln 2 > G(1,1) = 0, so p = ½. Tolerance
        // 1e-14 relative.
        assert!(rel(exact_p(&[2, 0], &[0.5, 0.5]).unwrap(), 0.5) < 1e-14);
        // [7, 3]: p = P(|X − 5| ≥ 2), X ~ Bin(10, ½) = 2·(1 + 10 + 45 + 120)/1024
        // = 0.34375 exactly.
        assert!(rel(exact_p(&[7, 3], &[0.5, 0.5]).unwrap(), 0.34375) < 1e-13);
    }

    #[test]
    fn matches_independent_rational_enumeration() {
        // An independent direct loop over the 231 outcomes of 20 rolls of a
        // three-faced die, with multinomial coefficients built as products of
        // ratios; tolerance 1e-12 relative.
        let k3 = exact_p(&[4, 9, 7], &[1.0 / 3.0; 3]).unwrap();
        assert!(rel(k3, exact_reference_k3()) < 1e-12, "{k3}");
    }

    /// Σ of multinomial probabilities with G ≥ G([4, 9, 7]) under the uniform
    /// null, by a direct independent loop in exact-as-possible arithmetic.
    fn exact_reference_k3() -> f64 {
        let g = |x: [u64; 3]| -> f64 {
            x.iter()
                .filter(|&&v| v > 0)
                .map(|&v| 2.0 * v as f64 * (v as f64 * 3.0 / 20.0).ln())
                .sum()
        };
        let g_obs = g([4, 9, 7]);
        let mut p = 0.0;
        for a in 0..=20u64 {
            for b in 0..=(20 - a) {
                let c = 20 - a - b;
                if g([a, b, c]) >= g_obs * (1.0 - 1e-9) - 1e-12 {
                    // 20!/(a! b! c!) / 3^20, built as a product of ratios.
                    let mut coef = 1.0f64;
                    for i in 1..=20u64 {
                        coef *= i as f64;
                    }
                    for v in [a, b, c] {
                        for i in 1..=v {
                            coef /= i as f64;
                        }
                    }
                    p += coef / 3f64.powi(20);
                }
            }
        }
        p
    }

    #[test]
    fn special_cases() {
        // An impossible null gives 0; K = 1 or N = 0 gives 1.
        assert_eq!(exact_p(&[3, 1], &[1.0, 0.0]).unwrap(), 0.0);
        assert_eq!(exact_p(&[5], &[1.0]).unwrap(), 1.0);
        assert_eq!(exact_p(&[0, 0, 0], &[0.2, 0.3, 0.5]).unwrap(), 1.0);
        // A zero-probability face with count 0 takes no part: same as K = 2.
        let with = exact_p(&[7, 3, 0], &[0.5, 0.5, 0.0]).unwrap();
        assert!(rel(with, 0.34375) < 1e-13);
        // Past the limit: a clear error giving the size (the way round it,
        // --monte-carlo, is the caller's to name, once).
        let err = exact_p(&[100, 100, 100, 100, 100, 100, 100], &[1.0 / 7.0; 7]).unwrap_err();
        assert!(
            err.contains("limit") && err.contains("N = 700, K = 7"),
            "{err}"
        );
        assert!(!err.contains("instead"), "{err}");
        // One roll of a 100 000-faced die: p = Σ p0 over faces at most as likely
        // as the observed one = 1 for a uniform null.
        let mut one = vec![0u64; 100_000];
        one[17] = 1;
        assert!((exact_p(&one, &vec![1e-5; 100_000]).unwrap() - 1.0).abs() < 1e-12);
        let p = exact_p(&[0, 1, 0], &[0.25, 0.25, 0.5]).unwrap();
        assert!(rel(p, 0.5) < 1e-15);
        // Two rolls of a 3000-faced die (4.5 million outcomes, a 3000-deep walk
        // on a test thread's small stack): the two rolls on one face (G = 2·2 ln 2
        // + …) is the most extreme outcome kind; its probability is 3000·(1/3000)²
        // = 1/3000, and every other outcome (distinct faces) has a smaller G.
        let mut two = vec![0u64; 3000];
        two[5] = 2;
        let p = exact_p(&two, &vec![1.0 / 3000.0; 3000]).unwrap();
        assert!(rel(p, 1.0 / 3000.0) < 1e-12, "{p}");
        // The fair outcome of a balanced die: every outcome counts, p = 1.
        let p = exact_p(&[5, 5, 5, 5, 5, 5], &[1.0 / 6.0; 6]).unwrap();
        assert!((p - 1.0).abs() < 1e-13 && p <= 1.0);
    }

    #[test]
    fn monte_carlo_agrees_with_exact() {
        // p̂ ~ Bin(B, p)/B: |p̂ − p| ≤ 5 SE + 1/(B+1) (the +1 in the numerator).
        let counts = [4, 9, 7];
        let null = [1.0 / 3.0; 3];
        let exact = exact_p(&counts, &null).unwrap();
        let b = 20_000u64;
        let mc = monte_carlo_p(&counts, &null, b, 12345);
        let se = (exact * (1.0 - exact) / b as f64).sqrt();
        assert!(
            (mc.p_value - exact).abs() <= 5.0 * se + mc.floor,
            "{mc:?} vs {exact}"
        );
        assert_eq!(mc.replicates, b);
        assert_eq!(mc.seed, 12345);
        assert_eq!(mc.p_value, (1.0 + mc.exceed as f64) / (b as f64 + 1.0));
        // Reproducible from the seed.
        assert_eq!(mc, monte_carlo_p(&counts, &null, b, 12345));
    }

    #[test]
    fn monte_carlo_edge_cases() {
        let none = monte_carlo_p(&[4, 9, 7], &[1.0 / 3.0; 3], 0, 1);
        assert_eq!((none.p_value, none.floor), (1.0, 1.0));
        // Impossible null: nothing exceeds +∞, p is the floor.
        let impossible = monte_carlo_p(&[3, 1], &[1.0, 0.0], 99, 1);
        assert_eq!((impossible.exceed, impossible.p_value), (0, 0.01));
        // Huge N is fine (O(K) draws).
        let huge = monte_carlo_p(
            &[500_000_000_000_000_000, 500_000_000_000_000_000],
            &[0.5, 0.5],
            200,
            3,
        );
        assert_eq!(huge.exceed, 200);
    }
}
