//! The SSO provider against a local HTTPS portal named by the profile's `endpoint_url`, its
//! token cache in a temporary home directory: an `sso-session` profile and a legacy one, the
//! GetRoleCredentials request with the cached token, an expired or unreadable token, the portal
//! refusing, and incomplete profiles refused when the provider is made.

use crate::error::aws_auth_errors::*;
use crate::error::aws_io_errors::AWS_IO_MAX_RETRIES_EXCEEDED;
use crate::ffi::auth::credentials_provider::*;
use crate::ffi::auth::provider_options::*;
use crate::ffi::auth::provider_test_support::{Setup, ask, cur, response, serve_tls};
use crate::ffi::auth::providers_sso::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::string::{aws_string_destroy, aws_string_new_from_array};
use crate::ffi::sdkutils::aws_profile::*;
use std::ffi::c_int;
use std::ptr::{null, null_mut};

const ANSWER: &str = r#"{"roleCredentials":{"accessKeyId":"SSOKEY","secretAccessKey":"s","sessionToken":"t","expiration":1893456000000}}"#;
/// SHA-1 of "dev" (the session name) and of the legacy start URL, as the cache names them.
const DEV_TOKEN: &str = "34c6fceca75e456f25e7e99531e2425c6c1de443.json";

fn setup(name: &str) -> Setup {
    let s = Setup::new(&format!("sso-{name}"));
    std::fs::create_dir_all(s.dir.join(".aws/sso/cache")).unwrap();
    s
}

fn write_token(s: &Setup, file: &str, expires: &str) {
    let doc =
        format!(r#"{{"accessToken":"cached-token","expiresAt":"{expires}","region":"us-east-1"}}"#);
    std::fs::write(s.dir.join(".aws/sso/cache").join(file), doc).unwrap();
}

/// The provider for `profile` of a config naming the portal at `localhost:port`; NULL when
/// refused.
fn provider(s: &Setup, port: u16, profile: &str) -> *mut aws_credentials_provider {
    let config = s.dir.join("config");
    std::fs::write(
        &config,
        format!(
            "[profile dev]\nsso_session = dev\nsso_account_id = 0123\nsso_role_name = Admin\nendpoint_url = https://localhost:{port}\n\
             [sso-session dev]\nsso_region = us-east-1\nsso_start_url = https://d-abc.awsapps.com/start\n\
             [profile legacy]\nsso_account_id = 0123\nsso_role_name = Admin\nsso_region = us-east-1\n\
             sso_start_url = https://d-abc.awsapps.com/start\nendpoint_url = https://localhost:{port}\n\
             [profile incomplete]\nsso_session = dev\nsso_account_id = 0123\n"
        ),
    )
    .unwrap();
    unsafe {
        let path = config.as_os_str().as_encoded_bytes();
        let p = aws_string_new_from_array(aws_default_allocator(), path.as_ptr(), path.len());
        let collection = aws_profile_collection_new_from_file(aws_default_allocator(), p, 1);
        aws_string_destroy(p);
        let o = aws_credentials_provider_sso_options {
            shutdown_options: aws_credentials_provider_shutdown_options {
                shutdown_callback: None,
                shutdown_user_data: null_mut(),
            },
            profile_name_override: cur(Box::leak(profile.to_string().into_boxed_str())),
            config_file_name_override: cur(""),
            config_file_cached: collection,
            bootstrap: s.bootstrap.0,
            tls_ctx: s.device.connection.ctx,
            proxy_ev_settings: null(),
            function_table: null_mut(),
            system_clock_fn: None,
        };
        let made = new_sso(
            aws_default_allocator(),
            &o,
            s.dir.as_os_str().as_encoded_bytes(),
        );
        aws_profile_collection_release(collection);
        made.unwrap_or(null_mut())
    }
}

#[test]
fn a_session_profile_gets_the_role_credentials_with_the_cached_token() {
    let s = setup("session");
    write_token(&s, DEV_TOKEN, "2099-01-01T00:00:00Z");
    let (port, server) = serve_tls(&s.server, vec![response("200 OK", ANSWER)]);
    let p = provider(&s, port, "dev");
    assert!(!p.is_null());
    assert_eq!(ask(p), Ok("SSOKEY".to_string()));
    let request = server.join().unwrap().unwrap().remove(0);
    assert!(
        request.starts_with(
            "GET /federation/credentials?account_id=0123&role_name=Admin HTTP/1.1\r\n"
        ),
        "{request}"
    );
    assert!(
        request.contains("x-amz-sso_bearer_token: cached-token\r\n"),
        "{request}"
    );
    assert!(
        request.contains("User-Agent: aws-sdk-crt/sso-credentials-provider\r\n"),
        "{request}"
    );
    unsafe { aws_credentials_provider_release(p) };
    std::fs::remove_dir_all(&s.dir).unwrap();
}

#[test]
fn expired_or_missing_tokens_and_refusals_fail_with_upstreams_codes() {
    let s = setup("expired");
    let p = provider(&s, 1, "dev");
    assert_eq!(ask(p), Err(AWS_AUTH_SSO_TOKEN_INVALID as c_int));
    write_token(&s, DEV_TOKEN, "2001-01-01T00:00:00Z");
    assert_eq!(ask(p), Err(AWS_AUTH_SSO_TOKEN_EXPIRED as c_int));
    unsafe { aws_credentials_provider_release(p) };

    write_token(&s, DEV_TOKEN, "2099-01-01T00:00:00Z");
    let (port, server) = serve_tls(&s.server, vec![response("403 Forbidden", "{}")]);
    let p = provider(&s, port, "dev");
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE as c_int)
    );
    assert_eq!(server.join().unwrap().unwrap().len(), 1);
    unsafe { aws_credentials_provider_release(p) };

    // A 200 answer without credentials.
    let (port, server) = serve_tls(&s.server, vec![response("200 OK", "{}")]);
    let p = provider(&s, port, "dev");
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_SSO_SOURCE_FAILURE as c_int)
    );
    server.join().unwrap().unwrap();
    unsafe { aws_credentials_provider_release(p) };

    assert!(provider(&s, port, "incomplete").is_null());
    assert!(provider(&s, port, "absent").is_null());
    std::fs::remove_dir_all(&s.dir).unwrap();
}

