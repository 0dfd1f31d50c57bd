//! MQTT 3.1.1 and 5.0 packets ⇄ bytes: no I/O, no clock.
//!
//! Shared primitives ([`primitives`], [`utf8`], [`topic`], [`properties`], [`reason_code`])
//! serve both versions; one file per packet family ([`connect`], [`publish`], [`subscribe`],
//! [`control`]); [`frame`] writes and reads the fixed header with the exact size known before
//! writing, and [`decoder`] turns a byte stream split anywhere into packets.

pub mod connect;
pub mod control;
pub mod decoder;
pub mod encoded_publish;
pub mod error;
pub mod frame;
pub mod packet;
pub mod packet_block;
pub mod primitives;
pub mod properties;
pub mod publish;
pub mod reason_code;
pub mod subscribe;
pub mod topic;
pub mod utf8;
#[cfg(test)]
mod validation_tests;

pub use decoder::{Decoder, decode};
pub use encoded_publish::EncodedPublish;
pub use error::CodecError;
pub use frame::{encode, encode_append, encode_to_vec, encoded_len};
pub use packet::*;
pub use properties::{Properties, PropertySet};
pub use publish::PublishRef;
