//! An anytime-valid sequential test of a die: an e-process over the ordered
//! rolls, and anytime-valid confidence sequences for each face.
//!
//! # The e-process
//!
//! Under the null p0 every likelihood ratio of a *predictable* forecast q_t
//! (a die guessed from the rolls before roll t only) against p0,
//!
//! ```text
//! E_t = Π_{s ≤ t} q_s(x_s) / p0(x_s),
//! ```
//!
//! is a non-negative martingale with E_0 = 1 (each factor has mean
//! Σ_x p0(x) q_s(x)/p0(x) = 1), and so is any average of such processes
//! over the same rolls. Ville's inequality, P(sup_t E_t ≥ 1/α) ≤ α, makes
//! "reject the first time E_t reaches 1/α" a test of level α however often
//! one looks and whenever one stops (Ramdas, Grünwald, Vovk & Shafer,
//! "Game-theoretic statistics and safe anytime-valid inference", 2023).
//!
//! diceml's e-process averages two families of Bayes-factor forecasts:
//!
//! * **omnibus** (weight ½): the Dirichlet(A·p0) predictive
//!   q_t(x) = (n_x + A p0_x)/(t + A) for a grid of total concentrations
//!   A ∈ {K/4 · 4^j : j = 0..12}, equally weighted. Each is the Bayes factor
//!   of a Dirichlet-multinomial against p0. A single Dirichlet(1) (A = K)
//!   pays about (K − 1)/2 · ln(t/K) for its spread, so on a d20 it misses
//!   deviations whose χ² p is 1e-6; the best A in the grid pays
//!   (K − 1)/2 · ln(1 + t/A) with t/A near X²/(K − 1), and the grid costs
//!   only ln 13.
//! * **one face** (weight ½, dice of at most [`FACE_FAMILY_MAX_K`] faces):
//!   for each face k and A ∈ {4^j : j = 0..12}, the Beta(A p0_k, A(1 − p0_k))
//!   predictive of "face k or not", the other faces keeping their null
//!   proportions: q_t(k) = (n_k + A p0_k)/(t + A) and
//!   q_t(x ≠ k) = (1 − q_t(k)) p0_x/(1 − p0_k). One face off, the commonest
//!   loaded die, is a one-parameter alternative: this family finds it with
//!   a penalty of ½ ln t instead of (K − 1)/2 ln t, for ln K more.
//!
//! The e-value at t is E_t = ½ Ē_omni + ½ Ē_face (or Ē_omni alone above
//! [`FACE_FAMILY_MAX_K`] faces), where each Ē is its family's plain mean.
//! Each process's value has a closed form in the counts at t,
//!
//! ```text
//! ln E^omni_A = lnΓ(A) − lnΓ(t + A) + Σ_k [lnΓ(n_k + A p0_k) − lnΓ(A p0_k) − n_k ln p0_k]
//! ln E^k_A    = lnΓ(A) − lnΓ(t + A) + lnΓ(n_k + A p0_k) − lnΓ(A p0_k)
//!             + lnΓ(t − n_k + A(1 − p0_k)) − lnΓ(A(1 − p0_k))
//!             − n_k ln p0_k − (t − n_k) ln(1 − p0_k),
//! ```
//!
//! which the tests below check the roll-by-roll products against.
//!
//! # Fair within D: confidence sequences
//!
//! For face k, M_k(t) = mean_A of the Beta-binomial marginals above is a
//! mixture likelihood, and for every θ, M_k(t)/L_θ(t) with
//! L_θ = θ^{n_k}(1 − θ)^{t − n_k} is a martingale under P(face k) = θ. So
//!
//! ```text
//! CS_k(t) = { θ : M_k(t) / L_θ(t) < K/α }
//! ```
//!
//! holds the true θ_k at every t at once with probability ≥ 1 − α/K, and all
//! K of them together with probability ≥ 1 − α (Robbins' method of
//! mixtures; Howard, Ramdas, McAuliffe & Sekhon, "Time-uniform, nonparametric,
//! nonasymptotic confidence sequences", Ann. Statist. 2021). Since ln L_θ is
//! concave in θ the set is an interval around n_k/t. "Fair within D" is
//! decided the first time every CS_k(t) lies inside (p0_k − D, p0_k + D):
//! claimed wrongly with probability at most α for any die with a face more
//! than D from its null probability.

