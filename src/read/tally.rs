//! Accumulating counts: per group, per face, with the pairs of consecutive
//! rolls (for the serial test) and the rows skipped as invalid; finished,
//! they are a [`Dataset`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{bail, Result};

use super::domain::{far_beyond, show, Domain, Invalid, MAX_FACE};
use super::scan::{PairCounts, Scan, NO_PREVIOUS};
use crate::dataset::{Dataset, Group, Kind, Skipped};

#[derive(Debug, Clone)]
struct GroupTally {
    name: Option<String>,
    /// Indexed by domain slot.
    counts: Vec<u64>,
    n: u64,
    /// The last roll of the current input, or [`NO_PREVIOUS`].
    prev: u32,
    pairs: PairCounts,
    /// The rolls in order (domain slots), when kept.
    rolls: Vec<u32>,
}

/// Where kept rolls go as they are read, a slice at a time: told the
/// group's index (in first-seen order) and the rolls' domain slots.
#[derive(Clone)]
pub struct RollSink(pub Arc<Mutex<SinkFn>>);

/// What a [`RollSink`] calls.
pub type SinkFn = dyn FnMut(usize, &[u32]) + Send;

impl std::fmt::Debug for RollSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RollSink")
    }
}

/// Kept rolls handed to a [`RollSink`] once a group holds this many.
const SINK_BATCH: usize = 1 << 16;

/// Hands group `group`'s kept `rolls` to `sink`, if there is one, once
/// they are [`SINK_BATCH`] or more.
fn hand_over(sink: Option<&RollSink>, group: usize, rolls: &mut Vec<u32>) {
    if let Some(sink) = sink.filter(|_| rolls.len() >= SINK_BATCH) {
        let mut sink = sink.0.lock().unwrap_or_else(PoisonError::into_inner);
        sink(group, rolls);
        rolls.clear();
    }
}

/// How many skipped rows are quoted in [`Skipped::examples`].
pub const SKIPPED_EXAMPLES: usize = 10;

/// The accumulator behind [`Dataset`].
#[derive(Debug, Clone)]
pub struct Tally {
    domain: Domain,
    skip_invalid: bool,
    keep_rolls: bool,
    /// Where kept rolls go as they are read, instead of staying.
    sink: Option<RollSink>,
    /// The group and slot of the roll the last [`Tally::add`] counted, until
    /// [`Tally::take_last_roll`] takes it.
    last_roll: Option<(usize, u32)>,
    groups: Vec<GroupTally>,
    group_index: HashMap<Vec<u8>, usize>,
    header: Option<String>,
    skipped: Skipped,
    saw_counts: bool,
    total: u64,
    /// Where the largest integer face was first read (file, line), when
    /// the general reader read it.
    max_at: Option<(String, u64)>,
}

impl Tally {
    /// An empty tally over `domain`; `skip_invalid` counts bad rows
    /// instead of failing on them.
    pub fn new(domain: Domain, skip_invalid: bool) -> Self {
        Tally {
            domain,
            skip_invalid,
            keep_rolls: false,
            sink: None,
            last_roll: None,
            groups: Vec::new(),
            group_index: HashMap::new(),
            header: None,
            skipped: Skipped::default(),
            saw_counts: false,
            total: 0,
            max_at: None,
        }
    }

    /// Keeps every group's rolls in order from now on.
    pub fn keep_rolls(&mut self) {
        self.keep_rolls = true;
    }

    /// Keeps every group's rolls from now on only until `sink` takes them,
    /// [`SINK_BATCH`] at a time (and the rest on [`Tally::flush_rolls`]).
    pub fn stream_rolls(&mut self, sink: RollSink) {
        self.keep_rolls = true;
        self.sink = Some(sink);
    }

    /// Hands every kept roll to the sink, if there is one.
    pub fn flush_rolls(&mut self) {
        let Some(sink) = &self.sink else {
            return;
        };
        let mut sink = sink.0.lock().unwrap_or_else(PoisonError::into_inner);
        for (i, g) in self.groups.iter_mut().enumerate() {
            if !g.rolls.is_empty() {
                sink(i, &g.rolls);
                g.rolls.clear();
            }
        }
    }

    /// The group index and face slot of the roll last counted, once: a
    /// reader's watcher sees each roll as it is read.
    pub fn take_last_roll(&mut self) -> Option<(usize, u32)> {
        self.last_roll.take()
    }

