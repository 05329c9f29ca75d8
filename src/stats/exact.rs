//! The exact multinomial goodness-of-fit test and its Monte Carlo estimate.
//!
//! Both order the possible outcomes x (Σ x_k = N) by a statistic S(x) and
//! report the null probability of an outcome at least as extreme as the
//! observed one, as R's XNomial `xmulti(..., statName = ...)` does (Engels
//! 2015; Read & Cressie 1988, §3). The exact test offers XNomial's three
//! orderings ([`ExactStat`]); the Monte Carlo estimate uses G:
//!
//! ```text
//! llr    S = G  = 2 Σ x_k ln(x_k/(N p0_k))        (the default)
//! chisq  S = X² = Σ (x_k − N p0_k)²/(N p0_k)
//! prob   S = Σ (ln x_k! − x_k ln p0_k) = ln N! − ln P0(x)   (less likely = more extreme)
//! ```
//! Ties are counted with a relative tolerance, so that permutations of the
//! observed counts, whose S is mathematically equal but whose floating sums
//! differ in the last bits, are all included:
//!
//! ```text
//! x counts  ⇔  S(x) ≥ S_obs·(1 − 1e-9) − 1e-12
//! ```
//!
//! Up to [`EXACT_LIMIT`] outcomes the test enumerates them; beyond, it
//! computes the law of S by a dynamic programme over the faces on an integer
//! lattice ([`super::lattice`]): exactly for X² under a fair null (S is then
//! a function of the integer Σ x_k²), and otherwise with S's per-face terms
//! rounded to a fine step, which gives a stated bound on the p-value.

use super::gof::{cells, g_statistic};
use super::lattice::{self, Sum};
use super::special::{ln_gamma, stirlerr, LN_SQRT_2PI};
use crate::sample::{multinomial, seeded_rng};
use crate::tolerance::{
    EXACT_TIE_ABSOLUTE, EXACT_TIE_RELATIVE, LATTICE_BOUND_SLACK, LATTICE_MAX_BOUND,
};

/// How the exact test orders the outcomes: XNomial's `statName`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExactStat {
    /// The likelihood-ratio statistic G (XNomial's `"LLR"`).
    #[default]
    Llr,
    /// Pearson's X² (XNomial's `"Chisq"`).
    Chisq,
    /// The probability of the outcome itself (XNomial's `"Prob"`).
    Prob,
}

impl ExactStat {
    /// S = scale·Σ_k term(x_k): G is twice the sum of x ln(x/E).
    fn scale(self) -> f64 {
        match self {
            ExactStat::Llr => 2.0,
            ExactStat::Chisq | ExactStat::Prob => 1.0,
        }
    }
}

/// How the exact p-value was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExactMethod {
    /// Every outcome listed (at most [`EXACT_LIMIT`] of them).
    Enumeration,
    /// The dynamic programme over the faces on an integer lattice.
    Lattice,
}

/// An exact p-value with how it was computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExactP {
    /// The p-value; with an [`ExactP::error_bound`], the upper end of the
    /// interval that holds the exact one (a conservative p-value).
    pub p_value: f64,
    /// The ordering.
    pub stat: ExactStat,
    /// Enumeration or lattice.
    pub method: ExactMethod,
    /// When the lattice rounded the statistic: the exact p-value lies in
    /// [p_value − error_bound, p_value]. `None` when exact.
    pub error_bound: Option<f64>,
}

/// The most (face, count) pairs the lattice method will convolve,
/// (K − 1)·(N + 1)(N + 2)/2: 2·10^7, about a d100 rolled 634 times or a d6
/// rolled 2,800 times. A d20 × 100 is 9.8·10^4, a d1000 × 10^6 is 5·10^14.
pub const LATTICE_MAX_PAIRS: u128 = 20_000_000;

/// The work (lattice states visited, see [`lattice::Tails::work`]) the
/// fine lattice may take before the coarse one is tried: about 0.4 s on
/// one core.
const LATTICE_FINE_WORK: u64 = 60_000_000;

/// The work a coarse lattice run may take; the step is chosen so that the
/// run takes about half of it.
const LATTICE_COARSE_WORK: u64 = 60_000_000;

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
    stat: ExactStat,
    ln_p: Vec<f64>,
    ln_e: Vec<f64>,
    e: Vec<f64>,
    /// `zero_terms[j]`: Σ over faces j.. of the term of a count 0 (0 for G
    /// and the probability, Σ E_k for X²), j = 0..=K.
    zero_terms: Vec<f64>,
    threshold: f64,
    ln_pmf_obs_part: f64,
    total: Sum,
}

