//! Line charts: lines with bands and markers, and demand against staffing by hour.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;

/// Lines with a band around each (a distribution, or a count over time), and
/// optional vertical markers.
#[derive(Clone, Debug)]
pub struct Lines {
    /// Title.
    pub title: String,
    /// X-axis label.
    pub x_label: String,
    /// Y-axis label.
    pub y_label: String,
    /// The y axis runs from 0 to 100 % (else it is fitted to the data).
    pub percent: bool,
    /// Series.
    pub series: Vec<LineSeries>,
    /// `(label, x)` drawn as dashed vertical lines in the first series' colour.
    pub markers: Vec<(String, f64)>,
    /// `(label, from x, to x)`: a stretch of the x axis shaded grey, e.g. a warm-up.
    pub shaded: Option<(String, f64, f64)>,
    /// Where the x axis starts (0 when absent).
    pub x_start: Option<f64>,
}

impl Lines {
    /// Lines with no markers, shading or offset axis; `percent` puts the y axis at 0 to
    /// 100 %.
    pub fn new(
        title: &str,
        x_label: &str,
        y_label: &str,
        percent: bool,
        series: Vec<LineSeries>,
    ) -> Self {
        Lines {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            percent,
            series,
            markers: Vec::new(),
            shaded: None,
            x_start: None,
        }
    }
}

/// One line: points `(x, y, band low, band high)`.
#[derive(Clone, Debug)]
pub struct LineSeries {
    /// Legend name.
    pub name: String,
    /// Curve points.
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// Demand by hour of day (bars, left axis) against units on duty (lines, right axis).
#[derive(Clone, Debug)]
pub struct HourlyLoad {
    /// Title.
    pub title: String,
    /// Mean incidents per hour for each hour of day.
    pub demand: Vec<f64>,
    /// `(kind, mean units on duty for each hour of day)`.
    pub units: Vec<(String, Vec<f64>)>,
}

impl Chart for Lines {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        start(root, &self.title)?;
        let right = self
            .series
            .iter()
            .flat_map(|s| s.points.last().map(|p| p.0))
            .fold(1.0, f64::max);
        let top = if self.percent {
            1.0
        } else {
            let high = self
                .series
                .iter()
                .flat_map(|s| s.points.iter().map(|p| p.3.max(p.1)));
            headroom(high.filter(|v| v.is_finite()).fold(0.0, f64::max))
        };
        let percent = self.percent;
        // The legend stands in rows above the plot, never over the lines.
        let names: Vec<&str> = self.series.iter().map(|s| s.name.as_str()).collect();
        let legend = legend_row(root, &names)? + 6;
        let area = root.margin(50 + legend as u32, 10, 10, 10);
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(self.x_start.unwrap_or(0.0)..right, 0f64..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .x_label_formatter(&|x| tick(*x, right))
            .y_desc(self.y_label.as_str())
            .y_label_formatter(&|y| {
                if percent {
                    format!("{:.0} %", y * 100.0)
                } else {
                    tick(*y, top)
                }
            })
            .x_label_style((FONT, 15))
            .y_label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .draw()
            .map_err(err)?;
        if let Some((label, from, to)) = &self.shaded {
            let grey = RGBColor(120, 120, 120);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(*from, 0.0), (*to, top)],
                    grey.mix(0.18).filled(),
                )))
                .map_err(err)?;
            let text = Text::new(format!(" {label}"), (*from, top * 0.97), (FONT, 15));
            chart.draw_series(std::iter::once(text)).map_err(err)?;
        }
        for (i, s) in self.series.iter().enumerate() {
            let c = colour(i);
            let mut band: Vec<(f64, f64)> = s.points.iter().map(|p| (p.0, p.3)).collect();
            band.extend(s.points.iter().rev().map(|p| (p.0, p.2)));
            chart
                .draw_series(std::iter::once(Polygon::new(band, c.mix(0.25).filled())))
                .map_err(err)?;
            chart
                .draw_series(plotters::series::LineSeries::new(
                    s.points.iter().map(|p| (p.0, p.1)),
                    c.stroke_width(3),
                ))
                .map_err(err)?;
        }
        for (label, x) in &self.markers {
            let dashes = (0..40).map(|k| {
                let y0 = k as f64 / 40.0;
                PathElement::new(vec![(*x, y0), (*x, y0 + 0.0125)], BLACK.stroke_width(2))
            });
            chart.draw_series(dashes).map_err(err)?;
            let text = Text::new(format!(" {label} {x:.1} min"), (*x, 0.06), (FONT, 15));
            chart.draw_series(std::iter::once(text)).map_err(err)?;
        }
        Ok(())
    }
}

impl Chart for HourlyLoad {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        start(root, &self.title)?;
        let demand_top = headroom(self.demand.iter().copied().fold(0.0, f64::max));
        let units_top = headroom(
            self.units
                .iter()
                .flat_map(|(_, u)| u.iter().copied())
                .fold(0.0, f64::max),
        );
        let area = root.margin(50, 10, 10, 10);
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .right_y_label_area_size(80)
            .build_cartesian_2d(0f64..24f64, 0f64..demand_top)
            .map_err(err)?
            .set_secondary_coord(0f64..24f64, 0f64..units_top);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(13)
            .x_label_formatter(&|x| format!("{:02}:00", *x as u32))
            .x_desc("hour of day")
            .y_desc("crises per hour (mean)")
            .x_label_style((FONT, 15))
            .y_label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .draw()
            .map_err(err)?;
        chart
            .configure_secondary_axes()
            .y_desc("units staffed (mean)")
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .draw()
            .map_err(err)?;
        let grey = RGBColor(170, 170, 170);
        let bars = self.demand.iter().enumerate().map(|(h, d)| {
            Rectangle::new([(h as f64 + 0.1, 0.0), (h as f64 + 0.9, *d)], grey.filled())
        });
        chart
            .draw_series(bars)
            .map_err(err)?
            .label("crises per hour (left axis)")
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], grey.filled()));
        for (i, (kind, units)) in self.units.iter().enumerate() {
            let c = colour(i);
            let steps = units
                .iter()
                .enumerate()
                .flat_map(|(h, u)| [(h as f64, *u), (h as f64 + 1.0, *u)]);
            chart
                .draw_secondary_series(plotters::series::LineSeries::new(steps, c.stroke_width(3)))
                .map_err(err)?
                .label(format!("{kind} staffed (right axis)"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(3))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.4))
            .label_font((FONT, 15))
            .draw()
            .map_err(err)
    }
}
