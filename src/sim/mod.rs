//! The crisis-response domain: turns kernel events into dispatches, travel, scene
//! work, transports and records for one replication.
//!
//! Units move through phases (`ToScene → OnScene → [ToFacility → Handoff] → Returning`,
//! or `Background`); each unit has at most one live pending event, so events carry
//! only the unit's index (an event that is no longer due is recognised by the unit's
//! `due` time and ignored). Requests that find no free unit wait in one priority heap
//! per acceptable kind, removed lazily once served. The hotline, psychiatry consults
//! and repeat crises live in their own files.

pub mod demand;
mod hotline;
mod psychiatry;
pub mod record;
mod repeats;
mod servers;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::RngExt;
use rand_distr::{Distribution, Exp};
use slab::Slab;

use crate::dist::{DAY, HOUR, Minutes};
use crate::kernel::{self, Scheduler};
use crate::model::{Disposition, KindId, Model, Point, Role};
use crate::rng::{SimRng, Stream, stream};
pub use record::Record;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    Arrival,
    Background(u16),
    Shift(u16),
    /// A request's next fallback step is due (checked against the request's own due
    /// time, so a step left over from a served request does nothing).
    Fallback(u32),
    Unit(u32),
    WarmupEnd,
    /// The earliest pending repeat crisis is due.
    Repeat,
    HotlineShift,
    /// A counselor finished the call of an incident.
    HotlineDone(u32),
    /// A waiting caller's patience ran out (checked against the caller's own time).
    Abandon(u32),
    PsychiatryShift,
    /// A consult line became free.
    ConsultEnd,
}

/// Bits of an encoded event's payload; the four bits above hold its variant.
const PAYLOAD_BITS: u32 = 28;
const PAYLOAD: u32 = (1 << PAYLOAD_BITS) - 1;

impl kernel::Event for Event {
    fn encode(self) -> u32 {
        let (tag, payload) = match self {
            Event::Arrival => (0, 0),
            Event::Background(k) => (1, u32::from(k)),
            Event::Shift(k) => (2, u32::from(k)),
            Event::Fallback(r) => (3, r),
            Event::Unit(u) => (4, u),
            Event::WarmupEnd => (5, 0),
            Event::Repeat => (6, 0),
            Event::HotlineShift => (7, 0),
            Event::HotlineDone(i) => (8, i),
            Event::Abandon(c) => (9, c),
            Event::PsychiatryShift => (10, 0),
            Event::ConsultEnd => (11, 0),
        };
        debug_assert!(payload <= PAYLOAD);
        (tag << PAYLOAD_BITS) | payload
    }