    /// The face domain so far.
    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    /// Records the header row of an input (the first one is kept).
    pub fn set_header(&mut self, header: String) {
        self.header.get_or_insert(header);
    }

    /// A new input begins: consecutive-roll pairs never span two inputs.
    pub fn start_input(&mut self) {
        for g in &mut self.groups {
            g.prev = NO_PREVIOUS;
        }
    }

    /// Handles an invalid row: counted when skipping, else the error
    /// `source:line: message`.
    pub fn invalid(&mut self, source: &str, line: u64, bad: Invalid) -> Result<()> {
        if !self.skip_invalid {
            bail!("{source}:{line}: {}", bad.message);
        }
        self.skipped.rows += 1;
        *self.skipped.reasons.entry(bad.key.to_string()).or_insert(0) += 1;
        if self.skipped.examples.len() < SKIPPED_EXAMPLES {
            self.skipped
                .examples
                .push(format!("{source}:{line}: {}", bad.message));
        }
        Ok(())
    }

    /// Makes an undecided log an integer log.
    pub fn decide_integer(&mut self) {
        self.domain.decide_integer();
    }

    /// Counts a row whose every field is empty (`,,`): skipped like a
    /// blank line.
    pub fn empty_row(&mut self) {
        self.skipped.empty_rows += 1;
    }

    /// Notes that the row at `source:line` was just added: when it raised
    /// the largest integer face, that is where the face was first seen.
    pub fn added_at(&mut self, before: Option<u64>, source: &str, line: u64) {
        if self.domain.largest().0 == before {
            return;
        }
        // The largest face changes on every row of a table in face order:
        // the file's name is copied only when the file changes.
        match &mut self.max_at {
            Some((file, at)) if file == source => *at = line,
            slot => *slot = Some((source.to_string(), line)),
        }
    }

    /// Adds one row: a roll of `face` (`count` = None) or `count` rolls of
    /// it from a count table, in the group named by `group`. An invalid row
    /// changes nothing.
    pub fn add(
        &mut self,
        group: Option<&[u8]>,
        face: &[u8],
        count: Option<u64>,
    ) -> Result<(), Invalid> {
        let key = group.map(<[u8]>::trim_ascii).unwrap_or_default();
        // Without --by every row goes to group 0 once it exists: no lookup
        // (a hash-map probe per row cost more than the rest of the row).
        let existing = match group {
            None if !self.groups.is_empty() => Some(0),
            _ => self.group_index.get(key).copied(),
        };
        let new_name = match (existing, group) {
            (Some(_), _) | (None, None) => None,
            (None, Some(_)) => Some(group_name(key)?),
        };
        let add = count.unwrap_or(1);
        // The group's N bounds each face's count, and the total bounds N.
        let total = self.total.checked_add(add).ok_or_else(overflow)?;
        let slot = self.domain.slot(face)?;
        let g = match existing {
            Some(i) => i,
            None => self.new_group(key, new_name)?,
        };
        self.total = total;
        let index_of_group = g;
        let g = &mut self.groups[g];
        g.n += add;
        let index = slot as usize;
        if index >= g.counts.len() {
            g.counts.resize(index + 1, 0);
        }
        g.counts[index] += add;
        if count.is_some() {
            self.saw_counts = true;
        } else {
            g.pairs.add(g.prev, slot);
            g.prev = slot;
            if self.keep_rolls {
                g.rolls.push(slot);
                hand_over(self.sink.as_ref(), index_of_group, &mut g.rolls);
            }
            self.last_roll = Some((index_of_group, slot));
        }
        Ok(())
    }

    /// Adds the rolls of the ordered fast path (integer faces, each its own
    /// slot, within the scan's limits) to the single group, in order: what
    /// [`Tally::add`] does for each, in one call.
    pub fn add_ordered(&mut self, faces: &[u32]) -> Result<(), Invalid> {
        let Some(&last) = faces.last() else {
            return Ok(());
        };
        self.total = self
            .total
            .checked_add(faces.len() as u64)
            .ok_or_else(overflow)?;
        let before = self.domain.largest().0;
        let mut counts = Vec::new();
        for &face in faces {
            if counts.len() <= face as usize {
                counts.resize(face as usize + 1, 0u64);
            }
            counts[face as usize] += 1;
        }
        let seen = counts.iter().enumerate().filter(|(_, &n)| n > 0);
        self.domain.note_integers(seen.map(|(face, _)| face as u64));
        if self.domain.largest().0 != before {
            // As for `merge_scan`: the fast path keeps no lines.
            self.max_at = None;
        }
        let index_of_group = match self.group_index.get(&b""[..]) {
            Some(&i) => i,
            None => self.new_group(b"", None)?,
        };
        let g = &mut self.groups[index_of_group];
        if g.counts.len() < counts.len() {
            g.counts.resize(counts.len(), 0);
        }
        for (total, n) in g.counts.iter_mut().zip(&counts) {
            *total += n;
        }
        g.n += faces.len() as u64;
        for &face in faces {
            g.pairs.add(g.prev, face);
            g.prev = face;
        }
        if self.keep_rolls {
            g.rolls.extend_from_slice(faces);
            hand_over(self.sink.as_ref(), index_of_group, &mut g.rolls);
        }
        self.last_roll = Some((index_of_group, last));
        Ok(())
    }

