//! From counts to conclusions: the fit of each die and everything reported
//! about it, as plain data ready to be rendered by [`crate::report`].
//!
//! [`analyse`] turns a [`Dataset`] into a [`Report`]: one [`DieReport`] per
//! group (or for the whole input). The structs here are the JSON contract:
//! their field names are stable, and later versions only add fields.

use anyhow::{bail, Result};
use serde::Serialize;

use crate::dataset::{Dataset, Group, Kind, Skipped};
use crate::error::UsageError;
use crate::optim::{self, Fit, FitOptions};
use crate::softmax;
use crate::stats::adjust::{adjust, Adjust};
use crate::stats::ci::{self, CiMethod};
use crate::stats::info::Information;
use crate::stats::{bayes, contingency, exact, gof, info, power, TestResult};

/// Faces beyond which the serial test's K×K table is not built.
pub const SERIAL_MAX_FACES: usize = 2000;
/// Below this many faces Sison–Glaz's Edgeworth approximation is weaker.
pub const SISON_GLAZ_MIN_K: usize = 7;

/// What to compute, from the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisOptions {
    /// The optimiser's settings.
    pub fit: FitOptions,
    /// The null distribution's weights (`--expected`), normalised; `None`
    /// for a fair die.
    pub null: Option<Vec<f64>>,
    /// Cressie–Read λ (`--lambda`).
    pub lambda: Option<f64>,
    /// Compute the exact multinomial p-value (`--exact`).
    pub exact: bool,
    /// Monte Carlo replicates and seed (`--monte-carlo B --seed S`).
    pub monte_carlo: Option<(u64, u64)>,
    /// Interval method (`--ci`).
    pub ci: CiMethod,
    /// Interval and credible level (`--level`).
    pub level: f64,
    /// Dirichlet prior α (`--prior`).
    pub prior: f64,
    /// Add-α smoothing of the fitted target (`--smooth`).
    pub smooth: Option<f64>,
    /// Correction of per-group p-values (`--adjust`).
    pub adjust: Adjust,
    /// Record the optimiser's path (`--trace`, `--plot-loss`).
    pub trace: bool,
    /// Compute the per-face confidence intervals (shown by the table, the
    /// plot and JSON; not by CSV). When false they hold the point estimate p.
    pub per_face: bool,
    /// Compute the per-face posteriors (credible intervals; shown only by
    /// JSON). With 10^5 faces they are 2·10^5 Beta quantiles, the bulk of
    /// the statistics' cost. When false (or when `per_face` is) those fields
    /// hold the point estimate p.
    pub posterior: bool,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            fit: FitOptions::default(),
            null: None,
            lambda: None,
            exact: false,
            monte_carlo: None,
            ci: CiMethod::Goodman,
            level: 0.95,
            prior: 1.0,
            smooth: None,
            adjust: Adjust::Holm,
            trace: false,
            per_face: true,
            posterior: true,
        }
    }
}

/// One face of a die's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaceRow {
    /// The face's label (always a string).
    pub face: String,
    /// How many times it was rolled.
    pub count: u64,
    /// Closed-form MLE p = count / N.
    pub p: f64,
    /// Fitted probability q = softmax(a).
    pub q: f64,
    /// What q was fitted to: p, or the add-α estimate with `--smooth`.
    pub target: f64,
    /// |q − target|.
    pub abs_diff: f64,
    /// Fitted logit, centred over the faces with a positive target; null
    /// where it is −∞.
    pub logit: Option<f64>,
    /// Expected count under the null, N·p0.
    pub expected: f64,
    /// Pearson residual (O − E)/√E.
    pub residual: f64,
    /// Standardised residual (O − E)/√(N p0 (1 − p0)), as R's `stdres`.
    pub std_residual: f64,
    /// Lower end of the confidence interval for the face's probability.
    pub ci_low: f64,
    /// Upper end of the confidence interval.
    pub ci_high: f64,
    /// Posterior mean under the Dirichlet(α) prior.
    pub posterior_mean: f64,
    /// Lower end of the equal-tailed credible interval.
    pub credible_low: f64,
    /// Upper end of the equal-tailed credible interval.
    pub credible_high: f64,
}

