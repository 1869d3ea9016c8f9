//! Dispatch: requests for a unit, the nearest free acceptable unit, the per-kind
//! queues of requests that found none, and fallback to the next kind in a call
//! type's preference list.
//!
//! A request passes at once over kinds that cannot take it: a kind with no unit on
//! duty, or one that does not serve the incident's zone. A call the call-taker does
//! not recognise (`routed_share`) is never offered to the first kind. A unit is
//! acceptable for a call only if its kind serves the zone and it is within the kind's
//! `max_travel` from where it is now.
//!
//! A waiting request sits in the queue of every kind it accepts; the first of those
//! kinds to free a unit takes it, and the other queues drop their copy lazily (its
//! sequence number no longer matches a live request). Its pending fallback event
//! keeps its slot as a tombstone once it is served (see `slots`).

use std::cmp::Reverse;

use rand::RngExt;
use rand_distr::Distribution;

use super::record::{Arrival, Source};
use super::units::{EnRoute, Phase};
use super::{Event, KindBits, NO_INCIDENT, Sim};
use crate::model::KindId;
use crate::model::Point;
use crate::time::Minutes;

/// A call for a unit: an incident's (first or backup) or a background job.
#[derive(Clone, Copy, Debug)]
pub(super) struct Request {
    pub incident: u32,
    /// Kinds accepted now, as bits.
    pub kinds: u64,
    pub priority: u32,
    /// Order of arrival among all requests of the replication.
    pub seq: u64,
    /// How far down the preference list it has fallen back.
    pub level: u8,
    pub backup: bool,
    /// Sent to take a person on an involuntary hold to a facility.
    pub hold: bool,
    /// One of the units the call type sends together: it stays for the call's scene.
    pub shares_scene: bool,
    /// The background call's first unit: the one its trace row follows.
    pub lead: bool,
    /// Sent by the hotline: falls back through the call type's non-police kinds only.
    pub mobile: bool,
    /// Busy time of a background job, drawn when it arrived.
    pub service: Minutes,
    /// A background job's stream may be preempted by requests of this priority or
    /// more urgent (0: never).
    pub preemptible_by: u32,
}

impl Request {
    /// A first request: it accepts only `kind`, at `priority`.
    fn new(incident: u32, kind: KindId, priority: u32, seq: u64) -> Self {
        Request {
            incident,
            kinds: 1 << kind,
            priority,
            seq,
            level: 0,
            backup: false,
            hold: false,
            shares_scene: false,
            lead: true,
            mobile: false,
            service: 0.0,
            preemptible_by: 0,
        }
    }
}

impl<'m> Sim<'m> {
    fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Sends an incident to dispatch: the call type's kinds, or (from the hotline)
    /// its non-police kinds only. A 911 call is first processed at the dispatch centre
    /// when the scenario has an `[intake]` (the delay drawn from the incident's stream).
    pub(super) fn dispatch_911(&mut self, incident: usize, mobile: bool) {
        let model = self.model;
        let group =
            model.call_types[usize::from(self.incidents[incident].call_type)].priority_group;
        let processing = (model.intake.as_ref()).and_then(|i| i.processing[group].as_ref());
        if let (false, Some(d)) = (mobile, processing) {
            let i = &mut self.incidents[incident];
            let delay = d.sample(&mut i.rng);
            // The call being processed holds the incident.
            i.open += 1;
            i.in_intake = true;
            let at = self.now() + delay;
            self.sched.schedule(at, Event::Intake(incident as u32));
            return;
        }
        self.dispatch_now(incident, mobile);
    }

    /// The call of `incident` has been processed: it is dispatched, unless cancelled.
    pub(super) fn intake_done(&mut self, incident: usize) {
        let i = &mut self.incidents[incident];
        if !i.closed {
            i.in_intake = false;
            self.dispatch_now(incident, false);
        }
        self.close_incident_part(incident);
    }

    /// Requests a unit for `incident` at once.
    fn dispatch_now(&mut self, incident: usize, mobile: bool) {
        let ct = &self.model.call_types[usize::from(self.incidents[incident].call_type)];
        let list = if mobile { &ct.mobile } else { &ct.responders };
        // Drawn for every 911 dispatch, so the incident's later draws stay aligned.
        let routed = mobile || self.incidents[incident].rng.random::<f64>() < ct.routed_share;
        let seq = self.next_seq();
        let mut request = Request {
            mobile,
            ..Request::new(incident as u32, list[0], ct.priority, seq)
        };
        if !routed {
            request.level = 1;
            request.kinds = 1 << list[1];
        }
        self.skip_unavailable(&mut request);
        if let Some(within) = ct.prefer_within {
            self.prefer_within(&mut request, within);
        }
        self.request(request);
    }

