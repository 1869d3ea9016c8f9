//! Validation of the scenario's sections other than call types and schedules:
//! run settings, zones, travel, demand, facilities, responder kinds, the hotline,
//! psychiatry, prevention and costs.

use super::check::{Checker, key_path};
use super::limits;
use super::schedule::build_schedule;
use super::*;
use crate::scenario::schema;
use crate::scenario::tree::Seg;
use crate::time::HOUR;

/// A `from_day` in minutes (0 when absent).
pub(super) fn start(c: &mut Checker<'_>, day: Option<f64>, path: Vec<Seg>) -> Minutes {
    day.map_or(0.0, |d| {
        c.non_negative(d, path);
        d.max(0.0) * DAY
    })
}

pub(super) fn build_hotline(c: &mut Checker<'_>, h: &schema::Hotline, population: f64) -> Hotline {
    let at = |key: &str| key_path!["hotline", key];
    let resolved = c.probability(h.resolved_by_phone, at("resolved_by_phone"));
    let mobile = c.probability(h.dispatch_mobile, at("dispatch_mobile"));
    c.check(
        resolved + mobile <= 1.0 + 1e-9,
        at("dispatch_mobile"),
        format!(
            "resolved_by_phone + dispatch_mobile = {}; at most 1 (the rest is passed to 911)",
            resolved + mobile
        ),
    );
    Hotline {
        schedule: build_schedule(
            c,
            h.counselors,
            h.shifts.as_deref(),
            &[Seg::from("hotline")],
            "counselors",
        ),
        handle_time: c.dist(&h.handle_time, at("handle_time")),
        patience: h.patience.as_ref().map(|p| c.dist(p, at("patience"))),
        resolved_by_phone: resolved,
        dispatch_mobile: mobile,
        redial_911: c.probability(h.redial_911, at("redial_911")),
        redial_delay: h
            .redial_delay
            .as_ref()
            .map(|d| c.dist(d, at("redial_delay"))),
        unresolved_repeat: h
            .unresolved_repeat
            .map_or(f64::NAN, |p| c.probability(p, at("unresolved_repeat"))),
        cost_per_hour: c.money(&h.cost_per_hour, at("cost_per_hour")),
        from: start(c, h.from_day, at("from_day")),
        // the demand's hotline_share ramp, filled in by the caller
        awareness: None,
        contacts: h.contacts_per_100k_per_month.map(|per_month| {
            c.non_negative(per_month, at("contacts_per_100k_per_month"));
            let handle_time = match &h.contact_handle_time {
                Some(t) => c.dist(t, at("contact_handle_time")),
                None => c.dist(&h.handle_time, at("handle_time")),
            };
            Contacts {
                // A month here is a twelfth of a 365-day year.
                rate: per_month.max(0.0) * population / 100_000.0 * 12.0 / (365.0 * DAY),
                handle_time,
            }
        }),
    }
}

pub(super) fn build_psychiatry(c: &mut Checker<'_>, p: &schema::Psychiatry) -> Psychiatry {
    Psychiatry {
        schedule: build_schedule(
            c,
            p.on_call,
            p.shifts.as_deref(),
            &[Seg::from("psychiatry")],
            "on_call",
        ),
        consult_time: c.dist(&p.consult_time, key_path!["psychiatry", "consult_time"]),
        max_wait: c.duration(&p.max_wait, key_path!["psychiatry", "max_wait"]),
        from: start(c, p.from_day, key_path!["psychiatry", "from_day"]),
        cost_per_hour: c.money(&p.cost_per_hour, key_path!["psychiatry", "cost_per_hour"]),
        cost_per_consult: c.money(
            &p.cost_per_consult,
            key_path!["psychiatry", "cost_per_consult"],
        ),
    }
}

