//! The fast path for the commonest log: one column of small integer faces.
//!
//! [`scan`] takes whole lines of bytes and counts the pairs of consecutive
//! rolls (face counts follow from them: every roll but the last starts one
//! pair). It accepts only lines of 1 to 7 ASCII digits, or blank lines, each
//! ended by `\n` or `\r\n`, with values inside the die's limits; at the first
//! other line it stops and returns its offset, and the general reader takes
//! over from there, so results are identical to reading everything with the
//! general path (property tests check it). Eight one-digit lines, 16
//! bytes, are recognised with one vector compare, and four with a few word
//! operations; other lines of one or two digits (a d20's, say) go 64 bytes
//! at a time: [`classify`] marks the newlines, and each face is read from a
//! table keyed by the two bytes before its newline. Multi-column logs
//! ([`scan_columns`]) also go 64 bytes at a time, visiting only newlines and
//! delimiters and counting a line's delimiters with `popcnt`.
//!
//! [`scan_reader`] drives [`scan`] over any stream in 1 MiB blocks;
//! [`scan_file_parallel`] splits a regular file at line boundaries and scans
//! the pieces on all cores, stopping at the first line any piece cannot take.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;

use super::classify;
use super::tally::{PairCounts, NO_PREVIOUS};

/// Bytes read per block.
const BLOCK: usize = 1 << 20;

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
    fn digit_range(self) -> (u8, u8) {
        if self.min > 9 || self.max < self.min {
            return (b'1', b'0');
        }
        (b'0' + self.min as u8, b'0' + self.max.min(9) as u8)
    }
}

/// Faces below this value pair up in a dense table.
const SMALL: usize = 128;

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

