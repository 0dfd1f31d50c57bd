//! Every v4 case of the AWS SigV4 test suite (`tests/data/sigv4/v4`, from aws-c-auth v0.10.5's
//! tests; see its README), signed into headers and into the query string: the canonical
//! request, the string to sign, the signature and the signed request must match byte for byte.
//! The walk fails on any case that differs, and if the suite went missing.

use aws_c_mqtt::auth::sigv4::{self, Config, Credentials, Request, SignatureType};
use aws_c_mqtt::auth::time;
use std::fs;
use std::path::Path;

/// The empty payload's SHA-256: what the suite signs when `sign_body` is false.
const EMPTY_SHA256: &[u8] = b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A request as the suite writes it: `METHOD URI HTTP/1.1`, `Name:value` lines (a line that
/// starts with white space continues the previous value), a blank line, the body.
struct Parsed {
    method: Vec<u8>,
    uri: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    body: Vec<u8>,
}

fn parse_request(text: &[u8]) -> Parsed {
    let mut lines = text.split(|&b| b == b'\n');
    let first = lines.next().unwrap();
    let space = first.iter().position(|&b| b == b' ').unwrap();
    let method = first[..space].to_vec();
    let uri = first[space + 1..first.len() - b" HTTP/1.1".len()].to_vec();
    let mut headers: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    let mut body = Vec::new();
    let mut in_body = false;
    for line in lines {
        if in_body {
            if !body.is_empty() {
                body.push(b'\n');
            }
            body.extend_from_slice(line);
        } else if line.is_empty() {
            in_body = true;
        } else if line[0].is_ascii_whitespace() {
            let last = headers.last_mut().unwrap();
            last.1.push(b'\n');
            last.1.extend_from_slice(line);
        } else {
            let colon = line.iter().position(|&b| b == b':').unwrap();
            headers.push((line[..colon].to_vec(), line[colon + 1..].to_vec()));
        }
    }
    Parsed {
        method,
        uri,
        headers,
        body,
    }
}

/// The signed request written back as the suite writes it.
fn write_request(
    method: &[u8],
    uri: &[u8],
    headers: &[(Vec<u8>, Vec<u8>)],
    body: &[u8],
) -> Vec<u8> {
    let mut out = [method, b" ", uri, b" HTTP/1.1\n"].concat();
    for (n, v) in headers {
        out.extend_from_slice(&[n.as_slice(), b":", v, b"\n"].concat());
    }
    out.push(b'\n');
    out.extend_from_slice(body);
    out
}

/// Signs one case one way; the differences from the expected files, if any.
fn check(dir: &Path, signature_type: SignatureType) -> Vec<String> {
    let prefix = match signature_type {
        SignatureType::Headers => "header",
        SignatureType::QueryParams => "query",
    };
    let read =
        |name: &str| fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{dir:?}/{name}: {e}"));
    let context: serde_json::Value = serde_json::from_slice(&read("context.json")).unwrap();
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").as_bytes().to_vec();
    let flag = |k: &str| context[k].as_bool().unwrap_or(false);
    let credentials = Credentials {
        access_key_id: text(&context["credentials"]["access_key_id"]),
        secret_access_key: text(&context["credentials"]["secret_access_key"]),
        session_token: text(&context["credentials"]["token"]),
    };
    let region = text(&context["region"]);
    let service = text(&context["service"]);
    let all = |_: &[u8]| true;
    let config = Config {
        signature_type,
        region: &region,
        service: &service,
        timestamp: time::parse_iso8601(context["timestamp"].as_str().unwrap().as_bytes()).unwrap(),
        use_double_uri_encode: true,
        should_normalize_uri_path: flag("normalize"),
        omit_session_token: flag("omit_session_token"),
        signed_body_value: if flag("sign_body") { b"" } else { EMPTY_SHA256 },
        signed_body_header: flag("sign_body"),
        expiration_in_seconds: context["expiration_in_seconds"].as_u64().unwrap_or(0),
        should_sign_header: &all,
    };
    let parsed = parse_request(&read("request.txt"));
    let request = Request {
        method: &parsed.method,
        uri: &parsed.uri,
        headers: parsed
            .headers
            .iter()
            .map(|(n, v)| (n.as_slice(), v.as_slice()))
            .collect(),
        payload: &parsed.body,
    };
    let signed = sigv4::sign(&config, &request, &credentials).unwrap();
    let uri = sigv4::path_with_params(&parsed.uri, &signed.query_params).unwrap();
    let mut headers = parsed.headers.clone();
    headers.extend(signed.headers.iter().cloned());
    let got = [
        ("canonical-request", signed.canonical_request.clone()),
        ("string-to-sign", signed.string_to_sign.clone()),
        ("signature", signed.signature.clone()),
        (
            "signed-request",
            write_request(&parsed.method, &uri, &headers, &parsed.body),
        ),
    ];
    let mut failures = Vec::new();
    for (what, bytes) in got {
        let name = format!("{prefix}-{what}.txt");
        let expected = read(&name);
        if expected != bytes {
            failures.push(format!(
                "{}/{name}:\n--- expected\n{}\n--- got\n{}",
                dir.display(),
                String::from_utf8_lossy(&expected),
                String::from_utf8_lossy(&bytes)
            ));
        }
    }
    failures
}

#[test]
fn every_v4_case_signs_byte_for_byte_into_headers_and_query() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sigv4/v4");
    let mut cases: Vec<_> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 38, "the v4 suite has 38 cases");
    let mut failures = Vec::new();
    for case in &cases {
        failures.extend(check(case, SignatureType::Headers));
        failures.extend(check(case, SignatureType::QueryParams));
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
