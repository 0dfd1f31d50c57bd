//! The login provider against a local HTTPS sign-in service named by the profile's
//! `endpoint_url`, its cache in a temporary directory (upstream's
//! credentials_provider_login_tests.c, case by case, with a real server instead of a mocked
//! HTTP layer): the refresh request and its DPoP proof, the credentials and the cache written
//! back, the rotated refresh token used next, retries, and each failure's code.

use crate::auth::login_token::tests::{p256, public_point, verify_proof};
use crate::auth::login_token::{TOKEN_PATH, file_name};
use crate::error::aws_auth_errors::*;
use crate::error::aws_common_error::{AWS_ERROR_FILE_INVALID_PATH, AWS_ERROR_INVALID_ARGUMENT};
use crate::error::aws_io_errors::{AWS_IO_MAX_RETRIES_EXCEEDED, AWS_IO_SOCKET_CONNECTION_REFUSED};
use crate::ffi::auth::credentials::*;
use crate::ffi::auth::credentials_provider::*;
use crate::ffi::auth::provider_options::*;
use crate::ffi::auth::provider_test_support::{Setup, ask, cur, response, serve_tls};
use crate::ffi::auth::providers_login::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::common::string::{aws_string_destroy, aws_string_new_from_array};
use crate::ffi::sdkutils::aws_profile::*;
use openssl::ec::EcKey;
use std::ffi::{c_int, c_void};
use std::path::PathBuf;
use std::ptr::{null, null_mut};
use std::sync::mpsc;
use std::time::Duration;

const SESSION: &str = "arn:aws:sts::123456789012:assumed-role/Admin/someone";
const ANSWER: &str = r#"{"accessToken":{"accessKeyId":"NEWKEY","secretAccessKey":"NEWSECRET","sessionToken":"NEWTOKEN"},"tokenType":"urn:aws:params:oauth:token-type:access_token_sigv4","expiresIn":900,"refreshToken":"REFRESH-2"}"#;

/// A test's directory, its cache directory and its session's key.
struct Login {
    s: Setup,
    key: EcKey<openssl::pkey::Private>,
}

impl Login {
    fn new(name: &str) -> Login {
        let s = Setup::new(&format!("login-{name}"));
        std::fs::create_dir_all(s.dir.join("cache")).unwrap();
        Login { s, key: p256() }
    }

    fn cache_file(&self) -> PathBuf {
        let name = String::from_utf8(file_name(SESSION.as_bytes())).unwrap();
        self.s.dir.join("cache").join(name)
    }

    /// Writes the session's cache, its keys expiring at `expires_at`, its key `pem` (the
    /// session's own when None).
    fn write_cache(&self, expires_at: &str, pem: Option<&str>) {
        let own = String::from_utf8(self.key.private_key_to_pem().unwrap()).unwrap();
        let doc = serde_json::json!({
            "accessToken": {
                "accessKeyId": "OLDKEY",
                "secretAccessKey": "OLDSECRET",
                "sessionToken": "OLDTOKEN",
                "accountId": "123456789012",
                "expiresAt": expires_at,
            },
            "tokenType": "urn:aws:params:oauth:token-type:access_token_sigv4",
            "clientId": "arn:aws:signin:::devtools/same-device",
            "refreshToken": "REFRESH-1",
            "idToken": "ID",
            "dpopKey": pem.unwrap_or(&own),
        });
        std::fs::write(self.cache_file(), doc.to_string()).unwrap();
    }

    /// The provider for `profile` of a config naming the service at `localhost:port`; NULL
    /// (and the error) when refused.
    fn provider(&self, port: u16, profile: &str) -> Result<*mut aws_credentials_provider, c_int> {
        self.provider_with(port, profile, |_| {})
    }

