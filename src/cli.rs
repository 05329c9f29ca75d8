//! The command line: every flag, its help text and its raw parsing.
//!
//! The `///` comment on each field is its `--help` text. Values are parsed
//! into checked types here (weights, columns, bounded integers); checks
//! that need several flags at once happen in the subcommand, or in a method
//! that turns the arguments into settings ([`FitArgs::fit_options`]).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::UsageError;
use crate::model::{Die, MAX_FACE};
use crate::optim;
use crate::read::{ColumnSpec, Dialect, InputFormat, ReadOptions};
use crate::report::audit::AuditFormat;
use crate::report::watch::WatchFormat;
use crate::report::{Format, PlanFormat};
use crate::stats::adjust::Adjust;
use crate::stats::ci::CiMethod;
use crate::stats::exact::{ExactStat, MONTE_CARLO_MAX_REPLICATES};
use crate::stats::sum;
use crate::ui::ColorChoice;

/// Estimate a die's face probabilities by maximum likelihood.
///
/// diceml counts a roll log, fits softmax logits to it by gradient descent
/// on the cross-entropy, and reports the fitted probabilities q beside the
/// closed-form estimate p = counts / N.
#[derive(Debug, Parser)]
#[command(
    name = "diceml",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Colour in tables: auto (only on a terminal, and not when NO_COLOR is
    /// set), always, or never.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// No progress bars.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Roll a simulated die and write the roll log (or its counts) as CSV.
    ///
    /// Writes a header `face` and one roll per line, faces 1..K (or
    /// --labels). A fair die by default; --probs loads it. With --seed the
    /// output is byte-identical on every platform and in every later
    /// version (docs/cli.md says how); --counts writes `face,count` rows
    /// instead, in O(K) time however large N is.
    #[command(after_help = SIMULATE_EXAMPLES)]
    Simulate(SimulateArgs),
    /// Fit a die's face probabilities to a roll log or a count table.
    ///
    /// Counts the rolls, fits softmax logits by minimising the
    /// cross-entropy, and reports the fitted q beside the closed-form MLE
    /// p = n/N, with goodness-of-fit tests, intervals, a Bayes factor, a
    /// test that consecutive rolls are independent, and a verdict. Reads
    /// CSV roll logs (one or several columns, any delimiter, labels, many
    /// dice with --by) or face,count tables (--counts).
    #[command(after_help = FIT_EXAMPLES)]
    Fit(Box<FitArgs>),
    /// Count a roll log into `face,count` rows that `fit --counts` reads.
    ///
    /// The counts are all that fit needs (except the order test), so logs
    /// can be counted in pieces, in parallel or on other machines, and the
    /// tables summed by `fit --counts a.counts b.counts`: the fit is the
    /// same as the whole log's. Reads the same inputs and options as fit.
    #[command(after_help = COUNT_EXAMPLES)]
    Count(CountArgs),
    /// Watch rolls as they arrive and say when it is safe to stop rolling.
    ///
    /// Runs the anytime-valid sequential test (an e-process; see
    /// docs/statistics.md) on a roll log read row by row — a pipe, or a
    /// growing file with --follow — and after every roll (or every N)
    /// shows the e-value, the faces' confidence sequences and the decision
    /// so far. Looking after every roll keeps the error at α. The die must
    /// be declared with --faces or --labels.
    #[command(
        after_help = WATCH_EXAMPLES,
        mut_arg("files", |a| a
            .num_args(0..=1)
            .help("The roll log to watch; none, or `-`, reads standard input")),
        mut_arg("faces", |a| a.help(
            "The die has integer faces 1..K (a roll outside them is an error); this or --labels is required"
        )),
        mut_arg("skip_invalid", |a| a.help(
            "Skip invalid rows instead of stopping at the first one"
        )),
        mut_arg("counts", |a| a.hide(true)),
        mut_arg("by", |a| a.hide(true)),
    )]
    Watch(WatchArgs),
    /// Plan a test: how many rolls find a given biased die, or the power at N.
    ///
    /// Pearson's χ² test at level --alpha finds the die you fear (--probs,
    /// or --face F --face-prob P for one face off) against the null
    /// (--expected, or a fair die) with probability --power once you roll
    /// the number of times printed. Computed from the noncentral χ² with
    /// Cohen's effect size w, as R's pwr.chisq.test and statsmodels do.
    #[command(after_help = PLAN_EXAMPLES)]
    Plan(PlanArgs),
    /// Run a regulator-style battery of randomness tests on an ordered roll log.
    ///
    /// Nine tests of a fair die, each with its statistic, df, p-value and
    /// pass/fail at --alpha (default 0.01, the regulations' 99%), and one
    /// family-wise decision with Holm's correction across the battery (per
    /// group under --by): frequency (two-sided: too uniform fails too),
    /// serial pairs, runs up and down, gap, poker, coupon collector, permutation,
    /// serial correlation at lags 1..L and drift over blocks. Reads the
    /// same roll logs as fit, in order, in one pass and constant memory
    /// (named files are read twice when the die is not declared; standard
    /// input without --faces/--labels keeps its rolls, 4 bytes each);
    /// prints each input's SHA-256.
    #[command(
        after_help = AUDIT_EXAMPLES,
        mut_arg("counts", |a| a.hide(true)),
    )]
    Audit(AuditArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    ///
    /// Generated from the same definition as --help, so it always knows
    /// every subcommand, flag and value.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    ///
    /// Generated from the same definition as --help.
    #[command(
        after_help = "Examples:\n  diceml man > ~/.local/share/man/man1/diceml.1\n  diceml man | man -l -"
    )]
    Man,
}

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  diceml completions bash > ~/.local/share/bash-completion/completions/diceml
  diceml completions zsh > ~/.zfunc/_diceml
  diceml completions fish > ~/.config/fish/completions/diceml.fish";

