//! Police as dispatch queues: call processing, priorities served in order (Cobham's
//! waits), reserves, preemption of self-initiated work, several units to a call and
//! out-of-service spells, each against an analytic or hand-computed result. The cases
//! live in tests/data/queues/.

use super::common;
use super::queueing::erlang_c;
use crisis_sim::stats::estimate;
use crisis_sim::stats::metrics;
use crisis_sim::time::DAY;

/// Asserts that `exact` lies in the 95 % interval of `values` and that the interval is
/// narrow enough (relative half-width `tight`) to mean something.
fn covers(what: &str, exact: f64, values: &[f64], tight: f64) {
    let e = estimate(values);
    let [lo, hi] = e.ci95.unwrap();
    println!(
        "{what}: exact {exact:.4}, simulated {:.4} [{lo:.4}, {hi:.4}]",
        e.mean
    );
    assert!(
        lo <= exact && exact <= hi,
        "{what}: {exact} outside [{lo}, {hi}]"
    );
    assert!(e.half_width() < tight * exact, "{what}: interval too wide");
}

/// Non-preemptive priorities on M/M/c (Cobham 1954): class k waits
/// C(c, a) / (c μ (1 − σ_{k−1})(1 − σ_k)) on average, σ_k the load of classes 1..k.
#[test]
fn priorities_wait_as_cobham_says() {
    let model = common::load("tests/data/queues/cobham.toml", &[]);
    let c = 5u32;
    let mu = 1.0 / 60.0;
    let lambda = model.mean_crises_per_day() / DAY;
    let share_urgent = 0.3;
    let a = lambda / mu;
    let rho = a / f64::from(c);
    let w0 = erlang_c(c, a) / (f64::from(c) * mu);
    let sigma1 = share_urgent * rho;
    let exact = [w0 / (1.0 - sigma1), w0 / ((1.0 - sigma1) * (1.0 - rho))];
    let run = common::run(&model, 2);
    for (group, want) in ["1", "2"].iter().zip(exact) {
        let g = model
            .priorities
            .iter()
            .position(|p| p.to_string() == *group)
            .unwrap();
        let waits: Vec<f64> = (run.per_replication.iter())
            .map(|r| r.by_priority[g].dispatch_wait_mean)
            .collect();
        covers(&format!("priority {group} mean wait"), want, &waits, 0.1);
    }
}

/// With units to spare, a call waits exactly its processing time: 3 minutes, or 1 for
/// priority 1, and is reached then (no travel).
#[test]
fn call_processing_comes_before_dispatch() {
    let model = common::load("tests/data/queues/intake.toml", &[]);
    let run = common::run(&model, 2);
    for (group, want) in [("1", 1.0), ("2", 3.0)] {
        let e = &run.by_priority[group];
        for m in [
            metrics::DISPATCH_WAIT_MEAN_MIN,
            metrics::RESPONSE_TIME_MEAN_MIN,
        ] {
            let mean = e[m.name].mean;
            assert!(
                (mean - want).abs() < 1e-9,
                "priority {group} {}: {mean}",
                m.name
            );
        }
    }
}

/// A reserve of one unit out of two makes the kind a single server for priority-2
/// calls: M/M/1, mean wait ρ / (μ − λ).
#[test]
fn a_reserve_holds_back_its_units_from_less_urgent_calls() {
    let model = common::load("tests/data/queues/reserve.toml", &[]);
    let mu = 1.0 / 60.0;
    let lambda = model.mean_crises_per_day() / DAY;
    let exact = (lambda / mu) / (mu - lambda);
    let records = common::records(&model);
    let waits: Vec<f64> = records.iter().map(|r| r.dispatch_wait.mean()).collect();
    covers("M/M/1 mean wait under a reserve", exact, &waits, 0.1);
}

