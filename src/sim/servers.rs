//! A pool of identical servers on a staffing schedule, with a first-come queue: the
//! hotline's counselors and the psychiatry consult lines.

use std::collections::VecDeque;

use crate::model::Schedule;
use crate::time::Minutes;

/// Servers on duty, those busy, and who waits (by slot and queue number).
pub(super) struct Servers {
    on_duty: u32,
    busy: u32,
    queue: VecDeque<(u32, u64)>,
    seq: u64,
}

impl Servers {
    pub(super) fn new() -> Self {
        Servers {
            on_duty: 0,
            busy: 0,
            queue: VecDeque::new(),
            seq: 0,
        }
    }

    /// Sets the number on duty for time `now` (none before `from`); returns when it
    /// next changes, if ever. Busy servers beyond the new number finish their job first.
    pub(super) fn restaff(
        &mut self,
        schedule: &Schedule,
        from: Minutes,
        now: Minutes,
    ) -> Option<Minutes> {
        if now < from {
            self.on_duty = 0;
            return Some(from);
        }
        self.on_duty = schedule.units_at(now);
        (schedule.steps.len() > 1).then(|| schedule.next_change(now))
    }

    /// A server is free.
    pub(super) fn has_free(&self) -> bool {
        self.busy < self.on_duty
    }

    /// One more server is busy.
    pub(super) fn start(&mut self) {
        self.busy += 1;
    }

    /// A server finished.
    pub(super) fn finish(&mut self) {
        self.busy -= 1;
    }

    /// Puts `slot` at the back of the queue; returns its queue number, which tells a
    /// live entry from one that left the queue when it comes to the front.
    pub(super) fn enqueue(&mut self, slot: u32) -> u64 {
        self.seq += 1;
        self.queue.push_back((slot, self.seq));
        self.seq
    }

    /// The entry at the front, if a server is free to take it.
    pub(super) fn next_waiting(&mut self) -> Option<(u32, u64)> {
        if self.has_free() {
            self.queue.pop_front()
        } else {
            None
        }
    }
}
