//! Validation against queueing theory and conservation laws. Statistical checks use
//! fixed seeds (so they cannot flake) and assert both that the analytic value lies
//! in the simulated 95 % interval and that the interval is narrow (so they cannot
//! pass vacuously).

mod common;

use crisis_sim::dist::DAY;
use crisis_sim::report;
use crisis_sim::stats::{self, estimate};
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// Erlang C: P(wait > 0) for an M/M/c queue with offered load `a` = λ/μ.
fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / f64::from(k);
        sum += term;
    }
    let last = term * a / f64::from(c) * f64::from(c) / (f64::from(c) - a);
    last / (sum + last)
}

fn check_erlang_c(sets: &[&str]) {
    let model = common::load("scenarios/validation/mmc.toml", sets);
    let c = model.kinds[0].schedule.max_units();
    let mu = 1.0
        / model.call_types[0].by_kind[0]
            .as_ref()
            .unwrap()
            .on_scene
            .mean();
    let lambda = model.mean_crises_per_day() / DAY;
    let a = lambda / mu;
    assert!(
        c >= 5 && a / f64::from(c) >= 0.8,
        "the test must be in heavy traffic"
    );
    let pw = erlang_c(c, a);
    let mean_wait = pw / (f64::from(c) * mu - lambda);
    let t = 30.0;
    let tail = pw * (-(f64::from(c) * mu - lambda) * t).exp();

    let run = common::run(&model, 2);
    let waits: Vec<f64> = run
        .replications
        .iter()
        .map(|r| {
            let w: Vec<f64> = r
                .record
                .responses
                .iter()
                .map(|x| f64::from(x.wait))
                .collect();
            w.iter().sum::<f64>() / w.len() as f64
        })
        .collect();
    let tails: Vec<f64> = run
        .replications
        .iter()
        .map(|r| {
            let n = r.record.responses.len() as f64;
            r.record
                .responses
                .iter()
                .filter(|x| f64::from(x.wait) > t)
                .count() as f64
                / n
        })
        .collect();
    for (name, values, exact) in [
        ("mean wait", waits, mean_wait),
        ("P(wait > 30 min)", tails, tail),
    ] {
        let e = estimate(&values);
        let [lo, hi] = e.ci95.unwrap();
        println!(
            "c={c} rho={:.2} {name}: Erlang C {exact:.4}, simulated {:.4} [{lo:.4}, {hi:.4}]",
            a / f64::from(c),
            e.mean
        );
        assert!(
            lo <= exact && exact <= hi,
            "{name}: Erlang C {exact} outside [{lo}, {hi}]"
        );
        assert!(
            e.half_width() < 0.06 * exact,
            "{name}: interval too wide to mean anything"
        );
    }
}

#[test]
fn mmc_5_at_rho_085_matches_erlang_c() {
    check_erlang_c(&["scenario.replications=40"]);
}

#[test]
fn mmc_8_at_rho_080_matches_erlang_c() {
    // λ = 0.8 × 8 / 60 per minute = 153.6 a day per 100,000 residents.
    check_erlang_c(&[
        "scenario.replications=40",
        "responders.team.units=8",
        "demand.crises_per_100k_per_day=153.6",
    ]);
}

#[test]
fn littles_law_holds_for_every_responder_pool() {
    let model = common::load("scenarios/mid-size-city.toml", &["scenario.replications=2"]);
    for r in common::run(&model, 2).replications {
        for (kind, k) in model.kinds.iter().zip(&r.record.kinds) {
            // L = λW: time-average busy units × T equals the summed busy time of the jobs.
            // Only jobs cut by the horizon differ: well under 0.1 % of a year.
            let busy_area = k.busy_on_duty + k.overtime;
            let rel = (busy_area - k.job_minutes).abs() / busy_area;
            assert!(
                rel < 1e-3,
                "{}: ∫busy = {busy_area}, Σ job time = {}",
                kind.name,
                k.job_minutes
            );
            assert!(
                k.jobs > 100_000,
                "{}: the pool must actually work",
                kind.name
            );
        }
    }
}

#[test]
fn incidents_are_conserved_even_when_overloaded() {
    for (path, sets) in [
        (
            "scenarios/mid-size-city.toml",
            vec!["scenario.replications=2"],
        ),
        // 3 units at λ/μ = 4.25: the queue grows without bound and many calls stay unserved.
        (
            "scenarios/validation/mmc.toml",
            vec!["scenario.replications=2", "responders.team.units=3"],
        ),
    ] {
        let model = common::load(path, &sets);
        for r in common::run(&model, 2).replications {
            let rec = &r.record;
            assert_eq!(rec.incidents, rec.dispatched + rec.unserved, "{path}");
            let by_type: u64 = rec.by_call_type.iter().map(|g| g.incidents).sum();
            let by_zone: u64 = rec.by_zone.iter().map(|g| g.incidents).sum();
            let by_hour: u64 = rec.incidents_by_hour.iter().sum();
            assert_eq!(
                (by_type, by_zone, by_hour),
                (rec.incidents, rec.incidents, rec.incidents)
            );
            let closed: u64 = rec.dispositions.iter().sum();
            assert!(closed <= rec.dispatched && rec.responses.len() as u64 <= rec.dispatched);
            if sets.len() > 1 {
                assert!(rec.unserved > 1000, "overload must leave calls unserved");
            }
        }
    }
}

