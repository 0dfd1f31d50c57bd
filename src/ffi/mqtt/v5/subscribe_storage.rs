//! `aws/mqtt/v5/mqtt5_packet_storage.h`: owning copies of SUBSCRIBE, SUBACK, UNSUBSCRIBE and
//! UNSUBACK, with the same discipline as [`connect_storage`](super::connect_storage): `_init`
//! copies a view (topic filters and strings into one buffer, lists into owned lists),
//! `_init_from_external_storage` prepares empty lists, `_clean_up` gives it all back.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; a view's pointers and counts describe valid values.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::array_list::aws_array_list_clean_up;
use crate::ffi::common::byte_buf::{self, aws_byte_cursor};
use crate::ffi::guard::{self, Result};
use crate::ffi::mqtt::v5::mqtt5_packet_storage::{
    aws_mqtt5_packet_suback_storage, aws_mqtt5_packet_subscribe_storage,
    aws_mqtt5_packet_unsuback_storage, aws_mqtt5_packet_unsubscribe_storage,
};
use crate::ffi::mqtt::v5::mqtt5_types::{
    aws_mqtt5_suback_reason_code_raw, aws_mqtt5_unsuback_reason_code_raw,
};
use crate::ffi::mqtt::v5::mqtt5_views::{
    aws_mqtt5_packet_suback_view, aws_mqtt5_packet_subscribe_view, aws_mqtt5_packet_unsuback_view,
    aws_mqtt5_packet_unsubscribe_view, aws_mqtt5_subscription_view,
};
use crate::ffi::mqtt::v5::storage_support::{
    copy_into, copy_optional_string, copy_optional_value, empty_list, init_or_zero, list_of,
    optional_len, slice, total, user_properties_size,
};
use crate::ffi::mqtt::v5::user_property_set::{clean_up_set, init_set, set_items};
use std::ffi::c_int;

/// Fills a zeroed SUBSCRIBE storage from `view`.
///
/// # Safety
/// As the module's contract.
unsafe fn fill_subscribe(
    s: &mut aws_mqtt5_packet_subscribe_storage,
    allocator: *mut aws_allocator,
    view: &aws_mqtt5_packet_subscribe_view,
) -> Result<()> {
    // SAFETY: the view's counts describe its arrays.
    let properties = unsafe { slice(view.user_properties, view.user_property_count) }?;
    let subscriptions = unsafe { slice(view.subscriptions, view.subscription_count) }?;
    let filters = total(subscriptions.iter().map(|s| s.topic_filter.len))?;
    let capacity = total([user_properties_size(properties)?, filters])?;
    // SAFETY: the allocator is checked by `init`.
    unsafe { byte_buf::init(&mut s.storage, allocator, capacity) }?;
    s.storage_view.packet_id = view.packet_id;
    copy_optional_value!(s, view, subscription_identifier);
    let mut copies = Vec::with_capacity(subscriptions.len());
    for sub in subscriptions {
        // SAFETY: the filter covers readable bytes; the buffer was sized for it.
        let topic_filter = unsafe { copy_into(&mut s.storage, sub.topic_filter) }?;
        copies.push(aws_mqtt5_subscription_view {
            topic_filter,
            ..*sub
        });
    }
    // SAFETY: the allocator was checked by `init`.
    unsafe { list_of(&mut s.subscriptions, allocator, &copies) }?;
    s.storage_view.subscription_count = copies.len();
    s.storage_view.subscriptions = s.subscriptions.data.cast_const().cast();
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

/// Gives back what a SUBSCRIBE storage holds.
///
/// # Safety
/// `s` must be zeroed or filled (even partly) by this module.
unsafe fn clean_up_subscribe(s: &mut aws_mqtt5_packet_subscribe_storage) {
    // SAFETY: the list and buffer are zeroed or owned.
    unsafe { aws_array_list_clean_up(&mut s.subscriptions) };
    clean_up_set(&mut s.user_properties);
    unsafe { byte_buf::clean_up(&mut s.storage) };
}

/// Copies `subscribe_options` into `subscribe_storage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_subscribe_storage_init(
    subscribe_storage: *mut aws_mqtt5_packet_subscribe_storage,
    allocator: *mut aws_allocator,
    subscribe_options: *const aws_mqtt5_packet_subscribe_view,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to fill and the view to copy.
        let s = unsafe { guard::mutable(subscribe_storage) }?;
        let view = *unsafe { guard::reference(subscribe_options) }?;
        unsafe {
            init_or_zero(
                s,
                |s| fill_subscribe(s, allocator, &view),
                clean_up_subscribe,
            )
        }
    })
}

