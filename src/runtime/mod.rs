//! The threads the library runs: the event loops and their group (`event_loop`,
//! `event_loop_group`), the registry of managed threads that `aws_thread_join_all_managed`
//! waits for, the host resolver and the bootstrap; the connection driver that runs a client engine
//! on a loop (`connection_driver`, with `mqtt311_protocol` and `mqtt5_protocol`).

pub mod connection_driver;
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
pub mod mqtt311_protocol;
pub mod mqtt5_protocol;
pub mod timer_heap;
