//! diceml: maximum-likelihood estimation of a die's face probabilities.
//!
//! The library holds one module per concern; `src/main.rs` only parses the
//! command line and maps the result of [`run`] to an exit code.
//!
//! - [`model`]: the die (faces and probabilities) that is rolled or tested against;
//! - [`read`]: reading roll logs and count tables into per-group, per-face counts;
//! - [`dataset`]: those counts as plain data, what every later stage works on;
//! - [`softmax`]: softmax, log-sum-exp, cross-entropy and its gradient;
//! - [`optim`]: fitting logits by gradient descent;
//! - [`tolerance`]: every tolerance and accuracy constant of the math;
//! - [`sample`]: the pinned generator and the die samplers;
//! - [`stats`]: goodness-of-fit tests, intervals and the Bayesian view;
//! - [`analysis`]: from counts to the fit and statistics of each die;
//! - [`report`]: the table, CSV and JSON renderings (one file each), the
//!   roll logs and count tables, and the number formatter the charts share;
//! - [`plot`]: the SVG/PNG charts of a fit and of its loss curve, rendered
//!   to bytes;
//! - [`io`]: files and standard streams (charts included);
//! - [`ui`]: colour, terminal width and progress bars;
//! - [`cmd`]: one module per subcommand, wiring the above together.
//!
//! `unsafe` code is denied everywhere but in the scanners' SIMD masks and
//! CPU dispatch (`read/scan/`), which allow it file by file.

#![deny(unsafe_code)]

pub mod analysis;
pub mod cli;
pub mod cmd;
pub mod dataset;
pub mod error;
pub mod io;
pub mod loglinear;
pub mod model;
pub mod optim;
pub mod plot;
pub mod read;
pub mod report;
pub mod sample;
pub mod softmax;
pub mod stats;
pub mod tolerance;
pub mod ui;

/// Runs one parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<()> {
    let ui = ui::Ui {
        color: cli.color,
        quiet: cli.quiet,
    };
    match cli.command {
        cli::Command::Simulate(args) => cmd::simulate::run(args, &ui),
        cli::Command::Fit(args) => cmd::fit::run(*args, &ui),
        cli::Command::Count(args) => cmd::count::run(args, &ui),
        cli::Command::Watch(args) => cmd::watch::run(args, &ui),
        cli::Command::Plan(args) => cmd::plan::run(args),
        cli::Command::Audit(args) => cmd::audit::run(args, &ui),
        cli::Command::Completions(args) => cmd::completions::run(args),
        cli::Command::Man => cmd::man::run(),
    }
}