    /// With `prefer_within`: when no free unit of the kind the request waits for can
    /// be on scene within `within`, the request accepts the next kind of its list at
    /// once too, and the nearer free unit of the two goes.
    fn prefer_within(&self, r: &mut Request, within: Minutes) {
        let list = self.preference(r);
        let level = usize::from(r.level);
        if level + 1 >= list.len() || self.reaches_within(list[level], r, within) {
            return;
        }
        r.level += 1;
        r.kinds |= 1 << list[level + 1];
        self.skip_unavailable(r);
    }

    /// A free unit of kind `k` that may take the request can be on scene within
    /// `within` (turnout and driving time without noise).
    fn reaches_within(&self, k: KindId, r: &Request, within: Minutes) -> bool {
        let now = self.now();
        let incident = &self.incidents[r.incident as usize];
        let spec = &self.model.kinds[k];
        let travel = &self.model.travel;
        let per_km = travel.to_call_per_km
            [self.model.call_types[usize::from(incident.call_type)].priority_group];
        let free = self.kinds[k].idle.len();
        if !spec.serves_zone(usize::from(incident.zone))
            || spec
                .reserve
                .as_ref()
                .is_some_and(|x| !x.allows(r.priority, free))
        {
            return false;
        }
        let reaches = |from: Point| {
            (self.within_reach(k, from, incident.pos)
                && travel.turnout + from.distance(incident.pos) * per_km <= within)
                .then_some(0.0)
        };
        let position = |u: u32| self.units[u as usize].position(now);
        self.kinds[k].idle.nearest(reaches, position).is_some()
    }

    /// The kind can take a call in `zone` now: it serves the zone and has a unit on duty.
    fn available(&self, k: KindId, zone: usize) -> bool {
        self.kinds[k].on_duty > 0 && self.model.kinds[k].serves_zone(zone)
    }

    /// Moves a request past the kinds that cannot take it, accepting each next kind at
    /// once, down to the last kind of its list. A kind that does not serve the zone is
    /// not accepted at all.
    fn skip_unavailable(&self, r: &mut Request) {
        let list = self.preference(r);
        let zone = usize::from(self.incidents[r.incident as usize].zone);
        while usize::from(r.level) + 1 < list.len() {
            let k = list[usize::from(r.level)];
            if self.available(k, zone) {
                break;
            }
            if !self.model.kinds[k].serves_zone(zone) {
                r.kinds &= !(1 << k);
            }
            r.level += 1;
            r.kinds |= 1 << list[usize::from(r.level)];
        }
    }

    /// Asks the first police kind for backup at an incident, at priority 1.
    pub(super) fn request_backup(&mut self, incident: usize, police: KindId) {
        self.request_second(incident, police, 1, false);
    }

    /// Asks for a unit of kind `k` to take the person of `incident`, on an
    /// involuntary hold, to a facility; it queues at the call type's priority.
    pub(super) fn request_hold_transport(&mut self, incident: usize, k: KindId) {
        let seq = self.next_seq();
        let call_type = usize::from(self.incidents[incident].call_type);
        let request = Request {
            backup: true,
            hold: true,
            ..Request::new(
                incident as u32,
                k,
                self.model.call_types[call_type].priority,
                seq,
            )
        };
        self.request(request);
    }

    /// Asks for a second unit of kind `k` at an incident, at `priority`: it is not the
    /// primary unit (it does not decide the disposition) and does not fall back. One
    /// the call type sends (`shares_scene`) stays for the call's scene; a backup works
    /// its own time.
    fn request_second(&mut self, incident: usize, k: KindId, priority: u32, shares_scene: bool) {
        let seq = self.next_seq();
        let request = Request {
            backup: true,
            shares_scene,
            ..Request::new(incident as u32, k, priority, seq)
        };
        self.request(request);
    }

    pub(super) fn background_arrival(&mut self, b: usize) {
        let source = &mut self.background[b];
        let k = usize::from(source.kind);
        let work = &self.model.kinds[k].background[usize::from(source.work)];
        let at = source.next(self.sched.now(), self.horizon);
        let service = work.service.sample(&mut source.service);
        self.sched
            .set_timer(super::background_timer(b), at, Event::Background(b as u16));
        self.log(Arrival {
            at: self.now(),
            source: Source::Background {
                kind: k as u16,
                service,
            },
        });
        let (priority, preemptible_by) = (work.priority, work.preemptible_by);
        // A call that takes several units asks for each; they are busy together.
        for i in 0..work.units {
            let request = Request {
                service,
                preemptible_by,
                lead: i == 0,
                ..Request::new(NO_INCIDENT, k, priority, self.next_seq())
            };
            if request.lead {
                self.trace_background_arrival(request.seq, b);
            }
            let free = self.kinds[k].idle.len();
            let held = (self.model.kinds[k].reserve.as_ref())
                .is_some_and(|r| !r.allows(request.priority, free));
            let unit = if held { None } else { self.kinds[k].idle.pop() };
            match unit {
                Some(u) => self.assign(u as usize, request),
                None => {
                    self.kinds[k].background_waiting += 1;
                    self.enqueue(request);
                }
            }
        }
    }

