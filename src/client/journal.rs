//! Durable in-flight state (beyond upstream, issue 19): what a client's store must remember so a
//! restarted process loses no QoS 1 or 2 publish it accepted and delivers no QoS 2 publish twice.
//!
//! The store is written from two sides. The API call writes an accepted publish (its encoded
//! bytes) before it returns, on the caller's thread; the engine, on the loop thread, writes what
//! happens to it after: the packet id it was sent under, its PUBREC, its end. The engine also
//! writes the QoS 2 publishes it received and delivered until their PUBREL. Both sides share one
//! [`SharedStore`]; the engine reaches it through [`Journal`], which never fails an exchange:
//! a store that cannot write is logged, and the operation goes on (its acceptance, the one write
//! the user waits for, is where a full disk is reported).
//!
//! Every publish has a record id, assigned at acceptance and never reused while the store holds
//! the publish; the engine keeps it in the operation.

use std::io;
use std::sync::{Arc, Mutex, MutexGuard};

/// A publish the store held when it was opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPublish {
    /// Its record id.
    pub record: u64,
    /// The packet id it was last sent under; 0: never sent.
    pub packet_id: u16,
    /// QoS 2: its PUBREC arrived, so PUBREL is what to send again.
    pub released: bool,
    /// The encoded PUBLISH (a zero packet id until sent).
    pub packet: Vec<u8>,
}

/// What a store held when it was opened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recovered {
    /// The publishes not acknowledged, oldest record first.
    pub publishes: Vec<StoredPublish>,
    /// QoS 2 publishes received and delivered, whose PUBREL had not arrived.
    pub incoming_qos2: Vec<u16>,
    /// Bytes of a torn or corrupt tail the store dropped (a file store only).
    pub dropped_tail_bytes: u64,
}

/// Where a client's in-flight state is kept: a file log (`runtime::publish_log`) or the user's
/// own callbacks. Each call is one change, durable as the store's policy says when it returns.
pub trait Store: Send {
    /// Remembers a publish accepted under `record`, encoded as `packet`.
    fn accepted(&mut self, record: u64, packet: &[u8]) -> io::Result<()>;
    /// `record` was sent under `packet_id`; `released`: its PUBREC arrived (QoS 2).
    fn progressed(&mut self, record: u64, packet_id: u16, released: bool) -> io::Result<()>;
    /// `record` is finished (acknowledged or failed): it is never resent.
    fn settled(&mut self, record: u64) -> io::Result<()>;
    /// A QoS 2 publish received under `packet_id` was delivered.
    fn received_qos2(&mut self, packet_id: u16) -> io::Result<()>;
    /// The PUBREL of `packet_id` arrived: a publish under that id is new again.
    fn released_qos2(&mut self, packet_id: u16) -> io::Result<()>;
    /// The server started a new session: no received QoS 2 publish is pending any more.
    fn cleared_qos2(&mut self) -> io::Result<()>;
    /// Makes what was written durable now (the "every N milliseconds" policy's timer).
    fn flush(&mut self) -> io::Result<()>;
}

/// A store shared by the API (acceptances) and the engine (the rest), with the next record id.
#[derive(Clone)]
pub struct SharedStore(Arc<Mutex<Inner>>);

struct Inner {
    store: Box<dyn Store>,
    next_record: u64,
}

/// A [`SharedStore`] that does not keep it alive.
#[derive(Clone)]
pub struct WeakStore(std::sync::Weak<Mutex<Inner>>);

impl WeakStore {
    /// Whether both name the same store.
    pub fn same(&self, other: &WeakStore) -> bool {
        std::sync::Weak::ptr_eq(&self.0, &other.0)
    }
}

/// The store, locked, with the record id the next acceptance takes.
struct Locked<'a>(MutexGuard<'a, Inner>);

