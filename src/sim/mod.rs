//! The crisis-response domain: turns kernel events into dispatches, travel, scene
//! work, transports and records for one replication.
//!
//! The state is split by what owns it: `dispatch` (requests, queues, fallback),
//! `units` (unit steps), `staffing` (shifts, absences, duty integrals), `hotline`,
//! `psychiatry` and `repeats`. This file holds the replication itself: arrivals,
//! incidents and how they close. `docs/mechanisms.md` describes the event order, the
//! random streams and the warm-up.

pub mod demand;
mod dispatch;
mod event;
mod facilities;
mod history;
mod holds;
mod hotline;
mod idle;
mod induced;
mod people;
mod psychiatry;
pub mod record;
mod repeats;
mod servers;
mod slots;
mod spells;
mod staffing;
pub mod trace;
mod units;

use rand::RngExt;
use rand_distr::Exp;
use slab::Slab;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::kernel::Scheduler;
use crate::model::{Disposition, KindId, Model, Point};
use crate::rng::{SimRng, Stream, stream};
use crate::time::{DAY, Minutes, WEEK, day_of_week, hour_of_day};
use event::Event;
pub use record::{Arrival, Record, Source};
use staffing::{BackgroundSource, KindState, SpellSource};
use units::Unit;

const NO_INCIDENT: u32 = u32::MAX;
/// No unit (an incident's `holder` when nobody holds the person).
const NO_UNIT: u32 = u32::MAX;

/// Kernel timers: arrival processes always have exactly one next event, so they are
/// kept out of the event heap.
const ARRIVAL_TIMER: usize = 0;

/// The timer of background stream `stream` (numbered across all kinds).
fn background_timer(stream: usize) -> usize {
    1 + stream
}

/// Length of a "month" in the monthly incident counts.
pub(super) const MONTH: Minutes = 30.0 * DAY;

#[derive(Clone, Debug)]
struct Incident {
    /// Its number among measured incidents (0 for warm-up ones).
    id: u64,
    call_type: u16,
    zone: u16,
    pos: Point,
    /// Nobody (`Someone::new(0)`) for an induced call.
    person: people::Someone,
    crisis: u32,
    /// The person's risk class.
    class: u8,
    /// The person's population group (0 without groups).
    group: u8,
    /// The hour of the day and the day of the week it arrived.
    when: (u8, u8),
    /// The person needs an interpreter.
    interpreter: bool,
    /// It escalated while waiting for a unit, and ends at the ED.
    escalated: bool,
    /// The unit keeping the person on an involuntary hold until their transport comes.
    holder: u32,
    /// Where that transport takes them.
    hold_facility: u16,
    /// When the person first reached for help (911 or the hotline): the response
    /// time runs from here.
    first_contact: Minutes,
    /// When the call reached 911 (after the hotline, for a call it handed on): the
    /// dispatch wait runs from here.
    received: Minutes,
    /// An induced call: one its service answers that police would never have
    /// attended. It is never `measured` (no crisis statistic counts it) ...
    induced: bool,
    /// ... but counted apart, as an induced call, when it arrived in the measured
    /// period.
    induced_measured: bool,
    measured: bool,
    /// It reached the hotline first.
    via_hotline: bool,
    dispatched: bool,
    dispatched_at: Minutes,
    arrived: bool,
    arrived_at: Minutes,
    /// When the scene of the units the call type sends together ends, once the
    /// first of them is there.
    scene_end: Option<Minutes>,
    /// Kind of the first unit on scene (`u16::MAX`: none yet).
    first_kind: u16,
    /// How it ended, for the trace.
    ending: trace::Ending,
    police: bool,
    /// Kinds that have had a unit on scene, as bits.
    reached: u64,
    /// Its call is being processed at the dispatch centre (`[intake]`).
    in_intake: bool,
    /// Units assigned to it (primary, second units and backup).
    units: u8,
    /// The slot of its first request while that waits for a unit.
    request: Option<u32>,
    /// The slot of its first unit's trip while that unit drives to the scene.
    trip: Option<u32>,
    closed: bool,
    /// Holders of the incident: waiting requests, units on it, the hotline.
    open: u16,
    rng: SimRng,
    /// Its disposition, once closed.
    disposition: Disposition,
    /// Its ED visit leads to an inpatient stay (drawn when it closed).
    hospital: bool,
    /// That stay's length, for costs.
    stay: Minutes,
}

