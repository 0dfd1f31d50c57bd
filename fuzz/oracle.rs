//! The oracles of the codec's fuzz targets, in one place: the targets (`fuzz/fuzz_targets/`)
//! and the stable regression test (`tests/fuzz_regressions.rs`) both include this file, so a
//! kept input is checked exactly as it was fuzzed. Every function panics, naming the rule it
//! found broken, on an input that breaks one; an input the codec merely refuses is fine.
//!
//! - [`decode`] (targets `decode_v311`, `decode_v5`): the first byte chooses how the rest, a
//!   byte stream, is cut into pieces for [`Decoder::feed`]. The pieces must decode to the same
//!   packets, and end in the same error or the same unfinished tail, as [`codec::decode`] over
//!   the whole stream; the decoder must hold exactly the unfinished tail (it never reads past a
//!   packet). Every packet decoded must encode ([`codec::encoded_len`] being the size written,
//!   a buffer one byte short refused) to bytes that decode to the same packet; the one rule
//!   that binds only the sender is allowed for ([`round_trip`]).
//! - [`properties`] (target `properties`): the first byte chooses the [`Context`]; the rest is
//!   read by [`Properties::read`]. A block it accepts must encode ([`Properties::body_len`],
//!   [`Properties::encoded_len`], [`Properties::write`]) to as many bytes as were read (every
//!   property has a single length: minimal variable byte integers) and read back equal.

use aws_c_mqtt::codec::primitives::{Reader, Writer, variable_integer_len};
use aws_c_mqtt::codec::properties::{Context, Properties};
use aws_c_mqtt::codec::{self, CodecError, Decoder, Packet, Version};
use bytes::Bytes;

/// The fuzz targets, each with the directory name of its corpus and regressions.
pub const TARGETS: [&str; 3] = ["decode_v311", "decode_v5", "properties"];

/// Runs the oracle of the target named `target` (one of [`TARGETS`]) on `data`.
pub fn check(target: &str, data: &[u8]) {
    match target {
        "decode_v311" => decode(Version::V311, data),
        "decode_v5" => decode(Version::V5, data),
        "properties" => properties(data),
        other => panic!("no fuzz target {other:?}"),
    }
}

/// Every context a property block can sit in; the first byte of a `properties` input picks
/// one, modulo their number.
pub const CONTEXTS: [Context; 11] = [
    Context::Connect,
    Context::Will,
    Context::Connack,
    Context::Publish,
    Context::Ack,
    Context::Subscribe,
    Context::Suback,
    Context::Unsubscribe,
    Context::Unsuback,
    Context::Disconnect,
    Context::Auth,
];

/// How a stream is cut into pieces, from the first byte `s` of a `decode` input: `s % 4` is 0
/// for the whole stream at once, 1 for one byte at a time, 2 or 3 for pieces of 1 to
/// `2^((s >> 2) % 8)` bytes, their sizes drawn from a generator seeded with `s`.
pub struct Pieces<'a> {
    rest: &'a [u8],
    mode: u8,
    max: usize,
    state: u32,
}

