//! `diceml fit`: the pipeline, the three formats, input forms and errors.

use serde_json::Value;

use crate::util::{diceml, fit_json, run_fail, run_ok, test_file};

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Checks the invariants every report must satisfy: p = count/N exactly,
/// Σq = 1, converged ⇔ max_abs_diff ≤ tol, and every number finite.
fn check_report(r: &Value) {
    let n = r["n"].as_u64().unwrap();
    let faces = r["faces"].as_array().unwrap();
    assert_eq!(faces.len() as u64, r["k"].as_u64().unwrap());
    let total: u64 = faces.iter().map(|x| x["count"].as_u64().unwrap()).sum();
    assert_eq!(total, n);
    let mut max_diff: f64 = 0.0;
    for face in faces {
        assert!(face["face"].is_string());
        let (p, q) = (f(&face["p"]), f(&face["q"]));
        assert_eq!(p, face["count"].as_u64().unwrap() as f64 / n as f64);
        assert!((0.0..=1.0).contains(&q));
        max_diff = max_diff.max((q - p).abs());
        assert!(face["logit"].is_null() || face["logit"].is_f64());
    }
    let fit = &r["fit"];
    assert_eq!(f(&fit["max_abs_diff"]), max_diff);
    let q_sum: f64 = faces.iter().map(|x| f(&x["q"])).sum();
    // K roundings of q_k: 1e-12 is generous for K ≤ 1000.
    assert!((q_sum - 1.0).abs() < 1e-12);
    assert_eq!(
        fit["converged"].as_bool().unwrap(),
        max_diff <= f(&fit["tol"])
    );
    for key in ["cross_entropy", "entropy", "kl", "learning_rate"] {
        assert!(f(&fit[key]).is_finite(), "{key}");
    }
}