    /// Adds the rolls of a fast-path [`Scan`] to the single group: they
    /// continue the current input's sequence.
    pub fn merge_scan(&mut self, scan: &Scan) -> Result<(), Invalid> {
        let scanned = scan.pairs();
        let pairs = scanned.entries();
        // Every roll ends exactly one pair; every roll but the last starts one.
        let rolls: u64 = pairs.iter().map(|(_, n)| n).sum();
        if rolls == 0 {
            return Ok(());
        }
        self.total = self.total.checked_add(rolls).ok_or_else(overflow)?;
        let mut max = scan.last;
        for &((p, _), _) in pairs.iter().filter(|((p, _), _)| *p != NO_PREVIOUS) {
            max = max.max(p);
        }
        let before = self.domain.largest().0;
        let faces = pairs
            .iter()
            .map(|((p, _), _)| *p)
            .filter(|&p| p != NO_PREVIOUS);
        self.domain
            .note_integers(faces.chain([scan.last]).map(u64::from));
        if self.domain.largest().0 != before {
            // The fast path keeps no lines; it never takes a face far
            // beyond the largest before it (see `scan_limits`).
            self.max_at = None;
        }
        let g = match self.group_index.get(&b""[..]) {
            Some(&i) => i,
            None => self.new_group(b"", None)?,
        };
        let g = &mut self.groups[g];
        if g.counts.len() <= max as usize {
            g.counts.resize(max as usize + 1, 0);
        }
        for &((p, _), n) in pairs.iter().filter(|((p, _), _)| *p != NO_PREVIOUS) {
            g.counts[p as usize] += n;
        }
        g.counts[scan.last as usize] += 1;
        g.n += rolls;
        g.pairs.merge_after(&scanned, g.prev);
        g.prev = scan.last;
        Ok(())
    }

    /// Adds a group under `key`.
    fn new_group(&mut self, key: &[u8], name: Option<String>) -> Result<usize, Invalid> {
        if self.groups.len() as u64 >= MAX_FACE {
            return Err(Invalid::new(
                "too many groups",
                format!("more than {MAX_FACE} groups"),
            ));
        }
        self.groups.push(GroupTally {
            name,
            counts: Vec::new(),
            n: 0,
            prev: NO_PREVIOUS,
            pairs: PairCounts::new(),
            rolls: Vec::new(),
        });
        self.group_index.insert(key.to_vec(), self.groups.len() - 1);
        Ok(self.groups.len() - 1)
    }

    /// The finished dataset; an error when no roll was counted, unless
    /// `allow_empty` (then the dataset has no faces and no groups).
    pub fn finish(self, allow_empty: bool) -> Result<Dataset> {
        if self.total == 0 && !allow_empty {
            let skipped = match self.skipped.rows {
                0 => String::new(),
                n => format!(" ({n} invalid row(s) skipped)"),
            };
            bail!("no rolls to fit: the input holds no rolls (N = 0){skipped}");
        }
        let faces = self.domain.faces();
        let first = self.domain.first_slot();
        let k = faces.len();
        let groups = self
            .groups
            .into_iter()
            .map(|g| {
                // Only what the group saw: its faces up to its own largest
                // (100 groups of a 10^6-face die would otherwise hold 800 MB).
                let seen = g.counts.len().saturating_sub(first).min(k);
                let mut counts = vec![0; seen];
                for (slot, &c) in g.counts.iter().enumerate().skip(first).take(seen) {
                    counts[slot - first] = c;
                }
                let pairs = (!self.saw_counts).then(|| {
                    g.pairs
                        .entries()
                        .into_iter()
                        .filter(|((p, _), _)| *p != NO_PREVIOUS)
                        .map(|((p, c), n)| ((p as usize - first, c as usize - first), n))
                        .collect()
                });
                let rolls = (self.keep_rolls && !self.saw_counts).then(|| {
                    let first = first as u32;
                    g.rolls.iter().map(|&slot| slot - first).collect()
                });
                Group {
                    name: g.name,
                    counts,
                    n: g.n,
                    pairs,
                    rolls,
                }
            })
            .collect();
        Ok(Dataset {
            faces,
            kind: self.domain.kind().unwrap_or(Kind::Integer),
            k_inferred: self.domain.inferred(),
            header: self.header,
            groups,
            skipped: self.skipped,
        })
    }
}

