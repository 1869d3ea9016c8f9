//! The incident trace as a dispatch (CAD) export: one row per incident with the
//! columns `calibrate` reads back, times as wall-clock timestamps from a fixed start.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use super::validation::{BLOCK_HOURS, Observation};
use crate::model::{Model, Role};
use crate::sim::trace::{BackgroundRow, Ending, TraceRow};
use crate::time::{DAY, Minutes};

/// The columns of `incidents.csv`, in order.
pub const COLUMNS: [&str; 19] = [
    "incident",
    "person",
    "crisis_number",
    "channel",
    "call_type",
    "priority",
    "zone",
    "x_km",
    "y_km",
    "received",
    "dispatched",
    "arrived",
    "cleared",
    "first_kind",
    "police_involved",
    "disposition",
    "units",
    "self_initiated",
    "first_contact",
];

/// Simulated minute 0 (the start of the warm-up) on the trace's calendar: Monday
/// 1 January 2024, 00:00, so that weekdays in the trace are the model's weekdays.
pub fn start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

/// `YYYY-MM-DD hh:mm:ss` for simulated minute `at`, to the second.
pub fn timestamp(at: Minutes) -> String {
    let seconds = (at * 60.0).round() as i64; // minutes to seconds
    (start() + TimeDelta::seconds(seconds))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn ending(e: Ending) -> &'static str {
    match e {
        Ending::Open => "",
        Ending::Disposition(d) => d.name(),
        Ending::Phone => "resolved_by_phone",
        Ending::Cancelled => "cancelled",
        Ending::HungUp => "hung_up",
    }
}

/// The call type background jobs have in the trace.
pub const OTHER: &str = "other";

/// The trace's rows as text, in the order of `COLUMNS`: the incidents and the
/// background jobs (call type `other`, no place, no arrival), in order of arrival and
/// numbered in that order. Rows are made one at a time as they are read.
pub fn rows<'a>(
    model: &'a Model,
    trace: &'a [TraceRow],
    background: &'a [BackgroundRow],
) -> impl Iterator<Item = Vec<String>> + 'a {
    // The simulation keeps them in the order they ended: put them in order of arrival.
    let mut order: Vec<(Minutes, bool, usize)> = (trace.iter().enumerate())
        .map(|(i, r)| (r.received, false, i))
        .chain(
            background
                .iter()
                .enumerate()
                .map(|(i, b)| (b.received, true, i)),
        )
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    (order.into_iter().enumerate()).map(move |(n, (_, other, i))| {
        let mut row = if other {
            background_row(model, &background[i])
        } else {
            incident_row(model, &trace[i])
        };
        row[0] = (n + 1).to_string();
        row
    })
}

fn incident_row(model: &Model, r: &TraceRow) -> Vec<String> {
    let time = |t: Option<Minutes>| t.map_or(String::new(), timestamp);
    let ct = &model.call_types[usize::from(r.call_type)];
    vec![
        String::new(),
        r.person.to_string(),
        r.crisis_number.to_string(),
        if r.hotline { "988" } else { "911" }.to_string(),
        ct.name.clone(),
        ct.priority.to_string(),
        model.zones[usize::from(r.zone)].name.clone(),
        format!("{:.3}", r.pos.x),
        format!("{:.3}", r.pos.y),
        timestamp(r.received),
        time(r.dispatched),
        time(r.arrived),
        time(r.cleared),
        r.first_kind
            .map_or(String::new(), |k| model.kinds[usize::from(k)].name.clone()),
        u8::from(r.police).to_string(),
        ending(r.ending).to_string(),
        r.units.to_string(),
        "N".into(),
        timestamp(r.first_contact),
    ]
}

fn background_row(model: &Model, b: &BackgroundRow) -> Vec<String> {
    let kind = &model.kinds[usize::from(b.kind)];
    let priority = if b.priority == u32::MAX {
        String::new()
    } else {
        b.priority.to_string()
    };
    vec![
        String::new(),
        String::new(),
        String::new(),
        "911".into(),
        OTHER.into(),
        priority,
        String::new(),
        String::new(),
        String::new(),
        timestamp(b.received),
        timestamp(b.dispatched),
        String::new(),
        timestamp(b.cleared),
        kind.name.clone(),
        u8::from(kind.role == Role::Police).to_string(),
        String::new(),
        "1".into(),
        if b.self_initiated { "Y" } else { "N" }.into(),
        timestamp(b.received),
    ]
}

/// The block of the day (of [`BLOCKS`] blocks of [`BLOCK_HOURS`] hours) of simulated
/// minute `at`.
pub fn block(at: Minutes) -> u8 {
    (crate::time::hour_of_day(at) as u32 / BLOCK_HOURS) as u8
}

/// What validation compares of each call of a traced replication, as calibration reads
/// it from records: crises with their priority and intervals, background jobs with
/// their priority and wait for dispatch.
pub fn observations(
    model: &Model,
    trace: &[TraceRow],
    background: &[BackgroundRow],
) -> Vec<Observation> {
    let gap = |a: Option<Minutes>, b: Option<Minutes>| match (a, b) {
        (Some(a), Some(b)) if b >= a => (b - a) as f32,
        _ => f32::NAN,
    };
    let crises = trace.iter().map(|r| {
        let received = Some(r.received);
        Observation {
            priority: Some(model.call_types[usize::from(r.call_type)].priority),
            block: block(r.received),
            day: (r.received / DAY) as u32,
            crisis: true,
            intervals: [
                gap(received, r.dispatched),
                gap(r.dispatched, r.arrived),
                gap(received, r.arrived),
                gap(r.arrived, r.cleared),
            ],
        }
    });
    // Self-initiated work waits for no dispatch: it is left out, as calibrate leaves
    // it out of the records' waits.
    let other = background
        .iter()
        .filter(|b| !b.self_initiated)
        .map(|b| Observation {
            priority: (b.priority != u32::MAX).then_some(b.priority),
            block: block(b.received),
            day: (b.received / DAY) as u32,
            crisis: false,
            intervals: [
                gap(Some(b.received), Some(b.dispatched)),
                f32::NAN,
                f32::NAN,
                f32::NAN,
            ],
        });
    crises.chain(other).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_become_timestamps_from_a_monday() {
        assert_eq!(timestamp(0.0), "2024-01-01 00:00:00");
        assert_eq!(timestamp(1.5), "2024-01-01 00:01:30");
        assert_eq!(timestamp(366.0 * 1440.0 + 61.0), "2025-01-01 01:01:00");
        assert_eq!(start().format("%A").to_string(), "Monday");
    }
}