use super::special::ln_gamma;
use crate::sample::{seeded_rng, AliasTable, MAX_BATCH};

/// Dice with more faces than this test on the omnibus family alone (the
/// one-face family costs K·13 products per roll).
pub const FACE_FAMILY_MAX_K: usize = 128;
/// Concentrations per family.
pub const GRID_LEN: usize = 13;
/// The ratio between neighbouring concentrations of a grid.
pub const GRID_RATIO: f64 = 4.0;
/// Rolls between folds of the omnibus products into their logarithms.
pub const FOLD_EVERY: u32 = 8;
/// The smallest α for which the roll-by-roll products are kept in linear
/// scale: before a decision every one-face process is below 2·K·13/α, far
/// inside f64's range.
pub const MIN_ALPHA: f64 = 1e-100;

/// The omnibus concentrations for K faces: K/4 · 4^j.
pub fn omnibus_grid(k: usize) -> Vec<f64> {
    (0..GRID_LEN)
        .map(|j| k as f64 / 4.0 * GRID_RATIO.powi(j as i32))
        .collect()
}

/// The one-face concentrations: 4^j.
pub fn face_grid() -> Vec<f64> {
    (0..GRID_LEN).map(|j| GRID_RATIO.powi(j as i32)).collect()
}

/// What the sequential test decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The e-value reached 1/α: the die is not the null.
    Reject,
    /// Every face's confidence sequence lies within p0 ± D.
    Fair,
}

/// The one-face processes (also the confidence sequences' mixtures).
#[derive(Debug, Clone)]
struct FaceFamily {
    /// Faces with 0 < p0 < 1 (the others carry no one-face process).
    faces: Vec<usize>,
    /// Their concentrations A_j.
    a: Vec<f64>,
    /// E^k_A for each face in `faces` (rows) and A (columns), linear scale.
    value: Vec<f64>,
    /// A_j (1 − p0_k), the "not k" prior mass, per row and column.
    rest_mass: Vec<f64>,
    /// A_j p0_k, per row and column.
    face_mass: Vec<f64>,
    /// 1/(1 − p0_k) and 1/p0_k per row.
    inv_rest: Vec<f64>,
    inv_face: Vec<f64>,
    /// Row of each face in `faces`, or `usize::MAX`.
    row: Vec<usize>,
}

impl FaceFamily {
    fn new(null: &[f64]) -> FaceFamily {
        let a = face_grid();
        let faces: Vec<usize> = (0..null.len())
            .filter(|&k| null[k] > 0.0 && null[k] < 1.0)
            .collect();
        let mut row = vec![usize::MAX; null.len()];
        for (r, &k) in faces.iter().enumerate() {
            row[k] = r;
        }
        let grid = |f: &dyn Fn(f64, f64) -> f64| -> Vec<f64> {
            faces
                .iter()
                .flat_map(|&k| a.iter().map(move |&aj| (k, aj)))
                .map(|(k, aj)| f(null[k], aj))
                .collect()
        };
        FaceFamily {
            value: vec![1.0; faces.len() * a.len()],
            rest_mass: grid(&|p, aj| aj * (1.0 - p)),
            face_mass: grid(&|p, aj| aj * p),
            inv_rest: faces.iter().map(|&k| 1.0 / (1.0 - null[k])).collect(),
            inv_face: faces.iter().map(|&k| 1.0 / null[k]).collect(),
            faces,
            a,
            row,
        }
    }

    /// Multiplies in roll t + 1 (face `x`, t rolls before it) and returns
    /// the family's mean e-value after it (summed in four lanes as the
    /// values are written: one pass over the K·13 values per roll).
    fn push(&mut self, x: usize, t: f64, counts: &[u64]) -> f64 {
        let j_len = self.a.len();
        let inv_total: Vec<f64> = self.a.iter().map(|&a| 1.0 / (t + a)).collect();
        let (mut l0, mut l1, mut l2, mut l3) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        for (r, &k) in self.faces.iter().enumerate() {
            let n_k = counts[k] as f64;
            let at = r * j_len..(r + 1) * j_len;
            let value = &mut self.value[at.clone()];
            let (mass, base, scale) = if k == x {
                (&self.face_mass[at], n_k, self.inv_face[r])
            } else {
                (&self.rest_mass[at], t - n_k, self.inv_rest[r])
            };
            let step = |j: usize, value: &mut [f64]| {
                let v = value[j] * ((base + mass[j]) * scale * inv_total[j]);
                value[j] = v;
                v
            };
            let mut j = 0;
            while j + 4 <= j_len {
                l0 += step(j, value);
                l1 += step(j + 1, value);
                l2 += step(j + 2, value);
                l3 += step(j + 3, value);
                j += 4;
            }
            while j < j_len {
                l0 += step(j, value);
                j += 1;
            }
        }
        if self.value.is_empty() {
            return 0.0;
        }
        (l0 + l1 + l2 + l3) / self.value.len() as f64
    }

