//! `fit --model pairs` and `fit --design FILE`: the axis/tilt split and the
//! log-linear fits against SciPy and statsmodels (tests/golden/model.json,
//! made by tests/golden/model_golden.py), every optimiser, the JSON
//! contract, the table's section, the chart, and the errors.

use serde_json::Value;

use crate::util::{diceml, run_fail, run_ok};

/// Estimates, absolute: SciPy's root has a gradient per roll below 1e-12,
/// diceml's fit below 1e-10 (--tol), so β differs by about 1e-9 at most.
const ESTIMATE_ABS: f64 = 1e-6;
/// Standard errors, relative (they move with β smoothly).
const SE_REL: f64 = 1e-6;
/// Statistics, absolute up to a statistic of 1, relative beyond: both sides
/// sum the same logs in doubles, and the loss is flat at the optimum.
const STAT_TOL: f64 = 1e-8;
/// p-values, relative.
const P_REL: f64 = 1e-8;

fn root(rel: &str) -> String {
    format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn golden() -> Value {
    let text = std::fs::read_to_string(root("tests/golden/model.json")).expect("model.json");
    serde_json::from_str(&text).expect("valid JSON")
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Runs `fit LOG ARGS --format json` (paths in the golden's args are made
/// absolute) and returns the die's `model`.
fn model_of(case: &Value, extra: &[&str]) -> Value {
    let mut args: Vec<String> = vec![
        "fit".into(),
        root(case["log"].as_str().unwrap()),
        "--format".into(),
        "json".into(),
    ];
    for a in case["args"].as_array().unwrap() {
        let a = a.as_str().unwrap();
        args.push(if a.starts_with("data/") {
            root(a)
        } else {
            a.into()
        });
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let report: Value = serde_json::from_str(&run_ok(&args, "")).expect("valid JSON");
    report["model"].clone()
}

fn close_stat(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= STAT_TOL * want.abs().max(1.0),
        "{what}: {got} vs {want}"
    );
}

fn close_p(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= P_REL * want,
        "{what}: {got} vs {want}"
    );
}

fn check_test(got: &Value, want: &Value, what: &str) {
    close_stat(f(&got["statistic"]), f(&want["statistic"]), what);
    assert_eq!(got["df"], want["df"], "{what}");
    close_p(f(&got["p_value"]), f(&want["p_value"]), what);
}

#[test]
fn pairs_match_scipy() {
    let doc = golden();
    for case in doc["pairs"].as_array().unwrap() {
        let log = case["log"].as_str().unwrap();
        let model = model_of(case, &[]);
        assert_eq!(model["kind"], "pairs");
        check_test(
            &model["tests"]["axis"],
            &case["axis"],
            &format!("{log} axis"),
        );
        check_test(
            &model["tests"]["tilt"],
            &case["tilt"],
            &format!("{log} tilt"),
        );
        let pairs = model["pairs"].as_array().unwrap();
        let k = case["k"].as_u64().unwrap() as usize;
        assert_eq!(pairs.len(), k / 2);
        for (j, (pair, share)) in pairs
            .iter()
            .zip(case["shares"].as_array().unwrap())
            .enumerate()
        {
            // Opposite faces sum to K + 1.
            let faces: Vec<usize> = pair["faces"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().parse().unwrap())
                .collect();
            assert_eq!(faces, vec![j + 1, k - j]);
            // n/N in doubles on both sides (1e-15).
            assert!((f(&pair["share"]) - f(share)).abs() < 1e-15);
        }
    }
}

#[test]
fn designs_match_scipy_and_statsmodels_with_every_method() {
    let doc = golden();
    for case in doc["design"].as_array().unwrap() {
        let log = case["log"].as_str().unwrap();
        for method in ["newton", "gd", "momentum"] {
            let model = model_of(case, &["--method", method]);
            let what = format!("{log} ({method})");
            assert_eq!(model["kind"], "design");
            assert_eq!(model["method"], method);
            assert_eq!(model["converged"], true, "{what}");
            for (got, want) in model["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .zip(case["parameters"].as_array().unwrap())
            {
                assert_eq!(got["name"], want["name"]);
                let (e, we) = (f(&got["estimate"]), f(&want["estimate"]));
                assert!((e - we).abs() <= ESTIMATE_ABS, "{what}: β {e} vs {we}");
                let (s, ws) = (f(&got["std_error"]), f(&want["std_error"]));
                assert!((s - ws).abs() <= SE_REL * ws, "{what}: SE {s} vs {ws}");
                // z = β/SE: every method ends with β within about 1e-9 of the
                // reference (gradient ≤ 1e-10), so z agrees to 1e-6.
                let (z, wz) = (f(&got["z"]), f(&want["z"]));
                assert!(
                    (z - wz).abs() <= 1e-6 * wz.abs().max(1.0),
                    "{what}: z {z} vs {wz}"
                );
            }
            close_stat(f(&model["loglik"]), f(&case["loglik"]), &what);
            check_test(
                &model["lrt_vs_fair"],
                &case["lrt_vs_fair"],
                &format!("{what} vs fair"),
            );
            check_test(
                &model["lrt_vs_free"],
                &case["lrt_vs_free"],
                &format!("{what} vs free"),
            );
            for (got, want) in model["fitted"]
                .as_array()
                .unwrap()
                .iter()
                .zip(case["q"].as_array().unwrap())
            {
                // q moves with β: 1e-6 in β is below 1e-6 in q (|x| ≤ 1).
                assert!((f(&got["q"]) - f(want)).abs() < 1e-6, "{what}");
            }
        }
    }
}

/// With Newton's method (the default), whose last step is quadratic, z and
/// the parameters' p-values meet the statistics' tolerance (gd and
/// momentum stop at a gradient of 1e-10, where z may differ by 1e-8 in its
/// digits, and p by z·φ(z)/p times that).
#[test]
fn newton_parameter_p_values_match_scipy() {
    let doc = golden();
    for case in doc["design"].as_array().unwrap() {
        let model = model_of(case, &[]);
        assert_eq!(model["method"], "newton");
        for (got, want) in model["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .zip(case["parameters"].as_array().unwrap())
        {
            let (p, wp) = (f(&got["p_value"]), f(&want["p_value"]));
            close_p(p, wp, "parameter p-value");
            let (z, wz) = (f(&got["z"]), f(&want["z"]));
            assert!((z - wz).abs() <= 1e-8 * wz.abs().max(1.0), "z {z} vs {wz}");
        }
    }
}

/// The split adds up: axis + tilt = the G test against a fair die.
#[test]
fn axis_and_tilt_add_up_to_the_g_test() {
    let doc = golden();
    for case in doc["pairs"].as_array().unwrap() {
        let (log, k) = (root(case["log"].as_str().unwrap()), case["k"].to_string());
        let args = [
            "fit", &log, "--format", "json", "--model", "pairs", "--faces", &k,
        ];
        let report: Value = serde_json::from_str(&run_ok(&args, "")).unwrap();
        let g = f(&report["tests"]["g_test"]["statistic"]);
        let t = &report["model"]["tests"];
        let sum = f(&t["axis"]["statistic"]) + f(&t["tilt"]["statistic"]);
        assert!((sum - g).abs() < 1e-9 * g, "{sum} vs {g}");
    }
}

#[test]
fn the_table_has_a_model_section_and_the_chart_a_model_line() {
    let log = root("data/tilted_d6.csv");
    let table = run_ok(&["fit", &log, "--model", "pairs", "--color", "never"], "");
    assert!(table.contains("Model: opposite pairs, against a fair die:"));
    assert!(table.contains("tilt (within pairs)"));
    let design = root("data/d6_normals.csv");
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("m.svg");
    let table = run_ok(
        &[
            "fit",
            &log,
            "--design",
            &design,
            "--plot",
            svg.to_str().unwrap(),
            "--color",
            "never",
        ],
        "",
    );
    assert!(table.contains("Model: logits = X·beta from"));
    assert!(table.contains("LRT vs a free die"));
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(svg.contains("model: logits = X·beta from"));
    // Without a model there is no model line and no section.
    let table = run_ok(&["fit", &log, "--color", "never"], "");
    assert!(!table.contains("Model:"));
}

/// No `model` field without a model: existing JSON is unchanged.
#[test]
fn json_has_no_model_without_one() {
    let out = run_ok(&["fit", "-", "--format", "json"], "1\n2\n3\n4\n5\n6\n");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert!(report.get("model").is_none());
}

#[test]
fn bad_models_and_designs_are_one_line_errors() {
    let rolls = "face\n1\n2\n3\n4\n5\n6\n1\n";
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let constant = write(
        "c.csv",
        "face,x,c\n1,1,2\n2,0,2\n3,0,2\n4,0,2\n5,0,2\n6,-1,2\n",
    );
    let dependent = write(
        "d.csv",
        "face,x,y,w\n1,1,0,2\n2,0,1,2\n3,0,0,1\n4,0,0,1\n5,0,-1,0\n6,-1,0,0\n",
    );
    let missing = write("m.csv", "face,x\n1,1\n2,0\n3,0\n4,0\n5,-1\n");
    let extra = write("e.csv", "face,x\n1,1\n2,0\n3,0\n4,0\n5,-1\n6,1\n7,0\n");
    let too_many = write(
        "t.csv",
        "face,a,b,c,d,e,f\n1,1,0,0,0,0,0\n2,0,1,0,0,0,0\n3,0,0,1,0,0,0\n4,0,0,0,1,0,0\n5,0,0,0,0,1,0\n6,0,0,0,0,0,1\n",
    );
    let bad_number = write("b.csv", "face,x\n1,1\n2,zero\n");
    let cases: Vec<(Vec<&str>, i32, String)> = vec![
        (
            vec!["--model", "pairs", "--faces", "10"],
            2,
            "--model pairs needs a d6, d8, d12 or d20".into(),
        ),
        (
            vec!["--model", "pairs", "--expected", "1,1,1,1,1,2"],
            2,
            "--model pairs tests against a fair die; drop --expected".into(),
        ),
        (
            vec!["--design", &constant, "--expected", "1,1,1,1,1,2"],
            2,
            "--design tests against a fair die".into(),
        ),
        (
            vec!["--model", "pairs", "--design", &constant],
            2,
            "cannot be used with".into(),
        ),
        (
            vec!["--design", &constant],
            1,
            "column c is constant".into(),
        ),
        (
            vec!["--design", &dependent],
            1,
            "column w is a linear combination of the constant and columns x, y".into(),
        ),
        (
            vec!["--design", &missing],
            1,
            "the design has no row for face 6".into(),
        ),
        (
            vec!["--design", &extra],
            1,
            "the design's face 7 is not a face of the die".into(),
        ),
        (
            vec!["--design", &too_many],
            1,
            "6 parameters for a die of 6 faces".into(),
        ),
        (
            vec!["--design", &bad_number],
            1,
            ":3: column x: \"zero\" is not a finite number".into(),
        ),
        (
            vec!["--design", "/nonexistent/design.csv"],
            1,
            "/nonexistent/design.csv: cannot open".into(),
        ),
    ];
    for (extra_args, code, want) in cases {
        let mut args = vec!["fit", "-"];
        args.extend(extra_args.iter().copied());
        let err = run_fail(&args, rolls, code);
        assert!(err.contains(&want), "{extra_args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
}

/// A design's fit recovers the β it was simulated from as N grows: 10^6
/// rolls of the tilted d6 (β = (0.05, 0, 0.15)) give SEs near 0.0017, and
/// every estimate falls within 5 of them (a 1-in-10^6 event per parameter
/// if the fit is right).
#[test]
fn a_design_recovers_its_beta_from_many_rolls() {
    let sim = diceml()
        .args([
            "simulate",
            "--probs",
            "1.161834242728283,1.0512710963760241,1.0,1.0,0.951229424500714,0.8607079764250578",
            "--n",
            "1000000",
            "--counts",
            "--seed",
            "7",
        ])
        .assert()
        .success();
    let counts = String::from_utf8(sim.get_output().stdout.clone()).unwrap();
    let design = root("data/d6_normals.csv");
    let out = run_ok(
        &[
            "fit", "-", "--counts", "--design", &design, "--format", "json",
        ],
        &counts,
    );
    let report: Value = serde_json::from_str(&out).unwrap();
    for (p, want) in report["model"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .zip([0.05, 0.0, 0.15])
    {
        let (e, se) = (f(&p["estimate"]), f(&p["std_error"]));
        assert!(se < 0.002, "{se}");
        assert!((e - want).abs() < 5.0 * se, "{e} vs {want} (SE {se})");
    }
}

/// A design's fit stopped by --max-iter says so in `warnings` and in the
/// model, and its numbers stay finite.
#[test]
fn an_unconverged_design_fit_is_flagged() {
    let log = root("data/tilted_d6.csv");
    let design = root("data/d6_normals.csv");
    let out = run_ok(
        &[
            "fit",
            &log,
            "--design",
            &design,
            "--method",
            "gd",
            "--max-iter",
            "5",
            "--format",
            "json",
        ],
        "",
    );
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["model"]["converged"], false);
    assert_eq!(report["model"]["stop"], "max_iter");
    assert_eq!(report["model"]["iterations"], 5);
    let warnings = report["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w
        .as_str()
        .unwrap()
        .starts_with("the design's fit did not converge (5 iterations")));
    assert!(f(&report["model"]["loglik"]).is_finite());
}
