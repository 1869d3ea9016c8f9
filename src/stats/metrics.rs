//! The one registry of metrics: each metric's name, unit, meaning in plain words and
//! where it is shown. Every other place (the per-replication values, the console,
//! the comparison, the report, the README's table) reads names and meanings from here.

/// What a metric counts or measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A number of events over the measured period.
    Count,
    /// A share in [0, 1].
    Share,
    /// Minutes.
    Minutes,
    /// Hours.
    Hours,
    /// Dollars over the measured period (or per incident).
    Dollars,
}

impl Unit {
    /// The unit as a word for tables.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Share => "share",
            Unit::Minutes => "minutes",
            Unit::Hours => "hours",
            Unit::Dollars => "dollars",
        }
    }
}

/// One metric.
#[derive(Clone, Copy, Debug)]
pub struct Metric {
    /// The stable name; per-kind metrics are this prefix followed by the kind's name.
    pub name: &'static str,
    /// One of each per responder kind (`utilization_police`, …).
    pub per_kind: bool,
    /// Its unit.
    pub unit: Unit,
    /// What it means, in plain words.
    pub meaning: &'static str,
    /// Shown in the console table of `run`.
    pub console: bool,
    /// Shown in the console table of `compare`.
    pub compare: bool,
    /// A cost component: `cost_total` is the sum of these.
    pub cost_part: bool,
}

const fn metric(name: &'static str, unit: Unit, meaning: &'static str) -> Metric {
    Metric {
        name,
        per_kind: false,
        unit,
        meaning,
        console: true,
        compare: false,
        cost_part: false,
    }
}

const fn compared(m: Metric) -> Metric {
    Metric { compare: true, ..m }
}

const fn files_only(m: Metric) -> Metric {
    Metric {
        console: false,
        ..m
    }
}

const fn per_kind(m: Metric) -> Metric {
    Metric {
        per_kind: true,
        ..m
    }
}

const fn cost_part(m: Metric) -> Metric {
    Metric {
        cost_part: true,
        console: false,
        ..m
    }
}

