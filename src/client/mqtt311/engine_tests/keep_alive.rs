//! Keep alive: PINGREQ after the keep alive without traffic, and a missing PINGRESP ending the
//! connection.

use super::*;

#[test]
fn an_idle_connection_sends_pingreq_after_the_keep_alive_mqtt_3_1_2_23() {
    let mut h = Harness::connected(settings(), false);
    h.advance(60 * SEC - 1);
    assert!(h.sent().is_empty());
    h.advance(1);
    assert_eq!(h.sent(), [Packet::Pingreq]);
    h.server(Packet::Pingresp);
    h.advance(59 * SEC);
    assert!(h.sent().is_empty());
    h.advance(SEC);
    assert_eq!(h.sent(), [Packet::Pingreq]);
}

#[test]
fn traffic_pushes_the_next_pingreq_back() {
    let mut h = Harness::connected(settings(), false);
    h.advance(30 * SEC);
    h.publish(1, QoS::AtMostOnce, 1);
    h.sent();
    h.advance(59 * SEC);
    assert!(h.sent().is_empty());
    h.advance(SEC);
    assert_eq!(h.sent(), [Packet::Pingreq]);
}

#[test]
fn no_pingresp_within_the_ping_timeout_interrupts_with_timeout() {
    let mut h = Harness::connected(settings(), false);
    h.advance(60 * SEC);
    assert_eq!(h.sent(), [Packet::Pingreq]);
    h.advance(3 * SEC);
    assert_eq!(h.action(), Some(Action::Close));
    h.closed(None);
    assert!(matches!(
        h.take_events()[..],
        [Event::Interrupted {
            error: Failure::Timeout
        }]
    ));
}
