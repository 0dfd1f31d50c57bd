//! `aws/common/uuid.h`: 16 random bytes, and their text forms `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`
//! and `xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` (lower-case hex).
//!
//! As upstream, `aws_uuid_init` takes all 16 bytes from the device's generator and sets no
//! version or variant bits. `aws_uuid_init_from_str` reads the first 36 characters of its
//! cursor (more may follow and are ignored): two hex digits of either case per byte and the
//! four dashes. Upstream's `sscanf` also lets through odd fields (a space, a sign or a single
//! digit where two belong); those are malformed here. Text is written with a NUL after it that is not counted in
//! the buffer's length, so the output needs `AWS_UUID_STR_LEN` (or `_COMPACT_LEN`) bytes of room.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type (a cursor's bytes readable, a buffer's storage
//! writable up to its capacity).

use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor, buf_mut, cursor_bytes};
use crate::ffi::common::device_random;
use crate::ffi::common::encoding::hex;
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_INVALID_BUFFER_SIZE, AWS_ERROR_MALFORMED_INPUT_STRING, AWS_ERROR_SHORT_BUFFER,
};
use crate::ffi::guard;
use std::ffi::c_int;

/// A UUID: 16 bytes, in the order its text shows them.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct aws_uuid {
    /// The bytes.
    pub uuid_data: [u8; 16],
}

/// The length of the text form with dashes, without its NUL.
const TEXT_LEN: usize = 36;
/// Where the dashes of the text form are.
const DASHES: [usize; 4] = [8, 13, 18, 23];

/// Sets `uuid` to 16 random bytes. `AWS_ERROR_RANDOM_GEN_FAILED` when the generator fails.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uuid_init(uuid: *mut aws_uuid) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let uuid = unsafe { guard::mutable(uuid) }?;
        device_random::fill(&mut uuid.uuid_data)
    })
}

/// The value of one hex digit, either case.
fn hex_digit(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Reads the 36-character form with dashes.
fn parse(text: &[u8]) -> Option<[u8; 16]> {
    let mut digits = text
        .iter()
        .enumerate()
        .filter(|(i, _)| !DASHES.contains(i))
        .map(|(_, &c)| hex_digit(c));
    if DASHES.iter().any(|&i| text[i] != b'-') {
        return None;
    }
    let mut out = [0u8; 16];
    for byte in &mut out {
        *byte = (digits.next()?? << 4) | digits.next()??;
    }
    Some(out)
}

/// Sets `uuid` from the text at the start of `uuid_str`. `AWS_ERROR_INVALID_BUFFER_SIZE` when
/// the cursor is shorter than 36 bytes, `AWS_ERROR_MALFORMED_INPUT_STRING` when the text is no
/// UUID (then `uuid` is zeroed, as upstream leaves it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uuid_init_from_str(
    uuid: *mut aws_uuid,
    uuid_str: *const aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let uuid = unsafe { guard::mutable(uuid) }?;
        let text = unsafe { cursor_bytes(uuid_str) }?;
        if text.len() < TEXT_LEN {
            return Err(AWS_ERROR_INVALID_BUFFER_SIZE.into());
        }
        uuid.uuid_data = [0; 16];
        uuid.uuid_data = parse(&text[..TEXT_LEN]).ok_or(AWS_ERROR_MALFORMED_INPUT_STRING)?;
        Ok(())
    })
}

/// Appends the text of `uuid` and a NUL (not counted) to `output`; `AWS_ERROR_SHORT_BUFFER`
/// when fewer than `text length + 1` bytes are free.
///
/// # Safety
/// Forwarded from the exported functions.
unsafe fn write_text(uuid: *const aws_uuid, output: *mut aws_byte_buf, with_dashes: bool) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let uuid = unsafe { guard::reference(uuid) }?;
        let out = unsafe { buf_mut(output) }?;
        let mut text = Vec::with_capacity(TEXT_LEN + 1);
        for (i, byte) in uuid.uuid_data.iter().enumerate() {
            if with_dashes && [4, 6, 8, 10].contains(&i) {
                text.push(b'-');
            }
            text.extend_from_slice(&hex(std::slice::from_ref(byte)));
        }
        text.push(0);
        if out.capacity - out.len < text.len() {
            return Err(AWS_ERROR_SHORT_BUFFER.into());
        }
        // SAFETY: the text and its NUL fit after `len`.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), out.buffer.add(out.len), text.len())
        };
        out.len += text.len() - 1;
        Ok(())
    })
}

/// Appends `uuid` as `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (lower case) and a NUL that is not
/// counted in `output->len`. `AWS_ERROR_SHORT_BUFFER` unless `AWS_UUID_STR_LEN` bytes are free.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uuid_to_str(
    uuid: *const aws_uuid,
    output: *mut aws_byte_buf,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { write_text(uuid, output, true) }
}

/// Appends `uuid` as 32 lower-case hex digits and a NUL that is not counted in `output->len`.
/// `AWS_ERROR_SHORT_BUFFER` unless `AWS_UUID_STR_COMPACT_LEN` bytes are free.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uuid_to_str_compact(
    uuid: *const aws_uuid,
    output: *mut aws_byte_buf,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { write_text(uuid, output, false) }
}