/// One replication in progress.
pub struct Sim<'m> {
    model: &'m Model,
    seed: u64,
    sched: Scheduler<Event>,
    arrivals: SimRng,
    units: Vec<Unit>,
    kinds: Vec<KindState>,
    /// Every kind's background streams, in kind order.
    background: Vec<BackgroundSource>,
    /// Background jobs under way, by slot: the unit doing each (a preempted job stays
    /// as a tombstone until its end event fires).
    jobs: slots::Slots<u32>,
    /// Out-of-service spells pending or under way, by slot: the unit.
    breaks: slots::Slots<u32>,
    /// Some background work may be preempted (else the search for it is skipped).
    preemptible: bool,
    requests: slots::Slots<dispatch::Request>,
    /// Units driving to a scene, by slot; a cancelled trip stays as a tombstone until
    /// its arrival event fires.
    trips: slots::Slots<units::EnRoute>,
    incidents: Slab<Incident>,
    repeats: repeats::Calendar,
    people: people::People,
    hotline: hotline::Line,
    induced: induced::Induced,
    psychiatry: servers::Servers,
    consult_waiters: psychiatry::Waiters,
    places: Vec<facilities::Place>,
    occupants: slots::Slots<facilities::Occupant>,
    next_seq: u64,
    next_person: u64,
    /// Measured incidents so far (their trace numbers).
    next_incident: u64,
    /// With a trace: when each background job still waiting came in, by its sequence.
    background_received: Option<std::collections::HashMap<u64, Minutes>>,
    warmup_end: Minutes,
    horizon: Minutes,
    rec: Record,
    /// Every arrival, when asked for (tests of common random numbers, traces).
    arrival_log: Option<Vec<Arrival>>,
}

/// Runs one replication of `model` with a replication seed and returns its record.
pub fn run(model: &Model, replication_seed: u64) -> Record {
    let never = AtomicBool::new(false);
    Sim::new(model, replication_seed, false).run(&never).0
}

/// Like [`run`], and also keeps the trace of every measured incident and background
/// job (`Record::trace`, `Record::background_trace`), in the order they ended.
pub fn run_traced(model: &Model, replication_seed: u64) -> Record {
    let never = AtomicBool::new(false);
    let mut sim = Sim::new(model, replication_seed, false);
    sim.rec.trace = Some(Vec::new());
    sim.rec.background_trace = Some(Vec::new());
    sim.background_received = Some(std::collections::HashMap::new());
    sim.run(&never).0
}

/// Like [`run`], but gives up when `stop` is set (checked every few thousand events)
/// or when events pile up at one instant without end.
pub fn run_until(
    model: &Model,
    replication_seed: u64,
    stop: &AtomicBool,
) -> Result<Record, Stopped> {
    let record = Sim::new(model, replication_seed, false).run(stop).0;
    match record.stopped.clone() {
        Some(why) => Err(why),
        None => Ok(record),
    }
}

/// Like [`run`], and also returns every arrival of every source in time order.
pub fn run_logged(model: &Model, replication_seed: u64) -> (Record, Vec<Arrival>) {
    let never = AtomicBool::new(false);
    let (record, log) = Sim::new(model, replication_seed, true).run(&never);
    (record, log.unwrap_or_default())
}

