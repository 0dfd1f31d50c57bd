//! The driver over TCP to a tiny broker on 127.0.0.1, with the real 3.1.1 engine wrapped in a
//! test-only fault hook that can panic while it takes received bytes: a panic in a step is
//! contained, a close that arrives with the last bytes is not missed, and neither is what the
//! peer said before a reset that a write runs into.

use super::*;
use crate::client::mqtt311::{Engine as Engine311, Event, Failure, Outcome, Request, Settings};
use crate::codec::{Publish, QoS};
use crate::connection::connector::Connector;
use crate::connection::mqtt311_protocol::Mqtt311Command;
use crate::error::aws_io_errors::AWS_IO_SOCKET_CLOSED;
use crate::runtime::event_loop::Clock;
use crate::runtime::event_loop_group::EventLoopGroup;
use crate::runtime::host_resolver::{HostResolver, ResolutionConfig, ResolverOptions};
use crate::transport::socket_options::SocketOptions;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

type Inner = Engine311<u16, ()>;
type TestCommand = Command<Mqtt311Command<u16, ()>>;

/// The fault hook: the engine, panicking in `receive` once `armed` is set.
struct Faulty {
    engine: Inner,
    armed: Arc<AtomicBool>,
}

impl Protocol for Faulty {
    type Command = Mqtt311Command<u16, ()>;
    type Event = Event<u16>;

    fn apply(&mut self, command: Self::Command) {
        Protocol::apply(&mut self.engine, command)
    }
    fn poll_action(&mut self) -> Option<Action> {
        self.engine.poll_action()
    }
    fn has_actions(&self) -> bool {
        self.engine.has_actions()
    }
    fn transport_opened(&mut self, now: u64) {
        self.engine.transport_opened(now)
    }
    fn transport_closed(&mut self, now: u64, error: Option<i32>) {
        Protocol::transport_closed(&mut self.engine, now, error)
    }
    fn receive(&mut self, now: u64, bytes: &[u8]) {
        if self.armed.swap(false, Ordering::SeqCst) {
            panic!("fault hook: a bug while taking received bytes");
        }
        self.engine.receive(now, bytes)
    }
    fn next_deadline(&self) -> Option<u64> {
        self.engine.next_deadline()
    }
    fn on_timer(&mut self, now: u64) {
        self.engine.on_timer(now)
    }
    fn poll_transmit(&mut self, now: u64, out: &mut Vec<u8>, limit: usize) {
        self.engine.poll_transmit(now, out, limit)
    }
    fn take_events(&mut self, into: &mut VecDeque<Self::Event>) {
        self.engine.take_events(into)
    }
    fn shut_down(&mut self) {
        self.engine.shut_down()
    }
}

/// What the delegate saw, sent to the test; commands come from the test.
#[derive(Debug, PartialEq)]
enum Seen {
    Connected,
    Interrupted(Failure),
    Completed(u16, Outcome),
}

struct Recorder {
    seen: Sender<Seen>,
    commands: Arc<Mutex<Vec<TestCommand>>>,
}

impl Delegate<Faulty> for Recorder {
    type Context = ();
    fn take_commands(&mut self, into: &mut Vec<TestCommand>) {
        into.append(&mut lock(&self.commands));
    }
    fn prepare(&mut self, _: &Event<u16>, _: &Faulty, _: &mut ()) {}
    fn deliver(&mut self, event: Event<u16>, _: &mut (), _: &mut Vec<Mqtt311Command<u16, ()>>) {
        let seen = match event {
            Event::ConnectionComplete { error: None, .. } => Seen::Connected,
            Event::Interrupted { error } => Seen::Interrupted(error),
            Event::Complete { token, outcome, .. } => Seen::Completed(token, outcome),
            _ => return,
        };
        let _ = self.seen.send(seen);
    }
    fn after_step(&mut self, _: &Faulty) {}
}

