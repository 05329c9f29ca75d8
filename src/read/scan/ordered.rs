//! The ordered scanner: the faces of a one-column log in order, for the
//! commands that need the sequence and not only its counts (`audit`).
//!
//! It takes exactly the lines [`super::scan`] takes (1 to 7 ASCII digits
//! without a leading zero, or blank, ended by `\n` or `\r\n`, the value
//! within the limits) and stops at the first other line, which the general
//! reader then reads; a property test checks the two agree. It goes a line
//! at a time, with a short cut for lines of one and two digits: the
//! sequence, not a count, is the output, so the counting tiers' tables of
//! pairs and quads do not apply, and a line costs a few nanoseconds,
//! against some fifty through the general reader.

use super::lines::plain_line;
use super::plan::Limits;

/// Appends the faces of the whole lines of `bytes` to `faces`, in order,
/// up to the first line the fast path does not take. Returns (bytes
/// consumed, lines consumed, blank lines included).
pub fn ordered_faces(bytes: &[u8], limits: Limits, faces: &mut Vec<u32>) -> (usize, u64) {
    let n = bytes.len();
    let (mut pos, mut lines) = (0usize, 0u64);
    while pos < n {
        // One digit and a newline, the commonest line of a small die's log.
        if let Some(&[d, b'\n']) = bytes.get(pos..pos + 2) {
            let value = u32::from(d.wrapping_sub(b'0'));
            if value < 10 && value >= limits.min && value <= limits.max {
                faces.push(value);
                pos += 2;
                lines += 1;
                continue;
            }
        }
        let Some((face, next)) = plain_line(bytes, pos, limits) else {
            return (pos, lines);
        };
        pos = next;
        lines += 1;
        faces.extend(face);
    }
    (pos, lines)
}

#[cfg(test)]
mod tests {
    use super::super::counts::{Scan, NO_PREVIOUS};
    use super::super::lines::scan;
    use super::*;
    use proptest::prelude::*;

    /// The pairs of consecutive faces, the first one after NO_PREVIOUS, as
    /// a scan counts them.
    fn pairs_of(faces: &[u32]) -> Vec<((u32, u32), u64)> {
        let mut all: Vec<(u32, u32)> = std::iter::once(NO_PREVIOUS)
            .chain(faces.iter().copied())
            .zip(faces.iter().copied())
            .collect();
        all.sort_unstable();
        let mut counted: Vec<((u32, u32), u64)> = Vec::new();
        for pair in all {
            match counted.last_mut() {
                Some((last, n)) if *last == pair => *n += 1,
                _ => counted.push((pair, 1)),
            }
        }
        counted
    }

    #[test]
    fn faces_come_in_order_and_the_scan_stops_where_the_counter_does() {
        let mut faces = Vec::new();
        let text = b"3\n\n12\r\n7\n1000000\n07\n5\n";
        let limits = Limits {
            min: 0,
            max: 1_000_000,
        };
        assert_eq!(ordered_faces(text, limits, &mut faces), (17, 5));
        assert_eq!(faces, [3, 12, 7, 1_000_000]);
        faces.clear();
        assert_eq!(
            ordered_faces(b"1\n2\n9\n3\n", Limits { min: 1, max: 6 }, &mut faces),
            (4, 2)
        );
        assert_eq!(faces, [1, 2]);
    }

    proptest! {
        /// The ordered scanner takes the same lines as the counting one,
        /// and its faces have the counting scan's pairs.
        #[test]
        fn the_ordered_and_counting_scanners_agree(
            lines in proptest::collection::vec(prop_oneof![
                20 => "[1-9]|1[0-9]|20",
                3 => "[0-9]{1,8}",
                1 => prop_oneof![Just(""), Just("4\r"), Just("\r"), Just("0"), Just("x"), Just("5 "), Just("\0")]
                    .prop_map(String::from),
            ], 0..300),
            (min, max) in prop_oneof![Just((1u32, 6u32)), Just((1, 20)), Just((0, 1_000_000))],
        ) {
            let bytes = (lines.join("\n") + "\n").into_bytes();
            let limits = Limits { min, max };
            let mut faces = Vec::new();
            let (used, taken) = ordered_faces(&bytes, limits, &mut faces);
            let mut counted = Scan::new();
            prop_assert_eq!(used, scan(&bytes, limits, &mut counted));
            prop_assert_eq!(taken, counted.lines);
            if !faces.is_empty() {
                prop_assert_eq!(counted.pairs().entries(), pairs_of(&faces));
            }
        }
    }
}
