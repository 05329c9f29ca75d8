//! Fitting softmax logits to a target distribution.
//!
//! The problem is to minimise H(p, softmax(a)) over logits a; its unique
//! minimiser on the open simplex is q = p. Faces with p_k = 0 sit on the
//! boundary (q_k = 0 needs a_k = −∞), so they are taken out of the problem
//! before iterating: their q is exactly 0 and their logit is reported as
//! absent. The remaining faces are fitted from a⁰ = 0 (the fair die) by one
//! of three methods ([`Method`]), each stopping as soon as
//! max_k |q_k − p_k| ≤ tol — the gradient's max-norm, so the stopping rule
//! and the reported agreement are one number. docs/math.md derives them.
//!
//! Every method costs O(K') per iteration for the K' faces with p_k > 0 and
//! allocates only before the first iteration.

use crate::softmax;
use crate::tolerance::{FIT_TOL, NEWTON_FULL_STEP_BELOW, NEWTON_MAX_HALVINGS};

/// The step size used when none is given: 1/L with L = 1/2, the largest
/// eigenvalue the Hessian diag(q) − qqᵀ can have.
pub const DEFAULT_LEARNING_RATE: f64 = 2.0;
/// Iterations allowed when none are given.
pub const DEFAULT_MAX_ITER: u64 = 1_000_000;

/// The optimisation method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// Gradient descent a ← a − η (q − p).
    #[default]
    Gd,
    /// Nesterov's accelerated gradient with adaptive restart.
    Momentum,
    /// Newton's method with the O(K) direction d = 1 − p/q and
    /// backtracking line search.
    Newton,
}

/// Serialised (JSON) as its name, as the command line spells it.
impl serde::Serialize for Method {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Method {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Method::Gd => "gd",
            Method::Momentum => "momentum",
            Method::Newton => "newton",
        }
    }
}

/// The optimiser's settings, validated by the caller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    /// The method.
    pub method: Method,
    /// Step size η (> 0, finite) for `gd` and `momentum`.
    pub learning_rate: f64,
    /// Largest number of iterations.
    pub max_iter: u64,
    /// Convergence threshold on max_k |q_k − p_k| (> 0).
    pub tol: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            method: Method::Gd,
            learning_rate: DEFAULT_LEARNING_RATE,
            max_iter: DEFAULT_MAX_ITER,
            tol: FIT_TOL,
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
    /// Iterations taken.
    pub iterations: u64,
    /// True exactly when `max_abs_diff ≤ tol`.
    pub converged: bool,
    /// max_k |q_k − p_k| at the reported q.
    pub max_abs_diff: f64,
    /// The settings used.
    pub options: FitOptions,
}

/// One iterate, as shown to an observer (for `--trace`): the state before
/// iteration `iteration`'s step, over the faces with p_k > 0.
#[derive(Debug, Clone, Copy)]
pub struct Iterate<'a> {
    /// 0 for the starting point, then 1, 2, ...
    pub iteration: u64,
    /// Current logits.
    pub logits: &'a [f64],
    /// Current q = softmax(logits).
    pub q: &'a [f64],
    /// The target p.
    pub target: &'a [f64],
    /// max_k |q_k − p_k|.
    pub max_abs_diff: f64,
    /// The step length that led here (0 for the start): η for gd, η for
    /// momentum, the line-searched t for newton.
    pub step: f64,
}

/// Fits q = softmax(a) to the target `p` (non-negative, summing to 1); see
/// the module documentation.
pub fn fit(p: &[f64], options: FitOptions) -> Fit {
    fit_observed(p, options, &mut |_| {})
}

/// [`fit`], showing every iterate to `observe`.
pub fn fit_observed(p: &[f64], options: FitOptions, observe: &mut dyn FnMut(&Iterate)) -> Fit {
    let support: Vec<usize> = (0..p.len()).filter(|&k| p[k] > 0.0).collect();
    let target: Vec<f64> = support.iter().map(|&k| p[k]).collect();
    let mut state = State::new(&target);
    let iterations = match options.method {
        Method::Gd => gradient_descent(&mut state, options, observe),
        Method::Momentum => nesterov(&mut state, options, observe),
        Method::Newton => newton(&mut state, options, observe),
    };
    let mean = state.a.iter().sum::<f64>() / state.a.len().max(1) as f64;
    let mut q = vec![0.0; p.len()];
    let mut logits = vec![None; p.len()];
    for (j, &k) in support.iter().enumerate() {
        q[k] = state.q[j];
        logits[k] = Some(state.a[j] - mean);
    }
    Fit {
        q,
        logits,
        iterations,
        converged: state.diff <= options.tol,
        max_abs_diff: state.diff,
        options,
    }
}

/// The iteration's state: logits, q = softmax(a) and max|q − p|.
struct State<'p> {
    target: &'p [f64],
    a: Vec<f64>,
    q: Vec<f64>,
    diff: f64,
}

