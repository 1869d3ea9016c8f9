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
        let bytes: &'static [u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
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

mod bars;
mod lines;
mod maps;
mod spread;

pub use bars::{GroupedBars, StackedShares};
pub use lines::{HourlyLoad, LineSeries, Lines};
pub use maps::{Heatmap, MapZone, ZoneMap};
pub use spread::{DrawCounts, Scatter, TornadoBars};

/// A value with its 95 % interval.
#[derive(Clone, Copy, Debug)]
pub struct Bar {
    /// Mean.
    pub mean: f64,
    /// 95 % interval, if any.
    pub ci: Option<[f64; 2]>,
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
    // Flat-coloured charts compress well with the fast encoder; the default level
    // took a fifth of a small run.
    encoder.set_compression(png::Compression::Fast);
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

/// Coloured squares and names in rows under the title, in series order, wrapped to
/// the chart's width so that no name runs off it; returns the height the rows take
/// below the title, for the plot's top margin.
pub(super) fn legend_row<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    names: &[&str],
) -> Result<i32, String> {
    const TOP: i32 = 44;
    const ROW: i32 = 24;
    let font: TextStyle<'_> = (FONT, 15).into();
    let right = root.dim_in_pixel().0 as i32 - 20;
    let (mut x, mut y) = (100, TOP);
    for (i, name) in names.iter().enumerate() {
        let (w, _) = root.estimate_text_size(name, &font).map_err(err)?;
        let width = 20 + w as i32;
        if x > 100 && x + width > right {
            (x, y) = (100, y + ROW);
        }
        root.draw(&Rectangle::new(
            [(x, y), (x + 14, y + 14)],
            colour(i).filled(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(name.to_string(), (x + 20, y - 1), font.clone()))
            .map_err(err)?;
        x += width + 30;
    }
    Ok(y + ROW - TOP)
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
