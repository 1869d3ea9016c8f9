//! One replication of each shipped scenario on one core, and a full 100-replication
//! run of the mid-size city on all cores.

use crisis_sim::experiment::{self, RunOptions};
use crisis_sim::{model, scenario};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

fn load(path: &str, sets: &[String]) -> model::Model {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = scenario::load(&root.join(path), sets).expect("shipped scenario loads");
    model::build(&loaded).expect("shipped scenario is valid")
}

fn one_replication(c: &mut Criterion) {
    let mut group = c.benchmark_group("one_replication");
    for path in [
        "scenarios/mid-size-city.toml",
        "scenarios/validation/mmc.toml",
    ] {
        let m = load(path, &[]);
        group.bench_function(path, |b| {
            b.iter(|| black_box(experiment::replication(&m, 0)))
        });
    }
    group.finish();
}

fn hundred_replications(c: &mut Criterion) {
    let m = load(
        "scenarios/mid-size-city.toml",
        &["scenario.replications=100".into()],
    );
    let options = RunOptions {
        threads: None,
        progress: false,
    };
    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    group.bench_function("mid-size-city x100, all cores", |b| {
        b.iter(|| black_box(experiment::replicate(&m, &options)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).without_plots();
    targets = one_replication, hundred_replications
}
criterion_main!(benches);
