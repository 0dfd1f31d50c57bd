//! The X.509 provider against a local AWS IoT-like credentials endpoint: a rustls server on
//! 127.0.0.1 that requires a client certificate from the test CA, reads the request and answers
//! it. The request's path and thing name, the credentials read, a refused status, a document
//! that is not IoT's, and a server that refuses the device's certificate.

use crate::error::aws_auth_errors::*;
use crate::error::aws_common_error::AWS_ERROR_INVALID_ARGUMENT;
use crate::ffi::auth::credentials_provider::*;
use crate::ffi::auth::provider_options::*;
use crate::ffi::auth::provider_test_support::{Bootstrap, Device, ask, cur, response, serve_tls};
use crate::ffi::auth::providers_x509::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::{aws_last_error, aws_reset_error};
use crate::transport::tls_test_pki::{Ca, ServerSetup, Validity};
use std::ffi::c_int;
use std::ptr::{null, null_mut};

const DOCUMENT: &str = r#"{"credentials":{"accessKeyId":"IOTKEY","secretAccessKey":"s","sessionToken":"t","expiration":"2030-01-01T00:00:00Z"}}"#;

fn provider(
    bootstrap: &Bootstrap,
    device: &Device,
    endpoint: &str,
) -> *mut aws_credentials_provider {
    let o = aws_credentials_provider_x509_options {
        shutdown_options: aws_credentials_provider_shutdown_options {
            shutdown_callback: None,
            shutdown_user_data: null_mut(),
        },
        bootstrap: bootstrap.0,
        tls_connection_options: &device.connection,
        thing_name: cur("my-thing"),
        role_alias: cur("my-alias"),
        endpoint: aws_byte_cursor::from_slice(endpoint.as_bytes()),
        proxy_options: null(),
        proxy_ev_settings: null(),
        function_table: null_mut(),
    };
    let p = unsafe { aws_credentials_provider_new_x509(aws_default_allocator(), &o) };
    assert!(!p.is_null());
    p
}

struct Pki {
    ca: Ca,
    setup: ServerSetup,
}

fn pki() -> Pki {
    let ca = Ca::new("iot test ca");
    let mut setup = ServerSetup::new(ca.server(&["localhost"], Validity::Current));
    setup.client_ca = Some(ca.pem());
    Pki { ca, setup }
}

#[test]
fn the_device_certificate_gets_the_role_aliases_credentials() {
    let (bootstrap, pki) = (Bootstrap::new(), pki());
    let client = pki.ca.client();
    let device = Device::new(&pki.ca.pem(), &client.cert_pem, &client.key_pem);
    let (port, server) = serve_tls(&pki.setup, vec![response("200 OK", DOCUMENT)]);
    let p = provider(&bootstrap, &device, &format!("localhost:{port}"));
    assert_eq!(ask(p), Ok("IOTKEY".to_string()));
    let request = server.join().unwrap().unwrap().remove(0);
    assert!(
        request.starts_with("GET /role-aliases/my-alias/credentials HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(
        request.contains("x-amzn-iot-thingname: my-thing\r\n"),
        "{request}"
    );
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn refusals_and_foreign_documents_fail_with_upstreams_codes() {
    let (bootstrap, pki) = (Bootstrap::new(), pki());
    let client = pki.ca.client();
    let device = Device::new(&pki.ca.pem(), &client.cert_pem, &client.key_pem);
    let (port, server) = serve_tls(&pki.setup, vec![response("403 Forbidden", "{}")]);
    let p = provider(&bootstrap, &device, &format!("localhost:{port}"));
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE as c_int)
    );
    server.join().unwrap().unwrap();
    unsafe { aws_credentials_provider_release(p) };

    let body = r#"{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T"}"#;
    let (port, server) = serve_tls(&pki.setup, vec![response("200 OK", body)]);
    let p = provider(&bootstrap, &device, &format!("localhost:{port}"));
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_X509_SOURCE_FAILURE as c_int)
    );
    server.join().unwrap().unwrap();
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn a_certificate_the_endpoint_does_not_trust_fails_the_handshake() {
    let (bootstrap, pki) = (Bootstrap::new(), pki());
    let stranger = Ca::new("other ca").client();
    let device = Device::new(&pki.ca.pem(), &stranger.cert_pem, &stranger.key_pem);
    let (port, server) = serve_tls(&pki.setup, vec![response("200 OK", DOCUMENT)]);
    let p = provider(&bootstrap, &device, &format!("localhost:{port}"));
    let outcome = ask(p);
    assert!(outcome.is_err(), "{outcome:?}");
    assert!(server.join().unwrap().is_err());
    unsafe { aws_credentials_provider_release(p) };
}

#[test]
fn thing_name_role_alias_and_tls_options_are_required() {
    let (bootstrap, pki) = (Bootstrap::new(), pki());
    let client = pki.ca.client();
    let device = Device::new(&pki.ca.pem(), &client.cert_pem, &client.key_pem);
    unsafe {
        let mut o = aws_credentials_provider_x509_options {
            shutdown_options: aws_credentials_provider_shutdown_options {
                shutdown_callback: None,
                shutdown_user_data: null_mut(),
            },
            bootstrap: bootstrap.0,
            tls_connection_options: &device.connection,
            thing_name: cur(""),
            role_alias: cur("alias"),
            endpoint: cur("localhost"),
            proxy_options: null(),
            proxy_ev_settings: null(),
            function_table: null_mut(),
        };
        aws_reset_error();
        assert!(aws_credentials_provider_new_x509(aws_default_allocator(), &o).is_null());
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT as c_int);
        o.thing_name = cur("thing");
        o.tls_connection_options = null();
        assert!(aws_credentials_provider_new_x509(aws_default_allocator(), &o).is_null());
    }
}
