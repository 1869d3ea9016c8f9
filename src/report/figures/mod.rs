//! Which charts a run or a comparison gets, and the numbers behind each, all read
//! from run summaries: the figure types and their rendering here, with the figures a
//! run and a comparison share; the rest in [`run`] and [`compare`].

pub mod compare;
pub mod run;

pub use compare::compare_figures;
pub use run::{DISPARITY_COLUMNS, run_figures};

use super::charts::{
    self, Bar, Chart, GroupedBars, Heatmap, HourlyLoad, LineSeries, Lines, StackedShares, ZoneMap,
};
use super::charts::{DrawCounts, Scatter, TornadoBars};
use crate::model::Disposition;
use crate::stats::metrics::{self as m, Metric};
use crate::stats::series::{self, Band};
use crate::stats::{Estimate, RunSummary};

/// Any of the chart kinds.
#[derive(Clone, Debug)]
pub enum Figure {
    /// Grouped bars with whiskers.
    Bars(GroupedBars),
    /// Stacked shares.
    Stacked(StackedShares),
    /// Lines with bands.
    Lines(Lines),
    /// Demand against staffing by hour.
    Hourly(HourlyLoad),
    /// Zones on a map.
    Map(ZoneMap),
    /// A grid of values.
    Heatmap(Heatmap),
    /// Counts of draws.
    DrawCounts(DrawCounts),
    /// Paired draws.
    Scatter(Scatter),
    /// One-at-a-time ranges.
    Tornado(TornadoBars),
}

impl Chart for Figure {
    fn draw<DB: plotters::prelude::DrawingBackend>(
        &self,
        root: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    ) -> Result<(), String> {
        match self {
            Figure::Bars(c) => c.draw(root),
            Figure::Stacked(c) => c.draw(root),
            Figure::Lines(c) => c.draw(root),
            Figure::Hourly(c) => c.draw(root),
            Figure::Map(c) => c.draw(root),
            Figure::Heatmap(c) => c.draw(root),
            Figure::DrawCounts(c) => c.draw(root),
            Figure::Scatter(c) => c.draw(root),
            Figure::Tornado(c) => c.draw(root),
        }
    }
}

/// A figure with its file name (without extension) and a caption for the report.
#[derive(Clone, Debug)]
pub struct Named {
    /// File stem, e.g. `response_time`.
    pub name: String,
    /// One sentence saying how to read it.
    pub caption: String,
    /// The chart, or why there is nothing to draw (the report says so instead).
    pub figure: Result<Figure, String>,
}

/// A figure as drawn: its SVG and PNG, or why it was left out.
pub struct Drawn {
    /// File stem.
    pub name: String,
    /// Caption.
    pub caption: String,
    /// The rendered chart, or the reason there is none.
    pub rendered: Result<charts::Rendered, String>,
}

/// A bar for an estimate (an empty one where there is none).
pub(super) fn to_bar(e: Option<&Estimate>) -> Bar {
    e.map_or(
        Bar {
            mean: f64::NAN,
            ci: None,
        },
        |e| Bar {
            mean: e.mean,
            ci: e.ci95,
        },
    )
}

pub(super) fn bar(s: &RunSummary, metric: &Metric) -> Bar {
    to_bar(s.estimate(metric))
}

/// The figure `draw` makes when `has_data`, else the reason there is none.
/// A line of bands, one per step, at x = `x(step)`.
pub(super) fn line(name: &str, bands: &[Band], x: impl Fn(usize) -> f64) -> LineSeries {
    LineSeries {
        name: name.to_string(),
        points: (bands.iter().enumerate())
            .map(|(i, b)| (x(i), b.mean, b.lo, b.hi))
            .collect(),
    }
}

pub(super) fn drawn_if(
    has_data: bool,
    why_not: &str,
    draw: impl FnOnce() -> Figure,
) -> Result<Figure, String> {
    if has_data {
        Ok(draw())
    } else {
        Err(why_not.to_string())
    }
}

pub(super) const NOTHING_REACHED: &str = "No incident was reached in the measured period.";

