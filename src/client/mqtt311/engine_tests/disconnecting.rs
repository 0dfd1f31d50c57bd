//! Disconnecting: the user's DISCONNECT, and the connection's destruction.

use super::*;

#[test]
fn disconnect_sends_disconnect_then_reports_disconnected_once_closed_mqtt_3_14() {
    let mut h = Harness::connected(settings(), false);
    h.engine.disconnect().unwrap();
    assert_eq!(h.engine.state(), State::Disconnecting);
    assert_eq!(h.sent(), [Packet::Disconnect(Default::default())]);
    assert_eq!(h.action(), Some(Action::Close));
    h.closed(None);
    assert_eq!(h.engine.state(), State::Disconnected);
    assert!(matches!(h.take_events()[..], [Event::Disconnected]));
    h.advance(600 * SEC);
    assert_eq!(h.action(), None, "no reconnect after a user disconnect");
}

#[test]
fn disconnect_while_waiting_to_reconnect_finishes_at_once() {
    let mut h = Harness::connected(settings(), false);
    h.closed(None);
    h.take_events();
    h.engine.disconnect().unwrap();
    assert!(matches!(h.take_events()[..], [Event::Disconnected]));
    h.advance(600 * SEC);
    assert_eq!(h.action(), None);
}

#[test]
fn disconnect_when_not_connected_fails_with_not_connected() {
    let mut h = Harness::new();
    assert_eq!(h.engine.disconnect(), Err(Failure::NotConnected));
}

#[test]
fn shutting_down_fails_every_unfinished_operation_with_connection_destroyed() {
    let mut s = settings();
    s.clean_session = false;
    let mut h = Harness::new();
    h.engine.connect(s);
    h.publish(1, QoS::AtLeastOnce, 1);
    h.engine.shut_down();
    assert_eq!(
        completions(&h.take_events()),
        [(1, 1, Outcome::Failed(Failure::ConnectionDestroyed))]
    );
}
