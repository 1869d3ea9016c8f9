//! The one registry of metrics: each metric's name, measure, meaning in plain words,
//! where it is shown, and how its value is made from a replication's record. Every
//! other place (the per-replication values, the console, the comparison, the report,
//! docs/outputs.md's table) reads metrics through the handles defined here (`INCIDENTS`,
//! `COST_TOTAL`, …); their names are typed once, in their row.

use crate::model::{Disposition, Kind, KindId, Model};
use crate::sim::Record;
use crate::sim::record::KindRecord;
use crate::time::{DAY, HOUR, YEAR};

/// What a metric counts or measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// A number of events over the measured period.
    Count,
    /// A share in [0, 1].
    Share,
    /// Minutes.
    Minutes,
    /// Hours.
    Hours,
    /// Days.
    Days,
    /// Dollars over the measured period (or per incident).
    Dollars,
}

impl Measure {
    /// The measure as a word for tables.
    pub fn label(self) -> &'static str {
        match self {
            Measure::Count => "count",
            Measure::Share => "share",
            Measure::Minutes => "minutes",
            Measure::Hours => "hours",
            Measure::Days => "days",
            Measure::Dollars => "dollars",
        }
    }
}

/// How a metric's value is made from one replication.
#[derive(Clone, Copy, Debug)]
pub enum Value {
    /// One value for the whole run.
    Whole(fn(&Measured) -> f64),
    /// One value per responder kind.
    PerKind(fn(&Measured, KindId) -> f64),
}

/// One metric: a row of the registry.
#[derive(Debug)]
pub struct Metric {
    /// The stable name; per-kind metrics are this prefix followed by the kind's name.
    pub name: &'static str,
    /// What it counts or measures.
    pub measure: Measure,
    /// What it means, in plain words.
    pub meaning: &'static str,
    /// Shown in the console table of `run`.
    pub console: bool,
    /// Shown in the console table of `compare`.
    pub compare: bool,
    /// A cost component: `cost_total` is the sum of these.
    pub cost_part: bool,
    /// How its value is made.
    pub value: Value,
}

impl Metric {
    /// One of each per responder kind (`utilization_police`, …).
    pub fn per_kind(&self) -> bool {
        matches!(self.value, Value::PerKind(_))
    }

    /// The name of this per-kind metric for `kind` (`utilization_` → `utilization_vans`).
    pub fn of(&self, kind: &str) -> String {
        format!("{}{kind}", self.name)
    }
}

impl PartialEq for Metric {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

/// What a replication's metrics are made from: the model, the record, and its costs.
pub struct Measured<'a> {
    /// The model run.
    pub model: &'a Model,
    /// What the replication recorded.
    pub rec: &'a Record,
    /// Its costs by part.
    pub costs: CostParts,
}

impl Measured<'_> {
    /// `part` as a share of the incidents (NaN with none).
    fn of_incidents(&self, part: u64) -> f64 {
        share(part, self.rec.incidents)
    }

    /// Incidents that ended with disposition `d`.
    fn disposition(&self, d: Disposition) -> u64 {
        self.rec.dispositions[d as usize]
    }
}

/// `part / whole`, NaN when `whole` is 0 (nothing to measure).
pub fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        f64::NAN
    } else {
        part as f64 / whole as f64
    }
}

/// `sum / n`, NaN when `n` is 0.
fn mean(sum: f64, n: u64) -> f64 {
    if n == 0 { f64::NAN } else { sum / n as f64 }
}

/// On-duty hours of a kind at its hourly rate; overtime at time and a half.
pub fn responder_cost(spec: &Kind, r: &KindRecord) -> f64 {
    spec.cost_per_hour * (r.on_duty + 1.5 * r.overtime) / HOUR
}

/// What kind `k`'s staff cost over the measured period, paid by the year.
pub fn staff_cost(model: &Model, rec: &Record, k: usize) -> f64 {
    let kind = &model.kinds[k];
    if kind.staff.cost_per_fte == 0.0 {
        return 0.0;
    }
    // Paid from the kind's start, as its units are.
    let (start, end) = (model.warmup_end().max(kind.from), model.horizon());
    if end <= start {
        return 0.0;
    }
    let paid = match lived(kind, &rec.kinds[k]) {
        Some((_, paid)) => paid,
        None => kind.staff.paid(kind.fte(), start, end),
    };
    paid * kind.staff.cost_per_fte * (end - start) / YEAR
}

/// Trained and paid staff on average over the measured days, as the run stepped its
/// pipeline under strain (`None` where the planned pipeline is the run's).
fn lived(kind: &Kind, r: &KindRecord) -> Option<(f64, f64)> {
    let (trained, paid, days) = r.staff_days;
    let stepped = kind.staff.burnout.is_some() && kind.staff.workforce.is_some();
    (stepped && days > 0).then(|| (trained / days as f64, paid / days as f64))
}

/// A replication's costs by part, in dollars of the model's `costs.dollar_year`;
/// `cost_total` is their sum.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CostParts {
    /// Responder hours × rates.
    pub responders: f64,
    /// Staff paid by the year (`cost_per_fte`).
    pub staff: f64,
    /// ED visits.
    pub ed_visits: f64,
    /// Inpatient days after ED visits.
    pub inpatient: f64,
    /// Crisis-center stays.
    pub crisis_center: f64,
    /// Jail bookings.
    pub jail: f64,
    /// Community programs.
    pub programs: f64,
    /// Hotline counselor-hours.
    pub hotline: f64,
    /// Consult line-hours and consults.
    pub psychiatry: f64,
    /// Facility places, used or not.
    pub facility_places: f64,
    /// Follow-up episodes after referrals.
    pub follow_up: f64,
    /// Transports to ED visits.
    pub transport: f64,
    /// Crises left unresolved by hotline callers who hung up.
    pub unresolved: f64,
}

