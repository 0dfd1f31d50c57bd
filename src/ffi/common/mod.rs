//! aws-c-common: allocators, errors, byte buffers, strings, logging, threads and clocks.

pub mod allocator;
pub mod atomics;
pub mod byte_buf;
pub mod clock;
pub mod common;
pub mod condition_variable;
pub mod error;
pub mod logging;
pub mod mutex;
pub mod ref_count;
pub mod string;
pub mod thread;
