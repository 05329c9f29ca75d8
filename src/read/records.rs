//! Splitting CSV input into records, with the physical line of each.
//!
//! The dialect: one record per line, `\n` or `\r\n` endings, a UTF-8
//! byte-order mark at the start ignored, blank lines and lines starting with
//! `#` skipped, fields split on one delimiter byte, and fields that start
//! with `"` quoted (a `""` inside is one quote; a quoted field may span up
//! to [`MAX_QUOTED_LINES`] lines, and when its record is malformed the lines
//! after its first are read again, so a stray quote costs one row). A
//! carriage return inside a line (old-Mac line endings) is a fatal
//! [`MalformedRecord`]. The record's line is the 1-based physical line it
//! starts on.
//!
//! This is written by hand rather than taken from the `csv` crate because
//! the line numbers are part of diceml's contract: csv 1.4 reports the line
//! *before* skipped blank and comment lines and counts `\r\n` endings one
//! line late, so its positions would name the wrong line.

use std::io::{self, BufRead};

/// One record: its fields and the line it starts on.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Record {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    line: u64,
}

impl Record {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True for a record without fields (never returned by the reader).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i` (unquoted, untrimmed), if there is one.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.bytes[start..end])
    }

    /// The fields in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The 1-based physical line the record starts on.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// True when some field holds a NUL byte.
    pub fn has_nul(&self) -> bool {
        self.bytes.contains(&0)
    }

    /// The fields joined by `delimiter`, for showing a header back.
    pub fn joined(&self, delimiter: u8) -> String {
        let parts: Vec<String> = self
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        parts.join(&(delimiter as char).to_string())
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
    }
}

/// A record-level problem: a quote that is never closed, or text after a
/// closing quote; or a problem of the whole input (a carriage return inside
/// a line: old-Mac line endings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedRecord {
    /// Line the record starts on.
    pub line: u64,
    /// What is wrong.
    pub what: &'static str,
    /// The input cannot be read on (`--skip-invalid` does not skip it).
    pub fatal: bool,
}

/// The most physical lines a quoted field may span. A stray quote would
/// otherwise swallow every line up to the next quote as one field; past
/// this, the record is malformed and the lines after its first are read
/// again as records.
pub const MAX_QUOTED_LINES: u64 = 20;

/// What a carriage return inside a line means.
const BARE_CR: &str = "a carriage return (\\r) inside the line: old-Mac (CR-only) line endings are not read; convert them to \\n first (tr '\\r' '\\n')";

/// Reads records from a buffered byte stream.
pub struct RecordReader<R> {
    input: R,
    delimiter: u8,
    line_buf: Vec<u8>,
    /// Physical lines consumed so far.
    lines: u64,
    /// Bytes consumed from `input` so far.
    consumed: u64,
    at_start: bool,
    /// The lines after the first of a quoted record being read.
    held: Vec<Vec<u8>>,
    /// Lines to read again (given back by a malformed quoted record).
    replay: std::collections::VecDeque<Vec<u8>>,
}

pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The longest line (and quoted record) accepted, in bytes: 1 MiB.
pub const MAX_LINE: usize = 1 << 20;

/// One physical line read by [`read_line`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhysicalLine {
    /// Bytes consumed from the input, line break included.
    pub bytes: u64,
    /// Longer than [`MAX_LINE`]: consumed to its end, not kept.
    pub too_long: bool,
}

/// Reads one physical line into `buf` (cleared first), without its `\n` or
/// `\r\n`; `None` at the end of the input. A line longer than [`MAX_LINE`]
/// is consumed to its end but not kept, so memory never grows with the
/// input. Shared by the CSV records and JSON lines.
pub fn read_line<R: BufRead>(input: &mut R, buf: &mut Vec<u8>) -> io::Result<Option<PhysicalLine>> {
    buf.clear();
    let (mut too_long, mut any, mut bytes) = (false, false, 0u64);
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if buf.len() + take > MAX_LINE {
            too_long = true;
        } else {
            buf.extend_from_slice(&chunk[..take]);
        }
        input.consume(take);
        bytes += take as u64;
        if done {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if too_long {
        buf.clear();
    } else if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    }
    Ok(Some(PhysicalLine { bytes, too_long }))
}

/// What [`RecordReader::next_line`] found.
enum Line {
    Read,
    TooLong,
    BareCr,
    End,
}

/// True when `line` (without its line end) holds a carriage return with
/// more than spaces and carriage returns after it.
fn bare_cr(line: &[u8]) -> bool {
    line.iter().position(|&b| b == b'\r').is_some_and(|i| {
        line[i..]
            .iter()
            .any(|&b| !matches!(b, b'\r' | b' ' | b'\t'))
    })
}

impl<R: BufRead> RecordReader<R> {
    /// A reader splitting fields on `delimiter`, whose first line is line
    /// `first_line` (1 for a whole file).
    pub fn new(input: R, delimiter: u8, first_line: u64) -> Self {
        RecordReader {
            input,
            delimiter,
            line_buf: Vec::new(),
            lines: first_line - 1,
            consumed: 0,
            at_start: first_line == 1,
            held: Vec::new(),
            replay: std::collections::VecDeque::new(),
        }
    }

    /// Reads one physical line (without its `\n` / `\r\n`) into `line_buf`.
    /// A line longer than [`MAX_LINE`] is consumed to its end but reported
    /// as [`Line::TooLong`], so memory never grows with the input.
    fn next_line(&mut self) -> io::Result<Line> {
        if let Some(line) = self.replay.pop_front() {
            self.line_buf = line;
            self.lines += 1;
            return Ok(Line::Read);
        }
        let Some(physical) = read_line(&mut self.input, &mut self.line_buf)? else {
            return Ok(Line::End);
        };
        self.consumed += physical.bytes;
        self.lines += 1;
        if physical.too_long {
            self.at_start = false;
            return Ok(Line::TooLong);
        }
        if std::mem::take(&mut self.at_start) && self.line_buf.starts_with(BOM) {
            self.line_buf.drain(..BOM.len());
        }
        if bare_cr(&self.line_buf) {
            return Ok(Line::BareCr);
        }
        Ok(Line::Read)
    }

    /// Reads the next record into `record`: `Ok(Ok(true))` when one was read,
    /// `Ok(Ok(false))` at the end, `Ok(Err(..))` for a malformed record (the
    /// reader then continues after it), `Err` for an I/O failure.
    pub fn read(&mut self, record: &mut Record) -> io::Result<Result<bool, MalformedRecord>> {
        loop {
            match self.next_line()? {
                Line::End => return Ok(Ok(false)),
                Line::TooLong => return Ok(Err(self.too_long())),
                Line::BareCr => return Ok(Err(self.bare_cr(self.lines))),
                Line::Read => {}
            }
            let blank = self.line_buf.iter().all(u8::is_ascii_whitespace);
            if !blank && self.line_buf.first() != Some(&b'#') {
                break;
            }
        }
        record.clear();
        record.line = self.lines;
        self.held.clear();
        let split = self.split(record)?;
        if split.is_err() && !self.held.is_empty() {
            // Only the record's first line is bad: read the others again.
            for line in self.held.drain(..).rev() {
                self.replay.push_front(line);
            }
            self.lines = record.line;
        }
        Ok(split.map(|()| true))
    }

    /// True while lines given back by a malformed quoted record are being
    /// read again (the input itself is then ahead of the records).
    pub fn replaying(&self) -> bool {
        !self.replay.is_empty()
    }

    /// The same reader, counting its consumed bytes from `offset` (where
    /// it starts in the file).
    pub fn at_offset(mut self, offset: u64) -> Self {
        self.consumed = offset;
        self
    }

    /// Physical lines consumed so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Bytes consumed from the input so far (the next record starts here).
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The input, positioned after the last record read.
    pub fn into_inner(self) -> R {
        self.input
    }

    fn too_long(&self) -> MalformedRecord {
        MalformedRecord {
            line: self.lines,
            what: "line longer than 1 MiB",
            fatal: false,
        }
    }

    fn bare_cr(&self, line: u64) -> MalformedRecord {
        MalformedRecord {
            line,
            what: BARE_CR,
            fatal: true,
        }
    }

    /// Splits `line_buf` (and, inside an open quote, the lines after it)
    /// into fields.
    fn split(&mut self, record: &mut Record) -> io::Result<Result<(), MalformedRecord>> {
        let line = record.line;
        let malformed = |what| MalformedRecord {
            line,
            what,
            fatal: false,
        };
        let mut pos = 0;
        loop {
            // One field starting at `pos` of line_buf.
            let rest = &self.line_buf[pos..];
            let lead = rest
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            if rest.get(lead) == Some(&b'"') && self.delimiter != b'"' {
                pos += lead + 1;
                loop {
                    match self.line_buf[pos..].iter().position(|&b| b == b'"') {
                        Some(q) if self.line_buf.get(pos + q + 1) == Some(&b'"') => {
                            record
                                .bytes
                                .extend_from_slice(&self.line_buf[pos..pos + q + 1]);
                            pos += q + 2;
                        }
                        Some(q) => {
                            record.bytes.extend_from_slice(&self.line_buf[pos..pos + q]);
                            pos += q + 1;
                            break;
                        }
                        None => {
                            record.bytes.extend_from_slice(&self.line_buf[pos..]);
                            record.bytes.push(b'\n');
                            match self.next_line()? {
                                Line::End => {
                                    return Ok(Err(malformed(
                                        "a quote opened on this line is never closed",
                                    )))
                                }
                                Line::TooLong => return Ok(Err(self.too_long())),
                                Line::BareCr => return Ok(Err(self.bare_cr(self.lines))),
                                Line::Read if record.bytes.len() > MAX_LINE => {
                                    return Ok(Err(malformed(
                                        "a quoted field runs past 1 MiB (is a quote never closed?)",
                                    )))
                                }
                                Line::Read => {
                                    self.held.push(self.line_buf.clone());
                                    if self.held.len() as u64 >= MAX_QUOTED_LINES {
                                        return Ok(Err(malformed(
                                            "a quoted field opened on this line runs over more than 20 lines (is a quote never closed?)",
                                        )));
                                    }
                                    pos = 0;
                                }
                            }
                        }
                    }
                }
                let tail = self.line_buf[pos..]
                    .iter()
                    .take_while(|&&b| b == b' ' || b == b'\t')
                    .count();
                pos += tail;
                record.ends.push(record.bytes.len());
                match self.line_buf.get(pos) {
                    None => return Ok(Ok(())),
                    Some(&b) if b == self.delimiter => pos += 1,
                    Some(_) => return Ok(Err(malformed("text after a closing quote"))),
                }
            } else {
                match rest.iter().position(|&b| b == self.delimiter) {
                    Some(d) => {
                        record.bytes.extend_from_slice(&rest[..d]);
                        record.ends.push(record.bytes.len());
                        pos += d + 1;
                    }
                    None => {
                        record.bytes.extend_from_slice(rest);
                        record.ends.push(record.bytes.len());
                        return Ok(Ok(()));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &[u8], delimiter: u8) -> Vec<(u64, Vec<String>)> {
        let mut reader = RecordReader::new(text, delimiter, 1);
        let mut record = Record::default();
        let mut out = Vec::new();
        while reader.read(&mut record).unwrap().unwrap() {
            let fields = record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            out.push((record.line(), fields));
        }
        out
    }

    #[test]
    fn lines_are_physical_despite_bom_crlf_blanks_and_comments() {
        let text = b"\xEF\xBB\xBFface\r\n1\r\n\r\n# note\r\n2\r\n  \n3";
        let got = records(text, b',');
        let want: Vec<(u64, Vec<String>)> = vec![
            (1, vec!["face".into()]),
            (2, vec!["1".into()]),
            (5, vec!["2".into()]),
            (7, vec!["3".into()]),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn quoted_fields_keep_delimiters_quotes_and_newlines() {
        let got = records(
            b"a,\"b,c\",\"say \"\"hi\"\"\"\n\"multi\nline\",x\nlast,1\n",
            b',',
        );
        assert_eq!(
            got[0],
            (1, vec!["a".into(), "b,c".into(), "say \"hi\"".into()])
        );
        assert_eq!(got[1], (2, vec!["multi\nline".into(), "x".into()]));
        assert_eq!(got[2], (4, vec!["last".into(), "1".into()]));
    }

    #[test]
    fn other_delimiters_and_empty_fields() {
        assert_eq!(records(b"a\tb\t\n", b'\t')[0].1, vec!["a", "b", ""]);
        assert_eq!(records(b"1;2\n", b';')[0].1, vec!["1", "2"]);
    }

    #[test]
    fn malformed_quotes_are_reported_with_their_line() {
        let mut reader = RecordReader::new(&b"1\n\"open\n2\n"[..], b',', 1);
        let mut record = Record::default();
        assert!(reader.read(&mut record).unwrap().unwrap());
        let err = reader.read(&mut record).unwrap().unwrap_err();
        assert_eq!(
            err,
            MalformedRecord {
                line: 2,
                what: "a quote opened on this line is never closed",
                fatal: false,
            }
        );
        // The lines after the bad quote are read again, with their lines.
        assert!(reader.read(&mut record).unwrap().unwrap());
        assert_eq!((record.line(), record.get(0)), (3, Some(&b"2"[..])));
        let mut reader = RecordReader::new(&b"\"a\"b\n"[..], b',', 1);
        assert_eq!(
            reader.read(&mut record).unwrap().unwrap_err().what,
            "text after a closing quote"
        );
    }

    #[test]
    fn overlong_lines_are_reported_and_skipped() {
        let mut text = vec![b'7'; MAX_LINE + 10];
        text.extend_from_slice(b"\n3\n");
        let mut reader = RecordReader::new(&text[..], b',', 1);
        let mut record = Record::default();
        assert_eq!(
            reader.read(&mut record).unwrap().unwrap_err().what,
            "line longer than 1 MiB"
        );
        assert!(reader.read(&mut record).unwrap().unwrap());
        assert_eq!((record.line(), record.get(0)), (2, Some(&b"3"[..])));
    }

    #[test]
    fn a_later_start_line_offsets_the_count() {
        let mut reader = RecordReader::new(&b"\n7\n"[..], b',', 10);
        let mut record = Record::default();
        assert!(reader.read(&mut record).unwrap().unwrap());
        assert_eq!(record.line(), 11);
    }
}
