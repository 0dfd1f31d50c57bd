//! The threads the library runs: today the registry of managed threads that
//! `aws_thread_join_all_managed` waits for; the event-loop group, host resolver and bootstrap
//! follow with the runtime issue.

pub mod managed_threads;
