//! URI parsing, as upstream's `aws_uri_init_parse` does it: `[scheme://]authority[/path][?query]`,
//! where the authority is `[userinfo@]host[:port]` and an IPv6 host is written in brackets
//! (`[::1]:8883`).
//!
//! A pure function over bytes: [`parse`] answers with byte ranges into its input, so the FFI can
//! turn them into cursors over its own copy of the string. A part that the string does not have
//! at all is `None`; a part that is present but empty (the query of `"host/p?"`) is an empty
//! range, because C sees the difference (a NULL cursor pointer or not).
//!
//! The rules, upstream's (some are looser than RFC 3986, and are kept because programs rely on
//! the same answers):
//! - A scheme is recognised only when the first `:` is followed by `/`; it must then be followed
//!   by `//` (`"http:/x"` is malformed). `"localhost:1883"` is a host and a port.
//! - The authority ends at the first `/`, or at the first `?` when there is no `/`.
//! - The port is decimal digits only and must fit 32 bits; absent or empty, it is 0.
//! - An input with no authority and nothing after it (the empty string, `"http://"`) is malformed.

use std::ops::Range;

/// Why a URI could not be parsed. Every case is upstream's `AWS_ERROR_MALFORMED_INPUT_STRING`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UriError {
    /// A scheme's `:` is not followed by `//`.
    SchemeWithoutSlashes,
    /// Nothing where the authority (or a path) should be.
    Empty,
    /// An IPv6 host's `[` has no matching `]`.
    UnclosedBracket,
    /// The port has a character other than a decimal digit.
    PortNotANumber,
    /// The port does not fit 32 bits.
    PortTooLarge,
}

/// The parts of a URI, as byte ranges into the parsed input. `None` is a part the input lacks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UriParts {
    /// `mqtt` in `mqtt://host`.
    pub scheme: Option<Range<usize>>,
    /// `user:pw@host:8883`: everything between the scheme and the path or query.
    pub authority: Option<Range<usize>>,
    /// `user:pw`, before the authority's `@`.
    pub userinfo: Option<Range<usize>>,
    /// The userinfo before its first `:` (all of it when there is no `:`).
    pub user: Option<Range<usize>>,
    /// The userinfo after its first `:`.
    pub password: Option<Range<usize>>,
    /// The host, without an IPv6 literal's brackets.
    pub host_name: Option<Range<usize>>,
    /// The port, 0 when the authority has none.
    pub port: u32,
    /// The path from its leading `/`, before any `?`.
    pub path: Option<Range<usize>>,
    /// The query, after its `?`.
    pub query_string: Option<Range<usize>>,
    /// The path and the query with its `?`: what a request line carries.
    pub path_and_query: Option<Range<usize>>,
}

/// The index of the first `byte` in `s[range]`, as an index into `s`.
fn find(s: &[u8], range: Range<usize>, byte: u8) -> Option<usize> {
    let start = range.start;
    s[range].iter().position(|&b| b == byte).map(|i| start + i)
}

/// Parses `s` by upstream's rules (see the module documentation).
pub fn parse(s: &[u8]) -> Result<UriParts, UriError> {
    let mut parts = UriParts::default();
    let rest = parse_scheme(s, &mut parts)?;
    let rest = parse_authority(s, rest, &mut parts)?;
    if let Some(at) = rest {
        let query_at = if s[at] == b'/' {
            parse_path(s, at, &mut parts)
        } else {
            Some(at)
        };
        if let Some(q) = query_at {
            parse_query(s, q, &mut parts);
        }
    }
    Ok(parts)
}

/// Takes the scheme off the front when there is one; answers where the authority starts.
fn parse_scheme(s: &[u8], parts: &mut UriParts) -> Result<usize, UriError> {
    let Some(colon) = find(s, 0..s.len(), b':') else {
        return Ok(0);
    };
    if s.get(colon + 1) != Some(&b'/') {
        // A port's colon, not a scheme's.
        return Ok(0);
    }
    parts.scheme = Some(0..colon);
    if !s[colon..].starts_with(b"://") {
        return Err(UriError::SchemeWithoutSlashes);
    }
    Ok(colon + 3)
}

/// Takes the authority from `start`; answers where the path (at a `/`) or query (at a `?`)
/// starts, or `None` when the authority runs to the end.
fn parse_authority(
    s: &[u8],
    start: usize,
    parts: &mut UriParts,
) -> Result<Option<usize>, UriError> {
    if start == s.len() {
        return Err(UriError::Empty);
    }
    let end = find(s, start..s.len(), b'/').or_else(|| find(s, start..s.len(), b'?'));
    let authority = start..end.unwrap_or(s.len());
    parts.authority = Some(authority.clone());
    if !authority.is_empty() {
        parse_host_and_port(s, authority, parts)?;
    }
    Ok(end)
}

