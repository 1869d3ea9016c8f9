//! People across their crises: each one's risk class, the time of their last crisis,
//! their crises in the measured period, and follow-up care: the places case managers
//! have, who holds one until when, and who waits for one. A person's draws come from
//! streams of their own (`People` for the class, `FollowUp` for what follows each
//! crisis, `Custody` for time in jail), so adding classes, follow-up or custody
//! changes no crisis's own draws.

use std::collections::VecDeque;

use rand::RngExt;
use slab::Slab;

use super::{Event, Sim};
use crate::model::{Disposition, Point};
use crate::rng::{Stream, stream};
use crate::time::{DAY, Minutes};

/// No person (an induced call's, which is no crisis of anyone's).
pub(super) const NO_PERSON: u32 = u32::MAX;

/// A person as the simulation finds them: their number, which names their random
/// substreams, and their slot in `People::known` (`NO_PERSON` while not known there;
/// checked against the number, as a slot is reused once its person leaves).
#[derive(Clone, Copy, Debug)]
pub(super) struct Someone {
    pub number: u64,
    pub slot: u32,
}

impl Someone {
    /// Person `number`, not yet known.
    pub(super) fn new(number: u64) -> Self {
        Someone {
            number,
            slot: NO_PERSON,
        }
    }
}

/// A person's next crisis, waiting for its time.
#[derive(Clone, Copy, Debug)]
pub(super) struct PendingRepeat {
    /// A pending repeat keeps its person in `People::known`.
    pub person: Someone,
    pub crisis: u32,
    pub zone: u16,
    pub pos: Point,
    /// The call type of the crisis that set it.
    pub call_type: u16,
    /// The uniform number that decides whether follow-up care prevents it.
    pub follow_up_draw: f64,
}

/// What the simulation keeps of a person.
#[derive(Clone, Copy, Debug)]
pub(super) struct Person {
    /// Their number, which names their random substreams.
    pub number: u64,
    /// Risk class (index into `model.people.classes`).
    pub class: u8,
    /// Population group (index into `model.groups.names`; 0 without groups).
    pub group: u8,
    /// They need an interpreter.
    pub interpreter: bool,
    /// When their last crisis arrived.
    pub last: Minutes,
    /// Their crises that arrived in the measured period.
    pub measured: u32,
    /// When their follow-up enrolment ends (−∞: never enrolled).
    pub enrolled_until: Minutes,
    /// A next crisis is set for them (at most one at a time: each crisis sets at most
    /// one, once it has ended).
    pub pending: bool,
    /// Their incidents still open (a transport may outlast the next crisis's start).
    pub open: u16,
}

impl Person {
    /// Person `number`, of risk class `class`, whose last crisis came at `last`.
    pub(super) fn new(number: u64, class: u8, last: Minutes) -> Self {
        Person {
            number,
            class,
            group: 0,
            interpreter: false,
            last,
            measured: 0,
            enrolled_until: f64::NEG_INFINITY,
            pending: false,
            open: 0,
        }
    }
}

/// Someone referred, waiting for a follow-up place.
#[derive(Clone, Copy, Debug)]
struct Waiting {
    /// They may have left `People::known` since they were referred.
    person: Someone,
    since: Minutes,
    /// Referred in the measured period.
    measured: bool,
    /// Their enrolment's length, drawn at the referral.
    enrolment: Minutes,
}

/// Everyone who may still have a crisis, the crises of those who no longer can, and
/// the follow-up places. A person with no open incident and no next crisis set will
/// never have another, so they leave `known` and only the count of people with as many
/// crises grows: memory grows with the people in a crisis at once, not with everyone
/// ever in one.
pub(super) struct People {
    /// By slot: each incident and pending repeat of a person carries their slot, so
    /// finding them takes no hashing (their number is checked, as a slot is reused).
    pub known: Slab<Person>,
    /// The people who left `known` by their crises in the measured period (entry k:
    /// those with exactly k), so memory does not grow with everyone ever in crisis.
    done: Vec<u64>,
    enrolled: u32,
    waiting: VecDeque<Waiting>,
    /// When `enrolled` last changed (for its time integral).
    since: Minutes,
}

impl People {
    pub(super) fn new() -> Self {
        People {
            known: Slab::new(),
            done: Vec::new(),
            enrolled: 0,
            waiting: VecDeque::new(),
            since: 0.0,
        }
    }

    /// What is kept of `someone`, if they are still known.
    pub(super) fn get(&self, someone: Someone) -> Option<&Person> {
        (self.known.get(someone.slot as usize)).filter(|p| p.number == someone.number)
    }

    /// What is kept of `someone`, if they are still known.
    pub(super) fn get_mut(&mut self, someone: Someone) -> Option<&mut Person> {
        (self.known.get_mut(someone.slot as usize)).filter(|p| p.number == someone.number)
    }
}

/// Counts one more person with `crises` crises in `counts` (index: crises).
fn count_person(counts: &mut Vec<u64>, crises: u32) {
    let k = crises as usize;
    if counts.len() <= k {
        counts.resize(k + 1, 0);
    }
    counts[k] += 1;
}

