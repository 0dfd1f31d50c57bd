//! Behaviour of the event loops and their group: threads, ordering, cancellation, I/O and
//! shutdown. Threads are synchronised through channels; a wait that should end at once is given
//! [`LONG`] before the test calls it a hang.

use crate::runtime::event_loop::{Clock, EventLoop};
use crate::runtime::event_loop_group::EventLoopGroup;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const LONG: Duration = Duration::from_secs(10);

/// A deadline no test waits for.
fn hour_from_now(l: &EventLoop) -> u64 {
    l.now_ns() + 3_600_000_000_000
}

/// A group of `n` loops and a receiver that gets `()` when its shutdown callback runs.
fn group(n: u16) -> (Arc<EventLoopGroup>, Receiver<()>) {
    let (tx, rx) = channel();
    let g = EventLoopGroup::new(
        n,
        Clock::Monotonic,
        Some(Box::new(move || tx.send(()).unwrap())),
    )
    .unwrap();
    (g, rx)
}

/// Runs `f` on the loop thread and returns its result.
fn on_loop<T: Send + 'static>(l: &EventLoop, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = channel();
    l.schedule_now(Box::new(move || tx.send(f()).unwrap()));
    rx.recv_timeout(LONG).unwrap()
}

/// Sends `value` when dropped, and says whether the drop happened on `owner`'s thread.
struct DropProbe {
    owner: EventLoop,
    tx: Sender<bool>,
}

impl Drop for DropProbe {
    fn drop(&mut self) {
        let _ = self.tx.send(self.owner.is_current_thread());
    }
}

#[test]
fn a_task_scheduled_from_another_thread_runs_on_the_loop_thread() {
    let (g, _done) = group(1);
    let l = g.next_loop().clone();
    assert!(!l.is_current_thread());
    let inner = l.clone();
    assert!(on_loop(&l, move || inner.is_current_thread()));
}

#[test]
fn a_loop_is_not_current_on_another_loops_thread() {
    let (g, _done) = group(2);
    let (a, b) = (g.loop_at(0).unwrap().clone(), g.loop_at(1).unwrap().clone());
    assert!(!on_loop(&a, move || b.is_current_thread()));
}

#[test]
fn tasks_from_one_thread_run_in_the_order_scheduled() {
    let (g, _done) = group(1);
    let l = g.next_loop();
    let seen = Arc::new(Mutex::new(Vec::new()));
    for i in 0..1000 {
        let seen = seen.clone();
        l.schedule_now(Box::new(move || seen.lock().unwrap().push(i)));
    }
    on_loop(l, || ());
    assert_eq!(*seen.lock().unwrap(), (0..1000).collect::<Vec<_>>());
}

#[test]
fn timers_fire_in_deadline_order_and_equal_deadlines_in_scheduling_order() {
    let (g, _done) = group(1);
    let l = g.next_loop().clone();
    let (tx, rx) = channel();
    let scheduler = l.clone();
    // Scheduled from the loop thread, so none can run before all are scheduled.
    on_loop(&l, move || {
        let base = scheduler.now_ns();
        for (label, offset) in [("c", 30), ("a", 10), ("b1", 20), ("b2", 20), ("b3", 20)] {
            let tx = tx.clone();
            scheduler.schedule_at(
                base + offset * 1_000_000,
                Box::new(move || tx.send(label).unwrap()),
            );
        }
    });
    let order: Vec<_> = (0..5).map(|_| rx.recv_timeout(LONG).unwrap()).collect();
    assert_eq!(order, ["a", "b1", "b2", "b3", "c"]);
}

#[test]
fn a_timer_does_not_fire_before_its_deadline() {
    let (g, _done) = group(1);
    let l = g.next_loop().clone();
    let deadline = l.now_ns() + 30_000_000;
    let (tx, rx) = channel();
    let clock = l.clone();
    l.schedule_at(deadline, Box::new(move || tx.send(clock.now_ns()).unwrap()));
    assert!(rx.recv_timeout(LONG).unwrap() >= deadline);
}

