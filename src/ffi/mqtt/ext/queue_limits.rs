//! `aws/mqtt/ext/queue_limits.h`: beyond upstream: bounded queues for both clients. Upstream's
//! clients queue without limit while offline, until the process runs out of memory; a client
//! given limits holds at most so many unfinished operations and so many bytes of their packets,
//! and a new operation past them is refused, or makes room by dropping queued (never sent)
//! operations, oldest first: QoS 0 publishes only, or any. A refused or dropped operation
//! completes through its own callback with `AWS_ERROR_MQTT_QUEUE_FULL`; statistics count them.
//!
//! The MQTT 5 client also bounds its publishes in flight (4096 by default, below a server's
//! larger Receive Maximum); `aws_mqtt_ext_mqtt5_client_set_max_inflight` changes it.
//!
//! # Safety
//! Pointer arguments are NULL or valid; a client or connection is one the caller holds a
//! reference to.

use crate::client::queue_limits::{QueueLimits, QueueStatistics, WhenFull};
use crate::connection::Command;
use crate::connection::mqtt5_protocol::Mqtt5Command;
use crate::connection::mqtt311_protocol::Mqtt311Command;
use crate::ffi::common::error::aws_common_error::AWS_ERROR_UNSUPPORTED_OPERATION;
use crate::ffi::guard::{self, INVALID_ARGUMENT};
use crate::ffi::mqtt::client_connection::{Kind, aws_mqtt_client_connection, handle_of};
use crate::ffi::mqtt::v5::client::{aws_mqtt5_client, client_of};
use std::ffi::c_int;

/// What a full queue does with a new operation.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_mqtt_ext_queue_full_behavior {
    /// The new operation fails with `AWS_ERROR_MQTT_QUEUE_FULL`.
    AWS_MQTT_EXT_QFB_REFUSE = 0,
    /// Queued QoS 0 publishes are dropped, oldest first, until the new one fits; else it is
    /// refused.
    AWS_MQTT_EXT_QFB_DROP_QOS0_THEN_REFUSE = 1,
    /// Queued operations of any kind are dropped, oldest first, until the new one fits; else it
    /// is refused.
    AWS_MQTT_EXT_QFB_DROP_OLDEST = 2,
}

/// `enum aws_mqtt_ext_queue_full_behavior` as C passes it.
pub type aws_mqtt_ext_queue_full_behavior_raw = c_int;

/// The limits of a client's queue; 0 is no limit.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct aws_mqtt_ext_queue_limits {
    /// Unfinished operations at most (queued, or sent and waiting for their acknowledgement).
    pub max_operations: u64,
    /// Bytes of their packets at most (the operation statistics' sizes).
    pub max_bytes: u64,
    /// What happens to a new operation past the limits.
    pub when_full: aws_mqtt_ext_queue_full_behavior_raw,
}

/// What the limits did so far.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct aws_mqtt_ext_queue_statistics {
    /// Queued operations dropped to make room.
    pub dropped_operation_count: u64,
    /// New operations refused.
    pub refused_operation_count: u64,
}

/// The limits `limits` asks for (NULL: none).
///
/// # Safety
/// `limits` is NULL or valid.
unsafe fn limits_of(
    limits: *const aws_mqtt_ext_queue_limits,
) -> guard::Result<Option<QueueLimits>> {
    // SAFETY: the caller's contract.
    let Some(l) = (unsafe { limits.as_ref() }) else {
        return Ok(None);
    };
    let when_full = match l.when_full {
        0 => WhenFull::Refuse,
        1 => WhenFull::DropQos0ThenRefuse,
        2 => WhenFull::DropOldest,
        _ => return Err(INVALID_ARGUMENT),
    };
    Ok(Some(QueueLimits {
        max_operations: l.max_operations,
        max_bytes: l.max_bytes,
        when_full,
    }))
}

/// The C form of the statistics.
pub(crate) fn c_statistics(s: QueueStatistics) -> aws_mqtt_ext_queue_statistics {
    aws_mqtt_ext_queue_statistics {
        dropped_operation_count: s.dropped,
        refused_operation_count: s.refused,
    }
}

/// Bounds the MQTT 5 client's queue from now on (operations already queued stay); NULL lifts
/// the bounds. `AWS_ERROR_INVALID_ARGUMENT` for a NULL client or an unknown behaviour.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_ext_mqtt5_client_set_queue_limits(
    client: *mut aws_mqtt5_client,
    limits: *const aws_mqtt_ext_queue_limits,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the client and lends valid limits.
        unsafe {
            let c = client_of(client)?;
            c.send(Mqtt5Command::SetQueueLimits(limits_of(limits)?));
        }
        Ok(())
    })
}

/// Sets how many QoS 1 and 2 publishes the MQTT 5 client keeps in flight at most, when the
/// server's Receive Maximum allows more, from its next connection on; 0 leaves it to the
/// server alone, as upstream. The default is 4096. `AWS_ERROR_INVALID_ARGUMENT` for a NULL
/// client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_ext_mqtt5_client_set_max_inflight(
    client: *mut aws_mqtt5_client,
    max_inflight: u16,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the client.
        let c = unsafe { client_of(client) }?;
        c.send(Mqtt5Command::Reconfigure(Box::new(move |settings| {
            settings.max_inflight = max_inflight
        })));
        Ok(())
    })
}

/// What the MQTT 5 client's queue limits dropped and refused, as of its loop's last step.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_ext_mqtt5_client_get_queue_statistics(
    client: *mut aws_mqtt5_client,
    statistics: *mut aws_mqtt_ext_queue_statistics,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the client and lends a writable struct.
        unsafe {
            let c = client_of(client)?;
            *guard::mutable(statistics)? = c_statistics(c.queue_statistics());
        }
        Ok(())
    })
}

/// Bounds the 3.1.1 connection's queue from now on; NULL lifts the bounds.
/// `AWS_ERROR_INVALID_ARGUMENT` for NULL or an unknown behaviour;
/// `AWS_ERROR_UNSUPPORTED_OPERATION` on the 3.1.1 view of an MQTT 5 client (bound the client).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_ext_client_connection_set_queue_limits(
    connection: *mut aws_mqtt_client_connection,
    limits: *const aws_mqtt_ext_queue_limits,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the connection and lends valid limits.
        unsafe {
            let handle = handle_of(connection)?;
            let limits = limits_of(limits)?;
            match handle.kind() {
                Kind::Native(c) => {
                    c.send(Command::Protocol(Mqtt311Command::SetQueueLimits(limits)));
                    Ok(())
                }
                Kind::Adapter(_) => Err(AWS_ERROR_UNSUPPORTED_OPERATION.into()),
            }
        }
    })
}

/// What the 3.1.1 connection's queue limits dropped and refused, as of its loop's last step.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_ext_client_connection_get_queue_statistics(
    connection: *mut aws_mqtt_client_connection,
    statistics: *mut aws_mqtt_ext_queue_statistics,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the connection and lends a writable struct.
        unsafe {
            let handle = handle_of(connection)?;
            let out = guard::mutable(statistics)?;
            match handle.kind() {
                Kind::Native(c) => {
                    *out = c_statistics(c.queue_statistics());
                    Ok(())
                }
                Kind::Adapter(_) => Err(AWS_ERROR_UNSUPPORTED_OPERATION.into()),
            }
        }
    })
}
