//! Sampling rolls of a die, reproducibly.
//!
//! Every random draw starts from one pinned generator, [`DiceRng`]: PCG64
//! (`Lcg128Xsl64`, the XSL-RR 128/64 member of O'Neill's PCG family, from
//! `rand_pcg`, whose output stream is value-stable by that crate's promise).
//! A `--seed S` is turned into the generator's 128-bit state and stream by
//! SplitMix64 ([`DiceRng::from_seed_u64`]), written out here rather than
//! borrowed from `rand_core::SeedableRng::seed_from_u64`, whose expansion is
//! not promised to stay the same across versions.
//!
//! Faces are drawn from raw 64-bit words by algorithms written out below, not
//! by `rand`'s distributions, whose value stability is only promised within a
//! patch series. This keeps `simulate --seed S` byte-identical across
//! platforms and across every later version of diceml (a golden test pins
//! it):
//!
//! - a fair K-faced die: Lemire's nearly-divisionless bounded integer
//!   ([`uniform_below`]), which rejects to remove modulo bias;
//! - a loaded die: Walker's alias method in Vose's construction
//!   ([`AliasTable`]), O(1) per roll for any K;
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

/// A uniform integer in `0..bound` (`bound ≥ 1`) without modulo bias.
///
/// Lemire (2019), "Fast random integer generation in an interval": take a
/// 64-bit word x, form the 128-bit product m = x·bound; the answer is
/// m >> 64 unless the low half l = m mod 2^64 falls below
/// t = 2^64 mod bound, in which case x is redrawn.
#[inline]
pub fn uniform_below<R: RngCore + ?Sized>(rng: &mut R, bound: u64) -> u64 {
    debug_assert!(bound >= 1);
    let mut m = u128::from(rng.next_u64()) * u128::from(bound);
    if (m as u64) < bound {
        let threshold = bound.wrapping_neg() % bound;
        while (m as u64) < threshold {
            m = u128::from(rng.next_u64()) * u128::from(bound);
        }
    }
    (m >> 64) as u64
}

/// Walker's alias table for a loaded die (Vose's stable construction).
///
/// Each of the K columns holds a face `i`, an alias face, and an integer
/// threshold T_i = round(prob_i · 2^64) (saturating). A roll picks a column
/// c uniformly with [`uniform_below`], then one more word w: the face is c
/// when w < T_c, else alias[c]. Comparing integers keeps the stream
/// identical on every platform.
#[derive(Debug, Clone)]
pub struct AliasTable {
    threshold: Vec<u64>,
    alias: Vec<u32>,
}

impl AliasTable {
    /// Builds the table from normalised probabilities (non-negative, summing
    /// to 1 within rounding; at most `u32::MAX` faces).
    pub fn new(probs: &[f64]) -> Self {
        let k = probs.len();
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
        let threshold = keep
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
        AliasTable { threshold, alias }
    }

    /// Draws one face index in `0..K`.
    #[inline]
    pub fn sample<R: RngCore + ?Sized>(&self, rng: &mut R) -> usize {
        let column = uniform_below(rng, self.threshold.len() as u64) as usize;
        if rng.next_u64() < self.threshold[column] {
            column
        } else {
            self.alias[column] as usize
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
    fn uniform_below_is_unbiased_and_in_range() {
        let mut rng = seeded_rng(42);
        let k = 6u64;
        let n = 600_000;
        let mut counts = [0u64; 6];
        for _ in 0..n {
            counts[uniform_below(&mut rng, k) as usize] += 1;
        }
        // Each count is Bin(n, 1/6): sd = sqrt(n·(1/6)(5/6)) ≈ 288.7; allow 5 sd.
        for c in counts {
            assert!((c as f64 - 100_000.0).abs() < 5.0 * 288.7, "{counts:?}");
        }
    }

    #[test]
    fn uniform_below_one_is_zero() {
        let mut rng = seeded_rng(1);
        assert!((0..100).all(|_| uniform_below(&mut rng, 1) == 0));
    }

    #[test]
    fn alias_table_recovers_probabilities() {
        let probs = [0.5, 0.25, 0.125, 0.125, 0.0];
        let table = AliasTable::new(&probs);
        let mut rng = seeded_rng(7);
        let n = 400_000;
        let mut counts = [0u64; 5];
        for _ in 0..n {
            counts[table.sample(&mut rng)] += 1;
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