    /// ln of face `k`'s mixture M_k/L_p0 (mean over the grid).
    fn ln_mixture(&self, k: usize) -> Option<f64> {
        let r = *self.row.get(k)?;
        if r == usize::MAX {
            return None;
        }
        let j_len = self.a.len();
        let row = &self.value[r * j_len..(r + 1) * j_len];
        Some((row.iter().sum::<f64>() / j_len as f64).ln())
    }
}

/// The running sequential test of one die.
#[derive(Debug, Clone)]
pub struct Sequential {
    null: Vec<f64>,
    alpha: f64,
    within: Option<f64>,
    counts: Vec<u64>,
    t: u64,
    omni_a: Vec<f64>,
    /// ln E^omni_A per concentration, as of the last fold.
    omni_ln: Vec<f64>,
    /// The product of each E^omni_A's factors since the last fold (linear:
    /// [`FOLD_EVERY`] factors each within [A/(t + A), 1/p0] stay far inside
    /// f64's range), so that a roll costs a division per A, not a logarithm.
    omni_since: Vec<f64>,
    /// exp(ln E^omni_A − top) per A, and top = max_A ln E^omni_A, as of the
    /// last fold.
    omni_weight: Vec<f64>,
    omni_top: f64,
    /// exp(top), 0 when it underflows (the omnibus is then negligible).
    omni_top_exp: f64,
    /// Rolls since the last fold.
    since_fold: u32,
    /// The one-face family, present for the e-value (K ≤ 128) or `within`.
    family: Option<FaceFamily>,
    /// True when the one-face family is part of the e-value.
    faces_in_e: bool,
    /// The one-face family's mean e-value after the last roll.
    face_mean: f64,
    /// ln of the largest e-value up to the decision (or now).
    max_e: f64,
    decided: Option<(u64, Decision)>,
}

impl Sequential {
    /// A test of `null` (probabilities summing to 1) at level `alpha`
    /// (clamped to at least [`MIN_ALPHA`]), deciding "fair" when every
    /// face is within `within` of its null probability.
    pub fn new(null: &[f64], alpha: f64, within: Option<f64>) -> Sequential {
        let k = null.len();
        let faces_in_e = k <= FACE_FAMILY_MAX_K;
        let omni_a = omnibus_grid(k);
        Sequential {
            null: null.to_vec(),
            alpha: alpha.max(MIN_ALPHA),
            within,
            counts: vec![0; k],
            t: 0,
            omni_ln: vec![0.0; omni_a.len()],
            omni_since: vec![1.0; omni_a.len()],
            omni_weight: vec![1.0; omni_a.len()],
            omni_top: 0.0,
            omni_top_exp: 1.0,
            since_fold: 0,
            omni_a,
            family: (faces_in_e || within.is_some()).then(|| FaceFamily::new(null)),
            faces_in_e,
            face_mean: 1.0,
            max_e: 1.0,
            decided: None,
        }
    }

    /// True when the one-face family is part of the e-value.
    pub fn faces_in_e(&self) -> bool {
        self.faces_in_e
    }

    /// Rolls seen.
    pub fn rolls(&self) -> u64 {
        self.t
    }

    /// The counts so far.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// The level α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The first decision and the roll it came at.
    pub fn decided(&self) -> Option<(u64, Decision)> {
        self.decided
    }

    /// The anytime-valid p-value at the decision (or now, when undecided):
    /// 1 / (the largest e-value so far), at most 1.
    pub fn p_value(&self) -> f64 {
        (1.0 / self.max_e).min(1.0)
    }

