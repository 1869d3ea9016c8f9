//! Who is on duty: each responder kind's units against its schedule, absences drawn
//! per unit-shift, overtime for units busy at a shift's end, and the time integrals
//! behind utilization and staffing by hour.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::RngExt;
use rand_distr::{Distribution, Exp};

use super::idle::Idle;
use super::units::Phase;
use super::{Event, MONTH, Sim, record};
use crate::model::workforce::{Burnout, PipelineState, Workforce};
use crate::rng::SimRng;
use crate::time::{DAY, HOUR, Minutes, hour_of_day};

/// The time constant of the utilization that strains staff: about four weeks.
const STRAIN_WINDOW: Minutes = 28.0 * DAY;

/// Unit-shifts of an around-the-clock schedule, for drawing absences: 8 hours.
const ROUND_THE_CLOCK_SHIFT: Minutes = 8.0 * HOUR;

/// Waiting requests of one kind, `(priority, sequence, slot)`: lowest first.
pub(super) type Waiting = BinaryHeap<Reverse<(u32, u64, u32)>>;

/// One stream of a kind's background work: gaps between jobs and their service times,
/// each from a random stream of its own so that neither shifts the other.
pub(super) struct BackgroundSource {
    /// The kind whose work it is.
    pub kind: u16,
    /// Its index among the kind's streams.
    pub work: u16,
    pub gap: Exp<f64>,
    /// Jobs per minute by hour of day, when the rate varies.
    pub by_hour: Option<Vec<f64>>,
    pub arrivals: SimRng,
    pub service: SimRng,
    /// Call processing of its calls (traced only: see `Sim::trace_background_arrival`).
    pub processing: Option<crate::dist::Dist>,
    pub intake: SimRng,
}

impl BackgroundSource {
    /// When the next job comes, after `now` (none after `horizon`).
    pub(super) fn next(&mut self, now: Minutes, horizon: Minutes) -> Minutes {
        match &self.by_hour {
            Some(rates) => super::demand::next_arrival(rates, now, horizon, &mut self.arrivals),
            None => now + self.gap.sample(&mut self.arrivals),
        }
    }
}

/// A kind's out-of-service spells: the time in service before each (exponential) and
/// the draws of their lengths.
pub(super) struct SpellSource {
    pub gap: Exp<f64>,
    pub rng: SimRng,
}

/// The live state of one responder kind.
pub(super) struct KindState {
    pub units: std::ops::Range<usize>,
    pub idle: Idle,
    pub waiting: Waiting,
    pub busy_on_duty: u32,
    pub on_duty: u32,
    /// Background jobs waiting for a unit.
    pub background_waiting: u32,
    pub overtime: u32,
    since: Minutes,
    /// The hour of the day `since` falls in, and when that hour ends: busy time within
    /// it goes to its bin without working the hour out again.
    hour: (usize, Minutes),
    /// When `on_duty` last changed (it changes only at shift events).
    duty_since: Minutes,
    staffing: SimRng,
    /// Out-of-service spells, if the kind has them.
    pub spells: Option<SpellSource>,
    /// Units the schedule asks for now.
    pub scheduled: u32,
    /// Units the trained staff could keep on the road now at the relief factor (with
    /// a workforce): the scheduled units less vacancies.
    pub crews: f64,
    /// Strain and the pipeline under it, with `burnout`.
    pub strain: Option<Strain>,
    /// Whole 30-day months of the measured period (monthly staffing is kept with a
    /// workforce only).
    pub months: usize,
    /// When the measured period starts.
    month_origin: Minutes,
    pub rec: record::KindRecord,
}

/// A kind's strain: utilization over about the last four weeks (exponentially
/// weighted, overtime counted busy), and, with a workforce, the pipeline stepped day
/// by day with turnover raised while strained.
pub(super) struct Strain {
    pub burnout: Burnout,
    pub level: f64,
    pub strained: bool,
    /// When the level was last updated, and the busy and on-duty integrals then.
    last: (Minutes, f64, f64),
    pub pipeline: Option<LivePipeline>,
}