    /// [`Login::provider`] with options `tweak` changed.
    fn provider_with(
        &self,
        port: u16,
        profile: &str,
        tweak: impl FnOnce(&mut aws_credentials_provider_login_options),
    ) -> Result<*mut aws_credentials_provider, c_int> {
        let config = self.s.dir.join("config");
        std::fs::write(
            &config,
            format!(
                "[profile login]\nlogin_session = {SESSION}\nregion = us-east-1\nendpoint_url = https://localhost:{port}\n\
                 [profile no-session]\nregion = us-east-1\n\
                 [profile no-region]\nlogin_session = {SESSION}\n\
                 [profile bare]\nendpoint_url = https://localhost:{port}\n"
            ),
        )
        .unwrap();
        let leak = |s: &str| cur(Box::leak(s.to_string().into_boxed_str()));
        let directory = format!("{}/cache", self.s.dir.display());
        unsafe {
            let path = config.as_os_str().as_encoded_bytes();
            let p = aws_string_new_from_array(aws_default_allocator(), path.as_ptr(), path.len());
            let collection = aws_profile_collection_new_from_file(aws_default_allocator(), p, 1);
            aws_string_destroy(p);
            let mut o = aws_credentials_provider_login_options {
                shutdown_options: aws_credentials_provider_shutdown_options {
                    shutdown_callback: None,
                    shutdown_user_data: null_mut(),
                },
                login_session: cur(""),
                login_region: cur(""),
                login_cache_directory_override: leak(&directory),
                profile_name_override: leak(profile),
                config_file_name_override: cur(""),
                config_file_cached: collection,
                bootstrap: self.s.bootstrap.0,
                tls_ctx: self.s.device.connection.ctx,
                proxy_ev_settings: null(),
                function_table: null_mut(),
                system_clock_fn: None,
            };
            tweak(&mut o);
            let made = aws_credentials_provider_new_login(aws_default_allocator(), &o);
            let error = aws_last_error();
            aws_profile_collection_release(collection);
            if made.is_null() { Err(error) } else { Ok(made) }
        }
    }
}

impl Drop for Login {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.s.dir);
    }
}

/// Options naming the session and the region themselves.
fn named(o: &mut aws_credentials_provider_login_options) {
    o.login_session = cur(SESSION);
    o.login_region = cur("eu-west-1");
}

/// Everything a successful answer carried, and the thread it came on.
#[derive(Debug)]
struct Full {
    keys: [String; 4],
    expiration: u64,
    thread: std::thread::ThreadId,
}

unsafe extern "C" fn report_full(
    credentials: *mut aws_credentials,
    error_code: c_int,
    user_data: *mut c_void,
) {
    let sender = unsafe { Box::from_raw(user_data.cast::<mpsc::Sender<Result<Full, c_int>>>()) };
    let text = |c: crate::ffi::common::byte_buf::aws_byte_cursor| {
        String::from_utf8(unsafe { c.as_bytes() }.unwrap().to_vec()).unwrap()
    };
    let outcome = if credentials.is_null() {
        Err(error_code)
    } else {
        unsafe {
            Ok(Full {
                keys: [
                    text(aws_credentials_get_access_key_id(credentials)),
                    text(aws_credentials_get_secret_access_key(credentials)),
                    text(aws_credentials_get_session_token(credentials)),
                    text(aws_credentials_get_account_id(credentials)),
                ],
                expiration: aws_credentials_get_expiration_timepoint_seconds(credentials),
                thread: std::thread::current().id(),
            })
        }
    };
    sender.send(outcome).unwrap();
}

fn ask_full(p: *mut aws_credentials_provider) -> Result<Full, c_int> {
    let (tx, rx) = mpsc::channel();
    let data = Box::into_raw(Box::new(tx));
    let rc = unsafe { aws_credentials_provider_get_credentials(p, Some(report_full), data.cast()) };
    assert_eq!(rc, 0);
    rx.recv_timeout(Duration::from_secs(20)).expect("an answer")
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A header's value in a request's head.
fn header<'a>(request: &'a str, name: &str) -> Option<&'a str> {
    let head = &request[..request.find("\r\n\r\n")?];
    head.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(": "))
}

/// Checks a request's DPoP proof against `key` and returns its payload.
fn verified_proof(request: &str, key: &EcKey<openssl::pkey::Private>) -> serde_json::Value {
    let proof = header(request, "DPoP").expect("a DPoP header");
    let (head, payload) = verify_proof(proof, &public_point(key));
    let head: serde_json::Value = serde_json::from_str(&head).unwrap();
    assert_eq!(head["typ"], "dpop+jwt");
    assert_eq!(head["jwk"]["crv"], "P-256");
    serde_json::from_str(&payload).unwrap()
}

