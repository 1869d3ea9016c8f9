//! `sweep`, `size` and `merge`: the sizing commands.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{CliError, SimOptions, default_out, run_options, write_error};
use crate::experiment::size::{self, Question};
use crate::experiment::sweep::{self, Prepared, Shard, SweepError};
use crate::report::folder::Lock;
use crate::report::sweep::{self as store, StoreError};
use crate::report::{self, align, human, interval};
use crate::stats::size::Target;
use crate::stats::sweep::{Axis, SweepSummary};
use crate::text::plural;

/// `sweep` arguments.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// A key and its values: KEY=A..B[:STEP] or KEY=a,b,c (repeatable: a grid).
    #[arg(long, value_name = "KEY=VALUES", required = true)]
    pub vary: Vec<String>,
    /// Run only shard I of N (points I, I+N, …); `auto` reads a Slurm job array's
    /// SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT. Join shards with `merge`.
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
    /// Keep the points already saved in --out by the same sweep and run the rest.
    #[arg(long)]
    pub resume: bool,
    /// Simulation options, applied at every point.
    #[command(flatten)]
    pub options: SimOptions,
}

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
    /// Simulation options, applied at every point.
    #[command(flatten)]
    pub options: SimOptions,
}

/// `merge` arguments.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Folders written by `sweep --shard`.
    #[arg(required = true, num_args = 1..)]
    pub dirs: Vec<PathBuf>,
    /// Where to write the whole sweep.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: PathBuf,
}

fn store_error(e: StoreError) -> CliError {
    match e {
        StoreError::Input(m) => CliError::Input(m),
        StoreError::Io(m) => CliError::Other(m),
    }
}

fn axes(vary: &[String]) -> Result<Vec<Axis>, CliError> {
    vary.iter()
        .map(|v| sweep::parse_vary(v).map_err(CliError::Input))
        .collect()
}

fn print_notes(prepared: &Prepared, quiet: bool) {
    if !quiet {
        for n in &prepared.notes {
            eprintln!("note: {n}");
        }
    }
}

fn out_folder(o: &SimOptions, scenario: &Path, suffix: &str) -> PathBuf {
    o.out.clone().unwrap_or_else(|| {
        let mut out = default_out(scenario).into_os_string();
        out.push(suffix);
        PathBuf::from(out)
    })
}

/// `crisis-sim sweep`.
pub fn sweep(args: &SweepArgs) -> Result<(), CliError> {
    let o = &args.options;
    let axes = axes(&args.vary)?;
    let shard = args
        .shard
        .as_deref()
        .map(Shard::parse)
        .transpose()
        .map_err(CliError::Input)?;
    let prepared = sweep::prepare(&args.scenario, &o.assignments(), axes)?;
    print_notes(&prepared, o.quiet);
    let out = out_folder(o, &args.scenario, "-sweep");
    // Points are saved in place as they finish (so a sweep can resume): the folder is
    // locked, not replaced.
    let _lock = Lock::take(&out)?;
    let done = store::open(&out, &prepared.plan, args.resume).map_err(store_error)?;
    let mine: Vec<usize> = (0..prepared.plan.points())
        .filter(|i| shard.is_none_or(|s| s.has(*i)))
        .collect();
    let pending: Vec<usize> = mine.iter().copied().filter(|i| !done.contains(i)).collect();
    if !o.quiet {
        eprintln!(
            "{}: {} × {}{}; {} to run{}",
            prepared.plan.scenario,
            plural(prepared.plan.points() as u32, "point"),
            plural(prepared.plan.replications, "replication"),
            shard.map_or(String::new(), |s| format!(
                ", shard {}/{} has {}",
                s.index,
                s.count,
                mine.len()
            )),
            pending.len(),
            if pending.len() < mine.len() {
                format!(" ({} already saved)", mine.len() - pending.len())
            } else {
                String::new()
            }
        );
    }
    sweep::run_points(&prepared, &pending, &run_options(o), |p| {
        store::save_point(&out, &p)
    })
    .map_err(|e| match e {
        SweepError::Experiment(e) => CliError::from(e),
        SweepError::Saving(e) => store_error(e),
    })?;
    finish_sweep(&prepared, &out, o.quiet)
}

