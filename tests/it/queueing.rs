//! The queueing formulas the tests check the simulation against, each written once.

/// Erlang B: the share of arrivals finding all `c` servers busy at offered load `a`
/// (loss system).
pub fn erlang_b(c: u32, a: f64) -> f64 {
    (1..=c).fold(1.0, |b, k| a * b / (f64::from(k) + a * b))
}

/// Erlang C: P(wait > 0) in an M/M/c queue with offered load `a` = λ/μ (< c).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let b = erlang_b(c, a);
    f64::from(c) * b / (f64::from(c) - a * (1.0 - b))
}

/// Erlang C's mean wait in queue, in units of the mean service time (infinite at or
/// beyond `a` = `c`).
pub fn erlang_c_wait(c: u32, a: f64) -> f64 {
    if f64::from(c) <= a {
        return f64::INFINITY;
    }
    erlang_c(c, a) / (f64::from(c) - a)
}

/// Stationary distribution of the M/M/c+M birth–death chain (Erlang A), truncated far
/// in the tail.
pub fn erlang_a(c: usize, lambda: f64, mu: f64, theta: f64) -> Vec<f64> {
    let n = c + 5_000;
    let mut p = vec![1.0f64; n];
    for k in 1..n {
        let death = k.min(c) as f64 * mu + k.saturating_sub(c) as f64 * theta;
        p[k] = p[k - 1] * lambda / death;
    }
    let total: f64 = p.iter().sum();
    p.iter().map(|x| x / total).collect()
}

/// The share of callers who hang up in M/M/c+M: the abandonment rate θ·E[queue] over
/// the arrival rate λ.
pub fn erlang_a_abandonment(c: usize, lambda: f64, mu: f64, theta: f64) -> f64 {
    let p = erlang_a(c, lambda, mu, theta);
    let queue: f64 = p
        .iter()
        .enumerate()
        .map(|(k, pk)| k.saturating_sub(c) as f64 * pk)
        .sum();
    theta * queue / lambda
}

#[test]
fn the_formulas_agree_with_each_other_and_with_known_values() {
    // Erlang C by its own series, the textbook way.
    let (c, a) = (5u32, 4.25);
    let (mut term, mut sum) = (1.0, 1.0);
    for k in 1..c {
        term *= a / f64::from(k);
        sum += term;
    }
    let last = term * a / f64::from(c) * f64::from(c) / (f64::from(c) - a);
    assert!((erlang_c(c, a) - last / (sum + last)).abs() < 1e-12);
    // One server: P(wait) = ρ, Erlang B = a / (1 + a).
    assert!((erlang_c(1, 0.5) - 0.5).abs() < 1e-12);
    assert!((erlang_b(1, 0.5) - 1.0 / 3.0).abs() < 1e-12);
    // Without abandonment Erlang A's wait probability is Erlang C's.
    let p = erlang_a(5, 4.25, 1.0, 1e-9);
    let waiting: f64 = p[5..].iter().sum();
    assert!((waiting - erlang_c(5, 4.25)).abs() < 1e-6);
}
