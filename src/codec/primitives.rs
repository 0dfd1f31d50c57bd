//! The data types both protocol versions share [MQTT-1.5]: integers, variable byte integers,
//! UTF-8 strings and binary data, read from a packet's bytes and written into an exactly sized
//! buffer.

use crate::codec::error::{CodecError, Result};
use crate::codec::utf8;
use bytes::{Buf, Bytes};

/// The largest value a variable byte integer holds: four bytes of seven bits [MQTT-1.5.5].
pub const MAX_VARIABLE_INTEGER: u32 = 268_435_455;

/// The longest string or binary field: its length is a two-byte integer [MQTT-1.5.3].
pub const MAX_FIELD_LEN: usize = 65_535;

/// Bytes a variable byte integer takes.
pub fn variable_integer_len(value: u32) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// Decodes a variable byte integer from the start of `bytes`: `Ok(None)` when more bytes are
/// needed, otherwise the value and how many bytes it took.
pub fn decode_variable_integer(bytes: &[u8]) -> Result<Option<(u32, usize)>> {
    let mut value = 0u32;
    for (i, &b) in bytes.iter().enumerate().take(4) {
        value |= u32::from(b & 0x7F) << (7 * i);
        if b & 0x80 == 0 {
            // [MQTT-1.5.5-1] a trailing zero byte means a shorter encoding existed.
            if i > 0 && b == 0 {
                return Err(CodecError::NonMinimalVariableInteger);
            }
            return Ok(Some((value, i + 1)));
        }
    }
    if bytes.len() >= 4 {
        Err(CodecError::MalformedVariableInteger)
    } else {
        Ok(None)
    }
}

/// A cursor over one packet's bytes. Strings are validated; binary fields are slices of the
/// packet, not copies.
pub struct Reader {
    buf: Bytes,
}

impl Reader {
    /// A reader over `buf`.
    pub fn new(buf: Bytes) -> Reader {
        Reader { buf }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    /// True when everything was read.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    fn need(&self, n: usize) -> Result<()> {
        if self.buf.len() < n {
            Err(CodecError::Truncated)
        } else {
            Ok(())
        }
    }

    /// A one-byte integer.
    pub fn u8(&mut self) -> Result<u8> {
        self.need(1)?;
        Ok(self.buf.get_u8())
    }

    /// A two-byte big-endian integer [MQTT-1.5.2].
    pub fn u16(&mut self) -> Result<u16> {
        self.need(2)?;
        Ok(self.buf.get_u16())
    }

    /// A four-byte big-endian integer [MQTT-1.5.3].
    pub fn u32(&mut self) -> Result<u32> {
        self.need(4)?;
        Ok(self.buf.get_u32())
    }

    /// A variable byte integer [MQTT-1.5.5].
    pub fn variable_integer(&mut self) -> Result<u32> {
        match decode_variable_integer(&self.buf)? {
            Some((value, len)) => {
                self.buf.advance(len);
                Ok(value)
            }
            None => Err(CodecError::Truncated),
        }
    }

    /// The next `n` bytes, as a slice of the packet.
    pub fn take(&mut self, n: usize) -> Result<Bytes> {
        self.need(n)?;
        Ok(self.buf.split_to(n))
    }

    /// Everything not read yet.
    pub fn rest(&mut self) -> Bytes {
        std::mem::take(&mut self.buf)
    }

    /// Binary data: a two-byte length, then that many bytes [MQTT-1.5.6].
    pub fn binary(&mut self) -> Result<Bytes> {
        let len = self.u16()?;
        self.take(usize::from(len))
    }

    /// A UTF-8 encoded string [MQTT-1.5.4], checked against MQTT's rules.
    pub fn string(&mut self) -> Result<String> {
        let raw = self.binary()?;
        utf8::validate(&raw)
            .map(str::to_owned)
            .map_err(|_| CodecError::InvalidUtf8)
    }
}

