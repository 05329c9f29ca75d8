//! The fast path of JSON lines: one flat object per line, read straight
//! from the input's buffer.
//!
//! A log's lines nearly always have one shape: an object whose keys are
//! plain strings and whose values are numbers, plain strings, `true`,
//! `false` or `null`, with spaces, tabs and carriage returns where JSON
//! allows whitespace. [`line`] reads a line of that shape in one pass over
//! its bytes and hands back the text of the wanted fields; anything else —
//! a nested value, an escape in a key or a wanted string, a wanted field
//! named twice, a wanted value that is not a string or an integer (or is
//! `-0`, or out of range), a missing field, any syntax error, a line not
//! complete in the buffer — is `None`, and the line goes to the serde_json
//! path, which gives every answer and every error message. So the fast path
//! only ever accepts a subset of what serde_json accepts, and returns the
//! same text: a string's contents, an integer's digits (serde_json's `u64`
//! or `i64` written out is the same text, since JSON has no leading zeros
//! or `+`). Ignored strings may hold escapes (checked as serde_json checks
//! them) and non-ASCII text (which must be valid UTF-8 here, though
//! serde_json does not check an ignored string's UTF-8: such a line falls
//! back, so nothing serde_json rejects is accepted).
//!
//! Why written by hand: serde_json is a general parser, and even with a
//! visitor that builds nothing it costs about three times this one-pass
//! scan a line; the lines are also read here without copying them out of
//! the buffer. `cargo test --release --lib jsonl_speed -- --ignored
//! --nocapture` times both on the same 10^6 lines of the benchmark's shape
//! (`{"t": 1, "face": 2}`): on the shared 2-core machine (2026-12-07, load
//! about 3, best of 5) serde_json's path took 80 ns a line (its visitor
//! and the face's string included), this scanner 29 ns, and the whole
//! reader with it (`JsonLines::read_ref`) 33 ns.

/// What [`line`] read: the length of the line through its `\n`, and where
/// the text of each wanted field is, in the order of the names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Bytes of the line, its `\n` included.
    pub len: usize,
    /// Where each wanted field's text is in the line (valid UTF-8): a
    /// string's contents or an integer's digits.
    pub spans: [Option<(usize, usize)>; 3],
}

/// Reads the line at the start of `buf` if it is a flat object holding
/// every field named in `names` (by the first name that matches), each once,
/// as a string or an integer; `None` otherwise, or when its `\n` is not in
/// `buf`.
pub fn line(buf: &[u8], names: [Option<&str>; 3]) -> Option<Line> {
    let mut at = Cursor { buf, i: 0 };
    at.space();
    at.eat(b'{')?;
    // Where each wanted value's text is in the line.
    let mut spans: [Option<(usize, usize)>; 3] = [None; 3];
    loop {
        at.space();
        at.eat(b'"')?;
        let key = at.plain_string()?;
        let key = &buf[key.0..key.1];
        at.space();
        at.eat(b':')?;
        at.space();
        match names
            .iter()
            .position(|n| n.is_some_and(|n| same(n.as_bytes(), key)))
        {
            Some(slot) if spans[slot].is_some() => return None,
            Some(slot) => spans[slot] = Some(at.wanted()?),
            None => at.skip()?,
        }
        at.space();
        match at.next()? {
            b',' => {}
            b'}' => break,
            _ => return None,
        }
    }
    at.space();
    at.eat(b'\n')?;
    // Keys and strings must be UTF-8: one check of the whole line.
    let text = &buf[..at.i];
    if !text.is_ascii() {
        std::str::from_utf8(text).ok()?;
    }
    let complete = names
        .iter()
        .zip(&spans)
        .all(|(n, s)| n.is_none() || s.is_some());
    complete.then_some(Line { len: at.i, spans })
}