/// The call processing a background stream's calls go through before they may be
/// dispatched: none for self-initiated work, which no one calls in.
fn background_processing(
    model: &Model,
    b: &crate::model::BackgroundWork,
) -> Option<crate::dist::Dist> {
    let intake = model.intake.as_ref().filter(|_| b.preemptible_by == 0)?;
    intake.for_priority(b.priority, &model.priorities).cloned()
}

/// Why a replication ended before its horizon.
#[derive(Clone, Debug, PartialEq)]
pub enum Stopped {
    /// It was asked to stop.
    Interrupted,
    /// Events kept happening at one instant: a loop of zero-time steps.
    Storm {
        /// Simulated minutes when it was stopped.
        at: Minutes,
    },
}

/// Events at one instant beyond which the run is a zero-time loop, not a busy moment:
/// a real city has at most thousands.
const STORM_EVENTS: u64 = 10_000_000;

impl<'m> Sim<'m> {
    fn new(model: &'m Model, seed: u64, logged: bool) -> Self {
        let mut units = Vec::new();
        let mut kinds = Vec::new();
        let mut background = Vec::new();
        for (k, kind) in model.kinds.iter().enumerate() {
            let first = units.len();
            let mut homes: Vec<usize> = Vec::new();
            let mut home_of = Vec::new();
            for i in 0..kind.schedule.max_units() as usize {
                let zone = kind.homes[i % kind.homes.len()];
                let home = homes.iter().position(|&z| z == zone).unwrap_or_else(|| {
                    homes.push(zone);
                    homes.len() - 1
                });
                home_of.push(home as u16);
                units.push(Unit::new(k as u16, model.zones[zone].centre));
            }
            let homes = homes.iter().map(|&z| model.zones[z].centre).collect();
            let idle = idle::Idle::new(first, home_of, homes);
            for (j, b) in kind.background.iter().enumerate() {
                let Some(gap) = Exp::new(b.rate).ok().filter(|_| b.rate > 0.0) else {
                    continue;
                };
                // The first stream keeps the kind's own substreams, so a scenario with
                // one stream draws what it drew before streams could be several.
                let sub = k as u64 | ((j as u64) << 32);
                background.push(BackgroundSource {
                    kind: k as u16,
                    work: j as u16,
                    gap,
                    by_hour: b.by_hour.clone(),
                    arrivals: stream(seed, Stream::BackgroundArrivals, sub),
                    service: stream(seed, Stream::BackgroundService, sub),
                    processing: background_processing(model, b),
                    intake: stream(seed, Stream::BackgroundIntake, sub),
                });
            }
            let staffing = stream(seed, Stream::Staffing, k as u64);
            let spells = kind.unavailable.as_ref().and_then(|u| {
                Some(SpellSource {
                    gap: Exp::new(1.0 / u.mean_gap()).ok()?,
                    rng: stream(seed, Stream::Unavailability, k as u64),
                })
            });
            let mut state = KindState::new(first..units.len(), idle, staffing, spells);
            let workforce = kind.staff.workforce.as_ref();
            if workforce.is_some() {
                state.months = (model.days * DAY / MONTH).floor() as usize;
            }
            state.strain = (kind.staff.burnout).map(|b| staffing::Strain::new(b, workforce));
            state.restart_record(model.warmup_end());
            kinds.push(state);
        }
        let rec = Record {
            by_call_type: vec![Default::default(); model.call_types.len()],
            by_zone: vec![Default::default(); model.zones.len()],
            by_priority: vec![Default::default(); model.priorities.len()],
            by_group: vec![Default::default(); model.groups.names.len()],
            by_hour: vec![Default::default(); 24],
            by_weekday: vec![Default::default(); if model.by_weekday { 7 } else { 0 }],
            by_first_responder: vec![Default::default(); model.kinds.len()],
            by_facility: vec![Default::default(); model.facilities.len()],
            incidents_by_month: vec![0; (model.days * DAY / MONTH).floor() as usize],
            incidents_by_week: vec![0; (model.horizon() / WEEK).ceil() as usize],
            repeats_by_week: vec![0; (model.horizon() / WEEK).ceil() as usize],
            ..Record::default()
        };
        Sim {
            model,
            seed,
            sched: Scheduler::with_capacity(units.len() + kinds.len() * 2 + 16),
            arrivals: stream(seed, Stream::Arrivals, 0),
            units,
            kinds,
            preemptible: model
                .kinds
                .iter()
                .any(|k| k.background.iter().any(|b| b.preemptible_by > 0)),
            background,
            jobs: slots::Slots::new(),
            breaks: slots::Slots::new(),
            requests: slots::Slots::new(),
            trips: slots::Slots::new(),
            incidents: Slab::new(),
            repeats: repeats::Calendar::new(),
            people: people::People::new(),
            hotline: hotline::Line::new(seed),
            induced: induced::Induced::new(model, seed),
            psychiatry: servers::Servers::new(),
            consult_waiters: slots::Slots::new(),
            places: (0..model.facilities.len())
                .map(|f| facilities::Place::new(seed, f))
                .collect(),
            occupants: slots::Slots::new(),
            next_seq: 0,
            next_person: 0,
            next_incident: 0,
            background_received: None,
            warmup_end: model.warmup_end(),
            horizon: model.horizon(),
            rec,
            arrival_log: logged.then(Vec::new),
        }
    }

