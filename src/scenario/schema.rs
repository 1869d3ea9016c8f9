//! The scenario file as written: plain serde types, one field per documented key.
//! Strings (durations, distributions, names) stay strings here; `model` checks and
//! resolves them.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A whole scenario file (after `extends` and `--set` are applied).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Run settings.
    pub scenario: Meta,
    /// Named areas of the city.
    pub zones: Vec<Zone>,
    /// How units move between zones.
    pub travel: Travel,
    /// How many crises arrive, and when.
    pub demand: Demand,
    /// Kinds of crisis call and how each is answered.
    pub call_types: Vec<CallType>,
    /// Transport destinations.
    #[serde(default)]
    pub facilities: Vec<Facility>,
    /// Responder kinds and their staffing.
    pub responders: Vec<Responder>,
    /// The 988 hotline.
    pub hotline: Option<Hotline>,
    /// On-call psychiatry consults.
    pub psychiatry: Option<Psychiatry>,
    /// Repeat crises and community programs.
    pub prevention: Option<Prevention>,
    /// The people who have crises: risk classes and time out of the community.
    pub people: Option<People>,
    /// Follow-up care after a referral, with the places its case managers have.
    pub follow_up: Option<FollowUp>,
    /// Downstream unit costs.
    pub costs: Option<Costs>,
    /// Call processing before dispatch.
    pub intake: Option<Intake>,
    /// Population groups whose crises are counted apart.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Uncertain inputs: a `--set` key and the distribution of its value (or of a
    /// factor on it), for `crisis-sim uncertainty`.
    #[serde(default)]
    pub uncertainty: indexmap::IndexMap<String, String>,
}

/// `[hotline]`: 988 counselors answering calls in a queue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hotline {
    /// Counselors on duty around the clock.
    pub counselors: Option<u32>,
    /// Counselors on duty by time window.
    pub shifts: Option<Vec<Shift>>,
    /// Time a counselor spends on one call.
    pub handle_time: String,
    /// How long a caller waits before hanging up (absent: callers never hang up).
    pub patience: Option<String>,
    /// Share of answered calls resolved by phone.
    pub resolved_by_phone: f64,
    /// Share of answered calls sent a mobile team (non-police kinds only).
    pub dispatch_mobile: f64,
    /// Share of abandoned callers who call 911.
    #[serde(default)]
    pub redial_911: f64,
    /// Time from hanging up to the call to 911 (default: at once).
    pub redial_delay: Option<String>,
    /// Chance of another crisis for a caller who hung up and did not call 911
    /// (default: the highest of `prevention.repeat`).
    pub unresolved_repeat: Option<f64>,
    /// Cost of one on-duty counselor-hour.
    #[serde(default)]
    pub cost_per_hour: Money,
    /// Day (since the start, warm-up included) before which it does not exist.
    pub from_day: Option<f64>,
    /// The line's ordinary contacts (never 911-level), per 100,000 residents a month.
    pub contacts_per_100k_per_month: Option<f64>,
    /// Time a counselor spends on one ordinary contact (default: `handle_time`).
    pub contact_handle_time: Option<String>,
}

/// `[psychiatry]`: consult lines that teams on scene may call.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Psychiatry {
    /// Lines staffed around the clock.
    pub on_call: Option<u32>,
    /// Lines staffed by time window.
    pub shifts: Option<Vec<Shift>>,
    /// Length of one consult.
    pub consult_time: String,
    /// How long a team waits for a line before going on without.
    pub max_wait: String,
    /// Cost of one staffed line-hour.
    #[serde(default)]
    pub cost_per_hour: Money,
    /// Cost of one consult.
    #[serde(default)]
    pub cost_per_consult: Money,
    /// Day (since the start, warm-up included) before which it does not exist.
    pub from_day: Option<f64>,
}

