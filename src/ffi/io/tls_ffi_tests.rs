//! The TLS option and context calls, end to end: options filled through the C API make a
//! context whose connection settings start a session that completes a mutual-TLS handshake.

use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::io::io::aws_io_errors::{
    AWS_IO_FILE_VALIDATION_FAILURE, AWS_IO_TLS_CIPHER_PREF_UNSUPPORTED, AWS_IO_TLS_CTX_ERROR,
    AWS_IO_TLS_VERSION_UNSUPPORTED,
};
use crate::ffi::io::tls_channel_handler::*;
use crate::ffi::io::tls_connection_options::*;
use crate::ffi::io::tls_ctx_options::*;
use crate::transport::tls_test_pki::*;
use std::ffi::c_int;
use std::mem::MaybeUninit;

fn cur(s: &str) -> aws_byte_cursor {
    aws_byte_cursor::from_slice(s.as_bytes())
}

/// Options initialised by `init`, which must succeed.
fn options(init: impl FnOnce(*mut aws_tls_ctx_options) -> c_int) -> aws_tls_ctx_options {
    let mut o = MaybeUninit::<aws_tls_ctx_options>::uninit();
    assert_eq!(init(o.as_mut_ptr()), 0, "error {}", aws_last_error());
    // SAFETY: initialised by the successful call.
    unsafe { o.assume_init() }
}

#[test]
fn c_api_options_make_a_context_that_completes_mutual_tls() {
    let server_ca = Ca::new("server ca");
    let mut setup = ServerSetup::new(server_ca.server(&["localhost"], Validity::Current));
    setup.client_ca = Some(FIXTURE_CA.into());
    setup.alpn = vec!["mqtt"];
    let server = TestServer::start(&setup);

    let alloc = aws_default_allocator();
    let settings = unsafe {
        let mut o = options(|o| {
            aws_tls_ctx_options_init_client_mtls(
                o,
                alloc,
                &cur(FIXTURE_EC_CERT),
                &cur(FIXTURE_EC_SEC1_KEY),
            )
        });
        assert_eq!(
            aws_tls_ctx_options_override_default_trust_store(&mut o, &cur(&server_ca.pem())),
            0
        );
        assert_eq!(
            aws_tls_ctx_options_set_alpn_list(&mut o, c"x-amzn-mqtt-ca;mqtt".as_ptr()),
            0
        );
        let ctx = aws_tls_client_ctx_new(alloc, &o);
        assert!(!ctx.is_null(), "error {}", aws_last_error());
        aws_tls_ctx_options_clean_up(&mut o);

        let mut conn = MaybeUninit::<aws_tls_connection_options>::uninit();
        aws_tls_connection_options_init_from_ctx(conn.as_mut_ptr(), ctx);
        let mut conn = conn.assume_init();
        assert_eq!(conn.timeout_ms, 10_000);
        let name = cur("localhost");
        assert_eq!(
            aws_tls_connection_options_set_server_name(&mut conn, alloc, &name),
            0
        );
        aws_tls_ctx_release(ctx);
        let settings = connection_settings(&conn).unwrap();
        aws_tls_connection_options_clean_up(&mut conn);
        settings
    };

    let session = settings.session("127.0.0.1").unwrap();
    let mut client = TestClient::over(session, server.port);
    assert_eq!(client.exchange().unwrap(), b"pong:ping\n");
    assert_eq!(client.session.negotiated_alpn(), Some(&b"mqtt"[..]));
    assert_eq!(server.finish().unwrap().client_certificates, 1);
}

/// The error `aws_tls_client_ctx_new` raises for options changed by `change`.
fn ctx_error(change: impl FnOnce(&mut aws_tls_ctx_options)) -> c_int {
    let alloc = aws_default_allocator();
    unsafe {
        let mut o = options(|o| {
            aws_tls_ctx_options_init_client_mtls(
                o,
                alloc,
                &cur(FIXTURE_RSA_CERT),
                &cur(FIXTURE_RSA_PKCS1_KEY),
            )
        });
        change(&mut o);
        let ctx = aws_tls_client_ctx_new(alloc, &o);
        aws_tls_ctx_options_clean_up(&mut o);
        assert!(ctx.is_null());
    }
    aws_last_error()
}

#[test]
fn a_context_refuses_what_it_cannot_honour_with_upstream_codes() {
    let garbage_pem = "-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n";
    let code = ctx_error(|o| unsafe {
        let c = o.certificate.buffer;
        std::ptr::copy_nonoverlapping(garbage_pem.as_ptr(), c, garbage_pem.len());
        o.certificate.len = garbage_pem.len();
    });
    assert_eq!(code, AWS_IO_TLS_CTX_ERROR as c_int);
    let code = ctx_error(|o| unsafe { *o.private_key.buffer.add(40) = 0xff });
    assert_eq!(code, AWS_IO_FILE_VALIDATION_FAILURE as c_int);
    let code = ctx_error(|o| o.minimum_tls_version = 77);
    assert_eq!(code, AWS_IO_TLS_VERSION_UNSUPPORTED as c_int);
    let pq = aws_tls_cipher_pref::AWS_IO_TLS_CIPHER_PREF_PQ_DEFAULT as c_int;
    let code = ctx_error(|o| unsafe { aws_tls_ctx_options_set_tls_cipher_preference(o, pq) });
    assert_eq!(code, AWS_IO_TLS_CIPHER_PREF_UNSUPPORTED as c_int);
}

#[test]
fn a_context_outlives_its_handle_in_the_sessions_made_from_it() {
    let alloc = aws_default_allocator();
    unsafe {
        let mut o = options(|o| {
            aws_tls_ctx_options_init_default_client(o, alloc);
            0
        });
        aws_tls_ctx_options_set_verify_peer(&mut o, false);
        let ctx = aws_tls_client_ctx_new(alloc, &o);
        aws_tls_ctx_options_clean_up(&mut o);
        let shared = tls_context(ctx).unwrap();
        assert_eq!(aws_tls_ctx_acquire(ctx), ctx);
        aws_tls_ctx_release(ctx);
        aws_tls_ctx_release(ctx);
        assert!(crate::transport::tls::TlsSession::new(&shared, "localhost", None).is_ok());
    }
}
