//! Random valid scenarios on a 10-minute time grid: every duration is fixed, travel is
//! deterministic and whole minutes, shifts start on the hour, the units are based
//! outside the city, so many events coincide (stale and live events at the same time
//! among them). Each must run without a panic (the simulation's debug assertions check
//! that no event is handled twice) and conserve its incidents.

use proptest::prelude::*;

/// The knobs of one generated scenario.
#[derive(Clone, Debug)]
struct Grid {
    depot_km: u32,
    turnout: u32,
    rate: u32,
    hotline_share: f64,
    fallback: u32,
    team_scene: u32,
    police_scene: u32,
    backup: f64,
    consult: f64,
    transport: bool,
    team_units: u32,
    team_shift: bool,
    police_units: u32,
    background: u32,
    background_service: u32,
    counselors: u32,
    handle: u32,
    patience: u32,
    by_phone: f64,
    mobile: f64,
    consult_time: u32,
    max_wait: u32,
    repeat: f64,
    /// The call type's preference list: indices into [team, clinic, police].
    order: Vec<usize>,
    clinic_units: u32,
    cancel: f64,
    cancel_after: u32,
    /// Dispatch-queue mechanisms, as bits: 1 preemptible self-initiated work, 2
    /// out-of-service spells, 4 a reserve, 8 two police to a call, 16 call processing,
    /// 32 the crisis at priority 1 (else 2).
    queues: u32,
}

const KINDS: [&str; 3] = ["team", "clinic", "police"];

fn tens(max: u32) -> impl Strategy<Value = u32> {
    (1..=max).prop_map(|k| k * 10)
}

fn share() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(0.5), Just(1.0)]
}

fn grid() -> impl Strategy<Value = Grid> {
    (
        0..64u32,
        (
            0..4u32,
            0..2u32,
            20..300u32,
            share(),
            tens(3),
            tens(4),
            tens(4),
        ),
        (
            share(),
            share(),
            any::<bool>(),
            0..3u32,
            any::<bool>(),
            1..4u32,
        ),
        (
            0..4u32,
            tens(3),
            0..4u32,
            tens(2),
            0..4u32,
            share(),
            share(),
        ),
        (
            tens(2),
            tens(3),
            share(),
            Just(vec![0usize, 1, 2]).prop_shuffle(),
            1..=3usize,
            0..3u32,
            share(),
            tens(3),
        ),
    )
        .prop_map(|(queues, a, b, c, d)| Grid {
            queues,
            depot_km: a.0 * 10,
            turnout: a.1 * 10,
            rate: a.2,
            hotline_share: a.3,
            fallback: a.4,
            team_scene: a.5,
            police_scene: a.6,
            backup: b.0,
            consult: b.1,
            transport: b.2,
            team_units: b.3,
            team_shift: b.4,
            police_units: b.5,
            background: c.0,
            background_service: c.1,
            counselors: c.2,
            handle: c.3,
            patience: c.4 * 10,
            by_phone: c.5 / 2.0,
            mobile: c.6 / 2.0,
            consult_time: d.0,
            max_wait: d.1,
            repeat: d.2 / 2.0,
            order: d.3[..d.4].to_vec(),
            clinic_units: d.5,
            cancel: d.6 / 2.0,
            cancel_after: d.7,
        })
}

