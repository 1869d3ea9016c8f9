//! `sweep`, `size` and `merge`: the sizing commands.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{CliError, SimOptions, default_out, run_options, write_error};
use crate::experiment::ExperimentError;
use crate::experiment::size::{self, Question};
use crate::experiment::sweep::{self, Prepared, Runs, Shard, SweepError, run_each};
use crate::report::folder::Lock;
use crate::report::store::{self, Plan, StoreError};
use crate::report::sweep as results;
use crate::report::uncertainty as uncertain_results;
use crate::report::{self, align, human, interval};
use crate::stats::size::Target;
use crate::stats::sweep::{Axis, SweepPlan, SweepPoint, SweepSummary};
use crate::stats::uncertainty::UncertaintyPlan;
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
    /// Folders written by `sweep --shard` or `uncertainty --shard`.
    #[arg(required = true, num_args = 1..)]
    pub dirs: Vec<PathBuf>,
    /// Where to write the whole sweep.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: PathBuf,
}

pub(super) fn store_error(e: StoreError) -> CliError {
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

pub(super) fn out_folder(o: &SimOptions, scenario: &Path, suffix: &str) -> PathBuf {
    o.out.clone().unwrap_or_else(|| {
        let mut out = default_out(scenario).into_os_string();
        out.push(suffix);
        PathBuf::from(out)
    })
}

/// An experiment of independent runs saved in a folder: which shard to run, whether to
/// resume, and the options.
pub(super) struct Saved<'a> {
    pub shard: Option<&'a str>,
    pub resume: bool,
    pub options: &'a SimOptions,
    /// What one run is called ("point", "run").
    pub unit: &'static str,
}

/// Runs the points of `plan` that this shard owns and `out` does not hold yet, saving
/// each as it finishes (the folder is locked, not replaced, so a run can resume). Returns
/// every saved point once all are there; else says how to finish and returns `None`.
pub(super) fn run_saved<P: Plan>(
    out: &Path,
    title: &str,
    plan: &P,
    runs: &Runs<'_>,
    how: &Saved<'_>,
) -> Result<Option<Vec<SweepPoint>>, CliError> {
    let shard = how
        .shard
        .map(Shard::parse)
        .transpose()
        .map_err(CliError::Input)?;
    let _lock = Lock::take(out)?;
    let done = store::open(out, plan, how.resume).map_err(store_error)?;
    let mine: Vec<usize> = (0..plan.points())
        .filter(|i| shard.is_none_or(|s| s.has(*i)))
        .collect();
    let pending: Vec<usize> = mine.iter().copied().filter(|i| !done.contains(i)).collect();
    let o = how.options;
    if !o.quiet {
        eprintln!(
            "{title}: {} × {}{}; {} to run{}",
            plural(plan.points() as u32, how.unit),
            plural(plan.replications(), "replication"),
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
    run_each(runs, &pending, &run_options(o), |p| {
        store::save_point(out, &p)
    })
    .map_err(|e| match e {
        // The points that finished are saved: say how to go on from them.
        SweepError::Experiment(ExperimentError::Interrupted { .. }) => {
            CliError::Interrupted(format!(
                "interrupted; the {}s finished so far are saved in {}: run the same command \
             with --resume to go on",
                how.unit,
                out.display()
            ))
        }
        SweepError::Experiment(e) => CliError::from(e),
        SweepError::Saving(e) => store_error(e),
    })?;
    let points = store::read_points(out, plan).map_err(store_error)?;
    if points.len() < plan.points() {
        if !o.quiet {
            sayln!(
                "saved {} of {} {}s to {}; when every shard has finished, join them with \
                 `crisis-sim merge SHARD_DIR... --out DIR`",
                points.len(),
                plan.points(),
                how.unit,
                out.display()
            );
        }
        return Ok(None);
    }
    Ok(Some(points))
}

/// `crisis-sim sweep`.
pub fn sweep(args: &SweepArgs) -> Result<(), CliError> {
    let o = &args.options;
    let axes = axes(&args.vary)?;
    let prepared = sweep::prepare(&args.scenario, &o.assignments(), axes)?;
    print_notes(&prepared, o.quiet);
    let out = out_folder(o, &args.scenario, "-sweep");
    let plan = &prepared.plan;
    let runs = prepared.runs();
    let how = Saved {
        shard: args.shard.as_deref(),
        resume: args.resume,
        options: o,
        unit: "point",
    };
    let Some(points) = run_saved(&out, &plan.scenario, plan, &runs, &how)? else {
        return Ok(());
    };
    let summary = SweepSummary::new(plan.clone(), &points);
    let written = results::write_sweep(&out, &summary).map_err(store_error)?;
    if !o.quiet {
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

/// `crisis-sim merge`: the folders' plan says whether they hold a sweep or an
/// uncertainty analysis.
pub fn merge(args: &MergeArgs) -> Result<(), CliError> {
    let lock = Lock::take(&args.out)?;
    let psa = (args.dirs.first()).is_some_and(|d| store::holds::<UncertaintyPlan>(d));
    let (points, written) = if psa {
        let (plan, points) = store::gather::<UncertaintyPlan>(&args.dirs).map_err(store_error)?;
        let written = lock.replace(|dir| {
            uncertain_results::write_whole(dir, &plan, &points)
                .map_err(|e| std::io::Error::other(e.to_string()))
        });
        (points.len(), written)
    } else {
        let (plan, points) = store::gather::<SweepPlan>(&args.dirs).map_err(store_error)?;
        let written = lock.replace(|dir| {
            results::write_whole(dir, &plan, &points)
                .map_err(|e| std::io::Error::other(e.to_string()))
        });
        (points.len(), written)
    };
    let written = written.map_err(write_error(&args.out))?;
    sayln!(
        "merged {} from {} into {}: wrote {} (open report.html)",
        plural(points as u32, if psa { "run" } else { "point" }),
        plural(args.dirs.len() as u32, "folder"),
        args.out.display(),
        plural(written.len() as u32, "file")
    );
    Ok(())
}
