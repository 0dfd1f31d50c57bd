//! `aws/common/date_time.h`: a point in time with its UTC and local breakdowns, made from the
//! clock, from epoch seconds or milliseconds, or by parsing RFC 822 and ISO 8601 text, and
//! written back as text.
//!
//! Text is written with the C library's `strftime` and broken down with `gmtime_r`/`localtime_r`,
//! as upstream does, so names of days and months and the local zone are the C library's. The
//! parsers live in [`date_time_parse`](super::date_time_parse).
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type (a cursor's bytes readable, a buffer's storage
//! writable up to its capacity).

use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor, buf_arg, buf_mut, cursor_bytes};
use crate::ffi::common::date_time_parse::{Parsed, parse};
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_INVALID_DATE_STR, AWS_ERROR_OVERFLOW_DETECTED, AWS_ERROR_SHORT_BUFFER,
};
use crate::ffi::common::time::zero_tm;
use crate::ffi::guard::{self, Result, enum_value};
use std::ffi::{CStr, c_int};

/// How a date is written or read.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_date_format {
    /// `Tue, 15 Nov 1994 08:12:31 GMT`.
    AWS_DATE_FORMAT_RFC822 = 0,
    /// `1994-11-15T08:12:31Z`.
    AWS_DATE_FORMAT_ISO_8601 = 1,
    /// `19941115T081231Z`.
    AWS_DATE_FORMAT_ISO_8601_BASIC = 2,
    /// Parsing only: ISO 8601 (either form), then RFC 822.
    AWS_DATE_FORMAT_AUTO_DETECT = 3,
}

/// A C `enum aws_date_format` received from C.
pub type aws_date_format_raw = c_int;

crate::c_enum!(aws_date_format);

/// The months, January 0 to December 11 (`struct tm`'s `tm_mon`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_date_month {
    /// January.
    AWS_DATE_MONTH_JANUARY = 0,
    /// February.
    AWS_DATE_MONTH_FEBRUARY,
    /// March.
    AWS_DATE_MONTH_MARCH,
    /// April.
    AWS_DATE_MONTH_APRIL,
    /// May.
    AWS_DATE_MONTH_MAY,
    /// June.
    AWS_DATE_MONTH_JUNE,
    /// July.
    AWS_DATE_MONTH_JULY,
    /// August.
    AWS_DATE_MONTH_AUGUST,
    /// September.
    AWS_DATE_MONTH_SEPTEMBER,
    /// October.
    AWS_DATE_MONTH_OCTOBER,
    /// November.
    AWS_DATE_MONTH_NOVEMBER,
    /// December.
    AWS_DATE_MONTH_DECEMBER,
}

/// A C `enum aws_date_month` handed to C.
pub type aws_date_month_raw = c_int;

/// The days of the week, Sunday 0 to Saturday 6 (`struct tm`'s `tm_wday`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_date_day_of_week {
    /// Sunday.
    AWS_DATE_DAY_OF_WEEK_SUNDAY = 0,
    /// Monday.
    AWS_DATE_DAY_OF_WEEK_MONDAY,
    /// Tuesday.
    AWS_DATE_DAY_OF_WEEK_TUESDAY,
    /// Wednesday.
    AWS_DATE_DAY_OF_WEEK_WEDNESDAY,
    /// Thursday.
    AWS_DATE_DAY_OF_WEEK_THURSDAY,
    /// Friday.
    AWS_DATE_DAY_OF_WEEK_FRIDAY,
    /// Saturday.
    AWS_DATE_DAY_OF_WEEK_SATURDAY,
}

/// A C `enum aws_date_day_of_week` handed to C.
pub type aws_date_day_of_week_raw = c_int;

/// A point in time: seconds since the epoch and milliseconds, broken down in UTC and in the
/// local zone.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_date_time {
    /// Seconds since the epoch.
    pub timestamp: libc::time_t,
    /// Milliseconds past `timestamp`, 0 to 999.
    pub milliseconds: u16,
    /// The zone text an RFC 822 date carried (up to 5 characters), empty otherwise.
    pub tz: [std::ffi::c_char; 6],
    /// `timestamp` in UTC.
    pub gmt_time: libc::tm,
    /// `timestamp` in the local zone.
    pub local_time: libc::tm,
    /// Whether the parsed text said the time was UTC (or gave an offset from it).
    pub utc_assumed: bool,
}

