//! The records flags `calibrate` and `validate` share: the export, its columns, which
//! calls are crises, how its times, positions, priorities and self-initiated work are
//! written; and reading it into tallies.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use regex::Regex;

use super::CliError;
use crate::calibrate::read::Coordinates;
use crate::calibrate::{self, CalibrateError, Spec};

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

/// The dispatch export and how to read it.
#[derive(Debug, Args)]
pub struct RecordsArgs {
    /// The dispatch export: a CSV file with a header row.
    pub records: PathBuf,
    /// FIELD=HEADER: the column holding a field (repeatable). Fields: received
    /// (required), dispatched, arrived, cleared, call_type (required), priority, agency,
    /// zone, x, y, latlon (one "(lat, lon)" column), disposition, person, incident, unit
    /// (with incident: one row per unit sent), units (units sent, one row per call).
    #[arg(long = "column", value_name = "FIELD=HEADER", required = true)]
    pub columns: Vec<String>,
    /// A call type that is a mental-health crisis, exactly as written (repeatable).
    #[arg(long = "crisis-type", value_name = "TEXT")]
    pub crisis_types: Vec<String>,
    /// Call types that are crises, by regular expression.
    #[arg(long = "crisis-type-regex", value_name = "REGEX")]
    pub crisis_regex: Option<String>,
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
}

/// `--holdout`: a share of the records' period, above 0 and below 1.
pub(super) fn fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if f > 0.0 && f < 1.0 => Ok(f),
        _ => Err(format!(
            "`{text}` is not a share above 0 and below 1, e.g. 0.25"
        )),
    }
}

pub(super) fn pair(text: &str, flag: &str) -> Result<(String, String), CliError> {
    text.split_once('=')
        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .ok_or_else(|| CliError::Usage(format!("{flag} `{text}`: write {flag} FIELD=HEADER")))
}

pub(super) fn spec(args: &RecordsArgs) -> Result<Spec, CliError> {
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

/// The part of the records' period before (or from) the holdout's start.
pub(super) fn holdout_start(
    frame: &calibrate::Frame,
    holdout: f64,
) -> Option<chrono::NaiveDateTime> {
    let (from, to) = frame.period?;
    let start = from.and_hms_opt(0, 0, 0)?;
    let end = to.succ_opt()?.and_hms_opt(0, 0, 0)?;
    let span = (end - start).num_seconds() as f64;
    Some(start + chrono::TimeDelta::seconds((span * (1.0 - holdout)) as i64))
}

/// Reads the records into tallies: the first look, then the pass; with a holdout,
/// only the part before it (or, `from_cut`, only the holdout).
pub(super) fn read_records(
    path: &Path,
    spec: &Spec,
    holdout: Option<f64>,
    from_cut: bool,
) -> Result<calibrate::Tally, CliError> {
    let reading = |stop| CalibrateError::reading(path, stop);
    let mut frame =
        calibrate::first_look(std::io::BufReader::new(open(path)?), spec).map_err(reading)?;
    if let Some(cut) = holdout.and_then(|h| holdout_start(&frame, h)) {
        if from_cut {
            frame.from = Some(cut);
        } else {
            frame.until = Some(cut);
        }
    }
    let file = std::io::BufReader::new(open(path)?);
    let tally = calibrate::tally(file, spec, &frame).map_err(reading)?;
    if tally.span.is_none() {
        return Err(reading(calibrate::Stop::Problem(match &tally.first_bad_time {
            Some(v) => format!(
                "no received time could be read (the first is `{v}`); the usual forms are ISO 8601 \
                 (2024-03-05T14:07:09, with or without T or fractional seconds) and 03/05/2024 \
                 02:07:09 PM; give another with --time-format, e.g. \"%d/%m/%Y %H:%M\""
            ),
            None => "the file has no data rows with a received time".into(),
        }))
        .into());
    }
    Ok(tally)
}
