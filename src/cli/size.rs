//! `size`: the smallest value of a key (or cheapest grid point) that meets the targets.

use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use super::common::{Replications, SimOptions, default_out, notes, wrote};
use super::sweep::{axes, inputs};
use crate::experiment::size::{self, Question};
use crate::experiment::sweep;
use crate::report;
use crate::stats::size::Target;
use crate::store::{Output, Via};

/// `size` arguments.
#[derive(Debug, Args)]
pub struct SizeArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// The key to size and its range: KEY=A..B[:STEP] or KEY=a,b,c (repeatable with
    /// --minimize).
    #[arg(long, value_name = "KEY=VALUES", required = true)]
    pub vary: Vec<String>,
    /// What must hold: "METRIC <= X" (or <, >=, >), repeatable; all must hold.
    #[arg(long, value_name = "\"METRIC <= X\"", required = true)]
    pub target: Vec<String>,
    /// Confidence that each target holds (the one-sided bound, not the mean).
    #[arg(long, value_name = "P", default_value_t = 0.95)]
    pub confidence: f64,
    /// With several --vary keys: of the points that meet the targets, the one where
    /// this metric is lowest (e.g. cost_total).
    #[arg(long, value_name = "METRIC")]
    pub minimize: Option<String>,
    /// Output folder [default: out/<scenario file stem>-size]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replications each point starts with (a close point gets more, up to 8 times).
    #[command(flatten)]
    pub replications: Replications,
    /// Simulation options, applied at every point.
    #[command(flatten)]
    pub options: SimOptions,
}

/// `crisis-sim size`.
pub fn size(args: &SizeArgs) -> Result<(), CliError> {
    let o = &args.options;
    let axes = axes(&args.vary)?;
    let sets = o.assignments(args.replications.replications);
    let prepared = sweep::prepare(&args.scenario, &sets, axes)?;
    let targets = args
        .target
        .iter()
        .map(|t| Target::parse(t, &prepared.plan.metrics))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::Usage)?;
    let question = Question {
        targets,
        confidence: args.confidence,
        minimize: args.minimize.clone(),
    };
    question.check(&prepared)?;
    notes(&prepared.notes, None, o.quiet);
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.scenario, "-size"));
    let inputs = inputs(&prepared);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let mut out = Output::whole(&dir, Via::Out, &inputs)?;
    let result = size::size(&prepared, &question, &o.run_options())?;
    out.write(&report::size::size_files(&result)?)?;
    let written = out.finish()?;
    if !o.quiet {
        sayln!("{}", report::size::console(&result));
    }
    wrote(&written, o.quiet)
}
