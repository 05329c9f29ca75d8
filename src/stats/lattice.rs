//! The null law of a statistic that is a sum of per-face terms, on an
//! integer lattice: the dynamic programme behind the exact test's
//! `lattice` method.
//!
//! Every ordering of the exact multinomial test orders the outcomes x
//! (Σ x_k = N) by a sum of per-face terms, T(x) = Σ_k t_k(x_k). When each
//! term is given as an integer key κ_k(x) (the term itself for the X² of a
//! fair die, whose T is Σ x_k²; the term over a step δ, rounded, otherwise),
//! the null law of κ(x) = Σ_k κ_k(x_k) follows from a dynamic programme over
//! the faces. Its state after the first j faces is (m, s): m rolls used and
//! the partial key s; its weight is the probability of that partial outcome,
//! built as a chain of binomials so that every weight is a probability and
//! nothing overflows:
//!
//! ```text
//! P0(x) = Π_k Bin(x_k; N − m_k, q_k),   m_k = x_1 + … + x_{k−1},
//! q_k = p_k / (p_k + … + p_K)
//! F_{j+1}(m + x, s + κ_j(x)) += F_j(m, s) · Bin(x; N − m, q_j)
//! P(κ ≥ c) = Σ_m Σ_{s + κ_K(N − m) ≥ c} F_{K−1}(m, s)      (the last face takes the rest)
//! ```
//! (Keich and Nagarajan 2006 convolve the same per-face terms on a lattice;
//! this is a direct convolution.) Each layer F_j(m, ·) is kept as a sorted
//! list of the keys that occur, so a lattice as fine as 10^12 steps per unit
//! costs only as many states as there are distinct partial sums. Partial
//! sums that every completion takes above the highest cut (or below the
//! lowest) are settled at once (the network algorithm's pruning, Mehta and
//! Patel 1983). Every weight is a sum of positive products, so the tails are
//! accurate to about K·N·ε relative, however small, down to the smallest
//! normal f64 (about 1e-308).

/// What a run of [`tails`] found: the tail probabilities and the work.
#[derive(Debug, Clone, PartialEq)]
pub struct Tails {
    /// P(κ ≥ c) for each cut c, in the order given.
    pub tails: Vec<f64>,
    /// The states visited: candidate (key, weight) pairs plus the dense
    /// scratch lengths, the unit of [`tails`]'s `max_work`.
    pub work: u64,
}

/// Compensated (Neumaier) summation (also the exact test's enumeration's).
#[derive(Default, Clone, Copy)]
pub(crate) struct Sum {
    sum: f64,
    carry: f64,
}

impl Sum {
    pub(crate) fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.carry += (self.sum - t) + x;
        } else {
            self.carry += (x - t) + self.sum;
        }
        self.sum = t;
    }

    pub(crate) fn value(self) -> f64 {
        self.sum + self.carry
    }
}

/// The smallest and largest Σ_{k ≥ j} κ_k(x_k) over the ways of putting r
/// rolls on faces j..K: `lo[j][r]`, `hi[j][r]` (r = 0..=N), with
/// `lo[K][0] = hi[K][0] = 0` and `None` where no way exists.
fn remaining_ranges(keys: &[Vec<i64>]) -> Vec<Vec<Option<(i64, i64)>>> {
    let k = keys.len();
    let n = keys[0].len() - 1;
    let mut out = vec![vec![None; n + 1]; k + 1];
    out[k][0] = Some((0, 0));
    for j in (0..k).rev() {
        for r in 0..=n {
            let mut best: Option<(i64, i64)> = None;
            for x in 0..=r {
                if let Some((lo, hi)) = out[j + 1][r - x] {
                    let (lo, hi) = (lo + keys[j][x], hi + keys[j][x]);
                    best = Some(match best {
                        None => (lo, hi),
                        Some((a, b)) => (a.min(lo), b.max(hi)),
                    });
                }
            }
            out[j][r] = best;
        }
    }
    out
}

/// ln C(r, x) + x ln q + (r − x) ln(1 − q): the log of the binomial
/// probability Bin(x; r, q), −∞ when it is 0.
fn ln_binomial(ln_fact: &[f64], r: usize, x: usize, ln_q: f64, ln_1q: f64) -> f64 {
    let mut v = ln_fact[r] - ln_fact[x] - ln_fact[r - x];
    if x > 0 {
        v += x as f64 * ln_q;
    }
    if r > x {
        v += (r - x) as f64 * ln_1q;
    }
    v
}

