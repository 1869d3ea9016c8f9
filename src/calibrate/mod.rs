//! `calibrate`: a scenario from a city's dispatch (CAD) export. The export is read in
//! one pass into tallies (`read`), the tallies give fitted values (`fit`), and the
//! scenario is written with a comment beside every value saying how many records it
//! rests on and how it was fitted, or that it is an assumption.

pub mod fit;
pub mod queue;
pub mod read;
pub mod tally;
pub mod times;
pub mod write;

use std::path::PathBuf;

use crate::time::DAY;

use fit::{DurationFit, fit_duration, identifier, is_police, outcome_shares};
pub use read::{Frame, Spec, Stop, first_look};
pub use tally::{Tally, tally};

/// Why dispatch records cannot be calibrated from (all bad input: exit 2).
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    /// The records cannot be read or hold nothing to fit.
    #[error("{}: {why}", path.display())]
    Records {
        /// The records file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// Ctrl-C or SIGTERM while reading: nothing was written.
    #[error("interrupted while reading the records; nothing was written")]
    Interrupted,
}

impl CalibrateError {
    /// The records or the flags that describe them are at fault (exit 2), unless the
    /// reading was interrupted.
    pub fn is_input(&self) -> bool {
        matches!(self, CalibrateError::Records { .. })
    }

    /// Reading was interrupted.
    pub fn is_interruption(&self) -> bool {
        matches!(self, CalibrateError::Interrupted)
    }

    /// The error of reading `path`.
    pub fn reading(path: &std::path::Path, stop: Stop) -> CalibrateError {
        match stop {
            Stop::Problem(why) => CalibrateError::Records {
                path: path.to_path_buf(),
                why,
            },
            Stop::Interrupted => CalibrateError::Interrupted,
        }
    }
}

/// What the planner adds to the records.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Residents of the area the records cover.
    pub population: Option<f64>,
    /// The scenario's name.
    pub name: String,
    /// What the records were, for the scenario's opening comment.
    pub source: String,
    /// Share of on-duty time the police kind is out of service, and the length of one
    /// spell, as the planner knows them (records cannot separate them from staffing).
    pub out_of_service: Option<(f64, String)>,
}

/// A crisis call type as fitted.
#[derive(Clone, Debug)]
pub struct TypeFit {
    /// Its name as written in the records.
    pub label: String,
    /// Its name in the scenario.
    pub name: String,
    /// Calls.
    pub calls: u64,
    /// Its priority: the most common (1 when the records have none or it is not a
    /// number), or, where the type is split, this part's.
    pub priority: u32,
    /// One of the parts of a call type whose calls the records give several priorities
    /// (each at least [`SPLIT_SHARE`] of them); `calls` are this part's.
    pub split: bool,
    /// The records' most common priority was below 1 and is written as 1.
    pub priority_read_as_one: bool,
    /// Agencies first on scene, most frequent first (scenario names).
    pub responders: Vec<String>,
    /// Per responder: the fitted on-scene time, if there were enough records.
    pub on_scene: Vec<(String, Option<DurationFit>)>,
    /// Per responder: outcome shares and the records they rest on.
    pub outcomes: Vec<(String, Option<fit::Shares>)>,
    /// Per responder: units sent to one call (the count most calls have).
    pub units_sent: Vec<(String, u32)>,
}

/// Where a zone's calls are, km.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    /// Mean position, east.
    pub x: f64,
    /// Mean position, north.
    pub y: f64,
    /// Radius of the disc the calls spread over.
    pub radius: f64,
}

/// Repeat crises in the records.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RepeatFit {
    /// Share of crises that were a person's second or later.
    pub share: f64,
    /// Mean days between a person's consecutive crises.
    pub gap_days: f64,
}

/// A zone as fitted.
#[derive(Clone, Debug)]
pub struct ZoneFit {
    /// Name.
    pub name: String,
    /// Crisis calls in it.
    pub calls: u64,
    /// Centre and radius, km, when the records have positions.
    pub place: Option<Place>,
}

/// Everything `calibrate` found.
#[derive(Clone, Debug)]
pub struct Calibration {
    /// The tallies.
    pub tally: Tally,
    /// Days covered.
    pub days: f64,
    /// Crisis calls.
    pub crises: u64,
    /// Hour-of-day and day-of-week weights.
    pub hourly: [f64; 24],
    /// See `hourly`.
    pub weekly: [f64; 7],
    /// Call types, most frequent first.
    pub types: Vec<TypeFit>,
    /// Zones, most calls first.
    pub zones: Vec<ZoneFit>,
    /// Responder kinds (scenario names), most calls first.
    pub kinds: Vec<String>,
    /// Dispatched → arrived of crisis calls.
    pub travel: Option<DurationFit>,
    /// Repeat share and mean gap in days, when persons are given.
    pub repeat: Option<RepeatFit>,
    /// Call processing: a first guess from the records, then fitted with the staffing.
    pub processing: Option<queue::Processing>,
    /// The other work, in streams.
    pub streams: Vec<queue::StreamFit>,
    /// A first guess of the units on duty by block of the day (75 % of the load).
    pub start_units: [u32; tally::BLOCKS],
    /// The staffing fitted by simulation, once it is.
    pub staffing: Option<queue::StaffingFit>,
}

