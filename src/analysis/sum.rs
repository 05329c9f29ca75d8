//! A die seen only through the totals of M identical dice (`fit --sum-of
//! M`): the maximum-likelihood q, its standard errors, the fitted law of
//! the totals, a likelihood-ratio test against the fair die and a
//! goodness-of-fit test of the model — a report of its own, not fit's
//! per-die report.
//!
//! The likelihood ([`crate::stats::sum`]) is not concave in q, so the fit
//! starts from the fair die and from [`RANDOM_STARTS`] seeded random logits
//! ([`START_SEED`]: reproducible), and keeps the best. Two starts that end
//! equally good ([`SUM_EQUAL_OPTIMA_LOGLIK`]) at different dice
//! ([`SUM_DISTINCT_Q`]) make `optimum_unique` false. For M identical dice
//! the law of the total identifies q (its generating function is G(z)^M,
//! and G is the one M-th root with G(1) = 1 and non-negative
//! coefficients), so two equally good optima are a property of the sample,
//! never of the model; docs/statistics.md §14 says more.

use serde::Serialize;

use crate::dataset::Skipped;
use crate::optim::{self, FitOptions, Method, Minimum, Objective, Stop};
use crate::softmax;
use crate::stats::sum::{self, Observed, SumDice};
use crate::stats::TestResult;
use crate::tolerance::{SUM_BOUNDARY_Q, SUM_DISTINCT_Q, SUM_EQUAL_OPTIMA_LOGLIK};

/// Random starts besides the fair die.
pub const RANDOM_STARTS: usize = 4;
/// The seed of the random starts (fixed: the same log gives the same fit).
pub const START_SEED: u64 = 14;
/// Expected counts below this make a total's cell sparse for the χ²
/// approximation (Cochran's rule of thumb).
pub const SPARSE_EXPECTED: f64 = 5.0;

/// One face of the fitted die.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SumFace {
    /// The face's number, 1..K.
    pub face: u64,
    /// The face's value (what it adds to a total).
    pub value: i64,
    /// The fitted probability.
    pub q: f64,
    /// Its standard error from the inverse observed information of the K − 1
    /// free probabilities; absent on the boundary (q < 1e-6) or where the
    /// information is not invertible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub std_error: Option<f64>,
}

/// One possible total: seen and expected under the fitted die.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SumTotal {
    /// The total.
    pub total: i64,
    /// How many times it was seen.
    pub count: u64,
    /// N · P(total) under the fitted die.
    pub expected: f64,
}

/// Pearson's χ² of the fitted model on the totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SumGof {
    /// Σ (n_s − e_s)²/e_s over the possible totals with a positive
    /// expected count, df = #totals − 1 − (K − 1).
    #[serde(flatten)]
    pub test: TestResult,
    /// Totals whose expected count is below 5 (the χ² approximation is
    /// rough when there are many).
    pub sparse_cells: u64,
}

/// The model and its fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SumModel {
    /// Always "sum".
    pub kind: &'static str,
    /// M, the dice in each total.
    pub dice: u64,
    /// ℓ(q̂) = Σ n_s ln P(s) at the fitted die (nats).
    pub loglik: f64,
    /// ℓ at the fair die.
    pub loglik_fair: f64,
    /// The likelihood-ratio test against the fair die, 2(ℓ(q̂) − ℓ(fair)),
    /// df K − 1.
    pub lrt_vs_fair: TestResult,
    /// With `--expected`: ℓ at that die (−f64::MAX when it cannot make a
    /// total seen).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loglik_expected: Option<f64>,
    /// With `--expected`: the likelihood-ratio test against that die,
    /// 2(ℓ(q̂) − ℓ(expected)), df K − 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lrt_vs_expected: Option<TestResult>,
    /// The model's goodness of fit on the totals; absent when df < 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gof: Option<SumGof>,
    /// The optimiser that ran.
    pub method: Method,
    /// Iterations of the best start.
    pub iterations: u64,
    /// Whether the best start's max|∇f| reached --tol.
    pub converged: bool,
    /// Why the best start stopped.
    pub stop: Stop,
    /// Starts tried (the fair die and the random ones).
    pub starts: u64,
    /// False when another start reached a different die with a
    /// log-likelihood within 1e-9 of the best.
    pub optimum_unique: bool,
}

/// The report of `fit --sum-of`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SumReport {
    /// N, the totals read.
    pub n: u64,
    /// The faces of the fitted die.
    pub faces: Vec<SumFace>,
    /// Every possible total, seen and expected.
    pub totals: Vec<SumTotal>,
    /// The model, its fit and its tests.
    pub model: SumModel,
    /// Rows skipped by --skip-invalid; absent when none were.
    #[serde(skip_serializing_if = "no_rows")]
    pub skipped: Skipped,
}

