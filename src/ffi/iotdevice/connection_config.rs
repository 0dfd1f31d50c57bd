//! What the MQTT 5 and the 3.1.1 builders share: the endpoint (host, port, ALPN), the TLS
//! options of the connection method, the CA, the HTTP proxy, the socket, the bootstrap (one of
//! the builder's own when none is set), the SDK metrics, and what a WebSocket connection
//! signs with. The builders turn it into their client's options at `build`; each built client
//! gets what it needs from here as copies or references, so the builder may go first.

use crate::ffi::auth::credentials_provider::{
    aws_credentials_provider, aws_credentials_provider_acquire, aws_credentials_provider_release,
};
use crate::ffi::auth::provider_options::aws_credentials_provider_chain_default_options;
use crate::ffi::auth::providers_composite::aws_credentials_provider_new_chain_default;
use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard::{self, Error, INVALID_ARGUMENT, Result};
use crate::ffi::http::proxy::aws_http_proxy_options;
use crate::ffi::io::channel_bootstrap::{
    aws_client_bootstrap, aws_client_bootstrap_acquire, aws_client_bootstrap_new,
    aws_client_bootstrap_options, aws_client_bootstrap_release,
};
use crate::ffi::io::event_loop::{
    aws_event_loop_group, aws_event_loop_group_new_default, aws_event_loop_group_release,
};
use crate::ffi::io::host_resolver::{
    aws_host_resolver, aws_host_resolver_default_options, aws_host_resolver_new_default,
    aws_host_resolver_release,
};
use crate::ffi::io::socket::{aws_socket_domain, aws_socket_options, aws_socket_type};
use crate::ffi::io::tls_channel_handler::{
    aws_tls_client_ctx_new, aws_tls_connection_options, aws_tls_ctx, aws_tls_ctx_options,
    aws_tls_ctx_release, aws_tls_is_alpn_available,
};
use crate::ffi::io::tls_connection_options::{
    aws_tls_connection_options_clean_up, aws_tls_connection_options_copy,
    aws_tls_connection_options_init_from_ctx, aws_tls_connection_options_set_alpn_list,
};
use crate::ffi::io::tls_ctx_options::{
    aws_tls_ctx_options_clean_up, aws_tls_ctx_options_override_default_trust_store,
    aws_tls_ctx_options_override_default_trust_store_from_path,
};
use crate::ffi::iotdevice::custom_authorizer::CustomAuth;
use crate::ffi::iotdevice::endpoint::{Endpoint, PORT_HTTPS, endpoint};
use crate::ffi::iotdevice::websocket_signing::{Sigv4Signer, identity_transform, sigv4_transform};
use crate::ffi::mqtt::mqtt::{aws_mqtt_iot_metrics, aws_mqtt_metadata_entry};
use crate::ffi::mqtt::v5::mqtt5_client::aws_mqtt5_transform_websocket_handshake_fn;
use std::ffi::{CString, c_char, c_int, c_void};
use std::mem::MaybeUninit;
use std::ptr;

/// The connect timeout of the builders' default socket options (the SDKs').
const DEFAULT_CONNECT_TIMEOUT_MS: u32 = 5000;
/// The `Metadata` key the SDKs report their version under.
const SDK_VERSION_KEY: &[u8] = b"IoTSDKVersion";

/// How the connection signs in.
pub enum Method {
    /// Mutual TLS: the identity is in the TLS options.
    Mtls,
    /// A WebSocket whose upgrade is presigned with SigV4 for `region`, with credentials from
    /// `provider` (one reference held), or from the default chain when it is NULL.
    WebsocketSigv4 {
        /// The signing region.
        region: Vec<u8>,
        /// The credentials provider; NULL: the default chain, made at the first build.
        provider: *mut aws_credentials_provider,
    },
    /// A custom authorizer, directly over TLS or over a WebSocket.
    CustomAuthorizer {
        /// The configuration.
        auth: CustomAuth,
        /// Over a WebSocket (no signing) rather than directly.
        websocket: bool,
    },
}

/// A copy of the caller's HTTP proxy options.
struct OwnedProxy {
    options: aws_http_proxy_options,
    host: Vec<u8>,
    username: Vec<u8>,
    password: Vec<u8>,
    tls: Option<Box<aws_tls_connection_options>>,
}

