//! Induced calls: calls a non-police service answers that police would never have
//! attended (`call_types.T.induced_share`). They arrive as a Poisson stream of their
//! own, with the crises' hour-of-week profile, from the `Induced` stream, so adding
//! them leaves every crisis's draws as they were. Each is offered to its call type's
//! non-police kinds only, with no fallback to police (one that comes while none of them
//! is on duty is not made); it takes their time (and may be
//! transported) but is no crisis: no crisis statistic, outcome, cost, repeat or police
//! outcome comes of it. What it costs is the service's time, which leaves fewer units
//! free for crises.

use rand::RngExt;

use super::{Event, Sim, demand};
use crate::rng::{SimRng, Stream, stream};

/// The induced-call process of a replication.
pub(super) struct Induced {
    /// Induced calls per minute, by hour of the week (empty: none).
    rate_by_hour: Vec<f64>,
    arrivals: SimRng,
    /// Induced calls so far (each one's substream).
    count: u64,
}

impl Induced {
    pub(super) fn new(model: &crate::model::Model, seed: u64) -> Self {
        let d = &model.demand;
        let rate_by_hour = if d.induced_per_crisis > 0.0 {
            d.rate_by_hour
                .iter()
                .map(|r| r * d.induced_per_crisis)
                .collect()
        } else {
            Vec::new()
        };
        Induced {
            rate_by_hour,
            arrivals: stream(seed, Stream::Induced, 0),
            count: 0,
        }
    }
}

impl Sim<'_> {
    /// Schedules the next induced call, if the scenario has any before the horizon.
    pub(super) fn next_induced(&mut self) {
        let process = &mut self.induced;
        if process.rate_by_hour.is_empty() {
            return;
        }
        let at = demand::next_arrival(
            &process.rate_by_hour,
            self.sched.now(),
            self.horizon,
            &mut process.arrivals,
        );
        if at < self.horizon {
            self.sched.schedule(at, Event::Induced);
        }
    }

    /// An induced call arrives: it is dispatched to its type's non-police kinds, if
    /// one of them has a unit on duty.
    pub(super) fn induced_arrival(&mut self) {
        self.next_induced();
        let model = self.model;
        let process = &mut self.induced;
        let call_type = demand::pick(
            &model.demand.induced_call_type_cdf,
            process.arrivals.random(),
        );
        let zone = demand::pick(&model.demand.zone_cdf, process.arrivals.random());
        let pos = demand::place(model, zone, &mut process.arrivals);
        process.count += 1;
        let rng = stream(self.seed, Stream::Induced, process.count);
        let ct = &model.call_types[call_type];
        if ct.mobile.iter().all(|k| self.kinds[*k].on_duty == 0) {
            // The service does not exist yet or is off duty: such a call goes to no
            // one rather than wait for hours.
            return;
        }
        let arrived = super::when(self.now());
        let mut incident = self.blank_incident(call_type, zone, pos, arrived, rng);
        incident.induced = true;
        incident.induced_measured = self.measuring();
        if incident.induced_measured {
            self.rec.induced_calls += 1;
        }
        let i = self.incidents.insert(incident);
        self.dispatch_911(i, true);
    }
}
