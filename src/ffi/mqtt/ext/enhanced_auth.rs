//! `aws/mqtt/ext/enhanced_auth.h`: beyond upstream: MQTT 5 enhanced authentication
//! [MQTT-4.12] for the MQTT 5 client, whose upstream has no AUTH packet. A client given an
//! authentication method sends it (and its initial data) in every CONNECT; each challenge the
//! server sends (AUTH, Continue authentication) reaches `on_challenge` on the client's loop, and
//! the answer goes back with `aws_mqtt_ext_mqtt5_client_continue_auth` whenever it is ready, from
//! any thread. The CONNACK ends the exchange: the lifecycle events report it as usual (a refusal
//! as a connection failure with the CONNACK's reason code), and a success reaches
//! `on_complete` with the CONNACK's authentication data (a server's final proof, which
//! upstream's CONNACK view has no field for). Once connected,
//! `aws_mqtt_ext_mqtt5_client_reauthenticate` starts the exchange again without disturbing
//! traffic; `on_complete` reports its end: the server's AUTH Success, or an error code (a server
//! that refuses closes the connection, reported as a disconnection as well).
//!
//! # Safety
//! Pointer arguments are NULL or valid; a client is one the caller holds a reference to.

use crate::client::mqtt5::Settings;
use crate::codec::{Auth, utf8};
use crate::connection::mqtt5_protocol::Mqtt5Command;
use crate::ffi::common::byte_buf::{aws_byte_cursor, cursor_bytes};
use crate::ffi::guard::{self, INVALID_ARGUMENT, Result};
use crate::ffi::mqtt::v5::client::{aws_mqtt5_client, client_of};
use crate::ffi::mqtt::v5::client_delegate::OpToken;
use crate::ffi::mqtt::v5::mqtt5_views::aws_mqtt5_user_property;
use bytes::Bytes;
use std::ffi::{c_int, c_void};

/// An AUTH packet from the server, for the duration of a callback.
#[repr(C)]
pub struct aws_mqtt_ext_auth_view {
    /// The AUTH reason code: 0x18 (continue authentication) for a challenge, 0x00 (success) at
    /// the end of a re-authentication.
    pub reason_code: u8,
    /// The authentication method (the client's).
    pub authentication_method: aws_byte_cursor,
    /// The server's authentication data; NULL when it sent none.
    pub authentication_data: *const aws_byte_cursor,
    /// The server's reason string; NULL when it sent none.
    pub reason_string: *const aws_byte_cursor,
    /// How many user properties.
    pub user_property_count: usize,
    /// The server's user properties.
    pub user_properties: *const aws_mqtt5_user_property,
}

/// A challenge arrived: answer with `aws_mqtt_ext_mqtt5_client_continue_auth`.
pub type aws_mqtt_ext_auth_challenge_fn = unsafe extern "C" fn(
    client: *mut aws_mqtt5_client,
    challenge: *const aws_mqtt_ext_auth_view,
    user_data: *mut c_void,
);

/// An exchange ended: `error_code` 0 and the server's success (the CONNACK's method and data
/// as an AUTH Success, or the AUTH Success of a re-authentication), or an error code and NULL.
pub type aws_mqtt_ext_auth_complete_fn = unsafe extern "C" fn(
    client: *mut aws_mqtt5_client,
    error_code: c_int,
    success: *const aws_mqtt_ext_auth_view,
    user_data: *mut c_void,
);

/// Enhanced authentication for an MQTT 5 client.
#[repr(C)]
pub struct aws_mqtt_ext_enhanced_auth_options {
    /// The authentication method (MQTT UTF-8 text, not empty), e.g. `SCRAM-SHA-256`.
    pub authentication_method: aws_byte_cursor,
    /// The data of the CONNECT; NULL for none.
    pub initial_data: *const aws_byte_cursor,
    /// Required: receives each challenge.
    pub on_challenge: Option<aws_mqtt_ext_auth_challenge_fn>,
    /// Optional: receives the end of each exchange, the CONNECT's and each re-authentication.
    pub on_complete: Option<aws_mqtt_ext_auth_complete_fn>,
    /// Passed to both callbacks.
    pub user_data: *mut c_void,
}

/// The callbacks a client with enhanced authentication calls.
#[derive(Clone, Copy)]
pub(crate) struct AuthHandlers {
    on_challenge: Option<aws_mqtt_ext_auth_challenge_fn>,
    on_complete: Option<aws_mqtt_ext_auth_complete_fn>,
    user_data: *mut c_void,
}

// SAFETY: the user data is handed back to the user's callbacks, on the loop thread, which is
// what the API promises; nothing here dereferences it.
unsafe impl Send for AuthHandlers {}

/// Data from a cursor that may be NULL.
///
/// # Safety
/// `data` is NULL or a valid cursor.
unsafe fn optional_data(data: *const aws_byte_cursor) -> Result<Option<Bytes>> {
    if data.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's contract.
    Ok(Some(Bytes::copy_from_slice(unsafe { cursor_bytes(data) }?)))
}

