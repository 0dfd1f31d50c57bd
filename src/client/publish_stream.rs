//! Publishes on their way from the API to the loop, packed one after another as records in
//! chunks: the queue between the two is the chunks themselves.
//!
//! A queued publish used to be a command (64 bytes: the encoded publish's handle, its token,
//! its timeout and store record) beside its encoded block, about 150 bytes for a 64-byte
//! message; a loop that fell behind a publishing thread held 200,000 of them at 28-37 MB. A
//! record is the packet with a header of 5 bytes and what differs from the record before: the
//! completion token only when it is not the previous record's (a burst with one callback
//! stores it once), the timeout and store record only when set. The API side appends under
//! the client's lock and counts the records into a [`PublishBatch`], one command for any
//! number of consecutive publishes; the loop reads the batch record by record, and each
//! record's bytes become the operation's block in place (no copy), freed with their chunk
//! once the last operation from it completes (see `codec::packet_block`).
//!
//! Record: flags (1 byte; [`END`] for "the rest of this chunk is empty"), the packet's length
//! (4 bytes, little-endian), then the token, the timeout (4), the store record (8), the user's
//! topic alias (2) and the packet id (2) where the flags say so, then the packet. Nothing is aligned: the
//! fields are copied in and out.

use std::ptr;

use crate::codec::EncodedPublish;
use crate::codec::packet_block::{BIAS, CHUNK, Chunk};

/// A completion token a stream can hold. A record stores its token only when it is not the
/// previous record's; the reader then makes the previous one again.
pub trait StreamToken: Send + Sized {
    /// A second token equal to this one, when one can be made (a callback and its data); the
    /// next record stores its own token otherwise.
    fn share(&self) -> Option<Self>;
    /// Whether this token and `other` are the same, but for what [`fit`](Self::fit) sets.
    fn same_as(&self, other: &Self) -> bool;
    /// Sets what of the token follows from its own `publish` (its size, say): called on every
    /// token read back, stored or shared.
    fn fit(&mut self, _publish: &EncodedPublish) {}
}

/// Publishes a connected engine takes from a batch ahead of sending them: a few writes'
/// worth. The rest wait in the batch, packed, rather than as operations.
pub const SUBMITTED_AHEAD: usize = 1024;

/// The rest of the chunk holds no record.
const END: u8 = 0xFF;
const HAS_TOKEN: u8 = 1;
const HAS_TIMEOUT: u8 = 2;
const HAS_RECORD: u8 = 4;
const HAS_ALIAS: u8 = 8;
const HAS_ID: u8 = 16;
/// Flags and length.
const FIXED: usize = 5;

/// The size of a record's header with `flags`.
fn header_len<T>(flags: u8) -> usize {
    let optional = |flag, size| if flags & flag != 0 { size } else { 0 };
    FIXED
        + optional(HAS_TOKEN, size_of::<T>())
        + optional(HAS_TIMEOUT, 4)
        + optional(HAS_RECORD, 8)
        + optional(HAS_ALIAS, 2)
        + optional(HAS_ID, 2)
}

/// A publish read back from a stream.
pub struct Submission<T> {
    pub publish: EncodedPublish,
    pub token: T,
    /// The ACK timeout override in seconds; 0: the client's.
    pub timeout: u32,
    /// Its record in the durable store; 0: none.
    pub record: u64,
    /// The packet id the API gave it (MQTT 3.1.1, where every operation has one); 0: none.
    pub id: u16,
}

/// What a record holds beside its packet and token; 0 is "none" for each.
#[derive(Clone, Copy, Debug, Default)]
pub struct Extras {
    /// The ACK timeout override (seconds for MQTT 5, milliseconds for 3.1.1).
    pub timeout: u32,
    /// The publish's record in the durable store.
    pub record: u64,
    /// The user's topic alias (MQTT 5).
    pub user_alias: u16,
    /// The packet id the API gave it (MQTT 3.1.1).
    pub id: u16,
}

