//! Reading a dispatch export: which header holds which field, and one pass over the
//! rows that hands on one [`Call`] at a time. A file with one row per unit sent (a
//! `unit` column beside the `incident` id) is read as calls: the rows of one incident
//! are joined, its units counted. Rows that cannot be used are counted by reason.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read;

use chrono::{NaiveDate, NaiveDateTime};
use indexmap::IndexMap;
use regex::Regex;

use super::times::{DateOrder, Dates, TimeReader};

/// The fields a column can be mapped to.
pub const FIELDS: [&str; 16] = [
    "received",
    "dispatched",
    "arrived",
    "cleared",
    "call_type",
    "priority",
    "agency",
    "zone",
    "x",
    "y",
    "latlon",
    "disposition",
    "person",
    "incident",
    "unit",
    "units",
];

/// What the user said about the file.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    /// Field → header.
    pub columns: IndexMap<String, String>,
    /// Call types that are mental-health crises, exactly.
    pub crisis_types: Vec<String>,
    /// Call types that are crises, by pattern.
    pub crisis_regex: Option<Regex>,
    /// A timestamp format (strftime) that overrides the usual forms.
    pub time_format: Option<String>,
    /// How x and y are given.
    pub coordinates: Coordinates,
    /// `(header, value)`: rows with this value are self-initiated (kept as such).
    pub self_initiated: Option<(String, String)>,
    /// The records' priority values and the scenario priority each stands for (1 most
    /// urgent); values not listed are read as numbers.
    pub priorities: HashMap<String, u32>,
}

impl Spec {
    /// The scenario priority of a priority as the records write it (`None` when it is
    /// neither listed nor a number); 0 or less counts as 1, the most urgent.
    pub fn priority(&self, written: Option<&str>) -> Option<u32> {
        let w = written?.trim();
        if let Some(p) = self.priorities.get(w) {
            return Some(*p);
        }
        w.parse::<i64>()
            .ok()
            .map(|p| p.clamp(1, i64::from(u32::MAX)) as u32)
    }
}

/// How positions are given.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Coordinates {
    /// Projected metres (x east, y north).
    #[default]
    Metres,
    /// Projected kilometres (as crisis-sim's own trace writes them).
    Km,
    /// Longitude (x) and latitude (y) in degrees.
    LatLon,
}

/// Why a row was left out, and how many.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dropped {
    /// No received time.
    pub no_received: u64,
    /// A received time in no known form.
    pub bad_received: u64,
    /// The same incident id (or the same row), or the same unit of one incident, again.
    pub duplicate: u64,
    /// Rows the CSV reader could not read.
    pub malformed: u64,
    /// Dated outside the records' main period (a stray year).
    pub outside_period: u64,
    /// In the part of the period set aside (`--holdout`): kept for the validation, or
    /// left to the fit.
    pub held_out: u64,
}

/// One call, from one row or from the rows of its units.
#[derive(Clone, Debug)]
pub struct Call {
    /// When it came in (the earliest of its rows).
    pub received: NaiveDateTime,
    /// The first unit assigned.
    pub dispatched: Option<NaiveDateTime>,
    /// The first unit on scene.
    pub arrived: Option<NaiveDateTime>,
    /// The last unit free again.
    pub cleared: Option<NaiveDateTime>,
    /// Its call type as written.
    pub call_type: String,
    /// Its priority as written.
    pub priority: Option<String>,
    /// The agency of its first unit on scene (of its first row when none arrived), as
    /// an identifier: agencies written alike are one.
    pub agency: String,
    /// Its zone as written.
    pub zone: Option<String>,
    /// Its position, km.
    pub place: Option<(f64, f64)>,
    /// Its disposition as written.
    pub disposition: Option<String>,
    /// The person, if given.
    pub person: Option<String>,
    /// Units sent.
    pub units: u32,
    /// Each unit's dispatched → cleared, minutes, where both were readable (negative
    /// where the records have it end before it starts).
    pub unit_busy: Vec<f64>,
    /// Marked self-initiated.
    pub self_initiated: bool,
    /// Times of its rows (other than received) that could not be read.
    pub unreadable_times: u32,
}

/// Counts of what one pass over the file saw.
#[derive(Clone, Debug, Default)]
pub struct Pass {
    /// Data rows read.
    pub rows: u64,
    /// Rows left out, by reason.
    pub dropped: Dropped,
    /// The first unreadable received value, for the error message.
    pub first_bad_time: Option<String>,
    /// The first received value outside the main period, for the warning.
    pub first_outside: Option<String>,
}

