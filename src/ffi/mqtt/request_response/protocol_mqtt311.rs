//! The request-response client over a 3.1.1 connection: operations through the connection's C
//! API with completion callbacks of our own, events through an internal listener
//! (`connection_listeners.rs`). Each operation carries the request-response client's timeout,
//! as upstream's adapter gives it.
//!
//! A SUBACK refusal (0x80) is final, where upstream retries it at once, forever: 3.1.1 has one
//! failure code, and what it reports (not authorised, a filter the broker refuses) does not pass
//! by retrying. Other failures (a timeout, the connection lost) are retried.

use super::client::Core;
use super::protocol::{Context, Protocol, perform_with};
use super::request_response_client::aws_mqtt_rr_incoming_publish_event;
use crate::client::request_response::Action;
use crate::codec::QoS;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard;
use crate::ffi::io::channel_bootstrap::c_loop_of;
use crate::ffi::io::event_loop::aws_event_loop;
use crate::ffi::mqtt::client_connection::{
    Mqtt311Connection, aws_mqtt_client_connection, aws_mqtt_client_connection_acquire,
    aws_mqtt_client_connection_release, connection_of,
};
use crate::ffi::mqtt::client_delegate::{Callback, SubHandler};
use crate::ffi::mqtt::client_operations as operations;
use crate::ffi::mqtt::client_types::{aws_mqtt_op_complete_fn, aws_mqtt_suback_fn};
use crate::ffi::mqtt::connection_listeners::ConnectionListener;
use crate::ffi::mqtt::mqtt::aws_mqtt_qos;
use crate::runtime::event_loop::EventLoop;
use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A 3.1.1 connection seen as a request-response protocol client.
pub(crate) struct Mqtt311Protocol {
    connection: *mut aws_mqtt_client_connection,
    /// The listener's id in the connection's registry, `u64::MAX` when not attached.
    listener: AtomicU64,
}

// SAFETY: the connection pointer is only passed to its thread-safe functions; the adapter
// holds a reference to it.
unsafe impl Send for Mqtt311Protocol {}
// SAFETY: as above.
unsafe impl Sync for Mqtt311Protocol {}

impl Mqtt311Protocol {
    /// An adapter holding a reference to `connection`.
    ///
    /// # Safety
    /// `connection` is a live connection the caller holds a reference to.
    pub(crate) unsafe fn new(connection: *mut aws_mqtt_client_connection) -> Mqtt311Protocol {
        // SAFETY: the caller's contract.
        unsafe { aws_mqtt_client_connection_acquire(connection) };
        Mqtt311Protocol {
            connection,
            listener: AtomicU64::new(u64::MAX),
        }
    }

    fn connection(&self) -> &Mqtt311Connection {
        // SAFETY: the adapter holds a reference to the connection.
        unsafe { connection_of(self.connection) }.expect("the adapter holds its connection")
    }
}

impl Drop for Mqtt311Protocol {
    fn drop(&mut self) {
        // SAFETY: the reference `new` took.
        unsafe { aws_mqtt_client_connection_release(self.connection) };
    }
}

/// The listener: the adapter's hold on the core, dropped when the registry drops it.
struct Listener(Arc<Core>);

impl ConnectionListener for Listener {
    fn on_publish(&self, topic: &[u8], payload: &[u8]) {
        let event = aws_mqtt_rr_incoming_publish_event {
            payload: aws_byte_cursor::from_slice(payload),
            topic: aws_byte_cursor::from_slice(topic),
            content_type: ptr::null(),
            user_property_count: 0,
            user_properties: ptr::null(),
            message_expiry_interval_seconds: ptr::null(),
        };
        self.0.on_publish(&event);
    }

    fn on_connection_success(&self, session_present: bool) {
        self.0.on_loop(|engine| engine.connected(session_present));
    }

    fn on_connection_lost(&self) {
        self.0.on_loop(|engine| engine.disconnected());
    }
}

impl Protocol for Mqtt311Protocol {
    fn event_loop(&self) -> EventLoop {
        self.connection().event_loop().clone()
    }

    fn c_event_loop(&self) -> *mut aws_event_loop {
        let connection = self.connection();
        // SAFETY: the connection holds its client, which holds its bootstrap.
        unsafe { c_loop_of(connection.bootstrap(), connection.event_loop()) }
    }

    fn is_connected(&self) -> bool {
        self.connection().is_connected()
    }

    fn attach(&self, core: Arc<Core>) {
        let listener = Arc::new(Listener(core));
        let id = self.connection().listeners.add(listener);
        self.listener.store(id, Ordering::Release);
    }

    fn detach(&self) {
        let id = self.listener.swap(u64::MAX, Ordering::AcqRel);
        if id != u64::MAX {
            self.connection().listeners.remove(id);
        }
    }

    fn perform(&self, core: &Arc<Core>, action: Action) {
        // The request-response client's timeout on each operation, as upstream's adapter
        // gives it.
        let timeout_ms = core.timeout_s.saturating_mul(1000);
        let connection = self.connection();
        perform_with(core, action, |action, context| {
            let result = match action {
                Action::Subscribe(filter) => {
                    let handler = SubHandler {
                        on_publish: None,
                        on_cleanup: None,
                        user_data: ptr::null_mut(),
                    };
                    let on_suback = Callback {
                        function: Some(on_suback as aws_mqtt_suback_fn),
                        user_data: context,
                    };
                    let qos = QoS::AtLeastOnce;
                    operations::subscribe(
                        connection,
                        filter.clone(),
                        qos,
                        handler,
                        on_suback,
                        timeout_ms,
                    )
                }
                Action::Unsubscribe(filter) => {
                    let on_unsuback = Callback {
                        function: Some(on_unsuback as aws_mqtt_op_complete_fn),
                        user_data: context,
                    };
                    operations::unsubscribe(connection, filter.clone(), on_unsuback, timeout_ms)
                }
                Action::Publish { topic, payload, .. } => {
                    let on_puback = Callback {
                        function: Some(on_puback as aws_mqtt_op_complete_fn),
                        user_data: context,
                    };
                    operations::publish(
                        connection,
                        topic,
                        payload,
                        QoS::AtLeastOnce,
                        false,
                        on_puback,
                        timeout_ms,
                    )
                }
            };
            result.is_ok()
        });
    }
}

unsafe extern "C" fn on_suback(
    _connection: *mut aws_mqtt_client_connection,
    _packet_id: u16,
    _topic: *const aws_byte_cursor,
    qos: aws_mqtt_qos,
    error: c_int,
    context: *mut c_void,
) {
    guard::guard((), || {
        let result = match (error, qos) {
            (0, aws_mqtt_qos::AWS_MQTT_QOS_FAILURE) => Err(false),
            (0, _) => Ok(()),
            _ => Err(true),
        };
        // SAFETY: the context `perform` made for this operation, taken back once.
        unsafe { Context::complete(context, result) };
        Ok(())
    })
}

unsafe extern "C" fn on_unsuback(
    _connection: *mut aws_mqtt_client_connection,
    _packet_id: u16,
    error: c_int,
    context: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: as in `on_suback`.
        unsafe { Context::complete(context, if error == 0 { Ok(()) } else { Err(true) }) };
        Ok(())
    })
}

unsafe extern "C" fn on_puback(
    _connection: *mut aws_mqtt_client_connection,
    _packet_id: u16,
    error: c_int,
    context: *mut c_void,
) {
    guard::guard((), || {
        // SAFETY: as in `on_suback`.
        unsafe { Context::complete(context, if error == 0 { Ok(()) } else { Err(false) }) };
        Ok(())
    })
}
