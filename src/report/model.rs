//! The table's "Model" section (`fit --model pairs`, `fit --design FILE`):
//! the model's tests and, for a design, its parameters. It renders what
//! [`crate::analysis::physical`] computed and decides nothing.

use std::io::Write;

use crate::analysis::physical::{DesignModel, ModelReport, PairsModel};
use crate::optim::Stop;
use crate::stats::TestResult;

use super::format::{p_value, plain_p};

/// Writes the section.
pub fn write_model(out: &mut dyn Write, model: &ModelReport) -> std::io::Result<()> {
    match model {
        ModelReport::Pairs(m) => write_pairs(out, m),
        ModelReport::Design(m) => write_design(out, m),
    }
}

fn test_line(name: &str, test: &TestResult) -> String {
    format!(
        "  {name:<22} {:>12.4}  df = {:<4} p = {}",
        test.statistic,
        test.df,
        p_value(test)
    )
}

fn write_pairs(out: &mut dyn Write, m: &PairsModel) -> std::io::Result<()> {
    writeln!(out, "Model: opposite pairs, against a fair die:")?;
    writeln!(out, "{}", test_line("axis (which pairs)", &m.tests.axis))?;
    writeln!(out, "{}", test_line("tilt (within pairs)", &m.tests.tilt))?;
    let fair = 2.0 / (2 * m.pairs.len()) as f64;
    writeln!(
        out,
        "  {:<9} {:>15}  {:>8}  {:>11}",
        "pair", "counts", "share", "1st's part"
    )?;
    for p in &m.pairs {
        let first = p.first_share.map_or("-".to_string(), |s| format!("{s:.4}"));
        writeln!(
            out,
            "  {:<9} {:>15}  {:>8.4}  {:>11}",
            format!("{}-{}", p.faces[0], p.faces[1]),
            format!("{} / {}", p.counts[0], p.counts[1]),
            p.share,
            first
        )?;
    }
    writeln!(
        out,
        "  (a fair die: share {fair:.4} per pair, 0.5000 for the first face)"
    )
}

fn write_design(out: &mut dyn Write, m: &DesignModel) -> std::io::Result<()> {
    let how = match m.stop {
        Stop::Converged => "converged",
        Stop::MaxIter => "NOT converged: --max-iter reached",
        Stop::LossRose => "NOT converged: a step raised the loss",
    };
    writeln!(
        out,
        "Model: logits = X·beta from {} ({}, {} iterations, {how}):",
        m.file, m.method, m.iterations
    )?;
    let name_w = m
        .parameters
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    writeln!(
        out,
        "  {:<name_w$}  {:>10}  {:>10}  {:>8}  {:>9}",
        "parameter", "estimate", "std error", "z", "p"
    )?;
    let or_dash = |x: Option<String>| x.unwrap_or_else(|| "-".to_string());
    for p in &m.parameters {
        writeln!(
            out,
            "  {:<name_w$}  {:>10.6}  {:>10}  {:>8}  {:>9}",
            p.name,
            p.estimate,
            or_dash(p.std_error.map(|s| format!("{s:.6}"))),
            or_dash(p.z.map(|z| format!("{z:.2}"))),
            or_dash(p.p_value.map(plain_p)),
        )?;
    }
    writeln!(out, "  log-likelihood {:.4}", m.loglik)?;
    writeln!(out, "{}", test_line("LRT vs a fair die", &m.lrt_vs_fair))?;
    writeln!(out, "{}", test_line("LRT vs a free die", &m.lrt_vs_free))
}
