//! Rendering reports: a table for people, CSV for pipelines and JSON for
//! programs, plus the `face,count` tables that `count` writes and the roll
//! logs that `simulate` writes.
//!
//! Only this module formats numbers (the charts borrow [`mod@format`]). Floats
//! go out with full round-trip precision in CSV and JSON; every float
//! reported is finite. One file per format renders what
//! [`crate::analysis`] computed:
//!
//! - [`table`]: the table for people, with the tests, the verdict and the
//!   notes about the input;
//! - [`csv`]: the fit's rows, the optimiser's trace, count tables and roll
//!   logs;
//! - [`json`]: the report as one JSON document;
//! - [`model`]: the table's section on a physical model of the die;
//! - [`watch`]: `watch`'s updates, a status line or one JSON object each;
//! - [`mod@format`]: numbers for people, shared by the table and the charts;
//! - [`plan`]: `diceml plan`'s report, in words or as JSON;
//! - [`sum`]: `fit --sum-of`'s report (a die seen through its totals), a
//!   table or JSON;
//! - [`audit`]: `diceml audit`'s battery, in words or as JSON.
//!
//! The files never import this one (it only dispatches to them), so there
//! is no cycle between them.

use std::io::Write;

use clap::ValueEnum;

use crate::analysis::Report;

pub mod audit;
pub mod csv;
pub mod format;
pub mod json;
pub mod model;
pub mod plan;
pub mod sum;
pub mod table;
pub mod watch;

pub use plan::PlanFormat;
pub use table::Look;

/// How `fit` writes its report (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people, with a summary.
    Table,
    /// One row per face: face,count,p,q,abs_diff.
    Csv,
    /// One JSON object (field names are stable).
    Json,
}

/// Writes the report in the chosen format.
pub fn write(
    out: &mut dyn Write,
    report: &Report,
    format: Format,
    look: Look,
) -> std::io::Result<()> {
    match format {
        Format::Table => table::write(out, report, look),
        Format::Csv => csv::write(out, report),
        Format::Json => json::write(out, report),
    }
}
