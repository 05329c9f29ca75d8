//! Helpers shared by the integration tests.

use assert_cmd::Command;

/// A command running the built `diceml` binary.
pub fn diceml() -> Command {
    Command::cargo_bin("diceml").expect("the diceml binary is built")
}

/// Runs diceml with `args` and `stdin`, expecting success; returns stdout.
pub fn run_ok(args: &[&str], stdin: &str) -> String {
    let out = diceml().args(args).write_stdin(stdin).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).expect("utf-8 output")
}

/// Runs diceml expecting exit `code`; returns stderr.
pub fn run_fail(args: &[&str], stdin: &str, code: i32) -> String {
    let out = diceml().args(args).write_stdin(stdin).assert().code(code);
    String::from_utf8(out.get_output().stderr.clone()).expect("utf-8 stderr")
}

/// Fits `stdin` with `args` and decodes the JSON report.
pub fn fit_json(args: &[&str], stdin: &str) -> serde_json::Value {
    let mut all = vec!["fit", "-", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&run_ok(&all, stdin)).expect("valid JSON")
}

/// Path of a file under tests/.
pub fn test_file(rel: &str) -> String {
    format!("{}/tests/{rel}", env!("CARGO_MANIFEST_DIR"))
}