/// Writes the sweep's results once every point is saved; a shard says how to finish.
fn finish_sweep(prepared: &Prepared, out: &Path, quiet: bool) -> Result<(), CliError> {
    let plan = &prepared.plan;
    let points = store::read_points(out, plan).map_err(store_error)?;
    if points.len() < plan.points() {
        if !quiet {
            sayln!(
                "saved {} of {} points to {}; when every shard has finished, join them with \
                 `crisis-sim merge SHARD_DIR... --out DIR`",
                points.len(),
                plan.points(),
                out.display()
            );
        }
        return Ok(());
    }
    let summary = SweepSummary::new(plan.clone(), &points);
    let written = store::write_sweep(out, &summary).map_err(store_error)?;
    if !quiet {
        say!("{}", sweep_console(&summary));
        sayln!(
            "\nwrote {} to {} (open report.html)",
            plural(written.len() as u32, "file"),
            out.display()
        );
    }
    Ok(())
}

fn sweep_console(s: &SweepSummary) -> String {
    let metrics = [
        "response_time_mean_min",
        "response_time_p90_min",
        "cost_total",
    ];
    let mut rows = vec![
        s.plan
            .axes
            .iter()
            .map(|a| a.key.clone())
            .chain(metrics.iter().map(|m| m.to_string()))
            .collect::<Vec<_>>(),
    ];
    for p in &s.points {
        let row = p.values.values().cloned().chain(metrics.iter().map(|m| {
            let e = &p.metrics[*m];
            format!("{} {}", human(e.mean), interval(e))
        }));
        rows.push(row.collect());
    }
    let right = vec![true; rows[0].len()];
    format!("\n{}\n{}", align(&rows, &right), report::INTERVALS)
}

/// `crisis-sim size`.
pub fn size(args: &SizeArgs) -> Result<(), CliError> {
    let o = &args.options;
    let axes = axes(&args.vary)?;
    let prepared = sweep::prepare(&args.scenario, &o.assignments(), axes)?;
    let targets = args
        .target
        .iter()
        .map(|t| Target::parse(t, &prepared.plan.metrics))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::Input)?;
    let question = Question {
        targets,
        confidence: args.confidence,
        minimize: args.minimize.clone(),
    };
    question.check(&prepared)?;
    print_notes(&prepared, o.quiet);
    let out = out_folder(o, &args.scenario, "-size");
    let lock = Lock::take(&out)?;
    let result = size::size(&prepared, &question, &run_options(o))?;
    let written = lock
        .replace(|dir| report::size::write_size(dir, &result))
        .map_err(write_error(&out))?;
    if !o.quiet {
        sayln!("{}", report::size::console(&result));
        sayln!(
            "wrote {} to {} (open report.html)",
            plural(written.len() as u32, "file"),
            out.display()
        );
    }
    Ok(())
}

/// `crisis-sim merge`.
pub fn merge(args: &MergeArgs) -> Result<(), CliError> {
    let lock = Lock::take(&args.out)?;
    let (plan, points) = store::gather(&args.dirs).map_err(store_error)?;
    let written = lock
        .replace(|dir| {
            store::write_whole(dir, &plan, &points)
                .map_err(|e| std::io::Error::other(e.to_string()))
        })
        .map_err(write_error(&args.out))?;
    sayln!(
        "merged {} from {} into {}: wrote {} (open report.html)",
        plural(plan.points() as u32, "point"),
        plural(args.dirs.len() as u32, "folder"),
        args.out.display(),
        plural(written.len() as u32, "file")
    );
    Ok(())
}
