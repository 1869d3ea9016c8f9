//! Which charts a run or a comparison gets, and the numbers behind each.

use super::charts::{self, Bar, Chart, GroupedBars, HourlyLoad, LineSeries, Lines, StackedShares};
use crate::dist::{DAY, HOUR};
use crate::experiment::RunResult;
use crate::model::{Disposition, Model};
use crate::stats::{self, Estimate, quantile};

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
    /// The chart.
    pub figure: Figure,
}

/// One scenario's results, as the figures need them.
pub struct Results<'a> {
    /// Label in legends.
    pub label: String,
    /// The model.
    pub model: &'a Model,
    /// Its replications.
    pub run: &'a RunResult,
    /// Its metric estimates.
    pub estimates: &'a [(String, Estimate)],
}

fn bar(estimates: &[(String, Estimate)], metric: &str) -> Bar {
    estimates.iter().find(|(n, _)| n == metric).map_or(
        Bar {
            mean: f64::NAN,
            ci: None,
        },
        |(_, e)| Bar {
            mean: e.mean,
            ci: e.ci95,
        },
    )
}

/// The figures of a single run.
pub fn run_figures(r: &Results<'_>) -> Vec<Named> {
    let kinds: Vec<String> = r.model.kinds.iter().map(|k| k.name.clone()).collect();
    let utilization = GroupedBars {
        title: "Utilization by responder kind".into(),
        y_label: "busy share of on-duty time".into(),
        categories: kinds.clone(),
        series: vec![(
            r.label.clone(),
            kinds
                .iter()
                .map(|k| bar(r.estimates, &format!("utilization_{k}")))
                .collect(),
        )],
        upper: Some(1.0),
    };
    let zones = zone_p90(r);
    vec![
        Named {
            name: "response_time".into(),
            caption: "Share of incidents reached within a given time (all replications pooled); \
                      the band spans the middle 95 % of replications; dashed lines mark the pooled median and 90th percentile."
                .into(),
            figure: Figure::Lines(response_cdf(std::slice::from_ref(r), true)),
        },
        Named {
            name: "demand_by_hour".into(),
            caption: "Crises arriving per hour of day (bars, mean over the measured days) against units staffed \
                      (lines, as simulated: shifts less absences)."
                .into(),
            figure: Figure::Hourly(hourly_load(r)),
        },
        Named {
            name: "utilization".into(),
            caption: "Busy share of on-duty unit time by responder kind, background work and travel included; whiskers are 95 % intervals."
                .into(),
            figure: Figure::Bars(utilization),
        },
        Named {
            name: "dispositions".into(),
            caption: "How incidents ended, as shares of incidents that reached a disposition.".into(),
            figure: Figure::Stacked(disposition_mix(std::slice::from_ref(r))),
        },
        Named {
            name: "response_p90_by_zone".into(),
            caption: "90th-percentile response time by zone (equity across the city); whiskers are 95 % intervals."
                .into(),
            figure: Figure::Bars(zones),
        },
        monthly_figure(std::slice::from_ref(r)),
    ]
}

fn zone_p90(r: &Results<'_>) -> GroupedBars {
    let names: Vec<String> = r.model.zones.iter().map(|z| z.name.clone()).collect();
    let bars = (0..names.len())
        .map(|z| {
            let values: Vec<f64> = r
                .run
                .replications
                .iter()
                .map(|rep| metric_of(&rep.by_zone[z].1, "response_time_p90_min"))
                .collect();
            let e = stats::estimate(&values);
            Bar {
                mean: e.mean,
                ci: e.ci95,
            }
        })
        .collect();
    GroupedBars {
        title: "90th-percentile response time by zone".into(),
        y_label: "minutes".into(),
        categories: names,
        series: vec![(r.label.clone(), bars)],
        upper: None,
    }
}

fn metric_of(metrics: &[(String, f64)], name: &str) -> f64 {
    metrics
        .iter()
        .find(|(n, _)| n == name)
        .map_or(f64::NAN, |(_, v)| *v)
}

