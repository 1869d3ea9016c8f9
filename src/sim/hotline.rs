//! The 988 hotline: counselors on a schedule answer callers in order of arrival;
//! callers hang up when their patience runs out. An answered call is resolved by
//! phone, sent a mobile team, or passed to 911; some callers who hung up call 911.

use rand::RngExt;
use slab::Slab;

use super::servers::Servers;
use super::{Event, Sim};
use crate::dist::Minutes;
use crate::rng::{Stream, stream};

/// Counselors, and the callers waiting for one.
pub(super) struct Lines {
    counselors: Servers,
    callers: Slab<Caller>,
}

struct Caller {
    incident: u32,
    since: Minutes,
    gives_up: Minutes,
    seq: u32,
}

impl Lines {
    pub(super) fn new(seed: u64) -> Self {
        Lines {
            counselors: Servers::new(stream(seed, Stream::Hotline, 0)),
            callers: Slab::new(),
        }
    }
}

impl Sim<'_> {
    pub(super) fn hotline_shift(&mut self) {
        let Some(hotline) = &self.model.hotline else {
            return;
        };
        if let Some(at) = self
            .hotline
            .counselors
            .restaff(&hotline.schedule, self.now())
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
        if incident.measured {
            self.rec.hotline_calls += 1;
        }
        let lines = &mut self.hotline;
        if lines.counselors.has_free() {
            self.answer(i, 0.0);
            return;
        }
        let gives_up = hotline
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| now + p.sample(&mut lines.counselors.rng));
        let slot = lines.callers.vacant_key();
        let seq = lines.counselors.enqueue(slot as u32);
        lines.callers.insert(Caller {
            incident: i as u32,
            since: now,
            gives_up,
            seq,
        });
        if gives_up.is_finite() {
            self.sched.schedule(gives_up, Event::Abandon(slot as u32));
        }
    }

    fn answer(&mut self, i: usize, waited: Minutes) {
        let Some(hotline) = &self.model.hotline else {
            return;
        };
        self.hotline.counselors.start();
        if self.incidents[i].measured {
            self.rec.hotline_waits.push(waited as f32);
        }
        let handle = hotline.handle_time.sample(&mut self.hotline.counselors.rng);
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
            if live {
                let caller = self.hotline.callers.remove(slot as usize);
                self.answer(caller.incident as usize, now - caller.since);
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

    pub(super) fn abandon(&mut self, slot: usize) {
        let now = self.now();
        let due = self
            .hotline
            .callers
            .get(slot)
            .is_some_and(|c| c.gives_up == now);
        if !due {
            return;
        }
        let i = self.hotline.callers.remove(slot).incident as usize;
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
