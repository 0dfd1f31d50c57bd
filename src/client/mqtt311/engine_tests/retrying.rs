//! Beyond upstream: a connection asked to retry its first connect (`retry_first_connect`) goes on
//! trying with its backoff, reporting each failure; `connect`'s completion reports the first
//! success, or the user's disconnect. Without it, upstream's behaviour (stop after the first
//! failure) is unchanged (`connecting.rs`).

use super::*;

fn retrying() -> Settings {
    Settings {
        retry_first_connect: true,
        ..settings()
    }
}

#[test]
fn a_failed_first_connect_is_retried_with_the_backoff_and_completes_at_the_first_success() {
    let mut h = Harness::new();
    h.engine.connect(retrying());
    assert_eq!(h.action(), Some(Action::Open));
    h.closed(Some(Failure::Transport(1049)));
    assert!(matches!(
        h.take_events()[..],
        [Event::ConnectionFailure {
            error: Failure::Transport(1049)
        }]
    ));
    assert_eq!(h.engine.state(), State::Connecting);
    // The backoff: 1 s, then 2 s.
    h.advance(999 * MS);
    assert_eq!(h.action(), None);
    h.advance(MS);
    assert_eq!(h.action(), Some(Action::Open));
    h.closed(Some(Failure::Transport(1049)));
    h.take_events();
    h.advance(1_999 * MS);
    assert_eq!(h.action(), None);
    h.advance(MS);
    assert_eq!(h.action(), Some(Action::Open));
    h.engine.transport_opened(h.now);
    assert!(matches!(h.sent()[..], [Packet::Connect(_)]));
    h.server(connack(0, false));
    let events = h.take_events();
    assert!(
        matches!(
            events[..],
            [
                Event::ConnectionComplete { error: None, .. },
                Event::ConnectionSuccess { .. }
            ]
        ),
        "{events:?}"
    );
    assert_eq!(h.engine.state(), State::Connected);
}

#[test]
fn a_disconnect_while_retrying_completes_the_connect_with_connection_shutdown() {
    let mut h = Harness::new();
    h.engine.connect(retrying());
    assert_eq!(h.action(), Some(Action::Open));
    h.closed(Some(Failure::Transport(1049)));
    h.take_events();
    assert!(h.engine.can_disconnect());
    assert_eq!(h.engine.disconnect(), Ok(()));
    let events = h.take_events();
    assert!(
        matches!(
            events[..],
            [
                Event::ConnectionComplete {
                    error: Some(Failure::ConnectionShutdown),
                    ..
                },
                Event::Disconnected
            ]
        ),
        "{events:?}"
    );
    assert_eq!(h.engine.state(), State::Disconnected);
    // No attempt follows.
    h.advance(60 * SEC);
    assert_eq!(h.action(), None);
}

#[test]
fn without_it_a_first_connect_cannot_be_disconnected_and_is_not_retried() {
    let mut h = Harness::new();
    h.engine.connect(settings());
    assert_eq!(h.action(), Some(Action::Open));
    assert!(!h.engine.can_disconnect());
    h.closed(Some(Failure::Transport(1049)));
    assert_eq!(h.engine.state(), State::Disconnected);
    h.advance(60 * SEC);
    assert_eq!(h.action(), None);
}
