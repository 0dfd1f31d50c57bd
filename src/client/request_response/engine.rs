//! The request-response engine: operations, their queue and deadlines, and what an incoming
//! publish completes. Free of I/O and of the clock: fed with `now`, the protocol client's
//! results and events, polled for [`Action`]s to perform and [`Event`]s to deliver.
//!
//! A request goes Queued → subscribing its filters → publishing → waiting for the response that
//! carries its correlation token, and completes exactly once: with that response, or with a
//! [`Failure`]. A streaming operation goes Queued → subscribing → subscribed (and lost and
//! established again with the session), until the user closes it; a subscription refused for
//! good halts it.
//!
//! Queued operations start in order. Two requests with the same correlation token never wait at
//! once (a request without a token therefore runs alone), and a request that cannot start yet
//! holds up those behind it, as upstream.

use super::correlation::token_at;
use super::subscriptions::{self, Acquired, Budget, Kind, OpId, Subscriptions};
use crate::client::topic_tree::TopicTree;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};

/// The engine's settings.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// The subscription budgets.
    pub budget: Budget,
    /// How long a request may take, from submission to response.
    pub timeout_ns: u64,
}

impl Config {
    /// Upstream's rule: at least two request subscriptions (a request usually needs an
    /// "accepted" and a "rejected" filter) and a non-zero timeout.
    pub fn is_valid(&self) -> bool {
        self.budget.max_request >= 2 && self.timeout_ns > 0
    }
}

/// A topic a response may arrive on, and where its correlation token is in the payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponsePath {
    /// The topic name.
    pub topic: String,
    /// The dotted JSON path of the token; empty when responses carry none.
    pub token_path: String,
}

/// A request, as submitted (validated by the caller).
#[derive(Clone, Debug, Default)]
pub struct RequestSpec {
    /// The filters to subscribe before publishing.
    pub filters: Vec<String>,
    /// Where responses arrive.
    pub paths: Vec<ResponsePath>,
    /// Where the request goes.
    pub publish_topic: String,
    /// The request.
    pub payload: Vec<u8>,
    /// The token a response must carry; empty for none.
    pub token: Vec<u8>,
}

/// Why an operation failed (upstream's `AWS_ERROR_MQTT_REQUEST_RESPONSE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No response within the timeout.
    Timeout,
    /// The subscription budget is used up by streaming operations.
    NoSubscriptionCapacity,
    /// A subscription was refused, could not be made, or ended with the session.
    SubscribeFailure,
    /// The request's publish failed.
    PublishFailure,
    /// The client is shutting down.
    ShutDown,
}

/// A streaming operation's subscription status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamStatus {
    /// Subscribed.
    Established,
    /// Lost with the session; being subscribed again.
    Lost,
    /// Given up for good.
    Halted(Failure),
}

/// What the engine tells its user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A request failed; it is gone.
    RequestFailed { op: OpId, failure: Failure },
    /// A streaming operation's subscription changed.
    Stream { op: OpId, status: StreamStatus },
}

/// What the engine asks of the protocol client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// SUBSCRIBE at QoS 1; report with [`Engine::subscribed`].
    Subscribe(String),
    /// UNSUBSCRIBE; report with [`Engine::unsubscribed`].
    Unsubscribe(String),
    /// PUBLISH a request at QoS 1; report a failure with [`Engine::publish_failed`].
    Publish {
        op: OpId,
        topic: String,
        payload: Vec<u8>,
    },
}

/// Which operations an incoming publish is for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Matches {
    /// The request it answers, now complete and gone.
    pub request: Option<OpId>,
    /// The streaming operations whose filter it matches.
    pub streams: Vec<OpId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Queued,
    Subscribing { remaining: usize },
    AwaitingResponse,
    Subscribed,
    Halted,
}

#[derive(Debug)]
enum Spec {
    Request(RequestSpec),
    Stream(String),
}

#[derive(Debug)]
struct Operation {
    state: State,
    spec: Spec,
    deadline: u64,
}

impl Operation {
    fn filters(&self) -> &[String] {
        match &self.spec {
            Spec::Request(r) => &r.filters,
            Spec::Stream(f) => std::slice::from_ref(f),
        }
    }

    fn kind(&self) -> Kind {
        match self.spec {
            Spec::Request(_) => Kind::Request,
            Spec::Stream(_) => Kind::Streaming,
        }
    }
}