    fn decode(code: u32) -> Self {
        let payload = code & PAYLOAD;
        match code >> PAYLOAD_BITS {
            0 => Event::Arrival,
            1 => Event::Background(payload as u16),
            2 => Event::Shift(payload as u16),
            3 => Event::Fallback(payload),
            4 => Event::Unit(payload),
            6 => Event::Repeat,
            7 => Event::HotlineShift,
            8 => Event::HotlineDone(payload),
            9 => Event::Abandon(payload),
            10 => Event::PsychiatryShift,
            11 => Event::ConsultEnd,
            _ => Event::WarmupEnd,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    OffDuty,
    Idle,
    ToScene,
    OnScene,
    /// On scene, waiting for a psychiatry consult line.
    ConsultWait,
    ToFacility,
    Handoff,
    Returning,
    Background,
}

const NO_INCIDENT: u32 = u32::MAX;

/// Kernel timers: arrival processes always have exactly one next event, so they are
/// kept out of the event heap.
const ARRIVAL_TIMER: usize = 0;

fn background_timer(kind: usize) -> usize {
    1 + kind
}

/// Length of a "month" in the monthly incident counts.
const MONTH: Minutes = 30.0 * DAY;

/// Unit-shifts of an around-the-clock schedule, for drawing absences: 8 hours.
const ROUND_THE_CLOCK_SHIFT: Minutes = 8.0 * HOUR;

#[derive(Clone, Debug)]
struct Unit {
    kind: u16,
    home: Point,
    pos: Point,
    phase: Phase,
    on_duty: bool,
    primary: bool,
    consulted: bool,
    incident: u32,
    facility: u32,
    busy_since: Minutes,
    /// When the unit's live pending event is due.
    due: Minutes,
    /// Scene minutes still to work once a consult wait ends.
    scene_left: Minutes,
    consult_seq: u32,
    consult_asked: Minutes,
}

#[derive(Clone, Copy, Debug)]
struct Request {
    incident: u32,
    kinds: u64,
    priority: u32,
    seq: u32,
    level: u8,
    backup: bool,
    /// Sent by the hotline: falls back through the call type's non-police kinds only.
    mobile: bool,
    fallback_due: Minutes,
}

#[derive(Clone, Debug)]
struct Incident {
    call_type: u16,
    zone: u16,
    pos: Point,
    person: u64,
    crisis: u32,
    received: Minutes,
    measured: bool,
    dispatched: bool,
    dispatched_at: Minutes,
    arrived: bool,
    police: bool,
    closed: bool,
    open: u16,
    rng: SimRng,
}

/// Waiting requests of one kind: lowest (priority, seq) first.
type Waiting = BinaryHeap<Reverse<(u32, u32, u32)>>;

struct KindState {
    units: std::ops::Range<usize>,
    idle: Vec<u32>,
    waiting: Waiting,
    busy_on_duty: u32,
    on_duty: u32,
    overtime: u32,
    since: Minutes,
    /// When `on_duty` last changed (it changes only at shift events).
    duty_since: Minutes,
    background: Option<(Exp<f64>, SimRng)>,
    staffing: SimRng,
    rec: record::KindRecord,
}

impl KindState {
    /// Adds the time since the last change to the integrals.
    #[inline]
    fn advance(&mut self, now: Minutes) {
        let dt = now - self.since;
        self.rec.busy_on_duty += f64::from(self.busy_on_duty) * dt;
        self.rec.on_duty += f64::from(self.on_duty) * dt;
        self.rec.overtime += f64::from(self.overtime) * dt;
        self.since = now;
    }

    /// Adds the staffed time since the last staffing change to the hour-of-day bins;
    /// called before `on_duty` changes, kept out of `advance` because that runs on
    /// every job.
    fn advance_duty(&mut self, now: Minutes) {
        spread_by_hour(
            &mut self.rec.on_duty_by_hour,
            self.duty_since,
            now,
            self.on_duty,
        );
        self.duty_since = now;
    }
}

/// Adds `units × minutes` of the interval `[from, to)` to the hour-of-day bins it covers.
fn spread_by_hour(bins: &mut [f64; 24], from: Minutes, to: Minutes, units: u32) {
    if units == 0 || to <= from {
        return;
    }
    let mut t = from;
    while t < to {
        let hour = (t / HOUR).floor();
        let end = ((hour + 1.0) * HOUR).min(to);
        bins[(hour as u64 % 24) as usize] += f64::from(units) * (end - t);
        t = end;
    }
}

/// One replication in progress.
pub struct Sim<'m> {
    model: &'m Model,
    seed: u64,
    sched: Scheduler<Event>,
    arrivals: SimRng,
    units: Vec<Unit>,
    kinds: Vec<KindState>,
    requests: Slab<Request>,
    incidents: Slab<Incident>,
    repeats: repeats::Calendar,
    hotline: hotline::Lines,
    psychiatry: servers::Servers,
    next_seq: u32,
    next_person: u64,
    warmup_end: Minutes,
    horizon: Minutes,
    rec: Record,
}

/// Runs one replication of `model` with a replication seed and returns its record.
pub fn run(model: &Model, replication_seed: u64) -> Record {
    let mut sim = Sim::new(model, replication_seed);
    sim.start();
    while let Some(event) = sim.sched.next_before(sim.horizon) {
        sim.handle(event);
    }
    sim.finish()
}

impl<'m> Sim<'m> {
    fn new(model: &'m Model, seed: u64) -> Self {
        let mut units = Vec::new();
        let mut kinds = Vec::new();
        for (k, kind) in model.kinds.iter().enumerate() {
            let first = units.len();
            for i in 0..kind.schedule.max_units() as usize {
                let home = model.zones[kind.homes[i % kind.homes.len()]].centre;
                units.push(Unit {
                    kind: k as u16,
                    home,
                    pos: home,
                    phase: Phase::OffDuty,
                    on_duty: false,
                    primary: false,
                    consulted: false,
                    incident: NO_INCIDENT,
                    facility: 0,
                    busy_since: 0.0,
                    due: f64::NAN,
                    scene_left: 0.0,
                    consult_seq: 0,
                    consult_asked: 0.0,
                });
            }
            let background = kind.background.as_ref().and_then(|b| {
                let rng = stream(seed, Stream::Background, k as u64);
                Exp::new(b.rate)
                    .ok()
                    .filter(|_| b.rate > 0.0)
                    .map(|e| (e, rng))
            });
            kinds.push(KindState {
                units: first..units.len(),
                idle: Vec::with_capacity(units.len() - first),
                waiting: BinaryHeap::new(),
                busy_on_duty: 0,
                on_duty: 0,
                overtime: 0,
                since: 0.0,
                duty_since: 0.0,
                background,
                staffing: stream(seed, Stream::Staffing, k as u64),
                rec: record::KindRecord::default(),
            });
        }
        let rec = Record {
            by_call_type: vec![Default::default(); model.call_types.len()],
            by_zone: vec![Default::default(); model.zones.len()],
            incidents_by_month: vec![0; (model.days * DAY / MONTH).floor() as usize],
            ..Record::default()
        };
        Sim {
            model,
            seed,
            sched: Scheduler::with_capacity(units.len() + kinds.len() * 2 + 16),
            arrivals: stream(seed, Stream::Arrivals, 0),
            units,
            kinds,
            requests: Slab::new(),
            incidents: Slab::new(),
            repeats: repeats::Calendar::new(),
            hotline: hotline::Lines::new(seed),
            psychiatry: servers::Servers::new(stream(seed, Stream::Consults, 0)),
            next_seq: 0,
            next_person: 0,
            warmup_end: model.warmup_end(),
            horizon: model.horizon(),
            rec,
        }
    }

