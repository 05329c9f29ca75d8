//! The drift chart of `audit --report`: each face's share of the rolls in
//! each consecutive block of the log, against the fair 1/k.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{Chart, DrawResult};
use super::legend::{header, Swatch};
use super::style::{text_style, GRID, LABEL_SIZE, NULL_LINE, TEXT_SIZE};
use crate::analysis::audit::GroupAudit;
use crate::report::format::{percent, plain_p, thousands};

/// Faces beyond which the legend names none (the lines stay).
const LEGEND_FACES: usize = 12;

/// The lines' colours, in turn (Tableau 10).
const PALETTE: [RGBColor; 10] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(89, 161, 79),
    RGBColor(148, 103, 189),
    RGBColor(118, 183, 178),
    RGBColor(237, 201, 72),
    RGBColor(176, 122, 161),
    RGBColor(255, 157, 167),
    RGBColor(156, 117, 95),
    RGBColor(186, 176, 172),
];

/// The chart of one battery's drift blocks.
pub(super) struct DriftChart {
    /// Per face, its share in each block.
    shares: Vec<Vec<f64>>,
    faces: Vec<String>,
    title: String,
    subtitle: String,
    y_max: f64,
}

impl DriftChart {
    pub(super) fn new(group: &GroupAudit, faces: &[String]) -> Self {
        let k = faces.len();
        let sizes: Vec<u64> = group.blocks.iter().map(|b| b.iter().sum()).collect();
        let shares: Vec<Vec<f64>> = (0..k)
            .map(|f| {
                group
                    .blocks
                    .iter()
                    .zip(&sizes)
                    .map(|(b, &s)| b.get(f).copied().unwrap_or(0) as f64 / s.max(1) as f64)
                    .collect()
            })
            .collect();
        let top = shares
            .iter()
            .flatten()
            .copied()
            .fold(1.0 / k as f64, f64::max);
        let block = sizes.first().copied().unwrap_or(0);
        let drift = group.tests.iter().find(|t| t.name == "drift");
        let subtitle = match drift.and_then(|t| t.statistic.zip(t.df).zip(t.p_value)) {
            Some(((s, df), p)) => format!(
                "\u{3c7}\u{b2} homogeneity of the blocks = {s:.2}, df = {df}, p = {}",
                plain_p(p)
            ),
            None => format!(
                "drift test skipped: {}",
                drift.and_then(|t| t.skipped.clone()).unwrap_or_default()
            ),
        };
        let group_name = group
            .group
            .as_ref()
            .map(|g| format!("group {g}: "))
            .unwrap_or_default();
        DriftChart {
            shares,
            faces: faces.to_vec(),
            title: format!(
                "Drift: {group_name}each face's share in {} blocks of {} rolls{}",
                group.blocks.len(),
                thousands(block),
                // The remainder of the log joins the last block.
                match sizes.last() {
                    Some(&last) if sizes.len() > 1 && last != block =>
                        format!(" (the last {})", thousands(last)),
                    _ => String::new(),
                }
            ),
            subtitle,
            y_max: (top * 1.15).min(1.0),
        }
    }
}

impl Chart for DriftChart {
    fn size(&self) -> (u32, u32) {
        (1000, 560)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let k = self.faces.len();
        let mut legend = vec![(
            Swatch::Line(NULL_LINE),
            format!("fair: 1/{k} = {}%", percent(1.0 / k as f64)),
        )];
        if k <= LEGEND_FACES {
            for (f, name) in self.faces.iter().enumerate() {
                legend.push((
                    Swatch::Line(PALETTE[f % PALETTE.len()]),
                    format!("face {name}"),
                ));
            }
        }
        let body = header(root, &self.title, &self.subtitle, &legend)?;
        let blocks = self.shares.first().map_or(1, Vec::len);
        let mut chart = ChartBuilder::on(&body)
            .margin(12)
            .margin_right(36)
            .x_label_area_size(46)
            .y_label_area_size(64)
            .build_cartesian_2d(0.5..blocks as f64 + 0.5, 0.0..self.y_max)?;
        let y_label = |y: &f64| format!("{}%", percent((y * 1000.0).round() / 1000.0));
        let x_label = |x: &f64| format!("{x:.0}");
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(blocks.min(20))
            .y_labels(8)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .x_desc("block of the log, in order")
            .y_desc("share of the block's rolls")
            .label_style(text_style(LABEL_SIZE, &BLACK))
            .axis_desc_style(text_style(TEXT_SIZE, &BLACK))
            .draw()?;
        for (f, shares) in self.shares.iter().enumerate() {
            let colour = PALETTE[f % PALETTE.len()];
            let points = shares.iter().enumerate().map(|(b, &s)| ((b + 1) as f64, s));
            chart.draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))?;
            chart.draw_series(points.map(|p| Circle::new(p, 3, colour.filled())))?;
        }
        let fair = 1.0 / k as f64;
        chart.draw_series(LineSeries::new(
            [(0.5, fair), (blocks as f64 + 0.5, fair)],
            NULL_LINE.stroke_width(2),
        ))?;
        Ok(())
    }
}