    fn run(mut self, stop: &AtomicBool) -> (Record, Option<Vec<Arrival>>) {
        self.start();
        let (mut instant, mut at_instant, mut handled) = (f64::NAN, 0u64, 0u64);
        while let Some(event) = self.sched.next_before(self.horizon) {
            self.handle(event);
            handled += 1;
            let now = self.now();
            if now == instant {
                at_instant += 1;
                if at_instant > STORM_EVENTS {
                    self.rec.stopped = Some(Stopped::Storm { at: now });
                    break;
                }
            } else {
                (instant, at_instant) = (now, 0);
            }
            if handled % 4096 == 0 && stop.load(Ordering::Relaxed) {
                self.rec.stopped = Some(Stopped::Interrupted);
                break;
            }
        }
        let log = self.arrival_log.take();
        (self.finish(), log)
    }

    fn start(&mut self) {
        let first = demand::next_arrival(
            &self.model.demand.rate_by_hour,
            0.0,
            self.horizon,
            &mut self.arrivals,
        );
        self.sched.set_timer(ARRIVAL_TIMER, first, Event::Arrival);
        for k in 0..self.kinds.len() {
            self.shift_change(k);
            for b in 0..self.background.len() {
                let horizon = self.horizon;
                let source = &mut self.background[b];
                if usize::from(source.kind) == k {
                    let at = source.next(0.0, horizon);
                    self.sched
                        .set_timer(background_timer(b), at, Event::Background(b as u16));
                }
            }
        }
        self.hotline_shift();
        self.next_hotline_contact();
        self.next_induced();
        self.psychiatry_shift();
        for f in 0..self.places.len() {
            self.next_walk_in(f);
        }
        self.start_history();
        if self.warmup_end > 0.0 {
            self.sched.schedule(self.warmup_end, Event::WarmupEnd);
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Arrival => self.arrival(),
            Event::Background(k) => self.background_arrival(usize::from(k)),
            Event::Shift(k) => self.shift_change(usize::from(k)),
            Event::Fallback(slot) => self.fallback(slot as usize),
            Event::Unit(u) => self.unit_step(u as usize),
            Event::WarmupEnd => self.reset_statistics(),
            Event::Repeat => self.repeat_arrivals(),
            Event::HotlineShift => self.hotline_shift(),
            Event::HotlineDone(i) => self.hotline_done(i as usize),
            Event::Abandon(slot) => self.abandon(slot as usize),
            Event::PsychiatryShift => self.psychiatry_shift(),
            Event::ConsultEnd => self.consult_end(),
            Event::ConsultTimeout(slot) => self.consult_timeout(slot as usize),
            Event::Arrive(slot) => self.arrive(slot as usize),
            Event::Cancel(i) => self.cancel(i as usize),
            Event::StayEnd(o) => self.stay_end(o as usize),
            Event::HotlineContact => self.hotline_contact(),
            Event::HotlineContactDone => self.hotline_contact_done(),
            Event::Intake(i) => self.intake_done(i as usize),
            Event::JobDone(slot) => self.job_done(slot as usize),
            Event::Break(slot) => self.spell(slot as usize),
            Event::Induced => self.induced_arrival(),
            Event::Redial(i) => self.redial(i as usize),
            Event::FollowUpEnd => self.follow_up_end(),
            Event::WalkIn(f) => self.walk_in(usize::from(f)),
        }
    }

