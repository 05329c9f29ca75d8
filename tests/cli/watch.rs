//! `diceml watch`: its decision roll against the library's sequential test
//! and `fit --sequential` on the same rolls, the exit codes of `--stop`, the JSON events against
//! the e-process computed here from its definition (a product of
//! predictive ratios), `--every`, rolls that arrive slowly through a pipe
//! or are appended to a followed file, a closed output pipe, and the usage
//! and data errors.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use diceml::stats::sequential::{Decision, Sequential};
use serde_json::Value;

use crate::util::{diceml, fit_json, run_fail, run_ok};

/// How long a test waits for a line from a child before failing (never
/// hanging): far longer than any line takes on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(60);
/// ln of the e-value against the product computed here, absolute: watch
/// reports the lnΓ closed form, which subtracts lnΓ values near 4·10^8 for
/// the largest concentrations (the bound `stats::sequential`'s own tests
/// state, 1e-7 absolute plus 1e-9 relative, at these small values).
const LN_E_TOL: f64 = 1e-7;
/// An interval end found by bisection to 1e-12 in θ gives a log-ratio
/// within (slope ≤ 1e4) × 1e-12 of the bound.
const EDGE_TOL: f64 = 1e-6;

/// The rolls of `diceml simulate` with these arguments, as face indices.
fn simulated(args: &[&str]) -> (String, Vec<usize>) {
    let mut all = vec!["simulate"];
    all.extend_from_slice(args);
    let log = run_ok(&all, "");
    let faces = log
        .lines()
        .skip(1)
        .map(|l| l.parse::<usize>().expect("a face") - 1)
        .collect();
    (log, faces)
}

/// The first roll at which the library's test decides, and its decision.
fn library_decision(rolls: &[usize], null: &[f64], within: Option<f64>) -> Option<(u64, Decision)> {
    let mut test = Sequential::new(null, 0.05, within);
    rolls
        .iter()
        .enumerate()
        .find_map(|(i, &x)| test.push(x).map(|d| (i as u64 + 1, d)))
}

/// The JSON events of a `watch --format jsonl` output.
fn events(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8(stdout.to_vec())
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn stop_rejects_a_loaded_die_at_the_library_s_roll_and_exits_3() {
    for seed in ["1", "2", "3"] {
        let args = ["--probs", "1,1,1,1,1,2", "--n", "5000", "--seed", seed];
        let (log, rolls) = simulated(&args);
        let (at, decision) = library_decision(&rolls, &[1.0 / 6.0; 6], None)
            .expect("a d6 with a double six is caught in 5000 rolls");
        assert_eq!(decision, Decision::Reject);
        // fit --sequential reports the same roll on the same log.
        let fit = fit_json(&["--faces", "6", "--sequential"], &log);
        assert_eq!(fit["sequential"]["decided_at"], at, "seed {seed}");
        assert_eq!(fit["sequential"]["decision"], "reject");
        let out = diceml()
            .args(["watch", "--faces", "6", "--stop", "--format", "jsonl"])
            .write_stdin(log.clone())
            .assert()
            .code(3);
        let output = out.get_output();
        let events = events(&output.stdout);
        let last = events.last().expect("events");
        assert_eq!(
            events.len() as u64,
            at,
            "seed {seed}: one event per roll up to the decision"
        );
        assert_eq!(last["decided_at"], at, "seed {seed}");
        assert_eq!(last["roll"], at, "seed {seed}: --stop ends at the decision");
        assert_eq!(last["decision"], "reject");
        assert!(last["log10_e_value"].as_f64().unwrap() >= 20f64.log10());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr.trim_end(),
            format!("diceml: --stop: the sequential test rejected the null at roll {at}")
        );
        // The table says the same in words.
        let table = diceml()
            .args(["watch", "--faces", "6", "--stop", "--every", "1000"])
            .write_stdin(log)
            .assert()
            .code(3);
        let text = String::from_utf8(table.get_output().stdout.clone()).unwrap();
        let final_line = text.lines().last().unwrap();
        assert!(
            final_line.starts_with(&format!("roll {at}: "))
                && final_line.contains(&format!("biased, decided at roll {at}")),
            "{final_line}"
        );
    }
}

