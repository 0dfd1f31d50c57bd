//! The login cache, the refresh answer and the DPoP proof, pinned to what upstream's
//! `login_token_utils.c` reads and writes: every field required, the expiry checked, the file
//! named by the session's SHA-256, the proof a verifiable ES256 JWT with upstream's members.

use super::*;
use openssl::ec::{EcGroup, EcKey};
use openssl::nid::Nid;

const SESSION: &[u8] = b"arn:aws:sts::123456789012:assumed-role/Admin/someone";

fn cache_text(expires_at: &str) -> String {
    format!(
        r#"{{"accessToken":{{"accessKeyId":"AKID","secretAccessKey":"SECRET","sessionToken":"TOKEN","accountId":"123456789012","expiresAt":"{expires_at}"}},"tokenType":"urn:aws:params:oauth:token-type:access_token_sigv4","clientId":"arn:aws:signin:::devtools/same-device","refreshToken":"REFRESH-1","idToken":"ID","dpopKey":"KEY"}}"#
    )
}

fn code<T: std::fmt::Debug>(r: Result<T>) -> i32 {
    r.unwrap_err().code()
}

#[test]
fn cache_files_are_named_by_the_hex_sha256_of_the_session() {
    assert_eq!(
        file_name(b"abc"),
        b"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.json"
    );
    let name = String::from_utf8(file_name(SESSION)).unwrap();
    assert_eq!(
        cache_path(None, b"/home/u", SESSION),
        format!("/home/u/.aws/login/cache/{name}").into_bytes()
    );
    assert_eq!(
        cache_path(Some(b"/tmp/c/"), b"/home/u", SESSION),
        format!("/tmp/c/{name}").into_bytes()
    );
    // A directory without its final slash is still a directory.
    assert_eq!(
        cache_path(Some(b"/tmp/c"), b"/home/u", SESSION),
        format!("/tmp/c/{name}").into_bytes()
    );
}

#[test]
fn a_cache_file_gives_every_field() {
    let t = LoginToken::parse(cache_text("2099-01-02T03:04:05Z").as_bytes(), 0).unwrap();
    assert_eq!(t.keys.access_key_id, b"AKID");
    assert_eq!(t.keys.secret_access_key, b"SECRET");
    assert_eq!(t.keys.session_token, b"TOKEN");
    assert_eq!(t.account_id, "123456789012");
    assert_eq!(t.expires_at, 4_071_006_245);
    assert_eq!(t.refresh_token, "REFRESH-1");
    assert_eq!(t.client_id, "arn:aws:signin:::devtools/same-device");
    assert_eq!(t.id_token, "ID");
    assert_eq!(t.dpop_key, "KEY");
}

