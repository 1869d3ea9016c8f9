//! Timestamps in dispatch exports: the usual forms, whether a file writes its dates
//! month first or day first (decided once for the whole file, never row by row), and
//! the records' main period, apart from stray rows dated years away.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};

/// Forms whose order of day and month is fixed by the form itself.
const ORDERED: [&str; 6] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
];

/// Slashed forms read month first (`03/05/2024` is 5 March), as US exports write them.
const MONTH_FIRST: [&str; 4] = [
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
];

/// The same forms read day first (`03/05/2024` is 3 May).
const DAY_FIRST: [&str; 4] = [
    "%d/%m/%Y %I:%M:%S %p",
    "%d/%m/%Y %I:%M %p",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
];

const fn joined(slashed: [&'static str; 4]) -> [&'static str; 10] {
    [
        ORDERED[0], ORDERED[1], ORDERED[2], ORDERED[3], ORDERED[4], ORDERED[5], slashed[0],
        slashed[1], slashed[2], slashed[3],
    ]
}

/// Every form, slashed dates month first.
const READ_MONTH_FIRST: [&str; 10] = joined(MONTH_FIRST);
/// Every form, slashed dates day first.
const READ_DAY_FIRST: [&str; 10] = joined(DAY_FIRST);

/// How a file writes a slashed date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DateOrder {
    /// Month first (the default, as US exports write them).
    #[default]
    MonthFirst,
    /// Day first.
    DayFirst,
}

/// Reads a file's timestamps: a given strftime format, or the usual forms in the
/// file's date order, trying first the form that read the last one (a file writes all
/// its times alike).
#[derive(Clone, Debug, Default)]
pub struct TimeReader {
    format: Option<String>,
    order: DateOrder,
    hint: usize,
}

impl TimeReader {
    /// A reader with a fixed format, or the usual forms in `order`.
    pub fn new(format: Option<String>, order: DateOrder) -> Self {
        TimeReader {
            format,
            order,
            hint: 0,
        }
    }

    fn forms(&self) -> &'static [&'static str; 10] {
        match self.order {
            DateOrder::MonthFirst => &READ_MONTH_FIRST,
            DateOrder::DayFirst => &READ_DAY_FIRST,
        }
    }

    /// The time `text` gives, if it is in a known form.
    pub fn read(&mut self, text: &str) -> Option<NaiveDateTime> {
        let t = text.trim();
        let t = t.strip_suffix('Z').unwrap_or(t);
        if t.is_empty() {
            return None;
        }
        if let Some(f) = &self.format {
            return NaiveDateTime::parse_from_str(t, f).ok();
        }
        let forms = self.forms();
        if let Ok(at) = NaiveDateTime::parse_from_str(t, forms[self.hint]) {
            return Some(at);
        }
        let (i, at) = (forms.iter().enumerate())
            .find_map(|(i, f)| NaiveDateTime::parse_from_str(t, f).ok().map(|at| (i, at)))?;
        self.hint = i;
        Some(at)
    }
}

/// Reads a timestamp in `format`, or else in the usual forms, month first (ISO 8601 with
/// or without `T`, fractional seconds, a trailing `Z`; `MM/DD/YYYY hh:mm:ss AM`).
pub fn parse_time(text: &str, format: Option<&str>) -> Option<NaiveDateTime> {
    TimeReader::new(format.map(String::from), DateOrder::MonthFirst).read(text)
}

/// What a first look at the received times tells: the date order, and how many rows
/// were dated each day.
#[derive(Clone, Debug, Default)]
pub struct Dates {
    /// Received times that read only month first (the day above 12).
    pub only_month_first: u64,
    /// Received times that read only day first.
    pub only_day_first: u64,
    /// An example of each, for messages.
    pub examples: [Option<String>; 2],
    /// Rows by day of their received time, read month first and read day first.
    pub by_day: [BTreeMap<NaiveDate, u64>; 2],
    /// A reader in each order, each keeping the form that last worked.
    readers: [TimeReader; 2],
}

