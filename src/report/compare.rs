//! Outputs of `compare`: `comparison.json`, `comparison.csv`, comparison charts,
//! `report.html`, and each scenario's own run files in a subfolder.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::html::{self, Compared, Provenance};
use super::{Summary, figures, summarize, write_atomic, write_charts, write_run};
use crate::experiment::RunResult;
use crate::stats::{self, Difference, Estimate};

/// One scenario of a comparison with its results.
pub struct Entry<'a> {
    /// How it was made.
    pub provenance: Provenance<'a>,
    /// Its replications.
    pub run: &'a RunResult,
}

/// Paired differences of every metric the scenario shares with the baseline.
pub fn differences(baseline: &RunResult, other: &RunResult) -> Vec<(String, Difference)> {
    let Some(first) = other.replications.first() else {
        return Vec::new();
    };
    first
        .metrics
        .iter()
        .filter_map(|(name, _)| {
            let column = |run: &RunResult| -> Option<Vec<f64>> {
                run.replications
                    .iter()
                    .map(|r| r.metrics.iter().find(|(n, _)| n == name).map(|(_, v)| *v))
                    .collect()
            };
            Some((
                name.clone(),
                stats::paired_difference(&column(baseline)?, &column(other)?),
            ))
        })
        .collect()
}

/// Folder names for the scenarios: file stems, made unique.
fn subfolders(entries: &[Entry<'_>]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for e in entries {
        let stem = Path::new(&e.provenance.file)
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().to_string());
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

fn comparison_json(
    entries: &[Entry<'_>],
    estimates: &[&[(String, Estimate)]],
    diffs: &[Vec<(String, Difference)>],
) -> Value {
    let base = entries[0].provenance.model;
    let scenarios: Vec<Value> = entries
        .iter()
        .zip(estimates)
        .map(|(e, est)| {
            let metrics: serde_json::Map<String, Value> = est.iter().map(|(n, v)| (n.clone(), json!(v))).collect();
            json!({ "name": e.provenance.model.name, "file": e.provenance.file, "metrics": metrics })
        })
        .collect();
    let differences: Vec<Value> = entries
        .iter()
        .zip(diffs)
        .skip(1)
        .map(|(e, d)| {
            let metrics: serde_json::Map<String, Value> = d.iter().map(|(n, v)| (n.clone(), json!(v))).collect();
            json!({ "scenario": e.provenance.model.name, "baseline": base.name, "metrics": metrics })
        })
        .collect();
    json!({
        "baseline": base.name,
        "seed": base.seed,
        "replications": base.replications,
        "crate_version": env!("CARGO_PKG_VERSION"),
        "scenarios": scenarios,
        "differences": differences,
    })
}

fn comparison_csv(
    entries: &[Entry<'_>],
    estimates: &[&[(String, Estimate)]],
    diffs: &[Vec<(String, Difference)>],
) -> Result<Vec<u8>, csv::Error> {
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
        "significant",
    ])?;
    let num = |x: Option<f64>| {
        x.filter(|v| v.is_finite())
            .map_or(String::new(), |v| v.to_string())
    };
    for ((e, est), diff) in entries.iter().zip(estimates).zip(diffs) {
        for (name, v) in est.iter() {
            let d = diff.iter().find(|(n, _)| n == name).map(|(_, d)| d);
            w.write_record([
                e.provenance.model.name.clone(),
                name.clone(),
                num(Some(v.mean)),
                num(v.ci95.map(|c| c[0])),
                num(v.ci95.map(|c| c[1])),
                num(d.map(|d| d.mean)),
                num(d.and_then(|d| d.ci95).map(|c| c[0])),
                num(d.and_then(|d| d.ci95).map(|c| c[1])),
                num(d.and_then(|d| d.unpaired_ci95).map(|c| c[0])),
                num(d.and_then(|d| d.unpaired_ci95).map(|c| c[1])),
                d.map_or(String::new(), |d| d.significant.to_string()),
            ])?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The figures of a comparison, computed once for every output.
pub struct Comparison {
    /// Each scenario's summary and estimates, in entry order.
    pub summaries: Vec<(Summary, Vec<(String, Estimate)>)>,
    /// Each scenario's differences from the first (empty for the first).
    pub differences: Vec<Vec<(String, Difference)>>,
}

/// Summarizes every scenario and pairs each later one with the first.
pub fn compare(entries: &[Entry<'_>]) -> Comparison {
    let summaries = entries
        .iter()
        .map(|e| summarize(e.provenance.model, e.run))
        .collect();
    let differences = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            if i == 0 {
                Vec::new()
            } else {
                differences(entries[0].run, e.run)
            }
        })
        .collect();
    Comparison {
        summaries,
        differences,
    }
}

/// Writes a comparison into `dir`; the first entry is the baseline.
pub fn write_compare(
    dir: &Path,
    entries: &[Entry<'_>],
    comparison: &Comparison,
) -> std::io::Result<Vec<PathBuf>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let estimates: Vec<&[(String, Estimate)]> = comparison
        .summaries
        .iter()
        .map(|(_, e)| e.as_slice())
        .collect();
    let diffs = &comparison.differences;
    let results: Vec<figures::Results<'_>> = entries
        .iter()
        .zip(&estimates)
        .map(|(e, &est)| figures::Results {
            label: e.provenance.model.name.clone(),
            model: e.provenance.model,
            run: e.run,
            estimates: est,
        })
        .collect();
    let charts =
        figures::render_all(&figures::compare_figures(&results)).map_err(std::io::Error::other)?;
    let compared: Vec<Compared<'_>> = entries
        .iter()
        .zip(&estimates)
        .zip(diffs)
        .map(|((e, &est), d)| Compared {
            provenance: e.provenance.clone(),
            estimates: est,
            differences: d,
        })
        .collect();
    let page = html::compare_report(&compared, &charts);
    let mut json = serde_json::to_vec_pretty(&comparison_json(entries, &estimates, diffs))
        .map_err(std::io::Error::other)?;
    json.push(b'\n');
    let csv = comparison_csv(entries, &estimates, diffs).map_err(std::io::Error::other)?;
    std::fs::create_dir_all(dir)?;
    let mut written = vec![
        write_atomic(dir, "comparison.json", &json)?,
        write_atomic(dir, "comparison.csv", &csv)?,
    ];
    written.extend(write_charts(dir, &charts)?);
    written.push(write_atomic(dir, "report.html", page.as_bytes())?);
    for ((e, sub), summarized) in entries
        .iter()
        .zip(subfolders(entries))
        .zip(&comparison.summaries)
    {
        written.extend(write_run(&dir.join(sub), &e.provenance, e.run, summarized)?);
    }
    Ok(written)
}

/// Metrics shown on the console for a comparison.
const CONSOLE_METRICS: [&str; 11] = [
    "incidents",
    "repeat_crises",
    "response_time_mean_min",
    "response_time_p90_min",
    "unserved",
    "police_involved_share",
    "emergency_department",
    "hospitalizations",
    "arrests",
    "use_of_force",
    "cost_total",
];

/// The console summary of a comparison: key metrics, differences and both intervals.
pub fn console(entries: &[Entry<'_>], comparison: &Comparison) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let Some(base) = entries.first() else {
        return out;
    };
    let ci = |c: Option<[f64; 2]>| {
        c.map_or(String::new(), |[lo, hi]| {
            format!("[{}, {}]", super::human(lo), super::human(hi))
        })
    };
    let base_est = &comparison.summaries[0].1;
    for ((other, (_, other_est)), diffs) in entries
        .iter()
        .zip(&comparison.summaries)
        .zip(&comparison.differences)
        .skip(1)
    {
        let _ = writeln!(
            out,
            "{} − {} ({} paired replications)\n{:<26} {:>10} {:>10} {:>10}  {:<22} {:<22} significant",
            other.provenance.model.name,
            base.provenance.model.name,
            base.provenance.model.replications,
            "metric",
            "baseline",
            "scenario",
            "diff",
            "paired 95% CI",
            "unpaired 95% CI",
        );
        for (name, d) in diffs {
            if !CONSOLE_METRICS.contains(&name.as_str()) {
                continue;
            }
            let mean = |est: &[(String, Estimate)]| {
                est.iter()
                    .find(|(n, _)| *n == *name)
                    .map_or(f64::NAN, |(_, e)| e.mean)
            };
            let _ = writeln!(
                out,
                "{name:<26} {:>10} {:>10} {:>10}  {:<22} {:<22} {}",
                super::human(mean(base_est)),
                super::human(mean(other_est)),
                super::human(d.mean),
                ci(d.ci95),
                ci(d.unpaired_ci95),
                if d.significant { "yes" } else { "no" }
            );
        }
        out.push('\n');
    }
    out
}
