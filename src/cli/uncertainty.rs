//! `uncertainty`: probabilistic sensitivity analysis of one or more scenarios.

use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use super::common::{SavedRun, SimOptions, default_out, run_saved, shard, start, wrote};
use crate::experiment::uncertainty::{self, Options};
use crate::report::uncertainty as results;
use crate::stats::metrics;
use crate::stats::uncertainty::UncertaintySummary;
use crate::store::{Output, Via};

/// `uncertainty` arguments.
#[derive(Debug, Args)]
pub struct UncertaintyArgs {
    /// Scenario files (TOML), the baseline first; their `[uncertainty]` tables are joined.
    #[arg(required = true, num_args = 1..)]
    pub scenarios: Vec<PathBuf>,
    /// Latin hypercube draws of the uncertain inputs.
    #[arg(long, value_name = "N", default_value_t = 200,
          value_parser = clap::value_parser!(u32).range(1..=20_000))]
    pub draws: u32,
    /// Replications of each scenario at each draw (all on the same random numbers).
    #[arg(long, value_name = "R", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub replications_per_draw: u32,
    /// Also run each input alone at its 5 % and 95 % points and draw a tornado of
    /// METRIC (of its difference from the baseline, with several scenarios).
    #[arg(long, value_name = "METRIC", num_args = 0..=1, default_missing_value = metrics::COST_TOTAL.name)]
    pub tornado: Option<String>,
    /// The outcome on the cost-effectiveness plane and acceptability curve (fewer is
    /// better), e.g. arrests.
    #[arg(long, value_name = "METRIC", default_value = metrics::EMERGENCY_DEPARTMENT.name)]
    pub outcome: String,
    /// Output folder, kept across runs so an analysis can resume [default: out/<first scenario file stem>-uncertainty]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run only shard I of N (or `auto` in a Slurm job array); join shards with `merge`.
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
    /// Keep the runs already saved in --out by the same analysis and run the rest.
    #[arg(long)]
    pub resume: bool,
    /// Clear the points an earlier run saved in --out and start over (without this or
    /// --resume, a folder holding saved points is refused).
    #[arg(long, conflicts_with = "resume")]
    pub fresh: bool,
    /// Simulation options, applied to every scenario.
    #[command(flatten)]
    pub options: SimOptions,
}

/// `crisis-sim uncertainty`.
pub fn uncertainty(args: &UncertaintyArgs) -> Result<(), CliError> {
    let o = &args.options;
    let options = Options {
        draws: args.draws as usize,
        replications: args.replications_per_draw,
        tornado: args.tornado.clone(),
        outcome: args.outcome.clone(),
    };
    let prepared = uncertainty::prepare(&args.scenarios, &o.assignments(None), &[], &options)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.scenarios[0], "-uncertainty"));
    let plan = &prepared.plan;
    let inputs: Vec<PathBuf> = plan
        .provenance
        .iter()
        .flat_map(|p| {
            std::iter::once(PathBuf::from(&p.file))
                .chain(p.bases.iter().map(|(f, _)| PathBuf::from(f)))
        })
        .collect();
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let shard = shard(args.shard.as_deref())?;
    let mut out = Output::in_place(&dir, Via::Out, &inputs)?;
    let job = SavedRun {
        plan,
        runs: prepared.runs(),
        shard,
        start: start(args.resume, args.fresh),
        unit: "run",
        title: plan.scenarios.join(" vs "),
    };
    let Some(points) = run_saved(&out, &job, o)? else {
        out.finish()?;
        return Ok(());
    };
    let summary = UncertaintySummary::new(plan.clone(), &points);
    out.write(&results::uncertainty_files(&summary)?)?;
    let written = out.finish()?;
    if !o.quiet {
        say!("{}", results::console(&summary));
        sayln!();
    }
    wrote(&written, o.quiet)
}