/// A bar in millions.
pub(super) fn millions(b: Bar) -> Bar {
    Bar {
        mean: b.mean / 1e6,
        ci: b.ci.map(|[lo, hi]| [lo / 1e6, hi / 1e6]),
    }
}

/// A metric name shortened for an axis label.
pub(super) fn short(metric: &str) -> String {
    metric
        .trim_end_matches("_min")
        .replace("response_time_", "")
        .replace("_share", "")
        .replace('_', " ")
}

pub(super) fn utilization(runs: &[&RunSummary]) -> GroupedBars {
    let mut kinds: Vec<String> = Vec::new();
    for r in runs {
        for k in &r.model.kinds {
            if !kinds.contains(&k.name) {
                kinds.push(k.name.clone());
            }
        }
    }
    GroupedBars {
        title: "Utilization by responder kind".into(),
        y_label: "busy share of on-duty time".into(),
        series: runs
            .iter()
            .map(|r| {
                let bars = kinds
                    .iter()
                    .map(|k| to_bar(r.kind_estimate(m::UTILIZATION, k)))
                    .collect();
                (r.scenario.clone(), bars)
            })
            .collect(),
        categories: kinds,
        upper: Some(1.0),
        line: None,
    }
}

/// Cost by part for each run, with the cost per incident in the caption.
pub(super) fn cost_figure(runs: &[&RunSummary]) -> Named {
    let parts: Vec<&Metric> = m::cost_parts().collect();
    let any_cost = runs.iter().any(|r| r.mean(m::COST_TOTAL) > 0.0);
    let per_incident: Vec<String> = runs
        .iter()
        .map(|r| {
            format!(
                "{}: {}",
                r.scenario,
                super::dollars(r.mean(m::COST_PER_INCIDENT))
            )
        })
        .collect();
    Named {
        name: if runs.len() > 1 {
            "compare_costs"
        } else {
            "costs"
        }
        .into(),
        caption: format!(
            "Cost over the measured period by part; whiskers are 95 % intervals. Cost per crisis: {}.",
            per_incident.join("; ")
        ),
        figure: drawn_if(
            any_cost,
            "The scenario sets no costs ([costs] table).",
            || {
                Figure::Bars(GroupedBars {
                    title: "Cost by part".into(),
                    y_label: "million dollars over the measured period".into(),
                    categories: parts
                        .iter()
                        .map(|p| short(p.name.trim_start_matches("cost_")))
                        .collect(),
                    series: runs
                        .iter()
                        .map(|r| {
                            let bars = parts.iter().map(|p| millions(bar(r, p))).collect();
                            (r.scenario.clone(), bars)
                        })
                        .collect(),
                    upper: None,
                    line: None,
                })
            },
        ),
    }
}

/// Response-time CDFs, one series per run; markers for the first when asked.
pub(super) fn response_cdf(runs: &[&RunSummary], markers: bool) -> Lines {
    let target = runs.first().and_then(|r| r.response_target_min);
    let right = runs
        .iter()
        .map(|r| series::pooled_quantile(r, 0.99))
        .chain(target.map(|t| t * 1.1))
        .filter(|x| x.is_finite())
        .fold(1.0, f64::max);
    let grid: Vec<f64> = (0..=200).map(|i| right * f64::from(i) / 200.0).collect();
    let series = runs
        .iter()
        .map(|r| {
            let points = grid
                .iter()
                .map(|&x| {
                    let across = Band::of(
                        (r.per_replication.iter())
                            .filter(|rep| rep.series.responses > 0)
                            .map(|rep| {
                                series::cdf_from_quantiles(&rep.series.response_quantiles, x)
                            })
                            .collect(),
                    );
                    (x, series::pooled_cdf(r, x), across.lo, across.hi)
                })
                .collect();
            LineSeries {
                name: r.scenario.clone(),
                points,
            }
        })
        .collect();
    let mut marks = match (markers, runs.first()) {
        (true, Some(r)) if series::pooled_quantile(r, 0.5).is_finite() => vec![
            ("p50".into(), series::pooled_quantile(r, 0.5)),
            ("p90".into(), series::pooled_quantile(r, 0.9)),
        ],
        _ => Vec::new(),
    };
    if let (true, Some(target)) = (markers, target) {
        marks.push(("target".into(), target));
    }
    Lines {
        title: "Response time: incident received to first unit on scene".into(),
        x_label: "minutes".into(),
        y_label: "share of incidents reached".into(),
        percent: true,
        series,
        markers: marks,
        shaded: None,
        x_start: None,
    }
}

