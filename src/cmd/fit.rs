//! `diceml fit`: read the inputs, fit each die, and report q beside the
//! closed-form p with the statistics about it.

use anyhow::Result;

use crate::analysis::{self, verdict, AnalysisOptions, ModelSpec, Report, SequentialOptions};
use crate::cli::{FitArgs, ModelArg};
use crate::error::{Rejected, UsageError};
use crate::io;
use crate::model::Die;
use crate::optim;
use crate::plot::{self, PlotPath};
use crate::read;
use crate::report;
use crate::report::sum::SumFormat;
use crate::sample;
use crate::stats::sum::{self, SumDice};
use crate::ui::Ui;

/// Runs `diceml fit`.
pub fn run(args: FitArgs, ui: &Ui) -> Result<()> {
    if let Some(dice) = args.sum_of {
        return run_sum(args, dice, ui);
    }
    // Chart names are checked before any work.
    let plot_target = args
        .plot
        .as_deref()
        .map(|path| PlotPath::new("--plot", path))
        .transpose()?;
    let loss_target = args
        .plot_loss
        .as_deref()
        .map(|path| PlotPath::new("--plot-loss", path))
        .transpose()?;
    // The design is read before the rolls: a bad design stops the run
    // before a large log is read.
    let model = match (&args.model, &args.design) {
        (Some(ModelArg::Pairs), _) => Some(ModelSpec::Pairs),
        (None, Some(path)) => Some(ModelSpec::Design(read::design::read_design(
            io::open_input(path)?,
        )?)),
        (None, None) => None,
    };
    let sequential = args.sequential || args.within.is_some();
    let read_options = read::ReadOptions {
        keep_rolls: sequential,
        ..args.input.read_options()
    };
    let data = super::read_inputs_with(&args.input, read_options, ui, false)?;
    // The verdict's α and the intervals' level default to each other's
    // complement (0.05 and 0.95), so a --level alone keeps its old meaning.
    let alpha = match (args.alpha, args.level) {
        (Some(alpha), _) => alpha,
        (None, Some(level)) => verdict::alpha_for(level),
        (None, None) => 0.05,
    };
    let level = args.level.unwrap_or(1.0 - alpha);
    let options = AnalysisOptions {
        fit: args.fit_options()?,
        null: args.expected,
        lambda: args.lambda,
        exact: args.exact,
        exact_stat: args.exact_stat.into(),
        monte_carlo: args
            .monte_carlo
            .map(|b| (b, args.seed.unwrap_or_else(|| sample::os_seeded_rng().1))),
        ci: args.ci.into(),
        level,
        alpha,
        prior: args.prior,
        smooth: args.smooth,
        adjust: args.adjust.into(),
        group_faces: args.group_faces,
        trace: args.trace.is_some() || args.plot_loss.is_some(),
        // What the chosen outputs show: the table, JSON and the chart show
        // the intervals; only JSON prints the posteriors.
        intervals: args.format != report::Format::Csv || args.plot.is_some(),
        posteriors: args.format == report::Format::Json,
        sequential: sequential.then_some(SequentialOptions {
            alpha,
            within: args.within,
        }),
        model,
    };
    let report = analysis::analyse(&data, args.input.by.is_some(), &options)?;
    // Charts are drawn before the report is written, so that a chart that
    // cannot be drawn (too many faces) stops the run before any output.
    let fit_chart = match &plot_target {
        Some(target) => Some((target, plot::render_fit(target, &report)?)),
        None => None,
    };
    let loss_chart = match &loss_target {
        Some(target) => {
            let first = match &report {
                Report::Single(single) => &single.die,
                Report::Grouped(grouped) => &grouped.groups[0].die,
            };
            Some((target, plot::render_loss(target, &first.trace)?))
        }
        None => None,
    };
    let mut out = io::open_output(args.output.as_deref())?;
    let to_stdout = args
        .output
        .as_deref()
        .is_none_or(|p| p == std::path::Path::new("-"));
    report::write(&mut out, &report, args.format, ui.look(to_stdout))?;
    out.finish()?;
    for (target, bytes) in fit_chart.iter().chain(&loss_chart) {
        io::write_file(target.path(), bytes, "the chart")?;
    }
    if let Some(path) = &args.trace {
        let mut trace = io::open_output(Some(path))?;
        report::csv::write_trace(&mut trace, &report)?;
        trace.finish()?;
    }
    if let Some(warning) = unconverged_warning(&report) {
        eprintln!("diceml: warning: {warning}");
    }
    if args.check && report.rejects() {
        return Err(Rejected.into());
    }
    Ok(())
}

