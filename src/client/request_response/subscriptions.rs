//! The request-response client's subscription manager: which topic filters are subscribed on
//! the protocol client, which operations use each, and the budget of subscriptions the client
//! may hold (upstream's `aws_rr_subscription_manager`, with its rules):
//!
//! - a filter has at most one SUBSCRIBE or UNSUBSCRIBE outstanding; an operation needing a filter
//!   that is being unsubscribed waits until that ends (except at shut-down, when pending
//!   subscribes are chased with unsubscribes);
//! - request filters and streaming filters count against separate budgets; a filter no
//!   operation uses any more stays subscribed until the room is needed (every service pass
//!   unsubscribes unused filters, so the room frees as soon as their UNSUBACK arrives);
//! - a streaming subscription refused for good (bad filter, not authorised) is *poisoned*: it is
//!   never tried again until every operation using it has gone;
//! - after a reconnect without the session, request subscriptions end (their operations fail)
//!   and streaming subscriptions are lost, then subscribed again.
//!
//! Events for the operations come out of [`Subscriptions::take_events`] rather than being
//! handled at once, so the caller never changes the manager while it walks its records.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// An operation's identity.
pub type OpId = u64;

/// What kind of operation uses a subscription; each kind has its own budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A request waiting for its response.
    Request,
    /// A streaming operation.
    Streaming,
}

/// What [`Subscriptions::acquire`] decided for an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acquired {
    /// Every filter is subscribed: the operation goes on.
    Subscribed,
    /// Every filter has a record, some are still being subscribed: wait for their events.
    Subscribing,
    /// No room now (or a filter is being unsubscribed): try again later.
    Blocked,
    /// No room, and none will come unless a streaming operation goes: fail.
    NoCapacity,
    /// A filter is poisoned or used by the other kind of operation: fail.
    Failure,
}

/// A change of a subscription, for the operations using it (or, with `op` 0, for the client).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A request subscription's SUBACK arrived: success.
    RequestSubscribed { op: OpId },
    /// A request subscription was refused or could not be made.
    RequestSubscribeFailed { op: OpId },
    /// A request subscription ended with the session.
    RequestSubscriptionEnded { op: OpId },
    /// A streaming subscription is in place.
    StreamingEstablished { op: OpId },
    /// A streaming subscription was lost with the session (it is being made again).
    StreamingLost { op: OpId },
    /// A streaming subscription was refused for good.
    StreamingHalted { op: OpId },
    /// A filter lost its last operation, or was unsubscribed: room may have opened.
    RoomMayHaveOpened,
}

/// What the manager asks of the protocol client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// SUBSCRIBE to the filter (QoS 1).
    Subscribe(String),
    /// UNSUBSCRIBE from it.
    Unsubscribe(String),
}

/// Where a filter's subscription stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pending {
    Nothing,
    Subscribing,
    Unsubscribing,
}

/// One filter's subscription.
#[derive(Debug)]
struct Record {
    kind: Kind,
    subscribed: bool,
    pending: Pending,
    poisoned: bool,
    listeners: BTreeSet<OpId>,
}

impl Record {
    fn idle(&self) -> bool {
        !self.subscribed && self.pending == Pending::Nothing
    }
}

/// The budgets.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Filters request operations may hold at once (upstream requires at least 2).
    pub max_request: usize,
    /// Filters streaming operations may hold at once.
    pub max_streaming: usize,
}

/// The subscription manager. See the module comment.
#[derive(Debug)]
pub struct Subscriptions {
    budget: Budget,
    /// By filter, ordered so that passes over them send in a stable order.
    records: BTreeMap<String, Record>,
    connected: bool,
    events: VecDeque<Event>,
    requests: Vec<Request>,
}

impl Subscriptions {
    /// A manager with nothing subscribed; `connected` is the protocol client's state now.
    pub fn new(budget: Budget, connected: bool) -> Self {
        Subscriptions {
            budget,
            records: BTreeMap::new(),
            connected,
            events: VecDeque::new(),
            requests: Vec::new(),
        }
    }

