//! The levers of a scenario: the keys a planner most often changes, each with its
//! value in the scenario, found in the scenario itself (its kinds, shifts, call types,
//! hotline, consult lines, programmes and facilities), so the page offers exactly
//! what the scenario has.

use serde::Serialize;

use crate::scenario::Scenario;
use crate::scenario::schema::{HotlineShare, Shift};

/// What kind of value a lever takes, which sets the form control.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Input {
    /// A whole number from 0.
    Count,
    /// A share from 0 to 1.
    Share,
    /// A duration such as `15min`.
    Duration,
}

/// One key a planner can change, with the scenario's value.
#[derive(Clone, Debug, Serialize)]
pub struct Lever {
    /// The `--set` key.
    pub key: String,
    /// What it is, in words.
    pub label: String,
    /// The scenario's value, as `--set` would write it.
    pub value: String,
    /// The control it gets.
    pub input: Input,
}

/// Levers under one heading.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    /// The heading.
    pub title: String,
    /// Its levers.
    pub levers: Vec<Lever>,
}

fn lever(key: String, label: String, value: impl ToString, input: Input) -> Lever {
    Lever {
        key,
        label,
        value: value.to_string(),
        input,
    }
}

/// Every lever of `s`, grouped; empty groups are left out.
pub fn levers(s: &Scenario) -> Vec<Group> {
    let groups = [
        ("Responders", responders(s)),
        ("Who goes first", routing(s)),
        ("988 hotline", hotline(s)),
        ("Psychiatry consult lines", psychiatry(s)),
        ("Prevention and follow-up", prevention(s)),
        ("Facility places", facilities(s)),
    ];
    groups
        .into_iter()
        .filter(|(_, levers)| !levers.is_empty())
        .map(|(title, levers)| Group {
            title: title.to_string(),
            levers,
        })
        .collect()
}

/// `07:00–17:00` (with its days when not every day).
fn window(shift: &Shift) -> String {
    let days = shift
        .days
        .as_ref()
        .map_or(String::new(), |d| format!(" ({})", d.join(", ")));
    format!("{}–{}{days}", shift.from, shift.to)
}

/// One lever per shift's units, or one for a count around the clock.
fn staffing(
    prefix: &str,
    who: &str,
    count: (&str, Option<u32>),
    shifts: Option<&Vec<Shift>>,
) -> Vec<Lever> {
    match (shifts, count.1) {
        (Some(shifts), _) => (shifts.iter().enumerate())
            .map(|(i, shift)| {
                lever(
                    format!("{prefix}.shifts.{i}.units"),
                    format!("{who} on duty {}", window(shift)),
                    shift.units,
                    Input::Count,
                )
            })
            .collect(),
        (None, Some(n)) => vec![lever(
            format!("{prefix}.{}", count.0),
            format!("{who} on duty around the clock"),
            n,
            Input::Count,
        )],
        (None, None) => Vec::new(),
    }
}

fn responders(s: &Scenario) -> Vec<Lever> {
    let mut out = Vec::new();
    for r in &s.responders {
        let prefix = format!("responders.{}", r.name);
        let who = r.name.replace('_', " ");
        out.extend(staffing(
            &prefix,
            &format!("{who} units"),
            ("units", r.units),
            r.shifts.as_ref(),
        ));
        out.push(lever(
            format!("{prefix}.absence"),
            format!("{who}: share of shifts left unstaffed"),
            r.absence.unwrap_or(0.0),
            Input::Share,
        ));
    }
    out
}

fn routing(s: &Scenario) -> Vec<Lever> {
    let mut out = Vec::new();
    for t in &s.call_types {
        let name = t.name.replace('_', " ");
        let (first, next) = (t.responders.first(), t.responders.get(1));
        let (Some(first), Some(next)) = (first, next) else {
            continue;
        };
        if let Some(share) = t.routed_share {
            out.push(lever(
                format!("call_types.{}.routed_share", t.name),
                format!("{name}: share of calls routed to {first} first"),
                share,
                Input::Share,
            ));
        }
        if let Some(after) = &t.fallback_after {
            out.push(lever(
                format!("call_types.{}.fallback_after", t.name),
                format!("{name}: wait for {first} before sending {next}"),
                after,
                Input::Duration,
            ));
        }
    }
    out
}

