//! `sweep`, `size` and `merge`: sizing agrees with Erlang C on M/M/c, sweeps move the
//! way queueing theory says, shards merge and killed sweeps resume to the very same
//! bytes, and bad sizing input is refused with nothing written.

use super::common;
use super::queueing::erlang_c_wait;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::crisis_sim;
use crisis_sim::experiment::RunOptions;
use crisis_sim::experiment::size::{self, Question};
use crisis_sim::experiment::sweep::{self, parse_vary};
use crisis_sim::stats::size::Target;

const MMC: &str = "scenarios/validation/mmc.toml";
const VANS: &str = "scenarios/mid-size-city-mobile-crisis.toml";

fn root(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// With no travel the mean dispatch wait is M/M/c's mean wait in queue, so `size`
/// must answer the smallest c Erlang C gives. The threshold sits halfway (in ratio)
/// between the waits at c − 1 and c, far outside the simulation's noise.
#[test]
fn size_finds_the_staffing_erlang_c_gives() {
    for rate in [102.0_f64, 204.0, 300.0] {
        let a = rate / 24.0; // 100,000 people, 60-minute service: λ/μ in erlangs
        let c = (a / 0.8).ceil() as u32;
        let threshold = ((erlang_c_wait(c - 1, a) * 60.0) * (erlang_c_wait(c, a) * 60.0)).sqrt();
        let lowest = a.floor() as u32 + 1;
        let axis = parse_vary(&format!("responders.team.units={lowest}..{}", c + 4)).unwrap();
        let sets = vec![
            format!("demand.crises_per_100k_per_day={rate}"),
            "scenario.replications=10".to_string(),
        ];
        let prepared = sweep::prepare(&root(MMC), &sets, vec![axis]).unwrap();
        let question = Question {
            targets: vec![
                Target::parse(
                    &format!("dispatch_wait_mean_min <= {threshold}"),
                    &prepared.plan.metrics,
                )
                .unwrap(),
            ],
            confidence: 0.95,
            minimize: None,
        };
        let options = RunOptions {
            threads: Some(2),
            progress: false,
        };
        let result = size::size(&prepared, &question, &options).unwrap();
        println!(
            "a = {a:.2} erlangs: Erlang C says {c} (Wq {:.1} → {:.1} min, threshold {threshold:.1}); \
             size says {:?} after {} points",
            (erlang_c_wait(c - 1, a) * 60.0),
            (erlang_c_wait(c, a) * 60.0),
            result.answer,
            result.points.len()
        );
        assert_eq!(
            result.answer,
            Some(serde_json::json!(c)),
            "{}",
            result.summary
        );
        assert_eq!(result.method, "bisection");
        assert!(
            result.points.len() < prepared.plan.points(),
            "bisection tries fewer points"
        );
    }
}

/// More vans never lengthen the wait for a unit: the sweep's means fall with every
/// step, each step beyond the noise of its paired points.
#[test]
fn more_vans_mean_shorter_waits() {
    let axis = parse_vary("responders.mobile_crisis.units=3..9:2").unwrap();
    let sets = vec![
        "scenario.replications=6".to_string(),
        "scenario.days=120".into(),
    ];
    let prepared = sweep::prepare(&root(VANS), &sets, vec![axis]).unwrap();
    let mut points = Vec::new();
    let options = RunOptions {
        threads: Some(2),
        progress: false,
    };
    crisis_sim::experiment::saved::run_each(&prepared.runs(), &[0, 1, 2, 3], &options, |p| {
        points.push(p);
        Ok(())
    })
    .unwrap();
    let summary = crisis_sim::stats::sweep::SweepSummary::new(prepared.plan.clone(), &points);
    let waits: Vec<_> = summary
        .points
        .iter()
        .map(|p| p.metrics["dispatch_wait_mean_min"].clone())
        .collect();
    println!(
        "mean dispatch wait by vans 3, 5, 7, 9: {:?}",
        waits.iter().map(|e| e.mean).collect::<Vec<_>>()
    );
    for w in waits.windows(2) {
        assert!(w[1].mean < w[0].mean, "{} then {}", w[0].mean, w[1].mean);
    }
}

fn sweep_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "sweep",
        VANS,
        "--vary",
        "responders.mobile_crisis.units=3..7:2",
        "--vary",
        "demand.scale=1.0,1.2",
        "--replications",
        "3",
        "--days",
        "30",
        "--set",
        "scenario.warmup_days=30",
        "--quiet",
        "--out",
        out,
    ];
    args.extend(extra);
    args
}

