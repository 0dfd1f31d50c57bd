//! Routing an incoming PUBLISH [MQTT-3.3.4]: to every session with a matching subscription
//! (once per session, at the highest QoS of its matching subscriptions, with all their
//! subscription identifiers), to one member of each matching shared subscription group
//! (round robin, connected members first) [MQTT-4.8.2], with QoS lowered to the subscription's
//! [MQTT-3.8.4-8]; storing retained messages [MQTT-3.3.1-5] and finding them for a new
//! subscription [MQTT-3.3.1-9].

use crate::broker::Broker;
use crate::matching::{matches, shared};
use crate::session::Message;
use aws_c_mqtt::codec::{Properties, PropertySet, Publish, QoS};
use std::collections::BTreeMap;
use std::time::Instant;

/// One session's copy of a message.
struct Delivery {
    client_id: String,
    qos: QoS,
    retain_as_published: bool,
    identifiers: Vec<u32>,
}

/// A session subscribed to a shared subscription group.
struct Member {
    client_id: String,
    qos: QoS,
    identifier: Option<u32>,
    connected: bool,
}

/// The properties a server forwards to subscribers [MQTT-3.3.2-15] - [MQTT-3.3.2-20]: not the
/// topic alias, not the publisher's subscription identifiers.
fn forwarded(p: &Properties) -> Properties {
    Properties::from(PropertySet {
        payload_format_indicator: p.payload_format_indicator,
        message_expiry_interval: p.message_expiry_interval,
        content_type: p.content_type.clone(),
        response_topic: p.response_topic.clone(),
        correlation_data: p.correlation_data.clone(),
        user_properties: p.user_properties.clone(),
        ..Default::default()
    })
}

impl Broker {
    /// Routes `publish` (its topic resolved from any alias) from client `sender`; stores or
    /// clears the retained message when it is retained. Returns the number of copies queued.
    pub fn route(&mut self, publish: &Publish, sender: &str, now: Instant) -> usize {
        let base = Publish {
            qos: publish.qos,
            retain: publish.retain,
            topic: publish.topic.clone(),
            payload: publish.payload.clone(),
            properties: forwarded(&publish.properties),
            ..Default::default()
        };
        if publish.retain {
            if publish.payload.is_empty() {
                self.retained.remove(&publish.topic);
            } else {
                self.retained.insert(
                    publish.topic.clone(),
                    Message {
                        publish: base.clone(),
                        received: now,
                    },
                );
            }
        }
        let mut deliveries = self.plain_deliveries(&base.topic, sender, now);
        deliveries.extend(self.shared_deliveries(&base.topic, now));
        let count = deliveries.len();
        for d in deliveries {
            let Some(session) = self.sessions.get_mut(&d.client_id) else {
                continue;
            };
            let mut p = base.clone();
            p.qos = p.qos.min(d.qos);
            p.retain = p.retain && d.retain_as_published;
            p.properties.subscription_identifiers = d.identifiers;
            session.enqueue(Message {
                publish: p,
                received: now,
            });
        }
        count
    }

    /// One delivery per session whose plain (not shared) subscriptions match `topic`.
    fn plain_deliveries(&self, topic: &str, sender: &str, now: Instant) -> Vec<Delivery> {
        let mut out = Vec::new();
        for (client_id, session) in &self.sessions {
            if session.expired(now) {
                continue;
            }
            let mut best: Option<Delivery> = None;
            for sub in session.subscriptions.values() {
                let o = &sub.options;
                // [MQTT-3.8.3-3] No Local: not back to the client that published it.
                if shared(&o.filter).is_some()
                    || !matches(&o.filter, topic)
                    || (o.no_local && client_id == sender)
                {
                    continue;
                }
                let d = best.get_or_insert_with(|| Delivery {
                    client_id: client_id.clone(),
                    qos: QoS::AtMostOnce,
                    retain_as_published: false,
                    identifiers: Vec::new(),
                });
                d.qos = d.qos.max(o.qos);
                d.retain_as_published |= o.retain_as_published;
                d.identifiers.extend(sub.identifier);
            }
            out.extend(best);
        }
        out
    }

    /// One delivery per shared subscription group matching `topic`, to the next connected
    /// member in turn (or the next member if none is connected).
    fn shared_deliveries(&mut self, topic: &str, now: Instant) -> Vec<Delivery> {
        let mut groups: BTreeMap<(String, String), Vec<Member>> = BTreeMap::new();
        for (client_id, session) in &self.sessions {
            if session.expired(now) {
                continue;
            }
            for sub in session.subscriptions.values() {
                let Some((group, filter)) = shared(&sub.options.filter) else {
                    continue;
                };
                if matches(filter, topic) {
                    let member = Member {
                        client_id: client_id.clone(),
                        qos: sub.options.qos,
                        identifier: sub.identifier,
                        connected: session.owner.is_some(),
                    };
                    let key = (group.to_string(), filter.to_string());
                    groups.entry(key).or_default().push(member);
                }
            }
        }
        let mut out = Vec::new();
        for (key, mut members) in groups {
            members.sort_by(|a, b| a.client_id.cmp(&b.client_id));
            let cursor = self.shared_cursors.entry(key).or_insert(0);
            let n = members.len();
            let start = *cursor % n;
            let chosen = (0..n)
                .map(|i| (start + i) % n)
                .find(|&i| members[i].connected)
                .unwrap_or(start);
            *cursor = chosen + 1;
            let m = members.swap_remove(chosen);
            out.push(Delivery {
                client_id: m.client_id,
                qos: m.qos,
                retain_as_published: false,
                identifiers: m.identifier.into_iter().collect(),
            });
        }
        out
    }

    /// The retained messages matching `filter`, as a new subscription granted `qos` with
    /// subscription identifier `identifier` receives them: retain flag set [MQTT-3.3.1-8].
    pub fn retained_matching(
        &self,
        filter: &str,
        qos: QoS,
        identifier: Option<u32>,
    ) -> Vec<Message> {
        self.retained
            .iter()
            .filter(|(topic, _)| matches(filter, topic))
            .map(|(_, m)| {
                let mut m = m.clone();
                m.publish.qos = m.publish.qos.min(qos);
                m.publish.retain = true;
                m.publish.properties.subscription_identifiers = identifier.into_iter().collect();
                m
            })
            .collect()
    }
}
