//! A kind's free units, in the order dispatch has always kept them (a list that takes
//! new units at its end and closes a gap with its last one), indexed so that the
//! nearest free unit is found without measuring each.
//!
//! Dispatch sends the nearest acceptable unit and, among equally near ones, the one
//! earliest in the list. A unit parked at its home is as near as its home, so the
//! units parked at each home are kept together with their places in the list: the
//! earliest of them stands for them all. Only units still driving home are measured
//! one by one, and each joins its home's group once its drive is over. The search
//! costs one look per home and per unit on the road home, whatever the size of the
//! fleet, and picks exactly the unit a walk down the list would.

use crate::model::Point;
use crate::time::Minutes;

const NOWHERE: u32 = u32::MAX;

/// Where a free unit is kept.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Place {
    /// Not free.
    Busy,
    /// Parked at its home.
    Parked,
    /// On the road home, at this index of `moving`.
    Moving(u32),
}

/// A set of list indices below a fixed bound, as bits: adding and removing one is a
/// bit flip, and the least is found a word (64 indices) at a time.
#[derive(Clone, Debug)]
struct Indices {
    words: Vec<u64>,
    /// No index below word `from` is in the set.
    from: usize,
}

impl Indices {
    fn new(bound: usize) -> Self {
        Indices {
            words: vec![0; bound.div_ceil(64)],
            from: 0,
        }
    }

    fn insert(&mut self, i: u32) {
        let w = i as usize / 64;
        self.words[w] |= 1 << (i % 64);
        self.from = self.from.min(w);
    }

    fn remove(&mut self, i: u32) {
        self.words[i as usize / 64] &= !(1 << (i % 64));
    }

    fn first(&self) -> Option<u32> {
        let skip = self.words[self.from..].iter().position(|w| *w != 0)?;
        let w = self.from + skip;
        Some((w * 64) as u32 + self.words[w].trailing_zeros())
    }

    /// Moves `from` up to the first word in use, so the next search starts there.
    fn tighten(&mut self) {
        while self.from < self.words.len() && self.words[self.from] == 0 {
            self.from += 1;
        }
    }
}

/// The free units of one kind.
#[derive(Clone, Debug)]
pub(super) struct Idle {
    /// Unit numbers in dispatch order.
    list: Vec<u32>,
    /// The kind's first unit number: unit `u` is entry `u - first` below.
    first: usize,
    /// Each unit's index in `list` (`NOWHERE` when not free).
    slot: Vec<u32>,
    place: Vec<Place>,
    /// Each unit's home (an index into `homes`).
    home_of: Vec<u16>,
    /// Where each home is.
    homes: Vec<Point>,
    /// By home: the list indices of the units parked there.
    parked: Vec<Indices>,
    /// Units on the road home, with when they get there (infinite: never, for a unit
    /// left away from home).
    moving: Vec<(u32, Minutes)>,
}

