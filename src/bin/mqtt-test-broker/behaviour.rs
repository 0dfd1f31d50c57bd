//! What the broker does on one connection: the CONNACK properties it advertises and the
//! misbehaviour asked for. Command-line options and scenario lines are both parsed into
//! [`Setting`]s, each with a [`Scope`] naming the connections it applies to; a [`Plan`] folds
//! the settings that apply to a connection into its [`Behaviour`].

use crate::describe;
use aws_c_mqtt::codec::PacketType;
use std::time::Duration;

/// The limits and capabilities a CONNACK advertises (MQTT 5 properties). `None` leaves a
/// property out of the CONNACK, which means the specification's default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Advertised {
    /// Receive Maximum: QoS 1 and 2 PUBLISHes the client may have unacknowledged; enforced.
    pub receive_maximum: Option<u16>,
    /// Maximum Packet Size the broker accepts; enforced.
    pub maximum_packet_size: Option<u32>,
    /// Topic Alias Maximum: aliases the client may use; enforced (absent means 0).
    pub topic_alias_maximum: Option<u16>,
    /// Maximum QoS (0, 1 or 2; 2 is not sent, it is the default); enforced.
    pub maximum_qos: Option<u8>,
    /// Retain Available; enforced.
    pub retain_available: Option<bool>,
    /// Wildcard Subscription Available; enforced in SUBACK.
    pub wildcard_subscription_available: Option<bool>,
    /// Subscription Identifiers Available; enforced in SUBACK.
    pub subscription_identifiers_available: Option<bool>,
    /// Shared Subscription Available; enforced in SUBACK.
    pub shared_subscription_available: Option<bool>,
    /// Server Keep Alive: replaces the client's keep alive, for enforcement too.
    pub server_keep_alive: Option<u16>,
    /// The identifier assigned to a client that sent an empty one (else `auto-N`).
    pub assigned_client_id: Option<String>,
    /// Session Expiry Interval the server imposes, replacing the client's.
    pub session_expiry: Option<u32>,
}

/// When a [`Rule`] fires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// When the connection has received this many packets (the CONNECT is packet 1).
    AfterPackets(u32),
    /// On the first packet of this type the connection receives.
    OnType(PacketType),
}

/// What a [`Rule`] does when it fires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Close the connection before handling the packet (it is logged, never answered).
    HangUp,
    /// After handling the packet, send DISCONNECT with [`Behaviour::disconnect_code`], close.
    Disconnect,
    /// After handling the packet, write these bytes as they are.
    SendRaw(Vec<u8>),
    /// After handling the packet, send QoS 0 PUBLISHes to `flood` as fast as the client takes
    /// them, for this long, while still reading and answering what the client sends.
    Flood(Duration),
}

/// One piece of misbehaviour: an action and when it happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// When it fires.
    pub trigger: Trigger,
    /// What it does.
    pub action: Action,
}

impl Trigger {
    /// True when this trigger fires on the `count`th packet received, of type `t`.
    pub fn fires(&self, count: u32, t: PacketType) -> bool {
        match self {
            Trigger::AfterPackets(n) => *n == count,
            Trigger::OnType(want) => *want == t,
        }
    }
}

/// Everything that decides how the broker treats one connection. The default is a small
/// conforming broker.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Behaviour {
    /// CONNACK properties advertised (and enforced).
    pub advertised: Advertised,
    /// Refuse every CONNECT with this CONNACK return / reason code (0 accepts).
    pub connack_code: Option<u8>,
    /// Wait this long before answering a CONNECT.
    pub connack_delay: Option<Duration>,
    /// Write the CONNACK one byte at a time, this long apart.
    pub connack_drip: Option<Duration>,
    /// Never answer the CONNECT; log everything the client sends, answer nothing.
    pub no_connack: bool,
    /// Never send PUBACK, PUBREC, PUBCOMP, SUBACK or UNSUBACK.
    pub no_ack: bool,
    /// Send PUBACK, PUBREC, PUBCOMP, SUBACK and UNSUBACK this long after the packet they answer.
    pub ack_delay: Option<Duration>,
    /// Never answer PINGREQ.
    pub no_pingresp: bool,
    /// The reason code of DISCONNECTs sent by [`Action::Disconnect`] (MQTT 5).
    pub disconnect_code: u8,
    /// Triggered actions, in the order given.
    pub rules: Vec<Rule>,
    /// Require SCRAM-SHA-256 enhanced authentication (MQTT 5) for this user and password.
    pub scram: Option<(String, String)>,
}