#[test]
fn a_cancelled_timer_is_dropped_on_the_loop_thread_and_never_runs() {
    let (g, _done) = group(1);
    let l = g.next_loop().clone();
    let (ran_tx, ran_rx) = channel::<()>();
    let (drop_tx, drop_rx) = channel();
    let probe = DropProbe {
        owner: l.clone(),
        tx: drop_tx,
    };
    let id = l.schedule_at(
        hour_from_now(&l),
        Box::new(move || {
            let _probe = probe;
            ran_tx.send(()).unwrap();
        }),
    );
    let inner = l.clone();
    on_loop(&l, move || inner.cancel(id));
    assert!(drop_rx.recv_timeout(LONG).unwrap());
    assert!(ran_rx.recv_timeout(Duration::from_millis(100)).is_err());
}

#[test]
fn a_cancel_from_another_thread_takes_effect_at_the_next_tick() {
    let (g, _done) = group(1);
    let l = g.next_loop().clone();
    let (tx, rx) = channel();
    let id = l.schedule_at(hour_from_now(&l), Box::new(move || tx.send(()).unwrap()));
    l.cancel(id);
    on_loop(&l, || ());
    assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
}

#[test]
fn a_task_may_cancel_a_later_timer_of_the_same_tick() {
    let (g, _done) = group(1);
    let l = g.next_loop().clone();
    let (tx, rx) = channel();
    let scheduler = l.clone();
    // Both are due (in the past) when the loop next runs timers: the first cancels the second.
    on_loop(&l, move || {
        let second = scheduler.new_timer_id(2);
        let (canceller, tx2) = (scheduler.clone(), tx.clone());
        scheduler.schedule_at(
            1,
            Box::new(move || {
                canceller.cancel(second);
                tx2.send("first").unwrap();
            }),
        );
        scheduler.schedule_timer(second, Box::new(move || tx.send("second").unwrap()));
    });
    assert_eq!(rx.recv_timeout(LONG).unwrap(), "first");
    assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
}

#[test]
fn a_task_scheduled_on_the_loop_from_a_task_runs_at_a_later_tick() {
    let (g, _done) = group(1);
    let l = g.next_loop().clone();
    let (tx, rx) = channel();
    let inner = l.clone();
    l.schedule_now(Box::new(move || {
        let tx2 = tx.clone();
        inner.schedule_now(Box::new(move || tx2.send("nested").unwrap()));
        tx.send("outer").unwrap();
    }));
    assert_eq!(rx.recv_timeout(LONG).unwrap(), "outer");
    assert_eq!(rx.recv_timeout(LONG).unwrap(), "nested");
}

#[test]
fn a_custom_clock_decides_when_timers_are_due() {
    let now = Arc::new(AtomicU64::new(1_000));
    let read = now.clone();
    let clock = Clock::Custom(Arc::new(move || Some(read.load(Ordering::SeqCst))));
    let g = EventLoopGroup::new(1, clock, None).unwrap();
    let l = g.next_loop();
    assert_eq!(l.now_ns(), 1_000);
    let (tx, rx) = channel();
    l.schedule_at(5_000, Box::new(move || tx.send(()).unwrap()));
    assert!(rx.recv_timeout(Duration::from_millis(50)).is_err());
    now.store(5_000, Ordering::SeqCst);
    rx.recv_timeout(LONG).unwrap();
}

#[test]
fn a_panicking_task_does_not_stop_the_loop() {
    let (g, _done) = group(1);
    let l = g.next_loop();
    l.schedule_now(Box::new(|| panic!("expected in this test")));
    assert_eq!(on_loop(l, || 7), 7);
}

#[test]
fn dropping_the_group_drops_pending_work_on_the_loop_thread_then_calls_back() {
    let (g, done) = group(1);
    let l = g.next_loop().clone();
    let (drop_tx, drop_rx) = channel();
    let probe = DropProbe {
        owner: l.clone(),
        tx: drop_tx,
    };
    l.schedule_at(
        u64::MAX,
        Box::new(move || {
            let _probe = probe;
        }),
    );
    drop(g);
    done.recv_timeout(LONG).unwrap();
    assert_eq!(drop_rx.try_recv(), Ok(true));
}

#[test]
fn after_shutdown_a_task_is_dropped_on_the_callers_thread() {
    let (g, done) = group(1);
    let l = g.next_loop().clone();
    drop(g);
    done.recv_timeout(LONG).unwrap();
    let (drop_tx, drop_rx) = channel();
    let probe = DropProbe {
        owner: l.clone(),
        tx: drop_tx,
    };
    l.schedule_now(Box::new(move || drop(probe)));
    assert_eq!(drop_rx.try_recv(), Ok(false));
}

