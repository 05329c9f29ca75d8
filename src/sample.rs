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
//! - a loaded die: Walker's alias method in Vose's construction
//!   ([`AliasTable`]): the column from a [`UniformBatch`], the coin by a lazy
//!   comparison of a random byte with the top byte of the column's 64-bit
//!   threshold, about 8.2 random bits per coin; O(1) per roll for
//!   any K;
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

/// Random bytes for the alias method's coins, drawn a batch at a time.
///
/// Before each batch of m coins the pool makes sure it holds m unused
/// bytes, appending whole 64-bit words (each as its 8 bytes, most
/// significant first) only while it holds fewer. Coins take bytes in order.
/// The bytes live in a buffer several batches long, so used bytes are moved
/// out of the way only once every few dozen refills, not on every one.
#[derive(Debug, Clone)]
pub struct BytePool {
    bytes: Box<[u8; POOL_BYTES]>,
    pos: usize,
    len: usize,
}

/// The pool's buffer: room for many batches, so compaction is rare.
const POOL_BYTES: usize = 16 * MAX_BATCH;

impl Default for BytePool {
    fn default() -> Self {
        BytePool {
            bytes: Box::new([0; POOL_BYTES]),
            pos: 0,
            len: 0,
        }
    }
}

impl BytePool {
    /// An empty pool.
    pub fn new() -> Self {
        BytePool::default()
    }

    /// Makes `m ≤ MAX_BATCH` unused bytes available and returns them.
    #[cfg(test)]
    fn take<R: RngCore + ?Sized>(&mut self, rng: &mut R, m: usize) -> &[u8] {
        let (mut pos, mut len) = (self.pos, self.len);
        let start = top_up(&mut self.bytes, &mut pos, &mut len, rng, m);
        (self.pos, self.len) = (pos, len);
        &self.bytes[start..start + m]
    }
}

/// The pool's step, on its state held in locals (so in registers across a
/// loop of batches): appends words until at least `m` bytes are unused,
/// first moving the unused bytes to the front when the words might not fit
/// behind them, then takes m bytes and returns where they start.
#[inline(always)]
fn top_up<R: RngCore + ?Sized>(
    bytes: &mut [u8; POOL_BYTES],
    pos: &mut usize,
    len: &mut usize,
    rng: &mut R,
    m: usize,
) -> usize {
    if *len - *pos < m {
        if *len + MAX_BATCH + 8 > POOL_BYTES {
            bytes.copy_within(*pos..*len, 0);
            *len -= *pos;
            *pos = 0;
        }
        while *len - *pos < m {
            bytes[*len..*len + 8].copy_from_slice(&rng.next_u64().to_be_bytes());
            *len += 8;
        }
    }
    *pos += m;
    *pos - m
}

/// Walker's alias table for a loaded die (Vose's stable construction).
///
/// Each of the K columns holds a face `i`, an alias face, and an integer
/// threshold T_i = ⌊w_i · 2^64⌋ for its kept weight w_i (u64::MAX when the
/// column keeps its face for sure). A batch of m rolls takes m columns from
/// a [`UniformBatch`], then m coin bytes from the [`BytePool`]. Roll i, in
/// column c, keeps c when its byte u_i is below the top byte of T_c and
/// takes `alias[c]` when above. Ties (probability 1/256 each) are settled
/// after the whole batch, in roll order, by one fresh 64-bit word w each:
/// c when (w >> 8) is below the low 56 bits of T_c. So a roll keeps its
/// column with probability exactly T_c / 2^64, and comparing integers keeps
/// the stream identical on every platform.
///
/// How the stream is computed, not what it is: for K ≤ 256 a roll is one
/// load from a table of every (column, coin byte) outcome; for larger K it
/// reads one `u32`, `alias << 8 | top byte of T_c` (so K ≤ 2^24; diceml
/// allows 10^6 faces). Each batch's column word is accepted before its coins
/// are drawn, so a roll is decoded, looked up and decided in one pass. The
/// full thresholds are read only to settle ties.
#[derive(Debug, Clone)]
pub struct AliasTable {
    /// `alias[c] << 8 | (T_c >> 56)` for each column c: 4 bytes a column,
    /// so 10^4 columns fit in a 48 KB L1 data cache.
    packed: Vec<u32>,
    /// For K ≤ 256, every roll's outcome by (column, coin byte):
    /// `rolls[c << 8 | u]` is the face, or `TIE | c` when u is T_c's top
    /// byte.
    rolls: Option<Box<[u16; 1 << 16]>>,
    /// T_c of each column, for the ties.
    threshold: Vec<u64>,
    columns: UniformBatch,
}

