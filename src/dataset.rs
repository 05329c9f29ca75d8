//! The plain data every stage after reading works on: the counts of each
//! group, the die's faces and the rows skipped. No I/O and no reading
//! logic: [`crate::read`] fills a [`Dataset`], and analysis, reports and
//! charts take it from here without importing the reader.

use std::collections::BTreeMap;

use serde::Serialize;

/// The kind of faces a log has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Whole numbers.
    Integer,
    /// Text labels.
    Labels,
}

/// Rows skipped by `--skip-invalid`, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// How many rows were skipped.
    pub rows: u64,
    /// How many for each reason.
    pub reasons: BTreeMap<String, u64>,
    /// The first few skipped rows, as `file:line: what`.
    pub examples: Vec<String>,
    /// Rows whose every field is empty (`,,`, as spreadsheets export a
    /// blank row), skipped like blank lines with or without
    /// `--skip-invalid`; absent from JSON when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub empty_rows: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Counts of one group (the whole input when there is no `--by`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The group's value in the `--by` column; `None` without `--by`.
    pub name: Option<String>,
    /// Count of each face of the die, in the order of [`Dataset::faces`],
    /// up to the last face this group rolled: the faces after it have
    /// count 0 and are not stored, so that many groups of a die with many
    /// faces hold only what they saw (see [`Group::over`]).
    pub counts: Vec<u64>,
    /// N = Σ counts.
    pub n: u64,
    /// Consecutive-roll pairs ((previous face, face) as indices into
    /// [`Dataset::faces`], count), sorted; `None` for count tables, which
    /// carry no order.
    pub pairs: Option<Vec<((usize, usize), u64)>>,
    /// Every roll in the order read (face indices into [`Dataset::faces`];
    /// the inputs one after another), when the reader was asked to keep
    /// them; `None` otherwise and for count tables, which carry no order.
    pub rolls: Option<Vec<u32>>,
}

impl Group {
    /// The group with a count for every one of `k` faces (the never-rolled
    /// ones after its last face as 0); borrowed when it has them all.
    pub fn over(&self, k: usize) -> std::borrow::Cow<'_, Group> {
        if self.counts.len() >= k {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut counts = self.counts.clone();
        counts.resize(k, 0);
        std::borrow::Cow::Owned(Group {
            counts,
            ..self.clone()
        })
    }
}

/// Everything read from the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// The die's faces, in report order.
    pub faces: Vec<String>,
    /// Integer or labelled faces.
    pub kind: Kind,
    /// True when K comes from the data rather than `--faces`/`--labels`.
    pub k_inferred: bool,
    /// The first header row read, if any.
    pub header: Option<String>,
    /// The groups in first-seen order (one, unnamed, without `--by`).
    pub groups: Vec<Group>,
    /// Rows skipped by `--skip-invalid`.
    pub skipped: Skipped,
}

/// A design for `fit --design FILE`: one row of P numbers per face, the
/// logits' model a = Xβ, as read (its checks against the die and its rank
/// are the analysis's).
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// The file it came from, as named on the command line.
    pub file: String,
    /// The parameters' names, from the header (every column but `face`).
    pub names: Vec<String>,
    /// The face label of each row.
    pub faces: Vec<String>,
    /// The rows' values, P per row.
    pub rows: Vec<Vec<f64>>,
}
