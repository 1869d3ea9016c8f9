//! The people who have crises, and follow-up care after a referral. A person draws a
//! risk class at their first crisis, which scales every repeat chance, and is out of
//! the community (no crisis) while in hospital or in custody. Follow-up care has
//! `case_managers × caseload` places: a referred person who takes it up is enrolled
//! when a place is free, waits up to `max_wait` otherwise, and is lost after that.

use super::Prevention;
use super::check::{Checker, key_path, plain};
use crate::dist::Dist;
use crate::scenario::schema;
use crate::time::Minutes;

/// Risk classes and custody.
#[derive(Clone, Debug)]
pub struct People {
    /// The classes; one class of factor 1 when the scenario has none.
    pub classes: Vec<RiskClass>,
    /// Time in custody after an arrest, if the scenario sets one.
    pub jail_stay: Option<Dist>,
    /// Whether time in hospital and custody keeps the next crisis waiting (with a
    /// `[people]` table; without one, repeats keep the timing they always had).
    pub time_away: bool,
}

/// A share of people and the factor on their repeat chances.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RiskClass {
    /// Share of the people who have a first crisis.
    pub share: f64,
    /// Factor on every repeat chance.
    pub rate_factor: f64,
}

impl People {
    /// Everyone alike: one class of factor 1, no custody.
    pub fn uniform() -> Self {
        People {
            classes: vec![RiskClass {
                share: 1.0,
                rate_factor: 1.0,
            }],
            jail_stay: None,
            time_away: false,
        }
    }

    /// The class drawn by the uniform number `u`.
    pub fn class_of(&self, u: f64) -> usize {
        let mut total = 0.0;
        for (i, c) in self.classes.iter().enumerate() {
            total += c.share;
            if u < total {
                return i;
            }
        }
        self.classes.len().saturating_sub(1)
    }

    /// The factor on the repeat chances of class `class`.
    pub fn factor(&self, class: usize) -> f64 {
        self.classes.get(class).map_or(1.0, |c| c.rate_factor)
    }

    /// Whether people differ (more than one class).
    pub fn classes_differ(&self) -> bool {
        self.classes.len() > 1
    }
}

/// Follow-up care after a referral.
#[derive(Clone, Debug)]
pub struct FollowUp {
    /// Case managers on staff.
    pub case_managers: u32,
    /// People followed at once: case managers × caseload.
    pub places: u32,
    /// Length of an enrolment.
    pub enrolment: Dist,
    /// Share of referred people who take follow-up up.
    pub engagement: f64,
    /// Fraction of repeat crises prevented while enrolled.
    pub effect: f64,
    /// Fraction prevented after discharge.
    pub after: f64,
    /// Longest wait for a place before the referral is lost.
    pub max_wait: Minutes,
    /// Cost of one case manager a day.
    pub cost_per_day: f64,
}

pub(super) fn build_people(
    c: &mut Checker<'_>,
    p: Option<&schema::People>,
    prevention: &Prevention,
) -> People {
    let Some(p) = p else {
        return People::uniform();
    };
    if p.classes.is_empty() {
        return People {
            jail_stay: jail_stay(c, p),
            time_away: true,
            ..People::uniform()
        };
    }
    let highest = prevention.repeat.iter().copied().fold(0.0, f64::max);
    let mut classes = Vec::new();
    for (i, class) in p.classes.iter().enumerate() {
        let share = c.probability(class.share, key_path!["people", "classes", i, "share"]);
        let at = key_path!["people", "classes", i, "rate_factor"];
        c.non_negative(class.rate_factor, at.clone());
        c.check(
            class.rate_factor * highest <= 1.0,
            at,
            format!(
                "times the highest repeat chance of [prevention] ({}) gives {}, a chance above 1; \
                 lower the factor or the chances",
                plain(highest),
                plain(class.rate_factor * highest)
            ),
        );
        classes.push(RiskClass {
            share,
            rate_factor: class.rate_factor,
        });
    }
    let total = classes.iter().map(|c| c.share).sum();
    c.shares_sum_to_one(total, key_path!["people", "classes"], "the classes' shares");
    People {
        classes,
        jail_stay: jail_stay(c, p),
        time_away: true,
    }
}

fn jail_stay(c: &mut Checker<'_>, p: &schema::People) -> Option<Dist> {
    p.jail_stay
        .as_ref()
        .map(|s| c.dist(s, key_path!["people", "jail_stay"]))
}

pub(super) fn build_follow_up(
    c: &mut Checker<'_>,
    f: Option<&schema::FollowUp>,
) -> Option<FollowUp> {
    let f = f?;
    c.check(
        f.caseload >= 1,
        key_path!["follow_up", "caseload"],
        "must be at least 1 (people one case manager follows at a time)",
    );
    let places = u64::from(f.case_managers) * u64::from(f.caseload);
    c.check(
        places <= 1_000_000,
        key_path!["follow_up", "case_managers"],
        "times the caseload gives more than 1,000,000 places",
    );
    Some(FollowUp {
        case_managers: f.case_managers,
        places: places.min(1_000_000) as u32,
        enrolment: c.dist(&f.enrolment, key_path!["follow_up", "enrolment"]),
        engagement: c.probability(f.engagement, key_path!["follow_up", "engagement"]),
        effect: c.probability(f.effect, key_path!["follow_up", "effect"]),
        after: c.probability(f.after, key_path!["follow_up", "after"]),
        max_wait: f
            .max_wait
            .as_ref()
            .map_or(0.0, |w| c.duration(w, key_path!["follow_up", "max_wait"])),
        cost_per_day: c.money(&f.cost_per_day, key_path!["follow_up", "cost_per_day"]),
    })
}
