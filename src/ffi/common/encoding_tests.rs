//! Upstream's documented encoding behaviour, edge cases first, and the RFC 4648 test vectors.

use super::*;
use crate::ffi::common::encoding_text::*;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_INVALID_UTF8;
use crate::ffi::common::error::aws_last_error;

/// A fixed buffer over `storage`, with `len` bytes in use.
fn fixed(storage: &mut [u8], len: usize) -> aws_byte_buf {
    aws_byte_buf {
        len,
        buffer: storage.as_mut_ptr(),
        capacity: storage.len(),
        allocator: std::ptr::null_mut(),
    }
}

/// Runs a codec over `input` into a 64-byte buffer; the output, or the error code.
fn run(
    f: unsafe extern "C" fn(*const aws_byte_cursor, *mut aws_byte_buf) -> c_int,
    input: &[u8],
) -> std::result::Result<Vec<u8>, c_int> {
    let mut storage = [0u8; 64];
    let mut out = fixed(&mut storage, 0);
    let cursor = aws_byte_cursor::from_slice(input);
    if unsafe { f(&cursor, &mut out) } == 0 {
        Ok(storage[..out.len].to_vec())
    } else {
        Err(aws_last_error())
    }
}

const RFC4648: [(&str, &str); 7] = [
    ("", ""),
    ("f", "Zg=="),
    ("fo", "Zm8="),
    ("foo", "Zm9v"),
    ("foob", "Zm9vYg=="),
    ("fooba", "Zm9vYmE="),
    ("foobar", "Zm9vYmFy"),
];

#[test]
fn lengths_overflowing_size_t_are_overflow_detected() {
    let mut n = 0usize;
    unsafe {
        assert_eq!(aws_hex_compute_encoded_len(usize::MAX / 2 + 1, &mut n), -1);
        assert_eq!(aws_last_error(), AWS_ERROR_OVERFLOW_DETECTED as c_int);
        assert_eq!(aws_hex_compute_decoded_len(usize::MAX, &mut n), -1);
        assert_eq!(aws_base64_compute_encoded_len(usize::MAX - 1, &mut n), -1);
        assert_eq!(
            aws_base64_url_compute_encoded_len(usize::MAX / 4, &mut n),
            -1
        );
        assert_eq!(aws_hex_compute_encoded_len(3, &mut n), 0);
        assert_eq!(n, 6);
        assert_eq!(aws_hex_compute_decoded_len(5, &mut n), 0);
        assert_eq!(n, 3);
        assert_eq!(aws_base64_compute_encoded_len(4, &mut n), 0);
        assert_eq!(n, 8);
        assert_eq!(aws_base64_url_compute_encoded_len(4, &mut n), 0);
        assert_eq!(n, 6);
    }
}

#[test]
fn hex_round_trips_with_odd_lengths_and_either_case() {
    assert_eq!(run(aws_hex_encode, b"\x00\x7f\xAB").unwrap(), b"007fab");
    assert_eq!(run(aws_hex_decode, b"007FaB").unwrap(), b"\x00\x7f\xab");
    assert_eq!(run(aws_hex_decode, b"abc").unwrap(), b"\x0a\xbc");
    assert_eq!(run(aws_hex_decode, b"").unwrap(), b"");
    assert_eq!(
        run(aws_hex_decode, b"0g"),
        Err(AWS_ERROR_INVALID_HEX_STR as c_int)
    );
    assert_eq!(
        run(aws_hex_decode, b"x"),
        Err(AWS_ERROR_INVALID_HEX_STR as c_int)
    );
}

#[test]
fn hex_needs_the_capacity_and_encode_writes_from_the_start() {
    let mut storage = [b'#'; 4];
    let mut out = fixed(&mut storage, 3);
    let two = aws_byte_cursor::from_slice(b"\x01\x02");
    assert_eq!(unsafe { aws_hex_encode(&two, &mut out) }, 0);
    assert_eq!((out.len, &storage), (4, b"0102"));
    let three = aws_byte_cursor::from_slice(b"\x01\x02\x03");
    let mut out = fixed(&mut storage, 0);
    assert_eq!(unsafe { aws_hex_encode(&three, &mut out) }, -1);
    assert_eq!(aws_last_error(), AWS_ERROR_SHORT_BUFFER as c_int);
}