impl Strain {
    pub(super) fn new(burnout: Burnout, workforce: Option<&Workforce>) -> Self {
        Strain {
            burnout,
            level: 0.0,
            strained: false,
            last: (0.0, 0.0, 0.0),
            pipeline: workforce.map(LivePipeline::new),
        }
    }

    /// Takes in the time since the last update, given the busy and on-duty
    /// integrals now.
    fn update(&mut self, now: Minutes, busy: f64, on_duty: f64) {
        let (since, busy_then, duty_then) = self.last;
        let duty = on_duty - duty_then;
        if now > since && duty > 0.0 {
            let weight = (-(now - since) / STRAIN_WINDOW).exp();
            let recent = (busy - busy_then) / duty;
            self.level = weight * self.level + (1.0 - weight) * recent;
        }
        self.last = (now, busy, on_duty);
        self.strained = self.level > self.burnout.above_utilization;
    }

    /// The integrals start again from 0 at `now` (the warm-up ended).
    fn rebase(&mut self, now: Minutes) {
        self.last = (now, 0.0, 0.0);
    }
}

/// A hiring pipeline stepped as the run goes, one day at a time, so that strain can
/// raise its turnover: the same arithmetic as the model's planned series.
pub(super) struct LivePipeline {
    state: PipelineState,
    from: Minutes,
    day: usize,
    /// `(trained, in training)` at the start of the current day and of the next.
    today: (f64, f64),
    tomorrow: (f64, f64),
    counted: bool,
}

impl LivePipeline {
    fn new(w: &Workforce) -> Self {
        let mut state = PipelineState::new(w.inputs);
        let today = (state.trained, state.in_training);
        state.step(1.0);
        LivePipeline {
            tomorrow: (state.trained, state.in_training),
            state,
            from: w.from,
            day: 0,
            today,
            counted: false,
        }
    }

    /// Steps to `now`'s day with turnover × `factor`, adding each day start in
    /// `[start, end)` to `days` (trained, paid, days).
    fn advance(
        &mut self,
        now: Minutes,
        factor: f64,
        (start, end): (Minutes, Minutes),
        days: &mut (f64, f64, u64),
    ) {
        loop {
            let at = self.from + self.day as f64 * DAY;
            if !self.counted && at >= start && at < end {
                days.0 += self.today.0;
                days.1 += self.today.0 + self.today.1;
                days.2 += 1;
            }
            self.counted = true;
            if at + DAY > now {
                return;
            }
            self.day += 1;
            self.today = self.tomorrow;
            self.state.step(factor);
            self.tomorrow = (self.state.trained, self.state.in_training);
            self.counted = false;
        }
    }

    /// Trained staff at `now`, between the day's start and the next's.
    fn trained_at(&self, now: Minutes) -> f64 {
        let into = ((now - self.from) / DAY - self.day as f64).clamp(0.0, 1.0);
        self.today.0 + (self.tomorrow.0 - self.today.0) * into
    }
}

impl KindState {
    pub(super) fn new(
        units: std::ops::Range<usize>,
        idle: Idle,
        staffing: SimRng,
        spells: Option<SpellSource>,
    ) -> Self {
        KindState {
            scheduled: 0,
            crews: 0.0,
            strain: None,
            months: 0,
            month_origin: 0.0,
            idle,
            units,
            waiting: BinaryHeap::new(),
            busy_on_duty: 0,
            on_duty: 0,
            background_waiting: 0,
            overtime: 0,
            since: 0.0,
            hour: (0, HOUR),
            duty_since: 0.0,
            staffing,
            spells,
            rec: record::KindRecord::default(),
        }
    }

    /// Adds the time since the last change to the integrals.
    #[inline]
    pub(super) fn advance(&mut self, now: Minutes) {
        let dt = now - self.since;
        self.rec.busy_on_duty += f64::from(self.busy_on_duty) * dt;
        self.rec.on_duty += f64::from(self.on_duty) * dt;
        self.rec.overtime += f64::from(self.overtime) * dt;
        let (hour, hour_end) = self.hour;
        if now <= hour_end {
            self.rec.busy_by_hour[hour] += f64::from(self.busy_on_duty) * dt;
        } else {
            spread_by_hour(
                &mut self.rec.busy_by_hour,
                self.since,
                now,
                self.busy_on_duty,
            );
        }
        if now >= hour_end {
            self.hour = (hour_of_day(now), ((now / HOUR).floor() + 1.0) * HOUR);
        }
        self.since = now;
    }