/// `diceml completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

const SIMULATE_EXAMPLES: &str = "\
Examples:
  diceml simulate --faces 6 --n 10000 --seed 1 > rolls.csv
  diceml simulate --probs 1,1,1,1,1,2 --n 600 --seed 7
  diceml simulate --faces 20 --n 1000000000000 --counts --seed 3";

const FIT_EXAMPLES: &str = "\
Examples:
  diceml fit rolls.csv
  diceml simulate --faces 6 --n 10000 --seed 1 | diceml fit - --format json
  diceml fit --counts counts.csv --faces 20 --exact --ci clopper-pearson
  diceml fit bot.csv --by user --column face --faces 20";

const COUNT_EXAMPLES: &str = "\
Examples:
  diceml count big.csv > big.counts && diceml fit --counts big.counts
  diceml count part1.csv > a.counts; diceml count part2.csv > b.counts; diceml fit --counts a.counts b.counts
  diceml count --by player bot.csv";

const WATCH_EXAMPLES: &str = "\
Examples:
  diceml simulate --probs 1,1,1,1,1,2 --n 5000 --seed 1 | diceml watch --faces 6 --stop
  diceml watch --follow rolls.csv --faces 20 --within 0.02 --stop
  diceml watch rolls.csv --faces 20 --every 100 --format jsonl";

/// `diceml watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Where the rolls come from and how to read them: one roll log (--by
    /// and --counts, hidden here, are refused with a pointer to what to
    /// use instead).
    #[command(flatten)]
    pub input: InputArgs,

    /// The null hypothesis: K comma-separated weights (normalised by
    /// diceml), none of them zero. Default: a fair die.
    #[arg(long, value_name = "P1,...,PK", value_parser = Die::parse_weights, allow_hyphen_values = true)]
    pub expected: Option<Die>,

    /// The test's level α, between 0 and 1: it rejects the null once the
    /// e-value reaches 1/α, wrongly with probability at most α however
    /// often you look.
    #[arg(long, value_name = "ALPHA", value_parser = parse_level, default_value_t = 0.05)]
    pub alpha: f64,

    /// Decide "fair" once every face's confidence sequence lies within its
    /// null probability ± D (0 < D < 1; 0.02 is "within 2 points").
    #[arg(long, value_name = "D", value_parser = parse_within)]
    pub within: Option<f64>,

    /// Write an update every N rolls (and at the decision and the end).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub every: u64,

    /// At the end of a regular file, wait for more rolls like `tail -f`
    /// (a pipe or standard input still ends when its writer closes it).
    #[arg(long)]
    pub follow: bool,

    /// Exit at the decision: status 3 when the null is rejected, 0 when
    /// the die is fair within --within.
    #[arg(long)]
    pub stop: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = WatchFormat::Table)]
    pub format: WatchFormat,
}

const PLAN_EXAMPLES: &str = "\
Examples:
  diceml plan --faces 20 --face 20 --face-prob 0.07
  diceml plan --probs 1,1,1,1,1,2 --power 0.9 --alpha 0.01
  diceml plan --faces 6 --face 6 --face-prob 0.2 --rolls 600 --format json
  diceml plan --probs 0.3,0.7 --expected 0.4,0.6 --plot power.svg";

