//! `diceml fit`: read the inputs, fit each die, and report q beside the
//! closed-form p with the statistics about it.

use std::io::Write as _;

use anyhow::Result;

use crate::analysis::{self, AnalysisOptions, Report};
use crate::cli::FitArgs;
use crate::io;
use crate::optim::FitOptions;
use crate::plot;
use crate::report;
use crate::sample;
use crate::ui::Ui;

/// Runs `diceml fit`.
pub fn run(args: FitArgs, ui: &Ui) -> Result<()> {
    let data = super::read_inputs(&args.input, ui, false)?;
    let options = AnalysisOptions {
        fit: FitOptions {
            method: args.method.into(),
            learning_rate: args.lr,
            max_iter: args.max_iter,
            tol: args.tol,
        },
        null: args.expected.map(|w| w.0),
        lambda: args.lambda,
        exact: args.exact,
        monte_carlo: args
            .monte_carlo
            .map(|b| (b, args.seed.unwrap_or_else(|| sample::os_seeded_rng().1))),
        ci: args.ci.into(),
        level: args.level,
        prior: args.prior,
        smooth: args.smooth,
        adjust: args.adjust.into(),
        trace: args.trace.is_some() || args.plot_loss.is_some(),
        per_face: args.format != report::Format::Csv || args.plot.is_some(),
        // Only JSON prints the posteriors (posterior_mean, credible_low/high).
        posterior: args.format == report::Format::Json,
    };
    let report = analysis::analyse(&data, args.input.by.is_some(), &options)?;
    let mut out = io::open_output(args.output.as_deref())?;
    let to_stdout = args
        .output
        .as_deref()
        .is_none_or(|p| p == std::path::Path::new("-"));
    report::write(&mut out, &report, args.format, ui.look(to_stdout))?;
    out.flush()?;
    if let Some(path) = &args.plot {
        plot::write_fit_plot(path, &report)?;
    }
    if let Some(path) = &args.plot_loss {
        let first = match &report {
            Report::Single(single) => &single.die,
            Report::Grouped(grouped) => &grouped.groups[0].die,
        };
        plot::write_loss_plot(path, &first.trace)?;
    }
    if let Some(path) = &args.trace {
        let mut trace = io::open_output(Some(path))?;
        report::csv::write_trace(&mut trace, &report)?;
        trace.flush()?;
    }
    Ok(())
}
