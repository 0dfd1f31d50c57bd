//! The settings a CONNECT/CONNACK exchange settles (upstream's `aws_mqtt5_negotiated_settings`):
//! what the client asked for, overridden by what the server's CONNACK says, with the
//! specification's defaults for what it leaves out [MQTT-3.2.2.3].

use crate::codec::{Connack, Connect, QoS};

/// The largest packet MQTT 5 can carry: a 5-byte fixed header and the largest remaining length.
pub const MAXIMUM_PACKET_SIZE: u32 = 5 + 268_435_455;
/// The Receive Maximum when the CONNACK has none [MQTT-3.2.2.3.3].
pub const DEFAULT_RECEIVE_MAXIMUM: u16 = 65_535;

/// The settings in force on one connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Negotiated {
    /// The highest QoS the client may publish with.
    pub maximum_qos: QoS,
    /// Seconds the server keeps the session after a disconnection.
    pub session_expiry_interval: u32,
    /// QoS 1 and 2 publishes the server accepts in flight at once.
    pub receive_maximum_from_server: u16,
    /// The largest packet the server accepts.
    pub maximum_packet_size_to_server: u32,
    /// The highest topic alias the server accepts from the client (0: none).
    pub topic_alias_maximum_to_server: u16,
    /// The highest topic alias the client accepts from the server (0: none).
    pub topic_alias_maximum_to_client: u16,
    /// The keep alive in force, in seconds (the server's if it sent one).
    pub server_keep_alive: u16,
    /// Retained publishes are accepted.
    pub retain_available: bool,
    /// Wildcard filters are accepted.
    pub wildcard_subscriptions_available: bool,
    /// Subscription identifiers are accepted.
    pub subscription_identifiers_available: bool,
    /// Shared subscriptions are accepted.
    pub shared_subscriptions_available: bool,
    /// The server resumed an existing session.
    pub rejoined_session: bool,
    /// The client identifier in force: the one sent, or the one the server assigned.
    pub client_id: String,
}

impl Negotiated {
    /// What the client asks for in `connect`, before the CONNACK says otherwise. The client
    /// publishes at up to QoS 2 unless the server limits it (upstream stops at QoS 1: its
    /// client has no QoS 2).
    pub fn requested(connect: &Connect) -> Negotiated {
        let p = &connect.properties;
        Negotiated {
            maximum_qos: QoS::ExactlyOnce,
            session_expiry_interval: p.session_expiry_interval.unwrap_or(0),
            receive_maximum_from_server: DEFAULT_RECEIVE_MAXIMUM,
            maximum_packet_size_to_server: MAXIMUM_PACKET_SIZE,
            topic_alias_maximum_to_server: 0,
            topic_alias_maximum_to_client: p.topic_alias_maximum.unwrap_or(0),
            server_keep_alive: connect.keep_alive,
            retain_available: true,
            wildcard_subscriptions_available: true,
            subscription_identifiers_available: true,
            shared_subscriptions_available: true,
            rejoined_session: false,
            client_id: connect.client_id.clone(),
        }
    }

    /// Applies a successful CONNACK: each property it carries replaces the requested value.
    pub fn apply(&mut self, connack: &Connack) {
        let p = &connack.properties;
        if let Some(v) = p.session_expiry_interval {
            self.session_expiry_interval = v;
        }
        if let Some(v) = p.receive_maximum {
            self.receive_maximum_from_server = v;
        }
        if let Some(qos) = p.maximum_qos.and_then(QoS::from_u8) {
            self.maximum_qos = self.maximum_qos.min(qos);
        }
        if let Some(v) = p.retain_available {
            self.retain_available = v != 0;
        }
        if let Some(v) = p.maximum_packet_size {
            self.maximum_packet_size_to_server = v;
        }
        if let Some(v) = p.topic_alias_maximum {
            self.topic_alias_maximum_to_server = v;
        }
        if let Some(v) = p.wildcard_subscription_available {
            self.wildcard_subscriptions_available = v != 0;
        }
        if let Some(v) = p.subscription_identifiers_available {
            self.subscription_identifiers_available = v != 0;
        }
        if let Some(v) = p.shared_subscription_available {
            self.shared_subscriptions_available = v != 0;
        }
        if let Some(v) = p.server_keep_alive {
            self.server_keep_alive = v;
        }
        if let Some(id) = &p.assigned_client_identifier
            && self.client_id.is_empty()
        {
            self.client_id = id.clone();
        }
        self.rejoined_session = connack.session_present;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Properties, PropertySet, Version};

    fn connect() -> Connect {
        Connect {
            version: Version::V5,
            keep_alive: 60,
            client_id: "c".into(),
            properties: Properties::from(PropertySet {
                session_expiry_interval: Some(300),
                topic_alias_maximum: Some(10),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_bare_connack_leaves_the_specification_defaults() {
        // [MQTT-3.2.2.3]: absent properties mean their defaults.
        let mut n = Negotiated::requested(&connect());
        n.apply(&Connack::default());
        assert_eq!(n.maximum_qos, QoS::ExactlyOnce);
        assert_eq!(n.session_expiry_interval, 300);
        assert_eq!(n.receive_maximum_from_server, 65_535);
        assert_eq!(n.maximum_packet_size_to_server, MAXIMUM_PACKET_SIZE);
        assert_eq!(n.topic_alias_maximum_to_server, 0);
        assert_eq!(n.topic_alias_maximum_to_client, 10);
        assert_eq!(n.server_keep_alive, 60);
        assert!(n.retain_available && n.wildcard_subscriptions_available);
        assert!(n.subscription_identifiers_available && n.shared_subscriptions_available);
        assert!(!n.rejoined_session);
        assert_eq!(n.client_id, "c");
    }

    #[test]
    fn connack_properties_override_what_was_asked() {
        let mut c = connect();
        c.client_id.clear();
        let mut n = Negotiated::requested(&c);
        n.apply(&Connack {
            session_present: true,
            reason_code: 0,
            properties: Properties::from(PropertySet {
                session_expiry_interval: Some(5),
                receive_maximum: Some(2),
                maximum_qos: Some(0),
                retain_available: Some(0),
                maximum_packet_size: Some(1000),
                topic_alias_maximum: Some(3),
                wildcard_subscription_available: Some(0),
                subscription_identifiers_available: Some(0),
                shared_subscription_available: Some(0),
                server_keep_alive: Some(7),
                assigned_client_identifier: Some("auto-1".into()),
                ..Default::default()
            }),
        });
        assert_eq!(n.maximum_qos, QoS::AtMostOnce);
        assert_eq!(n.session_expiry_interval, 5);
        assert_eq!(n.receive_maximum_from_server, 2);
        assert_eq!(n.maximum_packet_size_to_server, 1000);
        assert_eq!(n.topic_alias_maximum_to_server, 3);
        assert_eq!(n.server_keep_alive, 7);
        assert!(!n.retain_available && !n.wildcard_subscriptions_available);
        assert!(!n.subscription_identifiers_available && !n.shared_subscriptions_available);
        assert!(n.rejoined_session);
        assert_eq!(n.client_id, "auto-1");
    }
}
