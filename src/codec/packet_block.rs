//! The bytes of one encoded packet, carved from a chunk shared with the packets encoded just
//! before and after it on the same thread.
//!
//! A publish is encoded on the caller's thread and freed on the loop's when it completes. As a
//! heap block of its own each cost a malloc, a free from another thread (glibc's slowest path),
//! and 13-29 bytes of header and rounding: a tenth of a 64-byte publish's instructions and of a
//! burst's memory. Carved from a 32 KiB chunk instead, a block costs a bump of the thread's
//! cursor, and its chunk is freed once, when the last of its ~390 blocks is dropped.
//!
//! The chunk's count of live blocks is kept without an atomic on the carving side: a chunk
//! starts at [`BIAS`]; a dropped block subtracts one; the thread, when it moves to a new chunk
//! (or exits), subtracts `BIAS` less the blocks it carved. Whoever brings the count to zero
//! frees the chunk. The carving thread never touches the count per block, so the loop's
//! decrements never bounce its cache line back and forth with the caller's thread.
//!
//! A block is uniquely owned: no two blocks share a byte, and the carving thread writes only
//! past its cursor, so a block may be written through (a publish's DUP bit and packet id).
//!
//! The cost: a long-lived block keeps its whole chunk alive. A packet larger than a quarter of
//! a chunk gets a chunk of its own, so at most one chunk per live block, and in the common case
//! (operations complete in about the order they were submitted) chunks free in order.

use std::alloc::{Layout, alloc_zeroed, dealloc, handle_alloc_error};
use std::cell::Cell;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering, fence};

/// Bytes a shared chunk holds.
pub(crate) const CHUNK: usize = 32 * 1024;
/// Packets larger than this get a chunk of their own (a shared chunk wastes at most this much
/// at its end).
const OWN_CHUNK_ABOVE: usize = CHUNK / 4;
/// The live count of a chunk still being carved from (see the module comment).
pub(crate) const BIAS: usize = 1 << (usize::BITS - 2);

/// The start of a chunk; its bytes follow, from [`DATA_AT`]. Its own cache line, so the
/// decrements on it and the writes into the first block never share one.
#[repr(C, align(64))]
struct Header {
    live: AtomicUsize,
    capacity: usize,
    /// The chunk carved after this one, for a reader that walks records packed across chunks
    /// in order (`client::publish_stream`); null until then.
    next: AtomicPtr<Header>,
}

const DATA_AT: usize = size_of::<Header>();

fn layout(capacity: usize) -> Layout {
    // A packet's size fits in far less than isize::MAX; a failure here is a size no encoder
    // produces.
    Layout::from_size_align(DATA_AT + capacity, align_of::<Header>())
        .unwrap_or_else(|_| handle_alloc_error(Layout::new::<Header>()))
}

/// A chunk: a header and `capacity` bytes, freed when its live count reaches zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Chunk(NonNull<Header>);

// SAFETY: the header's fields are atomic or never written after creation; the bytes are
// reached through blocks, each the only owner of its range.
unsafe impl Send for Chunk {}

impl Chunk {
    /// A new zeroed chunk of `capacity` bytes (zeroed so its bytes can be handed out as
    /// slices) whose live count starts at `live`.
    pub(crate) fn new(capacity: usize, live: usize) -> Chunk {
        let layout = layout(capacity);
        // SAFETY: the layout has a non-zero size (the header).
        let raw = unsafe { alloc_zeroed(layout) };
        let Some(chunk) = NonNull::new(raw.cast::<Header>()) else {
            handle_alloc_error(layout)
        };
        // SAFETY: freshly allocated, aligned for the header.
        unsafe {
            chunk.as_ptr().write(Header {
                live: AtomicUsize::new(live),
                capacity,
                next: AtomicPtr::new(std::ptr::null_mut()),
            })
        };
        Chunk(chunk)
    }

    fn header(&self) -> &Header {
        // SAFETY: a `Chunk` is only used while its holder keeps a share of the count.
        unsafe { self.0.as_ref() }
    }