/// The null probabilities P(κ(x) ≥ c) of the lattice statistic
/// κ(x) = Σ_k κ_k(x_k), for each cut c in `cuts`, under Multinomial(N, p).
///
/// `probs` are the K ≥ 1 face probabilities (positive, summing to 1);
/// `keys[k][x]` is face k's integer key for a count x = 0..=N (every row the
/// same length N + 1), with |Σ_k κ_k| below 2^62. `ln_fact[x]` = ln x! for
/// x = 0..=N. Returns `None` as soon as the work (see [`Tails::work`])
/// passes `max_work`, so a caller can try a coarser lattice.
pub fn tails(
    probs: &[f64],
    keys: &[Vec<i64>],
    ln_fact: &[f64],
    cuts: &[i64],
    max_work: u64,
) -> Option<Tails> {
    let k = probs.len();
    let n = keys[0].len() - 1;
    let (Some(&c_min), Some(&c_max)) = (cuts.iter().min(), cuts.iter().max()) else {
        return Some(Tails {
            tails: Vec::new(),
            work: 0,
        });
    };
    let ranges = remaining_ranges(keys);
    // rest[j] = p_j + … + p_K, from the end so the last is p_K itself.
    let mut rest = vec![0.0; k + 1];
    for j in (0..k).rev() {
        rest[j] = rest[j + 1] + probs[j];
    }
    let mut settled = Sum::default();
    let mut work: u64 = 0;
    let mut layer: Vec<Vec<(i64, f64)>> = vec![Vec::new(); n + 1];
    layer[0].push((0, 1.0));
    let mut candidates: Vec<(i64, f64)> = Vec::new();
    let mut scratch: Vec<f64> = Vec::new();
    for j in 0..k.saturating_sub(1) {
        let q = (probs[j] / rest[j]).min(1.0);
        let (ln_q, ln_1q) = (q.ln(), (-q).ln_1p());
        let mut next: Vec<Vec<(i64, f64)>> = vec![Vec::new(); n + 1];
        for (m_new, slot) in next.iter_mut().enumerate() {
            // Faces j+1..K take the remaining N − m_new rolls.
            let Some((rem_lo, rem_hi)) = ranges[j + 1][n - m_new] else {
                continue;
            };
            candidates.clear();
            for (m, states) in layer.iter().enumerate().take(m_new + 1) {
                if states.is_empty() {
                    continue;
                }
                let x = m_new - m;
                let w = ln_binomial(ln_fact, n - m, x, ln_q, ln_1q).exp();
                if w == 0.0 {
                    continue;
                }
                let shift = keys[j][x];
                work += states.len() as u64;
                for &(s, v) in states {
                    let s = s + shift;
                    let weight = v * w;
                    if s + rem_lo >= c_max {
                        settled.add(weight);
                    } else if s + rem_hi >= c_min && weight > 0.0 {
                        candidates.push((s, weight));
                    }
                }
            }
            if work > max_work {
                return None;
            }
            work += consolidate(&mut candidates, &mut scratch, slot);
        }
        layer = next;
    }
    // The last face takes the remaining rolls with probability 1.
    let mut totals = vec![settled; cuts.len()];
    for (m, states) in layer.iter().enumerate() {
        if states.is_empty() {
            continue;
        }
        let shift = keys[k - 1][n - m];
        // Suffix sums from the largest key down: small terms first.
        let mut suffix = vec![0.0; states.len() + 1];
        let mut acc = Sum::default();
        for i in (0..states.len()).rev() {
            acc.add(states[i].1);
            suffix[i] = acc.value();
        }
        work += states.len() as u64;
        for (total, &c) in totals.iter_mut().zip(cuts) {
            let first = states.partition_point(|&(s, _)| s + shift < c);
            total.add(suffix[first]);
        }
    }
    Some(Tails {
        tails: totals.iter().map(|t| t.value().min(1.0)).collect(),
        work,
    })
}