    fn now(&self) -> Minutes {
        self.sched.now()
    }

    /// The measured-period rule, in one place: what happens from the end of the
    /// warm-up on is counted; an incident is counted whole (to its end) if it arrived
    /// in the measured period (`Incident::measured`), and not at all otherwise.
    fn measuring(&self) -> bool {
        self.now() >= self.warmup_end
    }

    fn log(&mut self, arrival: Arrival) {
        if let Some(log) = &mut self.arrival_log {
            log.push(arrival);
        }
    }

    // ---- demand ------------------------------------------------------------

    fn arrival(&mut self) {
        let now = self.now();
        let model = self.model;
        let demand = &model.demand;
        let next =
            demand::next_arrival(&demand.rate_by_hour, now, self.horizon, &mut self.arrivals);
        self.sched.set_timer(ARRIVAL_TIMER, next, Event::Arrival);
        // Every draw is made whatever the scenario, so scenarios share their arrivals.
        let zone = demand::pick(&demand.zone_cdf, self.arrivals.random());
        let call_type = demand::pick(&demand.call_type_cdf, self.arrivals.random());
        let pos = demand::place(model, zone, &mut self.arrivals);
        let channel: f64 = self.arrivals.random();
        let keep: f64 = self.arrivals.random();
        self.next_person += 1;
        let prevented = keep >= model.prevention.incidence_factor(now);
        self.log(Arrival {
            at: now,
            source: Source::Crisis {
                call_type: call_type as u16,
                zone: zone as u16,
                prevented,
            },
        });
        if prevented {
            return;
        }
        let rng = stream(self.seed, Stream::Incidents, self.next_person);
        let person = people::Someone::new(self.next_person);
        self.new_incident(call_type, zone, pos, (person, 0), channel, rng);
    }

    fn repeat_arrivals(&mut self) {
        while let Some(r) = self.repeats.pop_due(self.now()) {
            self.repeat_arrival(r);
        }
        if let Some(at) = self.repeats.rearm() {
            self.sched.schedule(at, Event::Repeat);
        }
    }

    fn repeat_arrival(&mut self, r: people::PendingRepeat) {
        self.repeat_due(r.person);
        if self.prevented_by_follow_up(&r) {
            self.person_done(r.person);
            return;
        }
        let mut rng =
            people::person_stream(self.seed, Stream::Incidents, r.person.number, r.crisis);
        let drawn = demand::pick(&self.model.demand.call_type_cdf, rng.random());
        let call_type = self.repeat_call_type(&r, drawn);
        let channel: f64 = rng.random();
        if self.measuring() {
            self.rec.repeat_crises += 1;
        }
        self.new_incident(
            call_type,
            usize::from(r.zone),
            r.pos,
            (r.person, r.crisis),
            channel,
            rng,
        );
    }

