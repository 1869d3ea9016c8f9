//! The report of one run: a briefing in words, the key metrics, the charts, every
//! metric, the groups (call type, zone, priority, first responder, facility), how the
//! run was made and the scenario it read.

use indexmap::IndexMap;
use maud::{Markup, html};

use super::figures::Drawn;
use super::page::{
    estimate_cell, figures, page, prediction, provenance_table, scenario_files, stress_des,
};
use super::{INTERVALS, dollars, human, human_with, interval, warnings};
use crate::stats::RunSummary;
use crate::stats::metrics::{self as m, FacilityMetric, Metric};
use crate::stats::summary::Estimates;

/// The metrics measured in at least one replication. The key table holds the console's
/// metrics, their meaning in a tooltip; the full one every metric with its meaning and
/// the number of replications.
fn metrics_table(estimates: &Estimates, key_only: bool) -> Markup {
    let shown = |name: &str| !key_only || m::lookup(name).is_some_and(|x| x.console);
    let rows = estimates.iter().filter(|(n, e)| e.n > 0 && shown(n));
    html! {
        p .muted { (INTERVALS) }
        table {
            tr {
                th { "metric" } th { "mean" } th { "95 % CI" } th { "95 % PI" }
                @if !key_only { th { "n" } th { "meaning" } }
            }
            @for (name, e) in rows {
                @let meaning = m::describe(name).unwrap_or_default();
                tr {
                    td { code title=(meaning) { (name) } }
                    td .n { (human(e.mean)) }
                    td .n { (interval(e)) }
                    td .n { (prediction(e)) }
                    @if !key_only { td .n { (e.n) } td { (meaning) } }
                }
            }
        }
    }
}

/// Groups (rows) by metrics (columns): means with their 95 % intervals.
fn groups_table<'a>(
    label: &str,
    groups: &IndexMap<String, Estimates>,
    columns: &[(&'a str, &'a str)],
) -> Markup {
    html! {
        table {
            tr { th { (label) } @for (_, title) in columns { th { (title) } } }
            @for (group, estimates) in groups {
                tr {
                    td { (group) }
                    @for (key, _) in columns { td .n { (estimate_cell(estimates.get(*key))) } }
                }
            }
        }
    }
}

/// The group metrics shown, with their column titles.
const GROUP_COLUMNS: [(&Metric, &str); 6] = [
    (m::INCIDENTS, "incidents"),
    (m::RESPONSE_TIME_MEAN_MIN, "mean response (min)"),
    (m::RESPONSE_TIME_P90_MIN, "p90 response (min)"),
    (m::RESPONSE_WITHIN_TARGET_SHARE, "within target"),
    (m::POLICE_INVOLVED_SHARE, "police on scene"),
    (m::UNSERVED, "unserved"),
];

fn group_table(label: &str, groups: &IndexMap<String, Estimates>) -> Markup {
    let columns: Vec<(&str, &str)> = GROUP_COLUMNS.iter().map(|(x, t)| (x.name, *t)).collect();
    groups_table(label, groups, &columns)
}

fn facility_table(groups: &IndexMap<String, Estimates>) -> Markup {
    let columns: Vec<(&str, &str)> = [
        (FacilityMetric::Arrivals, "transports arriving"),
        (FacilityMetric::DivertedShare, "diverted (share)"),
        (FacilityMetric::WaitMeanMin, "mean wait for a place (min)"),
        (FacilityMetric::Occupancy, "occupancy"),
        (FacilityMetric::BoardingHours, "ED boarding (hours)"),
    ]
    .iter()
    .map(|(f, t)| (f.name(), *t))
    .collect();
    groups_table("facility", groups, &columns)
}

/// The headline results in words, as a briefing opens.
pub fn briefing(s: &RunSummary) -> String {
    let v = |x: &Metric| s.mean(x);
    // Counts and days as whole numbers; a fractional target keeps its decimal.
    let whole = |x: f64| human_with(x, if x.fract() == 0.0 || x >= 100.0 { 0 } else { 1 });
    let mut text = format!(
        "Over {} measured days, about {} crises arose. A unit reached them in {:.1} minutes on \
         average, and 90 % within {:.1} minutes",
        whole(s.days),
        whole(v(m::INCIDENTS).round()),
        v(m::RESPONSE_TIME_MEAN_MIN),
        v(m::RESPONSE_TIME_P90_MIN)
    );
    if let Some(target) = s.response_target_min {
        text.push_str(&format!(
            "; {:.0} % were reached within the {}-minute target",
            100.0 * v(m::RESPONSE_WITHIN_TARGET_SHARE),
            whole(target)
        ));
    }
    text.push_str(&format!(
        ". Police were on scene at {:.0} % of them. They led to {} emergency-department visits \
         and {} arrests. Everything counted cost {} ({} per crisis, in {} dollars).",
        100.0 * v(m::POLICE_INVOLVED_SHARE),
        whole(v(m::EMERGENCY_DEPARTMENT).round()),
        whole(v(m::ARRESTS).round()),
        dollars(v(m::COST_TOTAL)),
        dollars(v(m::COST_PER_INCIDENT)),
        s.dollar_year
    ));
    text
}

