//! The I/O handlers registered with one loop, found by their `mio::Token`.
//!
//! A token is a slot index in the low 32 bits and the slot's generation in the high bits, so an
//! event still queued for a source deregistered in the same tick never reaches a handler
//! registered later in the reused slot. While a handler runs it is out of its slot (the slot is
//! marked busy), so the handler may register, reregister or deregister anything, itself too:
//! deregistering a running handler frees its slot once it returns.

use crate::runtime::event_loop::IoHandler;

/// What a slot holds.
enum Slot {
    /// Free for the next registration.
    Vacant,
    /// A registered handler, waiting for events.
    Idle(IoHandler),
    /// Its handler is running (taken out of the table).
    Busy,
    /// Its handler is running and was deregistered meanwhile: freed when it returns.
    BusyDeregistered,
}

/// The handler table.
#[derive(Default)]
pub struct IoHandlers {
    /// Each slot and its generation, bumped whenever the slot is freed.
    slots: Vec<(u32, Slot)>,
    free: Vec<u32>,
}

fn token(index: u32, generation: u32) -> mio::Token {
    mio::Token(((generation as usize) << 32) | index as usize)
}

fn parts(token: mio::Token) -> (usize, u32) {
    ((token.0 & 0xffff_ffff), (token.0 >> 32) as u32)
}

impl IoHandlers {
    /// Stores a handler and returns the token its events will carry.
    pub fn insert(&mut self, handler: IoHandler) -> mio::Token {
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                self.slots.push((0, Slot::Vacant));
                (self.slots.len() - 1) as u32
            }
        };
        let slot = &mut self.slots[index as usize];
        slot.1 = Slot::Idle(handler);
        token(index, slot.0)
    }

    /// True when `token` names a registered handler (running or not).
    pub fn contains(&self, token: mio::Token) -> bool {
        let (index, generation) = parts(token);
        self.slots
            .get(index)
            .is_some_and(|(g, slot)| *g == generation && matches!(slot, Slot::Idle(_) | Slot::Busy))
    }

    /// Takes the handler for an event out of its slot, marking the slot busy; `None` for a
    /// stale or unknown token, or a handler already running.
    pub fn begin(&mut self, token: mio::Token) -> Option<IoHandler> {
        let (index, generation) = parts(token);
        let (g, slot) = self.slots.get_mut(index)?;
        if *g != generation || !matches!(slot, Slot::Idle(_)) {
            return None;
        }
        match std::mem::replace(slot, Slot::Busy) {
            Slot::Idle(handler) => Some(handler),
            _ => None,
        }
    }

    /// Puts a handler back after it ran; returns it when it was deregistered meanwhile (for the
    /// caller to drop outside any borrow of the table).
    pub fn end(&mut self, token: mio::Token, handler: IoHandler) -> Option<IoHandler> {
        let (index, _) = parts(token);
        let deregistered = match self.slots.get_mut(index) {
            Some((_, slot @ Slot::Busy)) => {
                *slot = Slot::Idle(handler);
                return None;
            }
            Some((_, Slot::BusyDeregistered)) => true,
            _ => false,
        };
        if deregistered {
            self.release(index);
        }
        Some(handler)
    }

    /// Removes a registration: returns its handler if it was idle; a running one is freed when
    /// it returns. `Err` for a stale or unknown token.
    pub fn remove(&mut self, token: mio::Token) -> Result<Option<IoHandler>, ()> {
        let (index, generation) = parts(token);
        let Some((g, slot)) = self.slots.get_mut(index) else {
            return Err(());
        };
        if *g != generation {
            return Err(());
        }
        match slot {
            Slot::Idle(_) => {
                let Slot::Idle(handler) = std::mem::replace(slot, Slot::Vacant) else {
                    unreachable!("matched Idle above");
                };
                self.release(index);
                Ok(Some(handler))
            }
            Slot::Busy => {
                *slot = Slot::BusyDeregistered;
                Ok(None)
            }
            Slot::Vacant | Slot::BusyDeregistered => Err(()),
        }
    }

    /// Takes every idle handler out (at shutdown).
    pub fn take_all(&mut self) -> Vec<IoHandler> {
        let mut handlers = Vec::new();
        for index in 0..self.slots.len() {
            if matches!(self.slots[index].1, Slot::Idle(_)) {
                if let Slot::Idle(h) = std::mem::replace(&mut self.slots[index].1, Slot::Vacant) {
                    handlers.push(h);
                }
                self.release(index);
            }
        }
        handlers
    }

    fn release(&mut self, index: usize) {
        let (generation, slot) = &mut self.slots[index];
        *slot = Slot::Vacant;
        *generation = generation.wrapping_add(1);
        self.free.push(index as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noop() -> IoHandler {
        Box::new(|_| {})
    }

    #[test]
    fn a_freed_slot_is_reused_under_a_new_token() {
        let mut t = IoHandlers::default();
        let a = t.insert(noop());
        assert!(t.remove(a).unwrap().is_some());
        let b = t.insert(noop());
        assert_ne!(a, b);
        assert!(!t.contains(a));
        assert!(t.contains(b));
        assert!(t.begin(a).is_none());
    }

    #[test]
    fn a_handler_deregistered_while_running_is_freed_when_it_returns() {
        let mut t = IoHandlers::default();
        let a = t.insert(noop());
        let h = t.begin(a).unwrap();
        assert!(t.begin(a).is_none());
        assert_eq!(t.remove(a).map(|h| h.is_none()), Ok(true));
        assert!(t.end(a, h).is_some());
        assert!(!t.contains(a));
        assert!(t.remove(a).is_err());
    }

    #[test]
    fn a_handler_that_stays_registered_goes_back_to_its_slot() {
        let mut t = IoHandlers::default();
        let a = t.insert(noop());
        let h = t.begin(a).unwrap();
        assert!(t.end(a, h).is_none());
        assert!(t.begin(a).is_some());
    }

    #[test]
    fn take_all_empties_the_table() {
        let mut t = IoHandlers::default();
        let a = t.insert(noop());
        let _b = t.insert(noop());
        assert_eq!(t.take_all().len(), 2);
        assert!(!t.contains(a));
    }
}
