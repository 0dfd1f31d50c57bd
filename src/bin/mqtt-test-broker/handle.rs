//! Handling each packet a connected client sends: PUBLISH and the QoS 1 and 2 flows in both
//! directions [MQTT-4.3], SUBSCRIBE with retained messages, UNSUBSCRIBE, PINGREQ, DISCONNECT;
//! packets a client must not send end the connection as protocol errors.

use crate::connection::{Close, Connection, Flow, State};
use crate::describe::type_name;
use crate::matching::{has_wildcard, shared};
use crate::session::{Inflight, Sub};
use crate::transport::Transport;
use aws_c_mqtt::codec::{
    Disconnect, Packet, PubAck, Publish, QoS, Suback, Subscribe, Subscription, Unsuback,
    Unsubscribe, Version,
};
use std::time::Instant;

impl<S: Transport> Connection<S> {
    /// Handles one packet received in the current state.
    pub(crate) fn handle(&mut self, packet: Packet) -> Flow {
        match (self.state, packet) {
            (State::Silent, _) => Ok(()),
            (State::AwaitingConnect, Packet::Connect(c)) => self.on_connect(*c),
            (State::Authenticating, Packet::Auth(a)) => self.on_connect_auth(a),
            (State::Authenticating, p) => Err(Close::abnormal(format!(
                "{} during authentication",
                type_name(p.packet_type())
            ))),
            (State::AwaitingConnect, p) => {
                // [MQTT-3.1.0-1] the first packet is a CONNECT.
                Err(Close::abnormal(format!(
                    "{} before CONNECT",
                    type_name(p.packet_type())
                )))
            }
            (State::Connected, packet) => match packet {
                Packet::Publish(p) => self.on_publish(p),
                Packet::Puback(a) => self.on_puback(a),
                Packet::Pubrec(a) => self.on_pubrec(a),
                Packet::Pubrel(a) => self.on_pubrel(a),
                Packet::Pubcomp(a) => self.on_pubcomp(a),
                Packet::Subscribe(s) => self.on_subscribe(s),
                Packet::Unsubscribe(u) => self.on_unsubscribe(u),
                Packet::Pingreq if self.behaviour.no_pingresp => Ok(()),
                Packet::Pingreq => self.send(&Packet::Pingresp),
                Packet::Disconnect(d) => self.on_disconnect(d),
                // [MQTT-3.1.0-2] a second CONNECT is a protocol violation.
                Packet::Connect(_) => Err(self.violation(0x82, "second CONNECT")),
                Packet::Auth(a) if self.behaviour.scram.is_some() => self.on_reauth(a),
                Packet::Auth(_) => {
                    Err(self.violation(0x82, "AUTH without an authentication method"))
                }
                p => Err(self.violation(
                    0x82,
                    format!("{} from a client", type_name(p.packet_type())),
                )),
            },
        }
    }

    fn client(&self) -> String {
        self.peer
            .as_ref()
            .map(|p| p.client_id.clone())
            .unwrap_or_default()
    }

    /// Replaces a topic alias by its topic, or records it [MQTT-3.3.2.3.4].
    fn resolve_alias(&mut self, p: &mut Publish) -> Flow {
        let Some(alias) = p.properties.topic_alias.take() else {
            return Ok(());
        };
        let max = self.behaviour.advertised.topic_alias_maximum.unwrap_or(0);
        if alias > max {
            // [MQTT-3.3.2-9]
            return Err(
                self.violation(0x94, format!("topic alias {alias} above the maximum {max}"))
            );
        }
        let Some(peer) = self.peer.as_mut() else {
            return Ok(());
        };
        if !p.topic.is_empty() {
            peer.topic_aliases.insert(alias, p.topic.clone());
            return Ok(());
        }
        match peer.topic_aliases.get(&alias) {
            Some(topic) => {
                p.topic = topic.clone();
                Ok(())
            }
            None => Err(self.violation(0x82, format!("topic alias {alias} was never set"))),
        }
    }

