//! `diceml watch`'s updates: one [`WatchEvent`] per update, rendered as a
//! status line for people (refreshed in place on a terminal, one line per
//! update elsewhere) or as one JSON object per line (`--format jsonl`).
//!
//! The event is a snapshot of a [`Sequential`] test; what it decided, and
//! when, is the test's. This file only words and formats it.

use std::io::Write;

use clap::ValueEnum;
use serde::Serialize;

use crate::stats::sequential::{Decision, Sequential};

/// How `watch` writes its updates (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WatchFormat {
    /// A status line for people: refreshed in place on a terminal, one
    /// line per update otherwise.
    Table,
    /// One JSON object per update, one per line.
    Jsonl,
}

/// One update of the sequential test, as `--format jsonl` writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchEvent {
    /// Rolls read so far.
    pub roll: u64,
    /// log10 of the e-value at this roll (the test rejects once it reaches
    /// log10(1/α)).
    pub log10_e_value: f64,
    /// The anytime-valid p-value: 1 / the largest e-value so far (up to the
    /// decision, once decided), at most 1.
    pub p_value: f64,
    /// `reject` or `fair`, once decided; absent before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<&'static str>,
    /// The roll at which the test decided; absent before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<u64>,
    /// Each face's anytime-valid confidence sequence at this roll,
    /// `[low, high]`, in face order; absent above 128 faces without
    /// `--within`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intervals: Option<Vec<[f64; 2]>>,
}

impl WatchEvent {
    /// The test's state after its latest roll.
    pub fn new(test: &Sequential) -> WatchEvent {
        let decided = test.decided();
        WatchEvent {
            roll: test.rolls(),
            log10_e_value: test.ln_e_value() / std::f64::consts::LN_10,
            p_value: test.p_value(),
            decision: decided.map(|(_, d)| decision_name(d)),
            decided_at: decided.map(|(at, _)| at),
            intervals: test
                .intervals()
                .map(|cs| cs.into_iter().map(|(lo, hi)| [lo, hi]).collect()),
        }
    }
}

/// A decision's JSON name.
pub fn decision_name(decision: Decision) -> &'static str {
    match decision {
        Decision::Reject => "reject",
        Decision::Fair => "fair",
    }
}

/// What the status line needs besides the event: the test's settings and
/// the faces' names.
#[derive(Debug, Clone)]
pub struct WatchView {
    /// The level α.
    pub alpha: f64,
    /// `--within D`.
    pub within: Option<f64>,
    /// The null's face probabilities.
    pub null: Vec<f64>,
    /// The faces' names (labels, or 1..K).
    pub names: Vec<String>,
    /// `Some(width)` to refresh one line in place on a terminal that wide;
    /// `None` for one line per update.
    pub live: Option<usize>,
}

/// The most faces named in a status line; more are counted.
const NAMED_FACES: usize = 4;

/// Writes one update in `format`.
pub fn write_event(
    out: &mut dyn Write,
    event: &WatchEvent,
    view: &WatchView,
    format: WatchFormat,
) -> std::io::Result<()> {
    match format {
        WatchFormat::Jsonl => {
            serde_json::to_writer(&mut *out, event)?;
            out.write_all(b"\n")
        }
        WatchFormat::Table => match view.live {
            // Back to the line's start, the line cut to the width (no
            // wrap, so the next update overwrites all of it), then clear
            // what a longer line left.
            Some(width) => {
                let line: String = status_line(event, view)
                    .chars()
                    .take(width.saturating_sub(1))
                    .collect();
                write!(out, "\r{line}\x1b[K")
            }
            None => writeln!(out, "{}", status_line(event, view)),
        },
    }
}

