//! What `uncertainty` writes: `uncertainty.csv` (one row per draw), `uncertainty.json`,
//! charts (each headline difference across draws, the cost-effectiveness plane, the
//! acceptability curve, the tornado), `report.html`, and a console summary. All of it
//! is made from the saved points alone, so a run whole, resumed or merged gives the
//! same bytes.

use std::fmt::Write as _;

use maud::{Markup, html};

use super::charts::{DrawCounts, Scatter, TornadoBars};
use super::charts::{LineSeries, Lines};
use super::figures::{self, Drawn, Figure, Named};
use super::page::{figures as figure_html, page, scenario_files};
use super::{ReportError, chart_files, human, text_cell};
use crate::stats::metrics::{self as m, Metric};
use crate::stats::uncertainty::{Spread, UncertaintyPlan, UncertaintySummary, short};
use crate::store::{Files, json};

/// Metrics whose differences are charted and tabled, where the scenarios have them.
const HEADLINES: [&Metric; 6] = [
    m::COST_TOTAL,
    m::COST_PER_INCIDENT,
    m::POLICE_INVOLVED_SHARE,
    m::EMERGENCY_DEPARTMENT,
    m::ARRESTS,
    m::RESPONSE_TIME_P90_MIN,
];

fn headlines(s: &UncertaintySummary) -> Vec<String> {
    let mut names: Vec<String> = HEADLINES.iter().map(|m| m.name.to_string()).collect();
    if !names.contains(&s.plan.outcome) {
        names.push(s.plan.outcome.clone());
    }
    names.retain(|m| s.plan.metrics[0].contains(m));
    names
}