#[test]
fn stop_finds_a_fair_die_fair_within_d_and_exits_0() {
    let args = ["--faces", "6", "--n", "30000", "--seed", "2"];
    let (log, rolls) = simulated(&args);
    let (at, decision) = library_decision(&rolls, &[1.0 / 6.0; 6], Some(0.05))
        .expect("a fair d6 is fair within 5 points in 30000 rolls");
    assert_eq!(decision, Decision::Fair);
    let fit = fit_json(&["--faces", "6", "--sequential", "--within", "0.05"], &log);
    assert_eq!(fit["sequential"]["decided_at"], at);
    assert_eq!(fit["sequential"]["decision"], "fair");
    let out = diceml()
        .args(["watch", "--faces", "6", "--within", "0.05", "--stop"])
        .args(["--format", "jsonl", "--every", "100000"])
        .write_stdin(log)
        .assert()
        .code(0);
    let events = events(&out.get_output().stdout);
    assert_eq!(events.len(), 1, "the decision's event alone");
    assert_eq!(events[0]["roll"], at);
    assert_eq!(events[0]["decided_at"], at);
    assert_eq!(events[0]["decision"], "fair");
    for pair in events[0]["intervals"].as_array().unwrap() {
        let (lo, hi) = (pair[0].as_f64().unwrap(), pair[1].as_f64().unwrap());
        assert!(lo > 1.0 / 6.0 - 0.05 && hi < 1.0 / 6.0 + 0.05, "{pair}");
    }
}

/// ln of each face-and-concentration (or concentration) process of the
/// e-process after `rolls`, multiplied out roll by roll from its
/// predictive q_t(x) / p0(x) (the module doc of `stats::sequential`).
struct Products {
    omni: Vec<f64>,
    /// face k's processes: [k][j]
    face: Vec<Vec<f64>>,
}

fn products(rolls: &[usize], null: &[f64]) -> Products {
    let k = null.len();
    let omni_a: Vec<f64> = (0..13).map(|j| k as f64 / 4.0 * 4f64.powi(j)).collect();
    let face_a: Vec<f64> = (0..13).map(|j| 4f64.powi(j)).collect();
    let mut counts = vec![0.0; k];
    let mut p = Products {
        omni: vec![0.0; 13],
        face: vec![vec![0.0; 13]; k],
    };
    for (t, &x) in rolls.iter().enumerate() {
        let t = t as f64;
        for (ln, a) in p.omni.iter_mut().zip(&omni_a) {
            *ln += ((counts[x] + a * null[x]) / (t + a) / null[x]).ln();
        }
        for (f, row) in p.face.iter_mut().enumerate() {
            for (ln, a) in row.iter_mut().zip(&face_a) {
                let q_face = (counts[f] + a * null[f]) / (t + a);
                *ln += if f == x {
                    (q_face / null[f]).ln()
                } else {
                    ((1.0 - q_face) / (1.0 - null[f])).ln()
                };
            }
        }
        counts[x] += 1.0;
    }
    p
}

fn mean_exp(ln: &[f64]) -> f64 {
    ln.iter().map(|v| v.exp()).sum::<f64>() / ln.len() as f64
}

#[test]
fn jsonl_events_carry_the_e_process_its_p_value_and_the_intervals() {
    let rolls: Vec<usize> = "3 5 5 1 6 6 2 6 4 6 6 1 5 6 3 6 6 2 6 6 4 6 1 6 6 6 5 6 2 6"
        .split(' ')
        .map(|f| f.parse::<usize>().unwrap() - 1)
        .collect();
    let log: String = std::iter::once("face".to_string())
        .chain(rolls.iter().map(|x| (x + 1).to_string()))
        .map(|l| l + "\n")
        .collect();
    let null = [1.0 / 6.0; 6];
    let out = run_ok(&["watch", "--faces", "6", "--format", "jsonl"], &log);
    let events = events(out.as_bytes());
    assert_eq!(events.len(), rolls.len());
    let bound = (6.0f64 / 0.05).ln();
    let mut largest = 1.0f64;
    for (i, event) in events.iter().enumerate() {
        let t = i + 1;
        assert_eq!(event["roll"], t);
        let p = products(&rolls[..t], &null);
        let faces: Vec<f64> = p.face.iter().flatten().copied().collect();
        let e = 0.5 * mean_exp(&p.omni) + 0.5 * mean_exp(&faces);
        let got = event["log10_e_value"].as_f64().unwrap();
        assert!(
            (got * std::f64::consts::LN_10 - e.ln()).abs() < LN_E_TOL,
            "roll {t}: {got} vs {}",
            e.log10()
        );
        largest = largest.max(e);
        let p_value = event["p_value"].as_f64().unwrap();
        assert!(
            (p_value * largest).ln().abs() < LN_E_TOL,
            "roll {t}: p {p_value}"
        );
        let decided = e >= 20.0;
        assert_eq!(event.get("decision").is_some(), decided, "roll {t}");
        if decided {
            break;
        }
        // Each interval's ends sit on the boundary ln(M_k / L_θ) = ln(K/α).
        let intervals = event["intervals"].as_array().unwrap();
        assert_eq!(intervals.len(), 6);
        for (f, pair) in intervals.iter().enumerate() {
            let n = rolls[..t].iter().filter(|&&x| x == f).count() as f64;
            let ln_m = mean_exp(&p.face[f]).ln();
            let ratio = |theta: f64| {
                let hits = if n > 0.0 {
                    n * (null[f] / theta).ln()
                } else {
                    0.0
                };
                let rest = t as f64 - n;
                let misses = if rest > 0.0 {
                    rest * ((1.0 - null[f]) / (1.0 - theta)).ln()
                } else {
                    0.0
                };
                ln_m + hits + misses - bound
            };
            let (lo, hi) = (pair[0].as_f64().unwrap(), pair[1].as_f64().unwrap());
            assert!(
                lo <= n / t as f64 && n / t as f64 <= hi,
                "roll {t} face {f}: {pair}"
            );
            for end in [lo, hi] {
                if end > 0.0 && end < 1.0 {
                    assert!(ratio(end).abs() < EDGE_TOL, "roll {t} face {f}: {end}");
                }
            }
        }
    }
    let last = events.last().unwrap();
    assert_eq!(
        last["decision"], "reject",
        "thirty rolls with sixteen sixes"
    );
}