impl<'p> State<'p> {
    fn new(target: &'p [f64]) -> Self {
        let mut state = State {
            target,
            a: vec![0.0; target.len()],
            q: vec![0.0; target.len()],
            diff: 0.0,
        };
        state.refresh();
        state
    }

    /// Recomputes q and the distance after `a` changed.
    fn refresh(&mut self) {
        softmax::softmax_into(&self.a, &mut self.q);
        self.diff = max_abs_diff(&self.q, self.target);
    }

    fn show(&self, iteration: u64, step: f64, observe: &mut dyn FnMut(&Iterate)) {
        observe(&Iterate {
            iteration,
            logits: &self.a,
            q: &self.q,
            target: self.target,
            max_abs_diff: self.diff,
            step,
        });
    }

    fn done(&self, iteration: u64, options: FitOptions) -> bool {
        self.diff <= options.tol || iteration >= options.max_iter
    }
}

/// Gradient descent: a ← a − η (q − p). Returns the iterations taken.
fn gradient_descent(s: &mut State, options: FitOptions, observe: &mut dyn FnMut(&Iterate)) -> u64 {
    let eta = options.learning_rate;
    let mut iteration = 0;
    s.show(0, 0.0, observe);
    while !s.done(iteration, options) {
        for ((ak, &qk), &pk) in s.a.iter_mut().zip(&s.q).zip(s.target) {
            *ak -= eta * (qk - pk);
        }
        s.refresh();
        iteration += 1;
        s.show(iteration, eta, observe);
    }
    iteration
}

/// Nesterov's accelerated gradient with gradient-based adaptive restart
/// (O'Donoghue & Candès 2015):
///
/// ```text
/// y = a + β_t (a − a_prev),  β_t = (t − 1)/(t + 2)
/// a_next = y − η ∇H(y),      ∇H(y) = softmax(y) − p
/// restart (t ← 1) when (q(y) − p)·(a_next − a) > 0
/// ```
fn nesterov(s: &mut State, options: FitOptions, observe: &mut dyn FnMut(&Iterate)) -> u64 {
    let eta = options.learning_rate;
    let k = s.a.len();
    let (mut prev, mut y, mut qy) = (s.a.clone(), vec![0.0; k], vec![0.0; k]);
    let (mut iteration, mut t) = (0u64, 1.0f64);
    s.show(0, 0.0, observe);
    while !s.done(iteration, options) {
        let beta = (t - 1.0) / (t + 2.0);
        for ((yk, &ak), &pk) in y.iter_mut().zip(&s.a).zip(&prev) {
            *yk = ak + beta * (ak - pk);
        }
        softmax::softmax_into(&y, &mut qy);
        prev.copy_from_slice(&s.a);
        let mut alignment = 0.0;
        for (((ak, &yk), &qk), (&pk, &old)) in
            s.a.iter_mut()
                .zip(&y)
                .zip(&qy)
                .zip(s.target.iter().zip(&prev))
        {
            *ak = yk - eta * (qk - pk);
            alignment += (qk - pk) * (*ak - old);
        }
        t = if alignment > 0.0 { 1.0 } else { t + 1.0 };
        s.refresh();
        iteration += 1;
        s.show(iteration, eta, observe);
    }
    iteration
}

