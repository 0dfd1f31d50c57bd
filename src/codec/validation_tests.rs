//! One test per validation rule of the codec, each named after the clause of the specification
//! that makes it a rule, decoding hand-written bytes (and, where the encoder guards the same
//! rule, encoding the packet).

use crate::codec::{
    CodecError, Decoder, Packet, PubAck, Publish, QoS, Subscribe, Subscription, Unsubscribe,
    Version, decode, encode_to_vec,
};

fn refused(bytes: &[u8], version: Version) -> CodecError {
    match decode(bytes, version) {
        Err(e) => e,
        Ok(other) => panic!("{bytes:02x?} decoded as {other:?}"),
    }
}

#[test]
fn fixed_header_reserved_flags_must_be_as_specified_mqtt_2_1_3_1() {
    // PUBACK with flags 0b0001, SUBSCRIBE with 0b0000 (must be 0b0010).
    assert_eq!(
        refused(&[0x41, 0x02, 0x00, 0x01], Version::V311),
        CodecError::InvalidFixedHeaderFlags(1)
    );
    assert_eq!(
        refused(
            &[0x80, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x00],
            Version::V311
        ),
        CodecError::InvalidFixedHeaderFlags(0)
    );
}

#[test]
fn publish_qos_3_is_malformed_mqtt_3_3_1_4() {
    assert_eq!(
        refused(&[0x36, 0x05, 0x00, 0x01, b'a', 0x00, 0x01], Version::V311),
        CodecError::InvalidQos(3)
    );
}

#[test]
fn qos_0_publish_has_dup_0_mqtt_3_3_1_2() {
    assert!(matches!(
        refused(&[0x38, 0x03, 0x00, 0x01, b'a'], Version::V311),
        CodecError::InvalidFixedHeaderFlags(_)
    ));
    let p = Publish {
        dup: true,
        topic: "a".into(),
        ..Default::default()
    };
    assert!(encode_to_vec(&Packet::Publish(p), Version::V311).is_err());
}

#[test]
fn a_packet_identifier_is_non_zero_mqtt_2_3_1_1() {
    assert_eq!(
        refused(&[0x32, 0x05, 0x00, 0x01, b'a', 0x00, 0x00], Version::V311),
        CodecError::ZeroPacketId
    );
    assert_eq!(
        refused(&[0x40, 0x02, 0x00, 0x00], Version::V311),
        CodecError::ZeroPacketId
    );
    let ack = Packet::Puback(PubAck::default());
    assert_eq!(
        encode_to_vec(&ack, Version::V5),
        Err(CodecError::ZeroPacketId)
    );
}

#[test]
fn the_remaining_length_uses_the_fewest_bytes_mqtt_1_5_5_1() {
    // PINGREQ whose remaining length 0 is written in two bytes.
    assert_eq!(
        refused(&[0xC0, 0x80, 0x00], Version::V5),
        CodecError::NonMinimalVariableInteger
    );
}

#[test]
fn the_remaining_length_covers_exactly_the_packet_mqtt_2_2_3() {
    // A PUBACK claiming 3 bytes in 3.1.1, where it has 2.
    assert_eq!(
        refused(&[0x40, 0x03, 0x00, 0x01, 0x00], Version::V311),
        CodecError::RemainingLengthMismatch
    );
    // A PUBLISH whose topic length runs past the remaining length.
    assert_eq!(
        refused(&[0x30, 0x03, 0x00, 0x05, b'a'], Version::V311),
        CodecError::Truncated
    );
}

#[test]
fn strings_are_well_formed_utf8_mqtt_1_5_3_1() {
    // A surrogate half (U+D800) as a topic.
    assert_eq!(
        refused(&[0x30, 0x05, 0x00, 0x03, 0xED, 0xA0, 0x80], Version::V311),
        CodecError::InvalidUtf8
    );
}

#[test]
fn strings_do_not_hold_u0000_mqtt_1_5_3_2() {
    assert_eq!(
        refused(&[0x30, 0x05, 0x00, 0x03, b'a', 0x00, b'b'], Version::V311),
        CodecError::InvalidUtf8
    );
}

#[test]
fn topic_names_hold_no_wildcard_mqtt_3_3_2_2() {
    assert_eq!(
        refused(&[0x30, 0x03, 0x00, 0x01, b'#'], Version::V311),
        CodecError::InvalidTopicName
    );
    let p = Publish {
        topic: "a/+".into(),
        ..Default::default()
    };
    assert_eq!(
        encode_to_vec(&Packet::Publish(p), Version::V5),
        Err(CodecError::InvalidTopicName)
    );
}

