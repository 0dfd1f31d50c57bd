//! `aws/mqtt/ext/durable_store.h`: beyond upstream: durable in-flight state for both clients. Upstream keeps unacknowledged publishes in memory only, so a process that dies loses
//! them. A client given a store writes every QoS 1 and 2 publish it accepts before the publish
//! call returns (a failed write fails the call: `AWS_ERROR_FILE_WRITE_FAILURE`, or the store's
//! own error), then the packet id it was sent under, its PUBREC and its end; and the QoS 2
//! publishes it received and delivered, until their PUBREL. Given the same store after a
//! restart, the client resends what was not acknowledged before anything new (DUP set, the
//! original packet ids, PUBREL for a QoS 2 publish whose PUBREC had arrived) when the server
//! resumes the session (MQTT 5: clean start off and a session expiry; 3.1.1: clean session
//! off), and does not deliver a QoS 2 publish twice. Those restored publishes complete through
//! `on_recovered_publish_complete`. A publish that fails because its client was stopped or
//! released (its connection destroyed) stays in the store for the next client given it.
//!
//! Set the store on a client just made, before its first start or connect: a publish made
//! before the store is not in it.
//!
//! The store is a directory (an append-only log of encoded packets, a checksum per record, a
//! torn or corrupt tail dropped at opening, compaction once finished records dominate) or the
//! user's own callbacks (`aws_mqtt_ext_store_vtable`).
//!
//! # Safety
//! Pointer arguments are NULL or valid; a client is one the caller holds a reference to; a
//! vtable and its store stay valid while the client lives.

use crate::client::journal::{Journal, Recovered, SharedStore, Store, StoredPublish};
use crate::client::mqtt311::Request as Request311;
use crate::codec::{EncodedPublish, QoS, Version};
use crate::connection::mqtt5_protocol::Mqtt5Command;
use crate::error::aws_common_error::{
    AWS_ERROR_FILE_WRITE_FAILURE, AWS_ERROR_INVALID_STATE, AWS_ERROR_UNSUPPORTED_OPERATION,
};
use crate::ffi::common::byte_buf::{aws_byte_cursor, cursor_bytes};
use crate::ffi::common::error::aws_last_error;
use crate::ffi::common::error_info::translate_errno;
use crate::ffi::guard::{self, Error, INVALID_ARGUMENT, Result};
use crate::ffi::mqtt::client_connection::{Kind, aws_mqtt_client_connection, handle_of};
use crate::ffi::mqtt::client_delegate::{Callback, Completion, OpToken as Op311Token};
use crate::ffi::mqtt::mqtt::aws_mqtt_qos;
use crate::ffi::mqtt::v5::client::{aws_mqtt5_client, client_of};
use crate::ffi::mqtt::v5::client_delegate::OpToken;
use crate::runtime::publish_log::{Fsync, PublishLog};
use crate::runtime::store_flusher;
use std::ffi::{c_int, c_void};
use std::io;
use std::path::PathBuf;
use std::time::Duration;

/// When a directory store's records reach the disk.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_mqtt_ext_fsync_policy {
    /// Before the call that wrote a record returns: nothing accepted is lost, even to a power
    /// failure (the default).
    AWS_MQTT_EXT_FSYNC_ALWAYS = 0,
    /// At most `fsync_interval_ms` after a record (one thread in the process syncs every such
    /// store): a process that is killed loses nothing (the records are in the operating
    /// system's hands), a machine that fails may lose that much.
    AWS_MQTT_EXT_FSYNC_INTERVAL = 1,
    /// When the operating system decides.
    AWS_MQTT_EXT_FSYNC_NEVER = 2,
}

/// `enum aws_mqtt_ext_fsync_policy` as C passes it.
pub type aws_mqtt_ext_fsync_policy_raw = c_int;

/// A publish a store holds, as a pluggable store hands it back when loaded.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_mqtt_ext_stored_publish {
    /// The record id the client gave it.
    pub record_id: u64,
    /// The packet id it was last sent under; 0: never sent.
    pub packet_id: u16,
    /// QoS 2: its PUBREC arrived (PUBREL is resent, not the PUBLISH).
    pub released: bool,
    /// The encoded PUBLISH, as `accepted` received it.
    pub packet: aws_byte_cursor,
}

/// What a loading store hands its publishes and received QoS 2 ids to. Opaque.
pub struct aws_mqtt_ext_store_loader {
    recovered: Recovered,
}

