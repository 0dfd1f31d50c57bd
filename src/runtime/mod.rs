//! The threads the library runs: the event loops and their group (`event_loop`,
//! `event_loop_group`), the registry of managed threads that `aws_thread_join_all_managed`
//! waits for, the host resolver, the clocks the loops follow, and the durable stores' file log
//! (`publish_log`) and sync timer (`store_flusher`). Above `client`; imports
//! neither `transport` nor `connection` (the driver that runs an engine on a loop).

pub mod clock;
pub mod event_loop;
pub mod event_loop_group;
#[cfg(test)]
mod event_loop_tests;
pub mod host_resolver;
mod host_resolver_cache;
pub mod host_resolver_lookup;
#[cfg(test)]
mod host_resolver_tests;
mod io_handlers;
pub mod lock;
mod loop_thread;
pub mod managed_threads;
pub mod publish_log;
pub mod store_flusher;
pub mod timer_heap;