#[test]
fn hex_append_dynamic_grows_an_owned_buffer() {
    use crate::ffi::common::allocator::aws_default_allocator;
    use crate::ffi::common::byte_buf::{aws_byte_buf_clean_up, aws_byte_buf_init};
    unsafe {
        let mut buf = aws_byte_buf::EMPTY;
        assert_eq!(aws_byte_buf_init(&mut buf, aws_default_allocator(), 1), 0);
        for _ in 0..3 {
            let input = aws_byte_cursor::from_slice(b"\xde\xad");
            assert_eq!(aws_hex_encode_append_dynamic(&input, &mut buf), 0);
        }
        assert_eq!(
            std::slice::from_raw_parts(buf.buffer, buf.len),
            b"deaddeaddead"
        );
        aws_byte_buf_clean_up(&mut buf);
        let mut storage = [0u8; 8];
        let mut fixed_buf = fixed(&mut storage, 0);
        let input = aws_byte_cursor::from_slice(b"\x01\x02\x03\x04\x05");
        assert_eq!(aws_hex_encode_append_dynamic(&input, &mut fixed_buf), -1);
    }
}

#[test]
fn base64_matches_rfc_4648_both_ways() {
    for (plain, encoded) in RFC4648 {
        assert_eq!(
            run(aws_base64_encode, plain.as_bytes()).unwrap(),
            encoded.as_bytes()
        );
        assert_eq!(
            run(aws_base64_decode, encoded.as_bytes()).unwrap(),
            plain.as_bytes()
        );
    }
}

#[test]
fn base64_url_is_unpadded_and_decoding_accepts_either_alphabet_and_missing_padding() {
    assert_eq!(
        run(aws_base64_url_encode, b"\xfb\xff\xbf").unwrap(),
        b"-_-_"
    );
    assert_eq!(run(aws_base64_url_encode, b"f").unwrap(), b"Zg");
    assert_eq!(run(aws_base64_encode, b"\xfb\xff\xbf").unwrap(), b"+/+/");
    assert_eq!(run(aws_base64_decode, b"-_+/").unwrap(), b"\xfb\xff\xbf");
    assert_eq!(run(aws_base64_decode, b"Zg").unwrap(), b"f");
    assert_eq!(run(aws_base64_decode, b"Zm8").unwrap(), b"fo");
    assert_eq!(run(aws_base64_decode, b"Zm9vYg=").unwrap(), b"foob");
}

#[test]
fn malformed_base64_is_invalid_base64_str() {
    for bad in [
        &b"Z"[..],
        b"Zm9vY",
        b"====",
        b"Zg==Zg==",
        b"Zm9v=",
        b"Zm=v",
        b"Zm9v\x00mFy",
        b"Zm 9",
    ] {
        assert_eq!(
            run(aws_base64_decode, bad),
            Err(AWS_ERROR_INVALID_BASE64_STR as c_int),
            "{bad:?}"
        );
    }
}

#[test]
fn base64_encode_appends_and_needs_the_room() {
    let mut storage = [b'#'; 6];
    let mut out = fixed(&mut storage, 2);
    let one = aws_byte_cursor::from_slice(b"f");
    assert_eq!(unsafe { aws_base64_encode(&one, &mut out) }, 0);
    assert_eq!((out.len, &storage), (6, b"##Zg=="));
    assert_eq!(unsafe { aws_base64_encode(&one, &mut out) }, -1);
    assert_eq!(aws_last_error(), AWS_ERROR_SHORT_BUFFER as c_int);
    let mut n = 0usize;
    let text = aws_byte_cursor::from_slice(b"Zm9vYg==");
    assert_eq!(unsafe { aws_base64_compute_decoded_len(&text, &mut n) }, 0);
    assert_eq!(n, 4);
}

#[test]
fn text_encodings_are_told_by_their_byte_order_marks() {
    use aws_text_encoding::*;
    let detect = |b: &[u8]| unsafe { aws_text_detect_encoding(b.as_ptr(), b.len()) };
    assert_eq!(detect(b"\xEF\xBB\xBFx\xff"), AWS_TEXT_UTF8 as c_int);
    assert_eq!(detect(b"\xFF\xFE\x00\x00"), AWS_TEXT_UTF32 as c_int);
    assert_eq!(detect(b"\x00\x00\xFE\xFF"), AWS_TEXT_UTF32 as c_int);
    assert_eq!(detect(b"\xFF\xFEa"), AWS_TEXT_UTF16 as c_int);
    assert_eq!(detect(b"\xFE\xFF"), AWS_TEXT_UTF16 as c_int);
    assert_eq!(detect(b"plain"), AWS_TEXT_ASCII as c_int);
    assert_eq!(detect(b""), AWS_TEXT_ASCII as c_int);
    assert_eq!(detect("é".as_bytes()), AWS_TEXT_UNKNOWN as c_int);
    assert!(unsafe { aws_text_is_utf8(b"abc".as_ptr(), 3) });
    assert!(!unsafe { aws_text_is_utf8("é".as_ptr(), 2) });
}

