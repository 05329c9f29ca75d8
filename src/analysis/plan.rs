//! `diceml plan`: how many rolls Pearson's χ² test needs to find a given
//! alternative die with a given power, or its power at a given number of
//! rolls. The math is [`crate::stats::power`]'s; this module checks that
//! the question has an answer and gathers the numbers of the JSON contract
//! ([`Plan`]), which [`crate::report`] and [`crate::plot`] render.
//!
//! ```text
//! w² = Σ_{k: p0_k > 0} (p1_k − p0_k)² / p0_k,   df = #{k: p0_k > 0} − 1
//! power(N) = P(χ²(df, N·w²) > χ²_{1−α}(df))
//! rolls_real: power(rolls_real) = target;   rolls = min{N ≥ 1 whole: power(N) ≥ target}
//! ```

use serde::Serialize;

use crate::error::UsageError;
use crate::stats::power::{cohen_w, pearson_df, PearsonPower};
use crate::stats::sequential::{self, Decision};
use crate::tolerance::PLAN_SAME_DIE_REL;

/// The most rolls `plan` solves for: 2^53, the last whole number every
/// f64 holds exactly (a die that needs more is, for any table, the null).
pub const MAX_PLAN_ROLLS: f64 = 9_007_199_254_740_992.0;

/// What to plan for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanOptions {
    /// The test's level α, in (0, 1).
    pub alpha: f64,
    /// The target power, in (0, 1); ignored with `rolls`.
    pub power: f64,
    /// The power at these rolls instead of the rolls for the power.
    pub rolls: Option<u64>,
}

/// The plan: the JSON contract of `diceml plan` (field names are stable;
/// later versions only add fields, such as the sequential test's).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The smallest whole N ≥ 1 whose power reaches the target, or the
    /// rolls given with `--rolls`.
    pub rolls: u64,
    /// The real N at which the power equals the target (to 1e-6
    /// relative); absent with `--rolls`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rolls_real: Option<f64>,
    /// Cohen's effect size w of the alternative against the null.
    pub effect_w: f64,
    /// Degrees of freedom of Pearson's test: the faces the null allows,
    /// less one.
    pub df: u64,
    /// The test's level α.
    pub alpha: f64,
    /// The target power; absent with `--rolls`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power: Option<f64>,
    /// The power at `rolls`.
    pub power_at_rolls: f64,
    /// The null's K probabilities.
    pub null: Vec<f64>,
    /// The alternative's K probabilities.
    pub alternative: Vec<f64>,
    /// The sequential test against the same alternative, by simulation
    /// (`--sequential`); absent without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequential: Option<SequentialPlan>,
}

/// What the anytime-valid sequential test (`fit --sequential`) costs
/// against the alternative: the rolls to its decision over simulated logs.
/// Quantiles count a log still undecided at `max_rolls` as deciding later;
/// a quantile beyond every decided log is null.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SequentialPlan {
    /// The e-process ([`crate::stats::sequential`]): "mixture".
    pub method: &'static str,
    /// Simulated logs.
    pub replicates: u64,
    /// The generator's seed (`--seed`).
    pub seed: u64,
    /// Each log stops here if undecided (`--max-rolls`).
    pub max_rolls: u64,
    /// The D of `--within`, or null.
    pub within: Option<f64>,
    /// Fraction of logs rejected by `rolls` (the fixed test's N): the
    /// sequential test's power there.
    pub power_at_rolls: f64,
    /// Its Monte Carlo standard error √(p(1 − p)/B).
    pub power_std_error: f64,
    /// Fraction of logs rejected by `max_rolls`.
    pub reject_fraction: f64,
    /// With `--within`: fraction of logs found fair within D (a mistake
    /// when the alternative has a face D or more from the null).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fair_fraction: Option<f64>,
    /// Mean of min(decision roll, max_rolls).
    pub rolls_mean_capped: f64,
    /// Quartiles and 90th percentile of the decision roll.
    pub rolls_p25: Option<u64>,
    /// The median decision roll.
    pub rolls_median: Option<u64>,
    /// The 75th percentile.
    pub rolls_p75: Option<u64>,
    /// The 90th percentile.
    pub rolls_p90: Option<u64>,
}

