//! The CLI as a product: completions, man page, colour only when asked or
//! on a terminal, no progress bars in pipes, the loss trace.

use crate::util::{diceml, run_ok};

#[test]
fn completions_are_generated_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _diceml"),
        ("zsh", "#compdef diceml"),
        ("fish", "complete -c diceml"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let script = run_ok(&["completions", shell], "");
        assert!(
            script.contains(marker),
            "{shell}: {}",
            &script[..script.len().min(200)]
        );
        assert!(
            script.contains("simulate") && script.contains("--monte-carlo"),
            "{shell}"
        );
    }
}

#[test]
fn the_man_page_is_roff_with_every_subcommand() {
    let page = run_ok(&["man"], "");
    assert!(page.contains(".TH diceml 1"), "{}", &page[..200]);
    for sub in ["simulate", "fit", "count", "completions"] {
        assert!(page.contains(sub), "{sub}");
    }
}

#[test]
fn colour_only_when_asked_and_never_in_pipes_by_default() {
    let log = "1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n2\n";
    let plain = run_ok(&["fit"], log);
    assert!(!plain.contains('\u{1b}'), "no escape codes in a pipe");
    let auto = diceml()
        .args(["fit", "--color", "auto"])
        .env("NO_COLOR", "1")
        .write_stdin(log)
        .assert()
        .success();
    assert!(!String::from_utf8_lossy(&auto.get_output().stdout).contains('\u{1b}'));
    let forced = run_ok(&["fit", "--color", "always"], log);
    assert!(
        forced.contains("\u{1b}["),
        "--color always colours the deviating face"
    );
    assert!(!run_ok(&["fit", "--color", "always", "--format", "csv"], log).contains('\u{1b}'));
}

#[test]
fn no_progress_bar_reaches_a_pipe() {
    let out = diceml()
        .args([
            "simulate",
            "--n",
            "20000000",
            "--seed",
            "1",
            "-o",
            "/dev/null",
        ])
        .assert()
        .success();
    assert!(out.get_output().stderr.is_empty());
}

#[test]
fn the_table_draws_a_bar_per_face() {
    let table = run_ok(&["fit"], "1\n2\n2\n2\n");
    let bars: Vec<&str> = table.lines().skip(1).take(2).collect();
    // Face 2 has the largest p: its bar is full, face 1's a third of it.
    let full = bars[1].chars().filter(|&c| c == '█').count();
    let third = bars[0].chars().filter(|&c| c == '█').count();
    assert!(
        full >= 10 && third * 3 <= full && third * 3 + 3 >= full,
        "{table}"
    );
}

#[test]
fn the_trace_has_one_row_per_iterate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trace.csv");
    let r: serde_json::Value = serde_json::from_str(&run_ok(
        &["fit", "--format", "json", "--trace", path.to_str().unwrap()],
        "1\n2\n2\n3\n3\n3\n",
    ))
    .unwrap();
    let trace = std::fs::read_to_string(&path).unwrap();
    let mut lines = trace.lines();
    assert_eq!(
        lines.next(),
        Some("iteration,cross_entropy,kl,max_abs_diff,step")
    );
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(
        rows.len() as u64,
        r["fit"]["iterations"].as_u64().unwrap() + 1
    );
    // Starts at the fair die: KL(p‖uniform) = ln 3 − H(p); ends at the fit.
    let h = r["fit"]["entropy"].as_f64().unwrap();
    assert!((rows[0][2] - (3f64.ln() - h)).abs() < 1e-12);
    assert_eq!(
        rows.last().unwrap()[3],
        r["fit"]["max_abs_diff"].as_f64().unwrap()
    );
    // Gradient descent with η = 1/L never increases the loss.
    assert!(rows.windows(2).all(|w| w[1][1] <= w[0][1] + 1e-15));
}

#[test]
fn plots_are_written_by_extension_and_bad_names_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (svg, png, loss) = (
        dir.path().join("fit.svg"),
        dir.path().join("fit.png"),
        dir.path().join("loss.png"),
    );
    let data = format!("{}/data/loaded_d6.csv", env!("CARGO_MANIFEST_DIR"));
    run_ok(
        &[
            "fit",
            &data,
            "--plot",
            svg.to_str().unwrap(),
            "--plot-loss",
            loss.to_str().unwrap(),
            "-o",
            "/dev/null",
        ],
        "",
    );
    run_ok(
        &[
            "fit",
            &data,
            "--plot",
            png.to_str().unwrap(),
            "-o",
            "/dev/null",
        ],
        "",
    );
    let svg_text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        svg_text.starts_with("<svg") && svg_text.contains("N = 6000, K = 6"),
        "{}",
        &svg_text[..300]
    );
    for path in [&png, &loss] {
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{path:?} is a PNG");
    }
    let err = crate::util::run_fail(&["fit", &data, "--plot", "chart.gif"], "", 2);
    assert_eq!(err, "diceml: --plot chart.gif: use a .svg or .png file\n");
}

#[test]
fn chart_errors_come_before_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let data = format!("{}/data/loaded_d6.csv", env!("CARGO_MANIFEST_DIR"));
    // A wrong name is refused before the inputs are read (this one is missing).
    let out = diceml()
        .args(["fit", "/no/such/input.csv", "--plot-loss", "loss.jpg"])
        .assert()
        .code(2);
    let output = out.get_output();
    assert!(output.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "diceml: --plot-loss loss.jpg: use a .svg or .png file\n"
    );
    // With readable input, still no report before the error.
    let out = diceml()
        .args(["fit", &data, "--plot", "x.gif"])
        .assert()
        .code(2);
    assert!(out.get_output().stdout.is_empty());
    // Too many faces to chart: refused before the report is written.
    let chart = dir.path().join("big.svg");
    let report = dir.path().join("report.txt");
    let out = diceml()
        .args(["fit", &data, "--faces", "1001", "--plot"])
        .arg(&chart)
        .arg("-o")
        .arg(&report)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("1001 faces is too many to chart"),
        "{stderr}"
    );
    assert!(!chart.exists() && !report.exists());
}