#[test]
fn a_cache_missing_any_field_or_no_json_cannot_make_a_token() {
    let good = cache_text("2099-01-02T03:04:05Z");
    let failed = AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_TOKEN as i32;
    for field in [
        "accessKeyId",
        "secretAccessKey",
        "sessionToken",
        "accountId",
        "expiresAt",
        "tokenType",
        "clientId",
        "refreshToken",
        "idToken",
        "dpopKey",
    ] {
        let broken = good.replace(&format!("\"{field}\""), "\"other\"");
        assert_eq!(
            code(LoginToken::parse(broken.as_bytes(), 0)),
            failed,
            "{field}"
        );
    }
    // Upstream's own empty-token case: accessToken is a string, not an object.
    let empty = good.replace(
        &good[good.find("{\"accessKeyId").unwrap()..=good.find("Z\"}").unwrap() + 2],
        "\"\"",
    );
    assert!(empty.contains(r#""accessToken":"""#));
    for bad in [empty.as_str(), "", "[]", "{", r#"{"accessToken":{}}"#] {
        assert_eq!(code(LoginToken::parse(bad.as_bytes(), 0)), failed, "{bad}");
    }
    let bad_date = cache_text("yesterday");
    assert_eq!(code(LoginToken::parse(bad_date.as_bytes(), 0)), failed);
    let number_key = good.replace(r#""AKID""#, "7");
    assert_eq!(code(LoginToken::parse(number_key.as_bytes(), 0)), failed);
}

#[test]
fn an_expired_cache_is_refused_and_its_last_second_is_not() {
    let text = cache_text("2000-09-13T00:00:00Z");
    let at = time::parse_iso8601(b"2000-09-13T00:00:00Z").unwrap();
    assert_eq!(
        code(LoginToken::parse(text.as_bytes(), at + 1)),
        AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_TOKEN_EXPIRED as i32
    );
    assert!(LoginToken::parse(text.as_bytes(), at).is_ok());
}

#[test]
fn the_request_body_presents_the_client_and_refresh_token() {
    let t = LoginToken::parse(cache_text("2099-01-02T03:04:05Z").as_bytes(), 0).unwrap();
    assert_eq!(
        String::from_utf8(t.request_body()).unwrap(),
        r#"{"clientId":"arn:aws:signin:::devtools/same-device","refreshToken":"REFRESH-1","grantType":"refresh_token"}"#
    );
}

#[test]
fn a_refresh_answer_gives_keys_expiry_and_the_next_refresh_token() {
    let answer = br#"{"accessToken":{"accessKeyId":"NEW","secretAccessKey":"S2","sessionToken":"T2"},"tokenType":"urn:aws:params:oauth:token-type:access_token_sigv4","expiresIn":900,"refreshToken":"REFRESH-2"}"#;
    let r = Refreshed::parse(answer, 1_000).unwrap();
    assert_eq!(r.keys.access_key_id, b"NEW");
    assert_eq!(r.keys.secret_access_key, b"S2");
    assert_eq!(r.keys.session_token, b"T2");
    assert_eq!(r.expires_at, 1_900);
    assert_eq!(r.refresh_token, "REFRESH-2");

    let mut t = LoginToken::parse(cache_text("2099-01-02T03:04:05Z").as_bytes(), 0).unwrap();
    t.refresh(r);
    assert_eq!(t.keys.access_key_id, b"NEW");
    assert_eq!(
        (t.expires_at, t.refresh_token.as_str()),
        (1_900, "REFRESH-2")
    );
    assert_eq!(t.account_id, "123456789012");
}

#[test]
fn a_refresh_answer_missing_a_field_is_refused() {
    let failed = AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_REFRESH_TOKEN as i32;
    for bad in [
        &br#"{ "third": "impact" }"#[..],
        b"not json",
        br#"{"accessToken":{"accessKeyId":"N","secretAccessKey":"S","sessionToken":"T"},"expiresIn":"900","refreshToken":"R"}"#,
        br#"{"accessToken":{"accessKeyId":"N","secretAccessKey":"S","sessionToken":"T"},"expiresIn":900}"#,
        br#"{"accessToken":{"accessKeyId":"N","sessionToken":"T"},"expiresIn":900,"refreshToken":"R"}"#,
    ] {
        assert_eq!(code(Refreshed::parse(bad, 0)), failed);
    }
}

#[test]
fn the_document_written_back_reads_back_and_keeps_upstreams_order() {
    let t = LoginToken::parse(cache_text("2099-01-02T03:04:05Z").as_bytes(), 0).unwrap();
    let doc = t.document();
    let keys: Vec<_> = doc.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "accessToken",
            "tokenType",
            "refreshToken",
            "idToken",
            "clientId",
            "dpopKey"
        ]
    );
    let inner: Vec<_> = doc["accessToken"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        inner,
        [
            "accessKeyId",
            "secretAccessKey",
            "sessionToken",
            "accountId",
            "expiresAt"
        ]
    );
    assert_eq!(doc["accessToken"]["expiresAt"], "2099-01-02T03:04:05Z");
    assert_eq!(LoginToken::parse(doc.to_string().as_bytes(), 0).unwrap(), t);
}

/// Decodes unpadded URL-safe base64.
pub(crate) fn unbase64url(text: &str) -> Vec<u8> {
    let mut standard = text.replace('-', "+").replace('_', "/");
    while standard.len() % 4 != 0 {
        standard.push('=');
    }
    openssl::base64::decode_block(&standard).unwrap()
}

/// A new P-256 key.
pub(crate) fn p256() -> EcKey<openssl::pkey::Private> {
    EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap()
}

/// The key's public point, uncompressed, as libcrypto computes it.
pub(crate) fn public_point(ec: &EcKey<openssl::pkey::Private>) -> Vec<u8> {
    let mut ctx = openssl::bn::BigNumContext::new().unwrap();
    let form = openssl::ec::PointConversionForm::UNCOMPRESSED;
    ec.public_key()
        .to_bytes(ec.group(), form, &mut ctx)
        .unwrap()
}

/// Checks that `proof` is a JWT whose signature (ES256, r || s) `point` verifies, and returns
/// its header and payload as text.
pub(crate) fn verify_proof(proof: &str, point: &[u8]) -> (String, String) {
    let parts: Vec<&str> = proof.split('.').collect();
    assert_eq!(parts.len(), 3, "{proof}");
    assert!(!proof.contains('='), "unpadded");
    let signature = unbase64url(parts[2]);
    assert_eq!(signature.len(), 64, "r || s, not DER");
    let verifier =
        ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, point);
    let message = format!("{}.{}", parts[0], parts[1]);
    assert!(verifier.verify(message.as_bytes(), &signature).is_ok());
    assert!(verifier.verify(b"something else", &signature).is_err());
    let text = |part: &str| String::from_utf8(unbase64url(part)).unwrap();
    (text(parts[0]), text(parts[1]))
}

