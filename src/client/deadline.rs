//! One timer of an engine: armed for an instant, disarmed, and fired once when due. The engines
//! are free of the clock, so a deadline is only an instant on the runtime's clock (nanoseconds):
//! the engine lists its armed deadlines in `next_deadline`, the runtime calls `on_timer(now)`
//! at the earliest, and the engine asks each deadline whether it [fired](Deadline::fire).
//!
//! Both clients time with it the CONNACK wait (a server that does not answer CONNECT in time
//! is given up on, MQTT 3.1.1 section 3.2 and MQTT 5 section 3.2), the reconnect delay, and,
//! inside [`KeepAlive`](crate::client::keep_alive::KeepAlive), the PINGREQ schedule and the
//! PINGRESP wait.

/// An instant something is due at, or none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deadline(Option<u64>);

impl Deadline {
    /// Not armed.
    pub const fn disarmed() -> Deadline {
        Deadline(None)
    }

    /// Arms it for `after` nanoseconds past `now`, replacing any earlier arming. The sum
    /// saturates: a timeout too long to express is "never", not an instant in the past.
    pub fn arm(&mut self, now: u64, after: u64) {
        self.0 = Some(now.saturating_add(after));
    }

    /// Disarms it.
    pub fn disarm(&mut self) {
        self.0 = None;
    }

    /// When it is due, if armed.
    pub fn at(&self) -> Option<u64> {
        self.0
    }

    /// Whether it is armed.
    pub fn is_armed(&self) -> bool {
        self.0.is_some()
    }

    /// Whether it is due at `now`. A due deadline is disarmed as it fires, so it fires once
    /// and no timer stays due after `on_timer` (the runtime would spin on it).
    pub fn fire(&mut self, now: u64) -> bool {
        let due = self.0.is_some_and(|at| at <= now);
        if due {
            self.0 = None;
        }
        due
    }
}

/// The earliest of `instants` (`None` for a timer not armed): an engine's `next_deadline`, from
/// the instants of its timers.
pub fn earliest<const N: usize>(instants: [Option<u64>; N]) -> Option<u64> {
    instants.into_iter().flatten().min()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: u64 = 1_000_000_000;

    #[test]
    fn a_connack_timeout_fires_at_its_instant_not_before_and_only_once() {
        let mut connack = Deadline::disarmed();
        connack.arm(100 * SEC, 3 * SEC);
        assert_eq!(connack.at(), Some(103 * SEC));
        assert!(!connack.fire(103 * SEC - 1));
        assert!(connack.fire(103 * SEC));
        assert!(!connack.is_armed());
        assert!(!connack.fire(104 * SEC), "fired once");
    }

    #[test]
    fn a_late_timer_still_fires() {
        let mut d = Deadline::disarmed();
        d.arm(0, SEC);
        assert!(d.fire(10 * SEC));
    }

    #[test]
    fn a_disarmed_deadline_never_fires() {
        let mut d = Deadline::disarmed();
        assert!(!d.fire(u64::MAX));
        d.arm(0, SEC);
        d.disarm();
        assert_eq!(d.at(), None);
        assert!(!d.fire(u64::MAX));
    }

    #[test]
    fn arming_again_replaces_the_instant() {
        let mut d = Deadline::disarmed();
        d.arm(0, 10 * SEC);
        d.arm(SEC, SEC);
        assert_eq!(d.at(), Some(2 * SEC));
    }

    #[test]
    fn the_next_deadline_is_the_earliest_armed_timer() {
        assert_eq!(earliest([None, Some(7), Some(3), None]), Some(3));
        assert_eq!(earliest([None, None]), None);
    }

    #[test]
    fn a_timeout_too_long_to_express_saturates_instead_of_wrapping_into_the_past() {
        let mut d = Deadline::disarmed();
        d.arm(u64::MAX - SEC, 2 * SEC);
        assert_eq!(d.at(), Some(u64::MAX));
        assert!(!d.fire(u64::MAX - 1));
    }
}
