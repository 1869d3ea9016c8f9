//! The validated model: every name resolved to an index, every string parsed, every
//! probability checked. The simulation reads only this. Validation reports all problems
//! it finds at once, each located in the scenario file.

use std::fmt;

use rand_distr::LogNormal;

use crate::dist::{Dist, parse_duration};
use crate::scenario::tree::Seg;
use crate::scenario::{Loaded, Located, schema};
use crate::time::{DAY, HOUR, Minutes, WEEK};

/// Index of a zone in [`Model::zones`].
pub type ZoneId = usize;
/// Index of a responder kind in [`Model::kinds`].
pub type KindId = usize;
/// Index of a call type in [`Model::call_types`].
pub type CallTypeId = usize;

/// What a responder kind is, for metrics such as police involvement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Sworn officers.
    Police,
    /// Clinicians (e.g. co-responder teams).
    Clinical,
    /// Civilian crisis workers.
    Civilian,
    /// Medics.
    Medical,
}

/// How an incident ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
        match self {
            Disposition::ResolvedOnScene => "resolved_on_scene",
            Disposition::Referred => "referred",
            Disposition::CrisisCenter => "crisis_center",
            Disposition::EmergencyDepartment => "emergency_department",
            Disposition::Arrest => "arrest",
        }
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

/// Kinds of transport destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FacilityKind {
    /// Hospital emergency department.
    EmergencyDepartment,
    /// Crisis receiving / stabilization center.
    CrisisCenter,
    /// Jail (booking).
    Jail,
}

impl FacilityKind {
    const NAMES: [(&'static str, FacilityKind); 3] = [
        ("emergency_department", FacilityKind::EmergencyDepartment),
        ("crisis_center", FacilityKind::CrisisCenter),
        ("jail", FacilityKind::Jail),
    ];
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
    /// Dispatch-to-rolling time.
    pub turnout: Minutes,
    /// Multiplicative noise on the driving part, mean 1; `None` when deterministic.
    pub noise: Option<LogNormal<f64>>,
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
    /// Acceptable kinds in order of preference.
    pub responders: Vec<KindId>,
    /// Wait before each fallback step.
    pub fallback_after: Minutes,
    /// The non-police kinds of `responders`, in order: where the hotline sends teams.
    pub mobile: Vec<KindId>,
    /// Response by kind (indexed by [`KindId`]); `None` where the kind has no scene time.
    pub by_kind: Vec<Option<Response>>,
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
}

/// Units on duty over the week, as a step function.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    /// `(minute of week, units)` steps, sorted, the first at minute 0.
    pub steps: Vec<(Minutes, u32)>,
}

impl Schedule {
    /// Units on duty at time `t` (minutes since Monday 00:00 of week 0).
    pub fn units_at(&self, t: Minutes) -> u32 {
        let m = t.rem_euclid(WEEK);
        let i = self.steps.partition_point(|(s, _)| *s <= m);
        self.steps[i.saturating_sub(1)].1
    }

    /// The first time after `t` at which the number on duty may change.
    pub fn next_change(&self, t: Minutes) -> Minutes {
        let week_start = (t / WEEK).floor() * WEEK;
        let m = t - week_start;
        let next = self.steps.iter().map(|(s, _)| *s).find(|s| *s > m);
        match next {
            Some(s) => week_start + s,
            None => week_start + WEEK + self.steps[0].0,
        }
    }

    /// The most units ever on duty at once.
    pub fn max_units(&self) -> u32 {
        self.steps.iter().map(|(_, u)| *u).max().unwrap_or(0)
    }

    /// Mean units on duty over a week.
    pub fn mean_units(&self) -> f64 {
        let mut total = 0.0;
        for (i, (start, units)) in self.steps.iter().enumerate() {
            let end = self.steps.get(i + 1).map_or(WEEK, |s| s.0);
            total += f64::from(*units) * (end - start);
        }
        total / WEEK
    }
}

/// Background work of a whole kind.
#[derive(Clone, Debug)]
pub struct BackgroundWork {
    /// Jobs per minute.
    pub rate: f64,
    /// Busy time per job.
    pub service: Dist,
    /// Queue priority (`u32::MAX` = behind every crisis call).
    pub priority: u32,
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
    /// Non-crisis work.
    pub background: Option<BackgroundWork>,
    /// Share of scheduled unit-shifts left unstaffed.
    pub absence: f64,
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
    /// Time to full effect (linear), from the start of the simulation.
    pub ramp: Minutes,
    /// Yearly cost of the programs.
    pub program_cost_per_year: f64,
}

