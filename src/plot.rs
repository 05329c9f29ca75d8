//! Charts for `diceml fit`: the fitted die (`--plot FILE`) and the
//! optimiser's path (`--plot-loss FILE`).
//!
//! The format follows the file's extension: `.svg` (vector, text left to the
//! viewer's sans-serif font) or `.png` (a bitmap). PNG text is drawn with
//! DejaVu Sans, embedded in the binary (`assets/DejaVuSans.ttf`, licence in
//! `assets/DejaVuSans-LICENSE.txt`) and rasterised by `ab_glyph`, so charts
//! need no system fonts and no network; the same font measures the text of
//! SVG charts when they are laid out. Both formats are drawn in memory and
//! written only when complete, so a chart that cannot be drawn leaves no
//! file behind.
//!
//! - [`write_fit_plot`]: one bar per face for p = n/N, its interval as a
//!   whisker, the fitted q as a dot, the null's probabilities as a step line,
//!   faces whose interval excludes the null in another colour; one panel per
//!   group with `--by`.
//! - [`write_loss_plot`]: KL(p‖q_t) = H(p, q_t) − H(p) and max_k |q_t,k − p_k|
//!   against the iteration t, on a log scale, from [`TraceRow`]s.

use std::path::Path;
use std::sync::OnceLock;

use ab_glyph::{point, Font as _, FontRef, GlyphId, PxScale, ScaleFont as _};
use anyhow::{anyhow, Context as _, Result};
use plotters::backend::{BitMapBackend, RGBPixel, SVGBackend};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendTextStyle, DrawingErrorKind};

use crate::analysis::{DieReport, MaybeTest, Report};
use crate::error::UsageError;

/// DejaVu Sans 2.37 (Bitstream Vera licence, see assets/DejaVuSans-LICENSE.txt).
static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
/// The family name the embedded font is registered under (plotters' default).
const FAMILY: &str = "sans-serif";

/// Values of the loss chart below this are drawn at it (a log axis cannot
/// show 0, and an exact fit reaches KL = 0).
pub const LOSS_FLOOR: f64 = 1e-30;
/// Faces beyond which `--plot` refuses: the bars would be under a pixel wide.
pub const MAX_PLOT_FACES: usize = 1000;
/// Groups drawn with `--by`; later groups are left out (the title says so).
pub const MAX_PANELS: usize = 36;
/// Below this many pixels a face, the fit chart leaves out the q dots and
/// the whiskers' caps.
const DENSE_PX: f64 = 6.0;
/// Points of the loss chart's lines; longer traces are thinned evenly.
const MAX_LOSS_POINTS: usize = 4000;

const TITLE_SIZE: f64 = 22.0;
const TEXT_SIZE: f64 = 15.0;
const LABEL_SIZE: f64 = 14.0;
const CAPTION_SIZE: f64 = 16.0;
/// Gap in pixels between two face labels on the x axis.
const LABEL_GAP: f64 = 10.0;
/// Face labels longer than this are shortened with an ellipsis.
const MAX_LABEL_CHARS: usize = 12;

const BAR: RGBColor = RGBColor(96, 146, 204);
const BAR_EDGE: RGBColor = RGBColor(46, 96, 156);
const HIGHLIGHT: RGBColor = RGBColor(242, 142, 43);
const HIGHLIGHT_EDGE: RGBColor = RGBColor(178, 92, 10);
const WHISKER: RGBColor = RGBColor(35, 35, 35);
const NULL_LINE: RGBColor = RGBColor(200, 30, 45);
const GRID: RGBColor = RGBColor(225, 225, 225);
const GREY_TEXT: RGBColor = RGBColor(70, 70, 70);
const KL_LINE: RGBColor = RGBColor(46, 96, 176);
const DIFF_LINE: RGBColor = RGBColor(222, 118, 20);

pub use crate::analysis::TraceRow;

/// Writes the chart of a fit to `path` (`--plot`): SVG or PNG by the
/// extension (`.svg`, `.png`, any case).
///
/// A single die is one chart, its title giving N, K, Pearson's χ² and its
/// p-value (from `log10_p_value` as "p < 1e-N" once the p-value underflows
/// below 1e-300) against the null. Per face: a bar for p = n/N, a whisker
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
/// Errors: an extension other than .svg or .png (a [`UsageError`]), more
/// than [`MAX_PLOT_FACES`] faces, or a file that cannot be written (named
/// in the message).
pub fn write_fit_plot(path: &Path, report: &Report) -> Result<()> {
    format_of("--plot", path)?;
    let chart = FitChart::new(report);
    if chart.k > MAX_PLOT_FACES {
        return Err(UsageError(format!(
            "--plot {}: a die of {} faces is too many to chart (at most {MAX_PLOT_FACES})",
            path.display(),
            chart.k
        ))
        .into());
    }
    render("--plot", path, &chart)
}

/// Writes the optimiser's path to `path` (`--plot-loss`): SVG or PNG by the
/// extension.
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
/// Errors: an extension other than .svg or .png (a [`UsageError`]), no rows,
/// or a file that cannot be written.
pub fn write_loss_plot(path: &Path, rows: &[TraceRow]) -> Result<()> {
    format_of("--plot-loss", path)?;
    if rows.is_empty() {
        return Err(anyhow!(
            "--plot-loss {}: the optimiser's trace is empty",
            path.display()
        ));
    }
    render("--plot-loss", path, &LossChart::new(rows))
}

/// Image formats, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Svg,
    Png,
}

fn format_of(flag: &str, path: &Path) -> Result<Format> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("svg") => Ok(Format::Svg),
        Some("png") => Ok(Format::Png),
        _ => Err(UsageError(format!(
            "{flag} {}: use a .svg or .png file",
            path.display()
        ))
        .into()),
    }
}

/// Registers the embedded font once per process.
fn register_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(anyhow!(
            "the embedded font (DejaVu Sans) could not be loaded"
        ))
    }
}

