//! Call types: shares, priorities, preference lists, and each kind's response
//! (scene time, backup, force, consults, outcome mixes).

use super::check::{Checker, key_path};
use super::*;
use crate::scenario::schema;
use crate::scenario::tree::Seg;

pub(super) fn build_call_types(
    c: &mut Checker<'_>,
    s: &schema::Scenario,
    roles: &[Role],
    facilities: &[Facility],
    backup_kind: Option<KindId>,
) -> Vec<CallType> {
    c.check(
        !s.call_types.is_empty(),
        key_path!["call_types"],
        "at least one [[call_types]] is needed",
    );
    c.check(
        s.call_types.len() <= super::limits::CALL_TYPES,
        key_path!["call_types"],
        format!(
            "{} call types; at most {} are supported",
            s.call_types.len(),
            super::limits::CALL_TYPES
        ),
    );
    let names: Vec<&str> = s.call_types.iter().map(|t| t.name.as_str()).collect();
    c.unique_names(&names, "call_types");
    let kind_names: Vec<&str> = s.responders.iter().map(|r| r.name.as_str()).collect();
    s.call_types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut ct = build_call_type(c, t, i, roles, &kind_names, facilities, backup_kind);
            if ct.hotline_share.is_nan() {
                ct.hotline_share = s.demand.hotline_share.value();
            }
            ct
        })
        .collect()
}

