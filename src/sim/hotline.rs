//! The 988 hotline: counselors on a schedule answer callers in order of arrival;
//! callers hang up when their patience runs out. An answered call is resolved by
//! phone (at its call type's share, or the line's), sent a mobile team, or passed to
//! 911. A caller who hung up calls 911 (after `redial_delay`) or is left unresolved,
//! with the line's `unresolved_repeat` chance of another crisis: no crisis leaves the
//! line without an outcome. The response time of a crisis handed on still runs from
//! when it reached the line.
//!
//! A caller's patience and handle time are drawn from the incident's own stream when
//! the call arrives, whether or not they are needed, so staffing never shifts them.
//! The line's ordinary contacts (people who would never have called 911) arrive as a
//! Poisson stream of their own, with their gaps, patience and handle times from the
//! `HotlineContacts` stream; they take counselors' time and then end.

use rand::RngExt;

use super::record::{Arrival, Source};
use super::servers::Servers;
use super::slots::Slots;
use super::{Event, Sim};
use crate::rng::{SimRng, Stream, stream};
use crate::time::Minutes;

/// The caller is an ordinary contact, not an incident.
const CONTACT: u32 = u32::MAX;

/// Counselors, and the callers waiting for one.
pub(super) struct Line {
    counselors: Servers,
    callers: Slots<Caller>,
    contacts: SimRng,
}

struct Caller {
    incident: u32,
    since: Minutes,
    handle: Minutes,
    seq: u64,
    /// It arrived in the measured period.
    measured: bool,
}

impl Line {
    pub(super) fn new(seed: u64) -> Self {
        Line {
            counselors: Servers::new(),
            callers: Slots::new(),
            contacts: stream(seed, Stream::HotlineContacts, 0),
        }
    }
}

