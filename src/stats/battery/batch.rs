//! The battery as it was before it streamed: each test over the whole
//! slice of rolls at once (the old, reviewed code, kept as the reference
//! the streaming tests must equal), and the property tests that check it.

use super::*;
use crate::stats::gof;
use proptest::prelude::*;

fn frequency(rolls: &[u32], k: usize) -> Outcome {
    if k < 2 {
        return Outcome::Skipped("a die with one face has no frequencies to test".into());
    }
    let n = rolls.len() as f64;
    if n / (k as f64) < MIN_EXPECTED {
        return Outcome::Skipped(format!(
            "{} rolls expect fewer than {} of each of {k} faces",
            rolls.len(),
            MIN_EXPECTED
        ));
    }
    let mut counts = vec![0u64; k];
    for &x in rolls {
        counts[x as usize] += 1;
    }
    Outcome::Tested(frequency::two_sided(&counts))
}

fn serial(rolls: &[u32], k: usize) -> Outcome {
    if k < 2 {
        return Outcome::Skipped("a die with one face has no pairs to test".into());
    }
    let cells = k * k;
    let m = rolls.len() / 2;
    if (m as f64) / (cells as f64) < MIN_EXPECTED {
        return Outcome::Skipped(format!(
            "{m} pairs expect fewer than {} in each of {cells} cells",
            MIN_EXPECTED
        ));
    }
    let mut counts = vec![0u64; cells];
    for pair in rolls.chunks_exact(2) {
        counts[pair[0] as usize * k + pair[1] as usize] += 1;
    }
    Outcome::Tested(gof::pearson(&counts, &vec![1.0 / cells as f64; cells]))
}

fn gap(rolls: &[u32], k: usize) -> Outcome {
    if k < 2 {
        return Outcome::Skipped("a die with one face has no gaps".into());
    }
    let h = gap::target(k) as u32;
    let p = f64::from(h) / k as f64;
    let mut gaps: Vec<u64> = Vec::new();
    let mut r = 0usize;
    for &x in rolls {
        if x < h {
            if gaps.len() <= r {
                gaps.resize(r + 1, 0);
            }
            gaps[r] += 1;
            r = 0;
        } else {
            r += 1;
        }
    }
    let m: u64 = gaps.iter().sum();
    let (counts, probs) = gap::categories(&gaps, m, p);
    chi2_ordered(&counts, &probs, "gaps")
}

fn poker(rolls: &[u32], k: usize) -> Outcome {
    if k < 2 {
        return Outcome::Skipped("a die with one face has one kind of hand".into());
    }
    let probs = poker::probabilities(k);
    let mut counts = vec![0u64; probs.len()];
    for hand in rolls.chunks_exact(poker::HAND) {
        let mut seen = [0u32; poker::HAND];
        let mut distinct = 0;
        for &x in hand {
            if !seen[..distinct].contains(&x) {
                seen[distinct] = x;
                distinct += 1;
            }
        }
        counts[distinct - 1] += 1;
    }
    chi2_ordered(&counts, &probs, "hands")
}

fn coupon(rolls: &[u32], k: usize) -> Outcome {
    if k < 2 {
        return Outcome::Skipped("a die with one face completes every roll".into());
    }
    if k > coupon::MAX_FACES {
        return Outcome::Skipped(format!(
            "a die of more than {} faces collects too slowly for this test",
            coupon::MAX_FACES
        ));
    }
    let mut lengths: Vec<u64> = Vec::new();
    let mut seen = vec![false; k];
    let (mut distinct, mut r) = (0usize, 0usize);
    for &x in rolls {
        r += 1;
        if !seen[x as usize] {
            seen[x as usize] = true;
            distinct += 1;
            if distinct == k {
                let j = r - k;
                if lengths.len() <= j {
                    lengths.resize(j + 1, 0);
                }
                lengths[j] += 1;
                seen.iter_mut().for_each(|s| *s = false);
                (distinct, r) = (0, 0);
            }
        }
    }
    let m: u64 = lengths.iter().sum();
    let probs = coupon::probabilities(k, m);
    let last = probs.len() - 1;
    let mut counts: Vec<u64> = (0..last)
        .map(|j| lengths.get(j).copied().unwrap_or(0))
        .collect();
    counts.push(lengths.iter().skip(last).sum());
    chi2_ordered(&counts, &probs, "segments")
}