impl Prevention {
    /// The share of first crises that still happen at time `t`.
    pub fn incidence_factor(&self, t: Minutes) -> f64 {
        let progress = if self.ramp > 0.0 {
            (t / self.ramp).min(1.0)
        } else {
            1.0
        };
        1.0 - self.incidence_reduction * progress
    }
}

/// Downstream unit costs.
#[derive(Clone, Debug)]
pub struct Costs {
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
    /// Replications.
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// Zones.
    pub zones: Vec<Zone>,
    /// Travel.
    pub travel: Travel,
    /// Demand.
    pub demand: Demand,
    /// Call types.
    pub call_types: Vec<CallType>,
    /// Facilities.
    pub facilities: Vec<Facility>,
    /// Responder kinds.
    pub kinds: Vec<Kind>,
    /// The kind that answers backup requests (the first with role police).
    pub backup_kind: Option<KindId>,
    /// Share of crises that reach the hotline first.
    pub hotline_share: f64,
    /// The 988 hotline, if the scenario has one.
    pub hotline: Option<Hotline>,
    /// Psychiatry consult lines, if any.
    pub psychiatry: Option<Psychiatry>,
    /// Repeat crises and community programs (neutral when absent).
    pub prevention: Prevention,
    /// Unit costs (zero when absent).
    pub costs: Costs,
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

    /// Expected crises per day, averaged over the week.
    pub fn mean_crises_per_day(&self) -> f64 {
        self.demand.rate_by_hour.iter().sum::<f64>() / 168.0 * DAY
    }
}

/// Everything wrong with a scenario.
#[derive(Debug, Clone)]
pub struct ModelError {
    /// One entry per problem, in file order of discovery.
    pub problems: Vec<Located>,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ModelError {}

/// Builds a path into the scenario: `path!["call_types", 2, "share"]`.
macro_rules! path {
    ($($seg:expr),* $(,)?) => { vec![$(Seg::from($seg)),*] };
}

impl From<&str> for Seg {
    fn from(k: &str) -> Self {
        Seg::Key(k.to_string())
    }
}

impl From<&String> for Seg {
    fn from(k: &String) -> Self {
        Seg::Key(k.clone())
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Self {
        Seg::Index(i)
    }
}

/// Collects problems while validating.
struct Checker<'a> {
    loaded: &'a Loaded,
    problems: Vec<Located>,
}

impl Checker<'_> {
    fn fail(&mut self, path: Vec<Seg>, message: impl Into<String>) {
        let located = self.loaded.error_at(&path, message);
        self.problems.push(located);
    }

    fn check(&mut self, ok: bool, path: Vec<Seg>, message: impl Into<String>) {
        if !ok {
            self.fail(path, message);
        }
    }

    fn non_negative(&mut self, value: f64, path: Vec<Seg>) {
        self.check(
            value.is_finite() && value >= 0.0,
            path,
            format!("is {value}; it must be a number >= 0"),
        );
    }

    fn probability(&mut self, value: f64, path: Vec<Seg>) -> f64 {
        let ok = (0.0..=1.0).contains(&value);
        self.check(
            ok,
            path,
            format!("is {value}; a probability must be in [0, 1]"),
        );
        if ok { value } else { 0.0 }
    }

    fn duration(&mut self, text: &str, path: Vec<Seg>) -> Minutes {
        parse_duration(text).unwrap_or_else(|e| {
            self.fail(path, e);
            0.0
        })
    }

    fn dist(&mut self, text: &str, path: Vec<Seg>) -> Dist {
        Dist::parse(text).unwrap_or_else(|e| {
            self.fail(path, e);
            Dist::Fixed(0.0)
        })
    }

    /// Resolves a name to an index, or records a problem naming what is known.
    fn resolve(&mut self, name: &str, known: &[&str], what: &str, path: Vec<Seg>) -> Option<usize> {
        let found = known.iter().position(|k| *k == name);
        if found.is_none() {
            let message = format!("unknown {what} `{name}`; known: {}", known.join(", "));
            self.fail(path, message);
        }
        found
    }

    fn unique_names(&mut self, names: &[&str], table: &str) {
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                self.fail(path![table, i, "name"], format!("`{name}` is used twice"));
            }
        }
    }

    fn shares_sum_to_one(&mut self, total: f64, path: Vec<Seg>, what: &str) {
        self.check(
            (total - 1.0).abs() < 1e-6,
            path,
            format!("{what} sum to {total}; they must sum to 1"),
        );
    }
}

