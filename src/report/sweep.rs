//! A sweep's results: `sweep.csv`, `sweep.json`, charts and `report.html`, made from
//! the saved points alone (see `store`), so a sweep run whole, resumed or merged from
//! shards gives the same bytes.

use maud::html;

use super::charts::{Heatmap, LineSeries, Lines};
use super::figures::{self, Drawn, Figure, Named};
use super::page::{estimate_cell, figures as figure_html, page, scenario_files};
use super::{ReportError, chart_files, text_cell};
use crate::stats::metrics::{self as m, Metric};
use crate::stats::summary::ByMetric;
use crate::stats::sweep::{SweepPlan, SweepSummary};
use crate::store::{Files, json};
use crate::text::plural;

/// Metrics a sweep charts and tabulates, where the scenario has them.
fn main_metrics(plan: &SweepPlan) -> Vec<&'static Metric> {
    let mut shown = vec![
        m::RESPONSE_TIME_MEAN_MIN,
        m::RESPONSE_TIME_P90_MIN,
        m::DISPATCH_WAIT_MEAN_MIN,
        m::POLICE_INVOLVED_SHARE,
        m::COST_TOTAL,
    ];
    if plan.response_target_min.is_some() {
        shown.insert(2, m::RESPONSE_WITHIN_TARGET_SHARE);
    }
    shown
}

/// `sweep.csv`: one row per point, the varied keys, then each metric's mean and 95 % CI.
pub fn sweep_csv(s: &SweepSummary) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header =
        s.plan
            .axes
            .iter()
            .map(|a| text_cell(&a.key))
            .chain(s.plan.metrics.iter().flat_map(|m| {
                [
                    format!("{m}_mean"),
                    format!("{m}_ci95_lo"),
                    format!("{m}_ci95_hi"),
                ]
            }));
    w.write_record(header)?;
    for p in &s.points {
        let row = p
            .values
            .values()
            .map(|v| text_cell(v))
            .chain(p.metrics.values().flat_map(|e| {
                let [lo, hi] = e.ci95.unwrap_or([f64::NAN; 2]);
                [
                    super::csv_number(e.mean),
                    super::csv_number(lo),
                    super::csv_number(hi),
                ]
            }));
        w.write_record(row)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `sweep.csv`, `sweep.json`, the charts and `report.html`.
pub fn sweep_files(s: &SweepSummary) -> Result<Files, ReportError> {
    let charts = figures::render_all(&sweep_figures(s))?;
    let page = sweep_report(s, &charts);
    let mut files = Files::new();
    files.add("sweep.csv", sweep_csv(s)?);
    files.add("sweep.json", json(s));
    chart_files(&mut files, &charts);
    files.add("report.html", page);
    Ok(files)
}

/// A value as a number for an axis (its position when it is not one).
fn as_number(values: &[String], i: usize) -> f64 {
    values[i].parse::<f64>().unwrap_or(i as f64)
}

fn sweep_figures(s: &SweepSummary) -> Vec<Named> {
    let axes = &s.plan.axes;
    main_metrics(&s.plan)
        .into_iter()
        .filter(|x| *x != m::COST_TOTAL || s.points.iter().any(|p| p.metrics.mean_of(x) > 0.0))
        .map(|x| {
            let metric = x.name;
            let figure = match axes.len() {
                1 => Ok(Figure::Lines(metric_line(s, metric))),
                2 => Ok(Figure::Heatmap(metric_heatmap(s, metric))),
                n => Err(format!(
                    "The sweep varies {n} keys; charts show one or two. See sweep.csv."
                )),
            };
            Named {
                name: format!("sweep_{metric}"),
                caption: if axes.len() == 2 {
                    format!("Mean {metric} at each point of the grid.")
                } else {
                    format!("Mean {metric} at each value, with its 95 % confidence band.")
                },
                figure,
            }
        })
        .collect()
}

fn metric_line(s: &SweepSummary, metric: &str) -> Lines {
    let axis = &s.plan.axes[0];
    let points: Vec<(f64, f64, f64, f64)> = s
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let e = &p.metrics[metric];
            let [lo, hi] = e.ci95.unwrap_or([e.mean, e.mean]);
            (as_number(&axis.values, i), e.mean, lo, hi)
        })
        .collect();
    let start = points.first().map_or(0.0, |p| p.0);
    Lines {
        title: format!("{metric} by {}", axis.key),
        x_label: axis.key.clone(),
        y_label: metric.to_string(),
        percent: false,
        series: vec![LineSeries {
            name: s.plan.scenario.clone(),
            points,
        }],
        markers: Vec::new(),
        shaded: None,
        x_start: Some(start),
    }
}

fn metric_heatmap(s: &SweepSummary, metric: &str) -> Heatmap {
    let (rows, columns) = (&s.plan.axes[0], &s.plan.axes[1]);
    let cells = (0..rows.values.len())
        .map(|r| {
            (0..columns.values.len())
                .map(|c| s.points[r * columns.values.len() + c].metrics[metric].mean)
                .collect()
        })
        .collect();
    Heatmap {
        title: format!("{metric} by {} and {}", rows.key, columns.key),
        x_label: columns.key.clone(),
        y_label: rows.key.clone(),
        columns: columns.values.clone(),
        rows: rows.values.clone(),
        cells,
        value_label: metric.to_string(),
    }
}

fn sweep_report(s: &SweepSummary, charts: &[Drawn]) -> String {
    let plan = &s.plan;
    let metrics = main_metrics(plan);
    let varied: Vec<String> = (plan.axes.iter())
        .map(|a| format!("{} = {}", a.key, a.values.join(", ")))
        .collect();
    let body = html! {
        h1 { "Sweep: " (plan.scenario) }
        p .lede {
            (format!(
                "{} × {} each, {} after a {}-day warm-up, seed {}, with common random numbers: \
                 every point sees the same crises, so differences between points come from the \
                 varied keys.",
                plural(plan.points() as u32, "point"),
                plural(plan.replications, "replication"),
                plural(plan.days, "day"),
                plan.warmup_days,
                plan.seed
            ))
        }
        p .muted { (s.intervals) }
        h2 { "Charts" }
        (figure_html(charts))
        h2 { "Points" }
        table {
            tr {
                @for a in &plan.axes { th { code { (a.key) } } }
                @for x in &metrics { th { code { (x.name) } } }
            }
            @for p in &s.points {
                tr {
                    @for v in p.values.values() { td .n { (v) } }
                    @for x in &metrics { td .n { (estimate_cell(p.metrics.of(x))) } }
                }
            }
        }
        p .muted { "Every metric of every point is in sweep.csv and sweep.json." }
        h2 { "How this sweep was made" }
        p {
            "crisis-sim " (plan.crate_version) "; overrides: "
            code { (plan.provenance.overrides.join(" ")) } "; varied: " (varied.join("; ")) "."
        }
        (scenario_files(&plan.provenance))
    };
    page(&format!("Sweep: {}", plan.scenario), body)
}
