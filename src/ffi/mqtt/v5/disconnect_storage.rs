//! `aws/mqtt/v5/mqtt5_packet_storage.h`: the owning copy of a DISCONNECT, with the same
//! discipline as [`connect_storage`](super::connect_storage).
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; a view's pointers and counts describe valid values.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf;
use crate::ffi::guard::{self, Result};
use crate::ffi::mqtt::v5::mqtt5_packet_storage::aws_mqtt5_packet_disconnect_storage;
use crate::ffi::mqtt::v5::mqtt5_views::aws_mqtt5_packet_disconnect_view;
use crate::ffi::mqtt::v5::storage_support::{
    copy_optional_string, copy_optional_value, init_or_zero, optional_len, slice, total,
    user_properties_size,
};
use crate::ffi::mqtt::v5::user_property_set::{clean_up_set, init_set, set_items};
use std::ffi::c_int;

/// Fills a zeroed DISCONNECT storage from `view`.
///
/// # Safety
/// As the module's contract.
unsafe fn fill_disconnect(
    s: &mut aws_mqtt5_packet_disconnect_storage,
    allocator: *mut aws_allocator,
    view: &aws_mqtt5_packet_disconnect_view,
) -> Result<()> {
    // SAFETY: the view's counts describe its arrays; its pointers are NULL or valid.
    let properties = unsafe { slice(view.user_properties, view.user_property_count) }?;
    let capacity = unsafe {
        total([
            user_properties_size(properties)?,
            optional_len(view.reason_string),
            optional_len(view.server_reference),
        ])
    }?;
    // SAFETY: the allocator is checked by `init`.
    unsafe { byte_buf::init(&mut s.storage, allocator, capacity) }?;
    s.storage_view.reason_code = view.reason_code;
    copy_optional_value!(s, view, session_expiry_interval_seconds);
    copy_optional_string!(s, view, reason_string);
    copy_optional_string!(s, view, server_reference);
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

/// Gives back what a DISCONNECT storage holds.
///
/// # Safety
/// `s` must be zeroed or filled (even partly) by this module.
unsafe fn clean_up_disconnect(s: &mut aws_mqtt5_packet_disconnect_storage) {
    clean_up_set(&mut s.user_properties);
    // SAFETY: the buffer is empty or owned.
    unsafe { byte_buf::clean_up(&mut s.storage) };
}

/// Copies `disconnect_options` into `disconnect_storage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_disconnect_storage_init(
    disconnect_storage: *mut aws_mqtt5_packet_disconnect_storage,
    allocator: *mut aws_allocator,
    disconnect_options: *const aws_mqtt5_packet_disconnect_view,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to fill and the view to copy.
        let s = unsafe { guard::mutable(disconnect_storage) }?;
        let view = *unsafe { guard::reference(disconnect_options) }?;
        unsafe {
            init_or_zero(
                s,
                |s| fill_disconnect(s, allocator, &view),
                clean_up_disconnect,
            )
        }
    })
}

/// Zeroes `disconnect_storage` and gives it an empty user property set from `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_disconnect_storage_init_from_external_storage(
    disconnect_storage: *mut aws_mqtt5_packet_disconnect_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to prepare.
        let s = unsafe { guard::mutable(disconnect_storage) }?;
        let fill = |s: &mut aws_mqtt5_packet_disconnect_storage| unsafe {
            init_set(&mut s.user_properties, allocator, &mut s.storage, &[])
        };
        unsafe { init_or_zero(s, fill, clean_up_disconnect) }
    })
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_disconnect_storage_clean_up(
    disconnect_storage: *mut aws_mqtt5_packet_disconnect_storage,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a storage this module filled (or zeroed).
        if let Some(s) = unsafe { disconnect_storage.as_mut() } {
            unsafe { clean_up_disconnect(s) };
        }
        Ok(())
    })
}