/// Zeroes `subscribe_storage` and gives it an empty user property set and subscription list
/// from `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_subscribe_storage_init_from_external_storage(
    subscribe_storage: *mut aws_mqtt5_packet_subscribe_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to prepare.
        let s = unsafe { guard::mutable(subscribe_storage) }?;
        let fill = |s: &mut aws_mqtt5_packet_subscribe_storage| unsafe {
            init_set(&mut s.user_properties, allocator, &mut s.storage, &[])?;
            empty_list::<aws_mqtt5_subscription_view>(&mut s.subscriptions, allocator)
        };
        unsafe { init_or_zero(s, fill, clean_up_subscribe) }
    })
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_subscribe_storage_clean_up(
    subscribe_storage: *mut aws_mqtt5_packet_subscribe_storage,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a storage this module filled (or zeroed).
        if let Some(s) = unsafe { subscribe_storage.as_mut() } {
            unsafe { clean_up_subscribe(s) };
        }
        Ok(())
    })
}

/// Fills a zeroed SUBACK storage from `view`.
///
/// # Safety
/// As the module's contract.
unsafe fn fill_suback(
    s: &mut aws_mqtt5_packet_suback_storage,
    allocator: *mut aws_allocator,
    view: &aws_mqtt5_packet_suback_view,
) -> Result<()> {
    // SAFETY: the view's counts describe its arrays; its pointers are NULL or valid.
    let properties = unsafe { slice(view.user_properties, view.user_property_count) }?;
    let codes = unsafe { slice(view.reason_codes, view.reason_code_count) }?;
    let capacity = unsafe {
        total([
            user_properties_size(properties)?,
            optional_len(view.reason_string),
        ])
    }?;
    // SAFETY: the allocator is checked by `init`.
    unsafe { byte_buf::init(&mut s.storage, allocator, capacity) }?;
    s.allocator = allocator;
    s.storage_view.packet_id = view.packet_id;
    copy_optional_string!(s, view, reason_string);
    // SAFETY: the allocator was checked by `init`.
    unsafe { list_of::<aws_mqtt5_suback_reason_code_raw>(&mut s.reason_codes, allocator, codes) }?;
    s.storage_view.reason_code_count = codes.len();
    s.storage_view.reason_codes = s.reason_codes.data.cast_const().cast();
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

/// Gives back what a SUBACK storage holds.
///
/// # Safety
/// `s` must be zeroed or filled (even partly) by this module.
unsafe fn clean_up_suback(s: &mut aws_mqtt5_packet_suback_storage) {
    clean_up_set(&mut s.user_properties);
    // SAFETY: the list and buffer are zeroed or owned.
    unsafe { aws_array_list_clean_up(&mut s.reason_codes) };
    unsafe { byte_buf::clean_up(&mut s.storage) };
}

/// Copies `suback_view` into `suback_storage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_suback_storage_init(
    suback_storage: *mut aws_mqtt5_packet_suback_storage,
    allocator: *mut aws_allocator,
    suback_view: *const aws_mqtt5_packet_suback_view,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to fill and the view to copy.
        let s = unsafe { guard::mutable(suback_storage) }?;
        let view = *unsafe { guard::reference(suback_view) }?;
        unsafe { init_or_zero(s, |s| fill_suback(s, allocator, &view), clean_up_suback) }
    })
}

