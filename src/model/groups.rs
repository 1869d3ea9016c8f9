//! Population groups, counted apart so a run can say who waits, who meets police and
//! who is arrested. A person belongs to one group, drawn at their first crisis from
//! the groups' shares of the zone's population, each weighted by its `demand_factor`
//! (crises per person against everyone else): groups say who has the city's crises,
//! never how many there are. When police respond to a member, the chances of use of
//! force, injury and arrest are multiplied by the group's factors. A member who needs
//! an interpreter waits for one when the first unit on scene lacks their language.

use super::check::{Checker, key_path};
use crate::dist::Dist;
use crate::scenario::schema;
use crate::scenario::tree::Seg;

/// Name of the group holding everyone the named groups leave out.
pub const OTHERS: &str = "others";

/// The groups of a model (none: no group is drawn or counted).
#[derive(Clone, Debug, Default)]
pub struct Groups {
    /// Names, in scenario order, then [`OTHERS`] where the shares leave anyone out.
    pub names: Vec<String>,
    /// Per zone: cumulative chance of each group for a first crisis there.
    pub cdf_by_zone: Vec<Vec<f64>>,
    /// Per group: factors on use of force, injury and arrest under police response.
    pub police: Vec<PoliceFactors>,
    /// Per group: its interpreter need, if any.
    pub interpreter: Vec<Option<Interpreter>>,
    /// The languages groups need, in the order of [`Interpreter::language`].
    pub languages: Vec<String>,
}

/// Factors on the chances of a police response's outcomes for one group.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PoliceFactors {
    /// Use of force.
    pub use_of_force: f64,
    /// Injury.
    pub injury: f64,
    /// Arrest.
    pub arrest: f64,
}

impl PoliceFactors {
    /// No difference.
    pub const NONE: PoliceFactors = PoliceFactors {
        use_of_force: 1.0,
        injury: 1.0,
        arrest: 1.0,
    };
}

/// Members who need an interpreter.
#[derive(Clone, Debug)]
pub struct Interpreter {
    /// Share of members who need one.
    pub share: f64,
    /// Index of their language in [`Groups::languages`].
    pub language: usize,
    /// Time to reach an interpreter.
    pub delay: Dist,
}

impl Groups {
    /// Whether the model counts groups at all.
    pub fn any(&self) -> bool {
        !self.names.is_empty()
    }

    /// The group of someone whose first crisis is in `zone`, for a uniform draw `u`.
    pub fn group_of(&self, zone: usize, u: f64) -> usize {
        self.cdf_by_zone.get(zone).map_or(0, |cdf| {
            (cdf.partition_point(|c| *c <= u)).min(cdf.len().saturating_sub(1))
        })
    }

    /// The police factors of group `g` (none for a model without groups).
    pub fn police(&self, g: usize) -> PoliceFactors {
        self.police.get(g).copied().unwrap_or(PoliceFactors::NONE)
    }
}

/// A disposition mix with the chance of arrest multiplied by `factor` (at most 1) and
/// the other outcomes scaled to fill the rest in proportion.
pub fn with_arrest_factor(outcomes: [f64; 5], factor: f64) -> [f64; 5] {
    let arrest = super::Disposition::Arrest as usize;
    let total: f64 = outcomes.iter().sum();
    if factor == 1.0 || total <= 0.0 {
        return outcomes;
    }
    let p = outcomes[arrest] / total;
    let raised = (p * factor).min(1.0);
    let rest = if p < 1.0 {
        (1.0 - raised) / (1.0 - p)
    } else {
        0.0
    };
    let mut out = outcomes.map(|w| w / total * rest);
    out[arrest] = raised;
    out
}

/// Whether unit `index` of a kind speaks a language that `share` of its staff speak,
/// with `crew` people a unit: a share 1 − (1 − share)^crew of units have a speaker,
/// spread evenly over the kind's units (fixed, so no draw is made).
pub fn speaks(share: f64, crew: f64, index: usize) -> bool {
    let q = 1.0 - (1.0 - share.clamp(0.0, 1.0)).powf(crew.max(1.0));
    let at = |j: usize| (j as f64 * q + 0.5).floor();
    at(index + 1) > at(index)
}