/// Validates a loaded scenario into a [`Model`].
pub fn build(loaded: &Loaded) -> Result<Model, ModelError> {
    let mut c = Checker {
        loaded,
        problems: Vec::new(),
    };
    let s = &loaded.scenario;
    check_meta(&mut c, &s.scenario);
    let zones = build_zones(&mut c, &s.zones);
    let zone_names: Vec<&str> = s.zones.iter().map(|z| z.name.as_str()).collect();
    let travel = build_travel(&mut c, &s.travel);
    let kinds = build_kinds(&mut c, &s.responders, &zone_names);
    let facilities = build_facilities(&mut c, &s.facilities, &zones, &zone_names);
    let backup_kind = kinds.iter().position(|k| k.role == Role::Police);
    let roles: Vec<Role> = kinds.iter().map(|k| k.role).collect();
    let call_types = build_call_types(&mut c, s, &roles, &facilities, backup_kind);
    let demand = build_demand(&mut c, s, &zones);
    let hotline = s.hotline.as_ref().map(|h| build_hotline(&mut c, h));
    if s.demand.hotline_share > 0.0 && hotline.is_none() {
        c.fail(
            path!["demand", "hotline_share"],
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
            path!["call_types", at, "consult"],
            "asks for psychiatry consults, but the scenario has no [psychiatry] table",
        );
    }
    let prevention = build_prevention(&mut c, s.prevention.as_ref());
    let costs = build_costs(&mut c, s.costs.as_ref());
    if !c.problems.is_empty() {
        return Err(ModelError {
            problems: c.problems,
        });
    }
    Ok(Model {
        name: s.scenario.name.clone(),
        days: s.scenario.days,
        warmup_days: s.scenario.warmup_days,
        replications: s.scenario.replications,
        seed: s.scenario.seed,
        zones,
        travel,
        demand,
        call_types,
        facilities,
        kinds,
        backup_kind,
        hotline_share: s.demand.hotline_share,
        hotline,
        psychiatry,
        prevention,
        costs,
    })
}

fn build_hotline(c: &mut Checker<'_>, h: &schema::Hotline) -> Hotline {
    let at = |key: &str| path!["hotline", key];
    let resolved = c.probability(h.resolved_by_phone, at("resolved_by_phone"));
    let mobile = c.probability(h.dispatch_mobile, at("dispatch_mobile"));
    c.check(
        resolved + mobile <= 1.0 + 1e-9,
        at("dispatch_mobile"),
        format!(
            "resolved_by_phone + dispatch_mobile = {}; at most 1 (the rest is passed to 911)",
            resolved + mobile
        ),
    );
    Hotline {
        schedule: build_schedule(
            c,
            h.counselors,
            h.shifts.as_deref(),
            &[Seg::from("hotline")],
            "counselors",
        ),
        handle_time: c.dist(&h.handle_time, at("handle_time")),
        patience: h.patience.as_ref().map(|p| c.dist(p, at("patience"))),
        resolved_by_phone: resolved,
        dispatch_mobile: mobile,
        redial_911: c.probability(h.redial_911, at("redial_911")),
    }
}

fn build_psychiatry(c: &mut Checker<'_>, p: &schema::Psychiatry) -> Psychiatry {
    Psychiatry {
        schedule: build_schedule(
            c,
            p.on_call,
            p.shifts.as_deref(),
            &[Seg::from("psychiatry")],
            "on_call",
        ),
        consult_time: c.dist(&p.consult_time, path!["psychiatry", "consult_time"]),
        max_wait: c.duration(&p.max_wait, path!["psychiatry", "max_wait"]),
    }
}

fn build_prevention(c: &mut Checker<'_>, p: Option<&schema::Prevention>) -> Prevention {
    let Some(p) = p else {
        return Prevention {
            repeat: [0.0; 5],
            repeat_delay: Dist::Fixed(0.0),
            incidence_reduction: 0.0,
            ramp: 0.0,
            program_cost_per_year: 0.0,
        };
    };
    let names: Vec<&str> = Disposition::ALL.iter().map(|d| d.name()).collect();
    let mut repeat = [0.0; 5];
    for (name, prob) in &p.repeat {
        let key = path!["prevention", "repeat", name];
        let prob = c.probability(*prob, key.clone());
        if let Some(d) = c.resolve(name, &names, "disposition", key) {
            repeat[d] = prob;
        }
    }
    let repeat_delay = match &p.repeat_delay {
        Some(text) => c.dist(text, path!["prevention", "repeat_delay"]),
        None => {
            c.check(
                repeat.iter().all(|r| *r == 0.0),
                path!["prevention", "repeat"],
                "gives repeat chances; say when repeats come with `repeat_delay`, e.g. \"exp(60d)\"",
            );
            Dist::Fixed(0.0)
        }
    };
    let reduction = c.probability(
        p.incidence_reduction,
        path!["prevention", "incidence_reduction"],
    );
    c.non_negative(
        p.program_cost_per_year,
        path!["prevention", "program_cost_per_year"],
    );
    Prevention {
        repeat,
        repeat_delay,
        incidence_reduction: reduction,
        ramp: p
            .ramp
            .as_ref()
            .map_or(0.0, |r| c.duration(r, path!["prevention", "ramp"])),
        program_cost_per_year: p.program_cost_per_year,
    }
}