impl Walk<'_> {
    /// Face `face`'s term of S/scale for a count x.
    fn term(&self, face: usize, x: u64) -> f64 {
        match self.stat {
            ExactStat::Llr => self.terms.x_ln_x(x) - x as f64 * self.ln_e[face],
            ExactStat::Chisq => {
                let d = x as f64 - self.e[face];
                d * d / self.e[face]
            }
            ExactStat::Prob => self.terms.ln_fact(x) - x as f64 * self.ln_p[face],
        }
    }

    /// Visits every composition of `remaining` over faces `face..`, with
    /// `lp` = Σ (x ln p − ln x!) and `t` = S/scale so far.
    fn visit(&mut self, face: usize, remaining: u64, lp: f64, t: f64) {
        let last = self.ln_p.len() - 1;
        if face == last || remaining == 0 {
            let (lp, t) = if remaining == 0 {
                (lp, t)
            } else {
                let x = remaining;
                (
                    lp + x as f64 * self.ln_p[face] - self.terms.ln_fact(x),
                    t + self.term(face, x),
                )
            };
            // The faces after this one (and this one when nothing remains)
            // have count 0.
            let t = t + self.zero_terms[if remaining == 0 { face } else { face + 1 }];
            if self.stat.scale() * t >= self.threshold {
                self.total.add((lp - self.ln_pmf_obs_part).exp());
            }
            return;
        }
        for x in 0..=remaining {
            self.visit(
                face + 1,
                remaining - x,
                lp + x as f64 * self.ln_p[face] - self.terms.ln_fact(x),
                t + self.term(face, x),
            );
        }
    }
}

/// What an exact test works on: the active faces (count, p0) and N, or
/// the p-value itself when it needs no computation.
type Faces = Result<(Vec<(u64, f64)>, u64), f64>;

/// The active faces (p0 > 0) and N, or the p-value when it needs no
/// computation: 0 for an impossible null (a positive count where p0 = 0),
/// 1 for N = 0 or a single active face.
fn active_faces(counts: &[u64], null: &[f64]) -> Result<Faces, String> {
    let active: Vec<(u64, f64)> = counts
        .iter()
        .zip(null)
        .map(|(&n, &p)| (n, p))
        .filter(|&(_, p)| p > 0.0)
        .collect();
    let total: u128 = counts.iter().map(|&c| u128::from(c)).sum();
    let active_total: u128 = active.iter().map(|&(n, _)| u128::from(n)).sum();
    if active_total < total {
        return Ok(Err(0.0));
    }
    let Ok(n) = u64::try_from(total) else {
        return Err(format!("the exact test cannot handle N = {total} rolls"));
    };
    if n == 0 || active.len() <= 1 {
        return Ok(Err(1.0));
    }
    Ok(Ok((active, n)))
}

/// The exact multinomial p-value of the observed counts under the null,
/// ordering outcomes by `stat`: by enumeration up to [`EXACT_LIMIT`]
/// outcomes ([`enumerated_p`]), else on the lattice ([`lattice_p`]).
///
/// # Errors
/// When there are more than [`EXACT_LIMIT`] outcomes and more than
/// [`LATTICE_MAX_PAIRS`] (face, count) pairs, or the lattice's bound is
/// wider than [`LATTICE_MAX_BOUND`].
pub fn exact_p(counts: &[u64], null: &[f64], stat: ExactStat) -> Result<ExactP, String> {
    let enumeration = |p_value| ExactP {
        p_value,
        stat,
        method: ExactMethod::Enumeration,
        error_bound: None,
    };
    let (active, n) = match active_faces(counts, null)? {
        Ok(faces) => faces,
        Err(p) => return Ok(enumeration(p)),
    };
    match outcomes(n, active.len()) {
        Some(count) if count <= EXACT_LIMIT => Ok(enumeration(enumerate(&active, n, stat))),
        _ => {
            let result = lattice_p(counts, null, stat)?;
            match result.error_bound {
                Some(bound) if bound > LATTICE_MAX_BOUND => Err(format!(
                    "the exact test's lattice could only place the p-value in an interval {bound:.2} wide \
                     (N = {n}, K = {}), more than the limit of {LATTICE_MAX_BOUND}",
                    active.len()
                )),
                _ => Ok(result),
            }
        }
    }
}

