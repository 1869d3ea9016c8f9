//! `calibrate`: a scenario from a dispatch export.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use regex::Regex;

use super::{CliError, write_error};
use crate::calibrate::read::Coordinates;
use crate::calibrate::{self, Calibration, Settings, Spec};
use crate::experiment;
use crate::report::calibration::write_calibration;
use crate::report::folder::Lock;
use crate::report::write_atomic;

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
    /// HEADER=VALUE: rows with this value are self-initiated (officer-initiated) and
    /// left out.
    #[arg(long, value_name = "HEADER=VALUE")]
    pub self_initiated: Option<String>,
    /// With x and y but no zone column: group the calls into at most N zones.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub zones: u32,
    /// The scenario's name.
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
    /// Where to write the scenario.
    #[arg(long, value_name = "FILE", default_value = "city.toml")]
    pub out: PathBuf,
    /// Where to write the calibration report [default: <out without .toml>-calibration/].
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

fn pair(text: &str, flag: &str) -> Result<(String, String), CliError> {
    text.split_once('=')
        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .ok_or_else(|| CliError::Input(format!("{flag} `{text}`: write {flag} FIELD=HEADER")))
}

fn spec(args: &CalibrateArgs) -> Result<Spec, CliError> {
    let mut columns = indexmap::IndexMap::new();
    for c in &args.columns {
        let (field, header) = pair(c, "--column")?;
        columns.insert(field, header);
    }
    if args.crisis_types.is_empty() && args.crisis_regex.is_none() {
        return Err(CliError::Input(
            "say which call types are crises: --crisis-type TEXT (repeatable) or --crisis-type-regex REGEX"
                .into(),
        ));
    }
    let crisis_regex = args
        .crisis_regex
        .as_deref()
        .map(Regex::new)
        .transpose()
        .map_err(|e| CliError::Input(format!("--crisis-type-regex: {e}")))?;
    if let Some(p) = args
        .population
        .filter(|p| !(p.is_finite() && *p >= 1.0 && *p <= 1e10))
    {
        return Err(CliError::Input(format!(
            "--population {p}: give the residents, from 1 to 1e10"
        )));
    }
    Ok(Spec {
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
    let bad = |why: String| {
        CliError::Input(format!(
            "{}: cannot read the records: {why}",
            path.display()
        ))
    };
    let meta = std::fs::metadata(path).map_err(|e| bad(e.to_string()))?;
    if !meta.is_file() {
        return Err(bad("not a regular file".into()));
    }
    std::fs::File::open(path).map_err(|e| bad(e.to_string()))
}

/// `crisis-sim calibrate`.
pub fn calibrate(args: &CalibrateArgs) -> Result<(), CliError> {
    let spec = spec(args)?;
    let file = std::io::BufReader::new(open(&args.records)?);
    let at = |m: String| CliError::Input(format!("{}: {m}", args.records.display()));
    let tally = calibrate::tally(file, &spec).map_err(at)?;
    if tally.span.is_none() {
        return Err(at(match &tally.first_bad_time {
            Some(v) => format!(
                "no received time could be read (the first is `{v}`); the usual forms are ISO 8601 \
                 (2024-03-05T14:07:09, with or without T or fractional seconds) and 03/05/2024 \
                 02:07:09 PM; give another with --time-format, e.g. \"%d/%m/%Y %H:%M\""
            ),
            None => "the file has no data rows with a received time".into(),
        }));
    }
    let calibration = Calibration::new(tally, args.zones as usize).map_err(at)?;
    let stem = args
        .out
        .file_stem()
        .map_or("city".into(), |s| s.to_string_lossy().to_string());
    let settings = Settings {
        population: args.population,
        name: args
            .name
            .clone()
            .unwrap_or_else(|| format!("{stem}: calibrated from dispatch records")),
        source: args
            .records
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().to_string()),
    };
    let text = calibration.scenario(&settings);
    write_scenario(&args.out, &text)?;
    let report = args
        .report
        .clone()
        .unwrap_or_else(|| args.out.with_file_name(format!("{stem}-calibration")));
    let lock = Lock::take(&report)?;
    let written = lock
        .replace(|dir| write_calibration(dir, &calibration, &text, &args.out.display().to_string()))
        .map_err(write_error(&report))?;
    if !args.quiet {
        sayln!(
            "{} crisis calls and {} other calls over {:.1} days ({} of {} rows left out): wrote {} \
             and {} files to {} (open report.html)",
            calibration.crises,
            calibration.tally.background,
            calibration.days,
            calibration.tally.rows - calibration.crises - calibration.tally.background,
            calibration.tally.rows,
            args.out.display(),
            written.len(),
            report.display()
        );
    }
    Ok(())
}

/// Writes the scenario beside its final name, checks that it loads, then moves it into
/// place: a scenario that does not load is a bug, and nothing is left behind.
fn write_scenario(out: &Path, text: &str) -> Result<(), CliError> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map_or("city.toml".into(), |n| n.to_string_lossy().to_string());
    std::fs::create_dir_all(dir).map_err(write_error(out))?;
    let temp = dir.join(format!(".{name}.check.toml"));
    std::fs::write(&temp, text).map_err(write_error(out))?;
    let loaded = experiment::load(&temp, &[]);
    let _ = std::fs::remove_file(&temp);
    if let Err(e) = loaded {
        return Err(CliError::Other(format!(
            "the calibrated scenario does not load, which is a bug in crisis-sim; please report it: {e}"
        )));
    }
    write_atomic(dir, &name, text.as_bytes()).map_err(write_error(out))?;
    Ok(())
}
