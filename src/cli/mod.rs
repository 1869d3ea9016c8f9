//! The command line: clap definitions with help text, and what each command does.
//! Exit codes: 0 ok, 2 bad input (nothing written), 1 anything else.

/// Prints to standard output; a full disk or a closed file is an error (exit 1), not a
/// panic. (A closed pipe ends the program quietly: SIGPIPE keeps its default.)
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::print_out(format_args!($($arg)*))?
    };
}

/// [`say!`] with a newline.
macro_rules! sayln {
    () => {
        $crate::cli::print_out(format_args!("\n"))?
    };
    ($($arg:tt)*) => {
        $crate::cli::print_out(format_args!("{}\n", format_args!($($arg)*)))?
    };
}

mod calibrate;
mod sizing;
mod uncertainty;

fn print_out(args: std::fmt::Arguments) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| out.flush())
        .map_err(|e| CliError::Other(format!("cannot write to standard output: {e}")))
}

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::experiment::{self, ExperimentError, RunOptions, compare::Prepared};
use crate::report;
use crate::report::folder::{FolderError, Lock, safe_name};
use crate::text::plural;

/// Simulate a city's mental-health crisis response.
#[derive(Debug, Parser)]
#[command(
    name = "crisis-sim",
    version,
    about,
    after_help = "Examples:\n  crisis-sim run scenarios/mid-size-city.toml\n  \
                  crisis-sim run scenarios/mid-size-city.toml --replications 50 --set responders.police.absence=0.1\n  \
                  crisis-sim compare scenarios/mid-size-city.toml scenarios/mid-size-city-mobile-crisis.toml\n  \
                  crisis-sim check scenarios/*.toml"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario over many replications and write summary files.
    #[command(
        after_help = "Example:\n  crisis-sim run scenarios/mid-size-city.toml --out out/baseline --replications 50"
    )]
    Run(RunArgs),
    /// Run several scenarios with the same seeds and report paired differences
    /// against the first (common random numbers).
    #[command(
        after_help = "Examples:\n  crisis-sim compare scenarios/mid-size-city.toml scenarios/mid-size-city-mobile-crisis.toml --out out/compare\n  \
                      crisis-sim compare scenarios/mid-size-city-mobile-crisis.toml --variant \"vans x1.5: responders.mobile_crisis.scale=1.5\" --variant \"demand +20 %: demand.scale=1.2\""
    )]
    Compare(CompareArgs),
    /// Run a scenario at every point of a grid of values (same seeds at every point)
    /// and chart the metrics against them.
    #[command(
        after_help = "Examples:\n  crisis-sim sweep scenarios/mid-size-city-mobile-crisis.toml --vary responders.mobile_crisis.units=2..8 --out out/vans\n  \
                      crisis-sim sweep scenarios/mid-size-city-mobile-crisis.toml --vary responders.mobile_crisis.units=2..8:2 --vary demand.scale=1.0..1.2:0.1 --shard 0/2 --out out/shard0"
    )]
    Sweep(sizing::SweepArgs),
    /// Find the smallest value of a key (or the cheapest point of a grid) that meets
    /// every target with the given confidence.
    #[command(
        after_help = "Examples:\n  crisis-sim size scenarios/mid-size-city-mobile-crisis.toml --vary responders.mobile_crisis.units=2..12 --target \"response_time_p90_min <= 30\" --out out/size\n  \
                      crisis-sim size scenarios/mid-size-city-mobile-crisis.toml --vary responders.mobile_crisis.units=3..9:3 --vary responders.police.scale=0.9,1.0 --target \"response_time_p90_min <= 30\" --minimize cost_total --out out/size-grid"
    )]
    Size(sizing::SizeArgs),
    /// Probabilistic sensitivity analysis: draw the scenarios' [uncertainty] inputs
    /// (Latin hypercube), run every scenario at each draw on common random numbers, and
    /// report each difference's spread and the probability it is below zero.
    #[command(
        after_help = "Examples:\n  crisis-sim uncertainty scenarios/mid-size-city.toml scenarios/mid-size-city-mobile-crisis.toml --draws 200 --tornado --out out/psa\n  \
                      crisis-sim uncertainty scenarios/mid-size-city-mobile-crisis.toml --draws 100 --replications-per-draw 3 --tornado emergency_department"
    )]
    Uncertainty(uncertainty::UncertaintyArgs),
    /// Write a scenario from a city's dispatch (CAD) export: rates, hourly and weekly
    /// profiles, call types, scene times, travel, background load and repeat crises, each
    /// with the records it rests on, and a calibration report.
    #[command(
        after_help = "Example:\n  crisis-sim calibrate docs/example-cad.csv --column received=received --column dispatched=dispatched --column arrived=arrived --column cleared=cleared --column call_type=call_type --column agency=first_kind --column zone=zone --column x=x_km --column y=y_km --coordinates km --column disposition=disposition --column person=person --column priority=priority --crisis-type psychosis --crisis-type suicidal_ideation --crisis-type welfare_check --crisis-type intoxication --crisis-type crisis_with_weapon --population 700000 --out out/example-city.toml"
    )]
    Calibrate(calibrate::CalibrateArgs),
    /// Join the folders of a sharded sweep or uncertainty analysis into one, as if it
    /// had run whole.
    #[command(after_help = "Example:\n  crisis-sim merge out/shard0 out/shard1 --out out/vans")]
    Merge(sizing::MergeArgs),
    /// Rebuild the charts, tables and report of a run or comparison folder from its
    /// saved summaries, without simulating again.
    #[command(after_help = "Example:\n  crisis-sim report out/mid-size-city")]
    Report {
        /// A folder written by `run` (with summary.json) or `compare` (with comparison.json).
        dir: PathBuf,
    },
    /// Validate scenarios without simulating.
    #[command(after_help = "Example:\n  crisis-sim check scenarios/*.toml")]
    Check {
        /// Scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Override a key before validating (see `run --help`).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
}