/// `[prevention]`: repeat crises and community programs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prevention {
    /// Chance of another crisis, by the disposition of the last one.
    #[serde(default)]
    pub repeat: BTreeMap<String, f64>,
    /// Delay from one crisis to the next.
    pub repeat_delay: Option<String>,
    /// Fraction by which community programs lower first crises once ramped up.
    #[serde(default)]
    pub incidence_reduction: f64,
    /// Time for programs to reach their full effect.
    pub ramp: Option<String>,
    /// Yearly cost of the programs.
    #[serde(default)]
    pub program_cost_per_year: Money,
    /// Day (since the start, warm-up included) the community programs begin.
    pub from_day: Option<f64>,
}

/// `[people]`: who has crises. Each person draws a risk class at their first crisis.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct People {
    /// Risk classes: shares of people, and factors on their repeat chances.
    #[serde(default)]
    pub classes: Vec<RiskClass>,
    /// Time in custody after an arrest, during which the person has no crisis.
    pub jail_stay: Option<String>,
    /// Chance that a repeat crisis is of the same call type as the person's last.
    pub usual_call_type: Option<f64>,
    /// Length of the crisis history generated before day 0, so the run starts with
    /// the repeats then still pending.
    pub history: Option<String>,
}

/// One risk class of `[people]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskClass {
    /// Share of the people who have a first crisis.
    pub share: f64,
    /// Factor on every repeat chance of `[prevention]`.
    pub odds_factor: f64,
    /// Factor on the time to their next crisis (default 1).
    pub delay_factor: Option<f64>,
}

/// `[follow_up]`: case management after a referral, with a limited number of places.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    /// Case managers on staff.
    pub case_managers: u32,
    /// People one case manager follows at a time.
    pub caseload: u32,
    /// How long a person stays enrolled.
    pub enrolment: String,
    /// Share of referred people who take follow-up up.
    pub engagement: f64,
    /// Fraction of repeat crises prevented while enrolled.
    pub effect: f64,
    /// Fraction prevented after discharge.
    #[serde(default)]
    pub after: f64,
    /// How long a referred person waits for a place before the referral is lost
    /// (default: lost at once when every place is taken).
    pub max_wait: Option<String>,
    /// Cost of one case manager a day.
    #[serde(default)]
    pub cost_per_day: Money,
}

/// `[costs]`: downstream unit costs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// The year whose dollars every cost is converted to.
    pub dollar_year: Option<u32>,
    /// Cost of one ED visit.
    #[serde(default)]
    pub ed_visit: Money,
    /// Chance that an ED visit leads to an inpatient stay.
    #[serde(default)]
    pub hospitalization_probability: f64,
    /// Cost of one inpatient day.
    #[serde(default)]
    pub inpatient_day: Money,
    /// Length of an inpatient stay.
    pub length_of_stay: Option<String>,
    /// Cost of one crisis-center stay.
    #[serde(default)]
    pub crisis_center_stay: Money,
    /// Cost of one jail booking.
    #[serde(default)]
    pub jail_booking: Money,
    /// Cost of one follow-up episode after a referral.
    #[serde(default)]
    pub referral: Money,
    /// Cost of the transport to an ED visit.
    #[serde(default)]
    pub transport: Money,
    /// Cost of a crisis left unresolved (a caller who hung up on the hotline and did
    /// not call 911).
    #[serde(default)]
    pub unresolved: Money,
}

/// `[scenario]`: name and run settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// A human-readable name.
    pub name: String,
    /// Measured horizon in days.
    pub days: f64,
    /// Days simulated first and not measured.
    #[serde(default)]
    pub warmup_days: f64,
    /// Independent replications.
    #[serde(default = "default_replications")]
    pub replications: u32,
    /// Master seed: a whole number from 0 to 18446744073709551615 (TOML integers stop at
    /// 9223372036854775807, so larger seeds are written as a string).
    #[serde(default = "default_seed", deserialize_with = "seed")]
    pub seed: u64,
    /// A response-time target, e.g. "20min": the share of calls reached within it.
    pub response_target: Option<String>,
}

fn default_replications() -> u32 {
    20
}

fn default_seed() -> u64 {
    1
}

/// A seed from a TOML integer or a string of digits.
fn seed<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Seed {
        Number(u64),
        Text(String),
    }
    match Seed::deserialize(d)? {
        Seed::Number(n) => Ok(n),
        Seed::Text(t) => t.trim().parse().map_err(|_| {
            serde::de::Error::custom(format!(
                "`{t}` is not a seed; write a whole number from 0 to 18446744073709551615"
            ))
        }),
    }
}

