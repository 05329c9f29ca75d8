//! Byte classes as bit masks: bit i stands for byte i of a 64-byte block
//! (or, for the word masks, byte i of an 8-byte word).
//!
//! The fast scanners ask the same questions of every byte (is it a newline,
//! a delimiter, a digit?); answering them for 64 bytes at once turns a loop
//! over bytes into a loop over the few bytes that matter, found with
//! `trailing_zeros`. On x86_64 the answers come from SSE2 (16 bytes per
//! compare, part of the baseline every x86_64 CPU has); elsewhere from a
//! plain loop. Both give the same masks (tested below). One question is
//! asked of 16 bytes rather than 64: whether they are eight one-digit lines
//! ([`eight_digit_lines`]), the whole of a d6 log.
//!
//! The word masks ([`four_digit_lines`], [`word_digit_lines`]) answer the
//! same questions for 8 bytes in a `u64` with plain integer operations, for
//! the one-column scanner's shorter steps.

/// A block of bytes to classify.
pub type Block = [u8; 64];

/// The lines of a one-column log: `(newline, neither)`, where `newline`
/// marks `\n` and `neither` marks every byte that is neither `\n` nor an
/// ASCII digit.
#[inline(always)]
pub fn digit_lines(block: &Block) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86_64 baseline, so the CPU has it.
        unsafe { sse2::digit_lines(block) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        portable::digit_lines(block)
    }
}

/// Sixteen bytes that are eight lines of one digit each, every digit an
/// ASCII byte in `lo..=hi`: the two 8-byte words' quad keys, the digits'
/// values as nibbles `d0 | d1 << 4 | d2 << 8 | d3 << 12`. `None` for any
/// other 16 bytes.
#[inline(always)]
pub fn eight_digit_lines(window: &[u8; 16], lo: u8, hi: u8) -> Option<(u64, u64)> {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86_64 baseline, so the CPU has it.
        unsafe { sse2::eight_digit_lines(window, lo, hi) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        portable::eight_digit_lines(window, lo, hi)
    }
}

/// The fields of a delimited log: `(newline, delimiter, special)`, marking
/// `\n`, the delimiter, and `"`, `\r` or NUL. A byte equal to the
/// delimiter is marked as a delimiter only. `special` is computed only when
/// there is one (the block is first tested as a whole), since clean logs
/// have none.
#[inline(always)]
pub fn fields(block: &Block, delimiter: u8) -> (u64, u64, u64) {
    #[cfg(target_arch = "x86_64")]
    let (newline, delim, any_special) = {
        // SAFETY: SSE2 is part of the x86_64 baseline, so the CPU has it.
        unsafe { sse2::fields(block, delimiter) }
    };
    #[cfg(not(target_arch = "x86_64"))]
    let (newline, delim, any_special) = {
        let (newline, delim, special) = portable::fields(block, delimiter);
        (newline, delim, special != 0)
    };
    let special = match any_special {
        false => 0,
        true => special(block),
    };
    (newline & !delim, delim, special & !delim)
}

