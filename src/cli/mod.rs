//! The command line: the clap definition of every command, and the dispatch to the
//! file that runs it. Exit codes: 0 ok, 2 bad input (nothing written), 1 anything
//! else, 130 interrupted.

/// Prints to standard output; a full disk or a closed file is an error (exit 1), not a
/// panic. (A closed pipe ends the program quietly: SIGPIPE keeps its default.)
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::common::print_out(format_args!($($arg)*))?
    };
}

/// [`say!`] with a newline.
macro_rules! sayln {
    () => {
        $crate::cli::common::print_out(format_args!("\n"))?
    };
    ($($arg:tt)*) => {
        $crate::cli::common::print_out(format_args!("{}\n", format_args!($($arg)*)))?
    };
}

mod calibrate;
mod check;
mod common;
mod compare;
mod merge;
mod plan;
mod records;
mod report;
mod run;
mod serve;
mod size;
mod sweep;
mod uncertainty;
mod validate;

use clap::{Parser, Subcommand};

use crate::calibrate::CalibrateError;
use crate::experiment::ExperimentError;
use crate::report::ReportError;
use crate::store::StoreError;

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
    Run(run::RunArgs),
    /// Run several scenarios with the same seeds and report paired differences
    /// against the first (common random numbers).
    #[command(
        after_help = "Examples:\n  crisis-sim compare scenarios/mid-size-city.toml scenarios/mid-size-city-mobile-crisis.toml --out out/compare\n  \
                      crisis-sim compare scenarios/mid-size-city-mobile-crisis.toml --variant \"vans x1.5: responders.mobile_crisis.scale=1.5\" --variant \"demand +20 %: demand.scale=1.2\""
    )]
    Compare(compare::CompareArgs),
    /// Run a scenario at every point of a grid of values (same seeds at every point)
    /// and chart the metrics against them.
    #[command(
        after_help = "Examples:\n  crisis-sim sweep scenarios/mid-size-city-mobile-crisis.toml --vary responders.mobile_crisis.units=2..8 --out out/vans\n  \
                      crisis-sim sweep scenarios/mid-size-city-mobile-crisis.toml --vary responders.mobile_crisis.units=2..8:2 --vary demand.scale=1.0..1.2:0.1 --shard 0/2 --out out/shard0"
    )]
    Sweep(sweep::SweepArgs),
    /// Find the smallest value of a key (or the cheapest point of a grid) that meets
    /// every target with the given confidence.
    #[command(
        after_help = "Examples:\n  crisis-sim size scenarios/mid-size-city-mobile-crisis.toml --vary responders.mobile_crisis.units=2..12 --target \"response_time_p90_min <= 30\" --out out/size\n  \
                      crisis-sim size scenarios/mid-size-city-mobile-crisis.toml --vary responders.mobile_crisis.units=3..9:3 --vary responders.police.scale=0.9,1.0 --target \"response_time_p90_min <= 30\" --minimize cost_total --out out/size-grid"
    )]
    Size(size::SizeArgs),
    /// Find the cheapest roster of shifts for one responder kind whose target holds in
    /// every hour of the day (or every day, or overall), with the flat around-the-clock
    /// staffing that meets the same target for comparison.
    #[command(
        after_help = "Examples:\n  crisis-sim plan scenarios/mid-size-city-mobile-crisis.toml --kind mobile_crisis --shifts \"07:00/10h,11:00/10h,15:00/10h,19:00/10h,23:00/10h\" --target \"response_time_p90_min <= 20\" --out out/plan\n  \
                      crisis-sim plan scenarios/mid-size-city-mobile-crisis.toml --kind mobile_crisis --shifts \"07:00/10h,15:00/10h,23:00/10h\" --fix \"23:00/10h=18\" --target \"response_time_p90_min <= 20\" --budgets 99e6,100e6"
    )]
    Plan(plan::PlanArgs),
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
        after_help = "Example:\n  crisis-sim calibrate docs/example-cad.csv --column received=received --column dispatched=dispatched --column arrived=arrived --column cleared=cleared --column call_type=call_type --column agency=first_kind --column zone=zone --column x=x_km --column y=y_km --coordinates km --column disposition=disposition --column person=person --column priority=priority --crisis-type psychosis --crisis-type suicidal_ideation --crisis-type welfare_check --crisis-type intoxication --crisis-type crisis_with_weapon --population 700000 --out out/example-city"
    )]
    Calibrate(calibrate::CalibrateArgs),
    /// Put a scenario's simulated calls beside a city's dispatch records, by priority and
    /// block of the day: each interval's quantiles with the records' 95 % band, Q–Q
    /// charts, a verdict per figure, validation.json and a report.
    #[command(
        after_help = "Example:\n  crisis-sim validate docs/example-city.toml docs/example-cad.csv --column received=received --column dispatched=dispatched --column arrived=arrived --column cleared=cleared --column call_type=call_type --column priority=priority --column incident=incident --column units=units --self-initiated self_initiated=Y --crisis-type welfare_check --crisis-type suicidal_ideation --crisis-type psychosis --crisis-type intoxication --crisis-type crisis_with_weapon --out out/example-city-validation"
    )]
    Validate(validate::ValidateArgs),
    /// Join the folders of a sharded sweep or uncertainty analysis into one, as if it
    /// had run whole: the saved points, and every table, chart and report made from them.
    #[command(after_help = "Example:\n  crisis-sim merge out/shard0 out/shard1 --out out/vans")]
    Merge(merge::MergeArgs),
    /// Rebuild the charts, tables and report of a run, comparison, sweep or uncertainty
    /// folder from what it saved (summaries, or saved points), without simulating again;
    /// files you added to the folder are kept.
    #[command(after_help = "Example:\n  crisis-sim report out/mid-size-city")]
    Report(report::ReportArgs),
    /// A what-if page in the browser: change a scenario's levers and see the
    /// difference from the unchanged scenario, with 95 % intervals, in seconds.
    #[command(after_help = "Examples:\n  crisis-sim serve\n  \
                      crisis-sim serve scenarios/mid-size-city-mobile-crisis.toml scenarios/co-responder.toml --port 8090")]
    Serve(serve::ServeArgs),
    /// Validate scenarios without simulating (the work limits of a run are checked too).
    #[command(after_help = "Example:\n  crisis-sim check scenarios/*.toml")]
    Check(check::CheckArgs),
}

