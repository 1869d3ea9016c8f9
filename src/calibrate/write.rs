//! The calibrated scenario as a TOML document, built with `toml_edit`: every string
//! from the records is a quoted value by construction, and every note beside a value
//! is a comment made safe (one line, no control characters), so nothing the records
//! hold can become a key.

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value, value};

use super::tally::BLOCK_HOURS;
use super::{Calibration, Settings, TypeFit};
use crate::model::{Disposition, FacilityKind};
use crate::time::HOUR;

/// Longest comment written beside a value.
const COMMENT_CHARS: usize = 300;

/// `text` as a comment: one line, control characters as spaces, at most 300 characters.
pub fn comment(text: &str) -> String {
    let mut line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(COMMENT_CHARS)
        .collect();
    if text.chars().count() > COMMENT_CHARS {
        line.push('…');
    }
    line
}

/// A value with a comment after it on its line.
fn noted(v: impl Into<Value>, note: &str) -> Item {
    let mut v: Value = v.into();
    v.decor_mut().set_suffix(format!("   # {}", comment(note)));
    Item::Value(v)
}

/// `x` rounded to `digits` decimals (as a float, so TOML writes it with a point).
fn round(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

/// Shares to six decimals that sum to exactly 1: the largest takes the rounding.
pub fn whole(shares: &[f64]) -> Vec<f64> {
    let mut micro: Vec<i64> = shares.iter().map(|s| (s * 1e6).round() as i64).collect();
    let rest = 1_000_000 - micro.iter().sum::<i64>();
    if let Some(i) = (0..micro.len()).max_by_key(|&i| micro[i]) {
        micro[i] += rest;
    }
    micro.iter().map(|m| *m as f64 / 1e6).collect()
}

fn numbers(values: &[f64], digits: i32) -> Array {
    values.iter().map(|v| round(*v, digits)).collect()
}

/// A table whose keys are written dotted under its parent (`on_scene.police = …`).
fn dotted() -> Table {
    let mut t = Table::new();
    t.set_dotted(true);
    t
}

/// Comment lines above a table or key: each line made safe.
fn lines_above(lines: &[String]) -> String {
    let mut out = String::new();
    for l in lines {
        out.push_str("# ");
        out.push_str(&comment(l));
        out.push('\n');
    }
    out
}

/// The scenario, with a comment beside every value saying what it rests on.
pub fn scenario(c: &Calibration, s: &Settings) -> String {
    let mut doc = DocumentMut::new();
    doc.insert("scenario", Item::Table(head(c, s)));
    doc.insert("zones", Item::ArrayOfTables(zones(c, s)));
    doc.insert("travel", Item::Table(travel(c)));
    doc.insert("demand", Item::Table(demand(c, s)));
    if let Some(t) = intake(c) {
        doc.insert("intake", Item::Table(t));
    }
    let mut types = ArrayOfTables::new();
    for t in &c.types {
        types.push(call_type(c, t));
    }
    doc.insert("call_types", Item::ArrayOfTables(types));
    doc.insert("facilities", Item::ArrayOfTables(facilities(c)));
    doc.insert("responders", Item::ArrayOfTables(responders(c, s)));
    if let Some(p) = prevention(c) {
        doc.insert("prevention", Item::Table(p));
    }
    doc.to_string()
}

fn head(c: &Calibration, s: &Settings) -> Table {
    let t = &c.tally;
    let d = &t.dropped;
    let mut table = Table::new();
    let intro = [
        s.name.clone(),
        format!(
            "Calibrated by `crisis-sim calibrate` from {}: {} rows, {} crisis calls and {} other \
             calls over {:.1} days.",
            s.source, t.rows, c.crises, t.background, c.days
        ),
        format!(
            "Left out: {} without a received time, {} with an unreadable one, {} duplicates, {} \
             unreadable rows, {} dated outside the records' main period.",
            d.no_received, d.bad_received, d.duplicate, d.malformed, d.outside_period
        ),
        "Every value says what it rests on; \"assumption\" marks what dispatch records cannot \
         give (staffing, facilities, costs): replace those with local figures."
            .into(),
    ];
    table.decor_mut().set_prefix(lines_above(&intro));
    table.insert("name", value(s.name.as_str()));
    let warmup = if c.repeat.is_some() { 365 } else { 30 };
    table.insert("days", noted(365, "assumption: a year measured"));
    table.insert(
        "warmup_days",
        noted(
            warmup,
            "assumption: long enough for queues (and repeat crises) to settle",
        ),
    );
    table.insert("replications", value(20));
    table.insert("seed", value(1));
    table
}

/// Residents: given, or an assumption of 100,000.
fn population(s: &Settings) -> f64 {
    s.population.unwrap_or(100_000.0)
}

fn zones(c: &Calibration, s: &Settings) -> ArrayOfTables {
    let total: u64 = c.zones.iter().map(|z| z.calls).sum();
    // Zones without positions are laid out on a grid 6 km apart.
    let columns = (c.zones.len() as f64).sqrt().ceil().max(1.0) as usize;
    let mut out = ArrayOfTables::new();
    for (i, z) in c.zones.iter().enumerate() {
        let share = z.calls as f64 / total.max(1) as f64;
        let mut t = Table::new();
        t.insert("name", value(z.name.as_str()));
        let how = match s.population {
            Some(_) => "--population".to_string(),
            None => "assumption: 100,000 residents".to_string(),
        };
        let hint = if s.population.is_some() {
            ""
        } else {
            "; give --population for rates per resident"
        };
        t.insert(
            "population",
            noted(
                (population(s) * share).max(1.0).round() as i64,
                &format!(
                    "{how} × its share of crisis calls ({} of {total}){hint}",
                    z.calls
                ),
            ),
        );
        match z.place {
            Some(super::Place { x, y, radius: r }) => {
                t.insert("x_km", noted(round(x, 3), "mean position of its calls"));
                t.insert("y_km", value(round(y, 3)));
                t.insert(
                    "radius_km",
                    noted(
                        round(r, 2),
                        "calls spread as over a disc of this radius (from their variance)",
                    ),
                );
            }
            None => {
                let (col, row) = (i % columns, i / columns);
                t.insert(
                    "x_km",
                    noted(
                        6.0 * col as f64,
                        "assumption: the records give no positions",
                    ),
                );
                t.insert("y_km", value(6.0 * row as f64));
                t.insert("radius_km", noted(3.0, "assumption"));
            }
        }
        out.push(t);
    }
    out
}

/// The speed that makes the drive from a zone's centre (where idle units wait) to a
/// call spread over a disc of radius R, 2R/3 on average, take the records' mean drive.
pub fn first_speed(mean_drive: f64, turnout: f64, circuity: f64, radius: f64) -> f64 {
    (circuity * 2.0 / 3.0 * radius / ((mean_drive - turnout) / HOUR)).clamp(5.0, 120.0)
}

fn travel(c: &Calibration) -> Table {
    let turnout = 2.0;
    let circuity = 1.3;
    let radius = c
        .zones
        .iter()
        .map(|z| z.place.map_or(3.0, |p| p.radius))
        .sum::<f64>()
        / c.zones.len().max(1) as f64;
    let mut t = Table::new();
    match &c.travel {
        Some(fit) if fit.mean > turnout + 0.5 => {
            let first = first_speed(fit.mean, turnout, circuity, radius);
            let (speed, how) = match &c.staffing {
                Some(f) => (
                    first * f.speed_factor,
                    format!(
                        "; then corrected by simulation so that the simulated drives match \
                         them (before: mean {:.1} min)",
                        f.simulated_travel.unwrap_or(f64::NAN)
                    ),
                ),
                None => (first, String::new()),
            };
            t.insert(
                "speed_kmh",
                noted(
                    round(speed.clamp(5.0, 120.0), 1),
                    &format!(
                        "from {} dispatched→arrived times (mean {:.1} min, median {:.1}), less the \
                         turnout, over the distance from a zone's centre to a call in it{how}",
                        fit.n, fit.mean, fit.empirical[0]
                    ),
                ),
            );
        }
        _ => {
            t.insert(
                "speed_kmh",
                noted(
                    40.0,
                    "assumption: the records give too few dispatched→arrived times",
                ),
            );
        }
    }
    t.insert("circuity", noted(circuity, "assumption"));
    t.insert("turnout", noted(format!("{turnout}min"), "assumption"));
    match c.staffing.as_ref().and_then(|f| f.noise_cv) {
        Some((cv, records)) => t.insert(
            "noise_cv",
            noted(
                round(cv, 2),
                &format!(
                    "fitted by simulation so that drives spread as the records' do (their \
                     driving part's coefficient of variation: {records:.2})"
                ),
            ),
        ),
        None => t.insert("noise_cv", noted(0.3, "assumption")),
    };
    if let Some(by) = priority_speeds(c, turnout, circuity, radius) {
        t.insert("speed_kmh_by_priority", by);
    }
    t
}

/// Speeds to calls of each priority whose drives differ from the rest (lights and
/// sirens), when the staffing was fitted: the first speed times the factor that made
/// that priority's simulated drives match the records'.
fn priority_speeds(c: &Calibration, turnout: f64, circuity: f64, radius: f64) -> Option<Item> {
    let fit = c.staffing.as_ref()?;
    let travel = c.travel.as_ref()?;
    let first = first_speed(travel.mean, turnout, circuity, radius);
    let mut speeds = InlineTable::new();
    let mut parts = Vec::new();
    for (p, f) in &fit.priority_speed_factors {
        // Within 5 % of the common speed, a priority keeps it.
        if (f / fit.speed_factor - 1.0).abs() <= 0.05 {
            continue;
        }
        let n = c.tally.travel_by_priority.get(p).map_or(0, |d| d.n);
        speeds.insert(
            p.to_string(),
            round((first * f).clamp(5.0, 120.0), 1).into(),
        );
        parts.push(format!("priority {p}: {n}"));
    }
    (!speeds.is_empty()).then(|| {
        noted(
            speeds,
            &format!(
                "fitted by simulation so that each priority's simulated drives match its \
                 dispatched→arrived times in the records ({})",
                parts.join(", ")
            ),
        )
    })
}

fn demand(c: &Calibration, s: &Settings) -> Table {
    let per_day = c.crises as f64 / c.days;
    let first = per_day * (1.0 - c.repeat.map_or(0.0, |r| r.share));
    let rate = first / population(s) * 100_000.0;
    let mut t = Table::new();
    let repeats = c.repeat.map_or(String::new(), |r| {
        let p = r.share;
        format!(
            ", of which {:.1} % repeats (modelled below), so first crises are {first:.2} a day",
            100.0 * p
        )
    });
    let per = if s.population.is_some() {
        ""
    } else {
        " (per 100,000 assumed residents)"
    };
    t.insert(
        "crises_per_100k_per_day",
        noted(
            round(rate, 4),
            &format!(
                "{} crisis calls over {:.1} days = {per_day:.2} a day{repeats}{per}",
                c.crises, c.days
            ),
        ),
    );
    t.insert(
        "hourly",
        noted(
            numbers(&c.hourly, 3),
            &format!(
                "crisis calls by hour of day, as weights averaging 1 ({} calls)",
                c.crises
            ),
        ),
    );
    t.insert(
        "weekly",
        noted(numbers(&c.weekly, 3), "by day, Monday first"),
    );
    t
}

fn call_type(c: &Calibration, t: &TypeFit) -> Table {
    let shares: Vec<f64> = c
        .types
        .iter()
        .map(|x| x.calls as f64 / c.crises as f64)
        .collect();
    let i = c.types.iter().position(|x| x.name == t.name).unwrap_or(0);
    let mut table = Table::new();
    table.insert(
        "name",
        noted(t.name.as_str(), &format!("records: {}", t.label)),
    );
    table.insert(
        "share",
        noted(
            whole(&shares)[i],
            &format!("{} of {} crisis calls", t.calls, c.crises),
        ),
    );
    table.insert(
        "priority",
        noted(
            i64::from(t.priority),
            if t.split {
                "its records' calls of this priority are this call type"
            } else {
                "the most common priority in its records"
            },
        ),
    );
    let responders: Array = t.responders.iter().map(String::as_str).collect();
    table.insert(
        "responders",
        noted(responders, "agencies first on scene, most frequent first"),
    );
    if t.responders.len() > 1 {
        table.insert(
            "fallback_after",
            noted("15min", "assumption: dispatch rules are not in the records"),
        );
    }
    let mut on_scene = dotted();
    for (k, fit) in &t.on_scene {
        let item = match fit {
            Some(f) => noted(
                f.text(),
                &f.note(
                    "arrived→cleared times without a transport (first unit on scene to last clear)",
                ),
            ),
            None => noted(
                "lognormal(45min, 25min)",
                "assumption: fewer than 5 usable arrived→cleared times",
            ),
        };
        on_scene.insert(k, item);
    }
    table.insert("on_scene", Item::Table(on_scene));
    let mut outcomes = dotted();
    for (k, shares) in &t.outcomes {
        let item = match shares {
            Some((parts, n)) => {
                let values: Vec<f64> = parts.iter().map(|(_, p)| *p).collect();
                let mut mix = InlineTable::new();
                for ((d, _), p) in parts.iter().zip(whole(&values)) {
                    mix.insert(*d, p.into());
                }
                noted(mix, &format!("from {n} dispositions"))
            }
            None => {
                let mut mix = InlineTable::new();
                mix.insert(Disposition::ResolvedOnScene.name(), 1.0.into());
                noted(
                    mix,
                    "assumption: the records name no disposition the model knows",
                )
            }
        };
        outcomes.insert(k, item);
    }
    table.insert("outcomes", Item::Table(outcomes));
    let mut sent = dotted();
    for (k, n) in t.units_sent.iter().filter(|(_, n)| *n > 1) {
        sent.insert(
            k,
            noted(
                i64::from(*n),
                if c.tally.unit_rows {
                    "its units' busy minutes over its calls' (dispatched to cleared), rounded: \
                     they work one scene together"
                } else {
                    "the number of units most of its calls had in the records"
                },
            ),
        );
    }
    if !sent.is_empty() {
        table.insert("units_sent", Item::Table(sent));
    }
    table
}

/// Whether any call type's outcomes use disposition `d`.
fn uses(c: &Calibration, d: Disposition) -> bool {
    c.types.iter().any(|t| {
        t.outcomes.iter().any(|(_, o)| {
            o.as_ref()
                .is_some_and(|(p, _)| p.iter().any(|(x, _)| *x == d.name()))
        })
    })
}

fn facilities(c: &Calibration) -> ArrayOfTables {
    let zone = c.zones[0].name.as_str();
    let mut out = ArrayOfTables::new();
    for (d, kind, name, handoff) in [
        (
            Disposition::EmergencyDepartment,
            FacilityKind::EmergencyDepartment,
            "Emergency department",
            "45min, 20min",
        ),
        (
            Disposition::CrisisCenter,
            FacilityKind::CrisisCenter,
            "Crisis centre",
            "15min, 8min",
        ),
        (
            Disposition::Arrest,
            FacilityKind::Jail,
            "Jail",
            "45min, 20min",
        ),
    ] {
        if uses(c, d) {
            let mut t = Table::new();
            t.insert("name", value(name));
            t.insert("kind", value(kind.name()));
            t.insert("zone", noted(zone, "assumption: where it is"));
            t.insert(
                "handoff",
                noted(format!("lognormal({handoff})"), "assumption"),
            );
            out.push(t);
        }
    }
    out
}

/// The block of the day `b` as `"HH:MM"` to `"HH:MM"`.
fn block_window(b: usize) -> (String, String) {
    let hours = BLOCK_HOURS as usize;
    let from = format!("{:02}:00", b * hours);
    let to = format!("{:02}:00", ((b + 1) * hours) % 24);
    (from, to)
}

/// The kind's shifts, one per block of the day: fitted by simulation when they were,
/// else a first guess from the load.
fn block_shifts(c: &Calibration, s: &Settings) -> Item {
    let units = c.staffing.as_ref().map_or(c.start_units, |f| f.units);
    let mut shifts = Array::new();
    for (b, n) in units.iter().enumerate() {
        let (from, to) = block_window(b);
        let mut shift = InlineTable::new();
        shift.insert("from", from.into());
        shift.insert("to", to.into());
        shift.insert("units", i64::from(*n).into());
        shifts.push(shift);
    }
    let busy = super::queue::busy_by_block(&c.tally, c.days);
    let load: Vec<String> = busy.iter().map(|x| format!("{x:.1}")).collect();
    let on_duty = if s.out_of_service.is_some() {
        "the units on duty (with the out-of-service share below)"
    } else {
        "the units in service (no out-of-service share was given, so those out of service \
         are not counted)"
    };
    let note = match &c.staffing {
        Some(f) => format!(
            "fitted: {on_duty} in each block of the day for which the simulated wait for \
             dispatch, by priority, matches the records' (quartiles and 90th percentile, {} \
             targets; see the calibration report); units busy in the records by block: {}",
            f.evidence.len(),
            load.join(", ")
        ),
        None => format!(
            "assumption: enough for 75 % of the records' work in each block (units busy by \
             block: {}); the records give no waits for dispatch to fit it to",
            load.join(", ")
        ),
    };
    noted(shifts, &note)
}

/// The other work as background streams, one per priority, self-initiated work last
/// (a priority-1 call may interrupt it).
fn background(c: &Calibration) -> Option<Item> {
    if c.streams.is_empty() {
        return None;
    }
    let lowest = c
        .streams
        .iter()
        .filter_map(|s| s.priority)
        .max()
        .unwrap_or(1);
    let mut list = Array::new();
    let mut parts = Vec::new();
    for st in &c.streams {
        let mut b = InlineTable::new();
        b.insert("per_hour", round(st.per_hour, 3).into());
        if st.units > 1 {
            b.insert("units", i64::from(st.units).into());
        }
        let service = (st.service.as_ref()).map_or("gamma(40min, 25min)".into(), |f| f.text());
        b.insert("service", service.into());
        if let Some(w) = &st.hourly {
            let weights: Array = w.iter().map(|x| round(*x, 3)).collect();
            b.insert("hourly", weights.into());
        }
        let priority = if st.self_initiated {
            lowest + 1
        } else {
            st.priority.unwrap_or(2)
        };
        b.insert("priority", i64::from(priority).into());
        if st.self_initiated {
            b.insert("preemptible_by", 1.into());
        }
        list.push(b);
        parts.push(format!(
            "{}: {} calls{}",
            if st.self_initiated {
                "self-initiated".to_string()
            } else {
                st.priority
                    .map_or("no priority (2: assumption)".into(), |p| {
                        format!("priority {p}")
                    })
            },
            st.calls,
            st.service
                .as_ref()
                .map_or(" (service: assumption)".to_string(), |f| {
                    format!(", service {} from {} unit jobs", f.method.how(), st.n)
                })
        ));
    }
    Some(noted(
        list,
        &format!(
            "other calls over {:.1} days, by priority: calls an hour, each taking the units \
             the records' calls took on average (rounded; the calls an hour keep the records' \
             unit jobs an hour): {}; hourly weights where a stream has {} calls or more",
            c.days,
            parts.join("; "),
            super::queue::MIN_HOURLY_CALLS
        ),
    ))
}

fn responders(c: &Calibration, s: &Settings) -> ArrayOfTables {
    let police = c.police_kind();
    let zones: Array = c.zones.iter().map(|z| z.name.as_str()).collect();
    let mut out = ArrayOfTables::new();
    for (i, k) in c.kinds.iter().enumerate() {
        let role = if i == police { "police" } else { "civilian" };
        let mut r = Table::new();
        r.insert("name", value(k.as_str()));
        r.insert(
            "role",
            noted(
                role,
                if role == "police" {
                    "the agency that answers what the others do not"
                } else {
                    "a civilian team"
                },
            ),
        );
        r.insert("home", value(zones.clone()));
        r.insert("cost_per_hour", noted(95.0, "assumption"));
        if i == police {
            r.insert("shifts", block_shifts(c, s));
            if let Some((share, spell)) = &s.out_of_service {
                let mut u = InlineTable::new();
                u.insert("share", (*share).into());
                u.insert("spell", spell.as_str().into());
                r.insert(
                    "unavailable",
                    noted(u, "given by the planner (--out-of-service): records cannot tell it from fewer units"),
                );
            }
            if let Some(b) = background(c) {
                r.insert("background", b);
            }
        } else {
            let load = c.crisis_load(k);
            let units = (load / 0.6).ceil().max(1.0) as i64;
            r.insert(
                "units",
                noted(
                    units,
                    &format!(
                        "assumption: enough for 60 % of its busy time in the records ({load:.1} \
                         units busy on average); replace with its rosters"
                    ),
                ),
            );
        }
        out.push(r);
    }
    out
}

/// `[intake]`: call processing, fitted with the staffing.
fn intake(c: &Calibration) -> Option<Table> {
    let f = c.processing.as_ref()?;
    let [p10, p50, p90] = f.records;
    let how = if f.simulated {
        "fitted by simulation with the units on duty: the lognormal that, with them, gives \
         the waits for dispatch of the calendar blocks and priorities (see the calibration \
         report)"
    } else {
        "assumption: a first guess, not fitted by simulation"
    };
    let first = f.first();
    let mut t = Table::new();
    t.insert(
        "processing",
        noted(
            first.text(),
            &format!(
                "{how}; median {:.1} min, 90th percentile {:.1}; the records' waits of {} \
                 priority-{} calls, which include queueing: 10th percentile {p10:.1}, median \
                 {p50:.1}, 90th {p90:.1}",
                first.median,
                first.p90(),
                f.n,
                f.priority
            ),
        ),
    );
    let mut by = InlineTable::new();
    for p in f.differing() {
        by.insert(p.priority.to_string(), p.text().into());
    }
    if !by.is_empty() {
        t.insert(
            "processing_by_priority",
            noted(
                by,
                "fitted with the rest: priorities whose calls are processed faster or slower",
            ),
        );
    }
    Some(t)
}

fn prevention(c: &Calibration) -> Option<Table> {
    let super::RepeatFit {
        share: p,
        gap_days: gap,
    } = c.repeat?;
    let mut t = Table::new();
    let why = [
        format!(
            "{} of {} crisis calls were a person's second or later in the records: that share is",
            c.tally.repeats, c.crises
        ),
        "each crisis's chance of another, the same whatever its outcome (the records alone".into(),
        "cannot tell the effect of an outcome). People whose earlier crisis came before the".into(),
        format!(
            "records began count as first crises, and gaps longer than the records' {:.0} days",
            c.days
        ),
        "cannot be seen: both the share and the delay are low, the more so the shorter the records."
            .into(),
    ];
    let mut repeat = InlineTable::new();
    for d in Disposition::ALL {
        repeat.insert(d.name(), round(p, 4).into());
    }
    t.insert("repeat", value(repeat));
    if let Some(mut key) = t.key_mut("repeat") {
        key.leaf_decor_mut().set_prefix(lines_above(&why));
    }
    t.insert(
        "repeat_delay",
        noted(
            format!("exp({gap:.3}d)"),
            "mean gap between a person's consecutive crises in the records",
        ),
    );
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_stay_on_their_line() {
        assert_eq!(comment("a\nuse_of_force = 1\r"), "a use_of_force = 1 ");
        assert_eq!(comment(&"x".repeat(400)).chars().count(), COMMENT_CHARS + 1);
    }

    #[test]
    fn shares_sum_to_exactly_one() {
        let w = whole(&[1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]);
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let mut doc = Table::new();
        doc.insert("k", noted("v\"\n[costs]", "note\n[costs]\ned_visit = 1"));
        let text = doc.to_string();
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed.len(), 1, "{text}");
        assert_eq!(parsed["k"].as_str(), Some("v\"\n[costs]"));
    }
}
