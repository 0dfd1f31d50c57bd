//! The scenario file: settings scoped to some connections, one per line.
//!
//! ```text
//! # A comment. Blank lines are ignored.
//! maximum-qos 1              # lines before any section apply to every connection
//! [connection 1]             # this section: the first connection accepted only
//! connack-code 0x88
//! [connections 2-3]          # connections 2 and 3 (`[connections 4-]`: 4 and later)
//! hangup-on subscribe
//! [client sensor-7]          # connections whose CONNECT carries client id sensor-7
//! send-raw-after 2 30 03 00 01 61
//! [all]                      # every connection again
//! ```
//!
//! A setting line is a command-line setting without its `--`; `send-raw-after N HEX` and
//! `send-raw-on TYPE HEX` take the rest of the line as the hex bytes.

use crate::behaviour::{Scope, Setting, parse_number};

/// Parses a scenario file's text into scoped settings, in file order.
pub fn parse(text: &str) -> Result<Vec<(Scope, Setting)>, String> {
    let mut scope = Scope::All;
    let mut entries = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let at = |e: String| format!("scenario line {}: {e}", index + 1);
        if let Some(section) = line.strip_prefix('[') {
            let section = section
                .strip_suffix(']')
                .ok_or_else(|| at("a section ends with ]".into()))?;
            scope = parse_scope(section.trim()).map_err(at)?;
            continue;
        }
        entries.push((scope.clone(), parse_setting(line).map_err(at)?));
    }
    Ok(entries)
}

/// Parses a section header's content: `all`, `connection N`, `connections N-M`,
/// `connections N-`, `client ID`.
fn parse_scope(section: &str) -> Result<Scope, String> {
    let (kind, arg) = section
        .split_once(char::is_whitespace)
        .unwrap_or((section, ""));
    let arg = arg.trim();
    match kind {
        "all" if arg.is_empty() => Ok(Scope::All),
        "connection" => {
            let n = parse_number(arg)?;
            Ok(Scope::Connections {
                first: n,
                last: Some(n),
            })
        }
        "connections" => {
            let (first, last) = arg
                .split_once('-')
                .ok_or_else(|| format!("expected N-M or N-, got {arg:?}"))?;
            let first = parse_number(first.trim())?;
            let last = if last.trim().is_empty() {
                None
            } else {
                Some(parse_number(last.trim())?)
            };
            Ok(Scope::Connections { first, last })
        }
        "client" if !arg.is_empty() => Ok(Scope::Client(arg.to_string())),
        _ => Err(format!("unknown section [{section}]")),
    }
}

/// Parses one setting line.
fn parse_setting(line: &str) -> Result<Setting, String> {
    let mut words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    let name = words.remove(0);
    let name = name.trim_start_matches("--");
    if name.starts_with("send-raw-") && words.len() > 2 {
        let hex = words.split_off(1).concat();
        words.push(hex);
    }
    let mut args = words.into_iter();
    let setting =
        Setting::parse(name, &mut args)?.ok_or_else(|| format!("unknown setting {name:?}"))?;
    match args.next() {
        Some(extra) => Err(format!("unexpected {extra:?} after {name}")),
        None => Ok(setting),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::{Action, Rule, Trigger};

    #[test]
    fn sections_scope_the_lines_below_them() {
        let text = "no-ack\n[connection 1]\nconnack-code 0x88 # refuse\n\n[connections 2-]\nno-pingresp\n[client c1]\nack-delay-ms 5\n";
        let entries = parse(text).unwrap();
        assert_eq!(entries[0], (Scope::All, Setting::NoAck));
        assert_eq!(
            entries[1],
            (
                Scope::Connections {
                    first: 1,
                    last: Some(1)
                },
                Setting::ConnackCode(0x88)
            )
        );
        assert_eq!(
            entries[2].0,
            Scope::Connections {
                first: 2,
                last: None
            }
        );
        assert_eq!(entries[3].0, Scope::Client("c1".into()));
    }

    #[test]
    fn raw_bytes_may_spread_over_the_rest_of_the_line() {
        let entries = parse("send-raw-after 2 30 03 00 01 61").unwrap();
        let want = Rule {
            trigger: Trigger::AfterPackets(2),
            action: Action::SendRaw(vec![0x30, 3, 0, 1, 0x61]),
        };
        assert_eq!(entries[0].1, Setting::Rule(want));
    }

    #[test]
    fn mistakes_name_their_line() {
        assert_eq!(
            parse("no-ack\nbogus 1").unwrap_err(),
            "scenario line 2: unknown setting \"bogus\""
        );
        assert!(parse("[connections 2]").is_err());
        assert!(parse("no-ack 1").is_err());
    }
}
