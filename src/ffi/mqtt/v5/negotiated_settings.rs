//! `aws/mqtt/v5/mqtt5_client.h`: the life of a `struct aws_mqtt5_negotiated_settings`, whose
//! only owned part is the client identifier it keeps.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type (a cursor over readable bytes).

use crate::ffi::common::allocator::{aws_allocator, aws_default_allocator};
use crate::ffi::common::byte_buf::{self, aws_byte_buf, aws_byte_cursor, cursor_arg};
use crate::ffi::common::byte_buf_append;
use crate::ffi::guard::{self, Result};
use crate::ffi::mqtt::v5::mqtt5_client::aws_mqtt5_negotiated_settings;
use std::ffi::c_int;
use std::ptr;

/// Gives `buf` an owned copy of `bytes` from `allocator` (an allocator and no storage when
/// `bytes` is empty, as upstream).
///
/// # Safety
/// `allocator` must be NULL or valid; `bytes` must cover readable bytes.
unsafe fn owned_copy(
    buf: &mut aws_byte_buf,
    allocator: *mut aws_allocator,
    bytes: aws_byte_cursor,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    unsafe { bytes.as_bytes() }?;
    unsafe { byte_buf::init(buf, allocator, bytes.len) }?;
    unsafe { byte_buf_append::append(buf, bytes) }
}

/// Gives the settings an owned copy of `client_id` from `allocator`. Only the client identifier
/// is set: the other fields are left as they are, and so (as upstream) is whatever the
/// identifier buffer held before. On failure the identifier buffer is left empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_negotiated_settings_init(
    allocator: *mut aws_allocator,
    negotiated_settings: *mut aws_mqtt5_negotiated_settings,
    client_id: *const aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the settings and the identifier.
        let settings = unsafe { guard::mutable(negotiated_settings) }?;
        let id = unsafe { cursor_arg(client_id) }?;
        unsafe { owned_copy(&mut settings.client_id_storage, allocator, id) }
    })
}

/// Makes `dest` a copy of `source`, with its own copy of the client identifier, from the source
/// buffer's allocator, or the default allocator when the source only lends its bytes (as the
/// settings of a lifecycle event do: a copy is how a callback keeps them). What `dest` held is
/// given back first, so it must be initialised or zeroed. Copying settings onto themselves
/// changes nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_negotiated_settings_copy(
    source: *const aws_mqtt5_negotiated_settings,
    dest: *mut aws_mqtt5_negotiated_settings,
) -> c_int {
    guard::op(|| {
        if ptr::eq(source, dest) {
            // Upstream would free the identifier before copying it; copying settings onto
            // themselves is a no-op here, once NULL is refused.
            // SAFETY: the caller lends one settings struct.
            unsafe { guard::reference(source) }?;
            return Ok(());
        }
        // SAFETY: the caller lends two distinct settings structs.
        let src = unsafe { guard::reference(source) }?;
        let dst = unsafe { guard::mutable(dest) }?;
        // SAFETY: `dest`'s buffer is zeroed or owned, as the contract says.
        unsafe { byte_buf::clean_up(&mut dst.client_id_storage) };
        // SAFETY: every field but the buffer is plain data.
        unsafe { ptr::copy_nonoverlapping(src, dst, 1) };
        dst.client_id_storage = aws_byte_buf::EMPTY;
        let id = &src.client_id_storage;
        let allocator = if id.allocator.is_null() {
            aws_default_allocator()
        } else {
            id.allocator
        };
        if !id.allocator.is_null() || id.len > 0 {
            // SAFETY: the source buffer's bytes in use are readable.
            unsafe { owned_copy(&mut dst.client_id_storage, allocator, id.cursor()) }?;
        }
        Ok(())
    })
}

