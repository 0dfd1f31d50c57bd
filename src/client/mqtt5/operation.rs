//! The operations a user submits to the MQTT 5 client, their in-flight records, and which of
//! them survive a disconnection under each offline queue policy.

use crate::client::mqtt5::settings::OfflineQueuePolicy;
use crate::codec::{
    CodecError, Disconnect, EncodedPublish, Packet, Publish, QoS, Subscribe, Unsubscribe, Version,
    encoded_len,
};

/// What the user asked for. A PUBLISH is held as its wire bytes, encoded where it was
/// submitted (see `codec::EncodedPublish`); a SUBSCRIBE or UNSUBSCRIBE as the packet, encoded
/// when sent. Packet ids are the engine's, set when the packet is first sent.
#[derive(Debug)]
pub enum Request {
    /// PUBLISH (its user topic alias kept aside, used in manual aliasing only).
    Publish(EncodedPublish),
    /// SUBSCRIBE or UNSUBSCRIBE.
    Packet(Box<Packet>),
}

impl Request {
    /// A PUBLISH request, encoded now; `Err` for what the codec cannot encode.
    pub fn publish(publish: Publish) -> Result<Request, CodecError> {
        EncodedPublish::new(publish, Version::V5).map(Request::Publish)
    }

    /// The QoS of a PUBLISH; `None` for the others.
    pub fn publish_qos(&self) -> Option<QoS> {
        match self {
            Request::Publish(p) => Some(p.qos()),
            _ => None,
        }
    }

    /// A SUBSCRIBE request.
    pub fn subscribe(subscribe: Subscribe) -> Request {
        Request::Packet(Box::new(Packet::Subscribe(subscribe)))
    }

    /// An UNSUBSCRIBE request.
    pub fn unsubscribe(unsubscribe: Unsubscribe) -> Request {
        Request::Packet(Box::new(Packet::Unsubscribe(unsubscribe)))
    }
}

/// Whether `request` waits for an acknowledgement once sent.
pub fn is_acknowledged(request: &Request) -> bool {
    request.publish_qos() != Some(QoS::AtMostOnce)
}

/// Whether `request` is a QoS 1 or 2 publish, which a rejoined session must resend
/// [MQTT-4.4.0-1].
pub fn is_qos1_plus_publish(request: &Request) -> bool {
    request
        .publish_qos()
        .is_some_and(|qos| qos != QoS::AtMostOnce)
}

/// Whether `request` stays queued across a disconnection (or is accepted while offline) under
/// `policy`.
pub fn survives_disconnection(request: &Request, policy: OfflineQueuePolicy) -> bool {
    match policy {
        OfflineQueuePolicy::FailAllOnDisconnect => false,
        OfflineQueuePolicy::FailQos0PublishOnDisconnect => {
            request.publish_qos() != Some(QoS::AtMostOnce)
        }
        OfflineQueuePolicy::FailNonQos1PublishOnDisconnect => is_qos1_plus_publish(request),
    }
}

/// Gives `request` its packet id (none for a QoS 0 publish).
pub fn set_packet_id(request: &mut Request, packet_id: u16) {
    match request {
        Request::Publish(p) => p.set_packet_id(packet_id),
        Request::Packet(packet) => match &mut **packet {
            Packet::Subscribe(s) => s.packet_id = packet_id,
            Packet::Unsubscribe(u) => u.packet_id = packet_id,
            _ => {}
        },
    }
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
    /// The packet's encoded size with its packet id.
    pub size: u64,
    /// Sent and waiting for its acknowledgement (on this connection, or on the lost one until
    /// the next CONNACK requeues it).
    pub unacked: bool,
    /// The send stamp of its last write: the order to resend in.
    pub send_stamp: u64,
    /// When it times out waiting for its acknowledgement; 0: no deadline (the clock never
    /// reads 0). Not an `Option`: its 8 bytes more per operation would count in a burst.
    pub ack_deadline: u64,
    /// QoS 2 progress.
    pub stage: Stage,
    /// Its record in the client's store (a durable QoS 1 or 2 publish); 0: none.
    pub record: u64,
}

impl<T> Operation<T> {
    /// A new operation; `request` must not have a packet id yet.
    // Always inlined: the hot submission is one of two callers (with the store's restore).
    #[inline(always)]
    pub fn new(mut request: Request, token: T, ack_timeout_secs: u32) -> Operation<T> {
        let size = match &mut request {
            // Its id's two bytes are in the encoding already.
            Request::Publish(p) => p.submitted_len(Version::V5),
            Request::Packet(_) => {
                // Measured with a placeholder id, which takes the same two bytes as the real one.
                set_packet_id(&mut request, 1);
                let size = match &request {
                    Request::Packet(p) => encoded_len(p, Version::V5).unwrap_or(0),
                    Request::Publish(_) => 0,
                };
                set_packet_id(&mut request, 0);
                size
            }
        } as u64;
        Operation {
            request,
            token,
            ack_timeout_secs,
            size,
            unacked: false,
            send_stamp: 0,
            ack_deadline: 0,
            stage: Stage::Initial,
            record: 0,
        }
    }

    /// The packet id it holds, 0 for none.
    pub fn packet_id(&self) -> u16 {
        match &self.request {
            Request::Publish(p) => p.packet_id(),
            Request::Packet(packet) => match &**packet {
                Packet::Subscribe(s) => s.packet_id,
                Packet::Unsubscribe(u) => u.packet_id,
                _ => 0,
            },
        }
    }

    /// The size the statistics count: upstream's, the packet as submitted, which for a
    /// PUBLISH has no packet id yet (its 2 bytes are not counted).
    pub fn statistics_size(&self) -> u64 {
        match self.request.publish_qos() {
            Some(QoS::AtLeastOnce | QoS::ExactlyOnce) => self.size - 2,
            _ => self.size,
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
        Request::publish(Publish {
            topic: "t".into(),
            qos,
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn each_policy_keeps_what_upstream_keeps() {
        use OfflineQueuePolicy::*;
        let sub = Request::subscribe(Subscribe::default());
        let unsub = Request::unsubscribe(Unsubscribe::default());
        let cases = [
            (FailAllOnDisconnect, [false, false, false, false]),
            (FailQos0PublishOnDisconnect, [false, true, true, true]),
            (FailNonQos1PublishOnDisconnect, [false, true, false, false]),
        ];
        for (policy, expected) in cases {
            let got = [
                survives_disconnection(&publish(QoS::AtMostOnce), policy),
                survives_disconnection(&publish(QoS::AtLeastOnce), policy),
                survives_disconnection(&sub, policy),
                survives_disconnection(&unsub, policy),
            ];
            assert_eq!(got, expected, "{policy:?}");
        }
    }

    #[test]
    fn the_size_is_the_encoded_packets_and_the_statistics_leave_out_a_publishs_id() {
        // 2-byte fixed header, 3-byte topic, 2-byte id, 1-byte property length, 4-byte payload.
        let op = Operation::new(
            Request::publish(Publish {
                topic: "t".into(),
                qos: QoS::AtLeastOnce,
                payload: bytes::Bytes::from_static(b"abcd"),
                ..Default::default()
            })
            .unwrap(),
            (),
            0,
        );
        assert_eq!(op.size, 12);
        assert_eq!(op.statistics_size(), 10);
        assert_eq!(op.packet_id(), 0);
    }
}