/// Options of every command that simulates.
#[derive(Debug, Args)]
pub struct SimOptions {
    /// Output folder [default: out/<scenario file stem>]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replications (overrides scenario.replications).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub replications: Option<u32>,
    /// Master seed (overrides scenario.seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Measured days (overrides scenario.days).
    #[arg(long, value_name = "D", value_parser = positive_days)]
    pub days: Option<f64>,
    /// Override any scenario key; tables in arrays are addressed by name,
    /// e.g. --set responders.police.absence=0.1 --set call_types.psychosis.share=0.2
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Worker threads, 1 to 1024 [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `--days`: a number of days above 0.
fn positive_days(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(d) if d.is_finite() && d > 0.0 => Ok(d),
        _ => Err(format!(
            "`{text}` is not a number of days above 0, e.g. 365"
        )),
    }
}

impl SimOptions {
    /// The `--set` list with the shorthand flags appended (they win).
    fn assignments(&self) -> Vec<String> {
        let mut sets = self.set.clone();
        if let Some(n) = self.replications {
            sets.push(format!("scenario.replications={n}"));
        }
        if let Some(s) = self.seed {
            // A string, since TOML integers stop short of the largest seeds.
            sets.push(format!("scenario.seed=\"{s}\""));
        }
        if let Some(d) = self.days {
            sets.push(format!("scenario.days={d:?}"));
        }
        sets
    }
}

/// `run` arguments.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Also write incidents.csv: every incident of the first replication as a
    /// dispatch export (readable by `calibrate`).
    #[arg(long)]
    pub trace: bool,
    /// Trace the first N replications (incidents.csv, incidents-2.csv, …); implies --trace.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub trace_replications: Option<u32>,
    /// Simulation options.
    #[command(flatten)]
    pub options: SimOptions,
}

/// `compare` arguments.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario files; the first is the baseline.
    #[arg(required = true, num_args = 1..)]
    pub scenarios: Vec<PathBuf>,
    /// A named variant of the baseline: "NAME: KEY=VALUE; KEY=VALUE" (repeatable).
    /// `--set` applies to every scenario and variant, a variant's keys only to it.
    #[arg(long, value_name = "NAME: K=V; K=V")]
    pub variant: Vec<String>,
    /// Simulation options, applied to every scenario. Seed and replications default
    /// to the baseline's, so that all scenarios share their random numbers.
    #[command(flatten)]
    pub options: SimOptions,
}

/// A failed command: bad input (exit 2) or anything else (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The user's input is wrong; nothing was written.
    #[error("{0}")]
    Input(String),
    /// Something else failed (e.g. writing output).
    #[error("{0}")]
    Other(String),
    /// Ctrl-C or SIGTERM (exit 130, as shells report an interrupted program).
    #[error("{0}")]
    Interrupted(String),
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) => 2,
            CliError::Other(_) => 1,
            CliError::Interrupted(_) => 130,
        }
    }
}

