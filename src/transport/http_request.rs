//! An HTTP/1.1 request as upstream's `aws_http_message` holds it (method, path with query,
//! ordered header fields), for the WebSocket upgrade: built here, changed by the user's
//! handshake transform through the C API, then written to the server.
//!
//! Header fields follow aws-c-http's rules: a name may not be empty
//! (`AWS_ERROR_HTTP_INVALID_HEADER_NAME`), whitespace around a value is dropped (RFC 9110 5.5),
//! names compare case-insensitively, and each field keeps its bytes in one heap block of its
//! own, so a cursor handed to C stays valid until that field is erased.

use crate::error::aws_common_error::AWS_ERROR_INVALID_INDEX;
use crate::error::aws_http_errors::{
    AWS_ERROR_HTTP_HEADER_NOT_FOUND, AWS_ERROR_HTTP_INVALID_HEADER_NAME,
};
use crate::transport::base64;
use std::ffi::c_int;

/// One header field: name then value in one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    bytes: Box<[u8]>,
    name_len: usize,
    /// Upstream's `enum aws_http_header_compression`, kept for HTTP/2 callers (unused by 1.1).
    pub compression: i32,
}

impl Field {
    /// The name.
    pub fn name(&self) -> &[u8] {
        &self.bytes[..self.name_len]
    }

    /// The value.
    pub fn value(&self) -> &[u8] {
        &self.bytes[self.name_len..]
    }
}

/// The optional whitespace HTTP allows around a value.
fn trim(mut v: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

/// Ordered header fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpHeaders {
    fields: Vec<Field>,
}

impl HttpHeaders {
    /// Appends a field; `AWS_ERROR_HTTP_INVALID_HEADER_NAME` for an empty name.
    pub fn add(&mut self, name: &[u8], value: &[u8], compression: i32) -> Result<(), c_int> {
        if name.is_empty() {
            return Err(AWS_ERROR_HTTP_INVALID_HEADER_NAME as c_int);
        }
        let value = trim(value);
        let mut bytes = Vec::with_capacity(name.len() + value.len());
        bytes.extend_from_slice(name);
        bytes.extend_from_slice(value);
        self.fields.push(Field {
            bytes: bytes.into_boxed_slice(),
            name_len: name.len(),
            compression,
        });
        Ok(())
    }

    /// Replaces every field named `name` with one field, placed last.
    pub fn set(&mut self, name: &[u8], value: &[u8]) -> Result<(), c_int> {
        // Added before the old ones go: `value` may point into one of them.
        self.add(name, value, 0)?;
        let last = self.fields.len() - 1;
        let mut i = 0;
        self.fields.retain(|f| {
            i += 1;
            i - 1 == last || !f.name().eq_ignore_ascii_case(name)
        });
        Ok(())
    }

    /// The first field named `name`: `AWS_ERROR_HTTP_HEADER_NOT_FOUND` when none is.
    pub fn get(&self, name: &[u8]) -> Result<&Field, c_int> {
        self.fields
            .iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
            .ok_or(AWS_ERROR_HTTP_HEADER_NOT_FOUND as c_int)
    }

    /// The field at `index`: `AWS_ERROR_INVALID_INDEX` past the end.
    pub fn at(&self, index: usize) -> Result<&Field, c_int> {
        self.fields
            .get(index)
            .ok_or(AWS_ERROR_INVALID_INDEX as c_int)
    }

    /// Removes every field named `name`: `AWS_ERROR_HTTP_HEADER_NOT_FOUND` when none is.
    pub fn erase(&mut self, name: &[u8]) -> Result<(), c_int> {
        let before = self.fields.len();
        self.fields.retain(|f| !f.name().eq_ignore_ascii_case(name));
        if self.fields.len() == before {
            return Err(AWS_ERROR_HTTP_HEADER_NOT_FOUND as c_int);
        }
        Ok(())
    }

    /// Removes the field at `index`: `AWS_ERROR_INVALID_INDEX` past the end.
    pub fn erase_index(&mut self, index: usize) -> Result<(), c_int> {
        if index >= self.fields.len() {
            return Err(AWS_ERROR_INVALID_INDEX as c_int);
        }
        self.fields.remove(index);
        Ok(())
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The fields in order.
    pub fn iter(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter()
    }
}

/// A request: method, path (with its query) and header fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method; unset until given.
    pub method: Option<Vec<u8>>,
    /// The path and query; unset until given.
    pub path: Option<Vec<u8>>,
    /// The header fields.
    pub headers: HttpHeaders,
}

