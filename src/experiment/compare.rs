//! `compare`: several scenarios, and named variants of the first, run with the
//! baseline's seed and replications, so that they share their random numbers, then
//! paired replication by replication.

use std::path::PathBuf;

use super::{ExperimentError, RunOptions, load, provenance, run};
use crate::model::Model;
use crate::scenario::Loaded;
use crate::stats::Comparison;

/// A named variant of the baseline, or of another scenario (`from=FILE`):
/// `"vans +2: responders.mobile_crisis.scale=1.3"`,
/// `"ten vans: from=scenarios/mid-size-city-mobile-crisis.toml; responders.mobile_crisis.units=10"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// Its name in tables and charts.
    pub name: String,
    /// The scenario file it varies (the baseline's when absent).
    pub from: Option<PathBuf>,
    /// Its own `KEY=VALUE` overrides, applied after the common ones.
    pub sets: Vec<String>,
}

impl Variant {
    /// Reads `NAME: KEY=VALUE; KEY=VALUE`.
    pub fn parse(text: &str) -> Result<Variant, String> {
        let usage = "write --variant \"NAME: KEY=VALUE; KEY=VALUE\" (with from=FILE to vary \
                     another scenario than the first), e.g. --variant \"demand +20 %: \
                     demand.scale=1.2\"";
        let (name, sets) = text
            .split_once(':')
            .ok_or_else(|| format!("--variant `{text}` has no name; {usage}"))?;
        let mut sets: Vec<String> = split_outside_quotes(sets)
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let from_file = |s: &String| {
            let (key, value) = s.split_once('=')?;
            (key.trim() == "from").then(|| PathBuf::from(value.trim().trim_matches('"')))
        };
        let from = sets.iter().find_map(from_file);
        sets.retain(|s| from_file(s).is_none());
        let nothing = sets.is_empty() && from.is_none();
        if name.trim().is_empty() || nothing || sets.iter().any(|s| !s.contains('=')) {
            return Err(format!("--variant `{text}`: {usage}"));
        }
        if let Some(joined) = sets.iter().find(|s| joins_settings_with_comma(s)) {
            return Err(format!(
                "--variant `{text}`: `{joined}` looks like two settings joined by a comma; \
                 separate settings with `;`: {usage}"
            ));
        }
        Ok(Variant {
            name: name.trim().to_string(),
            from,
            sets,
        })
    }
}

