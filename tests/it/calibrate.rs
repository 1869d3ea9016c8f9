//! `calibrate` and `run --trace`: a hand-made export with known answers, a round trip
//! through a shipped scenario's trace, and files it cannot use.

use std::path::Path;

use crisis_sim::calibrate::read::Coordinates;
use crisis_sim::calibrate::{self, Calibration, Spec};
use crisis_sim::sim::Record;
use crisis_sim::sim::trace::{Ending, TraceRow};

use super::common;
use crate::common::crisis_sim;

fn known_spec() -> Spec {
    let columns = [
        ("incident", "id"),
        ("received", "received"),
        ("dispatched", "dispatched"),
        ("arrived", "arrived"),
        ("cleared", "cleared"),
        ("call_type", "type"),
        ("priority", "pri"),
        ("agency", "unit"),
        ("zone", "zone"),
        ("disposition", "disp"),
        ("person", "person"),
    ];
    Spec {
        columns: columns
            .iter()
            .map(|(f, h)| (f.to_string(), h.to_string()))
            .collect(),
        crisis_types: vec!["MH CRISIS".into(), "SUICIDAL".into()],
        self_initiated: Some(("self".into(), "Y".into())),
        coordinates: Coordinates::Metres,
        ..Spec::default()
    }
}

/// Every count, drop and fitted value of a hand-made export, worked out by hand: 14
/// rows, of which one lacks a received time, one has an unreadable one, one repeats an
/// incident id and one is self-initiated; 8 crisis calls over exactly 3 days, 2 other
/// calls; one crisis whose cleared time comes before its arrival.
#[test]
fn a_hand_made_export_gives_exactly_the_expected_fit() {
    let file =
        std::fs::File::open(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cad/known.csv"))
            .unwrap();
    let t = calibrate::tally(file, &known_spec(), &Default::default()).unwrap();
    assert_eq!(t.rows, 14);
    let d = &t.dropped;
    assert_eq!(
        [d.no_received, d.bad_received, d.duplicate, d.malformed],
        [1, 1, 1, 0]
    );
    // The self-initiated row is kept, as self-initiated work.
    assert_eq!(t.self_initiated, 1);
    // Crisis 7 ends before it arrives: its on-scene and busy intervals are not used.
    assert_eq!(t.bad_intervals.negative, 2);
    assert_eq!(t.background, 2);
    assert_eq!(t.repeats, 2, "p1 and p2 come back");
    let c = Calibration::new(t, 5).unwrap();
    assert_eq!(c.crises, 8);
    assert!((c.days - 3.0).abs() < 1e-9);
    let mh = c.types.iter().find(|x| x.label == "MH CRISIS").unwrap();
    assert_eq!(
        (mh.calls, mh.priority, mh.responders.clone()),
        (6, 1, vec!["cahoots".to_string()])
    );
    // On scene without a transport: 20, 30, 40, 50 and 30 minutes (crisis 5 went to the
    // ED). Of the three candidates, the gamma with their mean (34) and sd (√104) is the
    // nearest to them.
    let fit = mh.on_scene[0].1.as_ref().expect("a fit from 5 values");
    assert_eq!(fit.n, 5);
    assert_eq!(
        fit.method,
        crisis_sim::calibrate::fit::Method::GammaMoments,
        "{fit:?}"
    );
    assert!((fit.mean - 34.0).abs() < 1e-9, "{fit:?}");
    assert!((fit.sd - 104f64.sqrt()).abs() < 1e-9, "{fit:?}");
    let suicidal = c.types.iter().find(|x| x.label == "SUICIDAL").unwrap();
    assert_eq!(suicidal.responders, ["epd_patrol"]);
    assert!(
        suicidal.on_scene[0].1.is_none(),
        "one usable time is too few"
    );
    let travel = c.travel.as_ref().unwrap();
    assert_eq!(travel.n, 8);
    assert!((travel.mean - 10.0).abs() < 1e-6, "{travel:?}");
    let (p, gap_days) = c.repeat.map(|r| (r.share, r.gap_days)).unwrap();
    assert!((p - 2.0 / 8.0).abs() < 1e-12);
    let gaps = (180.0 + 0.5 / 60.0 + 1440.0) / 2.0 / 1440.0;
    assert!((gap_days - gaps).abs() < 1e-9, "{gap_days} vs {gaps}");
    // Monday 4 March 2024 08:00-12:00, Tuesday 08:00 and 09:00, Thursday 08:00.
    let busy: Vec<usize> = (0..168)
        .filter(|h| c.tally.by_hour_of_week[*h] > 0)
        .collect();
    assert_eq!(busy, [8, 9, 10, 11, 12, 32, 33, 80]);
    let text = c.scenario(&calibrate::Settings {
        population: Some(50_000.0),
        name: "known".into(),
        source: "known.csv".into(),
        out_of_service: None,
    });
    assert!(text.contains("role = \"police\""), "{text}");
    assert!(text.contains("background = [{ per_hour = 0.028"), "{text}");
    assert!(
        text.contains("preemptible_by = 1"),
        "the self-initiated call: {text}"
    );
}

fn write_trace(path: &Path, model: &crisis_sim::model::Model, record: &Record) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(crisis_sim::stats::trace::COLUMNS).unwrap();
    let rows = record.trace.as_deref().unwrap();
    let background = record.background_trace.as_deref().unwrap();
    for row in crisis_sim::stats::trace::rows(model, rows, background) {
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
}

fn traced(model: &crisis_sim::model::Model) -> Record {
    let seed = crisis_sim::rng::replication_seed(model.seed, 0);
    crisis_sim::sim::run_traced(model, seed)
}

const CALIBRATE: &[&str] = &[
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
    "zone=zone",
    "--column",
    "x=x_km",
    "--column",
    "y=y_km",
    "--coordinates",
    "km",
    "--column",
    "disposition=disposition",
    "--column",
    "person=person",
    "--column",
    "incident=incident",
    "--crisis-type",
    "welfare_check",
    "--crisis-type",
    "suicidal_ideation",
    "--crisis-type",
    "psychosis",
    "--crisis-type",
    "intoxication",
    "--crisis-type",
    "crisis_with_weapon",
    "--population",
    "700000",
    "--quiet",
];

/// `|a − b|` within 4.5 standard errors of a difference of two shares from samples of
/// `n1` and `n2`, inflated by `cluster` for counts that come in clusters.
fn close(what: &str, a: f64, b: f64, n1: f64, n2: f64, cluster: f64) {
    let p = (a + b) / 2.0;
    let se = (p * (1.0 - p) * (1.0 / n1 + 1.0 / n2) * cluster).sqrt();
    assert!(
        (a - b).abs() <= 4.5 * se,
        "{what}: {a:.4} vs {b:.4} (4.5 se = {:.4})",
        4.5 * se
    );
}

fn on_scene(
    rows: &[TraceRow],
    call_type: &str,
    kind: &str,
    model: &crisis_sim::model::Model,
) -> Vec<f64> {
    let ct = model
        .call_types
        .iter()
        .position(|c| c.name == call_type)
        .unwrap() as u16;
    let k = model.kinds.iter().position(|c| c.name == kind).unwrap() as u16;
    let stays = [
        crisis_sim::model::Disposition::ResolvedOnScene,
        crisis_sim::model::Disposition::Referred,
    ];
    let mut v: Vec<f64> = rows
        .iter()
        .filter(|r| r.call_type == ct && r.first_kind == Some(k))
        .filter(|r| matches!(r.ending, Ending::Disposition(d) if stays.contains(&d)))
        .filter_map(|r| Some(r.cleared? - r.arrived?))
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

/// A year of the mobile-crisis city, traced, calibrated and run again: the crisis rate,
/// the hourly profile, the call-type shares and the on-scene times agree with the
/// original's within the sampling error of two samples of that size.
#[test]
fn a_trace_calibrates_back_to_its_scenario() {
    let temp = tempfile::tempdir().unwrap();
    // Every eligible call offered to the vans first, so that the vans are first on
    // scene at most of them and calibration lists them first, as the scenario does
    // (records show who came first, not the call-taker's routing).
    let original = common::load(
        "scenarios/mid-size-city-mobile-crisis.toml",
        &[
            "scenario.replications=1",
            "call_types.welfare_check.routed_share=1",
            "call_types.suicidal_ideation.routed_share=1",
            "call_types.psychosis.routed_share=1",
            "call_types.intoxication.routed_share=1",
        ],
    );
    let first_run = traced(&original);
    let trace = temp.path().join("incidents.csv");
    write_trace(&trace, &original, &first_run);
    let first = first_run.trace.clone().unwrap();
    let made = temp.path().join("city");
    let city = made.join("scenario.toml");
    // What is compared here is read from the records; the staffing fit by simulation
    // has its own round trip (records.rs).
    let mut args = vec![
        "calibrate",
        trace.to_str().unwrap(),
        "--out",
        made.to_str().unwrap(),
        "--fit",
        "none",
    ];
    args.extend_from_slice(CALIBRATE);
    let out = crisis_sim(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(made.join("report.html").is_file());
    let calibrated = common::load(city.to_str().unwrap(), &["scenario.replications=1"]);
    let second_run = traced(&calibrated);
    let second = second_run.trace.clone().unwrap();
    let (n1, n2) = (first.len() as f64, second.len() as f64);
    // Repeat crises come in clusters: a count's variance is about (1 + p) / (1 - p) times
    // Poisson's, p the share of repeats (about 0.16 here).
    let cluster = 1.16 / 0.84;
    let se = (cluster * (n1 + n2)).sqrt();
    assert!(
        (n1 - n2).abs() <= 4.5 * se,
        "incidents a year: {n1} vs {n2} (4.5 se = {:.0})",
        4.5 * se
    );
    let share = |rows: &[TraceRow], f: &dyn Fn(&TraceRow) -> bool| {
        rows.iter().filter(|r| f(r)).count() as f64 / rows.len() as f64
    };
    for h in 0..24 {
        let in_hour = |r: &TraceRow| crisis_sim::time::hour_of_day(r.received) == h;
        close(
            &format!("hour {h}"),
            share(&first, &in_hour),
            share(&second, &in_hour),
            n1,
            n2,
            1.0,
        );
    }
    for (i, ct) in original.call_types.iter().enumerate() {
        let j = calibrated
            .call_types
            .iter()
            .position(|c| c.name == ct.name)
            .unwrap() as u16;
        let a = share(&first, &|r| r.call_type == i as u16);
        let b = share(&second, &|r| r.call_type == j);
        close(&ct.name, a, b, n1, n2, 1.0);
    }
    let mut compared = 0;
    for ct in [
        "welfare_check",
        "suicidal_ideation",
        "psychosis",
        "intoxication",
    ] {
        let (a, b) = (
            on_scene(&first, ct, "mobile_crisis", &original),
            on_scene(&second, ct, "mobile_crisis", &calibrated),
        );
        if a.len() < 300 || b.len() < 300 {
            continue;
        }
        for p in [0.5, 0.9] {
            let q = crisis_sim::stats::quantile(&a, p);
            let below = b.iter().filter(|x| **x <= q).count() as f64 / b.len() as f64;
            close(
                &format!("{ct} on scene, {p} quantile"),
                p,
                below,
                a.len() as f64,
                b.len() as f64,
                1.0,
            );
        }
        compared += 1;
    }
    assert!(compared >= 3, "{compared} call types compared");
    // Ordinary police calls: a Poisson count, and the mean of their busy times (the
    // calibrated gamma's mean is the records' mean, so the two means differ by chance).
    let (b1, b2) = (
        first_run.background_trace.unwrap(),
        second_run.background_trace.unwrap(),
    );
    let (m1, m2) = (b1.len() as f64, b2.len() as f64);
    assert!(
        (m1 - m2).abs() <= 4.5 * (m1 + m2).sqrt(),
        "background jobs: {m1} vs {m2}"
    );
    let busy = |b: &[crisis_sim::sim::trace::BackgroundRow]| -> (f64, f64) {
        let v: Vec<f64> = b.iter().map(|r| r.cleared - r.dispatched).collect();
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / v.len() as f64;
        (mean, var / v.len() as f64)
    };
    let ((a, va), (b, vb)) = (busy(&b1), busy(&b2));
    assert!(
        (a - b).abs() <= 4.5 * (va + vb).sqrt(),
        "background busy time: {a:.2} vs {b:.2} min"
    );
}

#[test]
fn files_it_cannot_use_are_refused_with_exit_2() {
    let temp = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let p = temp.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let good = "when,what\n2024-01-01 10:00:00,MH\n2024-01-02 10:00:00,MH\n";
    let out = temp.path().join("o");
    let o = out.to_str().unwrap();
    let scenario = out.join("scenario.toml");
    let cases: Vec<(String, Vec<&str>, &str)> = vec![
        (
            file("empty.csv", ""),
            vec!["--column", "received=when", "--column", "call_type=what"],
            "empty",
        ),
        (
            file("a.csv", good),
            vec!["--column", "received=time", "--column", "call_type=what"],
            "no column `time`; its columns are when, what",
        ),
        (
            file("b.csv", good),
            vec!["--column", "call_type=what"],
            "--column received=HEADER",
        ),
        (
            file("c.csv", good),
            vec![
                "--column",
                "received=when",
                "--column",
                "call_type=what",
                "--column",
                "speed=what",
            ],
            "not a field",
        ),
        (
            file("d.csv", "when,what\n2024-01-01 10:00:00,THEFT\n"),
            vec!["--column", "received=when", "--column", "call_type=what"],
            "no crisis call found",
        ),
        (
            file("e.csv", "when,what\n1st of May,MH\n"),
            vec!["--column", "received=when", "--column", "call_type=what"],
            "no received time could be read (the first is `1st of May`)",
        ),
    ];
    for (path, columns, expected) in &cases {
        let mut args = vec![
            "calibrate",
            path.as_str(),
            "--crisis-type",
            "MH",
            "--out",
            o,
        ];
        args.extend(columns.iter());
        let result = crisis_sim(&args);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{path}: {stderr}");
        assert!(stderr.contains(expected), "{path}: {stderr}");
        assert!(!out.exists());
    }
    // Call types that make the same name are told apart.
    let alike = crisis_sim(&[
        "calibrate",
        &file(
            "g.csv",
            "when,what\n2024-01-01 10:00:00,MH-1\n2024-01-02 10:00:00,MH 1\n",
        ),
        "--column",
        "received=when",
        "--column",
        "call_type=what",
        "--crisis-type-regex",
        "^MH",
        "--out",
        o,
        "--quiet",
    ]);
    assert!(
        alike.status.success(),
        "{}",
        String::from_utf8_lossy(&alike.stderr)
    );
    let text = std::fs::read_to_string(&scenario).unwrap();
    assert!(
        text.contains("name = \"mh_1\"") && text.contains("name = \"mh_1_2\""),
        "{text}"
    );
    std::fs::remove_dir_all(&out).unwrap();
    let with_format = crisis_sim(&[
        "calibrate",
        &file(
            "f.csv",
            "when,what\n01|01|2024 10:00,MH\n02|01|2024 11:00,MH\n",
        ),
        "--column",
        "received=when",
        "--column",
        "call_type=what",
        "--crisis-type",
        "MH",
        "--time-format",
        "%d|%m|%Y %H:%M",
        "--out",
        o,
        "--quiet",
    ]);
    assert!(
        with_format.status.success(),
        "{}",
        String::from_utf8_lossy(&with_format.stderr)
    );
    assert!(
        std::fs::read_to_string(&scenario)
            .unwrap()
            .contains("crises_per_100k_per_day")
    );
}

/// `run --trace` writes one row per measured incident in the export's columns, with
/// times from Monday 1 January 2024 (the warm-up's start).
#[test]
fn run_trace_writes_the_incidents_of_the_first_replications() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("t");
    let result = crisis_sim(&[
        "run",
        "scenarios/mid-size-city-mobile-crisis.toml",
        "--days",
        "20",
        "--replications",
        "2",
        "--set",
        "scenario.warmup_days=7",
        "--trace-replications",
        "2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    // `incidents` is the first metric of each replication's values.
    let incidents = summary["per_replication"][0]["values"][0].as_f64().unwrap();
    let text = std::fs::read_to_string(out.join("incidents.csv")).unwrap();
    assert!(text.starts_with("incident,person,crisis_number,channel,call_type,priority,zone,x_km,y_km,received,dispatched,arrived,cleared,first_kind,police_involved,disposition,units,self_initiated,first_contact\n"));
    let rows = text
        .lines()
        .skip(1)
        .filter(|l| !l.contains(",other,"))
        .count();
    assert_eq!(rows as f64, incidents);
    assert!(rows > 500);
    // Ordinary and self-initiated police work is in it too: about 46 + 40 calls an hour
    // over 20 days, one row a call.
    let other = text.lines().filter(|l| l.contains(",other,")).count();
    assert!((38_000..45_000).contains(&other), "{other} background rows");
    let first = text.lines().nth(1).unwrap();
    assert!(first.contains(",2024-01-08 "), "{first}");
    assert!(out.join("incidents-2.csv").is_file());
    // `report DIR` remakes the run's files from its summary and keeps the traces.
    let rebuilt = crisis_sim(&["report", out.to_str().unwrap()]);
    assert!(
        rebuilt.status.success(),
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("incidents.csv")).unwrap(),
        text
    );
}

/// Without a zone column, calls are grouped by position: the example export's calls,
/// from the mobile-crisis city's five zones, cluster back around those zones' centres.
#[test]
fn positions_without_zones_cluster_into_the_city_zones() {
    let file =
        std::fs::File::open(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/example-cad.csv"))
            .unwrap();
    let columns = [
        ("received", "received"),
        ("call_type", "call_type"),
        ("x", "x_km"),
        ("y", "y_km"),
    ];
    let spec = Spec {
        columns: columns
            .iter()
            .map(|(f, h)| (f.to_string(), h.to_string()))
            .collect(),
        crisis_types: [
            "welfare_check",
            "suicidal_ideation",
            "psychosis",
            "intoxication",
            "crisis_with_weapon",
        ]
        .map(String::from)
        .to_vec(),
        coordinates: Coordinates::Km,
        ..Spec::default()
    };
    let c = Calibration::new(
        calibrate::tally(file, &spec, &Default::default()).unwrap(),
        5,
    )
    .unwrap();
    assert_eq!(c.zones.len(), 5);
    assert_eq!(c.zones.iter().map(|z| z.calls).sum::<u64>(), c.crises);
    let original = common::load("scenarios/mid-size-city.toml", &[]);
    for z in &c.zones {
        let (x, y) = z.place.map(|p| (p.x, p.y)).unwrap();
        let nearest = (original.zones.iter())
            .map(|o| ((o.centre.x - x).powi(2) + (o.centre.y - y).powi(2)).sqrt())
            .fold(f64::INFINITY, f64::min);
        assert!(
            nearest < 2.0,
            "{} at ({x:.1}, {y:.1}) is {nearest:.1} km from any zone",
            z.name
        );
    }
}