/// One command-line option or scenario line that shapes a [`Behaviour`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    /// `connack-code N`
    ConnackCode(u8),
    /// `connack-delay-ms N`
    ConnackDelay(Duration),
    /// `connack-drip-ms N`
    ConnackDrip(Duration),
    /// `no-connack`
    NoConnack,
    /// `receive-maximum N`
    ReceiveMaximum(u16),
    /// `maximum-packet-size N`
    MaximumPacketSize(u32),
    /// `topic-alias-maximum N`
    TopicAliasMaximum(u16),
    /// `maximum-qos N`
    MaximumQos(u8),
    /// `retain-available 0|1`
    RetainAvailable(bool),
    /// `wildcard-subscription-available 0|1`
    WildcardAvailable(bool),
    /// `subscription-identifiers-available 0|1`
    SubscriptionIdentifiersAvailable(bool),
    /// `shared-subscription-available 0|1`
    SharedAvailable(bool),
    /// `server-keep-alive N`
    ServerKeepAlive(u16),
    /// `assigned-client-id ID`
    AssignedClientId(String),
    /// `session-expiry N`
    SessionExpiry(u32),
    /// `no-ack`
    NoAck,
    /// `ack-delay-ms N`
    AckDelay(Duration),
    /// `no-pingresp`
    NoPingresp,
    /// `disconnect-code C`
    DisconnectCode(u8),
    /// `scram USER:PASSWORD`
    Scram(String, String),
    /// `hangup-after N`, `hangup-on TYPE`, `disconnect-after N`, `disconnect-on TYPE`,
    /// `send-raw-after N HEX`, `send-raw-on TYPE HEX`
    Rule(Rule),
}

/// A number written in decimal or as `0x` hex.
pub fn parse_number<T: TryFrom<u64>>(s: &str) -> Result<T, String> {
    let value = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => s.parse(),
    };
    value
        .ok()
        .and_then(|v| T::try_from(v).ok())
        .ok_or_else(|| format!("bad number {s:?}"))
}

/// Bytes written as hex digits; spaces, `:` and `_` between them are ignored.
pub fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = s
        .bytes()
        .filter(|b| !matches!(b, b' ' | b':' | b'_'))
        .collect();
    if digits.is_empty() || digits.len() % 2 != 0 {
        return Err(format!(
            "bad hex {s:?}: an even number of hex digits is needed"
        ));
    }
    digits
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| format!("bad hex {s:?}"))
        })
        .collect()
}

fn parse_flag(s: &str) -> Result<bool, String> {
    match s {
        "0" | "false" => Ok(false),
        "1" | "true" => Ok(true),
        _ => Err(format!("expected 0 or 1, got {s:?}")),
    }
}

fn parse_type(s: &str) -> Result<PacketType, String> {
    describe::parse_type(s).ok_or_else(|| format!("unknown packet type {s:?}"))
}

fn millis(s: &str) -> Result<Duration, String> {
    parse_number(s).map(Duration::from_millis)
}

fn nonzero<T: PartialEq + Default>(name: &str, v: T) -> Result<T, String> {
    if v == T::default() {
        Err(format!("{name} must not be 0"))
    } else {
        Ok(v)
    }
}

