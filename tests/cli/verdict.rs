//! The verdict as data: the JSON `verdict` of every die and group, `--check`
//! and `--alpha` for CI gates, and multiple testing under `--by` for every
//! p-value that can decide.

use serde_json::Value;

use crate::util::{diceml, fit_json, run_ok};

/// A roll log of `groups` players rolling a fair d6 `each` times (seeded),
/// as `user,face` rows.
fn fair_players(groups: usize, each: usize, seed: u64) -> String {
    let n = (groups * each).to_string();
    let rolls = run_ok(
        &[
            "simulate",
            "--faces",
            "6",
            "--n",
            &n,
            "--seed",
            &seed.to_string(),
        ],
        "",
    );
    let mut log = String::from("user,face\n");
    for (i, face) in rolls.lines().skip(1).enumerate() {
        log.push_str(&format!("p{},{face}\n", i / each));
    }
    log
}

fn rejected(json: &Value) -> usize {
    json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["verdict"]["reject"].as_bool().unwrap())
        .count()
}

#[test]
fn the_json_verdict_names_the_deciding_test_and_the_faces_off() {
    let json: Value = serde_json::from_str(&run_ok(
        &["fit", "data/loaded_d6.csv", "--format", "json"],
        "",
    ))
    .unwrap();
    let v = &json["verdict"];
    assert_eq!(v["alpha"], 0.05);
    assert_eq!(v["decided_by"], "chi_square");
    assert_eq!(v["p_value"], json["tests"]["chi_square"]["p_value"]);
    assert!(v.get("p_adjusted").is_none());
    assert_eq!(v["reject"], true);
    // Every face of data/loaded_d6.csv is off (the table marks all six).
    let off = v["faces_off"].as_array().unwrap();
    assert_eq!(off.len(), 6);
    assert_eq!(off[5]["face"], "6");
    assert_eq!(off[5]["direction"], "more");
    assert_eq!(off[0]["direction"], "less");
    assert!((off[5]["null_p"].as_f64().unwrap() - 1.0 / 6.0).abs() < 1e-15);
    assert_eq!(off[5]["ci_low"], json["faces"][5]["ci_low"]);
    assert_eq!(v["order_related"], false);
}

#[test]
fn check_exits_3_when_the_verdict_rejects_and_0_when_not() {
    for format in ["table", "csv", "json"] {
        let out = diceml()
            .args(["fit", "data/loaded_d6.csv", "--check", "--format", format])
            .assert()
            .code(3);
        let out = out.get_output();
        assert!(!out.stdout.is_empty(), "the report is written first");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "diceml: --check: the verdict rejects the null\n"
        );
        diceml()
            .args(["fit", "data/fair_d6.csv", "--check", "--format", format])
            .assert()
            .code(0);
    }
    // A fit that did not converge still warns before the gate's line.
    let out = diceml()
        .args(["fit", "data/loaded_d6.csv", "--check", "--max-iter", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("diceml: warning: fit:"), "{err}");
    assert_eq!(lines[1], "diceml: --check: the verdict rejects the null");
    // Data errors stay 1 and usage errors 2 under --check.
    diceml()
        .args(["fit", "-", "--check"])
        .write_stdin("face\n1\nx\n")
        .assert()
        .code(1);
    diceml()
        .args(["fit", "--check", "--alpha", "2"])
        .assert()
        .code(2);
}