/// The substream of a person's `crisis`-th crisis in `s`.
pub(super) fn person_stream(seed: u64, s: Stream, person: u64, crisis: u32) -> crate::rng::SimRng {
    stream(seed, s, person | (u64::from(crisis) << 48))
}

/// The risk class of `person`, drawn from their own substream.
pub(super) fn class_of(people: &crate::model::People, seed: u64, person: u64) -> u8 {
    if !people.classes_differ() {
        return 0;
    }
    let u: f64 = stream(seed, Stream::People, person).random();
    people.class_of(u) as u8
}

/// The population group of `person`, whose first crisis is in `zone`, and whether they
/// need an interpreter, drawn from their own substream (nothing without groups).
pub(super) fn group_of(
    groups: &crate::model::groups::Groups,
    seed: u64,
    person: u64,
    zone: usize,
) -> (u8, bool) {
    if !groups.any() {
        return (0, false);
    }
    let mut rng = stream(seed, Stream::Groups, person);
    let group = groups.group_of(zone, rng.random());
    let need = groups.interpreter[group].as_ref().map_or(0.0, |n| n.share);
    (group as u8, rng.random::<f64>() < need)
}

/// What a crisis knows of its person.
#[derive(Clone, Copy, Debug)]
pub(super) struct Who {
    pub class: u8,
    pub group: u8,
    pub interpreter: bool,
}

