//! Validation against queueing theory and conservation laws. Statistical checks use
//! fixed seeds (so they cannot flake) and assert both that the analytic value lies
//! in the simulated 95 % interval and that the interval is narrow (so they cannot
//! pass vacuously).

use super::common;

use super::queueing::erlang_c;
use crisis_sim::report;
use crisis_sim::stats::estimate;
use crisis_sim::time::DAY;
use statrs::distribution::{ChiSquared, ContinuousCDF};

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

    let records = common::records(&model);
    let waits: Vec<f64> = records.iter().map(|r| r.dispatch_wait.mean()).collect();
    // 30 minutes is a bin edge of the histogram, so the tail share is exact.
    let tails: Vec<f64> = records
        .iter()
        .map(|r| r.dispatch_wait.share_at_least(t))
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
    for r in common::records(&model) {
        for (kind, k) in model.kinds.iter().zip(&r.kinds) {
            // L = λW: time-average busy units × T equals the summed busy time of the jobs
            // and out-of-service spells. Only those cut by the horizon differ: well
            // under 0.1 % of a year.
            let busy_area = k.busy_on_duty + k.overtime;
            let work = k.job_minutes + k.spell_minutes;
            let rel = (busy_area - work).abs() / busy_area;
            assert!(
                rel < 1e-3,
                "{}: ∫busy = {busy_area}, Σ job and spell time = {work}",
                kind.name,
            );
            assert!(k.spell_minutes > 0.0, "{}: spells are counted", kind.name);
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
        for rec in &common::records(&model) {
            assert_eq!(rec.incidents, common::accounted(rec), "{path}");
            let by_type: u64 = rec.by_call_type.iter().map(|g| g.incidents).sum();
            let by_zone: u64 = rec.by_zone.iter().map(|g| g.incidents).sum();
            let by_hour: u64 = rec.incidents_by_hour.iter().sum();
            let by_priority: u64 = rec.by_priority.iter().map(|g| g.incidents).sum();
            assert_eq!(
                (by_type, by_zone, by_hour, by_priority),
                (rec.incidents, rec.incidents, rec.incidents, rec.incidents)
            );
            let unserved: u64 = rec.by_priority.iter().map(|g| g.unserved).sum();
            assert_eq!(unserved, rec.unserved);
            // Every incident reached counts once, under the kind that got there first.
            let first: u64 = rec.by_first_responder.iter().map(|g| g.incidents).sum();
            let first_times: u64 = rec
                .by_first_responder
                .iter()
                .map(|g| g.response.count())
                .sum();
            assert_eq!(
                (first, first_times),
                (rec.response.count(), rec.response.count())
            );
            let closed: u64 = rec.dispositions.iter().sum();
            assert!(closed <= rec.dispatched && rec.response.count() <= rec.dispatched);
            if sets.len() > 1 {
                assert!(rec.unserved > 1000, "overload must leave calls unserved");
            }
        }
    }
}

#[test]
fn incidents_per_hour_follow_the_hourly_profile() {
    let model = common::load("scenarios/mid-size-city.toml", &["scenario.replications=1"]);
    let rec = &common::records(&model)[0];
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
    // Repeat crises come weeks later at any hour (the delay is exp(60 days)), so the
    // incidents are a mix: first crises by the profile, repeats evenly over the day.
    let repeats = rec.repeat_crises as f64 / n;
    let fit = chi2(&|h| (1.0 - repeats) * weights[h] / total + repeats / 24.0);
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
        let mut summary = common::run(&model, threads);
        summary.perf.wall_s = 0.0;
        (
            serde_json::to_string_pretty(&summary).unwrap(),
            report::replications_csv(&summary).unwrap(),
        )
    };
    assert_eq!(json(1), json(2));
}

