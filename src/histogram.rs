//! A histogram of non-negative durations in minutes with fixed bins, so a replication
//! summarises any number of observations in bounded memory and finds its quantiles in
//! one pass instead of a sort.
//!
//! Bins are 1/16 minute wide up to 64 minutes, then 256 to each doubling (at most
//! 0.4 % of the value wide) up to 2^22 minutes (about 8 years); larger values fall in
//! the last bin. Counts, sum and maximum are exact; quantiles are exact to within the
//! width of the bin they fall in.

/// Values below this have bins of equal width.
const LINEAR_LIMIT: f64 = 64.0;
/// Bins per minute below [`LINEAR_LIMIT`].
const PER_MINUTE: f64 = 16.0;
const LINEAR_BINS: usize = 1024;
const PER_OCTAVE: usize = 256;
// `bin_of` reads a bin within an octave off the top 8 bits of a fraction.
const _: () = assert!(PER_OCTAVE == 1 << 8);
const OCTAVES: usize = 16;
const BINS: usize = LINEAR_BINS + PER_OCTAVE * OCTAVES;

/// Counts of observations by bin, with their number, sum and maximum.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    /// Empty until the first observation, so groups that see none cost nothing.
    counts: Vec<u32>,
    n: u64,
    sum: f64,
    max: f64,
}

/// The bin of a value (negative and NaN values count as 0).
fn bin_of(x: f64) -> usize {
    if x.is_nan() || x < LINEAR_LIMIT {
        return (x.max(0.0) * PER_MINUTE) as usize;
    }
    // ratio ≥ 1 is 2^octave × (1 + f): the octave is the binary exponent and the bin
    // within it the top 8 bits of the fraction f, read off the bits directly.
    let bits = (x / LINEAR_LIMIT).to_bits();
    let octave = ((bits >> 52) & 0x7ff) as usize - 1023;
    if octave >= OCTAVES {
        return BINS - 1;
    }
    let within = ((bits >> 44) & 0xff) as usize;
    LINEAR_BINS + octave * PER_OCTAVE + within
}

/// The lower edge and width of bin `i`.
fn bin_range(i: usize) -> (f64, f64) {
    if i < LINEAR_BINS {
        return (i as f64 / PER_MINUTE, 1.0 / PER_MINUTE);
    }
    let octave = (i - LINEAR_BINS) / PER_OCTAVE;
    let within = (i - LINEAR_BINS) % PER_OCTAVE;
    let base = LINEAR_LIMIT * (octave as f64).exp2();
    let width = base / PER_OCTAVE as f64;
    (base + within as f64 * width, width)
}

impl Histogram {
    /// Adds one observation.
    #[inline]
    pub fn record(&mut self, x: f64) {
        if self.counts.is_empty() {
            self.counts = vec![0; BINS];
        }
        self.counts[bin_of(x)] += 1;
        self.n += 1;
        self.sum += x;
        self.max = self.max.max(x);
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Exact mean (NaN when empty).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum / self.n as f64
        }
    }

    /// Quantile `q` (0–1), interpolating linearly within the bin it falls in and never
    /// above the largest observation (NaN when empty).
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let rank = q.clamp(0.0, 1.0) * self.n as f64;
        let mut below = 0.0;
        for (i, &c) in self.counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let c = f64::from(c);
            if below + c >= rank {
                let (lo, width) = bin_range(i);
                let x = lo + width * ((rank - below) / c);
                return x.min(self.max);
            }
            below += c;
        }
        self.max
    }

    /// Share of observations below `x` (NaN when empty), exact where
    /// [`Histogram::share_at_least`] is.
    pub fn share_below(&self, x: f64) -> f64 {
        1.0 - self.share_at_least(x)
    }

    /// Share of observations at or above `x` (NaN when empty); exact when `x` is a bin
    /// edge, as every multiple of 1/16 minute below 64 minutes is.
    pub fn share_at_least(&self, x: f64) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let first = bin_of(x);
        let above: u64 = self.counts[first..].iter().map(|&c| u64::from(c)).sum();
        above as f64 / self.n as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_cover_values_in_order() {
        let mut last = 0;
        for k in 0..200_000 {
            let x = f64::from(k) * 0.37;
            let b = bin_of(x);
            assert!(b >= last, "bins must not go back at {x}");
            let (lo, width) = bin_range(b);
            if b < BINS - 1 {
                assert!(
                    lo <= x * (1.0 + 1e-12) && x < lo + width + 1e-9,
                    "{x} not in bin {b}"
                );
            }
            last = b;
        }
        assert_eq!(bin_of(30.0), 480);
        assert_eq!(bin_of(-1.0), 0);
        assert_eq!(bin_of(f64::NAN), 0);
        assert_eq!(bin_of(1e12), BINS - 1);
        assert_eq!(bin_of(f64::INFINITY), BINS - 1);
        assert_eq!(bin_of(64.0), LINEAR_BINS);
        assert_eq!(bin_of(128.0 - 1e-9), LINEAR_BINS + PER_OCTAVE - 1);
        assert_eq!(bin_of(128.0), LINEAR_BINS + PER_OCTAVE);
    }

    #[test]
    fn quantiles_are_within_a_bin_of_the_exact_ones() {
        let mut h = Histogram::default();
        let mut values: Vec<f64> = (0..10_000)
            .map(|i| (f64::from(i) * 0.7919).rem_euclid(300.0))
            .collect();
        for v in &values {
            h.record(*v);
        }
        values.sort_by(f64::total_cmp);
        for q in [0.1, 0.5, 0.9, 0.99] {
            let exact = values[(q * (values.len() - 1) as f64).round() as usize];
            let (_, width) = bin_range(bin_of(exact));
            assert!(
                (h.quantile(q) - exact).abs() <= 2.0 * width,
                "q={q}: {} vs {exact}",
                h.quantile(q)
            );
        }
        assert!((h.mean() - values.iter().sum::<f64>() / 1e4).abs() < 1e-9);
        let above = values.iter().filter(|v| **v >= 30.0).count() as f64 / 1e4;
        assert_eq!(h.share_at_least(30.0), above);
        assert!(Histogram::default().quantile(0.5).is_nan());
    }
}