impl CostParts {
    /// The costs of one replication.
    pub fn of(model: &Model, rec: &Record) -> CostParts {
        let c = &model.costs;
        let d = |x: Disposition| rec.dispositions[x as usize] as f64;
        let (start, end) = (model.warmup_end(), model.horizon());
        CostParts {
            responders: (model.kinds.iter().zip(&rec.kinds))
                .map(|(spec, r)| responder_cost(spec, r))
                .sum(),
            staff: (0..model.kinds.len())
                .map(|k| staff_cost(model, rec, k))
                .sum(),
            ed_visits: d(Disposition::EmergencyDepartment) * c.ed_visit,
            inpatient: rec.inpatient_days * c.inpatient_day,
            crisis_center: d(Disposition::CrisisCenter) * c.crisis_center_stay,
            jail: d(Disposition::Arrest) * c.jail_booking,
            programs: model.prevention.program_cost_per_year * model.prevention.running(start, end)
                / YEAR,
            hotline: model.hotline.as_ref().map_or(0.0, |h| {
                h.cost_per_hour * h.schedule.unit_minutes(start.max(h.from), end) / HOUR
            }),
            psychiatry: model.psychiatry.as_ref().map_or(0.0, |p| {
                p.cost_per_hour * p.schedule.unit_minutes(start.max(p.from), end) / HOUR
                    + p.cost_per_consult * rec.consults as f64
            }),
            facility_places: (model.facilities.iter())
                .filter_map(|f| Some(f64::from(f.capacity.as_ref()?.places) * f.cost_per_place_day))
                .sum::<f64>()
                * (end - start)
                / DAY,
            follow_up: d(Disposition::Referred) * c.referral
                + model.follow_up.as_ref().map_or(0.0, |f| {
                    f64::from(f.case_managers) * f.cost_per_day * (end - start) / DAY
                }),
            transport: d(Disposition::EmergencyDepartment) * c.transport,
            unresolved: rec.hotline_lost as f64 * c.unresolved,
        }
    }

    /// Every part, summed.
    pub fn total(&self) -> f64 {
        self.responders
            + self.staff
            + self.ed_visits
            + self.inpatient
            + self.crisis_center
            + self.jail
            + self.programs
            + self.hotline
            + self.psychiatry
            + self.facility_places
            + self.follow_up
            + self.transport
            + self.unresolved
    }
}

/// The metric `incidents`.
pub const INCIDENTS: &Metric = &Metric {
    name: "incidents",
    measure: Measure::Count,
    meaning: "crises arriving in the measured period, first and repeat, by any channel",
    console: true,
    compare: true,
    cost_part: false,
    value: Value::Whole(|m| m.rec.incidents as f64),
};

/// The metric `response_time_mean_min`.
pub const RESPONSE_TIME_MEAN_MIN: &Metric = &Metric {
    name: "response_time_mean_min",
    measure: Measure::Minutes,
    meaning: "mean minutes from first contact (the call to 911, or to the hotline for a crisis it handed on: time on the line included) to the first unit on scene",
    console: true,
    compare: true,
    cost_part: false,
    value: Value::Whole(|m| m.rec.response.mean()),
};

/// The metric `response_time_p50_min`.
pub const RESPONSE_TIME_P50_MIN: &Metric = &Metric {
    name: "response_time_p50_min",
    measure: Measure::Minutes,
    meaning: "median of those minutes in each replication (from 1/16-minute histogram bins), averaged over replications",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.response.quantile(0.5)),
};

/// The metric `response_time_p90_min`.
pub const RESPONSE_TIME_P90_MIN: &Metric = &Metric {
    name: "response_time_p90_min",
    measure: Measure::Minutes,
    meaning: "90th percentile of those minutes in each replication, averaged over replications",
    console: true,
    compare: true,
    cost_part: false,
    value: Value::Whole(|m| m.rec.response.quantile(0.9)),
};

/// The metric `response_within_target_share`.
pub const RESPONSE_WITHIN_TARGET_SHARE: &Metric = &Metric {
    name: "response_within_target_share",
    measure: Measure::Share,
    meaning: "of the incidents a unit reached, the share reached in less than `scenario.response_target` (absent without a target)",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| {
        m.model
            .response_target
            .map_or(f64::NAN, |t| m.rec.response.share_below(t))
    }),
};

/// The metric `dispatch_wait_mean_min`.
pub const DISPATCH_WAIT_MEAN_MIN: &Metric = &Metric {
    name: "dispatch_wait_mean_min",
    measure: Measure::Minutes,
    meaning: "mean minutes from the call reaching 911 (from the hotline, for a call it handed on) to the first unit assigned, over incidents reached (call processing included)",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.dispatch_wait.mean()),
};

/// The metric `dispatch_wait_p90_min`.
pub const DISPATCH_WAIT_P90_MIN: &Metric = &Metric {
    name: "dispatch_wait_p90_min",
    measure: Measure::Minutes,
    meaning: "90th percentile of the minutes from the call reaching 911 to the first unit assigned, over incidents reached (call processing included)",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.dispatch_wait.quantile(0.9)),
};

/// The metric `unserved`.
pub const UNSERVED: &Metric = &Metric {
    name: "unserved",
    measure: Measure::Count,
    meaning: "incidents neither dispatched, closed by the hotline nor cancelled by the horizon (incidents = dispatched + unserved + resolved by phone + hotline_unresolved + cancelled before dispatch)",
    console: true,
    compare: true,
    cost_part: false,
    value: Value::Whole(|m| m.rec.unserved as f64),
};

/// The metric `police_involved_share`.
pub const POLICE_INVOLVED_SHARE: &Metric = &Metric {
    name: "police_involved_share",
    measure: Measure::Share,
    meaning: "share of incidents where a police unit arrived on scene at any time",
    console: true,
    compare: true,
    cost_part: false,
    value: Value::Whole(|m| m.of_incidents(m.rec.police_involved)),
};

