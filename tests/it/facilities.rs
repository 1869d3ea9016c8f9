//! Facility places as queues: a full facility that diverts is a loss system (Erlang B,
//! whatever the length of stay's distribution), one where units wait is a delay system
//! (Erlang C); Little's law and conservation hold at every facility; diversions chain.

use super::common;
use super::queueing::{erlang_b, erlang_c_wait};
use crisis_sim::stats::estimate;
use crisis_sim::stats::metrics::FacilityMetric;

const FACILITY: &str = "scenarios/validation/facility-loss.toml";

fn facility_column(run: &crisis_sim::stats::RunSummary, metric: FacilityMetric) -> Vec<f64> {
    run.per_replication
        .iter()
        .map(|r| r.by_facility[0].get(metric))
        .collect()
}

fn covers(what: &str, expected: f64, values: &[f64]) {
    let e = estimate(values);
    let [lo, hi] = e.ci95.unwrap();
    println!(
        "{what}: expected {expected:.4}, simulated {:.4} [{lo:.4}, {hi:.4}]",
        e.mean
    );
    assert!(lo <= expected && expected <= hi, "{what}");
    assert!(
        e.half_width() < 0.06 * expected,
        "{what}: the interval must be narrow"
    );
}

#[test]
fn a_full_facility_that_diverts_loses_erlang_b() {
    let b = erlang_b(5, 4.0);
    for stay in ["exp(60min)", "lognormal(60min, 40min)"] {
        let model = common::load(
            FACILITY,
            &[&format!("facilities.ED.length_of_stay={stay:?}")],
        );
        let run = common::run(&model, 2);
        covers(
            &format!("diverted share, stay {stay}"),
            b,
            &facility_column(&run, FacilityMetric::DivertedShare),
        );
    }
}

#[test]
fn units_that_wait_for_a_place_wait_erlang_c() {
    let model = common::load(FACILITY, &["facilities.ED.when_full=\"wait\""]);
    let run = common::run(&model, 2);
    let expected = 60.0 * erlang_c_wait(5, 4.0);
    covers(
        "mean wait for a place (min)",
        expected,
        &facility_column(&run, FacilityMetric::WaitMeanMin),
    );
    // Little's law: places in use on average = admissions per minute × mean stay.
    let places: Vec<f64> = facility_column(&run, FacilityMetric::Occupancy)
        .iter()
        .map(|o| o * 5.0)
        .collect();
    let days = model.days;
    let little: Vec<f64> = run
        .per_replication
        .iter()
        .zip(&places)
        .map(|(r, l)| l - r.by_facility[0].arrivals / (days * 1440.0) * 60.0)
        .collect();
    let d = estimate(&little);
    let [lo, hi] = d.ci95.unwrap();
    println!("L − λW: {:.4} [{lo:.4}, {hi:.4}]", d.mean);
    assert!(lo <= 0.0 && 0.0 <= hi && hi - lo < 0.05);
    // The units' waiting time is counted at the facility.
    assert!(common::column(&run, "unit_hours_at_facilities")[0] > 0.0);
}

#[test]
fn every_transport_is_admitted_diverted_or_still_waiting() {
    for sets in [
        vec!["facilities.ED.when_full=\"wait\"", "scenario.warmup_days=0"],
        vec!["scenario.warmup_days=0"],
    ] {
        let mut sets = sets;
        sets.push("scenario.replications=3");
        let model = common::load(FACILITY, &sets);
        for rec in common::records(&model) {
            let f = &rec.by_facility[0];
            assert_eq!(
                f.arrivals,
                f.admitted + f.diverted + f.still_waiting,
                "{sets:?}"
            );
            assert!(f.arrivals > 30_000);
        }
    }
}

/// A second ED far away takes exactly the transports the first turns away.
#[test]
fn diversions_drive_on_to_the_named_facility() {
    let model = common::load("tests/data/facility-chain.toml", &[]);
    for rec in common::records(&model) {
        let (near, far) = (&rec.by_facility[0], &rec.by_facility[1]);
        assert!(near.diverted > 1000);
        assert_eq!(far.arrivals, near.diverted);
        assert_eq!(rec.diversions, near.diverted);
    }
}

/// With inpatient beds short, admitted ED patients board: they hold their ED place
/// until a bed frees, and the hours are counted at the ED.
#[test]
fn admitted_patients_board_in_the_ed_until_a_bed_frees() {
    let model = common::load("tests/data/facility-ward.toml", &[]);
    let run = common::run(&model, 2);
    let ed = &run.by_facility["ED"];
    let ward = &run.by_facility["Ward"];
    // 24 admissions a day for a day each on 26 beds: ρ ≈ 0.92, and patients board.
    println!(
        "ward occupancy {:.3}, ED boarding {:.0} h, ED occupancy {:.3}",
        ward["occupancy"].mean, ed["boarding_hours"].mean, ed["occupancy"].mean
    );
    assert!((0.85..0.98).contains(&ward["occupancy"].mean));
    assert!(ed["boarding_hours"].mean > 100.0);
    assert!(
        ward["boarding_hours"].mean.is_nan(),
        "boarding is an ED's figure"
    );
    // With beds to spare nobody boards.
    let no_ward = common::load(
        "tests/data/facility-ward.toml",
        &["facilities.Ward.capacity=100000", "scenario.replications=2"],
    );
    let run = common::run(&no_ward, 2);
    assert_eq!(run.by_facility["ED"]["boarding_hours"].mean, 0.0);
}