fn build_costs(c: &mut Checker<'_>, costs: Option<&schema::Costs>) -> Costs {
    let Some(k) = costs else {
        return Costs {
            ed_visit: 0.0,
            hospitalization_probability: 0.0,
            inpatient_day: 0.0,
            length_of_stay: Dist::Fixed(0.0),
            crisis_center_stay: 0.0,
            jail_booking: 0.0,
        };
    };
    for (key, value) in [
        ("ed_visit", k.ed_visit),
        ("inpatient_day", k.inpatient_day),
        ("crisis_center_stay", k.crisis_center_stay),
        ("jail_booking", k.jail_booking),
    ] {
        c.non_negative(value, path!["costs", key]);
    }
    let p = c.probability(
        k.hospitalization_probability,
        path!["costs", "hospitalization_probability"],
    );
    let length_of_stay = match &k.length_of_stay {
        Some(text) => c.dist(text, path!["costs", "length_of_stay"]),
        None => {
            c.check(
                p == 0.0,
                path!["costs", "hospitalization_probability"],
                "needs `length_of_stay`, e.g. \"gamma(7d, 4d)\"",
            );
            Dist::Fixed(0.0)
        }
    };
    Costs {
        ed_visit: k.ed_visit,
        hospitalization_probability: p,
        inpatient_day: k.inpatient_day,
        length_of_stay,
        crisis_center_stay: k.crisis_center_stay,
        jail_booking: k.jail_booking,
    }
}

fn check_meta(c: &mut Checker<'_>, m: &schema::Meta) {
    c.check(
        m.days > 0.0 && m.days.is_finite(),
        path!["scenario", "days"],
        format!("is {}; the horizon must be more than 0 days", m.days),
    );
    c.non_negative(m.warmup_days, path!["scenario", "warmup_days"]);
    c.check(
        m.replications >= 1,
        path!["scenario", "replications"],
        "must be at least 1",
    );
}

fn build_zones(c: &mut Checker<'_>, zones: &[schema::Zone]) -> Vec<Zone> {
    c.check(
        !zones.is_empty(),
        path!["zones"],
        "at least one [[zones]] is needed",
    );
    let names: Vec<&str> = zones.iter().map(|z| z.name.as_str()).collect();
    c.unique_names(&names, "zones");
    for (i, z) in zones.iter().enumerate() {
        c.non_negative(z.population, path!["zones", i, "population"]);
        c.non_negative(z.radius_km, path!["zones", i, "radius_km"]);
        c.check(
            z.x_km.is_finite() && z.y_km.is_finite(),
            path!["zones", i, "x_km"],
            "coordinates must be finite",
        );
    }
    let total: f64 = zones.iter().map(|z| z.population.max(0.0)).sum();
    c.check(
        zones.is_empty() || total > 0.0,
        path!["zones"],
        "the zones' total population is 0; no crisis can arrive",
    );
    zones
        .iter()
        .map(|z| Zone {
            name: z.name.clone(),
            population: z.population,
            centre: Point {
                x: z.x_km,
                y: z.y_km,
            },
            radius_km: z.radius_km,
        })
        .collect()
}

fn build_travel(c: &mut Checker<'_>, t: &schema::Travel) -> Travel {
    c.check(
        t.speed_kmh > 0.0 && t.speed_kmh.is_finite(),
        path!["travel", "speed_kmh"],
        format!("is {}; the speed must be more than 0", t.speed_kmh),
    );
    c.check(
        t.circuity >= 1.0,
        path!["travel", "circuity"],
        format!(
            "is {}; road km per straight-line km is at least 1",
            t.circuity
        ),
    );
    c.non_negative(t.noise_cv, path!["travel", "noise_cv"]);
    let turnout = c.duration(&t.turnout, path!["travel", "turnout"]);
    let noise = (t.noise_cv > 0.0).then(|| {
        let sigma2 = (1.0 + t.noise_cv * t.noise_cv).ln();
        LogNormal::new(-sigma2 / 2.0, sigma2.sqrt()).ok()
    });
    Travel {
        minutes_per_km: t.circuity / t.speed_kmh.max(f64::MIN_POSITIVE) * HOUR,
        turnout,
        noise: noise.flatten(),
    }
}