/// The metric `no_police_share`.
pub const NO_POLICE_SHARE: &Metric = &Metric {
    name: "no_police_share",
    measure: Measure::Share,
    meaning: "share of incidents where no police unit arrived on scene (1 − police_involved_share)",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.of_incidents(m.rec.incidents - m.rec.police_involved)),
};

/// The metric `backup_requests`.
pub const BACKUP_REQUESTS: &Metric = &Metric {
    name: "backup_requests",
    measure: Measure::Count,
    meaning: "requests for police backup",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.backup_requests as f64),
};

/// The metric `backlog_background`.
pub const BACKLOG_BACKGROUND: &Metric = &Metric {
    name: "backlog_background",
    measure: Measure::Count,
    meaning: "background (non-crisis) jobs still waiting for a unit at the horizon",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.backlog_background as f64),
};

/// The metric `preempted_background`.
pub const PREEMPTED_BACKGROUND: &Metric = &Metric {
    name: "preempted_background",
    measure: Measure::Count,
    meaning: "background jobs (self-initiated work) dropped because an urgent call took their unit",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.preempted_background as f64),
};

/// The metric `cancelled_share`.
pub const CANCELLED_SHARE: &Metric = &Metric {
    name: "cancelled_share",
    measure: Measure::Share,
    meaning: "share of incidents cancelled (by the caller, or the person gone) before a unit was on scene",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.of_incidents(m.rec.cancelled)),
};

/// The metric `resolved_on_scene_share`.
pub const RESOLVED_ON_SCENE_SHARE: &Metric = &Metric {
    name: "resolved_on_scene_share",
    measure: Measure::Share,
    meaning: "share of incidents resolved on scene",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.of_incidents(m.disposition(Disposition::ResolvedOnScene))),
};

/// The metric `referred_share`.
pub const REFERRED_SHARE: &Metric = &Metric {
    name: "referred_share",
    measure: Measure::Share,
    meaning: "share of incidents referred to follow-up care",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.of_incidents(m.disposition(Disposition::Referred))),
};

/// The metric `crisis_center`.
pub const CRISIS_CENTER: &Metric = &Metric {
    name: "crisis_center",
    measure: Measure::Count,
    meaning: "incidents ending at a crisis center",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.disposition(Disposition::CrisisCenter) as f64),
};

/// The metric `emergency_department`.
pub const EMERGENCY_DEPARTMENT: &Metric = &Metric {
    name: "emergency_department",
    measure: Measure::Count,
    meaning: "incidents ending at an emergency department",
    console: true,
    compare: true,
    cost_part: false,
    value: Value::Whole(|m| m.disposition(Disposition::EmergencyDepartment) as f64),
};

/// The metric `hospitalizations`.
pub const HOSPITALIZATIONS: &Metric = &Metric {
    name: "hospitalizations",
    measure: Measure::Count,
    meaning: "ED visits that led to an inpatient stay",
    console: true,
    compare: true,
    cost_part: false,
    value: Value::Whole(|m| m.rec.hospitalizations as f64),
};

/// The metric `arrests`.
pub const ARRESTS: &Metric = &Metric {
    name: "arrests",
    measure: Measure::Count,
    meaning: "incidents ending in arrest",
    console: true,
    compare: true,
    cost_part: false,
    value: Value::Whole(|m| m.disposition(Disposition::Arrest) as f64),
};

/// The metric `use_of_force`.
pub const USE_OF_FORCE: &Metric = &Metric {
    name: "use_of_force",
    measure: Measure::Count,
    meaning: "use-of-force events (drawn per unit on scene)",
    console: true,
    compare: true,
    cost_part: false,
    value: Value::Whole(|m| m.rec.use_of_force as f64),
};

/// The metric `injuries`.
pub const INJURIES: &Metric = &Metric {
    name: "injuries",
    measure: Measure::Count,
    meaning: "injury events (drawn per unit on scene)",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.injuries as f64),
};

/// The metric `repeat_crises`.
pub const REPEAT_CRISES: &Metric = &Metric {
    name: "repeat_crises",
    measure: Measure::Count,
    meaning: "crises of people who had one before (included in incidents)",
    console: true,
    compare: true,
    cost_part: false,
    value: Value::Whole(|m| m.rec.repeat_crises as f64),
};

/// The metric `escalations`.
pub const ESCALATIONS: &Metric = &Metric {
    name: "escalations",
    measure: Measure::Count,
    meaning: "crises that escalated while waiting for a first unit (call_types.T.escalation_per_hour) and so ended at the ED",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.escalations as f64),
};

/// The metric `walk_ins`.
pub const WALK_INS: &Metric = &Metric {
    name: "walk_ins",
    measure: Measure::Count,
    meaning: "people who came to a facility on their own (facilities' walk_ins), not brought by a unit",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.walk_ins as f64),
};

/// The metric `walk_ins_turned_away_share`.
pub const WALK_INS_TURNED_AWAY_SHARE: &Metric = &Metric {
    name: "walk_ins_turned_away_share",
    measure: Measure::Share,
    meaning: "share of walk-ins who found every place taken and were turned away",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| share(m.rec.walk_ins_turned_away, m.rec.walk_ins)),
};

/// The metric `holds`.
pub const HOLDS: &Metric = &Metric {
    name: "holds",
    measure: Measure::Count,
    meaning: "transports to an ED or crisis centre that were involuntary holds (call_types.T.holds), taken by the call type's transport kind",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.holds as f64),
};

/// The metric `hold_wait_mean_min`.
pub const HOLD_WAIT_MEAN_MIN: &Metric = &Metric {
    name: "hold_wait_mean_min",
    measure: Measure::Minutes,
    meaning: "minutes a unit that could not transport a hold stayed with the person until the transport came, on average",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| mean(m.rec.hold_wait_minutes, m.rec.hold_handovers)),
};

