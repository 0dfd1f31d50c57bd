//! Tests of the packet storage functions: each copy outlives its source, its view points into
//! the storage, and cleaning up gives back every block.

use super::connect_storage::*;
use super::disconnect_storage::*;
use super::mqtt5_packet_storage::*;
use super::mqtt5_views::*;
use super::publish_storage::*;
use super::subscribe_storage::*;
use crate::ffi::common::allocator::{
    aws_allocator, aws_default_allocator, aws_mem_tracer_count, aws_mem_tracer_destroy,
    aws_mem_tracer_new,
};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard::INVALID_ARGUMENT;
use std::ptr;

/// An allocator that counts live blocks, for leak checks (also used by the other v5 tests).
pub(super) struct Tracer(pub(super) *mut aws_allocator);

impl Tracer {
    pub(super) fn new() -> Self {
        // SAFETY: the default allocator is valid; level 1 counts bytes and blocks.
        Self(unsafe { aws_mem_tracer_new(aws_default_allocator(), ptr::null_mut(), 1, 0) })
    }

    pub(super) fn live(&self) -> usize {
        // SAFETY: a tracer made by `new`.
        unsafe { aws_mem_tracer_count(self.0) }
    }
}

impl Drop for Tracer {
    fn drop(&mut self) {
        // SAFETY: a tracer made by `new`.
        unsafe { aws_mem_tracer_destroy(self.0) };
    }
}

/// A cursor over a Vec's bytes, which the test keeps alive.
fn cur(bytes: &[u8]) -> aws_byte_cursor {
    aws_byte_cursor::from_slice(bytes)
}

/// The bytes a cursor covers.
fn bytes(c: aws_byte_cursor) -> Vec<u8> {
    // SAFETY: the cursors tested point into live storage.
    unsafe { c.as_bytes() }.expect("valid cursor").to_vec()
}

/// True when `p` points within the storage struct `s` (an optional value kept in it).
fn inside<S, T>(s: &S, p: *const T) -> bool {
    let start = ptr::from_ref(s) as usize;
    (start..start + size_of::<S>()).contains(&(p as usize))
}

fn publish_source(
    strings: &[Vec<u8>; 6],
    props: &[aws_mqtt5_user_property],
    ids: &[u32],
    pfi: &i32,
    expiry: &u32,
    alias: &u16,
    cursors: &[aws_byte_cursor; 3],
) -> aws_mqtt5_packet_publish_view {
    aws_mqtt5_packet_publish_view {
        payload: cur(&strings[0]),
        packet_id: 7,
        qos: 1,
        duplicate: true,
        retain: true,
        topic: cur(&strings[1]),
        payload_format: pfi,
        message_expiry_interval_seconds: expiry,
        topic_alias: alias,
        response_topic: &cursors[0],
        correlation_data: &cursors[1],
        subscription_identifier_count: ids.len(),
        subscription_identifiers: ids.as_ptr(),
        content_type: &cursors[2],
        user_property_count: props.len(),
        user_properties: props.as_ptr(),
    }
}

#[test]
fn a_publish_copy_survives_its_source_and_frees_everything() {
    let t = Tracer::new();
    // SAFETY: all zeroes is an empty storage.
    let mut s: aws_mqtt5_packet_publish_storage = unsafe { std::mem::zeroed() };
    {
        let strings: [Vec<u8>; 6] = [
            b"payload".to_vec(),
            b"a/b".to_vec(),
            b"reply".to_vec(),
            b"corr".to_vec(),
            b"text/plain".to_vec(),
            b"k".to_vec(),
        ];
        let props = [aws_mqtt5_user_property {
            name: cur(&strings[5]),
            value: cur(&strings[2]),
        }];
        let ids = [3u32, 9];
        let cursors = [cur(&strings[2]), cur(&strings[3]), cur(&strings[4])];
        let view = publish_source(&strings, &props, &ids, &1, &60, &4, &cursors);
        // SAFETY: a valid storage, tracer and view.
        assert_eq!(
            unsafe { aws_mqtt5_packet_publish_storage_init(&mut s, t.0, &view) },
            0
        );
    }
    let v = s.storage_view;
    assert_eq!(bytes(v.payload), b"payload");
    assert_eq!(bytes(v.topic), b"a/b");
    assert_eq!(
        (v.packet_id, v.qos, v.duplicate, v.retain),
        (7, 1, true, true)
    );
    assert!(inside(&s, v.payload_format) && inside(&s, v.topic_alias));
    // SAFETY: the view's pointers lead into the storage.
    unsafe {
        assert_eq!(*v.payload_format, 1);
        assert_eq!(*v.message_expiry_interval_seconds, 60);
        assert_eq!(*v.topic_alias, 4);
        assert_eq!(bytes(*v.response_topic), b"reply");
        assert_eq!(bytes(*v.correlation_data), b"corr");
        assert_eq!(bytes(*v.content_type), b"text/plain");
        assert_eq!(
            std::slice::from_raw_parts(v.subscription_identifiers, 2),
            [3, 9]
        );
        assert_eq!(v.user_property_count, 1);
        assert_eq!(bytes((*v.user_properties).name), b"k");
        assert_eq!(bytes((*v.user_properties).value), b"reply");
        assert_eq!(t.live(), 3, "the buffer and two lists");
        aws_mqtt5_packet_publish_storage_clean_up(&mut s);
    }
    assert_eq!(t.live(), 0);
}

