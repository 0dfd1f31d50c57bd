//! Credentials through the C API: upstream's required fields, getters, anonymity, reference
//! counts, and the ECC constructors refused.

use super::*;
use crate::error::aws_common_error::AWS_ERROR_INVALID_ARGUMENT;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::error::{aws_last_error, aws_reset_error};
use crate::ffi::common::string::{aws_string_destroy, aws_string_new_from_array};

fn cur(s: &str) -> aws_byte_cursor {
    aws_byte_cursor::from_slice(s.as_bytes())
}

fn text(c: aws_byte_cursor) -> String {
    String::from_utf8(unsafe { c.as_bytes() }.unwrap().to_vec()).unwrap()
}

#[test]
fn an_access_key_and_a_secret_are_required() {
    unsafe {
        let a = aws_default_allocator();
        aws_reset_error();
        assert!(aws_credentials_new(a, cur(""), cur("s"), cur(""), 1).is_null());
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT as i32);
        assert!(aws_credentials_new(a, cur("k"), cur(""), cur(""), 1).is_null());
        assert!(
            aws_credentials_new(std::ptr::null_mut(), cur("k"), cur("s"), cur(""), 1).is_null()
        );
        assert!(aws_credentials_new_with_options(a, std::ptr::null()).is_null());
    }
}

#[test]
fn getters_answer_what_was_given_and_empty_cursors_for_what_was_not() {
    unsafe {
        let a = aws_default_allocator();
        let options = aws_credentials_options {
            access_key_id_cursor: cur("AKID"),
            secret_access_key_cursor: cur("secret"),
            session_token_cursor: cur(""),
            account_id_cursor: cur("123456789012"),
            expiration_timepoint_seconds: 77,
        };
        let c = aws_credentials_new_with_options(a, &options);
        assert!(!c.is_null());
        assert_eq!(text(aws_credentials_get_access_key_id(c)), "AKID");
        assert_eq!(text(aws_credentials_get_secret_access_key(c)), "secret");
        assert_eq!(text(aws_credentials_get_account_id(c)), "123456789012");
        let token = aws_credentials_get_session_token(c);
        assert_eq!((token.len, token.ptr.is_null()), (0, true));
        assert_eq!(aws_credentials_get_expiration_timepoint_seconds(c), 77);
        assert!(!aws_credentials_is_anonymous(c));
        assert!(aws_credentials_get_ecc_key_pair(c).is_null());
        // A second reference keeps them alive past the first release.
        aws_credentials_acquire(c);
        aws_credentials_release(c);
        assert_eq!(text(aws_credentials_get_access_key_id(c)), "AKID");
        aws_credentials_release(c);
        aws_credentials_release(std::ptr::null());
    }
}

#[test]
fn credentials_from_strings_take_an_optional_token() {
    unsafe {
        let a = aws_default_allocator();
        let s = |t: &str| aws_string_new_from_array(a, t.as_ptr(), t.len());
        let (k, sec, tok) = (s("k"), s("s"), s("t"));
        let with = aws_credentials_new_from_string(a, k, sec, tok, 5);
        let without = aws_credentials_new_from_string(a, k, sec, std::ptr::null(), 5);
        assert_eq!(text(aws_credentials_get_session_token(with)), "t");
        assert_eq!(aws_credentials_get_session_token(without).len, 0);
        aws_credentials_release(with);
        aws_credentials_release(without);
        for x in [k, sec, tok] {
            aws_string_destroy(x);
        }
    }
}

#[test]
fn anonymous_credentials_have_no_keys_and_never_expire() {
    unsafe {
        let c = aws_credentials_new_anonymous(aws_default_allocator());
        assert!(aws_credentials_is_anonymous(c));
        assert_eq!(aws_credentials_get_access_key_id(c).len, 0);
        assert_eq!(
            aws_credentials_get_expiration_timepoint_seconds(c),
            u64::MAX
        );
        aws_credentials_release(c);
    }
}

#[test]
fn ecc_credentials_are_refused_as_unsupported() {
    unsafe {
        let a = aws_default_allocator();
        let c = aws_credentials_new(a, cur("k"), cur("s"), cur(""), 1);
        aws_reset_error();
        assert!(aws_credentials_new_ecc_from_aws_credentials(a, c).is_null());
        assert_eq!(
            aws_last_error(),
            AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM as i32
        );
        assert!(aws_ecc_key_pair_new_ecdsa_p256_key_from_aws_credentials(a, c).is_null());
        assert!(aws_credentials_new_ecc(a, cur("k"), std::ptr::null_mut(), cur(""), 1).is_null());
        aws_credentials_release(c);
    }
}
