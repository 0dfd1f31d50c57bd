use super::*;
use crate::codec::{Properties, PublishRef, QoS, Version};

/// A token that counts its live copies, so a test sees none leak or vanish.
#[derive(Debug)]
struct Tok(u32, std::rc::Rc<()>);

// SAFETY (test only): the tests use the tokens on one thread.
unsafe impl Send for Tok {}

impl StreamToken for Tok {
    fn share(&self) -> Option<Self> {
        // Token 0 stands for one that cannot be shared (a restored publish's, say).
        (self.0 != 0).then(|| Tok(self.0, self.1.clone()))
    }
    fn same_as(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

fn push(
    stream: &mut PublishStream<Tok>,
    batch: Option<&mut PublishBatch<Tok>>,
    token: Tok,
    topic: &str,
    payload: &[u8],
) -> Option<PublishBatch<Tok>> {
    push_with(stream, batch, token, topic, payload, Extras::default())
}

fn push_with(
    stream: &mut PublishStream<Tok>,
    batch: Option<&mut PublishBatch<Tok>>,
    token: Tok,
    topic: &str,
    payload: &[u8],
    extras: Extras,
) -> Option<PublishBatch<Tok>> {
    let properties = Properties::default();
    let parts = PublishRef {
        dup: false,
        qos: QoS::AtLeastOnce,
        retain: false,
        topic,
        packet_id: 0,
        payload,
        properties: &properties,
    };
    let mut packet = Vec::new();
    EncodedPublish::write_checked_parts(parts, Version::V5, &mut packet).unwrap();
    stream.push(batch, token, extras, &packet)
}

#[test]
fn a_batch_reads_back_each_publish_with_its_token_timeout_record_and_alias() {
    let rc = std::rc::Rc::new(());
    let mut stream = PublishStream::default();
    let mut batch = push(&mut stream, None, Tok(7, rc.clone()), "a/b", b"one").unwrap();
    // The same token again is stored once; a different one is stored.
    assert!(
        push_with(
            &mut stream,
            Some(&mut batch),
            Tok(7, rc.clone()),
            "c",
            b"two",
            Extras {
                timeout: 30,
                ..Extras::default()
            },
        )
        .is_none()
    );
    push_with(
        &mut stream,
        Some(&mut batch),
        Tok(9, rc.clone()),
        "d",
        b"",
        Extras {
            timeout: 0,
            record: 12345678901,
            user_alias: 4,
            id: 77,
        },
    );
    assert_eq!(batch.len(), 3);
    let got: Vec<_> = batch
        .by_ref()
        .map(|s| {
            (
                s.token.0,
                s.publish.topic().to_string(),
                s.publish.payload(Version::V5).to_vec(),
                s.publish.qos(),
                s.publish.user_alias(),
                s.timeout,
                s.record,
                s.id,
            )
        })
        .collect();
    // Read back as the engine will have them: unassigned packet ids, the original bytes.
    let one = (
        7,
        "a/b".into(),
        b"one".to_vec(),
        QoS::AtLeastOnce,
        None,
        0,
        0,
        0,
    );
    let two = (
        7,
        "c".into(),
        b"two".to_vec(),
        QoS::AtLeastOnce,
        None,
        30,
        0,
        0,
    );
    let three = (
        9,
        "d".into(),
        vec![],
        QoS::AtLeastOnce,
        Some(4),
        0,
        12345678901,
        77,
    );
    assert_eq!(got, [one, two, three]);
    assert!(batch.is_empty());
    drop(batch);
    drop(stream);
    // Every token made was dropped: none leaked in a chunk, none dropped twice.
    assert_eq!(std::rc::Rc::strong_count(&rc), 1);
}

#[test]
fn a_record_stores_its_token_only_when_it_differs_from_the_one_before() {
    let rc = std::rc::Rc::new(());
    let size = |n: usize, tokens: &[u32]| {
        let mut stream = PublishStream::default();
        let mut batch = None;
        for i in 0..n {
            let token = Tok(tokens[i % tokens.len()], rc.clone());
            match batch.as_mut() {
                None => batch = push(&mut stream, None, token, "t", &[0; 64]),
                Some(b) => {
                    push(&mut stream, Some(b), token, "t", &[0; 64]);
                }
            }
        }
        let used = stream.written;
        drop(batch);
        used
    };
    // 2 + 3 + 2 + 64 bytes of packet, 5 of header, and the token once.
    let packet = 2 + 3 + 2 + 1 + 64;
    assert_eq!(size(100, &[5]), 100 * (packet + 5) + size_of::<Tok>());
    assert_eq!(size(100, &[5, 6]), 100 * (packet + 5 + size_of::<Tok>()));
    // A token that cannot be shared is stored every time.
    assert_eq!(size(10, &[0]), 10 * (packet + 5 + size_of::<Tok>()));
    assert_eq!(std::rc::Rc::strong_count(&rc), 1);
}

#[test]
fn batches_span_chunks_and_free_them_as_their_publishes_go() {
    let rc = std::rc::Rc::new(());
    let mut stream = PublishStream::default();
    let payload = [0xAB; 1000];
    let mut first = push(&mut stream, None, Tok(1, rc.clone()), "x", &payload).unwrap();
    for _ in 0..99 {
        push(
            &mut stream,
            Some(&mut first),
            Tok(1, rc.clone()),
            "x",
            &payload,
        );
    }
    // A command of another kind between: the next publishes start a second batch.
    let mut second = push(&mut stream, None, Tok(2, rc.clone()), "y", b"z").unwrap();
    push(
        &mut stream,
        Some(&mut second),
        Tok(2, rc.clone()),
        "y",
        b"zz",
    );
    let start = first.chunk;
    let publishes: Vec<_> = first.by_ref().map(|s| s.publish).collect();
    assert_eq!(publishes.len(), 100);
    assert!(publishes.iter().all(|p| p.payload(Version::V5) == payload));
    let mut chunks = vec![start];
    while let Some(next) = chunks.last().unwrap().next() {
        chunks.push(next);
    }
    assert!(chunks.len() >= 4, "{} chunks", chunks.len());
    let payloads: Vec<_> = second
        .map(|s| s.publish.payload(Version::V5).to_vec())
        .collect();
    assert_eq!(payloads, [b"z".to_vec(), b"zz".to_vec()]);
    drop((publishes, first));
    drop(stream);
    assert_eq!(std::rc::Rc::strong_count(&rc), 1);
}

#[test]
fn an_unread_batch_gives_its_chunks_back() {
    let rc = std::rc::Rc::new(());
    let mut stream = PublishStream::default();
    let mut batch = push(&mut stream, None, Tok(1, rc.clone()), "a", &[1; 5000]).unwrap();
    for _ in 0..20 {
        push(
            &mut stream,
            Some(&mut batch),
            Tok(1, rc.clone()),
            "a",
            &[1; 5000],
        );
    }
    let one = batch.next().unwrap();
    // Dropped with 20 records unread: their tokens are dropped, their chunks go (but the one
    // the publish read holds).
    drop(batch);
    drop(stream);
    assert_eq!(std::rc::Rc::strong_count(&rc), 2);
    assert_eq!(one.publish.payload(Version::V5), [1; 5000]);
    drop(one);
    assert_eq!(std::rc::Rc::strong_count(&rc), 1);
}

#[test]
fn a_stream_gives_up_its_chunk_when_the_reader_takes_its_records_and_sizes_the_next() {
    let rc = std::rc::Rc::new(());
    let mut stream = PublishStream::default();
    // A first publish gets a small chunk: a client publishing now and then holds little.
    let mut batch = push(&mut stream, None, Tok(1, rc.clone()), "a", b"1").unwrap();
    let first = stream.chunk.unwrap();
    assert_eq!(first.capacity(), FIRST_CHUNK);
    // A round of 100 publishes of ~100 bytes grows the chunks as it goes.
    for _ in 0..99 {
        push(
            &mut stream,
            Some(&mut batch),
            Tok(1, rc.clone()),
            "a",
            &[0; 90],
        );
    }
    assert!(stream.chunk.unwrap().capacity() >= 8 * 1024);
    // The reader takes the round: the stream holds no chunk until the next publish, whose
    // chunk is sized for the round before.
    stream.retire();
    assert!(stream.chunk.is_none());
    let taken: Vec<_> = batch.map(|s| s.publish).collect();
    assert_eq!(taken.len(), 100);
    let next = push(&mut stream, None, Tok(1, rc.clone()), "a", b"2").unwrap();
    assert_eq!(stream.chunk.unwrap().capacity(), 16 * 1024);
    drop((taken, next, stream));
    assert_eq!(std::rc::Rc::strong_count(&rc), 1);
}
