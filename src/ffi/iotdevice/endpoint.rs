//! The port and ALPN protocol of an AWS IoT connection, chosen as the SDKs' builders choose
//! them: port 443 by default where TLS can offer ALPN (8883 where it cannot), and on 443 the
//! ALPN protocol `x-amzn-mqtt-ca` for mutual TLS; a custom authorizer connected directly
//! offers `mqtt`; WebSockets offer none.

/// The ALPN protocol AWS IoT answers mutual-TLS MQTT with on port 443.
pub const ALPN_MQTT_CA: &str = "x-amzn-mqtt-ca";
/// The ALPN protocol of a custom authorizer connected directly (on 443).
pub const ALPN_MQTT: &str = "mqtt";
/// AWS IoT's HTTPS port, where ALPN or a WebSocket upgrade selects MQTT.
pub const PORT_HTTPS: u32 = 443;
/// AWS IoT's MQTT-over-TLS port.
pub const PORT_MQTT_TLS: u32 = 8883;

/// How the connection reaches AWS IoT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The port to connect to.
    pub port: u32,
    /// The ALPN protocol to offer, if any.
    pub alpn: Option<&'static str>,
}

/// The endpoint for a port set on the builder (0: none), the transport, whether a custom
/// authorizer signs in, and whether TLS can offer ALPN here.
pub fn endpoint(port: u32, websocket: bool, custom_authorizer: bool, alpn: bool) -> Endpoint {
    let port = match port {
        0 if websocket || alpn => PORT_HTTPS,
        0 => PORT_MQTT_TLS,
        set => set,
    };
    let alpn = if websocket {
        None
    } else if custom_authorizer {
        Some(ALPN_MQTT)
    } else if port == PORT_HTTPS && alpn {
        Some(ALPN_MQTT_CA)
    } else {
        None
    };
    Endpoint { port, alpn }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutual_tls_defaults_to_443_with_alpn_where_there_is_alpn_else_8883() {
        let e = endpoint(0, false, false, true);
        assert_eq!((e.port, e.alpn), (443, Some(ALPN_MQTT_CA)));
        let e = endpoint(0, false, false, false);
        assert_eq!((e.port, e.alpn), (8883, None));
    }

    #[test]
    fn a_port_set_other_than_443_offers_no_alpn_and_443_offers_mqtt_ca() {
        assert_eq!(endpoint(8883, false, false, true).alpn, None);
        assert_eq!(endpoint(12345, false, false, true).port, 12345);
        assert_eq!(endpoint(443, false, false, true).alpn, Some(ALPN_MQTT_CA));
    }

    #[test]
    fn websockets_take_443_and_no_alpn() {
        assert_eq!(
            endpoint(0, true, false, false),
            Endpoint {
                port: 443,
                alpn: None
            }
        );
        assert_eq!(endpoint(0, true, true, true).alpn, None);
    }

    #[test]
    fn a_direct_custom_authorizer_offers_mqtt_on_any_port() {
        assert_eq!(endpoint(0, false, true, true).alpn, Some(ALPN_MQTT));
        assert_eq!(endpoint(0, false, true, true).port, 443);
        assert_eq!(endpoint(1883, false, true, true).alpn, Some(ALPN_MQTT));
    }
}
