//! Packets as JSON fields for the log: the packet type in the specification's capitals and each
//! field of the packet under its snake_case name; MQTT 5 properties as an object holding the
//! properties present (binary values as hex, user properties as `[name, value]` pairs).

use crate::json::{self, JsonObject};
use aws_c_mqtt::codec::{Packet, PacketType, Properties};

/// Payloads up to this many bytes are logged in full (as text when they are UTF-8, else hex).
const LOGGED_PAYLOAD: usize = 1024;

/// The name of a packet type, as the specification writes it ("PUBLISH").
pub fn type_name(t: PacketType) -> &'static str {
    match t {
        PacketType::Connect => "CONNECT",
        PacketType::Connack => "CONNACK",
        PacketType::Publish => "PUBLISH",
        PacketType::Puback => "PUBACK",
        PacketType::Pubrec => "PUBREC",
        PacketType::Pubrel => "PUBREL",
        PacketType::Pubcomp => "PUBCOMP",
        PacketType::Subscribe => "SUBSCRIBE",
        PacketType::Suback => "SUBACK",
        PacketType::Unsubscribe => "UNSUBSCRIBE",
        PacketType::Unsuback => "UNSUBACK",
        PacketType::Pingreq => "PINGREQ",
        PacketType::Pingresp => "PINGRESP",
        PacketType::Disconnect => "DISCONNECT",
        PacketType::Auth => "AUTH",
    }
}

/// The packet type named `name` (any case), the inverse of [`type_name`].
pub fn parse_type(name: &str) -> Option<PacketType> {
    (1..=15)
        .filter_map(PacketType::from_u8)
        .find(|t| type_name(*t).eq_ignore_ascii_case(name))
}

/// Adds `"type"` and the fields of `packet` to `o`.
pub fn packet(o: &mut JsonObject, packet: &Packet) {
    o.str("type", type_name(packet.packet_type()));
    match packet {
        Packet::Connect(c) => {
            o.num("version", c.version as u8)
                .str("client_id", &c.client_id);
            o.bool("clean_start", c.clean_start)
                .num("keep_alive", c.keep_alive);
            if let Some(u) = &c.username {
                o.str("username", u);
            }
            if let Some(p) = &c.password {
                o.num("password_len", p.len() as u64);
            }
            if let Some(w) = &c.will {
                let mut will = JsonObject::new();
                will.str("topic", &w.topic)
                    .num("qos", w.qos as u8)
                    .bool("retain", w.retain);
                payload(&mut will, &w.payload);
                will.raw("properties", &properties(&w.properties));
                o.raw("will", &will.finish());
            }
            o.raw("properties", &properties(&c.properties));
        }
        Packet::Connack(c) => {
            o.bool("session_present", c.session_present)
                .num("reason_code", c.reason_code);
            o.raw("properties", &properties(&c.properties));
        }
        Packet::Publish(p) => {
            o.num("qos", p.qos as u8);
            if p.packet_id != 0 {
                o.num("packet_id", p.packet_id);
            }
            o.str("topic", &p.topic)
                .bool("dup", p.dup)
                .bool("retain", p.retain);
            payload(o, &p.payload);
            o.raw("properties", &properties(&p.properties));
        }
        Packet::Puback(a) | Packet::Pubrec(a) | Packet::Pubrel(a) | Packet::Pubcomp(a) => {
            o.num("packet_id", a.packet_id)
                .num("reason_code", a.reason_code);
            o.raw("properties", &properties(&a.properties));
        }
        Packet::Subscribe(s) => {
            o.num("packet_id", s.packet_id);
            let subs = s.subscriptions.iter().map(|s| {
                let mut j = JsonObject::new();
                j.str("filter", &s.filter)
                    .num("qos", s.qos as u8)
                    .bool("no_local", s.no_local);
                j.bool("retain_as_published", s.retain_as_published)
                    .num("retain_handling", s.retain_handling);
                j.finish()
            });
            o.raw("subscriptions", &json::array(subs));
            o.raw("properties", &properties(&s.properties));
        }
        Packet::Suback(s) => {
            o.num("packet_id", s.packet_id)
                .raw("reason_codes", &codes(&s.reason_codes));
            o.raw("properties", &properties(&s.properties));
        }
        Packet::Unsubscribe(u) => {
            o.num("packet_id", u.packet_id);
            o.raw(
                "filters",
                &json::array(u.filters.iter().map(|f| json::string(f))),
            );
            o.raw("properties", &properties(&u.properties));
        }
        Packet::Unsuback(u) => {
            o.num("packet_id", u.packet_id)
                .raw("reason_codes", &codes(&u.reason_codes));
            o.raw("properties", &properties(&u.properties));
        }
        Packet::Pingreq | Packet::Pingresp => {}
        Packet::Disconnect(d) => {
            o.num("reason_code", d.reason_code)
                .raw("properties", &properties(&d.properties));
        }
        Packet::Auth(a) => {
            o.num("reason_code", a.reason_code)
                .raw("properties", &properties(&a.properties));
        }
    }
}