    fn start(&mut self) {
        let first = demand::next_arrival(&self.model.demand.rate_by_hour, 0.0, &mut self.arrivals);
        self.sched.set_timer(ARRIVAL_TIMER, first, Event::Arrival);
        for k in 0..self.kinds.len() {
            self.shift_change(k);
            if let Some((exp, rng)) = &mut self.kinds[k].background {
                let at = exp.sample(rng);
                self.sched
                    .set_timer(background_timer(k), at, Event::Background(k as u16));
            }
        }
        self.hotline_shift();
        self.psychiatry_shift();
        if self.warmup_end > 0.0 {
            self.sched.schedule(self.warmup_end, Event::WarmupEnd);
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Arrival => self.arrival(),
            Event::Background(k) => self.background_arrival(usize::from(k)),
            Event::Shift(k) => self.shift_change(usize::from(k)),
            Event::Fallback(request) => self.fallback(request as usize),
            Event::Unit(u) => self.unit_step(u as usize),
            Event::WarmupEnd => self.reset_statistics(),
            Event::Repeat => self.repeat_arrivals(),
            Event::HotlineShift => self.hotline_shift(),
            Event::HotlineDone(i) => self.hotline_done(i as usize),
            Event::Abandon(c) => self.abandon(c as usize),
            Event::PsychiatryShift => self.psychiatry_shift(),
            Event::ConsultEnd => self.consult_end(),
        }
    }

    fn now(&self) -> Minutes {
        self.sched.now()
    }

    fn measuring(&self) -> bool {
        self.now() >= self.warmup_end
    }

    fn next_seq(&mut self) -> u32 {
        self.next_seq = self.next_seq.wrapping_add(1);
        self.next_seq
    }

    /// Schedules the unit's next step and remembers when it is due.
    fn schedule_unit(&mut self, u: usize, delay: Minutes) {
        let due = self.now() + delay.max(0.0);
        self.units[u].due = due;
        self.sched.schedule(due, Event::Unit(u as u32));
    }

    // ---- demand ------------------------------------------------------------

