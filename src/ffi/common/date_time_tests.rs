//! Upstream's documented date behaviour, edge cases first: the parsers' leniencies and refusals,
//! the formats written, and the field readers.

use super::*;
use crate::ffi::common::date_time_fields::*;
use crate::ffi::common::error::aws_last_error;

/// 1994-11-15T08:12:31Z.
const STAMP: libc::time_t = 784_887_151;

fn parse_as(text: &str, fmt: aws_date_format) -> std::result::Result<aws_date_time, c_int> {
    let mut dt = aws_date_time::at(1, 1);
    let cursor = aws_byte_cursor::from_slice(text.as_bytes());
    if unsafe { aws_date_time_init_from_str_cursor(&mut dt, &cursor, fmt as c_int) } == 0 {
        Ok(dt)
    } else {
        Err(aws_last_error())
    }
}

fn stamp_of(text: &str, fmt: aws_date_format) -> libc::time_t {
    parse_as(text, fmt)
        .unwrap_or_else(|e| panic!("{text}: error {e}"))
        .timestamp
}

fn text_of(dt: &aws_date_time, fmt: aws_date_format, local: bool, short: bool) -> String {
    let mut storage = [0u8; 100];
    let mut buf = aws_byte_buf {
        len: 0,
        buffer: storage.as_mut_ptr(),
        capacity: storage.len(),
        allocator: std::ptr::null_mut(),
    };
    assert_eq!(
        unsafe { write_text(dt, fmt as c_int, &mut buf, local, short) },
        0
    );
    String::from_utf8(storage[..buf.len].to_vec()).unwrap()
}

use aws_date_format::*;

#[test]
fn text_longer_than_100_bytes_is_overflow_detected() {
    let long = format!("1994-11-15T08:12:31.{}Z", "1".repeat(80));
    assert_eq!(
        parse_as(&long, AWS_DATE_FORMAT_ISO_8601).err(),
        Some(AWS_ERROR_OVERFLOW_DETECTED as c_int)
    );
}

#[test]
fn malformed_text_is_invalid_date_str() {
    for (text, fmt) in [
        ("", AWS_DATE_FORMAT_ISO_8601),
        ("1994-11-15T08:12:31", AWS_DATE_FORMAT_ISO_8601),
        ("1994-1115T08:12:31Z", AWS_DATE_FORMAT_ISO_8601),
        ("1994-11-15T08:12:31.Z", AWS_DATE_FORMAT_ISO_8601),
        ("1994-11-15X08:12:31Z", AWS_DATE_FORMAT_ISO_8601),
        ("Tue, 15 Nov 1994 08:12:31", AWS_DATE_FORMAT_RFC822),
        ("Tue, 15 Nov 1994 08:12:31 PST", AWS_DATE_FORMAT_RFC822),
        ("Tue, 15 Foo 1994 08:12:31 GMT", AWS_DATE_FORMAT_RFC822),
        ("Tue, 15 Nov 199 08:12:31 GMT", AWS_DATE_FORMAT_RFC822),
        ("Tue, 15 Nov 1994 8:12:31 GMT", AWS_DATE_FORMAT_RFC822),
        ("Tue, 15 Nov 1994 08:12:31 +010", AWS_DATE_FORMAT_RFC822),
        ("garbage", AWS_DATE_FORMAT_AUTO_DETECT),
    ] {
        assert_eq!(
            parse_as(text, fmt).err(),
            Some(AWS_ERROR_INVALID_DATE_STR as c_int),
            "{text}"
        );
    }
}

