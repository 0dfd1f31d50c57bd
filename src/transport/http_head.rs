//! An HTTP/1.1 response head (status line and header fields) read from bytes as they arrive, in
//! pieces of any size: the proxy's answer to CONNECT and the server's answer to a WebSocket
//! upgrade. Whatever follows the head already belongs to the layer above and is handed back.

/// The longest head accepted: the answers read here are a few lines.
pub const MAXIMUM_HEAD: usize = 16 * 1024;
/// The most header fields parsed in a head.
const MAXIMUM_FIELDS: usize = 64;

/// A complete response head.
#[derive(Debug, PartialEq, Eq)]
pub struct Head {
    /// The status code.
    pub status: u16,
    /// The header fields, in order, names as received.
    pub fields: Vec<(String, Vec<u8>)>,
    /// The bytes after the head.
    pub leftover: Vec<u8>,
}

impl Head {
    /// The value of the first field named `name` (case-insensitive).
    pub fn field(&self, name: &str) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

/// What the bytes so far amount to.
#[derive(Debug, PartialEq, Eq)]
pub enum Progress {
    /// More bytes are needed.
    Incomplete,
    /// The head is complete.
    Complete(Head),
    /// Not an HTTP response, or a head larger than [`MAXIMUM_HEAD`].
    Malformed,
}

/// Accumulates a response head.
#[derive(Debug, Default)]
pub struct HeadReader {
    received: Vec<u8>,
}

impl HeadReader {
    /// Adds received bytes and parses what there is.
    pub fn feed(&mut self, bytes: &[u8]) -> Progress {
        self.received.extend_from_slice(bytes);
        let mut fields = [httparse::EMPTY_HEADER; MAXIMUM_FIELDS];
        let mut response = httparse::Response::new(&mut fields);
        match response.parse(&self.received) {
            Ok(httparse::Status::Complete(length)) => match response.code {
                Some(status) => Progress::Complete(Head {
                    status,
                    fields: response
                        .headers
                        .iter()
                        .map(|h| (h.name.to_string(), h.value.to_vec()))
                        .collect(),
                    leftover: self.received[length..].to_vec(),
                }),
                None => Progress::Malformed,
            },
            Ok(httparse::Status::Partial) if self.received.len() <= MAXIMUM_HEAD => {
                Progress::Incomplete
            }
            _ => Progress::Malformed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_in_single_bytes_keeps_its_fields_and_what_follows() {
        let bytes =
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nX-A:  b \r\n\r\n\x82\x00";
        let mut r = HeadReader::default();
        for byte in &bytes[..bytes.len() - 3] {
            assert_eq!(r.feed(std::slice::from_ref(byte)), Progress::Incomplete);
        }
        let Progress::Complete(head) = r.feed(&bytes[bytes.len() - 3..]) else {
            panic!("the head is complete");
        };
        assert_eq!(head.status, 101);
        assert_eq!(head.field("upgrade"), Some(&b"websocket"[..]));
        // httparse trims the optional whitespace around a value (RFC 9110 5.5).
        assert_eq!(head.field("x-a"), Some(&b"b"[..]));
        assert_eq!(head.field("x-b"), None);
        assert_eq!(head.leftover, vec![0x82, 0x00]);
    }

    #[test]
    fn garbage_and_endless_heads_are_malformed() {
        assert_eq!(
            HeadReader::default().feed(b"SSH-2.0-OpenSSH\r\n"),
            Progress::Malformed
        );
        let mut endless = HeadReader::default();
        assert_eq!(endless.feed(b"HTTP/1.1 200 OK\r\n"), Progress::Incomplete);
        assert_eq!(endless.feed(&vec![b'x'; MAXIMUM_HEAD]), Progress::Malformed);
    }
}
