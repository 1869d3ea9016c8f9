//! Responder kinds: role, homes, costs, schedules, absences, background work (one
//! stream or several, some preemptible), out-of-service spells and reserves.

use super::build::{start, weights_at};
use super::check::{Checker, key_path};
use super::limits;
use super::schedule::build_schedule;
use super::*;
use crate::scenario::schema;
use crate::scenario::tree::Seg;
use crate::time::HOUR;

pub(super) fn build_kinds(
    c: &mut Checker<'_>,
    responders: &[schema::Responder],
    zone_names: &[&str],
    demand_scale: f64,
    (run_days, languages): (usize, &[String]),
) -> Vec<Kind> {
    c.check(
        !responders.is_empty(),
        key_path!["responders"],
        "at least one [[responders]] is needed",
    );
    c.check(
        responders.len() <= 64,
        key_path!["responders"],
        "at most 64 responder kinds are supported",
    );
    let names: Vec<&str> = responders.iter().map(|r| r.name.as_str()).collect();
    c.unique_names(&names, "responders");
    use strum::VariantArray;
    let role_names: Vec<&str> = Role::VARIANTS.iter().map(|r| r.name()).collect();
    let kinds: Vec<Kind> = responders
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let role = c.resolve(
                &r.role,
                &role_names,
                "role",
                key_path!["responders", i, "role"],
            );
            let names = r.home.names();
            c.check(
                !names.is_empty(),
                key_path!["responders", i, "home"],
                "name at least one zone",
            );
            let mut homes: Vec<ZoneId> = names
                .iter()
                .filter_map(|h| {
                    c.resolve(h, zone_names, "zone", key_path!["responders", i, "home"])
                })
                .collect();
            if homes.is_empty() {
                homes.push(0);
            }
            let at = key_path!["responders", i, "cost_per_hour"];
            let cost_per_hour = c.money(&r.cost_per_hour, at);
            let schedule = build_schedule(
                c,
                r.units,
                r.shifts.as_deref(),
                &[Seg::from("responders"), Seg::from(i)],
                "units",
            )
            .scaled(r.scale.map_or(1.0, |f| {
                let what = "a staffing scale factor";
                c.within(f, 0.0, 100.0, key_path!["responders", i, "scale"], what);
                f.clamp(0.0, 100.0)
            }));
            Kind {
                name: r.name.clone(),
                role: Role::VARIANTS[role.unwrap_or(0)],
                homes,
                cost_per_hour,
                staff: super::workforce::build_staff(
                    c,
                    (r, i),
                    schedule.mean_units(),
                    (run_days, languages),
                ),
                schedule,
                absence: r.absence.map_or(0.0, |a| {
                    c.check(
                        (0.0..1.0).contains(&a),
                        key_path!["responders", i, "absence"],
                        format!("is {a}; a share of unstaffed shifts must be in [0, 1)"),
                    );
                    a.clamp(0.0, 0.99)
                }),
                background: r.background.as_ref().map_or_else(Vec::new, |b| {
                    let list = b.is_list();
                    (b.items().into_iter().enumerate())
                        .map(|(j, w)| {
                            let mut at = key_path!["responders", i, "background"];
                            if list {
                                at.push(Seg::from(j));
                            }
                            build_background(c, w, &at, demand_scale)
                        })
                        .collect()
                }),
                unavailable: r.unavailable.as_ref().map(|u| build_unavailable(c, u, i)),
                reserve: r.reserve.as_ref().map(|x| build_reserve(c, x, i)),
                serves: r.serves.as_ref().map(|zones| {
                    let mut served = vec![false; zone_names.len()];
                    for (j, z) in zones.iter().enumerate() {
                        let at = key_path!["responders", i, "serves", j];
                        if let Some(z) = c.resolve(z, zone_names, "zone", at) {
                            served[z] = true;
                        }
                    }
                    served
                }),
                max_travel: r
                    .max_travel
                    .as_ref()
                    .map(|t| c.positive_duration(t, key_path!["responders", i, "max_travel"])),
                from: start(c, r.from_day, key_path!["responders", i, "from_day"]),
            }
        })
        .collect();
    let units: u64 = kinds
        .iter()
        .map(|k| u64::from(k.schedule.max_units()))
        .sum();
    c.check(
        units <= MAX_UNITS,
        key_path!["responders"],
        format!("{units} units in all; at most {MAX_UNITS} are supported"),
    );
    kinds
}

/// The most units a scenario may have (far beyond any city; keeps memory bounded).
pub const MAX_UNITS: u64 = 1_000_000;

/// `path` joined with `key`.
fn at(path: &[Seg], key: &str) -> Vec<Seg> {
    let mut p = path.to_vec();
    p.push(Seg::from(key));
    p
}

/// One stream of background work, at `path` (`responders.K.background[.j]`).
fn build_background(
    c: &mut Checker<'_>,
    b: &schema::Background,
    path: &[Seg],
    demand_scale: f64,
) -> BackgroundWork {
    c.non_negative(b.per_hour, at(path, "per_hour"));
    for (key, p) in [
        ("priority", b.priority),
        ("preemptible_by", b.preemptible_by),
    ] {
        if let Some(p) = p {
            c.check(p >= 1, at(path, key), "priority starts at 1");
        }
    }
    let rate = b.per_hour.max(0.0) * demand_scale / HOUR;
    let units = b.units.unwrap_or(1);
    c.check(
        (1..=64).contains(&units),
        at(path, "units"),
        "a call takes 1 to 64 units",
    );
    BackgroundWork {
        units: units.clamp(1, 64),
        rate,
        service: c.dist(&b.service, at(path, "service")),
        priority: b.priority.unwrap_or(u32::MAX),
        preemptible_by: b.preemptible_by.unwrap_or(0),
        by_hour: b.hourly.as_ref().map(|w| {
            weights_at(c, Some(w), 24, at(path, "hourly"))
                .iter()
                .map(|x| x * rate)
                .collect()
        }),
    }
}

/// Out-of-service spells: a share of on-duty time below 0.9, and a spell of some length.
fn build_unavailable(c: &mut Checker<'_>, u: &schema::Unavailable, i: usize) -> Unavailable {
    let path = key_path!["responders", i, "unavailable"];
    c.check(
        (0.0..0.9).contains(&u.share),
        at(&path, "share"),
        format!(
            "is {}; the share of on-duty time out of service must be in [0, 0.9)",
            u.share
        ),
    );
    let spell = c.dist(&u.spell, at(&path, "spell"));
    c.check(
        spell.mean() > 0.0,
        at(&path, "spell"),
        "a spell must last longer than 0",
    );
    Unavailable {
        share: u.share.clamp(0.0, 0.89),
        spell,
    }
}

fn build_reserve(c: &mut Checker<'_>, r: &schema::Reserve, i: usize) -> Reserve {
    let path = key_path!["responders", i, "reserve"];
    c.check(
        r.below_priority >= 2,
        at(&path, "below_priority"),
        "hold calls of priority 2 or less urgent: at least 2 (priority 1 is never held)",
    );
    c.check(
        r.units <= limits::UNITS,
        at(&path, "units"),
        format!("at most {} units", limits::UNITS),
    );
    Reserve {
        units: r.units,
        below_priority: r.below_priority.max(2),
    }
}