/// A problem with the file as a whole (exit 2).
pub type Problem = String;

/// Why reading stopped.
#[derive(Debug)]
pub enum Stop {
    /// The file cannot be used as it is (exit 2).
    Problem(Problem),
    /// Ctrl-C or SIGTERM.
    Interrupted,
}

impl From<Problem> for Stop {
    fn from(p: Problem) -> Self {
        Stop::Problem(p)
    }
}

/// What a first look at the file settles for the full read.
#[derive(Clone, Debug, Default)]
pub struct Frame {
    /// How slashed dates are written.
    pub order: DateOrder,
    /// The records' main period; rows dated outside it are left out.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// Rows received after this time are left out (a holdout kept for validation).
    pub until: Option<NaiveDateTime>,
    /// Rows received before this time are left out (the part a holdout was fitted on).
    pub from: Option<NaiveDateTime>,
}

/// Longest identifier made from the records' text.
const IDENTIFIER_CHARS: usize = 60;

/// A name usable as a TOML key and in `--set` paths (at most 60 characters).
pub fn identifier(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(4 * IDENTIFIER_CHARS)
        .collect::<String>()
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    let out: String = out
        .trim_matches('_')
        .chars()
        .take(IDENTIFIER_CHARS)
        .collect();
    let out = out.trim_end_matches('_').to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("t_{out}")
    } else {
        out
    }
}

/// The header index of each mapped field; every mapped header must exist.
fn positions(headers: &csv::StringRecord, spec: &Spec) -> Result<HashMap<String, usize>, Problem> {
    let names: Vec<&str> = headers.iter().collect();
    let mut out = HashMap::new();
    for (field, header) in &spec.columns {
        if !FIELDS.contains(&field.as_str()) {
            return Err(format!(
                "--column {field}={header}: `{field}` is not a field; fields are {}",
                FIELDS.join(", ")
            ));
        }
        let at = names.iter().position(|h| h.trim() == header.trim()).ok_or_else(|| {
            format!(
                "--column {field}={header}: the file has no column `{header}`; its columns are {}",
                names.join(", ")
            )
        })?;
        out.insert(field.clone(), at);
    }
    let needs = [
        (
            "received",
            "the time a call was received: --column received=HEADER",
        ),
        (
            "call_type",
            "the call type, to tell crises from other calls: --column call_type=HEADER",
        ),
    ];
    for (field, what) in needs {
        if !out.contains_key(field) {
            return Err(format!("give the column of {what}"));
        }
    }
    if out.contains_key("x") != out.contains_key("y") {
        return Err("give both --column x=HEADER and --column y=HEADER, or neither".into());
    }
    if out.contains_key("unit") && !out.contains_key("incident") {
        return Err(
            "--column unit: rows are units of a call only with the call's id: add --column \
             incident=HEADER"
                .into(),
        );
    }
    if let Some((header, value)) = &spec.self_initiated
        && !names.iter().any(|h| h.trim() == header.trim())
    {
        return Err(format!(
            "--self-initiated {header}={value}: the file has no column `{header}`; its columns are {}",
            names.join(", ")
        ));
    }
    Ok(out)
}

struct Row<'a> {
    record: &'a csv::StringRecord,
    at: &'a HashMap<String, usize>,
}

impl Row<'_> {
    fn get(&self, field: &str) -> Option<&str> {
        let i = *self.at.get(field)?;
        self.record.get(i).map(str::trim).filter(|s| !s.is_empty())
    }
}

/// Projected km of a position, if it is one on earth.
fn project(x: f64, y: f64, coordinates: Coordinates) -> Option<(f64, f64)> {
    if !x.is_finite() || !y.is_finite() {
        return None;
    }
    let km = match coordinates {
        // An equirectangular projection, fine over a city.
        Coordinates::LatLon if y.abs() <= 90.0 && x.abs() <= 180.0 => {
            (x * 111.32 * y.to_radians().cos(), y * 111.32)
        }
        Coordinates::LatLon => return None,
        Coordinates::Km => (x, y),
        Coordinates::Metres => (x / 1000.0, y / 1000.0),
    };
    // Beyond a quarter of the earth from the origin is no city's position.
    (km.0.abs() <= crate::model::limits::KM && km.1.abs() <= crate::model::limits::KM).then_some(km)
}

