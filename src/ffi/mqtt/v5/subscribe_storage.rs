//! `aws/mqtt/v5/mqtt5_packet_storage.h`: owning copies of SUBSCRIBE, SUBACK, UNSUBSCRIBE and
//! UNSUBACK, with the same discipline as [`connect_storage`](super::connect_storage): `_init`
//! copies a view (topic filters and strings into one buffer, lists into owned lists),
//! `_init_from_external_storage` prepares empty lists, `_clean_up` gives it all back.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; a view's pointers and counts describe valid values.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard::Result;
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
    self, Owned, PacketStorage, copy_into, copy_optional_string, copy_optional_value,
    copy_user_properties, list_of, optional_len, slice, start_fill, total,
};
use std::ffi::c_int;

// SAFETY: a C struct of lists, a buffer, pointers and plain values: all zeroes is empty.
unsafe impl PacketStorage for aws_mqtt5_packet_subscribe_storage {
    type View = aws_mqtt5_packet_subscribe_view;

    unsafe fn fill(s: &mut Self, allocator: *mut aws_allocator, view: &Self::View) -> Result<()> {
        // SAFETY: the view's pointers and counts describe valid values.
        let subscriptions = unsafe { slice(view.subscriptions, view.subscription_count) }?;
        let filters = total(subscriptions.iter().map(|s| s.topic_filter.len))?;
        let properties = start_fill!(s, allocator, view, [filters]);
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
        (
            s.storage_view.subscription_count,
            s.storage_view.subscriptions,
        ) = unsafe { list_of(&mut s.subscriptions, allocator, &copies) }?;
        copy_user_properties!(s, allocator, properties);
        Ok(())
    }

    fn owned(&mut self) -> Owned<'_> {
        Owned::new(&mut self.storage, &mut self.user_properties)
            .with_list::<aws_mqtt5_subscription_view>(&mut self.subscriptions)
    }
}

/// Copies `subscribe_options` into `subscribe_storage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_subscribe_storage_init(
    subscribe_storage: *mut aws_mqtt5_packet_subscribe_storage,
    allocator: *mut aws_allocator,
    subscribe_options: *const aws_mqtt5_packet_subscribe_view,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init(subscribe_storage, allocator, subscribe_options) }
}

/// Zeroes `subscribe_storage` and gives it an empty user property set and subscription list
/// from `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_subscribe_storage_init_from_external_storage(
    subscribe_storage: *mut aws_mqtt5_packet_subscribe_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init_from_external_storage(subscribe_storage, allocator) }
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_subscribe_storage_clean_up(
    subscribe_storage: *mut aws_mqtt5_packet_subscribe_storage,
) {
    // SAFETY: the module's contract.
    unsafe { storage_support::clean_up(subscribe_storage) }
}

/// SUBACK and UNSUBACK storage: the same fields, with reason codes of their own enum.
macro_rules! ack_storage {
    ($storage:ty, $view:ty, $code:ty) => {
        // SAFETY: a C struct of lists, a buffer, pointers and plain values: all zeroes is empty.
        unsafe impl PacketStorage for $storage {
            type View = $view;

            unsafe fn fill(
                s: &mut Self,
                allocator: *mut aws_allocator,
                view: &Self::View,
            ) -> Result<()> {
                // SAFETY: the view's pointers and counts describe valid values.
                let codes = unsafe { slice(view.reason_codes, view.reason_code_count) }?;
                let properties =
                    start_fill!(s, allocator, view, [optional_len(view.reason_string)]);
                s.allocator = allocator;
                s.storage_view.packet_id = view.packet_id;
                copy_optional_string!(s, view, reason_string);
                // SAFETY: the allocator was checked by `init`.
                (
                    s.storage_view.reason_code_count,
                    s.storage_view.reason_codes,
                ) = unsafe { list_of::<$code>(&mut s.reason_codes, allocator, codes) }?;
                copy_user_properties!(s, allocator, properties);
                Ok(())
            }

            fn owned(&mut self) -> Owned<'_> {
                Owned::new(&mut self.storage, &mut self.user_properties)
                    .with_list::<$code>(&mut self.reason_codes)
            }
        }
    };
}

ack_storage!(
    aws_mqtt5_packet_suback_storage,
    aws_mqtt5_packet_suback_view,
    aws_mqtt5_suback_reason_code_raw
);

