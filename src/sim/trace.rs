//! The incident trace: one row per measured incident, as a dispatch system would
//! export it, kept only when asked for (`run --trace`).

use super::Sim;
use crate::model::{Disposition, Point};
use crate::time::Minutes;

/// How an incident ended, for the trace.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Ending {
    /// Still open at the horizon.
    #[default]
    Open,
    /// Closed with a disposition on scene.
    Disposition(Disposition),
    /// Resolved by the hotline on the phone.
    Phone,
    /// Cancelled before a unit was on scene.
    Cancelled,
    /// Hung up on the hotline and did not call 911.
    HungUp,
}

/// One incident as a dispatch export would list it.
#[derive(Clone, Debug)]
pub struct TraceRow {
    /// Number of the incident in the measured period, from 1.
    pub id: u64,
    /// The person (the same across their repeat crises).
    pub person: u64,
    /// Their crisis number, 1 for the first.
    pub crisis_number: u32,
    /// Whether it reached the 988 hotline first.
    pub hotline: bool,
    /// Call type index.
    pub call_type: u16,
    /// Zone index.
    pub zone: u16,
    /// Where it happened.
    pub pos: Point,
    /// When the call reached 911 (from the hotline, for a call it handed on),
    /// minutes since the start of the run (warm-up included).
    pub received: Minutes,
    /// When the person first called (911 or the hotline): the response runs from here.
    pub first_contact: Minutes,
    /// First unit assigned.
    pub dispatched: Option<Minutes>,
    /// First unit on scene.
    pub arrived: Option<Minutes>,
    /// The last unit (or the hotline) let go of it.
    pub cleared: Option<Minutes>,
    /// Kind index of the first unit on scene.
    pub first_kind: Option<u16>,
    /// A police unit was on scene.
    pub police: bool,
    /// Units assigned to it.
    pub units: u8,
    /// How it ended.
    pub ending: Ending,
}

/// One ordinary (background) job of a responder kind, as a dispatch export lists it.
#[derive(Clone, Debug)]
pub struct BackgroundRow {
    /// The kind that did it.
    pub kind: u16,
    /// Its queue priority (`u32::MAX`: behind every crisis call).
    pub priority: u32,
    /// Self-initiated work (a stream an urgent call may preempt).
    pub self_initiated: bool,
    /// When it came in, minutes since the start of the run.
    pub received: Minutes,
    /// When a unit took it.
    pub dispatched: Minutes,
    /// When that unit was done.
    pub cleared: Minutes,
}

impl Sim<'_> {
    /// Notes when background job `seq` of stream `b` came in, if a trace is kept.
    ///
    /// A background call that goes through call processing is made ready for dispatch
    /// at once and its received time put back by a processing draw: delaying each call
    /// of a Poisson stream by an independent time leaves it a Poisson stream of the
    /// same rate, so the queue is the one processing first would give, and runs that
    /// keep no trace draw nothing for it.
    pub(super) fn trace_background_arrival(&mut self, seq: u64, b: usize) {
        let Some(waiting) = &mut self.background_received else {
            return;
        };
        let source = &mut self.background[b];
        let processing = (source.processing.as_ref()).map_or(0.0, |d| d.sample(&mut source.intake));
        waiting.insert(seq, self.sched.now() - processing);
    }

    /// A unit of kind `k` takes the first unit's part of background job `seq` (of
    /// `priority`, busy for `service`): traced if it came in during the measured period.
    /// Returns its row.
    pub(super) fn trace_background_start(
        &mut self,
        k: usize,
        seq: u64,
        priority: u32,
        service: Minutes,
        self_initiated: bool,
    ) -> Option<usize> {
        let waiting = self.background_received.as_mut()?;
        let now = self.sched.now();
        let received = waiting.remove(&seq).unwrap_or(now);
        if received < self.warmup_end {
            return None;
        }
        let rows = self.rec.background_trace.as_mut()?;
        rows.push(BackgroundRow {
            kind: k as u16,
            priority,
            self_initiated,
            received,
            dispatched: now,
            cleared: now + service,
        });
        Some(rows.len() - 1)
    }

    /// The background job traced in `row` was dropped at `now`.
    pub(super) fn trace_background_cut(&mut self, row: usize, now: Minutes) {
        if let Some(r) = self
            .rec
            .background_trace
            .as_mut()
            .and_then(|rows| rows.get_mut(row))
        {
            r.cleared = now;
        }
    }

    /// Adds incident `i` to the trace, if one is kept and it is measured; `cleared` is
    /// `None` for an incident still open at the horizon.
    pub(super) fn trace_incident(&mut self, i: usize, cleared: Option<Minutes>) {
        let Some(trace) = &mut self.rec.trace else {
            return;
        };
        let incident = &self.incidents[i];
        if !incident.measured {
            return;
        }
        trace.push(TraceRow {
            id: incident.id,
            person: incident.person.number,
            crisis_number: incident.crisis + 1,
            hotline: incident.via_hotline,
            call_type: incident.call_type,
            zone: incident.zone,
            pos: incident.pos,
            received: incident.received,
            first_contact: incident.first_contact,
            dispatched: incident.dispatched.then_some(incident.dispatched_at),
            arrived: incident.arrived.then_some(incident.arrived_at),
            cleared,
            first_kind: (incident.first_kind != u16::MAX).then_some(incident.first_kind),
            police: incident.police,
            units: incident.units,
            ending: incident.ending,
        });
    }
}
