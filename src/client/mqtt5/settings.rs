//! What an MQTT 5 client is configured with, fixed for its life: the CONNECT it sends, how it
//! treats sessions and queued operations across disconnections, its timers, topic aliasing and
//! flow control. The FFI fills it from `struct aws_mqtt5_client_options` after validation.

use crate::client::backoff::BackoffConfig;
use crate::codec::{Connect, Version};

/// Upstream's ping timeout when the option is 0 (`AWS_MQTT5_CLIENT_DEFAULT_PING_TIMEOUT_MS`).
pub const DEFAULT_PING_TIMEOUT_MS: u32 = 30_000;
/// Upstream's CONNACK timeout when the option is 0 (`AWS_MQTT5_DEFAULT_CONNACK_PACKET_TIMEOUT_MS`).
pub const DEFAULT_CONNACK_TIMEOUT_MS: u32 = 20_000;
/// Upstream's ACK timeout when the option is 0
/// (`AWS_MQTT5_CLIENT_DEFAULT_OPERATION_TIMEOUNT_SECONDS`).
pub const DEFAULT_ACK_TIMEOUT_SECS: u32 = 60;
/// Upstream's topic alias cache size when the option is 0 (both directions).
pub const DEFAULT_TOPIC_ALIAS_CACHE_SIZE: u16 = 25;

/// Whether a (re)connection asks to rejoin the previous session (upstream's
/// `aws_mqtt5_client_session_behavior_type`, defaults resolved).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionBehavior {
    /// Every CONNECT has Clean Start set.
    Clean,
    /// Clean Start until a connection succeeded; then rejoin, until the client is stopped.
    RejoinPostSuccess,
    /// Never Clean Start, not even on the first connection.
    RejoinAlways,
}

/// What a disconnection does to operations not yet complete, and which operations are accepted
/// while offline (upstream's `aws_mqtt5_client_operation_queue_behavior_type`, defaults resolved).
/// Unacknowledged QoS 1 and 2 publishes of a rejoined session are always kept [MQTT-4.4.0-1].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfflineQueuePolicy {
    /// Keep QoS 1 and 2 publishes; fail everything else.
    FailNonQos1PublishOnDisconnect,
    /// Fail QoS 0 publishes; keep everything else. Upstream's default.
    FailQos0PublishOnDisconnect,
    /// Fail everything.
    FailAllOnDisconnect,
}

/// How outbound PUBLISHes use topic aliases (upstream's
/// `aws_mqtt5_client_outbound_topic_alias_behavior_type`, defaults resolved).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboundAliasing {
    /// No alias is ever sent. Upstream's default.
    Disabled,
    /// The alias the user put on a publish is used, within the server's maximum.
    Manual,
    /// The client assigns aliases itself, least recently used replaced first, from a cache of
    /// at most this many (and at most the server's maximum).
    Lru(u16),
}

/// The client's configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The CONNECT template: client id, keep alive, login, will and properties. Clean Start and
    /// the Topic Alias Maximum are set per connection.
    pub connect: Connect,
    /// Session rejoining.
    pub session_behavior: SessionBehavior,
    /// What disconnections do to unfinished operations.
    pub offline_queue: OfflineQueuePolicy,
    /// How reconnect attempts are spaced.
    pub backoff: BackoffConfig,
    /// How long to wait for PINGRESP (at most half the keep alive).
    pub ping_timeout_ms: u32,
    /// How long to wait for CONNACK once the transport is up.
    pub connack_timeout_ms: u32,
    /// How long an acknowledged operation waits for its ACK once sent; 0: forever.
    pub ack_timeout_secs: u32,
    /// Outbound topic aliasing.
    pub outbound_aliasing: OutboundAliasing,
    /// Inbound topic aliasing: the Topic Alias Maximum advertised, `None` when disabled.
    pub inbound_alias_maximum: Option<u16>,
    /// AWS IoT Core's limits: 100 publishes/s and 512 KiB/s out of each connection.
    pub iot_core_flow_control: bool,
    /// Beyond upstream: at most this many QoS 1 and 2 publishes in flight, when the server's
    /// Receive Maximum allows more; 0: the server's alone, as upstream.
    pub max_inflight: u16,
}

/// The publishes in flight a client allows itself by default (see `Settings::max_inflight`).
/// Loopback needs far fewer to keep its pipe full, and a link of 100 ms still carries 40,000
/// QoS 1 publishes a second with them; beyond it, every one in flight costs memory (a burst
/// to a server allowing 65,535 kept 65,535 operations at once, 8 MB) and cache for nothing.
pub const DEFAULT_MAX_INFLIGHT: u16 = 4096;

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            connect: Connect {
                version: Version::V5,
                ..Default::default()
            },
            session_behavior: SessionBehavior::Clean,
            offline_queue: OfflineQueuePolicy::FailQos0PublishOnDisconnect,
            backoff: BackoffConfig::MQTT5_DEFAULT,
            ping_timeout_ms: DEFAULT_PING_TIMEOUT_MS,
            connack_timeout_ms: DEFAULT_CONNACK_TIMEOUT_MS,
            ack_timeout_secs: DEFAULT_ACK_TIMEOUT_SECS,
            outbound_aliasing: OutboundAliasing::Disabled,
            inbound_alias_maximum: None,
            iot_core_flow_control: false,
            max_inflight: DEFAULT_MAX_INFLIGHT,
        }
    }
}
