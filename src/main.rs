//! The `diceml` binary: parse the command line, run it, and turn the result
//! into an exit code (0 on success or a closed output pipe, 1 for bad data
//! or I/O, 2 for bad usage, 3 when `fit --check` or `watch --stop` finds the
//! null rejected).
//! Every error is one line on stderr, clap's usage errors too.

use std::process::ExitCode;

use clap::error::{Error, ErrorKind};
use clap::Parser;

fn main() -> ExitCode {
    let cli = match diceml::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => err.exit(),
        Err(err) => {
            eprintln!("diceml: {}", one_line(&err));
            return ExitCode::from(2);
        }
    };
    match diceml::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if diceml::io::is_broken_pipe(&err) => ExitCode::SUCCESS,
        // A rejection is an answer, not a failure: its line is the
        // outermost message, which names the flag that asked for it
        // (`fit --check`, `watch --stop`).
        Err(err) if err.downcast_ref::<diceml::error::Rejected>().is_some() => {
            eprintln!("diceml: {err}");
            ExitCode::from(3)
        }
        Err(err) => {
            eprintln!("diceml: {err:#}");
            if err.downcast_ref::<diceml::error::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// clap's usage error as the one line diceml promises for every error: the
/// message, then its details (possible values, a tip, the usage) after
/// semicolons, and the pointer to --help.
fn one_line(err: &Error) -> String {
    if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        return "a command is required: simulate, fit, count, plan, watch, audit, completions or man; see --help"
            .into();
    }
    let text = err.render().to_string();
    let mut parts: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
        .map(|l| l.strip_prefix("error: ").unwrap_or(l).to_string())
        .collect();
    if parts.len() > 1 && parts[0].ends_with(':') {
        // "the following required arguments were not provided:" + the list
        let list = parts.remove(1);
        parts[0].push(' ');
        parts[0].push_str(&list);
    }
    parts.push("see --help".into());
    parts.join("; ")
}
