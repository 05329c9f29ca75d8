//! The one-column scanner's short-line tier for CPUs with AVX-512 VBMI2
//! (Ice Lake and later): 64 bytes of lines of one or two digits (a d20's
//! log, say) in a few dozen vector instructions and one counter increment
//! per line.
//!
//! [`super::lines`]' portable tier finds each newline with `trailing_zeros`
//! and looks its face up in a table, about a dozen dependent scalar steps
//! per line. Here one `vpcompressb` packs the byte before every newline
//! (the last digit) side by side, a second the byte before that (the tens
//! digit, or `\n` for a one-digit line); the faces, their checks and the
//! pair indices `prev · SMALL + face` are computed for all lines at once,
//! and only the increments of the pair counters stay scalar. The answers
//! are the portable tier's: a block it would not take whole (a longer line,
//! a byte that is neither a digit nor `\n`, a face outside the limits, a
//! padded face like `07`) returns `None` and goes to the portable tiers,
//! which take or refuse it line by line. A property test compares the
//! scanners built with and without this tier (`dispatch.rs`).

use std::arch::x86_64::{
    __m512i, _mm256_cvtepu8_epi16, _mm256_mask_mov_epi16, _mm256_or_si256, _mm256_set1_epi16,
    _mm256_slli_epi16, _mm256_storeu_si256, _mm512_add_epi8, _mm512_and_si512,
    _mm512_castsi512_si128, _mm512_castsi512_si256, _mm512_cmpeq_epi8_mask, _mm512_cmpgt_epu8_mask,
    _mm512_cmplt_epu8_mask, _mm512_cvtepu8_epi16, _mm512_loadu_si512, _mm512_mask_mov_epi8,
    _mm512_mask_permutexvar_epi8, _mm512_maskz_compress_epi8, _mm512_or_si512,
    _mm512_permutexvar_epi8, _mm512_set1_epi8, _mm512_slli_epi16, _mm512_storeu_si512 as store,
    _mm512_sub_epi8,
};

use super::counts::SMALL;
use super::plan::Limits;

/// Whether the CPU has what [`short_lines`] is compiled for.
pub fn available() -> bool {
    std::is_x86_feature_detected!("avx512f")
        && std::is_x86_feature_detected!("avx512bw")
        && std::is_x86_feature_detected!("avx512vbmi")
        && std::is_x86_feature_detected!("avx512vbmi2")
        && std::is_x86_feature_detected!("avx512vl")
}

/// Byte lanes holding `a·i + b` (wrapping), as permutation indices.
const fn lanes(a: usize, b: usize) -> [u8; 64] {
    let mut lanes = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        lanes[i] = (a * i + b) as u8;
        i += 1;
    }
    lanes
}

/// Lane i takes lane i − 1 (lane 0 is masked off and takes the previous
/// block's last face).
const PREVIOUS_LANE: [u8; 64] = lanes(1, 255);
/// Lane t takes the first, middle and last face of triple t: lanes 2t − 1
/// (lane 0 masked off, as above), 2t and 2t + 1.
const TRIPLE_FIRST: [u8; 64] = lanes(2, 255);
const TRIPLE_MIDDLE: [u8; 64] = lanes(2, 0);
const TRIPLE_LAST: [u8; 64] = lanes(2, 1);

/// Faces below this go by triples (5 bits each).
const TRIPLE_FACES: u8 = 32;

/// The size of the triples table: keys `a << 10 | b << 5 | c` below
/// 2^15, and [`JUNK`] for the lanes beyond the block's triples, so that
/// all 16 lanes are counted without a branch; any 16-bit key is in bounds.
pub const TRIPLES: usize = 1 << 16;

/// The slot counted by the lanes that hold no triple (never read).
pub const JUNK: usize = 1 << 15;

/// A permutation index vector.
#[inline]
#[target_feature(enable = "avx512f")]
fn index(lanes: &[u8; 64]) -> __m512i {
    // SAFETY: `lanes` is 64 readable bytes; the load has no alignment
    // requirement.
    unsafe { _mm512_loadu_si512(lanes.as_ptr().cast()) }
}

/// The faces' bounds as bytes: faces here are below 100, so a bound above
/// 255 is as good as 255.
pub fn byte_limits(limits: Limits) -> (u8, u8) {
    (limits.min.min(255) as u8, limits.max.min(255) as u8)
}

