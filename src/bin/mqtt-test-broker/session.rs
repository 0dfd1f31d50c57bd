//! A session [MQTT-4.1]: what the broker keeps for one client identifier, connected or not:
//! its subscriptions, the messages waiting to go out, the outgoing QoS 1 and 2 messages not yet
//! acknowledged, and the incoming QoS 2 packet identifiers awaiting PUBREL.

use aws_c_mqtt::codec::{
    Packet, Properties, PubAck, Publish, QoS, Subscription, Version, encoded_len,
};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

/// A session expiry interval meaning "never expires" [MQTT-3.1.2.11.2].
pub const NEVER_EXPIRES: u32 = u32::MAX;

/// A message on its way to a subscriber, with the moment the broker received it (for the
/// message expiry interval [MQTT-3.3.2.3.3]).
#[derive(Clone, Debug)]
pub struct Message {
    /// The PUBLISH to send, packet identifier not yet assigned.
    pub publish: Publish,
    /// When the broker received it.
    pub received: Instant,
}

impl Message {
    /// The PUBLISH to send now, its message expiry interval lowered by the time spent here;
    /// `None` once it expired.
    pub fn to_send(&self, now: Instant) -> Option<Publish> {
        let mut p = self.publish.clone();
        if let Some(expiry) = p.properties.message_expiry_interval {
            let waited = now.saturating_duration_since(self.received).as_secs();
            if waited >= u64::from(expiry) {
                return None;
            }
            p.properties.message_expiry_interval = Some(expiry - waited as u32);
        }
        Some(p)
    }
}

/// A subscription held by a session.
#[derive(Clone, Debug)]
pub struct Sub {
    /// The filter and options as subscribed; `qos` holds the QoS granted.
    pub options: Subscription,
    /// The subscription identifier of its SUBSCRIBE (MQTT 5).
    pub identifier: Option<u32>,
}

/// An outgoing QoS 1 or 2 PUBLISH not yet fully acknowledged [MQTT-4.3]: the packet it awaits.
#[derive(Clone, Debug)]
pub enum Inflight {
    /// QoS 1, sent, awaiting PUBACK. Next: done.
    Puback(Publish),
    /// QoS 2, sent, awaiting PUBREC. Next: Pubcomp (or done on an error PUBREC).
    Pubrec(Publish),
    /// QoS 2, PUBREL sent, awaiting PUBCOMP. Next: done.
    Pubcomp,
}

/// What the broker keeps for one client identifier.
#[derive(Debug)]
pub struct Session {
    /// The connection attached to it, if any.
    pub owner: Option<u64>,
    /// Seconds it outlives its connection ([`NEVER_EXPIRES`]: forever).
    pub expiry_interval: u32,
    /// When it expires, while no connection is attached.
    pub expires_at: Option<Instant>,
    /// Subscriptions by filter (as subscribed, `$share/...` included).
    pub subscriptions: BTreeMap<String, Sub>,
    /// Messages waiting for a connection or a free slot under the client's receive maximum.
    pub pending: VecDeque<Message>,
    /// Outgoing QoS 1 and 2 messages in flight, oldest first.
    pub inflight: Vec<(u16, Inflight)>,
    /// Incoming QoS 2 packet identifiers: PUBLISH received, PUBREL not yet.
    pub incoming_qos2: BTreeSet<u16>,
    next_packet_id: u16,
}

impl Session {
    /// A new session attached to connection `owner`.
    pub fn new(owner: u64, expiry_interval: u32) -> Session {
        Session {
            owner: Some(owner),
            expiry_interval,
            expires_at: None,
            subscriptions: BTreeMap::new(),
            pending: VecDeque::new(),
            inflight: Vec::new(),
            incoming_qos2: BTreeSet::new(),
            next_packet_id: 1,
        }
    }

    /// Queues a message for the client. QoS 0 messages are dropped while no connection is
    /// attached (the specification allows storing them or not).
    pub fn enqueue(&mut self, message: Message) {
        if self.owner.is_some() || message.publish.qos != QoS::AtMostOnce {
            self.pending.push_back(message);
        }
    }

    /// True when the session has expired at `now`.
    pub fn expired(&self, now: Instant) -> bool {
        self.owner.is_none() && self.expires_at.is_some_and(|t| t <= now)
    }

    /// Detaches the connection at `now`; the session then lives `expiry_interval` seconds.
    pub fn detach(&mut self, now: Instant) {
        self.owner = None;
        self.expires_at = match self.expiry_interval {
            NEVER_EXPIRES => None,
            secs => Some(now + Duration::from_secs(u64::from(secs))),
        };
    }

    fn allocate_packet_id(&mut self) -> u16 {
        loop {
            let id = self.next_packet_id;
            self.next_packet_id = self.next_packet_id.checked_add(1).unwrap_or(1);
            if !self.inflight.iter().any(|(i, _)| *i == id) {
                return id;
            }
        }
    }

