//! The request-response client's engine (upstream's `aws/mqtt/request-response`): requests
//! answered on response topics and matched by a correlation token in the JSON payload, and
//! streaming operations that listen on a topic filter, over any protocol client that can
//! subscribe, unsubscribe and publish at QoS 1 and reports its connection events. The C API and
//! the two protocol clients it runs over are in `ffi/mqtt/request_response`.
//!
//! - [`engine`]: operations, their order, deadlines and completion;
//! - [`subscriptions`]: which filters are subscribed, shared between operations within budgets;
//! - [`correlation`]: the token at a JSON path of a response.

pub mod correlation;
pub mod engine;
pub mod subscriptions;

pub use engine::{
    Action, Config, Engine, Event, Failure, Matches, RequestSpec, ResponsePath, StreamStatus,
};
pub use subscriptions::{Budget, OpId};
