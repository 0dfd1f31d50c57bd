//! MQTT 5 properties [MQTT-2.2.2]: every identifier with its type, the set each packet allows,
//! duplicates refused except where the specification allows repeats (user properties and, in a
//! PUBLISH, subscription identifiers), user properties kept in order.

use crate::codec::error::{CodecError, Result};
use crate::codec::primitives::{
    MAX_VARIABLE_INTEGER, Reader, Writer, field_len, variable_integer_len,
};
use bytes::Bytes;

/// Property identifiers [MQTT-2.2.2.2], Table 2-4.
pub mod id {
    pub const PAYLOAD_FORMAT_INDICATOR: u8 = 0x01;
    pub const MESSAGE_EXPIRY_INTERVAL: u8 = 0x02;
    pub const CONTENT_TYPE: u8 = 0x03;
    pub const RESPONSE_TOPIC: u8 = 0x08;
    pub const CORRELATION_DATA: u8 = 0x09;
    pub const SUBSCRIPTION_IDENTIFIER: u8 = 0x0B;
    pub const SESSION_EXPIRY_INTERVAL: u8 = 0x11;
    pub const ASSIGNED_CLIENT_IDENTIFIER: u8 = 0x12;
    pub const SERVER_KEEP_ALIVE: u8 = 0x13;
    pub const AUTHENTICATION_METHOD: u8 = 0x15;
    pub const AUTHENTICATION_DATA: u8 = 0x16;
    pub const REQUEST_PROBLEM_INFORMATION: u8 = 0x17;
    pub const WILL_DELAY_INTERVAL: u8 = 0x18;
    pub const REQUEST_RESPONSE_INFORMATION: u8 = 0x19;
    pub const RESPONSE_INFORMATION: u8 = 0x1A;
    pub const SERVER_REFERENCE: u8 = 0x1C;
    pub const REASON_STRING: u8 = 0x1F;
    pub const RECEIVE_MAXIMUM: u8 = 0x21;
    pub const TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
    pub const TOPIC_ALIAS: u8 = 0x23;
    pub const MAXIMUM_QOS: u8 = 0x24;
    pub const RETAIN_AVAILABLE: u8 = 0x25;
    pub const USER_PROPERTY: u8 = 0x26;
    pub const MAXIMUM_PACKET_SIZE: u8 = 0x27;
    pub const WILDCARD_SUBSCRIPTION_AVAILABLE: u8 = 0x28;
    pub const SUBSCRIPTION_IDENTIFIERS_AVAILABLE: u8 = 0x29;
    pub const SHARED_SUBSCRIPTION_AVAILABLE: u8 = 0x2A;
}

/// Where a property block sits, which decides the properties it may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Connect,
    /// The will properties inside a CONNECT's payload.
    Will,
    Connack,
    Publish,
    /// PUBACK, PUBREC, PUBREL and PUBCOMP.
    Ack,
    Subscribe,
    Suback,
    Unsubscribe,
    Unsuback,
    Disconnect,
    Auth,
}

impl Context {
    /// True when a block in this context may hold property `pid` [MQTT-2.2.2.2], Table 2-4.
    pub fn allows(self, pid: u8) -> bool {
        use Context::*;
        use id::*;
        match pid {
            PAYLOAD_FORMAT_INDICATOR
            | MESSAGE_EXPIRY_INTERVAL
            | CONTENT_TYPE
            | RESPONSE_TOPIC
            | CORRELATION_DATA => matches!(self, Publish | Will),
            SUBSCRIPTION_IDENTIFIER => matches!(self, Publish | Subscribe),
            SESSION_EXPIRY_INTERVAL => matches!(self, Connect | Connack | Disconnect),
            ASSIGNED_CLIENT_IDENTIFIER
            | SERVER_KEEP_ALIVE
            | RESPONSE_INFORMATION
            | MAXIMUM_QOS
            | RETAIN_AVAILABLE
            | WILDCARD_SUBSCRIPTION_AVAILABLE
            | SUBSCRIPTION_IDENTIFIERS_AVAILABLE
            | SHARED_SUBSCRIPTION_AVAILABLE => self == Connack,
            AUTHENTICATION_METHOD | AUTHENTICATION_DATA => matches!(self, Connect | Connack | Auth),
            REQUEST_PROBLEM_INFORMATION | REQUEST_RESPONSE_INFORMATION => self == Connect,
            WILL_DELAY_INTERVAL => self == Will,
            SERVER_REFERENCE => matches!(self, Connack | Disconnect),
            REASON_STRING => !matches!(self, Connect | Will | Publish | Subscribe | Unsubscribe),
            RECEIVE_MAXIMUM | TOPIC_ALIAS_MAXIMUM | MAXIMUM_PACKET_SIZE => {
                matches!(self, Connect | Connack)
            }
            TOPIC_ALIAS => self == Publish,
            USER_PROPERTY => true,
            _ => false,
        }
    }
}