#[test]
fn iso_8601_in_either_form_with_fractions_and_offsets() {
    for text in [
        "1994-11-15T08:12:31Z",
        "19941115T081231Z",
        "1994-11-15t08:12:31z",
        "1994-11-15 08:12:31Z",
        "1994-11-15T08:12:31.999Z",
        "1994-11-15T08:12:31,5Z",
        "1994-11-15T09:12:31+01:00",
        "1994-11-15T07:42:31-0030",
    ] {
        for fmt in [
            AWS_DATE_FORMAT_ISO_8601,
            AWS_DATE_FORMAT_ISO_8601_BASIC,
            AWS_DATE_FORMAT_AUTO_DETECT,
        ] {
            assert_eq!(stamp_of(text, fmt), STAMP, "{text}");
        }
    }
    let dt = parse_as("1994-11-15", AWS_DATE_FORMAT_ISO_8601).unwrap();
    assert_eq!(dt.timestamp, STAMP - (8 * 3600 + 12 * 60 + 31));
    assert!(dt.utc_assumed);
    assert_eq!(dt.milliseconds, 0);
}

#[test]
fn rfc_822_with_utc_names_offsets_and_two_digit_years() {
    for text in [
        "Tue, 15 Nov 1994 08:12:31 GMT",
        "Tue, 15 Nov 1994 08:12:31 UTC",
        "Tue, 15 Nov 1994 08:12:31 UT",
        "Tue, 15 Nov 1994 08:12:31 Z",
        "tue, 15 NOVEMBER 1994 08:12:31 gmt",
        "15 Nov 1994 08:12:31 GMT",
        "Tue, 15 Nov 1994 09:12:31 +0100",
        "Tue, 15 Nov 1994 03:12:31 -0500",
    ] {
        assert_eq!(stamp_of(text, AWS_DATE_FORMAT_RFC822), STAMP, "{text}");
        assert_eq!(stamp_of(text, AWS_DATE_FORMAT_AUTO_DETECT), STAMP, "{text}");
    }
    // Two-digit years are 20xx.
    let dt = parse_as("Sun, 06 Dec 26 08:55:16 GMT", AWS_DATE_FORMAT_RFC822).unwrap();
    assert_eq!(unsafe { aws_date_time_year(&dt, false) }, 2026);
    assert_eq!(&dt.tz[..4], &[b'G' as i8, b'M' as i8, b'T' as i8, 0]);
    assert!(dt.utc_assumed);
}

#[test]
fn rfc_822_without_a_zone_is_local_time() {
    let dt = parse_as("Tue, 15 Nov 1994 08:12:31 ", AWS_DATE_FORMAT_RFC822).unwrap();
    assert!(!dt.utc_assumed);
    assert_eq!(unsafe { aws_date_time_hour(&dt, true) }, 8);
    assert_eq!(unsafe { aws_date_time_minute(&dt, true) }, 12);
}

#[test]
fn text_is_written_in_each_format() {
    let dt = aws_date_time::at(STAMP, 250);
    assert_eq!(
        text_of(&dt, AWS_DATE_FORMAT_RFC822, false, false),
        "Tue, 15 Nov 1994 08:12:31 GMT"
    );
    assert_eq!(
        text_of(&dt, AWS_DATE_FORMAT_ISO_8601, false, false),
        "1994-11-15T08:12:31Z"
    );
    assert_eq!(
        text_of(&dt, AWS_DATE_FORMAT_ISO_8601_BASIC, false, false),
        "19941115T081231Z"
    );
    assert_eq!(
        text_of(&dt, AWS_DATE_FORMAT_RFC822, false, true),
        "Tue, 15 Nov 1994"
    );
    assert_eq!(
        text_of(&dt, AWS_DATE_FORMAT_ISO_8601, false, true),
        "1994-11-15"
    );
    assert_eq!(
        text_of(&dt, AWS_DATE_FORMAT_ISO_8601_BASIC, false, true),
        "19941115"
    );
}

