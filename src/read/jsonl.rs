//! JSON lines (`.jsonl`, `.ndjson`): one JSON object per line, whose
//! fields are named by `--column` (default `face`), `--by` and, for a count
//! table, `count`.
//!
//! A face or a group is a JSON string or an integer (`3` reads as the face
//! `3`, like the CSV field `3`); a float, a boolean, `null`, an array or an
//! object is an invalid row, and so is a line that is not a JSON object,
//! is not valid JSON, lacks a field or names one twice. Blank lines are
//! passed over, as in CSV; a UTF-8 byte-order mark at the start and `\r\n`
//! endings are allowed.
//!
//! A line of the common shape (one flat object, see [`fast`]) is read by a
//! hand-written scanner straight from the input's buffer; any other line is
//! read into a buffer and parsed by serde_json with a visitor that keeps
//! only the wanted fields and skips the others without building them. The
//! scanner accepts only lines serde_json reads as valid rows, with the same
//! values, so the two paths differ only in speed: every invalid row, its
//! line and its message come from serde_json's path.

mod fast;

use std::fmt;
use std::io::{self, BufRead};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::domain::Invalid;
use super::records::{read_line, BOM, MAX_LINE};

/// The field names a row is read from.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The face's field.
    pub face: String,
    /// The group's field (`--by`).
    pub by: Option<String>,
    /// The count's field (`--counts`).
    pub count: Option<String>,
}

/// One row of a JSON-lines input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// The 1-based line it is on.
    pub line: u64,
    /// The face, as text.
    pub face: String,
    /// The group, as text, with `--by`.
    pub group: Option<String>,
    /// The count, with `--counts`.
    pub count: Option<u64>,
}

/// One row lent by [`JsonLines::read_ref`] until the next read: its text
/// as bytes, valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef<'a> {
    /// The 1-based line it is on.
    pub line: u64,
    /// The face.
    pub face: &'a [u8],
    /// The group, with `--by`.
    pub group: Option<&'a [u8]>,
    /// The count, with `--counts`.
    pub count: Option<u64>,
}

impl RowRef<'_> {
    /// The row, owned.
    pub fn to_row(self) -> Row {
        Row {
            line: self.line,
            face: owned(self.face),
            group: self.group.map(owned),
            count: self.count,
        }
    }
}

impl Row {
    /// The row, lent.
    pub fn lend(&self) -> RowRef<'_> {
        RowRef {
            line: self.line,
            face: self.face.as_bytes(),
            group: self.group.as_deref().map(str::as_bytes),
            count: self.count,
        }
    }
}

/// Reads [`Row`]s from a buffered byte stream.
pub struct JsonLines<R> {
    input: R,
    fields: Fields,
    line_buf: Vec<u8>,
    lines: u64,
    /// Bytes of the input's buffer lent with the last row, consumed at the
    /// next read.
    lent: usize,
    /// The last row read by serde_json's path, lent with `read_ref`.
    row: Row,
}

impl<R: BufRead> JsonLines<R> {
    /// A reader of the rows of `input`, taking `fields`.
    pub fn new(input: R, fields: Fields) -> Self {
        JsonLines {
            input,
            fields,
            line_buf: Vec::new(),
            lines: 0,
            lent: 0,
            row: Row::default(),
        }
    }

    /// The next row, owned: as [`JsonLines::read_ref`].
    #[allow(clippy::type_complexity)]
    pub fn read(&mut self) -> io::Result<Result<Option<Row>, (u64, Invalid)>> {
        Ok(self.read_ref()?.map(|row| row.map(RowRef::to_row)))
    }

