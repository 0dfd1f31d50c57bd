//! Keep alive, for both clients: when a PINGREQ is due, and when a PINGREQ left unanswered
//! fails the connection.
//!
//! The client must not stay silent longer than the Keep Alive: with nothing else to send it
//! sends a PINGREQ (MQTT 3.1.1 [MQTT-3.1.2-23], MQTT 5 [MQTT-3.1.2-20]; in MQTT 5 the server's
//! Server Keep Alive replaces the client's [MQTT-3.2.2-21]). A PINGRESP that does not come back
//! within the ping timeout means the connection is dead: the client closes it (section 3.1.2.10
//! of both versions). [MQTT-3.1.2-24] is the server's half of the same rule.
//!
//! Where the interval counts from is the one difference between the clients, kept as each
//! upstream has it ([`PingSchedule`]). The engine reports the connection going up and down,
//! packets and PINGREQs written and PINGRESPs received, and asks on its timer whether a PINGREQ
//! is due or the PINGRESP overdue; what each means for the connection is the engine's.

use crate::client::deadline::Deadline;

/// Where the keep-alive interval counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PingSchedule {
    /// From the last packet written, so traffic pushes the PINGREQ back, and none is due while
    /// one is unanswered (upstream's MQTT 3.1.1 connection).
    AfterLastPacket,
    /// Every interval from the connection (and from each PINGREQ that falls due), whatever
    /// else is written (upstream's MQTT 5 client).
    Periodic,
}

/// The keep-alive timers of one connection.
#[derive(Debug)]
pub struct KeepAlive {
    schedule: PingSchedule,
    /// Nanoseconds; 0 while stopped or when the keep alive is off.
    interval: u64,
    /// When the next PINGREQ is due (armed while connected with a non-zero interval).
    next_ping: Deadline,
    /// When the PINGRESP to the last PINGREQ is overdue.
    pingresp: Deadline,
}

impl KeepAlive {
    /// Stopped, scheduling as `schedule` says once started.
    pub const fn new(schedule: PingSchedule) -> KeepAlive {
        KeepAlive {
            schedule,
            interval: 0,
            next_ping: Deadline::disarmed(),
            pingresp: Deadline::disarmed(),
        }
    }

    /// The connection is up at `now` with a keep alive of `interval` nanoseconds (0: off): the
    /// first PINGREQ is due one interval from now, and no PINGRESP is awaited.
    pub fn start(&mut self, now: u64, interval: u64) {
        self.interval = interval;
        self.pingresp.disarm();
        self.next_ping.disarm();
        if interval > 0 {
            self.next_ping.arm(now, interval);
        }
    }

    /// The connection is going or gone: nothing is due any more.
    pub fn stop(&mut self) {
        self.interval = 0;
        self.next_ping.disarm();
        self.pingresp.disarm();
    }

    /// A packet was written at `now`: with [`PingSchedule::AfterLastPacket`] the next PINGREQ
    /// is due one interval later.
    pub fn packet_sent(&mut self, now: u64) {
        if self.schedule == PingSchedule::AfterLastPacket && self.next_ping.is_armed() {
            self.next_ping.arm(now, self.interval);
        }
    }

    /// A PINGREQ was written at `now` (the keep alive's or one the user asked for): without a
    /// PINGRESP within `timeout` nanoseconds the connection is to close. A later PINGREQ
    /// restarts the wait, as upstream's do.
    pub fn pingreq_sent(&mut self, now: u64, timeout: u64) {
        self.pingresp.arm(now, timeout);
    }

    /// The PINGRESP came.
    pub fn pingresp_received(&mut self) {
        self.pingresp.disarm();
    }

    /// When the next PINGREQ is due, if one is scheduled.
    pub fn next_ping_at(&self) -> Option<u64> {
        match self.schedule {
            PingSchedule::AfterLastPacket if self.pingresp.is_armed() => None,
            _ => self.next_ping.at(),
        }
    }

    /// When the awaited PINGRESP is overdue, if one is awaited.
    pub fn pingresp_deadline(&self) -> Option<u64> {
        self.pingresp.at()
    }

    /// Whether a PINGREQ is due at `now`. If so the next is scheduled one interval from now;
    /// the engine writes the PINGREQ and reports it with [`pingreq_sent`](Self::pingreq_sent).
    pub fn ping_due(&mut self, now: u64) -> bool {
        if self.next_ping_at().is_none_or(|at| at > now) {
            return false;
        }
        self.next_ping.arm(now, self.interval);
        true
    }