/// The writing end, kept by the API under the client's lock.
pub struct PublishStream<T> {
    chunk: Option<Chunk>,
    used: usize,
    /// Records carved from `chunk` (see `codec::packet_block` on the bias).
    carved: usize,
    /// The token of the last record, as the reader will have it.
    last: Option<T>,
    /// Bytes written since the reader last took the records, and in the round before: what
    /// the next chunk is sized for.
    written: usize,
    written_before: usize,
}

/// The smallest chunk: a client publishing now and then holds no more.
const FIRST_CHUNK: usize = 512;

impl<T> Default for PublishStream<T> {
    fn default() -> Self {
        PublishStream {
            chunk: None,
            used: 0,
            carved: 0,
            last: None,
            written: 0,
            written_before: 0,
        }
    }
}

impl<T> PublishStream<T> {
    /// `size` bytes for one record: in the current chunk, or in a new one linked after it,
    /// sized for what the last rounds wrote (see `retire`).
    fn carve(&mut self, size: usize) -> (Chunk, usize) {
        let chunk = match self.chunk {
            Some(chunk) if chunk.capacity() - self.used >= size => chunk,
            old => {
                let wanted = (self.written + self.written_before).next_power_of_two();
                let new = Chunk::new(wanted.clamp(FIRST_CHUNK, CHUNK).max(size), BIAS);
                if let Some(old) = old {
                    if self.used < old.capacity() {
                        // SAFETY: past every record carved: the writer's own byte.
                        unsafe { old.at(self.used).write(END) };
                    }
                    old.set_next(new);
                    self.release_chunk(old);
                }
                self.chunk = Some(new);
                new
            }
        };
        let offset = self.used;
        self.used += size;
        self.carved += 1;
        self.written += size;
        (chunk, offset)
    }

    /// The reader took every record written so far: the next record starts a new chunk, and
    /// this one goes once its records do. A client that stops publishing so keeps no chunk
    /// (an idle gateway's thousand clients would otherwise hold one each).
    pub fn retire(&mut self) {
        if let Some(chunk) = self.chunk.take() {
            self.release_chunk(chunk);
        }
        self.written_before = std::mem::take(&mut self.written);
    }

    /// Gives up the writer's share of `chunk`'s count.
    fn release_chunk(&mut self, chunk: Chunk) {
        // SAFETY: the writer holds `BIAS - carved` of the count.
        unsafe { chunk.release(BIAS - self.carved) };
        self.used = 0;
        self.carved = 0;
    }
}

impl<T: StreamToken> PublishStream<T> {
    /// Appends `packet` (a PUBLISH as `EncodedPublish` encodes it, with the unassigned packet
    /// id) with what `extras` says, and counts it into `batch`, or into a new batch returned
    /// when `batch` is `None`.
    pub fn push(
        &mut self,
        batch: Option<&mut PublishBatch<T>>,
        token: T,
        extras: Extras,
        packet: &[u8],
    ) -> Option<PublishBatch<T>> {
        let Extras {
            timeout,
            record,
            user_alias,
            id,
        } = extras;
        let same = self.last.as_ref().is_some_and(|last| token.same_as(last));
        let flag = |set: bool, flag: u8| if set { flag } else { 0 };
        let flags = flag(!same, HAS_TOKEN)
            | flag(timeout != 0, HAS_TIMEOUT)
            | flag(record != 0, HAS_RECORD)
            | flag(user_alias != 0, HAS_ALIAS)
            | flag(id != 0, HAS_ID);
        let head = header_len::<T>(flags);
        let (chunk, offset) = self.carve(head + packet.len());
        let first = match batch {
            Some(batch) => {
                batch.count += 1;
                None
            }
            None => Some(PublishBatch {
                chunk,
                offset,
                count: 1,
                previous: self.last.as_ref().and_then(T::share),
            }),
        };
        // SAFETY: the record's bytes, carved above for it.
        unsafe {
            chunk.at(offset).write(flags);
            ptr::write_unaligned(chunk.at(offset + 1).cast::<u32>(), packet.len() as u32);
            let mut at = chunk.at(offset + FIXED);
            if !same {
                self.last = token.share();
                ptr::write_unaligned(at.cast::<T>(), token);
                at = at.add(size_of::<T>());
            }
            if timeout != 0 {
                ptr::write_unaligned(at.cast::<u32>(), timeout);
                at = at.add(4);
            }
            if record != 0 {
                ptr::write_unaligned(at.cast::<u64>(), record);
                at = at.add(8);
            }
            if user_alias != 0 {
                ptr::write_unaligned(at.cast::<u16>(), user_alias);
                at = at.add(2);
            }
            if id != 0 {
                ptr::write_unaligned(at.cast::<u16>(), id);
                at = at.add(2);
            }
            ptr::copy_nonoverlapping(packet.as_ptr(), at, packet.len());
        }
        first
    }
}

