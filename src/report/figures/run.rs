//! The figures of a single run.

use super::{
    Figure, NOTHING_REACHED, Named, cost_figure, disposition_mix, drawn_if, line, monthly_figure,
    response_cdf, to_bar, utilization,
};
use crate::report::charts::{
    Bar, GroupedBars, HourlyLoad, LineSeries, Lines, MapZone, StackedShares, ZoneMap,
};
use crate::stats::metrics::{self as m, Metric};
use crate::stats::series;
use crate::stats::summary::ByMetric;
use crate::stats::{ReplicationSummary, RunSummary};

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
    .chain(workforce_figure(r))
    .chain(group_figure(r))
    .chain(hour_figures(r, reached))
    .collect()
}

/// The band at each hour of the day of a value `at(replication, hour)`.
fn by_hour(
    r: &RunSummary,
    name: &str,
    at: impl Fn(&ReplicationSummary, usize) -> f64,
) -> LineSeries {
    let bands: Vec<series::Band> = (0..24)
        .map(|h| series::Band::of(r.per_replication.iter().map(|rep| at(rep, h)).collect()))
        .collect();
    line(name, &bands, |h| h as f64)
}

/// Response and dispatch wait, and each kind's utilization with police involvement, by
/// the hour of the day the crises arrived (none for summaries written before runs kept
/// them).
fn hour_figures(r: &RunSummary, reached: bool) -> Vec<Named> {
    if r.by_hour.is_empty() {
        return Vec::new();
    }
    let group = |m: &'static Metric| {
        move |rep: &ReplicationSummary, h: usize| rep.by_hour.get(h).map_or(f64::NAN, |g| g.get(m))
    };
    let minutes = vec![
        by_hour(r, "response, mean", group(m::RESPONSE_TIME_MEAN_MIN)),
        by_hour(
            r,
            "response, 90th percentile",
            group(m::RESPONSE_TIME_P90_MIN),
        ),
        by_hour(r, "dispatch wait, mean", group(m::DISPATCH_WAIT_MEAN_MIN)),
    ];
    let mut shares: Vec<LineSeries> = (r.model.kinds.iter().enumerate())
        .map(|(k, kind)| {
            by_hour(r, &format!("{} utilization", kind.name), |rep, h| {
                rep.utilization_at(k, h)
            })
        })
        .collect();
    shares.push(by_hour(
        r,
        "police on scene",
        group(m::POLICE_INVOLVED_SHARE),
    ));
    let hours = |title: &str, y_label: &str, percent: bool, series| {
        Lines::new(
            title,
            "hour of day the crisis arrived",
            y_label,
            percent,
            series,
        )
    };
    vec![
        Named {
            name: "response_by_hour".into(),
            caption: "Mean and 90th-percentile response and mean dispatch wait of the crises \
                      arriving in each hour of the day; the band spans the middle 95 % of \
                      replications."
                .into(),
            figure: drawn_if(reached, NOTHING_REACHED, || {
                Figure::Lines(hours("Response by hour of day", "minutes", false, minutes))
            }),
        },
        Named {
            name: "utilization_by_hour".into(),
            caption: "Each kind's busy share of its on-duty unit time in each hour of the day, \
                      and the share of that hour's crises with police on scene; the band spans \
                      the middle 95 % of replications."
                .into(),
            figure: Ok(Figure::Lines(hours(
                "Utilization and police involvement by hour of day",
                "share",
                true,
                shares,
            ))),
        },
    ]
}

/// With a hiring pipeline: units planned, units fielded, and the units the trained
/// staff could keep on the road, month by month, for each kind that has one.
fn workforce_figure(r: &RunSummary) -> Option<Named> {
    let monthly = |k: usize, part: usize, name: String| {
        let months = (r.per_replication.iter())
            .map(|rep| rep.series.staffing_by_month.get(k).map_or(0, Vec::len))
            .max()
            .unwrap_or(0);
        let bands: Vec<series::Band> = (0..months)
            .map(|i| {
                let values = r.per_replication.iter().filter_map(|rep| {
                    let kind = rep.series.staffing_by_month.get(k)?;
                    kind.get(i).map(|m| m[part])
                });
                series::Band::of(values.collect())
            })
            .collect();
        line(&name, &bands, |i| i as f64 + 1.0)
    };
    let series: Vec<LineSeries> = (r.model.kinds.iter().enumerate())
        .filter(|(k, _)| {
            (r.per_replication.first()).is_some_and(|rep| {
                rep.series
                    .staffing_by_month
                    .get(*k)
                    .is_some_and(|m| !m.is_empty())
            })
        })
        .flat_map(|(k, kind)| {
            [
                monthly(k, 0, format!("{}: planned", kind.name)),
                monthly(k, 1, format!("{}: fielded", kind.name)),
                monthly(k, 2, format!("{}: staff trained for", kind.name)),
            ]
        })
        .collect();
    if series.is_empty() {
        return None;
    }
    Some(Named {
        name: "workforce".into(),
        caption: "Units planned by the schedule, the units its trained staff could keep on the \
                  road (at the relief factor: the plan less vacancies), and the units fielded \
                  (after absences too), mean over each 30-day month of the measured period; the \
                  band spans the middle 95 % of replications."
            .into(),
        figure: Ok(Figure::Lines(Lines::new(
            "Planned against fielded units",
            "month of the measured period",
            "units (mean over the month)",
            false,
            series,
        ))),
    })
}

