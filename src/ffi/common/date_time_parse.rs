//! The date parsers behind `aws_date_time_init_from_str*`: ISO 8601 (extended or basic, date
//! alone or with a time, fractional seconds skipped, `Z` or a `±hh[:]mm` offset) and RFC 822
//! (`[Tue, ]15 Nov 1994 08:12:31 GMT`, two- or four-digit years, UTC names or `±hhmm`; no zone
//! means local time), with upstream's leniencies.
//!
//! One upstream slip is not copied: upstream drops the first digit of an RFC 822 date that has
//! no weekday (`15 Nov` reads as the 5th); here it counts.

use crate::ffi::common::chars::aws_isspace;
use crate::ffi::common::date_time::aws_date_format;
use crate::ffi::common::time::zero_tm;

/// What a parser read.
pub struct Parsed {
    /// The date's fields, not yet normalised.
    pub fields: libc::tm,
    /// Seconds east of UTC the text gave (subtracted from the fields' time).
    pub offset: libc::time_t,
    /// Whether the fields are UTC (or carry an offset); otherwise local time.
    pub utc: bool,
    /// The RFC 822 zone text, up to 5 bytes.
    pub tz: Vec<u8>,
}

/// Parses `text` as `fmt`: ISO 8601 for either ISO format, RFC 822, or the first of the two that
/// reads it for `AWS_DATE_FORMAT_AUTO_DETECT`.
pub fn parse(text: &[u8], fmt: aws_date_format) -> Option<Parsed> {
    use aws_date_format::*;
    let iso = || {
        iso_8601(text).map(|(fields, offset)| Parsed {
            fields,
            offset,
            utc: true,
            tz: Vec::new(),
        })
    };
    match fmt {
        AWS_DATE_FORMAT_ISO_8601 | AWS_DATE_FORMAT_ISO_8601_BASIC => iso(),
        AWS_DATE_FORMAT_RFC822 => rfc_822(text),
        AWS_DATE_FORMAT_AUTO_DETECT => iso().or_else(|| rfc_822(text)),
    }
}

