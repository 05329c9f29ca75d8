//! Reading roll logs and count tables into per-group, per-face counts.
//!
//! The pieces: [`records`] splits CSV into records with physical line
//! numbers; [`domain`] decides what a face is; [`tally`] accumulates counts,
//! serial pairs and skipped rows; [`scan`] is the fast path. This module chooses the columns and the
//! header, and feeds every row of every input to the tally. Every row is
//! counted, or reported as skipped (`--skip-invalid`), or stops the run with
//! `file:line: what`; nothing is dropped silently, and memory grows only
//! with the number of distinct faces and groups.

pub mod domain;
pub mod records;
pub mod scan;
pub mod tally;

use std::fs::File;
use std::io::BufRead;
use std::io::{BufReader, Cursor, Read};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;

use crate::dataset::Dataset;
use crate::error::UsageError;
use crate::io;
use domain::{looks_integer, parse_u64, show, Domain, Invalid};
use records::{Record, RecordReader};
pub use tally::Tally;

/// Which column holds something: by header name or 1-based index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnSpec {
    /// The column whose header is this name.
    Name(String),
    /// The column at this 1-based position.
    Index(usize),
}

impl std::str::FromStr for ColumnSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("a column name or a 1-based index is required".into());
        }
        match s.parse::<usize>() {
            Ok(0) => Err("column indices start at 1".into()),
            Ok(i) => Ok(ColumnSpec::Index(i)),
            Err(_) => Ok(ColumnSpec::Name(s.to_string())),
        }
    }
}

/// How to read the inputs; built from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Inputs are `face,count` tables rather than roll logs.
    pub counts: bool,
    /// The face column (`--column`).
    pub column: Option<ColumnSpec>,
    /// The group column (`--by`).
    pub by: Option<ColumnSpec>,
    /// `--faces K`: integer faces 1..K.
    pub faces: Option<u64>,
    /// `--labels A,B,..`: labelled faces, in this order.
    pub labels: Option<Vec<String>>,
    /// Field delimiter byte.
    pub delimiter: u8,
    /// No input has a header row.
    pub no_header: bool,
    /// Count and report invalid rows instead of stopping.
    pub skip_invalid: bool,
    /// Take the fast path for one-column integer logs where it applies
    /// (off only to test that both paths agree).
    pub fast: bool,
    /// Told how many bytes were read, block by block (for a progress bar).
    pub progress: Progress,
}

/// A callback told how many bytes were read, a block at a time. It never
/// takes part in comparisons: two options differing only here are equal.
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

impl PartialEq for Progress {
    fn eq(&self, _: &Progress) -> bool {
        true
    }
}

impl Eq for Progress {}

/// A reader that reports every read to a [`Progress`].
struct Counted<R> {
    inner: R,
    progress: Progress,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            counts: false,
            column: None,
            by: None,
            faces: None,
            labels: None,
            delimiter: b',',
            no_header: false,
            skip_invalid: false,
            fast: true,
            progress: Progress::default(),
        }
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
/// rolls at all is an error unless `allow_empty`.
pub fn read_inputs(paths: &[PathBuf], options: &ReadOptions, allow_empty: bool) -> Result<Dataset> {
    let stdin = [PathBuf::from("-")];
    let paths = if paths.is_empty() { &stdin[..] } else { paths };
    let mut tally = Tally::new(
        Domain::new(options.faces, options.labels.as_deref()),
        options.skip_invalid,
    );
    let mut names = Vec::new();
    for path in paths {
        let input = io::open_input(path)?;
        read_input(
            input.reader,
            input.file.as_ref(),
            &input.name,
            options,
            &mut tally,
        )?;
        names.push(input.name);
    }
    tally
        .finish(allow_empty)
        .map_err(|e| e.context(names.join(", ")))
}

