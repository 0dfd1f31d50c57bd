//! JSON text for `aws/common/json.h`: parsing with `serde_json`, and printing as upstream's
//! cJSON prints, compact or formatted (tabs, `"key":\tvalue`, arrays on one line with `, `),
//! so a C program sees the same text it saw before.
//!
//! Parsing reads the first value of the text and ignores what follows it, as upstream does.
//! Unlike upstream, it is strict JSON (cJSON also takes `+1`, `1.`, raw control characters and
//! invalid UTF-8 in strings), and a repeated key keeps its last value.

use crate::ffi::common::json_value::{Child, Kind, aws_json_value, c_text, new_node};
use std::ffi::c_char;
use std::ptr::NonNull;

/// The first JSON value in `text`, as a new tree; None when the text does not start with one.
pub fn parse(text: &[u8]) -> Option<NonNull<aws_json_value>> {
    // Upstream parses a C string: it ends at the first NUL.
    let text = &text[..text.iter().position(|&b| b == 0).unwrap_or(text.len())];
    let value = serde_json::Deserializer::from_slice(text)
        .into_iter::<serde_json::Value>()
        .next()?
        .ok()?;
    Some(convert(value))
}

/// A tree of nodes for a parsed value.
fn convert(value: serde_json::Value) -> NonNull<aws_json_value> {
    use serde_json::Value;
    // SAFETY (both adopts): each converted node is fresh and owned by nobody else.
    let kind = match value {
        Value::Null => Kind::Null,
        Value::Bool(b) => Kind::Bool(b),
        Value::Number(n) => Kind::Number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => Kind::String(c_text(s.as_bytes())),
        Value::Array(items) => Kind::Array(
            items
                .into_iter()
                .map(|v| unsafe { Child::adopt(convert(v)) })
                .collect(),
        ),
        Value::Object(members) => Kind::Object(
            members
                .into_iter()
                .map(|(k, v)| (c_text(k.as_bytes()), unsafe { Child::adopt(convert(v)) }))
                .collect(),
        ),
    };
    new_node(kind)
}

/// The text of a `serde_json` value, compact or formatted as cJSON writes it: for Rust code
/// that writes a document upstream writes through `aws/common/json.h`.
pub(crate) fn print_value(value: serde_json::Value, formatted: bool) -> Vec<u8> {
    // SAFETY: the converted tree is fresh and owned by this child, which frees it.
    let tree = unsafe { Child::adopt(convert(value)) };
    print(tree.get(), formatted)
}

/// The text of `value`, compact or formatted as cJSON writes it.
pub fn print(value: &aws_json_value, formatted: bool) -> Vec<u8> {
    let mut out = Vec::new();
    write_value(value, formatted, 0, &mut out);
    out
}

fn write_value(value: &aws_json_value, formatted: bool, depth: usize, out: &mut Vec<u8>) {
    match &value.kind {
        Kind::Null => out.extend_from_slice(b"null"),
        Kind::Bool(true) => out.extend_from_slice(b"true"),
        Kind::Bool(false) => out.extend_from_slice(b"false"),
        Kind::Number(n) => write_number(*n, out),
        Kind::String(s) => write_string(s, out),
        Kind::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(if formatted { b", " } else { b"," });
                }
                write_value(item.get(), formatted, depth + 1, out);
            }
            out.push(b']');
        }
        Kind::Object(members) => {
            let inner = depth + 1;
            out.push(b'{');
            if formatted {
                out.push(b'\n');
            }
            for (i, (key, member)) in members.iter().enumerate() {
                if formatted {
                    out.extend(std::iter::repeat_n(b'\t', inner));
                }
                write_string(key, out);
                out.extend_from_slice(if formatted { b":\t" } else { b":" });
                write_value(member.get(), formatted, inner, out);
                if i + 1 < members.len() {
                    out.push(b',');
                }
                if formatted {
                    out.push(b'\n');
                }
            }
            if formatted {
                out.extend(std::iter::repeat_n(b'\t', depth));
            }
            out.push(b'}');
        }
    }
}

/// A number as cJSON prints it: `null` for NaN and infinities, an integer when the value is
/// one within `int` range, else the shortest of `%1.15g` and `%1.17g` that reads back.
fn write_number(n: f64, out: &mut Vec<u8>) {
    if !n.is_finite() {
        out.extend_from_slice(b"null");
        return;
    }
    // cJSON's valueint: the value saturated to int.
    let as_int = n.clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32;
    if n == f64::from(as_int) {
        out.extend_from_slice(as_int.to_string().as_bytes());
        return;
    }
    let short = c_format(c"%1.15g", n);
    let reads_back = std::str::from_utf8(&short)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .is_some_and(|back| (back - n).abs() <= back.abs().max(n.abs()) * f64::EPSILON);
    out.extend_from_slice(&if reads_back {
        short
    } else {
        c_format(c"%1.17g", n)
    });
}

/// `n` printed by the C library with `format` (one double conversion), the decimal point a dot
/// whatever the locale.
fn c_format(format: &std::ffi::CStr, n: f64) -> Vec<u8> {
    let mut buffer = [0u8; 32];
    // SAFETY: a bounded buffer, a format with one double conversion, and a double.
    let len = unsafe {
        libc::snprintf(
            buffer.as_mut_ptr().cast::<c_char>(),
            buffer.len(),
            format.as_ptr(),
            n,
        )
    };
    let len = usize::try_from(len).unwrap_or(0).min(buffer.len() - 1);
    buffer[..len]
        .iter()
        .map(|&c| if c == b',' { b'.' } else { c })
        .collect()
}

/// A string in quotes, escaped as cJSON escapes it (control characters as `\u00xx`; bytes
/// above 0x7F as they are).
fn write_string(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &c in s {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0C => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=0x1F => out.extend_from_slice(format!("\\u{c:04x}").as_bytes()),
            _ => out.push(c),
        }
    }
    out.push(b'"');
}