    /// Adds one roll of face index `x` (< K; a face whose null probability
    /// is 0 makes the e-value infinite: callers refuse such nulls first).
    /// Returns the decision when this roll makes it.
    pub fn push(&mut self, x: usize) -> Option<Decision> {
        if self.decided.is_some() {
            self.counts[x] += 1;
            self.t += 1;
            return None;
        }
        let t = self.t as f64;
        let n_x = self.counts[x] as f64;
        let p_x = self.null[x];
        for (since, &a) in self.omni_since.iter_mut().zip(&self.omni_a) {
            *since *= (n_x + a * p_x) / ((t + a) * p_x);
        }
        if let Some(family) = &mut self.family {
            self.face_mean = family.push(x, t, &self.counts);
        }
        self.counts[x] += 1;
        self.t += 1;
        // Before the decision E_t < 1/α ≤ 1e100: linear scale is safe.
        let e = self.e_running();
        self.since_fold += 1;
        if self.since_fold == FOLD_EVERY {
            self.fold();
        }
        self.max_e = self.max_e.max(e);
        let decision = if e * self.alpha >= 1.0 {
            Some(Decision::Reject)
        } else if self.within.is_some() && self.fair_within() {
            Some(Decision::Fair)
        } else {
            None
        };
        if let Some(d) = decision {
            self.decided = Some((self.t, d));
        }
        decision
    }

    /// Moves the omnibus products since the last fold into their logs.
    fn fold(&mut self) {
        for (ln, since) in self.omni_ln.iter_mut().zip(&mut self.omni_since) {
            *ln += since.ln();
            *since = 1.0;
        }
        self.omni_top = self
            .omni_ln
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        for (w, ln) in self.omni_weight.iter_mut().zip(&self.omni_ln) {
            *w = (ln - self.omni_top).exp();
        }
        self.omni_top_exp = self.omni_top.exp();
        self.since_fold = 0;
    }

    /// E_t from the roll-by-roll products (valid until the decision).
    fn e_running(&self) -> f64 {
        let scaled: f64 = self
            .omni_weight
            .iter()
            .zip(&self.omni_since)
            .map(|(w, s)| w * s)
            .sum();
        let omni = self.omni_top_exp * scaled / self.omni_a.len() as f64;
        match (&self.family, self.faces_in_e) {
            (Some(family), true) if !family.faces.is_empty() => 0.5 * (omni + self.face_mean),
            _ => omni,
        }
    }

    /// ln E_t at the current roll from the closed forms in the counts (see
    /// the module doc): exact whatever was decided.
    ///
    /// Before the decision the roll-by-roll products give the same value
    /// (to about 1e-9 in ln E; tested) at a fraction of the cost, so they
    /// are used while they hold a positive number.
    pub fn ln_e_value(&self) -> f64 {
        if self.decided.is_none() && self.t > 0 {
            let e = self.e_running();
            if e > 0.0 && e.is_finite() {
                return e.ln();
            }
        }
        ln_e_closed(&self.null, &self.counts, self.faces_in_e)
    }

    /// Is every face's confidence sequence inside p0 ± D now?
    fn fair_within(&self) -> bool {
        let (Some(d), Some(family)) = (self.within, &self.family) else {
            return false;
        };
        let t = self.t as f64;
        let bound = (self.null.len() as f64 / self.alpha).ln();
        self.null.iter().enumerate().all(|(k, &p0)| {
            let n = self.counts[k] as f64;
            if (n / t - p0).abs() >= d {
                return false;
            }
            let Some(ln_m) = family.ln_mixture(k) else {
                return false;
            };
            // Both edges of the band must be outside the sequence.
            let excluded = |theta: f64| {
                if theta <= 0.0 || theta >= 1.0 {
                    return true;
                }
                ln_ratio(ln_m, n, t, p0, theta) >= bound
            };
            excluded(p0 - d) && excluded(p0 + d)
        })
    }

    /// Each face's anytime-valid confidence sequence at the current roll,
    /// (low, high); `None` without the one-face family.
    pub fn intervals(&self) -> Option<Vec<(f64, f64)>> {
        let family = self.family.as_ref()?;
        let t = self.t as f64;
        let bound = (self.null.len() as f64 / self.alpha).ln();
        let ln_e_closed_face = |k: usize| ln_face_mixture_closed(self.null[k], self.counts[k], t);
        Some(
            (0..self.null.len())
                .map(|k| {
                    let p0 = self.null[k];
                    if p0 <= 0.0 || p0 >= 1.0 || self.t == 0 {
                        return (0.0, 1.0);
                    }
                    // After a decision the products stop; the closed form
                    // gives the same mixture at any roll.
                    let ln_m = if self.decided.is_some() {
                        ln_e_closed_face(k)
                    } else {
                        family.ln_mixture(k).unwrap_or_else(|| ln_e_closed_face(k))
                    };
                    let n = self.counts[k] as f64;
                    confidence_interval(ln_m, n, t, p0, bound)
                })
                .collect(),
        )
    }
}

