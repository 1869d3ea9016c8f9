//! `sweep`: one scenario at every point of a grid, saved point by point.

use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use super::common::{
    Replications, SavedRun, SimOptions, default_out, notes, run_saved, shard, start, wrote,
};
use crate::experiment::sweep;
use crate::report::{self, align, human, interval};
use crate::stats::metrics;
use crate::stats::summary::ByMetric;
use crate::stats::sweep::{Axis, SweepSummary};
use crate::store::{Output, Via};

/// `sweep` arguments.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// A key and its values: KEY=A..B[:STEP] or KEY=a,b,c (repeatable: a grid).
    #[arg(long, value_name = "KEY=VALUES", required = true)]
    pub vary: Vec<String>,
    /// Output folder, kept across runs so a sweep can resume [default: out/<scenario file stem>-sweep]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run only shard I of N (points I, I+N, …); `auto` reads a Slurm job array's
    /// SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT. Join shards with `merge`.
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
    /// Keep the points already saved in --out by the same sweep and run the rest.
    #[arg(long)]
    pub resume: bool,
    /// Clear the points an earlier run saved in --out and start over (without this or
    /// --resume, a folder holding saved points is refused).
    #[arg(long, conflicts_with = "resume")]
    pub fresh: bool,
    /// Replications at every point.
    #[command(flatten)]
    pub replications: Replications,
    /// Simulation options, applied at every point.
    #[command(flatten)]
    pub options: SimOptions,
}

/// Reads every `--vary`.
pub(super) fn axes(vary: &[String]) -> Result<Vec<Axis>, CliError> {
    vary.iter()
        .map(|v| sweep::parse_vary(v).map_err(CliError::Usage))
        .collect()
}

/// The files a sweep reads: its scenario and the files it extends.
pub(super) fn inputs(prepared: &sweep::Prepared) -> Vec<PathBuf> {
    let p = &prepared.plan.provenance;
    std::iter::once(PathBuf::from(&p.file))
        .chain(p.bases.iter().map(|(f, _)| PathBuf::from(f)))
        .collect()
}

/// `crisis-sim sweep`.
pub fn sweep(args: &SweepArgs) -> Result<(), CliError> {
    let o = &args.options;
    let axes = axes(&args.vary)?;
    let sets = o.assignments(args.replications.replications);
    let prepared = sweep::prepare(&args.scenario, &sets, axes)?;
    notes(&prepared.notes, None, o.quiet);
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.scenario, "-sweep"));
    let inputs = inputs(&prepared);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let shard = shard(args.shard.as_deref())?;
    let mut out = Output::in_place(&dir, Via::Out, &inputs)?;
    let plan = &prepared.plan;
    let job = SavedRun {
        plan,
        runs: prepared.runs(),
        shard,
        start: start(args.resume, args.fresh),
        unit: "point",
        title: plan.scenario.clone(),
    };
    let Some(points) = run_saved(&out, &job, o)? else {
        out.finish()?;
        return Ok(());
    };
    let summary = SweepSummary::new(plan.clone(), &points);
    out.write(&report::sweep::sweep_files(&summary)?)?;
    let written = out.finish()?;
    if !o.quiet {
        say!("{}", console(&summary));
        sayln!();
    }
    wrote(&written, o.quiet)
}

/// The varied values and the main metrics at each point.
fn console(s: &SweepSummary) -> String {
    let shown = [
        metrics::RESPONSE_TIME_MEAN_MIN,
        metrics::RESPONSE_TIME_P90_MIN,
        metrics::COST_TOTAL,
    ];
    let mut rows = vec![
        s.plan
            .axes
            .iter()
            .map(|a| a.key.clone())
            .chain(shown.iter().map(|m| m.name.to_string()))
            .collect::<Vec<_>>(),
    ];
    for p in &s.points {
        let row = p.values.values().cloned().chain(shown.iter().map(|m| {
            p.metrics.of(m).map_or(String::new(), |e| {
                format!("{} {}", human(e.mean), interval(e))
            })
        }));
        rows.push(row.collect());
    }
    let right = vec![true; rows[0].len()];
    format!("\n{}\n{}", align(&rows, &right), report::INTERVALS)
}
