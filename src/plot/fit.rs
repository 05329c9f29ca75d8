//! The fit chart (`--plot`): per face a bar for p = n/N, a whisker for its
//! interval, a ring for the fitted q and a step line for the null; one
//! panel per group with `--by`, all on one probability scale. With a
//! physical model (`--model pairs`, `--design FILE`) a second step line
//! shows the model's fitted q beside the observed p.

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{Chart, DrawResult};
use super::legend::{draw_legend, layout_legend, Swatch};
use super::style::{
    text_style, BAR, BAR_EDGE, CAPTION_SIZE, GRID, HIGHLIGHT, HIGHLIGHT_EDGE, LABEL_SIZE,
    MODEL_LINE, NULL_LINE, TEXT_SIZE, TITLE_SIZE, WHISKER,
};
use crate::analysis::{DieReport, FaceRow, MaybeTest, ModelReport, Report, Target};
use crate::model::is_fair;
use crate::report::format::{number, p_value, percent_rounded, plain_p};
use crate::stats::adjust::Adjust;
use crate::stats::TestResult;

/// Groups drawn with `--by`; later groups are left out (the title says so).
pub const MAX_PANELS: usize = 36;

/// Below this many pixels a face, the fit chart leaves out the q dots and
/// the whiskers' caps.
const DENSE_PX: f64 = 6.0;
/// Gap in pixels between two face labels on the x axis.
const LABEL_GAP: f64 = 10.0;
/// Face labels longer than this are shortened with an ellipsis.
const MAX_LABEL_CHARS: usize = 12;

/// One die to draw, with its caption in a grid.
struct Panel<'a> {
    caption: Option<String>,
    die: &'a DieReport,
}

/// The chart of a `fit` report: one panel, or a grid of them.
pub(super) struct FitChart<'a> {
    title: String,
    panels: Vec<Panel<'a>>,
    /// Faces of the die (K).
    pub(super) k: usize,
    grouped: bool,
    /// The probability axis' top, shared by all panels.
    y_max: f64,
}

