//! `diceml fit`: read the inputs, fit each die, and report q beside the
//! closed-form p with the statistics about it.

use std::io::Write as _;

use anyhow::Result;

use crate::analysis::{self, AnalysisOptions};
use crate::cli::FitArgs;
use crate::io;
use crate::optim::FitOptions;
use crate::read;
use crate::report;
use crate::sample;

/// Runs `diceml fit`.
pub fn run(args: FitArgs) -> Result<()> {
    let data = read::read_inputs(&args.input.files, &args.input.read_options(), false)?;
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
    };
    let report = analysis::analyse(&data, args.input.by.is_some(), &options)?;
    let mut out = io::open_output(args.output.as_deref())?;
    report::write(&mut out, &report, args.format)?;
    out.flush()?;
    Ok(())
}
