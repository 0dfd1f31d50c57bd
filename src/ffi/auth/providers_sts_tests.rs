//! The STS AssumeRole provider against a local HTTPS endpoint named by the profile's
//! `endpoint_url`: the request signed with the source's credentials (recomputed here from the
//! date it carries), its form body, the credentials of the answer expiring after the session's
//! duration, a source that fails, and STS refusing.

use crate::auth::sigv4::{self, Config, SignatureType};
use crate::error::aws_auth_errors::AWS_AUTH_CREDENTIALS_PROVIDER_STS_SOURCE_FAILURE;
use crate::ffi::auth::credentials_provider::*;
use crate::ffi::auth::provider_options::*;
use crate::ffi::auth::provider_test_support::{Setup, ask, cur, response, serve_tls};
use crate::ffi::auth::providers_basic::*;
use crate::ffi::auth::providers_sts::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::string::{aws_string_destroy, aws_string_new_from_array};
use crate::ffi::sdkutils::aws_profile::*;
use std::ffi::c_int;
use std::ptr::{null, null_mut};

const ANSWER: &str = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ROLEKEY</AccessKeyId>\
<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>\
</Credentials></AssumeRoleResult></AssumeRoleResponse>";

fn setup(name: &str) -> Setup {
    Setup::new(&format!("assume-{name}"))
}

fn static_source(token: &str) -> *mut aws_credentials_provider {
    let o = aws_credentials_provider_static_options {
        shutdown_options: aws_credentials_provider_shutdown_options {
            shutdown_callback: None,
            shutdown_user_data: null_mut(),
        },
        access_key_id: cur("SOURCEKEY"),
        secret_access_key: cur("source-secret"),
        session_token: cur(Box::leak(token.to_string().into_boxed_str())),
        account_id: cur(""),
    };
    unsafe { aws_credentials_provider_new_static(aws_default_allocator(), &o) }
}

fn provider(
    s: &Setup,
    port: u16,
    source: *mut aws_credentials_provider,
) -> *mut aws_credentials_provider {
    let config = s.dir.join("config");
    std::fs::write(
        &config,
        format!("[default]\nregion = eu-west-1\nendpoint_url = https://localhost:{port}\n"),
    )
    .unwrap();
    unsafe {
        let path = config.as_os_str().as_encoded_bytes();
        let p = aws_string_new_from_array(aws_default_allocator(), path.as_ptr(), path.len());
        let collection = aws_profile_collection_new_from_file(aws_default_allocator(), p, 1);
        aws_string_destroy(p);
        let o = aws_credentials_provider_sts_options {
            bootstrap: s.bootstrap.0,
            tls_ctx: s.device.connection.ctx,
            creds_provider: source,
            role_arn: cur("arn:aws:iam::1:role/r"),
            session_name: cur("sess"),
            external_id: cur("ext"),
            duration_seconds: 10,
            http_proxy_options: null(),
            proxy_ev_settings: null(),
            profile_collection_cached: collection,
            profile_name_override: cur("default"),
            config_file_name_override: cur(""),
            shutdown_options: aws_credentials_provider_shutdown_options {
                shutdown_callback: None,
                shutdown_user_data: null_mut(),
            },
            function_table: null_mut(),
            system_clock_fn: None,
        };
        let provider = aws_credentials_provider_new_sts(aws_default_allocator(), &o);
        aws_profile_collection_release(collection);
        assert!(!provider.is_null());
        provider
    }
}

/// The value of header `name` in a request's text.
fn header<'a>(request: &'a str, name: &str) -> &'a str {
    request
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .unwrap_or_else(|| panic!("{name} in {request}"))
}

