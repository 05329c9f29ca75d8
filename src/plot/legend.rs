//! Legends, shared by both charts: entries (a swatch and a text) laid out
//! in rows that fit the chart's width, then drawn.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::DrawResult;
use super::style::{text_style, GREY_TEXT, TEXT_SIZE, TITLE_SIZE, WHISKER};

/// A legend entry's symbol.
#[derive(Debug, Clone, Copy)]
pub(super) enum Swatch {
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
pub(super) type LegendRow = Vec<(i32, Swatch, String)>;

/// Splits the legend into rows no wider than `width` pixels: per row, the
/// entries with their x offsets.
pub(super) fn layout_legend<DB: DrawingBackend>(
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
pub(super) fn draw_legend<DB: DrawingBackend>(
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

/// Draws a chart's header on `root` — the title, the subtitle under it and
/// the legend in as many rows as the width needs — and returns the area
/// below it for the plot.
pub(super) fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    legend: &[(Swatch, String)],
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (width, _) = root.dim_in_pixel();
    let legend_rows = layout_legend(root, legend, width as i32 - 40)?;
    let height = 74 + 24 * legend_rows.len() as u32;
    let (head, body) = root.split_vertically(height);
    head.draw(&Text::new(title, (20, 12), text_style(TITLE_SIZE, &BLACK)))?;
    head.draw(&Text::new(
        subtitle,
        (20, 42),
        text_style(TEXT_SIZE, &GREY_TEXT),
    ))?;
    draw_legend(&head, &legend_rows, 20, 72)?;
    Ok(body)
}
