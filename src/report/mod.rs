//! Reports: `summary.json`, `summary.csv`, `replications.csv`, charts, `report.html`
//! and the console table, all made from run summaries (statistics types) alone, so a
//! saved `summary.json` is enough to make them again. Reports make bytes
//! ([`Files`]); the store writes them.

pub mod calibration;
pub mod charts;
pub mod compare;
pub mod figures;
pub mod overview;
pub mod page;
pub mod plan;
pub mod run;
pub mod size;
pub mod sweep;
pub mod uncertainty;
pub mod validation;

use std::path::{Path, PathBuf};

use crate::stats::summary::Estimates;
use crate::stats::{Estimate, RunSummary, metrics};
use crate::store::{Files, json};
use crate::text::decimals_for;
use crate::text::plural;
pub use crate::text::{human, human_with};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A chart could not be drawn.
    #[error("cannot draw a chart: {0}")]
    Chart(String),
    /// A table could not be made.
    #[error("cannot make a table: {0}")]
    Csv(#[from] csv::Error),
    /// A saved result cannot be read back (bad input: exit 2).
    #[error("{}: {why}", path.display())]
    Saved {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// A saved JSON file does not read back, at this line and column (exit 2).
    #[error("{}:{line}:{column}: {why}", path.display())]
    SavedAt {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong there.
        why: String,
    },
}

impl ReportError {
    /// Whether the user's input is at fault (a saved file that does not read back).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            ReportError::Saved { .. } | ReportError::SavedAt { .. }
        )
    }
}

