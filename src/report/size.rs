//! What `size` writes: `size.json`, a chart of the evidence per target, `report.html`,
//! and the answer with its evidence on the console.

use maud::html;

use super::charts::{Bar, GroupedBars};
use super::figures::{self, Drawn, Figure, Named};
use super::page::{figures as figure_html, page};
use super::{ReportError, align, chart_files, dollars, human, interval};
use crate::stats::metrics as m;
use crate::stats::size::{SizePoint, SizeResult, Verdict};
use crate::store::{Files, json, safe_name};

fn label(p: &SizePoint) -> String {
    p.values.values().cloned().collect::<Vec<_>>().join(", ")
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Meets => "meets",
        Verdict::Fails => "fails",
        Verdict::Undecided => "too close to call",
    }
}

/// One chart per target: its metric at every point tried, with 95 % whiskers and the
/// target as a dashed line.
fn size_figures(r: &SizeResult) -> Vec<Named> {
    let keys: Vec<&str> = r.axes.iter().map(|a| a.key.as_str()).collect();
    r.targets
        .iter()
        .map(|t| Named {
            name: format!("size_{}", safe_name(&t.metric)),
            caption: format!(
                "{} at each point tried ({}), with 95 % intervals; the dashed line is the \
                 target. A point meets it when its one-sided {:.0} % bound does.",
                t.metric,
                keys.join(", "),
                100.0 * r.confidence
            ),
            figure: Ok(Figure::Bars(GroupedBars {
                title: format!("Sizing {}: {t}", keys.join(", ")),
                y_label: t.metric.clone(),
                categories: r.points.iter().map(label).collect(),
                series: vec![(
                    r.scenario.clone(),
                    r.points
                        .iter()
                        .map(|p| {
                            p.metrics.get(&t.metric).map_or(
                                Bar {
                                    mean: f64::NAN,
                                    ci: None,
                                },
                                |e| Bar {
                                    mean: e.estimate.mean,
                                    ci: e.estimate.ci95,
                                },
                            )
                        })
                        .collect(),
                )],
                upper: None,
                line: Some((format!("target {}", human(t.value)), t.value)),
            })),
        })
        .collect()
}

/// The answer and the points tried, for the console.
pub fn console(r: &SizeResult) -> String {
    let mut rows = vec![
        r.axes
            .iter()
            .map(|a| a.key.clone())
            .chain(["replications".into(), "verdict".into()])
            .chain(r.targets.iter().map(|t| format!("{} (bound)", t.metric)))
            .chain([format!("{} [95% CI]", m::COST_TOTAL.name)])
            .collect::<Vec<_>>(),
    ];
    for p in &r.points {
        let mut row: Vec<String> = p.values.values().cloned().collect();
        row.push(p.replications.to_string());
        row.push(verdict(p.verdict).into());
        for t in &r.targets {
            row.push(evidence(p, &t.metric));
        }
        row.push(cost(p));
        rows.push(row);
    }
    let right: Vec<bool> = (0..rows[0].len())
        .map(|c| c < r.axes.len() || c == r.axes.len())
        .collect();
    format!(
        "{}\n\nPoints tried ({}; replications from {} up to {} where a point was close):\n{}",
        r.summary,
        r.method,
        r.replications[0],
        r.replications[1],
        align(&rows, &right)
    )
}

/// The point's total cost: mean [95 % CI], in dollars.
fn cost(p: &SizePoint) -> String {
    p.metrics
        .get(m::COST_TOTAL.name)
        .map_or(String::new(), |e| {
            let [lo, hi] = e.estimate.ci95.unwrap_or([f64::NAN; 2]);
            format!(
                "{} [{}, {}]",
                dollars(e.estimate.mean),
                dollars(lo),
                dollars(hi)
            )
        })
}

/// A target's cell: mean [95 % CI] (one-sided bound).
fn evidence(p: &SizePoint, metric: &str) -> String {
    p.metrics.get(metric).map_or(String::new(), |e| {
        format!(
            "{} {} ({})",
            human(e.estimate.mean),
            interval(&e.estimate),
            human(e.bound)
        )
    })
}

fn size_report(r: &SizeResult, charts: &[Drawn]) -> String {
    let body = html! {
        h1 { "Sizing: " (r.scenario) }
        p .lede { strong { (r.summary) } }
        p .muted {
            (format!(
                "Method: {}. Each point starts with {} replications and doubles them, up to {}, \
                 while its verdict is too close to call. All points share their random numbers.",
                r.method, r.replications[0], r.replications[1]
            ))
        }
        h2 { "Evidence" }
        (figure_html(charts))
        table {
            tr {
                @for a in &r.axes { th { code { (a.key) } } }
                th { "replications" } th { "verdict" }
                @for t in &r.targets { th { code { (t.to_string()) } " mean [95 % CI] (one-sided bound)" } }
                th { "total cost, mean [95 % CI]" }
            }
            @for p in &r.points {
                tr {
                    @for v in p.values.values() { td .n { (v) } }
                    td .n { (p.replications) }
                    td { (verdict(p.verdict)) }
                    @for t in &r.targets { td .n { (evidence(p, &t.metric)) } }
                    td .n { (cost(p)) }
                }
            }
        }
    };
    page(&format!("Sizing: {}", r.scenario), body)
}

/// `size.json`, the evidence charts and `report.html`.
pub fn size_files(r: &SizeResult) -> Result<Files, ReportError> {
    let charts = figures::render_all(&size_figures(r))?;
    let page = size_report(r, &charts);
    let mut files = Files::new();
    files.add("size.json", json(r));
    chart_files(&mut files, &charts);
    files.add("report.html", page);
    Ok(files)
}