/// Zeroes `suback_storage` and gives it an empty user property set and reason code list from
/// `allocator`. Like upstream, it leaves the storage's `allocator` field NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_suback_storage_init_from_external_storage(
    suback_storage: *mut aws_mqtt5_packet_suback_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to prepare.
        let s = unsafe { guard::mutable(suback_storage) }?;
        let fill = |s: &mut aws_mqtt5_packet_suback_storage| unsafe {
            init_set(&mut s.user_properties, allocator, &mut s.storage, &[])?;
            empty_list::<aws_mqtt5_suback_reason_code_raw>(&mut s.reason_codes, allocator)
        };
        unsafe { init_or_zero(s, fill, clean_up_suback) }
    })
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_suback_storage_clean_up(
    suback_storage: *mut aws_mqtt5_packet_suback_storage,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a storage this module filled (or zeroed).
        if let Some(s) = unsafe { suback_storage.as_mut() } {
            unsafe { clean_up_suback(s) };
        }
        Ok(())
    })
}

/// Fills a zeroed UNSUBSCRIBE storage from `view`.
///
/// # Safety
/// As the module's contract.
unsafe fn fill_unsubscribe(
    s: &mut aws_mqtt5_packet_unsubscribe_storage,
    allocator: *mut aws_allocator,
    view: &aws_mqtt5_packet_unsubscribe_view,
) -> Result<()> {
    // SAFETY: the view's counts describe its arrays.
    let properties = unsafe { slice(view.user_properties, view.user_property_count) }?;
    let filters = unsafe { slice(view.topic_filters, view.topic_filter_count) }?;
    let filters_size = total(filters.iter().map(|f| f.len))?;
    let capacity = total([user_properties_size(properties)?, filters_size])?;
    // SAFETY: the allocator is checked by `init`.
    unsafe { byte_buf::init(&mut s.storage, allocator, capacity) }?;
    s.storage_view.packet_id = view.packet_id;
    let mut copies: Vec<aws_byte_cursor> = Vec::with_capacity(filters.len());
    for f in filters {
        // SAFETY: the filter covers readable bytes; the buffer was sized for it.
        copies.push(unsafe { copy_into(&mut s.storage, *f) }?);
    }
    // SAFETY: the allocator was checked by `init`.
    unsafe { list_of(&mut s.topic_filters, allocator, &copies) }?;
    s.storage_view.topic_filter_count = copies.len();
    s.storage_view.topic_filters = s.topic_filters.data.cast_const().cast();
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

/// Gives back what an UNSUBSCRIBE storage holds.
///
/// # Safety
/// `s` must be zeroed or filled (even partly) by this module.
unsafe fn clean_up_unsubscribe(s: &mut aws_mqtt5_packet_unsubscribe_storage) {
    // SAFETY: the list and buffer are zeroed or owned.
    unsafe { aws_array_list_clean_up(&mut s.topic_filters) };
    clean_up_set(&mut s.user_properties);
    unsafe { byte_buf::clean_up(&mut s.storage) };
}

/// Copies `unsubscribe_options` into `unsubscribe_storage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_unsubscribe_storage_init(
    unsubscribe_storage: *mut aws_mqtt5_packet_unsubscribe_storage,
    allocator: *mut aws_allocator,
    unsubscribe_options: *const aws_mqtt5_packet_unsubscribe_view,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to fill and the view to copy.
        let s = unsafe { guard::mutable(unsubscribe_storage) }?;
        let view = *unsafe { guard::reference(unsubscribe_options) }?;
        unsafe {
            init_or_zero(
                s,
                |s| fill_unsubscribe(s, allocator, &view),
                clean_up_unsubscribe,
            )
        }
    })
}