/// The optimiser's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitSummary {
    /// The method: "gd" (gradient descent), "momentum" (Nesterov) or
    /// "newton".
    pub method: &'static str,
    /// Iterations taken.
    pub iterations: u64,
    /// True exactly when `max_abs_diff ≤ tol`.
    pub converged: bool,
    /// The stopping threshold on max_k |q_k − target_k|.
    pub tol: f64,
    /// The step size η (gd, momentum; newton line-searches its own).
    pub learning_rate: f64,
    /// The iteration budget.
    pub max_iter: u64,
    /// H(target, q) in nats.
    pub cross_entropy: f64,
    /// H(target) in nats.
    pub entropy: f64,
    /// KL(target‖q) in nats, computed directly (docs/math.md §6).
    pub kl: f64,
    /// max_k |q_k − target_k|, the gradient's max-norm.
    pub max_abs_diff: f64,
    /// How logits are pinned: "centred" (mean 0 over faces with p > 0).
    pub logits: &'static str,
    /// Faces never rolled.
    pub zero_count_faces: Vec<String>,
    /// "empirical" (q fitted to p) or "smoothed" (to (n + α)/(N + Kα)).
    pub target: &'static str,
    /// The α of `--smooth`, or null.
    pub smooth: Option<f64>,
}

/// A χ²-referred test, with its multiple-testing adjustment in `--by` runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Test {
    /// The statistic, df, p-value and log10 p-value.
    #[serde(flatten)]
    pub result: TestResult,
    /// The p-value adjusted across groups (`--adjust`), in `--by` runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_adjusted: Option<f64>,
    /// The Cressie–Read λ, for the power-divergence test.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda: Option<f64>,
}

impl Test {
    fn new(result: TestResult) -> Self {
        Test {
            result,
            p_adjusted: None,
            lambda: None,
        }
    }
}

/// A test that was computed, or why it was not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MaybeTest {
    /// The test's result.
    Done(Test),
    /// Why it could not be computed.
    Skipped {
        /// The reason.
        skipped: String,
    },
}

/// The exact multinomial p-value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Exact {
    /// Σ P0(x) over outcomes x with G(x) ≥ G(observed).
    pub p_value: f64,
    /// How many outcomes were enumerated, C(N+K−1, K−1).
    pub outcomes: f64,
}

/// The goodness-of-fit tests computed (only those asked for).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tests {
    /// Pearson's X².
    pub chi_square: Test,
    /// The likelihood-ratio G-test.
    pub g_test: Test,
    /// Cressie–Read power divergence (`--lambda`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power_divergence: Option<MaybeTest>,
    /// Exact multinomial p-value (`--exact`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<Exact>,
    /// Monte Carlo estimate of the exact p-value (`--monte-carlo`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monte_carlo: Option<exact::MonteCarlo>,
    /// Independence of consecutive rolls.
    pub serial: MaybeTest,
}

/// How the intervals were made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CiSummary {
    /// The method's name.
    pub method: &'static str,
    /// The confidence level.
    pub level: f64,
    /// True when the intervals hold for all faces at once.
    pub simultaneous: bool,
}

/// The Bayesian view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bayes {
    /// The Dirichlet prior's α.
    pub prior: f64,
    /// log10 of the Bayes factor for a free die (with that prior) against
    /// the null.
    pub log10_bayes_factor: f64,
}

/// One iterate of the optimiser, for `--trace` and `--plot-loss`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TraceRow {
    /// 0 for the starting point (the fair die), then 1, 2, ...
    pub iteration: u64,
    /// H(target, q) in nats.
    pub cross_entropy: f64,
    /// KL(target‖q) = H(target, q) − H(target), the loss gap, in nats.
    pub kl: f64,
    /// max_k |q_k − target_k|.
    pub max_abs_diff: f64,
    /// The step that led here (0 at the start; η, or Newton's t).
    pub step: f64,
}

