//! What one `connect` asks for: the CONNECT packet's fields and the connection's timers.

use crate::client::backoff::BackoffConfig;
use crate::codec::{Connect, Version, Will};
use bytes::Bytes;

/// Upstream's keep-alive interval when the caller passes 0: 20 minutes.
pub const DEFAULT_KEEP_ALIVE_SECS: u16 = 1200;
/// Upstream's ping (and CONNACK) timeout when the caller passes 0: 3 seconds.
pub const DEFAULT_PING_TIMEOUT_NS: u64 = 3_000_000_000;

/// The settings of a connection, fixed for the life of one `connect` (reconnects included).
#[derive(Clone, Debug)]
pub struct Settings {
    /// The client identifier sent in CONNECT.
    pub client_id: String,
    /// Clean Session [MQTT-3.1.2.4]: the session lasts as long as the network connection.
    pub clean_session: bool,
    /// Keep Alive in seconds [MQTT-3.1.2.10]; a PINGREQ goes out when nothing else has.
    pub keep_alive_secs: u16,
    /// How long to wait for PINGRESP, and for CONNACK, before dropping the connection.
    pub ping_timeout_ns: u64,
    /// How long an acknowledged operation waits for its ACK once sent; `None`: forever.
    pub operation_timeout_ns: Option<u64>,
    /// The will message [MQTT-3.1.2.5].
    pub will: Option<Will>,
    /// The user name, metrics already appended.
    pub username: Option<String>,
    /// The password (sent only with a user name [MQTT-3.1.2-22]).
    pub password: Option<Bytes>,
    /// How reconnect attempts are spaced.
    pub backoff: BackoffConfig,
    /// A failed first attempt is retried with the backoff (beyond upstream, which stops):
    /// `connect`'s completion then reports the first success, or the user's disconnect.
    pub retry_first_connect: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            client_id: String::new(),
            clean_session: true,
            keep_alive_secs: DEFAULT_KEEP_ALIVE_SECS,
            ping_timeout_ns: DEFAULT_PING_TIMEOUT_NS,
            operation_timeout_ns: None,
            will: None,
            username: None,
            password: None,
            backoff: BackoffConfig::MQTT311_DEFAULT,
            retry_first_connect: false,
        }
    }
}

impl Settings {
    /// The keep-alive interval in nanoseconds.
    pub fn keep_alive_ns(&self) -> u64 {
        u64::from(self.keep_alive_secs) * 1_000_000_000
    }

    /// The CONNECT packet these settings send.
    pub fn connect_packet(&self) -> Connect {
        let username = self.username.clone().filter(|u| !u.is_empty());
        Connect {
            version: Version::V311,
            clean_start: self.clean_session,
            keep_alive: self.keep_alive_secs,
            client_id: self.client_id.clone(),
            will: self.will.clone(),
            password: username.as_ref().and(self.password.clone()),
            username,
            properties: Default::default(),
        }
    }
}