/// A command of a queue that may carry a batch of publishes.
pub trait BatchCommand<T>: Sized {
    /// The batch this command carries, if it carries one.
    fn batch_mut(&mut self) -> Option<&mut PublishBatch<T>>;
    /// The command carrying `batch`.
    fn from_batch(batch: PublishBatch<T>) -> Self;
}

impl<T: StreamToken> PublishStream<T> {
    /// [`push`](Self::push) onto a command queue: the publish joins the batch `commands` ends
    /// with, or starts a batch pushed as a new command. A batch so only ever holds consecutive
    /// publishes.
    pub fn push_onto<C: BatchCommand<T>>(
        &mut self,
        commands: &mut Vec<C>,
        token: T,
        extras: Extras,
        packet: &[u8],
    ) {
        let batch = commands.last_mut().and_then(C::batch_mut);
        if let Some(batch) = self.push(batch, token, extras, packet) {
            commands.push(C::from_batch(batch));
        }
    }
}

impl<T> Drop for PublishStream<T> {
    fn drop(&mut self) {
        self.retire();
    }
}

/// A record's packet length.
///
/// # Safety
/// A record's header is at `offset`.
unsafe fn chunk_read_len(chunk: Chunk, offset: usize) -> usize {
    // SAFETY: the caller's contract.
    unsafe { ptr::read_unaligned(chunk.at(offset + 1).cast::<u32>()) as usize }
}

/// Consecutive publishes of a stream, from `offset` in `chunk`: what one command carries from
/// the API to the loop. Each unread record holds one of its chunk's count.
pub struct PublishBatch<T> {
    chunk: Chunk,
    offset: usize,
    count: usize,
    /// The token of the record before the next, for a record that stores none.
    previous: Option<T>,
}

impl<T> PublishBatch<T> {
    /// How many publishes are left to read.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether none is left.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Reads the next record's flags and packet length, and moves past it to the record after
    /// it (into the next chunk if need be), while this one still holds its chunk.
    /// Returns where the record starts.
    fn advance(&mut self) -> Option<(Chunk, usize, u8, usize)> {
        if self.count == 0 {
            return None;
        }
        let (chunk, offset) = (self.chunk, self.offset);
        // SAFETY: the batch's next record is at (chunk, offset) (see `settle`).
        let (flags, len) = unsafe { (chunk.at(offset).read(), chunk_read_len(chunk, offset)) };
        self.count -= 1;
        self.offset = offset + header_len::<T>(flags) + len;
        if self.count > 0 {
            self.settle();
        }
        Some((chunk, offset, flags, len))
    }

