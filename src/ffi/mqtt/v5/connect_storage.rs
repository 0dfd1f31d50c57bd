//! `aws/mqtt/v5/mqtt5_packet_storage.h`: owning copies of CONNECT and CONNACK.
//!
//! `_init` copies a view: every present optional value into the storage struct, every string
//! and binary value into its one buffer (sized exactly), the user properties into its set, and
//! (for CONNECT) the will into a separately allocated publish storage; `storage_view` then
//! describes the copy. `_init_from_external_storage` only prepares an empty user property set,
//! for code that fills the struct itself. `_clean_up` gives everything back.
//!
//! Where upstream returns from a failed `_init` with the struct half built (so the caller must
//! clean it up), these leave it zeroed, which `_clean_up` also accepts.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; a view's pointers and counts describe valid values.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::{self, aws_byte_buf_clean_up_secure, aws_byte_cursor};
use crate::ffi::guard::{self, Result};
use crate::ffi::mqtt::v5::mqtt5_packet_storage::{
    aws_mqtt5_client_options_storage, aws_mqtt5_packet_connack_storage,
    aws_mqtt5_packet_connect_storage, aws_mqtt5_packet_publish_storage,
};
use crate::ffi::mqtt::v5::mqtt5_views::{
    aws_mqtt5_packet_connack_view, aws_mqtt5_packet_connect_view,
};
use crate::ffi::mqtt::v5::publish_storage::{clean_up_publish, fill_publish};
use crate::ffi::mqtt::v5::storage_support::{
    copy_into, copy_optional_string, copy_optional_value, init_or_zero, optional, optional_len,
    slice, total, user_properties_size,
};
use crate::ffi::mqtt::v5::user_property_set::{clean_up_set, init_set, set_items};
use std::ffi::c_int;
use std::ptr;

/// True when the CONNECT carries a User Name: upstream leaves out an empty one.
///
/// # Safety
/// A non-NULL `username` must point to a valid cursor.
unsafe fn has_username(username: *const aws_byte_cursor) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { optional(username) }.is_some_and(|c| c.len > 0)
}

/// Fills a zeroed CONNECT storage from `view`.
///
/// # Safety
/// As the module's contract.
unsafe fn fill_connect(
    s: &mut aws_mqtt5_packet_connect_storage,
    allocator: *mut aws_allocator,
    view: &aws_mqtt5_packet_connect_view,
) -> Result<()> {
    // SAFETY: the view's counts describe its arrays.
    let properties = unsafe { slice(view.user_properties, view.user_property_count) }?;
    // SAFETY: the view's pointers are NULL or valid.
    let capacity = unsafe {
        total([
            view.client_id.len,
            if has_username(view.username) {
                optional_len(view.username)
            } else {
                0
            },
            optional_len(view.password),
            user_properties_size(properties)?,
            optional_len(view.authentication_method),
            optional_len(view.authentication_data),
        ])
    }?;
    // SAFETY: the allocator is checked by `init`.
    unsafe { byte_buf::init(&mut s.storage, allocator, capacity) }?;
    s.allocator = allocator;
    s.storage_view.keep_alive_interval_seconds = view.keep_alive_interval_seconds;
    // SAFETY: the cursor covers readable bytes; the buffer was sized for it.
    s.storage_view.client_id = unsafe { copy_into(&mut s.storage, view.client_id) }?;
    // SAFETY: the view's pointers are NULL or valid.
    if unsafe { has_username(view.username) } {
        copy_optional_string!(s, view, username);
    }
    copy_optional_string!(s, view, password);
    s.storage_view.clean_start = view.clean_start;
    copy_optional_value!(s, view, session_expiry_interval_seconds);
    copy_optional_value!(s, view, request_response_information);
    copy_optional_value!(s, view, request_problem_information);
    copy_optional_value!(s, view, receive_maximum);
    copy_optional_value!(s, view, topic_alias_maximum);
    copy_optional_value!(s, view, maximum_packet_size_bytes);
    // SAFETY: the view's will is NULL or valid.
    if let Some(will_view) = unsafe { view.will.as_ref() } {
        // SAFETY: a zeroed block is a valid (empty) publish storage.
        let will = unsafe {
            allocator::calloc(allocator, 1, size_of::<aws_mqtt5_packet_publish_storage>())
        }?
        .as_ptr()
        .cast::<aws_mqtt5_packet_publish_storage>();
        s.will = will;
        // SAFETY: `will` is a fresh zeroed block this storage owns.
        let will = unsafe { &mut *will };
        // SAFETY: forwarded contract.
        unsafe {
            init_or_zero(
                will,
                |w| fill_publish(w, allocator, will_view),
                clean_up_publish,
            )
        }?;
        s.storage_view.will = &raw const will.storage_view;
    }
    copy_optional_value!(s, view, will_delay_interval_seconds);
    // SAFETY: the buffer was sized for the properties.
    unsafe {
        init_set(
            &mut s.user_properties,
            allocator,
            &mut s.storage,
            properties,
        )
    }?;
    s.storage_view.user_property_count = properties.len();
    s.storage_view.user_properties = set_items(&s.user_properties);
    copy_optional_string!(s, view, authentication_method);
    copy_optional_string!(s, view, authentication_data);
    Ok(())
}

