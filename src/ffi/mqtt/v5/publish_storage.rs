//! `aws/mqtt/v5/mqtt5_packet_storage.h`: owning copies of PUBLISH and PUBACK, with the same
//! discipline as [`connect_storage`](super::connect_storage): `_init` copies a view (the payload
//! and every string into one buffer, present optional values into the struct, lists into owned
//! lists), `_init_from_external_storage` prepares empty lists, `_clean_up` gives it all back.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; a view's pointers and counts describe valid values.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::array_list::aws_array_list_clean_up;
use crate::ffi::common::byte_buf;
use crate::ffi::guard::{self, Result};
use crate::ffi::mqtt::v5::mqtt5_packet_storage::{
    aws_mqtt5_packet_puback_storage, aws_mqtt5_packet_publish_storage,
};
use crate::ffi::mqtt::v5::mqtt5_views::{
    aws_mqtt5_packet_puback_view, aws_mqtt5_packet_publish_view,
};
use crate::ffi::mqtt::v5::storage_support::{
    copy_into, copy_optional_string, copy_optional_value, empty_list, init_or_zero, list_of,
    optional_len, slice, total, user_properties_size,
};
use crate::ffi::mqtt::v5::user_property_set::{clean_up_set, init_set, set_items};
use std::ffi::c_int;

/// Fills a zeroed PUBLISH storage from `view`.
///
/// # Safety
/// As the module's contract.
pub(super) unsafe fn fill_publish(
    s: &mut aws_mqtt5_packet_publish_storage,
    allocator: *mut aws_allocator,
    view: &aws_mqtt5_packet_publish_view,
) -> Result<()> {
    // SAFETY: the view's counts describe its arrays.
    let properties = unsafe { slice(view.user_properties, view.user_property_count) }?;
    let identifiers = unsafe {
        slice(
            view.subscription_identifiers,
            view.subscription_identifier_count,
        )
    }?;
    // SAFETY: the view's pointers are NULL or valid.
    let capacity = unsafe {
        total([
            user_properties_size(properties)?,
            view.topic.len,
            view.payload.len,
            optional_len(view.response_topic),
            optional_len(view.correlation_data),
            optional_len(view.content_type),
        ])
    }?;
    // SAFETY: the allocator is checked by `init`.
    unsafe { byte_buf::init(&mut s.storage, allocator, capacity) }?;
    s.storage_view.packet_id = view.packet_id;
    // SAFETY: the cursors cover readable bytes; the buffer was sized for them.
    s.storage_view.payload = unsafe { copy_into(&mut s.storage, view.payload) }?;
    s.storage_view.qos = view.qos;
    s.storage_view.retain = view.retain;
    s.storage_view.duplicate = view.duplicate;
    s.storage_view.topic = unsafe { copy_into(&mut s.storage, view.topic) }?;
    copy_optional_value!(s, view, payload_format);
    copy_optional_value!(s, view, message_expiry_interval_seconds);
    copy_optional_value!(s, view, topic_alias);
    copy_optional_string!(s, view, response_topic);
    copy_optional_string!(s, view, correlation_data);
    // SAFETY: the allocator was checked by `init`.
    unsafe { list_of(&mut s.subscription_identifiers, allocator, identifiers) }?;
    s.storage_view.subscription_identifier_count = identifiers.len();
    s.storage_view.subscription_identifiers = s.subscription_identifiers.data.cast_const().cast();
    copy_optional_string!(s, view, content_type);
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

/// Gives back what a PUBLISH storage holds.
///
/// # Safety
/// `s` must be zeroed or filled (even partly) by this module.
pub(super) unsafe fn clean_up_publish(s: &mut aws_mqtt5_packet_publish_storage) {
    clean_up_set(&mut s.user_properties);
    // SAFETY: the list is zeroed or owned.
    unsafe { aws_array_list_clean_up(&mut s.subscription_identifiers) };
    // SAFETY: the buffer is empty or owned.
    unsafe { byte_buf::clean_up(&mut s.storage) };
}

/// Copies `publish_options` into `publish_storage`, payload included.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_publish_storage_init(
    publish_storage: *mut aws_mqtt5_packet_publish_storage,
    allocator: *mut aws_allocator,
    publish_options: *const aws_mqtt5_packet_publish_view,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to fill and the view to copy.
        let s = unsafe { guard::mutable(publish_storage) }?;
        let view = *unsafe { guard::reference(publish_options) }?;
        unsafe { init_or_zero(s, |s| fill_publish(s, allocator, &view), clean_up_publish) }
    })
}