#[test]
fn absent_properties_stay_null_in_the_copy() {
    let t = Tracer::new();
    // SAFETY: all zeroes is an empty storage, and an empty disconnect view.
    let mut s: aws_mqtt5_packet_disconnect_storage = unsafe { std::mem::zeroed() };
    let mut view: aws_mqtt5_packet_disconnect_view = unsafe { std::mem::zeroed() };
    view.reason_code = 4;
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { aws_mqtt5_packet_disconnect_storage_init(&mut s, t.0, &view) },
        0
    );
    let v = s.storage_view;
    assert_eq!(v.reason_code, 4);
    assert!(v.reason_string.is_null() && v.server_reference.is_null());
    assert!(v.session_expiry_interval_seconds.is_null() && v.user_properties.is_null());
    // SAFETY: a storage filled above.
    unsafe { aws_mqtt5_packet_disconnect_storage_clean_up(&mut s) };
    assert_eq!(t.live(), 0);
}

#[test]
fn a_connect_copy_owns_its_will_and_drops_an_empty_username() {
    let t = Tracer::new();
    // SAFETY: all zeroes is an empty storage and empty views.
    let mut s: aws_mqtt5_packet_connect_storage = unsafe { std::mem::zeroed() };
    {
        let mut will: aws_mqtt5_packet_publish_view = unsafe { std::mem::zeroed() };
        let topic = b"last/will".to_vec();
        will.topic = cur(&topic);
        will.qos = 1;
        let empty = cur(b"");
        let password = b"secret".to_vec();
        let password = cur(&password);
        let id = b"me".to_vec();
        let mut view: aws_mqtt5_packet_connect_view = unsafe { std::mem::zeroed() };
        view.client_id = cur(&id);
        view.username = &empty;
        view.password = &password;
        view.will = &will;
        view.will_delay_interval_seconds = &5;
        view.keep_alive_interval_seconds = 30;
        // SAFETY: valid arguments.
        let rc = unsafe { aws_mqtt5_packet_connect_storage_init(&mut s, t.0, &view, ptr::null()) };
        assert_eq!(rc, 0);
    }
    let v = s.storage_view;
    assert_eq!(bytes(v.client_id), b"me");
    assert!(v.username.is_null());
    assert_eq!(v.keep_alive_interval_seconds, 30);
    // SAFETY: the view's pointers lead into the storage and its will.
    unsafe {
        assert_eq!(bytes(*v.password), b"secret");
        assert_eq!(*v.will_delay_interval_seconds, 5);
        assert_eq!(v.will, &raw const (*s.will).storage_view);
        assert_eq!(bytes((*v.will).topic), b"last/will");
        aws_mqtt5_packet_connect_storage_clean_up(&mut s);
    }
    assert_eq!(t.live(), 0);
}

