//! Log-linear models of a die: logits a = Xβ for a K × P design X (no
//! intercept: softmax ignores a constant), fitted by maximum likelihood
//! through [`crate::optim::minimise`].
//!
//! ```text
//! q(β) = softmax(Xβ),   ℓ(β) = Σ_k n_k ln q_k(β)
//! f(β) = −ℓ(β)/N = lse(Xβ) − Σ_k p_k (Xβ)_k,      p_k = n_k/N
//! ∇f(β) = Xᵀ(q − p)                                (N ∇f = Xᵀ(N q − n))
//! ∇²f(β) = Xᵀ(diag(q) − qqᵀ)X,   Fisher information I(β) = N ∇²f(β)
//! SE(β̂_j) = √(I(β̂)⁻¹)_jj,   z_j = β̂_j / SE_j,   p_j = P(χ²₁ ≥ z_j²) = P(|Z| ≥ |z_j|)
//! ```
//! f is convex (a log-sum-exp of linear functions minus a linear one), and
//! strictly so when [1 X] has full column rank: [`check`] refuses any other
//! design, naming the column that is constant or a combination of the
//! constant and the columns before it. The largest eigenvalue of
//! diag(q) − qqᵀ is at most ½, so ½‖X‖_F² bounds the curvature, which sets
//! the step of gradient descent and momentum. docs/math.md §10 derives it.
//!
//! A separate module, not part of `optim`, because the design's checks, the
//! standard errors and the log-likelihood are statistics of the model, and
//! not part of `stats`, which does not depend on the optimisers. The P × P
//! linear algebra is `optim`'s hand-written Cholesky factorisation: P is a
//! handful (3 for a centre of mass), and a linear-algebra crate would be the
//! only one of its kind in the build.

use crate::optim::{self, FitOptions, Method, Objective, Stop};
use crate::softmax;
use crate::tolerance::DESIGN_RANK_TOL;

/// The multinomial log-likelihood of a log-linear model, per roll.
struct Problem<'a> {
    /// K rows of P values.
    x: &'a [Vec<f64>],
    /// p_k = n_k / N.
    p: Vec<f64>,
}

impl Problem<'_> {
    fn logits(&self, beta: &[f64]) -> Vec<f64> {
        self.x
            .iter()
            .map(|row| row.iter().zip(beta).map(|(a, b)| a * b).sum())
            .collect()
    }

    /// Xᵀ(diag(q) − qqᵀ)X.
    fn hessian(&self, q: &[f64]) -> Vec<Vec<f64>> {
        let dim = self.x.first().map_or(0, Vec::len);
        let mean: Vec<f64> = (0..dim)
            .map(|j| self.x.iter().zip(q).map(|(row, qk)| qk * row[j]).sum())
            .collect();
        let mut h = vec![vec![0.0; dim]; dim];
        for (row, &qk) in self.x.iter().zip(q) {
            for (hi, (ri, mi)) in h.iter_mut().zip(row.iter().zip(&mean)) {
                for (hij, (rj, mj)) in hi.iter_mut().zip(row.iter().zip(&mean)) {
                    *hij += qk * (ri - mi) * (rj - mj);
                }
            }
        }
        h
    }
}

impl Objective for Problem<'_> {
    fn dim(&self) -> usize {
        self.x.first().map_or(0, Vec::len)
    }

    fn value_gradient(&self, beta: &[f64], grad: &mut [f64]) -> f64 {
        let a = self.logits(beta);
        let q = softmax::softmax(&a);
        for (j, g) in grad.iter_mut().enumerate() {
            *g = self
                .x
                .iter()
                .zip(q.iter().zip(&self.p))
                .map(|(row, (qk, pk))| row[j] * (qk - pk))
                .sum();
        }
        softmax::cross_entropy(&self.p, &a)
    }

    fn hessian(&self, beta: &[f64], hessian: &mut [f64]) {
        let q = softmax::softmax(&self.logits(beta));
        for (slot, v) in hessian
            .iter_mut()
            .zip(self.hessian(&q).into_iter().flatten())
        {
            *slot = v;
        }
    }
}

impl Problem<'_> {
    /// An upper bound L on ∇²f's largest eigenvalue anywhere, ½‖X‖_F²: gd
    /// and momentum step η·½/L, so that `--lr` means for a design what it
    /// means for the softmax fit (whose L is ½).
    fn curvature_bound(&self) -> f64 {
        0.5 * self.x.iter().flatten().map(|v| v * v).sum::<f64>()
    }
}

