//! Tests of the byte buffer's writes, the cursor's reads and parses, the splits, the lookup
//! tables and the two C-variadic buffer calls, edge cases first (exactly full, one byte short,
//! overflow at the last digit).

use super::array_list::{aws_array_list, aws_array_list_clean_up, aws_array_list_init_dynamic};
use super::byte_buf::{
    aws_byte_buf, aws_byte_buf_clean_up, aws_byte_buf_from_empty_array, aws_byte_cursor,
};
use super::byte_buf_write::*;
use super::byte_cursor_parse::*;
use super::byte_cursor_read::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_DEST_COPY_TOO_SMALL, AWS_ERROR_OVERFLOW_DETECTED,
};
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard::{self, OP_ERR, OP_SUCCESS};
use std::ffi::c_int;
use std::ptr;

fn cursor(s: &[u8]) -> aws_byte_cursor {
    aws_byte_cursor::from_slice(s)
}

fn written(b: &aws_byte_buf) -> Vec<u8> {
    unsafe { std::slice::from_raw_parts(b.buffer, b.len) }.to_vec()
}

#[test]
fn writes_fill_exactly_to_capacity_and_no_further() {
    let mut storage = [0u8; 8];
    let mut b = unsafe { aws_byte_buf_from_empty_array(storage.as_mut_ptr().cast(), 8) };
    unsafe {
        assert!(aws_byte_buf_write_be16(&mut b, 0x0102));
        assert!(aws_byte_buf_write_be24(&mut b, 0x030405));
        assert!(
            !aws_byte_buf_write_be24(&mut b, 0x0100_0000),
            "more than 24 bits"
        );
        assert!(aws_byte_buf_write_u8(&mut b, 6));
        assert!(!aws_byte_buf_write_be32(&mut b, 7), "one byte short");
        assert!(aws_byte_buf_write_u8_n(&mut b, 9, 2));
        assert!(!aws_byte_buf_write_u8(&mut b, 1));
        assert!(aws_byte_buf_write(&mut b, ptr::null(), 0));
        assert_eq!(written(&b), [1, 2, 3, 4, 5, 6, 9, 9]);
    }
}

#[test]
fn write_to_capacity_takes_what_fits_and_advances_the_source() {
    let mut storage = [0u8; 4];
    let mut b = unsafe { aws_byte_buf_from_empty_array(storage.as_mut_ptr().cast(), 4) };
    let src = *b"abcdef";
    let mut cur = cursor(&src);
    unsafe {
        let took = aws_byte_buf_write_to_capacity(&mut b, &mut cur);
        assert_eq!((took.len, cur.len), (4, 2));
        assert_eq!(written(&b), b"abcd");
        let took = aws_byte_buf_write_to_capacity(&mut b, &mut cur);
        assert_eq!((took.len, cur.len), (0, 2));
        assert!(!aws_byte_buf_write_from_whole_cursor(&mut b, cur));
    }
}

#[test]
fn advance_lends_spare_capacity() {
    let mut storage = [0u8; 6];
    let mut b = unsafe { aws_byte_buf_from_empty_array(storage.as_mut_ptr().cast(), 6) };
    let mut out = aws_byte_buf::EMPTY;
    unsafe {
        assert!(aws_byte_buf_advance(&mut b, &mut out, 4));
        assert_eq!((b.len, out.len, out.capacity), (4, 0, 4));
        assert!(aws_byte_buf_write_be32(&mut out, 0xdead_beef));
        assert!(!aws_byte_buf_advance(&mut b, &mut out, 3));
        assert!(out.buffer.is_null() && out.capacity == 0);
    }
    assert_eq!(&storage[..4], [0xde, 0xad, 0xbe, 0xef]);
}