/// How to simulate the sequential test (`plan --sequential`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SequentialPlanOptions {
    /// Simulated logs (`--replicates`).
    pub replicates: u64,
    /// The generator's seed (`--seed`).
    pub seed: u64,
    /// Rolls per log at most (`--max-rolls`); `None`: ten times the fixed
    /// test's rolls, at least 1000.
    pub max_rolls: Option<u64>,
    /// `--within D`.
    pub within: Option<f64>,
}

/// Simulates the sequential test of `plan`'s null against its alternative.
pub fn sequential_plan(plan: &Plan, options: &SequentialPlanOptions) -> SequentialPlan {
    let max_rolls = options
        .max_rolls
        .unwrap_or_else(|| plan.rolls.saturating_mul(10).max(1000))
        .max(plan.rolls);
    let runs = sequential::simulate_decisions(
        &plan.null,
        &plan.alternative,
        plan.alpha,
        options.within,
        options.replicates,
        max_rolls,
        options.seed,
    );
    let b = options.replicates as f64;
    let rejected: Vec<u64> = runs
        .iter()
        .filter_map(|r| match r {
            Some((at, Decision::Reject)) => Some(*at),
            _ => None,
        })
        .collect();
    let fair = runs
        .iter()
        .filter(|r| matches!(r, Some((_, Decision::Fair))))
        .count();
    let power = rejected.iter().filter(|&&at| at <= plan.rolls).count() as f64 / b;
    // Decision rolls, undecided (and wrongly fair) logs last.
    let mut order: Vec<u64> = runs
        .iter()
        .map(|r| match r {
            Some((at, Decision::Reject)) => *at,
            _ => u64::MAX,
        })
        .collect();
    order.sort_unstable();
    let quantile = |q: f64| {
        let i = ((q * b).ceil() as usize).clamp(1, order.len()) - 1;
        (order[i] != u64::MAX).then_some(order[i])
    };
    SequentialPlan {
        method: "mixture",
        replicates: options.replicates,
        seed: options.seed,
        max_rolls,
        within: options.within,
        power_at_rolls: power,
        power_std_error: (power * (1.0 - power) / b).sqrt(),
        reject_fraction: rejected.len() as f64 / b,
        fair_fraction: options.within.map(|_| fair as f64 / b),
        rolls_mean_capped: order
            .iter()
            .map(|&at| at.min(max_rolls) as f64)
            .sum::<f64>()
            / b,
        rolls_p25: quantile(0.25),
        rolls_median: quantile(0.5),
        rolls_p75: quantile(0.75),
        rolls_p90: quantile(0.9),
    }
}

impl Plan {
    /// The power function behind the plan (for the chart).
    pub fn curve(&self) -> PearsonPower {
        PearsonPower::new(self.df as usize, self.alpha, self.effect_w)
    }
}

