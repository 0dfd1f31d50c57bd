//! `aws/sdkutils/aws_profile.h`: where the shared config and credentials files are and which
//! profile is in use (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `AWS_PROFILE`, a
//! leading `~` segment meaning the home directory), and the profile collection type.
//!
//! Missing: the profile collection itself (parsing, merging, lookups), so the functions that
//! make one are not exported yet.

use crate::ffi::auth::providers_basic::env_bytes;
use crate::ffi::auth::signing_result::new_string;
use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::file::aws_get_home_directory;
use crate::ffi::common::string::{aws_string, aws_string_destroy, string_bytes};
use crate::ffi::guard::{self, Error, Result};

/// A set of parsed profiles; opaque.
pub struct aws_profile_collection {
    _opaque: [u8; 0],
}

/// Which file a collection came from.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_profile_source_type {
    /// Neither.
    AWS_PST_NONE = 0,
    /// The config file (`[profile name]` sections).
    AWS_PST_CONFIG = 1,
    /// The credentials file (`[name]` sections).
    AWS_PST_CREDENTIALS = 2,
}
crate::c_enum!(aws_profile_source_type);

/// The kinds of section a collection holds.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_profile_section_type {
    /// `[profile x]` (or `[x]` in the credentials file).
    AWS_PROFILE_SECTION_TYPE_PROFILE = 0,
    /// `[sso-session x]`.
    AWS_PROFILE_SECTION_TYPE_SSO_SESSION = 1,
    /// `[services x]`.
    AWS_PROFILE_SECTION_TYPE_SERVICES = 2,
    /// How many kinds there are.
    AWS_PROFILE_SECTION_TYPE_COUNT = 3,
}
crate::c_enum!(aws_profile_section_type);

/// The override when given and not empty, else the environment variable when set and not
/// empty, else the default.
unsafe fn chosen(
    override_value: *const aws_byte_cursor,
    env: &str,
    default: &[u8],
) -> Result<Vec<u8>> {
    // SAFETY: forwarded caller contract.
    if let Some(c) = unsafe { override_value.as_ref() } {
        let bytes = unsafe { c.as_bytes() }?;
        if !bytes.is_empty() {
            return Ok(bytes.to_vec());
        }
    }
    let from_env = env_bytes(env);
    Ok(if from_env.is_empty() {
        default.to_vec()
    } else {
        from_env
    })
}

/// A file path with a first segment of exactly `~` replaced by the home directory.
unsafe fn expanded(allocator: *mut aws_allocator, path: &[u8]) -> Result<*mut aws_string> {
    let starts_with_home = path == b"~" || path.starts_with(b"~/");
    if !starts_with_home {
        return new_string(allocator, path);
    }
    // SAFETY: a checked allocator.
    let home = unsafe { aws_get_home_directory(allocator) };
    if home.is_null() {
        return Err(Error(crate::ffi::common::error::aws_last_error()));
    }
    let full = unsafe { string_bytes(home) }.map(|h| [h, &path[1..]].concat());
    unsafe { aws_string_destroy(home) };
    new_string(allocator, &full?)
}

/// The credentials file: `override_path`, else `AWS_SHARED_CREDENTIALS_FILE`, else
/// `~/.aws/credentials`, with `~` expanded. The caller destroys the string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_get_credentials_file_path(
    allocator: *mut aws_allocator,
    override_path: *const aws_byte_cursor,
) -> *mut aws_string {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        let raw = chosen(
            override_path,
            "AWS_SHARED_CREDENTIALS_FILE",
            b"~/.aws/credentials",
        )?;
        expanded(allocator, &raw)
    })
}

/// The config file: `override_path`, else `AWS_CONFIG_FILE`, else `~/.aws/config`, with `~`
/// expanded. The caller destroys the string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_get_config_file_path(
    allocator: *mut aws_allocator,
    override_path: *const aws_byte_cursor,
) -> *mut aws_string {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        let raw = chosen(override_path, "AWS_CONFIG_FILE", b"~/.aws/config")?;
        expanded(allocator, &raw)
    })
}

/// The profile in use: `override_name`, else `AWS_PROFILE`, else `default`. The caller
/// destroys the string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_get_profile_name(
    allocator: *mut aws_allocator,
    override_name: *const aws_byte_cursor,
) -> *mut aws_string {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        new_string(
            allocator,
            &chosen(override_name, "AWS_PROFILE", b"default")?,
        )
    })
}
