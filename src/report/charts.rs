//! Charts, drawn once for SVG and once for PNG with the same code. Text uses DejaVu
//! Sans, shipped with the crate, so charts read the same on a machine without fonts.
//! Colours are the Okabe–Ito palette, distinguishable with colour-blindness.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

/// Okabe–Ito colours, in the order series use them.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(240, 228, 66),  // yellow
    RGBColor(0, 0, 0),       // black
];

pub(super) const FONT: &str = "sans-serif";
const WIDTH: u32 = 960;
const HEIGHT: u32 = 540;

/// Registers the shipped font once; plotters looks fonts up by family name.
fn ensure_font() -> Result<(), String> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        let bytes: &'static [u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
        plotters::style::register_font(FONT, FontStyle::Normal, bytes).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err("the shipped chart font could not be loaded".into())
    }
}

fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// A value with its 95 % interval.
#[derive(Clone, Copy, Debug)]
pub struct Bar {
    /// Mean.
    pub mean: f64,
    /// 95 % interval, if any.
    pub ci: Option<[f64; 2]>,
}

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

/// Something that can be drawn on any plotters backend.
pub trait Chart {
    /// Draws the chart on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// A rendered chart.
pub struct Rendered {
    /// SVG text.
    pub svg: String,
    /// PNG bytes.
    pub png: Vec<u8>,
}

/// Renders a chart as SVG and PNG.
pub fn render(chart: &impl Chart) -> Result<Rendered, String> {
    ensure_font()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(Rendered {
        svg,
        png: encode_png(&pixels, WIDTH, HEIGHT)?,
    })
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

pub(super) fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The top of an axis with a little headroom, never 0.
fn headroom(max: f64) -> f64 {
    if max.is_finite() && max > 0.0 {
        max * 1.15
    } else {
        1.0
    }
}

pub(super) fn start<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(err)?;
    root.titled(title, (FONT, 24)).map_err(err)?;
    Ok(())
}

fn legend_box<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.4))
        .label_font((FONT, 15))
        .draw()
        .map_err(err)
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
        let several = self.series.len() > 1;
        if several {
            let names: Vec<&str> = self.series.iter().map(|(n, _)| n.as_str()).collect();
            legend_row(root, &names)?;
        }
        let line_y = self.line.as_ref().map_or(0.0, |(_, y)| *y);
        let upper = self.upper.unwrap_or(headroom(top.max(line_y)));
        let area = root.margin(if several { 80 } else { 50 }, 10, 10, 10);
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

/// Coloured squares and names in a row under the title, in series order.
pub(super) fn legend_row<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    names: &[&str],
) -> Result<(), String> {
    let font: TextStyle<'_> = (FONT, 15).into();
    let mut x = 100;
    for (i, name) in names.iter().enumerate() {
        root.draw(&Rectangle::new([(x, 44), (x + 14, 58)], colour(i).filled()))
            .map_err(err)?;
        root.draw(&Text::new(name.to_string(), (x + 20, 43), font.clone()))
            .map_err(err)?;
        let (w, _) = root.estimate_text_size(name, &font).map_err(err)?;
        x += 20 + w as i32 + 30;
    }
    Ok(())
}

/// An axis tick: whole numbers with separators on large axes, two decimals at most otherwise.
pub(super) fn tick(y: f64, top: f64) -> String {
    if top >= 20.0 {
        super::human_with(y, 0)
    } else {
        let s = format!("{y:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn category_label(labels: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    labels.get(i as usize).cloned().unwrap_or_default()
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
        let area = root.margin(50, 10, 10, 10);
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
                .map_err(err)?
                .label(s.name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(3))
                });
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
        legend_box(&mut chart, SeriesLabelPosition::LowerRight)
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
