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

// Issue 12: messy input gets the right answer or a clear word.

#[test]
fn a_count_table_read_as_rolls_is_refused_with_a_hint() {
    let table = "face,count\n1,10\n2,12\n3,9\n4,11\n5,8\n6,10\n";
    for verb in ["fit", "count"] {
        let err = run_fail(&[verb, "-"], table, 2);
        assert_eq!(
            err,
            "diceml: <stdin>:2: this looks like a count table (a column is a count): add --counts to read it as one; if each row is one roll, say which column holds the face with --column\n",
            "{verb}"
        );
    }
    // The hinted flag gives the counts, by hand: 10, 12, 9, 11, 8, 10.
    assert_eq!(
        counts(&fit_json(&["--counts"], table)),
        [10, 12, 9, 11, 8, 10]
    );
    // Siblings: other count names, any case, with groups, after a blank row.
    for (text, flags) in [
        ("face,N\n1,3\n2,4\n", &[][..]),
        ("face,Frequency\n\n1,3\n2,4\n", &[]),
        ("die,face,count\nA,1,3\nA,2,4\n", &["--by", "die"]),
    ] {
        let mut args = vec!["fit", "-"];
        args.extend_from_slice(flags);
        let err = run_fail(&args, text, 2);
        assert!(err.contains("looks like a count table"), "{text:?}: {err}");
    }
    // fit's own CSV report, fed back: refused, then read with --counts.
    let report = run_ok(&["fit", "-", "--counts", "--format", "csv"], table);
    let err = run_fail(&["fit", "-"], &report, 2);
    assert!(err.contains("looks like a count table"), "{err}");
    assert_eq!(
        counts(&fit_json(&["--counts"], &report)),
        [10, 12, 9, 11, 8, 10]
    );
    // A roll log that happens to end in a column named n: --column says so.
    let r = fit_json(&["--column", "face"], "face,n\n1,1\n2,2\n2,3\n");
    assert_eq!(counts(&r), [1, 2]);
    // A last column named n that holds no count is no count table.
    let r = fit_json(&[], "face,n\n1,a\n2,b\n2,c\n");
    assert_eq!(counts(&r), [1, 2]);
}

#[test]
fn faces_not_written_as_plain_integers_are_never_merged() {
    // Roulette: 00 is not 0.
    let roulette = "face\n0\n17\n00\n32\n";
    for general in [false, true] {
        // A quote first sends every row to the general reader.
        let text = if general {
            roulette.replace("face\n0", "face\n\"0\"")
        } else {
            roulette.to_string()
        };
        let err = run_fail(&["fit", "-"], &text, 1);
        assert_eq!(
            err,
            "diceml: <stdin>:4: face \"00\" is not written as a plain integer (as 0): diceml does not merge it with another face; if the faces are labels (a roulette 00), read the log with --labels\n"
        );
    }
    // The fix the message gives: the wheel as labels.
    let wheel: Vec<String> = ["0", "00"]
        .into_iter()
        .map(String::from)
        .chain((1..=36).map(|f| f.to_string()))
        .collect();
    let r = fit_json(&["--labels", &wheel.join(",")], roulette);
    assert_eq!(&counts(&r)[..2], [1, 1]);
    assert_eq!(r["n"], 4);
    // Siblings: a leading zero or a plus on any tier of the fast path, in a
    // column, in a count table, under --faces; skipped, never merged.
    for (text, flags, line) in [
        ("1\n2\n07\n", &[][..], 3),
        ("1\n2\n3\n4\n5\n6\n1\n2\n007\n", &[], 9),
        ("1\n+3\n", &[], 2),
        ("t,face\n1,2\n2,06\n", &["--column", "face"], 3),
        ("face,count\n1,2\n01,3\n", &["--counts"], 3),
        ("1\n06\n", &["--faces", "6"], 2),
    ] {
        let mut args = vec!["fit", "-"];
        args.extend_from_slice(flags);
        let err = run_fail(&args, text, 1);
        assert!(
            err.starts_with(&format!("diceml: <stdin>:{line}: face "))
                && err.contains("plain integer"),
            "{text:?}: {err}"
        );
    }
    let r = fit_json(&["--skip-invalid"], "1\n2\n02\n2\n");
    assert_eq!(
        (counts(&r), r["skipped"]["rows"].as_u64()),
        (vec![1, 2], Some(1))
    );
    assert_eq!(r["skipped"]["reasons"]["non-canonical face"], 1);
}

