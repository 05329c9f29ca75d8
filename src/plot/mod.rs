//! Charts for `diceml fit`: the fitted die (`--plot FILE`) and the
//! optimiser's path (`--plot-loss FILE`), for `diceml plan` the power
//! curve (`--plot FILE`), and `diceml audit`'s HTML page, rendered to bytes that
//! [`crate::io::write_file`] writes.
//!
//! The format follows the file's extension: `.svg` (vector, text left to the
//! viewer's sans-serif font) or `.png` (a bitmap). PNG text is drawn with
//! DejaVu Sans, embedded in the binary (`assets/DejaVuSans.ttf`, licence in
//! `assets/DejaVuSans-LICENSE.txt`) and rasterised by `ab_glyph`, so charts
//! need no system fonts and no network; the same font measures the text of
//! SVG charts when they are laid out. Both formats are drawn in memory and
//! handed back whole, and the file is written through a temporary one, so a
//! chart that cannot be drawn or written leaves no file behind.
//!
//! - [`PlotPath`]: a chart's file, its extension checked with the other
//!   arguments, before any work;
//! - [`render_fit`]: one bar per face for p = n/N, its interval as a
//!   whisker, the fitted q as a dot, the null's probabilities as a step line,
//!   faces whose interval excludes the null in another colour; one panel per
//!   group with `--by` (drawn in `fit.rs`);
//! - [`render_loss`]: KL(p‖q_t) = H(p, q_t) − H(p) and max_k |q_t,k − p_k|
//!   against the iteration t, on a log scale, from [`TraceRow`]s (drawn in
//!   `loss.rs`);
//! - [`render_power`]: `plan --plot`, the power of Pearson's test against
//!   the rolls N with the target and the rolls marked (drawn in `power.rs`);
//! - [`render_audit_page`]: `audit --report`, one self-contained HTML page
//!   (laid out in `page.rs`) with the fit chart of the same rolls and the
//!   drift chart of each battery's blocks (drawn in `drift.rs`), inline SVG.
//!
//! `legend.rs` lays out and draws the legends both charts share; `png.rs` is
//! the bitmap backend with its own glyph drawing, and the PNG encoder;
//! `style.rs` holds the embedded font (and registers it), the text sizes and
//! the palette; `chart.rs` the trait every chart implements. The children
//! never import this file, so data flows one way: `mod.rs` → charts →
//! legend, style.
//! Numbers are written by [`crate::report::format`], as the table writes
//! them, and a null is "a fair die" by the table's rule.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};
use plotters::backend::SVGBackend;
use plotters::prelude::*;

use crate::analysis::audit::AuditReport;
use crate::analysis::plan::Plan;
use crate::analysis::Report;
pub use crate::analysis::TraceRow;
use crate::error::UsageError;

mod chart;
mod drift;
mod fit;
mod legend;
mod loss;
mod page;
mod png;
mod power;
mod style;

use chart::Chart;
use drift::DriftChart;
use fit::FitChart;
pub use fit::MAX_PANELS;
use loss::LossChart;
pub use loss::LOSS_FLOOR;
use power::PowerChart;
use style::register_font;

/// Faces beyond which `--plot` refuses: the bars would be under a pixel wide.
pub const MAX_PLOT_FACES: usize = 1000;
/// Renders the chart of a fit (`--plot`) in `target`'s format (SVG or PNG)
/// and returns the file's bytes.
///
/// A single die is one chart, its title giving N, K, Pearson's χ² and its
/// p-value against the null, written as the table writes it (once the
/// p-value underflows to 0, from its log: "p = 1e-1234.5"). Per face: a bar for p = n/N, a whisker
/// for the interval `ci_low..ci_high`, a ring for the fitted q, and a red
/// step line for the null's probability (a flat line for a fair die); bars
/// whose interval excludes the null are orange on a light orange band (the
/// band shows it where p = 0 leaves no bar), the others blue. The legend
/// names the interval method and level and the fit's method and status.
/// Face labels thin out to every 2nd, 5th, 10th, ... face so that none
/// overlap, labels longer than 12 characters are shortened, and where a
/// face gets under 6 pixels (K in the hundreds) the rings and whisker caps
/// are left out. The canvas grows with K: 900×600 up to K = 61, 2400 wide
/// from K = 187.
///
/// With `--by` the file holds a grid of panels, one per group in report
/// order (at most [`MAX_PANELS`]; the title says when groups were left out),
/// up to ⌈√G⌉ per row, all on one probability scale so the groups compare
/// at a glance; each panel's caption gives the group, its N and its χ²
/// p-value (and the adjusted one), the title K and the homogeneity test.
///
/// Errors: more than [`MAX_PLOT_FACES`] faces (a [`UsageError`] naming the
/// file), or a chart that cannot be drawn.
pub fn render_fit(target: &PlotPath, report: &Report) -> Result<Vec<u8>> {
    let chart = FitChart::new(report);
    if chart.k > MAX_PLOT_FACES {
        return Err(UsageError(format!(
            "{} {}: a die of {} faces is too many to chart (at most {MAX_PLOT_FACES})",
            target.flag,
            target.path.display(),
            chart.k
        ))
        .into());
    }
    render(target, &chart)
}

