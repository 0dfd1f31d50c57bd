//! What an engine asks its runtime to do to the transport; both engines ask the same.

/// A transport action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Open a transport to the server, then call `transport_opened` or `transport_closed`.
    Open,
    /// Write what `poll_transmit` gave, close the transport, then call `transport_closed`.
    Close,
}