/// Plans Pearson's test of `null` against `alternative` (two dice with the
/// same faces, each summing to 1).
///
/// Usage errors, each one line: the alternative gives a face the null
/// forbids a positive probability (X² is infinite once it is rolled: no
/// noncentral χ² applies); the alternative is the null (w = 0, no number of
/// rolls tells them apart), up to [`PLAN_SAME_DIE_REL`]; a target power not
/// above α (the test has power α with no rolls at all); an alternative so
/// close to the null that it needs more than [`MAX_PLAN_ROLLS`].
pub fn plan(null: &[f64], alternative: &[f64], options: &PlanOptions) -> Result<Plan, UsageError> {
    if null.len() != alternative.len() {
        return Err(UsageError(format!(
            "the null has {} faces but the alternative has {}; they must agree",
            null.len(),
            alternative.len()
        )));
    }
    if let Some(face) = (0..null.len()).find(|&k| null[k] == 0.0 && alternative[k] > 0.0) {
        return Err(UsageError(format!(
            "the alternative gives face {} probability {} but the null gives it 0: its first roll \
             rejects the null outright (X² is infinite), which no power calculation needs; give it \
             0 in --probs or a weight in --expected",
            face + 1,
            alternative[face]
        )));
    }
    let same = null
        .iter()
        .zip(alternative)
        .all(|(&p0, &p1)| (p1 - p0).abs() <= PLAN_SAME_DIE_REL * p0.max(p1));
    if same {
        return Err(UsageError(
            "the alternative is the null itself (w = 0): no number of rolls can tell them apart; \
             give --probs or --face-prob that differ from the null"
                .into(),
        ));
    }
    let effect_w = cohen_w(null, alternative).ok_or_else(|| {
        UsageError("the alternative and the null must have the same faces".into())
    })?;
    let df = pearson_df(null);
    let curve = PearsonPower::new(df, options.alpha, effect_w);
    let (rolls, rolls_real, power) = match options.rolls {
        Some(n) => (n, None, None),
        None => {
            if options.power <= options.alpha {
                return Err(UsageError(format!(
                    "--power {} is not above --alpha {}: a test at level α rejects with \
                     probability α with no rolls at all; ask for a power above α",
                    options.power, options.alpha
                )));
            }
            let real = curve.rolls_real(options.power);
            if real > MAX_PLAN_ROLLS {
                return Err(UsageError(format!(
                    "the alternative is so close to the null (w = {effect_w:.3e}) that it needs \
                     about {real:.2e} rolls, more than the 2^53 ≈ 9.0e15 that plan counts exactly"
                )));
            }
            let n = curve.smallest_rolls(options.power, real);
            (n as u64, Some(real), Some(options.power))
        }
    };
    Ok(Plan {
        rolls,
        rolls_real,
        effect_w,
        df: df as u64,
        alpha: options.alpha,
        power,
        power_at_rolls: curve.at(rolls as f64),
        null: null.to_vec(),
        alternative: alternative.to_vec(),
        sequential: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(power: f64, rolls: Option<u64>) -> PlanOptions {
        PlanOptions {
            alpha: 0.05,
            power,
            rolls,
        }
    }

    #[test]
    fn a_d6_with_one_face_at_a_quarter() {
        let fair = [1.0 / 6.0; 6];
        let loaded = [0.25, 0.15, 0.15, 0.15, 0.15, 0.15];
        let plan = plan(&fair, &loaded, &options(0.8, None)).unwrap();
        // w² = 0.05; λ* = 12.827606572305422 (SciPy, see stats::power).
        let real = 12.827_606_572_305_422 / 0.05;
        let got = plan.rolls_real.unwrap();
        assert!((got - real).abs() < 1e-8 * real, "{got} vs {real}");
        assert_eq!(plan.rolls, real.ceil() as u64);
        assert!(plan.power_at_rolls >= 0.8 && plan.power_at_rolls < 0.801);
        assert_eq!(plan.df, 5);
        assert_eq!(plan.power, Some(0.8));
        // At the rolls given, no target and no real solution.
        let at = super::plan(&fair, &loaded, &options(0.8, Some(100))).unwrap();
        assert_eq!((at.rolls, at.rolls_real, at.power), (100, None, None));
        assert!(at.power_at_rolls > 0.05 && at.power_at_rolls < 0.8);
    }

    #[test]
    fn questions_without_an_answer_are_usage_errors() {
        let fair = [0.25; 4];
        let err = |null: &[f64], alt: &[f64], o: PlanOptions| plan(null, alt, &o).unwrap_err().0;
        assert!(err(&fair, &fair, options(0.8, None)).contains("w = 0"));
        // Alike up to the rounding of normalised weights.
        let third = [0.1 / 1.0000000000000002, 0.2, 0.7];
        assert!(err(&[0.1, 0.2, 0.7], &third, options(0.8, None)).contains("w = 0"));
        let zero = err(&[0.5, 0.5, 0.0], &[0.4, 0.4, 0.2], options(0.8, None));
        assert!(zero.contains("face 3"), "{zero}");
        let low = err(&fair, &[0.4, 0.2, 0.2, 0.2], options(0.05, None));
        assert!(low.contains("not above --alpha"), "{low}");
        let tiny = [0.25 + 1e-8, 0.25 - 1e-8, 0.25, 0.25];
        assert!(err(&fair, &tiny, options(0.8, None)).contains("2^53"));
        assert!(err(&fair, &[0.5, 0.5], options(0.8, None)).contains("must agree"));
        // The same die with --rolls: still no power to speak of.
        assert!(err(&fair, &fair, options(0.8, Some(10))).contains("w = 0"));
    }

    #[test]
    fn a_null_that_forbids_a_face_drops_it_from_df() {
        let plan = plan(&[0.5, 0.5, 0.0], &[0.6, 0.4, 0.0], &options(0.8, None)).unwrap();
        assert_eq!(plan.df, 1);
        assert!((plan.effect_w - 0.2).abs() < 1e-15);
    }
}
