//! Connecting a stream socket, without blocking, on an event loop: TCP over IPv4 or IPv6 to a
//! host and port, or a Unix-domain stream socket to a path (`SocketDomain::Local`).
//!
//! [`connect`] resolves the host with the [`HostResolver`] (an IP literal, bracketed or not, is
//! used as it is; a Local path is never resolved), then tries the addresses in the order the
//! resolver gives them, one at a time: each attempt gets the options' connect timeout (a loop
//! timer; `AWS_IO_SOCKET_TIMEOUT` when it fires first); an address that fails is reported to the
//! resolver (`record_connection_failure`) and the next one is tried. The callback runs exactly
//! once, on the loop's thread and never inside [`connect`], with the connected [`SocketStream`]
//! (not registered with any loop) or the last attempt's error code, mapped from `errno` as
//! upstream's posix socket does. If the loop shuts down first, it gets
//! `AWS_IO_EVENT_LOOP_SHUTDOWN`.
//!
//! Socket options are applied before connecting, as upstream does: `TCP_NODELAY` when asked
//! for, `SO_KEEPALIVE` when keep-alive is on, `TCP_KEEPIDLE`/`TCP_KEEPINTVL` from the interval
//! and timeout when both are non-zero, `TCP_KEEPCNT` from the probe count when non-zero (failures
//! there are logged, not fatal), `SO_BINDTODEVICE` for a network interface name.

use crate::error::aws_common_error::{
    AWS_ERROR_FILE_INVALID_PATH, AWS_ERROR_MAX_FDS_EXCEEDED, AWS_ERROR_NO_PERMISSION, AWS_ERROR_OOM,
};
use crate::error::aws_io_errors::*;
use crate::runtime::event_loop::EventLoop;
use crate::runtime::host_resolver::{HostResolver, ResolutionConfig, ResolveResult};
use crate::runtime::lock::lock;
use crate::runtime::timer_heap::TimerId;
use crate::transport::socket_options::{SocketDomain, SocketOptions, SocketType, TcpNoDelay};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::collections::VecDeque;
use std::ffi::c_int;
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A connected stream socket, non-blocking, ready to register with a loop.
#[derive(Debug)]
pub enum SocketStream {
    /// TCP over IPv4 or IPv6.
    Tcp(mio::net::TcpStream),
    /// A Unix-domain stream socket.
    Unix(mio::net::UnixStream),
}

/// What a connection attempt ends with: the stream, or an aws error code.
pub type ConnectResult = Result<SocketStream, c_int>;

/// Receives the result of [`connect`], on the loop's thread.
pub type ConnectCallback = Box<dyn FnOnce(ConnectResult) + Send>;

/// Where and how to connect.
#[derive(Clone, Debug)]
pub struct ConnectRequest {
    /// A host name, an IP literal (IPv6 bracketed or not), or for `SocketDomain::Local` a path.
    pub host: String,
    /// The port, 1 to 65535 for TCP; ignored for a Local socket.
    pub port: u32,
    /// The socket's options; `domain` only tells Local from IP (the address picks v4 or v6).
    pub options: SocketOptions,
    /// Resolves a host name; `None` allows only IP literals and paths.
    pub resolver: Option<HostResolver>,
    /// How the host name is resolved.
    pub resolution: ResolutionConfig,
}

/// Connects as `request` says, on `event_loop`; `on_done` runs once, on the loop's thread.
pub fn connect(event_loop: &EventLoop, request: ConnectRequest, on_done: ConnectCallback) {
    let attempt = Attempt {
        event_loop: event_loop.clone(),
        host: request.host.clone(),
        options: request.options.clone(),
        resolver: request.resolver.clone(),
        targets: VecDeque::new(),
        last_error: AWS_IO_SOCKET_NOT_CONNECTED as c_int,
        on_done: Some(on_done),
    };
    match direct_targets(&request) {
        Err(code) => attempt.finish_later(Err(code)),
        Ok(Some(targets)) => attempt.start_later(targets),
        Ok(None) => {
            let Some(resolver) = request.resolver.clone() else {
                return attempt.finish_later(Err(AWS_IO_DNS_INVALID_NAME as c_int));
            };
            let port = request.port as u16;
            // If the resolver refuses the request, the callback is dropped with the attempt
            // inside, whose drop reports the failure.
            let slot = Arc::new(Mutex::new(Some(attempt)));
            let in_callback = Arc::clone(&slot);
            let resolved = resolver.resolve_with(
                &request.host,
                &request.resolution,
                Box::new(move |result: ResolveResult| {
                    let Some(attempt) = lock(&in_callback).take() else {
                        return;
                    };
                    match result {
                        Ok(addresses) => attempt.start_later(
                            addresses
                                .iter()
                                .map(|a| Target::Ip(SocketAddr::new(a.address, port)))
                                .collect(),
                        ),
                        Err(code) => attempt.finish_later(Err(code)),
                    }
                }),
            );
            if let Err(code) = resolved {
                if let Some(attempt) = lock(&slot).take() {
                    attempt.finish_later(Err(code));
                }
            }
        }
    }
}

