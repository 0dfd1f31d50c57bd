//! One HTTP/1.1 exchange for the credentials providers that ask an endpoint (ECS, IMDS): connect
//! through a bootstrap's [`Connector`] on one of its loops, send the request
//! (`Connection: close`), read the response head (httparse) and the body (its
//! `Content-Length`, or up to the end of the stream), all within a deadline; the answer comes
//! on the loop's thread, never inside [`fetch`]. Over TCP, or TLS when the request carries TLS
//! settings (the X.509 provider's mutual TLS). [`query`] is upstream's HTTP provider base on
//! top: a request rebuilt for each try, its retries and its error codes.

use crate::connection::connector::Connector;
use crate::error::aws_auth_errors::{
    AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE, AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE,
};
use crate::error::aws_io_errors::{
    AWS_IO_MAX_RETRIES_EXCEEDED, AWS_IO_SOCKET_CLOSED, AWS_IO_SOCKET_TIMEOUT,
};
use crate::runtime::event_loop::EventLoop;
use crate::transport::handshake::{self, Handshake};
use crate::transport::http_head::{Head, HeadReader, Progress};
use crate::transport::socket_options::SocketOptions;
use crate::transport::stream::{Transport, error_code, send_pending};
use crate::transport::tls::TlsConnectionSettings;
use crate::transport::tls_transport::{self, TlsTransport};
use std::ffi::c_int;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// The largest body read (credential documents are a few hundred bytes).
const MAXIMUM_BODY: usize = 64 * 1024;

/// What to ask.
#[derive(Clone, Debug)]
pub struct Request {
    /// `GET` or `PUT`.
    pub method: &'static str,
    /// The host to connect to (and the `Host` header).
    pub host: String,
    /// The port.
    pub port: u32,
    /// The path with its query.
    pub path: String,
    /// Further header fields.
    pub headers: Vec<(String, Vec<u8>)>,
    /// TLS to the endpoint, when it is HTTPS.
    pub tls: Option<TlsConnectionSettings>,
    /// The body (sent with its `Content-Length`; none for an empty GET).
    pub body: Vec<u8>,
}

impl Request {
    /// The request's bytes on the wire.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = format!(
            "{} {} HTTP/1.1\r\nHost: {}\r\n",
            self.method, self.path, self.host
        )
        .into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        }
        if self.method != "GET" || !self.body.is_empty() {
            out.extend_from_slice(format!("Content-Length: {}\r\n", self.body.len()).as_bytes());
        }
        out.extend_from_slice(b"Connection: close\r\n\r\n");
        out.extend_from_slice(&self.body);
        out
    }
}

/// What came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

/// Receives the response, or an aws error code (connection failures, `AWS_IO_SOCKET_TIMEOUT`,
/// `AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE` for what is not HTTP).
pub type FetchCallback = Box<dyn FnOnce(Result<Response, c_int>) + Send>;

/// The host and port of an endpoint written `host` or `host:port` (443 when it names none):
/// how the HTTPS providers' options give it.
pub fn host_and_port(endpoint: &str) -> crate::error::Result<(String, u32)> {
    match endpoint.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => port
            .parse()
            .map(|p| (host.to_string(), p))
            .map_err(|_| crate::error::aws_common_error::AWS_ERROR_INVALID_ARGUMENT.into()),
        _ => Ok((endpoint.to_string(), 443)),
    }
}

/// The exchange on a connected stream.
struct Exchange<T: Transport> {
    stream: T,
    request: Vec<u8>,
    sent: usize,
    reader: HeadReader,
    head: Option<Head>,
    body: Vec<u8>,
}

impl<T: Transport> Exchange<T> {
    /// Whether the body is complete, by its declared length.
    fn body_complete(&self) -> bool {
        let length = self.head.as_ref().and_then(|h| h.field("content-length"));
        match length.and_then(|l| std::str::from_utf8(l).ok()?.trim().parse::<usize>().ok()) {
            Some(n) => self.body.len() >= n,
            None => false,
        }
    }
}

impl<T: Transport + 'static> Handshake for Exchange<T> {
    fn advance(&mut self) -> Result<bool, c_int> {
        send_pending(&mut self.stream, &self.request, &mut self.sent)
            .map_err(|e| error_code(&e))?;
        let mut buf = [0u8; 4096];
        loop {
            if self.head.is_some() && self.body_complete() {
                return Ok(true);
            }
            match self.stream.read(&mut buf) {
                // The end of the stream ends a body without a length.
                Ok(0) if self.head.is_some() => return Ok(true),
                Ok(0) => return Err(AWS_IO_SOCKET_CLOSED as c_int),
                Ok(n) if self.head.is_some() => {
                    self.body.extend_from_slice(&buf[..n]);
                    if self.body.len() > MAXIMUM_BODY {
                        return Err(AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE as c_int);
                    }
                }
                Ok(n) => match self.reader.feed(&buf[..n]) {
                    Progress::Incomplete => {}
                    Progress::Complete(mut head) => {
                        self.body = std::mem::take(&mut head.leftover);
                        self.head = Some(head);
                    }
                    Progress::Malformed => {
                        return Err(AWS_AUTH_PROVIDER_PARSER_UNEXPECTED_RESPONSE as c_int);
                    }
                },
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(error_code(&e)),
            }
        }
    }

    fn socket(&mut self) -> &mut dyn mio::event::Source {
        self.stream.source()
    }
}

