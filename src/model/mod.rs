//! The validated model: every name resolved to an index, every string parsed, every
//! probability checked. The simulation reads only this. Validation reports all problems
//! it finds at once, each located in the scenario file.

mod build;
mod call_types;
mod check;
pub mod dollars;
pub mod groups;
pub mod limits;
mod people;
mod responders;
mod schedule;
pub mod uncertain;
pub mod workforce;

use rand_distr::LogNormal;

use crate::dist::Dist;
use crate::scenario::Loaded;
use crate::time::{DAY, Minutes};
use build::*;
use call_types::build_call_types;
pub use check::ModelError;
use check::{Checker, key_path};
pub use people::{FollowUp, People, RiskClass};
use responders::build_kinds;
pub use schedule::Schedule;

/// Index of a zone in [`Model::zones`].
pub type ZoneId = usize;
/// Index of a responder kind in [`Model::kinds`].
pub type KindId = usize;
/// Index of a call type in [`Model::call_types`].
pub type CallTypeId = usize;

/// What a responder kind is, for metrics such as police involvement. Its names in
/// scenario files are the variants in snake case (`police`, `clinical`, …).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr, strum::VariantArray, strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    /// Sworn officers.
    Police,
    /// Clinicians (e.g. co-responder teams).
    Clinical,
    /// Civilian crisis workers.
    Civilian,
    /// Medics.
    Medical,
    /// Peer workers: people with lived experience of crises, alone or beside a
    /// clinician.
    Peer,
}

/// How an incident ends. Its names in files are the variants in snake case
/// (`resolved_on_scene`, …); [`Disposition::ALL`] is their order in outcome tables.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr, strum::VariantArray, strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Disposition {
    /// Resolved where it happened.
    ResolvedOnScene,
    /// Linked to follow-up care.
    Referred,
    /// Taken to a crisis center.
    CrisisCenter,
    /// Taken to an emergency department.
    EmergencyDepartment,
    /// Arrested and taken to jail.
    Arrest,
}

impl Disposition {
    /// All dispositions, in the order of outcome tables.
    pub const ALL: [Disposition; 5] = [
        Disposition::ResolvedOnScene,
        Disposition::Referred,
        Disposition::CrisisCenter,
        Disposition::EmergencyDepartment,
        Disposition::Arrest,
    ];

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Every name, in [`Disposition::ALL`] order.
    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|d| d.name()).collect()
    }

    /// The facility the unit must drive to, if any.
    pub fn facility(self) -> Option<FacilityKind> {
        match self {
            Disposition::CrisisCenter => Some(FacilityKind::CrisisCenter),
            Disposition::EmergencyDepartment => Some(FacilityKind::EmergencyDepartment),
            Disposition::Arrest => Some(FacilityKind::Jail),
            _ => None,
        }
    }
}

/// Kinds of transport destination. Their names in files are the variants in snake
/// case (`emergency_department`, …).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr, strum::VariantArray, strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum FacilityKind {
    /// Hospital emergency department.
    EmergencyDepartment,
    /// Crisis receiving / stabilization center.
    CrisisCenter,
    /// Jail (booking).
    Jail,
    /// Inpatient psychiatric beds: not a transport destination; ED patients who are
    /// admitted wait (board) in the ED for one.
    Inpatient,
}

impl FacilityKind {
    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

impl Role {
    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// What a unit does at a facility whose places are all taken.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WhenFull {
    /// Waits with the person until a place frees, first come, first served.
    Wait,
    /// Drives on to this facility, or with none turns back and ends the call where the
    /// person is (the disposition becomes resolved on scene).
    Divert(Option<usize>),
}

/// Places at a facility.
#[derive(Clone, Debug)]
pub struct Capacity {
    /// Places.
    pub places: u32,
    /// How long a person occupies one.
    pub length_of_stay: Dist,
    /// What a unit does when all are taken.
    pub when_full: WhenFull,
}

/// A point in km.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// East–west, km.
    pub x: f64,
    /// North–south, km.
    pub y: f64,
}

impl Point {
    /// Squared straight-line distance, km² (orders like the distance, without a root).
    #[inline]
    pub fn distance_squared(self, other: Point) -> f64 {
        let (dx, dy) = (self.x - other.x, self.y - other.y);
        dx * dx + dy * dy
    }