#[test]
fn the_request_is_signed_with_the_sources_credentials() {
    let s = setup("signed");
    let (port, server) = serve_tls(&s.server, vec![response("200 OK", ANSWER)]);
    let source = static_source("source-token");
    let p = provider(&s, port, source);
    assert_eq!(ask(p), Ok("ROLEKEY".to_string()));
    let request = server.join().unwrap().unwrap().remove(0);
    let body = request.split_once("\r\n\r\n").unwrap().1;
    assert_eq!(
        body,
        "Version=2011-06-15&Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&RoleSessionName=sess&ExternalId=ext&DurationSeconds=900"
    );
    assert_eq!(header(&request, "X-Amz-Security-Token"), "source-token");
    // Recompute the signature from the date the request carries.
    let date = header(&request, "X-Amz-Date");
    let timestamp = crate::auth::time::parse_iso8601(
        format!(
            "{}-{}-{}T{}:{}:{}Z",
            &date[0..4],
            &date[4..6],
            &date[6..8],
            &date[9..11],
            &date[11..13],
            &date[13..15]
        )
        .as_bytes(),
    )
    .unwrap();
    let all = |_: &[u8]| true;
    let config = Config {
        signature_type: SignatureType::Headers,
        region: b"eu-west-1",
        service: b"sts",
        timestamp,
        use_double_uri_encode: false,
        should_normalize_uri_path: true,
        omit_session_token: false,
        signed_body_value: b"",
        signed_body_header: false,
        expiration_in_seconds: 0,
        should_sign_header: &all,
    };
    let keys = sigv4::Credentials {
        access_key_id: b"SOURCEKEY".to_vec(),
        secret_access_key: b"source-secret".to_vec(),
        session_token: b"source-token".to_vec(),
    };
    let expected = sigv4::sign(
        &config,
        &sigv4::Request {
            method: b"POST",
            uri: b"/",
            headers: vec![
                (b"host", b"localhost"),
                (b"content-type", b"application/x-www-form-urlencoded"),
            ],
            payload: body.as_bytes(),
        },
        &keys,
    )
    .unwrap();
    let authorization = String::from_utf8(expected.headers.last().unwrap().1.clone()).unwrap();
    assert_eq!(header(&request, "Authorization"), authorization);
    assert!(authorization.contains("/eu-west-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "));
    unsafe {
        aws_credentials_provider_release(p);
        aws_credentials_provider_release(source);
    }
    std::fs::remove_dir_all(&s.dir).unwrap();
}

#[test]
fn a_failing_source_or_a_refusal_fails_the_request() {
    let s = setup("fails");
    let anonymous =
        unsafe { aws_credentials_provider_new_anonymous(aws_default_allocator(), null()) };
    let p = provider(&s, 1, anonymous);
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_STS_SOURCE_FAILURE as c_int)
    );
    unsafe {
        aws_credentials_provider_release(p);
        aws_credentials_provider_release(anonymous);
    }
    let denied = "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>";
    let (port, server) = serve_tls(&s.server, vec![response("403 Forbidden", denied)]);
    let source = static_source("");
    let p = provider(&s, port, source);
    assert_eq!(
        ask(p),
        Err(AWS_AUTH_CREDENTIALS_PROVIDER_STS_SOURCE_FAILURE as c_int)
    );
    let request = server.join().unwrap().unwrap().remove(0);
    assert!(!request.contains("X-Amz-Security-Token"));
    unsafe {
        aws_credentials_provider_release(p);
        aws_credentials_provider_release(source);
    }
    std::fs::remove_dir_all(&s.dir).unwrap();
}

/// Profile options naming `profile` in `config`, with a bootstrap and TLS context for STS.
fn role_profile(
    s: &Setup,
    config: &std::path::Path,
    profile: &str,
) -> aws_credentials_provider_profile_options {
    let path = config.as_os_str().as_encoded_bytes().to_vec();
    aws_credentials_provider_profile_options {
        shutdown_options: aws_credentials_provider_shutdown_options {
            shutdown_callback: None,
            shutdown_user_data: null_mut(),
        },
        profile_name_override: cur(Box::leak(profile.to_string().into_boxed_str())),
        config_file_name_override: crate::ffi::common::byte_buf::aws_byte_cursor::from_slice(
            Box::leak(path.into_boxed_slice()),
        ),
        credentials_file_name_override: cur("/nonexistent/credentials"),
        profile_collection_cached: null_mut(),
        bootstrap: s.bootstrap.0,
        tls_ctx: s.device.connection.ctx,
        function_table: null_mut(),
        proxy_ev_settings: null_mut(),
    }
}

