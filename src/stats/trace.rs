//! The incident trace as a dispatch (CAD) export: one row per incident with the
//! columns `calibrate` reads back, times as wall-clock timestamps from a fixed start.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use crate::model::{Disposition, Model};
use crate::sim::trace::{Ending, TraceRow};
use crate::time::Minutes;

/// The columns of `incidents.csv`, in order.
pub const COLUMNS: [&str; 16] = [
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
    let seconds = (at * 60.0).round() as i64;
    (start() + TimeDelta::seconds(seconds))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The name a disposition has in files.
pub fn disposition_name(d: Disposition) -> &'static str {
    match d {
        Disposition::ResolvedOnScene => "resolved_on_scene",
        Disposition::Referred => "referred",
        Disposition::CrisisCenter => "crisis_center",
        Disposition::EmergencyDepartment => "emergency_department",
        Disposition::Arrest => "arrest",
    }
}

fn ending(e: Ending) -> &'static str {
    match e {
        Ending::Open => "",
        Ending::Disposition(d) => disposition_name(d),
        Ending::Phone => "resolved_by_phone",
        Ending::Cancelled => "cancelled",
        Ending::HungUp => "hung_up",
    }
}

/// The trace's rows as text, in the order of `COLUMNS`.
pub fn rows(model: &Model, trace: &[TraceRow]) -> Vec<Vec<String>> {
    let time = |t: Option<Minutes>| t.map_or(String::new(), timestamp);
    trace
        .iter()
        .map(|r| {
            let ct = &model.call_types[usize::from(r.call_type)];
            vec![
                r.id.to_string(),
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
            ]
        })
        .collect()
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