/// `diceml plan`.
#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("alternative")
        .required(true)
        .args(["probs", "face"])
))]
pub struct PlanArgs {
    /// The die you fear (the alternative): K comma-separated weights
    /// (finite, non-negative, not all zero), normalised as simulate's.
    #[arg(long, value_name = "P1,...,PK", value_parser = Die::parse_weights, allow_hyphen_values = true)]
    pub probs: Option<Die>,

    /// The null hypothesis: K comma-separated weights, normalised. Default:
    /// a fair die.
    #[arg(long, value_name = "P1,...,PK", value_parser = Die::parse_weights, allow_hyphen_values = true)]
    pub expected: Option<Die>,

    /// Number of faces K for --face (default: the number of --expected
    /// weights, or 6); with --probs it must agree with them.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..=MAX_FACE))]
    pub faces: Option<u64>,

    /// The alternative in short: face F of the dK comes up with probability
    /// --face-prob, the other faces share the rest equally.
    #[arg(long, value_name = "F", requires = "face_prob", conflicts_with = "probs", value_parser = clap::value_parser!(u64).range(1..=MAX_FACE))]
    pub face: Option<u64>,

    /// The probability P of --face, strictly between 0 and 1.
    #[arg(long, value_name = "P", requires = "face", value_parser = parse_probability)]
    pub face_prob: Option<f64>,

    /// The test's significance level α, between 0 and 1.
    #[arg(long, value_name = "ALPHA", value_parser = parse_level, default_value_t = 0.05)]
    pub alpha: f64,

    /// The power to reach: the probability that the test finds the
    /// alternative, between α and 1.
    #[arg(long, value_name = "POWER", value_parser = parse_probability, default_value_t = 0.8, conflicts_with = "rolls")]
    pub power: f64,

    /// Give the power at N rolls instead of the rolls for --power.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub rolls: Option<u64>,

    /// Also simulate the anytime-valid sequential test (fit --sequential)
    /// against the same die: its power at the same rolls, and the rolls to
    /// its decision (median, quartiles), the price of being allowed to stop
    /// early.
    #[arg(long)]
    pub sequential: bool,

    /// Simulated logs for --sequential.
    #[arg(long, value_name = "B", default_value_t = 1000, requires = "sequential", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub replicates: u64,

    /// The generator's seed for --sequential (a fixed default, so that a
    /// plan is reproducible).
    #[arg(long, value_name = "S", default_value_t = 1, requires = "sequential")]
    pub seed: u64,

    /// With --sequential: stop a simulated log undecided after N rolls
    /// (default ten times the fixed test's rolls, at least 1000).
    #[arg(long, value_name = "N", requires = "sequential", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_rolls: Option<u64>,

    /// With --sequential: the D of fit --within D.
    #[arg(long, value_name = "D", requires = "sequential", value_parser = parse_within)]
    pub within: Option<f64>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Table)]
    pub format: PlanFormat,

    /// Draw the power against the rolls to FILE (.svg or .png), with the
    /// target power and the rolls marked.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,

    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl PlanArgs {
    /// The null and the alternative, as dice of the same K faces: K from
    /// --probs, else --faces, else --expected, else 6; any two that
    /// disagree are a usage error.
    pub fn dice(&self) -> Result<(Die, Die), UsageError> {
        let alternative = match (&self.probs, self.face, self.face_prob) {
            (Some(probs), _, _) => Die::from_flags(self.faces, Some(probs), None)?,
            (None, Some(face), Some(prob)) => {
                let k = self
                    .faces
                    .or(self.expected.as_ref().map(Die::faces))
                    .unwrap_or(6);
                Die::with_face(k, face, prob)?
            }
            _ => {
                return Err(UsageError(
                    "give the alternative: --probs P1,...,PK, or --face F with --face-prob P"
                        .into(),
                ))
            }
        };
        let null = Die::null(self.expected.as_ref(), alternative.faces() as usize)?;
        Ok((null, alternative))
    }
}

const AUDIT_EXAMPLES: &str = "\
Examples:
  diceml audit data/fair_d6.csv
  diceml audit outcomes.csv --column outcome --by machine --format json
  diceml audit log.csv --faces 20 --check --report audit.html";