/// Gives back what a CONNECT storage holds (the password's bytes are zeroed first).
///
/// # Safety
/// `s` must be zeroed or filled (even partly) by this module.
unsafe fn clean_up_connect(s: &mut aws_mqtt5_packet_connect_storage) {
    if !s.will.is_null() {
        // SAFETY: the will was allocated and filled by `fill_connect`.
        unsafe {
            clean_up_publish(&mut *s.will);
            allocator::release(s.allocator, s.will.cast());
        }
        s.will = ptr::null_mut();
    }
    clean_up_set(&mut s.user_properties);
    // SAFETY: the buffer is empty or owned.
    unsafe { aws_byte_buf_clean_up_secure(&mut s.storage) };
}

/// Copies `connect_options` into `connect_storage`, the will included. `options_storage`, the
/// client's private copy of its options, is accepted and ignored: only the client has one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_connect_storage_init(
    connect_storage: *mut aws_mqtt5_packet_connect_storage,
    allocator: *mut aws_allocator,
    connect_options: *const aws_mqtt5_packet_connect_view,
    options_storage: *const aws_mqtt5_client_options_storage,
) -> c_int {
    let _ = options_storage;
    guard::op(|| {
        // SAFETY: the caller lends the storage to fill and the view to copy.
        let s = unsafe { guard::mutable(connect_storage) }?;
        let view = *unsafe { guard::reference(connect_options) }?;
        unsafe { init_or_zero(s, |s| fill_connect(s, allocator, &view), clean_up_connect) }
    })
}

/// Zeroes `connect_storage` and gives it an empty user property set from `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_connect_storage_init_from_external_storage(
    connect_storage: *mut aws_mqtt5_packet_connect_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to prepare.
        let s = unsafe { guard::mutable(connect_storage) }?;
        unsafe {
            init_or_zero(
                s,
                |s| init_set(&mut s.user_properties, allocator, &mut s.storage, &[]),
                clean_up_connect,
            )
        }
    })
}

/// Gives back everything the storage holds, the will included. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_connect_storage_clean_up(
    connect_storage: *mut aws_mqtt5_packet_connect_storage,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a storage this module filled (or zeroed).
        if let Some(s) = unsafe { connect_storage.as_mut() } {
            unsafe { clean_up_connect(s) };
        }
        Ok(())
    })
}

