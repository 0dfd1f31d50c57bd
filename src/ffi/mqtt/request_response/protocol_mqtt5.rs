//! The request-response client over an MQTT 5 client: operations through the client's C API
//! with completion callbacks of our own, events through a listener (upstream's adapter does the
//! same). Which failures are worth retrying follows upstream: a SUBSCRIBE refused for a reason
//! that may pass (unspecified, implementation specific, quota, packet id in use) or failed for
//! a reason other than validation is retried; a refusal such as "not authorized" is final.

use super::client::Core;
use super::protocol::{Context, Protocol, perform_with};
use super::request_response_client::aws_mqtt_rr_incoming_publish_event;
use crate::client::request_response::Action;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard;
use crate::ffi::io::channel_bootstrap::c_loop_of;
use crate::ffi::io::event_loop::aws_event_loop;
use crate::ffi::mqtt::mqtt::aws_mqtt_error::*;
use crate::ffi::mqtt::v5::client::{
    aws_mqtt5_client, aws_mqtt5_client_acquire, aws_mqtt5_client_release, client_of,
};
use crate::ffi::mqtt::v5::client_operations::{
    aws_mqtt5_client_publish, aws_mqtt5_client_subscribe, aws_mqtt5_client_unsubscribe,
    puback_refused,
};
use crate::ffi::mqtt::v5::listener::{InternalListener, aws_mqtt5_listener_release};
use crate::ffi::mqtt::v5::mqtt5_client::*;
use crate::ffi::mqtt::v5::mqtt5_listener::aws_mqtt5_listener;
use crate::ffi::mqtt::v5::mqtt5_types::aws_mqtt5_packet_type;
use crate::ffi::mqtt::v5::mqtt5_views::*;
use crate::runtime::event_loop::EventLoop;
use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::Arc;
use std::sync::atomic::{AtomicPtr, Ordering};

const QOS_1: i32 = 1;

/// An MQTT 5 client seen as a request-response protocol client.
pub(crate) struct Mqtt5Protocol {
    client: *mut aws_mqtt5_client,
    listener: AtomicPtr<aws_mqtt5_listener>,
}

// SAFETY: the client pointer is only passed to the client's thread-safe functions; the
// adapter holds a reference to it.
unsafe impl Send for Mqtt5Protocol {}
// SAFETY: as above.
unsafe impl Sync for Mqtt5Protocol {}

impl Mqtt5Protocol {
    /// An adapter holding a reference to `client`.
    ///
    /// # Safety
    /// `client` is a live client the caller holds a reference to.
    pub(crate) unsafe fn new(client: *mut aws_mqtt5_client) -> Mqtt5Protocol {
        // SAFETY: the caller's contract.
        unsafe { aws_mqtt5_client_acquire(client) };
        Mqtt5Protocol {
            client,
            listener: AtomicPtr::new(ptr::null_mut()),
        }
    }

    fn client(&self) -> &aws_mqtt5_client {
        // SAFETY: the adapter holds a reference to the client.
        unsafe { client_of(self.client) }.expect("the adapter holds its client")
    }
}

impl Drop for Mqtt5Protocol {
    fn drop(&mut self) {
        // SAFETY: the reference `new` took.
        unsafe { aws_mqtt5_client_release(self.client) };
    }
}

impl Protocol for Mqtt5Protocol {
    fn event_loop(&self) -> EventLoop {
        self.client().event_loop().clone()
    }

    fn c_event_loop(&self) -> *mut aws_event_loop {
        let client = self.client();
        // SAFETY: the client holds a reference to its bootstrap.
        unsafe { c_loop_of(client.bootstrap(), client.event_loop()) }
    }

    fn is_connected(&self) -> bool {
        self.client().is_connected()
    }

