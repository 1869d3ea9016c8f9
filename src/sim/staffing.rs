//! Who is on duty: each responder kind's units against its schedule, absences drawn
//! per unit-shift, overtime for units busy at a shift's end, and the time integrals
//! behind utilization and staffing by hour.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::RngExt;
use rand_distr::{Distribution, Exp};

use super::units::Phase;
use super::{Event, Sim, record};
use crate::rng::SimRng;
use crate::time::{HOUR, Minutes};

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
    pub idle: Vec<u32>,
    pub waiting: Waiting,
    pub busy_on_duty: u32,
    pub on_duty: u32,
    /// Background jobs waiting for a unit.
    pub background_waiting: u32,
    pub overtime: u32,
    since: Minutes,
    /// When `on_duty` last changed (it changes only at shift events).
    duty_since: Minutes,
    staffing: SimRng,
    /// Out-of-service spells, if the kind has them.
    pub spells: Option<SpellSource>,
    pub rec: record::KindRecord,
}

impl KindState {
    pub(super) fn new(
        units: std::ops::Range<usize>,
        staffing: SimRng,
        spells: Option<SpellSource>,
    ) -> Self {
        KindState {
            idle: Vec::with_capacity(units.len()),
            units,
            waiting: BinaryHeap::new(),
            busy_on_duty: 0,
            on_duty: 0,
            background_waiting: 0,
            overtime: 0,
            since: 0.0,
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
        self.duty_since = now;
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
        } else if kind.absence > 0.0 || kind.staff.workforce.is_some() {
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
        // Unit-shifts go unstaffed for absence and, with a workforce, for vacancies;
        // one draw per unit-shift either way, so vacancies only take units away. No
        // more units go out than the trained headcount can crew.
        let (missing, crewed) = match &kind.staff.workforce {
            Some(w) => (
                1.0 - (1.0 - kind.absence) * (1.0 - w.vacancy_at(now)),
                w.units_at_most(now, kind.staff.staff_per_unit),
            ),
            None => (kind.absence, usize::MAX),
        };
        let drawn = kind.absence > 0.0 || kind.staff.workforce.is_some();
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
        self.kinds[k].on_duty = on_duty;
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
                if let Some(at) = kind.idle.iter().position(|&x| x as usize == u) {
                    kind.idle.swap_remove(at);
                }
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
