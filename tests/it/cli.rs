//! The command line end to end: the shipped scenarios, the output contract,
//! byte-for-byte determinism across thread counts, `extends` and `--set`.

use super::common;

use std::path::Path;
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn crisis_sim(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn check_accepts_every_shipped_scenario() {
    let files = common::shipped_scenarios();
    assert!(files.len() >= 3);
    let mut args = vec!["check"];
    args.extend(files.iter().map(|p| p.to_str().unwrap()));
    let out = crisis_sim(&args, root());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        files.len()
    );
}

#[test]
fn run_writes_the_output_contract_for_every_shipped_scenario() {
    let temp = tempfile::tempdir().unwrap();
    for scenario in common::shipped_scenarios() {
        let out_dir = temp.path().join(scenario.file_stem().unwrap());
        let out = crisis_sim(
            &[
                "run",
                scenario.to_str().unwrap(),
                "--out",
                out_dir.to_str().unwrap(),
                "--replications",
                "3",
                "--days",
                "30",
            ],
            root(),
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("incidents") && stdout.contains("95% CI"),
            "{stdout}"
        );

        let summary = json(&out_dir.join("summary.json"));
        for key in [
            "scenario",
            "seed",
            "replications",
            "days",
            "warmup_days",
            "crate_version",
            "metrics",
            "by_call_type",
            "by_zone",
            "perf",
        ] {
            assert!(summary.get(key).is_some(), "summary.json lacks {key}");
        }
        assert_eq!(summary["replications"], 3);
        assert_eq!(summary["days"], 30.0);
        let metrics = summary["metrics"].as_object().unwrap();
        for name in [
            "incidents",
            "response_time_mean_min",
            "response_time_p50_min",
            "response_time_p90_min",
            "dispatch_wait_mean_min",
            "unserved",
            "police_involved_share",
            "no_police_share",
            "backup_requests",
            "resolved_on_scene_share",
            "referred_share",
            "crisis_center",
            "emergency_department",
            "arrests",
            "use_of_force",
            "injuries",
        ] {
            let m = &metrics[name];
            // A metric with no value in any replication (no unit ever reached a call,
            // as on a hotline-only scenario) is written as null with n = 0.
            if m["n"] == 0 {
                assert!(m["mean"].is_null() && m["ci95"].is_null(), "{name}: {m}");
                continue;
            }
            assert!(m["mean"].is_number() && m["n"] == 3, "{name}: {m}");
            assert_eq!(m["ci95"].as_array().map(Vec::len), Some(2), "{name}");
        }
        assert_eq!(metrics["incidents"]["n"], 3);
        assert!(metrics.keys().any(|k| k.starts_with("utilization_")));
        assert!(summary["perf"]["events"].as_u64().unwrap() > 0);

        let csv = std::fs::read_to_string(out_dir.join("summary.csv")).unwrap();
        assert!(csv.starts_with("metric,mean,sd,ci95_lo,ci95_hi,n,pi95_lo,pi95_hi\n"));
        assert_eq!(csv.lines().count(), metrics.len() + 1);
        let reps = std::fs::read_to_string(out_dir.join("replications.csv")).unwrap();
        assert_eq!(reps.lines().count(), 4);
        assert!(reps.starts_with("replication,seed,incidents,"));
        let leftovers = std::fs::read_dir(&out_dir).unwrap().filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        });
        assert_eq!(leftovers.count(), 0, "temporary files left behind");
    }
}

#[test]
fn same_seed_gives_identical_files_on_one_or_two_threads() {
    let temp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/mid-size-city.toml");
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let dir = temp.path().join(threads);
        let out = crisis_sim(
            &[
                "run",
                scenario.to_str().unwrap(),
                "--out",
                dir.to_str().unwrap(),
                "--replications",
                "4",
                "--days",
                "60",
                "--threads",
                threads,
                "--quiet",
            ],
            root(),
        );
        assert!(out.status.success());
        assert!(out.stdout.is_empty(), "--quiet prints nothing");
        outputs.push(dir);
    }
    // Wall time is the only figure allowed to differ: compare every other byte.
    let without_wall_time = |dir: &Path| -> String {
        std::fs::read_to_string(dir.join("summary.json"))
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("\"wall_s\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        without_wall_time(&outputs[0]),
        without_wall_time(&outputs[1])
    );
    for file in ["summary.csv", "replications.csv"] {
        assert_eq!(
            std::fs::read(outputs[0].join(file)).unwrap(),
            std::fs::read(outputs[1].join(file)).unwrap(),
            "{file}"
        );
    }
    let other_seed = temp.path().join("seed2");
    crisis_sim(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            other_seed.to_str().unwrap(),
            "--replications",
            "4",
            "--days",
            "60",
            "--seed",
            "2",
            "--quiet",
        ],
        root(),
    );
    assert_ne!(
        std::fs::read(outputs[0].join("replications.csv")).unwrap(),
        std::fs::read(other_seed.join("replications.csv")).unwrap()
    );
}