/// Common random numbers: a staffing change (units, absence, hotline counselors) must
/// leave every arrival of every source, and every draw made for it, exactly as it was.
#[test]
fn staffing_changes_never_change_any_arrival() {
    use crisis_sim::sim::{Source, run_logged};
    let a = common::load("tests/data/crn.toml", &[]);
    let b = common::load(
        "tests/data/crn.toml",
        &[
            "responders.police.absence=0.2",
            "responders.mobile_crisis.absence=0.4",
            "hotline.counselors=1",
        ],
    );
    for seed in [1, 2] {
        let (ra, la) = run_logged(&a, seed);
        let (rb, lb) = run_logged(&b, seed);
        let count = |f: fn(&Source) -> bool| la.iter().filter(|x| f(&x.source)).count();
        assert!(count(|s| matches!(s, Source::Background { .. })) > 10_000);
        assert!(count(|s| matches!(s, Source::Hotline { .. })) > 100);
        assert!(count(|s| matches!(s, Source::Crisis { .. })) > 1000);
        assert_eq!(la.len(), lb.len(), "seed {seed}: as many arrivals");
        if let Some(i) = (0..la.len()).find(|&i| la[i] != lb[i]) {
            panic!(
                "seed {seed}: arrival {i} differs: {:?} vs {:?}",
                la[i], lb[i]
            );
        }
        assert!(
            rb.hotline_abandoned > 2 * ra.hotline_abandoned,
            "one counselor must lose more callers, or the change did nothing"
        );
        assert!(
            rb.response.mean() > ra.response.mean(),
            "fewer vans respond later"
        );
    }
}

#[test]
fn fallback_waits_exactly_fallback_after_when_every_preferred_unit_is_busy() {
    // One team, kept busy for good by the first call (during the warm-up).
    let model = common::load(
        "tests/data/fallback.toml",
        &[
            "responders.team.units=1",
            "call_types.crisis.on_scene.team=\"fixed(1000d)\"",
        ],
    );
    for r in common::records(&model) {
        let waits = &r.dispatch_wait;
        assert!(waits.count() > 0);
        // 40 police units for 10 calls a day: one is always free after the 20 minutes.
        assert_eq!(r.kinds[0].calls, 0);
        assert_eq!(waits.mean(), 20.0);
        assert_eq!(waits.share_at_least(20.0), 1.0);
        assert_eq!(r.police_involved, r.incidents - r.unserved);
        assert_eq!(r.backup_requests, 0, "police never ask for backup here");
    }
}

#[test]
fn civilian_teams_go_first_and_backup_brings_police() {
    let model = common::load("tests/data/fallback.toml", &["responders.team.units=10"]);
    for rec in common::records(&model) {
        assert_eq!(
            rec.dispatch_wait.share_at_least(1.0 / 16.0),
            0.0,
            "a free preferred unit goes at once"
        );
        // backup = 1.0 for the team: every team arrival asks police to come.
        assert_eq!(rec.backup_requests, rec.response.count());
        assert_eq!(rec.kinds[1].crisis_dispatches, rec.backup_requests);
    }
    let run = common::run(&model, 2);
    let police = common::column(&run, "police_involved_share");
    let none = common::column(&run, "no_police_share");
    assert!(police.iter().all(|p| *p > 0.99), "{police:?}");
    for (p, n) in police.iter().zip(&none) {
        assert!((p + n - 1.0).abs() < 1e-12, "complements: {p} + {n}");
    }
}

/// The warm-up check (MSER-5 on weekly crises and repeats) flags a 14-day warm-up of
/// the mid-size city started empty (no crisis history), whose repeat crises build up
/// for months, and accepts two years; with its crisis history, the shipped 270 days.
#[test]
fn the_warm_up_check_flags_a_short_warm_up_and_accepts_a_long_one() {
    let shipped = common::load("scenarios/mid-size-city.toml", &["scenario.replications=6"]);
    let with_history = common::run(&shipped, 2).warmup_check;
    println!("with its history: {with_history:?}");
    assert!(with_history.enough && !with_history.drifting);
    let check = |warmup: &str| {
        let sets = ["scenario.replications=6", "people.history=\"0d\"", warmup];
        common::run(&common::load("scenarios/mid-size-city.toml", &sets), 2).warmup_check
    };
    let short = check("scenario.warmup_days=14");
    println!("14 days: {short:?}");
    assert!(!short.enough && short.suggested_days > 14.0);
    let long = check("scenario.warmup_days=730");
    println!("730 days: {long:?}");
    assert!(long.enough && !long.drifting);
    // MSER's truncation point is itself noisy over six replications.
    assert!(
        (100.0..=450.0).contains(&long.suggested_days),
        "repeats settle after 4 to 15 months, not {} days",
        long.suggested_days
    );
}