    /// The events produced since the last call, oldest first.
    pub fn take_events(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The SUBSCRIBEs and UNSUBSCRIBEs to send, in order.
    pub fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.requests)
    }

    /// Whether a filter has a record (for tests and statistics).
    pub fn is_tracked(&self, filter: &str) -> bool {
        self.records.contains_key(filter)
    }

    /// Whether `filter` is subscribed now.
    pub fn is_subscribed(&self, filter: &str) -> bool {
        self.records.get(filter).is_some_and(|r| r.subscribed)
    }

    /// Registers `op` on each filter, making records as the budget allows; see [`Acquired`].
    pub fn acquire(&mut self, filters: &[String], op: OpId, kind: Kind) -> Acquired {
        if filters.is_empty() {
            return Acquired::Failure;
        }
        // A poisoned or other-kind record fails the operation before anything else counts.
        let existing = filters.iter().filter_map(|f| self.records.get(f));
        if existing.clone().any(|r| r.poisoned || r.kind != kind) {
            return Acquired::Failure;
        }
        if self
            .records
            .iter()
            .any(|(f, r)| r.pending == Pending::Unsubscribing && filters.contains(f))
        {
            return Acquired::Blocked;
        }
        let mut distinct: Vec<&String> = filters.iter().collect();
        distinct.sort();
        distinct.dedup();
        let needed = distinct
            .iter()
            .filter(|f| !self.records.contains_key(f.as_str()))
            .count();
        if needed > 0 {
            if let Some(refusal) = self.no_room(kind, needed) {
                return refusal;
            }
        }
        let mut all_subscribed = true;
        for filter in filters {
            let record = self.records.entry(filter.clone()).or_insert(Record {
                kind,
                subscribed: false,
                pending: Pending::Nothing,
                poisoned: false,
                listeners: BTreeSet::new(),
            });
            record.listeners.insert(op);
            all_subscribed &= record.subscribed;
        }
        if all_subscribed {
            return Acquired::Subscribed;
        }
        for filter in filters {
            self.activate(filter);
        }
        Acquired::Subscribing
    }

    /// Whether `needed` new records of `kind` fit: `None` if they do.
    fn no_room(&self, kind: Kind, needed: usize) -> Option<Acquired> {
        let of_kind = self.records.values().filter(|r| r.kind == kind);
        let held = of_kind.clone().count();
        match kind {
            Kind::Request => (held + needed > self.budget.max_request).then_some(Acquired::Blocked),
            Kind::Streaming => {
                if held + needed <= self.budget.max_streaming {
                    return None;
                }
                let leaving = of_kind
                    .filter(|r| r.pending == Pending::Unsubscribing)
                    .count();
                // Room that unsubscribes in flight will free is worth waiting for.
                Some(if held + needed <= self.budget.max_streaming + leaving {
                    Acquired::Blocked
                } else {
                    Acquired::NoCapacity
                })
            }
        }
    }

    /// `op` no longer needs these filters.
    pub fn release(&mut self, filters: &[String], op: OpId) {
        for filter in filters {
            let Some(record) = self.records.get_mut(filter) else {
                continue;
            };
            if record.listeners.remove(&op) && record.listeners.is_empty() {
                self.events.push_back(Event::RoomMayHaveOpened);
            }
        }
    }

    /// Unsubscribes (when connected) every filter nobody uses, and forgets those that are
    /// neither subscribed nor changing.
    pub fn purge_unused(&mut self) {
        let unused: Vec<String> = self
            .records
            .iter()
            .filter(|(_, r)| r.listeners.is_empty())
            .map(|(f, _)| f.clone())
            .collect();
        for filter in unused {
            if self.connected {
                self.unsubscribe(&filter, false);
            }
            if self.records.get(&filter).is_some_and(Record::idle) {
                self.records.remove(&filter);
            }
        }
    }

    /// Sends an UNSUBSCRIBE for `filter` if its state allows; at shut-down a SUBSCRIBE in flight
    /// is chased too.
    fn unsubscribe(&mut self, filter: &str, shutting_down: bool) {
        let Some(record) = self.records.get_mut(filter) else {
            return;
        };
        let allowed = record.subscribed && record.pending != Pending::Unsubscribing;
        if !(allowed || shutting_down && record.pending == Pending::Subscribing) {
            return;
        }
        record.pending = Pending::Unsubscribing;
        self.requests.push(Request::Unsubscribe(filter.to_string()));
    }

    /// Sends a SUBSCRIBE for `filter` if it is used, idle, not poisoned, and the client is
    /// connected.
    fn activate(&mut self, filter: &str) {
        let connected = self.connected;
        let Some(record) = self.records.get_mut(filter) else {
            return;
        };
        if record.poisoned || !connected || record.listeners.is_empty() || !record.idle() {
            return;
        }
        record.pending = Pending::Subscribing;
        self.requests.push(Request::Subscribe(filter.to_string()));
    }

    /// Queues `event` (made per listener) for every operation using `filter`.
    fn emit(&mut self, filter: &str, event: fn(OpId) -> Event) {
        if let Some(record) = self.records.get(filter) {
            self.events
                .extend(record.listeners.iter().map(|&op| event(op)));
        }
    }

    /// The SUBACK (or failure) of a SUBSCRIBE this manager sent: `Ok` when granted, otherwise
    /// whether trying again may help.
    pub fn subscribed(&mut self, filter: &str, result: Result<(), bool>) {
        let Some(record) = self.records.get_mut(filter) else {
            return;
        };
        if record.pending != Pending::Subscribing {
            return;
        }
        record.pending = Pending::Nothing;
        let kind = record.kind;
        match (result, kind) {
            (Ok(()), _) => {
                record.subscribed = true;
                let event: fn(OpId) -> Event = match kind {
                    Kind::Request => |op| Event::RequestSubscribed { op },
                    Kind::Streaming => |op| Event::StreamingEstablished { op },
                };
                self.emit(filter, event);
            }
            (Err(_), Kind::Request) => {
                self.emit(filter, |op| Event::RequestSubscribeFailed { op });
            }
            (Err(true), Kind::Streaming) => self.activate(filter),
            (Err(false), Kind::Streaming) => {
                record.poisoned = true;
                self.emit(filter, |op| Event::StreamingHalted { op });
            }
        }
    }

    /// The UNSUBACK (or failure) of an UNSUBSCRIBE this manager sent. A failure leaves the
    /// filter subscribed; the next purge tries again.
    pub fn unsubscribed(&mut self, filter: &str, ok: bool) {
        let Some(record) = self.records.get_mut(filter) else {
            return;
        };
        if record.pending != Pending::Unsubscribing {
            return;
        }
        record.pending = Pending::Nothing;
        if ok {
            record.subscribed = false;
            self.events.push_back(Event::RoomMayHaveOpened);
        }
    }

    /// The protocol client connected; `rejoined` says whether the server kept the session.
    pub fn connected(&mut self, rejoined: bool) {
        self.connected = true;
        if !rejoined {
            self.session_lost();
        }
        self.purge_unused();
        let filters: Vec<String> = self.records.keys().cloned().collect();
        for filter in filters {
            self.activate(&filter);
        }
    }

    /// The protocol client lost its connection.
    pub fn disconnected(&mut self) {
        self.connected = false;
    }

    /// A new session has none of the old subscriptions: request subscriptions end, and are
    /// forgotten unless an UNSUBSCRIBE is still in flight; streaming ones are lost (and made
    /// again by the caller's activation pass).
    fn session_lost(&mut self) {
        let subscribed: Vec<String> = self
            .records
            .iter()
            .filter(|(_, r)| r.subscribed)
            .map(|(f, _)| f.clone())
            .collect();
        for filter in subscribed {
            let Some(record) = self.records.get_mut(&filter) else {
                continue;
            };
            record.subscribed = false;
            match record.kind {
                Kind::Request => {
                    let unsubscribing = record.pending == Pending::Unsubscribing;
                    self.emit(&filter, |op| Event::RequestSubscriptionEnded { op });
                    if !unsubscribing {
                        self.records.remove(&filter);
                    }
                }
                Kind::Streaming => self.emit(&filter, |op| Event::StreamingLost { op }),
            }
        }
    }

    /// At shut-down: unsubscribes from everything subscribed or being subscribed, and forgets
    /// every record.
    pub fn shut_down(&mut self) {
        let filters: Vec<String> = self.records.keys().cloned().collect();
        for filter in filters {
            self.unsubscribe(&filter, true);
        }
        self.records.clear();
        self.events.clear();
    }
}