/// Officers busy with self-initiated work are taken off it by urgent calls, which then
/// wait only when both officers are on calls; without preemption the calls queue for
/// hours behind the work.
#[test]
fn urgent_calls_preempt_self_initiated_work() {
    let model = common::load("tests/data/queues/preempt.toml", &[]);
    let run = common::run(&model, 2);
    let wait = run.mean(metrics::DISPATCH_WAIT_MEAN_MIN);
    let preempted = run.mean(metrics::PREEMPTED_BACKGROUND);
    let crises = run.mean(metrics::INCIDENTS);
    println!(
        "with preemption: wait {wait:.3} min, {preempted:.0} jobs dropped for {crises:.0} calls"
    );
    assert!(wait < 1.0, "{wait}");
    // A call preempts unless an officer is free (the work keeps them 90 % busy).
    assert!(
        preempted > 0.4 * crises && preempted <= crises,
        "{preempted} of {crises}"
    );
    // Priority 2 may not preempt work that only priority 1 may interrupt.
    let fixed = common::load(
        "tests/data/queues/preempt.toml",
        &["call_types.crisis.priority=2"],
    );
    let queued = common::run(&fixed, 2);
    let wait = queued.mean(metrics::DISPATCH_WAIT_MEAN_MIN);
    println!("without preemption: wait {wait:.1} min");
    assert!(wait > 60.0, "{wait}");
    assert_eq!(queued.mean(metrics::PREEMPTED_BACKGROUND), 0.0);
}

/// Two units to every call: each incident has two units, and the kind's crisis hours
/// are two units × the 30-minute scene per incident reached.
#[test]
fn several_units_go_to_one_call() {
    let model = common::load(
        "tests/data/queues/units_sent.toml",
        &["scenario.replications=2"],
    );
    let run = common::run(&model, 2);
    let calls = run.mean(metrics::INCIDENTS);
    let hours = run.kind_mean(metrics::BUSY_HOURS_CRISIS, "team");
    println!("{calls:.0} calls, {hours:.1} unit-hours on them");
    assert!((hours / calls - 1.0).abs() < 0.01, "{}", hours / calls);
    let record = crisis_sim::experiment::traced(&model, 0);
    let trace = record.trace.unwrap();
    assert!(trace.len() > 500);
    assert!(
        trace.iter().all(|r| r.units == 2),
        "every call had two units"
    );
}

/// Spells take their share of on-duty time: with next to no calls, a kind out of
/// service 30 % of the time is busy 30 % of the time.
#[test]
fn out_of_service_spells_take_their_share_of_duty() {
    let model = common::load("tests/data/queues/out_of_service.toml", &[]);
    let run = common::run(&model, 2);
    let utilization = common::column(&run, &metrics::UTILIZATION.of("team"));
    covers("share out of service", 0.3, &utilization, 0.03);
}

/// The shipped police-only city queues inside the published bands: priority 1 reached
/// on average between Morgan Hill's 7.6 and Fulton County's 13.6 minutes, priority 2
/// (nine crises in ten) between 13.2 · 0.95 and 33.4, priority 1 well under priority 2,
/// and priority 2 waiting for dispatch longer than priority 1. The bounds are judged
/// on the 95 % interval, not the mean alone.
#[test]
fn the_shipped_police_city_queues_inside_the_published_bands() {
    let model = common::load("scenarios/mid-size-city.toml", &["scenario.replications=6"]);
    let run = common::run(&model, 2);
    let group = |p: &str| &run.by_priority[p];
    let ci = |p: &str, m: &metrics::Metric| group(p)[m.name].ci95.unwrap();
    let [p1_lo, p1_hi] = ci("1", metrics::RESPONSE_TIME_MEAN_MIN);
    let [p2_lo, p2_hi] = ci("2", metrics::RESPONSE_TIME_MEAN_MIN);
    assert!(
        7.6 <= p1_lo && p1_hi <= 13.6,
        "priority 1: [{p1_lo}, {p1_hi}]"
    );
    assert!(
        13.2 * 0.95 <= p2_lo && p2_hi <= 33.4,
        "priority 2: [{p2_lo}, {p2_hi}]"
    );
    assert!(p1_hi < 0.75 * p2_lo, "priority 1 not well under priority 2");
    let [_, w1_hi] = ci("1", metrics::DISPATCH_WAIT_MEAN_MIN);
    let [w2_lo, _] = ci("2", metrics::DISPATCH_WAIT_MEAN_MIN);
    assert!(w1_hi < w2_lo, "priority 2 should wait longer for dispatch");
    let crises = |p: &str| group(p)[metrics::INCIDENTS.name].mean;
    assert!(
        crises("2") > 0.8 * (crises("1") + crises("2")),
        "most crises are priority 2"
    );
}