#[test]
fn a_dpop_proof_is_an_es256_jwt_the_public_key_verifies() {
    let ec = p256();
    let key = DpopKey::from_sec1_der(&ec.private_key_to_der().unwrap()).unwrap();
    // The JWK is the key's own public point.
    let point = key.public_key();
    assert_eq!(point, &public_point(&ec)[..]);
    let htu = "https://us-east-1.signin.aws.amazon.com/v1/token";
    let proof = key
        .proof(htu, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", 1_700_000_000)
        .unwrap();
    let (header, payload) = verify_proof(&proof, point);
    assert_eq!(
        header,
        format!(
            r#"{{"jwk":{{"kty":"EC","x":"{}","y":"{}","crv":"P-256"}},"typ":"dpop+jwt","alg":"ES256"}}"#,
            base64url(&point[1..33]),
            base64url(&point[33..65])
        )
    );
    assert_eq!(
        payload,
        format!(
            r#"{{"jti":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","htm":"POST","htu":"{htu}","iat":1700000000}}"#
        )
    );
}

#[test]
fn a_key_without_its_public_point_still_signs() {
    let ec = p256();
    let d = ec.private_key().to_vec_padded(32).unwrap();
    // ECPrivateKey { version 1, privateKey, [0] prime256v1 } with no [1] publicKey.
    let mut der = vec![0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20];
    der.extend_from_slice(&d);
    der.extend_from_slice(&[
        0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
    ]);
    let key = DpopKey::from_sec1_der(&der).unwrap();
    assert_eq!(key.public_key(), &public_point(&ec)[..]);
    let proof = key.proof("https://h/v1/token", "j", 1).unwrap();
    verify_proof(&proof, &public_point(&ec));
}

#[test]
fn keys_on_other_curves_and_garbage_are_refused() {
    let p384 = EcKey::generate(&EcGroup::from_curve_name(Nid::SECP384R1).unwrap()).unwrap();
    assert!(DpopKey::from_sec1_der(&p384.private_key_to_der().unwrap()).is_none());
    assert!(DpopKey::from_sec1_der(b"Gendo").is_none());
    assert!(DpopKey::from_sec1_der(b"").is_none());
}

#[test]
fn proof_ids_are_fresh_uuids() {
    let (a, b) = (new_jti().unwrap(), new_jti().unwrap());
    assert_ne!(a, b);
    assert_eq!(a.len(), 36);
    let dashes: Vec<usize> = a.match_indices('-').map(|(i, _)| i).collect();
    assert_eq!(dashes, [8, 13, 18, 23]);
    assert!(
        a.bytes()
            .all(|c| c == b'-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
}
