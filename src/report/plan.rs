//! What `plan` writes: `plan.json`, `plan.toml` (the roster as a ready `shifts` list),
//! two charts (staffing and the target metric by hour), `report.html`, and the answer
//! on the console.

use maud::html;

use super::charts::{LineSeries, Lines};
use super::figures::{self, Drawn, Figure, Named};
use super::page::{figures as figure_html, page};
use super::{ReportError, align, chart_files, human};
use crate::stats::plan::{Evaluation, Per, PlanResult};
use crate::store::{Files, json};

/// A series over the hours of the day (or the blocks) without a band.
fn hourly(name: &str, values: impl Iterator<Item = f64>) -> LineSeries {
    LineSeries {
        name: name.into(),
        points: values
            .enumerate()
            .map(|(h, v)| (h as f64, v, v, v))
            .collect(),
    }
}

/// Units by hour (the work the hours bring, the plan, the flat staffing), and the
/// target metric by block for both against the target.
fn plan_figures(r: &PlanResult) -> Vec<Named> {
    let units = |e: &Evaluation| {
        e.staffed_by_hour
            .iter()
            .map(|u| f64::from(*u))
            .collect::<Vec<_>>()
    };
    let mut staffing = vec![hourly(
        "units busy (ample staffing)",
        r.load_by_hour.iter().copied(),
    )];
    if let Some(p) = &r.plan {
        staffing.push(hourly("plan: units on duty", units(p).into_iter()));
    }
    if let Some(f) = &r.flat {
        staffing.push(hourly("flat: units on duty", units(f).into_iter()));
    }
    let metric = |e: &Evaluation| {
        e.blocks
            .iter()
            .map(|b| b.mean.unwrap_or(f64::NAN))
            .collect::<Vec<_>>()
    };
    let blocks = r.question.per.labels().len();
    let mut target = vec![hourly(
        &format!("target {}", human(r.question.target.value)),
        std::iter::repeat_n(r.question.target.value, blocks),
    )];
    if let Some(p) = &r.plan {
        target.push(hourly("plan", metric(p).into_iter()));
    }
    if let Some(f) = &r.flat {
        target.push(hourly("flat", metric(f).into_iter()));
    }
    let x_label = match r.question.per {
        Per::Hour => "hour of day",
        Per::Day => "day of the week (0 = Monday)",
        Per::Overall => "the whole run",
    };
    vec![
        Named {
            name: "plan_staffing".into(),
            caption: format!(
                "Units of {} on duty in each hour of the day with the plan and with the flat \
                 staffing, against the units busy in the pilot run with every shift amply \
                 staffed (the work each hour brings).",
                r.question.kind
            ),
            figure: Ok(Figure::Lines(Lines::new(
                &format!("{}: staffing by hour", r.question.kind),
                "hour of day",
                "units",
                false,
                staffing,
            ))),
        },
        Named {
            name: "plan_metric".into(),
            caption: format!(
                "{} in each block with the plan and with the flat staffing (mean over \
                 replications), against the target line; a block meets it when its \
                 one-sided {:.0} % bound does.",
                r.question.target.metric,
                100.0 * r.question.confidence
            ),
            figure: Ok(Figure::Lines(Lines::new(
                &format!("{} by block", r.question.target.metric),
                x_label,
                &r.question.target.metric,
                false,
                target,
            ))),
        },
    ]
}

/// The roster as the scenario's `shifts` list, with what it meets in a comment.
pub fn plan_toml(r: &PlanResult) -> String {
    let mut text = format!(
        "# crisis-sim plan for {} in \"{}\": {}\n# Paste into [[responders]] name = \"{}\".\n",
        r.question.kind, r.scenario, r.summary, r.question.kind
    );
    let Some(plan) = &r.plan else {
        text.push_str("# No roster met the target: nothing to paste.\n");
        return text;
    };
    let staffed: Vec<String> = (r.question.shifts.iter().zip(&plan.units))
        .filter(|(_, u)| **u > 0)
        .map(|(s, u)| format!("  {},\n", s.toml(*u)))
        .collect();
    if staffed.is_empty() {
        text.push_str("units = 0\n");
    } else {
        text.push_str(&format!("shifts = [\n{}]\n", staffed.concat()));
    }
    text
}

fn money(x: f64) -> String {
    if x.is_finite() {
        super::dollars(x)
    } else {
        String::from("—")
    }
}

