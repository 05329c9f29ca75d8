//! Softmax, log-sum-exp and the cross-entropy loss with its derivatives.
//!
//! The model: logits a ∈ R^K give face probabilities q = softmax(a). Fitting
//! minimises the cross-entropy H(p, q) = −Σ p_k log q_k against the empirical
//! distribution p. Every function here is pure; docs/math.md derives them.
//!
//! The entropy and the Kullback–Leibler divergence that the fit summary
//! reports beside the loss live in [`crate::stats::info`], the one home of
//! both.

/// Stable log-sum-exp: log Σ_k exp(a_k).
///
/// ```text
/// lse(a) = m + log Σ_k exp(a_k − m),   m = max_k a_k
/// ```
///
/// Subtracting the vector's own maximum keeps every exponent ≤ 0, so nothing
/// overflows and at least one term is exactly 1. An empty slice gives −∞.
pub fn log_sum_exp(a: &[f64]) -> f64 {
    let m = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    m + a.iter().map(|&x| (x - m).exp()).sum::<f64>().ln()
}

/// Stable softmax written into `q`: q_k = exp(a_k − m) / Σ_j exp(a_j − m),
/// m = max_j a_j. Returns lse(a) = m + log Σ_j exp(a_j − m), which the
/// normalisation has already summed (the optimiser's loss needs it).
///
/// `q` and `a` have the same length. The result sums to 1 within rounding
/// and is finite for any finite logits, however large.
pub fn softmax_into(a: &[f64], q: &mut [f64]) -> f64 {
    debug_assert_eq!(a.len(), q.len());
    let m = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut total = 0.0;
    for (qk, &ak) in q.iter_mut().zip(a) {
        *qk = (ak - m).exp();
        total += *qk;
    }
    for qk in q.iter_mut() {
        *qk /= total;
    }
    m + total.ln()
}

/// Stable softmax, allocating: see [`softmax_into`].
pub fn softmax(a: &[f64]) -> Vec<f64> {
    let mut q = vec![0.0; a.len()];
    softmax_into(a, &mut q);
    q
}

/// Cross-entropy H(p, softmax(a)) computed from the logits.
///
/// ```text
/// H(p, q) = −Σ_k p_k log q_k = lse(a) − Σ_k p_k a_k      (Σ p_k = 1)
/// ```
///
/// Terms with p_k = 0 contribute nothing (0 · log q = 0).
pub fn cross_entropy(p: &[f64], a: &[f64]) -> f64 {
    let lse = log_sum_exp(a);
    p.iter()
        .zip(a)
        .filter(|(&pk, _)| pk > 0.0)
        .map(|(&pk, &ak)| -pk * (ak - lse))
        .sum()
}

/// Gradient of H(p, softmax(a)) with respect to a, written into `grad`:
///
/// ```text
/// ∂H/∂a_i = Σ_k (−p_k / q_k) · q_k (δ_ki − q_i) = q_i − p_i
/// ```
pub fn gradient_into(p: &[f64], q: &[f64], grad: &mut [f64]) {
    for ((g, &qi), &pi) in grad.iter_mut().zip(q).zip(p) {
        *g = qi - pi;
    }
}

/// The softmax Jacobian J_ki = ∂q_k/∂a_i = q_k (δ_ki − q_i), row-major K×K.
///
/// Used by tests and docs; the optimiser never forms it (the gradient
/// above contracts it in O(K)).
pub fn jacobian(q: &[f64]) -> Vec<Vec<f64>> {
    q.iter()
        .enumerate()
        .map(|(k, &qk)| {
            q.iter()
                .enumerate()
                .map(|(i, &qi)| qk * (f64::from(u8::from(k == i)) - qi))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn softmax_of_zeros_is_uniform() {
        let q = softmax(&[0.0; 4]);
        assert!(q.iter().all(|&x| x == 0.25));
    }

    #[test]
    fn softmax_matches_closed_form() {
        // softmax([0, ln 2, ln 3]) = [1, 2, 3] / 6; tolerance 1e-15 absolute.
        let q = softmax(&[0.0, 2f64.ln(), 3f64.ln()]);
        for (got, want) in q.iter().zip([1.0 / 6.0, 2.0 / 6.0, 3.0 / 6.0]) {
            assert!((got - want).abs() < 1e-15, "{q:?}");
        }
    }

    #[test]
    fn softmax_is_finite_at_extreme_logits() {
        let q = softmax(&[1000.0, -1000.0, 999.0]);
        assert!(q.iter().all(|x| x.is_finite()));
        // q_0 / q_2 = e; tolerance 1e-12 relative.
        assert!((q[0] / q[2] - std::f64::consts::E).abs() < 1e-12);
        assert_eq!(q[1], 0.0);
        // softmax_into returns lse = 1000 + ln(1 + e^-1) (e^-2000 is far below
        // rounding); tolerance 1e-12 absolute.
        let mut q3 = [0.0; 3];
        let lse3 = softmax_into(&[1000.0, -1000.0, 999.0], &mut q3);
        assert!((lse3 - (1000.0 + (-1f64).exp().ln_1p())).abs() < 1e-12);
        let lse = log_sum_exp(&[1000.0, 1000.0]);
        assert!((lse - (1000.0 + 2f64.ln())).abs() < 1e-12);
        assert!(log_sum_exp(&[-1000.0, -1000.0]).is_finite());
    }

    #[test]
    fn gradient_matches_central_finite_differences() {
        let p = [0.1, 0.2, 0.3, 0.4];
        let a = [0.3, -1.2, 0.7, 0.05];
        let q = softmax(&a);
        let mut grad = [0.0; 4];
        gradient_into(&p, &q, &mut grad);
        let h = 1e-5;
        for i in 0..4 {
            let (mut up, mut down) = (a, a);
            up[i] += h;
            down[i] -= h;
            let fd = (cross_entropy(&p, &up) - cross_entropy(&p, &down)) / (2.0 * h);
            // Central differences err by O(h²) ≈ 1e-10 plus rounding ≈ 1e-11.
            assert!((fd - grad[i]).abs() < 1e-9, "i={i}: fd {fd} vs {}", grad[i]);
        }
    }

    #[test]
    fn jacobian_matches_finite_differences_of_softmax() {
        let a = [0.5, -0.25, 1.5];
        let q = softmax(&a);
        let jac = jacobian(&q);
        let h = 1e-6;
        for i in 0..3 {
            let (mut up, mut down) = (a, a);
            up[i] += h;
            down[i] -= h;
            let (qu, qd) = (softmax(&up), softmax(&down));
            for k in 0..3 {
                let fd = (qu[k] - qd[k]) / (2.0 * h);
                // O(h²) truncation plus ~1e-16/h rounding: 1e-9 is generous.
                assert!((fd - jac[k][i]).abs() < 1e-9);
            }
        }
    }

    proptest! {
        #[test]
        fn softmax_sums_to_one_and_ignores_shifts(
            a in proptest::collection::vec(-700.0f64..700.0, 1..40),
            shift in -300.0f64..300.0,
        ) {
            let q = softmax(&a);
            let total: f64 = q.iter().sum();
            // Rounding of K divisions and a sum: K·ε is far below 1e-12.
            prop_assert!((total - 1.0).abs() < 1e-12);
            let shifted: Vec<f64> = a.iter().map(|x| x + shift).collect();
            let q2 = softmax(&shifted);
            for (x, y) in q.iter().zip(&q2) {
                // Shifting changes a_k − m only by rounding of the shift (≤ 1e-13 here).
                prop_assert!((x - y).abs() <= 1e-12 * x.max(*y) + 1e-300);
            }
        }
    }
}
