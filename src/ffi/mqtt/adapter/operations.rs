//! The 3.1.1 operations of the adapter: publish, subscribe (one filter, several, or all again)
//! and unsubscribe, as operations of the MQTT 5 client. Each gets an id of the adapter's own
//! (1 to 65535, the next free one, as upstream's adapter table hands them out) that its
//! completion reports; the MQTT 5 completion finds it by id and by a generation, so a
//! completion arriving after the adapter was destroyed (and its operations failed) finds
//! nothing.
//!
//! Subscriptions enter the adapter's topic tree when their SUBSCRIBE is submitted and leave it
//! when their UNSUBSCRIBE is, on the client's loop (upstream's order).

use super::{Held, Mqtt5Adapter, Subscription};
use crate::codec::QoS;
use crate::error::mqtt::aws_mqtt_error::*;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard::{self, Error, Result};
use crate::ffi::mqtt::client_connection::aws_mqtt_client_connection;
use crate::ffi::mqtt::client_delegate::{
    Callback, Completion, MultiTopic, SubHandler, c_qos, call_completion,
};
use crate::ffi::mqtt::client_types::*;
use crate::ffi::mqtt::v5::client_operations::{
    aws_mqtt5_client_publish, aws_mqtt5_client_subscribe, aws_mqtt5_client_unsubscribe,
    puback_refused,
};
use crate::ffi::mqtt::v5::mqtt5_client::{
    aws_mqtt5_publish_completion_options, aws_mqtt5_subscribe_completion_options,
    aws_mqtt5_unsubscribe_completion_options,
};
use crate::ffi::mqtt::v5::mqtt5_types::aws_mqtt5_packet_type;
use crate::ffi::mqtt::v5::mqtt5_views::{
    aws_mqtt5_packet_publish_view, aws_mqtt5_packet_suback_view, aws_mqtt5_packet_subscribe_view,
    aws_mqtt5_packet_unsuback_view, aws_mqtt5_packet_unsubscribe_view, aws_mqtt5_subscription_view,
};
use std::collections::HashMap;
use std::ffi::{c_int, c_void};

/// An unfinished operation: its completion and its generation.
struct Pending {
    generation: u64,
    completion: Completion,
}

/// The adapter's unfinished operations by id.
#[derive(Default)]
pub(crate) struct Operations {
    live: HashMap<u16, Pending>,
    last_id: u16,
    generations: u64,
}

impl Operations {
    /// Takes the next free id for `completion`; `AWS_ERROR_MQTT_QUEUE_FULL` when all are used.
    fn insert(&mut self, completion: Completion) -> Result<(u16, u64)> {
        let mut id = self.last_id;
        for _ in 0..u16::MAX {
            id = id.checked_add(1).unwrap_or(1);
            if !self.live.contains_key(&id) {
                self.last_id = id;
                self.generations += 1;
                let generation = self.generations;
                self.live.insert(
                    id,
                    Pending {
                        generation,
                        completion,
                    },
                );
                return Ok((id, generation));
            }
        }
        Err(AWS_ERROR_MQTT_QUEUE_FULL.into())
    }

    /// The completion of operation `id` of `generation`, once.
    fn take(&mut self, id: u16, generation: u64) -> Option<Completion> {
        match self.live.get(&id) {
            Some(p) if p.generation == generation => self.live.remove(&id).map(|p| p.completion),
            _ => None,
        }
    }

    /// Every unfinished operation (the adapter is being destroyed).
    pub(crate) fn take_all(&mut self) -> Vec<(u16, Completion)> {
        self.live
            .drain()
            .map(|(id, p)| (id, p.completion))
            .collect()
    }
}

/// Fails `ops` with `AWS_ERROR_MQTT_CONNECTION_DESTROYED`, as upstream's adapter does when it
/// is destroyed.
pub(crate) fn fail_all(c: *mut aws_mqtt_client_connection, ops: Vec<(u16, Completion)>) {
    for (id, completion) in ops {
        let error = AWS_ERROR_MQTT_CONNECTION_DESTROYED as c_int;
        // SAFETY: the user's callbacks with their data, on the client's loop.
        unsafe { call_completion(completion, c, id, error, &[FAILURE], None) };
    }
}