/// Everything reported about one die.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DieReport {
    /// Number of rolls N.
    pub n: u64,
    /// Number of faces K.
    pub k: usize,
    /// Per-face results.
    pub faces: Vec<FaceRow>,
    /// The fit.
    pub fit: FitSummary,
    /// The null distribution p0 of the tests.
    pub null: Vec<f64>,
    /// The goodness-of-fit tests.
    pub tests: Tests,
    /// How the intervals were made.
    pub ci: CiSummary,
    /// The Bayesian view.
    pub bayes: Bayes,
    /// Entropy, perplexity and KL to the null.
    pub information: Information,
    /// Cautions a reader should see (small expected counts, ...).
    pub warnings: Vec<String>,
    /// Rolls at which Pearson's test (5% level) finds, with 80% power, one
    /// face 10% more likely than the null says (the likeliest face).
    pub rolls_for_10pct_bias: Option<f64>,
    /// The optimiser's path, when asked for (not part of the JSON).
    #[serde(skip)]
    pub trace: Vec<TraceRow>,
}

/// What was read: shown once per report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputSummary {
    /// True when K comes from the data rather than `--faces`/`--labels`.
    pub k_inferred: bool,
    /// "integer" or "labels".
    pub kind: Kind,
    /// The header row read, or null.
    pub header: Option<String>,
    /// Rows skipped by `--skip-invalid` (0 without it).
    pub skipped: Skipped,
}

/// One group's report, with its name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupReport {
    /// The group's value in the `--by` column.
    pub group: String,
    /// The die's report.
    #[serde(flatten)]
    pub die: DieReport,
}

/// The report of a `--by` run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupedReport {
    /// Number of faces K, shared by every group.
    pub k: usize,
    /// The faces' labels, shared by every group.
    pub face_labels: Vec<String>,
    /// Each group, in first-seen order.
    pub groups: Vec<GroupReport>,
    /// Do the groups behave alike? χ² test of independence on the
    /// groups × faces table.
    pub homogeneity: MaybeTest,
    /// How the groups' p-values were adjusted.
    pub adjust: &'static str,
    /// What was read.
    #[serde(flatten)]
    pub input: InputSummary,
}

/// The report of a run without `--by`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SingleReport {
    /// The die.
    #[serde(flatten)]
    pub die: DieReport,
    /// What was read.
    #[serde(flatten)]
    pub input: InputSummary,
}

/// A whole `diceml fit` report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Report {
    /// One die.
    Single(Box<SingleReport>),
    /// Several groups (`--by`).
    Grouped(Box<GroupedReport>),
}

/// Analyses every group of `data`; `grouped` says whether `--by` was given.
pub fn analyse(data: &Dataset, grouped: bool, options: &AnalysisOptions) -> Result<Report> {
    let null = null_distribution(data.faces.len(), options)?;
    let input = InputSummary {
        k_inferred: data.k_inferred,
        kind: data.kind,
        header: data.header.clone(),
        skipped: data.skipped.clone(),
    };
    if !grouped {
        let die = analyse_die(&data.faces, &data.groups[0], &null, options)?;
        return Ok(Report::Single(Box::new(SingleReport { die, input })));
    }
    let mut groups = Vec::with_capacity(data.groups.len());
    for g in &data.groups {
        let name = g.name.clone().unwrap_or_default();
        if g.n == 0 {
            bail!("group {name:?} has no rolls (N = 0): nothing to fit");
        }
        let die = analyse_die(&data.faces, g, &null, options)
            .map_err(|e| e.context(format!("group {name:?}")))?;
        groups.push(GroupReport { group: name, die });
    }
    let chi: Vec<f64> = groups
        .iter()
        .map(|g| g.die.tests.chi_square.result.p_value)
        .collect();
    let g_test: Vec<f64> = groups
        .iter()
        .map(|g| g.die.tests.g_test.result.p_value)
        .collect();
    for ((group, c), g) in groups
        .iter_mut()
        .zip(adjust(&chi, options.adjust))
        .zip(adjust(&g_test, options.adjust))
    {
        group.die.tests.chi_square.p_adjusted = Some(c);
        group.die.tests.g_test.p_adjusted = Some(g);
    }
    let table: Vec<Vec<u64>> = data.groups.iter().map(|g| g.counts.clone()).collect();
    let homogeneity = match contingency::independence(&table) {
        Some(result) => MaybeTest::Done(Test::new(result)),
        None => MaybeTest::Skipped {
            skipped: "needs at least two groups and two faces with rolls".into(),
        },
    };
    Ok(Report::Grouped(Box::new(GroupedReport {
        k: data.faces.len(),
        face_labels: data.faces.clone(),
        groups,
        homogeneity,
        adjust: options.adjust.name(),
        input,
    })))
}