#[test]
fn a_face_far_above_the_rest_is_an_error_naming_its_line() {
    // A d20 log of 200 rolls and one typo, long enough for the fast path.
    let mut log = String::from("face\n");
    for i in 0..200 {
        log.push_str(&format!("{}\n", i % 20 + 1));
    }
    let typo = format!("{log}999999\n");
    let err = run_fail(&["fit", "-"], &typo, 1);
    assert_eq!(
        err,
        "diceml: <stdin>:202: face 999999 is far above every other face (the next largest is 20; 999999 holds 1 of the 201 rolls): a typo or a total row? Declare the die with --faces K to keep it\n"
    );
    // The same typo early in the log, and in the middle of a file.
    let early = log.replacen("face\n", "face\n3\n999999\n", 1);
    let err = run_fail(&["fit", "-"], &early, 1);
    assert!(
        err.starts_with("diceml: <stdin>:3: face 999999 is far above"),
        "{err}"
    );
    // An Excel total row left in a two-column sheet, under --skip-invalid.
    let mut sheet = String::from("roll,face\n");
    for i in 0..60 {
        sheet.push_str(&format!("{i},{}\n", i % 6 + 1));
    }
    sheet.push_str("Total,2048\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sheet.csv");
    std::fs::write(&path, &sheet).unwrap();
    let path = path.display().to_string();
    let err = run_fail(&["fit", &path, "--column", "face", "--skip-invalid"], "", 1);
    assert!(
        err.starts_with(&format!("diceml: {path}:62: face 2048 is far above")),
        "{err}"
    );
    // --faces keeps it, on purpose: by hand, ten rolls of each of 1..20,
    // none of 21..4999, one of 5000.
    let kept = run_ok(&["count", "-", "--faces", "5000"], &format!("{log}5000\n"));
    let rows: Vec<&str> = kept.lines().collect();
    assert_eq!(rows.len(), 5001);
    assert_eq!(
        (rows[1], rows[20], rows[21], rows[5000]),
        ("1,10", "20,10", "21,0", "5000,1")
    );
    // Not far: 50 = 2 x 20 + 10 makes a d50; two rolls are too few to judge.
    assert_eq!(fit_json(&[], &format!("{log}50\n"))["k"], 50);
    assert_eq!(fit_json(&[], "1\n20\n")["k"], 20);
}

#[test]
fn one_odd_first_row_does_not_make_a_labelled_die() {
    let mut log = String::from("face\nnat 20\n");
    for i in 0..40 {
        log.push_str(&format!("{}\n", i % 20 + 1));
    }
    let err = run_fail(&["fit", "-"], &log, 1);
    assert_eq!(
        err,
        "diceml: <stdin>:2: \"nat 20\" is not a face: this log has integer faces\n"
    );
    // Skipped, it leaves a d20 with two rolls of each face (by hand).
    let r = fit_json(&["--skip-invalid"], &log);
    assert_eq!(counts(&r), vec![2; 20]);
    assert_eq!(
        r["skipped"]["examples"][0],
        "<stdin>:2: \"nat 20\" is not a face: this log has integer faces"
    );
    // Without a header, a first row that is no face is the header (and the
    // report shows it), never a label.
    let r = fit_json(&[], &log["face\n".len()..]);
    assert_eq!((r["k"].as_u64(), r["n"].as_u64()), (Some(20), Some(40)));
    assert_eq!(r["header"], "nat 20");
    // Labels that are mostly labels stay labels, numbers among them too
    // (a Fate die), in first-seen order.
    let r = fit_json(&[], "fate\n-\n0\n+\n+\n-\n");
    assert_eq!(
        (faces(&r), counts(&r)),
        (vec!["-".into(), "0".into(), "+".into()], vec![2, 1, 2])
    );
    let r = fit_json(&["--no-header"], "H\nT\nT\n");
    assert_eq!(counts(&r), [1, 2]);
}

#[test]
fn a_stray_quote_spoils_one_row_not_the_rest_of_the_file() {
    let log = "face\n1\n\"2\n3\n4\n5\n6\n";
    let r = fit_json(&["--skip-invalid"], log);
    // By hand: lines 4..7 hold 3, 4, 5, 6; the row of line 3 is skipped.
    assert_eq!(counts(&r), [1, 0, 1, 1, 1, 1]);
    assert_eq!(r["skipped"]["rows"], 1);
    assert_eq!(
        r["skipped"]["examples"][0],
        "<stdin>:3: a quote opened on this line is never closed"
    );
    // A quote that closes far below: the field runs over more than 20
    // lines, reported on the line it opened on.
    let mut long = String::from("face,note\n1,\"a\n");
    for _ in 0..30 {
        long.push_str("2,b\n");
    }
    long.push_str("3,c\"\n");
    let err = run_fail(&["fit", "-"], &long, 1);
    assert_eq!(
        err,
        "diceml: <stdin>:2: a quoted field opened on this line runs over more than 20 lines (is a quote never closed?)\n"
    );
    // Skipped, its later lines are rows again (the quote on the last line
    // is inside an unquoted field, so literal): 30 twos and a 3.
    let r = fit_json(&["--skip-invalid"], &long);
    assert_eq!(counts(&r), [0, 30, 1]);
    assert_eq!(r["skipped"]["rows"], 1);
    // A quoted note over a few lines is one field, as CSV says.
    let r = fit_json(&[], "face,note\n1,\"two\nlines\"\n2,x\n");
    assert_eq!(counts(&r), [1, 1]);
}