/// What a scan counted: pairs of consecutive rolls (face counts follow
/// from them: every roll ends one pair, and all but the last start one).
#[derive(Debug, Clone)]
pub struct Scan {
    /// Pairs of faces below [`SMALL`], at `prev * SMALL + face`.
    small: Vec<u64>,
    /// Runs of four one-digit lines, keyed by their digits as nibbles
    /// (d0 | d1 << 4 | d2 << 8 | d3 << 12); allocated on first use.
    quads: Vec<u64>,
    /// Every other pair, including the first roll's link ([`NO_PREVIOUS`], f).
    other: PairCounts,
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
        pairs
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

/// True when the 8 bytes of `w` (little-endian) are four lines of one ASCII
/// digit each: digit, `\n`, digit, `\n`, ...
#[inline]
fn four_digit_lines(w: u64) -> bool {
    const NEWLINES: u64 = 0x0A00_0A00_0A00_0A00;
    const HIGH: u64 = 0xFF00_FF00_FF00_FF00;
    w & HIGH == NEWLINES
        && w & 0x00F0_00F0_00F0_00F0 == 0x0030_0030_0030_0030
        && ((w & 0x000F_000F_000F_000F) + 0x0006_0006_0006_0006) & 0x0010_0010_0010_0010 == 0
}

/// Marks with 0x80 exactly the zero bytes of `x` (no false positives: the
/// additions cannot carry across bytes).
#[inline]
fn zero_bytes(x: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    !(((x & LOW7) + LOW7) | x) & 0x8080_8080_8080_8080
}

/// For the 8 bytes of `w` (little-endian): a mask with bit i set when byte
/// i is `\n`, and whether every byte is a `\n` or an ASCII digit.
#[inline]
fn classify(w: u64) -> (u64, bool) {
    let newline = zero_bytes(w ^ 0x0A0A_0A0A_0A0A_0A0A);
    let high_three = zero_bytes((w & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030);
    let above_nine =
        (((w & 0x0F0F_0F0F_0F0F_0F0F) + 0x0606_0606_0606_0606) & 0x1010_1010_1010_1010) << 3;
    let digit = high_three & !above_nine;
    // Gathers bit 7 of byte i into bit i.
    let mask = (newline >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    (mask, newline | digit == 0x8080_8080_8080_8080)
}

/// The faces of the lines that end in the 64 bytes at `pos` (which must be
/// a line start, at least 4 bytes in), when all of them are 1 to 3 digits within `limits` or
/// blank: written to `faces`, returning (how many, bytes consumed, lines
/// consumed). `None` sends these lines to the one-line-at-a-time path.
#[inline(always)]
fn chunk(
    bytes: &[u8],
    pos: usize,
    limits: Limits,
    faces: &mut [u32; 64],
) -> Option<(usize, usize, u64)> {
    if pos < 4 {
        return None;
    }
    let block = bytes.get(pos..pos + 64)?;
    let mut mask = 0u64;
    let mut clean = true;
    for (i, word) in block.chunks_exact(8).enumerate() {
        let (m, ok) = classify(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        mask |= m << (8 * i);
        clean &= ok;
    }
    if !clean || mask == 0 {
        return None;
    }
    let (mut start, mut k, mut bad) = (pos, 0, false);
    let lines = u64::from(mask.count_ones());
    let consumed = 64 - mask.leading_zeros() as usize;
    // Faces of 1-3 digits all lie in 0..=999: check the limits only when
    // they are narrower.
    let check = limits.min > 0 || limits.max < 999;
    while mask != 0 {
        let end = pos + mask.trailing_zeros() as usize;
        mask &= mask - 1;
        let len = end - start;
        // Branch-free: the 4 bytes before the newline as one word (the
        // caller guarantees pos ≥ 4), keeping the top `len` bytes, which
        // are this line's digits (each ≥ '0', so subtracting cannot borrow).
        let tail = u32::from_le_bytes(bytes[end - 4..end].try_into().unwrap_or_default());
        let keep = (u64::from(u32::MAX) << (8 * (4 - len.min(4)))) as u32;
        let d = (tail & keep) - (0x3030_3030 & keep);
        let face = (d >> 8 & 0xFF) * 100 + (d >> 16 & 0xFF) * 10 + (d >> 24);
        bad |= len > 3 || (check && len > 0 && (face < limits.min || face > limits.max));
        faces[k] = face;
        k += usize::from(len > 0);
        start = end + 1;
    }
    (!bad).then_some((k, consumed, lines))
}

/// Counts the pair (prev, face): in `small` when both are below [`SMALL`].
#[inline]
fn pair(small: &mut [u64; SMALL * SMALL], other: &mut PairCounts, prev: u32, face: u32) {
    if (prev as usize) < SMALL && (face as usize) < SMALL {
        small[prev as usize * SMALL + face as usize] += 1;
    } else {
        other.add(prev, face);
    }
}

/// Table entries of [`short_faces`] that are not faces.
const BLANK: u8 = 254;
const OUTSIDE: u8 = 255;

/// The faces of lines of at most two digits, keyed by the two bytes before
/// each newline as a little-endian word, `(b[e-2] | b[e-1] << 8) & 0x0F0F`:
/// for bytes known to be digits or `\n`, each low nibble is the digit's
/// value, or 10 for `\n`. "\nd" is the face d, "td" the face 10t + d, and
/// "?\n" a blank line; faces outside `limits` are [`OUTSIDE`].
fn short_faces(limits: Limits) -> Box<[u8; 4096]> {
    let mut table = Box::new([OUTSIDE; 4096]);
    for lo in 0..=10u32 {
        for hi in 0..=10u32 {
            let key = (lo | hi << 8) as usize;
            table[key] = match (lo, hi) {
                (_, 10) => BLANK,
                (10, d) | (0, d) if (limits.min..=limits.max).contains(&d) => d as u8,
                (t, d) if t < 10 && (limits.min..=limits.max).contains(&(10 * t + d)) => {
                    (10 * t + d) as u8
                }
                _ => OUTSIDE,
            };
        }
    }
    table
}

/// Counts the lines that end in the 64 bytes at `pos` when all of them are
/// blank or hold one or two digits: `pos` must be a line start at least 2
/// bytes in, and `*prev` below [`SMALL`]. Returns (bytes consumed, lines
/// consumed); it stops early, before the line, at a face outside the
/// table's limits. `None` (nothing consumed) sends the block to the slower
/// paths.
#[inline(always)]
fn short_lines(
    bytes: &[u8],
    pos: usize,
    table: &[u8; 4096],
    prev: &mut u32,
    small: &mut [u64; SMALL * SMALL],
) -> Option<(usize, u64)> {
    // The block and the two bytes before it, which a line may reach into.
    let window: &[u8; 66] = bytes.get(pos.checked_sub(2)?..pos + 64)?.try_into().ok()?;
    let block: &classify::Block = window[2..].try_into().ok()?;
    let (newline, neither) = classify::digit_lines(block);
    if neither != 0 || newline == 0 || *prev as usize >= SMALL {
        return None;
    }
    // Lines of three or more digits: three non-newlines in a row (byte
    // pos - 1 is a newline, so the shifts bring in the right zeros).
    let consumed = 64 - newline.leading_zeros() as usize;
    let digits = !newline & (u64::MAX >> (64 - consumed));
    if digits & digits << 1 & digits << 2 != 0 {
        return None;
    }
    // Each pair's counter is at row | face, the row being prev * SMALL.
    let mut row = *prev as usize * SMALL;
    let mut mask = newline;
    while mask != 0 {
        let end = mask.trailing_zeros() as usize;
        let key = u16::from_le_bytes([window[end], window[end + 1]]) & 0x0F0F;
        let face = table[usize::from(key)];
        if face >= BLANK {
            if face == OUTSIDE {
                break;
            }
        } else {
            small[(row | usize::from(face)) % (SMALL * SMALL)] += 1;
            row = usize::from(face) * SMALL;
        }
        mask &= mask - 1;
    }
    *prev = (row / SMALL) as u32;
    // The lines taken are those whose newlines were cleared from the mask.
    let done = newline & !mask;
    Some((
        64 - done.leading_zeros() as usize,
        u64::from(done.count_ones()),
    ))
}

/// The quad key of `word` (8 bytes) when it holds four one-digit lines, the
/// digits as nibbles d0 | d1 << 4 | d2 << 8 | d3 << 12; with `check`, only
/// when every digit is within `digits` (ASCII bounds, as
/// [`Limits::digit_range`] gives them).
#[inline(always)]
fn quad_key(word: &[u8], digits: (u8, u8), check: bool) -> Option<u64> {
    let w = u64::from_le_bytes(word.try_into().ok()?);
    if !four_digit_lines(w) {
        return None;
    }
    let key = (w & 0xF) | (w >> 12 & 0xF0) | (w >> 24 & 0xF00) | (w >> 36 & 0xF000);
    let accepted = u64::from(digits.0.wrapping_sub(b'0'))..=u64::from(digits.1.wrapping_sub(b'0'));
    let ok = !check || (0..4).all(|i| accepted.contains(&(key >> (4 * i) & 0xF)));
    ok.then_some(key)
}

/// Counts the run of words of four one-digit lines at `pos` (digits within
/// the ASCII bounds `digits`, checked in the word-at-a-time step only when
/// `CHECK`),
/// each as one quad and one pair linking it to the previous roll `*prev`,
/// which must be below [`SMALL`]. Returns the bytes consumed (8 per word).
/// Two words at a time while they last (one vector compare checks both and
/// a multiply-add gathers both keys), then one.
#[inline(always)]
fn quad_run<const CHECK: bool>(
    bytes: &[u8],
    start: usize,
    digits: (u8, u8),
    prev: &mut u32,
    quads: &mut [u64; 1 << 16],
    small: &mut [u64; SMALL * SMALL],
) -> usize {
    let mut pos = start;
    let mut row = *prev as usize * SMALL;
    while let Some((first, second)) = bytes
        .get(pos..pos + 16)
        .and_then(|w| classify::eight_digit_lines(w.try_into().ok()?, digits.0, digits.1))
    {
        for key in [first, second] {
            quads[key as usize & 0xFFFF] += 1;
            small[(row | (key & 0xF) as usize) % (SMALL * SMALL)] += 1;
            row = (key >> 12) as usize * SMALL;
        }
        pos += 16;
    }
    while let Some(key) = bytes
        .get(pos..pos + 8)
        .and_then(|word| quad_key(word, digits, CHECK))
    {
        quads[key as usize & 0xFFFF] += 1;
        small[(row | (key & 0xF) as usize) % (SMALL * SMALL)] += 1;
        row = (key >> 12) as usize * SMALL;
        pos += 8;
    }
    *prev = (row / SMALL) as u32;
    pos - start
}

/// Scans whole lines of `bytes` into `acc` and returns how many bytes it
/// consumed: all of them, or up to the start of the first line it does not
/// take (see the module documentation). `bytes` should end with `\n`; a
/// final line without one is left unconsumed.
#[inline(always)]
pub fn scan(bytes: &[u8], limits: Limits, acc: &mut Scan) -> usize {
    if acc.quads.is_empty() {
        acc.quads = vec![0; 1 << 16];
    }
    let Scan {
        small,
        quads,
        other,
        last,
        lines: total_lines,
    } = acc;
    // Fixed-size views: the indices below are provably in bounds, and the
    // counters cannot alias the scan's own fields.
    let (Ok(small), Ok(quads)) = (
        <&mut [u64; SMALL * SMALL]>::try_from(small.as_mut_slice()),
        <&mut [u64; 1 << 16]>::try_from(quads.as_mut_slice()),
    ) else {
        unreachable!("the tables are allocated at their fixed sizes")
    };
    // Runs of one-digit lines go eight or four at a time; anything else a
    // line at a time. The digits are all of 0..9 unless --faces narrows them.
    let digits = limits.digit_range();
    let check_digits = digits != (b'0', b'9');
    let mut prev = *last;
    let mut pos = 0;
    let mut lines = 0u64;
    let mut faces = [0u32; 64];
    let short = short_faces(limits);
    let n = bytes.len();
    let stop = |at: usize, prev: u32, lines: u64, last: &mut u32, total: &mut u64| {
        *last = prev;
        *total += lines;
        at
    };
    while pos < n {
        if (prev as usize) < SMALL {
            let used = match check_digits {
                false => quad_run::<false>(bytes, pos, digits, &mut prev, quads, small),
                true => quad_run::<true>(bytes, pos, digits, &mut prev, quads, small),
            };
            if used > 0 {
                pos += used;
                lines += used as u64 / 2;
                continue;
            }
        }
        // The first roll of a scan (no previous roll yet) or after a large
        // face: one word at a time, the pair through `pair`.
        if let Some(key) = bytes
            .get(pos..pos + 8)
            .and_then(|word| quad_key(word, digits, check_digits))
        {
            quads[key as usize & 0xFFFF] += 1;
            pair(small, other, prev, (key & 0xF) as u32);
            prev = (key >> 12) as u32;
            pos += 8;
            lines += 4;
            continue;
        }
        // Blocks of short lines, as long as they come.
        let from = pos;
        while let Some((consumed, block_lines)) = short_lines(bytes, pos, &short, &mut prev, small)
        {
            pos += consumed;
            lines += block_lines;
            if consumed < 64 - 3 {
                // A short block: the next line is not short, or the block
                // ended with a long line's start.
                break;
            }
        }
        if pos > from {
            continue;
        }
        if let Some((k, consumed, chunk_lines)) = chunk(bytes, pos, limits, &mut faces) {
            for &face in &faces[..k] {
                pair(small, other, prev, face);
                prev = face;
            }
            pos += consumed;
            lines += chunk_lines;
            continue;
        }
        let start = pos;
        let mut value = 0u32;
        let mut len = 0;
        while len < 8 && pos < n && bytes[pos].is_ascii_digit() {
            value = value * 10 + u32::from(bytes[pos] - b'0');
            pos += 1;
            len += 1;
        }
        if bytes.get(pos) == Some(&b'\r') {
            pos += 1;
        }
        if len > 7 || bytes.get(pos) != Some(&b'\n') {
            return stop(start, prev, lines, last, total_lines);
        }
        pos += 1;
        lines += 1;
        if len == 0 {
            continue;
        }
        if value < limits.min || value > limits.max {
            return stop(start, prev, lines - 1, last, total_lines);
        }
        pair(small, other, prev, value);
        prev = value;
    }
    stop(pos, prev, lines, last, total_lines)
}

/// Scans with `plan`: [`scan`] for one-column logs, [`scan_columns`]
/// otherwise.
///
/// On x86_64 CPUs from 2013 on (Haswell and later: AVX2, BMI1/2, LZCNT,
/// POPCNT) the same code runs compiled for them: three-operand vector
/// compares and one-instruction bit clearing and counting take a d20 line
/// from about 21 instructions to 18 (callgrind). The answers are the same.
pub fn scan_plan(bytes: &[u8], plan: Plan, acc: &mut Scan) -> usize {
    #[cfg(target_arch = "x86_64")]
    if haswell() {
        // SAFETY: the CPU has every feature the function is compiled for.
        return unsafe { scan_plan_haswell(bytes, plan, acc) };
    }
    scan_plan_baseline(bytes, plan, acc)
}

/// Whether the CPU has the features of [`scan_plan_haswell`].
#[cfg(target_arch = "x86_64")]
fn haswell() -> bool {
    std::is_x86_feature_detected!("avx2")
        && std::is_x86_feature_detected!("bmi1")
        && std::is_x86_feature_detected!("bmi2")
        && std::is_x86_feature_detected!("lzcnt")
        && std::is_x86_feature_detected!("popcnt")
}

/// [`scan_plan_baseline`] compiled for Haswell and later.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2,lzcnt,popcnt")]
fn scan_plan_haswell(bytes: &[u8], plan: Plan, acc: &mut Scan) -> usize {
    scan_plan_baseline(bytes, plan, acc)
}

#[inline(always)]
fn scan_plan_baseline(bytes: &[u8], plan: Plan, acc: &mut Scan) -> usize {
    match plan.columns {
        None => scan(bytes, plan.limits, acc),
        Some(columns) => scan_columns(bytes, plan.limits, columns, acc),
    }
}

/// [`scan`] for multi-column logs: takes lines of exactly `width` fields,
/// without quotes, NUL or stray CR (a CR right before `\n` ends the line),
/// whose face field is 1 to 7 ASCII digits within `limits`; stops at the
/// first other line.
///
/// Works 64 bytes at a time: [`classify::fields`] marks the newlines and
/// delimiters, and only those bytes are visited.
#[inline(always)]
pub fn scan_columns(bytes: &[u8], limits: Limits, columns: Columns, acc: &mut Scan) -> usize {
    // The commonest layout, the face last, has its own build.
    match columns.face + 1 == columns.width {
        true => scan_columns_as::<true>(bytes, limits, columns, acc),
        false => scan_columns_as::<false>(bytes, limits, columns, acc),
    }
}

/// [`scan_columns`], built for the face field being the last (`LAST`) or
/// not. When it is last, a line's face starts after the line's last
/// delimiter (its field count is checked apart), so a block's share of the
/// line needs only its highest delimiter, not the one at a given index.
#[inline(always)]
fn scan_columns_as<const LAST: bool>(
    bytes: &[u8],
    limits: Limits,
    columns: Columns,
    acc: &mut Scan,
) -> usize {
    let Columns {
        delimiter,
        width,
        face: face_field,
    } = columns;
    // The current line: where it starts, the delimiters seen so far, and
    // where its face field starts and ends once those delimiters are seen
    // (`from` after delimiter face - 1, `to` at delimiter face; a line that
    // ends with the face field ends it at its newline instead).
    let mut field = 0;
    let mut line = 0;
    let (mut from, mut to) = (0, 0);
    // Takes the delimiters `mine` of the current line found in the block
    // at `base`: counts them, and notes the face field's edges among them.
    let take = |mine: u64, base: usize, field: &mut usize, from: &mut usize, to: &mut usize| {
        let seen = mine.count_ones() as usize;
        if seen == 0 {
            return;
        }
        if LAST {
            *from = base + 64 - mine.leading_zeros() as usize;
            *field += seen;
            return;
        }
        let here = *field..*field + seen;
        if face_field > 0 && here.contains(&(face_field - 1)) {
            *from = base + select(mine, face_field - 1 - *field) as usize + 1;
        }
        if here.contains(&face_field) {
            *to = base + select(mine, face_field - *field) as usize;
        }
        *field += seen;
    };
    let Scan {
        small, other, last, ..
    } = acc;
    let Ok(small) = <&mut [u64; SMALL * SMALL]>::try_from(small.as_mut_slice()) else {
        unreachable!("the table is allocated at its fixed size")
    };
    let mut prev = *last;
    let mut lines = 0u64;
    // Whether the previous block ended in a special byte (maybe a CR
    // before this block's first newline).
    let mut special_before = 0;
    let n = bytes.len();
    let mut base = 0;
    let mut padded = [0u8; 64];
    while base < n {
        // The last block is padded; `inside` marks its real bytes.
        let real = (n - base).min(64);
        let block = match bytes.get(base..base + 64).map(<&classify::Block>::try_from) {
            Some(Ok(block)) => block,
            _ => {
                padded[..real].copy_from_slice(&bytes[base..base + real]);
                &padded
            }
        };
        let inside = u64::MAX >> (64 - real);
        let (newline, delim, special) = classify::fields(block, delimiter);
        let special = special & inside;
        let bad = match special {
            0 => 0,
            _ => stray(bytes, base, special),
        };
        // CRs to strip from the end of a face field: only where a special
        // byte is near.
        let maybe_cr = special | special_before != 0;
        special_before = special >> 63;
        // Lines are read up to the first bad byte.
        let upto = match bad {
            0 => inside,
            _ => (1 << bad.trailing_zeros()) - 1,
        };
        let mut ends = newline & upto;
        let mut delims = delim & upto;
        while ends != 0 {
            let end = ends.trailing_zeros();
            ends &= ends - 1;
            let before = (1u64 << end) - 1;
            take(delims & before, base, &mut field, &mut from, &mut to);
            delims &= !before;
            let at = base + end as usize;
            let from = if face_field == 0 { line } else { from };
            let to = if LAST {
                // A CR before the newline is not part of the face.
                at - usize::from(maybe_cr && at > from && bytes[at - 1] == b'\r')
            } else {
                to
            };
            let face = (field + 1 == width)
                .then(|| bytes.get(from..to).and_then(parse_face))
                .flatten()
                .filter(|f| (limits.min..=limits.max).contains(f));
            let Some(face) = face else {
                *last = prev;
                acc.lines += lines;
                return line;
            };
            pair(small, other, prev, face);
            prev = face;
            line = at + 1;
            field = 0;
            lines += 1;
        }
        // The rest of the block's delimiters belong to the next line.
        take(delims, base, &mut field, &mut from, &mut to);
        if bad != 0 {
            break;
        }
        base += 64;
    }
    *last = prev;
    acc.lines += lines;
    line
}

/// The position of set bit number `k` of `mask` (0 for the lowest), which
/// has more than `k` set bits. `k` is at most the face's field index, and
/// this runs at most twice a line.
#[inline(always)]
fn select(mut mask: u64, k: usize) -> u32 {
    for _ in 0..k {
        mask &= mask - 1;
    }
    mask.trailing_zeros()
}

/// `special` (marks of `"`, NUL and `\r` in the block at `base`) without
/// the CRs that end a line, which are allowed.
#[cold]
fn stray(bytes: &[u8], base: usize, special: u64) -> u64 {
    let mut bad = special;
    let mut rest = special;
    while rest != 0 {
        let i = rest.trailing_zeros();
        rest &= rest - 1;
        let at = base + i as usize;
        if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            bad &= !(1 << i);
        }
    }
    bad
}

/// The value of 1 to 7 ASCII digits.
#[inline]
fn parse_face(digits: &[u8]) -> Option<u32> {
    let digit = |d: u8| u32::from(d.wrapping_sub(b'0'));
    match *digits {
        // The commonest faces, without a loop.
        [d] => Some(digit(d)).filter(|&v| v < 10),
        [t, d] => (digit(t) < 10 && digit(d) < 10).then(|| 10 * digit(t) + digit(d)),
        [] => None,
        _ if digits.len() <= 7 => digits
            .iter()
            .try_fold(0u32, |v, &d| d.is_ascii_digit().then(|| v * 10 + digit(d))),
        _ => None,
    }
}

/// Where a streamed scan stopped: the bytes it did not take (from the start
/// of the first line it could not take, or the final unterminated line),
/// to be read by the general path before the rest of the stream.
pub struct Stopped {
    /// Unconsumed bytes already read.
    pub pending: Vec<u8>,
    /// True when the stream ended (nothing follows `pending`).
    pub at_end: bool,
}

/// Scans `reader` block by block after `pending` (bytes already read).
pub fn scan_reader(
    reader: &mut dyn Read,
    pending: Vec<u8>,
    plan: Plan,
    acc: &mut Scan,
) -> io::Result<Stopped> {
    let mut buf = pending;
    let mut at_end = false;
    loop {
        let filled = buf.len();
        if !at_end && filled < BLOCK {
            // Grow towards a block as the input keeps coming: small inputs
            // stay cheap.
            let size = (2 * filled).clamp(64 << 10, BLOCK);
            buf.resize(size, 0);
            let got = read_full(reader, &mut buf[filled..])?;
            buf.truncate(filled + got);
            at_end = filled + got < size;
        }
        // After the fill the buffer is full or the stream has ended, so no
        // complete line in it means a line longer than a block: the general
        // path reports that one.
        let whole = buf.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let taken = scan_plan(&buf[..whole], plan, acc);
        buf.drain(..taken);
        if taken < whole || whole == 0 || at_end {
            return Ok(Stopped {
                pending: buf,
                at_end,
            });
        }
    }
}

/// Reads until `buf` is full or the stream ends; returns the bytes read.
fn read_full(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// The outcome of scanning one piece of a file.
struct Piece {
    scan: Scan,
    /// Absolute offset where the scan stopped early, if it did.
    stopped: Option<u64>,
}

/// Scans `file` from `start` to its end on `threads` threads. Returns the
/// scans in file order, merged, and the offset where the general path must
/// take over (None when the whole file was taken).
pub fn scan_file_parallel(
    file: &File,
    start: u64,
    threads: usize,
    plan: Plan,
    progress: &super::Progress,
) -> io::Result<(Scan, Option<u64>)> {
    let len = file.metadata()?.len();
    let mut bounds = vec![start];
    for i in 1..threads as u64 {
        let guess = start + (len - start) * i / threads as u64;
        let cut = next_line_start(file, guess.max(*bounds.last().unwrap_or(&start)), len)?;
        bounds.push(cut);
    }
    bounds.push(len);
    let pieces: Vec<io::Result<Piece>> = std::thread::scope(|s| {
        let handles: Vec<_> = bounds
            .windows(2)
            .map(|w| {
                let (from, to) = (w[0], w[1]);
                s.spawn(move || scan_range(file, from, to, plan, progress))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(io::Error::other("a counting thread panicked")))
            })
            .collect()
    });
    let mut total = Scan::new();
    for piece in pieces {
        let piece = piece?;
        total.append(&piece.scan);
        if piece.stopped.is_some() {
            return Ok((total, piece.stopped));
        }
    }
    Ok((total, None))
}

/// The first line start at or after `at` (the byte after a `\n`), or `len`.
fn next_line_start(file: &File, at: u64, len: u64) -> io::Result<u64> {
    if at == 0 {
        return Ok(0);
    }
    let mut buf = vec![0u8; 64 * 1024];
    let mut pos = at - 1;
    while pos < len {
        let got = file.read_at(&mut buf, pos)?;
        if got == 0 {
            break;
        }
        if let Some(i) = buf[..got].iter().position(|&b| b == b'\n') {
            return Ok(pos + i as u64 + 1);
        }
        pos += got as u64;
    }
    Ok(len)
}

/// Scans `from..to` (whole lines) of `file`.
fn scan_range(
    file: &File,
    from: u64,
    to: u64,
    plan: Plan,
    progress: &super::Progress,
) -> io::Result<Piece> {
    let mut acc = Scan::new();
    let mut buf = vec![0u8; BLOCK];
    let mut pos = from;
    let mut carry = 0usize;
    while pos < to {
        let want = ((to - pos) as usize).min(BLOCK - carry);
        let got = file.read_at(&mut buf[carry..carry + want], pos)?;
        if got == 0 {
            break;
        }
        progress.advance(got as u64);
        pos += got as u64;
        let filled = carry + got;
        let whole = if pos >= to {
            filled
        } else {
            buf[..filled]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1)
        };
        let taken = scan_plan(&buf[..whole], plan, &mut acc);
        if taken < whole {
            let stopped = pos - (filled - taken) as u64;
            return Ok(Piece {
                scan: acc,
                stopped: Some(stopped),
            });
        }
        buf.copy_within(whole..filled, 0);
        carry = filled - whole;
        if carry == BLOCK {
            // A single line longer than a block: the general path reports it.
            return Ok(Piece {
                scan: acc,
                stopped: Some(pos - carry as u64),
            });
        }
    }
    let stopped = (carry > 0).then(|| pos - carry as u64);
    Ok(Piece { scan: acc, stopped })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: Plan = Plan {
        limits: ANY,
        columns: None,
    };
    const ANY: Limits = Limits {
        min: 0,
        max: 1_000_000,
    };

    fn counts(scan: &Scan) -> Vec<((u32, u32), u64)> {
        scan.pairs().entries()
    }

    #[test]
    fn words_are_classified_byte_by_byte() {
        let (mask, clean) = classify(u64::from_le_bytes(*b"12\n3\n\n45"));
        assert_eq!(mask, 0b0011_0100);
        assert!(clean);
        for bad in [b"12\n3\r\n45", b"12\n3 \n45", b"12\n3:\n45", b"12\n/\n\n45"] {
            assert!(
                !classify(u64::from_le_bytes(*bad)).1,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn chunks_take_short_lines_and_refuse_the_rest() {
        let text = b"1\n20\n\n3\n15\n7\n8\n19\n2\n11\n4\n6\n13\n5\n9\n10\n12\n14\n16\n17\n18\n100\n3\n20\n190";
        assert_eq!(text.len(), 64);
        let mut faces = [0u32; 64];
        // The chunk reads up to 3 bytes before a line: give it a prefix.
        let text = [&b"99\n\n"[..], &text[..]].concat();
        let text = &text[..];
        assert!(
            chunk(text, 0, ANY, &mut faces).is_none(),
            "no room before pos 0"
        );
        let (k, consumed, lines) = chunk(text, 4, ANY, &mut faces).unwrap();
        // The 64 bytes hold 24 whole lines, one of them blank, and the
        // start of a 25th ("190", cut at "19").
        assert_eq!((k, consumed, lines), (23, 61, 24));
        assert_eq!(faces[..5], [1, 20, 3, 15, 7]);
        assert_eq!(faces[20..23], [100, 3, 20]);
        assert!(chunk(text, 4, Limits { min: 1, max: 20 }, &mut faces).is_none());
        let mut long = b"1234\n".repeat(14);
        long.truncate(68);
        assert!(chunk(&long, 5, ANY, &mut faces).is_none());
    }

    #[test]
    fn four_digit_words_are_recognised() {
        assert!(four_digit_lines(u64::from_le_bytes(*b"1\n2\n3\n9\n")));
        assert!(!four_digit_lines(u64::from_le_bytes(*b"1\n2\n3\n:\n")));
        assert!(!four_digit_lines(u64::from_le_bytes(*b"1\n2\n34\n5")));
        assert!(!four_digit_lines(u64::from_le_bytes(*b"1\r\n2\n3\n4")));
    }

    #[test]
    fn scan_counts_pairs_across_fast_and_scalar_lines() {
        let mut acc = Scan::new();
        let text = b"1\n2\n3\n4\n12\n\n3\r\n5\n";
        assert_eq!(scan(text, ANY, &mut acc), text.len());
        assert_eq!(acc.lines, 8);
        assert_eq!(acc.last, 5);
        let want = vec![
            ((1, 2), 1),
            ((2, 3), 1),
            ((3, 4), 1),
            ((3, 5), 1),
            ((4, 12), 1),
            ((12, 3), 1),
            ((NO_PREVIOUS, 1), 1),
        ];
        let mut got = counts(&acc);
        got.sort();
        let mut want = want;
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn scan_stops_at_the_first_line_it_cannot_take() {
        for (text, stop, lines) in [
            (&b"1\n2\nx\n3\n"[..], 4, 2),
            (b"1\n2\n 3\n", 4, 2),
            (b"1\n12345678\n", 2, 1),
            (b"1\n2\n3\n4\n5\n7\n", 10, 5),
        ] {
            let mut acc = Scan::new();
            let limits = Limits { min: 1, max: 6 };
            assert_eq!(
                scan(text, limits, &mut acc),
                stop,
                "{:?}",
                String::from_utf8_lossy(text)
            );
            assert_eq!(acc.lines, lines);
        }
    }

    #[test]
    fn declared_limits_apply_inside_fast_words() {
        let mut acc = Scan::new();
        // The word "1\n0\n2\n3\n" holds a 0, outside 1..=6.
        assert_eq!(
            scan(b"1\n0\n2\n3\n", Limits { min: 1, max: 6 }, &mut acc),
            2
        );
    }

    #[test]
    fn streamed_scans_hand_back_the_rest() {
        let mut acc = Scan::new();
        let mut rest = &b"3\n4\nface\n5\n"[..];
        let stopped = scan_reader(&mut rest, b"1\n2\n".to_vec(), ONE, &mut acc).unwrap();
        assert_eq!(stopped.pending, b"face\n5\n");
        assert!(stopped.at_end);
        assert_eq!(acc.lines, 4);
        let mut acc = Scan::new();
        let stopped = scan_reader(&mut &b"1\n2"[..], Vec::new(), ONE, &mut acc).unwrap();
        assert_eq!(stopped.pending, b"2");
    }
}

/// The Haswell build of the scanners against the baseline build, on the
/// lines each path takes and refuses (the integration tests go through
/// whichever one this machine's CPU selects).
#[cfg(all(test, target_arch = "x86_64"))]
mod builds {
    use super::*;
    use proptest::prelude::*;

    fn lines() -> impl Strategy<Value = Vec<u8>> {
        let line = prop_oneof![
            12 => "[1-9]|1[0-9]|20",
            4 => "[0-9]{1,3},[a-z]{0,70},[1-6]",
            2 => "[0-9]{1,8}",
            1 => prop_oneof![Just(""), Just("4\r"), Just("\"5\""), Just("x"), Just("1,\"2\",3"), Just("\0")]
                .prop_map(String::from),
        ];
        proptest::collection::vec(line, 0..400).prop_map(|l| (l.join("\n") + "\n").into_bytes())
    }

    proptest! {
        #[test]
        fn haswell_and_baseline_builds_agree(
            bytes in lines(),
            columns in prop_oneof![
                Just(None),
                (0..3usize).prop_map(|face| Some(Columns { delimiter: b',', width: 3, face })),
            ],
            max in prop_oneof![Just(20u32), Just(1_000_000)],
        ) {
            prop_assume!(haswell());
            let plan = Plan { limits: Limits { min: 1, max }, columns };
            let (mut a, mut b) = (Scan::new(), Scan::new());
            let (ta, tb) = (
                scan_plan_baseline(&bytes, plan, &mut a),
                // SAFETY: prop_assume above: the CPU has the features.
                unsafe { scan_plan_haswell(&bytes, plan, &mut b) },
            );
            prop_assert_eq!(ta, tb);
            prop_assert_eq!((a.last, a.lines), (b.last, b.lines));
            prop_assert_eq!(a.pairs().entries(), b.pairs().entries());
        }
    }
}
