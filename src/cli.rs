//! The command line: clap definitions with help text, and what each command does.
//! Exit codes: 0 ok, 2 bad input (nothing written), 1 anything else.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::experiment::{self, RunOptions};
use crate::model::{self, Model};
use crate::report::{self, html::Provenance};
use crate::scenario;

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
        after_help = "Example:\n  crisis-sim compare scenarios/mid-size-city.toml scenarios/mid-size-city-mobile-crisis.toml --out out/compare"
    )]
    Compare(CompareArgs),
    /// Validate scenarios without simulating.
    #[command(
        after_help = "Example:\n  crisis-sim compare scenarios/mid-size-city.toml scenarios/mid-size-city-mobile-crisis.toml\n  \
                  crisis-sim check scenarios/*.toml"
    )]
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
    #[arg(long, value_name = "N")]
    pub replications: Option<u32>,
    /// Master seed (overrides scenario.seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Measured days (overrides scenario.days).
    #[arg(long, value_name = "D")]
    pub days: Option<f64>,
    /// Override any scenario key; tables in arrays are addressed by name,
    /// e.g. --set responders.police.absence=0.1 --set call_types.psychosis.share=0.2
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl SimOptions {
    /// The `--set` list with the shorthand flags appended (they win).
    fn assignments(&self) -> Vec<String> {
        let mut sets = self.set.clone();
        if let Some(n) = self.replications {
            sets.push(format!("scenario.replications={n}"));
        }
        if let Some(s) = self.seed {
            sets.push(format!("scenario.seed={s}"));
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
    /// Simulation options.
    #[command(flatten)]
    pub options: SimOptions,
}

/// `compare` arguments.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario files; the first is the baseline.
    #[arg(required = true, num_args = 2..)]
    pub scenarios: Vec<PathBuf>,
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
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) => 2,
            CliError::Other(_) => 1,
        }
    }
}

/// Loads and validates a scenario.
pub fn load_model(path: &Path, sets: &[String]) -> Result<(scenario::Loaded, Model), CliError> {
    let loaded = scenario::load(path, sets).map_err(|e| CliError::Input(e.to_string()))?;
    let model = model::build(&loaded).map_err(|e| CliError::Input(e.to_string()))?;
    Ok((loaded, model))
}

/// Runs a parsed command line.
pub fn execute(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => run(&args),
        Command::Compare(args) => compare(&args),
        Command::Check { scenarios, set } => check(&scenarios, &set),
    }
}

fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map_or("scenario".into(), |s| s.to_string_lossy());
    Path::new("out").join(stem.as_ref())
}

fn check_out(out: &Path) -> Result<(), CliError> {
    if out.exists() && !out.is_dir() {
        return Err(CliError::Input(format!(
            "--out {}: exists and is not a folder",
            out.display()
        )));
    }
    Ok(())
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
    let (loaded, model) = load_model(&args.scenario, &sets)?;
    let out = o.out.clone().unwrap_or_else(|| default_out(&args.scenario));
    check_out(&out)?;
    let result = experiment::replicate(&model, &run_options(o))
        .map_err(|e| CliError::Other(e.to_string()))?;
    let provenance = Provenance {
        file: args.scenario.display().to_string(),
        text: &loaded.text,
        bases: &loaded.bases,
        overrides: &sets,
        model: &model,
        wall_s: result.wall_s,
        events: result.events(),
    };
    let summarized = report::summarize(&model, &result);
    let written =
        report::write_run(&out, &provenance, &result, &summarized).map_err(write_error(&out))?;
    if !o.quiet {
        let estimates = &summarized.1;
        println!(
            "{} — {} replications × {} days after {} warm-up days (seed {}), {:.2} s\n",
            model.name,
            model.replications,
            model.days,
            model.warmup_days,
            model.seed,
            result.wall_s
        );
        print!("{}", report::table(estimates));
        println!();
        println!(
            "wrote {} files to {} (open report.html)",
            written.len(),
            out.display()
        );
    }
    Ok(())
}

fn compare(args: &CompareArgs) -> Result<(), CliError> {
    let o = &args.options;
    let sets = o.assignments();
    let mut loaded = Vec::new();
    let mut models: Vec<Model> = Vec::new();
    for path in &args.scenarios {
        let (l, mut m) = load_model(path, &sets)?;
        // Every scenario runs with the baseline's seed and replications, so that they
        // share their random numbers.
        if let Some(first) = models.first() {
            m.seed = first.seed;
            m.replications = first.replications;
        }
        loaded.push(l);
        models.push(m);
    }
    let stems: Vec<String> = args
        .scenarios
        .iter()
        .map(|p| {
            p.file_stem()
                .map_or("scenario".into(), |s| s.to_string_lossy().to_string())
        })
        .collect();
    let out = o
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(format!("compare-{}", stems.join("-vs-"))));
    check_out(&out)?;
    let mut runs = Vec::new();
    for m in &models {
        runs.push(
            experiment::replicate(m, &run_options(o))
                .map_err(|e| CliError::Other(e.to_string()))?,
        );
    }
    let entries: Vec<report::compare::Entry<'_>> = args
        .scenarios
        .iter()
        .zip(&loaded)
        .zip(models.iter().zip(&runs))
        .map(|((path, l), (m, r))| report::compare::Entry {
            provenance: Provenance {
                file: path.display().to_string(),
                text: &l.text,
                bases: &l.bases,
                overrides: &sets,
                model: m,
                wall_s: r.wall_s,
                events: r.events(),
            },
            run: r,
        })
        .collect();
    let comparison = report::compare::compare(&entries);
    let written =
        report::compare::write_compare(&out, &entries, &comparison).map_err(write_error(&out))?;
    if !o.quiet {
        print!("{}", report::compare::console(&entries, &comparison));
        println!(
            "\nwrote {} files to {} (open report.html)",
            written.len(),
            out.display()
        );
    }
    Ok(())
}

fn check(scenarios: &[PathBuf], sets: &[String]) -> Result<(), CliError> {
    let mut failures = Vec::new();
    for path in scenarios {
        match load_model(path, sets) {
            Ok((_, m)) => println!(
                "ok  {}: {} zones, {} responder kinds, {} call types, {:.1} crises a day",
                path.display(),
                m.zones.len(),
                m.kinds.len(),
                m.call_types.len(),
                m.mean_crises_per_day()
            ),
            Err(e) => failures.push(e.to_string()),
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(CliError::Input(failures.join("\n")))
    }
}