impl Setting {
    /// Parses the setting named `name` (an option without its `--`), taking its values from
    /// `args`. `Ok(None)` when `name` names no setting.
    pub fn parse(
        name: &str,
        args: &mut dyn Iterator<Item = String>,
    ) -> Result<Option<Setting>, String> {
        let mut arg = || args.next().ok_or_else(|| format!("{name} needs a value"));
        let rule = |trigger, action| Setting::Rule(Rule { trigger, action });
        Ok(Some(match name {
            "connack-code" => Setting::ConnackCode(parse_number(&arg()?)?),
            "connack-delay-ms" => Setting::ConnackDelay(millis(&arg()?)?),
            "connack-drip-ms" => Setting::ConnackDrip(millis(&arg()?)?),
            "no-connack" => Setting::NoConnack,
            "receive-maximum" => Setting::ReceiveMaximum(nonzero(name, parse_number(&arg()?)?)?),
            "maximum-packet-size" => {
                Setting::MaximumPacketSize(nonzero(name, parse_number(&arg()?)?)?)
            }
            "topic-alias-maximum" => Setting::TopicAliasMaximum(parse_number(&arg()?)?),
            "maximum-qos" => match parse_number(&arg()?)? {
                q @ 0..=2 => Setting::MaximumQos(q),
                q => return Err(format!("maximum-qos must be 0, 1 or 2, got {q}")),
            },
            "retain-available" => Setting::RetainAvailable(parse_flag(&arg()?)?),
            "wildcard-subscription-available" => Setting::WildcardAvailable(parse_flag(&arg()?)?),
            "subscription-identifiers-available" => {
                Setting::SubscriptionIdentifiersAvailable(parse_flag(&arg()?)?)
            }
            "shared-subscription-available" => Setting::SharedAvailable(parse_flag(&arg()?)?),
            "server-keep-alive" => Setting::ServerKeepAlive(parse_number(&arg()?)?),
            "assigned-client-id" => Setting::AssignedClientId(arg()?),
            "session-expiry" => Setting::SessionExpiry(parse_number(&arg()?)?),
            "no-ack" => Setting::NoAck,
            "ack-delay-ms" => Setting::AckDelay(millis(&arg()?)?),
            "no-pingresp" => Setting::NoPingresp,
            "disconnect-code" => Setting::DisconnectCode(parse_number(&arg()?)?),
            "scram" => {
                let account = arg()?;
                let (user, password) = account
                    .split_once(':')
                    .ok_or_else(|| format!("scram needs USER:PASSWORD, got {account:?}"))?;
                Setting::Scram(user.to_owned(), password.to_owned())
            }
            "hangup-after" => rule(
                Trigger::AfterPackets(parse_number(&arg()?)?),
                Action::HangUp,
            ),
            "hangup-on" => rule(Trigger::OnType(parse_type(&arg()?)?), Action::HangUp),
            "disconnect-after" => rule(
                Trigger::AfterPackets(parse_number(&arg()?)?),
                Action::Disconnect,
            ),
            "disconnect-on" => rule(Trigger::OnType(parse_type(&arg()?)?), Action::Disconnect),
            "send-raw-after" => {
                let n = parse_number(&arg()?)?;
                rule(
                    Trigger::AfterPackets(n),
                    Action::SendRaw(parse_hex(&arg()?)?),
                )
            }
            "send-raw-on" => {
                let t = parse_type(&arg()?)?;
                rule(Trigger::OnType(t), Action::SendRaw(parse_hex(&arg()?)?))
            }
            "flood-after" => {
                let n = parse_number(&arg()?)?;
                rule(Trigger::AfterPackets(n), Action::Flood(millis(&arg()?)?))
            }
            "flood-on" => {
                let t = parse_type(&arg()?)?;
                rule(Trigger::OnType(t), Action::Flood(millis(&arg()?)?))
            }
            _ => return Ok(None),
        }))
    }