/// A broker for one connection: CONNACK, then a PUBACK for the first PUBLISH (packet id 1);
/// afterwards it reads until the client goes.
fn broker() -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let thread = std::thread::spawn(move || {
        let (mut sock, _) = listener.accept().unwrap();
        sock.set_read_timeout(Some(WAIT)).unwrap();
        let mut buf = [0u8; 256];
        let n = sock.read(&mut buf).unwrap();
        assert_eq!(buf[0], 0x10, "CONNECT first ({n} bytes)");
        sock.write_all(&[0x20, 0x02, 0x00, 0x00]).unwrap();
        let n = sock.read(&mut buf).unwrap();
        assert_eq!(buf[0] & 0xF0, 0x30, "then the PUBLISH ({n} bytes)");
        sock.write_all(&[0x40, 0x02, 0x00, 0x01]).unwrap();
        while matches!(sock.read(&mut buf), Ok(n) if n > 0) {}
    });
    (port, thread)
}

fn next(seen: &Receiver<Seen>) -> Seen {
    seen.recv_timeout(WAIT).expect("an event")
}

/// A driver with the fault hook over TCP to a broker on `port`, connected.
struct Rig {
    /// Keeps the loop's thread alive.
    _group: Arc<EventLoopGroup>,
    event_loop: EventLoop,
    handle: Handle<Faulty, Recorder>,
    commands: Arc<Mutex<Vec<TestCommand>>>,
    seen: Receiver<Seen>,
    armed: Arc<AtomicBool>,
}

impl Rig {
    fn connect(port: u16) -> Rig {
        let group = EventLoopGroup::new(1, Clock::Monotonic, None).unwrap();
        let event_loop = group.next_loop().clone();
        let armed = Arc::new(AtomicBool::new(false));
        let (seen_tx, seen) = channel();
        let commands = Arc::new(Mutex::new(Vec::new()));
        let delegate = Recorder {
            seen: seen_tx,
            commands: commands.clone(),
        };
        let settings = Settings {
            client_id: "fault".into(),
            clean_session: true,
            ..Settings::default()
        };
        let engine = Faulty {
            engine: Inner::new(settings.clone()),
            armed: armed.clone(),
        };
        let handle = Handle::new(event_loop.clone(), engine, delegate);
        let endpoint = Endpoint {
            host: "127.0.0.1".into(),
            port: port.into(),
            socket: SocketOptions::default(),
            tls: None,
            proxy: None,
            websocket: None,
            connector: Connector {
                group: group.clone(),
                resolver: HostResolver::new(ResolverOptions::default()),
                resolution: ResolutionConfig::default(),
            },
        };
        let rig = Rig {
            _group: group,
            event_loop,
            handle,
            commands,
            seen,
            armed,
        };
        rig.send(Command::Endpoint(Box::new(endpoint)));
        rig.send(Command::Protocol(Mqtt311Command::Connect(Box::new(
            settings,
        ))));
        assert_eq!(next(&rig.seen), Seen::Connected);
        rig
    }

    fn send(&self, command: TestCommand) {
        lock(&self.commands).push(command);
        let h = self.handle.clone();
        self.event_loop.schedule_now(Box::new(move || h.wake()));
    }

    /// A QoS 1 PUBLISH, token 1, packet id 1.
    fn publish(&self) {
        self.send(publish_command(1));
    }
}

/// A QoS 1 PUBLISH to "fault/t" with token and packet id `id`.
fn publish_command(id: u16) -> TestCommand {
    let publish = Publish {
        qos: QoS::AtLeastOnce,
        topic: "fault/t".into(),
        payload: b"x".to_vec().into(),
        ..Default::default()
    };
    Command::Protocol(Mqtt311Command::Submit(
        id,
        Request::publish(publish.as_parts()).unwrap(),
        id,
        0,
        0,
    ))
}

impl Drop for Rig {
    fn drop(&mut self) {
        self.handle.shut_down();
    }
}

#[test]
fn a_panic_in_a_step_ends_the_connection_and_completes_each_operation_once() {
    let (port, broker) = broker();
    let rig = Rig::connect(port);

    // The PUBACK arrives while the fault hook is armed: the engine panics taking it.
    rig.armed.store(true, Ordering::SeqCst);
    rig.publish();

    // The connection ends with AWS_ERROR_UNKNOWN; the clean session's publish fails, once
    // (the engine settles its operations before it reports the interruption).
    assert_eq!(
        [next(&rig.seen), next(&rig.seen)],
        [
            Seen::Completed(1, Outcome::Failed(Failure::CancelledForCleanSession)),
            Seen::Interrupted(Failure::Transport(AWS_ERROR_UNKNOWN as i32)),
        ]
    );
    // The loop goes on, and nothing completes twice.
    let (ran_tx, ran) = channel();
    rig.event_loop
        .schedule_now(Box::new(move || ran_tx.send(()).unwrap()));
    ran.recv_timeout(WAIT).expect("the loop still runs");
    assert!(
        !matches!(
            rig.seen.recv_timeout(Duration::from_millis(300)),
            Ok(Seen::Completed(..))
        ),
        "a second completion"
    );
    drop(rig);
    broker.join().unwrap();
}

