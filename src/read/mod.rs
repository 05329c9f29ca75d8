//! Reading roll logs and count tables into per-group, per-face counts.
//!
//! A [`Reader`] is built from [`ReadOptions`] (the column choices, the die
//! and the [`Dialect`]), reads each input in turn and finishes into a
//! [`Dataset`]. Every row is counted, or reported as skipped
//! (`--skip-invalid`), or stops the run with `file:line: what`; nothing is
//! dropped silently, and memory grows only with the number of distinct faces
//! and groups.
//!
//! The pieces, each depending only on those after it in this list:
//! `layout.rs` finds the columns and the header of an input and counts its
//! rows; `tally.rs` accumulates counts, serial pairs and skipped rows;
//! [`domain`] decides what a face is; [`records`] splits CSV into records
//! with physical line numbers; `options.rs` holds the options; [`scan`] is
//! the fast path, which knows none of the others. This module wires them
//! (and no piece imports it): the general reader, and the fast path where
//! the layout allows it. When the first face is not a number, the first
//! data rows are read ahead to decide the kind of the log; when K is
//! inferred, the fast path takes no face above 2 × the largest so far + 10,
//! so a face far beyond the others is read by the general reader with its
//! line (and the fast path then resumes).

pub mod design;
pub mod domain;
mod jsonl;
mod layout;
mod options;
pub mod records;
pub mod scan;
mod tally;

use std::fs::File;
use std::io::BufRead;
use std::io::{BufReader, Cursor, Read, Seek};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context, Result};

use crate::dataset::Dataset;
use crate::error::UsageError;
use crate::io::{self, Input};
use domain::{looks_numeric, Domain, Invalid};
use jsonl::{Fields, JsonLines, Row};
use layout::{scan_limits, Layout};
pub use options::{ColumnSpec, Dialect, InputFormat, LabelSet, ReadOptions};
use records::{MalformedRecord, Record, RecordReader};
pub use tally::RollSink;
use tally::Tally;

/// A callback told how many bytes were read, a block at a time (for a
/// progress bar).
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Fn(u64) + Send + Sync>>);

impl Progress {
    /// A progress callback.
    pub fn new(f: impl Fn(u64) + Send + Sync + 'static) -> Self {
        Progress(Some(Arc::new(f)))
    }

    /// Reports `bytes` more read.
    pub fn advance(&self, bytes: u64) {
        if let Some(f) = &self.0 {
            f(bytes);
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(on)"
        } else {
            "Progress(off)"
        })
    }
}

/// A reader that reports every read to a [`Progress`]: the bytes it
/// reads, or, for a compressed input, the compressed bytes read under it
/// (`raw`: their running count, and how many were told).
struct Counted<R> {
    inner: R,
    progress: Progress,
    raw: Option<(Arc<AtomicU64>, u64)>,
}

impl<R> Counted<R> {
    fn new(inner: R, progress: &Progress, raw: Option<Arc<AtomicU64>>) -> Self {
        Counted {
            inner,
            progress: progress.clone(),
            raw: raw.map(|r| (r, 0)),
        }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        match &mut self.raw {
            None => self.progress.advance(n as u64),
            Some((raw, told)) => {
                let now = raw.load(Ordering::Relaxed);
                self.progress.advance(now - *told);
                *told = now;
            }
        }
        Ok(n)
    }
}