/// `diceml audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Where the rolls come from and how to read them: roll logs, in
    /// order (count tables have no order and are refused).
    #[command(flatten)]
    pub input: InputArgs,

    /// The level α of every test and of the family-wise decision, between
    /// 0 and 1 (0.01: the 99% confidence the regulations ask for).
    #[arg(long, value_name = "ALPHA", value_parser = parse_level, default_value_t = 0.01)]
    pub alpha: f64,

    /// The serial correlation test's lags 1..L (Ljung–Box over all of them).
    #[arg(long, value_name = "L", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub lags: u64,

    /// The drift test cuts the log into at most B consecutive blocks: of c
    /// rolls, c the smallest 5k·2^j with at most B blocks (each expects 5
    /// of a face), the remainder joining the last.
    #[arg(long, value_name = "B", default_value_t = 10, value_parser = clap::value_parser!(u64).range(2..=10_000))]
    pub blocks: u64,

    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    pub format: AuditFormat,

    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with status 3 when the battery fails (after writing the
    /// report).
    #[arg(long)]
    pub check: bool,

    /// Also write a self-contained HTML report to FILE: the verdict, the
    /// tests, the per-face chart with intervals and the drift chart.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
}

/// `diceml simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Number of faces K (faces are 1..K); defaults to the number of
    /// --probs weights, or 6.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..=MAX_FACE))]
    pub faces: Option<u64>,

    /// Number of rolls N.
    #[arg(long, value_name = "N")]
    pub n: u64,

    /// A loaded die: K comma-separated weights (finite, non-negative, not
    /// all zero), which diceml normalises to probabilities. Default: fair.
    #[arg(long, value_name = "P1,...,PK", value_parser = Die::parse_weights, allow_hyphen_values = true)]
    pub probs: Option<Die>,

    /// Write these face labels instead of 1..K (K = the number of labels).
    #[arg(long, value_name = "A,B,...", value_parser = parse_labels, allow_hyphen_values = true)]
    pub labels: Option<Labels>,

    /// Seed for the pinned generator (PCG64, see docs/cli.md); the same seed
    /// and arguments give byte-identical output everywhere. Default: a
    /// seed from the operating system.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,

    /// Write `face,count` rows (all K faces, zeros included) instead of one
    /// row per roll; costs O(K) whatever N.
    #[arg(long)]
    pub counts: bool,

    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Where the rolls come from and how to read them; shared by `fit` and
/// `count`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Roll logs (or count tables with --counts) to read and sum; none, or
    /// `-`, reads standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// The inputs are `face,count` tables (as `simulate --counts` and
    /// `count` write; with --by, `group,face,count`); a face listed twice is
    /// summed, a face with count 0 belongs to the die.
    #[arg(long)]
    pub counts: bool,

    /// The column holding the faces, by header name or 1-based index
    /// (default: the only column, or the one named `face`).
    #[arg(long, value_name = "NAME|INDEX", value_parser = clap::value_parser!(ColumnSpec))]
    pub column: Option<ColumnSpec>,

    /// Split the rolls into groups by this column (a die id, a player, a
    /// session), read in one pass: `fit` reports every group with a
    /// homogeneity test across them, `count` writes `group,face,count`.
    #[arg(long, value_name = "NAME|INDEX", value_parser = clap::value_parser!(ColumnSpec))]
    pub by: Option<ColumnSpec>,

    /// The die has integer faces 1..K (never-rolled faces count 0; a roll
    /// outside 1..K is an error). Default: faces from 1 (or 0 when a 0
    /// appears) to the largest face seen.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..=MAX_FACE), conflicts_with = "labels")]
    pub faces: Option<u64>,

    /// The die's faces are these labels, in this order (e.g. `-,0,+` for a
    /// Fate die, `H,T` for a coin); a roll outside them is an error.
    #[arg(long, value_name = "A,B,...", value_parser = parse_labels, allow_hyphen_values = true)]
    pub labels: Option<Labels>,

    /// What the inputs hold: CSV rows, or JSON lines (one object per line;
    /// --column and --by name its fields, the faces are in `face` by
    /// default). Default: jsonl for a name ending in .jsonl or .ndjson
    /// (also with .gz or .zst after it), else csv. gzip and zstd inputs
    /// are decompressed whatever their names.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormatArg>,

    /// Field delimiter: one character, or `\t` for tabs.
    #[arg(long, short, value_name = "C", value_parser = parse_delimiter, default_value = ",")]
    pub delimiter: Delimiter,

    /// The inputs have no header row: every row is data.
    #[arg(long)]
    pub no_header: bool,

    /// Count and report invalid rows (by reason) instead of stopping at the
    /// first one.
    #[arg(long)]
    pub skip_invalid: bool,
}