/// A fitted log-linear model.
#[derive(Debug, Clone, PartialEq)]
pub struct LoglinearFit {
    /// β̂, one per column.
    pub estimate: Vec<f64>,
    /// √(I⁻¹)_jj; `None` when the information is not positive definite at β̂
    /// (an estimate run off towards infinity).
    pub std_error: Vec<Option<f64>>,
    /// q(β̂) per face.
    pub q: Vec<f64>,
    /// ℓ(β̂) = Σ n_k ln q_k (without the multinomial coefficient).
    pub loglik: f64,
    /// The optimiser's run.
    pub method: Method,
    /// Iterations taken.
    pub iterations: u64,
    /// True when max_j |∇_j f| ≤ tol.
    pub converged: bool,
    /// Why the iteration stopped.
    pub stop: Stop,
    /// max_j |(Xᵀ(q − p))_j| at β̂.
    pub gradient_max: f64,
}

/// Checks a design: every column must be independent of the constant and
/// of the columns before it (modified Gram–Schmidt, twice, on [1 X]; a
/// column whose remainder is below [`DESIGN_RANK_TOL`] of its length
/// fails). `names` name the columns in the error.
///
/// # Errors
/// "column x is constant ..." or "column z is a linear combination of the
/// constant and columns x, y ...".
pub fn check(names: &[String], x: &[Vec<f64>]) -> Result<(), String> {
    let k = x.len();
    let mut basis: Vec<Vec<f64>> = vec![vec![1.0 / (k as f64).sqrt(); k]];
    for (j, name) in names.iter().enumerate() {
        let column: Vec<f64> = x.iter().map(|row| row[j]).collect();
        let length = column.iter().map(|v| v * v).sum::<f64>().sqrt();
        if !length.is_finite() {
            return Err(format!(
                "column {name} has values too large to fit (their squares overflow): rescale it"
            ));
        }
        let mut rest = column.clone();
        for _ in 0..2 {
            for b in &basis {
                let dot: f64 = rest.iter().zip(b).map(|(r, e)| r * e).sum();
                for (r, e) in rest.iter_mut().zip(b) {
                    *r -= dot * e;
                }
            }
        }
        let remainder = rest.iter().map(|v| v * v).sum::<f64>().sqrt();
        if remainder <= DESIGN_RANK_TOL * length || length == 0.0 {
            let spread = column.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v))
                - column.iter().fold(f64::INFINITY, |m, &v| m.min(v));
            if spread <= DESIGN_RANK_TOL * length || length == 0.0 {
                return Err(format!(
                    "column {name} is constant: softmax ignores a constant, so its coefficient cannot be estimated (drop the column)"
                ));
            }
            let before = names[..j].join(", ");
            return Err(format!(
                "column {name} is a linear combination of the constant and columns {before}: the design is rank-deficient (drop {name})"
            ));
        }
        basis.push(rest.iter().map(|v| v / remainder).collect());
    }
    Ok(())
}

