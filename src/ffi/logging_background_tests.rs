//! Tests of the standard logger's background writing (issue 20, "Logging"): a writer that
//! blocks (a FIFO nobody reads yet) does not block the thread that logs, which drops and
//! counts what does not fit the bounded queue; every line logged before clean-up is in the
//! file after it; the count of dropped lines is written last.

use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::log_channel::BACKGROUND_QUEUE_LINES;
use crate::ffi::common::logging::aws_log_level::*;
use crate::ffi::common::logging::*;
use crate::ffi::file_logger::{dropped_lines, log_arguments};
use crate::ffi::guard::OP_SUCCESS;
use std::ffi::{CString, c_int};
use std::io::Read;
use std::os::fd::FromRawFd;
use std::sync::mpsc;
use std::time::Duration;

/// A path in the temp directory no other test uses.
fn temp_path(tag: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("awsrs-bglog-{}-{tag}", std::process::id()))
}

/// A standard logger at DEBUG writing to `path`, boxed so its address stays put.
fn standard_logger(path: &CString) -> Box<aws_logger> {
    // SAFETY: an all-zero logger is the empty value init fills.
    let mut logger: Box<aws_logger> = Box::new(unsafe { std::mem::zeroed() });
    let mut options = aws_logger_standard_options {
        level: AWS_LL_DEBUG as c_int,
        filename: path.as_ptr(),
        file: std::ptr::null_mut(),
    };
    let rc =
        unsafe { aws_logger_init_standard(&mut *logger, aws_default_allocator(), &mut options) };
    assert_eq!(rc, OP_SUCCESS);
    logger
}

/// Logs `count` numbered lines of about 100 bytes through `logger`.
fn log_lines(logger: *mut aws_logger, count: usize) {
    let padding = "p".repeat(60);
    for i in 0..count {
        // SAFETY: the logger is initialised and outlives the call.
        unsafe {
            log_arguments(
                logger,
                AWS_LL_INFO,
                0,
                format_args!("bg-line {i} {padding}"),
            )
        };
    }
}

#[test]
fn every_line_logged_before_clean_up_is_in_the_file_after_it_in_order() {
    let path = temp_path("all");
    let c_path = CString::new(path.to_str().unwrap()).unwrap();
    let mut logger = standard_logger(&c_path);
    log_lines(&mut *logger, 3000);
    assert_eq!(unsafe { dropped_lines(&mut *logger) }, 0);
    unsafe { aws_logger_clean_up(&mut *logger) };
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let numbers: Vec<usize> = text
        .lines()
        .filter_map(|l| l.split("bg-line ").nth(1))
        .map(|rest| rest.split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(numbers, (0..3000).collect::<Vec<_>>());
    assert!(!text.contains("dropped"), "nothing was dropped");
}

#[test]
fn a_writer_that_blocks_does_not_block_the_logging_thread() {
    let path = temp_path("fifo");
    let c_path = CString::new(path.to_str().unwrap()).unwrap();
    let _ = std::fs::remove_file(&path);
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    // The reader end is open (so the logger's open does not wait) but nobody reads yet.
    let fd = unsafe { libc::open(c_path.as_ptr(), libc::O_RDONLY | libc::O_NONBLOCK) };
    assert!(fd >= 0);
    let mut logger = standard_logger(&c_path);
    let logger_at = &raw mut *logger as usize;
    // 20,000 lines of ~100 bytes: far more than the pipe (64 KiB) and the queue hold.
    let total = 20_000;
    let (done_tx, done_rx) = mpsc::channel();
    let logging = std::thread::spawn(move || {
        log_lines(logger_at as *mut aws_logger, total);
        done_tx.send(()).unwrap();
    });
    // Before: the logging thread blocked in fwrite once the pipe was full, until read.
    let finished = done_rx.recv_timeout(Duration::from_secs(20));
    // Drain the FIFO from here on, whatever happened, so nothing stays blocked.
    unsafe { libc::fcntl(fd, libc::F_SETFL, 0) };
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let mut file = unsafe { std::fs::File::from_raw_fd(fd) };
        file.read_to_string(&mut text).unwrap();
        text
    });
    assert!(
        finished.is_ok(),
        "logging blocked behind a writer that does not drain"
    );
    logging.join().unwrap();
    let dropped = unsafe { dropped_lines(&mut *logger) } as usize;
    assert!(dropped > 0, "the queue is bounded");
    assert!(dropped <= total - BACKGROUND_QUEUE_LINES);
    unsafe { aws_logger_clean_up(&mut *logger) };
    let text = reader.join().unwrap();
    std::fs::remove_file(&path).unwrap();
    let written = text.lines().filter(|l| l.contains("bg-line ")).count();
    assert_eq!(
        written + dropped,
        total,
        "every line is either written or counted"
    );
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("[WARN]") && last.contains(&format!("{dropped} lines dropped")),
        "{last}"
    );
}
