//! Helpers shared by the integration tests (each test file uses some of them).

use std::path::{Path, PathBuf};

use crisis_sim::experiment::{self, RunOptions};
use crisis_sim::model::{self, Model};
use crisis_sim::rng::replication_seed;
use crisis_sim::scenario;
use crisis_sim::sim::{self, Record};
use crisis_sim::stats::{Provenance, RunSummary};
use rayon::prelude::*;

/// Loads and validates a scenario shipped with the crate, with `--set` overrides.
pub fn load(path: &str, sets: &[&str]) -> Model {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let loaded = scenario::load(&root.join(path), &sets).unwrap_or_else(|e| panic!("{e}"));
    model::build(&loaded).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs and summarises all replications of a model on `threads` threads.
pub fn run(model: &Model, threads: usize) -> RunSummary {
    let options = RunOptions {
        threads: Some(threads),
        progress: false,
    };
    experiment::run(model, Provenance::default(), &options).unwrap()
}

/// The raw record of every replication of a model, in replication order.
pub fn records(model: &Model) -> Vec<Record> {
    (0..model.replications)
        .into_par_iter()
        .map(|i| sim::run(model, replication_seed(model.seed, u64::from(i))))
        .collect()
}

/// The incidents a record accounts for: dispatched, still waiting at the horizon,
/// resolved by phone, left unresolved by the hotline, or cancelled before dispatch. Each
/// incident is exactly one of these.
pub fn accounted(rec: &Record) -> u64 {
    rec.dispatched + rec.unserved + rec.hotline_resolved + rec.hotline_lost + rec.cancelled_waiting
}

/// A metric's value in every replication of a run.
pub fn column(run: &RunSummary, metric: &str) -> Vec<f64> {
    run.column(metric)
        .unwrap_or_else(|| panic!("no metric {metric}"))
}

/// Every scenario file shipped under `scenarios/`, sorted.
pub fn shipped_scenarios() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Runs the `crisis-sim` binary in the crate folder and asserts that it succeeds.
pub fn run_cli(args: &[&str]) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file of folder `dir`, relative, with its bytes.
pub fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// Runs the built binary from the crate's root, as a user in a clone would.
pub fn crisis_sim(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}
