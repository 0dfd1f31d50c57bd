//! Enhanced authentication under `--scram USER:PASSWORD` [MQTT-4.12]: the CONNECT's
//! SCRAM-SHA-256 exchange before the CONNACK, and re-authentication on a connected client
//! [MQTT-4.12.1]. A CONNECT without the method is refused with Bad authentication method
//! (0x8C), a wrong proof with Not authorized (0x87); a failed re-authentication ends the
//! connection with DISCONNECT 0x87 [MQTT-4.12.1-2].

use crate::connection::{Close, Connection, Flow, State};
use crate::scram::{self, Exchange};
use crate::transport::Transport;
use aws_c_mqtt::codec::{Auth, Connect, Packet, PropertySet, Version};

/// AUTH reason codes [MQTT-3.15.2.1].
const SUCCESS: u8 = 0x00;
const CONTINUE: u8 = 0x18;
const REAUTHENTICATE: u8 = 0x19;

/// An AUTH of the SCRAM method carrying `data`.
fn auth(reason_code: u8, data: String) -> Packet {
    Packet::Auth(Auth {
        reason_code,
        properties: PropertySet {
            authentication_method: Some(scram::METHOD.to_owned()),
            authentication_data: Some(data.into()),
            ..Default::default()
        }
        .into(),
    })
}

/// The SCRAM data of an AUTH or CONNECT whose method is SCRAM-SHA-256.
fn scram_data(method: Option<&str>, data: Option<&[u8]>) -> Option<Vec<u8>> {
    (method == Some(scram::METHOD)).then(|| data.unwrap_or_default().to_vec())
}

impl<S: Transport> Connection<S> {
    fn account(&self) -> (String, String) {
        self.behaviour.scram.clone().unwrap_or_default()
    }

    /// The CONNECT of a broker that requires SCRAM: the server-first message goes out in an
    /// AUTH Continue [MQTT-4.12.0-2], and the CONNECT waits for the client-final one.
    pub(crate) fn start_scram(&mut self, c: Connect) -> Flow {
        let props = &c.properties;
        let data = scram_data(
            props.authentication_method.as_deref(),
            props.authentication_data.as_deref(),
        );
        let Some(client_first) = data.filter(|_| c.version == Version::V5) else {
            return Err(self.refuse(0x8C, "no SCRAM-SHA-256 authentication method"));
        };
        let (user, password) = self.account();
        let (exchange, server_first) = match Exchange::start(&user, &password, &client_first) {
            Ok(started) => started,
            Err(reason) => return Err(self.refuse(0x87, reason)),
        };
        self.scram = Some(exchange);
        self.pending_connect = Some(Box::new(c));
        self.state = State::Authenticating;
        self.send(&auth(CONTINUE, server_first))
    }

    /// The client-final message of the CONNECT's exchange: the CONNACK accepts the connection
    /// with the server-final message, or refuses it.
    pub(crate) fn on_connect_auth(&mut self, a: Auth) -> Flow {
        let props = &a.properties;
        let data = scram_data(
            props.authentication_method.as_deref(),
            props.authentication_data.as_deref(),
        );
        let (Some(client_final), CONTINUE) = (data, a.reason_code) else {
            // [MQTT-4.12.0-5] the same method; [MQTT-4.12.0-3] Continue.
            return Err(Close::abnormal("AUTH with another method or reason"));
        };
        let verdict = match self.scram.take() {
            Some(exchange) => exchange.finish(&client_final),
            None => Err("no exchange"),
        };
        let connect = self.pending_connect.take();
        match (verdict, connect) {
            (Ok(server_final), Some(c)) => self.accept(*c, Some(server_final)),
            (Err(reason), _) => Err(self.refuse(0x87, reason)),
            (_, None) => Err(Close::abnormal("no CONNECT to accept")),
        }
    }

    /// An AUTH on a connected client: a Re-authenticate starts an exchange, a Continue ends
    /// it with AUTH Success, or with DISCONNECT Not authorized.
    pub(crate) fn on_reauth(&mut self, a: Auth) -> Flow {
        let props = &a.properties;
        let Some(data) = scram_data(
            props.authentication_method.as_deref(),
            props.authentication_data.as_deref(),
        ) else {
            // [MQTT-4.12.1-1]: the connection's method.
            return Err(self.violation(0x82, "AUTH with another method"));
        };
        match (a.reason_code, self.scram.take()) {
            (REAUTHENTICATE, None) => {
                let (user, password) = self.account();
                match Exchange::start(&user, &password, &data) {
                    Ok((exchange, server_first)) => {
                        self.scram = Some(exchange);
                        self.send(&auth(CONTINUE, server_first))
                    }
                    Err(reason) => Err(self.violation(0x87, reason)),
                }
            }
            (CONTINUE, Some(exchange)) => match exchange.finish(&data) {
                Ok(server_final) => self.send(&auth(SUCCESS, server_final)),
                Err(reason) => Err(self.violation(0x87, reason)),
            },
            _ => Err(self.violation(0x82, "AUTH out of turn")),
        }
    }
}
