//! Simulation checks of the battery: p-values uniform under fair dice (a
//! Kolmogorov–Smirnov test over many seeds), and power against generators
//! with known faults. Seeds are fixed, so every run sees the same logs.

use rand::RngCore;

use super::Outcome;
use crate::sample::{seeded_rng, DiceRng};

/// The tests, by name, as functions of (rolls, k), at audit's defaults.
fn battery(rolls: &[u32], k: usize) -> Vec<(&'static str, Outcome)> {
    super::run(rolls, k, 5, 10).to_vec()
}

fn face(rng: &mut DiceRng, k: usize) -> u32 {
    ((u128::from(rng.next_u64()) * k as u128) >> 64) as u32
}

fn fair(seed: u64, n: usize, k: usize) -> Vec<u32> {
    let mut rng = seeded_rng(seed);
    (0..n).map(|_| face(&mut rng, k)).collect()
}

/// The Kolmogorov–Smirnov p-value of `p` against U(0, 1): the asymptotic
/// law with Stephens's small-sample factor (Numerical Recipes §14.3).
///
/// ```text
/// D = sup |F_m(x) − x|,   λ = (√m + 0.12 + 0.11/√m) D,
/// Q(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2 j² λ²}
/// ```
fn ks_p(mut p: Vec<f64>) -> f64 {
    p.sort_by(f64::total_cmp);
    let m = p.len() as f64;
    let d = p
        .iter()
        .enumerate()
        .map(|(i, &x)| ((i + 1) as f64 / m - x).max(x - i as f64 / m))
        .fold(0.0, f64::max);
    let sq = m.sqrt();
    let lambda = (sq + 0.12 + 0.11 / sq) * d;
    let q: f64 = (1..=100)
        .map(|j| {
            let sign = if j % 2 == 1 { 2.0 } else { -2.0 };
            sign * (-2.0 * (j * j) as f64 * lambda * lambda).exp()
        })
        .sum();
    q.clamp(0.0, 1.0)
}

#[test]
fn ks_p_is_calibrated() {
    // Evenly spread points are uniform (p ≈ 1); points bunched below ½ are not.
    let even: Vec<f64> = (0..200).map(|i| (i as f64 + 0.5) / 200.0).collect();
    assert!(ks_p(even) > 0.99);
    let low: Vec<f64> = (0..200).map(|i| i as f64 / 400.0).collect();
    assert!(ks_p(low) < 1e-10);
}

/// Under fair dice every test's p-values are uniform: KS p > 0.001 over
/// 400 logs of a d6 (and 400 of a d3, whose many ties exercise the
/// jitter, the pooling and the tie patterns). A test whose reference law
/// were wrong by a few percent of its spread fails this.
#[test]
fn p_values_are_uniform_under_fair_dice() {
    for (k, n) in [(6usize, 6000usize), (3, 4500)] {
        let mut p: Vec<Vec<f64>> = vec![Vec::new(); 9];
        let mut names = Vec::new();
        for seed in 0..400 {
            let rolls = fair(1000 * k as u64 + seed, n, k);
            let results = battery(&rolls, k);
            names = results.iter().map(|(name, _)| *name).collect();
            for (i, (name, outcome)) in results.into_iter().enumerate() {
                match outcome {
                    Outcome::Tested(t) => p[i].push(t.p_value),
                    Outcome::Skipped(why) => panic!("{name} skipped: {why}"),
                }
            }
        }
        for (name, p) in names.iter().zip(p) {
            let ks = ks_p(p);
            eprintln!("d{k}: {name}: KS p = {ks:.4}");
            assert!(ks > 1e-3, "d{k}: {name}: KS p = {ks}");
        }
    }
}

/// The p-value of `name` in the battery of `rolls`.
fn p_of(rolls: &[u32], k: usize, name: &str) -> f64 {
    battery(rolls, k)
        .into_iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, o)| o.tested().map(|t| t.p_value))
        .unwrap_or_else(|| panic!("{name} did not run"))
}

#[test]
fn a_sticky_die_fails_serial_runs_and_correlation() {
    // Repeats its last face with probability 0.1, else rolls fair.
    let mut rng = seeded_rng(11);
    let mut rolls = vec![face(&mut rng, 6)];
    for _ in 1..30_000 {
        let last = rolls[rolls.len() - 1];
        let sticky = rng.next_u64() < u64::MAX / 10;
        rolls.push(if sticky { last } else { face(&mut rng, 6) });
    }
    for name in [
        "serial",
        "runs",
        "serial_correlation",
        "poker",
        "permutation",
    ] {
        let p = p_of(&rolls, 6, name);
        assert!(p < 1e-6, "{name}: {p}");
    }
    assert!(p_of(&rolls, 6, "frequency") > 1e-3);
}

#[test]
fn a_cycling_sequence_fails_nearly_everything() {
    let rolls: Vec<u32> = (0..6000).map(|i| i % 6).collect();
    for name in [
        "frequency",
        "serial",
        "runs",
        "gap",
        "poker",
        "coupon_collector",
        "permutation",
        "serial_correlation",
    ] {
        let p = p_of(&rolls, 6, name);
        assert!(p < 1e-6, "{name}: {p}");
    }
}

#[test]
fn an_lcgs_low_bits_fail() {
    // The low 3 bits of x ← 69069 x + 1 (mod 2³²) as a d8: period 8.
    let mut x: u32 = 12345;
    let rolls: Vec<u32> = (0..8000)
        .map(|_| {
            x = x.wrapping_mul(69069).wrapping_add(1);
            x & 7
        })
        .collect();
    for name in [
        "frequency",
        "serial",
        "runs",
        "gap",
        "poker",
        "coupon_collector",
    ] {
        let p = p_of(&rolls, 8, name);
        assert!(p < 1e-6, "{name}: {p}");
    }
}

#[test]
fn a_die_that_changes_halfway_drifts() {
    // Fair for 10,000 rolls, then a six comes up a quarter of the time.
    let mut rolls = fair(21, 10_000, 6);
    let mut rng = seeded_rng(22);
    rolls.extend((0..10_000).map(|_| {
        if rng.next_u64() < u64::MAX / 4 {
            5
        } else {
            face(&mut rng, 5)
        }
    }));
    let p = p_of(&rolls, 6, "drift");
    assert!(p < 1e-6, "drift: {p}");
}

#[test]
fn outcomes_that_avoid_repeating_fail_serial_runs_and_permutation() {
    // Never the same face twice running: a reroll on a repeat.
    let mut rng = seeded_rng(31);
    let mut rolls = vec![face(&mut rng, 6)];
    while rolls.len() < 12_000 {
        let x = face(&mut rng, 6);
        if x != rolls[rolls.len() - 1] {
            rolls.push(x);
        }
    }
    for name in ["serial", "runs", "permutation", "poker"] {
        let p = p_of(&rolls, 6, name);
        assert!(p < 1e-6, "{name}: {p}");
    }
    assert!(p_of(&rolls, 6, "frequency") > 1e-3);
}
