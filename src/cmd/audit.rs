//! `diceml audit`: read an ordered roll log (hashing each input), run the
//! battery of [`crate::analysis::audit`] on each group, and write the
//! table or JSON (and, with `--report`, the HTML page of
//! [`crate::plot::render_audit_page`]).
//!
//! The battery takes the rolls as they are read ([`Battery`], through a
//! [`RollSink`]), so memory does not grow with the log; it needs the die's
//! k and face numbering from the first roll. A declared die (`--faces`,
//! `--labels`) gives them; otherwise named files are read twice, first
//! counting (the fast path, about 0.1 s per 10^8 rolls) to learn the
//! faces, then streaming. Standard input cannot be read twice: without a
//! declared die its rolls are kept (4 bytes a roll) and tested at the end.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{bail, Context, Result};

use crate::analysis::audit::{self, AuditOptions, InputDigest};
use crate::analysis::{self, AnalysisOptions};
use crate::cli::AuditArgs;
use crate::error::{Rejected, UsageError};
use crate::io;
use crate::plot;
use crate::read::domain::Domain;
use crate::read::{self, Reader, RollSink};
use crate::report;
use crate::stats::battery::Battery;
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
    let options = args.input.read_options();
    let audit_options = AuditOptions {
        alpha: args.alpha,
        lags: args.lags as usize,
        blocks: args.blocks as usize,
    };
    let (data, inputs, batteries) = read_streamed(&args.input.files, &options, &audit_options, ui)?;
    let by = args.input.by.is_some();
    let mut report = match batteries {
        Some(batteries) => audit::report(&data, batteries, by, &audit_options),
        None => audit::audit(&data, by, &audit_options)?,
    };
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

/// The batteries of the groups, in first-seen order, fed by a reader.
type Batteries = Arc<Mutex<Vec<Battery>>>;

/// Reads the inputs into the battery as they stream: the dataset (its
/// counts; its rolls only when they had to be kept), each input's digest,
/// and each group's battery with its name (`None` when the rolls were
/// kept instead, for [`audit::audit`]).
#[allow(clippy::type_complexity)]
fn read_streamed(
    paths: &[PathBuf],
    options: &read::ReadOptions,
    audit_options: &AuditOptions,
    ui: &Ui,
) -> Result<(
    crate::dataset::Dataset,
    Vec<InputDigest>,
    Option<Vec<(Option<String>, Battery)>>,
)> {
    let declared = Domain::new(options.faces, options.labels.as_deref());
    let die = if !declared.inferred() {
        Some((declared.faces().len(), declared.first_slot()))
    } else if !paths.is_empty() && paths.iter().all(|p| p.as_os_str() != "-") {
        // A first pass, counting, to learn the faces.
        let first = read::read_inputs(paths, options, &read::Progress::default(), false)?;
        let start = match first.kind {
            crate::dataset::Kind::Integer => first
                .faces
                .first()
                .and_then(|f| f.parse::<usize>().ok())
                .unwrap_or(0),
            crate::dataset::Kind::Labels => 0,
        };
        Some((first.faces.len(), start))
    } else {
        None
    };
    let Some((k, start)) = die else {
        let options = read::ReadOptions {
            keep_rolls: true,
            ..options.clone()
        };
        let (data, digests) = read_hashed(paths, &options, None, ui)?;
        return Ok((data, digests, None));
    };
    let batteries: Batteries = Arc::new(Mutex::new(Vec::new()));
    let beyond = Arc::new(Mutex::new(false));
    let sink = {
        let (batteries, beyond) = (Arc::clone(&batteries), Arc::clone(&beyond));
        let (lags, blocks) = (audit_options.lags, audit_options.blocks);
        let mut faces: Vec<u32> = Vec::new();
        RollSink(Arc::new(Mutex::new(move |group: usize, slots: &[u32]| {
            let mut batteries = batteries.lock().unwrap_or_else(PoisonError::into_inner);
            while batteries.len() <= group {
                batteries.push(Battery::new(k, lags, blocks));
            }
            faces.clear();
            faces.extend(slots.iter().map(|&s| s.wrapping_sub(start as u32)));
            if faces.iter().any(|&f| f as usize >= k) {
                *beyond.lock().unwrap_or_else(PoisonError::into_inner) = true;
                return;
            }
            batteries[group].push(&faces);
        })))
    };
    let (data, digests) = read_hashed(paths, options, Some(sink), ui)?;
    if *beyond.lock().unwrap_or_else(PoisonError::into_inner) || data.faces.len() != k {
        bail!("the input changed between the pass that learnt its faces and the pass that tested them: audit a file that is not being written");
    }
    let batteries = std::mem::take(&mut *batteries.lock().unwrap_or_else(PoisonError::into_inner));
    let named = data
        .groups
        .iter()
        .zip(batteries)
        .map(|(g, b)| (g.name.clone(), b))
        .collect();
    Ok((data, digests, Some(named)))
}

/// Reads the inputs in order (standard input when none is named), and the
/// SHA-256 of each: a file's from its bytes on disk, standard input's as
/// it is read.
fn read_hashed(
    paths: &[PathBuf],
    options: &read::ReadOptions,
    sink: Option<RollSink>,
    ui: &Ui,
) -> Result<(crate::dataset::Dataset, Vec<InputDigest>)> {
    options.check_columns()?;
    let stdin = [PathBuf::from("-")];
    let paths = if paths.is_empty() { &stdin[..] } else { paths };
    let bar = ui.progress(read::input_bytes(paths), PROGRESS_FROM_BYTES, "bytes");
    let ticker = bar.clone();
    let progress = read::Progress::new(move |n| ticker.inc(n));
    let mut reader = Reader::new(options);
    if let Some(sink) = sink {
        reader.stream_rolls(sink);
    }
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
