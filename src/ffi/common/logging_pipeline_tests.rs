//! The logging pipeline end to end: writer over a file, foreground and background channels,
//! the standard formatter, and the pipeline logger over them.

use super::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::date_time::aws_date_format;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::common::log_channel::*;
use crate::ffi::common::log_formatter::*;
use crate::ffi::common::log_writer::*;
use crate::ffi::common::logging::aws_log_level;
use std::ptr;

fn zeroed<T>() -> T {
    // SAFETY: the C structs here are all plain pointers and integers.
    unsafe { std::mem::zeroed() }
}

/// Everything written to `file` so far.
unsafe fn contents(file: *mut libc::FILE) -> String {
    let mut buffer = vec![0u8; 4096];
    unsafe {
        libc::fflush(file);
        libc::rewind(file);
        let n = libc::fread(buffer.as_mut_ptr().cast(), 1, buffer.len(), file);
        String::from_utf8(buffer[..n].to_vec()).unwrap()
    }
}

/// Logs three messages through a pipeline whose channel `init_channel` makes, and returns what
/// the writer wrote.
unsafe fn run_pipeline(
    init_channel: unsafe extern "C" fn(
        *mut aws_log_channel,
        *mut aws_allocator,
        *mut aws_log_writer,
    ) -> c_int,
) -> String {
    unsafe {
        let alloc = aws_default_allocator();
        let file = libc::tmpfile();
        let mut writer: aws_log_writer = zeroed();
        let mut file_options = aws_log_writer_file_options {
            filename: ptr::null(),
            file,
        };
        assert_eq!(
            aws_log_writer_init_file(&mut writer, alloc, &mut file_options),
            0
        );
        let mut channel: aws_log_channel = zeroed();
        assert_eq!(init_channel(&mut channel, alloc, &mut writer), 0);
        let mut formatter: aws_log_formatter = zeroed();
        let mut formatter_options = aws_log_formatter_standard_options {
            date_format: aws_date_format::AWS_DATE_FORMAT_ISO_8601 as c_int,
        };
        assert_eq!(
            aws_log_formatter_init_default(&mut formatter, alloc, &mut formatter_options),
            0
        );
        let mut logger: aws_logger = zeroed();
        let info = aws_log_level::AWS_LL_INFO as c_int;
        assert_eq!(
            aws_logger_init_from_external(
                &mut logger,
                alloc,
                &mut formatter,
                &mut channel,
                &mut writer,
                info
            ),
            0
        );
        let vtable = &*logger.vtable;
        assert_eq!((vtable.get_log_level.unwrap())(&mut logger, 0), info);
        let log = vtable.log.unwrap();
        assert_eq!(
            log(
                &mut logger,
                info,
                1025,
                c"first %d %s".as_ptr(),
                42,
                c"x".as_ptr()
            ),
            0
        );
        assert_eq!(
            log(
                &mut logger,
                aws_log_level::AWS_LL_ERROR as c_int,
                0,
                c"second".as_ptr()
            ),
            0
        );
        assert_eq!((vtable.set_log_level.unwrap())(&mut logger, 6), 0);
        assert_eq!((vtable.get_log_level.unwrap())(&mut logger, 0), 6);
        assert_eq!(log(&mut logger, 6, 0, c"third %%".as_ptr()), 0);
        crate::ffi::common::logging::aws_logger_clean_up(&mut logger);
        aws_log_channel_clean_up(&mut channel);
        aws_log_formatter_clean_up(&mut formatter);
        aws_log_writer_clean_up(&mut writer);
        let text = contents(file);
        libc::fclose(file);
        text
    }
}

fn check_lines(text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("[INFO] ["), "{text}");
    assert!(lines[0].ends_with("] [event-loop] - first 42 x"), "{text}");
    assert!(
        lines[1].starts_with("[ERROR] [") && lines[1].ends_with(" - second"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("[TRACE] [") && lines[2].ends_with(" - third %"),
        "{text}"
    );
    // [INFO] [1994-11-15T08:12:31Z] [0123456789abcdef] ...
    let stamp = &lines[0][8..28];
    assert!(stamp.ends_with('Z') && &stamp[10..11] == "T", "{stamp}");
    let thread = &lines[0][31..47];
    assert!(thread.chars().all(|c| c.is_ascii_hexdigit()), "{thread}");
}

#[test]
fn a_pipeline_over_a_foreground_channel_writes_standard_lines_in_order() {
    check_lines(&unsafe { run_pipeline(aws_log_channel_init_foreground) });
}

#[test]
fn a_background_channel_writes_every_line_before_its_clean_up_returns() {
    check_lines(&unsafe { run_pipeline(aws_log_channel_init_background) });
}

#[test]
fn a_file_writer_needs_exactly_one_destination_and_reports_open_errors() {
    unsafe {
        let alloc = aws_default_allocator();
        let mut writer: aws_log_writer = zeroed();
        let mut neither = aws_log_writer_file_options {
            filename: ptr::null(),
            file: ptr::null_mut(),
        };
        assert_eq!(
            aws_log_writer_init_file(&mut writer, alloc, &mut neither),
            -1
        );
        assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
        let mut missing = aws_log_writer_file_options {
            filename: c"/nonexistent-dir/x.log".as_ptr(),
            file: ptr::null_mut(),
        };
        assert_eq!(
            aws_log_writer_init_file(&mut writer, alloc, &mut missing),
            -1
        );
        assert_eq!(
            aws_last_error(),
            crate::ffi::common::error::aws_common_error::AWS_ERROR_FILE_INVALID_PATH as c_int
        );
        assert_eq!(aws_log_writer_init_stderr(&mut writer, alloc), 0);
        aws_log_writer_clean_up(&mut writer);
        assert_eq!(aws_log_writer_init_stdout(&mut writer, alloc), 0);
        aws_log_writer_clean_up(&mut writer);
    }
}

#[test]
fn the_formatter_refuses_auto_detect_and_the_logger_a_missing_part() {
    unsafe {
        let alloc = aws_default_allocator();
        let mut formatter: aws_log_formatter = zeroed();
        let mut options = aws_log_formatter_standard_options {
            date_format: aws_date_format::AWS_DATE_FORMAT_AUTO_DETECT as c_int,
        };
        assert_eq!(
            aws_log_formatter_init_default(&mut formatter, alloc, &mut options),
            -1
        );
        let mut logger: aws_logger = zeroed();
        let rc = aws_logger_init_from_external(
            &mut logger,
            alloc,
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
            4,
        );
        assert_eq!(rc, -1);
        assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
    }
}
