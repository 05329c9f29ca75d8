//! Sampling rolls of a die, reproducibly.
//!
//! Every random draw starts from one pinned generator, [`DiceRng`]: PCG64
//! (`Lcg128Xsl64`, the XSL-RR 128/64 member of O'Neill's PCG family, from
//! `rand_pcg`, whose output stream is value-stable by that crate's promise).
//! A `--seed S` is turned into the generator's 128-bit state and stream by
//! SplitMix64 ([`seeded_rng`]), written out here rather than
//! borrowed from `rand_core::SeedableRng::seed_from_u64`, whose expansion is
//! not promised to stay the same across versions.
//!
//! Faces are drawn from raw 64-bit words by algorithms written out below, not
//! by `rand`'s distributions, whose value stability is only promised within a
//! patch series. This keeps `simulate --seed S` byte-identical across
//! platforms and across every later version of diceml (golden tests pin it
//! against an independent Python re-implementation):
//!
//! - a fair K-faced die: Lemire's bounded integer for the bound B = K^m,
//!   decoded into m faces ([`UniformBatch`]): m rolls per 64-bit word,
//!   exactly uniform (it rejects to remove modulo bias);
//! - a loaded die: Walker's alias method in Vose's construction over a
//!   power-of-two number of columns ([`AliasTable`]): column and coin are
//!   bit fields of a word (2 to 5 rolls a word), the coin compared with the
//!   top 7 or 8 bits of the column's 64-bit threshold and settled by a fresh
//!   word on a tie; O(1) per roll for any K;
//! - counts only: the multinomial by conditional binomials
//!   ([`multinomial`]), O(K) whatever N.

use rand::RngCore;
use rand_distr::{Binomial, Distribution};
use rand_pcg::Lcg128Xsl64;

/// The pinned generator behind every seeded draw in diceml.
pub type DiceRng = Lcg128Xsl64;

/// One step of SplitMix64 (Steele, Lea & Flood 2014): advances `state` and
/// returns the next well-mixed 64-bit word.
///
/// ```text
/// state += 0x9E3779B97F4A7C15
/// z = (state ^ (state >> 30)) * 0xBF58476D1CE4E5B9
/// z = (z ^ (z >> 27)) * 0x94D049BB133111EB
/// return z ^ (z >> 31)
/// ```
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Builds the pinned generator from a 64-bit seed.
///
/// Four SplitMix64 words w0..w3 from `seed` give
/// `state = w0·2^64 + w1` and `stream = w2·2^64 + w3` for
/// `Lcg128Xsl64::new(state, stream)`. This mapping is part of diceml's
/// reproducibility contract and must never change.
pub fn seeded_rng(seed: u64) -> DiceRng {
    let mut s = seed;
    let mut word = || splitmix64(&mut s) as u128;
    let state = (word() << 64) | word();
    let stream = (word() << 64) | word();
    Lcg128Xsl64::new(state, stream)
}

/// A generator seeded from the operating system's entropy, with the seed it
/// used (so that a run can be reported and repeated).
pub fn os_seeded_rng() -> (DiceRng, u64) {
    let seed = rand::random::<u64>();
    (seeded_rng(seed), seed)
}

/// The most rolls one batch yields.
pub const MAX_BATCH: usize = 64;

/// Uniform faces in `0..K`, m at a time from one 64-bit word.
///
/// With B = K^m (m the largest with K^m ≤ 2^48, at most 64), Lemire's
/// method (2019) on a word x gives V = ⌊x·B / 2^64⌋, exactly uniform on
/// 0..B once x is redrawn whenever x·B mod 2^64 < 2^64 mod B (probability
/// below 2^-16). The m base-K digits of V, most significant first, are m
/// independent uniform faces; they come out of m successive 64×64→128-bit
/// products: r = x·K, face = r >> 64, x = r mod 2^64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UniformBatch {
    k: u64,
    m: usize,
    /// B = K^m (at most 2^48).
    bound: u64,
    threshold: u64,
}

