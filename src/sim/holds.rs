//! Involuntary holds: a share of a call type's transports to an ED or crisis centre
//! go in custody to a facility that accepts holds. A unit of the call type's
//! transport kind takes them itself; any other unit stays with the person until one
//! comes, then leaves. Whether a transport is a hold is drawn from a stream of its
//! own (`Holds`, by person and crisis), so adding holds changes no other draw.

use rand::RngExt;

use super::people::person_stream;
use super::units::Phase;
use super::{NO_UNIT, Sim};
use crate::model::{FacilityKind, KindId, Point};
use crate::rng::Stream;

impl Sim<'_> {
    /// Draws whether the transport of incident `i` to a facility of `kind` is a hold,
    /// and counts it.
    pub(super) fn draw_hold(&mut self, i: usize, kind: FacilityKind) -> bool {
        let incident = &self.incidents[i];
        let Some(h) = self.model.call_types[usize::from(incident.call_type)].holds else {
            return false;
        };
        if incident.induced || kind == FacilityKind::Jail {
            return false;
        }
        let mut rng = person_stream(
            self.seed,
            Stream::Holds,
            incident.person.number,
            incident.crisis,
        );
        let hold = rng.random_bool(h.share);
        if hold && incident.measured {
            self.rec.holds += 1;
        }
        hold
    }

    /// The nearest facility of `kind` to `pos`; for a hold, the nearest of that kind
    /// that accepts holds, else the nearest ED that does.
    pub(super) fn destination(&self, kind: FacilityKind, pos: Point, hold: bool) -> Option<usize> {
        let nearest = |kind: FacilityKind| {
            let facilities = self.model.facilities.iter().enumerate();
            facilities
                .filter(|(_, f)| f.kind == kind && (f.accepts_holds || !hold))
                .min_by(|(_, a), (_, b)| a.at.distance(pos).total_cmp(&b.at.distance(pos)))
                .map(|(f, _)| f)
        };
        match nearest(kind) {
            None if hold => nearest(FacilityKind::EmergencyDepartment),
            found => found,
        }
    }

    /// Unit `u` keeps its person on a hold until a unit of `transport` comes to take
    /// them to facility `f`.
    pub(super) fn hold_for_transport(&mut self, u: usize, f: usize, transport: KindId) {
        let now = self.now();
        let i = self.units[u].incident as usize;
        let unit = &mut self.units[u];
        unit.phase = Phase::HoldWait;
        unit.handoff_since = now;
        let incident = &mut self.incidents[i];
        incident.holder = u as u32;
        incident.hold_facility = f as u16;
        self.request_hold_transport(i, transport);
    }

    /// The transport unit `u` reached the person: the unit that held them leaves, and
    /// `u` drives them to the facility.
    pub(super) fn take_hold(&mut self, u: usize) {
        let now = self.now();
        let i = self.units[u].incident as usize;
        self.count_reach(i, usize::from(self.units[u].kind));
        let incident = &mut self.incidents[i];
        let (holder, f) = (incident.holder, usize::from(incident.hold_facility));
        incident.holder = NO_UNIT;
        if holder != NO_UNIT {
            let held = now - self.units[holder as usize].handoff_since;
            if self.incidents[i].measured {
                self.rec.hold_handovers += 1;
                self.rec.hold_wait_minutes += held;
            }
            self.leave_incident(holder as usize);
        }
        self.drive_to_facility(u, f);
    }
}
