//! The multi-column scanner: the face field of a delimited log without
//! quotes, 64 bytes at a time, visiting only newlines and delimiters and
//! counting a line's delimiters with `popcnt`.

use super::counts::{pair, Scan, NO_PREVIOUS, SMALL};
use super::masks;
use super::plan::{Columns, Limits};

/// [`scan`](super::scan) for multi-column logs: takes lines of exactly `width` fields,
/// without quotes, NUL or stray CR (a CR right before `\n` ends the line),
/// not starting with `#`, whose face field is 1 to 7 ASCII digits without a
/// leading zero within `limits`; stops at the first other line.
///
/// Works 64 bytes at a time: `masks::fields` marks the newlines and
/// delimiters, and only those bytes are visited.
#[inline(always)]
pub fn scan_columns(bytes: &[u8], limits: Limits, columns: Columns, acc: &mut Scan) -> usize {
    let Scan {
        small,
        other,
        last,
        lines,
        ..
    } = acc;
    let Ok(small) = <&mut [u64; SMALL * SMALL]>::try_from(small.as_mut_slice()) else {
        unreachable!("the table is allocated at its fixed size")
    };
    let count = |prev, face| pair(small, other, prev, face);
    // The commonest layout, the face last, has its own build.
    match columns.face + 1 == columns.width {
        true => scan_columns_as::<true>(bytes, limits, columns, last, lines, count),
        false => scan_columns_as::<false>(bytes, limits, columns, last, lines, count),
    }
}

/// The faces of the lines [`scan_columns`] takes, in order, appended to
/// `faces`: for `audit` and `--sequential`, which keep the rolls' order.
/// Returns (bytes consumed, lines consumed).
pub fn ordered_columns(
    bytes: &[u8],
    limits: Limits,
    columns: Columns,
    faces: &mut Vec<u32>,
) -> (usize, u64) {
    let (mut last, mut lines) = (NO_PREVIOUS, 0);
    let keep = |_, face| faces.push(face);
    let used = match columns.face + 1 == columns.width {
        true => scan_columns_as::<true>(bytes, limits, columns, &mut last, &mut lines, keep),
        false => scan_columns_as::<false>(bytes, limits, columns, &mut last, &mut lines, keep),
    };
    (used, lines)
}

/// [`scan_columns`], built for the face field being the last (`LAST`) or
/// not. When it is last, a line's face starts after the line's last
/// delimiter (its field count is checked apart), so a block's share of the
/// line needs only its highest delimiter, not the one at a given index.
/// Each face taken goes to `take(previous face, face)`; `last` is the
/// previous face on entry and the last one on return, and `total_lines`
/// gains the lines consumed.
#[inline(always)]
fn scan_columns_as<const LAST: bool>(
    bytes: &[u8],
    limits: Limits,
    columns: Columns,
    last: &mut u32,
    total_lines: &mut u64,
    mut take_face: impl FnMut(u32, u32),
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
        let block = match bytes.get(base..base + 64).map(<&masks::Block>::try_from) {
            Some(Ok(block)) => block,
            _ => {
                padded[..real].copy_from_slice(&bytes[base..base + real]);
                &padded
            }
        };
        let inside = u64::MAX >> (64 - real);
        let (newline, delim, special) = masks::fields(block, delimiter);
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
            // A line starting with `#` is a comment, whatever it holds.
            let face = (field + 1 == width && bytes.get(line) != Some(&b'#'))
                .then(|| bytes.get(from..to).and_then(parse_face))
                .flatten()
                .filter(|f| (limits.min..=limits.max).contains(f));
            let Some(face) = face else {
                *last = prev;
                *total_lines += lines;
                return line;
            };
            take_face(prev, face);
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
    *total_lines += lines;
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

/// The value of 1 to 7 ASCII digits without a leading zero.
#[inline]
fn parse_face(digits: &[u8]) -> Option<u32> {
    let digit = |d: u8| u32::from(d.wrapping_sub(b'0'));
    match *digits {
        // The commonest faces, without a loop.
        [d] => Some(digit(d)).filter(|&v| v < 10),
        [t, d] => (digit(t).wrapping_sub(1) < 9 && digit(d) < 10).then(|| 10 * digit(t) + digit(d)),
        [] | [b'0', ..] => None,
        _ if digits.len() <= 7 => digits
            .iter()
            .try_fold(0u32, |v, &d| d.is_ascii_digit().then(|| v * 10 + digit(d))),
        _ => None,
    }
}
