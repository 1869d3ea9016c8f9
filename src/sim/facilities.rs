//! Facility places: a unit that brings someone to a facility with a `capacity` gets a
//! place for them, waits for one (first come, first served) or is diverted; the person
//! holds the place for their length of stay. An ED patient who is admitted keeps the
//! ED place (boarding) until an inpatient bed frees. A facility without a capacity
//! takes everyone at once, as the hand-off alone.

use std::collections::VecDeque;

use super::Sim;
use super::event::Event;
use super::units::Phase;
use rand::RngExt;

use crate::model::{FacilityKind, Role, WhenFull};
use crate::rng::{SimRng, Stream, stream};
use crate::time::{HOUR, Minutes, WEEK};

/// The state of one facility's places.
#[derive(Debug)]
pub(super) struct Place {
    in_use: u32,
    /// Units waiting with a person, and since when.
    waiting: VecDeque<(u32, Minutes)>,
    /// For an inpatient unit: ED occupants (slots) waiting for a bed.
    boarders: VecDeque<usize>,
    /// For an ED: its occupants boarding (waiting for an inpatient bed).
    boarding: u32,
    /// When `in_use` and the boarders were last counted into the record.
    counted_to: Minutes,
    /// Its walk-ins' draws: the gap to the next, then each one's stay.
    walk_ins: SimRng,
}

impl Place {
    pub(super) fn new(seed: u64, f: usize) -> Self {
        Place {
            in_use: 0,
            waiting: VecDeque::new(),
            boarders: VecDeque::new(),
            boarding: 0,
            counted_to: 0.0,
            walk_ins: stream(seed, Stream::WalkIns, f as u64),
        }
    }

    /// Units still waiting (for the record at the horizon).
    pub(super) fn waiting(&self) -> usize {
        self.waiting.len()
    }
}

/// A person holding a place.
#[derive(Debug)]
pub(super) struct Occupant {
    facility: u16,
    /// Admitted from the ED: waits for an inpatient bed when the ED stay ends.
    admitted: bool,
    /// The inpatient stay that follows, drawn when the incident closed.
    inpatient_stay: Minutes,
}