/// Counts the pairs of the lines that end in the 64 bytes at `pos` when
/// all of them are blank or hold one or two digits, with no padded face
/// and every face within `limits` (from [`byte_limits`]): `pos` must be a
/// line start at least 2 bytes in, and `*prev` below [`SMALL`]. Returns
/// (bytes consumed, lines consumed), the consumed bytes ending at the
/// block's last newline. `None` (nothing consumed) sends the block to the
/// portable tiers.
///
/// For the line ending at newline `e`, with `a = b[e−1] & 15` and
/// `t = b[e−2] & 15` (a digit's value, or 10 for `\n`): the line is blank
/// when `a` = 10, the face is `a` when `t` = 10, is padded when `t` = 0,
/// and is `10t + a` otherwise.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi,avx512vbmi2,avx512vl,avx2,popcnt,lzcnt")]
pub fn short_lines(
    bytes: &[u8],
    pos: usize,
    limits: (u8, u8),
    prev: &mut u32,
    small: &mut [u64; SMALL * SMALL],
    triples: &mut [u32; TRIPLES],
) -> Option<(usize, u64)> {
    // The block and the two bytes before it, which a line may reach into.
    let window: &[u8; 66] = bytes.get(pos.checked_sub(2)?..pos + 64)?.try_into().ok()?;
    if *prev as usize >= SMALL {
        return None;
    }
    let load = |at: usize| -> __m512i {
        let bytes: &[u8; 64] = window[at..at + 64].try_into().unwrap_or(&[0; 64]);
        // SAFETY: `bytes` is 64 readable bytes; the load has no alignment
        // requirement.
        unsafe { _mm512_loadu_si512(bytes.as_ptr().cast()) }
    };
    let (block, last, tens) = (load(2), load(1), load(0));
    let newline_byte = _mm512_set1_epi8(b'\n' as i8);
    let newline = _mm512_cmpeq_epi8_mask(block, newline_byte);
    let digit = _mm512_cmplt_epu8_mask(
        _mm512_sub_epi8(block, _mm512_set1_epi8(b'0' as i8)),
        _mm512_set1_epi8(10),
    );
    if newline | digit != u64::MAX || newline == 0 {
        return None;
    }
    // Lines of three or more digits: three non-newlines in a row (byte
    // pos − 1 is a newline, so the shifts bring in the right zeros).
    let consumed = 64 - newline.leading_zeros() as usize;
    let digits = !newline & (u64::MAX >> (64 - consumed));
    if digits & digits << 1 & digits << 2 != 0 {
        return None;
    }
    // Blank lines end where the byte before the newline is one too.
    let ends = newline & !_mm512_cmpeq_epi8_mask(last, newline_byte);
    let faces = ends.count_ones() as usize;
    let low = _mm512_set1_epi8(0x0F);
    let a = _mm512_and_si512(_mm512_maskz_compress_epi8(ends, last), low);
    let t = _mm512_and_si512(_mm512_maskz_compress_epi8(ends, tens), low);
    let one_digit = _mm512_cmpeq_epi8_mask(t, _mm512_set1_epi8(10));
    let padded = _mm512_cmpeq_epi8_mask(t, _mm512_set1_epi8(0));
    let ten_t = _mm512_add_epi8(_mm512_slli_epi16::<3>(t), _mm512_slli_epi16::<1>(t));
    let face = _mm512_mask_mov_epi8(_mm512_add_epi8(ten_t, a), one_digit, a);
    let outside = (padded & !one_digit)
        | _mm512_cmplt_epu8_mask(face, _mm512_set1_epi8(limits.0 as i8))
        | _mm512_cmpgt_epu8_mask(face, _mm512_set1_epi8(limits.1 as i8));
    // Every face line is at least 2 bytes, so there are at most 32.
    let lanes = (1u64 << faces) - 1;
    if outside & lanes != 0 {
        return None;
    }
    // Triples need every face of theirs below TRIPLE_FACES, the previous
    // block's last one included.
    if faces >= 2
        && *prev < u32::from(TRIPLE_FACES)
        && _mm512_cmpgt_epu8_mask(face, _mm512_set1_epi8(TRIPLE_FACES as i8 - 1)) & lanes == 0
    {
        count_triples(face, faces, prev, small, triples);
    } else {
        count_pairs(face, faces, prev, small);
    }
    Some((consumed, u64::from(newline.count_ones())))
}