/// Writes fields into a buffer that the encoder sized exactly beforehand; every length was
/// checked against the field limits when the size was computed.
pub struct Writer<'a> {
    out: &'a mut [u8],
    pos: usize,
}

impl<'a> Writer<'a> {
    /// A writer at the start of `out`.
    pub fn new(out: &'a mut [u8]) -> Writer<'a> {
        Writer { out, pos: 0 }
    }

    /// Bytes written so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Raw bytes.
    pub fn bytes(&mut self, b: &[u8]) {
        self.out[self.pos..self.pos + b.len()].copy_from_slice(b);
        self.pos += b.len();
    }

    /// A one-byte integer.
    pub fn u8(&mut self, v: u8) {
        self.bytes(&[v]);
    }

    /// A two-byte big-endian integer.
    pub fn u16(&mut self, v: u16) {
        self.bytes(&v.to_be_bytes());
    }

    /// A four-byte big-endian integer.
    pub fn u32(&mut self, v: u32) {
        self.bytes(&v.to_be_bytes());
    }

    /// A variable byte integer in its shortest form.
    pub fn variable_integer(&mut self, mut v: u32) {
        loop {
            let mut byte = (v & 0x7F) as u8;
            v >>= 7;
            if v > 0 {
                byte |= 0x80;
            }
            self.u8(byte);
            if v == 0 {
                break;
            }
        }
    }

    /// Binary data or a string: a two-byte length, then the bytes.
    pub fn binary(&mut self, b: &[u8]) {
        self.u16(b.len() as u16);
        self.bytes(b);
    }
}

/// Bytes a string or binary field takes, or an error when it is too long to encode.
pub fn field_len(b: &[u8]) -> Result<usize> {
    if b.len() > MAX_FIELD_LEN {
        Err(CodecError::StringTooLong)
    } else {
        Ok(2 + b.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_integers_round_trip_at_every_length_boundary() {
        for v in [
            0,
            127,
            128,
            16_383,
            16_384,
            2_097_151,
            2_097_152,
            MAX_VARIABLE_INTEGER,
        ] {
            let mut out = [0u8; 4];
            let mut w = Writer::new(&mut out);
            w.variable_integer(v);
            let n = w.position();
            assert_eq!(n, variable_integer_len(v));
            assert_eq!(decode_variable_integer(&out[..n]), Ok(Some((v, n))));
        }
    }

    #[test]
    fn a_fifth_continuation_byte_is_malformed_mqtt_1_5_5() {
        assert_eq!(
            decode_variable_integer(&[0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
            Err(CodecError::MalformedVariableInteger)
        );
    }

    #[test]
    fn a_longer_than_needed_encoding_is_refused_mqtt_1_5_5_1() {
        assert_eq!(
            decode_variable_integer(&[0x80, 0x00]),
            Err(CodecError::NonMinimalVariableInteger)
        );
        assert_eq!(
            decode_variable_integer(&[0xFF, 0x80, 0x00]),
            Err(CodecError::NonMinimalVariableInteger)
        );
    }

    #[test]
    fn an_unfinished_variable_integer_asks_for_more() {
        assert_eq!(decode_variable_integer(&[0x80, 0x80]), Ok(None));
        assert_eq!(decode_variable_integer(&[]), Ok(None));
    }

    #[test]
    fn strings_are_checked_and_binary_is_not() {
        let mut r = Reader::new(Bytes::from_static(&[0, 2, b'o', b'k', 0, 1, 0]));
        assert_eq!(r.string().unwrap(), "ok");
        assert_eq!(r.string(), Err(CodecError::InvalidUtf8));
        let mut r = Reader::new(Bytes::from_static(&[0, 1, 0]));
        assert_eq!(&r.binary().unwrap()[..], &[0]);
    }

    #[test]
    fn reading_past_the_end_is_truncated() {
        let mut r = Reader::new(Bytes::from_static(&[0, 5, b'a']));
        assert_eq!(r.string(), Err(CodecError::Truncated));
        assert_eq!(Reader::new(Bytes::new()).u16(), Err(CodecError::Truncated));
    }
}