impl Sim<'_> {
    /// Counts place-minutes and boarding-minutes of facility `f` up to now, within the
    /// measured period, by hour of the week.
    pub(super) fn count_places(&mut self, f: usize) {
        let now = self.now();
        let place = &mut self.places[f];
        let from = place.counted_to.max(self.warmup_end);
        let (in_use, boarding) = (f64::from(place.in_use), f64::from(place.boarding));
        place.counted_to = now;
        if now <= from {
            return;
        }
        let rec = &mut self.rec.by_facility[f];
        rec.place_minutes += in_use * (now - from);
        let mut t = from;
        while t < now {
            let hour_end = ((t / HOUR).floor() + 1.0) * HOUR;
            let end = hour_end.min(now);
            let hour = ((t.rem_euclid(WEEK)) / HOUR) as usize % 168;
            rec.occupancy_by_hour[hour] += in_use * (end - t);
            t = end;
        }
        rec.boarding_minutes += boarding * (now - from);
    }

    /// Unit `u` reached facility `unit.facility` with its person.
    pub(super) fn reach_facility(&mut self, u: usize) {
        let f = self.units[u].facility as usize;
        let measuring = self.measuring();
        if measuring {
            self.rec.by_facility[f].arrivals += 1;
        }
        let Some(capacity) = &self.model.facilities[f].capacity else {
            if measuring {
                self.rec.by_facility[f].admitted += 1;
                self.rec.facility_waits += 1;
            }
            self.hand_off(u);
            return;
        };
        if self.places[f].in_use < capacity.places {
            self.admit(u, f, self.now());
            return;
        }
        match capacity.when_full {
            WhenFull::Wait => {
                let now = self.now();
                self.units[u].phase = Phase::FacilityWait;
                self.places[f].waiting.push_back((u as u32, now));
            }
            WhenFull::Divert(to) => {
                if measuring {
                    self.rec.by_facility[f].diverted += 1;
                    self.rec.diversions += 1;
                }
                match to {
                    Some(g) => self.drive_to_facility(u, g),
                    None => self.turn_away(u),
                }
            }
        }
    }

    /// A place at `f` is granted to unit `u`'s person, who arrived at `since`.
    fn admit(&mut self, u: usize, f: usize, since: Minutes) {
        self.count_places(f);
        let now = self.now();
        self.places[f].in_use += 1;
        self.units[u].facility_wait += now - since;
        if self.measuring() {
            let rec = &mut self.rec.by_facility[f];
            rec.admitted += 1;
            rec.wait_minutes += now - since;
            self.rec.facility_waits += 1;
            self.rec.facility_wait_minutes += now - since;
        }
        let i = self.units[u].incident as usize;
        let model = self.model;
        let stay = model.facilities[f]
            .capacity
            .as_ref()
            .map_or(0.0, |c| c.length_of_stay.sample(&mut self.incidents[i].rng));
        let admitted = self.incidents[i].hospital
            && model.facilities[f].kind == FacilityKind::EmergencyDepartment
            && model.inpatient.is_some();
        let slot = self.occupants.insert(Occupant {
            facility: f as u16,
            admitted,
            inpatient_stay: self.incidents[i].stay,
        });
        self.occupants.arm(slot);
        self.sched.schedule(now + stay, Event::StayEnd(slot as u32));
        self.hand_off(u);
    }

    /// Schedules facility `f`'s next walk-in, if it takes walk-ins: candidates at the
    /// busiest hour's rate, each kept with its hour's share of that rate (thinning).
    pub(super) fn next_walk_in(&mut self, f: usize) {
        let facility = &self.model.facilities[f];
        let peak = facility.walk_ins_hourly.iter().copied().fold(0.0, f64::max);
        let rate = facility.walk_ins_per_minute * peak;
        if rate <= 0.0 {
            return;
        }
        let mut at = self.now();
        loop {
            let u: f64 = self.places[f].walk_ins.random();
            at -= (1.0 - u).ln() / rate;
            if at >= self.horizon {
                return;
            }
            let hour = ((at / HOUR) as usize) % 24;
            let keep: f64 = self.places[f].walk_ins.random();
            if keep * peak < facility.walk_ins_hourly[hour] {
                self.sched.schedule(at, Event::WalkIn(f as u16));
                return;
            }
        }
    }

    /// A walk-in reaches facility `f`: they take a free place for a stay drawn now, or
    /// are turned away (units waiting with a person come first when a place frees).
    pub(super) fn walk_in(&mut self, f: usize) {
        self.next_walk_in(f);
        let Some(capacity) = &self.model.facilities[f].capacity else {
            return;
        };
        let stay = capacity.length_of_stay.sample(&mut self.places[f].walk_ins);
        let measuring = self.measuring();
        if measuring {
            self.rec.walk_ins += 1;
        }
        if self.places[f].in_use >= capacity.places {
            self.rec.walk_ins_turned_away += u64::from(measuring);
            return;
        }
        self.occupy(f, stay);
    }

    /// Counts the unit's time at facilities (waiting and handing off) once it leaves.
    pub(super) fn leave_facility(&mut self, u: usize) {
        let now = self.now();
        let unit = &self.units[u];
        if self.measuring() {
            let kind = &mut self.kinds[usize::from(unit.kind)].rec;
            kind.facility_wait_minutes += unit.facility_wait;
            kind.facility_minutes += unit.facility_wait + (now - unit.handoff_since);
        }
        self.units[u].facility_wait = 0.0;
        self.leave_incident(u);
    }

    /// The unit hands the person over (its hand-off time, police's own where the
    /// facility has one, then it leaves).
    fn hand_off(&mut self, u: usize) {
        let now = self.now();
        let unit = &mut self.units[u];
        let f = unit.facility as usize;
        unit.phase = Phase::Handoff;
        unit.handoff_since = now;
        let facility = &self.model.facilities[f];
        let police = self.model.kinds[usize::from(unit.kind)].role == Role::Police;
        let handoff = match (&facility.handoff_police, police) {
            (Some(h), true) => h,
            _ => &facility.handoff,
        }
        .sample(&mut self.incidents[unit.incident as usize].rng);
        self.schedule_unit(u, handoff);
    }

    /// Diverted to facility `g`: drive on from here.
    pub(super) fn drive_to_facility(&mut self, u: usize, g: usize) {
        let i = self.units[u].incident as usize;
        let from = self.units[u].pos;
        let minutes = self.drive(from, self.model.facilities[g].at, i);
        let unit = &mut self.units[u];
        unit.facility = g as u32;
        unit.phase = Phase::ToFacility;
        self.schedule_unit(u, minutes);
    }

    /// Full, and nowhere to divert to: the person is not admitted and the call ends
    /// where they are, as resolved on scene.
    fn turn_away(&mut self, u: usize) {
        let i = self.units[u].incident as usize;
        let incident = &self.incidents[i];
        if incident.measured {
            let (tally, from) = (self.incident_tally(i), incident.disposition);
            let to = crate::model::Disposition::ResolvedOnScene;
            self.rec.disposition_moved(tally, from, to);
            let incident = &self.incidents[i];
            if incident.hospital {
                self.rec.hospitalizations -= 1;
                self.rec.inpatient_days -= incident.stay / crate::time::DAY;
            }
        }
        self.leave_incident(u);
    }

    /// A stay ended: the place frees, or an admitted ED patient boards until an
    /// inpatient bed frees.
    pub(super) fn stay_end(&mut self, slot: usize) {
        if !self.occupants.fire(slot) {
            return;
        }
        let Some(o) = self.occupants.get(slot) else {
            return;
        };
        let f = usize::from(o.facility);
        match (o.admitted, self.model.inpatient) {
            (true, Some(h)) => {
                let beds = self.model.facilities[h]
                    .capacity
                    .as_ref()
                    .map_or(u32::MAX, |c| c.places);
                if self.places[h].in_use < beds {
                    let stay = o.inpatient_stay;
                    self.occupants.take(slot);
                    self.free_place(f);
                    self.occupy(h, stay);
                } else {
                    self.count_places(f);
                    self.places[f].boarding += 1;
                    self.places[h].boarders.push_back(slot);
                }
            }
            _ => {
                self.occupants.take(slot);
                self.free_place(f);
            }
        }
    }

    /// A place at `h` (an inpatient bed, or a walk-in's place) is taken for `stay`,
    /// by someone who needs nothing after it.
    fn occupy(&mut self, h: usize, stay: Minutes) {
        self.count_places(h);
        let now = self.now();
        self.places[h].in_use += 1;
        let slot = self.occupants.insert(Occupant {
            facility: h as u16,
            admitted: false,
            inpatient_stay: 0.0,
        });
        self.occupants.arm(slot);
        self.sched.schedule(now + stay, Event::StayEnd(slot as u32));
    }

    /// A place at `f` frees: the first unit waiting there gets it, or (at an inpatient
    /// unit) the first ED boarder moves in and frees their ED place.
    fn free_place(&mut self, f: usize) {
        self.count_places(f);
        self.places[f].in_use -= 1;
        if let Some((u, since)) = self.places[f].waiting.pop_front() {
            self.admit(u as usize, f, since);
            return;
        }
        if let Some(boarder) = self.places[f].boarders.pop_front() {
            let Some(o) = self.occupants.take(boarder) else {
                return;
            };
            let ed = usize::from(o.facility);
            self.count_places(ed);
            self.places[ed].boarding -= 1;
            self.occupy(f, o.inpatient_stay);
            self.free_place(ed);
        }
    }
}
