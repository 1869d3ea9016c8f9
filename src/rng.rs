//! Seed derivation: one scenario seed → one seed per replication → one stream per
//! random process. Streams are independent, so adding a draw to one process (say,
//! a new responder kind's background work) never shifts another (the arrivals).

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// The generator used everywhere: small, fast, and good enough for simulation.
pub type SimRng = Pcg64Mcg;

/// The random processes of one replication, each with its own stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Incident arrival times, zones, call types, channels and positions.
    Arrivals = 1,
    /// Per-incident substreams: travel noise, scene times, outcomes, the hotline
    /// caller's patience and handle time, consult lengths.
    Incidents = 2,
    /// Gaps between background (non-crisis) jobs, one substream per responder kind.
    BackgroundArrivals = 3,
    /// Shift staffing draws (absences), one substream per responder kind.
    Staffing = 4,
    /// Service times of background jobs, drawn as each arrives, one substream per kind.
    BackgroundService = 5,
    // 6 is left unused: an admitted patient's length of stay comes from the
    // incident's own stream, one draw for the bed and for the days costed.
    /// The hotline's ordinary contacts: gaps, then each one's patience and handle time.
    HotlineContacts = 7,
    /// Out-of-service spells: the time in service before each and its length, one
    /// substream per responder kind.
    Unavailability = 8,
    /// Call processing of background calls, drawn only for a trace, one substream per
    /// background stream.
    BackgroundIntake = 9,
    /// Induced calls: substream 0 their arrival times, call types, zones and
    /// positions; substream n the n-th call's own draws.
    Induced = 10,
    /// A person's risk class, drawn at their first crisis (substream: the person).
    People = 11,
    /// What follows a person's crisis in follow-up care: whether they take it up and
    /// how long they stay (substream: the person and the crisis), and whether it
    /// prevents the next crisis (the same with the top bit set).
    FollowUp = 12,
    /// Time in custody after an arrest (substream: the person and the crisis).
    Custody = 13,
    /// Whether a crisis escalated while it waited for a unit (substream: the person
    /// and the crisis), drawn when the first unit arrives.
    Escalation = 14,
    /// Walk-ins at a facility (substream: the facility): the gap to the next, then
    /// each one's length of stay.
    WalkIns = 15,
    /// Whether a transport to an ED or crisis centre is an involuntary hold
    /// (substream: the person and the crisis).
    Holds = 16,
    /// The crisis history before day 0 (`[people] history`), one stream: the first
    /// crises' gaps and classes' chains, then where each person still due lives.
    History = 17,
    /// `[[groups]]`: a person's group and whether they need an interpreter (substream:
    /// the person), and the wait for an interpreter (the person and the crisis).
    Groups = 18,
}

/// SplitMix64's finalizer: a bijective mix that spreads nearby inputs far apart.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of replication `index` of a run started with `seed`.
pub fn replication_seed(seed: u64, index: u64) -> u64 {
    mix(mix(seed) ^ index)
}

/// A stream of `process`, substream `sub`, for a replication seed.
pub fn stream(replication_seed: u64, process: Stream, sub: u64) -> SimRng {
    let key = mix(mix(replication_seed ^ ((process as u64) << 56)) ^ sub);
    SimRng::seed_from_u64(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let rep = replication_seed(1, 0);
        let a = stream(rep, Stream::Arrivals, 0).next_u64();
        assert_eq!(a, stream(rep, Stream::Arrivals, 0).next_u64());
        assert_ne!(a, stream(rep, Stream::Incidents, 0).next_u64());
        assert_ne!(a, stream(rep, Stream::Arrivals, 1).next_u64());
        assert_ne!(rep, replication_seed(1, 1));
        assert_ne!(rep, replication_seed(2, 0));
    }
}
