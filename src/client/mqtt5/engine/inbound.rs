//! What the MQTT 5 client does with each packet the server sends: the CONNACK that settles the
//! connection, the acknowledgements that complete operations, PUBLISHes to deliver (their
//! topic aliases resolved, acknowledged as their QoS asks), PUBREL, PINGRESP and DISCONNECT.
//! Anything else is a protocol error.

use super::{
    Control, DISCONNECT_PROTOCOL_ERROR, Engine, Lifecycle, PACKET_IDENTIFIER_NOT_FOUND, State,
    internal_disconnect,
};
use crate::client::mqtt5::operation::{Operation, Request, Stage};
use crate::client::mqtt5::operations::Key;
use crate::client::mqtt5::outcome::{Completion, Error, Event};
use crate::client::wire::{PacketReader, read_packets};
use crate::codec::{CodecError, Connack, Decoder, Packet, PubAck, Publish, QoS};

impl<T> PacketReader for Engine<T> {
    fn decoder(&mut self) -> &mut Decoder {
        &mut self.decoder
    }

    /// Packets after a CONNACK in the same read are handled; after anything that ends the
    /// connection (or starts its DISCONNECT) they are not.
    fn on_packet(&mut self, now: u64, packet: Packet) -> bool {
        let before = self.state;
        self.handle(now, packet);
        match self.state {
            State::MqttConnect | State::Connected => true,
            State::CleanDisconnect => before == State::CleanDisconnect,
            _ => false,
        }
    }

    fn on_malformed(&mut self, _error: CodecError, _packet_type: u8) {
        self.protocol_error();
    }
}

impl<T> Engine<T> {
    /// Bytes received from the transport.
    pub fn receive(&mut self, now: u64, bytes: &[u8]) {
        if !matches!(
            self.state,
            State::MqttConnect | State::Connected | State::CleanDisconnect
        ) {
            return;
        }
        read_packets(self, now, bytes);
    }

    /// Handles one packet from the server.
    fn handle(&mut self, now: u64, packet: Packet) {
        if self.state == State::MqttConnect {
            match packet {
                Packet::Connack(connack) => self.on_connack(now, connack),
                Packet::Auth(auth) => self.on_auth(auth),
                // [MQTT-3.2.0-1]: the server's first packet is a CONNACK.
                _ => self.shut_down_connection(
                    Error::ProtocolError,
                    Some(internal_disconnect(DISCONNECT_PROTOCOL_ERROR)),
                ),
            }
            return;
        }
        match packet {
            Packet::Pingresp => self.keep_alive.pingresp_received(),
            Packet::Disconnect(disconnect) => {
                self.emit_final(Error::DisconnectReceived, None, Some(disconnect));
                self.shut_down_connection(Error::DisconnectReceived, None);
            }
            Packet::Publish(publish) => self.on_publish(publish),
            Packet::Auth(auth) => self.on_auth(auth),
            Packet::Puback(ack) => self.on_puback(ack),
            Packet::Pubrec(ack) => self.on_pubrec(ack),
            Packet::Pubcomp(ack) => self.on_pubcomp(ack),
            Packet::Pubrel(rel) => {
                if self.incoming_qos2.remove(&rel.packet_id) {
                    self.journal.released_qos2(rel.packet_id);
                }
                self.control.push_back(Control::Pubcomp(rel.packet_id));
            }
            Packet::Suback(suback) => {
                let id = suback.packet_id;
                let count = suback.reason_codes.len();
                self.on_ack(id, count, Completion::Suback(suback));
            }
            Packet::Unsuback(unsuback) => {
                let id = unsuback.packet_id;
                let count = unsuback.reason_codes.len();
                self.on_ack(id, count, Completion::Unsuback(unsuback));
            }
            // A second CONNACK, or packets only a server receives [MQTT-4.8.0-1].
            _ => self.protocol_error(),
        }
    }

    fn on_connack(&mut self, now: u64, connack: Connack) {
        self.connack_timeout.disarm();
        if !self.auth_on_connack(&connack) {
            return self.protocol_error();
        }
        if connack.reason_code >= 0x80 {
            self.emit_final(Error::ConnackRefused, Some(connack), None);
            self.shut_down_connection(Error::ConnackRefused, None);
            return;
        }
        self.negotiated.apply(&connack);
        if self.negotiated.rejoined_session && !self.should_rejoin() {
            self.emit_final(Error::CancelledForCleanSession, Some(connack), None);
            self.shut_down_connection(Error::CancelledForCleanSession, None);
            return;
        }
        if self.client_id.is_empty() {
            self.client_id.clone_from(&self.negotiated.client_id);
        }
        self.state = State::Connected;
        self.requeue_on_connection();
        let server = self.negotiated.receive_maximum_from_server;
        let in_flight = match self.settings.max_inflight {
            0 => server,
            limit => server.min(limit),
        };
        self.flow.reset(in_flight, now);
        self.inbound_aliases
            .reset(self.negotiated.topic_alias_maximum_to_client);
        self.outbound_aliases
            .reset(self.negotiated.topic_alias_maximum_to_server);
        if !self.negotiated.rejoined_session {
            self.incoming_qos2.clear();
            self.journal.cleared_qos2();
        }
        self.has_connected = true;
        self.keep_alive.start(now, self.keep_alive_ns());
        self.backoff.on_connected(now);
        self.lifecycle = Lifecycle::Connected;
        self.outbox.event(Event::ConnectionSuccess {
            connack,
            settings: self.negotiated.clone(),
        });
    }

