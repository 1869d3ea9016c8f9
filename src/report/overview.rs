//! The opening of a comparison, as a council reads it: a paragraph per alternative in
//! words and dollars a year, one overview table (scenarios as columns, the council's
//! metrics as rows, paired intervals), the same table as `overview.csv`, and how the
//! response time differs zone by zone with the gap between the worst and best zone.

use maud::{Markup, html};

use super::{human, human_with, prints_as_zero, resolved_as_printed};
use crate::stats::compare::{
    Equity, GroupsBy, equity, gap_difference, group_differences, zone_differences,
};
use crate::stats::metrics::{self as m, Measure, Metric};
use crate::stats::{Comparison, Difference, RunSummary};
use crate::text::plural;

/// The council's metrics, with their names in the overview.
pub const COUNCIL: [(&Metric, &str); 10] = [
    (m::INCIDENTS, "crises"),
    (m::RESPONSE_TIME_MEAN_MIN, "mean response (min)"),
    (m::RESPONSE_TIME_P90_MIN, "90 % reached within (min)"),
    (m::POLICE_INVOLVED_SHARE, "police on scene"),
    (m::EMERGENCY_DEPARTMENT, "ED visits"),
    (m::ARRESTS, "arrests"),
    (m::USE_OF_FORCE, "use-of-force events"),
    (m::REPEAT_CRISES, "repeat crises"),
    (m::COST_TOTAL, "cost, all parts"),
    (m::COST_PER_INCIDENT, "cost per crisis"),
];

/// The equity measure: the 90th-percentile response time by zone.
const EQUITY: &Metric = m::RESPONSE_TIME_P90_MIN;

/// The factor that turns a metric over the measured period into one a year: counts and
/// totals scale, times, shares and costs per crisis do not.
fn per_year(s: &RunSummary, metric: &Metric) -> f64 {
    if is_total(metric) && s.days > 0.0 {
        365.0 / s.days
    } else {
        1.0
    }
}

/// Whether a metric adds up over the period (a count or a total cost).
fn is_total(metric: &Metric) -> bool {
    matches!(metric.measure, Measure::Count | Measure::Dollars) && metric != m::COST_PER_INCIDENT
}

/// A value of `metric` for people: dollars as `$62.8 M`, shares as per cent, counts whole.
fn value(metric: &Metric, x: f64) -> String {
    match metric.measure {
        Measure::Dollars if is_total(metric) => millions(x),
        Measure::Dollars if x <= -0.5 => format!("-${}", human_with(-x, 0)),
        Measure::Dollars => format!("${}", human_with(x, 0)),
        Measure::Share => format!("{} %", human_with(100.0 * x, 0)),
        Measure::Count => human_with(x, 0),
        _ => human_with(x, 1),
    }
}

/// A total in millions of dollars with one decimal (`$0.4 M`, `-$4.7 M`), as a council
/// reads a budget line.
fn millions(x: f64) -> String {
    let t = human_with(x / 1e6, 1);
    match t.strip_prefix('-') {
        Some(digits) => format!("-${digits} M"),
        None => format!("${t} M"),
    }
}

/// A scenario's name without the words every scenario's name starts with (`Mid-size
/// city: `), which the title already says.
pub fn short_names(c: &Comparison) -> Vec<String> {
    let names: Vec<&str> = c.summaries.iter().map(|s| s.scenario.as_str()).collect();
    let prefix = names
        .first()
        .and_then(|n| n.find(": ").map(|i| &n[..i + 2]))
        .filter(|p| names.iter().all(|n| n.starts_with(p) && n.len() > p.len()));
    names
        .iter()
        .map(|n| prefix.map_or(n.to_string(), |p| n[p.len()..].to_string()))
        .collect()
}

/// A difference with its sign, as [`value`] writes it (shares in percentage points).
fn signed(metric: &Metric, x: f64) -> String {
    let text = match metric.measure {
        Measure::Share => format!("{} pt", human_with(100.0 * x, 0)),
        _ => value(metric, x),
    };
    if x > 0.0 && !prints_as_zero(&text) {
        format!("+{text}")
    } else {
        text
    }
}

/// An interval bound in the unit its difference is written in (millions of dollars for
/// a total cost, percentage points for a share), so that `+$4.3 M` reads with
/// `[4.1, 4.4]`.
fn bare(metric: &Metric, x: f64) -> String {
    match metric.measure {
        Measure::Dollars if is_total(metric) => human_with(x / 1e6, 1),
        Measure::Dollars | Measure::Count => human_with(x, 0),
        Measure::Share => human_with(100.0 * x, 0),
        _ => human_with(x, 1),
    }
}

