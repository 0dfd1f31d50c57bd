//! The CBOR encoder and decoder against RFC 8949 Appendix A's examples and upstream's rules,
//! edge cases first.

use super::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::cbor::*;
use crate::ffi::common::error::aws_last_error;

/// What `write` encodes, as bytes.
fn encoded(write: impl FnOnce(*mut aws_cbor_encoder)) -> Vec<u8> {
    unsafe {
        let e = aws_cbor_encoder_new(aws_default_allocator());
        write(e);
        let out = aws_cbor_encoder_get_encoded_data(e)
            .as_bytes()
            .unwrap()
            .to_vec();
        aws_cbor_encoder_destroy(e);
        out
    }
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn integers_take_the_shortest_head() {
    for (value, bytes) in [
        (0u64, "00"),
        (23, "17"),
        (24, "1818"),
        (255, "18ff"),
        (256, "190100"),
        (65536, "1a00010000"),
        (4294967296, "1b0000000100000000"),
        (u64::MAX, "1bffffffffffffffff"),
    ] {
        assert_eq!(
            encoded(|e| unsafe { aws_cbor_encoder_write_uint(e, value) }),
            hex(bytes)
        );
    }
    assert_eq!(
        encoded(|e| unsafe { aws_cbor_encoder_write_negint(e, 99) }),
        hex("3863")
    );
}

#[test]
fn floats_become_integers_or_single_precision_when_lossless() {
    for (value, bytes) in [
        (1.0, "01"),
        (-100.0, "3863"),
        (1.5, "fa3fc00000"),
        (100000.0, "1a000186a0"),
        (1.1, "fb3ff199999999999a"),
        (-4.1, "fbc010666666666666"),
        (f64::INFINITY, "fa7f800000"),
        (f64::NEG_INFINITY, "faff800000"),
        (f64::NAN, "fa7fc00000"),
        (1.0e300, "fb7e37e43c8800759c"),
    ] {
        assert_eq!(
            encoded(|e| unsafe { aws_cbor_encoder_write_float(e, value) }),
            hex(bytes),
            "{value}"
        );
    }
}

#[test]
fn strings_containers_tags_and_simple_values() {
    let bytes = encoded(|e| unsafe {
        aws_cbor_encoder_write_map_start(e, 2);
        aws_cbor_encoder_write_text(e, aws_byte_cursor::from_slice(b"a"));
        aws_cbor_encoder_write_array_start(e, 2);
        aws_cbor_encoder_write_bool(e, true);
        aws_cbor_encoder_write_null(e);
        aws_cbor_encoder_write_tag(e, 1);
        aws_cbor_encoder_write_bytes(e, aws_byte_cursor::from_slice(b"\x01\x02"));
        aws_cbor_encoder_write_indef_array_start(e);
        aws_cbor_encoder_write_undefined(e);
        aws_cbor_encoder_write_break(e);
    });
    assert_eq!(bytes, hex("a2616182f5f6c14201029ff7ff"));
    let reset = encoded(|e| unsafe {
        aws_cbor_encoder_write_bool(e, false);
        aws_cbor_encoder_reset(e);
        aws_cbor_encoder_write_indef_bytes_start(e);
        aws_cbor_encoder_write_indef_text_start(e);
        aws_cbor_encoder_write_indef_map_start(e);
    });
    assert_eq!(reset, hex("5f7fbf"));
}

/// A decoder over `bytes` (which the caller keeps alive).
fn decoder(bytes: &[u8]) -> *mut aws_cbor_decoder {
    unsafe { aws_cbor_decoder_new(aws_default_allocator(), aws_byte_cursor::from_slice(bytes)) }
}

fn peek(d: *mut aws_cbor_decoder) -> std::result::Result<aws_cbor_type, c_int> {
    let mut t = 0;
    if unsafe { aws_cbor_decoder_peek_type(d, &mut t) } == 0 {
        Ok(guard::enum_value(t).unwrap())
    } else {
        Err(aws_last_error())
    }
}

#[test]
fn truncated_and_malformed_data_is_invalid_cbor_until_reset() {
    use aws_cbor_type::*;
    for bad in [
        "",
        "18",
        "1a0001",
        "43010203"[..6].as_ref(),
        "1c",
        "f8ff",
        "e0",
        "df",
    ] {
        let bytes = hex(bad);
        let d = decoder(&bytes);
        assert_eq!(peek(d), Err(AWS_ERROR_INVALID_CBOR as c_int), "{bad}");
        unsafe { aws_cbor_decoder_destroy(d) };
    }
    let bytes = hex("ff");
    let d = decoder(&bytes);
    assert_eq!(peek(d), Ok(AWS_CBOR_TYPE_BREAK));
    let bad = hex("1c");
    unsafe { aws_cbor_decoder_reset_src(d, aws_byte_cursor::from_slice(&bad)) };
    assert_eq!(peek(d), Err(AWS_ERROR_INVALID_CBOR as c_int));
    // The error lasts...
    let mut v = 0u64;
    assert_eq!(
        unsafe { aws_cbor_decoder_pop_next_unsigned_int_val(d, &mut v) },
        -1
    );
    assert_eq!(aws_last_error(), AWS_ERROR_INVALID_CBOR as c_int);
    // ...until the source is reset.
    let good = hex("05");
    unsafe { aws_cbor_decoder_reset_src(d, aws_byte_cursor::from_slice(&good)) };
    assert_eq!(
        unsafe { aws_cbor_decoder_pop_next_unsigned_int_val(d, &mut v) },
        0
    );
    assert_eq!(v, 5);
    unsafe { aws_cbor_decoder_destroy(d) };
}

#[test]
fn popping_another_type_is_unexpected_type_and_leaves_the_element() {
    let bytes = hex("6161");
    let d = decoder(&bytes);
    let mut v = 0u64;
    assert_eq!(
        unsafe { aws_cbor_decoder_pop_next_unsigned_int_val(d, &mut v) },
        -1
    );
    assert_eq!(aws_last_error(), AWS_ERROR_CBOR_UNEXPECTED_TYPE as c_int);
    assert_eq!(unsafe { aws_cbor_decoder_get_remaining_length(d) }, 0);
    assert_eq!(unsafe { aws_cbor_decoder_get_unconsumed_length(d) }, 2);
    let mut text = aws_byte_cursor::EMPTY;
    assert_eq!(
        unsafe { aws_cbor_decoder_pop_next_text_val(d, &mut text) },
        0
    );
    assert_eq!(unsafe { text.as_bytes() }.unwrap(), b"a");
    assert_eq!(unsafe { aws_cbor_decoder_get_unconsumed_length(d) }, 0);
    unsafe { aws_cbor_decoder_destroy(d) };
}

#[test]
fn every_element_kind_decodes() {
    use aws_cbor_type::*;
    // [1, -2, 1.5 (half), "b", h'ff', {}, tag 0, false, null, undefined, 100000.0 (single), 1.1]
    let bytes = hex(
        "8c0121f93e006162 41ffa0c0f4f6f7fa47c35000fb3ff199999999999a"
            .replace(' ', "")
            .as_str(),
    );
    let d = decoder(&bytes);
    unsafe {
        let mut n = 0u64;
        assert_eq!(aws_cbor_decoder_pop_next_array_start(d, &mut n), 0);
        assert_eq!(n, 12);
        assert_eq!(aws_cbor_decoder_pop_next_unsigned_int_val(d, &mut n), 0);
        assert_eq!(n, 1);
        assert_eq!(aws_cbor_decoder_pop_next_negative_int_val(d, &mut n), 0);
        assert_eq!(n, 1);
        let mut f = 0.0;
        assert_eq!(aws_cbor_decoder_pop_next_float_val(d, &mut f), 0);
        assert_eq!(f, 1.5);
        let mut c = aws_byte_cursor::EMPTY;
        assert_eq!(aws_cbor_decoder_pop_next_text_val(d, &mut c), 0);
        assert_eq!(aws_cbor_decoder_pop_next_bytes_val(d, &mut c), 0);
        assert_eq!(c.as_bytes().unwrap(), b"\xff");
        assert_eq!(aws_cbor_decoder_pop_next_map_start(d, &mut n), 0);
        assert_eq!(n, 0);
        assert_eq!(aws_cbor_decoder_pop_next_tag_val(d, &mut n), 0);
        assert_eq!(n, 0);
        let mut b = true;
        assert_eq!(aws_cbor_decoder_pop_next_boolean_val(d, &mut b), 0);
        assert!(!b);
        assert_eq!(peek(d), Ok(AWS_CBOR_TYPE_NULL));
        assert_eq!(aws_cbor_decoder_consume_next_single_element(d), 0);
        assert_eq!(peek(d), Ok(AWS_CBOR_TYPE_UNDEFINED));
        assert_eq!(aws_cbor_decoder_consume_next_single_element(d), 0);
        assert_eq!(aws_cbor_decoder_pop_next_float_val(d, &mut f), 0);
        assert_eq!(f, 100000.0);
        assert_eq!(aws_cbor_decoder_pop_next_float_val(d, &mut f), 0);
        assert_eq!(f, 1.1);
        assert_eq!(aws_cbor_decoder_get_remaining_length(d), 0);
        aws_cbor_decoder_destroy(d);
    }
}

#[test]
fn whole_items_are_skipped_with_their_contents() {
    // {_ "a": [1, [2]], "b": 0(h'00') }, then 7
    let bytes = hex("bf6161820181026162c04100ff07");
    let d = decoder(&bytes);
    unsafe {
        assert_eq!(aws_cbor_decoder_consume_next_whole_data_item(d), 0);
        let mut n = 0u64;
        assert_eq!(aws_cbor_decoder_pop_next_unsigned_int_val(d, &mut n), 0);
        assert_eq!(n, 7);
        aws_cbor_decoder_destroy(d);
    }
}

#[test]
fn resource_limits_are_lasting_errors() {
    // An array announcing 10001 items.
    let bytes = hex("192711");
    let big = hex("9a00002711");
    let d = decoder(&big);
    let mut n = 0u64;
    unsafe {
        assert_eq!(aws_cbor_decoder_pop_next_array_start(d, &mut n), -1);
        assert_eq!(
            aws_last_error(),
            AWS_ERROR_CBOR_RESOURCE_LIMIT_EXCEEDED as c_int
        );
        assert_eq!(n, 10001);
        assert_eq!(
            peek(d),
            Err(AWS_ERROR_CBOR_RESOURCE_LIMIT_EXCEEDED as c_int)
        );
        aws_cbor_decoder_reset_src(d, aws_byte_cursor::from_slice(&bytes));
        assert_eq!(aws_cbor_decoder_pop_next_unsigned_int_val(d, &mut n), 0);
        assert_eq!(n, 10001);
        // 129 levels: 128 nested arrays and the integer inside them.
        let mut deep = vec![0x81u8; 128];
        deep.push(0x00);
        aws_cbor_decoder_reset_src(d, aws_byte_cursor::from_slice(&deep));
        assert_eq!(aws_cbor_decoder_consume_next_whole_data_item(d), -1);
        assert_eq!(
            aws_last_error(),
            AWS_ERROR_CBOR_RESOURCE_LIMIT_EXCEEDED as c_int
        );
        // 127 arrays and the integer inside them: 128 levels, the most allowed.
        let ok = &deep[1..];
        aws_cbor_decoder_reset_src(d, aws_byte_cursor::from_slice(ok));
        assert_eq!(aws_cbor_decoder_consume_next_whole_data_item(d), 0);
        aws_cbor_decoder_destroy(d);
    }
}

#[test]
fn type_names() {
    let name = |t: c_int| {
        unsafe { std::ffi::CStr::from_ptr(aws_cbor_type_cstr(t)) }
            .to_str()
            .unwrap()
    };
    assert_eq!(
        name(aws_cbor_type::AWS_CBOR_TYPE_UINT as c_int),
        "AWS_CBOR_TYPE_UINT"
    );
    assert_eq!(
        name(aws_cbor_type::AWS_CBOR_TYPE_INDEF_MAP_START as c_int),
        "AWS_CBOR_TYPE_INDEF_MAP_START"
    );
    assert_eq!(name(0), "<UNKNOWN TYPE>");
    assert_eq!(name(99), "<UNKNOWN TYPE>");
}