fn build_demand(c: &mut Checker<'_>, s: &schema::Scenario, zones: &[Zone]) -> Demand {
    let d = &s.demand;
    c.non_negative(
        d.crises_per_100k_per_day,
        path!["demand", "crises_per_100k_per_day"],
    );
    c.probability(d.hotline_share, path!["demand", "hotline_share"]);
    let hourly = profile(c, d.hourly.as_deref(), 24, "hourly");
    let weekly = profile(c, d.weekly.as_deref(), 7, "weekly");
    let population: f64 = zones.iter().map(|z| z.population.max(0.0)).sum();
    let per_minute = d.crises_per_100k_per_day.max(0.0) * population / 100_000.0 / DAY;
    let rate_by_hour = (0..168)
        .map(|h| per_minute * hourly[h % 24] * weekly[h / 24])
        .collect();
    let zone_cdf = cumulative(zones.iter().map(|z| z.population.max(0.0)));
    let total_share: f64 = s.call_types.iter().map(|t| t.share).sum();
    if !s.call_types.is_empty() {
        c.shares_sum_to_one(
            total_share,
            path!["call_types", 0, "share"],
            "call-type shares",
        );
    }
    let call_type_cdf = cumulative(s.call_types.iter().map(|t| t.share.max(0.0)));
    Demand {
        rate_by_hour,
        zone_cdf,
        call_type_cdf,
    }
}

/// Relative weights normalised to mean 1; flat when absent.
fn profile(c: &mut Checker<'_>, weights: Option<&[f64]>, len: usize, key: &str) -> Vec<f64> {
    let Some(w) = weights else {
        return vec![1.0; len];
    };
    let path = path!["demand", key];
    if w.len() != len {
        c.fail(
            path,
            format!("has {} weights; it needs exactly {len}", w.len()),
        );
        return vec![1.0; len];
    }
    if w.iter().any(|x| !x.is_finite() || *x < 0.0) || w.iter().sum::<f64>() <= 0.0 {
        c.fail(path, "weights must be >= 0 and not all 0");
        return vec![1.0; len];
    }
    let mean = w.iter().sum::<f64>() / len as f64;
    w.iter().map(|x| x / mean).collect()
}

/// Cumulative shares normalised to end at 1.
fn cumulative(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    let mut out: Vec<f64> = weights
        .map(|w| {
            acc += w;
            acc
        })
        .collect();
    if acc > 0.0 {
        out.iter_mut().for_each(|x| *x /= acc);
    }
    out
}

fn build_facilities(
    c: &mut Checker<'_>,
    facilities: &[schema::Facility],
    zones: &[Zone],
    zone_names: &[&str],
) -> Vec<Facility> {
    let names: Vec<&str> = facilities.iter().map(|f| f.name.as_str()).collect();
    c.unique_names(&names, "facilities");
    let kinds: Vec<&str> = FacilityKind::NAMES.iter().map(|(n, _)| *n).collect();
    facilities
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let kind = c.resolve(
                &f.kind,
                &kinds,
                "facility kind",
                path!["facilities", i, "kind"],
            );
            let zone = c.resolve(&f.zone, zone_names, "zone", path!["facilities", i, "zone"]);
            Facility {
                name: f.name.clone(),
                kind: FacilityKind::NAMES[kind.unwrap_or(0)].1,
                at: zone
                    .and_then(|z| zones.get(z))
                    .map_or(Point { x: 0.0, y: 0.0 }, |z| z.centre),
                handoff: c.dist(&f.handoff, path!["facilities", i, "handoff"]),
            }
        })
        .collect()
}

