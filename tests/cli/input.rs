//! Real inputs: gzip and zstd logs (by their magic bytes, from a file or
//! standard input, multi-member), JSON lines, and their errors
//! (docs/cli.md, "Compressed logs and JSON lines").

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use crate::util::diceml;

/// A seeded log of `n` rolls of a d6 loaded towards 6, by three players:
/// `(player, face)` pairs from a fixed linear congruential generator.
fn rolls(n: usize) -> Vec<(&'static str, u32)> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let u = (state >> 33) % 7;
            let face = if u == 6 { 6 } else { u as u32 + 1 };
            let player = ["ann", "bob", "cy"][((state >> 20) % 3) as usize];
            (player, face)
        })
        .collect()
}

/// The log as CSV (with a header) and as JSON lines: faces as numbers and
/// strings in turn, fields in changing order, an extra field, and blank
/// lines in both.
fn logs(rolls: &[(&str, u32)]) -> (Vec<u8>, Vec<u8>) {
    let mut csv = b"t,player,face\n".to_vec();
    let mut jsonl = Vec::new();
    for (i, (player, face)) in rolls.iter().enumerate() {
        writeln!(csv, "{i},{player},{face}").unwrap();
        match i % 3 {
            0 => writeln!(
                jsonl,
                r#"{{"t": {i}, "player": "{player}", "face": {face}}}"#
            ),
            1 => writeln!(
                jsonl,
                r#"{{"face":"{face}","player":"{player}","x":[1,{{"a":null}}]}}"#
            ),
            _ => writeln!(
                jsonl,
                r#"  {{ "player" : "{player}" , "face" : {face} }}  "#
            ),
        }
        .unwrap();
        if i % 97 == 0 {
            csv.push(b'\n');
            jsonl.extend_from_slice(b"\n  \n");
        }
    }
    (csv, jsonl)
}

/// `bytes` gzipped in two members (`cat a.gz b.gz`), split at a line.
fn gzip_two_members(bytes: &[u8]) -> Vec<u8> {
    let cut = bytes[..bytes.len() / 2]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let mut out = Vec::new();
    for part in [&bytes[..cut], &bytes[cut..]] {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(part).unwrap();
        out.extend(encoder.finish().unwrap());
    }
    out
}

/// `bytes` in two zstd frames.
fn zstd_two_frames(bytes: &[u8]) -> Vec<u8> {
    let half = bytes.len() / 2;
    let mut out = zstd::encode_all(&bytes[..half], 3).unwrap();
    out.extend(zstd::encode_all(&bytes[half..], 3).unwrap());
    out
}

