//! The table for people (`--format table`): one row per face with a bar,
//! the fit's summary, the tests, the verdict in plain words and notes about
//! the input.

use std::io::Write;

use super::format::{expected, p_value, percent, plain_p, prob, short_p, small};
use crate::analysis::sequential::{SequentialDecision, SequentialReport};
use crate::analysis::verdict::{DecidedBy, Direction};
use crate::analysis::{DieReport, FaceRow, FitSummary, InputSummary, MaybeTest, Report, Target};
use crate::dataset::Skipped;
use crate::model::is_fair;
use crate::optim::{Method, Stop, AUTO_GD_MIN_TARGET, DEFAULT_LEARNING_RATE, STABLE_STEP_BOUND};
use crate::stats::exact::{ExactMethod, ExactStat};

/// How the table looks: colour, and the width it may fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// Colour the faces that deviate (only ever true on a terminal).
    pub color: bool,
    /// Columns available (the terminal's width, or 120 off a terminal).
    pub width: usize,
}

impl Default for Look {
    fn default() -> Self {
        Look {
            color: false,
            width: 120,
        }
    }
}

pub fn write(out: &mut dyn Write, report: &Report, look: Look) -> std::io::Result<()> {
    match report {
        Report::Single(single) => {
            write_die_table(out, &single.die, look)?;
            write_input_notes(out, &single.input)
        }
        Report::Grouped(grouped) => {
            for g in &grouped.groups {
                writeln!(out, "== group {}", g.group)?;
                write_die_table(out, &g.die, look)?;
                writeln!(out)?;
            }
            if grouped.group_faces {
                let ks = grouped.groups.iter().map(|g| g.die.k);
                let (lo, hi) = (ks.clone().min().unwrap_or(0), ks.max().unwrap_or(0));
                writeln!(
                    out,
                    "{} groups, each with its own faces (K = {lo} to {hi})",
                    grouped.groups.len()
                )?;
            } else {
                writeln!(out, "{} groups, K = {}", grouped.groups.len(), grouped.k)?;
            }
            for h in &grouped.homogeneity_by_faces {
                match &h.test {
                    MaybeTest::Done(t) => writeln!(
                        out,
                        "Do the groups with K = {} ({}) behave alike? chi-square = {:.4}, df = {}, p = {}",
                        h.k,
                        h.groups.join(", "),
                        t.result.statistic,
                        t.result.df,
                        p_value(&t.result)
                    )?,
                    MaybeTest::Skipped { skipped } => writeln!(
                        out,
                        "groups with K = {} ({}): homogeneity test not computed: {skipped}",
                        h.k,
                        h.groups.join(", ")
                    )?,
                }
            }
            match &grouped.homogeneity {
                MaybeTest::Skipped { .. } if !grouped.homogeneity_by_faces.is_empty() => {}
                MaybeTest::Done(t) => writeln!(
                    out,
                    "Do the groups behave alike? chi-square = {:.4}, df = {}, p = {}; group p-values adjusted by {}",
                    t.result.statistic,
                    t.result.df,
                    p_value(&t.result),
                    grouped.adjust
                )?,
                MaybeTest::Skipped { skipped } => writeln!(out, "homogeneity test not computed: {skipped}")?,
            }
            for w in &grouped.warnings {
                writeln!(out, "Note: {w}.")?;
            }
            write_input_notes(out, &grouped.input)
        }
    }
}