fn build_kinds(
    c: &mut Checker<'_>,
    responders: &[schema::Responder],
    zone_names: &[&str],
) -> Vec<Kind> {
    c.check(
        !responders.is_empty(),
        path!["responders"],
        "at least one [[responders]] is needed",
    );
    c.check(
        responders.len() <= 64,
        path!["responders"],
        "at most 64 responder kinds are supported",
    );
    let names: Vec<&str> = responders.iter().map(|r| r.name.as_str()).collect();
    c.unique_names(&names, "responders");
    const ROLES: [(&str, Role); 4] = [
        ("police", Role::Police),
        ("clinical", Role::Clinical),
        ("civilian", Role::Civilian),
        ("medical", Role::Medical),
    ];
    let role_names: Vec<&str> = ROLES.iter().map(|(n, _)| *n).collect();
    let kinds: Vec<Kind> = responders
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let role = c.resolve(&r.role, &role_names, "role", path!["responders", i, "role"]);
            let names = r.home.names();
            c.check(
                !names.is_empty(),
                path!["responders", i, "home"],
                "name at least one zone",
            );
            let mut homes: Vec<ZoneId> = names
                .iter()
                .filter_map(|h| c.resolve(h, zone_names, "zone", path!["responders", i, "home"]))
                .collect();
            if homes.is_empty() {
                homes.push(0);
            }
            c.non_negative(r.cost_per_hour, path!["responders", i, "cost_per_hour"]);
            Kind {
                name: r.name.clone(),
                role: ROLES[role.unwrap_or(0)].1,
                homes,
                cost_per_hour: r.cost_per_hour,
                schedule: build_schedule(
                    c,
                    r.units,
                    r.shifts.as_deref(),
                    &[Seg::from("responders"), Seg::from(i)],
                    "units",
                ),
                absence: r.absence.map_or(0.0, |a| {
                    c.check(
                        (0.0..1.0).contains(&a),
                        path!["responders", i, "absence"],
                        format!("is {a}; a share of unstaffed shifts must be in [0, 1)"),
                    );
                    a.clamp(0.0, 0.99)
                }),
                background: r.background.as_ref().map(|b| build_background(c, b, i)),
            }
        })
        .collect();
    let units: u64 = kinds
        .iter()
        .map(|k| u64::from(k.schedule.max_units()))
        .sum();
    c.check(
        units <= MAX_UNITS,
        path!["responders"],
        format!("{units} units in all; at most {MAX_UNITS} are supported"),
    );
    kinds
}

/// The most units a scenario may have (far beyond any city; keeps memory bounded).
pub const MAX_UNITS: u64 = 1_000_000;

fn build_background(c: &mut Checker<'_>, b: &schema::Background, i: usize) -> BackgroundWork {
    c.non_negative(b.per_hour, path!["responders", i, "background", "per_hour"]);
    if let Some(p) = b.priority {
        c.check(
            p >= 1,
            path!["responders", i, "background", "priority"],
            "priority starts at 1",
        );
    }
    BackgroundWork {
        rate: b.per_hour.max(0.0) / HOUR,
        service: c.dist(&b.service, path!["responders", i, "background", "service"]),
        priority: b.priority.unwrap_or(u32::MAX),
    }
}

/// A staffing schedule from `COUNT = N` (around the clock) or `shifts = [...]` at `base`.
fn build_schedule(
    c: &mut Checker<'_>,
    count: Option<u32>,
    shifts: Option<&[schema::Shift]>,
    base: &[Seg],
    count_key: &str,
) -> Schedule {
    let at = |key: &str| {
        let mut p = base.to_vec();
        if !key.is_empty() {
            p.push(Seg::from(key));
        }
        p
    };
    let windows = match (count, shifts) {
        (Some(units), None) => vec![(0.0, WEEK, units)],
        (None, Some(shifts)) => shift_windows(c, shifts, &at("shifts")),
        (Some(_), Some(_)) => {
            c.fail(
                at("shifts"),
                format!("give either `{count_key}` or `shifts`, not both"),
            );
            Vec::new()
        }
        (None, None) => {
            c.fail(
                at(""),
                format!("give `{count_key} = N` (around the clock) or `shifts = [...]`"),
            );
            Vec::new()
        }
    };
    schedule_from_windows(&windows)
}

/// Staffing windows as `(start minute of week, length, units)`.
fn shift_windows(
    c: &mut Checker<'_>,
    shifts: &[schema::Shift],
    base: &[Seg],
) -> Vec<(Minutes, Minutes, u32)> {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let mut windows = Vec::new();
    for (j, shift) in shifts.iter().enumerate() {
        let from = clock(c, &shift.from, shift_path(base, j, "from"));
        let to = clock(c, &shift.to, shift_path(base, j, "to"));
        let length = if to > from {
            to - from
        } else {
            to + DAY - from
        };
        let days: Vec<usize> = match &shift.days {
            None => (0..7).collect(),
            Some(list) => list
                .iter()
                .map(|d| {
                    let day = d.to_ascii_lowercase();
                    let day = day.get(..3).unwrap_or(&day);
                    c.resolve(day, &DAYS, "day", shift_path(base, j, "days"))
                })
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default(),
        };
        for d in days {
            windows.push((d as f64 * DAY + from, length, shift.units));
        }
    }
    windows
}

fn shift_path(base: &[Seg], j: usize, key: &str) -> Vec<Seg> {
    let mut p = base.to_vec();
    p.push(Seg::Index(j));
    p.push(Seg::from(key));
    p
}