fn no_rows(skipped: &Skipped) -> bool {
    skipped.rows == 0 && skipped.empty_rows == 0
}

/// The objective in the logits: the mean negative log-likelihood plus
/// ½ ā², ā the logits' mean. The penalty is 0 on the centred logits every
/// method keeps (the likelihood's gradient sums to 0), and it makes the
/// Hessian invertible along the constant direction, which softmax
/// ignores.
struct Likelihood<'a> {
    dice: &'a SumDice,
    seen: &'a Observed,
}

impl Objective for Likelihood<'_> {
    fn dim(&self) -> usize {
        self.dice.faces()
    }

    fn value_gradient(&self, a: &[f64], gradient: &mut [f64]) -> f64 {
        let q = softmax::softmax(a);
        let d = sum::derivatives(self.dice, &q, self.seen, false);
        let (g, _) = sum::logit_derivatives(&q, &d.gradient, None);
        let k = a.len() as f64;
        let mean = a.iter().sum::<f64>() / k;
        for (out, g) in gradient.iter_mut().zip(g) {
            *out = g + mean / k;
        }
        d.value + 0.5 * mean * mean
    }

    fn hessian(&self, a: &[f64], hessian: &mut [f64]) {
        let q = softmax::softmax(a);
        let d = sum::derivatives(self.dice, &q, self.seen, true);
        let (_, h) = sum::logit_derivatives(&q, &d.gradient, d.hessian.as_deref());
        let k = a.len() as f64;
        for (out, h) in hessian.iter_mut().zip(h.unwrap_or_default()) {
            *out = h + 1.0 / (k * k);
        }
    }
}

/// Fits the die from `counts` (one per total of [`SumDice::totals`], in
/// order), with the optimiser's `options` (the step η of gd and momentum
/// is the caller's: 2/M = 1/L by default, as the Hessian of the mean
/// negative log-likelihood is at most M·(diag q − qqᵀ) ≼ (M/2)·I), and
/// tests it against the fair die and, when given, the `expected` one (K
/// probabilities summing to 1).
pub fn analyse_sum(
    dice: &SumDice,
    counts: &[u64],
    options: FitOptions,
    expected: Option<&[f64]>,
    skipped: Skipped,
) -> SumReport {
    let totals = dice.totals();
    let seen = Observed::new(
        totals
            .iter()
            .zip(counts)
            .filter_map(|(&t, &n)| dice.offset(t).map(|s| (s, n))),
    );
    let n = counts.iter().sum::<u64>();
    let k = dice.faces();
    let objective = Likelihood { dice, seen: &seen };
    let mut starts = vec![vec![0.0; k]];
    starts.extend(sum::random_starts(k, RANDOM_STARTS, START_SEED));
    let runs: Vec<Minimum> = starts
        .iter()
        .map(|start| optim::minimise(&objective, start, options))
        .collect();
    let loglik_of = |x: &[f64]| sum::log_likelihood(dice, &softmax::softmax(x), &seen);
    let logliks: Vec<f64> = runs.iter().map(|r| loglik_of(&r.x)).collect();
    let best = (0..runs.len())
        .filter(|&i| logliks[i].is_finite())
        .max_by(|&i, &j| logliks[i].total_cmp(&logliks[j]))
        .unwrap_or(0);
    let q = softmax::softmax(&runs[best].x);
    let optimum_unique = !(0..runs.len()).any(|i| {
        let other = softmax::softmax(&runs[i].x);
        runs[i].converged
            && (logliks[i] - logliks[best]).abs() <= SUM_EQUAL_OPTIMA_LOGLIK
            && optim::max_abs_diff(&other, &q) > SUM_DISTINCT_Q
    });
    let loglik = logliks[best];
    let fair = vec![1.0 / k as f64; k];
    let loglik_fair = sum::log_likelihood(dice, &fair, &seen);
    let loglik_expected = expected.map(|e| sum::log_likelihood(dice, e, &seen));
    let errors = std_errors(dice, &q, &seen);
    let faces = (0..k)
        .map(|i| SumFace {
            face: i as u64 + 1,
            value: dice.values()[i],
            q: q[i],
            std_error: errors[i],
        })
        .collect();
    let law = dice.law(&q);
    let rows: Vec<SumTotal> = totals
        .iter()
        .zip(counts)
        .map(|(&total, &count)| SumTotal {
            total,
            count,
            expected: n as f64 * dice.offset(total).map_or(0.0, |s| law[s]),
        })
        .collect();
    let lrt_df = k as u64 - 1;
    let statistic = (2.0 * (loglik - loglik_fair)).max(0.0);
    let run = &runs[best];
    SumReport {
        n,
        faces,
        model: SumModel {
            kind: "sum",
            dice: dice.dice() as u64,
            loglik,
            loglik_fair,
            lrt_vs_fair: TestResult::chi2(statistic, lrt_df),
            loglik_expected: loglik_expected.map(|l| l.max(-f64::MAX)),
            lrt_vs_expected: loglik_expected
                .map(|l| TestResult::chi2((2.0 * (loglik - l)).max(0.0), lrt_df)),
            gof: goodness_of_fit(&rows, lrt_df),
            method: run.method,
            iterations: run.iterations,
            converged: run.converged,
            stop: run.stop,
            starts: runs.len() as u64,
            optimum_unique,
        },
        totals: rows,
        skipped,
    }
}

