//! Zones on a map, and a grid of values.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;

/// One zone on a map.
#[derive(Clone, Debug)]
pub struct MapZone {
    /// Name.
    pub name: String,
    /// Centre, km east.
    pub x: f64,
    /// Centre, km north.
    pub y: f64,
    /// Residents (the circle's area is proportional to them).
    pub population: f64,
    /// The value that colours it (NaN: grey).
    pub value: f64,
}

/// Zones as circles at their centres, sized by population and coloured by a value.
#[derive(Clone, Debug)]
pub struct ZoneMap {
    /// Title.
    pub title: String,
    /// What the colour shows, with its unit.
    pub value_label: String,
    /// Zones.
    pub zones: Vec<MapZone>,
}

/// Pixel radius of the most populous zone.
const MAP_RADIUS: f64 = 55.0;

impl ZoneMap {
    /// Smallest and largest finite value (a range of width at least 1 for colour).
    fn value_range(&self) -> (f64, f64) {
        let finite = self.zones.iter().map(|z| z.value).filter(|v| v.is_finite());
        let lo = finite.clone().fold(f64::INFINITY, f64::min);
        let hi = finite.fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() {
            (lo, hi.max(lo + 1.0))
        } else {
            (0.0, 1.0)
        }
    }

    /// x and y ranges around the zones with the same km per pixel on both axes.
    fn extent(&self, width: f64, height: f64) -> (std::ops::Range<f64>, std::ops::Range<f64>) {
        let xs = self.zones.iter().map(|z| z.x);
        let ys = self.zones.iter().map(|z| z.y);
        let (x0, x1) = (
            xs.clone().fold(f64::INFINITY, f64::min),
            xs.fold(f64::NEG_INFINITY, f64::max),
        );
        let (y0, y1) = (
            ys.clone().fold(f64::INFINITY, f64::min),
            ys.fold(f64::NEG_INFINITY, f64::max),
        );
        let km_per_px = ((x1 - x0) / (width - 2.0 * MAP_RADIUS - 20.0))
            .max((y1 - y0) / (height - 2.0 * MAP_RADIUS - 20.0))
            .max(1e-3);
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let (hx, hy) = (km_per_px * width / 2.0, km_per_px * height / 2.0);
        ((cx - hx)..(cx + hx), (cy - hy)..(cy + hy))
    }
}

impl Chart for ZoneMap {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        use plotters::style::colors::colormaps::ViridisRGB;
        start(root, &self.title)?;
        let (map, key) = root.margin(50, 10, 10, 10).split_horizontally(WIDTH - 170);
        let (w, h) = map.dim_in_pixel();
        let (xr, yr) = self.extent(f64::from(w) - 60.0, f64::from(h) - 50.0);
        let mut chart = ChartBuilder::on(&map)
            .margin(5)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(xr, yr)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .x_desc("km east")
            .y_desc("km north")
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(err)?;
        let (lo, hi) = self.value_range();
        let biggest = self.zones.iter().map(|z| z.population).fold(1.0, f64::max);
        let font: TextStyle<'_> = (FONT, 14).into();
        for z in &self.zones {
            let fill = if z.value.is_finite() {
                ViridisRGB.get_color_normalized(z.value as f32, lo as f32, hi as f32)
            } else {
                RGBColor(190, 190, 190)
            };
            let r = (MAP_RADIUS * (z.population.max(0.0) / biggest).sqrt()).max(6.0);
            chart
                .draw_series([Circle::new((z.x, z.y), r as i32, fill.mix(0.85).filled())])
                .map_err(err)?;
            let label = format!("{} ({})", z.name, tick(z.value, 100.0));
            chart
                .draw_series([Text::new(
                    label,
                    (z.x, z.y),
                    font.pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Center,
                    )),
                )])
                .map_err(err)?;
        }
        colour_key(&key, &self.value_label, lo, hi)
    }
}

/// A vertical viridis scale from `lo` (bottom) to `hi` (top), with its label.
fn colour_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    lo: f64,
    hi: f64,
) -> Result<(), String> {
    use plotters::style::colors::colormaps::ViridisRGB;
    let font: TextStyle<'_> = (FONT, 14).into();
    let (top, bottom, left) = (40, 380, 20);
    area.draw(&Text::new(
        label.to_string(),
        (left - 10, top - 30),
        font.clone(),
    ))
    .map_err(err)?;
    for step in 0..100 {
        let y = bottom - (bottom - top) * (step + 1) / 100;
        let c = ViridisRGB.get_color(step as f32 / 99.0);
        area.draw(&Rectangle::new(
            [(left, y), (left + 24, y + (bottom - top) / 100 + 1)],
            c.filled(),
        ))
        .map_err(err)?;
    }
    for (v, y) in [(hi, top), (lo, bottom)] {
        area.draw(&Text::new(tick(v, 100.0), (left + 32, y - 7), font.clone()))
            .map_err(err)?;
    }
    Ok(())
}

/// A grid of values, one coloured cell per pair of x and y values.
#[derive(Clone, Debug)]
pub struct Heatmap {
    /// Title.
    pub title: String,
    /// X-axis label.
    pub x_label: String,
    /// Y-axis label.
    pub y_label: String,
    /// Column labels.
    pub columns: Vec<String>,
    /// Row labels, bottom first.
    pub rows: Vec<String>,
    /// `cells[row][column]` (NaN: grey).
    pub cells: Vec<Vec<f64>>,
    /// What the colour shows.
    pub value_label: String,
}

impl Chart for Heatmap {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        use plotters::style::colors::colormaps::ViridisRGB;
        start(root, &self.title)?;
        let (area, key) = root.margin(50, 10, 10, 10).split_horizontally(WIDTH - 170);
        let (nx, ny) = (self.columns.len().max(1), self.rows.len().max(1));
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5f64..nx as f64 - 0.5, -0.5f64..ny as f64 - 0.5)
            .map_err(err)?;
        let (columns, rows) = (self.columns.clone(), self.rows.clone());
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(nx)
            .y_labels(ny)
            .x_label_formatter(&|x| category_label(&columns, *x))
            .y_label_formatter(&|y| category_label(&rows, *y))
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(err)?;
        let finite = self
            .cells
            .iter()
            .flatten()
            .copied()
            .filter(|v| v.is_finite());
        let lo = finite.clone().fold(f64::INFINITY, f64::min);
        let hi = finite.fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = if lo.is_finite() {
            (lo, hi.max(lo + 1e-9))
        } else {
            (0.0, 1.0)
        };
        let font: TextStyle<'_> = (FONT, 13).into();
        let centred = font.pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        ));
        for (r, row) in self.cells.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let fill = if v.is_finite() {
                    ViridisRGB.get_color_normalized(*v as f32, lo as f32, hi as f32)
                } else {
                    RGBColor(190, 190, 190)
                };
                let (x, y) = (c as f64, r as f64);
                chart
                    .draw_series([Rectangle::new(
                        [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                        fill.filled(),
                    )])
                    .map_err(err)?;
                // Dark text on the light (yellow) end of the scale, white elsewhere.
                let light = v.is_finite() && (*v - lo) / (hi - lo) > 0.6;
                let style = centred.color(if light { &BLACK } else { &WHITE });
                chart
                    .draw_series([Text::new(tick(*v, hi.abs().max(lo.abs())), (x, y), style)])
                    .map_err(err)?;
            }
        }
        colour_key(&key, &self.value_label, lo, hi)
    }
}