impl Calibration {
    /// Fits everything the tallies allow, with calls clustered into at most `zones`
    /// zones when the records have positions but no zone; a file with no crisis call
    /// is refused.
    pub fn new(tally: Tally, zones: usize) -> Result<Calibration, String> {
        let crises: u64 = tally.types.values().map(|t| t.calls).sum();
        if crises == 0 {
            return Err(no_crises(&tally));
        }
        within_limits(&tally)?;
        let days = fit::days(&tally);
        let (hourly, weekly) = fit::profiles(&tally);
        let mut types: Vec<TypeFit> = tally
            .types
            .iter()
            .flat_map(|(label, t)| type_fits(label, t))
            .collect();
        types.sort_by_key(|t| std::cmp::Reverse(t.calls));
        // Two call types written differently may make the same name ("MH-1", "MH 1").
        for i in 1..types.len() {
            let mut n = 2;
            while types[..i].iter().any(|t| t.name == types[i].name) {
                types[i].name = format!("{}_{n}", identifier(&types[i].label));
                n += 1;
            }
        }
        let mut kinds: Vec<(String, u64)> = Vec::new();
        for t in tally.types.values() {
            for (a, c) in &t.agencies {
                match kinds.iter_mut().find(|k| k.0 == identifier(a)) {
                    Some(k) => k.1 += c,
                    None => kinds.push((identifier(a), *c)),
                }
            }
        }
        kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
        let spreads: Vec<(String, tally::Spread)> = if tally.cells.is_empty() {
            tally
                .zones
                .iter()
                .map(|(n, s)| (n.clone(), s.clone()))
                .collect()
        } else {
            let unplaced = tally.zones.values().map(|s| s.calls - s.n).sum::<u64>();
            let placed = crises - unplaced;
            (fit::cluster(&tally.cells, zones).into_iter().enumerate())
                .map(|(i, mut g)| {
                    // Calls without a position are shared out in proportion.
                    g.calls += unplaced * g.calls / placed.max(1);
                    (format!("Zone {}", i + 1), g)
                })
                .collect()
        };
        let mut zones: Vec<ZoneFit> = (spreads.iter())
            .map(|(name, s)| {
                let n = s.n as f64;
                let place = (s.n >= 3).then(|| {
                    let (x, y) = (s.sums[0] / n, s.sums[1] / n);
                    let var = (s.sums[2] / n - x * x) + (s.sums[3] / n - y * y);
                    Place {
                        x,
                        y,
                        radius: (2.0 * var.max(0.0)).sqrt().max(0.3),
                    }
                });
                ZoneFit {
                    name: name.clone(),
                    calls: s.calls.max(1),
                    place,
                }
            })
            .collect();
        zones.sort_by_key(|z| std::cmp::Reverse(z.calls));
        let repeat = (tally.repeats > 0).then(|| {
            let g = &tally.repeat_gaps;
            let gaps = if g.n > 0 {
                g.sum / g.n as f64 / DAY
            } else {
                60.0
            };
            RepeatFit {
                share: tally.repeats as f64 / crises as f64,
                gap_days: gaps.max(0.01),
            }
        });
        Ok(Calibration {
            days,
            crises,
            hourly,
            weekly,
            types,
            zones,
            kinds: kinds.into_iter().map(|k| k.0).collect(),
            travel: fit_duration(&tally.travel),
            repeat,
            processing: queue::processing(&tally),
            streams: queue::streams(&tally, days),
            start_units: queue::start_units(&tally, days),
            staffing: None,
            tally,
        })
    }
}

/// The records must fit a scenario: at most 64 agencies, 1,000 crisis call types and
/// 10,000 zones (the limits a scenario has).
fn within_limits(t: &Tally) -> Result<(), String> {
    let agencies: std::collections::HashSet<&String> =
        t.types.values().flat_map(|x| x.agencies.keys()).collect();
    let checks = [
        (
            agencies.len(),
            64,
            "agencies first on scene (responder kinds)",
            "--column agency",
        ),
        (
            t.types.len(),
            crate::model::limits::CALL_TYPES,
            "crisis call types",
            "--crisis-type",
        ),
        (
            t.zones.len(),
            crate::model::limits::ZONES,
            "zones",
            "--column zone",
        ),
    ];
    for (n, most, what, flag) in checks {
        if n > most {
            return Err(format!(
                "the records have {n} {what}, more than the {most} a scenario may have; \
                 check {flag}, or group them in the export first"
            ));
        }
    }
    Ok(())
}

fn no_crises(t: &Tally) -> String {
    let mut common: Vec<(&String, &u64)> = t.other_types.iter().collect();
    common.sort_by(|a, b| b.1.cmp(a.1));
    let names: Vec<String> = common
        .iter()
        .take(8)
        .map(|(n, c)| format!("{n} ({c})"))
        .collect();
    format!(
        "no crisis call found among {} readable records: no call type matches --crisis-type{}; \
         the most common call types are: {}",
        t.rows - t.dropped.no_received - t.dropped.bad_received,
        if t.first_bad_time.is_some() && t.span.is_none() {
            " (and no received time could be read)"
        } else {
            ""
        },
        if names.is_empty() {
            "none".into()
        } else {
            names.join(", ")
        }
    )
}