/// `fit --format json` of `args`, with `stdin`.
fn fit(args: &[&str], stdin: &[u8]) -> Value {
    let out = diceml()
        .arg("fit")
        .args(args)
        .args(["--format", "json"])
        .write_stdin(stdin)
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

/// A report without `header`, the one field that describes the input: the
/// header row read, which JSON lines do not have.
fn without_header(mut report: Value) -> Value {
    report.as_object_mut().unwrap().remove("header");
    for group in report["groups"].as_array_mut().into_iter().flatten() {
        if let Some(g) = group.as_object_mut() {
            g.remove("header");
        }
    }
    report
}

#[test]
fn the_same_rolls_fit_the_same_as_csv_json_lines_gzip_and_zstd_from_files_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, jsonl) = logs(&rolls(3000));
    let files = [
        ("log.csv", csv.clone()),
        ("log.csv.gz", gzip_two_members(&csv)),
        ("log.csv.zst", zstd_two_frames(&csv)),
        ("log.jsonl", jsonl.clone()),
        ("log.ndjson.gz", gzip_two_members(&jsonl)),
        ("log.jsonl.zst", zstd_two_frames(&jsonl)),
        // By its magic bytes, not its name: a plain file named .gz.
        ("plain.csv.gz", csv.clone()),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    for by in [&[][..], &["--by", "player"][..]] {
        let reference = fit(
            &[&[dir.path().join("log.csv").to_str().unwrap()], by].concat(),
            b"",
        );
        assert_eq!(reference["header"], "t,player,face");
        for (name, bytes) in &files {
            let path = dir.path().join(name);
            let from_file = fit(&[&[path.to_str().unwrap()], by].concat(), b"");
            let format = match name.contains("json") {
                true => "jsonl",
                false => "csv",
            };
            let stdin_args = [&["-", "--input-format", format], by].concat();
            let from_stdin = fit(&stdin_args, bytes);
            for (how, report) in [("file", from_file), ("stdin", from_stdin)] {
                if format == "csv" {
                    assert_eq!(report, reference, "{name} from {how}, {by:?}");
                } else {
                    assert_eq!(report["header"], Value::Null, "{name}");
                    assert_eq!(
                        without_header(report),
                        without_header(reference.clone()),
                        "{name} from {how}, {by:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_large_gzipped_log_reads_through_the_fast_path_like_the_plain_one() {
    // 4 MiB of rolls: more than one block of the streaming scanner, and a
    // face the scanner cannot take (a header again, where the second
    // member starts) handed back to the general reader with its line.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = b"face\n".to_vec();
    for (_, face) in rolls(2_000_000) {
        writeln!(csv, "{face}").unwrap();
    }
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    std::fs::write(path("big.csv"), &csv).unwrap();
    std::fs::write(path("big.csv.gz"), gzip_two_members(&csv)).unwrap();
    assert_eq!(
        fit(&[&path("big.csv.gz")], b""),
        fit(&[&path("big.csv")], b"")
    );
    let doubled = [gzip_two_members(&csv), gzip_two_members(&csv)].concat();
    std::fs::write(path("twice.csv.gz"), doubled).unwrap();
    let err = diceml()
        .args(["count", &path("twice.csv.gz")])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&err.get_output().stderr).into_owned();
    assert_eq!(
        stderr,
        format!(
            "diceml: {}:2000002: \"face\" is not a face: this log has integer faces\n",
            path("twice.csv.gz")
        )
    );
}

/// The one line of stderr of a failed `args` with `stdin`, and exit `code`.
fn failure(args: &[&str], stdin: &[u8], code: i32) -> String {
    let out = diceml().args(args).write_stdin(stdin).assert().code(code);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    stderr
}

#[test]
fn truncated_and_corrupt_streams_are_one_line_errors_naming_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, _) = logs(&rolls(5000));
    let gz = gzip_two_members(&csv);
    let zst = zstd_two_frames(&csv);
    let mut corrupt = gz.clone();
    corrupt[gz.len() / 4] ^= 0x55;
    let cases = [
        (
            "cut.csv.gz",
            gz[..gz.len() - 9].to_vec(),
            "the gzip stream is",
        ),
        (
            "bad.csv.gz",
            corrupt,
            "the gzip stream is corrupt or truncated",
        ),
        (
            "cut.csv.zst",
            zst[..zst.len() - 9].to_vec(),
            "the zstd stream is",
        ),
        ("head.csv.gz", gz[..2].to_vec(), "the gzip stream is"),
    ];
    for (name, bytes, what) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let shown = path.display().to_string();
        for (file, stdin, input) in [
            (shown.as_str(), &[][..], shown.as_str()),
            ("-", &bytes[..], "<stdin>"),
        ] {
            for verb in ["fit", "count"] {
                let stderr = failure(&[verb, file, "--column", "face"], stdin, 1);
                assert!(
                    stderr.starts_with(&format!("diceml: {input}: {what}")),
                    "{name} {verb} {file}: {stderr}"
                );
            }
        }
    }
    // Not compressed after all: a lone byte like the start of a magic is
    // read as text.
    let out = diceml()
        .arg("count")
        .write_stdin(&b"\x1f"[..])
        .assert()
        .success();
    assert_eq!(out.get_output().stdout, b"face,count\n");
}

fn json_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn json_lines_errors_name_their_line_or_are_skipped_by_reason() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\"face\": 1}\n\n[2]\n{\"face\": 2.5}\n{\"roll\": 3}\n{\"face\": 4\n{\"face\": null}\n{\"face\": 6, \"face\": 6}\n{\"face\": \"2\"}\n";
    let path = json_file(dir.path(), "bad.jsonl", text);
    assert_eq!(
        failure(&["fit", &path], b"", 1),
        format!("diceml: {path}:3: not a JSON object: \"[2]\"\n")
    );
    let report = fit(&[&path, "--skip-invalid"], b"");
    assert_eq!(report["n"], 2);
    let reasons = &report["skipped"]["reasons"];
    let want = serde_json::json!({
        "not a JSON object": 1,
        "bad field type": 2,
        "missing field": 1,
        "invalid JSON": 1,
        "duplicate field": 1,
    });
    assert_eq!(reasons, &want);
    assert_eq!(report["skipped"]["rows"], 6);
    let examples = report["skipped"]["examples"].as_array().unwrap();
    assert_eq!(examples[1], format!("{path}:4: field \"face\" is a number with a fraction or an exponent, not a string or an integer"));
    assert_eq!(examples[2], format!("{path}:5: no field \"face\""));
}