/// Simulates `replicates` logs of a die with probabilities `alternative`
/// (the generator seeded with `seed`, the logs drawn one after another
/// from it) and runs the sequential test of `null` on each until it
/// decides or `max_rolls` rolls: the decision and its roll, per log.
pub fn simulate_decisions(
    null: &[f64],
    alternative: &[f64],
    alpha: f64,
    within: Option<f64>,
    replicates: u64,
    max_rolls: u64,
    seed: u64,
) -> Vec<Option<(u64, Decision)>> {
    let table = AliasTable::new(alternative);
    let mut rng = seeded_rng(seed);
    let mut batch = [0u32; MAX_BATCH];
    let len = table.batch_len();
    (0..replicates)
        .map(|_| {
            let mut test = Sequential::new(null, alpha, within);
            // Each log starts on a fresh word of the generator.
            loop {
                table.fill(&mut rng, &mut batch);
                for &x in &batch[..len] {
                    if test.rolls() >= max_rolls {
                        return None;
                    }
                    if let Some(d) = test.push(x as usize) {
                        return Some((test.rolls(), d));
                    }
                }
            }
        })
        .collect()
}

/// ln(M/L_θ) = ln(M/L_p0) + n ln(p0/θ) + (t − n) ln((1 − p0)/(1 − θ)).
fn ln_ratio(ln_m: f64, n: f64, t: f64, p0: f64, theta: f64) -> f64 {
    let hits = if n > 0.0 { n * (p0 / theta).ln() } else { 0.0 };
    let misses = if t > n {
        (t - n) * ((1.0 - p0) / (1.0 - theta)).ln()
    } else {
        0.0
    };
    ln_m + hits + misses
}

/// The interval {θ : ln(M/L_θ) < bound}, found by bisection on each side of
/// n/t (where ln(M/L_θ) ≤ 0 < bound); ends to 1e-12 absolute.
fn confidence_interval(ln_m: f64, n: f64, t: f64, p0: f64, bound: f64) -> (f64, f64) {
    let centre = n / t;
    let inside = |theta: f64| ln_ratio(ln_m, n, t, p0, theta) < bound;
    let edge = |mut inner: f64, mut outer: f64| {
        if inside(outer) {
            return outer;
        }
        while (outer - inner).abs() > 1e-12 {
            let mid = 0.5 * (inner + outer);
            if inside(mid) {
                inner = mid;
            } else {
                outer = mid;
            }
        }
        inner
    };
    (edge(centre, 0.0), edge(centre, 1.0))
}

/// ln of the mean of exp over `ln_values`.
fn ln_mean_exp(ln_values: &[f64]) -> f64 {
    let top = ln_values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !top.is_finite() {
        return top;
    }
    let sum: f64 = ln_values.iter().map(|&v| (v - top).exp()).sum();
    top + (sum / ln_values.len() as f64).ln()
}

/// ln E^k mixed over the one-face grid, from the closed form.
fn ln_face_mixture_closed(p0: f64, n_k: u64, t: f64) -> f64 {
    let n = n_k as f64;
    let terms: Vec<f64> = face_grid()
        .iter()
        .map(|&a| {
            ln_gamma(a) - ln_gamma(t + a) + ln_gamma(n + a * p0) - ln_gamma(a * p0)
                + ln_gamma(t - n + a * (1.0 - p0))
                - ln_gamma(a * (1.0 - p0))
                - if n > 0.0 { n * p0.ln() } else { 0.0 }
                - if t > n {
                    (t - n) * (1.0 - p0).ln()
                } else {
                    0.0
                }
        })
        .collect();
    ln_mean_exp(&terms)
}

