//! `validate`: a scenario's simulated calls beside a city's dispatch records.

use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use super::common::stem;
use super::records::{RecordsArgs, fraction, read_records, spec};
use crate::calibrate::Spec;
use crate::experiment::{self, RunOptions};
use crate::report::validation::{Context, headlines, validation_files};
use crate::stats::validation::{Validation, validate};
use crate::store::{Output, Via};

/// `validate` arguments.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The scenario to check.
    pub scenario: PathBuf,
    /// The dispatch export, and how to read it (as `calibrate` reads it).
    #[command(flatten)]
    pub records: RecordsArgs,
    /// Compare with the last FRACTION of the records' period only (e.g. 0.25): the
    /// part `calibrate --holdout` kept out of its fit.
    #[arg(long, value_name = "FRACTION", value_parser = fraction)]
    pub holdout: Option<f64>,
    /// Replications to simulate, 2 to 1000.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..=1000))]
    pub replications: u32,
    /// Measured days of each replication [default: the scenario's].
    #[arg(long, value_name = "D", value_parser = super::common::positive_days)]
    pub days: Option<f64>,
    /// Override a key before running (see `run --help`).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Output folder: report.html, validation.json and the charts
    /// [default: out/<scenario file stem>-validation]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads, 1 to 1024 [default: all cores].
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// One validation: what to simulate, against which records, and where it goes.
pub(super) struct ValidationPlan<'a> {
    /// The scenario file.
    pub scenario: &'a Path,
    /// Its name as shown.
    pub shown: &'a str,
    /// How to read the records.
    pub spec: &'a Spec,
    /// The records.
    pub records: &'a Path,
    /// Compare with the held-out end of the period only.
    pub holdout: Option<f64>,
    /// Replications.
    pub replications: u32,
    /// Measured days of each (else the scenario's).
    pub days: Option<f64>,
    /// The report page's file name.
    pub page: &'a str,
}

/// The records' part compared, for people.
fn part(tally: &crate::calibrate::Tally, holdout: Option<f64>) -> String {
    let span = tally.span.map_or(String::new(), |(a, b)| {
        format!(
            "{} to {}",
            a.format("%-d %b %Y %H:%M"),
            b.format("%-d %b %Y %H:%M")
        )
    });
    match holdout {
        Some(h) => format!(
            "the last {:.0} % of their period ({span}), held out of the fit",
            h * 100.0
        ),
        None => format!("calls received {span}"),
    }
}

/// Runs the plan and writes its files into `out`.
pub(super) fn validation_run(
    plan: &ValidationPlan<'_>,
    out: &mut Output,
    options: &RunOptions,
) -> Result<Validation, CliError> {
    validation_with(plan, &[], out, options)
}

fn validation_with(
    plan: &ValidationPlan<'_>,
    sets: &[String],
    out: &mut Output,
    options: &RunOptions,
) -> Result<Validation, CliError> {
    let tally = read_records(plan.records, plan.spec, plan.holdout, true)?;
    let mut sets = sets.to_vec();
    if let Some(d) = plan.days {
        sets.push(format!("scenario.days={d:?}"));
    }
    let (_, model) = experiment::load(plan.scenario, &sets)?;
    let simulated = experiment::validate::run(&model, plan.replications, options)?;
    let validation = validate(&tally.observations, &simulated, model.days);
    let context = Context {
        scenario: plan.shown.to_string(),
        records: plan.records.display().to_string(),
        part: part(&tally, plan.holdout),
    };
    out.write(&validation_files(&validation, &context, plan.page)?)?;
    Ok(validation)
}

/// `crisis-sim validate`.
pub fn validate_command(args: &ValidateArgs) -> Result<(), CliError> {
    let spec = spec(&args.records)?;
    let records = &args.records.records;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(format!("{}-validation", stem(&args.scenario))));
    let mut out = Output::whole(&dir, Via::Out, &[&args.scenario, records])?;
    let shown = args.scenario.display().to_string();
    let plan = ValidationPlan {
        scenario: &args.scenario,
        shown: &shown,
        spec: &spec,
        records,
        holdout: args.holdout,
        replications: args.replications,
        days: args.days,
        page: "report.html",
    };
    let options = RunOptions {
        threads: args.threads.map(usize::from),
        progress: false,
    };
    let validation = validation_with(&plan, &args.set, &mut out, &options)?;
    let written = out.finish()?;
    if !args.quiet {
        for line in headlines(&validation) {
            sayln!("{line}");
        }
        sayln!(
            "wrote {} files to {} (open report.html)",
            written.files,
            written.dir.display()
        );
    }
    Ok(())
}
