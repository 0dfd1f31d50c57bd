//! Percent-encoding as aws-c-common does it for URIs (and SigV4 needs it): letters, digits and
//! `-_.~` stay, every other byte becomes `%XX` in upper case; a path also keeps its `/`.
//! Decoding turns `%xx` (either case) back into the byte and leaves everything else, `+`
//! included, as it is.

/// The bytes a URI keeps as they are besides letters and digits.
const UNRESERVED: &[u8] = b"-_.~";

/// `input` percent-encoded, keeping letters, digits, `-_.~` and the bytes of `keep`.
pub fn encode(input: &[u8], keep: &[u8]) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(input.len());
    for &c in input {
        if c.is_ascii_alphanumeric() || UNRESERVED.contains(&c) || keep.contains(&c) {
            out.push(c);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)]]);
        }
    }
    out
}

/// A query parameter's key or value encoded (`/` too is escaped).
pub fn encode_param(input: &[u8]) -> Vec<u8> {
    encode(input, b"")
}

/// A path encoded (`/` kept).
pub fn encode_path(input: &[u8]) -> Vec<u8> {
    encode(input, b"/")
}

/// `input` with its `%xx` escapes decoded. `Err` carries what was decoded before the first `%`
/// that two hex digits do not follow.
pub fn decode(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(input.len());
    let mut rest = input;
    while let Some((&c, tail)) = rest.split_first() {
        rest = tail;
        if c != b'%' {
            out.push(c);
            continue;
        }
        match rest {
            [h, l, tail @ ..] => match (hex(*h), hex(*l)) {
                (Some(h), Some(l)) => {
                    out.push((h << 4) | l);
                    rest = tail;
                }
                _ => return Err(out),
            },
            _ => return Err(out),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_bytes_are_escaped_in_upper_case_and_paths_keep_slashes() {
        assert_eq!(encode_param(b"a b/c~\xff"), b"a%20b%2Fc~%FF");
        assert_eq!(encode_path(b"/a b/c.d"), b"/a%20b/c.d");
        assert_eq!(encode_param(b"+="), b"%2B%3D");
    }

    #[test]
    fn decoding_takes_either_case_and_leaves_plus_alone() {
        assert_eq!(decode(b"a%2fb%2F+c").unwrap(), b"a/b/+c");
        assert_eq!(decode(b"ab%2").unwrap_err(), b"ab");
        assert_eq!(decode(b"x%zz").unwrap_err(), b"x");
    }
}