/// Newton's method. The Hessian diag(q) − qqᵀ is singular along the
/// constant direction, but d = 1 − p/q solves H d = q − p (the constant
/// component is irrelevant: Σ q_k d_k = Σ (q_k − p_k) = 0), costing O(K).
/// The step a ← a − t d takes t = 1, halved until the Armijo condition
/// H(a − t d) ≤ H(a) − ½ t (q − p)·d holds, while max|q − p| is above
/// [`NEWTON_FULL_STEP_BELOW`].
fn newton(s: &mut State, options: FitOptions, observe: &mut dyn FnMut(&Iterate)) -> u64 {
    let k = s.a.len();
    let (mut d, mut trial) = (vec![0.0; k], vec![0.0; k]);
    let mut iteration = 0;
    s.show(0, 0.0, observe);
    while !s.done(iteration, options) {
        let mut slope = 0.0;
        for ((dk, &qk), &pk) in d.iter_mut().zip(&s.q).zip(s.target) {
            *dk = 1.0 - pk / qk;
            slope += (qk - pk) * *dk;
        }
        let mut step = 1.0;
        if s.diff > NEWTON_FULL_STEP_BELOW {
            let loss = softmax::cross_entropy(s.target, &s.a);
            for _ in 0..NEWTON_MAX_HALVINGS {
                for ((tk, &ak), &dk) in trial.iter_mut().zip(&s.a).zip(&d) {
                    *tk = ak - step * dk;
                }
                if softmax::cross_entropy(s.target, &trial) <= loss - 0.5 * step * slope {
                    break;
                }
                step *= 0.5;
            }
        }
        for (ak, &dk) in s.a.iter_mut().zip(&d) {
            *ak -= step * dk;
        }
        s.refresh();
        iteration += 1;
        s.show(iteration, step, observe);
    }
    iteration
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

    const METHODS: [Method; 3] = [Method::Gd, Method::Momentum, Method::Newton];

    fn with(method: Method) -> FitOptions {
        FitOptions {
            method,
            ..FitOptions::default()
        }
    }

    #[test]
    fn every_method_recovers_a_loaded_die() {
        let p = [0.1, 0.1, 0.1, 0.1, 0.1, 0.5];
        for method in METHODS {
            let fit = fit(&p, with(method));
            assert!(fit.converged, "{method:?}");
            assert!(fit.max_abs_diff <= 1e-10);
            // Logits are centred: Σ a_k = 0 (rounding 1e-12).
            let sum: f64 = fit.logits.iter().flatten().sum();
            assert!(sum.abs() < 1e-12);
            // log q_6 − log q_1 = ln 5 at the optimum; 1e-8 allows for tol = 1e-10 in q.
            let (a1, a6) = (fit.logits[0].unwrap(), fit.logits[5].unwrap());
            assert!((a6 - a1 - 5f64.ln()).abs() < 1e-8, "{method:?}");
        }
    }

    #[test]
    fn zero_target_faces_sit_on_the_boundary() {
        for method in METHODS {
            let fit = fit(&[0.0, 0.25, 0.75, 0.0], with(method));
            assert!(fit.converged);
            assert_eq!((fit.q[0], fit.q[3]), (0.0, 0.0));
            assert_eq!(fit.logits[0], None);
            assert!((fit.q[2] - 0.75).abs() <= 1e-10);
        }
    }

    #[test]
    fn a_single_face_needs_no_iterations() {
        for method in METHODS {
            let fit = fit(&[0.0, 1.0, 0.0], with(method));
            assert_eq!(fit.iterations, 0);
            assert_eq!(fit.q, vec![0.0, 1.0, 0.0]);
            assert_eq!(fit.logits, vec![None, Some(0.0), None]);
        }
    }

    #[test]
    fn stopping_at_max_iter_is_not_convergence() {
        let options = FitOptions {
            max_iter: 5,
            ..FitOptions::default()
        };
        let fit = fit(&[0.999, 0.001], options);
        assert_eq!(fit.iterations, 5);
        assert!(!fit.converged);
        assert!(fit.max_abs_diff > options.tol);
    }

    /// A tiny probability makes gradient descent crawl (curvature ≈ p_k);
    /// Newton's and Nesterov's steps do not care as much.
    #[test]
    fn newton_and_momentum_need_far_fewer_iterations_when_ill_conditioned() {
        let p = [0.5, 0.3, 0.2 - 1e-4, 1e-4];
        let [gd, momentum, newton] = METHODS.map(|m| fit(&p, with(m)));
        assert!(gd.converged && momentum.converged && newton.converged);
        assert!(
            momentum.iterations * 5 < gd.iterations,
            "{} vs {}",
            momentum.iterations,
            gd.iterations
        );
        assert!(
            newton.iterations * 100 < gd.iterations,
            "{} vs {}",
            newton.iterations,
            gd.iterations
        );
    }

    /// Zipf's law over 100,000 faces, all observed: p_k ∝ 1/k.
    #[test]
    fn newton_fits_a_hundred_thousand_zipf_faces() {
        let k = 100_000;
        let total: f64 = (1..=k).map(|i| 1.0 / i as f64).sum();
        let p: Vec<f64> = (1..=k).map(|i| 1.0 / i as f64 / total).collect();
        let fit = fit(&p, with(Method::Newton));
        assert!(
            fit.converged,
            "{} iterations, diff {}",
            fit.iterations, fit.max_abs_diff
        );
        assert!(fit.iterations < 100);
    }

    #[test]
    fn the_observer_sees_every_iterate() {
        let mut seen = Vec::new();
        let fit = fit_observed(&[0.7, 0.3], FitOptions::default(), &mut |it| {
            seen.push((it.iteration, it.max_abs_diff));
        });
        assert_eq!(seen.len() as u64, fit.iterations + 1);
        assert_eq!(seen.last().unwrap().1, fit.max_abs_diff);
        assert!(
            seen.windows(2).all(|w| w[1].1 <= w[0].1),
            "gd with η = 1/L is monotone here"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn every_method_converges_to_p(weights in proptest::collection::vec(0.05f64..1.0, 2..12)) {
            let total: f64 = weights.iter().sum();
            let p: Vec<f64> = weights.iter().map(|w| w / total).collect();
            for method in METHODS {
                let fit = fit(&p, with(method));
                prop_assert!(fit.converged);
                for (q, p) in fit.q.iter().zip(&p) {
                    prop_assert!((q - p).abs() <= 1e-10);
                }
            }
        }
    }
}
