//! Tests of `aws/io/stream.h` pinned to upstream's behaviour (aws-c-io's stream_test.c cases):
//! cursor and file streams, seeking past either end, lengths, and a caller-made vtable.

use super::stream::*;
use super::stream_impls::*;
use crate::error::aws_io_errors::{AWS_IO_STREAM_INVALID_SEEK_POSITION, AWS_IO_STREAM_READ_FAILED};
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_FILE_INVALID_PATH, AWS_ERROR_INVALID_ARGUMENT, AWS_ERROR_INVALID_STATE,
};
use crate::ffi::common::error::{aws_last_error, aws_reset_error};
use crate::ffi::guard::{OP_ERR, OP_SUCCESS};
use std::ffi::{CString, c_int};
use std::io::Write;
use std::sync::atomic::AtomicI32;
use std::sync::atomic::Ordering::Relaxed;

const TEXT: &[u8] = b"SimpleTest of the input stream";

fn read_all(stream: *mut aws_input_stream, chunk: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut storage = vec![0u8; chunk];
    loop {
        let mut buf = aws_byte_buf {
            len: 0,
            buffer: storage.as_mut_ptr(),
            capacity: chunk,
            allocator: std::ptr::null_mut(),
        };
        assert_eq!(
            unsafe { aws_input_stream_read(stream, &mut buf) },
            OP_SUCCESS
        );
        out.extend_from_slice(&storage[..buf.len]);
        let mut status = aws_stream_status::default();
        assert_eq!(
            unsafe { aws_input_stream_get_status(stream, &mut status) },
            OP_SUCCESS
        );
        assert!(status.is_valid);
        if status.is_end_of_stream {
            return out;
        }
    }
}

fn cursor_stream(bytes: &[u8]) -> *mut aws_input_stream {
    let cursor = aws_byte_cursor::from_slice(bytes);
    let stream = unsafe { aws_input_stream_new_from_cursor(aws_default_allocator(), &cursor) };
    assert!(!stream.is_null());
    stream
}

/// A file holding `bytes`, removed when the guard goes.
struct TempFile(std::path::PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp_file(bytes: &[u8]) -> (TempFile, CString) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("awsrs-stream-{}-{n}", std::process::id()));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    let c_path = CString::new(path.to_str().unwrap()).unwrap();
    (TempFile(path), c_path)
}

fn fails_with(result: c_int, code: impl Into<c_int>) {
    assert_eq!(result, OP_ERR);
    assert_eq!(aws_last_error(), code.into());
}

#[test]
fn a_cursor_stream_reads_everything_in_small_chunks() {
    let stream = cursor_stream(TEXT);
    assert_eq!(read_all(stream, 2), TEXT);
    let mut length = 0;
    assert_eq!(
        unsafe { aws_input_stream_get_length(stream, &mut length) },
        OP_SUCCESS
    );
    assert_eq!(length, TEXT.len() as i64);
    unsafe { aws_input_stream_release(stream) };
}

#[test]
fn reading_appends_after_what_the_buffer_holds_and_a_full_buffer_reads_nothing() {
    let stream = cursor_stream(b"abcdef");
    let mut storage = *b"XY____";
    let mut buf = aws_byte_buf {
        len: 2,
        buffer: storage.as_mut_ptr(),
        capacity: 4,
        allocator: std::ptr::null_mut(),
    };
    assert_eq!(
        unsafe { aws_input_stream_read(stream, &mut buf) },
        OP_SUCCESS
    );
    assert_eq!(buf.len, 4);
    assert_eq!(&storage, b"XYab__");
    assert_eq!(
        unsafe { aws_input_stream_read(stream, &mut buf) },
        OP_SUCCESS
    );
    assert_eq!(buf.len, 4);
    unsafe { aws_input_stream_release(stream) };
}

#[test]
fn cursor_seeks_within_bounds_and_refuses_past_either_end() {
    let stream = cursor_stream(TEXT);
    unsafe {
        assert_eq!(aws_input_stream_seek(stream, 6, 0), OP_SUCCESS);
        assert_eq!(read_all(stream, 64), &TEXT[6..]);
        assert_eq!(aws_input_stream_seek(stream, -4, 2), OP_SUCCESS);
        assert_eq!(read_all(stream, 64), &TEXT[TEXT.len() - 4..]);
        assert_eq!(aws_input_stream_seek(stream, 0, 2), OP_SUCCESS);
        assert_eq!(read_all(stream, 64), b"");
        let len = TEXT.len() as i64;
        assert_eq!(aws_input_stream_seek(stream, len, 0), OP_SUCCESS);
        assert_eq!(aws_input_stream_seek(stream, -len, 2), OP_SUCCESS);
        fails_with(
            aws_input_stream_seek(stream, len + 1, 0),
            AWS_IO_STREAM_INVALID_SEEK_POSITION,
        );
        fails_with(
            aws_input_stream_seek(stream, -1, 0),
            AWS_IO_STREAM_INVALID_SEEK_POSITION,
        );
        fails_with(
            aws_input_stream_seek(stream, 1, 2),
            AWS_IO_STREAM_INVALID_SEEK_POSITION,
        );
        fails_with(
            aws_input_stream_seek(stream, i64::MIN, 2),
            AWS_IO_STREAM_INVALID_SEEK_POSITION,
        );
        fails_with(
            aws_input_stream_seek(stream, -len - 1, 2),
            AWS_IO_STREAM_INVALID_SEEK_POSITION,
        );
        fails_with(
            aws_input_stream_seek(stream, 0, 1),
            AWS_ERROR_INVALID_ARGUMENT,
        );
        aws_input_stream_release(stream);
    }
}