type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A picture that can be drawn on any backend.
trait Chart {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws the whole picture on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// Draws `chart` in memory, in the format `path` asks for, then writes it.
fn render<C: Chart>(flag: &str, path: &Path, chart: &C) -> Result<()> {
    let format = format_of(flag, path)?;
    register_font()?;
    let size = chart.size();
    let failed = |e: &dyn std::fmt::Display| {
        anyhow!("{flag} {}: cannot draw the chart: {e}", path.display())
    };
    let bytes = match format {
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
                chart.draw(&root).map_err(|e| failed(&e))?;
                root.present().map_err(|e| failed(&e))?;
            }
            svg.into_bytes()
        }
        Format::Png => {
            let font = FontRef::try_from_slice(FONT)
                .map_err(|_| anyhow!("the embedded font (DejaVu Sans) could not be loaded"))?;
            let mut rgb = vec![0u8; size.0 as usize * size.1 as usize * 3];
            {
                let inner = BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut rgb, size)
                    .map_err(|e| failed(&e))?;
                let root = PngBackend { inner, font }.into_drawing_area();
                chart.draw(&root).map_err(|e| failed(&e))?;
                root.present().map_err(|e| failed(&e))?;
            }
            encode_png(&rgb, size).map_err(|e| failed(&e))?
        }
    };
    std::fs::write(path, bytes)
        .with_context(|| format!("{}: cannot write the chart", path.display()))
}

/// Encodes 8-bit RGB pixels as a PNG file.
fn encode_png(
    rgb: &[u8],
    (width, height): (u32, u32),
) -> std::result::Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

/// The bitmap backend with its own text drawing.
///
/// plotters 0.3.7 draws `ab_glyph` text glyph by glyph at each glyph's ink
/// box, dropping the left side bearing, so letters sit unevenly ("inte rval");
/// this places every glyph at its pen position instead. Everything else is
/// the bitmap backend's. Text is laid out in the box plotters measures
/// (advances and kerning, height size/1.24), the line's middle between
/// ascender and descender at the box's middle, and rotated as asked.
struct PngBackend<'a> {
    inner: BitMapBackend<'a, RGBPixel>,
    font: FontRef<'static>,
}

type PngError<'a> = DrawingErrorKind<<BitMapBackend<'a, RGBPixel> as DrawingBackend>::ErrorType>;

impl<'a> DrawingBackend for PngBackend<'a> {
    type ErrorType = <BitMapBackend<'a, RGBPixel> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> std::result::Result<(), PngError<'a>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> std::result::Result<(), PngError<'a>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> std::result::Result<(), PngError<'a>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: plotters_backend::BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> std::result::Result<(), PngError<'a>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: plotters_backend::BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> std::result::Result<(), PngError<'a>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: plotters_backend::BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> std::result::Result<(), PngError<'a>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: plotters_backend::BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> std::result::Result<(), PngError<'a>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: plotters_backend::BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> std::result::Result<(), PngError<'a>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> std::result::Result<(), PngError<'a>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> std::result::Result<(), PngError<'a>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let scale = PxScale::from(style.size() as f32);
        let font = self.font.as_scaled(scale);
        // Pen positions, as plotters measures the text.
        let mut pens = Vec::with_capacity(text.len());
        let mut pen = 0.0f32;
        let mut prev: Option<GlyphId> = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(prev) = prev {
                pen += font.kern(prev, id);
            }
            pens.push((id, pen));
            pen += font.h_advance(id);
            prev = Some(id);
        }
        let width = pen as i32;
        let height = (style.size() / 1.24) as i32;
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let baseline = height as f32 / 2.0 + (font.ascent() + font.descent()) / 2.0;
        let transform = style.transform();
        let mut result = Ok(());
        for (id, x) in pens {
            let glyph = id.with_scale_and_position(scale, point(x, baseline));
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            let (x0, y0) = (bounds.min.x as i32, bounds.min.y as i32);
            let inner = &mut self.inner;
            outline.draw(|gx, gy, coverage| {
                if result.is_err() || coverage <= 0.0 {
                    return;
                }
                let (tx, ty) = transform.transform(x0 + gx as i32 + dx, y0 + gy as i32 + dy);
                let pixel = BackendColor {
                    alpha: color.alpha * f64::from(coverage.min(1.0)),
                    rgb: color.rgb,
                };
                result = inner.draw_pixel((pos.0 + tx, pos.1 + ty), pixel);
            });
        }
        result
    }
}

// ---------------------------------------------------------------- fit chart

/// One die to draw, with its caption in a grid.
struct Panel<'a> {
    caption: Option<String>,
    die: &'a DieReport,
}

/// The chart of a `fit` report: one panel, or a grid of them.
struct FitChart<'a> {
    title: String,
    panels: Vec<Panel<'a>>,
    k: usize,
    grouped: bool,
    /// The probability axis' top, shared by all panels.
    y_max: f64,
}

impl<'a> FitChart<'a> {
    fn new(report: &'a Report) -> Self {
        let (title, panels, k, grouped) = match report {
            Report::Single(single) => {
                let die = &single.die;
                let chi = &die.tests.chi_square.result;
                let title = format!(
                    "N = {}, K = {}: Pearson \u{3c7}\u{b2} = {}, df = {}, {} against {}",
                    die.n,
                    die.k,
                    number(chi.statistic),
                    chi.df,
                    p_text(chi.p_value, chi.log10_p_value),
                    null_name(&die.null)
                );
                let panels = vec![Panel { caption: None, die }];
                (title, panels, die.k, false)
            }
            Report::Grouped(grouped) => {
                let total = grouped.groups.len();
                let shown = total.min(MAX_PANELS);
                let mut title = format!("{total} groups, K = {}", grouped.k);
                if shown < total {
                    title.push_str(&format!(" (the first {shown} drawn)"));
                }
                match &grouped.homogeneity {
                    MaybeTest::Done(t) => title.push_str(&format!(
                        ": groups alike? \u{3c7}\u{b2} {}",
                        p_text(t.result.p_value, t.result.log10_p_value)
                    )),
                    MaybeTest::Skipped { .. } => {}
                }
                if let Some(first) = grouped.groups.first() {
                    title.push_str(&format!("; null: {}", null_name(&first.die.null)));
                }
                let panels = grouped.groups[..shown]
                    .iter()
                    .map(|g| {
                        let chi = &g.die.tests.chi_square;
                        let mut caption = format!(
                            "{}: N = {}, \u{3c7}\u{b2} {}",
                            shorten(
                                if g.group.is_empty() {
                                    "(empty)"
                                } else {
                                    &g.group
                                },
                                24
                            ),
                            g.die.n,
                            p_text(chi.result.p_value, chi.result.log10_p_value)
                        );
                        if let Some(adj) = chi.p_adjusted.filter(|_| grouped.adjust != "none") {
                            caption.push_str(&format!(" ({}: {})", grouped.adjust, p_number(adj)));
                        }
                        Panel {
                            caption: Some(caption),
                            die: &g.die,
                        }
                    })
                    .collect();
                (title, panels, grouped.k, true)
            }
        };
        let top = panels
            .iter()
            .flat_map(|panel| {
                let die = panel.die;
                die.faces
                    .iter()
                    .flat_map(|f| [f.p, f.q, f.ci_high])
                    .chain(die.null.iter().copied())
            })
            .filter(|x| x.is_finite())
            .fold(0.0, f64::max);
        let y_max = if top > 0.0 {
            (top * 1.08).min(1.0).max(top)
        } else {
            1.0
        };
        FitChart {
            title,
            panels,
            k,
            grouped,
            y_max,
        }
    }