/// Gives back the client identifier the settings own. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_negotiated_settings_clean_up(
    negotiated_settings: *mut aws_mqtt5_negotiated_settings,
) {
    guard::guard((), || {
        // SAFETY: the caller lends settings whose buffer is zeroed or owned.
        if let Some(settings) = unsafe { negotiated_settings.as_mut() } {
            unsafe { byte_buf::clean_up(&mut settings.client_id_storage) };
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::mqtt::v5::mqtt5_types::aws_mqtt5_qos;
    use crate::ffi::mqtt::v5::storage_tests::Tracer;

    fn zeroed() -> aws_mqtt5_negotiated_settings {
        // SAFETY: all zeroes is valid settings with no identifier.
        unsafe { std::mem::zeroed() }
    }

    #[test]
    fn init_keeps_an_owned_copy_of_the_client_id() {
        unsafe {
            let t = Tracer::new();
            let mut settings = zeroed();
            let id = aws_byte_cursor::from_slice(b"client-1");
            assert_eq!(
                aws_mqtt5_negotiated_settings_init(t.0, &mut settings, &id),
                0
            );
            assert_eq!(
                settings.client_id_storage.cursor().as_bytes().unwrap(),
                b"client-1"
            );
            assert_ne!(settings.client_id_storage.buffer, id.ptr);
            aws_mqtt5_negotiated_settings_clean_up(&mut settings);
            assert_eq!(t.live(), 0);
        }
    }

    #[test]
    fn copy_duplicates_every_field_and_the_client_id() {
        unsafe {
            let t = Tracer::new();
            let mut source = zeroed();
            let id = aws_byte_cursor::from_slice(b"abc");
            assert_eq!(aws_mqtt5_negotiated_settings_init(t.0, &mut source, &id), 0);
            source.maximum_qos = aws_mqtt5_qos::AWS_MQTT5_QOS_AT_LEAST_ONCE as c_int;
            source.server_keep_alive = 30;
            source.rejoined_session = true;
            let mut dest = zeroed();
            assert_eq!(aws_mqtt5_negotiated_settings_init(t.0, &mut dest, &id), 0);
            assert_eq!(aws_mqtt5_negotiated_settings_copy(&source, &mut dest), 0);
            assert_eq!(dest.maximum_qos, 1);
            assert_eq!(dest.server_keep_alive, 30);
            assert!(dest.rejoined_session);
            assert_eq!(dest.client_id_storage.cursor().as_bytes().unwrap(), b"abc");
            assert_ne!(
                dest.client_id_storage.buffer,
                source.client_id_storage.buffer
            );
            assert_eq!(aws_mqtt5_negotiated_settings_copy(&source, &mut source), 0);
            aws_mqtt5_negotiated_settings_clean_up(&mut source);
            aws_mqtt5_negotiated_settings_clean_up(&mut dest);
            assert_eq!(t.live(), 0);
        }
    }

    #[test]
    fn a_copy_of_lent_settings_owns_its_client_id() {
        // A lifecycle event lends its settings: the identifier's bytes with no allocator. A
        // callback keeps them with a copy, which must own the identifier.
        unsafe {
            let id = b"event-client";
            let mut lent = zeroed();
            lent.client_id_storage = aws_byte_buf {
                len: id.len(),
                buffer: id.as_ptr().cast_mut(),
                capacity: id.len(),
                allocator: ptr::null_mut(),
            };
            let mut kept = zeroed();
            assert_eq!(aws_mqtt5_negotiated_settings_copy(&lent, &mut kept), 0);
            assert_eq!(kept.client_id_storage.cursor().as_bytes().unwrap(), id);
            assert!(!kept.client_id_storage.allocator.is_null());
            assert_ne!(kept.client_id_storage.buffer, lent.client_id_storage.buffer);
            aws_mqtt5_negotiated_settings_clean_up(&mut kept);
        }
    }

    #[test]
    fn a_null_client_id_is_an_invalid_argument() {
        unsafe {
            let mut settings = zeroed();
            let rc = aws_mqtt5_negotiated_settings_init(
                aws_default_allocator(),
                &mut settings,
                ptr::null(),
            );
            assert_eq!(rc, -1);
            assert_eq!(
                crate::ffi::common::error::aws_last_error(),
                guard::INVALID_ARGUMENT.0
            );
        }
    }
}