/// Connects a rig to a broker that answers the CONNECT and takes the first PUBLISH; then, while
/// the rig's loop is held, the broker sends that PUBLISH's PUBACK and ends the connection with
/// `end`, and `then` (made from the rig) runs on the loop before it polls again.
fn puback_then_end(
    end: impl FnOnce(TcpStream) + Send + 'static,
    then: impl FnOnce(&Rig) -> Box<dyn FnOnce() + Send>,
) -> (Rig, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (got_publish_tx, got_publish) = channel();
    let (go_tx, go) = channel::<()>();
    let (ended_tx, ended) = channel();
    let broker = std::thread::spawn(move || {
        let (mut sock, _) = listener.accept().unwrap();
        sock.set_read_timeout(Some(WAIT)).unwrap();
        let mut buf = [0u8; 256];
        let n = sock.read(&mut buf).unwrap();
        assert_eq!((n > 0, buf[0]), (true, 0x10), "CONNECT first");
        sock.write_all(&[0x20, 0x02, 0x00, 0x00]).unwrap();
        let n = sock.read(&mut buf).unwrap();
        got_publish_tx.send((n > 0).then_some(buf[0])).unwrap();
        go.recv_timeout(WAIT).unwrap();
        sock.write_all(&[0x40, 0x02, 0x00, 0x01]).unwrap();
        end(sock);
        ended_tx.send(()).unwrap();
    });
    let rig = Rig::connect(port);
    rig.publish();
    let first = got_publish.recv_timeout(WAIT).unwrap();
    assert_eq!(first.map(|b| b & 0xF0), Some(0x30), "then the PUBLISH");

    let (held_tx, held) = channel();
    let then = then(&rig);
    rig.event_loop.schedule_now(Box::new(move || {
        held_tx.send(()).unwrap();
        ended.recv_timeout(WAIT).unwrap();
        then();
    }));
    held.recv_timeout(WAIT).unwrap();
    go_tx.send(()).unwrap();
    (rig, broker)
}

/// The driver stops reading at a short read (the socket is drained; a later arrival raises a
/// new event), but a close seen with the last bytes raises no event of its own: the PUBACK and
/// the broker's FIN reach the socket together, while the loop is held busy, and the connection
/// must still end, with upstream's `AWS_IO_SOCKET_CLOSED`.
#[test]
fn the_last_bytes_and_the_close_arriving_together_end_the_connection() {
    let (rig, broker) = puback_then_end(drop, |_| Box::new(|| {}));
    assert_eq!(
        [next(&rig.seen), next(&rig.seen)],
        [
            Seen::Completed(1, Outcome::Success),
            Seen::Interrupted(Failure::Transport(AWS_IO_SOCKET_CLOSED as i32)),
        ]
    );
    broker.join().unwrap();
}

/// A write that fails because the peer reset the connection must not lose what the peer said
/// before it went: the PUBACK and the reset land while the loop is held, the loop then writes
/// a second PUBLISH before it reads, and the first publish still completes as acknowledged.
#[test]
fn what_the_peer_said_before_a_reset_is_read_when_a_write_fails() {
    // A zero linger turns the close into a reset.
    let reset = |sock: TcpStream| {
        socket2::SockRef::from(&sock)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
    };
    let (rig, broker) = puback_then_end(reset, |rig| {
        let handle = rig.handle.clone();
        let commands = rig.commands.clone();
        Box::new(move || {
            lock(&commands).push(publish_command(2));
            handle.wake();
        })
    });
    assert_eq!(next(&rig.seen), Seen::Completed(1, Outcome::Success));
    assert!(
        matches!(next(&rig.seen), Seen::Completed(2, Outcome::Failed(_))),
        "the second publish fails with the connection"
    );
    assert!(matches!(next(&rig.seen), Seen::Interrupted(_)));
    broker.join().unwrap();
}
