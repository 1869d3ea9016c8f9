//! The calibration report: what was read and left out, what was fitted from how many
//! records, the hourly profile, and a quantile plot of each fitted time.

use maud::{Markup, html};

use super::charts::{Bar, GroupedBars, LineSeries, Lines};
use super::figures::{self, Figure, Named};
use super::page::{figures as figure_html, page};
use super::{ReportError, chart_files};
use crate::calibrate::Calibration;
use crate::calibrate::fit::DurationFit;
use crate::store::Files;

fn quantile_plot(name: String, what: &str, fit: &DurationFit) -> Named {
    let top = fit
        .quantiles
        .iter()
        .map(|q| q.0.max(q.1))
        .fold(1.0, f64::max);
    let fitted: Vec<(f64, f64, f64, f64)> =
        fit.quantiles.iter().map(|q| (q.0, q.1, q.1, q.1)).collect();
    Named {
        name,
        caption: format!(
            "{what}: the fitted {}'s 5 %, 10 %, …, 95 % points against the records' ({} \
             values); on the diagonal they agree. The fit is {} (of the candidates, the \
             closest to the records).",
            fit.method.family(),
            fit.n,
            fit.method.how()
        ),
        figure: Ok(Figure::Lines(Lines {
            title: format!("Quantiles of {what}: fitted against records"),
            x_label: "records (minutes)".into(),
            y_label: format!("fitted {} (minutes)", fit.method.family()),
            percent: false,
            series: vec![
                LineSeries {
                    name: "fitted".into(),
                    points: fitted,
                },
                LineSeries {
                    name: "equal".into(),
                    points: vec![(0.0, 0.0, 0.0, 0.0), (top, top, top, top)],
                },
            ],
            markers: Vec::new(),
            shaded: None,
            x_start: None,
        })),
    }
}

fn calibration_figures(c: &Calibration) -> Vec<Named> {
    let per_hour: Vec<f64> = (0..24)
        .map(|h| {
            (0..7)
                .map(|d| c.tally.by_hour_of_week[d * 24 + h] as f64)
                .sum::<f64>()
        })
        .collect();
    let mut out = vec![Named {
        name: "calibration_hourly".into(),
        caption: "Crisis calls in the records by hour of day; the scenario's hourly weights are \
                  these counts over their mean."
            .into(),
        figure: Ok(Figure::Bars(GroupedBars {
            title: "Crisis calls by hour of day".into(),
            y_label: "calls in the records".into(),
            categories: (0..24).map(|h| format!("{h:02}")).collect(),
            series: vec![(
                "records".into(),
                per_hour
                    .iter()
                    .map(|v| Bar { mean: *v, ci: None })
                    .collect(),
            )],
            upper: None,
            line: None,
        })),
    }];
    if let Some(t) = &c.travel {
        out.push(quantile_plot(
            "calibration_travel".into(),
            "dispatched → arrived",
            t,
        ));
    }
    for t in &c.types {
        for (k, fit) in &t.on_scene {
            if let Some(f) = fit {
                out.push(quantile_plot(
                    format!("calibration_on_scene_{}_{k}", t.name),
                    &format!("on scene, {} ({k})", t.name),
                    f,
                ));
            }
        }
    }
    out
}

fn counts_table(c: &Calibration) -> Markup {
    let t = &c.tally;
    let d = &t.dropped;
    let b = &t.bad_intervals;
    let rows = [
        ("rows read", t.rows),
        ("calls they make", t.calls),
        ("crisis calls kept", c.crises),
        ("other calls kept (background load)", t.background),
        ("left out: no received time", d.no_received),
        ("left out: received time in no known form", d.bad_received),
        ("left out: duplicate incident", d.duplicate),
        (
            "self-initiated calls kept (work an urgent call may interrupt)",
            t.self_initiated,
        ),
        ("left out: unreadable row", d.malformed),
        ("left out: dated outside the main period", d.outside_period),
        (
            "held out of the fit, for the validation (--holdout)",
            d.held_out,
        ),
        ("intervals not used: end before start", b.negative),
        ("intervals not used: a time in no known form", b.unreadable),
        (
            "intervals kept though longer than a day (custody, ED waits)",
            b.long,
        ),
    ];
    html! {
        table {
            tr { th { "records" } th { "count" } }
            @for (what, n) in rows { tr { td { (what) } td .n { (n) } } }
        }
    }
}