/// One cell of the overview: a scenario's value and, but for the baseline, its paired
/// difference from the baseline.
#[derive(Clone, Debug)]
pub struct Cell {
    /// The mean, a year where the metric is a total.
    pub mean: f64,
    /// The paired difference, scaled like the mean.
    pub difference: Option<Difference>,
}

impl Cell {
    /// Whether the difference is resolved and does not print as zero.
    fn resolved(&self, metric: &Metric) -> bool {
        self.difference
            .as_ref()
            .is_some_and(|d| resolved_as_printed(d, &signed(metric, d.mean)))
    }
}

/// A row of the overview: a council metric in every scenario.
pub struct Row {
    /// The metric.
    pub metric: &'static Metric,
    /// Its name in the overview.
    pub label: &'static str,
    /// One cell per scenario, the baseline first.
    pub cells: Vec<Cell>,
}

fn scaled(d: &Difference, k: f64) -> Difference {
    Difference {
        mean: d.mean * k,
        ci95: d.ci95.map(|[lo, hi]| [lo * k, hi * k]),
        unpaired_ci95: d.unpaired_ci95.map(|[lo, hi]| [lo * k, hi * k]),
        ..d.clone()
    }
}

/// The overview's rows: the council's metrics that the baseline measures.
pub fn rows(c: &Comparison) -> Vec<Row> {
    let Some(base) = c.summaries.first() else {
        return Vec::new();
    };
    COUNCIL
        .iter()
        .filter(|(metric, _)| base.mean(metric).is_finite())
        .map(|&(metric, label)| {
            let cells = c
                .summaries
                .iter()
                .zip(&c.differences)
                .map(|(s, diffs)| {
                    let k = per_year(s, metric);
                    let difference = diffs
                        .iter()
                        .find(|(n, _)| n == metric.name)
                        .map(|(_, d)| scaled(d, k));
                    Cell {
                        mean: s.mean(metric) * k,
                        difference,
                    }
                })
                .collect();
            Row {
                metric,
                label,
                cells,
            }
        })
        .collect()
}

/// What the totals in the overview are over: a year, or the measured period scaled to one.
fn horizon(base: &RunSummary) -> String {
    if (base.days - 365.0).abs() < 1e-9 {
        "Counts and costs are for the measured year".into()
    } else {
        format!(
            "Counts and costs are a year's: the {} measured scaled to 365",
            plural(base.days, "day")
        )
    }
}

