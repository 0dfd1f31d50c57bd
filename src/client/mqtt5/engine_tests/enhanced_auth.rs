//! Enhanced authentication [MQTT-4.12]: the CONNECT's method and data, each challenge handed
//! to the user and answered whenever the user is ready, re-authentication while publishes keep
//! flowing, and what a server must not send.

use super::*;
use crate::codec::Auth;

const METHOD: &str = "SCRAM-SHA-256";

fn auth_settings() -> Settings {
    let mut s = settings();
    s.connect.properties.authentication_method = Some(METHOD.into());
    s.connect.properties.authentication_data = Some(Bytes::from_static(b"client-first"));
    s
}

fn auth(reason_code: u8, method: &str, data: &'static [u8]) -> Packet {
    Packet::Auth(Auth {
        reason_code,
        properties: PropertySet {
            authentication_method: Some(method.into()),
            authentication_data: Some(Bytes::from_static(data)),
            ..Default::default()
        }
        .into(),
    })
}

/// A successful CONNACK ending the exchange with the server's final `data` [MQTT-4.12.0-5].
fn connack(data: &'static [u8]) -> Connack {
    Connack {
        properties: PropertySet {
            authentication_method: Some(METHOD.into()),
            authentication_data: Some(Bytes::from_static(data)),
            ..Default::default()
        }
        .into(),
        ..Default::default()
    }
}

/// Connected through an exchange the CONNACK ended.
fn connected() -> Harness {
    Harness::connected_with(auth_settings(), connack(b"server-final"))
}

fn challenges(events: Vec<Event<u32>>) -> Vec<Bytes> {
    events
        .into_iter()
        .filter_map(|e| match e {
            Event::AuthChallenge(a) => a.properties.authentication_data.clone(),
            _ => None,
        })
        .collect()
}

fn is_protocol_error_disconnect(packets: &[Packet]) -> bool {
    matches!(packets, [Packet::Disconnect(d)] if d.reason_code == 0x82)
}

#[test]
fn the_connect_carries_the_method_and_the_exchange_runs_until_the_connack() {
    let mut h = Harness::new(auth_settings());
    let connect = h.start();
    assert_eq!(
        connect.properties.authentication_method.as_deref(),
        Some(METHOD)
    );
    assert_eq!(
        connect.properties.authentication_data.as_deref(),
        Some(&b"client-first"[..])
    );
    h.events();
    // [MQTT-4.12.0-2]: the server's challenge is an AUTH Continue.
    h.server(auth(0x18, METHOD, b"server-first"));
    assert_eq!(
        challenges(h.events()),
        vec![Bytes::from_static(b"server-first")]
    );
    assert!(h.sent().is_empty(), "nothing goes until the user answers");
    // The user answers later: an AUTH Continue with the same method [MQTT-4.12.0-3] [MQTT-4.12.0-5].
    assert!(
        h.engine
            .continue_authentication(Some(Bytes::from_static(b"client-final")))
    );
    match h.sent().as_slice() {
        [Packet::Auth(a)] => {
            assert_eq!(a.reason_code, 0x18);
            assert_eq!(a.properties.authentication_method.as_deref(), Some(METHOD));
            assert_eq!(
                a.properties.authentication_data.as_deref(),
                Some(&b"client-final"[..])
            );
        }
        other => panic!("expected an AUTH, got {other:?}"),
    }
    h.server(Packet::Connack(connack(b"server-final")));
    assert_eq!(h.engine.state(), State::Connected);
    // The CONNACK's data reaches the user: the server's own proof.
    let events = h.events();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::AuthenticationComplete(Ok(a))
                if a.reason_code == 0
                    && a.properties.authentication_data.as_deref() == Some(&b"server-final"[..])
        )),
        "{events:?}"
    );
    assert!(
        !h.engine.continue_authentication(None),
        "the CONNACK ended the exchange"
    );
    assert!(h.sent().is_empty());
}

#[test]
fn a_successful_connack_without_the_method_is_a_protocol_error() {
    // [MQTT-4.12.0-5]: a successful CONNACK carries the CONNECT's method.
    let mut h = Harness::new(auth_settings());
    h.start();
    h.server(Packet::Connack(Connack::default()));
    assert_ne!(h.engine.state(), State::Connected);
    assert!(h.events().iter().any(|e| matches!(
        e,
        Event::ConnectionFailure {
            error: Error::ProtocolError,
            ..
        }
    )));
}