/// The callbacks of a store the user keeps (a database, a flash partition). Each returns
/// `AWS_OP_SUCCESS`, or `AWS_OP_ERR` with an error raised; each change must be durable when it
/// returns, as far as the user wants it to be. All are required but `flush`. They are called
/// from the threads that publish and from the client's event loop, never two at once; an
/// error from `accepted` fails the publish call, one from the others is logged.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_mqtt_ext_store_vtable {
    /// Remember `packet`, a PUBLISH accepted under `record_id`.
    pub accepted: Option<
        unsafe extern "C" fn(store: *mut c_void, record_id: u64, packet: aws_byte_cursor) -> c_int,
    >,
    /// `record_id` was sent under `packet_id`; `released`: its PUBREC arrived.
    pub progressed: Option<
        unsafe extern "C" fn(
            store: *mut c_void,
            record_id: u64,
            packet_id: u16,
            released: bool,
        ) -> c_int,
    >,
    /// `record_id` is finished: forget it.
    pub settled: Option<unsafe extern "C" fn(store: *mut c_void, record_id: u64) -> c_int>,
    /// A QoS 2 publish received under `packet_id` was delivered.
    pub received_qos2: Option<unsafe extern "C" fn(store: *mut c_void, packet_id: u16) -> c_int>,
    /// Its PUBREL arrived: forget `packet_id`.
    pub released_qos2: Option<unsafe extern "C" fn(store: *mut c_void, packet_id: u16) -> c_int>,
    /// A new session: forget every received QoS 2 id.
    pub cleared_qos2: Option<unsafe extern "C" fn(store: *mut c_void) -> c_int>,
    /// Optional: make what was written durable now.
    pub flush: Option<unsafe extern "C" fn(store: *mut c_void) -> c_int>,
    /// Hand everything held to the loader (`aws_mqtt_ext_store_loader_add_*`) before returning.
    pub load: Option<
        unsafe extern "C" fn(store: *mut c_void, loader: *mut aws_mqtt_ext_store_loader) -> c_int,
    >,
}

/// A restored publish, as its completion reports it.
#[repr(C)]
pub struct aws_mqtt_ext_recovered_publish {
    /// Its record id in the store.
    pub record_id: u64,
    /// Its topic.
    pub topic: aws_byte_cursor,
    /// Its payload.
    pub payload: aws_byte_cursor,
    /// Its QoS.
    pub qos: aws_mqtt_qos,
    /// The reason code of the acknowledgement that ended it (MQTT 5), 0 otherwise.
    pub reason_code: u32,
}

/// Called once for each restored publish, on the client's loop, when it completes:
/// `error_code` 0 when acknowledged.
pub type aws_mqtt_ext_recovered_publish_complete_fn = unsafe extern "C" fn(
    publish: *const aws_mqtt_ext_recovered_publish,
    error_code: c_int,
    user_data: *mut c_void,
);

/// Where a client keeps its in-flight state: `directory` or (`vtable`, `store`), not both.
#[repr(C)]
pub struct aws_mqtt_ext_store_options {
    /// A directory the client owns (created if missing): the file store.
    pub directory: aws_byte_cursor,
    /// A store of the user's own, with its `store` pointer.
    pub vtable: *const aws_mqtt_ext_store_vtable,
    pub store: *mut c_void,
    /// The directory store's sync policy (`enum aws_mqtt_ext_fsync_policy`).
    pub fsync_policy: aws_mqtt_ext_fsync_policy_raw,
    /// For `AWS_MQTT_EXT_FSYNC_INTERVAL`: at most this long (0: 100 ms).
    pub fsync_interval_ms: u32,
    /// Completion of each restored publish (may be NULL).
    pub on_recovered_publish_complete: Option<aws_mqtt_ext_recovered_publish_complete_fn>,
    pub recovered_user_data: *mut c_void,
}

/// What opening a store found.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct aws_mqtt_ext_store_status {
    /// Publishes restored, to be resent (or sent) before anything new.
    pub recovered_publish_count: u64,
    /// Received QoS 2 publishes still waiting for their PUBREL.
    pub recovered_received_qos2_count: u64,
    /// Bytes of a torn or corrupt tail dropped from a directory store.
    pub dropped_tail_bytes: u64,
}

/// Hands a stored publish to the loader. `AWS_ERROR_INVALID_ARGUMENT` for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_ext_store_loader_add_publish(
    loader: *mut aws_mqtt_ext_store_loader,
    publish: *const aws_mqtt_ext_stored_publish,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a loader it was given and a valid publish.
        unsafe {
            let loader = guard::mutable(loader)?;
            let p = guard::reference(publish)?;
            loader.recovered.publishes.push(StoredPublish {
                record: p.record_id,
                packet_id: p.packet_id,
                released: p.released,
                packet: cursor_bytes(&p.packet)?.to_vec(),
            });
        }
        Ok(())
    })
}

