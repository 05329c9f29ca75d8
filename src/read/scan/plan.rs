//! What a scan may take: the faces it accepts ([`Limits`]) and, in a
//! multi-column log, where the face sits in each line ([`Columns`]);
//! together a [`Plan`]. The reader draws a plan up from the die's domain and
//! the input's layout; the scanners only follow it.

/// The faces a scan may accept: `min..=max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Smallest face accepted (0, or 1 with `--faces`).
    pub min: u32,
    /// Largest face accepted.
    pub max: u32,
}

impl Limits {
    /// The one-digit faces accepted, as ASCII bounds `lo..=hi` (an empty
    /// range, hi < lo, when there is none).
    pub(super) fn digit_range(self) -> (u8, u8) {
        if self.min > 9 || self.max < self.min {
            return (b'1', b'0');
        }
        (b'0' + self.min as u8, b'0' + self.max.min(9) as u8)
    }
}

/// Where the face sits in each line of a multi-column log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// The field delimiter.
    pub delimiter: u8,
    /// Fields per line.
    pub width: usize,
    /// The face's field (0-based).
    pub face: usize,
}

/// What the fast path may take: faces within `limits`, alone on their
/// lines or in one field of `columns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// The faces accepted.
    pub limits: Limits,
    /// The face's column in a multi-column log; `None` for one column.
    pub columns: Option<Columns>,
}
