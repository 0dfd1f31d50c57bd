//! Answering a CONNECT [MQTT-3.1.4]: refusals (asked for, or required by the specification),
//! the client identifier (assigned when empty), attaching the session (clean or resumed,
//! taking it over from another connection), the CONNACK and its MQTT 5 properties, then the
//! in-flight messages of a resumed session [MQTT-4.4.0-1].

use crate::behaviour::Advertised;
use crate::connection::{Close, Connection, Flow, Peer, State};
use crate::session::NEVER_EXPIRES;
use crate::transport::Transport;
use aws_c_mqtt::codec::{Connack, Connect, Packet, Properties, PropertySet, Version};
use std::collections::HashMap;
use std::time::{Duration, Instant};

impl<S: Transport> Connection<S> {
    /// Handles the first CONNECT of the connection.
    pub(crate) fn on_connect(&mut self, c: Connect) -> Flow {
        self.version = c.version;
        self.decoder.set_version(c.version);
        if let Some(max) = self.behaviour.advertised.maximum_packet_size {
            self.decoder.set_max_packet_size(max as usize);
        }
        if self.behaviour.no_connack {
            self.state = State::Silent;
            return Ok(());
        }
        if let Some(delay) = self.behaviour.connack_delay {
            std::thread::sleep(delay);
        }
        if let Some(code) = self.behaviour.connack_code.filter(|&c| c != 0) {
            return Err(self.refuse(code, "connack-code"));
        }
        let scram = self.behaviour.scram.is_some();
        if let Some((code, reason)) = refusal(&c, &self.behaviour.advertised, scram) {
            return Err(self.refuse(code, reason));
        }
        self.authorize(&c)?;
        if scram {
            return self.start_scram(c);
        }
        self.accept(c, None)
    }

    /// Accepts the CONNECT `c`; `server_final` ends a SCRAM exchange in the CONNACK.
    pub(crate) fn accept(&mut self, c: Connect, server_final: Option<String>) -> Flow {
        let adv = self.behaviour.advertised.clone();
        let v5 = c.version == Version::V5;
        let now = Instant::now();
        let mut broker = self.shared.lock();
        let assigned = c.client_id.is_empty();
        let client_id = match (&adv.assigned_client_id, assigned) {
            (_, false) => c.client_id.clone(),
            (Some(id), true) => id.clone(),
            (None, true) => broker.assign_client_id(),
        };
        let expiry = match c.version {
            Version::V311 if c.clean_start => 0,
            Version::V311 => NEVER_EXPIRES,
            Version::V5 => adv
                .session_expiry
                .or(c.properties.session_expiry_interval)
                .unwrap_or(0),
        };
        let attached = broker.attach(&client_id, self.number, c.clean_start, expiry, now);
        drop(broker);
        self.client_id = Some(client_id.clone());
        let keep_alive = adv.server_keep_alive.unwrap_or(c.keep_alive);
        self.peer = Some(Peer {
            client_id: client_id.clone(),
            will: c.will,
            keep_alive: (keep_alive > 0)
                .then(|| Duration::from_millis(u64::from(keep_alive) * 1500)),
            receive_maximum: c.properties.receive_maximum.unwrap_or(u16::MAX),
            maximum_packet_size: c.properties.maximum_packet_size,
            topic_aliases: HashMap::new(),
        });
        let mut properties = if v5 {
            connack_properties(&adv, assigned.then_some(client_id.as_str()))
        } else {
            Properties::default()
        };
        if let Some(data) = server_final {
            // [MQTT-4.12.0-5]: a successful CONNACK carries the method.
            properties.authentication_method = Some(crate::scram::METHOD.to_owned());
            properties.authentication_data = Some(data.into());
        }
        let connack = Connack {
            session_present: attached.session_present,
            reason_code: 0,
            properties,
        };
        self.send(&Packet::Connack(connack))?;
        self.state = State::Connected;
        if attached.session_present {
            let resend = self
                .shared
                .lock()
                .sessions
                .get(&client_id)
                .map(|s| s.resend(self.version))
                .unwrap_or_default();
            for packet in resend {
                self.send(&packet)?;
            }
        }
        self.sync()
    }