impl UniformBatch {
    /// The batch for a K-faced die, 1 ≤ K ≤ 2^32.
    pub fn new(k: u64) -> Self {
        debug_assert!((1..=1 << 32).contains(&k));
        let (mut m, mut bound) = (1usize, u128::from(k));
        while m < MAX_BATCH && bound * u128::from(k) <= 1 << 48 {
            m += 1;
            bound *= u128::from(k);
        }
        let threshold = ((1u128 << 64) % bound) as u64;
        UniformBatch {
            k,
            m,
            bound: bound as u64,
            threshold,
        }
    }

    /// Rolls per batch.
    pub fn len(&self) -> usize {
        self.m
    }

    /// Always false: a batch holds at least one roll.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Writes the next m faces into `out[..m]`.
    #[inline]
    pub fn fill<R: RngCore + ?Sized>(&self, rng: &mut R, out: &mut [u32; MAX_BATCH]) {
        self.fill_batches(rng, &mut out[..self.m]);
    }

    /// Fills `out`, whose length is a multiple of m, with whole batches in
    /// order: the same faces as `out.len() / m` calls of [`fill`](Self::fill).
    #[inline(never)]
    pub fn fill_batches<R: RngCore + ?Sized>(&self, rng: &mut R, out: &mut [u32]) {
        debug_assert_eq!(out.len() % self.m, 0);
        for batch in out.chunks_exact_mut(self.m) {
            let mut x = self.accepted_word(rng);
            for face in batch {
                let r = u128::from(x) * u128::from(self.k);
                *face = (r >> 64) as u32;
                x = r as u64;
            }
        }
    }

    /// The next word that [`fill`](Self::fill) would accept, without
    /// decoding it: the m decoding steps leave x·K^m mod 2^64, which one
    /// wrapping multiplication by B gives directly.
    #[inline]
    fn accepted_word<R: RngCore + ?Sized>(&self, rng: &mut R) -> u64 {
        loop {
            let x = rng.next_u64();
            if x.wrapping_mul(self.bound) >= self.threshold {
                return x;
            }
        }
    }
}

/// Walker's alias table for a loaded die (Vose's stable construction),
/// sampled from raw bits.
///
/// The K faces are spread over K' = 2^j columns, j = ⌈log2 K⌉; columns K
/// and up have weight 0, so they always give their alias. Each column c
/// holds a face, an alias face, and an integer threshold T_c = ⌊w_c · 2^64⌋
/// of its kept weight w_c (u64::MAX when the column keeps its face for
/// sure).
///
/// Each 64-bit word is cut, from its most significant end, into r fields of
/// B bits ([`Layout`]): r = 5, B = 12 up to K = 16; r = 4, B = 16 up to 512;
/// r = 3, B = 21 up to 16,384; r = 2, B = 32 beyond. A field's low
/// c = min(8, B − j) bits are the coin u and the j bits above them the
/// column, exactly uniform on 0..K' with no rejection since K' is a power of
/// two; bits above those go unused. The roll keeps its column when u is
/// below the top c bits of T_c and takes the alias when above. Ties
/// (probability 2^−c each) are settled after the word's rolls, in roll
/// order, by one fresh word w each: the column when (w >> c) is below the
/// low 64 − c bits of T_c. So a roll keeps its column with probability
/// exactly T_c / 2^64, and comparing integers keeps the stream identical on
/// every platform.
///
/// How the stream is computed, not what it is: up to K = 512 the column and
/// coin index a table of every outcome (2^(j+c) entries, at most 128 KB);
/// beyond, the column reads one `u32`, `alias << 8 | top c bits of T_c` (so
/// K ≤ 2^24; diceml allows 10^6 faces). The full thresholds are read only to
/// settle ties.
#[derive(Debug, Clone)]
pub struct AliasTable {
    layout: Layout,
    /// j: there are 2^j columns.
    column_bits: u32,
    /// How a field is decided: a table up to K = 512, packed columns beyond.
    decide: Decide,
    /// T_c of each column, for the ties.
    threshold: Vec<u64>,
    /// The alias of each column, for the ties.
    alias: Vec<u32>,
}

