//! The law of the total of M identical dice, and the likelihood of a die
//! seen only through such totals (`fit --sum-of M`).
//!
//! # Formula
//!
//! A die has K distinct face values v_1..v_K (1..K, or any integers) with
//! probabilities q. The total of M independent rolls has the M-fold
//! convolution of q as its law:
//!
//! ```text
//! P_0 = δ_0,   P_m(s) = Σ_k q_k P_{m−1}(s − v_k),   P = P_M
//! ℓ(q) = Σ_s n_s ln P(s)                               (n_s totals seen at s)
//! ∂P(s)/∂q_k        = M P_{M−1}(s − v_k)
//! ∂²P(s)/∂q_j ∂q_k  = M (M−1) P_{M−2}(s − v_j − v_k)
//! ```
//!
//! (P is a symmetric polynomial of degree M in q; the derivatives treat q
//! as free variables, and the softmax's chain rule, [`logit_derivatives`],
//! brings them to the logits a with q = softmax(a).) The objective is the
//! mean negative log-likelihood f = −ℓ/N, whose gradient in the logits is
//! q − p for one die (M = 1), the same number the ordinary fit stops on.
//! docs/math.md §"A die seen through its totals" derives it.
//!
//! Totals are stored by their offset s − M·v_min ∈ 0..=M·(v_max − v_min),
//! so every law is a dense vector. The laws P_M, P_{M−1}, P_{M−2} cost
//! O(M²·(v_max − v_min)·K) together; the gradient O(S·K) and the Hessian
//! O(S·K²) over the S totals seen.

use rand::RngCore;

use crate::sample;

/// The most dice in a total (K^−M must stay far above the smallest double,
/// 1e-308, for a fair die's law of a total seen: 100^−100 = 1e-200).
pub const MAX_DICE: usize = 100;
/// The most faces a die seen through its totals may have (the Hessian is
/// K × K for every total seen).
pub const MAX_FACES: usize = 100;
/// The widest range of totals, M·(v_max − v_min) + 1 (the law's length).
pub const MAX_TOTALS: usize = 100_001;

/// M identical dice with given face values, validated: 1 ≤ M ≤
/// [`MAX_DICE`], 1 ≤ K ≤ [`MAX_FACES`] distinct values, at most
/// [`MAX_TOTALS`] totals from the smallest to the largest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SumDice {
    values: Vec<i64>,
    dice: usize,
    offsets: Vec<usize>,
    min: i64,
    spread: usize,
}

impl SumDice {
    /// The dice, or a one-line reason they are refused.
    pub fn new(values: &[i64], dice: usize) -> Result<Self, String> {
        if dice == 0 || dice > MAX_DICE {
            return Err(format!("--sum-of takes 1 to {MAX_DICE} dice (got {dice})"));
        }
        if values.is_empty() || values.len() > MAX_FACES {
            return Err(format!(
                "a die seen through its totals has 1 to {MAX_FACES} faces (got {})",
                values.len()
            ));
        }
        for (i, v) in values.iter().enumerate() {
            if values[..i].contains(v) {
                return Err(format!(
                    "the face value {v} is listed twice: faces must have distinct values"
                ));
            }
        }
        let min = *values.iter().min().unwrap_or(&0);
        let max = *values.iter().max().unwrap_or(&0);
        let spread = max.abs_diff(min);
        let width = (spread as u128) * dice as u128 + 1;
        if width > MAX_TOTALS as u128 {
            return Err(format!(
                "{dice} dice with face values from {min} to {max} make {width} possible totals; at most {MAX_TOTALS} are supported"
            ));
        }
        Ok(SumDice {
            offsets: values.iter().map(|&v| v.abs_diff(min) as usize).collect(),
            values: values.to_vec(),
            dice,
            min,
            spread: spread as usize,
        })
    }

    /// The number of dice M.
    pub fn dice(&self) -> usize {
        self.dice
    }

    /// The face values, in face order.
    pub fn values(&self) -> &[i64] {
        &self.values
    }

    /// The number of faces K.
    pub fn faces(&self) -> usize {
        self.values.len()
    }

    /// The totals some outcome makes, ascending (found with a fair die,
    /// whose law is positive exactly there).
    pub fn totals(&self) -> Vec<i64> {
        let mut reach = vec![true];
        for m in 1..=self.dice {
            let mut next = vec![false; m * self.spread + 1];
            for (s, _) in reach.iter().enumerate().filter(|(_, &r)| r) {
                for &o in &self.offsets {
                    next[s + o] = true;
                }
            }
            reach = next;
        }
        (0..reach.len())
            .filter(|&s| reach[s])
            .map(|s| self.total(s))
            .collect()
    }