    /// Moves the position onto the next record of the batch, which exists and was written
    /// before the batch reached its reader: past an empty end of chunk into the next chunk.
    /// The caller still holds a count of the chunk the position is in.
    fn settle(&mut self) {
        loop {
            // SAFETY: a written byte of a live chunk (see the contract).
            if self.offset < self.chunk.capacity()
                && unsafe { self.chunk.at(self.offset).read() } != END
            {
                return;
            }
            // The writer linked the next chunk before writing the records in it.
            match self.chunk.next() {
                Some(next) => {
                    self.chunk = next;
                    self.offset = 0;
                }
                None => {
                    // Unreachable while the batch's count is right; stop rather than read on.
                    self.count = 0;
                    return;
                }
            }
        }
    }
}

impl<T: StreamToken> PublishBatch<T> {
    /// Hands its first `room` publishes to `submit`; what is left, if any, comes back.
    pub fn feed(mut self, room: usize, submit: impl FnMut(Submission<T>)) -> Option<Self> {
        self.by_ref().take(room).for_each(submit);
        (!self.is_empty()).then_some(self)
    }
}

impl<T: StreamToken> Iterator for PublishBatch<T> {
    type Item = Submission<T>;

    fn next(&mut self) -> Option<Submission<T>> {
        let (chunk, offset, flags, len) = self.advance()?;
        // SAFETY: the record's header and packet, written before the batch was handed over;
        // the record's count goes to the block.
        unsafe {
            let mut at = chunk.at(offset + FIXED);
            let token = if flags & HAS_TOKEN != 0 {
                let token = ptr::read_unaligned(at.cast::<T>());
                at = at.add(size_of::<T>());
                self.previous = token.share();
                token
            } else {
                match self.previous.as_ref().and_then(T::share) {
                    Some(token) => token,
                    // The writer stores the token whenever it has no previous one to match.
                    None => {
                        unreachable!("a record without a token follows one that cannot be shared")
                    }
                }
            };
            let mut read = |flag: u8, size: usize| {
                if flags & flag == 0 {
                    return 0u64;
                }
                let value = match size {
                    2 => u64::from(ptr::read_unaligned(at.cast::<u16>())),
                    4 => u64::from(ptr::read_unaligned(at.cast::<u32>())),
                    _ => ptr::read_unaligned(at.cast::<u64>()),
                };
                at = at.add(size);
                value
            };
            let timeout = read(HAS_TIMEOUT, 4) as u32;
            let record = read(HAS_RECORD, 8);
            let alias = read(HAS_ALIAS, 2) as u16;
            let id = read(HAS_ID, 2) as u16;
            let block = chunk.block(offset + header_len::<T>(flags), len);
            // The stream's writer encoded it: it parses.
            let publish = match EncodedPublish::from_block(block, alias) {
                Ok(publish) => publish,
                Err(_) => unreachable!("a record holds a publish this crate encoded"),
            };
            let mut token = token;
            token.fit(&publish);
            Some(Submission {
                publish,
                token,
                timeout,
                record,
                id,
            })
        }
    }
}

impl<T> Drop for PublishBatch<T> {
    /// Unread records (a loop gone before it read them) drop their tokens and give back their
    /// counts.
    fn drop(&mut self) {
        while let Some((chunk, offset, flags, _)) = self.advance() {
            if flags & HAS_TOKEN != 0 {
                // SAFETY: the record's token, written by the stream and read only here.
                drop(unsafe { ptr::read_unaligned(chunk.at(offset + FIXED).cast::<T>()) });
            }
            // SAFETY: the record's count, released after the position moved on.
            unsafe { chunk.release(1) };
        }
    }
}

/// The tests' engines complete with plain numbers.
#[cfg(test)]
macro_rules! number_tokens {
    ($($t:ty),*) => {$(
        impl StreamToken for $t {
            fn share(&self) -> Option<Self> {
                Some(*self)
            }
            fn same_as(&self, other: &Self) -> bool {
                self == other
            }
        }
    )*};
}
#[cfg(test)]
number_tokens!(u16, u32, u64);

#[cfg(test)]
#[path = "publish_stream_tests.rs"]
mod tests;
