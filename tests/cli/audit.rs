//! `diceml audit`: every test of the battery against independent
//! references (tests/golden/audit.json, made by
//! tests/golden/audit_golden.py with SciPy, statsmodels and enumeration),
//! the inputs' SHA-256, the JSON contract, `--check`'s exit 3, `--by`,
//! skipped tests, the self-contained HTML report, and bad input.

use serde_json::Value;

use crate::util::{diceml, run_fail, run_ok, test_file};

/// Statistics against the references, relative: both sides sum at most a
/// few thousand terms in doubles (the Ljung–Box sums 6,000).
const STAT_REL: f64 = 1e-9;
/// p-values against SciPy's chi2.sf, relative (SciPy's incomplete gamma is
/// good to about 1e-13; the statistic's rounding moves the p-value by up
/// to df·1e-9 relative).
const P_REL: f64 = 1e-8;

fn golden() -> Value {
    let text = std::fs::read_to_string(test_file("golden/audit.json")).expect("audit.json");
    serde_json::from_str(&text).expect("valid JSON")
}

fn audit_json(args: &[&str], stdin: &str) -> Value {
    let mut all = vec!["audit", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&run_ok(&all, stdin)).expect("valid JSON")
}

fn rel(got: f64, want: f64) -> f64 {
    if want == 0.0 {
        got.abs()
    } else {
        ((got - want) / want).abs()
    }
}

#[test]
fn every_test_matches_the_python_reference() {
    for case in golden()["cases"].as_array().unwrap() {
        let file = test_file(&format!("golden/{}", case["file"].as_str().unwrap()));
        let k = case["k"].as_u64().unwrap().to_string();
        let got = audit_json(&[&file, "--faces", &k], "");
        assert_eq!(got["n"], case["n"]);
        assert_eq!(got["inputs"][0]["sha256"], case["sha256"]);
        let tests = got["tests"].as_array().unwrap();
        let want = case["tests"].as_array().unwrap();
        assert_eq!(tests.len(), want.len());
        for (g, w) in tests.iter().zip(want) {
            let name = w["name"].as_str().unwrap();
            assert_eq!(g["name"], w["name"]);
            assert_eq!(g["df"], w["df"], "{file}: {name} df");
            let (gs, ws) = (
                g["statistic"].as_f64().unwrap(),
                w["statistic"].as_f64().unwrap(),
            );
            assert!(
                rel(gs, ws) < STAT_REL,
                "{file}: {name}: statistic {gs} vs {ws}"
            );
            let (gp, wp) = (
                g["p_value"].as_f64().unwrap(),
                w["p_value"].as_f64().unwrap(),
            );
            assert!(rel(gp, wp) < P_REL, "{file}: {name}: p {gp} vs {wp}");
        }
    }
}

#[test]
fn holm_decides_the_battery_and_check_exits_3() {
    let sticky = test_file("golden/audit_sticky_d4.csv");
    let got = audit_json(&[&sticky], "");
    assert_eq!(got["pass"], false);
    // Holm by hand: sort the p-values, multiply by m − i, keep the running max.
    let tests = got["tests"].as_array().unwrap();
    let p: Vec<f64> = tests
        .iter()
        .map(|t| t["p_value"].as_f64().unwrap())
        .collect();
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((p.len() - rank) as f64 * p[i]).min(1.0));
        let adjusted = tests[i]["p_adjusted"].as_f64().unwrap();
        assert!(rel(adjusted, running) < 1e-15, "{adjusted} {running}");
        assert_eq!(tests[i]["pass"], p[i] >= 0.01);
    }
    let err = run_fail(&["audit", &sticky, "--check"], "", 3);
    assert_eq!(err.lines().count(), 1, "{err}");
    let fair = test_file("golden/audit_fair_d6.csv");
    diceml().args(["audit", &fair, "--check"]).assert().code(0);
    // A looser α fails the fair log's poker test (p = 0.085) on its own
    // but not the battery: Holm's p is above 0.7.
    let got = audit_json(&[&fair, "--alpha", "0.1"], "");
    let poker = &got["tests"][4];
    assert_eq!(
        (poker["name"].as_str(), poker["pass"].as_bool()),
        (Some("poker"), Some(false))
    );
    assert_eq!(got["pass"], true);
}