fn clock(c: &mut Checker<'_>, text: &str, path: Vec<Seg>) -> Minutes {
    let parsed = text.split_once(':').and_then(|(h, m)| {
        let (h, m): (u32, u32) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
        (h <= 24 && m < 60 && h * 60 + m <= 1440).then_some(f64::from(h * 60 + m))
    });
    parsed.unwrap_or_else(|| {
        c.fail(
            path,
            format!("`{text}` is not a time of day; write \"HH:MM\", e.g. \"07:00\""),
        );
        0.0
    }) % DAY
}

/// Sums overlapping windows into a weekly step function.
fn schedule_from_windows(windows: &[(Minutes, Minutes, u32)]) -> Schedule {
    let mut cuts: Vec<Minutes> = vec![0.0];
    for (start, length, _) in windows {
        cuts.push(start.rem_euclid(WEEK));
        cuts.push((start + length).rem_euclid(WEEK));
    }
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let mut steps: Vec<(Minutes, u32)> = Vec::new();
    for cut in cuts {
        let units = windows
            .iter()
            .filter(|(start, length, _)| (cut - start).rem_euclid(WEEK) < *length)
            .map(|(_, _, u)| *u)
            .sum();
        if steps.last().is_none_or(|(_, u)| *u != units) {
            steps.push((cut, units));
        }
    }
    Schedule { steps }
}

fn build_call_types(
    c: &mut Checker<'_>,
    s: &schema::Scenario,
    roles: &[Role],
    facilities: &[Facility],
    backup_kind: Option<KindId>,
) -> Vec<CallType> {
    c.check(
        !s.call_types.is_empty(),
        path!["call_types"],
        "at least one [[call_types]] is needed",
    );
    let names: Vec<&str> = s.call_types.iter().map(|t| t.name.as_str()).collect();
    c.unique_names(&names, "call_types");
    let kind_names: Vec<&str> = s.responders.iter().map(|r| r.name.as_str()).collect();
    s.call_types
        .iter()
        .enumerate()
        .map(|(i, t)| build_call_type(c, t, i, roles, &kind_names, facilities, backup_kind))
        .collect()
}

fn build_call_type(
    c: &mut Checker<'_>,
    t: &schema::CallType,
    i: usize,
    roles: &[Role],
    kind_names: &[&str],
    facilities: &[Facility],
    backup_kind: Option<KindId>,
) -> CallType {
    let at = |key: &str| path!["call_types", i, key];
    c.probability(t.share, at("share"));
    c.check(
        t.priority >= 1,
        at("priority"),
        "priority starts at 1 (most urgent)",
    );
    c.check(
        !t.responders.is_empty(),
        at("responders"),
        "list at least one responder kind",
    );
    let responders: Vec<KindId> = t
        .responders
        .iter()
        .enumerate()
        .filter_map(|(j, name)| {
            c.resolve(
                name,
                kind_names,
                "responder kind",
                path!["call_types", i, "responders", j],
            )
        })
        .collect();
    for (j, k) in responders.iter().enumerate() {
        if responders[..j].contains(k) {
            c.fail(path!["call_types", i, "responders", j], "is listed twice");
        }
    }
    let fallback_after = match &t.fallback_after {
        Some(text) => c.duration(text, at("fallback_after")),
        None => {
            c.check(
                responders.len() <= 1,
                at("responders"),
                "lists more than one kind; say how long to wait before falling back with `fallback_after`",
            );
            0.0
        }
    };
    for (key, map_keys) in [
        ("on_scene", t.on_scene.keys().collect::<Vec<_>>()),
        ("backup", t.backup.keys().collect()),
        ("use_of_force", t.use_of_force.keys().collect()),
        ("injury", t.injury.keys().collect()),
        ("outcomes", t.outcomes.keys().collect()),
        ("consult", t.consult.keys().collect()),
        (
            "outcomes_with_consult",
            t.outcomes_with_consult.keys().collect(),
        ),
    ] {
        for name in map_keys {
            c.resolve(
                name,
                kind_names,
                "responder kind",
                path!["call_types", i, key, name],
            );
        }
    }
    for k in &responders {
        let name = kind_names[*k];
        c.check(
            t.on_scene.contains_key(name),
            at("on_scene"),
            format!("has no scene time for `{name}`, which this call type dispatches"),
        );
        c.check(
            t.outcomes.contains_key(name),
            at("outcomes"),
            format!("has no outcome mix for `{name}`, which this call type dispatches"),
        );
    }
    let asks_backup = t.backup.values().any(|p| *p > 0.0);
    match backup_kind {
        None if asks_backup => c.fail(
            at("backup"),
            "asks for police backup, but no responder kind has role = \"police\"",
        ),
        Some(b) if asks_backup && !t.on_scene.contains_key(kind_names[b]) => c.fail(
            at("on_scene"),
            format!(
                "needs a scene time for `{}`, which answers backup requests",
                kind_names[b]
            ),
        ),
        _ => {}
    }
    let by_kind = kind_names
        .iter()
        .map(|name| build_response(c, t, i, name, facilities))
        .collect();
    CallType {
        name: t.name.clone(),
        priority: t.priority,
        mobile: responders
            .iter()
            .copied()
            .filter(|k| roles.get(*k) != Some(&Role::Police))
            .collect(),
        responders,
        fallback_after,
        by_kind,
    }
}

