//! The tallies one pass over a dispatch export gathers, a call at a time: fixed-size
//! histograms and sums (bounded memory, apart from one entry per person and one short
//! observation per call, kept for validation).

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use chrono::{Datelike, NaiveDateTime, Timelike};
use indexmap::IndexMap;

use super::read::{self, Call, Dropped, Frame, Pass, Spec, Stop, minutes_between};
use crate::histogram::Histogram;
use crate::model::Disposition;
use crate::time::DAY;

pub use crate::stats::validation::{BLOCK_HOURS, BLOCKS, Observation};

/// The block of the day of `at`.
pub fn block(at: NaiveDateTime) -> usize {
    (at.hour() / BLOCK_HOURS) as usize
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
    /// Calls by scenario priority (as written, or as `--priority` maps it).
    pub model_priorities: BTreeMap<u32, u64>,
    /// On-scene time (first arrived → last cleared) of calls not taken anywhere, by
    /// first agency.
    pub on_scene: IndexMap<String, Durations>,
    /// Dispositions as written, by first agency.
    pub outcomes: IndexMap<String, IndexMap<String, u64>>,
    /// First agency on scene, by count.
    pub agencies: IndexMap<String, u64>,
    /// Calls by the units sent, by first agency.
    pub units: IndexMap<String, BTreeMap<u32, u64>>,
    /// With a row per unit, by first agency: the units' busy minutes (dispatched →
    /// cleared, summed) and the calls' (first dispatched → last cleared).
    pub unit_work: IndexMap<String, (f64, f64)>,
}

/// Intervals left out of fits, by reason (the call itself is kept).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BadIntervals {
    /// Ending before they start.
    pub negative: u64,
    /// A time present but unreadable.
    pub unreadable: u64,
    /// Longer than a day: kept (custody and ED waits are real work), and counted.
    pub long: u64,
}

/// One stream of other (non-crisis) calls: their units' jobs and busy time.
#[derive(Clone, Debug, Default)]
pub struct StreamTally {
    /// Calls.
    pub calls: u64,
    /// Unit jobs (a call with two units is two jobs).
    pub jobs: u64,
    /// Each unit's dispatched → cleared.
    pub busy: Durations,
    /// Calls by hour of day received.
    pub by_hour: [u64; 24],
}

/// Everything one pass over the file gathers.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Data rows read.
    pub rows: u64,
    /// The records have a row per unit sent.
    pub unit_rows: bool,
    /// Calls made of them.
    pub calls: u64,
    /// Rows left out, by reason.
    pub dropped: Dropped,
    /// Intervals left out or flagged, by reason.
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
    /// Other calls dispatched to units (the background load), not self-initiated.
    pub background: u64,
    /// Self-initiated calls (kept as background work a priority-1 call may preempt).
    pub self_initiated: u64,
    /// Other calls by scenario priority (`None`: none given), self-initiated ones apart.
    pub streams: BTreeMap<Option<u32>, StreamTally>,
    /// Self-initiated work.
    pub self_stream: StreamTally,
    /// Dispatched → arrived of crisis calls.
    pub travel: Durations,
    /// The same by priority.
    pub travel_by_priority: BTreeMap<u32, Durations>,
    /// Dispatched → cleared of crisis calls, by first agency (its busy time).
    pub busy: IndexMap<String, Durations>,
    /// Unit busy minutes of every call, by block of the day it came in.
    pub busy_by_block: [f64; BLOCKS],
    /// Received → dispatched of every call, by scenario priority: by block, then all.
    pub waits: BTreeMap<u32, Vec<Histogram>>,
    /// Received → dispatched (positive ones) of every call, by scenario priority.
    pub processing: BTreeMap<u32, Durations>,
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
    /// One observation per call, for validation.
    pub observations: Vec<Observation>,
    /// When each person's last crisis came in.
    last_crisis: HashMap<String, NaiveDateTime>,
}

impl Tally {
    fn is_crisis(spec: &Spec, call_type: &str) -> bool {
        spec.crisis_types.iter().any(|t| t == call_type)
            || spec
                .crisis_regex
                .as_ref()
                .is_some_and(|r| r.is_match(call_type))
    }

    /// Minutes from `a` to `b`, if both are known and in order; an interval over a day
    /// is kept and counted.
    fn interval(&mut self, a: Option<NaiveDateTime>, b: Option<NaiveDateTime>) -> Option<f64> {
        let m = minutes_between(a?, b?);
        if m < 0.0 {
            self.bad_intervals.negative += 1;
            return None;
        }
        self.bad_intervals.long += u64::from(m > DAY);
        Some(m)
    }