fn hotline(s: &Scenario) -> Vec<Lever> {
    let Some(h) = &s.hotline else {
        return Vec::new();
    };
    let share = match &s.demand.hotline_share {
        HotlineShare::Share(x) => lever(
            "demand.hotline_share".into(),
            "share of crises that call 988 first".into(),
            x,
            Input::Share,
        ),
        HotlineShare::Ramp { to, .. } => lever(
            "demand.hotline_share.to".into(),
            "share of crises that call 988 first, once people know the line".into(),
            to,
            Input::Share,
        ),
    };
    let mut out = vec![share];
    out.extend(staffing(
        "hotline",
        "counselors",
        ("counselors", h.counselors),
        h.shifts.as_ref(),
    ));
    out.push(lever(
        "hotline.resolved_by_phone".into(),
        "share of answered calls resolved by phone".into(),
        h.resolved_by_phone,
        Input::Share,
    ));
    out
}

fn psychiatry(s: &Scenario) -> Vec<Lever> {
    s.psychiatry.as_ref().map_or(Vec::new(), |p| {
        staffing(
            "psychiatry",
            "consult lines",
            ("on_call", p.on_call),
            p.shifts.as_ref(),
        )
    })
}

fn prevention(s: &Scenario) -> Vec<Lever> {
    let mut out = Vec::new();
    if let Some(p) = &s.prevention {
        out.push(lever(
            "prevention.incidence_reduction".into(),
            "community programmes: fraction of first crises prevented".into(),
            p.incidence_reduction,
            Input::Share,
        ));
    }
    if let Some(f) = &s.follow_up {
        out.push(lever(
            "follow_up.case_managers".into(),
            "follow-up care: case managers".into(),
            f.case_managers,
            Input::Count,
        ));
        out.push(lever(
            "follow_up.effect".into(),
            "follow-up care: fraction of repeat crises prevented while enrolled".into(),
            f.effect,
            Input::Share,
        ));
    }
    out
}

fn facilities(s: &Scenario) -> Vec<Lever> {
    (s.facilities.iter())
        .filter_map(|f| {
            let places = f.capacity?;
            Some(lever(
                format!("facilities.{}.capacity", f.name),
                format!("{}: places", f.name.replace('_', " ")),
                places,
                Input::Count,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mobile_crisis_city_offers_its_shifts_routing_and_places() {
        let loaded = crate::scenario::load(
            std::path::Path::new("scenarios/mid-size-city-mobile-crisis.toml"),
            &[],
        )
        .unwrap();
        let groups = levers(&loaded.scenario);
        let keys: Vec<&str> = (groups.iter())
            .flat_map(|g| g.levers.iter().map(|l| l.key.as_str()))
            .collect();
        assert!(
            keys.contains(&"responders.mobile_crisis.shifts.0.units"),
            "{keys:?}"
        );
        assert!(keys.contains(&"responders.police.absence"), "{keys:?}");
        assert!(
            keys.contains(&"call_types.psychosis.fallback_after"),
            "{keys:?}"
        );
        assert!(keys.iter().any(|k| k.ends_with(".capacity")), "{keys:?}");
    }

    #[test]
    fn every_shipped_scenarios_levers_load_back_as_they_are() {
        let files = super::super::catalog::shipped();
        assert!(files.len() >= 10);
        for file in files {
            let loaded = crate::scenario::load(&file, &[]).unwrap();
            let groups = levers(&loaded.scenario);
            assert!(!groups.is_empty(), "{}", file.display());
            let sets: Vec<String> = (groups.iter())
                .flat_map(|g| g.levers.iter().map(|l| format!("{}={}", l.key, l.value)))
                .collect();
            let again = crate::scenario::load(&file, &sets).map(|l| crate::model::build(&l));
            assert!(
                matches!(again, Ok(Ok(_))),
                "{}: {:?}",
                file.display(),
                again.err()
            );
        }
    }
}
