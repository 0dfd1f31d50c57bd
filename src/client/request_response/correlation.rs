//! Where a response says which request it answers: the correlation token, a string found in the
//! JSON payload at a dotted path (`"clientToken"`, `"a.b.token"`), as upstream's request-response
//! client looks for it. An empty path means the response path carries no token (the request's
//! token is empty too).

/// The token in `payload` at `path`: `Some(b"")` for an empty path, `None` when the payload is
/// not JSON, a step is not an object or lacks the key, or the value is not a string.
pub fn token_at<'a>(
    payload: &[u8],
    path: &str,
    scratch: &'a mut Option<serde_json::Value>,
) -> Option<&'a [u8]> {
    if path.is_empty() {
        return Some(b"");
    }
    *scratch = Some(serde_json::from_slice(payload).ok()?);
    let mut value = scratch.as_ref()?;
    for key in path.split('.') {
        value = value.as_object()?.get(key)?;
    }
    value.as_str().map(str::as_bytes)
}

#[cfg(test)]
mod tests {
    use super::token_at;

    fn token(payload: &str, path: &str) -> Option<String> {
        let mut scratch = None;
        token_at(payload.as_bytes(), path, &mut scratch)
            .map(|t| String::from_utf8(t.to_vec()).unwrap())
    }

    #[test]
    fn a_top_level_string_is_found() {
        assert_eq!(
            token(r#"{"clientToken":"abc","state":{}}"#, "clientToken"),
            Some("abc".into())
        );
    }

    #[test]
    fn a_dotted_path_walks_nested_objects() {
        assert_eq!(
            token(r#"{"a":{"b":{"token":"t-1"}}}"#, "a.b.token"),
            Some("t-1".into())
        );
    }

    #[test]
    fn an_empty_path_means_no_token() {
        assert_eq!(token("not json at all", ""), Some(String::new()));
    }

    #[test]
    fn anything_but_a_string_at_the_path_is_no_token() {
        assert_eq!(token(r#"{"clientToken":5}"#, "clientToken"), None);
        assert_eq!(token(r#"{"clientToken":null}"#, "clientToken"), None);
        assert_eq!(token(r#"{"a":["x"]}"#, "a.0"), None);
        assert_eq!(token(r#"{"a":"x"}"#, "a.b"), None);
        assert_eq!(token(r#"{"other":"x"}"#, "clientToken"), None);
    }

    #[test]
    fn a_payload_that_is_not_json_has_no_token() {
        assert_eq!(token("{\"clientToken\":\"abc\"", "clientToken"), None);
        assert_eq!(token("", "clientToken"), None);
    }
}