/// Reads one input into `tally`; `source` names it in messages, and `file`
/// is the same input as a regular file (for reading on all cores), if it is
/// one.
pub fn read_input(
    input: Box<dyn Read>,
    file: Option<&File>,
    source: &str,
    options: &ReadOptions,
    tally: &mut Tally,
) -> Result<()> {
    let input: Box<dyn Read> = Box::new(Counted {
        inner: input,
        progress: options.progress.clone(),
    });
    let mut reader = RecordReader::new(
        BufReader::with_capacity(1 << 16, input),
        options.delimiter,
        1,
    );
    let mut record = Record::default();
    let Some(layout) = first_record(&mut reader, &mut record, source, options, tally)? else {
        return Ok(());
    };
    tally.start_input();
    if !layout.header {
        layout.row(&record, source, tally)?;
    }
    if let Some(plan) = tally
        .domain()
        .fast_limits()
        .and_then(|limits| layout.fast_plan(limits, options))
    {
        reader = fast_path(reader, file, plan, source, options, tally)?;
    }
    general_path(&mut reader, &layout, source, tally)
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
        match reader.read(&mut record)? {
            Ok(true) => layout.row(&record, source, tally)?,
            Ok(false) => return Ok(()),
            Err(bad) => tally.invalid(
                source,
                bad.line,
                Invalid::new("malformed CSV", bad.what.to_string()),
            )?,
        }
    }
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
    tally: &mut Tally,
) -> Result<RecordReader<BufReader<Box<dyn Read>>>> {
    let (lines, consumed) = (reader.lines(), reader.consumed());
    let at = |e: Invalid| anyhow::anyhow!("{source}: {}", e.message);
    let advance = |n| options.progress.advance(n);
    if let Some((scan, rest)) = file
        .map(|file| scan::scan_file(file, consumed, plan, &advance))
        .transpose()?
        .flatten()
    {
        tally.merge_scan(&scan).map_err(at)?;
        let rest: Box<dyn Read> = Box::new(Counted {
            inner: rest,
            progress: options.progress.clone(),
        });
        return Ok(RecordReader::new(
            BufReader::new(rest),
            options.delimiter,
            lines + scan.lines + 1,
        ));
    }
    let buffered = reader.into_inner();
    let pending = buffered.buffer().to_vec();
    let mut inner = buffered.into_inner();
    let mut scan = scan::Scan::new();
    let stopped = scan::scan_reader(&mut inner, pending, plan, &mut scan)?;
    tally.merge_scan(&scan).map_err(at)?;
    let rest: Box<dyn Read> = if stopped.at_end {
        Box::new(Cursor::new(stopped.pending))
    } else {
        Box::new(Cursor::new(stopped.pending).chain(inner))
    };
    Ok(RecordReader::new(
        BufReader::new(rest),
        options.delimiter,
        lines + scan.lines + 1,
    ))
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
        match reader.read(record)? {
            Ok(true) => break,
            Ok(false) => return Ok(None),
            Err(bad) => tally.invalid(
                source,
                bad.line,
                Invalid::new("malformed CSV", bad.what.to_string()),
            )?,
        }
    }
    let layout = Layout::from_first(record, source, options, tally.domain())?;
    if layout.header {
        tally.set_header(record.joined(options.delimiter));
    }
    Ok(Some(layout))
}

/// Where the columns are in one input, and whether it starts with a header.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Layout {
    width: usize,
    face: usize,
    count: Option<usize>,
    by: Option<usize>,
    header: bool,
}

fn describe_columns(record: &Record) -> String {
    record
        .iter()
        .enumerate()
        .map(|(i, f)| format!("{} {}", i + 1, show(f.trim_ascii())))
        .collect::<Vec<_>>()
        .join(", ")
}

fn usage(message: String) -> anyhow::Error {
    UsageError(message).into()
}

/// A hint when a one-field first row looks split by another delimiter.
fn delimiter_hint(first: &Record, delimiter: u8) -> &'static str {
    let text = first.get(0).unwrap_or_default();
    match (first.len(), delimiter) {
        (1, b',') if text.contains(&b'\t') => {
            " (the fields look tab-separated: add --delimiter '\\t')"
        }
        (1, b',') if text.contains(&b';') => {
            " (the fields look ';'-separated: add --delimiter ';')"
        }
        _ => "",
    }
}

