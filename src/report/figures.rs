//! Which charts a run or a comparison gets, and the numbers behind each, all read
//! from run summaries.

use super::charts::{
    self, Bar, Chart, GroupedBars, Heatmap, HourlyLoad, LineSeries, Lines, MapZone, StackedShares,
    ZoneMap,
};
use super::spread_charts::{Histogram, Scatter, TornadoBars};
use crate::model::Disposition;
use crate::stats::metrics::{self as m, Metric};
use crate::stats::summary::ByMetric;
use crate::stats::{self, Estimate, RunSummary, quantile};

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
    Histogram(Histogram),
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
            Figure::Histogram(c) => c.draw(root),
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
fn to_bar(e: Option<&Estimate>) -> Bar {
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

fn bar(s: &RunSummary, metric: &Metric) -> Bar {
    to_bar(s.estimate(metric))
}

fn utilization(runs: &[&RunSummary]) -> GroupedBars {
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

/// The figures of a single run.
pub fn run_figures(r: &RunSummary) -> Vec<Named> {
    let reached = r.per_replication.iter().any(|rep| rep.series.responses > 0);
    let ended = r
        .per_replication
        .iter()
        .any(|rep| rep.series.dispositions.iter().any(|d| *d > 0));
    vec![
        Named {
            name: "response_time".into(),
            caption: "Share of incidents reached within a given time (all replications pooled); \
                      the band spans the middle 95 % of replications; dashed lines mark the pooled median and 90th percentile."
                .into(),
            figure: drawn_if(reached, NOTHING_REACHED, || {
                Figure::Lines(response_cdf(&[r], true))
            }),
        },
        Named {
            name: "demand_by_hour".into(),
            caption: "Crises arriving per hour of day (bars, mean over the measured days) against units staffed \
                      (lines, as simulated: shifts less absences, mean over the measured days and replications)."
                .into(),
            figure: Ok(Figure::Hourly(hourly_load(r))),
        },
        Named {
            name: "utilization".into(),
            caption: "Busy share of on-duty unit time by responder kind, background work and travel included; whiskers are 95 % intervals."
                .into(),
            figure: Ok(Figure::Bars(utilization(&[r]))),
        },
        Named {
            name: "dispositions".into(),
            caption: "How incidents ended, as shares of incidents that reached a disposition.".into(),
            figure: drawn_if(ended, "No incident reached a disposition in the measured period.", || {
                Figure::Stacked(disposition_mix(&[r]))
            }),
        },
        Named {
            name: "response_p90_by_zone".into(),
            caption: "90th-percentile response time by zone (equity across the city); whiskers are 95 % intervals."
                .into(),
            figure: drawn_if(reached, NOTHING_REACHED, || Figure::Bars(zone_p90(r))),
        },
        zone_map_figure(r),
        occupancy_figure(r),
        facility_time_figure(r),
        cost_figure(&[r]),
        monthly_figure(&[r]),
        warmup_figure(r),
    ]
    .into_iter()
    .chain(hotline_figure(r))
    .collect()
}

const NOTHING_REACHED: &str = "No incident was reached in the measured period.";

/// The figure `draw` makes when `has_data`, else the reason there is none.
fn drawn_if(
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

/// Share of places in use by hour of the week, per facility with a capacity, with a
/// band spanning the middle 95 % of replications.
fn occupancy_figure(r: &RunSummary) -> Named {
    let series: Vec<LineSeries> = r
        .model
        .facilities
        .iter()
        .enumerate()
        .filter(|(_, f)| f.capacity.is_some())
        .map(|(f, facility)| {
            let points = (0..168)
                .map(|h| {
                    let mut v: Vec<f64> = r
                        .per_replication
                        .iter()
                        .filter_map(|rep| rep.series.occupancy_by_hour.get(f)?.get(h).copied())
                        .collect();
                    v.sort_by(f64::total_cmp);
                    let mean = stats::estimate(&v).mean;
                    (h as f64, mean, quantile(&v, 0.025), quantile(&v, 0.975))
                })
                .collect();
            LineSeries {
                name: facility.name.clone(),
                points,
            }
        })
        .collect();
    Named {
        name: "facility_occupancy".into(),
        caption: "Share of each facility's places in use by hour of the week (Monday 00:00 at 0), \
                  mean over the measured weeks; the band spans the middle 95 % of replications."
            .into(),
        figure: drawn_if(
            !series.is_empty(),
            "No facility has a capacity, so places are never short.",
            || {
                Figure::Lines(Lines {
                    title: "Facility occupancy by hour of the week".into(),
                    x_label: "hour of the week (Monday 00:00 = 0)".into(),
                    y_label: "share of places in use".into(),
                    percent: true,
                    series,
                    markers: Vec::new(),
                    shaded: None,
                    x_start: None,
                })
            },
        ),
    }
}

/// Unit-hours at facilities by kind: waiting for a place, and handing over.
fn facility_time_figure(r: &RunSummary) -> Named {
    let kinds: Vec<String> = r.model.kinds.iter().map(|k| k.name.clone()).collect();
    let hours = |metric: &Metric, k: &str| r.kind_mean(metric, k);
    let waiting: Vec<Bar> = kinds
        .iter()
        .map(|k| to_bar(r.kind_estimate(m::FACILITY_WAIT_HOURS, k)))
        .collect();
    let handing: Vec<Bar> = kinds
        .iter()
        .map(|k| Bar {
            mean: hours(m::FACILITY_HOURS, k) - hours(m::FACILITY_WAIT_HOURS, k),
            ci: None,
        })
        .collect();
    let any = r.mean(m::UNIT_HOURS_AT_FACILITIES) > 0.0;
    Named {
        name: "facility_time".into(),
        caption: "Unit-hours each kind spent at facilities over the measured period: waiting with \
                  the person for a place (with 95 % whiskers) and handing over."
            .into(),
        figure: drawn_if(any, "No unit spent time at a facility.", || {
            Figure::Bars(GroupedBars {
                title: "Unit time at facilities".into(),
                y_label: "unit-hours".into(),
                categories: kinds,
                series: vec![
                    ("waiting for a place".into(), waiting),
                    ("handing over".into(), handing),
                ],
                upper: None,
                line: None,
            })
        }),
    }
}

/// The zones on a map, coloured by their 90th-percentile response time.
fn zone_map_figure(r: &RunSummary) -> Named {
    let zones = r
        .model
        .zones
        .iter()
        .map(|z| MapZone {
            name: z.name.clone(),
            x: z.x,
            y: z.y,
            population: z.population,
            value: r
                .by_zone
                .get(&z.name)
                .and_then(|e| e.of(m::RESPONSE_TIME_P90_MIN))
                .map_or(f64::NAN, |e| e.mean),
        })
        .collect::<Vec<_>>();
    let several = zones.len() > 1;
    Named {
        name: "zone_map".into(),
        caption: "Zones at their centres, circle area by population, coloured by the mean \
                  90th-percentile response time (minutes, in brackets)."
            .into(),
        figure: drawn_if(
            several,
            "The scenario has a single zone, so there is no map to draw.",
            || {
                Figure::Map(ZoneMap {
                    title: "90th-percentile response time by zone".into(),
                    value_label: "p90 response (min)".into(),
                    zones,
                })
            },
        ),
    }
}

/// Cost per crisis, one bar per run.
fn cost_per_incident_figure(runs: &[&RunSummary]) -> Named {
    let any_cost = runs.iter().any(|r| r.mean(m::COST_TOTAL) > 0.0);
    Named {
        name: "compare_cost_per_incident".into(),
        caption: "Everything counted divided by the crises that arose, by scenario; whiskers are 95 % intervals."
            .into(),
        figure: drawn_if(any_cost, "The scenarios set no costs ([costs] table).", || {
            Figure::Bars(GroupedBars {
                title: "Cost per crisis".into(),
                y_label: "dollars per crisis".into(),
                categories: vec!["cost per crisis".into()],
                series: runs
                    .iter()
                    .map(|r| (r.scenario.clone(), vec![bar(r, m::COST_PER_INCIDENT)]))
                    .collect(),
                upper: None,
                line: None,
            })
        }),
    }
}

/// A bar in millions.
fn millions(b: Bar) -> Bar {
    Bar {
        mean: b.mean / 1e6,
        ci: b.ci.map(|[lo, hi]| [lo / 1e6, hi / 1e6]),
    }
}

/// Cost by part for each run, with the cost per incident in the caption.
fn cost_figure(runs: &[&RunSummary]) -> Named {
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

/// Weekly incidents and repeat crises over the whole run, warm-up shaded, with a band
/// spanning the middle 95 % of replications: where the start-up from an empty city
/// ends, and whether the warm-up covers it.
fn warmup_figure(r: &RunSummary) -> Named {
    let weekly = |name: &str, pick: fn(&stats::ReplicationSummary) -> &Vec<u64>| {
        let weeks = r
            .per_replication
            .first()
            .map_or(0, |rep| pick(rep).len().saturating_sub(1));
        let points = (0..weeks)
            .map(|w| {
                let mut v: Vec<f64> = r
                    .per_replication
                    .iter()
                    .filter_map(|rep| pick(rep).get(w))
                    .map(|c| *c as f64)
                    .collect();
                v.sort_by(f64::total_cmp);
                let mean = stats::estimate(&v).mean;
                (
                    w as f64 + 1.0,
                    mean,
                    quantile(&v, 0.025),
                    quantile(&v, 0.975),
                )
            })
            .collect();
        LineSeries {
            name: name.into(),
            points,
        }
    };
    let check = &r.warmup_check;
    let weeks = r.per_replication.first().map_or(0, |rep| {
        rep.series.incidents_by_week.len().saturating_sub(1)
    });
    Named {
        name: "warmup".into(),
        caption: format!(
            "Crises and repeat crises per week over the whole run, the warm-up ({} days) shaded;              the band spans the middle 95 % of replications. {} suggests discarding the first {} days{}.",
            check.chosen_days,
            check.method,
            check.suggested_days,
            if check.drifting {
                " at least (the series still drift late in the run)"
            } else {
                ""
            }
        ),
        figure: drawn_if(weeks > 0, "The run is shorter than two weeks.", || {
            Figure::Lines(Lines {
                title: "Start-up: crises per week from an empty city".into(),
                x_label: "week since the start (warm-up included)".into(),
                y_label: "crises per week".into(),
                percent: false,
                series: vec![
                    weekly("all crises", |rep| &rep.series.incidents_by_week),
                    weekly("repeat crises", |rep| &rep.series.repeats_by_week),
                ],
                markers: Vec::new(),
                shaded: Some(("warm-up".into(), 0.0, check.chosen_days / 7.0)),
                x_start: None,
            })
        }),
    }
}

fn zone_p90(r: &RunSummary) -> GroupedBars {
    let bars = r
        .by_zone
        .values()
        .map(|e| to_bar(e.of(m::RESPONSE_TIME_P90_MIN)))
        .collect();
    GroupedBars {
        title: "90th-percentile response time by zone".into(),
        y_label: "minutes".into(),
        categories: r.by_zone.keys().cloned().collect(),
        series: vec![(r.scenario.clone(), bars)],
        upper: None,
        line: None,
    }
}

/// The distribution function of one replication at `x`, from its quantile grid.
fn cdf_from_quantiles(grid: &[f64], x: f64) -> f64 {
    let Some(last) = grid.len().checked_sub(1) else {
        return f64::NAN;
    };
    let j = grid.partition_point(|q| *q <= x);
    if j == 0 {
        return 0.0;
    }
    if j > last {
        return 1.0;
    }
    let (lo, hi) = (grid[j - 1], grid[j]);
    let within = if hi > lo { (x - lo) / (hi - lo) } else { 0.0 };
    ((j - 1) as f64 + within) / last as f64
}

/// The pooled distribution function of a run at `x`: replications weighted by the
/// incidents they reached.
fn pooled_cdf(r: &RunSummary, x: f64) -> f64 {
    let (mut sum, mut n) = (0.0, 0.0);
    for rep in &r.per_replication {
        let s = &rep.series;
        if s.responses > 0 {
            sum += s.responses as f64 * cdf_from_quantiles(&s.response_quantiles, x);
            n += s.responses as f64;
        }
    }
    if n > 0.0 { sum / n } else { f64::NAN }
}

/// The pooled quantile `q` of a run's response times, by bisection on the pooled CDF.
fn pooled_quantile(r: &RunSummary, q: f64) -> f64 {
    let top = r
        .per_replication
        .iter()
        .filter_map(|rep| rep.series.response_quantiles.last().copied())
        .fold(f64::NAN, f64::max);
    if !top.is_finite() {
        return f64::NAN;
    }
    let (mut lo, mut hi) = (0.0, top);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if pooled_cdf(r, mid) < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// Response-time CDFs, one series per run; markers for the first when asked.
fn response_cdf(runs: &[&RunSummary], markers: bool) -> Lines {
    let target = runs.first().and_then(|r| r.response_target_min);
    let right = runs
        .iter()
        .map(|r| pooled_quantile(r, 0.99))
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
                    let mut f: Vec<f64> = r
                        .per_replication
                        .iter()
                        .filter(|rep| rep.series.responses > 0)
                        .map(|rep| cdf_from_quantiles(&rep.series.response_quantiles, x))
                        .collect();
                    f.sort_by(f64::total_cmp);
                    (
                        x,
                        pooled_cdf(r, x),
                        quantile(&f, 0.025),
                        quantile(&f, 0.975),
                    )
                })
                .collect();
            LineSeries {
                name: r.scenario.clone(),
                points,
            }
        })
        .collect();
    let mut marks = match (markers, runs.first()) {
        (true, Some(r)) if pooled_quantile(r, 0.5).is_finite() => vec![
            ("p50".into(), pooled_quantile(r, 0.5)),
            ("p90".into(), pooled_quantile(r, 0.9)),
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

fn hourly_load(r: &RunSummary) -> HourlyLoad {
    let reps = r.per_replication.len().max(1) as f64;
    let demand = (0..24)
        .map(|h| {
            let total: u64 = r
                .per_replication
                .iter()
                .map(|rep| rep.series.incidents_by_hour[h])
                .sum();
            total as f64 / reps / r.days
        })
        .collect();
    let units = r
        .model
        .kinds
        .iter()
        .enumerate()
        .map(|(k, kind)| {
            let by_hour = (0..24)
                .map(|h| {
                    let sum: f64 = r
                        .per_replication
                        .iter()
                        .filter_map(|rep| rep.series.on_duty_by_hour.get(k).map(|b| b[h]))
                        .sum();
                    sum / reps
                })
                .collect();
            (kind.name.clone(), by_hour)
        })
        .chain(
            r.model
                .counselors_by_hour
                .clone()
                .map(|c| ("988 counselors".to_string(), c)),
        )
        .collect();
    HourlyLoad {
        title: "Crisis demand and staffing by hour of day".into(),
        demand,
        units,
    }
}

/// Mean calls the hotline resolved by phone per replication.
fn resolved_by_phone(r: &RunSummary) -> f64 {
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

fn disposition_mix(runs: &[&RunSummary]) -> StackedShares {
    let phone = runs.iter().any(|r| r.mean(m::HOTLINE_CALLS) > 0.0);
    let bars = runs
        .iter()
        .map(|r| {
            let mut shares: Vec<f64> = (0..Disposition::ALL.len())
                .map(|d| {
                    let total: u64 = r
                        .per_replication
                        .iter()
                        .map(|rep| rep.series.dispositions[d])
                        .sum();
                    total as f64 / r.per_replication.len().max(1) as f64
                })
                .collect();
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

/// How 988 calls ended, with the answer wait in the caption (`None` without a hotline).
fn hotline_figure(r: &RunSummary) -> Option<Named> {
    let has_calls = r.mean(m::HOTLINE_CALLS) > 0.0;
    if !has_calls {
        return None;
    }
    let resolved = r.mean(m::HOTLINE_RESOLVED_SHARE);
    let abandoned = r.mean(m::HOTLINE_ABANDONED_SHARE);
    Some(Named {
        name: "hotline".into(),
        caption: format!(
            "How calls to the 988 line ended. Answered callers waited {:.1} minutes on average \
             (90th percentile {:.1}); callers who hung up may have called 911.",
            r.mean(m::HOTLINE_ANSWER_MEAN_MIN),
            r.mean(m::HOTLINE_ANSWER_P90_MIN)
        ),
        figure: Ok(Figure::Stacked(StackedShares {
            title: "988 hotline: how calls ended".into(),
            y_label: "share of hotline calls".into(),
            parts: vec![
                "resolved by phone".into(),
                "passed to dispatch".into(),
                "hung up before an answer".into(),
            ],
            bars: vec![(
                r.scenario.clone(),
                vec![resolved, (1.0 - resolved - abandoned).max(0.0), abandoned],
            )],
        })),
    })
}

/// Incidents per 30-day month over the measured period, per run, with a band
/// spanning the middle 95 % of replications.
fn monthly(runs: &[&RunSummary]) -> Lines {
    let series = runs
        .iter()
        .map(|r| {
            let months = r
                .per_replication
                .first()
                .map_or(0, |rep| rep.series.incidents_by_month.len());
            let points = (0..months)
                .map(|m| {
                    let mut v: Vec<f64> = r
                        .per_replication
                        .iter()
                        .filter_map(|rep| rep.series.incidents_by_month.get(m))
                        .map(|c| *c as f64)
                        .collect();
                    v.sort_by(f64::total_cmp);
                    let e = stats::estimate(&v);
                    (
                        m as f64 + 1.0,
                        e.mean,
                        quantile(&v, 0.025),
                        quantile(&v, 0.975),
                    )
                })
                .collect();
            LineSeries {
                name: r.scenario.clone(),
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
        shaded: None,
        x_start: None,
    }
}

/// Whole months in the longest measured period among the runs.
fn monthly_points(runs: &[&RunSummary]) -> usize {
    runs.iter()
        .filter_map(|r| r.per_replication.first())
        .map(|rep| rep.series.incidents_by_month.len())
        .max()
        .unwrap_or(0)
}

fn monthly_figure(runs: &[&RunSummary]) -> Named {
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

/// Metric groups compared side by side: `(file stem, title, y label, metrics)`.
const COMPARED: [(&str, &str, &str, &[&Metric]); 3] = [
    (
        "compare_response_times",
        "Response times",
        "minutes",
        &[
            m::RESPONSE_TIME_MEAN_MIN,
            m::RESPONSE_TIME_P50_MIN,
            m::RESPONSE_TIME_P90_MIN,
        ],
    ),
    (
        "compare_shares",
        "Shares of incidents",
        "share of incidents",
        &[
            m::POLICE_INVOLVED_SHARE,
            m::NO_POLICE_SHARE,
            m::RESOLVED_ON_SCENE_SHARE,
            m::REFERRED_SHARE,
        ],
    ),
    (
        "compare_outcomes",
        "Outcomes over the measured period",
        "count",
        &[
            m::EMERGENCY_DEPARTMENT,
            m::CRISIS_CENTER,
            m::ARRESTS,
            m::USE_OF_FORCE,
        ],
    ),
];

/// The figures of a comparison: grouped bars per metric group, utilization, mix, CDFs.
pub fn compare_figures(runs: &[&RunSummary]) -> Vec<Named> {
    let mut out: Vec<Named> = COMPARED
        .iter()
        .map(|(name, title, y, metrics)| Named {
            name: (*name).into(),
            caption: format!(
                "{title} by scenario; whiskers are 95 % intervals across replications."
            ),
            figure: Ok(Figure::Bars(GroupedBars {
                title: (*title).into(),
                y_label: (*y).into(),
                categories: metrics.iter().map(|x| short(x.name)).collect(),
                series: runs
                    .iter()
                    .map(|r| {
                        let bars = metrics.iter().map(|x| bar(r, x)).collect();
                        (r.scenario.clone(), bars)
                    })
                    .collect(),
                upper: (*name == "compare_shares").then_some(1.0),
                line: None,
            })),
        })
        .collect();
    out.push(Named {
        name: "compare_utilization".into(),
        caption: "Utilization by responder kind and scenario; whiskers are 95 % intervals.".into(),
        figure: Ok(Figure::Bars(utilization(runs))),
    });
    out.push(Named {
        name: "compare_dispositions".into(),
        caption: "How incidents ended in each scenario.".into(),
        figure: Ok(Figure::Stacked(disposition_mix(runs))),
    });
    out.push(Named {
        name: "compare_response_time".into(),
        caption: "Share of incidents reached within a given time, by scenario; bands span the middle 95 % of replications."
            .into(),
        figure: drawn_if(
            runs.iter().all(|r| r.per_replication.iter().any(|rep| rep.series.responses > 0)),
            NOTHING_REACHED,
            || Figure::Lines(response_cdf(runs, false)),
        ),
    });
    out.push(cost_figure(runs));
    out.push(cost_per_incident_figure(runs));
    out.push(monthly_figure(runs));
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

/// Renders every figure that has something to draw.
pub fn render_all(figures: &[Named]) -> Result<Vec<Drawn>, super::ReportError> {
    figures
        .iter()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_grids_give_back_their_distribution() {
        let grid: Vec<f64> = (0..=200).map(|i| f64::from(i) * 0.5).collect();
        assert_eq!(cdf_from_quantiles(&grid, -1.0), 0.0);
        assert_eq!(cdf_from_quantiles(&grid, 50.0), 0.5);
        assert_eq!(cdf_from_quantiles(&grid, 25.25), 0.2525);
        assert_eq!(cdf_from_quantiles(&grid, 1000.0), 1.0);
        assert!(cdf_from_quantiles(&[], 1.0).is_nan());
    }
}
