//! Sizing: targets such as `response_time_p90_min <= 30`, whether a point meets them
//! with a given confidence (the one-sided confidence bound, not the mean), and the
//! evidence `size` reports.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::{Estimate, estimate};

/// A comparison in a target.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Op {
    /// `<=`
    #[serde(rename = "<=")]
    AtMost,
    /// `<`
    #[serde(rename = "<")]
    Below,
    /// `>=`
    #[serde(rename = ">=")]
    AtLeast,
    /// `>`
    #[serde(rename = ">")]
    Above,
}

/// `METRIC OP VALUE`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// Metric name.
    pub metric: String,
    /// Comparison.
    pub op: Op,
    /// Threshold.
    pub value: f64,
}

impl Target {
    /// Reads `METRIC <= X` (or `<`, `>=`, `>`); `metrics` are the names that exist.
    pub fn parse(text: &str, metrics: &[String]) -> Result<Target, String> {
        let usage = "write --target \"METRIC <= X\" (or <, >=, >), e.g. \
                     --target \"response_time_p90_min <= 30\"";
        let ops = [
            ("<=", Op::AtMost),
            (">=", Op::AtLeast),
            ("<", Op::Below),
            (">", Op::Above),
        ];
        let (at, sign, op) = ops
            .iter()
            .find_map(|(s, op)| text.find(s).map(|i| (i, *s, *op)))
            .ok_or_else(|| format!("--target `{text}`: {usage}"))?;
        let metric = text[..at].trim().to_string();
        let value = text[at + sign.len()..]
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("--target `{text}`: the threshold is not a number; {usage}"))?;
        if !metrics.contains(&metric) {
            return Err(format!(
                "--target `{text}`: no metric `{metric}`; the metrics are listed in docs/outputs.md \
                 (per-kind ones end in the kind's name, e.g. utilization_police)"
            ));
        }
        Ok(Target { metric, op, value })
    }

    /// Whether `values` (one per replication) meet the target with `confidence`.
    pub fn verdict(&self, values: &[f64], confidence: f64) -> Verdict {
        let (low, high) = bounds(values, confidence);
        if low.is_nan() {
            // Not measured at all (e.g. no consult was asked for): cannot be shown to meet.
            return Verdict::Fails;
        }
        let (meets, fails) = match self.op {
            Op::AtMost => (high <= self.value, low > self.value),
            Op::Below => (high < self.value, low >= self.value),
            Op::AtLeast => (low >= self.value, high < self.value),
            Op::Above => (low > self.value, high <= self.value),
        };
        if meets {
            Verdict::Meets
        } else if fails {
            Verdict::Fails
        } else {
            Verdict::Undecided
        }
    }

    /// The bound that decides: the upper one for `<=`, `<`, the lower one otherwise.
    pub fn deciding_bound(&self, values: &[f64], confidence: f64) -> f64 {
        let (low, high) = bounds(values, confidence);
        match self.op {
            Op::AtMost | Op::Below => high,
            Op::AtLeast | Op::Above => low,
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let op = match self.op {
            Op::AtMost => "<=",
            Op::Below => "<",
            Op::AtLeast => ">=",
            Op::Above => ">",
        };
        write!(f, "{} {op} {}", self.metric, self.value)
    }
}

/// One-sided confidence bounds `(low, high)` for the mean of the finite `values`:
/// the mean is above `low` with probability `confidence`, and below `high` likewise.
/// Infinite with fewer than 2 values; NaN with none.
pub fn bounds(values: &[f64], confidence: f64) -> (f64, f64) {
    let e = estimate(values);
    let Some(sd) = e.sd else {
        return if e.n == 0 {
            (f64::NAN, f64::NAN)
        } else {
            (f64::NEG_INFINITY, f64::INFINITY)
        };
    };
    let t = StudentsT::new(0.0, 1.0, (e.n - 1) as f64)
        .map_or(f64::INFINITY, |t| t.inverse_cdf(confidence));
    let half = t * sd / (e.n as f64).sqrt();
    (e.mean - half, e.mean + half)
}

/// Whether a point meets its targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every target is met with the confidence asked for.
    Meets,
    /// A target is missed with that confidence, or cannot be measured.
    Fails,
    /// Too close to call, even with the most replications allowed.
    Undecided,
}

impl Verdict {
    /// The verdict of several targets together.
    pub fn all(verdicts: impl IntoIterator<Item = Verdict>) -> Verdict {
        let mut out = Verdict::Meets;
        for v in verdicts {
            match v {
                Verdict::Fails => return Verdict::Fails,
                Verdict::Undecided => out = Verdict::Undecided,
                Verdict::Meets => {}
            }
        }
        out
    }
}

/// One point `size` tried.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SizePoint {
    /// Axis key → value.
    pub values: IndexMap<String, String>,
    /// Replications run there.
    pub replications: u32,
    /// Whether it meets every target.
    pub verdict: Verdict,
    /// For each target's metric (and the minimised one): its estimate and the
    /// one-sided bound that decided.
    pub metrics: IndexMap<String, Evidence>,
}

/// A metric at a point: its estimate and the bound the target was judged on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Estimate (two-sided 95 % interval).
    pub estimate: Estimate,
    /// The one-sided bound at the confidence asked for (absent for a metric that is
    /// only minimised).
    #[serde(with = "super::nullable::one")]
    pub bound: f64,
}

/// What `size` found: `size.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SizeResult {
    /// Scenario name.
    pub scenario: String,
    /// The smallest value (one key) or the chosen point (several keys, a map) that
    /// meets every target; null when nothing in the range does.
    pub answer: Option<serde_json::Value>,
    /// The answer in words, with the reason when there is none.
    pub summary: String,
    /// The targets.
    pub targets: Vec<Target>,
    /// Confidence of the one-sided bounds.
    pub confidence: f64,
    /// The metric minimised over the points that meet the targets, if any.
    pub minimize: Option<String>,
    /// `bisection` or `every point`.
    pub method: String,
    /// Whether the target metrics moved in one direction over the points tried (null
    /// when fewer than three were tried).
    pub monotone: Option<bool>,
    /// Replications at first, and the most any point may get.
    pub replications: [u32; 2],
    /// The varied keys and their values.
    pub axes: Vec<super::sweep::Axis>,
    /// Every point tried, in grid order.
    pub points: Vec<SizePoint>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_judge_on_the_bound() {
        let names = vec!["response_time_p90_min".to_string()];
        let t = Target::parse("response_time_p90_min <= 30", &names).unwrap();
        assert_eq!((t.op, t.value), (Op::AtMost, 30.0));
        assert_eq!(
            Target::parse("response_time_p90_min>=2.5", &names).map(|t| t.op),
            Ok(Op::AtLeast)
        );
        for bad in [
            "response_time_p90_min = 3",
            "nope <= 3",
            "response_time_p90_min <= x",
        ] {
            assert!(Target::parse(bad, &names).is_err(), "{bad}");
        }
        // Mean 29, but the upper bound is above 30: too close to call.
        assert_eq!(t.verdict(&[27.0, 31.0, 29.0], 0.95), Verdict::Undecided);
        assert_eq!(t.verdict(&[20.0, 21.0, 22.0], 0.95), Verdict::Meets);
        assert_eq!(t.verdict(&[40.0, 41.0, 42.0], 0.95), Verdict::Fails);
        assert_eq!(t.verdict(&[f64::NAN, f64::NAN], 0.95), Verdict::Fails);
        assert_eq!(
            Verdict::all([Verdict::Meets, Verdict::Undecided]),
            Verdict::Undecided
        );
    }
}
