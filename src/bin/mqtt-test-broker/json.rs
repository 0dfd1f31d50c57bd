//! A minimal JSON writer for the broker's log lines: objects built field by field, strings
//! escaped per RFC 8259, binary data as lowercase hex. No parsing, no dependency.

use std::fmt::Write as _;

/// A JSON object under construction; [`JsonObject::finish`] closes it.
pub struct JsonObject {
    out: String,
    empty: bool,
}

impl Default for JsonObject {
    fn default() -> JsonObject {
        JsonObject::new()
    }
}

impl JsonObject {
    /// An empty object.
    pub fn new() -> JsonObject {
        JsonObject {
            out: String::from("{"),
            empty: true,
        }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        escape_into(key, &mut self.out);
        self.out.push(':');
        &mut self.out
    }

    /// Adds a string field.
    pub fn str(&mut self, key: &str, value: &str) -> &mut JsonObject {
        escape_into(value, self.key(key));
        self
    }

    /// Adds a number field.
    pub fn num(&mut self, key: &str, value: impl Into<u64>) -> &mut JsonObject {
        let value = value.into();
        let _ = write!(self.key(key), "{value}");
        self
    }

    /// Adds a boolean field.
    pub fn bool(&mut self, key: &str, value: bool) -> &mut JsonObject {
        self.key(key).push_str(if value { "true" } else { "false" });
        self
    }

    /// Adds binary data as a lowercase hex string.
    pub fn hex(&mut self, key: &str, bytes: &[u8]) -> &mut JsonObject {
        let s = hex(bytes);
        self.str(key, &s)
    }

    /// Adds a field whose value is already JSON (an object or array built elsewhere).
    pub fn raw(&mut self, key: &str, json: &str) -> &mut JsonObject {
        self.key(key).push_str(json);
        self
    }

    /// The finished object.
    pub fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

/// A JSON array of the already-encoded `items`.
pub fn array(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    format!("[{}]", items.join(","))
}

/// `s` as a quoted JSON string.
pub fn string(s: &str) -> String {
    let mut out = String::new();
    escape_into(s, &mut out);
    out
}

/// Appends `s` to `out` as a quoted JSON string: quote, backslash and control characters escaped.
pub fn escape_into(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7F}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `bytes` as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_quotes_backslashes_and_control_characters() {
        assert_eq!(string("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\u0001é\"");
    }

    #[test]
    fn an_object_lists_its_fields_in_order() {
        let mut o = JsonObject::new();
        o.str("type", "PUBLISH")
            .num("qos", 1u8)
            .bool("dup", false)
            .hex("data", &[0xAB, 1]);
        o.raw("list", &array(["1".to_string(), string("x")]));
        assert_eq!(
            o.finish(),
            r#"{"type":"PUBLISH","qos":1,"dup":false,"data":"ab01","list":[1,"x"]}"#
        );
    }
}
