//! What a few `--set` keys change besides themselves, so that a planner's usual
//! questions are one `--set` on any scenario:
//!
//! - `responders.K.units=N` (likewise `hotline.counselors`, `psychiatry.on_call`) on a
//!   kind staffed by `shifts` replaces the shifts with N around the clock;
//! - `call_types.T.share=x` scales the other call types' shares so that all still sum
//!   to 1;
//! - `call_types.T.outcomes.K.D=x` scales the other ways a call of type T answered by
//!   kind K ends, likewise (the share sent to the ED, say, with the rest in proportion).
//!
//! Each returns a note for the console.

use super::tree::{Node, Value};

/// What a file that `extends` `base` changes besides itself: a count (`units`,
/// `counselors`, `on_call`) where the base has `shifts` replaces those shifts, as the
/// same key given with `--set` does. Applied to `base` before `over` is merged into it.
pub fn extending(base: &mut Node, over: &Node) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(Value::Array(kinds)) = over.get("responders").map(|r| &r.value) {
        for kind in kinds.iter().filter(|k| counts_without_shifts(k, "units")) {
            let Some(name) = kind.name() else { continue };
            let key = format!("responders.{name}.units");
            notes.extend(named(base, "responders", name).and_then(|b| replaced(b, kind, &key)));
        }
    }
    for (table_key, count) in [("hotline", "counselors"), ("psychiatry", "on_call")] {
        let Some(o) = over
            .get(table_key)
            .filter(|o| counts_without_shifts(o, count))
        else {
            continue;
        };
        let key = format!("{table_key}.{count}");
        notes.extend(table(base, table_key).and_then(|b| replaced(b, o, &key)));
    }
    notes
}

fn counts_without_shifts(node: &Node, count: &str) -> bool {
    node.get(count).is_some() && node.get("shifts").is_none()
}

/// The base's `shifts` dropped for the count `over` gives.
fn replaced(base: &mut Node, over: &Node, key: &str) -> Option<String> {
    base.remove("shifts")?;
    let count = over.get(key.rsplit('.').next()?).map(number)?;
    Some(format!(
        "{key} = {count} replaces the base scenario's shifts with {count} around the clock"
    ))
}

/// Applies the follow-ups of `sets` to the merged tree; returns what was done.
pub fn apply(tree: &mut Node, sets: &[String]) -> Vec<String> {
    let mut notes = Vec::new();
    for set in sets {
        let Some((key, _)) = set.split_once('=') else {
            continue;
        };
        let path: Vec<&str> = key.trim().split('.').collect();
        let note = match path[..] {
            ["responders", name, "units"] => named(tree, "responders", name)
                .and_then(|r| drop_shifts(r, &format!("responders.{name}.units"))),
            ["hotline", "counselors"] => {
                table(tree, "hotline").and_then(|h| drop_shifts(h, "hotline.counselors"))
            }
            ["psychiatry", "on_call"] => {
                table(tree, "psychiatry").and_then(|p| drop_shifts(p, "psychiatry.on_call"))
            }
            ["call_types", name, "share"] => rescale_shares(tree, name),
            ["call_types", name, "outcomes", kind, way] => rescale_outcomes(tree, name, kind, way),
            _ => None,
        };
        notes.extend(note);
    }
    notes
}

fn table<'a>(tree: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    let Value::Table(entries) = &mut tree.value else {
        return None;
    };
    entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The table named `name` in the array `key`.
fn named<'a>(tree: &'a mut Node, key: &str, name: &str) -> Option<&'a mut Node> {
    let Value::Array(items) = &mut table(tree, key)?.value else {
        return None;
    };
    items.iter_mut().find(|n| n.name() == Some(name))
}

fn drop_shifts(node: &mut Node, key: &str) -> Option<String> {
    node.remove("shifts")?;
    let count = node.get(key.rsplit('.').next()?).map(number)?;
    Some(format!(
        "{key}={count} replaces the scheduled shifts with {count} around the clock"
    ))
}

fn number(n: &Node) -> f64 {
    match n.value {
        Value::Int(i) => i as f64,
        Value::Float(f) => f,
        _ => f64::NAN,
    }
}

/// Scales every other call type's share so that the shares sum to 1 again.
fn rescale_shares(tree: &mut Node, name: &str) -> Option<String> {
    let Value::Array(types) = &mut table(tree, "call_types")?.value else {
        return None;
    };
    let share = |n: &Node| n.get("share").map_or(0.0, number);
    let set = share(types.iter().find(|t| t.name() == Some(name))?);
    let others: f64 = types
        .iter()
        .filter(|t| t.name() != Some(name))
        .map(share)
        .sum();
    if !(0.0..=1.0).contains(&set) || others <= 0.0 {
        return None; // validation explains what is wrong
    }
    let factor = (1.0 - set) / others;
    for t in types.iter_mut().filter(|t| t.name() != Some(name)) {
        let scaled = share(t) * factor;
        if let Value::Table(entries) = &mut t.value
            && let Some((_, n)) = entries.iter_mut().find(|(k, _)| k == "share")
        {
            n.value = Value::Float(scaled);
        }
    }
    Some(format!(
        "call_types.{name}.share={set}: the other call types' shares were scaled by {factor:.4} so all still sum to 1"
    ))
}