/// Reads ISO 8601 text from its start; everything must be consumed except after `Z` or an
/// offset (upstream stops reading there too).
fn iso_8601(text: &[u8]) -> Option<(libc::tm, libc::time_t)> {
    let mut s = Reader(text);
    let mut t = zero_tm();
    t.tm_year = s.digits(4)? - 1900;
    let dashed = s.skip(b'-');
    t.tm_mon = s.digits(2)? - 1;
    if dashed && s.next()? != b'-' {
        return None;
    }
    t.tm_mday = s.digits(2)?;
    if s.0.is_empty() {
        return Some((t, 0));
    }
    if !matches!(s.next()?, b'T' | b't' | b' ') {
        return None;
    }
    t.tm_hour = s.digits(2)?;
    let colons = s.skip(b':');
    t.tm_min = s.digits(2)?;
    if colons && s.next()? != b':' {
        return None;
    }
    t.tm_sec = s.digits(2)?;
    if let Some(b'.' | b',') = s.0.first() {
        let fraction = s.0[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if fraction == 0 {
            return None;
        }
        s.0 = &s.0[1 + fraction..];
    }
    let sign = match s.next()? {
        b'Z' | b'z' => return Some((t, 0)),
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours = s.digits(2)?;
    s.skip(b':');
    let minutes = s.digits(2)?;
    Some((t, sign * libc::time_t::from(hours * 3600 + minutes * 60)))
}

/// A cursor over text being parsed.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    /// The value of the next `n` characters, all of which must be digits.
    fn digits(&mut self, n: usize) -> Option<i32> {
        let head = self.0.get(..n)?;
        if !head.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.0 = &self.0[n..];
        Some(head.iter().fold(0, |v, c| v * 10 + i32::from(c - b'0')))
    }

    /// Consumes the next character.
    fn next(&mut self) -> Option<u8> {
        let (&c, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(c)
    }

    /// Consumes the next character if it is `c`.
    fn skip(&mut self, c: u8) -> bool {
        let hit = self.0.first() == Some(&c);
        if hit {
            self.0 = &self.0[1..];
        }
        hit
    }
}

/// Where the RFC 822 reader is.
#[derive(Clone, Copy, PartialEq)]
enum Rfc822 {
    /// The optional weekday; next: `SpaceAfterComma` on `,`, `MonthDay` on a digit.
    Weekday,
    /// The space after the weekday's comma; next: `MonthDay`.
    SpaceAfterComma,
    /// The day's digits; next: `Month` on a space.
    MonthDay,
    /// The month's name; next: `Year` on a space after a known month.
    Month,
    /// Two or four digits; next: `Hour` on a space.
    Year,
    /// Two digits; next: `Minute` on `:`.
    Hour,
    /// Two digits; next: `Second` on `:`.
    Minute,
    /// Two digits; next: `Zone` on a space.
    Second,
    /// Up to five letters, digits or signs, to the end.
    Zone,
}

/// The month whose English name starts with the three letters of `name` (any case).
fn month(name: &[u8]) -> Option<i32> {
    const MONTHS: [&[u8]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let head = name.get(..3)?;
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(head))
        .map(|i| i as i32)
}

/// Whether an RFC 822 zone names UTC or gives an offset from it (`Z...`, `UT`, `UTC...`,
/// `GMT...`, `±hhmm`), as upstream decides.
fn utc_zone(tz: &[u8]) -> bool {
    match tz {
        [] => false,
        [b'z' | b'Z', ..] => true,
        [b'+' | b'-', _, _, _, _] => true,
        [u, t] => u.eq_ignore_ascii_case(&b'u') && t.eq_ignore_ascii_case(&b't'),
        [a, b, c, ..] => {
            let head = [*a, *b, *c];
            head.eq_ignore_ascii_case(b"utc") || head.eq_ignore_ascii_case(b"gmt")
        }
        _ => false,
    }
}

/// The value of the leading digits of `s` (what `strtol` reads of a zone's two digits).
fn leading_number(s: &[u8]) -> i64 {
    s.iter()
        .take_while(|c| c.is_ascii_digit())
        .fold(0, |v, c| v * 10 + i64::from(c - b'0'))
}

/// Reads RFC 822 text, which must end in the zone state (after the seconds and a space).
fn rfc_822(text: &[u8]) -> Option<Parsed> {
    use Rfc822::*;
    let mut t = zero_tm();
    let mut tz = Vec::new();
    let mut state = Weekday;
    let mut start = 0;
    let add =
        |field: &mut i32, c: u8| *field = field.wrapping_mul(10).wrapping_add(i32::from(c - b'0'));
    for (index, &c) in text.iter().enumerate() {
        let (digit, space) = (c.is_ascii_digit(), aws_isspace(c));
        let run = index - start;
        let next = match state {
            Weekday if c == b',' => SpaceAfterComma,
            Weekday if digit => {
                add(&mut t.tm_mday, c);
                MonthDay
            }
            Weekday if c.is_ascii_alphabetic() => Weekday,
            SpaceAfterComma if space => MonthDay,
            MonthDay if digit => {
                add(&mut t.tm_mday, c);
                MonthDay
            }
            MonthDay if space => Month,
            Month if space => {
                t.tm_mon = month(&text[start..=index])?;
                Year
            }
            Month if c.is_ascii_alphabetic() => Month,
            Year if space && run == 4 => {
                t.tm_year -= 1900;
                Hour
            }
            Year if space && run == 2 => {
                t.tm_year += 100;
                Hour
            }
            Year if digit => {
                add(&mut t.tm_year, c);
                Year
            }
            Hour if c == b':' && run == 2 => Minute,
            Hour if digit => {
                add(&mut t.tm_hour, c);
                Hour
            }
            Minute if c == b':' && run == 2 => Second,
            Minute if digit => {
                add(&mut t.tm_min, c);
                Minute
            }
            Second if space && run == 2 => Zone,
            Second if digit => {
                add(&mut t.tm_sec, c);
                Second
            }
            Zone if (c.is_ascii_alphanumeric() || c == b'-' || c == b'+') && run < 5 => {
                tz.push(c);
                Zone
            }
            _ => return None,
        };
        if next != state {
            start = index + 1;
        }
        state = next;
    }
    if state != Zone {
        return None;
    }
    let utc = utc_zone(&tz);
    if !tz.is_empty() && !utc {
        return None;
    }
    let mut offset = 0;
    if let [sign @ (b'+' | b'-'), rest @ ..] = tz.as_slice() {
        let seconds = leading_number(&rest[..2]) * 3600 + leading_number(&rest[2..4]) * 60;
        offset = if *sign == b'-' { -seconds } else { seconds } as libc::time_t;
    }
    Some(Parsed {
        fields: t,
        offset,
        utc,
        tz,
    })
}
