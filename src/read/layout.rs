//! Where the columns are in one input: which field is the face, the count
//! and the group, and whether the first row is a header. A [`Layout`] is
//! worked out from an input's first record and then counts each row into
//! the tally, and it draws up the plan of the fast path, if it may run.

use std::cell::Cell;

use anyhow::Result;

use super::domain::{looks_numeric, parse_u64, show, Domain, Invalid, MAX_FACE};
use super::options::{ColumnSpec, ReadOptions};
use super::records::Record;
use super::scan::{Columns, Limits, Plan};
use super::tally::Tally;
use crate::error::UsageError;

/// Where the columns are in one input, and whether it starts with a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    width: usize,
    face: usize,
    count: Option<usize>,
    by: Option<usize>,
    /// The first row is a header, not data.
    pub header: bool,
    /// The header names the last column like a count: a count table,
    /// unless the first data row says otherwise.
    /// Cleared once the first data row of the right width is checked.
    counts_named: Cell<Option<usize>>,
}

/// Header names that mark the last column of a table as a count.
pub const COUNT_NAMES: [&str; 5] = ["count", "counts", "n", "freq", "frequency"];

/// True when `record` has two or more fields and every one is empty or
/// blank (`,,`: a spreadsheet's empty row). A lone empty field is an empty
/// face, an invalid row.
pub fn all_empty(record: &Record) -> bool {
    record.len() > 1 && record.iter().all(|f| f.trim_ascii().is_empty())
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
    pub fn from_first(
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
                    delimiter_hint(first, options.dialect.delimiter)
                ))),
                ColumnSpec::Name(_) if options.dialect.no_header => Err(usage(format!(
                    "{flag} by name needs a header row, but --no-header says there is none; give a 1-based index"
                ))),
                ColumnSpec::Name(name) => match named(name) {
                    Some(i) => Ok((i, true)),
                    None => Err(usage(format!(
                        "{flag} {name:?}: {source} has no column of that name; its first row is: {}{}",
                        describe_columns(first),
                        delimiter_hint(first, options.dialect.delimiter)
                    ))),
                },
            }
        };
        let by = options.by.as_ref().map(|s| locate(s, "--by")).transpose()?;
        let mut by_named = by.is_some_and(|b| b.1);
        let by = by.map(|b| b.0);
        // The count column of a count table: "count" by name, else the last.
        let count = options.counts.then(|| match named("count") {
            Some(i) if !options.dialect.no_header => {
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
            None => match named("face").filter(|_| !options.dialect.no_header) {
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
        if by == Some(face) || (by.is_some() && by == count) {
            let what = if by == Some(face) {
                "--column"
            } else {
                "the count column"
            };
            return Err(usage(format!(
                "--by and {what} are the same column ({} {}): the groups must be another column than the faces and counts",
                face.max(by.unwrap_or(face)) + 1,
                show(first.get(by.unwrap_or(face)).unwrap_or_default().trim_ascii())
            )));
        }
        if options.counts && (width < 2 || Some(face) == count) {
            return Err(usage(format!(
                "{source}: a count table needs a face column and a count column; its first row is: {}",
                describe_columns(first)
            )));
        }
        // diceml writes `face` over its faces: its own output reads back
        // even when `face` is one of the --labels.
        let own_header = first
            .get(face)
            .is_some_and(|f| f.trim_ascii().eq_ignore_ascii_case(b"face"));
        let header = !options.dialect.no_header
            && (face_named
                || by_named
                || own_header
                || match count {
                    Some(c) => !looks_numeric(first.get(c).unwrap_or_default().trim_ascii()),
                    None => domain.is_header(first.get(face).unwrap_or_default()),
                });
        // diceml's own `count` column anywhere (count and fit --format csv
        // write it); its synonyms as the last of two or three columns.
        let is_count = |i: usize, names: &[&str]| {
            let name = first.get(i).unwrap_or_default().trim_ascii();
            i != face
                && Some(i) != by
                && names
                    .iter()
                    .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
        };
        let counts_named = (header && !options.counts && options.column.is_none())
            .then(|| {
                (0..width).find(|&i| is_count(i, &["count"])).or_else(|| {
                    Some(width - 1).filter(|&l| width <= 3 && is_count(l, &COUNT_NAMES))
                })
            })
            .flatten();
        Ok(Layout {
            width,
            face,
            count,
            by,
            header,
            counts_named: Cell::new(counts_named),
        })
    }

    /// The face field of `record`, if it has one.
    pub fn face_field<'r>(&self, record: &'r Record) -> Option<&'r [u8]> {
        record.get(self.face).map(<[u8]>::trim_ascii)
    }

    /// Refuses a count table read as a roll log: a header with a column
    /// named `count`, or whose last of two or three columns is named like a
    /// count (see [`COUNT_NAMES`]), over a whole number in the first data
    /// row, without `--counts` or `--column`.
    fn refuse_count_table(&self, record: &Record, source: &str) -> Result<()> {
        let Some(c) = self.counts_named.get() else {
            return Ok(());
        };
        if record.len() != self.width {
            return Ok(());
        }
        self.counts_named.set(None);
        let field = record.get(c).unwrap_or_default().trim_ascii();
        if parse_u64(field).is_some() {
            return Err(usage(format!(
                "{source}:{}: this looks like a count table (a column is a count): add --counts to read it as one; if each row is one roll, say which column holds the face with --column",
                record.line()
            )));
        }
        Ok(())
    }

    /// What the fast path may take of the rest of this input, if anything:
    /// integer faces (within `limits`) of a roll log without groups (read
    /// in order by the ordered scanners when the rolls are kept).
    pub fn fast_plan(&self, limits: Limits, options: &ReadOptions) -> Option<Plan> {
        let eligible = !options.general_only
            && self.by.is_none()
            && self.count.is_none()
            && options.labels.is_none();
        let columns = (self.width > 1).then_some(Columns {
            delimiter: options.dialect.delimiter,
            width: self.width,
            face: self.face,
        });
        eligible.then_some(Plan { limits, columns })
    }

    /// Counts one data row.
    pub fn row(&self, record: &Record, source: &str, tally: &mut Tally) -> Result<()> {
        let line = record.line();
        if all_empty(record) {
            tally.empty_row();
            return Ok(());
        }
        self.refuse_count_table(record, source)?;
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
        let before = tally.domain().largest().0;
        let added = tally.add(group, field(self.face), count);
        match added {
            Ok(()) => {
                tally.added_at(before, source, line);
                Ok(())
            }
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

/// The faces the fast path may accept in `domain`, when it may run at all:
/// integer (or not yet decided) domains only.
pub fn scan_limits(domain: &Domain) -> Option<Limits> {
    // When K is inferred the fast path takes no face above 2 × the largest
    // so far + 10, so a face far beyond the others is always read by the
    // general reader, which knows its line.
    let (largest, _) = domain.largest();
    let open = Limits {
        min: 0,
        max: largest.map_or(10, |m| 2 * m + 10).min(MAX_FACE) as u32,
    };
    match domain {
        Domain::Undecided => Some(open),
        Domain::Integer {
            declared: Some(k), ..
        } => Some(Limits {
            min: 1,
            max: *k as u32,
        }),
        Domain::Integer { .. } => Some(open),
        Domain::Labels { .. } => None,
    }
}
