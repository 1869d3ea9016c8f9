//! What one replication observed during its measured period: counters, time
//! integrals and histograms, all of fixed size whatever the horizon. The statistics
//! layer turns them into metrics.

use crate::histogram::Histogram;
use crate::time::Minutes;

/// Counts for a group of incidents (a call type or a zone).
#[derive(Clone, Debug, Default)]
pub struct GroupCounts {
    /// Incidents arrived.
    pub incidents: u64,
    /// Incidents with a police-role unit on scene.
    pub police_involved: u64,
    /// Incidents never dispatched by the horizon.
    pub unserved: u64,
    /// Response times (first contact, 911 or the hotline → first unit on scene), minutes.
    pub response: Histogram,
    /// Dispatch waits (911 receipt → first unit assigned) of the incidents reached, minutes.
    pub dispatch_wait: Histogram,
    /// Dispositions, in `Disposition::ALL` order.
    pub dispositions: [u64; 5],
    /// Use-of-force events.
    pub use_of_force: u64,
    /// Injury events.
    pub injuries: u64,
}

/// Which groups of incidents one incident counts in: its call type, zone, priority
/// (index into `Model::priorities`), population group (ignored without groups), and
/// the hour of the day and day of the week it arrived.
#[derive(Clone, Copy, Debug)]
pub struct Tally {
    /// Call type index.
    pub call_type: usize,
    /// Zone index.
    pub zone: usize,
    /// Priority index.
    pub priority: usize,
    /// Population group index.
    pub group: usize,
    /// Hour of the day it arrived (0 to 23).
    pub hour: usize,
    /// Day of the week it arrived (0 to 6, Monday first).
    pub weekday: usize,
}

/// Time integrals and job counts of one responder kind.
#[derive(Clone, Debug, Default)]
pub struct KindRecord {
    /// ∫ units busy while on duty dt, unit-minutes.
    pub busy_on_duty: f64,
    /// ∫ units on duty dt, unit-minutes.
    pub on_duty: f64,
    /// ∫ units busy past their shift dt, unit-minutes.
    pub overtime: f64,
    /// Jobs (crisis dispatches and background jobs) finished.
    pub jobs: u64,
    /// Busy minutes of those jobs, from assignment to availability.
    pub job_minutes: f64,
    /// Minutes out of service (spells), counted busy like jobs.
    pub spell_minutes: f64,
    /// Crisis dispatches (primary and backup) assigned to this kind.
    pub crisis_dispatches: u64,
    /// Incidents a unit of this kind reached (arrived on scene), each counted once.
    pub calls: u64,
    /// Busy minutes on crisis calls, from assignment to clearing.
    pub crisis_minutes: f64,
    /// Staffed (on-duty) unit-minutes by hour of day.
    pub on_duty_by_hour: [f64; 24],
    /// Of those, unit-minutes busy, by hour of day.
    pub busy_by_hour: [f64; 24],
    /// Minutes its units spent at facilities, waiting for a place and handing over.
    pub facility_minutes: f64,
    /// Of those, minutes waiting for a place.
    pub facility_wait_minutes: f64,
    /// Unit-shifts scheduled (counted at each shift start).
    pub scheduled_shifts: u64,
    /// Of those, left unstaffed by absence.
    pub unstaffed_shifts: u64,
    /// With a workforce, per whole 30-day month of the measured period: unit-minutes
    /// scheduled, unit-minutes on duty, and unit-minutes the trained staff could keep
    /// on the road at the relief factor (empty without a workforce).
    pub by_month: Vec<[f64; 3]>,
    /// With `burnout`: minutes of the measured period its staff were strained.
    pub strained_minutes: f64,
    /// With `burnout` and a workforce: trained and paid staff summed over the measured
    /// days from the kind's start, and those days.
    pub staff_days: (f64, f64, u64),
}

/// What a facility saw in the measured period.
#[derive(Clone, Debug)]
pub struct FacilityRecord {
    /// Transports that reached it.
    pub arrivals: u64,
    /// Of those, granted a place (or handed over, without a capacity).
    pub admitted: u64,
    /// Turned away because every place was taken.
    pub diverted: u64,
    /// Minutes from arrival to a place, summed over those granted one.
    pub wait_minutes: f64,
    /// ∫ places in use dt, place-minutes.
    pub place_minutes: f64,
    /// ∫ its occupants boarding (waiting for an inpatient bed) dt, minutes.
    pub boarding_minutes: f64,
    /// Place-minutes by hour of the week (Monday 00:00 first).
    pub occupancy_by_hour: [f64; 168],
    /// Units still waiting there at the horizon.
    pub still_waiting: u64,
}

