//! Byte classes of a 64-byte block as bit masks: bit i stands for byte i.
//!
//! The fast scanners ask the same questions of every byte (is it a newline,
//! a delimiter, a digit?); answering them for 64 bytes at once turns a loop
//! over bytes into a loop over the few bytes that matter, found with
//! `trailing_zeros`. On x86_64 the answers come from SSE2 (16 bytes per
//! compare, part of the baseline every x86_64 CPU has); elsewhere from a
//! plain loop. Both give the same masks (tested below).

/// A block of bytes to classify.
pub type Block = [u8; 64];

/// The lines of a one-column log: `(newline, neither)`, where `newline`
/// marks `\n` and `neither` marks every byte that is neither `\n` nor an
/// ASCII digit.
#[inline]
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

/// The fields of a delimited log: `(newline, delimiter, special)`, marking
/// `\n`, the delimiter, and `"`, `\r` or NUL. A byte equal to the
/// delimiter is marked as a delimiter only.
#[inline]
pub fn fields(block: &Block, delimiter: u8) -> (u64, u64, u64) {
    #[cfg(target_arch = "x86_64")]
    let (newline, delim, special) = {
        // SAFETY: SSE2 is part of the x86_64 baseline, so the CPU has it.
        unsafe { sse2::fields(block, delimiter) }
    };
    #[cfg(not(target_arch = "x86_64"))]
    let (newline, delim, special) = portable::fields(block, delimiter);
    (newline & !delim, delim, special & !delim)
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
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x, _mm_setzero_si128,
    };

    /// Bytes 16i..16i+16 of `block` (the compiler makes this one unaligned load).
    #[inline]
    #[target_feature(enable = "sse2")]
    fn lane(block: &Block, i: usize) -> __m128i {
        let word = |at: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&block[at..at + 8]);
            i64::from_le_bytes(w)
        };
        _mm_set_epi64x(word(16 * i + 8), word(16 * i))
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

    #[inline]
    #[target_feature(enable = "sse2")]
    pub fn fields(block: &Block, delimiter: u8) -> (u64, u64, u64) {
        let newline = _mm_set1_epi8(b'\n' as i8);
        let delim = _mm_set1_epi8(delimiter as i8);
        let cr = _mm_set1_epi8(b'\r' as i8);
        let quote = _mm_set1_epi8(b'"' as i8);
        let nul = _mm_setzero_si128();
        let (mut n, mut d, mut s) = (0, 0, 0);
        for i in 0..4 {
            let v = lane(block, i);
            n |= bits(_mm_cmpeq_epi8(v, newline), i);
            d |= bits(_mm_cmpeq_epi8(v, delim), i);
            let quote_or_cr = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, cr));
            s |= bits(_mm_or_si128(quote_or_cr, _mm_cmpeq_epi8(v, nul)), i);
        }
        (n, d, s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
    }
}
