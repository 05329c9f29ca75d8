//! `fit --exact` at tabletop sizes: the three orderings (`--exact-stat`) on
//! the lattice against the independent Python references in
//! tests/golden/exact_lattice.json (made by tests/golden/exact_lattice.py:
//! exact fractions over partitions, or a DP in Python integers).
//!
//! Tolerances: where diceml reports the p-value as exact (enumeration, or a
//! lattice with no `error_bound` or a bound of 0), 1e-9 relative; where it
//! states a bound, the reference must lie in [p − bound, p] (1e-12 slack
//! for the sums' rounding).

use serde_json::Value;

use crate::util::{fit_json, run_fail};

fn golden() -> Value {
    serde_json::from_str(include_str!("../golden/exact_lattice.json"))
        .expect("exact_lattice.json parses")
}

fn counts_csv(counts: &[Value]) -> String {
    let mut text = String::from("face,count\n");
    for (i, c) in counts.iter().enumerate() {
        text.push_str(&format!("{},{}\n", i + 1, c.as_u64().unwrap()));
    }
    text
}

#[test]
fn lattice_p_values_match_the_python_references() {
    for case in golden()["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let stat = case["stat"].as_str().unwrap();
        let counts = case["counts"].as_array().unwrap();
        let null: Vec<String> = case["null"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.to_string())
            .collect();
        let null = null.join(",");
        let faces = counts.len().to_string();
        let r = fit_json(
            &[
                "--counts",
                "--faces",
                &faces,
                "--expected",
                &null,
                "--exact",
                "--exact-stat",
                stat,
                "--max-iter",
                "1",
            ],
            &counts_csv(counts),
        );
        let exact = &r["tests"]["exact"];
        let want = case["p_value"].as_f64().unwrap();
        let got = exact["p_value"].as_f64().unwrap();
        assert_eq!(exact["stat"], stat, "{name}");
        match exact["error_bound"].as_f64() {
            Some(bound) if bound > 0.0 => assert!(
                got - bound - 1e-12 <= want && want <= got + 1e-12,
                "{name}: {want:e} outside [{got:e} − {bound:e}, {got:e}]"
            ),
            _ => assert!(
                ((got - want) / want).abs() <= 1e-9,
                "{name}: got {got:e}, want {want:e} ({exact})"
            ),
        }
        // Beyond 10^7 outcomes the lattice, below it the enumeration.
        let k = counts.len() as u64;
        let n: u64 = counts.iter().map(|c| c.as_u64().unwrap()).sum();
        let outcomes = exact["outcomes"].as_f64().unwrap();
        let method = if outcomes > 1e7 {
            "lattice"
        } else {
            "enumeration"
        };
        assert_eq!(exact["method"], method, "{name} (K = {k}, N = {n})");
        // The verdict reads this p-value.
        assert_eq!(r["verdict"]["decided_by"], "exact", "{name}");
        assert_eq!(r["verdict"]["p_value"].as_f64(), Some(got), "{name}");
    }
}

#[test]
fn default_ordering_is_llr_and_fields_are_reported() {
    // A d20 rolled 100 times, all on one face but five: llr by default,
    // on the lattice, with a stated (here zero) bound.
    let mut csv = String::from("face,count\n1,95\n");
    for face in 2..=20 {
        csv.push_str(&format!("{face},{}\n", u64::from(face <= 6)));
    }
    let r = fit_json(&["--counts", "--exact", "--max-iter", "1"], &csv);
    let exact = &r["tests"]["exact"];
    assert_eq!(exact["stat"], "llr");
    assert_eq!(exact["method"], "lattice");
    assert!(exact["error_bound"].as_f64().is_some(), "{exact}");
    let p = exact["p_value"].as_f64().unwrap();
    assert!(p > 0.0 && p < 1e-90, "{exact}");
    // X² under a fair null is exact on the lattice: no bound.
    let r = fit_json(
        &[
            "--counts",
            "--exact",
            "--exact-stat",
            "chisq",
            "--max-iter",
            "1",
        ],
        &csv,
    );
    assert_eq!(r["tests"]["exact"]["method"], "lattice");
    assert!(r["tests"]["exact"].get("error_bound").is_none());
}

#[test]
fn exact_stat_errors_are_one_line() {
    let csv = "face,count\n1,3\n2,4\n";
    // Without --exact: a usage error (exit 2).
    let err = run_fail(&["fit", "-", "--counts", "--exact-stat", "chisq"], csv, 2);
    assert!(err.contains("--exact"), "{err}");
    // An unknown ordering: a usage error naming the choices.
    let err = run_fail(
        &["fit", "-", "--counts", "--exact", "--exact-stat", "g"],
        csv,
        2,
    );
    assert!(
        err.contains("llr") && err.contains("chisq") && err.contains("prob"),
        "{err}"
    );
    // Too big even for the lattice: a data error (exit 1), one line.
    let mut big = String::from("face,count\n");
    for face in 1..=1000 {
        big.push_str(&format!("{face},1000\n"));
    }
    let err = run_fail(
        &["fit", "-", "--counts", "--exact", "--max-iter", "1"],
        &big,
        1,
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("limit of 20000000") && err.contains("--monte-carlo"),
        "{err}"
    );
    // A d20 rolled 200 times: the lattice fits, but G's bound would be
    // 0.48 wide, too wide to report: a data error naming the bound.
    let counts = [
        11, 12, 8, 10, 12, 11, 8, 6, 14, 7, 8, 8, 8, 19, 10, 9, 12, 12, 8, 7,
    ];
    let mut csv = String::from("face,count\n");
    for (face, c) in counts.iter().enumerate() {
        csv.push_str(&format!("{},{c}\n", face + 1));
    }
    let err = run_fail(
        &["fit", "-", "--counts", "--exact", "--max-iter", "1"],
        &csv,
        1,
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("interval 0.48 wide") && err.contains("limit of 0.2"),
        "{err}"
    );
    assert!(err.contains("--monte-carlo"), "{err}");
    // The same counts ordered by X² are exact.
    let r = fit_json(
        &[
            "--counts",
            "--exact",
            "--exact-stat",
            "chisq",
            "--max-iter",
            "1",
        ],
        &csv,
    );
    assert_eq!(r["tests"]["exact"]["method"], "lattice");
}