/// Splits a non-empty authority into userinfo, host and port.
fn parse_host_and_port(
    s: &[u8],
    authority: Range<usize>,
    parts: &mut UriParts,
) -> Result<(), UriError> {
    let mut host = authority.clone();
    if let Some(at) = find(s, authority.clone(), b'@') {
        let userinfo = authority.start..at;
        match find(s, userinfo.clone(), b':') {
            Some(colon) => {
                parts.user = Some(userinfo.start..colon);
                parts.password = Some(colon + 1..userinfo.end);
            }
            None => parts.user = Some(userinfo.clone()),
        }
        parts.userinfo = Some(userinfo);
        host.start = at + 1;
    }

    // Inside an IPv6 literal's brackets, colons are the address's, not the port's.
    let bracketed = !host.is_empty() && s[host.start] == b'[';
    let port_search = if bracketed {
        let close = find(s, host.clone(), b']').ok_or(UriError::UnclosedBracket)?;
        close..host.end
    } else {
        host.clone()
    };
    let Some(colon) = find(s, port_search, b':') else {
        parts.host_name = Some(if bracketed {
            host.start + 1..host.end - 1
        } else {
            host
        });
        return Ok(());
    };
    // For a bracketed host the name is what lies between the brackets; upstream counts its
    // length as everything before the colon less two, and so does this.
    let name_start = if bracketed {
        host.start + 1
    } else {
        host.start
    };
    let name_len = (colon - host.start).saturating_sub(if bracketed { 2 } else { 0 });
    parts.host_name = Some(name_start..name_start + name_len);
    parts.port = parse_port(&s[colon + 1..host.end])?;
    Ok(())
}

/// A port's digits; nothing at all is port 0.
fn parse_port(digits: &[u8]) -> Result<u32, UriError> {
    let mut value: u32 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return Err(UriError::PortNotANumber);
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u32::from(d - b'0')))
            .ok_or(UriError::PortTooLarge)?;
    }
    Ok(value)
}

/// Takes the path from its `/` at `start`; answers where a query starts, if one does.
fn parse_path(s: &[u8], start: usize, parts: &mut UriParts) -> Option<usize> {
    parts.path_and_query = Some(start..s.len());
    let query = find(s, start..s.len(), b'?');
    parts.path = Some(start..query.unwrap_or(s.len()));
    query
}

/// Takes the query from its `?` at `start`.
fn parse_query(s: &[u8], start: usize, parts: &mut UriParts) {
    if parts.path_and_query.is_none() {
        parts.path_and_query = Some(start..s.len());
    }
    parts.query_string = Some(start + 1..s.len());
}

/// One `key=value` parameter of a query string, as byte ranges into it. A parameter without
/// `=` is all key, with an empty value that starts where the key ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryParam {
    /// Before the first `=`.
    pub key: Range<usize>,
    /// After the first `=`.
    pub value: Range<usize>,
}

