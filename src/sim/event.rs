//! The domain's kernel events, packed into 32 bits: a 5-bit tag and a 27-bit payload
//! (a unit, request slot, caller slot, incident or kind index).

use crate::kernel;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Event {
    Arrival,
    Background(u16),
    Shift(u16),
    /// The fallback step of the request in this slot is due.
    Fallback(u32),
    /// The unit's next step is due (a unit has one pending step at a time).
    Unit(u32),
    WarmupEnd,
    /// The earliest pending repeat crisis is due.
    Repeat,
    HotlineShift,
    /// A counselor finished the call of an incident.
    HotlineDone(u32),
    /// The patience of the caller in this slot ran out.
    Abandon(u32),
    PsychiatryShift,
    /// A consult line became free.
    ConsultEnd,
    /// The team waiting in this slot for a consult line stops waiting.
    ConsultTimeout(u32),
    /// The unit on the trip in this slot reaches the scene.
    Arrive(u32),
    /// The caller of this incident cancels, if no unit is on scene yet.
    Cancel(u32),
    /// The stay of the facility occupant in this slot ends.
    StayEnd(u32),
    /// An ordinary contact reaches the hotline.
    HotlineContact,
    /// A counselor finishes an ordinary contact.
    HotlineContactDone,
    /// The call of this incident has been processed and can be dispatched.
    Intake(u32),
    /// The background job in this slot ends.
    JobDone(u32),
    /// The out-of-service spell in this slot starts or ends.
    Break(u32),
    /// An induced call arrives.
    Induced,
    /// The hotline caller of this incident, who hung up, calls 911.
    Redial(u32),
    /// A follow-up enrolment ends, freeing its place.
    FollowUpEnd,
    /// A walk-in reaches this facility.
    WalkIn(u16),
}

/// Bits of an encoded event's payload; the five bits above hold its variant.
const PAYLOAD_BITS: u32 = 27;
/// The largest payload an event can carry.
pub(super) const PAYLOAD: u32 = (1 << PAYLOAD_BITS) - 1;

impl kernel::Event for Event {
    fn encode(self) -> u32 {
        let (tag, payload) = match self {
            Event::Arrival => (0, 0),
            Event::Background(k) => (1, u32::from(k)),
            Event::Shift(k) => (2, u32::from(k)),
            Event::Fallback(r) => (3, r),
            Event::Unit(u) => (4, u),
            Event::WarmupEnd => (5, 0),
            Event::Repeat => (6, 0),
            Event::HotlineShift => (7, 0),
            Event::HotlineDone(i) => (8, i),
            Event::Abandon(c) => (9, c),
            Event::PsychiatryShift => (10, 0),
            Event::ConsultEnd => (11, 0),
            Event::ConsultTimeout(w) => (12, w),
            Event::Arrive(t) => (13, t),
            Event::Cancel(i) => (14, i),
            Event::StayEnd(o) => (15, o),
            Event::HotlineContact => (16, 0),
            Event::HotlineContactDone => (17, 0),
            Event::Intake(i) => (18, i),
            Event::JobDone(j) => (19, j),
            Event::Break(b) => (20, b),
            Event::Induced => (21, 0),
            Event::Redial(i) => (22, i),
            Event::FollowUpEnd => (23, 0),
            Event::WalkIn(f) => (24, u32::from(f)),
        };
        assert!(payload <= PAYLOAD, "event payload {payload} does not fit");
        (tag << PAYLOAD_BITS) | payload
    }

    fn decode(code: u32) -> Self {
        let payload = code & PAYLOAD;
        match code >> PAYLOAD_BITS {
            0 => Event::Arrival,
            1 => Event::Background(payload as u16),
            2 => Event::Shift(payload as u16),
            3 => Event::Fallback(payload),
            4 => Event::Unit(payload),
            5 => Event::WarmupEnd,
            6 => Event::Repeat,
            7 => Event::HotlineShift,
            8 => Event::HotlineDone(payload),
            9 => Event::Abandon(payload),
            10 => Event::PsychiatryShift,
            11 => Event::ConsultEnd,
            12 => Event::ConsultTimeout(payload),
            13 => Event::Arrive(payload),
            14 => Event::Cancel(payload),
            15 => Event::StayEnd(payload),
            16 => Event::HotlineContact,
            17 => Event::HotlineContactDone,
            18 => Event::Intake(payload),
            19 => Event::JobDone(payload),
            20 => Event::Break(payload),
            21 => Event::Induced,
            22 => Event::Redial(payload),
            23 => Event::FollowUpEnd,
            24 => Event::WalkIn(payload as u16),
            tag => unreachable!("event tag {tag} was never encoded"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::Event as _;

    #[test]
    #[should_panic(expected = "never encoded")]
    fn an_unknown_tag_is_unreachable() {
        Event::decode(31 << PAYLOAD_BITS);
    }

    #[test]
    fn events_survive_encoding() {
        for e in [
            Event::Arrival,
            Event::Background(63),
            Event::Shift(7),
            Event::Fallback(PAYLOAD),
            Event::Unit(123_456),
            Event::WarmupEnd,
            Event::Repeat,
            Event::HotlineShift,
            Event::Induced,
            Event::Redial(PAYLOAD),
            Event::HotlineDone(9),
            Event::Abandon(11),
            Event::PsychiatryShift,
            Event::ConsultEnd,
            Event::ConsultTimeout(5),
            Event::Arrive(8),
            Event::Cancel(3),
            Event::StayEnd(PAYLOAD),
            Event::HotlineContact,
            Event::HotlineContactDone,
            Event::Intake(4),
            Event::JobDone(PAYLOAD),
            Event::Break(2),
            Event::FollowUpEnd,
            Event::WalkIn(3),
        ] {
            assert_eq!(Event::decode(e.encode()), e);
        }
    }
}