impl OwnedProxy {
    /// The options, pointing into this copy.
    fn view(&self) -> aws_http_proxy_options {
        let mut o = self.options;
        o.host = aws_byte_cursor::from_slice(&self.host);
        o.auth_username = aws_byte_cursor::from_slice(&self.username);
        o.auth_password = aws_byte_cursor::from_slice(&self.password);
        o.no_proxy_hosts = aws_byte_cursor::EMPTY;
        o.tls_options = self.tls.as_deref().map_or(ptr::null(), ptr::from_ref);
        o
    }
}

impl Drop for OwnedProxy {
    fn drop(&mut self) {
        if let Some(tls) = self.tls.as_deref_mut() {
            // SAFETY: a copy made by `aws_tls_connection_options_copy`.
            unsafe { aws_tls_connection_options_clean_up(tls) };
        }
    }
}

/// The event-loop group and host resolver behind a bootstrap the builder made itself.
struct OwnIo {
    group: *mut aws_event_loop_group,
    resolver: *mut aws_host_resolver,
}

/// A TLS context and connection options made for one build; released on drop (a client
/// made from them holds its own references).
pub struct TlsConnection {
    ctx: *mut aws_tls_ctx,
    /// The connection options.
    pub options: aws_tls_connection_options,
}

impl Drop for TlsConnection {
    fn drop(&mut self) {
        // SAFETY: initialised from `ctx`, which holds one reference of ours.
        unsafe {
            aws_tls_connection_options_clean_up(&mut self.options);
            aws_tls_ctx_release(self.ctx);
        }
    }
}

/// What a built client owns beyond its options: the signer of its WebSocket upgrades and the
/// caller's termination handler, run when the client terminates.
pub struct ClientExtras {
    /// The SigV4 signer the transform uses, if any.
    pub signer: Option<Box<Sigv4Signer>>,
    /// The caller's termination handler.
    pub on_termination: Option<unsafe extern "C" fn(*mut c_void)>,
    /// Its user data.
    pub on_termination_user_data: *mut c_void,
}

/// The termination handler the builders install: frees the client's extras, then runs the
/// caller's handler.
///
/// # Safety
/// `user_data` must be a boxed [`ClientExtras`] given by a builder, called once.
pub unsafe extern "C" fn on_client_terminated(user_data: *mut c_void) {
    guard::guard((), || {
        // SAFETY: the caller's contract.
        let extras = unsafe { Box::from_raw(user_data.cast::<ClientExtras>()) };
        let (handler, data) = (extras.on_termination, extras.on_termination_user_data);
        drop(extras);
        if let Some(handler) = handler {
            // SAFETY: the caller's handler with its user data.
            unsafe { handler(data) };
        }
        Ok(())
    })
}

/// The part of a builder both protocol versions share.
pub struct ConnectionConfig {
    /// The allocator the builder was made with.
    pub allocator: *mut aws_allocator,
    /// The server's host name.
    pub host: Vec<u8>,
    /// The port set; 0: the method's default.
    pub port: u32,
    tls: Box<aws_tls_ctx_options>,
    /// How the connection signs in.
    pub method: Method,
    proxy: Option<OwnedProxy>,
    /// The socket options.
    pub socket: aws_socket_options,
    bootstrap: *mut aws_client_bootstrap,
    own_io: Option<OwnIo>,
    default_provider: *mut aws_credentials_provider,
    /// Whether the SDK metrics go into the user name.
    pub metrics_enabled: bool,
    sdk_name: Vec<u8>,
    sdk_version: Vec<u8>,
}

/// The text of a cursor as bytes, copied.
///
/// # Safety
/// The cursor must be valid.
pub unsafe fn cursor_copy(c: &aws_byte_cursor) -> Result<Vec<u8>> {
    // SAFETY: forwarded caller contract.
    unsafe { c.as_bytes() }.map(<[u8]>::to_vec)
}

/// `AWS_OP_SUCCESS` or the last error.
fn status(code: c_int) -> Result<()> {
    if code == 0 {
        Ok(())
    } else {
        Err(Error(aws_last_error()))
    }
}