/// Hands a received QoS 2 id to the loader. `AWS_ERROR_INVALID_ARGUMENT` for NULL or id 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_ext_store_loader_add_received_qos2(
    loader: *mut aws_mqtt_ext_store_loader,
    packet_id: u16,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a loader it was given.
        let loader = unsafe { guard::mutable(loader)? };
        guard::require(packet_id != 0)?;
        loader.recovered.incoming_qos2.push(packet_id);
        Ok(())
    })
}

/// The user's store, through its callbacks.
struct CStore {
    vtable: aws_mqtt_ext_store_vtable,
    store: *mut c_void,
}

// SAFETY: the user promises the store may be called from the client's threads (the API's
// callers and its loop), one call at a time: the shared store's lock serialises them.
unsafe impl Send for CStore {}

/// The user's return code as a result.
fn c_result(code: c_int) -> io::Result<()> {
    match code {
        0 => Ok(()),
        _ => Err(io::Error::other(format!(
            "store error {}",
            aws_last_error()
        ))),
    }
}

impl Store for CStore {
    fn accepted(&mut self, record: u64, packet: &[u8]) -> io::Result<()> {
        let f = self
            .vtable
            .accepted
            .ok_or_else(|| io::Error::other("no accepted"))?;
        // SAFETY: the user's callback and store; the cursor lives for the call.
        c_result(unsafe { f(self.store, record, aws_byte_cursor::from_slice(packet)) })
    }

    fn progressed(&mut self, record: u64, packet_id: u16, released: bool) -> io::Result<()> {
        let f = self
            .vtable
            .progressed
            .ok_or_else(|| io::Error::other("no progressed"))?;
        // SAFETY: the user's callback and store.
        c_result(unsafe { f(self.store, record, packet_id, released) })
    }

    fn settled(&mut self, record: u64) -> io::Result<()> {
        let f = self
            .vtable
            .settled
            .ok_or_else(|| io::Error::other("no settled"))?;
        // SAFETY: the user's callback and store.
        c_result(unsafe { f(self.store, record) })
    }

    fn received_qos2(&mut self, packet_id: u16) -> io::Result<()> {
        let f = self
            .vtable
            .received_qos2
            .ok_or_else(|| io::Error::other("no received_qos2"))?;
        // SAFETY: the user's callback and store.
        c_result(unsafe { f(self.store, packet_id) })
    }

    fn released_qos2(&mut self, packet_id: u16) -> io::Result<()> {
        let f = self
            .vtable
            .released_qos2
            .ok_or_else(|| io::Error::other("no released_qos2"))?;
        // SAFETY: the user's callback and store.
        c_result(unsafe { f(self.store, packet_id) })
    }

    fn cleared_qos2(&mut self) -> io::Result<()> {
        let f = self
            .vtable
            .cleared_qos2
            .ok_or_else(|| io::Error::other("no cleared_qos2"))?;
        // SAFETY: the user's callback and store.
        c_result(unsafe { f(self.store) })
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.vtable.flush {
            // SAFETY: the user's callback and store.
            Some(f) => c_result(unsafe { f(self.store) }),
            None => Ok(()),
        }
    }
}

/// The error code a failed store write raises: the system's (`AWS_ERROR_NO_SPACE` for a full
/// disk), else `AWS_ERROR_FILE_WRITE_FAILURE`.
fn store_error(e: &io::Error) -> c_int {
    translate_errno(
        e.raw_os_error().unwrap_or(0),
        AWS_ERROR_FILE_WRITE_FAILURE as c_int,
    )
}

/// Writes `publish` to `store` if it is a QoS 1 or 2 publish (see the module comment): its
/// record id, 0 for anything else. Out of line: the callers' common path has no store.
#[cold]
#[inline(never)]
pub(crate) fn record_publish(store: &SharedStore, publish: Option<&EncodedPublish>) -> Result<u64> {
    match publish {
        Some(p) if p.qos() != QoS::AtMostOnce => store
            .accept(p.as_bytes())
            .map_err(|e| Error(store_error(&e))),
        _ => Ok(0),
    }
}

/// Records a received publish in `store` as it is handed to the user, when it is a QoS 2 one
/// (see `SharedStore::delivering_qos2`): both clients' deliveries call this just before the
/// callback.
#[inline]
pub(crate) fn record_delivery(store: Option<&SharedStore>, qos: QoS, packet_id: u16) {
    if qos == QoS::ExactlyOnce
        && let Some(store) = store
    {
        store.delivering_qos2(packet_id);
    }
}