impl InputArgs {
    /// The reader's options.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            dialect: Dialect {
                delimiter: self.delimiter.0,
                no_header: self.no_header,
            },
            format: self.input_format.map(Into::into),
            counts: self.counts,
            column: self.column.clone(),
            by: self.by.clone(),
            faces: self.faces,
            labels: self.labels.as_ref().map(|l| l.0.clone()),
            label_set: None,
            skip_invalid: self.skip_invalid,
            keep_rolls: false,
            general_only: false,
        }
    }
}

/// `diceml count`.
#[derive(Debug, Args)]
pub struct CountArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `diceml fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Optimiser: auto (gradient descent when every rolled face has p ≥
    /// 1e-3, else Newton's method), gradient descent, Nesterov momentum, or
    /// Newton's method (O(K) per step; fastest on large or skewed dice).
    #[arg(long, value_enum, default_value_t = MethodArg::Auto)]
    pub method: MethodArg,

    /// Step size η for gd and momentum (default 2 = 1/L for the curvature
    /// bound L = 1/2; steps of 4 = 2/L or more may raise the loss, which
    /// stops the fit; see docs/math.md). With auto it means gd; newton
    /// takes none.
    #[arg(long, value_name = "ETA", value_parser = parse_positive)]
    pub lr: Option<f64>,

    /// Largest number of iterations.
    #[arg(long, value_name = "N", default_value_t = optim::DEFAULT_MAX_ITER)]
    pub max_iter: u64,

    /// Stop when max_k |q_k − p_k| ≤ TOL.
    #[arg(long, value_name = "TOL", value_parser = parse_positive, default_value = "1e-10")]
    pub tol: f64,

    /// The null hypothesis: K comma-separated weights (normalised by
    /// diceml) that the die is tested against. Default: a fair die.
    #[arg(long, value_name = "P1,...,PK", value_parser = Die::parse_weights, allow_hyphen_values = true)]
    pub expected: Option<Die>,

    /// Also run the Cressie–Read power-divergence test with this λ (1 is
    /// Pearson, 0 the G-test, 2/3 Cressie and Read's recommendation).
    #[arg(long, value_name = "L", value_parser = parse_finite, allow_hyphen_values = true)]
    pub lambda: Option<f64>,

    /// Also compute the exact multinomial p-value: by enumerating every
    /// outcome (up to 10^7 of them), else by a dynamic programme over the
    /// faces (up to (K−1)(N+1)(N+2)/2 = 2·10^7 and a bound of 0.2 on the
    /// p-value; see docs/statistics.md).
    #[arg(long)]
    pub exact: bool,

    /// How --exact orders the outcomes: by the likelihood ratio G (llr),
    /// Pearson's X² (chisq) or the outcome's own probability (prob).
    #[arg(long, value_enum, value_name = "STAT", default_value_t = ExactStatArg::Llr, requires = "exact")]
    pub exact_stat: ExactStatArg,

    /// Also estimate the exact p-value from B simulated experiments
    /// (1 ≤ B ≤ 10^8).
    #[arg(long, value_name = "B", value_parser = parse_replicates)]
    pub monte_carlo: Option<u64>,

    /// Seed for --monte-carlo (default: from the operating system; the
    /// report shows the seed used).
    #[arg(long, value_name = "S", requires = "monte_carlo")]
    pub seed: Option<u64>,

    /// Confidence intervals for the face probabilities: simultaneous
    /// (goodman, sison-glaz) hold for all faces at once; per-face (wilson,
    /// clopper-pearson, jeffreys) for each face alone.
    #[arg(long, value_enum, default_value_t = CiArg::Goodman)]
    pub ci: CiArg,

    /// Confidence (and credible) level of the intervals, between 0 and 1
    /// (default 1 − --alpha, so 0.95).
    #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
    pub level: Option<f64>,

    /// The verdict's significance level α, between 0 and 1 (default
    /// 1 − --level, so 0.05): the die is judged unlike the null when the
    /// deciding p-value (adjusted across groups with --by) is below α.
    #[arg(long, value_name = "ALPHA", value_parser = parse_level)]
    pub alpha: Option<f64>,

    /// Exit with status 3 when the verdict rejects the null (for any group
    /// with --by) and 0 when it does not, after writing the report, so a CI
    /// job can gate on it (data errors still exit 1, usage errors 2).
    #[arg(long)]
    pub check: bool,

    /// The Dirichlet prior's α for the Bayesian view (1 = uniform).
    #[arg(long, value_name = "ALPHA", value_parser = parse_positive, default_value_t = 1.0)]
    pub prior: f64,

    /// Fit the add-α estimate (n + α)/(N + Kα) instead of n/N, so that
    /// never-rolled faces get a finite logit.
    #[arg(long, value_name = "ALPHA", value_parser = parse_positive)]
    pub smooth: Option<f64>,

    /// Draw the fit to FILE (.svg or .png): p per face with its interval,
    /// the fitted q, the null, deviating faces highlighted; with --by, one
    /// panel per group.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,

    /// Draw the loss gap H(p, q) − H(p) and max|q − p| per iteration to
    /// FILE (.svg or .png), on a log scale; with --by, the first group's.
    #[arg(long, value_name = "FILE")]
    pub plot_loss: Option<PathBuf>,

    /// Write the optimiser's path to FILE as CSV:
    /// iteration,cross_entropy,kl,max_abs_diff,step (with --by, a leading
    /// group column).
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,

    /// With --by: each group has its own faces, 1..N for a group named dN
    /// (d4, d6, d20) and 1..its largest face otherwise (labels: those it
    /// rolled); the homogeneity test then runs within each set of groups
    /// that share their faces.
    #[arg(long, requires = "by", conflicts_with_all = ["faces", "labels"])]
    pub group_faces: bool,

    /// Correction of the groups' fairness p-values with --by.
    #[arg(long, value_enum, default_value_t = AdjustArg::Holm)]
    pub adjust: AdjustArg,

    /// Test the log as it was rolled, with an anytime-valid e-process: the
    /// verdict then says at which roll the die could have been judged
    /// biased, and stays valid however often the log was looked at before
    /// (the rolls are read in order, by the general reader).
    #[arg(long)]
    pub sequential: bool,

    /// With --sequential (implied): also decide "fair to within D" the first
    /// time every face's anytime-valid confidence sequence lies within its
    /// null probability ± D (e.g. 0.02 for two points).
    #[arg(long, value_name = "D", value_parser = parse_within)]
    pub within: Option<f64>,

    /// The log holds totals of M identical dice (one per line, or
    /// `total,count` tables with --counts), not single rolls: fit the die
    /// from the totals alone (its faces from --faces K or --face-values),
    /// with standard errors, a likelihood-ratio test against a fair die (and
    /// the --expected one) and a goodness-of-fit test of the model (a report
    /// of its own; table or json).
    #[arg(
        long,
        value_name = "M",
        value_parser = clap::value_parser!(u64).range(1..=sum::MAX_DICE as u64),
        conflicts_with_all = [
            "by", "labels", "group_faces", "lambda", "exact", "monte_carlo",
            "level", "alpha", "check", "smooth", "plot", "plot_loss", "trace",
            "sequential", "within", "model", "design",
        ]
    )]
    pub sum_of: Option<u64>,

    /// With --sum-of: the die's face values, distinct integers in face order
    /// (`-1,0,1` for Fate dice, `0,1` for a success die); default 1..K from
    /// --faces K.
    #[arg(
        long,
        value_name = "V1,...,VK",
        value_parser = parse_face_values,
        allow_hyphen_values = true,
        requires = "sum_of",
        conflicts_with = "faces"
    )]
    pub face_values: Option<FaceValues>,

    /// Fit a physical model of the die: pairs splits the deviation from a
    /// fair d6, d8, d12 or d20 into an axis part (which opposite pairs come
    /// up more) and a tilt part (within each pair), each a G test.
    #[arg(long, value_enum, value_name = "MODEL", conflicts_with = "design")]
    pub model: Option<ModelArg>,

    /// Fit the log-linear model a = Xβ of the logits from a CSV with a
    /// `face` column and one column per parameter (e.g. data/d6_normals.csv):
    /// estimates, standard errors and likelihood-ratio tests.
    #[arg(long, value_name = "FILE")]
    pub design: Option<PathBuf>,

    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `--face-values`: a die's face values, distinct integers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceValues(pub Vec<i64>);

/// Parses `V1,...,VK`: integers (surrounding spaces trimmed), none
/// repeated, at most [`sum::MAX_FACES`].
pub fn parse_face_values(text: &str) -> Result<FaceValues, String> {
    let mut values = Vec::new();
    for field in text.split(',') {
        let field = field.trim();
        let value: i64 = field
            .parse()
            .map_err(|_| format!("{field:?} is not an integer face value"))?;
        if values.contains(&value) {
            return Err(format!(
                "the face value {value} is listed twice: faces must have distinct values"
            ));
        }
        values.push(value);
    }
    if values.len() > sum::MAX_FACES {
        return Err(format!(
            "{} face values; a die seen through its totals has at most {}",
            values.len(),
            sum::MAX_FACES
        ));
    }
    Ok(FaceValues(values))
}

/// `--model`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    /// The axis/tilt split of a die whose opposite faces sum to K + 1.
    Pairs,
}

/// `--ci`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiArg {
    /// Simultaneous, Goodman (1965): Bonferroni-corrected χ²(1) quantile.
    Goodman,
    /// Simultaneous, Sison & Glaz (1995): Edgeworth approximation.
    SisonGlaz,
    /// Per face, Wilson score interval.
    Wilson,
    /// Per face, exact Clopper–Pearson interval.
    ClopperPearson,
    /// Per face, Jeffreys interval (equal-tailed Beta(n+½, N−n+½)).
    Jeffreys,
}

impl FitArgs {
    /// The optimiser's settings. `--lr` without a method (or with `auto`)
    /// means gradient descent with that step; with `--method newton`, which
    /// line-searches its own step, it is a usage error.
    pub fn fit_options(&self) -> Result<optim::FitOptions, UsageError> {
        let method = match (self.method, self.lr) {
            (MethodArg::Newton, Some(_)) => {
                return Err(UsageError(
                    "--lr sets the step of gd and momentum; Newton's method line-searches its own (drop --lr, or choose --method gd)".into(),
                ))
            }
            (MethodArg::Auto, Some(_)) => optim::Method::Gd,
            (method, _) => method.into(),
        };
        Ok(optim::FitOptions {
            method,
            learning_rate: self.lr.unwrap_or(optim::DEFAULT_LEARNING_RATE),
            max_iter: self.max_iter,
            tol: self.tol,
        })
    }
}

impl From<CiArg> for CiMethod {
    fn from(c: CiArg) -> Self {
        match c {
            CiArg::Goodman => CiMethod::Goodman,
            CiArg::SisonGlaz => CiMethod::SisonGlaz,
            CiArg::Wilson => CiMethod::Wilson,
            CiArg::ClopperPearson => CiMethod::ClopperPearson,
            CiArg::Jeffreys => CiMethod::Jeffreys,
        }
    }
}

/// `--input-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    /// Delimited rows (see --delimiter, --no-header).
    Csv,
    /// JSON lines: one JSON object per line.
    Jsonl,
}