fn build_response(
    c: &mut Checker<'_>,
    t: &schema::CallType,
    i: usize,
    kind: &str,
    facilities: &[Facility],
) -> Option<Response> {
    let on_scene = t.on_scene.get(kind)?;
    let mut prob = |key: &str, map: &std::collections::BTreeMap<String, f64>| {
        map.get(kind).map_or(0.0, |p| {
            c.probability(*p, path!["call_types", i, key, kind])
        })
    };
    let backup = prob("backup", &t.backup);
    let use_of_force = prob("use_of_force", &t.use_of_force);
    let injury = prob("injury", &t.injury);
    let consult = prob("consult", &t.consult);
    let outcomes = t.outcomes.get(kind).map_or([0.0; 5], |mix| {
        outcome_mix(c, mix, path!["call_types", i, "outcomes", kind], facilities)
    });
    let outcomes_with_consult = t.outcomes_with_consult.get(kind).map_or(outcomes, |mix| {
        let path = path!["call_types", i, "outcomes_with_consult", kind];
        outcome_mix(c, mix, path, facilities)
    });
    Some(Response {
        on_scene: c.dist(on_scene, path!["call_types", i, "on_scene", kind]),
        backup,
        use_of_force,
        injury,
        outcomes,
        consult,
        outcomes_with_consult,
    })
}

fn outcome_mix(
    c: &mut Checker<'_>,
    mix: &std::collections::BTreeMap<String, f64>,
    path: Vec<Seg>,
    facilities: &[Facility],
) -> [f64; 5] {
    let names: Vec<&str> = Disposition::ALL.iter().map(|d| d.name()).collect();
    let mut out = [0.0; 5];
    for (name, p) in mix {
        let mut key = path.clone();
        key.push(Seg::from(name));
        let p = c.probability(*p, key.clone());
        let Some(d) = c.resolve(name, &names, "disposition", key.clone()) else {
            continue;
        };
        out[d] = p;
        let needs = Disposition::ALL[d].facility();
        if let Some(kind) = needs.filter(|_| p > 0.0) {
            c.check(
                facilities.iter().any(|f| f.kind == kind),
                key,
                format!(
                    "needs a facility of kind `{}`, but the scenario has no such [[facilities]]",
                    FacilityKind::NAMES
                        .iter()
                        .find(|(_, k)| *k == kind)
                        .map_or("", |(n, _)| *n)
                ),
            );
        }
    }
    c.shares_sum_to_one(out.iter().sum(), path, "outcome probabilities");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overnight_and_overlapping_shifts() {
        // Day 07:00–19:00 8 units, night 19:00–07:00 5 units, plus 2 extra 10:00–17:00 on Mondays.
        let windows = vec![
            (7.0 * 60.0, 12.0 * 60.0, 8),
            (19.0 * 60.0, 12.0 * 60.0, 5),
            (10.0 * 60.0, 7.0 * 60.0, 2),
        ];
        let s = schedule_from_windows(&windows);
        assert_eq!(s.units_at(0.0), 0); // the Sunday-night window is not in the list
        assert_eq!(s.units_at(8.0 * 60.0), 8);
        assert_eq!(s.units_at(11.0 * 60.0), 10);
        assert_eq!(s.units_at(20.0 * 60.0), 5);
        assert_eq!(s.units_at(DAY + 3.0 * 60.0), 5);
        assert_eq!(s.next_change(0.0), 7.0 * 60.0);
        assert_eq!(s.next_change(8.0 * 60.0), 10.0 * 60.0);
        assert_eq!(s.max_units(), 10);
        let flat = schedule_from_windows(&[(0.0, WEEK, 4)]);
        assert_eq!(flat.steps, vec![(0.0, 4)]);
        assert_eq!(flat.next_change(100.0), WEEK);
        assert_eq!(flat.mean_units(), 4.0);
    }
}
