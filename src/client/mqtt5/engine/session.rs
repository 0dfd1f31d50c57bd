//! The MQTT 5 client's operations across connections: what a disconnection fails and what it
//! keeps, and, at the next CONNACK, what goes back to the head of the queue (upstream's
//! `on_disconnection_update_operational_state` and `on_connection_update_operational_state`).
//! The queue mechanics are the shared [`SendQueue`]'s; the rules (the offline queue policy, a
//! rejoined session) are MQTT 5's.
//!
//! [`SendQueue`]: crate::client::send_queue::SendQueue

use super::Engine;
use crate::client::mqtt5::operation::{
    Request, Stage, UserDisconnect, is_qos1_plus_publish, survives_disconnection,
};
use crate::client::mqtt5::operations::Key;
use crate::client::mqtt5::outcome::{Completion, Error, Event};
use crate::client::send_queue::{Fate, in_send_order};
use crate::codec::QoS;

impl<T> Engine<T> {
    /// At a disconnection (upstream's `on_disconnection_update_operational_state`): queued
    /// operations the policy does not keep fail; sent QoS 1 and 2 publishes are marked DUP and
    /// keep their ids; other sent operations lose their ids and fail unless the policy keeps them.
    /// What is kept stays counted as unacknowledged until the next CONNACK requeues it.
    pub(super) fn settle_operations_on_disconnection(&mut self) {
        let policy = self.settings.offline_queue;
        if let Some(UserDisconnect {
            token: Some(token), ..
        }) = self.disconnect.take()
        {
            self.outbox.event(Event::Complete {
                token,
                completion: Completion::Failed(Error::OfflineQueuePolicy),
            });
        }
        // Control packets die with the connection; a manual acknowledgement queued among them
        // completes now, as failed (nothing is lost silently).
        self.cancel_held_acks();
        self.ack_deadlines.clear();
        let ops = &self.ops;
        let failed = self.queue.settle_waiting(|key| match ops.get(key) {
            Some(op) if survives_disconnection(&op.request, policy) => Fate::Keep,
            _ => Fate::Fail(Error::OfflineQueuePolicy),
        });
        self.fail_all(failed);
        for key in self.unacked_in_send_order() {
            let Some(op) = self.ops.get_mut(key) else {
                continue;
            };
            if let Request::Publish(p) = &mut op.request
                && p.qos() != QoS::AtMostOnce
            {
                p.set_dup(true);
                continue;
            }
            let keep = survives_disconnection(&op.request, policy);
            self.release_packet_id(key);
            if !keep {
                self.complete(key, Completion::Failed(Error::OfflineQueuePolicy));
            }
        }
    }

    /// At a successful CONNACK (upstream's `on_connection_update_operational_state`): what was
    /// sent and not acknowledged goes back to the head of the queue, QoS 1 and 2 publishes
    /// first on a rejoined session [MQTT-4.4.0-1]; without one, what the policy does not keep
    /// fails, and QoS 2 exchanges start over.
    pub(super) fn requeue_on_connection(&mut self) {
        let policy = self.settings.offline_queue;
        let rejoined = self.negotiated.rejoined_session;
        let mut sent = self.unacked_in_send_order();
        if rejoined {
            // A stable sort: each group stays in send order.
            let ops = &self.ops;
            sent.sort_by_key(|&key| {
                !ops.get(key)
                    .is_some_and(|op| is_qos1_plus_publish(&op.request))
            });
        }
        for &key in &sent {
            if let Some(op) = self.ops.get_mut(key) {
                op.unacked = false;
                self.stats.unacked_count -= 1;
                self.stats.unacked_size -= op.statistics_size();
                if !rejoined && op.stage == Stage::Released {
                    op.stage = Stage::Initial;
                    self.journal.progressed(op.record, op.packet_id(), false);
                }
            }
        }
        let ops = &self.ops;
        let failed = self.queue.requeue_sent(sent, |key| match ops.get(key) {
            Some(op) if rejoined || survives_disconnection(&op.request, policy) => Fate::Keep,
            _ => Fate::Fail(Error::OfflineQueuePolicy),
        });
        self.fail_all(failed);
    }

    /// The operations sent on this (or the lost) connection and not acknowledged, in the order
    /// they were sent.
    fn unacked_in_send_order(&self) -> Vec<Key> {
        let sent = self
            .ops
            .iter()
            .filter(|(_, op)| op.unacked)
            .map(|(key, op)| (op.send_stamp, key))
            .collect();
        in_send_order(sent)
    }

    /// Releases the packet id of each operation in `failed` and completes it with its error.
    fn fail_all(&mut self, failed: Vec<(Key, Error)>) {
        for (key, error) in failed {
            self.release_packet_id(key);
            self.complete(key, Completion::Failed(error));
        }
    }
}