/// The SUBACK return code of a refusal, which `call_completion` reports as
/// `AWS_MQTT_QOS_FAILURE`.
const FAILURE: u8 = 0x80;

/// What an MQTT 5 completion callback is given: the adapter (alive) and the operation.
struct Ticket {
    held: Held,
    id: u16,
    generation: u64,
}

impl Ticket {
    /// Takes back the ticket `context` holds and completes its operation, if still unfinished.
    ///
    /// # Safety
    /// `context` is a ticket `submit` made, given back once.
    unsafe fn complete(context: *mut c_void, error: c_int, codes: &[u8]) {
        // SAFETY: the caller's contract.
        let ticket = unsafe { Box::from_raw(context.cast::<Ticket>()) };
        let adapter = ticket.held.adapter();
        let Some(completion) = adapter.state().ops.take(ticket.id, ticket.generation) else {
            return;
        };
        // SAFETY: the user's callbacks with their data, on the client's loop.
        unsafe { call_completion(completion, adapter.c_ptr(), ticket.id, error, codes, None) };
    }
}

/// The reason codes of a SUBACK view, as 3.1.1 return codes (a refusal is 0x80).
///
/// # Safety
/// `suback` is NULL or a view the client lends for the call.
unsafe fn suback_codes(suback: *const aws_mqtt5_packet_suback_view) -> Vec<u8> {
    // SAFETY: the caller's contract.
    let Some(s) = (unsafe { suback.as_ref() }) else {
        return vec![FAILURE];
    };
    let codes = match s.reason_codes.is_null() {
        true => &[][..],
        // SAFETY: the view's codes, lent with it.
        false => unsafe { std::slice::from_raw_parts(s.reason_codes, s.reason_code_count) },
    };
    codes
        .iter()
        .map(|&c| u8::try_from(c).ok().filter(|c| *c <= 2).unwrap_or(FAILURE))
        .collect()
}

unsafe extern "C" fn publish_completed(
    packet_type: aws_mqtt5_packet_type,
    packet: *const c_void,
    error: c_int,
    context: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: the client's arguments for this completion.
        let refused = unsafe { puback_refused(packet_type, packet) };
        let error = if error == 0 && refused {
            AWS_ERROR_MQTT_ACK_REASON_CODE_FAILURE as c_int
        } else {
            error
        };
        // SAFETY: the ticket `publish` made for this operation.
        unsafe { Ticket::complete(context, error, &[]) };
        Ok(())
    })
}

unsafe extern "C" fn suback_received(
    suback: *const aws_mqtt5_packet_suback_view,
    error: c_int,
    context: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: the client lends the SUBACK for the call; the ticket is `subscribe`'s.
        unsafe { Ticket::complete(context, error, &suback_codes(suback)) };
        Ok(())
    })
}

unsafe extern "C" fn unsuback_received(
    unsuback: *const aws_mqtt5_packet_unsuback_view,
    error: c_int,
    context: *mut c_void,
) {
    guard::guard((), || {
        let _ = unsuback;
        // SAFETY: the ticket `unsubscribe` made for this operation.
        unsafe { Ticket::complete(context, error, &[]) };
        Ok(())
    })
}

impl Mqtt5Adapter {
    /// Registers an operation; its ticket for the MQTT 5 completion.
    fn register(&self, completion: Completion) -> Result<(u16, *mut c_void)> {
        let (id, generation) = self.state().ops.insert(completion)?;
        let ticket = Box::new(Ticket {
            held: self.hold(),
            id,
            generation,
        });
        Ok((id, Box::into_raw(ticket).cast()))
    }

