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
    for key in ["cross_entropy", "entropy", "kl"] {
        assert!(f(&fit[key]).is_finite(), "{key}");
    }
    // A step size is reported exactly when the method that ran takes one.
    let stepping = fit["method"] == "gd" || fit["method"] == "momentum";
    assert_eq!(!fit["learning_rate"].is_null(), stepping);
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
/// `converged` is reported honestly (gradient descent is slow there; the
/// default, auto, takes Newton's method for such a die and converges).
#[test]
fn huge_n_and_tiny_probabilities_stay_finite() {
    let input = "face,count\n1,999999999999999000\n2,1000\n";
    let gd = ["--counts", "--method", "gd", "--max-iter", "2000"];
    let r = fit_json(&gd, input);
    check_report(&r);
    assert_eq!(f(&r["faces"][1]["p"]), 1e-15);
    assert_eq!(r["fit"]["converged"], false);
    assert_eq!(r["fit"]["iterations"], 2000);
    let auto = fit_json(&["--counts"], input);
    check_report(&auto);
    assert_eq!(auto["fit"]["method"], "newton");
    assert_eq!(auto["fit"]["converged"], true);
    let table = run_ok(
        &["fit", "--counts", "--method", "gd", "--max-iter", "2000"],
        input,
    );
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

/// Runs `fit -` with `args` on `stdin` and returns (stdout, stderr).
fn fit_with_stderr(args: &[&str], stdin: &str) -> (String, String) {
    let mut all = vec!["fit", "-"];
    all.extend_from_slice(args);
    let out = diceml().args(&all).write_stdin(stdin).assert().success();
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).expect("utf-8");
    (
        text(&out.get_output().stdout),
        text(&out.get_output().stderr),
    )
}

/// A fair-ish d6 log whose targets are all ≥ 1e-3: counts 1, 2, 3, 1, 1, 2.
const SMALL_LOG: &str = "face\n1\n2\n2\n3\n3\n3\n4\n5\n6\n6\n";

