//! Outputs of `compare`: `comparison.json`, `comparison.csv`, comparison charts,
//! `report.html`, and each scenario's own run files in a subfolder, all made from the
//! comparison's run summaries.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{figures, html, read_summary, write_atomic, write_charts, write_run};
use crate::stats::compare::RESOLVED;
use crate::stats::{Comparison, RunSummary, metrics};

/// Folder names for the scenarios: file stems, made unique.
pub fn subfolders(c: &Comparison) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for s in &c.summaries {
        let raw = Path::new(&s.provenance.file)
            .file_stem()
            .map_or(String::new(), |s| s.to_string_lossy().to_string());
        let mut stem = super::folder::safe_name(&raw);
        // A scenario may not take the name of the comparison's own files.
        if ["charts", "report.html", "comparison.json", "comparison.csv"].contains(&stem.as_str()) {
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
        return json!({});
    };
    let scenarios: Vec<Value> = c
        .summaries
        .iter()
        .zip(folders)
        .map(|(s, folder)| {
            json!({ "name": s.scenario, "file": s.provenance.file, "folder": folder, "metrics": s.metrics })
        })
        .collect();
    let differences: Vec<Value> = c
        .summaries
        .iter()
        .zip(&c.differences)
        .skip(1)
        .map(|(s, d)| {
            let metrics: serde_json::Map<String, Value> =
                d.iter().map(|(n, v)| (n.clone(), json!(v))).collect();
            json!({ "scenario": s.scenario, "baseline": base.scenario, "metrics": metrics })
        })
        .collect();
    json!({
        "baseline": base.scenario,
        "seed": base.seed,
        "replications": base.replications,
        "crate_version": base.crate_version,
        "scenarios": scenarios,
        "differences": differences,
    })
}

/// The comparison saved in `dir` by `compare`, read back from its scenarios' summaries.
pub fn read_comparison(dir: &Path) -> Result<Comparison, String> {
    let path = dir.join("comparison.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let json: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a crisis-sim comparison: {e}", path.display()))?;
    let folders = json["scenarios"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["folder"].as_str())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    if folders.len() < 2 {
        return Err(format!(
            "{}: lists no scenario folders to rebuild from",
            path.display()
        ));
    }
    let summaries = folders
        .iter()
        .map(|f| read_summary(&dir.join(f)))
        .collect::<Result<Vec<RunSummary>, String>>()?;
    Ok(Comparison::new(summaries))
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
                s.scenario.clone(),
                name.clone(),
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

/// Writes a comparison into `dir`; the first scenario is the baseline.
pub fn write_compare(dir: &Path, c: &Comparison) -> std::io::Result<Vec<PathBuf>> {
    if c.summaries.is_empty() {
        return Ok(Vec::new());
    }
    let folders = subfolders(c);
    let runs: Vec<&RunSummary> = c.summaries.iter().collect();
    let charts =
        figures::render_all(&figures::compare_figures(&runs)).map_err(std::io::Error::other)?;
    let page = html::compare_report(c, &charts);
    let mut json =
        serde_json::to_vec_pretty(&comparison_json(c, &folders)).map_err(std::io::Error::other)?;
    json.push(b'\n');
    let csv = comparison_csv(c).map_err(std::io::Error::other)?;
    std::fs::create_dir_all(dir)?;
    let mut written = vec![
        write_atomic(dir, "comparison.json", &json)?,
        write_atomic(dir, "comparison.csv", &csv)?,
    ];
    written.extend(write_charts(dir, &charts)?);
    written.push(write_atomic(dir, "report.html", page.as_bytes())?);
    for (s, folder) in c.summaries.iter().zip(&folders) {
        written.extend(write_run(&dir.join(folder), s)?);
    }
    Ok(written)
}

/// The console summary of a comparison: the metrics the registry marks for it, with
/// differences and both intervals.
pub fn console(c: &Comparison) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let Some(base) = c.summaries.first() else {
        return out;
    };
    let ci = |c: Option<[f64; 2]>| {
        c.map_or(String::new(), |[lo, hi]| {
            format!("[{}, {}]", super::human(lo), super::human(hi))
        })
    };
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
            rows.push(vec![
                name.clone(),
                super::human(base.mean(name)),
                super::human(other.mean(name)),
                super::human(d.mean),
                ci(d.ci95),
                ci(d.unpaired_ci95),
                if d.resolved { "yes" } else { "no" }.into(),
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