impl Layout {
    fn from_first(
        first: &Record,
        source: &str,
        options: &ReadOptions,
        domain: &Domain,
    ) -> Result<Layout> {
        let width = first.len();
        let named = |name: &str| {
            first
                .iter()
                .position(|f| f.trim_ascii().eq_ignore_ascii_case(name.as_bytes()))
        };
        let locate = |spec: &ColumnSpec, flag: &str| -> Result<(usize, bool)> {
            match spec {
                ColumnSpec::Index(i) if *i <= width => Ok((i - 1, false)),
                ColumnSpec::Index(i) => Err(usage(format!(
                    "{flag} {i}: {source} has {width} column(s): {}{}",
                    describe_columns(first),
                    delimiter_hint(first, options.delimiter)
                ))),
                ColumnSpec::Name(_) if options.no_header => Err(usage(format!(
                    "{flag} by name needs a header row, but --no-header says there is none; give a 1-based index"
                ))),
                ColumnSpec::Name(name) => match named(name) {
                    Some(i) => Ok((i, true)),
                    None => Err(usage(format!(
                        "{flag} {name:?}: {source} has no column of that name; its first row is: {}{}",
                        describe_columns(first),
                        delimiter_hint(first, options.delimiter)
                    ))),
                },
            }
        };
        let by = options.by.as_ref().map(|s| locate(s, "--by")).transpose()?;
        let mut by_named = by.is_some_and(|b| b.1);
        let by = by.map(|b| b.0);
        // The count column of a count table: "count" by name, else the last.
        let count = options.counts.then(|| match named("count") {
            Some(i) if !options.no_header => {
                by_named = true;
                i
            }
            _ => width - 1,
        });
        let others: Vec<usize> = (0..width)
            .filter(|&i| Some(i) != by && Some(i) != count)
            .collect();
        let (face, face_named) = match &options.column {
            Some(spec) => locate(spec, "--column")?,
            None if others.len() == 1 => (others[0], false),
            None => match named("face").filter(|_| !options.no_header) {
                Some(i) => (i, true),
                None if options.counts && width >= 2 && by.is_none() => (width - 2, false),
                None => {
                    return Err(usage(format!(
                        "{source} has {width} columns and none is named \"face\"; pick one with --column NAME|INDEX: {}",
                        describe_columns(first)
                    )))
                }
            },
        };
        if options.counts && (width < 2 || Some(face) == count) {
            return Err(usage(format!(
                "{source}: a count table needs a face column and a count column; its first row is: {}",
                describe_columns(first)
            )));
        }
        let header = !options.no_header
            && (face_named
                || by_named
                || match count {
                    Some(c) => !looks_integer(first.get(c).unwrap_or_default().trim_ascii()),
                    None => domain.is_header(first.get(face).unwrap_or_default()),
                });
        Ok(Layout {
            width,
            face,
            count,
            by,
            header,
        })
    }

    /// What the fast path may take of the rest of this input, if anything:
    /// integer faces (within `limits`) of a roll log without groups.
    fn fast_plan(&self, limits: scan::Limits, options: &ReadOptions) -> Option<scan::Plan> {
        let eligible =
            options.fast && self.by.is_none() && self.count.is_none() && options.labels.is_none();
        let columns = (self.width > 1).then_some(scan::Columns {
            delimiter: options.delimiter,
            width: self.width,
            face: self.face,
        });
        eligible.then_some(scan::Plan { limits, columns })
    }

    /// Counts one data row.
    fn row(&self, record: &Record, source: &str, tally: &mut Tally) -> Result<()> {
        let line = record.line();
        if let Err(bad) = self.check(record) {
            return tally.invalid(source, line, bad);
        }
        let field = |i: usize| record.get(i).unwrap_or_default();
        let count = match self.count {
            None => None,
            Some(c) => match parse_u64(field(c).trim_ascii()) {
                Some(n) => Some(n),
                None => {
                    let bad = Invalid::new(
                        "bad count",
                        format!(
                            "count {} is not a whole number from 0 to 2^64 − 1",
                            show(field(c))
                        ),
                    );
                    return tally.invalid(source, line, bad);
                }
            },
        };
        let group = self.by.map(field);
        let added = tally.add(group, field(self.face), count);
        match added {
            Ok(()) => Ok(()),
            Err(bad) => tally.invalid(source, line, bad),
        }
    }

    fn check(&self, record: &Record) -> Result<(), Invalid> {
        if record.len() != self.width {
            return Err(Invalid::new(
                "ragged row",
                format!(
                    "expected {} field(s) like the first row, found {}",
                    self.width,
                    record.len()
                ),
            ));
        }
        if record.has_nul() {
            return Err(Invalid::new("NUL byte", "the row holds a NUL byte".into()));
        }
        Ok(())
    }
}