#[test]
fn old_mac_line_endings_stop_with_a_clear_error() {
    for flags in [&[][..], &["--skip-invalid"], &["--no-header"]] {
        for verb in ["fit", "count"] {
            let mut args = vec![verb, "-"];
            args.extend_from_slice(flags);
            let err = run_fail(&args, "face\r1\r2\r3\r", 1);
            assert_eq!(
                err,
                "diceml: <stdin>:1: a carriage return (\\r) inside the line: old-Mac (CR-only) line endings are not read; convert them to \\n first (tr '\\r' '\\n')\n"
            );
        }
    }
    // CRLF, and a CR before trailing spaces, are line ends as before.
    assert_eq!(counts(&fit_json(&[], "face\r\n1\r\n2 \r\n2\r \n")), [1, 2]);
}

#[test]
fn dicemls_own_output_reads_back() {
    let rolls = run_ok(
        &["simulate", "--labels", "face,x", "--n", "50", "--seed", "3"],
        "",
    );
    let r = fit_json(&["--labels", "face,x"], &rolls);
    assert_eq!(r["n"], 50, "the header is not a roll");
    let table = run_ok(
        &[
            "simulate", "--labels", "face,x", "--n", "50", "--seed", "3", "--counts",
        ],
        "",
    );
    let c = fit_json(&["--counts", "--labels", "face,x"], &table);
    assert_eq!(c["n"], 50);
    // count's output, fed back with --counts, is the same table.
    let counted = run_ok(&["count", "-", "--labels", "face,x"], &rolls);
    assert_eq!(
        run_ok(&["count", "-", "--counts", "--labels", "face,x"], &counted),
        counted
    );
    // --faces with a header.
    let d6 = run_ok(
        &["simulate", "--faces", "6", "--n", "30", "--seed", "3"],
        "",
    );
    assert_eq!(fit_json(&["--faces", "6"], &d6)["n"], 30);
}

#[test]
fn empty_spreadsheet_rows_are_skipped_and_counted() {
    let sheet = "ts,face,note\n1,2,a\n,,\n2,3,b\n , ,\n,,\n3,3,c\n";
    let r = fit_json(&[], sheet);
    assert_eq!(counts(&r), [0, 1, 2]);
    assert_eq!(r["skipped"]["empty_rows"], 3);
    assert_eq!(r["skipped"]["rows"], 0);
    // The table and count say so too.
    let note = "passed over 3 empty row(s) (every field empty, as spreadsheets export them)";
    assert!(run_ok(&["fit", "-"], sheet).contains(note));
    let out = diceml()
        .args(["count", "-"])
        .write_stdin(sheet)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("diceml: {note}\n")
    );
    // Before the header too, and in a count table.
    let r = fit_json(&["--counts"], ",\nface,count\n1,4\n,\n2,5\n");
    assert_eq!(
        (counts(&r), r["skipped"]["empty_rows"].as_u64()),
        (vec![4, 5], Some(2))
    );
    // None: the field is absent.
    assert!(fit_json(&[], "1\n2\n")["skipped"]
        .get("empty_rows")
        .is_none());
}

#[test]
fn the_same_column_for_faces_and_groups_is_a_usage_error() {
    let log = "t,face\n1,2\n2,3\n";
    // Named alike: refused before reading, even an empty input.
    for (column, by, input) in [("face", "FACE", log), ("2", "2", log), ("face", "face", "")] {
        let err = run_fail(&["count", "-", "--column", column, "--by", by], input, 2);
        assert_eq!(
            err,
            "diceml: --by and --column name the same column: the groups must be another column than the faces\n"
        );
    }
    // A name and an index: refused once the header says they meet.
    for (column, by) in [("face", "2"), ("2", "FACE")] {
        let err = run_fail(&["fit", "-", "--column", column, "--by", by], log, 2);
        assert_eq!(
            err,
            "diceml: --by and --column are the same column (2 \"face\"): the groups must be another column than the faces and counts\n"
        );
    }
    let err = run_fail(
        &["count", "-", "--counts", "--by", "count"],
        "face,count\n1,2\n",
        2,
    );
    assert!(
        err.contains("--by and the count column are the same column"),
        "{err}"
    );
}

#[test]
fn unreadable_inputs_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let name = dir.path().display().to_string();
    let err = run_fail(&["fit", &name], "", 1);
    assert_eq!(
        err,
        format!("diceml: {name}: is a directory, not a file of rolls\n")
    );
    let missing = dir.path().join("nope.csv").display().to_string();
    let err = run_fail(&["count", &missing], "", 1);
    assert!(
        err.starts_with(&format!("diceml: {missing}: cannot open: ")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}