/// Reads a file crisis-sim saved: a regular file, at most `limit` bytes.
pub fn read_saved(path: &Path, limit: u64) -> Result<String, ReportError> {
    let saved = |why: String| ReportError::Saved {
        path: path.to_path_buf(),
        why,
    };
    let meta = std::fs::symlink_metadata(path).map_err(|e| saved(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(saved("not a regular file".into()));
    }
    if meta.len() > limit {
        return Err(saved(format!(
            "{} bytes, more than crisis-sim writes ({limit} at most)",
            meta.len()
        )));
    }
    std::fs::read_to_string(path).map_err(|e| saved(format!("cannot read: {e}")))
}

/// The summary of the run in `dir`, as `run` wrote it to `summary.json`, checked to
/// be whole (a value for every metric of every replication).
pub fn read_summary(dir: &Path) -> Result<RunSummary, ReportError> {
    let path = dir.join("summary.json");
    let text = read_saved(&path, 1 << 30)?;
    let summary: RunSummary = serde_json::from_str(&text).map_err(|e| ReportError::SavedAt {
        path: path.clone(),
        line: e.line(),
        column: e.column(),
        why: format!("not a crisis-sim summary: {e}"),
    })?;
    summary.consistency().map_err(|why| ReportError::Saved {
        path,
        why: format!("not a consistent crisis-sim summary: {why}"),
    })?;
    Ok(summary)
}

/// A CSV cell of free text: text that a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return, and not a number) gets a
/// leading `'`, as spreadsheets expect.
pub fn text_cell(text: &str) -> String {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn csv_number(x: f64) -> String {
    if x.is_finite() {
        x.to_string()
    } else {
        String::new()
    }
}

/// `summary.csv`: one row per metric.
pub fn summary_csv(estimates: &Estimates) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "metric", "mean", "sd", "ci95_lo", "ci95_hi", "n", "pi95_lo", "pi95_hi",
    ])?;
    for (name, e) in estimates {
        let [lo, hi] = e.ci95.unwrap_or([f64::NAN; 2]);
        let [plo, phi] = e.pi95.unwrap_or([f64::NAN; 2]);
        w.write_record([
            text_cell(name),
            csv_number(e.mean),
            csv_number(e.sd.unwrap_or(f64::NAN)),
            csv_number(lo),
            csv_number(hi),
            e.n.to_string(),
            csv_number(plo),
            csv_number(phi),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `replications.csv`: one row per replication, one column per metric.
pub fn replications_csv(s: &RunSummary) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = ["replication", "seed"]
        .into_iter()
        .map(String::from)
        .chain(s.metrics.keys().map(|k| text_cell(k)));
    w.write_record(header)?;
    for r in &s.per_replication {
        let row = [r.index.to_string(), r.seed.to_string()]
            .into_iter()
            .chain(r.values.iter().map(|v| csv_number(*v)));
        w.write_record(row)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// An incident trace as CSV, in the columns of `stats::trace::COLUMNS`.
pub fn trace_csv(rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>, ReportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(crate::stats::trace::COLUMNS)?;
    for row in rows {
        w.write_record(row.iter().map(|c| text_cell(c)))?;
    }
    Ok(w.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?)
}

/// The run's files, made from its summary.
pub fn run_files(summary: &RunSummary) -> Result<Files, ReportError> {
    let mut files = summary_files(summary)?;
    let charts = figures::render_all(&figures::run_figures(summary))?;
    chart_files(&mut files, &charts);
    files.add("report.html", run::run_report(summary, &charts));
    Ok(files)
}

/// The numbers of a run without its charts and report: `summary.json`, `summary.csv`
/// and `replications.csv` (`run --outputs summary`; `report DIR` draws the rest later).
pub fn summary_files(summary: &RunSummary) -> Result<Files, ReportError> {
    let mut files = Files::new();
    files.add("summary.json", json(summary));
    files.add("summary.csv", summary_csv(&summary.metrics)?);
    files.add("replications.csv", replications_csv(summary)?);
    Ok(files)
}

/// Adds each chart as `charts/NAME.svg` and `charts/NAME.png`.
pub fn chart_files(files: &mut Files, charts: &[figures::Drawn]) {
    for chart in charts {
        let (name, Ok(rendered)) = (&chart.name, &chart.rendered) else {
            continue;
        };
        let name = crate::store::safe_name(name);
        files.add(&format!("charts/{name}.svg"), rendered.svg.as_bytes());
        files.add(&format!("charts/{name}.png"), rendered.png.clone());
    }
}

/// Dollars for people: `$76.7 M`, `$4,480`.
pub fn dollars(x: f64) -> String {
    if !x.is_finite() {
        return human(x);
    }
    let sign = if x < 0.0 && x.abs() >= 0.5 { "-" } else { "" };
    if x.abs() >= 1e6 {
        format!("{sign}${:.1} M", x.abs() / 1e6)
    } else {
        format!("{sign}${}", human(x.abs().round()))
    }
}

/// A metric's value for people: dollars as `$62.8 M`, anything else as [`human`].
pub fn metric_value(name: &str, x: f64) -> String {
    let money = metrics::lookup(name).is_some_and(|m| m.measure == metrics::Measure::Dollars);
    if money { dollars(x) } else { human(x) }
}

/// Whether a number as printed is zero (`0`, `-0.000`, `$0`): a difference that prints
/// as zero is not called resolved, whatever its interval.
pub fn prints_as_zero(text: &str) -> bool {
    !text.chars().any(|c| c.is_ascii_digit() && c != '0')
}

/// Whether a difference is called resolved as printed: its paired interval excludes 0
/// and `printed`, the difference as shown, is not zero.
pub fn resolved_as_printed(d: &crate::stats::Difference, printed: &str) -> bool {
    d.resolved && !prints_as_zero(printed)
}

/// A 95 % interval as `[lo, hi]` with the mean's precision (empty when there is none),
/// so that [0.999, 1.000] does not read [0.999, 1.00].
pub fn interval(e: &Estimate) -> String {
    bounds(e.mean, e.ci95)
}

/// An interval as `[lo, hi]` with the precision of `mean` (empty when there is none).
pub fn bounds(mean: f64, interval: Option<[f64; 2]>) -> String {
    let d = decimals_for(mean);
    interval.map_or(String::new(), |[lo, hi]| {
        format!("[{}, {}]", human_with(lo, d), human_with(hi, d))
    })
}

/// A warning when a run was overloaded: a kind busy 99 % of its on-duty time or more,
/// or more than 1 % of incidents never dispatched, so queues grew through the run and
/// the figures depend on the horizon (`None` when neither).
pub fn overload_warning(s: &RunSummary) -> Option<String> {
    let saturated: Vec<&str> = s
        .model
        .kinds
        .iter()
        .filter(|k| s.kind_mean(metrics::UTILIZATION, &k.name) >= 0.99)
        .map(|k| k.name.as_str())
        .collect();
    let unserved = s.mean(metrics::UNSERVED) / s.mean(metrics::INCIDENTS);
    let left_waiting = unserved > 0.01;
    if saturated.is_empty() && !left_waiting {
        return None;
    }
    let mut why = Vec::new();
    if !saturated.is_empty() {
        why.push(format!(
            "{} busy 99 % of on-duty time or more",
            saturated.join(", ")
        ));
    }
    if left_waiting {
        why.push(format!(
            "{:.1} % of incidents never dispatched",
            100.0 * unserved
        ));
    }
    Some(format!(
        "\"{}\" is overloaded ({}; {:.0} background jobs still waiting at the end): queues grow \
         through the run, so waits and unserved counts depend on its length. Add units or \
         lower the load.",
        s.scenario,
        why.join("; "),
        s.mean(metrics::BACKLOG_BACKGROUND)
    ))
}

/// Every warning about a run: a warm-up that looks too short, an overloaded run.
pub fn warnings(s: &RunSummary) -> Vec<String> {
    [warmup_warning(s), overload_warning(s)]
        .into_iter()
        .flatten()
        .collect()
}

/// A warning when a run's warm-up looks too short (`None` when it looks long enough).
pub fn warmup_warning(s: &RunSummary) -> Option<String> {
    let w = &s.warmup_check;
    if w.enough {
        return None;
    }
    if let (true, Some(day)) = (
        w.drifting && w.chosen_days >= w.suggested_days,
        w.planned_day,
    ) {
        return Some(format!(
            "the warm-up of {} of \"{}\" cannot be confirmed before the planned change on \
             day {day:.0}: {}, and too little of the run comes before it to tell start-up from \
             drift; to check it, run the scenario with the change moved later (its \
             from_day).",
            plural(w.chosen_days, "day"),
            s.scenario,
            w.method
        ));
    }
    if w.drifting && w.chosen_days >= w.suggested_days {
        return Some(format!(
            "the warm-up of {} of \"{}\" cannot be confirmed: the weekly series still \
             drift in the second half of the run ({}); run more days to check it.",
            plural(w.chosen_days, "day"),
            s.scenario,
            w.method
        ));
    }
    let limit = if w.drifting {
        " at least; the series still drift late in the run, so run longer to find it"
    } else {
        ""
    };
    Some(format!(
        "the warm-up of {} of \"{}\" looks too short: {} suggests {}{limit}. \
         Until then the results carry the run's start-up (repeat crises settle over \
         weeks to months); set scenario.warmup_days to at least that.",
        plural(w.chosen_days, "day"),
        s.scenario,
        w.method,
        plural(w.suggested_days, "day")
    ))
}

pub use crate::stats::summary::INTERVALS;

/// The console table of the metrics the registry shows on the console, costs in
/// dollars of `dollar_year`.
pub fn table(estimates: &Estimates, dollar_year: u32) -> String {
    let mut rows = vec![vec![
        "metric".to_string(),
        "mean".into(),
        "95% CI".into(),
        "95% PI".into(),
    ]];
    let shown = |name: &str| metrics::lookup(name).is_some_and(|m| m.console);
    // Metrics with no value in any replication (no hotline, say) are left out here;
    // the files keep them.
    for (name, e) in estimates.iter().filter(|(n, e)| e.n > 0 && shown(n)) {
        rows.push(vec![
            name.clone(),
            human(e.mean),
            interval(e),
            bounds(e.mean, e.pi95),
        ]);
    }
    let mut out = align(&rows, &[false, true, false, false]);
    out.push_str(&format!("\nCosts in {dollar_year} dollars. {INTERVALS}\n"));
    out
}

/// Response and dispatch wait by priority, for the console (`None` with one priority).
pub fn priority_table(s: &RunSummary) -> Option<String> {
    use crate::stats::summary::ByMetric;
    if s.by_priority.len() < 2 {
        return None;
    }
    let shown = [
        (metrics::INCIDENTS, "incidents"),
        (metrics::DISPATCH_WAIT_MEAN_MIN, "wait for a unit (min)"),
        (metrics::DISPATCH_WAIT_P90_MIN, "p90"),
        (metrics::RESPONSE_TIME_MEAN_MIN, "response (min)"),
        (metrics::RESPONSE_TIME_P90_MIN, "p90"),
    ];
    let mut rows = vec![
        std::iter::once("priority".to_string())
            .chain(shown.iter().map(|(_, t)| t.to_string()))
            .collect::<Vec<_>>(),
    ];
    for (p, e) in &s.by_priority {
        let mut row = vec![p.clone()];
        row.extend(shown.iter().map(|(m, _)| human(e.mean_of(m))));
        rows.push(row);
    }
    let right: Vec<bool> = (0..rows[0].len()).map(|c| c > 0).collect();
    Some(align(&rows, &right))
}

/// Rows as text columns, each as wide as its widest cell; `right[i]` right-aligns
/// column `i` (numbers), the rest are left-aligned.
pub fn align(rows: &[Vec<String>], right: &[bool]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let w = widths[c];
                if right.get(c).copied().unwrap_or(false) {
                    format!("{cell:>w$}")
                } else {
                    format!("{cell:<w$}")
                }
            })
            .collect();
        out.push_str(cells.join("   ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_numbers() {
        assert_eq!(human(14_601.23), "14,601");
        assert_eq!(human(-1234.0), "-1,234");
        assert_eq!(human(12.345), "12.3");
        assert_eq!(human(0.12345), "0.123");
        assert_eq!(human(f64::NAN), "–");
        assert_eq!(human(0.0), "0");
    }

    #[test]
    fn formulas_in_names_are_not_run_by_spreadsheets() {
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("-3.5"), "-3.5");
        assert_eq!(text_cell("+1e3"), "+1e3");
        assert_eq!(text_cell("police"), "police");
    }
}