/// Pearson's χ² over the totals with a positive expected count, df =
/// cells − 1 − `free`; `None` when df < 1.
fn goodness_of_fit(rows: &[SumTotal], free: u64) -> Option<SumGof> {
    let cells: Vec<&SumTotal> = rows.iter().filter(|r| r.expected > 0.0).collect();
    let df = (cells.len() as u64)
        .checked_sub(1 + free)
        .filter(|&df| df >= 1)?;
    let statistic = cells
        .iter()
        .map(|r| (r.count as f64 - r.expected).powi(2) / r.expected)
        .sum::<f64>();
    Some(SumGof {
        test: TestResult::chi2(statistic, df),
        sparse_cells: cells
            .iter()
            .filter(|r| r.expected < SPARSE_EXPECTED)
            .count() as u64,
    })
}

/// Standard errors of q̂ from the inverse observed information of the free
/// probabilities. The faces above [`SUM_BOUNDARY_Q`] (the interior set I,
/// its last face r depending on the others, q_r = 1 − Σ θ) have
///
/// ```text
/// J_θ = N Aᵀ H_q A,   A = ∂q_I/∂θ = [e_j − e_r],   Cov θ̂ = J_θ⁻¹
/// Var q̂_j = (J_θ⁻¹)_jj,   Var q̂_r = 1ᵀ J_θ⁻¹ 1
/// ```
///
/// with H_q the Hessian of the mean negative log-likelihood in q
/// ([`sum::derivatives`]); q is linear in θ, so no gradient term enters.
/// Faces on the boundary, and every face when J_θ is not positive definite,
/// get none; a one-faced die (nothing free) gets 0.
fn std_errors(dice: &SumDice, q: &[f64], seen: &Observed) -> Vec<Option<f64>> {
    let k = q.len();
    let mut out = vec![None; k];
    let interior: Vec<usize> = (0..k).filter(|&i| q[i] >= SUM_BOUNDARY_Q).collect();
    let Some((&r, free)) = interior.split_last() else {
        return out;
    };
    if free.is_empty() {
        out[r] = Some(0.0);
        return out;
    }
    let Some(h) = sum::derivatives(dice, q, seen, true).hessian else {
        return out;
    };
    let d = free.len();
    let entry = |a: usize, b: usize| h[a * k + b];
    let mut info = vec![0.0; d * d];
    for (x, &i) in free.iter().enumerate() {
        for (y, &j) in free.iter().enumerate() {
            info[x * d + y] = seen.n() * (entry(i, j) - entry(i, r) - entry(r, j) + entry(r, r));
        }
    }
    let Some(l) = optim::cholesky(&mut info, d) else {
        return out;
    };
    let mut total = 0.0;
    for (x, &i) in free.iter().enumerate() {
        let mut unit = vec![0.0; d];
        unit[x] = 1.0;
        let column = optim::cholesky_solve(l, d, &unit);
        out[i] = Some(column[x].max(0.0).sqrt());
        total += column.iter().sum::<f64>();
    }
    out[r] = Some(total.max(0.0).sqrt());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    fn options(method: Method) -> FitOptions {
        FitOptions {
            method,
            learning_rate: 1.0 / 6.0,
            ..FitOptions::default()
        }
    }

    /// Weldon's 26,306 throws of 12 dice, counted by how many showed 5 or 6
    /// (Pearson 1900): the success die's MLE is the binomial mean / 12, and
    /// its standard error the binomial one, sqrt(p(1 − p)/(12 N)).
    #[test]
    fn weldon_gives_the_binomial_mean_by_every_method() {
        let counts = [
            185, 1149, 3265, 5475, 6114, 5194, 3067, 1331, 403, 105, 14, 4, 0,
        ];
        let dice = SumDice::new(&[0, 1], 12).unwrap();
        let n: u64 = counts.iter().sum();
        let successes: u64 = counts.iter().enumerate().map(|(s, c)| s as u64 * c).sum();
        let p = successes as f64 / (12.0 * n as f64);
        for method in [Method::Gd, Method::Momentum, Method::Newton] {
            let report = analyse_sum(&dice, &counts, options(method), None, Skipped::default());
            assert!(report.model.converged, "{method:?}");
            assert!(report.model.optimum_unique);
            // tol 1e-10 on the gradient, curvature 12 p(1 − p) ≈ 2.7: 1e-10.
            assert!((report.faces[1].q - p).abs() < 1e-10, "{method:?}");
            let se = (p * (1.0 - p) / (12.0 * n as f64)).sqrt();
            // The observed information equals the expected one at the
            // binomial MLE; 1e-9 relative for rounding.
            let got = report.faces[1].std_error.unwrap();
            assert!((got / se - 1.0).abs() < 1e-9, "{got} vs {se}");
            assert_eq!(report.faces[0].std_error, report.faces[1].std_error);
        }
    }

    /// Simulated totals of 3 loaded d6 (seeded): the fit recovers the die
    /// as N grows. Totals carry little information about q (at 10³ totals
    /// a face can be 5 standard errors off, the asymptotics not yet
    /// reached), so: within 5 standard errors from 10⁴ totals on, and the
    /// largest error at 10⁶ totals below a quarter of that at 10⁴ (a tenth
    /// is expected: √100).
    #[test]
    fn the_fit_recovers_the_die_as_the_totals_grow() {
        let truth = [0.1, 0.12, 0.15, 0.18, 0.2, 0.25];
        let dice = SumDice::new(&[1, 2, 3, 4, 5, 6], 3).unwrap();
        let totals = dice.totals();
        let law = dice.law(&truth);
        let mut errors = Vec::new();
        for (n, seed) in [(10_000u64, 1u64), (100_000, 2), (1_000_000, 3)] {
            let mut rng = sample::seeded_rng(seed);
            let counts = sample::multinomial(&mut rng, n, &law);
            let report = analyse_sum(
                &dice,
                &counts[..totals.len()],
                options(Method::Newton),
                None,
                Skipped::default(),
            );
            assert!(report.model.converged);
            let worst = report
                .faces
                .iter()
                .zip(truth)
                .map(|(f, t)| (f.q - t).abs() / f.std_error.unwrap())
                .fold(0.0, f64::max);
            assert!(worst < 5.0, "N = {n}: {worst} standard errors off");
            errors.push(
                report
                    .faces
                    .iter()
                    .zip(truth)
                    .map(|(f, t)| (f.q - t).abs())
                    .fold(0.0, f64::max),
            );
        }
        assert!(errors[2] < errors[0] / 4.0, "{errors:?}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]
        /// Any die with every q ≥ 0.05 (K = 2..6 faces, values 1..K), 2 to
        /// 4 of them, 10⁶ simulated totals: the fit converges and every
        /// face lies within 5 standard errors of the truth (a face misses
        /// with probability below 1e-6 when the estimate is normal).
        #[test]
        fn the_fit_recovers_any_die_from_a_million_totals(
            weights in proptest::collection::vec(1.0f64..3.0, 2..=6),
            m in 2usize..=4,
            seed in 0u64..1000,
        ) {
            let total: f64 = weights.iter().sum();
            let truth: Vec<f64> = weights.iter().map(|w| w / total).collect();
            let values: Vec<i64> = (1..=truth.len() as i64).collect();
            let dice = SumDice::new(&values, m).unwrap();
            let law = dice.law(&truth);
            let mut rng = sample::seeded_rng(seed);
            let counts = sample::multinomial(&mut rng, 1_000_000, &law);
            let report = analyse_sum(&dice, &counts, options(Method::Newton), None, Skipped::default());
            proptest::prop_assert!(report.model.converged);
            proptest::prop_assert!(report.model.optimum_unique);
            for (face, t) in report.faces.iter().zip(&truth) {
                let se = face.std_error.unwrap();
                proptest::prop_assert!((face.q - t).abs() < 5.0 * se, "{} vs {t} ± {se}", face.q);
            }
        }
    }

    #[test]
    fn a_face_never_needed_sits_on_the_boundary_without_a_std_error() {
        // 2d3 totals that never use face 3: 2, 3, 4 only.
        let dice = SumDice::new(&[1, 2, 3], 2).unwrap();
        let report = analyse_sum(
            &dice,
            &[30, 40, 20, 0, 0],
            options(Method::Newton),
            None,
            Skipped::default(),
        );
        assert!(report.faces[2].q < SUM_BOUNDARY_Q, "{:?}", report.faces);
        assert_eq!(report.faces[2].std_error, None);
        assert!(report.faces[0].std_error.is_some());
        assert!(report.totals.iter().all(|t| t.expected.is_finite()));
    }
}