#[test]
fn the_json_carries_the_contract() {
    let fair = test_file("golden/audit_fair_d6.csv");
    let got = audit_json(&[&fair, "--lags", "3", "--blocks", "4"], "");
    assert_eq!(got["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(got["k"], 6);
    let p = &got["parameters"];
    assert_eq!(
        (
            p["alpha"].as_f64(),
            p["lags"].as_u64(),
            p["blocks"].as_u64()
        ),
        (Some(0.01), Some(3), Some(4))
    );
    assert_eq!(p["adjust"], "holm");
    let names: Vec<&str> = got["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "frequency",
            "serial",
            "runs",
            "gap",
            "poker",
            "coupon_collector",
            "permutation",
            "serial_correlation",
            "drift"
        ]
    );
    for t in got["tests"].as_array().unwrap() {
        for field in ["statistic", "df", "p_value", "p_adjusted", "pass"] {
            assert!(!t[field].is_null(), "{t}: {field}");
        }
    }
    assert_eq!(got["tests"][7]["df"], 3);
    // 6,000 rolls of a d6 in at most 4 blocks: blocks of 30·2⁶ = 1,920
    // rolls (⌊6000/960⌋ = 6 > 4), three of them: df = 2 · 5.
    assert_eq!(got["tests"][8]["df"], 10);
}

#[test]
fn standard_input_is_hashed_as_read() {
    let case = &golden()["cases"][0];
    let file = test_file(&format!("golden/{}", case["file"].as_str().unwrap()));
    let text = std::fs::read_to_string(&file).unwrap();
    let got = audit_json(&["-"], &text);
    assert_eq!(got["inputs"][0]["file"], "<stdin>");
    assert_eq!(got["inputs"][0]["sha256"], case["sha256"]);
    // Two inputs: two digests, and the rolls of both.
    let got = audit_json(&[&file, "-"], &text);
    assert_eq!(got["inputs"].as_array().unwrap().len(), 2);
    assert_eq!(got["inputs"][1]["sha256"], case["sha256"]);
    assert_eq!(got["n"], 12_000);
}

#[test]
fn gzipped_standard_input_is_hashed_as_it_came_in() {
    // The digest is of the bytes received (here gzip), as `sha256sum`
    // would give for the file they came from, and the rolls are the same.
    use sha2::Digest;
    use std::io::Write;
    let case = &golden()["cases"][0];
    let file = test_file(&format!("golden/{}", case["file"].as_str().unwrap()));
    let text = std::fs::read(&file).unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&text).unwrap();
    let gz = encoder.finish().unwrap();
    let want: String = sha2::Sha256::digest(&gz)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let out = diceml()
        .args(["audit", "-", "--format", "json"])
        .write_stdin(gz)
        .assert()
        .success();
    let got: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(got["inputs"][0]["sha256"], want.as_str());
    assert_ne!(got["inputs"][0]["sha256"], case["sha256"]);
    let plain = audit_json(&["-"], &String::from_utf8(text).unwrap());
    assert_eq!(got["tests"], plain["tests"]);
}

#[test]
fn short_logs_skip_what_they_cannot_support() {
    let log: String = "face\n".to_string() + &"1\n2\n".repeat(30);
    let got = audit_json(&["-"], &log);
    let runs = &got["tests"][2];
    assert_eq!(runs["name"], "runs");
    assert!(runs["skipped"].as_str().unwrap().contains("ties"), "{runs}");
    assert!(runs["p_value"].is_null());
    // An alternating coin is too uniform: the two-sided frequency test fails.
    assert_eq!(got["tests"][0]["pass"], false);
    assert_eq!(got["pass"], false);
    // A log too short for any test does not pass.
    let got = audit_json(&["-", "--faces", "6"], "face\n1\n2\n3\n");
    assert!(got["tests"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["skipped"].is_string()));
    assert_eq!(got["pass"], false);
}