#[test]
fn json_lines_name_their_fields() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\"d20\": 20, \"who\": \"ann\"}\n{\"d20\": 3, \"who\": 7}\n{\"d20\": \"20\", \"who\": \"ann\"}\n";
    let path = json_file(dir.path(), "rolls.ndjson", text);
    let report = fit(
        &[&path, "--column", "d20", "--by", "who", "--faces", "20"],
        b"",
    );
    let groups: Vec<(String, u64)> = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["group"].as_str().unwrap().to_string(),
                g["n"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(groups, vec![("ann".to_string(), 2), ("7".to_string(), 1)]);
    // Fields are named, not numbered: a usage error, exit 2.
    let stderr = failure(&["fit", &path, "--column", "1"], b"", 2);
    assert!(
        stderr.contains("--column 1:") && stderr.contains("JSON lines"),
        "{stderr}"
    );
    // The default field is `face`.
    let stderr = failure(&["count", &path], b"", 1);
    assert_eq!(stderr, format!("diceml: {path}:1: no field \"face\"\n"));
}

#[test]
fn json_lines_count_tables_sum_like_csv_ones() {
    let jsonl = b"{\"face\": 1, \"count\": 4}\n{\"face\": \"3\", \"count\": 2}\n{\"face\": 1, \"count\": 1}\n";
    let csv = b"face,count\n1,4\n3,2\n1,1\n";
    let from_jsonl = fit(&["--counts", "--input-format", "jsonl"], jsonl);
    let from_csv = fit(&["--counts"], csv);
    assert_eq!(without_header(from_jsonl), without_header(from_csv));
}

#[test]
fn watch_reads_json_lines_like_csv() {
    let (csv, jsonl) = logs(&rolls(400));
    let watch = |format: &str, stdin: &[u8]| {
        let out = diceml()
            .args([
                "watch", "--faces", "6", "--every", "50", "--format", "jsonl",
            ])
            .args(["--input-format", format, "--column", "face"])
            .write_stdin(stdin)
            .assert();
        out.get_output().stdout.clone()
    };
    let from_csv = watch("csv", &csv);
    assert!(!from_csv.is_empty());
    assert_eq!(watch("jsonl", &jsonl), from_csv);
    let gz = gzip_two_members(&jsonl);
    assert_eq!(watch("jsonl", &gz), from_csv);
}

