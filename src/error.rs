//! Error kinds that decide the exit code.
//!
//! Data errors are plain `anyhow` errors (exit 1). A [`UsageError`] is a
//! mistake in the command line that clap cannot see, such as `--probs` with
//! a different number of weights than `--faces`; it exits 2 like clap's own.
//! [`Rejected`] is no mistake: `fit --check` (or `watch --stop`) found the
//! die unlike the null (exit 3).

use std::fmt;

/// A command-line mistake found after parsing; exits with status 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// `fit --check` found the verdict rejecting the null; exits with status 3
/// once the report is written. `watch --stop` wraps it in a context that
/// says when its test rejected; `main` prints only the outermost message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected;

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("--check: the verdict rejects the null")
    }
}

impl std::error::Error for Rejected {}
