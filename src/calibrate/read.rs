//! Reading a dispatch export: which header holds which field, timestamps in the usual
//! forms, and one pass over the rows into fixed-size tallies (bounded memory, apart
//! from one entry per distinct incident id and per person).

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use indexmap::IndexMap;
use regex::Regex;

use super::times::{DateOrder, Dates, TimeReader};
use crate::histogram::Histogram;
use crate::model::Disposition;
use crate::time::DAY;

/// The fields a column can be mapped to.
pub const FIELDS: [&str; 13] = [
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
    "disposition",
    "person",
    "incident",
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
    /// `(header, value)`: rows with this value are self-initiated and dropped.
    pub self_initiated: Option<(String, String)>,
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

/// Why a record was left out, and how many.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dropped {
    /// No received time.
    pub no_received: u64,
    /// A received time in no known form.
    pub bad_received: u64,
    /// The same incident id (or the same row) again.
    pub duplicate: u64,
    /// Marked self-initiated.
    pub self_initiated: u64,
    /// Rows the CSV reader could not read.
    pub malformed: u64,
    /// Dated outside the records' main period (a stray year).
    pub outside_period: u64,
}

/// Time intervals that could not be used (the record itself is kept).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BadIntervals {
    /// Ending before they start.
    pub negative: u64,
    /// A time present but unreadable.
    pub unreadable: u64,
    /// Longer than a day (left out as data errors).
    pub too_long: u64,
}

/// Durations in minutes: a histogram for quantiles and the sums a lognormal and a
/// gamma fit need.
#[derive(Clone, Debug, Default)]
pub struct Durations {
    /// For quantiles.
    pub histogram: Histogram,
    /// Count of positive values.
    pub n: u64,
    /// Σ x.
    pub sum: f64,
    /// Σ x².
    pub sum_sq: f64,
    /// Σ ln x.
    pub sum_ln: f64,
    /// Σ (ln x)².
    pub sum_ln_sq: f64,
}

impl Durations {
    /// Adds one duration (a non-positive one is left out).
    pub fn add(&mut self, minutes: f64) {
        if minutes <= 0.0 {
            return;
        }
        self.histogram.record(minutes);
        self.n += 1;
        self.sum += minutes;
        self.sum_sq += minutes * minutes;
        self.sum_ln += minutes.ln();
        self.sum_ln_sq += minutes.ln().powi(2);
    }
}

/// Positions of a zone's calls, in km.
#[derive(Clone, Debug, Default)]
pub struct Spread {
    /// Crisis calls in the zone.
    pub calls: u64,
    /// Calls with a position.
    pub n: u64,
    /// Σ x, Σ y, Σ x², Σ y².
    pub sums: [f64; 4],
}

impl Spread {
    /// Counts a call, at `place` if it has one.
    pub fn add(&mut self, place: Option<(f64, f64)>) {
        self.calls += 1;
        if let Some((x, y)) = place {
            self.n += 1;
            for (s, v) in self.sums.iter_mut().zip([x, y, x * x, y * y]) {
                *s += v;
            }
        }
    }

    /// Adds another spread's calls and positions.
    pub fn merge(&mut self, other: &Spread) {
        self.calls += other.calls;
        self.n += other.n;
        for (s, v) in self.sums.iter_mut().zip(other.sums) {
            *s += v;
        }
    }

    /// The mean position, if any call had one.
    pub fn centre(&self) -> Option<(f64, f64)> {
        (self.n > 0).then(|| (self.sums[0] / self.n as f64, self.sums[1] / self.n as f64))
    }
}

/// A crisis call type's tallies.
#[derive(Clone, Debug, Default)]
pub struct TypeTally {
    /// Calls.
    pub calls: u64,
    /// Calls by priority as written.
    pub priorities: IndexMap<String, u64>,
    /// On-scene time (arrived → cleared) of calls not taken anywhere, by first agency.
    pub on_scene: IndexMap<String, Durations>,
    /// Dispositions as written, by first agency.
    pub outcomes: IndexMap<String, IndexMap<String, u64>>,
    /// First agency on scene, by count.
    pub agencies: IndexMap<String, u64>,
}