    fn on_publish(&mut self, mut p: Publish) -> Flow {
        let v5 = self.version == Version::V5;
        self.resolve_alias(&mut p)?;
        let adv = &self.behaviour.advertised;
        if v5 && adv.maximum_qos.is_some_and(|max| p.qos as u8 > max) {
            // [MQTT-3.2.2-11]
            return Err(self.violation(
                0x9B,
                format!("PUBLISH QoS {} above the maximum QoS", p.qos as u8),
            ));
        }
        if v5 && p.retain && adv.retain_available == Some(false) {
            // [MQTT-3.2.2-14]
            return Err(self.violation(0x9A, "retained PUBLISH while retain is not available"));
        }
        let receive_maximum = usize::from(adv.receive_maximum.unwrap_or(u16::MAX));
        let client = self.client();
        let now = Instant::now();
        let mut broker = self.shared.lock();
        let duplicate = p.qos == QoS::ExactlyOnce
            && broker
                .sessions
                .get(&client)
                .is_some_and(|s| s.incoming_qos2.contains(&p.packet_id));
        if p.qos != QoS::AtMostOnce && !duplicate {
            if v5 && self.incoming_inflight >= receive_maximum {
                drop(broker);
                // [MQTT-3.3.4-9]
                return Err(self.violation(0x93, "receive maximum exceeded"));
            }
            self.incoming_inflight += 1;
        }
        if !duplicate {
            broker.route(&p, &client, now);
        }
        if p.qos == QoS::ExactlyOnce {
            if let Some(s) = broker.sessions.get_mut(&client) {
                s.incoming_qos2.insert(p.packet_id);
            }
        }
        drop(broker);
        let ack = PubAck {
            packet_id: p.packet_id,
            ..Default::default()
        };
        match p.qos {
            QoS::AtMostOnce => {}
            QoS::AtLeastOnce => self.ack(Packet::Puback(ack))?,
            QoS::ExactlyOnce => self.ack(Packet::Pubrec(ack))?,
        }
        self.sync()
    }

    fn on_pubrel(&mut self, a: PubAck) -> Flow {
        let client = self.client();
        let known = self
            .shared
            .lock()
            .sessions
            .get_mut(&client)
            .is_some_and(|s| s.incoming_qos2.remove(&a.packet_id));
        // [MQTT-4.3.3] 0x92: Packet Identifier not found (MQTT 5 only).
        let reason_code = if known || self.version == Version::V311 {
            0
        } else {
            0x92
        };
        self.ack(Packet::Pubcomp(PubAck {
            packet_id: a.packet_id,
            reason_code,
            ..Default::default()
        }))
    }

    /// Removes in-flight message `id` if `expected(state)`; true when it did.
    fn complete_inflight(&mut self, id: u16, expected: fn(&Inflight) -> bool) -> bool {
        let client = self.client();
        let mut broker = self.shared.lock();
        let Some(s) = broker.sessions.get_mut(&client) else {
            return false;
        };
        match s.inflight_index(id) {
            Some(i) if expected(&s.inflight[i].1) => {
                s.inflight.remove(i);
                true
            }
            _ => false,
        }
    }

    fn on_puback(&mut self, a: PubAck) -> Flow {
        self.complete_inflight(a.packet_id, |s| matches!(s, Inflight::Puback(_)));
        self.sync()
    }

    fn on_pubcomp(&mut self, a: PubAck) -> Flow {
        self.complete_inflight(a.packet_id, |s| matches!(s, Inflight::Pubcomp));
        self.sync()
    }

    fn on_pubrec(&mut self, a: PubAck) -> Flow {
        let v5 = self.version == Version::V5;
        if v5 && a.reason_code >= 0x80 {
            // [MQTT-4.3.3] an error PUBREC ends the flow.
            self.complete_inflight(a.packet_id, |s| matches!(s, Inflight::Pubrec(_)));
            return self.sync();
        }
        let client = self.client();
        let known = {
            let mut broker = self.shared.lock();
            let session = broker.sessions.get_mut(&client);
            match session.and_then(|s| s.inflight_index(a.packet_id).map(|i| &mut s.inflight[i].1))
            {
                Some(state @ (Inflight::Pubrec(_) | Inflight::Pubcomp)) => {
                    *state = Inflight::Pubcomp;
                    true
                }
                _ => false,
            }
        };
        let reason_code = if known || !v5 { 0 } else { 0x92 };
        self.send(&Packet::Pubrel(PubAck {
            packet_id: a.packet_id,
            reason_code,
            ..Default::default()
        }))
    }

