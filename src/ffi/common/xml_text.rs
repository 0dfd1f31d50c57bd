//! XML unescaping for `aws_byte_buf_append_unescaped_xml`, as upstream does it: the five named
//! escapes and decimal or hex character references (encoded as UTF-8, up to U+10FFFF).
//! Upstream's quirk for an escape without its `;` is kept: `&lt` gives `<` followed by `lt`.

use crate::ffi::common::error::aws_common_error::AWS_ERROR_INVALID_XML;
use crate::ffi::guard::{Error, Result};

/// `data` with its escapes replaced.
pub fn unescape(data: &[u8]) -> Result<Vec<u8>> {
    let invalid = || Error::from(AWS_ERROR_INVALID_XML);
    let mut pieces = data.split(|&c| c == b'&');
    let mut out = pieces.next().unwrap_or(&[]).to_vec();
    for piece in pieces {
        let name_len = piece.iter().position(|&c| c == b';').unwrap_or(piece.len());
        let name = &piece[..name_len];
        // Past the ';' when there is one; upstream keeps the whole piece when there is not.
        let rest = if name_len < piece.len() {
            &piece[name_len + 1..]
        } else {
            piece
        };
        match name {
            b"lt" => out.push(b'<'),
            b"gt" => out.push(b'>'),
            b"amp" => out.push(b'&'),
            b"quot" => out.push(b'"'),
            b"apos" => out.push(b'\''),
            [b'#', number @ ..] if !number.is_empty() => {
                let (digits, radix) = match number {
                    [b'x' | b'X', hex @ ..] => (hex, 16),
                    _ => (number, 10),
                };
                let text = std::str::from_utf8(digits).map_err(|_| invalid())?;
                if text.is_empty() || !text.chars().all(|c| c.is_digit(radix)) {
                    return Err(invalid());
                }
                let codepoint = u64::from_str_radix(text, radix).map_err(|_| invalid())?;
                push_utf8(&mut out, codepoint).ok_or_else(invalid)?;
            }
            _ => return Err(invalid()),
        }
        out.extend_from_slice(rest);
    }
    Ok(out)
}

/// Appends `codepoint` as UTF-8 (surrogates are not refused, as upstream); None above U+10FFFF.
fn push_utf8(out: &mut Vec<u8>, codepoint: u64) -> Option<()> {
    let c = u32::try_from(codepoint).ok().filter(|&c| c <= 0x10FFFF)?;
    let cont = |shift: u32| 0x80 | ((c >> shift) & 0x3F) as u8;
    match c {
        0..=0x7F => out.push(c as u8),
        0x80..=0x7FF => out.extend_from_slice(&[0xC0 | (c >> 6) as u8, cont(0)]),
        0x800..=0xFFFF => out.extend_from_slice(&[0xE0 | (c >> 12) as u8, cont(6), cont(0)]),
        _ => out.extend_from_slice(&[0xF0 | (c >> 18) as u8, cont(12), cont(6), cont(0)]),
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_and_numeric_escapes_are_replaced() {
        assert_eq!(
            unescape(b"a&lt;b&gt;&amp;&quot;&apos;").unwrap(),
            b"a<b>&\"'"
        );
        assert_eq!(unescape(b"&#65;&#x42;&#X20AC;").unwrap(), "AB€".as_bytes());
        assert_eq!(unescape(b"plain").unwrap(), b"plain");
        assert_eq!(unescape(b"").unwrap(), b"");
    }

    #[test]
    fn unknown_or_malformed_escapes_are_invalid_xml() {
        for bad in [
            &b"&nbsp;"[..],
            b"&;",
            b"&#;",
            b"&#x;",
            b"&#12a;",
            b"&#x110000;",
            b"a&&b",
        ] {
            assert!(unescape(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_escape_without_its_semicolon_keeps_its_text_as_upstream() {
        assert_eq!(unescape(b"&lt").unwrap(), b"<lt");
    }
}