#[test]
fn server_errors_are_tried_four_times_as_upstreams_retry_strategy_allows() {
    let s = setup("retries");
    write_token(&s, DEV_TOKEN, "2099-01-01T00:00:00Z");
    let failing = vec![response("500 Internal Server Error", "{}"); 4];
    let (port, server) = serve_tls(&s.server, failing);
    let p = provider(&s, port, "dev");
    assert_eq!(ask(p), Err(AWS_IO_MAX_RETRIES_EXCEEDED as c_int));
    assert_eq!(server.join().unwrap().unwrap().len(), 4);
    unsafe { aws_credentials_provider_release(p) };

    let mut answers = vec![response("503 Service Unavailable", "{}"); 2];
    answers.push(response("200 OK", ANSWER));
    let (port, server) = serve_tls(&s.server, answers);
    let p = provider(&s, port, "dev");
    assert_eq!(ask(p), Ok("SSOKEY".to_string()));
    assert_eq!(server.join().unwrap().unwrap().len(), 3);
    unsafe { aws_credentials_provider_release(p) };
    std::fs::remove_dir_all(&s.dir).unwrap();
}

#[test]
fn the_credentials_carry_the_profiles_account_id() {
    let s = setup("account");
    write_token(&s, DEV_TOKEN, "2099-01-01T00:00:00Z");
    let (port, server) = serve_tls(&s.server, vec![response("200 OK", ANSWER)]);
    let p = provider(&s, port, "dev");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    unsafe extern "C" fn account(
        credentials: *mut crate::ffi::auth::credentials::aws_credentials,
        _: c_int,
        user_data: *mut std::ffi::c_void,
    ) {
        let tx = unsafe { Box::from_raw(user_data.cast::<std::sync::mpsc::Sender<String>>()) };
        let id = unsafe {
            crate::ffi::auth::credentials::aws_credentials_get_account_id(credentials).as_bytes()
        };
        tx.send(String::from_utf8(id.unwrap().to_vec()).unwrap())
            .unwrap();
    }
    let data = Box::into_raw(Box::new(tx));
    unsafe { aws_credentials_provider_get_credentials(p, Some(account), data.cast()) };
    let id = rx.recv_timeout(std::time::Duration::from_secs(20)).unwrap();
    assert_eq!(id, "0123");
    server.join().unwrap().unwrap();
    unsafe { aws_credentials_provider_release(p) };
    std::fs::remove_dir_all(&s.dir).unwrap();
}

#[test]
fn a_legacy_profile_names_its_token_by_the_start_url() {
    let s = setup("legacy");
    let digest = ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        b"https://d-abc.awsapps.com/start",
    );
    let file = format!(
        "{}.json",
        String::from_utf8(crate::auth::sigv4::hex(digest.as_ref())).unwrap()
    );
    write_token(&s, &file, "2099-01-01T00:00:00Z");
    let (port, server) = serve_tls(&s.server, vec![response("200 OK", ANSWER)]);
    let p = provider(&s, port, "legacy");
    assert_eq!(ask(p), Ok("SSOKEY".to_string()));
    server.join().unwrap().unwrap();
    unsafe { aws_credentials_provider_release(p) };
    std::fs::remove_dir_all(&s.dir).unwrap();
}