pub(super) fn build_prevention(c: &mut Checker<'_>, p: Option<&schema::Prevention>) -> Prevention {
    let Some(p) = p else {
        return Prevention {
            repeat: [0.0; 5],
            repeat_delay: Dist::Fixed(0.0),
            incidence_reduction: 0.0,
            ramp: 0.0,
            from: 0.0,
            program_cost_per_year: 0.0,
        };
    };
    let names = Disposition::names();
    let mut repeat = [0.0; 5];
    for (name, prob) in &p.repeat {
        let key = key_path!["prevention", "repeat", name];
        let prob = c.probability(*prob, key.clone());
        if let Some(d) = c.resolve(name, &names, "disposition", key) {
            repeat[d] = prob;
        }
    }
    let repeat_delay = match &p.repeat_delay {
        Some(text) => c.dist(text, key_path!["prevention", "repeat_delay"]),
        None => {
            c.check(
                repeat.iter().all(|r| *r == 0.0),
                key_path!["prevention", "repeat"],
                "gives repeat chances; say when repeats come with `repeat_delay`, e.g. \"exp(60d)\"",
            );
            Dist::Fixed(0.0)
        }
    };
    let reduction = c.probability(
        p.incidence_reduction,
        key_path!["prevention", "incidence_reduction"],
    );
    let program_cost_per_year = c.money(
        &p.program_cost_per_year,
        key_path!["prevention", "program_cost_per_year"],
    );
    Prevention {
        repeat,
        repeat_delay,
        incidence_reduction: reduction,
        ramp: p
            .ramp
            .as_ref()
            .map_or(0.0, |r| c.duration(r, key_path!["prevention", "ramp"])),
        from: start(c, p.from_day, key_path!["prevention", "from_day"]),
        program_cost_per_year,
    }
}

pub(super) fn build_costs(c: &mut Checker<'_>, costs: Option<&schema::Costs>) -> Costs {
    let Some(k) = costs else {
        return Costs {
            dollar_year: c.dollar_year,
            ed_visit: 0.0,
            hospitalization_probability: 0.0,
            inpatient_day: 0.0,
            length_of_stay: Dist::Fixed(0.0),
            crisis_center_stay: 0.0,
            jail_booking: 0.0,
            referral: 0.0,
            transport: 0.0,
            unresolved: 0.0,
        };
    };
    let mut money = |m: &schema::Money, key: &str| c.money(m, key_path!["costs", key]);
    let (ed_visit, inpatient_day) = (
        money(&k.ed_visit, "ed_visit"),
        money(&k.inpatient_day, "inpatient_day"),
    );
    let (crisis_center_stay, jail_booking) = (
        money(&k.crisis_center_stay, "crisis_center_stay"),
        money(&k.jail_booking, "jail_booking"),
    );
    let (referral, transport, unresolved) = (
        money(&k.referral, "referral"),
        money(&k.transport, "transport"),
        money(&k.unresolved, "unresolved"),
    );
    let p = c.probability(
        k.hospitalization_probability,
        key_path!["costs", "hospitalization_probability"],
    );
    let length_of_stay = match &k.length_of_stay {
        Some(text) => c.dist(text, key_path!["costs", "length_of_stay"]),
        None => {
            c.check(
                p == 0.0,
                key_path!["costs", "hospitalization_probability"],
                "needs `length_of_stay`, e.g. \"gamma(7d, 4d)\"",
            );
            Dist::Fixed(0.0)
        }
    };
    Costs {
        dollar_year: c.dollar_year,
        ed_visit,
        hospitalization_probability: p,
        inpatient_day,
        length_of_stay,
        crisis_center_stay,
        jail_booking,
        referral,
        transport,
        unresolved,
    }
}

pub(super) fn check_meta(c: &mut Checker<'_>, m: &schema::Meta) {
    c.check(
        m.days > 0.0 && m.days <= limits::DAYS,
        key_path!["scenario", "days"],
        format!(
            "is {}; the horizon must be more than 0 days and at most {} (100 years)",
            m.days,
            limits::DAYS
        ),
    );
    let warmup = "the warm-up in days";
    c.within(
        m.warmup_days,
        0.0,
        limits::DAYS,
        key_path!["scenario", "warmup_days"],
        warmup,
    );
    c.check(
        (1..=limits::REPLICATIONS).contains(&m.replications),
        key_path!["scenario", "replications"],
        format!(
            "is {}; give from 1 to {} replications (at 10,000 an interval is already 1 % \
             of the spread)",
            m.replications,
            limits::REPLICATIONS
        ),
    );
}