/// What decides a roll of an [`AliasTable`] from its field.
#[derive(Debug, Clone)]
enum Decide {
    /// Up to K = 512, every outcome: `rolls[column << c | coin]` is the
    /// face, or `TIE | column` when the coin equals the top c bits of the
    /// column's threshold.
    Table(Box<[u16]>),
    /// Beyond K = 512: `alias[c] << 8 | (T_c >> (64 − c))` for each column
    /// c: 4 bytes a column, so 2^14 columns fit in 64 KB.
    Packed(Box<[u32]>),
}

/// How a loaded die's rolls are cut from a 64-bit word (see [`AliasTable`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Up to 16 faces: 5 fields of 12 bits.
    Fields12,
    /// Up to 512 faces: 4 fields of 16 bits.
    Fields16,
    /// Up to 16,384 faces: 3 fields of 21 bits.
    Fields21,
    /// Beyond: 2 fields of 32 bits.
    Fields32,
}

impl Layout {
    /// The layout for 2^j columns.
    fn for_columns(j: u32) -> Self {
        match j {
            0..=4 => Layout::Fields12,
            5..=9 => Layout::Fields16,
            10..=14 => Layout::Fields21,
            _ => Layout::Fields32,
        }
    }

    /// (fields a word r, field bits B).
    pub fn fields(self) -> (usize, u32) {
        match self {
            Layout::Fields12 => (5, 12),
            Layout::Fields16 => (4, 16),
            Layout::Fields21 => (3, 21),
            Layout::Fields32 => (2, 32),
        }
    }

    /// The coin's bits c = min(8, B − j) for 2^j columns.
    fn coin_bits(self, j: u32) -> u32 {
        8.min(self.fields().1 - j)
    }
}

/// Marks a tie in [`AliasTable`]'s table of rolls (faces are below 512 there).
const TIE: u16 = 1 << 15;

/// The most faces an [`AliasTable`] takes: the alias must fit in 24 bits.
pub const MAX_ALIAS_FACES: usize = 1 << 24;

