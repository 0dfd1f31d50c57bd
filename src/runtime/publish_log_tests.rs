//! The publish log against real files in a temporary directory: replay, torn and corrupt
//! tails, compaction, a full disk.

use super::*;
use std::fs;

/// A fresh directory of its own for one test.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("publish-log-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    d
}

fn publish(record: u64, fill: u8) -> Record<'static> {
    Record::Accepted {
        record,
        packet: vec![fill; 83].into(),
    }
}

fn sent(record: u64, packet_id: u16) -> Record<'static> {
    Record::Progressed {
        record,
        packet_id,
        released: false,
    }
}

/// The recovered publishes' (record, packet id) pairs.
fn ids(recovered: &Recovered) -> Vec<(u64, u16)> {
    recovered
        .publishes
        .iter()
        .map(|p| (p.record, p.packet_id))
        .collect()
}

#[test]
fn what_was_not_acknowledged_comes_back_in_order_with_its_packet_ids() {
    let d = dir("replay");
    let (mut log, recovered) = PublishLog::open(&d, Fsync::Always).unwrap();
    assert_eq!(recovered, Recovered::default());
    for record in 1..=4 {
        log.append(&publish(record, record as u8)).unwrap();
    }
    log.append(&sent(1, 7)).unwrap();
    log.append(&sent(2, 8)).unwrap();
    log.append(&sent(3, 9)).unwrap();
    log.append(&Record::Settled { record: 2 }).unwrap();
    log.append(&Record::Progressed {
        record: 3,
        packet_id: 9,
        released: true,
    })
    .unwrap();
    log.append(&Record::ReceivedQos2 { packet_id: 9 }).unwrap();
    log.append(&Record::ReceivedQos2 { packet_id: 10 }).unwrap();
    log.append(&Record::ReleasedQos2 { packet_id: 9 }).unwrap();
    drop(log);
    let (_, recovered) = PublishLog::open(&d, Fsync::Always).unwrap();
    assert_eq!(ids(&recovered), [(1, 7), (3, 9), (4, 0)]);
    let released: Vec<bool> = recovered.publishes.iter().map(|p| p.released).collect();
    assert_eq!(released, [false, true, false]);
    assert_eq!(recovered.publishes[2].packet, vec![4; 83]);
    assert_eq!(recovered.incoming_qos2, [10]);
    assert_eq!(recovered.dropped_tail_bytes, 0);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_new_session_clears_the_received_qos2_ids() {
    let d = dir("cleared");
    let (mut log, _) = PublishLog::open(&d, Fsync::Never).unwrap();
    log.append(&Record::ReceivedQos2 { packet_id: 3 }).unwrap();
    log.append(&Record::ClearedQos2).unwrap();
    log.append(&Record::ReceivedQos2 { packet_id: 4 }).unwrap();
    drop(log);
    let (_, recovered) = PublishLog::open(&d, Fsync::Never).unwrap();
    assert_eq!(recovered.incoming_qos2, [4]);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_torn_last_record_is_cut_off_and_the_log_goes_on() {
    let d = dir("torn");
    let (mut log, _) = PublishLog::open(&d, Fsync::Never).unwrap();
    log.append(&publish(1, 1)).unwrap();
    log.append(&publish(2, 2)).unwrap();
    let whole = log.len();
    drop(log);
    // The process died in the middle of the second record.
    let path = PublishLog::file_in(&d);
    let f = OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(whole - 40).unwrap();
    drop(f);
    let (mut log, recovered) = PublishLog::open(&d, Fsync::Never).unwrap();
    assert_eq!(ids(&recovered), [(1, 0)]);
    assert_eq!(recovered.dropped_tail_bytes, (whole - 40) - whole / 2);
    // What is appended after the cut is read back.
    log.append(&publish(3, 3)).unwrap();
    drop(log);
    let (_, recovered) = PublishLog::open(&d, Fsync::Never).unwrap();
    assert_eq!(ids(&recovered), [(1, 0), (3, 0)]);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_corrupt_record_ends_the_replay_there() {
    let d = dir("corrupt");
    let (mut log, _) = PublishLog::open(&d, Fsync::Never).unwrap();
    for id in 1..=3 {
        log.append(&publish(id, id as u8)).unwrap();
    }
    let record = log.len() / 3;
    drop(log);
    let path = PublishLog::file_in(&d);
    let mut bytes = fs::read(&path).unwrap();
    // One flipped bit in the second record's packet.
    bytes[(record + 20) as usize] ^= 0x10;
    fs::write(&path, &bytes).unwrap();
    let (_, recovered) = PublishLog::open(&d, Fsync::Never).unwrap();
    assert_eq!(ids(&recovered), [(1, 0)]);
    assert_eq!(recovered.dropped_tail_bytes, 2 * record);
    assert_eq!(fs::metadata(&path).unwrap().len(), record);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn garbage_of_any_kind_is_never_fatal() {
    let d = dir("garbage");
    fs::create_dir_all(&d).unwrap();
    let path = PublishLog::file_in(&d);
    for garbage in [vec![0u8; 5], vec![0xFF; 64], b"not a log at all".to_vec()] {
        fs::write(&path, &garbage).unwrap();
        let (log, recovered) = PublishLog::open(&d, Fsync::Never).unwrap();
        assert!(recovered.publishes.is_empty());
        assert_eq!(recovered.dropped_tail_bytes, garbage.len() as u64);
        assert!(log.is_empty());
    }
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_log_of_mostly_acknowledged_records_is_compacted() {
    let d = dir("compact");
    let (mut log, _) = PublishLog::open(&d, Fsync::Never).unwrap();
    // Two in flight at any time; thousands acknowledged.
    for record in 1..=2_000u64 {
        log.append(&publish(record, record as u8)).unwrap();
        log.append(&sent(record, (record % 100) as u16 + 1))
            .unwrap();
        if record > 2 {
            log.append(&Record::Settled { record: record - 2 }).unwrap();
        }
    }
    // 2,000 publishes of ~100 bytes would be ~260 KB without compaction.
    assert!(log.len() < COMPACT_AFTER_BYTES + 2_000, "{}", log.len());
    // Appends after a compaction land where the moved entries expect them.
    log.append(&Record::Settled { record: 1_999 }).unwrap();
    log.append(&publish(2_001, 0xAB)).unwrap();
    drop(log);
    let (_, recovered) = PublishLog::open(&d, Fsync::Never).unwrap();
    assert_eq!(ids(&recovered), [(2_000, 1), (2_001, 0)]);
    assert_eq!(recovered.publishes[0].packet, vec![2_000u64 as u8; 83]);
    assert_eq!(recovered.publishes[1].packet, vec![0xAB; 83]);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_full_disk_fails_the_append_and_keeps_the_state() {
    let d = dir("full");
    fs::create_dir_all(&d).unwrap();
    // The log is /dev/full: every write fails with ENOSPC.
    std::os::unix::fs::symlink("/dev/full", PublishLog::file_in(&d)).unwrap();
    let (mut log, recovered) = PublishLog::open(&d, Fsync::Always).unwrap();
    assert_eq!(recovered, Recovered::default());
    let err = log.append(&publish(1, 1)).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::ENOSPC));
    assert!(log.is_empty());
    assert_eq!(log.state.live(), 0);
    fs::remove_dir_all(&d).unwrap();
}
