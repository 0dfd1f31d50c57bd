//! The MQTT 5 property parser in every context, every block it accepts checked by re-encoding
//! it (the oracle is `fuzz/oracle.rs`).

#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../oracle.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| oracle::properties(data));
