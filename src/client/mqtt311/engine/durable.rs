//! Beyond upstream: the MQTT 3.1.1 connection over a durable store (see
//! [`crate::client::journal`]). Attaching one restores what it held before the process
//! stopped: publishes come back at the head of the queue in the order they were accepted,
//! those sent before with DUP [MQTT-3.3.1-1] and their packet ids (PUBREL next for a QoS 2
//! publish whose PUBREC arrived), the others under the ids the caller allocated now; received
//! QoS 2 ids still wait for their PUBREL, so a resend is not delivered again.

use super::Engine;
use crate::client::journal::{Journal, StoredPublish};
use crate::client::mqtt311::outcome::{Event, Failure, Outcome};
use crate::client::mqtt311::request::{Operation, Request, Stage};
use crate::codec::{EncodedPublish, Version};

impl<T, S> Engine<T, S> {
    /// Attaches `journal` and restores what its store held: `publishes`, each under the packet
    /// id the caller holds for it (its stored one when it was sent) and with its completion
    /// token, and the received QoS 2 ids. A stored packet that no longer decodes fails
    /// (`Unencodable`) and is settled. Call before the first connect.
    pub fn attach_store(
        &mut self,
        journal: Journal,
        publishes: Vec<(u16, StoredPublish, T)>,
        incoming_qos2: &[u16],
    ) {
        self.journal = journal;
        self.incoming_qos2.extend(incoming_qos2.iter().copied());
        for (id, stored, token) in publishes {
            let Ok(mut publish) = EncodedPublish::from_wire(&stored.packet, Version::V311) else {
                self.journal.settled(stored.record);
                self.outbox.event(Event::Complete {
                    id,
                    token,
                    outcome: Outcome::Failed(Failure::Unencodable),
                });
                continue;
            };
            // A PUBREL resumes under it before any PUBLISH would set it.
            publish.set_packet_id(id);
            let request = Request::Publish(publish);
            self.ops_size += request.statistics_size();
            let sent = stored.packet_id != 0;
            let op = Operation {
                request,
                token,
                stage: match stored.released {
                    true if sent => Stage::AwaitingPubcomp,
                    _ => Stage::Queued,
                },
                sent_before: sent,
                in_flight: false,
                send_stamp: 0,
                filters_sent: 0,
                timeout_ms: 0,
                record: stored.record,
            };
            self.ops.insert(id, op);
            self.queue.push_back(id);
        }
    }
}