    /// Straight-line distance in km.
    #[inline]
    pub fn distance(self, other: Point) -> f64 {
        let (dx, dy) = (self.x - other.x, self.y - other.y);
        (dx * dx + dy * dy).sqrt()
    }
}

/// A zone.
#[derive(Clone, Debug)]
pub struct Zone {
    /// Name.
    pub name: String,
    /// Residents.
    pub population: f64,
    /// Centre.
    pub centre: Point,
    /// Radius of the disc incidents are spread over, km.
    pub radius_km: f64,
}

/// Travel: turnout plus road distance over speed, times noise.
#[derive(Clone, Debug)]
pub struct Travel {
    /// Minutes of driving per straight-line km (circuity / speed).
    pub minutes_per_km: f64,
    /// The same on the way to a call, by priority group (in the order of
    /// [`Model::priorities`]).
    pub to_call_per_km: Vec<f64>,
    /// Dispatch-to-rolling time.
    pub turnout: Minutes,
    /// Multiplicative noise on the driving part, mean 1; `None` when deterministic.
    pub noise: Option<LogNormal<f64>>,
    /// Its coefficient of variation.
    pub noise_cv: f64,
}

/// Crisis demand.
#[derive(Clone, Debug)]
pub struct Demand {
    /// Arrival rate per minute for each hour of the week (Monday 00:00 first), whole city.
    pub rate_by_hour: Vec<f64>,
    /// Cumulative population shares, for drawing the zone of an incident.
    pub zone_cdf: Vec<f64>,
    /// Cumulative call-type shares.
    pub call_type_cdf: Vec<f64>,
    /// Induced calls per crisis (`call_types.T.induced_share` weighted by the types'
    /// shares).
    pub induced_per_crisis: f64,
    /// Cumulative weights of the call types of induced calls.
    pub induced_call_type_cdf: Vec<f64>,
    /// A hotline share that grows (`hotline_share = { from, to, over }`): the factor
    /// `from / to` when the line opens, and the time to reach 1.
    pub hotline_ramp: Option<(f64, Minutes)>,
}

/// How a responder kind handles one call type.
#[derive(Clone, Debug)]
pub struct Response {
    /// Time on scene.
    pub on_scene: Dist,
    /// Chance of asking for police backup on arrival.
    pub backup: f64,
    /// Chance of use of force.
    pub use_of_force: f64,
    /// Chance of injury.
    pub injury: f64,
    /// Disposition probabilities in [`Disposition::ALL`] order (all zero if the kind
    /// only ever comes as backup).
    pub outcomes: [f64; 5],
    /// Chance of asking for a psychiatry consult on arrival.
    pub consult: f64,
    /// Disposition probabilities after a consult (the plain mix if none is given).
    pub outcomes_with_consult: [f64; 5],
}

/// A call type.
#[derive(Clone, Debug)]
pub struct CallType {
    /// Name.
    pub name: String,
    /// Queue priority, 1 first.
    pub priority: u32,
    /// Index of its priority in [`Model::priorities`].
    pub priority_group: usize,
    /// Acceptable kinds in order of preference.
    pub responders: Vec<KindId>,
    /// Wait before each fallback step.
    pub fallback_after: Minutes,
    /// Share of calls the call-taker offers to the first kind; the rest start at the
    /// second.
    pub routed_share: f64,
    /// Calls cancelled (by the caller, or the person is gone) before a unit is on scene.
    pub cancelled: Option<Cancellation>,
    /// Extra calls its non-police kinds answer that police would never have attended,
    /// as a share of its crises.
    pub induced_share: f64,
    /// The call is offered to the next kind at once when no free unit of the kind it
    /// waits for can be there within this time.
    pub prefer_within: Option<Minutes>,
    /// Share of its crises that reach the hotline first.
    pub hotline_share: f64,
    /// Share of its answered hotline calls resolved by phone (the line's own share
    /// when `None`).
    pub resolved_by_phone: Option<f64>,
    /// Rate per hour at which the crisis escalates while nobody has come (0: never):
    /// it escalates with chance 1 − exp(−rate × hours waited) and ends at the ED.
    pub escalation_per_hour: f64,
    /// Involuntary holds among its transports to an ED or crisis centre, if any.
    pub holds: Option<Holds>,
    /// The non-police kinds of `responders`, in order: where the hotline sends teams.
    pub mobile: Vec<KindId>,
    /// Units of each kind sent together (indexed by [`KindId`]; 1 for most).
    pub units_sent: Vec<u32>,
    /// Response by kind (indexed by [`KindId`]); `None` where the kind has no scene time.
    pub by_kind: Vec<Option<Response>>,
}