    /// The offset s − M·v_min of a total, if it lies in the range.
    pub fn offset(&self, total: i64) -> Option<usize> {
        let low = self.min as i128 * self.dice as i128;
        let offset = total as i128 - low;
        (0..=(self.dice * self.spread) as i128)
            .contains(&offset)
            .then_some(offset as usize)
    }

    /// The total at an offset.
    pub fn total(&self, offset: usize) -> i64 {
        (self.min as i128 * self.dice as i128 + offset as i128) as i64
    }

    /// The law P_m of the total of m of these dice over offsets
    /// 0..=m·(v_max − v_min), for m = M, M − 1, M − 2 (an empty vector for
    /// m < 0).
    pub fn laws(&self, q: &[f64]) -> [Vec<f64>; 3] {
        let mut laws: [Vec<f64>; 3] = [Vec::new(), Vec::new(), vec![1.0]];
        if self.dice == 1 {
            laws[1] = vec![1.0];
            laws[2] = Vec::new();
        }
        let mut current = vec![1.0];
        for m in 1..=self.dice {
            let mut next = vec![0.0; m * self.spread + 1];
            for (s, &p) in current.iter().enumerate() {
                if p != 0.0 {
                    for (&o, &qk) in self.offsets.iter().zip(q) {
                        next[s + o] += p * qk;
                    }
                }
            }
            current = next;
            if m + 2 == self.dice {
                laws[2] = current.clone();
            } else if m + 1 == self.dice {
                laws[1] = current.clone();
            }
        }
        laws[0] = current;
        laws
    }

    /// The law of the total of M dice, P = P_M, over the offsets.
    pub fn law(&self, q: &[f64]) -> Vec<f64> {
        let [law, _, _] = self.laws(q);
        law
    }
}

/// Totals seen: (offset, count) pairs with positive counts, and N.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    cells: Vec<(usize, f64)>,
    n: f64,
}

impl Observed {
    /// The totals seen, as (offset, count); cells with count 0 are dropped.
    pub fn new(cells: impl IntoIterator<Item = (usize, u64)>) -> Self {
        let cells: Vec<(usize, f64)> = cells
            .into_iter()
            .filter(|&(_, n)| n > 0)
            .map(|(s, n)| (s, n as f64))
            .collect();
        let n = cells.iter().map(|c| c.1).sum();
        Observed { cells, n }
    }

    /// N, the number of totals seen.
    pub fn n(&self) -> f64 {
        self.n
    }
}

/// The log-likelihood ℓ(q) = Σ_s n_s ln P(s); −∞ when a total seen has
/// probability 0 under q.
pub fn log_likelihood(dice: &SumDice, q: &[f64], seen: &Observed) -> f64 {
    let law = dice.law(q);
    seen.cells
        .iter()
        .map(|&(s, n)| n * law[s].ln())
        .sum::<f64>()
}

/// The mean negative log-likelihood f = −ℓ/N and its derivatives in q (as
/// free variables; see the module doc).
#[derive(Debug, Clone, PartialEq)]
pub struct Derivatives {
    /// f = −ℓ(q)/N (+∞ when a total seen has probability 0).
    pub value: f64,
    /// ∂f/∂q_k = −(M/N) Σ_s n_s P_{M−1}(s − v_k)/P(s).
    pub gradient: Vec<f64>,
    /// ∂²f/∂q_j∂q_k, row-major K × K, when asked for:
    /// (1/N) Σ_s n_s [M² P_{M−1}(s − v_j) P_{M−1}(s − v_k)/P(s)²
    ///               − M(M−1) P_{M−2}(s − v_j − v_k)/P(s)].
    pub hessian: Option<Vec<f64>>,
}

/// f, its gradient and (with `hessian`) its Hessian in q at `q`.
pub fn derivatives(dice: &SumDice, q: &[f64], seen: &Observed, hessian: bool) -> Derivatives {
    let k = dice.faces();
    let m = dice.dice as f64;
    let [law, one_less, two_less] = dice.laws(q);
    let at = |law: &[f64], s: usize, minus: usize| {
        s.checked_sub(minus)
            .and_then(|i| law.get(i).copied())
            .unwrap_or(0.0)
    };
    let mut value = 0.0;
    let mut gradient = vec![0.0; k];
    let mut second = hessian.then(|| vec![0.0; k * k]);
    let mut ratio = vec![0.0; k];
    for &(s, n) in &seen.cells {
        let p = law[s];
        value -= n * p.ln();
        let w = n / seen.n;
        for (r, &o) in ratio.iter_mut().zip(&dice.offsets) {
            *r = m * at(&one_less, s, o) / p;
        }
        for (g, &r) in gradient.iter_mut().zip(&ratio) {
            *g -= w * r;
        }
        if let Some(h) = second.as_mut() {
            for j in 0..k {
                for i in 0..k {
                    let pair = at(&two_less, s, dice.offsets[j] + dice.offsets[i]);
                    h[j * k + i] += w * (ratio[j] * ratio[i] - m * (m - 1.0) * pair / p);
                }
            }
        }
    }
    Derivatives {
        value: value / seen.n,
        gradient,
        hessian: second,
    }
}