/// A row's position in km: from `x` and `y`, or from `latlon` written `(lat, lon)`.
fn position(row: &Row<'_>, coordinates: Coordinates) -> Option<(f64, f64)> {
    if let Some(text) = row.get("latlon") {
        let inner = text.trim_matches(|c| c == '(' || c == ')' || c == ' ');
        let (lat, lon) = inner.split_once(',')?;
        let (lat, lon): (f64, f64) = (lat.trim().parse().ok()?, lon.trim().parse().ok()?);
        return project(lon, lat, Coordinates::LatLon);
    }
    let x: f64 = row.get("x")?.parse().ok()?;
    let y: f64 = row.get("y")?.parse().ok()?;
    project(x, y, coordinates)
}

/// A CSV reader over `input` with the header row read, and each mapped field's column.
fn open(
    input: impl Read,
    spec: &Spec,
) -> Result<
    (
        csv::Reader<impl Read>,
        csv::StringRecord,
        HashMap<String, usize>,
    ),
    Problem,
> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| format!("cannot read the header row: {e}"))?
        .clone();
    if headers.is_empty() || headers.iter().all(|h| h.trim().is_empty()) {
        return Err("the file is empty: it has no header row".into());
    }
    let at = positions(&headers, spec)?;
    Ok((reader, headers, at))
}

/// Refuses a record in which a quote was left open: a mapped field (a time, a type, a
/// zone) never spans lines, and no field spans dozens.
fn one_row(record: &csv::StringRecord, at: &HashMap<String, usize>) -> Result<(), Problem> {
    let line = record.position().map_or(0, |p| p.line());
    for (field, i) in at {
        if record.get(*i).is_some_and(|v| v.contains('\n')) {
            return Err(format!(
                "line {line}: the `{field}` field runs over several lines: is a quote left open there?"
            ));
        }
    }
    if record.iter().any(|v| v.matches('\n').count() > 20) {
        return Err(format!(
            "line {line}: a field runs over more than 20 lines: is a quote left open there?"
        ));
    }
    Ok(())
}

/// Rows read between checks for Ctrl-C.
const CHECK_EVERY: u64 = 4096;

/// A first pass over the received times: the date order and the main period.
pub fn first_look(input: impl Read, spec: &Spec) -> Result<Frame, Stop> {
    let (mut reader, _, at) = open(input, spec)?;
    let mut dates = Dates::default();
    let mut record = csv::StringRecord::new();
    let mut rows = 0u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => continue,
        }
        rows += 1;
        if rows.is_multiple_of(CHECK_EVERY) && crate::stop::requested() {
            return Err(Stop::Interrupted);
        }
        one_row(&record, &at)?;
        let row = Row {
            record: &record,
            at: &at,
        };
        if let (Some(text), None) = (row.get("received"), &spec.time_format) {
            dates.add(text);
        }
    }
    let order = dates.order()?;
    Ok(Frame {
        order,
        period: dates.main_period(order),
        ..Frame::default()
    })
}

