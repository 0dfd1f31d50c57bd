//! The MQTT 5 engine driven by a fuzzed script of commands, inbound bytes, transport
//! events and clock advances (the oracle is `fuzz/engines.rs`).

#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../engines.rs"]
mod engines;

fuzz_target!(|data: &[u8]| engines::check("engine_v5", data));
