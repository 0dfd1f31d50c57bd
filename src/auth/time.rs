//! Calendar arithmetic for signing dates and credential expirations: UTC civil dates to and
//! from days since the epoch (Howard Hinnant's algorithms), and ISO 8601 timestamps as the
//! credential documents carry them.

/// The (year, month, day) of a day counted from 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// The days from 1970-01-01 to a (year, month, day).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// Seconds since the epoch of an ISO 8601 timestamp, `YYYY-MM-DDTHH:MM:SS` with optional
/// fractional seconds and a `Z` or `±HH:MM` zone (none: UTC). `None` for anything else.
pub fn parse_iso8601(text: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(text).ok()?;
    let number = |s: &str| -> Option<i64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (date, time) = text.split_once(['T', 't'])?;
    let mut d = date.split('-');
    let (year, month, day) = (number(d.next()?)?, number(d.next()?)?, number(d.next()?)?);
    if d.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (clock, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => (time, ""),
    };
    let offset_secs = match offset.as_bytes().first() {
        None => 0,
        Some(b'Z' | b'z') if offset.len() == 1 => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let (h, m) = offset[1..].split_once(':').unwrap_or((&offset[1..], "00"));
            let secs = number(h)? * 3600 + number(m)? * 60;
            if sign == b'+' { secs } else { -secs }
        }
        _ => return None,
    };
    let clock = clock.split('.').next()?;
    let mut t = clock.split(':');
    let (h, m, s) = (number(t.next()?)?, number(t.next()?)?, number(t.next()?)?);
    if t.next().is_some() || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s - offset_secs)
}

/// An instant (seconds since the epoch) as ISO 8601 UTC text, `YYYY-MM-DDTHH:MM:SSZ`: how
/// upstream writes a date back (`aws_date_time_to_utc_time_str` with `AWS_DATE_FORMAT_ISO_8601`).
pub fn format_iso8601(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_dates_are_inverse() {
        for days in [-1, 0, 1, 10_957, 11_016, 16_677, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn iso8601_timestamps_with_zones_and_fractions() {
        assert_eq!(parse_iso8601(b"2015-08-30T12:36:00Z"), Some(1_440_938_160));
        assert_eq!(
            parse_iso8601(b"2015-08-30T12:36:00.123Z"),
            Some(1_440_938_160)
        );
        assert_eq!(
            parse_iso8601(b"2015-08-30T14:36:00+02:00"),
            Some(1_440_938_160)
        );
        assert_eq!(parse_iso8601(b"2015-08-30T12:36:00"), Some(1_440_938_160));
        for bad in [
            "",
            "2015-08-30",
            "2015-13-30T00:00:00Z",
            "x015-08-30T12:36:00Z",
            "2015-08-30T25:00:00Z",
        ] {
            assert_eq!(parse_iso8601(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn iso8601_text_is_written_in_utc_and_reads_back() {
        assert_eq!(format_iso8601(1_440_938_160), "2015-08-30T12:36:00Z");
        assert_eq!(format_iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_iso8601(-1), "1969-12-31T23:59:59Z");
        for t in [951_782_400, 32_503_680_000] {
            assert_eq!(parse_iso8601(format_iso8601(t).as_bytes()), Some(t));
        }
    }
}