#[test]
fn alpha_sets_the_verdict_s_level_and_level_alone_keeps_its_meaning() {
    // fair_d6.csv: chi-square p = 0.7243 (SciPy chisquare: X² = 2.8424, p = 0.7242674474877644); at alpha 0.8
    // it rejects.
    let json: Value = serde_json::from_str(&run_ok(
        &[
            "fit",
            "data/fair_d6.csv",
            "--format",
            "json",
            "--alpha",
            "0.8",
        ],
        "",
    ))
    .unwrap();
    let p = json["verdict"]["p_value"].as_f64().unwrap();
    assert!((p - 0.7242674474877654).abs() < 1e-12, "{p}");
    assert_eq!(json["verdict"]["alpha"], 0.8);
    assert_eq!(json["verdict"]["reject"], true);
    // The intervals follow: level = 1 - alpha unless --level is given.
    assert!((json["ci"]["level"].as_f64().unwrap() - 0.2).abs() < 1e-15);
    let json: Value = serde_json::from_str(&run_ok(
        &[
            "fit",
            "data/fair_d6.csv",
            "--format",
            "json",
            "--level",
            "0.99",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(json["verdict"]["alpha"], 0.01);
    assert_eq!(json["ci"]["level"], 0.99);
}

/// 31 of 500 fair players used to be "unlikely" with --monte-carlo 999: the
/// Monte Carlo p-values were not adjusted across groups. Now they are, and
/// a B too small to reach the adjusted level is flagged.
#[test]
fn monte_carlo_p_values_are_adjusted_across_groups_and_a_small_b_is_flagged() {
    let log = fair_players(500, 30, 11);
    let json = fit_json(
        &[
            "--by",
            "user",
            "--column",
            "face",
            "--monte-carlo",
            "999",
            "--seed",
            "1",
        ],
        &log,
    );
    let groups = json["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 500);
    // Unadjusted, about 5% of fair players fall below 0.05 (a hand count of
    // this seed's run: at least 10 of them).
    let raw = groups
        .iter()
        .filter(|g| g["tests"]["monte_carlo"]["p_value"].as_f64().unwrap() < 0.05)
        .count();
    assert!(raw >= 10, "{raw}");
    for g in groups {
        let v = &g["verdict"];
        assert_eq!(v["decided_by"], "monte_carlo");
        assert_eq!(v["p_adjusted"], g["tests"]["monte_carlo"]["p_adjusted"]);
        // Holm: the smallest adjusted p is at least 500 / 1000.
        assert!(v["p_adjusted"].as_f64().unwrap() >= 0.5 - 1e-12);
    }
    assert_eq!(rejected(&json), 0);
    let warning = json["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains("--monte-carlo 999 cannot reach the adjusted level"),
        "{warning}"
    );
    assert!(warning.contains("use B >= 10000"), "{warning}");
}

#[test]
fn exact_and_order_p_values_are_adjusted_across_groups_too() {
    let log = fair_players(40, 12, 5);
    let json = fit_json(&["--by", "user", "--column", "face", "--exact"], &log);
    let groups = json["groups"].as_array().unwrap();
    let exact: Vec<f64> = groups
        .iter()
        .map(|g| g["tests"]["exact"]["p_value"].as_f64().unwrap())
        .collect();
    // Holm's adjustment by hand: sorted ascending, (m − i)·p, running max, capped at 1.
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| exact[a].total_cmp(&exact[b]));
    let mut want = vec![0.0; exact.len()];
    let mut running: f64 = 0.0;
    for (i, &g) in order.iter().enumerate() {
        running = running.max(((exact.len() - i) as f64 * exact[g]).min(1.0));
        want[g] = running;
    }
    for (g, w) in groups.iter().zip(&want) {
        let got = g["tests"]["exact"]["p_adjusted"].as_f64().unwrap();
        assert!((got - w).abs() <= 1e-12 * w, "{got} vs {w}");
        assert_eq!(g["verdict"]["decided_by"], "exact");
        assert_eq!(g["verdict"]["p_adjusted"].as_f64().unwrap(), got);
        // The order test carries its adjusted p-value as well.
        assert!(
            g["tests"]["serial"]["p_adjusted"].as_f64().unwrap()
                >= g["tests"]["serial"]["p_value"].as_f64().unwrap()
        );
    }
}

#[test]
fn grouped_intervals_are_made_at_the_bonferroni_level_across_groups() {
    let log = fair_players(4, 100, 3);
    let json = fit_json(&["--by", "user", "--column", "face"], &log);
    let ci = &json["groups"][0]["ci"];
    assert!((ci["level"].as_f64().unwrap() - (1.0 - 0.05 / 4.0)).abs() < 1e-15);
    assert_eq!(ci["family_level"], 0.95);
    let json = fit_json(
        &["--by", "user", "--column", "face", "--adjust", "none"],
        &log,
    );
    assert_eq!(json["groups"][0]["ci"]["level"], 0.95);
    assert!(json["groups"][0]["ci"].get("family_level").is_none());
}
