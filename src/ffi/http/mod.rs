//! aws-c-http: today its error codes and library init; messages and proxies follow with the
//! transports issue.

pub mod http;
