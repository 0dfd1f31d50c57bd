//! The resumable decoder: bytes arrive in pieces of any size; each call hands out the next whole
//! packet once all of it is there, and never consumes a byte beyond it.

use crate::codec::error::{CodecError, Result};
use crate::codec::frame::{FixedHeader, decode_body};
use crate::codec::packet::{Packet, Version};
use crate::codec::primitives::MAX_VARIABLE_INTEGER;
use bytes::BytesMut;

/// The largest packet MQTT can express: a 5-byte fixed header and the largest remaining length.
pub const MAX_PACKET_SIZE: usize = 1 + 4 + MAX_VARIABLE_INTEGER as usize;

/// The most the decoder reserves beyond what has arrived, for a packet not yet whole.
const READ_AHEAD: usize = 64 * 1024;

/// Decodes a stream of packets of one connection.
pub struct Decoder {
    version: Version,
    max_packet_size: usize,
    pending: BytesMut,
}

impl Decoder {
    /// A decoder for `version` accepting packets up to [`MAX_PACKET_SIZE`].
    pub fn new(version: Version) -> Decoder {
        Decoder {
            version,
            max_packet_size: MAX_PACKET_SIZE,
            pending: BytesMut::new(),
        }
    }

    /// Switches the protocol version, as a server does once a CONNECT named it.
    pub fn set_version(&mut self, version: Version) {
        self.version = version;
    }

    /// Refuses, as soon as its fixed header arrives, any packet larger than `bytes` (the
    /// Maximum Packet Size this side advertised [MQTT-3.1.2-24], [MQTT-3.2.2-15]).
    pub fn set_max_packet_size(&mut self, bytes: usize) {
        self.max_packet_size = bytes.min(MAX_PACKET_SIZE);
    }

    /// Appends received bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// Bytes received but not yet part of a decoded packet.
    pub fn buffered(&self) -> usize {
        self.pending.len()
    }

    /// The type (the high nibble of the first byte) of the next packet, once its first byte
    /// has arrived.
    pub fn next_packet_type(&self) -> Option<u8> {
        self.pending.first().map(|byte| byte >> 4)
    }

    /// The next whole packet, `Ok(None)` when more bytes are needed. After an error the stream
    /// is unusable: MQTT closes the connection on a malformed packet [MQTT-4.8.0-1].
    pub fn next_packet(&mut self) -> Result<Option<Packet>> {
        let Some(header) = FixedHeader::parse(&self.pending, self.version)? else {
            return Ok(None);
        };
        let size = header.header_len + header.remaining_length;
        if size > self.max_packet_size {
            return Err(CodecError::PacketTooLarge {
                size,
                maximum: self.max_packet_size,
            });
        }
        if self.pending.len() < size {
            // Grow toward the packet, but never reserve more than a read's worth ahead of the
            // bytes actually received: a 5-byte header must not make a peer's claim cost
            // 256 MiB of memory.
            self.pending
                .reserve((size - self.pending.len()).min(READ_AHEAD));
            return Ok(None);
        }
        let mut frame = self.pending.split_to(size);
        let body = frame.split_off(header.header_len).freeze();
        decode_body(&header, body, self.version).map(Some)
    }
}

/// Decodes the one packet at the start of `bytes`, returning it and its size.
pub fn decode(bytes: &[u8], version: Version) -> Result<Option<(Packet, usize)>> {
    let Some(header) = FixedHeader::parse(bytes, version)? else {
        return Ok(None);
    };
    let size = header.header_len + header.remaining_length;
    if bytes.len() < size {
        return Ok(None);
    }
    let body = bytes::Bytes::copy_from_slice(&bytes[header.header_len..size]);
    decode_body(&header, body, version).map(|p| Some((p, size)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_claimed_length_does_not_reserve_its_size_up_front() {
        let mut d = Decoder::new(Version::V311);
        // A PUBLISH header claiming 200 MiB of remaining length, and nothing else yet.
        d.feed(&[0x30, 0x80, 0x80, 0x80, 0x64]);
        assert_eq!(d.next_packet(), Ok(None));
        assert!(
            d.pending.capacity() <= 2 * READ_AHEAD,
            "{}",
            d.pending.capacity()
        );
    }
}