    fn arrival(&mut self) {
        let now = self.now();
        let model = self.model;
        let demand = &model.demand;
        let next = demand::next_arrival(&demand.rate_by_hour, now, &mut self.arrivals);
        self.sched.set_timer(ARRIVAL_TIMER, next, Event::Arrival);
        // Every draw is made whatever the scenario, so scenarios share their arrivals.
        let zone = demand::pick(&demand.zone_cdf, self.arrivals.random());
        let call_type = demand::pick(&demand.call_type_cdf, self.arrivals.random());
        let pos = demand::place(model, zone, &mut self.arrivals);
        let channel: f64 = self.arrivals.random();
        let keep: f64 = self.arrivals.random();
        self.next_person += 1;
        if keep >= model.prevention.incidence_factor(now) {
            return; // prevented by community programs
        }
        let rng = stream(self.seed, Stream::Incidents, self.next_person);
        self.new_incident(call_type, zone, pos, (self.next_person, 0), channel, rng);
    }

    fn repeat_arrivals(&mut self) {
        while let Some(r) = self.repeats.pop_due(self.now()) {
            self.repeat_arrival(r);
        }
        if let Some(at) = self.repeats.rearm() {
            self.sched.schedule(at, Event::Repeat);
        }
    }

    fn repeat_arrival(&mut self, r: repeats::PendingRepeat) {
        let mut rng = stream(
            self.seed,
            Stream::Incidents,
            r.person | (u64::from(r.crisis) << 48),
        );
        let call_type = demand::pick(&self.model.demand.call_type_cdf, rng.random());
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
        (person, crisis): (u64, u32),
        channel: f64,
        rng: SimRng,
    ) {
        let now = self.now();
        let measured = self.measuring();
        if measured {
            self.rec.incidents += 1;
            self.rec.incidents_by_hour[((now / HOUR) as u64 % 24) as usize] += 1;
            let month = ((now - self.warmup_end) / MONTH) as usize;
            if let Some(m) = self.rec.incidents_by_month.get_mut(month) {
                *m += 1;
            }
            self.rec.by_call_type[call_type].incidents += 1;
            self.rec.by_zone[zone].incidents += 1;
        }
        let incident = self.incidents.insert(Incident {
            call_type: call_type as u16,
            zone: zone as u16,
            pos,
            person,
            crisis,
            received: now,
            measured,
            dispatched: false,
            dispatched_at: 0.0,
            arrived: false,
            police: false,
            closed: false,
            open: 0,
            rng,
        });
        if channel < self.model.hotline_share {
            self.hotline_call(incident);
        } else {
            self.dispatch_911(incident, false);
        }
    }

    /// Sends an incident to dispatch: the call type's kinds, or (from the hotline)
    /// its non-police kinds only.
    fn dispatch_911(&mut self, incident: usize, mobile: bool) {
        let ct = &self.model.call_types[usize::from(self.incidents[incident].call_type)];
        let list = if mobile { &ct.mobile } else { &ct.responders };
        let request = Request {
            incident: incident as u32,
            kinds: 1 << list[0],
            priority: ct.priority,
            seq: self.next_seq(),
            level: 0,
            backup: false,
            mobile,
            fallback_due: f64::NAN,
        };
        self.request(request);
    }

    fn background_arrival(&mut self, k: usize) {
        let Some((exp, rng)) = &mut self.kinds[k].background else {
            return;
        };
        let delay = exp.sample(rng);
        let at = self.now() + delay;
        self.sched
            .set_timer(background_timer(k), at, Event::Background(k as u16));
        let priority = self.model.kinds[k]
            .background
            .as_ref()
            .map_or(u32::MAX, |b| b.priority);
        let request = Request {
            incident: NO_INCIDENT,
            kinds: 1 << k,
            priority,
            seq: self.next_seq(),
            level: 0,
            backup: false,
            mobile: false,
            fallback_due: f64::NAN,
        };
        match self.kinds[k].idle.pop() {
            Some(u) => self.assign(u as usize, request),
            None => {
                self.enqueue(request);
            }
        }
    }

    // ---- dispatch ----------------------------------------------------------

    /// Sends the nearest free acceptable unit, or queues the request.
    fn request(&mut self, request: Request) {
        self.incidents[request.incident as usize].open += 1;
        let pos = self.incidents[request.incident as usize].pos;
        match self.nearest_idle(request.kinds, pos) {
            Some(u) => self.assign(u, request),
            None => {
                let slot = self.enqueue(request);
                self.schedule_fallback(slot);
            }
        }
    }

