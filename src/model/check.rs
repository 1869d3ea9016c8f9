//! Collecting validation problems, each located in the scenario file, and the checks
//! every section shares (probabilities, durations, distributions, names, shares).

use std::fmt;

use super::limits;
use crate::dist::{Dist, parse_duration};
use crate::scenario::schema::Money;
use crate::scenario::tree::Seg;
use crate::scenario::{Loaded, Located};
use crate::time::Minutes;

/// Everything wrong with a scenario.
#[derive(Debug, Clone)]
pub struct ModelError {
    /// One entry per problem, in file order of discovery.
    pub problems: Vec<Located>,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ModelError {}

impl ModelError {
    /// Whether the first problem comes from a `--set` override rather than a file.
    pub fn from_override(&self) -> bool {
        self.problems
            .first()
            .is_some_and(|l| l.origin.is_override())
    }
}

/// Builds a path into the scenario: `key_path!["call_types", 2, "share"]`.
macro_rules! key_path {
    ($($seg:expr),* $(,)?) => { vec![$(crate::scenario::tree::Seg::from($seg)),*] };
}
pub(super) use key_path;

impl From<&str> for Seg {
    fn from(k: &str) -> Self {
        Seg::Key(k.to_string())
    }
}

impl From<&String> for Seg {
    fn from(k: &String) -> Self {
        Seg::Key(k.clone())
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Self {
        Seg::Index(i)
    }
}

/// Collects problems while validating.
pub(super) struct Checker<'a> {
    pub loaded: &'a Loaded,
    pub problems: Vec<Located>,
    /// The year whose dollars every cost is converted to.
    pub dollar_year: u32,
}

impl Checker<'_> {
    pub(super) fn fail(&mut self, path: Vec<Seg>, message: impl Into<String>) {
        let located = self.loaded.error_at(&path, message);
        self.problems.push(located);
    }

    pub(super) fn check(&mut self, ok: bool, path: Vec<Seg>, message: impl Into<String>) {
        if !ok {
            self.fail(path, message);
        }
    }

    pub(super) fn non_negative(&mut self, value: f64, path: Vec<Seg>) {
        self.check(
            value.is_finite() && value >= 0.0,
            path,
            format!("is {}; it must be a number >= 0", plain(value)),
        );
    }

    /// `value` lies in `[low, high]`; `what` says what the bounds mean.
    pub(super) fn within(&mut self, value: f64, low: f64, high: f64, path: Vec<Seg>, what: &str) {
        self.check(
            (low..=high).contains(&value),
            path,
            format!(
                "is {}; {what} must be from {} to {}",
                plain(value),
                plain(low),
                plain(high)
            ),
        );
    }

    pub(super) fn probability(&mut self, value: f64, path: Vec<Seg>) -> f64 {
        let ok = (0.0..=1.0).contains(&value);
        self.check(
            ok,
            path,
            format!("is {}; a probability must be in [0, 1]", plain(value)),
        );
        if ok { value } else { 0.0 }
    }

    /// An amount of money in the scenario's dollar year, checked to be a cost a city
    /// could pay.
    pub(super) fn money(&mut self, m: &Money, path: Vec<Seg>) -> f64 {
        let amount = m.amount();
        if amount < 0.0 || !amount.is_finite() {
            self.non_negative(amount, path.clone());
        } else {
            self.within(
                amount,
                0.0,
                limits::DOLLARS,
                path.clone(),
                "a cost in dollars",
            );
        }
        let Money::Dated { year, .. } = *m else {
            return amount;
        };
        let converted = super::dollars::convert(amount, year, self.dollar_year);
        self.check(
            converted.is_some(),
            [path.as_slice(), &[Seg::from("year")]].concat(),
            format!(
                "is {year}; the CPI-U table converts dollars of {} (docs/sources.md)",
                super::dollars::covered()
            ),
        );
        converted.unwrap_or(0.0)
    }

    pub(super) fn duration(&mut self, text: &str, path: Vec<Seg>) -> Minutes {
        parse_duration(text).unwrap_or_else(|e| {
            self.fail(path, e);
            0.0
        })
    }

    /// A duration longer than 0; one that does not read is reported once, as such.
    pub(super) fn positive_duration(&mut self, text: &str, path: Vec<Seg>) -> Minutes {
        match parse_duration(text) {
            Ok(minutes) => {
                let ok = minutes > 0.0;
                self.check(ok, path, format!("`{text}` must be longer than 0"));
                minutes
            }
            Err(e) => {
                self.fail(path, e);
                0.0
            }
        }
    }

    pub(super) fn dist(&mut self, text: &str, path: Vec<Seg>) -> Dist {
        Dist::parse(text).unwrap_or_else(|e| {
            self.fail(path, e);
            Dist::Fixed(0.0)
        })
    }

    /// Resolves a name to an index, or records a problem naming what is known.
    pub(super) fn resolve(
        &mut self,
        name: &str,
        known: &[&str],
        what: &str,
        path: Vec<Seg>,
    ) -> Option<usize> {
        let found = known.iter().position(|k| *k == name);
        if found.is_none() {
            let close = crate::text::closest(name, known.iter().copied());
            let hint = close.map_or(String::new(), |k| format!("did you mean `{k}`? "));
            let message = format!("unknown {what} `{name}`; {hint}known: {}", known.join(", "));
            self.fail(path, message);
        }
        found
    }

    pub(super) fn unique_names(&mut self, names: &[&str], table: &str) {
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                self.fail(
                    key_path![table, i, "name"],
                    format!("`{name}` is used twice"),
                );
            }
        }
    }

    pub(super) fn shares_sum_to_one(&mut self, total: f64, path: Vec<Seg>, what: &str) {
        self.check(
            (total - 1.0).abs() < 1e-6,
            path,
            format!("{what} sum to {}; they must sum to 1", plain(total)),
        );
    }
}

/// A number as people write it: rounded to nine decimals, so that the sum of shares
/// 0.35 + 0.6 reads 0.95 and not 0.9500000000000001.
pub(super) fn plain(x: f64) -> String {
    if x.abs() >= 1e9 {
        // 1e15, not 1000000000000000.
        format!("{x:e}")
    } else if x.is_finite() {
        format!("{}", (x * 1e9).round() / 1e9)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn numbers_read_without_float_noise() {
        assert_eq!(plain(0.35 + 0.6), "0.95");
        assert_eq!(plain(1.5), "1.5");
        assert_eq!(plain(-2.0), "-2");
        assert_eq!(plain(f64::NAN), "NaN");
    }
}
