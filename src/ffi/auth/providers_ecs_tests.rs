//! The ECS provider against a local endpoint on 127.0.0.1 (a free port, one scripted answer per
//! connection): the request it sends, the credentials it reads, retries of 5xx answers, no
//! retry of 4xx, an unreachable endpoint, a missing token file, a host plain HTTP may not reach.

use crate::error::aws_auth_errors::*;
use crate::error::aws_common_error::AWS_ERROR_INVALID_ARGUMENT;
use crate::error::aws_io_errors::AWS_IO_SOCKET_CONNECTION_REFUSED;
use crate::ffi::auth::credentials_provider::*;
use crate::ffi::auth::provider_options::*;
use crate::ffi::auth::provider_test_support::{
    Bootstrap, Device, ask, cur, response, serve, serve_tls,
};
use crate::ffi::auth::providers_ecs::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::error::{aws_last_error, aws_reset_error};
use crate::transport::tls_test_pki::{Ca, ServerSetup, Validity};
use std::ffi::c_int;
use std::net::TcpListener;
use std::ptr::{null, null_mut};

const DOCUMENT: &str = r#"{"AccessKeyId":"ECSKEY","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-01T00:00:00Z"}"#;

fn options(
    bootstrap: &Bootstrap,
    host: &'static str,
    port: u16,
    token: &'static str,
) -> aws_credentials_provider_ecs_options {
    aws_credentials_provider_ecs_options {
        shutdown_options: aws_credentials_provider_shutdown_options {
            shutdown_callback: None,
            shutdown_user_data: null_mut(),
        },
        bootstrap: bootstrap.0,
        host: cur(host),
        path_and_query: cur("/v2/credentials/abc?x=1"),
        auth_token_file_path: cur(""),
        auth_token: cur(token),
        tls_ctx: null_mut(),
        proxy_ev_settings: null(),
        function_table: null_mut(),
        port: u32::from(port),
    }
}

#[test]
fn the_provider_gets_the_document_with_its_token_and_headers() {
    let bootstrap = Bootstrap::new();
    let (port, server) = serve(vec![response("200 OK", DOCUMENT)]);
    let o = options(&bootstrap, "127.0.0.1", port, "secret-token");
    let p = unsafe { aws_credentials_provider_new_ecs(aws_default_allocator(), &o) };
    assert_eq!(ask(p), Ok("ECSKEY".to_string()));
    let requests = server.join().unwrap();
    let request = &requests[0];
    assert!(
        request.starts_with("GET /v2/credentials/abc?x=1 HTTP/1.1\r\n"),
        "{request}"
    );
    for field in [
        "Host: 127.0.0.1",
        "Authorization: secret-token",
        "Accept: application/json",
        "Accept-Encoding: identity",
        "User-Agent: aws-sdk-crt/ecs-credentials-provider",
    ] {
        assert!(
            request.contains(&format!("{field}\r\n")),
            "{field} in {request}"
        );
    }
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn server_errors_are_tried_again_and_client_errors_are_not() {
    let bootstrap = Bootstrap::new();
    let busy = response("503 Service Unavailable", "");
    let (port, server) = serve(vec![busy.clone(), busy, response("200 OK", DOCUMENT)]);
    let p = unsafe {
        aws_credentials_provider_new_ecs(
            aws_default_allocator(),
            &options(&bootstrap, "127.0.0.1", port, ""),
        )
    };
    assert_eq!(ask(p), Ok("ECSKEY".to_string()));
    assert_eq!(server.join().unwrap().len(), 3);
    unsafe { aws_credentials_provider_release(p) };

    let (port, server) = serve(vec![response("404 Not Found", "")]);
    let p = unsafe {
        aws_credentials_provider_new_ecs(
            aws_default_allocator(),
            &options(&bootstrap, "127.0.0.1", port, ""),
        )
    };
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE as c_int)
    );
    assert_eq!(server.join().unwrap().len(), 1);
    unsafe { aws_credentials_provider_release(p) };

    let (port, server) = serve(vec![response("200 OK", r#"{"AccessKeyId":"A"}"#)]);
    let p = unsafe {
        aws_credentials_provider_new_ecs(
            aws_default_allocator(),
            &options(&bootstrap, "127.0.0.1", port, ""),
        )
    };
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE as c_int)
    );
    server.join().unwrap();
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn unreachable_endpoints_missing_token_files_and_foreign_hosts_fail() {
    let bootstrap = Bootstrap::new();
    // A port nobody listens on: bound, then closed.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let p = unsafe {
        aws_credentials_provider_new_ecs(
            aws_default_allocator(),
            &options(&bootstrap, "127.0.0.1", port, ""),
        )
    };
    assert_eq!(ask(p), Err(AWS_IO_SOCKET_CONNECTION_REFUSED as c_int));
    unsafe { aws_credentials_provider_release(p) };

    let mut o = options(&bootstrap, "127.0.0.1", port, "");
    o.auth_token_file_path = cur("/nonexistent/ecs/token");
    let p = unsafe { aws_credentials_provider_new_ecs(aws_default_allocator(), &o) };
    assert_eq!(
        ask(p),
        Err(-(AWS_AUTH_CREDENTIALS_PROVIDER_ECS_INVALID_TOKEN_FILE_PATH as c_int))
    );
    unsafe { aws_credentials_provider_release(p) };

    let p = unsafe {
        aws_credentials_provider_new_ecs(
            aws_default_allocator(),
            &options(&bootstrap, "203.0.113.7", 80, ""),
        )
    };
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_ECS_INVALID_HOST as c_int)
    );
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn options_are_checked_when_the_provider_is_made() {
    let bootstrap = Bootstrap::new();
    unsafe {
        aws_reset_error();
        let mut o = options(&bootstrap, "127.0.0.1", 80, "");
        o.bootstrap = null_mut();
        assert!(aws_credentials_provider_new_ecs(aws_default_allocator(), &o).is_null());
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT as c_int);
        let o = options(&bootstrap, "127.0.0.1", 80, "");
        let env = aws_credentials_provider_ecs_environment_options {
            shutdown_options: o.shutdown_options,
            bootstrap: bootstrap.0,
            tls_ctx: null_mut(),
            proxy_ev_settings: null(),
            function_table: null_mut(),
        };
        assert!(
            aws_credentials_provider_new_ecs_from_environment(aws_default_allocator(), &env)
                .is_null()
        );
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT as c_int);
    }
}

#[test]
fn a_tls_context_asks_the_endpoint_over_https() {
    let bootstrap = Bootstrap::new();
    let ca = Ca::new("ecs test ca");
    let setup = ServerSetup::new(ca.server(&["localhost"], Validity::Current));
    let client = ca.client();
    let device = Device::new(&ca.pem(), &client.cert_pem, &client.key_pem);
    let (port, server) = serve_tls(&setup, vec![response("200 OK", DOCUMENT)]);
    let mut o = options(&bootstrap, "localhost", port, "tok");
    o.tls_ctx = device.connection.ctx;
    let p = unsafe { aws_credentials_provider_new_ecs(aws_default_allocator(), &o) };
    assert_eq!(ask(p), Ok("ECSKEY".to_string()));
    let request = server.join().unwrap().unwrap().remove(0);
    assert!(request.contains("Authorization: tok\r\n"), "{request}");
    unsafe { aws_credentials_provider_release(p) };
}
