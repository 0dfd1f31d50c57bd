//! Tests of the conversions between C packet views and codec packets: every field survives
//! view → packet → view, and every rule of upstream's view validation fails with its code.

use super::mqtt5_views::*;
use super::packets_from_views::*;
use super::views_of_packets::*;
use crate::codec::properties::{Properties, PropertySet};
use crate::codec::{Connack, Disconnect, PubAck, Publish, QoS, Suback, Unsuback};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_INVALID_ARGUMENT;
use crate::ffi::mqtt::mqtt::aws_mqtt_error::{self, *};
use bytes::Bytes;
use std::ffi::c_int;
use std::ptr;

fn cur(text: &'static str) -> aws_byte_cursor {
    aws_byte_cursor::from_slice(text.as_bytes())
}

/// The bytes a view's cursor covers (the test keeps their owner alive).
fn bytes(c: &aws_byte_cursor) -> &[u8] {
    // SAFETY: every cursor tested points into a live packet or static text.
    unsafe { c.as_bytes() }.expect("valid cursor")
}

/// The bytes behind an optional cursor of a view.
fn opt_bytes(c: *const aws_byte_cursor) -> Option<Vec<u8>> {
    // SAFETY: the views tested hold NULL or valid pointers.
    unsafe { c.as_ref() }.map(|c| bytes(c).to_vec())
}

/// The value behind an optional pointer of a view.
fn opt<T: Copy>(p: *const T) -> Option<T> {
    // SAFETY: as above.
    unsafe { p.as_ref() }.copied()
}

/// The items of an array of a view.
fn list<'a, T>(p: *const T, n: usize) -> &'a [T] {
    if n == 0 {
        return &[];
    }
    // SAFETY: the views tested describe live arrays.
    unsafe { std::slice::from_raw_parts(p, n) }
}

fn pairs(p: *const aws_mqtt5_user_property, n: usize) -> Vec<(Vec<u8>, Vec<u8>)> {
    list(p, n)
        .iter()
        .map(|u| (bytes(&u.name).to_vec(), bytes(&u.value).to_vec()))
        .collect()
}

fn code(e: aws_mqtt_error) -> c_int {
    e as c_int
}

const PROPS: [aws_mqtt5_user_property; 2] = [
    aws_mqtt5_user_property {
        name: aws_byte_cursor {
            len: 1,
            ptr: b"a".as_ptr().cast_mut(),
        },
        value: aws_byte_cursor {
            len: 2,
            ptr: b"bc".as_ptr().cast_mut(),
        },
    },
    aws_mqtt5_user_property {
        name: aws_byte_cursor {
            len: 1,
            ptr: b"d".as_ptr().cast_mut(),
        },
        value: aws_byte_cursor {
            len: 0,
            ptr: ptr::null_mut(),
        },
    },
];

fn expected_pairs() -> Vec<(Vec<u8>, Vec<u8>)> {
    vec![(b"a".to_vec(), b"bc".to_vec()), (b"d".to_vec(), Vec::new())]
}

/// Values a full PUBLISH view points to.
struct PublishSource {
    pfi: c_int,
    expiry: u32,
    alias: u16,
    response: aws_byte_cursor,
    correlation: aws_byte_cursor,
    content: aws_byte_cursor,
}

fn publish_source() -> PublishSource {
    PublishSource {
        pfi: 1,
        expiry: 90,
        alias: 2,
        response: cur("reply/here"),
        correlation: cur("\u{1}bin"),
        content: cur("text/plain"),
    }
}

fn publish_view(s: &PublishSource) -> aws_mqtt5_packet_publish_view {
    aws_mqtt5_packet_publish_view {
        payload: cur("héllo"),
        packet_id: 0,
        qos: 1,
        duplicate: true,
        retain: true,
        topic: cur("a/b/c"),
        payload_format: &s.pfi,
        message_expiry_interval_seconds: &s.expiry,
        topic_alias: &s.alias,
        response_topic: &s.response,
        correlation_data: &s.correlation,
        subscription_identifier_count: 0,
        subscription_identifiers: ptr::null(),
        content_type: &s.content,
        user_property_count: 2,
        user_properties: PROPS.as_ptr(),
    }
}

