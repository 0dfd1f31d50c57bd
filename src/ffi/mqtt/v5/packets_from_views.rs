//! The MQTT 5 client's way in: a caller's packet view, checked with upstream's rules and error
//! codes (`aws_mqtt5_packet_*_view_validate` and the checks its operations add), becomes the
//! codec's packet, an owned copy that no longer depends on the caller's memory.
//!
//! Each function returns the aws error code on failure: the packet's `*_OPTIONS_VALIDATION`
//! code (or `AWS_ERROR_MQTT5_USER_PROPERTY_VALIDATION` for a bad user property) where upstream
//! raises it, and `AWS_ERROR_INVALID_ARGUMENT` for a view that is malformed as memory (a NULL
//! array with a count, a cursor with a length and no bytes), which upstream would crash on.
//!
//! The `iot_core` flag says the client runs with `AWS_MQTT5_EVAFCO_AWS_IOT_CORE_DEFAULTS`: then
//! topics, filters and client ids must also be within AWS IoT Core's limits
//! (`client::mqtt5::iot_core`). Upstream v0.16.2 took those checks out of its client; here they
//! stay, as the option promises.

use crate::client::mqtt5::iot_core as iot;
use crate::codec::properties::{Properties, PropertySet};
use crate::codec::topic::is_valid_filter;
use crate::codec::{
    Connect, Disconnect, Publish, PublishRef, QoS, Subscribe, Subscription, Unsubscribe,
};
use crate::codec::{Version, Will, topic, utf8};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_INVALID_ARGUMENT;
use crate::ffi::guard::enum_value;
use crate::ffi::mqtt::mqtt::aws_mqtt_error::{self, *};
use crate::ffi::mqtt::v5::mqtt5_types::aws_mqtt5_disconnect_reason_code;
use crate::ffi::mqtt::v5::mqtt5_views::{
    aws_mqtt5_packet_connect_view, aws_mqtt5_packet_disconnect_view, aws_mqtt5_packet_publish_view,
    aws_mqtt5_packet_subscribe_view, aws_mqtt5_packet_unsubscribe_view, aws_mqtt5_user_property,
};
use crate::ffi::mqtt::v5::storage_support::{optional, slice};
use bytes::Bytes;
use std::ffi::c_int;

/// The most user properties upstream accepts in one packet.
const MAXIMUM_USER_PROPERTIES: usize = 1024;
/// The most topic filters upstream accepts in one SUBSCRIBE or UNSUBSCRIBE.
const MAXIMUM_FILTERS: usize = 1024;
/// The largest variable byte integer, the ceiling of a subscription identifier [MQTT-1.5.5].
const MAXIMUM_VARIABLE_LENGTH_INTEGER: u32 = 268_435_455;
/// The longest MQTT string or binary value [MQTT-1.5.4].
const MAXIMUM_STRING: usize = u16::MAX as usize;
/// Subscriptions go up to QoS 2: this client has QoS 2 (upstream's refuses QoS 2).
const MAXIMUM_SUBSCRIPTION_QOS: c_int = 2;

/// An aws error code, the failure of every conversion here.
type Code = c_int;

fn code(e: aws_mqtt_error) -> Code {
    e as c_int
}

const INVALID_ARGUMENT: Code = AWS_ERROR_INVALID_ARGUMENT as c_int;

/// The bytes a cursor of the view covers.
///
/// # Safety
/// The cursor's pointer, if not NULL, must cover `len` readable bytes.
unsafe fn bytes_of<'a>(c: &aws_byte_cursor) -> Result<&'a [u8], Code> {
    // SAFETY: forwarded caller contract.
    unsafe { c.as_bytes() }.map_err(|_| INVALID_ARGUMENT)
}

/// The items of an array of the view.
///
/// # Safety
/// A non-NULL `p` must point to `n` valid items.
unsafe fn items<'a, T>(p: *const T, n: usize) -> Result<&'a [T], Code> {
    // SAFETY: forwarded caller contract.
    unsafe { slice(p, n) }.map_err(|_| INVALID_ARGUMENT)
}

/// The cursor's bytes as an MQTT UTF-8 string of at most `max` bytes, or `err`.
///
/// # Safety
/// As [`bytes_of`].
unsafe fn mqtt_string(c: &aws_byte_cursor, max: usize, err: Code) -> Result<String, Code> {
    // SAFETY: forwarded caller contract.
    let b = unsafe { bytes_of(c) }?;
    if b.len() > max {
        return Err(err);
    }
    utf8::validate(b).map(str::to_owned).map_err(|_| err)
}