/// Brings the gradient g and Hessian H of a function of q to the logits a,
/// q = softmax(a):
///
/// ```text
/// J = ∂q/∂a = diag(q) − q qᵀ,   c = ∇_a = J g = q ⊙ (g − ḡ),  ḡ = Σ q_k g_k
/// ∇²_a = J H J + diag(c) − c qᵀ − q cᵀ
/// ```
///
/// (the last three terms are Σ_k g_k ∇²_a q_k). Returns (∇_a, ∇²_a), the
/// Hessian row-major, when `hessian` is given.
pub fn logit_derivatives(
    q: &[f64],
    gradient: &[f64],
    hessian: Option<&[f64]>,
) -> (Vec<f64>, Option<Vec<f64>>) {
    let k = q.len();
    let mean: f64 = q.iter().zip(gradient).map(|(q, g)| q * g).sum();
    let c: Vec<f64> = q
        .iter()
        .zip(gradient)
        .map(|(q, g)| q * (g - mean))
        .collect();
    let second = hessian.map(|h| {
        // HJ, then J(HJ): J x = q ⊙ x − q (qᵀx) for each column.
        let jacobian_times = |x: &[f64]| -> Vec<f64> {
            let dot: f64 = q.iter().zip(x).map(|(a, b)| a * b).sum();
            q.iter().zip(x).map(|(qk, xk)| qk * xk - qk * dot).collect()
        };
        let mut hj = vec![0.0; k * k];
        for j in 0..k {
            let row = jacobian_times(&h[j * k..(j + 1) * k]);
            hj[j * k..(j + 1) * k].copy_from_slice(&row);
        }
        // H symmetric: (HJ)ᵀ = JH, so J H J = J (HJ) column by column.
        let mut out = vec![0.0; k * k];
        for i in 0..k {
            let column: Vec<f64> = (0..k).map(|j| hj[j * k + i]).collect();
            let jc = jacobian_times(&column);
            for j in 0..k {
                out[j * k + i] = jc[j];
            }
        }
        for i in 0..k {
            for j in 0..k {
                out[i * k + j] -= c[i] * q[j] + q[i] * c[j];
            }
            out[i * k + i] += c[i];
        }
        out
    });
    (c, second)
}