pub(super) fn build_zones(c: &mut Checker<'_>, zones: &[schema::Zone]) -> Vec<Zone> {
    c.check(
        !zones.is_empty(),
        key_path!["zones"],
        "at least one [[zones]] is needed",
    );
    c.check(
        zones.len() <= limits::ZONES,
        key_path!["zones"],
        format!(
            "{} zones; at most {} are supported",
            zones.len(),
            limits::ZONES
        ),
    );
    let names: Vec<&str> = zones.iter().map(|z| z.name.as_str()).collect();
    c.unique_names(&names, "zones");
    for (i, z) in zones.iter().enumerate() {
        let people = "a zone's population";
        c.within(
            z.population,
            0.0,
            limits::POPULATION,
            key_path!["zones", i, "population"],
            people,
        );
        let radius = "a zone's radius in km";
        c.within(
            z.radius_km,
            0.0,
            limits::KM,
            key_path!["zones", i, "radius_km"],
            radius,
        );
        for (key, v) in [("x_km", z.x_km), ("y_km", z.y_km)] {
            let what = "a coordinate in km";
            c.within(v, -limits::KM, limits::KM, key_path!["zones", i, key], what);
        }
    }
    let total: f64 = zones.iter().map(|z| z.population.max(0.0)).sum();
    c.check(
        zones.is_empty() || total > 0.0,
        key_path!["zones"],
        "the zones' total population is 0; no crisis can arrive",
    );
    zones
        .iter()
        .map(|z| Zone {
            name: z.name.clone(),
            population: z.population,
            centre: Point {
                x: z.x_km,
                y: z.y_km,
            },
            radius_km: z.radius_km,
        })
        .collect()
}

pub(super) fn build_travel(c: &mut Checker<'_>, t: &schema::Travel) -> Travel {
    c.check(
        t.speed_kmh > 0.0 && t.speed_kmh.is_finite(),
        key_path!["travel", "speed_kmh"],
        format!("is {}; the speed must be more than 0", t.speed_kmh),
    );
    let road = "road km per straight-line km";
    c.within(t.circuity, 1.0, 5.0, key_path!["travel", "circuity"], road);
    let cv = "the coefficient of variation of driving time";
    c.within(t.noise_cv, 0.0, 10.0, key_path!["travel", "noise_cv"], cv);
    let turnout = c.duration(&t.turnout, key_path!["travel", "turnout"]);
    let noise = (t.noise_cv > 0.0).then(|| {
        let sigma2 = (1.0 + t.noise_cv * t.noise_cv).ln();
        LogNormal::new(-sigma2 / 2.0, sigma2.sqrt()).ok()
    });
    Travel {
        minutes_per_km: t.circuity / t.speed_kmh.max(f64::MIN_POSITIVE) * HOUR,
        to_call_per_km: Vec::new(),
        turnout,
        noise: noise.flatten(),
        noise_cv: t.noise_cv,
    }
}

/// Minutes per km to a call of each priority group: `speed_kmh_by_priority` where it
/// names the priority, else `base`.
pub(super) fn priority_speeds(
    c: &mut Checker<'_>,
    t: &schema::Travel,
    priorities: &[u32],
    base: f64,
) -> Vec<f64> {
    let mut out = vec![base; priorities.len()];
    for (p, speed) in &t.speed_kmh_by_priority {
        let at = key_path!["travel", "speed_kmh_by_priority", p];
        let group =
            (p.trim().parse::<u32>().ok()).and_then(|p| priorities.iter().position(|x| *x == p));
        let Some(group) = group else {
            let known: Vec<String> = priorities.iter().map(u32::to_string).collect();
            c.fail(
                at,
                format!(
                    "no call type has priority `{p}`; the priorities are {}",
                    known.join(", ")
                ),
            );
            continue;
        };
        c.within(*speed, 1.0, 300.0, at, "the speed in km/h");
        out[group] = t.circuity / speed.max(1.0) * HOUR;
    }
    out
}

