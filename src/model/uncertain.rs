//! `[uncertainty]`: the distribution of an input's value, or of a factor on it, for
//! probabilistic sensitivity analysis. Each entry names a key as `--set` does.
//!
//! Forms: `"triangular(lo, mode, hi)"`, `"uniform(lo, hi)"`, `"beta(a, b)"`,
//! `"normal(mean, sd)"`, `"lognormal(mean, sd)"` (mean and sd of the value itself) give
//! the value; `"scale: FORM"` gives a factor that multiplies the scenario's own value
//! (a number, a duration, or every duration in a distribution such as a scene time).

use statrs::distribution::{Beta, ContinuousCDF, Normal};

use super::check::{Checker, key_path};
use crate::scenario::tree::Value;

/// What a draw stands for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Form {
    /// The value of the key.
    Value,
    /// A factor on the scenario's value of the key.
    Scale,
}

/// A distribution of one number.
#[derive(Clone, Debug, PartialEq)]
pub enum Law {
    /// Triangular on `[lo, hi]` with its peak at `mode`.
    Triangular {
        /// Lowest value.
        lo: f64,
        /// Most likely value.
        mode: f64,
        /// Highest value.
        hi: f64,
    },
    /// Uniform on `[lo, hi]`.
    Uniform {
        /// Lowest value.
        lo: f64,
        /// Highest value.
        hi: f64,
    },
    /// Beta with shapes `a`, `b` (on `[0, 1]`).
    Beta {
        /// First shape.
        a: f64,
        /// Second shape.
        b: f64,
    },
    /// Normal with this mean and standard deviation.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Lognormal whose values have this mean and standard deviation.
    LogNormal {
        /// Mean of the values.
        mean: f64,
        /// Standard deviation of the values.
        sd: f64,
    },
}

/// One uncertain input.
#[derive(Clone, Debug, PartialEq)]
pub struct Uncertain {
    /// The `--set` key.
    pub key: String,
    /// The distribution as written.
    pub text: String,
    /// Value or factor.
    pub form: Form,
    /// Its distribution.
    pub law: Law,
}

impl Law {
    /// The value below which a share `p` of draws falls.
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(1e-12, 1.0 - 1e-12);
        match *self {
            Law::Triangular { lo, mode, hi } => {
                let (w, left) = (hi - lo, mode - lo);
                if p * w < left {
                    lo + (p * w * left).sqrt()
                } else {
                    hi - ((1.0 - p) * w * (hi - mode)).sqrt()
                }
            }
            Law::Uniform { lo, hi } => lo + p * (hi - lo),
            Law::Beta { a, b } => Beta::new(a, b).map_or(f64::NAN, |d| d.inverse_cdf(p)),
            Law::Normal { mean, sd } => {
                Normal::new(mean, sd).map_or(f64::NAN, |d| d.inverse_cdf(p))
            }
            Law::LogNormal { mean, sd } => {
                let s2 = (1.0 + (sd / mean).powi(2)).ln();
                let mu = mean.ln() - s2 / 2.0;
                Normal::new(mu, s2.sqrt()).map_or(f64::NAN, |d| d.inverse_cdf(p).exp())
            }
        }
    }

    /// The mean of its values.
    pub fn mean(&self) -> f64 {
        match *self {
            Law::Triangular { lo, mode, hi } => (lo + mode + hi) / 3.0,
            Law::Uniform { lo, hi } => (lo + hi) / 2.0,
            Law::Beta { a, b } => a / (a + b),
            Law::Normal { mean, .. } | Law::LogNormal { mean, .. } => mean,
        }
    }

    /// The most extreme values a draw can take: the ends of its range, or for an
    /// unbounded law the one-in-a-million quantiles.
    pub fn extremes(&self) -> [f64; 2] {
        match *self {
            Law::Triangular { lo, hi, .. } | Law::Uniform { lo, hi } => [lo, hi],
            Law::Beta { .. } => [0.0, 1.0],
            _ => [self.quantile(1e-6), self.quantile(1.0 - 1e-6)],
        }
    }
}

const FORMS: &str = "triangular(lo, mode, hi), uniform(lo, hi), beta(a, b), normal(mean, sd), \
                     lognormal(mean, sd), each optionally after `scale: ` for a factor on the \
                     scenario's value";

