//! `diceml fit`: read the inputs, fit each die, and report q beside the
//! closed-form p with the statistics about it.

use anyhow::Result;

use crate::analysis::{self, verdict, AnalysisOptions, ModelSpec, Report, SequentialOptions};
use crate::cli::{FitArgs, ModelArg};
use crate::error::Rejected;
use crate::io;
use crate::plot::{self, PlotPath};
use crate::read;
use crate::report;
use crate::sample;
use crate::ui::Ui;

/// Runs `diceml fit`.
pub fn run(args: FitArgs, ui: &Ui) -> Result<()> {
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
