//! The operations a user submits to the MQTT 5 client, their in-flight records, and which of
//! them survive a disconnection under each offline queue policy.

use crate::client::mqtt5::settings::OfflineQueuePolicy;
use crate::codec::{
    Disconnect, Packet, Publish, QoS, Subscribe, Unsubscribe, Version, encoded_len,
};

/// What the user asked for. Packet ids are the engine's: the client assigns them when the
/// packet is first sent.
#[derive(Debug)]
pub enum Request {
    /// PUBLISH; its `properties.topic_alias` is the user's alias (manual aliasing only).
    Publish(Publish),
    /// SUBSCRIBE.
    Subscribe(Subscribe),
    /// UNSUBSCRIBE.
    Unsubscribe(Unsubscribe),
}

impl Request {
    /// The packet's encoded size as the user built it (with a placeholder packet id).
    fn packet_size(&mut self) -> u64 {
        let len = self.as_packet(1, |packet| encoded_len(packet, Version::V5));
        len.map_or(0, |n| n as u64)
    }

    /// Runs `f` on the request as a packet with `packet_id` (for a QoS 0 publish: none),
    /// without copying it; the request is unchanged afterwards.
    pub fn as_packet<R>(&mut self, packet_id: u16, f: impl FnOnce(&Packet) -> R) -> R {
        match self {
            Request::Publish(p) => {
                let id = std::mem::replace(
                    &mut p.packet_id,
                    if p.qos == QoS::AtMostOnce {
                        0
                    } else {
                        packet_id
                    },
                );
                let r = lend(
                    p,
                    Packet::Publish,
                    |x| match x {
                        Packet::Publish(p) => p,
                        _ => Publish::default(),
                    },
                    f,
                );
                p.packet_id = id;
                r
            }
            Request::Subscribe(s) => {
                s.packet_id = packet_id;
                lend(
                    s,
                    Packet::Subscribe,
                    |x| match x {
                        Packet::Subscribe(s) => s,
                        _ => Subscribe::default(),
                    },
                    f,
                )
            }
            Request::Unsubscribe(u) => {
                u.packet_id = packet_id;
                lend(
                    u,
                    Packet::Unsubscribe,
                    |x| match x {
                        Packet::Unsubscribe(u) => u,
                        _ => Unsubscribe::default(),
                    },
                    f,
                )
            }
        }
    }

    /// Whether it waits for an acknowledgement once sent.
    pub fn is_acknowledged(&self) -> bool {
        match self {
            Request::Publish(p) => p.qos != QoS::AtMostOnce,
            Request::Subscribe(_) | Request::Unsubscribe(_) => true,
        }
    }

    /// Whether it is a QoS 1 or 2 publish, which a rejoined session must resend [MQTT-4.4.0-1].
    pub fn is_qos1_plus_publish(&self) -> bool {
        matches!(self, Request::Publish(p) if p.qos != QoS::AtMostOnce)
    }

    /// Whether it stays queued across a disconnection (or is accepted while offline) under
    /// `policy`.
    pub fn survives_disconnection(&self, policy: OfflineQueuePolicy) -> bool {
        match policy {
            OfflineQueuePolicy::FailAllOnDisconnect => false,
            OfflineQueuePolicy::FailQos0PublishOnDisconnect => {
                !matches!(self, Request::Publish(p) if p.qos == QoS::AtMostOnce)
            }
            OfflineQueuePolicy::FailNonQos1PublishOnDisconnect => self.is_qos1_plus_publish(),
        }
    }
}

/// Moves `value` into a packet for `f`, then back.
fn lend<P: Default, R>(
    value: &mut P,
    wrap: impl FnOnce(P) -> Packet,
    unwrap: impl FnOnce(Packet) -> P,
    f: impl FnOnce(&Packet) -> R,
) -> R {
    let packet = wrap(std::mem::take(value));
    let r = f(&packet);
    *value = unwrap(packet);
    r
}

/// Where a QoS 2 publish stands [MQTT-4.3.3].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Not sent, or sent and waiting for PUBACK, PUBREC, SUBACK or UNSUBACK.
    Initial,
    /// PUBREC received and PUBREL sent: waiting for PUBCOMP.
    Released,
}

/// An operation the client holds until it completes.
#[derive(Debug)]
pub struct Operation<T> {
    /// What was asked.
    pub request: Request,
    /// The caller's completion token.
    pub token: T,
    /// The per-operation ACK timeout in seconds; 0: the client's.
    pub ack_timeout_secs: u32,
    /// The packet's encoded size as submitted, packet id included.
    pub size: u64,
    /// The packet id while it has one.
    pub packet_id: u16,
    /// Sent on this connection and waiting for its acknowledgement.
    pub unacked: bool,
    /// QoS 2 progress.
    pub stage: Stage,
}

impl<T> Operation<T> {
    /// The size the statistics count: upstream's, the packet as submitted, which for a
    /// PUBLISH has no packet id yet (its 2 bytes are not counted).
    pub fn statistics_size(&self) -> u64 {
        match &self.request {
            Request::Publish(p) if p.qos != QoS::AtMostOnce => self.size - 2,
            _ => self.size,
        }
    }

    /// A new operation.
    pub fn new(mut request: Request, token: T, ack_timeout_secs: u32) -> Operation<T> {
        Operation {
            size: request.packet_size(),
            request,
            token,
            ack_timeout_secs,
            packet_id: 0,
            unacked: false,
            stage: Stage::Initial,
        }
    }
}

/// The user's DISCONNECT of a stop, with its completion token.
#[derive(Debug)]
pub struct UserDisconnect<T> {
    /// The packet.
    pub packet: Disconnect,
    /// The caller's token, completed once the packet is written or cannot be.
    pub token: Option<T>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publish(qos: QoS) -> Request {
        Request::Publish(Publish {
            topic: "t".into(),
            qos,
            ..Default::default()
        })
    }

    #[test]
    fn each_policy_keeps_what_upstream_keeps() {
        use OfflineQueuePolicy::*;
        let sub = Request::Subscribe(Subscribe::default());
        let unsub = Request::Unsubscribe(Unsubscribe::default());
        let cases = [
            (FailAllOnDisconnect, [false, false, false, false]),
            (FailQos0PublishOnDisconnect, [false, true, true, true]),
            (FailNonQos1PublishOnDisconnect, [false, true, false, false]),
        ];
        for (policy, expected) in cases {
            let got = [
                publish(QoS::AtMostOnce).survives_disconnection(policy),
                publish(QoS::AtLeastOnce).survives_disconnection(policy),
                sub.survives_disconnection(policy),
                unsub.survives_disconnection(policy),
            ];
            assert_eq!(got, expected, "{policy:?}");
        }
    }

    #[test]
    fn the_size_is_the_encoded_packets() {
        // 2-byte fixed header, 3-byte topic, 2-byte id, 1-byte property length, 4-byte payload.
        let op = Operation::new(
            Request::Publish(Publish {
                topic: "t".into(),
                qos: QoS::AtLeastOnce,
                payload: bytes::Bytes::from_static(b"abcd"),
                ..Default::default()
            }),
            (),
            0,
        );
        assert_eq!(op.size, 12);
    }
}
