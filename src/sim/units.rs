//! Units and their steps: `ToScene → OnScene [→ ConsultWait] → [ToFacility →
//! Handoff] → Returning`, or `Background`. A unit has exactly one pending step event
//! while it is busy and none while idle or off duty, so every `Unit` event is live.

use rand::RngExt;
use rand_distr::Distribution;

use super::{Event, NO_INCIDENT, Sim, pick_weighted};
use crate::model::{Disposition, Point, Role};
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
    Handoff,
    Returning,
    Background,
}

#[derive(Clone, Debug)]
pub(super) struct Unit {
    pub kind: u16,
    pub home: Point,
    pub pos: Point,
    pub phase: Phase,
    pub on_duty: bool,
    pub primary: bool,
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
}

impl Unit {
    pub(super) fn new(kind: u16, home: Point) -> Self {
        Unit {
            kind,
            home,
            pos: home,
            phase: Phase::OffDuty,
            on_duty: false,
            primary: false,
            consulted: false,
            incident: NO_INCIDENT,
            facility: 0,
            busy_since: 0.0,
            stepping: false,
            scene_left: 0.0,
            consult_length: 0.0,
            consult_asked: 0.0,
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
            Phase::ToScene => self.on_scene(u),
            Phase::OnScene => self.scene_done(u),
            Phase::ToFacility => self.at_facility(u),
            Phase::Handoff => self.leave_incident(u),
            Phase::Returning | Phase::Background => self.release(u),
            Phase::OffDuty | Phase::Idle | Phase::ConsultWait => {
                unreachable!("unit {u} has no step while {:?}", self.units[u].phase)
            }
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
                let minutes = now - incident.received;
                self.rec.response.record(minutes);
                self.rec
                    .dispatch_wait
                    .record(incident.dispatched_at - incident.received);
                self.rec.by_call_type[ct].response.record(minutes);
                self.rec.by_zone[usize::from(incident.zone)]
                    .response
                    .record(minutes);
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
        match (consult, &model.psychiatry) {
            (true, Some(p)) => {
                unit.consult_length = p.consult_time.sample(rng);
                self.ask_consult(u, scene);
            }
            _ => self.schedule_unit(u, scene),
        }
        if let (true, Some(police)) = (backup, model.backup_kind) {
            self.request_backup(i, police);
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
    pub(super) fn leave_incident(&mut self, u: usize) {
        let i = self.units[u].incident as usize;
        let (from, home) = (self.units[u].pos, self.units[u].home);
        let minutes = self.drive(from, home, i);
        self.close_incident_part(i);
        let unit = &mut self.units[u];
        unit.incident = NO_INCIDENT;
        unit.phase = Phase::Returning;
        self.schedule_unit(u, minutes);
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
}