/// Zeroes `publish_storage` and gives it an empty user property set and subscription
/// identifier list from `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_publish_storage_init_from_external_storage(
    publish_storage: *mut aws_mqtt5_packet_publish_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to prepare.
        let s = unsafe { guard::mutable(publish_storage) }?;
        let fill = |s: &mut aws_mqtt5_packet_publish_storage| unsafe {
            init_set(&mut s.user_properties, allocator, &mut s.storage, &[])?;
            empty_list::<u32>(&mut s.subscription_identifiers, allocator)
        };
        unsafe { init_or_zero(s, fill, clean_up_publish) }
    })
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_publish_storage_clean_up(
    publish_storage: *mut aws_mqtt5_packet_publish_storage,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a storage this module filled (or zeroed).
        if let Some(s) = unsafe { publish_storage.as_mut() } {
            unsafe { clean_up_publish(s) };
        }
        Ok(())
    })
}

/// Fills a zeroed PUBACK storage from `view`.
///
/// # Safety
/// As the module's contract.
unsafe fn fill_puback(
    s: &mut aws_mqtt5_packet_puback_storage,
    allocator: *mut aws_allocator,
    view: &aws_mqtt5_packet_puback_view,
) -> Result<()> {
    // SAFETY: the view's counts describe its arrays; its pointers are NULL or valid.
    let properties = unsafe { slice(view.user_properties, view.user_property_count) }?;
    let capacity = unsafe {
        total([
            user_properties_size(properties)?,
            optional_len(view.reason_string),
        ])
    }?;
    // SAFETY: the allocator is checked by `init`.
    unsafe { byte_buf::init(&mut s.storage, allocator, capacity) }?;
    s.storage_view.packet_id = view.packet_id;
    s.storage_view.reason_code = view.reason_code;
    copy_optional_string!(s, view, reason_string);
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

/// Gives back what a PUBACK storage holds.
///
/// # Safety
/// `s` must be zeroed or filled (even partly) by this module.
unsafe fn clean_up_puback(s: &mut aws_mqtt5_packet_puback_storage) {
    clean_up_set(&mut s.user_properties);
    // SAFETY: the buffer is empty or owned.
    unsafe { byte_buf::clean_up(&mut s.storage) };
}

/// Copies `puback_view` into `puback_storage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_puback_storage_init(
    puback_storage: *mut aws_mqtt5_packet_puback_storage,
    allocator: *mut aws_allocator,
    puback_view: *const aws_mqtt5_packet_puback_view,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to fill and the view to copy.
        let s = unsafe { guard::mutable(puback_storage) }?;
        let view = *unsafe { guard::reference(puback_view) }?;
        unsafe { init_or_zero(s, |s| fill_puback(s, allocator, &view), clean_up_puback) }
    })
}

/// Zeroes `puback_storage` and gives it an empty user property set from `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_puback_storage_init_from_external_storage(
    puback_storage: *mut aws_mqtt5_packet_puback_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to prepare.
        let s = unsafe { guard::mutable(puback_storage) }?;
        let fill = |s: &mut aws_mqtt5_packet_puback_storage| unsafe {
            init_set(&mut s.user_properties, allocator, &mut s.storage, &[])
        };
        unsafe { init_or_zero(s, fill, clean_up_puback) }
    })
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_puback_storage_clean_up(
    puback_storage: *mut aws_mqtt5_packet_puback_storage,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a storage this module filled (or zeroed).
        if let Some(s) = unsafe { puback_storage.as_mut() } {
            unsafe { clean_up_puback(s) };
        }
        Ok(())
    })
}