/// Fits β by `options.method` from β = 0 (the fair die); `x` has been
/// [`check`]ed, `counts` has N > 0.
pub fn fit(x: &[Vec<f64>], counts: &[u64], options: FitOptions) -> LoglinearFit {
    let n: u64 = counts.iter().sum();
    let total = n as f64;
    let problem = Problem {
        x,
        p: counts.iter().map(|&c| c as f64 / total).collect(),
    };
    let start = vec![0.0; problem.dim()];
    let step = FitOptions {
        learning_rate: options.learning_rate * 0.5
            / problem.curvature_bound().max(f64::MIN_POSITIVE),
        ..options
    };
    let min = optim::minimise(&problem, &start, step);
    let a = problem.logits(&min.x);
    let lse = softmax::log_sum_exp(&a);
    let q = softmax::softmax(&a);
    let loglik = counts
        .iter()
        .zip(&a)
        .filter(|(&c, _)| c > 0)
        .map(|(&c, &ak)| c as f64 * (ak - lse))
        .sum();
    let d = problem.dim();
    let mut information: Vec<f64> = problem
        .hessian(&q)
        .into_iter()
        .flatten()
        .map(|v| v * total)
        .collect();
    let std_error = match optim::cholesky(&mut information, d) {
        Some(l) => (0..d)
            .map(|j| {
                let mut e = vec![0.0; d];
                e[j] = 1.0;
                let variance = optim::cholesky_solve(l, d, &e)[j];
                (variance.is_finite() && variance > 0.0).then(|| variance.sqrt())
            })
            .collect(),
        None => vec![None; d],
    };
    LoglinearFit {
        estimate: min.x,
        std_error,
        q,
        loglik,
        method: min.method,
        iterations: min.iterations,
        converged: min.converged,
        stop: min.stop,
        gradient_max: min.gradient_norm,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_too_large_to_square_is_refused_as_such() {
        let x = vec![vec![1e308], vec![-1e308], vec![0.0]];
        let e = check(&names(&["x"]), &x).unwrap_err();
        assert!(e.contains("column x has values too large"), "{e}");
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// A d6's face normals: 1/6 on ±z, 2/5 on ±x, 3/4 on ±y.
    fn d6() -> Vec<Vec<f64>> {
        vec![
            vec![0.0, 0.0, 1.0],
            vec![1.0, 0.0, 0.0],
            vec![0.0, 1.0, 0.0],
            vec![0.0, -1.0, 0.0],
            vec![-1.0, 0.0, 0.0],
            vec![0.0, 0.0, -1.0],
        ]
    }

    #[test]
    fn a_constant_or_dependent_column_is_named() {
        let x: Vec<Vec<f64>> = d6().into_iter().map(|r| vec![r[0], 2.0, r[1]]).collect();
        let e = check(&names(&["x", "c", "y"]), &x).unwrap_err();
        assert!(e.starts_with("column c is constant"), "{e}");
        // w = x + y + 3 depends on the constant and x, y.
        let x: Vec<Vec<f64>> = d6()
            .into_iter()
            .map(|r| vec![r[0], r[1], r[0] + r[1] + 3.0])
            .collect();
        let e = check(&names(&["x", "y", "w"]), &x).unwrap_err();
        assert!(
            e.starts_with("column w is a linear combination of the constant and columns x, y"),
            "{e}"
        );
        assert_eq!(check(&names(&["x", "y", "z"]), &d6()), Ok(()));
    }

    /// Counts tilted only along z (faces 1 and 6), the other pairs equal:
    /// β_x = β_y = 0 and the score equation for β_z, with u = e^{β_z}, is
    /// n_1 − n_6 = N (u − 1/u)/(4 + u + 1/u): 40 = 600 (u − 1/u)/(4 + u + 1/u),
    /// i.e. 7u² − 2u − 8 = 0, u = (2 + √228)/14.
    #[test]
    fn every_method_matches_the_closed_form_of_a_pure_tilt() {
        let counts = [120, 100, 100, 100, 100, 80];
        let u = (2.0 + 228f64.sqrt()) / 14.0;
        let want = u.ln();
        for method in [Method::Gd, Method::Momentum, Method::Newton] {
            let fit = fit(
                &d6(),
                &counts,
                FitOptions {
                    method,
                    ..FitOptions::default()
                },
            );
            assert!(fit.converged, "{method:?}");
            // tol 1e-10 in the gradient; 1e-8 on β.
            assert!((fit.estimate[2] - want).abs() < 1e-8, "{method:?}");
            assert!(fit.estimate[0].abs() < 1e-8 && fit.estimate[1].abs() < 1e-8);
            // The information is diagonal here: I_zz = N Var_q(z) = N (q_1 + q_6 − (q_1 − q_6)²).
            let total = 4.0 + u + 1.0 / u;
            let (q1, q6) = (u / total, 1.0 / u / total);
            let se = (1.0 / (600.0 * (q1 + q6 - (q1 - q6) * (q1 - q6)))).sqrt();
            // 1e-7 relative: β is within 1e-8, and I moves with it.
            assert!((fit.std_error[2].unwrap() - se).abs() < 1e-7 * se);
        }
    }

    #[test]
    fn newton_needs_few_iterations() {
        let fit = fit(
            &d6(),
            &[300, 200, 150, 100, 150, 100],
            FitOptions::default(),
        );
        assert_eq!(fit.method, Method::Newton);
        assert!(fit.converged && fit.iterations < 20, "{}", fit.iterations);
    }

    /// Counts on one face only: the MLE is at infinity. The fit stops where
    /// the gradient (which vanishes there) falls below tol, with a huge
    /// estimate whose standard error dwarfs it (or none), and no NaN.
    #[test]
    fn an_estimate_at_infinity_has_a_standard_error_that_says_so() {
        let fit = fit(&d6(), &[50, 0, 0, 0, 0, 0], FitOptions::default());
        assert!(fit.estimate.iter().all(|b| b.is_finite()));
        assert!(fit.estimate[2] > 10.0, "{:?}", fit.estimate);
        assert!(fit.loglik.is_finite() && fit.loglik <= 0.0);
        assert!(fit.q.iter().all(|q| q.is_finite()));
        if let Some(se) = fit.std_error[2] {
            assert!(se > 100.0 * fit.estimate[2], "{se}");
        }
    }
}