    /// Panels per row and rows.
    fn grid(&self) -> (usize, usize) {
        let g = self.panels.len().max(1);
        let cols = if g <= 3 {
            g
        } else {
            (g as f64).sqrt().ceil() as usize
        };
        (cols, g.div_ceil(cols))
    }

    /// The legend's entries.
    fn legend(&self) -> Vec<(Swatch, String)> {
        let Some(first) = self.panels.first() else {
            return Vec::new();
        };
        let die = first.die;
        let ci = &die.ci;
        let fit = &die.fit;
        let target = if fit.target == "smoothed" {
            ", to the smoothed target"
        } else {
            ""
        };
        let status = if !self.grouped {
            if fit.converged {
                format!(": converged in {} iterations", fit.iterations)
            } else {
                format!(": NOT converged in {} iterations", fit.iterations)
            }
        } else if self.panels.iter().all(|p| p.die.fit.converged) {
            ": converged".to_string()
        } else {
            ": NOT converged in some groups".to_string()
        };
        let level = (ci.level * 100.0 * 1e6).round() / 1e6;
        let null = if null_name(&die.null) == "a fair die" {
            "null p0: a fair die"
        } else {
            "null p0 (--expected)"
        };
        let panel_w = if self.grouped {
            self.size().0 / self.grid().0.max(1) as u32
        } else {
            self.size().0
        };
        let dense = panel_plot_width(panel_w) / (self.k.max(1) as f64) < DENSE_PX;
        let mut entries = vec![
            (Swatch::Bar(BAR, BAR_EDGE), "p = n/N".to_string()),
            (
                Swatch::Bar(HIGHLIGHT, HIGHLIGHT_EDGE),
                "p = n/N, interval excludes the null".to_string(),
            ),
            (
                Swatch::Whisker,
                format!(
                    "{level}% interval ({}, {})",
                    ci.method,
                    if ci.simultaneous {
                        "all faces at once"
                    } else {
                        "per face"
                    }
                ),
            ),
            (
                Swatch::Dot,
                format!("fitted q ({}{target}{status})", fit.method),
            ),
            (Swatch::Line(NULL_LINE), null.to_string()),
        ];
        if dense {
            // No room for the dots (q sits at the bar tops anyway).
            entries.retain(|(swatch, _)| !matches!(swatch, Swatch::Dot));
        }
        entries
    }
}

impl Chart for FitChart<'_> {
    fn size(&self) -> (u32, u32) {
        let k = self.k as u32;
        if !self.grouped {
            return ((160 + 12 * k).clamp(900, 2400), 600);
        }
        let (cols, rows) = self.grid();
        let panel_w = (140 + 9 * k).clamp(560, 1200);
        (cols as u32 * panel_w, 110 + rows as u32 * 380)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let (width, _) = root.dim_in_pixel();
        let legend = self.legend();
        let legend_rows = layout_legend(root, &legend, width as i32 - 40)?;
        let header = 48 + 24 * legend_rows.len() as u32;
        let (head, body) = root.split_vertically(header);
        head.draw(&Text::new(
            self.title.clone(),
            (20, 12),
            text_style(TITLE_SIZE, &BLACK),
        ))?;
        draw_legend(&head, &legend_rows, 20, 48)?;
        if !self.grouped {
            if let Some(panel) = self.panels.first() {
                draw_panel(&body, panel, self.y_max)?;
            }
            return Ok(());
        }
        let (cols, rows) = self.grid();
        for (area, panel) in body.split_evenly((rows, cols)).iter().zip(&self.panels) {
            draw_panel(area, panel, self.y_max)?;
        }
        Ok(())
    }
}

const PANEL_MARGIN: u32 = 12;
const PANEL_EXTRA_RIGHT: u32 = 8;
const PANEL_Y_AREA: u32 = 70;

/// The plotting width of a panel `width` pixels wide.
fn panel_plot_width(width: u32) -> f64 {
    f64::from(
        width
            .saturating_sub(2 * PANEL_MARGIN + PANEL_EXTRA_RIGHT + PANEL_Y_AREA)
            .max(1),
    )
}