/// Everything one pass over the file gathers.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Data rows read.
    pub rows: u64,
    /// Rows left out, by reason.
    pub dropped: Dropped,
    /// Intervals left out, by reason.
    pub bad_intervals: BadIntervals,
    /// First and last received time.
    pub span: Option<(NaiveDateTime, NaiveDateTime)>,
    /// Crisis calls by hour of the week (Monday 00:00 first).
    pub by_hour_of_week: Vec<u64>,
    /// Crisis call types.
    pub types: IndexMap<String, TypeTally>,
    /// Crisis calls by zone, with their positions.
    pub zones: IndexMap<String, Spread>,
    /// Without a zone column: crisis calls with a position, by 1-km grid cell (for
    /// clustering into zones; as many cells as the city has, whatever the rows).
    pub cells: HashMap<(i64, i64), Spread>,
    /// Other calls (the background load).
    pub background: u64,
    /// Their busy time, dispatched → cleared.
    pub background_service: Durations,
    /// Dispatched → arrived of crisis calls.
    pub travel: Durations,
    /// Dispatched → cleared of crisis calls, by first agency (its busy time).
    pub busy: IndexMap<String, Durations>,
    /// Crisis calls whose person had one before in the file.
    pub repeats: u64,
    /// Minutes between a person's consecutive crises.
    pub repeat_gaps: Durations,
    /// Call types seen that are not crises, by count (for the "no crisis" error).
    pub other_types: IndexMap<String, u64>,
    /// The first unreadable received value, for the error message.
    pub first_bad_time: Option<String>,
    /// The first received value outside the main period, for the warning.
    pub first_outside: Option<String>,
    /// Reads the file's times.
    times: TimeReader,
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

/// A problem with the file as a whole (exit 2).
pub type Problem = String;

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
    if !out.contains_key("received") {
        return Err(
            "give the column of the time a call was received: --column received=HEADER".into(),
        );
    }
    if !out.contains_key("call_type") {
        return Err(
            "give the column of the call type, to tell crises from other calls: --column call_type=HEADER"
                .into(),
        );
    }
    if out.contains_key("x") != out.contains_key("y") {
        return Err("give both --column x=HEADER and --column y=HEADER, or neither".into());
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

fn minutes_between(a: NaiveDateTime, b: NaiveDateTime) -> f64 {
    (b - a).num_milliseconds() as f64 / 60_000.0
}

/// Projected km of a row's position, if it has one.
fn position(row: &Row<'_>, coordinates: Coordinates) -> Option<(f64, f64)> {
    let x: f64 = row.get("x")?.parse().ok()?;
    let y: f64 = row.get("y")?.parse().ok()?;
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

impl Tally {
    fn is_crisis(spec: &Spec, call_type: &str) -> bool {
        spec.crisis_types.iter().any(|t| t == call_type)
            || spec
                .crisis_regex
                .as_ref()
                .is_some_and(|r| r.is_match(call_type))
    }

    fn interval(&mut self, row: &Row<'_>, from: &str, to: &str) -> Option<f64> {
        let (a, b) = (row.get(from)?, row.get(to)?);
        let (Some(a), Some(b)) = (self.times.read(a), self.times.read(b)) else {
            self.bad_intervals.unreadable += 1;
            return None;
        };
        let m = minutes_between(a, b);
        if m < 0.0 {
            self.bad_intervals.negative += 1;
            return None;
        }
        if m > DAY {
            self.bad_intervals.too_long += 1;
            return None;
        }
        Some(m)
    }

    fn add_crisis(&mut self, row: &Row<'_>, call_type: &str, at: NaiveDateTime, spec: &Spec) {
        let hour = at.weekday().num_days_from_monday() as usize * 24 + at.hour() as usize;
        self.by_hour_of_week[hour] += 1;
        // Agencies written alike ("Police", "POLICE") are one responder kind.
        let agency = identifier(row.get("agency").unwrap_or("police"));
        let disposition = row.get("disposition").map(str::to_string);
        let on_scene = self.interval(row, "arrived", "cleared");
        if let Some(t) = self.interval(row, "dispatched", "arrived") {
            self.travel.add(t);
        }
        if let Some(t) = self.interval(row, "dispatched", "cleared") {
            self.busy.entry(agency.clone()).or_default().add(t);
        }
        let tally = self.types.entry(call_type.to_string()).or_default();
        tally.calls += 1;
        if let Some(p) = row.get("priority") {
            *tally.priorities.entry(p.to_string()).or_default() += 1;
        }
        *tally.agencies.entry(agency.clone()).or_default() += 1;
        // A transport adds a drive and a hand-over the model draws separately.
        let transported = disposition
            .as_deref()
            .and_then(|d| d.parse::<Disposition>().ok())
            .is_some_and(|d| d.facility().is_some());
        if let (Some(m), false) = (on_scene, transported) {
            tally.on_scene.entry(agency.clone()).or_default().add(m);
        }
        if let Some(d) = disposition {
            *tally
                .outcomes
                .entry(agency)
                .or_default()
                .entry(d)
                .or_default() += 1;
        }
        let zone = row.get("zone").unwrap_or("City").to_string();
        let place = position(row, spec.coordinates);
        self.zones.entry(zone).or_default().add(place);
        if let (Some((x, y)), false) = (place, spec.columns.contains_key("zone")) {
            let cell = (x.floor() as i64, y.floor() as i64);
            self.cells.entry(cell).or_default().add(place);
        }
    }
}

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
    })
}