#[test]
fn a_refusing_connack_ends_the_attempt_as_a_connection_failure() {
    let mut h = Harness::new(auth_settings());
    h.start();
    h.server(auth(0x18, METHOD, b"server-first"));
    h.engine
        .continue_authentication(Some(Bytes::from_static(b"wrong proof")));
    h.sent();
    h.events();
    // [MQTT-4.12.0-4]: a CONNACK with a reason code of 0x80 or above.
    h.server(Packet::Connack(Connack {
        reason_code: 0x87,
        ..Default::default()
    }));
    let events = h.events();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::ConnectionFailure { error: Error::ConnackRefused, connack: Some(c) } if c.reason_code == 0x87
        )),
        "{events:?}"
    );
}

#[test]
fn an_auth_the_client_did_not_ask_for_is_a_protocol_error() {
    // [MQTT-4.12.0-6]: no AUTH after a CONNECT without a method.
    let mut h = Harness::connected(settings());
    h.server(auth(0x18, METHOD, b"unasked"));
    assert!(is_protocol_error_disconnect(&h.sent()));
    assert!(challenges(h.events()).is_empty());
}

#[test]
fn an_auth_with_another_method_or_a_stray_success_is_a_protocol_error() {
    // [MQTT-4.12.0-5]: the same method throughout.
    let mut h = Harness::new(auth_settings());
    h.start();
    h.server(auth(0x18, "PLAIN", b"x"));
    h.close_as_asked();
    assert!(challenges(h.events()).is_empty());
    // A Success with no re-authentication in progress.
    let mut h = connected();
    h.server(auth(0x00, METHOD, b"x"));
    assert!(is_protocol_error_disconnect(&h.sent()));
    // A Re-authenticate is the client's to send [MQTT-4.12.1-1].
    let mut h = connected();
    h.server(auth(0x19, METHOD, b"x"));
    assert!(is_protocol_error_disconnect(&h.sent()));
}

#[test]
fn reauthentication_goes_ahead_of_queued_publishes_which_keep_flowing() {
    let mut h = connected();
    h.engine.reauthenticate(Some(Bytes::from_static(b"again")));
    h.publish(QoS::AtLeastOnce, 1);
    let sent = h.sent();
    // [MQTT-4.12.1-1]: AUTH Re-authenticate with the connection's method.
    match sent.as_slice() {
        [Packet::Auth(a), Packet::Publish(p)] => {
            assert_eq!(a.reason_code, 0x19);
            assert_eq!(a.properties.authentication_method.as_deref(), Some(METHOD));
            assert_eq!(p.qos, QoS::AtLeastOnce);
        }
        other => panic!("expected AUTH then PUBLISH, got {other:?}"),
    }
    h.server(auth(0x18, METHOD, b"challenge"));
    assert_eq!(
        challenges(h.events()),
        vec![Bytes::from_static(b"challenge")]
    );
    h.publish(QoS::AtLeastOnce, 2);
    h.engine
        .continue_authentication(Some(Bytes::from_static(b"answer")));
    let sent = h.sent();
    assert!(
        matches!(sent.as_slice(), [Packet::Auth(a), Packet::Publish(_)] if a.reason_code == 0x18)
    );
    h.server(auth(0x00, METHOD, b"done"));
    let events = h.events();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::AuthenticationComplete(Ok(a)) if a.reason_code == 0)),
        "{events:?}"
    );
    assert_eq!(h.engine.state(), State::Connected);
}

#[test]
fn reauthentication_is_refused_offline_without_a_method_or_twice() {
    let mut h = Harness::new(auth_settings());
    h.engine.reauthenticate(None);
    assert!(
        h.events()
            .iter()
            .any(|e| matches!(e, Event::AuthenticationComplete(Err(Error::NotConnected))))
    );
    let mut h = Harness::connected(settings());
    h.engine.reauthenticate(None);
    assert!(h.sent().is_empty());
    assert!(h.events().iter().any(|e| matches!(
        e,
        Event::AuthenticationComplete(Err(Error::OperationProcessingFailure))
    )));
    let mut h = connected();
    h.engine.reauthenticate(None);
    h.engine.reauthenticate(None);
    assert_eq!(h.sent().len(), 1, "one AUTH for two calls");
    assert!(h.events().iter().any(|e| matches!(
        e,
        Event::AuthenticationComplete(Err(Error::OperationProcessingFailure))
    )));
}

#[test]
fn a_connection_lost_mid_reauthentication_reports_it() {
    let mut h = connected();
    h.engine.reauthenticate(None);
    h.sent();
    h.engine.transport_closed(h.now, None);
    let events = h.events();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::AuthenticationComplete(Err(Error::UnexpectedHangup))
        )),
        "{events:?}"
    );
}