#[test]
fn append_and_update_points_the_cursor_at_the_copy() {
    let mut storage = [0u8; 4];
    let mut b = unsafe { aws_byte_buf_from_empty_array(storage.as_mut_ptr().cast(), 4) };
    let src = *b"xy";
    let mut cur = cursor(&src);
    unsafe {
        assert_eq!(aws_byte_buf_append_and_update(&mut b, &mut cur), OP_SUCCESS);
        assert_eq!(cur.ptr, b.buffer);
        let mut again = cursor(b"xyz");
        assert_eq!(aws_byte_buf_append_and_update(&mut b, &mut again), OP_ERR);
        assert_eq!(aws_last_error(), AWS_ERROR_DEST_COPY_TOO_SMALL as c_int);
        let upper = cursor(b"AB");
        assert_eq!(
            aws_byte_buf_append_with_lookup(&mut b, &upper, aws_lookup_table_to_lower_get()),
            OP_SUCCESS
        );
        assert_eq!(written(&b), b"xyab");
    }
}

#[test]
fn reads_advance_or_leave_the_cursor_alone() {
    let data = [0x01u8, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09];
    let mut cur = cursor(&data);
    let (mut v8, mut v16, mut v32, mut v64) = (0u8, 0u16, 0u32, 0u64);
    unsafe {
        assert!(aws_byte_cursor_read_u8(&mut cur, &mut v8));
        assert!(aws_byte_cursor_read_be16(&mut cur, &mut v16));
        assert!(aws_byte_cursor_read_be24(&mut cur, &mut v32));
        assert_eq!((v8, v16, v32), (1, 0x0203, 0x040506));
        assert!(!aws_byte_cursor_read_be64(&mut cur, &mut v64));
        assert_eq!(cur.len, 3, "a failed read leaves the cursor");
        assert!(aws_byte_cursor_read_le16(&mut cur, &mut v16));
        assert_eq!(v16, 0x0807);
        let mut rest = [0u8; 1];
        assert!(aws_byte_cursor_read(&mut cur, rest.as_mut_ptr().cast(), 1));
        assert_eq!((rest[0], cur.len), (9, 0));
        assert!(aws_byte_cursor_read(&mut cur, ptr::null_mut(), 0));
    }
    let floats = [0x3f, 0x80, 0, 0, 0xff, 0xff, 0xff, 0xfe];
    let mut cur = cursor(&floats);
    let (mut f, mut i) = (0f32, 0i32);
    unsafe {
        assert!(aws_byte_cursor_read_float_be32(&mut cur, &mut f));
        assert!(aws_byte_cursor_read_be_i32(&mut cur, &mut i));
    }
    assert_eq!((f, i), (1.0, -2));
}

#[test]
fn hex_bytes_read_in_either_case() {
    let mut cur = cursor(b"aF0g");
    let mut v = 0u8;
    unsafe {
        assert!(aws_byte_cursor_read_hex_u8(&mut cur, &mut v));
        assert_eq!((v, cur.len), (0xaf, 2));
        assert!(!aws_byte_cursor_read_hex_u8(&mut cur, &mut v));
        assert_eq!(cur.len, 2);
    }
}

#[test]
fn numbers_parse_to_their_limits() {
    let mut u = 1u64;
    let mut i = 0i64;
    unsafe {
        assert_eq!(
            aws_byte_cursor_utf8_parse_u64(cursor(b"18446744073709551615"), &mut u),
            OP_SUCCESS
        );
        assert_eq!(u, u64::MAX);
        assert_eq!(
            aws_byte_cursor_utf8_parse_u64(cursor(b"18446744073709551616"), &mut u),
            OP_ERR
        );
        assert_eq!(aws_last_error(), AWS_ERROR_OVERFLOW_DETECTED as c_int);
        assert_eq!(u, 0, "zeroed on failure");
        for bad in [&b""[..], b"+1", b" 1", b"1a", b"-"] {
            assert_eq!(aws_byte_cursor_utf8_parse_u64(cursor(bad), &mut u), OP_ERR);
        }
        assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
        assert_eq!(
            aws_byte_cursor_utf8_parse_u64_hex(cursor(b"fFfF"), &mut u),
            OP_SUCCESS
        );
        assert_eq!(u, 0xffff);
        assert_eq!(
            aws_byte_cursor_utf8_parse_i64(cursor(b"-9223372036854775808"), &mut i),
            OP_SUCCESS
        );
        assert_eq!(i, i64::MIN);
        assert_eq!(
            aws_byte_cursor_utf8_parse_i64(cursor(b"9223372036854775808"), &mut i),
            OP_ERR
        );
        assert_eq!(
            aws_byte_cursor_utf8_parse_i64(cursor(b"-0"), &mut i),
            OP_SUCCESS
        );
        assert_eq!(i, 0);
    }
}