/// Fills a zeroed CONNACK storage from `view`.
///
/// # Safety
/// As the module's contract.
unsafe fn fill_connack(
    s: &mut aws_mqtt5_packet_connack_storage,
    allocator: *mut aws_allocator,
    view: &aws_mqtt5_packet_connack_view,
) -> Result<()> {
    // SAFETY: the view's counts describe its arrays.
    let properties = unsafe { slice(view.user_properties, view.user_property_count) }?;
    // SAFETY: the view's pointers are NULL or valid.
    let capacity = unsafe {
        total([
            optional_len(view.assigned_client_identifier),
            optional_len(view.reason_string),
            optional_len(view.response_information),
            optional_len(view.server_reference),
            optional_len(view.authentication_method),
            optional_len(view.authentication_data),
            user_properties_size(properties)?,
        ])
    }?;
    // SAFETY: the allocator is checked by `init`.
    unsafe { byte_buf::init(&mut s.storage, allocator, capacity) }?;
    s.allocator = allocator;
    s.storage_view.session_present = view.session_present;
    s.storage_view.reason_code = view.reason_code;
    copy_optional_value!(s, view, session_expiry_interval);
    copy_optional_value!(s, view, receive_maximum);
    copy_optional_value!(s, view, maximum_qos);
    copy_optional_value!(s, view, retain_available);
    copy_optional_value!(s, view, maximum_packet_size);
    copy_optional_string!(s, view, assigned_client_identifier);
    copy_optional_value!(s, view, topic_alias_maximum);
    copy_optional_string!(s, view, reason_string);
    copy_optional_value!(s, view, wildcard_subscriptions_available);
    copy_optional_value!(s, view, subscription_identifiers_available);
    copy_optional_value!(s, view, shared_subscriptions_available);
    copy_optional_value!(s, view, server_keep_alive);
    copy_optional_string!(s, view, response_information);
    copy_optional_string!(s, view, server_reference);
    copy_optional_string!(s, view, authentication_method);
    copy_optional_string!(s, view, authentication_data);
    // SAFETY: the buffer was sized for the properties.
    unsafe {
        init_set(
            &mut s.user_properties,
            allocator,
            &mut s.storage,
            properties,
        )
    }?;
    s.storage_view.user_property_count = properties.len();
    s.storage_view.user_properties = set_items(&s.user_properties);
    Ok(())
}

/// Gives back what a CONNACK storage holds.
///
/// # Safety
/// `s` must be zeroed or filled (even partly) by this module.
unsafe fn clean_up_connack(s: &mut aws_mqtt5_packet_connack_storage) {
    clean_up_set(&mut s.user_properties);
    // SAFETY: the buffer is empty or owned.
    unsafe { byte_buf::clean_up(&mut s.storage) };
}

/// Copies `connack_options` into `connack_storage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_connack_storage_init(
    connack_storage: *mut aws_mqtt5_packet_connack_storage,
    allocator: *mut aws_allocator,
    connack_options: *const aws_mqtt5_packet_connack_view,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to fill and the view to copy.
        let s = unsafe { guard::mutable(connack_storage) }?;
        let view = *unsafe { guard::reference(connack_options) }?;
        unsafe { init_or_zero(s, |s| fill_connack(s, allocator, &view), clean_up_connack) }
    })
}

/// Zeroes `connack_storage` and gives it an empty user property set from `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_connack_storage_init_from_external_storage(
    connack_storage: *mut aws_mqtt5_packet_connack_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to prepare.
        let s = unsafe { guard::mutable(connack_storage) }?;
        unsafe {
            init_or_zero(
                s,
                |s| init_set(&mut s.user_properties, allocator, &mut s.storage, &[]),
                clean_up_connack,
            )
        }
    })
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_connack_storage_clean_up(
    connack_storage: *mut aws_mqtt5_packet_connack_storage,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a storage this module filled (or zeroed).
        if let Some(s) = unsafe { connack_storage.as_mut() } {
            unsafe { clean_up_connack(s) };
        }
        Ok(())
    })
}