    /// Sends the nearest free acceptable unit (or one taken off preemptible work), or
    /// queues the request.
    fn request(&mut self, request: Request) {
        self.incidents[request.incident as usize].open += 1;
        let i = request.incident as usize;
        let unit = self
            .nearest_idle(request.kinds, i, request.priority)
            .or_else(|| self.preempt(request.kinds, i, request.priority));
        match unit {
            Some(u) => self.assign(u, request),
            None => {
                let slot = self.enqueue(request);
                if !request.backup {
                    self.incidents[request.incident as usize].request = Some(slot as u32);
                }
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
        let Some(&r) = self.requests.get(slot) else {
            return;
        };
        if r.backup || usize::from(r.level) + 1 >= self.preference(&r).len() {
            return;
        }
        let ct = &self.model.call_types[usize::from(self.incidents[r.incident as usize].call_type)];
        self.requests.arm(slot);
        self.sched
            .schedule(self.now() + ct.fallback_after, Event::Fallback(slot as u32));
    }

    /// The request in `slot` has waited `fallback_after` at its level: it now also
    /// accepts the next kind in its list.
    pub(super) fn fallback(&mut self, slot: usize) {
        if !self.requests.fire(slot) {
            return; // served before its fallback came due
        }
        let Some(&old) = self.requests.get(slot) else {
            return;
        };
        let mut r = old;
        r.level += 1;
        r.kinds |= 1 << self.preference(&r)[usize::from(r.level)];
        self.skip_unavailable(&mut r);
        if let Some(live) = self.requests.get_mut(slot) {
            *live = r;
        }
        let added = r.kinds & !old.kinds;
        let i = r.incident as usize;
        let unit = self
            .nearest_idle(added, i, r.priority)
            .or_else(|| self.preempt(added, i, r.priority));
        match unit {
            Some(u) => {
                if let Some(request) = self.requests.take(slot) {
                    self.assign(u, request);
                }
            }
            None => {
                for k in KindBits(added) {
                    self.kinds[k]
                        .waiting
                        .push(Reverse((r.priority, r.seq, slot as u32)));
                }
                self.schedule_fallback(slot);
            }
        }
    }

    /// Takes the acceptable idle unit nearest to the incident among `kinds` off its
    /// free list; a kind's reserve keeps its last free units from a less urgent call.
    fn nearest_idle(&mut self, kinds: u64, incident: usize, priority: u32) -> Option<usize> {
        let now = self.now();
        let (pos, zone) = (self.incidents[incident].pos, self.incidents[incident].zone);
        let mut best: Option<(f64, usize, usize)> = None;
        for k in KindBits(kinds) {
            let spec = &self.model.kinds[k];
            let free = self.kinds[k].idle.len();
            if !spec.serves_zone(usize::from(zone))
                || spec
                    .reserve
                    .as_ref()
                    .is_some_and(|r| !r.allows(priority, free))
            {
                continue;
            }
            self.kinds[k].idle.settle(now);
            let measure = |from: Point| {
                self.within_reach(k, from, pos)
                    .then(|| from.distance_squared(pos))
            };
            let position = |u: u32| self.units[u as usize].position(now);
            let Some((d, at)) = self.kinds[k].idle.nearest(measure, position) else {
                continue;
            };
            if best.is_none_or(|(bd, _, _)| d < bd) {
                best = Some((d, k, at));
            }
        }
        best.map(|(_, k, at)| self.kinds[k].idle.swap_remove(at) as usize)
    }

    /// Takes the unit nearest to the incident among `kinds` that is on a background job
    /// a request of `priority` may preempt: the rest of that job is dropped, and the
    /// unit is free for the request. `None` when there is none.
    fn preempt(&mut self, kinds: u64, incident: usize, priority: u32) -> Option<usize> {
        if !self.preemptible {
            return None;
        }
        let now = self.now();
        let (pos, zone) = (self.incidents[incident].pos, self.incidents[incident].zone);
        let mut best: Option<(f64, usize)> = None;
        for k in KindBits(kinds) {
            if !self.model.kinds[k].serves_zone(usize::from(zone)) {
                continue;
            }
            for u in self.kinds[k].units.clone() {
                let unit = &self.units[u];
                let takes = unit.on_duty
                    && unit.phase == Phase::Background
                    && priority <= unit.preemptible_by;
                if !takes || !self.within_reach(k, unit.position(now), pos) {
                    continue;
                }
                let d = unit.position(now).distance_squared(pos);
                if best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, u));
                }
            }
        }
        let (_, u) = best?;
        self.drop_job(u);
        Some(u)
    }

    /// A unit of kind `k` at `from` is within the kind's `max_travel` of `to`
    /// (turnout and driving time without noise).
    fn within_reach(&self, k: KindId, from: Point, to: Point) -> bool {
        self.model.kinds[k].max_travel.is_none_or(|max| {
            let travel = &self.model.travel;
            travel.turnout + from.distance(to) * travel.minutes_per_km <= max
        })
    }

    /// Unit `u` may take the request: a background job, or a call in a zone its kind
    /// serves and within its reach.
    fn acceptable(&self, u: usize, r: &Request) -> bool {
        if r.incident == NO_INCIDENT {
            return true;
        }
        let k = usize::from(self.units[u].kind);
        let incident = &self.incidents[r.incident as usize];
        self.model.kinds[k].serves_zone(usize::from(incident.zone))
            && self.within_reach(k, self.units[u].position(self.now()), incident.pos)
    }

    /// Starts a free unit (already off its free list) on the request.
    fn assign(&mut self, u: usize, request: Request) {
        let now = self.now();
        self.units[u].stop(now);
        let k = usize::from(self.units[u].kind);
        let kind = &mut self.kinds[k];
        kind.advance(now);
        kind.busy_on_duty += 1;
        self.units[u].busy_since = now;
        if request.incident == NO_INCIDENT {
            self.start_job(u, &request);
            return;
        }
        if self.incidents[request.incident as usize].measured {
            kind.rec.crisis_dispatches += 1;
        }
        let call_type = &self.model.call_types
            [usize::from(self.incidents[request.incident as usize].call_type)];
        let sends = call_type.units_sent[k];
        let unit = &mut self.units[u];
        unit.phase = Phase::ToScene;
        unit.incident = request.incident;
        unit.primary = !request.backup;
        unit.hold = request.hold;
        unit.shares_scene = request.shares_scene || (!request.backup && sends > 1);
        unit.consulted = false;
        let incident = &mut self.incidents[request.incident as usize];
        if !request.backup {
            incident.request = None;
            if !incident.dispatched {
                incident.dispatched = true;
                incident.dispatched_at = now;
                if incident.measured {
                    self.rec.dispatched += 1;
                }
            }
        }
        let travel = &self.model.travel;
        let km = unit.pos.distance(incident.pos);
        let noise = travel.noise.map_or(1.0, |n| n.sample(&mut incident.rng));
        let minutes = travel.turnout + km * travel.to_call_per_km[call_type.priority_group] * noise;
        let trip = EnRoute::new(u, unit.pos, now, now + minutes);
        let slot = self.trips.insert(trip);
        if !request.backup {
            incident.trip = Some(slot as u32);
        }
        self.trips.arm(slot);
        incident.units = incident.units.saturating_add(1);
        self.sched
            .schedule(now + minutes, Event::Arrive(slot as u32));
        if !request.backup {
            // The call type sends more than one unit of this kind: the others come as
            // second units at the call's priority.
            for _ in 1..sends {
                self.request_second(request.incident as usize, k, request.priority, true);
            }
        }
    }

    /// A unit became free (on duty and idle): serve the best waiting request it may
    /// take, or wait. Requests out of its reach stay queued for other units.
    pub(super) fn take_work(&mut self, u: usize) {
        let k = usize::from(self.units[u].kind);
        let mut passed = Vec::new();
        let mut found = None;
        while let Some(Reverse(key)) = self.kinds[k].waiting.pop() {
            let (_, seq, slot) = key;
            let Some(r) = self.requests.get(slot as usize).filter(|r| r.seq == seq) else {
                continue; // served, or fallen back and queued again
            };
            if self.acceptable(u, r) {
                // This unit and the free ones: a reserve holds the less urgent calls
                // (the queue's later entries are no more urgent).
                let free = self.kinds[k].idle.len() + 1;
                let reserve = self.model.kinds[k].reserve.as_ref();
                if reserve.is_some_and(|x| !x.allows(r.priority, free)) {
                    passed.push(Reverse(key));
                    break;
                }
                if r.incident == NO_INCIDENT {
                    self.kinds[k].background_waiting -= 1;
                }
                found = self.requests.take(slot as usize);
                break;
            }
            passed.push(Reverse(key));
        }
        self.kinds[k].waiting.extend(passed);
        match found {
            Some(request) => self.assign(u, request),
            None => {
                self.units[u].phase = Phase::Idle;
                let home_at = self.units[u].home_at();
                self.kinds[k].idle.push(u as u32, home_at);
            }
        }
    }
}