/// The overview as HTML: scenarios as columns, each alternative's paired difference
/// and interval under its value, in bold when resolved.
pub fn table(c: &Comparison) -> Markup {
    let Some(base) = c.summaries.first() else {
        return html! {};
    };
    html! {
        div .overview {
            table #overview {
                tr {
                    th { "a year" }
                    @for name in short_names(c) { th { (name) } }
                }
                @for row in rows(c) {
                    tr {
                        td { (row.label) }
                        @for cell in &row.cells {
                            td .n {
                                (value(row.metric, cell.mean))
                                @if let Some(d) = &cell.difference {
                                    br;
                                    span .diff .sig[cell.resolved(row.metric)] {
                                        (signed(row.metric, d.mean))
                                    }
                                    @if let Some([lo, hi]) = d.ci95 {
                                        span .ci .muted {
                                            "[" (bare(row.metric, lo)) ", " (bare(row.metric, hi)) "]"
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        p .muted {
            (horizon(base)) ", in " (base.dollar_year) " dollars. Under each alternative: its \
             paired difference from " (base.scenario) " and, under it, the paired 95 % interval \
             in the same unit; the difference is in bold when the simulation resolves it. \
             Shares differ in percentage points."
        }
    }
}

/// `overview.csv`: the overview table, one row per metric and scenario.
pub fn csv(c: &Comparison) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "metric",
        "label",
        "per",
        "scenario",
        "mean",
        "diff_mean",
        "diff_ci95_lo",
        "diff_ci95_hi",
        "resolved",
    ])?;
    let num = |x: Option<f64>| {
        x.filter(|v| v.is_finite())
            .map_or(String::new(), |v| v.to_string())
    };
    for row in rows(c) {
        for (s, cell) in c.summaries.iter().zip(&row.cells) {
            let d = cell.difference.as_ref();
            let per = if is_total(row.metric) {
                "year"
            } else {
                "crisis"
            };
            w.write_record([
                row.metric.name.to_string(),
                row.label.to_string(),
                per.to_string(),
                super::text_cell(&s.scenario),
                num(Some(cell.mean)),
                num(d.map(|d| d.mean)),
                num(d.and_then(|d| d.ci95).map(|c| c[0])),
                num(d.and_then(|d| d.ci95).map(|c| c[1])),
                d.map_or(String::new(), |_| cell.resolved(row.metric).to_string()),
            ])?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The overview for a terminal: each cell the value, and the difference in brackets
/// when resolved (`≈` when not).
pub fn console_table(c: &Comparison) -> String {
    let mut rows_text = vec![
        std::iter::once("a year".to_string())
            .chain(short_names(c))
            .collect::<Vec<_>>(),
    ];
    for row in rows(c) {
        let mut line = vec![row.label.to_string()];
        for cell in &row.cells {
            let v = value(row.metric, cell.mean);
            line.push(match &cell.difference {
                None => v,
                Some(d) if cell.resolved(row.metric) => {
                    format!("{v} ({})", signed(row.metric, d.mean))
                }
                Some(_) => format!("{v} (≈)"),
            });
        }
        rows_text.push(line);
    }
    let right: Vec<bool> = (0..=c.summaries.len()).map(|i| i > 0).collect();
    super::align(&rows_text, &right)
}

/// Items joined as people write them: "a", "a and b", "a, b and c".
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// One alternative against the baseline, in words and dollars a year: who (the
/// alternative against the baseline) and what changes.
pub fn paragraph(c: &Comparison, index: usize) -> (String, String) {
    let Some(base) = c.summaries.first().filter(|_| index < c.summaries.len()) else {
        return (String::new(), String::new());
    };
    let all = rows(c);
    let row = |metric: &Metric| all.iter().find(|r| r.metric == metric);
    let cell = |metric: &Metric| row(metric).map(|r| (&r.cells[0], &r.cells[index]));
    let names = short_names(c);
    let who = format!("{} against {}", capitalised(&names[index]), names[0]);
    let mut sentences = Vec::new();
    if let Some((b, o)) = cell(m::RESPONSE_TIME_MEAN_MIN) {
        let p90 = cell(m::RESPONSE_TIME_P90_MIN)
            .map(|(b, o)| {
                format!(
                    " (90 % within {:.1} minutes, against {:.1})",
                    o.mean, b.mean
                )
            })
            .unwrap_or_default();
        let said = match &o.difference {
            Some(d) if o.resolved(m::RESPONSE_TIME_MEAN_MIN) => format!(
                "help reaches a crisis {:.1} minutes {} on average{p90}",
                d.mean.abs(),
                if d.mean > 0.0 { "later" } else { "sooner" }
            ),
            _ => format!(
                "help reaches a crisis as fast, in {:.1} minutes on average{p90}",
                b.mean
            ),
        };
        sentences.push(said + ";");
    }
    if let Some((b, o)) = cell(m::POLICE_INVOLVED_SHARE) {
        sentences.push(format!(
            "police are on scene at {:.0} % of crises, against {:.0} %;",
            100.0 * o.mean,
            100.0 * b.mean
        ));
    }
    sentences.push(counts_sentence(&all, index));
    if let Some((b, o)) = cell(m::COST_TOTAL)
        && (b.mean != 0.0 || o.mean != 0.0)
    {
        sentences.push(cost_sentence(o, base.dollar_year));
    }
    let text = sentences.join(" ");
    let text = match text.strip_suffix(';') {
        Some(open) => format!("{open}."),
        None => text,
    };
    (who, text)
}

/// `text` with its first letter in capitals.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The counts the alternative changes, and those it leaves as they were.
fn counts_sentence(all: &[Row], index: usize) -> String {
    let counted = [
        m::EMERGENCY_DEPARTMENT,
        m::ARRESTS,
        m::USE_OF_FORCE,
        m::REPEAT_CRISES,
    ];
    let (mut changed, mut same) = (Vec::new(), Vec::new());
    for r in all.iter().filter(|r| counted.contains(&r.metric)) {
        let cell = &r.cells[index];
        match &cell.difference {
            Some(d) if cell.resolved(r.metric) => changed.push(format!(
                "{} {} {}",
                human_with(d.mean.abs(), 0),
                if d.mean < 0.0 { "fewer" } else { "more" },
                r.label
            )),
            _ => same.push(r.label.to_string()),
        }
    }
    let mut parts = Vec::new();
    if !changed.is_empty() {
        parts.push(format!("{} a year", listed(&changed)));
    }
    if !same.is_empty() {
        parts.push(format!("about as many {}", listed(&same)));
    }
    format!("{};", parts.join("; "))
}

fn cost_sentence(o: &Cell, year: u32) -> String {
    let Some(d) = &o.difference else {
        return String::new();
    };
    let resolved = o.resolved(m::COST_TOTAL);
    // A saving's interval reads in the sentence's sense: "$4.5 M to $4.9 M less".
    let flip = resolved && d.mean < 0.0;
    let range = d.ci95.map_or(String::new(), |[lo, hi]| {
        let (a, b) = if flip { (-hi, -lo) } else { (lo, hi) };
        format!(", paired 95 % interval {} to {}", millions(a), millions(b))
    });
    if resolved {
        format!(
            "it costs {} a year {} ({year} dollars{range}).",
            millions(d.mean.abs()),
            if d.mean > 0.0 { "more" } else { "less" }
        )
    } else {
        format!(
            "its cost is the same within the simulation's noise ({} a year, {year} dollars{range}).",
            millions(d.mean)
        )
    }
}

/// The response time zone by zone: each alternative's paired difference in every zone.
pub fn zone_table(c: &Comparison) -> Markup {
    let Some(base) = c.summaries.first() else {
        return html! {};
    };
    let columns: Vec<Vec<(String, Difference)>> = (c.summaries.iter().skip(1))
        .map(|s| zone_differences(base, s, EQUITY))
        .collect();
    let names = short_names(c);
    html! {
        div .overview { table {
            tr {
                th { "zone" } th { (names[0]) " (min)" }
                @for name in &names[1..] { th { (name) } }
            }
            @for (z, (zone, e)) in base.by_zone.iter().enumerate() {
                tr {
                    td { (zone) }
                    td .n { (e.get(EQUITY.name).map_or("–".into(), |e| human_with(e.mean, 1))) }
                    @for diffs in &columns {
                        @let d = diffs.get(z).filter(|(name, _)| name == zone).map(|(_, d)| d);
                        (difference_cell(EQUITY, d))
                    }
                }
            }
        } }
        p .muted {
            "The 90th-percentile response time in each zone, in minutes, and under each \
             alternative its paired difference from " (names[0]) " with the 95 % interval; \
             bold when resolved."
        }
    }
}

/// A paired difference with its interval, bold when resolved ("–" without one).
fn difference_cell(metric: &Metric, d: Option<&Difference>) -> Markup {
    html! {
        td .n .sig[d.is_some_and(|d| resolved_as_printed(d, &signed(metric, d.mean)))] {
            @if let Some(d) = d {
                (signed(metric, d.mean))
                @if let Some([lo, hi]) = d.ci95 {
                    span .ci .muted { "[" (signed(metric, lo)) ", " (signed(metric, hi)) "]" }
                }
            } @else { "–" }
        }
    }
}

/// The metrics the comparison shows by population group.
const BY_GROUP: [(&Metric, &str); 5] = [
    (m::RESPONSE_TIME_MEAN_MIN, "mean response (min)"),
    (m::POLICE_INVOLVED_SHARE, "police on scene"),
    (m::ARRESTS, "arrests"),
    (m::USE_OF_FORCE, "use-of-force events"),
    (m::EMERGENCY_DEPARTMENT, "ED visits"),
];

/// With population groups: for each group, the baseline's value of each metric and
/// every alternative's paired difference (groups the baseline lacks are left out).
pub fn population_table(c: &Comparison) -> Markup {
    let Some(base) = c.summaries.first().filter(|b| !b.by_group.is_empty()) else {
        return html! {};
    };
    let names = short_names(c);
    html! {
        div .overview { table {
            tr {
                th { "group" } th { "metric" } th { (names[0]) }
                @for name in &names[1..] { th { (name) } }
            }
            @for (metric, label) in BY_GROUP {
                @let columns: Vec<Vec<(String, Difference)>> = (c.summaries.iter().skip(1))
                    .map(|s| group_differences(base, s, GroupsBy::Population, metric))
                    .collect();
                @for (group, e) in &base.by_group {
                    tr {
                        td { (group) } td { (label) }
                        td .n { (e.get(metric.name).map_or("–".into(), |e| value(metric, e.mean))) }
                        @for diffs in &columns {
                            (difference_cell(metric, diffs.iter().find(|(g, _)| g == group).map(|(_, d)| d)))
                        }
                    }
                }
            }
        } }
        p .muted {
            "Each population group's crises under " (names[0]) ", and under each alternative \
             the paired difference with its 95 % interval; bold when resolved. The groups' \
             rates over the whole city's are in each scenario's own report."
        }
    }
}

fn difference_text(d: &Difference) -> String {
    match d.ci95 {
        Some([lo, hi]) => format!(
            "{} [{}, {}]",
            signed(EQUITY, d.mean),
            signed(EQUITY, lo),
            signed(EQUITY, hi)
        ),
        None => signed(EQUITY, d.mean),
    }
}

/// Each scenario's worst and best zone for the response time, the gap and ratio
/// between them, and how the gap changes against the baseline's.
pub fn equity_table(c: &Comparison) -> Markup {
    let found: Vec<(&RunSummary, Equity)> = (c.summaries.iter())
        .filter_map(|s| Some((s, equity(s, EQUITY)?)))
        .collect();
    let Some((_, base)) = found
        .first()
        .filter(|(s, _)| Some(*s) == c.summaries.first())
    else {
        return html! { p .muted { "One zone: no equity summary." } };
    };
    let est = |e: &crate::stats::Estimate, d: usize| {
        format!(
            "{} {}",
            human_with(e.mean, d),
            super::bounds(e.mean, e.ci95)
        )
    };
    let names = short_names(c);
    html! {
        div .overview { table {
            tr {
                th { "scenario" } th { "slowest zone (p90, min)" } th { "fastest zone (p90, min)" }
                th { "gap (min)" } th { "ratio" } th { "gap against the baseline's" }
            }
            @for (i, (s, e)) in found.iter().enumerate() {
                @let at = c.summaries.iter().position(|x| std::ptr::eq(x, *s)).unwrap_or(0);
                tr {
                    td { (names[at]) }
                    td { (e.worst) " " span .muted { (human_with(e.worst_mean, 1)) } }
                    td { (e.best) " " span .muted { (human_with(e.best_mean, 1)) } }
                    td .n { (est(&e.gap, 1)) }
                    td .n { (est(&e.ratio, 2)) }
                    td .n { @if i > 0 { (difference_text(&gap_difference(base, e))) } }
                }
            }
        } }
        p .muted {
            "The gap is the slowest zone's 90th-percentile response minus the fastest zone's, \
             replication by replication, with its 95 % interval; each scenario's own slowest \
             and fastest zones."
        }
    }
}

/// The equity summary in one sentence per scenario, for the console.
pub fn equity_lines(c: &Comparison) -> String {
    let mut out = String::new();
    for s in &c.summaries {
        if let Some(e) = equity(s, EQUITY) {
            out.push_str(&format!(
                "{}: slowest zone {} ({:.1} min at p90), fastest {} ({:.1}); gap {} min, ratio {}\n",
                s.scenario,
                e.worst,
                e.worst_mean,
                e.best,
                e.best_mean,
                human_with(e.gap.mean, 1),
                human(e.ratio.mean),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_read_in_millions_and_costs_per_crisis_in_dollars() {
        assert_eq!(value(m::COST_TOTAL, 395_986.0), "$0.4 M");
        assert_eq!(signed(m::COST_TOTAL, -4_700_000.0), "-$4.7 M");
        assert_eq!(signed(m::COST_TOTAL, -40_000.0), "$0.0 M");
        assert_eq!(bare(m::COST_TOTAL, -148_289.0), "-0.1");
        assert_eq!(value(m::COST_PER_INCIDENT, 5_563.6), "$5,564");
        assert_eq!(signed(m::COST_PER_INCIDENT, 12.0), "+$12");
    }

    #[test]
    fn differences_that_print_as_zero_have_no_sign() {
        assert_eq!(signed(m::ARRESTS, 0.2), "0");
        assert_eq!(signed(m::ARRESTS, 12.0), "+12");
        assert_eq!(signed(m::POLICE_INVOLVED_SHARE, -0.331), "-33 pt");
        assert_eq!(listed(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }
}
