//! The 3.1.1 view of MQTT 5 lifecycle events, against upstream's adapter behaviour.

use super::*;

type V = View<u32, u32>;

const RESET: i32 = AWS_ERROR_MQTT_CONNECTION_RESET_FOR_ADAPTER_CONNECT as i32;

fn connected() -> V {
    let mut v = V::default();
    assert_eq!(v.connect(1), (vec![], true));
    v.on_event(Lifecycle::ConnectionSuccess { rejoined: false });
    v
}

#[test]
fn the_first_success_completes_connect_once_then_successes_are_resumptions() {
    let mut v = V::default();
    let (now, start) = v.connect(7);
    assert!(now.is_empty() && start);
    assert_eq!(v.state(), ViewState::FirstConnect);
    assert_eq!(
        v.on_event(Lifecycle::ConnectionSuccess { rejoined: true }),
        vec![
            Notice::Success { rejoined: true },
            Notice::ConnectComplete {
                callback: 7,
                error: 0,
                return_code: 0,
                rejoined: true
            }
        ]
    );
    assert_eq!(v.state(), ViewState::StayConnected);
    let lost = AWS_ERROR_MQTT5_DISCONNECT_RECEIVED as i32;
    assert_eq!(
        v.on_event(Lifecycle::Disconnection { error: lost }),
        vec![Notice::Interrupted {
            error: AWS_ERROR_MQTT_UNEXPECTED_HANGUP as i32
        }]
    );
    assert_eq!(
        v.on_event(Lifecycle::ConnectionSuccess { rejoined: false }),
        vec![
            Notice::Success { rejoined: false },
            Notice::Resumed { rejoined: false }
        ]
    );
}

#[test]
fn a_first_failure_completes_connect_with_the_translated_error_and_stops_the_view() {
    let mut v = V::default();
    v.connect(3);
    let timeout = AWS_ERROR_MQTT5_CONNACK_TIMEOUT as i32;
    let mqtt311_timeout = AWS_ERROR_MQTT_TIMEOUT as i32;
    assert_eq!(
        v.on_event(Lifecycle::ConnectionFailure {
            error: timeout,
            reason_code: None
        }),
        vec![
            Notice::Failure {
                error: mqtt311_timeout
            },
            Notice::ConnectComplete {
                callback: 3,
                error: mqtt311_timeout,
                return_code: 0,
                rejoined: false
            }
        ]
    );
    assert_eq!(v.state(), ViewState::StayDisconnected);
    // The MQTT 5 client keeps trying; the 3.1.1 user hears nothing more.
    assert!(
        v.on_event(Lifecycle::ConnectionFailure {
            error: timeout,
            reason_code: None
        })
        .is_empty()
    );
    assert!(
        v.on_event(Lifecycle::ConnectionSuccess { rejoined: false })
            .is_empty()
    );
}

#[test]
fn failures_while_connected_are_reported_but_do_not_change_the_view() {
    let mut v = connected();
    let refused = AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED as i32;
    assert_eq!(
        v.on_event(Lifecycle::ConnectionFailure {
            error: refused,
            reason_code: Some(0x87)
        }),
        vec![Notice::Failure {
            error: AWS_ERROR_MQTT_PROTOCOL_ERROR as i32
        }]
    );
    assert_eq!(v.state(), ViewState::StayConnected);
}

#[test]
fn the_adapters_own_reset_is_neither_a_failure_nor_an_interruption() {
    let mut v = connected();
    assert!(
        v.on_event(Lifecycle::Disconnection { error: RESET })
            .is_empty()
    );
    let mut first = V::default();
    first.connect(1);
    assert!(
        first
            .on_event(Lifecycle::ConnectionFailure {
                error: RESET,
                reason_code: None
            })
            .is_empty()
    );
    assert_eq!(first.state(), ViewState::FirstConnect);
}

