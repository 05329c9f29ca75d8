//! `diceml simulate`: reproducible streams, counts, loaded dice, errors.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::util::{fit_json, run_fail, run_ok, test_file};

/// Each seeded stream equals the one re-derived independently in Python
/// (tests/golden/simulate_golden.py), byte for byte.
#[test]
fn seeded_streams_match_the_independent_python_goldens() {
    let weights = |k: u32| (1..=k).map(|w| w.to_string()).collect::<Vec<_>>().join(",");
    let (d300, d1000, d10000, d20000) = (
        weights(300),
        weights(1000),
        weights(10_000),
        weights(20_000),
    );
    // The loaded dice cover every layout of docs/cli.md: 5 rolls a word
    // (K ≤ 16), 4 (K ≤ 512, here with 7-bit coins), 3 with 8- and 7-bit
    // coins (K = 1000, 10^4) and 2 (K = 20,000); each golden holds ties.
    let cases: [(&str, &[&str]); 9] = [
        (
            "simulate_fair_d6_seed42.csv",
            &["--faces", "6", "--n", "1000", "--seed", "42"],
        ),
        (
            "simulate_fair_d20_seedmax.csv",
            &[
                "--faces",
                "20",
                "--n",
                "500",
                "--seed",
                "18446744073709551615",
            ],
        ),
        (
            "simulate_loaded_d6_seed7.csv",
            &["--probs", "1,1,1,1,1,3", "--n", "1000", "--seed", "7"],
        ),
        (
            "simulate_loaded_d5_seed0.csv",
            &["--probs", "0.1,0,2.5,0.4,7", "--n", "1000", "--seed", "0"],
        ),
        (
            "simulate_fair_d1000000_seed9.csv",
            &["--faces", "1000000", "--n", "300", "--seed", "9"],
        ),
        (
            "simulate_loaded_d300_seed5.csv",
            &["--probs", &d300, "--n", "2000", "--seed", "5"],
        ),
        (
            "simulate_loaded_d1000_seed6.csv",
            &["--probs", &d1000, "--n", "3000", "--seed", "6"],
        ),
        (
            "simulate_loaded_d10000_seed10.csv",
            &["--probs", &d10000, "--n", "3000", "--seed", "10"],
        ),
        (
            "simulate_loaded_d20000_seed11.csv",
            &["--probs", &d20000, "--n", "3000", "--seed", "11"],
        ),
    ];
    for (golden, args) in cases {
        let want = std::fs::read_to_string(test_file(&format!("golden/{golden}"))).unwrap();
        let mut all = vec!["simulate"];
        all.extend_from_slice(args);
        assert_eq!(run_ok(&all, ""), want, "{golden}");
    }
}

/// Batches are cut, not redrawn, at N: a shorter run is a prefix.
#[test]
fn a_shorter_run_is_a_prefix_of_a_longer_one() {
    for die in [["--faces", "6"], ["--probs", "1,2,3"]] {
        let long = run_ok(
            &[&["simulate", "--n", "1000", "--seed", "4"][..], &die].concat(),
            "",
        );
        let short = run_ok(
            &[&["simulate", "--n", "37", "--seed", "4"][..], &die].concat(),
            "",
        );
        assert!(long.starts_with(&short));
    }
}

#[test]
fn same_seed_gives_identical_output_and_no_seed_differs() {
    let args = ["simulate", "--faces", "12", "--n", "5000", "--seed", "99"];
    assert_eq!(run_ok(&args, ""), run_ok(&args, ""));
    let unseeded = ["simulate", "--faces", "6", "--n", "1000"];
    // Two OS-seeded runs agree with probability 6^-1000.
    assert_ne!(run_ok(&unseeded, ""), run_ok(&unseeded, ""));
}

#[test]
fn default_die_is_a_fair_d6_with_a_face_header() {
    let out = run_ok(&["simulate", "--n", "600", "--seed", "5"], "");
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("face"));
    let faces: Vec<u64> = lines.map(|l| l.parse().unwrap()).collect();
    assert_eq!(faces.len(), 600);
    assert!(faces.iter().all(|f| (1..=6).contains(f)));
    assert_eq!(*faces.iter().max().unwrap(), 6);
}

