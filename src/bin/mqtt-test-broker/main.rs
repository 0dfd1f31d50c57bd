//! `mqtt-test-broker`: the project's scriptable MQTT 3.1.1 / 5 test broker, built on the
//! library's codec. A small conforming broker by default; misbehaves on demand for tests
//! (command-line settings and scenario files, see [`cli::HELP`]); logs every packet as JSON
//! Lines. Blocking sockets (TLS optional), one thread per connection, shared state behind one
//! mutex.

mod authenticate;
mod behaviour;
mod broker;
mod cli;
mod connect;
mod connection;
mod custom_auth;
mod describe;
mod fault_proxy;
mod handle;
mod json;
mod log;
mod matching;
mod router;
mod scenario;
mod scram;
mod session;
mod tls;
mod transport;
mod ws_bridge;
mod ws_sigv4;

use crate::broker::Shared;
use crate::connection::Connection;
use crate::log::{Log, Origin};
use std::io::Write;
use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often expired sessions are removed and delayed wills published.
const HOUSEKEEPING: Duration = Duration::from_millis(50);

fn main() -> ExitCode {
    let options = match cli::parse(std::env::args().skip(1)) {
        Ok(cli::Command::Help) => {
            print!("{}", cli::HELP);
            return ExitCode::SUCCESS;
        }
        Ok(cli::Command::Run(options)) => *options,
        Err(e) => {
            eprintln!("mqtt-test-broker: {e} (see --help)");
            return ExitCode::from(2);
        }
    };
    match run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mqtt-test-broker: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: cli::Options) -> std::io::Result<()> {
    let tls = match &options.tls {
        Some(t) => Some(tls::server_config(t).map_err(std::io::Error::other)?),
        None => None,
    };
    let listener = TcpListener::bind(("127.0.0.1", options.port))?;
    let log = Log::open(options.log.as_deref())?;
    let mut shared = Shared::new(log, options.plan);
    shared.authorizer = options.authorizer;
    let shared = Arc::new(shared);
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening {}", listener.local_addr()?)?;
    stdout.flush()?;
    let housekeeping = shared.clone();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(HOUSEKEEPING);
            housekeeping.lock().tick(Instant::now());
        }
    });
    let mut number = 0;
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                eprintln!("mqtt-test-broker: accept failed: {e}");
                continue;
            }
        };
        number += 1;
        let _ = stream.set_nodelay(true);
        let peer = stream
            .peer_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        shared.log.event(
            Origin {
                conn: number,
                client_id: None,
            },
            "accept",
            |o| {
                o.str("peer", &peer);
            },
        );
        let (shared, tls, ws) = (shared.clone(), tls.clone(), options.ws.clone());
        let fault = options.fault.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("conn-{number}"))
            .spawn(move || match (tls, ws, fault) {
                (_, _, Some(fault)) => fault_proxy::serve(stream, &fault, shared, number),
                (Some(config), ws, None) => tls::serve(stream, config, shared, number, ws),
                (None, Some(ws), None) => ws_bridge::serve(stream, &ws, shared, number),
                (None, None, None) => Connection::new(stream, shared, number).run(),
            });
        if let Err(e) = spawned {
            eprintln!("mqtt-test-broker: cannot start a connection thread: {e}");
        }
    }
    Ok(())
}