#[test]
fn topic_filters_follow_the_wildcard_rules_mqtt_4_7_1_2() {
    let bad = |filter: &str| {
        let s = Subscribe {
            packet_id: 1,
            subscriptions: vec![Subscription {
                filter: filter.into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        encode_to_vec(&Packet::Subscribe(s), Version::V5)
    };
    assert_eq!(bad("a/#/b"), Err(CodecError::InvalidTopicFilter));
    assert_eq!(bad("a+"), Err(CodecError::InvalidTopicFilter));
    assert!(bad("a/+/#").is_ok());
    // SUBSCRIBE to "a#" on the wire.
    assert_eq!(
        refused(
            &[0x82, 0x07, 0x00, 0x01, 0x00, 0x02, b'a', b'#', 0x00],
            Version::V311
        ),
        CodecError::InvalidTopicFilter
    );
}

#[test]
fn a_shared_subscription_names_a_group_and_a_filter_mqtt_4_8_2_1() {
    let shared = |filter: &str| {
        let s = Subscribe {
            packet_id: 1,
            subscriptions: vec![Subscription {
                filter: filter.into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        encode_to_vec(&Packet::Subscribe(s), Version::V5)
    };
    assert!(shared("$share/group/a/+").is_ok());
    assert_eq!(shared("$share//a"), Err(CodecError::InvalidTopicFilter));
    assert_eq!(shared("$share/group"), Err(CodecError::InvalidTopicFilter));
}

#[test]
fn subscribe_and_unsubscribe_carry_at_least_one_filter_mqtt_3_8_3_3_and_3_10_3_2() {
    assert_eq!(
        refused(&[0x82, 0x02, 0x00, 0x01], Version::V311),
        CodecError::EmptySubscription
    );
    assert_eq!(
        refused(&[0xA2, 0x02, 0x00, 0x01], Version::V311),
        CodecError::EmptySubscription
    );
    let u = Unsubscribe {
        packet_id: 1,
        ..Default::default()
    };
    assert_eq!(
        encode_to_vec(&Packet::Unsubscribe(u), Version::V311),
        Err(CodecError::EmptySubscription)
    );
}

#[test]
fn subscription_option_reserved_bits_are_zero_mqtt_3_8_3_4() {
    // Options byte 0x04 (MQTT 5 No Local) in a 3.1.1 SUBSCRIBE.
    assert_eq!(
        refused(
            &[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x04],
            Version::V311
        ),
        CodecError::ReservedBitsSet
    );
    // Bits 7-6 in MQTT 5.
    assert_eq!(
        refused(
            &[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'a', 0x40],
            Version::V5
        ),
        CodecError::ReservedBitsSet
    );
}

#[test]
fn the_connect_reserved_flag_is_zero_mqtt_3_1_2_3() {
    let connect = [
        0x10, 0x0C, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x03, 0x00, 0x3C, 0x00, 0x00,
    ];
    assert_eq!(
        refused(&connect, Version::V311),
        CodecError::ReservedBitsSet
    );
}

#[test]
fn a_packet_over_the_maximum_packet_size_is_refused_mqtt_3_1_2_24() {
    let p = Publish {
        topic: "t".into(),
        payload: vec![0u8; 100].into(),
        ..Default::default()
    };
    let bytes = encode_to_vec(&Packet::Publish(p), Version::V5).unwrap();
    let mut decoder = Decoder::new(Version::V5);
    decoder.set_max_packet_size(64);
    // Refused as soon as the fixed header shows the size, before the body arrives.
    decoder.feed(&bytes[..3]);
    assert!(matches!(
        decoder.next_packet(),
        Err(CodecError::PacketTooLarge { maximum: 64, .. })
    ));
}

#[test]
fn auth_exists_only_in_mqtt_5_mqtt_2_1_2() {
    assert_eq!(
        refused(&[0xF0, 0x00], Version::V311),
        CodecError::InvalidPacketType(15)
    );
    assert!(matches!(
        decode(&[0xF0, 0x00], Version::V5),
        Ok(Some((Packet::Auth(_), 2)))
    ));
    assert_eq!(
        refused(&[0x00, 0x00], Version::V5),
        CodecError::InvalidPacketType(0)
    );
}

#[test]
fn qos_in_a_subscription_is_at_most_2_mqtt_3_8_3_4() {
    assert_eq!(
        refused(
            &[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x03],
            Version::V311
        ),
        CodecError::InvalidQos(3)
    );
    let s = Subscription {
        filter: "a".into(),
        qos: QoS::ExactlyOnce,
        ..Default::default()
    };
    assert!(
        encode_to_vec(
            &Packet::Subscribe(Subscribe {
                packet_id: 1,
                subscriptions: vec![s],
                ..Default::default()
            }),
            Version::V311
        )
        .is_ok()
    );
}