    /// The MQTT 5 client refused an operation at once with `error`: it is forgotten and its
    /// ticket freed.
    fn refused(&self, id: u16, ticket: *mut c_void, error: Error) -> Error {
        // SAFETY: the ticket `register` made, never given to the client.
        let ticket = unsafe { Box::from_raw(ticket.cast::<Ticket>()) };
        let completion = self.state().ops.take(id, ticket.generation);
        drop(completion);
        error
    }

    /// Publishes through the client (arguments checked by the caller).
    pub(crate) fn publish(
        &self,
        topic: aws_byte_cursor,
        qos: QoS,
        retain: bool,
        payload: aws_byte_cursor,
        on_complete: Callback<aws_mqtt_op_complete_fn>,
    ) -> Result<u16> {
        let (id, ticket) = self.register(Completion::Op(on_complete))?;
        let view = aws_mqtt5_packet_publish_view {
            topic,
            payload,
            qos: qos as _,
            retain,
            // SAFETY: every other field of the view is optional: zero is absent.
            ..unsafe { std::mem::zeroed() }
        };
        let completion = aws_mqtt5_publish_completion_options {
            completion_callback: Some(publish_completed),
            completion_user_data: ticket,
            ack_timeout_seconds_override: 0,
        };
        // SAFETY: the view borrows the caller's cursors for the call, which copies them.
        if unsafe { aws_mqtt5_client_publish(self.client, &view, &completion) } != 0 {
            return Err(self.refused(id, ticket, Error(aws_last_error())));
        }
        Ok(id)
    }

    /// Subscribes through the client to `topics` (checked by the caller), reported through
    /// `completion`; the topics' handlers enter the tree on the client's loop.
    pub(crate) fn subscribe(
        &self,
        topics: Vec<(String, QoS, SubHandler)>,
        completion: Completion,
    ) -> Result<u16> {
        let (id, ticket) = self.register(completion)?;
        let filters: Vec<(&str, QoS)> = topics.iter().map(|(f, q, _)| (f.as_str(), *q)).collect();
        if let Err(e) = self.submit_subscribe(&filters, ticket) {
            let e = self.refused(id, ticket, e);
            // The handlers were not taken: their cleanup is the caller's, as upstream.
            topics.into_iter().for_each(|(_, _, h)| std::mem::forget(h));
            return Err(e);
        }
        self.on_loop(move |a| {
            let replaced: Vec<Subscription> = {
                let mut s = a.state();
                topics
                    .into_iter()
                    .filter_map(|(filter, qos, handler)| {
                        let entry = Subscription { qos, handler };
                        s.subscriptions.insert(&filter, entry).ok().flatten()
                    })
                    .collect()
            };
            // Replaced handlers' cleanups run here, with no lock held.
            drop(replaced);
        });
        Ok(id)
    }

    /// Hands a SUBSCRIBE of `topics` to the client with `ticket`.
    fn submit_subscribe(&self, filters: &[(&str, QoS)], ticket: *mut c_void) -> Result<()> {
        let views: Vec<aws_mqtt5_subscription_view> = filters
            .iter()
            .map(|(filter, qos)| aws_mqtt5_subscription_view {
                topic_filter: aws_byte_cursor::from_slice(filter.as_bytes()),
                qos: *qos as _,
                // SAFETY: the remaining fields are flags and an enum whose zero is the default.
                ..unsafe { std::mem::zeroed() }
            })
            .collect();
        let view = aws_mqtt5_packet_subscribe_view {
            subscription_count: views.len(),
            subscriptions: views.as_ptr(),
            // SAFETY: the remaining fields are optional: zero is absent.
            ..unsafe { std::mem::zeroed() }
        };
        let completion = aws_mqtt5_subscribe_completion_options {
            completion_callback: Some(suback_received),
            completion_user_data: ticket,
            ack_timeout_seconds_override: 0,
        };
        // SAFETY: the views borrow `topics` for the call, which copies them.
        if unsafe { aws_mqtt5_client_subscribe(self.client, &view, &completion) } != 0 {
            return Err(Error(aws_last_error()));
        }
        Ok(())
    }