/// Draws one die: bars, whiskers, q dots and the null line.
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    y_max: f64,
) -> DrawResult<DB> {
    let die = panel.die;
    let k = die.faces.len();
    let labels: Vec<String> = die
        .faces
        .iter()
        .map(|f| shorten(&f.face, MAX_LABEL_CHARS))
        .collect();
    let label_style = text_style(LABEL_SIZE, &BLACK);
    let mut label_w = 0.0f64;
    for label in &labels {
        label_w = label_w.max(f64::from(area.estimate_text_size(label, &label_style)?.0));
    }
    let (margin, y_area, x_area) = (PANEL_MARGIN, PANEL_Y_AREA, 46u32);
    let plot_w = panel_plot_width(area.dim_in_pixel().0);
    let per_face = plot_w / k.max(1) as f64;
    // Under DENSE_PX pixels a face, dots and caps would only blot the bars.
    let dense = per_face < DENSE_PX;
    let ticks: Vec<f64> = tick_indices(&labels, label_w + LABEL_GAP, plot_w)
        .into_iter()
        .map(|i| i as f64)
        .collect();

    let mut builder = ChartBuilder::on(area);
    builder
        .margin(margin)
        .margin_right(margin + PANEL_EXTRA_RIGHT)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area);
    if let Some(caption) = &panel.caption {
        builder.caption(caption, text_style(CAPTION_SIZE, &BLACK));
    }
    let x_range = FaceAxis { k: k as f64, ticks };
    let mut chart = builder.build_cartesian_2d(x_range, 0.0..y_max)?;
    let face_label = |x: &f64| {
        let i = x.round();
        if i >= 0.0 && (i as usize) < labels.len() {
            labels[i as usize].clone()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(WHITE)
        .y_labels(8)
        .x_label_formatter(&face_label)
        .label_style(label_style.clone())
        .axis_desc_style(text_style(TEXT_SIZE, &BLACK))
        .x_desc("face")
        .y_desc("probability")
        .draw()?;

    let excludes = |i: usize| {
        let p0 = die.null.get(i).copied().unwrap_or(f64::NAN);
        let f = &die.faces[i];
        p0 < f.ci_low || p0 > f.ci_high
    };
    // A light band behind each face whose interval excludes the null, so the
    // highlight shows even where p = 0 leaves no bar.
    chart.draw_series((0..k).filter(|&i| excludes(i)).map(|i| {
        Rectangle::new(
            [(i as f64 - 0.5, 0.0), (i as f64 + 0.5, y_max)],
            HIGHLIGHT.mix(0.12).filled(),
        )
    }))?;
    let half = 0.36f64.min(60.0 / per_face);
    chart.draw_series(die.faces.iter().enumerate().map(|(i, f)| {
        let fill = if excludes(i) { HIGHLIGHT } else { BAR };
        Rectangle::new(
            [(i as f64 - half, 0.0), (i as f64 + half, f.p)],
            fill.filled(),
        )
    }))?;
    if per_face >= 14.0 {
        chart.draw_series(die.faces.iter().enumerate().map(|(i, f)| {
            let edge = if excludes(i) {
                HIGHLIGHT_EDGE
            } else {
                BAR_EDGE
            };
            Rectangle::new(
                [(i as f64 - half, 0.0), (i as f64 + half, f.p)],
                edge.stroke_width(1),
            )
        }))?;
    }

    let null_steps: Vec<(f64, f64)> = die
        .null
        .iter()
        .enumerate()
        .flat_map(|(i, &p0)| [(i as f64 - 0.5, p0), (i as f64 + 0.5, p0)])
        .collect();
    chart.draw_series(std::iter::once(PathElement::new(
        null_steps,
        NULL_LINE.stroke_width(2),
    )))?;

    let stroke = if per_face >= 20.0 { 2 } else { 1 };
    let cap = if dense {
        0.0
    } else {
        0.2f64.min(12.0 / per_face)
    };
    chart.draw_series(die.faces.iter().enumerate().flat_map(|(i, f)| {
        let x = i as f64;
        let style = WHISKER.stroke_width(stroke);
        [
            PathElement::new(vec![(x, f.ci_low), (x, f.ci_high)], style),
            PathElement::new(vec![(x - cap, f.ci_low), (x + cap, f.ci_low)], style),
            PathElement::new(vec![(x - cap, f.ci_high), (x + cap, f.ci_high)], style),
        ]
    }))?;

    let radius = (per_face * 0.25).clamp(4.0, 6.0) as u32;
    if dense {
        return Ok(());
    }
    // A ring: black disc, white centre (plotters' stroked circles are uneven).
    chart.draw_series(
        die.faces
            .iter()
            .enumerate()
            .map(|(i, f)| Circle::new((i as f64, f.q), radius, BLACK.filled())),
    )?;
    chart.draw_series(
        die.faces
            .iter()
            .enumerate()
            .map(|(i, f)| Circle::new((i as f64, f.q), radius.saturating_sub(2), WHITE.filled())),
    )?;
    Ok(())
}

/// The face axis: face i (0-based) at x = i, from −0.5 to K − 0.5, with
/// labels (and ticks) at `ticks` only. (plotters' own `with_key_points` on
/// an f64 range cannot take a label formatter.)
struct FaceAxis {
    k: f64,
    ticks: Vec<f64>,
}

impl Ranged for FaceAxis {
    type ValueType = f64;
    type FormatOption = DefaultFormatting;

    fn map(&self, &v: &f64, (from, to): (i32, i32)) -> i32 {
        let t = (v + 0.5) / self.k.max(1.0);
        from + ((to - from) as f64 * t).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        -0.5..self.k - 0.5
    }
}

/// Indices of the faces whose labels are shown: every `step`-th face, the
/// step (1, 2, 5, 10, 20, 50, ...) being the smallest at which labels
/// `label_w` pixels wide (gap included) fit into `plot_w` pixels. Integer
/// faces in a run (1..K, 0..K−1) are labelled at multiples of the step, plus
/// the first face when it has room.
fn tick_indices(labels: &[String], label_w: f64, plot_w: f64) -> Vec<usize> {
    let k = labels.len();
    if k == 0 {
        return Vec::new();
    }
    let per_face = plot_w / k as f64;
    let need = if per_face > 0.0 {
        (label_w / per_face).ceil()
    } else {
        f64::INFINITY
    };
    let mut step = 1usize;
    let mut nice = [1usize, 2, 5].iter().cycle().enumerate();
    while (step as f64) < need && step < k {
        let Some((n, &m)) = nice.next() else { break };
        step = m.saturating_mul(10usize.saturating_pow((n / 3) as u32));
    }
    if step <= 1 {
        return (0..k).collect();
    }
    let first: Option<i64> = labels[0].parse().ok();
    let run = first.filter(|&first| {
        labels
            .iter()
            .enumerate()
            .all(|(i, l)| l.parse::<i64>().ok() == first.checked_add(i as i64))
    });
    let Some(first) = run else {
        return (0..k).step_by(step).collect();
    };
    let step_i = step as i64;
    let mut ticks: Vec<usize> = (0..k)
        .filter(|&i| (first + i as i64).rem_euclid(step_i) == 0)
        .collect();
    match ticks.first() {
        Some(&next) if next > 0 && next as f64 * per_face >= label_w => ticks.insert(0, 0),
        None => ticks.push(0),
        _ => {}
    }
    ticks
}

// --------------------------------------------------------------- loss chart

/// The chart of an optimiser trace.
struct LossChart {
    /// (iteration, KL, max|q − p|), thinned, floored; non-finite as NaN.
    points: Vec<(u64, f64, f64)>,
    last: TraceRow,
    rows: usize,
    floored: bool,
}

impl LossChart {
    fn new(rows: &[TraceRow]) -> Self {
        let stride = rows.len().div_ceil(MAX_LOSS_POINTS).max(1);
        let last_index = rows.len().saturating_sub(1);
        let mut floored = false;
        let mut floor = |x: f64| {
            if !x.is_finite() {
                f64::NAN
            } else if x < LOSS_FLOOR {
                floored = true;
                LOSS_FLOOR
            } else {
                x
            }
        };
        let points = rows
            .iter()
            .enumerate()
            .filter(|&(i, _)| i % stride == 0 || i == last_index)
            .map(|(_, r)| (r.iteration, floor(r.kl), floor(r.max_abs_diff)))
            .collect();
        let last = rows.last().copied().unwrap_or(TraceRow {
            iteration: 0,
            cross_entropy: 0.0,
            kl: 0.0,
            max_abs_diff: 0.0,
            step: 0.0,
        });
        LossChart {
            points,
            last,
            rows: rows.len(),
            floored,
        }
    }

    /// The y axis as powers of ten: (lowest, highest) exponent.
    fn decades(&self) -> (i32, i32) {
        let values = self
            .points
            .iter()
            .flat_map(|&(_, a, b)| [a, b])
            .filter(|x| x.is_finite());
        let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        });
        if !lo.is_finite() || hi <= 0.0 {
            return (LOSS_FLOOR.log10() as i32, 0);
        }
        // 10^308 is the largest power of ten an f64 holds.
        let hi = (hi.log10().ceil() as i32).min(308);
        let lo = (lo.log10().floor() as i32).min(hi - 1);
        (lo, hi)
    }
}