/// The model's groups from `[[groups]]`, against the zones' names.
pub(super) fn build_groups(
    c: &mut Checker<'_>,
    groups: &[schema::Group],
    zone_names: &[&str],
    populations: &[f64],
) -> Groups {
    if groups.is_empty() {
        return Groups::default();
    }
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    c.unique_names(&names, "groups");
    c.check(
        groups.len() < 255,
        key_path!["groups"],
        "at most 254 groups are supported",
    );
    if let Some(i) = names.iter().position(|n| *n == OTHERS) {
        let message = "is kept for everyone the named groups leave out; choose another name";
        c.fail(key_path!["groups", i, "name"], message);
    }
    let shares: Vec<Vec<f64>> = (groups.iter().enumerate())
        .map(|(i, g)| zone_shares(c, &g.share, i, zone_names))
        .collect();
    let factors: Vec<f64> = (groups.iter().enumerate())
        .map(|(i, g)| demand_factor(c, g, i))
        .collect();
    let mut languages: Vec<String> = Vec::new();
    let mut interpreter: Vec<Option<Interpreter>> = (groups.iter().enumerate())
        .map(|(i, g)| build_interpreter(c, g, i, &mut languages))
        .collect();
    let mut police: Vec<PoliceFactors> = (groups.iter().enumerate())
        .map(|(i, g)| police_factors(c, g.police_contact.as_ref(), i))
        .collect();
    let mut names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let left: Vec<f64> = (0..zone_names.len())
        .map(|z| 1.0 - shares.iter().map(|s| s[z]).sum::<f64>())
        .collect();
    for (z, rest) in left.iter().enumerate() {
        // Point at the last group with residents there: the one that tipped it over.
        let last = shares.iter().rposition(|s| s[z] > 0.0).unwrap_or(0);
        c.check(
            *rest >= -1e-9,
            key_path!["groups", last, "share"],
            format!(
                "the groups' shares of zone `{}` add up to {}, above 1",
                zone_names[z],
                super::check::plain(1.0 - rest)
            ),
        );
    }
    let others = left.iter().any(|r| *r > 1e-9);
    if others {
        names.push(OTHERS.to_string());
        police.push(PoliceFactors::NONE);
        interpreter.push(None);
    }
    let cdf_by_zone: Vec<Vec<f64>> = (0..zone_names.len())
        .map(|z| {
            let mut weights: Vec<f64> = (shares.iter().zip(&factors))
                .map(|(s, f)| s[z] * f)
                .collect();
            if others {
                weights.push(left[z].max(0.0));
            }
            cdf(&weights)
        })
        .collect();
    let crises = crisis_shares(&cdf_by_zone, populations);
    Groups {
        names,
        cdf_by_zone,
        police: city_average_kept(&police, &crises),
        interpreter,
        languages,
    }
}

/// Each group's share of first crises, over zones weighted by their residents (first
/// crises come to a zone in proportion to them).
fn crisis_shares(cdf_by_zone: &[Vec<f64>], populations: &[f64]) -> Vec<f64> {
    let groups = cdf_by_zone.first().map_or(0, Vec::len);
    let mut shares = vec![0.0; groups];
    let everyone: f64 = populations.iter().sum();
    for (cdf, p) in cdf_by_zone.iter().zip(populations) {
        let w = if everyone > 0.0 { p / everyone } else { 0.0 };
        let mut previous = 0.0;
        for (g, c) in cdf.iter().enumerate() {
            shares[g] += w * (c - previous);
            previous = *c;
        }
    }
    shares
}

/// The factors divided by their mean over crises, so a call type's chances stay the
/// city's average and the factors only say who bears them: the ratio between two
/// groups is what the scenario wrote.
fn city_average_kept(factors: &[PoliceFactors], crises: &[f64]) -> Vec<PoliceFactors> {
    let mean = |f: fn(&PoliceFactors) -> f64| {
        let m: f64 = factors.iter().zip(crises).map(|(x, w)| f(x) * w).sum();
        if m > 0.0 { m } else { 1.0 }
    };
    let (force, injury, arrest) = (
        mean(|x| x.use_of_force),
        mean(|x| x.injury),
        mean(|x| x.arrest),
    );
    (factors.iter())
        .map(|x| PoliceFactors {
            use_of_force: x.use_of_force / force,
            injury: x.injury / injury,
            arrest: x.arrest / arrest,
        })
        .collect()
}