#[test]
fn counts_have_k_rows_summing_to_n_even_for_huge_n() {
    let n: u64 = 1_000_000_000_000_000;
    let out = run_ok(
        &[
            "simulate",
            "--faces",
            "20",
            "--n",
            &n.to_string(),
            "--counts",
            "--seed",
            "3",
        ],
        "",
    );
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("face,count"));
    let rows: Vec<(u64, u64)> = lines
        .map(|l| {
            let (f, c) = l.split_once(',').unwrap();
            (f.parse().unwrap(), c.parse().unwrap())
        })
        .collect();
    assert_eq!(rows.len(), 20);
    assert_eq!(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        (1..=20).collect::<Vec<_>>()
    );
    assert_eq!(rows.iter().map(|r| r.1).sum::<u64>(), n);
    // Each count is Bin(n, 1/20): sd = sqrt(n·0.05·0.95) ≈ 6.9e6; allow 6 sd.
    for (_, c) in rows {
        assert!((c as f64 - n as f64 / 20.0).abs() < 6.0 * 6.9e6);
    }
}

#[test]
fn counts_keep_zero_probability_faces() {
    let out = run_ok(
        &[
            "simulate", "--probs", "0,1,0", "--n", "50", "--counts", "--seed", "1",
        ],
        "",
    );
    assert_eq!(out, "face,count\n1,0\n2,50\n3,0\n");
}

/// A pin of the `--counts` stream (rand_distr's binomial sampler behind the
/// pinned generator): any change of either shows up here.
#[test]
fn counts_stream_is_pinned() {
    let out = run_ok(
        &[
            "simulate", "--faces", "6", "--n", "10000", "--counts", "--seed", "1",
        ],
        "",
    );
    assert_eq!(out, include_str!("../golden/simulate_counts_d6_seed1.csv"));
}

#[test]
fn a_loaded_die_is_recovered_within_five_standard_errors() {
    let probs = [0.1, 0.2, 0.3, 0.4];
    let n: f64 = 200_000.0;
    let rolls = run_ok(
        &[
            "simulate", "--probs", "1,2,3,4", "--n", "200000", "--seed", "11",
        ],
        "",
    );
    let report = fit_json(&[], &rolls);
    for (face, want) in report["faces"].as_array().unwrap().iter().zip(probs) {
        let p = face["p"].as_f64().unwrap();
        let se = (want * (1.0 - want) / n).sqrt();
        assert!(
            (p - want).abs() < 5.0 * se,
            "face {}: p {p} vs {want}",
            face["face"]
        );
    }
}

#[test]
fn mismatched_faces_and_weights_are_usage_errors() {
    let err = run_fail(
        &["simulate", "--faces", "3", "--probs", "1,2", "--n", "5"],
        "",
        2,
    );
    assert_eq!(
        err,
        "diceml: --faces gives 3 faces but --probs gives 2; they must agree\n"
    );
    for bad in ["0,0", "1,-2", "1,x", "1,inf"] {
        let err = run_fail(&["simulate", "--probs", bad, "--n", "5"], "", 2);
        assert!(err.contains("--probs"), "{bad}: {err}");
    }
    run_fail(&["simulate", "--faces", "0", "--n", "5"], "", 2);
    run_fail(&["simulate", "--faces", "6"], "", 2);
}

#[test]
fn a_closed_pipe_ends_quietly_and_at_once() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_diceml"))
        .args(["simulate", "--n", "100000000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "face\n");
    // The reader is dropped here: the pipe is closed like `| head -1`.
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn output_flag_writes_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rolls.csv");
    let args = ["simulate", "--n", "10", "--seed", "2"];
    run_ok(
        &[&args[..], &["--output", path.to_str().unwrap()]].concat(),
        "",
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), run_ok(&args, ""));
}

/// rand_distr's binomial asserts n·p < 2^63: a coin's counts at N = 2^64 − 1
/// used to panic (exit 101) in `simulate --counts` and in Monte Carlo.
#[test]
fn counts_and_monte_carlo_near_two_to_the_64_do_not_panic() {
    let max = u64::MAX.to_string();
    let out = run_ok(
        &[
            "simulate", "--faces", "2", "--n", &max, "--counts", "--seed", "1",
        ],
        "",
    );
    let counts: Vec<u64> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        counts.iter().map(|&c| c as u128).sum::<u128>(),
        u64::MAX as u128
    );
    // Within 6 standard deviations (√(N/4) ≈ 2.1e9) of N/2.
    assert!((counts[0] as f64 - u64::MAX as f64 / 2.0).abs() < 6.0 * 2.15e9);
    let half = (u64::MAX / 2).to_string();
    let table = format!("face,count\n1,{half}\n2,{half}\n");
    let json = fit_json(&["--counts", "--monte-carlo", "20", "--seed", "1"], &table);
    assert_eq!(json["tests"]["monte_carlo"]["replicates"], 20);
    assert!(json["tests"]["monte_carlo"]["p_value"].as_f64().unwrap() > 0.0);
}