/// Calls a caller cancels: the share, and the time from the call to the cancellation,
/// which takes effect if no unit is on scene by then.
#[derive(Clone, Debug)]
pub struct Cancellation {
    /// Share of calls cancelled.
    pub share: f64,
    /// Time from the call to the cancellation.
    pub after: Dist,
}

/// A transport destination.
#[derive(Clone, Debug)]
pub struct Facility {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: FacilityKind,
    /// Location (its zone's centre).
    pub at: Point,
    /// Hand-off time.
    pub handoff: Dist,
    /// Its places, if it has a limited number.
    pub capacity: Option<Capacity>,
    /// Cost of one place for one day, used or not.
    pub cost_per_place_day: f64,
    /// Hand-off time for police units, where it differs.
    pub handoff_police: Option<Dist>,
    /// Walk-ins a minute on average (0: none); each takes a free place or is turned
    /// away.
    pub walk_ins_per_minute: f64,
    /// Their hour-of-day profile, 24 weights averaging 1.
    pub walk_ins_hourly: Vec<f64>,
    /// Takes people on an involuntary hold.
    pub accepts_holds: bool,
}

/// Involuntary holds of a call type: a share of its transports to an ED or crisis
/// centre go in custody, by a unit of `transport`, to a facility that accepts holds.
#[derive(Clone, Copy, Debug)]
pub struct Holds {
    /// Share of those transports that are holds.
    pub share: f64,
    /// The kind that transports them.
    pub transport: KindId,
}

/// One stream of background work of a whole kind.
#[derive(Clone, Debug)]
pub struct BackgroundWork {
    /// Jobs per minute.
    pub rate: f64,
    /// Busy time per job.
    pub service: Dist,
    /// Queue priority (`u32::MAX` = behind every crisis call).
    pub priority: u32,
    /// A request of this priority or more urgent (a lower number) may take a unit off
    /// one of these jobs, whose rest is then dropped; 0: never.
    pub preemptible_by: u32,
    /// Jobs per minute for each hour of day, when the rate varies (else `rate` always).
    pub by_hour: Option<Vec<f64>>,
    /// Units each job takes, busy together for its service.
    pub units: u32,
}

/// Out-of-service spells of on-duty units (meals, reports, court, shift change).
#[derive(Clone, Debug)]
pub struct Unavailable {
    /// Long-run share of on-duty time out of service.
    pub share: f64,
    /// Length of one spell.
    pub spell: Dist,
}

impl Unavailable {
    /// Mean time in service between spells, so that spells take `share` of the time.
    pub fn mean_gap(&self) -> Minutes {
        self.spell.mean() * (1.0 - self.share) / self.share.max(1e-9)
    }
}

/// Units a kind holds back for urgent calls.
#[derive(Clone, Debug)]
pub struct Reserve {
    /// While no more than this many units are free, less urgent calls wait.
    pub units: u32,
    /// Calls of this priority and less urgent ones (higher numbers) are held.
    pub below_priority: u32,
}

impl Reserve {
    /// Whether a request of `priority` may take a free unit when `free` are free.
    pub fn allows(&self, priority: u32, free: usize) -> bool {
        priority < self.below_priority || free > self.units as usize
    }
}

/// A responder kind.
#[derive(Clone, Debug)]
pub struct Kind {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Home zones; unit `i` lives in `homes[i % homes.len()]`.
    pub homes: Vec<ZoneId>,
    /// Cost per on-duty unit-hour.
    pub cost_per_hour: f64,
    /// Units on duty over the week.
    pub schedule: Schedule,
    /// Non-crisis work, one stream or several.
    pub background: Vec<BackgroundWork>,
    /// Out-of-service spells, if any.
    pub unavailable: Option<Unavailable>,
    /// Units held back for urgent calls, if any.
    pub reserve: Option<Reserve>,
    /// Share of scheduled unit-shifts left unstaffed.
    pub absence: f64,
    /// Whether the kind serves each zone (by [`ZoneId`]); `None`: every zone.
    pub serves: Option<Vec<bool>>,
    /// Longest acceptable driving time to a call (turnout included, noise left out).
    pub max_travel: Option<Minutes>,
    /// When it starts to exist (minutes since the start, warm-up included).
    pub from: Minutes,
    /// The people who staff it.
    pub staff: workforce::Staff,
}