fn write_die_table(out: &mut dyn Write, die: &DieReport, look: Look) -> std::io::Result<()> {
    let width = |f: &dyn Fn(&FaceRow) -> usize, min: usize| {
        die.faces.iter().map(f).max().unwrap_or(0).max(min)
    };
    let face_w = width(&|f| f.face.chars().count(), 4);
    let count_w = width(&|f| f.count.to_string().len(), 5);
    let level = format!("{}% CI", percent(die.ci.level));
    // The bars fill what the other columns leave, between 10 and 50 wide.
    let used = face_w + count_w + 9 + 9 + 8 + 11 + 7 + 21 + 2 * 8 + 3;
    let bar_w = look.width.saturating_sub(used).clamp(10, 50);
    let top = die
        .faces
        .iter()
        .map(|f| f.p.max(f.expected / die.n as f64))
        .fold(0.0, f64::max);
    writeln!(
        out,
        "{:>face_w$}  {:>count_w$}  {:>9}  {:>9}  {:>8}  {:>11}  {:>7}  {:>21}  bar",
        "face",
        "count",
        "p",
        "q",
        if die.fit.target == Target::Smoothed {
            "|q - tgt|"
        } else {
            "|q - p|"
        },
        "expected",
        "std res",
        level
    )?;
    for (i, f) in die.faces.iter().enumerate() {
        let mark = die.verdict.direction(i);
        let style = match (look.color, mark) {
            (true, Some(Direction::More)) => anstyle::AnsiColor::Red.on_default().bold(),
            (true, Some(Direction::Less)) => anstyle::AnsiColor::Cyan.on_default().bold(),
            _ => anstyle::Style::new(),
        };
        writeln!(
            out,
            "{style}{:>face_w$}  {:>count_w$}  {:>9}  {:>9}  {:>8}  {:>11}  {:>7.2}  {:>19} {:1}  {}{style:#}",
            f.face,
            f.count,
            prob(f.p),
            prob(f.q),
            small(f.abs_diff),
            expected(f.expected),
            // No "-0.00" for a count that meets its expectation.
            if f.std_residual.abs() < 0.005 { 0.0 } else { f.std_residual },
            f.interval()
                .map_or(String::new(), |(low, high)| format!("[{}, {}]", prob(low), prob(high))),
            mark_symbol(mark),
            bar(f.p / top.max(f64::MIN_POSITIVE), bar_w),
        )?;
    }
    let fit = &die.fit;
    writeln!(out)?;
    writeln!(out, "N = {}, K = {}", die.n, die.k)?;
    if !fit.zero_count_faces.is_empty() {
        let how = if fit.target == Target::Smoothed {
            "smoothed target, so q > 0 there"
        } else {
            "fitted q = 0 exactly, logit = -inf"
        };
        writeln!(
            out,
            "never rolled: {} ({how})",
            fit.zero_count_faces.join(", ")
        )?;
    }
    let target = match fit.smooth {
        Some(alpha) => format!(" to the add-{alpha} smoothed estimate"),
        None => String::new(),
    };
    writeln!(out, "fit{target}: {}", fit_status(fit))?;
    let t = if fit.target == Target::Smoothed {
        "target"
    } else {
        "p"
    };
    writeln!(
        out,
        "H({t}) = {:.6} nats, H({t}, q) = {:.6} nats, KL({t}||q) = {} nats",
        fit.entropy,
        fit.cross_entropy,
        small(fit.kl)
    )?;
    writeln!(out)?;
    write_tests(out, die)?;
    if let Some(model) = &die.model {
        writeln!(out)?;
        super::model::write_model(out, model)?;
        writeln!(out)?;
    }
    write_verdict(out, die)
}

/// The fit's status, as the table's fit line shows it after `fit: ` and
/// `diceml fit` repeats it on stderr when the fit did not converge: the
/// method that ran, and how it stopped.
pub fn fit_status(fit: &FitSummary) -> String {
    let step = fit
        .learning_rate
        .map_or(String::new(), |eta| format!(", step {eta}"));
    let how = match fit.method {
        Method::Newton if fit.auto => format!(
            "Newton's method (chosen by --method auto: a face's target is below {AUTO_GD_MIN_TARGET:e})"
        ),
        Method::Newton => "Newton's method".to_string(),
        Method::Momentum => format!("Nesterov momentum{step}"),
        Method::Gd | Method::Auto => format!("gradient descent{step}"),
    };
    let hint = if fit.method == Method::Newton {
        "raise --max-iter"
    } else {
        "raise --max-iter, or try --method newton"
    };
    let status = match (fit.stop, fit.loss_rose) {
        (Stop::Converged, _) => format!(
            "converged in {} iterations: max|q - target| = {} <= tol {:e}",
            fit.iterations,
            small(fit.max_abs_diff),
            fit.tol
        ),
        (Stop::LossRose, Some(rose)) => format!(
            "NOT converged: the loss rose from {:.6} to {:.6} nats at iteration {}, so the step is too large: every step below {STABLE_STEP_BOUND} = 2/L lowers it (L = 1/2 bounds the curvature; the default {DEFAULT_LEARNING_RATE} = 1/L lowers it most)",
            rose.from, rose.to, fit.iterations
        ),
        _ => format!(
            "NOT converged: stopped at --max-iter {} with max|q - target| = {} > tol {:e} ({hint})",
            fit.iterations,
            small(fit.max_abs_diff),
            fit.tol
        ),
    };
    format!("{how}, {status}")
}

