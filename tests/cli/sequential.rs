//! `fit --sequential` and `--within`: the decision roll, the anytime p-value,
//! the final e-value and the confidence sequences against an independent
//! closed-form implementation (tests/golden/sequential.json, made by
//! tests/golden/sequential_golden.py with scipy's gammaln); `plan
//! --sequential` against simulate | fit; --by, count tables, --check.

use serde_json::Value;

use crate::util::{diceml, run_fail, run_ok, test_file};

fn fit(args: &[&str]) -> Value {
    let mut all = vec!["fit", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&run_ok(&all, "")).expect("valid JSON")
}

fn list(values: &Value) -> String {
    values
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap().to_string())
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn the_decision_roll_and_e_value_match_the_closed_form_reference() {
    let text = std::fs::read_to_string(test_file("golden/sequential.json")).unwrap();
    let golden: Value = serde_json::from_str(&text).unwrap();
    for case in golden["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let file = format!(
            "{}/{}",
            env!("CARGO_MANIFEST_DIR"),
            case["file"].as_str().unwrap()
        );
        let alpha = case["alpha"].as_f64().unwrap().to_string();
        let expected = list(&case["expected"]);
        let mut args = vec![
            file.as_str(),
            "--sequential",
            "--alpha",
            &alpha,
            "--expected",
            &expected,
        ];
        let within = case["within"].as_f64().map(|d| d.to_string());
        if let Some(d) = &within {
            args.extend(["--within", d.as_str()]);
        }
        let report = fit(&args);
        let s = &report["sequential"];
        assert_eq!(s["decided_at"], case["decided_at"], "{name}");
        assert_eq!(s["decision"], case["decision"], "{name}");
        // The running products agree with lnΓ closed forms to ~1e-9 in ln E.
        let rel = |a: f64, b: f64| (a - b).abs() / b.abs().max(1e-300);
        let (p, gp) = (
            s["p_value"].as_f64().unwrap(),
            case["p_value"].as_f64().unwrap(),
        );
        assert!(rel(p, gp) < 1e-7, "{name}: p {p} vs {gp}");
        let (e, ge) = (
            s["log10_e_value"].as_f64().unwrap(),
            case["log10_e_value"].as_f64().unwrap(),
        );
        assert!((e - ge).abs() < 1e-7, "{name}: log10 E {e} vs {ge}");
        let ours = s["intervals"].as_array().unwrap();
        for (i, g) in case["intervals"].as_array().unwrap().iter().enumerate() {
            for (field, at) in [("low", 0), ("high", 1)] {
                let (a, b) = (ours[i][field].as_f64().unwrap(), g[at].as_f64().unwrap());
                assert!((a - b).abs() < 1e-9, "{name}: face {i} {field} {a} vs {b}");
            }
        }
        // The verdict is the sequential test's.
        let v = &report["verdict"];
        assert_eq!(v["decided_by"], "sequential", "{name}");
        assert_eq!(v["reject"], case["decision"] == "reject", "{name}");
    }
}

#[test]
fn check_gates_on_the_sequential_decision() {
    let loaded = test_file("golden/sequential_loaded_d6.csv");
    diceml()
        .args(["fit", &loaded, "--sequential", "--check"])
        .assert()
        .code(3);
    // The same log judged against its own die: undecided, exit 0.
    diceml()
        .args([
            "fit",
            &loaded,
            "--sequential",
            "--check",
            "--expected",
            "0.22,0.156,0.156,0.156,0.156,0.156",
        ])
        .assert()
        .success();
}

#[test]
fn the_table_says_where_it_could_have_stopped() {
    let loaded = test_file("golden/sequential_loaded_d6.csv");
    let out = run_ok(&["fit", &loaded, "--sequential"], "");
    assert!(
        out.contains("Verdict: decided at roll 1446 of 3000: biased"),
        "{out}"
    );
    assert!(out.contains("you could have stopped there"), "{out}");
    let fair = test_file("golden/sequential_fair_d6.csv");
    let out = run_ok(&["fit", &fair, "--within", "0.02"], "");
    assert!(
        out.contains("decided at roll 15081 of 20000: fair to within 0.02"),
        "{out}"
    );
}

