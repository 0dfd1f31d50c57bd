//! The STS web identity provider against a local HTTPS endpoint named by the profile's
//! `endpoint_url` (rustls on 127.0.0.1, the test CA trusted through the options' TLS context):
//! the AssumeRoleWithWebIdentity request with the token file's contents, the credentials of the
//! XML answer, a retryable error asked again, a refusal, and a token file that is gone.

use crate::error::aws_auth_errors::AWS_AUTH_CREDENTIALS_PROVIDER_STS_WEB_IDENTITY_SOURCE_FAILURE;
use crate::error::aws_common_error::AWS_ERROR_INVALID_ARGUMENT;
use crate::ffi::auth::credentials_provider::*;
use crate::ffi::auth::provider_options::*;
use crate::ffi::auth::provider_test_support::{Setup, ask, cur, response, serve_tls};
use crate::ffi::auth::providers_sts_web_identity::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::error::{aws_last_error, aws_reset_error};
use crate::ffi::common::string::{aws_string_destroy, aws_string_new_from_array};
use crate::ffi::sdkutils::aws_profile::*;
use std::ffi::c_int;
use std::ptr::{null, null_mut};

const ANSWER: &str = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
<SessionToken>tok</SessionToken><SecretAccessKey>s</SecretAccessKey><Expiration>2030-01-01T00:00:00Z</Expiration>\
<AccessKeyId>WEBKEY</AccessKeyId></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
const FAILURE: Result<String, c_int> =
    Err(AWS_AUTH_CREDENTIALS_PROVIDER_STS_WEB_IDENTITY_SOURCE_FAILURE as c_int);

fn setup(name: &str) -> Setup {
    let s = Setup::new(&format!("sts-{name}"));
    std::fs::write(s.dir.join("token"), "web-token+/=").unwrap();
    s
}

/// A provider whose profile sends it to `localhost:port`, reading `token`.
fn provider(s: &Setup, port: u16, token: &str) -> *mut aws_credentials_provider {
    let config = s.dir.join("config");
    std::fs::write(
        &config,
        format!(
            "[profile web]\nregion = us-east-1\nrole_arn = arn:aws:iam::1:role/web\nrole_session_name = session one\n\
             web_identity_token_file = {}\nendpoint_url = https://localhost:{port}\n",
            s.dir.join(token).display()
        ),
    )
    .unwrap();
    unsafe {
        let path = config.as_os_str().as_encoded_bytes();
        let p = aws_string_new_from_array(aws_default_allocator(), path.as_ptr(), path.len());
        let collection = aws_profile_collection_new_from_file(aws_default_allocator(), p, 1);
        aws_string_destroy(p);
        let o = aws_credentials_provider_sts_web_identity_options {
            shutdown_options: aws_credentials_provider_shutdown_options {
                shutdown_callback: None,
                shutdown_user_data: null_mut(),
            },
            bootstrap: s.bootstrap.0,
            config_profile_collection_cached: collection,
            tls_ctx: s.device.connection.ctx,
            proxy_ev_settings: null(),
            function_table: null_mut(),
            profile_name_override: cur("web"),
            region: cur(""),
            role_arn: cur(""),
            role_session_name: cur(""),
            token_file_path: cur(""),
        };
        let provider = aws_credentials_provider_new_sts_web_identity(aws_default_allocator(), &o);
        aws_profile_collection_release(collection);
        assert!(!provider.is_null());
        provider
    }
}

#[test]
fn the_token_is_exchanged_for_the_roles_credentials() {
    let s = setup("ok");
    let (port, server) = serve_tls(&s.server, vec![response("200 OK", ANSWER)]);
    let p = provider(&s, port, "token");
    assert_eq!(ask(p), Ok("WEBKEY".to_string()));
    let request = server.join().unwrap().unwrap().remove(0);
    assert!(request.starts_with("POST / HTTP/1.1\r\n"), "{request}");
    assert!(request.contains("content-type: application/x-www-form-urlencoded\r\n"));
    assert!(request.ends_with(
        "\r\n\r\nAction=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fweb\
         &RoleSessionName=session%20one&WebIdentityToken=web-token%2B%2F%3D"
    ), "{request}");
    unsafe { aws_credentials_provider_release(p) };
    std::fs::remove_dir_all(&s.dir).unwrap();
}

#[test]
fn retryable_errors_are_asked_again_and_refusals_fail() {
    let s = setup("retry");
    let idp = "<ErrorResponse><Error><Code>IDPCommunicationError</Code></Error></ErrorResponse>";
    let (port, server) = serve_tls(
        &s.server,
        vec![response("400 Bad Request", idp), response("200 OK", ANSWER)],
    );
    let p = provider(&s, port, "token");
    assert_eq!(ask(p), Ok("WEBKEY".to_string()));
    assert_eq!(server.join().unwrap().unwrap().len(), 2);
    unsafe { aws_credentials_provider_release(p) };

    let denied = "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>";
    let (port, server) = serve_tls(&s.server, vec![response("403 Forbidden", denied)]);
    let p = provider(&s, port, "token");
    assert_eq!(ask(p), FAILURE);
    assert_eq!(server.join().unwrap().unwrap().len(), 1);
    unsafe { aws_credentials_provider_release(p) };

    // No token file: nothing is sent.
    let p = provider(&s, port, "missing-token");
    assert_eq!(ask(p), FAILURE);
    unsafe { aws_credentials_provider_release(p) };
    std::fs::remove_dir_all(&s.dir).unwrap();
}

#[test]
fn a_bootstrap_and_a_tls_context_are_required() {
    let s = setup("options");
    unsafe {
        let o = aws_credentials_provider_sts_web_identity_options {
            shutdown_options: aws_credentials_provider_shutdown_options {
                shutdown_callback: None,
                shutdown_user_data: null_mut(),
            },
            bootstrap: s.bootstrap.0,
            config_profile_collection_cached: null_mut(),
            tls_ctx: null_mut(),
            proxy_ev_settings: null(),
            function_table: null_mut(),
            profile_name_override: cur(""),
            region: cur("us-east-1"),
            role_arn: cur("arn"),
            role_session_name: cur(""),
            token_file_path: cur("/tmp/x"),
        };
        aws_reset_error();
        assert!(
            aws_credentials_provider_new_sts_web_identity(aws_default_allocator(), &o).is_null()
        );
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT as c_int);
    }
    std::fs::remove_dir_all(&s.dir).unwrap();
}