fn assert_same_publish(a: &aws_mqtt5_packet_publish_view, b: &aws_mqtt5_packet_publish_view) {
    assert_eq!(bytes(&a.payload), bytes(&b.payload));
    assert_eq!(a.packet_id, b.packet_id);
    assert_eq!(
        (a.qos, a.duplicate, a.retain),
        (b.qos, b.duplicate, b.retain)
    );
    assert_eq!(bytes(&a.topic), bytes(&b.topic));
    assert_eq!(opt(a.payload_format), opt(b.payload_format));
    assert_eq!(
        opt(a.message_expiry_interval_seconds),
        opt(b.message_expiry_interval_seconds)
    );
    assert_eq!(opt(a.topic_alias), opt(b.topic_alias));
    assert_eq!(opt_bytes(a.response_topic), opt_bytes(b.response_topic));
    assert_eq!(opt_bytes(a.correlation_data), opt_bytes(b.correlation_data));
    assert_eq!(
        list(a.subscription_identifiers, a.subscription_identifier_count),
        list(b.subscription_identifiers, b.subscription_identifier_count)
    );
    assert_eq!(opt_bytes(a.content_type), opt_bytes(b.content_type));
    assert_eq!(
        pairs(a.user_properties, a.user_property_count),
        pairs(b.user_properties, b.user_property_count)
    );
}

#[test]
fn every_publish_field_round_trips_through_the_codec_packet() {
    let source = publish_source();
    let view = publish_view(&source);
    // SAFETY: a valid view.
    let packet = unsafe { publish_from_view(&view, false) }
        .expect("valid publish")
        .into_publish();
    assert_eq!(packet.qos, QoS::AtLeastOnce);
    with_publish_view(&packet, |back| assert_same_publish(&view, back));
}

#[test]
fn a_received_publish_shows_its_subscription_identifiers_and_absent_properties_as_null() {
    let packet = Publish {
        topic: "t".into(),
        payload: Bytes::from_static(b"x"),
        properties: Properties::from(PropertySet {
            subscription_identifiers: vec![4, 268_435_455],
            ..PropertySet::default()
        }),
        ..Publish::default()
    };
    with_publish_view(&packet, |v| {
        assert_eq!(
            list(v.subscription_identifiers, v.subscription_identifier_count),
            [4, 268_435_455]
        );
        assert!(v.payload_format.is_null() && v.response_topic.is_null());
        assert!(v.user_properties.is_null() && v.user_property_count == 0);
        assert_eq!(v.payload.ptr.cast_const(), packet.payload.as_ptr());
    });
}

#[test]
fn every_disconnect_field_round_trips_through_the_codec_packet() {
    let reason = cur("going");
    let expiry = 0u32;
    let view = aws_mqtt5_packet_disconnect_view {
        reason_code: 4,
        session_expiry_interval_seconds: &expiry,
        reason_string: &reason,
        user_property_count: 2,
        user_properties: PROPS.as_ptr(),
        server_reference: ptr::null(),
    };
    // SAFETY: a valid view.
    let packet = unsafe { disconnect_from_view(&view, false) }.expect("valid disconnect");
    with_disconnect_view(&packet, |v| {
        assert_eq!(v.reason_code, 4);
        assert_eq!(opt(v.session_expiry_interval_seconds), Some(0));
        assert_eq!(opt_bytes(v.reason_string), Some(b"going".to_vec()));
        assert_eq!(
            pairs(v.user_properties, v.user_property_count),
            expected_pairs()
        );
        assert!(v.server_reference.is_null());
    });
    let from_server = Disconnect {
        reason_code: 157,
        properties: Properties::from(PropertySet {
            server_reference: Some("b.example".into()),
            ..PropertySet::default()
        }),
    };
    with_disconnect_view(&from_server, |v| {
        assert_eq!(opt_bytes(v.server_reference), Some(b"b.example".to_vec()));
    });
}

