//! What the scanners count into. A [`Scan`] holds the pairs of consecutive
//! rolls of the stretch of input it took (face counts follow from them:
//! every roll ends one pair, and all but the last start one); its rarer
//! pairs, and the reader's tally, use [`PairCounts`], a table that starts
//! sparse and turns dense once a group has enough rolls.

use std::collections::HashMap;

/// Faces below this index have their consecutive-roll pairs counted in a
/// dense table once a group has more than [`DENSE_AFTER`] rolls; until then,
/// and for larger faces, pairs go to a hash map. Memory thus grows with the
/// pairs actually seen, not with the number of groups times a table.
const DENSE: usize = 64;
/// Pairs counted sparsely before the dense table is made.
const DENSE_AFTER: u64 = 256;

/// The "previous roll" of the first roll of an input: pairs with it are
/// links to whatever came before, not pairs of the input itself.
pub const NO_PREVIOUS: u32 = u32::MAX;

/// Counts of (previous roll, roll) pairs, by domain slot.
#[derive(Debug, Clone, Default)]
pub struct PairCounts {
    dense: Vec<u64>,
    sparse: HashMap<(u32, u32), u64>,
    added: u64,
}

impl PairCounts {
    /// No pairs yet.
    pub fn new() -> Self {
        PairCounts::default()
    }

    /// Counts one pair.
    #[inline]
    pub fn add(&mut self, prev: u32, cur: u32) {
        self.add_n(prev, cur, 1);
    }

    /// Counts `n` of one pair.
    #[inline]
    pub fn add_n(&mut self, prev: u32, cur: u32, n: u64) {
        let (p, c) = (prev as usize, cur as usize);
        if self.dense.is_empty() {
            self.added += 1;
            if self.added > DENSE_AFTER {
                self.make_dense();
            }
        }
        if p < DENSE && c < DENSE && !self.dense.is_empty() {
            self.dense[p * DENSE + c] += n;
        } else {
            *self.sparse.entry((prev, cur)).or_insert(0) += n;
        }
    }

    #[cold]
    fn make_dense(&mut self) {
        self.dense = vec![0; DENSE * DENSE];
        self.sparse.retain(|&(p, c), n| {
            let small = (p as usize) < DENSE && (c as usize) < DENSE;
            if small {
                self.dense[p as usize * DENSE + c as usize] += *n;
            }
            !small
        });
    }

    /// Adds `other`'s pairs, re-keying its links ([`NO_PREVIOUS`], c) to
    /// (prev, c): `other` continues the sequence after roll `prev`.
    pub fn merge_after(&mut self, other: &PairCounts, prev: u32) {
        for (i, &n) in other.dense.iter().enumerate().filter(|(_, &n)| n > 0) {
            self.add_n((i / DENSE) as u32, (i % DENSE) as u32, n);
        }
        for (&(p, c), &n) in &other.sparse {
            self.add_n(if p == NO_PREVIOUS { prev } else { p }, c, n);
        }
    }

    /// Every non-zero pair ((prev, cur), count), sorted.
    pub fn entries(&self) -> Vec<((u32, u32), u64)> {
        let dense = self
            .dense
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(i, &n)| (((i / DENSE) as u32, (i % DENSE) as u32), n));
        let mut all: Vec<_> = dense
            .chain(self.sparse.iter().map(|(&k, &n)| (k, n)))
            .collect();
        all.sort_unstable();
        all
    }
}

/// Faces below this value pair up in a dense table.
pub(super) const SMALL: usize = 128;

/// What a scan counted: pairs of consecutive rolls (face counts follow
/// from them: every roll ends one pair, and all but the last start one).
#[derive(Debug, Clone)]
pub struct Scan {
    /// Pairs of faces below [`SMALL`], at `prev * SMALL + face`.
    pub(super) small: Vec<u64>,
    /// Runs of four one-digit lines, keyed by their digits as nibbles
    /// (d0 | d1 << 4 | d2 << 8 | d3 << 12); allocated on first use.
    pub(super) quads: Vec<u64>,
    /// Triples of faces below 32 (two pairs each: (a, b) and (b, c)),
    /// keyed `a << 10 | b << 5 | c`, from the AVX-512 tier; allocated on
    /// first use. 32-bit counters, half the cache of 64-bit ones: they are
    /// folded into `small` before they could wrap ([`Scan::after_triples`]).
    pub(super) triples: Vec<u32>,
    /// Bytes scanned since the triples were last folded.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    pub(super) unfolded: u64,
    /// Every other pair, including the first roll's link ([`NO_PREVIOUS`], f).
    pub(super) other: PairCounts,
    /// The last roll seen, or [`NO_PREVIOUS`].
    pub last: u32,
    /// Physical lines consumed (blank ones included).
    pub lines: u64,
}

impl Scan {
    /// An empty scan.
    pub fn new() -> Self {
        Scan {
            small: vec![0; SMALL * SMALL],
            quads: Vec::new(),
            triples: Vec::new(),
            unfolded: 0,
            other: PairCounts::new(),
            last: NO_PREVIOUS,
            lines: 0,
        }
    }

