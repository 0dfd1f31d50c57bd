//! The C side of the WebSocket handshake for both MQTT clients: the user's transform gets the
//! upgrade request as an `aws_http_message` and finishes through a completion function, from
//! any thread; the 3.1.1 client's validator sees the server's answer fields.

use crate::ffi::common::error::aws_common_error::AWS_ERROR_UNKNOWN;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard;
use crate::ffi::http::request_response::{
    aws_http_message, aws_http_message_release, header_views, message_from, request_of,
};
use crate::ffi::mqtt::client_connection::aws_mqtt_client_connection;
use crate::ffi::mqtt::client_types::{
    aws_mqtt_transform_websocket_handshake_fn, aws_mqtt_validate_websocket_handshake_fn,
};
use crate::transport::http_request::HttpRequest;
use crate::transport::websocket::{ResponseFields, WebSocketHooks};
use std::ffi::{c_int, c_void};

/// A transform (both clients' typedefs have this shape).
type Transform = aws_mqtt_transform_websocket_handshake_fn;
/// A validator.
type Validate = aws_mqtt_validate_websocket_handshake_fn;

/// The user's callbacks and their pointers.
pub struct CHooks {
    /// The transform and its user data; none sends the request as built.
    pub transform: Option<(Transform, *mut c_void)>,
    /// The validator, its user data and the connection it is told about.
    pub validate: Option<(Validate, *mut c_void, *mut aws_mqtt_client_connection)>,
}

// SAFETY: the pointers are the user's, handed back to the user's callbacks as upstream does
// from its event-loop thread; the user vouches for them across threads.
unsafe impl Send for CHooks {}
// SAFETY: as above; the hooks never dereference them.
unsafe impl Sync for CHooks {}

/// A transform in progress: where its result goes, and the message it was given.
struct Pending {
    done: Box<dyn FnOnce(Result<HttpRequest, c_int>) + Send>,
    message: *mut aws_http_message,
}

unsafe extern "C" fn transform_complete(
    request: *mut aws_http_message,
    error_code: c_int,
    complete_ctx: *mut c_void,
) {
    guard::guard((), || {
        if complete_ctx.is_null() {
            return Ok(());
        }
        // SAFETY: the context is the `Pending` boxed by `transform`, completed once.
        let pending = unsafe { Box::from_raw(complete_ctx as *mut Pending) };
        // A panic reading the request still completes the transform, as a failure.
        let result = guard::guard(Err(AWS_ERROR_UNKNOWN as c_int), || {
            if error_code != 0 {
                crate::aws_log!(
                    AWS_LL_ERROR,
                    AWS_LS_MQTT_CLIENT,
                    "websocket: the handshake transform failed with error {error_code}"
                );
                return Ok(Err(error_code));
            }
            let message = if request.is_null() {
                pending.message
            } else {
                request
            };
            // SAFETY: a live message: ours, or one the user made with this library.
            Ok(unsafe { request_of(message) }.map_err(|e| e.0))
        });
        // SAFETY: the reference `transform` took.
        unsafe { aws_http_message_release(pending.message) };
        (pending.done)(result);
        Ok(())
    })
}

impl WebSocketHooks for CHooks {
    fn transform(
        &self,
        request: HttpRequest,
        done: Box<dyn FnOnce(Result<HttpRequest, c_int>) + Send>,
    ) {
        let Some((transform, user_data)) = self.transform else {
            return done(Ok(request));
        };
        let message = message_from(request);
        let pending = Box::into_raw(Box::new(Pending { done, message }));
        // SAFETY: the user's transform, given a live message and our completion.
        unsafe {
            transform(
                message,
                user_data,
                Some(transform_complete),
                pending as *mut c_void,
            )
        };
    }

    fn validate(&self, fields: &ResponseFields) -> Result<(), c_int> {
        let Some((validate, user_data, connection)) = self.validate else {
            return Ok(());
        };
        let views = header_views(fields);
        // SAFETY: the user's validator, given views that outlive the call.
        let refused = unsafe { validate(connection, views.as_ptr(), views.len(), user_data) };
        if refused == 0 {
            return Ok(());
        }
        let code = aws_last_error();
        crate::aws_log!(
            AWS_LL_ERROR,
            AWS_LS_MQTT_CLIENT,
            "websocket: the handshake validator refused the answer, error {code}"
        );
        Err(if code == 0 {
            AWS_ERROR_UNKNOWN as c_int
        } else {
            code
        })
    }
}
