//! What the MQTT 3.1.1 connection does with each packet the server sends: the CONNACK that
//! completes a connect, the acknowledgements that complete operations, PUBLISHes to deliver
//! (acknowledged as their QoS asks), PUBREL and PINGRESP. A packet only clients send is an
//! invalid packet type, as upstream reports it; anything else is a protocol error.

use super::{Engine, Link, State, ack};
use crate::client::mqtt311::outcome::{Event, Failure, Outcome};
use crate::client::mqtt311::request::{Operation, Request, Stage};
use crate::client::wire::PacketReader;
use crate::codec::{CodecError, Decoder, Packet, Publish, QoS};

impl<T, S> PacketReader for Engine<T, S> {
    fn decoder(&mut self) -> &mut Decoder {
        &mut self.decoder
    }

    fn on_packet(&mut self, now: u64, packet: Packet) -> bool {
        if let Err(failure) = self.handle(now, packet) {
            self.close(Some(failure));
            return false;
        }
        matches!(self.link, Link::AwaitingConnack | Link::Up)
    }

    /// Upstream's codes (`aws_mqtt311_decoder_on_bytes_received`): a remaining length longer
    /// than four bytes is `InvalidRemainingLength`; a packet of a type a server never sends, or
    /// of a type 3.1.1 does not have (0 and 15), is `InvalidPacketType` whatever its content
    /// (`s_packet_handler_default` and the decoder's type check); the rest is a protocol error.
    fn on_malformed(&mut self, error: CodecError, packet_type: u8) {
        let failure = if error == CodecError::MalformedVariableInteger {
            Failure::InvalidRemainingLength
        } else if is_client_bound_never(packet_type) {
            Failure::InvalidPacketType
        } else {
            Failure::ProtocolError
        };
        self.close(Some(failure));
    }
}

/// CONNECT (1), SUBSCRIBE (8), UNSUBSCRIBE (10), PINGREQ (12) and DISCONNECT (14), the packets a
/// 3.1.1 server never sends, and the reserved types 0 and 15: upstream refuses them all with
/// `AWS_ERROR_MQTT_INVALID_PACKET_TYPE`.
fn is_client_bound_never(packet_type: u8) -> bool {
    matches!(packet_type, 0 | 1 | 8 | 10 | 12 | 14 | 15)
}

impl<T, S> Engine<T, S> {
    /// Handles one packet from the server; an `Err` closes the connection with that failure.
    fn handle(&mut self, now: u64, packet: Packet) -> Result<(), Failure> {
        if matches!(
            packet,
            Packet::Connect(_)
                | Packet::Subscribe(_)
                | Packet::Unsubscribe(_)
                | Packet::Pingreq
                | Packet::Disconnect(_)
        ) {
            // Upstream's handler for these fails before it looks at the connection's state.
            return Err(Failure::InvalidPacketType);
        }
        if self.link == Link::AwaitingConnack {
            // [MQTT-3.2.0-1] The server's first packet is a CONNACK.
            let Packet::Connack(connack) = packet else {
                return Err(Failure::ProtocolError);
            };
            return self.on_connack(now, connack.reason_code, connack.session_present);
        }
        match packet {
            Packet::Publish(publish) => self.on_publish(publish),
            Packet::Puback(ack) => self.on_ack(ack.packet_id, |op| match &op.request {
                Request::Publish(p) => {
                    p.qos() == QoS::AtLeastOnce && op.stage == Stage::AwaitingAck
                }
                _ => false,
            }),
            Packet::Pubrec(ack) => self.on_pubrec(ack.packet_id),
            Packet::Pubrel(ack) => {
                if self.incoming_qos2.remove(&ack.packet_id) {
                    self.journal.released_qos2(ack.packet_id);
                }
                self.push_control(&Packet::Pubcomp(self::ack(ack.packet_id)));
            }
            Packet::Pubcomp(ack) => self.on_ack(ack.packet_id, |op| {
                matches!(op.request, Request::Publish(_)) && op.stage == Stage::AwaitingPubcomp
            }),
            Packet::Suback(suback) => {
                let expected = match self.ops.get(&suback.packet_id) {
                    Some(op) if op.stage == Stage::AwaitingAck => match op.request {
                        Request::Subscribe(_) | Request::Resubscribe => Some(op.filters_sent),
                        _ => None,
                    },
                    _ => None,
                };
                match expected {
                    Some(n) if n != suback.reason_codes.len() => {
                        return Err(Failure::ProtocolError);
                    }
                    Some(_) => {
                        self.complete(suback.packet_id, Outcome::Suback(suback.reason_codes))
                    }
                    None => {}
                }
            }
            Packet::Unsuback(ack) => self.on_ack(ack.packet_id, |op| {
                matches!(op.request, Request::Unsubscribe(_)) && op.stage == Stage::AwaitingAck
            }),
            Packet::Pingresp => self.keep_alive.pingresp_received(),
            // A second CONNACK (upstream takes it, and crashes), or AUTH, which 3.1.1 lacks.
            _ => return Err(Failure::ProtocolError),
        }
        Ok(())
    }

    fn on_connack(
        &mut self,
        now: u64,
        return_code: u8,
        session_present: bool,
    ) -> Result<(), Failure> {
        self.connack_timeout.disarm();
        if self.state == State::Disconnecting {
            return Ok(());
        }
        if return_code != 0 {
            self.refused_with = Some(return_code);
            return Err(Failure::ProtocolError);
        }
        self.link = Link::Up;
        self.keep_alive.start(now, self.settings.keep_alive_ns());
        self.backoff.on_connected(now);
        let resumed = self.state == State::Reconnecting && self.has_connected;
        self.state = State::Connected;
        self.has_connected = true;
        self.outbox.event(if resumed {
            Event::Resumed {
                return_code,
                session_present,
            }
        } else {
            Event::ConnectionComplete {
                error: None,
                return_code,
                session_present,
            }
        });
        self.outbox.event(Event::ConnectionSuccess {
            return_code,
            session_present,
        });
        Ok(())
    }

    fn on_publish(&mut self, publish: Publish) {
        let id = publish.packet_id;
        let deliver = match publish.qos {
            QoS::AtMostOnce => true,
            QoS::AtLeastOnce => {
                self.push_control(&Packet::Puback(ack(id)));
                true
            }
            QoS::ExactlyOnce => {
                self.push_control(&Packet::Pubrec(ack(id)));
                // Delivered once: a DUP resend before our PUBREL arrived is not a new message.
                // (A durable store records it as it is delivered: see `client::journal`.)
                self.incoming_qos2.insert(id)
            }
        };
        if deliver {
            self.outbox.event(Event::Message(publish));
        }
    }

    fn on_pubrec(&mut self, id: u16) {
        if let Some(op) = self.ops.get_mut(&id)
            && matches!(&op.request, Request::Publish(p) if p.qos() == QoS::ExactlyOnce)
            && op.stage == Stage::AwaitingAck
        {
            op.stage = Stage::AwaitingPubcomp;
            self.journal.progressed(op.record, id, true);
        }
        self.push_control(&Packet::Pubrel(ack(id)));
    }

    /// Completes the operation `id` when `expects` says it is waiting for this ACK; an ACK for
    /// nothing is ignored, as upstream ignores it.
    fn on_ack(&mut self, id: u16, expects: impl Fn(&Operation<T, S>) -> bool) {
        if self.ops.get(&id).is_some_and(expects) {
            self.complete(id, Outcome::Success);
        }
    }
}