/// The total size of the named regular files (0 for stdin and others), for
/// a progress bar.
pub fn input_bytes(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .filter_map(|p| std::fs::metadata(p).ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// Reads and sums every input (standard input when `paths` is empty); no
/// rolls at all is an error unless `allow_empty`. `progress` is told the
/// bytes read.
pub fn read_inputs(
    paths: &[PathBuf],
    options: &ReadOptions,
    progress: &Progress,
    allow_empty: bool,
) -> Result<Dataset> {
    options.check_columns()?;
    let stdin = [PathBuf::from("-")];
    let paths = if paths.is_empty() { &stdin[..] } else { paths };
    let mut reader = Reader::new(options);
    let mut names = Vec::new();
    for path in paths {
        let input = io::open_input(path)?;
        names.push(input.name.clone());
        reader.read(input, progress)?;
    }
    // A face far beyond the others is reported with its own file:line.
    reader.tally.check_far_beyond()?;
    reader
        .finish(allow_empty)
        .map_err(|e| e.context(names.join(", ")))
}

/// Reads inputs one after another into one tally.
#[derive(Debug, Clone)]
pub struct Reader {
    options: ReadOptions,
    tally: Tally,
}

impl Reader {
    /// A reader with nothing read yet.
    pub fn new(options: &ReadOptions) -> Self {
        let mut domain = Domain::new(options.faces, options.labels.as_deref());
        if let Some(set) = &options.label_set {
            domain = domain.with_label_set(set.key, set.description.clone());
        }
        let mut tally = Tally::new(domain, options.skip_invalid);
        if options.keep_rolls {
            tally.keep_rolls();
        }
        Reader {
            options: options.clone(),
            tally,
        }
    }

    /// Reads one input like [`Reader::read`], row by row as it arrives (the
    /// general path: a pipe's rows are seen as soon as their line ends),
    /// telling `watch` of every roll: its group's index (in first-seen
    /// order) and its face's index among the declared faces. The die must
    /// be declared (`--faces` or `--labels`), so that a face's index never
    /// changes. Stops early, returning `true`, when `watch` breaks.
    pub fn read_watched(
        &mut self,
        input: Input,
        progress: &Progress,
        watch: &mut dyn FnMut(usize, usize) -> ControlFlow<()>,
    ) -> Result<bool> {
        if self.tally.domain().inferred() {
            bail!("watching needs the die declared with --faces K or --labels");
        }
        let source = input.name;
        let input: Box<dyn Read> = Box::new(Counted::new(input.reader, progress, input.raw_read));
        let (options, tally) = (&self.options, &mut self.tally);
        if InputFormat::of(&source, options.format) == InputFormat::Jsonl {
            let input = BufReader::with_capacity(1 << 12, input);
            return read_jsonl(input, &source, options, tally, Some(watch));
        }
        // Small reads: a row is handled once its line has arrived.
        let mut reader = RecordReader::new(
            BufReader::with_capacity(1 << 12, input),
            options.dialect.delimiter,
            1,
        );
        let mut record = Record::default();
        let Some(layout) = first_record(&mut reader, &mut record, &source, options, tally)? else {
            return Ok(false);
        };
        tally.start_input();
        let first = tally.domain().first_slot();
        let mut pending = (!layout.header).then(|| record.clone());
        loop {
            if let Some(record) = pending.take() {
                layout.row(&record, &source, tally)?;
                if let Some((group, slot)) = tally.take_last_roll() {
                    if watch(group, slot as usize - first).is_break() {
                        return Ok(true);
                    }
                }
            }
            match reader.read(&mut record).with_context(|| source.clone())? {
                Ok(true) => pending = Some(record.clone()),
                Ok(false) => return Ok(false),
                Err(bad) => malformed(tally, &source, bad)?,
            }
        }
    }

    /// Reads one input: its name names it in messages, and its file (the
    /// same input as a regular file, if it is one) lets a large input be
    /// read on all cores. `progress` is told the bytes read.
    pub fn read(&mut self, input: Input, progress: &Progress) -> Result<()> {
        let Input {
            reader: input,
            name: source,
            file,
            raw_read,
            ..
        } = input;
        let (options, tally) = (&self.options, &mut self.tally);
        let input: Box<dyn Read> = Box::new(Counted::new(input, progress, raw_read));
        if InputFormat::of(&source, options.format) == InputFormat::Jsonl {
            let input = BufReader::with_capacity(1 << 16, input);
            read_jsonl(input, &source, options, tally, None)?;
            return Ok(());
        }
        let mut reader = RecordReader::new(
            BufReader::with_capacity(1 << 16, input),
            options.dialect.delimiter,
            1,
        );
        let mut record = Record::default();
        let Some(layout) = first_record(&mut reader, &mut record, &source, options, tally)? else {
            return Ok(());
        };
        tally.start_input();
        let mut ahead = Vec::new();
        if !layout.header {
            ahead.push(Ok(record.clone()));
        }
        if let Domain::Undecided = tally.domain() {
            read_ahead(&mut reader, &layout, &source, &mut ahead, tally)?;
        }
        for item in ahead {
            match item {
                Ok(record) => layout.row(&record, &source, tally)?,
                Err(bad) => malformed(tally, &source, bad)?,
            }
        }
        // The fast path stops at a face above its limit (2 × the largest
        // face so far + 10, when K is inferred): the general reader reads
        // that row, with its line, and the fast path goes on.
        while let Some(plan) = (!reader.replaying())
            .then(|| scan_limits(tally.domain()))
            .flatten()
            .and_then(|limits| layout.fast_plan(limits, options))
        {
            reader = fast_path(
                reader,
                file.as_ref(),
                plan,
                &source,
                options,
                progress,
                tally,
            )?;
            match reader.read(&mut record).with_context(|| source.clone())? {
                Ok(true) => layout.row(&record, &source, tally)?,
                Ok(false) => return Ok(()),
                Err(bad) => {
                    malformed(tally, &source, bad)?;
                    break;
                }
            }
            let past = tally
                .domain()
                .largest()
                .0
                .is_some_and(|max| max > u64::from(plan.limits.max));
            if !past || !tally.domain().inferred() {
                break;
            }
        }
        general_path(&mut reader, &layout, &source, tally)
    }

    /// Hands every roll, in order, to `sink` as it is read (a slice at a
    /// time, with its group's index in first-seen order and the rolls'
    /// domain slots: a face's index plus [`Reader::first_slot`]) instead
    /// of keeping it; the dataset's `rolls` are then empty. The rolls are
    /// read by the general path.
    pub fn stream_rolls(&mut self, sink: RollSink) {
        self.options.keep_rolls = true;
        self.tally.stream_rolls(sink);
    }

    /// The domain slot of the first face of the die so far.
    pub fn first_slot(&self) -> usize {
        self.tally.domain().first_slot()
    }

    /// The dataset of everything read; an error when no roll was counted,
    /// unless `allow_empty` (then the dataset has no faces and no groups).
    pub fn finish(mut self, allow_empty: bool) -> Result<Dataset> {
        self.tally.flush_rolls();
        self.tally.check_far_beyond()?;
        self.tally.finish(allow_empty)
    }
}

/// Reads records to the end with the general reader.
fn general_path<R: BufRead>(
    reader: &mut RecordReader<R>,
    layout: &Layout,
    source: &str,
    tally: &mut Tally,
) -> Result<()> {
    let mut record = Record::default();
    loop {
        match reader
            .read(&mut record)
            .with_context(|| source.to_string())?
        {
            Ok(true) => layout.row(&record, source, tally)?,
            Ok(false) => return Ok(()),
            Err(bad) => malformed(tally, source, bad)?,
        }
    }
}

/// Handles a malformed record: skipped or reported like an invalid row,
/// unless the input cannot be read on.
fn malformed(tally: &mut Tally, source: &str, bad: MalformedRecord) -> Result<()> {
    if bad.fatal {
        bail!("{source}:{}: {}", bad.line, bad.what);
    }
    tally.invalid(
        source,
        bad.line,
        Invalid::new("malformed CSV", bad.what.to_string()),
    )
}

/// How many data rows decide the kind of a log whose first face is not a
/// number.
const KIND_ROWS: usize = 100;

/// Decides the kind of the faces when the first data row's face is not a
/// number (`nat 20`): reads ahead, into `ahead`, up to [`KIND_ROWS`] data
/// rows in all, and makes the log an integer log when most of their faces
/// are numbers. One odd row then is an invalid row, not the first label of
/// a die that takes every integer for another label.
fn read_ahead<R: BufRead>(
    reader: &mut RecordReader<R>,
    layout: &Layout,
    source: &str,
    ahead: &mut Vec<Result<Record, MalformedRecord>>,
    tally: &mut Tally,
) -> Result<()> {
    let face = |item: &Result<Record, MalformedRecord>| {
        item.as_ref()
            .ok()
            .and_then(|r| layout.face_field(r))
            .filter(|f| !f.is_empty())
            .map(looks_numeric)
    };
    let mut first = ahead.iter().find_map(face);
    while first.is_none() {
        let mut record = Record::default();
        match reader
            .read(&mut record)
            .with_context(|| source.to_string())?
        {
            Ok(true) => ahead.push(Ok(record)),
            Ok(false) => return Ok(()),
            Err(bad) => ahead.push(Err(bad)),
        }
        first = ahead.last().and_then(face);
    }
    if first == Some(true) {
        return Ok(());
    }
    let mut rows = ahead.iter().filter_map(face).count();
    while rows < KIND_ROWS {
        let mut record = Record::default();
        match reader
            .read(&mut record)
            .with_context(|| source.to_string())?
        {
            Ok(true) => ahead.push(Ok(record)),
            Ok(false) => break,
            Err(bad) => ahead.push(Err(bad)),
        }
        rows += ahead.last().and_then(face).map_or(0, |_| 1);
    }
    let numbers = ahead.iter().filter_map(face).filter(|&n| n).count();
    if 2 * numbers > rows {
        tally.decide_integer();
    }
    Ok(())
}

/// Counts what the fast path takes (on all cores for a large regular file)
/// and returns a general reader positioned at the first line it did not
/// take, with the right line number.
fn fast_path(
    reader: RecordReader<BufReader<Box<dyn Read>>>,
    file: Option<&File>,
    plan: scan::Plan,
    source: &str,
    options: &ReadOptions,
    progress: &Progress,
    tally: &mut Tally,
) -> Result<RecordReader<BufReader<Box<dyn Read>>>> {
    let (lines, consumed) = (reader.lines(), reader.consumed());
    let at = |e: Invalid| anyhow::anyhow!("{source}: {}", e.message);
    if options.keep_rolls {
        return ordered_path(reader, plan, source, options, tally);
    }
    let advance = |n| progress.advance(n);
    if let Some((scan, rest)) = file
        .map(|file| scan::scan_file(file, consumed, plan, &advance))
        .transpose()?
        .flatten()
    {
        tally.merge_scan(&scan).map_err(at)?;
        let mut rest = rest;
        let offset = rest.stream_position().with_context(|| source.to_string())?;
        let rest: Box<dyn Read> = Box::new(Counted::new(rest, progress, None));
        return Ok(RecordReader::new(
            BufReader::new(rest),
            options.dialect.delimiter,
            lines + scan.lines + 1,
        )
        .at_offset(offset));
    }
    let buffered = reader.into_inner();
    let pending = buffered.buffer().to_vec();
    let mut inner = buffered.into_inner();
    let mut scan = scan::Scan::new();
    let stopped = scan::scan_reader(&mut inner, pending, plan, &mut scan)
        .with_context(|| source.to_string())?;
    tally.merge_scan(&scan).map_err(at)?;
    Ok(rest_of_stream(
        stopped,
        inner,
        options,
        lines + scan.lines + 1,
        consumed,
    ))
}

/// The general reader over what a streamed scan left: its pending bytes,
/// then the rest of `inner` unless the stream ended; its first line is
/// line `line` of the input, at byte `consumed` + the bytes the scan took.
fn rest_of_stream(
    stopped: scan::Stopped,
    inner: Box<dyn Read>,
    options: &ReadOptions,
    line: u64,
    consumed: u64,
) -> RecordReader<BufReader<Box<dyn Read>>> {
    let rest: Box<dyn Read> = if stopped.at_end {
        Box::new(Cursor::new(stopped.pending))
    } else {
        Box::new(Cursor::new(stopped.pending).chain(inner))
    };
    RecordReader::new(BufReader::new(rest), options.dialect.delimiter, line)
        .at_offset(consumed + stopped.taken)
}

/// [`fast_path`] when the rolls are kept in order: the ordered scanners
/// stream the faces into the tally, block by block.
fn ordered_path(
    reader: RecordReader<BufReader<Box<dyn Read>>>,
    plan: scan::Plan,
    source: &str,
    options: &ReadOptions,
    tally: &mut Tally,
) -> Result<RecordReader<BufReader<Box<dyn Read>>>> {
    let (lines, consumed) = (reader.lines(), reader.consumed());
    let buffered = reader.into_inner();
    let pending = buffered.buffer().to_vec();
    let mut inner = buffered.into_inner();
    let (mut faces, mut taken_lines, mut failed) = (Vec::new(), 0u64, None);
    let stopped = scan::scan_blocks(&mut inner, pending, &mut |block| {
        if failed.is_some() {
            return 0;
        }
        faces.clear();
        let (used, block_lines) = match plan.columns {
            None => scan::ordered_faces(block, plan.limits, &mut faces),
            Some(columns) => scan::ordered_columns(block, plan.limits, columns, &mut faces),
        };
        match tally.add_ordered(&faces) {
            Ok(()) => {
                taken_lines += block_lines;
                used
            }
            Err(e) => {
                failed = Some(e);
                0
            }
        }
    })
    .with_context(|| source.to_string())?;
    if let Some(e) = failed {
        bail!("{source}: {}", e.message);
    }
    Ok(rest_of_stream(
        stopped,
        inner,
        options,
        lines + taken_lines + 1,
        consumed,
    ))
}

/// The fields of a JSON-lines input: `--column` (default `face`), `--by`
/// and, with `--counts`, `count`. A column given by its place is a usage
/// error: JSON fields have names.
fn jsonl_fields(options: &ReadOptions, source: &str) -> Result<Fields> {
    let name = |spec: &Option<ColumnSpec>, flag: &str| {
        match spec {
        None => Ok(None),
        Some(ColumnSpec::Name(name)) => Ok(Some(name.clone())),
        Some(ColumnSpec::Index(i)) => Err(UsageError(format!(
            "{flag} {i}: {source} is JSON lines, whose fields are named, not numbered: give the field's name"
        ))),
    }
    };
    Ok(Fields {
        face: name(&options.column, "--column")?.unwrap_or_else(|| "face".into()),
        by: name(&options.by, "--by")?,
        count: options.counts.then(|| "count".into()),
    })
}

/// Reads a JSON-lines input to its end (or until `watch`, told of every
/// roll like in [`Reader::read_watched`], breaks: then `true`). When the
/// first face is not a number, the rows up to [`KIND_ROWS`] are read ahead
/// to decide the kind of the log, as for CSV.
fn read_jsonl<R: BufRead>(
    input: R,
    source: &str,
    options: &ReadOptions,
    tally: &mut Tally,
    mut watch: Option<&mut dyn FnMut(usize, usize) -> ControlFlow<()>>,
) -> Result<bool> {
    let mut rows = JsonLines::new(input, jsonl_fields(options, source)?);
    let mut next = || rows.read().with_context(|| source.to_string());
    tally.start_input();
    let mut ahead = std::collections::VecDeque::new();
    if let Domain::Undecided = tally.domain() {
        let face = |row: &Result<Row, (u64, Invalid)>| {
            row.as_ref()
                .ok()
                .map(|r| r.face.trim())
                .filter(|f| !f.is_empty())
                .map(|f| looks_numeric(f.as_bytes()))
        };
        let (mut seen, mut numbers) = (0, 0);
        while seen < KIND_ROWS {
            let row = match next()?.transpose() {
                None => break,
                // Nothing is held before an invalid row: it is handled
                // now, so a run of them is not held in memory.
                Some(Err((line, why))) => {
                    tally.invalid(source, line, why)?;
                    continue;
                }
                Some(row) => row,
            };
            if let Some(number) = face(&row) {
                seen += 1;
                numbers += usize::from(number);
                if seen == 1 && number {
                    ahead.push_back(row);
                    break;
                }
            }
            ahead.push_back(row);
        }
        if 2 * numbers > seen {
            tally.decide_integer();
        }
    }
    let first = tally.domain().first_slot();
    let mut held = ahead.into_iter();
    loop {
        let owned;
        let row = match held.next() {
            Some(Ok(row)) => {
                owned = row;
                owned.lend()
            }
            Some(Err((line, why))) => {
                tally.invalid(source, line, why)?;
                continue;
            }
            None => match rows.read_ref().with_context(|| source.to_string())? {
                Ok(Some(row)) => row,
                Ok(None) => return Ok(false),
                Err((line, why)) => {
                    tally.invalid(source, line, why)?;
                    continue;
                }
            },
        };
        let before = tally.domain().largest().0;
        match tally.add(row.group, row.face, row.count) {
            Ok(()) => tally.added_at(before, source, row.line),
            Err(bad) => tally.invalid(source, row.line, bad)?,
        }
        if let Some(watch) = watch.as_mut() {
            if let Some((group, slot)) = tally.take_last_roll() {
                if watch(group, slot as usize - first).is_break() {
                    return Ok(true);
                }
            }
        }
    }
}

/// Reads up to the first well-formed record and works out the layout.
fn first_record<R: std::io::BufRead>(
    reader: &mut RecordReader<R>,
    record: &mut Record,
    source: &str,
    options: &ReadOptions,
    tally: &mut Tally,
) -> Result<Option<Layout>> {
    loop {
        match reader.read(record).with_context(|| source.to_string())? {
            Ok(true) if layout::all_empty(record) => tally.empty_row(),
            Ok(true) => break,
            Ok(false) => return Ok(None),
            Err(bad) => malformed(tally, source, bad)?,
        }
    }
    let layout = Layout::from_first(record, source, options, tally.domain())?;
    if layout.header {
        tally.set_header(record.joined(options.dialect.delimiter));
    }
    Ok(Some(layout))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::atomic::AtomicU64;

    #[test]
    fn progress_counts_the_compressed_bytes_of_a_compressed_input() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = b"face\n".to_vec();
        for i in 0..300_000u32 {
            writeln!(log, "{}", i % 6 + 1).unwrap();
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&log).unwrap();
        let gz = gz.finish().unwrap();
        for (name, bytes) in [("log.csv", &log), ("log.csv.gz", &gz)] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let told = Arc::new(AtomicU64::new(0));
            let progress = {
                let told = Arc::clone(&told);
                Progress::new(move |n| {
                    told.fetch_add(n, Ordering::Relaxed);
                })
            };
            let options = ReadOptions::default();
            let data =
                read_inputs(std::slice::from_ref(&path), &options, &progress, false).unwrap();
            assert_eq!(data.groups[0].n, 300_000);
            assert_eq!(told.load(Ordering::Relaxed), bytes.len() as u64, "{name}");
            assert_eq!(input_bytes(&[path]), bytes.len() as u64);
        }
    }
}