/// Reads the whole file in one pass.
pub fn tally(input: impl Read, spec: &Spec, frame: &Frame) -> Result<Tally, Stop> {
    let (mut reader, headers, at) = open(input, spec)?;
    let mut t = Tally {
        by_hour_of_week: vec![0; 168],
        times: TimeReader::new(spec.time_format.clone(), frame.order),
        ..Tally::default()
    };
    let mut seen_ids: HashSet<u64> = HashSet::new();
    let mut last_crisis: HashMap<String, NaiveDateTime> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        if t.rows.is_multiple_of(CHECK_EVERY) && crate::stop::requested() {
            return Err(Stop::Interrupted);
        }
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => {
                t.rows += 1;
                t.dropped.malformed += 1;
                continue;
            }
        }
        t.rows += 1;
        one_row(&record, &at)?;
        let row = Row {
            record: &record,
            at: &at,
        };
        let Some(received) = row.get("received") else {
            t.dropped.no_received += 1;
            continue;
        };
        let Some(when) = t.times.read(received) else {
            t.dropped.bad_received += 1;
            t.first_bad_time.get_or_insert_with(|| received.to_string());
            continue;
        };
        if frame
            .period
            .is_some_and(|(from, to)| when.date() < from || when.date() > to)
        {
            t.dropped.outside_period += 1;
            t.first_outside.get_or_insert_with(|| received.to_string());
            continue;
        }
        let mut hasher = DefaultHasher::new();
        match row.get("incident") {
            Some(id) => id.hash(&mut hasher),
            None => record.iter().for_each(|f| f.hash(&mut hasher)),
        }
        if !seen_ids.insert(hasher.finish()) {
            t.dropped.duplicate += 1;
            continue;
        }
        if let Some((header, value)) = &spec.self_initiated {
            let i = headers.iter().position(|h| h.trim() == header.trim());
            if i.and_then(|i| record.get(i))
                .is_some_and(|v| v.trim() == value)
            {
                t.dropped.self_initiated += 1;
                continue;
            }
        }
        t.span = Some(match t.span {
            Some((a, b)) => (a.min(when), b.max(when)),
            None => (when, when),
        });
        let call_type = row.get("call_type").unwrap_or("").to_string();
        if !Tally::is_crisis(spec, &call_type) {
            t.background += 1;
            *t.other_types.entry(call_type).or_default() += 1;
            if let Some(m) = t.interval(&row, "dispatched", "cleared") {
                t.background_service.add(m);
            }
            continue;
        }
        if let Some(person) = row.get("person")
            && let Some(before) = last_crisis.insert(person.to_string(), when)
        {
            t.repeats += 1;
            t.repeat_gaps.add(minutes_between(before, when).abs());
        }
        t.add_crisis(&row, &call_type, when, spec);
    }
    Ok(t)
}