impl aws_date_time {
    /// The time `timestamp` seconds and `milliseconds` after the epoch, broken down.
    fn at(timestamp: libc::time_t, milliseconds: u16) -> Self {
        let mut dt = Self {
            timestamp,
            milliseconds,
            tz: [0; 6],
            gmt_time: zero_tm(),
            local_time: zero_tm(),
            utc_assumed: false,
        };
        dt.break_down();
        dt
    }

    /// Sets both breakdowns from `timestamp`.
    fn break_down(&mut self) {
        // SAFETY: two valid, writable struct tm.
        unsafe {
            libc::gmtime_r(&self.timestamp, &mut self.gmt_time);
            libc::localtime_r(&self.timestamp, &mut self.local_time);
        }
    }

    /// The UTC or local breakdown.
    pub(super) fn fields(&self, local_time: bool) -> &libc::tm {
        if local_time {
            &self.local_time
        } else {
            &self.gmt_time
        }
    }
}

/// The longest date text the parsers accept (upstream's `AWS_DATE_TIME_STR_MAX_LEN`, declared in
/// the fragment).
const DATE_TEXT_MAX: usize = 100;

/// Sets `dt` to the system clock's current time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_init_now(dt: *mut aws_date_time) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let dt = unsafe { guard::mutable(dt) }?;
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        *dt = from_millis(millis);
        Ok(())
    })
}

/// The time `ms` milliseconds after the epoch.
fn from_millis(ms: u64) -> aws_date_time {
    aws_date_time::at((ms / 1000) as libc::time_t, (ms % 1000) as u16)
}

/// Sets `dt` to `ms_since_epoch` milliseconds after the epoch.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_init_epoch_millis(
    dt: *mut aws_date_time,
    ms_since_epoch: u64,
) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        *unsafe { guard::mutable(dt) }? = from_millis(ms_since_epoch);
        Ok(())
    })
}

/// Sets `dt` to `sec_ms` seconds after the epoch, the fraction rounded to milliseconds.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_init_epoch_secs(dt: *mut aws_date_time, sec_ms: f64) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let dt = unsafe { guard::mutable(dt) }?;
        let whole = sec_ms.trunc();
        // Upstream rounds the fraction; a negative one wraps in its u16 cast. Clamp instead.
        let millis = ((sec_ms - whole) * 1000.0).round().clamp(0.0, 999.0) as u16;
        *dt = aws_date_time::at(whole as libc::time_t, millis);
        Ok(())
    })
}

/// Parses `text` as `fmt` into `dt`.
fn init_from_text(dt: &mut aws_date_time, text: &[u8], fmt: aws_date_format) -> Result<()> {
    if text.len() > DATE_TEXT_MAX {
        return Err(AWS_ERROR_OVERFLOW_DETECTED.into());
    }
    *dt = aws_date_time::at(0, 0);
    dt.tz = [0; 6];
    dt.utc_assumed = false;
    let Parsed {
        mut fields,
        offset,
        utc,
        tz,
    } = parse(text, fmt).ok_or(AWS_ERROR_INVALID_DATE_STR)?;
    // SAFETY: a valid, writable struct tm.
    let base = unsafe {
        if utc || offset != 0 {
            libc::timegm(&mut fields)
        } else {
            libc::mktime(&mut fields)
        }
    };
    *dt = aws_date_time::at(base - offset, 0);
    dt.utc_assumed = utc;
    for (slot, c) in dt.tz.iter_mut().zip(tz) {
        *slot = c as std::ffi::c_char;
    }
    Ok(())
}

/// Sets `dt` from the date in `date_str` (see [`aws_date_time_init_from_str_cursor`]).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_init_from_str(
    dt: *mut aws_date_time,
    date_str: *const aws_byte_buf,
    fmt: aws_date_format_raw,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let dt = unsafe { guard::mutable(dt) }?;
        let text = unsafe { buf_arg(date_str)?.cursor().as_bytes() }?;
        init_from_text(dt, text, enum_value(fmt)?)
    })
}

