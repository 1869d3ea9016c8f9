//! A finished request as the page shows it: the headline metrics of each run with
//! their 95 % intervals and the paired difference of the changed scenario from the
//! unchanged one, the overview table a comparison report opens with, the main charts,
//! the command that reproduces the changed run, and the files behind the links.

use serde::Serialize;
use serde_json::{Value, json};

use super::request::{Planned, Role};
use crate::report::compare::{DifferenceRow, subfolders};
use crate::report::{self, overview};
use crate::stats::compare::differences;
use crate::stats::metrics as m;
use crate::stats::uncertainty::UncertaintySummary;
use crate::stats::{Comparison, Estimate, RunSummary};
use crate::store::Files;

/// A finished request: what the page shows, and the files it links to.
pub struct Answer {
    /// What the page shows.
    pub json: Value,
    /// `report.html` and the rest of the comparison's files, with `scenario.toml`.
    pub files: Files,
}

/// The comparison charts the page shows, in order.
const CHARTS: [&str; 5] = [
    "compare_response_time",
    "compare_response_times",
    "compare_shares",
    "compare_dispositions",
    "compare_costs",
];

/// The headline metrics: the council's overview and the share of crises no police
/// attended, then each kind's utilization.
fn headline(s: &RunSummary) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = overview::COUNCIL
        .iter()
        .map(|(metric, label)| (metric.name.to_string(), (*label).to_string()))
        .collect();
    rows.insert(
        4,
        (m::NO_POLICE_SHARE.name.into(), "no police on scene".into()),
    );
    for kind in s
        .metrics
        .keys()
        .filter(|k| k.starts_with(m::UTILIZATION.name))
    {
        let who = kind[m::UTILIZATION.name.len()..].replace('_', " ");
        rows.push((kind.clone(), format!("{who} busy (share of time)")));
    }
    rows
}

#[derive(Serialize)]
struct Shown {
    mean: f64,
    ci95: Option<[f64; 2]>,
    text: String,
    interval: String,
}

fn shown(name: &str, e: Option<&Estimate>) -> Option<Shown> {
    let e = e?;
    let v = |x: f64| report::metric_value(name, x);
    Some(Shown {
        mean: e.mean,
        ci95: e.ci95,
        text: v(e.mean),
        interval: e
            .ci95
            .map_or(String::new(), |[lo, hi]| format!("[{}, {}]", v(lo), v(hi))),
    })
}

fn rows(planned: &Planned, c: &Comparison) -> Vec<Value> {
    let at = |role: Role| planned.runs.iter().position(|r| r.role == role);
    let (Some(u), Some(k)) = (at(Role::Unchanged), at(Role::Changed)) else {
        return Vec::new();
    };
    let (unchanged, changed) = (&c.summaries[u], &c.summaries[k]);
    let police = at(Role::PoliceOnly).map(|p| &c.summaries[p]);
    let diffs = differences(unchanged, changed);
    headline(changed)
        .into_iter()
        .filter_map(|(name, label)| {
            let d = &diffs.iter().find(|(n, _)| *n == name)?.1;
            let row = DifferenceRow::new(unchanged, changed, &name, d);
            Some(json!({
                "metric": name,
                "label": label,
                "police_only": police.and_then(|p| shown(&name, p.metrics.get(&name))),
                "unchanged": shown(&name, unchanged.metrics.get(&name)),
                "changed": shown(&name, changed.metrics.get(&name)),
                "difference": {
                    "mean": d.mean,
                    "ci95": d.ci95,
                    "text": row.diff,
                    "interval": row.paired,
                    "resolved": row.resolved,
                },
            }))
        })
        .collect()
}

