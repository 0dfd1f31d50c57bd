//! What a client needs of its bootstrap to connect: the event-loop group it lives on, the host
//! resolver and how to resolve. `aws_client_bootstrap` (ffi) makes one; the driver dials
//! through it.

use crate::runtime::event_loop::EventLoop;
use crate::runtime::event_loop_group::EventLoopGroup;
use crate::runtime::host_resolver::{HostResolver, ResolutionConfig};
use crate::transport::socket_options::SocketOptions;
use crate::transport::tcp::{self, ConnectCallback, ConnectRequest};
use std::sync::Arc;

/// The loops, the resolver and the resolution config a connection dials with.
#[derive(Clone, Debug)]
pub struct Connector {
    /// The bootstrap's event-loop group.
    pub group: Arc<EventLoopGroup>,
    /// The bootstrap's host resolver.
    pub resolver: HostResolver,
    /// The bootstrap's resolution config (a connection may override it).
    pub resolution: ResolutionConfig,
}

impl Connector {
    /// The loop a new connection should live on (round robin).
    pub fn next_loop(&self) -> EventLoop {
        self.group.next_loop().clone()
    }

    /// Connects to `host`:`port` (a path for a Local socket) on `event_loop`; `on_done` runs
    /// once, on that loop's thread (see [`tcp::connect`]).
    pub fn connect(
        &self,
        event_loop: &EventLoop,
        host: &str,
        port: u32,
        options: &SocketOptions,
        on_done: ConnectCallback,
    ) {
        let request = ConnectRequest {
            host: host.to_string(),
            port,
            options: options.clone(),
            resolver: Some(self.resolver.clone()),
            resolution: self.resolution.clone(),
        };
        tcp::connect(event_loop, request, on_done);
    }
}
