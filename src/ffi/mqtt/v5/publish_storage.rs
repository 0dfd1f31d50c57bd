//! `aws/mqtt/v5/mqtt5_packet_storage.h`: owning copies of PUBLISH and PUBACK, with the same
//! discipline as [`connect_storage`](super::connect_storage): `_init` copies a view (the payload
//! and every string into one buffer, present optional values into the struct, lists into owned
//! lists), `_init_from_external_storage` prepares empty lists, `_clean_up` gives it all back.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; a view's pointers and counts describe valid values.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::guard::Result;
use crate::ffi::mqtt::v5::mqtt5_packet_storage::{
    aws_mqtt5_packet_puback_storage, aws_mqtt5_packet_publish_storage,
};
use crate::ffi::mqtt::v5::mqtt5_views::{
    aws_mqtt5_packet_puback_view, aws_mqtt5_packet_publish_view,
};
use crate::ffi::mqtt::v5::storage_support::{
    self, Owned, PacketStorage, copy_into, copy_optional_string, copy_optional_value,
    copy_user_properties, list_of, optional_len, slice, start_fill,
};
use std::ffi::c_int;

// SAFETY: a C struct of lists, a buffer, pointers and plain values: all zeroes is empty.
unsafe impl PacketStorage for aws_mqtt5_packet_publish_storage {
    type View = aws_mqtt5_packet_publish_view;

    unsafe fn fill(s: &mut Self, allocator: *mut aws_allocator, view: &Self::View) -> Result<()> {
        // SAFETY: the view's pointers and counts describe valid values.
        let identifiers = unsafe {
            slice(
                view.subscription_identifiers,
                view.subscription_identifier_count,
            )
        }?;
        let properties = start_fill!(
            s,
            allocator,
            view,
            [
                view.topic.len,
                view.payload.len,
                optional_len(view.response_topic),
                optional_len(view.correlation_data),
                optional_len(view.content_type),
            ]
        );
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
        (
            s.storage_view.subscription_identifier_count,
            s.storage_view.subscription_identifiers,
        ) = unsafe { list_of(&mut s.subscription_identifiers, allocator, identifiers) }?;
        copy_optional_string!(s, view, content_type);
        copy_user_properties!(s, allocator, properties);
        Ok(())
    }

    fn owned(&mut self) -> Owned<'_> {
        Owned::new(&mut self.storage, &mut self.user_properties)
            .with_list::<u32>(&mut self.subscription_identifiers)
    }
}

/// Copies `publish_options` into `publish_storage`, payload included.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_publish_storage_init(
    publish_storage: *mut aws_mqtt5_packet_publish_storage,
    allocator: *mut aws_allocator,
    publish_options: *const aws_mqtt5_packet_publish_view,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init(publish_storage, allocator, publish_options) }
}

/// Zeroes `publish_storage` and gives it an empty user property set and subscription
/// identifier list from `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_publish_storage_init_from_external_storage(
    publish_storage: *mut aws_mqtt5_packet_publish_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init_from_external_storage(publish_storage, allocator) }
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_publish_storage_clean_up(
    publish_storage: *mut aws_mqtt5_packet_publish_storage,
) {
    // SAFETY: the module's contract.
    unsafe { storage_support::clean_up(publish_storage) }
}

// SAFETY: a C struct of lists, a buffer, pointers and plain values: all zeroes is empty.
unsafe impl PacketStorage for aws_mqtt5_packet_puback_storage {
    type View = aws_mqtt5_packet_puback_view;

    unsafe fn fill(s: &mut Self, allocator: *mut aws_allocator, view: &Self::View) -> Result<()> {
        let properties = start_fill!(s, allocator, view, [optional_len(view.reason_string)]);
        s.storage_view.packet_id = view.packet_id;
        s.storage_view.reason_code = view.reason_code;
        copy_optional_string!(s, view, reason_string);
        copy_user_properties!(s, allocator, properties);
        Ok(())
    }

    fn owned(&mut self) -> Owned<'_> {
        Owned::new(&mut self.storage, &mut self.user_properties)
    }
}

/// Copies `puback_view` into `puback_storage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_puback_storage_init(
    puback_storage: *mut aws_mqtt5_packet_puback_storage,
    allocator: *mut aws_allocator,
    puback_view: *const aws_mqtt5_packet_puback_view,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init(puback_storage, allocator, puback_view) }
}

/// Zeroes `puback_storage` and gives it an empty user property set from `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_puback_storage_init_from_external_storage(
    puback_storage: *mut aws_mqtt5_packet_puback_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init_from_external_storage(puback_storage, allocator) }
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_puback_storage_clean_up(
    puback_storage: *mut aws_mqtt5_packet_puback_storage,
) {
    // SAFETY: the module's contract.
    unsafe { storage_support::clean_up(puback_storage) }
}
