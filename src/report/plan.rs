//! `diceml plan`'s report: a few lines in words for people, or the
//! [`Plan`] as one JSON document. It renders what
//! [`crate::analysis::plan`] computed and decides nothing.

use std::io::Write;

use clap::ValueEnum;

use super::format::{number, percent, power_percent, prob, thousands};
use crate::analysis::plan::Plan;
use crate::model::is_fair;
use crate::tolerance::PLAN_SAME_DIE_REL;

/// How `plan` writes its report (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// A few lines in words.
    Table,
    /// One JSON object (field names are stable).
    Json,
}

/// Faces of a die listed in the table; the JSON has them all.
const LISTED_FACES: usize = 10;

/// Writes `plan` in the chosen format.
pub fn write(out: &mut dyn Write, plan: &Plan, format: PlanFormat) -> std::io::Result<()> {
    match format {
        PlanFormat::Table => write_table(out, plan),
        PlanFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, plan)?;
            out.write_all(b"\n")
        }
    }
}

/// The table: the answer in one sentence, then the numbers behind it.
///
/// ```text
/// Rolls needed: 2,567 (power 80.0% at α = 0.05 against face 1 at 0.25 instead of 0.166667 on a d6)
/// ```
fn write_table(out: &mut dyn Write, plan: &Plan) -> std::io::Result<()> {
    let against = against(plan);
    let alpha = alpha_text(plan.alpha);
    let achieved = power_percent(plan.power_at_rolls);
    let rolls = thousands(plan.rolls);
    match (plan.power, plan.rolls_real) {
        (Some(target), Some(real)) => {
            writeln!(
                out,
                "Rolls needed: {rolls} (power {achieved}% at α = {alpha} against {against})"
            )?;
            writeln!(
                out,
                "  real-valued solution  {} rolls give exactly {}% power",
                real_rolls(real),
                target_percent(target)
            )?;
        }
        _ => writeln!(
            out,
            "Power at {rolls} rolls: {achieved}% (at α = {alpha} against {against})"
        )?,
    }
    let lambda = plan.rolls as f64 * plan.effect_w * plan.effect_w;
    writeln!(
        out,
        "  effect size           w = {} (df = {}; noncentrality λ = N·w² = {} at {rolls} rolls)",
        significant(plan.effect_w),
        plan.df,
        number(lambda)
    )?;
    let null = if is_fair(&plan.null) {
        format!(
            "a fair d{}: {} on every face",
            plan.null.len(),
            short(plan.null[0])
        )
    } else {
        list(&plan.null)
    };
    writeln!(out, "  null                  {null}")?;
    writeln!(out, "  alternative           {}", list(&plan.alternative))?;
    if let Some(s) = &plan.sequential {
        write_sequential(out, plan, s)?;
    }
    Ok(())
}

/// The sequential test's simulated cost, beside the fixed test's.
fn write_sequential(
    out: &mut dyn Write,
    plan: &Plan,
    s: &crate::analysis::plan::SequentialPlan,
) -> std::io::Result<()> {
    let roll = |r: Option<u64>| r.map_or(format!("over {}", thousands(s.max_rolls)), thousands);
    writeln!(
        out,
        "Sequential test (fit --sequential, anytime-valid; {} simulated logs, seed {}):",
        thousands(s.replicates),
        s.seed
    )?;
    writeln!(
        out,
        "  power at {} rolls     {}% (± {}), against {}% for the fixed test, which must not be looked at before",
        thousands(plan.rolls),
        power_percent(s.power_at_rolls),
        power_percent(s.power_std_error),
        power_percent(plan.power_at_rolls)
    )?;
    writeln!(
        out,
        "  rolls to a decision   median {}, quartiles {} to {}, 90% by {}; {}% decided by {}",
        roll(s.rolls_median),
        roll(s.rolls_p25),
        roll(s.rolls_p75),
        roll(s.rolls_p90),
        power_percent(s.reject_fraction),
        thousands(s.max_rolls)
    )?;
    if let (Some(fair), Some(d)) = (s.fair_fraction, s.within) {
        // Whether "fair within D" is a mistake depends on the die feared.
        let off = plan
            .null
            .iter()
            .zip(&plan.alternative)
            .map(|(p0, p1)| (p1 - p0).abs())
            .fold(0.0, f64::max);
        let how = if off >= d {
            format!("wrongly: a face of this die is {} off", prob(off))
        } else {
            format!(
                "rightly: no face of this die is more than {} off",
                prob(off)
            )
        };
        writeln!(
            out,
            "  found fair within ± {d}  {}% of the logs ({how})",
            power_percent(fair)
        )?;
    }
    Ok(())
}

