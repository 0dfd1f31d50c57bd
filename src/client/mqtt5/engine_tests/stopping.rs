//! Stopping: the user's DISCONNECT, stopping while connected, offline or waiting to reconnect,
//! and terminating.

use super::*;

#[test]
fn stop_with_a_disconnect_writes_it_then_reports_disconnection_and_stopped() {
    let mut h = Harness::connected(settings());
    h.publish(QoS::AtLeastOnce, 1);
    h.sent();
    h.engine.stop(Some(UserDisconnect {
        packet: Disconnect {
            reason_code: 0x04,
            ..Default::default()
        },
        token: Some(9),
    }));
    assert!(matches!(&h.sent()[..], [Packet::Disconnect(d)] if d.reason_code == 0x04));
    let events = h.events();
    assert!(matches!(
        events[0],
        Event::Disconnection {
            error: Error::UserRequestedStop,
            disconnect: None
        }
    ));
    assert_eq!(completions(&events), vec![(9, Completion::Written)]);
    h.close_as_asked();
    let events = h.events();
    assert_eq!(
        completions(&events),
        vec![(1, Completion::Failed(Error::UserRequestedStop))]
    );
    assert!(matches!(events.last(), Some(Event::Stopped)));
    assert_eq!(h.engine.state(), State::Stopped);
    assert_eq!(h.engine.statistics(), Statistics::default());
}

#[test]
fn no_timer_stays_due_while_a_disconnect_waits_to_be_written() {
    let mut h = Harness::connected(settings());
    h.engine.stop(Some(UserDisconnect {
        packet: Disconnect::default(),
        token: None,
    }));
    // The keep alive falls due while the DISCONNECT waits for the socket: no ping is due
    // then, so no timer may stay due (`advance` checks it).
    h.advance(120 * SEC);
    assert!(matches!(&h.sent()[..], [Packet::Disconnect(_)]));
}

#[test]
fn stop_without_a_connection_fails_the_disconnects_completion() {
    let mut h = Harness::new(settings());
    h.engine.stop(Some(UserDisconnect {
        packet: Disconnect::default(),
        token: Some(3),
    }));
    assert_eq!(
        completions(&h.events()),
        vec![(3, Completion::Failed(Error::NotConnected))]
    );
}

#[test]
fn stop_while_waiting_to_reconnect_stops_at_once() {
    let mut h = Harness::connected(settings());
    h.engine.transport_closed(h.now, None);
    h.engine.stop(None);
    let events = h.events();
    assert!(matches!(events.last(), Some(Event::Stopped)));
    h.advance(10 * SEC);
    assert_eq!(h.engine.poll_action(), None);
}

#[test]
fn a_disconnect_asking_for_session_expiry_after_a_zero_one_drops_the_connection() {
    // [MQTT-3.14.2-2]
    let mut h = Harness::connected(settings());
    h.engine.stop(Some(UserDisconnect {
        packet: Disconnect {
            properties: Properties::from(PropertySet {
                session_expiry_interval: Some(10),
                ..Default::default()
            }),
            ..Default::default()
        },
        token: Some(4),
    }));
    assert!(h.sent().is_empty());
    let events = h.events();
    assert!(matches!(
        events[0],
        Event::Disconnection {
            error: Error::DisconnectNotAllowed,
            ..
        }
    ));
    assert_eq!(
        completions(&events),
        vec![(4, Completion::Failed(Error::DisconnectNotAllowed))]
    );
}

#[test]
fn terminate_stops_then_reports_terminated_and_refuses_new_operations() {
    let mut h = Harness::connected(settings());
    h.engine.terminate();
    h.close_as_asked();
    let events = h.events();
    assert!(matches!(
        events[events.len() - 2..],
        [Event::Stopped, Event::Terminated]
    ));
    h.publish(QoS::AtLeastOnce, 5);
    assert_eq!(
        completions(&h.events()),
        vec![(5, Completion::Failed(Error::ClientTerminated))]
    );
}
