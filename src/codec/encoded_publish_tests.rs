use super::*;
use crate::codec::PropertySet;
use crate::codec::encode_to_vec;
use crate::codec::properties::Properties;

fn publish(qos: QoS) -> Publish {
    Publish {
        qos,
        retain: true,
        topic: "a/b".into(),
        payload: Bytes::from_static(b"hello"),
        properties: Properties::from(PropertySet {
            content_type: Some("text/plain".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn encoded_with_id(mut p: Publish, id: u16, version: Version) -> Vec<u8> {
    p.packet_id = id;
    encode_to_vec(&Packet::Publish(p), version).unwrap()
}

#[test]
fn an_assigned_packet_id_gives_the_bytes_the_codec_gives() {
    for version in [Version::V311, Version::V5] {
        let mut p = publish(QoS::AtLeastOnce);
        if version == Version::V311 {
            p.properties = Properties::default();
        }
        let mut e = EncodedPublish::new(p.clone(), version).unwrap();
        assert_eq!(e.packet_id(), 0, "unassigned until the engine gives one");
        e.set_packet_id(0x1234);
        assert_eq!(e.as_bytes(), encoded_with_id(p.clone(), 0x1234, version));
        assert_eq!(e.packet_id(), 0x1234);
        assert_eq!(e.topic(), "a/b");
        assert_eq!(e.payload(version), b"hello");
        assert_eq!(e.qos(), QoS::AtLeastOnce);
        assert!(e.retain());
    }
}

#[test]
fn a_qos0_publish_has_no_packet_id_and_never_dup() {
    // [MQTT-2.3.1-5] no packet id at QoS 0; [MQTT-3.3.1-2] DUP is 0 at QoS 0.
    let p = publish(QoS::AtMostOnce);
    let mut e = EncodedPublish::new(p.clone(), Version::V5).unwrap();
    e.set_packet_id(7);
    e.set_dup(true);
    assert_eq!(e.as_bytes(), encoded_with_id(p, 0, Version::V5));
    assert_eq!(e.packet_id(), 0);
    assert!(!e.dup());
    assert_eq!(e.payload(Version::V5), b"hello");
}

#[test]
fn a_resend_sets_dup_in_the_fixed_header() {
    // [MQTT-3.3.1-1]: DUP set on a redelivery of a QoS 1 or 2 PUBLISH.
    let mut e = EncodedPublish::new(publish(QoS::ExactlyOnce), Version::V5).unwrap();
    e.set_packet_id(9);
    e.set_dup(true);
    let mut expected = publish(QoS::ExactlyOnce);
    expected.dup = true;
    assert_eq!(e.as_bytes(), encoded_with_id(expected, 9, Version::V5));
    e.set_dup(false);
    assert!(!e.dup());
}

#[test]
fn the_users_topic_alias_is_kept_aside_and_restored_on_decoding() {
    let mut p = publish(QoS::AtLeastOnce);
    p.properties.topic_alias = Some(3);
    let mut e = EncodedPublish::new(p.clone(), Version::V5).unwrap();
    assert_eq!(e.user_alias(), Some(3));
    e.set_packet_id(1);
    assert_eq!(
        e.as_bytes(),
        encoded_with_id(publish(QoS::AtLeastOnce), 1, Version::V5),
        "the bytes leave the alias out"
    );
    assert_eq!(e.submitted_len(Version::V5), e.len() + 3);
    let mut with_id = p.clone();
    with_id.packet_id = 1;
    assert_eq!(
        e.submitted_len(Version::V5),
        encoded_len(&Packet::Publish(with_id), Version::V5).unwrap()
    );
    e.set_packet_id(5);
    let back = e.to_publish(Version::V5).unwrap();
    p.packet_id = 5;
    assert_eq!(back, p);
}

#[test]
fn decoding_before_an_id_is_assigned_reports_none() {
    let e = EncodedPublish::new(publish(QoS::AtLeastOnce), Version::V5).unwrap();
    let back = e.to_publish(Version::V5).unwrap();
    assert_eq!(back.packet_id, 0);
    assert_eq!(back.topic, "a/b");
}

#[test]
fn what_the_codec_refuses_is_refused_at_submission() {
    let mut p = publish(QoS::AtMostOnce);
    p.topic = "a/+".into();
    assert!(EncodedPublish::new(p, Version::V5).is_err());
    // Properties have no place in MQTT 3.1.1.
    assert!(EncodedPublish::new(publish(QoS::AtMostOnce), Version::V311).is_err());
}

#[test]
fn a_long_packet_has_a_longer_fixed_header() {
    let mut p = publish(QoS::AtLeastOnce);
    p.payload = Bytes::from(vec![7u8; 20_000]);
    let mut e = EncodedPublish::new(p.clone(), Version::V5).unwrap();
    e.set_packet_id(0xBEEF);
    assert_eq!(e.as_bytes(), encoded_with_id(p, 0xBEEF, Version::V5));
    assert_eq!(e.topic(), "a/b");
    assert_eq!(e.payload(Version::V5).len(), 20_000);
}

#[test]
fn a_checked_topic_encodes_to_the_same_bytes_and_only_the_unchecked_path_checks_it() {
    for version in [Version::V311, Version::V5] {
        let mut p = publish(QoS::ExactlyOnce);
        if version == Version::V311 {
            p.properties = Properties::default();
        }
        let checked = EncodedPublish::from_checked_parts(p.as_parts(), version).unwrap();
        let unchecked = EncodedPublish::from_parts(p.as_parts(), version).unwrap();
        assert_eq!(checked.as_bytes(), unchecked.as_bytes());
        // A wildcard is no topic name [MQTT-3.3.2-2]: refused unless the caller vouched.
        p.topic = "a/+".into();
        assert!(EncodedPublish::from_parts(p.as_parts(), version).is_err());
        assert!(EncodedPublish::from_checked_parts(p.as_parts(), version).is_ok());
    }
}

#[test]
fn wire_bytes_come_back_with_their_packet_id_and_dup_and_nothing_else_decodes() {
    let p = publish(QoS::AtLeastOnce);
    let mut e = EncodedPublish::new(p, Version::V5).unwrap();
    e.set_packet_id(77);
    e.set_dup(true);
    let back = EncodedPublish::from_wire(e.as_bytes(), Version::V5).unwrap();
    assert_eq!(back.as_bytes(), e.as_bytes());
    assert_eq!((back.packet_id(), back.dup()), (77, true));
    // Unassigned (id 0, as a store holds a publish never sent) decodes too.
    let fresh = EncodedPublish::new(publish(QoS::AtLeastOnce), Version::V5).unwrap();
    let back = EncodedPublish::from_wire(fresh.as_bytes(), Version::V5).unwrap();
    assert_eq!(back.packet_id(), 0);
    let bytes = e.as_bytes();
    assert!(EncodedPublish::from_wire(&bytes[..bytes.len() - 1], Version::V5).is_err());
    let mut longer = bytes.to_vec();
    longer.push(0);
    assert!(EncodedPublish::from_wire(&longer, Version::V5).is_err());
    assert!(EncodedPublish::from_wire(&[0x30], Version::V5).is_err());
    assert!(
        EncodedPublish::from_wire(&[0xC0, 0x00], Version::V5).is_err(),
        "a PINGREQ"
    );
}