/// The engine. See the module comment.
#[derive(Debug)]
pub struct Engine {
    config: Config,
    subscriptions: Subscriptions,
    next_id: OpId,
    operations: HashMap<OpId, Operation>,
    queue: VecDeque<OpId>,
    /// Request deadlines; entries of operations gone or re-armed are skipped when they surface.
    deadlines: BinaryHeap<Reverse<(u64, OpId)>>,
    /// Correlation token → the started request waiting for it.
    by_token: HashMap<Vec<u8>, OpId>,
    /// Response topic → token path and how many started requests use it (the first path
    /// registered for a topic is the one used, as upstream).
    paths: HashMap<String, (String, usize)>,
    /// Streaming filters → the started operations on each.
    streams: TopicTree<Vec<OpId>>,
    events: VecDeque<Event>,
    actions: Vec<Action>,
    shut_down: bool,
}

impl Engine {
    /// An engine; `connected` is the protocol client's state now.
    pub fn new(config: Config, connected: bool) -> Self {
        Engine {
            config,
            subscriptions: Subscriptions::new(config.budget, connected),
            next_id: 1,
            operations: HashMap::new(),
            queue: VecDeque::new(),
            deadlines: BinaryHeap::new(),
            by_token: HashMap::new(),
            paths: HashMap::new(),
            streams: TopicTree::new(),
            events: VecDeque::new(),
            actions: Vec::new(),
            shut_down: false,
        }
    }