/// 0.2.0 iterated a step of 50 for a million iterations, the loss jumping
/// between 5 and 15 nats, and advised "raise --max-iter". From the fair d6
/// the first step of 50 gives a_k = −50 (q_k − p_k), the loss rises from
/// ln 6 at once, and the fit stops there naming the bound 2/L = 4.
#[test]
fn a_step_too_large_stops_the_fit_and_names_the_bound_instead_of_max_iter() {
    for method in ["gd", "momentum"] {
        let r = fit_json(&["--method", method, "--lr", "50"], SMALL_LOG);
        check_report(&r);
        let fit = &r["fit"];
        assert_eq!(fit["converged"], false, "{method}");
        assert_eq!(fit["stop"], "loss_rose");
        assert_eq!(fit["iterations"], 1);
        assert_eq!(f(&fit["learning_rate"]), 50.0);
        // The start is the fair die: H = ln 6 (rounding 1e-15).
        assert!((f(&fit["loss_rose"]["from"]) - 6f64.ln()).abs() < 1e-15);
        // After the step a = −50 (1/6 − p) for p = (1,2,3,1,1,2)/10: face 3
        // (p = 0.3) takes nearly all mass, so H ≈ Σ p_k (a_3 − a_k)
        // = 50 (0.3 − Σ p_k²) = 50 (0.3 − 0.2) = 5.0, less the tiny
        // log(1 + Σ_{k≠3} e^{a_k − a_3}) part (e^{−5} scale): 5.0135 by hand.
        let to = f(&fit["loss_rose"]["to"]);
        assert!((5.0..5.02).contains(&to), "{to}");
        assert!(r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("a step of 50 raised the loss")));
        let (table, stderr) = fit_with_stderr(&["--method", method, "--lr", "50"], SMALL_LOG);
        assert!(
            table.contains("the step is too large: every step below 4 = 2/L lowers it"),
            "{table}"
        );
        assert!(!table.contains("raise --max-iter"), "{table}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    // Any step below 4 converges with the loss falling at every step.
    for eta in ["0.5", "2", "3.99"] {
        let r = fit_json(&["--lr", eta], SMALL_LOG);
        assert_eq!(r["fit"]["stop"], "converged", "--lr {eta}");
    }
}

#[test]
fn newton_with_a_learning_rate_is_a_usage_error_and_reports_none() {
    let err = run_fail(
        &["fit", "-", "--method", "newton", "--lr", "3"],
        SMALL_LOG,
        2,
    );
    assert!(
        err.contains("--lr sets the step of gd and momentum"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let r = fit_json(&["--method", "newton"], SMALL_LOG);
    check_report(&r);
    assert_eq!(r["fit"]["method"], "newton");
    assert_eq!(r["fit"]["auto"], false);
    assert!(r["fit"]["learning_rate"].is_null());
    // --lr without --method (or with auto) asks for gradient descent.
    for args in [&["--lr", "0.5"][..], &["--method", "auto", "--lr", "0.5"]] {
        let r = fit_json(args, SMALL_LOG);
        assert_eq!(r["fit"]["method"], "gd", "{args:?}");
        assert_eq!(f(&r["fit"]["learning_rate"]), 0.5);
    }
}

/// 0.2.0 printed q in CSV with no sign that the fit had stopped at
/// --max-iter: now every format warns in one line on stderr, and JSON keeps
/// `converged: false`. A converged fit prints nothing there.
#[test]
fn a_fit_that_did_not_converge_warns_on_stderr_in_every_format() {
    for format in ["table", "csv", "json"] {
        let args = ["--method", "gd", "--max-iter", "3", "--format", format];
        let (out, stderr) = fit_with_stderr(&args, SMALL_LOG);
        assert_eq!(stderr.lines().count(), 1, "{format}: {stderr}");
        assert!(
            stderr.starts_with("diceml: warning: fit: gradient descent, step 2, NOT converged: stopped at --max-iter 3"),
            "{format}: {stderr}"
        );
        assert!(stderr.contains("q is not the maximum-likelihood estimate"));
        if format == "json" {
            let r: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(r["fit"]["converged"], false);
            assert_eq!(r["fit"]["stop"], "max_iter");
        }
        let (_, quiet) = fit_with_stderr(&["--format", format], SMALL_LOG);
        assert_eq!(quiet, "", "{format}");
    }
    // Siblings: a count table, and groups (one line for all of them).
    let (_, stderr) = fit_with_stderr(
        &[
            "--counts",
            "--method",
            "newton",
            "--max-iter",
            "1",
            "--format",
            "csv",
        ],
        "face,count\n1,5\n2,995\n",
    );
    assert!(
        stderr.starts_with("diceml: warning: fit: Newton's method, NOT converged"),
        "{stderr}"
    );
    assert!(stderr.contains("(raise --max-iter)"), "{stderr}");
    let groups = "die,face\na,1\na,2\na,2\nb,1\nb,1\nb,2\nc,1\nc,2\n";
    let (_, stderr) = fit_with_stderr(
        &[
            "--by",
            "die",
            "--method",
            "gd",
            "--max-iter",
            "2",
            "--format",
            "csv",
        ],
        groups,
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // c is fair (1, 1): the fair start is already its optimum.
    assert!(
        stderr.starts_with("diceml: warning: 2 of 3 groups' fits did not converge; group a's fit:"),
        "{stderr}"
    );
}

/// Zipf counts over K = 10^4 faces (count_k = ⌊10^9/k⌋, p_min ≈ 1e-5):
/// 0.2.0's default, gradient descent, took 493,000 iterations (about 37 s);
/// the default now chooses Newton's method, which takes 10 or so whatever K,
/// and says so. q is checked against p = count/N computed here.
#[test]
fn the_default_fit_of_a_large_skewed_die_chooses_newton_and_says_so() {
    let k = 10_000u64;
    let counts: Vec<u64> = (1..=k).map(|i| 1_000_000_000 / i).collect();
    let n: u64 = counts.iter().sum();
    let mut table = String::from("face,count\n");
    for (i, c) in counts.iter().enumerate() {
        table.push_str(&format!("{},{c}\n", i + 1));
    }
    let r = fit_json(&["--counts"], &table);
    let fit = &r["fit"];
    assert_eq!(fit["method"], "newton");
    assert_eq!(fit["auto"], true);
    assert_eq!(fit["converged"], true);
    assert!(
        fit["iterations"].as_u64().unwrap() <= 20,
        "{}",
        fit["iterations"]
    );
    assert!(fit["learning_rate"].is_null());
    for (face, &c) in r["faces"].as_array().unwrap().iter().zip(&counts) {
        // tol = 1e-10 bounds |q − p| by definition of converged.
        assert!((f(&face["q"]) - c as f64 / n as f64).abs() <= 1e-10);
    }
    let out = run_ok(&["fit", "--counts", "-"], &table);
    assert!(
        out.contains("fit: Newton's method (chosen by --method auto: a face's target is below 1e-3), converged in"),
        "{}",
        out.lines().find(|l| l.starts_with("fit")).unwrap_or("")
    );
}

/// The README's d6 example keeps gradient descent with step 2 and its 58
/// iterations: every face's p is far above 1e-3.
#[test]
fn a_small_die_keeps_gradient_descent_by_default() {
    let log = test_file("../data/loaded_d6.csv");
    let out = run_ok(&["fit", &log], "");
    assert!(
        out.contains("fit: gradient descent, step 2, converged in 58 iterations"),
        "{out}"
    );
    let r: Value = serde_json::from_str(&run_ok(&["fit", &log, "--format", "json"], "")).unwrap();
    assert_eq!(r["fit"]["method"], "gd");
    assert_eq!(r["fit"]["auto"], true);
    assert_eq!(f(&r["fit"]["learning_rate"]), 2.0);
}