/// Every metric, in the order of outputs. Per-kind metrics expand in the order of the
/// scenario's responder kinds.
pub const METRICS: &[Metric] = &[
    compared(metric(
        "incidents",
        Unit::Count,
        "crises arriving in the measured period, first and repeat, by any channel",
    )),
    compared(metric(
        "response_time_mean_min",
        Unit::Minutes,
        "mean minutes from the call received (by 911, or passed on by the hotline) to the first unit on scene",
    )),
    metric(
        "response_time_p50_min",
        Unit::Minutes,
        "median of those minutes in each replication (from 1/16-minute histogram bins), averaged over replications",
    ),
    compared(metric(
        "response_time_p90_min",
        Unit::Minutes,
        "90th percentile of those minutes in each replication, averaged over replications",
    )),
    metric(
        "response_within_target_share",
        Unit::Share,
        "of the incidents a unit reached, the share reached in less than `scenario.response_target` (absent without a target)",
    ),
    metric(
        "dispatch_wait_mean_min",
        Unit::Minutes,
        "mean minutes from the call received to the first unit assigned, over incidents reached",
    ),
    compared(metric(
        "unserved",
        Unit::Count,
        "incidents neither dispatched, closed by the hotline nor cancelled by the horizon (incidents = dispatched + unserved + resolved by phone + hung up without calling 911 + cancelled before dispatch)",
    )),
    compared(metric(
        "police_involved_share",
        Unit::Share,
        "share of incidents where a police unit arrived on scene at any time",
    )),
    metric(
        "no_police_share",
        Unit::Share,
        "share of incidents where no police unit arrived on scene (1 − police_involved_share)",
    ),
    metric("backup_requests", Unit::Count, "requests for police backup"),
    metric(
        "backlog_background",
        Unit::Count,
        "background (non-crisis) jobs still waiting for a unit at the horizon",
    ),
    metric(
        "cancelled_share",
        Unit::Share,
        "share of incidents cancelled (by the caller, or the person gone) before a unit was on scene",
    ),
    metric(
        "resolved_on_scene_share",
        Unit::Share,
        "share of incidents resolved on scene",
    ),
    metric(
        "referred_share",
        Unit::Share,
        "share of incidents referred to follow-up care",
    ),
    metric(
        "crisis_center",
        Unit::Count,
        "incidents ending at a crisis center",
    ),
    compared(metric(
        "emergency_department",
        Unit::Count,
        "incidents ending at an emergency department",
    )),
    compared(metric(
        "hospitalizations",
        Unit::Count,
        "ED visits that led to an inpatient stay",
    )),
    compared(metric("arrests", Unit::Count, "incidents ending in arrest")),
    compared(metric(
        "use_of_force",
        Unit::Count,
        "use-of-force events (drawn per unit on scene)",
    )),
    metric(
        "injuries",
        Unit::Count,
        "injury events (drawn per unit on scene)",
    ),
    compared(metric(
        "repeat_crises",
        Unit::Count,
        "crises of people who had one before (included in incidents)",
    )),
    metric(
        "hotline_calls",
        Unit::Count,
        "crises that reached the 988 hotline first",
    ),
    metric(
        "hotline_abandoned_share",
        Unit::Share,
        "share of hotline calls that hung up before an answer",
    ),
    metric(
        "hotline_resolved_share",
        Unit::Share,
        "share of hotline calls resolved by phone",
    ),
    per_kind(metric(
        "utilization_",
        Unit::Share,
        "busy share of on-duty unit time of this kind (background work and travel included)",
    )),
    per_kind(metric(
        "overtime_hours_",
        Unit::Hours,
        "unit-hours worked past the end of a shift by this kind",
    )),
    per_kind(metric(
        "unstaffed_shift_share_",
        Unit::Share,
        "share of this kind's scheduled unit-shifts left unstaffed (absence)",
    )),
    per_kind(metric(
        "calls_",
        Unit::Count,
        "incidents a unit of this kind reached (arrived on scene), each counted once",
    )),
    files_only(per_kind(metric(
        "calls_per_12h_",
        Unit::Count,
        "incidents this kind reached per 12 unit-hours on duty (the \"calls per 12-hour shift\" programmes report)",
    ))),
    files_only(per_kind(metric(
        "busy_hours_crisis_",
        Unit::Hours,
        "unit-hours this kind spent on crisis calls, from dispatch to clearing (background work left out)",
    ))),
    files_only(per_kind(metric(
        "cost_responders_",
        Unit::Dollars,
        "this kind's on-duty unit-hours × hourly cost, overtime at 1.5 × (the whole kind, crisis work or not)",
    ))),
    per_kind(metric(
        "cost_per_call_",
        Unit::Dollars,
        "cost_responders of this kind divided by its calls",
    )),
    metric(
        "hotline_answer_mean_min",
        Unit::Minutes,
        "mean minutes an answered hotline caller waited for a counselor",
    ),
    metric(
        "hotline_answer_p90_min",
        Unit::Minutes,
        "90th percentile of the minutes answered hotline callers waited",
    ),
    metric(
        "hotline_contacts",
        Unit::Count,
        "the line's ordinary contacts (people who would not have called 911), which take counselors' time",
    ),
    metric(
        "hotline_all_answer_mean_min",
        Unit::Minutes,
        "mean minutes every answered caller waited, crises and ordinary contacts alike (the line's published answer speed)",
    ),
    metric(
        "hotline_all_abandoned_share",
        Unit::Share,
        "share of everything that reached the line, crises and ordinary contacts, that hung up before an answer",
    ),
    metric(
        "psychiatry_consults",
        Unit::Count,
        "psychiatry consults given to teams on scene",
    ),
    metric(
        "consult_wait_mean_min",
        Unit::Minutes,
        "mean minutes a team waited for a consult line, until a consult began or it gave up at max_wait (waits still open at the horizon are left out)",
    ),
    metric(
        "facility_wait_mean_min",
        Unit::Minutes,
        "mean minutes from a unit's arrival at a facility to a place for its person, over the transports given one (0 where places are free or unlimited)",
    ),
    metric(
        "diversions",
        Unit::Count,
        "transports turned away from a full facility (sent on, or the call ended where the person was)",
    ),
    compared(metric(
        "unit_hours_at_facilities",
        Unit::Hours,
        "responder unit-hours spent at facilities: waiting for a place plus handing over",
    )),
    files_only(per_kind(metric(
        "facility_hours_",
        Unit::Hours,
        "unit-hours this kind spent at facilities, waiting for a place plus handing over",
    ))),
    files_only(per_kind(metric(
        "facility_wait_hours_",
        Unit::Hours,
        "unit-hours this kind spent waiting at full facilities for a place",
    ))),
    compared(metric(
        "cost_total",
        Unit::Dollars,
        "all costs below, summed",
    )),
    metric(
        "cost_per_incident",
        Unit::Dollars,
        "cost_total divided by incidents",
    ),
    cost_part(metric(
        "cost_responders",
        Unit::Dollars,
        "on-duty unit-hours × hourly cost, overtime at 1.5 ×",
    )),
    cost_part(metric(
        "cost_ed_visits",
        Unit::Dollars,
        "ED visits × cost per visit",
    )),
    cost_part(metric(
        "cost_inpatient",
        Unit::Dollars,
        "inpatient days after ED visits × cost per day",
    )),
    cost_part(metric(
        "cost_crisis_center",
        Unit::Dollars,
        "crisis-center stays × cost per stay",
    )),
    cost_part(metric(
        "cost_jail",
        Unit::Dollars,
        "jail bookings × cost per booking",
    )),
    cost_part(metric(
        "cost_programs",
        Unit::Dollars,
        "community prevention programs, per year × years measured",
    )),
];