#[test]
fn a_profile_with_role_arn_assumes_it_with_its_source_profiles_keys() {
    use crate::error::aws_auth_errors::AWS_AUTH_PROFILE_STS_CREDENTIALS_PROVIDER_CYCLE_FAILURE;
    use crate::ffi::auth::providers_files::aws_credentials_provider_new_profile;
    use crate::ffi::common::error::{aws_last_error, aws_reset_error};
    let s = setup("profile-role");
    let (port, server) = serve_tls(&s.server, vec![response("200 OK", ANSWER)]);
    let config = s.dir.join("config");
    std::fs::write(
        &config,
        format!(
            "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\nrole_session_name = s1\n\
             region = eu-west-1\nendpoint_url = https://localhost:{port}\n\
             [profile base]\naws_access_key_id = BASEKEY\naws_secret_access_key = b\n\
             [profile loop1]\nrole_arn = a\nsource_profile = loop2\n[profile loop2]\nrole_arn = b\nsource_profile = loop1\n"
        ),
    )
    .unwrap();
    unsafe {
        let p = aws_credentials_provider_new_profile(
            aws_default_allocator(),
            &role_profile(&s, &config, "role"),
        );
        assert!(!p.is_null());
        assert_eq!(ask(p), Ok("ROLEKEY".to_string()));
        let request = server.join().unwrap().unwrap().remove(0);
        assert!(
            header(&request, "Authorization").contains("Credential=BASEKEY/"),
            "{request}"
        );
        assert!(
            request.ends_with("RoleSessionName=s1&DurationSeconds=900"),
            "{request}"
        );
        aws_credentials_provider_release(p);

        aws_reset_error();
        let looped = role_profile(&s, &config, "loop1");
        assert!(aws_credentials_provider_new_profile(aws_default_allocator(), &looped).is_null());
        assert_eq!(
            aws_last_error(),
            AWS_AUTH_PROFILE_STS_CREDENTIALS_PROVIDER_CYCLE_FAILURE as c_int
        );
    }
    std::fs::remove_dir_all(&s.dir).unwrap();
}

#[test]
fn a_profile_with_role_arn_and_only_a_web_identity_token_file_exchanges_the_token() {
    use crate::ffi::auth::providers_files::aws_credentials_provider_new_profile;
    let web_answer = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>\
<AssumedRoleUser><Arn>arn:aws:sts::222233334444:assumed-role/web/s2</Arn></AssumedRoleUser>\
<Credentials><AccessKeyId>WEBKEY</AccessKeyId><SecretAccessKey>s</SecretAccessKey>\
<SessionToken>t</SessionToken></Credentials></AssumeRoleWithWebIdentityResult>\
</AssumeRoleWithWebIdentityResponse>";
    let s = setup("profile-web");
    std::fs::write(s.dir.join("token"), "the-web-token").unwrap();
    let (port, server) = serve_tls(&s.server, vec![response("200 OK", web_answer)]);
    let config = s.dir.join("config");
    std::fs::write(
        &config,
        format!(
            "[profile web]\nrole_arn = arn:aws:iam::2:role/web\nrole_session_name = s2\n\
             web_identity_token_file = {}\nregion = eu-west-1\nendpoint_url = https://localhost:{port}\n\
             [profile nothing]\nrole_arn = arn:aws:iam::2:role/none\n",
            s.dir.join("token").display()
        ),
    )
    .unwrap();
    unsafe {
        let p = aws_credentials_provider_new_profile(
            aws_default_allocator(),
            &role_profile(&s, &config, "web"),
        );
        assert!(!p.is_null());
        assert_eq!(ask(p), Ok("WEBKEY".to_string()));
        let request = server.join().unwrap().unwrap().remove(0);
        assert!(
            request.contains("Action=AssumeRoleWithWebIdentity&")
                && request.contains("RoleSessionName=s2&WebIdentityToken=the-web-token"),
            "{request}"
        );
        aws_credentials_provider_release(p);
        // role_arn with no source at all makes no provider.
        let none = role_profile(&s, &config, "nothing");
        assert!(aws_credentials_provider_new_profile(aws_default_allocator(), &none).is_null());
    }
    std::fs::remove_dir_all(&s.dir).unwrap();
}