/// A restored publish's completion: the user's callback, and the packet it reports.
/// cbindgen:ignore
pub struct RecoveredToken {
    callback: Callback<aws_mqtt_ext_recovered_publish_complete_fn>,
    record: u64,
    packet: Box<[u8]>,
    version: Version,
}

impl RecoveredToken {
    /// Reports the end of the restored publish: `reason_code` of its acknowledgement, or an
    /// error code.
    pub fn complete(&self, reason_code: u32, error_code: c_int) {
        let Some(f) = self.callback.function else {
            return;
        };
        // The engine restored only packets that decode.
        let Ok(publish) = EncodedPublish::from_wire(&self.packet, self.version) else {
            return;
        };
        let qos = match publish.qos() {
            QoS::AtMostOnce => aws_mqtt_qos::AWS_MQTT_QOS_AT_MOST_ONCE,
            QoS::AtLeastOnce => aws_mqtt_qos::AWS_MQTT_QOS_AT_LEAST_ONCE,
            QoS::ExactlyOnce => aws_mqtt_qos::AWS_MQTT_QOS_EXACTLY_ONCE,
        };
        let view = aws_mqtt_ext_recovered_publish {
            record_id: self.record,
            topic: aws_byte_cursor::from_slice(publish.topic().as_bytes()),
            payload: aws_byte_cursor::from_slice(publish.payload(self.version)),
            qos,
            reason_code,
        };
        // SAFETY: the user's callback with its data; the view lives for the call.
        unsafe { f(&view, error_code, self.callback.user_data) };
    }
}

/// An opened store: shared with the engine, what it held, and where restored publishes
/// complete.
pub(crate) struct Opened {
    pub(crate) shared: SharedStore,
    pub(crate) recovered: Recovered,
    callback: Callback<aws_mqtt_ext_recovered_publish_complete_fn>,
}

impl Opened {
    /// The restored publishes (`version`'s packets), each with the completion token `token`
    /// makes of it.
    pub(crate) fn publishes<T>(
        &mut self,
        version: Version,
        token: impl Fn(Box<RecoveredToken>) -> T,
    ) -> Vec<(StoredPublish, T)> {
        std::mem::take(&mut self.recovered.publishes)
            .into_iter()
            .map(|p| {
                // The packet is what the completion reports: kept only when it is reported.
                let packet = match self.callback.function {
                    Some(_) => p.packet.clone().into(),
                    None => Box::default(),
                };
                let t = token(Box::new(RecoveredToken {
                    callback: self.callback,
                    record: p.record,
                    packet,
                    version,
                }));
                (p, t)
            })
            .collect()
    }

    /// The status the set call reports.
    fn status(&self) -> aws_mqtt_ext_store_status {
        aws_mqtt_ext_store_status {
            recovered_publish_count: self.recovered.publishes.len() as u64,
            recovered_received_qos2_count: self.recovered.incoming_qos2.len() as u64,
            dropped_tail_bytes: self.recovered.dropped_tail_bytes,
        }
    }
}

/// Opens the store `options` describe.
///
/// # Safety
/// `options` is valid; its vtable and store stay valid while the client lives.
unsafe fn open(options: &aws_mqtt_ext_store_options) -> Result<Opened> {
    // SAFETY: the caller's contract.
    let directory = unsafe { cursor_bytes(&options.directory)? };
    let (store, mut recovered): (Box<dyn Store>, Recovered) =
        match (directory.is_empty(), options.vtable.is_null()) {
            (false, true) => {
                let fsync = match options.fsync_policy {
                    0 => Fsync::Always,
                    1 => Fsync::Every(interval(options)),
                    2 => Fsync::Never,
                    _ => return Err(INVALID_ARGUMENT),
                };
                let path =
                    PathBuf::from(std::str::from_utf8(directory).map_err(|_| INVALID_ARGUMENT)?);
                let (log, recovered) =
                    PublishLog::open(&path, fsync).map_err(|e| Error(store_error(&e)))?;
                (Box::new(log), recovered)
            }
            (true, false) => {
                // SAFETY: the caller's contract.
                let vtable = unsafe { *options.vtable };
                let complete = vtable.accepted.is_some()
                    && vtable.progressed.is_some()
                    && vtable.settled.is_some()
                    && vtable.received_qos2.is_some()
                    && vtable.released_qos2.is_some()
                    && vtable.cleared_qos2.is_some()
                    && vtable.load.is_some();
                guard::require(complete)?;
                let mut loader = aws_mqtt_ext_store_loader {
                    recovered: Recovered::default(),
                };
                if let Some(load) = vtable.load {
                    // SAFETY: the user's callback and store; the loader lives for the call.
                    if unsafe { load(options.store, &mut loader) } != 0 {
                        return Err(Error(aws_last_error()));
                    }
                }
                (
                    Box::new(CStore {
                        vtable,
                        store: options.store,
                    }),
                    loader.recovered,
                )
            }
            _ => return Err(INVALID_ARGUMENT),
        };
    recovered.publishes.sort_by_key(|p| p.record);
    let next_record = recovered.publishes.last().map_or(1, |p| p.record + 1);
    let shared = SharedStore::new(store, next_record);
    if options.fsync_policy == 1 && !directory.is_empty() {
        store_flusher::register(shared.downgrade(), interval(options));
    }
    Ok(Opened {
        shared,
        recovered,
        callback: Callback {
            function: options.on_recovered_publish_complete,
            user_data: options.recovered_user_data,
        },
    })
}

