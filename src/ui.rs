//! What the terminal gets: colour, width and progress bars, decided once
//! from `--color`, `--quiet`, `NO_COLOR` and whether the streams are
//! terminals. Nothing here reaches a pipe or a file: no escape codes unless
//! `--color always`, no progress bar unless stderr is a terminal.

use std::io::IsTerminal;

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::report::Look;

/// Inputs smaller than this get no progress bar.
pub const PROGRESS_FROM_BYTES: u64 = 8 << 20;
/// Simulations of fewer rolls get no progress bar.
pub const PROGRESS_FROM_ROLLS: u64 = 10_000_000;

/// `--color`: when tables get colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The global look-and-feel settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ui {
    /// `--color`.
    pub color: ColorChoice,
    /// `--quiet`.
    pub quiet: bool,
}

impl Ui {
    /// The table's look when writing to stdout (`to_stdout`) or a file.
    pub fn look(&self, to_stdout: bool) -> Look {
        let terminal = to_stdout && std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && !no_color,
        };
        let width = terminal
            .then(terminal_size::terminal_size)
            .flatten()
            .map_or(Look::default().width, |(w, _)| usize::from(w.0));
        Look { color, width }
    }

    /// The width of the terminal that standard output is, for a status
    /// line refreshed in place (`watch`); `None` when it is no terminal.
    pub fn status_width(&self) -> Option<usize> {
        std::io::stdout()
            .is_terminal()
            .then(|| self.look(true).width)
    }

    /// A progress bar on stderr for `total` units (bytes or rolls), or a
    /// hidden one when stderr is not a terminal, `--quiet` was given, or the
    /// work is smaller than `from`. Updates are cheap: callers tick it per
    /// block, not per roll.
    pub fn progress(&self, total: u64, from: u64, what: &str) -> ProgressBar {
        if self.quiet || total < from || !std::io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let template = if what == "bytes" {
            "{spinner} {bytes}/{total_bytes} [{wide_bar}] {bytes_per_sec}, {eta} left"
        } else {
            "{spinner} {human_pos}/{human_len} rolls [{wide_bar}] {per_sec}, {eta} left"
        };
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    }
}
