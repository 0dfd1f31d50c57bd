//! aws-c-io: today its error codes, log subjects and library init; the event loops, sockets and
//! TLS follow with the runtime issue.

pub mod io;
pub mod logging;