impl Kind {
    /// Full-time equivalents its schedule needs.
    pub fn fte(&self) -> f64 {
        self.staff.fte(self.schedule.mean_units())
    }

    /// The kind goes to calls in zone `z`.
    pub fn serves_zone(&self, z: ZoneId) -> bool {
        self.serves.as_ref().is_none_or(|s| s[z])
    }
}

/// The 988 hotline.
#[derive(Clone, Debug)]
pub struct Hotline {
    /// Counselors on duty over the week.
    pub schedule: Schedule,
    /// Time on one call.
    pub handle_time: Dist,
    /// Caller patience; `None`: callers wait as long as it takes.
    pub patience: Option<Dist>,
    /// Share of answered calls resolved by phone.
    pub resolved_by_phone: f64,
    /// Share of answered calls sent a mobile team.
    pub dispatch_mobile: f64,
    /// Share of abandoned callers who call 911.
    pub redial_911: f64,
    /// Time from hanging up to the call to 911.
    pub redial_delay: Option<Dist>,
    /// Chance of another crisis for a caller who hung up and did not call 911.
    pub unresolved_repeat: f64,
    /// Cost of one on-duty counselor-hour.
    pub cost_per_hour: f64,
    /// When the line opens (minutes since the start); before it, crises call 911.
    pub from: Minutes,
    /// Its ordinary contacts, which take counselors' time but never reach 911.
    pub contacts: Option<Contacts>,
    /// Growing awareness (`demand.hotline_share = { from, to, over }`): the factor on
    /// every hotline share when the line opens (`from / to`), and the time to reach 1
    /// (linearly).
    pub awareness: Option<(f64, Minutes)>,
}

impl Hotline {
    /// The factor on every call type's hotline share at time `t`: 1 without an
    /// `awareness` ramp, else from its `from` when the line opens up to 1.
    pub fn awareness_factor(&self, t: Minutes) -> f64 {
        match self.awareness {
            Some((from, over)) if over > 0.0 => {
                let progress = ((t - self.from) / over).clamp(0.0, 1.0);
                from + (1.0 - from) * progress
            }
            _ => 1.0,
        }
    }
}

/// A hotline's ordinary contact load: a Poisson stream, patient as crisis callers are.
#[derive(Clone, Debug)]
pub struct Contacts {
    /// Contacts per minute.
    pub rate: f64,
    /// Time on one contact.
    pub handle_time: Dist,
}

/// On-call psychiatry consult lines.
#[derive(Clone, Debug)]
pub struct Psychiatry {
    /// Lines staffed over the week.
    pub schedule: Schedule,
    /// Length of one consult.
    pub consult_time: Dist,
    /// Longest a team waits for a line.
    pub max_wait: Minutes,
    /// When the lines open (minutes since the start); before it, no team asks.
    pub from: Minutes,
    /// Cost of one staffed line-hour.
    pub cost_per_hour: f64,
    /// Cost of one consult.
    pub cost_per_consult: f64,
}

/// Repeat crises and community programs.
#[derive(Clone, Debug)]
pub struct Prevention {
    /// Chance of another crisis by the disposition of the last, in [`Disposition::ALL`]
    /// order; a crisis resolved by phone counts as resolved on scene.
    pub repeat: [f64; 5],
    /// Delay to the next crisis.
    pub repeat_delay: Dist,
    /// Fraction by which first crises fall once programs have ramped up.
    pub incidence_reduction: f64,
    /// Time to full effect (linear), from `from`.
    pub ramp: Minutes,
    /// When the programs begin (minutes since the start).
    pub from: Minutes,
    /// Yearly cost of the programs.
    pub program_cost_per_year: f64,
}

impl Prevention {
    /// The share of first crises that still happen at time `t`.
    pub fn incidence_factor(&self, t: Minutes) -> f64 {
        let progress = if t < self.from {
            0.0
        } else if self.ramp > 0.0 {
            ((t - self.from) / self.ramp).min(1.0)
        } else {
            1.0
        };
        1.0 - self.incidence_reduction * progress
    }

    /// Minutes of `[start, end)` during which the programs run (and cost).
    pub fn running(&self, start: Minutes, end: Minutes) -> Minutes {
        (end - start.max(self.from)).max(0.0)
    }
}