/// The log of [`rolls`] as JSON lines of the shape the fast path reads
/// (after a first line with a byte-order mark, `\r\n` endings, escapes and
/// non-ASCII text in a field that is not read), and as CSV.
fn flat_logs(rolls: &[(&str, u32)]) -> (Vec<u8>, Vec<u8>) {
    let mut csv = b"t,player,face\n".to_vec();
    let mut jsonl = b"\xEF\xBB\xBF".to_vec();
    for (i, (player, face)) in rolls.iter().enumerate() {
        writeln!(csv, "{i},{player},{face}").unwrap();
        let note = [
            "",
            "a \\\"quoted\\\" \\u00e9 \\\\ path",
            "\u{2680} caf\u{e9}",
        ][i % 3];
        let face = if i % 5 == 0 {
            format!("\"{face}\"")
        } else {
            face.to_string()
        };
        write!(
            jsonl,
            "{{\"t\": {i}, \"ok\": true, \"note\": \"{note}\", \"x\": -1.5e3, \"player\":\t\"{player}\", \"face\": {face}}}\r\n"
        )
        .unwrap();
    }
    (csv, jsonl)
}

#[test]
fn json_lines_of_the_common_shape_fit_like_csv_across_many_buffers() {
    // 20,000 rows of about 100 bytes: many fills of the reader's buffer,
    // with lines cut at its end.
    let dir = tempfile::tempdir().unwrap();
    let (csv, jsonl) = flat_logs(&rolls(20_000));
    assert!(jsonl.len() > 1_000_000);
    let csv_path = json_file(dir.path(), "log.csv", &String::from_utf8(csv).unwrap());
    let gz = gzip_two_members(&jsonl);
    let gz_path = dir.path().join("log.jsonl.gz");
    std::fs::write(&gz_path, &gz).unwrap();
    let jsonl_path = dir.path().join("log.jsonl");
    std::fs::write(&jsonl_path, &jsonl).unwrap();
    for by in [&[][..], &["--by", "player"][..]] {
        let reference = without_header(fit(&[&[csv_path.as_str()], by].concat(), b""));
        if by.is_empty() {
            assert_eq!(reference["n"], 20_000);
        }
        for path in [&jsonl_path, &gz_path] {
            let report = fit(&[&[path.to_str().unwrap()], by].concat(), b"");
            assert_eq!(without_header(report), reference, "{path:?} {by:?}");
        }
    }
}

#[test]
fn bad_json_lines_after_many_good_ones_name_their_own_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut jsonl) = flat_logs(&rolls(5000));
    // Lines 5001 to 5006: each off the common shape in one way.
    for bad in [
        "{\"face\": 1,}",
        "{\"face\": -0}",
        "{\"face\": 01}",
        "{\"face\": 1, \"face\": 2}",
        "{face: 1}",
        "{\"face\": 2, \"t\": \"\\x\"}",
    ] {
        jsonl.extend_from_slice(bad.as_bytes());
        jsonl.push(b'\n');
    }
    jsonl.extend_from_slice(b"{\"face\": 3, \"t\": {\"nested\": [1]}}\n{\"face\": 4}\n");
    let path = dir.path().join("log.jsonl");
    std::fs::write(&path, &jsonl).unwrap();
    let path = path.to_str().unwrap();
    let stderr = failure(&["fit", path], b"", 1);
    assert!(
        stderr.starts_with(&format!(
            "diceml: {path}:5001: invalid JSON: trailing comma"
        )),
        "{stderr}"
    );
    let report = fit(&[path, "--skip-invalid"], b"");
    assert_eq!(report["n"], 5002);
    assert_eq!(report["skipped"]["rows"], 6);
    let want = serde_json::json!({
        "invalid JSON": 4,
        "bad field type": 1,
        "duplicate field": 1,
    });
    assert_eq!(report["skipped"]["reasons"], want);
    let examples = report["skipped"]["examples"].as_array().unwrap();
    assert_eq!(
        examples[1],
        format!("{path}:5002: field \"face\" is a number with a fraction or an exponent, not a string or an integer")
    );
    let lines: Vec<&str> = examples
        .iter()
        .map(|e| {
            e.as_str().unwrap()[path.len() + 1..]
                .split(':')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(lines[..3], ["5001", "5002", "5003"]);
}
