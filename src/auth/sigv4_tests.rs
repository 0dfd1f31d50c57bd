//! Unit tests of the signer: the pieces upstream's vectors do not pin on their own.

use super::*;

fn config<'a>(signature_type: SignatureType, sign_all: &'a dyn Fn(&[u8]) -> bool) -> Config<'a> {
    Config {
        signature_type,
        region: b"us-east-1",
        service: b"iotdevicegateway",
        timestamp: 1_440_938_160, // 2015-08-30T12:36:00Z
        use_double_uri_encode: true,
        should_normalize_uri_path: true,
        omit_session_token: true,
        signed_body_value: b"",
        signed_body_header: false,
        expiration_in_seconds: 0,
        should_sign_header: sign_all,
    }
}

fn credentials(token: &[u8]) -> Credentials {
    Credentials {
        access_key_id: b"AKIDEXAMPLE".to_vec(),
        secret_access_key: b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_vec(),
        session_token: token.to_vec(),
    }
}

#[test]
fn dates_are_utc_and_zero_padded() {
    assert_eq!(amz_date(1_440_938_160).0, b"20150830T123600Z");
    assert_eq!(
        amz_date(0),
        (b"19700101T000000Z".to_vec(), b"19700101".to_vec())
    );
    assert_eq!(amz_date(951_782_400).0, b"20000229T000000Z");
    assert_eq!(amz_date(-1).0, b"19691231T235959Z");
}

/// The IoT WebSocket handshake as the SDKs sign it: a GET of /mqtt with the WebSocket headers
/// (never signed), presigned for iotdevicegateway with no expiry and the session token added
/// after signing. `c_tests/test_auth_signing.c` pins the same signature.
#[test]
fn an_iot_websocket_handshake_is_presigned_with_the_token_outside_the_signature() {
    let all = |_: &[u8]| true;
    let request = Request {
        method: b"GET",
        uri: b"/mqtt",
        headers: vec![
            (b"Host", b"example-ats.iot.us-east-1.amazonaws.com"),
            (b"Upgrade", b"websocket"),
            (b"Connection", b"Upgrade"),
            (b"Sec-WebSocket-Key", b"dGhlIHNhbXBsZSBub25jZQ=="),
            (b"Sec-WebSocket-Protocol", b"mqtt"),
            (b"Sec-WebSocket-Version", b"13"),
        ],
        payload: b"",
    };
    let signed = sign(
        &config(SignatureType::QueryParams, &all),
        &request,
        &credentials(b"tok/en+"),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(signed.canonical_request).unwrap(),
        "GET\n/mqtt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiotdevicegateway%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host\nhost:example-ats.iot.us-east-1.amazonaws.com\n\nhost\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let path = path_with_params(b"/mqtt", &signed.query_params).unwrap();
    assert_eq!(
        String::from_utf8(path).unwrap(),
        format!(
            "/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiotdevicegateway%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Security-Token=tok%2Fen%2B&X-Amz-Signature={}",
            IOT_WEBSOCKET_SIGNATURE
        )
    );
    assert!(signed.headers.is_empty());
}

/// The signature the C test checks too.
const IOT_WEBSOCKET_SIGNATURE: &str =
    "026c20a61bae0c9e109ab3720b96164d965f64dfc0dd03bfc9f1152ab1d323f9";

#[test]
fn the_header_filter_and_the_skip_list_leave_headers_unsigned() {
    let no_custom = |n: &[u8]| !n.eq_ignore_ascii_case(b"x-custom");
    let request = Request {
        method: b"GET",
        uri: b"/",
        headers: vec![(b"Host", b"h"), (b"X-Custom", b"1"), (b"User-Agent", b"ua")],
        payload: b"",
    };
    let signed = sign(
        &config(SignatureType::Headers, &no_custom),
        &request,
        &credentials(b""),
    )
    .unwrap();
    let auth = &signed.headers.last().unwrap().1;
    assert!(auth.ends_with(&signed.signature));
    assert!(
        String::from_utf8_lossy(auth).contains(", SignedHeaders=host;x-amz-date, "),
        "{}",
        String::from_utf8_lossy(auth)
    );
    assert_eq!(
        signed.headers[0],
        (b"X-Amz-Date".to_vec(), b"20150830T123600Z".to_vec())
    );
}

#[test]
fn only_whole_requests_are_signed() {
    assert_eq!(signature_type(0).unwrap(), SignatureType::Headers);
    assert_eq!(signature_type(1).unwrap(), SignatureType::QueryParams);
    for raw in [2, 3, 4, 5, 6, 7, -1] {
        assert_eq!(
            signature_type(raw).unwrap_err().code(),
            AWS_AUTH_SIGNING_UNSUPPORTED_SIGNATURE_TYPE as i32
        );
    }
}

#[test]
fn the_signed_query_goes_after_the_requests_own() {
    let extra = vec![(b"A".to_vec(), b"1".to_vec())];
    assert_eq!(
        path_with_params(b"/p?x=1&&y", &extra).unwrap(),
        b"/p?x=1&y=&A=1"
    );
    assert_eq!(path_with_params(b"/p", &[]).unwrap(), b"/p");
}
