//! `aws/mqtt/v5/mqtt5_packet_storage.h`: the owning copy of a DISCONNECT, with the same
//! discipline as [`connect_storage`](super::connect_storage).
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; a view's pointers and counts describe valid values.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::guard::Result;
use crate::ffi::mqtt::v5::mqtt5_packet_storage::aws_mqtt5_packet_disconnect_storage;
use crate::ffi::mqtt::v5::mqtt5_views::aws_mqtt5_packet_disconnect_view;
use crate::ffi::mqtt::v5::storage_support::{
    self, Owned, PacketStorage, copy_optional_string, copy_optional_value, copy_user_properties,
    optional_len, start_fill,
};
use std::ffi::c_int;

// SAFETY: a C struct of lists, a buffer, pointers and plain values: all zeroes is empty.
unsafe impl PacketStorage for aws_mqtt5_packet_disconnect_storage {
    type View = aws_mqtt5_packet_disconnect_view;

    unsafe fn fill(s: &mut Self, allocator: *mut aws_allocator, view: &Self::View) -> Result<()> {
        let properties = start_fill!(
            s,
            allocator,
            view,
            [
                optional_len(view.reason_string),
                optional_len(view.server_reference)
            ]
        );
        s.storage_view.reason_code = view.reason_code;
        copy_optional_value!(s, view, session_expiry_interval_seconds);
        copy_optional_string!(s, view, reason_string);
        copy_optional_string!(s, view, server_reference);
        copy_user_properties!(s, allocator, properties);
        Ok(())
    }

    fn owned(&mut self) -> Owned<'_> {
        Owned::new(&mut self.storage, &mut self.user_properties)
    }
}

/// Copies `disconnect_options` into `disconnect_storage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_disconnect_storage_init(
    disconnect_storage: *mut aws_mqtt5_packet_disconnect_storage,
    allocator: *mut aws_allocator,
    disconnect_options: *const aws_mqtt5_packet_disconnect_view,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init(disconnect_storage, allocator, disconnect_options) }
}

/// Zeroes `disconnect_storage` and gives it an empty user property set from `allocator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_disconnect_storage_init_from_external_storage(
    disconnect_storage: *mut aws_mqtt5_packet_disconnect_storage,
    allocator: *mut aws_allocator,
) -> c_int {
    // SAFETY: the module's contract.
    unsafe { storage_support::init_from_external_storage(disconnect_storage, allocator) }
}

/// Gives back everything the storage holds. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_packet_disconnect_storage_clean_up(
    disconnect_storage: *mut aws_mqtt5_packet_disconnect_storage,
) {
    // SAFETY: the module's contract.
    unsafe { storage_support::clean_up(disconnect_storage) }
}