/// An optional MQTT UTF-8 string of at most `max` bytes, or `err`.
///
/// # Safety
/// A non-NULL `c` must point to a cursor as [`bytes_of`] needs.
unsafe fn optional_string(
    c: *const aws_byte_cursor,
    max: usize,
    err: Code,
) -> Result<Option<String>, Code> {
    // SAFETY: forwarded caller contract.
    match unsafe { c.as_ref() } {
        None => Ok(None),
        Some(c) => unsafe { mqtt_string(c, max, err) }.map(Some),
    }
}

/// An optional binary value of at most `max` bytes, copied, or `err`.
///
/// # Safety
/// A non-NULL `c` must point to a cursor as [`bytes_of`] needs.
unsafe fn optional_binary(
    c: *const aws_byte_cursor,
    max: usize,
    err: Code,
) -> Result<Option<Bytes>, Code> {
    // SAFETY: forwarded caller contract.
    let Some(c) = (unsafe { c.as_ref() }) else {
        return Ok(None);
    };
    let b = unsafe { bytes_of(c) }?;
    if b.len() > max {
        return Err(err);
    }
    Ok(Some(Bytes::copy_from_slice(b)))
}

/// The user properties of a view, with upstream's rules: at most 1024, names and values MQTT
/// UTF-8 of at most 65535 bytes; anything else is `AWS_ERROR_MQTT5_USER_PROPERTY_VALIDATION`.
///
/// # Safety
/// A non-NULL `p` must point to `n` properties whose cursors cover readable bytes.
unsafe fn user_properties(
    p: *const aws_mqtt5_user_property,
    n: usize,
) -> Result<Vec<(String, String)>, Code> {
    let err = code(AWS_ERROR_MQTT5_USER_PROPERTY_VALIDATION);
    if n > MAXIMUM_USER_PROPERTIES || (p.is_null() && n > 0) {
        return Err(err);
    }
    // SAFETY: forwarded caller contract.
    let props = unsafe { items(p, n) }?;
    props
        .iter()
        // SAFETY: as above.
        .map(|prop| unsafe {
            Ok((
                mqtt_string(&prop.name, MAXIMUM_STRING, err)?,
                mqtt_string(&prop.value, MAXIMUM_STRING, err)?,
            ))
        })
        .collect()
}

/// True when `filter` names a shared subscription the way upstream recognises one: a first
/// level of `$share` in any case, a non-empty share name without wildcards, then a valid filter.
fn is_shared_subscription(filter: &[u8]) -> bool {
    let mut levels = filter.splitn(3, |&b| b == b'/');
    let (Some(share), Some(name), Some(rest)) = (levels.next(), levels.next(), levels.next())
    else {
        return false;
    };
    share.eq_ignore_ascii_case(b"$share")
        && !name.is_empty()
        && !name.iter().any(|&b| b == b'+' || b == b'#')
        && is_valid_filter(rest)
}

/// A checked PUBLISH view: its topic and payload still the caller's (copied only into the
/// encoded packet), its properties owned, its topic alias apart (the engine decides aliases
/// when it sends; see `codec::EncodedPublish`).
#[derive(Debug)]
pub struct CheckedPublish<'a> {
    pub dup: bool,
    pub qos: QoS,
    pub retain: bool,
    pub packet_id: u16,
    pub topic: &'a str,
    pub payload: &'a [u8],
    pub topic_alias: Option<u16>,
    /// Every property but the topic alias.
    pub properties: Properties,
}

impl CheckedPublish<'_> {
    /// The packet as encoder parts (its topic alias aside).
    pub fn parts(&self) -> PublishRef<'_> {
        PublishRef {
            dup: self.dup,
            qos: self.qos,
            retain: self.retain,
            topic: self.topic,
            packet_id: self.packet_id,
            payload: self.payload,
            properties: &self.properties,
        }
    }

    /// The packet, owned, its topic alias among its properties.
    pub fn into_publish(self) -> Publish {
        let mut properties = self.properties;
        if self.topic_alias.is_some() {
            properties.topic_alias = self.topic_alias;
        }
        Publish {
            dup: self.dup,
            qos: self.qos,
            retain: self.retain,
            topic: self.topic.to_owned(),
            packet_id: self.packet_id,
            payload: Bytes::copy_from_slice(self.payload),
            properties,
        }
    }
}

