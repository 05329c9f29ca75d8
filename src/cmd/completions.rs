//! `diceml completions SHELL`: shell completion scripts, generated from the
//! same clap definition as `--help`.

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::io;

/// Runs `diceml completions`.
pub fn run(args: CompletionsArgs) -> Result<()> {
    let mut out = io::open_output(None)?;
    clap_complete::generate(args.shell, &mut Cli::command(), "diceml", &mut out);
    out.finish()?;
    Ok(())
}