/// Least share of a call type's calls at one priority for it to be a call type of its
/// own in the scenario (and at least [`queue::MIN_CALLS`] calls).
pub const SPLIT_SHARE: f64 = 0.1;

/// A call type, or one per priority where the records give its calls several: the
/// model gives each call type one priority, and the queue depends on the mix. The
/// parts share the type's scene times, outcomes and units sent; calls of a priority
/// too rare to be a part count with the most common.
fn type_fits(label: &str, t: &tally::TypeTally) -> Vec<TypeFit> {
    let whole = type_fit(label, t);
    let parts: Vec<(u32, u64)> = (t.model_priorities.iter())
        .filter(|(_, c)| **c >= queue::MIN_CALLS && **c as f64 >= SPLIT_SHARE * t.calls as f64)
        .map(|(p, c)| (*p, *c))
        .collect();
    if parts.len() < 2 {
        return vec![whole];
    }
    let kept: u64 = parts.iter().map(|(_, c)| c).sum();
    parts
        .into_iter()
        .map(|(p, c)| TypeFit {
            name: format!("{}_p{p}", whole.name),
            calls: c + if p == whole.priority {
                t.calls - kept
            } else {
                0
            },
            priority: p,
            split: true,
            ..whole.clone()
        })
        .collect()
}

fn type_fit(label: &str, t: &tally::TypeTally) -> TypeFit {
    let mut agencies: Vec<(&String, &u64)> = t.agencies.iter().collect();
    agencies.sort_by(|a, b| b.1.cmp(a.1));
    let responders: Vec<String> = agencies.iter().map(|(a, _)| identifier(a)).collect();
    // The scenario priority the records give most often (`--priority` maps values that
    // are not numbers; a 0 or less counts as 1, the most urgent).
    let priority = (t.model_priorities.iter())
        .max_by_key(|(_, c)| **c)
        .map_or(1, |(p, _)| *p);
    let by = |a: &str| {
        agencies
            .iter()
            .find(|(x, _)| identifier(x) == a)
            .map(|(x, _)| x.as_str())
    };
    TypeFit {
        label: label.to_string(),
        name: identifier(label),
        calls: t.calls,
        priority,
        split: false,
        priority_read_as_one: (t.priorities.iter())
            .max_by_key(|(_, c)| **c)
            .and_then(|(p, _)| p.trim().parse::<i64>().ok())
            .is_some_and(|p| p < 1),
        on_scene: (responders.iter())
            .map(|r| {
                (
                    r.clone(),
                    by(r).and_then(|a| t.on_scene.get(a)).and_then(fit_duration),
                )
            })
            .collect(),
        outcomes: (responders.iter())
            .map(|r| {
                (
                    r.clone(),
                    by(r)
                        .and_then(|a| t.outcomes.get(a))
                        .and_then(outcome_shares),
                )
            })
            .collect(),
        units_sent: (responders.iter())
            .map(|r| (r.clone(), by(r).map_or(1, |a| queue::units_sent(t, a))))
            .collect(),
        responders,
    }
}

impl Calibration {
    /// What the planner should know about the records: rows left out as strays,
    /// priorities read as 1.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let d = &self.tally.dropped;
        if d.outside_period > 0 {
            out.push(format!(
                "{} rows dated outside the records' main period (e.g. `{}`) were left out",
                d.outside_period,
                self.tally.first_outside.as_deref().unwrap_or_default()
            ));
        }
        let low: Vec<&str> = (self.types.iter())
            .filter(|t| t.priority_read_as_one)
            .map(|t| t.label.as_str())
            .collect();
        if !low.is_empty() {
            out.push(format!(
                "the most common priority of {} is below 1; it is written as 1, the most urgent",
                low.join(", ")
            ));
        }
        out
    }

    /// The scenario, as TOML text with a comment beside every value.
    pub fn scenario(&self, s: &Settings) -> String {
        write::scenario(self, s)
    }

    /// The kind that answers what the others do not: the first whose name reads as
    /// police, else the busiest.
    pub fn police_kind(&self) -> usize {
        self.kinds.iter().position(|k| is_police(k)).unwrap_or(0)
    }

    /// Units of kind `k` busy on crisis calls on average: its dispatched → cleared time
    /// in the records (calls without those times counted at the mean of those with them).
    fn crisis_load(&self, k: &str) -> f64 {
        let calls: u64 = (self.tally.types.values())
            .flat_map(|t| t.agencies.iter())
            .filter(|(a, _)| identifier(a) == k)
            .map(|(_, c)| c)
            .sum();
        let (mut sum, mut n) = (0.0, 0);
        for (_, d) in self.tally.busy.iter().filter(|(a, _)| identifier(a) == k) {
            (sum, n) = (sum + d.sum, n + d.n);
        }
        let per_call = if n > 0 { sum / n as f64 } else { 60.0 };
        calls as f64 * per_call / (self.days * DAY)
    }
}