    /// Subscribes again to every filter of the tree, on the client's loop;
    /// `AWS_ERROR_MQTT_CONNECTION_RESUBSCRIBE_NO_TOPICS` through `on_suback` when there is none.
    pub(crate) fn resubscribe(&self, on_suback: Callback<aws_mqtt_suback_multi_fn>) -> Result<u16> {
        let (id, ticket) = self.register(Completion::suback_multi(Vec::new(), on_suback))?;
        let ticket = SendTicket(ticket);
        self.on_loop(move |a| {
            let ticket = ticket;
            let (listed, kept): (Vec<_>, Vec<_>) = {
                let s = a.state();
                s.subscriptions
                    .iter()
                    .map(|(filter, sub)| {
                        let kept = MultiTopic {
                            filter: filter.as_bytes().to_vec(),
                            qos: c_qos(sub.qos),
                            on_publish: sub.handler.on_publish,
                            on_cleanup: sub.handler.on_cleanup,
                            on_publish_ud: sub.handler.user_data,
                        };
                        ((filter.to_string(), sub.qos), kept)
                    })
                    .unzip()
            };
            let error = if listed.is_empty() {
                Some(AWS_ERROR_MQTT_CONNECTION_RESUBSCRIBE_NO_TOPICS as c_int)
            } else {
                a.submit_resubscribe(listed, kept, id, ticket.0)
                    .err()
                    .map(|e| e.0)
            };
            if let Some(error) = error {
                // SAFETY: the ticket was not given to the client: complete it here, once.
                unsafe { Ticket::complete(ticket.0, error, &[]) };
            }
        });
        Ok(id)
    }

    /// Submits a resubscribe's SUBSCRIBE, its completion now listing `kept`.
    fn submit_resubscribe(
        &self,
        listed: Vec<(String, QoS)>,
        kept: Vec<MultiTopic>,
        id: u16,
        ticket: *mut c_void,
    ) -> Result<()> {
        if let Some(p) = self.state().ops.live.get_mut(&id) {
            if let Completion::SubackMulti(suback) = &mut p.completion {
                suback.topics = kept;
            }
        }
        let filters: Vec<(&str, QoS)> = listed.iter().map(|(f, q)| (f.as_str(), *q)).collect();
        self.submit_subscribe(&filters, ticket)
    }

    /// Unsubscribes through the client from `filter` (checked by the caller); its handler
    /// leaves the tree (its cleanup runs) on the client's loop.
    pub(crate) fn unsubscribe(
        &self,
        filter: String,
        on_unsuback: Callback<aws_mqtt_op_complete_fn>,
    ) -> Result<u16> {
        let (id, ticket) = self.register(Completion::Op(on_unsuback))?;
        let topic = aws_byte_cursor::from_slice(filter.as_bytes());
        let view = aws_mqtt5_packet_unsubscribe_view {
            topic_filter_count: 1,
            topic_filters: &topic,
            // SAFETY: the remaining fields are optional: zero is absent.
            ..unsafe { std::mem::zeroed() }
        };
        let completion = aws_mqtt5_unsubscribe_completion_options {
            completion_callback: Some(unsuback_received),
            completion_user_data: ticket,
            ack_timeout_seconds_override: 0,
        };
        // SAFETY: the view borrows `filter` for the call, which copies it.
        if unsafe { aws_mqtt5_client_unsubscribe(self.client, &view, &completion) } != 0 {
            return Err(self.refused(id, ticket, Error(aws_last_error())));
        }
        self.on_loop(move |a| {
            let removed = a.state().subscriptions.remove(&filter);
            drop(removed);
        });
        Ok(id)
    }
}

/// A ticket moving to the client's loop.
struct SendTicket(*mut c_void);
// SAFETY: the ticket is owned by whoever holds it; it only moves to the loop thread.
unsafe impl Send for SendTicket {}