/// The "done when" of the backbone: simulate --seed 7 | fit converges.
#[test]
fn simulate_pipe_fit_converges_to_the_closed_form() {
    let rolls = run_ok(
        &["simulate", "--faces", "6", "--n", "10000", "--seed", "7"],
        "",
    );
    let r = fit_json(&[], &rolls);
    check_report(&r);
    assert_eq!(r["n"], 10000);
    assert_eq!(r["k"], 6);
    assert_eq!(r["k_inferred"], true);
    assert_eq!(r["header"], "face");
    let fit = &r["fit"];
    assert_eq!(fit["method"], "gd");
    assert_eq!(fit["converged"], true);
    assert!(f(&fit["max_abs_diff"]) <= 1e-10);
    assert_eq!(f(&fit["learning_rate"]), 2.0);
    assert_eq!(f(&fit["tol"]), 1e-10);
    // Logits are centred: they sum to 0 (rounding 1e-12).
    let sum: f64 = r["faces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| f(&x["logit"]))
        .sum();
    assert!(sum.abs() < 1e-12);
    // KL(p‖q) ≈ Σ (q−p)²/(2p) ≤ 6·(1e-10)²/(2·0.15): tiny but non-negative.
    assert!((0.0..1e-19).contains(&f(&fit["kl"])));
    assert!((f(&fit["cross_entropy"]) - f(&fit["entropy"]) - f(&fit["kl"])).abs() < 1e-15);
}

#[test]
fn entropy_matches_the_closed_form() {
    // Counts 1,1,2 → p = (¼, ¼, ½), H = 1.5 ln 2 (tolerance 1e-15).
    let r = fit_json(&[], "1\n2\n3\n3\n");
    check_report(&r);
    assert!((f(&r["fit"]["entropy"]) - 1.5 * 2f64.ln()).abs() < 1e-15);
}

#[test]
fn a_d20_with_a_face_never_rolled_has_q_zero_and_no_nan() {
    let mut rolls = String::from("face\n");
    for i in 0..2000u64 {
        let face = 1 + (i * 7) % 20;
        if face != 13 {
            rolls.push_str(&format!("{face}\n"));
        }
    }
    let r = fit_json(&["--faces", "20"], &rolls);
    check_report(&r);
    assert_eq!(r["k_inferred"], false);
    let face13 = &r["faces"][12];
    assert_eq!(face13["count"], 0);
    assert_eq!(f(&face13["q"]), 0.0);
    assert!(face13["logit"].is_null());
    assert_eq!(r["fit"]["converged"], true);
    assert_eq!(r["fit"]["zero_count_faces"], serde_json::json!(["13"]));
}

#[test]
fn k_is_inferred_from_the_largest_face_and_gaps_count_zero() {
    let r = fit_json(&[], "2\n5\n5\n");
    assert_eq!(r["k"], 5);
    assert_eq!(r["k_inferred"], true);
    assert!(r["header"].is_null());
    let counts: Vec<u64> = r["faces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, vec![0, 1, 0, 0, 2]);
    let table = run_ok(&["fit"], "2\n5\n5\n");
    assert!(table.contains("N = 3, K = 5\n"), "{table}");
    assert!(
        table.contains("K inferred: the largest face seen"),
        "{table}"
    );
    assert!(table.contains("never rolled: 1, 3, 4 "), "{table}");
}

#[test]
fn a_one_faced_die_is_well_defined() {
    let r = fit_json(&[], "1\n1\n1\n");
    check_report(&r);
    assert_eq!(r["k"], 1);
    assert_eq!(f(&r["faces"][0]["q"]), 1.0);
    assert_eq!(r["fit"]["iterations"], 0);
    assert_eq!(r["fit"]["converged"], true);
}

#[test]
fn counts_input_sums_repeated_faces_and_keeps_zero_faces() {
    let r = fit_json(&["--counts"], "face,count\n1,10\n3,0\n1,5\n2,5\n");
    check_report(&r);
    let counts: Vec<u64> = r["faces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, vec![15, 5, 0]);
}

#[test]
fn simulated_counts_round_trip_through_fit() {
    let counts = run_ok(
        &[
            "simulate", "--faces", "20", "--n", "1000000", "--counts", "--seed", "4",
        ],
        "",
    );
    let r = fit_json(&["--counts"], &counts);
    check_report(&r);
    assert_eq!(r["n"], 1_000_000);
    assert_eq!(r["fit"]["converged"], true);
}

/// N = 10^18 with a face at p = 10^-15: finite numbers everywhere, and
/// `converged` is reported honestly (gradient descent is slow there).
#[test]
fn huge_n_and_tiny_probabilities_stay_finite() {
    let input = "face,count\n1,999999999999999000\n2,1000\n";
    let r = fit_json(&["--counts", "--max-iter", "2000"], input);
    check_report(&r);
    assert_eq!(f(&r["faces"][1]["p"]), 1e-15);
    assert_eq!(r["fit"]["converged"], false);
    assert_eq!(r["fit"]["iterations"], 2000);
    let table = run_ok(&["fit", "--counts", "--max-iter", "2000"], input);
    assert!(
        table.contains("NOT converged: stopped at --max-iter 2000"),
        "{table}"
    );
}

#[test]
fn optimiser_flags_are_honoured() {
    let rolls = "1\n2\n2\n3\n3\n3\n";
    let r = fit_json(
        &["--lr", "0.5", "--tol", "1e-6", "--max-iter", "100000"],
        rolls,
    );
    check_report(&r);
    assert_eq!(f(&r["fit"]["learning_rate"]), 0.5);
    assert_eq!(f(&r["fit"]["tol"]), 1e-6);
    assert!(f(&r["fit"]["max_abs_diff"]) <= 1e-6);
    let slow = fit_json(&["--lr", "0.5", "--tol", "1e-6"], rolls);
    let fast = fit_json(&["--tol", "1e-6"], rolls);
    // A quarter of the step needs more iterations to reach the same tolerance.
    assert!(slow["fit"]["iterations"].as_u64() > fast["fit"]["iterations"].as_u64());
    for bad in [
        ["--tol", "0"],
        ["--lr", "-1"],
        ["--lr", "nan"],
        ["--max-iter", "-3"],
    ] {
        run_fail(&["fit", "-", bad[0], bad[1]], rolls, 2);
    }
}

#[test]
fn csv_output_has_one_row_per_face_with_round_trip_floats() {
    let out = run_ok(&["fit", "--format", "csv"], "1\n2\n2\n");
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("face,count,p,q,abs_diff"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][..2], ["1", "1"]);
    assert_eq!(rows[0][2].parse::<f64>().unwrap(), 1.0 / 3.0);
    assert_eq!(rows[1][2].parse::<f64>().unwrap(), 2.0 / 3.0);
    let q: f64 = rows[1][3].parse().unwrap();
    assert!((q - 2.0 / 3.0).abs() <= 1e-10);
}

#[test]
fn columns_are_chosen_by_name_index_or_the_face_header() {
    let log = "time,face,player\n1,2,ann\n2,6,bob\n3,6,ann\n";
    let by_default = fit_json(&[], log);
    assert_eq!(by_default["k"], 6);
    assert_eq!(by_default["faces"][5]["count"], 2);
    assert_eq!(
        fit_json(&["--column", "face"], log)["faces"],
        by_default["faces"]
    );
    assert_eq!(
        fit_json(&["--column", "2"], log)["faces"],
        by_default["faces"]
    );
    // Index into a headerless log.
    let r = fit_json(&["--column", "2"], "9,1\n9,2\n");
    assert_eq!(r["k"], 2);
    assert!(r["header"].is_null());
}

#[test]
fn several_columns_without_a_choice_is_a_usage_error_listing_them() {
    let err = run_fail(&["fit", "-"], "when,roll\n1,2\n", 2);
    assert_eq!(
        err,
        "diceml: <stdin> has 2 columns and none is named \"face\"; pick one with --column NAME|INDEX: 1 \"when\", 2 \"roll\"\n"
    );
    let err = run_fail(&["fit", "-", "--column", "5"], "a,b\n1,2\n", 2);
    assert!(err.contains("--column 5: <stdin> has 2 column(s)"), "{err}");
    let err = run_fail(&["fit", "-", "--column", "nope"], "a,b\n1,2\n", 2);
    assert!(err.contains("no column of that name"), "{err}");
}

/// Every bad row stops the run with exit 1 and `file:line: what`.
#[test]
fn bad_rows_name_their_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str], &str); 9] = [
        ("face\n1\nx\n", &[], ":3: \"x\" is not a face"),
        ("1\n2\n\"\"\n", &[], ":3: empty face field"),
        ("1\n7\n", &["--faces", "6"], ":2: face 7 is outside 1..6"),
        ("1\n0\n", &["--faces", "6"], ":2: face 0 is outside 1..6"),
        ("1\n-2\n", &[], ":2: face \"-2\" is negative"),
        (
            "1\n2.5\n",
            &[],
            ":2: \"2.5\" is not a face: this log has integer faces",
        ),
        (
            "1\n99999999999\n",
            &[],
            ":2: face 99999999999 is above the largest face",
        ),
        (
            "a,face\n1,2\n3\n",
            &[],
            ":3: expected 2 field(s) like the first row, found 1",
        ),
        (
            "face\n1\n2\n4000000000\n",
            &[],
            ":4: face 4000000000 is above",
        ),
    ];
    for (i, (text, flags, want)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.csv"));
        std::fs::write(&path, text).unwrap();
        let name = path.to_str().unwrap();
        let err = run_fail(&[&["fit", name][..], flags].concat(), "", 1);
        assert!(
            err.starts_with(&format!("diceml: {name}{want}")),
            "case {i}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "one line: {err}");
    }
}

