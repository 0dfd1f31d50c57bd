//! Topic aliases [MQTT-3.3.2.3.4]: an alias stands for a topic on one connection, in each
//! direction separately. Outbound, the client picks aliases (the user's, or its own from an LRU
//! cache) within the server's Topic Alias Maximum; inbound, it resolves the server's within the
//! maximum it advertised. Both start empty on every connection [MQTT-3.3.2-7].

use crate::client::mqtt5::settings::OutboundAliasing;
use std::collections::HashMap;

/// The outbound aliases of the current connection.
#[derive(Debug)]
pub struct OutboundAliases {
    mode: OutboundAliasing,
    /// Topic bound to alias `i + 1`.
    bound: Vec<Option<String>>,
    /// LRU: alias of each bound topic, and when each alias was last used.
    by_topic: HashMap<String, u16>,
    last_used: Vec<u64>,
    clock: u64,
}

/// What to put in an outbound PUBLISH.
#[derive(Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The Topic Alias property, if any.
    pub alias: Option<u16>,
    /// Whether the topic name goes out too (false: empty, the alias stands for it).
    pub send_topic: bool,
}

impl OutboundAliases {
    /// No aliases until [`reset`](Self::reset).
    pub fn new(mode: OutboundAliasing) -> OutboundAliases {
        OutboundAliases {
            mode,
            bound: Vec::new(),
            by_topic: HashMap::new(),
            last_used: Vec::new(),
            clock: 0,
        }
    }

    /// A new connection whose server accepts aliases up to `server_maximum` (0: none).
    pub fn reset(&mut self, server_maximum: u16) {
        let size = match self.mode {
            OutboundAliasing::Disabled => 0,
            OutboundAliasing::Manual => server_maximum,
            OutboundAliasing::Lru(cache) => cache.min(server_maximum),
        };
        self.bound = vec![None; usize::from(size)];
        self.last_used = vec![0; usize::from(size)];
        self.by_topic.clear();
        self.clock = 0;
    }

    /// Decides the alias of a PUBLISH to `topic`; `user_alias` is the one the user asked for
    /// (used in manual mode only, and only within the server's maximum).
    pub fn resolve(&mut self, topic: &str, user_alias: Option<u16>) -> Resolved {
        let plain = Resolved {
            alias: None,
            send_topic: true,
        };
        match self.mode {
            OutboundAliasing::Disabled => plain,
            OutboundAliasing::Manual => {
                let Some(alias) = user_alias.filter(|a| *a != 0) else {
                    return plain;
                };
                let Some(slot) = self.bound.get_mut(usize::from(alias) - 1) else {
                    return plain;
                };
                let known = slot.as_deref() == Some(topic);
                if !known {
                    *slot = Some(topic.to_owned());
                }
                Resolved {
                    alias: Some(alias),
                    send_topic: !known,
                }
            }
            OutboundAliasing::Lru(_) => self.resolve_lru(topic),
        }
    }

    fn resolve_lru(&mut self, topic: &str) -> Resolved {
        if self.bound.is_empty() {
            return Resolved {
                alias: None,
                send_topic: true,
            };
        }
        self.clock += 1;
        if let Some(&alias) = self.by_topic.get(topic) {
            self.last_used[usize::from(alias) - 1] = self.clock;
            return Resolved {
                alias: Some(alias),
                send_topic: false,
            };
        }
        // A free alias first, else the least recently used one.
        let index = match self.bound.iter().position(Option::is_none) {
            Some(free) => free,
            None => {
                let (lru, _) = self
                    .last_used
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, used)| **used)
                    .unwrap_or((0, &0));
                if let Some(old) = self.bound[lru].take() {
                    self.by_topic.remove(&old);
                }
                lru
            }
        };
        let alias = index as u16 + 1;
        self.bound[index] = Some(topic.to_owned());
        self.by_topic.insert(topic.to_owned(), alias);
        self.last_used[index] = self.clock;
        Resolved {
            alias: Some(alias),
            send_topic: true,
        }
    }
}

/// A received alias that is 0, above the advertised maximum, or not bound (a protocol error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidAlias;

/// The inbound aliases of the current connection.
#[derive(Debug, Default)]
pub struct InboundAliases {
    bound: Vec<Option<String>>,
}

