//! Outputs of `compare`: `comparison.json`, `comparison.csv`, comparison charts,
//! `report.html`, and each scenario's own run files in a subfolder, all made from the
//! comparison's run summaries.

use std::path::Path;

use serde_json::Value;

use maud::{Markup, html};

use super::figures::Drawn;
use super::page::{figures as figure_html, page, provenance_table, scenario_files, stress_des};
use super::run::warning_lines;
use super::{
    INTERVALS, ReportError, chart_files, figures, overview, read_saved, read_summary, run_files,
    text_cell,
};
use crate::stats::compare::RESOLVED;
use crate::stats::{Comparison, Difference, RunSummary, metrics};
use crate::store::{Files, safe_name};

/// Folder names for the scenarios: file stems, made unique.
pub fn subfolders(c: &Comparison) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for s in &c.summaries {
        let raw = Path::new(&s.provenance.file)
            .file_stem()
            .map_or(String::new(), |s| s.to_string_lossy().to_string());
        let mut stem = safe_name(&raw);
        // A scenario may not take the name of the comparison's own files.
        if [
            "charts",
            "report.html",
            "comparison.json",
            "comparison.csv",
            "overview.csv",
        ]
        .contains(&stem.as_str())
        {
            stem.push_str("-scenario");
        }
        let mut name = stem.clone();
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{stem}-{k}");
            k += 1;
        }
        names.push(name);
    }
    names
}

fn comparison_json(c: &Comparison, folders: &[String]) -> Value {
    let Some(base) = c.summaries.first() else {
        return serde_json::json!({});
    };
    let scenarios: Vec<Value> = c
        .summaries
        .iter()
        .zip(folders)
        .map(|(s, folder)| {
            serde_json::json!({ "name": s.scenario, "file": s.provenance.file, "folder": folder, "metrics": s.metrics })
        })
        .collect();
    let differences: Vec<Value> = c
        .summaries
        .iter()
        .zip(&c.differences)
        .skip(1)
        .map(|(s, d)| {
            let metrics: serde_json::Map<String, Value> =
                d.iter().map(|(n, v)| (n.clone(), serde_json::json!(v))).collect();
            serde_json::json!({ "scenario": s.scenario, "baseline": base.scenario, "metrics": metrics })
        })
        .collect();
    serde_json::json!({
        "baseline": base.scenario,
        "seed": base.seed,
        "replications": base.replications,
        "crate_version": base.crate_version,
        "scenarios": scenarios,
        "differences": differences,
    })
}

/// The comparison saved in `dir` by `compare`, read back from its scenarios' summaries
/// (each in a folder of `dir`'s own, never outside it).
pub fn read_comparison(dir: &Path) -> Result<Comparison, ReportError> {
    let path = dir.join("comparison.json");
    let bad = |why: String| ReportError::Saved {
        path: path.clone(),
        why,
    };
    let text = read_saved(&path, 1 << 26)?;
    let json: Value = serde_json::from_str(&text)
        .map_err(|e| bad(format!("not a crisis-sim comparison: {e}")))?;
    let folders = json["scenarios"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["folder"].as_str())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    if folders.len() < 2 {
        return Err(bad("lists no scenario folders to rebuild from".into()));
    }
    if let Some(f) = folders.iter().find(|f| safe_name(f) != **f) {
        return Err(bad(format!(
            "names the folder `{f}`, which is not one of its own"
        )));
    }
    let summaries = folders
        .iter()
        .map(|f| read_summary(&dir.join(f)))
        .collect::<Result<Vec<RunSummary>, ReportError>>()?;
    Comparison::new(summaries).map_err(|why| bad(why.to_string()))
}

