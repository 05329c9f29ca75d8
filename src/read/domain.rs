//! The die's faces: integers or labels, declared or discovered.
//!
//! A [`Domain`] turns a face field into a slot (an index into the counts)
//! or says why the field is not a face. Integer faces use the face's value
//! as its slot, so a d6 log indexes a dense array directly; labels get slots
//! in first-seen order (or the order `--labels` declares). [`Domain::faces`]
//! lists the finished die: integers from 1 (from 0 when a 0 was seen, as on
//! a d10) to the largest face seen, or `1..K` for `--faces K`; labels in
//! their order.

use std::collections::HashMap;

use crate::dataset::Kind;

pub use crate::model::MAX_FACE;

/// Why a field is not a face; the `key` groups skipped rows in reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// A short reason used as a key in `skipped.reasons`.
    pub key: &'static str,
    /// The full message shown after `file:line:`.
    pub message: String,
}

impl Invalid {
    /// A reason with its message.
    pub fn new(key: &'static str, message: String) -> Self {
        Invalid { key, message }
    }
}

/// The faces of the die being read.
#[derive(Debug, Clone)]
pub enum Domain {
    /// No data row seen yet and nothing declared: the first face decides.
    Undecided,
    /// Integer faces; slot = value.
    Integer {
        /// `--faces K`: faces 1..K.
        declared: Option<u64>,
        /// Largest face seen so far.
        max_seen: Option<u64>,
        /// The largest face seen below `max_seen`.
        second: Option<u64>,
        /// A face 0 was seen (faces then start at 0).
        zero_seen: bool,
    },
    /// Labelled faces; slot = position in `labels`.
    Labels {
        /// True when `--labels` fixed the domain.
        declared: bool,
        /// Label → slot.
        index: HashMap<Vec<u8>, u32>,
        /// Labels in slot order.
        labels: Vec<String>,
        /// What declared labels stand for when not `--labels`: (key,
        /// description) of the error for a field outside them.
        set: Option<(&'static str, String)>,
    },
}

/// Shows a field in messages: lossy UTF-8, quoted, cut at 40 characters.
pub fn show(field: &[u8]) -> String {
    const LIMIT: usize = 40;
    let text = String::from_utf8_lossy(field);
    let mut shown: String = text.chars().take(LIMIT).collect();
    if text.chars().count() > LIMIT {
        shown.push('…');
    }
    format!("{shown:?}")
}

/// Parses ASCII digits as a u64; `None` for anything else or overflow.
pub fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 20 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// True when a (trimmed) field looks like a number: an optional sign, digits,
/// an optional fraction and exponent (`3`, `-1`, `+3`, `007`, `3.0`, `1e1`).
/// Such a field is a face or an error, never a header or a label that
/// starts a labelled log.
pub fn looks_numeric(field: &[u8]) -> bool {
    let digits = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_digit()).count();
    let rest = field.strip_prefix(b"-").or(field.strip_prefix(b"+"));
    let mut rest = rest.unwrap_or(field);
    let whole = digits(rest);
    if whole == 0 {
        return false;
    }
    rest = &rest[whole..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        rest = &fraction[digits(fraction)..];
    }
    if let Some(exponent) = rest.strip_prefix(b"e").or(rest.strip_prefix(b"E")) {
        let exponent = exponent
            .strip_prefix(b"-")
            .or(exponent.strip_prefix(b"+"))
            .unwrap_or(exponent);
        let n = digits(exponent);
        return n > 0 && n == exponent.len();
    }
    rest.is_empty()
}

/// True when `field` is an integer written the one way diceml writes it:
/// `0`, or digits without a leading zero. `00`, `007`, `+3`, `3.0` and
/// `1e1` are not: merged with `0`, `7` or `3` they would change the die
/// silently (a roulette `00` is not `0`).
pub fn canonical_integer(field: &[u8]) -> bool {
    match field {
        [] => false,
        [b'0'] => true,
        [b'0', ..] => false,
        _ => field.iter().all(u8::is_ascii_digit),
    }
}

impl Domain {
    /// The domain for the flags: `--faces K`, `--labels A,B,..`, or neither.
    pub fn new(faces: Option<u64>, labels: Option<&[String]>) -> Self {
        if let Some(labels) = labels {
            let index = labels
                .iter()
                .enumerate()
                .map(|(i, l)| (l.as_bytes().to_vec(), i as u32))
                .collect();
            Domain::Labels {
                declared: true,
                index,
                labels: labels.to_vec(),
                set: None,
            }
        } else if let Some(k) = faces {
            Domain::Integer {
                declared: Some(k),
                max_seen: None,
                second: None,
                zero_seen: false,
            }
        } else {
            Domain::Undecided
        }
    }