/// `[[zones]]`: a named area.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    /// Unique name.
    pub name: String,
    /// Residents.
    pub population: f64,
    /// East–west position of its centre, km.
    pub x_km: f64,
    /// North–south position of its centre, km.
    pub y_km: f64,
    /// Incidents are spread uniformly over a disc of this radius (0: at the centre).
    #[serde(default)]
    pub radius_km: f64,
}

/// `[travel]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Travel {
    /// Average driving speed.
    pub speed_kmh: f64,
    /// Road km per straight-line km.
    #[serde(default = "one")]
    pub circuity: f64,
    /// Time from dispatch to rolling.
    #[serde(default = "zero_duration")]
    pub turnout: String,
    /// Coefficient of variation of the lognormal driving-time noise.
    #[serde(default)]
    pub noise_cv: f64,
    /// The speed of drives to calls of a priority (`"1" = 48.0`), where it differs
    /// (lights and sirens).
    #[serde(default)]
    pub speed_kmh_by_priority: BTreeMap<String, f64>,
}

fn one() -> f64 {
    1.0
}

fn zero_duration() -> String {
    "0min".into()
}

/// `[demand]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    /// Crisis incidence.
    pub crises_per_100k_per_day: f64,
    /// 24 relative weights by hour of day.
    pub hourly: Option<Vec<f64>>,
    /// 7 relative weights by day of week, Monday first.
    pub weekly: Option<Vec<f64>>,
    /// Share of crises that reach the 988 hotline first: a number, or a ramp
    /// `{ from, to, over }` as people learn of the line.
    #[serde(default)]
    pub hotline_share: HotlineShare,
    /// Multiplies first-crisis demand and every kind's background work (default 1).
    pub scale: Option<f64>,
}

/// `demand.hotline_share`: a share, or a share that grows from `from` when the line
/// opens to `to` over `over`.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    untagged,
    expecting = "a share from 0 to 1, or a ramp such as { from = 0.18, to = 0.3, over = \"730d\" }"
)]
pub enum HotlineShare {
    /// A fixed share.
    Share(f64),
    /// A growing share.
    Ramp {
        /// The share when the line opens.
        from: f64,
        /// The share it grows to.
        to: f64,
        /// How long it takes.
        over: String,
    },
}

impl Default for HotlineShare {
    fn default() -> Self {
        HotlineShare::Share(0.0)
    }
}

impl HotlineShare {
    /// The share once grown.
    pub fn value(&self) -> f64 {
        match self {
            HotlineShare::Share(x) => *x,
            HotlineShare::Ramp { to, .. } => *to,
        }
    }
}

/// `[[call_types]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallType {
    /// Unique name.
    pub name: String,
    /// Share of crises of this type.
    pub share: f64,
    /// 1 is most urgent.
    #[serde(default = "default_priority")]
    pub priority: u32,
    /// Responder kinds in order of preference.
    pub responders: Vec<String>,
    /// How long to wait for a preferred kind before accepting the next.
    pub fallback_after: Option<String>,
    /// Share of calls the call-taker offers to the first kind (1 when absent).
    pub routed_share: Option<f64>,
    /// Calls cancelled while waiting or driving: `{ share, after }`.
    pub cancelled: Option<Cancelled>,
    /// Extra calls, as a share of this type's crises, that its non-police kinds answer
    /// and police would never have attended.
    pub induced_share: Option<f64>,
    /// Offer the call to the next kind at once when no unit of the preferred kind
    /// can be there within this time.
    pub prefer_within: Option<String>,
    /// Share of this type's crises that reach the hotline first (default:
    /// `demand.hotline_share`).
    pub hotline_share: Option<f64>,
    /// Share of this type's answered hotline calls resolved by phone (default:
    /// `hotline.resolved_by_phone`).
    pub resolved_by_phone: Option<f64>,
    /// Rate per hour, while the person waits for a first unit, at which the crisis
    /// escalates to an emergency-department outcome.
    pub escalation_per_hour: Option<f64>,
    /// Involuntary holds: `{ share, transport? }`, the share of this type's
    /// transports to an ED or crisis centre that need a secure transport.
    pub holds: Option<Holds>,
    /// Units of a kind sent together (`{ police = 2 }`); 1 where absent.
    #[serde(default)]
    pub units_sent: BTreeMap<String, u32>,
    /// Scene time distribution per responder kind.
    pub on_scene: BTreeMap<String, String>,
    /// Chance that a unit of a kind asks for police backup.
    #[serde(default)]
    pub backup: BTreeMap<String, f64>,
    /// Chance of use of force per unit of a kind on scene.
    #[serde(default)]
    pub use_of_force: BTreeMap<String, f64>,
    /// Chance of an injury per unit of a kind on scene.
    #[serde(default)]
    pub injury: BTreeMap<String, f64>,
    /// Disposition mix per responder kind.
    pub outcomes: BTreeMap<String, BTreeMap<String, f64>>,
    /// Chance that a unit of a kind asks for a psychiatry consult.
    #[serde(default)]
    pub consult: BTreeMap<String, f64>,
    /// Disposition mix after a consult, per responder kind.
    #[serde(default)]
    pub outcomes_with_consult: BTreeMap<String, BTreeMap<String, f64>>,
}

