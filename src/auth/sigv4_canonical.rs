//! The pieces of a SigV4 canonical request, as aws-c-auth builds them: the path (normalised
//! and encoded), the query string (decoded, re-encoded, sorted) and the header block (names in
//! lower case, sorted stably, values trimmed with inner whitespace squashed, repeats joined
//! with commas).

use crate::error::aws_auth_errors::{
    AWS_AUTH_SIGNING_ILLEGAL_REQUEST_HEADER, AWS_AUTH_SIGNING_ILLEGAL_REQUEST_QUERY_PARAM,
};
use crate::error::aws_common_error::AWS_ERROR_MALFORMED_INPUT_STRING;
use crate::error::{Error, Result};
use crate::transport::{percent, uri};

/// Headers the signer never signs: hop-by-hop ones, ones proxies rewrite, and the WebSocket
/// handshake's own (compared without regard to case).
const SKIPPED_HEADERS: [&[u8]; 9] = [
    b"x-amzn-trace-id",
    b"user-agent",
    b"connection",
    b"expect",
    b"sec-websocket-key",
    b"sec-websocket-protocol",
    b"sec-websocket-version",
    b"upgrade",
    b"transfer-encoding",
];

/// Headers signing adds, so a request may not carry them already.
const FORBIDDEN_HEADERS: [&[u8]; 5] = [
    b"x-amz-content-sha256",
    b"x-amz-date",
    b"authorization",
    b"x-amz-region-set",
    b"x-amz-security-token",
];

/// Query parameters signing adds, so a request may not carry them already.
const FORBIDDEN_PARAMS: [&[u8]; 8] = [
    b"x-amz-signature",
    b"x-amz-date",
    b"x-amz-credential",
    b"x-amz-algorithm",
    b"x-amz-signedheaders",
    b"x-amz-security-token",
    b"x-amz-expires",
    b"x-amz-region-set",
];

fn listed(list: &[&[u8]], name: &[u8]) -> bool {
    list.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Whether a header is on the signer's own skip list.
pub fn is_skipped_header(name: &[u8]) -> bool {
    listed(&SKIPPED_HEADERS, name)
}

/// `AWS_AUTH_SIGNING_ILLEGAL_REQUEST_HEADER` when a request header is one signing adds.
pub fn check_headers<'a>(mut names: impl Iterator<Item = &'a [u8]>) -> Result<()> {
    match names.any(|n| listed(&FORBIDDEN_HEADERS, n)) {
        true => Err(AWS_AUTH_SIGNING_ILLEGAL_REQUEST_HEADER.into()),
        false => Ok(()),
    }
}

/// The path with `.`, `..` and empty segments resolved, always starting with `/` and ending
/// with one when the original did.
pub fn normalize_path(path: &[u8]) -> Vec<u8> {
    let mut kept: Vec<&[u8]> = Vec::new();
    for segment in path.split(|&b| b == b'/') {
        match segment {
            b"" | b"." => {}
            b".." => {
                kept.pop();
            }
            s => kept.push(s),
        }
    }
    let mut out = vec![b'/'];
    for (i, segment) in kept.iter().enumerate() {
        out.extend_from_slice(segment);
        if i + 1 < kept.len() || path.ends_with(b"/") {
            out.push(b'/');
        }
    }
    out
}

/// The canonical path of a request's path: normalised when asked, then percent-encoded again
/// when the service expects a double encoding (the path is taken as already encoded once).
pub fn canonical_path(path: &[u8], normalize: bool, double_encode: bool) -> Vec<u8> {
    let path = if normalize {
        normalize_path(path)
    } else {
        path.to_vec()
    };
    if double_encode {
        percent::encode_path(&path)
    } else {
        path
    }
}

/// One query parameter, unencoded.
pub type Param = (Vec<u8>, Vec<u8>);

/// The parameters of a query string, percent-decoded; refuses those signing adds.
pub fn decoded_params(query: &[u8]) -> Result<Vec<Param>> {
    let decode =
        |b: &[u8]| percent::decode(b).map_err(|_| Error::from(AWS_ERROR_MALFORMED_INPUT_STRING));
    let mut params = Vec::new();
    let mut after = None;
    while let Some(p) = uri::next_query_param(query, after) {
        after = Some(p.value.end);
        let key = decode(&query[p.key.clone()])?;
        if listed(&FORBIDDEN_PARAMS, &key) {
            return Err(AWS_AUTH_SIGNING_ILLEGAL_REQUEST_QUERY_PARAM.into());
        }
        params.push((key, decode(&query[p.value])?));
    }
    Ok(params)
}