impl Chart for LossChart {
    fn size(&self) -> (u32, u32) {
        (1000, 620)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let legend = vec![
            (
                Swatch::Line(KL_LINE),
                "loss gap H(p, q_t) \u{2212} H(p) = KL(p\u{2016}q_t), nats".to_string(),
            ),
            (
                Swatch::Line(DIFF_LINE),
                "max_k |q_t,k \u{2212} p_k| (the stopping rule's distance)".to_string(),
            ),
        ];
        let (width, _) = root.dim_in_pixel();
        let legend_rows = layout_legend(root, &legend, width as i32 - 40)?;
        let header = 74 + 24 * legend_rows.len() as u32;
        let (head, body) = root.split_vertically(header);
        head.draw(&Text::new(
            "How the fit converges: the loss gap and max|q \u{2212} p| per iteration",
            (20, 12),
            text_style(TITLE_SIZE, &BLACK),
        ))?;
        let mut subtitle = format!(
            "{} trace rows; at iteration {}: KL = {} nats, max|q \u{2212} p| = {}",
            self.rows,
            self.last.iteration,
            small(self.last.kl),
            small(self.last.max_abs_diff)
        );
        if self.floored {
            subtitle.push_str(&format!(
                "; values below {} drawn at {}",
                exp10(LOSS_FLOOR.log10() as i32),
                exp10(LOSS_FLOOR.log10() as i32)
            ));
        }
        head.draw(&Text::new(
            subtitle,
            (20, 42),
            text_style(TEXT_SIZE, &GREY_TEXT),
        ))?;
        draw_legend(&head, &legend_rows, 20, 72)?;

        let (lo, hi) = self.decades();
        let stride = ((hi - lo) as usize).div_ceil(12).max(1) as i32;
        let ticks: Vec<f64> = (lo..=hi)
            .filter(|e| e.rem_euclid(stride) == 0)
            .map(|e| 10f64.powi(e))
            .collect();
        let x_max = self.points.iter().map(|p| p.0).max().unwrap_or(0).max(1);
        let y_range = (10f64.powi(lo)..10f64.powi(hi))
            .log_scale()
            .with_key_points(ticks);
        let mut chart = ChartBuilder::on(&body)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(46)
            .y_label_area_size(74)
            .build_cartesian_2d(0u64..x_max, y_range)?;
        let y_label = |y: &f64| exp10(y.log10().round() as i32);
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(10)
            .y_label_formatter(&y_label)
            .label_style(text_style(LABEL_SIZE, &BLACK))
            .axis_desc_style(text_style(TEXT_SIZE, &BLACK))
            .x_desc("iteration t")
            .y_desc("log\u{2081}\u{2080} scale")
            .draw()?;
        for (line, value) in [
            (
                KL_LINE,
                (|p: &(u64, f64, f64)| p.1) as fn(&(u64, f64, f64)) -> f64,
            ),
            (DIFF_LINE, |p| p.2),
        ] {
            // A non-finite value breaks the line there.
            for run in self
                .points
                .split(|p| !value(p).is_finite())
                .filter(|run| !run.is_empty())
            {
                let points: Vec<(u64, f64)> = run.iter().map(|p| (p.0, value(p))).collect();
                chart.draw_series(std::iter::once(PathElement::new(
                    points.clone(),
                    line.stroke_width(2),
                )))?;
                if self.points.len() <= 60 {
                    chart.draw_series(
                        points.into_iter().map(|p| Circle::new(p, 3, line.filled())),
                    )?;
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- legends

/// A legend entry's symbol.
#[derive(Debug, Clone, Copy)]
enum Swatch {
    /// A filled box with an edge.
    Bar(RGBColor, RGBColor),
    /// A line.
    Line(RGBColor),
    /// The interval's whisker.
    Whisker,
    /// The fitted q's white dot.
    Dot,
}

/// Width of a swatch and the gaps around it, in pixels.
const SWATCH_W: i32 = 26;
const SWATCH_GAP: i32 = 8;
const ENTRY_GAP: i32 = 26;

/// One row of a legend: entries with their x offsets.
type LegendRow = Vec<(i32, Swatch, String)>;

/// Splits the legend into rows no wider than `width` pixels: per row, the
/// entries with their x offsets.
fn layout_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Swatch, String)],
    width: i32,
) -> std::result::Result<Vec<LegendRow>, DrawingAreaErrorKind<DB::ErrorType>> {
    let style = text_style(TEXT_SIZE, &BLACK);
    let mut rows: Vec<LegendRow> = Vec::new();
    let mut x = 0;
    for (swatch, text) in entries {
        let w = SWATCH_W + SWATCH_GAP + area.estimate_text_size(text, &style)?.0 as i32;
        if rows.is_empty() || (x > 0 && x + w > width) {
            rows.push(Vec::new());
            x = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, *swatch, text.clone()));
        }
        x += w + ENTRY_GAP;
    }
    Ok(rows)
}