/// Zeroes `unsubscribe_storage` and gives it an empty user property set and topic filter list
/// from `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_unsubscribe_storage_init_from_external_storage(
    unsubscribe_storage: *mut aws_mqtt5_packet_unsubscribe_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to prepare.
        let s = unsafe { guard::mutable(unsubscribe_storage) }?;
        let fill = |s: &mut aws_mqtt5_packet_unsubscribe_storage| unsafe {
            init_set(&mut s.user_properties, allocator, &mut s.storage, &[])?;
            empty_list::<aws_byte_cursor>(&mut s.topic_filters, allocator)
        };
        unsafe { init_or_zero(s, fill, clean_up_unsubscribe) }
    })
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_unsubscribe_storage_clean_up(
    unsubscribe_storage: *mut aws_mqtt5_packet_unsubscribe_storage,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a storage this module filled (or zeroed).
        if let Some(s) = unsafe { unsubscribe_storage.as_mut() } {
            unsafe { clean_up_unsubscribe(s) };
        }
        Ok(())
    })
}

/// Fills a zeroed UNSUBACK storage from `view`.
///
/// # Safety
/// As the module's contract.
unsafe fn fill_unsuback(
    s: &mut aws_mqtt5_packet_unsuback_storage,
    allocator: *mut aws_allocator,
    view: &aws_mqtt5_packet_unsuback_view,
) -> Result<()> {
    // SAFETY: the view's counts describe its arrays; its pointers are NULL or valid.
    let properties = unsafe { slice(view.user_properties, view.user_property_count) }?;
    let codes = unsafe { slice(view.reason_codes, view.reason_code_count) }?;
    let capacity = unsafe {
        total([
            user_properties_size(properties)?,
            optional_len(view.reason_string),
        ])
    }?;
    // SAFETY: the allocator is checked by `init`.
    unsafe { byte_buf::init(&mut s.storage, allocator, capacity) }?;
    s.allocator = allocator;
    s.storage_view.packet_id = view.packet_id;
    copy_optional_string!(s, view, reason_string);
    // SAFETY: the allocator was checked by `init`.
    unsafe {
        list_of::<aws_mqtt5_unsuback_reason_code_raw>(&mut s.reason_codes, allocator, codes)
    }?;
    s.storage_view.reason_code_count = codes.len();
    s.storage_view.reason_codes = s.reason_codes.data.cast_const().cast();
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

/// Gives back what an UNSUBACK storage holds.
///
/// # Safety
/// `s` must be zeroed or filled (even partly) by this module.
unsafe fn clean_up_unsuback(s: &mut aws_mqtt5_packet_unsuback_storage) {
    clean_up_set(&mut s.user_properties);
    // SAFETY: the list and buffer are zeroed or owned.
    unsafe { aws_array_list_clean_up(&mut s.reason_codes) };
    unsafe { byte_buf::clean_up(&mut s.storage) };
}

/// Copies `unsuback_view` into `unsuback_storage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_unsuback_storage_init(
    unsuback_storage: *mut aws_mqtt5_packet_unsuback_storage,
    allocator: *mut aws_allocator,
    unsuback_view: *const aws_mqtt5_packet_unsuback_view,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to fill and the view to copy.
        let s = unsafe { guard::mutable(unsuback_storage) }?;
        let view = *unsafe { guard::reference(unsuback_view) }?;
        unsafe { init_or_zero(s, |s| fill_unsuback(s, allocator, &view), clean_up_unsuback) }
    })
}

/// Zeroes `unsuback_storage` and gives it an empty user property set and reason code list from
/// `allocator`. Like upstream, it leaves the storage's `allocator` field NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_unsuback_storage_init_from_external_storage(
    unsuback_storage: *mut aws_mqtt5_packet_unsuback_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the storage to prepare.
        let s = unsafe { guard::mutable(unsuback_storage) }?;
        let fill = |s: &mut aws_mqtt5_packet_unsuback_storage| unsafe {
            init_set(&mut s.user_properties, allocator, &mut s.storage, &[])?;
            empty_list::<aws_mqtt5_unsuback_reason_code_raw>(&mut s.reason_codes, allocator)
        };
        unsafe { init_or_zero(s, fill, clean_up_unsuback) }
    })
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_unsuback_storage_clean_up(
    unsuback_storage: *mut aws_mqtt5_packet_unsuback_storage,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a storage this module filled (or zeroed).
        if let Some(s) = unsafe { unsuback_storage.as_mut() } {
            unsafe { clean_up_unsuback(s) };
        }
        Ok(())
    })
}