/// A checked PUBLISH view, with the error code for each fault; the rules of
/// `aws_mqtt5_packet_publish_view_validate`, shared by PUBLISH and the CONNECT's will.
///
/// # Safety
/// The view's pointers must be NULL or valid and its counts describe its arrays; the result
/// borrows the view's topic and payload.
unsafe fn checked_publish<'a>(
    view: &aws_mqtt5_packet_publish_view,
) -> Result<CheckedPublish<'a>, Code> {
    let err = code(AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION);
    let qos = u8::try_from(view.qos)
        .ok()
        .and_then(QoS::from_u8)
        .ok_or(err)?;
    if qos == QoS::AtMostOnce && (view.duplicate || view.packet_id != 0) {
        return Err(err);
    }
    // SAFETY: forwarded caller contract (for this block and the ones below).
    let topic_bytes = unsafe { bytes_of(&view.topic) }?;
    // Upstream refuses an empty topic even when a topic alias could stand in for it.
    let topic = topic::checked_name(topic_bytes).ok_or(err)?;
    let topic_alias = unsafe { optional(view.topic_alias) };
    if topic_alias == Some(0) {
        return Err(err);
    }
    let payload = unsafe { bytes_of(&view.payload) }?;
    // A client never sends subscription identifiers: they come from the server.
    if view.subscription_identifier_count != 0 {
        return Err(err);
    }
    Ok(CheckedPublish {
        dup: view.duplicate,
        qos,
        retain: view.retain,
        packet_id: view.packet_id,
        topic,
        payload,
        topic_alias,
        properties: unsafe { publish_properties(view, payload, err) }?,
    })
}

/// The properties of a PUBLISH view but its topic alias, checked; none allocated when the view
/// sets none (the common publish).
///
/// # Safety
/// As [`checked_publish`].
unsafe fn publish_properties(
    view: &aws_mqtt5_packet_publish_view,
    payload: &[u8],
    err: Code,
) -> Result<Properties, Code> {
    let none = view.payload_format.is_null()
        && view.message_expiry_interval_seconds.is_null()
        && view.response_topic.is_null()
        && view.correlation_data.is_null()
        && view.content_type.is_null()
        && view.user_property_count == 0;
    if none {
        return Ok(Properties::default());
    }
    // SAFETY: forwarded caller contract (for this block and the ones below).
    let payload_format = match unsafe { optional(view.payload_format) } {
        None => None,
        Some(f @ (0 | 1)) => Some(f as u8),
        Some(_) => return Err(err),
    };
    if payload_format == Some(1) && utf8::validate(payload).is_err() {
        return Err(err);
    }
    // Upstream caps these three at 65534 bytes (its check is `>= UINT16_MAX`).
    let response_topic = unsafe { optional_string(view.response_topic, MAXIMUM_STRING - 1, err) }?;
    if response_topic
        .as_deref()
        .is_some_and(|t| !topic::is_valid_name(t.as_bytes()))
    {
        return Err(err);
    }
    let correlation_data =
        unsafe { optional_binary(view.correlation_data, MAXIMUM_STRING - 1, err) }?;
    let content_type = unsafe { optional_string(view.content_type, MAXIMUM_STRING - 1, err) }?;
    let user_properties =
        unsafe { user_properties(view.user_properties, view.user_property_count) }?;
    Ok(Properties::from(PropertySet {
        payload_format_indicator: payload_format,
        message_expiry_interval: unsafe { optional(view.message_expiry_interval_seconds) },
        response_topic,
        correlation_data,
        content_type,
        user_properties,
        ..PropertySet::default()
    }))
}

/// The PUBLISH a caller asked `aws_mqtt5_client_publish` to send, checked as upstream checks
/// it: the view's rules, and no packet identifier (the client assigns it).
///
/// # Safety
/// The view's pointers must be NULL or valid and its counts describe its arrays.
pub unsafe fn publish_from_view<'a>(
    view: &aws_mqtt5_packet_publish_view,
    iot_core: bool,
) -> Result<CheckedPublish<'a>, c_int> {
    // SAFETY: forwarded caller contract.
    let publish = unsafe { checked_publish(view) }?;
    if publish.packet_id != 0 || (iot_core && !iot::topic_allowed(publish.topic)) {
        return Err(code(AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION));
    }
    Ok(publish)
}