/// Sums equal keys of `candidates` into `out`, sorted by key: through a
/// dense scratch array when the keys span little more than their number,
/// else by sorting. Returns the work (the scratch length or the sort size).
fn consolidate(
    candidates: &mut [(i64, f64)],
    scratch: &mut Vec<f64>,
    out: &mut Vec<(i64, f64)>,
) -> u64 {
    if candidates.is_empty() {
        return 0;
    }
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for &(s, _) in candidates.iter() {
        lo = lo.min(s);
        hi = hi.max(s);
    }
    let span = (hi - lo) as u64 + 1;
    if span <= 4 * candidates.len() as u64 + 64 {
        scratch.clear();
        scratch.resize(span as usize, 0.0);
        for &(s, v) in candidates.iter() {
            scratch[(s - lo) as usize] += v;
        }
        out.extend(
            scratch
                .iter()
                .enumerate()
                .filter(|&(_, &v)| v > 0.0)
                .map(|(i, &v)| (lo + i as i64, v)),
        );
        span
    } else {
        // Stable sort: the candidates are runs already sorted (one per
        // layer), which it finds and merges.
        candidates.sort_by_key(|&(s, _)| s);
        for &(s, v) in candidates.iter() {
            match out.last_mut() {
                Some(last) if last.0 == s => last.1 += v,
                _ => out.push((s, v)),
            }
        }
        candidates.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::stats::testing::rel;

    fn ln_fact(n: usize) -> Vec<f64> {
        let mut out = vec![0.0; n + 1];
        for x in 1..=n {
            out[x] = out[x - 1] + (x as f64).ln();
        }
        out
    }

    #[test]
    fn coin_tails_are_binomial_tails() {
        // κ = x_1 (the second face's key is 0): P(X ≥ c), X ~ Bin(10, 0.3),
        // against a direct sum of binomial terms; 1e-14 relative.
        let n = 10;
        let keys = vec![(0..=n as i64).collect(), vec![0; n + 1]];
        let lf = ln_fact(n);
        let got = tails(&[0.3, 0.7], &keys, &lf, &[0, 3, 7, 11], u64::MAX).unwrap();
        let pmf = |x: usize| {
            (lf[n] - lf[x] - lf[n - x]).exp() * 0.3f64.powi(x as i32) * 0.7f64.powi((n - x) as i32)
        };
        for (i, c) in [0usize, 3, 7, 11].into_iter().enumerate() {
            let want: f64 = (c..=n).map(pmf).sum();
            let got = got.tails[i];
            assert!(
                (c > n && got == 0.0) || rel(got, want) < 1e-14,
                "c = {c}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn sum_of_squares_matches_brute_force() {
        // Three faces, N = 7, κ = Σ x², every cut from 0 to 50, against a
        // direct loop over the 36 outcomes; 1e-14 relative.
        let n = 7usize;
        let p = [0.2, 0.3, 0.5];
        let keys: Vec<Vec<i64>> = (0..3)
            .map(|_| (0..=n as i64).map(|x| x * x).collect())
            .collect();
        let lf = ln_fact(n);
        let cuts: Vec<i64> = (0..=49).collect();
        let got = tails(&p, &keys, &lf, &cuts, u64::MAX).unwrap();
        for (i, &c) in cuts.iter().enumerate() {
            let mut want = 0.0;
            for a in 0..=n {
                for b in 0..=(n - a) {
                    let d = n - a - b;
                    if (a * a + b * b + d * d) as i64 >= c {
                        want += (lf[n] - lf[a] - lf[b] - lf[d]).exp()
                            * p[0].powi(a as i32)
                            * p[1].powi(b as i32)
                            * p[2].powi(d as i32);
                    }
                }
            }
            assert!(
                rel(got.tails[i], want) < 1e-14,
                "c = {c}: {} vs {want}",
                got.tails[i]
            );
        }
        // Past the largest Σ x² = 49: nothing.
        assert_eq!(tails(&p, &keys, &lf, &[50], u64::MAX).unwrap().tails, [0.0]);
    }

    #[test]
    fn stops_at_the_work_limit() {
        let n = 30usize;
        let keys: Vec<Vec<i64>> = (0..6)
            .map(|_| (0..=n as i64).map(|x| x * x * 1_000_003).collect())
            .collect();
        assert!(tails(&[1.0 / 6.0; 6], &keys, &ln_fact(n), &[180_000_000], 1000).is_none());
        assert!(tails(
            &[1.0 / 6.0; 6],
            &keys,
            &ln_fact(n),
            &[180_000_000],
            u64::MAX
        )
        .is_some());
    }
}
