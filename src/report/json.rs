//! The report as one pretty-printed JSON document (field names are stable;
//! floats keep full round-trip precision).

use std::io::Write;

use crate::analysis::Report;

/// Writes `report` as JSON, followed by a line break.
pub fn write(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