/// Gives `client` enhanced authentication from its next connection on; NULL options turn it
/// off. `AWS_ERROR_INVALID_ARGUMENT` for a NULL client, an empty or invalid method, or no
/// `on_challenge`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_ext_mqtt5_client_set_enhanced_auth(
    client: *mut aws_mqtt5_client,
    options: *const aws_mqtt_ext_enhanced_auth_options,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the client and lends valid options.
        unsafe {
            let c = client_of(client)?;
            let Some(options) = options.as_ref() else {
                c.set_auth_handlers(None);
                c.reconfigure(|s: &mut Settings| {
                    s.connect.properties.authentication_method = None;
                    s.connect.properties.authentication_data = None;
                });
                return Ok(());
            };
            let method = cursor_bytes(&options.authentication_method)?;
            let method = utf8::validate(method).map_err(|_| INVALID_ARGUMENT)?;
            if method.is_empty() || options.on_challenge.is_none() {
                return Err(INVALID_ARGUMENT);
            }
            let method = method.to_owned();
            let data = optional_data(options.initial_data)?;
            c.set_auth_handlers(Some(AuthHandlers {
                on_challenge: options.on_challenge,
                on_complete: options.on_complete,
                user_data: options.user_data,
            }));
            c.reconfigure(move |s: &mut Settings| {
                s.connect.properties.authentication_method = Some(method);
                s.connect.properties.authentication_data = data;
            });
        }
        Ok(())
    })
}

/// Sends the client's loop the command `make` builds from `data`.
///
/// # Safety
/// As the functions below.
unsafe fn send_data(
    client: *mut aws_mqtt5_client,
    data: *const aws_byte_cursor,
    make: fn(Option<Bytes>) -> Mqtt5Command<OpToken>,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the client and lends a valid cursor.
        unsafe { client_of(client)?.send(make(optional_data(data)?)) };
        Ok(())
    })
}

/// Answers the server's last challenge with `data` (NULL: none). Ignored when no exchange is in
/// progress by the time the client's loop runs it (the connection it answered is gone).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_ext_mqtt5_client_continue_auth(
    client: *mut aws_mqtt5_client,
    data: *const aws_byte_cursor,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { send_data(client, data, Mqtt5Command::ContinueAuthentication) }
}

/// Starts re-authentication with `data` (NULL: none); `on_complete` reports its end,
/// with `AWS_ERROR_MQTT_NOT_CONNECTED` when the client is not connected, or
/// `AWS_ERROR_MQTT5_OPERATION_PROCESSING_FAILURE` without enhanced authentication or while one is
/// in progress.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_ext_mqtt5_client_reauthenticate(
    client: *mut aws_mqtt5_client,
    data: *const aws_byte_cursor,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { send_data(client, data, Mqtt5Command::Reauthenticate) }
}

/// Calls `f` with the C view of `auth`.
fn with_view<R>(auth: &Auth, f: impl FnOnce(&aws_mqtt_ext_auth_view) -> R) -> R {
    let cursor = |b: &[u8]| aws_byte_cursor::from_slice(b);
    let props = &auth.properties;
    let data = props.authentication_data.as_deref().map(cursor);
    let reason = props.reason_string.as_deref().map(|s| cursor(s.as_bytes()));
    let user_properties: Vec<aws_mqtt5_user_property> = props
        .user_properties
        .iter()
        .map(|(name, value)| aws_mqtt5_user_property {
            name: cursor(name.as_bytes()),
            value: cursor(value.as_bytes()),
        })
        .collect();
    let view = aws_mqtt_ext_auth_view {
        reason_code: auth.reason_code,
        authentication_method: cursor(
            props
                .authentication_method
                .as_deref()
                .unwrap_or_default()
                .as_bytes(),
        ),
        authentication_data: data.as_ref().map_or(std::ptr::null(), |c| c),
        reason_string: reason.as_ref().map_or(std::ptr::null(), |c| c),
        user_property_count: user_properties.len(),
        user_properties: if user_properties.is_empty() {
            std::ptr::null()
        } else {
            user_properties.as_ptr()
        },
    };
    f(&view)
}

/// Hands a challenge to the client's `on_challenge` (on the loop thread, no lock held).
pub(crate) fn deliver_challenge(
    handlers: Option<AuthHandlers>,
    client: *mut aws_mqtt5_client,
    auth: &Auth,
) {
    let Some(AuthHandlers {
        on_challenge: Some(f),
        user_data,
        ..
    }) = handlers
    else {
        return;
    };
    // SAFETY: the user's callback, with a view valid for the call.
    with_view(auth, |view| unsafe { f(client, view, user_data) });
}

/// Reports the end of an exchange to the client's `on_complete`.
pub(crate) fn deliver_completion(
    handlers: Option<AuthHandlers>,
    client: *mut aws_mqtt5_client,
    result: std::result::Result<&Auth, c_int>,
) {
    let Some(AuthHandlers {
        on_complete: Some(f),
        user_data,
        ..
    }) = handlers
    else {
        return;
    };
    match result {
        // SAFETY: the user's callback, with a view valid for the call.
        Ok(auth) => with_view(auth, |view| unsafe { f(client, 0, view, user_data) }),
        // SAFETY: as above.
        Err(code) => unsafe { f(client, code, std::ptr::null(), user_data) },
    }
}