/// The metric `people_in_crisis`.
pub const PEOPLE_IN_CRISIS: &Metric = &Metric {
    name: "people_in_crisis",
    measure: Measure::Count,
    meaning: "people with at least one crisis in the measured period",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| people(&m.rec.people_by_crises) as f64),
};

/// People with at least one crisis, from the counts of people by crises.
fn people(by_crises: &[u64]) -> u64 {
    by_crises.iter().skip(1).sum()
}

/// The share of crises of the `top` fraction of people with the most crises (the
/// counts of people by crises: entry k counts those with exactly k).
fn top_share(by_crises: &[u64], top: f64) -> f64 {
    let mut left = ((people(by_crises) as f64) * top).ceil() as u64;
    let all: u64 = (by_crises.iter().enumerate())
        .map(|(k, n)| k as u64 * n)
        .sum();
    let mut theirs = 0;
    for (k, n) in by_crises.iter().enumerate().rev() {
        let taken = left.min(*n);
        theirs += taken * k as u64;
        left -= taken;
    }
    share(theirs, all)
}

/// The metric `crises_top1pct_share`.
pub const CRISES_TOP1PCT_SHARE: &Metric = &Metric {
    name: "crises_top1pct_share",
    measure: Measure::Share,
    meaning: "share of the period's crises had by the 1 % of people in crisis with the most",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| top_share(&m.rec.people_by_crises, 0.01)),
};

/// The metric `crises_top5pct_share`.
pub const CRISES_TOP5PCT_SHARE: &Metric = &Metric {
    name: "crises_top5pct_share",
    measure: Measure::Share,
    meaning: "share of the period's crises had by the 5 % of people in crisis with the most",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| top_share(&m.rec.people_by_crises, 0.05)),
};

/// The metric `people_4plus_share`.
pub const PEOPLE_4PLUS_SHARE: &Metric = &Metric {
    name: "people_4plus_share",
    measure: Measure::Share,
    meaning: "share of people in crisis with 4 or more crises in the measured period (over one year, the ED's definition of a frequent user)",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| {
        let by_crises = &m.rec.people_by_crises;
        share(by_crises.iter().skip(4).sum(), people(by_crises))
    }),
};

/// The metric `repeat_within_30d_share`.
pub const REPEAT_WITHIN_30D_SHARE: &Metric = &Metric {
    name: "repeat_within_30d_share",
    measure: Measure::Share,
    meaning: "share of crises that came within 30 days of the same person's last one",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| share(m.rec.repeats_within_30d, m.rec.incidents)),
};

/// The metric `repeat_within_365d_share`.
pub const REPEAT_WITHIN_365D_SHARE: &Metric = &Metric {
    name: "repeat_within_365d_share",
    measure: Measure::Share,
    meaning: "share of crises that came within 365 days of the same person's last one",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| share(m.rec.repeats_within_365d, m.rec.incidents)),
};

/// The metric `follow_up_enrolled_mean`.
pub const FOLLOW_UP_ENROLLED_MEAN: &Metric = &Metric {
    name: "follow_up_enrolled_mean",
    measure: Measure::Count,
    meaning: "people enrolled in follow-up care at a time, on average ([follow_up])",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| {
        if m.model.follow_up.is_none() || m.rec.measured_minutes <= 0.0 {
            f64::NAN
        } else {
            m.rec.follow_up_place_minutes / m.rec.measured_minutes
        }
    }),
};

/// The metric `follow_up_lost_share`.
pub const FOLLOW_UP_LOST_SHARE: &Metric = &Metric {
    name: "follow_up_lost_share",
    measure: Measure::Share,
    meaning: "share of referred people who took follow-up up but found no place within max_wait",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| share(m.rec.follow_up_lost, m.rec.follow_up_sought)),
};

/// The metric `follow_up_wait_mean_days`.
pub const FOLLOW_UP_WAIT_MEAN_DAYS: &Metric = &Metric {
    name: "follow_up_wait_mean_days",
    measure: Measure::Days,
    meaning: "days the enrolled waited for a follow-up place, on average",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| {
        mean(m.rec.follow_up_wait_minutes, m.rec.follow_up_enrolled) / crate::time::DAY
    }),
};

/// The metric `hotline_calls`.
pub const HOTLINE_CALLS: &Metric = &Metric {
    name: "hotline_calls",
    measure: Measure::Count,
    meaning: "crises that reached the 988 hotline first",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.hotline_calls as f64),
};

/// The metric `hotline_abandoned_share`.
pub const HOTLINE_ABANDONED_SHARE: &Metric = &Metric {
    name: "hotline_abandoned_share",
    measure: Measure::Share,
    meaning: "share of hotline calls that hung up before an answer",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| share(m.rec.hotline_abandoned, m.rec.hotline_calls)),
};

/// The metric `hotline_resolved_share`.
pub const HOTLINE_RESOLVED_SHARE: &Metric = &Metric {
    name: "hotline_resolved_share",
    measure: Measure::Share,
    meaning: "share of hotline calls resolved by phone",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| share(m.rec.hotline_resolved, m.rec.hotline_calls)),
};

/// The metric `hotline_unresolved`.
pub const HOTLINE_UNRESOLVED: &Metric = &Metric {
    name: "hotline_unresolved",
    measure: Measure::Count,
    meaning: "crises whose caller hung up on the hotline and did not call 911: they end unresolved, with the line's unresolved_repeat chance of another crisis",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.hotline_lost as f64),
};

/// The metric `hotline_time_mean_min`.
pub const HOTLINE_TIME_MEAN_MIN: &Metric = &Metric {
    name: "hotline_time_mean_min",
    measure: Measure::Minutes,
    meaning: "mean minutes a crisis caller spent on the hotline, waiting and talking (or until hanging up); a call handed on adds this to its response time, which runs from first contact",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| mean(m.rec.hotline_minutes, m.rec.hotline_finished)),
};