    /// The domain with what its declared labels stand for (see
    /// [`Domain::Labels`]'s `set`); other domains are unchanged.
    pub fn with_label_set(mut self, key: &'static str, description: String) -> Self {
        if let Domain::Labels { set, .. } = &mut self {
            *set = Some((key, description));
        }
        self
    }

    /// The kind of faces, once known.
    pub fn kind(&self) -> Option<Kind> {
        match self {
            Domain::Undecided => None,
            Domain::Integer { .. } => Some(Kind::Integer),
            Domain::Labels { .. } => Some(Kind::Labels),
        }
    }

    /// True when a first row whose face field is `field` is a header: it is
    /// not a face of a declared label domain, nor integer-looking.
    pub fn is_header(&self, field: &[u8]) -> bool {
        let field = field.trim_ascii();
        match self {
            Domain::Labels {
                declared: true,
                index,
                ..
            } => !index.contains_key(field),
            _ => !looks_numeric(field),
        }
    }

    /// The slot of the face in `field` (trimmed), adding it to the domain
    /// when the domain is open.
    pub fn slot(&mut self, field: &[u8]) -> Result<u32, Invalid> {
        let field = field.trim_ascii();
        if field.is_empty() {
            return Err(Invalid::new("empty face", "empty face field".into()));
        }
        if let Domain::Undecided = self {
            *self = if looks_numeric(field) {
                Domain::Integer {
                    declared: None,
                    max_seen: None,
                    second: None,
                    zero_seen: false,
                }
            } else {
                Domain::Labels {
                    declared: false,
                    index: HashMap::new(),
                    labels: Vec::new(),
                    set: None,
                }
            };
        }
        match self {
            Domain::Undecided => unreachable!("decided above"),
            Domain::Integer {
                declared,
                max_seen,
                second,
                zero_seen,
            } => {
                let value = integer_face(field, *declared)?;
                see(max_seen, second, value);
                *zero_seen |= value == 0;
                Ok(value as u32)
            }
            Domain::Labels {
                declared,
                index,
                labels,
                set,
            } => {
                if let Some(&slot) = index.get(field) {
                    return Ok(slot);
                }
                if let (true, Some((key, description))) = (*declared, set.as_ref()) {
                    return Err(Invalid::new(
                        key,
                        format!("{} is not {description}", show(field)),
                    ));
                }
                if *declared {
                    return Err(Invalid::new(
                        "unknown label",
                        format!("{} is not one of the --labels", show(field)),
                    ));
                }
                let Ok(text) = std::str::from_utf8(field) else {
                    return Err(Invalid::new(
                        "invalid UTF-8",
                        "the face label is not valid UTF-8".into(),
                    ));
                };
                if labels.len() as u64 >= MAX_FACE {
                    return Err(Invalid::new(
                        "too many labels",
                        format!("more than {MAX_FACE} distinct face labels"),
                    ));
                }
                let slot = labels.len() as u32;
                labels.push(text.to_string());
                index.insert(field.to_vec(), slot);
                Ok(slot)
            }
        }
    }

    /// Records that the integer faces `seen` were seen (by the fast path,
    /// which checked them against the limits the layout drew from this
    /// domain).
    pub fn note_integers(&mut self, seen: impl IntoIterator<Item = u64>) {
        self.decide_integer();
        if let Domain::Integer {
            max_seen,
            second,
            zero_seen,
            ..
        } = self
        {
            for value in seen {
                see(max_seen, second, value);
                *zero_seen |= value == 0;
            }
        }
    }

    /// Makes an undecided domain an integer one (the first rows of the log
    /// are mostly integers).
    pub fn decide_integer(&mut self) {
        if let Domain::Undecided = self {
            *self = Domain::Integer {
                declared: None,
                max_seen: None,
                second: None,
                zero_seen: false,
            };
        }
    }

    /// The largest integer face seen so far, and the largest below it.
    pub fn largest(&self) -> (Option<u64>, Option<u64>) {
        match self {
            Domain::Integer {
                max_seen, second, ..
            } => (*max_seen, *second),
            _ => (None, None),
        }
    }

