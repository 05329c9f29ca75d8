//! `diceml plan`: the rolls Pearson's test needs against SciPy's ncx2 and
//! statsmodels' GofChisquarePower (tests/golden/plan.json, made by
//! tests/golden/plan_golden.py), the coin's closed form, the JSON contract,
//! the chart, and the questions without an answer.

use serde_json::Value;

use crate::util::{diceml, run_fail, run_ok, test_file};

/// rolls_real against the SciPy root (statsmodels agrees with it to 1e-6):
/// the contract is 1e-6 relative; diceml's bisection stops at 1e-10.
const ROLLS_REAL_REL: f64 = 1e-8;
/// power_at_rolls against SciPy's `ncx2.sf`, absolute.
const POWER_ABS: f64 = 1e-9;
/// effect_w against statsmodels' `chisquare_effectsize`, relative: both sum
/// the same few terms in doubles.
const EFFECT_REL: f64 = 1e-12;
/// The coin's closed form at 40 digits: power (absolute) and rolls_real
/// (relative).
const COIN_POWER_ABS: f64 = 1e-12;

fn golden() -> Value {
    let text = std::fs::read_to_string(test_file("golden/plan.json")).expect("plan.json");
    serde_json::from_str(&text).expect("valid JSON")
}

/// Runs `diceml plan ARGS --format json` and decodes it.
fn plan_json(args: &[&str]) -> Value {
    let mut all = vec!["plan", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&run_ok(&all, "")).expect("valid JSON")
}

