//! Staffing schedules: shift windows as a scenario writes them, turned into a step
//! function over the week.

use super::check::Checker;
use crate::scenario::schema;
use crate::scenario::tree::Seg;
use crate::time::{DAY, Minutes, WEEK};

/// Units on duty over the week, as a step function.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    /// `(minute of week, units)` steps, sorted, the first at minute 0.
    pub steps: Vec<(Minutes, u32)>,
}

impl Schedule {
    /// Units on duty at time `t` (minutes since Monday 00:00 of week 0).
    pub fn units_at(&self, t: Minutes) -> u32 {
        let m = t.rem_euclid(WEEK);
        let i = self.steps.partition_point(|(s, _)| *s <= m);
        self.steps[i.saturating_sub(1)].1
    }

    /// The first time after `t` at which the number on duty may change.
    pub fn next_change(&self, t: Minutes) -> Minutes {
        let week_start = (t / WEEK).floor() * WEEK;
        let m = t - week_start;
        let next = self.steps.iter().map(|(s, _)| *s).find(|s| *s > m);
        match next {
            Some(s) => week_start + s,
            None => week_start + WEEK + self.steps[0].0,
        }
    }

    /// Every step's units times `factor`, rounded to the nearest whole unit (halves
    /// up).
    pub fn scaled(&self, factor: f64) -> Schedule {
        Schedule {
            steps: self
                .steps
                .iter()
                // `as` saturates: a huge factor gives u32::MAX units, which checks refuse.
                .map(|(t, u)| (*t, (f64::from(*u) * factor).round() as u32))
                .collect(),
        }
    }

    /// The most units ever on duty at once.
    pub fn max_units(&self) -> u32 {
        self.steps.iter().map(|(_, u)| *u).max().unwrap_or(0)
    }

    /// Unit-minutes on duty over `[start, end)`.
    pub fn unit_minutes(&self, start: Minutes, end: Minutes) -> f64 {
        let (mut t, mut total) = (start, 0.0);
        while t < end {
            let next = self.next_change(t).min(end);
            total += f64::from(self.units_at(t)) * (next - t);
            t = next;
        }
        total
    }

    /// Mean units on duty over a week.
    pub fn mean_units(&self) -> f64 {
        let mut total = 0.0;
        for (i, (start, units)) in self.steps.iter().enumerate() {
            let end = self.steps.get(i + 1).map_or(WEEK, |s| s.0);
            total += f64::from(*units) * (end - start);
        }
        total / WEEK
    }
}

/// A staffing schedule from `COUNT = N` (around the clock) or `shifts = [...]` at `base`.
pub(super) fn build_schedule(
    c: &mut Checker<'_>,
    count: Option<u32>,
    shifts: Option<&[schema::Shift]>,
    base: &[Seg],
    count_key: &str,
) -> Schedule {
    let at = |key: &str| {
        let mut p = base.to_vec();
        if !key.is_empty() {
            p.push(Seg::from(key));
        }
        p
    };
    let windows = match (count, shifts) {
        (Some(units), None) => vec![(0.0, WEEK, units)],
        (None, Some(shifts)) => shift_windows(c, shifts, &at("shifts")),
        (Some(_), Some(_)) => {
            c.fail(
                at("shifts"),
                format!("give either `{count_key}` or `shifts`, not both"),
            );
            Vec::new()
        }
        (None, None) => {
            c.fail(
                at(""),
                format!("give `{count_key} = N` (around the clock) or `shifts = [...]`"),
            );
            Vec::new()
        }
    };
    let schedule = schedule_from_windows(&windows);
    let most = super::limits::UNITS;
    c.check(
        schedule.max_units() <= most,
        at(if count.is_some() { count_key } else { "shifts" }),
        format!(
            "puts {} units on duty at once; at most {most} are supported",
            schedule.max_units()
        ),
    );
    schedule
}