impl ConnectionConfig {
    /// A configuration whose TLS options `init_tls` initialises (with upstream's function of
    /// the method); its failure is the constructor's, with its error.
    ///
    /// # Safety
    /// `allocator` must be valid; `host` a valid cursor.
    pub unsafe fn new(
        allocator: *mut aws_allocator,
        host: &aws_byte_cursor,
        method: Method,
        init_tls: impl FnOnce(*mut aws_tls_ctx_options, *mut aws_allocator) -> c_int,
    ) -> Result<Self> {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::checked(allocator) }?;
        // SAFETY: forwarded caller contract.
        let host = unsafe { cursor_copy(host) }?;
        guard::require(!host.is_empty())?;
        let mut tls = Box::new(MaybeUninit::<aws_tls_ctx_options>::zeroed());
        status(init_tls(tls.as_mut_ptr(), allocator))?;
        // SAFETY: initialised by the successful init call.
        let tls = unsafe { Box::from_raw(Box::into_raw(tls).cast::<aws_tls_ctx_options>()) };
        // SAFETY: all-zero is a valid socket options value; the fields that matter are set.
        let mut socket: aws_socket_options = unsafe { std::mem::zeroed() };
        socket.r#type = aws_socket_type::AWS_SOCKET_STREAM as c_int;
        socket.domain = aws_socket_domain::AWS_SOCKET_IPV4 as c_int;
        socket.connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
        Ok(Self {
            allocator,
            host,
            port: 0,
            tls,
            method,
            proxy: None,
            socket,
            bootstrap: ptr::null_mut(),
            own_io: None,
            default_provider: ptr::null_mut(),
            metrics_enabled: true,
            sdk_name: Vec::new(),
            sdk_version: Vec::new(),
        })
    }

    /// Whether the connection runs over a WebSocket.
    pub fn websocket(&self) -> bool {
        matches!(
            self.method,
            Method::WebsocketSigv4 { .. }
                | Method::CustomAuthorizer {
                    websocket: true,
                    ..
                }
        )
    }

    /// The custom authorizer, if one signs in.
    pub fn custom_authorizer(&self) -> Option<&CustomAuth> {
        match &self.method {
            Method::CustomAuthorizer { auth, .. } => Some(auth),
            _ => None,
        }
    }

    /// The port and ALPN protocol, as the SDKs choose them.
    pub fn endpoint(&self) -> Endpoint {
        let custom = self.custom_authorizer().is_some();
        let e = endpoint(
            self.port,
            self.websocket(),
            custom,
            aws_tls_is_alpn_available(),
        );
        if custom && e.port != PORT_HTTPS {
            crate::aws_log!(
                AWS_LL_WARN,
                AWS_LS_MQTT_GENERAL,
                "iot builder: connecting to a custom authorizer on port {}, not 443",
                e.port
            );
        }
        e
    }

    /// Trusts the PEM CA certificates of the file `ca_file` instead of the system's.
    ///
    /// # Safety
    /// `ca_file` must be NULL or a NUL-terminated string.
    pub unsafe fn set_ca_file(&mut self, ca_file: *const c_char) -> Result<()> {
        guard::require(!ca_file.is_null())?;
        // SAFETY: our initialised options; the caller's string.
        status(unsafe {
            aws_tls_ctx_options_override_default_trust_store_from_path(
                &mut *self.tls,
                ptr::null(),
                ca_file,
            )
        })
    }

    /// Trusts the PEM CA certificates in `ca` instead of the system's.
    ///
    /// # Safety
    /// `ca` must be NULL or a valid cursor.
    pub unsafe fn set_ca(&mut self, ca: *const aws_byte_cursor) -> Result<()> {
        guard::require(!ca.is_null())?;
        // SAFETY: our initialised options; the caller's cursor.
        status(unsafe { aws_tls_ctx_options_override_default_trust_store(&mut *self.tls, ca) })
    }

    /// Copies the caller's proxy options (NULL: no proxy).
    ///
    /// # Safety
    /// `options` must be NULL or valid, with valid cursors and TLS options.
    pub unsafe fn set_proxy(&mut self, options: *const aws_http_proxy_options) -> Result<()> {
        // SAFETY: forwarded caller contract (every dereference below).
        unsafe {
            let Some(o) = options.as_ref() else {
                self.proxy = None;
                return Ok(());
            };
            // Checked now rather than at build: the same rules the clients apply.
            crate::ffi::http::proxy::proxy_settings(o)?;
            let tls = match o.tls_options.as_ref() {
                None => None,
                Some(from) => {
                    let mut copy = Box::new(MaybeUninit::<aws_tls_connection_options>::zeroed());
                    status(aws_tls_connection_options_copy(copy.as_mut_ptr(), from))?;
                    Some(Box::from_raw(
                        Box::into_raw(copy).cast::<aws_tls_connection_options>(),
                    ))
                }
            };
            self.proxy = Some(OwnedProxy {
                options: *o,
                host: cursor_copy(&o.host)?,
                username: cursor_copy(&o.auth_username)?,
                password: cursor_copy(&o.auth_password)?,
                tls,
            });
            Ok(())
        }
    }

    /// The proxy options to hand a client, pointing into the builder.
    pub fn proxy_view(&self) -> Option<aws_http_proxy_options> {
        self.proxy.as_ref().map(OwnedProxy::view)
    }

    /// Uses `bootstrap` (a reference is taken) instead of one of the builder's own.
    ///
    /// # Safety
    /// `bootstrap` must be NULL or live.
    pub unsafe fn set_bootstrap(&mut self, bootstrap: *mut aws_client_bootstrap) -> Result<()> {
        guard::require(!bootstrap.is_null())?;
        // SAFETY: the caller's live bootstrap; ours, if any, was taken by `bootstrap()`.
        unsafe {
            aws_client_bootstrap_acquire(bootstrap);
            self.release_io();
        }
        self.bootstrap = bootstrap;
        Ok(())
    }

    /// Sets the SDK name and version the metrics report (empty name: upstream's default).
    ///
    /// # Safety
    /// The cursors must be valid.
    pub unsafe fn set_sdk(
        &mut self,
        name: &aws_byte_cursor,
        version: &aws_byte_cursor,
    ) -> Result<()> {
        // SAFETY: forwarded caller contract.
        unsafe {
            self.sdk_name = cursor_copy(name)?;
            self.sdk_version = cursor_copy(version)?;
        }
        Ok(())
    }

    /// The metrics to append to the user name (`entry` holds the version's metadata), or NULL
    /// when they are switched off.
    pub fn metrics(&self, entry: &mut aws_mqtt_metadata_entry) -> Option<aws_mqtt_iot_metrics> {
        if !self.metrics_enabled {
            return None;
        }
        entry.key = aws_byte_cursor::from_slice(SDK_VERSION_KEY);
        entry.value = aws_byte_cursor::from_slice(&self.sdk_version);
        let with_version = !self.sdk_version.is_empty();
        Some(aws_mqtt_iot_metrics {
            library_name: aws_byte_cursor::from_slice(&self.sdk_name),
            metadata_count: usize::from(with_version),
            metadata_entries: if with_version { entry } else { ptr::null() },
        })
    }

    /// The bootstrap clients are made with: the caller's, else one of the builder's own (one
    /// loop thread), made now.
    pub fn bootstrap(&mut self) -> Result<*mut aws_client_bootstrap> {
        if !self.bootstrap.is_null() {
            return Ok(self.bootstrap);
        }
        // SAFETY: the allocator was checked; each object is released by `release_io`.
        unsafe {
            let group = aws_event_loop_group_new_default(self.allocator, 1, ptr::null());
            if group.is_null() {
                return Err(Error(aws_last_error()));
            }
            let resolver_options = aws_host_resolver_default_options {
                max_entries: 8,
                el_group: group,
                shutdown_options: ptr::null(),
                system_clock_override_fn: None,
            };
            let resolver = aws_host_resolver_new_default(self.allocator, &resolver_options);
            let bootstrap = if resolver.is_null() {
                ptr::null_mut()
            } else {
                let options = aws_client_bootstrap_options {
                    event_loop_group: group,
                    host_resolver: resolver,
                    host_resolution_config: ptr::null(),
                    on_shutdown_complete: None,
                    user_data: ptr::null_mut(),
                };
                aws_client_bootstrap_new(self.allocator, &options)
            };
            self.own_io = Some(OwnIo { group, resolver });
            if bootstrap.is_null() {
                let error = aws_last_error();
                self.release_io();
                return Err(Error(error));
            }
            self.bootstrap = bootstrap;
        }
        Ok(self.bootstrap)
    }

    /// Releases the bootstrap (and what the builder made it from).
    ///
    /// # Safety
    /// Only from `set_bootstrap` and `drop`.
    unsafe fn release_io(&mut self) {
        // SAFETY: references held by this configuration.
        unsafe {
            if !self.bootstrap.is_null() {
                aws_client_bootstrap_release(self.bootstrap);
                self.bootstrap = ptr::null_mut();
            }
            if let Some(io) = self.own_io.take() {
                if !io.resolver.is_null() {
                    aws_host_resolver_release(io.resolver);
                }
                aws_event_loop_group_release(io.group);
            }
        }
    }

    /// A TLS context and connection options for one build, offering `endpoint`'s ALPN.
    pub fn tls_connection(&mut self, endpoint: &Endpoint) -> Result<TlsConnection> {
        // SAFETY: our initialised options; the context is released by `TlsConnection`.
        unsafe {
            let ctx = aws_tls_client_ctx_new(self.allocator, &*self.tls);
            if ctx.is_null() {
                return Err(Error(aws_last_error()));
            }
            let mut options = MaybeUninit::<aws_tls_connection_options>::zeroed();
            aws_tls_connection_options_init_from_ctx(options.as_mut_ptr(), ctx);
            let mut tls = TlsConnection {
                ctx,
                options: options.assume_init(),
            };
            if let Some(alpn) = endpoint.alpn {
                let alpn = CString::new(alpn).map_err(|_| INVALID_ARGUMENT)?;
                status(aws_tls_connection_options_set_alpn_list(
                    &mut tls.options,
                    self.allocator,
                    alpn.as_ptr(),
                ))?;
            }
            Ok(tls)
        }
    }

    /// The WebSocket transform and the signer it needs, for a WebSocket method; `None` for a
    /// direct connection. The default credentials chain is made at the first call.
    pub fn websocket_transform(
        &mut self,
    ) -> Result<
        Option<(
            aws_mqtt5_transform_websocket_handshake_fn,
            Option<Box<Sigv4Signer>>,
        )>,
    > {
        let region = match &self.method {
            Method::WebsocketSigv4 { region, provider } => (region.clone(), *provider),
            Method::CustomAuthorizer {
                websocket: true, ..
            } => return Ok(Some((identity_transform, None))),
            _ => return Ok(None),
        };
        let (region, mut provider) = region;
        if provider.is_null() {
            if self.default_provider.is_null() {
                let bootstrap = self.bootstrap()?;
                // SAFETY: all-zero is "no options" for every other field.
                let mut options: aws_credentials_provider_chain_default_options =
                    unsafe { std::mem::zeroed() };
                options.bootstrap = bootstrap;
                // SAFETY: valid options; the provider is released by `drop`.
                let made =
                    unsafe { aws_credentials_provider_new_chain_default(self.allocator, &options) };
                if made.is_null() {
                    return Err(Error(aws_last_error()));
                }
                self.default_provider = made;
            }
            provider = self.default_provider;
        }
        // SAFETY: a live provider held by this configuration.
        let signer = unsafe { Sigv4Signer::new(self.allocator, provider, &region) };
        Ok(Some((sigv4_transform, Some(Box::new(signer)))))
    }
}