/// Runs `diceml fit --sum-of M`: reads totals (declared as the labels of
/// the totals the dice can make, so a negative total reads and an
/// impossible one is an error at its line), fits the die and writes its
/// own report.
fn run_sum(args: FitArgs, dice: u64, ui: &Ui) -> Result<()> {
    let values: Vec<i64> =
        match (&args.face_values, args.input.faces) {
            (Some(values), _) => values.0.clone(),
            (None, Some(k)) if k as usize <= sum::MAX_FACES => (1..=k as i64).collect(),
            (None, Some(k)) => {
                return Err(UsageError(format!(
                    "--faces {k} with --sum-of: a die seen through its totals has at most {} faces",
                    sum::MAX_FACES
                ))
                .into())
            }
            (None, None) => return Err(UsageError(
                "--sum-of needs the die's faces: --faces K (faces 1..K) or --face-values V1,...,VK"
                    .into(),
            )
            .into()),
        };
    let format = match args.format {
        report::Format::Table => SumFormat::Table,
        report::Format::Json => SumFormat::Json,
        report::Format::Csv => {
            return Err(UsageError(
                "--format csv is not available with --sum-of (its report is a table or json)"
                    .into(),
            )
            .into())
        }
    };
    let dice = SumDice::new(&values, dice as usize).map_err(UsageError)?;
    let totals = dice.totals();
    let die = match &args.face_values {
        Some(_) => format!(
            "face values {}",
            values
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        ),
        None => format!("faces 1..{}", values.len()),
    };
    let read_options = read::ReadOptions {
        faces: None,
        labels: Some(totals.iter().map(i64::to_string).collect()),
        label_set: Some(read::LabelSet {
            key: "impossible total",
            description: format!("a total that {} dice with {die} can make", dice.dice()),
        }),
        ..args.input.read_options()
    };
    let data = super::read_inputs_with(&args.input, read_options, ui, false)?;
    let group = data.groups[0].over(totals.len());
    let mut options = args.fit_options()?;
    if args.lr.is_none() {
        // 1/L for L = M/2, the bound on the Hessian (analysis::sum).
        options.learning_rate = optim::DEFAULT_LEARNING_RATE / dice.dice() as f64;
    }
    let expected = args
        .expected
        .as_ref()
        .map(|die| Die::null(Some(die), dice.faces()))
        .transpose()?
        .map(|die| die.probabilities());
    let report = analysis::sum::analyse_sum(
        &dice,
        &group.counts,
        options,
        expected.as_deref(),
        data.skipped.clone(),
    );
    let mut out = io::open_output(args.output.as_deref())?;
    report::sum::write(&mut out, &report, format)?;
    out.finish()?;
    if !report.model.converged {
        eprintln!(
            "diceml: warning: fit --sum-of did not converge ({:?} after {} iterations); q is not the maximum-likelihood estimate",
            report.model.stop, report.model.iterations
        );
    }
    Ok(())
}

/// One line for stderr when a fit did not converge, whatever the format
/// (a CSV of q shows no status line): the first such die's status, and how
/// many groups share it.
fn unconverged_warning(report: &Report) -> Option<String> {
    let dies: Vec<(Option<&str>, &analysis::DieReport)> = match report {
        Report::Single(single) => vec![(None, &single.die)],
        Report::Grouped(grouped) => grouped
            .groups
            .iter()
            .map(|g| (Some(g.group.as_str()), &g.die))
            .collect(),
    };
    let failed: Vec<_> = dies.iter().filter(|(_, die)| !die.fit.converged).collect();
    let (group, die) = failed.first()?;
    let status = report::table::fit_status(&die.fit);
    let q =
        "q is not the maximum-likelihood estimate (p, the tests and the verdict are unaffected)";
    Some(match group {
        None => format!("fit: {status}; {q}"),
        Some(name) => format!(
            "{} of {} groups' fits did not converge; group {name}'s fit: {status}; their {q}",
            failed.len(),
            dies.len()
        ),
    })
}