/// The targets of a request that needs no resolution (a path, an IP literal), `None` for a host
/// name, or the error for a request that cannot be made.
fn direct_targets(request: &ConnectRequest) -> Result<Option<VecDeque<Target>>, c_int> {
    if request.options.socket_type != SocketType::Stream {
        return Err(AWS_IO_SOCKET_INVALID_OPTIONS as c_int);
    }
    match request.options.domain {
        SocketDomain::Local => Ok(Some(VecDeque::from([Target::Path(PathBuf::from(
            &request.host,
        ))]))),
        SocketDomain::Vsock => Err(AWS_IO_SOCKET_UNSUPPORTED_ADDRESS_FAMILY as c_int),
        SocketDomain::Ipv4 | SocketDomain::Ipv6 => {
            if request.port == 0 || request.port > u16::MAX as u32 {
                return Err(AWS_IO_SOCKET_INVALID_ADDRESS as c_int);
            }
            Ok(ip_literal(&request.host)
                .map(|ip| VecDeque::from([Target::Ip(SocketAddr::new(ip, request.port as u16))])))
        }
    }
}

/// The address a host names literally, `[::1]` included.
fn ip_literal(host: &str) -> Option<IpAddr> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse().ok()
}

/// One address to try.
#[derive(Clone, Debug)]
enum Target {
    Ip(SocketAddr),
    Path(PathBuf),
}

/// A connection in progress: what is left to try and whom to tell.
struct Attempt {
    event_loop: EventLoop,
    host: String,
    options: SocketOptions,
    resolver: Option<HostResolver>,
    targets: VecDeque<Target>,
    last_error: c_int,
    on_done: Option<ConnectCallback>,
}

impl Drop for Attempt {
    /// An attempt dropped unfinished (its loop shut down, its resolver refused) still reports.
    fn drop(&mut self) {
        if let Some(on_done) = self.on_done.take() {
            on_done(Err(AWS_IO_EVENT_LOOP_SHUTDOWN as c_int));
        }
    }
}

impl Attempt {
    /// Tries `targets` from a task on the loop.
    fn start_later(mut self, targets: VecDeque<Target>) {
        self.targets = targets;
        let event_loop = self.event_loop.clone();
        event_loop.schedule_now(Box::new(move || self.try_next()));
    }

    /// Reports `result` from a task on the loop.
    fn finish_later(mut self, result: ConnectResult) {
        let Some(on_done) = self.on_done.take() else {
            return;
        };
        let event_loop = self.event_loop.clone();
        let report = Report(Some((on_done, result)));
        event_loop.schedule_now(Box::new(move || report.deliver()));
    }

    /// Starts connecting to the next target; with none left, reports the last failure.
    fn try_next(mut self) {
        while let Some(target) = self.targets.pop_front() {
            match open(&target, &self.options) {
                Ok((stream, true)) => return self.finish(Ok(stream)),
                Ok((stream, false)) => return self.wait(stream, target),
                Err(code) => self.failed(&target, code),
            }
        }
        let code = self.last_error;
        self.finish(Err(code));
    }

    /// Reports the result now (on the loop thread).
    fn finish(mut self, result: ConnectResult) {
        if let Some(on_done) = self.on_done.take() {
            on_done(result);
        }
    }