/// The exact multinomial p-value by enumeration.
///
/// ```text
/// p = Σ_{x : Σx = N, S(x) ≥ S_obs(1 − 1e-9) − 1e-12} P₀(x)
/// P₀(x) = N! Π_k p0_k^{x_k} / x_k!
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
pub fn enumerated_p(counts: &[u64], null: &[f64], stat: ExactStat) -> Result<f64, String> {
    let (active, n) = match active_faces(counts, null)? {
        Ok(faces) => faces,
        Err(p) => return Ok(p),
    };
    let k = active.len();
    match outcomes(n, k) {
        Some(count) if count <= EXACT_LIMIT => Ok(enumerate(&active, n, stat)),
        other => {
            let how_many = match other {
                Some(count) => count.to_string(),
                None => "more than 3.4e38".to_string(),
            };
            Err(format!(
                "the exact test would enumerate {how_many} outcomes (C(N+K−1, K−1) with N = {n}, K = {k}), \
                 more than the limit of {EXACT_LIMIT}"
            ))
        }
    }
}

/// [`enumerated_p`] on the active faces, N ≥ 1, K ≥ 2, within the limit.
fn enumerate(active: &[(u64, f64)], n: u64, stat: ExactStat) -> f64 {
    if n == 1 {
        // One roll: the outcomes are the faces themselves, with G = −2 ln p0_k,
        // X² = 1/p0_k − 1 and ln N! − ln P0 = −ln p0_k, all decreasing in p0_k,
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
        return total.value().min(1.0);
    }
    // From here N ≥ 2, so the limit keeps K ≤ 4472 and the recursion shallow.
    let terms = Terms::new(n);
    let nf = n as f64;
    let ln_p: Vec<f64> = active.iter().map(|&(_, p)| p.ln()).collect();
    let ln_e: Vec<f64> = active.iter().map(|&(_, p)| (nf * p).ln()).collect();
    let e: Vec<f64> = active.iter().map(|&(_, p)| nf * p).collect();
    let mut zero_terms = vec![0.0; e.len() + 1];
    if stat == ExactStat::Chisq {
        for j in (0..e.len()).rev() {
            zero_terms[j] = zero_terms[j + 1] + e[j];
        }
    }
    let mut walk = Walk {
        terms: &terms,
        stat,
        ln_p,
        ln_e,
        e,
        zero_terms,
        threshold: 0.0,
        ln_pmf_obs_part: 0.0,
        total: Sum::default(),
    };
    let mut lp_obs = 0.0;
    let mut half_g_obs = 0.0;
    let mut t_obs = 0.0;
    for (face, &(x, _)) in active.iter().enumerate() {
        lp_obs += x as f64 * walk.ln_p[face] - terms.ln_fact(x);
        half_g_obs += terms.x_ln_x(x) - x as f64 * walk.ln_e[face];
        t_obs += walk.term(face, x);
    }
    walk.threshold = threshold(stat.scale() * t_obs);
    walk.ln_pmf_obs_part = lp_obs;
    walk.visit(0, n, 0.0, 0.0);
    // ln P₀(observed), saddle-point form.
    let mut ln_pmf_obs = -half_g_obs + LN_SQRT_2PI + 0.5 * nf.ln() + stirlerr(nf);
    for &(x, _) in active {
        if x > 0 {
            let xf = x as f64;
            ln_pmf_obs -= LN_SQRT_2PI + 0.5 * xf.ln() + stirlerr(xf);
        }
    }
    let p = (ln_pmf_obs + walk.total.value().ln()).exp();
    p.min(1.0)
}