fn split_pieces(input: &[u8], n: usize) -> Vec<Vec<u8>> {
    let mut list = aws_array_list::ZERO;
    let cur = cursor(input);
    unsafe {
        aws_array_list_init_dynamic(
            &mut list,
            aws_default_allocator(),
            2,
            size_of::<aws_byte_cursor>(),
        );
        assert_eq!(
            aws_byte_cursor_split_on_char_n(&cur, b',' as _, n, &mut list),
            OP_SUCCESS
        );
        let pieces = std::slice::from_raw_parts(list.data.cast::<aws_byte_cursor>(), list.length)
            .iter()
            .map(|c| c.as_bytes().unwrap().to_vec())
            .collect();
        aws_array_list_clean_up(&mut list);
        pieces
    }
}

#[test]
fn splits_keep_empty_pieces_and_honour_the_limit() {
    assert_eq!(
        split_pieces(b"a,b,,c,", 0),
        [&b"a"[..], b"b", b"", b"c", b""]
    );
    assert_eq!(split_pieces(b"abc", 0), [b"abc"]);
    assert_eq!(split_pieces(b"", 0), [b""]);
    assert_eq!(split_pieces(b"a,b,c", 1), [&b"a"[..], b"b,c"]);
}

#[test]
fn lookup_tables_compare_and_hash_ignoring_case() {
    let lower = aws_lookup_table_to_lower_get();
    let hex = aws_lookup_table_hex_to_num_get();
    unsafe {
        assert_eq!(*lower.add(usize::from(b'Q')), b'q');
        assert_eq!(
            (*hex.add(usize::from(b'B')), *hex.add(usize::from(b'g'))),
            (11, 255)
        );
        let (a, b, c) = (cursor(b"Host"), cursor(b"hOST"), cursor(b"hosts"));
        assert_eq!(aws_byte_cursor_compare_lookup(&a, &b, lower), 0);
        assert_eq!(aws_byte_cursor_compare_lookup(&a, &c, lower), -1);
        assert_eq!(aws_byte_cursor_compare_lookup(&c, &a, lower), 1);
        assert_eq!(
            aws_hash_byte_cursor_ptr_ignore_case(ptr::from_ref(&a).cast()),
            aws_hash_array_ignore_case(b"HOST".as_ptr().cast(), 4)
        );
        // FNV-1a of nothing is its offset basis, as upstream's.
        assert_eq!(
            aws_hash_array_ignore_case(ptr::null(), 0),
            0xcbf2_9ce4_8422_2325
        );
    }
}

#[test]
fn read_and_fill_buffer_fills_exactly() {
    let mut b = aws_byte_buf::EMPTY;
    unsafe {
        crate::ffi::common::byte_buf::aws_byte_buf_init(&mut b, aws_default_allocator(), 3);
        let data = *b"abcd";
        let mut cur = cursor(&data);
        assert!(aws_byte_cursor_read_and_fill_buffer(&mut cur, &mut b));
        assert_eq!((written(&b), cur.len), (b"abc".to_vec(), 1));
        assert!(!aws_byte_cursor_read_and_fill_buffer(&mut cur, &mut b));
        aws_byte_buf_clean_up(&mut b);
    }
}