impl From<ExperimentError> for CliError {
    fn from(e: ExperimentError) -> Self {
        match e {
            ExperimentError::Input(m) => CliError::Input(m),
            // The scenario's own durations make the loop: bad input, nothing written.
            ExperimentError::Storm { .. } => CliError::Input(e.to_string()),
            ExperimentError::Interrupted { .. } => {
                CliError::Interrupted(format!("{e}; any earlier results are untouched"))
            }
            other => CliError::Other(other.to_string()),
        }
    }
}

impl From<FolderError> for CliError {
    fn from(e: FolderError) -> Self {
        match e {
            FolderError::Unusable { .. } => CliError::Input(e.to_string()),
            FolderError::Busy(_) => CliError::Other(e.to_string()),
        }
    }
}

/// Runs a parsed command line.
pub fn execute(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => run(&args),
        Command::Compare(args) => compare(&args),
        Command::Sweep(args) => sizing::sweep(&args),
        Command::Size(args) => sizing::size(&args),
        Command::Uncertainty(args) => uncertainty::uncertainty(&args),
        Command::Calibrate(args) => calibrate::calibrate(&args),
        Command::Merge(args) => sizing::merge(&args),
        Command::Report { dir } => rebuild(&dir),
        Command::Check { scenarios, set } => check(&scenarios, &set),
    }
}

/// A scenario file's stem, safe as a folder name.
fn stem(scenario: &Path) -> String {
    safe_name(
        &scenario
            .file_stem()
            .map_or(String::new(), |s| s.to_string_lossy().to_string()),
    )
}

fn default_out(scenario: &Path) -> PathBuf {
    Path::new("out").join(stem(scenario))
}

fn run_options(o: &SimOptions) -> RunOptions {
    RunOptions {
        threads: o.threads.map(usize::from),
        progress: !o.quiet,
    }
}

fn write_error(out: &Path) -> impl Fn(std::io::Error) -> CliError + '_ {
    move |e| CliError::Other(format!("{}: cannot write results: {e}", out.display()))
}

fn run(args: &RunArgs) -> Result<(), CliError> {
    let o = &args.options;
    let sets = o.assignments();
    let (loaded, model) = experiment::load(&args.scenario, &sets)?;
    if !o.quiet {
        for n in &loaded.notes {
            eprintln!("note: {n}");
        }
    }
    let out = o.out.clone().unwrap_or_else(|| default_out(&args.scenario));
    let lock = Lock::take(&out)?;
    let provenance = experiment::provenance(&args.scenario, &loaded, &sets);
    let summary = experiment::run(&model, provenance, &run_options(o))?;
    let traced = (args.trace_replications.or(args.trace.then_some(1)))
        .unwrap_or(0)
        .min(model.replications);
    let written = lock
        .replace(|dir| {
            let mut files = report::write_run(dir, &summary)?;
            // One replication's trace at a time: a city's year is ~440,000 rows.
            for i in 0..traced {
                let record = experiment::traced(&model, i);
                let (incidents, background) = (
                    record.trace.as_deref().unwrap_or_default(),
                    record.background_trace.as_deref().unwrap_or_default(),
                );
                let name = match i {
                    0 => "incidents.csv".to_string(),
                    _ => format!("incidents-{}.csv", i + 1),
                };
                let rows = crate::stats::trace::rows(&model, incidents, background);
                files.push(report::write_trace(dir, &name, rows)?);
            }
            Ok(files)
        })
        .map_err(write_error(&out))?;
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
        say!("{}", report::table(&summary.metrics));
        for w in [
            report::warmup_warning(&summary),
            report::overload_warning(&summary),
        ]
        .into_iter()
        .flatten()
        {
            eprintln!("\nwarning: {w}");
        }
        sayln!();
        sayln!(
            "wrote {} to {} (open report.html)",
            plural(written.len() as u32, "file"),
            out.display()
        );
    }
    Ok(())
}

fn compare_out(prepared: &Prepared) -> PathBuf {
    let mut stems: Vec<String> = prepared
        .scenarios
        .iter()
        .map(|(p, _, _, _)| stem(p))
        .collect();
    stems.dedup();
    Path::new("out").join(format!("compare-{}", stems.join("-vs-")))
}