#[test]
fn groups_are_audited_each_on_its_own() {
    let mut log = String::from("die,face\n");
    let sticky = std::fs::read_to_string(test_file("golden/audit_sticky_d4.csv")).unwrap();
    let fair = std::fs::read_to_string(test_file("golden/audit_fair_d6.csv")).unwrap();
    // Interleaved: every sticky roll (8,000), a fair one (6,000) after each
    // while they last, its face capped at 4 so both groups roll a d4.
    let mut fair = fair.lines().skip(1);
    for a in sticky.lines().skip(1) {
        log.push_str(&format!("s,{a}\n"));
        if let Some(b) = fair.next() {
            log.push_str(&format!("f,{}\n", b.parse::<u32>().unwrap().min(4)));
        }
    }
    let got = audit_json(&["-", "--by", "die", "--column", "face"], &log);
    assert!(got["tests"].is_null());
    let groups = got["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(
        (groups[0]["group"].as_str(), groups[0]["pass"].as_bool()),
        (Some("s"), Some(false))
    );
    assert_eq!(groups[1]["group"], "f");
    assert_eq!(got["pass"], false);
    // The sticky group's battery is the sticky log's alone (same rolls).
    let alone = audit_json(&[&test_file("golden/audit_sticky_d4.csv")], "");
    assert_eq!(groups[0]["tests"], alone["tests"]);
}

#[test]
fn the_html_report_is_one_self_contained_page() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("audit.html");
    let sticky = test_file("golden/audit_sticky_d4.csv");
    diceml()
        .args(["audit", &sticky, "--report", page.to_str().unwrap()])
        .assert()
        .success();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Verdict: FAIL"));
    assert!(html.contains("a6cad96baf7fd9fbab00d5ce756358f1eca093ff7d20249c126d5b8f14d50f6d"));
    assert_eq!(html.matches("<svg").count(), 2, "the faces and the drift");
    assert!(html.contains("coupon_collector"));
    let lower = html.to_ascii_lowercase();
    for banned in ["<script", "src=", "href=", "url(", "@import", "<link"] {
        assert!(!lower.contains(banned), "{banned}");
    }
}

#[test]
fn bad_requests_are_one_line_errors() {
    let fair = test_file("golden/audit_fair_d6.csv");
    for (args, code, says) in [
        (vec!["audit", "--counts", &fair], 2, "--counts"),
        (vec!["audit", &fair, "--report", "x.pdf"], 2, "FILE.html"),
        (vec!["audit", &fair, "--alpha", "1.5"], 2, "--alpha"),
        (vec!["audit", &fair, "--lags", "0"], 2, "--lags"),
        (vec!["audit", &fair, "--blocks", "1"], 2, "--blocks"),
        (vec!["audit", "/nonexistent/log.csv"], 1, "cannot open"),
    ] {
        let err = run_fail(&args, "", code);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let err = run_fail(&["audit", "-"], "face\n", 1);
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn streamed_two_pass_and_kept_rolls_agree() {
    // 300,000 rolls (several of the reader's 65,536-roll slices, and a
    // last partial one) of a sticky d6: the named file is read twice
    // (faces inferred), with --faces once, and standard input keeps its
    // rolls; every test must be the same, to the bit.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("face\n");
    let mut z: u64 = 7;
    let mut last = 1;
    for _ in 0..300_001 {
        z = z
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        if (z >> 60) >= 2 {
            last = (z >> 33) % 6 + 1;
        }
        text.push_str(&format!("{last}\n"));
    }
    let path = dir.path().join("log.csv");
    std::fs::write(&path, &text).unwrap();
    let file = path.to_str().unwrap();
    let inferred = audit_json(&[file], "");
    let declared = audit_json(&[file, "--faces", "6"], "");
    let kept = audit_json(&[], &text);
    assert_eq!(inferred["n"], 300_001);
    assert_eq!(inferred["tests"], declared["tests"]);
    assert_eq!(inferred["tests"], kept["tests"]);
    assert_eq!(inferred["pass"], false);
}
