//! `--ws-sigv4 ACCESS_KEY:SECRET:REGION[:TOKEN]` (with `--ws-forward`): the WebSocket bridge
//! checks each upgrade request's SigV4 presigned query as AWS IoT does for
//! `iotdevicegateway`: the algorithm, the credential scope (access key, date, region, service),
//! the signature recomputed from the known secret over the request as it was before signing
//! (the signed headers the query names), and, with a token, `X-Amz-Security-Token` present but
//! outside the signature (the SDKs sign with `omit_session_token`: a signature over the token
//! does not match). A request that fails is answered 403.

use aws_c_mqtt::auth::sigv4::{self, Config, Credentials, Request, SignatureType};
use aws_c_mqtt::auth::time::parse_iso8601;
use aws_c_mqtt::transport::percent;

/// What the bridge checks requests against.
#[derive(Clone, Debug)]
pub struct SigV4Check {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub region: String,
    pub session_token: Option<String>,
}

impl SigV4Check {
    /// `ACCESS_KEY:SECRET:REGION[:TOKEN]` (the token may hold colons of its own).
    pub fn parse(text: &str) -> Result<SigV4Check, String> {
        let parts: Vec<&str> = text.splitn(4, ':').collect();
        match parts[..] {
            [key, secret, region] | [key, secret, region, _] => Ok(SigV4Check {
                access_key_id: key.into(),
                secret_access_key: secret.into(),
                region: region.into(),
                session_token: parts.get(3).map(|t| t.to_string()),
            }),
            _ => Err(format!(
                "--ws-sigv4 {text}: expected ACCESS_KEY:SECRET:REGION[:TOKEN]"
            )),
        }
    }

    /// Checks an upgrade request's head: `Ok` with what was checked, or why it fails.
    pub fn check(&self, head: &str) -> Result<String, String> {
        let mut lines = head.split("\r\n");
        let request_line = lines.next().ok_or("no request line")?;
        let mut parts = request_line.split(' ');
        let (method, uri) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let headers: Vec<(&str, &str)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim(), v.trim()))
            .collect();
        let (path, query) = uri.split_once('?').ok_or("no query: not presigned")?;
        let params: Vec<(&str, &str)> =
            query.split('&').filter_map(|p| p.split_once('=')).collect();
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| decoded(v))
                .ok_or(format!("{name} missing"))
        };
        if get("X-Amz-Algorithm")? != "AWS4-HMAC-SHA256" {
            return Err("X-Amz-Algorithm is not AWS4-HMAC-SHA256".into());
        }
        let date = get("X-Amz-Date")?;
        let credential = get("X-Amz-Credential")?;
        let scope = format!(
            "{}/{}/{}/iotdevicegateway/aws4_request",
            self.access_key_id,
            date.get(..8).unwrap_or(""),
            self.region
        );
        if credential != scope {
            return Err(format!("X-Amz-Credential {credential}, expected {scope}"));
        }
        let token = params
            .iter()
            .position(|(k, _)| *k == "X-Amz-Security-Token");
        match (&self.session_token, token) {
            (Some(expected), Some(_)) if get("X-Amz-Security-Token")? != *expected => {
                return Err("X-Amz-Security-Token is not the session token".into());
            }
            (Some(_), None) => return Err("X-Amz-Security-Token missing".into()),
            (None, Some(_)) => return Err("an X-Amz-Security-Token without a session token".into()),
            _ => {}
        }
        let signed_headers = get("X-Amz-SignedHeaders")?;
        let signed: Vec<String> = signed_headers.split(';').map(str::to_owned).collect();
        let expires: u64 = match get("X-Amz-Expires") {
            Ok(v) => v.parse().map_err(|_| "X-Amz-Expires is not a number")?,
            Err(_) => 0,
        };
        let iso = format!(
            "{}-{}-{}T{}:{}:{}Z",
            date.get(0..4).unwrap_or(""),
            date.get(4..6).unwrap_or(""),
            date.get(6..8).unwrap_or(""),
            date.get(9..11).unwrap_or(""),
            date.get(11..13).unwrap_or(""),
            date.get(13..15).unwrap_or("")
        );
        let timestamp = parse_iso8601(iso.as_bytes()).ok_or("X-Amz-Date does not parse")?;
        // The request as it was before signing: its own parameters, without what signing added.
        let own: Vec<String> = params
            .iter()
            .filter(|(k, _)| !k.starts_with("X-Amz-"))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let unsigned_uri = if own.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", own.join("&"))
        };
        let is_signed = |name: &[u8]| {
            signed
                .iter()
                .any(|s| s.as_bytes().eq_ignore_ascii_case(name))
        };
        let config = Config {
            signature_type: SignatureType::QueryParams,
            region: self.region.as_bytes(),
            service: b"iotdevicegateway",
            timestamp,
            use_double_uri_encode: true,
            should_normalize_uri_path: true,
            omit_session_token: true,
            signed_body_value: b"",
            signed_body_header: false,
            expiration_in_seconds: expires,
            should_sign_header: &is_signed,
        };
        let request = Request {
            method: method.as_bytes(),
            uri: unsigned_uri.as_bytes(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.as_bytes(), v.as_bytes()))
                .collect(),
            payload: b"",
        };
        let credentials = Credentials {
            access_key_id: self.access_key_id.clone().into_bytes(),
            secret_access_key: self.secret_access_key.clone().into_bytes(),
            session_token: self.session_token.clone().unwrap_or_default().into_bytes(),
        };
        let expected = sigv4::sign(&config, &request, &credentials)
            .map_err(|e| format!("recomputing the signature failed: {e:?}"))?;
        let got = get("X-Amz-Signature")?;
        if got.as_bytes() != expected.signature.as_slice() {
            return Err(format!(
                "X-Amz-Signature {got} does not match {}",
                String::from_utf8_lossy(&expected.signature)
            ));
        }
        Ok(format!("signed {signed_headers}, scope {scope}"))
    }
}

/// A query value percent-decoded (undecodable: as it came).
fn decoded(value: &str) -> String {
    percent::decode(value.as_bytes())
        .ok()
        .and_then(|v| String::from_utf8(v).ok())
        .unwrap_or_else(|| value.to_string())
}