/// Draws legend rows from (x0, y0), 24 pixels apart.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[LegendRow],
    x0: i32,
    y0: i32,
) -> DrawResult<DB> {
    let style = text_style(TEXT_SIZE, &BLACK).pos(Pos::new(HPos::Left, VPos::Center));
    for (r, row) in rows.iter().enumerate() {
        let y = y0 + 24 * r as i32 + 9;
        for (dx, swatch, text) in row {
            let x = x0 + dx;
            match *swatch {
                Swatch::Bar(fill, edge) => {
                    area.draw(&Rectangle::new(
                        [(x, y - 7), (x + SWATCH_W, y + 7)],
                        fill.filled(),
                    ))?;
                    area.draw(&Rectangle::new(
                        [(x, y - 7), (x + SWATCH_W, y + 7)],
                        edge.stroke_width(1),
                    ))?;
                }
                Swatch::Line(colour) => {
                    area.draw(&PathElement::new(
                        vec![(x, y), (x + SWATCH_W, y)],
                        colour.stroke_width(2),
                    ))?;
                }
                Swatch::Whisker => {
                    let c = x + SWATCH_W / 2;
                    let style = WHISKER.stroke_width(2);
                    area.draw(&PathElement::new(vec![(c, y - 8), (c, y + 8)], style))?;
                    area.draw(&PathElement::new(
                        vec![(c - 5, y - 8), (c + 5, y - 8)],
                        style,
                    ))?;
                    area.draw(&PathElement::new(
                        vec![(c - 5, y + 8), (c + 5, y + 8)],
                        style,
                    ))?;
                }
                Swatch::Dot => {
                    let c = (x + SWATCH_W / 2, y);
                    area.draw(&Circle::new(c, 5, BLACK.filled()))?;
                    area.draw(&Circle::new(c, 3, WHITE.filled()))?;
                }
            }
            area.draw(&Text::new(
                text.clone(),
                (x + SWATCH_W + SWATCH_GAP, y),
                style.clone(),
            ))?;
        }
    }
    Ok(())
}

// ----------------------------------------------------------------- text

fn text_style(size: f64, colour: &RGBColor) -> TextStyle<'static> {
    let mut style = TextStyle::from((FAMILY, size));
    style.color = colour.to_backend_color();
    style
}

/// "p = 0.4120", "p = 1.56e-144", or from the log once p is below 1e-300:
/// "p < 1e-1234".
fn p_text(p: f64, log10_p: f64) -> String {
    if p >= 1e-300 || p.is_nan() {
        format!("p = {}", p_number(p))
    } else if log10_p.is_finite() && log10_p > -1e300 {
        format!("p < 1e-{:.0}", (-log10_p).floor().max(300.0))
    } else {
        "p < 1e-300".to_string()
    }
}

/// A p-value as the table prints it: 4 decimals, or 3 significant digits
/// below 0.001.
fn p_number(p: f64) -> String {
    if p >= 1e-3 || p == 0.0 {
        format!("{p:.4}")
    } else {
        format!("{p:.2e}")
    }
}

/// A statistic or a level: shortest of 2 decimals, an integer.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else if x.abs() >= 1e6 {
        format!("{x:.3e}")
    } else {
        format!("{x:.2}")
    }
}

/// A small non-negative quantity: 2 significant digits.
fn small(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format!("{x:.1e}")
    }
}

/// 10^e as an axis label: "0.01" to "100", else "1e-10".
fn exp10(e: i32) -> String {
    match e {
        -2 => "0.01".into(),
        -1 => "0.1".into(),
        0 => "1".into(),
        1 => "10".into(),
        2 => "100".into(),
        _ => format!("1e{e}"),
    }
}

/// "a fair die", or "the --expected null" for any other.
fn null_name(null: &[f64]) -> &'static str {
    let fair = null
        .first()
        .is_some_and(|&first| null.iter().all(|&p| (p - first).abs() <= 1e-12 * first));
    if fair {
        "a fair die"
    } else {
        "the --expected null"
    }
}