/// The table's mark of a face the verdict finds off: `+` (more often than
/// the null), `-` (less often), or blank.
fn mark_symbol(direction: Option<Direction>) -> &'static str {
    match direction {
        Some(Direction::More) => "+",
        Some(Direction::Less) => "-",
        None => "",
    }
}

/// A horizontal bar of `fraction` (0..=1) of `width` cells, in eighths of a
/// cell with Unicode block elements.
fn bar(fraction: f64, width: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (fraction.clamp(0.0, 1.0) * (width * 8) as f64).round() as usize;
    let mut text = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        text.push(PARTS[eighths % 8]);
    }
    text
}

fn write_tests(out: &mut dyn Write, die: &DieReport) -> std::io::Result<()> {
    let t = &die.tests;
    let null = if is_fair(&die.null) {
        "a fair die".to_string()
    } else {
        "the --expected distribution".to_string()
    };
    writeln!(out, "Tests against {null}:")?;
    let line = |name: &str, test: &crate::analysis::Test| {
        format!(
            "  {name:<22} {:>12.4}  df = {:<4} p = {}{}",
            test.result.statistic,
            test.result.df,
            p_value(&test.result),
            adjusted(test.p_adjusted)
        )
    };
    writeln!(out, "{}", line("Pearson chi-square", &t.chi_square))?;
    writeln!(out, "{}", line("G-test (likelihood)", &t.g_test))?;
    match &t.power_divergence {
        Some(MaybeTest::Done(test)) => {
            let lambda = format!("{:.4}", test.lambda.unwrap_or_default());
            let lambda = lambda.trim_end_matches('0').trim_end_matches('.');
            let name = format!("power div. (λ = {lambda})");
            writeln!(out, "{}", line(&name, test))?
        }
        Some(MaybeTest::Skipped { skipped }) => {
            writeln!(out, "  power divergence: not computed ({skipped})")?
        }
        None => {}
    }
    if let Some(exact) = &t.exact {
        let name = match exact.stat {
            ExactStat::Llr => "exact multinomial",
            ExactStat::Chisq => "exact (X² order)",
            ExactStat::Prob => "exact (prob. order)",
        };
        // A bound of 0 means the lattice's interval closed: exact.
        // f64::MAX stands for a count past u128.
        let outcomes = if exact.outcomes == f64::MAX {
            "more than 3.4e38".to_string()
        } else {
            format!("{:.2e}", exact.outcomes)
        };
        let how = match (exact.method, exact.error_bound.filter(|&b| b > 0.0)) {
            (ExactMethod::Enumeration, _) => format!("{} outcomes", exact.outcomes),
            (ExactMethod::Lattice, None) => format!("{outcomes} outcomes, on the lattice: exact"),
            (ExactMethod::Lattice, Some(bound)) => format!(
                "{outcomes} outcomes, on the lattice: exact p ≥ p − {}",
                small(bound)
            ),
        };
        writeln!(
            out,
            "  {:<22} {:>12}  p = {} ({how}){}",
            name,
            "",
            plain_p(exact.p_value),
            adjusted(exact.p_adjusted)
        )?;
    }
    if let Some(mc) = &t.monte_carlo {
        writeln!(
            out,
            "  {:<22} {:>12}  p = {} ({} of {} replicates, seed {}; floor {:.1e}){}",
            "Monte Carlo",
            "",
            plain_p(mc.result.p_value),
            mc.result.exceed,
            mc.result.replicates,
            mc.result.seed,
            mc.result.floor,
            adjusted(mc.p_adjusted)
        )?;
    }
    match &t.serial {
        MaybeTest::Done(test) => {
            writeln!(out, "{}  [consecutive rolls]", line("order (serial)", test))?
        }
        MaybeTest::Skipped { skipped } => {
            writeln!(out, "  order (serial): not computed ({skipped})")?
        }
    }
    writeln!(
        out,
        "  Bayes factor, Dirichlet({}) die vs the null: 10^{:.2}",
        die.bayes.prior, die.bayes.log10_bayes_factor
    )?;
    if let Some(s) = &die.sequential {
        let at = match s.decided_at {
            Some(at) => format!("decided at roll {at} ({})", decision_word(s.decision)),
            None => "undecided".to_string(),
        };
        writeln!(
            out,
            "  sequential (anytime-valid e-value): 10^{:.2} after the last roll, {} rejects at level {}; {at}",
            s.log10_e_value,
            e_threshold(s.threshold),
            plain_p(s.alpha)
        )?;
    }
    let scope = if die.ci.simultaneous {
        "all faces at once"
    } else {
        "each face on its own"
    };
    let across = die.ci.family_level.map_or(String::new(), |family| {
        format!(" per group ({}% across all groups)", percent(family))
    });
    writeln!(
        out,
        "  intervals: {} at {}%{across}, {scope}; +/- = above/below the null's probability",
        die.ci.method,
        percent(die.ci.level)
    )
}

