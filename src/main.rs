//! The `diceml` binary: parse the command line, run it, and turn the result
//! into an exit code (0 on success or a closed output pipe, 1 for bad data
//! or I/O, 2 for bad usage, 3 when `fit --check` finds the null rejected).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = diceml::cli::Cli::parse();
    match diceml::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if diceml::io::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("diceml: {err:#}");
            if err.downcast_ref::<diceml::error::UsageError>().is_some() {
                ExitCode::from(2)
            } else if err.downcast_ref::<diceml::error::Rejected>().is_some() {
                ExitCode::from(3)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