    /// A fresh operation id (streaming operations get theirs before they are activated).
    pub fn allocate_id(&mut self) -> OpId {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Queues a request due by `now` plus the timeout; run [`service`](Self::service) next.
    pub fn submit_request(&mut self, now: u64, op: OpId, spec: RequestSpec) {
        if self.shut_down {
            self.events.push_back(Event::RequestFailed {
                op,
                failure: Failure::ShutDown,
            });
            return;
        }
        let deadline = now.saturating_add(self.config.timeout_ns);
        self.deadlines.push(Reverse((deadline, op)));
        self.enqueue(op, Spec::Request(spec), deadline);
    }

    /// Queues a streaming operation on `filter`; run [`service`](Self::service) next.
    pub fn activate_stream(&mut self, op: OpId, filter: String) {
        if self.shut_down {
            self.events.push_back(Event::Stream {
                op,
                status: StreamStatus::Halted(Failure::ShutDown),
            });
            return;
        }
        self.enqueue(op, Spec::Stream(filter), u64::MAX);
    }

    fn enqueue(&mut self, op: OpId, spec: Spec, deadline: u64) {
        self.operations.insert(
            op,
            Operation {
                state: State::Queued,
                spec,
                deadline,
            },
        );
        self.queue.push_back(op);
    }

    /// The user closed a streaming operation: it leaves every table and frees its subscription.
    pub fn close_stream(&mut self, op: OpId) {
        self.destroy(op);
    }

    /// Runs what is due: subscription events, request deadlines, then the queue.
    pub fn service(&mut self, now: u64) {
        if self.shut_down {
            return;
        }
        loop {
            let mut changed = false;
            while let Some(event) = self.subscriptions.take_events() {
                changed = true;
                self.on_subscription_event(event);
            }
            self.expire(now);
            // Queued operations first take the subscriptions they can reuse; only then do
            // unused ones go (upstream purges first, and so unsubscribes a filter the next
            // request needs and subscribes it again); what the purge freed at once is
            // offered to the queue again, and only then is "no capacity" final.
            self.start_queued(false);
            self.subscriptions.purge_unused();
            self.start_queued(true);
            self.collect_requests();
            if !changed {
                break;
            }
        }
    }

    /// The earliest request deadline, if any request is waiting.
    pub fn next_deadline(&self) -> Option<u64> {
        self.deadlines.peek().map(|Reverse((at, _))| *at)
    }

    /// The events to deliver, oldest first.
    pub fn take_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The actions to perform, in order.
    pub fn take_actions(&mut self) -> Vec<Action> {
        std::mem::take(&mut self.actions)
    }

    /// A SUBSCRIBE's outcome: `Ok`, or whether trying again may help.
    pub fn subscribed(&mut self, filter: &str, result: Result<(), bool>) {
        if !self.shut_down {
            self.subscriptions.subscribed(filter, result);
        }
    }

    /// An UNSUBSCRIBE's outcome.
    pub fn unsubscribed(&mut self, filter: &str, ok: bool) {
        if !self.shut_down {
            self.subscriptions.unsubscribed(filter, ok);
        }
    }

    /// The protocol client connected; `rejoined`: its session was kept.
    pub fn connected(&mut self, rejoined: bool) {
        if !self.shut_down {
            self.subscriptions.connected(rejoined);
        }
    }

    /// The protocol client lost its connection. Requests keep waiting (until their deadline).
    pub fn disconnected(&mut self) {
        self.subscriptions.disconnected();
    }

    /// A request's publish failed.
    pub fn publish_failed(&mut self, op: OpId) {
        if self.operations.contains_key(&op) {
            self.fail(op, Failure::PublishFailure);
        }
    }

    /// Routes an incoming publish: to the streaming operations whose filter matches, and to the
    /// request whose token it carries on one of its response paths (which completes).
    pub fn on_publish(&mut self, topic: &str, payload: &[u8]) -> Matches {
        let mut matches = Matches::default();
        if self.shut_down {
            return matches;
        }
        let operations = &self.operations;
        self.streams.for_each_match(topic, |_, ops| {
            matches.streams.extend(
                ops.iter()
                    .copied()
                    .filter(|op| operations.get(op).is_some_and(|o| o.state != State::Halted)),
            );
        });
        if let Some((path, _)) = self.paths.get(topic) {
            let mut scratch = None;
            let op = token_at(payload, path, &mut scratch).and_then(|t| self.by_token.get(t));
            if let Some(&op) = op {
                matches.request = Some(op);
                self.destroy(op);
            }
        }
        matches
    }

    /// Fails every request and halts every streaming operation with [`Failure::ShutDown`], and
    /// unsubscribes from everything. Nothing but closing streams happens afterwards.
    pub fn shut_down(&mut self) {
        if self.shut_down {
            return;
        }
        let mut ids: Vec<OpId> = self.operations.keys().copied().collect();
        ids.sort_unstable();
        for op in ids {
            self.fail(op, Failure::ShutDown);
        }
        self.subscriptions.shut_down();
        self.collect_requests();
        self.shut_down = true;
    }

    fn collect_requests(&mut self) {
        self.actions.extend(
            self.subscriptions
                .take_requests()
                .into_iter()
                .map(|r| match r {
                    subscriptions::Request::Subscribe(f) => Action::Subscribe(f),
                    subscriptions::Request::Unsubscribe(f) => Action::Unsubscribe(f),
                }),
        );
    }

    fn on_subscription_event(&mut self, event: subscriptions::Event) {
        use subscriptions::Event as E;
        match event {
            E::RequestSubscribed { op } => {
                let Some(o) = self.operations.get_mut(&op) else {
                    return;
                };
                if let State::Subscribing { remaining } = &mut o.state {
                    *remaining = remaining.saturating_sub(1);
                    if *remaining == 0 {
                        self.publish(op);
                    }
                }
            }
            E::RequestSubscribeFailed { op } | E::RequestSubscriptionEnded { op } => {
                self.fail(op, Failure::SubscribeFailure);
            }
            E::StreamingEstablished { op } => {
                let Some(o) = self.operations.get_mut(&op) else {
                    return;
                };
                if o.state == State::Halted {
                    return;
                }
                o.state = State::Subscribed;
                self.stream_event(op, StreamStatus::Established);
            }
            E::StreamingLost { op } => {
                if self
                    .operations
                    .get(&op)
                    .is_some_and(|o| o.state != State::Halted)
                {
                    self.stream_event(op, StreamStatus::Lost);
                }
            }
            E::StreamingHalted { op } => self.fail(op, Failure::SubscribeFailure),
            E::RoomMayHaveOpened => {}
        }
    }

    fn stream_event(&mut self, op: OpId, status: StreamStatus) {
        self.events.push_back(Event::Stream { op, status });
    }

    /// Fails requests whose deadline passed.
    fn expire(&mut self, now: u64) {
        while let Some(&Reverse((at, op))) = self.deadlines.peek() {
            if at > now {
                break;
            }
            self.deadlines.pop();
            if self.operations.get(&op).is_some_and(|o| o.deadline == at) {
                self.fail(op, Failure::Timeout);
            }
        }
    }

    /// Starts queued operations in order while they can. Before the purge (`!after_purge`) an
    /// operation without room waits for the purge rather than failing.
    fn start_queued(&mut self, after_purge: bool) {
        while let Some(&op) = self.queue.front() {
            let Some(o) = self.operations.get(&op) else {
                self.queue.pop_front();
                continue;
            };
            if let Spec::Request(r) = &o.spec {
                if self.by_token.contains_key(&r.token) {
                    break;
                }
            }
            let (kind, filters) = (o.kind(), o.filters().to_vec());
            let acquired = self.subscriptions.acquire(&filters, op, kind);
            if acquired == Acquired::Blocked || acquired == Acquired::NoCapacity && !after_purge {
                break;
            }
            self.queue.pop_front();
            self.started(op, acquired, &filters);
        }
    }

    fn started(&mut self, op: OpId, acquired: Acquired, filters: &[String]) {
        match acquired {
            Acquired::Failure => return self.fail(op, Failure::SubscribeFailure),
            Acquired::NoCapacity => return self.fail(op, Failure::NoSubscriptionCapacity),
            Acquired::Blocked => unreachable!("blocked operations stay queued"),
            Acquired::Subscribed | Acquired::Subscribing => {}
        }
        self.add_to_tables(op);
        let waiting: std::collections::BTreeSet<&String> = filters
            .iter()
            .filter(|f| !self.subscriptions.is_subscribed(f))
            .collect();
        let Some(o) = self.operations.get_mut(&op) else {
            return;
        };
        if !waiting.is_empty() {
            o.state = State::Subscribing {
                remaining: waiting.len(),
            };
        } else if o.kind() == Kind::Request {
            self.publish(op);
        } else {
            o.state = State::Subscribed;
            self.stream_event(op, StreamStatus::Established);
        }
    }

    fn add_to_tables(&mut self, op: OpId) {
        let Some(o) = self.operations.get(&op) else {
            return;
        };
        match &o.spec {
            Spec::Stream(filter) => match self.streams.get_mut(filter) {
                Some(ops) => ops.push(op),
                None => {
                    // Filters were validated at submission; a refusal here cannot happen.
                    let _ = self.streams.insert(filter, vec![op]);
                }
            },
            Spec::Request(r) => {
                for path in &r.paths {
                    self.paths
                        .entry(path.topic.clone())
                        .or_insert_with(|| (path.token_path.clone(), 0))
                        .1 += 1;
                }
                self.by_token.insert(r.token.clone(), op);
            }
        }
    }

    fn remove_from_tables(&mut self, op: OpId, o: &Operation) {
        if matches!(o.state, State::Queued) {
            return;
        }
        match &o.spec {
            Spec::Stream(filter) => {
                if let Some(ops) = self.streams.get_mut(filter) {
                    ops.retain(|&x| x != op);
                    if ops.is_empty() {
                        self.streams.remove(filter);
                    }
                }
            }
            Spec::Request(r) => {
                if self.by_token.get(&r.token) == Some(&op) {
                    self.by_token.remove(&r.token);
                }
                for path in &r.paths {
                    if let Some(entry) = self.paths.get_mut(&path.topic) {
                        entry.1 -= 1;
                        if entry.1 == 0 {
                            self.paths.remove(&path.topic);
                        }
                    }
                }
            }
        }
    }

    /// Publishes a request whose subscriptions are all in place.
    fn publish(&mut self, op: OpId) {
        let Some(o) = self.operations.get_mut(&op) else {
            return;
        };
        o.state = State::AwaitingResponse;
        if let Spec::Request(r) = &o.spec {
            self.actions.push(Action::Publish {
                op,
                topic: r.publish_topic.clone(),
                payload: r.payload.clone(),
            });
        }
    }

    /// A request fails and goes; a streaming operation halts (and stays until closed).
    fn fail(&mut self, op: OpId, failure: Failure) {
        let Some(o) = self.operations.get_mut(&op) else {
            return;
        };
        match o.kind() {
            Kind::Request => {
                self.events.push_back(Event::RequestFailed { op, failure });
                self.destroy(op);
            }
            Kind::Streaming => {
                if o.state != State::Halted {
                    o.state = State::Halted;
                    self.stream_event(op, StreamStatus::Halted(failure));
                }
            }
        }
    }

    /// An operation leaves every table and gives up its subscriptions.
    fn destroy(&mut self, op: OpId) {
        let Some(o) = self.operations.remove(&op) else {
            return;
        };
        if o.state == State::Queued {
            self.queue.retain(|&x| x != op);
        }
        self.remove_from_tables(op, &o);
        if !self.shut_down {
            self.subscriptions.release(o.filters(), op);
        }
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