/// The main charts the comparison drew, and the changed city's by zone.
fn charts(id: u64, files: &Files, changed_folder: &str) -> Vec<Value> {
    let has = |path: &str| files.iter().any(|(n, _)| n == path);
    CHARTS
        .iter()
        .map(|name| format!("charts/{name}.svg"))
        .chain([format!("{changed_folder}/charts/response_p90_by_zone.svg")])
        .filter(|path| has(path))
        .map(|path| json!({ "src": format!("/jobs/{id}/{path}") }))
        .collect()
}

/// The changed scenario in words against the unchanged one, then against police-only
/// today when that ran too.
fn paragraphs(planned: &Planned, c: &Comparison) -> Vec<(String, String)> {
    let at = |role: Role| planned.runs.iter().position(|r| r.role == role);
    let (Some(u), Some(k)) = (at(Role::Unchanged), at(Role::Changed)) else {
        return Vec::new();
    };
    let pair = vec![c.summaries[u].clone(), c.summaries[k].clone()];
    let mut out: Vec<(String, String)> = Comparison::new(pair)
        .map(|two| overview::paragraph(&two, 1))
        .into_iter()
        .collect();
    if at(Role::PoliceOnly) == Some(0) {
        out.push(overview::paragraph(c, k));
    }
    out
}

/// The answer to a planned request from its comparison, its uncertainty analysis
/// if any, and the comparison's files.
pub fn answer(
    id: u64,
    planned: &Planned,
    c: &Comparison,
    uncertain: Option<&UncertaintySummary>,
    mut files: Files,
    wall_s: f64,
) -> Answer {
    let folders = subfolders(c);
    let changed = planned.runs.len() - 1;
    files.add("scenario.toml", planned.toml.clone());
    let runs: Vec<Value> = (planned.runs.iter().zip(&c.summaries).zip(&folders))
        .map(|((run, s), folder)| {
            json!({
                "role": run.role,
                "name": s.scenario,
                "report": format!("/jobs/{id}/{folder}/report.html"),
            })
        })
        .collect();
    let json = json!({
        "id": id,
        "request": planned.request,
        "runs": runs,
        "replications": c.summaries[changed].replications,
        "days": c.summaries[changed].days,
        "seed": c.summaries[changed].seed.to_string(),
        "headline": rows(planned, c),
        "paragraphs": paragraphs(planned, c),
        "overview": overview::table(c).into_string(),
        "zones": overview::zone_table(c).into_string(),
        "charts": charts(id, &files, &folders[changed]),
        "command": planned.command,
        "toml": format!("/jobs/{id}/scenario.toml"),
        "report": format!("/jobs/{id}/report.html"),
        "warnings": report::compare::all_warnings(c),
        "wall_s": wall_s,
        "uncertainty": uncertain.map(uncertainty),
    });
    Answer { json, files }
}

/// The uncertainty analysis as the page shows it: for each headline metric, the
/// changed scenario's difference from the unchanged across draws, and the share of
/// draws in which it is lower.
fn uncertainty(u: &UncertaintySummary) -> Value {
    let Some(diffs) = u.differences.get(super::request::CHANGED) else {
        return Value::Null;
    };
    let rows: Vec<Value> = overview::COUNCIL
        .iter()
        .filter_map(|(metric, label)| {
            let spread = diffs.get(metric.name)?;
            let v = |x: f64| report::metric_value(metric.name, x);
            let p = spread.p_below_zero?;
            Some(json!({
                "metric": metric.name,
                "label": label,
                "mean": spread.mean,
                "spread": format!("{} [{}, {}]", v(spread.mean), v(spread.p2_5), v(spread.p97_5)),
                "p_lower": p,
                "p_text": format!("{:.0} %", 100.0 * p),
            }))
        })
        .collect();
    json!({
        "draws": u.plan.draws,
        "rows": rows,
        "note": format!(
            "{} draws of the scenario's [uncertainty] inputs (Latin hypercube), {} replications \
             of each scenario at each draw, on common random numbers. {}",
            u.plan.draws, u.plan.replications, crate::stats::uncertainty::MEANING
        ),
    })
}
