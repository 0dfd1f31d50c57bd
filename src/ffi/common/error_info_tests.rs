//! Tests of the `error.h` extras (registered error tables, `errno` translation, the exported
//! `aws_raise_error`), of reading a file into a buffer, and of the `string.h` extras.

use super::byte_buf::{aws_byte_buf, aws_byte_buf_clean_up};
use super::byte_buf_file::*;
use super::error::aws_common_error::*;
use super::error::{aws_error_debug_str, aws_error_name, aws_error_str, aws_last_error};
use super::error_info::*;
use super::string::{aws_string, aws_string_destroy, aws_string_new_from_c_str};
use super::string_extras::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::guard::{OP_ERR, OP_SUCCESS};
use std::ffi::{CStr, c_int};
use std::ptr;

fn text(p: *const std::ffi::c_char) -> String {
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

#[test]
fn a_registered_table_describes_its_codes_until_unregistered() {
    // Slot 30, far from the libraries this crate stands in for.
    let base: c_int = 30 << 10;
    let entries = [
        aws_error_info {
            error_code: base,
            literal_name: c"MY_ERROR_FIRST".as_ptr(),
            error_str: c"The first one.".as_ptr(),
            lib_name: c"my-lib".as_ptr(),
            formatted_name: c"my-lib: MY_ERROR_FIRST, The first one.".as_ptr(),
        },
        aws_error_info {
            error_code: base + 1,
            literal_name: c"MY_ERROR_SECOND".as_ptr(),
            error_str: c"The second one.".as_ptr(),
            lib_name: c"my-lib".as_ptr(),
            formatted_name: c"my-lib: MY_ERROR_SECOND, The second one.".as_ptr(),
        },
    ];
    let list = aws_error_info_list {
        error_list: entries.as_ptr(),
        count: 2,
    };
    unsafe { aws_register_error_info(&list) };
    assert_eq!(text(aws_error_name(base + 1)), "MY_ERROR_SECOND");
    assert_eq!(text(aws_error_str(base)), "The first one.");
    assert_eq!(
        text(aws_error_debug_str(base)),
        "my-lib: MY_ERROR_FIRST, The first one."
    );
    assert_eq!(text(aws_error_str(base + 2)), "Unknown Error Code");
    unsafe { aws_unregister_error_info(&list) };
    assert_eq!(text(aws_error_str(base)), "Unknown Error Code");
    // The library's own codes are untouched.
    assert_eq!(
        text(aws_error_name(AWS_ERROR_OOM as c_int)),
        "AWS_ERROR_OOM"
    );
}

#[test]
fn errno_values_translate_as_upstream() {
    assert_eq!(aws_translate_and_raise_io_error(libc::ENOENT), OP_ERR);
    assert_eq!(aws_last_error(), AWS_ERROR_FILE_INVALID_PATH as c_int);
    aws_translate_and_raise_io_error(libc::EACCES);
    assert_eq!(aws_last_error(), AWS_ERROR_NO_PERMISSION as c_int);
    aws_translate_and_raise_io_error(libc::EINVAL);
    assert_eq!(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT as c_int);
    aws_translate_and_raise_io_error_or(libc::EINVAL, AWS_ERROR_FILE_READ_FAILURE as c_int);
    assert_eq!(aws_last_error(), AWS_ERROR_FILE_READ_FAILURE as c_int);
    aws_translate_and_raise_io_error(libc::EPIPE);
    assert_eq!(aws_last_error(), AWS_ERROR_SYS_CALL_FAILURE as c_int);
    assert_eq!(aws_raise_error(AWS_ERROR_OOM as c_int), OP_ERR);
    assert_eq!(aws_last_error(), AWS_ERROR_OOM as c_int);
}

#[test]
fn a_file_reads_whole_with_a_spare_byte() {
    let dir = std::env::temp_dir().join(format!("aws-c-mqtt-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("contents.txt");
    std::fs::write(&path, b"hello file").unwrap();
    let c_path = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    let mut b = aws_byte_buf::EMPTY;
    unsafe {
        assert_eq!(
            aws_byte_buf_init_from_file(&mut b, aws_default_allocator(), c_path.as_ptr()),
            OP_SUCCESS
        );
        assert_eq!(std::slice::from_raw_parts(b.buffer, b.len), b"hello file");
        assert_eq!(b.capacity, 11);
        aws_byte_buf_clean_up(&mut b);
        assert_eq!(
            aws_byte_buf_init_from_file_with_size_hint(
                &mut b,
                aws_default_allocator(),
                c_path.as_ptr(),
                2
            ),
            OP_SUCCESS
        );
        assert_eq!(b.len, 10);
        aws_byte_buf_clean_up(&mut b);
        let missing = c"/nonexistent/dir/file";
        assert_eq!(
            aws_byte_buf_init_from_file(&mut b, aws_default_allocator(), missing.as_ptr()),
            OP_ERR
        );
        assert_eq!(aws_last_error(), AWS_ERROR_FILE_INVALID_PATH as c_int);
        assert!(b.buffer.is_null());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn string_pointers_sort_with_null_first() {
    unsafe {
        let a = aws_string_new_from_c_str(aws_default_allocator(), c"apple".as_ptr());
        let b = aws_string_new_from_c_str(aws_default_allocator(), c"banana".as_ptr());
        let null: *const aws_string = ptr::null();
        let cmp = |x: &*const aws_string, y: &*const aws_string| {
            aws_array_list_comparator_string(ptr::from_ref(x).cast(), ptr::from_ref(y).cast())
        };
        let (pa, pb) = (a.cast_const(), b.cast_const());
        assert!(cmp(&pa, &pb) < 0 && cmp(&pb, &pa) > 0);
        assert_eq!(cmp(&pa, &pa), 0);
        assert!(cmp(&null, &pa) < 0 && cmp(&pa, &null) > 0);
        let mut storage = [0u8; 5];
        let mut buf = crate::ffi::common::byte_buf::aws_byte_buf_from_empty_array(
            storage.as_mut_ptr().cast(),
            5,
        );
        assert!(aws_byte_buf_write_from_whole_string(&mut buf, a));
        assert!(!aws_byte_buf_write_from_whole_string(&mut buf, b));
        assert_eq!(&storage, b"apple");
        aws_string_destroy(a);
        aws_string_destroy(b);
    }
}
