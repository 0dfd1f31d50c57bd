//! `aws/io/pkcs11.h`: loading a PKCS#11 module for mutual TLS with a key on a token. The module,
//! its behaviours and the key search live in `transport/pkcs11.rs`; this file is the C handle,
//! reference counted as upstream's (`pkcs11_key_handler.rs` carries a token key inside TLS
//! context options).

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::guard::{self, Error, Result};
use crate::transport::pkcs11::{Behavior, Pkcs11Library};
use std::ffi::c_int;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A loaded PKCS#11 library; opaque.
pub struct aws_pkcs11_lib {
    _private: [u8; 0],
}

/// How `aws_pkcs11_lib_new` calls C_Initialize and C_Finalize.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_pkcs11_lib_behavior {
    /// C_Initialize on creation, "already initialised" ignored; C_Finalize never (another part
    /// of the program may still use the module).
    AWS_PKCS11_LIB_DEFAULT_BEHAVIOR = 0,
    /// Neither C_Initialize nor C_Finalize: the program initialised the module.
    AWS_PKCS11_LIB_OMIT_INITIALIZE = 1,
    /// C_Initialize on creation ("already initialised" is an error), C_Finalize on the last
    /// release: for perfect cleanup.
    AWS_PKCS11_LIB_STRICT_INITIALIZE_FINALIZE = 2,
}

crate::c_enum!(aws_pkcs11_lib_behavior);

/// A C `enum aws_pkcs11_lib_behavior` received from the caller.
pub type aws_pkcs11_lib_behavior_raw = c_int;

/// Options for `aws_pkcs11_lib_new`.
#[repr(C)]
pub struct aws_pkcs11_lib_options {
    /// The module's file name (UTF-8); zeroed to use PKCS#11 symbols linked into the program.
    pub filename: aws_byte_cursor,
    /// How C_Initialize and C_Finalize are called.
    pub initialize_finalize_behavior: aws_pkcs11_lib_behavior_raw,
}

/// What an `aws_pkcs11_lib` handle points to.
struct Handle {
    refs: AtomicUsize,
    library: Arc<Pkcs11Library>,
}

/// The module behind a handle the caller holds; NULL is `AWS_ERROR_INVALID_ARGUMENT`.
///
/// # Safety
/// A non-NULL `lib` must be a live handle made by [`aws_pkcs11_lib_new`].
pub(crate) unsafe fn library_of(lib: *const aws_pkcs11_lib) -> Result<Arc<Pkcs11Library>> {
    guard::require(!lib.is_null())?;
    // SAFETY: caller contract.
    Ok(Arc::clone(&unsafe { &*(lib as *const Handle) }.library))
}

/// Loads and initialises a PKCS#11 module (see `aws_pkcs11_lib_options`). NULL with an error:
/// `AWS_ERROR_INVALID_ARGUMENT` for NULL arguments or an unknown behaviour,
/// `AWS_IO_SHARED_LIBRARY_LOAD_FAILURE` for a file that does not load, the `CKR_*` of a failed
/// C_Initialize as its `AWS_ERROR_PKCS11_CKR_*` (under STRICT, an initialised module is
/// `AWS_ERROR_PKCS11_CKR_CRYPTOKI_ALREADY_INITIALIZED`), `AWS_ERROR_PKCS11_VERSION_UNSUPPORTED`
/// for a module older than cryptoki 2.20.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pkcs11_lib_new(
    allocator: *mut aws_allocator,
    options: *const aws_pkcs11_lib_options,
) -> *mut aws_pkcs11_lib {
    guard::ptr(|| {
        // SAFETY: the caller lends an allocator and options.
        let options = unsafe {
            allocator::checked(allocator)?;
            guard::reference(options)?
        };
        let behavior = match guard::enum_value(options.initialize_finalize_behavior)? {
            aws_pkcs11_lib_behavior::AWS_PKCS11_LIB_DEFAULT_BEHAVIOR => Behavior::Default,
            aws_pkcs11_lib_behavior::AWS_PKCS11_LIB_OMIT_INITIALIZE => Behavior::OmitInitialize,
            aws_pkcs11_lib_behavior::AWS_PKCS11_LIB_STRICT_INITIALIZE_FINALIZE => {
                Behavior::StrictInitializeFinalize
            }
        };
        let path = if options.filename.ptr.is_null() {
            None
        } else {
            // SAFETY: the caller lends the file name's bytes.
            let name = unsafe { options.filename.as_bytes() }?;
            let name = std::str::from_utf8(name).map_err(|_| guard::INVALID_ARGUMENT)?;
            Some(PathBuf::from(name))
        };
        let library = Pkcs11Library::load(path.as_deref(), behavior).map_err(Error)?;
        Ok(Box::into_raw(Box::new(Handle {
            refs: AtomicUsize::new(1),
            library: Arc::new(library),
        })) as *mut aws_pkcs11_lib)
    })
}

/// Adds a reference to `pkcs11_lib` and returns it (NULL stays NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pkcs11_lib_acquire(
    pkcs11_lib: *mut aws_pkcs11_lib,
) -> *mut aws_pkcs11_lib {
    guard::ptr(|| {
        if !pkcs11_lib.is_null() {
            // SAFETY: the caller holds a reference.
            unsafe { &*(pkcs11_lib as *const Handle) }
                .refs
                .fetch_add(1, Ordering::Relaxed);
        }
        Ok(pkcs11_lib)
    })
}

/// Drops a reference; with the last one the module is let go (finalised under STRICT) once no
/// TLS context uses a key of it any more. NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_pkcs11_lib_release(pkcs11_lib: *mut aws_pkcs11_lib) {
    guard::guard((), || {
        if pkcs11_lib.is_null() {
            return Ok(());
        }
        // SAFETY: the caller gives up a reference it holds.
        let handle = unsafe { &*(pkcs11_lib as *const Handle) };
        if handle.refs.fetch_sub(1, Ordering::AcqRel) == 1 {
            // SAFETY: the last reference; nobody else sees the handle.
            drop(unsafe { Box::from_raw(pkcs11_lib as *mut Handle) });
        }
        Ok(())
    })
}