/// Renders the optimiser's path (`--plot-loss`) in `target`'s format and
/// returns the file's bytes.
///
/// Two lines against the iteration t on one log₁₀ axis: the loss gap
/// KL(p‖q_t) = H(p, q_t) − H(p) (the row's `kl`) and max_k |q_t,k − p_k|
/// (`max_abs_diff`), the distance the stopping rule watches. Gradient descent
/// converges linearly, so both fall as straight lines; KL falls about twice
/// as steeply, being quadratic in q − p near the optimum. Values below
/// [`LOSS_FLOOR`] (an exact fit reaches 0) are drawn at the floor, and the
/// subtitle says so when that happens; non-finite values are left out.
/// Traces longer than a few thousand rows are thinned evenly (the last row
/// is always drawn). The row's `cross_entropy` and `step` are not drawn.
///
/// Errors: no rows, or a chart that cannot be drawn.
pub fn render_loss(target: &PlotPath, rows: &[TraceRow]) -> Result<Vec<u8>> {
    if rows.is_empty() {
        return Err(anyhow!(
            "{} {}: the optimiser's trace is empty",
            target.flag,
            target.path.display()
        ));
    }
    render(target, &LossChart::new(rows))
}

/// Renders the power chart of a plan (`plan --plot`) in `target`'s format
/// and returns the file's bytes.
///
/// The power of Pearson's test against the alternative as N runs from 0
/// (where it is α) to a round number past both the plan's rolls and the
/// rolls that reach 95% power (or halfway from the target power to 1), on
/// linear axes; the target power is a red line, the planned (or given)
/// rolls an orange line with a dot at their power. The subtitle gives w,
/// df, α and the answer, as the table writes them.
///
/// Errors: a chart that cannot be drawn.
pub fn render_power(target: &PlotPath, plan: &Plan) -> Result<Vec<u8>> {
    render(target, &PowerChart::new(plan))
}

/// Drift charts on an `audit --report` page at most (the first groups').
pub const MAX_DRIFT_CHARTS: usize = 12;

/// Renders `audit --report`'s page: one self-contained HTML document (no
/// script, font or link; the charts inline SVG) with the verdict, each
/// battery's table, the inputs' SHA-256, the per-face chart of `fit`
/// (drawn from `faces`, the fit of the same rolls, with its intervals) and
/// a drift chart per battery (at most [`MAX_DRIFT_CHARTS`]): each face's
/// share in each block against 1/k. `path` names the page in messages.
pub fn render_audit_page(path: &Path, audit: &AuditReport, faces: &Report) -> Result<Vec<u8>> {
    let target = PlotPath {
        flag: "--report",
        path: path.to_path_buf(),
        format: Format::Svg,
    };
    let svg = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    let chart = FitChart::new(faces);
    let faces_svg = if chart.k > MAX_PLOT_FACES {
        format!("<p>A die of {} faces is too many to chart.</p>", chart.k)
    } else {
        svg(render(&target, &chart)?)
    };
    let drift = page::groups(audit)
        .into_iter()
        .take(MAX_DRIFT_CHARTS)
        .map(|group| render(&target, &DriftChart::new(group, &audit.faces)).map(svg))
        .collect::<Result<Vec<_>>>()?;
    Ok(page::html(audit, &faces_svg, &drift).into_bytes())
}

/// Image formats, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Svg,
    Png,
}

/// A chart's file: the flag that named it, its path, and the image format
/// its extension asks for. Made before any work, so that a wrong name is
/// refused before the inputs are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotPath {
    flag: &'static str,
    path: PathBuf,
    format: Format,
}

impl PlotPath {
    /// Checks the file `path` given to `flag` (`--plot`, `--plot-loss`):
    /// `.svg` or `.png`, in any case; any other name is a [`UsageError`]
    /// naming the flag and the file.
    pub fn new(flag: &'static str, path: &Path) -> Result<PlotPath> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let format = match ext.as_deref() {
            Some("svg") => Format::Svg,
            Some("png") => Format::Png,
            _ => {
                return Err(UsageError(format!(
                    "{flag} {}: use a .svg or .png file",
                    path.display()
                ))
                .into())
            }
        };
        Ok(PlotPath {
            flag,
            path: path.to_path_buf(),
            format,
        })
    }

    /// The file to write.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Draws `chart` in memory, in the format `target` asks for, and returns
/// the file's bytes.
fn render<C: Chart>(target: &PlotPath, chart: &C) -> Result<Vec<u8>> {
    register_font()?;
    let size = chart.size();
    let failed = |e: &dyn std::fmt::Display| {
        anyhow!(
            "{} {}: cannot draw the chart: {e}",
            target.flag,
            target.path.display()
        )
    };
    let bytes = match target.format {
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
                chart.draw(&root).map_err(|e| failed(&e))?;
                root.present().map_err(|e| failed(&e))?;
            }
            svg.into_bytes()
        }
        Format::Png => png::render(chart, &failed)?,
    };
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_extensions_are_usage_errors() {
        for (name, flag) in [
            ("chart.gif", "--plot"),
            ("chart", "--plot"),
            ("loss.jpg", "--plot-loss"),
        ] {
            let path = Path::new(name);
            let err = PlotPath::new(flag, path).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("{flag} {name}: use a .svg or .png file")
            );
            assert!(err.downcast_ref::<UsageError>().is_some());
            assert!(!path.exists());
        }
    }
}