#[test]
fn a_file_stream_reads_seeks_and_measures_its_file() {
    let (_file, path) = temp_file(TEXT);
    let stream = unsafe { aws_input_stream_new_from_file(aws_default_allocator(), path.as_ptr()) };
    assert!(!stream.is_null());
    assert_eq!(read_all(stream, 5), TEXT);
    unsafe {
        let mut length = 0;
        assert_eq!(aws_input_stream_get_length(stream, &mut length), OP_SUCCESS);
        assert_eq!(length, TEXT.len() as i64);
        assert_eq!(aws_input_stream_seek(stream, -6, 2), OP_SUCCESS);
        assert_eq!(read_all(stream, 64), &TEXT[TEXT.len() - 6..]);
        assert_eq!(aws_input_stream_seek(stream, 0, 0), OP_SUCCESS);
        assert_eq!(read_all(stream, 64), TEXT);
        aws_input_stream_release(stream);
    }
}

#[test]
fn a_missing_file_fails_with_aws_fopen_s_error() {
    aws_reset_error();
    let stream = unsafe { aws_input_stream_new_from_file(aws_default_allocator(), c"".as_ptr()) };
    assert!(stream.is_null());
    assert_eq!(aws_last_error(), AWS_ERROR_FILE_INVALID_PATH as c_int);
    let stream = unsafe {
        aws_input_stream_new_from_file(aws_default_allocator(), c"/nonexistent/dir/x".as_ptr())
    };
    assert!(stream.is_null());
    assert_ne!(aws_last_error(), 0);
}

#[test]
fn an_open_file_stream_leaves_the_file_open() {
    let (_file, path) = temp_file(TEXT);
    unsafe {
        let file = libc::fopen(path.as_ptr(), c"rb".as_ptr());
        assert_eq!(libc::fseek(file, 7, libc::SEEK_SET), 0);
        let stream = aws_input_stream_new_from_open_file(aws_default_allocator(), file);
        assert_eq!(read_all(stream, 8), &TEXT[7..]);
        aws_input_stream_release(stream);
        assert_eq!(libc::fseek(file, 0, libc::SEEK_SET), 0);
        assert_eq!(libc::fgetc(file), b'S' as c_int);
        libc::fclose(file);
    }
}

#[test]
fn a_write_only_file_fails_reads_with_stream_read_failed() {
    let (_file, path) = temp_file(TEXT);
    unsafe {
        let file = libc::fopen(path.as_ptr(), c"ab".as_ptr());
        let stream = aws_input_stream_new_from_open_file(aws_default_allocator(), file);
        let mut storage = [0u8; 8];
        let mut buf = aws_byte_buf {
            len: 0,
            buffer: storage.as_mut_ptr(),
            capacity: 8,
            allocator: std::ptr::null_mut(),
        };
        fails_with(
            aws_input_stream_read(stream, &mut buf),
            AWS_IO_STREAM_READ_FAILED,
        );
        let mut status = aws_stream_status::default();
        assert_eq!(aws_input_stream_get_status(stream, &mut status), OP_SUCCESS);
        assert!(!status.is_valid);
        aws_input_stream_release(stream);
        libc::fclose(file);
    }
}

static ACQUIRED: AtomicI32 = AtomicI32::new(0);

unsafe extern "C" fn count_acquire(_: *mut aws_input_stream) {
    ACQUIRED.fetch_add(1, Relaxed);
}

unsafe extern "C" fn count_release(_: *mut aws_input_stream) {
    ACQUIRED.fetch_sub(1, Relaxed);
}

unsafe extern "C" fn grow_read(_: *mut aws_input_stream, dest: *mut aws_byte_buf) -> c_int {
    unsafe { (*dest).capacity += 1 };
    OP_SUCCESS
}

#[test]
fn a_caller_vtable_counts_its_own_references_and_a_read_may_not_resize() {
    let vtable = aws_input_stream_vtable {
        seek: None,
        read: Some(grow_read),
        get_status: None,
        get_length: None,
        acquire: Some(count_acquire),
        release: Some(count_release),
    };
    let mut stream: aws_input_stream = unsafe { std::mem::zeroed() };
    stream.vtable = &vtable;
    unsafe {
        assert_eq!(aws_input_stream_acquire(&mut stream), &raw mut stream);
        assert_eq!(ACQUIRED.load(Relaxed), 1);
        assert!(aws_input_stream_release(&mut stream).is_null());
        assert_eq!(ACQUIRED.load(Relaxed), 0);
        let mut storage = [0u8; 4];
        let mut buf = aws_byte_buf {
            len: 1,
            buffer: storage.as_mut_ptr(),
            capacity: 4,
            allocator: std::ptr::null_mut(),
        };
        fails_with(
            aws_input_stream_read(&mut stream, &mut buf),
            AWS_ERROR_INVALID_STATE,
        );
        assert_eq!(buf.len, 1);
        fails_with(
            aws_input_stream_seek(&mut stream, 0, 0),
            AWS_ERROR_INVALID_ARGUMENT,
        );
        let mut length = 0;
        fails_with(
            aws_input_stream_get_length(&mut stream, &mut length),
            AWS_ERROR_INVALID_ARGUMENT,
        );
        fails_with(
            aws_input_stream_read(std::ptr::null_mut(), &mut buf),
            AWS_ERROR_INVALID_ARGUMENT,
        );
        assert!(aws_input_stream_acquire(std::ptr::null_mut()).is_null());
        assert!(aws_input_stream_release(std::ptr::null_mut()).is_null());
    }
}
