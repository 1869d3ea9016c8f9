//! The floor crisis-sim is measured against: an M/M/c queue written as bare as it
//! goes, a binary heap of (time, event) and a FIFO queue, on the generator crisis-sim
//! uses (PCG64 MCG) with rand_distr's exponential draws. It prints the calls, the mean
//! wait and the loop's seconds as one JSON line, for `benches/peers/run.sh`.
//!
//! cargo run --release --example bare-mm5 -- DAYS SEED

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::time::Instant;

use rand::SeedableRng;
use rand_distr::{Distribution, Exp};
use rand_pcg::Pcg64Mcg;

/// Five servers, 102 calls a day, 60-minute mean service: ρ = 0.85, as
/// `scenarios/validation/mmc.toml`.
const SERVERS: u32 = 5;
const PER_MINUTE: f64 = 102.0 / 1440.0;
const SERVICE_MIN: f64 = 60.0;

/// An arrival or a departure, ordered by time (bit pattern of a non-negative f64
/// orders as the number does), then by insertion.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key(u64, u64, bool);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let days: f64 = args.get(1).and_then(|d| d.parse().ok()).unwrap_or(36_500.0);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(7);
    let start = Instant::now();
    let (calls, mean_wait) = simulate(days * 1440.0, seed);
    let loop_s = start.elapsed().as_secs_f64();
    println!("{{\"calls\": {calls}, \"mean_wait_min\": {mean_wait}, \"loop_s\": {loop_s}}}");
}

/// Calls arrived by `horizon` and the mean wait of those that began service.
fn simulate(horizon: f64, seed: u64) -> (u64, f64) {
    let mut arrivals = Pcg64Mcg::seed_from_u64(seed);
    let mut service = Pcg64Mcg::seed_from_u64(seed ^ 0x9E37_79B9_7F4A_7C15);
    let gap = Exp::new(PER_MINUTE).expect("a positive rate");
    let work = Exp::new(1.0 / SERVICE_MIN).expect("a positive rate");
    let mut heap: BinaryHeap<Reverse<Key>> = BinaryHeap::new();
    let mut waiting: VecDeque<f64> = VecDeque::new();
    let (mut free, mut seq, mut calls, mut served, mut waited) = (SERVERS, 0u64, 0u64, 0u64, 0.0);
    let mut push = |heap: &mut BinaryHeap<Reverse<Key>>, t: f64, arrival: bool| {
        seq += 1;
        heap.push(Reverse(Key(t.to_bits(), seq, arrival)));
    };
    push(&mut heap, gap.sample(&mut arrivals), true);
    while let Some(Reverse(Key(bits, _, arrival))) = heap.pop() {
        let now = f64::from_bits(bits);
        if now >= horizon {
            break;
        }
        if arrival {
            calls += 1;
            push(&mut heap, now + gap.sample(&mut arrivals), true);
            if free > 0 {
                free -= 1;
                served += 1;
                push(&mut heap, now + work.sample(&mut service), false);
            } else {
                waiting.push_back(now);
            }
        } else if let Some(since) = waiting.pop_front() {
            served += 1;
            waited += now - since;
            push(&mut heap, now + work.sample(&mut service), false);
        } else {
            free += 1;
        }
    }
    (calls, waited / served as f64)
}
