//! The 988 hotline: counselors on a schedule answer callers in order of arrival;
//! callers hang up when their patience runs out. An answered call is resolved by
//! phone, sent a mobile team, or passed to 911; some callers who hung up call 911.
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
        let u: f64 = self.incidents[i].rng.random();
        if u < hotline.resolved_by_phone {
            if self.incidents[i].measured {
                self.rec.hotline_resolved += 1;
            }
            self.close(i, None);
        } else {
            let ct = &self.model.call_types[usize::from(self.incidents[i].call_type)];
            let mobile =
                u < hotline.resolved_by_phone + hotline.dispatch_mobile && !ct.mobile.is_empty();
            self.incidents[i].received = self.now();
            self.dispatch_911(i, mobile);
        }
        self.close_incident_part(i);
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
        let redial = self.model.hotline.as_ref().map_or(0.0, |h| h.redial_911);
        let incident = &mut self.incidents[i];
        let calls_911 = incident.rng.random_bool(redial);
        if incident.measured {
            self.rec.hotline_abandoned += 1;
            self.rec.hotline_lost += u64::from(!calls_911);
        }
        if calls_911 {
            incident.received = now;
            self.dispatch_911(i, false);
        } else {
            incident.closed = true;
            incident.ending = super::trace::Ending::HungUp;
        }
        self.close_incident_part(i);
    }
}