#[test]
fn bad_count_rows_name_their_line() {
    let cases = [
        (
            "face,count\n1,5\n2,-1\n",
            "<stdin>:3: count \"-1\" is not a whole number",
        ),
        (
            "face,count\n1,1.5\n",
            "<stdin>:2: count \"1.5\" is not a whole number",
        ),
        (
            "1,18446744073709551615\n2,1\n",
            "<stdin>:2: the total count overflows",
        ),
        (
            "face,count\n1\n",
            "<stdin>:2: expected 2 field(s) like the first row, found 1",
        ),
        (
            "face,count\n1,3\nx,3\n",
            "<stdin>:3: \"x\" is not a face: this log has integer faces",
        ),
    ];
    for (text, want) in cases {
        let err = run_fail(&["fit", "--counts"], text, 1);
        assert!(err.starts_with(&format!("diceml: {want}")), "{err}");
    }
}

#[test]
fn empty_inputs_are_clear_errors() {
    for text in ["", "face\n", "\n\n"] {
        let err = run_fail(&["fit"], text, 1);
        assert_eq!(
            err,
            "diceml: <stdin>: no rolls to fit: the input holds no rolls (N = 0)\n"
        );
    }
    let err = run_fail(&["fit", "--counts"], "face,count\n1,0\n2,0\n", 1);
    assert!(err.contains("N = 0"), "{err}");
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let err = run_fail(&["fit", "no/such/file.csv"], "", 1);
    assert!(
        err.starts_with("diceml: no/such/file.csv: cannot open: "),
        "{err}"
    );
}

#[test]
fn several_files_are_summed() {
    let a = test_file("golden/simulate_fair_d6_seed42.csv");
    let b = test_file("golden/simulate_loaded_d6_seed7.csv");
    let both = run_ok(&["fit", &a, &b, "--format", "json"], "");
    let r: Value = serde_json::from_str(&both).unwrap();
    assert_eq!(r["n"], 2000);
}

#[test]
fn the_sample_data_fits() {
    for name in ["fair_d6.csv", "loaded_d6.csv", "d20.csv"] {
        let path = format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"));
        let out = diceml()
            .args(["fit", &path, "--format", "json"])
            .assert()
            .success();
        let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        check_report(&r);
        assert_eq!(r["fit"]["converged"], true, "{name}");
    }
}