    /// The next row: `Ok(Ok(Some(row)))`, `Ok(Ok(None))` at the end,
    /// `Ok(Err((line, why)))` for an invalid row (reading goes on after
    /// it), `Err` when the input cannot be read.
    #[allow(clippy::type_complexity)]
    pub fn read_ref(&mut self) -> io::Result<Result<Option<RowRef<'_>>, (u64, Invalid)>> {
        self.input.consume(std::mem::take(&mut self.lent));
        loop {
            // The first line goes the general way: it may start with a BOM.
            if self.lines > 0 {
                if let Some((line, count)) = self.fast_line()? {
                    self.lines += 1;
                    self.lent = line.len;
                    // The same bytes as `fast_line` read: nothing was consumed.
                    let buf = self.input.fill_buf()?;
                    let text = |span: Option<(usize, usize)>| span.map(|(from, to)| &buf[from..to]);
                    return Ok(Ok(Some(RowRef {
                        line: self.lines,
                        face: text(line.spans[0]).unwrap_or_default(),
                        group: text(line.spans[1]),
                        count,
                    })));
                }
            }
            let Some(too_long) = self.next_line()? else {
                return Ok(Ok(None));
            };
            let line = self.lines;
            if too_long {
                let why = Invalid::new("line too long", "line longer than 1 MiB".into());
                return Ok(Err((line, why)));
            }
            if self.line_buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.row = match parse(&self.line_buf, &self.fields, line) {
                Ok(row) => row,
                Err(bad) => return Ok(Err(bad)),
            };
            return Ok(Ok(Some(self.row.lend())));
        }
    }

    /// What [`fast::line`] reads of the next line, with its count, when the
    /// line is whole in the input's buffer; else `None`. Nothing is consumed.
    fn fast_line(&mut self) -> io::Result<Option<(fast::Line, Option<u64>)>> {
        let buf = self.input.fill_buf()?;
        // A line longer than MAX_LINE (its `\n` counted) is an error.
        let buf = &buf[..buf.len().min(MAX_LINE)];
        let names = [
            Some(self.fields.face.as_str()),
            self.fields.by.as_deref(),
            self.fields.count.as_deref(),
        ];
        let Some(line) = fast::line(buf, names) else {
            return Ok(None);
        };
        // As serde_json's path reads a count: its text parsed as a u64.
        let count = match line.spans[2] {
            None => None,
            Some((from, to)) => match std::str::from_utf8(&buf[from..to]).map(str::parse::<u64>) {
                Ok(Ok(n)) => Some(n),
                _ => return Ok(None),
            },
        };
        Ok(Some((line, count)))
    }

    /// Reads one physical line (without its `\n` / `\r\n`) into
    /// `line_buf`: `None` at the end, `Some(true)` for a line longer than
    /// [`MAX_LINE`](super::records::MAX_LINE) (consumed, not kept, so memory never grows with it).
    fn next_line(&mut self) -> io::Result<Option<bool>> {
        let Some(physical) = read_line(&mut self.input, &mut self.line_buf)? else {
            return Ok(None);
        };
        self.lines += 1;
        if self.lines == 1 && self.line_buf.starts_with(BOM) {
            self.line_buf.drain(..BOM.len());
        }
        Ok(Some(physical.too_long))
    }
}

/// `value`, valid UTF-8, as a string: an ASCII value byte by byte, so that
/// it is not checked a second time.
fn owned(value: &[u8]) -> String {
    if value.is_ascii() {
        value.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8_lossy(value).into_owned()
    }
}

/// The row on `text`, line `line`, or why it is invalid.
fn parse(text: &[u8], fields: &Fields, line: u64) -> Result<Row, (u64, Invalid)> {
    let invalid = |key, message| (line, Invalid::new(key, message));
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        let shown = String::from_utf8_lossy(&text[..text.len().min(40)]).into_owned();
        return Err(invalid(
            "not a JSON object",
            format!("not a JSON object: {shown:?}"),
        ));
    }
    let names = [
        Some(fields.face.as_str()),
        fields.by.as_deref(),
        fields.count.as_deref(),
    ];
    let mut picked = serde_json::Deserializer::from_slice(text);
    let values = Pick { names }
        .deserialize(&mut picked)
        .and_then(|values| picked.end().map(|()| values))
        .map_err(|e| match e.to_string() {
            m if m.contains(TWICE) => invalid("duplicate field", m),
            m => invalid("invalid JSON", format!("invalid JSON: {m}")),
        })?;
    let [face, group, count] = values;
    let take = |value: Option<Value>, name: Option<&str>| -> Result<Option<String>, _> {
        let Some(name) = name else { return Ok(None) };
        match value {
            None => Err(invalid("missing field", format!("no field {name:?}"))),
            Some(Value::Text(text)) => Ok(Some(text)),
            Some(Value::Other(what)) => Err(invalid(
                "bad field type",
                format!("field {name:?} is {what}, not a string or an integer"),
            )),
        }
    };
    let face = take(face, names[0])?.unwrap_or_default();
    let group = take(group, names[1])?;
    let count = match take(count, names[2])? {
        None => None,
        Some(text) => match text.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                return Err(invalid(
                    "bad count",
                    format!("count {text:?} is not a whole number from 0 to 2^64 − 1"),
                ))
            }
        },
    };
    if face.contains('\0') || group.as_ref().is_some_and(|g| g.contains('\0')) {
        return Err(invalid("NUL byte", "the row holds a NUL byte".into()));
    }
    Ok(Row {
        line,
        face,
        group,
        count,
    })
}

