//! Beyond upstream: the MQTT 5 client over a durable store (see [`crate::client::journal`]).
//! Attaching one restores what it held before the process stopped: publishes sent and not
//! acknowledged come back as sent on a lost connection (their packet ids taken again, DUP set,
//! PUBREL next for a QoS 2 one whose PUBREC arrived), so the first CONNACK resends them ahead of
//! everything else on a rejoined session [MQTT-4.4.0-1]; publishes never sent are queued first;
//! received QoS 2 ids still wait for their PUBREL, so a resend is not delivered again.

use super::Engine;
use crate::client::journal::{Journal, StoredPublish};
use crate::client::mqtt5::operation::{Operation, Request, Stage};
use crate::codec::{EncodedPublish, Version};

impl<T> Engine<T> {
    /// Attaches `journal` and restores what its store held: `publishes` (each with the token
    /// its completion goes to) and the received QoS 2 ids. A stored packet that no longer
    /// decodes as a PUBLISH, or whose packet id another restored publish holds, completes
    /// through its token as failed and is settled. Call before the first start.
    pub fn attach_store(
        &mut self,
        journal: Journal,
        publishes: Vec<(StoredPublish, T)>,
        incoming_qos2: &[u16],
    ) {
        self.journal = journal;
        self.incoming_qos2.extend(incoming_qos2.iter().copied());
        for (stored, token) in publishes {
            self.restore(stored, token);
        }
    }

    fn restore(&mut self, stored: StoredPublish, token: T) {
        let record = stored.record;
        let request = match EncodedPublish::from_wire(&stored.packet, Version::V5) {
            Ok(publish) => Request::Publish(publish),
            Err(_) => {
                self.journal.settled(record);
                return self.outbox.event(super::Event::Complete {
                    token,
                    completion: super::Completion::Failed(super::Error::EncodeFailure),
                });
            }
        };
        let mut op = Operation::new(request, token, 0);
        op.record = record;
        let sent = stored.packet_id != 0;
        if sent {
            if let Request::Publish(p) = &mut op.request {
                p.set_packet_id(stored.packet_id);
                p.set_dup(true);
            }
            op.unacked = true;
            op.send_stamp = self.queue.stamp_send();
            if stored.released {
                op.stage = Stage::Released;
            }
            self.stats.unacked_count += 1;
            self.stats.unacked_size += op.statistics_size();
        }
        self.stats.incomplete_count += 1;
        self.stats.incomplete_size += op.statistics_size();
        let key = self.ops.insert(op);
        if !sent {
            // Queued as the client's first operations (the store is set before any other).
            self.queue.push_back(key);
        } else if !self.packet_ids.claim(stored.packet_id, key) {
            self.complete(key, super::Completion::Failed(super::Error::EncodeFailure));
        }
    }
}
