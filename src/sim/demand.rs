//! Crisis arrivals: a non-homogeneous Poisson process whose rate is constant within
//! each hour of the week, sampled exactly by inverting the cumulative intensity.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1};

use crate::model::{Model, Point};
use crate::time::{HOUR, Minutes};

/// The next arrival after `t`, or infinity if there is none before `until` (so a
/// tiny rate cannot walk hour by hour for ever).
pub fn next_arrival<R: Rng + ?Sized>(
    rate_by_hour: &[f64],
    t: Minutes,
    until: Minutes,
    rng: &mut R,
) -> Minutes {
    let mut need: f64 = Exp1.sample(rng);
    if rate_by_hour.is_empty() {
        return f64::INFINITY;
    }
    let mut now = t;
    let len = rate_by_hour.len();
    // Time is never negative, so truncation is the floor. Each later piece starts
    // on a whole hour, whose number is this one's plus one exactly.
    let mut hour = (now / HOUR) as u64;
    let mut index = piece(hour, len);
    // Hours walked in a row with no rate: a whole week of them means none ever comes.
    let mut empty = 0;
    loop {
        if now >= until || empty > len {
            return f64::INFINITY;
        }
        let rate = rate_by_hour[index];
        let piece_end = (hour + 1) as f64 * HOUR;
        if rate <= 0.0 {
            empty += 1;
        } else {
            empty = 0;
            let mass = rate * (piece_end - now);
            if need <= mass {
                return now + need / rate;
            }
            need -= mass;
        }
        now = piece_end;
        hour += 1;
        index = if index + 1 == len { 0 } else { index + 1 };
    }
}

/// The index of `hour` in a cycle of `len` hours. A division by a length known only
/// at run time is slow in 64 bits, and hours fit 32 for half a million years.
#[inline]
fn piece(hour: u64, len: usize) -> usize {
    match (u32::try_from(hour), u32::try_from(len)) {
        (Ok(h), Ok(n)) => (h % n) as usize,
        _ => (hour % len as u64) as usize,
    }
}

/// Index of the first cumulative share above a uniform draw.
#[inline]
pub fn pick(cdf: &[f64], u: f64) -> usize {
    cdf.partition_point(|c| *c <= u)
        .min(cdf.len().saturating_sub(1))
}

/// Where in its zone an incident happens: uniform over the zone's disc.
pub fn place<R: Rng + ?Sized>(model: &Model, zone: usize, rng: &mut R) -> Point {
    let z = &model.zones[zone];
    let (a, b): (f64, f64) = (rng.random(), rng.random());
    // Both draws are made either way, so a zone's radius moves no later draw.
    if z.radius_km == 0.0 {
        return z.centre;
    }
    let r = z.radius_km * a.sqrt();
    let angle = std::f64::consts::TAU * b;
    Point {
        x: z.centre.x + r * angle.cos(),
        y: z.centre.y + r * angle.sin(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream};

    #[test]
    fn arrival_counts_follow_the_rate() {
        // Rate 1/min in even hours, 0 in odd hours: nothing may arrive in an odd hour,
        // and the count over 1000 even hours (mean 60 000, sd 245) lies within 5 sd.
        let rates: Vec<f64> = (0..168)
            .map(|h| if h % 2 == 0 { 1.0 } else { 0.0 })
            .collect();
        let mut rng = stream(3, Stream::Arrivals, 0);
        let (mut t, mut n) = (0.0, 0u32);
        loop {
            t = next_arrival(&rates, t, f64::INFINITY, &mut rng);
            if t >= 2000.0 * HOUR {
                break;
            }
            assert_eq!(
                (t / HOUR).floor() as u64 % 2,
                0,
                "arrival in a zero-rate hour"
            );
            n += 1;
        }
        assert!((f64::from(n) - 60_000.0).abs() < 5.0 * 245.0, "{n}");
        assert!(next_arrival(&[0.0; 168], 0.0, f64::INFINITY, &mut rng).is_infinite());
        // A rate of one arrival in a million years stops at the horizon.
        let tiny = [1e-12; 168];
        assert!(next_arrival(&tiny, 0.0, 10.0 * crate::time::DAY, &mut rng).is_infinite());
    }

    #[test]
    fn pick_respects_bounds() {
        let cdf = [0.25, 0.5, 1.0];
        assert_eq!(pick(&cdf, 0.0), 0);
        assert_eq!(pick(&cdf, 0.25), 1);
        assert_eq!(pick(&cdf, 0.99), 2);
        assert_eq!(pick(&cdf, 1.0), 2);
    }
}