    fn new_incident(
        &mut self,
        call_type: usize,
        zone: usize,
        pos: Point,
        (person, crisis): (people::Someone, u32),
        channel: f64,
        rng: SimRng,
    ) {
        let now = self.now();
        let measured = self.measuring();
        let week = (now / WEEK) as usize;
        if let Some(w) = self.rec.incidents_by_week.get_mut(week) {
            *w += 1;
        }
        if let (Some(w), true) = (self.rec.repeats_by_week.get_mut(week), crisis > 0) {
            *w += 1;
        }
        let (person, person_is) = self.person_crisis(person, crisis, zone);
        let arrived = when(now);
        if measured {
            let month = ((now - self.warmup_end) / MONTH) as usize;
            let tally = self.tally(call_type, zone, person_is.group, arrived);
            self.rec.incident_arrived(tally, month);
            self.next_incident += 1;
        }
        let hotline = self.model.hotline.as_ref().filter(|h| now >= h.from);
        let hotline_open = hotline.is_some();
        let awareness = hotline.map_or(1.0, |h| h.awareness_factor(now));
        let share = self.model.call_types[call_type].hotline_share * awareness;
        let via_hotline = channel < share && hotline_open;
        let mut incident = self.blank_incident(call_type, zone, pos, arrived, rng);
        (incident.person, incident.crisis) = (person, crisis);
        (incident.class, incident.group) = (person_is.class, person_is.group);
        incident.interpreter = person_is.interpreter;
        incident.measured = measured;
        incident.id = if measured { self.next_incident } else { 0 };
        incident.via_hotline = via_hotline;
        let incident = self.incidents.insert(incident);
        self.draw_cancellation(incident, call_type);
        if via_hotline {
            self.hotline_call(incident);
        } else {
            self.dispatch_911(incident, false);
        }
    }

    /// The groups an incident of `call_type` in `zone` of population group `group`,
    /// arrived in the hour of the day and on the day of the week `when`, counts in.
    fn tally(&self, call_type: usize, zone: usize, group: u8, when: (u8, u8)) -> record::Tally {
        record::Tally {
            call_type,
            zone,
            priority: self.model.call_types[call_type].priority_group,
            group: usize::from(group),
            hour: usize::from(when.0),
            weekday: usize::from(when.1),
        }
    }

    /// The groups incident `i` counts in.
    fn incident_tally(&self, i: usize) -> record::Tally {
        let x = &self.incidents[i];
        self.tally(
            usize::from(x.call_type),
            usize::from(x.zone),
            x.group,
            x.when,
        )
    }

    /// An incident of `call_type` that has just arrived (`arrived`: its hour and day of
    /// the week), not yet measured or routed.
    fn blank_incident(
        &self,
        call_type: usize,
        zone: usize,
        pos: Point,
        arrived: (u8, u8),
        rng: SimRng,
    ) -> Incident {
        let now = self.now();
        Incident {
            id: 0,
            call_type: call_type as u16,
            zone: zone as u16,
            pos,
            person: people::Someone::new(0),
            crisis: 0,
            class: 0,
            group: 0,
            when: arrived,
            interpreter: false,
            escalated: false,
            holder: NO_UNIT,
            hold_facility: 0,
            first_contact: now,
            received: now,
            induced: false,
            induced_measured: false,
            measured: false,
            via_hotline: false,
            dispatched: false,
            dispatched_at: 0.0,
            arrived: false,
            arrived_at: 0.0,
            scene_end: None,
            first_kind: u16::MAX,
            ending: trace::Ending::Open,
            police: false,
            reached: 0,
            in_intake: false,
            units: 0,
            request: None,
            trip: None,
            closed: false,
            open: 0,
            rng,
            disposition: Disposition::ResolvedOnScene,
            hospital: false,
            stay: 0.0,
        }
    }

    // ---- how incidents end -------------------------------------------------

