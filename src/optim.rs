//! Fitting softmax logits to a target distribution.
//!
//! The problem is to minimise H(p, softmax(a)) over logits a; its unique
//! minimiser on the open simplex is q = p. Faces with p_k = 0 sit on the
//! boundary (q_k = 0 needs a_k = −∞), so they are taken out of the problem
//! before iterating: their q is exactly 0 and their logit is reported as
//! absent. The remaining faces are fitted from a⁰ = 0 (the fair die) by one
//! of three methods ([`Method`]; `auto` picks gradient descent or Newton's
//! method from the target, see [`Method::choose`]), each stopping as soon as
//! max_k |q_k − p_k| ≤ tol — the gradient's max-norm, so the stopping rule
//! and the reported agreement are one number — or when the budget of
//! iterations is spent, or ([`Stop::LossRose`]) when a gradient step raised
//! the loss, which no step below 2/L = 4 can do. docs/math.md derives them.
//!
//! Every method costs O(K') per iteration for the K' faces with p_k > 0 and
//! allocates only before the first iteration.

use crate::softmax;
use crate::tolerance::{FIT_TOL, NEWTON_FULL_STEP_BELOW, NEWTON_MAX_HALVINGS};

/// The step size used when none is given: 1/L with L = 1/2, the largest
/// eigenvalue the Hessian diag(q) − qqᵀ can have.
pub const DEFAULT_LEARNING_RATE: f64 = 2.0;
/// The largest step that every gradient step is guaranteed to lower the
/// loss with, 2/L (exclusive): larger steps may raise it.
pub const STABLE_STEP_BOUND: f64 = 4.0;
/// `auto` takes gradient descent when every face with a positive target has
/// target ≥ this, Newton's method otherwise. Gradient descent needs of order
/// 1/p_min steps (docs/math.md §4), so under `auto` it takes at most about
/// 10^4 steps over at most 1/p_min = 1000 faces: 10^7 face-steps, tens of
/// milliseconds; below it Newton's O(K) steps, 10 to 20 of them whatever K
/// and p_min, are the cheaper way.
pub const AUTO_GD_MIN_TARGET: f64 = 1e-3;
/// Iterations allowed when none are given.
pub const DEFAULT_MAX_ITER: u64 = 1_000_000;

/// The optimisation method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// Gradient descent when every positive target is at least
    /// [`AUTO_GD_MIN_TARGET`], Newton's method otherwise
    /// ([`Method::choose`]). A [`Fit`] reports the method that ran.
    #[default]
    Auto,
    /// Gradient descent a ← a − η (q − p).
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
            Method::Auto => "auto",
            Method::Gd => "gd",
            Method::Momentum => "momentum",
            Method::Newton => "newton",
        }
    }

    /// The method that runs for the target `p` (its positive entries): `self`,
    /// unless `self` is [`Method::Auto`], which is gradient descent when
    /// min_k p_k ≥ [`AUTO_GD_MIN_TARGET`] over the faces with p_k > 0 and
    /// Newton's method otherwise.
    pub fn choose(self, p: &[f64]) -> Method {
        if self != Method::Auto {
            return self;
        }
        let smallest = p.iter().copied().filter(|&x| x > 0.0).fold(1.0, f64::min);
        if smallest >= AUTO_GD_MIN_TARGET {
            Method::Gd
        } else {
            Method::Newton
        }
    }

    /// Whether the method takes the step size η (`--lr`).
    pub fn uses_learning_rate(self) -> bool {
        matches!(self, Method::Gd | Method::Momentum)
    }
}

/// Why the iteration stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// max_k |q_k − p_k| ≤ tol.
    Converged,
    /// The iteration budget (`--max-iter`) was spent.
    MaxIter,
    /// A gradient step raised the loss: the step η is too large (no step
    /// below [`STABLE_STEP_BOUND`] can do that; docs/math.md §4).
    LossRose,
}