/// Call processing at the dispatch centre, before a 911 call can be dispatched.
#[derive(Clone, Debug)]
pub struct Intake {
    /// Processing time by priority group (in the order of [`Model::priorities`]); `None`
    /// where a call is ready at once.
    pub processing: Vec<Option<Dist>>,
    /// The processing time of priorities only background calls have, where given.
    pub other: Vec<(u32, Dist)>,
    /// The processing time of any other priority.
    pub otherwise: Option<Dist>,
}

impl Intake {
    /// The processing time of a call of `priority`, given the model's `priorities`.
    pub fn for_priority(&self, priority: u32, priorities: &[u32]) -> Option<&Dist> {
        match priorities.iter().position(|p| *p == priority) {
            Some(group) => self.processing[group].as_ref(),
            None => (self.other.iter().find(|(p, _)| *p == priority))
                .map(|(_, d)| d)
                .or(self.otherwise.as_ref()),
        }
    }
}

/// Downstream unit costs, in dollars of `dollar_year`.
#[derive(Clone, Debug)]
pub struct Costs {
    /// The year whose dollars every cost of the model is in.
    pub dollar_year: u32,
    /// Per ED visit.
    pub ed_visit: f64,
    /// Chance an ED visit leads to an inpatient stay.
    pub hospitalization_probability: f64,
    /// Per inpatient day.
    pub inpatient_day: f64,
    /// Length of an inpatient stay.
    pub length_of_stay: Dist,
    /// Per crisis-center stay.
    pub crisis_center_stay: f64,
    /// Per jail booking.
    pub jail_booking: f64,
    /// Per follow-up episode after a referral.
    pub referral: f64,
    /// Per transport to an ED visit.
    pub transport: f64,
    /// Per crisis left unresolved (a hotline caller who hung up and did not call 911).
    pub unresolved: f64,
}

/// The validated scenario.
#[derive(Clone, Debug)]
pub struct Model {
    /// Scenario name.
    pub name: String,
    /// Measured days.
    pub days: f64,
    /// Warm-up days.
    pub warmup_days: f64,
    /// A response-time target, if the scenario sets one.
    pub response_target: Option<Minutes>,
    /// Replications.
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// Keep the crises' figures by day of the week too (`plan --per day` asks for
    /// them; a run does not, so it does not pay for them).
    pub by_weekday: bool,
    /// Zones.
    pub zones: Vec<Zone>,
    /// Travel.
    pub travel: Travel,
    /// Demand.
    pub demand: Demand,
    /// Call types.
    pub call_types: Vec<CallType>,
    /// The distinct priorities of the call types, most urgent first.
    pub priorities: Vec<u32>,
    /// Facilities.
    pub facilities: Vec<Facility>,
    /// The inpatient facility admitted ED patients wait for, if the scenario has one.
    pub inpatient: Option<usize>,
    /// Responder kinds.
    pub kinds: Vec<Kind>,
    /// The kind that answers backup requests (the first with role police).
    pub backup_kind: Option<KindId>,
    /// The 988 hotline, if the scenario has one (each call type says which share of
    /// its crises reach it first).
    pub hotline: Option<Hotline>,
    /// Psychiatry consult lines, if any.
    pub psychiatry: Option<Psychiatry>,
    /// Repeat crises and community programs (neutral when absent).
    pub prevention: Prevention,
    /// The people who have crises (everyone alike when absent).
    pub people: People,
    /// Follow-up care after a referral, with its places, if the scenario has it.
    pub follow_up: Option<FollowUp>,
    /// Unit costs (zero when absent).
    pub costs: Costs,
    /// Call processing before dispatch, if the scenario has it.
    pub intake: Option<Intake>,
    /// Uncertain inputs, for probabilistic sensitivity analysis (unused by a run).
    pub uncertainty: Vec<uncertain::Uncertain>,
    /// Population groups counted apart (none when the scenario has no `[[groups]]`).
    pub groups: groups::Groups,
}

impl Model {
    /// Time the measured period starts.
    pub fn warmup_end(&self) -> Minutes {
        self.warmup_days * DAY
    }

    /// Time the measured period ends.
    pub fn horizon(&self) -> Minutes {
        (self.warmup_days + self.days) * DAY
    }

    /// The length of an inpatient stay: the inpatient unit's, where the model has
    /// one with places, else the costs' (one draw serves the bed and the days costed).
    pub fn inpatient_stay(&self) -> &Dist {
        let unit = self
            .inpatient
            .and_then(|h| self.facilities[h].capacity.as_ref());
        unit.map_or(&self.costs.length_of_stay, |c| &c.length_of_stay)
    }

