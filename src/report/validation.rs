//! The validation report: simulated beside recorded, figure by figure, with the
//! records' 95 % bands, a verdict on each, Q–Q charts, and `validation.json`.

use maud::{Markup, html};

use super::charts::{LineSeries, Lines};
use super::figures::{self, Figure as Chart, Named};
use super::page::{figures as figure_html, page};
use super::{ReportError, chart_files};
use crate::stats::validation::{Check, Figure, INTERVALS, MIN_OBSERVATIONS, Validation, Verdict};
use crate::store::Files;

/// What was compared, for the page's opening lines.
#[derive(Clone, Debug)]
pub struct Context {
    /// The scenario, as the user named it.
    pub scenario: String,
    /// The records, as the user named them.
    pub records: String,
    /// The records' part compared, e.g. "31 Dec 2016 – 7 Jan 2017" or "the last 25 %
    /// (from 6 Jan 2017 06:00), held out of the fit".
    pub part: String,
}

/// The interval's name for people.
fn interval_text(name: &str) -> &str {
    INTERVALS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(name, |(_, text)| text)
}

fn who(priority: Option<u32>) -> String {
    priority.map_or("every priority".into(), |p| format!("priority {p}"))
}

/// `6.4 [6.1–6.8]`.
fn with_band(value: f64, band: [f64; 2]) -> String {
    if value.is_finite() {
        format!("{value:.1} [{:.1}–{:.1}]", band[0], band[1])
    } else {
        "—".into()
    }
}

fn quantile_at(f: &Figure, p: f64) -> Option<&Check> {
    f.quantiles.iter().find(|c| c.p == Some(p))
}

/// The lines a console prints: each priority's response (received → arrived) and wait
/// for dispatch, calls a day, and the verdicts counted.
pub fn headlines(v: &Validation) -> Vec<String> {
    let mut out = Vec::new();
    let shown = ["received_to_dispatched", "received_to_arrived"];
    let mut lines: Vec<&Figure> = (v.figures.iter())
        .filter(|f| shown.contains(&f.interval.as_str()) && f.priority.is_some())
        .collect();
    lines.sort_by_key(|f| f.priority);
    for f in lines {
        let (Some(m), Some(p90)) = (quantile_at(f, 0.5), quantile_at(f, 0.9)) else {
            continue;
        };
        out.push(format!(
            "{}, {}: median {:.1} min (records {}), 90th percentile {:.1} (records {}): {}",
            who(f.priority),
            interval_text(&f.interval),
            m.simulated,
            with_band(m.records, m.records_band),
            p90.simulated,
            with_band(p90.records, p90.records_band),
            f.verdict.text()
        ));
    }
    for r in v.rates.iter().filter(|r| r.what == "crisis calls") {
        out.push(format!(
            "crisis calls a day: {:.1} (records {}): {}",
            r.check.simulated,
            with_band(r.check.records, r.check.records_band),
            r.verdict.text()
        ));
    }
    out.push(format!("{} with the records", tally_text(v)));
    out
}

/// "5 figures agree, 1 is close, 3 differ", in words that fit the counts.
pub fn tally_text(v: &Validation) -> String {
    let [agree, close, differ] = v.tally();
    let (a, c, d) = (
        if agree == 1 {
            "figure agrees"
        } else {
            "figures agree"
        },
        if close == 1 { "is" } else { "are" },
        if differ == 1 { "differs" } else { "differ" },
    );
    format!("{agree} {a}, {close} {c} close, {differ} {d}")
}

fn qq_charts(v: &Validation) -> Vec<Named> {
    INTERVALS
        .iter()
        .filter_map(|(name, text)| {
            let series: Vec<LineSeries> = (v.figures.iter())
                .filter(|f| f.interval == *name && f.verdict != Verdict::TooFew)
                .map(|f| LineSeries {
                    name: who(f.priority),
                    points: f.qq.iter().map(|[r, s]| (*r, *s, *s, *s)).collect(),
                })
                .collect();
            let top = (series.iter())
                .flat_map(|s| s.points.iter().map(|p| p.0.max(p.1)))
                .filter(|x| x.is_finite())
                .fold(1.0, f64::max);
            if series.is_empty() {
                return None;
            }
            let mut series = series;
            series.push(LineSeries {
                name: "equal".into(),
                points: vec![(0.0, 0.0, 0.0, 0.0), (top, top, top, top)],
            });
            Some(Named {
                name: format!("validation_{name}"),
                caption: format!(
                    "{text}: the simulation's 5 %, 10 %, …, 95 % points against the records', by \
                     priority; on the diagonal they agree, above it the model is slower."
                ),
                figure: Ok(Chart::Lines(Lines {
                    title: format!("Q–Q: {text}"),
                    x_label: "records (minutes)".into(),
                    y_label: "simulated (minutes)".into(),
                    percent: false,
                    series,
                    markers: Vec::new(),
                    shaded: None,
                    x_start: None,
                })),
            })
        })
        .collect()
}

