//! One replication of every shipped scenario on one core (the big city's year and the
//! prevention city's three years among them), the peer comparison's one-zone model,
//! a full 100-replication run of the mid-size city and a 20-point sweep, on all cores.

use crisis_sim::experiment::{self, RunOptions, sweep};
use crisis_sim::{model, scenario};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

fn load(path: &str, sets: &[String]) -> model::Model {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = scenario::load(&root.join(path), sets).expect("shipped scenario loads");
    model::build(&loaded).expect("shipped scenario is valid")
}

/// Every `.toml` under `scenarios/`, sorted, then the peer comparison's model.
fn scenario_files() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut dirs = vec![root.join("scenarios")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir)
            .expect("scenarios/ is readable")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                let relative = path.strip_prefix(root).expect("under the crate");
                files.push(relative.to_string_lossy().to_string());
            }
        }
    }
    files.sort();
    files.push("benches/peers/one-zone.toml".into());
    files
}

fn one_replication(c: &mut Criterion) {
    let mut group = c.benchmark_group("one_replication");
    for path in scenario_files() {
        let m = load(&path, &[]);
        // A big city's year takes seconds: the fewest samples criterion allows.
        group.sample_size(if path.contains("big-city") { 10 } else { 20 });
        group.bench_function(&path, |b| {
            b.iter(|| black_box(experiment::replication(&m, 0)))
        });
    }
    group.finish();
}

/// Every core, no progress bar.
fn all_cores() -> RunOptions {
    RunOptions {
        threads: None,
        progress: false,
    }
}

fn hundred_replications(c: &mut Criterion) {
    let m = load(
        "scenarios/mid-size-city.toml",
        &["scenario.replications=100".into()],
    );
    let options = all_cores();
    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    group.bench_function("mid-size-city x100, all cores", |b| {
        b.iter(|| black_box(experiment::replicate(&m, &options)))
    });
    group.finish();
}

/// The sweep a planner runs first: vans from 1 to 20 in the mid-size city, two
/// replications a point (40 replications in all), every point on all cores.
fn twenty_point_sweep(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = root.join("scenarios/mid-size-city-mobile-crisis.toml");
    let axis = sweep::parse_vary("responders.mobile_crisis.units=1..20").expect("a valid axis");
    let sets = ["scenario.replications=2".to_string()];
    let prepared = sweep::prepare(&file, &sets, vec![axis]).expect("the sweep loads");
    let options = all_cores();
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10);
    group.bench_function("mid-size-city-mobile-crisis, 20 points x 2", |b| {
        b.iter(|| {
            for m in &prepared.models {
                black_box(experiment::replicate(m, &options).expect("runs"));
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).without_plots();
    targets = one_replication, hundred_replications, twenty_point_sweep
}
criterion_main!(benches);
