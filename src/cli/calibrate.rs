//! `calibrate`: a scenario from a dispatch export.

use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use super::common::stem;
use super::records::{RecordsArgs, fraction, read_records, spec};
use super::validate::{ValidationPlan, validation_run};
use crate::calibrate::{self, CalibrateError, Calibration, Settings};
use crate::experiment::fit::FitEffort;
use crate::experiment::{self, RunOptions};
use crate::report::calibration::calibration_files;
use crate::store::{Files, Output, Via};

/// The calibrated scenario's file name in the output folder.
pub const SCENARIO_FILE: &str = "scenario.toml";

/// `calibrate` arguments.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The dispatch export, and how to read it.
    #[command(flatten)]
    pub records: RecordsArgs,
    /// Residents of the area the records cover (for rates per 100,000).
    #[arg(long, value_name = "N")]
    pub population: Option<f64>,
    /// Share of on-duty time police units are out of service (meals, reports, court),
    /// as the planner knows it: records cannot tell it from fewer units, so without it
    /// the fitted units are those effectively in service.
    #[arg(long, value_name = "SHARE", value_parser = share)]
    pub out_of_service: Option<f64>,
    /// The length of one out-of-service spell, as a scenario writes a distribution.
    #[arg(long, value_name = "DIST", default_value = "lognormal(30min, 15min)", value_parser = spell)]
    pub out_of_service_spell: String,
    /// With x and y but no zone column: group the calls into at most N zones.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub zones: u32,
    /// The scenario's name.
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
    /// Output folder: the scenario (scenario.toml), report.html and its charts
    /// [default: out/<records file stem>-calibrated]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Fit on the earlier part of the records and validate on the last FRACTION of
    /// their period (e.g. 0.25), so the validation is out of sample.
    #[arg(long, value_name = "FRACTION", value_parser = fraction)]
    pub holdout: Option<f64>,
    /// How hard to fit the staffing and call processing to the records' waits, by
    /// simulation.
    #[arg(long, value_enum, default_value_t = FitMode::Full)]
    pub fit: FitMode,
    /// Worker threads for the fit and the validation, 1 to 1024 [default: all cores].
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// How much simulation the staffing fit spends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FitMode {
    /// Four times the records' days per candidate (112 to 728), until steps of 3 %.
    Full,
    /// The records' days per candidate (28 to 182) and at most 6 rounds of the
    /// processing search: a first look in a fraction of the time.
    Quick,
    /// No simulation: units for 60 % of the records' busy time and the processing
    /// read from the fastest priority-1 waits, both marked as assumptions.
    None,
}

impl FitMode {
    fn effort(self, days: f64) -> Option<FitEffort> {
        match self {
            FitMode::Full => Some(FitEffort::for_records(days)),
            FitMode::Quick => Some(FitEffort::quick(days)),
            FitMode::None => None,
        }
    }
}

/// `--out-of-service`: a share from 0 up to 0.9.
fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if (0.0..=0.9).contains(&f) => Ok(f),
        _ => Err(format!("`{text}` is not a share from 0 to 0.9, e.g. 0.15")),
    }
}

/// `--out-of-service-spell`: a distribution of positive lengths.
fn spell(text: &str) -> Result<String, String> {
    crate::dist::Dist::parse(text).map(|_| text.trim().to_string())
}

