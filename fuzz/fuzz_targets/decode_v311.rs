//! The stream decoder on an MQTT 3.1.1 connection: arbitrary bytes in arbitrary pieces, every
//! packet checked by re-encoding it (the oracle is `fuzz/oracle.rs`).

#![no_main]

use aws_c_mqtt::codec::Version;
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../oracle.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| oracle::decode(Version::V311, data));
