//! The transport stack of one connection: where it goes ([`Endpoint`]) and the layers stacked
//! on its connected socket, each after the one below has finished its opening exchange: TLS to
//! the proxy and the proxy's CONNECT tunnel, TLS to the server, the WebSocket upgrade.

use crate::connection::connector::Connector;
use crate::runtime::event_loop::EventLoop;
use crate::transport::http_proxy::{ProxySettings, tunnel};
use crate::transport::http_request::HttpRequest;
use crate::transport::socket_options::SocketOptions;
use crate::transport::stream::Transport;
use crate::transport::tls::TlsConnectionSettings;
use crate::transport::tls_transport::{TlsTransport, negotiate};
use crate::transport::websocket::{self, WebSocketHooks};
use std::sync::Arc;
use std::time::Duration;

/// Where and how a connection reaches its server.
#[derive(Clone)]
pub struct Endpoint {
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u32,
    /// Socket options.
    pub socket: SocketOptions,
    /// TLS to the server, when the connection uses it.
    pub tls: Option<TlsConnectionSettings>,
    /// The HTTP proxy tunnelled through, when the connection uses one.
    pub proxy: Option<ProxySettings>,
    /// MQTT over WebSocket, with the user's handshake transform and validator.
    pub websocket: Option<Arc<dyn WebSocketHooks>>,
    /// The bootstrap's loops and resolver.
    pub connector: Connector,
}

/// Where the layers above TCP report: the finished stack, or an aws error code.
pub type Stacked = Box<dyn FnOnce(Result<Box<dyn Transport>, i32>) + Send>;

/// How long a proxy's CONNECT or a WebSocket upgrade may take when the socket options give no
/// connect timeout (upstream sets no deadline of its own for either).
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(10);

/// The deadline of a proxy's CONNECT or a WebSocket upgrade.
fn exchange_timeout(socket: &SocketOptions) -> Duration {
    match socket.connect_timeout {
        t if t.is_zero() => EXCHANGE_TIMEOUT,
        t => t,
    }
}

/// Stacks the layers `endpoint` asks for on `stream`, a connected socket (on the loop's
/// thread): TLS to the proxy and the CONNECT tunnel when there is a proxy, TLS to the server,
/// then the WebSocket when `upgrade` is set.
pub fn layer(
    event_loop: EventLoop,
    endpoint: Endpoint,
    upgrade: Option<HttpRequest>,
    stream: Box<dyn Transport>,
    done: Stacked,
) {
    let el = event_loop.clone();
    let timeout = exchange_timeout(&endpoint.socket);
    let hooks = endpoint.websocket.clone();
    // The last layer: the WebSocket, checked by the user's validator.
    let done: Stacked = match (upgrade, hooks) {
        (Some(request), Some(hooks)) => Box::new(move |result| match result {
            Err(code) => done(Err(code)),
            Ok(to_server) => websocket::upgrade(
                &el,
                to_server,
                &request,
                timeout,
                Box::new(move |result| {
                    done(result.and_then(|(ws, fields)| {
                        hooks.validate(&fields)?;
                        Ok(Box::new(ws) as Box<dyn Transport>)
                    }))
                }),
            ),
        }),
        _ => done,
    };
    through_proxy(event_loop, endpoint, timeout, stream, done)
}

/// TLS to the proxy and the tunnel (within `timeout`) when there is a proxy, then TLS to the
/// server.
fn through_proxy(
    event_loop: EventLoop,
    endpoint: Endpoint,
    timeout: Duration,
    stream: Box<dyn Transport>,
    done: Stacked,
) {
    let Some(proxy) = endpoint.proxy.clone() else {
        return with_tls(
            &event_loop,
            endpoint.tls.as_ref(),
            &endpoint.host,
            stream,
            done,
        );
    };
    let el = event_loop.clone();
    let then: Stacked = Box::new(move |result| match result {
        Err(code) => done(Err(code)),
        Ok(to_proxy) => {
            let el2 = el.clone();
            let (host, port) = (endpoint.host.clone(), endpoint.port);
            tunnel(
                &el,
                to_proxy,
                &host,
                port,
                proxy.credentials.as_ref(),
                timeout,
                Box::new(move |result| match result {
                    Err(code) => done(Err(code)),
                    Ok(t) => with_tls(
                        &el2,
                        endpoint.tls.as_ref(),
                        &endpoint.host,
                        Box::new(t),
                        done,
                    ),
                }),
            );
        }
    });
    with_tls(&event_loop, proxy.tls.as_ref(), &proxy.host, stream, then);
}

/// Negotiates TLS with `host` over `stream` when `tls` is set; hands `stream` on otherwise.
fn with_tls(
    event_loop: &EventLoop,
    tls: Option<&TlsConnectionSettings>,
    host: &str,
    stream: Box<dyn Transport>,
    done: Stacked,
) {
    let Some(tls) = tls else {
        return done(Ok(stream));
    };
    match tls.session(host) {
        Err(e) => done(Err(e.code())),
        Ok(session) => negotiate(
            event_loop,
            TlsTransport::new(stream, session),
            Duration::from_millis(u64::from(tls.timeout_ms)),
            Box::new(move |result| done(result.map(|t| Box::new(t) as Box<dyn Transport>))),
        ),
    }
}