/// `demand.scale`, checked (1 when absent).
pub(super) fn demand_scale(c: &mut Checker<'_>, s: &schema::Scenario) -> f64 {
    s.demand.scale.map_or(1.0, |f| {
        c.non_negative(f, key_path!["demand", "scale"]);
        f.max(0.0)
    })
}

pub(super) fn build_demand(
    c: &mut Checker<'_>,
    s: &schema::Scenario,
    zones: &[Zone],
    scale: f64,
) -> Demand {
    let d = &s.demand;
    c.non_negative(
        d.crises_per_100k_per_day,
        key_path!["demand", "crises_per_100k_per_day"],
    );
    let hotline_ramp = hotline_ramp(c, &d.hotline_share);
    let hourly = profile(c, d.hourly.as_deref(), 24, "hourly");
    let weekly = profile(c, d.weekly.as_deref(), 7, "weekly");
    let population: f64 = zones.iter().map(|z| z.population.max(0.0)).sum();
    let per_minute = d.crises_per_100k_per_day.max(0.0) * scale * population / 100_000.0 / DAY;
    let rate_by_hour = (0..168)
        .map(|h| per_minute * hourly[h % 24] * weekly[h / 24])
        .collect();
    let zone_cdf = cumulative(zones.iter().map(|z| z.population.max(0.0)));
    let total_share: f64 = s.call_types.iter().map(|t| t.share).sum();
    if !s.call_types.is_empty() {
        c.shares_sum_to_one(
            total_share,
            key_path!["call_types", 0, "share"],
            "call-type shares",
        );
    }
    let call_type_cdf = cumulative(s.call_types.iter().map(|t| t.share.max(0.0)));
    Demand {
        rate_by_hour,
        zone_cdf,
        call_type_cdf,
        induced_per_crisis: 0.0,
        induced_call_type_cdf: Vec::new(),
        hotline_ramp,
    }
}

/// A growing hotline share as the factor on the shares when the line opens and the
/// time to reach them (`None` for a plain share).
fn hotline_ramp(c: &mut Checker<'_>, share: &schema::HotlineShare) -> Option<(f64, Minutes)> {
    let at = |key: &str| key_path!["demand", "hotline_share", key];
    match share {
        schema::HotlineShare::Share(x) => {
            c.probability(*x, key_path!["demand", "hotline_share"]);
            None
        }
        schema::HotlineShare::Ramp { from, to, over } => {
            c.probability(*from, at("from"));
            c.probability(*to, at("to"));
            c.check(
                *to > 0.0 && from <= to,
                at("from"),
                "must lie between 0 and `to`, which must be above 0 (the share grows from `from` to `to`)",
            );
            let over = c.duration(over, at("over"));
            (*to > 0.0).then(|| ((from / to).clamp(0.0, 1.0), over))
        }
    }
}

/// Relative weights normalised to mean 1; flat when absent.
pub(super) fn profile(
    c: &mut Checker<'_>,
    weights: Option<&[f64]>,
    len: usize,
    key: &str,
) -> Vec<f64> {
    weights_at(c, weights, len, key_path!["demand", key])
}

/// Relative weights at `path`, `len` of them, scaled to average 1 (all 1 when absent).
pub(super) fn weights_at(
    c: &mut Checker<'_>,
    weights: Option<&[f64]>,
    len: usize,
    path: Vec<Seg>,
) -> Vec<f64> {
    let Some(w) = weights else {
        return vec![1.0; len];
    };
    if w.len() != len {
        c.fail(
            path,
            format!("has {} weights; it needs exactly {len}", w.len()),
        );
        return vec![1.0; len];
    }
    if w.iter().any(|x| !x.is_finite() || *x < 0.0) || w.iter().sum::<f64>() <= 0.0 {
        c.fail(path, "weights must be >= 0 and not all 0");
        return vec![1.0; len];
    }
    let mean = w.iter().sum::<f64>() / len as f64;
    w.iter().map(|x| x / mean).collect()
}

/// Cumulative shares normalised to end at 1.
pub(super) fn cumulative(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    let mut out: Vec<f64> = weights
        .map(|w| {
            acc += w;
            acc
        })
        .collect();
    if acc > 0.0 {
        out.iter_mut().for_each(|x| *x /= acc);
    }
    out
}

