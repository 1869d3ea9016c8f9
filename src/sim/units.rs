//! Units and their steps: `ToScene → OnScene [→ ConsultWait] → [HoldWait, or
//! ToFacility → Handoff]`, or `Background`, or `OutOfService`. A unit has exactly one
//! pending step event while on scene, driving to a facility or handing over, and
//! none while idle, off duty, driving to a scene (a trip with its own `Arrive`
//! event), waiting (for a consult, a place or a hold's transport: whoever ends the
//! wait moves it on), on a background job or out of service (slots with their own
//! `JobDone` and `Break` events, see `spells`), so every `Unit` event is live.
//!
//! A unit that clears is free at once, where it is; while idle it drives home, and
//! if dispatched on the way it leaves from its point on the straight line home at
//! that moment. Both drives are straight-line legs, not events.

use rand::RngExt;
use rand_distr::Distribution;

use super::people::person_stream;
use super::{Event, NO_INCIDENT, Sim, pick_weighted};
use crate::model::groups::{PoliceFactors, speaks, with_arrest_factor};
use crate::model::{Disposition, Point, Role};
use crate::rng::Stream;
use crate::time::Minutes;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    OffDuty,
    Idle,
    ToScene,
    OnScene,
    /// On scene, waiting for a psychiatry consult line.
    ConsultWait,
    ToFacility,
    /// At a full facility, waiting with the person for a place.
    FacilityWait,
    /// On scene with a person on an involuntary hold, waiting for the unit that
    /// will transport them.
    HoldWait,
    Handoff,
    Background,
    /// On duty but out of service (meals, reports, court).
    OutOfService,
}

/// A straight drive from `from`, leaving at `depart` and there at `arrive`; where it
/// goes is known to whoever holds it (the unit's home, or the incident).
#[derive(Clone, Copy, Debug)]
pub(super) struct Leg {
    from: Point,
    depart: Minutes,
    arrive: Minutes,
}

impl Leg {
    /// Where the drive to `to` is at `now`.
    fn at(&self, to: Point, now: Minutes) -> Point {
        if now >= self.arrive {
            return to;
        }
        let f = ((now - self.depart) / (self.arrive - self.depart)).clamp(0.0, 1.0);
        Point {
            x: self.from.x + f * (to.x - self.from.x),
            y: self.from.y + f * (to.y - self.from.y),
        }
    }
}

/// A unit driving to a scene.
#[derive(Clone, Copy, Debug)]
pub(super) struct EnRoute {
    unit: u32,
    leg: Leg,
}