    /// How many bytes it holds.
    pub(crate) fn capacity(self) -> usize {
        self.header().capacity
    }

    /// Where byte `offset` is. The caller writes or reads only bytes it owns.
    pub(crate) fn at(self, offset: usize) -> *mut u8 {
        debug_assert!(offset <= self.capacity());
        // SAFETY: within the allocation (`offset` is at most the capacity).
        unsafe { self.0.as_ptr().cast::<u8>().add(DATA_AT + offset) }
    }

    /// The chunk carved after this one, once its writer has moved on.
    pub(crate) fn next(self) -> Option<Chunk> {
        NonNull::new(self.header().next.load(Ordering::Acquire)).map(Chunk)
    }

    /// Links `next` as the chunk carved after this one.
    pub(crate) fn set_next(self, next: Chunk) {
        self.header().next.store(next.0.as_ptr(), Ordering::Release);
    }

    /// Takes `n` off the live count, and frees the chunk if that was the last.
    ///
    /// # Safety
    /// The caller holds `n` of the count, and uses the chunk no more for them.
    pub(crate) unsafe fn release(self, n: usize) {
        if self.header().live.fetch_sub(n, Ordering::Release) != n {
            return;
        }
        // Every other holder's writes happen before the memory goes (as for `Arc`).
        fence(Ordering::Acquire);
        let layout = layout(self.capacity());
        // SAFETY: the count reached zero: no block or writer refers to the chunk any more.
        unsafe { dealloc(self.0.as_ptr().cast(), layout) };
    }

    /// The block of `len` bytes at `offset`, which takes over one of the count.
    ///
    /// # Safety
    /// The caller holds one of the count for these bytes, which no one else owns, within the
    /// chunk.
    pub(crate) unsafe fn block(self, offset: usize, len: usize) -> PacketBlock {
        debug_assert!(offset + len <= self.capacity());
        PacketBlock {
            chunk: self,
            offset: offset as u32,
            len: len as u32,
        }
    }
}

/// The thread's chunk and how far it is carved.
struct Carver {
    chunk: Cell<Option<Chunk>>,
    used: Cell<usize>,
    carved: Cell<usize>,
}

impl Carver {
    /// Gives up the current chunk: its count drops by `BIAS` less the blocks carved.
    fn retire(&self) {
        if let Some(chunk) = self.chunk.take() {
            // SAFETY: the carver holds `BIAS - carved` of the count (see the module comment).
            unsafe { chunk.release(BIAS - self.carved.get()) };
        }
        self.used.set(0);
        self.carved.set(0);
    }

    /// A block of `len` bytes from the current chunk, or from a new one when it is full.
    fn carve(&self, len: usize) -> PacketBlock {
        let chunk = match self.chunk.get() {
            Some(chunk) if CHUNK - self.used.get() >= len => chunk,
            _ => {
                self.retire();
                let chunk = Chunk::new(CHUNK, BIAS);
                self.chunk.set(Some(chunk));
                chunk
            }
        };
        let offset = self.used.get();
        self.used.set(offset + len);
        self.carved.set(self.carved.get() + 1);
        PacketBlock {
            chunk,
            offset: offset as u32,
            len: len as u32,
        }
    }
}

impl Drop for Carver {
    fn drop(&mut self) {
        self.retire();
    }
}

thread_local! {
    static CARVER: Carver = const {
        Carver {
            chunk: Cell::new(None),
            used: Cell::new(0),
            carved: Cell::new(0),
        }
    };
}

/// The bytes of one packet, `len` of them, zeroed when new.
pub struct PacketBlock {
    chunk: Chunk,
    offset: u32,
    len: u32,
}

// SAFETY: shared access only reads the block's own bytes.
unsafe impl Sync for PacketBlock {}

impl PacketBlock {
    /// A zeroed block of `len` bytes; `len` must fit a `u32` (a packet's does: at most
    /// 268,435,460 bytes).
    #[inline]
    pub fn new(len: usize) -> PacketBlock {
        if len > OWN_CHUNK_ABOVE {
            return PacketBlock::own_chunk(len);
        }
        // During the thread's exit, once its carver is gone, a block gets a chunk of its own.
        CARVER
            .try_with(|carver| carver.carve(len))
            .unwrap_or_else(|_| PacketBlock::own_chunk(len))
    }

