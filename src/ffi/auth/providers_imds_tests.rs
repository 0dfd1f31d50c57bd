//! The IMDS provider against a local endpoint on 127.0.0.1: the IMDSv2 token flow and the
//! requests it makes, the fall-back to IMDSv1 when the token request fails (and not when v1 is
//! disabled or the token request is refused with 400), IMDSv1 on request, and failures of the
//! role listing and of the document, each as `AWS_AUTH_CREDENTIALS_PROVIDER_IMDS_SOURCE_FAILURE`.

use crate::error::aws_auth_errors::AWS_AUTH_CREDENTIALS_PROVIDER_IMDS_SOURCE_FAILURE;
use crate::error::aws_common_error::AWS_ERROR_INVALID_ARGUMENT;
use crate::ffi::auth::credentials_provider::*;
use crate::ffi::auth::provider_options::*;
use crate::ffi::auth::provider_test_support::{Bootstrap, ask, cur, response, serve};
use crate::ffi::auth::providers_imds::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::error::{aws_last_error, aws_reset_error};
use std::ffi::c_int;
use std::ptr::{null, null_mut};

const DOCUMENT: &str = r#"{"Code":"Success","AccessKeyId":"IMDSKEY","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-01T00:00:00Z"}"#;
const FAILURE: Result<String, c_int> =
    Err(AWS_AUTH_CREDENTIALS_PROVIDER_IMDS_SOURCE_FAILURE as c_int);
const ROLES: &str = "/latest/meta-data/iam/security-credentials/";

fn provider(
    bootstrap: &Bootstrap,
    port: u16,
    version: c_int,
    v1_disabled: bool,
) -> *mut aws_credentials_provider {
    let endpoint = format!("http://127.0.0.1:{port}");
    let o = aws_credentials_provider_imds_options {
        shutdown_options: aws_credentials_provider_shutdown_options {
            shutdown_callback: None,
            shutdown_user_data: null_mut(),
        },
        bootstrap: bootstrap.0,
        imds_version: version,
        ec2_metadata_v1_disabled: v1_disabled,
        function_table: null_mut(),
        proxy_ev_settings: null(),
        imds_endpoint: cur(Box::leak(endpoint.into_boxed_str())),
        imds_endpoint_mode: 0,
    };
    let p = unsafe { aws_credentials_provider_new_imds(aws_default_allocator(), &o) };
    assert!(!p.is_null());
    p
}

fn happy_path() -> Vec<String> {
    vec![
        response("200 OK", "TOKEN\n"),
        response("200 OK", "my-role\n"),
        response("200 OK", DOCUMENT),
    ]
}

#[test]
fn the_token_flow_sends_the_token_with_each_request() {
    let bootstrap = Bootstrap::new();
    let (port, server) = serve(happy_path());
    let p = provider(&bootstrap, port, 0, false);
    assert_eq!(ask(p), Ok("IMDSKEY".to_string()));
    let requests = server.join().unwrap();
    assert!(
        requests[0].starts_with("PUT /latest/api/token HTTP/1.1\r\n"),
        "{}",
        requests[0]
    );
    assert!(requests[0].contains("x-aws-ec2-metadata-token-ttl-seconds: 21600\r\n"));
    assert!(
        requests[1].starts_with(&format!("GET {ROLES} HTTP/1.1\r\n")),
        "{}",
        requests[1]
    );
    assert!(requests[1].contains("x-aws-ec2-metadata-token: TOKEN\r\n"));
    assert!(
        requests[2].starts_with(&format!("GET {ROLES}my-role HTTP/1.1\r\n")),
        "{}",
        requests[2]
    );
    assert!(requests[2].contains("x-aws-ec2-metadata-token: TOKEN\r\n"));
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn a_failed_token_request_falls_back_to_v1_unless_disabled_or_refused() {
    let bootstrap = Bootstrap::new();
    let mut answers = happy_path();
    answers[0] = response("403 Forbidden", "");
    let (port, server) = serve(answers);
    let p = provider(&bootstrap, port, 0, false);
    assert_eq!(ask(p), Ok("IMDSKEY".to_string()));
    let requests = server.join().unwrap();
    assert!(!requests[1].contains("x-aws-ec2-metadata-token:"));
    unsafe { aws_credentials_provider_release(p) };

    let (port, server) = serve(vec![response("403 Forbidden", "")]);
    let p = provider(&bootstrap, port, 0, true);
    assert_eq!(ask(p), FAILURE);
    assert_eq!(server.join().unwrap().len(), 1);
    unsafe { aws_credentials_provider_release(p) };

    let (port, server) = serve(vec![response("400 Bad Request", "")]);
    let p = provider(&bootstrap, port, 0, false);
    assert_eq!(ask(p), FAILURE);
    assert_eq!(server.join().unwrap().len(), 1);
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn v1_asks_without_a_token() {
    let bootstrap = Bootstrap::new();
    let (port, server) = serve(happy_path()[1..].to_vec());
    let p = provider(&bootstrap, port, 1, false);
    assert_eq!(ask(p), Ok("IMDSKEY".to_string()));
    let requests = server.join().unwrap();
    assert!(requests[0].starts_with(&format!("GET {ROLES} ")));
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn missing_roles_and_bad_documents_fail() {
    let bootstrap = Bootstrap::new();
    let (port, server) = serve(vec![
        response("200 OK", "TOKEN"),
        response("404 Not Found", ""),
    ]);
    let p = provider(&bootstrap, port, 0, false);
    assert_eq!(ask(p), FAILURE);
    server.join().unwrap();
    unsafe { aws_credentials_provider_release(p) };

    let mut answers = happy_path();
    answers[2] = response("200 OK", r#"{"Code":"Success","AccessKeyId":"A"}"#);
    let (port, server) = serve(answers);
    let p = provider(&bootstrap, port, 0, false);
    assert_eq!(ask(p), FAILURE);
    server.join().unwrap();
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn a_provider_needs_a_bootstrap_and_known_enum_values() {
    let bootstrap = Bootstrap::new();
    unsafe {
        let mut o = aws_credentials_provider_imds_options {
            shutdown_options: aws_credentials_provider_shutdown_options {
                shutdown_callback: None,
                shutdown_user_data: null_mut(),
            },
            bootstrap: null_mut(),
            imds_version: 0,
            ec2_metadata_v1_disabled: false,
            function_table: null_mut(),
            proxy_ev_settings: null(),
            imds_endpoint: cur(""),
            imds_endpoint_mode: 0,
        };
        aws_reset_error();
        assert!(aws_credentials_provider_new_imds(aws_default_allocator(), &o).is_null());
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT as c_int);
        o.bootstrap = bootstrap.0;
        o.imds_version = 7;
        assert!(aws_credentials_provider_new_imds(aws_default_allocator(), &o).is_null());
        o.imds_version = 0;
        let p = aws_credentials_provider_new_imds(aws_default_allocator(), &o);
        assert!(!p.is_null());
        aws_credentials_provider_release(p);
    }
}