fn default_priority() -> u32 {
    1
}

/// `[[facilities]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    /// Unique name.
    pub name: String,
    /// `emergency_department`, `crisis_center`, `jail` or `inpatient`.
    pub kind: String,
    /// Zone it stands in.
    pub zone: String,
    /// Time the unit stays busy at the door, once a place is granted.
    #[serde(default = "zero_duration")]
    pub handoff: String,
    /// Places (chairs, beds, cells); unlimited when absent.
    pub capacity: Option<u32>,
    /// How long a person occupies a place (a distribution); needed with a capacity.
    pub length_of_stay: Option<String>,
    /// `wait` (default) or `divert` when every place is taken.
    pub when_full: Option<String>,
    /// Where a diverted unit drives on to (with `when_full = "divert"`).
    pub divert_to: Option<String>,
    /// Cost of one place for one day, used or not (with a capacity).
    #[serde(default)]
    pub cost_per_place_day: Money,
    /// The hand-off time for police units, where it differs (a crisis centre's
    /// drop-off for officers).
    pub handoff_police: Option<String>,
    /// People who come on their own (walk-ins, drop-offs by family or others) and
    /// take a place if one is free.
    pub walk_ins: Option<WalkIns>,
    /// Whether it takes people on an involuntary hold (default true).
    pub accepts_holds: Option<bool>,
}

/// A call type's `holds`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holds {
    /// Share of transports to an ED or crisis centre that are involuntary holds.
    pub share: f64,
    /// The responder kind that transports a hold (default: the police kind).
    pub transport: Option<String>,
}

/// A facility's `walk_ins`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalkIns {
    /// Arrivals a day, on average.
    pub per_day: f64,
    /// Relative weights of the 24 hours of the day (flat when absent).
    pub hourly: Option<Vec<f64>>,
}

/// `[[responders]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Responder {
    /// Unique name, used by call types.
    pub name: String,
    /// `police`, `clinical`, `civilian`, `medical` or `peer`.
    pub role: String,
    /// Home zone, or a list of zones that units are spread over in turn.
    pub home: Home,
    /// Cost of one on-duty unit-hour.
    #[serde(default)]
    pub cost_per_hour: Money,
    /// Units on duty around the clock.
    pub units: Option<u32>,
    /// Units on duty by time window.
    pub shifts: Option<Vec<Shift>>,
    /// Non-crisis work of the whole kind: one stream, or several.
    pub background: Option<OneOrMany<Background>>,
    /// Out-of-service spells (meals, reports, court) of on-duty units.
    pub unavailable: Option<Unavailable>,
    /// Units held back from less urgent calls.
    pub reserve: Option<Reserve>,
    /// Share of scheduled unit-shifts left unstaffed.
    pub absence: Option<f64>,
    /// Multiplies the units of every shift (rounded to the nearest whole unit).
    pub scale: Option<f64>,
    /// The zones this kind serves (all when absent).
    pub serves: Option<Vec<String>>,
    /// Longest acceptable driving time to a call (no limit when absent).
    pub max_travel: Option<String>,
    /// Day (since the start, warm-up included) before which it does not exist.
    pub from_day: Option<f64>,
    /// Full-time equivalents per seat staffed around the clock (default 4.5).
    pub relief_factor: Option<f64>,
    /// People in one unit (default 1).
    pub staff_per_unit: Option<u32>,
    /// Loaded cost of one full-time equivalent a year.
    #[serde(default)]
    pub cost_per_fte: Money,
    /// A hiring pipeline: units on duty follow the trained headcount.
    pub workforce: Option<Workforce>,
    /// Strain: sustained utilization above a level raises turnover and absence.
    pub burnout: Option<Burnout>,
    /// Share of its staff who speak each language (`es = 0.4`).
    #[serde(default)]
    pub languages: BTreeMap<String, f64>,
}