    /// Adds the staffed time since the last staffing change to the hour-of-day bins;
    /// called before `on_duty` changes, kept out of `advance` because that runs on
    /// every job.
    pub(super) fn advance_duty(&mut self, now: Minutes) {
        spread_by_hour(
            &mut self.rec.on_duty_by_hour,
            self.duty_since,
            now,
            self.on_duty,
        );
        if self.strain.as_ref().is_some_and(|s| s.strained) {
            self.rec.strained_minutes += now - self.duty_since;
        }
        if !self.rec.by_month.is_empty() {
            let levels = [
                f64::from(self.scheduled),
                f64::from(self.on_duty),
                self.crews,
            ];
            let origin = self.month_origin;
            let (from, to) = (self.duty_since - origin, now - origin);
            spread_by_month(&mut self.rec.by_month, from, to, levels);
        }
        self.duty_since = now;
    }

    /// A record for the measured period, which starts at `warmup_end`.
    pub(super) fn restart_record(&mut self, warmup_end: Minutes) {
        self.rec = record::KindRecord {
            by_month: vec![[0.0; 3]; self.months],
            ..Default::default()
        };
        self.month_origin = warmup_end;
        if let Some(s) = &mut self.strain {
            s.rebase(warmup_end);
        }
    }
}

/// Adds `levels × minutes` of the interval `[from, to)`, minutes since the measured
/// period began, to the 30-day months it covers (past the last whole month: nothing).
fn spread_by_month(bins: &mut [[f64; 3]], from: Minutes, to: Minutes, levels: [f64; 3]) {
    let mut t = from.max(0.0);
    while t < to {
        let month = (t / MONTH).floor();
        let end = ((month + 1.0) * MONTH).min(to);
        let Some(bin) = bins.get_mut(month as usize) else {
            return;
        };
        for (b, level) in bin.iter_mut().zip(levels) {
            *b += level * (end - t);
        }
        t = end;
    }
}

/// Adds `units × minutes` of the interval `[from, to)` to the hour-of-day bins it covers.
fn spread_by_hour(bins: &mut [f64; 24], from: Minutes, to: Minutes, units: u32) {
    if units == 0 || to <= from {
        return;
    }
    let mut t = from;
    while t < to {
        let hour = (t / HOUR).floor();
        let end = ((hour + 1.0) * HOUR).min(to);
        bins[(hour as u64 % 24) as usize] += f64::from(units) * (end - t);
        t = end;
    }
}