/// The SUBSCRIBE a caller asked `aws_mqtt5_client_subscribe` to send, checked as
/// `aws_mqtt5_packet_subscribe_view_validate` does: 1 to 1024 filters, each valid MQTT UTF-8 and
/// a valid filter at QoS 0, 1 or 2 (upstream: 0 or 1) with a known retain handling, no `no_local` on a shared
/// subscription, a subscription identifier no larger than a variable byte integer allows.
///
/// # Safety
/// The view's pointers must be NULL or valid and its counts describe its arrays.
pub unsafe fn subscribe_from_view(
    view: &aws_mqtt5_packet_subscribe_view,
    iot_core: bool,
) -> Result<Subscribe, c_int> {
    let err = code(AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION);
    // The client assigns packet ids.
    if view.packet_id != 0
        || view.subscription_count == 0
        || view.subscription_count > MAXIMUM_FILTERS
    {
        return Err(err);
    }
    // SAFETY: forwarded caller contract (for this block and the ones below).
    let subs = unsafe { items(view.subscriptions, view.subscription_count) }?;
    let mut subscriptions = Vec::with_capacity(subs.len());
    for s in subs {
        let filter = unsafe { mqtt_string(&s.topic_filter, MAXIMUM_STRING, err) }?;
        if !is_valid_filter(filter.as_bytes())
            || !(0..=MAXIMUM_SUBSCRIPTION_QOS).contains(&s.qos)
            || !(0..=2).contains(&s.retain_handling_type)
            || (s.no_local && is_shared_subscription(filter.as_bytes()))
            || (iot_core && !iot::filter_allowed(&filter))
        {
            return Err(err);
        }
        subscriptions.push(Subscription {
            filter,
            qos: QoS::from_u8(s.qos as u8).ok_or(err)?,
            no_local: s.no_local,
            retain_as_published: s.retain_as_published,
            retain_handling: s.retain_handling_type as u8,
        });
    }
    let identifier = unsafe { optional(view.subscription_identifier) };
    if identifier.is_some_and(|id| id > MAXIMUM_VARIABLE_LENGTH_INTEGER) {
        return Err(err);
    }
    let user_properties =
        unsafe { user_properties(view.user_properties, view.user_property_count) }?;
    Ok(Subscribe {
        packet_id: view.packet_id,
        subscriptions,
        properties: Properties::from(PropertySet {
            subscription_identifiers: identifier.into_iter().collect(),
            user_properties,
            ..PropertySet::default()
        }),
    })
}

/// The UNSUBSCRIBE a caller asked `aws_mqtt5_client_unsubscribe` to send, checked as
/// `aws_mqtt5_packet_unsubscribe_view_validate` does: 1 to 1024 filters, each valid MQTT UTF-8
/// and a valid filter.
///
/// # Safety
/// The view's pointers must be NULL or valid and its counts describe its arrays.
pub unsafe fn unsubscribe_from_view(
    view: &aws_mqtt5_packet_unsubscribe_view,
    iot_core: bool,
) -> Result<Unsubscribe, c_int> {
    let err = code(AWS_ERROR_MQTT5_UNSUBSCRIBE_OPTIONS_VALIDATION);
    // The client assigns packet ids.
    if view.packet_id != 0
        || view.topic_filter_count == 0
        || view.topic_filter_count > MAXIMUM_FILTERS
    {
        return Err(err);
    }
    // SAFETY: forwarded caller contract (for this block and the ones below).
    let cursors = unsafe { items(view.topic_filters, view.topic_filter_count) }?;
    let mut filters = Vec::with_capacity(cursors.len());
    for c in cursors {
        let filter = unsafe { mqtt_string(c, usize::MAX, err) }?;
        if !is_valid_filter(filter.as_bytes()) || (iot_core && !iot::filter_allowed(&filter)) {
            return Err(err);
        }
        filters.push(filter);
    }
    let user_properties =
        unsafe { user_properties(view.user_properties, view.user_property_count) }?;
    Ok(Unsubscribe {
        packet_id: view.packet_id,
        filters,
        properties: Properties::from(PropertySet {
            user_properties,
            ..PropertySet::default()
        }),
    })
}