#[test]
fn extends_and_set_override_the_base_and_default_out_is_used() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/data/tiny.toml"),
        temp.path().join("tiny.toml"),
    )
    .unwrap();
    std::fs::write(
        temp.path().join("child.toml"),
        "extends = \"tiny.toml\"\n\n[scenario]\nname = \"child\"\n\n[[responders]]\nname = \"police\"\nunits = 0\n",
    )
    .unwrap();
    // The child leaves no unit on duty: every incident stays unserved ...
    let out = crisis_sim(&["run", "child.toml", "--quiet"], temp.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = json(&temp.path().join("out/child/summary.json"));
    assert_eq!(summary["scenario"], "child");
    let m = &summary["metrics"];
    assert!(m["incidents"]["mean"].as_f64().unwrap() > 0.0);
    assert_eq!(m["unserved"]["mean"], m["incidents"]["mean"]);
    // ... until --set puts units back.
    let out = crisis_sim(
        &[
            "run",
            "child.toml",
            "--quiet",
            "--set",
            "responders.police.units=4",
            "--out",
            "set",
        ],
        temp.path(),
    );
    assert!(out.status.success());
    assert_eq!(
        json(&temp.path().join("set/summary.json"))["metrics"]["unserved"]["mean"],
        0.0
    );
    // An error in the child names the child file.
    std::fs::write(
        temp.path().join("broken.toml"),
        "extends = \"tiny.toml\"\n\n[demand]\nhourly = [1.0]\n",
    )
    .unwrap();
    let out = crisis_sim(&["check", "broken.toml"], temp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.toml:4:1: key `demand.hourly`"));
}

#[test]
fn help_shows_an_example() {
    let out = crisis_sim(&["run", "--help"], root());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Example") && text.contains("--replications"),
        "{text}"
    );
}

/// `report DIR` makes the charts and the page again from the saved summaries alone,
/// byte for byte, for a run and for a comparison.
#[test]
fn report_rebuilds_a_run_and_a_comparison_from_their_summaries() {
    let temp = tempfile::tempdir().unwrap();
    let run = temp.path().join("run");
    let cmp = temp.path().join("cmp");
    let quick = ["--replications", "3", "--days", "20", "--quiet"];
    let mut args = vec![
        "run",
        "tests/data/golden.toml",
        "--out",
        run.to_str().unwrap(),
    ];
    args.extend(quick);
    assert!(crisis_sim(&args, root()).status.success());
    let mut args = vec![
        "compare",
        "tests/data/golden.toml",
        "tests/data/fallback.toml",
        "--out",
        cmp.to_str().unwrap(),
    ];
    args.extend(quick);
    assert!(crisis_sim(&args, root()).status.success());
    for (dir, files) in [
        (
            &run,
            vec![
                "report.html",
                "summary.csv",
                "replications.csv",
                "charts/response_time.svg",
                "charts/hotline.svg",
                "charts/demand_by_hour.png",
            ],
        ),
        (
            &cmp,
            vec![
                "report.html",
                "comparison.csv",
                "charts/compare_shares.svg",
                "golden/summary.csv",
                "golden/report.html",
            ],
        ),
    ] {
        let before: Vec<Vec<u8>> = files
            .iter()
            .map(|f| std::fs::read(dir.join(f)).unwrap())
            .collect();
        for f in &files {
            std::fs::remove_file(dir.join(f)).unwrap();
        }
        let out = crisis_sim(&["report", dir.to_str().unwrap()], root());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for (f, old) in files.iter().zip(&before) {
            assert!(
                std::fs::read(dir.join(f)).unwrap() == *old,
                "{f} differs when rebuilt"
            );
        }
    }
    let empty = crisis_sim(&["report", temp.path().to_str().unwrap()], root());
    assert_eq!(empty.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("did not write"));
    let bare = temp.path().join("bare");
    std::fs::create_dir(&bare).unwrap();
    let nothing = crisis_sim(&["report", bare.to_str().unwrap()], root());
    assert_eq!(nothing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("neither summary.json"));
    std::fs::write(run.join("summary.json"), "{\"scenario\": 1}").unwrap();
    let broken = crisis_sim(&["report", run.to_str().unwrap()], root());
    assert_eq!(broken.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("summary.json:1:"));
}