    fn enqueue(&mut self, request: Request) -> usize {
        let slot = self.requests.insert(request);
        let key = Reverse((request.priority, request.seq, slot as u32));
        for k in KindBits(request.kinds) {
            self.kinds[k].waiting.push(key);
        }
        slot
    }

    /// The kinds a request falls back through, in order.
    fn preference(&self, r: &Request) -> &'m [KindId] {
        let ct = &self.model.call_types[usize::from(self.incidents[r.incident as usize].call_type)];
        if r.mobile { &ct.mobile } else { &ct.responders }
    }

    fn schedule_fallback(&mut self, slot: usize) {
        let r = self.requests[slot];
        if r.backup {
            return;
        }
        let list = self.preference(&r);
        if usize::from(r.level) + 1 < list.len() {
            let ct =
                &self.model.call_types[usize::from(self.incidents[r.incident as usize].call_type)];
            let due = self.now() + ct.fallback_after;
            self.requests[slot].fallback_due = due;
            self.sched.schedule(due, Event::Fallback(slot as u32));
        }
    }

    fn fallback(&mut self, slot: usize) {
        let now = self.now();
        let Some(r) = self
            .requests
            .get_mut(slot)
            .filter(|r| r.fallback_due == now)
        else {
            return;
        };
        r.level += 1;
        let r = *r;
        let kind = self.preference(&r)[usize::from(r.level)];
        self.requests[slot].kinds |= 1 << kind;
        let pos = self.incidents[r.incident as usize].pos;
        match self.nearest_idle(1 << kind, pos) {
            Some(u) => {
                let request = self.requests.remove(slot);
                self.assign(u, request);
            }
            None => {
                self.kinds[kind]
                    .waiting
                    .push(Reverse((r.priority, r.seq, slot as u32)));
                self.schedule_fallback(slot);
            }
        }
    }

    /// Takes the idle unit nearest to `pos` among `kinds` off its free list.
    fn nearest_idle(&mut self, kinds: u64, pos: Point) -> Option<usize> {
        let mut best: Option<(f64, usize, usize)> = None;
        for k in KindBits(kinds) {
            for (at, &u) in self.kinds[k].idle.iter().enumerate() {
                let d = self.units[u as usize].home.distance_squared(pos);
                if best.is_none_or(|(bd, _, _)| d < bd) {
                    best = Some((d, k, at));
                }
            }
        }
        best.map(|(_, k, at)| self.kinds[k].idle.swap_remove(at) as usize)
    }

    /// Starts a free unit (already off its free list) on the request.
    fn assign(&mut self, u: usize, request: Request) {
        let now = self.now();
        let k = usize::from(self.units[u].kind);
        let kind = &mut self.kinds[k];
        kind.advance(now);
        kind.busy_on_duty += 1;
        self.units[u].busy_since = now;
        if request.incident == NO_INCIDENT {
            self.units[u].phase = Phase::Background;
            let service = match (&self.model.kinds[k].background, &mut kind.background) {
                (Some(b), Some((_, rng))) => b.service.sample(rng),
                _ => 0.0,
            };
            self.schedule_unit(u, service);
            return;
        }
        if self.incidents[request.incident as usize].measured {
            kind.rec.crisis_dispatches += 1;
        }
        let unit = &mut self.units[u];
        unit.phase = Phase::ToScene;
        unit.incident = request.incident;
        unit.primary = !request.backup;
        unit.consulted = false;
        let incident = &mut self.incidents[request.incident as usize];
        if !request.backup && !incident.dispatched {
            incident.dispatched = true;
            incident.dispatched_at = now;
            if incident.measured {
                self.rec.dispatched += 1;
            }
        }
        let travel = &self.model.travel;
        let km = unit.home.distance(incident.pos);
        let noise = travel.noise.map_or(1.0, |n| n.sample(&mut incident.rng));
        let minutes = travel.turnout + km * travel.minutes_per_km * noise;
        self.schedule_unit(u, minutes);
    }

