//! The buffer a publish is encoded into on the caller's thread, before it is copied into its
//! client's publish stream (`client::publish_stream`) under the client's lock: the lock is
//! held for the copy only, not for the encoding.

use std::cell::RefCell;

thread_local! {
    static PACKET: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer larger than this is given back after its publish (a burst of 1 MB publishes keeps
/// it meanwhile).
const KEPT: usize = 64 * 1024;

/// Runs `f` with this thread's encoding buffer.
#[inline(always)]
pub(crate) fn with_publish_buffer<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    PACKET.with_borrow_mut(|packet| {
        let result = f(packet);
        if packet.capacity() > KEPT {
            *packet = Vec::new();
        }
        result
    })
}