/// Counts the pairs of the `faces` faces in `face`'s low lanes, after
/// `*prev`, one counter increment per pair at `prev · SMALL + face`
/// (SMALL = 128), and leaves the last face in `*prev`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi")]
fn count_pairs(face: __m512i, faces: usize, prev: &mut u32, small: &mut [u64; SMALL * SMALL]) {
    // Each line's previous face: the face one lane down, and `prev` in
    // lane 0; then the pair's counter index, as 32 16-bit lanes.
    let before = _mm512_mask_permutexvar_epi8(
        _mm512_set1_epi8(*prev as i8),
        !1,
        index(&PREVIOUS_LANE),
        face,
    );
    let key = _mm512_or_si512(
        _mm512_slli_epi16::<7>(_mm512_cvtepu8_epi16(_mm512_castsi512_si256(before))),
        _mm512_cvtepu8_epi16(_mm512_castsi512_si256(face)),
    );
    let mut keys = [0u16; 32];
    // SAFETY: `keys` is 64 writable bytes; the store has no alignment
    // requirement.
    unsafe { store(keys.as_mut_ptr().cast(), key) };
    for &k in &keys[..faces] {
        small[usize::from(k) % (SMALL * SMALL)] += 1;
    }
    if faces > 0 {
        *prev = u32::from(keys[faces - 1]) % SMALL as u32;
    }
}

/// Counts the pairs of the `faces` ≥ 2 faces in `face`'s low lanes, after
/// `*prev`, all of them and `*prev` below [`TRIPLE_FACES`], two pairs per counter increment:
/// the sequence `prev, f₀, f₁, …` as the triples `(prev, f₀, f₁)`,
/// `(f₁, f₂, f₃)`, … (each holds two pairs, and consecutive triples share
/// a face, so every pair is in exactly one), keyed `a << 10 | b << 5 | c`
/// in `triples`, and a last pair in `small` when `faces` is odd. Leaves the
/// last face in `*prev`. Half the increments of [`count_pairs`], which is
/// what bounds this tier's speed.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi,avx512vl,avx2")]
fn count_triples(
    face: __m512i,
    faces: usize,
    prev: &mut u32,
    small: &mut [u64; SMALL * SMALL],
    triples: &mut [u32; TRIPLES],
) {
    let first = _mm512_mask_permutexvar_epi8(
        _mm512_set1_epi8(*prev as i8),
        !1,
        index(&TRIPLE_FIRST),
        face,
    );
    let middle = _mm512_permutexvar_epi8(index(&TRIPLE_MIDDLE), face);
    let last = _mm512_permutexvar_epi8(index(&TRIPLE_LAST), face);
    // At most 16 triples: 16-bit keys in one 256-bit vector.
    let wide = |v: __m512i| _mm256_cvtepu8_epi16(_mm512_castsi512_si128(v));
    let key = _mm256_or_si256(
        _mm256_or_si256(
            _mm256_slli_epi16::<10>(wide(first)),
            _mm256_slli_epi16::<5>(wide(middle)),
        ),
        wide(last),
    );
    // Up to 16 triples: the mask is computed in 32 bits, where 1 << 16 fits.
    let triples_mask = ((1u32 << (faces / 2)) - 1) as u16;
    let key = _mm256_mask_mov_epi16(_mm256_set1_epi16(JUNK as i16), triples_mask, key);
    let mut keys = [0u16; 16];
    // SAFETY: `keys` is 32 writable bytes; the store has no alignment
    // requirement.
    unsafe { _mm256_storeu_si256(keys.as_mut_ptr().cast(), key) };
    for k in keys {
        let slot = &mut triples[usize::from(k)];
        *slot = slot.wrapping_add(1);
    }
    let mut all = [0u8; 64];
    // SAFETY: `all` is 64 writable bytes; the store has no alignment
    // requirement.
    unsafe { store(all.as_mut_ptr().cast(), face) };
    let (before, final_face) = (all[(faces - 2) % 64], all[(faces - 1) % 64]);
    if faces % 2 == 1 {
        small[usize::from(before) * SMALL + usize::from(final_face)] += 1;
    }
    *prev = u32::from(final_face);
}
