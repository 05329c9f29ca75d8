//! Fitting and testing one die: the optimiser's fit of the logits, the
//! goodness-of-fit tests, the intervals, the Bayesian view and the cautions
//! a reader should see.

use anyhow::{anyhow, bail, Result};

use super::evidence::*;
use super::options::AnalysisOptions;
use super::physical;
use super::types::*;
use super::verdict;
use crate::dataset::Group;
use crate::optim::{self, Fit, Stop, STABLE_STEP_BOUND};
use crate::softmax;
use crate::stats::ci::{self, CiMethod};
use crate::stats::{bayes, contingency, exact, gof, info, power};
use crate::tolerance::SISON_GLAZ_COLLAPSE_RATIO;

/// Faces beyond which the serial test's K×K table is not built.
pub const SERIAL_MAX_FACES: usize = 2000;
/// Below this many faces Sison–Glaz's Edgeworth approximation is weaker.
pub const SISON_GLAZ_MIN_K: usize = 7;

/// The closed-form MLE p_k = n_k / N (N > 0).
pub fn empirical(counts: &[u64], n: u64) -> Vec<f64> {
    let n = n as f64;
    counts.iter().map(|&c| c as f64 / n).collect()
}

/// The add-α estimate (n_k + α)/(N + Kα).
pub fn smoothed(counts: &[u64], n: u64, alpha: f64) -> Vec<f64> {
    let total = n as f64 + alpha * counts.len() as f64;
    counts.iter().map(|&c| (c as f64 + alpha) / total).collect()
}

/// Fits and tests one die.
pub(super) fn analyse_die(
    faces: &[String],
    group: &Group,
    null: &[f64],
    options: &AnalysisOptions,
) -> Result<DieReport> {
    let counts = &group.counts;
    if let Some(k) = (0..counts.len()).find(|&k| null[k] == 0.0 && counts[k] > 0) {
        bail!(
            "face {} was rolled {} times but --expected gives it probability 0: the null is impossible",
            faces[k],
            counts[k]
        );
    }
    let p = empirical(counts, group.n);
    let target = match options.smooth {
        Some(alpha) => smoothed(counts, group.n, alpha),
        None => p.clone(),
    };
    let mut trace = Vec::new();
    let fit = if options.trace {
        optim::fit_observed(&target, options.fit, &mut |it| trace.push(trace_row(it)))
    } else {
        optim::fit(&target, options.fit)
    };
    let mut method = options.ci;
    let intervals = options.intervals.then(|| {
        let (intervals, used) = checked_intervals(counts, options.level, options.ci);
        method = used;
        intervals
    });
    let posterior = options
        .posteriors
        .then(|| bayes::posterior(counts, options.prior, options.level));
    let (expected, residual, std_residual) = (
        gof::expected(counts, null),
        gof::residuals(counts, null),
        gof::std_residuals(counts, null),
    );
    let rows: Vec<FaceRow> = (0..faces.len())
        .map(|k| FaceRow {
            face: faces[k].clone(),
            count: counts[k],
            p: p[k],
            q: fit.q[k],
            target: target[k],
            abs_diff: (fit.q[k] - target[k]).abs(),
            logit: fit.logits[k],
            expected: expected[k],
            residual: residual[k],
            std_residual: std_residual[k],
            ci_low: intervals.as_ref().map(|i| i[k].0),
            ci_high: intervals.as_ref().map(|i| i[k].1),
            posterior_mean: posterior.as_ref().map(|b| b[k].mean),
            credible_low: posterior.as_ref().map(|b| b[k].low),
            credible_high: posterior.as_ref().map(|b| b[k].high),
        })
        .collect();
    let tests = tests(counts, null, group, options)?;
    let mut warnings = warnings(faces.len(), counts, null, options);
    warnings.extend(fit_warning(&fit));
    if method != options.ci {
        warnings.push(format!(
            "{} intervals failed numerically at N = {}; goodman intervals are shown instead",
            options.ci.name(),
            group.n
        ));
    }
    if let MaybeTest::Done(serial) = &tests.serial {
        let cells = (serial.result.df as f64).sqrt() + 1.0;
        let per_cell = group.n.saturating_sub(1) as f64 / (cells * cells);
        if per_cell < 5.0 {
            warnings.push(format!(
                "the order test spreads {} pairs over about {:.0} cells ({per_cell:.1} per cell): its p-value is rough",
                group.n.saturating_sub(1),
                cells * cells
            ));
        }
    }
    let sequential = options
        .sequential
        .map(|s| super::sequential::analyse(faces, group, null, s))
        .transpose()?;
    let model = options
        .model
        .as_ref()
        .map(|spec| {
            physical::analyse(
                spec,
                faces,
                counts,
                crate::model::is_fair(null),
                options.fit,
            )
        })
        .transpose()?;
    warnings.extend(model.as_ref().and_then(physical::warning));
    let verdict = verdict::decide(&tests, sequential.as_ref(), &rows, group.n, options.alpha);
    let likeliest = (0..null.len())
        .max_by(|&a, &b| null[a].total_cmp(&null[b]))
        .unwrap_or(0);
    Ok(DieReport {
        n: group.n,
        k: faces.len(),
        faces: rows,
        fit: fit_summary(faces, counts, &target, &fit, options.smooth),
        null: null.to_vec(),
        tests,
        ci: CiSummary {
            method,
            level: options.level,
            simultaneous: method.simultaneous(),
            family_level: None,
        },
        bayes: Bayes {
            prior: options.prior,
            log10_bayes_factor: bayes::log10_bayes_factor(counts, options.prior, null),
        },
        information: info::information(counts, null),
        warnings,
        sequential,
        model,
        verdict,
        rolls_for_10pct_bias: power::rolls_to_detect(null, likeliest, 0.1, 0.05, 0.8),
        trace,
    })
}

