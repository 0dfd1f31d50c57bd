//! `aws/auth/credentials.h`: the X.509 provider, AWS IoT's credentials endpoint. Each request
//! is a `GET /role-aliases/<role alias>/credentials` on port 443 of the endpoint, over mutual
//! TLS with the device's certificate (the options' TLS connection options, server name set to
//! the endpoint), carrying `x-amzn-iot-thingname`; the answer (`{"credentials": {accessKeyId,
//! secretAccessKey, sessionToken, expiration}}`) comes on one of the bootstrap's loops. As
//! upstream: a non-200 answer is `AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE`, an answer
//! that is not such a document `AWS_AUTH_CREDENTIALS_PROVIDER_X509_SOURCE_FAILURE`, a connection
//! or TLS failure its own code.
//!
//! Differences: HTTP proxies (`proxy_options`) are refused with
//! `AWS_ERROR_UNSUPPORTED_OPERATION`; the port is taken from the endpoint when it names one
//! (`host:port`, which upstream does not parse), 443 otherwise.

use crate::auth::document::{self, IOT};
use crate::auth::http_fetch::{self, Request, Response};
use crate::connection::connector::Connector;
use crate::error::aws_auth_errors::{
    AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE,
    AWS_AUTH_CREDENTIALS_PROVIDER_X509_SOURCE_FAILURE,
};
use crate::error::aws_common_error::AWS_ERROR_UNSUPPORTED_OPERATION;
use crate::ffi::auth::credentials_provider::{
    Completion, Source, aws_credentials_provider, new_provider,
};
use crate::ffi::auth::provider_options::aws_credentials_provider_x509_options;
use crate::ffi::auth::provider_support::{credentials, text};
use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::guard::{self, Result, require};
use crate::ffi::io::channel_bootstrap::connector_of;
use crate::ffi::io::tls_connection_options::connection_settings;
use crate::transport::tls::TlsConnectionSettings;
use std::ffi::c_int;
use std::time::Duration;

/// Upstream's connect timeout for the credentials endpoint.
const TIMEOUT: Duration = Duration::from_secs(2);

/// The endpoint and what to ask it.
struct X509 {
    connector: Connector,
    host: String,
    port: u32,
    path: String,
    thing_name: Vec<u8>,
    tls: TlsConnectionSettings,
}

impl Source for X509 {
    fn get_credentials(&self, done: Completion) -> Result<()> {
        let request = Request {
            method: "GET",
            host: self.host.clone(),
            port: self.port,
            path: self.path.clone(),
            headers: vec![
                ("x-amzn-iot-thingname".to_string(), self.thing_name.clone()),
                ("Accept".to_string(), b"*/*".to_vec()),
                (
                    "User-Agent".to_string(),
                    b"aws-sdk-crt/x509-credentials-provider".to_vec(),
                ),
            ],
            tls: Some(self.tls.clone()),
            body: Vec::new(),
        };
        http_fetch::fetch(
            &self.connector,
            request,
            TIMEOUT,
            Box::new(
                move |answer: std::result::Result<Response, c_int>| match answer {
                    Ok(r) if r.status == 200 => done.finish(
                        document::parse(&r.body, &IOT)
                            .map(credentials)
                            .map_err(|_| AWS_AUTH_CREDENTIALS_PROVIDER_X509_SOURCE_FAILURE.into()),
                    ),
                    Ok(_) => done.fail(AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE as c_int),
                    Err(code) => done.fail(code),
                },
            ),
        );
        Ok(())
    }
}

/// A provider asking AWS IoT's credentials endpoint for the role alias's credentials.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_credentials_provider_new_x509(
    allocator: *mut aws_allocator,
    options: *const aws_credentials_provider_x509_options,
) -> *mut aws_credentials_provider {
    guard::ptr(|| unsafe {
        let o = guard::reference(options)?;
        require(!o.bootstrap.is_null() && !o.tls_connection_options.is_null())?;
        let (thing_name, role_alias) = (text(&o.thing_name)?, text(&o.role_alias)?);
        require(!thing_name.is_empty() && !role_alias.is_empty())?;
        if !o.proxy_options.is_null() {
            return Err(AWS_ERROR_UNSUPPORTED_OPERATION.into());
        }
        let (host, port) = http_fetch::host_and_port(&text(&o.endpoint)?)?;
        require(!host.is_empty())?;
        let mut tls = connection_settings(o.tls_connection_options)?;
        tls.server_name = Some(host.clone());
        let x509 = X509 {
            connector: connector_of(o.bootstrap)?,
            host,
            port,
            path: format!("/role-aliases/{role_alias}/credentials"),
            thing_name: thing_name.into_bytes(),
            tls,
        };
        new_provider(allocator, o.shutdown_options, x509)
    })
}