/// The metric `induced_calls`.
pub const INDUCED_CALLS: &Metric = &Metric {
    name: "induced_calls",
    measure: Measure::Count,
    meaning: "calls a non-police service answered that police would never have attended (call_types.T.induced_share); not in incidents or any crisis outcome; they cost the service's time (fewer units free for crises)",
    console: false,
    compare: true,
    cost_part: false,
    value: Value::Whole(|m| m.rec.induced_calls as f64),
};

/// The metric `utilization_<kind>`.
pub const UTILIZATION: &Metric = &Metric {
    name: "utilization_",
    measure: Measure::Share,
    meaning: "busy share of on-duty unit time of this kind (background work and travel included)",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::PerKind(|m, k| m.rec.kinds[k].busy_on_duty / m.rec.kinds[k].on_duty),
};

/// The metric `overtime_hours_<kind>`.
pub const OVERTIME_HOURS: &Metric = &Metric {
    name: "overtime_hours_",
    measure: Measure::Hours,
    meaning: "unit-hours worked past the end of a shift by this kind",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::PerKind(|m, k| m.rec.kinds[k].overtime / HOUR),
};

/// The metric `unstaffed_shift_share_<kind>`.
pub const UNSTAFFED_SHIFT_SHARE: &Metric = &Metric {
    name: "unstaffed_shift_share_",
    measure: Measure::Share,
    meaning: "share of this kind's scheduled unit-shifts left unstaffed (absence, and vacancies with a workforce)",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::PerKind(|m, k| {
        let r = &m.rec.kinds[k];
        let kind = &m.model.kinds[k];
        if kind.absence == 0.0 && kind.staff.workforce.is_none() {
            0.0
        } else {
            share(r.unstaffed_shifts, r.scheduled_shifts)
        }
    }),
};

/// The metric `calls_<kind>`.
pub const CALLS: &Metric = &Metric {
    name: "calls_",
    measure: Measure::Count,
    meaning: "incidents a unit of this kind reached (arrived on scene), each counted once",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::PerKind(|m, k| m.rec.kinds[k].calls as f64),
};

/// The metric `calls_per_12h_<kind>`.
pub const CALLS_PER_12H: &Metric = &Metric {
    name: "calls_per_12h_",
    measure: Measure::Count,
    meaning: "incidents this kind reached per 12 unit-hours on duty (the \"calls per 12-hour shift\" programmes report)",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::PerKind(|m, k| {
        let r = &m.rec.kinds[k];
        if r.on_duty == 0.0 {
            f64::NAN
        } else {
            r.calls as f64 / (r.on_duty / (12.0 * HOUR))
        }
    }),
};

/// The metric `busy_hours_crisis_<kind>`.
pub const BUSY_HOURS_CRISIS: &Metric = &Metric {
    name: "busy_hours_crisis_",
    measure: Measure::Hours,
    meaning: "unit-hours this kind spent on crisis calls, from dispatch to clearing (background work left out)",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::PerKind(|m, k| m.rec.kinds[k].crisis_minutes / HOUR),
};

/// The metric `cost_responders_<kind>`.
pub const COST_RESPONDERS_BY_KIND: &Metric = &Metric {
    name: "cost_responders_",
    measure: Measure::Dollars,
    meaning: "this kind's on-duty unit-hours × hourly cost, overtime at 1.5 × (the whole kind, crisis work or not)",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::PerKind(|m, k| responder_cost(&m.model.kinds[k], &m.rec.kinds[k])),
};

/// The metric `fte_<kind>`.
pub const FTE: &Metric = &Metric {
    name: "fte_",
    measure: Measure::Count,
    meaning: "full-time equivalents this kind's schedule needs: its mean units on duty × staff_per_unit × relief_factor",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::PerKind(|m, k| m.model.kinds[k].fte()),
};

/// The metric `headcount_<kind>`.
pub const HEADCOUNT: &Metric = &Metric {
    name: "headcount_",
    measure: Measure::Count,
    meaning: "this kind's trained staff on average over the measured period, with a workforce pipeline",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::PerKind(|m, k| {
        let model = m.model;
        match lived(&model.kinds[k], &m.rec.kinds[k]) {
            Some((trained, _)) => trained,
            None => (model.kinds[k].staff).trained_mean(model.warmup_end(), model.horizon()),
        }
    }),
};

/// The metric `strained_share_<kind>`.
pub const STRAINED_SHARE: &Metric = &Metric {
    name: "strained_share_",
    measure: Measure::Share,
    meaning: "share of the measured period this kind's staff were strained (utilization over about four weeks above burnout.above_utilization), with burnout",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::PerKind(|m, k| {
        let kind = &m.model.kinds[k];
        if kind.staff.burnout.is_none() || m.rec.measured_minutes <= 0.0 {
            f64::NAN
        } else {
            m.rec.kinds[k].strained_minutes / m.rec.measured_minutes
        }
    }),
};

/// The metric `cost_staff_<kind>`.
pub const COST_STAFF_BY_KIND: &Metric = &Metric {
    name: "cost_staff_",
    measure: Measure::Dollars,
    meaning: "this kind's staff paid by the year: full-time equivalents (or headcount, with a workforce) × cost_per_fte",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::PerKind(|m, k| staff_cost(m.model, m.rec, k)),
};

/// The metric `cost_per_call_<kind>`.
pub const COST_PER_CALL: &Metric = &Metric {
    name: "cost_per_call_",
    measure: Measure::Dollars,
    meaning: "this kind's hourly cost × its hours on crisis calls (dispatch to clearing), per crisis call it reached; its idle hours and other work are not charged to crises (cost_responders_<kind> is the whole kind's cost)",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::PerKind(|m, k| {
        let r = &m.rec.kinds[k];
        if r.calls == 0 {
            f64::NAN
        } else {
            m.model.kinds[k].cost_per_hour * r.crisis_minutes / HOUR / r.calls as f64
        }
    }),
};