    /// Draws whether and when the caller cancels (both draws made whenever the call
    /// type has cancellations, so later draws stay aligned), and arms the cancellation.
    fn draw_cancellation(&mut self, i: usize, call_type: usize) {
        let Some(crate::model::Cancellation { share, after }) =
            &self.model.call_types[call_type].cancelled
        else {
            return;
        };
        let incident = &mut self.incidents[i];
        let cancels = incident.rng.random::<f64>() < *share;
        let delay = after.sample(&mut incident.rng);
        if cancels {
            // The pending cancellation holds the incident, so its slot is not reused.
            incident.open += 1;
            let at = self.sched.now() + delay;
            self.sched.schedule(at, Event::Cancel(i as u32));
        }
    }

    /// The caller cancels: if the call still waits for a unit, or its unit still
    /// drives there, the call is withdrawn, the unit turns back, and the incident ends
    /// without a disposition. Otherwise (a unit on scene, the hotline on the line, or
    /// the incident over) nothing changes.
    fn cancel(&mut self, i: usize) {
        let incident = &mut self.incidents[i];
        let (request, trip) = (incident.request.take(), incident.trip.take());
        let processing = std::mem::take(&mut incident.in_intake);
        if request.is_some() || trip.is_some() || processing {
            incident.closed = true;
            incident.ending = trace::Ending::Cancelled;
            if incident.measured {
                self.rec.incident_cancelled(!incident.dispatched);
            }
        }
        if let Some(slot) = request {
            self.requests.take(slot as usize);
            self.close_incident_part(i);
        }
        if let Some(trip) = trip.and_then(|slot| self.trips.take(slot as usize)) {
            self.turn_back(trip, i);
        }
        self.close_incident_part(i);
    }

    /// Records how an incident ended (`None`: resolved by phone) and draws whether
    /// the person has another crisis. An admitted ED patient's length of stay is
    /// drawn here, once: it is both the inpatient bed's stay and the days costed.
    fn close(&mut self, i: usize, disposition: Option<Disposition>) {
        let model = self.model;
        let incident = &mut self.incidents[i];
        incident.closed = true;
        let d = disposition.unwrap_or(Disposition::ResolvedOnScene);
        // Drawn whatever the outcome, so the incident's later draws stay aligned.
        let hospital = incident
            .rng
            .random_bool(model.costs.hospitalization_probability)
            && d == Disposition::EmergencyDepartment;
        incident.disposition = d;
        incident.ending = disposition.map_or(trace::Ending::Phone, trace::Ending::Disposition);
        incident.hospital = hospital;
        let stay = if hospital {
            model.inpatient_stay().sample(&mut incident.rng)
        } else {
            0.0
        };
        incident.stay = stay;
        if incident.induced {
            return;
        }
        if incident.measured {
            let tally = self.incident_tally(i);
            self.rec
                .incident_closed(tally, disposition, hospital, stay / DAY);
        }
        if d == Disposition::Referred && disposition.is_some() {
            self.refer(i);
        }
        self.draw_repeat(i, model.prevention.repeat[d as usize]);
    }

    /// A hotline caller hung up and did not call 911: the crisis ends unresolved, with
    /// its own chance of coming back.
    fn close_unresolved(&mut self, i: usize) {
        let incident = &mut self.incidents[i];
        incident.closed = true;
        incident.ending = trace::Ending::HungUp;
        let again = self
            .model
            .hotline
            .as_ref()
            .map_or(0.0, |h| h.unresolved_repeat);
        self.draw_repeat(i, again);
    }

    /// Draws whether the person of incident `i` has another crisis (chance `p`) and
    /// when.
    fn draw_repeat(&mut self, i: usize, p: f64) {
        let model = self.model;
        let p = self.repeat_chance(i, p);
        let away = self.time_away(i);
        let incident = &mut self.incidents[i];
        if !incident.rng.random_bool(p) {
            return;
        }
        let stretch = model.people.delay_factor(usize::from(incident.class));
        let delay = away + stretch * model.prevention.repeat_delay.sample(&mut incident.rng);
        let (person, crisis) = (incident.person, incident.crisis + 1);
        let repeat = people::PendingRepeat {
            person,
            crisis,
            zone: incident.zone,
            pos: incident.pos,
            call_type: incident.call_type,
            follow_up_draw: self.follow_up_draw(person.number, crisis),
        };
        self.repeat_pending(person);
        let now = self.sched.now();
        if let Some(at) = self.repeats.push(now + delay, repeat) {
            self.sched.schedule(at, Event::Repeat);
        }
    }

