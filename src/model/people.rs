//! The people who have crises, and follow-up care after a referral. A person draws a
//! risk class at their first crisis, which scales every repeat chance, and is out of
//! the community (no crisis) while in hospital or in custody. Follow-up care has
//! `case_managers × caseload` places: a referred person who takes it up is enrolled
//! when a place is free, waits up to `max_wait` otherwise, and is lost after that.

use super::Disposition;
use super::check::{Checker, key_path};
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
    /// Length of the crisis history generated before day 0 (0: none).
    pub history: Minutes,
    /// Chance that a repeat crisis keeps the call type of the person's last (0: every
    /// repeat's type is drawn afresh).
    pub usual_call_type: f64,
}

/// A share of people, the factor on the odds of their repeat chances and on the
/// time to their next crisis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RiskClass {
    /// Share of the people who have a first crisis.
    pub share: f64,
    /// Factor on the odds of every repeat chance.
    pub odds_factor: f64,
    /// Factor on the time to the next crisis.
    pub delay_factor: f64,
}

impl People {
    /// Everyone alike: one class of factor 1, no custody.
    pub fn uniform() -> Self {
        People {
            classes: vec![RiskClass {
                share: 1.0,
                odds_factor: 1.0,
                delay_factor: 1.0,
            }],
            jail_stay: None,
            time_away: false,
            history: 0.0,
            usual_call_type: 0.0,
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

    /// The repeat chance `p` for a person of class `class`: the class's factor
    /// multiplies its odds, p/(1 − p), so a chance stays below 1 however high the
    /// factor (and is about the chance times the factor when small).
    pub fn chance(&self, p: f64, class: usize) -> f64 {
        let factor = self.classes.get(class).map_or(1.0, |c| c.odds_factor);
        if p >= 1.0 || factor == 1.0 {
            return p;
        }
        let odds = factor * p / (1.0 - p);
        odds / (1.0 + odds)
    }

    /// The factor on the repeat delay of class `class`.
    pub fn delay_factor(&self, class: usize) -> f64 {
        self.classes.get(class).map_or(1.0, |c| c.delay_factor)
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

pub(super) fn build_people(c: &mut Checker<'_>, p: Option<&schema::People>) -> People {
    let Some(p) = p else {
        return People::uniform();
    };
    if p.classes.is_empty() {
        return People {
            jail_stay: jail_stay(c, p),
            time_away: true,
            history: history(c, p),
            usual_call_type: usual_call_type(c, p),
            ..People::uniform()
        };
    }
    let mut classes = Vec::new();
    for (i, class) in p.classes.iter().enumerate() {
        let share = c.probability(class.share, key_path!["people", "classes", i, "share"]);
        let at = key_path!["people", "classes", i, "odds_factor"];
        c.non_negative(class.odds_factor, at);
        classes.push(RiskClass {
            share,
            odds_factor: class.odds_factor,
            delay_factor: class.delay_factor.map_or(1.0, |f| {
                let at = key_path!["people", "classes", i, "delay_factor"];
                c.check(
                    f > 0.0,
                    at,
                    "must be above 0 (a factor on the time to the next crisis)",
                );
                f.max(f64::MIN_POSITIVE)
            }),
        });
    }
    let total = classes.iter().map(|c| c.share).sum();
    c.shares_sum_to_one(total, key_path!["people", "classes"], "the classes' shares");
    People {
        classes,
        jail_stay: jail_stay(c, p),
        time_away: true,
        history: history(c, p),
        usual_call_type: usual_call_type(c, p),
    }
}

fn usual_call_type(c: &mut Checker<'_>, p: &schema::People) -> f64 {
    p.usual_call_type.map_or(0.0, |u| {
        c.probability(u, key_path!["people", "usual_call_type"])
    })
}

fn history(c: &mut Checker<'_>, p: &schema::People) -> Minutes {
    let at = key_path!["people", "history"];
    let length = p
        .history
        .as_ref()
        .map_or(0.0, |h| c.duration(h, at.clone()));
    c.check(
        length <= 100.0 * 365.0 * crate::time::DAY,
        at,
        "is longer than 100 years; a few times the longest run of one person's crises is enough",
    );
    length.min(100.0 * 365.0 * crate::time::DAY)
}

impl super::Model {
    /// The chance that a crisis of a person of class `class` is followed by another
    /// when every call gets the scenario's first choice as it stands on day 0: the
    /// hotline's phone resolutions where the line is open, else the first kind on
    /// duty then (and the second, for the calls `routed_share` sends past the first).
    /// Fallbacks, full facilities and services that start later are not in it.
    pub fn first_choice_repeat_chance(&self, class: usize) -> f64 {
        let chance = |d: Disposition| {
            self.people
                .chance(self.prevention.repeat[d as usize], class)
        };
        let line = self.hotline.as_ref().filter(|h| h.from <= 0.0);
        let mut previous = 0.0;
        let mut total = 0.0;
        for (ct, cum) in self.call_types.iter().zip(&self.demand.call_type_cdf) {
            let share = cum - previous;
            previous = *cum;
            let by_phone = line.map_or(0.0, |h| {
                ct.hotline_share
                    * h.awareness_factor(0.0)
                    * ct.resolved_by_phone.unwrap_or(h.resolved_by_phone)
            });
            let weights = self.first_choices(ct);
            let by_unit: f64 = weights
                .iter()
                .filter_map(|(k, w)| ct.by_kind[*k].as_ref().map(|r| (r, w)))
                .map(|(r, w)| {
                    let each = Disposition::ALL.iter().zip(&r.outcomes);
                    w * each.map(|(d, p)| p * chance(*d)).sum::<f64>()
                })
                .sum();
            let phone = by_phone * chance(Disposition::ResolvedOnScene);
            total += share * (phone + (1.0 - by_phone) * by_unit);
        }
        total
    }

    /// The kinds a call of `ct` goes to first on day 0, with their shares: the first
    /// listed (and, for the calls `routed_share` sends on, the next) among those on
    /// duty then.
    fn first_choices(&self, ct: &super::CallType) -> Vec<(usize, f64)> {
        let mut on_duty = (ct.responders.iter().copied()).filter(|k| self.kinds[*k].from <= 0.0);
        let first_listed = ct.responders.first().copied();
        match (on_duty.next(), on_duty.next()) {
            (Some(a), Some(b)) if Some(a) == first_listed => {
                vec![(a, ct.routed_share), (b, 1.0 - ct.routed_share)]
            }
            (Some(a), _) => vec![(a, 1.0)],
            (None, _) => vec![],
        }
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