impl From<InputFormatArg> for InputFormat {
    fn from(f: InputFormatArg) -> Self {
        match f {
            InputFormatArg::Csv => InputFormat::Csv,
            InputFormatArg::Jsonl => InputFormat::Jsonl,
        }
    }
}

/// `--exact-stat`: XNomial's three orderings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExactStatArg {
    /// The likelihood-ratio statistic G.
    Llr,
    /// Pearson's X².
    Chisq,
    /// The probability of the outcome (less likely is more extreme).
    Prob,
}

impl From<ExactStatArg> for ExactStat {
    fn from(s: ExactStatArg) -> Self {
        match s {
            ExactStatArg::Llr => ExactStat::Llr,
            ExactStatArg::Chisq => ExactStat::Chisq,
            ExactStatArg::Prob => ExactStat::Prob,
        }
    }
}

/// `--adjust`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AdjustArg {
    /// Holm's step-down correction.
    Holm,
    /// Bonferroni's correction.
    Bonferroni,
    /// No correction.
    None,
}

impl From<AdjustArg> for Adjust {
    fn from(a: AdjustArg) -> Self {
        match a {
            AdjustArg::Holm => Adjust::Holm,
            AdjustArg::Bonferroni => Adjust::Bonferroni,
            AdjustArg::None => Adjust::None,
        }
    }
}

