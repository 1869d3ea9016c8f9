//! `report DIR`: a result folder's files made again from what it saved.

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::merge::{sweep_files, uncertainty_files, write_whole};
use crate::report;
use crate::stats::plan::PlanResult;
use crate::stats::sweep::SweepPlan;
use crate::stats::uncertainty::UncertaintyPlan;
use crate::store::points;
use crate::store::{Output, Via};
use crate::text::plural;

/// `report` arguments.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A folder written by `run` (summary.json), `compare` (comparison.json), `sweep` or
    /// `uncertainty` (plan.json and points/), or `plan` (plan.json).
    pub dir: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `crisis-sim report DIR`.
pub fn report(args: &ReportArgs) -> Result<(), CliError> {
    let mut out = Output::whole(&args.dir, Via::ReportDir, &[])?;
    let earlier = out.earlier().to_path_buf();
    if let Some(plan) = shift_plan(&earlier) {
        out.write(&report::plan::plan_files(&plan)?)?;
    } else if earlier.join(points::PLAN).is_file() {
        let dirs = [earlier.clone()];
        if points::holds::<UncertaintyPlan>(&earlier) {
            write_whole::<UncertaintyPlan>(&mut out, &dirs, uncertainty_files)?;
        } else {
            write_whole::<SweepPlan>(&mut out, &dirs, sweep_files)?;
        }
    } else if earlier.join("comparison.json").is_file() {
        let c = report::compare::read_comparison(&earlier)?;
        out.write(&report::compare::compare_files(&c)?)?;
    } else if earlier.join("summary.json").is_file() {
        let s = report::read_summary(&earlier)?;
        out.write(&report::run_files(&s)?)?;
        keep_traces(&mut out, &earlier)?;
    } else {
        return Err(CliError::Usage(format!(
            "report {}: has neither summary.json (from `run`), comparison.json (from `compare`) \
             nor plan.json (from `sweep`, `uncertainty` or `plan`)",
            args.dir.display()
        )));
    }
    let written = out.finish()?;
    if !args.quiet {
        sayln!(
            "wrote {} to {} from what it saved",
            plural(written.files as u32, "file"),
            written.dir.display()
        );
    }
    Ok(())
}

/// The result of `plan` the folder holds, if its `plan.json` is one (a sweep's or an
/// analysis's `plan.json` is their plan, read below).
fn shift_plan(dir: &std::path::Path) -> Option<PlanResult> {
    let bytes = std::fs::read(dir.join("plan.json")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Traces are not made from the summary: keep them (regular files only).
fn keep_traces(out: &mut Output, earlier: &std::path::Path) -> Result<(), CliError> {
    let Ok(entries) = std::fs::read_dir(earlier) else {
        return Ok(());
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("incidents") && n.ends_with(".csv"))
        .collect();
    names.sort();
    for name in names {
        out.keep(&name)?;
    }
    Ok(())
}
