//! `aws/mqtt/client.h`: the entry point of the 3.1.1 API over an MQTT 5 client (see `mod.rs`).

use crate::ffi::guard;
use crate::ffi::mqtt::client_connection::aws_mqtt_client_connection;
use crate::ffi::mqtt::v5::client::aws_mqtt5_client;

/// A 3.1.1 connection over `client`, with one reference; the client may go on being used
/// directly, and the connection's functions act on it. NULL with `AWS_ERROR_INVALID_ARGUMENT`
/// for a NULL client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_client_connection_new_from_mqtt5_client(
    client: *mut aws_mqtt5_client,
) -> *mut aws_mqtt_client_connection {
    // SAFETY: the caller holds a reference to the client, or passes NULL.
    guard::ptr(|| unsafe { super::new_adapter(client) })
}