fn compare(args: &CompareArgs) -> Result<(), CliError> {
    let o = &args.options;
    let variants = args
        .variant
        .iter()
        .map(|v| experiment::compare::Variant::parse(v))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::Input)?;
    if args.scenarios.len() + variants.len() < 2 {
        return Err(CliError::Input(
            "compare needs a second scenario file or a --variant of the first".into(),
        ));
    }
    let prepared = experiment::compare::prepare(&args.scenarios, &o.assignments(), &variants)?;
    if !o.quiet {
        for (_, loaded, model, _) in &prepared.scenarios {
            for n in &loaded.notes {
                eprintln!("note ({}): {n}", model.name);
            }
        }
    }
    let out = o.out.clone().unwrap_or_else(|| compare_out(&prepared));
    let lock = Lock::take(&out)?;
    let comparison = experiment::compare::compare(&prepared, &run_options(o))?;
    let written = lock
        .replace(|dir| report::compare::write_compare(dir, &comparison))
        .map_err(write_error(&out))?;
    if !o.quiet {
        say!("{}", report::compare::console(&comparison));
        for s in &comparison.summaries {
            for w in [report::warmup_warning(s), report::overload_warning(s)]
                .into_iter()
                .flatten()
            {
                eprintln!("warning: {w}");
            }
        }
        sayln!(
            "\nwrote {} to {} (open report.html)",
            plural(written.len() as u32, "file"),
            out.display()
        );
    }
    Ok(())
}

/// `report DIR`: the files of a run or a comparison, made again from its summaries.
fn rebuild(dir: &Path) -> Result<(), CliError> {
    if dir.join("plan.json").is_file() {
        // A sweep or an uncertainty analysis: made again from its saved points.
        let args = sizing::MergeArgs {
            dirs: vec![dir.to_path_buf()],
            out: dir.to_path_buf(),
        };
        return sizing::merge(&args);
    }
    let lock = Lock::take(dir)?;
    let written = if dir.join("comparison.json").is_file() {
        let c = report::compare::read_comparison(dir).map_err(CliError::Input)?;
        lock.replace(|d| report::compare::write_compare(d, &c))
            .map_err(write_error(dir))?
    } else if dir.join("summary.json").is_file() {
        let s = report::read_summary(dir).map_err(CliError::Input)?;
        lock.replace(|d| {
            let mut files = report::write_run(d, &s)?;
            // Traces are not made from the summary: keep them.
            for entry in std::fs::read_dir(dir)?.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if name.starts_with("incidents") && name.ends_with(".csv") {
                    std::fs::copy(entry.path(), d.join(&name))?;
                    files.push(d.join(name));
                }
            }
            Ok(files)
        })
        .map_err(write_error(dir))?
    } else {
        return Err(CliError::Input(format!(
            "{}: has neither summary.json (from `run`), comparison.json (from `compare`) nor \
             plan.json (from `sweep` or `uncertainty`)",
            dir.display()
        )));
    };
    sayln!(
        "wrote {} to {} from its saved summaries",
        plural(written.len() as u32, "file"),
        dir.display()
    );
    Ok(())
}

/// Kinds whose background work alone asks more unit-time than their staffed units give.
fn background_overload(m: &crate::model::Model) -> Vec<String> {
    m.kinds
        .iter()
        .filter_map(|k| {
            let b = k.background.as_ref()?;
            let offered = b.rate * b.service.mean();
            let capacity = k.schedule.mean_units() * (1.0 - k.absence);
            (offered >= capacity).then(|| {
                format!(
                    "`{}`'s background work alone keeps {offered:.1} units busy on average, \
                     but only {capacity:.1} are staffed: its queue will grow without bound",
                    k.name
                )
            })
        })
        .collect()
}

fn check(scenarios: &[PathBuf], sets: &[String]) -> Result<(), CliError> {
    let mut failures = Vec::new();
    for path in scenarios {
        match experiment::load(path, sets) {
            Ok((_, m)) => {
                sayln!(
                    "ok  {}: {}, {}, {}, {:.1} crises a day",
                    path.display(),
                    plural(m.zones.len() as u32, "zone"),
                    plural(m.kinds.len() as u32, "responder kind"),
                    plural(m.call_types.len() as u32, "call type"),
                    m.mean_crises_per_day()
                );
                for w in background_overload(&m) {
                    eprintln!("warning: {}: {w}", path.display());
                }
            }
            Err(e) => failures.push(e.to_string()),
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(CliError::Input(failures.join("\n")))
    }
}
