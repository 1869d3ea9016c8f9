//! One dollar year for every cost: a cost cited in the dollars of its source's year is
//! converted with the CPI-U annual averages (U.S. Bureau of Labor Statistics, Consumer
//! Price Index for All Urban Consumers, U.S. city average, all items, 1982–84 = 100,
//! series CUUR0000SA0). `docs/sources.md` lists the table.

/// The dollar year a scenario's costs are in when it does not say.
pub const DEFAULT_YEAR: u32 = 2024;

/// CPI-U annual averages, by year.
pub const CPI_U: &[(u32, f64)] = &[
    (2000, 172.2),
    (2001, 177.1),
    (2002, 179.9),
    (2003, 184.0),
    (2004, 188.9),
    (2005, 195.3),
    (2006, 201.6),
    (2007, 207.342),
    (2008, 215.303),
    (2009, 214.537),
    (2010, 218.056),
    (2011, 224.939),
    (2012, 229.594),
    (2013, 232.957),
    (2014, 236.736),
    (2015, 237.017),
    (2016, 240.007),
    (2017, 245.120),
    (2018, 251.107),
    (2019, 255.657),
    (2020, 258.811),
    (2021, 270.970),
    (2022, 292.655),
    (2023, 304.702),
    (2024, 313.689),
];

/// The index of `year`, if the table has it.
pub fn cpi(year: u32) -> Option<f64> {
    CPI_U.iter().find(|(y, _)| *y == year).map(|(_, v)| *v)
}

/// `amount` dollars of `from` in dollars of `to`; `None` if either year is not in the
/// table.
pub fn convert(amount: f64, from: u32, to: u32) -> Option<f64> {
    Some(amount * cpi(to)? / cpi(from)?)
}

/// The years the table covers, for messages.
pub fn covered() -> String {
    let (first, last) = (CPI_U[0].0, CPI_U[CPI_U.len() - 1].0);
    format!("{first} to {last}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_follows_the_index() {
        // GAO's median ambulance transport, $429 in 2010, in 2024 dollars.
        let x = convert(429.0, 2010, 2024).unwrap_or(f64::NAN);
        assert!((x - 429.0 * 313.689 / 218.056).abs() < 1e-9);
        assert!((x - 617.14).abs() < 0.01, "{x}");
        assert_eq!(convert(100.0, 2017, 2017), Some(100.0));
        assert_eq!(convert(1.0, 1999, 2024), None);
        assert!(CPI_U.windows(2).all(|w| w[1].0 == w[0].0 + 1));
    }
}