/// A panic is a bug: the binary says so, asks for a report and exits 1, never with
/// Rust's 101. `CRISIS_SIM_TEST_PANIC` makes the binary panic on purpose (no input
/// should be able to).
#[test]
fn a_panic_exits_1_with_a_request_to_report_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
        .args(["check", "tests/data/tiny.toml"])
        .env("CRISIS_SIM_TEST_PANIC", "1")
        .current_dir(root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("which is a bug") && stderr.contains("Please report it"),
        "{stderr}"
    );
}

#[test]
fn help_lists_the_report_command() {
    let out = crisis_sim(&["--help"], root());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("report") && text.contains("Rebuild the charts"));
}

/// Output piped into a reader that stops early (`| head -1`) ends the program quietly:
/// no panic message, no error.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
        .arg("check")
        .args(common::shipped_scenarios())
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader has gone before the first line
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    assert_ne!(out.status.code(), Some(1));
}

/// Two different cities (other zones) on common random numbers do not see the same
/// crises: the comparison runs, but says that its paired intervals do not apply.
#[test]
fn comparing_another_city_says_pairing_does_not_apply() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("two-cities");
    let result = common::crisis_sim(&[
        "compare",
        "tests/data/tiny.toml",
        "tests/data/prefer.toml",
        "--days",
        "5",
        "--set",
        "scenario.warmup_days=1",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert!(stderr.contains("paired intervals do not apply"), "{stderr}");
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("paired intervals do not apply"));
    // The same city with other staffing is paired, with no such warning.
    let same = common::crisis_sim(&[
        "compare",
        "tests/data/tiny.toml",
        "--variant",
        "more: responders.police.units=5",
        "--days",
        "5",
        "--out",
        temp.path().join("same").to_str().unwrap(),
    ]);
    assert!(!String::from_utf8_lossy(&same.stderr).contains("do not apply"));
}

/// A sweep folder that holds saved points is never cleared unasked: run again, the
/// sweep is refused until told to `--resume` (keep them) or start `--fresh`.
#[test]
fn a_sweep_never_discards_saved_points_unasked() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("sweep");
    let sweep = |more: &[&str]| {
        let mut args = vec![
            "sweep",
            "tests/data/tiny.toml",
            "--vary",
            "responders.police.units=2,3",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(more);
        common::crisis_sim(&args)
    };
    assert!(sweep(&[]).status.success());
    let again = sweep(&[]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("holds 2 saved points") && stderr.contains("--fresh"),
        "{stderr}"
    );
    assert!(
        out.join("sweep.csv").is_file(),
        "the first sweep's files are kept"
    );
    assert!(sweep(&["--resume"]).status.success());
    assert!(sweep(&["--fresh"]).status.success());
}

/// `--outputs summary` writes the numbers alone, and `report` then draws the same
/// charts and report a full run writes.
#[test]
fn a_summary_only_run_can_be_drawn_later() {
    let temp = tempfile::tempdir().unwrap();
    let (lean, full) = (temp.path().join("lean"), temp.path().join("full"));
    let scenario = root().join("scenarios/validation/mmc.toml");
    let common_args = ["--days", "30", "--replications", "2", "--quiet"];
    for (dir, outputs) in [(&lean, "summary"), (&full, "all")] {
        let mut args = vec![
            "run",
            scenario.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ];
        args.extend(["--outputs", outputs]);
        args.extend(common_args);
        assert!(crisis_sim(&args, temp.path()).status.success());
    }
    // The folder's own marker (`.crisis-sim`) aside.
    let names = |dir: &Path| -> Vec<_> {
        (common::files(dir).into_iter())
            .map(|(p, _)| p)
            .filter(|p| !p.to_string_lossy().starts_with('.'))
            .collect()
    };
    assert_eq!(
        names(&lean),
        ["replications.csv", "summary.csv", "summary.json"].map(std::path::PathBuf::from)
    );
    assert!(
        crisis_sim(&["report", lean.to_str().unwrap()], temp.path())
            .status
            .success()
    );
    let drawn: Vec<_> = common::files(&lean)
        .into_iter()
        .filter(|(p, _)| p.starts_with("charts"))
        .collect();
    let whole: Vec<_> = common::files(&full)
        .into_iter()
        .filter(|(p, _)| p.starts_with("charts"))
        .collect();
    assert!(!drawn.is_empty());
    assert_eq!(drawn, whole);
}