/// Sets `dt` from the date in `date_str_cursor`, read as `fmt`: ISO 8601 in either form for
/// both ISO formats, RFC 822 (a date without a zone is local time; only UTC names and
/// `+hhmm`/`-hhmm` offsets are accepted as zones), or `AWS_DATE_FORMAT_AUTO_DETECT` for ISO
/// 8601 then RFC 822. `AWS_ERROR_OVERFLOW_DETECTED` for text over 100 bytes,
/// `AWS_ERROR_INVALID_DATE_STR` for text that is no such date.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_init_from_str_cursor(
    dt: *mut aws_date_time,
    date_str_cursor: *const aws_byte_cursor,
    fmt: aws_date_format_raw,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let dt = unsafe { guard::mutable(dt) }?;
        let text = unsafe { cursor_bytes(date_str_cursor) }?;
        init_from_text(dt, text, enum_value(fmt)?)
    })
}

/// The `strftime` pattern of each format, full and short; `AWS_DATE_FORMAT_AUTO_DETECT`
/// writes nothing (an invalid argument). RFC 822 in UTC says `GMT`, in local time the zone.
fn pattern(fmt: aws_date_format, local: bool, short: bool) -> Result<&'static CStr> {
    use aws_date_format::*;
    Ok(match (fmt, short) {
        (AWS_DATE_FORMAT_RFC822, false) if local => c"%a, %d %b %Y %H:%M:%S %Z",
        (AWS_DATE_FORMAT_RFC822, false) => c"%a, %d %b %Y %H:%M:%S GMT",
        (AWS_DATE_FORMAT_RFC822, true) => c"%a, %d %b %Y",
        (AWS_DATE_FORMAT_ISO_8601, false) => c"%Y-%m-%dT%H:%M:%SZ",
        (AWS_DATE_FORMAT_ISO_8601, true) => c"%Y-%m-%d",
        (AWS_DATE_FORMAT_ISO_8601_BASIC, false) => c"%Y%m%dT%H%M%SZ",
        (AWS_DATE_FORMAT_ISO_8601_BASIC, true) => c"%Y%m%d",
        (AWS_DATE_FORMAT_AUTO_DETECT, _) => return Err(guard::INVALID_ARGUMENT),
    })
}

/// Appends `dt` as text; `AWS_ERROR_SHORT_BUFFER` when it does not fit with a NUL after it
/// (the NUL is written but not counted).
///
/// # Safety
/// Forwarded from the exported functions.
unsafe fn write_text(
    dt: *const aws_date_time,
    fmt: aws_date_format_raw,
    output: *mut aws_byte_buf,
    local: bool,
    short: bool,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let dt = unsafe { guard::reference(dt) }?;
        let out = unsafe { buf_mut(output) }?;
        let pattern = pattern(enum_value(fmt)?, local, short)?;
        let room = out.capacity - out.len;
        if room == 0 {
            return Err(AWS_ERROR_SHORT_BUFFER.into());
        }
        // SAFETY: `room` writable bytes after `len`; a NUL-terminated pattern; a valid tm.
        let written = unsafe {
            libc::strftime(
                out.buffer.add(out.len).cast(),
                room,
                pattern.as_ptr(),
                dt.fields(local),
            )
        };
        if written == 0 {
            return Err(AWS_ERROR_SHORT_BUFFER.into());
        }
        out.len += written;
        Ok(())
    })
}

/// Appends `dt` in the local zone as `fmt` (RFC 822 ends with the zone's name).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_to_local_time_str(
    dt: *const aws_date_time,
    fmt: aws_date_format_raw,
    output_buf: *mut aws_byte_buf,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { write_text(dt, fmt, output_buf, true, false) }
}

/// Appends `dt` in UTC as `fmt`; the logger's timestamps come from here.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_to_utc_time_str(
    dt: *const aws_date_time,
    fmt: aws_date_format_raw,
    output_buf: *mut aws_byte_buf,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { write_text(dt, fmt, output_buf, false, false) }
}

/// Appends the date of `dt` (no time) in the local zone as `fmt`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_to_local_time_short_str(
    dt: *const aws_date_time,
    fmt: aws_date_format_raw,
    output_buf: *mut aws_byte_buf,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { write_text(dt, fmt, output_buf, true, true) }
}

/// Appends the date of `dt` (no time) in UTC as `fmt`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_date_time_to_utc_time_short_str(
    dt: *const aws_date_time,
    fmt: aws_date_format_raw,
    output_buf: *mut aws_byte_buf,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { write_text(dt, fmt, output_buf, false, true) }
}

#[cfg(test)]
#[path = "date_time_tests.rs"]
mod tests;