#[test]
fn a_refresh_posts_the_token_with_a_proof_and_writes_the_cache_back() {
    let l = Login::new("refresh");
    l.write_cache("2999-09-13T00:00:00Z", None);
    let (port, server) = serve_tls(
        &l.s.server,
        vec![response("200 OK", ANSWER), response("200 OK", ANSWER)],
    );
    let p = l.provider(port, "login").unwrap();
    let before = now();
    let got = ask_full(p).unwrap();
    assert_eq!(
        got.keys,
        ["NEWKEY", "NEWSECRET", "NEWTOKEN", "123456789012"]
    );
    assert!((before + 900..=now() + 900).contains(&got.expiration));
    assert_ne!(got.thread, std::thread::current().id());

    // The cache now holds the new keys and the rotated refresh token, in cJSON's layout.
    let cached = std::fs::read_to_string(l.cache_file()).unwrap();
    assert!(
        cached.starts_with("{\n\t\"accessToken\":\t{\n\t\t\"accessKeyId\":\t\"NEWKEY\",\n"),
        "{cached}"
    );
    let doc: serde_json::Value = serde_json::from_str(&cached).unwrap();
    assert_eq!(doc["refreshToken"], "REFRESH-2");
    assert_eq!(doc["accessToken"]["sessionToken"], "NEWTOKEN");
    assert_eq!(doc["idToken"], "ID");

    // The next request presents the new refresh token.
    assert_eq!(ask(p), Ok("NEWKEY".to_string()));
    unsafe { aws_credentials_provider_release(p) };
    let requests = server.join().unwrap().unwrap();
    let first = &requests[0];
    assert!(first.starts_with("POST /v1/token HTTP/1.1\r\n"), "{first}");
    assert_eq!(header(first, "Host"), Some("localhost"));
    assert_eq!(header(first, "Content-Type"), Some("application/json"));
    assert!(first.ends_with(
        "\r\n\r\n{\"clientId\":\"arn:aws:signin:::devtools/same-device\",\"refreshToken\":\"REFRESH-1\",\"grantType\":\"refresh_token\"}"
    ));
    let payload = verified_proof(first, &l.key);
    assert_eq!(payload["htm"], "POST");
    assert_eq!(
        payload["htu"],
        format!("https://localhost:{port}{TOKEN_PATH}")
    );
    let iat = payload["iat"].as_u64().unwrap();
    assert!((before..=now()).contains(&iat));
    assert!(requests[1].contains("\"refreshToken\":\"REFRESH-2\""));
    // Each proof is new.
    assert_ne!(payload["jti"], verified_proof(&requests[1], &l.key)["jti"]);
}

#[test]
fn a_missing_malformed_expired_or_keyless_cache_fails_without_a_request() {
    let l = Login::new("cache");
    let p = l.provider(1, "login").unwrap();
    assert_eq!(ask(p), Err(AWS_ERROR_FILE_INVALID_PATH as c_int));

    std::fs::write(l.cache_file(), "{\"accessToken\": \"\"}").unwrap();
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_TOKEN as c_int)
    );
    l.write_cache("2000-09-13T00:00:00Z", None);
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_TOKEN_EXPIRED as c_int)
    );
    for bad in [
        "-----BEGIN EC PRIVATE KEY-----\nGendo\n-----END EC PRIVATE KEY-----\n",
        "not pem",
        // Two objects, and a key of the wrong type.
        &format!(
            "{0}{0}",
            String::from_utf8(l.key.private_key_to_pem().unwrap()).unwrap()
        ),
        &String::from_utf8(
            openssl::pkey::PKey::from_ec_key(l.key.clone())
                .unwrap()
                .private_key_to_pem_pkcs8()
                .unwrap(),
        )
        .unwrap(),
    ] {
        l.write_cache("2999-09-13T00:00:00Z", Some(bad));
        assert_eq!(
            ask(p),
            Err(AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_DPOP_HEADER as c_int),
            "{bad}"
        );
    }
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn the_completion_never_runs_on_the_callers_thread() {
    let l = Login::new("thread");
    let p = l.provider(1, "login").unwrap();
    let (tx, rx) = mpsc::channel::<std::thread::ThreadId>();
    let data = Box::into_raw(Box::new(tx));
    unsafe { aws_credentials_provider_get_credentials(p, Some(report_thread), data.cast()) };
    let thread = rx.recv_timeout(Duration::from_secs(20)).unwrap();
    assert_ne!(thread, std::thread::current().id());
    unsafe { aws_credentials_provider_release(p) };
}

unsafe extern "C" fn report_thread(_: *mut aws_credentials, _: c_int, user_data: *mut c_void) {
    let sender = unsafe { Box::from_raw(user_data.cast::<mpsc::Sender<std::thread::ThreadId>>()) };
    sender.send(std::thread::current().id()).unwrap();
}