impl EnRoute {
    pub(super) fn new(unit: usize, from: Point, depart: Minutes, arrive: Minutes) -> Self {
        EnRoute {
            unit: unit as u32,
            leg: Leg {
                from,
                depart,
                arrive,
            },
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct Unit {
    pub kind: u16,
    pub home: Point,
    /// Where the unit is, or where its drive home started.
    pub pos: Point,
    /// The drive home under way, if any.
    trip: Option<Leg>,
    pub phase: Phase,
    pub on_duty: bool,
    pub primary: bool,
    /// Sent to transport a person on an involuntary hold.
    pub hold: bool,
    pub consulted: bool,
    pub incident: u32,
    pub facility: u32,
    pub busy_since: Minutes,
    /// Its step event is pending.
    pub stepping: bool,
    /// Scene minutes still to work once a consult (or the wait for one) ends.
    pub scene_left: Minutes,
    /// Length of the consult it asked for, drawn when it asked.
    pub consult_length: Minutes,
    pub consult_asked: Minutes,
    /// Minutes waited for a facility place on the current incident.
    pub facility_wait: Minutes,
    /// When the current hand-off began.
    pub handoff_since: Minutes,
    /// Its background job may be taken over by requests of this priority or more
    /// urgent (0: never).
    pub preemptible_by: u32,
    /// The slot of its background job's end, while on one.
    pub job: Option<u32>,
    /// Its background job's row in the trace, when one is kept.
    pub job_trace: Option<usize>,
    /// One of several units the call type sends: it stays for the call's scene.
    pub shares_scene: bool,
    /// The slot of its pending out-of-service event (a spell's start or end).
    pub brk: Option<u32>,
    /// A spell came due while it was busy: it takes it when it clears.
    pub spell_due: bool,
}

impl Unit {
    pub(super) fn new(kind: u16, home: Point) -> Self {
        Unit {
            kind,
            home,
            pos: home,
            trip: None,
            phase: Phase::OffDuty,
            on_duty: false,
            primary: false,
            hold: false,
            consulted: false,
            incident: NO_INCIDENT,
            facility: 0,
            busy_since: 0.0,
            stepping: false,
            scene_left: 0.0,
            consult_length: 0.0,
            consult_asked: 0.0,
            facility_wait: 0.0,
            handoff_since: 0.0,
            preemptible_by: 0,
            job: None,
            job_trace: None,
            brk: None,
            spell_due: false,
            shares_scene: false,
        }
    }

    /// Where the unit is at `now`: on its straight line home while driving there.
    pub(super) fn position(&self, now: Minutes) -> Point {
        match self.trip {
            Some(leg) => leg.at(self.home, now),
            None => self.pos,
        }
    }

    /// When the unit is at its home: minus infinity if it is there, infinity if it is
    /// away and not driving there.
    pub(super) fn home_at(&self) -> Minutes {
        match self.trip {
            Some(leg) => leg.arrive,
            None if self.pos == self.home => f64::NEG_INFINITY,
            None => f64::INFINITY,
        }
    }

    /// Ends the drive home where the unit is at `now`.
    pub(super) fn stop(&mut self, now: Minutes) {
        self.pos = self.position(now);
        self.trip = None;
    }

    /// Starts the drive home, taking `minutes`.
    pub(super) fn head_home(&mut self, now: Minutes, minutes: Minutes) {
        self.trip = (minutes > 0.0).then_some(Leg {
            from: self.pos,
            depart: now,
            arrive: now + minutes,
        });
        if self.trip.is_none() {
            self.pos = self.home;
        }
    }
}

impl Sim<'_> {
    /// Schedules the unit's next step.
    pub(super) fn schedule_unit(&mut self, u: usize, delay: Minutes) {
        let unit = &mut self.units[u];
        debug_assert!(!unit.stepping, "unit {u} already has a pending step");
        unit.stepping = true;
        self.sched
            .schedule(self.sched.now() + delay, Event::Unit(u as u32));
    }

    pub(super) fn unit_step(&mut self, u: usize) {
        debug_assert!(
            self.units[u].stepping,
            "unit {u} stepped without a pending step"
        );
        self.units[u].stepping = false;
        match self.units[u].phase {
            Phase::OnScene => self.scene_done(u),
            Phase::ToFacility => self.at_facility(u),
            Phase::Handoff => self.leave_facility(u),
            Phase::OffDuty
            | Phase::Idle
            | Phase::ConsultWait
            | Phase::FacilityWait
            | Phase::HoldWait
            | Phase::ToScene
            | Phase::Background
            | Phase::OutOfService => {
                unreachable!("unit {u} has no step while {:?}", self.units[u].phase)
            }
        }
    }

    /// The trip in `slot` ends at the scene, unless the call was cancelled on the way.
    pub(super) fn arrive(&mut self, slot: usize) {
        if !self.trips.fire(slot) {
            return; // cancelled: the unit turned back
        }
        let Some(trip) = self.trips.take(slot) else {
            return;
        };
        let u = trip.unit as usize;
        let incident = &mut self.incidents[self.units[u].incident as usize];
        if incident.trip == Some(slot as u32) {
            incident.trip = None;
        }
        self.on_scene(u);
    }

    /// The call of incident `i` was cancelled while this trip was on its way: the
    /// unit stops where it is, is free at once and drives home.
    pub(super) fn turn_back(&mut self, trip: EnRoute, i: usize) {
        let now = self.now();
        let u = trip.unit as usize;
        let at = trip.leg.at(self.incidents[i].pos, now);
        let minutes = self.drive(at, self.units[u].home, i);
        self.close_incident_part(i);
        let unit = &mut self.units[u];
        unit.pos = at;
        unit.incident = NO_INCIDENT;
        unit.head_home(now, minutes);
        self.release(u);
    }

    fn on_scene(&mut self, u: usize) {
        let now = self.now();
        let model = self.model;
        let (k, i) = (
            usize::from(self.units[u].kind),
            self.units[u].incident as usize,
        );
        self.units[u].pos = self.incidents[i].pos;
        self.units[u].phase = Phase::OnScene;
        if self.units[u].hold {
            self.take_hold(u);
            return;
        }
        let ct = usize::from(self.incidents[i].call_type);
        let Some(response) = model.call_types[ct].by_kind[k].as_ref() else {
            self.leave_incident(u);
            return;
        };
        // The response ends when someone on scene can speak with the person.
        let mut interpreting = 0.0;
        if !self.incidents[i].arrived {
            interpreting = self.interpreter_wait(u, i);
            self.first_arrival(i, k, now + interpreting);
        }
        self.count_reach(i, k);
        let measured = self.incidents[i].measured;
        let tally = self.incident_tally(i);
        let unit = &mut self.units[u];
        let primary = unit.primary;
        let incident = &mut self.incidents[i];
        let police = match model.kinds[k].role {
            Role::Police => model.groups.police(usize::from(incident.group)),
            _ => PoliceFactors::NONE,
        };
        let rng = &mut incident.rng;
        let force = rng.random_bool((response.use_of_force * police.use_of_force).min(1.0));
        let injury = rng.random_bool((response.injury * police.injury).min(1.0));
        let backup = primary && rng.random_bool(response.backup);
        let consult = primary && rng.random_bool(response.consult);
        // Units the call type sends together work one scene, started by the first
        // to arrive; a later one stays until it ends.
        let scene = match (unit.shares_scene, incident.scene_end) {
            (true, Some(end)) => (end - now).max(0.0),
            (true, None) => {
                let scene = interpreting + response.on_scene.sample(rng);
                incident.scene_end = Some(now + scene);
                scene
            }
            (false, _) => interpreting + response.on_scene.sample(rng),
        };
        if measured {
            self.rec.use_of_force += u64::from(force);
            self.rec.injuries += u64::from(injury);
            self.rec.backup_requests += u64::from(backup);
        }
        if measured && (force || injury) {
            self.rec.tallies(tally).for_each(|g| {
                g.use_of_force += u64::from(force);
                g.injuries += u64::from(injury);
            });
        }
        match (consult, &model.psychiatry) {
            (true, Some(p)) if now >= p.from => {
                unit.consult_length = p.consult_time.sample(rng);
                self.ask_consult(u, scene);
            }
            _ => self.schedule_unit(u, scene),
        }
        if let (true, Some(police)) = (backup, model.backup_kind) {
            self.request_backup(i, police);
        }
    }

    /// Minutes unit `u`, first on scene at incident `i`, waits for an interpreter: none
    /// unless the person needs one and no one in the unit speaks their language.
    fn interpreter_wait(&self, u: usize, i: usize) -> Minutes {
        let incident = &self.incidents[i];
        if !incident.interpreter {
            return 0.0;
        }
        let groups = &self.model.groups;
        let Some(need) = groups.interpreter[usize::from(incident.group)].as_ref() else {
            return 0.0;
        };
        let k = usize::from(self.units[u].kind);
        let staff = &self.model.kinds[k].staff;
        let share = staff.languages.get(need.language).copied().unwrap_or(0.0);
        let index = u - self.kinds[k].units.start;
        if speaks(share, staff.staff_per_unit, index) {
            return 0.0;
        }
        let mut rng = person_stream(
            self.seed,
            Stream::Groups,
            incident.person.number,
            incident.crisis,
        );
        need.delay.sample(&mut rng)
    }

    /// The first unit, of kind `k`, reached incident `i`: the response ends at
    /// `contact`, and the crisis may have escalated while it waited.
    fn first_arrival(&mut self, i: usize, k: usize, contact: Minutes) {
        let now = contact;
        let model = self.model;
        let incident = &mut self.incidents[i];
        let (ct, measured) = (usize::from(incident.call_type), incident.measured);
        incident.arrived = true;
        incident.arrived_at = now;
        incident.first_kind = k as u16;
        let rate = model.call_types[ct].escalation_per_hour;
        // An induced call is no crisis: nothing of it escalates.
        if rate > 0.0 && !incident.induced {
            let waited = (now - incident.first_contact) / 60.0;
            let mut rng = person_stream(
                self.seed,
                Stream::Escalation,
                incident.person.number,
                incident.crisis,
            );
            let u: f64 = rng.random();
            incident.escalated = u < 1.0 - (-rate * waited).exp();
            if measured && incident.escalated {
                self.rec.escalations += 1;
            }
        }
        if measured {
            let minutes = now - incident.first_contact;
            let wait = incident.dispatched_at - incident.received;
            let tally = self.incident_tally(i);
            self.rec.incident_reached(tally, k, minutes, wait);
        }
    }

    /// Kind `k` reached incident `i`: counts the kind's call and police involvement,
    /// once per incident each.
    pub(super) fn count_reach(&mut self, i: usize, k: usize) {
        let model = self.model;
        let incident = &mut self.incidents[i];
        let measured = incident.measured;
        if incident.reached & (1 << k) == 0 {
            incident.reached |= 1 << k;
            if measured || incident.induced_measured {
                self.kinds[k].rec.calls += 1;
            }
        }
        if model.kinds[k].role == Role::Police && !incident.police {
            incident.police = true;
            if measured {
                self.rec.police_involved += 1;
                let tally = self.incident_tally(i);
                self.rec.tallies(tally).for_each(|g| g.police_involved += 1);
            }
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
        let mut outcomes = ct.by_kind[k]
            .as_ref()
            .map_or([1.0, 0.0, 0.0, 0.0, 0.0], |r| {
                if unit.consulted {
                    r.outcomes_with_consult
                } else {
                    r.outcomes
                }
            });
        if self.model.kinds[k].role == Role::Police {
            let factor = self.model.groups.police(usize::from(incident.group)).arrest;
            outcomes = with_arrest_factor(outcomes, factor);
        }
        let u_outcome: f64 = self.incidents[i].rng.random();
        let disposition = if self.incidents[i].escalated {
            Disposition::EmergencyDepartment
        } else {
            Disposition::ALL[pick_weighted(&outcomes, u_outcome)]
        };
        self.close(i, Some(disposition));
        let Some(kind) = disposition.facility() else {
            self.leave_incident(u);
            return;
        };
        let hold = self.draw_hold(i, kind);
        let Some(f) = self.destination(kind, self.incidents[i].pos, hold) else {
            self.leave_incident(u);
            return;
        };
        match self.model.call_types[usize::from(self.incidents[i].call_type)].holds {
            Some(h) if hold && h.transport != k => self.hold_for_transport(u, f, h.transport),
            _ => self.drive_to_facility(u, f),
        }
    }

    fn at_facility(&mut self, u: usize) {
        let unit = &mut self.units[u];
        unit.pos = self.model.facilities[unit.facility as usize].at;
        self.reach_facility(u);
    }

    /// Driving time without turnout, noise drawn from the incident's stream.
    pub(super) fn drive(&mut self, from: Point, to: Point, incident: usize) -> Minutes {
        let travel = &self.model.travel;
        let noise = travel
            .noise
            .map_or(1.0, |n| n.sample(&mut self.incidents[incident].rng));
        from.distance(to) * travel.minutes_per_km * noise
    }

    /// The unit is done with its incident: it is free at once and drives home.
    pub(super) fn leave_incident(&mut self, u: usize) {
        let now = self.now();
        let i = self.units[u].incident as usize;
        let (from, home) = (self.units[u].pos, self.units[u].home);
        let minutes = self.drive(from, home, i);
        self.close_incident_part(i);
        let unit = &mut self.units[u];
        unit.incident = NO_INCIDENT;
        unit.head_home(now, minutes);
        self.release(u);
    }

    /// The unit finished a job: count it, then it is free (or goes off duty, or out of
    /// service when a spell came due while it was busy).
    pub(super) fn release(&mut self, u: usize) {
        let now = self.now();
        let measuring = self.measuring();
        let minutes_per_km = self.model.travel.minutes_per_km;
        let unit = &mut self.units[u];
        if unit.phase == Phase::Background && unit.pos != unit.home {
            // A background job does not move the unit; it heads home from where it was.
            let minutes = unit.pos.distance(unit.home) * minutes_per_km;
            unit.head_home(now, minutes);
        }
        let k = usize::from(unit.kind);
        let kind = &mut self.kinds[k];
        kind.advance(now);
        if measuring {
            let minutes = now - unit.busy_since.max(self.warmup_end);
            kind.rec.jobs += 1;
            kind.rec.job_minutes += minutes;
            if unit.phase != Phase::Background {
                kind.rec.crisis_minutes += minutes;
            }
        }
        if unit.on_duty && unit.spell_due {
            // Still busy: straight into the spell that came due.
            self.begin_spell(u);
        } else if unit.on_duty {
            kind.busy_on_duty -= 1;
            self.take_work(u);
        } else {
            kind.overtime -= 1;
            unit.phase = Phase::OffDuty;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_on_its_way_home_is_on_the_straight_line() {
        let home = Point { x: 0.0, y: 0.0 };
        let mut unit = Unit::new(0, home);
        unit.pos = Point { x: 12.0, y: -9.0 }; // 15 km from home
        unit.head_home(100.0, 30.0); // home at minute 130
        assert_eq!(unit.position(100.0), Point { x: 12.0, y: -9.0 });
        assert_eq!(unit.position(110.0), Point { x: 8.0, y: -6.0 }); // a third of the way
        assert_eq!(unit.position(130.0), home);
        assert_eq!(unit.position(500.0), home);
        unit.stop(120.0); // dispatched two thirds of the way home
        assert_eq!(unit.pos, Point { x: 4.0, y: -3.0 });
        assert_eq!(unit.position(200.0), Point { x: 4.0, y: -3.0 });
        unit.head_home(200.0, 0.0);
        assert_eq!(unit.position(200.0), home);
    }
}
