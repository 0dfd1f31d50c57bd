//! The adapter's connect and disconnect, and its setters: each changes the MQTT 5 client's
//! configuration for its next connection, as upstream's adapter writes into the client's
//! options (CONNECT fields, timeouts, session behaviour, the endpoint).

use super::Mqtt5Adapter;
use crate::client::backoff::BackoffConfig;
use crate::client::iot_metrics::{IotMetrics, connect_username};
use crate::client::mqtt5::SessionBehavior;
use crate::client::mqtt5::settings::DEFAULT_PING_TIMEOUT_MS;
use crate::codec::Will;
use crate::connection::Endpoint;
use crate::ffi::guard::Result;
use crate::ffi::mqtt::client_connection::{Callbacks, ConnectTarget};
use crate::ffi::mqtt::client_delegate::Callback;
use crate::ffi::mqtt::client_types::*;
use crate::ffi::mqtt::handle::Termination;
use crate::ffi::mqtt::v5::client::aws_mqtt5_client;
use bytes::Bytes;

/// Upstream's adapter asks for a week of session expiry when the 3.1.1 user keeps sessions
/// (the most AWS IoT Core allows).
const KEPT_SESSION_EXPIRY_SECS: u32 = 7 * 24 * 60 * 60;

impl Mqtt5Adapter {
    /// `connect`, with its arguments checked: on the client's loop, the view decides; a new
    /// connect points the client at the target, resets its connection and starts it.
    pub(crate) fn connect(
        &self,
        target: ConnectTarget,
        on_complete: Callback<aws_mqtt_client_on_connection_complete_fn>,
    ) {
        let on_complete = SendCallback(on_complete);
        self.on_loop(move |a| {
            let on_complete = on_complete;
            let (now, start) = a.state().view.connect(on_complete.0);
            a.notify(now);
            if start {
                a.apply_target(target);
            }
        });
    }

    /// Points the client at `target` and (re)starts it (on the client's loop).
    fn apply_target(&self, target: ConnectTarget) {
        let client = self.client();
        let ConnectTarget {
            client_id,
            host,
            port,
            socket,
            tls,
            keep_alive_secs,
            ping_timeout_ms,
            operation_timeout_ms,
            clean_session,
        } = target;
        client.update_endpoint(|e: &mut Endpoint| {
            e.host = host;
            e.port = port;
            e.socket = socket;
            e.tls = tls;
        });
        client.use_client_id(client_id.clone());
        client.reconfigure(move |s| {
            s.connect.keep_alive = keep_alive_secs;
            s.connect.client_id = client_id;
            s.ping_timeout_ms = match ping_timeout_ms {
                0 => DEFAULT_PING_TIMEOUT_MS,
                ms => ms,
            };
            // Seconds, rounded up, as upstream's adapter converts them.
            s.ack_timeout_secs = operation_timeout_ms.div_ceil(1_000);
            if clean_session {
                s.session_behavior = SessionBehavior::Clean;
                s.connect.properties.session_expiry_interval = None;
            } else {
                s.session_behavior = SessionBehavior::RejoinAlways;
                s.connect.properties.session_expiry_interval = Some(KEPT_SESSION_EXPIRY_SECS);
            }
        });
        client.reset_connection();
        client.start();
    }

    /// `disconnect`: on the client's loop, the view decides; a running client is stopped and
    /// `on_disconnect` waits for it to stop.
    pub(crate) fn disconnect(&self, on_disconnect: Callback<aws_mqtt_client_on_disconnect_fn>) {
        let on_disconnect = SendCallback(on_disconnect);
        self.on_loop(move |a| {
            let on_disconnect = on_disconnect;
            let wants = a.client().wants_connection();
            let (now, stop) = a.state().view.disconnect(on_disconnect.0, wants);
            if stop {
                a.client().stop(None);
            }
            a.notify(now);
        });
    }

    /// `set_will`: the will of the next CONNECT.
    pub(crate) fn set_will(&self, will: Will) -> Result<()> {
        self.client()
            .reconfigure(move |s| s.connect.will = Some(will));
        Ok(())
    }

    /// `set_login`: the user name (with the metrics, when set) and password of the next
    /// CONNECT.
    pub(crate) fn set_login(
        &self,
        username: Option<String>,
        password: Option<Bytes>,
    ) -> Result<()> {
        let username = {
            let mut s = self.state();
            s.username = username;
            connect_username(s.username.as_deref(), s.metrics.as_ref())
        };
        self.client().reconfigure(move |s| {
            s.connect.username = username;
            s.connect.password = password;
        });
        Ok(())
    }

    /// `set_metrics`: the metrics appended to the next CONNECT's user name.
    pub(crate) fn set_metrics(&self, metrics: Option<IotMetrics>) -> Result<()> {
        let username = {
            let mut s = self.state();
            s.metrics = metrics;
            connect_username(s.username.as_deref(), s.metrics.as_ref())
        };
        self.client()
            .reconfigure(move |s| s.connect.username = username);
        Ok(())
    }

    /// `set_reconnect_timeout`, in seconds as `client.h` says: the client's backoff bounds.
    pub(crate) fn set_reconnect_timeout(&self, min_secs: u64, max_secs: u64) -> Result<()> {
        let (min, max) = (min_secs.min(max_secs), min_secs.max(max_secs));
        self.client().reconfigure(move |s| {
            s.backoff = BackoffConfig {
                min_delay_ms: min.saturating_mul(1_000),
                max_delay_ms: max.saturating_mul(1_000),
                ..s.backoff
            }
        });
        Ok(())
    }

    /// Changes the endpoint of the client's next connection (proxy, WebSocket, resolution).
    pub(crate) fn update_endpoint(&self, change: impl FnOnce(&mut Endpoint)) -> Result<()> {
        self.client().update_endpoint(change);
        Ok(())
    }

    /// Changes a 3.1.1 callback.
    pub(crate) fn set_callbacks(&self, change: impl FnOnce(&mut Callbacks)) -> Result<()> {
        change(&mut self.state().callbacks);
        Ok(())
    }

    /// Changes the termination handler.
    pub(crate) fn set_termination(&self, termination: Termination) -> Result<()> {
        self.state().termination = termination;
        Ok(())
    }

    /// The client the adapter drives.
    pub(crate) fn mqtt5_client(&self) -> *mut aws_mqtt5_client {
        self.client
    }
}

/// A user callback moving to the client's loop.
struct SendCallback<F>(Callback<F>);
// SAFETY: the user data goes back to the user's callback on the loop thread, as the API says.
unsafe impl<F> Send for SendCallback<F> {}