impl Default for FacilityRecord {
    fn default() -> Self {
        FacilityRecord {
            arrivals: 0,
            admitted: 0,
            diverted: 0,
            wait_minutes: 0.0,
            place_minutes: 0.0,
            boarding_minutes: 0.0,
            occupancy_by_hour: [0.0; 168],
            still_waiting: 0,
        }
    }
}

/// Everything one replication recorded.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// Why the run ended before its horizon, if it did (the rest is then incomplete).
    pub stopped: Option<super::Stopped>,
    /// Every measured incident, when a trace is kept (`run_traced`).
    pub trace: Option<Vec<super::trace::TraceRow>>,
    /// Every background job that came in during the measured period and was taken by
    /// the horizon, when a trace is kept.
    pub background_trace: Option<Vec<super::trace::BackgroundRow>>,
    /// Kernel events handled (whole run, warm-up included).
    pub events: u64,
    /// Length of the measured period, minutes.
    pub measured_minutes: f64,
    /// Incidents that arrived in the measured period.
    pub incidents: u64,
    /// Of those, dispatched to a unit by the horizon.
    pub dispatched: u64,
    /// Of those, neither dispatched nor closed by the hotline by the horizon.
    pub unserved: u64,
    /// Of those, repeat crises of a person who had one before.
    pub repeat_crises: u64,
    /// Of those, cancelled before a unit was on scene.
    pub cancelled: u64,
    /// Of those cancelled, the ones no unit had been dispatched to.
    pub cancelled_waiting: u64,
    /// Background jobs still waiting for a unit at the horizon.
    pub backlog_background: u64,
    /// Background jobs dropped when an urgent call took their unit.
    pub preempted_background: u64,
    /// Incidents by whole 30-day month of the measured period (a partial last month is left out).
    pub incidents_by_month: Vec<u64>,
    /// Incidents by week of the whole run, warm-up included (a partial last week too).
    pub incidents_by_week: Vec<u64>,
    /// Repeat crises by week of the whole run, warm-up included.
    pub repeats_by_week: Vec<u64>,
    /// Crises that reached the hotline first.
    pub hotline_calls: u64,
    /// Hotline callers who hung up before an answer.
    pub hotline_abandoned: u64,
    /// Of those, callers who did not call 911 either (no response at all).
    pub hotline_lost: u64,
    /// Hotline calls resolved by phone.
    pub hotline_resolved: u64,
    /// Crises whose time on the hotline ended (answered and handled, or hung up).
    pub hotline_finished: u64,
    /// Their minutes on the line, from reaching it to the end of the call or the
    /// hang-up.
    pub hotline_minutes: f64,
    /// Induced calls (calls police would never have attended) that arrived.
    pub induced_calls: u64,
    /// Minutes each answered hotline caller waited.
    pub hotline_answer: Histogram,
    /// The line's ordinary contacts (not crises) that arrived.
    pub hotline_contacts: u64,
    /// Everything that reached the line (crises and ordinary contacts), and of it
    /// the callers who hung up before an answer.
    pub hotline_all: u64,
    /// Of those, hung up before an answer.
    pub hotline_all_abandoned: u64,
    /// Minutes every answered caller waited, crises and ordinary contacts alike.
    pub hotline_all_answer: Histogram,
    /// Waits for a consult line that ended (a consult began or the team gave up);
    /// a wait still open at the horizon is not counted, so the mean is not cut short.
    pub consult_waits: u64,
    /// Psychiatry consults given.
    pub consults: u64,
    /// Minutes teams waited for a consult line, over the waits that ended.
    pub consult_wait: f64,
    /// ED visits that led to an inpatient stay.
    pub hospitalizations: u64,
    /// Inpatient days of those stays.
    pub inpatient_days: f64,
    /// Response times (first contact, 911 or the hotline → first unit on scene), minutes.
    pub response: Histogram,
    /// Dispatch waits (911 receipt → first unit assigned) of the incidents reached, minutes.
    pub dispatch_wait: Histogram,
    /// Incidents with a police-role unit on scene at any time.
    pub police_involved: u64,
    /// Backup requests made.
    pub backup_requests: u64,
    /// Dispositions, in `Disposition::ALL` order.
    pub dispositions: [u64; 5],
    /// Use-of-force events.
    pub use_of_force: u64,
    /// Injury events.
    pub injuries: u64,
    /// Incidents by hour of day of arrival.
    pub incidents_by_hour: [u64; 24],
    /// By call type.
    pub by_call_type: Vec<GroupCounts>,
    /// By zone.
    pub by_zone: Vec<GroupCounts>,
    /// By priority, in the order of `Model::priorities`.
    pub by_priority: Vec<GroupCounts>,
    /// By population group, in the order of `Groups::names` (empty without groups).
    pub by_group: Vec<GroupCounts>,
    /// By hour of the day the incident arrived (24, midnight first).
    pub by_hour: Vec<GroupCounts>,
    /// By day of the week the incident arrived (7, Monday first).
    pub by_weekday: Vec<GroupCounts>,
    /// By the kind of the first unit on scene: `incidents` counts the incidents it
    /// reached first, `response` their response times; the other counts stay zero.
    pub by_first_responder: Vec<GroupCounts>,
    /// By responder kind.
    pub kinds: Vec<KindRecord>,
    /// By facility.
    pub by_facility: Vec<FacilityRecord>,
    /// Repeat crises that came within 30 days of the person's last crisis.
    pub repeats_within_30d: u64,
    /// Repeat crises that came within 365 days of the person's last crisis.
    pub repeats_within_365d: u64,
    /// People by their number of crises in the measured period: entry k counts the
    /// people with exactly k (entry 0 is unused).
    pub people_by_crises: Vec<u64>,
    /// Referred people who took follow-up up.
    pub follow_up_sought: u64,
    /// Of those, enrolled (at once or after a wait).
    pub follow_up_enrolled: u64,
    /// Of those, lost: no place within `max_wait`.
    pub follow_up_lost: u64,
    /// Minutes the enrolled waited for their place.
    pub follow_up_wait_minutes: f64,
    /// ∫ follow-up places held dt, place-minutes.
    pub follow_up_place_minutes: f64,
    /// People who came to a facility on their own.
    pub walk_ins: u64,
    /// Of those, turned away because every place was taken.
    pub walk_ins_turned_away: u64,
    /// Crises that escalated while waiting for a unit (`escalation_per_hour`).
    pub escalations: u64,
    /// Transports that were involuntary holds.
    pub holds: u64,
    /// Holds whose first unit could not transport them and waited for one that could.
    pub hold_handovers: u64,
    /// Minutes those first units waited, in all.
    pub hold_wait_minutes: f64,
    /// Transports turned away from a full facility.
    pub diversions: u64,
    /// Transports granted a place at a facility with a capacity, and their waits.
    pub facility_waits: u64,
    /// Minutes those transports waited for a place.
    pub facility_wait_minutes: f64,
}

