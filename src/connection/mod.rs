//! One client engine over its transport stack on one loop: the driver (`driver`), what it
//! needs of the engine and of the API above it (`protocol`), the two engines as protocols
//! (`mqtt311_protocol`, `mqtt5_protocol`), where a connection goes and the layers stacked on
//! its socket (`stack`), and what it dials with (`connector`).
//!
//! Above `runtime` (loops, timers, resolver) and `transport` (streams on a loop); below `ffi`.

pub mod connector;
pub mod driver;
pub mod mqtt311_protocol;
pub mod mqtt5_protocol;
pub mod protocol;
pub mod stack;

pub use driver::Handle;
pub use protocol::{Command, Delegate, Protocol};
pub use stack::Endpoint;