/// Adds `payload_len`, and the payload itself when short: `payload` (UTF-8) or `payload_hex`.
fn payload(o: &mut JsonObject, bytes: &[u8]) {
    o.num("payload_len", bytes.len() as u64);
    if bytes.len() <= LOGGED_PAYLOAD {
        match std::str::from_utf8(bytes) {
            Ok(text) => o.str("payload", text),
            Err(_) => o.hex("payload_hex", bytes),
        };
    }
}

fn codes(codes: &[u8]) -> String {
    json::array(codes.iter().map(|c| c.to_string()))
}

/// The properties present in `p`, as a JSON object (`{}` when none).
pub fn properties(p: &Properties) -> String {
    let mut o = JsonObject::new();
    macro_rules! num {
        ($($field:ident),*) => {$(
            if let Some(v) = p.$field {
                o.num(stringify!($field), v);
            }
        )*};
    }
    macro_rules! text {
        ($($field:ident),*) => {$(
            if let Some(v) = &p.$field {
                o.str(stringify!($field), v);
            }
        )*};
    }
    macro_rules! binary {
        ($($field:ident),*) => {$(
            if let Some(v) = &p.$field {
                o.hex(stringify!($field), v);
            }
        )*};
    }
    num!(
        payload_format_indicator,
        message_expiry_interval,
        session_expiry_interval,
        server_keep_alive
    );
    num!(
        request_problem_information,
        will_delay_interval,
        request_response_information
    );
    num!(
        receive_maximum,
        topic_alias_maximum,
        topic_alias,
        maximum_qos,
        retain_available
    );
    num!(
        maximum_packet_size,
        wildcard_subscription_available,
        subscription_identifiers_available
    );
    num!(shared_subscription_available);
    text!(
        content_type,
        response_topic,
        assigned_client_identifier,
        authentication_method
    );
    text!(response_information, server_reference, reason_string);
    binary!(correlation_data, authentication_data);
    if !p.subscription_identifiers.is_empty() {
        o.raw(
            "subscription_identifiers",
            &json::array(p.subscription_identifiers.iter().map(|i| i.to_string())),
        );
    }
    if !p.user_properties.is_empty() {
        let pairs = p
            .user_properties
            .iter()
            .map(|(k, v)| json::array([json::string(k), json::string(v)]));
        o.raw("user_properties", &json::array(pairs));
    }
    o.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_c_mqtt::codec::{Publish, QoS};

    #[test]
    fn a_publish_logs_its_fields_and_properties() {
        let p = Packet::Publish(Publish {
            qos: QoS::AtLeastOnce,
            packet_id: 7,
            topic: "a/b".into(),
            payload: "hello".into(),
            properties: Properties::from(aws_c_mqtt::codec::PropertySet {
                user_properties: vec![("k".into(), "v".into())],
                ..Default::default()
            }),
            ..Default::default()
        });
        let mut o = JsonObject::new();
        packet(&mut o, &p);
        assert_eq!(
            o.finish(),
            r#"{"type":"PUBLISH","qos":1,"packet_id":7,"topic":"a/b","dup":false,"retain":false,"payload_len":5,"payload":"hello","properties":{"user_properties":[["k","v"]]}}"#
        );
    }

    #[test]
    fn packet_type_names_parse_in_any_case() {
        assert_eq!(parse_type("publish"), Some(PacketType::Publish));
        assert_eq!(parse_type("PINGREQ"), Some(PacketType::Pingreq));
        assert_eq!(parse_type("nope"), None);
    }
}