/// `comparison.csv`: one row per scenario and metric, with its difference from the baseline.
pub fn comparison_csv(c: &Comparison) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "scenario",
        "metric",
        "mean",
        "ci95_lo",
        "ci95_hi",
        "diff_mean",
        "diff_ci95_lo",
        "diff_ci95_hi",
        "unpaired_ci95_lo",
        "unpaired_ci95_hi",
        "resolved",
    ])?;
    let num = |x: Option<f64>| {
        x.filter(|v| v.is_finite())
            .map_or(String::new(), |v| v.to_string())
    };
    for (s, diff) in c.summaries.iter().zip(&c.differences) {
        for (name, v) in &s.metrics {
            let d = diff.iter().find(|(n, _)| n == name).map(|(_, d)| d);
            w.write_record([
                text_cell(&s.scenario),
                text_cell(name),
                num(Some(v.mean)),
                num(v.ci95.map(|c| c[0])),
                num(v.ci95.map(|c| c[1])),
                num(d.map(|d| d.mean)),
                num(d.and_then(|d| d.ci95).map(|c| c[0])),
                num(d.and_then(|d| d.ci95).map(|c| c[1])),
                num(d.and_then(|d| d.unpaired_ci95).map(|c| c[0])),
                num(d.and_then(|d| d.unpaired_ci95).map(|c| c[1])),
                d.map_or(String::new(), |d| d.resolved.to_string()),
            ])?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// One metric's row of a comparison, as people read it: baseline, scenario, difference,
/// paired and unpaired intervals (money as `$62.8 M`), and whether the difference is
/// resolved (never when it prints as zero).
pub struct DifferenceRow {
    /// The baseline's mean.
    pub base: String,
    /// The scenario's mean.
    pub other: String,
    /// The paired difference's mean.
    pub diff: String,
    /// Its paired 95 % interval.
    pub paired: String,
    /// Its unpaired 95 % interval.
    pub unpaired: String,
    /// Whether the simulation resolves it.
    pub resolved: bool,
}

impl DifferenceRow {
    /// The row of metric `name`, whose difference is `d`.
    pub fn new(baseline: &RunSummary, other: &RunSummary, name: &str, d: &Difference) -> Self {
        let v = |x: f64| super::metric_value(name, x);
        let ci = |c: Option<[f64; 2]>| {
            c.map_or(String::new(), |[lo, hi]| format!("[{}, {}]", v(lo), v(hi)))
        };
        let mean = |s: &RunSummary| s.metrics.get(name).map_or(f64::NAN, |e| e.mean);
        let diff = v(d.mean);
        DifferenceRow {
            base: v(mean(baseline)),
            other: v(mean(other)),
            resolved: super::resolved_as_printed(d, &diff),
            diff,
            paired: ci(d.ci95),
            unpaired: ci(d.unpaired_ci95),
        }
    }

    fn resolved_word(&self) -> &'static str {
        if self.resolved { "yes" } else { "no" }
    }
}

fn difference_table(
    baseline: &RunSummary,
    other: &RunSummary,
    diffs: &[(String, Difference)],
) -> Markup {
    html! {
        table {
            tr {
                th { "metric" } th { (baseline.scenario) } th { (other.scenario) } th { "difference" }
                th { "paired 95 % CI" } th { "unpaired 95 % CI" } th { "resolved by the simulation" }
            }
            @for (name, d) in diffs {
                @let row = DifferenceRow::new(baseline, other, name, d);
                tr {
                    td { code { (name) } }
                    td .n { (row.base) }
                    td .n { (row.other) }
                    td .n .sig[row.resolved] { (row.diff) }
                    td .n { (row.paired) }
                    td .n { (row.unpaired) }
                    td { (row.resolved_word()) }
                }
            }
        }
    }
}

/// What makes a scenario's differences from the baseline hard to read: costs in another
/// dollar year, or another city (other zones or call types), where common random
/// numbers give different crises and pairing does not apply.
pub fn pairing_warnings(c: &Comparison) -> Vec<String> {
    let Some(base) = c.summaries.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in &c.summaries[1..] {
        if s.dollar_year != base.dollar_year {
            out.push(format!(
                "{}: its costs are in {} dollars, the baseline's in {}; set the same \
                 costs.dollar_year in both before reading cost differences",
                s.scenario, s.dollar_year, base.dollar_year
            ));
        }
        let same = |a: &indexmap::IndexMap<String, _>, b: &indexmap::IndexMap<String, _>| {
            a.keys().eq(b.keys())
        };
        if !same(&s.by_zone, &base.by_zone) || !same(&s.by_call_type, &base.by_call_type) {
            out.push(format!(
                "{}: its zones or call types differ from the baseline's, so it is another \
                 city and its crises are not the baseline's: the paired intervals do not \
                 apply; read the unpaired ones",
                s.scenario
            ));
        }
    }
    out
}

/// Every warning a comparison's scenarios raise, each naming its scenario, and the
/// comparison's own.
pub fn all_warnings(c: &Comparison) -> Vec<String> {
    let mut warnings: Vec<String> = (c.summaries.iter())
        .flat_map(|s| {
            super::warnings(s)
                .into_iter()
                .map(move |w| format!("{}: {w}", s.scenario))
        })
        .collect();
    warnings.extend(pairing_warnings(c));
    warnings
}

/// The title: the alternatives against the baseline, short enough for one line.
fn title(c: &Comparison) -> String {
    match c.summaries.as_slice() {
        [base, other] => format!("{} against {}", other.scenario, base.scenario),
        [base, rest @ ..] => format!("{} alternatives against {}", rest.len(), base.scenario),
        [] => "Comparison".into(),
    }
}

/// The report of a comparison; the first scenario is the baseline. It opens as a
/// briefing (warnings, a paragraph per alternative, the overview table), then the
/// charts, the zones, and the full tables folded away.
fn compare_report(c: &Comparison, charts: &[Drawn]) -> String {
    let Some(baseline) = c.summaries.first() else {
        return page("Comparison", html! { p { "No scenarios." } });
    };
    let body = html! {
        h1 { (title(c)) }
        p .lede {
            (format!(
                "{} replications × {} days each, seed {}, on common random numbers: every \
                 scenario sees the same crises, so differences come from the response. Costs in \
                 {} dollars.",
                baseline.replications, baseline.days, baseline.seed, baseline.dollar_year
            ))
        }
        (warning_lines(&all_warnings(c)))
        section .briefing {
            @for i in 1..c.summaries.len() {
                @let (who, what) = overview::paragraph(c, i);
                p { strong { (who) ":" } " " (what) }
            }
        }
        (overview::table(c))
        p .muted { (RESOLVED) }
        h2 .page { "Charts" }
        (figure_html(charts))
        h2 .page { "Zone by zone" }
        (overview::zone_table(c))
        h3 { "Equity: the slowest zone against the fastest" }
        (overview::equity_table(c))
        @if c.summaries.first().is_some_and(|b| !b.by_group.is_empty()) {
            h2 .page { "Group by group" }
            (overview::population_table(c))
        }
        h2 .page { "Every metric" }
        p .muted {
            "Differences are paired by replication; the unpaired interval shows what the \
             same comparison would give without pairing. " (INTERVALS)
        }
        @for (other, diffs) in c.summaries.iter().zip(&c.differences).skip(1) {
            details .full {
                summary { (other.scenario) " against " (baseline.scenario) }
                (difference_table(baseline, other, diffs))
            }
        }
        h2 { "How the runs were made" }
        @for s in &c.summaries {
            details {
                summary { (s.scenario) }
                (provenance_table(s))
                (scenario_files(&s.provenance))
            }
        }
        details {
            summary { "STRESS-DES reporting checklist (baseline)" }
            (stress_des(baseline))
        }
    };
    page(&title(c), body)
}

/// The files of a comparison (the first scenario is the baseline), each scenario's
/// run files in a folder of its own.
pub fn compare_files(c: &Comparison) -> Result<Files, ReportError> {
    let mut files = Files::new();
    if c.summaries.is_empty() {
        return Ok(files);
    }
    let folders = subfolders(c);
    // Charts name the scenarios without the words all their names share, so that
    // legends stay short.
    let named: Vec<RunSummary> = (c.summaries.iter().zip(overview::short_names(c)))
        .map(|(s, scenario)| RunSummary {
            scenario,
            ..s.clone()
        })
        .collect();
    let runs: Vec<&RunSummary> = named.iter().collect();
    let charts = figures::render_all(&figures::compare_figures(&runs))?;
    let page = compare_report(c, &charts);
    files.add(
        "comparison.json",
        crate::store::json(&comparison_json(c, &folders)),
    );
    files.add("comparison.csv", comparison_csv(c)?);
    files.add("overview.csv", overview::csv(c)?);
    chart_files(&mut files, &charts);
    files.add("report.html", page);
    for (s, folder) in c.summaries.iter().zip(&folders) {
        files.extend_under(folder, run_files(s)?);
    }
    Ok(files)
}

/// The console summary of a comparison: the metrics the registry marks for it, with
/// differences and both intervals.
pub fn console(c: &Comparison) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let Some(base) = c.summaries.first() else {
        return out;
    };
    for i in 1..c.summaries.len() {
        let (who, what) = overview::paragraph(c, i);
        out.push_str(&crate::text::wrap(&format!("{who}: {what}"), 88));
        out.push_str("\n\n");
    }
    out.push_str(&overview::console_table(c));
    out.push_str("(≈: no difference the simulation resolves)\n\n");
    let equity = overview::equity_lines(c);
    if !equity.is_empty() {
        let _ = writeln!(out, "Equity, response time by zone:\n{equity}");
    }
    let shown = |name: &str| metrics::lookup(name).is_some_and(|m| m.compare);
    for (other, diffs) in c.summaries.iter().zip(&c.differences).skip(1) {
        let _ = writeln!(
            out,
            "{} − {} ({} paired replications)",
            other.scenario, base.scenario, base.replications
        );
        let mut rows = vec![
            [
                "metric",
                "baseline",
                "scenario",
                "diff",
                "paired 95% CI",
                "unpaired 95% CI",
                "resolved",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for (name, d) in diffs.iter().filter(|(n, _)| shown(n)) {
            let row = DifferenceRow::new(base, other, name, d);
            let resolved = row.resolved_word().to_string();
            rows.push(vec![
                name.clone(),
                row.base,
                row.other,
                row.diff,
                row.paired,
                row.unpaired,
                resolved,
            ]);
        }
        out.push_str(&super::align(
            &rows,
            &[false, true, true, true, false, false, false],
        ));
        out.push('\n');
    }
    out.push_str(RESOLVED);
    out.push('\n');
    out
}