#[test]
fn every_n_rolls_and_the_end_get_an_update() {
    // A perfectly balanced log decides nothing.
    let log: String = std::iter::once("face\n".to_string())
        .chain((0..103).map(|i| format!("{}\n", i % 6 + 1)))
        .collect();
    let out = run_ok(
        &[
            "watch", "--faces", "6", "--every", "10", "--format", "jsonl",
        ],
        &log,
    );
    let rolls: Vec<u64> = events(out.as_bytes())
        .iter()
        .map(|e| {
            assert!(e.get("decision").is_none() && e.get("decided_at").is_none());
            e["roll"].as_u64().unwrap()
        })
        .collect();
    let expected: Vec<u64> = (1..=10).map(|i| i * 10).chain([103]).collect();
    assert_eq!(rolls, expected);
    // The table: one plain line per update when stdout is not a terminal.
    let table = run_ok(&["watch", "--faces", "6", "--every", "10"], &log);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), expected.len());
    assert!(!table.contains('\r') && !table.contains('\x1b'));
    assert!(lines[10].starts_with("roll 103: e-value ") && lines[10].contains("undecided"));
    // An empty input ends undecided at roll 0.
    let empty = run_ok(&["watch", "--faces", "6", "--format", "jsonl"], "face\n");
    assert_eq!(events(empty.as_bytes())[0]["roll"], 0);
}

/// Reads `child`'s stdout lines on a thread, so a test can wait for one
/// with a timeout.
fn lines_of(stdout: ChildStdout) -> mpsc::Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// The next line, or the test fails (killing `child`) after [`PATIENCE`].
fn next_line(lines: &mpsc::Receiver<String>, child: &mut Child, what: &str) -> String {
    match lines.recv_timeout(PATIENCE) {
        Ok(line) => line,
        Err(_) => {
            let _ = child.kill();
            panic!("no line from watch: {what}");
        }
    }
}

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_diceml"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("diceml runs")
}

/// Waits for `child` to exit within [`PATIENCE`]; its exit code.
fn exit_code(child: &mut Child) -> i32 {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().expect("an exit code");
        }
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("watch did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_pipe_s_rolls_are_reported_as_they_arrive() {
    let mut child = spawn(&["watch", "-", "--faces", "6", "--format", "jsonl"]);
    let mut stdin = child.stdin.take().unwrap();
    let lines = lines_of(child.stdout.take().unwrap());
    stdin.write_all(b"face\n4\n").unwrap();
    stdin.flush().unwrap();
    // The pipe is still open: the event comes from the row alone.
    let first: Value = serde_json::from_str(&next_line(&lines, &mut child, "first roll")).unwrap();
    assert_eq!(first["roll"], 1);
    stdin.write_all(b"2\n").unwrap();
    stdin.flush().unwrap();
    let second: Value =
        serde_json::from_str(&next_line(&lines, &mut child, "second roll")).unwrap();
    assert_eq!(second["roll"], 2);
    drop(stdin);
    assert_eq!(exit_code(&mut child), 0, "an undecided stream ends with 0");
    assert!(
        lines.recv_timeout(PATIENCE).is_err(),
        "no update after the last roll's"
    );
}