impl InboundAliases {
    /// A new connection on which the client accepts aliases up to `maximum` (0: none).
    pub fn reset(&mut self, maximum: u16) {
        self.bound = vec![None; usize::from(maximum)];
    }

    /// Resolves a received PUBLISH's alias: a topic with an alias binds it, an empty topic
    /// takes the bound one. `Err` for an alias of 0 or above the maximum [MQTT-3.3.2-8]
    /// [MQTT-3.3.2-9], or an empty topic with an unbound alias or none at all.
    pub fn resolve(&mut self, topic: &mut String, alias: Option<u16>) -> Result<(), InvalidAlias> {
        let Some(alias) = alias else {
            return if topic.is_empty() {
                Err(InvalidAlias)
            } else {
                Ok(())
            };
        };
        let slot = alias
            .checked_sub(1)
            .and_then(|i| self.bound.get_mut(usize::from(i)))
            .ok_or(InvalidAlias)?;
        if topic.is_empty() {
            topic.clone_from(slot.as_ref().ok_or(InvalidAlias)?);
        } else {
            *slot = Some(topic.clone());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(alias: u16, send_topic: bool) -> Resolved {
        Resolved {
            alias: Some(alias),
            send_topic,
        }
    }

    const PLAIN: Resolved = Resolved {
        alias: None,
        send_topic: true,
    };

    #[test]
    fn disabled_never_sends_an_alias() {
        let mut a = OutboundAliases::new(OutboundAliasing::Disabled);
        a.reset(10);
        assert_eq!(a.resolve("t", Some(1)), PLAIN);
    }

    #[test]
    fn manual_binds_then_reuses_the_users_alias_within_the_servers_maximum() {
        let mut a = OutboundAliases::new(OutboundAliasing::Manual);
        a.reset(2);
        assert_eq!(a.resolve("a", Some(1)), sent(1, true));
        assert_eq!(a.resolve("a", Some(1)), sent(1, false));
        assert_eq!(a.resolve("b", Some(1)), sent(1, true), "rebinding");
        // [MQTT-3.3.2-10]: never above the server's Topic Alias Maximum.
        assert_eq!(a.resolve("c", Some(3)), PLAIN);
        assert_eq!(a.resolve("c", None), PLAIN);
        a.reset(2);
        assert_eq!(a.resolve("b", Some(1)), sent(1, true), "a new connection");
    }

    #[test]
    fn lru_assigns_free_aliases_then_replaces_the_least_recently_used() {
        let mut a = OutboundAliases::new(OutboundAliasing::Lru(5));
        a.reset(2);
        assert_eq!(a.resolve("a", None), sent(1, true));
        assert_eq!(a.resolve("b", None), sent(2, true));
        assert_eq!(a.resolve("a", None), sent(1, false));
        assert_eq!(
            a.resolve("c", None),
            sent(2, true),
            "b was least recently used"
        );
        assert_eq!(a.resolve("a", None), sent(1, false));
        assert_eq!(a.resolve("b", None), sent(2, true));
    }

    #[test]
    fn lru_without_a_server_maximum_sends_plain_topics() {
        let mut a = OutboundAliases::new(OutboundAliasing::Lru(5));
        a.reset(0);
        assert_eq!(a.resolve("a", None), PLAIN);
    }

    #[test]
    fn inbound_aliases_bind_and_resolve_within_the_advertised_maximum() {
        let mut a = InboundAliases::default();
        a.reset(2);
        let mut t = "x/y".to_string();
        assert_eq!(a.resolve(&mut t, Some(2)), Ok(()));
        let mut empty = String::new();
        assert_eq!(a.resolve(&mut empty, Some(2)), Ok(()));
        assert_eq!(empty, "x/y");
        // [MQTT-3.3.2-8], [MQTT-3.3.2-9]: 0 and values above the maximum are errors.
        assert_eq!(a.resolve(&mut "z".to_string(), Some(0)), Err(InvalidAlias));
        assert_eq!(a.resolve(&mut "z".to_string(), Some(3)), Err(InvalidAlias));
        assert_eq!(
            a.resolve(&mut String::new(), Some(1)),
            Err(InvalidAlias),
            "unbound"
        );
        assert_eq!(
            a.resolve(&mut String::new(), None),
            Err(InvalidAlias),
            "no topic at all"
        );
        a.reset(0);
        assert_eq!(a.resolve(&mut "z".to_string(), Some(1)), Err(InvalidAlias));
    }
}