    /// Adds one call.
    pub fn add(&mut self, call: &Call, spec: &Spec) {
        self.calls += 1;
        self.bad_intervals.unreadable += u64::from(call.unreadable_times);
        self.span = Some(match self.span {
            Some((a, b)) => (a.min(call.received), b.max(call.received)),
            None => (call.received, call.received),
        });
        let priority = spec.priority(call.priority.as_deref());
        let b = block(call.received);
        let wait = self.interval(Some(call.received), call.dispatched);
        if let (Some(w), Some(p), false) = (wait, priority, call.self_initiated) {
            let by = self
                .waits
                .entry(p)
                .or_insert_with(|| vec![Histogram::default(); BLOCKS + 1]);
            by[b].record(w);
            by[BLOCKS].record(w);
            self.processing.entry(p).or_default().add(w);
        }
        let negative = call.unit_busy.iter().filter(|x| **x < 0.0).count() as u64;
        self.bad_intervals.negative += negative;
        self.bad_intervals.long += call.unit_busy.iter().filter(|x| **x > DAY).count() as u64;
        let busy: f64 = call.unit_busy.iter().filter(|x| **x >= 0.0).sum();
        self.busy_by_block[b] += busy;
        // Self-initiated work is background work, whatever its call type.
        let crisis = Self::is_crisis(spec, &call.call_type) && !call.self_initiated;
        let travel = self.interval(call.dispatched, call.arrived);
        let response = self.interval(Some(call.received), call.arrived);
        let scene = self.interval(call.arrived, call.cleared);
        let f = |x: Option<f64>| x.map_or(f32::NAN, |v| v as f32);
        if !call.self_initiated {
            self.observations.push(Observation {
                priority,
                block: b as u8,
                day: call.received.num_days_from_ce().max(0) as u32,
                crisis,
                intervals: [f(wait), f(travel), f(response), f(scene)],
            });
        }
        if !crisis {
            self.add_other(call, priority);
            return;
        }
        if let Some(person) = &call.person
            && let Some(before) = self.last_crisis.insert(person.clone(), call.received)
        {
            self.repeats += 1;
            self.repeat_gaps
                .add(minutes_between(before, call.received).abs());
        }
        self.add_crisis(call, travel, scene, spec);
    }

    fn add_other(&mut self, call: &Call, priority: Option<u32>) {
        let stream = if call.self_initiated {
            self.self_initiated += 1;
            &mut self.self_stream
        } else {
            self.background += 1;
            *self.other_types.entry(call.call_type.clone()).or_default() += 1;
            self.streams.entry(priority).or_default()
        };
        stream.calls += 1;
        stream.jobs += u64::from(call.units);
        stream.by_hour[call.received.hour() as usize] += 1;
        for b in call.unit_busy.iter().filter(|x| **x >= 0.0) {
            stream.busy.add(*b);
        }
    }

    fn add_crisis(&mut self, call: &Call, travel: Option<f64>, scene: Option<f64>, spec: &Spec) {
        let at = call.received;
        let hour = at.weekday().num_days_from_monday() as usize * 24 + at.hour() as usize;
        self.by_hour_of_week[hour] += 1;
        let agency = call.agency.clone();
        if let Some(t) = travel {
            self.travel.add(t);
            if let Some(p) = spec.priority(call.priority.as_deref()) {
                self.travel_by_priority.entry(p).or_default().add(t);
            }
        }
        if let Some(b) = call.unit_busy.first().filter(|x| **x >= 0.0) {
            self.busy.entry(agency.clone()).or_default().add(*b);
        }
        let tally = self.types.entry(call.call_type.clone()).or_default();
        tally.calls += 1;
        if let Some(p) = &call.priority {
            *tally.priorities.entry(p.clone()).or_default() += 1;
        }
        if let Some(p) = spec.priority(call.priority.as_deref()) {
            *tally.model_priorities.entry(p).or_default() += 1;
        }
        *tally.agencies.entry(agency.clone()).or_default() += 1;
        *tally
            .units
            .entry(agency.clone())
            .or_default()
            .entry(call.units)
            .or_default() += 1;
        // A transport adds a drive and a hand-over the model draws separately.
        let transported = (call.disposition.as_deref())
            .and_then(|d| d.parse::<Disposition>().ok())
            .is_some_and(|d| d.facility().is_some());
        if spec.columns.contains_key("unit")
            && let (Some(d), Some(c)) = (call.dispatched, call.cleared)
        {
            let work = tally.unit_work.entry(agency.clone()).or_default();
            work.0 += call.unit_busy.iter().filter(|x| **x >= 0.0).sum::<f64>();
            work.1 += minutes_between(d, c).max(0.0);
        }
        // The units a call type sends work one scene, from the first arrival to the
        // last unit clearing.
        if let (Some(m), false) = (scene, transported) {
            tally.on_scene.entry(agency.clone()).or_default().add(m);
        }
        if let Some(d) = &call.disposition {
            *tally
                .outcomes
                .entry(agency)
                .or_default()
                .entry(d.clone())
                .or_default() += 1;
        }
        let zone = call.zone.clone().unwrap_or_else(|| "City".into());
        self.zones.entry(zone).or_default().add(call.place);
        if let (Some((x, y)), false) = (call.place, spec.columns.contains_key("zone")) {
            let cell = (x.floor() as i64, y.floor() as i64);
            self.cells.entry(cell).or_default().add(call.place);
        }
    }
}

/// Reads the whole file in one pass into tallies.
pub fn tally(input: impl Read, spec: &Spec, frame: &Frame) -> Result<Tally, Stop> {
    let mut t = Tally {
        by_hour_of_week: vec![0; 168],
        ..Tally::default()
    };
    let pass: Pass = read::calls(input, spec, frame, |call| t.add(call, spec))?;
    t.rows = pass.rows;
    t.unit_rows = spec.columns.contains_key("unit");
    t.dropped = pass.dropped;
    t.first_bad_time = pass.first_bad_time;
    t.first_outside = pass.first_outside;
    t.last_crisis = HashMap::new();
    Ok(t)
}