impl Tally {
    /// Refuses an inferred integer die whose largest face is far beyond the
    /// others ([`far_beyond`]): one typo must not make a die of a million
    /// faces.
    pub fn check_far_beyond(&self) -> Result<()> {
        let (Some(max), Some(second)) = self.domain.largest() else {
            return Ok(());
        };
        if !self.domain.inferred() {
            return Ok(());
        }
        let at = |g: &GroupTally| g.counts.get(max as usize).copied().unwrap_or(0);
        let at_max: u64 = self.groups.iter().map(at).sum();
        let rest = self.total - at_max;
        if !far_beyond(max, second, at_max, rest) {
            return Ok(());
        }
        let place = self
            .max_at
            .as_ref()
            .map_or("the input".to_string(), |(file, line)| {
                format!("{file}:{line}")
            });
        bail!(
            "{place}: face {max} is far above every other face (the next largest is {second}; {max} holds {at_max} of the {} rolls): a typo or a total row? Declare the die with --faces K to keep it",
            self.total
        );
    }
}

/// Checks a new group's (trimmed) `--by` value: non-empty UTF-8.
fn group_name(key: &[u8]) -> Result<String, Invalid> {
    if key.is_empty() {
        return Err(Invalid::new("empty group", "empty --by field".into()));
    }
    std::str::from_utf8(key).map(str::to_string).map_err(|_| {
        Invalid::new(
            "invalid UTF-8",
            format!("group {} is not valid UTF-8", show(key)),
        )
    })
}

fn overflow() -> Invalid {
    Invalid::new(
        "count overflow",
        "the total count overflows 2^64 − 1".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_follow_each_group_and_restart_per_input() {
        let mut t = Tally::new(Domain::new(None, None), false);
        for (g, f) in [("a", "1"), ("b", "2"), ("a", "2"), ("b", "2")] {
            t.add(Some(g.as_bytes()), f.as_bytes(), None).unwrap();
        }
        t.start_input();
        t.add(Some(b"a"), b"1", None).unwrap();
        let d = t.finish(false).unwrap();
        assert_eq!(d.faces, vec!["1", "2"]);
        assert_eq!(d.groups[0].counts, vec![2, 1]);
        assert_eq!(d.groups[0].pairs, Some(vec![((0, 1), 1)]));
        assert_eq!(d.groups[1].pairs, Some(vec![((1, 1), 1)]));
    }

    #[test]
    fn large_faces_pair_through_the_sparse_table() {
        let mut t = Tally::new(Domain::new(None, None), false);
        for f in ["100", "1", "100", "100"] {
            t.add(None, f.as_bytes(), None).unwrap();
        }
        let d = t.finish(false).unwrap();
        assert_eq!(d.faces.len(), 100);
        assert_eq!(
            d.groups[0].pairs,
            Some(vec![((0, 99), 1), ((99, 0), 1), ((99, 99), 1)])
        );
    }

    #[test]
    fn skipping_counts_reasons_and_an_all_skipped_input_is_an_error() {
        let mut t = Tally::new(Domain::new(Some(6), None), true);
        t.invalid("f", 2, Invalid::new("not a face", "x".into()))
            .unwrap();
        t.invalid("f", 3, Invalid::new("not a face", "y".into()))
            .unwrap();
        assert_eq!(t.skipped.rows, 2);
        let e = t.finish(false).unwrap_err().to_string();
        assert!(e.contains("(2 invalid row(s) skipped)"), "{e}");
    }

    #[test]
    fn count_overflow_is_an_invalid_row() {
        let mut t = Tally::new(Domain::new(None, None), false);
        t.add(None, b"1", Some(u64::MAX)).unwrap();
        assert_eq!(
            t.add(None, b"2", Some(1)).unwrap_err().key,
            "count overflow"
        );
    }
}
