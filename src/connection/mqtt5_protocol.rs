//! The MQTT 5 client engine as a [`Protocol`] the connection driver runs.

use crate::client::journal::{Journal, StoredPublish};
use crate::client::mqtt5::{Engine, Event, Request, Settings, UserDisconnect};
use crate::client::publish_stream::{BatchCommand, PublishBatch, StreamToken, Submission};
use crate::client::queue_limits::QueueLimits;
use crate::connection::protocol::{Command, Protocol, forward_protocol_methods};

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
    /// An operation, with its ACK timeout override in seconds (0: the client's) and its record
    /// in the durable store (beyond upstream; 0: none).
    Submit(Request, T, u32, u64),
    /// Consecutive publishes, packed in the client's publish stream (the common command of a
    /// burst: see `client::publish_stream`).
    Publishes(PublishBatch<T>),
    /// Attach a durable store (beyond upstream), restoring the publishes it held (each with
    /// its completion token) and the received QoS 2 ids.
    AttachStore(Journal, Vec<(StoredPublish, T)>, Vec<u16>),
    /// `aws_mqtt5_client_invoke_publish_acknowledgement`.
    ReleaseAck(u64, T),
    /// New settings from the next connection on (the 3.1.1 adapter).
    Reconfigure(Box<dyn FnOnce(&mut Settings) + Send>),
    /// The client id the next CONNECT carries (the 3.1.1 adapter's connect).
    UseClientId(String),
    /// Bound the queue (beyond upstream); `None` lifts the bounds.
    SetQueueLimits(Option<QueueLimits>),
    /// End the current connection so the next uses the new settings (the 3.1.1 adapter's
    /// connect).
    ResetConnection,
    /// Enhanced authentication (beyond upstream): the answer to the server's last challenge.
    ContinueAuthentication(Option<bytes::Bytes>),
    /// Enhanced authentication (beyond upstream): start re-authenticating.
    Reauthenticate(Option<bytes::Bytes>),
    /// A callback acquired the acknowledgement of the publish it was given (packet id,
    /// control id): it goes out only on `ReleaseAck`. Sent while the publish is delivered.
    HoldAck(u16, u64),
}

impl<T: StreamToken + 'static> Protocol for Engine<T> {
    type Command = Mqtt5Command<T>;
    type Event = Event<T>;

    fn apply(&mut self, command: Self::Command) {
        match command {
            Mqtt5Command::Start => self.start(),
            Mqtt5Command::Stop(disconnect) => self.stop(disconnect),
            Mqtt5Command::Terminate => self.terminate(),
            Mqtt5Command::Submit(request, token, timeout, record) => {
                self.submit_recorded(request, token, timeout, record)
            }
            Mqtt5Command::Publishes(batch) => batch.for_each(|p| submit_batched(self, p)),
            Mqtt5Command::AttachStore(journal, publishes, incoming) => {
                self.attach_store(journal, publishes, &incoming)
            }
            Mqtt5Command::ReleaseAck(control_id, token) => self.release_ack(control_id, token),
            Mqtt5Command::HoldAck(packet_id, control_id) => self.hold_ack(packet_id, control_id),
            Mqtt5Command::Reconfigure(change) => self.reconfigure(change),
            Mqtt5Command::UseClientId(client_id) => self.use_client_id(client_id),
            Mqtt5Command::ResetConnection => self.reset_connection(),
            Mqtt5Command::SetQueueLimits(limits) => self.set_queue_limits(limits),
            Mqtt5Command::ContinueAuthentication(data) => {
                self.continue_authentication(data);
            }
            Mqtt5Command::Reauthenticate(data) => self.reauthenticate(data),
        }
    }
    fn transport_closed(&mut self, now: u64, error: Option<i32>) {
        Engine::transport_closed(self, now, error)
    }
    fn is_batch(command: &Self::Command) -> bool {
        matches!(command, Mqtt5Command::Publishes(_))
    }
    fn room(&self) -> usize {
        self.submission_room()
    }
    fn apply_some(&mut self, command: Self::Command, room: usize) -> Option<Self::Command> {
        let Mqtt5Command::Publishes(batch) = command else {
            self.apply(command);
            return None;
        };
        batch
            .feed(room, |p| submit_batched(self, p))
            .map(Mqtt5Command::Publishes)
    }
    forward_protocol_methods!();
}

/// A publish from a batch.
fn submit_batched<T: StreamToken>(engine: &mut Engine<T>, p: Submission<T>) {
    engine.submit_recorded(Request::Publish(p.publish), p.token, p.timeout, p.record)
}

impl<T> BatchCommand<T> for Command<Mqtt5Command<T>> {
    fn batch_mut(&mut self) -> Option<&mut PublishBatch<T>> {
        match self {
            Command::Protocol(Mqtt5Command::Publishes(batch)) => Some(batch),
            _ => None,
        }
    }
    fn from_batch(batch: PublishBatch<T>) -> Self {
        Command::Protocol(Mqtt5Command::Publishes(batch))
    }
}
