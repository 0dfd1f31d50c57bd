//! Connecting: the CONNECT and CONNACK, refusals, hang-ups and timeouts before the CONNACK,
//! protocol errors, and reconnecting with the backoff.

use super::*;

#[test]
fn connect_sends_the_settings_in_a_connect_packet_mqtt_3_1() {
    let mut h = Harness::new();
    let mut s = settings();
    s.clean_session = false;
    s.username = Some("user".into());
    s.password = Some(Bytes::from_static(b"pw"));
    let Packet::Connect(connect) = h.start(s) else {
        panic!("expected CONNECT")
    };
    assert_eq!(connect.client_id, "client-1");
    assert!(!connect.clean_start);
    assert_eq!(connect.keep_alive, 60);
    assert_eq!(connect.username.as_deref(), Some("user"));
    assert_eq!(connect.password.as_deref(), Some(&b"pw"[..]));
}

#[test]
fn a_password_without_a_user_name_is_not_sent_mqtt_3_1_2_22() {
    let mut h = Harness::new();
    let mut s = settings();
    s.password = Some(Bytes::from_static(b"pw"));
    let Packet::Connect(connect) = h.start(s) else {
        panic!("expected CONNECT")
    };
    assert_eq!(connect.password, None);
}

#[test]
fn an_accepted_connack_completes_the_connect_then_reports_success() {
    let mut h = Harness::new();
    h.start(settings());
    assert_eq!(h.engine.state(), State::Connecting);
    h.server(connack(0, true));
    assert_eq!(h.engine.state(), State::Connected);
    let events = h.take_events();
    assert!(matches!(
        events[..],
        [
            Event::ConnectionComplete {
                error: None,
                return_code: 0,
                session_present: true
            },
            Event::ConnectionSuccess {
                return_code: 0,
                session_present: true
            }
        ]
    ));
}

#[test]
fn a_refused_connack_fails_the_connect_with_protocol_error_and_its_return_code() {
    let mut h = Harness::new();
    h.start(settings());
    h.server(connack(5, false));
    assert_eq!(h.action(), Some(Action::Close));
    h.closed(None);
    assert_eq!(h.engine.state(), State::Disconnected);
    let events = h.take_events();
    assert!(matches!(
        events[..],
        [
            Event::ConnectionComplete {
                error: Some(Failure::ProtocolError),
                return_code: 5,
                session_present: false
            },
            Event::ConnectionFailure {
                error: Failure::ProtocolError
            }
        ]
    ));
    h.advance(600 * SEC);
    assert_eq!(h.action(), None, "a failed first connect is not retried");
}

#[test]
fn a_hang_up_before_connack_is_an_unexpected_hangup() {
    let mut h = Harness::new();
    h.start(settings());
    h.closed(None);
    let events = h.take_events();
    assert!(matches!(
        events[0],
        Event::ConnectionComplete {
            error: Some(Failure::UnexpectedHangup),
            ..
        }
    ));
}

#[test]
fn a_transport_error_on_the_first_connect_is_reported_as_is() {
    let mut h = Harness::new();
    h.engine.connect(settings());
    assert_eq!(h.action(), Some(Action::Open));
    h.closed(Some(Failure::Transport(1049)));
    assert!(matches!(
        h.take_events()[..],
        [
            Event::ConnectionComplete {
                error: Some(Failure::Transport(1049)),
                ..
            },
            Event::ConnectionFailure {
                error: Failure::Transport(1049)
            }
        ]
    ));
}

#[test]
fn no_connack_within_the_ping_timeout_is_a_timeout() {
    let mut h = Harness::new();
    h.start(settings());
    h.advance(3 * SEC - 1);
    assert_eq!(h.action(), None);
    h.advance(1);
    assert_eq!(h.action(), Some(Action::Close));
    h.closed(None);
    assert!(matches!(
        h.take_events()[0],
        Event::ConnectionComplete {
            error: Some(Failure::Timeout),
            ..
        }
    ));
}

#[test]
fn a_first_packet_other_than_connack_is_a_protocol_error_mqtt_3_2_0_1() {
    let mut h = Harness::new();
    h.start(settings());
    h.server(Packet::Pingresp);
    assert_eq!(h.action(), Some(Action::Close));
    h.closed(None);
    assert!(matches!(
        h.take_events()[0],
        Event::ConnectionComplete {
            error: Some(Failure::ProtocolError),
            ..
        }
    ));
}

#[test]
fn malformed_bytes_close_the_connection_with_protocol_error_mqtt_4_8_0_1() {
    let mut h = Harness::connected(settings(), false);
    // A PUBACK with a remaining length of 3 is malformed.
    h.engine.receive(h.now, &[0x40, 0x03, 0x00, 0x01, 0x00]);
    assert_eq!(h.action(), Some(Action::Close));
    h.closed(None);
    assert!(matches!(
        h.take_events()[..],
        [Event::Interrupted {
            error: Failure::ProtocolError
        }]
    ));
}

/// The failure a connected client reports after `bytes` from the server and the close.
fn interruption_after(bytes: &[u8]) -> Vec<Event<u32>> {
    let mut h = Harness::connected(settings(), false);
    h.engine.receive(h.now, bytes);
    assert_eq!(h.action(), Some(Action::Close));
    h.closed(None);
    h.take_events()
}

