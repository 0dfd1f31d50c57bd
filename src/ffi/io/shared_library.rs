//! `aws/io/shared_library.h`: a shared library opened with `dlopen` (lazy binding) and its
//! functions found with `dlsym`. A NULL path opens the program itself, as `dlopen` does.

use crate::error::aws_io_errors::{
    AWS_IO_SHARED_LIBRARY_FIND_SYMBOL_FAILURE, AWS_IO_SHARED_LIBRARY_LOAD_FAILURE,
};
use crate::ffi::guard::{self, Result};
use std::ffi::{CStr, c_char, c_int, c_void};

/// An open shared library.
#[repr(C)]
pub struct aws_shared_library {
    /// `dlopen`'s handle, NULL when closed.
    pub library_handle: *mut c_void,
}

/// Any function; cast it to the function's own type before calling.
pub type aws_generic_function = Option<unsafe extern "C" fn()>;

/// `dlerror`'s message, for the log.
fn dl_error() -> String {
    // SAFETY: dlerror returns NULL or a C string valid until the next dl call on this thread.
    let message = unsafe { libc::dlerror() };
    if message.is_null() {
        return "unknown error".into();
    }
    unsafe { CStr::from_ptr(message) }
        .to_string_lossy()
        .into_owned()
}

/// The path for the log: the string, or `<null>`.
///
/// # Safety
/// `path` NULL or a C string.
unsafe fn shown(path: *const c_char) -> String {
    // SAFETY: forwarded caller contract.
    unsafe { guard::c_str(path) }.map_or("<null>".into(), |p| p.to_string_lossy().into_owned())
}

/// Opens the library at `library_path`; `AWS_IO_SHARED_LIBRARY_LOAD_FAILURE` when it cannot be
/// loaded (the handle is then NULL).
///
/// # Safety
/// `library` NULL or writable; `library_path` NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_shared_library_init(
    library: *mut aws_shared_library,
    library_path: *const c_char,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let library = unsafe { guard::mutable(library) }?;
        library.library_handle = unsafe { libc::dlopen(library_path, libc::RTLD_LAZY) };
        if library.library_handle.is_null() {
            crate::aws_log!(
                AWS_LL_ERROR,
                AWS_LS_IO_SHARED_LIBRARY,
                "id={:p}: Failed to load shared library at path \"{}\" with error: {}",
                library,
                unsafe { shown(library_path) },
                dl_error()
            );
            return Err(AWS_IO_SHARED_LIBRARY_LOAD_FAILURE.into());
        }
        Ok(())
    })
}

/// Closes the library; a NULL or closed one is left alone.
///
/// # Safety
/// `library` NULL or a library from [`aws_shared_library_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_shared_library_clean_up(library: *mut aws_shared_library) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        if let Some(library) = unsafe { library.as_mut() } {
            if !library.library_handle.is_null() {
                unsafe { libc::dlclose(library.library_handle) };
                library.library_handle = std::ptr::null_mut();
            }
        }
        Ok(())
    })
}

/// The function `symbol_name` of the library, written to `function_address`;
/// `AWS_IO_SHARED_LIBRARY_FIND_SYMBOL_FAILURE` when the library is not open or has no such
/// symbol (the address is then NULL).
///
/// # Safety
/// `library` NULL or a library; `symbol_name` NULL or a C string; `function_address` NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_shared_library_find_function(
    library: *mut aws_shared_library,
    symbol_name: *const c_char,
    function_address: *mut aws_generic_function,
) -> c_int {
    // SAFETY: forwarded caller contract.
    guard::op(|| unsafe { find(library, symbol_name, function_address) })
}

/// [`aws_shared_library_find_function`]'s body.
///
/// # Safety
/// As that function's.
unsafe fn find(
    library: *mut aws_shared_library,
    symbol_name: *const c_char,
    function_address: *mut aws_generic_function,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let out = unsafe { guard::mutable(function_address) }?;
    *out = None;
    let handle = unsafe { library.as_ref() }.map_or(std::ptr::null_mut(), |l| l.library_handle);
    if handle.is_null() {
        return Err(AWS_IO_SHARED_LIBRARY_FIND_SYMBOL_FAILURE.into());
    }
    let name = unsafe { guard::c_str(symbol_name) }?;
    let symbol = unsafe { libc::dlsym(handle, name.as_ptr()) };
    if symbol.is_null() {
        crate::aws_log!(
            AWS_LL_ERROR,
            AWS_LS_IO_SHARED_LIBRARY,
            "id={:p}: Failed to find shared library symbol \"{}\" with error: {}",
            library,
            name.to_string_lossy(),
            dl_error()
        );
        return Err(AWS_IO_SHARED_LIBRARY_FIND_SYMBOL_FAILURE.into());
    }
    // SAFETY: a non-NULL address of a function in the library; the caller casts it to its type.
    *out = Some(unsafe { std::mem::transmute::<*mut c_void, unsafe extern "C" fn()>(symbol) });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::error::aws_last_error;
    use crate::ffi::guard::{OP_ERR, OP_SUCCESS};

    #[test]
    fn finds_a_libc_function_and_refuses_what_is_missing() {
        let mut library = aws_shared_library {
            library_handle: std::ptr::null_mut(),
        };
        let mut function: aws_generic_function = None;
        unsafe {
            assert_eq!(
                aws_shared_library_find_function(&mut library, c"strlen".as_ptr(), &mut function),
                OP_ERR
            );
            assert_eq!(
                aws_last_error(),
                AWS_IO_SHARED_LIBRARY_FIND_SYMBOL_FAILURE as c_int
            );
            assert_eq!(
                aws_shared_library_init(&mut library, c"libawsrs-no-such-library.so".as_ptr()),
                OP_ERR
            );
            assert_eq!(
                aws_last_error(),
                AWS_IO_SHARED_LIBRARY_LOAD_FAILURE as c_int
            );
            assert!(library.library_handle.is_null());
            assert_eq!(
                aws_shared_library_init(&mut library, c"libc.so.6".as_ptr()),
                OP_SUCCESS
            );
            assert_eq!(
                aws_shared_library_find_function(&mut library, c"strlen".as_ptr(), &mut function),
                OP_SUCCESS
            );
            let strlen: unsafe extern "C" fn(*const c_char) -> usize =
                std::mem::transmute(function.unwrap());
            assert_eq!(strlen(c"hello".as_ptr()), 5);
            assert_eq!(
                aws_shared_library_find_function(
                    &mut library,
                    c"no_such_symbol_x".as_ptr(),
                    &mut function
                ),
                OP_ERR
            );
            assert!(function.is_none());
            aws_shared_library_clean_up(&mut library);
            assert!(library.library_handle.is_null());
            aws_shared_library_clean_up(&mut library);
        }
    }
}
