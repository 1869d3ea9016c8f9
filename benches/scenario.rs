//! One replication of every shipped scenario on one core (the big city's year and the
//! prevention city's three years among them), the peer comparison's one-zone model,
//! and a full 100-replication run of the mid-size city on all cores.

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
