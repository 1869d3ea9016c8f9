//! The 988 hotline: counselors on a schedule answer callers in order of arrival;
//! callers hang up when their patience runs out. An answered call is resolved by
//! phone, sent a mobile team, or passed to 911; some callers who hung up call 911.

use std::collections::VecDeque;

use rand::RngExt;
use slab::Slab;

use super::{Event, Sim};
use crate::dist::Minutes;
use crate::rng::{SimRng, Stream, stream};

/// Counselors and the callers waiting for one.
pub(super) struct Lines {
    on_duty: u32,
    busy: u32,
    queue: VecDeque<(u32, u32)>,
    callers: Slab<Caller>,
    seq: u32,
    rng: SimRng,
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
            on_duty: 0,
            busy: 0,
            queue: VecDeque::new(),
            callers: Slab::new(),
            seq: 0,
            rng: stream(seed, Stream::Hotline, 0),
        }
    }
}

impl Sim<'_> {
    pub(super) fn hotline_shift(&mut self) {
        let Some(hotline) = &self.model.hotline else {
            return;
        };
        let now = self.now();
        self.hotline.on_duty = hotline.schedule.units_at(now);
        if hotline.schedule.steps.len() > 1 {
            self.sched
                .schedule(hotline.schedule.next_change(now), Event::HotlineShift);
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
        if self.hotline.busy < self.hotline.on_duty {
            self.answer(i, 0.0);
            return;
        }
        let gives_up = hotline
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| now + p.sample(&mut self.hotline.rng));
        self.hotline.seq = self.hotline.seq.wrapping_add(1);
        let seq = self.hotline.seq;
        let slot = self.hotline.callers.insert(Caller {
            incident: i as u32,
            since: now,
            gives_up,
            seq,
        });
        self.hotline.queue.push_back((slot as u32, seq));
        if gives_up.is_finite() {
            self.sched.schedule(gives_up, Event::Abandon(slot as u32));
        }
    }

    fn answer(&mut self, i: usize, waited: Minutes) {
        let Some(hotline) = &self.model.hotline else {
            return;
        };
        self.hotline.busy += 1;
        if self.incidents[i].measured {
            self.rec.hotline_waits.push(waited as f32);
        }
        let handle = hotline.handle_time.sample(&mut self.hotline.rng);
        self.sched.schedule_in(handle, Event::HotlineDone(i as u32));
    }

    /// Free counselors take the callers who have waited longest.
    fn answer_waiting(&mut self) {
        let now = self.now();
        while self.hotline.busy < self.hotline.on_duty {
            let Some((slot, seq)) = self.hotline.queue.pop_front() else {
                return;
            };
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
        self.hotline.busy -= 1;
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