#[test]
fn a_connect_view_becomes_a_connect_with_its_will() {
    let source = publish_source();
    let mut will = publish_view(&source);
    will.duplicate = false;
    let (username, password) = (cur(""), cur("pw"));
    let (expiry, rri, rpi, rmax, amax, psize, delay) =
        (60u32, 1u8, 0u8, 10u16, 3u16, 4096u32, 7u32);
    let view = aws_mqtt5_packet_connect_view {
        keep_alive_interval_seconds: 30,
        client_id: cur("dev-1"),
        username: &username,
        password: &password,
        clean_start: true,
        session_expiry_interval_seconds: &expiry,
        request_response_information: &rri,
        request_problem_information: &rpi,
        receive_maximum: &rmax,
        topic_alias_maximum: &amax,
        maximum_packet_size_bytes: &psize,
        will_delay_interval_seconds: &delay,
        will: &will,
        user_property_count: 2,
        user_properties: PROPS.as_ptr(),
        authentication_method: ptr::null(),
        authentication_data: ptr::null(),
    };
    // SAFETY: a valid view.
    let c = unsafe { connect_from_view(&view, false) }.expect("valid connect");
    assert_eq!(
        (c.keep_alive, c.clean_start, c.client_id.as_str()),
        (30, true, "dev-1")
    );
    assert_eq!(c.username, None, "an empty user name is left out");
    assert_eq!(c.password.as_deref(), Some(&b"pw"[..]));
    let p = &c.properties;
    assert_eq!(
        (p.session_expiry_interval, p.request_response_information),
        (Some(60), Some(1))
    );
    assert_eq!(
        (p.request_problem_information, p.receive_maximum),
        (Some(0), Some(10))
    );
    assert_eq!(
        (p.topic_alias_maximum, p.maximum_packet_size),
        (Some(3), Some(4096))
    );
    assert_eq!(
        p.user_properties,
        vec![("a".into(), "bc".into()), ("d".into(), String::new())]
    );
    let w = c.will.expect("a will");
    assert_eq!(
        (w.topic.as_str(), &w.payload[..]),
        ("a/b/c", "héllo".as_bytes())
    );
    assert_eq!((w.qos, w.retain), (QoS::AtLeastOnce, true));
    assert_eq!(w.properties.will_delay_interval, Some(7));
    assert_eq!(
        w.properties.topic_alias, None,
        "a will carries no topic alias"
    );
    assert_eq!(w.properties.content_type.as_deref(), Some("text/plain"));
    assert_eq!(w.properties.user_properties.len(), 2);
}

#[test]
fn subscribe_and_unsubscribe_views_become_packets() {
    let subs = [
        aws_mqtt5_subscription_view {
            topic_filter: cur("$share/g/a/+"),
            qos: 1,
            no_local: false,
            retain_as_published: true,
            retain_handling_type: 2,
        },
        aws_mqtt5_subscription_view {
            topic_filter: cur("b/#"),
            qos: 0,
            no_local: true,
            retain_as_published: false,
            retain_handling_type: 1,
        },
    ];
    let id = 12u32;
    let view = aws_mqtt5_packet_subscribe_view {
        packet_id: 0,
        subscription_count: 2,
        subscriptions: subs.as_ptr(),
        subscription_identifier: &id,
        user_property_count: 2,
        user_properties: PROPS.as_ptr(),
    };
    // SAFETY: valid views.
    let s = unsafe { subscribe_from_view(&view, true) }.expect("valid subscribe");
    assert_eq!(s.subscriptions.len(), 2);
    let first = &s.subscriptions[0];
    assert_eq!(
        (first.filter.as_str(), first.qos),
        ("$share/g/a/+", QoS::AtLeastOnce)
    );
    assert_eq!(
        (
            first.no_local,
            first.retain_as_published,
            first.retain_handling
        ),
        (false, true, 2)
    );
    assert_eq!(
        (
            s.subscriptions[1].no_local,
            s.subscriptions[1].retain_handling
        ),
        (true, 1)
    );
    assert_eq!(s.properties.subscription_identifiers, vec![12]);
    assert_eq!(s.properties.user_properties.len(), 2);

    let filters = [cur("a/+"), cur("#")];
    let view = aws_mqtt5_packet_unsubscribe_view {
        packet_id: 0,
        topic_filter_count: 2,
        topic_filters: filters.as_ptr(),
        user_property_count: 0,
        user_properties: ptr::null(),
    };
    // SAFETY: a valid view.
    let u = unsafe { unsubscribe_from_view(&view, false) }.expect("valid unsubscribe");
    assert_eq!(u.filters, vec!["a/+".to_string(), "#".to_string()]);
}

