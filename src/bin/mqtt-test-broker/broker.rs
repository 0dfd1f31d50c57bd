//! The state all connections share, behind one mutex: sessions by client identifier, retained
//! messages by topic, the round-robin positions of shared subscription groups, and wills
//! waiting for their delay. Routing lives in [`crate::router`].

use crate::behaviour::Plan;
use crate::custom_auth::CustomAuthorizer;
use crate::log::{Log, Origin};
use crate::session::{NEVER_EXPIRES, Session};
use aws_c_mqtt::codec::{Publish, Will};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// What every connection thread holds.
pub struct Shared {
    /// The broker state.
    pub broker: Mutex<Broker>,
    /// The packet log.
    pub log: Arc<Log>,
    /// The settings, to compute each connection's behaviour.
    pub plan: Plan,
    /// The custom authorizer every CONNECT must pass, if any.
    pub authorizer: Option<CustomAuthorizer>,
}

impl Shared {
    /// Shared state for a new broker.
    pub fn new(log: Log, plan: Plan) -> Shared {
        let log = Arc::new(log);
        Shared {
            broker: Mutex::new(Broker::new(log.clone())),
            log,
            plan,
            authorizer: None,
        }
    }

    /// Locks the broker state (a panicked connection thread does not poison it for the others).
    pub fn lock(&self) -> MutexGuard<'_, Broker> {
        self.broker.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A will waiting for its Will Delay Interval [MQTT-3.1.3.2.2].
struct DelayedWill {
    client_id: String,
    due: Instant,
    publish: Publish,
}

/// The result of attaching a connection to a session.
pub struct Attached {
    /// True when an existing session was resumed [MQTT-3.2.2-2].
    pub session_present: bool,
}

/// Sessions, retained messages, shared-subscription positions, delayed wills.
pub struct Broker {
    /// The log, for events such as published wills.
    pub log: Arc<Log>,
    /// Sessions by client identifier.
    pub sessions: HashMap<String, Session>,
    /// Retained messages by topic [MQTT-3.3.1.3].
    pub retained: BTreeMap<String, crate::session::Message>,
    /// Per shared subscription (group, filter): the next member to receive a message.
    pub shared_cursors: HashMap<(String, String), usize>,
    delayed_wills: Vec<DelayedWill>,
    assigned: u64,
}

impl Broker {
    fn new(log: Arc<Log>) -> Broker {
        Broker {
            log,
            sessions: HashMap::new(),
            retained: BTreeMap::new(),
            shared_cursors: HashMap::new(),
            delayed_wills: Vec::new(),
            assigned: 0,
        }
    }

    /// A client identifier no session uses, for a client that sent an empty one.
    pub fn assign_client_id(&mut self) -> String {
        loop {
            self.assigned += 1;
            let id = format!("auto-{}", self.assigned);
            if !self.sessions.contains_key(&id) {
                return id;
            }
        }
    }

    /// Attaches connection `conn` to the session of `client_id`: resumes it unless
    /// `clean_start` or expired, else starts a new one. A connection already attached loses
    /// it (it notices and closes: session takeover [MQTT-3.1.4-3]). A will still waiting for
    /// its delay is cancelled when the session resumes [MQTT-3.1.3-9] and published when it
    /// ends.
    pub fn attach(
        &mut self,
        client_id: &str,
        conn: u64,
        clean_start: bool,
        expiry: u32,
        now: Instant,
    ) -> Attached {
        let (waiting, others): (Vec<_>, Vec<_>) = std::mem::take(&mut self.delayed_wills)
            .into_iter()
            .partition(|w| w.client_id == client_id);
        self.delayed_wills = others;
        match self.sessions.get_mut(client_id) {
            Some(s) if !clean_start && !s.expired(now) => {
                s.owner = Some(conn);
                s.expiry_interval = expiry;
                s.expires_at = None;
                Attached {
                    session_present: true,
                }
            }
            _ => {
                for will in waiting {
                    self.publish_will(&will.client_id, will.publish, now);
                }
                self.sessions
                    .insert(client_id.to_string(), Session::new(conn, expiry));
                Attached {
                    session_present: false,
                }
            }
        }
    }

    /// Detaches connection `conn` from the session of `client_id` if it still owns it; a
    /// session with expiry interval 0 ends now. Returns whether `conn` owned it.
    pub fn detach(&mut self, client_id: &str, conn: u64, now: Instant) -> bool {
        let Some(s) = self.sessions.get_mut(client_id) else {
            return false;
        };
        if s.owner != Some(conn) {
            return false;
        }
        s.detach(now);
        if s.expiry_interval == 0 {
            self.sessions.remove(client_id);
        }
        true
    }

    /// Publishes the will of `client_id`, whose connection closed without a normal
    /// DISCONNECT, now or after its Will Delay Interval, whichever comes first of that and the
    /// end of the session [MQTT-3.1.2-8], [MQTT-3.1.3.2.2]. `owned`: the closing connection
    /// still owned the session (else it was taken over and the will goes now).
    pub fn will(&mut self, client_id: &str, will: Will, owned: bool, now: Instant) {
        let delay = will.properties.will_delay_interval.unwrap_or(0);
        let mut properties = will.properties;
        properties.will_delay_interval = None;
        let publish = Publish {
            qos: will.qos,
            retain: will.retain,
            topic: will.topic,
            payload: will.payload,
            properties,
            ..Default::default()
        };
        let session_expiry = self
            .sessions
            .get(client_id)
            .map_or(0, |s| s.expiry_interval);
        let wait = match session_expiry {
            NEVER_EXPIRES => delay,
            e => delay.min(e),
        };
        if wait == 0 || !owned {
            self.publish_will(client_id, publish, now);
        } else {
            let due = now + Duration::from_secs(u64::from(wait));
            self.delayed_wills.push(DelayedWill {
                client_id: client_id.to_string(),
                due,
                publish,
            });
        }
    }

    fn publish_will(&mut self, client_id: &str, publish: Publish, now: Instant) {
        self.log.event(
            Origin {
                conn: 0,
                client_id: Some(client_id),
            },
            "will",
            |o| {
                o.str("topic", &publish.topic).num("qos", publish.qos as u8);
            },
        );
        self.route(&publish, client_id, now);
    }

    /// Publishes the wills whose delay has passed and ends expired sessions; run periodically.
    pub fn tick(&mut self, now: Instant) {
        let (due, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.delayed_wills)
            .into_iter()
            .partition(|w| w.due <= now);
        self.delayed_wills = waiting;
        for will in due {
            self.publish_will(&will.client_id, will.publish, now);
        }
        self.sessions.retain(|_, s| !s.expired(now));
    }
}
