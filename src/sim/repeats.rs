//! Pending repeat crises, kept apart from the kernel's queue. They wait for weeks,
//! and hundreds of them in the main queue would slow every other event; so they
//! wait here, and only the earliest is armed in the kernel at any time.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use super::people::PendingRepeat;
use crate::time::Minutes;

struct Entry {
    at: Minutes,
    seq: u64,
    repeat: PendingRepeat,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.at.total_cmp(&other.at).then(self.seq.cmp(&other.seq))
    }
}

/// Pending repeats, earliest first, and the time of the one armed in the kernel.
pub(super) struct Calendar {
    heap: BinaryHeap<Reverse<Entry>>,
    armed: Minutes,
    seq: u64,
}

impl Calendar {
    pub(super) fn new() -> Self {
        Calendar {
            heap: BinaryHeap::new(),
            armed: f64::INFINITY,
            seq: 0,
        }
    }

    /// Adds a repeat due at `at`; returns the time to arm in the kernel if it is now
    /// the earliest.
    pub(super) fn push(&mut self, at: Minutes, repeat: PendingRepeat) -> Option<Minutes> {
        self.seq += 1;
        self.heap.push(Reverse(Entry {
            at,
            seq: self.seq,
            repeat,
        }));
        (at < self.armed).then(|| {
            self.armed = at;
            at
        })
    }

    /// The kernel fired a repeat event at `now`: the next repeat due by then, if any.
    /// Call until `None`, then [`Calendar::rearm`].
    pub(super) fn pop_due(&mut self, now: Minutes) -> Option<PendingRepeat> {
        if self.armed <= now {
            self.armed = f64::INFINITY;
        }
        if self.heap.peek()?.0.at > now {
            return None;
        }
        self.heap.pop().map(|Reverse(e)| e.repeat)
    }

    /// The time to arm next in the kernel, if the earliest pending repeat is not armed.
    pub(super) fn rearm(&mut self) -> Option<Minutes> {
        let next = self.heap.peek()?.0.at;
        (next < self.armed).then(|| {
            self.armed = next;
            next
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Point;

    fn person(p: u64) -> PendingRepeat {
        PendingRepeat {
            person: crate::sim::people::Someone::new(p),
            crisis: 1,
            zone: 0,
            pos: Point { x: 0.0, y: 0.0 },
            call_type: 0,
            follow_up_draw: 0.5,
        }
    }

    #[test]
    fn arms_only_the_earliest_and_releases_in_order() {
        let mut c = Calendar::new();
        assert_eq!(c.push(50.0, person(1)), Some(50.0));
        assert_eq!(c.push(80.0, person(2)), None);
        assert_eq!(c.push(20.0, person(3)), Some(20.0));
        // The stale event at 50 may fire later; at 20 only person 3 is due.
        assert_eq!(c.pop_due(20.0).map(|r| r.person.number), Some(3));
        assert!(c.pop_due(20.0).is_none());
        assert_eq!(c.rearm(), Some(50.0));
        assert_eq!(c.pop_due(50.0).map(|r| r.person.number), Some(1));
        assert!(c.pop_due(50.0).is_none());
        assert_eq!(c.rearm(), Some(80.0));
        assert_eq!(c.pop_due(80.0).map(|r| r.person.number), Some(2));
        assert_eq!(c.rearm(), None);
    }
}