#[test]
fn follow_waits_for_appended_rolls_until_the_decision() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rolls.csv");
    std::fs::write(&path, "face\n6\n6\n6\n").unwrap();
    let file = path.to_str().unwrap();
    let mut child = spawn(&[
        "watch", "--follow", file, "--faces", "6", "--stop", "--format", "jsonl",
    ]);
    let lines = lines_of(child.stdout.take().unwrap());
    for roll in 1..=3 {
        let event: Value =
            serde_json::from_str(&next_line(&lines, &mut child, "the file's rolls")).unwrap();
        assert_eq!(event["roll"], roll);
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "at the file's end, --follow waits"
    );
    let mut appender = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    let mut last = Value::Null;
    for _ in 0..50 {
        appender.write_all(b"6\n").unwrap();
        appender.flush().unwrap();
        last = serde_json::from_str(&next_line(&lines, &mut child, "an appended roll")).unwrap();
        if last.get("decision").is_some() {
            break;
        }
    }
    assert_eq!(last["decision"], "reject", "{last}");
    let at = last["decided_at"].as_u64().unwrap();
    let expected = library_decision(&[5; 53], &[1.0 / 6.0; 6], None).unwrap();
    assert_eq!((at, Decision::Reject), expected);
    assert!(at > 3, "decided on appended rolls");
    assert_eq!(exit_code(&mut child), 3);
}

#[test]
fn a_closed_output_pipe_ends_quietly() {
    let (log, _) = simulated(&["--faces", "6", "--n", "20000", "--seed", "5"]);
    let mut child = spawn(&["watch", "--faces", "6", "--format", "jsonl"]);
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(log.as_bytes());
    });
    let lines = lines_of(child.stdout.take().unwrap());
    next_line(&lines, &mut child, "the first roll");
    drop(lines);
    assert_eq!(exit_code(&mut child), 0);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(stderr, "", "a closed pipe is a normal end");
    feeder.join().unwrap();
}

#[test]
fn what_watch_cannot_do_is_a_one_line_usage_error() {
    let log = "face\n1\n2\n";
    for (args, says) in [
        (&["watch"][..], "--faces K or --labels"),
        (
            &["watch", "--faces", "6", "--by", "player"],
            "fit --by COLUMN --sequential",
        ),
        (
            &["watch", "--faces", "6", "--counts"],
            "a count table has none",
        ),
        (
            &["watch", "--faces", "6", "a.csv", "b.csv"],
            "no more were expected",
        ),
        (
            &["watch", "--faces", "3", "--expected", "1,1"],
            "--expected gives 2",
        ),
        (
            &[
                "watch",
                "--faces",
                "3",
                "--expected",
                "1,0,1",
                "--within",
                "0.1",
            ],
            "face 2 has null probability 0",
        ),
        (&["watch", "--faces", "6", "--every", "0"], "--every"),
        (&["watch", "--faces", "6", "--within", "1"], "--within"),
    ] {
        let stderr = run_fail(args, log, 2);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
}

#[test]
fn a_bad_row_stops_the_watch_naming_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rolls.csv");
    std::fs::write(&path, "face\n1\n2\n9\n3\n").unwrap();
    let file = path.to_str().unwrap();
    let out = diceml()
        .args(["watch", file, "--faces", "6", "--format", "jsonl"])
        .assert()
        .code(1);
    let output = out.get_output();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!("diceml: {file}:4: ")),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
    // The rolls before it were reported.
    assert_eq!(events(&output.stdout).len(), 2);
    // A face the null forbids may stay unrolled; its first roll makes the
    // null impossible, an error as in `fit`.
    let zero = [
        "watch",
        "--faces",
        "3",
        "--expected",
        "1,0,1",
        "--format",
        "jsonl",
    ];
    assert_eq!(events(run_ok(&zero, "face\n1\n3\n").as_bytes()).len(), 2);
    let out = diceml()
        .args(zero)
        .write_stdin("face\n1\n2\n3\n")
        .assert()
        .code(1);
    assert_eq!(events(&out.get_output().stdout).len(), 1);
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stderr),
        "diceml: roll 2: face 2 was rolled but --expected gives it probability 0: the null is impossible\n"
    );
    // With --skip-invalid the row is skipped and the watch goes on.
    let skipped = diceml()
        .args(["watch", file, "--faces", "6", "--skip-invalid"])
        .args(["--format", "jsonl"])
        .assert()
        .success();
    let output = skipped.get_output();
    assert_eq!(events(&output.stdout).last().unwrap()["roll"], 3);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("diceml: warning: 1 invalid row skipped (the first: ")
            && stderr.contains(&format!("{file}:4: "))
            && stderr.lines().count() == 1,
        "{stderr}"
    );
}