pub(super) fn build_call_type(
    c: &mut Checker<'_>,
    t: &schema::CallType,
    i: usize,
    roles: &[Role],
    kind_names: &[&str],
    facilities: &[Facility],
    backup_kind: Option<KindId>,
) -> CallType {
    let at = |key: &str| key_path!["call_types", i, key];
    c.probability(t.share, at("share"));
    c.check(
        t.priority >= 1,
        at("priority"),
        "priority starts at 1 (most urgent)",
    );
    c.check(
        !t.responders.is_empty(),
        at("responders"),
        "list at least one responder kind",
    );
    let responders: Vec<KindId> = t
        .responders
        .iter()
        .enumerate()
        .filter_map(|(j, name)| {
            c.resolve(
                name,
                kind_names,
                "responder kind",
                key_path!["call_types", i, "responders", j],
            )
        })
        .collect();
    for (j, k) in responders.iter().enumerate() {
        if responders[..j].contains(k) {
            c.fail(
                key_path!["call_types", i, "responders", j],
                "is listed twice",
            );
        }
    }
    let fallback_after = match &t.fallback_after {
        Some(text) => c.duration(text, at("fallback_after")),
        None => {
            c.check(
                responders.len() <= 1,
                at("responders"),
                "lists more than one kind; say how long to wait before falling back with `fallback_after`",
            );
            0.0
        }
    };
    let routed_share = t.routed_share.map_or(1.0, |share| {
        let share = c.probability(share, at("routed_share"));
        c.check(
            share == 1.0 || responders.len() > 1,
            at("routed_share"),
            "sends some calls past the first kind, so `responders` needs a second kind",
        );
        share
    });
    for (key, map_keys) in [
        ("on_scene", t.on_scene.keys().collect::<Vec<_>>()),
        ("backup", t.backup.keys().collect()),
        ("use_of_force", t.use_of_force.keys().collect()),
        ("injury", t.injury.keys().collect()),
        ("outcomes", t.outcomes.keys().collect()),
        ("consult", t.consult.keys().collect()),
        ("units_sent", t.units_sent.keys().collect()),
        (
            "outcomes_with_consult",
            t.outcomes_with_consult.keys().collect(),
        ),
    ] {
        for name in map_keys {
            c.resolve(
                name,
                kind_names,
                "responder kind",
                key_path!["call_types", i, key, name],
            );
        }
    }
    for k in &responders {
        let name = kind_names[*k];
        c.check(
            t.on_scene.contains_key(name),
            at("on_scene"),
            format!("has no scene time for `{name}`, which this call type dispatches"),
        );
        c.check(
            t.outcomes.contains_key(name),
            at("outcomes"),
            format!("has no outcome mix for `{name}`, which this call type dispatches"),
        );
    }
    let asks_backup = t.backup.values().any(|p| *p > 0.0);
    match backup_kind {
        None if asks_backup => c.fail(
            at("backup"),
            "asks for police backup, but no responder kind has role = \"police\"",
        ),
        Some(b) if asks_backup && !t.on_scene.contains_key(kind_names[b]) => c.fail(
            at("on_scene"),
            format!(
                "needs a scene time for `{}`, which answers backup requests",
                kind_names[b]
            ),
        ),
        _ => {}
    }
    let by_kind = kind_names
        .iter()
        .map(|name| build_response(c, t, i, name, facilities))
        .collect();
    let units_sent = kind_names
        .iter()
        .map(|name| {
            let n = t.units_sent.get(*name).copied().unwrap_or(1);
            c.check(
                (1..=16).contains(&n),
                key_path!["call_types", i, "units_sent", *name],
                format!("is {n}; send from 1 to 16 units of a kind to one call"),
            );
            n.clamp(1, 16)
        })
        .collect();
    let mobile: Vec<KindId> = responders
        .iter()
        .copied()
        .filter(|k| roles.get(*k) != Some(&Role::Police))
        .collect();
    let routing = build_routing(c, t, i, responders.len(), !mobile.is_empty());
    CallType {
        name: t.name.clone(),
        priority: t.priority,
        // set once every call type is known
        priority_group: 0,
        mobile,
        units_sent,
        responders,
        fallback_after,
        routed_share,
        cancelled: t.cancelled.as_ref().map(|x| {
            let share = c.probability(x.share, key_path!["call_types", i, "cancelled", "share"]);
            Cancellation {
                share,
                after: c.dist(&x.after, key_path!["call_types", i, "cancelled", "after"]),
            }
        }),
        by_kind,
        induced_share: routing.induced_share,
        prefer_within: routing.prefer_within,
        // the demand's share unless the type sets its own (filled in by the caller)
        hotline_share: routing.hotline_share.unwrap_or(f64::NAN),
        resolved_by_phone: routing.resolved_by_phone,
        escalation_per_hour: t.escalation_per_hour.map_or(0.0, |r| {
            c.within(
                r,
                0.0,
                60.0,
                key_path!["call_types", i, "escalation_per_hour"],
                "a rate per hour of waiting",
            );
            r.clamp(0.0, 60.0)
        }),
        holds: build_holds(c, t, i, kind_names, facilities, backup_kind),
    }
}

/// A call type's involuntary holds: a share, and a kind to transport them (the
/// police kind unless named), with somewhere that accepts them.
fn build_holds(
    c: &mut Checker<'_>,
    t: &schema::CallType,
    i: usize,
    kind_names: &[&str],
    facilities: &[Facility],
    backup_kind: Option<KindId>,
) -> Option<Holds> {
    let h = t.holds.as_ref()?;
    let share = c.probability(h.share, key_path!["call_types", i, "holds", "share"]);
    let transport = match &h.transport {
        Some(name) => c.resolve(
            name,
            kind_names,
            "responder kind",
            key_path!["call_types", i, "holds", "transport"],
        ),
        None => {
            c.check(
                backup_kind.is_some(),
                key_path!["call_types", i, "holds"],
                "needs a kind to transport holds: name one with `transport`, or add a kind with role = \"police\"",
            );
            backup_kind
        }
    }?;
    let takes = |f: &Facility| {
        f.accepts_holds
            && matches!(
                f.kind,
                FacilityKind::EmergencyDepartment | FacilityKind::CrisisCenter
            )
    };
    c.check(
        facilities.is_empty() || facilities.iter().any(takes),
        key_path!["call_types", i, "holds"],
        "has no emergency department or crisis centre that accepts holds (every one sets accepts_holds = false)",
    );
    Some(Holds { share, transport })
}