    fn attach(&self, core: Arc<Core>) {
        let held = Box::into_raw(Box::new(core)).cast::<c_void>();
        let callbacks = InternalListener {
            on_publish,
            on_lifecycle,
            on_terminated: on_listener_terminated,
        };
        // SAFETY: the client this adapter holds; `held` lives until the termination.
        let listener = unsafe { callbacks.attach(self.client, held) };
        if listener.is_null() {
            // SAFETY: the listener was not made: the core is still ours.
            unsafe { on_listener_terminated(held) };
        }
        self.listener.store(listener, Ordering::Release);
    }

    fn detach(&self) {
        let listener = self.listener.swap(ptr::null_mut(), Ordering::AcqRel);
        // SAFETY: the reference `attach` got; NULL is ignored.
        unsafe { aws_mqtt5_listener_release(listener) };
    }

    fn perform(&self, core: &Arc<Core>, action: Action) {
        let timeout = core.timeout_s;
        perform_with(core, action, |action, context| {
            // SAFETY: the views point into `action`, alive for the call, which copies them.
            unsafe {
                match action {
                    Action::Subscribe(filter) => {
                        let subscription = aws_mqtt5_subscription_view {
                            topic_filter: aws_byte_cursor::from_slice(filter.as_bytes()),
                            qos: QOS_1,
                            ..std::mem::zeroed()
                        };
                        let view = aws_mqtt5_packet_subscribe_view {
                            subscription_count: 1,
                            subscriptions: &subscription,
                            ..std::mem::zeroed()
                        };
                        let completion = aws_mqtt5_subscribe_completion_options {
                            completion_callback: Some(on_suback),
                            completion_user_data: context,
                            ack_timeout_seconds_override: timeout,
                        };
                        aws_mqtt5_client_subscribe(self.client, &view, &completion) == 0
                    }
                    Action::Unsubscribe(filter) => {
                        let topic = aws_byte_cursor::from_slice(filter.as_bytes());
                        let view = aws_mqtt5_packet_unsubscribe_view {
                            topic_filter_count: 1,
                            topic_filters: &topic,
                            ..std::mem::zeroed()
                        };
                        let completion = aws_mqtt5_unsubscribe_completion_options {
                            completion_callback: Some(on_unsuback),
                            completion_user_data: context,
                            ack_timeout_seconds_override: timeout,
                        };
                        aws_mqtt5_client_unsubscribe(self.client, &view, &completion) == 0
                    }
                    Action::Publish { topic, payload, .. } => {
                        let view = aws_mqtt5_packet_publish_view {
                            topic: aws_byte_cursor::from_slice(topic.as_bytes()),
                            payload: aws_byte_cursor::from_slice(payload),
                            qos: QOS_1,
                            ..std::mem::zeroed()
                        };
                        let completion = aws_mqtt5_publish_completion_options {
                            completion_callback: Some(on_puback),
                            completion_user_data: context,
                            ack_timeout_seconds_override: timeout,
                        };
                        aws_mqtt5_client_publish(self.client, &view, &completion) == 0
                    }
                }
            }
        });
    }
}

/// Upstream's judgement of a failed SUBSCRIBE: worth retrying unless validation refused it or
/// the server refused it for a reason that will not pass.
fn subscribe_retryable(error: c_int, reason: Option<c_int>) -> bool {
    let validation = [
        AWS_ERROR_MQTT5_PACKET_VALIDATION as c_int,
        AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION as c_int,
    ];
    if validation.contains(&error) {
        return false;
    }
    // Unspecified error, implementation specific error, packet identifier in use, quota exceeded.
    error != 0 || reason.is_none_or(|r| r < 0x80 || matches!(r, 0x80 | 0x83 | 0x91 | 0x97))
}

/// The reason codes of a SUBACK or UNSUBACK view: how many, and the first.
///
/// # Safety
/// `codes` points to `count` codes, or is NULL.
unsafe fn first_code(codes: *const c_int, count: usize) -> (usize, Option<c_int>) {
    // SAFETY: the caller's contract.
    (
        count,
        unsafe { codes.as_ref() }.copied().filter(|_| count > 0),
    )
}

