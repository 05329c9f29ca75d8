//! The one-column scanner, for the commonest log: one column of small
//! integer faces.
//!
//! [`scan`] takes whole lines of bytes and counts the pairs of consecutive
//! rolls (face counts follow from them: every roll but the last starts one
//! pair). It accepts only lines of 1 to 7 ASCII digits, or blank lines, each
//! ended by `\n` or `\r\n`, with values inside the die's limits; at the first
//! other line it stops and returns its offset, and the general reader takes
//! over from there, so results are identical to reading everything with the
//! general path (property tests check it). It goes through five tiers, the
//! fastest that fits first: eight one-digit lines, 16 bytes, are recognised
//! with one vector compare, and four with a few word operations; other
//! lines of one or two digits (a d20's, say) go 64 bytes at a time:
//! [`masks::digit_lines`] marks the newlines, and each face is read from a
//! table keyed by the two bytes before its newline; lines of up to three
//! digits go 64 bytes at a time through the word masks; anything else goes
//! a line at a time.

use super::counts::{pair, Scan, SMALL};
use super::masks::{self, four_digit_lines, word_digit_lines};
use super::plan::Limits;

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
        let (m, ok) = word_digit_lines(u64::from_le_bytes(word.try_into().unwrap_or_default()));
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
        // A leading zero ("07") is not a face written plainly.
        let padded = len > 1 && bytes[end - len] == b'0';
        bad |= len > 3 || padded || (check && len > 0 && (face < limits.min || face > limits.max));
        faces[k] = face;
        k += usize::from(len > 0);
        start = end + 1;
    }
    (!bad).then_some((k, consumed, lines))
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
                // "0d" is not a face written plainly: the general reader
                // reports it.
                (0, _) => OUTSIDE,
                (10, d) if (limits.min..=limits.max).contains(&d) => d as u8,
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
    let block: &masks::Block = window[2..].try_into().ok()?;
    let (newline, neither) = masks::digit_lines(block);
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
        .and_then(|w| masks::eight_digit_lines(w.try_into().ok()?, digits.0, digits.1))
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

/// The line at `pos`, one at a time, when the scanners take it: its face
/// (`None` for a blank line) and the next line's start. They take 1 to 7
/// ASCII digits without a leading zero, or nothing, ended by `\n` or
/// `\r\n`, the value within `limits`; `None` at any other line.
#[inline(always)]
pub(super) fn plain_line(
    bytes: &[u8],
    mut pos: usize,
    limits: Limits,
) -> Option<(Option<u32>, usize)> {
    let start = pos;
    let mut value = 0u32;
    let mut len = 0;
    while len < 8 && pos < bytes.len() && bytes[pos].is_ascii_digit() {
        value = value * 10 + u32::from(bytes[pos] - b'0');
        pos += 1;
        len += 1;
    }
    if bytes.get(pos) == Some(&b'\r') {
        pos += 1;
    }
    let padded = len > 1 && bytes[start] == b'0';
    if len > 7 || padded || bytes.get(pos) != Some(&b'\n') {
        return None;
    }
    if len == 0 {
        return Some((None, pos + 1));
    }
    (limits.min..=limits.max)
        .contains(&value)
        .then_some((Some(value), pos + 1))
}

/// A wider tier for blocks of short lines, where the CPU has one: the
/// contract of the portable tier's `short_lines` (lines of one or two
/// digits ending in the 64 bytes at `pos`, `*prev` below [`SMALL`]; bytes
/// and lines consumed, or `None` to leave the block to the portable tiers).
pub trait ShortLines: Copy {
    /// Counts a block of short lines, or declines it.
    fn short_lines(
        self,
        bytes: &[u8],
        pos: usize,
        limits: Limits,
        prev: &mut u32,
        small: &mut [u64; SMALL * SMALL],
        triples: &mut Vec<u32>,
    ) -> Option<(usize, u64)>;
}

/// No wider tier: every block goes to the portable tiers.
#[derive(Debug, Clone, Copy)]
pub struct Portable;

impl ShortLines for Portable {
    #[inline(always)]
    fn short_lines(
        self,
        _: &[u8],
        _: usize,
        _: Limits,
        _: &mut u32,
        _: &mut [u64; SMALL * SMALL],
        _: &mut Vec<u32>,
    ) -> Option<(usize, u64)> {
        None
    }
}

/// Scans whole lines of `bytes` into `acc` and returns how many bytes it
/// consumed: all of them, or up to the start of the first line it does not
/// take (see the module documentation). `bytes` should end with `\n`; a
/// final line without one is left unconsumed.
#[inline(always)]
pub fn scan(bytes: &[u8], limits: Limits, acc: &mut Scan) -> usize {
    scan_with(bytes, limits, acc, Portable)
}

/// [`scan`], with `wide` tried first on blocks of short lines.
#[inline(always)]
pub fn scan_with(bytes: &[u8], limits: Limits, acc: &mut Scan, wide: impl ShortLines) -> usize {
    if acc.quads.is_empty() {
        acc.quads = vec![0; 1 << 16];
    }
    let Scan {
        small,
        quads,
        triples,
        other,
        last,
        lines: total_lines,
        unfolded: _,
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
        // Blocks of short lines, as long as they come: the wide tier's
        // first, then the portable one's (which takes a block the wide tier
        // declines up to its first bad line).
        let from = pos;
        while let Some((consumed, block_lines)) =
            wide.short_lines(bytes, pos, limits, &mut prev, small, triples)
        {
            pos += consumed;
            lines += block_lines;
            if consumed < 64 - 3 {
                break;
            }
        }
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
        let Some((face, next)) = plain_line(bytes, pos, limits) else {
            return stop(pos, prev, lines, last, total_lines);
        };
        pos = next;
        lines += 1;
        if let Some(value) = face {
            pair(small, other, prev, value);
            prev = value;
        }
    }
    stop(pos, prev, lines, last, total_lines)
}

#[cfg(test)]
mod tests {
    use super::super::counts::NO_PREVIOUS;
    use super::*;

    const ANY: Limits = Limits {
        min: 0,
        max: 1_000_000,
    };

    fn counts(scan: &Scan) -> Vec<((u32, u32), u64)> {
        scan.pairs().entries()
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
}
