//! Bar charts: grouped bars with whiskers, and stacked shares.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;

/// Bars by category, one bar per series in each category, with CI whiskers.
#[derive(Clone, Debug)]
pub struct GroupedBars {
    /// Title.
    pub title: String,
    /// Y-axis label.
    pub y_label: String,
    /// Category labels along x.
    pub categories: Vec<String>,
    /// `(series name, one bar per category)`.
    pub series: Vec<(String, Vec<Bar>)>,
    /// A fixed top of the y axis (e.g. 1 for shares); fitted to the data if absent.
    pub upper: Option<f64>,
    /// `(label, y)` drawn as a dashed horizontal line, e.g. a target.
    pub line: Option<(String, f64)>,
}

/// One bar per label, split into shares that add up to 1.
#[derive(Clone, Debug)]
pub struct StackedShares {
    /// Title.
    pub title: String,
    /// Y-axis label.
    pub y_label: String,
    /// Names of the parts, bottom first.
    pub parts: Vec<String>,
    /// `(bar label, share of each part)`.
    pub bars: Vec<(String, Vec<f64>)>,
}

impl Chart for GroupedBars {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        start(root, &self.title)?;
        let n = self.categories.len().max(1);
        let top = self
            .series
            .iter()
            .flat_map(|(_, bars)| {
                bars.iter()
                    .map(|b| b.ci.map_or(b.mean, |[_, hi]| hi.max(b.mean)))
            })
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        // With several series the legend gets a row of its own under the title, so it
        // can never hide a bar.
        let legend = if self.series.len() > 1 {
            let names: Vec<&str> = self.series.iter().map(|(n, _)| n.as_str()).collect();
            legend_row(root, &names)? + 6
        } else {
            0
        };
        let line_y = self.line.as_ref().map_or(0.0, |(_, y)| *y);
        let upper = self.upper.unwrap_or(headroom(top.max(line_y)));
        let area = root.margin(50 + legend as u32, 10, 10, 10);
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0f64..upper)
            .map_err(err)?;
        let labels = self.categories.clone();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| category_label(&labels, *x))
            .y_label_formatter(&|y| tick(*y, upper))
            .x_label_style((FONT, 15))
            .y_label_style((FONT, 15))
            .y_desc(self.y_label.as_str())
            .axis_desc_style((FONT, 17))
            .draw()
            .map_err(err)?;
        let groups = self.series.len().max(1);
        let slot = 0.8 / groups as f64;
        for (s, (_, bars)) in self.series.iter().enumerate() {
            let c = colour(s);
            let x0 = |i: usize| i as f64 - 0.4 + s as f64 * slot;
            let rects = bars
                .iter()
                .enumerate()
                .filter(|(_, b)| b.mean.is_finite())
                .map(|(i, b)| {
                    Rectangle::new(
                        [(x0(i) + 0.02, 0.0), (x0(i) + slot - 0.02, b.mean)],
                        c.filled(),
                    )
                });
            chart.draw_series(rects).map_err(err)?;
            let cap = slot * 0.15;
            let whiskers = bars.iter().enumerate().filter_map(|(i, b)| {
                let [lo, hi] = b.ci?;
                let (lo, mid) = (lo.max(0.0), x0(i) + slot / 2.0);
                Some([
                    PathElement::new(vec![(mid, lo), (mid, hi)], BLACK.stroke_width(2)),
                    PathElement::new(
                        vec![(mid - cap, lo), (mid + cap, lo)],
                        BLACK.stroke_width(2),
                    ),
                    PathElement::new(
                        vec![(mid - cap, hi), (mid + cap, hi)],
                        BLACK.stroke_width(2),
                    ),
                ])
            });
            chart.draw_series(whiskers.flatten()).map_err(err)?;
        }
        if let Some((label, y)) = &self.line {
            let right = n as f64 - 0.5;
            let dashes = (0..60).map(|k| {
                let x0 = -0.5 + right * 2.0 * k as f64 / 120.0 + 0.5 * k as f64 / 60.0;
                PathElement::new(
                    vec![(x0, *y), (x0 + n as f64 / 150.0, *y)],
                    BLACK.stroke_width(2),
                )
            });
            chart.draw_series(dashes).map_err(err)?;
            let text = Text::new(format!("{label} "), (-0.45, *y + upper * 0.015), (FONT, 15));
            chart.draw_series(std::iter::once(text)).map_err(err)?;
        }
        Ok(())
    }
}

impl Chart for StackedShares {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        start(root, &self.title)?;
        let n = self.bars.len().max(1);
        let area = root.margin(50, 10, 10, 10);
        let (plot, key) = area.split_horizontally(WIDTH as i32 - 260);
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0f64..1f64)
            .map_err(err)?;
        let labels: Vec<String> = self.bars.iter().map(|(l, _)| l.clone()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| category_label(&labels, *x))
            .y_label_formatter(&|y| format!("{:.0} %", y * 100.0))
            .x_label_style((FONT, 15))
            .y_label_style((FONT, 15))
            .y_desc(self.y_label.as_str())
            .axis_desc_style((FONT, 17))
            .draw()
            .map_err(err)?;
        for (i, (_, shares)) in self.bars.iter().enumerate() {
            let total: f64 = shares.iter().filter(|s| s.is_finite()).sum();
            let mut bottom = 0.0;
            for (p, share) in shares.iter().enumerate() {
                let h = if total > 0.0 && share.is_finite() {
                    share / total
                } else {
                    0.0
                };
                let rect = Rectangle::new(
                    [(i as f64 - 0.25, bottom), (i as f64 + 0.25, bottom + h)],
                    colour(p).filled(),
                );
                chart.draw_series(std::iter::once(rect)).map_err(err)?;
                bottom += h;
            }
        }
        for (p, part) in self.parts.iter().enumerate().rev() {
            let y = 70 + (self.parts.len() - 1 - p) as i32 * 30;
            key.draw(&Rectangle::new([(10, y), (30, y + 20)], colour(p).filled()))
                .map_err(err)?;
            key.draw(&Text::new(part.clone(), (38, y + 2), (FONT, 16)))
                .map_err(err)?;
        }
        Ok(())
    }
}