#[test]
fn dropping_the_last_reference_inside_one_of_its_tasks_does_not_deadlock() {
    for n in [1, 3] {
        let (g, done) = group(n);
        let l = g.loop_at(n as usize - 1).unwrap().clone();
        let (tx, rx) = channel();
        l.schedule_now(Box::new(move || {
            drop(g);
            tx.send(()).unwrap();
        }));
        rx.recv_timeout(LONG).unwrap();
        done.recv_timeout(LONG).unwrap();
    }
}

#[test]
fn groups_start_and_stop_repeatedly() {
    for round in 0..100 {
        let (g, done) = group([1, 2, 4, 0][round % 4]);
        assert!(g.loop_count() >= 1);
        drop(g);
        done.recv_timeout(LONG).unwrap();
    }
}

#[test]
fn next_loop_goes_round_robin() {
    let (g, _done) = group(3);
    let picks: Vec<EventLoop> = (0..6).map(|_| g.next_loop().clone()).collect();
    for i in 0..3 {
        assert!(picks[i].same_loop(&picks[i + 3]));
        assert!(!picks[i].same_loop(&picks[(i + 1) % 3]));
    }
}

#[test]
fn io_registration_is_refused_off_the_loop_thread() {
    let (g, _done) = group(1);
    let (_tx, mut rx) = mio::unix::pipe::new().unwrap();
    let err = g
        .next_loop()
        .register(&mut rx, mio::Interest::READABLE, Box::new(|_| {}))
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::Unsupported);
}

#[test]
fn a_registered_source_delivers_its_events_to_its_handler_until_deregistered() {
    let (g, _done) = group(1);
    let l = g.next_loop().clone();
    let (mut writer, reader) = mio::unix::pipe::new().unwrap();
    let reader = Arc::new(Mutex::new(reader));
    let (tx, rx) = channel::<Vec<u8>>();
    let (handler_reader, registrar, handler_loop) = (reader.clone(), l.clone(), l.clone());
    let token = on_loop(&l, move || {
        let mut source = handler_reader.lock().unwrap();
        let reader = handler_reader.clone();
        registrar
            .register(
                &mut *source,
                mio::Interest::READABLE,
                Box::new(move |event| {
                    assert!(handler_loop.is_current_thread() && event.is_readable());
                    let mut buf = [0u8; 64];
                    while let Ok(n @ 1..) = reader.lock().unwrap().read(&mut buf) {
                        tx.send(buf[..n].to_vec()).unwrap();
                    }
                }),
            )
            .unwrap()
    });
    writer.write_all(b"ping").unwrap();
    assert_eq!(rx.recv_timeout(LONG).unwrap(), b"ping");
    let (deregistrar, source) = (l.clone(), reader.clone());
    on_loop(&l, move || {
        deregistrar
            .deregister(&mut *source.lock().unwrap(), token)
            .unwrap()
    });
    writer.write_all(b"pong").unwrap();
    assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
}

#[test]
fn a_handler_may_deregister_itself() {
    let (g, _done) = group(1);
    let l = g.next_loop().clone();
    let (mut writer, reader) = mio::unix::pipe::new().unwrap();
    let reader = Arc::new(Mutex::new(reader));
    let (tx, rx) = channel::<()>();
    let token_slot = Arc::new(Mutex::new(None));
    let (r, registrar, slot) = (reader.clone(), l.clone(), token_slot.clone());
    on_loop(&l, move || {
        let (r2, me) = (r.clone(), registrar.clone());
        let token = registrar
            .register(
                &mut *r.lock().unwrap(),
                mio::Interest::READABLE,
                Box::new(move |_| {
                    let token = slot.lock().unwrap().unwrap();
                    me.deregister(&mut *r2.lock().unwrap(), token).unwrap();
                    tx.send(()).unwrap();
                }),
            )
            .unwrap();
        *token_slot.lock().unwrap() = Some(token);
    });
    writer.write_all(b"x").unwrap();
    rx.recv_timeout(LONG).unwrap();
    writer.write_all(b"y").unwrap();
    // The handler was dropped once it returned: its sender is gone.
    assert_eq!(
        rx.recv_timeout(LONG),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected)
    );
}