/// Sends `wire` on `stream` and reads the response within `timeout`.
fn exchange<T: Transport + 'static>(
    event_loop: &EventLoop,
    stream: T,
    wire: Vec<u8>,
    timeout: Duration,
    on_done: FetchCallback,
) {
    let exchange = Exchange {
        stream,
        request: wire,
        sent: 0,
        reader: HeadReader::default(),
        head: None,
        body: Vec::new(),
    };
    handshake::run(
        event_loop,
        exchange,
        timeout,
        AWS_IO_SOCKET_TIMEOUT as c_int,
        Box::new(move |done| {
            on_done(done.map(|x| Response {
                status: x.head.as_ref().map_or(0, |h| h.status),
                body: x.body,
            }))
        }),
    );
}

/// Sends `request` through `connector` and reads the response within `timeout` (the TLS
/// handshake too, when there is one); `on_done` runs once, on one of the connector's loops.
pub fn fetch(connector: &Connector, request: Request, timeout: Duration, on_done: FetchCallback) {
    let event_loop = connector.next_loop();
    let connector = connector.clone();
    let on_loop = event_loop.clone();
    event_loop.schedule_now(Box::new(move || {
        let options = SocketOptions {
            connect_timeout: timeout,
            ..SocketOptions::default()
        };
        let wire = request.encode();
        let next = on_loop.clone();
        let (host, tls) = (request.host.clone(), request.tls.clone());
        connector.connect(
            &on_loop,
            &request.host,
            request.port,
            &options,
            Box::new(move |connected| {
                let stream = match connected {
                    Err(code) => return on_done(Err(code)),
                    Ok(stream) => stream,
                };
                let Some(settings) = tls else {
                    return exchange(&next, stream, wire, timeout, on_done);
                };
                let session = match settings.session(&host) {
                    Ok(session) => session,
                    Err(e) => return on_done(Err(e.code())),
                };
                let after = next.clone();
                tls_transport::negotiate(
                    &next,
                    TlsTransport::new(stream, session),
                    timeout,
                    Box::new(move |negotiated| match negotiated {
                        Ok(tls) => exchange(&after, tls, wire, timeout, on_done),
                        Err(code) => on_done(Err(code)),
                    }),
                );
            }),
        );
    }));
}

/// [`fetch`], tried again while `attempts` last when the connection fails or the server
/// answers 5xx (upstream's providers retry those, not client errors). The last outcome goes to
/// `on_done`.
pub fn fetch_with_retries(
    connector: &Connector,
    request: Request,
    timeout: Duration,
    attempts: usize,
    on_done: FetchCallback,
) {
    let again = (connector.clone(), request.clone());
    fetch(
        connector,
        request,
        timeout,
        Box::new(move |answer| {
            let transient = match &answer {
                Ok(r) => r.status >= 500,
                Err(_) => true,
            };
            if transient && attempts > 1 {
                fetch_with_retries(&again.0, again.1, timeout, attempts - 1, on_done);
            } else {
                on_done(answer);
            }
        }),
    );
}

/// Builds a request afresh for each try (a DPoP proof, say, must not be sent twice), or fails
/// with an aws error code.
pub type RequestMaker = Arc<dyn Fn() -> Result<Request, c_int> + Send + Sync>;

/// Receives the body of a 200 answer, or an aws error code.
pub type QueryCallback = Box<dyn FnOnce(Result<Vec<u8>, c_int>) + Send>;

/// A query as upstream's HTTP credentials provider base (`aws_http_credentials_provider.c`)
/// makes it, for the providers built on it (SSO, login): the request `make` builds, sent
/// again after a 5xx or 429 answer while `attempts` last; `on_done` runs once, on one of the
/// connector's loops (never inside this call), with the body of a 200 answer or the error:
/// the connection's when none could be made (upstream does not try again then),
/// `AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE` for another answer (a 4xx),
/// `AWS_IO_MAX_RETRIES_EXCEEDED` once the tries are spent, or what `make` failed with.
pub fn query(
    connector: &Connector,
    make: RequestMaker,
    timeout: Duration,
    attempts: usize,
    on_done: QueryCallback,
) {
    let again = connector.clone();
    connector.next_loop().schedule_now(Box::new(move || {
        query_attempt(again, make, timeout, attempts, on_done)
    }));
}

/// One try of [`query`], on a loop thread.
fn query_attempt(
    connector: Connector,
    make: RequestMaker,
    timeout: Duration,
    left: usize,
    on_done: QueryCallback,
) {
    let request = match make() {
        Ok(r) => r,
        Err(code) => return on_done(Err(code)),
    };
    let again = connector.clone();
    fetch(
        &connector,
        request,
        timeout,
        Box::new(move |answer| match answer {
            Err(code) => on_done(Err(code)),
            Ok(r) if r.status == 200 => on_done(Ok(r.body)),
            Ok(r) if (400..500).contains(&r.status) && r.status != 429 => on_done(Err(
                AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE as c_int,
            )),
            Ok(_) if left > 1 => query_attempt(again, make, timeout, left - 1, on_done),
            Ok(_) => on_done(Err(AWS_IO_MAX_RETRIES_EXCEEDED as c_int)),
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_may_name_their_port() {
        assert_eq!(host_and_port("abc.iot.amazonaws.com").unwrap().1, 443);
        assert_eq!(
            host_and_port("localhost:8443").unwrap(),
            ("localhost".to_string(), 8443)
        );
        assert!(host_and_port("localhost:x").is_err());
    }

    #[test]
    fn a_request_carries_host_length_body_and_close() {
        let r = Request {
            method: "POST",
            host: "h".into(),
            port: 1,
            path: "/p".into(),
            headers: vec![("A".into(), b"b".to_vec())],
            tls: None,
            body: b"xyz".to_vec(),
        };
        assert_eq!(
            r.encode(),
            b"POST /p HTTP/1.1\r\nHost: h\r\nA: b\r\nContent-Length: 3\r\nConnection: close\r\n\r\nxyz"
        );
    }
}
