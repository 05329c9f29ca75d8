//! `diceml plan`: the rolls Pearson's test needs to find the die you fear,
//! or its power at N rolls. The dice come from [`crate::cli::PlanArgs`],
//! the answer from [`crate::analysis::plan`], the words and JSON from
//! [`crate::report::plan`] and the chart from [`crate::plot`]; this module
//! wires them.

use anyhow::Result;

use crate::analysis::plan::{self, PlanOptions};
use crate::cli::PlanArgs;
use crate::io;
use crate::plot::{self, PlotPath};
use crate::report;

/// Runs `diceml plan`.
pub fn run(args: PlanArgs) -> Result<()> {
    let plot_target = args
        .plot
        .as_deref()
        .map(|path| PlotPath::new("--plot", path))
        .transpose()?;
    let (null, alternative) = args.dice()?;
    let options = PlanOptions {
        alpha: args.alpha,
        power: args.power,
        rolls: args.rolls,
    };
    let plan = plan::plan(
        &null.probabilities(),
        &alternative.probabilities(),
        &options,
    )?;
    // The chart is drawn before the report is written, so that a chart that
    // cannot be drawn stops the run before any output.
    let chart = match &plot_target {
        Some(target) => Some((target, plot::render_power(target, &plan)?)),
        None => None,
    };
    let mut out = io::open_output(args.output.as_deref())?;
    report::plan::write(&mut out, &plan, args.format)?;
    out.finish()?;
    if let Some((target, bytes)) = chart {
        io::write_file(target.path(), &bytes, "the chart")?;
    }
    Ok(())
}