/// The roster, the flat staffing and the frontier, for the console.
pub fn console(r: &PlanResult) -> String {
    let mut out = format!("{}\n", r.summary);
    if let Some(plan) = &r.plan {
        let mut rows = vec![vec!["shift".to_string(), "units".into(), "fixed".into()]];
        for ((s, u), f) in r
            .question
            .shifts
            .iter()
            .zip(&plan.units)
            .zip(&r.question.fixed)
        {
            rows.push(vec![
                s.label(),
                u.to_string(),
                if f.is_some() {
                    "yes".into()
                } else {
                    String::new()
                },
            ]);
        }
        out.push_str(&format!(
            "\nRoster:\n{}\n",
            align(&rows, &[false, true, false]).trim_end()
        ));
    }
    let mut rows = vec![vec![
        "staffing".to_string(),
        "unit-hours a day".into(),
        format!("{} a year", r.question.budget_metric),
        format!("{} staff a year", r.question.kind),
        "blocks met".into(),
    ]];
    let row = |name: &str, e: &Evaluation| {
        vec![
            name.to_string(),
            e.unit_hours_per_day.to_string(),
            money(e.budget_per_year),
            money(e.kind_cost_per_year),
            format!("{} of {}", e.blocks_met, e.blocks.len()),
        ]
    };
    rows.extend(r.plan.iter().map(|p| row("plan", p)));
    rows.extend(
        r.flat
            .iter()
            .map(|f| row(&format!("flat, {} around the clock", f.units[0]), f)),
    );
    for point in &r.frontier {
        match &point.roster {
            Some(e) => rows.push(row(&format!("within {}", money(point.budget)), e)),
            None => rows.push(vec![
                format!("within {}", money(point.budget)),
                "none found".into(),
            ]),
        }
    }
    out.push_str(&format!(
        "\n{}\n",
        align(&rows, &[false, true, true, true, true]).trim_end()
    ));
    if !r.removals.is_empty() {
        out.push_str("\nOne unit fewer (same random numbers) misses the target in:\n");
        for removal in &r.removals {
            let missed = if removal.missed.is_empty() {
                "no block".to_string()
            } else {
                removal.missed.join(", ")
            };
            out.push_str(&format!("  {}: {missed}\n", removal.shift));
        }
    }
    let took = |e: &Option<Evaluation>| {
        e.as_ref()
            .map_or(String::from("-"), |e| e.replications.to_string())
    };
    out.push_str(&format!(
        "\n{} rosters simulated on the same seeds, {} replications each, doubled while a \
         block was too close to call (the plan took {}, the flat staffing {}), in {:.0} s.",
        r.evaluations,
        r.replications,
        took(&r.plan),
        took(&r.flat),
        r.wall_s
    ));
    out
}

fn evidence_table(r: &PlanResult) -> maud::Markup {
    let columns: Vec<(&str, &Evaluation)> = r
        .plan
        .iter()
        .map(|p| ("plan", p))
        .chain(r.flat.iter().map(|f| ("flat", f)))
        .collect();
    let cell = |e: &Evaluation, b: usize| {
        let block = &e.blocks[b];
        format!(
            "{} ({}){}",
            block.mean.map_or("—".into(), human),
            block.bound.map_or("—".into(), human),
            if block.met { "" } else { " missed" }
        )
    };
    html! {
        table {
            tr {
                th { "block" }
                @for (name, _) in &columns { th { (name) ": mean (one-sided bound)" } }
                @for (name, _) in &columns { th { (name) ": units on duty" } }
            }
            @for (b, label) in r.question.per.labels().iter().enumerate() {
                tr {
                    td { (label) }
                    @for (_, e) in &columns { td .n { (cell(e, b)) } }
                    @for (_, e) in &columns {
                        td .n { (if r.question.per == Per::Hour { e.staffed_by_hour[b].to_string() } else { String::new() }) }
                    }
                }
            }
        }
    }
}

fn plan_report(r: &PlanResult, charts: &[Drawn]) -> String {
    let body = html! {
        h1 { "Shift plan: " (r.question.kind) " in " (r.scenario) }
        p .lede { strong { (r.summary) } }
        p .muted {
            (format!(
                "Method (docs/plan.md): the work each hour brings from a run with every shift amply \
                 staffed; square-root staffing for each hour's need; the cheapest roster covering \
                 it by integer programming; simulation of each roster ({} replications, doubled up \
                 to 8 times while a block is too close to call, the same seeds for every roster) \
                 adding a unit where a block misses the target; then units taken off one at a time \
                 while every block still meets it. {} rosters simulated.",
                r.replications, r.evaluations
            ))
        }
        h2 { "Roster" }
        pre { (plan_toml(r)) }
        h2 { "Evidence" }
        (figure_html(charts))
        (evidence_table(r))
    };
    page(&format!("Shift plan: {}", r.question.kind), body)
}

/// `plan.json`, `plan.toml`, the charts and `report.html`.
pub fn plan_files(r: &PlanResult) -> Result<Files, ReportError> {
    let charts = figures::render_all(&plan_figures(r))?;
    let mut files = Files::new();
    files.add("plan.json", json(r));
    files.add("plan.toml", plan_toml(r));
    chart_files(&mut files, &charts);
    files.add("report.html", plan_report(r, &charts));
    Ok(files)
}