    /// Notes that `target` failed with `code`.
    fn failed(&mut self, target: &Target, code: c_int) {
        crate::aws_log!(
            AWS_LL_DEBUG,
            AWS_LS_IO_SOCKET,
            "connecting to {:?} (host {}) failed, error {}",
            target,
            self.host,
            code
        );
        if let (Target::Ip(addr), Some(resolver)) = (target, &self.resolver) {
            if ip_literal(&self.host).is_none() {
                resolver.record_connection_failure(&self.host, addr.ip());
            }
        }
        self.last_error = code;
    }

    /// Waits for a connect in progress: writable means done (well or not); the timer means
    /// too late.
    fn wait(self, stream: SocketStream, target: Target) {
        let event_loop = self.event_loop.clone();
        let timeout = self.options.connect_timeout;
        let slot: Slot = Arc::new(Mutex::new(None));
        let mut guard = lock(&slot);
        let pending = guard.insert(Pending {
            attempt: self,
            stream,
            target,
            token: None,
            timer: None,
        });
        let on_event = Arc::clone(&slot);
        let registered = event_loop.register(
            &mut pending.stream,
            mio::Interest::WRITABLE,
            Box::new(move |_| on_writable(&on_event)),
        );
        match registered {
            Ok(token) => pending.token = Some(token),
            Err(e) => {
                let Some(mut pending) = guard.take() else {
                    return;
                };
                drop(guard);
                pending.attempt.failed(&pending.target, socket_error(&e));
                return pending.attempt.try_next();
            }
        }
        let timeout_ns = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
        let deadline = event_loop.now_ns().saturating_add(timeout_ns);
        let on_timer = Arc::clone(&slot);
        pending.timer =
            Some(event_loop.schedule_at(deadline, Box::new(move || on_timeout(&on_timer))));
    }
}

/// A result on its way to its callback; dropped undelivered (the loop shut down), it reports
/// `AWS_IO_EVENT_LOOP_SHUTDOWN` instead.
struct Report(Option<(ConnectCallback, ConnectResult)>);

impl Report {
    fn deliver(mut self) {
        if let Some((on_done, result)) = self.0.take() {
            on_done(result);
        }
    }
}

impl Drop for Report {
    fn drop(&mut self) {
        if let Some((on_done, _)) = self.0.take() {
            on_done(Err(AWS_IO_EVENT_LOOP_SHUTDOWN as c_int));
        }
    }
}

/// A connect waiting for the socket to turn writable or the timer to fire, whichever first.
struct Pending {
    attempt: Attempt,
    stream: SocketStream,
    target: Target,
    token: Option<mio::Token>,
    timer: Option<TimerId>,
}

/// Shared by the I/O handler and the timer; the first to take the `Pending` decides.
type Slot = Arc<Mutex<Option<Pending>>>;

impl Pending {
    /// Stops the loop watching the socket and cancels the timer.
    fn stop_watching(&mut self) {
        let event_loop = self.attempt.event_loop.clone();
        if let Some(token) = self.token.take() {
            let _ = event_loop.deregister(&mut self.stream, token);
        }
        if let Some(timer) = self.timer.take() {
            event_loop.cancel(timer);
        }
    }
}

/// The socket turned writable: the connect is over, one way or the other (or the event was
/// spurious and it goes on).
fn on_writable(slot: &Slot) {
    let mut guard = lock(slot);
    let Some(pending) = guard.as_mut() else {
        return;
    };
    let outcome = pending.stream.connect_outcome();
    if outcome == Ok(false) {
        return;
    }
    let Some(mut pending) = guard.take() else {
        return;
    };
    drop(guard);
    pending.stop_watching();
    let event_loop = pending.attempt.event_loop.clone();
    // Continue from a task: the handler that runs this is still being dispatched.
    event_loop.schedule_now(Box::new(move || {
        let Pending {
            mut attempt,
            stream,
            target,
            ..
        } = pending;
        match outcome {
            Ok(_) => attempt.finish(Ok(stream)),
            Err(code) => {
                drop(stream);
                attempt.failed(&target, code);
                attempt.try_next();
            }
        }
    }));
}

/// The connect timeout fired first.
fn on_timeout(slot: &Slot) {
    let Some(mut pending) = lock(slot).take() else {
        return;
    };
    pending.timer = None;
    pending.stop_watching();
    let Pending {
        mut attempt,
        stream,
        target,
        ..
    } = pending;
    drop(stream);
    attempt.failed(&target, AWS_IO_SOCKET_TIMEOUT as c_int);
    attempt.try_next();
}