/// A kind's `burnout`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Burnout {
    /// Utilization (overtime included) over the last four weeks above which staff strain.
    pub above_utilization: f64,
    /// Factor on `turnover_per_year` while strained.
    #[serde(default = "one")]
    pub turnover_factor: f64,
    /// Factor on `absence` while strained.
    #[serde(default = "one")]
    pub absence_factor: f64,
}

/// `[[groups]]`: people counted apart, with their own demand, police-contact risks
/// and language needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Unique name.
    pub name: String,
    /// Share of the population: one share everywhere, or one per zone.
    pub share: ZoneShare,
    /// Crises per person against everyone else (default 1).
    pub demand_factor: Option<f64>,
    /// Factors on the chances of use of force, injury and arrest when police respond.
    pub police_contact: Option<PoliceContact>,
    /// Members who need an interpreter, their language, and the wait for one.
    pub interpreter: Option<Interpreter>,
}

/// A group's share of the population.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    untagged,
    expecting = "a share from 0 to 1, or a share per zone such as { Downtown = 0.3, North = 0.1 }"
)]
pub enum ZoneShare {
    /// The same share in every zone.
    Everywhere(f64),
    /// A share per zone (0 where not named).
    PerZone(BTreeMap<String, f64>),
}

/// A group's `police_contact` factors (1 when absent).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoliceContact {
    /// Factor on the chance of use of force.
    pub use_of_force: Option<f64>,
    /// Factor on the chance of injury.
    pub injury: Option<f64>,
    /// Factor on the chance of arrest.
    pub arrest: Option<f64>,
}

/// A group's `interpreter`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interpreter {
    /// Share of the group's members who need one.
    pub share: f64,
    /// Their language, as responders' `languages` name it.
    pub language: String,
    /// Time to reach an interpreter when the first unit on scene lacks the language.
    pub delay: String,
}

/// A kind's `workforce`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workforce {
    /// Trained staff on day 0.
    pub start: f64,
    /// Headcount (trained and in training) that hiring aims at.
    pub target: f64,
    /// Hires a month.
    pub hires_per_month: f64,
    /// Training before a hire is on the roster (none when absent).
    pub training: Option<String>,
    /// Share of trained staff who leave in a year.
    #[serde(default)]
    pub turnover_per_year: f64,
}

/// One zone or several.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, expecting = "a zone name or a list of zone names")]
pub enum Home {
    /// Every unit at one zone.
    One(String),
    /// Units spread over these zones in turn.
    Many(Vec<String>),
}