/// The interval policy's bound.
fn interval(options: &aws_mqtt_ext_store_options) -> Duration {
    Duration::from_millis(match options.fsync_interval_ms {
        0 => 100,
        ms => u64::from(ms),
    })
}

/// Writes `status` where the caller asked for it.
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn report(out: *mut aws_mqtt_ext_store_status, status: aws_mqtt_ext_store_status) {
    // SAFETY: the caller's contract.
    if let Some(out) = unsafe { out.as_mut() } {
        *out = status;
    }
}

/// Gives the MQTT 5 client a durable store and restores what it held (see the module
/// comment); `status` (may be NULL) says what was found. Call once, before the first
/// `aws_mqtt5_client_start`: `AWS_ERROR_INVALID_STATE` otherwise. `AWS_ERROR_INVALID_ARGUMENT`
/// for NULL, both or neither of a directory and a vtable, a vtable without a required callback,
/// or an unknown policy; a directory that cannot be opened raises the system's error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_ext_mqtt5_client_set_store(
    client: *mut aws_mqtt5_client,
    options: *const aws_mqtt_ext_store_options,
    status: *mut aws_mqtt_ext_store_status,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the client and lends valid options.
        unsafe {
            let c = client_of(client)?;
            let options = guard::reference(options)?;
            if c.store().is_some() || c.ever_started() {
                return Err(AWS_ERROR_INVALID_STATE.into());
            }
            let mut opened = open(options)?;
            report(status, opened.status());
            let publishes = opened.publishes(Version::V5, OpToken::Recovered);
            let incoming = std::mem::take(&mut opened.recovered.incoming_qos2);
            if !c.set_store(opened.shared.clone()) {
                return Err(AWS_ERROR_INVALID_STATE.into());
            }
            c.send(Mqtt5Command::AttachStore(
                Journal::to(opened.shared),
                publishes,
                incoming,
            ));
        }
        Ok(())
    })
}

/// Gives the 3.1.1 connection a durable store and restores what it held (see the module
/// comment); as `aws_mqtt_ext_mqtt5_client_set_store`, before the first
/// `aws_mqtt_client_connection_connect`. `AWS_ERROR_UNSUPPORTED_OPERATION` on the 3.1.1 view
/// of an MQTT 5 client (give the client the store).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_mqtt_ext_client_connection_set_store(
    connection: *mut aws_mqtt_client_connection,
    options: *const aws_mqtt_ext_store_options,
    status: *mut aws_mqtt_ext_store_status,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller holds a reference to the connection and lends valid options.
        unsafe {
            let c = match handle_of(connection)?.kind() {
                Kind::Native(c) => c,
                Kind::Adapter(_) => return Err(AWS_ERROR_UNSUPPORTED_OPERATION.into()),
            };
            let options = guard::reference(options)?;
            let mut opened = open(options)?;
            let found = opened.status();
            let publishes = opened.publishes(Version::V311, |token| {
                let size = EncodedPublish::from_wire(&token.packet, Version::V311)
                    .map_or(0, |p| Request311::<()>::Publish(p).statistics_size());
                Op311Token {
                    size,
                    completion: Completion::Recovered(token),
                }
            });
            let incoming = std::mem::take(&mut opened.recovered.incoming_qos2);
            c.attach_store(opened.shared, publishes, incoming)?;
            report(status, found);
        }
        Ok(())
    })
}