/// Makes a non-blocking socket for `target` with `options` applied and starts connecting:
/// the stream and whether it is connected already.
fn open(target: &Target, options: &SocketOptions) -> Result<(SocketStream, bool), c_int> {
    let err = |e: io::Error| socket_error(&e);
    let (socket, address) = match target {
        Target::Ip(addr) => {
            let socket = Socket::new(
                Domain::for_address(*addr),
                Type::STREAM.nonblocking().cloexec(),
                Some(Protocol::TCP),
            )
            .map_err(err)?;
            apply_tcp_options(&socket, options);
            (socket, SockAddr::from(*addr))
        }
        Target::Path(path) => {
            let socket = Socket::new(Domain::UNIX, Type::STREAM.nonblocking().cloexec(), None)
                .map_err(err)?;
            let address =
                SockAddr::unix(path).map_err(|_| AWS_IO_SOCKET_INVALID_ADDRESS as c_int)?;
            (socket, address)
        }
    };
    if let Some(name) = &options.network_interface_name {
        socket
            .bind_device(Some(name.as_bytes()))
            .map_err(|_| AWS_IO_SOCKET_INVALID_OPTIONS as c_int)?;
    }
    let connected = match socket.connect(&address) {
        Ok(()) => true,
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => false,
        Err(e) => return Err(err(e)),
    };
    let stream = match target {
        Target::Ip(_) => SocketStream::Tcp(mio::net::TcpStream::from_std(socket.into())),
        Target::Path(_) => SocketStream::Unix(mio::net::UnixStream::from_std(socket.into())),
    };
    Ok((stream, connected))
}

/// `TCP_NODELAY` and keep-alive, as upstream sets them; a failure is logged and ignored.
fn apply_tcp_options(socket: &Socket, options: &SocketOptions) {
    let warn = |what: &str, r: io::Result<()>| {
        if let Err(e) = r {
            crate::aws_log!(
                AWS_LL_WARN,
                AWS_LS_IO_SOCKET,
                "setsockopt() for {what} failed: {e}"
            );
        }
    };
    match options.tcp_nodelay {
        TcpNoDelay::Default => {}
        TcpNoDelay::On => warn("TCP_NODELAY", socket.set_nodelay(true)),
        TcpNoDelay::Off => warn("TCP_NODELAY", socket.set_nodelay(false)),
    }
    let k = options.keepalive;
    if k.enabled {
        warn("SO_KEEPALIVE", socket.set_keepalive(true));
    }
    let fd = socket.as_raw_fd();
    if k.interval_sec != 0 && k.timeout_sec != 0 {
        warn(
            "TCP_KEEPIDLE",
            set_tcp_int(fd, libc::TCP_KEEPIDLE, k.interval_sec),
        );
        warn(
            "TCP_KEEPINTVL",
            set_tcp_int(fd, libc::TCP_KEEPINTVL, k.timeout_sec),
        );
    }
    if k.max_failed_probes != 0 {
        warn(
            "TCP_KEEPCNT",
            set_tcp_int(fd, libc::TCP_KEEPCNT, k.max_failed_probes),
        );
    }
}