/// Response-time CDFs, one series per result; markers for the first when asked.
fn response_cdf(results: &[Results<'_>], markers: bool) -> Lines {
    let pooled: Vec<Vec<f64>> = results
        .iter()
        .map(|r| sorted_responses(r.run, None))
        .collect();
    let right = pooled
        .iter()
        .map(|p| quantile(p, 0.99))
        .filter(|x| x.is_finite())
        .fold(1.0, f64::max);
    let grid: Vec<f64> = (0..=200).map(|i| right * f64::from(i) / 200.0).collect();
    let series = results
        .iter()
        .zip(&pooled)
        .map(|(r, all)| {
            let per_rep: Vec<Vec<f64>> = (0..r.run.replications.len())
                .map(|i| sorted_responses(r.run, Some(i)))
                .collect();
            let points = grid
                .iter()
                .map(|&x| {
                    let mut f: Vec<f64> = per_rep
                        .iter()
                        .filter(|s| !s.is_empty())
                        .map(|s| ecdf(s, x))
                        .collect();
                    f.sort_by(f64::total_cmp);
                    (x, ecdf(all, x), quantile(&f, 0.025), quantile(&f, 0.975))
                })
                .collect();
            LineSeries {
                name: r.label.clone(),
                points,
            }
        })
        .collect();
    let marks = match (markers, pooled.first()) {
        (true, Some(p)) if !p.is_empty() => vec![
            ("p50".into(), quantile(p, 0.5)),
            ("p90".into(), quantile(p, 0.9)),
        ],
        _ => Vec::new(),
    };
    Lines {
        title: "Response time: incident received to first unit on scene".into(),
        x_label: "minutes".into(),
        y_label: "share of incidents reached".into(),
        percent: true,
        series,
        markers: marks,
    }
}

fn sorted_responses(run: &RunResult, replication: Option<usize>) -> Vec<f64> {
    let mut v: Vec<f64> = run
        .replications
        .iter()
        .enumerate()
        .filter(|(i, _)| replication.is_none_or(|r| r == *i))
        .flat_map(|(_, rep)| rep.record.responses.iter().map(|s| f64::from(s.minutes)))
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

fn ecdf(sorted: &[f64], x: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.partition_point(|v| *v <= x) as f64 / sorted.len() as f64
}

fn hourly_load(r: &Results<'_>) -> HourlyLoad {
    let days = r.model.days;
    let reps = r.run.replications.len().max(1) as f64;
    let demand = (0..24)
        .map(|h| {
            let total: u64 = r
                .run
                .replications
                .iter()
                .map(|rep| rep.record.incidents_by_hour[h])
                .sum();
            total as f64 / reps / days
        })
        .collect();
    let units = r
        .model
        .kinds
        .iter()
        .map(|k| {
            let by_hour = (0..24)
                .map(|h| {
                    let minutes = (0..7).flat_map(|d| (0..60).map(move |m| (d, m)));
                    let sum: f64 = minutes
                        .map(|(d, m)| {
                            f64::from(k.schedule.units_at(
                                f64::from(d) * DAY + f64::from(h) * HOUR + f64::from(m) + 0.5,
                            ))
                        })
                        .sum();
                    sum / (7.0 * 60.0)
                })
                .collect();
            (k.name.clone(), by_hour)
        })
        .collect();
    HourlyLoad {
        title: "Crisis demand and staffing by hour of day".into(),
        demand,
        units,
    }
}

fn disposition_mix(results: &[Results<'_>]) -> StackedShares {
    let bars = results
        .iter()
        .map(|r| {
            let shares = (0..Disposition::ALL.len())
                .map(|d| {
                    let counts: Vec<f64> = r
                        .run
                        .replications
                        .iter()
                        .map(|rep| rep.record.dispositions[d] as f64)
                        .collect();
                    counts.iter().sum::<f64>() / counts.len().max(1) as f64
                })
                .collect();
            (r.label.clone(), shares)
        })
        .collect();
    StackedShares {
        title: "Disposition mix".into(),
        parts: Disposition::ALL
            .iter()
            .map(|d| d.name().replace('_', " "))
            .collect(),
        bars,
    }
}

/// Incidents per 30-day month over the measured period, per result, with a band
/// spanning the middle 95 % of replications.
fn monthly(results: &[Results<'_>]) -> Lines {
    let series = results
        .iter()
        .map(|r| {
            let months = r
                .run
                .replications
                .first()
                .map_or(0, |rep| rep.record.incidents_by_month.len());
            let points = (0..months)
                .map(|m| {
                    let mut v: Vec<f64> = r
                        .run
                        .replications
                        .iter()
                        .map(|rep| rep.record.incidents_by_month[m] as f64)
                        .collect();
                    v.sort_by(f64::total_cmp);
                    let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
                    (
                        m as f64 + 1.0,
                        mean,
                        quantile(&v, 0.025),
                        quantile(&v, 0.975),
                    )
                })
                .collect();
            LineSeries {
                name: r.label.clone(),
                points,
            }
        })
        .collect();
    Lines {
        title: "Crises per month".into(),
        x_label: "month of the measured period (30 days)".into(),
        y_label: "crises per month (first and repeat)".into(),
        percent: false,
        series,
        markers: Vec::new(),
    }
}

fn monthly_figure(results: &[Results<'_>]) -> Named {
    Named {
        name: "incidents_by_month".into(),
        caption: "Crises per 30-day month, first and repeat together; \
                  the band spans the middle 95 % of replications. Prevention effects build up here over a multi-year horizon."
            .into(),
        figure: Figure::Lines(monthly(results)),
    }
}

/// Metric groups compared side by side: `(file stem, title, y label, metrics)`.
const COMPARED: [(&str, &str, &str, &[&str]); 3] = [
    (
        "compare_response_times",
        "Response times",
        "minutes",
        &[
            "response_time_mean_min",
            "response_time_p50_min",
            "response_time_p90_min",
        ],
    ),
    (
        "compare_shares",
        "Shares of incidents",
        "share of incidents",
        &[
            "police_involved_share",
            "no_police_share",
            "resolved_on_scene_share",
            "referred_share",
        ],
    ),
    (
        "compare_outcomes",
        "Outcomes over the measured period",
        "count",
        &[
            "emergency_department",
            "crisis_center",
            "arrests",
            "use_of_force",
        ],
    ),
];

/// The figures of a comparison: grouped bars per metric group, utilization, mix, CDFs.
pub fn compare_figures(results: &[Results<'_>]) -> Vec<Named> {
    let mut out: Vec<Named> = COMPARED
        .iter()
        .map(|(name, title, y, metrics)| Named {
            name: (*name).into(),
            caption: format!(
                "{title} by scenario; whiskers are 95 % intervals across replications."
            ),
            figure: Figure::Bars(GroupedBars {
                title: (*title).into(),
                y_label: (*y).into(),
                categories: metrics.iter().map(|m| short(m)).collect(),
                series: results
                    .iter()
                    .map(|r| {
                        (
                            r.label.clone(),
                            metrics.iter().map(|m| bar(r.estimates, m)).collect(),
                        )
                    })
                    .collect(),
                upper: (*name == "compare_shares").then_some(1.0),
            }),
        })
        .collect();
    let mut kinds: Vec<String> = Vec::new();
    for r in results {
        for k in &r.model.kinds {
            if !kinds.contains(&k.name) {
                kinds.push(k.name.clone());
            }
        }
    }
    out.push(Named {
        name: "compare_utilization".into(),
        caption: "Utilization by responder kind and scenario; whiskers are 95 % intervals.".into(),
        figure: Figure::Bars(GroupedBars {
            title: "Utilization by responder kind".into(),
            y_label: "busy share of on-duty time".into(),
            categories: kinds.clone(),
            series: results
                .iter()
                .map(|r| {
                    (
                        r.label.clone(),
                        kinds
                            .iter()
                            .map(|k| bar(r.estimates, &format!("utilization_{k}")))
                            .collect(),
                    )
                })
                .collect(),
            upper: Some(1.0),
        }),
    });
    out.push(Named {
        name: "compare_dispositions".into(),
        caption: "How incidents ended in each scenario.".into(),
        figure: Figure::Stacked(disposition_mix(results)),
    });
    out.push(Named {
        name: "compare_response_time".into(),
        caption: "Share of incidents reached within a given time, by scenario; bands span the middle 95 % of replications."
            .into(),
        figure: Figure::Lines(response_cdf(results, false)),
    });
    out.push(monthly_figure(results));
    out
}

/// A metric name shortened for an axis label.
fn short(metric: &str) -> String {
    metric
        .trim_end_matches("_min")
        .replace("response_time_", "")
        .replace("_share", "")
        .replace('_', " ")
}

/// Renders every figure; `(name, caption, rendered)`.
pub fn render_all(figures: &[Named]) -> Result<Vec<(String, String, charts::Rendered)>, String> {
    figures
        .iter()
        .map(|f| {
            Ok((
                f.name.clone(),
                f.caption.clone(),
                charts::render(&f.figure)?,
            ))
        })
        .collect()
}