impl AliasTable {
    /// Builds the table from normalised probabilities (non-negative, summing
    /// to 1 within rounding; at most [`MAX_ALIAS_FACES`] faces).
    pub fn new(probs: &[f64]) -> Self {
        let k = probs.len();
        assert!(
            (1..=MAX_ALIAS_FACES).contains(&k),
            "an alias table takes 1 to 2^24 faces, not {k}"
        );
        let column_bits = k.next_power_of_two().trailing_zeros();
        let layout = Layout::for_columns(column_bits);
        let coin_bits = layout.coin_bits(column_bits);
        let columns = 1usize << column_bits;
        // p·2^j is exact: scaling by a power of two only moves the exponent.
        let mut scaled: Vec<f64> = (0..columns)
            .map(|i| probs.get(i).map_or(0.0, |&p| p * columns as f64))
            .collect();
        let mut alias: Vec<u32> = (0..columns as u32).collect();
        let mut keep = vec![1.0_f64; columns];
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..columns).partition(|&i| scaled[i] < 1.0);
        while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
            small.pop();
            keep[s] = scaled[s];
            alias[s] = l as u32;
            scaled[l] = (scaled[l] + scaled[s]) - 1.0;
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // Whatever is left (in either list) keeps its own face with
        // certainty: only rounding put it there, so its weight is 1 within
        // rounding, far from an empty column's 0.
        let threshold: Vec<u64> = keep
            .iter()
            .map(|&w| {
                if w >= 1.0 {
                    u64::MAX
                } else {
                    // w·2^64 < 2^64, exact in f64 → u64 conversion (truncating).
                    (w * 18_446_744_073_709_551_616.0) as u64
                }
            })
            .collect();
        let top = |t: u64| t >> (64 - coin_bits);
        let decide = if matches!(layout, Layout::Fields12 | Layout::Fields16) {
            let coins = 1usize << coin_bits;
            let mut table = vec![0u16; columns * coins].into_boxed_slice();
            for (c, (&t, &a)) in threshold.iter().zip(&alias).enumerate() {
                let top = top(t) as usize;
                for (u, roll) in table[c * coins..(c + 1) * coins].iter_mut().enumerate() {
                    *roll = match u.cmp(&top) {
                        std::cmp::Ordering::Less => c as u16,
                        std::cmp::Ordering::Equal => TIE | c as u16,
                        std::cmp::Ordering::Greater => a as u16,
                    };
                }
            }
            Decide::Table(table)
        } else {
            Decide::Packed(
                threshold
                    .iter()
                    .zip(&alias)
                    .map(|(&t, &a)| a << 8 | top(t) as u32)
                    .collect(),
            )
        };
        AliasTable {
            layout,
            column_bits,
            decide,
            threshold,
            alias,
        }
    }

    /// The coin's bits c.
    fn coin_bits(&self) -> u32 {
        self.layout.coin_bits(self.column_bits)
    }

    /// Rolls drawn from each 64-bit word.
    pub fn batch_len(&self) -> usize {
        self.layout.fields().0
    }

    /// Writes the next word's rolls into `out[..batch_len()]`.
    #[inline]
    pub fn fill(&self, rng: &mut DiceRng, out: &mut [u32; MAX_BATCH]) {
        self.fill_batches(rng, &mut out[..self.batch_len()]);
    }

    /// Fills `out`, whose length is a multiple of [`batch_len`](Self::batch_len),
    /// with the rolls of successive words in order: the same faces as
    /// `out.len() / batch_len()` calls of [`fill`](Self::fill).
    ///
    /// The generator is copied into a local for the loop, so that its state
    /// stays in registers rather than going through memory on every word.
    #[inline(never)]
    pub fn fill_batches(&self, rng: &mut DiceRng, out: &mut [u32]) {
        let mut local = rng.clone();
        // Constant field widths and counts: fixed shifts, unrolled loops.
        match (&self.decide, self.layout, self.coin_bits()) {
            (Decide::Table(rolls), Layout::Fields12, _) => {
                self.table_words::<5, 12>(rolls, &mut local, out)
            }
            (Decide::Table(rolls), _, _) => self.table_words::<4, 16>(rolls, &mut local, out),
            (Decide::Packed(packed), Layout::Fields21, 8) => {
                self.packed_words::<3, 21, 8>(packed, &mut local, out)
            }
            (Decide::Packed(packed), Layout::Fields21, _) => {
                self.packed_words::<3, 21, 7>(packed, &mut local, out)
            }
            (Decide::Packed(packed), _, _) => {
                self.packed_words::<2, 32, 8>(packed, &mut local, out)
            }
        }
        *rng = local;
    }

    /// Words of `N` fields of `B ≤ 16` bits, each decided by one load from
    /// the table of rolls, indexed by the field's low j + c bits.
    #[inline(always)]
    fn table_words<const N: usize, const B: u32>(
        &self,
        rolls: &[u16],
        rng: &mut DiceRng,
        out: &mut [u32],
    ) {
        debug_assert_eq!(out.len() % N, 0);
        // 2^(j+c) − 1, as the table's length so that indexing needs no check.
        let mask = rolls.len() - 1;
        let (chunks, _) = out.as_chunks_mut::<N>();
        for batch in chunks {
            let word = rng.next_u64();
            let mut flags = 0;
            for (i, face) in batch.iter_mut().enumerate() {
                let field = (word << (B * i as u32)) >> (64 - B);
                let roll = rolls[field as usize & mask];
                flags |= roll;
                *face = u32::from(roll);
            }
            if flags & TIE != 0 {
                self.settle_ties(rng, word, batch);
            }
        }
    }

    /// Words of `N` fields of `B` bits with a coin of `C` bits, each decided
    /// from the packed column.
    #[inline(always)]
    fn packed_words<const N: usize, const B: u32, const C: u32>(
        &self,
        packed: &[u32],
        rng: &mut DiceRng,
        out: &mut [u32],
    ) {
        debug_assert_eq!(out.len() % N, 0);
        // 2^j − 1, as the slice's length so that indexing needs no check.
        let columns = packed.len() - 1;
        let (chunks, _) = out.as_chunks_mut::<N>();
        for batch in chunks {
            let word = rng.next_u64();
            let mut tied = false;
            // Branch-free: the coin is unpredictable, and a mispredicted
            // branch per roll would cost more than the rest of the roll.
            for (i, face) in batch.iter_mut().enumerate() {
                let field = ((word << (B * i as u32)) >> (64 - B)) as u32;
                let c = (field >> C) as usize & columns;
                let u = field & ((1 << C) - 1);
                let entry = packed[c];
                let t = entry & 0xFF;
                tied |= u == t;
                *face = std::hint::select_unpredictable(u < t, c as u32, entry >> 8);
            }
            if tied {
                self.settle_ties(rng, word, batch);
            }
        }
    }

    /// Re-decides, in roll order, the rolls whose coin tied the top bits of
    /// their column's threshold (see the type's documentation), decoding
    /// the fields again from the word.
    #[cold]
    #[inline(never)]
    fn settle_ties(&self, rng: &mut DiceRng, word: u64, out: &mut [u32]) {
        let (_, b) = self.layout.fields();
        let coin_bits = self.coin_bits();
        let columns = (1u64 << self.column_bits) - 1;
        let low = u64::MAX >> coin_bits;
        for (i, face) in out.iter_mut().enumerate() {
            let field = (word << (b * i as u32)) >> (64 - b);
            let c = ((field >> coin_bits) & columns) as usize;
            let u = field & ((1 << coin_bits) - 1);
            let t = self.threshold[c];
            if u == t >> (64 - coin_bits) {
                let heads = (rng.next_u64() >> coin_bits) < (t & low);
                *face = if heads { c as u32 } else { self.alias[c] };
            }
        }
    }
}

