//! The figures of a comparison: grouped bars per metric group, utilization, the
//! disposition mix, response-time distributions, costs and crises by month.

use super::{
    Figure, NOTHING_REACHED, Named, bar, cost_figure, disposition_mix, drawn_if, monthly_figure,
    response_cdf, short, utilization,
};
use crate::report::charts::GroupedBars;
use crate::stats::RunSummary;
use crate::stats::metrics::{self as m, Metric};

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