    /// The packets to resend when a client resumes the session [MQTT-4.4.0-1]: unacknowledged
    /// PUBLISHes with DUP set, and PUBRELs, in their original order.
    pub fn resend(&self, version: Version) -> Vec<Packet> {
        self.inflight
            .iter()
            .map(|(id, state)| match state {
                Inflight::Puback(p) | Inflight::Pubrec(p) => {
                    let mut p = for_version(p.clone(), version);
                    p.dup = true;
                    Packet::Publish(p)
                }
                Inflight::Pubcomp => Packet::Pubrel(PubAck {
                    packet_id: *id,
                    ..Default::default()
                }),
            })
            .collect()
    }

    /// Takes the pending messages that may go out now: QoS 0 always, QoS 1 and 2 while fewer
    /// than `receive_maximum` are in flight (they get a packet identifier and enter the
    /// in-flight list). Messages larger than the client's `maximum_packet_size` are dropped
    /// [MQTT-3.1.2-25], as are expired ones; their count is returned alongside.
    pub fn take_sendable(
        &mut self,
        now: Instant,
        version: Version,
        receive_maximum: u16,
        maximum_packet_size: Option<u32>,
    ) -> (Vec<Publish>, usize) {
        let mut out = Vec::new();
        let mut dropped = 0;
        while let Some(front) = self.pending.front() {
            let qos = front.publish.qos;
            if qos != QoS::AtMostOnce && self.inflight.len() >= usize::from(receive_maximum) {
                break;
            }
            let Some(message) = self.pending.pop_front() else {
                break;
            };
            let Some(publish) = message.to_send(now) else {
                dropped += 1;
                continue;
            };
            let mut publish = for_version(publish, version);
            publish.packet_id = if qos == QoS::AtMostOnce { 0 } else { 1 };
            let size =
                encoded_len(&Packet::Publish(publish.clone()), version).unwrap_or(usize::MAX);
            if maximum_packet_size.is_some_and(|max| size > max as usize) {
                dropped += 1;
                continue;
            }
            if qos != QoS::AtMostOnce {
                publish.packet_id = self.allocate_packet_id();
                let state = match qos {
                    QoS::AtLeastOnce => Inflight::Puback(publish.clone()),
                    _ => Inflight::Pubrec(publish.clone()),
                };
                self.inflight.push((publish.packet_id, state));
            }
            out.push(publish);
        }
        (out, dropped)
    }

    /// Position of in-flight packet `id`.
    pub fn inflight_index(&self, id: u16) -> Option<usize> {
        self.inflight.iter().position(|(i, _)| *i == id)
    }
}

/// `p` as a client of `version` receives it: MQTT 3.1.1 has no properties.
fn for_version(mut p: Publish, version: Version) -> Publish {
    if version == Version::V311 {
        p.properties = Properties::default();
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(qos: QoS) -> Message {
        Message {
            publish: Publish {
                qos,
                topic: "t".into(),
                ..Default::default()
            },
            received: Instant::now(),
        }
    }

    #[test]
    fn qos_1_and_2_wait_for_a_slot_under_the_receive_maximum_mqtt_4_9() {
        let mut s = Session::new(1, 0);
        for q in [QoS::AtLeastOnce, QoS::ExactlyOnce, QoS::AtLeastOnce] {
            s.enqueue(message(q));
        }
        let (sent, _) = s.take_sendable(Instant::now(), Version::V5, 2, None);
        assert_eq!(sent.iter().map(|p| p.packet_id).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(s.pending.len(), 1);
    }

    #[test]
    fn qos_0_is_dropped_while_offline() {
        let mut s = Session::new(1, NEVER_EXPIRES);
        s.detach(Instant::now());
        s.enqueue(message(QoS::AtMostOnce));
        s.enqueue(message(QoS::AtLeastOnce));
        assert_eq!(s.pending.len(), 1);
        assert!(!s.expired(Instant::now() + Duration::from_secs(1 << 30)));
    }

    #[test]
    fn expired_messages_are_not_sent_mqtt_3_3_2_5() {
        let mut s = Session::new(1, 0);
        let mut m = message(QoS::AtMostOnce);
        m.publish.properties.message_expiry_interval = Some(10);
        s.enqueue(m.clone());
        let (sent, _) = s.take_sendable(m.received + Duration::from_secs(3), Version::V5, 10, None);
        assert_eq!(sent[0].properties.message_expiry_interval, Some(7));
        s.enqueue(m.clone());
        let (sent, dropped) =
            s.take_sendable(m.received + Duration::from_secs(11), Version::V5, 10, None);
        assert_eq!((sent.len(), dropped), (0, 1));
    }
}