/// Draws multinomial counts: `n` rolls over faces with normalised
/// probabilities `probs`, in O(K) time whatever `n`.
///
/// Conditional binomials: n_1 ~ Bin(n, p_1), then
/// n_k ~ Bin(n − Σ_{j<k} n_j, p_k / (1 − Σ_{j<k} p_j)), and the last face
/// takes what remains. Binomial draws use `rand_distr::Binomial` (BTPE for
/// large means); its stream is pinned by a golden test.
pub fn multinomial<R: RngCore + ?Sized>(rng: &mut R, n: u64, probs: &[f64]) -> Vec<u64> {
    let mut counts = vec![0u64; probs.len()];
    let mut remaining = n;
    let mut mass_left = 1.0_f64;
    let last = probs.len().saturating_sub(1);
    for (k, &p) in probs.iter().enumerate() {
        if remaining == 0 {
            break;
        }
        if k == last {
            counts[k] = remaining;
            break;
        }
        let share = if mass_left > 0.0 {
            (p / mass_left).clamp(0.0, 1.0)
        } else {
            1.0
        };
        let draw = binomial(rng, remaining, share);
        counts[k] = draw;
        remaining -= draw;
        mass_left -= p;
    }
    counts
}

/// One draw of Bin(n, p), 0 ≤ p ≤ 1, for every n < 2^64.
///
/// `rand_distr::Binomial` (0.5) asserts that its mode, n·p' + p' with
/// p' = min(p, 1 − p), is below 2^63, so it panics for n near 2^64 and p
/// near ½. Where it would, the draw is split by the identity
///
/// ```text
/// Bin(n, p) = Bin(⌊n/2⌋, p) + Bin(n − ⌊n/2⌋, p)      (independent draws)
/// ```
///
/// first half first; everywhere else it is rand_distr's draw unchanged, so
/// the `--counts` and Monte Carlo streams that worked before are kept.
fn binomial<R: RngCore + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    let small = if p > 0.5 { 1.0 - p } else { p };
    if n as f64 * small + small >= i64::MAX as f64 {
        let half = n / 2;
        return binomial(rng, half, p) + binomial(rng, n - half, p);
    }
    match Binomial::new(n, p) {
        Ok(b) => b.sample(rng),
        // Only a NaN p can fail, and the callers never pass one.
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomial_splits_only_where_rand_distr_would_panic() {
        // Below the bound the draw is rand_distr's own, the same stream.
        let (mut a, mut b) = (seeded_rng(5), seeded_rng(5));
        let n = 1u64 << 62;
        let own = Binomial::new(n, 0.5).unwrap().sample(&mut a);
        assert_eq!(binomial(&mut b, n, 0.5), own);
        // At the top of the range it returns a draw within 6 standard
        // deviations (√(n/4) ≈ 2.1e9) of the mean n/2, for either side of ½.
        for (seed, p) in [(1, 0.5), (2, 0.5 + 1e-9), (3, 0.5 - 1e-9), (4, 0.75)] {
            let mut rng = seeded_rng(seed);
            let x = binomial(&mut rng, u64::MAX, p);
            let mean = u64::MAX as f64 * p;
            let sd = (u64::MAX as f64 * p * (1.0 - p)).sqrt();
            assert!((x as f64 - mean).abs() < 6.0 * sd, "{seed}: {x}");
        }
    }

    #[test]
    fn splitmix64_matches_reference_vector() {
        // Reference values of SplitMix64 from seed 1234567 (Vigna's splitmix64.c).
        let mut s = 1234567u64;
        let got: Vec<u64> = (0..3).map(|_| splitmix64(&mut s)).collect();
        assert_eq!(
            got,
            vec![
                6457827717110365317,
                3203168211198807973,
                9817491932198370423
            ]
        );
    }

    #[test]
    fn batches_are_as_long_as_the_bound_allows() {
        // 6^18 ≈ 1.0e14 ≤ 2^48 ≈ 2.8e14 < 6^19; 2^48 exactly for a coin.
        assert_eq!(UniformBatch::new(6).len(), 18);
        assert_eq!(UniformBatch::new(2).len(), 48);
        assert_eq!(UniformBatch::new(1).len(), MAX_BATCH);
        assert_eq!(UniformBatch::new(1_000_000).len(), 2);
        assert_eq!(UniformBatch::new(1 << 32).len(), 1);
    }

    #[test]
    fn uniform_batches_are_unbiased_and_in_range() {
        let mut rng = seeded_rng(42);
        let batch = UniformBatch::new(6);
        let mut out = [0u32; MAX_BATCH];
        let mut counts = [0u64; 6];
        for _ in 0..50_000 {
            batch.fill(&mut rng, &mut out);
            for &f in &out[..batch.len()] {
                counts[f as usize] += 1;
            }
        }
        // 900,000 rolls; each count is Bin(n, 1/6), sd ≈ 353.6; allow 5 sd.
        for c in counts {
            assert!((c as f64 - 150_000.0).abs() < 5.0 * 353.6, "{counts:?}");
        }
    }

    #[test]
    fn a_one_faced_die_always_rolls_zero() {
        let mut rng = seeded_rng(1);
        let mut out = [7u32; MAX_BATCH];
        UniformBatch::new(1).fill(&mut rng, &mut out);
        assert!(out.iter().all(|&f| f == 0));
    }

    #[test]
    fn alias_coins_keep_their_column_with_the_threshold_probability() {
        // Two faces, two columns: column 0 keeps face 0 with probability
        // 2p. p = 3/1024 puts the threshold at 0x0180…, whose top byte ties
        // 1 time in 256: the tie rule must still land.
        for p in [0.25, 0.15, 3.0 / 1024.0] {
            let table = AliasTable::new(&[p, 1.0 - p]);
            let mut rng = seeded_rng(5);
            let mut out = [0u32; MAX_BATCH];
            let (mut n, mut zeros) = (0u64, 0u64);
            while n < 400_000 {
                table.fill(&mut rng, &mut out);
                zeros += out[..table.batch_len()].iter().filter(|&&f| f == 0).count() as u64;
                n += table.batch_len() as u64;
            }
            let sd = (n as f64 * p * (1.0 - p)).sqrt();
            assert!(
                (zeros as f64 - n as f64 * p).abs() < 5.0 * sd,
                "p={p}: {zeros}/{n}"
            );
        }
    }

    /// One word's rolls decoded field by field from the thresholds and
    /// aliases, as docs/cli.md states the rule: the slow, plain reading of
    /// the stream that the table and packed loops must reproduce.
    fn reference_word(table: &AliasTable, rng: &mut DiceRng) -> Vec<u32> {
        let (r, b) = table.layout.fields();
        let (j, c) = (table.column_bits, table.coin_bits());
        let word = rng.next_u64();
        let mut faces = Vec::new();
        let mut ties = Vec::new();
        for i in 0..r as u32 {
            let field = (word >> (64 - b * (i + 1))) & ((1 << b) - 1);
            let column = ((field >> c) & ((1 << j) - 1)) as usize;
            let u = field & ((1 << c) - 1);
            let top = table.threshold[column] >> (64 - c);
            faces.push(if u < top {
                column as u32
            } else {
                table.alias[column]
            });
            if u == top {
                ties.push((i as usize, column));
            }
        }
        for (i, column) in ties {
            let t = table.threshold[column];
            let heads = (rng.next_u64() >> c) < (t & (u64::MAX >> c));
            faces[i] = if heads {
                column as u32
            } else {
                table.alias[column]
            };
        }
        faces
    }

    #[test]
    fn every_layout_follows_the_documented_rule() {
        // K at the edges of each layout; uneven weights so that columns
        // take aliases, and a zero weight that must never be drawn.
        let mut weights = seeded_rng(12);
        for k in [
            1usize, 2, 3, 7, 16, 17, 255, 256, 257, 511, 512, 513, 8192, 8193, 16_384, 16_385,
            40_000,
        ] {
            let mut probs: Vec<f64> = (0..k)
                .map(|_| (weights.next_u64() >> 11) as f64 + 1.0)
                .collect();
            if k > 2 {
                probs[1] = 0.0;
            }
            let total: f64 = probs.iter().sum();
            probs.iter_mut().for_each(|p| *p /= total);
            let table = AliasTable::new(&probs);
            let r = table.batch_len();
            let words = 6000 / r;
            let mut fast = vec![0u32; words * r];
            let (mut a, mut b) = (seeded_rng(k as u64), seeded_rng(k as u64));
            table.fill_batches(&mut a, &mut fast);
            let slow: Vec<u32> = (0..words)
                .flat_map(|_| reference_word(&table, &mut b))
                .collect();
            assert_eq!(fast, slow, "K = {k}");
            assert_eq!(a.next_u64(), b.next_u64(), "K = {k}: words drawn");
            assert!(fast.iter().all(|&f| (f as usize) < k), "K = {k}");
            if k > 2 {
                assert!(!fast.contains(&1), "K = {k}: a zero weight was drawn");
            }
        }
    }

    #[test]
    fn alias_table_recovers_probabilities() {
        let probs = [0.5, 0.25, 0.125, 0.125, 0.0];
        let table = AliasTable::new(&probs);
        let mut rng = seeded_rng(7);
        let mut out = [0u32; MAX_BATCH];
        let mut counts = [0u64; 5];
        let mut n = 0u64;
        while n < 400_000 {
            table.fill(&mut rng, &mut out);
            for &f in &out[..table.batch_len()] {
                counts[f as usize] += 1;
            }
            n += table.batch_len() as u64;
        }
        assert_eq!(counts[4], 0, "a zero-probability face is never drawn");
        for (c, p) in counts.iter().zip(probs) {
            let sd = (n as f64 * p * (1.0 - p)).sqrt();
            assert!(
                (*c as f64 - n as f64 * p).abs() <= 5.0 * sd + 1e-9,
                "{counts:?}"
            );
        }
    }

    #[test]
    fn multinomial_sums_to_n_even_for_huge_n() {
        let mut rng = seeded_rng(3);
        let probs = [0.1, 0.2, 0.3, 0.4];
        let n = 1_000_000_000_000_000u64;
        let counts = multinomial(&mut rng, n, &probs);
        assert_eq!(counts.iter().sum::<u64>(), n);
        for (c, p) in counts.iter().zip(probs) {
            let sd = (n as f64 * p * (1.0 - p)).sqrt();
            assert!((*c as f64 - n as f64 * p).abs() <= 6.0 * sd, "{counts:?}");
        }
    }

    #[test]
    fn multinomial_respects_zero_probabilities() {
        let mut rng = seeded_rng(9);
        let counts = multinomial(&mut rng, 1000, &[0.0, 1.0, 0.0]);
        assert_eq!(counts, vec![0, 1000, 0]);
    }
}
