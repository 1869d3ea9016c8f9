//! Floats that may be NaN (nothing to measure), written to JSON as `null` and read
//! back as NaN, for `#[serde(with = "nullable")]`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

fn wrap(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Writes each value, NaN as `null`.
pub fn serialize<S: Serializer>(values: &[f64], s: S) -> Result<S::Ok, S::Error> {
    let v: Vec<Option<f64>> = values.iter().map(|x| wrap(*x)).collect();
    v.serialize(s)
}

/// Reads each value, `null` as NaN.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    let v: Vec<Option<f64>> = Vec::deserialize(d)?;
    Ok(v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect())
}

/// One float.
pub mod one {
    use super::*;

    /// Writes the value, NaN as `null`.
    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        wrap(*x).serialize(s)
    }

    /// Reads the value, `null` as NaN.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

/// Lists of lists of floats.
pub mod nested {
    use super::*;

    /// Writes each value, NaN as `null`.
    pub fn serialize<S: Serializer>(values: &[Vec<f64>], s: S) -> Result<S::Ok, S::Error> {
        let v: Vec<Vec<Option<f64>>> = values
            .iter()
            .map(|row| row.iter().map(|x| wrap(*x)).collect())
            .collect();
        v.serialize(s)
    }

    /// Reads each value, `null` as NaN.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<f64>>, D::Error> {
        let v: Vec<Vec<Option<f64>>> = Vec::deserialize(d)?;
        Ok(v.into_iter()
            .map(|row| row.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect())
            .collect())
    }
}

/// Lists of lists of lists of floats.
pub mod nested3 {
    use super::*;

    /// Writes each value, NaN as `null`.
    pub fn serialize<S: Serializer>(values: &[Vec<Vec<f64>>], s: S) -> Result<S::Ok, S::Error> {
        let v: Vec<Vec<Vec<Option<f64>>>> = values
            .iter()
            .map(|a| {
                a.iter()
                    .map(|b| b.iter().map(|x| wrap(*x)).collect())
                    .collect()
            })
            .collect();
        v.serialize(s)
    }

    /// Reads each value, `null` as NaN.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<Vec<f64>>>, D::Error> {
        let v: Vec<Vec<Vec<Option<f64>>>> = Vec::deserialize(d)?;
        Ok(v.into_iter()
            .map(|a| {
                a.into_iter()
                    .map(|b| b.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect())
                    .collect()
            })
            .collect())
    }
}