/// Staffing windows as `(start minute of week, length, units)`.
pub(super) fn shift_windows(
    c: &mut Checker<'_>,
    shifts: &[schema::Shift],
    base: &[Seg],
) -> Vec<(Minutes, Minutes, u32)> {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let mut windows = Vec::new();
    for (j, shift) in shifts.iter().enumerate() {
        let from = clock(c, &shift.from, shift_path(base, j, "from"));
        let to = clock(c, &shift.to, shift_path(base, j, "to"));
        let length = if to > from {
            to - from
        } else {
            to + DAY - from
        };
        let days: Vec<usize> = match &shift.days {
            None => (0..7).collect(),
            Some(list) => list
                .iter()
                .map(|d| {
                    let day = d.to_ascii_lowercase();
                    let day = day.get(..3).unwrap_or(&day);
                    c.resolve(day, &DAYS, "day", shift_path(base, j, "days"))
                })
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default(),
        };
        for d in days {
            windows.push((d as f64 * DAY + from, length, shift.units));
        }
    }
    windows
}

pub(super) fn shift_path(base: &[Seg], j: usize, key: &str) -> Vec<Seg> {
    let mut p = base.to_vec();
    p.push(Seg::Index(j));
    p.push(Seg::from(key));
    p
}

pub(super) fn clock(c: &mut Checker<'_>, text: &str, path: Vec<Seg>) -> Minutes {
    let parsed = text.split_once(':').and_then(|(h, m)| {
        let (h, m): (u32, u32) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
        // Checked before multiplying: an hour of 4294967295 must not overflow.
        let minutes = (h <= 24 && m < 60).then(|| h * 60 + m)?;
        (minutes <= 1440).then_some(f64::from(minutes))
    });
    parsed.unwrap_or_else(|| {
        c.fail(
            path,
            format!("`{text}` is not a time of day; write \"HH:MM\", e.g. \"07:00\""),
        );
        0.0
    }) % DAY
}

/// Sums overlapping windows into a weekly step function.
pub(super) fn schedule_from_windows(windows: &[(Minutes, Minutes, u32)]) -> Schedule {
    let mut cuts: Vec<Minutes> = vec![0.0];
    for (start, length, _) in windows {
        cuts.push(start.rem_euclid(WEEK));
        cuts.push((start + length).rem_euclid(WEEK));
    }
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let mut steps: Vec<(Minutes, u32)> = Vec::new();
    for cut in cuts {
        let units = windows
            .iter()
            .filter(|(start, length, _)| (cut - start).rem_euclid(WEEK) < *length)
            .map(|(_, _, u)| u64::from(*u))
            .sum::<u64>()
            .min(u64::from(u32::MAX)) as u32;
        if steps.last().is_none_or(|(_, u)| *u != units) {
            steps.push((cut, units));
        }
    }
    Schedule { steps }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overnight_and_overlapping_shifts() {
        // Day 07:00–19:00 8 units, night 19:00–07:00 5 units, plus 2 extra 10:00–17:00 on Mondays.
        let windows = vec![
            (7.0 * 60.0, 12.0 * 60.0, 8),
            (19.0 * 60.0, 12.0 * 60.0, 5),
            (10.0 * 60.0, 7.0 * 60.0, 2),
        ];
        let s = schedule_from_windows(&windows);
        assert_eq!(s.units_at(0.0), 0); // the Sunday-night window is not in the list
        assert_eq!(s.units_at(8.0 * 60.0), 8);
        assert_eq!(s.units_at(11.0 * 60.0), 10);
        assert_eq!(s.units_at(20.0 * 60.0), 5);
        assert_eq!(s.units_at(DAY + 3.0 * 60.0), 5);
        assert_eq!(s.next_change(0.0), 7.0 * 60.0);
        assert_eq!(s.next_change(8.0 * 60.0), 10.0 * 60.0);
        assert_eq!(s.max_units(), 10);
        let flat = schedule_from_windows(&[(0.0, WEEK, 4)]);
        assert_eq!(flat.steps, vec![(0.0, 4)]);
        assert_eq!(flat.next_change(100.0), WEEK);
        assert_eq!(flat.mean_units(), 4.0);
    }
}
