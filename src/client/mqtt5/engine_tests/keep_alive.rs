//! Keep alive: PINGREQ every keep alive (the server's when it sets one), and a missing PINGRESP
//! ending the connection.

use super::*;

#[test]
fn keep_alive_sends_pingreq_and_a_missing_pingresp_ends_with_a_keep_alive_disconnect() {
    let mut h = Harness::connected(settings());
    h.advance(60 * SEC);
    assert_eq!(h.sent(), vec![Packet::Pingreq]);
    h.server(Packet::Pingresp);
    h.advance(60 * SEC);
    assert_eq!(h.sent(), vec![Packet::Pingreq]);
    h.advance(3 * SEC);
    assert!(matches!(
        h.events()[..],
        [Event::Disconnection {
            error: Error::PingResponseTimeout,
            ..
        }]
    ));
    // [MQTT-3.14.2.1]: reason 0x8D, Keep Alive timeout.
    assert!(matches!(&h.sent()[..], [Packet::Disconnect(d)] if d.reason_code == 0x8D));
    h.close_as_asked();
}

#[test]
fn the_server_keep_alive_replaces_the_clients() {
    // [MQTT-3.2.2-21]: the client uses the Server Keep Alive.
    let mut h = Harness::connected_with(
        settings(),
        connack_with(Properties::from(PropertySet {
            server_keep_alive: Some(10),
            ..Default::default()
        })),
    );
    h.advance(10 * SEC);
    assert_eq!(h.sent(), vec![Packet::Pingreq]);
}
