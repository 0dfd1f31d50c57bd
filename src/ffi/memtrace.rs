//! The memory tracer behind `aws_mem_tracer_*`: an allocator that forwards to the caller's
//! allocator and keeps, for every live block, its size and (at `AWS_MEMTRACE_STACKS`) the stack
//! that allocated it, so tests can assert that nothing leaked and show where a leak came from.

use crate::ffi::common::allocator::{aws_allocator, aws_mem_trace_level, reallocate};
use crate::ffi::guard;
use crate::runtime::lock::lock;
use std::backtrace::Backtrace;
use std::collections::{BTreeSet, HashMap};
use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Mutex, MutexGuard};

/// The addresses of the tracers C holds, so that a pointer to anything else (another allocator,
/// a destroyed tracer) is refused instead of being read as a tracer.
static LIVE_TRACERS: Mutex<BTreeSet<usize>> = Mutex::new(BTreeSet::new());

/// One live block.
struct Block {
    size: usize,
    stack: Option<Backtrace>,
}

/// The tracing allocator. `base` comes first so that the `aws_allocator *` C holds is also a
/// pointer to this struct.
#[repr(C)]
pub struct Tracer {
    base: aws_allocator,
    traced: *mut aws_allocator,
    level: aws_mem_trace_level,
    frames_per_stack: usize,
    bytes: AtomicUsize,
    live: Mutex<HashMap<usize, Block>>,
}

impl Tracer {
    /// Builds a tracer over `traced` (which must stay valid while the tracer lives).
    pub fn new(
        traced: *mut aws_allocator,
        level: aws_mem_trace_level,
        frames_per_stack: usize,
    ) -> Tracer {
        Tracer {
            base: aws_allocator {
                mem_acquire: Some(acquire),
                mem_release: Some(release),
                mem_realloc: Some(realloc),
                mem_calloc: None,
                r#impl: ptr::null_mut(),
            },
            traced,
            level,
            // Upstream's default depth is 8 frames and its ceiling 128.
            frames_per_stack: if frames_per_stack == 0 {
                8
            } else {
                frames_per_stack.min(128)
            },
            bytes: AtomicUsize::new(0),
            live: Mutex::new(HashMap::new()),
        }
    }

    /// Moves the tracer to the heap and records it as live; C holds the returned pointer.
    pub fn into_raw(self) -> *mut aws_allocator {
        let raw = Box::into_raw(Box::new(self)).cast::<aws_allocator>();
        lock(&LIVE_TRACERS).insert(raw as usize);
        raw
    }

    /// True when `allocator` is a tracer from [`Tracer::into_raw`] not yet destroyed.
    pub fn is_live(allocator: *const aws_allocator) -> bool {
        lock(&LIVE_TRACERS).contains(&(allocator as usize))
    }

    /// Destroys a tracer from [`Tracer::into_raw`], returning the allocator it traced; None
    /// (and nothing done) when `allocator` is no live tracer.
    ///
    /// # Safety
    /// No other thread may be using the tracer.
    pub unsafe fn destroy(allocator: *mut aws_allocator) -> Option<*mut aws_allocator> {
        if !lock(&LIVE_TRACERS).remove(&(allocator as usize)) {
            return None;
        }
        // SAFETY: it was live, so it came from Box::into_raw in `into_raw`.
        let tracer = unsafe { Box::from_raw(allocator.cast::<Tracer>()) };
        Some(tracer.traced)
    }

    /// Bytes in live blocks.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Relaxed)
    }

    /// Number of live blocks.
    pub fn count(&self) -> usize {
        self.blocks().len()
    }

    fn blocks(&self) -> MutexGuard<'_, HashMap<usize, Block>> {
        lock(&self.live)
    }

    fn track(&self, block: *mut c_void, size: usize) {
        if block.is_null() || self.level == aws_mem_trace_level::AWS_MEMTRACE_NONE {
            return;
        }
        let stack =
            (self.level == aws_mem_trace_level::AWS_MEMTRACE_STACKS).then(Backtrace::force_capture);
        self.bytes.fetch_add(size, Relaxed);
        self.blocks().insert(block as usize, Block { size, stack });
    }

    /// Forgets `block`, returning its size if it was tracked.
    fn untrack(&self, block: *mut c_void) -> Option<usize> {
        // A block allocated before tracing started is simply not in the table.
        let b = self.blocks().remove(&(block as usize))?;
        self.bytes.fetch_sub(b.size, Relaxed);
        Some(b.size)
    }

    /// A human-readable report of the live blocks, one line per entry; empty when none.
    pub fn report(&self) -> Vec<String> {
        let blocks = self.blocks();
        if blocks.is_empty() {
            return Vec::new();
        }
        let mut lines = vec![format!(
            "memory tracer: {} bytes in {} live allocations",
            self.bytes(),
            blocks.len()
        )];
        let mut sorted: Vec<_> = blocks.iter().collect();
        sorted.sort_by_key(|(addr, b)| (std::cmp::Reverse(b.size), **addr));
        for (addr, block) in sorted {
            lines.push(format!("  {} bytes at {:#x}", block.size, addr));
            if let Some(stack) = &block.stack {
                let text = stack.to_string();
                lines.extend(
                    text.lines()
                        .take(self.frames_per_stack * 2)
                        .map(|l| format!("    {l}")),
                );
            }
        }
        lines
    }
}

/// The tracer behind an `aws_allocator *` that `Tracer::new` built.
///
/// # Safety
/// `allocator` must be a live tracer's `base`.
unsafe fn tracer<'a>(allocator: *mut aws_allocator) -> &'a Tracer {
    // SAFETY: `base` is the first field of the repr(C) Tracer.
    unsafe { &*allocator.cast::<Tracer>() }
}

unsafe extern "C" fn acquire(allocator: *mut aws_allocator, size: usize) -> *mut c_void {
    guard::ptr(|| {
        // SAFETY: only installed in a Tracer's base; the traced allocator is valid while it lives.
        let t = unsafe { tracer(allocator) };
        let inner = unsafe { &*t.traced };
        let block = inner
            .mem_acquire
            .map_or(ptr::null_mut(), |f| unsafe { f(t.traced, size) });
        t.track(block, size);
        Ok(block)
    })
}

unsafe extern "C" fn release(allocator: *mut aws_allocator, block: *mut c_void) {
    guard::guard((), || {
        // SAFETY: as for `acquire`.
        let t = unsafe { tracer(allocator) };
        t.untrack(block);
        if let Some(f) = unsafe { &*t.traced }.mem_release {
            unsafe { f(t.traced, block) };
        }
        Ok(())
    })
}

unsafe extern "C" fn realloc(
    allocator: *mut aws_allocator,
    block: *mut c_void,
    old: usize,
    new: usize,
) -> *mut c_void {
    guard::ptr(|| {
        // SAFETY: as for `acquire`; the block came from the traced allocator.
        let t = unsafe { tracer(allocator) };
        // Untracked before the block can be freed: once it is, another thread may be handed the
        // same address and track it, and a later untrack would drop that other block's entry.
        let size = t.untrack(block);
        Ok(match unsafe { reallocate(t.traced, block, old, new) } {
            Ok(moved) => {
                t.track(moved, new);
                moved
            }
            Err(_) => {
                if let Some(size) = size {
                    t.track(block, size);
                }
                ptr::null_mut()
            }
        })
    })
}