#[test]
fn writing_needs_room_for_a_nul_and_refuses_auto_detect() {
    let dt = aws_date_time::at(STAMP, 0);
    let mut storage = [0u8; 20];
    let mut buf = aws_byte_buf {
        len: 0,
        buffer: storage.as_mut_ptr(),
        capacity: storage.len(),
        allocator: std::ptr::null_mut(),
    };
    let iso = AWS_DATE_FORMAT_ISO_8601 as c_int;
    assert_eq!(
        unsafe { aws_date_time_to_utc_time_str(&dt, iso, &mut buf) },
        -1
    );
    assert_eq!(aws_last_error(), AWS_ERROR_SHORT_BUFFER as c_int);
    buf.capacity = 21;
    let mut bigger = [0u8; 21];
    buf.buffer = bigger.as_mut_ptr();
    assert_eq!(
        unsafe { aws_date_time_to_utc_time_str(&dt, iso, &mut buf) },
        0
    );
    assert_eq!(buf.len, 20);
    assert_eq!(bigger[20], 0);
    let auto = AWS_DATE_FORMAT_AUTO_DETECT as c_int;
    assert_eq!(
        unsafe { aws_date_time_to_utc_time_str(&dt, auto, &mut buf) },
        -1
    );
    assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
}

#[test]
fn epoch_initialisers_and_field_readers() {
    let mut dt = aws_date_time::at(0, 0);
    unsafe { aws_date_time_init_epoch_millis(&mut dt, STAMP as u64 * 1000 + 789) };
    assert_eq!((dt.timestamp, dt.milliseconds), (STAMP, 789));
    assert_eq!(
        unsafe { aws_date_time_as_millis(&dt) },
        STAMP as u64 * 1000 + 789
    );
    assert_eq!(
        unsafe { aws_date_time_as_nanos(&dt) },
        (STAMP as u64 * 1000 + 789) * 1_000_000
    );
    unsafe { aws_date_time_init_epoch_secs(&mut dt, STAMP as f64 + 0.5) };
    assert_eq!((dt.timestamp, dt.milliseconds), (STAMP, 500));
    assert_eq!(
        unsafe { aws_date_time_as_epoch_secs(&dt) },
        STAMP as f64 + 0.5
    );
    unsafe {
        assert_eq!(aws_date_time_year(&dt, false), 1994);
        assert_eq!(
            aws_date_time_month(&dt, false),
            aws_date_month::AWS_DATE_MONTH_NOVEMBER as c_int
        );
        assert_eq!(aws_date_time_month_day(&dt, false), 15);
        assert_eq!(
            aws_date_time_day_of_week(&dt, false),
            aws_date_day_of_week::AWS_DATE_DAY_OF_WEEK_TUESDAY as c_int
        );
        assert_eq!(aws_date_time_hour(&dt, false), 8);
        assert_eq!(aws_date_time_minute(&dt, false), 12);
        assert_eq!(aws_date_time_second(&dt, false), 31);
        assert!(!aws_date_time_dst(&dt, false));
        let later = aws_date_time::at(STAMP + 90, 0);
        assert_eq!(aws_date_time_diff(&later, &dt), 90);
        assert_eq!(aws_date_time_diff(&dt, &later), -90);
    }
}

#[test]
fn now_is_close_to_the_system_clock() {
    let mut dt = aws_date_time::at(0, 0);
    unsafe { aws_date_time_init_now(&mut dt) };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as libc::time_t;
    assert!((now - dt.timestamp).abs() <= 1);
}

#[test]
fn null_arguments_are_refused() {
    unsafe {
        assert_eq!(aws_date_time_year(std::ptr::null(), false), 0);
        assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
        let cursor = aws_byte_cursor::from_slice(b"19941115T081231Z");
        assert_eq!(
            aws_date_time_init_from_str_cursor(std::ptr::null_mut(), &cursor, 1),
            -1
        );
        let mut dt = aws_date_time::at(0, 0);
        assert_eq!(aws_date_time_init_from_str_cursor(&mut dt, &cursor, 9), -1);
        assert_eq!(aws_last_error(), guard::INVALID_ARGUMENT.0);
    }
}