/// The properties of a packet, boxed: most packets carry none, and a packet with none costs one
/// pointer instead of the whole set (a queued publish would otherwise carry 344 bytes of absent
/// properties). Reads of an empty set see [`PropertySet::EMPTY`]; the first write allocates.
#[derive(Clone, Default)]
pub struct Properties(Option<Box<PropertySet>>);

impl Properties {
    /// True when no property is set (none was ever written, or every one was cleared).
    pub fn is_empty(&self) -> bool {
        self.0.as_deref().is_none_or(PropertySet::is_empty)
    }

    /// [`PropertySet::body_len`], at once when nothing was ever set (the common PUBLISH: the
    /// set's own check looks at every property, a tenth of a publish's instructions).
    #[inline]
    pub fn body_len(&self, context: Context) -> Result<usize> {
        self.0.as_deref().map_or(Ok(0), |set| set.body_len(context))
    }

    /// [`PropertySet::encoded_len`], at once when nothing was ever set.
    #[inline]
    pub fn encoded_len(&self, context: Context) -> Result<usize> {
        self.0
            .as_deref()
            .map_or(Ok(1), |set| set.encoded_len(context))
    }

    /// [`PropertySet::write`], at once when nothing was ever set: the zero length.
    #[inline]
    pub fn write(&self, w: &mut Writer<'_>, body_len: usize) {
        match self.0.as_deref() {
            Some(set) => set.write(w, body_len),
            None => w.variable_integer(0),
        }
    }

    /// The set, by value.
    pub fn into_set(self) -> PropertySet {
        self.0.map(|b| *b).unwrap_or_default()
    }

    /// Reads a property block (length prefix, then properties) allowed in `context`.
    pub fn read(r: &mut Reader, context: Context) -> Result<Properties> {
        let len = r.variable_integer()? as usize;
        if len > r.remaining() {
            return Err(CodecError::RemainingLengthMismatch);
        }
        if len == 0 {
            return Ok(Properties::default());
        }
        let mut block = Reader::new(r.take(len)?);
        let mut p = PropertySet::default();
        let mut seen = 0u64;
        while !block.is_empty() {
            let pid = u8::try_from(block.variable_integer()?)
                .map_err(|_| CodecError::UnknownProperty(0xFF))?;
            let repeatable = pid == id::USER_PROPERTY
                || (pid == id::SUBSCRIPTION_IDENTIFIER && context == Context::Publish);
            if pid < 64 && seen & (1 << pid) != 0 && !repeatable {
                return Err(CodecError::DuplicateProperty(pid));
            }
            if pid < 64 {
                seen |= 1 << pid;
            }
            p.read_one(&mut block, pid)?;
            if !context.allows(pid) {
                return Err(CodecError::PropertyNotAllowed(pid));
            }
        }
        // Range checks are shared with the encoder.
        p.each(|pid, value| check(context, pid, &value))?;
        Ok(Properties::from(p))
    }
}

/// What an empty [`Properties`] reads as.
static EMPTY: PropertySet = PropertySet::EMPTY;

impl std::ops::Deref for Properties {
    type Target = PropertySet;
    fn deref(&self) -> &PropertySet {
        self.0.as_deref().unwrap_or(&EMPTY)
    }
}