/// The metric `hotline_answer_mean_min`.
pub const HOTLINE_ANSWER_MEAN_MIN: &Metric = &Metric {
    name: "hotline_answer_mean_min",
    measure: Measure::Minutes,
    meaning: "mean minutes an answered hotline caller waited for a counselor",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.hotline_answer.mean()),
};

/// The metric `hotline_answer_p90_min`.
pub const HOTLINE_ANSWER_P90_MIN: &Metric = &Metric {
    name: "hotline_answer_p90_min",
    measure: Measure::Minutes,
    meaning: "90th percentile of the minutes answered hotline callers waited",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.hotline_answer.quantile(0.9)),
};

/// The metric `hotline_contacts`.
pub const HOTLINE_CONTACTS: &Metric = &Metric {
    name: "hotline_contacts",
    measure: Measure::Count,
    meaning: "the line's ordinary contacts (people who would not have called 911), which take counselors' time",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.hotline_contacts as f64),
};

/// The metric `hotline_all_answer_mean_min`.
pub const HOTLINE_ALL_ANSWER_MEAN_MIN: &Metric = &Metric {
    name: "hotline_all_answer_mean_min",
    measure: Measure::Minutes,
    meaning: "mean minutes every answered caller waited, crises and ordinary contacts alike (the line's published answer speed)",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.hotline_all_answer.mean()),
};

/// The metric `hotline_all_abandoned_share`.
pub const HOTLINE_ALL_ABANDONED_SHARE: &Metric = &Metric {
    name: "hotline_all_abandoned_share",
    measure: Measure::Share,
    meaning: "share of everything that reached the line, crises and ordinary contacts, that hung up before an answer",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| share(m.rec.hotline_all_abandoned, m.rec.hotline_all)),
};

/// The metric `psychiatry_consults`.
pub const PSYCHIATRY_CONSULTS: &Metric = &Metric {
    name: "psychiatry_consults",
    measure: Measure::Count,
    meaning: "psychiatry consults given to teams on scene",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.consults as f64),
};

/// The metric `consult_wait_mean_min`.
pub const CONSULT_WAIT_MEAN_MIN: &Metric = &Metric {
    name: "consult_wait_mean_min",
    measure: Measure::Minutes,
    meaning: "mean minutes a team waited for a consult line, until a consult began or it gave up at max_wait (waits still open at the horizon are left out)",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| mean(m.rec.consult_wait, m.rec.consult_waits)),
};

/// The metric `facility_wait_mean_min`.
pub const FACILITY_WAIT_MEAN_MIN: &Metric = &Metric {
    name: "facility_wait_mean_min",
    measure: Measure::Minutes,
    meaning: "mean minutes from a unit's arrival at a facility to a place for its person, over the transports given one (0 where places are free or unlimited)",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| mean(m.rec.facility_wait_minutes, m.rec.facility_waits)),
};

/// The metric `diversions`.
pub const DIVERSIONS: &Metric = &Metric {
    name: "diversions",
    measure: Measure::Count,
    meaning: "transports turned away from a full facility (sent on, or the call ended where the person was)",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| m.rec.diversions as f64),
};

/// The metric `unit_hours_at_facilities`.
pub const UNIT_HOURS_AT_FACILITIES: &Metric = &Metric {
    name: "unit_hours_at_facilities",
    measure: Measure::Hours,
    meaning: "responder unit-hours spent at facilities: waiting for a place plus handing over",
    console: true,
    compare: true,
    cost_part: false,
    value: Value::Whole(|m| m.rec.kinds.iter().map(|k| k.facility_minutes).sum::<f64>() / HOUR),
};

/// The metric `facility_hours_<kind>`.
pub const FACILITY_HOURS: &Metric = &Metric {
    name: "facility_hours_",
    measure: Measure::Hours,
    meaning: "unit-hours this kind spent at facilities, waiting for a place plus handing over",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::PerKind(|m, k| m.rec.kinds[k].facility_minutes / HOUR),
};

/// The metric `facility_wait_hours_<kind>`.
pub const FACILITY_WAIT_HOURS: &Metric = &Metric {
    name: "facility_wait_hours_",
    measure: Measure::Hours,
    meaning: "unit-hours this kind spent waiting at full facilities for a place",
    console: false,
    compare: false,
    cost_part: false,
    value: Value::PerKind(|m, k| m.rec.kinds[k].facility_wait_minutes / HOUR),
};

/// The metric `cost_total`.
pub const COST_TOTAL: &Metric = &Metric {
    name: "cost_total",
    measure: Measure::Dollars,
    meaning: "all costs below, summed",
    console: true,
    compare: true,
    cost_part: false,
    value: Value::Whole(|m| m.costs.total()),
};

/// The metric `cost_per_incident`.
pub const COST_PER_INCIDENT: &Metric = &Metric {
    name: "cost_per_incident",
    measure: Measure::Dollars,
    meaning: "cost_total divided by incidents",
    console: true,
    compare: false,
    cost_part: false,
    value: Value::Whole(|m| {
        if m.rec.incidents == 0 {
            f64::NAN
        } else {
            m.costs.total() / m.rec.incidents as f64
        }
    }),
};

/// The metric `cost_responders`.
pub const COST_RESPONDERS: &Metric = &Metric {
    name: "cost_responders",
    measure: Measure::Dollars,
    meaning: "on-duty unit-hours × hourly cost, overtime at 1.5 ×",
    console: false,
    compare: false,
    cost_part: true,
    value: Value::Whole(|m| m.costs.responders),
};

/// The metric `cost_staff`.
pub const COST_STAFF: &Metric = &Metric {
    name: "cost_staff",
    measure: Measure::Dollars,
    meaning: "staff paid by the year: each kind's full-time equivalents (its headcount, with a workforce) × cost_per_fte",
    console: false,
    compare: false,
    cost_part: true,
    value: Value::Whole(|m| m.costs.staff),
};