/// A failed command. Its exit code follows from its type, never from its text.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Flags that do not fit together or do not parse (exit 2, nothing written).
    #[error("{0}")]
    Usage(String),
    /// A run, comparison or analysis failed.
    #[error(transparent)]
    Experiment(#[from] ExperimentError),
    /// An output folder cannot be used or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A report cannot be made, or a saved result read back.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// Dispatch records cannot be read or fitted.
    #[error(transparent)]
    Calibrate(#[from] CalibrateError),
    /// The what-if page's server cannot start or stopped.
    #[error(transparent)]
    Serve(#[from] crate::serve::ServeError),
    /// Standard output cannot be written (a full disk, a closed file).
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
    /// Something that should never happen did: a bug to report.
    #[error("{0}, which is a bug in crisis-sim; please report it")]
    Bug(String),
}

impl CliError {
    /// The process exit code: 2 for bad input, 130 for an interruption, else 1.
    pub fn exit_code(&self) -> i32 {
        let input = match self {
            CliError::Usage(_) => true,
            CliError::Experiment(e) if e.is_interruption() => return 130,
            CliError::Experiment(e) => e.is_input(),
            CliError::Store(e) => e.is_input(),
            CliError::Report(e) => e.is_input(),
            CliError::Calibrate(e) if e.is_interruption() => return 130,
            CliError::Calibrate(e) => e.is_input(),
            CliError::Serve(e) => e.is_input(),
            CliError::Stdout(_) | CliError::Bug(_) => false,
        };
        if input { 2 } else { 1 }
    }
}

/// Runs a parsed command line.
pub fn execute(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Size(args) => size::size(&args),
        Command::Plan(args) => plan::plan(&args),
        Command::Uncertainty(args) => uncertainty::uncertainty(&args),
        Command::Calibrate(args) => calibrate::calibrate(&args),
        Command::Validate(args) => validate::validate_command(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Report(args) => report::report(&args),
        Command::Check(args) => check::check(&args),
        Command::Serve(args) => serve::serve(&args),
    }
}
