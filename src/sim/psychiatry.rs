//! On-call psychiatry: consult lines on a schedule. A team on scene that asks for a
//! consult waits for a free line up to `max_wait`, then goes on without; a consult
//! adds the wait and its own length to the scene time and switches the outcome mix.

use super::{Event, Phase, Sim};
use crate::dist::Minutes;

impl Sim<'_> {
    pub(super) fn psychiatry_shift(&mut self) {
        let Some(psychiatry) = &self.model.psychiatry else {
            return;
        };
        let now = self.now();
        if let Some(at) = self.psychiatry.restaff(&psychiatry.schedule, now) {
            self.sched.schedule(at, Event::PsychiatryShift);
        }
        self.start_waiting_consults();
    }

    /// Unit `u`, on scene with `scene` minutes of work, asks for a consult.
    pub(super) fn ask_consult(&mut self, u: usize, scene: Minutes, measured: bool) {
        let Some(psychiatry) = &self.model.psychiatry else {
            return;
        };
        if measured {
            self.rec.consult_requests += 1;
        }
        let now = self.now();
        let unit = &mut self.units[u];
        unit.scene_left = scene;
        unit.consult_asked = now;
        if self.psychiatry.has_free() {
            self.start_consult(u);
            return;
        }
        unit.consult_seq = self.psychiatry.enqueue(u as u32);
        unit.phase = Phase::ConsultWait;
        self.schedule_unit(u, psychiatry.max_wait);
    }

    fn start_consult(&mut self, u: usize) {
        let Some(psychiatry) = &self.model.psychiatry else {
            return;
        };
        self.psychiatry.start();
        let length = psychiatry.consult_time.sample(&mut self.psychiatry.rng);
        self.sched.schedule_in(length, Event::ConsultEnd);
        let waited = self.now() - self.units[u].consult_asked;
        if self.incidents[self.units[u].incident as usize].measured {
            self.rec.consults += 1;
            self.rec.consult_wait += waited;
        }
        let unit = &mut self.units[u];
        unit.consulted = true;
        unit.phase = Phase::OnScene;
        let rest = unit.scene_left;
        self.schedule_unit(u, length + rest);
    }

    fn start_waiting_consults(&mut self) {
        while let Some((u, seq)) = self.psychiatry.next_waiting() {
            let unit = &self.units[u as usize];
            if unit.phase == Phase::ConsultWait && unit.consult_seq == seq {
                self.start_consult(u as usize);
            }
        }
    }

    pub(super) fn consult_end(&mut self) {
        self.psychiatry.finish();
        self.start_waiting_consults();
    }

    /// No line came free in time: the team goes on without a consult.
    pub(super) fn give_up_consult(&mut self, u: usize) {
        let waited = self.now() - self.units[u].consult_asked;
        if self.incidents[self.units[u].incident as usize].measured {
            self.rec.consult_wait += waited;
        }
        let unit = &mut self.units[u];
        unit.phase = Phase::OnScene;
        let rest = unit.scene_left;
        self.schedule_unit(u, rest);
    }
}