/// The exact multinomial p-value on the lattice: the dynamic programme of
/// [`lattice::tails`] over the faces.
///
/// **X² under a fair null** (all p0_k equal): X² = (K/N) Σ x_k² − N, so the
/// keys are the integers x² themselves and the p-value is exact (to the
/// summation's rounding, about K·N·1e-16 relative):
///
/// ```text
/// p = P(Σ x_k² ≥ Σ n_k² − ⌊(1e-9·X²_obs + 1e-12)·N/K⌋)
/// ```
/// (the tie slack is below one lattice step for any X²_obs < 10^9·K/N, so
/// at tabletop sizes the comparison is exact in integers.)
///
/// **Otherwise** (G, the probability ordering, X² under a loaded null)
/// face k's term t_k(x) (S = scale·Σ_k t_k(x_k)) is rounded to a step δ,
/// κ_k(x) = round(t_k(x)/δ), and the law of κ = Σ κ_k is computed. With
/// E = Σ_k max_x |t_k(x) − δ κ_k(x)| ≤ K·δ/2 (measured, plus a relative
/// slack for the rounding of the terms), every outcome's Σ t lies within E
/// of δκ, so with τ the tie threshold S_obs(1 − 1e-9) − 1e-12 over scale:
///
/// ```text
/// P(κ ≥ ⌈(τ + E)/δ⌉)  ≤  p  ≤  P(κ ≥ ⌈(τ − E)/δ⌉)
/// ```
/// The reported p-value is the upper end (conservative: never below the
/// exact one) and `error_bound` the width. δ is first made fine enough that
/// E is a quarter of the tie slack (then the bound only counts outcomes
/// whose S is within the slack of the threshold, nearly always none); when
/// that lattice has too many distinct states, δ is chosen from the lattice's
/// span to fit the work limit, and doubled until the run fits.
///
/// # Errors
/// When (K − 1)(N + 1)(N + 2)/2 exceeds [`LATTICE_MAX_PAIRS`].
pub fn lattice_p(counts: &[u64], null: &[f64], stat: ExactStat) -> Result<ExactP, String> {
    lattice_p_within(counts, null, stat, LATTICE_FINE_WORK)
}

/// [`lattice_p`] with the fine lattice's work limit given (0 skips it,
/// which the tests use to check the coarse lattice's bound).
fn lattice_p_within(
    counts: &[u64],
    null: &[f64],
    stat: ExactStat,
    fine_work: u64,
) -> Result<ExactP, String> {
    let lattice = |p_value, error_bound| ExactP {
        p_value,
        stat,
        method: ExactMethod::Lattice,
        error_bound,
    };
    let (active, n) = match active_faces(counts, null)? {
        Ok(faces) => faces,
        Err(p) => return Ok(lattice(p, None)),
    };
    let k = active.len();
    let pairs = (k as u128 - 1) * (u128::from(n) + 1) * (u128::from(n) + 2) / 2;
    if pairs > LATTICE_MAX_PAIRS {
        return Err(format!(
            "the exact test would enumerate more than {EXACT_LIMIT} outcomes and its lattice would convolve \
             {pairs} (face, count) pairs ((K−1)(N+1)(N+2)/2 with N = {n}, K = {k}), more than the limit of {LATTICE_MAX_PAIRS}"
        ));
    }
    let n = n as usize;
    let probs: Vec<f64> = active.iter().map(|&(_, p)| p).collect();
    let total: f64 = probs.iter().sum();
    let probs: Vec<f64> = probs.iter().map(|p| p / total).collect();
    let ln_fact: Vec<f64> = (0..=n).map(|x| ln_gamma(x as f64 + 1.0)).collect();
    let fair = probs.iter().all(|&p| p == probs[0]);
    if stat == ExactStat::Chisq && fair {
        return Ok(lattice(fair_chisq(&active, n, &probs, &ln_fact), None));
    }
    let nf = n as f64;
    let terms: Vec<Vec<f64>> = probs
        .iter()
        .map(|&p| {
            (0..=n)
                .map(|x| {
                    let xf = x as f64;
                    match stat {
                        ExactStat::Llr if x == 0 => 0.0,
                        ExactStat::Llr => xf * (xf / (nf * p)).ln(),
                        ExactStat::Chisq => (xf - nf * p) * (xf - nf * p) / (nf * p),
                        ExactStat::Prob => ln_fact[x] - xf * p.ln(),
                    }
                })
                .collect()
        })
        .collect();
    let t_obs: f64 = active
        .iter()
        .zip(&terms)
        .map(|(&(x, _), t)| t[x as usize])
        .sum();
    let tau = threshold(stat.scale() * t_obs) / stat.scale();
    let tie = t_obs - tau;
    // The largest |Σ t|: keys must stay well inside i64.
    let t_max: f64 = terms
        .iter()
        .map(|t| t.iter().fold(0.0f64, |a, &v| a.max(v.abs())))
        .sum();
    // One run on the lattice of step δ: (p, bound, work), or None past `budget`.
    let run = |step: f64, budget: u64| {
        let keys: Vec<Vec<i64>> = terms
            .iter()
            .map(|t| t.iter().map(|&v| (v / step).round() as i64).collect())
            .collect();
        let mut err = LATTICE_BOUND_SLACK * t_max;
        for (t, key) in terms.iter().zip(&keys) {
            err += t
                .iter()
                .zip(key)
                .fold(0.0f64, |a, (&v, &q)| a.max((v - q as f64 * step).abs()));
        }
        let upper = ((tau - err) / step).ceil() as i64;
        let lower = ((tau + err) / step).ceil() as i64;
        lattice::tails(&probs, &keys, &ln_fact, &[upper, lower], budget).map(|run| {
            let (high, low) = (run.tails[0], run.tails[1]);
            (high, (high - low).max(0.0), run.work)
        })
    };
    // Fine enough that E is a quarter of the tie slack; keys below 2^60.
    let fine = (tie / (2.0 * k as f64)).max(t_max / 2f64.powi(60));
    if let Some((p, bound, _)) = run(fine, fine_work) {
        return Ok(lattice(p, Some(bound)));
    }
    // Too many distinct partial sums: a coarse probe (4096 steps over the
    // largest |S|), then the step that fills the coarse budget, whose work
    // is about inversely proportional to it.
    let probe = (t_max / 4096.0).max(fine * 2.0);
    let mut step = probe;
    let mut best = None;
    while best.is_none() {
        best = run(step, LATTICE_COARSE_WORK);
        step *= 2.0;
    }
    let Some((mut p, mut bound, work)) = best else {
        unreachable!("the loop ends with a run")
    };
    let target = LATTICE_COARSE_WORK / 2;
    if work < target / 2 {
        let finer = (step / 2.0 * work as f64 / target as f64).max(fine * 2.0);
        if let Some((p_fine, bound_fine, _)) = run(finer, LATTICE_COARSE_WORK) {
            (p, bound) = (p_fine, bound_fine);
        }
    }
    Ok(lattice(p, Some(bound)))
}