/// Mean calls the hotline resolved by phone per replication.
pub(super) fn resolved_by_phone(r: &RunSummary) -> f64 {
    let (Some(share), Some(calls)) = (
        r.column(m::HOTLINE_RESOLVED_SHARE.name),
        r.column(m::HOTLINE_CALLS.name),
    ) else {
        return 0.0;
    };
    let counts: Vec<f64> = share
        .iter()
        .zip(&calls)
        .map(|(s, c)| if s.is_finite() { s * c } else { 0.0 })
        .collect();
    counts.iter().sum::<f64>() / counts.len().max(1) as f64
}

pub(super) fn disposition_mix(runs: &[&RunSummary]) -> StackedShares {
    let phone = runs.iter().any(|r| r.mean(m::HOTLINE_CALLS) > 0.0);
    let bars = runs
        .iter()
        .map(|r| {
            let mut shares = series::dispositions(r);
            if phone {
                shares.push(resolved_by_phone(r));
            }
            (r.scenario.clone(), shares)
        })
        .collect();
    let mut parts: Vec<String> = Disposition::ALL
        .iter()
        .map(|d| d.name().replace('_', " "))
        .collect();
    if phone {
        parts.push("resolved by phone (988)".into());
    }
    StackedShares {
        title: "Disposition mix".into(),
        y_label: "share of incidents that ended".into(),
        parts,
        bars,
    }
}

/// Incidents per 30-day month over the measured period, per run, with a band
/// spanning the middle 95 % of replications.
pub(super) fn monthly(runs: &[&RunSummary]) -> Lines {
    let series = runs
        .iter()
        .map(|r| {
            let months =
                series::count_bands(&r.per_replication, |rep| &rep.series.incidents_by_month);
            line(&r.scenario, &months, |m| m as f64 + 1.0)
        })
        .collect();
    Lines {
        title: "Crises per month".into(),
        x_label: "month of the measured period (30 days)".into(),
        y_label: "crises per month (first and repeat)".into(),
        percent: false,
        series,
        markers: Vec::new(),
        shaded: None,
        x_start: None,
    }
}

/// Whole months in the longest measured period among the runs.
pub(super) fn monthly_points(runs: &[&RunSummary]) -> usize {
    runs.iter()
        .filter_map(|r| r.per_replication.first())
        .map(|rep| rep.series.incidents_by_month.len())
        .max()
        .unwrap_or(0)
}

pub(super) fn monthly_figure(runs: &[&RunSummary]) -> Named {
    Named {
        name: "incidents_by_month".into(),
        caption: "Crises per 30-day month, first and repeat together; \
                  the band spans the middle 95 % of replications. Prevention effects build up here over a multi-year horizon."
            .into(),
        figure: drawn_if(
            monthly_points(runs) > 0,
            "The measured period is shorter than one 30-day month.",
            || Figure::Lines(monthly(runs)),
        ),
    }
}

/// Renders every figure that has something to draw.
pub fn render_all(figures: &[Named]) -> Result<Vec<Drawn>, super::ReportError> {
    use rayon::prelude::*;
    // Each chart is drawn and encoded on its own: in parallel, in the figures' order.
    figures
        .par_iter()
        .map(|f| {
            let rendered = match &f.figure {
                Ok(figure) => Ok(charts::render(figure).map_err(super::ReportError::Chart)?),
                Err(why) => Err(why.clone()),
            };
            Ok(Drawn {
                name: f.name.clone(),
                caption: f.caption.clone(),
                rendered,
            })
        })
        .collect()
}
