//! The MQTT 5 client engine as a [`Protocol`] the connection driver runs.

use crate::client::Action;
use crate::client::mqtt5::{Engine, Event, Request, UserDisconnect};
use crate::runtime::connection_driver::Protocol;

/// What the MQTT 5 API asks of the loop.
// Submissions (publishes) are the common command: see `Request`.
#[allow(clippy::large_enum_variant)]
pub enum Mqtt5Command<T> {
    /// `aws_mqtt5_client_start`.
    Start,
    /// `aws_mqtt5_client_stop`, with its DISCONNECT.
    Stop(Option<UserDisconnect<T>>),
    /// The last reference is gone.
    Terminate,
    /// An operation, with its ACK timeout override in seconds (0: the client's).
    Submit(Request, T, u32),
    /// `aws_mqtt5_client_invoke_publish_acknowledgement`.
    ReleaseAck(u64, T),
}

impl<T: Send + 'static> Protocol for Engine<T> {
    type Command = Mqtt5Command<T>;
    type Event = Event<T>;

    fn apply(&mut self, command: Self::Command) {
        match command {
            Mqtt5Command::Start => self.start(),
            Mqtt5Command::Stop(disconnect) => self.stop(disconnect),
            Mqtt5Command::Terminate => self.terminate(),
            Mqtt5Command::Submit(request, token, timeout) => self.submit(request, token, timeout),
            Mqtt5Command::ReleaseAck(control_id, token) => self.release_ack(control_id, token),
        }
    }
    fn poll_action(&mut self) -> Option<Action> {
        Engine::poll_action(self)
    }
    fn has_actions(&self) -> bool {
        Engine::has_actions(self)
    }
    fn transport_opened(&mut self, now: u64) {
        Engine::transport_opened(self, now)
    }
    fn transport_closed(&mut self, now: u64, error: Option<i32>) {
        Engine::transport_closed(self, now, error)
    }
    fn receive(&mut self, now: u64, bytes: &[u8]) {
        Engine::receive(self, now, bytes)
    }
    fn next_deadline(&self) -> Option<u64> {
        Engine::next_deadline(self)
    }
    fn on_timer(&mut self, now: u64) {
        Engine::on_timer(self, now)
    }
    fn poll_transmit(&mut self, now: u64, out: &mut Vec<u8>, limit: usize) {
        Engine::poll_transmit(self, now, out, limit)
    }
    fn poll_event(&mut self) -> Option<Self::Event> {
        Engine::poll_event(self)
    }
    fn shut_down(&mut self) {
        Engine::shut_down(self)
    }
}