    /// The faces of the die, in report order (see the module doc).
    pub fn faces(&self) -> Vec<String> {
        match self {
            Domain::Undecided => Vec::new(),
            Domain::Integer {
                declared: Some(k), ..
            } => (1..=*k).map(|f| f.to_string()).collect(),
            Domain::Integer {
                max_seen,
                zero_seen,
                ..
            } => match max_seen {
                None => Vec::new(),
                Some(max) => (u64::from(!*zero_seen)..=*max)
                    .map(|f| f.to_string())
                    .collect(),
            },
            Domain::Labels { labels, .. } => labels.clone(),
        }
    }

    /// The slot of the first face listed by [`Domain::faces`]: counts
    /// indexed by slot are reported from here on.
    pub fn first_slot(&self) -> usize {
        match self {
            Domain::Integer {
                declared: Some(_), ..
            } => 1,
            Domain::Integer { zero_seen, .. } => usize::from(!*zero_seen),
            _ => 0,
        }
    }

    /// True when K comes from the data rather than `--faces`/`--labels`.
    pub fn inferred(&self) -> bool {
        match self {
            Domain::Undecided => true,
            Domain::Integer { declared, .. } => declared.is_none(),
            Domain::Labels { declared, .. } => !declared,
        }
    }
}

/// Notes `value` among the two largest distinct faces seen.
fn see(max_seen: &mut Option<u64>, second: &mut Option<u64>, value: u64) {
    match *max_seen {
        Some(m) if value == m => {}
        Some(m) if value < m => *second = Some(second.map_or(value, |s| s.max(value))),
        _ => {
            *second = *max_seen;
            *max_seen = Some(value);
        }
    }
}

/// True when `max`, with `at_max` rolls, is far beyond the other faces (the
/// largest of them `second`, holding `rest` rolls in all): a typo or a
/// total row, not a face. Far means above 2 × second + 10, seen at most 3
/// times, with at least 20 times as many rolls on the other faces.
///
/// ```text
/// For a fair die with faces up to K ≥ max, every other roll is ≤ second
/// < max/2 ≤ K/2, each with chance < 1/2: with N = 21 rolls and one on top,
/// P ≤ 21 · 2^-20 ≈ 2e-5 (a union over which roll is on top); larger N and
/// more rolls on top only lower it.
/// ```
pub fn far_beyond(max: u64, second: u64, at_max: u64, rest: u64) -> bool {
    max > 2 * second + 10 && at_max <= 3 && rest >= 20 * at_max
}