/// ln E_t from the closed forms of the module doc, for the counts at t.
pub fn ln_e_closed(null: &[f64], counts: &[u64], faces_in_e: bool) -> f64 {
    let t: u64 = counts.iter().sum();
    if t == 0 {
        return 0.0;
    }
    let tf = t as f64;
    let omni: Vec<f64> = omnibus_grid(null.len())
        .iter()
        .map(|&a| {
            let mut ln = ln_gamma(a) - ln_gamma(tf + a);
            for (&p, &c) in null.iter().zip(counts) {
                if p > 0.0 && c > 0 {
                    let c = c as f64;
                    ln += ln_gamma(c + a * p) - ln_gamma(a * p) - c * p.ln();
                }
            }
            ln
        })
        .collect();
    let omni = ln_mean_exp(&omni);
    if !faces_in_e {
        return omni;
    }
    let faces: Vec<f64> = (0..null.len())
        .filter(|&k| null[k] > 0.0 && null[k] < 1.0)
        .map(|k| ln_face_mixture_closed(null[k], counts[k], tf))
        .collect();
    if faces.is_empty() {
        return omni;
    }
    let face = ln_mean_exp(&faces);
    ln_mean_exp(&[omni, face])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::DiceRng;

    fn rolls(probs: &[f64], n: usize, rng: &mut DiceRng) -> Vec<usize> {
        let table = AliasTable::new(probs);
        let mut out = Vec::with_capacity(n + MAX_BATCH);
        let mut batch = [0u32; MAX_BATCH];
        while out.len() < n {
            table.fill(rng, &mut batch);
            out.extend(batch[..table.batch_len()].iter().map(|&f| f as usize));
        }
        out.truncate(n);
        out
    }

    #[test]
    fn running_products_equal_the_closed_forms() {
        // A loaded d6 and a skewed null over a d8 with 0 < p0 < 1: the
        // roll-by-roll e-value matches the lnΓ closed form to 1e-9 relative
        // plus 1e-7 absolute: the closed form subtracts lnΓ values near
        // 2.7e8 (A up to 1.7e7), whose rounding is about 3e-8.
        let mut rng = seeded_rng(3);
        for (null, probs) in [
            (vec![1.0 / 6.0; 6], vec![0.25, 0.15, 0.15, 0.15, 0.15, 0.15]),
            (
                vec![0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
                vec![0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
            ),
        ] {
            let mut s = Sequential::new(&null, 1e-100, None);
            for (i, x) in rolls(&probs, 3000, &mut rng).into_iter().enumerate() {
                s.push(x);
                if i % 97 == 0 || i == 2999 {
                    let (a, b) = (
                        s.e_running().ln(),
                        ln_e_closed(&s.null, &s.counts, s.faces_in_e),
                    );
                    assert!((a - b).abs() <= 1e-7 + 1e-9 * b.abs(), "{i}: {a} vs {b}");
                }
            }
        }
    }

    #[test]
    fn the_first_rolls_match_a_hand_computation() {
        // The first forecast of every process is the null itself, so one
        // roll leaves E = 1. A fair coin that shows the same face twice:
        // the second forecast of every process (omnibus and both one-face
        // ones) gives that face (1 + A/2)/(1 + A), so
        // E_2 = ½·mean_j (2 + A_j)/(1 + A_j) over A_j = ½·4^j (omnibus,
        // K/4 = ½) + ½·mean_j (2 + B_j)/(1 + B_j) over B_j = 4^j.
        let coin = [0.5, 0.5];
        let mut s = Sequential::new(&coin, 0.05, None);
        s.push(0);
        assert!(s.e_running().ln().abs() < 1e-15);
        assert!(ln_e_closed(&coin, &[1, 0], true).abs() < 1e-9);
        s.push(0);
        let mean = |a: &dyn Fn(f64) -> f64| {
            (0..13)
                .map(|j| {
                    let a = a(4f64.powi(j));
                    (2.0 + a) / (1.0 + a)
                })
                .sum::<f64>()
                / 13.0
        };
        let want = 0.5 * mean(&|x| 0.5 * x) + 0.5 * mean(&|x| x);
        assert!(
            (s.e_running() - want).abs() < 1e-14 * want,
            "{}",
            s.e_running()
        );
        assert!((ln_e_closed(&coin, &[2, 0], true) - want.ln()).abs() < 1e-7);
    }

    /// Fraction of `reps` fair logs of `n` rolls whose e-value ever reaches
    /// 1/α.
    fn false_alarms(null: &[f64], n: usize, reps: usize, alpha: f64, seed: u64) -> f64 {
        let mut rng = seeded_rng(seed);
        let mut hits = 0;
        for _ in 0..reps {
            let mut s = Sequential::new(null, alpha, None);
            if rolls(null, n, &mut rng)
                .into_iter()
                .any(|x| s.push(x).is_some())
            {
                hits += 1;
            }
        }
        hits as f64 / reps as f64
    }

    #[test]
    fn the_false_alarm_rate_under_continuous_monitoring_is_at_most_alpha() {
        // Ville: P(ever E ≥ 1/α) ≤ α. 600 fair logs of 2000 rolls checked
        // after every roll; the rate must be ≤ α + 3 standard errors
        // (√(α(1−α)/600) = 0.0089 at α = 0.05).
        for (null, seed) in [(vec![1.0 / 6.0; 6], 11), (vec![0.05; 20], 12)] {
            let rate = false_alarms(&null, 2000, 600, 0.05, seed);
            assert!(rate <= 0.05 + 3.0 * 0.0089, "{}: {rate}", null.len());
        }
    }

    #[test]
    fn confidence_sequences_cover_every_face_at_every_roll() {
        // A loaded d6, 400 logs of 1500 rolls: the fraction of logs in which
        // some face's sequence ever misses its true probability is ≤ α
        // (+ 3 SE = 0.0109 at α = 0.05, 400 logs).
        let truth = [0.25, 0.15, 0.15, 0.15, 0.15, 0.15];
        let null = [1.0 / 6.0; 6];
        let mut rng = seeded_rng(21);
        let mut missed = 0;
        for _ in 0..400 {
            let mut s = Sequential::new(&null, 0.05, Some(1e-9));
            let bound = (6.0f64 / 0.05).ln();
            let mut miss = false;
            for x in rolls(&truth, 1500, &mut rng) {
                s.push(x);
                let family = s.family.as_ref().unwrap();
                let t = s.t as f64;
                miss |= (0..6).any(|k| {
                    let ln_m = family.ln_mixture(k).unwrap();
                    ln_ratio(ln_m, s.counts[k] as f64, t, null[k], truth[k]) >= bound
                });
            }
            missed += miss as u32;
        }
        let rate = missed as f64 / 400.0;
        assert!(rate <= 0.05 + 0.0327, "{rate}");
    }

    #[test]
    fn a_loaded_die_is_rejected_and_a_fair_one_is_found_fair_within_d() {
        let mut rng = seeded_rng(5);
        let loaded = [0.3, 0.14, 0.14, 0.14, 0.14, 0.14];
        let mut s = Sequential::new(&[1.0 / 6.0; 6], 0.05, Some(0.03));
        let first = rolls(&loaded, 5000, &mut rng)
            .into_iter()
            .find_map(|x| s.push(x));
        assert_eq!(first, Some(Decision::Reject));
        assert!(s.p_value() <= 0.05);
        let fair = [1.0 / 6.0; 6];
        let mut s = Sequential::new(&fair, 0.05, Some(0.03));
        let first = rolls(&fair, 40_000, &mut rng)
            .into_iter()
            .find_map(|x| s.push(x));
        assert_eq!(first, Some(Decision::Fair));
        let (at, _) = s.decided().unwrap();
        let ci = s.intervals().unwrap();
        assert!(ci
            .iter()
            .all(|&(lo, hi)| lo > 1.0 / 6.0 - 0.03 && hi < 1.0 / 6.0 + 0.03));
        assert!(at > 1000, "{at}");
    }

    #[test]
    fn interval_ends_are_where_the_ratio_reaches_the_bound() {
        let (ln_m, n, t, p0, bound) = (0.7, 30.0, 120.0, 1.0 / 6.0, (6.0f64 / 0.05).ln());
        let (lo, hi) = confidence_interval(ln_m, n, t, p0, bound);
        assert!(lo < 0.25 && 0.25 < hi);
        for end in [lo, hi] {
            assert!((ln_ratio(ln_m, n, t, p0, end) - bound).abs() < 1e-6);
        }
    }

    /// Decision rolls (None: undecided by `cap`) of the mixture and of the
    /// Dirichlet(1) Bayes factor Π (n_x + 1)/((t + K) p0_x), the e-process
    /// `fit` reports as its Bayes factor, on the same `reps` logs.
    fn race(
        null: &[f64],
        truth: &[f64],
        reps: usize,
        cap: usize,
        seed: u64,
    ) -> [Vec<Option<usize>>; 2] {
        let mut rng = seeded_rng(seed);
        let threshold = (1.0f64 / 0.05).ln();
        let (mut mixture, mut dirichlet) = (Vec::new(), Vec::new());
        for _ in 0..reps {
            let log = rolls(truth, cap, &mut rng);
            let mut s = Sequential::new(null, 0.05, None);
            mixture.push(log.iter().position(|&x| s.push(x).is_some()).map(|i| i + 1));
            let (mut counts, mut ln) = (vec![0.0; null.len()], 0.0);
            dirichlet.push(
                log.iter()
                    .enumerate()
                    .position(|(t, &x)| {
                        ln += ((counts[x] + 1.0) / ((t + null.len()) as f64 * null[x])).ln();
                        counts[x] += 1.0;
                        ln >= threshold
                    })
                    .map(|i| i + 1),
            );
        }
        [mixture, dirichlet]
    }

    /// (fraction decided, median decision roll counting undecided as ∞).
    fn summary(runs: &[Option<usize>]) -> (f64, Option<usize>) {
        let mut at: Vec<usize> = runs.iter().map(|r| r.unwrap_or(usize::MAX)).collect();
        at.sort_unstable();
        let decided = runs.iter().filter(|r| r.is_some()).count() as f64 / runs.len() as f64;
        let median = at[(at.len() - 1) / 2];
        (decided, (median != usize::MAX).then_some(median))
    }

    #[test]
    fn the_mixture_decides_a_loaded_d20_sooner_than_dirichlet_one() {
        // One face at 0.07 on a d20, 200 logs of 6000 rolls: Dirichlet(1)
        // pays (K − 1)/2 · ln t for its spread and rarely reaches 20.
        let mut truth = vec![0.93 / 19.0; 20];
        truth[0] = 0.07;
        let [mixture, dirichlet] = race(&[0.05; 20], &truth, 200, 6000, 31);
        let (m, d) = (summary(&mixture), summary(&dirichlet));
        assert!(m.0 > 0.9 && d.0 < 0.5, "mixture {m:?}, dirichlet {d:?}");
        assert!(m.1.unwrap() < 4000, "{m:?}");
    }

    /// The table in docs/statistics.md and the closing note:
    /// `cargo test --release --lib sequential_power_table -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn sequential_power_table() {
        let d6 = vec![1.0 / 6.0; 6];
        let d20 = vec![0.05; 20];
        let mut one6 = vec![0.15; 6];
        one6[0] = 0.25;
        let mut one20 = vec![0.93 / 19.0; 20];
        one20[0] = 0.07;
        // A d20 whose faces are spread by ±12% in a fixed pattern (a worn
        // die: every face a little off).
        let spread: Vec<f64> = (0..20)
            .map(|k| 0.05 * (1.0 + 0.12 * ((k as f64) * 2.3).sin()))
            .collect();
        let total: f64 = spread.iter().sum();
        let spread: Vec<f64> = spread.iter().map(|p| p / total).collect();
        let cases: [(&str, &[f64], &[f64], usize); 5] = [
            ("fair d6 (false alarms)", &d6, &d6, 20_000),
            ("fair d20 (false alarms)", &d20, &d20, 20_000),
            ("d6, face 1 at 0.25", &d6, &one6, 20_000),
            ("d20, face 1 at 0.07", &d20, &one20, 20_000),
            ("d20, every face ±12%", &d20, &spread, 20_000),
        ];
        println!("| die | logs | rolls at most | mixture: decided | mixture: median roll | Dirichlet(1): decided | Dirichlet(1): median roll |");
        println!("|---|---|---|---|---|---|---|");
        for (name, null, truth, cap) in cases {
            let [m, d] = race(null, truth, 1000, cap, 77);
            let (m, d) = (summary(&m), summary(&d));
            let med = |x: Option<usize>| x.map_or("—".to_string(), |v| v.to_string());
            println!(
                "| {name} | 1000 | {cap} | {:.3} | {} | {:.3} | {} |",
                m.0,
                med(m.1),
                d.0,
                med(d.1)
            );
        }
    }
}
