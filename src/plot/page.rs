//! The HTML page of `audit --report`: one self-contained file (inline CSS
//! and SVG; no script, no font, no link) with the verdict, the table of
//! tests, the inputs' checksums and the charts, for a certification file.

use crate::analysis::audit::{AuditReport, GroupAudit};
use crate::report::audit::{cells, die_words, verdict_words};
use crate::report::format::{percent, thousands};

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em auto;max-width:1040px;color:#222}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}\
table{border-collapse:collapse;margin:.6em 0}td,th{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:right}\
td:first-child,th:first-child{text-align:left}td.why{text-align:left;color:#555}\
.pass{color:#1a7f37;font-weight:bold}.fail{color:#c1121f;font-weight:bold}\
.verdict{font-size:1.2em;padding:.6em 1em;border-radius:4px;display:inline-block}\
.verdict.pass{background:#e6f4ea}.verdict.fail{background:#fde8e8}\
code{font-size:.9em}figure{margin:1em 0}svg{max-width:100%;height:auto}";

/// The page, from the audit and the charts' SVG documents: the per-face
/// chart of the whole run and a drift chart per group shown.
pub(super) fn html(report: &AuditReport, faces_svg: &str, drift_svgs: &[String]) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<title>diceml audit</title>\n<style>");
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n");
    let alpha = report.parameters.alpha;
    h.push_str(&format!(
        "<h1>Randomness audit: {} rolls of {}</h1>\n",
        thousands(report.n),
        esc(&die_words(report))
    ));
    let (class, word) = if report.pass {
        ("pass", "PASS")
    } else {
        ("fail", "FAIL")
    };
    h.push_str(&format!(
        "<p class=\"verdict {class}\">Verdict: {word}</p>\n<p>Each test of a fair die at the {}% level (α = {alpha}); \
         the battery fails when a Holm-adjusted p-value is below α{}. diceml {}.</p>\n",
        percent(1.0 - alpha),
        if report.groups.is_some() {
            ", and the audit when any group's battery fails"
        } else {
            ""
        },
        esc(report.version)
    ));
    h.push_str("<h2>Inputs</h2>\n<table>\n<tr><th>file</th><th>SHA-256</th></tr>\n");
    for input in &report.inputs {
        h.push_str(&format!(
            "<tr><td>{}</td><td><code>{}</code></td></tr>\n",
            esc(&input.file),
            input.sha256
        ));
    }
    h.push_str("</table>\n");
    let p = &report.parameters;
    h.push_str(&format!(
        "<p>Parameters: serial correlation lags 1..{}, drift over at most {} blocks, hands of {}, \
         triples for the orderings, gap faces the first {}, tie-breaking seed <code>{}</code>.</p>\n",
        p.lags, p.blocks, p.hand, p.gap_faces, p.jitter_seed
    ));
    for group in groups(report) {
        h.push_str(&tests_table(group, alpha));
    }
    h.push_str("<h2>Faces</h2>\n<figure>\n");
    h.push_str(&strip_prolog(faces_svg));
    h.push_str("\n</figure>\n<h2>Drift over the log</h2>\n");
    for svg in drift_svgs {
        h.push_str("<figure>\n");
        h.push_str(&strip_prolog(svg));
        h.push_str("\n</figure>\n");
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// The batteries shown: the whole log's, or each group's.
pub(super) fn groups(report: &AuditReport) -> Vec<&GroupAudit> {
    match (&report.groups, &report.whole) {
        (Some(groups), _) => groups.iter().collect(),
        (None, Some(whole)) => vec![whole],
        (None, None) => Vec::new(),
    }
}

fn tests_table(group: &GroupAudit, alpha: f64) -> String {
    let mut h = String::new();
    match &group.group {
        Some(name) => h.push_str(&format!(
            "<h2>Group {}: {} rolls</h2>\n",
            esc(name),
            thousands(group.n)
        )),
        None => h.push_str("<h2>Tests</h2>\n"),
    }
    h.push_str("<table>\n<tr><th>test</th><th>statistic</th><th>df</th><th>p-value</th><th>Holm p</th><th>result</th></tr>\n");
    for test in &group.tests {
        match cells(test) {
            Ok([s, df, p, adj, result]) => {
                let class = if result == "pass" { "pass" } else { "fail" };
                h.push_str(&format!(
                    "<tr><td>{}</td><td>{s}</td><td>{df}</td><td>{p}</td><td>{adj}</td><td class=\"{class}\">{result}</td></tr>\n",
                    test.name
                ));
            }
            Err(why) => h.push_str(&format!(
                "<tr><td>{}</td><td class=\"why\" colspan=\"5\">skipped: {}</td></tr>\n",
                test.name,
                esc(&why)
            )),
        }
    }
    h.push_str("</table>\n");
    h.push_str(&format!("<p>{}</p>\n", esc(&verdict_words(group, alpha))));
    h
}

/// An SVG document without its XML declaration, to be inlined.
fn strip_prolog(svg: &str) -> String {
    match svg.find("<svg") {
        Some(at) => svg[at..].to_string(),
        None => svg.to_string(),
    }
}