impl SharedStore {
    /// Shares `store`, whose recovered publishes' records are all below `next_record`.
    pub fn new(store: Box<dyn Store>, next_record: u64) -> SharedStore {
        SharedStore(Arc::new(Mutex::new(Inner {
            store,
            next_record: next_record.max(1),
        })))
    }

    /// The store, locked (a panic while it was held does not make it unusable).
    fn lock(&self) -> Locked<'_> {
        Locked(self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Records `packet` as accepted and returns its record id; nothing changes on an error.
    pub fn accept(&self, packet: &[u8]) -> io::Result<u64> {
        let mut locked = self.lock();
        let record = locked.0.next_record;
        locked.0.store.accepted(record, packet)?;
        locked.0.next_record += 1;
        Ok(record)
    }

    /// Flushes the store (see [`Store::flush`]) while another holder keeps it; false once
    /// none does (the "every N milliseconds" timer's step: it holds only this weak handle).
    pub fn flush_weak(weak: &WeakStore) -> bool {
        let Some(inner) = weak.0.upgrade() else {
            return false;
        };
        SharedStore(inner).write("flush", |s| s.flush());
        true
    }

    /// A handle that does not keep the store alive.
    pub fn downgrade(&self) -> WeakStore {
        WeakStore(Arc::downgrade(&self.0))
    }

    /// Applies one change, logging a failure (see the module comment).
    fn write(&self, what: &str, change: impl FnOnce(&mut dyn Store) -> io::Result<()>) {
        if let Err(e) = change(self.lock().store()) {
            crate::aws_log!(
                AWS_LL_WARN,
                AWS_LS_MQTT_GENERAL,
                "store: {what} not written: {e}"
            );
        }
    }

    /// A received QoS 2 publish is about to be handed to the user (see
    /// [`Store::received_qos2`]): written by the runtime just before the callback, one message
    /// at a time, so a process killed in the middle of a batch of deliveries leaves recorded
    /// only what it delivered (and at most the one being delivered).
    pub fn delivering_qos2(&self, packet_id: u16) {
        self.write("received QoS 2", |s| s.received_qos2(packet_id));
    }
}

impl Locked<'_> {
    /// The store itself.
    fn store(&mut self) -> &mut dyn Store {
        &mut *self.0.store
    }
}

/// The engine's side of a store: each change, with a failure logged rather than returned.
#[derive(Clone, Default)]
pub struct Journal(Option<SharedStore>);

impl Journal {
    /// Writing to `store`.
    pub fn to(store: SharedStore) -> Journal {
        Journal(Some(store))
    }

    /// Whether a store is attached.
    #[inline]
    fn is_on(&self) -> bool {
        self.0.is_some()
    }

    // Out of line: the checks before it sit on every operation's path, with or without a
    // store; the write itself (a lock and a system call) is the rare, slow part.
    #[cold]
    #[inline(never)]
    fn write(&self, what: &str, change: impl FnOnce(&mut dyn Store) -> io::Result<()>) {
        if let Some(shared) = &self.0 {
            shared.write(what, change);
        }
    }

    /// See [`Store::progressed`]; record 0 is a publish the store does not hold.
    #[inline]
    pub fn progressed(&self, record: u64, packet_id: u16, released: bool) {
        if record != 0 {
            self.write("progress", |s| s.progressed(record, packet_id, released));
        }
    }

    /// See [`Store::settled`]; record 0 is a publish the store does not hold.
    #[inline]
    pub fn settled(&self, record: u64) {
        if record != 0 {
            self.write("settlement", |s| s.settled(record));
        }
    }

    /// See [`Store::released_qos2`].
    #[inline]
    pub fn released_qos2(&self, packet_id: u16) {
        if self.is_on() {
            self.write("QoS 2 release", |s| s.released_qos2(packet_id));
        }
    }

    /// See [`Store::cleared_qos2`].
    #[inline]
    pub fn cleared_qos2(&self) {
        if self.is_on() {
            self.write("QoS 2 clearing", |s| s.cleared_qos2());
        }
    }
}