impl Tally {
    /// Its index in each breakdown, in the order of [`Record::breakdowns`].
    fn indices(&self) -> [usize; 6] {
        [
            self.call_type,
            self.zone,
            self.priority,
            self.group,
            self.hour,
            self.weekday,
        ]
    }
}

impl Record {
    /// Every breakdown of incidents by what they arrived as, in one order.
    fn breakdowns(&mut self) -> [&mut Vec<GroupCounts>; 6] {
        [
            &mut self.by_call_type,
            &mut self.by_zone,
            &mut self.by_priority,
            &mut self.by_group,
            &mut self.by_hour,
            &mut self.by_weekday,
        ]
    }

    /// The groups incident `t` counts in (none of a breakdown left empty, such as
    /// population groups without `[[groups]]`).
    pub fn tallies(&mut self, t: Tally) -> impl Iterator<Item = &mut GroupCounts> {
        (self.breakdowns().into_iter())
            .zip(t.indices())
            .filter_map(|(groups, i)| groups.get_mut(i))
    }

    /// A measured incident's first unit, of kind `first`, arrived `minutes` after the
    /// first contact and was dispatched `wait` after the call reached 911.
    ///
    /// A breakdown of one member (one call type, one zone, one kind...) holds every
    /// such incident, so its histograms are the city's: they are copied once at the
    /// end ([`Record::share_whole_histograms`]) instead of recorded twice each time.
    pub fn incident_reached(&mut self, t: Tally, first: usize, minutes: Minutes, wait: Minutes) {
        self.response.record(minutes);
        self.dispatch_wait.record(wait);
        let by_first = &mut self.by_first_responder;
        let sole = by_first.len() == 1;
        if let Some(g) = by_first.get_mut(first) {
            g.incidents += 1;
            if !sole {
                g.response.record(minutes);
                g.dispatch_wait.record(wait);
            }
        }
        for (groups, i) in self.breakdowns().into_iter().zip(t.indices()) {
            if groups.len() > 1
                && let Some(g) = groups.get_mut(i)
            {
                g.response.record(minutes);
                g.dispatch_wait.record(wait);
            }
        }
    }

