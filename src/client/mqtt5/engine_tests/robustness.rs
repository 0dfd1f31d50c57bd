//! Robustness: random servers and users never break the engine.

use super::*;

/// Drives the engine with random server packets (valid and mangled), random operations, time
/// and transport events: it must never panic (statistics underflow included), and once stopped
/// every operation must have completed exactly once.
#[test]
fn random_servers_and_users_never_break_the_engine() {
    let mut random = SplitMix64::with_seed(2026);
    for round in 0..2000 {
        let mut s = settings();
        s.session_behavior = SessionBehavior::RejoinPostSuccess;
        s.outbound_aliasing = OutboundAliasing::Lru(4);
        s.inbound_alias_maximum = Some(4);
        s.iot_core_flow_control = round % 5 == 0;
        s.ack_timeout_secs = 3;
        let mut h = Harness::new(s);
        h.engine.start();
        let mut submitted = 0u32;
        let mut completed = std::collections::HashMap::<u32, u32>::new();
        let mut note = |events: Vec<Event<u32>>| {
            for e in events {
                if let Event::Complete { token, .. } = e {
                    *completed.entry(token).or_default() += 1;
                }
            }
        };
        for _ in 0..200 {
            let pick = random.next_u64() % 16;
            let id = (random.next_u64() % 8 + 1) as u16;
            match pick {
                0 => match h.engine.poll_action() {
                    Some(Action::Open) => h.engine.transport_opened(h.now),
                    Some(Action::Close) => h.engine.transport_closed(h.now, None),
                    None => {}
                },
                1 => {
                    let refused = random.next_u64() % 4 == 0;
                    h.server(Packet::Connack(Connack {
                        // [MQTT-3.2.2-6]: a refusal has Session Present 0.
                        session_present: !refused && random.next_u64() % 2 == 0,
                        reason_code: if refused { 0x87 } else { 0 },
                        properties: Properties::from(PropertySet {
                            receive_maximum: Some((random.next_u64() % 3 + 1) as u16),
                            topic_alias_maximum: Some((random.next_u64() % 3) as u16),
                            ..Default::default()
                        }),
                    }))
                }
                2 => h.server(Packet::Puback(ack(id))),
                3 => h.server(Packet::Pubrec(ack(id))),
                4 => h.server(Packet::Pubcomp(ack(id))),
                5 => h.server(Packet::Suback(Suback {
                    packet_id: id,
                    reason_codes: vec![0; (random.next_u64() % 2 + 1) as usize],
                    ..Default::default()
                })),
                6 => {
                    let mut p = publish(QoS::from_u8((random.next_u64() % 3) as u8).unwrap());
                    p.packet_id = if p.qos == QoS::AtMostOnce { 0 } else { id };
                    p.properties.topic_alias = Some((random.next_u64() % 6 + 1) as u16);
                    if random.next_u64() % 2 == 0 {
                        p.topic.clear();
                    }
                    h.server(Packet::Publish(p));
                }
                7 => {
                    let bytes: Vec<u8> = (0..random.next_u64() % 12)
                        .map(|_| random.next_u64() as u8)
                        .collect();
                    h.engine.receive(h.now, &bytes);
                }
                8 | 9 => {
                    submitted += 1;
                    let qos = QoS::from_u8((random.next_u64() % 3) as u8).unwrap();
                    h.publish(qos, submitted);
                }
                10 => {
                    submitted += 1;
                    h.engine.submit(subscribe("a/#"), submitted, 0);
                }
                11 => {
                    h.sent();
                }
                12 => h.advance(random.next_u64() % (5 * SEC)),
                13 => {
                    let _ = h.engine.poll_action();
                    h.engine.transport_closed(h.now, None);
                }
                14 => h.engine.stop(None),
                _ => h.engine.start(),
            }
            note(h.events());
        }
        // What was queued while stopped stays queued: only the client's end fails it.
        h.engine.terminate();
        // The runtime performs every action (an open fails, a close completes) as time passes.
        let mut events = Vec::new();
        for _ in 0..10 {
            h.sent();
            while h.engine.poll_action().is_some() {
                h.engine.transport_closed(h.now, None);
            }
            h.advance(30 * SEC);
            events.extend(h.events());
        }
        assert!(
            matches!(events.last(), Some(Event::Terminated)),
            "round {round}: {events:?} {:?}",
            h.engine.state()
        );
        note(events);
        h.engine.shut_down();
        note(h.events());
        assert_eq!(h.engine.state(), State::Stopped, "round {round}");
        assert_eq!(
            h.engine.statistics(),
            Statistics::default(),
            "round {round}"
        );
        for token in 1..=submitted {
            assert_eq!(
                completed.get(&token),
                Some(&1),
                "round {round} token {token}"
            );
        }
    }
}