fn run_ok(args: &[&str]) {
    let out = crisis_sim(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn shards_merge_into_the_whole_sweep_byte_for_byte() {
    let temp = tempfile::tempdir().unwrap();
    let dir = |name: &str| temp.path().join(name).to_str().unwrap().to_string();
    let (whole, s0, s1, s2, merged) =
        (dir("whole"), dir("s0"), dir("s1"), dir("s2"), dir("merged"));
    run_ok(&sweep_args(&whole, &[]));
    for (out, shard) in [(&s0, "0/3"), (&s1, "1/3"), (&s2, "2/3")] {
        run_ok(&sweep_args(out, &["--shard", shard]));
    }
    // A shard alone is not the sweep: merging it alone names what is missing.
    let partial = crisis_sim(&["merge", &s0, "--out", &dir("partial")]);
    assert_eq!(partial.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&partial.stderr).contains("missing"));
    run_ok(&["merge", &s2, &s0, &s1, "--out", &merged]);
    let (a, b) = (
        common::files(Path::new(&whole)),
        common::files(Path::new(&merged)),
    );
    assert!(a.len() > 10);
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(a == b, "merged files differ from the whole sweep's");
    let csv = std::fs::read_to_string(Path::new(&whole).join("sweep.csv")).unwrap();
    assert!(csv.starts_with(
        "responders.mobile_crisis.units,demand.scale,incidents_mean,incidents_ci95_lo,incidents_ci95_hi,"
    ));
    assert_eq!(csv.lines().count(), 7);
}

#[test]
fn shards_of_different_sweeps_do_not_merge() {
    let temp = tempfile::tempdir().unwrap();
    let dir = |name: &str| temp.path().join(name).to_str().unwrap().to_string();
    let (a, b) = (dir("a"), dir("b"));
    run_ok(&sweep_args(&a, &["--shard", "0/2"]));
    run_ok(&sweep_args(&b, &["--shard", "1/2", "--seed", "99"]));
    let out = crisis_sim(&["merge", &a, &b, "--out", &dir("m")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("different sweeps (the seed is not the same)")
    );
    assert!(!temp.path().join("m").exists());
}

/// A sweep killed between points continues with --resume and ends with the same files
/// as one that ran straight through.
#[test]
fn a_killed_sweep_resumes_to_the_same_result() {
    let temp = tempfile::tempdir().unwrap();
    let dir = |name: &str| temp.path().join(name).to_str().unwrap().to_string();
    let (whole, resumed) = (dir("whole"), dir("resumed"));
    run_ok(&sweep_args(&whole, &[]));
    let mut child = Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
        .args(sweep_args(&resumed, &["--threads", "1"]))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .spawn()
        .unwrap();
    let points = Path::new(&resumed).join("points");
    let saved = || {
        std::fs::read_dir(&points).map_or(0, |d| {
            d.filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                let name = name.to_string_lossy();
                name.starts_with("point-") && name.ends_with(".json")
            })
            .count()
        })
    };
    while saved() < 2 && child.try_wait().unwrap().is_none() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = saved();
    println!("killed with {before} of 6 points saved");
    let out = crisis_sim(
        &sweep_args(&resumed, &["--resume"])
            .into_iter()
            .filter(|a| *a != "--quiet")
            .collect::<Vec<_>>(),
    );
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        (2..6).contains(&before),
        "the kill must come between points"
    );
    assert!(
        said.contains(&format!("({before} already saved)")),
        "{said}"
    );
    assert!(common::files(Path::new(&whole)) == common::files(Path::new(&resumed)));
    // Resuming with another plan is refused rather than mixing two sweeps.
    let other = crisis_sim(&sweep_args(&resumed, &["--resume", "--seed", "5"]));
    assert_eq!(other.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&other.stderr).contains("holds a different sweep"));
}