/// The alternative in words: its most shifted face, and the rest.
fn against(plan: &Plan) -> String {
    let (null, alt) = (&plan.null, &plan.alternative);
    let differs = |k: usize| (alt[k] - null[k]).abs() > PLAN_SAME_DIE_REL * null[k].max(alt[k]);
    let shift = |k: usize| (alt[k] - null[k]).abs();
    let face = (0..null.len())
        .max_by(|&a, &b| shift(a).total_cmp(&shift(b)).then(b.cmp(&a)))
        .unwrap_or(0);
    let k = null.len();
    let mut text = format!(
        "face {} at {} instead of {} on a d{k}",
        face + 1,
        short(alt[face]),
        short(null[face])
    );
    let others: Vec<usize> = (0..k).filter(|&j| j != face && differs(j)).collect();
    if others.len() == k - 1 && others.iter().all(|&j| alt[j] == alt[others[0]]) {
        text.push_str(&format!(", the others at {}", short(alt[others[0]])));
    } else if !others.is_empty() {
        let n = others.len();
        let faces = if n == 1 { "face" } else { "faces" };
        text.push_str(&format!(", {n} other {faces} off"));
    }
    text
}

/// K probabilities, or the first [`LISTED_FACES`] and how many there are.
fn list(p: &[f64]) -> String {
    let shown: Vec<String> = p.iter().take(LISTED_FACES).map(|&x| prob(x)).collect();
    let mut text = shown.join(" ");
    if p.len() > LISTED_FACES {
        text.push_str(&format!(" … ({} faces; all in the JSON)", p.len()));
    }
    text
}

/// A probability in its shortest form to 6 decimals: 0.25, 0.166667.
fn short(x: f64) -> String {
    let text = prob(x);
    if text.contains('e') {
        text
    } else {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// α as given, in its shortest form: 0.05, 0.001, 1e-6.
fn alpha_text(alpha: f64) -> String {
    if alpha >= 1e-4 {
        format!("{alpha}")
    } else {
        format!("{alpha:e}")
    }
}

/// The real-valued rolls: 2 decimals, or 6 significant digits when large.
fn real_rolls(x: f64) -> String {
    if x >= 1e7 {
        format!("{x:.5e}")
    } else {
        format!("{x:.2}")
    }
}

/// 6 significant digits without trailing zeros, in plain form between
/// 1e-4 and 1e6: 0.223607, 0.009.
fn significant(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else if (1e-4..1e6).contains(&x.abs()) {
        let decimals = (5 - x.abs().log10().floor() as i32).max(0) as usize;
        let text = format!("{x:.decimals$}");
        if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text
        }
    } else {
        format!("{x:.5e}")
    }
}

/// The target power as a percentage as given (80, 99.5), with more
/// decimals where 3 would round it to 100.
fn target_percent(x: f64) -> String {
    let text = percent(x);
    if text == "100" || text == "0" {
        power_percent(x)
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::plan::{plan, PlanOptions};

    fn table(null: &[f64], alt: &[f64], rolls: Option<u64>) -> String {
        let options = PlanOptions {
            alpha: 0.05,
            power: 0.8,
            rolls,
        };
        let plan = plan(null, alt, &options).unwrap();
        let mut out = Vec::new();
        write(&mut out, &plan, PlanFormat::Table).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_table_says_it_in_words() {
        let fair = [1.0 / 6.0; 6];
        let text = table(&fair, &[0.15, 0.15, 0.15, 0.15, 0.15, 0.25], None);
        assert!(
            text.starts_with(
                "Rolls needed: 257 (power 80.1% at α = 0.05 against face 6 at 0.25 instead of \
                 0.166667 on a d6, the others at 0.15)"
            ),
            "{text}"
        );
        assert!(text.contains("w = 0.223607 (df = 5;"), "{text}");
        assert!(
            text.contains("null                  a fair d6: 0.166667 on every face"),
            "{text}"
        );
        let text = table(&fair, &[0.3, 0.1, 0.15, 0.15, 0.15, 0.15], Some(100));
        assert!(text.starts_with("Power at 100 rolls: "), "{text}");
        assert!(
            text.contains("against face 1 at 0.3 instead of 0.166667 on a d6, 5 other faces off"),
            "{text}"
        );
        assert!(!text.contains("real-valued"));
    }

    #[test]
    fn long_dice_are_cut_short_in_the_table() {
        let null = [0.01; 100];
        let mut alt = [0.01; 100];
        alt[0] = 0.02;
        alt[1] = 0.0;
        let text = table(&null, &alt, None);
        assert!(text.contains("… (100 faces; all in the JSON)"), "{text}");
        assert!(text.contains(", 1 other face off"), "{text}");
    }
}
