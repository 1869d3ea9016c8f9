//! A model against dispatch records: a queueing police city traced, calibrated and
//! validated (the fit must find the staffing it was made with), one real week of San
//! Francisco fire dispatch read and validated as published, and flags `validate`
//! refuses.

use std::path::Path;
use std::process::Output;

use crate::common::crisis_sim;
use crisis_sim::stats::validation::{Validation, Verdict};

fn ok(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn validation(dir: &Path) -> Validation {
    let text = std::fs::read_to_string(dir.join("validation.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The units of each block of the day in a calibrated scenario's police shifts.
fn fitted_units(scenario: &Path) -> Vec<u32> {
    let text = std::fs::read_to_string(scenario).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let police = doc["responders"].as_array().unwrap()[0].as_table().unwrap();
    (police["shifts"].as_array().unwrap().iter())
        .map(|s| s["units"].as_integer().unwrap() as u32)
        .collect()
}

/// The truth is a police city that queues: staffing by block, call processing,
/// self-initiated work, a tenth of the time out of service, two units to weapon calls.
/// Its year of calls, traced, calibrated (the planner gives the out-of-service share,
/// which records cannot separate from staffing) gives back the staffing within a unit
/// in every block and the call processing within a tenth; the calibrated model's
/// median waits for dispatch agree with the records' for every priority, and their
/// 90th percentiles for priorities 1 and 2 (the lowest priority's tail, which turns on
/// the last unit of each block, is within a quarter).
#[test]
fn a_queueing_city_calibrates_back_to_its_staffing() {
    let temp = tempfile::tempdir().unwrap();
    let run = temp.path().join("run");
    ok(&crisis_sim(&[
        "run",
        "tests/data/queues/round-trip.toml",
        "--trace",
        "--out",
        run.to_str().unwrap(),
        "--quiet",
    ]));
    let made = temp.path().join("city");
    let out = ok(&crisis_sim(&[
        "calibrate",
        run.join("incidents.csv").to_str().unwrap(),
        "--column",
        "incident=incident",
        "--column",
        "received=received",
        "--column",
        "dispatched=dispatched",
        "--column",
        "arrived=arrived",
        "--column",
        "cleared=cleared",
        "--column",
        "call_type=call_type",
        "--column",
        "priority=priority",
        "--column",
        "agency=first_kind",
        "--column",
        "x=x_km",
        "--column",
        "y=y_km",
        "--coordinates",
        "km",
        "--column",
        "units=units",
        "--self-initiated",
        "self_initiated=Y",
        "--crisis-type",
        "welfare_check",
        "--crisis-type",
        "weapon",
        "--out-of-service",
        "0.1",
        "--population",
        "100000",
        "--out",
        made.to_str().unwrap(),
    ]));
    assert!(
        out.contains(" close, ") && out.contains("with the records"),
        "{out}"
    );
    let truth = [6, 5, 8, 9, 9, 8];
    let fitted = fitted_units(&made.join("scenario.toml"));
    for (b, (f, t)) in fitted.iter().zip(truth).enumerate() {
        assert!(
            f.abs_diff(t) <= 1,
            "block {b}: fitted {fitted:?}, truth {truth:?}"
        );
    }
    let text = std::fs::read_to_string(made.join("scenario.toml")).unwrap();
    assert!(
        text.contains("units_sent.police = 2"),
        "weapon calls: {text}"
    );
    assert!(
        text.contains("preemptible_by = 1"),
        "self-initiated work: {text}"
    );
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let processing = doc["intake"]["processing"].as_str().unwrap();
    let [mean, sd]: [f64; 2] = (processing
        .trim_start_matches("lognormal(")
        .trim_end_matches(')'))
    .split(", ")
    .map(|x| x.trim_end_matches("min").parse().unwrap())
    .collect::<Vec<_>>()
    .try_into()
    .unwrap();
    // The median: the records' waits pin it down; the tail trades off with queueing.
    let median = |mean: f64, sd: f64| mean / (1.0 + (sd / mean).powi(2)).sqrt();
    let truth = median(2.0, 1.5);
    assert!(
        (median(mean, sd) - truth).abs() <= 0.1 * truth,
        "processing {processing}; the truth is lognormal(2min, 1.5min)"
    );
    let v = validation(&made);
    let waits: Vec<_> = (v.figures.iter())
        .filter(|f| f.interval == "received_to_dispatched" && f.priority.is_some())
        .collect();
    assert_eq!(waits.len(), 3, "priorities 1, 2 and 3");
    for f in waits {
        assert!(
            matches!(f.verdict, Verdict::Agrees | Verdict::Close),
            "{f:?}"
        );
        // The records' band and the model's interval overlap, or the two are within
        // 10 % (a quarter for the lowest priority's tail).
        for c in (f.quantiles.iter()).filter(|c| matches!(c.p, Some(p) if p == 0.5 || p == 0.9)) {
            let [lo, hi] = c.records_band;
            let [slo, shi] = c.simulated_ci;
            let share = if f.priority == Some(3) && c.p == Some(0.9) {
                0.25
            } else {
                0.1
            };
            let near = (c.simulated - c.records).abs() <= share * c.records;
            assert!(
                (slo <= hi && shi >= lo) || near,
                "priority {:?}, quantile {:?}: records {} [{lo}, {hi}], model {} [{slo}, {shi}]",
                f.priority,
                c.p,
                c.records,
                c.simulated
            );
        }
    }
}

const SF_COLUMNS: &[&str] = &[
    "--column",
    "incident=Call Number",
    "--column",
    "unit=Unit ID",
    "--column",
    "received=Received DtTm",
    "--column",
    "dispatched=Dispatch DtTm",
    "--column",
    "arrived=On Scene DtTm",
    "--column",
    "cleared=Available DtTm",
    "--column",
    "call_type=Call Type",
    "--column",
    "priority=Priority",
    "--priority",
    "3=1",
    "--priority",
    "E=1",
    "--priority",
    "A=1",
    "--priority",
    "2=2",
    "--priority",
    "B=2",
    "--crisis-type",
    "Medical Incident",
];

/// One week of San Francisco fire dispatch, as published (a row per unit, AM/PM local
/// times): every call read, a scenario calibrated and validated; the records' own
/// figures in validation.json are the ones measured on the file (received →
/// dispatched of the first unit: median 1.9 min, 90th percentile 4.4).
#[test]
fn a_real_week_of_dispatch_calibrates_and_validates() {
    let temp = tempfile::tempdir().unwrap();
    let made = temp.path().join("sf");
    let mut args = vec!["calibrate", "tests/data/sf-fire/calls.csv"];
    args.extend_from_slice(SF_COLUMNS);
    args.extend(["--out", made.to_str().unwrap()]);
    let out = ok(&crisis_sim(&args));
    assert!(
        out.contains("2688 crisis calls, 872 other calls")
            && out.contains("(3560 calls from 7704 rows; 0 rows left out)"),
        "{out}"
    );
    let checked = temp.path().join("check");
    let scenario = made.join("scenario.toml");
    let mut args = vec![
        "validate",
        scenario.to_str().unwrap(),
        "tests/data/sf-fire/calls.csv",
    ];
    args.extend_from_slice(SF_COLUMNS);
    args.extend([
        "--replications",
        "3",
        "--days",
        "28",
        "--out",
        checked.to_str().unwrap(),
    ]);
    let printed = ok(&crisis_sim(&args));
    assert!(
        printed.contains("priority 2, received → arrived"),
        "{printed}"
    );
    assert!(checked.join("report.html").is_file());
    let v = validation(&checked);
    assert_eq!(
        (v.records_calls, v.records_days, v.replications),
        (3560, 8, 3)
    );
    let all = (v.figures.iter())
        .find(|f| f.interval == "received_to_dispatched" && f.priority.is_none())
        .unwrap();
    assert_eq!(all.records_n, 3560);
    let median = all.quantiles.iter().find(|c| c.p == Some(0.5)).unwrap();
    let p90 = all.quantiles.iter().find(|c| c.p == Some(0.9)).unwrap();
    assert!((median.records - 1.88).abs() < 0.02, "{median:?}");
    assert!((p90.records - 4.42).abs() < 0.05, "{p90:?}");
    // The model was fitted to these waits: the first unit's wait agrees.
    assert_eq!(all.verdict, Verdict::Agrees, "{all:?}");
    let crises = v.rates.iter().find(|r| r.what == "crisis calls").unwrap();
    assert!((crises.check.records - 336.0).abs() < 0.01, "{crises:?}");
}

/// Flags that cannot work are refused with exit 2 and nothing written.
#[test]
fn validate_refuses_what_it_cannot_use() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("v");
    let o = out.to_str().unwrap();
    let records = "tests/data/sf-fire/calls.csv";
    let scenario = "tests/data/queues/round-trip.toml";
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                scenario,
                records,
                "--column",
                "received=Received DtTm",
                "--crisis-type",
                "x",
                "--holdout",
                "1.5",
            ],
            "not a share above 0 and below 1",
        ),
        (
            vec![
                scenario,
                records,
                "--column",
                "received=When",
                "--column",
                "call_type=Call Type",
                "--crisis-type",
                "x",
            ],
            "no column `When`",
        ),
        (
            vec![
                "tests/data/nowhere.toml",
                records,
                "--column",
                "received=Received DtTm",
                "--column",
                "call_type=Call Type",
                "--crisis-type",
                "Medical Incident",
            ],
            "nowhere.toml",
        ),
        (
            vec![
                scenario,
                records,
                "--column",
                "received=Received DtTm",
                "--column",
                "call_type=Call Type",
                "--crisis-type",
                "Medical Incident",
                "--replications",
                "1",
            ],
            "--replications",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["validate"];
        all.extend(args);
        all.extend(["--out", o]);
        let result = crisis_sim(&all);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{all:?}: {stderr}");
        assert!(stderr.contains(expected), "{all:?}: {stderr}");
        assert!(!out.exists(), "{all:?} wrote {o}");
    }
}