impl Sim<'_> {
    /// The `crisis`-th crisis of `someone` (0 the first) arrived in `zone`: draws a
    /// first crisis's risk class and group, and counts repeats within 30 and 365 days.
    /// Returns them as now known.
    pub(super) fn person_crisis(
        &mut self,
        someone: Someone,
        crisis: u32,
        zone: usize,
    ) -> (Someone, Who) {
        let now = self.now();
        let measured = self.measuring();
        let (model, seed) = (self.model, self.seed);
        let person = someone.number;
        let slot = match self.people.get(someone) {
            Some(_) => someone.slot,
            None => {
                let class = class_of(&model.people, seed, person);
                let mut p = Person::new(person, class, f64::NEG_INFINITY);
                (p.group, p.interpreter) = group_of(&model.groups, seed, person, zone);
                self.people.known.insert(p) as u32
            }
        };
        let entry = &mut self.people.known[slot as usize];
        entry.open += 1;
        if measured {
            entry.measured += 1;
            if crisis > 0 {
                let gap = now - entry.last;
                self.rec.repeats_within_30d += u64::from(gap <= 30.0 * DAY);
                self.rec.repeats_within_365d += u64::from(gap <= 365.0 * DAY);
            }
        }
        entry.last = now;
        let who = Who {
            class: entry.class,
            group: entry.group,
            interpreter: entry.interpreter,
        };
        (
            Someone {
                number: person,
                slot,
            },
            who,
        )
    }

    /// A next crisis of `someone` was set.
    pub(super) fn repeat_pending(&mut self, someone: Someone) {
        if let Some(p) = self.people.get_mut(someone) {
            p.pending = true;
        }
    }

    /// The next crisis of `someone` fell due.
    pub(super) fn repeat_due(&mut self, someone: Someone) {
        if let Some(p) = self.people.get_mut(someone) {
            p.pending = false;
        }
    }

    /// An incident of `person` ended.
    pub(super) fn incident_of_person_ended(&mut self, person: Someone) {
        self.let_go(person, 1);
    }

    /// With no incident open and no next crisis set, `person` will have no other
    /// crisis: only their count is kept.
    pub(super) fn person_done(&mut self, person: Someone) {
        self.let_go(person, 0);
    }

    /// `ended` incidents of `person` closed; if that leaves them with none open and no
    /// next crisis set, they leave `known`.
    fn let_go(&mut self, person: Someone, ended: u16) {
        let people = &mut self.people;
        let Some(p) = people.get_mut(person) else {
            return;
        };
        p.open = p.open.saturating_sub(ended);
        if !p.pending && p.open == 0 {
            let measured = people.known.remove(person.slot as usize).measured;
            if measured > 0 {
                count_person(&mut people.done, measured);
            }
        }
    }

    /// The repeat chance of incident `i`'s person after disposition `d`, with their
    /// class's factor.
    pub(super) fn repeat_chance(&self, i: usize, p: f64) -> f64 {
        let class = self.incidents[i].class;
        self.model.people.chance(p, usize::from(class))
    }

    /// Minutes the person of incident `i` is out of the community after it (in
    /// hospital, or in custody after an arrest), when no crisis can start.
    pub(super) fn time_away(&self, i: usize) -> Minutes {
        let incident = &self.incidents[i];
        if !self.model.people.time_away {
            return 0.0;
        }
        let custody = match (&self.model.people.jail_stay, incident.disposition) {
            (Some(stay), Disposition::Arrest) => {
                let mut rng = person_stream(
                    self.seed,
                    Stream::Custody,
                    incident.person.number,
                    incident.crisis,
                );
                stay.sample(&mut rng)
            }
            _ => 0.0,
        };
        incident.stay + custody
    }

    /// Incident `i` ended in a referral: if its person takes follow-up up, they are
    /// enrolled when a place is free, or wait for one.
    pub(super) fn refer(&mut self, i: usize) {
        let Some(f) = &self.model.follow_up else {
            return;
        };
        let incident = &self.incidents[i];
        let (person, measured) = (incident.person, incident.measured);
        let mut rng = person_stream(self.seed, Stream::FollowUp, person.number, incident.crisis);
        let takes_up = rng.random::<f64>() < f.engagement;
        let enrolment = f.enrolment.sample(&mut rng);
        if !takes_up {
            return;
        }
        let now = self.now();
        if measured {
            self.rec.follow_up_sought += 1;
        }
        let waiting = Waiting {
            person,
            since: now,
            measured,
            enrolment,
        };
        if self.people.enrolled < f.places {
            self.enrol(waiting);
        } else if f.max_wait > 0.0 {
            self.people.waiting.push_back(waiting);
        } else if measured {
            self.rec.follow_up_lost += 1;
        }
    }

    fn enrol(&mut self, w: Waiting) {
        let now = self.now();
        self.count_enrolled();
        self.people.enrolled += 1;
        if w.measured {
            self.rec.follow_up_enrolled += 1;
            self.rec.follow_up_wait_minutes += now - w.since;
        }
        if let Some(p) = self.people.get_mut(w.person) {
            p.enrolled_until = p.enrolled_until.max(now + w.enrolment);
        }
        self.sched.schedule(now + w.enrolment, Event::FollowUpEnd);
    }

    /// An enrolment ended: its place goes to the longest waiter still within
    /// `max_wait`; those past it are lost.
    pub(super) fn follow_up_end(&mut self) {
        let Some(f) = &self.model.follow_up else {
            return;
        };
        let max_wait = f.max_wait;
        self.count_enrolled();
        self.people.enrolled -= 1;
        let now = self.now();
        while let Some(w) = self.people.waiting.pop_front() {
            if now - w.since <= max_wait {
                self.enrol(w);
                return;
            }
            self.rec.follow_up_lost += u64::from(w.measured);
        }
    }

    /// Adds the places held since the last change to the measured integral.
    pub(super) fn count_enrolled(&mut self) {
        let now = self.now();
        let from = self.people.since.max(self.warmup_end);
        if now > from {
            self.rec.follow_up_place_minutes += f64::from(self.people.enrolled) * (now - from);
        }
        self.people.since = now;
    }

    /// A repeat crisis of an enrolled (or discharged) person is prevented with the
    /// follow-up's effect (or its `after`), by a draw made when it was set.
    pub(super) fn prevented_by_follow_up(&self, r: &PendingRepeat) -> bool {
        let (Some(f), Some(p)) = (&self.model.follow_up, self.people.get(r.person)) else {
            return false;
        };
        let effect = if self.now() < p.enrolled_until {
            f.effect
        } else if p.enrolled_until > f64::NEG_INFINITY {
            f.after
        } else {
            0.0
        };
        r.follow_up_draw < effect
    }

    /// The people figures at the horizon: those with a measured crisis, their crises by
    /// person, and the referrals still waiting past their `max_wait`.
    pub(super) fn finish_people(&mut self) {
        self.count_enrolled();
        let now = self.now();
        if let Some(f) = &self.model.follow_up {
            let expired = self.people.waiting.iter();
            let lost = expired.filter(|w| w.measured && now - w.since > f.max_wait);
            self.rec.follow_up_lost += lost.count() as u64;
        }
        let mut counts = std::mem::take(&mut self.people.done);
        for (_, p) in self.people.known.iter().filter(|(_, p)| p.measured > 0) {
            count_person(&mut counts, p.measured);
        }
        self.rec.people_by_crises = counts;
    }

    /// The call type of repeat `r`: the person's last with chance `usual_call_type`
    /// (drawn from their own stream, so the incident's draws stay aligned), else the
    /// one `drawn` afresh.
    pub(super) fn repeat_call_type(&self, r: &PendingRepeat, drawn: usize) -> usize {
        let usual = self.model.people.usual_call_type;
        if usual <= 0.0 {
            return drawn;
        }
        let u: f64 = person_stream(self.seed, Stream::People, r.person.number, r.crisis).random();
        if u < usual {
            usize::from(r.call_type)
        } else {
            drawn
        }
    }

    /// The uniform number that decides whether follow-up prevents the repeat set after
    /// the `crisis`-th crisis of `person`.
    pub(super) fn follow_up_draw(&self, person: u64, crisis: u32) -> f64 {
        if self.model.follow_up.is_none() {
            return 1.0;
        }
        // A substream apart from the referral's (the top bit set), so the number of
        // draws its enrolment takes does not move this one.
        let sub = person | (u64::from(crisis) << 48) | (1 << 63);
        stream(self.seed, Stream::FollowUp, sub).random()
    }
}