#[test]
fn client_errors_fail_at_once_and_server_errors_are_tried_four_times() {
    let l = Login::new("status");
    l.write_cache("2999-09-13T00:00:00Z", None);
    let (port, server) = serve_tls(&l.s.server, vec![response("400 Bad Request", "{}")]);
    let p = l.provider(port, "login").unwrap();
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE as c_int)
    );
    assert_eq!(server.join().unwrap().unwrap().len(), 1);
    unsafe { aws_credentials_provider_release(p) };

    let failing = vec![response("500 Internal Server Error", "{}"); 4];
    let (port, server) = serve_tls(&l.s.server, failing);
    let p = l.provider(port, "login").unwrap();
    assert_eq!(ask(p), Err(AWS_IO_MAX_RETRIES_EXCEEDED as c_int));
    assert_eq!(server.join().unwrap().unwrap().len(), 4);
    unsafe { aws_credentials_provider_release(p) };

    let mut answers = vec![response("500 Internal Server Error", "{}"); 2];
    answers.push(response("200 OK", ANSWER));
    let (port, server) = serve_tls(&l.s.server, answers);
    let p = l.provider(port, "login").unwrap();
    assert_eq!(ask(p), Ok("NEWKEY".to_string()));
    let requests = server.join().unwrap().unwrap();
    // Every try carries a proof of its own, all for the same refresh token.
    let ids: std::collections::BTreeSet<String> = requests
        .iter()
        .map(|r| {
            verified_proof(r, &l.key)["jti"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(requests.iter().all(|r| r.contains("REFRESH-1")));
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn an_unreadable_answer_or_an_unreachable_service_fails_with_upstreams_codes() {
    let l = Login::new("answer");
    l.write_cache("2999-09-13T00:00:00Z", None);
    let (port, server) = serve_tls(
        &l.s.server,
        vec![response("200 OK", r#"{ "third": "impact" }"#)],
    );
    let p = l.provider(port, "login").unwrap();
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_FAILED_TO_CREATE_REFRESH_TOKEN as c_int)
    );
    server.join().unwrap().unwrap();
    // The cache is left as it was.
    let cached = std::fs::read_to_string(l.cache_file()).unwrap();
    assert!(cached.contains("REFRESH-1"));
    unsafe { aws_credentials_provider_release(p) };

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let p = l.provider(port, "login").unwrap();
    assert_eq!(ask(p), Err(AWS_IO_SOCKET_CONNECTION_REFUSED as c_int));
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn a_profile_without_session_or_region_is_refused_unless_the_options_give_them() {
    let l = Login::new("profile");
    let missing = Err(AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_SESSION_MISSING as c_int);
    assert_eq!(l.provider(1, "no-session"), missing);
    // Upstream reports a missing region as a missing session too.
    assert_eq!(l.provider(1, "no-region"), missing);
    assert_eq!(l.provider(1, "absent"), missing);
    let region_only = |o: &mut aws_credentials_provider_login_options| {
        o.login_region = cur("us-east-1");
    };
    assert_eq!(l.provider_with(1, "bare", region_only), missing);

    // The options name both: the profile need only exist.
    l.write_cache("2999-09-13T00:00:00Z", None);
    let (port, server) = serve_tls(&l.s.server, vec![response("200 OK", ANSWER)]);
    let p = l.provider_with(port, "bare", named).unwrap();
    assert_eq!(ask(p), Ok("NEWKEY".to_string()));
    server.join().unwrap().unwrap();
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn bad_options_are_invalid_arguments() {
    let l = Login::new("options");
    unsafe {
        assert!(aws_credentials_provider_new_login(aws_default_allocator(), null()).is_null());
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT as c_int);
    }
    // A provider needs a bootstrap and a TLS context (checked after the profile, as upstream).
    let invalid = Err(AWS_ERROR_INVALID_ARGUMENT as c_int);
    assert_eq!(
        l.provider_with(1, "login", |o| o.bootstrap = null_mut()),
        invalid
    );
    assert_eq!(
        l.provider_with(1, "login", |o| o.tls_ctx = null_mut()),
        invalid
    );
    assert_eq!(
        l.provider_with(1, "no-session", |o| o.tls_ctx = null_mut()),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_LOGIN_SESSION_MISSING as c_int)
    );
}

#[test]
fn the_service_is_the_regions_signin_host_unless_overridden() {
    let l = Login::new("endpoint");
    // No endpoint_url: the default host, which the provider only names (nothing is sent).
    let p = l.provider_with(1, "bare", named).unwrap();
    unsafe { aws_credentials_provider_release(p) };
    assert_eq!(
        signin_host(b"", b"eu-west-1").unwrap(),
        ("eu-west-1.signin.aws.amazon.com".to_string(), 443)
    );
    assert_eq!(
        signin_host(b"https://localhost:8443", b"eu-west-1").unwrap(),
        ("localhost".to_string(), 8443)
    );
    assert!(signin_host(b"", b"").is_err());
}
