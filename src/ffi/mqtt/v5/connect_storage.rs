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
use crate::ffi::common::byte_buf::{aws_byte_buf_clean_up_secure, aws_byte_cursor};
use crate::ffi::guard::{self, Result};
use crate::ffi::mqtt::v5::mqtt5_packet_storage::{
    aws_mqtt5_client_options_storage, aws_mqtt5_packet_connack_storage,
    aws_mqtt5_packet_connect_storage, aws_mqtt5_packet_publish_storage,
};
use crate::ffi::mqtt::v5::mqtt5_views::{
    aws_mqtt5_packet_connack_view, aws_mqtt5_packet_connect_view,
};
use crate::ffi::mqtt::v5::storage_support::{
    self, Owned, PacketStorage, copy_into, copy_optional_string, copy_optional_value,
    copy_user_properties, init_or_zero, optional, optional_len, start_fill,
};
use crate::ffi::mqtt::v5::user_property_set::clean_up_set;
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

// SAFETY: a C struct of lists, a buffer, pointers and plain values: all zeroes is empty.
unsafe impl PacketStorage for aws_mqtt5_packet_connect_storage {
    type View = aws_mqtt5_packet_connect_view;

    unsafe fn fill(s: &mut Self, allocator: *mut aws_allocator, view: &Self::View) -> Result<()> {
        let properties = start_fill!(
            s,
            allocator,
            view,
            [
                view.client_id.len,
                if has_username(view.username) {
                    optional_len(view.username)
                } else {
                    0
                },
                optional_len(view.password),
                optional_len(view.authentication_method),
                optional_len(view.authentication_data)
            ]
        );
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
                    |w| PacketStorage::fill(w, allocator, will_view),
                    PacketStorage::clean_up,
                )
            }?;
            s.storage_view.will = &raw const will.storage_view;
        }
        copy_optional_value!(s, view, will_delay_interval_seconds);
        copy_user_properties!(s, allocator, properties);
        copy_optional_string!(s, view, authentication_method);
        copy_optional_string!(s, view, authentication_data);
        Ok(())
    }

    fn owned(&mut self) -> Owned<'_> {
        Owned::new(&mut self.storage, &mut self.user_properties)
    }

    /// Also gives back the will, and zeroes the password's bytes before the buffer goes.
    unsafe fn clean_up(&mut self) {
        if !self.will.is_null() {
            // SAFETY: the will was allocated and filled by `fill`.
            unsafe {
                (*self.will).clean_up();
                allocator::release(self.allocator, self.will.cast());
            }
            self.will = ptr::null_mut();
        }
        clean_up_set(&mut self.user_properties);
        // SAFETY: the buffer is empty or owned.
        unsafe { aws_byte_buf_clean_up_secure(&mut self.storage) };
    }
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
    guard::guard(guard::OP_ERR, || {
        let _ = options_storage;
        // SAFETY: the module's contract.
        Ok(unsafe { storage_support::init(connect_storage, allocator, connect_options) })
    })
}

/// Zeroes `connect_storage` and gives it an empty user property set from `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_connect_storage_init_from_external_storage(
    connect_storage: *mut aws_mqtt5_packet_connect_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init_from_external_storage(connect_storage, allocator) }
}

/// Gives back everything the storage holds, the will included. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_connect_storage_clean_up(
    connect_storage: *mut aws_mqtt5_packet_connect_storage,
) {
    // SAFETY: the module's contract.
    unsafe { storage_support::clean_up(connect_storage) }
}

// SAFETY: a C struct of lists, a buffer, pointers and plain values: all zeroes is empty.
unsafe impl PacketStorage for aws_mqtt5_packet_connack_storage {
    type View = aws_mqtt5_packet_connack_view;

    unsafe fn fill(s: &mut Self, allocator: *mut aws_allocator, view: &Self::View) -> Result<()> {
        let properties = start_fill!(
            s,
            allocator,
            view,
            [
                optional_len(view.assigned_client_identifier),
                optional_len(view.reason_string),
                optional_len(view.response_information),
                optional_len(view.server_reference),
                optional_len(view.authentication_method),
                optional_len(view.authentication_data)
            ]
        );
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
        copy_user_properties!(s, allocator, properties);
        Ok(())
    }

    fn owned(&mut self) -> Owned<'_> {
        Owned::new(&mut self.storage, &mut self.user_properties)
    }
}

/// Copies `connack_options` into `connack_storage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_connack_storage_init(
    connack_storage: *mut aws_mqtt5_packet_connack_storage,
    allocator: *mut aws_allocator,
    connack_options: *const aws_mqtt5_packet_connack_view,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init(connack_storage, allocator, connack_options) }
}

/// Zeroes `connack_storage` and gives it an empty user property set from `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_connack_storage_init_from_external_storage(
    connack_storage: *mut aws_mqtt5_packet_connack_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init_from_external_storage(connack_storage, allocator) }
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_connack_storage_clean_up(
    connack_storage: *mut aws_mqtt5_packet_connack_storage,
) {
    // SAFETY: the module's contract.
    unsafe { storage_support::clean_up(connack_storage) }
}
