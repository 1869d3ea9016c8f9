//! The discrete-event kernel: a clock and a queue of pending events.
//!
//! It knows nothing of crises. Events are a plain type `E` chosen by the caller
//! (the domain uses a small `Copy` enum), so scheduling never allocates once the
//! queue has grown to its working size. Events at equal times come out in the order
//! they were scheduled, which makes every run deterministic. Besides the heap there
//! are a few timers, one pending event each, for sources that always have exactly one
//! next event (arrival processes); they take part in the same ordering.

use std::cmp::Reverse;

use dary_heap::QuaternaryHeap;

/// Simulation time. The domain uses minutes; the kernel does not care.
pub type Time = f64;

/// An event the kernel can store in 32 bits. Packing keeps a queue entry at 16 bytes
/// (time, insertion number, event), compared as one integer: the queue is the hot
/// path of every simulation.
pub trait Event: Copy {
    /// The event as 32 bits.
    fn encode(self) -> u32;
    /// The event back from what `encode` made.
    fn decode(code: u32) -> Self;
}

impl Event for u32 {
    fn encode(self) -> u32 {
        self
    }
    fn decode(code: u32) -> Self {
        code
    }
}

/// `time bits (64) | insertion number (32) | event (32)`. The bits of a non-negative
/// float order like the number, so integer order is time order, then FIFO.
fn pack(time: Time, seq: u32, code: u32) -> u128 {
    (u128::from(time.to_bits()) << 64) | (u128::from(seq) << 32) | u128::from(code)
}

/// The key of an unset timer: later than any real event.
const NO_TIMER: u128 = u128::MAX;

fn time_of(key: u128) -> Time {
    f64::from_bits((key >> 64) as u64)
}

/// A clock and a priority queue of future events: a 4-ary min-heap of packed keys
/// (about a fifth faster than std's binary heap in `benches/kernel.rs`), plus timers.
///
/// `schedule` and `next_before` are O(log n) in the number of pending heap events;
/// `set_timer` and a timer's firing are O(number of timers).
pub struct Scheduler<E> {
    heap: QuaternaryHeap<Reverse<u128>>,
    /// One pending event at most per timer, kept out of the heap (`NO_TIMER` when none).
    timers: Vec<u128>,
    /// The earliest timer key and its index (`NO_TIMER` when no timer is set).
    first_timer: (u128, usize),
    now: Time,
    seq: u32,
    processed: u64,
    kind: std::marker::PhantomData<E>,
}

impl<E: Event> Default for Scheduler<E> {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl<E: Event> Scheduler<E> {
    /// An empty scheduler at time 0 with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            heap: QuaternaryHeap::with_capacity(capacity),
            timers: Vec::new(),
            first_timer: (NO_TIMER, 0),
            now: 0.0,
            seq: 0,
            processed: 0,
            kind: std::marker::PhantomData,
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

    /// Schedules `event` at absolute time `at`.
    ///
    /// # Panics
    /// On a time before now or NaN: an event in the past is a bug in the caller, and
    /// moving it silently to now would hide it.
    #[inline]
    pub fn schedule(&mut self, at: Time, event: E) {
        let key = self.key(at, event);
        self.heap.push(Reverse(key));
    }

    /// The packed key of an event at `at` with the next insertion number.
    #[inline]
    fn key(&mut self, at: Time, event: E) -> u128 {
        assert!(
            at >= self.now,
            "event scheduled at {at}, before the current time {}",
            self.now
        );
        // Time starts at 0 and never goes back, so every stored time is >= 0; adding
        // +0.0 turns -0.0 (equal to 0, with the sign bit set) into +0.0.
        let time = at + 0.0;
        if self.seq == u32::MAX {
            self.renumber();
        }
        self.seq += 1;
        pack(time, self.seq, event.encode())
    }

    /// Sets timer `timer` to fire `event` at `at`, replacing what it held. Panics on a
    /// time in the past, as [`Scheduler::schedule`] does.
    ///
    /// A timer is for a source that always has exactly one next event (an arrival
    /// process): keeping it out of the heap saves a push and a pop per event. Timers
    /// and heap events come out in exactly the order they would from the heap alone.
    /// O(number of timers).
    #[inline]
    pub fn set_timer(&mut self, timer: usize, at: Time, event: E) {
        if timer >= self.timers.len() {
            self.timers.resize(timer + 1, NO_TIMER);
        }
        let key = self.key(at, event);
        self.timers[timer] = key;
        if key < self.first_timer.0 || self.first_timer.1 == timer {
            self.find_first_timer();
        }
    }

    fn find_first_timer(&mut self) {
        self.first_timer = self
            .timers
            .iter()
            .enumerate()
            .map(|(i, k)| (*k, i))
            .min()
            .unwrap_or((NO_TIMER, 0));
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
        let heap_key = self.heap.peek().map_or(NO_TIMER, |r| r.0);
        let (timer_key, timer) = self.first_timer;
        let key = heap_key.min(timer_key);
        if key == NO_TIMER || time_of(key) > end {
            return None;
        }
        if timer_key < heap_key {
            self.timers[timer] = NO_TIMER;
            self.find_first_timer();
        } else {
            self.heap.pop();
        }
        self.now = time_of(key);
        self.processed += 1;
        Some(E::decode(key as u32))
    }