impl<'a> FitChart<'a> {
    /// The chart of `report`: one panel, or one per group.
    pub(super) fn new(report: &'a Report) -> Self {
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
                    p_text(chi),
                    null_name(&die.null)
                );
                let panels = vec![Panel { caption: None, die }];
                (title, panels, die.k, false)
            }
            Report::Grouped(grouped) => {
                let total = grouped.groups.len();
                let shown = total.min(MAX_PANELS);
                let mut title = if grouped.group_faces {
                    format!("{total} groups, each with its own faces")
                } else {
                    format!("{total} groups, K = {}", grouped.k)
                };
                if shown < total {
                    title.push_str(&format!(" (the first {shown} drawn)"));
                }
                match &grouped.homogeneity {
                    MaybeTest::Done(t) => title.push_str(&format!(
                        ": groups alike? \u{3c7}\u{b2} {}",
                        p_text(&t.result)
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
                            p_text(&chi.result)
                        );
                        if let Some(adj) = chi.p_adjusted.filter(|_| grouped.adjust != Adjust::None)
                        {
                            caption.push_str(&format!(" ({}: {})", grouped.adjust, plain_p(adj)));
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
                    .flat_map(|f| [f.p, f.q, f.ci_high.unwrap_or(0.0)])
                    .chain(die.null.iter().copied())
                    .chain(
                        die.model
                            .iter()
                            .flat_map(|m| m.fitted().iter().map(|f| f.q)),
                    )
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
        let target = if fit.target == Target::Smoothed {
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
        let level = percent_rounded(ci.level);
        let null = if is_fair(&die.null) {
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
        match &die.model {
            Some(ModelReport::Pairs(_)) => entries.push((
                Swatch::Line(MODEL_LINE),
                "model: each pair's rolls shared by its faces (tilt-free)".to_string(),
            )),
            Some(ModelReport::Design(m)) => entries.push((
                Swatch::Line(MODEL_LINE),
                format!("model: logits = X·beta from {}", m.file),
            )),
            None => {}
        }
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

    // The faces the verdict finds off: their interval excludes the null.
    let excludes = |i: usize| die.verdict.direction(i).is_some();
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
    if let Some(model) = &die.model {
        let steps: Vec<(f64, f64)> = model
            .fitted()
            .iter()
            .enumerate()
            .flat_map(|(i, f)| [(i as f64 - 0.5, f.q), (i as f64 + 0.5, f.q)])
            .collect();
        chart.draw_series(std::iter::once(PathElement::new(
            steps,
            MODEL_LINE.stroke_width(3),
        )))?;
    }

    let stroke = if per_face >= 20.0 { 2 } else { 1 };
    let cap = if dense {
        0.0
    } else {
        0.2f64.min(12.0 / per_face)
    };
    let intervals = die.faces.iter().map(FaceRow::interval).enumerate();
    chart.draw_series(intervals.flat_map(|(i, interval)| {
        let x = i as f64;
        let style = WHISKER.stroke_width(stroke);
        interval.into_iter().flat_map(move |(low, high)| {
            [
                PathElement::new(vec![(x, low), (x, high)], style),
                PathElement::new(vec![(x - cap, low), (x + cap, low)], style),
                PathElement::new(vec![(x - cap, high), (x + cap, high)], style),
            ]
        })
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

/// "p = " and the p-value as the table writes it.
fn p_text(test: &TestResult) -> String {
    format!("p = {}", p_value(test))
}

/// "a fair die" (by [`is_fair`], exact equality), or "the --expected
/// null" for any other.
fn null_name(null: &[f64]) -> &'static str {
    if is_fair(null) {
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
    use std::path::Path;

    use super::super::png::tests::{png_pixels, png_size};
    use super::super::{render_fit, PlotPath};
    use super::*;
    use crate::analysis::{analyse, AnalysisOptions};
    use crate::io::Input;
    use crate::read::{ColumnSpec, Progress, ReadOptions, Reader};

    /// The chart of `report` in the format of the file `name`.
    fn render_to(name: &str, report: &Report) -> Vec<u8> {
        let target = PlotPath::new("--plot", Path::new(name)).unwrap();
        render_fit(&target, report).unwrap()
    }

    /// The SVG chart of `report`.
    fn svg_of(report: &Report) -> String {
        String::from_utf8(render_to("fit.svg", report)).unwrap()
    }

    /// Runs the real pipeline on an in-memory log.
    fn report_of(log: &str, options: &ReadOptions) -> Report {
        let mut reader = Reader::new(options);
        let input = Input::from_reader(
            Box::new(std::io::Cursor::new(log.as_bytes().to_vec())),
            "<test>",
        );
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

    fn chi_p_text(report: &Report) -> String {
        let Report::Single(single) = report else {
            panic!("a single die")
        };
        let chi = &single.die.tests.chi_square.result;
        p_text(chi)
    }

    #[test]
    fn svg_fit_chart_has_the_title_and_one_bar_per_face() {
        let report = loaded_d6();
        let svg = svg_of(&report);
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
        let bytes = render_to("fit.PNG", &loaded_d6());
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
        let report = grouped_d4();
        let svg = svg_of(&report);
        assert!(svg.contains("3 groups, K = 4"));
        for user in ["ann: N = 24", "ben: N = 24", "cy: N = 26"] {
            assert!(svg.contains(user), "{user}");
        }
        assert!(svg.contains("(holm: "));
        assert_eq!(bar_rects(&svg), 3 * 4 + 2);
        // Three panels in a row of 560 pixels each.
        let (width, height) = png_size(&render_to("groups.png", &report));
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
        let svg = svg_of(&report);
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
        assert_eq!(png_size(&render_to("d100.png", &report)), (1360, 600));
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

    #[test]
    fn too_many_faces_are_refused() {
        let options = ReadOptions {
            faces: Some(1001),
            ..ReadOptions::default()
        };
        let report = report_of("1\n2\n3\n", &options);
        let target = PlotPath::new("--plot", Path::new("big.svg")).unwrap();
        let err = render_fit(&target, &report).unwrap_err();
        assert!(err.to_string().contains("1001 faces is too many"), "{err}");
    }

    #[test]
    fn p_values_read_like_the_table() {
        let result = |p_value, log10_p_value| TestResult {
            statistic: 1.0,
            df: 5,
            p_value,
            log10_p_value,
        };
        assert_eq!(p_text(&result(0.41234, -0.38)), "p = 0.4123");
        assert_eq!(p_text(&result(1.5634e-144, -143.806)), "p = 1.56e-144");
        assert_eq!(p_text(&result(0.0, -1234.5)), "p = 1e-1234.5");
        assert_eq!(p_text(&result(1e-310, -310.0)), "p = 1.00e-310");
    }

    #[test]
    fn null_names_and_short_labels() {
        assert_eq!(null_name(&[0.25; 4]), "a fair die");
        assert_eq!(null_name(&[0.5, 0.25, 0.25]), "the --expected null");
        assert_eq!(shorten("extraordinarily", 12), "extraordina\u{2026}");
    }
}