/// `KEY=VALUE, KEY=VALUE`: a comma outside quotes, brackets and braces, followed by a
/// key and `=` (a comma inside an inline table or array is TOML's own).
fn joins_settings_with_comma(set: &str) -> bool {
    let (mut depth, mut quoted) = (0i32, false);
    for (i, c) in set.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '{' | '[' if !quoted => depth += 1,
            '}' | ']' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                let rest = &set[i + 1..];
                let key = rest.split('=').next().unwrap_or("").trim();
                if rest.contains('=') && !key.is_empty() && !key.contains([' ', '"']) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// One scenario of a comparison, loaded and validated.
pub struct PreparedScenario {
    /// The scenario file.
    pub file: PathBuf,
    /// It as loaded, with its overrides.
    pub loaded: Loaded,
    /// Its model (with the baseline's seed and replications).
    pub model: Model,
    /// The `--set` overrides it was loaded with (a variant's own included).
    pub overrides: Vec<String>,
}

/// `text` split at each `;` that is not inside single or double quotes, so a value
/// may hold one (`scenario.name="a; b"`).
fn split_outside_quotes(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (c, quote) {
            (';', None) => {
                parts.push(std::mem::take(&mut part));
                continue;
            }
            ('"' | '\'', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            _ => {}
        }
        part.push(c);
    }
    parts.push(part);
    parts
}

/// Variant names must differ from each other and from the baseline's file stem and
/// name, so that every column and folder of the comparison says which run it is.
fn distinct_names(variants: &[Variant]) -> Result<(), ExperimentError> {
    for (i, v) in variants.iter().enumerate() {
        if variants[..i].iter().any(|w| w.name == v.name) {
            return Err(ExperimentError::Input(format!(
                "--variant `{}`: two variants have this name; give each its own",
                v.name
            )));
        }
    }
    Ok(())
}

/// The scenarios of a comparison, the baseline first.
pub struct Prepared {
    /// Every scenario and variant.
    pub scenarios: Vec<PreparedScenario>,
}

/// Loads every scenario and variant (all are checked before anything runs) and gives
/// each the baseline's seed and replications. Horizons must match.
pub fn prepare(
    files: &[PathBuf],
    sets: &[String],
    variants: &[Variant],
) -> Result<Prepared, ExperimentError> {
    distinct_names(variants)?;
    let mut runs: Vec<(PathBuf, Vec<String>, Option<&str>)> = files
        .iter()
        .map(|f| (f.clone(), sets.to_vec(), None))
        .collect();
    for v in variants {
        let base = (v.from.clone()).unwrap_or_else(|| files.first().cloned().unwrap_or_default());
        let all: Vec<String> = sets.iter().chain(&v.sets).cloned().collect();
        runs.push((base, all, Some(v.name.as_str())));
    }
    let mut scenarios: Vec<PreparedScenario> = Vec::new();
    for (file, overrides, name) in runs {
        let (loaded, mut model) = load(&file, &overrides).map_err(|e| {
            // A --set or a variant's override names no file: say which scenario it broke.
            if name.is_some() || e.from_override() {
                e.within(format!("{} ({})", label(name), file.display()))
            } else {
                e
            }
        })?;
        if let Some(name) = name {
            if scenarios.first().is_some_and(|b| b.model.name == name) {
                return Err(ExperimentError::Input(format!(
                    "--variant `{name}`: the baseline has this name; give the variant its own"
                )));
            }
            model.name = name.to_string();
        }
        if let Some(first) = scenarios.first().map(|s| &s.model) {
            same_horizon(first, &model, &file)?;
            model.seed = first.seed;
            model.replications = first.replications;
            // The baseline's replications may be more than this scenario was checked for.
            super::check_work(&model, f64::from(model.replications))?;
        }
        scenarios.push(PreparedScenario {
            file,
            loaded,
            model,
            overrides,
        });
    }
    Ok(Prepared { scenarios })
}

fn label(variant: Option<&str>) -> String {
    variant.map_or("scenario".into(), |v| format!("variant `{v}`"))
}

/// Paired replications compare like with like: the same measured days after the same
/// warm-up.
fn same_horizon(
    base: &Model,
    other: &Model,
    file: &std::path::Path,
) -> Result<(), ExperimentError> {
    if base.days == other.days && base.warmup_days == other.warmup_days {
        return Ok(());
    }
    Err(ExperimentError::Input(format!(
        "{}: `{}` measures {} after a {}-day warm-up, the baseline `{}` {} after {}; \
         paired replications need the same horizon: add e.g. --days {} --set scenario.warmup_days={}",
        file.display(),
        other.name,
        crate::text::plural(other.days, "day"),
        other.warmup_days,
        base.name,
        crate::text::plural(base.days, "day"),
        base.warmup_days,
        base.days.max(other.days),
        base.warmup_days.max(other.warmup_days),
    )))
}

/// Runs every prepared scenario and pairs each later one with the first.
pub fn compare(prepared: &Prepared, options: &RunOptions) -> Result<Comparison, ExperimentError> {
    let mut summaries = Vec::new();
    for s in &prepared.scenarios {
        let p = provenance(&s.file, &s.loaded, &s.overrides);
        summaries.push(run(&s.model, p, options)?);
    }
    // Every scenario was given the baseline's seed and replications above.
    Comparison::new(summaries).map_err(|e| ExperimentError::Input(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_read_a_name_and_overrides() {
        let v = Variant::parse("vans +2: responders.v.scale=1.3; demand.scale=1.2").unwrap();
        assert_eq!(v.name, "vans +2");
        assert_eq!(v.sets, vec!["responders.v.scale=1.3", "demand.scale=1.2"]);
        assert!(Variant::parse("no name here").is_err());
        assert!(Variant::parse("name: ").is_err());
        assert!(Variant::parse("name: just words").is_err());
        let quoted = Variant::parse("n: scenario.name=\"a; b\"; demand.scale=2").unwrap();
        assert_eq!(
            quoted.sets,
            vec!["scenario.name=\"a; b\"", "demand.scale=2"]
        );
    }

    #[test]
    fn a_variant_may_vary_another_scenario() {
        let v = Variant::parse("ten vans: from=scenarios/v.toml; responders.v.units=10").unwrap();
        assert_eq!(v.from, Some(PathBuf::from("scenarios/v.toml")));
        assert_eq!(v.sets, vec!["responders.v.units=10"]);
        let as_is = Variant::parse("vans as shipped: from=\"scenarios/v.toml\"").unwrap();
        assert_eq!(as_is.from, Some(PathBuf::from("scenarios/v.toml")));
        assert!(as_is.sets.is_empty());
        assert_eq!(Variant::parse("n: demand.scale=2").unwrap().from, None);
    }

    #[test]
    fn a_comma_between_settings_gets_a_hint() {
        let e = Variant::parse("x: responders.police.scale=0.9, demand.scale=1.1")
            .err()
            .unwrap_or_default();
        assert!(e.contains("separate settings with `;`"), "{e}");
        // Commas inside an inline table, an array or quotes are TOML's own.
        let table = "x: call_types.c.cancelled={share=0.3, after=\"fixed(2min)\"}";
        assert!(Variant::parse(table).is_ok());
        assert!(Variant::parse("x: demand.hourly=[1, 2, 3]").is_ok());
        assert!(Variant::parse("x: scenario.name=\"a, b=c\"").is_ok());
    }
}
