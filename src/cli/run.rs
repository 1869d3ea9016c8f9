//! `run`: one scenario over many replications.

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::common::{Replications, SimOptions, default_out, notes, warnings, wrote};
use crate::experiment;
use crate::report;
use crate::store::{Files, Output, Via};
use crate::text::plural;

/// `run` arguments.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Output folder [default: out/<scenario file stem>]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write incidents.csv: every incident of the first replication as a
    /// dispatch export (readable by `calibrate`).
    #[arg(long)]
    pub trace: bool,
    /// Trace the first N replications (incidents.csv, incidents-2.csv, …); implies --trace.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub trace_replications: Option<u32>,
    /// Replications.
    #[command(flatten)]
    pub replications: Replications,
    /// Simulation options.
    #[command(flatten)]
    pub options: SimOptions,
}

/// The name of the trace of replication `i`.
fn trace_name(i: u32) -> String {
    match i {
        0 => "incidents.csv".to_string(),
        _ => format!("incidents-{}.csv", i + 1),
    }
}

/// `crisis-sim run`.
pub fn run(args: &RunArgs) -> Result<(), CliError> {
    let o = &args.options;
    let sets = o.assignments(args.replications.replications);
    let (loaded, model) = experiment::load(&args.scenario, &sets)?;
    notes(&loaded.notes, None, o.quiet);
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.scenario, ""));
    let mut out = Output::whole(&dir, Via::Out, &loaded.paths())?;
    let provenance = experiment::provenance(&args.scenario, &loaded, &sets);
    let summary = experiment::run(&model, provenance, &o.run_options())?;
    out.write(&report::run_files(&summary)?)?;
    let traced = (args.trace_replications.or(args.trace.then_some(1)))
        .unwrap_or(0)
        .min(model.replications);
    // One replication's trace at a time: a city's year is ~440,000 rows.
    for i in 0..traced {
        let record = experiment::traced(&model, i);
        let (incidents, background) = (
            record.trace.as_deref().unwrap_or_default(),
            record.background_trace.as_deref().unwrap_or_default(),
        );
        let rows = crate::stats::trace::rows(&model, incidents, background);
        let mut files = Files::new();
        files.add(&trace_name(i), report::trace_csv(rows)?);
        out.write(&files)?;
    }
    let written = out.finish()?;
    if !o.quiet {
        sayln!(
            "{} — {} × {} after {} of warm-up (seed {}), {:.2} s\n",
            summary.scenario,
            plural(summary.replications, "replication"),
            plural(summary.days, "day"),
            plural(summary.warmup_days, "day"),
            summary.seed,
            summary.perf.wall_s
        );
        say!("{}", report::table(&summary.metrics, summary.dollar_year));
        if let Some(by) = report::priority_table(&summary) {
            sayln!("\nBy priority (1 most urgent):\n{by}");
        }
        sayln!();
    }
    warnings(report::warnings(&summary), o.quiet);
    wrote(&written, o.quiet)
}