unsafe extern "C" fn on_suback(
    suback: *const aws_mqtt5_packet_suback_view,
    error: c_int,
    context: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: the client lends the SUBACK for the call.
        let (count, first) = unsafe { suback.as_ref() }.map_or((0, None), |s| unsafe {
            first_code(s.reason_codes, s.reason_code_count)
        });
        let granted = error == 0 && count == 1 && first.is_some_and(|c| c < 0x80);
        let result = if granted {
            Ok(())
        } else {
            Err(subscribe_retryable(error, first))
        };
        // SAFETY: the context `perform` made for this operation, taken back once.
        unsafe { Context::complete(context, result) };
        Ok(())
    })
}

unsafe extern "C" fn on_unsuback(
    unsuback: *const aws_mqtt5_packet_unsuback_view,
    error: c_int,
    context: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: the client lends the UNSUBACK for the call.
        let (count, first) = unsafe { unsuback.as_ref() }.map_or((0, None), |s| unsafe {
            first_code(s.reason_codes, s.reason_code_count)
        });
        let ok = error == 0 && count == 1 && first.is_some_and(|c| c < 0x80);
        // SAFETY: as in `on_suback`.
        unsafe { Context::complete(context, if ok { Ok(()) } else { Err(true) }) };
        Ok(())
    })
}

unsafe extern "C" fn on_puback(
    packet_type: aws_mqtt5_packet_type,
    packet: *const c_void,
    error: c_int,
    context: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: the client's arguments for this completion.
        let refused = unsafe { puback_refused(packet_type, packet) };
        // SAFETY: as in `on_suback`.
        unsafe {
            Context::complete(
                context,
                if error == 0 && !refused {
                    Ok(())
                } else {
                    Err(false)
                },
            )
        };
        Ok(())
    })
}

/// The core a listener callback was given.
///
/// # Safety
/// `held` is the listener's user data, alive until its termination.
unsafe fn core_of<'a>(held: *mut c_void) -> &'a Arc<Core> {
    // SAFETY: the caller's contract.
    unsafe { &*held.cast::<Arc<Core>>() }
}

unsafe extern "C" fn on_publish(
    publish: *const aws_mqtt5_packet_publish_view,
    held: *mut c_void,
) -> bool {
    guard::guard(false, || {
        // SAFETY: the client lends the view for the call; `held` is the listener's.
        unsafe {
            if let Some(p) = publish.as_ref() {
                let event = aws_mqtt_rr_incoming_publish_event {
                    payload: p.payload,
                    topic: p.topic,
                    content_type: p.content_type,
                    user_property_count: p.user_property_count,
                    user_properties: p.user_properties,
                    message_expiry_interval_seconds: p.message_expiry_interval_seconds,
                };
                core_of(held).on_publish(&event);
            }
        }
        Ok(false)
    })
}

unsafe extern "C" fn on_lifecycle(event: *const aws_mqtt5_client_lifecycle_event) {
    guard::guard((), || {
        use aws_mqtt5_client_lifecycle_event_type::*;
        // SAFETY: the client lends the event for the call; its user data is the listener's.
        unsafe {
            let Some(e) = event.as_ref() else {
                return Ok(());
            };
            let core = core_of(e.user_data);
            match e.event_type {
                AWS_MQTT5_CLET_CONNECTION_SUCCESS => {
                    let rejoined = e.settings.as_ref().is_some_and(|s| s.rejoined_session);
                    core.on_loop(|engine| engine.connected(rejoined));
                }
                AWS_MQTT5_CLET_DISCONNECTION => core.on_loop(|engine| engine.disconnected()),
                _ => {}
            }
        }
        Ok(())
    })
}

unsafe extern "C" fn on_listener_terminated(held: *mut c_void) {
    guard::guard((), || {
        // SAFETY: the box `attach` made, given back once the listener is gone.
        drop(unsafe { Box::from_raw(held.cast::<Arc<Core>>()) });
        Ok(())
    })
}