/// The DISCONNECT a caller asked `aws_mqtt5_client_stop` to send, checked as
/// `aws_mqtt5_packet_disconnect_view_validate` does: a known reason code, a reason string of
/// valid MQTT UTF-8, and no server reference (only servers send one).
///
/// # Safety
/// The view's pointers must be NULL or valid and its counts describe its arrays.
pub unsafe fn disconnect_from_view(
    view: &aws_mqtt5_packet_disconnect_view,
    iot_core: bool,
) -> Result<Disconnect, c_int> {
    let _ = iot_core;
    let err = code(AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION);
    enum_value::<aws_mqtt5_disconnect_reason_code>(view.reason_code).map_err(|_| err)?;
    // SAFETY: forwarded caller contract (for this block and the ones below).
    let reason_string = unsafe { optional_string(view.reason_string, MAXIMUM_STRING, err) }?;
    if !view.server_reference.is_null() {
        return Err(err);
    }
    let user_properties =
        unsafe { user_properties(view.user_properties, view.user_property_count) }?;
    Ok(Disconnect {
        reason_code: view.reason_code as u8,
        properties: Properties::from(PropertySet {
            session_expiry_interval: unsafe { optional(view.session_expiry_interval_seconds) },
            reason_string,
            user_properties,
            ..PropertySet::default()
        }),
    })
}

/// The CONNECT the client sends, from the caller's view, checked as
/// `aws_mqtt5_packet_connect_view_validate` does: client id, user name and password within
/// MQTT's limits (the first two valid MQTT UTF-8), a non-zero receive maximum and maximum
/// packet size, request flags of 0 or 1, valid user properties, no enhanced authentication
/// (upstream has none), and a will that passes the PUBLISH rules (their error code) with a
/// payload of at most 65535 bytes. As upstream's packet storage, an empty user name is left
/// out; the will delay interval travels only with a will, and a will's topic alias never.
///
/// # Safety
/// The view's pointers (the will's too) must be NULL or valid and its counts describe its
/// arrays.
pub unsafe fn connect_from_view(
    view: &aws_mqtt5_packet_connect_view,
    iot_core: bool,
) -> Result<Connect, c_int> {
    let err = code(AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION);
    // SAFETY: forwarded caller contract (for this block and the ones below).
    let client_id = unsafe { mqtt_string(&view.client_id, MAXIMUM_STRING, err) }?;
    if iot_core && !iot::client_id_allowed(&client_id) {
        return Err(err);
    }
    let username = unsafe { optional_string(view.username, MAXIMUM_STRING, err) }?;
    let password = unsafe { optional_binary(view.password, MAXIMUM_STRING, err) }?;
    let receive_maximum = unsafe { optional(view.receive_maximum) };
    let maximum_packet_size = unsafe { optional(view.maximum_packet_size_bytes) };
    if receive_maximum == Some(0) || maximum_packet_size == Some(0) {
        return Err(err);
    }
    let will = match unsafe { view.will.as_ref() } {
        None => None,
        Some(w) => {
            let publish = unsafe { checked_publish(w) }?.into_publish();
            if iot_core && !iot::topic_allowed(&publish.topic) {
                return Err(code(AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION));
            }
            if publish.payload.len() > MAXIMUM_STRING {
                return Err(err);
            }
            Some(Will {
                topic: publish.topic,
                payload: publish.payload,
                qos: publish.qos,
                retain: publish.retain,
                properties: Properties::from(PropertySet {
                    topic_alias: None,
                    will_delay_interval: unsafe { optional(view.will_delay_interval_seconds) },
                    ..publish.properties.into_set()
                }),
            })
        }
    };
    let request_problem_information = unsafe { optional(view.request_problem_information) };
    let request_response_information = unsafe { optional(view.request_response_information) };
    if request_problem_information.is_some_and(|v| v > 1)
        || request_response_information.is_some_and(|v| v > 1)
    {
        return Err(err);
    }
    let user_properties =
        unsafe { user_properties(view.user_properties, view.user_property_count) }?;
    if !view.authentication_method.is_null() || !view.authentication_data.is_null() {
        return Err(err);
    }
    Ok(Connect {
        version: Version::V5,
        clean_start: view.clean_start,
        keep_alive: view.keep_alive_interval_seconds,
        client_id,
        will,
        username: username.filter(|u| !u.is_empty()),
        password,
        properties: Properties::from(PropertySet {
            session_expiry_interval: unsafe { optional(view.session_expiry_interval_seconds) },
            request_response_information,
            request_problem_information,
            receive_maximum,
            topic_alias_maximum: unsafe { optional(view.topic_alias_maximum) },
            maximum_packet_size,
            user_properties,
            ..PropertySet::default()
        }),
    })
}