/// The parameter after the one that ended at byte `after` (`None`: the first), skipping empty
/// entries (`"&&a=b"` has one parameter). `None` when there are no more.
pub fn next_query_param(query: &[u8], after: Option<usize>) -> Option<QueryParam> {
    let mut start = match after {
        None => 0,
        // Past the '&' that ended the previous parameter.
        Some(end) => end.checked_add(1)?,
    };
    while start <= query.len() {
        let end = find(query, start..query.len(), b'&').unwrap_or(query.len());
        if end > start {
            let param = match find(query, start..end, b'=') {
                Some(eq) => QueryParam {
                    key: start..eq,
                    value: eq + 1..end,
                },
                None => QueryParam {
                    key: start..end,
                    value: end..end,
                },
            };
            return Some(param);
        }
        start = end + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of each part of `s`, "-" for a part it lacks.
    fn parts_of(s: &str) -> Vec<String> {
        let p = parse(s.as_bytes()).unwrap();
        let text = |r: &Option<Range<usize>>| match r {
            Some(r) => s[r.clone()].to_string(),
            None => "-".to_string(),
        };
        vec![
            text(&p.scheme),
            text(&p.authority),
            text(&p.userinfo),
            text(&p.user),
            text(&p.password),
            text(&p.host_name),
            p.port.to_string(),
            text(&p.path),
            text(&p.query_string),
            text(&p.path_and_query),
        ]
    }

    #[test]
    fn parses_uris_as_upstream_does() {
        // input, then: scheme, authority, userinfo, user, password, host, port, path, query,
        // path_and_query ("-" is absent).
        let table: &[(&str, [&str; 10])] = &[
            (
                "mqtts://broker.example.com:8883/mqtt?x=1",
                [
                    "mqtts",
                    "broker.example.com:8883",
                    "-",
                    "-",
                    "-",
                    "broker.example.com",
                    "8883",
                    "/mqtt",
                    "x=1",
                    "/mqtt?x=1",
                ],
            ),
            (
                "https://www.test.com/path",
                [
                    "https",
                    "www.test.com",
                    "-",
                    "-",
                    "-",
                    "www.test.com",
                    "0",
                    "/path",
                    "-",
                    "/path",
                ],
            ),
            (
                "localhost:1883",
                [
                    "-",
                    "localhost:1883",
                    "-",
                    "-",
                    "-",
                    "localhost",
                    "1883",
                    "-",
                    "-",
                    "-",
                ],
            ),
            (
                "mqtt://[::1]:8883",
                [
                    "mqtt",
                    "[::1]:8883",
                    "-",
                    "-",
                    "-",
                    "::1",
                    "8883",
                    "-",
                    "-",
                    "-",
                ],
            ),
            (
                "[2001:db8::1]",
                [
                    "-",
                    "[2001:db8::1]",
                    "-",
                    "-",
                    "-",
                    "2001:db8::1",
                    "0",
                    "-",
                    "-",
                    "-",
                ],
            ),
            (
                "ws://[fe80::1]:443/mqtt",
                [
                    "ws",
                    "[fe80::1]:443",
                    "-",
                    "-",
                    "-",
                    "fe80::1",
                    "443",
                    "/mqtt",
                    "-",
                    "/mqtt",
                ],
            ),
            (
                "http://user:pass@host:80/a",
                [
                    "http",
                    "user:pass@host:80",
                    "user:pass",
                    "user",
                    "pass",
                    "host",
                    "80",
                    "/a",
                    "-",
                    "/a",
                ],
            ),
            (
                "http://anonymous@host",
                [
                    "http",
                    "anonymous@host",
                    "anonymous",
                    "anonymous",
                    "-",
                    "host",
                    "0",
                    "-",
                    "-",
                    "-",
                ],
            ),
            (
                "host?a=b",
                ["-", "host", "-", "-", "-", "host", "0", "-", "a=b", "?a=b"],
            ),
            (
                "/only/a/path?q",
                [
                    "-",
                    "",
                    "-",
                    "-",
                    "-",
                    "-",
                    "0",
                    "/only/a/path",
                    "q",
                    "/only/a/path?q",
                ],
            ),
            (
                "host:",
                ["-", "host:", "-", "-", "-", "host", "0", "-", "-", "-"],
            ),
            ("h/p?", ["-", "h", "-", "-", "-", "h", "0", "/p", "", "/p?"]),
        ];
        for (input, expected) in table {
            assert_eq!(parts_of(input), expected.to_vec(), "parsing {input:?}");
        }
    }

    #[test]
    fn a_port_is_absent_zero_and_may_use_all_32_bits() {
        assert_eq!(parse(b"host").unwrap().port, 0);
        assert_eq!(parse(b"host:4294967295").unwrap().port, u32::MAX);
        assert_eq!(parse(b"host:0080").unwrap().port, 80);
    }

    #[test]
    fn malformed_uris_are_refused() {
        let table: &[(&str, UriError)] = &[
            ("", UriError::Empty),
            ("http://", UriError::Empty),
            ("http:/host", UriError::SchemeWithoutSlashes),
            ("host:/x", UriError::SchemeWithoutSlashes),
            ("[::1:8883", UriError::UnclosedBracket),
            ("http://[::1/path", UriError::UnclosedBracket),
            ("host:80a", UriError::PortNotANumber),
            ("host:-1", UriError::PortNotANumber),
            ("host: 80", UriError::PortNotANumber),
            ("host:4294967296", UriError::PortTooLarge),
            ("[::1]:99999999999", UriError::PortTooLarge),
        ];
        for (input, error) in table {
            assert_eq!(parse(input.as_bytes()), Err(*error), "parsing {input:?}");
        }
    }

    #[test]
    fn the_authority_ends_at_a_slash_before_a_question_mark() {
        // Upstream looks for '/' first, even past a '?'.
        let p = parse(b"host?a=/b").unwrap();
        assert_eq!(p.authority, Some(0..7));
        assert_eq!(p.path, Some(7..9));
        assert_eq!(p.query_string, None);
    }

    /// Every parameter of `q` as (key, value) text.
    fn params(q: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut after = None;
        while let Some(p) = next_query_param(q.as_bytes(), after) {
            out.push((q[p.key.clone()].to_string(), q[p.value.clone()].to_string()));
            after = Some(p.value.end);
        }
        out
    }

    #[test]
    fn query_parameters_split_on_ampersands_and_skip_empty_ones() {
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(params("a=1&b=2"), vec![pair("a", "1"), pair("b", "2")]);
        assert_eq!(params("&&a=b&"), vec![pair("a", "b")]);
        assert_eq!(params("a&b=c"), vec![pair("a", ""), pair("b", "c")]);
        assert_eq!(params("k=v=w"), vec![pair("k", "v=w")]);
        assert_eq!(params(""), vec![]);
        assert_eq!(params("=x"), vec![pair("", "x")]);
    }
}