/// Sets an `IPPROTO_TCP` option to an integer (socket2 would turn `SO_KEEPALIVE` on with them).
fn set_tcp_int(fd: RawFd, option: c_int, value: u16) -> io::Result<()> {
    let value = c_int::from(value);
    // SAFETY: a valid socket and a pointer to an int of the given size.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            libc::IPPROTO_TCP,
            option,
            (&value as *const c_int).cast(),
            size_of::<c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Upstream's aws error code for a socket error (posix `s_determine_socket_error`).
pub fn socket_error(e: &io::Error) -> c_int {
    let Some(errno) = e.raw_os_error() else {
        return AWS_IO_SOCKET_NOT_CONNECTED as c_int;
    };
    (match errno {
        libc::ECONNREFUSED => AWS_IO_SOCKET_CONNECTION_REFUSED as c_int,
        libc::ECONNRESET => AWS_IO_SOCKET_CLOSED as c_int,
        libc::ETIMEDOUT => AWS_IO_SOCKET_TIMEOUT as c_int,
        libc::EHOSTUNREACH | libc::ENETUNREACH => AWS_IO_SOCKET_NO_ROUTE_TO_HOST as c_int,
        libc::EADDRNOTAVAIL => AWS_IO_SOCKET_INVALID_ADDRESS as c_int,
        libc::ENETDOWN => AWS_IO_SOCKET_NETWORK_DOWN as c_int,
        libc::ECONNABORTED => AWS_IO_SOCKET_CONNECT_ABORTED as c_int,
        libc::EADDRINUSE => AWS_IO_SOCKET_ADDRESS_IN_USE as c_int,
        libc::ENOBUFS | libc::ENOMEM => AWS_ERROR_OOM as c_int,
        libc::EAGAIN => AWS_IO_READ_WOULD_BLOCK as c_int,
        libc::EMFILE | libc::ENFILE => AWS_ERROR_MAX_FDS_EXCEEDED as c_int,
        libc::ENOENT | libc::EINVAL => AWS_ERROR_FILE_INVALID_PATH as c_int,
        libc::EAFNOSUPPORT => AWS_IO_SOCKET_UNSUPPORTED_ADDRESS_FAMILY as c_int,
        libc::EACCES => AWS_ERROR_NO_PERMISSION as c_int,
        _ => AWS_IO_SOCKET_NOT_CONNECTED as c_int,
    }) as c_int
}

impl SocketStream {
    /// After a writable event during a connect: `Ok(true)` connected, `Ok(false)` not yet,
    /// or the error that ended it.
    fn connect_outcome(&self) -> Result<bool, c_int> {
        let (error, peer) = match self {
            SocketStream::Tcp(s) => (s.take_error(), s.peer_addr().map(drop)),
            SocketStream::Unix(s) => (s.take_error(), s.peer_addr().map(drop)),
        };
        match error {
            Ok(Some(e)) | Err(e) => return Err(socket_error(&e)),
            Ok(None) => {}
        }
        match peer {
            Ok(()) => Ok(true),
            Err(e)
                if e.kind() == io::ErrorKind::NotConnected
                    || e.kind() == io::ErrorKind::WouldBlock =>
            {
                Ok(false)
            }
            Err(e) => Err(socket_error(&e)),
        }
    }

    /// Shuts the writing half down (a FIN to the peer); reading goes on.
    pub fn shutdown_write(&self) -> io::Result<()> {
        match self {
            SocketStream::Tcp(s) => s.shutdown(std::net::Shutdown::Write),
            SocketStream::Unix(s) => s.shutdown(std::net::Shutdown::Write),
        }
    }

    /// The peer's IP address and port, for a TCP stream.
    pub fn peer_ip(&self) -> Option<SocketAddr> {
        match self {
            SocketStream::Tcp(s) => s.peer_addr().ok(),
            SocketStream::Unix(_) => None,
        }
    }
}

impl AsRawFd for SocketStream {
    fn as_raw_fd(&self) -> RawFd {
        match self {
            SocketStream::Tcp(s) => s.as_raw_fd(),
            SocketStream::Unix(s) => s.as_raw_fd(),
        }
    }
}

impl Read for SocketStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            SocketStream::Tcp(s) => s.read(buf),
            SocketStream::Unix(s) => s.read(buf),
        }
    }
}

impl Write for SocketStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            SocketStream::Tcp(s) => s.write(buf),
            SocketStream::Unix(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl mio::event::Source for SocketStream {
    fn register(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        interests: mio::Interest,
    ) -> io::Result<()> {
        match self {
            SocketStream::Tcp(s) => s.register(registry, token, interests),
            SocketStream::Unix(s) => s.register(registry, token, interests),
        }
    }

    fn reregister(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        interests: mio::Interest,
    ) -> io::Result<()> {
        match self {
            SocketStream::Tcp(s) => s.reregister(registry, token, interests),
            SocketStream::Unix(s) => s.reregister(registry, token, interests),
        }
    }

    fn deregister(&mut self, registry: &mio::Registry) -> io::Result<()> {
        match self {
            SocketStream::Tcp(s) => s.deregister(registry),
            SocketStream::Unix(s) => s.deregister(registry),
        }
    }
}
