//! Documented limits on what a scenario may ask for, so that no slip can exhaust memory
//! or make arithmetic meaningless.

/// Measured days, and warm-up days (100 years each).
pub const DAYS: f64 = 36_500.0;
/// Replications of a run.
pub const REPLICATIONS: u32 = 10_000;
/// Zones in a scenario.
pub const ZONES: usize = 10_000;
/// Call types in a scenario.
pub const CALL_TYPES: usize = 1_000;
/// Residents of a zone (more than the world's).
pub const POPULATION: f64 = 1e10;
/// Distance from the origin and zone radius, km (a quarter of the earth's circumference).
pub const KM: f64 = 10_000.0;
/// Units of one kind on duty at once.
pub const UNITS: u32 = 10_000;
/// A cost in dollars per hour, visit, day or year.
pub const DOLLARS: f64 = 1e9;
