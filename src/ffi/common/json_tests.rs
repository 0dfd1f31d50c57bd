//! Upstream's documented JSON behaviour, edge cases first: ownership through containers, the
//! quirks of missing keys and indexes, cJSON's text, and parsing.

use super::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::byte_buf::{aws_byte_buf_clean_up, aws_byte_buf_init};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_INVALID_INDEX;
use crate::ffi::common::error::{aws_last_error, aws_reset_error};
use crate::ffi::common::json_containers::*;

fn cursor(s: &str) -> aws_byte_cursor {
    aws_byte_cursor::from_slice(s.as_bytes())
}

fn parsed(text: &str) -> *mut aws_json_value {
    unsafe { aws_json_value_new_from_string(aws_default_allocator(), cursor(text)) }
}

fn text_of(value: *const aws_json_value, formatted: bool) -> String {
    unsafe {
        let mut buf = aws_byte_buf::EMPTY;
        assert_eq!(aws_byte_buf_init(&mut buf, aws_default_allocator(), 4), 0);
        let rc = if formatted {
            aws_byte_buf_append_json_string_formatted(value, &mut buf)
        } else {
            aws_byte_buf_append_json_string(value, &mut buf)
        };
        assert_eq!(rc, 0);
        let text = String::from_utf8(std::slice::from_raw_parts(buf.buffer, buf.len).to_vec());
        aws_byte_buf_clean_up(&mut buf);
        text.unwrap()
    }
}

#[test]
fn text_that_is_no_json_parses_to_null() {
    for bad in ["", "   ", "{", "[1,]", "{\"a\" 1}", "tru", "\"open"] {
        assert!(parsed(bad).is_null(), "{bad}");
    }
    // What follows the first value is ignored, as upstream does.
    let v = parsed(" [1, 2] trailing");
    assert_eq!(unsafe { aws_json_get_array_size(v) }, 2);
    unsafe { aws_json_value_destroy(v) };
}

#[test]
fn parsed_objects_keep_their_order_and_print_as_cjson_does() {
    let v = parsed(
        r#"{"z":1,"a":[true,false,null],"m":{"s":"x\"y\n\u0001"},"n":-2.5,"e":{},"b":1e10}"#,
    );
    assert!(!v.is_null());
    assert_eq!(
        text_of(v, false),
        r#"{"z":1,"a":[true,false,null],"m":{"s":"x\"y\n\u0001"},"n":-2.5,"e":{},"b":10000000000}"#
    );
    assert_eq!(
        text_of(v, true),
        "{\n\t\"z\":\t1,\n\t\"a\":\t[true, false, null],\n\t\"m\":\t{\n\t\t\"s\":\t\"x\\\"y\\n\\u0001\"\n\t},\n\t\"n\":\t-2.5,\n\t\"e\":\t{\n\t},\n\t\"b\":\t10000000000\n}"
    );
    unsafe { aws_json_value_destroy(v) };
}

#[test]
fn numbers_print_as_integers_or_with_15_or_17_digits() {
    let print = |n: f64| {
        let v = aws_json_value_new_number(std::ptr::null_mut(), n);
        let t = text_of(v, false);
        unsafe { aws_json_value_destroy(v) };
        t
    };
    assert_eq!(print(3.0), "3");
    assert_eq!(print(-0.5), "-0.5");
    assert_eq!(print(0.1), "0.1");
    assert_eq!(print(1.0 / 3.0), "0.33333333333333331");
    assert_eq!(print(f64::NAN), "null");
    assert_eq!(print(f64::INFINITY), "null");
}