#[test]
fn under_by_each_group_is_tested_at_alpha_over_g() {
    // Two groups: the loaded d6 log and the fair one, interleaved by group
    // column. Each group's e-process runs over its own rolls at α/2.
    let loaded = std::fs::read_to_string(test_file("golden/sequential_loaded_d6.csv")).unwrap();
    let fair = std::fs::read_to_string(test_file("golden/sequential_fair_d6.csv")).unwrap();
    let mut log = String::from("die,face\n");
    let mut a = loaded.lines().skip(1);
    let mut b = fair.lines().skip(1).take(3000);
    loop {
        match (a.next(), b.next()) {
            (None, None) => break,
            (x, y) => {
                if let Some(x) = x {
                    log.push_str(&format!("loaded,{x}\n"));
                }
                if let Some(y) = y {
                    log.push_str(&format!("fair,{y}\n"));
                }
            }
        }
    }
    let report: Value = serde_json::from_str(&run_ok(
        &[
            "fit",
            "-",
            "--by",
            "die",
            "--sequential",
            "--format",
            "json",
        ],
        &log,
    ))
    .unwrap();
    let groups = report["groups"].as_array().unwrap();
    let loaded = &groups[0]["sequential"];
    assert_eq!(groups[0]["group"], "loaded");
    assert_eq!(loaded["alpha"], 0.025);
    // The golden case at α = 0.05 decided at 1446; at α/2 it is later, and
    // its adjusted p-value is twice the p-value.
    let at = loaded["decided_at"].as_u64().unwrap();
    assert!(at > 1446, "{at}");
    let (p, adj) = (
        loaded["p_value"].as_f64().unwrap(),
        loaded["p_adjusted"].as_f64().unwrap(),
    );
    assert!((adj - 2.0 * p).abs() < 1e-15 && p <= 0.025);
    assert_eq!(groups[0]["verdict"]["reject"], true);
    assert_eq!(groups[1]["sequential"]["decision"], "undecided");
}

#[test]
fn a_count_table_has_no_order_to_test() {
    let err = run_fail(
        &["fit", "-", "--counts", "--sequential"],
        "face,count\n1,10\n2,12\n",
        1,
    );
    assert!(
        err.contains("--sequential needs the rolls in the order"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn within_refuses_a_face_the_null_forbids() {
    let err = run_fail(
        &[
            "fit",
            "-",
            "--faces",
            "3",
            "--within",
            "0.1",
            "--expected",
            "0.5,0.5,0",
        ],
        "face\n1\n2\n1\n",
        1,
    );
    assert!(
        err.contains("--within: face 3 has null probability 0"),
        "{err}"
    );
}

#[test]
fn plan_sequential_simulates_what_fit_sequential_decides() {
    // plan's first simulated log is simulate's stream with the same seed:
    // its decision roll (the median of one log) is fit --sequential's.
    let probs = "0.25,0.15,0.15,0.15,0.15,0.15";
    for seed in ["3", "8"] {
        let plan: Value = serde_json::from_str(&run_ok(
            &[
                "plan",
                "--probs",
                probs,
                "--sequential",
                "--replicates",
                "1",
                "--seed",
                seed,
                "--max-rolls",
                "5000",
                "--format",
                "json",
            ],
            "",
        ))
        .unwrap();
        let rolls = run_ok(
            &[
                "simulate", "--faces", "6", "--probs", probs, "--n", "5000", "--seed", seed,
            ],
            "",
        );
        let report: Value = serde_json::from_str(&run_ok(
            &[
                "fit",
                "-",
                "--faces",
                "6",
                "--sequential",
                "--format",
                "json",
            ],
            &rolls,
        ))
        .unwrap();
        let s = &plan["sequential"];
        assert_eq!(
            s["rolls_median"], report["sequential"]["decided_at"],
            "seed {seed}"
        );
        assert_eq!(s["max_rolls"], 5000);
    }
}
