//! The shared builder configuration, on the SDKs' rules: the port and ALPN each method gets
//! (the 443 rule cannot be tested against a broker on loopback, which cannot bind 443), the
//! ALPN list the TLS connection options carry, the metrics handed to the clients, and the
//! WebSocket transform each method installs.

use crate::ffi::auth::credentials_provider::aws_credentials_provider_release;
use crate::ffi::auth::providers_basic::{
    aws_credentials_provider_new_static, aws_credentials_provider_static_options,
};
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_PLATFORM_NOT_SUPPORTED;
use crate::ffi::common::string::string_bytes;
use crate::ffi::guard::Error;
use crate::ffi::iotdevice::connection_config::ConnectionConfig;
use crate::ffi::iotdevice::endpoint::{ALPN_MQTT, ALPN_MQTT_CA};
use crate::ffi::iotdevice::iotdevice::aws_iot_custom_authorizer_config;
use crate::ffi::iotdevice::websocket_signing::{identity_transform, sigv4_transform};
use crate::ffi::mqtt::mqtt::aws_mqtt_metadata_entry;
use crate::ffi::mqtt::v5::mqtt5_client::aws_mqtt5_transform_websocket_handshake_fn as Transform;
use crate::transport::tls_test_pki::{FIXTURE_EC_CERT, FIXTURE_EC_PKCS8_KEY};
use std::ptr;

fn cursor(text: &str) -> aws_byte_cursor {
    aws_byte_cursor::from_slice(text.as_bytes())
}

fn mtls() -> ConnectionConfig {
    let (cert, key) = (cursor(FIXTURE_EC_CERT), cursor(FIXTURE_EC_PKCS8_KEY));
    // SAFETY: valid cursors over static text.
    unsafe {
        ConnectionConfig::mtls_from_memory(
            aws_default_allocator(),
            &cursor("example.com"),
            &cert,
            &key,
        )
    }
    .expect("mutual TLS options from the test PKI")
}

/// The ALPN list of the TLS connection options a build would use.
fn alpn_of(config: &mut ConnectionConfig) -> Option<String> {
    let endpoint = config.endpoint();
    let tls = config.tls_connection(&endpoint).expect("a TLS context");
    if tls.options.alpn_list.is_null() {
        return None;
    }
    // SAFETY: a string the options own.
    let bytes = unsafe { string_bytes(tls.options.alpn_list) }.unwrap();
    Some(String::from_utf8(bytes.to_vec()).unwrap())
}

#[test]
fn mutual_tls_offers_x_amzn_mqtt_ca_on_443_and_by_default_and_nothing_on_another_port() {
    let mut config = mtls();
    assert_eq!(config.endpoint().port, 443);
    assert_eq!(alpn_of(&mut config).as_deref(), Some(ALPN_MQTT_CA));
    config.port = 8883;
    assert_eq!(alpn_of(&mut config), None);
    config.port = 443;
    assert_eq!(alpn_of(&mut config).as_deref(), Some(ALPN_MQTT_CA));
}

#[test]
fn a_direct_custom_authorizer_offers_mqtt_and_over_a_websocket_nothing() {
    let auth = aws_iot_custom_authorizer_config {
        username: aws_byte_cursor::EMPTY,
        authorizer_name: cursor("Auth"),
        password: aws_byte_cursor::EMPTY,
        token_key_name: aws_byte_cursor::EMPTY,
        token_value: aws_byte_cursor::EMPTY,
        token_signature: aws_byte_cursor::EMPTY,
    };
    for (websocket, alpn) in [(false, Some(ALPN_MQTT)), (true, None)] {
        // SAFETY: valid configuration and cursors.
        let mut config = unsafe {
            ConnectionConfig::with_custom_authorizer(
                aws_default_allocator(),
                &cursor("example.com"),
                &auth,
                websocket,
            )
        }
        .unwrap();
        config.port = 4443;
        assert_eq!(alpn_of(&mut config).as_deref(), alpn);
        let transform = config.websocket_transform().unwrap();
        assert_eq!(transform.is_some(), websocket);
        if let Some((f, signer)) = transform {
            assert!(ptr::fn_addr_eq(f, identity_transform as Transform));
            assert!(signer.is_none());
        }
    }
}

#[test]
fn websocket_sigv4_takes_443_no_alpn_and_a_signer_holding_the_provider() {
    // SAFETY: all-zero is "not set" for every field.
    let mut options: aws_credentials_provider_static_options = unsafe { std::mem::zeroed() };
    options.access_key_id = cursor("AKID");
    options.secret_access_key = cursor("secret");
    // SAFETY: valid options; the provider is released below, the builder holds its own.
    unsafe {
        let provider = aws_credentials_provider_new_static(aws_default_allocator(), &options);
        assert!(!provider.is_null());
        let mut config = ConnectionConfig::websocket_sigv4(
            aws_default_allocator(),
            &cursor("example.com"),
            &cursor("eu-west-1"),
            provider,
        )
        .unwrap();
        aws_credentials_provider_release(provider);
        assert_eq!(config.endpoint().port, 443);
        assert_eq!(alpn_of(&mut config), None);
        let (f, signer) = config.websocket_transform().unwrap().unwrap();
        assert!(ptr::fn_addr_eq(f, sigv4_transform as Transform));
        assert!(signer.is_some());
    }
}

#[test]
fn metrics_carry_the_sdk_name_and_version_only_when_given_and_none_when_off() {
    let mut config = mtls();
    // SAFETY: all-zero is a valid entry.
    let mut entry: aws_mqtt_metadata_entry = unsafe { std::mem::zeroed() };
    let metrics = config.metrics(&mut entry).unwrap();
    assert_eq!(metrics.library_name.len, 0);
    assert_eq!(metrics.metadata_count, 0);
    assert!(metrics.metadata_entries.is_null());
    // SAFETY: valid cursors.
    unsafe { config.set_sdk(&cursor("MySDK"), &cursor("1.2")) }.unwrap();
    let metrics = config.metrics(&mut entry).unwrap();
    assert_eq!(metrics.metadata_count, 1);
    assert_eq!(metrics.metadata_entries, ptr::from_ref(&entry));
    // SAFETY: the cursors point into the configuration and a static key.
    unsafe {
        assert_eq!(metrics.library_name.as_bytes().unwrap(), b"MySDK");
        assert_eq!(entry.key.as_bytes().unwrap(), b"IoTSDKVersion");
        assert_eq!(entry.value.as_bytes().unwrap(), b"1.2");
    }
    config.metrics_enabled = false;
    assert!(config.metrics(&mut entry).is_none());
}

#[test]
fn the_windows_store_is_refused_off_windows_and_an_empty_host_everywhere() {
    let store = c"CurrentUser\\MY\\A11F8A9B";
    // SAFETY: valid arguments.
    let refused = unsafe {
        ConnectionConfig::windows_cert_store(aws_default_allocator(), &cursor("h"), store.as_ptr())
    };
    assert_eq!(
        refused.err(),
        Some(Error(AWS_ERROR_PLATFORM_NOT_SUPPORTED as i32))
    );
    let (cert, key) = (cursor(FIXTURE_EC_CERT), cursor(FIXTURE_EC_PKCS8_KEY));
    // SAFETY: valid cursors.
    let empty_host = unsafe {
        ConnectionConfig::mtls_from_memory(aws_default_allocator(), &cursor(""), &cert, &key)
    };
    assert!(empty_host.is_err());
}
