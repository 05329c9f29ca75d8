//! Reading roll logs and count tables into per-face counts.
//!
//! A roll log is CSV with one roll per row; a count table has `face,count`
//! rows. Both may start with a header: the first row is a header exactly when
//! its face field is not a face. Faces are the integers 1..K. Every row is
//! either counted or stops the run with an error naming `file:line`; nothing
//! is skipped silently.
//!
//! Readers take any `io::Read` and a display name; opening files is the
//! caller's business.

use std::io::Read;

use anyhow::{bail, Result};

use crate::error::UsageError;

/// The largest face diceml accepts (and the largest `--faces`): one stray
/// huge number must not make K, and the memory for the counts, explode.
pub const MAX_FACE: u64 = 1_000_000;

/// Which column of a multi-column roll log holds the faces.
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

/// Counts per face, accumulated over one or more inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// counts[i] is the count of face i + 1.
    counts: Vec<u64>,
    /// Faces 1..K declared by `--faces`; `None` infers K from the data.
    declared: Option<u64>,
    /// Total count N.
    total: u64,
    /// The header row of the first input that had one, as read.
    header: Option<String>,
}

/// The finished counts of one die: faces 1..K with their counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Face labels, "1".."K".
    pub faces: Vec<String>,
    /// Count of each face (zeros included).
    pub counts: Vec<u64>,
    /// N = Σ counts.
    pub n: u64,
    /// True when K was taken from the largest face seen, not from `--faces`.
    pub k_inferred: bool,
    /// The header row that was read, if any.
    pub header: Option<String>,
}

impl Tally {
    /// An empty tally; `faces` declares the die's faces 1..K up front.
    pub fn new(faces: Option<u64>) -> Self {
        Tally {
            counts: vec![0; faces.unwrap_or(0) as usize],
            declared: faces,
            ..Tally::default()
        }
    }

    /// Adds `count` rolls of `face`, checking the face range and overflow.
    fn add(&mut self, face: u64, count: u64) -> std::result::Result<(), String> {
        let limit = self.declared.unwrap_or(MAX_FACE);
        if face == 0 || face > limit {
            return Err(match self.declared {
                Some(k) => format!("face {face} is outside 1..{k} (--faces {k})"),
                None if face == 0 => "face 0 is not a face: faces run from 1".to_string(),
                None => {
                    format!("face {face} is above the largest face diceml accepts ({MAX_FACE})")
                }
            });
        }
        let index = (face - 1) as usize;
        if index >= self.counts.len() {
            self.counts.resize(index + 1, 0);
        }
        self.total = self
            .total
            .checked_add(count)
            .ok_or_else(|| "the total count overflows 2^64 − 1".to_string())?;
        self.counts[index] += count;
        Ok(())
    }

    /// Finishes the tally: an error when nothing was counted.
    pub fn finish(self) -> Result<Counts> {
        if self.total == 0 {
            bail!("no rolls to fit: the input holds no rolls (N = 0)");
        }
        let faces = (1..=self.counts.len()).map(|f| f.to_string()).collect();
        Ok(Counts {
            faces,
            counts: self.counts,
            n: self.total,
            k_inferred: self.declared.is_none(),
            header: self.header,
        })
    }
}

/// Parses an integer face: ASCII digits, surrounding whitespace allowed.
pub fn parse_face(field: &[u8]) -> Option<u64> {
    parse_u64(field.trim_ascii())
}

fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn show(field: &[u8]) -> String {
    const LIMIT: usize = 40;
    let text = String::from_utf8_lossy(field);
    let mut shown: String = text.chars().take(LIMIT).collect();
    if text.chars().count() > LIMIT {
        shown.push('…');
    }
    format!("{shown:?}")
}

fn describe_columns(record: &csv::ByteRecord) -> String {
    record
        .iter()
        .enumerate()
        .map(|(i, f)| format!("{} {}", i + 1, show(f.trim_ascii())))
        .collect::<Vec<_>>()
        .join(", ")
}

fn csv_reader<R: Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader)
}

/// Reads the next record, turning CSV and I/O errors into `source:line` errors.
fn next_record<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
    source: &str,
) -> Result<bool> {
    match reader.read_byte_record(record) {
        Ok(more) => Ok(more),
        Err(e) => {
            let line = e.position().map_or(0, |p| p.line());
            match e.into_kind() {
                csv::ErrorKind::Io(io) => {
                    Err(anyhow::Error::new(io).context(format!("{source}: read failed")))
                }
                other => bail!("{source}:{line}: malformed CSV: {other:?}"),
            }
        }
    }
}

