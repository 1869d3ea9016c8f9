//! Simulation time: minutes from the start, day 0 a Monday at 00:00.

/// Simulation time and durations, in minutes.
pub type Minutes = f64;

/// Minutes in an hour.
pub const HOUR: Minutes = 60.0;
/// Minutes in a day.
pub const DAY: Minutes = 1440.0;
/// Minutes in a week.
pub const WEEK: Minutes = 7.0 * DAY;
/// Minutes in a year of 365 days.
pub const YEAR: Minutes = 365.0 * DAY;

/// The hour of day (0–23) of time `t`.
pub fn hour_of_day(t: Minutes) -> usize {
    ((t / HOUR) as u64 % 24) as usize
}

/// The day of the week (0–6, Monday first) of time `t`.
pub fn day_of_week(t: Minutes) -> usize {
    ((t / DAY) as u64 % 7) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_wrap_at_midnight() {
        assert_eq!(hour_of_day(0.0), 0);
        assert_eq!(hour_of_day(DAY - 1.0), 23);
        assert_eq!(hour_of_day(DAY + 7.5 * HOUR), 7);
    }
}
