//! Docs that run: every ```console block in README.md and docs/cli.md is
//! executed and its output compared, so the docs cannot drift from the tool.
//! (The cookbook and scaling recipes call jq, DuckDB and Spark, which a
//! fresh CI machine does not have; they are run by hand, and say so.)
//!
//! In a block, a line `$ COMMAND` runs COMMAND with `bash -c` in the
//! repository root, with the built `diceml` first on PATH; the lines after it
//! (up to the next `$ ` line or the block's end) are its expected standard
//! output. A line `...` matches any number of lines. Set
//! `DICEML_UPDATE_DOCS=1` to rewrite the blocks with the actual output
//! (then review the diff).

use std::path::{Path, PathBuf};
use std::process::Command;

const DOCS: [&str; 2] = ["README.md", "docs/cli.md"];

/// One `$ command` and the output the docs show for it.
struct Example {
    command: String,
    expected: Vec<String>,
    /// Line range of `expected` in the file (for updating).
    lines: std::ops::Range<usize>,
}

fn examples(text: &str) -> Vec<Example> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_start() != "```console" {
            i += 1;
            continue;
        }
        i += 1;
        while i < lines.len() && lines[i].trim_start() != "```" {
            if let Some(command) = lines[i].strip_prefix("$ ") {
                let start = i + 1;
                let mut end = start;
                while end < lines.len()
                    && !lines[end].starts_with("$ ")
                    && lines[end].trim_start() != "```"
                {
                    end += 1;
                }
                out.push(Example {
                    command: command.to_string(),
                    expected: lines[start..end].iter().map(|s| s.to_string()).collect(),
                    lines: start..end,
                });
                i = end;
            } else {
                i += 1;
            }
        }
        i += 1;
    }
    out
}

/// `expected` (with `...` wildcards) matches `actual`.
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => {
            actual.first().is_some_and(|a| a == first) && matches(rest, &actual[1..])
        }
    }
}

/// The new expected block for an update: the actual output, keeping the
/// documented shape where it elided lines (as many lines before the first
/// `...` and after the last one).
fn elided(expected: &[String], actual: &[&str]) -> Vec<String> {
    let whole = || actual.iter().map(|s| s.to_string()).collect();
    let (Some(first), Some(last)) = (
        expected.iter().position(|l| l == "..."),
        expected.iter().rposition(|l| l == "..."),
    ) else {
        return whole();
    };
    let tail = expected.len() - last - 1;
    if first + tail >= actual.len() {
        return whole();
    }
    let mut out: Vec<String> = actual[..first].iter().map(|s| s.to_string()).collect();
    out.push("...".into());
    out.extend(actual[actual.len() - tail..].iter().map(|s| s.to_string()));
    out
}

fn run(root: &Path, command: &str) -> String {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_diceml"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(command)
        .current_dir(root)
        .env("PATH", path)
        .env_remove("NO_COLOR")
        .output()
        .expect("sh runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_documented_command_gives_the_documented_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("DICEML_UPDATE_DOCS").is_some();
    let mut checked = 0;
    for doc in DOCS {
        let path = root.join(doc);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let mut failures = Vec::new();
        // Later examples first, so earlier line numbers stay valid on update.
        for example in examples(&text).into_iter().rev() {
            let actual = run(root, &example.command);
            let actual_lines: Vec<&str> = actual.lines().collect();
            if !matches(&example.expected, &actual_lines) {
                if update {
                    lines.splice(
                        example.lines.clone(),
                        elided(&example.expected, &actual_lines),
                    );
                } else {
                    failures.push(format!(
                        "{doc}: `{}`\n--- documented\n{}\n--- actual\n{}",
                        example.command,
                        example.expected.join("\n"),
                        actual
                    ));
                }
            }
            checked += 1;
        }
        if update {
            std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        }
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }
    assert!(checked > 0, "no ```console examples found");
}

#[test]
fn wildcards_match_any_number_of_lines() {
    let e = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(matches(&e(&["a", "...", "d"]), &["a", "b", "c", "d"]));
    assert!(matches(&e(&["a", "...", "d"]), &["a", "d"]));
    assert!(!matches(&e(&["a", "...", "d"]), &["a", "b"]));
    assert!(matches(&e(&["..."]), &[]));
    assert!(!matches(&e(&["a"]), &["a", "b"]));
}