    fn on_subscribe(&mut self, s: Subscribe) -> Flow {
        let v5 = self.version == Version::V5;
        let adv = self.behaviour.advertised.clone();
        let identifier = s.properties.subscription_identifiers.first().copied();
        let refused = |code: u8| if v5 { code } else { 0x80 };
        let client = self.client();
        let mut codes = Vec::new();
        let mut broker = self.shared.lock();
        for sub in s.subscriptions {
            let group = shared(&sub.filter);
            let inner = group.map_or(sub.filter.as_str(), |(_, f)| f);
            let code = if adv.wildcard_subscription_available == Some(false) && has_wildcard(inner)
            {
                refused(0xA2)
            } else if adv.shared_subscription_available == Some(false) && group.is_some() {
                refused(0x9E)
            } else if adv.subscription_identifiers_available == Some(false) && identifier.is_some()
            {
                refused(0xA1)
            } else {
                let granted = (sub.qos as u8).min(adv.maximum_qos.unwrap_or(2));
                let qos = QoS::from_u8(granted).unwrap_or_default();
                let existed = broker
                    .sessions
                    .get(&client)
                    .is_some_and(|s| s.subscriptions.contains_key(&sub.filter));
                // [MQTT-3.3.1-9] - [MQTT-3.3.1-11] retain handling; none for shared subscriptions.
                let send_retained = group.is_none()
                    && (sub.retain_handling == 0 || (sub.retain_handling == 1 && !existed));
                let retained = if send_retained {
                    broker.retained_matching(&sub.filter, qos, identifier)
                } else {
                    Vec::new()
                };
                if let Some(session) = broker.sessions.get_mut(&client) {
                    let options = Subscription { qos, ..sub.clone() };
                    session.subscriptions.insert(
                        sub.filter.clone(),
                        Sub {
                            options,
                            identifier,
                        },
                    );
                    retained.into_iter().for_each(|m| session.enqueue(m));
                }
                granted
            };
            codes.push(code);
        }
        drop(broker);
        self.ack(Packet::Suback(Suback {
            packet_id: s.packet_id,
            reason_codes: codes,
            ..Default::default()
        }))?;
        self.sync()
    }

    fn on_unsubscribe(&mut self, u: Unsubscribe) -> Flow {
        let client = self.client();
        let mut codes = Vec::new();
        {
            let mut broker = self.shared.lock();
            let mut subscriptions = broker
                .sessions
                .get_mut(&client)
                .map(|s| &mut s.subscriptions);
            for filter in &u.filters {
                let existed = subscriptions
                    .as_mut()
                    .is_some_and(|subs| subs.remove(filter).is_some());
                // 0x11: No subscription existed [MQTT-3.11.3].
                codes.push(if existed { 0x00 } else { 0x11 });
            }
        }
        if self.version == Version::V311 {
            codes.clear();
        }
        self.ack(Packet::Unsuback(Unsuback {
            packet_id: u.packet_id,
            reason_codes: codes,
            ..Default::default()
        }))
    }

    fn on_disconnect(&mut self, d: Disconnect) -> Flow {
        if let Some(expiry) = d.properties.session_expiry_interval {
            let client = self.client();
            let mut broker = self.shared.lock();
            let Some(session) = broker.sessions.get_mut(&client) else {
                return Err(Close::normal("DISCONNECT"));
            };
            if session.expiry_interval == 0 && expiry != 0 {
                drop(broker);
                // [MQTT-3.14.2-2]
                return Err(
                    self.violation(0x82, "session expiry set by DISCONNECT after 0 in CONNECT")
                );
            }
            session.expiry_interval = expiry;
        }
        // 0x04: Disconnect with Will Message [MQTT-3.14.2.1].
        let will = self.version == Version::V5 && d.reason_code == 0x04;
        Err(Close {
            reason: format!("DISCONNECT {:#04x} from the client", d.reason_code),
            will,
        })
    }
}