/// The path upstream's MQTT clients request.
pub const MQTT_WEBSOCKET_PATH: &str = "/mqtt";

impl HttpRequest {
    /// The WebSocket opening handshake upstream's MQTT clients send (RFC 6455 4.1): `GET /mqtt`
    /// with Host, Upgrade, Connection, a fresh random Sec-WebSocket-Key, Sec-WebSocket-Version
    /// 13 and Sec-WebSocket-Protocol `mqtt`, in that order.
    pub fn mqtt_websocket_handshake(host: &str) -> HttpRequest {
        let mut nonce = [0u8; 16];
        // A key only has to differ between connections; an all-zero one still works.
        let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut nonce);
        let mut request = HttpRequest {
            method: Some(b"GET".to_vec()),
            path: Some(MQTT_WEBSOCKET_PATH.as_bytes().to_vec()),
            headers: HttpHeaders::default(),
        };
        let key = base64::encode(&nonce);
        for (name, value) in [
            ("Host", host),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", &key),
            ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Protocol", "mqtt"),
        ] {
            // Names are not empty.
            let _ = request.headers.add(name.as_bytes(), value.as_bytes(), 0);
        }
        request
    }

    /// The request as written on the wire: the request line, the fields, an empty line.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(self.method.as_deref().unwrap_or(b"GET"));
        out.push(b' ');
        out.extend_from_slice(self.path.as_deref().unwrap_or(b"/"));
        out.extend_from_slice(b" HTTP/1.1\r\n");
        for f in self.headers.iter() {
            out.extend_from_slice(f.name());
            out.extend_from_slice(b": ");
            out.extend_from_slice(f.value());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_aws_c_http_rules() {
        let mut h = HttpHeaders::default();
        assert_eq!(
            h.add(b"", b"x", 0),
            Err(AWS_ERROR_HTTP_INVALID_HEADER_NAME as c_int)
        );
        h.add(b"X-One", b"  1 \t", 0).unwrap();
        h.add(b"x-two", b"2", 0).unwrap();
        h.add(b"X-ONE", b"3", 0).unwrap();
        assert_eq!(h.get(b"x-one").unwrap().value(), b"1");
        assert_eq!(h.len(), 3);
        // The block of a field does not move when others are added.
        let kept = h.at(1).unwrap().value().as_ptr();
        for i in 0..100 {
            h.add(b"filler", format!("{i}").as_bytes(), 0).unwrap();
        }
        assert_eq!(h.at(1).unwrap().value().as_ptr(), kept);
        h.set(b"x-one", b"4").unwrap();
        assert_eq!(h.get(b"X-One").unwrap().value(), b"4");
        assert_eq!(h.iter().filter(|f| f.name() == b"x-one").count(), 1);
        assert_eq!(h.iter().last().unwrap().name(), b"x-one");
        h.erase(b"FILLER").unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(
            h.erase(b"filler"),
            Err(AWS_ERROR_HTTP_HEADER_NOT_FOUND as c_int)
        );
        assert_eq!(h.erase_index(2), Err(AWS_ERROR_INVALID_INDEX as c_int));
        h.erase_index(0).unwrap();
        assert_eq!(h.at(0).unwrap().name(), b"x-one");
        assert_eq!(h.at(1).err(), Some(AWS_ERROR_INVALID_INDEX as c_int));
    }

    #[test]
    fn the_mqtt_handshake_is_upstreams_request() {
        let a = HttpRequest::mqtt_websocket_handshake("broker.example");
        let text = String::from_utf8(a.encode()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "GET /mqtt HTTP/1.1");
        assert_eq!(lines[1], "Host: broker.example");
        assert_eq!(lines[2], "Upgrade: websocket");
        assert_eq!(lines[3], "Connection: Upgrade");
        assert!(lines[4].starts_with("Sec-WebSocket-Key: "));
        // RFC 6455 4.1: the key is 16 random bytes in base64, so 24 characters.
        assert_eq!(lines[4].len() - "Sec-WebSocket-Key: ".len(), 24);
        assert_eq!(lines[5], "Sec-WebSocket-Version: 13");
        assert_eq!(lines[6], "Sec-WebSocket-Protocol: mqtt");
        assert!(text.ends_with("mqtt\r\n\r\n"));
        let b = HttpRequest::mqtt_websocket_handshake("broker.example");
        assert_ne!(
            a.headers.get(b"sec-websocket-key").unwrap(),
            b.headers.get(b"sec-websocket-key").unwrap()
        );
    }
}
