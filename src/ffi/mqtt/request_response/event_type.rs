//! The streaming subscription events of `aws/mqtt/request-response/request_response_client.h`.
//! Upstream's header defines this enum before the callback typedef that takes it, and the
//! typedefs live in the hand-written fragment included before the generated declarations; so
//! the enum is written there too (cbindgen would define it too late), and this file, which
//! names no header, only mirrors it for Rust. A test pins the values against the header.

/// A streaming operation's subscription changed.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_rr_streaming_subscription_event_type {
    /// Subscribed to the operation's filter.
    ARRSSET_SUBSCRIPTION_ESTABLISHED = 0,
    /// The subscription was lost for now (a new session); it is being made again.
    ARRSSET_SUBSCRIPTION_LOST = 1,
    /// Given up for good (refused, no room, or the client shut down).
    ARRSSET_SUBSCRIPTION_HALTED = 2,
}

#[cfg(test)]
mod tests {
    use super::aws_rr_streaming_subscription_event_type::*;

    #[test]
    fn the_values_are_the_fragments() {
        let fragment = include_str!(
            "../../../../include/aws/mqtt/private/request-response/request_response_client_fragment.h"
        );
        for (name, value) in [
            (
                "ARRSSET_SUBSCRIPTION_ESTABLISHED",
                ARRSSET_SUBSCRIPTION_ESTABLISHED as i32,
            ),
            (
                "ARRSSET_SUBSCRIPTION_LOST",
                ARRSSET_SUBSCRIPTION_LOST as i32,
            ),
            (
                "ARRSSET_SUBSCRIPTION_HALTED",
                ARRSSET_SUBSCRIPTION_HALTED as i32,
            ),
        ] {
            assert!(fragment.contains(&format!("{name} = {value},")), "{name}");
        }
    }
}