fn args_of(case: &Value) -> Vec<String> {
    case["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn rolls_needed_match_scipy_and_statsmodels() {
    let doc = golden();
    let cases = doc["solve"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let args = args_of(case);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let got = plan_json(&args);
        assert_eq!(got["rolls"], case["rolls"], "{name}: rolls");
        assert_eq!(got["df"], case["df"], "{name}: df");
        assert_eq!(got["alpha"], case["alpha"], "{name}: alpha");
        assert_eq!(got["power"], case["power"], "{name}: power");
        let real = f(&got["rolls_real"]);
        assert!(
            rel(real, f(&case["rolls_real"])) < ROLLS_REAL_REL,
            "{name}: rolls_real {real} vs {}",
            case["rolls_real"]
        );
        let power = f(&got["power_at_rolls"]);
        assert!(
            (power - f(&case["power_at_rolls"])).abs() < POWER_ABS,
            "{name}: power_at_rolls {power} vs {}",
            case["power_at_rolls"]
        );
        let w = f(&got["effect_w"]);
        assert!(
            rel(w, f(&case["effect_w"])) < EFFECT_REL,
            "{name}: effect_w {w} vs {}",
            case["effect_w"]
        );
    }
}

#[test]
fn power_at_given_rolls_matches_scipy_and_statsmodels() {
    let doc = golden();
    for case in doc["given_rolls"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let args = args_of(case);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let got = plan_json(&args);
        assert_eq!(got["rolls"], case["rolls"], "{name}");
        assert_eq!(got["df"], case["df"], "{name}");
        let power = f(&got["power_at_rolls"]);
        assert!(
            (power - f(&case["power_at_rolls"])).abs() < POWER_ABS,
            "{name}: {power} vs {}",
            case["power_at_rolls"]
        );
        assert!(got.get("rolls_real").is_none() && got.get("power").is_none());
    }
}

/// A coin's X² is Z² with Z ~ N(√(N w²), 1) under the noncentral
/// approximation, so its power is Φ(√λ − z) + Φ(−√λ − z): mpmath at 40
/// digits, no SciPy.
#[test]
fn a_coin_follows_the_normal_closed_form() {
    let doc = golden();
    for case in doc["coin_closed_form"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let args = args_of(case);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let solved = plan_json(&args);
        assert_eq!(solved["df"], 1, "{name}");
        let real = f(&solved["rolls_real"]);
        assert!(
            rel(real, f(&case["rolls_real"])) < ROLLS_REAL_REL,
            "{name}: {real} vs {}",
            case["rolls_real"]
        );
        // The same die at the given rolls (without --power, which --rolls
        // refuses).
        let given = case["given_rolls"].to_string();
        let at = plan_json(&[args[0], args[1], args[2], args[3], "--rolls", &given]);
        let power = f(&at["power_at_rolls"]);
        assert!(
            (power - f(&case["power_at_given_rolls"])).abs() < COIN_POWER_ABS,
            "{name}: {power} vs {}",
            case["power_at_given_rolls"]
        );
    }
}

#[test]
fn the_json_has_exactly_the_contract_s_fields() {
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let sorted = |v: Vec<&str>| {
        let mut v: Vec<String> = v.into_iter().map(String::from).collect();
        v.sort_unstable();
        v
    };
    let solved = plan_json(&["--faces", "6", "--face", "6", "--face-prob", "0.25"]);
    let mut want = vec![
        "rolls",
        "rolls_real",
        "effect_w",
        "df",
        "alpha",
        "power",
        "power_at_rolls",
        "null",
        "alternative",
    ];
    assert_eq!(keys(&solved), sorted(want.clone()));
    assert_eq!(solved["alternative"][5], 0.25);
    assert_eq!(solved["null"].as_array().unwrap().len(), 6);
    let at = plan_json(&["--probs", "1,1,1,1,1,2", "--rolls", "300"]);
    want.retain(|k| *k != "rolls_real" && *k != "power");
    assert_eq!(keys(&at), sorted(want));
    assert_eq!(at["rolls"], 300);
}

#[test]
fn the_table_says_it_in_words() {
    let text = run_ok(
        &[
            "plan",
            "--faces",
            "20",
            "--face",
            "20",
            "--face-prob",
            "0.07",
        ],
        "",
    );
    assert!(
        text.starts_with(
            "Rolls needed: 2,441 (power 80.0% at α = 0.05 against face 20 at 0.07 instead of \
             0.05 on a d20, the others at 0.048947)\n"
        ),
        "{text}"
    );
    let text = run_ok(&["plan", "--probs", "1,1,1,1,1,2", "--rolls", "300"], "");
    assert!(text.starts_with("Power at 300 rolls: "), "{text}");
}

#[test]
fn the_shorthand_is_the_die_spelled_out() {
    let short = plan_json(&["--faces", "4", "--face", "2", "--face-prob", "0.4"]);
    let long = plan_json(&["--probs", "0.2,0.4,0.2,0.2"]);
    for field in ["rolls", "df", "null"] {
        assert_eq!(short[field], long[field], "{field}");
    }
    // (1 − 0.4)/3 and 0.2/1 differ in the last bit.
    for k in 0..4 {
        let (a, b) = (f(&short["alternative"][k]), f(&long["alternative"][k]));
        assert!((a - b).abs() < 1e-15, "{a} vs {b}");
    }
    // K comes from --expected when --faces is not given, else 6.
    let from_expected = plan_json(&["--face", "1", "--face-prob", "0.5", "--expected", "1,1,2"]);
    assert_eq!(from_expected["null"].as_array().unwrap().len(), 3);
    let default = plan_json(&["--face", "1", "--face-prob", "0.5"]);
    assert_eq!(default["null"].as_array().unwrap().len(), 6);
}

#[test]
fn a_huge_number_of_rolls_has_full_power_at_once() {
    let at = plan_json(&["--probs", "1,1,1,1,1,1.01", "--rolls", "1000000000000000"]);
    assert_eq!(at["power_at_rolls"], 1.0);
    let tiny = plan_json(&["--faces", "6", "--face", "1", "--face-prob", "0.16667"]);
    assert!(f(&tiny["rolls_real"]) > 1e10, "{tiny}");
}

#[test]
fn questions_without_an_answer_are_one_line_usage_errors() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--probs", "1,1,1", "--expected", "1,1"],
            "--expected gives 2 probabilities but the die has 3 faces",
        ),
        (
            &["--probs", "1,2,3", "--faces", "4"],
            "--faces gives 4 faces but --probs gives 3",
        ),
        (&["--probs", "1,1,1,1,1,1"], "w = 0"),
        (&["--probs", "0.1,0.2,0.7", "--expected", "1,2,7"], "w = 0"),
        (
            &["--faces", "6", "--face", "7", "--face-prob", "0.2"],
            "--face 7 is not a face of a d6",
        ),
        (
            &["--faces", "1", "--face", "1", "--face-prob", "0.2"],
            "at least 2 faces",
        ),
        (
            &["--face", "1", "--face-prob", "1.5"],
            "strictly between 0 and 1",
        ),
        (
            &["--face", "1", "--face-prob", "0"],
            "strictly between 0 and 1",
        ),
        (&["--face", "1"], "--face-prob"),
        (&["--faces", "6"], "--probs"),
        (
            &["--probs", "1,1,2", "--face", "1", "--face-prob", "0.5"],
            "cannot be used with",
        ),
        (
            &["--probs", "1,1,1", "--expected", "1,1,0"],
            "the null gives it 0",
        ),
        (&["--probs", "1,2", "--power", "0.04"], "not above --alpha"),
        (
            &["--probs", "1,2", "--power", "1"],
            "strictly between 0 and 1",
        ),
        (
            &["--probs", "1,2", "--alpha", "0"],
            "strictly between 0 and 1",
        ),
        (
            &["--probs", "1,2", "--rolls", "10", "--power", "0.9"],
            "cannot be used with",
        ),
        (&["--probs", "1,2", "--rolls", "0"], "--rolls"),
        (&["--probs", "1,-2"], "not a finite non-negative number"),
        (
            &["--probs", "1,2", "--plot", "power.gif"],
            "--plot power.gif: use a .svg or .png file",
        ),
        (&["--probs", "100000000,100000003"], "more than the 2^53"),
    ];
    for (args, want) in cases {
        let mut all = vec!["plan"];
        all.extend_from_slice(args);
        let err = run_fail(&all, "", 2);
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("diceml: "), "{err}");
    }
    assert!(!std::path::Path::new("power.gif").exists());
}

#[test]
fn the_chart_is_written_beside_the_report() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["power.svg", "power.png"] {
        let path = dir.path().join(name);
        let out = dir.path().join("plan.json");
        diceml()
            .args([
                "plan",
                "--faces",
                "20",
                "--face",
                "20",
                "--face-prob",
                "0.07",
            ])
            .args(["--format", "json", "-o"])
            .arg(&out)
            .arg("--plot")
            .arg(&path)
            .assert()
            .success()
            .stdout("");
        let bytes = std::fs::read(&path).unwrap();
        if name.ends_with(".png") {
            assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        } else {
            let svg = String::from_utf8(bytes).unwrap();
            assert!(
                svg.contains("target power 80%") && svg.contains("2,441 rolls"),
                "{svg}"
            );
        }
        let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(report["rolls"], 2441);
    }
}
