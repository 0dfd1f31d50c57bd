//! What the MQTT 5 client writes: the CONNECT, its own packets (acknowledgements, PUBRELs,
//! PINGREQs), the user's operations (checked against what the connection allows, given packet
//! ids and topic aliases, paced by flow control) and the DISCONNECT of a stop.

use super::{Control, Engine, NANOS_PER_SECOND, State, VERSION, pub_ack};
use crate::client::mqtt5::operation::{
    Operation, Request, Stage, UserDisconnect, is_acknowledged, set_packet_id,
};
use crate::client::mqtt5::operations::Key;
use crate::client::mqtt5::outcome::{Completion, Error, Event, ManualAckResult};
use crate::client::wire::write_packet;
use crate::codec::{CodecError, Packet, QoS, encoded_len};

impl<T> Engine<T> {
    /// Appends packets to send to `out` until it holds `limit` bytes, flow control stops it,
    /// or nothing is left.
    pub fn poll_transmit(&mut self, now: u64, out: &mut Vec<u8>, limit: usize) {
        match self.state {
            State::MqttConnect => {
                if let Some(Control::Connect) = self.control.front() {
                    self.control.pop_front();
                    let connect = Packet::Connect(Box::new(self.connect_packet()));
                    if write_packet(out, &connect, VERSION).is_err() {
                        self.shut_down_connection(Error::EncodeFailure, None);
                    }
                } else {
                    // An answer to a challenge, before the CONNACK [MQTT-4.12.0-3].
                    self.send_pending_auth(out);
                }
            }
            State::Connected => {
                while out.len() < limit && !self.throttled_until.is_armed() {
                    let progressed = if self.send_pending_auth(out) {
                        true
                    } else if self.control.is_empty() {
                        self.send_next_operation(now, out)
                    } else {
                        self.send_next_control(now, out)
                    };
                    if !progressed || self.state != State::Connected {
                        break;
                    }
                }
            }
            State::CleanDisconnect => self.send_disconnect(out),
            _ => {}
        }
    }

    /// Writes the first of the client's own packets if flow control lets it go; returns
    /// whether it did (or dropped a stale CONNECT).
    fn send_next_control(&mut self, now: u64, out: &mut Vec<u8>) -> bool {
        let Some(control) = self.control.front() else {
            return false;
        };
        let packet = match control {
            Control::Connect => {
                self.control.pop_front();
                return true;
            }
            Control::Ack { packet_id, qos, .. } => {
                let ack = pub_ack(*packet_id, 0);
                if *qos == QoS::ExactlyOnce {
                    Packet::Pubrec(ack)
                } else {
                    Packet::Puback(ack)
                }
            }
            Control::Pubrel(id, reason) => Packet::Pubrel(pub_ack(*id, *reason)),
            Control::Pubcomp(id) => Packet::Pubcomp(pub_ack(*id, 0)),
            Control::Pingreq => Packet::Pingreq,
        };
        let size = encoded_len(&packet, VERSION).unwrap_or(0);
        if !self.admit(now, size, false, false) {
            return false;
        }
        let _ = write_packet(out, &packet, VERSION);
        self.flow.on_sent(now, size, false, false);
        match self.control.pop_front() {
            Some(Control::Pingreq) => {
                let timeout = self.ping_timeout_ns();
                self.keep_alive.pingreq_sent(now, timeout);
            }
            Some(Control::Ack {
                token: Some(token), ..
            }) => self.outbox.event(Event::ManualAck {
                token,
                result: ManualAckResult::Sent,
            }),
            _ => {}
        }
        true
    }

    /// Whether flow control lets `size` bytes go now; if not, when it will.
    fn admit(&mut self, now: u64, size: usize, publish: bool, acknowledged: bool) -> bool {
        match self.flow.wait(now, size, publish, acknowledged) {
            Some(0) => true,
            Some(wait) => {
                self.throttled_until.arm(now, wait);
                false
            }
            None => false,
        }
    }

    /// Writes the next queued operation, or fails it when the connection cannot carry it;
    /// returns whether the queue moved (false: flow control or packet ids hold it back).
    fn send_next_operation(&mut self, now: u64, out: &mut Vec<u8>) -> bool {
        let Some(key) = self.queue.front() else {
            return false;
        };
        let Some(op) = self.ops.get(key) else {
            self.queue.pop_front();
            return true;
        };
        if let Err(error) = self.check_against_connection(op) {
            self.queue.pop_front();
            self.release_packet_id(key);
            self.complete(key, Completion::Failed(error));
            return true;
        }
        let publish = matches!(op.request, Request::Publish(_));
        let acknowledged = is_acknowledged(&op.request);
        let resend_stage = op.stage;
        let size = op.size as usize;
        if !self.admit(now, size, publish, acknowledged) {
            return false;
        }
        let packet_id = match self.ops.get(key).map(Operation::packet_id) {
            Some(0) if acknowledged => match self.allocate_packet_id(key) {
                Some(id) => id,
                // Every id is in flight: wait for an acknowledgement.
                None => return false,
            },
            Some(id) => id,
            None => return true,
        };
        self.queue.pop_front();
        let written = if resend_stage == Stage::Released {
            // PUBREC arrived before the connection was lost: resume with PUBREL [MQTT-4.4.0-1].
            write_packet(out, &Packet::Pubrel(pub_ack(packet_id, 0)), VERSION)
        } else {
            self.write_operation(key, packet_id, out)
        };
        if written.is_err() {
            self.release_packet_id(key);
            self.complete(key, Completion::Failed(Error::EncodeFailure));
            return true;
        }
        self.flow.on_sent(now, size, publish, acknowledged);
        if !acknowledged {
            self.complete(key, Completion::Written);
            return true;
        }
        let Some(op) = self.ops.get_mut(key) else {
            return true;
        };
        if !op.unacked {
            op.unacked = true;
            self.stats.unacked_count += 1;
            self.stats.unacked_size += op.statistics_size();
        }
        let timeout = match op.ack_timeout_secs {
            0 => self.settings.ack_timeout_secs,
            secs => secs,
        };
        op.send_stamp = self.queue.stamp_send();
        if timeout > 0 {
            let at = now.saturating_add(u64::from(timeout) * NANOS_PER_SECOND);
            op.ack_deadline = at;
            self.ack_deadlines.push(at, key);
        }
        true
    }

