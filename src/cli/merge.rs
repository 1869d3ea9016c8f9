//! `merge`: the shards of a sweep or an uncertainty analysis, joined into one folder.

use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use crate::experiment::ExperimentError;
use crate::report;
use crate::stats::sweep::{SweepPlan, SweepSummary};
use crate::stats::uncertainty::{UncertaintyPlan, UncertaintySummary};
use crate::store::points::{self, Plan};
use crate::store::{Files, Output, Via};
use crate::text::plural;

/// `merge` arguments.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Folders written by `sweep --shard` or `uncertainty --shard`.
    #[arg(required = true, num_args = 1..)]
    pub dirs: Vec<PathBuf>,
    /// Where to write the whole sweep or analysis (neither one of the shards nor a
    /// folder holding them).
    #[arg(long, value_name = "DIR", required = true)]
    pub out: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Writes a whole saved-point experiment into `out`: its points, and the files made
/// from them by `files`. Returns the number of points.
pub(super) fn write_whole<P: Plan>(
    out: &mut Output,
    dirs: &[PathBuf],
    files: impl Fn(&P, &[crate::stats::sweep::SweepPoint]) -> Result<Files, CliError>,
) -> Result<usize, CliError> {
    let (plan, saved) = points::gather::<P>(dirs).map_err(ExperimentError::from)?;
    points::write_points(out.dir(), &plan, &saved).map_err(ExperimentError::from)?;
    out.write(&files(&plan, &saved)?)?;
    Ok(saved.len())
}

/// The files of a sweep made from its points.
pub(super) fn sweep_files(
    plan: &SweepPlan,
    saved: &[crate::stats::sweep::SweepPoint],
) -> Result<Files, CliError> {
    Ok(report::sweep::sweep_files(&SweepSummary::new(
        plan.clone(),
        saved,
    ))?)
}

/// The files of an uncertainty analysis made from its points.
pub(super) fn uncertainty_files(
    plan: &UncertaintyPlan,
    saved: &[crate::stats::sweep::SweepPoint],
) -> Result<Files, CliError> {
    Ok(report::uncertainty::uncertainty_files(
        &UncertaintySummary::new(plan.clone(), saved),
    )?)
}

/// `crisis-sim merge`: the folders' plan says whether they hold a sweep or an
/// uncertainty analysis.
pub fn merge(args: &MergeArgs) -> Result<(), CliError> {
    let inputs: Vec<&Path> = args.dirs.iter().map(PathBuf::as_path).collect();
    let mut out = Output::whole(&args.out, Via::Out, &inputs)?;
    let psa = (args.dirs.first()).is_some_and(|d| points::holds::<UncertaintyPlan>(d));
    let n = if psa {
        write_whole::<UncertaintyPlan>(&mut out, &args.dirs, uncertainty_files)?
    } else {
        write_whole::<SweepPlan>(&mut out, &args.dirs, sweep_files)?
    };
    let written = out.finish()?;
    if !args.quiet {
        sayln!(
            "merged {} from {} into {}: wrote {} (open report.html)",
            plural(n as u32, if psa { "run" } else { "point" }),
            plural(args.dirs.len() as u32, "folder"),
            written.dir.display(),
            plural(written.files as u32, "file")
        );
    }
    Ok(())
}