/// `--method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Gradient descent when every rolled face has p ≥ 1e-3, else Newton.
    Auto,
    /// Gradient descent a ← a − η (q − p).
    Gd,
    /// Nesterov's accelerated gradient with adaptive restart.
    Momentum,
    /// Newton's method, direction 1 − p/q, backtracking line search.
    Newton,
}

impl From<MethodArg> for optim::Method {
    fn from(m: MethodArg) -> Self {
        match m {
            MethodArg::Auto => optim::Method::Auto,
            MethodArg::Gd => optim::Method::Gd,
            MethodArg::Momentum => optim::Method::Momentum,
            MethodArg::Newton => optim::Method::Newton,
        }
    }
}

/// Face labels from `--labels`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels(pub Vec<String>);

/// Parses `A,B,...`: non-empty, distinct labels (surrounding spaces trimmed).
pub fn parse_labels(text: &str) -> Result<Labels, String> {
    let labels: Vec<String> = text.split(',').map(|l| l.trim().to_string()).collect();
    if let Some(i) = labels.iter().position(String::is_empty) {
        return Err(format!("label {} is empty", i + 1));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = labels.iter().find(|l| !seen.insert(l.as_str())) {
        return Err(format!("label {dup:?} is listed twice"));
    }
    if labels.len() as u64 > MAX_FACE {
        return Err(format!("at most {MAX_FACE} labels are allowed"));
    }
    Ok(Labels(labels))
}

/// A field delimiter byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiter(pub u8);

/// Parses one ASCII character, or `\t` (also `tab`) for a tab.
pub fn parse_delimiter(text: &str) -> Result<Delimiter, String> {
    match text {
        "\\t" | "tab" | "\t" => Ok(Delimiter(b'\t')),
        _ if text.len() == 1 && text.is_ascii() && !matches!(text, "\"" | "\n" | "\r" | "#") => {
            Ok(Delimiter(text.as_bytes()[0]))
        }
        _ => Err(format!(
            "{text:?} is not a delimiter: give one ASCII character other than a quote, # or a line break, or \\t"
        )),
    }
}

/// A finite number, or a fraction `a/b` (so `--lambda 2/3` works).
fn parse_finite(text: &str) -> Result<f64, String> {
    let value = match text.split_once('/') {
        Some((a, b)) => a
            .trim()
            .parse::<f64>()
            .and_then(|a| b.trim().parse::<f64>().map(|b| a / b)),
        None => text.parse::<f64>(),
    };
    match value {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(format!(
            "{text:?} is not a finite number (or a fraction like 2/3)"
        )),
    }
}

/// A probability strictly between 0 and 1 (`--face-prob`, `--power`).
fn parse_probability(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x > 0.0 && x < 1.0 => Ok(x),
        _ => Err(format!(
            "{text:?} is not a probability strictly between 0 and 1"
        )),
    }
}