fn types_table(c: &Calibration) -> Markup {
    html! {
        table {
            tr {
                th { "call type (records)" } th { "calls" } th { "priority" } th { "responder" }
                th { "on scene: fitted mean, median (records), p90 (records)" } th { "from" }
            }
            @for t in &c.types {
                @for (k, fit) in &t.on_scene {
                    tr {
                        td { (t.label) }
                        td .n { (t.calls) }
                        td .n { (t.priority) }
                        td { (k) }
                        td {
                            (fit.as_ref().map_or("assumption (too few records)".to_string(), |f| {
                                format!(
                                    "{:.1} min; {:.1} ({:.1}); {:.1} ({:.1})",
                                    f.mean, f.fitted[0], f.empirical[0], f.fitted[1], f.empirical[1]
                                )
                            }))
                        }
                        td .n { (fit.as_ref().map_or(0, |f| f.n)) }
                    }
                }
            }
        }
    }
}

/// The records' waits for dispatch beside the fitted model's, block by block: the
/// evidence for the staffing, which records cannot state.
fn staffing_table(c: &Calibration) -> Markup {
    let Some(fit) = &c.staffing else {
        return html! {
            p { "The records give too few waits for dispatch (at least "
                (crate::calibrate::queue::MIN_CALLS) " calls of a priority in a block of the \
                day) to fit the staffing to; the units on duty are the load over 0.75, an \
                assumption." }
        };
    };
    let busy = crate::calibrate::queue::busy_by_block(&c.tally, c.days);
    let hours = crate::calibrate::tally::BLOCK_HOURS as usize;
    html! {
        p { "Records give the work but not the units on duty. The units in each block of \
             the day were fitted by simulation so that the waits for dispatch of each \
             priority match the records' (quartiles and 90th percentile), together with \
             the call processing that the waits include; where the records' waits show no \
             queue, the fewest units that give them are kept." }
        table {
            tr {
                th { "block" } th { "units fitted" } th { "units busy (records)" }
                th { "priority" } th { "calls" }
                th { "wait: quartiles, records" } th { "model" }
                th { "wait p90: records, model" }
            }
            @for (b, units) in fit.units.iter().enumerate() {
                @let targets: Vec<_> = fit.evidence.iter().filter(|(t, _)| t.block == b).collect();
                @if targets.is_empty() {
                    tr {
                        td { (format!("{:02}–{:02}", b * hours, (b + 1) * hours)) }
                        td .n { (units) } td .n { (format!("{:.1}", busy[b])) }
                        td { "—" } td .n { "0" } td { "—" } td { "—" } td { "—" }
                    }
                }
                @for (t, sim) in &targets {
                    tr {
                        td { (format!("{:02}–{:02}", b * hours, (b + 1) * hours)) }
                        td .n { (units) } td .n { (format!("{:.1}", busy[b])) }
                        td .n { (t.priority) } td .n { (t.n) }
                        td .n { (format!("{:.1}, {:.1}, {:.1}", t.quantiles[1], t.quantiles[2], t.quantiles[3])) }
                        td .n { (format!("{:.1}, {:.1}, {:.1}", sim[1], sim[2], sim[3])) }
                        td .n { (format!("{:.1}, {:.1}", t.quantiles[4], sim[4])) }
                    }
                }
            }
        }
    }
}

/// The calibration report (`report.html` and its charts) for the scenario `scenario`
/// written as `scenario_file`.
pub fn calibration_files(
    c: &Calibration,
    scenario: &str,
    scenario_file: &str,
) -> Result<Files, ReportError> {
    let charts = figures::render_all(&calibration_figures(c))?;
    let body = html! {
        h1 { "Calibration from dispatch records" }
        p .lede {
            (format!("{} crisis calls over {:.1} days gave the scenario ", c.crises, c.days))
            code { (scenario_file) }
            ". Each value in it says, beside it, how many records it rests on; what records \
             cannot give (staffing, facilities, costs, dispatch rules) is marked as an assumption."
        }
        (super::run::warning_lines(&c.warnings()))
        h2 { "What was read and what was left out" }
        (counts_table(c))
        h2 { "Call types and scene times" }
        (types_table(c))
        h2 { "Staffing, fitted to the waits for dispatch" }
        (staffing_table(c))
        h2 { "Fits" }
        (figure_html(&charts))
        h2 { "The scenario" }
        pre { (scenario) }
    };
    let mut files = Files::new();
    chart_files(&mut files, &charts);
    files.add("report.html", page("Calibration", body));
    Ok(files)
}