/// True when the two UUIDs hold the same bytes; false when either is NULL (with
/// `AWS_ERROR_INVALID_ARGUMENT` raised).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_uuid_equals(a: *const aws_uuid, b: *const aws_uuid) -> bool {
    guard::guard(false, || {
        // SAFETY: forwarded caller contract.
        let (a, b) = unsafe { (guard::reference(a)?, guard::reference(b)?) };
        Ok(a == b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::error::aws_last_error;

    const TEXT: &str = "a7D2F1c0-0b1e-4c3d-8e9f-00112233aBcD";
    const BYTES: [u8; 16] = [
        0xa7, 0xd2, 0xf1, 0xc0, 0x0b, 0x1e, 0x4c, 0x3d, 0x8e, 0x9f, 0x00, 0x11, 0x22, 0x33, 0xab,
        0xcd,
    ];

    fn from_str(text: &str) -> (c_int, aws_uuid) {
        let mut uuid = aws_uuid {
            uuid_data: [0xff; 16],
        };
        let cursor = aws_byte_cursor::from_slice(text.as_bytes());
        (unsafe { aws_uuid_init_from_str(&mut uuid, &cursor) }, uuid)
    }

    fn to_str(uuid: &aws_uuid, storage: &mut [u8], compact: bool) -> (c_int, usize) {
        let mut buf = aws_byte_buf {
            len: 0,
            buffer: storage.as_mut_ptr(),
            capacity: storage.len(),
            allocator: std::ptr::null_mut(),
        };
        let rc = if compact {
            unsafe { aws_uuid_to_str_compact(uuid, &mut buf) }
        } else {
            unsafe { aws_uuid_to_str(uuid, &mut buf) }
        };
        (rc, buf.len)
    }

    #[test]
    fn text_shorter_than_36_bytes_is_invalid_buffer_size() {
        assert_eq!(from_str(&TEXT[..35]).0, guard::OP_ERR);
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_BUFFER_SIZE as c_int);
        assert_eq!(
            from_str("0011223344556677889900aabbccddeeff").0,
            guard::OP_ERR
        );
    }

    #[test]
    fn malformed_text_is_malformed_input_string_and_zeroes_the_uuid() {
        for bad in [
            "a7d2f1c0x0b1e-4c3d-8e9f-00112233abcd",
            "g7d2f1c0-0b1e-4c3d-8e9f-00112233abcd",
            "a7d2f1c0-0b1e-4c3d-8e9f-00112233abc-",
        ] {
            let (rc, uuid) = from_str(bad);
            assert_eq!(rc, guard::OP_ERR, "{bad}");
            assert_eq!(aws_last_error(), AWS_ERROR_MALFORMED_INPUT_STRING as c_int);
            assert_eq!(uuid.uuid_data, [0; 16]);
        }
    }

    #[test]
    fn text_is_read_in_either_case_and_anything_after_36_bytes_ignored() {
        assert_eq!(from_str(TEXT), (0, aws_uuid { uuid_data: BYTES }));
        let longer = format!("{TEXT}trailing");
        assert_eq!(from_str(&longer), (0, aws_uuid { uuid_data: BYTES }));
    }

    #[test]
    fn text_is_written_in_lower_case_with_a_nul_not_counted() {
        let uuid = aws_uuid { uuid_data: BYTES };
        let mut storage = [0xeeu8; 37];
        assert_eq!(to_str(&uuid, &mut storage, false), (0, 36));
        assert_eq!(&storage[..36], TEXT.to_ascii_lowercase().as_bytes());
        assert_eq!(storage[36], 0);
        let mut storage = [0xeeu8; 33];
        assert_eq!(to_str(&uuid, &mut storage, true), (0, 32));
        assert_eq!(&storage[..32], b"a7d2f1c00b1e4c3d8e9f00112233abcd");
        assert_eq!(storage[32], 0);
    }

    #[test]
    fn writing_needs_room_for_the_nul() {
        let uuid = aws_uuid { uuid_data: BYTES };
        let mut storage = [0u8; 36];
        assert_eq!(to_str(&uuid, &mut storage, false), (guard::OP_ERR, 0));
        assert_eq!(aws_last_error(), AWS_ERROR_SHORT_BUFFER as c_int);
        let mut storage = [0u8; 32];
        assert_eq!(to_str(&uuid, &mut storage, true), (guard::OP_ERR, 0));
    }

    #[test]
    fn init_gives_different_uuids_that_round_trip_through_text() {
        let (mut a, mut b) = (
            aws_uuid { uuid_data: [0; 16] },
            aws_uuid { uuid_data: [0; 16] },
        );
        assert_eq!(unsafe { aws_uuid_init(&mut a) }, 0);
        assert_eq!(unsafe { aws_uuid_init(&mut b) }, 0);
        assert!(!unsafe { aws_uuid_equals(&a, &b) });
        let mut storage = [0u8; 37];
        to_str(&a, &mut storage, false);
        let text = std::str::from_utf8(&storage[..36]).unwrap();
        let (rc, back) = from_str(text);
        assert_eq!(rc, 0);
        assert!(unsafe { aws_uuid_equals(&a, &back) });
    }
}