    /// A unit became free (on duty and idle): serve the best waiting request, or wait.
    fn take_work(&mut self, u: usize) {
        let k = usize::from(self.units[u].kind);
        while let Some(Reverse((_, seq, slot))) = self.kinds[k].waiting.pop() {
            let live = self
                .requests
                .get(slot as usize)
                .is_some_and(|r| r.seq == seq);
            if live {
                let request = self.requests.remove(slot as usize);
                self.assign(u, request);
                return;
            }
        }
        self.units[u].phase = Phase::Idle;
        self.kinds[k].idle.push(u as u32);
    }

    // ---- units -------------------------------------------------------------

    fn unit_step(&mut self, u: usize) {
        if self.units[u].due != self.now() {
            return; // superseded (a consult started before the team gave up waiting)
        }
        match self.units[u].phase {
            Phase::ToScene => self.on_scene(u),
            Phase::OnScene => self.scene_done(u),
            Phase::ConsultWait => self.give_up_consult(u),
            Phase::ToFacility => self.at_facility(u),
            Phase::Handoff => self.leave_incident(u),
            Phase::Returning | Phase::Background => self.release(u),
            Phase::OffDuty | Phase::Idle => {}
        }
    }

    fn on_scene(&mut self, u: usize) {
        let now = self.now();
        let model = self.model;
        let unit = &mut self.units[u];
        let k = usize::from(unit.kind);
        let i = unit.incident as usize;
        let primary = unit.primary;
        let incident = &mut self.incidents[i];
        unit.pos = incident.pos;
        unit.phase = Phase::OnScene;
        let ct = usize::from(incident.call_type);
        let Some(response) = model.call_types[ct].by_kind[k].as_ref() else {
            self.leave_incident(u);
            return;
        };
        let measured = incident.measured;
        if !incident.arrived {
            incident.arrived = true;
            if measured {
                self.rec.responses.push(record::Response {
                    minutes: (now - incident.received) as f32,
                    wait: (incident.dispatched_at - incident.received) as f32,
                    call_type: incident.call_type,
                    zone: incident.zone,
                });
            }
        }
        if model.kinds[k].role == Role::Police && !incident.police {
            incident.police = true;
            if measured {
                self.rec.police_involved += 1;
                self.rec.by_call_type[ct].police_involved += 1;
                self.rec.by_zone[usize::from(incident.zone)].police_involved += 1;
            }
        }
        let rng = &mut incident.rng;
        let force = rng.random_bool(response.use_of_force);
        let injury = rng.random_bool(response.injury);
        let backup = primary && rng.random_bool(response.backup);
        let consult = primary && rng.random_bool(response.consult);
        let scene = response.on_scene.sample(rng);
        if measured {
            self.rec.use_of_force += u64::from(force);
            self.rec.injuries += u64::from(injury);
            self.rec.backup_requests += u64::from(backup);
        }
        if consult && model.psychiatry.is_some() {
            self.ask_consult(u, scene, measured);
        } else {
            self.schedule_unit(u, scene);
        }
        if let (true, Some(police)) = (backup, model.backup_kind) {
            let request = Request {
                incident: i as u32,
                kinds: 1 << police,
                priority: 1,
                seq: self.next_seq(),
                level: 0,
                backup: true,
                mobile: false,
                fallback_due: f64::NAN,
            };
            self.request(request);
        }
    }