    /// Gives every breakdown of one member the city's histograms (see
    /// [`Record::incident_reached`]); called once, at the horizon.
    pub fn share_whole_histograms(&mut self) {
        let (response, wait) = (self.response.clone(), self.dispatch_wait.clone());
        let mut first = std::mem::take(&mut self.by_first_responder);
        for groups in self.breakdowns().into_iter().chain([&mut first]) {
            if let [g] = groups.as_mut_slice() {
                g.response = response.clone();
                g.dispatch_wait = wait.clone();
            }
        }
        self.by_first_responder = first;
    }

    /// A measured incident arrived, in month `month` of the measured period.
    pub fn incident_arrived(&mut self, t: Tally, month: usize) {
        self.incidents += 1;
        self.incidents_by_hour[t.hour] += 1;
        if let Some(m) = self.incidents_by_month.get_mut(month) {
            *m += 1;
        }
        self.tallies(t).for_each(|g| g.incidents += 1);
    }

    /// A measured incident was cancelled before a unit was on scene (`waiting`: before
    /// one was dispatched).
    pub fn incident_cancelled(&mut self, waiting: bool) {
        self.cancelled += 1;
        self.cancelled_waiting += u64::from(waiting);
    }

    /// A measured incident ended, with a disposition (`None`: resolved by phone) and
    /// perhaps an inpatient stay of `stay_days`.
    pub fn incident_closed(
        &mut self,
        t: Tally,
        disposition: Option<crate::model::Disposition>,
        hospital: bool,
        stay_days: f64,
    ) {
        if let Some(d) = disposition {
            self.dispositions[d as usize] += 1;
            self.tallies(t)
                .for_each(|g| g.dispositions[d as usize] += 1);
        }
        self.hospitalizations += u64::from(hospital);
        self.inpatient_days += stay_days;
    }

    /// A measured incident's disposition turned out otherwise (a full facility sent
    /// the person back).
    pub fn disposition_moved(
        &mut self,
        t: Tally,
        from: crate::model::Disposition,
        to: crate::model::Disposition,
    ) {
        let (from, to) = (from as usize, to as usize);
        self.dispositions[from] -= 1;
        self.dispositions[to] += 1;
        self.tallies(t).for_each(|g| {
            g.dispositions[from] -= 1;
            g.dispositions[to] += 1;
        });
    }

    /// A measured incident was still waiting for a unit at the horizon.
    pub fn incident_unserved(&mut self, t: Tally) {
        self.unserved += 1;
        self.tallies(t).for_each(|g| g.unserved += 1);
    }
}

/// Where an arrival came from, with the draws made for it when it arrived.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Source {
    /// A first crisis (not a repeat), prevented or not.
    Crisis {
        /// Call type index.
        call_type: u16,
        /// Zone index.
        zone: u16,
        /// It was prevented by community programs.
        prevented: bool,
    },
    /// A crisis reached the hotline first: the caller's patience (infinite when
    /// callers wait as long as it takes) and the counselor's handle time.
    Hotline {
        /// Minutes the caller waits at most.
        patience: Minutes,
        /// Minutes the call takes once answered.
        handle: Minutes,
    },
    /// A background (non-crisis) job of a responder kind and its service time.
    Background {
        /// Kind index.
        kind: u16,
        /// Minutes of work.
        service: Minutes,
    },
}

/// One arrival of any source, for checking common random numbers and for traces.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arrival {
    /// When it arrived.
    pub at: Minutes,
    /// What arrived.
    pub source: Source,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_breakdown_of_one_member_gets_the_city_histograms() {
        // One zone and one kind, two call types.
        let mut rec = Record {
            by_call_type: vec![GroupCounts::default(); 2],
            by_zone: vec![GroupCounts::default()],
            by_priority: vec![GroupCounts::default()],
            by_first_responder: vec![GroupCounts::default()],
            ..Record::default()
        };
        for (call_type, minutes) in [(0, 5.0), (1, 12.5), (1, 80.0), (0, 7.25)] {
            let t = Tally {
                call_type,
                zone: 0,
                priority: 0,
                group: 0,
                hour: 0,
                weekday: 0,
            };
            rec.incident_reached(t, 0, minutes, minutes / 5.0);
        }
        rec.share_whole_histograms();
        for whole in [
            &rec.by_zone[0],
            &rec.by_priority[0],
            &rec.by_first_responder[0],
        ] {
            assert_eq!(whole.response, rec.response);
            assert_eq!(whole.dispatch_wait, rec.dispatch_wait);
        }
        assert_eq!(rec.by_first_responder[0].incidents, 4);
        let types = &rec.by_call_type;
        assert_eq!(
            (types[0].response.count(), types[1].response.count()),
            (2, 2)
        );
        assert_eq!(types[1].response.mean(), 46.25);
        assert_eq!(rec.response.count(), 4);
    }
}