/// The null p0: `--expected` (checked against K) or a fair die.
fn null_distribution(k: usize, options: &AnalysisOptions) -> Result<Vec<f64>> {
    match &options.null {
        None => Ok(vec![1.0 / k as f64; k]),
        Some(p) if p.len() == k => Ok(p.clone()),
        Some(p) => Err(UsageError(format!(
            "--expected gives {} probabilities but the die has {k} faces",
            p.len()
        ))
        .into()),
    }
}

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
fn analyse_die(
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
    let intervals = if options.per_face {
        let (intervals, used) = checked_intervals(counts, options.level, options.ci);
        method = used;
        intervals
    } else {
        p.iter().map(|&x| (x, x)).collect()
    };
    let posterior = if options.per_face && options.posterior {
        bayes::posterior(counts, options.prior, options.level)
    } else {
        let point = |&x: &f64| bayes::Posterior {
            mean: x,
            low: x,
            high: x,
        };
        p.iter().map(point).collect()
    };
    let (expected, residual, std_residual) = (
        gof::expected(counts, null),
        gof::residuals(counts, null),
        gof::std_residuals(counts, null),
    );
    let rows = (0..faces.len())
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
            ci_low: intervals[k].0,
            ci_high: intervals[k].1,
            posterior_mean: posterior[k].mean,
            credible_low: posterior[k].low,
            credible_high: posterior[k].high,
        })
        .collect();
    let tests = tests(counts, null, group, options)?;
    let mut warnings = warnings(faces.len(), counts, null, options);
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
            method: method.name(),
            level: options.level,
            simultaneous: method.simultaneous(),
        },
        bayes: Bayes {
            prior: options.prior,
            log10_bayes_factor: bayes::log10_bayes_factor(counts, options.prior, null),
        },
        information: info::information(counts, null),
        warnings,
        rolls_for_10pct_bias: power::rolls_to_detect(null, likeliest, 0.1, 0.05, 0.8),
        trace,
    })
}

/// The intervals by `method`, with a guard: Sison–Glaz's search loses its
/// precision for very large counts (a coin with N ≈ 4·10^10 collapsed to a
/// width near 1e-15), so when a face with 0 < n < N gets an interval
/// narrower than 1% of Goodman's — never the case when the method works —
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
        .any(|((s, g), &c)| 0 < c && c < n && (s.1 - s.0) < 0.01 * (g.1 - g.0));
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
        kl: softmax::kl_divergence(it.target, it.q),
        max_abs_diff: it.max_abs_diff,
        step: it.step,
    }
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
        let p_value = exact::exact_p(counts, null).map_err(|why| {
            UsageError(format!(
                "--exact: {why}; estimate it with --monte-carlo B instead"
            ))
        })?;
        let n: u64 = counts.iter().sum();
        let outcomes = exact::outcomes(n, counts.len()).map_or(f64::MAX, |o| o as f64);
        Some(Exact { p_value, outcomes })
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
            .map(|(replicates, seed)| exact::monte_carlo_p(counts, null, replicates, seed)),
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
    let entropy = softmax::entropy(target);
    let kl = softmax::kl_divergence(target, &fit.q);
    FitSummary {
        method: fit.options.method.name(),
        iterations: fit.iterations,
        converged: fit.converged,
        tol: fit.options.tol,
        learning_rate: fit.options.learning_rate,
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
            "smoothed"
        } else {
            "empirical"
        },
        smooth,
    }
}