    /// Encodes the operation `key` with `packet_id`, its topic alias decided now; a resent
    /// QoS 1 or 2 PUBLISH carries DUP [MQTT-3.3.1-1].
    fn write_operation(
        &mut self,
        key: Key,
        packet_id: u16,
        out: &mut Vec<u8>,
    ) -> Result<(), CodecError> {
        let Some(op) = self.ops.get_mut(key) else {
            return Ok(());
        };
        set_packet_id(&mut op.request, packet_id);
        let publish = match &op.request {
            Request::Publish(p) => p,
            Request::Packet(packet) => return write_packet(out, packet, VERSION),
        };
        let resolved = self
            .outbound_aliases
            .resolve(publish.topic(), publish.user_alias());
        if resolved.alias.is_none() && resolved.send_topic {
            // The common case: the bytes as encoded at submission.
            out.extend_from_slice(publish.as_bytes());
            return Ok(());
        }
        // An alias stands in for the topic, or is bound to it now: encode again.
        let mut packet = publish.to_publish(VERSION)?;
        packet.properties.topic_alias = resolved.alias;
        if !resolved.send_topic {
            packet.topic.clear();
        }
        write_packet(out, &Packet::Publish(packet), VERSION)
    }

    /// Upstream's checks against the negotiated settings, made as the packet is about to go.
    fn check_against_connection(&self, op: &Operation<T>) -> Result<(), Error> {
        let n = &self.negotiated;
        if op.size > u64::from(n.maximum_packet_size_to_server) {
            return Err(Error::PacketTooLarge);
        }
        match &op.request {
            Request::Publish(p)
                if p.qos() > n.maximum_qos || (p.retain() && !n.retain_available) =>
            {
                return Err(Error::PublishNotAllowed);
            }
            Request::Packet(packet) if let Packet::Subscribe(s) = &**packet => {
                let refused = s.subscriptions.iter().any(|sub| {
                    let shared = sub.filter.starts_with("$share/");
                    let wildcard = sub.filter.contains(['+', '#']);
                    (shared && !n.shared_subscriptions_available)
                        || (wildcard && !n.wildcard_subscriptions_available)
                });
                let identifiers = !s.properties.subscription_identifiers.is_empty();
                if refused || (identifiers && !n.subscription_identifiers_available) {
                    return Err(Error::SubscribeNotAllowed);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A packet id for the operation `key`, set in its packet; `None` while all are in use.
    fn allocate_packet_id(&mut self, key: Key) -> Option<u16> {
        let id = self.packet_ids.allocate(key)?;
        if let Some(op) = self.ops.get_mut(key) {
            set_packet_id(&mut op.request, id);
            self.journal.progressed(op.record, id, false);
        }
        Some(id)
    }

    /// Frees the packet id the operation `key` holds, if any.
    pub(super) fn release_packet_id(&mut self, key: Key) {
        if let Some(op) = self.ops.get_mut(key) {
            let id = op.packet_id();
            if id != 0 && self.packet_ids.get(id) == Some(&key) {
                self.packet_ids.free(id);
            }
            set_packet_id(&mut op.request, 0);
        }
    }

    /// Writes the DISCONNECT of CleanDisconnect, completes its token, and closes.
    fn send_disconnect(&mut self, out: &mut Vec<u8>) {
        let Some(UserDisconnect { packet, token }) = self.disconnect.take() else {
            return;
        };
        // [MQTT-3.14.2-2]: no session expiry on DISCONNECT after a CONNECT that set it to 0.
        let connect_expiry = self
            .settings
            .connect
            .properties
            .session_expiry_interval
            .unwrap_or(0);
        let asks_expiry = packet.properties.session_expiry_interval.unwrap_or(0) > 0;
        let error = if asks_expiry && connect_expiry == 0 {
            Some(Error::DisconnectNotAllowed)
        } else {
            write_packet(out, &Packet::Disconnect(packet), VERSION)
                .err()
                .map(|_| Error::EncodeFailure)
        };
        // As upstream: a DISCONNECT that cannot go out ends the connection with its own error.
        let reason = error.unwrap_or(self.clean_disconnect_error);
        self.emit_final(reason, None, None);
        if let Some(token) = token {
            self.outbox.event(Event::Complete {
                token,
                completion: error.map_or(Completion::Written, Completion::Failed),
            });
        }
        self.close(reason);
    }
}
