//! `run`: one scenario over many replications.

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::common::{Replications, SimOptions, default_out, notes, warnings, wrote};
use crate::experiment::partial::{self, Outcome, Partial};
use crate::experiment::{self, ExperimentError};
use crate::model::Model;
use crate::report;
use crate::stats::Provenance;
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
    /// Finish a run that was interrupted: keep the replications it saved in --out
    /// (partial.json) and run the rest.
    #[arg(long)]
    pub resume: bool,
    /// Discard the replications an interrupted run saved in --out and start over
    /// (without this or --resume, such a folder is refused).
    #[arg(long, conflicts_with = "resume")]
    pub fresh: bool,
    /// What to write: `all` (the numbers, charts and report) or `summary` (the
    /// numbers alone, for benchmarks and scripts; `crisis-sim report DIR` draws the
    /// rest later).
    #[arg(long, value_name = "WHAT", value_parser = ["all", "summary"], default_value = "all")]
    pub outputs: String,
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

/// The replications an interrupted run saved in the folder, when `--resume` asks for
/// them; a folder holding some is refused without `--resume` or `--fresh`.
fn earlier_replications(
    out: &Output,
    args: &RunArgs,
    model: &Model,
    provenance: &Provenance,
) -> Result<Option<Partial>, CliError> {
    let path = out.earlier().join(partial::FILE);
    if args.fresh || std::fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    let shown = out.shown().join(partial::FILE);
    let bad = |why: String| CliError::Usage(format!("{}: {why}", shown.display()));
    let text = report::read_saved(&path, 1 << 30)?;
    let saved: Partial = serde_json::from_str(&text)
        .map_err(|e| bad(format!("not the replications of an interrupted run: {e}")))?;
    if !args.resume {
        return Err(bad(format!(
            "holds {} of {} replications of an interrupted run of \"{}\": run with --resume \
             to finish it, or --fresh to discard them and start over",
            saved.replications.len(),
            saved.asked,
            saved.scenario
        )));
    }
    if !saved.belongs_to(model, provenance) {
        return Err(bad(
            "holds replications of another run (its scenario, overrides, seed, replications, \
             horizon or crisis-sim version differ): run the command that was interrupted with \
             --resume, or this one with --fresh"
                .into(),
        ));
    }
    Ok(Some(saved))
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
    let earlier = earlier_replications(&out, args, &model, &provenance)?;
    let summary = match partial::run(&model, provenance, &o.run_options(), earlier)? {
        Outcome::Done(summary) => summary,
        Outcome::Interrupted(kept) => {
            let bytes = crate::store::json(&kept);
            out.save_beside(partial::FILE, &bytes)?;
            return Err(ExperimentError::InterruptedKept {
                finished: kept.replications.len() as u64,
                total: u64::from(kept.asked),
                dir: out.shown().join(partial::FILE).display().to_string(),
            }
            .into());
        }
    };
    out.write(&if args.outputs == "summary" {
        report::summary_files(&summary)?
    } else {
        report::run_files(&summary)?
    })?;
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