/// Ends the output: the refreshed line gets its line break.
pub fn finish(out: &mut dyn Write, view: &WatchView, format: WatchFormat) -> std::io::Result<()> {
    if format == WatchFormat::Table && view.live.is_some() {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The status line: `roll 402: e-value 21.6 (rejects at 20): biased,
/// decided at roll 402; widest ±0.041, face 6 off`.
pub fn status_line(event: &WatchEvent, view: &WatchView) -> String {
    let decision = match (event.decision, event.decided_at) {
        (Some("reject"), Some(at)) => format!("biased, decided at roll {at}"),
        (Some(_), Some(at)) => format!(
            "fair within {}, decided at roll {at}",
            number(view.within.unwrap_or(0.0))
        ),
        _ => "undecided".to_string(),
    };
    let mut line = format!(
        "roll {}: e-value {} (rejects at {}): {decision}",
        event.roll,
        e_value(event.log10_e_value),
        number(1.0 / view.alpha)
    );
    if let Some(intervals) = event.intervals.as_ref().filter(|_| event.roll > 0) {
        line.push_str(&format!("; {}", interval_summary(intervals, view)));
    }
    line
}

/// The intervals in a few words: the widest half-width and the faces
/// "off", whose interval excludes their null probability.
fn interval_summary(intervals: &[[f64; 2]], view: &WatchView) -> String {
    let widest = intervals
        .iter()
        .map(|[lo, hi]| 0.5 * (hi - lo))
        .fold(0.0, f64::max);
    let off: Vec<&str> = intervals
        .iter()
        .zip(&view.null)
        .zip(&view.names)
        .filter(|(([lo, hi], &p0), _)| p0 < *lo || p0 > *hi)
        .map(|(_, name)| name.as_str())
        .collect();
    let faces = match off.len() {
        0 => "no face off".to_string(),
        1 => format!("face {} off", off[0]),
        n if n <= NAMED_FACES => format!("faces {} off", off.join(", ")),
        n => format!(
            "faces {} and {} more off",
            off[..NAMED_FACES].join(", "),
            n - NAMED_FACES
        ),
    };
    format!("widest ±{widest:.3}, {faces}")
}

/// An e-value from its log10, for people: 3 significant digits, in
/// scientific notation from 10^4 or below 10^-3 (never overflowing).
pub fn e_value(log10: f64) -> String {
    if (-3.0..4.0).contains(&log10) {
        let e = 10f64.powf(log10);
        // 1 - 1e-16 is 1.00, not 1.000: the digits before the point of
        // the value as printed.
        let decimals = (2 - (log10 + 1e-9).floor() as i32).clamp(0, 5) as usize;
        format!("{e:.decimals$}")
    } else {
        let exponent = log10.floor();
        let mut mantissa = 10f64.powf(log10 - exponent);
        let mut exponent = exponent as i64;
        if format!("{mantissa:.2}") == "10.00" {
            mantissa = 1.0;
            exponent += 1;
        }
        format!("{mantissa:.2}e{exponent}")
    }
}

/// 1/α or D for people: up to 4 significant decimals, no trailing zeros.
fn number(x: f64) -> String {
    let text = format!("{x:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(live: Option<usize>) -> WatchView {
        WatchView {
            alpha: 0.05,
            within: Some(0.05),
            null: vec![0.25; 4],
            names: ["1", "2", "3", "4"].map(String::from).to_vec(),
            live,
        }
    }

    fn event() -> WatchEvent {
        WatchEvent {
            roll: 402,
            log10_e_value: 21.6f64.log10(),
            p_value: 1.0 / 21.6,
            decision: Some("reject"),
            decided_at: Some(400),
            intervals: Some(vec![[0.1, 0.2], [0.2, 0.3], [0.2, 0.3], [0.3, 0.44]]),
        }
    }

    #[test]
    fn e_values_read_at_any_size() {
        assert_eq!(e_value(0.0), "1.00");
        assert_eq!(e_value(-1e-17), "1.00");
        assert_eq!(e_value(21.6f64.log10()), "21.6");
        assert_eq!(e_value(3.5), "3162");
        assert_eq!(e_value(4.0), "1.00e4");
        assert_eq!(e_value(12345.678), "4.76e12345");
        assert_eq!(e_value(-1.0), "0.100");
        assert_eq!(e_value(-7.5), "3.16e-8");
        assert_eq!(e_value(4.999_999_9), "1.00e5");
        assert_eq!(number(20.0), "20");
        assert_eq!(number(1.0 / 0.003), "333.3333");
    }

    #[test]
    fn the_status_line_says_the_decision_and_the_faces_off() {
        assert_eq!(
            status_line(&event(), &view(None)),
            "roll 402: e-value 21.6 (rejects at 20): biased, decided at roll 400; \
             widest ±0.070, faces 1, 4 off"
        );
        let mut fair = event();
        fair.decision = Some("fair");
        fair.intervals = Some(vec![[0.2, 0.3]; 4]);
        assert!(status_line(&fair, &view(None))
            .ends_with("fair within 0.05, decided at roll 400; widest ±0.050, no face off"));
    }

    #[test]
    fn many_faces_off_are_counted_past_the_fourth() {
        let mut d20 = view(None);
        d20.null = vec![0.05; 20];
        d20.names = (1..=20).map(|f| f.to_string()).collect();
        let mut e = event();
        e.intervals = Some(
            (0..20)
                .map(|f| {
                    if f % 3 == 0 {
                        [0.06, 0.08]
                    } else {
                        [0.04, 0.06]
                    }
                })
                .collect(),
        );
        assert!(status_line(&e, &d20).ends_with("widest ±0.010, faces 1, 4, 7, 10 and 3 more off"));
    }

    #[test]
    fn a_terminal_line_is_refreshed_in_place_and_cut_to_the_width() {
        let mut out = Vec::new();
        write_event(&mut out, &event(), &view(Some(21)), WatchFormat::Table).unwrap();
        assert_eq!(out, b"\rroll 402: e-value 21\x1b[K");
        finish(&mut out, &view(Some(21)), WatchFormat::Table).unwrap();
        assert!(out.ends_with(b"\x1b[K\n"));
        let mut plain = Vec::new();
        write_event(&mut plain, &event(), &view(None), WatchFormat::Table).unwrap();
        finish(&mut plain, &view(None), WatchFormat::Table).unwrap();
        assert_eq!(plain.iter().filter(|&&b| b == b'\n').count(), 1);
        assert!(!plain.contains(&b'\r'));
    }

    #[test]
    fn jsonl_omits_what_is_not_yet_known() {
        let mut undecided = event();
        undecided.decision = None;
        undecided.decided_at = None;
        undecided.intervals = None;
        let mut out = Vec::new();
        write_event(&mut out, &undecided, &view(None), WatchFormat::Jsonl).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("}\n") && text.lines().count() == 1, "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(keys, ["log10_e_value", "p_value", "roll"]);
    }
}
