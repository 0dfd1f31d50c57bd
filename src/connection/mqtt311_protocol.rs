//! The MQTT 3.1.1 connection engine as a [`Protocol`] the connection driver runs.

use crate::client::journal::{Journal, StoredPublish};
use crate::client::mqtt311::{Engine, Event, Failure, Request, Settings};
use crate::client::publish_stream::{BatchCommand, PublishBatch, StreamToken, Submission};
use crate::client::queue_limits::QueueLimits;
use crate::connection::protocol::{Command, Protocol, forward_protocol_methods};

/// What the 3.1.1 API asks of the loop.
// Submissions (publishes) are the common command: see `Request`.
#[allow(clippy::large_enum_variant)]
pub enum Mqtt311Command<T, S> {
    /// Start connecting (the endpoint is sent first).
    Connect(Box<Settings>),
    /// Start a user disconnect.
    Disconnect,
    /// Add an operation under its packet id, with its own ACK timeout in milliseconds (0: the
    /// connection's) and its record in the durable store (0: none).
    Submit(u16, Request<S>, T, u32, u64),
    /// Consecutive publishes, each under the packet id the API gave it, packed in the
    /// connection's publish stream (the common command of a burst: see
    /// `client::publish_stream`).
    Publishes(PublishBatch<T>),
    /// Attach a durable store (beyond upstream), restoring the publishes it held (each under
    /// the packet id the API holds for it, with its completion token) and the received QoS 2
    /// ids.
    AttachStore(Journal, Vec<(u16, StoredPublish, T)>, Vec<u16>),
    /// Change the CONNECT of later reconnects (will, login, backoff).
    Reconfigure(Box<dyn FnOnce(&mut Settings) + Send>),
    /// Bound the queue (beyond upstream); `None` lifts the bounds.
    SetQueueLimits(Option<QueueLimits>),
}

impl<T: StreamToken + 'static, S: Send + 'static> Protocol for Engine<T, S> {
    type Command = Mqtt311Command<T, S>;
    type Event = Event<T>;

    fn apply(&mut self, command: Self::Command) {
        match command {
            Mqtt311Command::Connect(settings) => self.connect(*settings),
            // The API checked the state; the engine can only agree (see client_connection.rs).
            Mqtt311Command::Disconnect => drop(self.disconnect()),
            Mqtt311Command::Submit(id, request, token, timeout_ms, record) => {
                self.submit_recorded(id, request, token, timeout_ms, record)
            }
            Mqtt311Command::Publishes(batch) => batch.for_each(|p| submit_batched(self, p)),
            Mqtt311Command::AttachStore(journal, publishes, incoming) => {
                self.attach_store(journal, publishes, &incoming)
            }
            Mqtt311Command::Reconfigure(change) => self.reconfigure(change),
            Mqtt311Command::SetQueueLimits(limits) => self.set_queue_limits(limits),
        }
    }
    fn transport_closed(&mut self, now: u64, error: Option<i32>) {
        Engine::transport_closed(self, now, error.map(Failure::Transport))
    }
    fn is_batch(command: &Self::Command) -> bool {
        matches!(command, Mqtt311Command::Publishes(_))
    }
    fn room(&self) -> usize {
        self.submission_room()
    }
    fn apply_some(&mut self, command: Self::Command, room: usize) -> Option<Self::Command> {
        let Mqtt311Command::Publishes(batch) = command else {
            self.apply(command);
            return None;
        };
        batch
            .feed(room, |p| submit_batched(self, p))
            .map(Mqtt311Command::Publishes)
    }
    forward_protocol_methods!();
}

/// A publish from a batch, under the packet id the API gave it (publishes to a durable store
/// go as `Submit`, with their record).
fn submit_batched<T: StreamToken, S>(engine: &mut Engine<T, S>, p: Submission<T>) {
    engine.submit_recorded(p.id, Request::Publish(p.publish), p.token, p.timeout, 0)
}

impl<T, S> BatchCommand<T> for Command<Mqtt311Command<T, S>> {
    fn batch_mut(&mut self) -> Option<&mut PublishBatch<T>> {
        match self {
            Command::Protocol(Mqtt311Command::Publishes(batch)) => Some(batch),
            _ => None,
        }
    }
    fn from_batch(batch: PublishBatch<T>) -> Self {
        Command::Protocol(Mqtt311Command::Publishes(batch))
    }
}
