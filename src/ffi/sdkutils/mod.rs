//! aws-c-sdkutils' C API: its error codes and library init, and the profile (config and
//! credentials file) collection the profile credentials provider reads.

pub mod aws_profile;
pub mod sdkutils;
