//! Standard base64 with padding (RFC 4648 section 4): the proxy's basic authentication token
//! and the WebSocket handshake's key and accept values; and the alphabet-generic encoder behind
//! `aws_base64_encode`/`aws_base64_url_encode`; a strict standard decoder (the test broker reads
//! custom-authorizer signatures with it).

/// The standard alphabet (RFC 4648 section 4).
pub const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The URL and file name safe alphabet (RFC 4648 section 5).
pub const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `bytes` in standard base64 with padding.
pub fn encode(bytes: &[u8]) -> String {
    // The alphabet is ASCII, so the text is valid UTF-8.
    encode_with(bytes, STANDARD, true)
        .into_iter()
        .map(char::from)
        .collect()
}

/// `bytes` in base64 over `alphabet`, padded with `=` to a multiple of 4 when `pad`
/// (`aws/common/encoding.h` also writes the unpadded URL-safe form).
pub fn encode_with(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize]);
            } else if pad {
                out.push(b'=');
            }
        }
    }
    out
}

/// Standard padded base64 decoded; `None` unless the text is exactly that (a length that is a
/// multiple of 4, padding only at the end).
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 4 != 0 {
        return None;
    }
    let value = |c: u8| STANDARD.iter().position(|&a| a == c).map(|v| v as u32);
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let quads = text.len() / 4;
    for (i, quad) in text.chunks(4).enumerate() {
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && i + 1 != quads) {
            return None;
        }
        let mut n = 0;
        for &c in &quad[..4 - pad] {
            n = n << 6 | value(c)?;
        }
        n <<= 6 * pad;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};

    #[test]
    fn pads_as_rfc_4648_says() {
        // RFC 4648 section 10's test vectors.
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(encode(input.as_bytes()), expected);
            assert_eq!(
                decode(expected.as_bytes()).as_deref(),
                Some(input.as_bytes())
            );
        }
    }

    #[test]
    fn decoding_refuses_what_is_not_padded_standard_base64() {
        for bad in ["Zg", "Zg=a", "Z===", "Zg==Zg==", "Zm9-", "Zm9\0"] {
            assert_eq!(decode(bad.as_bytes()), None, "{bad}");
        }
    }
}