/// With population groups: each group's rates over the whole city's, with 95 %
/// whiskers, against the line at 1 where a group fares as the city does.
fn group_figure(r: &RunSummary) -> Option<Named> {
    if r.disparity.is_empty() {
        return None;
    }
    let series = (r.disparity.iter())
        .map(|(group, e)| {
            let bars = DISPARITY_COLUMNS
                .iter()
                .map(|(m, _)| to_bar(e.of(m)))
                .collect();
            (group.clone(), bars)
        })
        .collect();
    Some(Named {
        name: "disparity_by_group".into(),
        caption: "Each population group's response times and police involvement over the \
                  whole city's, and its ED visits, arrests, uses of force and injuries per \
                  crisis over the city's; 1 is parity. Whiskers are 95 % intervals."
            .into(),
        figure: Ok(Figure::Bars(GroupedBars {
            title: "Disparity by population group (group ÷ whole city)".into(),
            y_label: "ratio to the whole city".into(),
            categories: DISPARITY_COLUMNS.map(|(_, label)| label.to_string()).into(),
            series,
            upper: None,
            line: Some(("parity".into(), 1.0)),
        })),
    })
}

/// The disparity metrics with their short labels, for chart axes and tables.
pub const DISPARITY_COLUMNS: [(&Metric, &str); 7] = [
    (m::RESPONSE_TIME_MEAN_MIN, "mean response"),
    (m::RESPONSE_TIME_P90_MIN, "p90 response"),
    (m::POLICE_INVOLVED_SHARE, "police on scene"),
    (m::EMERGENCY_DEPARTMENT, "ED visits"),
    (m::ARRESTS, "arrests"),
    (m::USE_OF_FORCE, "use of force"),
    (m::INJURIES, "injuries"),
];

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
            let hours = series::bands(&r.per_replication, |rep| {
                rep.series
                    .occupancy_by_hour
                    .get(f)
                    .map_or(&[], Vec::as_slice)
            });
            line(&facility.name, &hours, |h| h as f64)
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

/// Weekly incidents and repeat crises over the whole run, warm-up shaded, with a band
/// spanning the middle 95 % of replications: where the start-up (from an empty city, or
/// from a crisis history) ends, and whether the warm-up covers it.
fn warmup_figure(r: &RunSummary) -> Named {
    // The last week may be cut short by the horizon: it is left out.
    let weekly = |name: &str, pick: fn(&ReplicationSummary) -> &[u64]| {
        let mut weeks = series::count_bands(&r.per_replication, pick);
        weeks.pop();
        line(name, &weeks, |w| w as f64 + 1.0)
    };
    let check = &r.warmup_check;
    let weeks = r.per_replication.first().map_or(0, |rep| {
        rep.series.incidents_by_week.len().saturating_sub(1)
    });
    Named {
        name: "warmup".into(),
        caption: format!(
            "Crises and repeat crises per week over the whole run, the warm-up ({} days) shaded; the band spans the middle 95 % of replications. {} suggests discarding the first {} days{}.",
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

fn hourly_load(r: &RunSummary) -> HourlyLoad {
    let demand = series::demand_by_hour(r);
    let units = r
        .model
        .kinds
        .iter()
        .enumerate()
        .map(|(k, kind)| (kind.name.clone(), series::on_duty_by_hour(r, k)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_disparity_columns_are_the_summarys_disparity_metrics() {
        let labelled: Vec<&str> = DISPARITY_COLUMNS.iter().map(|(m, _)| m.name).collect();
        let computed: Vec<&str> = (crate::stats::summary::DISPARITY_METRICS.iter())
            .map(|m| m.name)
            .collect();
        assert_eq!(labelled, computed);
    }
}
