//! Charts of an uncertainty analysis: a histogram of draws, a scatter of paired draws
//! (the cost-effectiveness plane) and a tornado of one-at-a-time ranges.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::{Chart, FONT, PALETTE, err, legend_row, start, tick};

/// Counts of values in equal bins, with a dashed line at zero.
#[derive(Clone, Debug)]
pub struct DrawCounts {
    /// Title.
    pub title: String,
    /// X-axis label.
    pub x_label: String,
    /// The values.
    pub values: Vec<f64>,
}

/// Points `(x, y)` with dashed axes through zero.
#[derive(Clone, Debug)]
pub struct Scatter {
    /// Title.
    pub title: String,
    /// X-axis label.
    pub x_label: String,
    /// Y-axis label.
    pub y_label: String,
    /// The points.
    pub points: Vec<(f64, f64)>,
}

/// Horizontal bars from the value at an input's low point to its high point, around a
/// base value, widest on top.
#[derive(Clone, Debug)]
pub struct TornadoBars {
    /// Title.
    pub title: String,
    /// X-axis label (the metric).
    pub x_label: String,
    /// The metric at the base values.
    pub base: f64,
    /// `(label, value at the low point, value at the high point)`, widest first.
    pub bars: Vec<(String, f64, f64)>,
}

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        return (-1.0, 1.0);
    }
    let pad = ((hi - lo) * 0.08)
        .max(hi.abs().max(lo.abs()) * 1e-6)
        .max(1e-9);
    (lo - pad, hi + pad)
}

fn dashed_vertical<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x: f64,
    (y0, y1): (f64, f64),
) -> Result<(), String> {
    let step = (y1 - y0) / 60.0;
    let dashes = (0..30).map(|k| {
        let y = y0 + 2.0 * k as f64 * step;
        PathElement::new(vec![(x, y), (x, y + step)], BLACK.stroke_width(2))
    });
    chart.draw_series(dashes).map_err(err)?;
    Ok(())
}

impl Chart for DrawCounts {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        start(root, &self.title)?;
        let (lo, hi) = range(self.values.iter().copied().chain([0.0]));
        let bins = 20usize;
        let width = (hi - lo) / bins as f64;
        let mut counts = vec![0u32; bins];
        for v in self.values.iter().filter(|v| v.is_finite()) {
            let b = (((v - lo) / width) as usize).min(bins - 1);
            counts[b] += 1;
        }
        let top = f64::from(counts.iter().copied().max().unwrap_or(1)) * 1.15;
        let area = root.margin(50, 10, 10, 10);
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(lo..hi, 0f64..top)
            .map_err(err)?;
        let span = hi.abs().max(lo.abs());
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc("draws")
            .x_label_formatter(&|x| tick(*x, span))
            .y_label_formatter(&|y| tick(*y, top))
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .draw()
            .map_err(err)?;
        let bars = counts.iter().enumerate().map(|(b, c)| {
            let x0 = lo + b as f64 * width;
            Rectangle::new(
                [(x0, 0.0), (x0 + width, f64::from(*c))],
                PALETTE[0].mix(0.8).filled(),
            )
        });
        chart.draw_series(bars).map_err(err)?;
        dashed_vertical(&mut chart, 0.0, (0.0, top))
    }
}

impl Chart for Scatter {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        start(root, &self.title)?;
        let (x0, x1) = range(self.points.iter().map(|p| p.0).chain([0.0]));
        let (y0, y1) = range(self.points.iter().map(|p| p.1).chain([0.0]));
        let area = root.margin(50, 10, 10, 10);
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .x_label_area_size(50)
            .y_label_area_size(90)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        let (sx, sy) = (x1.abs().max(x0.abs()), y1.abs().max(y0.abs()));
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .x_label_formatter(&|x| tick(*x, sx))
            .y_label_formatter(&|y| tick(*y, sy))
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .draw()
            .map_err(err)?;
        dashed_vertical(&mut chart, 0.0, (y0, y1))?;
        let zero = PathElement::new(vec![(x0, 0.0), (x1, 0.0)], BLACK.stroke_width(1));
        chart.draw_series([zero]).map_err(err)?;
        let dots = (self.points.iter())
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .map(|p| Circle::new(*p, 4, PALETTE[0].mix(0.6).filled()));
        chart.draw_series(dots).map_err(err)?;
        Ok(())
    }
}

impl Chart for TornadoBars {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        start(root, &self.title)?;
        let ends = self.bars.iter().flat_map(|b| [b.1, b.2]).chain([self.base]);
        let (lo, hi) = range(ends);
        let n = self.bars.len().max(1);
        let area = root.margin(50, 10, 10, 10);
        // The label area is as wide as the longest label, so that none is cut; a label
        // wider than half the chart is shortened with an ellipsis.
        let font: TextStyle<'_> = (FONT, 13).into();
        let most = root.dim_in_pixel().0 / 2;
        let labels: Vec<String> = (self.bars.iter().rev())
            .map(|b| fit_label(root, &b.0, &font, most))
            .collect();
        let widest = (labels.iter())
            .filter_map(|l| root.estimate_text_size(l, &font).ok())
            .map(|(w, _)| w)
            .max()
            .unwrap_or(0);
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .x_label_area_size(50)
            .y_label_area_size(widest + 24)
            .build_cartesian_2d(lo..hi, -0.5f64..n as f64 - 0.5)
            .map_err(err)?;
        // The widest bar is drawn at the top: row n-1.
        let span = hi.abs().max(lo.abs());
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|y| {
                let i = y.round();
                if (y - i).abs() > 1e-6 || i < 0.0 {
                    return String::new();
                }
                labels.get(i as usize).cloned().unwrap_or_default()
            })
            .x_label_formatter(&|x| tick(*x, span))
            .x_desc(self.x_label.as_str())
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 17))
            .draw()
            .map_err(err)?;
        for (i, (_, low, high)) in self.bars.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            // Each end in its own half of the row, so neither bar hides the other when
            // both lie on one side of the base.
            for (end, colour, half) in [(*low, PALETTE[0], 0.0), (*high, PALETTE[1], -0.35)] {
                if end.is_finite() {
                    let (top, bottom) = (y + 0.35 + half, y + half);
                    let r = Rectangle::new([(self.base, bottom), (end, top)], colour.filled());
                    chart.draw_series([r]).map_err(err)?;
                }
            }
        }
        dashed_vertical(&mut chart, self.base, (-0.5, n as f64 - 0.5))?;
        legend_row(root, &["input at its 5 % point", "input at its 95 % point"])?;
        Ok(())
    }
}

/// `label` as it fits in `most` pixels: whole, or cut at a character with `…`.
fn fit_label<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    label: &str,
    font: &TextStyle<'_>,
    most: u32,
) -> String {
    let fits = |t: &str| {
        root.estimate_text_size(t, font)
            .is_ok_and(|(w, _)| w <= most)
    };
    if fits(label) {
        return label.to_string();
    }
    let chars: Vec<char> = label.chars().collect();
    (1..chars.len())
        .rev()
        .map(|k| format!("{}…", chars[..k].iter().collect::<String>()))
        .find(|t| fits(t))
        .unwrap_or_else(|| "…".into())
}