#[test]
fn a_connack_view_shows_every_property() {
    let packet = Connack {
        session_present: true,
        reason_code: 0,
        properties: Properties::from(PropertySet {
            session_expiry_interval: Some(5),
            receive_maximum: Some(20),
            maximum_qos: Some(1),
            retain_available: Some(0),
            maximum_packet_size: Some(1000),
            assigned_client_identifier: Some("auto-1".into()),
            topic_alias_maximum: Some(8),
            reason_string: Some("ok".into()),
            user_properties: vec![("k".into(), "v".into())],
            wildcard_subscription_available: Some(1),
            subscription_identifiers_available: Some(0),
            shared_subscription_available: Some(1),
            server_keep_alive: Some(45),
            response_information: Some("ri".into()),
            server_reference: Some("sr".into()),
            authentication_method: Some("am".into()),
            authentication_data: Some(Bytes::from_static(b"ad")),
            ..PropertySet::default()
        }),
    };
    with_connack_view(&packet, |v| {
        assert!(v.session_present);
        assert_eq!(v.reason_code, 0);
        assert_eq!(
            (opt(v.session_expiry_interval), opt(v.receive_maximum)),
            (Some(5), Some(20))
        );
        assert_eq!(
            (opt(v.maximum_qos), opt(v.retain_available)),
            (Some(1), Some(false))
        );
        assert_eq!(
            (opt(v.maximum_packet_size), opt(v.topic_alias_maximum)),
            (Some(1000), Some(8))
        );
        assert_eq!(
            opt_bytes(v.assigned_client_identifier),
            Some(b"auto-1".to_vec())
        );
        assert_eq!(opt_bytes(v.reason_string), Some(b"ok".to_vec()));
        assert_eq!(
            pairs(v.user_properties, v.user_property_count),
            vec![(b"k".to_vec(), b"v".to_vec())]
        );
        assert_eq!(opt(v.wildcard_subscriptions_available), Some(true));
        assert_eq!(opt(v.subscription_identifiers_available), Some(false));
        assert_eq!(opt(v.shared_subscriptions_available), Some(true));
        assert_eq!(opt(v.server_keep_alive), Some(45));
        assert_eq!(opt_bytes(v.response_information), Some(b"ri".to_vec()));
        assert_eq!(opt_bytes(v.server_reference), Some(b"sr".to_vec()));
        assert_eq!(opt_bytes(v.authentication_method), Some(b"am".to_vec()));
        assert_eq!(opt_bytes(v.authentication_data), Some(b"ad".to_vec()));
    });
    with_connack_view(&Connack::default(), |v| {
        assert!(v.maximum_qos.is_null() && v.retain_available.is_null());
        assert!(v.assigned_client_identifier.is_null() && v.user_properties.is_null());
    });
}

#[test]
fn acknowledgement_views_show_codes_strings_and_properties() {
    let props = Properties::from(PropertySet {
        reason_string: Some("why".into()),
        user_properties: vec![("n".into(), "v".into())],
        ..PropertySet::default()
    });
    // What each view shows of `props`.
    let shown =
        |reason_string, properties, count| (opt_bytes(reason_string), pairs(properties, count));
    let expected = (Some(b"why".to_vec()), vec![(b"n".to_vec(), b"v".to_vec())]);
    let puback = PubAck {
        packet_id: 9,
        reason_code: 16,
        properties: props.clone(),
    };
    with_puback_view(&puback, |v| {
        assert_eq!((v.packet_id, v.reason_code), (9, 16));
        let shown = shown(v.reason_string, v.user_properties, v.user_property_count);
        assert_eq!(shown, expected);
    });
    let suback = Suback {
        packet_id: 3,
        reason_codes: vec![0, 1, 135],
        properties: props.clone(),
    };
    with_suback_view(&suback, |v| {
        assert_eq!(v.packet_id, 3);
        assert_eq!(list(v.reason_codes, v.reason_code_count), [0, 1, 135]);
        let shown = shown(v.reason_string, v.user_properties, v.user_property_count);
        assert_eq!(shown, expected);
    });
    let unsuback = Unsuback {
        packet_id: 4,
        reason_codes: vec![17],
        properties: props,
    };
    with_unsuback_view(&unsuback, |v| {
        assert_eq!(v.packet_id, 4);
        assert_eq!(list(v.reason_codes, v.reason_code_count), [17]);
        let shown = shown(v.reason_string, v.user_properties, v.user_property_count);
        assert_eq!(shown, expected);
    });
}

/// The error `publish_from_view` gives a full view changed by `change`.
fn publish_error(change: impl FnOnce(&mut aws_mqtt5_packet_publish_view)) -> c_int {
    let source = publish_source();
    let mut view = publish_view(&source);
    change(&mut view);
    // SAFETY: the changes keep pointers valid (or NULL).
    unsafe { publish_from_view(&view, false) }.expect_err("refused")
}

