//! aws-c-http: its error codes and library init, and the proxy options; messages follow with
//! the transports issue.

pub mod http;
pub mod proxy;
pub mod request_response;
pub mod statistics;
pub mod status_code;
