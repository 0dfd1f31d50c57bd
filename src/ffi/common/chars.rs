//! `aws/common/byte_buf.h`: the character classes (letters, digits, hexadecimal digits,
//! white space) of ASCII bytes, the same whatever the C locale.

use crate::ffi::guard;

/// True for the ASCII letters and digits, whatever the C locale.
#[unsafe(no_mangle)]
pub extern "C" fn aws_isalnum(ch: u8) -> bool {
    guard::guard(false, || Ok(ch.is_ascii_alphanumeric()))
}

/// True for the ASCII letters, whatever the C locale.
#[unsafe(no_mangle)]
pub extern "C" fn aws_isalpha(ch: u8) -> bool {
    guard::guard(false, || Ok(ch.is_ascii_alphabetic()))
}

/// True for the ASCII digits '0' to '9'.
#[unsafe(no_mangle)]
pub extern "C" fn aws_isdigit(ch: u8) -> bool {
    guard::guard(false, || Ok(ch.is_ascii_digit()))
}

/// True for the ASCII hexadecimal digits, either case.
#[unsafe(no_mangle)]
pub extern "C" fn aws_isxdigit(ch: u8) -> bool {
    guard::guard(false, || Ok(ch.is_ascii_hexdigit()))
}

/// True for space, tab, line feed, vertical tab, form feed and carriage return, whatever the
/// C locale.
#[unsafe(no_mangle)]
pub extern "C" fn aws_isspace(ch: u8) -> bool {
    guard::guard(false, || {
        Ok(matches!(ch, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
    })
}
