//! Fitting softmax logits to a target distribution.
//!
//! The problem is to minimise H(p, softmax(a)) over logits a; its unique
//! minimiser on the open simplex is q = p. Faces with p_k = 0 sit on the
//! boundary (q_k = 0 needs a_k = −∞), so they are taken out of the problem
//! before iterating: their q is exactly 0 and their logit is reported as
//! absent. The remaining faces are fitted by gradient descent
//!
//! ```text
//! a ← a − η (q − p),   a⁰ = 0 (the fair die),
//! ```
//!
//! stopping as soon as max_k |q_k − p_k| ≤ tol — which is the gradient's
//! max-norm, so the stopping rule and the reported agreement are one number.
//! The default step η = 2 is 1/L for the curvature bound L = 1/2 on the
//! Hessian diag(q) − qqᵀ (docs/math.md derives it).

use crate::softmax;

/// The step size used when none is given: 1/L with L = 1/2, the largest
/// eigenvalue the Hessian diag(q) − qqᵀ can have.
pub const DEFAULT_LEARNING_RATE: f64 = 2.0;
/// Iterations allowed when none are given.
pub const DEFAULT_MAX_ITER: u64 = 1_000_000;
/// Stop when max_k |q_k − p_k| is at most this, unless told otherwise.
pub const DEFAULT_TOL: f64 = 1e-10;

/// The optimiser's settings, validated by the caller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    /// Step size η (> 0, finite).
    pub learning_rate: f64,
    /// Largest number of gradient steps.
    pub max_iter: u64,
    /// Convergence threshold on max_k |q_k − p_k| (> 0).
    pub tol: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            learning_rate: DEFAULT_LEARNING_RATE,
            max_iter: DEFAULT_MAX_ITER,
            tol: DEFAULT_TOL,
        }
    }
}

/// The outcome of a fit, face by face and overall.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Fitted probabilities q (0 exactly on faces whose target is 0).
    pub q: Vec<f64>,
    /// Fitted logits, centred so that they average to 0 over the faces with
    /// a positive target; `None` (−∞) where the target is 0.
    pub logits: Vec<Option<f64>>,
    /// Gradient steps taken.
    pub iterations: u64,
    /// True exactly when `max_abs_diff ≤ tol`.
    pub converged: bool,
    /// max_k |q_k − p_k| at the reported q.
    pub max_abs_diff: f64,
    /// The settings used.
    pub options: FitOptions,
}

/// Fits q = softmax(a) to the target `p` (non-negative, summing to 1) by
/// gradient descent from a = 0; see the module documentation.
///
/// Allocates once; each iteration costs O(K') for the K' faces with p_k > 0.
pub fn gradient_descent(p: &[f64], options: FitOptions) -> Fit {
    let support: Vec<usize> = (0..p.len()).filter(|&k| p[k] > 0.0).collect();
    let target: Vec<f64> = support.iter().map(|&k| p[k]).collect();
    let mut a = vec![0.0; target.len()];
    let mut q = vec![0.0; target.len()];
    let mut iterations = 0;
    let max_abs_diff = loop {
        softmax::softmax_into(&a, &mut q);
        let diff = max_abs_diff(&q, &target);
        if diff <= options.tol || iterations >= options.max_iter {
            break diff;
        }
        for ((ak, &qk), &pk) in a.iter_mut().zip(&q).zip(&target) {
            *ak -= options.learning_rate * (qk - pk);
        }
        iterations += 1;
    };
    let mean = a.iter().sum::<f64>() / a.len().max(1) as f64;
    let mut full_q = vec![0.0; p.len()];
    let mut logits = vec![None; p.len()];
    for (j, &k) in support.iter().enumerate() {
        full_q[k] = q[j];
        logits[k] = Some(a[j] - mean);
    }
    Fit {
        q: full_q,
        logits,
        iterations,
        converged: max_abs_diff <= options.tol,
        max_abs_diff,
        options,
    }
}

/// max_k |q_k − p_k| (0 for empty slices).
pub fn max_abs_diff(q: &[f64], p: &[f64]) -> f64 {
    q.iter()
        .zip(p)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn recovers_a_loaded_die() {
        let p = [0.1, 0.1, 0.1, 0.1, 0.1, 0.5];
        let fit = gradient_descent(&p, FitOptions::default());
        assert!(fit.converged);
        assert!(fit.max_abs_diff <= 1e-10);
        assert!(fit.iterations > 0);
        // Logits are centred over the support: Σ a_k = 0 (rounding 1e-12).
        let sum: f64 = fit.logits.iter().flatten().sum();
        assert!(sum.abs() < 1e-12);
        // log q_6 − log q_1 = ln 5 at the optimum; 1e-8 allows for tol = 1e-10 in q.
        let (a1, a6) = (fit.logits[0].unwrap(), fit.logits[5].unwrap());
        assert!((a6 - a1 - 5f64.ln()).abs() < 1e-8);
    }

    #[test]
    fn zero_target_faces_sit_on_the_boundary() {
        let p = [0.0, 0.25, 0.75, 0.0];
        let fit = gradient_descent(&p, FitOptions::default());
        assert!(fit.converged);
        assert_eq!(fit.q[0], 0.0);
        assert_eq!(fit.q[3], 0.0);
        assert_eq!(fit.logits[0], None);
        assert!((fit.q[2] - 0.75).abs() <= 1e-10);
    }

    #[test]
    fn a_single_face_needs_no_iterations() {
        let fit = gradient_descent(&[0.0, 1.0, 0.0], FitOptions::default());
        assert_eq!(fit.iterations, 0);
        assert!(fit.converged);
        assert_eq!(fit.q, vec![0.0, 1.0, 0.0]);
        assert_eq!(fit.logits, vec![None, Some(0.0), None]);
    }

    #[test]
    fn stopping_at_max_iter_is_not_convergence() {
        let p = [0.999, 0.001];
        let options = FitOptions {
            max_iter: 5,
            ..FitOptions::default()
        };
        let fit = gradient_descent(&p, options);
        assert_eq!(fit.iterations, 5);
        assert!(!fit.converged);
        assert!(fit.max_abs_diff > options.tol);
    }

    #[test]
    fn uniform_target_converges_at_once() {
        let fit = gradient_descent(&[0.25; 4], FitOptions::default());
        assert_eq!(fit.iterations, 0);
        assert!(fit.converged);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn converges_to_p(weights in proptest::collection::vec(0.05f64..1.0, 2..12)) {
            let total: f64 = weights.iter().sum();
            let p: Vec<f64> = weights.iter().map(|w| w / total).collect();
            let fit = gradient_descent(&p, FitOptions::default());
            prop_assert!(fit.converged);
            for (q, p) in fit.q.iter().zip(&p) {
                prop_assert!((q - p).abs() <= 1e-10);
            }
        }
    }
}
