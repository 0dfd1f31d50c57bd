//! Where an engine meets the codec, for both clients: the decode loop that turns received bytes
//! into whole packets, and the write that appends an encoded packet to the bytes to send.
//!
//! The loop feeds the bytes to the engine's resumable [`Decoder`] (a packet may arrive in any
//! number of pieces) and hands each whole packet to the engine, until the bytes run out, the
//! engine stops reading (the packet ended the connection), or the bytes are not a valid packet:
//! a protocol violation, on which the client closes the connection (MQTT 3.1.1 [MQTT-4.8.0-1],
//! MQTT 5 section 4.13). It is generic over the engine, so it costs no dynamic dispatch.

use crate::codec::{CodecError, Decoder, Packet, Version, encode_append};

/// An engine that reads packets from its connection.
pub(crate) trait PacketReader {
    /// The connection's decoder.
    fn decoder(&mut self) -> &mut Decoder;

    /// Handles one whole packet received at `now`; returns whether to go on with the packets
    /// already received after it (false once it ended the connection).
    fn on_packet(&mut self, now: u64, packet: Packet) -> bool;

    /// The bytes received are not a valid packet: the connection is to close. `error` says why
    /// and `packet_type` is the type nibble of the packet's first byte (what upstream's 3.1.1
    /// client picks its error code by).
    fn on_malformed(&mut self, error: CodecError, packet_type: u8);
}

/// Feeds `bytes`, received at `now`, to `reader`'s decoder and hands `reader` each whole
/// packet, in order, until it stops reading, the bytes run out (the rest of a packet cut short
/// waits in the decoder for the next bytes) or they are malformed.
pub(crate) fn read_packets<R: PacketReader>(reader: &mut R, now: u64, bytes: &[u8]) {
    reader.decoder().feed(bytes);
    loop {
        let packet_type = reader.decoder().next_packet_type();
        match reader.decoder().next_packet() {
            Ok(Some(packet)) => {
                if !reader.on_packet(now, packet) {
                    return;
                }
            }
            Ok(None) => return,
            Err(error) => {
                reader.on_malformed(error, packet_type.unwrap_or(0));
                return;
            }
        }
    }
}

/// Appends `packet`, encoded for `version`, to `out`.
pub fn write_packet(
    out: &mut Vec<u8>,
    packet: &Packet,
    version: Version,
) -> Result<(), CodecError> {
    encode_append(packet, version, out).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{PubAck, encode_to_vec};

    /// Records what the loop hands it; stops reading after `stop_after` packets.
    struct Recorder {
        decoder: Decoder,
        packets: Vec<Packet>,
        malformed: Vec<(CodecError, u8)>,
        stop_after: usize,
    }

    impl Recorder {
        fn new(stop_after: usize) -> Recorder {
            Recorder {
                decoder: Decoder::new(Version::V311),
                packets: Vec::new(),
                malformed: Vec::new(),
                stop_after,
            }
        }
    }

    impl PacketReader for Recorder {
        fn decoder(&mut self) -> &mut Decoder {
            &mut self.decoder
        }
        fn on_packet(&mut self, _now: u64, packet: Packet) -> bool {
            self.packets.push(packet);
            self.packets.len() < self.stop_after
        }
        fn on_malformed(&mut self, error: CodecError, packet_type: u8) {
            self.malformed.push((error, packet_type));
        }
    }

    fn puback(packet_id: u16) -> Packet {
        Packet::Puback(PubAck {
            packet_id,
            ..Default::default()
        })
    }

    fn bytes(packets: &[Packet]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in packets {
            write_packet(&mut out, p, Version::V311).unwrap();
        }
        out
    }

    #[test]
    fn every_whole_packet_of_a_read_is_handled_in_order() {
        let mut r = Recorder::new(usize::MAX);
        read_packets(&mut r, 0, &bytes(&[puback(1), Packet::Pingresp, puback(2)]));
        assert_eq!(r.packets, [puback(1), Packet::Pingresp, puback(2)]);
        assert!(r.malformed.is_empty());
    }

    #[test]
    fn a_packet_cut_across_reads_is_handled_once_whole() {
        let mut r = Recorder::new(usize::MAX);
        let all = bytes(&[puback(1), puback(2)]);
        for byte in &all[..5] {
            read_packets(&mut r, 0, std::slice::from_ref(byte));
        }
        assert_eq!(r.packets, [puback(1)], "the second has 1 of its 4 bytes");
        read_packets(&mut r, 0, &all[5..]);
        assert_eq!(r.packets, [puback(1), puback(2)]);
    }

    #[test]
    fn packets_after_one_that_ends_the_connection_are_not_handled() {
        let mut r = Recorder::new(1);
        read_packets(&mut r, 0, &bytes(&[puback(1), puback(2)]));
        assert_eq!(r.packets, [puback(1)]);
    }

    #[test]
    fn malformed_bytes_are_a_protocol_violation_mqtt_4_8_0_1() {
        let mut r = Recorder::new(usize::MAX);
        // A PUBACK (0x40) with a reserved flag bit set [MQTT-2.2.2-2], after a good one.
        let mut input = bytes(&[puback(1)]);
        input.extend_from_slice(&[0x41, 0x02, 0x00, 0x02]);
        read_packets(&mut r, 0, &input);
        assert_eq!(r.packets, [puback(1)]);
        assert_eq!(r.malformed.len(), 1);
        assert_eq!(r.malformed[0].1, 4, "PUBACK's type");
    }

    #[test]
    fn a_packet_is_written_as_the_codec_encodes_it() {
        let mut out = vec![0xAA];
        write_packet(&mut out, &puback(7), Version::V5).unwrap();
        assert_eq!(out[0], 0xAA, "appended");
        assert_eq!(out[1..], encode_to_vec(&puback(7), Version::V5).unwrap());
    }
}
