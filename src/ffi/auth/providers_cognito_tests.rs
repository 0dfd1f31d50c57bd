//! The Cognito providers against a local HTTPS endpoint (rustls on 127.0.0.1, the test CA
//! trusted through the options' TLS context): the GetCredentialsForIdentity request (target,
//! content type, identity, custom role, static and per-request logins), the credentials read,
//! retries of 5xx but not of 4xx, a foreign document, the program's token-pair function failing,
//! and the caching variant answering the second request from its cache.

use crate::error::aws_auth_errors::*;
use crate::error::aws_common_error::AWS_ERROR_INVALID_ARGUMENT;
use crate::ffi::auth::credentials_provider::*;
use crate::ffi::auth::provider_options::*;
use crate::ffi::auth::provider_test_support::{Bootstrap, Device, ask, cur, response, serve_tls};
use crate::ffi::auth::providers_cognito::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::{aws_last_error, aws_reset_error};
use crate::transport::tls_test_pki::{Ca, ServerSetup, Validity};
use std::ffi::{c_int, c_void};
use std::ptr::{null, null_mut};

const DOCUMENT: &str = r#"{"IdentityId":"us-east-1:abc","Credentials":{"AccessKeyId":"COGKEY","SecretKey":"s","SessionToken":"t","Expiration":1893456000}}"#;

struct Endpoint {
    setup: ServerSetup,
    device: Device,
    bootstrap: Bootstrap,
}

fn endpoint() -> Endpoint {
    let ca = Ca::new("cognito test ca");
    let client = ca.client();
    Endpoint {
        setup: ServerSetup::new(ca.server(&["localhost"], Validity::Current)),
        device: Device::new(&ca.pem(), &client.cert_pem, &client.key_pem),
        bootstrap: Bootstrap::new(),
    }
}

/// The options for `localhost:port`, with one static login.
fn options(
    e: &Endpoint,
    port: u16,
    logins: &mut [aws_cognito_identity_provider_token_pair],
) -> aws_credentials_provider_cognito_options {
    aws_credentials_provider_cognito_options {
        shutdown_options: aws_credentials_provider_shutdown_options {
            shutdown_callback: None,
            shutdown_user_data: null_mut(),
        },
        endpoint: aws_byte_cursor::from_slice(
            Box::leak(format!("localhost:{port}").into_boxed_str()).as_bytes(),
        ),
        identity: cur("us-east-1:abc"),
        logins: logins.as_mut_ptr(),
        login_count: logins.len(),
        custom_role_arn: null_mut(),
        bootstrap: e.bootstrap.0,
        tls_ctx: e.device.connection.ctx,
        http_proxy_options: null(),
        proxy_ev_settings: null(),
        function_table: null_mut(),
        get_token_pairs: None,
        get_token_pairs_user_data: null_mut(),
    }
}

fn static_login() -> [aws_cognito_identity_provider_token_pair; 1] {
    [aws_cognito_identity_provider_token_pair {
        identity_provider_name: cur("graph.facebook.com"),
        identity_provider_token: cur("fb-token"),
    }]
}

/// The JSON body of a request the endpoint read.
fn body(request: &str) -> serde_json::Value {
    let (_, body) = request.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(body).unwrap()
}

