//! `calibrate`: a scenario from a dispatch export.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use regex::Regex;

use super::CliError;
use super::common::stem;
use crate::calibrate::read::Coordinates;
use crate::calibrate::{self, CalibrateError, Calibration, Settings, Spec};
use crate::experiment;
use crate::report::calibration::calibration_files;
use crate::store::{Files, Output, Via};

/// The calibrated scenario's file name in the output folder.
pub const SCENARIO_FILE: &str = "scenario.toml";

/// How positions are given.
#[derive(Clone, Copy, Debug, Default, PartialEq, ValueEnum)]
pub enum CoordinateArg {
    /// Projected coordinates in metres (x east, y north).
    #[default]
    Metres,
    /// Projected coordinates in kilometres (as `run --trace` writes them).
    Km,
    /// Longitude (x) and latitude (y) in degrees.
    Latlon,
}

/// `calibrate` arguments.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The dispatch export: a CSV file with a header row.
    pub records: PathBuf,
    /// FIELD=HEADER: the column holding a field (repeatable). Fields: received
    /// (required), dispatched, arrived, cleared, call_type (required), priority, agency,
    /// zone, x, y, disposition, person, incident.
    #[arg(long = "column", value_name = "FIELD=HEADER", required = true)]
    pub columns: Vec<String>,
    /// A call type that is a mental-health crisis, exactly as written (repeatable).
    #[arg(long = "crisis-type", value_name = "TEXT")]
    pub crisis_types: Vec<String>,
    /// Call types that are crises, by regular expression.
    #[arg(long = "crisis-type-regex", value_name = "REGEX")]
    pub crisis_regex: Option<String>,
    /// Residents of the area the records cover (for rates per 100,000).
    #[arg(long, value_name = "N")]
    pub population: Option<f64>,
    /// How x and y are given.
    #[arg(long, value_enum, default_value_t = CoordinateArg::Metres)]
    pub coordinates: CoordinateArg,
    /// A strftime format for every timestamp (else the usual forms are recognised).
    #[arg(long, value_name = "FORMAT")]
    pub time_format: Option<String>,
    /// HEADER=VALUE: rows with this value are self-initiated (officer-initiated) work,
    /// kept as background work that a priority-1 call may interrupt.
    #[arg(long, value_name = "HEADER=VALUE")]
    pub self_initiated: Option<String>,
    /// VALUE=N: the records' priority VALUE is the scenario's priority N (1 most
    /// urgent), e.g. --priority E=1 --priority 3=1 --priority 2=2 (repeatable); values
    /// not listed are read as numbers.
    #[arg(long = "priority", value_name = "VALUE=N")]
    pub priorities: Vec<String>,
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
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

fn pair(text: &str, flag: &str) -> Result<(String, String), CliError> {
    text.split_once('=')
        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .ok_or_else(|| CliError::Usage(format!("{flag} `{text}`: write {flag} FIELD=HEADER")))
}

fn spec(args: &CalibrateArgs) -> Result<Spec, CliError> {
    let mut columns = indexmap::IndexMap::new();
    for c in &args.columns {
        let (field, header) = pair(c, "--column")?;
        if let Some(before) = columns.insert(field.clone(), header.clone()) {
            return Err(CliError::Usage(format!(
                "--column {field}: the field is mapped twice (to `{before}` and `{header}`); \
                 map each field once"
            )));
        }
    }
    if args.crisis_types.is_empty() && args.crisis_regex.is_none() {
        return Err(CliError::Usage(
            "say which call types are crises: --crisis-type TEXT (repeatable) or --crisis-type-regex REGEX"
                .into(),
        ));
    }
    let crisis_regex = args
        .crisis_regex
        .as_deref()
        .map(Regex::new)
        .transpose()
        .map_err(|e| CliError::Usage(format!("--crisis-type-regex: {e}")))?;
    if let Some(p) = args
        .population
        .filter(|p| !(p.is_finite() && *p >= 1.0 && *p <= 1e10))
    {
        return Err(CliError::Usage(format!(
            "--population {p}: give the residents, from 1 to 1e10"
        )));
    }
    let mut priorities = std::collections::HashMap::new();
    for p in &args.priorities {
        let (value, n) = pair(p, "--priority")?;
        let n = n
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "--priority {p}: give the scenario priority as a number from 1 (most urgent) to 1000"
                ))
            })?;
        priorities.insert(value, n);
    }
    Ok(Spec {
        priorities,
        columns,
        crisis_types: args.crisis_types.clone(),
        crisis_regex,
        time_format: args.time_format.clone(),
        coordinates: match args.coordinates {
            CoordinateArg::Metres => Coordinates::Metres,
            CoordinateArg::Km => Coordinates::Km,
            CoordinateArg::Latlon => Coordinates::LatLon,
        },
        self_initiated: args
            .self_initiated
            .as_deref()
            .map(|s| pair(s, "--self-initiated"))
            .transpose()?,
    })
}