fn parse_level(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x > 0.0 && x < 1.0 => Ok(x),
        _ => Err(format!(
            "{text:?} is not strictly between 0 and 1 (e.g. 0.95 for --level, 0.05 for --alpha)"
        )),
    }
}

/// A number of Monte Carlo replicates, 1 to [`MONTE_CARLO_MAX_REPLICATES`].
fn parse_replicates(text: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(b) if (1..=MONTE_CARLO_MAX_REPLICATES).contains(&b) => Ok(b),
        _ => Err(format!(
            "{text:?} is not a number of replicates from 1 to {MONTE_CARLO_MAX_REPLICATES} (10^8)"
        )),
    }
}

/// `--within D`: a distance between probabilities, 0 < D < 1.
fn parse_within(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x > 0.0 && x < 1.0 => Ok(x),
        _ => Err(format!(
            "{text:?} is not strictly between 0 and 1 (a distance between probabilities: 0.02 is 2 points)"
        )),
    }
}

fn parse_positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("{text:?} is not a finite positive number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn weights_are_normalised_and_checked() {}

    #[test]
    fn monte_carlo_replicates_run_from_one_to_the_cap() {
        assert_eq!(parse_replicates("1"), Ok(1));
        assert_eq!(
            parse_replicates("100000000"),
            Ok(MONTE_CARLO_MAX_REPLICATES)
        );
        for bad in ["0", "100000001", "1000000000000000000", "-1", "1e3", ""] {
            assert!(parse_replicates(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn labels_and_delimiters() {
        assert_eq!(parse_labels("-, 0 ,+").unwrap().0, vec!["-", "0", "+"]);
        assert!(parse_labels("H,H").is_err());
        assert!(parse_labels("H,,T").is_err());
        assert_eq!(parse_delimiter("\\t").unwrap(), Delimiter(b'\t'));
        assert_eq!(parse_delimiter(";").unwrap(), Delimiter(b';'));
        assert!(parse_delimiter("\"").is_err());
        assert!(parse_delimiter(";;").is_err());
    }
}