/// A call type's routing keys beyond its preference list.
struct Routing {
    induced_share: f64,
    prefer_within: Option<Minutes>,
    hotline_share: Option<f64>,
    resolved_by_phone: Option<f64>,
}

fn build_routing(
    c: &mut Checker<'_>,
    t: &schema::CallType,
    i: usize,
    kinds: usize,
    has_mobile: bool,
) -> Routing {
    let at = |key: &str| key_path!["call_types", i, key];
    let induced_share = t.induced_share.map_or(0.0, |x| {
        c.within(
            x,
            0.0,
            10.0,
            at("induced_share"),
            "a share of the type's crises",
        );
        c.check(
            x == 0.0 || has_mobile,
            at("induced_share"),
            "adds calls only a non-police kind answers, but `responders` lists police only",
        );
        x.clamp(0.0, 10.0)
    });
    let prefer_within = t.prefer_within.as_ref().map(|text| {
        let minutes = c.duration(text, at("prefer_within"));
        c.check(
            kinds > 1,
            at("prefer_within"),
            "needs a second kind in `responders` to send instead",
        );
        minutes
    });
    Routing {
        induced_share,
        prefer_within,
        hotline_share: t
            .hotline_share
            .map(|x| c.probability(x, at("hotline_share"))),
        resolved_by_phone: t
            .resolved_by_phone
            .map(|x| c.probability(x, at("resolved_by_phone"))),
    }
}

pub(super) fn build_response(
    c: &mut Checker<'_>,
    t: &schema::CallType,
    i: usize,
    kind: &str,
    facilities: &[Facility],
) -> Option<Response> {
    let on_scene = t.on_scene.get(kind)?;
    let mut prob = |key: &str, map: &std::collections::BTreeMap<String, f64>| {
        map.get(kind).map_or(0.0, |p| {
            c.probability(*p, key_path!["call_types", i, key, kind])
        })
    };
    let backup = prob("backup", &t.backup);
    let use_of_force = prob("use_of_force", &t.use_of_force);
    let injury = prob("injury", &t.injury);
    let consult = prob("consult", &t.consult);
    let outcomes = t.outcomes.get(kind).map_or([0.0; 5], |mix| {
        outcome_mix(
            c,
            mix,
            key_path!["call_types", i, "outcomes", kind],
            facilities,
        )
    });
    let outcomes_with_consult = t.outcomes_with_consult.get(kind).map_or(outcomes, |mix| {
        let path = key_path!["call_types", i, "outcomes_with_consult", kind];
        outcome_mix(c, mix, path, facilities)
    });
    Some(Response {
        on_scene: c.dist(on_scene, key_path!["call_types", i, "on_scene", kind]),
        backup,
        use_of_force,
        injury,
        outcomes,
        consult,
        outcomes_with_consult,
    })
}

pub(super) fn outcome_mix(
    c: &mut Checker<'_>,
    mix: &std::collections::BTreeMap<String, f64>,
    path: Vec<Seg>,
    facilities: &[Facility],
) -> [f64; 5] {
    let names = Disposition::names();
    let mut out = [0.0; 5];
    for (name, p) in mix {
        let mut key = path.clone();
        key.push(Seg::from(name));
        let p = c.probability(*p, key.clone());
        let Some(d) = c.resolve(name, &names, "disposition", key.clone()) else {
            continue;
        };
        out[d] = p;
        let needs = Disposition::ALL[d].facility();
        if let Some(kind) = needs.filter(|_| p > 0.0) {
            c.check(
                facilities.iter().any(|f| f.kind == kind),
                key,
                format!(
                    "needs a facility of kind `{}`, but the scenario has no such [[facilities]]",
                    kind.name()
                ),
            );
        }
    }
    c.shares_sum_to_one(out.iter().sum(), path, "outcome probabilities");
    out
}