impl<'a> Pieces<'a> {
    pub fn new(s: u8, stream: &'a [u8]) -> Pieces<'a> {
        Pieces {
            rest: stream,
            mode: s % 4,
            max: 1 << ((s >> 2) % 8),
            state: 0x9E37_79B9 ^ u32::from(s),
        }
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        let n = match self.mode {
            0 => self.rest.len(),
            1 => 1,
            _ => {
                // xorshift32
                self.state ^= self.state << 13;
                self.state ^= self.state >> 17;
                self.state ^= self.state << 5;
                1 + self.state as usize % self.max
            }
        };
        let (piece, rest) = self.rest.split_at(n.min(self.rest.len()));
        self.rest = rest;
        Some(piece)
    }
}

/// The oracle of `decode_v311` and `decode_v5`: see the module's documentation.
pub fn decode(version: Version, data: &[u8]) {
    let Some((&s, stream)) = data.split_first() else {
        return;
    };

    // The reference: one packet at a time from the whole stream.
    let mut expected = Vec::new();
    let mut consumed = 0;
    let expected_end = loop {
        match codec::decode(&stream[consumed..], version) {
            Ok(Some((packet, size))) => {
                assert!(
                    size > 0 && size <= stream.len() - consumed,
                    "decode took {size} bytes of {} left",
                    stream.len() - consumed
                );
                round_trip(&packet, version);
                expected.push(packet);
                consumed += size;
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };

    // The stream decoder, fed in pieces, asked for every packet after each piece.
    let mut decoder = Decoder::new(version);
    let mut decoded = Vec::new();
    let end = 'feed: {
        for piece in Pieces::new(s, stream) {
            decoder.feed(piece);
            loop {
                match decoder.next_packet() {
                    Ok(Some(packet)) => decoded.push(packet),
                    Ok(None) => break,
                    Err(e) => break 'feed Err(e),
                }
            }
        }
        Ok(())
    };

    assert_eq!(
        decoded, expected,
        "the decoder fed in pieces (split byte {s:#04x}) and decode over the whole stream \
         disagree on the packets"
    );
    assert_eq!(
        end, expected_end,
        "the decoder fed in pieces (split byte {s:#04x}) and decode over the whole stream \
         end differently"
    );
    if end.is_ok() {
        assert_eq!(
            decoder.buffered(),
            stream.len() - consumed,
            "the decoder holds other bytes than the unfinished packet at the end of the stream"
        );
    }
}

/// A decoded packet encodes to bytes that decode to it again.
///
/// One rule binds only the sender: an MQTT 3.1.1 CONNECT with an empty client identifier must
/// set clean session [MQTT-3.1.3-7], but a server must read one that does not, to refuse it
/// with return code 2 [MQTT-3.1.3-8]. The encoder refuses such a CONNECT with that rule's
/// error; the rest of it must round-trip with clean session set.
pub fn round_trip(packet: &Packet, version: Version) {
    // A match guard, not a let chain: the crate's rust-version (1.85) predates let chains.
    match packet {
        Packet::Connect(connect)
            if connect.version == Version::V311
                && connect.client_id.is_empty()
                && !connect.clean_start =>
        {
            assert_eq!(
                codec::encoded_len(packet, version),
                Err(CodecError::EmptyClientIdWithoutCleanSession),
                "{version:?}: a 3.1.1 CONNECT with an empty client id and no clean session is not \
                 refused by the encoder as [MQTT-3.1.3-7] asks: {packet:?}"
            );
            let mut connect = connect.clone();
            connect.clean_start = true;
            return round_trip(&Packet::Connect(connect), version);
        }
        _ => {}
    }
    let len = codec::encoded_len(packet, version).unwrap_or_else(|e| {
        panic!("{version:?}: a decoded packet cannot be encoded ({e:?}): {packet:?}")
    });
    let bytes = codec::encode_to_vec(packet, version)
        .unwrap_or_else(|e| panic!("{version:?}: encode_to_vec refused ({e:?}) {packet:?}"));
    assert_eq!(
        bytes.len(),
        len,
        "{version:?}: encoded_len is not the size written for {packet:?}"
    );
    let mut short = vec![0; len - 1];
    assert_eq!(
        codec::encode(packet, version, &mut short),
        Err(CodecError::BufferTooSmall { needed: len }),
        "{version:?}: a buffer one byte short is not refused for {packet:?}"
    );
    match codec::decode(&bytes, version) {
        Ok(Some((again, size))) => {
            assert_eq!(
                size, len,
                "{version:?}: the re-encoding {bytes:02x?} of {packet:?} decodes short"
            );
            assert_eq!(
                &again, packet,
                "{version:?}: the re-encoding {bytes:02x?} decodes to another packet"
            );
        }
        other => panic!(
            "{version:?}: the re-encoding {bytes:02x?} of {packet:?} does not decode: {other:?}"
        ),
    }
}

/// The oracle of `properties`: see the module's documentation.
pub fn properties(data: &[u8]) {
    let Some((&c, block)) = data.split_first() else {
        return;
    };
    let context = CONTEXTS[usize::from(c) % CONTEXTS.len()];
    let mut r = Reader::new(Bytes::copy_from_slice(block));
    let Ok(read) = Properties::read(&mut r, context) else {
        return;
    };
    let consumed = block.len() - r.remaining();

    let body = read.body_len(context).unwrap_or_else(|e| {
        panic!("{context:?}: properties read cannot be encoded ({e:?}): {read:?}")
    });
    let len = read
        .encoded_len(context)
        .unwrap_or_else(|e| panic!("{context:?}: encoded_len refused ({e:?}) {read:?}"));
    assert_eq!(
        len,
        variable_integer_len(body as u32) + body,
        "{context:?}: encoded_len is not body_len with its length prefix for {read:?}"
    );
    assert_eq!(
        len, consumed,
        "{context:?}: {read:?} was read from {consumed} bytes but encodes to {len}"
    );
    let mut out = vec![0; len];
    let mut w = Writer::new(&mut out);
    read.write(&mut w, body);
    assert_eq!(
        w.position(),
        len,
        "{context:?}: write wrote another size than encoded_len for {read:?}"
    );
    let mut back = Reader::new(Bytes::from(out.clone()));
    assert_eq!(
        Properties::read(&mut back, context).as_ref(),
        Ok(&read),
        "{context:?}: the re-encoding {out:02x?} reads back otherwise"
    );
    assert!(
        back.is_empty(),
        "{context:?}: reading the re-encoding {out:02x?} left bytes behind"
    );
}
