//! What the tests of the HTTP-based providers share: a bootstrap on one loop, a scripted
//! endpoint on 127.0.0.1 (a free port, one answer per connection, the requests handed back),
//! and a request that waits for its answer from the loop thread.

use crate::ffi::auth::credentials::*;
use crate::ffi::auth::credentials_provider::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::io::channel_bootstrap::*;
use crate::ffi::io::event_loop::*;
use crate::ffi::io::host_resolver::*;
use crate::ffi::io::tls_channel_handler::*;
use crate::ffi::io::tls_connection_options::*;
use crate::ffi::io::tls_ctx_options::*;
use crate::transport::tls_test_pki::{Ca, ServerSetup, Validity};
use std::ffi::{c_int, c_void};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::ptr::{null, null_mut};
use std::sync::mpsc;
use std::time::Duration;

/// A loop group, a resolver and a bootstrap, released when dropped.
pub struct Bootstrap(pub *mut aws_client_bootstrap, *mut aws_event_loop_group);

impl Bootstrap {
    pub fn new() -> Self {
        unsafe {
            let a = aws_default_allocator();
            let elg = aws_event_loop_group_new_default(a, 1, null());
            let resolver_options = aws_host_resolver_default_options {
                max_entries: 8,
                el_group: elg,
                shutdown_options: null(),
                system_clock_override_fn: None,
            };
            let resolver = aws_host_resolver_new_default(a, &resolver_options);
            let options = aws_client_bootstrap_options {
                event_loop_group: elg,
                host_resolver: resolver,
                host_resolution_config: null(),
                on_shutdown_complete: None,
                user_data: null_mut(),
            };
            let bootstrap = aws_client_bootstrap_new(a, &options);
            aws_host_resolver_release(resolver);
            assert!(!bootstrap.is_null());
            Self(bootstrap, elg)
        }
    }
}

impl Drop for Bootstrap {
    fn drop(&mut self) {
        unsafe {
            aws_client_bootstrap_release(self.0);
            aws_event_loop_group_release(self.1);
        }
    }
}

/// A server answering each connection with the next of `answers`; it hands back the requests.
pub fn serve(answers: Vec<String>) -> (u16, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let thread = std::thread::spawn(move || {
        let mut requests = Vec::new();
        for answer in answers {
            let (mut socket, _) = listener.accept().unwrap();
            socket
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.ends_with(b"\r\n\r\n") {
                let n = socket.read(&mut buf).unwrap();
                assert!(n > 0, "the request ended early");
                request.extend_from_slice(&buf[..n]);
            }
            requests.push(String::from_utf8(request).unwrap());
            socket.write_all(answer.as_bytes()).unwrap();
        }
        requests
    });
    (port, thread)
}

pub fn response(status: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// What a request's callback reported: the access key, or the error.
pub type Outcome = Result<String, c_int>;

unsafe extern "C" fn report(
    credentials: *mut aws_credentials,
    error_code: c_int,
    user_data: *mut c_void,
) {
    let sender = unsafe { Box::from_raw(user_data.cast::<mpsc::Sender<Outcome>>()) };
    let outcome = if credentials.is_null() {
        Err(error_code)
    } else {
        let key = unsafe { aws_credentials_get_access_key_id(credentials).as_bytes() }
            .unwrap()
            .to_vec();
        Ok(String::from_utf8(key).unwrap())
    };
    sender.send(outcome).unwrap();
}

/// Asks `provider` and waits for the answer (which comes on a loop thread).
pub fn ask(provider: *mut aws_credentials_provider) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let data = Box::into_raw(Box::new(tx));
    let rc =
        unsafe { aws_credentials_provider_get_credentials(provider, Some(report), data.cast()) };
    if rc != 0 {
        drop(unsafe { Box::from_raw(data) });
        return Err(-aws_last_error());
    }
    rx.recv_timeout(Duration::from_secs(20)).expect("an answer")
}

pub fn cur(s: &str) -> aws_byte_cursor {
    aws_byte_cursor::from_slice(s.as_bytes())
}

/// An HTTPS server answering each connection with the next of `answers`: the requests it read
/// (head and body), or why a TLS session failed.
pub fn serve_tls(
    setup: &ServerSetup,
    answers: Vec<String>,
) -> (u16, std::thread::JoinHandle<Result<Vec<String>, String>>) {
    let config = setup.config();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let thread = std::thread::spawn(move || {
        let mut requests = Vec::new();
        for answer in answers {
            let (socket, _) = listener.accept().unwrap();
            socket
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let connection = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(connection, socket);
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            // The head, then as much body as it declares.
            let complete = |r: &[u8]| {
                let Some(end) = r.windows(4).position(|w| w == b"\r\n\r\n") else {
                    return false;
                };
                let head = String::from_utf8_lossy(&r[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                r.len() >= end + 4 + length
            };
            while !complete(&request) {
                let n = tls.read(&mut buf).map_err(|e| e.to_string())?;
                if n == 0 {
                    return Err("closed".into());
                }
                request.extend_from_slice(&buf[..n]);
            }
            tls.write_all(answer.as_bytes())
                .map_err(|e| e.to_string())?;
            tls.conn.send_close_notify();
            let _ = tls.flush();
            requests.push(String::from_utf8(request).unwrap());
        }
        Ok(requests)
    });
    (port, thread)
}

/// TLS connection options for a device with `client` trusting `ca`.
pub struct Device {
    ctx: *mut aws_tls_ctx,
    /// The connection options a provider takes.
    pub connection: aws_tls_connection_options,
}

impl Device {
    pub fn new(ca: &str, cert: &str, key: &str) -> Self {
        unsafe {
            let mut options = std::mem::zeroed::<aws_tls_ctx_options>();
            let (cert, key, ca) = (cur(cert), cur(key), cur(ca));
            assert_eq!(
                aws_tls_ctx_options_init_client_mtls(
                    &mut options,
                    aws_default_allocator(),
                    &cert,
                    &key
                ),
                0
            );
            assert_eq!(
                aws_tls_ctx_options_override_default_trust_store(&mut options, &ca),
                0
            );
            let ctx = aws_tls_client_ctx_new(aws_default_allocator(), &options);
            aws_tls_ctx_options_clean_up(&mut options);
            assert!(!ctx.is_null());
            let mut connection = std::mem::zeroed::<aws_tls_connection_options>();
            aws_tls_connection_options_init_from_ctx(&mut connection, ctx);
            Self { ctx, connection }
        }
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        unsafe {
            aws_tls_connection_options_clean_up(&mut self.connection);
            aws_tls_ctx_release(self.ctx);
        }
    }
}

/// An HTTPS endpoint's setup for "localhost" from a fresh test CA, a device trusting that CA
/// (with a client certificate it signed), a bootstrap, and a fresh temporary directory.
pub struct Setup {
    /// The server's configuration, for [`serve_tls`].
    pub server: ServerSetup,
    /// The client side's TLS options.
    pub device: Device,
    /// The bootstrap providers connect through.
    pub bootstrap: Bootstrap,
    /// A directory of this test's own.
    pub dir: std::path::PathBuf,
}

impl Setup {
    /// A setup whose directory is named after `name` and the process.
    pub fn new(name: &str) -> Setup {
        let ca = Ca::new(&format!("{name} test ca"));
        let client = ca.client();
        let dir = std::env::temp_dir().join(format!("auth-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Setup {
            server: ServerSetup::new(ca.server(&["localhost"], Validity::Current)),
            device: Device::new(&ca.pem(), &client.cert_pem, &client.key_pem),
            bootstrap: Bootstrap::new(),
            dir,
        }
    }
}