    fn scene_done(&mut self, u: usize) {
        let unit = &self.units[u];
        if !unit.primary {
            self.leave_incident(u);
            return;
        }
        let k = usize::from(unit.kind);
        let i = unit.incident as usize;
        let incident = &self.incidents[i];
        let ct = &self.model.call_types[usize::from(incident.call_type)];
        let outcomes = ct.by_kind[k]
            .as_ref()
            .map_or([1.0, 0.0, 0.0, 0.0, 0.0], |r| {
                if unit.consulted {
                    r.outcomes_with_consult
                } else {
                    r.outcomes
                }
            });
        let u_outcome: f64 = self.incidents[i].rng.random();
        let disposition = Disposition::ALL[pick_weighted(&outcomes, u_outcome)];
        self.close(i, Some(disposition));
        let Some(kind) = disposition.facility() else {
            self.leave_incident(u);
            return;
        };
        let pos = self.incidents[i].pos;
        let nearest = self
            .model
            .facilities
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind == kind)
            .min_by(|(_, a), (_, b)| a.at.distance(pos).total_cmp(&b.at.distance(pos)));
        let Some((f, facility)) = nearest else {
            self.leave_incident(u);
            return;
        };
        let minutes = self.drive(pos, facility.at, i);
        let unit = &mut self.units[u];
        unit.facility = f as u32;
        unit.phase = Phase::ToFacility;
        self.schedule_unit(u, minutes);
    }

    /// Records how an incident ended (`None`: resolved by phone) and draws whether
    /// the person has another crisis.
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
        let stay = if hospital {
            model.costs.length_of_stay.sample(&mut incident.rng)
        } else {
            0.0
        };
        let again = incident
            .rng
            .random_bool(model.prevention.repeat[d as usize]);
        if incident.measured {
            if let Some(d) = disposition {
                self.rec.dispositions[d as usize] += 1;
            }
            self.rec.closed_without_police += u64::from(!incident.police);
            self.rec.hospitalizations += u64::from(hospital);
            self.rec.inpatient_days += stay / DAY;
        }
        if again {
            let delay = model.prevention.repeat_delay.sample(&mut incident.rng);
            let repeat = repeats::PendingRepeat {
                person: incident.person,
                crisis: incident.crisis + 1,
                zone: incident.zone,
                pos: incident.pos,
            };
            let now = self.sched.now();
            if let Some(at) = self.repeats.push(now + delay, repeat) {
                self.sched.schedule(at, Event::Repeat);
            }
        }
    }

    fn at_facility(&mut self, u: usize) {
        let unit = &mut self.units[u];
        let facility = &self.model.facilities[unit.facility as usize];
        unit.pos = facility.at;
        unit.phase = Phase::Handoff;
        let handoff = facility
            .handoff
            .sample(&mut self.incidents[unit.incident as usize].rng);
        self.schedule_unit(u, handoff);
    }

    /// Driving time without turnout, noise drawn from the incident's stream.
    fn drive(&mut self, from: Point, to: Point, incident: usize) -> Minutes {
        let travel = &self.model.travel;
        let noise = travel
            .noise
            .map_or(1.0, |n| n.sample(&mut self.incidents[incident].rng));
        from.distance(to) * travel.minutes_per_km * noise
    }

    /// The unit is done with its incident and drives home.
    fn leave_incident(&mut self, u: usize) {
        let i = self.units[u].incident as usize;
        let (from, home) = (self.units[u].pos, self.units[u].home);
        let minutes = self.drive(from, home, i);
        self.close_incident_part(i);
        let unit = &mut self.units[u];
        unit.incident = NO_INCIDENT;
        unit.phase = Phase::Returning;
        self.schedule_unit(u, minutes);
    }

    /// One holder of the incident (a request, a unit, the hotline) lets go of it.
    fn close_incident_part(&mut self, i: usize) {
        let incident = &mut self.incidents[i];
        incident.open -= 1;
        if incident.open == 0 {
            self.incidents.remove(i);
        }
    }

    /// The unit finished a job: count it, then it is free (or goes off duty).
    fn release(&mut self, u: usize) {
        let now = self.now();
        let unit = &mut self.units[u];
        unit.pos = unit.home;
        let k = usize::from(unit.kind);
        let kind = &mut self.kinds[k];
        kind.advance(now);
        if now >= self.warmup_end {
            kind.rec.jobs += 1;
            kind.rec.job_minutes += now - unit.busy_since.max(self.warmup_end);
        }
        if unit.on_duty {
            kind.busy_on_duty -= 1;
            self.take_work(u);
        } else {
            kind.overtime -= 1;
            unit.phase = Phase::OffDuty;
        }
    }

    // ---- staffing ----------------------------------------------------------

    /// Brings units on or off duty to match the schedule, drawing absences for the
    /// unit-shifts that start; busy units finish their job first (overtime).
    fn shift_change(&mut self, k: usize) {
        let now = self.now();
        let kind = &self.model.kinds[k];
        let schedule = &kind.schedule;
        let target = schedule.units_at(now) as usize;
        let next = if schedule.steps.len() > 1 {
            Some(schedule.next_change(now))
        } else if kind.absence > 0.0 {
            Some(((now / ROUND_THE_CLOCK_SHIFT).floor() + 1.0) * ROUND_THE_CLOCK_SHIFT)
        } else {
            None
        };
        if let Some(at) = next {
            self.sched.schedule(at, Event::Shift(k as u16));
        }
        self.kinds[k].advance(now);
        self.kinds[k].advance_duty(now);
        let measured = self.measuring();
        let mut on_duty = 0;
        for (index, u) in self.kinds[k].units.clone().enumerate() {
            let state = &mut self.kinds[k];
            let scheduled = index < target;
            let staffed =
                !scheduled || kind.absence == 0.0 || state.staffing.random::<f64>() >= kind.absence;
            if scheduled && measured {
                state.rec.scheduled_shifts += 1;
                state.rec.unstaffed_shifts += u64::from(!staffed);
            }
            let wanted = scheduled && staffed;
            on_duty += u32::from(wanted);
            self.set_on_duty(k, u, wanted);
        }
        self.kinds[k].on_duty = on_duty;
    }

    fn set_on_duty(&mut self, k: usize, u: usize, wanted: bool) {
        let unit = &mut self.units[u];
        if wanted == unit.on_duty {
            return;
        }
        unit.on_duty = wanted;
        let kind = &mut self.kinds[k];
        let busy = !matches!(unit.phase, Phase::Idle | Phase::OffDuty);
        match (wanted, busy) {
            (true, true) => {
                kind.overtime -= 1;
                kind.busy_on_duty += 1;
            }
            (true, false) => self.take_work(u),
            (false, true) => {
                kind.overtime += 1;
                kind.busy_on_duty -= 1;
            }
            (false, false) => {
                unit.phase = Phase::OffDuty;
                if let Some(at) = kind.idle.iter().position(|&x| x as usize == u) {
                    kind.idle.swap_remove(at);
                }
            }
        }
    }

    fn reset_statistics(&mut self) {
        let now = self.now();
        for kind in &mut self.kinds {
            kind.advance(now);
            kind.advance_duty(now);
            kind.rec = record::KindRecord::default();
        }
    }

    fn finish(mut self) -> Record {
        let horizon = self.horizon;
        self.sched.advance_to(horizon);
        for kind in &mut self.kinds {
            kind.advance(horizon);
            kind.advance_duty(horizon);
        }
        for (_, incident) in &self.incidents {
            if incident.measured && !incident.dispatched && !incident.closed {
                self.rec.unserved += 1;
                self.rec.by_call_type[usize::from(incident.call_type)].unserved += 1;
                self.rec.by_zone[usize::from(incident.zone)].unserved += 1;
            }
        }
        self.rec.events = self.sched.processed();
        self.rec.measured_minutes = horizon - self.warmup_end;
        self.rec.kinds = self.kinds.into_iter().map(|k| k.rec).collect();
        self.rec
    }
}