#[test]
fn connect_when_not_disconnected_is_refused_through_its_callback() {
    let mut v = connected();
    assert_eq!(
        v.connect(9),
        (
            vec![Notice::ConnectComplete {
                callback: 9,
                error: AWS_ERROR_MQTT_ALREADY_CONNECTED as i32,
                return_code: 0,
                rejoined: false
            }],
            false
        )
    );
}

#[test]
fn disconnect_of_a_running_client_stops_it_and_completes_on_stopped() {
    let mut v = connected();
    let (now, stop) = v.disconnect(5, true);
    assert!(now.is_empty() && stop);
    assert_eq!(v.state(), ViewState::StayDisconnected);
    let stop_code = AWS_ERROR_MQTT5_USER_REQUESTED_STOP as i32;
    // [upstream] the interruption of a disconnect the user asked for is not reported.
    assert!(
        v.on_event(Lifecycle::Disconnection { error: stop_code })
            .is_empty()
    );
    assert_eq!(
        v.on_event(Lifecycle::Stopped),
        vec![Notice::Disconnected(5), Notice::Closed]
    );
}

#[test]
fn disconnect_of_a_stopped_client_completes_at_once() {
    let mut v = connected();
    assert_eq!(
        v.disconnect(5, false),
        (vec![Notice::Disconnected(5), Notice::Closed], false)
    );
    // Already disconnected: only the callback, no second close.
    assert_eq!(
        v.disconnect(6, false),
        (vec![Notice::Disconnected(6)], false)
    );
}

#[test]
fn disconnect_during_the_first_connect_fails_it_with_connection_shutdown() {
    let mut v = V::default();
    v.connect(2);
    let (now, stop) = v.disconnect(4, true);
    assert!(stop);
    assert_eq!(
        now,
        vec![Notice::ConnectComplete {
            callback: 2,
            error: AWS_ERROR_MQTT_CONNECTION_SHUTDOWN as i32,
            return_code: 0,
            rejoined: false
        }]
    );
}

#[test]
fn connect_before_stopped_arrives_completes_the_pending_disconnect_first() {
    let mut v = connected();
    v.disconnect(5, true);
    let (now, start) = v.connect(8);
    assert!(start);
    assert_eq!(now, vec![Notice::Disconnected(5)]);
    assert_eq!(v.state(), ViewState::FirstConnect);
}

#[test]
fn a_client_stopped_behind_the_views_back_leaves_it_disconnected() {
    let mut v = connected();
    assert_eq!(v.on_event(Lifecycle::Stopped), vec![Notice::Closed]);
    assert_eq!(v.state(), ViewState::StayDisconnected);
    assert!(v.connect(1).1);
}

#[test]
fn error_codes_translate_as_upstream_and_others_pass_unchanged() {
    assert_eq!(
        translate_error(AWS_ERROR_MQTT5_USER_REQUESTED_STOP as i32),
        AWS_IO_SOCKET_CLOSED as i32
    );
    assert_eq!(
        translate_error(AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY as i32),
        AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION as i32
    );
    assert_eq!(translate_error(1049), 1049);
    assert_eq!(translate_error(0), 0);
}

#[test]
fn a_refusing_connack_completes_connect_with_the_closest_3_1_1_return_code() {
    let mut v = V::default();
    v.connect(1);
    let refused = AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED as i32;
    let notices = v.on_event(Lifecycle::ConnectionFailure {
        error: refused,
        reason_code: Some(0x86),
    });
    assert_eq!(
        notices[1],
        Notice::ConnectComplete {
            callback: 1,
            error: AWS_ERROR_MQTT_PROTOCOL_ERROR as i32,
            return_code: 4,
            rejoined: false
        }
    );
    // [MQTT-3.2.2.3]: 1 to 5 are the only refusals a 3.1.1 CONNACK can carry.
    assert_eq!(return_code_of(0x84), 1);
    assert_eq!(return_code_of(0x85), 2);
    assert_eq!(return_code_of(0x89), 3);
    assert_eq!(return_code_of(0x87), 5);
    assert_eq!(return_code_of(0x80), 5);
}