impl std::ops::DerefMut for Properties {
    fn deref_mut(&mut self) -> &mut PropertySet {
        self.0.get_or_insert_with(Default::default)
    }
}

impl From<PropertySet> for Properties {
    /// Boxed only when something is set.
    fn from(set: PropertySet) -> Properties {
        if set.is_empty() {
            Properties(None)
        } else {
            Properties(Some(Box::new(set)))
        }
    }
}

impl PartialEq for Properties {
    fn eq(&self, other: &Properties) -> bool {
        **self == **other
    }
}

impl Eq for Properties {}

impl std::fmt::Debug for Properties {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

/// Every MQTT 5 property a packet can carry; each packet uses the subset its [`Context`] allows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PropertySet {
    pub payload_format_indicator: Option<u8>,
    pub message_expiry_interval: Option<u32>,
    pub content_type: Option<String>,
    pub response_topic: Option<String>,
    pub correlation_data: Option<Bytes>,
    /// Repeatable in a PUBLISH (one per matching subscription); at most one in a SUBSCRIBE.
    pub subscription_identifiers: Vec<u32>,
    pub session_expiry_interval: Option<u32>,
    pub assigned_client_identifier: Option<String>,
    pub server_keep_alive: Option<u16>,
    pub authentication_method: Option<String>,
    pub authentication_data: Option<Bytes>,
    pub request_problem_information: Option<u8>,
    pub will_delay_interval: Option<u32>,
    pub request_response_information: Option<u8>,
    pub response_information: Option<String>,
    pub server_reference: Option<String>,
    pub reason_string: Option<String>,
    pub receive_maximum: Option<u16>,
    pub topic_alias_maximum: Option<u16>,
    pub topic_alias: Option<u16>,
    pub maximum_qos: Option<u8>,
    pub retain_available: Option<u8>,
    /// Name/value pairs, in the order they appear on the wire.
    pub user_properties: Vec<(String, String)>,
    pub maximum_packet_size: Option<u32>,
    pub wildcard_subscription_available: Option<u8>,
    pub subscription_identifiers_available: Option<u8>,
    pub shared_subscription_available: Option<u8>,
}

impl PropertySet {
    /// No property set.
    pub const EMPTY: PropertySet = PropertySet {
        payload_format_indicator: None,
        message_expiry_interval: None,
        content_type: None,
        response_topic: None,
        correlation_data: None,
        subscription_identifiers: Vec::new(),
        session_expiry_interval: None,
        assigned_client_identifier: None,
        server_keep_alive: None,
        authentication_method: None,
        authentication_data: None,
        request_problem_information: None,
        will_delay_interval: None,
        request_response_information: None,
        response_information: None,
        server_reference: None,
        reason_string: None,
        receive_maximum: None,
        topic_alias_maximum: None,
        topic_alias: None,
        maximum_qos: None,
        retain_available: None,
        user_properties: Vec::new(),
        maximum_packet_size: None,
        wildcard_subscription_available: None,
        subscription_identifiers_available: None,
        shared_subscription_available: None,
    };
}

