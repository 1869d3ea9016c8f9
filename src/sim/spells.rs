//! Background jobs and out-of-service spells: the two ways an on-duty unit is busy
//! without an incident. Each ends with an event that names a slot (`JobDone`,
//! `Break`), so a job taken over by an urgent call, or a spell cut short by the end of
//! a shift, leaves a tombstone that its event finds and ignores.
//!
//! A spell is due after an exponential time in service (its mean chosen so spells take
//! the kind's `unavailable.share` of on-duty time); a unit that is busy then takes the
//! spell as soon as it clears, before any queued call. Spells count as busy time.

use rand_distr::Distribution;

use super::dispatch::Request;
use super::units::Phase;
use super::{Event, Sim};
use crate::time::Minutes;

impl Sim<'_> {
    /// Unit `u` (already counted busy) starts the background job `request`.
    pub(super) fn start_job(&mut self, u: usize, request: &Request) {
        let now = self.now();
        let k = usize::from(self.units[u].kind);
        let slot = self.jobs.insert(u as u32);
        self.jobs.arm(slot);
        let unit = &mut self.units[u];
        unit.phase = Phase::Background;
        unit.preemptible_by = request.preemptible_by;
        unit.job = Some(slot as u32);
        self.sched
            .schedule(now + request.service, Event::JobDone(slot as u32));
        let (seq, priority, service) = (request.seq, request.priority, request.service);
        let self_initiated = request.preemptible_by > 0;
        self.units[u].job_trace = if request.lead {
            self.trace_background_start(k, seq, priority, service, self_initiated)
        } else {
            None
        };
    }

    /// The background job in `slot` ends (unless it was dropped).
    pub(super) fn job_done(&mut self, slot: usize) {
        if !self.jobs.fire(slot) {
            return;
        }
        let Some(u) = self.jobs.take(slot) else {
            return;
        };
        self.units[u as usize].job = None;
        self.release(u as usize);
    }

    /// An urgent call takes unit `u` off its background job: the rest of the job is
    /// dropped (its busy time so far counts), and the unit is free for the call, where
    /// it is.
    pub(super) fn drop_job(&mut self, u: usize) {
        let now = self.now();
        if let Some(slot) = self.units[u].job.take() {
            self.jobs.take(slot as usize);
        }
        if let Some(row) = self.units[u].job_trace.take() {
            self.trace_background_cut(row, now);
        }
        let measuring = self.measuring();
        let unit = &self.units[u];
        let k = usize::from(unit.kind);
        let kind = &mut self.kinds[k];
        kind.advance(now);
        kind.busy_on_duty -= 1;
        if measuring {
            kind.rec.jobs += 1;
            kind.rec.job_minutes += now - unit.busy_since.max(self.warmup_end);
            self.rec.preempted_background += 1;
        }
    }

    /// Plans unit `u`'s next out-of-service spell, if its kind has spells and none is
    /// pending.
    pub(super) fn plan_spell(&mut self, u: usize) {
        let k = usize::from(self.units[u].kind);
        let Some(spells) = &mut self.kinds[k].spells else {
            return;
        };
        if self.units[u].brk.is_some() {
            return;
        }
        let gap: Minutes = spells.gap.sample(&mut spells.rng);
        let slot = self.breaks.insert(u as u32);
        self.breaks.arm(slot);
        self.units[u].brk = Some(slot as u32);
        let at = self.now() + gap;
        self.sched.schedule(at, Event::Break(slot as u32));
    }

    /// The spell in `slot` is due to start, or ends.
    pub(super) fn spell(&mut self, slot: usize) {
        if !self.breaks.fire(slot) {
            return;
        }
        let Some(u) = self.breaks.take(slot) else {
            return;
        };
        let u = u as usize;
        self.units[u].brk = None;
        match self.units[u].phase {
            Phase::OutOfService => self.end_spell(u),
            Phase::Idle => {
                let k = usize::from(self.units[u].kind);
                let now = self.now();
                let kind = &mut self.kinds[k];
                kind.idle.remove(u);
                kind.advance(now);
                kind.busy_on_duty += 1;
                self.begin_spell(u);
            }
            _ => self.units[u].spell_due = true,
        }
    }

    /// Unit `u` (counted busy) goes out of service where it is, for a drawn spell.
    pub(super) fn begin_spell(&mut self, u: usize) {
        let now = self.now();
        let k = usize::from(self.units[u].kind);
        let Some(spells) = &mut self.kinds[k].spells else {
            return;
        };
        let length = self.model.kinds[k]
            .unavailable
            .as_ref()
            .map_or(0.0, |x| x.spell.sample(&mut spells.rng));
        let unit = &mut self.units[u];
        unit.stop(now);
        unit.busy_since = now;
        unit.phase = Phase::OutOfService;
        unit.spell_due = false;
        let slot = self.breaks.insert(u as u32);
        self.breaks.arm(slot);
        unit.brk = Some(slot as u32);
        self.sched.schedule(now + length, Event::Break(slot as u32));
    }

    /// Unit `u`'s spell ends: it is free again, heads home, and its next spell is planned.
    fn end_spell(&mut self, u: usize) {
        let now = self.now();
        self.count_spell(u);
        let k = usize::from(self.units[u].kind);
        let kind = &mut self.kinds[k];
        kind.advance(now);
        kind.busy_on_duty -= 1;
        let minutes =
            self.units[u].pos.distance(self.units[u].home) * self.model.travel.minutes_per_km;
        self.units[u].head_home(now, minutes);
        self.plan_spell(u);
        self.take_work(u);
    }

    /// Counts the measured part of unit `u`'s spell, which ends now.
    fn count_spell(&mut self, u: usize) {
        if self.measuring() {
            let unit = &self.units[u];
            let minutes = self.now() - unit.busy_since.max(self.warmup_end);
            self.kinds[usize::from(unit.kind)].rec.spell_minutes += minutes;
        }
    }

    /// Unit `u` goes off duty: its pending spell is cancelled, and a spell under way ends
    /// (the unit is then neither busy nor idle).
    pub(super) fn cancel_spell(&mut self, u: usize) {
        if let Some(slot) = self.units[u].brk.take() {
            self.breaks.take(slot as usize);
        }
        self.units[u].spell_due = false;
        if self.units[u].phase == Phase::OutOfService {
            self.count_spell(u);
            let now = self.now();
            let kind = &mut self.kinds[usize::from(self.units[u].kind)];
            kind.advance(now);
            kind.busy_on_duty -= 1;
            self.units[u].phase = Phase::OffDuty;
        }
    }
}