/// `crisis-sim calibrate`.
pub fn calibrate(args: &CalibrateArgs) -> Result<(), CliError> {
    let spec = spec(&args.records)?;
    if let Some(p) = args
        .population
        .filter(|p| !(p.is_finite() && *p >= 1.0 && *p <= 1e10))
    {
        return Err(CliError::Usage(format!(
            "--population {p}: give the residents, from 1 to 1e10"
        )));
    }
    let records = &args.records.records;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(format!("{}-calibrated", stem(records))));
    let mut out = Output::whole(&dir, Via::Out, &[records])?;
    let tally = read_records(records, &spec, args.holdout, false)?;
    let at = |why: String| CalibrateError::reading(records, calibrate::Stop::Problem(why));
    let mut calibration = Calibration::new(tally, args.zones as usize).map_err(at)?;
    let settings = Settings {
        population: args.population,
        name: args
            .name
            .clone()
            .unwrap_or_else(|| format!("{}: calibrated from dispatch records", stem(records))),
        source: records
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().to_string()),
        out_of_service: (args.out_of_service)
            .filter(|s| *s > 0.0)
            .map(|s| (s, args.out_of_service_spell.clone())),
    };
    let scenario = out.dir().join(SCENARIO_FILE);
    write_scenario(&mut out, &calibration.scenario(&settings))?;
    let options = RunOptions {
        threads: args.threads.map(usize::from),
        progress: false,
    };
    if let Some(effort) = args.fit.effort(calibration.days) {
        fit(&mut calibration, &scenario, &effort, &options, args.quiet)?;
    }
    let text = calibration.scenario(&settings);
    write_scenario(&mut out, &text)?;
    let shown = dir.join(SCENARIO_FILE).display().to_string();
    out.write(&calibration_files(&calibration, &text, &shown)?)?;
    // The scenario is checked against the records it came from, or against the part
    // held out of the fit.
    let plan = ValidationPlan {
        scenario: &scenario,
        shown: &shown,
        spec: &spec,
        records,
        holdout: args.holdout,
        replications: 10,
        days: Some(calibration.days.clamp(28.0, 91.0)),
        page: "validation.html",
    };
    let validation = validation_run(&plan, &mut out, &options)?;
    let written = out.finish()?;
    if !args.quiet {
        for w in calibration.warnings() {
            eprintln!("warning: {w}");
        }
        let d = &calibration.tally.dropped;
        let left_out =
            d.no_received + d.bad_received + d.duplicate + d.malformed + d.outside_period;
        let held = match d.held_out {
            0 => String::new(),
            n => format!("; {n} rows held out for the validation"),
        };
        sayln!(
            "{} crisis calls, {} other calls and {} self-initiated over {:.1} days ({} calls from \
             {} rows; {} rows left out{held}): wrote the scenario {} and {} files in all to {} \
             (open report.html)",
            calibration.crises,
            calibration.tally.background,
            calibration.tally.self_initiated,
            calibration.days,
            calibration.tally.calls,
            calibration.tally.rows,
            left_out,
            shown,
            written.files,
            written.dir.display()
        );
        sayln!(
            "validated against {} ({}; open validation.html):",
            records.display(),
            if args.holdout.is_some() {
                "the part held out of the fit"
            } else {
                "the records it was fitted to"
            }
        );
        for line in crate::report::validation::headlines(&validation) {
            sayln!("  {line}");
        }
    }
    Ok(())
}

/// Writes the scenario into the output folder and checks that it loads.
fn write_scenario(out: &mut Output, text: &str) -> Result<(), CliError> {
    let mut files = Files::new();
    files.add(SCENARIO_FILE, text.to_string());
    out.write(&files)?;
    check_loads(&out.dir().join(SCENARIO_FILE))
}

/// Fits the staffing of the kind that carries the background work by simulation, when
/// the records have waits for dispatch to fit it to.
fn fit(
    c: &mut Calibration,
    scenario: &Path,
    effort: &FitEffort,
    options: &RunOptions,
    quiet: bool,
) -> Result<(), CliError> {
    let targets = calibrate::queue::wait_targets(&c.tally);
    if targets.is_empty() {
        return Ok(());
    }
    let (_, model) = experiment::load(scenario, &[])
        .map_err(|e| CliError::Bug(format!("the calibrated scenario does not load ({e})")))?;
    if !quiet {
        eprintln!(
            "fitting the units on duty by block of the day to {} waits for dispatch, by simulation",
            targets.len()
        );
    }
    let drives = calibrate::queue::drive_targets(&c.tally);
    let spread = calibrate::queue::drive_moments(&c.tally, model.travel.turnout);
    let fitted = experiment::fit::staffing(
        &model,
        c.police_kind(),
        c.start_units,
        c.processing.clone(),
        &targets,
        &drives,
        spread,
        effort,
        options,
    )?;
    if fitted.processing.is_some() {
        c.processing = fitted.processing.clone();
    }
    c.staffing = Some(fitted);
    Ok(())
}

/// The written scenario must load: one that does not is a bug, and nothing is left
/// behind (the output folder is not swapped in).
fn check_loads(path: &Path) -> Result<(), CliError> {
    experiment::load(path, &[])
        .map(|_| ())
        .map_err(|e| CliError::Bug(format!("the calibrated scenario does not load ({e})")))
}