fn line_of(record: &csv::ByteRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

/// Picks the face column from the first row of a roll log, and says whether
/// that row is a header.
fn choose_column(
    first: &csv::ByteRecord,
    column: Option<&ColumnSpec>,
    source: &str,
) -> Result<(usize, bool)> {
    let width = first.len();
    let names = || describe_columns(first);
    let is_face = |i: usize| first.get(i).and_then(parse_face).is_some();
    match column {
        Some(ColumnSpec::Index(i)) => {
            if *i > width {
                return Err(UsageError(format!(
                    "--column {i}: {source} has {width} column(s): {}",
                    names()
                ))
                .into());
            }
            Ok((i - 1, !is_face(i - 1)))
        }
        Some(ColumnSpec::Name(name)) => match first.iter().position(|f| f.trim_ascii() == name.as_bytes()) {
            Some(i) => Ok((i, true)),
            None => Err(UsageError(format!(
                "--column {name:?}: {source} has no column of that name; its first row is: {}",
                names()
            ))
            .into()),
        },
        None if width == 1 => Ok((0, !is_face(0))),
        None => match first
            .iter()
            .position(|f| f.trim_ascii().eq_ignore_ascii_case(b"face"))
        {
            Some(i) => Ok((i, true)),
            None => Err(UsageError(format!(
                "{source} has {width} columns and none is named \"face\"; pick one with --column NAME|INDEX: {}",
                names()
            ))
            .into()),
        },
    }
}

/// Counts a roll log (one face per row) from `reader` into `tally`.
///
/// `source` names the input in errors (`source:line: ...`).
pub fn read_rolls<R: Read>(
    reader: R,
    source: &str,
    column: Option<&ColumnSpec>,
    tally: &mut Tally,
) -> Result<()> {
    let mut reader = csv_reader(reader);
    let mut record = csv::ByteRecord::new();
    if !next_record(&mut reader, &mut record, source)? {
        return Ok(());
    }
    let (col, is_header) = choose_column(&record, column, source)?;
    let width = record.len();
    if is_header {
        tally
            .header
            .get_or_insert_with(|| String::from_utf8_lossy(record.as_slice()).into_owned());
    } else {
        count_roll(&record, col, width, source, tally)?;
    }
    while next_record(&mut reader, &mut record, source)? {
        count_roll(&record, col, width, source, tally)?;
    }
    Ok(())
}

fn count_roll(
    record: &csv::ByteRecord,
    col: usize,
    width: usize,
    source: &str,
    tally: &mut Tally,
) -> Result<()> {
    let line = line_of(record);
    if record.len() != width {
        bail!(
            "{source}:{line}: expected {width} field(s) like the first row, found {}",
            record.len()
        );
    }
    let field = &record[col];
    let Some(face) = parse_face(field) else {
        if field.trim_ascii().is_empty() {
            bail!("{source}:{line}: empty face field");
        }
        bail!(
            "{source}:{line}: {} is not a face (faces are whole numbers 1..K)",
            show(field)
        );
    };
    tally
        .add(face, 1)
        .map_err(|e| anyhow::anyhow!("{source}:{line}: {e}"))
}

/// Counts a `face,count` table from `reader` into `tally`; a face listed
/// twice is summed, a face listed with count 0 still belongs to the die.
pub fn read_counts<R: Read>(reader: R, source: &str, tally: &mut Tally) -> Result<()> {
    let mut reader = csv_reader(reader);
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    let mut cols = (0usize, 1usize);
    while next_record(&mut reader, &mut record, source)? {
        let line = line_of(&record);
        if first {
            first = false;
            let data = record.len() == 2 && record.get(0).and_then(parse_face).is_some();
            if !data {
                cols = count_columns(&record, source)?;
                tally
                    .header
                    .get_or_insert_with(|| String::from_utf8_lossy(record.as_slice()).into_owned());
                continue;
            }
        }
        let (Some(face_field), Some(count_field)) = (record.get(cols.0), record.get(cols.1)) else {
            bail!(
                "{source}:{line}: expected face,count but found {} field(s)",
                record.len()
            );
        };
        let Some(face) = parse_face(face_field) else {
            bail!(
                "{source}:{line}: {} is not a face (faces are whole numbers 1..K)",
                show(face_field)
            );
        };
        let Some(count) = parse_u64(count_field.trim_ascii()) else {
            bail!(
                "{source}:{line}: count {} is not a whole number from 0 to 2^64 − 1",
                show(count_field)
            );
        };
        tally
            .add(face, count)
            .map_err(|e| anyhow::anyhow!("{source}:{line}: {e}"))?;
    }
    Ok(())
}

/// The face and count columns of a count table's header row.
fn count_columns(header: &csv::ByteRecord, source: &str) -> Result<(usize, usize)> {
    let find = |name: &[u8]| {
        header
            .iter()
            .position(|f| f.trim_ascii().eq_ignore_ascii_case(name))
    };
    match (find(b"face"), find(b"count")) {
        (Some(f), Some(c)) => Ok((f, c)),
        _ if header.len() == 2 => Ok((0, 1)),
        _ => Err(UsageError(format!(
            "{source}: a count table needs face,count columns; its first row is: {}",
            describe_columns(header)
        ))
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rolls(text: &str, column: Option<ColumnSpec>, faces: Option<u64>) -> Result<Counts> {
        let mut tally = Tally::new(faces);
        read_rolls(text.as_bytes(), "t.csv", column.as_ref(), &mut tally)?;
        tally.finish()
    }

    #[test]
    fn header_is_optional() {
        let with = rolls("face\n1\n3\n3\n", None, None).unwrap();
        let without = rolls("1\n3\n3\n", None, None).unwrap();
        assert_eq!(with.counts, vec![1, 0, 2]);
        assert_eq!(without.counts, with.counts);
        assert_eq!(with.header.as_deref(), Some("face"));
        assert!(with.k_inferred);
    }

    #[test]
    fn declared_faces_fill_zeros_and_bound_rolls() {
        let c = rolls("2\n2\n", None, Some(4)).unwrap();
        assert_eq!(c.counts, vec![0, 2, 0, 0]);
        assert!(!c.k_inferred);
        let e = rolls("2\n5\n", None, Some(4)).unwrap_err().to_string();
        assert_eq!(e, "t.csv:2: face 5 is outside 1..4 (--faces 4)");
    }

    #[test]
    fn a_later_non_face_names_its_line() {
        let e = rolls("face\n1\nx\n", None, None).unwrap_err().to_string();
        assert_eq!(
            e,
            "t.csv:3: \"x\" is not a face (faces are whole numbers 1..K)"
        );
        let e = rolls("1\n0\n", None, None).unwrap_err().to_string();
        assert!(e.starts_with("t.csv:2: face 0"), "{e}");
        let e = rolls("1\n2000000\n", None, None).unwrap_err().to_string();
        assert!(e.starts_with("t.csv:2: face 2000000 is above"), "{e}");
    }

    #[test]
    fn columns_by_name_index_or_default() {
        let log = "time,face,player\n1,2,a\n2,6,b\n";
        assert_eq!(
            rolls(log, None, None).unwrap().counts,
            vec![0, 1, 0, 0, 0, 1]
        );
        let by_name = rolls(log, Some(ColumnSpec::Name("face".into())), None).unwrap();
        let by_index = rolls(log, Some(ColumnSpec::Index(2)), None).unwrap();
        assert_eq!(by_name, by_index);
        let e = rolls("a,b\n1,2\n", None, None).unwrap_err();
        assert!(e.downcast_ref::<UsageError>().is_some());
        assert!(e.to_string().contains("1 \"a\", 2 \"b\""), "{e}");
    }

    #[test]
    fn ragged_rows_are_errors() {
        let e = rolls("a,face\n1,2\n3\n", None, None)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "t.csv:3: expected 2 field(s) like the first row, found 1"
        );
    }

    #[test]
    fn counts_tables_sum_repeats_and_keep_zero_faces() {
        let mut tally = Tally::new(None);
        read_counts(
            "face,count\n1,3\n2,0\n1,4\n4,0\n".as_bytes(),
            "c.csv",
            &mut tally,
        )
        .unwrap();
        let c = tally.finish().unwrap();
        assert_eq!(c.counts, vec![7, 0, 0, 0]);
        assert_eq!(c.n, 7);
    }

    #[test]
    fn counts_reject_negative_fractional_and_overflow() {
        for (text, line) in [("1,-3\n", 1), ("face,count\n1,2.5\n", 2)] {
            let mut tally = Tally::new(None);
            let e = read_counts(text.as_bytes(), "c.csv", &mut tally)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(&format!("c.csv:{line}: count")), "{e}");
        }
        let mut tally = Tally::new(None);
        let text = format!("1,{}\n2,1\n", u64::MAX);
        let e = read_counts(text.as_bytes(), "c.csv", &mut tally)
            .unwrap_err()
            .to_string();
        assert_eq!(e, "c.csv:2: the total count overflows 2^64 − 1");
    }

    #[test]
    fn empty_inputs_are_errors() {
        assert!(rolls("", None, None).is_err());
        assert!(rolls("face\n", None, None).is_err());
    }
}
