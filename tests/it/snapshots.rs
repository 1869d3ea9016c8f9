//! Snapshots (insta) of text users read: every bad-input message of the corpus in
//! tests/data/bad/, and a comparison's CSV. A change to either shows as a diff of the
//! file under tests/it/snapshots/; accept it with `INSTA_UPDATE=always cargo test`.

use std::path::{Path, PathBuf};

use crisis_sim::experiment::{self, RunOptions};
use crisis_sim::report;

#[test]
fn bad_input_messages() {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/data/bad")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut text = String::new();
    for path in files {
        let message = match experiment::load(&path, &[]) {
            Ok(_) => "accepted".to_string(),
            Err(e) => e.to_string(),
        };
        text.push_str(&format!("{message}\n\n"));
    }
    insta::assert_snapshot!(text);
}

#[test]
fn comparison_csv() {
    let csv = report::compare::comparison_csv(&small_comparison()).unwrap();
    insta::assert_snapshot!(String::from_utf8(csv).unwrap());
}

/// The comparison as a council reads it first: the console's paragraphs, overview and
/// equity lines, and `overview.csv`.
#[test]
fn comparison_console_and_overview() {
    let comparison = small_comparison();
    insta::assert_snapshot!("comparison_console", report::compare::console(&comparison));
    let csv = report::overview::csv(&comparison).unwrap();
    insta::assert_snapshot!("overview_csv", String::from_utf8(csv).unwrap());
}

/// A scenario against itself with fewer units, 20 days.
fn small_comparison() -> crisis_sim::stats::Comparison {
    let files = [
        Path::new("tests/data/fallback.toml").to_path_buf(),
        Path::new("tests/data/fallback.toml").to_path_buf(),
    ];
    let sets = vec!["scenario.days=20".to_string()];
    let mut prepared = experiment::compare::prepare(&files, &sets, &[]).unwrap();
    prepared.scenarios[1].model.kinds[0].schedule.steps = vec![(0.0, 2)];
    let options = RunOptions {
        threads: Some(2),
        progress: false,
    };
    experiment::compare::compare(&prepared, &options).unwrap()
}

/// Every command's `--help`: the first document a user reads. A changed default or
/// flag shows here as a diff.
#[test]
fn help_of_every_command() {
    let commands = [
        "",
        "run",
        "compare",
        "sweep",
        "size",
        "plan",
        "uncertainty",
        "calibrate",
        "validate",
        "merge",
        "report",
        "check",
        "serve",
    ];
    for command in commands {
        let mut args: Vec<&str> = vec![command, "--help"];
        args.retain(|a| !a.is_empty());
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let name = if command.is_empty() { "main" } else { command };
        insta::assert_snapshot!(
            format!("help_{name}"),
            String::from_utf8(out.stdout).unwrap()
        );
    }
}