/// `count` starting logits for a K-faced die, each entry uniform on
/// [−2, 2), from the pinned generator seeded with `seed` (so a fit is
/// reproducible).
pub fn random_starts(k: usize, count: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = sample::seeded_rng(seed);
    (0..count)
        .map(|_| {
            (0..k)
                .map(|_| {
                    let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                    4.0 * u - 2.0
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::softmax;

    fn d6(m: usize) -> SumDice {
        SumDice::new(&[1, 2, 3, 4, 5, 6], m).unwrap()
    }

    #[test]
    fn two_fair_d6_make_the_triangle() {
        let dice = d6(2);
        assert_eq!(dice.totals(), (2..=12).collect::<Vec<_>>());
        let law = dice.law(&[1.0 / 6.0; 6]);
        for (s, p) in law.iter().enumerate() {
            let ways = 6.0 - (s as f64 - 5.0).abs();
            // Exact to rounding (1e-15).
            assert!((p - ways / 36.0).abs() < 1e-15, "{s}: {p}");
        }
    }

    #[test]
    fn fate_dice_and_gapped_values_reach_what_they_can() {
        let fate = SumDice::new(&[-1, 0, 1], 4).unwrap();
        assert_eq!(fate.totals(), (-4..=4).collect::<Vec<_>>());
        assert_eq!(fate.offset(-4), Some(0));
        assert_eq!(fate.offset(5), None);
        let gapped = SumDice::new(&[0, 10], 2).unwrap();
        assert_eq!(gapped.totals(), vec![0, 10, 20]);
        // 4dF fair: P(0) = 19/81 (trinomial central coefficient).
        let law = fate.law(&[1.0 / 3.0; 3]);
        assert!((law[4] - 19.0 / 81.0).abs() < 1e-15);
    }

    #[test]
    fn bad_dice_are_refused_with_a_reason() {
        assert!(SumDice::new(&[1, 2, 2], 2).unwrap_err().contains("twice"));
        assert!(SumDice::new(&[1, 2], 0).is_err());
        assert!(SumDice::new(&[1, 2], MAX_DICE + 1).is_err());
        assert!(SumDice::new(&[0, 1_000_000], 2)
            .unwrap_err()
            .contains("possible totals"));
        assert!(SumDice::new(&[i64::MIN, i64::MAX], 2).is_err());
    }

    /// The success die (values 0, 1) makes Binomial(M, q_2) totals.
    #[test]
    fn a_success_die_makes_binomial_totals() {
        let dice = SumDice::new(&[0, 1], 12).unwrap();
        let law = dice.law(&[2.0 / 3.0, 1.0 / 3.0]);
        // C(12, 4) (1/3)^4 (2/3)^8 = 495·256/531441; rounding 1e-15.
        assert!((law[4] - 495.0 * 256.0 / 531_441.0).abs() < 1e-15);
    }

    fn objective(dice: &SumDice, a: &[f64], seen: &Observed) -> f64 {
        derivatives(dice, &softmax::softmax(a), seen, false).value
    }

    /// The gradient and Hessian in the logits against central differences
    /// of f (step 1e-5: truncation about 1e-10 and rounding about 1e-11 for
    /// f of order 1; tolerance 1e-7 on the gradient, 1e-5 on the Hessian
    /// from differences of the analytic gradient).
    #[test]
    fn the_derivatives_match_finite_differences() {
        let cases = [
            (
                d6(2),
                vec![0.3, -0.2, 0.1, 0.0, 0.4, -0.5],
                vec![(0, 3), (2, 5), (5, 9), (7, 4), (10, 1)],
            ),
            (
                d6(3),
                vec![0.1, 0.2, -0.3, 0.5, -0.1, 0.0],
                vec![(0, 1), (6, 4), (8, 7), (15, 2)],
            ),
            (
                SumDice::new(&[-1, 0, 1], 4).unwrap(),
                vec![0.2, -0.4, 0.3],
                vec![(1, 2), (4, 9), (5, 6), (8, 1)],
            ),
            (
                SumDice::new(&[0, 1], 12).unwrap(),
                vec![0.7, -0.1],
                vec![(2, 30), (4, 60), (6, 25), (11, 1)],
            ),
            (
                SumDice::new(&[1, 2, 3], 1).unwrap(),
                vec![0.7, -0.1, 0.2],
                vec![(0, 3), (1, 2), (2, 9)],
            ),
        ];
        let h = 1e-5;
        for (dice, a, cells) in cases {
            let seen = Observed::new(cells);
            let q = softmax::softmax(&a);
            let d = derivatives(&dice, &q, &seen, true);
            let (grad, hess) = logit_derivatives(&q, &d.gradient, d.hessian.as_deref());
            let hess = hess.unwrap();
            let k = a.len();
            for i in 0..k {
                let shifted = |t: f64| {
                    let mut b = a.clone();
                    b[i] += t;
                    b
                };
                let numeric = (objective(&dice, &shifted(h), &seen)
                    - objective(&dice, &shifted(-h), &seen))
                    / (2.0 * h);
                assert!(
                    (grad[i] - numeric).abs() < 1e-7,
                    "M={} grad {i}: {} vs {numeric}",
                    dice.dice,
                    grad[i]
                );
                let gradient_at = |t: f64| {
                    let b = shifted(t);
                    let q = softmax::softmax(&b);
                    let d = derivatives(&dice, &q, &seen, false);
                    logit_derivatives(&q, &d.gradient, None).0
                };
                let (up, down) = (gradient_at(h), gradient_at(-h));
                for j in 0..k {
                    let numeric = (up[j] - down[j]) / (2.0 * h);
                    assert!(
                        (hess[i * k + j] - numeric).abs() < 1e-5,
                        "M={} hess {i},{j}: {} vs {numeric}",
                        dice.dice,
                        hess[i * k + j]
                    );
                }
            }
        }
    }

    /// With one die the logit gradient is q − p, the ordinary fit's.
    #[test]
    fn one_die_gives_the_ordinary_gradient() {
        let dice = SumDice::new(&[1, 2, 3], 1).unwrap();
        let seen = Observed::new([(0, 2), (1, 3), (2, 5)]);
        let q = [0.5, 0.3, 0.2];
        let d = derivatives(&dice, &q, &seen, false);
        let (grad, _) = logit_derivatives(&q, &d.gradient, None);
        for (g, (q, p)) in grad.iter().zip(q.iter().zip([0.2, 0.3, 0.5])) {
            assert!((g - (q - p)).abs() < 1e-15);
        }
    }

    #[test]
    fn random_starts_are_reproducible() {
        let a = random_starts(6, 3, 7);
        assert_eq!(a, random_starts(6, 3, 7));
        assert_eq!(a.len(), 3);
        assert!(a.iter().flatten().all(|x| (-2.0..2.0).contains(x)));
        assert_ne!(a[0], a[1]);
    }
}
