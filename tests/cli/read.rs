//! Reading real logs: dialects, labels, several files, groups, counts,
//! skipped rows and bad input (docs/cli.md, "Input").

use serde_json::Value;

use crate::util::{diceml, fit_json, run_fail, run_ok};

fn counts(report: &Value) -> Vec<u64> {
    report["faces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["count"].as_u64().unwrap())
        .collect()
}

fn faces(report: &Value) -> Vec<String> {
    report["faces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["face"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_dialect_feature_in_one_log() {
    // BOM, CRLF, a comment, a blank line, quoted fields with the delimiter
    // inside, spaces around fields, a semicolon delimiter.
    let log = "\u{feff}time;\"note; with delimiter\";face\r\n# a comment\r\n1;a; 3 \r\n\r\n2;\"b\";\"4\"\r\n3; c ;4\r\n";
    let r = fit_json(&["--delimiter", ";"], log);
    assert_eq!(counts(&r), vec![0, 0, 1, 2]);
    assert_eq!(r["header"], "time;note; with delimiter;face");
    let tabs = fit_json(
        &["--delimiter", "\\t", "--column", "2"],
        "x\tface\n1\t2\n1\t2\n",
    );
    assert_eq!(counts(&tabs), vec![0, 2]);
}

#[test]
fn a_wrong_delimiter_gets_a_hint() {
    let err = run_fail(&["fit", "-"], "face\n1\n2;3\n", 1);
    assert!(
        err.contains("<stdin>:3:") && err.contains("--delimiter"),
        "{err}"
    );
    let err = run_fail(&["fit", "-", "--column", "roll"], "ts\troll\n1\t2\n", 2);
    assert!(err.contains("add --delimiter '\\t'"), "{err}");
}

#[test]
fn counting_an_empty_piece_gives_an_empty_table() {
    assert_eq!(run_ok(&["count"], "face\n"), "face,count\n");
    assert_eq!(
        run_ok(&["count", "--by", "g"], "g,face\n"),
        "group,face,count\n"
    );
    let err = run_fail(&["fit"], "face\n", 1);
    assert!(err.contains("no rolls"), "{err}");
}

#[test]
fn header_is_read_first_and_no_header_overrides() {
    let coin = "H\nT\nH\n";
    let with = fit_json(&[], coin);
    assert_eq!(with["header"], "H");
    assert_eq!(with["n"], 2);
    let without = fit_json(&["--no-header"], coin);
    assert!(without["header"].is_null());
    assert_eq!(without["n"], 3);
    assert_eq!(faces(&without), vec!["H", "T"]);
    assert_eq!(without["kind"], "labels");
}

#[test]
fn declared_labels_fix_order_and_count_unseen_labels() {
    let r = fit_json(&["--labels", "-,0,+"], "+\n+\n-\n");
    assert_eq!(faces(&r), vec!["-", "0", "+"]);
    assert_eq!(counts(&r), vec![1, 0, 2]);
    assert!(
        r["header"].is_null(),
        "a declared label is data, not a header"
    );
    assert_eq!(r["k_inferred"], false);
    let err = run_fail(&["fit", "-", "--labels", "H,T"], "H\nT\nE\n", 1);
    assert_eq!(err, "diceml: <stdin>:3: \"E\" is not one of the --labels\n");
}

#[test]
fn labels_keep_first_seen_order() {
    let r = fit_json(&[], "face\ncrit\nmiss\nhit\nmiss\n");
    assert_eq!(faces(&r), vec!["crit", "miss", "hit"]);
    assert_eq!(counts(&r), vec![1, 2, 1]);
}

#[test]
fn integer_logs_reject_later_labels_and_start_at_zero_when_a_zero_appears() {
    let err = run_fail(&["fit", "-"], "face\n3\n3\nthree\n", 1);
    assert_eq!(
        err,
        "diceml: <stdin>:4: \"three\" is not a face: this log has integer faces\n"
    );
    let d10 = fit_json(&[], "0\n9\n5\n");
    assert_eq!(
        faces(&d10),
        (0..=9).map(|f| f.to_string()).collect::<Vec<_>>()
    );
}

#[test]
fn simulate_writes_labels_that_fit_reads_back() {
    let rolls = run_ok(
        &["simulate", "--labels", "H,T", "--n", "1000", "--seed", "3"],
        "",
    );
    assert!(rolls.starts_with("face\n"));
    let r = fit_json(&[], &rolls);
    assert_eq!(r["n"], 1000);
    assert_eq!(r["kind"], "labels");
    let counts = run_ok(
        &[
            "simulate", "--labels", "-,0,+", "--n", "30", "--counts", "--seed", "1",
        ],
        "",
    );
    let r = fit_json(&["--counts"], &counts);
    assert_eq!(faces(&r), vec!["-", "0", "+"]);
}

#[test]
fn groups_are_fitted_separately_in_first_seen_order() {
    let log = "player,face\nbob,1\nann,2\nbob,1\nann,3\nbob,2\n";
    let r = fit_json(&["--by", "player"], log);
    let groups = r["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["group"], "bob");
    assert_eq!(counts(&groups[0]), vec![2, 1, 0]);
    assert_eq!(groups[1]["group"], "ann");
    assert_eq!(counts(&groups[1]), vec![0, 1, 1]);
    assert_eq!(r["face_labels"], serde_json::json!(["1", "2", "3"]));
    assert_eq!(r["k"], 3);
    let csv = run_ok(&["fit", "-", "--by", "1", "--format", "csv"], log);
    assert!(
        csv.starts_with("group,face,count,p,q,abs_diff\nbob,1,2,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 7);
}

/// Counting pieces and fitting the merged counts equals fitting the whole.
#[test]
fn counts_of_pieces_merge_to_the_fit_of_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let log = run_ok(
        &["simulate", "--faces", "8", "--n", "3000", "--seed", "21"],
        "",
    );
    let lines: Vec<&str> = log.lines().collect();
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    std::fs::write(&a, lines[..1200].join("\n") + "\n").unwrap();
    std::fs::write(&b, lines[1200..].join("\n") + "\n").unwrap();
    let (ca, cb) = (dir.path().join("a.counts"), dir.path().join("b.counts"));
    for (log, counts) in [(&a, &ca), (&b, &cb)] {
        run_ok(
            &[
                "count",
                log.to_str().unwrap(),
                "-o",
                counts.to_str().unwrap(),
            ],
            "",
        );
    }
    let merged = run_ok(
        &[
            "fit",
            "--counts",
            ca.to_str().unwrap(),
            cb.to_str().unwrap(),
            "--format",
            "json",
        ],
        "",
    );
    let merged: Value = serde_json::from_str(&merged).unwrap();
    let whole = fit_json(&[], &log);
    assert_eq!(merged["faces"], whole["faces"]);
    assert_eq!(merged["fit"], whole["fit"]);
    assert_eq!(merged["n"], 3000);
}

#[test]
fn grouped_counts_round_trip() {
    let log = "die,face\nA,1\nB,2\nA,2\nB,2\n";
    let counts = run_ok(&["count", "--by", "die"], log);
    assert_eq!(counts, "group,face,count\nA,1,1\nA,2,1\nB,1,0\nB,2,2\n");
    let mut direct = fit_json(&["--by", "die"], log);
    let mut via = fit_json(&["--counts", "--by", "group"], &counts);
    // Everything agrees but the order test, which a count table cannot carry.
    for r in [&mut direct, &mut via] {
        for g in r["groups"].as_array_mut().unwrap() {
            g["tests"].as_object_mut().unwrap().remove("serial");
        }
    }
    assert_eq!(direct["groups"], via["groups"]);
    assert_eq!(direct["homogeneity"], via["homogeneity"]);
}

#[test]
fn count_tables_accept_dialects_and_check_overflow() {
    let r = fit_json(
        &["--counts", "--delimiter", ";"],
        "\u{feff}face;count\r\n1;5\r\n# c\r\n2;\"6\"\r\n",
    );
    assert_eq!(counts(&r), vec![5, 6]);
    let err = run_fail(
        &["fit", "--counts"],
        "face,count\n1,18446744073709551615\n2,1\n",
        1,
    );
    assert_eq!(
        err,
        "diceml: <stdin>:3: the total count overflows 2^64 − 1\n"
    );
}

#[test]
fn skip_invalid_counts_every_skipped_row_by_reason() {
    let log = "face\n1\nx\n\n2\n-4\n3,4\n\"\"\n7000000\n2\n";
    let r = fit_json(&["--skip-invalid"], log);
    assert_eq!(counts(&r), vec![1, 2]);
    assert_eq!(r["skipped"]["rows"], 5);
    let reasons = &r["skipped"]["reasons"];
    assert_eq!(reasons["not a face"], 1);
    assert_eq!(reasons["negative face"], 1);
    assert_eq!(reasons["ragged row"], 1);
    assert_eq!(reasons["empty face"], 1);
    assert_eq!(reasons["face out of range"], 1);
    assert_eq!(
        r["skipped"]["examples"][0],
        "<stdin>:3: \"x\" is not a face: this log has integer faces"
    );
    assert_eq!(r["skipped"]["examples"].as_array().unwrap().len(), 5);
    let table = run_ok(&["fit", "--skip-invalid"], log);
    assert!(table.contains("skipped 5 invalid row(s)"), "{table}");
    assert!(table.contains("; first: <stdin>:3: "), "{table}");
    let out = diceml()
        .args(["count", "--skip-invalid"])
        .write_stdin(log)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        stderr.starts_with("diceml: skipped 5 invalid row(s)"),
        "{stderr}"
    );
}

#[test]
fn bad_bytes_name_their_line() {
    let cases: [(&[u8], &str); 5] = [
        (
            b"face\nH\n\xff\xfe\n",
            "<stdin>:3: the face label is not valid UTF-8",
        ),
        (b"face\n1\n2\x00\n", "<stdin>:3: the row holds a NUL byte"),
        (
            b"face\n1\n\"2\n",
            "<stdin>:3: a quote opened on this line is never closed",
        ),
        (
            b"face\n1\n\"2\"x\n",
            "<stdin>:3: text after a closing quote",
        ),
        (
            b"a,face\n1,2\n1,2,3\n",
            "<stdin>:3: expected 2 field(s) like the first row, found 3",
        ),
    ];
    for (input, want) in cases {
        let out = diceml()
            .args(["fit", "-"])
            .write_stdin(input)
            .assert()
            .code(1);
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert_eq!(err, format!("diceml: {want}\n"));
    }
}

#[test]
fn an_unwritable_output_is_an_error() {
    if std::path::Path::new("/dev/full").exists() {
        let err = run_fail(&["simulate", "--n", "100000", "-o", "/dev/full"], "", 1);
        assert!(err.starts_with("diceml: "), "{err}");
        assert!(err.contains("No space left on device"), "{err}");
    }
}