/// Metrics of a group of incidents (a call type or a zone), in output order.
pub const GROUP_METRICS: [&str; 7] = [
    "incidents",
    "response_time_mean_min",
    "response_time_p50_min",
    "response_time_p90_min",
    "response_within_target_share",
    "unserved",
    "police_involved_share",
];

/// Metrics of a facility, in output order.
pub const FACILITY_METRICS: [&str; 5] = [
    "arrivals",
    "diverted_share",
    "wait_mean_min",
    "occupancy",
    "boarding_hours",
];

/// The registry entry of a metric name (a per-kind name finds its prefix's entry).
pub fn lookup(name: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| {
        if m.per_kind {
            name.strip_prefix(m.name).is_some_and(|k| !k.is_empty())
        } else {
            m.name == name
        }
    })
}

/// The metric names of a scenario with these responder kinds, in output order.
pub fn names(kinds: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for m in METRICS {
        if m.per_kind {
            out.extend(kinds.iter().map(|k| format!("{}{k}", m.name)));
        } else {
            out.push(m.name.to_string());
        }
    }
    out
}

/// The cost components, in output order; `cost_total` is their sum.
pub fn cost_parts() -> impl Iterator<Item = &'static str> {
    METRICS.iter().filter(|m| m.cost_part).map(|m| m.name)
}

/// What a metric means (the registry's words), or `None` for a name it does not know.
pub fn describe(name: &str) -> Option<&'static str> {
    lookup(name).map(|m| m.meaning)
}

/// The registry as a Markdown table (name, unit, meaning), as the README shows it.
pub fn markdown_table() -> String {
    let mut out = String::from("| metric | unit | meaning |\n|---|---|---|\n");
    for m in METRICS {
        let name = if m.per_kind {
            format!("{}<kind>", m.name)
        } else {
            m.name.to_string()
        };
        out.push_str(&format!(
            "| `{name}` | {} | {} |\n",
            m.unit.label(),
            m.meaning
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_known_and_unique() {
        let kinds = vec!["police".to_string(), "mobile_crisis".to_string()];
        let names = names(&kinds);
        for n in &names {
            assert!(describe(n).is_some_and(|d| !d.is_empty()), "{n}");
            assert_eq!(names.iter().filter(|m| *m == n).count(), 1, "{n}");
        }
        assert!(names.contains(&"utilization_mobile_crisis".to_string()));
        for g in GROUP_METRICS {
            assert!(lookup(g).is_some(), "{g}");
        }
        assert_eq!(describe("no_such_metric"), None);
        assert_eq!(describe("utilization_"), None);
        assert_eq!(cost_parts().count(), 6);
    }
}
