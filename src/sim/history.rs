//! A crisis history before day 0 (`[people] history`), so a run starts near the
//! stationary state instead of an empty city whose repeat crises build up over the
//! warm-up. First crises arrive over the `history` at the mean first-crisis rate;
//! each person (with their risk class) has further crises with the chance their class
//! has under the scenario's first choices on day 0, after `repeat_delay` draws; the
//! repeats still due at day 0 are set, with each person's last crisis known. The
//! history has a stream of its own (`History`), so it changes no other draw.

use rand::RngExt;
use rand_distr::{Distribution, Exp};

use super::people::{PendingRepeat, Person, Someone, class_of};
use super::{Event, Sim, demand};
use crate::rng::{Stream, stream};
use crate::time::Minutes;

/// History people are numbered from here, apart from those the run itself meets.
const HISTORY_PEOPLE: u64 = 1 << 47;

/// Crises of one history person at most.
const MAX_CHAIN: u32 = 100_000;

impl Sim<'_> {
    /// Generates the history and sets the repeats it leaves due on or after day 0.
    pub(super) fn start_history(&mut self) {
        let model = self.model;
        let length = model.people.history;
        let rate = model.demand.rate_by_hour.iter().sum::<f64>() / 168.0;
        if length <= 0.0 || rate <= 0.0 {
            return;
        }
        let Ok(gaps) = Exp::new(rate) else {
            return;
        };
        let chances: Vec<f64> = (0..model.people.classes.len())
            .map(|c| model.first_choice_repeat_chance(c))
            .collect();
        let mut rng = stream(self.seed, Stream::History, 0);
        let mut t = -length + gaps.sample(&mut rng);
        let mut person = HISTORY_PEOPLE;
        while t < 0.0 {
            person += 1;
            let class = class_of(&model.people, self.seed, person);
            let q = chances.get(usize::from(class)).copied().unwrap_or(0.0);
            let stretch = model.people.delay_factor(usize::from(class));
            let (mut last, mut crisis) = (t, 0u32);
            // A chain of zero-length delays would never reach day 0: cut it.
            while crisis < MAX_CHAIN && rng.random::<f64>() < q {
                let next = last + stretch * model.prevention.repeat_delay.sample(&mut rng);
                crisis += 1;
                if next >= 0.0 {
                    self.set_from_history(person, class, (last, next), crisis, &mut rng);
                    break;
                }
                last = next;
            }
            t += gaps.sample(&mut rng);
        }
    }

    /// A history person of `class`, whose last crisis came at `last`, has their
    /// `crisis`-th crisis due at `next`.
    fn set_from_history(
        &mut self,
        person: u64,
        class: u8,
        (last, next): (Minutes, Minutes),
        crisis: u32,
        rng: &mut crate::rng::SimRng,
    ) {
        let model = self.model;
        let zone = demand::pick(&model.demand.zone_cdf, rng.random());
        let pos = demand::place(model, zone, rng);
        // Drawn only where repeats may keep it, so other histories stay as they were.
        let call_type = if model.people.usual_call_type > 0.0 {
            demand::pick(&model.demand.call_type_cdf, rng.random()) as u16
        } else {
            0
        };
        let mut known = Person::new(person, class, last);
        (known.group, known.interpreter) =
            super::people::group_of(&model.groups, self.seed, person, zone);
        known.pending = true;
        let slot = self.people.known.insert(known) as u32;
        let repeat = PendingRepeat {
            person: Someone {
                number: person,
                slot,
            },
            crisis,
            zone: zone as u16,
            pos,
            call_type,
            follow_up_draw: self.follow_up_draw(person, crisis),
        };
        if let Some(at) = self.repeats.push(next, repeat) {
            self.sched.schedule(at, Event::Repeat);
        }
    }
}