/// Index picked by a uniform draw from unnormalised weights (last positive one on rounding).
fn pick_weighted(weights: &[f64], u: f64) -> usize {
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    let mut last = 0;
    for (i, w) in weights.iter().enumerate() {
        if *w <= 0.0 {
            continue;
        }
        acc += w / total;
        last = i;
        if u < acc {
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
    use crate::kernel::Event as _;

    #[test]
    fn events_survive_encoding() {
        for e in [
            Event::Arrival,
            Event::Background(63),
            Event::Shift(7),
            Event::Fallback(PAYLOAD),
            Event::Unit(123_456),
            Event::WarmupEnd,
            Event::Repeat,
            Event::HotlineShift,
            Event::HotlineDone(9),
            Event::Abandon(11),
            Event::PsychiatryShift,
            Event::ConsultEnd,
        ] {
            assert_eq!(Event::decode(e.encode()), e);
        }
    }

    #[test]
    fn time_is_spread_over_hours_of_day() {
        let mut bins = [0.0; 24];
        spread_by_hour(&mut bins, 30.0, 150.0, 2);
        assert_eq!(&bins[..3], &[60.0, 120.0, 60.0]);
        spread_by_hour(&mut bins, DAY - 30.0, DAY + 30.0, 1);
        assert_eq!((bins[23], bins[0]), (30.0, 90.0));
    }
}