/// Warnings, each in a paragraph of its own.
pub fn warning_lines(lines: &[String]) -> Markup {
    html! { @for w in lines { p .sig { "Warning: " (w) } } }
}

/// The metrics shown by population group.
const POPULATION_COLUMNS: [(&Metric, &str); 8] = [
    (m::INCIDENTS, "incidents"),
    (m::RESPONSE_TIME_MEAN_MIN, "mean response (min)"),
    (m::RESPONSE_TIME_P90_MIN, "p90 response (min)"),
    (m::POLICE_INVOLVED_SHARE, "police on scene"),
    (m::EMERGENCY_DEPARTMENT, "ED visits"),
    (m::ARRESTS, "arrests"),
    (m::USE_OF_FORCE, "use of force"),
    (m::INJURIES, "injuries"),
];

/// Each responder kind's staffing: the units its schedule plans, the people that
/// needs, the trained staff it has (with a workforce), the shifts left unstaffed, how
/// busy it is and what its staff cost.
fn staffing_table(s: &RunSummary) -> Markup {
    let columns: [(&Metric, &str); 5] = [
        (m::FTE, "full-time equivalents needed"),
        (m::HEADCOUNT, "trained staff (workforce)"),
        (m::UNSTAFFED_SHIFT_SHARE, "shifts unstaffed"),
        (m::UTILIZATION, "utilization"),
        (m::COST_STAFF_BY_KIND, "staff cost (cost_per_fte)"),
    ];
    html! {
        table {
            tr {
                th { "kind" } th { "role" } th { "units planned (mean)" }
                @for (_, title) in &columns { th { (title) } }
            }
            @for k in &s.model.kinds {
                tr {
                    td { (k.name) } td { (k.role) } td .n { (human_with(k.mean_units, 1)) }
                    @for (metric, _) in &columns {
                        td .n { (estimate_cell(s.kind_estimate(metric, &k.name).filter(|e| e.n > 0))) }
                    }
                }
            }
        }
    }
}

/// The report of one run.
pub fn run_report(s: &RunSummary, charts: &[Drawn]) -> String {
    let body = html! {
        h1 { (s.scenario) }
        p .lede {
            (format!(
                "{} replications × {} days after a {}-day warm-up, seed {}. Means with 95 % \
                 confidence intervals across replications.",
                s.replications, s.days, s.warmup_days, s.seed
            ))
        }
        (warning_lines(&warnings(s)))
        p .lede { strong { (briefing(s)) } }
        h2 { "Results" }
        (metrics_table(&s.metrics, true))
        h2 { "Charts" }
        (figures(charts))
        h2 { "All metrics" }
        (metrics_table(&s.metrics, false))
        h2 { "Staffing" }
        (staffing_table(s))
        h2 { "By call type" }
        (group_table("call type", &s.by_call_type))
        h2 { "By zone" }
        (group_table("zone", &s.by_zone))
        h2 { "By priority" }
        (group_table("priority", &s.by_priority))
        @if !s.by_group.is_empty() {
            h2 { "By population group" }
            p .muted {
                "Crises of each group's members, and below, the group's rates over the whole \
                 city's (per crisis for counts; 1 is parity)."
            }
            (groups_table("group", &s.by_group, &POPULATION_COLUMNS.map(|(x, t)| (x.name, t))))
            (groups_table("group", &s.disparity, &super::figures::DISPARITY_COLUMNS.map(|(x, t)| (x.name, t))))
        }
        h2 { "By the first responder on scene" }
        p .muted { "Incidents counted under the kind of the first unit that reached them." }
        (group_table("first on scene", &s.by_first_responder))
        @if !s.by_facility.is_empty() {
            h2 { "By facility" }
            (facility_table(&s.by_facility))
        }
        h2 { "How this run was made" }
        (provenance_table(s))
        h2 { "STRESS-DES reporting checklist" }
        (stress_des(s))
        h2 { "Scenario file" }
        (scenario_files(&s.provenance))
    };
    page(&s.scenario, body)
}