/// The metric `cost_ed_visits`.
pub const COST_ED_VISITS: &Metric = &Metric {
    name: "cost_ed_visits",
    measure: Measure::Dollars,
    meaning: "ED visits × cost per visit",
    console: false,
    compare: false,
    cost_part: true,
    value: Value::Whole(|m| m.costs.ed_visits),
};

/// The metric `cost_inpatient`.
pub const COST_INPATIENT: &Metric = &Metric {
    name: "cost_inpatient",
    measure: Measure::Dollars,
    meaning: "inpatient days after ED visits × cost per day",
    console: false,
    compare: false,
    cost_part: true,
    value: Value::Whole(|m| m.costs.inpatient),
};

/// The metric `cost_crisis_center`.
pub const COST_CRISIS_CENTER: &Metric = &Metric {
    name: "cost_crisis_center",
    measure: Measure::Dollars,
    meaning: "crisis-center stays × cost per stay",
    console: false,
    compare: false,
    cost_part: true,
    value: Value::Whole(|m| m.costs.crisis_center),
};

/// The metric `cost_jail`.
pub const COST_JAIL: &Metric = &Metric {
    name: "cost_jail",
    measure: Measure::Dollars,
    meaning: "jail bookings × cost per booking",
    console: false,
    compare: false,
    cost_part: true,
    value: Value::Whole(|m| m.costs.jail),
};

/// The metric `cost_programs`.
pub const COST_PROGRAMS: &Metric = &Metric {
    name: "cost_programs",
    measure: Measure::Dollars,
    meaning: "community prevention programs, per year × years measured",
    console: false,
    compare: false,
    cost_part: true,
    value: Value::Whole(|m| m.costs.programs),
};

/// The metric `cost_hotline`.
pub const COST_HOTLINE: &Metric = &Metric {
    name: "cost_hotline",
    measure: Measure::Dollars,
    meaning: "hotline counselor-hours on duty × cost per hour",
    console: false,
    compare: false,
    cost_part: true,
    value: Value::Whole(|m| m.costs.hotline),
};

/// The metric `cost_psychiatry`.
pub const COST_PSYCHIATRY: &Metric = &Metric {
    name: "cost_psychiatry",
    measure: Measure::Dollars,
    meaning: "consult line-hours on duty × cost per hour, plus consults × cost per consult",
    console: false,
    compare: false,
    cost_part: true,
    value: Value::Whole(|m| m.costs.psychiatry),
};

/// The metric `cost_facility_places`.
pub const COST_FACILITY_PLACES: &Metric = &Metric {
    name: "cost_facility_places",
    measure: Measure::Dollars,
    meaning: "places of facilities with a capacity × days measured × cost per place-day, used or not",
    console: false,
    compare: false,
    cost_part: true,
    value: Value::Whole(|m| m.costs.facility_places),
};

/// The metric `cost_follow_up`.
pub const COST_FOLLOW_UP: &Metric = &Metric {
    name: "cost_follow_up",
    measure: Measure::Dollars,
    meaning: "referrals × cost of a follow-up episode, and the case managers of [follow_up] a day",
    console: false,
    compare: false,
    cost_part: true,
    value: Value::Whole(|m| m.costs.follow_up),
};

/// The metric `cost_transport`.
pub const COST_TRANSPORT: &Metric = &Metric {
    name: "cost_transport",
    measure: Measure::Dollars,
    meaning: "ED visits × cost of the transport to one",
    console: false,
    compare: false,
    cost_part: true,
    value: Value::Whole(|m| m.costs.transport),
};

/// The metric `cost_unresolved`.
pub const COST_UNRESOLVED: &Metric = &Metric {
    name: "cost_unresolved",
    measure: Measure::Dollars,
    meaning: "crises left unresolved (hotline callers who hung up and did not call 911) × cost of one",
    console: false,
    compare: false,
    cost_part: true,
    value: Value::Whole(|m| m.costs.unresolved),
};

/// Every metric, in the order of outputs. Per-kind metrics expand in the order of the
/// scenario's responder kinds.
pub const METRICS: &[&Metric] = &[
    INCIDENTS,
    RESPONSE_TIME_MEAN_MIN,
    RESPONSE_TIME_P50_MIN,
    RESPONSE_TIME_P90_MIN,
    RESPONSE_WITHIN_TARGET_SHARE,
    DISPATCH_WAIT_MEAN_MIN,
    DISPATCH_WAIT_P90_MIN,
    UNSERVED,
    POLICE_INVOLVED_SHARE,
    NO_POLICE_SHARE,
    BACKUP_REQUESTS,
    BACKLOG_BACKGROUND,
    PREEMPTED_BACKGROUND,
    CANCELLED_SHARE,
    RESOLVED_ON_SCENE_SHARE,
    REFERRED_SHARE,
    CRISIS_CENTER,
    EMERGENCY_DEPARTMENT,
    HOSPITALIZATIONS,
    ARRESTS,
    USE_OF_FORCE,
    INJURIES,
    REPEAT_CRISES,
    ESCALATIONS,
    WALK_INS,
    WALK_INS_TURNED_AWAY_SHARE,
    HOLDS,
    HOLD_WAIT_MEAN_MIN,
    PEOPLE_IN_CRISIS,
    CRISES_TOP1PCT_SHARE,
    CRISES_TOP5PCT_SHARE,
    PEOPLE_4PLUS_SHARE,
    REPEAT_WITHIN_30D_SHARE,
    REPEAT_WITHIN_365D_SHARE,
    FOLLOW_UP_ENROLLED_MEAN,
    FOLLOW_UP_LOST_SHARE,
    FOLLOW_UP_WAIT_MEAN_DAYS,
    HOTLINE_CALLS,
    HOTLINE_ABANDONED_SHARE,
    HOTLINE_RESOLVED_SHARE,
    HOTLINE_UNRESOLVED,
    HOTLINE_TIME_MEAN_MIN,
    INDUCED_CALLS,
    UTILIZATION,
    OVERTIME_HOURS,
    UNSTAFFED_SHIFT_SHARE,
    CALLS,
    CALLS_PER_12H,
    BUSY_HOURS_CRISIS,
    COST_RESPONDERS_BY_KIND,
    FTE,
    HEADCOUNT,
    STRAINED_SHARE,
    COST_STAFF_BY_KIND,
    COST_PER_CALL,
    HOTLINE_ANSWER_MEAN_MIN,
    HOTLINE_ANSWER_P90_MIN,
    HOTLINE_CONTACTS,
    HOTLINE_ALL_ANSWER_MEAN_MIN,
    HOTLINE_ALL_ABANDONED_SHARE,
    PSYCHIATRY_CONSULTS,
    CONSULT_WAIT_MEAN_MIN,
    FACILITY_WAIT_MEAN_MIN,
    DIVERSIONS,
    UNIT_HOURS_AT_FACILITIES,
    FACILITY_HOURS,
    FACILITY_WAIT_HOURS,
    COST_TOTAL,
    COST_PER_INCIDENT,
    COST_RESPONDERS,
    COST_STAFF,
    COST_ED_VISITS,
    COST_INPATIENT,
    COST_CRISIS_CENTER,
    COST_JAIL,
    COST_PROGRAMS,
    COST_HOTLINE,
    COST_PSYCHIATRY,
    COST_FACILITY_PLACES,
    COST_FOLLOW_UP,
    COST_TRANSPORT,
    COST_UNRESOLVED,
];