impl Sim<'_> {
    /// Brings units on or off duty to match the schedule, drawing absences for the
    /// unit-shifts that start; busy units finish their job first (overtime).
    pub(super) fn shift_change(&mut self, k: usize) {
        let now = self.now();
        let kind = &self.model.kinds[k];
        let schedule = &kind.schedule;
        let started = now >= kind.from;
        let target = if started {
            schedule.units_at(now) as usize
        } else {
            0
        };
        let next = if !started {
            Some(kind.from)
        } else if schedule.steps.len() > 1 {
            Some(schedule.next_change(now))
        } else if kind.absence > 0.0
            || kind.staff.workforce.is_some()
            || kind.staff.burnout.is_some()
        {
            Some(((now / ROUND_THE_CLOCK_SHIFT).floor() + 1.0) * ROUND_THE_CLOCK_SHIFT)
        } else {
            None
        };
        if let Some(at) = next {
            self.sched.schedule(at, Event::Shift(k as u16));
        }
        self.kinds[k].advance(now);
        self.kinds[k].advance_duty(now);
        let measured = self.measuring();
        let (absence, trained) = self.staff_now(k);
        // Unit-shifts go unstaffed for absence and, with a workforce, for vacancies;
        // one draw per unit-shift either way, so vacancies only take units away. No
        // more units go out than the trained headcount can crew.
        let (missing, crewed) = match (&kind.staff.workforce, trained) {
            (Some(w), Some(trained)) => (
                1.0 - (1.0 - absence) * (1.0 - w.vacancy(trained)),
                w.units_at_most(trained, kind.staff.staff_per_unit),
            ),
            _ => (absence, usize::MAX),
        };
        let drawn = absence > 0.0 || kind.staff.workforce.is_some();
        let mut on_duty = 0;
        for (index, u) in self.kinds[k].units.clone().enumerate() {
            let state = &mut self.kinds[k];
            let scheduled = index < target;
            let staffed = !scheduled
                || (!drawn || state.staffing.random::<f64>() >= missing)
                    && (on_duty as usize) < crewed;
            if scheduled && measured {
                state.rec.scheduled_shifts += 1;
                state.rec.unstaffed_shifts += u64::from(!staffed);
            }
            let wanted = scheduled && staffed;
            on_duty += u32::from(wanted);
            self.set_on_duty(k, u, wanted);
        }
        let state = &mut self.kinds[k];
        state.on_duty = on_duty;
        state.scheduled = target as u32;
        state.crews = match (&kind.staff.workforce, trained) {
            (Some(w), Some(t)) => target as f64 * (1.0 - w.vacancy(t)),
            _ => 0.0,
        };
    }

    /// Kind `k`'s absence and trained staff (with a workforce) at this shift change,
    /// under strain where the kind has `burnout`: the strain level takes in the time
    /// since the last change, and a live pipeline steps to today.
    fn staff_now(&mut self, k: usize) -> (f64, Option<f64>) {
        let now = self.now();
        let kind = &self.model.kinds[k];
        let workforce = kind.staff.workforce.as_ref();
        let span = (self.warmup_end.max(kind.from), self.horizon);
        let state = &mut self.kinds[k];
        let (busy, on_duty) = (
            state.rec.busy_on_duty + state.rec.overtime,
            state.rec.on_duty,
        );
        let Some(strain) = &mut state.strain else {
            return (kind.absence, workforce.map(|w| w.trained_at(now)));
        };
        strain.update(now, busy, on_duty);
        let b = strain.burnout;
        let (absence, turnover) = if strain.strained {
            (
                (kind.absence * b.absence_factor).min(0.99),
                b.turnover_factor,
            )
        } else {
            (kind.absence, 1.0)
        };
        let trained = strain.pipeline.as_mut().map(|p| {
            p.advance(now, turnover, span, &mut state.rec.staff_days);
            p.trained_at(now)
        });
        (
            absence,
            trained.or_else(|| workforce.map(|w| w.trained_at(now))),
        )
    }

    fn set_on_duty(&mut self, k: usize, u: usize, wanted: bool) {
        if wanted == self.units[u].on_duty {
            return;
        }
        self.units[u].on_duty = wanted;
        if !wanted {
            self.cancel_spell(u);
        }
        let unit = &mut self.units[u];
        let kind = &mut self.kinds[k];
        let busy = !matches!(unit.phase, Phase::Idle | Phase::OffDuty);
        match (wanted, busy) {
            (true, true) => {
                kind.overtime -= 1;
                kind.busy_on_duty += 1;
                self.plan_spell(u);
            }
            (true, false) => {
                self.plan_spell(u);
                self.take_work(u);
            }
            (false, true) => {
                kind.overtime += 1;
                kind.busy_on_duty -= 1;
            }
            (false, false) => {
                unit.phase = Phase::OffDuty;
                kind.idle.remove(u);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::DAY;

    #[test]
    fn time_is_spread_over_hours_of_day() {
        let mut bins = [0.0; 24];
        spread_by_hour(&mut bins, 30.0, 150.0, 2);
        assert_eq!(&bins[..3], &[60.0, 120.0, 60.0]);
        spread_by_hour(&mut bins, DAY - 30.0, DAY + 30.0, 1);
        assert_eq!((bins[23], bins[0]), (30.0, 90.0));
    }
}