/// Reads `"[scale: ]NAME(a, b[, c])"`.
pub fn parse(text: &str) -> Result<(Form, Law), String> {
    let (form, rest) = match text.trim().strip_prefix("scale:") {
        Some(rest) => (Form::Scale, rest.trim()),
        None => (Form::Value, text.trim()),
    };
    let bad = || format!("`{text}` is not a distribution of a number; write {FORMS}");
    let (name, args) = rest.split_once('(').ok_or_else(bad)?;
    let args = args.strip_suffix(')').ok_or_else(bad)?;
    let n: Vec<f64> = args
        .split(',')
        .map(|a| a.trim().replace('_', "").parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    if n.iter().any(|x| !x.is_finite()) {
        return Err(bad());
    }
    let law = match (name.trim(), &n[..]) {
        ("triangular", &[lo, mode, hi]) if lo <= mode && mode <= hi && lo < hi => {
            Law::Triangular { lo, mode, hi }
        }
        ("triangular", [_, _, _]) => {
            return Err(format!("`{text}`: needs lo <= mode <= hi and lo < hi"));
        }
        ("uniform", &[lo, hi]) if lo < hi => Law::Uniform { lo, hi },
        ("uniform", [_, _]) => return Err(format!("`{text}`: needs lo < hi")),
        ("beta", &[a, b]) if a > 0.0 && b > 0.0 => Law::Beta { a, b },
        ("normal", &[mean, sd]) if sd > 0.0 => Law::Normal { mean, sd },
        ("lognormal", &[mean, sd]) if mean > 0.0 && sd > 0.0 => Law::LogNormal { mean, sd },
        ("beta" | "normal" | "lognormal", [_, _]) => {
            return Err(format!(
                "`{text}`: its parameters must be > 0 (a normal's mean may be any number)"
            ));
        }
        _ => return Err(bad()),
    };
    Ok((form, law))
}

/// Validates the `[uncertainty]` table: forms that parse, and keys the scenario has
/// with a value of the right sort. Whether every draw is a valid value is checked when
/// the draws are made.
pub(super) fn build_uncertainty(c: &mut Checker<'_>) -> Vec<Uncertain> {
    let entries = c.loaded.scenario.uncertainty.clone();
    let mut out = Vec::new();
    for (key, text) in entries {
        let at = key_path!["uncertainty", &key];
        let (form, law) = match parse(&text) {
            Ok(p) => p,
            Err(e) => {
                c.fail(at, e);
                continue;
            }
        };
        if let Err(e) = key_fits(c, &key, form) {
            c.fail(at, e);
            continue;
        }
        out.push(Uncertain {
            key,
            text,
            form,
            law,
        });
    }
    out
}

fn key_fits(c: &Checker<'_>, key: &str, form: Form) -> Result<(), String> {
    if key.starts_with("scenario.") || key.starts_with("uncertainty") {
        return Err(format!(
            "`{key}`: the run's settings (seed, replications, horizon) are the same for \
             every draw; choose an input of the model"
        ));
    }
    let node = c.loaded.tree.lookup(key).ok_or_else(|| {
        format!(
            "`{key}` names no value in this scenario; an uncertain key must be one the \
             scenario sets (write its base value first), e.g. costs.ed_visit"
        )
    })?;
    match (&node.value, form) {
        (Value::Int(_) | Value::Float(_), _) | (Value::Str(_), Form::Scale) => Ok(()),
        (Value::Str(s), Form::Value) => Err(format!(
            "`{key}` is `{s}`, not a number: give a factor on it, e.g. \
             \"scale: triangular(0.8, 1, 1.3)\""
        )),
        _ => Err(format!(
            "`{key}` is {}, not a number, a duration or a distribution",
            node.type_name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_read_and_quantiles_invert() {
        let (form, law) = parse("triangular(630, 1200, 2200)").unwrap();
        assert_eq!(form, Form::Value);
        assert!((law.mean() - 4030.0 / 3.0).abs() < 1e-9);
        assert!((law.quantile(0.5) - 1330.0).abs() < 50.0);
        let (form, law) = parse("scale: uniform(0.8, 1.2)").unwrap();
        assert_eq!(form, Form::Scale);
        assert!((law.quantile(0.25) - 0.9).abs() < 1e-12);
        let (_, beta) = parse("beta(10, 90)").unwrap();
        assert!((beta.mean() - 0.1).abs() < 1e-12);
        assert!(beta.quantile(0.05) < 0.1 && beta.quantile(0.95) > 0.1);
        let (_, logn) = parse("lognormal(100, 30)").unwrap();
        assert!(logn.quantile(0.01) > 0.0);
        for bad in [
            "triangular(3, 1, 2)",
            "uniform(2, 2)",
            "beta(0, 1)",
            "normal(1, 0)",
            "lognormal(-1, 2)",
            "gamma(1, 2)",
            "uniform(1)",
            "uniform(a, b)",
            "1.5",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