/// The metrics of a group of incidents (a call type, a zone, a priority, the kind
/// first on scene), in output order.
pub const GROUP_METRICS: [&Metric; 13] = [
    INCIDENTS,
    RESPONSE_TIME_MEAN_MIN,
    RESPONSE_TIME_P50_MIN,
    RESPONSE_TIME_P90_MIN,
    RESPONSE_WITHIN_TARGET_SHARE,
    UNSERVED,
    POLICE_INVOLVED_SHARE,
    DISPATCH_WAIT_MEAN_MIN,
    DISPATCH_WAIT_P90_MIN,
    EMERGENCY_DEPARTMENT,
    ARRESTS,
    USE_OF_FORCE,
    INJURIES,
];

/// A metric of a facility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum FacilityMetric {
    /// Transports arriving.
    Arrivals,
    /// Share of them turned away.
    DivertedShare,
    /// Mean minutes from arrival to a place.
    WaitMeanMin,
    /// Share of places in use (null without a capacity).
    Occupancy,
    /// Hours its people spent boarding (at EDs only).
    BoardingHours,
}

impl FacilityMetric {
    /// Its name in the files.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// The registry entry of a metric name (a per-kind name finds its prefix's entry).
pub fn lookup(name: &str) -> Option<&'static Metric> {
    METRICS.iter().copied().find(|m| {
        if m.per_kind() {
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
        if m.per_kind() {
            out.extend(kinds.iter().map(|k| m.of(k)));
        } else {
            out.push(m.name.to_string());
        }
    }
    out
}

/// Every metric's value for one replication, in the order of [`names`].
pub fn values(measured: &Measured) -> Vec<f64> {
    let kinds = measured.model.kinds.len();
    let mut out = Vec::new();
    for m in METRICS {
        match m.value {
            Value::Whole(f) => out.push(f(measured)),
            Value::PerKind(f) => out.extend((0..kinds).map(|k| f(measured, k))),
        }
    }
    out
}

/// The cost components, in output order; `cost_total` is their sum.
pub fn cost_parts() -> impl Iterator<Item = &'static Metric> {
    METRICS.iter().copied().filter(|m| m.cost_part)
}

/// What a metric means (the registry's words), or `None` for a name it does not know.
pub fn describe(name: &str) -> Option<&'static str> {
    lookup(name).map(|m| m.meaning)
}

/// The registry as a Markdown table (name, measure, meaning), as the docs show it.
pub fn markdown_table() -> String {
    let mut out = String::from("| metric | unit | meaning |\n|---|---|---|\n");
    for m in METRICS {
        let name = if m.per_kind() {
            m.of("<kind>")
        } else {
            m.name.to_string()
        };
        out.push_str(&format!(
            "| `{name}` | {} | {} |\n",
            m.measure.label(),
            m.meaning
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 90 people with one crisis, 5 with two, 5 with four: 120 crises. The top 1 %
    /// (1 person) had 4 of them, the top 5 % (5 people) 20, the top quarter 45.
    #[test]
    fn concentration_comes_from_the_counts_of_people_by_crises() {
        let by_crises = [0, 90, 5, 0, 5];
        assert_eq!(people(&by_crises), 100);
        assert!((top_share(&by_crises, 0.01) - 4.0 / 120.0).abs() < 1e-12);
        assert!((top_share(&by_crises, 0.05) - 20.0 / 120.0).abs() < 1e-12);
        assert!((top_share(&by_crises, 0.25) - 45.0 / 120.0).abs() < 1e-12);
        assert!(top_share(&[], 0.01).is_nan());
    }

    #[test]
    fn every_name_is_known_and_unique() {
        let kinds = vec!["police".to_string(), "mobile_crisis".to_string()];
        let names = names(&kinds);
        for n in &names {
            assert!(describe(n).is_some_and(|d| !d.is_empty()), "{n}");
            assert_eq!(names.iter().filter(|m| *m == n).count(), 1, "{n}");
        }
        assert!(names.contains(&UTILIZATION.of("mobile_crisis")));
        assert_eq!(describe("no_such_metric"), None);
        assert_eq!(describe("utilization_"), None);
        assert_eq!(cost_parts().count(), 13);
        assert_eq!(lookup("cost_total"), Some(COST_TOTAL));
        assert_eq!(FacilityMetric::WaitMeanMin.name(), "wait_mean_min");
    }
}