/// One property's value, as it travels.
enum Value<'a> {
    Byte(u8),
    Two(u16),
    Four(u32),
    Variable(u32),
    Text(&'a str),
    Binary(&'a [u8]),
    Pair(&'a str, &'a str),
}

impl PropertySet {
    /// True when no property is set. Every field is named, so a new property cannot be
    /// forgotten here; this runs on every encode, so it compares nothing it need not.
    pub fn is_empty(&self) -> bool {
        let PropertySet {
            payload_format_indicator,
            message_expiry_interval,
            content_type,
            response_topic,
            correlation_data,
            subscription_identifiers,
            session_expiry_interval,
            assigned_client_identifier,
            server_keep_alive,
            authentication_method,
            authentication_data,
            request_problem_information,
            will_delay_interval,
            request_response_information,
            response_information,
            server_reference,
            reason_string,
            receive_maximum,
            topic_alias_maximum,
            topic_alias,
            maximum_qos,
            retain_available,
            user_properties,
            maximum_packet_size,
            wildcard_subscription_available,
            subscription_identifiers_available,
            shared_subscription_available,
        } = self;
        payload_format_indicator.is_none()
            && message_expiry_interval.is_none()
            && content_type.is_none()
            && response_topic.is_none()
            && correlation_data.is_none()
            && subscription_identifiers.is_empty()
            && session_expiry_interval.is_none()
            && assigned_client_identifier.is_none()
            && server_keep_alive.is_none()
            && authentication_method.is_none()
            && authentication_data.is_none()
            && request_problem_information.is_none()
            && will_delay_interval.is_none()
            && request_response_information.is_none()
            && response_information.is_none()
            && server_reference.is_none()
            && reason_string.is_none()
            && receive_maximum.is_none()
            && topic_alias_maximum.is_none()
            && topic_alias.is_none()
            && maximum_qos.is_none()
            && retain_available.is_none()
            && user_properties.is_empty()
            && maximum_packet_size.is_none()
            && wildcard_subscription_available.is_none()
            && subscription_identifiers_available.is_none()
            && shared_subscription_available.is_none()
    }

    /// Every property set, in identifier order (user properties in their own order).
    fn each(&self, mut f: impl FnMut(u8, Value<'_>) -> Result<()>) -> Result<()> {
        use Value::*;
        use id::*;
        macro_rules! opt {
            ($field:ident, $pid:expr, $kind:ident) => {
                if let Some(v) = &self.$field {
                    f($pid, $kind(v.clone().into()))?;
                }
            };
        }
        opt!(payload_format_indicator, PAYLOAD_FORMAT_INDICATOR, Byte);
        opt!(message_expiry_interval, MESSAGE_EXPIRY_INTERVAL, Four);
        if let Some(v) = &self.content_type {
            f(CONTENT_TYPE, Text(v))?;
        }
        if let Some(v) = &self.response_topic {
            f(RESPONSE_TOPIC, Text(v))?;
        }
        if let Some(v) = &self.correlation_data {
            f(CORRELATION_DATA, Binary(v))?;
        }
        for &v in &self.subscription_identifiers {
            f(SUBSCRIPTION_IDENTIFIER, Variable(v))?;
        }
        opt!(session_expiry_interval, SESSION_EXPIRY_INTERVAL, Four);
        if let Some(v) = &self.assigned_client_identifier {
            f(ASSIGNED_CLIENT_IDENTIFIER, Text(v))?;
        }
        opt!(server_keep_alive, SERVER_KEEP_ALIVE, Two);
        if let Some(v) = &self.authentication_method {
            f(AUTHENTICATION_METHOD, Text(v))?;
        }
        if let Some(v) = &self.authentication_data {
            f(AUTHENTICATION_DATA, Binary(v))?;
        }
        opt!(
            request_problem_information,
            REQUEST_PROBLEM_INFORMATION,
            Byte
        );
        opt!(will_delay_interval, WILL_DELAY_INTERVAL, Four);
        opt!(
            request_response_information,
            REQUEST_RESPONSE_INFORMATION,
            Byte
        );
        if let Some(v) = &self.response_information {
            f(RESPONSE_INFORMATION, Text(v))?;
        }
        if let Some(v) = &self.server_reference {
            f(SERVER_REFERENCE, Text(v))?;
        }
        if let Some(v) = &self.reason_string {
            f(REASON_STRING, Text(v))?;
        }
        opt!(receive_maximum, RECEIVE_MAXIMUM, Two);
        opt!(topic_alias_maximum, TOPIC_ALIAS_MAXIMUM, Two);
        opt!(topic_alias, TOPIC_ALIAS, Two);
        opt!(maximum_qos, MAXIMUM_QOS, Byte);
        opt!(retain_available, RETAIN_AVAILABLE, Byte);
        for (k, v) in &self.user_properties {
            f(USER_PROPERTY, Pair(k, v))?;
        }
        opt!(maximum_packet_size, MAXIMUM_PACKET_SIZE, Four);
        opt!(
            wildcard_subscription_available,
            WILDCARD_SUBSCRIPTION_AVAILABLE,
            Byte
        );
        opt!(
            subscription_identifiers_available,
            SUBSCRIPTION_IDENTIFIERS_AVAILABLE,
            Byte
        );
        opt!(
            shared_subscription_available,
            SHARED_SUBSCRIPTION_AVAILABLE,
            Byte
        );
        Ok(())
    }

    /// Bytes of the property block without its length prefix, after checking every property
    /// is allowed in `context` and within its range.
    pub fn body_len(&self, context: Context) -> Result<usize> {
        if self.is_empty() {
            return Ok(0);
        }
        let mut len = 0;
        let mut subscription_ids = 0;
        self.each(|pid, value| {
            check(context, pid, &value)?;
            if pid == id::SUBSCRIPTION_IDENTIFIER {
                subscription_ids += 1;
                if context != Context::Publish && subscription_ids > 1 {
                    return Err(CodecError::DuplicateProperty(pid));
                }
            }
            len += 1 + match value {
                Value::Byte(_) => 1,
                Value::Two(_) => 2,
                Value::Four(_) => 4,
                Value::Variable(v) => variable_integer_len(v),
                Value::Text(s) => field_len(s.as_bytes())?,
                Value::Binary(b) => field_len(b)?,
                Value::Pair(k, v) => field_len(k.as_bytes())? + field_len(v.as_bytes())?,
            };
            Ok(())
        })?;
        Ok(len)
    }

    /// Bytes of the property block including its length prefix.
    pub fn encoded_len(&self, context: Context) -> Result<usize> {
        let body = self.body_len(context)?;
        Ok(variable_integer_len(body as u32) + body)
    }

    /// Writes the block (length prefix, then each property). `body_len` is the value
    /// [`PropertySet::body_len`] returned for the same context.
    pub fn write(&self, w: &mut Writer<'_>, body_len: usize) {
        w.variable_integer(body_len as u32);
        let _ = self.each(|pid, value| {
            w.u8(pid);
            match value {
                Value::Byte(v) => w.u8(v),
                Value::Two(v) => w.u16(v),
                Value::Four(v) | Value::Variable(v) if pid != id::SUBSCRIPTION_IDENTIFIER => {
                    w.u32(v)
                }
                Value::Four(v) | Value::Variable(v) => w.variable_integer(v),
                Value::Text(s) => w.binary(s.as_bytes()),
                Value::Binary(b) => w.binary(b),
                Value::Pair(k, v) => {
                    w.binary(k.as_bytes());
                    w.binary(v.as_bytes());
                }
            }
            Ok(())
        });
    }

    fn read_one(&mut self, r: &mut Reader, pid: u8) -> Result<()> {
        use id::*;
        match pid {
            PAYLOAD_FORMAT_INDICATOR => self.payload_format_indicator = Some(r.u8()?),
            MESSAGE_EXPIRY_INTERVAL => self.message_expiry_interval = Some(r.u32()?),
            CONTENT_TYPE => self.content_type = Some(r.string()?),
            RESPONSE_TOPIC => self.response_topic = Some(r.string()?),
            CORRELATION_DATA => self.correlation_data = Some(r.binary()?),
            SUBSCRIPTION_IDENTIFIER => self.subscription_identifiers.push(r.variable_integer()?),
            SESSION_EXPIRY_INTERVAL => self.session_expiry_interval = Some(r.u32()?),
            ASSIGNED_CLIENT_IDENTIFIER => self.assigned_client_identifier = Some(r.string()?),
            SERVER_KEEP_ALIVE => self.server_keep_alive = Some(r.u16()?),
            AUTHENTICATION_METHOD => self.authentication_method = Some(r.string()?),
            AUTHENTICATION_DATA => self.authentication_data = Some(r.binary()?),
            REQUEST_PROBLEM_INFORMATION => self.request_problem_information = Some(r.u8()?),
            WILL_DELAY_INTERVAL => self.will_delay_interval = Some(r.u32()?),
            REQUEST_RESPONSE_INFORMATION => self.request_response_information = Some(r.u8()?),
            RESPONSE_INFORMATION => self.response_information = Some(r.string()?),
            SERVER_REFERENCE => self.server_reference = Some(r.string()?),
            REASON_STRING => self.reason_string = Some(r.string()?),
            RECEIVE_MAXIMUM => self.receive_maximum = Some(r.u16()?),
            TOPIC_ALIAS_MAXIMUM => self.topic_alias_maximum = Some(r.u16()?),
            TOPIC_ALIAS => self.topic_alias = Some(r.u16()?),
            MAXIMUM_QOS => self.maximum_qos = Some(r.u8()?),
            RETAIN_AVAILABLE => self.retain_available = Some(r.u8()?),
            USER_PROPERTY => {
                let name = r.string()?;
                let value = r.string()?;
                self.user_properties.push((name, value));
            }
            MAXIMUM_PACKET_SIZE => self.maximum_packet_size = Some(r.u32()?),
            WILDCARD_SUBSCRIPTION_AVAILABLE => self.wildcard_subscription_available = Some(r.u8()?),
            SUBSCRIPTION_IDENTIFIERS_AVAILABLE => {
                self.subscription_identifiers_available = Some(r.u8()?)
            }
            SHARED_SUBSCRIPTION_AVAILABLE => self.shared_subscription_available = Some(r.u8()?),
            other => return Err(CodecError::UnknownProperty(other)),
        }
        Ok(())
    }
}

/// Checks one property against its context and its range of values.
fn check(context: Context, pid: u8, value: &Value<'_>) -> Result<()> {
    use id::*;
    if !context.allows(pid) {
        return Err(CodecError::PropertyNotAllowed(pid));
    }
    let in_range = match (pid, value) {
        // Booleans and the maximum QoS are 0 or 1 [MQTT-3.1.2.11.7], [MQTT-3.2.2.3.4], ...
        (
            PAYLOAD_FORMAT_INDICATOR
            | REQUEST_PROBLEM_INFORMATION
            | REQUEST_RESPONSE_INFORMATION
            | MAXIMUM_QOS
            | RETAIN_AVAILABLE
            | WILDCARD_SUBSCRIPTION_AVAILABLE
            | SUBSCRIPTION_IDENTIFIERS_AVAILABLE
            | SHARED_SUBSCRIPTION_AVAILABLE,
            Value::Byte(v),
        ) => *v <= 1,
        // Zero is a protocol error for these [MQTT-3.1.2.11.3], [MQTT-3.1.2.11.4], [MQTT-3.3.2.3.4].
        (RECEIVE_MAXIMUM | TOPIC_ALIAS, Value::Two(v)) => *v != 0,
        (MAXIMUM_PACKET_SIZE, Value::Four(v)) => *v != 0,
        // A subscription identifier is 1 to 268,435,455 [MQTT-3.3.4-?], [MQTT-3.8.2.1.2].
        (SUBSCRIPTION_IDENTIFIER, Value::Variable(v)) => *v != 0 && *v <= MAX_VARIABLE_INTEGER,
        _ => true,
    };
    if in_range {
        Ok(())
    } else {
        Err(CodecError::InvalidPropertyValue(pid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(p: &Properties, context: Context) -> Properties {
        let len = p.encoded_len(context).unwrap();
        let mut out = vec![0u8; len];
        let body = p.body_len(context).unwrap();
        p.write(&mut Writer::new(&mut out), body);
        let mut r = Reader::new(Bytes::from(out));
        let back = Properties::read(&mut r, context).unwrap();
        assert!(r.is_empty());
        back
    }

    #[test]
    fn user_properties_keep_their_order_and_repeats_mqtt_3_1_3_10() {
        let p = Properties::from(PropertySet {
            user_properties: vec![
                ("b".into(), "1".into()),
                ("a".into(), "2".into()),
                ("b".into(), "3".into()),
            ],
            ..Default::default()
        });
        assert_eq!(round_trip(&p, Context::Publish), p);
    }

    #[test]
    fn a_publish_may_repeat_subscription_identifiers_mqtt_3_3_4_3() {
        let p = Properties::from(PropertySet {
            subscription_identifiers: vec![1, 200_000],
            ..Default::default()
        });
        assert_eq!(round_trip(&p, Context::Publish), p);
        assert_eq!(
            p.body_len(Context::Subscribe),
            Err(CodecError::DuplicateProperty(id::SUBSCRIPTION_IDENTIFIER))
        );
    }

    #[test]
    fn a_property_twice_is_a_protocol_error_mqtt_2_2_2_2() {
        // Two session expiry intervals in a CONNECT.
        let raw = [10, 0x11, 0, 0, 0, 1, 0x11, 0, 0, 0, 2];
        let mut r = Reader::new(Bytes::copy_from_slice(&raw));
        assert_eq!(
            Properties::read(&mut r, Context::Connect),
            Err(CodecError::DuplicateProperty(0x11))
        );
    }

    #[test]
    fn a_property_outside_its_packets_set_is_refused_mqtt_2_2_2_2() {
        let raw = [3, 0x23, 0, 1]; // topic alias in a CONNECT
        let mut r = Reader::new(Bytes::copy_from_slice(&raw));
        assert_eq!(
            Properties::read(&mut r, Context::Connect),
            Err(CodecError::PropertyNotAllowed(0x23))
        );
        let p = Properties::from(PropertySet {
            reason_string: Some("x".into()),
            ..Default::default()
        });
        assert_eq!(
            p.body_len(Context::Publish),
            Err(CodecError::PropertyNotAllowed(id::REASON_STRING))
        );
    }

    #[test]
    fn unknown_identifiers_are_refused() {
        let mut r = Reader::new(Bytes::from_static(&[2, 0x7F, 0]));
        assert_eq!(
            Properties::read(&mut r, Context::Connect),
            Err(CodecError::UnknownProperty(0x7F))
        );
    }

    #[test]
    fn zero_receive_maximum_is_a_protocol_error_mqtt_3_1_2_11_3() {
        let mut r = Reader::new(Bytes::from_static(&[3, 0x21, 0, 0]));
        assert_eq!(
            Properties::read(&mut r, Context::Connect),
            Err(CodecError::InvalidPropertyValue(0x21))
        );
    }

    #[test]
    fn every_property_of_a_connack_round_trips() {
        let p = Properties::from(PropertySet {
            session_expiry_interval: Some(60),
            assigned_client_identifier: Some("id".into()),
            server_keep_alive: Some(30),
            authentication_method: Some("m".into()),
            authentication_data: Some(Bytes::from_static(b"d")),
            response_information: Some("r".into()),
            server_reference: Some("s".into()),
            reason_string: Some("why".into()),
            receive_maximum: Some(10),
            topic_alias_maximum: Some(5),
            maximum_qos: Some(1),
            retain_available: Some(0),
            user_properties: vec![("k".into(), "v".into())],
            maximum_packet_size: Some(1024),
            wildcard_subscription_available: Some(1),
            subscription_identifiers_available: Some(1),
            shared_subscription_available: Some(0),
            ..Default::default()
        });
        assert_eq!(round_trip(&p, Context::Connack), p);
    }

    #[test]
    fn nothing_set_sizes_and_writes_as_the_empty_set_does() {
        let set = Properties::from(PropertySet {
            content_type: Some("t".into()),
            ..Default::default()
        });
        for p in [Properties::default(), set] {
            let body = p.body_len(Context::Publish).unwrap();
            assert_eq!(body, (*p).body_len(Context::Publish).unwrap());
            assert_eq!(
                p.encoded_len(Context::Publish).unwrap(),
                (*p).encoded_len(Context::Publish).unwrap()
            );
            let mut fast = vec![0; body + 1];
            let mut slow = fast.clone();
            p.write(&mut Writer::new(&mut fast), body);
            (*p).write(&mut Writer::new(&mut slow), body);
            assert_eq!(fast, slow);
        }
    }
}