    /// Numbers the pending events afresh from 1 in their current order, so the
    /// insertion counter can start again without changing which event comes first.
    #[cold]
    fn renumber(&mut self) {
        let mut keys: Vec<(u128, Option<usize>)> = std::mem::take(&mut self.heap)
            .into_iter()
            .map(|Reverse(k)| (k, None))
            .chain(
                self.timers
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| **k != NO_TIMER)
                    .map(|(i, k)| (*k, Some(i))),
            )
            .collect();
        keys.sort_unstable();
        self.seq = 0;
        for (key, timer) in keys {
            self.seq += 1;
            let fresh = pack(time_of(key), self.seq, key as u32);
            match timer {
                Some(i) => self.timers[i] = fresh,
                None => self.heap.push(Reverse(fresh)),
            }
        }
        self.find_first_timer();
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
        s.schedule(5.0, 3u32);
        s.schedule(1.0, 1);
        s.schedule(5.0, 4);
        s.schedule(1.0, 2);
        let mut out = Vec::new();
        while let Some(e) = s.next_before(f64::INFINITY) {
            out.push((s.now(), e));
        }
        assert_eq!(out, vec![(1.0, 1), (1.0, 2), (5.0, 3), (5.0, 4)]);
        assert_eq!(s.processed(), 4);
    }

    #[test]
    fn stops_at_end() {
        let mut s = Scheduler::default();
        s.schedule(-0.0, 0u32);
        s.schedule(10.0, 1);
        s.schedule(20.0, 2);
        assert_eq!(s.next_before(15.0), Some(0));
        assert_eq!(s.next_before(15.0), Some(1));
        assert_eq!(s.next_before(15.0), None);
        assert_eq!(s.now(), 10.0);
        s.schedule(10.0, 3);
        assert_eq!(s.next_before(15.0), Some(3));
        assert_eq!(s.pending(), 1);
    }

    #[test]
    #[should_panic(expected = "before the current time")]
    fn refuses_a_time_in_the_past() {
        let mut s = Scheduler::default();
        s.schedule(10.0, 1u32);
        s.next_before(f64::INFINITY);
        s.schedule(3.0, 2);
    }

    #[test]
    #[should_panic(expected = "before the current time")]
    fn refuses_nan() {
        let mut s: Scheduler<u32> = Scheduler::default();
        s.set_timer(0, f64::NAN, 1);
    }

    #[test]
    fn insertion_counter_wraps_without_reordering() {
        let mut s: Scheduler<u32> = Scheduler {
            seq: u32::MAX - 2,
            ..Scheduler::default()
        };
        for id in 0..6u32 {
            s.schedule(1.0, id);
        }
        s.schedule(0.5, 99);
        let got: Vec<u32> = std::iter::from_fn(|| s.next_before(f64::INFINITY)).collect();
        assert_eq!(got, vec![99, 0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn timers_interleave_with_heap_events_in_fifo_order() {
        let mut s: Scheduler<u32> = Scheduler::default();
        s.schedule(2.0, 10);
        s.set_timer(0, 1.0, 20);
        s.set_timer(1, 2.0, 30); // same time as event 10, set later: comes after it
        s.schedule(2.0, 11);
        let mut out = Vec::new();
        while let Some(e) = s.next_before(f64::INFINITY) {
            out.push(e);
            if e == 20 {
                s.set_timer(0, 3.0, 21);
            }
        }
        assert_eq!(out, vec![20, 10, 30, 11, 21]);
        s.set_timer(0, 9.0, 1);
        s.set_timer(0, 8.0, 2); // replaces the earlier setting
        assert_eq!(s.next_before(f64::INFINITY), Some(2));
        assert_eq!(s.next_before(f64::INFINITY), None);
    }

    #[test]
    fn renumbering_keeps_timers_in_order() {
        let mut s: Scheduler<u32> = Scheduler {
            seq: u32::MAX - 2,
            ..Scheduler::default()
        };
        s.schedule(1.0, 0);
        s.set_timer(0, 1.0, 1);
        s.schedule(1.0, 2);
        s.schedule(1.0, 3);
        let got: Vec<u32> = std::iter::from_fn(|| s.next_before(f64::INFINITY)).collect();
        assert_eq!(got, vec![0, 1, 2, 3]);
    }

    /// One step of a random workload: schedule on the heap, set a timer, or pop.
    #[derive(Clone, Debug)]
    enum Op {
        Schedule(u8),
        Timer(u8, u8),
        Pop,
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            (0..20u8).prop_map(Op::Schedule),
            (0..3u8, 0..20u8).prop_map(|(t, d)| Op::Timer(t, d)),
            Just(Op::Pop),
        ]
    }

    proptest::proptest! {
        /// Heap events and timers, with many equal times, come out exactly as a
        /// reference list sorted by (time, order of scheduling) would give them.
        #[test]
        fn matches_a_reference_sort(ops in proptest::collection::vec(op(), 1..300)) {
            let mut s: Scheduler<u32> = Scheduler::default();
            // (time, insertion, id, timer)
            let mut reference: Vec<(f64, u64, u32, Option<u8>)> = Vec::new();
            let mut inserted = 0u64;
            for (id, op) in ops.iter().enumerate() {
                let id = id as u32;
                match *op {
                    Op::Schedule(delay) => {
                        let at = s.now() + f64::from(delay);
                        s.schedule(at, id);
                        inserted += 1;
                        reference.push((at, inserted, id, None));
                    }
                    Op::Timer(timer, delay) => {
                        let at = s.now() + f64::from(delay);
                        s.set_timer(usize::from(timer), at, id);
                        inserted += 1;
                        reference.retain(|e| e.3 != Some(timer));
                        reference.push((at, inserted, id, Some(timer)));
                    }
                    Op::Pop => {
                        reference.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                        let expected = (!reference.is_empty()).then(|| reference.remove(0));
                        let got = s.next_before(f64::INFINITY);
                        proptest::prop_assert_eq!(got, expected.map(|e| e.2));
                        if let Some(e) = expected {
                            proptest::prop_assert_eq!(s.now(), e.0);
                        }
                    }
                }
            }
        }
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