#[test]
fn incidents_per_hour_follow_the_hourly_profile() {
    let model = common::load("scenarios/mid-size-city.toml", &["scenario.replications=1"]);
    let rec = &common::run(&model, 1).replications[0].record;
    let n = rec.incidents as f64;
    let weights: Vec<f64> = (0..24).map(|h| model.demand.rate_by_hour[h]).collect();
    let total: f64 = weights.iter().sum();
    let chi2 = |expected_share: &dyn Fn(usize) -> f64| -> f64 {
        (0..24)
            .map(|h| {
                let e = n * expected_share(h);
                (rec.incidents_by_hour[h] as f64 - e).powi(2) / e
            })
            .sum()
    };
    let critical = ChiSquared::new(23.0).unwrap().inverse_cdf(0.999);
    let fit = chi2(&|h| weights[h] / total);
    let flat = chi2(&|_| 1.0 / 24.0);
    assert!(
        fit < critical,
        "χ² {fit} against the profile exceeds {critical}"
    );
    assert!(
        flat > critical,
        "a flat profile must be rejected (χ² {flat}), or the test proves nothing"
    );
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let model = common::load(
        "scenarios/mid-size-city.toml",
        &["scenario.replications=4", "scenario.days=60"],
    );
    let json = |threads| {
        let run = common::run(&model, threads);
        let (mut summary, _) = report::summarize(&model, &run);
        summary.perf["wall_s"] = serde_json::json!(0.0);
        (
            serde_json::to_string_pretty(&summary).unwrap(),
            report::replications_csv(&run).unwrap(),
        )
    };
    assert_eq!(json(1), json(2));
}

#[test]
fn staffing_changes_never_change_the_arrivals() {
    let base = common::load(
        "scenarios/validation/mmc.toml",
        &["scenario.replications=3"],
    );
    let more = common::load(
        "scenarios/validation/mmc.toml",
        &["scenario.replications=3", "responders.team.units=7"],
    );
    let (a, b) = (common::run(&base, 2), common::run(&more, 2));
    for (x, y) in a.replications.iter().zip(&b.replications) {
        assert_eq!(x.record.incidents_by_hour, y.record.incidents_by_hour);
        let zones =
            |r: &crisis_sim::sim::Record| r.by_zone.iter().map(|g| g.incidents).collect::<Vec<_>>();
        assert_eq!(zones(&x.record), zones(&y.record));
        let mean = |r: &crisis_sim::sim::Record| {
            r.responses
                .iter()
                .map(|s| f64::from(s.minutes))
                .sum::<f64>()
        };
        assert!(
            mean(&y.record) < 0.5 * mean(&x.record),
            "more units must shorten waits"
        );
    }
}

#[test]
fn fallback_waits_exactly_fallback_after_when_no_preferred_unit_exists() {
    let model = common::load("tests/data/fallback.toml", &[]);
    for r in common::run(&model, 2).replications {
        let waits: Vec<f64> = r
            .record
            .responses
            .iter()
            .map(|x| f64::from(x.wait))
            .collect();
        assert!(!waits.is_empty());
        // 40 police units for 10 calls a day: one is always free after the 20 minutes.
        assert!(waits.iter().all(|w| (w - 20.0).abs() < 1e-3), "{waits:?}");
        assert_eq!(
            r.record.police_involved,
            r.record.incidents - r.record.unserved
        );
        assert_eq!(
            r.record.backup_requests, 0,
            "police never ask for backup here"
        );
    }
}

#[test]
fn civilian_teams_go_first_and_backup_brings_police() {
    let model = common::load("tests/data/fallback.toml", &["responders.team.units=10"]);
    for r in common::run(&model, 2).replications {
        let rec = &r.record;
        let no_wait = rec.responses.iter().filter(|x| x.wait == 0.0).count();
        assert_eq!(
            no_wait,
            rec.responses.len(),
            "a free preferred unit goes at once"
        );
        // backup = 1.0 for the team: every team arrival asks police to come.
        assert_eq!(rec.backup_requests, rec.responses.len() as u64);
        assert_eq!(rec.kinds[1].crisis_dispatches, rec.backup_requests);
        let metrics = stats::replication_metrics(&model, rec);
        let police_share = metrics
            .iter()
            .find(|(n, _)| n == "police_involved_share")
            .unwrap()
            .1;
        assert!(police_share > 0.99, "{police_share}");
    }
}
