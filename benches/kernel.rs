//! Kernel throughput: the classic "hold" model. A fixed number of events is pending;
//! each event handled schedules one more at a pseudo-random later time.

use crisis_sim::kernel::Scheduler;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn hold(pending: usize, events: u64) -> u64 {
    let mut s: Scheduler<u32> = Scheduler::with_capacity(pending);
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut step = || {
        // xorshift: cheap, so the benchmark measures the queue, not the generator
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64 * 100.0
    };
    for i in 0..pending {
        s.schedule(step(), i as u32);
    }
    let mut sum = 0u64;
    while s.processed() < events {
        let Some(id) = s.next_before(f64::INFINITY) else {
            break;
        };
        sum = sum.wrapping_add(u64::from(id));
        s.schedule_in(step(), id);
    }
    sum
}

fn kernel(c: &mut Criterion) {
    let mut group = c.benchmark_group("kernel_hold");
    let events = 1_000_000;
    group.throughput(Throughput::Elements(events));
    for pending in [100usize, 1_000, 10_000] {
        group.bench_function(format!("{pending}_pending"), |b| {
            b.iter(|| black_box(hold(pending, events)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).without_plots();
    targets = kernel
}
criterion_main!(benches);