/// The optimiser's settings, validated by the caller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    /// The method asked for (`Auto` lets the target choose).
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
            method: Method::Auto,
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
    /// The method that ran (never [`Method::Auto`]).
    pub method: Method,
    /// Iterations taken.
    pub iterations: u64,
    /// True exactly when `max_abs_diff ≤ tol`.
    pub converged: bool,
    /// Why the iteration stopped.
    pub stop: Stop,
    /// With [`Stop::LossRose`]: the loss H(p, q) in nats before and after
    /// the step that raised it.
    pub loss_rose: Option<(f64, f64)>,
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
    let method = options.method.choose(&target);
    let iterations = match method {
        Method::Gd => gradient_descent(&mut state, options, observe),
        Method::Momentum => nesterov(&mut state, options, observe),
        Method::Auto | Method::Newton => newton(&mut state, options, observe),
    };
    let converged = state.diff <= options.tol;
    let stop = if converged {
        Stop::Converged
    } else if state.rose.is_some() {
        Stop::LossRose
    } else {
        Stop::MaxIter
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
        method,
        iterations,
        converged,
        stop,
        loss_rose: state.rose,
        max_abs_diff: state.diff,
        options,
    }
}

/// The iteration's state: logits, q = softmax(a), max|q − p|, the loss
/// H(p, q) with a bound on its rounding error, and (once seen) a rise of
/// the loss that stopped the iteration.
struct State<'p> {
    target: &'p [f64],
    a: Vec<f64>,
    q: Vec<f64>,
    diff: f64,
    loss: f64,
    rounding: f64,
    rose: Option<(f64, f64)>,
}

impl<'p> State<'p> {
    fn new(target: &'p [f64]) -> Self {
        let mut state = State {
            target,
            a: vec![0.0; target.len()],
            q: vec![0.0; target.len()],
            diff: 0.0,
            loss: 0.0,
            rounding: 0.0,
            rose: None,
        };
        state.refresh();
        state
    }

    /// Recomputes q, the distance and the loss after `a` changed.
    ///
    /// The loss is H(p, q) = lse(a) − Σ p_k a_k, with lse from the softmax
    /// itself. Its rounding error is below (K + 4)·ε·(|lse| + Σ p_k |a_k|)
    /// (a K-term sum and a logarithm), the margin a rise must exceed.
    fn refresh(&mut self) {
        let lse = softmax::softmax_into(&self.a, &mut self.q);
        self.diff = max_abs_diff(&self.q, self.target);
        let (mut dot, mut size) = (0.0, 0.0);
        for (&pk, &ak) in self.target.iter().zip(&self.a) {
            dot += pk * ak;
            size += pk * ak.abs();
        }
        self.loss = lse - dot;
        self.rounding = (self.a.len() + 4) as f64 * f64::EPSILON * (lse.abs() + size);
    }