/// Marks a tie in [`AliasTable`]'s table of rolls (faces are below 256 there).
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
        let mut scaled: Vec<f64> = probs.iter().map(|&p| p * k as f64).collect();
        let mut alias: Vec<u32> = (0..k as u32).collect();
        let mut keep = vec![1.0_f64; k];
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..k).partition(|&i| scaled[i] < 1.0);
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
        // Whatever is left (in either list) keeps its own face with certainty:
        // only rounding put it there.
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
        let packed = threshold
            .iter()
            .zip(&alias)
            .map(|(&t, &a)| a << 8 | (t >> 56) as u32)
            .collect();
        let rolls = (k <= 256).then(|| {
            let mut rolls = Box::new([0u16; 1 << 16]);
            for (c, (&t, &a)) in threshold.iter().zip(&alias).enumerate() {
                let top = (t >> 56) as usize;
                for (u, roll) in rolls[c << 8..(c + 1) << 8].iter_mut().enumerate() {
                    *roll = match u.cmp(&top) {
                        std::cmp::Ordering::Less => c as u16,
                        std::cmp::Ordering::Equal => TIE | c as u16,
                        std::cmp::Ordering::Greater => a as u16,
                    };
                }
            }
            rolls
        });
        AliasTable {
            packed,
            rolls,
            threshold,
            columns: UniformBatch::new(k as u64),
        }
    }

    /// Rolls per batch (the column batch's size).
    pub fn batch_len(&self) -> usize {
        self.columns.len()
    }

    /// Writes the next batch of faces into `out[..batch_len()]`: the columns
    /// first, then one coin per column, in order.
    #[inline]
    pub fn fill<R: RngCore + ?Sized>(
        &self,
        rng: &mut R,
        pool: &mut BytePool,
        out: &mut [u32; MAX_BATCH],
    ) {
        self.fill_batches(rng, pool, &mut out[..self.columns.m]);
    }

    /// Fills `out`, whose length is a multiple of m, with whole batches in
    /// order: the same faces as `out.len() / m` calls of [`fill`](Self::fill).
    ///
    /// Each batch's column word is accepted first (its Lemire residual is
    /// x·K^m mod 2^64, one multiplication), so its coins can be drawn before
    /// the columns are decoded, and each roll is decoded, looked up and
    /// decided in one pass.
    #[inline(never)]
    pub fn fill_batches<R: RngCore + ?Sized>(
        &self,
        rng: &mut R,
        pool: &mut BytePool,
        out: &mut [u32],
    ) {
        let UniformBatch { k, m, .. } = self.columns;
        debug_assert_eq!(out.len() % m, 0);
        if let Some(rolls) = &self.rolls {
            // K ≤ 256: one load per roll, indexed by the column's low byte
            // (the whole column) and the coin, so no bounds check either.
            self.batches(
                rng,
                pool,
                out,
                |mut x, coins, batch| {
                    let mut flags = 0;
                    for (face, &u) in batch.iter_mut().zip(coins) {
                        let r = u128::from(x) * u128::from(k);
                        let c = (r >> 64) as u8;
                        x = r as u64;
                        let roll = rolls[usize::from(c) << 8 | usize::from(u)];
                        flags |= roll;
                        *face = u32::from(roll);
                    }
                    flags & TIE != 0
                },
                |rng, _, _, batch| {
                    // The tied rolls hold TIE | c.
                    for face in batch.iter_mut().filter(|f| **f & u32::from(TIE) != 0) {
                        let c = *face & !u32::from(TIE);
                        *face = self.settle(rng, c);
                    }
                },
            );
        } else {
            // K > 256 has 2 to 6 rolls a batch: a loop of known length
            // unrolls, leaving no loop to set up per batch.
            match m {
                2 => self.packed_batches::<R, 2>(rng, pool, out),
                3 => self.packed_batches::<R, 3>(rng, pool, out),
                4 => self.packed_batches::<R, 4>(rng, pool, out),
                5 => self.packed_batches::<R, 5>(rng, pool, out),
                6 => self.packed_batches::<R, 6>(rng, pool, out),
                _ => self.packed_batches::<R, 0>(rng, pool, out),
            }
        }
    }

    /// Batches decided from the packed columns; `M` is the batch length,
    /// or 0 for any length.
    #[inline(always)]
    fn packed_batches<R: RngCore + ?Sized, const M: usize>(
        &self,
        rng: &mut R,
        pool: &mut BytePool,
        out: &mut [u32],
    ) {
        let k = self.columns.k;
        let packed = &self.packed[..];
        let rolls = |mut x: u64, coins: &[u8], batch: &mut [u32]| {
            let mut tied = false;
            // Branch-free: the coin is unpredictable, and a mispredicted
            // branch per roll would cost more than the rest of the roll.
            for (face, &u) in batch.iter_mut().zip(coins) {
                let r = u128::from(x) * u128::from(k);
                let c = (r >> 64) as u32;
                x = r as u64;
                let entry = packed[c as usize];
                let t = entry as u8;
                tied |= u == t;
                *face = std::hint::select_unpredictable(u < t, c, entry >> 8);
            }
            tied
        };
        self.batches(
            rng,
            pool,
            out,
            |x, coins, batch| match (
                <&[u8; M]>::try_from(coins),
                <&mut [u32; M]>::try_from(&mut *batch),
            ) {
                (Ok(coins), Ok(batch)) if M > 0 => rolls(x, coins, batch),
                _ => rolls(x, coins, batch),
            },
            |rng, word, coins, batch| self.settle_ties(rng, word, coins, batch),
        );
    }

    /// The batch loop around `rolls`, which decides one batch from its
    /// column word and coins and says whether any coin tied: draws the
    /// word, tops up the pool (its state kept in registers meanwhile), and
    /// settles the ties.
    #[inline(always)]
    fn batches<R: RngCore + ?Sized>(
        &self,
        rng: &mut R,
        pool: &mut BytePool,
        out: &mut [u32],
        rolls: impl Fn(u64, &[u8], &mut [u32]) -> bool,
        settle: impl Fn(&mut R, u64, &[u8], &mut [u32]),
    ) {
        let m = self.columns.m;
        debug_assert_eq!(out.len() % m, 0);
        let bytes = &mut *pool.bytes;
        let (mut pos, mut len) = (pool.pos, pool.len);
        for batch in out.chunks_exact_mut(m) {
            let word = self.columns.accepted_word(rng);
            let start = top_up(bytes, &mut pos, &mut len, rng, m);
            let coins = &bytes[start..start + m];
            if rolls(word, coins, batch) {
                settle(rng, word, coins, batch);
            }
        }
        (pool.pos, pool.len) = (pos, len);
    }

    /// Re-decides, in roll order, the rolls whose coin byte tied the top
    /// byte of their column's threshold (see the type's documentation); the
    /// columns are decoded again from the batch's word.
    #[cold]
    #[inline(never)]
    fn settle_ties<R: RngCore + ?Sized>(
        &self,
        rng: &mut R,
        word: u64,
        coins: &[u8],
        out: &mut [u32],
    ) {
        let k = self.columns.k;
        let mut x = word;
        for (face, &u) in out.iter_mut().zip(coins) {
            let r = u128::from(x) * u128::from(k);
            let c = (r >> 64) as usize;
            x = r as u64;
            if u == (self.threshold[c] >> 56) as u8 {
                *face = self.settle(rng, c as u32);
            }
        }
    }

    /// The face of a roll in column `c` whose coin byte tied: one fresh
    /// word w, and c when (w >> 8) is below the low 56 bits of T_c.
    #[inline]
    fn settle<R: RngCore + ?Sized>(&self, rng: &mut R, c: u32) -> u32 {
        let threshold = self.threshold[c as usize];
        let heads = (rng.next_u64() >> 8) < (threshold & 0x00FF_FFFF_FFFF_FFFF);
        if heads {
            c
        } else {
            self.packed[c as usize] >> 8
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
        let draw = match Binomial::new(remaining, share) {
            Ok(b) => b.sample(rng),
            // Only a NaN share can fail, and clamp() never yields one here.
            Err(_) => 0,
        };
        counts[k] = draw;
        remaining -= draw;
        mass_left -= p;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // Two columns of weight 1/2 each around p: column 0 keeps face 0
        // with probability 2p. p = 3/1024 puts the threshold at 0x0180…,
        // whose top byte ties 1 time in 256: the tie rule must still land.
        for p in [0.25, 0.15, 3.0 / 1024.0] {
            let table = AliasTable::new(&[p, 1.0 - p]);
            let mut rng = seeded_rng(5);
            let mut pool = BytePool::new();
            let mut out = [0u32; MAX_BATCH];
            let (mut n, mut zeros) = (0u64, 0u64);
            while n < 400_000 {
                table.fill(&mut rng, &mut pool, &mut out);
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

    #[test]
    fn the_table_of_rolls_gives_the_same_stream_as_the_packed_columns() {
        // K ≤ 256 decides rolls from a (column, coin) table; the packed
        // columns must give the same faces and draw the same words.
        for probs in [
            vec![
                1.0 / 21.0,
                2.0 / 21.0,
                3.0 / 21.0,
                4.0 / 21.0,
                5.0 / 21.0,
                6.0 / 21.0,
            ],
            vec![3.0 / 1024.0, 1.0 - 3.0 / 1024.0],
            (1..=256).map(|i| f64::from(i) / 32_896.0).collect(),
        ] {
            let table = AliasTable::new(&probs);
            let mut packed = table.clone();
            assert!(packed.rolls.take().is_some());
            let m = table.batch_len();
            let (mut a, mut b) = (vec![0u32; 500 * m], vec![0u32; 500 * m]);
            let (mut ra, mut rb) = (seeded_rng(3), seeded_rng(3));
            let (mut pa, mut pb) = (BytePool::new(), BytePool::new());
            for _ in 0..20 {
                table.fill_batches(&mut ra, &mut pa, &mut a);
                packed.fill_batches(&mut rb, &mut pb, &mut b);
                assert_eq!(a, b);
            }
            assert_eq!(ra.next_u64(), rb.next_u64());
        }
    }

    #[test]
    fn the_byte_pool_hands_out_words_most_significant_byte_first() {
        let mut a = seeded_rng(8);
        let mut b = seeded_rng(8);
        let mut pool = BytePool::new();
        let first = pool.take(&mut a, 3).to_vec();
        let rest = pool.take(&mut a, 7).to_vec();
        let (w1, w2) = (b.next_u64().to_be_bytes(), b.next_u64().to_be_bytes());
        assert_eq!(first, w1[..3]);
        assert_eq!(rest[..5], w1[3..]);
        assert_eq!(rest[5..], w2[..2]);
    }

    #[test]
    fn alias_table_recovers_probabilities() {
        let probs = [0.5, 0.25, 0.125, 0.125, 0.0];
        let table = AliasTable::new(&probs);
        let mut rng = seeded_rng(7);
        let mut pool = BytePool::new();
        let mut out = [0u32; MAX_BATCH];
        let mut counts = [0u64; 5];
        let mut n = 0u64;
        while n < 400_000 {
            table.fill(&mut rng, &mut pool, &mut out);
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