/// ` (adjusted p)` after a p-value adjusted across groups; nothing else.
fn adjusted(p: Option<f64>) -> String {
    p.map_or(String::new(), |p| format!(" (adjusted {})", plain_p(p)))
}

/// The verdict in plain words, careful not to claim more than the test
/// can. It is decided in [`crate::analysis::verdict`]; this only says it.
fn write_verdict(out: &mut dyn Write, die: &DieReport) -> std::io::Result<()> {
    let verdict = &die.verdict;
    let chi = &die.tests.chi_square.result;
    let test = match verdict.decided_by {
        DecidedBy::Exact => "exact",
        DecidedBy::MonteCarlo => "Monte Carlo",
        DecidedBy::ChiSquare => "chi-square",
        DecidedBy::Sequential => "anytime-valid",
    };
    let source = match verdict.p_adjusted {
        Some(_) => format!("adjusted {test}"),
        None => test.to_string(),
    };
    let p = verdict.deciding_p();
    let off: Vec<String> = verdict
        .faces_off
        .iter()
        .flatten()
        .map(|f| {
            let dir = match f.direction {
                Direction::More => "more",
                Direction::Less => "less",
            };
            format!(
                "face {} comes up {dir} often than {} ({} to {})",
                f.face,
                prob(f.null_p),
                prob(f.ci_low),
                prob(f.ci_high)
            )
        })
        .collect();
    for w in &die.warnings {
        writeln!(out, "Note: {w}.")?;
    }
    if let Some(s) = &die.sequential {
        write_sequential_verdict(out, die, s)?;
        for o in off.iter().take(12) {
            writeln!(out, "  {o}")?;
        }
        if off.len() > 12 {
            writeln!(
                out,
                "  ... and {} more faces (see the + and - marks above)",
                off.len() - 12
            )?;
        }
    } else if verdict.reject {
        let shown = if p == 0.0 && verdict.decided_by == DecidedBy::ChiSquare {
            p_value(chi)
        } else {
            short_p(p)
        };
        writeln!(
            out,
            "Verdict: these rolls are unlikely under the null ({source} p = {shown}), at the {}% level.",
            percent(verdict.alpha)
        )?;
        const SHOWN: usize = 12;
        for o in off.iter().take(SHOWN) {
            writeln!(out, "  {o}")?;
        }
        if off.len() > SHOWN {
            writeln!(
                out,
                "  ... and {} more faces (see the + and - marks above)",
                off.len() - SHOWN
            )?;
        }
        if off.is_empty() {
            writeln!(out, "  No single face's interval excludes the null: the deviation is spread over several faces.")?;
        }
    } else {
        writeln!(
            out,
            "Verdict: no evidence of bias at N = {} ({source} p = {}). That does not show the die is fair:",
            die.n,
            short_p(p)
        )?;
        match die.rolls_for_10pct_bias {
            Some(needed) if die.n as f64 >= needed => writeln!(
                out,
                "  at this N a face 10% more likely than the null would be found 8 times in 10 (that takes about {needed:.0} rolls); smaller biases can still hide."
            )?,
            Some(needed) => writeln!(
                out,
                "  N = {} is too few to find one face 10% more likely than the null; that takes about {needed:.0} rolls (80% power, 5% level).",
                die.n
            )?,
            None => writeln!(out, "  a one-faced die cannot be tested.")?,
        }
    }
    if let (MaybeTest::Done(serial), Some(true)) = (&die.tests.serial, verdict.order_related) {
        writeln!(
            out,
            "Order: the order test finds consecutive rolls related (p = {}{}); look at how the rolls were made.",
            p_value(&serial.result),
            serial
                .p_adjusted
                .map_or(String::new(), |p| format!(", adjusted {}", plain_p(p)))
        )?;
    }
    Ok(())
}