/// True when the 8 bytes of `w` (little-endian) are four lines of one ASCII
/// digit each: digit, `\n`, digit, `\n`, ...
#[inline]
pub fn four_digit_lines(w: u64) -> bool {
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
pub fn word_digit_lines(w: u64) -> (u64, bool) {
    let newline = zero_bytes(w ^ 0x0A0A_0A0A_0A0A_0A0A);
    let high_three = zero_bytes((w & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030);
    let above_nine =
        (((w & 0x0F0F_0F0F_0F0F_0F0F) + 0x0606_0606_0606_0606) & 0x1010_1010_1010_1010) << 3;
    let digit = high_three & !above_nine;
    // Gathers bit 7 of byte i into bit i.
    let mask = (newline >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    (mask, newline | digit == 0x8080_8080_8080_8080)
}

/// Marks `"`, `\r` and NUL.
#[cold]
fn special(block: &Block) -> u64 {
    block.iter().enumerate().fold(0, |m, (i, &b)| {
        m | u64::from(matches!(b, b'"' | b'\r' | 0)) << i
    })
}

#[cfg(any(test, not(target_arch = "x86_64")))]
mod portable {
    use super::Block;

    /// Bit i set when `test(block[i])`.
    fn mask(block: &Block, test: impl Fn(u8) -> bool) -> u64 {
        block
            .iter()
            .enumerate()
            .fold(0, |m, (i, &b)| m | u64::from(test(b)) << i)
    }

    pub fn digit_lines(block: &Block) -> (u64, u64) {
        (
            mask(block, |b| b == b'\n'),
            mask(block, |b| b != b'\n' && !b.is_ascii_digit()),
        )
    }

    pub fn eight_digit_lines(window: &[u8; 16], lo: u8, hi: u8) -> Option<(u64, u64)> {
        let lines = window
            .chunks_exact(2)
            .all(|line| (lo..=hi).contains(&line[0]) && line[1] == b'\n');
        let key =
            |word: &[u8]| (0..4).fold(0, |key, i| key | u64::from(word[2 * i] & 0xF) << (4 * i));
        lines.then(|| (key(&window[..8]), key(&window[8..])))
    }

    pub fn fields(block: &Block, delimiter: u8) -> (u64, u64, u64) {
        (
            mask(block, |b| b == b'\n'),
            mask(block, |b| b == delimiter),
            mask(block, |b| b == b'"' || b == b'\r' || b == 0),
        )
    }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use super::Block;
    use std::arch::x86_64::{
        __m128i, _mm_add_epi64, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8,
        _mm_cvtsi128_si64, _mm_loadu_si128, _mm_madd_epi16, _mm_max_epu8, _mm_min_epu8,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi16, _mm_set1_epi32, _mm_set1_epi8,
        _mm_setzero_si128, _mm_srli_epi64, _mm_unpackhi_epi64,
    };

    /// Bytes 16i..16i+16 of `block`.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn lane(block: &Block, i: usize) -> __m128i {
        let lane = &block[16 * i..16 * i + 16];
        // SAFETY: `lane` is 16 readable bytes (the slicing is checked); the
        // load has no alignment requirement.
        unsafe { _mm_loadu_si128(lane.as_ptr().cast()) }
    }

    /// The 16 lanes' top bits of `v` as bits 16i..16i+16.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn bits(v: __m128i, i: usize) -> u64 {
        u64::from(_mm_movemask_epi8(v) as u16) << (16 * i)
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    pub fn digit_lines(block: &Block) -> (u64, u64) {
        let newline = _mm_set1_epi8(b'\n' as i8);
        let below_zero = _mm_set1_epi8(b'0' as i8 - 1);
        let above_nine = _mm_set1_epi8(b'9' as i8 + 1);
        let (mut nl, mut neither) = (0, 0);
        for i in 0..4 {
            let v = lane(block, i);
            let is_nl = _mm_cmpeq_epi8(v, newline);
            // Signed compares: bytes from 0x80 are negative, so below '0'.
            let digit = _mm_and_si128(_mm_cmpgt_epi8(v, below_zero), _mm_cmplt_epi8(v, above_nine));
            nl |= bits(is_nl, i);
            neither |= bits(_mm_or_si128(is_nl, digit), i);
        }
        (nl, !neither)
    }

    /// Even bytes in lo..=hi and odd bytes `\n` (unsigned byte compares:
    /// v is in range when max(v, low) and min(v, high) are both v); then
    /// the digits' low nibbles, weighted 1 and 16 in pairs by `madd`, and
    /// each word's two sums joined by a shift of 24 and an add.
    #[inline]
    #[target_feature(enable = "sse2")]
    pub fn eight_digit_lines(window: &[u8; 16], lo: u8, hi: u8) -> Option<(u64, u64)> {
        // SAFETY: `window` is 16 readable bytes; the load has no alignment
        // requirement.
        let v = unsafe { _mm_loadu_si128(window.as_ptr().cast()) };
        let low = _mm_set1_epi16(i16::from_le_bytes([lo, b'\n']));
        let high = _mm_set1_epi16(i16::from_le_bytes([hi, b'\n']));
        let above = _mm_cmpeq_epi8(_mm_max_epu8(v, low), v);
        let below = _mm_cmpeq_epi8(_mm_min_epu8(v, high), v);
        if _mm_movemask_epi8(_mm_and_si128(above, below)) != 0xFFFF {
            return None;
        }
        // 16-bit lanes d_i; then 32-bit lanes d0 + 16·d1, d2 + 16·d3, ...
        let digits = _mm_and_si128(v, _mm_set1_epi16(0x000F));
        let pairs = _mm_madd_epi16(digits, _mm_set1_epi32(0x0010_0001));
        // Each 64-bit lane: (d0 + 16·d1) + (d2 + 16·d3) << 8 in its low 16 bits.
        let keys = _mm_add_epi64(pairs, _mm_srli_epi64::<24>(pairs));
        let first = _mm_cvtsi128_si64(keys) as u64 & 0xFFFF;
        let second = _mm_cvtsi128_si64(_mm_unpackhi_epi64(keys, keys)) as u64 & 0xFFFF;
        Some((first, second))
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    pub fn fields(block: &Block, delimiter: u8) -> (u64, u64, bool) {
        let newline = _mm_set1_epi8(b'\n' as i8);
        let delim = _mm_set1_epi8(delimiter as i8);
        let cr = _mm_set1_epi8(b'\r' as i8);
        let quote = _mm_set1_epi8(b'"' as i8);
        let nul = _mm_setzero_si128();
        let (mut n, mut d) = (0, 0);
        let mut s = _mm_setzero_si128();
        for i in 0..4 {
            let v = lane(block, i);
            n |= bits(_mm_cmpeq_epi8(v, newline), i);
            d |= bits(_mm_cmpeq_epi8(v, delim), i);
            let quote_or_cr = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, cr));
            s = _mm_or_si128(s, _mm_or_si128(quote_or_cr, _mm_cmpeq_epi8(v, nul)));
        }
        (n, d, _mm_movemask_epi8(s) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_are_classified_byte_by_byte() {
        let (mask, clean) = word_digit_lines(u64::from_le_bytes(*b"12\n3\n\n45"));
        assert_eq!(mask, 0b0011_0100);
        assert!(clean);
        for bad in [b"12\n3\r\n45", b"12\n3 \n45", b"12\n3:\n45", b"12\n/\n\n45"] {
            assert!(
                !word_digit_lines(u64::from_le_bytes(*bad)).1,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn four_digit_words_are_recognised() {
        assert!(four_digit_lines(u64::from_le_bytes(*b"1\n2\n3\n9\n")));
        assert!(!four_digit_lines(u64::from_le_bytes(*b"1\n2\n3\n:\n")));
        assert!(!four_digit_lines(u64::from_le_bytes(*b"1\n2\n34\n5")));
        assert!(!four_digit_lines(u64::from_le_bytes(*b"1\r\n2\n3\n4")));
    }

    #[test]
    fn eight_digit_lines_give_both_quad_keys() {
        let d6: &[u8; 16] = b"1\n2\n3\n4\n5\n6\n1\n2\n";
        // (16 bytes, lo, hi, the keys expected)
        type Case = (&'static [u8; 16], u8, u8, Option<(u64, u64)>);
        let cases: [Case; 8] = [
            (d6, b'0', b'9', Some((0x4321, 0x2165))),
            (d6, b'1', b'6', Some((0x4321, 0x2165))),
            (b"0\n0\n0\n0\n9\n9\n9\n9\n", b'0', b'9', Some((0, 0x9999))),
            // A digit out of range, a CR, a two-digit line, a shift by one.
            (d6, b'2', b'6', None),
            (d6, b'1', b'5', None),
            (b"1\n2\n3\n4\n5\r6\n1\n2\n", b'0', b'9', None),
            (b"1\n2\n3\n4\n56\n\n1\n2\n", b'0', b'9', None),
            (b"\n1\n2\n3\n4\n5\n6\n1\n2", b'0', b'9', None),
        ];
        for (window, lo, hi, want) in cases {
            assert_eq!(
                eight_digit_lines(window, lo, hi),
                want,
                "{window:?} {lo} {hi}"
            );
        }
    }

    #[test]
    fn masks_mark_the_right_bytes() {
        let mut block = [b'7'; 64];
        block[..12].copy_from_slice(b"12\n3x\n,\"\r\n\0\xB0");
        let (nl, neither) = digit_lines(&block);
        assert_eq!(nl, 1 << 2 | 1 << 5 | 1 << 9);
        assert_eq!(
            neither,
            1 << 4 | 1 << 6 | 1 << 7 | 1 << 8 | 1 << 10 | 1 << 11
        );
        let (nl, delim, special) = fields(&block, b',');
        assert_eq!(nl, 1 << 2 | 1 << 5 | 1 << 9);
        assert_eq!((delim, special), (1 << 6, 1 << 7 | 1 << 8 | 1 << 10));
        // A delimiter that is also a special byte counts as a delimiter.
        let (_, delim, special) = fields(&block, b'"');
        assert_eq!((delim, special), (1 << 7, 1 << 8 | 1 << 10));
    }

    proptest! {
        #[test]
        fn simd_and_portable_masks_agree(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'\n'), Just(b','), Just(b'\r'), Just(b'"'), Just(0u8),
                            b'0'..=b'9', any::<u8>()],
                64,
            ),
            delimiter in prop_oneof![Just(b','), Just(b'\t'), Just(b'"'), any::<u8>()],
        ) {
            let block: Block = bytes.try_into().unwrap();
            let (n, d, s) = portable::fields(&block, delimiter);
            prop_assert_eq!(fields(&block, delimiter), (n & !d, d, s & !d));
            prop_assert_eq!(digit_lines(&block), portable::digit_lines(&block));
        }

        #[test]
        fn simd_and_portable_digit_lines_agree(
            bytes in proptest::collection::vec(
                prop_oneof![4 => Just(b'\n'), 4 => b'0'..=b'9', 1 => any::<u8>()],
                16,
            ),
            lo in b'0'..=b'9',
            span in 0u8..10,
            aligned in any::<bool>(),
        ) {
            // Half the cases start as eight digit lines, the rest as drawn.
            let mut window: [u8; 16] = bytes.try_into().unwrap();
            if aligned {
                for i in 0..8 {
                    window[2 * i + 1] = b'\n';
                    if !window[2 * i].is_ascii_digit() {
                        window[2 * i] = b'5';
                    }
                }
            }
            let hi = lo.saturating_add(span).min(b'9');
            prop_assert_eq!(
                eight_digit_lines(&window, lo, hi),
                portable::eight_digit_lines(&window, lo, hi)
            );
        }
    }
}
