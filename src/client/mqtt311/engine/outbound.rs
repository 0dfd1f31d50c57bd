//! Writing the MQTT 3.1.1 connection's operations: the PUBLISH (with DUP when resent), the
//! PUBREL that resumes a QoS 2 exchange, SUBSCRIBE (its handlers enter the topic tree),
//! UNSUBSCRIBE and PINGREQ, and what each write starts: the wait for its ACK and the ACK
//! deadline.

use super::{Engine, Subscriber, VERSION, ack};
use crate::client::mqtt311::outcome::{Failure, Outcome};
use crate::client::mqtt311::request::{Request, Stage};
use crate::client::wire::write_packet;
use crate::codec::{CodecError, Packet, Subscribe, Subscription, Unsubscribe};

impl<T, S> Engine<T, S> {
    /// Writes the operation `id`, just taken from the queue, to `out`; one not acknowledged
    /// completes once written, the others wait for their ACK (and its deadline, if any).
    pub(super) fn send_operation(&mut self, now: u64, id: u16, out: &mut Vec<u8>) {
        let Some(op) = self.ops.get_mut(&id) else {
            return;
        };
        let resend = op.sent_before;
        let written = match &mut op.request {
            Request::Publish(publish) if op.stage == Stage::AwaitingPubcomp => {
                // PUBREC arrived before the link was lost: the exchange resumes with PUBREL
                // [MQTT-4.4.0-1].
                write_packet(out, &Packet::Pubrel(ack(publish.packet_id())), VERSION)
            }
            Request::Publish(publish) => {
                // Both are no-ops at QoS 0, which has neither.
                publish.set_dup(resend);
                publish.set_packet_id(id);
                if !resend {
                    self.journal.progressed(op.record, id, false);
                }
                out.extend_from_slice(publish.as_bytes());
                Ok(())
            }
            Request::Subscribe(topics) => {
                let subscriptions = topics
                    .iter()
                    .map(|t| Subscription {
                        filter: t.filter.clone(),
                        qos: t.qos,
                        ..Default::default()
                    })
                    .collect();
                op.filters_sent = topics.len();
                // The handlers enter the tree at the first send, as upstream's do, so messages
                // arriving before the SUBACK are routed.
                for topic in topics.iter_mut() {
                    if let Some(handler) = topic.handler.take() {
                        let _ = self.subscriptions.insert(
                            &topic.filter,
                            Subscriber {
                                qos: topic.qos,
                                handler,
                            },
                        );
                    }
                }
                write_subscribe(out, id, subscriptions)
            }
            Request::Resubscribe => {
                let subscriptions: Vec<Subscription> = self
                    .subscriptions
                    .iter()
                    .map(|(filter, s)| Subscription {
                        filter: filter.to_string(),
                        qos: s.qos,
                        ..Default::default()
                    })
                    .collect();
                op.filters_sent = subscriptions.len();
                if subscriptions.is_empty() {
                    self.complete(id, Outcome::Suback(Vec::new()));
                    return;
                }
                write_subscribe(out, id, subscriptions)
            }
            Request::Unsubscribe(filter) => {
                if !resend {
                    self.subscriptions.remove(filter);
                }
                let unsubscribe = Unsubscribe {
                    packet_id: id,
                    filters: vec![filter.clone()],
                    properties: Default::default(),
                };
                write_packet(out, &Packet::Unsubscribe(unsubscribe), VERSION)
            }
            Request::Ping => {
                let result = write_packet(out, &Packet::Pingreq, VERSION);
                if result.is_ok() {
                    self.keep_alive
                        .pingreq_sent(now, self.settings.ping_timeout_ns);
                }
                result
            }
        };
        if written.is_err() {
            self.fail(id, Failure::Unencodable);
            return;
        }
        let Some(op) = self.ops.get_mut(&id) else {
            return;
        };
        if !op.request.is_acknowledged() {
            self.complete(id, Outcome::Success);
            return;
        }
        op.sent_before = true;
        op.in_flight = true;
        if op.stage == Stage::Queued {
            op.stage = Stage::AwaitingAck;
        }
        op.send_stamp = self.queue.stamp_send();
        self.unacked_count += 1;
        self.unacked_size += op.request.statistics_size();
        let own = (op.timeout_ms > 0).then(|| u64::from(op.timeout_ms) * 1_000_000);
        if let Some(timeout) = own.or(self.settings.operation_timeout_ns) {
            let at = now.saturating_add(timeout);
            self.ack_deadlines.push(at, (op.send_stamp as u32, id));
        }
    }
}

/// Appends a SUBSCRIBE with id `packet_id` for `subscriptions` to `out`.
fn write_subscribe(
    out: &mut Vec<u8>,
    packet_id: u16,
    subscriptions: Vec<Subscription>,
) -> Result<(), CodecError> {
    let subscribe = Subscribe {
        packet_id,
        subscriptions,
        properties: Default::default(),
    };
    write_packet(out, &Packet::Subscribe(subscribe), VERSION)
}
