//! Tests of the exported logging API (`ffi::common::logging`), its file loggers and the Rust-side
//! `aws_log!`. Tests that set the process-wide logger hold [`ROOT_LOCK`].

use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::error::aws_common_error::*;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::common::logging::aws_log_level::*;
use crate::ffi::common::logging::*;
use crate::ffi::guard::{OP_ERR, OP_SUCCESS};
use std::ffi::{CStr, CString, c_char, c_int};
use std::ptr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

static ROOT_LOCK: Mutex<()> = Mutex::new(());

fn lock_root() -> std::sync::MutexGuard<'static, ()> {
    ROOT_LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// A path in the temp directory no other test uses.
fn temp_path(tag: &str) -> std::path::PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("awsrs-log-{}-{tag}-{n}.log", std::process::id()))
}

fn empty_logger() -> aws_logger {
    aws_logger {
        vtable: ptr::null_mut(),
        allocator: ptr::null_mut(),
        p_impl: ptr::null_mut(),
    }
}

fn options(
    level: aws_log_level,
    filename: *const c_char,
    file: *mut libc::FILE,
) -> aws_logger_standard_options {
    aws_logger_standard_options {
        level: level as c_int,
        filename,
        file,
    }
}

/// The lines of `text` that contain `marker`.
fn lines_with<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(marker)).collect()
}

#[test]
fn levels_convert_to_and_from_their_names() {
    let mut name: *const c_char = ptr::null();
    unsafe {
        assert_eq!(
            aws_log_level_to_string(AWS_LL_DEBUG as c_int, &mut name),
            OP_SUCCESS
        );
        assert_eq!(CStr::from_ptr(name), c"DEBUG");
        assert_eq!(
            aws_log_level_to_string(AWS_LL_NONE as c_int, ptr::null_mut()),
            OP_SUCCESS
        );
        for bad in [7, 99, -1] {
            assert_eq!(aws_log_level_to_string(bad, &mut name), OP_ERR);
            assert_eq!(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT as c_int);
        }
        let mut level: c_int = -1;
        assert_eq!(
            aws_string_to_log_level(c"tRaCe".as_ptr(), &mut level),
            OP_SUCCESS
        );
        assert_eq!(level, AWS_LL_TRACE as c_int);
        assert_eq!(
            aws_string_to_log_level(c"verbose".as_ptr(), &mut level),
            OP_ERR
        );
        assert_eq!(aws_string_to_log_level(ptr::null(), &mut level), OP_ERR);
        assert_eq!(
            aws_string_to_log_level(c"info".as_ptr(), ptr::null_mut()),
            OP_ERR
        );
    }
}

#[test]
fn subject_names_come_from_the_exported_lookup() {
    assert_eq!(
        unsafe { CStr::from_ptr(aws_log_subject_name(5121)) },
        c"mqtt-client"
    );
    assert_eq!(
        unsafe { CStr::from_ptr(aws_log_subject_name(999)) },
        c"Unknown"
    );
    unsafe {
        aws_register_log_subject_info_list(ptr::null_mut());
        aws_unregister_log_subject_info_list(ptr::null_mut());
    }
}

#[test]
fn a_standard_logger_writes_upstream_lines_at_or_below_its_level() {
    let _root = lock_root();
    let path = temp_path("standard");
    let name = CString::new(path.to_str().unwrap()).unwrap();
    let mut logger = empty_logger();
    let mut opts = options(AWS_LL_DEBUG, name.as_ptr(), ptr::null_mut());
    unsafe {
        assert_eq!(
            aws_logger_init_standard(&mut logger, aws_default_allocator(), &mut opts),
            OP_SUCCESS
        );
        aws_logger_set(&mut logger);
        crate::aws_log!(AWS_LL_INFO, AWS_LS_MQTT_CLIENT, "std-marker info {}", 1);
        crate::aws_log!(AWS_LL_DEBUG, AWS_LS_IO_SOCKET, "std-marker debug {}", 2);
        crate::aws_log!(
            AWS_LL_TRACE,
            AWS_LS_COMMON_GENERAL,
            "std-marker trace {}",
            3
        );
        let log = (*logger.vtable).log.unwrap();
        assert_eq!(
            log(
                &mut logger,
                AWS_LL_WARN as c_int,
                5120,
                c"std-marker %s=%d".as_ptr(),
                c"c".as_ptr(),
                4
            ),
            OP_SUCCESS
        );
        aws_logger_set(ptr::null_mut());
        aws_logger_clean_up(&mut logger);
    }
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let lines = lines_with(&text, "std-marker");
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("[INFO] [") && lines[0].ends_with("[mqtt-client] - std-marker info 1")
    );
    assert!(
        lines[1].starts_with("[DEBUG] [") && lines[1].ends_with("[socket] - std-marker debug 2")
    );
    assert!(lines[2].starts_with("[WARN] [") && lines[2].ends_with("[mqtt] - std-marker c=4"));
}

