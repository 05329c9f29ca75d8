//! `diceml man`: the roff man page, generated from the clap definition.

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::Cli;
use crate::io;

/// Runs `diceml man`.
pub fn run() -> Result<()> {
    let mut out = io::open_output(None)?;
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    out.finish()?;
    Ok(())
}