    /// A block alone in a chunk of its size.
    #[cold]
    fn own_chunk(len: usize) -> PacketBlock {
        PacketBlock {
            chunk: Chunk::new(len, 1),
            offset: 0,
            len: len as u32,
        }
    }

    /// A block holding a copy of `bytes`.
    pub fn copy_of(bytes: &[u8]) -> PacketBlock {
        let mut block = PacketBlock::new(bytes.len());
        block.copy_from_slice(bytes);
        block
    }

    fn data(&self) -> *mut u8 {
        self.chunk.at(self.offset as usize)
    }
}

impl std::ops::Deref for PacketBlock {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        // SAFETY: `len` zero-initialised bytes of a live chunk, written by this block only.
        unsafe { std::slice::from_raw_parts(self.data(), self.len as usize) }
    }
}

impl std::ops::DerefMut for PacketBlock {
    #[inline]
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as for `deref`; `&mut self` makes the access unique.
        unsafe { std::slice::from_raw_parts_mut(self.data(), self.len as usize) }
    }
}

impl Drop for PacketBlock {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: the block holds one of its chunk's count.
        unsafe { self.chunk.release(1) };
    }
}

impl std::fmt::Debug for PacketBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PacketBlock").field(&&**self).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live(block: &PacketBlock) -> usize {
        block.chunk.header().live.load(Ordering::Acquire)
    }

    #[test]
    fn blocks_carved_in_turn_share_a_chunk_and_never_a_byte() {
        let mut a = PacketBlock::new(10);
        let mut b = PacketBlock::new(20);
        assert_eq!(a.chunk, b.chunk);
        assert!(a.iter().chain(b.iter()).all(|&x| x == 0));
        a.fill(0xAA);
        b.fill(0xBB);
        assert_eq!((&*a, &*b), (&[0xAA; 10][..], &[0xBB; 20][..]));
        assert_eq!(PacketBlock::copy_of(b"abc").to_vec(), b"abc");
    }

    #[test]
    fn a_chunk_lives_until_its_carver_moves_on_and_its_last_block_goes() {
        std::thread::spawn(|| {
            let first = PacketBlock::new(100);
            let chunk = first.chunk;
            // Fill the rest of the chunk; the next block starts another.
            let mut rest = vec![];
            loop {
                let block = PacketBlock::new(1000);
                if block.chunk != chunk {
                    break;
                }
                rest.push(block);
            }
            // The carver has moved on: the chunk counts exactly its live blocks.
            assert_eq!(live(&first), 1 + rest.len());
            rest.clear();
            assert_eq!(live(&first), 1);
            // The moved-on carver's new chunk still carries the bias.
            let next = PacketBlock::new(1);
            assert!(live(&next) > BIAS - 10);
            drop(first);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn blocks_outlive_the_thread_that_carved_them() {
        let blocks = std::thread::spawn(|| {
            (0..1000u32)
                .map(|i| PacketBlock::copy_of(&i.to_be_bytes()))
                .collect::<Vec<_>>()
        })
        .join()
        .unwrap();
        // The thread's exit retired its chunk (all 1,000 blocks are in it): only they count.
        assert_eq!(live(&blocks[999]), 1000);
        for (i, block) in blocks.iter().enumerate() {
            assert_eq!(**block, (i as u32).to_be_bytes());
        }
    }

    #[test]
    fn a_large_packet_gets_a_chunk_of_its_own() {
        let small = PacketBlock::new(8);
        let large = PacketBlock::new(OWN_CHUNK_ABOVE + 1);
        assert_ne!(small.chunk, large.chunk);
        assert_eq!(live(&large), 1);
        assert_eq!(large.len(), OWN_CHUNK_ABOVE + 1);
        // The thread keeps carving from its shared chunk after it.
        assert_eq!(PacketBlock::new(8).chunk, small.chunk);
    }
}
