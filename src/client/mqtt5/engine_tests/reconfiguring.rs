//! What the 3.1.1 adapter asks of the engine: new settings for the next connection, a client id
//! that replaces the server's, and resetting the connection so the next one uses them
//! (upstream's `aws_mqtt5_client_reset_connection`).

use super::*;

#[test]
fn reconfigured_settings_and_client_id_go_out_in_the_next_connect() {
    let mut h = Harness::connected_with(
        settings(),
        Connack {
            properties: Properties::from(PropertySet {
                assigned_client_identifier: Some("assigned-by-server".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    h.engine.reconfigure(|s| {
        s.connect.keep_alive = 17;
        s.connect.username = Some("user".into());
    });
    h.engine.use_client_id("from-adapter".into());
    h.engine.reset_connection();
    let events = h.events();
    assert!(
        matches!(
            events[..],
            [Event::Disconnection {
                error: Error::ResetForAdapterConnect,
                ..
            }]
        ),
        "{events:?}"
    );
    h.close_as_asked();
    assert_eq!(h.engine.state(), State::PendingReconnect);
    h.advance(SEC);
    assert_eq!(h.engine.poll_action(), Some(Action::Open));
    h.engine.transport_opened(h.now);
    let Packet::Connect(connect) = &h.sent()[0] else {
        panic!("expected a CONNECT");
    };
    assert_eq!(connect.client_id, "from-adapter");
    assert_eq!(connect.keep_alive, 17);
    assert_eq!(connect.username.as_deref(), Some("user"));
}

#[test]
fn a_reset_while_the_transport_opens_ends_that_connection_as_soon_as_it_is_up() {
    let mut h = Harness::new(settings());
    h.engine.start();
    assert_eq!(h.engine.poll_action(), Some(Action::Open));
    h.engine.reset_connection();
    h.engine.transport_opened(h.now);
    assert!(
        h.sent().is_empty(),
        "no CONNECT on a connection being reset"
    );
    h.close_as_asked();
    let events = h.events();
    assert!(
        matches!(
            events[..],
            [
                Event::AttemptingConnect,
                Event::ConnectionFailure {
                    error: Error::ResetForAdapterConnect,
                    ..
                }
            ]
        ),
        "{events:?}"
    );
    // The next attempt is an ordinary one.
    h.advance(SEC);
    assert_eq!(h.engine.poll_action(), Some(Action::Open));
    h.engine.transport_opened(h.now);
    assert!(matches!(h.sent()[..], [Packet::Connect(_)]));
}

#[test]
fn a_reset_while_stopped_does_nothing() {
    let mut h = Harness::new(settings());
    h.engine.reset_connection();
    assert_eq!(h.engine.state(), State::Stopped);
    assert_eq!(h.engine.poll_action(), None);
    assert!(h.events().is_empty());
}

#[test]
fn a_new_backoff_starts_from_its_minimum() {
    let mut h = Harness::connected(settings());
    h.engine.reconfigure(|s| {
        s.backoff = BackoffConfig {
            min_delay_ms: 3_000,
            max_delay_ms: 9_000,
            jitter: JitterMode::None,
            reset_after_ms: 30_000,
        }
    });
    h.server(Packet::Disconnect(Disconnect::default()));
    h.close_as_asked();
    h.advance(2_999 * MS);
    assert_eq!(h.engine.poll_action(), None);
    h.advance(MS);
    assert_eq!(h.engine.poll_action(), Some(Action::Open));
}
