//! The power chart (`plan --plot`): the power of Pearson's test against
//! the rolls N, with the target power and the planned (or given) rolls
//! marked.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{Chart, DrawResult};
use super::legend::{header, Swatch};
use super::style::{text_style, GRID, HIGHLIGHT_EDGE, KL_LINE, LABEL_SIZE, NULL_LINE, TEXT_SIZE};
use crate::analysis::plan::Plan;
use crate::report::format::{percent, power_percent, thousands};

/// Points of the power curve.
const CURVE_POINTS: usize = 400;
/// The x axis reaches at least this power (or halfway from the target to
/// 1, when that is higher), so the curve is seen to level off.
const SHOWN_POWER: f64 = 0.95;

/// The chart of a plan.
pub(super) struct PowerChart {
    /// (N, power(N)) along the x axis.
    points: Vec<(f64, f64)>,
    x_max: f64,
    rolls: f64,
    power_at_rolls: f64,
    target: Option<f64>,
    subtitle: String,
}

impl PowerChart {
    /// The chart of `plan`: N from 0 to a round number past both the
    /// marked rolls (by a quarter) and the rolls for [`SHOWN_POWER`].
    pub(super) fn new(plan: &Plan) -> Self {
        let curve = plan.curve();
        let rolls = plan.rolls as f64;
        let shown = plan
            .power
            .map_or(SHOWN_POWER, |t| 0.5 * (1.0 + t))
            .max(SHOWN_POWER)
            .max(0.5 * (1.0 + plan.alpha));
        let x_max = nice_ceiling(
            (1.25 * rolls)
                .max(curve.rolls_real(shown))
                .clamp(10.0, f64::MAX / 2.0),
        );
        let points = (0..=CURVE_POINTS)
            .map(|i| {
                let n = x_max * i as f64 / CURVE_POINTS as f64;
                (n, curve.at(n))
            })
            .collect();
        let achieved = power_percent(plan.power_at_rolls);
        let subtitle = match plan.power {
            Some(target) => format!(
                "w = {:.4}, df = {}, \u{3b1} = {}: {} rolls reach {}% power (target {}%)",
                plan.effect_w,
                plan.df,
                plan.alpha,
                thousands(plan.rolls),
                achieved,
                percent(target)
            ),
            None => format!(
                "w = {:.4}, df = {}, \u{3b1} = {}: {}% power at {} rolls",
                plan.effect_w,
                plan.df,
                plan.alpha,
                achieved,
                thousands(plan.rolls)
            ),
        };
        PowerChart {
            points,
            x_max,
            rolls,
            power_at_rolls: plan.power_at_rolls,
            target: plan.power,
            subtitle,
        }
    }
}

/// The smallest of 1, 2, 2.5, 5 × 10^e that is ≥ x (x > 0).
fn nice_ceiling(x: f64) -> f64 {
    let scale = 10f64.powi(x.log10().floor() as i32);
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * scale)
        .find(|&v| v >= x)
        .unwrap_or(10.0 * scale)
}

impl Chart for PowerChart {
    fn size(&self) -> (u32, u32) {
        (1000, 620)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let mut legend = vec![(
            Swatch::Line(KL_LINE),
            "power of Pearson's \u{3c7}\u{b2} test at N rolls".to_string(),
        )];
        if let Some(target) = self.target {
            legend.push((
                Swatch::Line(NULL_LINE),
                format!("target power {}%", percent(target)),
            ));
        }
        legend.push((
            Swatch::Line(HIGHLIGHT_EDGE),
            format!(
                "{} rolls: {}% power",
                thousands(self.rolls as u64),
                power_percent(self.power_at_rolls)
            ),
        ));
        let body = header(
            root,
            "How many rolls: the power of Pearson's \u{3c7}\u{b2} test against the die you fear",
            &self.subtitle,
            &legend,
        )?;

        let mut chart = ChartBuilder::on(&body)
            .margin(12)
            .margin_right(36)
            .x_label_area_size(46)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..self.x_max, 0.0..1.0)?;
        let whole = self.x_max >= 10.0;
        let x_label = |x: &f64| {
            if whole {
                thousands(x.round().max(0.0) as u64)
            } else {
                format!("{x}")
            }
        };
        let y_label = |y: &f64| format!("{}%", percent(*y));
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(8)
            .y_labels(11)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .label_style(text_style(LABEL_SIZE, &BLACK))
            .axis_desc_style(text_style(TEXT_SIZE, &BLACK))
            .x_desc("rolls N")
            .y_desc("power")
            .draw()?;
        if let Some(target) = self.target {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, target), (self.x_max, target)],
                NULL_LINE.stroke_width(2),
            )))?;
        }
        if self.rolls <= self.x_max {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(self.rolls, 0.0), (self.rolls, 1.0)],
                HIGHLIGHT_EDGE.stroke_width(2),
            )))?;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            self.points.clone(),
            KL_LINE.stroke_width(2),
        )))?;
        if self.rolls <= self.x_max {
            chart.draw_series(std::iter::once(Circle::new(
                (self.rolls, self.power_at_rolls),
                6,
                HIGHLIGHT_EDGE.filled(),
            )))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::png::tests::png_size;
    use super::super::{render_power, PlotPath};
    use super::*;
    use crate::analysis::plan::{plan, PlanOptions};

    fn a_plan(rolls: Option<u64>) -> Plan {
        let options = PlanOptions {
            alpha: 0.05,
            power: 0.8,
            rolls,
        };
        plan(
            &[1.0 / 6.0; 6],
            &[0.25, 0.15, 0.15, 0.15, 0.15, 0.15],
            &options,
        )
        .unwrap()
    }

    fn target(name: &str) -> PlotPath {
        PlotPath::new("--plot", Path::new(name)).unwrap()
    }

    #[test]
    fn the_power_chart_marks_the_target_and_the_rolls() {
        let svg =
            String::from_utf8(render_power(&target("p.svg"), &a_plan(None)).unwrap()).unwrap();
        assert!(svg.contains("target power 80%"), "{svg}");
        assert!(svg.contains("257 rolls: 80.1% power"), "{svg}");
        assert!(svg.contains("rolls N"));
        let png = render_power(&target("p.png"), &a_plan(Some(100))).unwrap();
        assert_eq!(png_size(&png), (1000, 620));
        let svg =
            String::from_utf8(render_power(&target("p.svg"), &a_plan(Some(100))).unwrap()).unwrap();
        assert!(!svg.contains("target power"));
    }

    #[test]
    fn the_axis_ends_on_a_round_number_past_the_marks() {
        assert_eq!(nice_ceiling(257.0), 500.0);
        assert_eq!(nice_ceiling(1000.0), 1000.0);
        assert_eq!(nice_ceiling(2100.0), 2500.0);
        assert_eq!(nice_ceiling(10.0), 10.0);
        let chart = PowerChart::new(&a_plan(None));
        assert!(chart.x_max >= 1.25 * 257.0);
        let last = chart.points.last().unwrap().1;
        assert!(last >= SHOWN_POWER, "{last}");
        // A huge --rolls stays on the chart.
        let far = PowerChart::new(&a_plan(Some(1_000_000_000_000)));
        assert!(far.x_max >= 1e12 && far.points.iter().all(|p| p.1.is_finite()));
    }
}