/// The intervals by `method`, with a guard: Sison–Glaz's search loses its
/// precision for very large counts (a coin with N ≈ 4·10^10 collapsed to a
/// width near 1e-15), so when a face with 0 < n < N gets an interval
/// narrower than 1% of Goodman's ([`SISON_GLAZ_COLLAPSE_RATIO`]) — never the
/// case when the method works —
/// every face falls back to Goodman.
fn checked_intervals(counts: &[u64], level: f64, method: CiMethod) -> (Vec<(f64, f64)>, CiMethod) {
    let intervals = ci::intervals(counts, level, method);
    if method != CiMethod::SisonGlaz {
        return (intervals, method);
    }
    let goodman = ci::intervals(counts, level, CiMethod::Goodman);
    let n: u64 = counts.iter().sum();
    let collapsed = intervals
        .iter()
        .zip(&goodman)
        .zip(counts)
        .any(|((s, g), &c)| {
            0 < c && c < n && (s.1 - s.0) < SISON_GLAZ_COLLAPSE_RATIO * (g.1 - g.0)
        });
    if collapsed {
        (goodman, CiMethod::Goodman)
    } else {
        (intervals, method)
    }
}

/// The loss and distance at one iterate (over the faces with a positive
/// target, which carry the whole loss).
fn trace_row(it: &optim::Iterate) -> TraceRow {
    TraceRow {
        iteration: it.iteration,
        cross_entropy: softmax::cross_entropy(it.target, it.logits),
        kl: info::kl_divergence(it.target, it.q),
        max_abs_diff: it.max_abs_diff,
        step: it.step,
    }
}

/// The caution a fit that did not converge needs: its q and logits are not
/// the maximum-likelihood estimate. The counts' p, the tests and the verdict
/// do not use them.
fn fit_warning(fit: &Fit) -> Option<String> {
    let why = match fit.stop {
        Stop::Converged => return None,
        Stop::MaxIter => format!(
            "the fit did not converge in {} iterations",
            fit.iterations
        ),
        Stop::LossRose => format!(
            "the fit stopped because a step of {} raised the loss; steps below {STABLE_STEP_BOUND} never do",
            fit.options.learning_rate
        ),
    };
    Some(format!(
        "{why}, so q and the logits are not the maximum-likelihood estimate (p, the tests and the verdict use the counts and are unaffected)"
    ))
}

