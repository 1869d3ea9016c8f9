//! A slab whose entries may each be named by one pending kernel event. An entry taken
//! out while its event is pending stays behind as a tombstone until that event fires,
//! so a slot is never reused while an event names it: an event always finds either
//! its own entry or its tombstone, never a newcomer that happens to share the slot.

use slab::Slab;

struct Slot<T> {
    value: Option<T>,
    /// An event naming this slot is pending.
    armed: bool,
}

/// Entries addressed by slot number, with tombstones for events still pending.
pub(super) struct Slots<T> {
    slab: Slab<Slot<T>>,
}

impl<T> Slots<T> {
    pub(super) fn new() -> Self {
        Slots { slab: Slab::new() }
    }

    /// Stores `value` in a free slot and returns the slot.
    pub(super) fn insert(&mut self, value: T) -> usize {
        self.slab.insert(Slot {
            value: Some(value),
            armed: false,
        })
    }

    /// The live entry in `slot`, if any.
    pub(super) fn get(&self, slot: usize) -> Option<&T> {
        self.slab.get(slot).and_then(|s| s.value.as_ref())
    }

    /// The live entry in `slot`, if any, to change.
    pub(super) fn get_mut(&mut self, slot: usize) -> Option<&mut T> {
        self.slab.get_mut(slot).and_then(|s| s.value.as_mut())
    }

    /// Notes that an event naming `slot` is now pending (one at a time).
    pub(super) fn arm(&mut self, slot: usize) {
        if let Some(s) = self.slab.get_mut(slot) {
            debug_assert!(!s.armed, "slot {slot} already has a pending event");
            s.armed = true;
        }
    }

    /// Takes the entry out; the slot is freed now, or when its pending event fires.
    pub(super) fn take(&mut self, slot: usize) -> Option<T> {
        let s = self.slab.get_mut(slot)?;
        let value = s.value.take();
        if !s.armed {
            self.slab.remove(slot);
        }
        value
    }

    /// The event naming `slot` fired: true if its entry is still live; a tombstone is
    /// freed and gives false.
    pub(super) fn fire(&mut self, slot: usize) -> bool {
        let Some(s) = self.slab.get_mut(slot) else {
            return false;
        };
        s.armed = false;
        if s.value.is_some() {
            return true;
        }
        self.slab.remove(slot);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_is_not_reused_while_its_event_is_pending() {
        let mut s = Slots::new();
        let a = s.insert("a");
        s.arm(a);
        assert_eq!(s.take(a), Some("a"));
        let b = s.insert("b");
        assert_ne!(a, b, "the tombstone keeps slot a");
        assert!(!s.fire(a), "a's event finds its tombstone");
        let c = s.insert("c");
        assert_eq!(c, a, "freed once the event fired");
        s.arm(c);
        assert!(s.fire(c));
        assert_eq!(s.get(c), Some(&"c"));
        assert_eq!(s.take(c), Some("c"));
        assert_eq!(s.get(b), Some(&"b"));
    }
}