    fn on_publish(&mut self, mut publish: Publish) {
        let alias = publish.properties.topic_alias;
        if self
            .inbound_aliases
            .resolve(&mut publish.topic, alias)
            .is_err()
        {
            self.protocol_error();
            return;
        }
        let packet_id = publish.packet_id;
        match publish.qos {
            QoS::AtMostOnce => self.outbox.event(Event::Publish(publish)),
            QoS::AtLeastOnce => {
                self.outbox.event(Event::Publish(publish));
                self.queue_ack(packet_id, QoS::AtLeastOnce);
            }
            QoS::ExactlyOnce => {
                // Delivered once; a resend before PUBREL is only acknowledged [MQTT-4.3.3-2].
                // (A durable store records it as it is delivered: see `client::journal`.)
                if self.incoming_qos2.insert(packet_id) {
                    self.outbox.event(Event::Publish(publish));
                }
                self.queue_ack(packet_id, QoS::ExactlyOnce);
            }
        }
    }

    fn on_puback(&mut self, ack: PubAck) {
        let Some(key) = self.unacked_op(ack.packet_id, |op| {
            op.request.publish_qos() == Some(QoS::AtLeastOnce)
        }) else {
            return;
        };
        self.flow.on_acknowledged();
        self.packet_ids.free(ack.packet_id);
        self.complete(key, Completion::Puback(ack));
    }

    fn on_pubrec(&mut self, ack: PubAck) {
        let key = self.unacked_op(ack.packet_id, |op| {
            op.stage == Stage::Initial && op.request.publish_qos() == Some(QoS::ExactlyOnce)
        });
        let Some(key) = key else {
            // Either a PUBREC already answered (our PUBREL was lost) or an unknown id.
            let known = self.packet_ids.contains(ack.packet_id);
            let reason = if known {
                0
            } else {
                PACKET_IDENTIFIER_NOT_FOUND
            };
            self.control
                .push_back(Control::Pubrel(ack.packet_id, reason));
            return;
        };
        if ack.reason_code >= 0x80 {
            self.flow.on_acknowledged();
            self.packet_ids.free(ack.packet_id);
            self.complete(key, Completion::Pubrec(ack));
            return;
        }
        if let Some(op) = self.ops.get_mut(key) {
            op.stage = Stage::Released;
            self.journal.progressed(op.record, ack.packet_id, true);
        }
        self.control.push_back(Control::Pubrel(ack.packet_id, 0));
    }

    fn on_pubcomp(&mut self, ack: PubAck) {
        let Some(key) = self.unacked_op(ack.packet_id, |op| op.stage == Stage::Released) else {
            return;
        };
        self.flow.on_acknowledged();
        self.packet_ids.free(ack.packet_id);
        self.complete(key, Completion::Pubcomp(ack));
    }

    /// A SUBACK or UNSUBACK: one reason code per filter, else a protocol error.
    fn on_ack(&mut self, packet_id: u16, reason_codes: usize, completion: Completion) {
        let key = self.unacked_op(packet_id, |op| {
            let Request::Packet(packet) = &op.request else {
                return false;
            };
            matches!(
                (&**packet, &completion),
                (Packet::Subscribe(_), Completion::Suback(_))
                    | (Packet::Unsubscribe(_), Completion::Unsuback(_))
            )
        });
        let Some(key) = key else {
            return;
        };
        self.packet_ids.free(packet_id);
        let expected = match self.ops.get(key).map(|op| &op.request) {
            Some(Request::Packet(packet)) => match &**packet {
                Packet::Subscribe(s) => s.subscriptions.len(),
                Packet::Unsubscribe(u) => u.filters.len(),
                _ => reason_codes,
            },
            _ => reason_codes,
        };
        if expected != reason_codes {
            self.complete(key, Completion::Failed(Error::ProtocolError));
            self.protocol_error();
            return;
        }
        self.complete(key, completion);
    }

    /// The operation holding `packet_id`, if it waits for an acknowledgement and `expects`
    /// says this one is its; an acknowledgement for nothing is ignored.
    fn unacked_op(&self, packet_id: u16, expects: impl Fn(&Operation<T>) -> bool) -> Option<Key> {
        let key = *self.packet_ids.get(packet_id)?;
        let op = self.ops.get(key)?;
        (op.unacked && expects(op)).then_some(key)
    }
}