fn warnings(k: usize, counts: &[u64], null: &[f64], options: &AnalysisOptions) -> Vec<String> {
    let mut out = Vec::new();
    if gof::small_expected(counts, null) {
        let n: u64 = counts.iter().sum();
        let min_p0 = null
            .iter()
            .copied()
            .filter(|&x| x > 0.0)
            .fold(1.0, f64::min);
        let instead = if options.exact || options.monte_carlo.is_some() {
            "the exact or Monte Carlo p-value below is the one to read"
        } else {
            "use --exact or --monte-carlo B"
        };
        out.push(format!(
            "some expected counts are below 5: the chi-square p-values are rough; {instead}, or roll at least {} times",
            (5.0 / min_p0).ceil().max(n as f64 + 1.0)
        ));
    }
    if options.ci == CiMethod::SisonGlaz && k < SISON_GLAZ_MIN_K {
        out.push(format!(
            "Sison-Glaz intervals rest on an approximation that is weaker below K = {SISON_GLAZ_MIN_K}; goodman is the safer simultaneous choice here"
        ));
    }
    out
}

fn tests(counts: &[u64], null: &[f64], group: &Group, options: &AnalysisOptions) -> Result<Tests> {
    let power_divergence =
        options
            .lambda
            .map(|lambda| match gof::power_divergence(counts, null, lambda) {
                Ok(result) => MaybeTest::Done(Test {
                    lambda: Some(lambda),
                    ..Test::new(result)
                }),
                Err(why) => MaybeTest::Skipped { skipped: why },
            });
    let exact = if options.exact {
        // Too many outcomes is a property of the data, not of the command
        // line: a data error (exit 1), with the way round it said once.
        let result = exact::exact_p(counts, null, options.exact_stat).map_err(|why| {
            anyhow!("--exact: {why}; estimate the p-value with --monte-carlo B instead")
        })?;
        let n: u64 = counts.iter().sum();
        let outcomes = exact::outcomes(n, counts.len()).map_or(f64::MAX, |o| o as f64);
        Some(Exact {
            p_value: result.p_value,
            outcomes,
            stat: result.stat,
            method: result.method,
            error_bound: result.error_bound,
            p_adjusted: None,
        })
    } else {
        None
    };
    Ok(Tests {
        chi_square: Test::new(gof::pearson(counts, null)),
        g_test: Test::new(gof::g_test(counts, null)),
        power_divergence,
        exact,
        monte_carlo: options
            .monte_carlo
            .map(|(replicates, seed)| MonteCarloTest {
                result: exact::monte_carlo_p(counts, null, replicates, seed),
                p_adjusted: None,
            }),
        serial: serial_test(counts.len(), group),
    })
}

/// Pearson's χ² test of independence on the table of consecutive rolls.
fn serial_test(k: usize, group: &Group) -> MaybeTest {
    let skipped = |why: &str| MaybeTest::Skipped {
        skipped: why.into(),
    };
    let Some(pairs) = &group.pairs else {
        return skipped("a count table carries no roll order");
    };
    if k > SERIAL_MAX_FACES {
        return skipped("too many faces for the consecutive-rolls table");
    }
    let mut table = vec![vec![0u64; k]; k];
    for &((prev, cur), n) in pairs {
        table[prev][cur] += n;
    }
    match contingency::independence(&table) {
        Some(result) => MaybeTest::Done(Test::new(result)),
        None => skipped("needs consecutive rolls showing at least two faces"),
    }
}

fn fit_summary(
    faces: &[String],
    counts: &[u64],
    target: &[f64],
    fit: &Fit,
    smooth: Option<f64>,
) -> FitSummary {
    let entropy = info::entropy(target);
    let kl = info::kl_divergence(target, &fit.q);
    FitSummary {
        method: fit.method,
        auto: fit.options.method == optim::Method::Auto,
        iterations: fit.iterations,
        converged: fit.converged,
        stop: fit.stop,
        loss_rose: fit.loss_rose.map(|(from, to)| LossRose { from, to }),
        tol: fit.options.tol,
        learning_rate: fit
            .method
            .uses_learning_rate()
            .then_some(fit.options.learning_rate),
        max_iter: fit.options.max_iter,
        cross_entropy: entropy + kl,
        entropy,
        kl,
        max_abs_diff: fit.max_abs_diff,
        logits: "centred",
        zero_count_faces: faces
            .iter()
            .zip(counts)
            .filter(|(_, &c)| c == 0)
            .map(|(f, _)| f.clone())
            .collect(),
        target: if smooth.is_some() {
            Target::Smoothed
        } else {
            Target::Empirical
        },
        smooth,
    }
}