/// The sequential decision's word.
fn decision_word(d: SequentialDecision) -> &'static str {
    match d {
        SequentialDecision::Reject => "reject",
        SequentialDecision::Fair => "fair",
        SequentialDecision::Undecided => "undecided",
    }
}

/// The e-value 1/α that rejects, as a plain number (20, 100, 1e+06).
fn e_threshold(threshold: f64) -> String {
    if threshold < 1e6 {
        format!("{}", (threshold * 1e6).round() / 1e6)
    } else {
        format!("{threshold:.3e}")
    }
}

/// The verdict of `--sequential`: at which roll it decided, and what.
fn write_sequential_verdict(
    out: &mut dyn Write,
    die: &DieReport,
    s: &SequentialReport,
) -> std::io::Result<()> {
    let level = percent(die.verdict.alpha);
    let adjusted = s
        .p_adjusted
        .map_or(String::new(), |p| format!(", adjusted {}", short_p(p)));
    match (s.decided_at, s.decision) {
        (Some(at), SequentialDecision::Reject) => writeln!(
            out,
            "Verdict: decided at roll {at} of {}: biased — the anytime-valid e-value reached {} (p = {}{adjusted}), at the {level}% level; you could have stopped there, and looking before did not spoil it.",
            die.n,
            e_threshold(s.threshold),
            short_p(s.p_value)
        ),
        (Some(at), _) => writeln!(
            out,
            "Verdict: decided at roll {at} of {}: fair to within {} — every face's anytime-valid interval lies within its null probability ± {} (all faces at once, {}%).",
            die.n,
            s.within.unwrap_or(0.0),
            s.within.unwrap_or(0.0),
            percent(1.0 - s.alpha)
        ),
        (None, _) => {
            let within = s.within.map_or(String::new(), |d| {
                format!(", nor are all faces' intervals within ± {d} yet")
            });
            writeln!(
                out,
                "Verdict: undecided after {} rolls: the anytime-valid e-value is 10^{:.2}, short of the {} that rejects at the {level}% level{within}. Roll on: the test stays valid however often you look.",
                die.n,
                s.log10_e_value,
                e_threshold(s.threshold)
            )
        }
    }
}

fn write_input_notes(out: &mut dyn Write, input: &InputSummary) -> std::io::Result<()> {
    if input.k_inferred {
        let how = match input.kind {
            crate::dataset::Kind::Integer => {
                "K inferred: the largest face seen (set it with --faces)"
            }
            crate::dataset::Kind::Labels => {
                "faces are the labels seen (declare them with --labels)"
            }
        };
        writeln!(out, "{how}")?;
    }
    match &input.header {
        Some(h) => writeln!(out, "header read: {h}")?,
        None => writeln!(out, "no header row")?,
    }
    write_skipped(out, input)
}

fn write_skipped(out: &mut dyn Write, input: &InputSummary) -> std::io::Result<()> {
    if input.skipped.rows > 0 {
        writeln!(out, "{}", skipped_note(&input.skipped))?;
    }
    if input.skipped.empty_rows > 0 {
        writeln!(out, "{}", empty_rows_note(&input.skipped))?;
    }
    Ok(())
}

/// One line saying how many spreadsheet rows with every field empty (`,,`)
/// were passed over, like blank lines.
pub fn empty_rows_note(skipped: &Skipped) -> String {
    format!(
        "passed over {} empty row(s) (every field empty, as spreadsheets export them)",
        skipped.empty_rows
    )
}

/// One line saying how many rows `--skip-invalid` skipped, and why.
pub fn skipped_note(skipped: &Skipped) -> String {
    let reasons: Vec<String> = skipped
        .reasons
        .iter()
        .map(|(r, n)| format!("{n} {r}"))
        .collect();
    let first = skipped
        .examples
        .first()
        .map_or(String::new(), |e| format!("; first: {e}"));
    format!(
        "skipped {} invalid row(s): {}{first}",
        skipped.rows,
        reasons.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_use_eighths() {
        assert_eq!(bar(1.0, 3), "███");
        assert_eq!(bar(0.5, 3), "█▌");
        assert_eq!(bar(0.0, 3), "");
        assert_eq!(bar(1.0 / 24.0, 3), "▏");
    }
}
