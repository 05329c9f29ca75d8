//! diceml: maximum-likelihood estimation of a die's face probabilities.
//!
//! The library holds one module per concern; `src/main.rs` only parses the
//! command line and maps the result of [`run`] to an exit code.
//!
//! - [`read`]: reading roll logs and count tables into per-group, per-face counts;
//! - [`softmax`]: softmax, log-sum-exp, cross-entropy and its gradient;
//! - [`optim`]: fitting logits by gradient descent;
//! - [`sample`]: the pinned generator and the die samplers;
//! - [`stats`]: goodness-of-fit tests, intervals and the Bayesian view;
//! - [`analysis`]: from counts to the fit and statistics of each die;
//! - [`report`]: the table, CSV and JSON renderings;
//! - [`io`]: files and standard streams;
//! - [`cmd`]: one module per subcommand, wiring the above together.

pub mod analysis;
pub mod cli;
pub mod cmd;
pub mod error;
pub mod io;
pub mod optim;
pub mod read;
pub mod report;
pub mod sample;
pub mod softmax;
pub mod stats;

/// Runs one parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<()> {
    match cli.command {
        cli::Command::Simulate(args) => cmd::simulate::run(args),
        cli::Command::Fit(args) => cmd::fit::run(args),
        cli::Command::Count(args) => cmd::count::run(args),
    }
}
