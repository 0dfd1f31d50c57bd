//! The HTTP/1.1 CONNECT exchange that opens a tunnel through an HTTP proxy (RFC 9110 9.3.6):
//! the request, with basic authentication when the proxy asks for credentials (RFC 7617), and
//! the proxy's reply read from bytes in pieces of any size. Sans-IO: the proxy transport layer
//! writes the request and feeds the reply.
//!
//! As upstream (aws-c-http's tunnelling proxy), only a `200` opens the tunnel; any other
//! status, or a reply that is not HTTP, fails the connection attempt with
//! `AWS_ERROR_HTTP_PROXY_CONNECT_FAILED`.

use crate::transport::base64;
use crate::transport::http_head::{Head, HeadReader, Progress};

/// Basic authentication to the proxy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyCredentials {
    /// The user name.
    pub user: String,
    /// The password.
    pub password: String,
}

/// The CONNECT request for a tunnel to `host`:`port` (an IPv6 address is bracketed).
pub fn connect_request(host: &str, port: u32, credentials: Option<&ProxyCredentials>) -> Vec<u8> {
    let authority = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some(c) = credentials {
        let token = base64::encode(format!("{}:{}", c.user, c.password).as_bytes());
        request.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    request.push_str("\r\n");
    request.into_bytes()
}

/// What the proxy's reply says so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    /// The reply head is not complete yet.
    Incomplete,
    /// `200`: the tunnel is open; `leftover` already belongs to the tunnel.
    Tunnel {
        /// Bytes after the reply head.
        leftover: Vec<u8>,
    },
    /// Another status: the proxy refused (407: credentials, 403: forbidden, 5xx: its failure).
    Refused {
        /// The status code.
        status: u16,
    },
    /// Not an HTTP reply, or a head too large.
    Malformed,
}

/// The proxy's reply, read as it arrives.
#[derive(Debug, Default)]
pub struct ConnectReply {
    head: HeadReader,
}

impl ConnectReply {
    /// Adds received bytes and says what the reply amounts to.
    pub fn feed(&mut self, bytes: &[u8]) -> Reply {
        match self.head.feed(bytes) {
            Progress::Incomplete => Reply::Incomplete,
            Progress::Complete(Head {
                status: 200,
                leftover,
                ..
            }) => Reply::Tunnel { leftover },
            Progress::Complete(head) => Reply::Refused {
                status: head.status,
            },
            Progress::Malformed => Reply::Malformed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::http_head::MAXIMUM_HEAD;

    #[test]
    fn the_request_names_the_tunnel_and_carries_basic_credentials() {
        let plain = connect_request("broker.example", 8883, None);
        assert_eq!(
            plain,
            b"CONNECT broker.example:8883 HTTP/1.1\r\nHost: broker.example:8883\r\n\r\n"
        );
        // RFC 7617 section 2's example.
        let credentials = ProxyCredentials {
            user: "Aladdin".into(),
            password: "open sesame".into(),
        };
        let with_auth =
            String::from_utf8(connect_request("::1", 1883, Some(&credentials))).unwrap();
        assert!(with_auth.starts_with("CONNECT [::1]:1883 HTTP/1.1\r\nHost: [::1]:1883\r\n"));
        assert!(
            with_auth.contains("\r\nProxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n")
        );
        assert!(with_auth.ends_with("\r\n\r\n"));
    }

    #[test]
    fn a_200_in_pieces_opens_the_tunnel_and_keeps_what_follows_the_head() {
        let reply = b"HTTP/1.1 200 Connection established\r\nProxy-Agent: test\r\n\r\n\x20\x02";
        let mut r = ConnectReply::default();
        for byte in &reply[..reply.len() - 3] {
            assert_eq!(r.feed(std::slice::from_ref(byte)), Reply::Incomplete);
        }
        assert_eq!(
            r.feed(&reply[reply.len() - 3..]),
            Reply::Tunnel {
                leftover: vec![0x20, 0x02]
            }
        );
    }

    #[test]
    fn other_statuses_refuse_and_garbage_is_malformed() {
        for (reply, status) in [
            (
                &b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"[..],
                407,
            ),
            (
                &b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"[..],
                403,
            ),
            (&b"HTTP/1.0 503 Service Unavailable\r\n\r\n"[..], 503),
            (&b"HTTP/1.1 204 No Content\r\n\r\n"[..], 204),
        ] {
            assert_eq!(
                ConnectReply::default().feed(reply),
                Reply::Refused { status }
            );
        }
        assert_eq!(
            ConnectReply::default().feed(b"SSH-2.0-OpenSSH\r\n"),
            Reply::Malformed
        );
        let mut endless = ConnectReply::default();
        endless.feed(b"HTTP/1.1 200 OK\r\n");
        assert_eq!(endless.feed(&vec![b'x'; MAXIMUM_HEAD]), Reply::Malformed);
    }
}