fn open(path: &Path) -> Result<std::fs::File, CliError> {
    let bad = |why: String| CalibrateError::Records {
        path: path.to_path_buf(),
        why: format!("cannot read the records: {why}"),
    };
    let meta = std::fs::metadata(path).map_err(|e| bad(e.to_string()))?;
    if !meta.is_file() {
        return Err(bad("not a regular file".into()).into());
    }
    Ok(std::fs::File::open(path).map_err(|e| bad(e.to_string()))?)
}

/// `crisis-sim calibrate`.
pub fn calibrate(args: &CalibrateArgs) -> Result<(), CliError> {
    let spec = spec(args)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(format!("{}-calibrated", stem(&args.records))));
    let mut out = Output::whole(&dir, Via::Out, &[&args.records])?;
    let reading = |stop| CalibrateError::reading(&args.records, stop);
    let at = |why: String| reading(calibrate::Stop::Problem(why));
    let frame = calibrate::first_look(std::io::BufReader::new(open(&args.records)?), &spec)
        .map_err(reading)?;
    let file = std::io::BufReader::new(open(&args.records)?);
    let tally = calibrate::tally(file, &spec, &frame).map_err(reading)?;
    if tally.span.is_none() {
        return Err(at(match &tally.first_bad_time {
            Some(v) => format!(
                "no received time could be read (the first is `{v}`); the usual forms are ISO 8601 \
                 (2024-03-05T14:07:09, with or without T or fractional seconds) and 03/05/2024 \
                 02:07:09 PM; give another with --time-format, e.g. \"%d/%m/%Y %H:%M\""
            ),
            None => "the file has no data rows with a received time".into(),
        })
        .into());
    }
    let calibration = Calibration::new(tally, args.zones as usize).map_err(at)?;
    let settings = Settings {
        population: args.population,
        name: args.name.clone().unwrap_or_else(|| {
            format!("{}: calibrated from dispatch records", stem(&args.records))
        }),
        source: args
            .records
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().to_string()),
    };
    let text = calibration.scenario(&settings);
    let mut files = Files::new();
    files.add(SCENARIO_FILE, text.clone());
    out.write(&files)?;
    check_loads(&out.dir().join(SCENARIO_FILE))?;
    let shown = dir.join(SCENARIO_FILE).display().to_string();
    out.write(&calibration_files(&calibration, &text, &shown)?)?;
    let written = out.finish()?;
    if !args.quiet {
        for w in calibration.warnings() {
            eprintln!("warning: {w}");
        }
        sayln!(
            "{} crisis calls and {} other calls over {:.1} days ({} of {} rows left out): wrote \
             the scenario {} and {} files in all to {} (open report.html)",
            calibration.crises,
            calibration.tally.background,
            calibration.days,
            calibration.tally.rows - calibration.crises - calibration.tally.background,
            calibration.tally.rows,
            shown,
            written.files,
            written.dir.display()
        );
    }
    Ok(())
}

/// The written scenario must load: one that does not is a bug, and nothing is left
/// behind (the output folder is not swapped in).
fn check_loads(path: &Path) -> Result<(), CliError> {
    experiment::load(path, &[])
        .map(|_| ())
        .map_err(|e| CliError::Bug(format!("the calibrated scenario does not load ({e})")))
}
