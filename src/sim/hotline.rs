//! The 988 hotline: counselors on a schedule answer callers in order of arrival;
//! callers hang up when their patience runs out. An answered call is resolved by
//! phone, sent a mobile team, or passed to 911; some callers who hung up call 911.
//!
//! A caller's patience and handle time are drawn from the incident's own stream when
//! the call arrives, whether or not they are needed, so staffing never shifts them.

use rand::RngExt;

use super::record::{Arrival, Source};
use super::servers::Servers;
use super::slots::Slots;
use super::{Event, Sim};
use crate::time::Minutes;

/// Counselors, and the callers waiting for one.
pub(super) struct Lines {
    counselors: Servers,
    callers: Slots<Caller>,
}

struct Caller {
    incident: u32,
    since: Minutes,
    handle: Minutes,
    seq: u64,
}

impl Lines {
    pub(super) fn new() -> Self {
        Lines {
            counselors: Servers::new(),
            callers: Slots::new(),
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
        if incident.measured {
            self.rec.hotline_calls += 1;
        }
        self.log(Arrival {
            at: now,
            source: Source::Hotline { patience, handle },
        });
        if self.hotline.counselors.has_free() {
            self.answer(i, 0.0, handle);
            return;
        }
        let lines = &mut self.hotline;
        let slot = lines.callers.insert(Caller {
            incident: i as u32,
            since: now,
            handle,
            seq: 0,
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

    fn answer(&mut self, i: usize, waited: Minutes, handle: Minutes) {
        self.hotline.counselors.start();
        if self.incidents[i].measured {
            self.rec.hotline_answer.record(waited);
        }
        self.sched.schedule_in(handle, Event::HotlineDone(i as u32));
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
                self.answer(caller.incident as usize, now - caller.since, caller.handle);
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

    /// The patience of the caller in `slot` ran out.
    pub(super) fn abandon(&mut self, slot: usize) {
        if !self.hotline.callers.fire(slot) {
            return; // answered in time
        }
        let Some(caller) = self.hotline.callers.take(slot) else {
            return;
        };
        let now = self.now();
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
        }
        self.close_incident_part(i);
    }
}