#[test]
fn a_server_sending_a_client_packet_is_an_invalid_packet_type_as_upstream() {
    // Upstream's s_packet_handler_default refuses CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ and
    // DISCONNECT with AWS_ERROR_MQTT_INVALID_PACKET_TYPE, whatever their content, and its
    // decoder the reserved types 0 and 15 [MQTT-2.2.1].
    for bytes in [
        &[0x00, 0x00][..],               // type 0
        &[0xF0, 0x00],                   // type 15 (AUTH is MQTT 5's)
        &[0xC0, 0x00],                   // PINGREQ
        &[0xE0, 0x00],                   // DISCONNECT
        &[0xE0, 0x01, 0x00],             // DISCONNECT with a remaining length of 1
        &[0xE0, 0x02, 0x00, 0x00],       // and of 2
        &[0xE1, 0x00],                   // DISCONNECT with a reserved flag set
        &[0x82, 0x03, 0x00, 0x01, 0x00], // SUBSCRIBE without a filter
    ] {
        assert!(
            matches!(
                interruption_after(bytes)[..],
                [Event::Interrupted {
                    error: Failure::InvalidPacketType
                }]
            ),
            "{bytes:02x?}"
        );
    }
}

#[test]
fn a_disconnect_before_connack_is_an_invalid_packet_type_as_upstream() {
    let mut h = Harness::new();
    h.start(settings());
    h.engine.receive(h.now, &[0xE0, 0x01, 0x00]);
    assert_eq!(h.action(), Some(Action::Close));
    h.closed(None);
    assert!(matches!(
        h.take_events()[0],
        Event::ConnectionComplete {
            error: Some(Failure::InvalidPacketType),
            ..
        }
    ));
}

#[test]
fn a_remaining_length_of_five_bytes_is_an_invalid_remaining_length_as_upstream() {
    // Upstream's aws_mqtt311_decode_remaining_length: a continuation bit on the fourth byte.
    for bytes in [
        &[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F][..],
        &[0x30, 0x80, 0x80, 0x80, 0x80],
        &[0xE0, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], // the length decides before the type
    ] {
        assert!(
            matches!(
                interruption_after(bytes)[..],
                [Event::Interrupted {
                    error: Failure::InvalidRemainingLength
                }]
            ),
            "{bytes:02x?}"
        );
    }
}

#[test]
fn a_packet_cut_short_by_the_close_is_a_socket_closed_as_upstream() {
    // Upstream's socket reports the end of the stream as AWS_IO_SOCKET_CLOSED (1051).
    for bytes in [&[0x40][..], &[0x40, 0x02, 0x00], &[0x30, 0x80]] {
        let mut h = Harness::connected(settings(), false);
        h.engine.receive(h.now, bytes);
        assert_eq!(h.action(), None, "waits for the rest");
        h.closed(None);
        assert!(
            matches!(
                h.take_events()[..],
                [Event::Interrupted {
                    error: Failure::Transport(1051)
                }]
            ),
            "{bytes:02x?}"
        );
    }
    // A CONNACK cut short fails the connect the same way.
    let mut h = Harness::new();
    h.start(settings());
    h.engine.receive(h.now, &[0x20, 0x02, 0x00]);
    h.closed(None);
    assert!(matches!(
        h.take_events()[..],
        [
            Event::ConnectionComplete {
                error: Some(Failure::Transport(1051)),
                ..
            },
            Event::ConnectionFailure {
                error: Failure::Transport(1051)
            }
        ]
    ));
}

#[test]
fn a_close_between_packets_stays_an_unexpected_hangup() {
    let mut h = Harness::connected(settings(), false);
    h.server(Packet::Pingresp);
    h.closed(None);
    assert!(matches!(
        h.take_events()[..],
        [Event::Interrupted {
            error: Failure::UnexpectedHangup
        }]
    ));
}

#[test]
fn a_lost_connection_is_interrupted_then_reconnects_with_doubling_backoff_then_resumes() {
    let mut h = Harness::connected(settings(), false);
    h.closed(None);
    assert_eq!(h.engine.state(), State::Reconnecting);
    assert!(matches!(
        h.take_events()[..],
        [Event::Interrupted {
            error: Failure::UnexpectedHangup
        }]
    ));
    // Attempts after 1 s, then 2 s, then 4 s (upstream's doubling from the minimum).
    for delay in [1, 2, 4] {
        h.advance(delay * SEC - 1);
        assert_eq!(h.action(), None);
        h.advance(1);
        assert_eq!(h.action(), Some(Action::Open));
        h.closed(Some(Failure::Transport(1049)));
        assert!(
            h.take_events().is_empty(),
            "a failed reconnect reports nothing"
        );
    }
    h.advance(8 * SEC);
    assert_eq!(h.action(), Some(Action::Open));
    h.engine.transport_opened(h.now);
    h.sent();
    h.server(connack(0, false));
    assert!(matches!(
        h.take_events()[..],
        [
            Event::Resumed {
                return_code: 0,
                session_present: false
            },
            Event::ConnectionSuccess { .. }
        ]
    ));
}

#[test]
fn the_backoff_never_exceeds_its_maximum() {
    let mut h = Harness::connected(settings(), false);
    h.closed(None);
    for _ in 0..6 {
        h.advance(8 * SEC);
        assert_eq!(h.action(), Some(Action::Open));
        h.closed(None);
    }
}