#[test]
fn a_file_logger_appends_and_leaves_a_borrowed_file_open() {
    let _root = lock_root();
    unsafe {
        let file = libc::tmpfile();
        assert!(!file.is_null());
        let mut logger = empty_logger();
        let mut opts = options(AWS_LL_ERROR, ptr::null(), file);
        assert_eq!(
            aws_logger_init_standard(&mut logger, aws_default_allocator(), &mut opts),
            OP_SUCCESS
        );
        aws_logger_set(&mut logger);
        assert!(!enabled(AWS_LL_WARN, 0));
        assert!(aws_logger_get_conditional(0, AWS_LL_WARN as c_int).is_null());
        assert_eq!(
            aws_logger_set_log_level(&mut logger, AWS_LL_WARN as c_int),
            OP_SUCCESS
        );
        assert!(enabled(AWS_LL_WARN, 0));
        assert_eq!(
            aws_logger_get_conditional(0, AWS_LL_WARN as c_int),
            &mut logger as *mut aws_logger
        );
        assert_eq!(aws_logger_set_log_level(&mut logger, 99), OP_ERR);
        crate::aws_log!(AWS_LL_WARN, AWS_LS_COMMON_THREAD, "file-marker {}", "kept");
        // Cleaning up the process-wide logger unsets it first.
        aws_logger_clean_up(&mut logger);
        assert!(logger.vtable.is_null());
        assert!(!enabled(AWS_LL_FATAL, 0));
        aws_logger_clean_up(&mut logger);
        let mut buffer = [0u8; 512];
        libc::rewind(file);
        let n = libc::fread(buffer.as_mut_ptr().cast(), 1, buffer.len(), file);
        let text = std::str::from_utf8(&buffer[..n]).unwrap();
        assert!(
            lines_with(text, "file-marker")[0].ends_with("[thread] - file-marker kept"),
            "{text}"
        );
        assert_eq!(libc::fclose(file), 0);
    }
}

#[test]
fn a_noalloc_logger_cuts_long_lines_where_a_standard_one_does_not() {
    let _root = lock_root();
    let long = "x".repeat(20_000);
    let long_c = CString::new(long.clone()).unwrap();
    for (init, whole) in [
        (
            aws_logger_init_noalloc as unsafe extern "C" fn(_, _, _) -> _,
            false,
        ),
        (aws_logger_init_standard, true),
    ] {
        unsafe {
            let file = libc::tmpfile();
            let mut logger = empty_logger();
            let mut opts = options(AWS_LL_INFO, ptr::null(), file);
            assert_eq!(
                init(&mut logger, aws_default_allocator(), &mut opts),
                OP_SUCCESS
            );
            aws_logger_set(&mut logger);
            crate::aws_log!(AWS_LL_INFO, AWS_LS_COMMON_TEST, "long-marker {long}");
            let log = (*logger.vtable).log.unwrap();
            log(
                &mut logger,
                AWS_LL_INFO as c_int,
                7,
                c"long-marker %s".as_ptr(),
                long_c.as_ptr(),
            );
            aws_logger_set(ptr::null_mut());
            aws_logger_clean_up(&mut logger);
            let mut text = vec![0u8; 100_000];
            libc::rewind(file);
            let n = libc::fread(text.as_mut_ptr().cast(), 1, text.len(), file);
            libc::fclose(file);
            let text = String::from_utf8_lossy(&text[..n]).into_owned();
            let lines = lines_with(&text, "long-marker");
            assert_eq!(lines.len(), 2);
            for line in lines {
                assert_eq!(
                    line.len() + 1 == 8192,
                    !whole,
                    "line of {} bytes",
                    line.len() + 1
                );
                assert_eq!(line.ends_with(&long[..1000]) && line.len() > 20_000, whole);
            }
        }
    }
}