    /// All pairs counted, as [`PairCounts`] (the first roll's link keyed
    /// by [`NO_PREVIOUS`]).
    pub fn pairs(&self) -> PairCounts {
        let mut pairs = self.other.clone();
        for (i, &n) in self.small.iter().enumerate().filter(|(_, &n)| n > 0) {
            pairs.add_n((i / SMALL) as u32, (i % SMALL) as u32, n);
        }
        for (key, &n) in self.quads.iter().enumerate().filter(|(_, &n)| n > 0) {
            let d = [key & 0xF, key >> 4 & 0xF, key >> 8 & 0xF, key >> 12];
            for w in d.windows(2) {
                pairs.add_n(w[0] as u32, w[1] as u32, n);
            }
        }
        for (key, n) in self.triple_counts() {
            let (a, b, c) = (key >> 10, key >> 5 & 0x1F, key & 0x1F);
            pairs.add_n(a as u32, b as u32, n);
            pairs.add_n(b as u32, c as u32, n);
        }
        pairs
    }

    /// The triples counted, by key (the table's slots from 2^15 on are
    /// scratch, never counts).
    fn triple_counts(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        let keys = self.triples.len().min(1 << 15);
        self.triples[..keys]
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(key, &n)| (key, u64::from(n)))
    }

    /// Notes `bytes` more bytes scanned, and folds the triples into the
    /// pairs table while no 32-bit counter can have wrapped: each triple
    /// takes at least 4 bytes, so a counter grows by at most bytes / 4.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    pub(super) fn after_triples(&mut self, bytes: usize) {
        self.unfolded += bytes as u64;
        if self.unfolded / 4 < u64::from(u32::MAX) / 2 {
            return;
        }
        let counts: Vec<(usize, u64)> = self.triple_counts().collect();
        for (key, n) in counts {
            fold(&mut self.small, key, n);
        }
        self.triples.iter_mut().for_each(|n| *n = 0);
        self.unfolded = 0;
    }

    /// Adds `later`, which continues the sequence right after this scan.
    pub fn append(&mut self, later: &Scan) {
        for (a, b) in self.small.iter_mut().zip(&later.small) {
            *a += b;
        }
        if !later.quads.is_empty() {
            if self.quads.is_empty() {
                self.quads = vec![0; 1 << 16];
            }
            for (a, b) in self.quads.iter_mut().zip(&later.quads) {
                *a += b;
            }
        }
        // The later scan's triples go straight into the 64-bit pairs.
        for (key, n) in later.triple_counts() {
            fold(&mut self.small, key, n);
        }
        self.other.merge_after(&later.other, self.last);
        if later.last != NO_PREVIOUS {
            self.last = later.last;
        }
        self.lines += later.lines;
    }
}

impl Default for Scan {
    fn default() -> Self {
        Scan::new()
    }
}

/// Adds `n` triples with key `a << 10 | b << 5 | c` to the pairs table
/// `small`: n pairs (a, b) and n pairs (b, c).
fn fold(small: &mut [u64], key: usize, n: u64) {
    let (a, b, c) = (key >> 10, key >> 5 & 0x1F, key & 0x1F);
    small[a * SMALL + b] += n;
    small[b * SMALL + c] += n;
}

/// Counts the pair (prev, face): in `small` when both are below [`SMALL`].
#[inline]
pub(super) fn pair(small: &mut [u64; SMALL * SMALL], other: &mut PairCounts, prev: u32, face: u32) {
    if (prev as usize) < SMALL && (face as usize) < SMALL {
        small[prev as usize * SMALL + face as usize] += 1;
    } else {
        other.add(prev, face);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AVX-512 tier's triples are pairs: as counted, after being folded
    /// into the 64-bit table (as before a 32-bit counter could wrap), and
    /// when a later scan's triples are appended.
    #[test]
    fn triples_count_as_their_two_pairs() {
        let key = |a: usize, b: usize, c: usize| a << 10 | b << 5 | c;
        let mut scan = Scan::new();
        scan.triples = vec![0; 1 << 16];
        scan.triples[key(1, 2, 3)] = 5;
        scan.triples[key(3, 3, 1)] = 2;
        // The scratch slot is never a count.
        scan.triples[1 << 15] = 99;
        scan.small[3 * SMALL + 1] = 1;
        let want = vec![((1, 2), 5), ((2, 3), 5), ((3, 1), 3), ((3, 3), 2)];
        assert_eq!(scan.pairs().entries(), want);
        scan.after_triples(10);
        assert_eq!(scan.triples[key(1, 2, 3)], 5, "nothing to fold yet");
        scan.after_triples(usize::MAX / 2);
        assert_eq!(scan.triples[key(1, 2, 3)], 0, "folded");
        assert_eq!(scan.pairs().entries(), want);
        let mut first = Scan::new();
        first.append(&scan);
        first.append(&scan);
        let doubled: Vec<_> = want.iter().map(|&(p, n)| (p, 2 * n)).collect();
        assert_eq!(first.pairs().entries(), doubled);
        let mut later = Scan::new();
        later.triples = vec![0; 1 << 16];
        later.triples[key(1, 2, 3)] = 5;
        let mut earlier = Scan::new();
        earlier.append(&later);
        assert_eq!(earlier.pairs().entries(), vec![((1, 2), 5), ((2, 3), 5)]);
    }
}
