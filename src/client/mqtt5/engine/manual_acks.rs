//! Manual acknowledgements (upstream's manual PUBACK control): the user may take the PUBACK or
//! PUBREC of a publish just delivered out of the client's hands and release it later; a
//! disconnection cancels what is held.

use super::{Control, Engine};
use crate::client::mqtt5::outcome::{Event, ManualAckResult};
use crate::codec::QoS;
use std::collections::{HashMap, HashSet};

/// Manual acknowledgements held by the user.
#[derive(Debug, Default)]
pub(super) struct HeldAcks {
    /// The control id of each held acknowledgement, by packet id.
    pub(super) by_packet_id: HashMap<u16, u64>,
    /// The packet id and QoS of each held acknowledgement, by control id.
    pub(super) by_control_id: HashMap<u64, (u16, QoS)>,
    /// Held on an earlier connection: invoking them reports a cancellation, once.
    pub(super) cancelled: HashSet<u64>,
}

impl<T> Engine<T> {
    /// The manual acknowledgement id already held for a received publish's `packet_id`.
    pub fn held_ack(&self, packet_id: u16) -> Option<u64> {
        self.held.by_packet_id.get(&packet_id).copied()
    }

    /// Takes the acknowledgement of the publish with `packet_id`, just delivered, out of the
    /// client's hands: it goes out when [`release_ack`](Self::release_ack) is called with
    /// `control_id`. Call it while delivering the publish's event.
    pub fn hold_ack(&mut self, packet_id: u16, control_id: u64) {
        let position = self.control.iter().position(
            |c| matches!(c, Control::Ack { packet_id: id, token: None, .. } if *id == packet_id),
        );
        let Some(Control::Ack { qos, .. }) = position.and_then(|i| self.control.remove(i)) else {
            return;
        };
        self.held.by_packet_id.insert(packet_id, control_id);
        self.held.by_control_id.insert(control_id, (packet_id, qos));
    }

    /// Sends the acknowledgement held under `control_id`; `token` completes with the result.
    pub fn release_ack(&mut self, control_id: u64, token: T) {
        if let Some((packet_id, qos)) = self.held.by_control_id.remove(&control_id) {
            self.held.by_packet_id.remove(&packet_id);
            self.control.push_back(Control::Ack {
                packet_id,
                qos,
                token: Some(token),
            });
            return;
        }
        let result = if self.held.cancelled.remove(&control_id) {
            ManualAckResult::Cancelled
        } else {
            ManualAckResult::Invalid
        };
        self.outbox.event(Event::ManualAck { token, result });
    }

    /// Queues the PUBACK (QoS 1) or PUBREC (QoS 2) of a received publish, unless the user holds
    /// it: then it goes out when the user releases it.
    pub(super) fn queue_ack(&mut self, packet_id: u16, qos: QoS) {
        if self.held.by_packet_id.contains_key(&packet_id) {
            return;
        }
        self.control.push_back(Control::Ack {
            packet_id,
            qos,
            token: None,
        });
    }

    /// The connection is gone: what the user holds can no longer be sent (releasing it reports
    /// a cancellation), and released acknowledgements not yet written fail.
    pub(super) fn cancel_held_acks(&mut self) {
        self.held.by_packet_id.clear();
        let held = std::mem::take(&mut self.held.by_control_id);
        self.held.cancelled.extend(held.into_keys());
        for control in self.control.drain(..) {
            if let Control::Ack {
                token: Some(token), ..
            } = control
            {
                self.outbox.event(Event::ManualAck {
                    token,
                    result: ManualAckResult::Failed,
                });
            }
        }
    }
}
