//! The operations a user submits, and the record the engine keeps of each until it completes.

use crate::codec::{CodecError, EncodedPublish, PublishRef, QoS, Version};

/// One topic filter of a subscribe, with the handler its messages are routed to.
#[derive(Debug)]
pub struct SubscribeTopic<S> {
    /// The topic filter (a `$share/` filter included).
    pub filter: String,
    /// The maximum QoS asked for.
    pub qos: QoS,
    /// Moved into the subscription tree when the SUBSCRIBE is first sent.
    pub handler: Option<S>,
}

/// An operation, as submitted.
// Publishes are the common request: boxing them would cost an allocation per publish.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Request<S> {
    /// PUBLISH at the packet's QoS, encoded where it was submitted (its packet id and DUP flag
    /// are set in place when sent; see `codec::EncodedPublish`).
    Publish(EncodedPublish),
    /// SUBSCRIBE to these filters.
    Subscribe(Vec<SubscribeTopic<S>>),
    /// SUBSCRIBE again to every filter in the tree (`aws_mqtt_resubscribe_existing_topics`).
    Resubscribe,
    /// UNSUBSCRIBE from one filter.
    Unsubscribe(String),
    /// A PINGREQ the user asked for.
    Ping,
}

impl<S> Request<S> {
    /// A PUBLISH request, encoded now from its parts; `Err` for what the codec cannot encode.
    pub fn publish(publish: PublishRef<'_>) -> Result<Request<S>, CodecError> {
        EncodedPublish::from_parts(publish, Version::V311).map(Request::Publish)
    }

    /// [`publish`](Self::publish) for parts whose topic the caller checked with
    /// `topic::checked_name` (see `EncodedPublish::from_checked_parts`).
    pub fn checked_publish(publish: PublishRef<'_>) -> Result<Request<S>, CodecError> {
        EncodedPublish::from_checked_parts(publish, Version::V311).map(Request::Publish)
    }

    /// Whether the server acknowledges the operation. Only those wait in the offline queue
    /// while disconnected and are resent: QoS 0 publishes and pings complete once written, and
    /// fail with `AWS_ERROR_MQTT_NOT_CONNECTED` without a connection, as upstream's do.
    pub fn is_acknowledged(&self) -> bool {
        match self {
            Request::Publish(p) => p.qos() != QoS::AtMostOnce,
            Request::Ping => false,
            _ => true,
        }
    }

    /// The size upstream's statistics count for the operation: a 4-byte header estimate plus
    /// the topic and payload (publish) or each filter plus 3 (subscribe); 0 for a ping.
    pub fn statistics_size(&self) -> u64 {
        let len = |s: &str| s.len() as u64;
        match self {
            Request::Publish(p) => publish_statistics_size(p),
            Request::Subscribe(topics) => {
                4 + topics.iter().map(|t| 3 + len(&t.filter)).sum::<u64>()
            }
            Request::Resubscribe => 4,
            Request::Unsubscribe(filter) => 4 + 2 + len(filter),
            Request::Ping => 0,
        }
    }
}

/// The size a publish counts for in the operation statistics (upstream's: topic, payload and
/// 4 bytes).
pub fn publish_statistics_size(publish: &EncodedPublish) -> u64 {
    publish_size(publish.topic_len(), publish.payload(Version::V311).len())
}

/// [`publish_statistics_size`] from the topic's and payload's lengths.
pub fn publish_size(topic_len: usize, payload_len: usize) -> u64 {
    (4 + topic_len + payload_len) as u64
}

/// Where an operation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Waiting to be sent (the offline queue, or next in line).
    Queued,
    /// Sent; waiting for PUBACK, SUBACK, UNSUBACK or (QoS 2) PUBREC.
    AwaitingAck,
    /// QoS 2: PUBREC received and PUBREL sent; waiting for PUBCOMP.
    AwaitingPubcomp,
}

/// The engine's record of one unfinished operation.
#[derive(Debug)]
pub struct Operation<T, S> {
    /// What was asked.
    pub request: Request<S>,
    /// The caller's token, handed back on completion.
    pub token: T,
    /// Where it stands.
    pub stage: Stage,
    /// Sent at least once: a resent PUBLISH carries DUP [MQTT-3.3.1-1].
    pub sent_before: bool,
    /// Sent on the current link and not yet acknowledged (counted as unacked).
    pub in_flight: bool,
    /// The send stamp of its last write (see [`SendQueue::stamp_send`]): orders a resend, and
    /// tells a timeout armed for an earlier send from the current one.
    ///
    /// [`SendQueue::stamp_send`]: crate::client::send_queue::SendQueue::stamp_send
    pub send_stamp: u64,
    /// The subscribe filters the SUBACK answers (a resubscribe's, fixed when it is sent).
    pub filters_sent: usize,
    /// Its own ACK timeout in milliseconds; 0: the connection's (`operation_timeout_ns`).
    pub timeout_ms: u32,
    /// Its record in the connection's store (a durable QoS 1 or 2 publish); 0: none.
    pub record: u64,
}