#[test]
fn the_request_names_the_identity_role_and_logins_and_the_answer_gives_credentials() {
    let e = endpoint();
    let (port, server) = serve_tls(&e.setup, vec![response("200 OK", DOCUMENT)]);
    let mut logins = static_login();
    let mut o = options(&e, port, &mut logins);
    let mut role = cur("arn:aws:iam::1:role/r");
    o.custom_role_arn = &mut role;
    let p = unsafe { aws_credentials_provider_new_cognito(aws_default_allocator(), &o) };
    assert!(!p.is_null());
    assert_eq!(ask(p), Ok("COGKEY".to_string()));
    let request = server.join().unwrap().unwrap().remove(0);
    assert!(request.starts_with("POST / HTTP/1.1\r\n"), "{request}");
    assert!(
        request.contains("X-Amz-Target: AWSCognitoIdentityService.GetCredentialsForIdentity\r\n")
    );
    assert!(request.contains("content-type: application/x-amz-json-1.1\r\n"));
    assert_eq!(
        body(&request),
        serde_json::json!({
            "IdentityId": "us-east-1:abc",
            "CustomRoleArn": "arn:aws:iam::1:role/r",
            "Logins": {"graph.facebook.com": "fb-token"}
        })
    );
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn server_errors_are_retried_client_errors_and_foreign_documents_are_not() {
    let e = endpoint();
    let busy = response("500 Internal Server Error", "");
    let (port, server) = serve_tls(
        &e.setup,
        vec![busy.clone(), busy, response("200 OK", DOCUMENT)],
    );
    let p = unsafe {
        aws_credentials_provider_new_cognito(aws_default_allocator(), &options(&e, port, &mut []))
    };
    assert_eq!(ask(p), Ok("COGKEY".to_string()));
    assert_eq!(server.join().unwrap().unwrap().len(), 3);
    unsafe { aws_credentials_provider_release(p) };

    let (port, server) = serve_tls(&e.setup, vec![response("400 Bad Request", "{}")]);
    let p = unsafe {
        aws_credentials_provider_new_cognito(aws_default_allocator(), &options(&e, port, &mut []))
    };
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE as c_int)
    );
    server.join().unwrap().unwrap();
    unsafe { aws_credentials_provider_release(p) };

    let foreign = r#"{"Credentials":{"AccessKeyId":"A","SecretKey":"S","SessionToken":"T"}}"#;
    let (port, server) = serve_tls(&e.setup, vec![response("200 OK", foreign)]);
    let p = unsafe {
        aws_credentials_provider_new_cognito(aws_default_allocator(), &options(&e, port, &mut []))
    };
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE as c_int)
    );
    server.join().unwrap().unwrap();
    unsafe { aws_credentials_provider_release(p) };
}

unsafe extern "C" fn token_pairs(
    data: *mut c_void,
    completion: Option<aws_credentials_provider_cognito_get_token_pairs_completion_fn>,
    completion_user_data: *mut c_void,
) -> c_int {
    let fail = !data.is_null();
    let mut pairs = [aws_cognito_identity_provider_token_pair {
        identity_provider_name: cur("accounts.google.com"),
        identity_provider_token: cur("google-token"),
    }];
    let (count, code) = if fail {
        (
            0,
            AWS_AUTH_CREDENTIALS_PROVIDER_COGNITO_SOURCE_FAILURE as c_int,
        )
    } else {
        (1, 0)
    };
    unsafe { completion.unwrap()(pairs.as_mut_ptr(), count, code, completion_user_data) };
    0
}

#[test]
fn the_programs_token_pairs_join_the_static_logins_or_fail_the_request() {
    let e = endpoint();
    let (port, server) = serve_tls(&e.setup, vec![response("200 OK", DOCUMENT)]);
    let mut logins = static_login();
    let mut o = options(&e, port, &mut logins);
    o.get_token_pairs = Some(token_pairs);
    let p = unsafe { aws_credentials_provider_new_cognito(aws_default_allocator(), &o) };
    assert_eq!(ask(p), Ok("COGKEY".to_string()));
    let request = server.join().unwrap().unwrap().remove(0);
    assert_eq!(
        body(&request)["Logins"],
        serde_json::json!({"graph.facebook.com": "fb-token", "accounts.google.com": "google-token"})
    );
    unsafe { aws_credentials_provider_release(p) };

    o.get_token_pairs_user_data = std::ptr::NonNull::<u8>::dangling().as_ptr().cast();
    let p = unsafe { aws_credentials_provider_new_cognito(aws_default_allocator(), &o) };
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_COGNITO_SOURCE_FAILURE as c_int)
    );
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn the_caching_variant_answers_again_from_its_cache() {
    let e = endpoint();
    let (port, server) = serve_tls(&e.setup, vec![response("200 OK", DOCUMENT)]);
    let p = unsafe {
        aws_credentials_provider_new_cognito_caching(
            aws_default_allocator(),
            &options(&e, port, &mut []),
        )
    };
    assert_eq!(ask(p), Ok("COGKEY".to_string()));
    assert_eq!(ask(p), Ok("COGKEY".to_string()));
    assert_eq!(server.join().unwrap().unwrap().len(), 1);
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn endpoint_identity_bootstrap_and_tls_context_are_required() {
    let e = endpoint();
    unsafe {
        let mut o = options(&e, 443, &mut []);
        o.identity = cur("");
        aws_reset_error();
        assert!(aws_credentials_provider_new_cognito(aws_default_allocator(), &o).is_null());
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT as c_int);
        let mut o = options(&e, 443, &mut []);
        o.tls_ctx = null_mut();
        assert!(
            aws_credentials_provider_new_cognito_caching(aws_default_allocator(), &o).is_null()
        );
    }
}