    /// One holder of the incident (a request, a unit, the hotline) lets go of it.
    fn close_incident_part(&mut self, i: usize) {
        let incident = &mut self.incidents[i];
        incident.open -= 1;
        if incident.open == 0 {
            let person = incident.person;
            self.trace_incident(i, Some(self.sched.now()));
            self.incidents.remove(i);
            self.incident_of_person_ended(person);
        }
    }

    // ---- statistics --------------------------------------------------------

    fn reset_statistics(&mut self) {
        let now = self.now();
        for kind in &mut self.kinds {
            kind.advance(now);
            kind.advance_duty(now);
            kind.restart_record(now);
        }
    }

    fn finish(mut self) -> Record {
        let horizon = self.horizon;
        self.sched.advance_to(horizon);
        for kind in &mut self.kinds {
            kind.advance(horizon);
            kind.advance_duty(horizon);
        }
        for f in 0..self.places.len() {
            self.count_places(f);
            self.rec.by_facility[f].still_waiting = self.places[f].waiting() as u64;
        }
        let unserved: Vec<usize> = (self.incidents.iter())
            .filter(|(_, x)| x.measured && !x.dispatched && !x.closed)
            .map(|(i, _)| i)
            .collect();
        for i in unserved {
            let tally = self.incident_tally(i);
            self.rec.incident_unserved(tally);
        }
        if self.rec.trace.is_some() {
            let open: Vec<usize> = self.incidents.iter().map(|(i, _)| i).collect();
            open.into_iter().for_each(|i| self.trace_incident(i, None));
        }
        self.finish_people();
        self.rec.share_whole_histograms();
        self.rec.backlog_background = self
            .kinds
            .iter()
            .map(|k| u64::from(k.background_waiting))
            .sum();
        self.rec.events = self.sched.processed();
        self.rec.measured_minutes = horizon - self.warmup_end;
        self.rec.kinds = self.kinds.into_iter().map(|k| k.rec).collect();
        self.rec
    }
}

/// The hour of the day and the day of the week (Monday 0) of time `t`, kept with an
/// incident so that the groups it counts in are not worked out again each time.
fn when(t: Minutes) -> (u8, u8) {
    (hour_of_day(t) as u8, day_of_week(t) as u8)
}

/// Index picked by a uniform draw from unnormalised weights (last positive one on rounding).
fn pick_weighted(weights: &[f64], u: f64) -> usize {
    let total: f64 = weights.iter().sum();
    // Compared on the weights' own scale: one product instead of a division a weight.
    let target = u * total;
    let mut acc = 0.0;
    let mut last = 0;
    for (i, w) in weights.iter().enumerate() {
        if *w <= 0.0 {
            continue;
        }
        acc += w;
        last = i;
        if target < acc {
            return i;
        }
    }
    last
}

/// Iterates over the kinds set in a bit mask.
struct KindBits(u64);

impl Iterator for KindBits {
    type Item = KindId;

    fn next(&mut self) -> Option<KindId> {
        if self.0 == 0 {
            return None;
        }
        let k = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_pick_skips_zero_weights() {
        let w = [0.0, 1.0, 0.0, 3.0, 0.0];
        assert_eq!(pick_weighted(&w, 0.0), 1);
        assert_eq!(pick_weighted(&w, 0.3), 3);
        assert_eq!(pick_weighted(&w, 1.0), 3);
        assert_eq!(KindBits(0b1010).collect::<Vec<_>>(), vec![1, 3]);
    }
}