/// X² under a fair null on the integer lattice of Σ x²: exact.
fn fair_chisq(active: &[(u64, f64)], n: usize, probs: &[f64], ln_fact: &[f64]) -> f64 {
    let k = active.len();
    let s_obs: i64 = active.iter().map(|&(x, _)| (x * x) as i64).sum();
    let (kf, nf) = (k as f64, n as f64);
    let x2_obs = kf / nf * s_obs as f64 - nf;
    let slack = ((EXACT_TIE_RELATIVE * x2_obs + EXACT_TIE_ABSOLUTE) * nf / kf).floor() as i64;
    let square: Vec<i64> = (0..=n as i64).map(|x| x * x).collect();
    let keys = vec![square; k];
    lattice::tails(probs, &keys, ln_fact, &[s_obs - slack], u64::MAX)
        .map_or(1.0, |run| run.tails[0])
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
        assert!(
            rel(
                enumerated_p(&[2, 0], &[0.5, 0.5], ExactStat::Llr).unwrap(),
                0.5
            ) < 1e-14
        );
        // [7, 3]: p = P(|X − 5| ≥ 2), X ~ Bin(10, ½) = 2·(1 + 10 + 45 + 120)/1024
        // = 0.34375 exactly.
        assert!(
            rel(
                enumerated_p(&[7, 3], &[0.5, 0.5], ExactStat::Llr).unwrap(),
                0.34375
            ) < 1e-13
        );
    }

    #[test]
    fn matches_independent_rational_enumeration() {
        // An independent direct loop over the 231 outcomes of 20 rolls of a
        // three-faced die, with multinomial coefficients built as products of
        // ratios; tolerance 1e-12 relative.
        let k3 = enumerated_p(&[4, 9, 7], &[1.0 / 3.0; 3], ExactStat::Llr).unwrap();
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
        assert_eq!(
            enumerated_p(&[3, 1], &[1.0, 0.0], ExactStat::Llr).unwrap(),
            0.0
        );
        assert_eq!(enumerated_p(&[5], &[1.0], ExactStat::Llr).unwrap(), 1.0);
        assert_eq!(
            enumerated_p(&[0, 0, 0], &[0.2, 0.3, 0.5], ExactStat::Llr).unwrap(),
            1.0
        );
        // A zero-probability face with count 0 takes no part: same as K = 2.
        let with = enumerated_p(&[7, 3, 0], &[0.5, 0.5, 0.0], ExactStat::Llr).unwrap();
        assert!(rel(with, 0.34375) < 1e-13);
        // Past the limit: a clear error giving the size (the way round it,
        // --monte-carlo, is the caller's to name, once).
        let err = enumerated_p(
            &[100, 100, 100, 100, 100, 100, 100],
            &[1.0 / 7.0; 7],
            ExactStat::Llr,
        )
        .unwrap_err();
        assert!(
            err.contains("limit") && err.contains("N = 700, K = 7"),
            "{err}"
        );
        assert!(!err.contains("instead"), "{err}");
        // One roll of a 100 000-faced die: p = Σ p0 over faces at most as likely
        // as the observed one = 1 for a uniform null.
        let mut one = vec![0u64; 100_000];
        one[17] = 1;
        assert!(
            (enumerated_p(&one, &vec![1e-5; 100_000], ExactStat::Llr).unwrap() - 1.0).abs() < 1e-12
        );
        let p = enumerated_p(&[0, 1, 0], &[0.25, 0.25, 0.5], ExactStat::Llr).unwrap();
        assert!(rel(p, 0.5) < 1e-15);
        // Two rolls of a 3000-faced die (4.5 million outcomes, a 3000-deep walk
        // on a test thread's small stack): the two rolls on one face (G = 2·2 ln 2
        // + …) is the most extreme outcome kind; its probability is 3000·(1/3000)²
        // = 1/3000, and every other outcome (distinct faces) has a smaller G.
        let mut two = vec![0u64; 3000];
        two[5] = 2;
        let p = enumerated_p(&two, &vec![1.0 / 3000.0; 3000], ExactStat::Llr).unwrap();
        assert!(rel(p, 1.0 / 3000.0) < 1e-12, "{p}");
        // The fair outcome of a balanced die: every outcome counts, p = 1.
        let p = enumerated_p(&[5, 5, 5, 5, 5, 5], &[1.0 / 6.0; 6], ExactStat::Llr).unwrap();
        assert!((p - 1.0).abs() < 1e-13 && p <= 1.0);
    }

    #[test]
    fn monte_carlo_agrees_with_exact() {
        // p̂ ~ Bin(B, p)/B: |p̂ − p| ≤ 5 SE + 1/(B+1) (the +1 in the numerator).
        let counts = [4, 9, 7];
        let null = [1.0 / 3.0; 3];
        let exact = enumerated_p(&counts, &null, ExactStat::Llr).unwrap();
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

    const STATS: [ExactStat; 3] = [ExactStat::Llr, ExactStat::Chisq, ExactStat::Prob];

    /// Normalised weights.
    fn norm(w: &[f64]) -> Vec<f64> {
        let t: f64 = w.iter().sum();
        w.iter().map(|x| x / t).collect()
    }

    #[test]
    fn orderings_by_hand() {
        // [3, 0, 0] of a fair d3 (10 outcomes): the most extreme outcome kind
        // for every ordering (all rolls on one face), p = 3·(1/27) = 1/9.
        for stat in STATS {
            let p = enumerated_p(&[3, 0, 0], &[1.0 / 3.0; 3], stat).unwrap();
            assert!(rel(p, 1.0 / 9.0) < 1e-13, "{stat:?} {p}");
            let lat = lattice_p(&[3, 0, 0], &[1.0 / 3.0; 3], stat).unwrap();
            assert!(rel(lat.p_value, 1.0 / 9.0) < 1e-13, "{stat:?} {lat:?}");
        }
        // [2, 1, 0]: the X², G and probability orderings all put the six
        // (2,1,0) permutations (probability 3/27 each) after the three
        // (3,0,0) ones: p = 3/27 + 18/27 = 21/27; only (1,1,1) is less extreme.
        for stat in STATS {
            let p = enumerated_p(&[2, 1, 0], &[1.0 / 3.0; 3], stat).unwrap();
            assert!(rel(p, 21.0 / 27.0) < 1e-13, "{stat:?} {p}");
        }
    }

    #[test]
    fn fair_chisq_lattice_is_exact_against_enumeration() {
        // d6 × 60 (8.3 million outcomes): the integer lattice of Σ x² against
        // the enumeration, 1e-12 relative, no bound.
        let counts = [14, 6, 9, 12, 8, 11];
        let lat = lattice_p(&counts, &[1.0 / 6.0; 6], ExactStat::Chisq).unwrap();
        let enumerated = enumerated_p(&counts, &[1.0 / 6.0; 6], ExactStat::Chisq).unwrap();
        assert_eq!((lat.method, lat.error_bound), (ExactMethod::Lattice, None));
        assert!(
            rel(lat.p_value, enumerated) < 1e-12,
            "{lat:?} vs {enumerated}"
        );
    }

    #[test]
    fn coarse_lattice_bound_holds() {
        // Skipping the fine lattice, the coarse one's interval
        // [p − bound, p] holds the enumerated p-value (to 1e-12 for the
        // sums' rounding), for every ordering, fair and loaded.
        let cases: [(&[u64], Vec<f64>); 3] = [
            (&[14, 6, 9, 12, 8, 11], vec![1.0 / 6.0; 6]),
            (
                &[3, 2, 2, 3, 1, 4, 2, 3],
                norm(&[1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0]),
            ),
            (&[30, 21, 9, 15], norm(&[0.3, 0.3, 0.1, 0.3])),
        ];
        for (counts, null) in &cases {
            for stat in STATS {
                let lat = lattice_p_within(counts, null, stat, 0).unwrap();
                let want = enumerated_p(counts, null, stat).unwrap();
                let Some(bound) = lat.error_bound else {
                    assert!(stat == ExactStat::Chisq && null[0] == null[1]);
                    continue;
                };
                assert!(
                    lat.p_value - bound - 1e-12 <= want && want <= lat.p_value + 1e-12,
                    "{counts:?} {stat:?}: {lat:?} vs {want}"
                );
            }
        }
    }

    #[test]
    fn refuses_past_the_lattice_limit() {
        // A d1000 rolled 10^6 times: 5·10^14 pairs.
        let mut counts = vec![1000u64; 1000];
        counts[0] += 1;
        let err = exact_p(&counts, &vec![1e-3; 1000], ExactStat::Llr).unwrap_err();
        assert!(
            err.contains("N = 1000001, K = 1000") && err.contains(&LATTICE_MAX_PAIRS.to_string()),
            "{err}"
        );
    }

    #[test]
    fn tiny_p_values_keep_their_relative_accuracy() {
        // All 100 rolls of a fair d20 on one face: for every ordering the
        // most extreme outcome kind, p = 20·20^-100 = 20^-99 ≈ 1.6e-129
        // (relative 1e-10: the sums' rounding over 20 faces).
        let mut counts = [0u64; 20];
        counts[3] = 100;
        let want = (-99.0 * 20f64.ln()).exp();
        for stat in STATS {
            let lat = exact_p(&counts, &[0.05; 20], stat).unwrap();
            assert_eq!(lat.method, ExactMethod::Lattice);
            assert!(
                rel(lat.p_value, want) < 1e-10,
                "{stat:?} {lat:?} vs {want:e}"
            );
            assert!(lat.error_bound.unwrap_or(0.0) <= 1e-10 * want, "{lat:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]

        /// The lattice agrees with the enumeration to 1e-9 (absolute) for
        /// every ordering, fair and loaded nulls, K = 2..5, N = 1..24, and
        /// where it states a bound the enumerated value lies inside it.
        #[test]
        fn lattice_agrees_with_enumeration(
            k in 2usize..=5,
            n in 1u64..=24,
            fair in proptest::bool::ANY,
            weights in proptest::collection::vec(0.05f64..1.0, 5),
            cuts in proptest::collection::vec(0.0f64..1.0, 5),
        ) {
            // Counts: N rolls split at k − 1 random points.
            let mut points: Vec<u64> = cuts[..k - 1].iter().map(|c| (c * (n + 1) as f64) as u64 % (n + 1)).collect();
            points.sort_unstable();
            let mut counts = Vec::with_capacity(k);
            let mut last = 0;
            for &p in &points {
                counts.push(p - last);
                last = p;
            }
            counts.push(n - last);
            let null = if fair { vec![1.0 / k as f64; k] } else { norm(&weights[..k]) };
            for stat in STATS {
                let want = enumerated_p(&counts, &null, stat).unwrap();
                let lat = lattice_p(&counts, &null, stat).unwrap();
                proptest::prop_assert!((lat.p_value - want).abs() <= 1e-9, "{:?} {:?} {:?}: {:?} vs {}", counts, null, stat, lat, want);
                if let Some(bound) = lat.error_bound {
                    proptest::prop_assert!(lat.p_value - bound - 1e-12 <= want, "{:?} {:?}", lat, want);
                }
            }
        }
    }
}