/// True when `a` and `b` hold the same bytes (a short key is compared in
/// line, without a call to `memcmp`).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// A position in a line.
struct Cursor<'a> {
    buf: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    /// The next byte, taken.
    fn next(&mut self) -> Option<u8> {
        let b = *self.buf.get(self.i)?;
        self.i += 1;
        Some(b)
    }

    /// The next byte, left.
    fn peek(&self) -> Option<u8> {
        self.buf.get(self.i).copied()
    }

    /// Takes `b`, or fails.
    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.i += 1)
    }

    /// Skips JSON whitespace within a line (a `\n` ends the line).
    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// The rest of a string without escapes (its opening quote taken), up
    /// to and past its closing quote: where its contents are.
    fn plain_string(&mut self) -> Option<(usize, usize)> {
        let start = self.i;
        loop {
            match self.next()? {
                b'"' => return Some((start, self.i - 1)),
                b'\\' | 0..=0x1f => return None,
                _ => {}
            }
        }
    }

    /// A wanted field's value: a string without escapes, or an integer that
    /// serde_json reads as a `u64` or an `i64`.
    fn wanted(&mut self) -> Option<(usize, usize)> {
        match self.peek()? {
            b'"' => {
                self.i += 1;
                self.plain_string()
            }
            b'-' | b'0'..=b'9' => self.integer(),
            _ => None,
        }
    }

    /// An integer: `-?(0|[1-9][0-9]*)` with no fraction or exponent after
    /// it, from 0 to 2^64 − 1 or from −2^63 to −1 (serde_json reads `-0` and
    /// anything beyond as a float).
    fn integer(&mut self) -> Option<(usize, usize)> {
        let start = self.i;
        let negative = self.eat(b'-').is_some();
        let digits = self.i;
        self.digits(1)?;
        let text = &self.buf[digits..self.i];
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) || text.len() > 1 && text[0] == b'0' {
            return None;
        }
        let limit: &[u8] = if negative {
            b"9223372036854775808"
        } else {
            b"18446744073709551615"
        };
        let in_range = text.len() < limit.len() || text.len() == limit.len() && text <= limit;
        if !in_range || negative && text == b"0" {
            return None;
        }
        Some((start, self.i))
    }

    /// Takes a run of at least `least` digits.
    fn digits(&mut self, least: usize) -> Option<()> {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        (self.i - start >= least).then_some(())
    }

    /// Skips a value that is not wanted: a string, a number, `true`,
    /// `false` or `null` (anything else fails).
    fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.i += 1;
                self.skip_string()
            }
            b'-' | b'0'..=b'9' => self.skip_number(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => None,
        }
    }

    /// Takes `word`, or fails.
    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let found = self.buf[self.i..].starts_with(word);
        found.then(|| self.i += word.len())
    }

    /// Skips the rest of a string (its opening quote taken): escapes as
    /// JSON has them, no control characters.
    fn skip_string(&mut self) -> Option<()> {
        loop {
            match self.next()? {
                b'"' => break,
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        for _ in 0..4 {
                            if !self.next()?.is_ascii_hexdigit() {
                                return None;
                            }
                        }
                    }
                    _ => return None,
                },
                0..=0x1f => return None,
                _ => {}
            }
        }
        Some(())
    }

    /// Skips a number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn skip_number(&mut self) -> Option<()> {
        self.eat(b'-');
        if self.eat(b'0').is_none() {
            matches!(self.peek(), Some(b'1'..=b'9')).then_some(())?;
            self.digits(1)?;
        }
        if self.eat(b'.').is_some() {
            self.digits(1)?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.digits(1)?;
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FACE: [Option<&str>; 3] = [Some("face"), None, None];

    fn face(text: &str) -> Option<&str> {
        let (from, to) = line(text.as_bytes(), FACE)?.spans[0].unwrap();
        Some(&text[from..to])
    }

    #[test]
    fn the_common_shape_is_read_with_its_length() {
        let got = line(b"{\"t\": 1, \"face\": 2}\n{\"t\"", FACE).unwrap();
        assert_eq!(
            got,
            Line {
                len: 20,
                spans: [Some((17, 18)), None, None]
            }
        );
        let names = [Some("face"), Some("player"), Some("count")];
        let text = " {\"player\":\"ann\",\t\"x\":-1.5e+3,\"face\":\"nat 20\",\"count\":7,\"ok\":true,\"n\":null,\"f\":false} \r\n";
        let got = line(text.as_bytes(), names).unwrap();
        let values = got.spans.map(|s| s.map(|(from, to)| &text[from..to]));
        assert_eq!(values, [Some("nat 20"), Some("ann"), Some("7")]);
        assert_eq!(got.len, text.len());
        assert_eq!(
            face("{\"face\":\"\u{2680}\",\"s\":\"a\\\"b\\u00e9\\n\u{e9}\"}\n"),
            Some("\u{2680}")
        );
    }

    #[test]
    fn integers_keep_their_text_within_serde_jsons_integer_range() {
        for (text, want) in [
            ("0", Some("0")),
            ("-1", Some("-1")),
            ("18446744073709551615", Some("18446744073709551615")),
            ("18446744073709551616", None),
            ("-9223372036854775808", Some("-9223372036854775808")),
            ("-9223372036854775809", None),
            ("-0", None),
            ("01", None),
            ("1.0", None),
            ("1e0", None),
            ("+1", None),
            ("1x", None),
        ] {
            assert_eq!(face(&format!("{{\"face\": {text}}}\n")), want, "{text}");
        }
    }

    #[test]
    fn anything_beyond_the_common_shape_falls_back() {
        for text in [
            "{\"face\": 1}",
            "{\"face\": 1}\r",
            "{\"face\": 1} x\n",
            "[1]\n",
            "{}\n",
            "{\"t\": 1}\n",
            "{\"face\": 1,}\n",
            "{\"face\": 1 \"t\": 2}\n",
            "{face: 1}\n",
            "{\"face\": 1, \"face\": 2}\n",
            "{\"fa\\u0063e\": 1}\n",
            "{\"face\": \"a\\n\"}\n",
            "{\"face\": \"a\tb\"}\n",
            "{\"face\": true}\n",
            "{\"face\": [1]}\n",
            "{\"face\": 1, \"t\": {\"a\": 1}}\n",
            "{\"face\": 1, \"t\": [1]}\n",
            "{\"face\": 1, \"t\": \"\\x\"}\n",
            "{\"face\": 1, \"t\": \"\\u12g4\"}\n",
            "{\"face\": 1, \"t\": 1.}\n",
            "{\"face\": 1, \"t\": 1e}\n",
            "{\"face\": 1, \"t\": 01}\n",
            "{\"face\": 1, \"t\": tru}\n",
            "{\"face\": 1, \"t\": nulls}\n",
            "{\"face\": 1}\u{c}\n",
            "{\"face\":\n1}\n",
        ] {
            assert_eq!(face(text), None, "{text:?}");
        }
        assert_eq!(line(b"{\"face\": 1, \"t\": \"\xff\"}\n", FACE), None);
        assert_eq!(line(b"{\"face\": \"\xc3\"}\n", FACE), None);
    }
}