#[test]
fn publish_views_are_refused_as_upstream_refuses_them() {
    let e = code(AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION);
    let bad_pfi: c_int = 2;
    let zero: u16 = 0;
    let ids = [1u32];
    let wildcard_reply = cur("reply/#");
    assert_eq!(publish_error(|v| v.qos = 3), e);
    assert_eq!(publish_error(|v| v.qos = -1), e);
    assert_eq!(
        publish_error(|v| (v.qos, v.retain) = (0, false)),
        e,
        "QoS 0 with DUP"
    );
    assert_eq!(
        publish_error(|v| v.packet_id = 5),
        e,
        "the client assigns packet ids"
    );
    assert_eq!(publish_error(|v| v.topic = cur("")), e);
    assert_eq!(publish_error(|v| v.topic = cur("a/+")), e);
    assert_eq!(publish_error(|v| v.topic = cur("a\u{0}b")), e);
    assert_eq!(publish_error(|v| v.topic_alias = &zero), e);
    assert_eq!(publish_error(|v| v.payload_format = &bad_pfi), e);
    assert_eq!(
        publish_error(|v| v.payload = aws_byte_cursor::from_slice(b"\xff")),
        e
    );
    assert_eq!(publish_error(|v| v.response_topic = &wildcard_reply), e);
    assert_eq!(
        publish_error(
            |v| (v.subscription_identifier_count, v.subscription_identifiers) = (1, ids.as_ptr())
        ),
        e
    );
    let bad = [aws_mqtt5_user_property {
        name: cur("\u{1}"),
        value: cur("v"),
    }];
    assert_eq!(
        publish_error(|v| (v.user_property_count, v.user_properties) = (1, bad.as_ptr())),
        code(AWS_ERROR_MQTT5_USER_PROPERTY_VALIDATION)
    );
    assert_eq!(
        publish_error(|v| v.user_properties = ptr::null()),
        code(AWS_ERROR_MQTT5_USER_PROPERTY_VALIDATION)
    );
    assert_eq!(
        publish_error(|v| v.topic = aws_byte_cursor {
            len: 3,
            ptr: ptr::null_mut()
        }),
        AWS_ERROR_INVALID_ARGUMENT as c_int
    );
}

#[test]
fn subscribe_unsubscribe_and_disconnect_views_are_refused_as_upstream_refuses_them() {
    let sub =
        |filter: &'static str, qos: c_int, no_local: bool, rh: c_int| aws_mqtt5_subscription_view {
            topic_filter: cur(filter),
            qos,
            no_local,
            retain_as_published: false,
            retain_handling_type: rh,
        };
    let subscribe_error = |s: aws_mqtt5_subscription_view, id: Option<u32>| {
        let id = id.unwrap_or(0);
        let view = aws_mqtt5_packet_subscribe_view {
            packet_id: 0,
            subscription_count: 1,
            subscriptions: &s,
            subscription_identifier: if id == 0 { ptr::null() } else { &id },
            user_property_count: 0,
            user_properties: ptr::null(),
        };
        // SAFETY: a view over live values.
        unsafe { subscribe_from_view(&view, false) }.err()
    };
    let e = Some(code(AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION));
    assert_eq!(subscribe_error(sub("a/b", 3, false, 0), None), e);
    assert_eq!(
        subscribe_error(sub("a/b", 2, false, 0), None),
        None,
        "QoS 2 subscriptions (upstream refuses them)"
    );
    assert_eq!(subscribe_error(sub("a/b", 0, false, 3), None), e);
    assert_eq!(subscribe_error(sub("a/b#", 0, false, 0), None), e);
    assert_eq!(
        subscribe_error(sub("$SHARE/g/a", 0, true, 0), None),
        e,
        "no_local on a shared filter"
    );
    assert_eq!(
        subscribe_error(sub("$share/g", 0, true, 0), None),
        None,
        "not a shared filter"
    );
    assert_eq!(subscribe_error(sub("a", 0, false, 0), Some(268_435_456)), e);
    let empty = aws_mqtt5_packet_subscribe_view {
        packet_id: 0,
        subscription_count: 0,
        subscriptions: ptr::null(),
        subscription_identifier: ptr::null(),
        user_property_count: 0,
        user_properties: ptr::null(),
    };
    // SAFETY: a valid (empty) view.
    assert_eq!(unsafe { subscribe_from_view(&empty, false) }.err(), e);

    let filters = [cur("a/#/b")];
    let mut unsubscribe = aws_mqtt5_packet_unsubscribe_view {
        packet_id: 0,
        topic_filter_count: 1,
        topic_filters: filters.as_ptr(),
        user_property_count: 0,
        user_properties: ptr::null(),
    };
    let e = Some(code(AWS_ERROR_MQTT5_UNSUBSCRIBE_OPTIONS_VALIDATION));
    // SAFETY: views over live values.
    assert_eq!(
        unsafe { unsubscribe_from_view(&unsubscribe, false) }.err(),
        e
    );
    unsubscribe.topic_filter_count = 0;
    assert_eq!(
        unsafe { unsubscribe_from_view(&unsubscribe, false) }.err(),
        e
    );

    let reference = cur("elsewhere");
    let mut disconnect = aws_mqtt5_packet_disconnect_view {
        reason_code: 1,
        session_expiry_interval_seconds: ptr::null(),
        reason_string: ptr::null(),
        user_property_count: 0,
        user_properties: ptr::null(),
        server_reference: ptr::null(),
    };
    let e = Some(code(AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION));
    // SAFETY: views over live values.
    assert_eq!(
        unsafe { disconnect_from_view(&disconnect, false) }.err(),
        e,
        "no reason code 1"
    );
    disconnect.reason_code = 0;
    disconnect.server_reference = &reference;
    assert_eq!(
        unsafe { disconnect_from_view(&disconnect, false) }.err(),
        e,
        "clients send no server reference"
    );
}

