//! Connecting: the CONNECT and CONNACK, refusals and timeouts, reconnecting with the backoff,
//! hang-ups, the server's DISCONNECT, and protocol errors.

use super::*;

#[test]
fn start_connects_and_reports_success_with_the_negotiated_settings() {
    let mut h = Harness::new(settings());
    let connect = h.start();
    // [MQTT-3.1.2-4]: the session behavior CLEAN sets Clean Start.
    assert!(connect.clean_start);
    assert_eq!(connect.version, Version::V5);
    assert_eq!(connect.client_id, "client-1");
    assert_eq!(connect.keep_alive, 60);
    h.server(Packet::Connack(connack_with(Properties::from(
        PropertySet {
            receive_maximum: Some(10),
            ..Default::default()
        },
    ))));
    let events = h.events();
    assert!(matches!(events[0], Event::AttemptingConnect));
    let Event::ConnectionSuccess { connack, settings } = &events[1] else {
        panic!("{events:?}");
    };
    assert_eq!(connack.properties.receive_maximum, Some(10));
    assert_eq!(settings.receive_maximum_from_server, 10);
    assert_eq!(settings.client_id, "client-1");
    assert_eq!(h.engine.state(), State::Connected);
}

#[test]
fn a_refused_connack_fails_the_attempt_with_its_packet_then_reconnects_after_the_backoff() {
    let mut h = Harness::new(settings());
    h.start();
    h.server(Packet::Connack(Connack {
        reason_code: 0x87,
        ..Default::default()
    }));
    let events = h.events();
    let Event::ConnectionFailure { error, connack } = &events[1] else {
        panic!("{events:?}");
    };
    assert_eq!(*error, Error::ConnackRefused);
    assert_eq!(connack.as_ref().map(|c| c.reason_code), Some(0x87));
    h.close_as_asked();
    assert_eq!(h.engine.state(), State::PendingReconnect);
    assert!(h.events().is_empty(), "one final event per attempt");
    h.advance(999 * MS);
    assert_eq!(h.engine.poll_action(), None);
    h.advance(MS);
    assert_eq!(h.engine.poll_action(), Some(Action::Open));
    assert!(matches!(h.events()[..], [Event::AttemptingConnect]));
}

#[test]
fn the_reconnect_delay_doubles_up_to_the_maximum_after_failed_attempts() {
    let mut h = Harness::new(settings());
    h.engine.start();
    assert_eq!(h.engine.poll_action(), Some(Action::Open));
    let mut delays = Vec::new();
    for _ in 0..5 {
        h.engine.transport_closed(h.now, Some(1049));
        let before = h.now;
        loop {
            h.advance(100 * MS);
            if h.engine.poll_action() == Some(Action::Open) {
                break;
            }
        }
        delays.push((h.now - before) / MS);
    }
    assert_eq!(delays, vec![1000, 2000, 4000, 8000, 8000]);
    let events = h.events();
    assert!(matches!(
        events[1],
        Event::ConnectionFailure {
            error: Error::Transport(1049),
            connack: None
        }
    ));
}

#[test]
fn no_connack_in_time_fails_the_attempt_with_a_connack_timeout() {
    let mut s = settings();
    s.connack_timeout_ms = 500;
    let mut h = Harness::new(s);
    h.start();
    h.advance(499 * MS);
    assert_eq!(h.engine.state(), State::MqttConnect);
    h.advance(MS);
    let events = h.events();
    assert!(matches!(
        events[1],
        Event::ConnectionFailure {
            error: Error::ConnackTimeout,
            ..
        }
    ));
    h.close_as_asked();
    assert_eq!(h.engine.state(), State::PendingReconnect);
}

#[test]
fn a_hang_up_is_a_disconnection_then_the_client_reconnects() {
    let mut h = Harness::connected(settings());
    h.engine.transport_closed(h.now, None);
    assert!(matches!(
        h.events()[..],
        [Event::Disconnection {
            error: Error::UnexpectedHangup,
            disconnect: None
        }]
    ));
    h.advance(SEC);
    assert_eq!(h.engine.poll_action(), Some(Action::Open));
}

#[test]
fn a_packet_cut_short_by_the_close_is_a_socket_closed_as_upstream() {
    // Upstream's socket reports the end of the stream as AWS_IO_SOCKET_CLOSED (1051).
    for bytes in [&[0x40][..], &[0x40, 0x03, 0x00], &[0x30, 0x80]] {
        let mut h = Harness::connected(settings());
        h.engine.receive(h.now, bytes);
        h.engine.transport_closed(h.now, None);
        assert!(
            matches!(
                h.events()[..],
                [Event::Disconnection {
                    error: Error::Transport(1051),
                    disconnect: None
                }]
            ),
            "{bytes:02x?}"
        );
    }
}

#[test]
fn a_connack_cut_short_by_the_close_is_a_socket_closed_as_upstream() {
    let mut h = Harness::new(settings());
    h.start();
    h.engine.receive(h.now, &[0x20, 0x03, 0x00]);
    h.engine.transport_closed(h.now, None);
    let events = h.events();
    assert!(
        matches!(
            events.last(),
            Some(Event::ConnectionFailure {
                error: Error::Transport(1051),
                ..
            })
        ),
        "{events:?}"
    );
}

#[test]
fn a_server_disconnect_is_reported_with_its_packet() {
    let mut h = Harness::connected(settings());
    h.server(Packet::Disconnect(Disconnect {
        reason_code: 0x8B,
        ..Default::default()
    }));
    let events = h.events();
    let [
        Event::Disconnection {
            error: Error::DisconnectReceived,
            disconnect: Some(d),
        },
    ] = &events[..]
    else {
        panic!("{events:?}");
    };
    assert_eq!(d.reason_code, 0x8B);
    h.close_as_asked();
}

#[test]
fn a_malformed_packet_ends_the_connection_with_a_protocol_error_disconnect() {
    // [MQTT-4.13.1-1]: a malformed packet: DISCONNECT with reason 0x82 (or 0x81), then close.
    let mut h = Harness::connected(settings());
    h.engine.receive(h.now, &[0x40, 0x01, 0x00]);
    assert!(matches!(&h.sent()[..], [Packet::Disconnect(d)] if d.reason_code == 0x82));
    assert!(matches!(
        h.events()[..],
        [Event::Disconnection {
            error: Error::ProtocolError,
            ..
        }]
    ));
    h.close_as_asked();
}

#[test]
fn a_packet_other_than_connack_first_is_a_protocol_error() {
    // [MQTT-3.2.0-1]
    let mut h = Harness::new(settings());
    h.start();
    h.server(Packet::Pingresp);
    assert!(matches!(&h.sent()[..], [Packet::Disconnect(d)] if d.reason_code == 0x82));
    assert!(matches!(
        h.events()[1],
        Event::ConnectionFailure {
            error: Error::ProtocolError,
            ..
        }
    ));
}