    /// Applies this setting to `b`: a later value replaces an earlier one, rules accumulate.
    pub fn apply(&self, b: &mut Behaviour) {
        let a = &mut b.advertised;
        match self.clone() {
            Setting::ConnackCode(c) => b.connack_code = Some(c),
            Setting::ConnackDelay(d) => b.connack_delay = Some(d),
            Setting::ConnackDrip(d) => b.connack_drip = Some(d),
            Setting::NoConnack => b.no_connack = true,
            Setting::ReceiveMaximum(v) => a.receive_maximum = Some(v),
            Setting::MaximumPacketSize(v) => a.maximum_packet_size = Some(v),
            Setting::TopicAliasMaximum(v) => a.topic_alias_maximum = Some(v),
            Setting::MaximumQos(v) => a.maximum_qos = Some(v),
            Setting::RetainAvailable(v) => a.retain_available = Some(v),
            Setting::WildcardAvailable(v) => a.wildcard_subscription_available = Some(v),
            Setting::SubscriptionIdentifiersAvailable(v) => {
                a.subscription_identifiers_available = Some(v)
            }
            Setting::SharedAvailable(v) => a.shared_subscription_available = Some(v),
            Setting::ServerKeepAlive(v) => a.server_keep_alive = Some(v),
            Setting::AssignedClientId(v) => a.assigned_client_id = Some(v),
            Setting::SessionExpiry(v) => a.session_expiry = Some(v),
            Setting::NoAck => b.no_ack = true,
            Setting::AckDelay(d) => b.ack_delay = Some(d),
            Setting::NoPingresp => b.no_pingresp = true,
            Setting::DisconnectCode(c) => b.disconnect_code = c,
            Setting::Scram(user, password) => b.scram = Some((user, password)),
            Setting::Rule(r) => b.rules.push(r),
        }
    }
}

/// The connections a setting applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every connection.
    All,
    /// Connections `first` to `last` (inclusive; no `last`: all from `first` on), numbered
    /// from 1 in the order the broker accepts them.
    Connections {
        /// The first connection.
        first: u64,
        /// The last connection, if any.
        last: Option<u64>,
    },
    /// Connections whose CONNECT carries this client identifier (from the CONNECT on).
    Client(String),
}

impl Scope {
    /// True when the scope covers connection `conn` of client `client_id` (unknown before the
    /// CONNECT).
    pub fn covers(&self, conn: u64, client_id: Option<&str>) -> bool {
        match self {
            Scope::All => true,
            Scope::Connections { first, last } => conn >= *first && last.is_none_or(|l| conn <= l),
            Scope::Client(id) => client_id == Some(id.as_str()),
        }
    }
}

/// Every setting given, each with its scope, in the order given: command line first, then the
/// scenario file.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// The settings and their scopes.
    pub entries: Vec<(Scope, Setting)>,
}

impl Plan {
    /// The behaviour for connection `conn` of `client_id`.
    pub fn behaviour(&self, conn: u64, client_id: Option<&str>) -> Behaviour {
        let mut b = Behaviour::default();
        for (scope, setting) in &self.entries {
            if scope.covers(conn, client_id) {
                setting.apply(&mut b);
            }
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str]) -> Result<Option<Setting>, String> {
        let mut rest = words[1..].iter().map(|s| s.to_string());
        Setting::parse(words[0], &mut rest)
    }

    #[test]
    fn numbers_are_decimal_or_hex() {
        assert_eq!(
            parse(&["connack-code", "0x87"]),
            Ok(Some(Setting::ConnackCode(0x87)))
        );
        assert_eq!(
            parse(&["connack-code", "5"]),
            Ok(Some(Setting::ConnackCode(5)))
        );
        assert!(parse(&["connack-code", "256"]).is_err());
    }

    #[test]
    fn raw_bytes_are_hex_with_optional_separators() {
        assert_eq!(parse_hex("30 02:00_01"), Ok(vec![0x30, 0x02, 0x00, 0x01]));
        assert!(parse_hex("301").is_err());
        assert!(parse_hex("zz").is_err());
    }

    #[test]
    fn a_plan_applies_only_the_settings_whose_scope_covers_the_connection() {
        let plan = Plan {
            entries: vec![
                (
                    Scope::Connections {
                        first: 1,
                        last: Some(1),
                    },
                    Setting::ConnackCode(0x87),
                ),
                (Scope::Client("c".into()), Setting::NoAck),
            ],
        };
        assert_eq!(plan.behaviour(1, None).connack_code, Some(0x87));
        assert_eq!(plan.behaviour(2, None).connack_code, None);
        assert!(!plan.behaviour(2, None).no_ack);
        assert!(plan.behaviour(2, Some("c")).no_ack);
    }
}