impl Home {
    /// The zone names.
    pub fn names(&self) -> Vec<&str> {
        match self {
            Home::One(n) => vec![n.as_str()],
            Home::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// A staffing window.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    /// Start, `"HH:MM"`.
    pub from: String,
    /// End, `"HH:MM"`; before `from` means the window runs past midnight.
    pub to: String,
    /// Units on duty in the window.
    pub units: u32,
    /// Days the window starts on (`"mon"` … `"sun"`); every day if absent.
    pub days: Option<Vec<String>>,
}

/// Cancellations of a call type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cancelled {
    /// Share of calls cancelled if no unit has arrived by then.
    pub share: f64,
    /// Time from the call to the cancellation (a distribution).
    pub after: String,
}

/// One table, or a list of them.
#[derive(Debug, Clone)]
pub enum OneOrMany<T> {
    /// One.
    One(T),
    /// Several.
    Many(Vec<T>),
}

/// Reads a table as one and an array as many, so that an error inside either is
/// reported as itself (an unknown key, a wrong type), not as "no variant matched".
impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        struct Either<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Either<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table or a list of tables")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(OneOrMany::One)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<Self::Value, A::Error> {
                Vec::<T>::deserialize(SeqAccessDeserializer::new(seq)).map(OneOrMany::Many)
            }
        }
        d.deserialize_any(Either(std::marker::PhantomData))
    }
}

impl<T> OneOrMany<T> {
    /// Every item, in order.
    pub fn items(&self) -> Vec<&T> {
        match self {
            OneOrMany::One(t) => vec![t],
            OneOrMany::Many(v) => v.iter().collect(),
        }
    }

    /// Whether a list was given (items are then addressed by index).
    pub fn is_list(&self) -> bool {
        matches!(self, OneOrMany::Many(_))
    }
}

/// An amount of money: a number (in the scenario's dollar year) or
/// `{ dollars = N, year = Y }`, a cited amount in the dollars of its source's year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Money {
    /// Dollars of the scenario's dollar year.
    Plain(f64),
    /// Dollars of `year`.
    Dated {
        /// The amount.
        dollars: f64,
        /// The year whose dollars it is in.
        year: u32,
    },
}

impl Default for Money {
    fn default() -> Self {
        Money::Plain(0.0)
    }
}

impl Money {
    /// The amount as written, whatever its year.
    pub fn amount(&self) -> f64 {
        match self {
            Money::Plain(x) => *x,
            Money::Dated { dollars, .. } => *dollars,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DatedMoney {
    dollars: f64,
    year: u32,
}

/// Reads a number as plain dollars and a table as dated ones, so that an error inside
/// the table (an unknown key, a missing year) is reported as itself.
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::value::MapAccessDeserializer;
        struct Either;
        impl<'de> serde::de::Visitor<'de> for Either {
            type Value = Money;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("dollars, as a number or as { dollars = 429, year = 2010 }")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Money, E> {
                Ok(Money::Plain(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Money, E> {
                Ok(Money::Plain(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Money, E> {
                Ok(Money::Plain(v as f64))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Money, A::Error> {
                let m = DatedMoney::deserialize(MapAccessDeserializer::new(map))?;
                Ok(Money::Dated {
                    dollars: m.dollars,
                    year: m.year,
                })
            }
        }
        d.deserialize_any(Either)
    }
}

/// Background (non-crisis) work: one stream of jobs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Background {
    /// Jobs per hour for the whole kind.
    pub per_hour: f64,
    /// Time one job keeps a unit busy, travel included.
    pub service: String,
    /// Queue priority; absent, background jobs queue behind every crisis call.
    pub priority: Option<u32>,
    /// A call of this priority or more urgent may take a unit off one of these jobs
    /// (self-initiated work); the rest of the job is dropped.
    pub preemptible_by: Option<u32>,
    /// 24 relative weights by hour of day (flat when absent).
    pub hourly: Option<Vec<f64>>,
    /// Units each call takes, together for its service (1 when absent).
    pub units: Option<u32>,
}

/// Out-of-service spells of on-duty units.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unavailable {
    /// Share of on-duty time out of service.
    pub share: f64,
    /// Length of one spell (a distribution).
    pub spell: String,
}

/// Units held back for urgent calls.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reserve {
    /// While no more than this many units are free, less urgent calls wait.
    pub units: u32,
    /// Calls of this priority and less urgent ones (higher numbers) are held.
    pub below_priority: u32,
}

/// `[intake]`: call processing before a call can be dispatched.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    /// Time from the call received to the call ready for dispatch (a distribution).
    pub processing: Option<String>,
    /// The same by priority (`"1" = "…"`), for the priorities that differ.
    #[serde(default)]
    pub processing_by_priority: BTreeMap<String, String>,
}