impl Dates {
    /// Notes one received time.
    pub fn add(&mut self, text: &str) {
        self.readers[1].order = DateOrder::DayFirst;
        let (m, d) = (self.readers[0].read(text), self.readers[1].read(text));
        match (m, d) {
            (Some(_), None) => {
                self.only_month_first += 1;
                self.examples[0].get_or_insert_with(|| text.to_string());
            }
            (None, Some(_)) => {
                self.only_day_first += 1;
                self.examples[1].get_or_insert_with(|| text.to_string());
            }
            _ => {}
        }
        for (i, at) in [m, d].into_iter().enumerate() {
            if let Some(at) = at {
                *self.by_day[i].entry(at.date()).or_default() += 1;
            }
        }
    }

    /// The file's date order: day first when some dates can only be read so; an error
    /// when some read only month first and others only day first.
    pub fn order(&self) -> Result<DateOrder, String> {
        match (self.only_month_first, self.only_day_first) {
            (0, 0) | (_, 0) => Ok(DateOrder::MonthFirst),
            (0, _) => Ok(DateOrder::DayFirst),
            (m, d) => Err(format!(
                "the received times mix month-first dates ({m}, e.g. `{}`) and day-first dates \
                 ({d}, e.g. `{}`); give the form with --time-format",
                self.examples[0].as_deref().unwrap_or_default(),
                self.examples[1].as_deref().unwrap_or_default()
            )),
        }
    }

    /// The records' main period, their dates read in `order`: the run of days, no gap
    /// longer than 31 days, holding the most rows. Days outside it (a row dated 1900)
    /// are strays.
    pub fn main_period(&self, order: DateOrder) -> Option<(NaiveDate, NaiveDate)> {
        let by_day = &self.by_day[usize::from(order == DateOrder::DayFirst)];
        let mut best: Option<(NaiveDate, NaiveDate, u64)> = None;
        let mut current: Option<(NaiveDate, NaiveDate, u64)> = None;
        for (&day, &n) in by_day {
            current = match current {
                Some((from, to, rows)) if (day - to).num_days() <= 31 => {
                    Some((from, day, rows + n))
                }
                _ => Some((day, day, n)),
            };
            if let Some(c) = current
                && best.is_none_or(|b| c.2 > b.2)
            {
                best = Some(c);
            }
        }
        best.map(|(from, to, _)| (from, to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn timestamps_in_the_usual_forms() {
        let want = NaiveDate::from_ymd_opt(2024, 3, 5)
            .and_then(|d| d.and_hms_opt(14, 7, 9))
            .unwrap();
        for text in [
            "2024-03-05T14:07:09",
            "2024-03-05 14:07:09",
            "2024-03-05T14:07:09.250",
            "2024-03-05 14:07:09Z",
            "03/05/2024 02:07:09 PM",
            "03/05/2024 14:07:09",
        ] {
            let got = parse_time(text, None).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(got.with_nanosecond(0).unwrap(), want, "{text}");
        }
        assert_eq!(
            parse_time("05|03|2024 14:07:09", Some("%d|%m|%Y %H:%M:%S")),
            Some(want)
        );
        assert_eq!(parse_time("yesterday", None), None);
        assert_eq!(parse_time("", None), None);
        let mut day_first = TimeReader::new(None, DateOrder::DayFirst);
        assert_eq!(day_first.read("05/03/2024 14:07:09"), Some(want));
    }

    #[test]
    fn a_file_is_read_in_one_date_order() {
        let mut d = Dates::default();
        for t in ["01/02/2024 10:00", "13/02/2024 10:00", "05/02/2024 10:00"] {
            d.add(t);
        }
        assert_eq!(d.order(), Ok(DateOrder::DayFirst));
        d.add("02/14/2024 10:00");
        assert!(d.order().unwrap_err().contains("mix month-first"));
        let mut us = Dates::default();
        us.add("01/02/2024 10:00");
        assert_eq!(us.order(), Ok(DateOrder::MonthFirst));
    }

    #[test]
    fn a_stray_date_is_outside_the_main_period() {
        let mut d = Dates::default();
        for t in [
            "2017-01-01 00:00",
            "2017-01-03 00:00",
            "2017-01-07 00:00",
            "1900-01-01 00:00",
        ] {
            d.add(t);
        }
        let (from, to) = d.main_period(DateOrder::MonthFirst).unwrap();
        assert_eq!(from, NaiveDate::from_ymd_opt(2017, 1, 1).unwrap());
        assert_eq!(to, NaiveDate::from_ymd_opt(2017, 1, 7).unwrap());
    }
}
