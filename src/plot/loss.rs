//! The loss chart (`--plot-loss`): the loss gap KL(p‖q_t) and max|q_t − p|
//! per iteration, on a log scale.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{Chart, DrawResult};
use super::legend::{header, Swatch};
use super::style::{text_style, DIFF_LINE, GRID, KL_LINE, LABEL_SIZE, TEXT_SIZE};
use crate::analysis::TraceRow;
use crate::report::format::{exp10, small};

/// Values of the loss chart below this are drawn at it (a log axis cannot
/// show 0, and an exact fit reaches KL = 0).
pub const LOSS_FLOOR: f64 = 1e-30;
/// Points of the loss chart's lines; longer traces are thinned evenly.
const MAX_LOSS_POINTS: usize = 4000;

/// The chart of an optimiser trace.
pub(super) struct LossChart {
    /// (iteration, KL, max|q − p|), thinned, floored; non-finite as NaN.
    points: Vec<(u64, f64, f64)>,
    last: TraceRow,
    rows: usize,
    floored: bool,
}

impl LossChart {
    /// The chart of `rows`, thinned to at most [`MAX_LOSS_POINTS`] points.
    pub(super) fn new(rows: &[TraceRow]) -> Self {
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
        let body = header(
            root,
            "How the fit converges: the loss gap and max|q \u{2212} p| per iteration",
            &subtitle,
            &legend,
        )?;

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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::png::tests::png_size;
    use super::super::{render_loss, PlotPath};
    use super::*;

    fn target(name: &str) -> PlotPath {
        PlotPath::new("--plot-loss", Path::new(name)).unwrap()
    }

    /// The SVG chart of `trace`.
    fn svg_of(trace: &[TraceRow]) -> String {
        String::from_utf8(render_loss(&target("loss.svg"), trace).unwrap()).unwrap()
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
        let svg = svg_of(&trace);
        assert!(svg.contains("values below 1e-30 drawn at 1e-30"), "{svg}");
        assert!(svg.contains("KL(p\u{2016}q_t)"));
        assert!(
            svg.contains("\n1e-30\n</text>"),
            "the axis reaches the floor"
        );
        let png = render_loss(&target("loss.png"), &trace).unwrap();
        assert_eq!(png_size(&png), (1000, 620));
        // Without zeros the floor is not mentioned.
        let svg = svg_of(&trace[..3]);
        assert!(!svg.contains("drawn at"));
    }

    #[test]
    fn loss_chart_survives_odd_traces() {
        // One row, the fit already exact.
        svg_of(&rows(&[(0.0, 0.0)]));
        // Nothing finite, or values at the top of the f64 range.
        svg_of(&rows(&[(f64::NAN, f64::NAN)]));
        svg_of(&rows(&[(f64::MAX, 1e300), (1.0, 0.5)]));
        // Non-finite values break the lines instead of breaking the chart.
        svg_of(&rows(&[
            (0.5, 0.3),
            (f64::NAN, f64::INFINITY),
            (1e-4, 1e-2),
        ]));
        // A long trace is thinned.
        let long: Vec<(f64, f64)> = (0..50_000)
            .map(|i| (0.5 * 0.999f64.powi(i), 0.999f64.powi(i)))
            .collect();
        let svg = svg_of(&rows(&long));
        assert!(svg.len() < 400_000, "{} bytes", svg.len());
        assert!(svg.contains("50000 trace rows; at iteration 49999"));
        // No rows at all is an error.
        let err = render_loss(&target("loss.svg"), &[]).unwrap_err();
        assert!(err.to_string().contains("trace is empty"), "{err}");
    }
}
