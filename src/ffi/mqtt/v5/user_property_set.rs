//! `aws/mqtt/v5/mqtt5_packet_storage.h`: the user property set, the list of user properties a
//! packet storage struct owns, whose names and values are copied into the storage's buffer.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type (an array of `property_count` properties, cursors
//! over readable bytes).

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::array_list::{aws_array_list, aws_array_list_clean_up};
use crate::ffi::common::byte_buf::{aws_byte_buf, buf_mut};
use crate::ffi::guard::{self, Result};
use crate::ffi::mqtt::v5::mqtt5_packet_storage::aws_mqtt5_user_property_set;
use crate::ffi::mqtt::v5::mqtt5_views::aws_mqtt5_user_property;
use crate::ffi::mqtt::v5::storage_support::{copy_into, list_of, slice};
use std::ffi::c_int;

/// Fills `set` with copies of `properties`, their names and values appended to `storage`, and
/// returns the count and the pointer with which a storage's view shows them. On failure the set
/// is left empty; bytes already appended to `storage` stay there, as upstream.
///
/// # Safety
/// `storage` must be a valid buffer; `allocator` NULL or valid; the properties' cursors must
/// cover readable bytes.
pub unsafe fn init_set(
    set: &mut aws_mqtt5_user_property_set,
    allocator: *mut aws_allocator,
    storage: &mut aws_byte_buf,
    properties: &[aws_mqtt5_user_property],
) -> Result<(usize, *const aws_mqtt5_user_property)> {
    set.properties = aws_array_list::ZERO;
    let mut copies = Vec::with_capacity(properties.len());
    for p in properties {
        // SAFETY: forwarded caller contract.
        let name = unsafe { copy_into(storage, p.name) }?;
        // SAFETY: as above.
        let value = unsafe { copy_into(storage, p.value) }?;
        copies.push(aws_mqtt5_user_property { name, value });
    }
    // SAFETY: forwarded caller contract.
    unsafe { list_of(&mut set.properties, allocator, &copies) }
}

/// Gives the set's list back (the strings belong to the storage buffer).
pub fn clean_up_set(set: &mut aws_mqtt5_user_property_set) {
    // SAFETY: the list is zeroed or was made by `init_set`.
    unsafe { aws_array_list_clean_up(&mut set.properties) };
}

/// Copies `property_count` properties into `property_set`, appending their names and values to
/// `storage_buffer`, which must have room for them (it does not grow): otherwise
/// `AWS_ERROR_DEST_COPY_TOO_SMALL`, and the set is left empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_user_property_set_init_with_storage(
    property_set: *mut aws_mqtt5_user_property_set,
    allocator: *mut aws_allocator,
    storage_buffer: *mut aws_byte_buf,
    property_count: usize,
    properties: *const aws_mqtt5_user_property,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends the set to fill, a buffer and its properties.
        let set = unsafe { guard::mutable(property_set) }?;
        set.properties = aws_array_list::ZERO;
        let storage = unsafe { buf_mut(storage_buffer) }?;
        let properties = unsafe { slice(properties, property_count) }?;
        unsafe { init_set(set, allocator, storage, properties) }.map(drop)
    })
}

/// Gives back the set's list; the names and values stay in the storage buffer they were copied
/// to. NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_user_property_set_clean_up(
    property_set: *mut aws_mqtt5_user_property_set,
) {
    guard::guard((), || {
        // SAFETY: the caller lends a set made by `_init_with_storage` (or zeroed).
        if let Some(set) = unsafe { property_set.as_mut() } {
            clean_up_set(set);
        }
        Ok(())
    })
}

/// How many properties the set holds; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt5_user_property_set_size(
    property_set: *const aws_mqtt5_user_property_set,
) -> usize {
    guard::guard(0, || {
        // SAFETY: the caller lends a set.
        Ok(unsafe { property_set.as_ref() }.map_or(0, |s| s.properties.length))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::aws_default_allocator;
    use crate::ffi::common::byte_buf::{aws_byte_buf_clean_up, aws_byte_buf_init, aws_byte_cursor};
    use crate::ffi::common::error::{
        aws_common_error::AWS_ERROR_DEST_COPY_TOO_SMALL, aws_last_error,
    };
    use crate::ffi::mqtt::v5::storage_tests::Tracer;

    fn property(name: &'static str, value: &'static str) -> aws_mqtt5_user_property {
        aws_mqtt5_user_property {
            name: aws_byte_cursor::from_slice(name.as_bytes()),
            value: aws_byte_cursor::from_slice(value.as_bytes()),
        }
    }

    #[test]
    fn a_set_copies_names_and_values_into_the_buffer() {
        unsafe {
            let t = Tracer::new();
            let mut buf = aws_byte_buf::EMPTY;
            assert_eq!(aws_byte_buf_init(&mut buf, t.0, 16), 0);
            let props = [property("a", "bc"), property("de", "")];
            let mut set = aws_mqtt5_user_property_set {
                properties: aws_array_list::ZERO,
            };
            assert_eq!(
                aws_mqtt5_user_property_set_init_with_storage(
                    &mut set,
                    t.0,
                    &mut buf,
                    2,
                    props.as_ptr()
                ),
                0
            );
            assert_eq!(aws_mqtt5_user_property_set_size(&set), 2);
            assert_eq!(buf.len, 5);
            let first = *set.properties.data.cast::<aws_mqtt5_user_property>();
            assert_eq!(first.name.as_bytes().unwrap(), b"a");
            assert_eq!(first.value.as_bytes().unwrap(), b"bc");
            assert_eq!(first.name.ptr, buf.buffer);
            aws_mqtt5_user_property_set_clean_up(&mut set);
            aws_byte_buf_clean_up(&mut buf);
            assert_eq!(t.live(), 0);
        }
    }

    #[test]
    fn a_buffer_without_room_fails_and_leaves_the_set_empty() {
        unsafe {
            let mut buf = aws_byte_buf::EMPTY;
            assert_eq!(aws_byte_buf_init(&mut buf, aws_default_allocator(), 2), 0);
            let props = [property("name", "value")];
            let mut set = aws_mqtt5_user_property_set {
                properties: aws_array_list::ZERO,
            };
            let rc = aws_mqtt5_user_property_set_init_with_storage(
                &mut set,
                aws_default_allocator(),
                &mut buf,
                1,
                props.as_ptr(),
            );
            assert_eq!(rc, -1);
            assert_eq!(aws_last_error(), AWS_ERROR_DEST_COPY_TOO_SMALL as c_int);
            assert_eq!(aws_mqtt5_user_property_set_size(&set), 0);
            aws_byte_buf_clean_up(&mut buf);
        }
    }
}