pub(super) fn build_facilities(
    c: &mut Checker<'_>,
    facilities: &[schema::Facility],
    zones: &[Zone],
    zone_names: &[&str],
) -> Vec<Facility> {
    let names: Vec<&str> = facilities.iter().map(|f| f.name.as_str()).collect();
    c.unique_names(&names, "facilities");
    use strum::VariantArray;
    let kinds: Vec<&str> = FacilityKind::VARIANTS.iter().map(|k| k.name()).collect();
    let built: Vec<Facility> = facilities
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let kind = c.resolve(
                &f.kind,
                &kinds,
                "facility kind",
                key_path!["facilities", i, "kind"],
            );
            let zone = c.resolve(
                &f.zone,
                zone_names,
                "zone",
                key_path!["facilities", i, "zone"],
            );
            let kind = FacilityKind::VARIANTS[kind.unwrap_or(0)];
            Facility {
                name: f.name.clone(),
                kind,
                at: zone
                    .and_then(|z| zones.get(z))
                    .map_or(Point { x: 0.0, y: 0.0 }, |z| z.centre),
                handoff: c.dist(&f.handoff, key_path!["facilities", i, "handoff"]),
                capacity: build_capacity(c, f, i, &names, kind),
                cost_per_place_day: place_day_cost(c, f, i),
                handoff_police: (f.handoff_police.as_ref())
                    .map(|h| c.dist(h, key_path!["facilities", i, "handoff_police"])),
                walk_ins_per_minute: walk_ins(c, f, i),
                walk_ins_hourly: weights_at(
                    c,
                    f.walk_ins.as_ref().and_then(|w| w.hourly.as_deref()),
                    24,
                    key_path!["facilities", i, "walk_ins", "hourly"],
                ),
                accepts_holds: f.accepts_holds.unwrap_or(true),
            }
        })
        .collect();
    no_diversion_loops(c, &built);
    built
}

/// Walk-ins a minute, which only a facility with places (and stays) can take.
fn walk_ins(c: &mut Checker<'_>, f: &schema::Facility, i: usize) -> f64 {
    let Some(w) = &f.walk_ins else {
        return 0.0;
    };
    let at = key_path!["facilities", i, "walk_ins", "per_day"];
    c.within(w.per_day, 0.0, 1e6, at.clone(), "arrivals a day");
    c.check(
        f.capacity.is_some(),
        at,
        "brings people who need a place, but the facility has no `capacity` (and `length_of_stay`)",
    );
    w.per_day.clamp(0.0, 1e6) / crate::time::DAY
}

/// The cost of a place-day, which only a facility with places can have.
fn place_day_cost(c: &mut Checker<'_>, f: &schema::Facility, i: usize) -> f64 {
    let at = key_path!["facilities", i, "cost_per_place_day"];
    let cost = c.money(&f.cost_per_place_day, at.clone());
    c.check(
        cost == 0.0 || f.capacity.is_some(),
        at,
        "prices places, but the facility has no `capacity`",
    );
    cost
}