/// With a response target, the share reached within it is Erlang C's P(wait < t) in the
/// M/M/c case (no travel, so response = wait): 1 − 0.4498 for c = 5, ρ = 0.85, t = 30.
#[test]
fn response_within_target_matches_erlang_c() {
    let model = common::load(
        "scenarios/validation/mmc.toml",
        &[
            "scenario.replications=40",
            "scenario.response_target=\"30min\"",
        ],
    );
    let (c, mu) = (5u32, 1.0 / 60.0);
    let lambda = model.mean_crises_per_day() / DAY;
    let a = lambda / mu;
    let pw = erlang_c(c, a);
    let within = 1.0 - pw * (-(f64::from(c) * mu - lambda) * 30.0).exp();
    let run = common::run(&model, 2);
    let e = estimate(&common::column(&run, "response_within_target_share"));
    let [lo, hi] = e.ci95.unwrap();
    println!(
        "P(response < 30 min): Erlang C {within:.4}, simulated {:.4} [{lo:.4}, {hi:.4}]",
        e.mean
    );
    assert!(lo <= within && within <= hi && e.half_width() < 0.01);
    assert!(
        run.by_call_type
            .values()
            .all(|g| g["response_within_target_share"].n == 40)
    );
}

/// A planned change (community programmes starting on day 200) is policy, not start-up:
/// the warm-up check reads the weekly series only up to it, and says so; without one it
/// reads the whole run.
#[test]
fn the_warm_up_check_stops_at_a_planned_change() {
    let check = |sets: &[&str]| {
        let mut all = vec!["scenario.replications=4"];
        all.extend_from_slice(sets);
        common::run(&common::load("tests/data/repeats.toml", &all), 2).warmup_check
    };
    let planned = check(&[
        "prevention.incidence_reduction=0.5",
        "prevention.from_day=200",
    ]);
    assert_eq!(planned.planned_day, Some(200.0));
    assert!(
        planned
            .method
            .contains("up to day 200, when the community programmes start")
    );
    assert!(planned.suggested_days < 200.0);
    let none = check(&[]);
    assert_eq!(none.planned_day, None);
    assert!(!none.method.contains("planned change"));
}

/// No interval leaves its metric's range: no bound of a count, time or cost below 0,
/// none of a share above 1, though t intervals around values near the edges would cross.
#[test]
fn intervals_stay_inside_each_metrics_range() {
    let model = common::load("tests/data/golden.toml", &[]);
    let run = common::run(&model, 2);
    let mut crossed = 0;
    let groups = run.by_zone.values().chain(run.by_call_type.values());
    for estimates in std::iter::once(&run.metrics).chain(groups) {
        for (name, e) in estimates {
            let share = crisis_sim::stats::metrics::lookup(name)
                .is_some_and(|m| m.measure == crisis_sim::stats::metrics::Measure::Share);
            for [lo, hi] in [e.ci95, e.pi95].into_iter().flatten() {
                assert!(lo >= 0.0 && (!share || hi <= 1.0), "{name}: [{lo}, {hi}]");
                let spread = e.sd.is_some_and(|sd| sd > 0.0);
                crossed += usize::from(spread && (lo == 0.0 || (share && hi == 1.0)));
            }
        }
    }
    assert!(
        crossed > 0,
        "some interval was cut, so the test is not vacuous"
    );
}

/// The one-zone model of the peer comparison against its SimPy twin
/// (`benches/peers/one_zone.py`, ten years, seed 1, recorded in
/// `benches/runs/2026-12-05-ci-2core-3/peers.txt`): each of crisis-sim's means lies
/// within the two runs' 95 % half-widths of SimPy's single ten-year answer (SimPy's
/// half-width taken as 1.96 of crisis-sim's ten-year replications' sd).
#[test]
fn the_one_zone_model_agrees_with_simpy() {
    let model = common::load("benches/peers/one-zone.toml", &["scenario.replications=6"]);
    let run = common::run(&model, 2);
    let van_share: Vec<f64> = (common::column(&run, "calls_van").iter())
        .zip(common::column(&run, "incidents"))
        .map(|(v, n)| v / n)
        .collect();
    let simpy = [
        (
            "response_time_mean_min",
            common::column(&run, "response_time_mean_min"),
            11.7612,
        ),
        ("van share", van_share, 0.83528),
        (
            "utilization_van",
            common::column(&run, "utilization_van"),
            0.61787,
        ),
        (
            "utilization_police",
            common::column(&run, "utilization_police"),
            0.04935,
        ),
    ];
    for (what, values, theirs) in simpy {
        let e = estimate(&values);
        let [lo, hi] = e.ci95.unwrap();
        let allowed = (hi - lo) / 2.0 + 1.96 * e.sd.unwrap();
        assert!(
            allowed < 0.05 * theirs,
            "{what}: ±{allowed} is too loose to say anything"
        );
        assert!(
            (e.mean - theirs).abs() <= allowed,
            "{what}: {} against SimPy's {theirs} (±{allowed})",
            e.mean
        );
    }
}