/// The canonical query string: every parameter encoded, sorted by key then value, joined.
pub fn canonical_query(params: &[Param]) -> Vec<u8> {
    let mut encoded: Vec<Param> = params
        .iter()
        .map(|(k, v)| (percent::encode_param(k), percent::encode_param(v)))
        .collect();
    encoded.sort();
    let mut out = Vec::new();
    for (i, (k, v)) in encoded.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(k);
        out.push(b'=');
        out.extend_from_slice(v);
    }
    out
}

/// `aws_isspace`: the C locale's white space.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// A header value trimmed, each run of white space inside it squashed to one space.
fn squashed(value: &[u8]) -> Vec<u8> {
    let start = value
        .iter()
        .position(|&b| !is_space(b))
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(start, |e| e + 1);
    let mut out = Vec::with_capacity(end - start);
    let mut in_space = false;
    for &b in &value[start..end] {
        let space = is_space(b);
        if !space || !in_space {
            out.push(if space { b' ' } else { b });
        }
        in_space = space;
    }
    out
}

/// The canonical header block (each `name:value` line ended by a newline) and the signed
/// header list (`a;b;c`), from the headers to sign in request order.
pub fn canonical_headers(headers: &[(&[u8], &[u8])]) -> (Vec<u8>, Vec<u8>) {
    let mut sorted: Vec<(Vec<u8>, &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), *v))
        .collect();
    // A stable sort keeps repeated headers in request order, as upstream's index tie-break does.
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut block = Vec::new();
    let mut signed = Vec::new();
    let mut last: Option<&[u8]> = None;
    for (name, value) in &sorted {
        if last == Some(name.as_slice()) {
            block.push(b',');
        } else {
            if last.is_some() {
                block.push(b'\n');
                signed.push(b';');
            }
            signed.extend_from_slice(name);
            block.extend_from_slice(name);
            block.push(b':');
        }
        block.extend_from_slice(&squashed(value));
        last = Some(name);
    }
    if !sorted.is_empty() {
        block.push(b'\n');
    }
    (block, signed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_as_upstream() {
        assert_eq!(normalize_path(b"//example//"), b"/example/");
        assert_eq!(normalize_path(b"/example/.."), b"/");
        assert_eq!(normalize_path(b"/a/./b/../c"), b"/a/c");
        assert_eq!(normalize_path(b""), b"/");
        assert_eq!(normalize_path(b"/../.."), b"/");
        assert_eq!(canonical_path(b"/a b", false, true), b"/a%20b");
        assert_eq!(canonical_path(b"/a%20b", false, true), b"/a%2520b");
        assert_eq!(canonical_path(b"//x", false, false), b"//x");
    }

    #[test]
    fn query_parameters_are_reencoded_and_sorted_by_key_then_value() {
        let params = decoded_params(b"b=2&a=2&a=1&c&%41=x+y").unwrap();
        assert_eq!(canonical_query(&params), b"A=x%2By&a=1&a=2&b=2&c=");
        assert_eq!(canonical_query(&[]), b"");
    }

    #[test]
    fn parameters_and_headers_that_signing_adds_are_refused() {
        let code = |r: Result<Vec<Param>>| r.unwrap_err().code();
        assert_eq!(
            code(decoded_params(b"a=1&x-amz-date=2")),
            AWS_AUTH_SIGNING_ILLEGAL_REQUEST_QUERY_PARAM as i32
        );
        assert_eq!(
            code(decoded_params(b"a=%zz")),
            AWS_ERROR_MALFORMED_INPUT_STRING as i32
        );
        let names: [&[u8]; 2] = [b"Host", b"Authorization"];
        assert_eq!(
            check_headers(names.into_iter()).unwrap_err().code(),
            AWS_AUTH_SIGNING_ILLEGAL_REQUEST_HEADER as i32
        );
        assert!(is_skipped_header(b"User-Agent"));
        assert!(!is_skipped_header(b"host"));
    }

    #[test]
    fn header_values_are_trimmed_squashed_and_repeats_joined_in_order() {
        let headers: [(&[u8], &[u8]); 4] = [
            (b"My-Header1", b"  a   b\n  c "),
            (b"host", b"h"),
            (b"my-header1", b"z"),
            (b"A", b""),
        ];
        let (block, signed) = canonical_headers(&headers);
        assert_eq!(block, b"a:\nhost:h\nmy-header1:a b c,z\n");
        assert_eq!(signed, b"a;host;my-header1");
    }
}