/// Scales the other dispositions of one call type's outcomes for one kind so that
/// they sum to 1 again.
fn rescale_outcomes(tree: &mut Node, name: &str, kind: &str, way: &str) -> Option<String> {
    let outcomes = named(tree, "call_types", name)?
        .get_mut("outcomes")?
        .get_mut(kind)?;
    let Value::Table(entries) = &mut outcomes.value else {
        return None;
    };
    let set = number(&entries.iter().find(|(k, _)| k == way)?.1);
    let others: f64 = (entries.iter())
        .filter(|(k, _)| k != way)
        .map(|(_, n)| number(n))
        .sum();
    if !(0.0..=1.0).contains(&set) || others.is_nan() || others <= 0.0 {
        return None; // validation explains what is wrong
    }
    let factor = (1.0 - set) / others;
    for (_, n) in entries.iter_mut().filter(|(k, _)| k != way) {
        n.value = Value::Float(number(n) * factor);
    }
    Some(format!(
        "call_types.{name}.outcomes.{kind}.{way}={set}: the other outcomes were scaled by \
         {factor:.4} so all still sum to 1"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn doc(text: &str) -> Node {
        super::super::tree::parse(text, &Arc::from("t.toml")).unwrap()
    }

    #[test]
    fn units_replace_shifts_and_shares_stay_whole() {
        let mut t = doc(
            "[[responders]]\nname = \"v\"\nunits = 3\nshifts = [{ from = \"07:00\", to = \"19:00\", units = 2 }]\n\
             [[call_types]]\nname = \"a\"\nshare = 0.5\n[[call_types]]\nname = \"b\"\nshare = 0.3\n\
             [[call_types]]\nname = \"c\"\nshare = 0.2\n",
        );
        let sets = [
            "responders.v.units=3".to_string(),
            "call_types.a.share=0.5".to_string(),
        ];
        let notes = apply(&mut t, &sets);
        assert_eq!(notes.len(), 2, "{notes:?}");
        let toml = t.to_toml();
        assert!(toml["responders"][0].get("shifts").is_none());
        let shares: Vec<f64> = (0..3)
            .map(|i| toml["call_types"][i]["share"].as_float().unwrap())
            .collect();
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(
            (shares[1] / shares[2] - 1.5).abs() < 1e-12,
            "proportions kept"
        );
    }

    #[test]
    fn a_count_in_an_extending_file_replaces_the_base_shifts() {
        let mut base = doc(
            "[[responders]]\nname = \"v\"\nshifts = [{ from = \"07:00\", to = \"19:00\", units = 2 }]\n\
             [hotline]\nshifts = [{ from = \"08:00\", to = \"00:00\", units = 2 }]\n",
        );
        let over = doc("[[responders]]\nname = \"v\"\nunits = 10\n[hotline]\ncounselors = 3\n");
        let notes = extending(&mut base, &over);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("responders.v.units = 10 replaces"));
        base.merge(over);
        assert!(base.lookup("responders.v.shifts").is_none());
        assert!(base.lookup("hotline.shifts").is_none());
        assert!(base.lookup("responders.v.units").is_some());
        // A file that gives shifts of its own keeps them.
        let mut again = doc("[[responders]]\nname = \"v\"\nunits = 1\n");
        let own = doc("[[responders]]\nname = \"v\"\nunits = 3\nshifts = []\n");
        assert!(extending(&mut again, &own).is_empty());
    }

    #[test]
    fn one_outcome_set_rescales_the_others() {
        let mut t = doc("[[call_types]]\nname = \"a\"\nshare = 1.0\n\
             outcomes.v = { resolved_on_scene = 0.6, referred = 0.2, emergency_department = 0.2 }\n");
        super::super::tree::apply_set(&mut t, "call_types.a.outcomes.v.emergency_department=0.5")
            .unwrap();
        let notes = apply(
            &mut t,
            &["call_types.a.outcomes.v.emergency_department=0.5".into()],
        );
        assert_eq!(notes.len(), 1);
        let o = &t.to_toml()["call_types"][0]["outcomes"]["v"];
        let get = |k: &str| o[k].as_float().unwrap();
        assert!((get("resolved_on_scene") - 0.375).abs() < 1e-12);
        assert!((get("referred") - 0.125).abs() < 1e-12);
        assert_eq!(get("emergency_department"), 0.5);
    }
}