impl Method {
    /// The WebSocket + SigV4 method, holding a reference to `provider` (NULL: default chain).
    ///
    /// # Safety
    /// `provider` must be NULL or live; `region` a valid cursor.
    pub unsafe fn websocket_sigv4(
        region: &aws_byte_cursor,
        provider: *mut aws_credentials_provider,
    ) -> Result<Self> {
        // SAFETY: forwarded caller contract.
        let region = unsafe { cursor_copy(region) }?;
        guard::require(!region.is_empty())?;
        if !provider.is_null() {
            // SAFETY: forwarded caller contract; released when the method drops.
            unsafe { aws_credentials_provider_acquire(provider) };
        }
        Ok(Method::WebsocketSigv4 { region, provider })
    }
}

impl Drop for Method {
    fn drop(&mut self) {
        if let Method::WebsocketSigv4 { provider, .. } = self {
            if !provider.is_null() {
                // SAFETY: the reference taken by `websocket_sigv4`.
                unsafe { aws_credentials_provider_release(*provider) };
            }
        }
    }
}

impl Drop for ConnectionConfig {
    fn drop(&mut self) {
        // SAFETY: everything below is held by this configuration.
        unsafe {
            if !self.default_provider.is_null() {
                aws_credentials_provider_release(self.default_provider);
            }
            self.proxy = None;
            self.release_io();
            aws_tls_ctx_options_clean_up(&mut *self.tls);
        }
    }
}