/// Copies `suback_view` into `suback_storage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_suback_storage_init(
    suback_storage: *mut aws_mqtt5_packet_suback_storage,
    allocator: *mut aws_allocator,
    suback_view: *const aws_mqtt5_packet_suback_view,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init(suback_storage, allocator, suback_view) }
}

/// Zeroes `suback_storage` and gives it an empty user property set and reason code list from
/// `allocator`. Like upstream, it leaves the storage's `allocator` field NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_suback_storage_init_from_external_storage(
    suback_storage: *mut aws_mqtt5_packet_suback_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init_from_external_storage(suback_storage, allocator) }
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_suback_storage_clean_up(
    suback_storage: *mut aws_mqtt5_packet_suback_storage,
) {
    // SAFETY: the module's contract.
    unsafe { storage_support::clean_up(suback_storage) }
}

// SAFETY: a C struct of lists, a buffer, pointers and plain values: all zeroes is empty.
unsafe impl PacketStorage for aws_mqtt5_packet_unsubscribe_storage {
    type View = aws_mqtt5_packet_unsubscribe_view;

    unsafe fn fill(s: &mut Self, allocator: *mut aws_allocator, view: &Self::View) -> Result<()> {
        // SAFETY: the view's pointers and counts describe valid values.
        let filters = unsafe { slice(view.topic_filters, view.topic_filter_count) }?;
        let filters_size = total(filters.iter().map(|f| f.len))?;
        let properties = start_fill!(s, allocator, view, [filters_size]);
        s.storage_view.packet_id = view.packet_id;
        let mut copies: Vec<aws_byte_cursor> = Vec::with_capacity(filters.len());
        for f in filters {
            // SAFETY: the filter covers readable bytes; the buffer was sized for it.
            copies.push(unsafe { copy_into(&mut s.storage, *f) }?);
        }
        // SAFETY: the allocator was checked by `init`.
        (
            s.storage_view.topic_filter_count,
            s.storage_view.topic_filters,
        ) = unsafe { list_of(&mut s.topic_filters, allocator, &copies) }?;
        copy_user_properties!(s, allocator, properties);
        Ok(())
    }

    fn owned(&mut self) -> Owned<'_> {
        Owned::new(&mut self.storage, &mut self.user_properties)
            .with_list::<aws_byte_cursor>(&mut self.topic_filters)
    }
}

/// Copies `unsubscribe_options` into `unsubscribe_storage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_unsubscribe_storage_init(
    unsubscribe_storage: *mut aws_mqtt5_packet_unsubscribe_storage,
    allocator: *mut aws_allocator,
    unsubscribe_options: *const aws_mqtt5_packet_unsubscribe_view,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init(unsubscribe_storage, allocator, unsubscribe_options) }
}

/// Zeroes `unsubscribe_storage` and gives it an empty user property set and topic filter list
/// from `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_unsubscribe_storage_init_from_external_storage(
    unsubscribe_storage: *mut aws_mqtt5_packet_unsubscribe_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init_from_external_storage(unsubscribe_storage, allocator) }
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_unsubscribe_storage_clean_up(
    unsubscribe_storage: *mut aws_mqtt5_packet_unsubscribe_storage,
) {
    // SAFETY: the module's contract.
    unsafe { storage_support::clean_up(unsubscribe_storage) }
}

ack_storage!(
    aws_mqtt5_packet_unsuback_storage,
    aws_mqtt5_packet_unsuback_view,
    aws_mqtt5_unsuback_reason_code_raw
);

/// Copies `unsuback_view` into `unsuback_storage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_unsuback_storage_init(
    unsuback_storage: *mut aws_mqtt5_packet_unsuback_storage,
    allocator: *mut aws_allocator,
    unsuback_view: *const aws_mqtt5_packet_unsuback_view,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init(unsuback_storage, allocator, unsuback_view) }
}

/// Zeroes `unsuback_storage` and gives it an empty user property set and reason code list from
/// `allocator`. Like upstream, it leaves the storage's `allocator` field NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_unsuback_storage_init_from_external_storage(
    unsuback_storage: *mut aws_mqtt5_packet_unsuback_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init_from_external_storage(unsuback_storage, allocator) }
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_unsuback_storage_clean_up(
    unsuback_storage: *mut aws_mqtt5_packet_unsuback_storage,
) {
    // SAFETY: the module's contract.
    unsafe { storage_support::clean_up(unsuback_storage) }
}