/// What a field named twice is told.
const TWICE: &str = "appears twice";

/// A wanted field's value: its text (a string, or an integer written out)
/// or what else it is.
enum Value {
    Text(String),
    Other(&'static str),
}

/// Reads one object, keeping the values of the fields named in `names`.
struct Pick<'n> {
    names: [Option<&'n str>; 3],
}

impl<'de> DeserializeSeed<'de> for Pick<'_> {
    type Value = [Option<Value>; 3];

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Pick<'_> {
    type Value = [Option<Value>; 3];

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut values: [Option<Value>; 3] = [None, None, None];
        while let Some(slot) = map.next_key_seed(Key { names: self.names })? {
            match slot {
                Some(i) => {
                    if values[i].is_some() {
                        return Err(de::Error::custom(format_args!(
                            "field {:?} {TWICE}",
                            self.names[i].unwrap_or_default()
                        )));
                    }
                    values[i] = Some(map.next_value_seed(Scalar)?);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(values)
    }
}

/// A key: the index of the wanted name it equals, if any.
struct Key<'n> {
    names: [Option<&'n str>; 3],
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for Key<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.names.iter().position(|n| *n == Some(key)))
    }
}

/// A wanted field's value.
struct Scalar;

impl<'de> DeserializeSeed<'de> for Scalar {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scalar {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or an integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Text(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Text(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Text(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Text(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value, E> {
        Ok(Value::Other("a number with a fraction or an exponent"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Value, E> {
        Ok(Value::Other("a boolean"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Other("null"))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Other("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Value::Other("an object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::records::MAX_LINE;

    fn fields(by: Option<&str>) -> Fields {
        Fields {
            face: "face".into(),
            by: by.map(str::to_string),
            count: None,
        }
    }

    /// A row, or the line, reason and message of an invalid one.
    type Read = Result<Row, (u64, &'static str, String)>;

    /// Every row of `text`.
    fn rows(text: &[u8], fields: Fields) -> Vec<Read> {
        rows_from(text, fields)
    }

    /// Every row of `input`.
    fn rows_from<R: BufRead>(input: R, fields: Fields) -> Vec<Read> {
        let mut reader = JsonLines::new(input, fields);
        let mut out = Vec::new();
        loop {
            match reader.read().unwrap() {
                Ok(Some(row)) => out.push(Ok(row)),
                Ok(None) => return out,
                Err((line, why)) => out.push(Err((line, why.key, why.message))),
            }
        }
    }

    fn row(line: u64, face: &str, group: Option<&str>) -> Row {
        Row {
            line,
            face: face.into(),
            group: group.map(str::to_string),
            count: None,
        }
    }

    #[test]
    fn strings_and_integers_are_faces_and_other_fields_are_skipped() {
        let text = b"\xEF\xBB\xBF{\"face\": 3, \"t\": [1, {\"a\": null}]}\r\n\n  \n{\"p\":\"ann\",\"face\":\"nat 20\"}\n{\"face\":-1,\"p\":7}";
        let got = rows(text, fields(None));
        assert_eq!(
            got,
            vec![
                Ok(row(1, "3", None)),
                Ok(row(4, "nat 20", None)),
                Ok(row(5, "-1", None))
            ]
        );
        let got = rows(text, fields(Some("p")));
        assert_eq!(got[1], Ok(row(4, "nat 20", Some("ann"))));
        assert_eq!(got[2], Ok(row(5, "-1", Some("7"))));
        assert_eq!(got[0].as_ref().unwrap_err().1, "missing field");
    }

    #[test]
    fn bad_lines_are_invalid_rows_with_their_line_and_reason() {
        let text = b"[1]\n{\"face\": 2.0}\n{\"face\": true}\n{\"face\": null}\n{\"face\": [1]}\n{\"face\": {}}\n{\"x\": 1}\n{\"face\": 1\n{\"face\": 1} 2\n{\"face\": 1, \"face\": 2}\n\"face\"\n{\"face\": \"a\\u0000\"}\n{\"face\": 99999999999999999999}\n";
        let got = rows(text, fields(None));
        let keys: Vec<_> = got
            .iter()
            .map(|r| {
                let (line, key, _) = r.as_ref().unwrap_err();
                (*line, *key)
            })
            .collect();
        assert_eq!(
            keys,
            vec![
                (1, "not a JSON object"),
                (2, "bad field type"),
                (3, "bad field type"),
                (4, "bad field type"),
                (5, "bad field type"),
                (6, "bad field type"),
                (7, "missing field"),
                (8, "invalid JSON"),
                (9, "invalid JSON"),
                (10, "duplicate field"),
                (11, "not a JSON object"),
                (12, "NUL byte"),
                (13, "bad field type"),
            ]
        );
        let message = |i: usize| got[i].as_ref().unwrap_err().2.clone();
        assert_eq!(
            message(1),
            "field \"face\" is a number with a fraction or an exponent, not a string or an integer"
        );
        assert_eq!(message(6), "no field \"face\"");
        assert!(
            message(9).contains("\"face\" appears twice"),
            "{}",
            message(9)
        );
    }

    #[test]
    fn counts_are_whole_numbers() {
        let fields = Fields {
            count: Some("count".into()),
            ..fields(None)
        };
        let got = rows(
            b"{\"face\":1,\"count\":5}\n{\"face\":2,\"count\":-1}\n",
            fields,
        );
        assert_eq!(got[0].as_ref().unwrap().count, Some(5));
        assert_eq!(got[1].as_ref().unwrap_err().1, "bad count");
    }

    #[test]
    fn overlong_lines_are_invalid_and_reading_goes_on() {
        let mut text = b"{\"face\":\"".to_vec();
        text.extend(std::iter::repeat_n(b'7', MAX_LINE));
        text.extend_from_slice(b"\"}\n{\"face\":3}\n");
        let got = rows(&text, fields(None));
        assert_eq!(got[0].as_ref().unwrap_err().1, "line too long");
        assert_eq!(got[1], Ok(row(2, "3", None)));
        // After the first line, where the fast path reads: a line of
        // exactly MAX_LINE bytes (its `\n` counted) is read, one more is
        // too long, as the general path counts them.
        for (len, want) in [(MAX_LINE, Ok(())), (MAX_LINE + 1, Err("line too long"))] {
            let mut text = b"{\"face\":1}\n".to_vec();
            let start = text.len();
            text.extend_from_slice(b"{\"face\":2,\"x\":\"");
            let head = text.len() - start;
            // The line: its head, the 7s, and `"}\n`.
            text.extend(std::iter::repeat_n(b'7', len - head - 3));
            text.extend_from_slice(b"\"}\n{\"face\":3}\n");
            let got = rows(&text, fields(None));
            assert_eq!(got.len(), 3);
            match want {
                Ok(()) => assert_eq!(got[1], Ok(row(2, "2", None))),
                Err(key) => assert_eq!(got[1].as_ref().unwrap_err().1, key),
            }
            assert_eq!(got[2], Ok(row(3, "3", None)));
        }
    }

    /// The figures in the module doc of [`fast`]: the serde_json path and
    /// the fast path on the same lines, and the whole reader.
    /// `cargo test --release --lib jsonl_speed -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn jsonl_speed() {
        use std::time::Instant;
        const N: usize = 1_000_000;
        let mut text = Vec::new();
        for i in 0..N {
            text.extend_from_slice(
                format!("{{\"t\": {}, \"face\": {}}}\n", i + 1, i * 7 % 6 + 1).as_bytes(),
            );
        }
        let lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
        let fields = fields(None);
        let names = [Some("face"), None, None];
        let per_line = |start: Instant| start.elapsed().as_nanos() as f64 / N as f64;
        for _ in 0..5 {
            let start = Instant::now();
            let mut sum = 0;
            for (i, line) in lines.iter().enumerate() {
                let row = parse(&line[..line.len() - 1], &fields, i as u64 + 1).unwrap();
                sum += row.face.len();
            }
            let serde = per_line(start);
            let start = Instant::now();
            for line in &lines {
                let (from, to) = fast::line(line, names).unwrap().spans[0].unwrap();
                sum += to - from;
            }
            let scan = per_line(start);
            let start = Instant::now();
            let mut reader = JsonLines::new(&text[..], fields.clone());
            while let Ok(Some(row)) = reader.read_ref().unwrap() {
                sum += row.face.len();
            }
            let whole = per_line(start);
            println!("ns a line: serde_json path {serde:.1}, fast::line {scan:.1}, JsonLines::read {whole:.1} ({sum})");
        }
    }

    /// Random lines, mostly of the common shape and some a little off it,
    /// for the agreement of the two paths.
    mod lines {
        use proptest::prelude::*;
        use proptest::sample::select;

        /// One of `valid`, or one in `1 / odd` of the time one of `odd`.
        fn pick(
            odd_in: u32,
            valid: &'static [&'static str],
            odd: &'static [&'static str],
        ) -> BoxedStrategy<String> {
            prop_oneof![
                odd_in - 1 => select(valid).prop_map(str::to_string),
                1 => select(odd).prop_map(str::to_string),
            ]
            .boxed()
        }

        /// A structural piece: nearly always valid, so that a line is
        /// usually off in one place only.
        fn mostly(
            valid: &'static [&'static str],
            odd: &'static [&'static str],
        ) -> BoxedStrategy<String> {
            pick(40, valid, odd)
        }

        fn space() -> BoxedStrategy<String> {
            mostly(&["", " ", "", "\t", "  ", "\r"], &["\u{c}", "\n"])
        }

        /// A key that is `valid` but now and then written wrong or as
        /// another key.
        fn key(valid: &'static [&'static str]) -> BoxedStrategy<String> {
            pick(
                20,
                valid,
                &[
                    "face",
                    "\"fa\\u0063e\"",
                    "\"\"",
                    "\"\u{e9}\"",
                    "\"face",
                    "'face'",
                    "\"Face\"",
                    "\"fa\tce\"",
                    "\"x\u{1}\"",
                    "\"face\"",
                    "\"player\"",
                    "\"count\"",
                ],
            )
        }

        /// A value: mostly an integer or a plain string, which a wanted
        /// field may hold, else anything near them.
        fn value() -> BoxedStrategy<String> {
            pick(
                8,
                &[
                    "1",
                    "6",
                    "20",
                    "0",
                    "-1",
                    "123456",
                    "\"3\"",
                    "\"nat 20\"",
                    "\"ann\"",
                    "\"\u{2680}\"",
                    "4",
                    "\"5\"",
                    "\"\"",
                ],
                &[
                    "1.5",
                    "true",
                    "false",
                    "null",
                    "\"a\\\"b\\\\c\"",
                    "\"\\u00e9\\n\"",
                    "-0",
                    "01",
                    "1.0",
                    "1e0",
                    "1E+2",
                    "-1.5e-3",
                    "18446744073709551615",
                    "18446744073709551616",
                    "-9223372036854775808",
                    "-9223372036854775809",
                    "99999999999999999999999",
                    "+1",
                    ".5",
                    "1.",
                    "1e",
                    "0x1",
                    "\"+5\"",
                    "\" 3 \"",
                    "\"\\u0000\"",
                    "\"\\x\"",
                    "\"\\u12g4\"",
                    "\"tab\there\"",
                    "tru",
                    "nul",
                    "True",
                    "[]",
                    "[1, 2]",
                    "{}",
                    "{\"a\": 1}",
                    "\"\u{e9}\\/\"",
                    "\"1",
                    "1e400",
                    "\"a\u{1}\"",
                    "\"\u{1}\u{a9}\"",
                ],
            )
        }

        /// One line, without its end: an object of a few members, perhaps
        /// with a byte put in or taken out somewhere. A `\u{1}` in a piece
        /// stands for the byte 0xC3 alone, which is not UTF-8.
        pub fn line() -> BoxedStrategy<Vec<u8>> {
            let member = |name| {
                let colon = mostly(&[":"], &["", "::", "="]);
                (
                    space(),
                    key(name),
                    space(),
                    colon,
                    space(),
                    value(),
                    space(),
                )
            };
            // The wanted fields, each nearly always there, and others.
            let wanted = [&["\"face\""][..], &["\"player\""], &["\"count\""]]
                .map(|name| prop::option::weighted(0.95, member(name)));
            let others = prop::collection::vec(member(&["\"t\"", "\"x\"", "\"\u{2680}\""]), 0..3);
            let members = (wanted, others)
                .prop_map(|(wanted, others)| {
                    wanted
                        .into_iter()
                        .flatten()
                        .chain(others)
                        .collect::<Vec<_>>()
                })
                .prop_shuffle();
            let comma = || mostly(&[","], &["", ",,", ";"]);
            let seps = prop::collection::vec(comma(), 6);
            let open = mostly(&["{"], &["", "[", "{{"]);
            let close = mostly(&["}"], &["", "}}", "]", "},"]);
            let tail = mostly(&["", " ", "\r"], &[" x", "\u{c}", " {}"]);
            let edit = prop::option::weighted(
                0.05,
                (
                    any::<prop::sample::Index>(),
                    any::<bool>(),
                    select(&b",}\"\\:0e.-\t\r\x0c\xff\xc3\xa9 "[..]),
                ),
            );
            (space(), open, members, seps, close, tail, edit)
                .prop_map(|(lead, open, members, seps, close, tail, edit)| {
                    let mut text = lead + &open;
                    for (i, (a, k, b, colon, c, v, d)) in members.into_iter().enumerate() {
                        if i > 0 {
                            text += &seps[i];
                        }
                        text += &(a + &k + &b + &colon + &c + &v + &d);
                    }
                    let mut bytes = (text + &close + &tail).into_bytes();
                    for b in bytes.iter_mut().filter(|b| **b == 1) {
                        *b = 0xc3;
                    }
                    if let Some((at, insert, byte)) = edit {
                        let i = at.index(bytes.len() + 1);
                        if insert {
                            bytes.insert(i, byte);
                        } else if i < bytes.len() {
                            bytes.remove(i);
                        }
                    }
                    bytes
                })
                .boxed()
        }
    }

    /// The rows of `doc` read with the fast path off: each physical line
    /// read on its own, as the first line of an input, which serde_json's
    /// path always reads.
    fn rows_by_serde_json(doc: &[u8], fields: &Fields) -> Vec<Read> {
        let mut out = Vec::new();
        for (i, line) in doc.split_inclusive(|&b| b == b'\n').enumerate() {
            for row in rows(line, fields.clone()) {
                out.push(match row {
                    Ok(row) => Ok(Row {
                        line: i as u64 + 1,
                        ..row
                    }),
                    Err((_, key, message)) => Err((i as u64 + 1, key, message)),
                });
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// The fast path and serde_json's agree on every line: the same
        /// rows, invalid rows, lines and messages, whatever the buffer's
        /// size (a line cut by the buffer's end goes to serde_json).
        #[test]
        fn the_fast_path_reads_what_serde_json_reads(
            lines in proptest::collection::vec(lines::line(), 1..8),
            crlf in proptest::prelude::any::<bool>(),
            bom in proptest::prelude::any::<bool>(),
            by in proptest::prelude::any::<bool>(),
            counts in proptest::prelude::any::<bool>(),
            capacity in 1usize..200,
        ) {
            let end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            let mut doc = if bom { BOM.to_vec() } else { Vec::new() };
            for line in &lines {
                doc.extend_from_slice(line);
                doc.extend_from_slice(end);
            }
            let fields = Fields {
                face: "face".into(),
                by: by.then(|| "player".into()),
                count: counts.then(|| "count".into()),
            };
            let want = rows_by_serde_json(&doc, &fields);
            proptest::prop_assert_eq!(&rows(&doc, fields.clone()), &want);
            let small = std::io::BufReader::with_capacity(capacity, &doc[..]);
            proptest::prop_assert_eq!(&rows_from(small, fields), &want);
        }
    }
}