    /// The first change the scenario plans after its start, in days, and what it is: a
    /// responder kind, the hotline or consult lines that open, or community programmes
    /// that begin to lower crises. The warm-up check reads the run only up to it.
    pub fn first_planned_change(&self) -> Option<(f64, String)> {
        let kinds = (self.kinds.iter()).map(|k| (k.from, format!("`{}` starts", k.name)));
        let lines = [
            self.hotline
                .as_ref()
                .map(|h| (h.from, "the 988 line opens".to_string())),
            self.psychiatry
                .as_ref()
                .map(|p| (p.from, "the consult lines open".to_string())),
            (self.prevention.incidence_reduction > 0.0).then(|| {
                (
                    self.prevention.from,
                    "the community programmes start".to_string(),
                )
            }),
        ];
        (kinds.chain(lines.into_iter().flatten()))
            .filter(|(from, _)| *from > 0.0 && *from < self.horizon())
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(from, what)| (from / DAY, what))
    }

    /// Expected crises per day, averaged over the week.
    pub fn mean_crises_per_day(&self) -> f64 {
        self.demand.rate_by_hour.iter().sum::<f64>() / 168.0 * DAY
    }

    /// Kinds whose background work alone asks more unit-time than their staffed units
    /// give, in words: their queues grow without bound.
    pub fn background_overload(&self) -> Vec<String> {
        self.kinds
            .iter()
            .filter(|k| !k.background.is_empty())
            .filter_map(|k| {
                let offered: f64 = (k.background.iter())
                    .map(|b| b.rate * f64::from(b.units) * b.service.mean())
                    .sum();
                let away = k.unavailable.as_ref().map_or(0.0, |u| u.share);
                let capacity = k.schedule.mean_units() * (1.0 - k.absence) * (1.0 - away);
                (offered >= capacity).then(|| {
                    format!(
                        "`{}`'s background work alone keeps {offered:.1} units busy on average, \
                         but only {capacity:.1} are staffed and in service: its queue will grow \
                         without bound",
                        k.name
                    )
                })
            })
            .collect()
    }
}
/// Validates a loaded scenario into a [`Model`].
pub fn build(loaded: &Loaded) -> Result<Model, ModelError> {
    let s = &loaded.scenario;
    let mut c = Checker {
        loaded,
        problems: Vec::new(),
        dollar_year: dollars::DEFAULT_YEAR,
    };
    let dollar_year = s.costs.as_ref().and_then(|k| k.dollar_year);
    if let Some(year) = dollar_year {
        c.check(
            dollars::cpi(year).is_some(),
            key_path!["costs", "dollar_year"],
            format!(
                "is {year}; the CPI-U table converts dollars of {} (docs/sources.md)",
                dollars::covered()
            ),
        );
        c.dollar_year = year.clamp(dollars::CPI_U[0].0, dollars::DEFAULT_YEAR);
    }
    check_meta(&mut c, &s.scenario);
    let zones = build_zones(&mut c, &s.zones);
    let zone_names: Vec<&str> = s.zones.iter().map(|z| z.name.as_str()).collect();
    let travel = build_travel(&mut c, &s.travel);
    let scale = demand_scale(&mut c, s);
    let run_days = (s.scenario.warmup_days + s.scenario.days)
        .clamp(0.0, 1e6)
        .ceil() as usize;
    let populations: Vec<f64> = zones.iter().map(|z| z.population.max(0.0)).collect();
    let groups = groups::build_groups(&mut c, &s.groups, &zone_names, &populations);
    let kinds = build_kinds(
        &mut c,
        &s.responders,
        &zone_names,
        scale,
        (run_days, &groups.languages),
    );
    let facilities = build_facilities(&mut c, &s.facilities, &zones, &zone_names);
    let backup_kind = kinds.iter().position(|k| k.role == Role::Police);
    let roles: Vec<Role> = kinds.iter().map(|k| k.role).collect();
    let mut call_types = build_call_types(&mut c, s, &roles, &facilities, backup_kind);
    let mut demand = build_demand(&mut c, s, &zones, scale);
    let induced: Vec<f64> = (s.call_types.iter().zip(&call_types))
        .map(|(t, ct)| t.share.max(0.0) * ct.induced_share)
        .collect();
    demand.induced_per_crisis = induced.iter().sum();
    demand.induced_call_type_cdf = cumulative(induced.into_iter());
    let population: f64 = zones.iter().map(|z| z.population.max(0.0)).sum();
    let mut hotline = s
        .hotline
        .as_ref()
        .map(|h| build_hotline(&mut c, h, population));
    if let Some(h) = &mut hotline {
        h.awareness = demand.hotline_ramp;
    }
    if s.demand.hotline_share.value() > 0.0 && hotline.is_none() {
        c.fail(
            key_path!["demand", "hotline_share"],
            "sends crises to the hotline, but the scenario has no [hotline] table",
        );
    }
    let typed = s
        .call_types
        .iter()
        .position(|t| t.hotline_share.unwrap_or(0.0) > 0.0);
    if let (Some(t), None) = (typed, &hotline) {
        c.fail(
            key_path!["call_types", t, "hotline_share"],
            "sends crises to the hotline, but the scenario has no [hotline] table",
        );
    }
    let psychiatry = s.psychiatry.as_ref().map(|p| build_psychiatry(&mut c, p));
    let asks_consult = s
        .call_types
        .iter()
        .any(|t| t.consult.values().any(|p| *p > 0.0));
    if asks_consult && psychiatry.is_none() {
        let at = s
            .call_types
            .iter()
            .position(|t| !t.consult.is_empty())
            .unwrap_or(0);
        c.fail(
            key_path!["call_types", at, "consult"],
            "asks for psychiatry consults, but the scenario has no [psychiatry] table",
        );
    }
    let prevention = build_prevention(&mut c, s.prevention.as_ref());
    if let Some(h) = hotline.as_mut().filter(|h| h.unresolved_repeat.is_nan()) {
        // Left unresolved, a crisis is at least as likely to come back as after any
        // response.
        h.unresolved_repeat = prevention.repeat.iter().copied().fold(0.0, f64::max);
    }
    let people = people::build_people(&mut c, s.people.as_ref());
    let follow_up = people::build_follow_up(&mut c, s.follow_up.as_ref());
    let costs = build_costs(&mut c, s.costs.as_ref());
    let response_target = s.scenario.response_target.as_ref().map(|t| {
        let at = key_path!["scenario", "response_target"];
        c.positive_duration(t, at)
    });
    let uncertainty = uncertain::build_uncertainty(&mut c);
    let mut priorities: Vec<u32> = s.call_types.iter().map(|t| t.priority).collect();
    priorities.sort_unstable();
    priorities.dedup();
    let intake = s
        .intake
        .as_ref()
        .map(|i| build_intake(&mut c, i, &priorities, &kinds));
    if !c.problems.is_empty() {
        return Err(ModelError {
            problems: c.problems,
        });
    }
    for t in &mut call_types {
        t.priority_group = priorities.partition_point(|p| *p < t.priority);
    }
    let mut travel = travel;
    travel.to_call_per_km = priority_speeds(&mut c, &s.travel, &priorities, travel.minutes_per_km);
    if !c.problems.is_empty() {
        return Err(ModelError {
            problems: c.problems,
        });
    }
    Ok(Model {
        name: s.scenario.name.clone(),
        days: s.scenario.days,
        warmup_days: s.scenario.warmup_days,
        response_target,
        replications: s.scenario.replications,
        seed: s.scenario.seed,
        by_weekday: false,
        zones,
        travel,
        demand,
        call_types,
        priorities,
        inpatient: facilities
            .iter()
            .position(|f| f.kind == FacilityKind::Inpatient),
        facilities,
        kinds,
        backup_kind,
        hotline,
        psychiatry,
        prevention,
        people,
        follow_up,
        costs,
        intake,
        uncertainty,
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_ramp_up_from_their_start() {
        let p = Prevention {
            repeat: [0.0; 5],
            repeat_delay: Dist::Fixed(0.0),
            incidence_reduction: 0.2,
            ramp: 100.0,
            from: 50.0,
            program_cost_per_year: 0.0,
        };
        assert_eq!(p.incidence_factor(0.0), 1.0);
        assert_eq!(p.incidence_factor(50.0), 1.0);
        assert!((p.incidence_factor(100.0) - 0.9).abs() < 1e-12);
        assert!((p.incidence_factor(500.0) - 0.8).abs() < 1e-12);
        assert_eq!(p.running(0.0, 40.0), 0.0);
        assert_eq!(p.running(20.0, 150.0), 100.0);
    }
}