#[test]
fn an_unreachable_target_answers_null() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("size");
    let result = crisis_sim(&[
        "size",
        VANS,
        "--vary",
        "responders.mobile_crisis.units=2..4",
        "--target",
        "response_time_p90_min <= 1",
        "--replications",
        "3",
        "--days",
        "30",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        stdout.contains("No value of responders.mobile_crisis.units in the range meets"),
        "{stdout}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("size.json")).unwrap()).unwrap();
    assert!(json["answer"].is_null());
    assert!(!json["points"].as_array().unwrap().is_empty());
    assert!(out.join("charts/size_response_time_p90_min.svg").exists());
}

#[test]
fn bad_sizing_input_is_refused_before_anything_runs() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("out");
    let o = out.to_str().unwrap();
    let cases: [(&[&str], &str); 7] = [
        (
            &[
                "sweep",
                VANS,
                "--vary",
                "responders.nobody.units=1..3",
                "--out",
                o,
            ],
            "--vary point responders.nobody.units=1",
        ),
        (
            &[
                "sweep",
                VANS,
                "--vary",
                "responders.mobile_crisis.units=5..2",
                "--out",
                o,
            ],
            "the range runs down",
        ),
        (
            &[
                "sweep",
                VANS,
                "--vary",
                "responders.mobile_crisis.units=2..4",
                "--shard",
                "3/3",
                "--out",
                o,
            ],
            "--shard `3/3`",
        ),
        (
            &["sweep", VANS, "--vary", "scenario.seed=1..3", "--out", o],
            "keeps the seed",
        ),
        (
            &[
                "size",
                VANS,
                "--vary",
                "responders.mobile_crisis.units=2..4",
                "--target",
                "response_time_p90_min = 3",
                "--out",
                o,
            ],
            "write --target",
        ),
        (
            &[
                "size",
                VANS,
                "--vary",
                "responders.mobile_crisis.units=2..4",
                "--target",
                "speed <= 3",
                "--out",
                o,
            ],
            "no metric `speed`",
        ),
        (
            &[
                "size",
                VANS,
                "--vary",
                "responders.mobile_crisis.units=2..4",
                "--vary",
                "demand.scale=1,2",
                "--target",
                "response_time_p90_min <= 3",
                "--out",
                o,
            ],
            "--minimize",
        ),
    ];
    for (args, message) in cases {
        let result = crisis_sim(args);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}

/// Over a grid, `--minimize` picks the point that meets the targets with the lowest
/// mean of the metric, and the answer names every key.
#[test]
fn a_grid_answer_is_the_best_point_that_meets_the_targets() {
    let axes = vec![
        parse_vary("responders.team.units=6..8").unwrap(),
        parse_vary("demand.scale=0.9,1.0").unwrap(),
    ];
    let sets = vec![
        "scenario.replications=4".to_string(),
        "scenario.days=60".into(),
    ];
    let prepared = sweep::prepare(&root(MMC), &sets, axes).unwrap();
    let question = Question {
        targets: vec![
            Target::parse("dispatch_wait_mean_min <= 10", &prepared.plan.metrics).unwrap(),
        ],
        confidence: 0.95,
        minimize: Some("utilization_team".into()),
    };
    let options = RunOptions {
        threads: Some(2),
        progress: false,
    };
    let result = size::size(&prepared, &question, &options).unwrap();
    assert_eq!(result.points.len(), 6, "every point of the grid is tried");
    let meeting: Vec<_> = result
        .points
        .iter()
        .filter(|p| p.verdict == crisis_sim::stats::size::Verdict::Meets)
        .collect();
    assert!(
        meeting.len() >= 2 && meeting.len() < 6,
        "{}",
        result.summary
    );
    let best = meeting
        .iter()
        .min_by(|a, b| {
            let u = |p: &&&crisis_sim::stats::size::SizePoint| {
                p.metrics["utilization_team"].estimate.mean
            };
            u(a).total_cmp(&u(b))
        })
        .unwrap();
    let answer = result.answer.unwrap();
    for (key, value) in &best.values {
        assert_eq!(answer[key].to_string(), *value, "{}", result.summary);
    }
}