/// `uncertainty.csv`: the drawn inputs, then every metric's mean per scenario, then
/// each later scenario's differences from the first.
pub fn uncertainty_csv(s: &UncertaintySummary) -> Result<Vec<u8>, csv::Error> {
    let plan = &s.plan;
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = vec!["draw".into()];
    header.extend(plan.inputs.iter().map(|i| i.key.clone()));
    for (k, name) in plan.scenarios.iter().enumerate() {
        header.extend(plan.metrics[k].iter().map(|m| format!("{m} [{name}]")));
    }
    let diffs = differences(plan);
    header.extend(
        diffs
            .iter()
            .map(|(k, m, _)| format!("difference {m} [{}]", plan.scenarios[*k])),
    );
    w.write_record(header.iter().map(|h| text_cell(h)))?;
    for (d, row) in s.draws.iter().enumerate() {
        let mut out: Vec<String> = vec![(d + 1).to_string()];
        out.extend(plan.values[d].iter().map(|v| cell(*v)));
        for values in row {
            out.extend(values.iter().map(|v| cell(*v)));
        }
        out.extend(diffs.iter().map(|(k, m, b)| cell(row[*k][*m] - row[0][*b])));
        w.write_record(&out)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `(scenario, metric index there, metric index in the baseline)` of every difference.
fn differences(plan: &UncertaintyPlan) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for k in 1..plan.scenarios.len() {
        for (m, name) in plan.metrics[k].iter().enumerate() {
            if let Some(b) = plan.metrics[0].iter().position(|x| x == name) {
                out.push((k, m, b));
            }
        }
    }
    out
}

fn cell(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}

/// The value of one outcome averted, from zero up to three times the mean cost per
/// outcome averted (or 10,000 where that is undefined).
fn willingness(s: &UncertaintySummary, k: usize) -> Option<(Vec<f64>, Vec<f64>, f64)> {
    let cost = s.difference_by_draw(k, m::COST_TOTAL.name)?;
    let more = s.difference_by_draw(k, &s.plan.outcome)?;
    let averted: Vec<f64> = more.iter().map(|x| -x).collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let ratio = (mean(&cost) / mean(&averted)).abs();
    let top = if ratio.is_finite() && ratio > 0.0 {
        3.0 * ratio
    } else {
        10_000.0
    };
    Some((cost, averted, top))
}

fn acceptability(s: &UncertaintySummary) -> Option<Lines> {
    let series: Vec<LineSeries> = (1..s.plan.scenarios.len())
        .filter_map(|k| {
            let (cost, averted, top) = willingness(s, k)?;
            let points = (0..=60)
                .map(|i| {
                    let value = top * f64::from(i) / 60.0;
                    let gains = (cost.iter().zip(&averted))
                        .filter(|(c, a)| value * **a - **c > 0.0)
                        .count();
                    let p = gains as f64 / cost.len().max(1) as f64;
                    (value, p, p, p)
                })
                .collect();
            Some(LineSeries {
                name: s.plan.scenarios[k].clone(),
                points,
            })
        })
        .collect();
    (!series.is_empty()).then(|| Lines {
        title: format!(
            "Probability of being cost-effective, by value of one {} averted",
            s.plan.outcome
        ),
        x_label: format!("dollars a {} averted is worth", s.plan.outcome),
        y_label: "share of draws".into(),
        percent: true,
        series,
        markers: Vec::new(),
        shaded: None,
        x_start: None,
    })
}

fn uncertainty_figures(s: &UncertaintySummary) -> Vec<Named> {
    let plan = &s.plan;
    let mut out = Vec::new();
    let base = short(&plan.scenarios[0]);
    for k in 1..plan.scenarios.len() {
        let suffix = if k == 1 {
            String::new()
        } else {
            format!("_{k}")
        };
        let other = short(&plan.scenarios[k]);
        for m in headlines(s) {
            let Some(values) = s.difference_by_draw(k, &m) else {
                continue;
            };
            out.push(Named {
                name: format!("difference_{m}{suffix}"),
                caption: format!(
                    "{m}: {other} minus {base}, one value per draw of the uncertain inputs; \
                     left of the dashed line the difference is below zero."
                ),
                figure: Ok(Figure::DrawCounts(DrawCounts {
                    title: format!("Δ {m}: {other} − {base}"),
                    x_label: format!("difference in {m}"),
                    values,
                })),
            });
        }
        if let Some((cost, averted, _)) = willingness(s, k) {
            out.push(Named {
                name: format!("ce_plane{suffix}"),
                caption: format!(
                    "Each dot is a draw: {} averted by {other} against {base} (right: fewer) and \
                     the difference in total cost (down: cheaper). Bottom right: fewer and cheaper.",
                    plan.outcome
                ),
                figure: Ok(Figure::Scatter(Scatter {
                    title: format!("Cost-effectiveness plane: {other} against {base}"),
                    x_label: format!("{} averted", plan.outcome),
                    y_label: format!("Δ cost_total ({} dollars)", s.plan.dollar_year),
                    points: averted.into_iter().zip(cost).collect(),
                })),
            });
        }
    }
    if let Some(lines) = acceptability(s) {
        out.push(Named {
            name: "acceptability".into(),
            caption: format!(
                "The share of draws in which the scenario's savings plus the value of the {} it \
                 averts exceed its extra cost, for each value placed on one {} averted.",
                plan.outcome, plan.outcome
            ),
            figure: Ok(Figure::Lines(lines)),
        });
    }
    if plan.scenarios.len() == 1 {
        for m in headlines(s) {
            let Some(i) = plan.metrics[0].iter().position(|x| *x == m) else {
                continue;
            };
            out.push(Named {
                name: format!("spread_{m}"),
                caption: format!("{m} at each draw of the uncertain inputs."),
                figure: Ok(Figure::DrawCounts(DrawCounts {
                    title: format!("{m} across draws"),
                    x_label: m.clone(),
                    values: s.draws.iter().map(|d| d[0][i]).collect(),
                })),
            });
        }
    }
    if let Some(t) = &s.tornado {
        out.push(Named {
            name: "tornado".into(),
            caption: format!(
                "Each input alone at its 5 % (blue) and 95 % (orange) points, the others at the \
                 scenario's values; the dashed line is {} at those values ({}). Widest on top.",
                t.metric,
                human(t.base)
            ),
            figure: Ok(Figure::Tornado(TornadoBars {
                title: format!("What drives {}", t.metric),
                x_label: t.metric.clone(),
                base: t.base,
                bars: t
                    .bars
                    .iter()
                    .map(|b| (b.key.clone(), b.low[1], b.high[1]))
                    .collect(),
            })),
        });
    }
    out
}

fn range(sp: &Spread) -> String {
    format!(
        "{} [{}, {}]",
        human(sp.mean),
        human(sp.p2_5),
        human(sp.p97_5)
    )
}

/// The probability statements, one per later scenario: cost and the outcome.
pub fn statements(s: &UncertaintySummary) -> Vec<String> {
    let plan = &s.plan;
    let mut out = Vec::new();
    for (name, by) in &s.differences {
        for (metric, what) in [
            (m::COST_TOTAL.name, "total cost"),
            (plan.outcome.as_str(), plan.outcome.as_str()),
        ] {
            let Some(sp) = by.get(metric) else { continue };
            let Some(p) = sp.p_below_zero else { continue };
            let year = if metric == m::COST_TOTAL.name {
                format!(", {} dollars", plan.dollar_year)
            } else {
                String::new()
            };
            out.push(format!(
                "P({what} lower with {} than with {}) = {:.2}; difference {} (mean [2.5–97.5 % across draws]{year})",
                short(name),
                short(&plan.scenarios[0]),
                p,
                range(sp)
            ));
        }
    }
    out
}

/// The console summary.
pub fn console(s: &UncertaintySummary) -> String {
    let plan = &s.plan;
    let mut out = format!(
        "{} uncertain input{} × {} draws (Latin hypercube) × {} replications each:\n",
        plan.inputs.len(),
        if plan.inputs.len() == 1 { "" } else { "s" },
        plan.draws,
        plan.replications
    );
    for i in &plan.inputs {
        let _ = writeln!(
            out,
            "  {} = {} (5–95 %: {} to {})",
            i.key,
            i.distribution,
            human(i.p05),
            human(i.p95)
        );
    }
    for line in statements(s) {
        let _ = writeln!(out, "{line}");
    }
    if let Some(t) = &s.tornado {
        let _ = writeln!(
            out,
            "Tornado of {} (base {}), widest first:",
            t.metric,
            human(t.base)
        );
        for b in &t.bars {
            let _ = writeln!(
                out,
                "  {}: {} to {}",
                b.key,
                human(b.low[1]),
                human(b.high[1])
            );
        }
    }
    out
}

fn inputs_table(plan: &UncertaintyPlan) -> Markup {
    html! {
        table {
            tr { th { "input" } th { "distribution" } th { "5 % to 95 %" } th { "mean" } th { "source" } }
            @for i in &plan.inputs {
                tr {
                    td { code { (i.key) } }
                    td { code { (i.distribution) } @if i.scale { " (a factor on the scenario's value)" } }
                    td .n { (human(i.p05)) " to " (human(i.p95)) }
                    td .n { (human(i.mean)) }
                    td { @if i.source.is_empty() { em { "no source given" } } @else { (i.source) } }
                }
            }
        }
    }
}

fn differences_table(s: &UncertaintySummary) -> Markup {
    html! {
        table {
            tr {
                th { "scenario" } th { "metric" }
                th { "difference: mean [2.5 %, 97.5 %] across draws" } th { "P(below zero)" }
            }
            @for (name, by) in &s.differences {
                @for m in headlines(s) {
                    @if let Some(sp) = by.get(&m) {
                        tr {
                            td { (name) }
                            td { code { (m) } }
                            td .n { (range(sp)) }
                            td .n { (sp.p_below_zero.map_or(String::new(), |p| format!("{p:.2}"))) }
                        }
                    }
                }
            }
        }
    }
}

fn uncertainty_report(s: &UncertaintySummary, charts: &[Drawn]) -> String {
    let plan = &s.plan;
    let title = format!("Input uncertainty: {}", plan.scenarios.join(" vs "));
    let body = html! {
        h1 { (title) }
        @for line in statements(s) { p .lede { strong { (line) } } }
        h2 { "What was varied" }
        p {
            (format!(
                "{} inputs were drawn together {} times by Latin hypercube sampling (each input's \
                 range cut into {} equally likely strata, each used once); at each draw every \
                 scenario ran {} replications of {} days after {} days of warm-up, on the same \
                 random numbers. Where a scenario lacks a key, that input leaves it unchanged.",
                plan.inputs.len(),
                plan.draws,
                plan.draws,
                plan.replications,
                plan.days,
                plan.warmup_days
            ))
        }
        (inputs_table(plan))
        h2 { "What the numbers mean" }
        p { (s.meaning) }
        p {
            "These statements are only as good as the ranges above: an input left out, or a range \
             drawn too narrow, makes the result look surer than it is. The simulation's own noise \
             is not in these ranges; the run reports give it as confidence intervals."
        }
        @if !s.differences.is_empty() {
            h2 { "Differences from the baseline" }
            (differences_table(s))
        }
        h2 { "Charts" }
        (figure_html(charts))
        h2 { "Scenario files" }
        @for p in &plan.provenance { (scenario_files(p)) }
    };
    page(&title, body)
}

/// `uncertainty.csv`, `uncertainty.json`, the charts and `report.html`.
pub fn uncertainty_files(s: &UncertaintySummary) -> Result<Files, ReportError> {
    let charts = figures::render_all(&uncertainty_figures(s))?;
    let page = uncertainty_report(s, &charts);
    let mut files = Files::new();
    files.add("uncertainty.csv", uncertainty_csv(s)?);
    files.add("uncertainty.json", json(s));
    chart_files(&mut files, &charts);
    files.add("report.html", page);
    Ok(files)
}