impl Sim<'_> {
    pub(super) fn hotline_shift(&mut self) {
        let Some(hotline) = &self.model.hotline else {
            return;
        };
        if let Some(at) =
            self.hotline
                .counselors
                .restaff(&hotline.schedule, hotline.from, self.now())
        {
            self.sched.schedule(at, Event::HotlineShift);
        }
        self.answer_waiting();
    }

    /// Draws when the next ordinary contact arrives (from when the line opens), if it
    /// has a contact load and that falls before the horizon.
    pub(super) fn next_hotline_contact(&mut self) {
        let Some(contacts) = self.model.hotline.as_ref().and_then(|h| {
            let c = h.contacts.as_ref()?;
            Some((c.rate, h.from))
        }) else {
            return;
        };
        let (rate, from) = contacts;
        if rate <= 0.0 {
            return;
        }
        let u: f64 = self.hotline.contacts.random();
        let at = self.now().max(from) - (1.0 - u).ln() / rate;
        if at < self.horizon {
            self.sched.schedule(at, Event::HotlineContact);
        }
    }

    /// An ordinary contact reaches the line: it waits for a counselor like a crisis
    /// caller, and ends when answered and handled or when its caller hangs up.
    pub(super) fn hotline_contact(&mut self) {
        self.next_hotline_contact();
        let Some(hotline) = &self.model.hotline else {
            return;
        };
        let Some(contacts) = &hotline.contacts else {
            return;
        };
        let now = self.now();
        let rng = &mut self.hotline.contacts;
        let patience = hotline
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| p.sample(rng));
        let handle = contacts.handle_time.sample(rng);
        let measured = self.measuring();
        if measured {
            self.rec.hotline_contacts += 1;
            self.rec.hotline_all += 1;
        }
        self.queue_caller(CONTACT, now, handle, patience, measured);
    }

    /// A caller (an incident, or [`CONTACT`]) is answered at once or waits in line.
    fn queue_caller(
        &mut self,
        incident: u32,
        now: Minutes,
        handle: Minutes,
        patience: Minutes,
        measured: bool,
    ) {
        if self.hotline.counselors.has_free() {
            self.answer(incident, 0.0, handle, measured);
            return;
        }
        let lines = &mut self.hotline;
        let slot = lines.callers.insert(Caller {
            incident,
            since: now,
            handle,
            seq: 0,
            measured,
        });
        let seq = lines.counselors.enqueue(slot as u32);
        if let Some(c) = lines.callers.get_mut(slot) {
            c.seq = seq;
        }
        if patience.is_finite() {
            lines.callers.arm(slot);
            self.sched
                .schedule(now + patience, Event::Abandon(slot as u32));
        }
    }

    /// A crisis reaches the hotline first.
    pub(super) fn hotline_call(&mut self, i: usize) {
        let Some(hotline) = &self.model.hotline else {
            return;
        };
        let now = self.now();
        let incident = &mut self.incidents[i];
        incident.open += 1;
        let handle = hotline.handle_time.sample(&mut incident.rng);
        let patience = hotline
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| p.sample(&mut incident.rng));
        let measured = incident.measured;
        if measured {
            self.rec.hotline_calls += 1;
            self.rec.hotline_all += 1;
        }
        self.log(Arrival {
            at: now,
            source: Source::Hotline { patience, handle },
        });
        self.queue_caller(i as u32, now, handle, patience, measured);
    }

    fn answer(&mut self, caller: u32, waited: Minutes, handle: Minutes, measured: bool) {
        self.hotline.counselors.start();
        if measured {
            self.rec.hotline_all_answer.record(waited);
        }
        if caller == CONTACT {
            self.sched.schedule_in(handle, Event::HotlineContactDone);
            return;
        }
        if measured {
            self.rec.hotline_answer.record(waited);
        }
        self.sched.schedule_in(handle, Event::HotlineDone(caller));
    }

    /// Free counselors take the callers who have waited longest.
    fn answer_waiting(&mut self) {
        let now = self.now();
        while let Some((slot, seq)) = self.hotline.counselors.next_waiting() {
            let live = self
                .hotline
                .callers
                .get(slot as usize)
                .is_some_and(|c| c.seq == seq);
            if live && let Some(caller) = self.hotline.callers.take(slot as usize) {
                self.answer(
                    caller.incident,
                    now - caller.since,
                    caller.handle,
                    caller.measured,
                );
            }
        }
    }

    pub(super) fn hotline_done(&mut self, i: usize) {
        let Some(hotline) = &self.model.hotline else {
            return;
        };
        self.hotline.counselors.finish();
        self.answer_waiting();
        self.left_line(i);
        let u: f64 = self.incidents[i].rng.random();
        let ct = &self.model.call_types[usize::from(self.incidents[i].call_type)];
        let resolved = ct.resolved_by_phone.unwrap_or(hotline.resolved_by_phone);
        if u < resolved {
            if self.incidents[i].measured {
                self.rec.hotline_resolved += 1;
            }
            self.close(i, None);
        } else {
            let mobile = u < resolved + hotline.dispatch_mobile && !ct.mobile.is_empty();
            self.incidents[i].received = self.now();
            self.dispatch_911(i, mobile);
        }
        self.close_incident_part(i);
    }

    /// A crisis caller's time on the line ended (answered and handled, or hung up).
    fn left_line(&mut self, i: usize) {
        let incident = &self.incidents[i];
        if incident.measured {
            self.rec.hotline_finished += 1;
            self.rec.hotline_minutes += self.now() - incident.first_contact;
        }
    }

    /// A counselor finished an ordinary contact and takes the next caller.
    pub(super) fn hotline_contact_done(&mut self) {
        self.hotline.counselors.finish();
        self.answer_waiting();
    }

    /// The patience of the caller in `slot` ran out.
    pub(super) fn abandon(&mut self, slot: usize) {
        if !self.hotline.callers.fire(slot) {
            return; // answered in time
        }
        let Some(caller) = self.hotline.callers.take(slot) else {
            return;
        };
        let now = self.now();
        if caller.measured {
            self.rec.hotline_all_abandoned += 1;
        }
        if caller.incident == CONTACT {
            return;
        }
        let i = caller.incident as usize;
        self.left_line(i);
        let Some(hotline) = self.model.hotline.as_ref() else {
            return;
        };
        let incident = &mut self.incidents[i];
        let calls_911 = incident.rng.random_bool(hotline.redial_911);
        // Drawn whether or not they call, so the incident's later draws stay aligned.
        let delay = hotline
            .redial_delay
            .as_ref()
            .map_or(0.0, |d| d.sample(&mut incident.rng));
        if incident.measured {
            self.rec.hotline_abandoned += 1;
            self.rec.hotline_lost += u64::from(!calls_911);
        }
        if !calls_911 {
            self.close_unresolved(i);
        } else if delay > 0.0 {
            // The pending call holds the incident.
            incident.open += 1;
            self.sched.schedule(now + delay, Event::Redial(i as u32));
        } else {
            incident.received = now;
            self.dispatch_911(i, false);
        }
        self.close_incident_part(i);
    }

    /// A caller who hung up on the line calls 911.
    pub(super) fn redial(&mut self, i: usize) {
        self.incidents[i].received = self.now();
        self.dispatch_911(i, false);
        self.close_incident_part(i);
    }
}