    /// Whether the PINGRESP is overdue at `now`: the wait ends (it reports once), and the
    /// engine fails the connection.
    pub fn pingresp_overdue(&mut self, now: u64) -> bool {
        self.pingresp.fire(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PingSchedule::{AfterLastPacket, Periodic};

    const SEC: u64 = 1_000_000_000;
    const T0: u64 = 1_000 * SEC;

    fn started(schedule: PingSchedule) -> KeepAlive {
        let mut k = KeepAlive::new(schedule);
        k.start(T0, 60 * SEC);
        k
    }

    #[test]
    fn an_idle_connection_pings_one_interval_after_it_came_up_mqtt_3_1_2_23() {
        for schedule in [AfterLastPacket, Periodic] {
            let mut k = started(schedule);
            assert_eq!(k.next_ping_at(), Some(T0 + 60 * SEC));
            assert!(!k.ping_due(T0 + 60 * SEC - 1), "{schedule:?}");
            assert!(k.ping_due(T0 + 60 * SEC), "{schedule:?}");
            assert!(!k.ping_due(T0 + 60 * SEC), "{schedule:?}: once");
            assert_eq!(k.next_ping_at(), Some(T0 + 120 * SEC), "{schedule:?}");
        }
    }

    #[test]
    fn a_keep_alive_of_zero_never_pings() {
        for schedule in [AfterLastPacket, Periodic] {
            let mut k = KeepAlive::new(schedule);
            k.start(T0, 0);
            k.packet_sent(T0 + SEC);
            assert_eq!(k.next_ping_at(), None);
            assert!(!k.ping_due(u64::MAX));
        }
    }

    #[test]
    fn after_the_last_packet_traffic_pushes_the_ping_back_mqtt_3_1_2_23() {
        let mut k = started(AfterLastPacket);
        k.packet_sent(T0 + 30 * SEC);
        assert!(!k.ping_due(T0 + 60 * SEC));
        assert_eq!(k.next_ping_at(), Some(T0 + 90 * SEC));
    }

    #[test]
    fn periodic_pings_ignore_traffic_mqtt_3_1_2_20() {
        let mut k = started(Periodic);
        k.packet_sent(T0 + 30 * SEC);
        assert!(k.ping_due(T0 + 60 * SEC));
    }

    #[test]
    fn after_the_last_packet_no_ping_is_due_while_one_is_unanswered() {
        let mut k = started(AfterLastPacket);
        assert!(k.ping_due(T0 + 60 * SEC));
        k.pingreq_sent(T0 + 60 * SEC, 90 * SEC);
        k.packet_sent(T0 + 60 * SEC);
        assert_eq!(k.next_ping_at(), None);
        assert!(!k.ping_due(T0 + 130 * SEC));
        k.pingresp_received();
        assert_eq!(k.next_ping_at(), Some(T0 + 120 * SEC));
    }

    #[test]
    fn periodic_pings_fall_due_even_while_one_is_unanswered() {
        let mut k = started(Periodic);
        assert!(k.ping_due(T0 + 60 * SEC));
        k.pingreq_sent(T0 + 60 * SEC, 90 * SEC);
        assert!(k.ping_due(T0 + 120 * SEC));
    }

    #[test]
    fn a_pingresp_not_back_within_the_timeout_is_overdue_once() {
        for schedule in [AfterLastPacket, Periodic] {
            let mut k = started(schedule);
            k.pingreq_sent(T0 + 60 * SEC, 3 * SEC);
            assert_eq!(k.pingresp_deadline(), Some(T0 + 63 * SEC));
            assert!(!k.pingresp_overdue(T0 + 63 * SEC - 1));
            assert!(k.pingresp_overdue(T0 + 63 * SEC));
            assert!(!k.pingresp_overdue(T0 + 64 * SEC), "{schedule:?}: once");
        }
    }

    #[test]
    fn a_pingresp_in_time_ends_the_wait() {
        let mut k = started(Periodic);
        k.pingreq_sent(T0, 3 * SEC);
        k.pingresp_received();
        assert_eq!(k.pingresp_deadline(), None);
        assert!(!k.pingresp_overdue(u64::MAX));
    }

    #[test]
    fn a_later_pingreq_restarts_the_pingresp_wait() {
        let mut k = started(AfterLastPacket);
        k.pingreq_sent(T0, 3 * SEC);
        k.pingreq_sent(T0 + 2 * SEC, 3 * SEC);
        assert!(!k.pingresp_overdue(T0 + 3 * SEC));
        assert!(k.pingresp_overdue(T0 + 5 * SEC));
    }

    #[test]
    fn stopping_cancels_the_ping_and_the_pingresp_wait() {
        let mut k = started(Periodic);
        k.pingreq_sent(T0, 3 * SEC);
        k.stop();
        k.packet_sent(T0 + SEC);
        assert_eq!((k.next_ping_at(), k.pingresp_deadline()), (None, None));
        assert!(!k.ping_due(u64::MAX) && !k.pingresp_overdue(u64::MAX));
    }

    #[test]
    fn starting_again_forgets_the_last_connections_pingresp_wait() {
        let mut k = started(AfterLastPacket);
        k.pingreq_sent(T0, 3 * SEC);
        k.start(T0 + SEC, 10 * SEC);
        assert_eq!(k.pingresp_deadline(), None);
        assert_eq!(k.next_ping_at(), Some(T0 + 11 * SEC));
    }
}