#[test]
fn a_failed_init_leaves_a_zeroed_storage_and_no_block() {
    let t = Tracer::new();
    // SAFETY: all zeroes is an empty storage and empty view.
    let mut s: aws_mqtt5_packet_subscribe_storage = unsafe { std::mem::zeroed() };
    let mut view: aws_mqtt5_packet_subscribe_view = unsafe { std::mem::zeroed() };
    let filter = b"a/#".to_vec();
    let subs = [aws_mqtt5_subscription_view {
        topic_filter: cur(&filter),
        qos: 1,
        no_local: false,
        retain_as_published: false,
        retain_handling_type: 0,
    }];
    view.subscriptions = subs.as_ptr();
    view.subscription_count = 1;
    view.user_property_count = 2; // with no array: malformed
    // SAFETY: valid storage and view (malformed on purpose).
    assert_eq!(
        unsafe { aws_mqtt5_packet_subscribe_storage_init(&mut s, t.0, &view) },
        -1
    );
    assert_eq!(aws_last_error(), INVALID_ARGUMENT.0);
    assert!(s.storage.buffer.is_null() && s.subscriptions.data.is_null());
    assert_eq!(t.live(), 0);
    // SAFETY: a zeroed storage may be cleaned up.
    unsafe { aws_mqtt5_packet_subscribe_storage_clean_up(&mut s) };
}

#[test]
fn suback_and_unsuback_copies_keep_their_reason_codes() {
    let t = Tracer::new();
    let codes = [0, 1, 128];
    // SAFETY: all zeroes is an empty storage and empty views.
    let mut sub: aws_mqtt5_packet_suback_storage = unsafe { std::mem::zeroed() };
    let mut view: aws_mqtt5_packet_suback_view = unsafe { std::mem::zeroed() };
    view.packet_id = 12;
    view.reason_codes = codes.as_ptr();
    view.reason_code_count = 3;
    let mut unsub: aws_mqtt5_packet_unsuback_storage = unsafe { std::mem::zeroed() };
    let mut uview: aws_mqtt5_packet_unsuback_view = unsafe { std::mem::zeroed() };
    uview.reason_codes = codes.as_ptr();
    uview.reason_code_count = 2;
    // SAFETY: valid arguments; the copies are read while alive.
    unsafe {
        assert_eq!(
            aws_mqtt5_packet_suback_storage_init(&mut sub, t.0, &view),
            0
        );
        assert_eq!(
            aws_mqtt5_packet_unsuback_storage_init(&mut unsub, t.0, &uview),
            0
        );
        let v = sub.storage_view;
        assert_eq!(v.packet_id, 12);
        assert_ne!(v.reason_codes, codes.as_ptr());
        assert_eq!(std::slice::from_raw_parts(v.reason_codes, 3), codes);
        assert_eq!(
            std::slice::from_raw_parts(unsub.storage_view.reason_codes, 2),
            [0, 1]
        );
        assert_eq!(sub.allocator, t.0);
        aws_mqtt5_packet_suback_storage_clean_up(&mut sub);
        aws_mqtt5_packet_unsuback_storage_clean_up(&mut unsub);
    }
    assert_eq!(t.live(), 0);
}

#[test]
fn external_storage_init_prepares_empty_lists() {
    let t = Tracer::new();
    // SAFETY: the storages are written by the calls; zeroed values are valid to start from.
    unsafe {
        let mut p: aws_mqtt5_packet_publish_storage = std::mem::zeroed();
        assert_eq!(
            aws_mqtt5_packet_publish_storage_init_from_external_storage(&mut p, t.0),
            0
        );
        assert_eq!(p.subscription_identifiers.item_size, 4);
        assert_eq!(p.user_properties.properties.alloc, t.0);
        let mut u: aws_mqtt5_packet_unsubscribe_storage = std::mem::zeroed();
        assert_eq!(
            aws_mqtt5_packet_unsubscribe_storage_init_from_external_storage(&mut u, t.0),
            0
        );
        assert_eq!(u.topic_filters.item_size, size_of::<aws_byte_cursor>());
        let mut c: aws_mqtt5_packet_connack_storage = std::mem::zeroed();
        assert_eq!(
            aws_mqtt5_packet_connack_storage_init_from_external_storage(&mut c, t.0),
            0
        );
        assert!(c.allocator.is_null());
        aws_mqtt5_packet_publish_storage_clean_up(&mut p);
        aws_mqtt5_packet_unsubscribe_storage_clean_up(&mut u);
        aws_mqtt5_packet_connack_storage_clean_up(&mut c);
    }
    assert_eq!(t.live(), 0);
}