impl Idle {
    /// No unit free yet; unit `first + i` lives at `homes[home_of[i]]`.
    pub(super) fn new(first: usize, home_of: Vec<u16>, homes: Vec<Point>) -> Self {
        let n = home_of.len();
        Idle {
            list: Vec::with_capacity(n),
            first,
            slot: vec![NOWHERE; n],
            place: vec![Place::Busy; n],
            home_of,
            parked: vec![Indices::new(n); homes.len()],
            homes,
            moving: Vec::new(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.list.len()
    }

    /// Unit `u` is free; it reaches its home at `home_at` (minus infinity: it is
    /// there, infinity: it is not driving there).
    pub(super) fn push(&mut self, u: u32, home_at: Minutes) {
        let e = u as usize - self.first;
        let at = self.list.len() as u32;
        self.list.push(u);
        self.slot[e] = at;
        if home_at == f64::NEG_INFINITY {
            self.parked[usize::from(self.home_of[e])].insert(at);
            self.place[e] = Place::Parked;
        } else {
            self.place[e] = Place::Moving(self.moving.len() as u32);
            self.moving.push((u, home_at));
        }
    }

    /// Takes the last free unit.
    pub(super) fn pop(&mut self) -> Option<u32> {
        let last = self.list.len().checked_sub(1)?;
        Some(self.swap_remove(last))
    }

    /// Takes unit `u` off the list if it is free.
    pub(super) fn remove(&mut self, u: usize) {
        let at = self.slot[u - self.first];
        if at != NOWHERE {
            self.swap_remove(at as usize);
        }
    }

    /// Takes the unit at index `at`; the last unit takes its place.
    pub(super) fn swap_remove(&mut self, at: usize) -> u32 {
        let u = self.list[at];
        self.forget(u, at as u32);
        let last = self.list.len() - 1;
        if at != last {
            let moved = self.list[last];
            let e = moved as usize - self.first;
            if self.place[e] == Place::Parked {
                let set = &mut self.parked[usize::from(self.home_of[e])];
                set.remove(last as u32);
                set.insert(at as u32);
            }
            self.slot[e] = at as u32;
        }
        self.list.swap_remove(at);
        u
    }

    /// Drops unit `u`, at list index `at`, from its home's group or the road.
    fn forget(&mut self, u: u32, at: u32) {
        let e = u as usize - self.first;
        match self.place[e] {
            Place::Parked => {
                self.parked[usize::from(self.home_of[e])].remove(at);
            }
            Place::Moving(m) => self.leave_road(m as usize),
            Place::Busy => {}
        }
        self.place[e] = Place::Busy;
        self.slot[e] = NOWHERE;
    }

    fn leave_road(&mut self, m: usize) {
        self.moving.swap_remove(m);
        if let Some(&(other, _)) = self.moving.get(m) {
            self.place[other as usize - self.first] = Place::Moving(m as u32);
        }
    }

    /// Parks the units whose drive home is over by `now`.
    pub(super) fn settle(&mut self, now: Minutes) {
        self.parked.iter_mut().for_each(Indices::tighten);
        let mut m = 0;
        while m < self.moving.len() {
            let (u, home_at) = self.moving[m];
            if home_at > now {
                m += 1;
                continue;
            }
            self.leave_road(m);
            let e = u as usize - self.first;
            self.place[e] = Place::Parked;
            self.parked[usize::from(self.home_of[e])].insert(self.slot[e]);
        }
    }

    /// The free unit with the least `measure` of where it is (`None`: not acceptable),
    /// the earliest in the list among equals, as `(measure, list index)`. `position`
    /// says where a unit on the road is; a parked unit is at its home.
    pub(super) fn nearest(
        &self,
        mut measure: impl FnMut(Point) -> Option<f64>,
        position: impl Fn(u32) -> Point,
    ) -> Option<(f64, usize)> {
        let mut best: Option<(f64, u32)> = None;
        let mut offer = |d: f64, at: u32| {
            if best.is_none_or(|(bd, ba)| d < bd || (d == bd && at < ba)) {
                best = Some((d, at));
            }
        };
        for (home, set) in self.parked.iter().enumerate() {
            if let Some(at) = set.first()
                && let Some(d) = measure(self.homes[home])
            {
                offer(d, at);
            }
        }
        for &(u, _) in &self.moving {
            if let Some(d) = measure(position(u)) {
                offer(d, self.slot[u as usize - self.first]);
            }
        }
        best.map(|(d, at)| (d, at as usize))
    }

    /// The units free, in list order.
    #[cfg(test)]
    fn units(&self) -> &[u32] {
        &self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(x: f64) -> Point {
        Point { x, y: 0.0 }
    }

    /// The list a plain vector with swap-remove keeps, and the walk down it.
    fn walk(list: &[u32], at: &dyn Fn(u32) -> f64, to: f64) -> Option<(f64, usize)> {
        let mut best: Option<(f64, usize)> = None;
        for (i, &u) in list.iter().enumerate() {
            let d = (at(u) - to).abs();
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, i));
            }
        }
        best
    }

    #[test]
    fn finds_what_a_walk_down_the_list_finds() {
        // Units 10..30 live at three homes; some drive home until t = 5.
        let home_of: Vec<u16> = (0..20).map(|i| (i % 3) as u16).collect();
        let homes = vec![point(0.0), point(4.0), point(9.0)];
        let mut idle = Idle::new(10, home_of.clone(), homes.clone());
        let mut plain: Vec<u32> = Vec::new();
        let road = |u: u32| point(f64::from(u) / 2.0);
        let mut rng = 12345u64;
        let mut next = |n: u64| {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (rng >> 33) % n
        };
        for step in 0..2000 {
            let now = step as f64 / 200.0;
            idle.settle(now);
            let where_is = |u: u32| {
                let e = u as usize - 10;
                if u.is_multiple_of(4) && now < 5.0 {
                    road(u).x
                } else {
                    homes[home_of[e] as usize].x
                }
            };
            match next(3) {
                0 if plain.len() < 20 => {
                    let free: Vec<u32> = (10..30).filter(|u| !plain.contains(u)).collect();
                    let u = free[next(free.len() as u64) as usize];
                    let home_at = if u.is_multiple_of(4) && now < 5.0 {
                        5.0
                    } else {
                        f64::NEG_INFINITY
                    };
                    idle.push(u, home_at);
                    plain.push(u);
                }
                1 if !plain.is_empty() => {
                    let to = next(10) as f64;
                    let got = idle.nearest(|p| Some((p.x - to).abs()), |u| point(where_is(u)));
                    assert_eq!(got, walk(&plain, &where_is, to), "step {step}");
                    let (_, at) = got.expect("a unit is free");
                    assert_eq!(idle.swap_remove(at), plain.swap_remove(at));
                }
                _ => {
                    if let Some(u) = plain.pop() {
                        assert_eq!(idle.pop(), Some(u));
                    }
                }
            }
            assert_eq!(idle.units(), plain.as_slice());
        }
    }

    #[test]
    fn removes_a_named_unit_and_skips_unacceptable_homes() {
        let mut idle = Idle::new(0, vec![0, 1, 1], vec![point(0.0), point(10.0)]);
        for u in 0..3 {
            idle.push(u, f64::NEG_INFINITY);
        }
        idle.remove(0);
        idle.remove(0);
        assert_eq!(idle.units(), &[2, 1]);
        let near_zero = |p: Point| (p.x < 5.0).then_some(p.x);
        assert_eq!(idle.nearest(near_zero, |_| point(0.0)), None);
        assert_eq!(idle.nearest(|p| Some(p.x), |_| point(0.0)), Some((10.0, 0)));
    }
}
