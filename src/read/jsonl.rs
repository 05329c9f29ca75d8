//! JSON lines (`.jsonl`, `.ndjson`): one JSON object per line, whose
//! fields are named by `--column` (default `face`), `--by` and, for a count
//! table, `count`.
//!
//! A face or a group is a JSON string or an integer (`3` reads as the face
//! `3`, like the CSV field `3`); a float, a boolean, `null`, an array or an
//! object is an invalid row, and so is a line that is not a JSON object,
//! is not valid JSON, lacks a field or names one twice. Blank lines are
//! passed over, as in CSV; a UTF-8 byte-order mark at the start and `\r\n`
//! endings are allowed. Each line is parsed by serde_json with a visitor
//! that keeps only the wanted fields and skips the others without building
//! them.

use std::fmt;
use std::io::{self, BufRead};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::domain::Invalid;
use super::records::{read_line, BOM};

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

/// Reads [`Row`]s from a buffered byte stream.
pub struct JsonLines<R> {
    input: R,
    fields: Fields,
    line_buf: Vec<u8>,
    lines: u64,
}

impl<R: BufRead> JsonLines<R> {
    /// A reader of the rows of `input`, taking `fields`.
    pub fn new(input: R, fields: Fields) -> Self {
        JsonLines {
            input,
            fields,
            line_buf: Vec::new(),
            lines: 0,
        }
    }

    /// The next row: `Ok(Ok(Some(row)))`, `Ok(Ok(None))` at the end,
    /// `Ok(Err((line, why)))` for an invalid row (reading goes on after
    /// it), `Err` when the input cannot be read.
    #[allow(clippy::type_complexity)]
    pub fn read(&mut self) -> io::Result<Result<Option<Row>, (u64, Invalid)>> {
        loop {
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
            return Ok(parse(&self.line_buf, &self.fields, line).map(Some));
        }
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

    /// Every row of `text`: the row, or the line and reason of an invalid one.
    fn rows(text: &[u8], fields: Fields) -> Vec<Result<Row, (u64, &'static str, String)>> {
        let mut reader = JsonLines::new(text, fields);
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
    }
}
