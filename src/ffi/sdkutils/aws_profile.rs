//! `aws/sdkutils/aws_profile.h`: where the shared config and credentials files are and which
//! profile is in use (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `AWS_PROFILE`, a
//! leading `~` segment meaning the home directory), and the profile collection type.
//!
//! A collection is parsed by `auth::profile` from a file read as `aws_byte_buf_init_from_file`
//! reads it (so a missing file fails with its error codes); a file that cannot be parsed fails
//! with `AWS_ERROR_SDKUTILS_PARSE_FATAL`. Collections are immutable and reference counted.
//! Missing: the lookup functions of aws_profile.h (`aws_profile_collection_get_profile`,
//! `aws_profile_get_property`, ...), which upstream's tier does not list.

use crate::auth::profile::{self, Collection, Source};
use crate::error::aws_sdkutils_errors::AWS_ERROR_SDKUTILS_PARSE_FATAL;
use crate::ffi::auth::providers_basic::env_bytes;
use crate::ffi::auth::signing_result::new_string;
use crate::ffi::auth::signing_result::status;
use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::byte_buf::{aws_byte_buf, clean_up};
use crate::ffi::common::byte_buf_file::aws_byte_buf_init_from_file;
use crate::ffi::common::file::aws_get_home_directory;
use crate::ffi::common::string::{aws_string, aws_string_destroy, string_bytes};
use crate::ffi::guard::{self, Error, Result};
use std::ffi::c_int;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A set of parsed profiles; opaque.
pub struct aws_profile_collection {
    _opaque: [u8; 0],
}

/// A C `enum aws_profile_source_type` received from the caller.
pub type aws_profile_source_type_raw = c_int;

/// What an `aws_profile_collection` handle points to.
struct Handle {
    refs: AtomicUsize,
    collection: Arc<Collection>,
}

/// The collection behind a handle the caller lent.
///
/// # Safety
/// A non-NULL `collection` must be a live handle made here.
pub(crate) unsafe fn collection_of(
    collection: *const aws_profile_collection,
) -> Result<Arc<Collection>> {
    // SAFETY: caller contract; NULL refused.
    Ok(unsafe { guard::reference(collection.cast::<Handle>()) }?
        .collection
        .clone())
}

fn new_handle(collection: Collection) -> *mut aws_profile_collection {
    handle_of(Arc::new(collection))
}

/// A handle with one reference to a collection already shared.
pub(crate) fn handle_of(collection: Arc<Collection>) -> *mut aws_profile_collection {
    Box::into_raw(Box::new(Handle {
        refs: AtomicUsize::new(1),
        collection,
    }))
    .cast()
}

/// Reads and parses one profile file.
pub(crate) fn read_collection(path: &[u8], source: Source) -> Result<Collection> {
    let path = std::ffi::CString::new(path).map_err(|_| guard::INVALID_ARGUMENT)?;
    let mut buf = aws_byte_buf::EMPTY;
    // SAFETY: a NUL-terminated path and a buffer to fill, cleaned up below.
    status(unsafe {
        aws_byte_buf_init_from_file(
            &mut buf,
            crate::ffi::common::allocator::aws_default_allocator(),
            path.as_ptr(),
        )
    })?;
    let parsed = unsafe { buf.cursor().as_bytes() }.map(|text| profile::parse(text, source));
    unsafe { clean_up(&mut buf) };
    parsed?.map_err(|_| AWS_ERROR_SDKUTILS_PARSE_FATAL.into())
}

/// Reads a config (`AWS_PST_CONFIG`) or credentials (`AWS_PST_CREDENTIALS`) file into a new
/// collection with one reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_profile_collection_new_from_file(
    allocator: *mut aws_allocator,
    file_path: *const aws_string,
    source: aws_profile_source_type_raw,
) -> *mut aws_profile_collection {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        let source = match guard::enum_value::<aws_profile_source_type>(source)? {
            aws_profile_source_type::AWS_PST_CONFIG => Source::Config,
            aws_profile_source_type::AWS_PST_CREDENTIALS => Source::Credentials,
            aws_profile_source_type::AWS_PST_NONE => Source::None,
        };
        Ok(new_handle(read_collection(
            string_bytes(file_path)?,
            source,
        )?))
    })
}

/// A new collection of the config profiles overlaid with the credentials profiles (either may
/// be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_profile_collection_new_from_merge(
    allocator: *mut aws_allocator,
    config_profiles: *const aws_profile_collection,
    credentials_profiles: *const aws_profile_collection,
) -> *mut aws_profile_collection {
    guard::ptr(|| unsafe {
        allocator::checked(allocator)?;
        let config = (!config_profiles.is_null())
            .then(|| collection_of(config_profiles))
            .transpose()?;
        let credentials = (!credentials_profiles.is_null())
            .then(|| collection_of(credentials_profiles))
            .transpose()?;
        Ok(new_handle(profile::merge(
            config.as_deref(),
            credentials.as_deref(),
        )))
    })
}

/// Adds a reference (NULL is ignored) and answers the collection.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_profile_collection_acquire(
    collection: *mut aws_profile_collection,
) -> *mut aws_profile_collection {
    guard::ptr(|| {
        // SAFETY: the caller holds a reference.
        if let Ok(h) = unsafe { guard::reference(collection.cast::<Handle>()) } {
            h.refs.fetch_add(1, Ordering::Relaxed);
        }
        Ok(collection)
    })
}

/// Drops a reference; the last frees the collection. Answers NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_profile_collection_release(
    collection: *mut aws_profile_collection,
) -> *mut aws_profile_collection {
    guard::ptr(|| {
        // SAFETY: the caller gives up a reference it holds.
        if let Ok(h) = unsafe { guard::reference(collection.cast::<Handle>()) }
            && h.refs.fetch_sub(1, Ordering::AcqRel) == 1
        {
            drop(unsafe { Box::from_raw(collection.cast::<Handle>()) });
        }
        Ok(std::ptr::null_mut())
    })
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
pub(crate) unsafe fn chosen(
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

/// The config file's path (as [`aws_get_config_file_path`]).
pub(crate) unsafe fn config_path(override_path: *const aws_byte_cursor) -> Result<Vec<u8>> {
    unsafe { path_bytes(chosen(override_path, "AWS_CONFIG_FILE", b"~/.aws/config")?) }
}

/// The credentials file's path (as [`aws_get_credentials_file_path`]).
pub(crate) unsafe fn credentials_path(override_path: *const aws_byte_cursor) -> Result<Vec<u8>> {
    unsafe {
        path_bytes(chosen(
            override_path,
            "AWS_SHARED_CREDENTIALS_FILE",
            b"~/.aws/credentials",
        )?)
    }
}

/// A path expanded, as bytes.
unsafe fn path_bytes(raw: Vec<u8>) -> Result<Vec<u8>> {
    let allocator = crate::ffi::common::allocator::aws_default_allocator();
    let s = unsafe { expanded(allocator, &raw) }?;
    let bytes = unsafe { string_bytes(s) }.map(<[u8]>::to_vec);
    unsafe { aws_string_destroy(s) };
    bytes
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
