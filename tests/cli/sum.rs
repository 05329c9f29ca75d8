//! `fit --sum-of`: a die seen only through its totals, against SciPy's
//! optimiser on the same likelihood (tests/golden/sum.json, made by
//! tests/golden/sum_golden.py) for 2d6, 3d6, 4dF and Weldon's dice, by
//! every method; Weldon's closed form; reading totals (negative ones,
//! impossible ones at their line); usage errors.
//!
//! Tolerances: both fits stop at a gradient max-norm near 1e-10; gradient
//! descent on 3d6 (the worst conditioned case) leaves q within 6e-9 of
//! SciPy's, so q is compared to 1e-7 absolute; the standard errors come
//! from a central-difference Hessian on SciPy's side (step 1e-5, about
//! 1e-8 relative), compared to 1e-6 relative; ℓ and the LRT statistic to
//! 1e-6 absolute (ℓ is about 10⁴ nats: 1e-10 relative); the χ² of the
//! model, expected counts and p-values to 1e-6 relative.

use serde_json::Value;

use crate::util::{diceml, run_fail, run_ok};

fn golden() -> Value {
    serde_json::from_str(include_str!("../golden/sum.json")).expect("sum.json parses")
}

fn path(rel: &str) -> String {
    format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn fit(case: &Value, method: &str) -> Value {
    let file = path(case["file"].as_str().unwrap());
    let mut args = vec!["fit", &file, "--format", "json", "--method", method];
    let extra: Vec<&str> = case["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    args.extend(extra);
    if case["counts_table"].as_bool().unwrap() {
        args.push("--counts");
    }
    serde_json::from_str(&run_ok(&args, "")).expect("valid JSON")
}

fn rel(a: f64, b: f64) -> f64 {
    (a / b - 1.0).abs()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn every_method_matches_scipy_on_the_four_cases() {
    for case in golden()["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        for method in ["newton", "gd", "momentum", "auto"] {
            let r = fit(case, method);
            let m = &r["model"];
            let what = format!("{name} by {method}");
            assert_eq!(m["kind"], "sum");
            assert_eq!(m["dice"], case["dice"], "{what}");
            assert_eq!(m["converged"], true, "{what}");
            assert_eq!(m["optimum_unique"], true, "{what}");
            assert_eq!(r["n"], case["n"], "{what}");
            let faces = r["faces"].as_array().unwrap();
            let (q, se) = (floats(&case["q"]), floats(&case["std_error"]));
            for (i, face) in faces.iter().enumerate() {
                assert_eq!(face["face"], i as u64 + 1);
                assert_eq!(face["value"], case["values"][i], "{what}");
                let got = face["q"].as_f64().unwrap();
                assert!((got - q[i]).abs() < 1e-7, "{what} q{i}: {got} vs {}", q[i]);
                let got = face["std_error"].as_f64().unwrap();
                assert!(rel(got, se[i]) < 1e-6, "{what} se{i}: {got} vs {}", se[i]);
            }
            let close = |got: &Value, want: &Value, tol: f64| {
                let (g, w) = (got.as_f64().unwrap(), want.as_f64().unwrap());
                assert!((g - w).abs() < tol, "{what}: {g} vs {w}");
            };
            close(&m["loglik"], &case["loglik"], 1e-6);
            close(&m["loglik_fair"], &case["loglik_fair"], 1e-6);
            close(
                &m["lrt_vs_fair"]["statistic"],
                &case["lrt_vs_fair"]["statistic"],
                1e-6,
            );
            assert_eq!(m["lrt_vs_fair"]["df"], case["lrt_vs_fair"]["df"]);
            assert_eq!(m["gof"]["df"], case["gof"]["df"]);
            for (key, tol) in [("statistic", 1e-6), ("p_value", 1e-6)] {
                let (g, w) = (
                    m["gof"][key].as_f64().unwrap(),
                    case["gof"][key].as_f64().unwrap(),
                );
                assert!(rel(g, w) < tol, "{what} gof {key}: {g} vs {w}");
            }
            let (g, w) = (
                m["lrt_vs_fair"]["p_value"].as_f64().unwrap(),
                case["lrt_vs_fair"]["p_value"].as_f64().unwrap(),
            );
            assert!(g == w || rel(g, w) < 1e-6, "{what} lrt p: {g} vs {w}");
            let totals = r["totals"].as_array().unwrap();
            assert_eq!(totals.len(), case["totals"].as_array().unwrap().len());
            for (i, t) in totals.iter().enumerate() {
                assert_eq!(t["total"], case["totals"][i]);
                assert_eq!(t["count"], case["counts"][i]);
                let want = case["expected"][i].as_f64().unwrap();
                assert!(
                    rel(t["expected"].as_f64().unwrap(), want) < 1e-6,
                    "{what} total {i}"
                );
            }
            // Fit's ordinary report is not mixed in.
            assert!(r.get("verdict").is_none() && r.get("tests").is_none());
        }
    }
}

/// Weldon's success die: the MLE is the binomial mean / 12, exactly, and
/// the LRT against the d6's 1/3 (`--expected 2,1`) the binomial one in
/// closed form (statistic to 1e-6 absolute: ℓ is 5·10⁴ nats; p to 1e-6
/// relative).
#[test]
fn weldon_is_the_binomial_mean_over_twelve() {
    let case = golden()["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "weldon")
        .unwrap()
        .clone();
    let file = path("data/weldon.csv");
    let r: Value = serde_json::from_str(&run_ok(
        &[
            "fit",
            &file,
            "--counts",
            "--sum-of",
            "12",
            "--face-values",
            "0,1",
            "--expected",
            "2,1",
            "--format",
            "json",
        ],
        "",
    ))
    .unwrap();
    let (got, want) = (&r["model"]["lrt_vs_expected"], &case["lrt_vs_one_third"]);
    let stat = got["statistic"].as_f64().unwrap();
    assert!(
        (stat - want["statistic"].as_f64().unwrap()).abs() < 1e-6,
        "{stat}"
    );
    assert_eq!(got["df"], 1);
    assert!(
        rel(
            got["p_value"].as_f64().unwrap(),
            want["p_value"].as_f64().unwrap()
        ) < 1e-6
    );
    let counts = [
        185u64, 1149, 3265, 5475, 6114, 5194, 3067, 1331, 403, 105, 14, 4, 0,
    ];
    let n: u64 = counts.iter().sum();
    let successes: u64 = counts.iter().enumerate().map(|(s, c)| s as u64 * c).sum();
    let p = successes as f64 / (12 * n) as f64;
    let file = path("data/weldon.csv");
    let r: Value = serde_json::from_str(&run_ok(
        &[
            "fit",
            &file,
            "--counts",
            "--sum-of",
            "12",
            "--face-values",
            "0,1",
            "--format",
            "json",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(r["n"], 26306);
    // Newton's tol 1e-10 on the gradient and curvature 12 p(1 − p): 1e-12.
    assert!((r["faces"][1]["q"].as_f64().unwrap() - p).abs() < 1e-12);
}

#[test]
fn negative_totals_read_from_logs_and_count_tables() {
    let args = [
        "fit",
        "-",
        "--sum-of",
        "4",
        "--face-values=-1,0,1",
        "--format",
        "json",
    ];
    let log: Value = serde_json::from_str(&run_ok(&args, "total\n-4\n-1\n0\n0\n2\n4\n")).unwrap();
    let counted: Value = serde_json::from_str(&run_ok(
        &[&args[..], &["--counts"]].concat(),
        "total,count\n-4,1\n-1,1\n0,2\n2,1\n4,1\n",
    ))
    .unwrap();
    assert_eq!(log["totals"], counted["totals"]);
    assert_eq!(log["totals"][0]["total"], -4);
    assert_eq!(log["totals"].as_array().unwrap().len(), 9);
}

#[test]
fn an_impossible_total_is_an_error_at_its_line() {
    let err = run_fail(
        &["fit", "-", "--sum-of", "2", "--faces", "6"],
        "total\n7\n13\n",
        1,
    );
    assert_eq!(
        err.trim(),
        "diceml: <stdin>:3: \"13\" is not a total that 2 dice with faces 1..6 can make"
    );
    let out = run_ok(
        &[
            "fit",
            "-",
            "--sum-of",
            "2",
            "--faces",
            "6",
            "--skip-invalid",
        ],
        "total\n7\n13\n8\n",
    );
    assert!(
        out.contains("skipped 1 invalid row(s): 1 impossible total"),
        "{out}"
    );
    let err = run_fail(
        &["fit", "-", "--sum-of", "2", "--face-values", "0,10"],
        "0\n5\n",
        1,
    );
    assert!(
        err.contains("\"5\" is not a total that 2 dice with face values 0,10 can make"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    for (args, says) in [
        (&["--sum-of", "2"][..], "--sum-of needs the die's faces"),
        (&["--sum-of", "2", "--face-values", "1,2,1"], "listed twice"),
        (
            &["--sum-of", "2", "--face-values", "1,x"],
            "not an integer face value",
        ),
        (&["--face-values", "0,1"], "--sum-of"),
        (
            &["--sum-of", "2", "--faces", "6", "--by", "user"],
            "cannot be used with",
        ),
        (
            &["--sum-of", "2", "--faces", "6", "--format", "csv"],
            "--format csv is not available",
        ),
        (&["--sum-of", "0", "--faces", "6"], "1..=100"),
        (&["--sum-of", "2", "--faces", "101"], "at most 100 faces"),
        (
            &["--sum-of", "100", "--face-values", "0,5000"],
            "possible totals",
        ),
    ] {
        let all = [&["fit", "-"][..], args].concat();
        let err = run_fail(&all, "7\n", 2);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn the_table_says_it_in_words() {
    let file = path("data/catan_2d6.csv");
    let out = run_ok(&["fit", &file, "--sum-of", "2", "--faces", "6"], "");
    for words in [
        "A die seen only through the totals of 2 dice; face values 1,2,3,4,5,6",
        "N = 3000 totals",
        "fit: Newton's method, converged in",
        "Is the die fair? likelihood ratio = ",
        "Do 2 such dice explain the totals? chi-square = ",
    ] {
        assert!(out.contains(words), "{words}\n{out}");
    }
}

#[test]
fn a_fit_stopped_early_warns_on_stderr() {
    let file = path("data/catan_2d6.csv");
    let out = diceml()
        .args([
            "fit",
            &file,
            "--sum-of",
            "2",
            "--faces",
            "6",
            "--max-iter",
            "1",
        ])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("did not converge"), "{err}");
}