/// A facility's places, when it has a `capacity`.
fn build_capacity(
    c: &mut Checker<'_>,
    f: &schema::Facility,
    i: usize,
    names: &[&str],
    kind: FacilityKind,
) -> Option<Capacity> {
    let at = |key: &str| key_path!["facilities", i, key];
    let Some(places) = f.capacity else {
        c.check(
            kind != FacilityKind::Inpatient,
            at("capacity"),
            "an inpatient facility needs a `capacity` (its beds) and a `length_of_stay`",
        );
        for (key, given) in [
            ("length_of_stay", f.length_of_stay.is_some()),
            ("when_full", f.when_full.is_some()),
            ("divert_to", f.divert_to.is_some()),
        ] {
            c.check(
                !given,
                at(key),
                "only a facility with a `capacity` can have this",
            );
        }
        return None;
    };
    let most = limits::UNITS * 100;
    c.check(
        (1..=most).contains(&places),
        at("capacity"),
        format!("is {places}; give a whole number of places from 1 to {most}"),
    );
    let length_of_stay = match &f.length_of_stay {
        Some(text) => c.dist(text, at("length_of_stay")),
        None => {
            c.fail(
                at("length_of_stay"),
                "a facility with a `capacity` needs a `length_of_stay`, e.g. \"lognormal(8h, 6h)\"",
            );
            Dist::Fixed(0.0)
        }
    };
    let divert_to = f.divert_to.as_ref().and_then(|target| {
        let found = c.resolve(target, names, "facility", at("divert_to"));
        c.check(
            found != Some(i),
            at("divert_to"),
            "a facility cannot divert to itself",
        );
        found
    });
    let when_full = match f.when_full.as_deref().unwrap_or("wait") {
        "wait" => {
            c.check(
                f.divert_to.is_none(),
                at("divert_to"),
                "only `when_full = \"divert\"` sends units on; remove it or divert",
            );
            WhenFull::Wait
        }
        "divert" => WhenFull::Divert(divert_to),
        other => {
            c.fail(
                at("when_full"),
                format!("`{other}` is not a choice; write \"wait\" or \"divert\""),
            );
            WhenFull::Wait
        }
    };
    Some(Capacity {
        places,
        length_of_stay,
        when_full,
    })
}

/// Diversions may chain (A to B to C) but not come back round (A to B to A): a unit
/// would drive in circles while every place is taken.
fn no_diversion_loops(c: &mut Checker<'_>, facilities: &[Facility]) {
    let next = |f: usize| match facilities[f].capacity.as_ref()?.when_full {
        WhenFull::Divert(to) => to,
        WhenFull::Wait => None,
    };
    for f in 0..facilities.len() {
        if let Some(to) = next(f) {
            c.check(
                facilities[to].kind != FacilityKind::Inpatient,
                key_path!["facilities", f, "divert_to"],
                "units cannot take anyone to an inpatient unit; divert to an ED or crisis centre",
            );
        }
    }
    for start in 0..facilities.len() {
        let mut seen = vec![start];
        let mut at = start;
        while let Some(to) = next(at) {
            if seen.contains(&to) {
                let chain: Vec<&str> = seen
                    .iter()
                    .chain([&to])
                    .map(|&f| facilities[f].name.as_str())
                    .collect();
                c.fail(
                    key_path!["facilities", start, "divert_to"],
                    format!("diversions go round in a loop: {}", chain.join(" → ")),
                );
                return;
            }
            seen.push(to);
            at = to;
        }
    }
}

/// `[intake]`: a processing time for every priority, `processing_by_priority` where a
/// priority differs.
pub(super) fn build_intake(
    c: &mut Checker<'_>,
    i: &schema::Intake,
    priorities: &[u32],
    kinds: &[Kind],
) -> Intake {
    let all = i
        .processing
        .as_ref()
        .map(|d| c.dist(d, key_path!["intake", "processing"]));
    let mut processing = vec![all.clone(); priorities.len()];
    let mut other = Vec::new();
    let background: Vec<u32> = (kinds.iter())
        .flat_map(|k| k.background.iter().map(|b| b.priority))
        .filter(|p| *p != u32::MAX)
        .collect();
    for (p, d) in &i.processing_by_priority {
        let at = key_path!["intake", "processing_by_priority", p];
        let number = p.trim().parse::<u32>().ok();
        match number.map(|n| (n, priorities.iter().position(|x| *x == n))) {
            Some((_, Some(group))) => processing[group] = Some(c.dist(d, at)),
            Some((n, None)) if background.contains(&n) => other.push((n, c.dist(d, at))),
            _ => {
                let mut known: Vec<u32> = priorities.iter().chain(&background).copied().collect();
                known.sort_unstable();
                known.dedup();
                let known: Vec<String> = known.iter().map(u32::to_string).collect();
                c.fail(
                    at,
                    format!(
                        "no call type or background work has priority `{p}`; the priorities \
                         are {}",
                        known.join(", ")
                    ),
                );
            }
        }
    }
    Intake {
        processing,
        other,
        otherwise: all,
    }
}
