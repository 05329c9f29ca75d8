//! Integration tests: each runs the real `diceml` binary.
//!
//! - `audit`: the battery against SciPy/statsmodels references, SHA-256,
//!   JSON, `--check`, `--by`, the self-contained HTML report;
//! - `simulate`: seeded streams against the independent Python goldens,
//!   counts, loaded dice, usage errors, closed pipes;
//! - `fuzz`: property tests of the readers over arbitrary bytes;
//! - `output`: failed writes name the file, one-line usage errors;
//! - `layering`: the architecture's guard (no forbidden imports, no cycles);
//! - `read`: dialects, labels, groups, counts, skipped and bad rows;
//! - `ui`: completions, man page, colour, progress, trace;
//! - `exact`: `--exact --exact-stat` at tabletop sizes against Python references;
//! - `stats`: tests, intervals, Bayes and information against SciPy, statsmodels, R;
//! - `groups`: mixed dice under `--by`, `--group-faces`, homogeneity;
//! - `verdict`: the JSON verdict, `--check` and `--alpha`, multiple testing under `--by`;
//! - `sequential`: fit --sequential and --within against a closed-form
//!   reference, --by, --check, plan --sequential against simulate | fit;
//! - `watch`: the live sequential test: its decision roll against the
//!   library's, `--stop`'s exit codes, JSON events, `--every`, slow pipes,
//!   `--follow`, closed pipes, usage and data errors;
//! - `model`: `--model pairs` and `--design` against SciPy and statsmodels;
//! - `plan`: the rolls a test needs against SciPy and statsmodels, the
//!   coin's closed form, the JSON contract, the chart, usage errors;
//! - `input`: gzip and zstd logs (files, stdin, several members), JSON
//!   lines, equal to the CSV of the same rolls; their errors;
//! - `docs`: every console example in README.md and docs/cli.md runs;
//! - `sum`: `fit --sum-of` (a die seen through its totals) against SciPy's
//!   optimiser for 2d6, 3d6, 4dF and Weldon's dice; reading totals; errors;
//! - `fit`: the simulate | fit pipeline, JSON/CSV/table output, headers and
//!   columns, zero-count faces, bad input with file:line, degenerate input.

mod audit;
mod docs;
mod exact;
mod fit;
mod fuzz;
mod groups;
mod input;
mod layering;
mod model;
mod output;
mod plan;
mod read;
mod sequential;
mod simulate;
mod stats;
mod sum;
mod ui;
mod util;
mod verdict;
mod watch;