fn permutation(rolls: &[u32], k: usize) -> Outcome {
    if k < 2 {
        return Outcome::Skipped("a die with one face has one ordering".into());
    }
    let mut counts = [0u64; 27];
    for t in rolls.chunks_exact(permutation::TUPLE) {
        counts[permutation::key(t[0], t[1], t[2])] += 1;
    }
    chi2_unordered(&counts, &permutation::probabilities(k), "triples")
}

fn correlations(rolls: &[u32], lags: usize) -> Option<Vec<f64>> {
    let n = rolls.len() as f64;
    let mean = rolls.iter().map(|&x| u64::from(x)).sum::<u64>() as f64 / n;
    let centred = |i: usize| f64::from(rolls[i]) - mean;
    let blocked = |len: usize, term: &dyn Fn(usize) -> f64| -> f64 {
        (0..len)
            .step_by(4096)
            .map(|start| (start..(start + 4096).min(len)).map(term).sum::<f64>())
            .sum()
    };
    let denominator = blocked(rolls.len(), &|i| centred(i) * centred(i));
    if denominator <= 0.0 {
        return None;
    }
    Some(
        (1..=lags)
            .map(|h| {
                let len = rolls.len().saturating_sub(h);
                blocked(len, &|i| centred(i) * centred(i + h)) / denominator
            })
            .collect(),
    )
}

/// The serial correlations of the whole log, by the definition; the test
/// from them is the streaming one's ([`correlation::ljung_box`]).
fn serial_correlation(rolls: &[u32], lags: usize) -> Outcome {
    correlation::ljung_box(rolls.len() as u64, lags, || correlations(rolls, lags))
}

/// The old battery, but for `runs` (new in this form) and `drift` (whose
/// blocks changed rule): those are checked in their own files.
fn batch(rolls: &[u32], k: usize, lags: usize) -> Vec<Outcome> {
    vec![
        frequency(rolls, k),
        serial(rolls, k),
        gap(rolls, k),
        poker(rolls, k),
        coupon(rolls, k),
        permutation(rolls, k),
        serial_correlation(rolls, lags),
    ]
}

fn streamed(rolls: &[u32], k: usize, lags: usize, cuts: &[usize]) -> (Vec<Outcome>, Battery) {
    let mut battery = Battery::new(k, lags, 10);
    let mut at = 0;
    for &cut in cuts {
        let cut = cut.clamp(at, rolls.len());
        battery.push(&rolls[at..cut]);
        at = cut;
    }
    battery.push(&rolls[at..]);
    let out = battery.finish();
    let keep = [0, 1, 3, 4, 5, 6, 7];
    (keep.iter().map(|&i| out[i].1.clone()).collect(), battery)
}

/// Equal outcomes; the serial correlation's statistic (old: sums of
/// centred floats in blocks; new: exact integer sums) to 1e-9 relative.
fn same(a: &Outcome, b: &Outcome) -> bool {
    match (a, b) {
        (Outcome::Tested(x), Outcome::Tested(y)) => {
            x.df == y.df
                && (x.statistic - y.statistic).abs() <= 1e-9 * x.statistic.abs().max(1e-12)
                && (x.p_value - y.p_value).abs() <= 1e-9 * x.p_value.max(1e-300) + 1e-15
        }
        _ => a == b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn streamed_battery_equals_the_batch_tests(
        k in prop_oneof![Just(2usize), Just(3), Just(6), Just(20)],
        seed in any::<u64>(),
        n in 0usize..6000,
        sticky in 0u64..3,
        cuts in proptest::collection::vec(0usize..6000, 0..8),
        lags in 1usize..8,
    ) {
        // A log from SplitMix64, made sticky (repeating its last face)
        // for some seeds, so that the tests see both fair and faulty logs.
        let mut rolls: Vec<u32> = Vec::with_capacity(n);
        for i in 0..n as u64 {
            let z = runs::jitter(seed.wrapping_add(i));
            let x = if sticky > 0 && i > 0 && z % 4 < sticky {
                rolls[rolls.len() - 1]
            } else {
                (z % k as u64) as u32
            };
            rolls.push(x);
        }
        let mut cuts = cuts;
        cuts.sort_unstable();
        let want = batch(&rolls, k, lags);
        let (got, battery) = streamed(&rolls, k, lags, &cuts);
        for (w, g) in want.iter().zip(&got) {
            prop_assert!(same(w, g), "{w:?} != {g:?}");
        }
        let mut counts = vec![0u64; k];
        rolls.iter().for_each(|&x| counts[x as usize] += 1);
        prop_assert_eq!(battery.counts(), &counts[..]);
    }
}
