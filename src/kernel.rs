//! The discrete-event kernel: a clock and a queue of pending events.
//!
//! It knows nothing of crises. Events are a plain type `E` chosen by the caller
//! (the domain uses a small `Copy` enum), so scheduling never allocates once the
//! queue has grown to its working size. Events at equal times come out in the order
//! they were scheduled, which makes every run deterministic.

use dary_heap::QuaternaryHeap as BinaryHeap;
use std::cmp::Ordering;

/// Simulation time. The domain uses minutes; the kernel does not care.
pub type Time = f64;

/// A pending event. `key` packs the time's bits (which order like the number for
/// non-negative floats) above the insertion counter, so one integer comparison
/// orders by time, then first-in first-out.
struct Entry<E> {
    key: u128,
    event: E,
}

impl<E> Entry<E> {
    #[inline]
    fn time(&self) -> Time {
        f64::from_bits((self.key >> 64) as u64)
    }
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<E> Eq for Entry<E> {}

impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Entry<E> {
    /// Reversed, so that `BinaryHeap` (a max-heap) yields the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// A clock and a priority queue of future events (std's binary heap, whose
/// hole-based sifting beat a hand-written 4-ary heap in `benches/kernel.rs`).
///
/// `schedule` and `next_before` are O(log n) in the number of pending events.
pub struct Scheduler<E> {
    heap: BinaryHeap<Entry<E>>,
    now: Time,
    seq: u64,
    processed: u64,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl<E> Scheduler<E> {
    /// An empty scheduler at time 0 with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            heap: BinaryHeap::with_capacity(capacity),
            now: 0.0,
            seq: 0,
            processed: 0,
        }
    }

    /// The current simulation time.
    #[inline]
    pub fn now(&self) -> Time {
        self.now
    }

    /// Number of events handed out so far.
    pub fn processed(&self) -> u64 {
        self.processed
    }

    /// Number of events waiting.
    pub fn pending(&self) -> usize {
        self.heap.len()
    }

    /// Schedules `event` at absolute time `at`; a time in the past (or NaN) is clamped
    /// to now, so causality holds even with rounding in the caller's arithmetic.
    #[inline]
    pub fn schedule(&mut self, at: Time, event: E) {
        // Time starts at 0 and never goes back, so every stored time is >= +0.0.
        let time = if at > self.now { at } else { self.now };
        self.seq += 1;
        let key = (u128::from(time.to_bits()) << 64) | u128::from(self.seq);
        self.heap.push(Entry { key, event });
    }

    /// Schedules `event` after `delay` from now.
    #[inline]
    pub fn schedule_in(&mut self, delay: Time, event: E) {
        self.schedule(self.now + delay, event);
    }

    /// Removes the earliest event if it is due no later than `end`, advancing the clock
    /// to its time. Returns `None` (and leaves the clock alone) otherwise.
    #[inline]
    pub fn next_before(&mut self, end: Time) -> Option<E> {
        if self.heap.peek()?.time() > end {
            return None;
        }
        let entry = self.heap.pop()?;
        self.now = entry.time();
        self.processed += 1;
        Some(entry.event)
    }

    /// Moves the clock forward to `to` without handling anything (used at the horizon).
    pub fn advance_to(&mut self, to: Time) {
        if to > self.now {
            self.now = to;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_and_fifo_among_ties() {
        let mut s = Scheduler::default();
        s.schedule(5.0, 'c');
        s.schedule(1.0, 'a');
        s.schedule(5.0, 'd');
        s.schedule(1.0, 'b');
        let mut out = Vec::new();
        while let Some(e) = s.next_before(f64::INFINITY) {
            out.push((s.now(), e));
        }
        assert_eq!(out, vec![(1.0, 'a'), (1.0, 'b'), (5.0, 'c'), (5.0, 'd')]);
        assert_eq!(s.processed(), 4);
    }

    #[test]
    fn stops_at_end_and_clamps_past_times() {
        let mut s = Scheduler::default();
        s.schedule(10.0, 1);
        s.schedule(20.0, 2);
        assert_eq!(s.next_before(15.0), Some(1));
        assert_eq!(s.next_before(15.0), None);
        assert_eq!(s.now(), 10.0);
        s.schedule(3.0, 3);
        s.schedule(f64::NAN, 4);
        s.schedule(-0.0, 5);
        assert_eq!(s.next_before(15.0), Some(3));
        assert_eq!(s.next_before(15.0), Some(4));
        assert_eq!(s.next_before(15.0), Some(5));
        assert_eq!(s.now(), 10.0);
        assert_eq!(s.pending(), 1);
    }

    #[test]
    fn matches_a_sorted_order_on_many_random_events() {
        // Pseudo-random times with many ties: output must be sorted by (time, insertion).
        let mut s = Scheduler::default();
        let mut expected = Vec::new();
        let mut x: u64 = 12345;
        for id in 0..5000u32 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let t = ((x >> 33) % 500) as f64;
            s.schedule(t, id);
            expected.push((t, id));
        }
        expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let got: Vec<_> =
            std::iter::from_fn(|| s.next_before(f64::INFINITY).map(|e| (s.now(), e))).collect();
        assert_eq!(got, expected);
    }
}
