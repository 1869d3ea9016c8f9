//! On-call psychiatry: consult lines on a schedule. A team on scene that asks for a
//! consult waits for a free line up to `max_wait`, then goes on without; a consult
//! adds the wait and its own length to the scene time and switches the outcome mix.
//! A team waiting for a line holds a slot whose timeout event keeps it (as a
//! tombstone) until it fires, even when a line came free first.

use super::slots::Slots;
use super::units::Phase;
use super::{Event, Sim};
use crate::time::Minutes;

/// A team waiting for a consult line.
pub(super) struct Waiter {
    unit: u32,
    seq: u64,
}

/// Teams waiting for a line, by slot.
pub(super) type Waiters = Slots<Waiter>;

impl Sim<'_> {
    pub(super) fn psychiatry_shift(&mut self) {
        let Some(psychiatry) = &self.model.psychiatry else {
            return;
        };
        let now = self.now();
        if let Some(at) = self
            .psychiatry
            .restaff(&psychiatry.schedule, psychiatry.from, now)
        {
            self.sched.schedule(at, Event::PsychiatryShift);
        }
        self.start_waiting_consults();
    }

    /// Unit `u`, on scene with `scene` minutes of work, asks for a consult (its
    /// length already drawn).
    pub(super) fn ask_consult(&mut self, u: usize, scene: Minutes) {
        let Some(psychiatry) = &self.model.psychiatry else {
            return;
        };
        let now = self.now();
        let unit = &mut self.units[u];
        unit.scene_left = scene;
        unit.consult_asked = now;
        if self.psychiatry.has_free() {
            self.start_consult(u);
            return;
        }
        unit.phase = Phase::ConsultWait;
        let slot = self.consult_waiters.insert(Waiter {
            unit: u as u32,
            seq: 0,
        });
        let seq = self.psychiatry.enqueue(slot as u32);
        if let Some(w) = self.consult_waiters.get_mut(slot) {
            w.seq = seq;
        }
        self.consult_waiters.arm(slot);
        self.sched.schedule(
            now + psychiatry.max_wait,
            Event::ConsultTimeout(slot as u32),
        );
    }

    fn start_consult(&mut self, u: usize) {
        self.psychiatry.start();
        let length = self.units[u].consult_length;
        self.sched.schedule_in(length, Event::ConsultEnd);
        let waited = self.now() - self.units[u].consult_asked;
        if self.incidents[self.units[u].incident as usize].measured {
            self.rec.consults += 1;
            self.rec.consult_waits += 1;
            self.rec.consult_wait += waited;
        }
        let unit = &mut self.units[u];
        unit.consulted = true;
        unit.phase = Phase::OnScene;
        let rest = unit.scene_left;
        self.schedule_unit(u, length + rest);
    }

    fn start_waiting_consults(&mut self) {
        while let Some((slot, seq)) = self.psychiatry.next_waiting() {
            let live = self
                .consult_waiters
                .get(slot as usize)
                .is_some_and(|w| w.seq == seq);
            if live && let Some(w) = self.consult_waiters.take(slot as usize) {
                self.start_consult(w.unit as usize);
            }
        }
    }

    pub(super) fn consult_end(&mut self) {
        self.psychiatry.finish();
        self.start_waiting_consults();
    }

    /// No line came free in time: the team goes on without a consult.
    pub(super) fn consult_timeout(&mut self, slot: usize) {
        if !self.consult_waiters.fire(slot) {
            return; // a line came free first
        }
        let Some(w) = self.consult_waiters.take(slot) else {
            return;
        };
        let u = w.unit as usize;
        let waited = self.now() - self.units[u].consult_asked;
        if self.incidents[self.units[u].incident as usize].measured {
            self.rec.consult_waits += 1;
            self.rec.consult_wait += waited;
        }
        let unit = &mut self.units[u];
        unit.phase = Phase::OnScene;
        let rest = unit.scene_left;
        self.schedule_unit(u, rest);
    }
}