/// Reads the file in one pass and hands each call to `each`: a row at a time, or, with
/// a `unit` column, each incident once all its rows are read.
pub fn calls(
    input: impl Read,
    spec: &Spec,
    frame: &Frame,
    mut each: impl FnMut(&Call),
) -> Result<Pass, Stop> {
    let (mut reader, headers, at) = open(input, spec)?;
    let self_column = (spec.self_initiated.as_ref())
        .and_then(|(h, _)| headers.iter().position(|x| x.trim() == h.trim()));
    let per_unit = at.contains_key("unit");
    let mut times = TimeReader::new(spec.time_format.clone(), frame.order);
    let mut pass = Pass::default();
    let mut seen: HashSet<u64> = HashSet::new();
    let mut open_calls: IndexMap<String, Call> = IndexMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        if pass.rows.is_multiple_of(CHECK_EVERY) && crate::stop::requested() {
            return Err(Stop::Interrupted);
        }
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => {
                pass.rows += 1;
                pass.dropped.malformed += 1;
                continue;
            }
        }
        pass.rows += 1;
        one_row(&record, &at)?;
        let row = Row {
            record: &record,
            at: &at,
        };
        let Some(received) = row.get("received") else {
            pass.dropped.no_received += 1;
            continue;
        };
        let Some(when) = times.read(received) else {
            pass.dropped.bad_received += 1;
            pass.first_bad_time
                .get_or_insert_with(|| received.to_string());
            continue;
        };
        if outside_period(frame, when) {
            pass.dropped.outside_period += 1;
            pass.first_outside
                .get_or_insert_with(|| received.to_string());
            continue;
        }
        if set_aside(frame, when) {
            pass.dropped.held_out += 1;
            continue;
        }
        let mut hasher = DefaultHasher::new();
        match (row.get("incident"), per_unit) {
            (Some(id), true) => (id, row.get("unit")).hash(&mut hasher),
            (Some(id), false) => id.hash(&mut hasher),
            (None, _) => record.iter().for_each(|f| f.hash(&mut hasher)),
        }
        if !seen.insert(hasher.finish()) {
            pass.dropped.duplicate += 1;
            continue;
        }
        let mut call = from_row(&row, when, &mut times, spec);
        call.self_initiated = (self_column.and_then(|i| record.get(i)))
            .zip(spec.self_initiated.as_ref())
            .is_some_and(|(v, (_, want))| v.trim() == want);
        match (per_unit, row.get("incident")) {
            (true, Some(id)) => match open_calls.get_mut(id) {
                Some(c) => join(c, call),
                None => {
                    open_calls.insert(id.to_string(), call);
                }
            },
            _ => each(&call),
        }
    }
    for call in open_calls.values() {
        each(call);
    }
    Ok(pass)
}

/// Whether `when` falls outside the records' main period.
fn outside_period(frame: &Frame, when: NaiveDateTime) -> bool {
    (frame.period).is_some_and(|(from, to)| when.date() < from || when.date() > to)
}

/// Whether `when` falls outside the part of the period kept (`until`, `from`).
fn set_aside(frame: &Frame, when: NaiveDateTime) -> bool {
    frame.until.is_some_and(|t| when > t) || frame.from.is_some_and(|t| when < t)
}

fn from_row(row: &Row<'_>, received: NaiveDateTime, times: &mut TimeReader, spec: &Spec) -> Call {
    let mut unreadable = 0;
    let mut time = |field: &str| {
        let text = row.get(field)?;
        let at = times.read(text);
        unreadable += u32::from(at.is_none());
        at
    };
    let (dispatched, arrived, cleared) = (time("dispatched"), time("arrived"), time("cleared"));
    let busy = dispatched.zip(cleared).map(|(d, c)| minutes_between(d, c));
    Call {
        received,
        dispatched,
        arrived,
        cleared,
        call_type: row.get("call_type").unwrap_or("").to_string(),
        priority: row.get("priority").map(String::from),
        agency: identifier(row.get("agency").unwrap_or("police")),
        zone: row.get("zone").map(String::from),
        place: position(row, spec.coordinates),
        disposition: row.get("disposition").map(String::from),
        person: row.get("person").map(String::from),
        units: row
            .get("units")
            .and_then(|u| u.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1),
        unit_busy: busy.into_iter().collect(),
        self_initiated: false,
        unreadable_times: unreadable,
    }
}

/// Another unit's row of the same call: the earliest times, the last clearing, the
/// first unit on scene's agency, and one more unit.
fn join(call: &mut Call, unit: Call) {
    let earlier = |a: Option<NaiveDateTime>, b: Option<NaiveDateTime>| match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if unit.arrived.is_some() && (call.arrived.is_none() || unit.arrived < call.arrived) {
        call.agency = unit.agency.clone();
    }
    call.received = call.received.min(unit.received);
    call.dispatched = earlier(call.dispatched, unit.dispatched);
    call.arrived = earlier(call.arrived, unit.arrived);
    call.cleared = match (call.cleared, unit.cleared) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    call.units += 1;
    call.unit_busy.extend(unit.unit_busy);
    call.unreadable_times += unit.unreadable_times;
    call.self_initiated |= unit.self_initiated;
    for (mine, theirs) in [
        (&mut call.priority, unit.priority),
        (&mut call.zone, unit.zone),
        (&mut call.disposition, unit.disposition),
        (&mut call.person, unit.person),
    ] {
        if mine.is_none() {
            *mine = theirs;
        }
    }
    call.place = call.place.or(unit.place);
}

/// Minutes from `a` to `b`.
pub fn minutes_between(a: NaiveDateTime, b: NaiveDateTime) -> f64 {
    (b - a).num_milliseconds() as f64 / 60_000.0
}