impl Grid {
    fn toml(&self) -> String {
        let g = self;
        let team_staff = if g.team_shift {
            format!(
                "shifts = [{{ from = \"07:00\", to = \"19:00\", units = {} }}]",
                g.team_units
            )
        } else {
            format!("units = {}", g.team_units)
        };
        let outcomes = if g.transport {
            "{ resolved_on_scene = 0.4, crisis_center = 0.3, emergency_department = 0.3 }"
        } else {
            "{ resolved_on_scene = 1.0 }"
        };
        let police_outcomes = if g.transport {
            "{ resolved_on_scene = 0.5, arrest = 0.25, emergency_department = 0.25 }"
        } else {
            "{ resolved_on_scene = 1.0 }"
        };
        let responders: Vec<String> = g
            .order
            .iter()
            .map(|k| format!("\"{}\"", KINDS[*k]))
            .collect();
        let bit = |b: u32| g.queues & b != 0;
        let mut police_extra = String::new();
        if bit(1) {
            police_extra.push_str(&format!(
                "background = [{{ per_hour = {}.0, service = \"fixed({}min)\" }}, \
                 {{ per_hour = 1.0, service = \"fixed(40min)\", priority = 3, preemptible_by = 1 }}]\n",
                g.background, g.background_service
            ));
        } else {
            police_extra.push_str(&format!(
                "background = {{ per_hour = {}.0, service = \"fixed({}min)\" }}\n",
                g.background, g.background_service
            ));
        }
        if bit(2) {
            police_extra.push_str("unavailable = { share = 0.3, spell = \"fixed(30min)\" }\n");
        }
        if bit(4) {
            police_extra.push_str("reserve = { units = 1, below_priority = 2 }\n");
        }
        let units_sent = if bit(8) {
            "units_sent = { police = 2 }"
        } else {
            ""
        };
        let priority = if bit(32) { 1 } else { 2 };
        let intake = if bit(16) {
            format!(
                "[intake]\nprocessing = \"fixed(10min)\"\n\
                 processing_by_priority = {{ \"{priority}\" = \"fixed(20min)\" }}\n"
            )
        } else {
            String::new()
        };
        let patience = if g.patience > 0 {
            format!("patience = \"fixed({}min)\"\nredial_911 = 0.5", g.patience)
        } else {
            String::new()
        };
        format!(
            r#"[scenario]
name = "grid"
days = 20
warmup_days = 1
replications = 1
seed = 7

[[zones]]
name = "City"
population = 100_000
x_km = 0.0
y_km = 0.0
radius_km = 0.0

[[zones]]
name = "Depot"
population = 1
x_km = {depot}
y_km = 0.0
radius_km = 0.0

[travel]
speed_kmh = 60.0
circuity = 1.0
turnout = "{turnout}min"
noise_cv = 0.0

[demand]
crises_per_100k_per_day = {rate}
hotline_share = {hotline_share}

{intake}
[[call_types]]
name = "crisis"
share = 1.0
priority = {priority}
{units_sent}
responders = [{responders}]
fallback_after = "{fallback}min"
cancelled = {{ share = {cancel}, after = "fixed({cancel_after}min)" }}
on_scene = {{ team = "fixed({team_scene}min)", clinic = "fixed({team_scene}min)", police = "fixed({police_scene}min)" }}
backup = {{ team = {backup} }}
consult = {{ team = {consult} }}
outcomes.team = {outcomes}
outcomes.clinic = {outcomes}
outcomes.police = {police_outcomes}

[[facilities]]
name = "ED"
kind = "emergency_department"
zone = "City"
handoff = "fixed(20min)"

[[facilities]]
name = "Centre"
kind = "crisis_center"
zone = "Depot"
handoff = "fixed(10min)"

[[facilities]]
name = "Jail"
kind = "jail"
zone = "Depot"
handoff = "fixed(30min)"

[[responders]]
name = "team"
role = "civilian"
home = "Depot"
{team_staff}

[[responders]]
name = "clinic"
role = "clinical"
home = "City"
units = {clinic_units}

[[responders]]
name = "police"
role = "police"
home = "Depot"
units = {police_units}
{police_extra}

[hotline]
shifts = [{{ from = "07:00", to = "19:00", units = {counselors} }}]
handle_time = "fixed({handle}min)"
{patience}
resolved_by_phone = {by_phone}
dispatch_mobile = {mobile}

[psychiatry]
shifts = [{{ from = "07:00", to = "19:00", units = 1 }}]
consult_time = "fixed({consult_time}min)"
max_wait = "{max_wait}min"

[prevention]
repeat = {{ resolved_on_scene = {repeat}, crisis_center = {repeat}, emergency_department = {repeat}, arrest = {repeat} }}
repeat_delay = "fixed(1d)"
"#,
            depot = g.depot_km,
            turnout = g.turnout,
            rate = g.rate,
            hotline_share = g.hotline_share,
            fallback = g.fallback,
            team_scene = g.team_scene,
            police_scene = g.police_scene,
            backup = g.backup,
            consult = g.consult,
            police_units = g.police_units,
            counselors = g.counselors,
            handle = g.handle,
            by_phone = g.by_phone,
            mobile = g.mobile,
            consult_time = g.consult_time,
            max_wait = g.max_wait,
            repeat = g.repeat,
            responders = responders.join(", "),
            clinic_units = g.clinic_units,
            cancel = g.cancel,
            cancel_after = g.cancel_after,
        )
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn grid_scenarios_run_without_panicking(g in grid()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grid.toml");
        std::fs::write(&path, g.toml()).unwrap();
        let loaded = crisis_sim::scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
        let model = crisis_sim::model::build(&loaded).unwrap_or_else(|e| panic!("{e}"));
        let r = crisis_sim::sim::run(&model, 1);
        prop_assert!(r.incidents > 0);
        prop_assert_eq!(
            r.incidents,
            r.dispatched + r.unserved + r.hotline_resolved + r.hotline_lost + r.cancelled_waiting
        );
        prop_assert!(r.response.count() <= r.dispatched);
        // The fallback state machine only ever reaches kinds in the preference list
        // (police also come as backup).
        for (k, kind) in r.kinds.iter().enumerate() {
            let listed = g.order.contains(&k) || (k == 2 && g.backup > 0.0);
            prop_assert!(listed || kind.crisis_dispatches == 0, "{} was dispatched", KINDS[k]);
        }
    }
}