/// At most `max` characters, the last an ellipsis when shortened.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('\u{2026}');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyse, AnalysisOptions};
    use crate::io::Input;
    use crate::read::{ColumnSpec, Progress, ReadOptions, Reader};

    /// Runs the real pipeline on an in-memory log.
    fn report_of(log: &str, options: &ReadOptions) -> Report {
        let mut reader = Reader::new(options);
        let input = Input {
            reader: Box::new(std::io::Cursor::new(log.as_bytes().to_vec())),
            name: "<test>".into(),
            file: None,
        };
        reader.read(input, &Progress::default()).unwrap();
        let data = reader.finish(false).unwrap();
        analyse(&data, options.by.is_some(), &AnalysisOptions::default()).unwrap()
    }

    /// A d6 whose 6 comes up far too often: 80 rolls.
    fn loaded_d6() -> Report {
        let counts = [10, 10, 10, 10, 10, 30];
        let mut log = String::from("face\n");
        for (face, &n) in counts.iter().enumerate() {
            for _ in 0..n {
                log.push_str(&format!("{}\n", face + 1));
            }
        }
        report_of(&log, &ReadOptions::default())
    }

    /// Three players' d4 rolls (`--by user --column face`).
    fn grouped_d4() -> Report {
        let mut log = String::from("user,face\n");
        for (user, counts) in [
            ("ann", [5, 6, 7, 6]),
            ("ben", [9, 3, 3, 9]),
            ("cy", [2, 2, 2, 20]),
        ] {
            for (face, &n) in counts.iter().enumerate() {
                for _ in 0..n {
                    log.push_str(&format!("{user},{}\n", face + 1));
                }
            }
        }
        let options = ReadOptions {
            by: Some(ColumnSpec::Name("user".into())),
            column: Some(ColumnSpec::Name("face".into())),
            ..ReadOptions::default()
        };
        report_of(&log, &options)
    }

    /// Filled, opaque rectangles in a bar colour: the bars and the two
    /// legend swatches.
    fn bar_rects(svg: &str) -> usize {
        let fills = [
            format!("fill=\"#{:02X}{:02X}{:02X}\"", BAR.0, BAR.1, BAR.2),
            format!(
                "fill=\"#{:02X}{:02X}{:02X}\"",
                HIGHLIGHT.0, HIGHLIGHT.1, HIGHLIGHT.2
            ),
        ];
        svg.lines()
            .filter(|l| l.starts_with("<rect") && l.contains("opacity=\"1\""))
            .filter(|l| fills.iter().any(|f| l.contains(f.as_str())))
            .count()
    }

    /// Width and height from a PNG's IHDR chunk, after checking the
    /// signature.
    fn png_size(bytes: &[u8]) -> (u32, u32) {
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
        assert_eq!(&bytes[12..16], b"IHDR");
        let be = |at: usize| {
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        (be(16), be(20))
    }

    /// Decodes a PNG to 8-bit RGB.
    fn png_pixels(bytes: &[u8]) -> (Vec<u8>, u32, u32) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        buf.truncate(info.buffer_size());
        (buf, info.width, info.height)
    }

    fn chi_p_text(report: &Report) -> String {
        let Report::Single(single) = report else {
            panic!("a single die")
        };
        let chi = &single.die.tests.chi_square.result;
        p_text(chi.p_value, chi.log10_p_value)
    }

    #[test]
    fn svg_fit_chart_has_the_title_and_one_bar_per_face() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fit.svg");
        let report = loaded_d6();
        write_fit_plot(&path, &report).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("N = 80, K = 6"), "{svg}");
        let p = chi_p_text(&report);
        assert!(p.starts_with("p = "), "{p}");
        assert!(svg.contains(&p), "title lacks {p}");
        assert!(svg.contains("against a fair die"));
        assert_eq!(bar_rects(&svg), 6 + 2);
        // Face 6's interval excludes 1/6: its bar is highlighted and banded.
        assert!(svg.contains("opacity=\"0.12\""));
        for face in 1..=6 {
            assert!(svg.contains(&format!("\n{face}\n</text>")), "label {face}");
        }
    }

    #[test]
    fn png_fit_chart_decodes_and_has_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fit.PNG");
        write_fit_plot(&path, &loaded_d6()).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(png_size(&bytes), (900, 600));
        let (rgb, width, _) = png_pixels(&bytes);
        // The title (drawn with the embedded font, no system fonts) leaves
        // dark pixels in its band at the top left.
        let dark = (12..36)
            .flat_map(|y| (20..400).map(move |x| (y * width as usize + x) * 3))
            .filter(|&i| rgb[i] < 100 && rgb[i + 1] < 100 && rgb[i + 2] < 100)
            .count();
        assert!(dark > 200, "{dark} dark pixels in the title band");
        // Orange bars are there.
        let orange = rgb
            .chunks_exact(3)
            .filter(|px| px == &[HIGHLIGHT.0, HIGHLIGHT.1, HIGHLIGHT.2])
            .count();
        assert!(orange > 1000);
    }

    #[test]
    fn grouped_chart_has_one_panel_per_group() {
        let dir = tempfile::tempdir().unwrap();
        let report = grouped_d4();
        let svg_path = dir.path().join("groups.svg");
        write_fit_plot(&svg_path, &report).unwrap();
        let svg = std::fs::read_to_string(&svg_path).unwrap();
        assert!(svg.contains("3 groups, K = 4"));
        for user in ["ann: N = 24", "ben: N = 24", "cy: N = 26"] {
            assert!(svg.contains(user), "{user}");
        }
        assert!(svg.contains("(holm: "));
        assert_eq!(bar_rects(&svg), 3 * 4 + 2);
        let png_path = dir.path().join("groups.png");
        write_fit_plot(&png_path, &report).unwrap();
        // Three panels in a row of 560 pixels each.
        let (width, height) = png_size(&std::fs::read(&png_path).unwrap());
        assert_eq!((width, height), (3 * 560, 110 + 380));
    }

    #[test]
    fn a_hundred_faces_fit_and_their_labels_thin_out() {
        let mut log = String::new();
        for face in 1..=100 {
            for _ in 0..(face % 7 + 3) {
                log.push_str(&format!("{face}\n"));
            }
        }
        let report = report_of(&log, &ReadOptions::default());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d100.svg");
        write_fit_plot(&path, &report).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert_eq!(bar_rects(&svg), 100 + 2);
        for shown in ["1", "5", "50", "100"] {
            assert!(
                svg.contains(&format!("\n{shown}\n</text>")),
                "label {shown}"
            );
        }
        for hidden in ["2", "51", "99"] {
            assert!(
                !svg.contains(&format!("\n{hidden}\n</text>")),
                "label {hidden}"
            );
        }
        let png = dir.path().join("d100.png");
        write_fit_plot(&png, &report).unwrap();
        assert_eq!(png_size(&std::fs::read(&png).unwrap()), (1360, 600));
    }

    #[test]
    fn tick_labels_never_overlap() {
        let numbers =
            |from: i64, k: i64| (from..from + k).map(|i| i.to_string()).collect::<Vec<_>>();
        // Room for every label.
        assert_eq!(
            tick_indices(&numbers(1, 6), 20.0, 800.0),
            (0..6).collect::<Vec<_>>()
        );
        // A d100 on 1250 pixels with 30-pixel labels: 1, 5, 10, ..., 100.
        let ticks = tick_indices(&numbers(1, 100), 30.0, 1250.0);
        let faces: Vec<usize> = ticks.iter().map(|i| i + 1).collect();
        assert_eq!(faces[..4], [1, 5, 10, 15]);
        assert_eq!(faces.last(), Some(&100));
        // A d10 numbered from 0, crowded: multiples of the step.
        assert_eq!(tick_indices(&numbers(0, 10), 30.0, 100.0), vec![0, 5]);
        // Labels: every step-th from the first.
        let words: Vec<String> = (0..9).map(|i| format!("w{i}")).collect();
        assert_eq!(tick_indices(&words, 50.0, 180.0), vec![0, 5]);
        for k in [2i64, 7, 20, 37, 100, 1000] {
            for plot_w in [300.0, 900.0, 2300.0] {
                let per_face = plot_w / k as f64;
                let ticks = tick_indices(&numbers(1, k), 34.0, plot_w);
                assert!(!ticks.is_empty());
                for pair in ticks.windows(2) {
                    assert!(
                        (pair[1] - pair[0]) as f64 * per_face >= 34.0,
                        "k {k}, {plot_w}: {ticks:?}"
                    );
                }
            }
        }
        assert!(tick_indices(&[], 10.0, 100.0).is_empty());
    }

    fn rows(values: &[(f64, f64)]) -> Vec<TraceRow> {
        values
            .iter()
            .enumerate()
            .map(|(i, &(kl, diff))| TraceRow {
                iteration: i as u64,
                cross_entropy: 1.7 + kl,
                kl,
                max_abs_diff: diff,
                step: if i == 0 { 0.0 } else { 2.0 },
            })
            .collect()
    }

    #[test]
    fn loss_chart_floors_a_zero_kl() {
        let trace = rows(&[(0.1, 0.2), (1e-3, 0.02), (1e-9, 3e-5), (0.0, 0.0)]);
        let dir = tempfile::tempdir().unwrap();
        let svg_path = dir.path().join("loss.svg");
        write_loss_plot(&svg_path, &trace).unwrap();
        let svg = std::fs::read_to_string(&svg_path).unwrap();
        assert!(svg.contains("values below 1e-30 drawn at 1e-30"), "{svg}");
        assert!(svg.contains("KL(p\u{2016}q_t)"));
        assert!(
            svg.contains("\n1e-30\n</text>"),
            "the axis reaches the floor"
        );
        let png_path = dir.path().join("loss.png");
        write_loss_plot(&png_path, &trace).unwrap();
        assert_eq!(png_size(&std::fs::read(&png_path).unwrap()), (1000, 620));
        // Without zeros the floor is not mentioned.
        write_loss_plot(&svg_path, &trace[..3]).unwrap();
        let svg = std::fs::read_to_string(&svg_path).unwrap();
        assert!(!svg.contains("drawn at"));
    }

    #[test]
    fn loss_chart_survives_odd_traces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loss.svg");
        // One row, the fit already exact.
        write_loss_plot(&path, &rows(&[(0.0, 0.0)])).unwrap();
        // Nothing finite, or values at the top of the f64 range.
        write_loss_plot(&path, &rows(&[(f64::NAN, f64::NAN)])).unwrap();
        write_loss_plot(&path, &rows(&[(f64::MAX, 1e300), (1.0, 0.5)])).unwrap();
        // Non-finite values break the lines instead of breaking the chart.
        write_loss_plot(
            &path,
            &rows(&[(0.5, 0.3), (f64::NAN, f64::INFINITY), (1e-4, 1e-2)]),
        )
        .unwrap();
        // A long trace is thinned.
        let long: Vec<(f64, f64)> = (0..50_000)
            .map(|i| (0.5 * 0.999f64.powi(i), 0.999f64.powi(i)))
            .collect();
        write_loss_plot(&path, &rows(&long)).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.len() < 400_000, "{} bytes", svg.len());
        assert!(svg.contains("50000 trace rows; at iteration 49999"));
        // No rows at all is an error.
        let err = write_loss_plot(&path, &[]).unwrap_err();
        assert!(err.to_string().contains("trace is empty"), "{err}");
    }

    #[test]
    fn unknown_extensions_are_usage_errors() {
        let report = loaded_d6();
        for (name, flag) in [
            ("chart.gif", "--plot"),
            ("chart", "--plot"),
            ("loss.jpg", "--plot-loss"),
        ] {
            let path = Path::new(name);
            let err = if flag == "--plot" {
                write_fit_plot(path, &report).unwrap_err()
            } else {
                write_loss_plot(path, &rows(&[(0.1, 0.1)])).unwrap_err()
            };
            assert_eq!(
                err.to_string(),
                format!("{flag} {name}: use a .svg or .png file")
            );
            assert!(err.downcast_ref::<UsageError>().is_some());
            assert!(!path.exists());
        }
    }

    #[test]
    fn write_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-dir").join("fit.png");
        let err = write_fit_plot(&path, &loaded_d6()).unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("cannot write the chart"), "{message}");
    }

    #[test]
    fn too_many_faces_are_refused() {
        let options = ReadOptions {
            faces: Some(1001),
            ..ReadOptions::default()
        };
        let report = report_of("1\n2\n3\n", &options);
        let err = write_fit_plot(Path::new("big.svg"), &report).unwrap_err();
        assert!(err.to_string().contains("1001 faces is too many"), "{err}");
    }

    #[test]
    fn p_values_read_like_the_table() {
        assert_eq!(p_text(0.41234, -0.38), "p = 0.4123");
        assert_eq!(p_text(1.5634e-144, -143.806), "p = 1.56e-144");
        assert_eq!(p_text(0.0, -1234.5), "p < 1e-1234");
        assert_eq!(p_text(1e-310, -310.0), "p < 1e-310");
        assert_eq!(p_text(0.0, -f64::MAX), "p < 1e-300");
        assert_eq!(null_name(&[0.25; 4]), "a fair die");
        assert_eq!(null_name(&[0.5, 0.25, 0.25]), "the --expected null");
        assert_eq!(shorten("extraordinarily", 12), "extraordina\u{2026}");
        assert_eq!(exp10(-1), "0.1");
        assert_eq!(exp10(-20), "1e-20");
    }
}