#[test]
fn bad_arguments_are_errors_not_crashes() {
    let path = std::env::temp_dir();
    let dir = CString::new(path.to_str().unwrap()).unwrap();
    let a = aws_default_allocator();
    let mut logger = empty_logger();
    unsafe {
        let mut ok = options(
            AWS_LL_INFO,
            ptr::null(),
            libc::fdopen(libc::dup(2), c"w".as_ptr()),
        );
        assert_eq!(
            aws_logger_init_standard(ptr::null_mut(), a, &mut ok),
            OP_ERR
        );
        assert_eq!(
            aws_logger_init_standard(&mut logger, ptr::null_mut(), &mut ok),
            OP_ERR
        );
        assert_eq!(
            aws_logger_init_standard(&mut logger, a, ptr::null_mut()),
            OP_ERR
        );
        assert_eq!(
            aws_logger_init_noalloc(&mut logger, a, ptr::null_mut()),
            OP_ERR
        );
        let mut bad_level = options(AWS_LL_INFO, ptr::null(), ok.file);
        bad_level.level = 99;
        assert_eq!(
            aws_logger_init_standard(&mut logger, a, &mut bad_level),
            OP_ERR
        );
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT as c_int);
        let mut neither = options(AWS_LL_INFO, ptr::null(), ptr::null_mut());
        assert_eq!(
            aws_logger_init_standard(&mut logger, a, &mut neither),
            OP_ERR
        );
        let mut both = options(AWS_LL_INFO, dir.as_ptr(), ok.file);
        assert_eq!(aws_logger_init_standard(&mut logger, a, &mut both), OP_ERR);
        let mut directory = options(AWS_LL_INFO, dir.as_ptr(), ptr::null_mut());
        assert_eq!(
            aws_logger_init_standard(&mut logger, a, &mut directory),
            OP_ERR
        );
        assert_eq!(aws_last_error(), AWS_ERROR_FILE_INVALID_PATH as c_int);
        assert_eq!(
            aws_logger_init_noalloc(&mut logger, a, &mut directory),
            OP_ERR
        );
        assert_eq!(aws_last_error(), AWS_ERROR_FILE_INVALID_PATH as c_int);
        assert!(logger.vtable.is_null());
        assert_eq!(aws_logger_set_log_level(ptr::null_mut(), 1), OP_ERR);
        assert_eq!(aws_logger_set_log_level(aws_logger_get(), 1), OP_ERR);
        aws_logger_clean_up(ptr::null_mut());
        libc::fclose(ok.file);
    }
}

#[test]
fn without_a_logger_nothing_is_enabled_and_get_returns_a_silent_logger() {
    let _root = lock_root();
    aws_logger_set(ptr::null_mut());
    assert!(!enabled(AWS_LL_FATAL, 0));
    let silent = aws_logger_get();
    assert!(!silent.is_null());
    unsafe {
        let get = (*(*silent).vtable).get_log_level.unwrap();
        assert_eq!(get(silent, 0), AWS_LL_NONE as c_int);
        let log = (*(*silent).vtable).log.unwrap();
        assert_eq!(
            log(silent, AWS_LL_ERROR as c_int, 0, c"%d".as_ptr(), 1),
            OP_SUCCESS
        );
    }
    assert!(aws_logger_get_conditional(0, AWS_LL_ERROR as c_int).is_null());
    assert_eq!(aws_logger_get_conditional(0, AWS_LL_NONE as c_int), silent);
}