    /// After a plain gradient step from a point whose loss was `before`
    /// (with rounding bound `margin`): records and reports a rise of the
    /// loss beyond rounding, unless the step converged. By the descent
    /// lemma no step η < 2/L lowers the loss less than η(1 − η/4)‖q − p‖²
    /// ≥ 0, so a rise means η is too large.
    fn rose_after_step(&mut self, before: f64, margin: f64, tol: f64) -> bool {
        if self.diff > tol && self.loss > before + margin.max(self.rounding) {
            self.rose = Some((before, self.loss));
        }
        self.rose.is_some()
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

/// Gradient descent: a ← a − η (q − p), stopping early when a step raises
/// the loss. Returns the iterations taken.
fn gradient_descent(s: &mut State, options: FitOptions, observe: &mut dyn FnMut(&Iterate)) -> u64 {
    let eta = options.learning_rate;
    let mut iteration = 0;
    s.show(0, 0.0, observe);
    while !s.done(iteration, options) {
        let (before, margin) = (s.loss, s.rounding);
        for ((ak, &qk), &pk) in s.a.iter_mut().zip(&s.q).zip(s.target) {
            *ak -= eta * (qk - pk);
        }
        s.refresh();
        iteration += 1;
        s.show(iteration, eta, observe);
        if s.rose_after_step(before, margin, options.tol) {
            break;
        }
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
///
/// A step with β_t = 0 (the first, and each after a restart) is a plain
/// gradient step from a, so a rise of the loss there stops the iteration
/// as in [`gradient_descent`].
fn nesterov(s: &mut State, options: FitOptions, observe: &mut dyn FnMut(&Iterate)) -> u64 {
    let eta = options.learning_rate;
    let k = s.a.len();
    let (mut prev, mut y, mut qy) = (s.a.clone(), vec![0.0; k], vec![0.0; k]);
    let (mut iteration, mut t) = (0u64, 1.0f64);
    s.show(0, 0.0, observe);
    while !s.done(iteration, options) {
        let beta = (t - 1.0) / (t + 2.0);
        let (before, margin) = (s.loss, s.rounding);
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
        if beta == 0.0 && s.rose_after_step(before, margin, options.tol) {
            break;
        }
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

// ------------------------------------------------- a general objective

/// A smooth function to minimise over ℝ^d, for problems without the closed
/// form of the softmax fit above: a die seen only through its totals
/// (`analysis::sum`), a log-linear model of the logits (`crate::loglinear`).
pub trait Objective {
    /// The dimension d.
    fn dim(&self) -> usize;
    /// f(x), writing ∇f(x) into `gradient`; +∞ where f is undefined (a
    /// step there is refused by the line search and counts as a rise).
    fn value_gradient(&self, x: &[f64], gradient: &mut [f64]) -> f64;
    /// ∇²f(x), row-major d × d, into `hessian`.
    fn hessian(&self, x: &[f64], hessian: &mut [f64]);
}

/// Where [`minimise`] stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    /// The last iterate.
    pub x: Vec<f64>,
    /// f there.
    pub value: f64,
    /// max_i |∂f/∂x_i| there.
    pub gradient_norm: f64,
    /// The method that ran ([`Method::Auto`] runs Newton's method here).
    pub method: Method,
    /// Iterations taken.
    pub iterations: u64,
    /// True exactly when `gradient_norm ≤ tol`.
    pub converged: bool,
    /// Why the iteration stopped.
    pub stop: Stop,
}

/// Minimises `f` from `start`, stopping once max_i |∂f/∂x_i| ≤ `tol`, when
/// the budget is spent, or when a plain gradient step raised f beyond
/// rounding ([`Stop::LossRose`]):
///
/// ```text
/// gd:        x ← x − η ∇f(x)
/// momentum:  y = x + β_t (x − x_prev), x ← y − η ∇f(y), β_t = (t−1)/(t+2),
///            restart t ← 1 when ∇f(y)·(x_new − x) > 0
/// newton:    (∇²f + λI) d = −∇f, λ = 0 or the smallest of 10^j·τ that makes
///            the matrix positive definite (Cholesky), τ = 1e-10·(1 + max|H_ii|);
///            x ← x + t d, t halved from 1 until f(x + t d) ≤ f(x) + ½ t ∇f·d
///            (no search once the matrix needed no λ and max|∇f| ≤ 1e-6)
/// ```
///
/// `auto` is Newton's method: without a target to inspect there is no
/// reason to prefer the first-order steps, which here need of order the
/// condition number of ∇²f iterations. The step η of gd and momentum is
/// `options.learning_rate`; no step below 2/L raises f when the
/// eigenvalues of ∇²f stay below L (the descent lemma).
pub fn minimise(f: &dyn Objective, start: &[f64], options: FitOptions) -> Minimum {
    let method = match options.method {
        Method::Auto => Method::Newton,
        method => method,
    };
    let d = f.dim();
    let mut x = start.to_vec();
    let mut g = vec![0.0; d];
    let mut value = f.value_gradient(&x, &mut g);
    let norm = |g: &[f64]| g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let rounding = |v: f64| (d + 4) as f64 * f64::EPSILON * (v.abs() + 1.0);
    let mut iterations = 0;
    let mut rose = false;
    let (mut prev, mut y, mut gy) = (x.clone(), vec![0.0; d], vec![0.0; d]);
    let mut t = 1.0f64;
    let mut hessian = vec![0.0; d * d];
    let (mut trial, mut tg) = (vec![0.0; d], vec![0.0; d]);
    while norm(&g) > options.tol && iterations < options.max_iter && value.is_finite() {
        let before = value;
        match method {
            Method::Gd => {
                for (xi, gi) in x.iter_mut().zip(&g) {
                    *xi -= options.learning_rate * gi;
                }
                value = f.value_gradient(&x, &mut g);
                rose = value.is_nan() || value > before + rounding(before);
            }
            Method::Momentum => {
                let beta = (t - 1.0) / (t + 2.0);
                for ((yi, &xi), &pi) in y.iter_mut().zip(&x).zip(&prev) {
                    *yi = xi + beta * (xi - pi);
                }
                f.value_gradient(&y, &mut gy);
                prev.copy_from_slice(&x);
                let mut alignment = 0.0;
                for (((xi, &yi), &gi), &old) in x.iter_mut().zip(&y).zip(&gy).zip(&prev) {
                    *xi = yi - options.learning_rate * gi;
                    alignment += gi * (*xi - old);
                }
                t = if alignment > 0.0 { 1.0 } else { t + 1.0 };
                value = f.value_gradient(&x, &mut g);
                rose = beta == 0.0 && (value.is_nan() || value > before + rounding(before));
            }
            Method::Auto | Method::Newton => {
                f.hessian(&x, &mut hessian);
                let (step, damped) = newton_direction(&hessian, &g);
                let slope: f64 = g.iter().zip(&step).map(|(a, b)| a * b).sum();
                let search = damped || norm(&g) > NEWTON_FULL_STEP_BELOW;
                let mut length = 1.0;
                for _ in 0..NEWTON_MAX_HALVINGS {
                    for ((ti, &xi), &si) in trial.iter_mut().zip(&x).zip(&step) {
                        *ti = xi + length * si;
                    }
                    let v = f.value_gradient(&trial, &mut tg);
                    if !search && v.is_finite() || v <= before + 0.5 * length * slope {
                        break;
                    }
                    length *= 0.5;
                }
                x.copy_from_slice(&trial);
                value = f.value_gradient(&x, &mut g);
            }
        }
        iterations += 1;
        if rose {
            break;
        }
    }
    let gradient_norm = norm(&g);
    let converged = gradient_norm <= options.tol && value.is_finite();
    Minimum {
        x,
        value,
        gradient_norm,
        method,
        iterations,
        converged,
        stop: if converged {
            Stop::Converged
        } else if rose || !value.is_finite() {
            Stop::LossRose
        } else {
            Stop::MaxIter
        },
    }
}

/// The Newton direction d = −(H + λI)⁻¹ g with the smallest λ of 0,
/// τ, 10τ, ... (τ = 1e-10·(1 + max|H_ii|)) that makes H + λI positive
/// definite, and whether λ > 0 was needed. Falls back to −g when no λ up
/// to 10^20·τ does (a non-finite Hessian).
fn newton_direction(h: &[f64], g: &[f64]) -> (Vec<f64>, bool) {
    let d = g.len();
    let scale = 1.0 + (0..d).map(|i| h[i * d + i].abs()).fold(0.0, f64::max);
    let mut lambda = 0.0;
    for _ in 0..=21 {
        let mut m = h.to_vec();
        for i in 0..d {
            m[i * d + i] += lambda;
        }
        if let Some(l) = cholesky(&mut m, d) {
            let mut step = cholesky_solve(l, d, g);
            step.iter_mut().for_each(|s| *s = -*s);
            return (step, lambda > 0.0);
        }
        lambda = if lambda == 0.0 {
            1e-10 * scale
        } else {
            lambda * 10.0
        };
    }
    (g.iter().map(|v| -v).collect(), true)
}

/// The Cholesky factor L (lower, row-major, in place) of a symmetric
/// positive-definite `m`; `None` when a pivot is not positive and finite.
pub fn cholesky(m: &mut [f64], d: usize) -> Option<&[f64]> {
    for j in 0..d {
        let mut pivot = m[j * d + j];
        for k in 0..j {
            pivot -= m[j * d + k] * m[j * d + k];
        }
        if !(pivot > 0.0 && pivot.is_finite()) {
            return None;
        }
        let root = pivot.sqrt();
        m[j * d + j] = root;
        for i in j + 1..d {
            let mut v = m[i * d + j];
            for k in 0..j {
                v -= m[i * d + k] * m[j * d + k];
            }
            m[i * d + j] = v / root;
        }
    }
    Some(m)
}

/// Solves L Lᵀ x = b for the factor of [`cholesky`].
pub fn cholesky_solve(l: &[f64], d: usize, b: &[f64]) -> Vec<f64> {
    let mut y = b.to_vec();
    for i in 0..d {
        for k in 0..i {
            y[i] -= l[i * d + k] * y[k];
        }
        y[i] /= l[i * d + i];
    }
    for i in (0..d).rev() {
        for k in i + 1..d {
            y[i] -= l[k * d + i] * y[k];
        }
        y[i] /= l[i * d + i];
    }
    y
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
        for method in METHODS {
            let options = FitOptions {
                max_iter: 2,
                ..with(method)
            };
            let fit = fit(&[0.999, 0.001], options);
            assert_eq!(fit.iterations, 2);
            assert!(!fit.converged);
            assert_eq!(fit.stop, Stop::MaxIter);
            assert!(fit.max_abs_diff > options.tol);
        }
    }

    /// From the fair d2, one step of η gives a = ±η·0.4 for p = (0.9, 0.1):
    /// q_1 = 1/(1 + e^{−0.8η}). At η = 50 that is 1 − 4.2e-18, and the loss
    /// H = −0.9 ln q_1 − 0.1 ln(1 − q_1) = 0.1·40 + ... ≈ 4.0 nats, far above
    /// the start's ln 2: the first step rises, and the fit stops there.
    #[test]
    fn a_step_that_raises_the_loss_stops_the_fit_at_once() {
        for method in [Method::Gd, Method::Momentum] {
            let options = FitOptions {
                learning_rate: 50.0,
                ..with(method)
            };
            let fit = fit(&[0.9, 0.1], options);
            assert_eq!(fit.stop, Stop::LossRose, "{method:?}");
            assert!(!fit.converged);
            assert_eq!(fit.iterations, 1);
            let (from, to) = fit.loss_rose.unwrap();
            // ln 2 exactly at the fair start (rounding 1e-15).
            assert!((from - 2f64.ln()).abs() < 1e-15);
            // H = 0.9·ln(1 + e^-40) + 0.1·(40 + ln(1 + e^-40)) = 4 + ln(1 + e^-40); 1e-12.
            assert!((to - (4.0 + (-40f64).exp().ln_1p())).abs() < 1e-12, "{to}");
        }
    }

    /// The descent lemma: every η < 2/L = 4 lowers the loss at every step,
    /// so no such fit stops for a rising loss — the rounding margin keeps
    /// the noise of the last steps (losses equal to 1e-16) from counting.
    #[test]
    fn no_step_below_the_curvature_bound_stops_for_a_rising_loss() {
        let p = [0.05, 0.15, 0.3, 0.5];
        for eta in [0.25, 1.0, 2.0, 3.0, 3.9, 3.999] {
            for method in [Method::Gd, Method::Momentum] {
                let fit = fit(
                    &p,
                    FitOptions {
                        learning_rate: eta,
                        tol: 1e-14,
                        max_iter: 100_000,
                        ..with(method)
                    },
                );
                // Momentum may end at --max-iter this close to rounding,
                // never for a rising loss; gradient descent converges.
                assert_ne!(fit.stop, Stop::LossRose, "{method:?} η = {eta}");
                if method == Method::Gd {
                    assert_eq!(fit.stop, Stop::Converged, "η = {eta}");
                }
            }
        }
    }

    #[test]
    fn auto_takes_gradient_descent_only_when_every_target_is_at_least_a_thousandth() {
        assert_eq!(Method::Auto.choose(&[0.5, 0.5]), Method::Gd);
        assert_eq!(Method::Auto.choose(&[0.999, 0.001]), Method::Gd);
        assert_eq!(Method::Auto.choose(&[0.9991, 0.0009]), Method::Newton);
        // A zero target is left out of the problem, so it does not count.
        assert_eq!(Method::Auto.choose(&[0.0, 0.4, 0.6]), Method::Gd);
        // 1001 equal faces: each 1/1001 < 1e-3.
        assert_eq!(Method::Auto.choose(&[1.0 / 1001.0; 1001]), Method::Newton);
        for method in [Method::Gd, Method::Momentum, Method::Newton] {
            assert_eq!(method.choose(&[0.9991, 0.0009]), method);
            assert_eq!(method.choose(&[0.5, 0.5]), method);
        }
        let fit = fit(&[0.25, 0.75], FitOptions::default());
        assert_eq!(fit.method, Method::Gd);
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

    /// Zipf's law over 100,000 faces, all observed: p_k ∝ 1/k. The default
    /// (`auto`) takes Newton's method here, as p_min ≈ 8e-7.
    #[test]
    fn newton_fits_a_hundred_thousand_zipf_faces() {
        let k = 100_000;
        let total: f64 = (1..=k).map(|i| 1.0 / i as f64).sum();
        let p: Vec<f64> = (1..=k).map(|i| 1.0 / i as f64 / total).collect();
        for method in [Method::Newton, Method::Auto] {
            let fit = fit(&p, with(method));
            assert_eq!(fit.method, Method::Newton);
            assert!(
                fit.converged,
                "{} iterations, diff {}",
                fit.iterations, fit.max_abs_diff
            );
            assert!(fit.iterations < 100);
        }
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

    /// The Rosenbrock function (a curved valley, not convex) and a convex
    /// quadratic: every method finds the minimum (1, 1) / the solution.
    struct Rosenbrock;
    impl Objective for Rosenbrock {
        fn dim(&self) -> usize {
            2
        }
        fn value_gradient(&self, x: &[f64], g: &mut [f64]) -> f64 {
            let (a, b) = (x[0], x[1]);
            g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
            g[1] = 200.0 * (b - a * a);
            (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
        }
        fn hessian(&self, x: &[f64], h: &mut [f64]) {
            let (a, b) = (x[0], x[1]);
            h.copy_from_slice(&[
                2.0 - 400.0 * (b - 3.0 * a * a),
                -400.0 * a,
                -400.0 * a,
                200.0,
            ]);
        }
    }

    #[test]
    fn minimise_finds_the_rosenbrock_minimum() {
        // Newton from (−1.2, 1), the classical start; its Hessian is
        // indefinite on the way (damped there).
        let m = minimise(&Rosenbrock, &[-1.2, 1.0], with(Method::Newton));
        assert!(m.converged, "{m:?}");
        assert!((m.x[0] - 1.0).abs() < 1e-8 && (m.x[1] - 1.0).abs() < 1e-8);
        // Gradient descent with η below 2/L (L ≈ 1002 near the minimum).
        let options = FitOptions {
            learning_rate: 1e-3,
            tol: 1e-6,
            ..with(Method::Gd)
        };
        let m = minimise(&Rosenbrock, &[-1.2, 1.0], options);
        assert!(m.converged, "{m:?}");
        assert!((m.x[0] - 1.0).abs() < 1e-4);
        let m = minimise(
            &Rosenbrock,
            &[-1.2, 1.0],
            FitOptions {
                method: Method::Momentum,
                ..options
            },
        );
        assert!(m.converged, "{m:?}");
        assert!((m.x[0] - 1.0).abs() < 1e-4);
        assert_eq!(
            minimise(&Rosenbrock, &[-1.2, 1.0], with(Method::Auto)).method,
            Method::Newton
        );
    }

    #[test]
    fn minimise_stops_when_a_gradient_step_rises() {
        let options = FitOptions {
            learning_rate: 1.0,
            ..with(Method::Gd)
        };
        let m = minimise(&Rosenbrock, &[-1.2, 1.0], options);
        assert_eq!(m.stop, Stop::LossRose);
        assert_eq!(m.iterations, 1);
    }

    #[test]
    fn cholesky_solves_and_refuses_indefinite_matrices() {
        let mut m = vec![4.0, 2.0, 2.0, 3.0];
        let l = cholesky(&mut m, 2).unwrap().to_vec();
        let x = cholesky_solve(&l, 2, &[2.0, 1.0]);
        // [4 2; 2 3] x = [2 1] ⇒ x = (1/2, 0); rounding 1e-15.
        assert!((x[0] - 0.5).abs() < 1e-15 && x[1].abs() < 1e-15);
        assert!(cholesky(&mut [1.0, 2.0, 2.0, 1.0], 2).is_none());
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