#[test]
fn children_keep_their_address_and_belong_to_their_container() {
    unsafe {
        let object = aws_json_value_new_object(std::ptr::null_mut());
        let list = aws_json_value_new_array(std::ptr::null_mut());
        assert_eq!(
            aws_json_value_add_to_object_c_str(object, c"list".as_ptr(), list),
            0
        );
        // Changing the child after adding it changes the tree.
        let two = aws_json_value_new_number(std::ptr::null_mut(), 2.0);
        assert_eq!(aws_json_value_add_array_element(list, two), 0);
        assert_eq!(aws_json_value_get_from_object(object, cursor("LIST")), list);
        assert_eq!(aws_json_get_array_element(list, 0), two);
        assert_eq!(text_of(object, false), r#"{"list":[2]}"#);
        let copy = aws_json_value_duplicate(object);
        assert!(aws_json_value_compare(object, copy, true));
        assert_eq!(aws_json_value_remove_array_element(list, 0), 0);
        assert!(!aws_json_value_compare(object, copy, true));
        aws_json_value_destroy(copy);
        aws_json_value_destroy(object);
    }
}

#[test]
fn upstreams_quirks_for_taken_and_missing_keys_and_indexes() {
    unsafe {
        let object = parsed(r#"{"Key":"v"}"#);
        let extra = aws_json_value_new_null(std::ptr::null_mut());
        aws_reset_error();
        // A taken key (ignoring case) fails without raising.
        assert_eq!(
            aws_json_value_add_to_object(object, cursor("key"), extra),
            -1
        );
        assert_eq!(aws_last_error(), 0);
        assert_eq!(
            aws_json_value_remove_from_object(object, cursor("missing")),
            -1
        );
        assert_eq!(aws_last_error(), 0);
        assert!(aws_json_value_get_from_object(object, cursor("missing")).is_null());
        assert!(aws_json_value_has_key_c_str(object, c"KEY".as_ptr()));
        assert_eq!(
            aws_json_value_remove_from_object_c_str(object, c"kEy".as_ptr()),
            0
        );
        assert!(!aws_json_value_has_key(object, cursor("Key")));
        aws_json_value_destroy(extra);

        let array = parsed("[1]");
        assert!(aws_json_get_array_element(array, 1).is_null());
        assert_eq!(aws_last_error(), 0);
        assert!(aws_json_get_array_element(array, 2).is_null());
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_INDEX as c_int);
        assert_eq!(aws_json_value_remove_array_element(array, 1), 0);
        assert_eq!(aws_json_value_remove_array_element(array, 2), -1);
        // Kind mismatches are invalid arguments.
        assert!(aws_json_get_array_element(object, 0).is_null());
        assert_eq!(aws_last_error(), INVALID_ARGUMENT.0);
        assert_eq!(aws_json_get_array_size(object), 0);
        assert_eq!(aws_json_value_add_to_object(array, cursor("k"), array), -1);
        assert_eq!(aws_last_error(), INVALID_ARGUMENT.0);
        aws_json_value_destroy(array);
        aws_json_value_destroy(object);
    }
}

#[test]
fn getters_check_the_kind_and_is_checks_answer_false_for_null() {
    unsafe {
        let s =
            aws_json_value_new_string(std::ptr::null_mut(), aws_byte_cursor::from_slice(b"ab\0cd"));
        let mut out = aws_byte_cursor::EMPTY;
        assert_eq!(aws_json_value_get_string(s, &mut out), 0);
        assert_eq!(out.as_bytes().unwrap(), b"ab");
        let mut n = 0.0;
        assert_eq!(aws_json_value_get_number(s, &mut n), -1);
        assert_eq!(aws_last_error(), INVALID_ARGUMENT.0);
        let b = aws_json_value_new_boolean(std::ptr::null_mut(), true);
        let mut truth = false;
        assert_eq!(aws_json_value_get_boolean(b, &mut truth), 0);
        assert!(truth);
        assert!(aws_json_value_is_string(s) && aws_json_value_is_boolean(b));
        assert!(
            !aws_json_value_is_null(std::ptr::null())
                && !aws_json_value_is_object(std::ptr::null())
        );
        assert!(!aws_json_value_compare(s, std::ptr::null(), true));
        aws_json_value_destroy(s);
        aws_json_value_destroy(b);
    }
}

#[test]
fn compare_follows_cjson() {
    unsafe {
        let a = parsed(r#"{"A":[1,"x"],"b":0.1}"#);
        let b = parsed(r#"{"b":0.1,"a":[1.0,"x"]}"#);
        assert!(aws_json_value_compare(a, b, false));
        assert!(!aws_json_value_compare(a, b, true));
        let c = parsed(r#"{"A":[1,"X"],"b":0.1}"#);
        assert!(!aws_json_value_compare(a, c, false));
        for v in [a, b, c] {
            aws_json_value_destroy(v);
        }
    }
}

unsafe extern "C" fn count_members(
    key: *const aws_byte_cursor,
    _value: *const aws_json_value,
    go_on: *mut bool,
    user_data: *mut c_void,
) -> c_int {
    guard::op(|| {
        let keys = unsafe { &mut *user_data.cast::<Vec<Vec<u8>>>() };
        keys.push(unsafe { (*key).as_bytes() }?.to_vec());
        if keys.len() == 2 {
            unsafe { *go_on = false };
        }
        Ok(())
    })
}

unsafe extern "C" fn fail_on_second(
    index: usize,
    _value: *const aws_json_value,
    _go_on: *mut bool,
    _user_data: *mut c_void,
) -> c_int {
    guard::op(|| {
        if index == 1 {
            return Err(AWS_ERROR_INVALID_INDEX.into());
        }
        Ok(())
    })
}

#[test]
fn walks_stop_when_asked_and_fail_with_the_callbacks_error() {
    unsafe {
        let object = parsed(r#"{"a":1,"b":2,"c":3}"#);
        let mut keys: Vec<Vec<u8>> = Vec::new();
        let rc = aws_json_const_iterate_object(object, Some(count_members), (&raw mut keys).cast());
        assert_eq!(rc, 0);
        assert_eq!(keys, vec![b"a".to_vec(), b"b".to_vec()]);
        let array = parsed("[1,2,3]");
        assert_eq!(
            aws_json_const_iterate_array(array, Some(fail_on_second), std::ptr::null_mut()),
            -1
        );
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_INDEX as c_int);
        assert_eq!(
            aws_json_const_iterate_array(object, Some(fail_on_second), std::ptr::null_mut()),
            -1
        );
        assert_eq!(aws_last_error(), INVALID_ARGUMENT.0);
        aws_json_value_destroy(array);
        aws_json_value_destroy(object);
    }
}

#[test]
fn printing_into_a_fixed_buffer_fails_when_it_does_not_fit() {
    unsafe {
        let v = parsed(r#"{"long":"text"}"#);
        let mut storage = [0u8; 8];
        let mut buf = aws_byte_buf {
            len: 0,
            buffer: storage.as_mut_ptr(),
            capacity: 8,
            allocator: std::ptr::null_mut(),
        };
        assert_eq!(aws_byte_buf_append_json_string(v, &mut buf), -1);
        assert_eq!(buf.len, 0);
        aws_json_value_destroy(v);
    }
}
