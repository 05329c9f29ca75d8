//! Outputs and errors at the edges: every error one line naming what failed,
//! clap's usage errors included; failed writes name the file.

use std::process::Stdio;

use crate::util::diceml;

fn stderr_of(args: &[&str]) -> (i32, String) {
    let out = diceml().args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_failed_write_names_the_output_and_exits_1() {
    for args in [
        &["fit", "data/loaded_d6.csv", "-o", "/dev/full"][..],
        &["simulate", "--n", "100000", "-o", "/dev/full"],
        &["count", "data/loaded_d6.csv", "-o", "/dev/full"],
        &[
            "fit",
            "data/loaded_d6.csv",
            "--trace",
            "/dev/full",
            "-o",
            "/dev/null",
        ],
    ] {
        let (code, err) = stderr_of(args);
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(
            err, "diceml: /dev/full: cannot write: No space left on device (os error 28)\n",
            "{args:?}"
        );
    }
    // Standard output on a full disk is named too.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_diceml"))
        .args(["fit", "data/loaded_d6.csv"])
        .stdout(Stdio::from(std::fs::File::create("/dev/full").unwrap()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "diceml: <stdout>: cannot write: No space left on device (os error 28)\n"
    );
}

#[test]
fn an_output_file_is_replaced_whole_leaving_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rolls.csv");
    std::fs::write(&path, "old\n").unwrap();
    let p = path.to_str().unwrap();
    diceml()
        .args(["simulate", "--n", "3", "--seed", "1", "-o", p])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "face\n2\n6\n5\n");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// The docs promise one line on stderr for every error; clap's usage errors
/// were several (the message, a blank line, a tip, the usage, a pointer).
#[test]
fn usage_errors_are_one_line_and_exit_2() {
    for (args, want) in [
        (
            &["simulate", "--faces", "0", "--n", "3"][..],
            "diceml: invalid value '0' for '--faces <K>': 0 is not in 1..=1000000; see --help\n",
        ),
        (
            &["fit", "--ci", "nope"],
            "diceml: invalid value 'nope' for '--ci <CI>'; [possible values: goodman, sison-glaz, wilson, clopper-pearson, jeffreys]; see --help\n",
        ),
        (
            &["simulate"],
            "diceml: the following required arguments were not provided: --n <N>; Usage: diceml simulate --n <N>; see --help\n",
        ),
        (
            &[],
            "diceml: a command is required: simulate, fit, count, plan, watch, audit, completions or man; see --help\n",
        ),
    ] {
        let (code, err) = stderr_of(args);
        assert_eq!((code, err.as_str()), (2, want), "{args:?}");
    }
    let (code, err) = stderr_of(&["fit", "--foo"]);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("diceml: unexpected argument '--foo' found; tip:"),
        "{err}"
    );
    // Help and version still print in full, to stdout, with exit 0.
    let out = diceml().args(["fit", "--help"]).output().unwrap();
    assert!(out.status.success() && out.stdout.len() > 1000);
    assert!(diceml().arg("--version").output().unwrap().status.success());
}