/// Checks an integer-looking face against the limits.
fn integer_face(field: &[u8], declared: Option<u64>) -> Result<u64, Invalid> {
    if let Some(digits) = field.strip_prefix(b"-") {
        if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
            return Err(Invalid::new(
                "negative face",
                format!("face {} is negative", show(field)),
            ));
        }
    }
    let signed = field.strip_prefix(b"+").unwrap_or(field);
    if !signed.is_empty() && signed.iter().all(u8::is_ascii_digit) && !canonical_integer(field) {
        let plain = parse_u64(signed).map_or(String::new(), |v| format!(" (as {v})"));
        return Err(Invalid::new(
            "non-canonical face",
            format!(
                "face {} is not written as a plain integer{plain}: diceml does not merge it with another face; if the faces are labels (a roulette 00), read the log with --labels",
                show(field)
            ),
        ));
    }
    let Some(value) = parse_u64(field) else {
        let hint = if field.contains(&b'\t') || field.contains(&b';') {
            " (is the delimiter a tab or ';'? say so with --delimiter)"
        } else {
            ""
        };
        return Err(Invalid::new(
            "not a face",
            format!(
                "{} is not a face: this log has integer faces{hint}",
                show(field)
            ),
        ));
    };
    match declared {
        Some(k) if value == 0 || value > k => Err(Invalid::new(
            "face out of range",
            format!("face {value} is outside 1..{k} (--faces {k})"),
        )),
        None if value > MAX_FACE => Err(Invalid::new(
            "face out of range",
            format!("face {value} is above the largest face diceml accepts ({MAX_FACE}); declare the die with --faces or --labels"),
        )),
        _ => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_face_decides_the_kind() {
        let mut d = Domain::new(None, None);
        assert_eq!(d.slot(b" 3 "), Ok(3));
        assert_eq!(d.kind(), Some(Kind::Integer));
        assert_eq!(d.slot(b"x").unwrap_err().key, "not a face");
        let mut d = Domain::new(None, None);
        assert_eq!(d.slot(b"H"), Ok(0));
        assert_eq!(
            d.slot(b"3"),
            Ok(1),
            "in a labelled log every field is a label"
        );
        assert_eq!(d.faces(), vec!["H", "3"]);
    }

    #[test]
    fn integer_faces_start_at_one_or_zero() {
        let mut d = Domain::new(None, None);
        d.slot(b"2").unwrap();
        d.slot(b"5").unwrap();
        assert_eq!(d.faces(), vec!["1", "2", "3", "4", "5"]);
        assert_eq!(d.first_slot(), 1);
        d.slot(b"0").unwrap();
        assert_eq!(d.faces().len(), 6);
        assert_eq!(d.first_slot(), 0);
    }

    #[test]
    fn integer_limits() {
        let mut d = Domain::new(Some(6), None);
        assert_eq!(d.slot(b"7").unwrap_err().key, "face out of range");
        assert_eq!(d.slot(b"0").unwrap_err().key, "face out of range");
        assert_eq!(d.slot(b"-1").unwrap_err().key, "negative face");
        assert_eq!(d.faces().len(), 6);
        let mut d = Domain::new(None, None);
        assert_eq!(d.slot(b"4000000000").unwrap_err().key, "face out of range");
        assert_eq!(
            d.slot(b"99999999999999999999999").unwrap_err().key,
            "not a face"
        );
    }

    #[test]
    fn declared_labels_are_closed_and_ordered() {
        let labels: Vec<String> = ["-", "0", "+"].map(String::from).to_vec();
        let mut d = Domain::new(None, Some(&labels));
        assert_eq!(d.slot(b"+"), Ok(2));
        assert_eq!(d.slot(b"x").unwrap_err().key, "unknown label");
        assert!(!d.is_header(b"-"));
        assert!(d.is_header(b"fate"));
        assert_eq!(d.faces(), labels);
        assert!(!d.inferred());
        let totals: Vec<String> = ["-1", "0", "1"].map(String::from).to_vec();
        let mut d = Domain::new(None, Some(&totals))
            .with_label_set("impossible total", "a total of 1dF".into());
        assert_eq!(d.slot(b"-1"), Ok(0));
        let bad = d.slot(b"2").unwrap_err();
        assert_eq!(
            (bad.key, bad.message.as_str()),
            ("impossible total", "\"2\" is not a total of 1dF")
        );
    }

    #[test]
    fn integers_are_written_plainly_or_refused() {
        for yes in ["0", "7", "36", "1000000"] {
            assert!(canonical_integer(yes.as_bytes()), "{yes}");
        }
        for no in ["00", "007", "+3", "3.0", "1e1", "", "-1"] {
            assert!(!canonical_integer(no.as_bytes()), "{no}");
        }
        for number in ["3", "-1", "+3", "007", "3.0", "3.", "1e1", "2E-3"] {
            assert!(looks_numeric(number.as_bytes()), "{number}");
        }
        for word in ["face", "nat 20", "-", "+", "e1", "1e", "3.0.1", ""] {
            assert!(!looks_numeric(word.as_bytes()), "{word}");
        }
        let mut d = Domain::new(None, None);
        assert_eq!(d.slot(b"0"), Ok(0));
        assert_eq!(d.slot(b"00").unwrap_err().key, "non-canonical face");
        assert_eq!(d.slot(b"+3").unwrap_err().key, "non-canonical face");
        assert_eq!(d.slot(b"3.0").unwrap_err().key, "not a face");
    }

    #[test]
    fn far_means_twice_the_next_plus_ten_rarely_seen_among_many() {
        assert!(far_beyond(51, 20, 1, 20));
        assert!(!far_beyond(50, 20, 1, 200), "2 x 20 + 10 is not far");
        assert!(!far_beyond(999_999, 20, 4, 200), "seen 4 times");
        assert!(!far_beyond(999_999, 20, 1, 19), "too few other rolls");
        assert!(far_beyond(999_999, 20, 3, 60));
        let mut d = Domain::new(None, None);
        for f in [b"3", b"9", b"3", b"1"] {
            d.slot(f).unwrap();
        }
        assert_eq!(d.largest(), (Some(9), Some(3)));
    }

    #[test]
    fn labels_must_be_utf8() {
        let mut d = Domain::new(None, None);
        assert_eq!(d.slot(b"a").unwrap(), 0);
        assert_eq!(d.slot(b"\xff").unwrap_err().key, "invalid UTF-8");
    }
}
