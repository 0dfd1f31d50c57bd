//! What an engine has for its runtime, for both clients: events to deliver to the user and
//! [`Action`]s to perform on the transport, each in the order the engine raised them. The
//! runtime polls both after every call into the engine.

use crate::client::action::Action;
use std::collections::VecDeque;

/// An engine's events (`E`) and transport actions, first in, first out.
#[derive(Debug)]
pub struct Outbox<E> {
    events: VecDeque<E>,
    actions: VecDeque<Action>,
}

impl<E> Default for Outbox<E> {
    fn default() -> Self {
        Outbox {
            events: VecDeque::new(),
            actions: VecDeque::new(),
        }
    }
}

impl<E> Outbox<E> {
    /// Raises `event`, delivered after those raised before it.
    pub fn event(&mut self, event: E) {
        self.events.push_back(event);
    }

    /// Asks the runtime to perform `action`, after those asked before it.
    pub fn action(&mut self, action: Action) {
        self.actions.push_back(action);
    }

    /// The next event to deliver.
    pub fn poll_event(&mut self) -> Option<E> {
        self.events.pop_front()
    }

    /// Moves every event raised so far to the back of `into`, in order. When `into` is empty
    /// (the runtime drains it between calls) the two queues just swap buffers: no event is
    /// copied, which matters for a burst of completions.
    pub fn take_events(&mut self, into: &mut VecDeque<E>) {
        if into.is_empty() {
            std::mem::swap(&mut self.events, into);
        } else {
            into.append(&mut self.events);
        }
    }

    /// The next transport action to perform.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// Whether a transport action waits to be performed.
    pub fn has_actions(&self) -> bool {
        !self.actions.is_empty()
    }
}

/// Writes an engine's `poll_event`, `poll_action` and `has_actions`, the names the runtime calls
/// them by, over the engine's `outbox` field; `$event` is the engine's event type.
macro_rules! outbox_methods {
    ($event:ty) => {
        /// The next event to deliver.
        pub fn poll_event(&mut self) -> Option<$event> {
            self.outbox.poll_event()
        }

        /// Moves every event raised so far to the back of `into` (see `Outbox::take_events`).
        pub fn take_events(&mut self, into: &mut std::collections::VecDeque<$event>) {
            self.outbox.take_events(into)
        }

        /// The next transport action to perform.
        pub fn poll_action(&mut self) -> Option<$crate::client::Action> {
            self.outbox.poll_action()
        }

        /// Whether a transport action waits to be performed.
        pub fn has_actions(&self) -> bool {
            self.outbox.has_actions()
        }
    };
}
pub(crate) use outbox_methods;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_and_actions_come_out_in_the_order_they_went_in_each_on_its_own() {
        let mut o = Outbox::default();
        o.event("connected");
        o.action(Action::Close);
        o.event("disconnected");
        o.action(Action::Open);
        assert!(o.has_actions());
        assert_eq!(o.poll_action(), Some(Action::Close));
        assert_eq!(o.poll_event(), Some("connected"));
        assert_eq!(o.poll_event(), Some("disconnected"));
        assert_eq!(o.poll_event(), None);
        assert_eq!(o.poll_action(), Some(Action::Open));
        assert!(!o.has_actions());
        assert_eq!(o.poll_action(), None);
    }

    #[test]
    fn taken_events_keep_their_order_behind_those_already_taken() {
        let mut o = Outbox::default();
        let mut taken = VecDeque::new();
        o.event(1);
        o.event(2);
        o.take_events(&mut taken);
        o.event(3);
        o.take_events(&mut taken);
        assert_eq!(taken, [1, 2, 3]);
        assert_eq!(o.poll_event(), None);
        taken.clear();
        o.take_events(&mut taken);
        assert!(taken.is_empty());
    }
}