/// Cumulative shares of `weights` (all in the first group if they are all 0).
fn cdf(weights: &[f64]) -> Vec<f64> {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return vec![1.0; weights.len()];
    }
    let mut sum = 0.0;
    weights
        .iter()
        .map(|w| {
            sum += w / total;
            sum
        })
        .collect()
}

fn zone_shares(
    c: &mut Checker<'_>,
    share: &schema::ZoneShare,
    i: usize,
    zone_names: &[&str],
) -> Vec<f64> {
    let at = key_path!["groups", i, "share"];
    match share {
        schema::ZoneShare::Everywhere(x) => vec![c.probability(*x, at); zone_names.len()],
        schema::ZoneShare::PerZone(by_zone) => {
            let mut out = vec![0.0; zone_names.len()];
            for (zone, x) in by_zone {
                let mut key = at.clone();
                key.push(Seg::from(zone));
                let share = c.probability(*x, key.clone());
                if let Some(z) = c.resolve(zone, zone_names, "zone", key) {
                    out[z] = share;
                }
            }
            out
        }
    }
}

fn demand_factor(c: &mut Checker<'_>, g: &schema::Group, i: usize) -> f64 {
    g.demand_factor.map_or(1.0, |f| {
        let what = "crises per person against everyone else";
        c.within(f, 0.0, 100.0, key_path!["groups", i, "demand_factor"], what);
        f.clamp(0.0, 100.0)
    })
}

fn police_factors(
    c: &mut Checker<'_>,
    p: Option<&schema::PoliceContact>,
    i: usize,
) -> PoliceFactors {
    let Some(p) = p else {
        return PoliceFactors::NONE;
    };
    let mut factor = |x: Option<f64>, key: &str| {
        x.map_or(1.0, |f| {
            let at = key_path!["groups", i, "police_contact", key];
            c.within(f, 0.0, 100.0, at, "a factor on a chance (a relative risk)");
            f.clamp(0.0, 100.0)
        })
    };
    PoliceFactors {
        use_of_force: factor(p.use_of_force, "use_of_force"),
        injury: factor(p.injury, "injury"),
        arrest: factor(p.arrest, "arrest"),
    }
}

fn build_interpreter(
    c: &mut Checker<'_>,
    g: &schema::Group,
    i: usize,
    languages: &mut Vec<String>,
) -> Option<Interpreter> {
    let n = g.interpreter.as_ref()?;
    let at = |key: &str| key_path!["groups", i, "interpreter", key];
    let share = c.probability(n.share, at("share"));
    let delay = c.dist(&n.delay, at("delay"));
    c.check(
        !n.language.trim().is_empty(),
        at("language"),
        "name the language (as responders' `languages` name it, e.g. \"es\")",
    );
    let language = languages
        .iter()
        .position(|l| *l == n.language)
        .unwrap_or_else(|| {
            languages.push(n.language.clone());
            languages.len() - 1
        });
    Some(Interpreter {
        share,
        language,
        delay,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arrest_factor_multiplies_the_chance_and_keeps_the_rest_in_proportion() {
        let mix = [0.5, 0.2, 0.0, 0.2, 0.1];
        let out = with_arrest_factor(mix, 3.0);
        assert!((out[4] - 0.3).abs() < 1e-12);
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((out[0] / out[1] - 2.5).abs() < 1e-12);
        assert_eq!(with_arrest_factor(mix, 1.0), mix);
        assert_eq!(with_arrest_factor([0.0, 0.0, 0.0, 0.0, 1.0], 2.0)[4], 1.0);
    }

    #[test]
    fn speakers_are_spread_over_the_units() {
        let count = |share: f64, crew: f64| (0..100).filter(|j| speaks(share, crew, *j)).count();
        assert_eq!(count(0.0, 2.0), 0);
        assert_eq!(count(1.0, 1.0), 100);
        assert_eq!(count(0.4, 1.0), 40);
        assert_eq!(count(0.5, 2.0), 75);
        assert!(speaks(0.5, 1.0, 0) && !speaks(0.5, 1.0, 1) && speaks(0.5, 1.0, 2));
    }

    #[test]
    fn weights_become_cumulative_shares() {
        assert_eq!(cdf(&[1.0, 1.0, 2.0]), vec![0.25, 0.5, 1.0]);
        assert_eq!(cdf(&[0.0, 0.0]), vec![1.0, 1.0]);
    }
}