#[test]
fn connect_views_are_refused_as_upstream_refuses_them() {
    let (zero16, zero32, two, method) = (0u16, 0u32, 2u8, cur("SCRAM"));
    let base = aws_mqtt5_packet_connect_view {
        keep_alive_interval_seconds: 0,
        client_id: cur("id"),
        username: ptr::null(),
        password: ptr::null(),
        clean_start: false,
        session_expiry_interval_seconds: ptr::null(),
        request_response_information: ptr::null(),
        request_problem_information: ptr::null(),
        receive_maximum: ptr::null(),
        topic_alias_maximum: ptr::null(),
        maximum_packet_size_bytes: ptr::null(),
        will_delay_interval_seconds: ptr::null(),
        will: ptr::null(),
        user_property_count: 0,
        user_properties: ptr::null(),
        authentication_method: ptr::null(),
        authentication_data: ptr::null(),
    };
    let e = code(AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION);
    let error = |change: &dyn Fn(&mut aws_mqtt5_packet_connect_view)| {
        let mut v = base;
        change(&mut v);
        // SAFETY: views over live values.
        unsafe { connect_from_view(&v, false) }.err()
    };
    assert_eq!(error(&|_| ()), None);
    assert_eq!(error(&|v| v.receive_maximum = &zero16), Some(e));
    assert_eq!(error(&|v| v.maximum_packet_size_bytes = &zero32), Some(e));
    assert_eq!(error(&|v| v.request_problem_information = &two), Some(e));
    assert_eq!(error(&|v| v.request_response_information = &two), Some(e));
    assert_eq!(error(&|v| v.authentication_method = &method), Some(e));
    assert_eq!(error(&|v| v.client_id = cur("\u{7f}")), Some(e));

    let source = publish_source();
    let mut will = publish_view(&source);
    will.duplicate = false;
    will.topic = cur("bad/+");
    assert_eq!(
        error(&|v| v.will = &will),
        Some(code(AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION)),
        "a will is checked by the PUBLISH rules, with their code"
    );
    let big = vec![b'x'; 65536];
    let mut big_will = publish_view(&source);
    big_will.duplicate = false;
    big_will.payload_format = ptr::null();
    big_will.payload = aws_byte_cursor::from_slice(&big);
    assert_eq!(error(&|v| v.will = &big_will), Some(e));
}

#[test]
fn iot_core_limits_apply_only_under_iot_core_defaults() {
    let deep = "1/2/3/4/5/6/7/8/9";
    let view = aws_mqtt5_packet_publish_view {
        topic: cur(deep),
        ..unsafe { std::mem::zeroed() }
    };
    // SAFETY: a view over live values.
    assert!(unsafe { publish_from_view(&view, false) }.is_ok());
    assert_eq!(
        unsafe { publish_from_view(&view, true) }.err(),
        Some(code(AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION))
    );
    let filter = cur(deep);
    let unsubscribe = aws_mqtt5_packet_unsubscribe_view {
        packet_id: 0,
        topic_filter_count: 1,
        topic_filters: &filter,
        user_property_count: 0,
        user_properties: ptr::null(),
    };
    // SAFETY: as above.
    assert!(unsafe { unsubscribe_from_view(&unsubscribe, false) }.is_ok());
    assert_eq!(
        unsafe { unsubscribe_from_view(&unsubscribe, true) }.err(),
        Some(code(AWS_ERROR_MQTT5_UNSUBSCRIBE_OPTIONS_VALIDATION))
    );
}