unsafe extern "C" fn collect(codepoint: u32, user_data: *mut c_void) -> c_int {
    guard::op(|| {
        let seen = unsafe { &mut *user_data.cast::<Vec<u32>>() };
        seen.push(codepoint);
        // Refuse NUL, as a caller may.
        if codepoint == 0 {
            return Err(AWS_ERROR_INVALID_UTF8.into());
        }
        Ok(())
    })
}

use std::ffi::c_void;

fn decode(bytes: &[u8]) -> std::result::Result<Vec<u32>, c_int> {
    let mut seen: Vec<u32> = Vec::new();
    let options = aws_utf8_decoder_options {
        on_codepoint: Some(collect),
        user_data: (&raw mut seen).cast(),
    };
    if unsafe { aws_decode_utf8(aws_byte_cursor::from_slice(bytes), &options) } == 0 {
        Ok(seen)
    } else {
        Err(aws_last_error())
    }
}

#[test]
fn utf8_refuses_overlong_forms_surrogates_stray_and_truncated_bytes() {
    let invalid = Err(AWS_ERROR_INVALID_UTF8 as c_int);
    for bad in [
        &b"\xC0\x80"[..],
        b"\xE0\x80\x80",
        b"\xF0\x80\x80\x80",
        b"\xED\xA0\x80",
        b"\x80",
        b"\xF8\x88\x80\x80\x80",
        b"a\xE2\x82",
        b"\xE2a",
    ] {
        assert_eq!(decode(bad), invalid, "{bad:?}");
    }
    assert_eq!(
        unsafe { aws_decode_utf8(aws_byte_cursor::from_slice(b"\xC3"), std::ptr::null()) },
        -1
    );
}

#[test]
fn utf8_gives_each_code_point_and_stops_when_the_callback_refuses() {
    assert_eq!(
        decode("aé€😀".as_bytes()),
        Ok(vec![0x61, 0xE9, 0x20AC, 0x1F600])
    );
    assert_eq!(decode(b""), Ok(vec![]));
    assert_eq!(decode(b"a\x00b"), Err(AWS_ERROR_INVALID_UTF8 as c_int));
    // Like upstream, four-byte sequences past U+10FFFF pass.
    assert_eq!(decode(b"\xF4\x90\x80\x80"), Ok(vec![0x110000]));
}

#[test]
fn the_incremental_decoder_takes_code_points_split_across_updates() {
    use crate::ffi::common::allocator::aws_default_allocator;
    unsafe {
        let decoder = aws_utf8_decoder_new(aws_default_allocator(), std::ptr::null());
        assert!(!decoder.is_null());
        let euro = "€".as_bytes();
        assert_eq!(
            aws_utf8_decoder_update(decoder, aws_byte_cursor::from_slice(&euro[..1])),
            0
        );
        assert_eq!(
            aws_utf8_decoder_update(decoder, aws_byte_cursor::from_slice(&euro[1..])),
            0
        );
        assert_eq!(aws_utf8_decoder_finalize(decoder), 0);
        assert_eq!(
            aws_utf8_decoder_update(decoder, aws_byte_cursor::from_slice(&euro[..2])),
            0
        );
        assert_eq!(aws_utf8_decoder_finalize(decoder), -1);
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_UTF8 as c_int);
        // finalize reset it.
        assert_eq!(aws_utf8_decoder_finalize(decoder), 0);
        assert_eq!(
            aws_utf8_decoder_update(decoder, aws_byte_cursor::from_slice(&euro[..1])),
            0
        );
        aws_utf8_decoder_reset(decoder);
        assert_eq!(aws_utf8_decoder_finalize(decoder), 0);
        aws_utf8_decoder_destroy(decoder);
        aws_utf8_decoder_destroy(std::ptr::null_mut());
    }
}
