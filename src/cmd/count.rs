//! `diceml count`: reduce roll logs to their sufficient statistics, the
//! `face,count` table (with `--by`, `group,face,count`), which
//! `diceml fit --counts` reads and sums. Counting pieces of a log and
//! fitting the merged counts gives the same fit as the whole log. A piece
//! with no rolls (a header only, say) gives a table with no rows.

use anyhow::Result;

use crate::cli::CountArgs;
use crate::io;
use crate::report;
use crate::ui::Ui;

/// Runs `diceml count`.
pub fn run(args: CountArgs, ui: &Ui) -> Result<()> {
    let data = super::read_inputs(&args.input, ui, true)?;
    let mut out = io::open_output(args.output.as_deref())?;
    report::csv::write_counts(&mut out, &data, args.input.by.is_some())?;
    out.finish()?;
    if data.skipped.rows > 0 {
        // The table has no room for it, so say it where a person sees it.
        eprintln!("diceml: {}", report::table::skipped_note(&data.skipped));
    }
    if data.skipped.empty_rows > 0 {
        eprintln!("diceml: {}", report::table::empty_rows_note(&data.skipped));
    }
    Ok(())
}