    /// Checks the CONNECT against the custom authorizer, if there is one (logged as event
    /// `custom_authorizer`); a failure is refused as AWS IoT refuses it: not authorized.
    fn authorize(&mut self, c: &Connect) -> Result<(), Close> {
        let Some(authorizer) = &self.shared.authorizer else {
            return Ok(());
        };
        let verdict = authorizer.check(c.username.as_deref(), c.password.as_deref());
        let origin = crate::log::Origin {
            conn: self.number,
            client_id: Some(&c.client_id),
        };
        self.shared.log.event(origin, "custom_authorizer", |o| {
            o.bool("ok", verdict.is_ok());
            if let Err(detail) = &verdict {
                o.str("detail", detail);
            }
        });
        match verdict {
            Ok(()) => Ok(()),
            Err(_) => {
                let code = if c.version == Version::V5 { 0x87 } else { 0x05 };
                Err(self.refuse(code, "custom authorizer"))
            }
        }
    }

    /// Refuses the CONNECT with CONNACK `code` and ends the connection [MQTT-3.2.2-5].
    pub(crate) fn refuse(&mut self, code: u8, reason: &str) -> Close {
        let connack = Connack {
            session_present: false,
            reason_code: code,
            ..Default::default()
        };
        match self.send(&Packet::Connack(connack)) {
            Ok(()) => Close::normal(format!("CONNECT refused with {code:#04x}: {reason}")),
            Err(close) => close,
        }
    }
}

/// The refusal the specification or the advertised limits require for `c`, if any.
fn refusal(c: &Connect, adv: &Advertised, scram: bool) -> Option<(u8, &'static str)> {
    let v5 = c.version == Version::V5;
    if !v5 && c.client_id.is_empty() && !c.clean_start {
        // [MQTT-3.1.3-8] an empty client id needs a clean session in 3.1.1.
        return Some((0x02, "empty client identifier with a persistent session"));
    }
    if v5 && !scram && c.properties.authentication_method.is_some() {
        // Only `--scram` offers a method.
        return Some((0x8C, "enhanced authentication is not supported"));
    }
    let will = c.will.as_ref()?;
    if v5 && adv.maximum_qos.is_some_and(|max| will.qos as u8 > max) {
        // [MQTT-3.2.2-12]
        return Some((0x9B, "will QoS above the maximum QoS"));
    }
    if v5 && will.retain && adv.retain_available == Some(false) {
        // [MQTT-3.2.2-13]
        return Some((0x9A, "retained will while retain is not available"));
    }
    None
}

/// The CONNACK properties for the advertised limits [MQTT-3.2.2.3].
fn connack_properties(adv: &Advertised, assigned_client_id: Option<&str>) -> Properties {
    Properties::from(PropertySet {
        assigned_client_identifier: assigned_client_id.map(str::to_string),
        receive_maximum: adv.receive_maximum,
        maximum_packet_size: adv.maximum_packet_size,
        topic_alias_maximum: adv.topic_alias_maximum,
        // Only 0 and 1 may be sent; 2 is the default [MQTT-3.2.2-9].
        maximum_qos: adv.maximum_qos.filter(|&q| q < 2),
        retain_available: adv.retain_available.map(u8::from),
        wildcard_subscription_available: adv.wildcard_subscription_available.map(u8::from),
        subscription_identifiers_available: adv.subscription_identifiers_available.map(u8::from),
        shared_subscription_available: adv.shared_subscription_available.map(u8::from),
        server_keep_alive: adv.server_keep_alive,
        session_expiry_interval: adv.session_expiry,
        ..Default::default()
    })
}
