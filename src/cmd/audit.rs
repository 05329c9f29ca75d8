//! `diceml audit`: read an ordered roll log (hashing each input), run the
//! battery of [`crate::analysis::audit`] on each group, and write the
//! table or JSON (and, with `--report`, the HTML page of
//! [`crate::plot::render_audit_page`]).
//!
//! This round keeps each group's rolls in memory (4 bytes a roll, through
//! `ReadOptions::keep_rolls`) and runs the tests over them; the tests are
//! single passes that could take the rolls as they stream.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::analysis::audit::{self, AuditOptions, InputDigest};
use crate::analysis::{self, AnalysisOptions};
use crate::cli::AuditArgs;
use crate::error::{Rejected, UsageError};
use crate::io;
use crate::plot;
use crate::read::{self, Reader};
use crate::report;
use crate::ui::{Ui, PROGRESS_FROM_BYTES};

/// Runs `diceml audit`.
pub fn run(args: AuditArgs, ui: &Ui) -> Result<()> {
    if args.input.counts {
        return Err(UsageError(
            "audit needs the rolls in order; a --counts table has none: give the roll log".into(),
        )
        .into());
    }
    if let Some(path) = &args.report {
        let html = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
        if !html {
            return Err(UsageError(format!(
                "--report {}: the report is an HTML page; name it FILE.html",
                path.display()
            ))
            .into());
        }
    }
    let options = read::ReadOptions {
        keep_rolls: true,
        ..args.input.read_options()
    };
    let (data, inputs) = read_hashed(&args.input.files, &options, ui)?;
    let audit_options = AuditOptions {
        alpha: args.alpha,
        lags: args.lags as usize,
        blocks: args.blocks as usize,
    };
    let mut report = audit::audit(&data, args.input.by.is_some(), &audit_options)?;
    report.inputs = inputs;
    let page = match &args.report {
        Some(path) => {
            // The per-face chart is fit's, with its intervals at 1 − α.
            let faces = analysis::analyse(
                &data,
                args.input.by.is_some(),
                &AnalysisOptions {
                    alpha: args.alpha,
                    level: 1.0 - args.alpha,
                    intervals: true,
                    ..AnalysisOptions::default()
                },
            )?;
            Some((path, plot::render_audit_page(path, &report, &faces)?))
        }
        None => None,
    };
    let mut out = io::open_output(args.output.as_deref())?;
    report::audit::write(&mut out, &report, args.format)?;
    out.finish()?;
    if let Some((path, bytes)) = page {
        io::write_file(path, &bytes, "the report")?;
    }
    if args.check && !report.pass {
        return Err(Rejected.into());
    }
    Ok(())
}

/// Reads the inputs in order (standard input when none is named), and the
/// SHA-256 of each: a file's from its bytes on disk, standard input's as
/// it is read.
fn read_hashed(
    paths: &[PathBuf],
    options: &read::ReadOptions,
    ui: &Ui,
) -> Result<(crate::dataset::Dataset, Vec<InputDigest>)> {
    options.check_columns()?;
    let stdin = [PathBuf::from("-")];
    let paths = if paths.is_empty() { &stdin[..] } else { paths };
    let bar = ui.progress(read::input_bytes(paths), PROGRESS_FROM_BYTES, "bytes");
    let ticker = bar.clone();
    let progress = read::Progress::new(move |n| ticker.inc(n));
    let mut reader = Reader::new(options);
    let mut digests = Vec::new();
    let mut names = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            // Hashed as read, before any decompression: the digest is of
            // the bytes that came in.
            let (input, digest) = io::open_stdin_hashed()?;
            names.push(input.name.clone());
            let name = input.name.clone();
            reader.read(input, &progress)?;
            digests.push(InputDigest {
                file: name,
                sha256: digest.hex(),
            });
        } else {
            let input = io::open_input(path)?;
            names.push(input.name.clone());
            digests.push(InputDigest {
                file: input.name.clone(),
                sha256: io::sha256_file(path)?,
            });
            reader.read(input, &progress)?;
        }
    }
    bar.finish_and_clear();
    let data = reader.finish(false).with_context(|| names.join(", "))?;
    Ok((data, digests))
}