fn figures_table(figures: &[Figure], by_block: bool) -> Markup {
    html! {
        table {
            tr {
                @if by_block { th { "block" } } @else { th { "interval" } }
                th { "calls" } th { "records n" } th { "model n" }
                th { "median: records [95 % band]" } th { "model [95 % CI]" }
                th { "p90: records [95 % band]" } th { "model [95 % CI]" }
                th { "verdict" }
            }
            @for f in figures {
                @let m = quantile_at(f, 0.5);
                @let p90 = quantile_at(f, 0.9);
                tr {
                    @if by_block {
                        td { (f.block.map_or("all".into(), |b| format!("{:02}–{:02}", b * 4, b * 4 + 4))) }
                    } @else {
                        td { (interval_text(&f.interval)) }
                    }
                    td { (if f.crises_only { "crises" } else { "all calls" }) }
                    td .n { (f.records_n) } td .n { (f.simulated_n) }
                    @for c in [m, p90] {
                        td .n { (c.map_or("—".into(), |c| with_band(c.records, c.records_band))) }
                        td .n { (c.map_or("—".into(), |c| with_band(c.simulated, c.simulated_ci))) }
                    }
                    td .{ "verdict-" (format!("{:?}", f.verdict).to_lowercase()) } { (f.verdict.text()) }
                }
            }
        }
    }
}

fn rates_table(v: &Validation) -> Markup {
    html! {
        table {
            tr {
                th { "calls a day" } th { "records [95 % band]" } th { "model [95 % CI]" }
                th { "verdict" }
            }
            @for r in &v.rates {
                tr {
                    td { (r.what) }
                    td .n { (with_band(r.check.records, r.check.records_band)) }
                    td .n { (with_band(r.check.simulated, r.check.simulated_ci)) }
                    td { (r.verdict.text()) }
                }
            }
        }
    }
}

fn by_priority(v: &Validation) -> Markup {
    let mut priorities: Vec<Option<u32>> = v.figures.iter().map(|f| f.priority).collect();
    priorities.dedup();
    priorities.sort_by_key(|p| p.unwrap_or(u32::MAX));
    priorities.dedup();
    html! {
        @for p in priorities {
            @let rows: Vec<Figure> = v.figures.iter().filter(|f| f.priority == p).cloned().collect();
            h3 { (who(p)) }
            (figures_table(&rows, false))
        }
    }
}

fn method() -> Markup {
    html! {
        p {
            "Each figure sets the records' quantiles (10th, 25th, 50th, 75th, 90th \
             percentile) beside the simulation's. The records' 95 % band comes from \
             resampling their four-hour periods (400 times, a fixed seed; a night period for \
             a night period): calls close in time share a queue, so periods, not calls, are \
             the independent pieces. The model's 95 % interval is Student's t over its \
             replications. A figure "
            b { "agrees" }
            " when at each quantile the band and the interval overlap, or the two values are \
             within 10 % (half a minute at least); it is "
            b { "close" }
            " when each is within 25 % (a minute); else it "
            b { "differs" }
            ". Fewer than " (MIN_OBSERVATIONS) " calls on a side: not judged. Received → \
             dispatched counts every call that waits for dispatch (crises and other calls; not \
             self-initiated work); the later intervals count crisis calls, whose drive and \
             scene the model draws."
        }
    }
}

/// The priorities of the block figures, in order.
fn block_priorities(v: &Validation) -> Vec<Option<u32>> {
    let mut priorities: Vec<Option<u32>> = v.blocks.iter().map(|f| f.priority).collect();
    priorities.dedup();
    priorities
}

/// The validation's files: `page` (the report), `validation.json` and the Q–Q charts.
pub fn validation_files(
    v: &Validation,
    context: &Context,
    page_name: &str,
) -> Result<Files, ReportError> {
    let charts = figures::render_all(&qq_charts(v))?;
    let tally = tally_text(v);
    let body = html! {
        h1 { "Does the model reproduce the records?" }
        p .lede {
            "The scenario " code { (context.scenario) } " (" (v.replications)
            " replications of " (format!("{:.0}", v.simulated_days)) " days) beside "
            code { (context.records) } ": " (context.part) ", " (v.records_calls)
            " calls over " (v.records_days) " days. "
            (tally) "."
        }
        h2 { "Calls a day" }
        (rates_table(v))
        h2 { "Intervals by priority" }
        (by_priority(v))
        h2 { "Quantile–quantile charts" }
        (figure_html(&charts))
        h2 { "The wait for dispatch by block of the day" }
        p { "The figures the staffing is fitted to, when the scenario was calibrated from \
             these records." }
        @for p in block_priorities(v) {
            @let rows: Vec<Figure> = v.blocks.iter().filter(|f| f.priority == p).cloned().collect();
            h3 { (who(p)) }
            (figures_table(&rows, true))
        }
        h2 { "How to read it" }
        (method())
    };
    let mut files = Files::new();
    chart_files(&mut files, &charts);
    files.add(page_name, page("Validation", body));
    files.add("validation.json", crate::store::json(v));
    Ok(files)
}
