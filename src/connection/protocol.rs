//! What the driver needs of the two sides it joins: a client engine (a [`Protocol`]: the MQTT
//! 3.1.1 connection or the MQTT 5 client) below, and the API's [`Delegate`] above, which
//! queues the user's commands and turns the engine's events into the user's callbacks.

use crate::client::Action;
use crate::connection::stack::Endpoint;
use std::collections::VecDeque;

/// A client engine the driver can run: everything is fed `now` in nanoseconds of the loop's clock.
pub trait Protocol: Send + 'static {
    /// What the API asks of the engine.
    type Command: Send;
    /// What the engine reports.
    type Event: Send;
    /// Runs one command.
    fn apply(&mut self, command: Self::Command);
    /// Whether `command` is a batch of submissions, which may be applied in parts (see
    /// [`apply_some`](Self::apply_some)).
    fn is_batch(_command: &Self::Command) -> bool {
        false
    }
    /// How many more submissions the engine takes now. A batch waits while the engine holds
    /// enough it has not sent: queued in the batch, a publish costs a fraction of an operation.
    fn room(&self) -> usize {
        usize::MAX
    }
    /// Applies up to `room` (at least one) submissions of batch `command`, and returns the rest.
    fn apply_some(&mut self, command: Self::Command, _room: usize) -> Option<Self::Command> {
        self.apply(command);
        None
    }
    /// The next transport action.
    fn poll_action(&mut self) -> Option<Action>;
    /// Whether transport actions are pending.
    fn has_actions(&self) -> bool;
    /// The transport asked for is up.
    fn transport_opened(&mut self, now: u64);
    /// The transport is gone, with the aws error code of its failure if it failed.
    fn transport_closed(&mut self, now: u64, error: Option<i32>);
    /// Bytes arrived.
    fn receive(&mut self, now: u64, bytes: &[u8]);
    /// When the engine next needs `on_timer`.
    fn next_deadline(&self) -> Option<u64>;
    /// Time passed.
    fn on_timer(&mut self, now: u64);
    /// Appends bytes to send to `out`, up to about `limit` bytes.
    fn poll_transmit(&mut self, now: u64, out: &mut Vec<u8>, limit: usize);
    /// Moves the events raised so far to the back of `into`, in order.
    fn take_events(&mut self, into: &mut VecDeque<Self::Event>);
    /// The client is going away: every unfinished operation fails.
    fn shut_down(&mut self);
}

/// Implements the [`Protocol`] methods that an engine has under the same names (all but
/// `apply` and `transport_closed`, which each adapter writes).
macro_rules! forward_protocol_methods {
    () => {
        fn poll_action(&mut self) -> Option<$crate::client::Action> {
            Self::poll_action(self)
        }
        fn has_actions(&self) -> bool {
            Self::has_actions(self)
        }
        fn transport_opened(&mut self, now: u64) {
            Self::transport_opened(self, now)
        }
        fn receive(&mut self, now: u64, bytes: &[u8]) {
            Self::receive(self, now, bytes)
        }
        fn next_deadline(&self) -> Option<u64> {
            Self::next_deadline(self)
        }
        fn on_timer(&mut self, now: u64) {
            Self::on_timer(self, now)
        }
        fn poll_transmit(&mut self, now: u64, out: &mut Vec<u8>, limit: usize) {
            Self::poll_transmit(self, now, out, limit)
        }
        fn take_events(&mut self, into: &mut std::collections::VecDeque<Self::Event>) {
            Self::take_events(self, into)
        }
        fn shut_down(&mut self) {
            Self::shut_down(self)
        }
    };
}
pub(crate) use forward_protocol_methods;

/// What the API asks of the loop.
pub enum Command<C> {
    /// Where later connections go.
    Endpoint(Box<Endpoint>),
    /// A command for the engine.
    Protocol(C),
}

/// The API's side of a driver.
///
/// The driver calls `take_commands`, `prepare` and `after_step` while it holds its lock, and
/// `deliver` after releasing it: a user callback runs with no lock of the library held, so it
/// may call any API function, release of the last reference included.
pub trait Delegate<P: Protocol>: Send + 'static {
    /// What delivering events needs of the engine beyond the events themselves (the handlers
    /// of the subscriptions a message matches, say), taken while the engine is locked.
    type Context: Default + Send;
    /// Moves the commands queued since the last call into `into`.
    fn take_commands(&mut self, into: &mut Vec<Command<P::Command>>);
    /// Records in `context` what delivering `event` will need of `engine`. Events are
    /// prepared and then delivered in the same order.
    fn prepare(&mut self, event: &P::Event, engine: &P, context: &mut Self::Context);
    /// Runs the user's callbacks for one event, with no lock held. Commands pushed to
    /// `engine_commands` (a manual acknowledgement held, say) reach the engine before it sends
    /// anything more.
    fn deliver(
        &mut self,
        event: P::Event,
        context: &mut Self::Context,
        engine_commands: &mut Vec<P::Command>,
    );
    /// Called after each step, to mirror the engine's state and statistics.
    fn after_step(&mut self, engine: &P);
    /// Called after a batch of `deliver` calls, with no lock held: for what the delegate
    /// gathers per event and settles once per batch.
    fn delivered(&mut self) {}
}
