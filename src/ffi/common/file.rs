//! `aws/common/file.h`: opening files, creating, testing, moving and deleting files and
//! directories, path separators, the home directory, seeking and file lengths, over the C
//! library as upstream's POSIX implementation. Directory walks live in
//! [`file_directory`](super::file_directory), reads at an offset in [`file_read`](super::file_read).
//!
//! Failures raise upstream's code for the `errno` (`AWS_ERROR_FILE_INVALID_PATH`,
//! `AWS_ERROR_NO_PERMISSION`, `AWS_ERROR_DIRECTORY_NOT_EMPTY`, ...).
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type (an `aws_string`, an open `FILE`, a NUL-terminated C
//! string, a valid buffer).

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::{aws_byte_buf, buf_mut};
use crate::ffi::common::error::aws_common_error::{
    self, AWS_ERROR_FILE_INVALID_PATH, AWS_ERROR_GET_HOME_DIRECTORY_FAILED,
    AWS_ERROR_INVALID_FILE_HANDLE, AWS_ERROR_STREAM_UNSEEKABLE, AWS_ERROR_SYS_CALL_FAILURE,
};
use crate::ffi::common::string::{aws_string, new_string, string_bytes};
use crate::ffi::file_logger::{io_error, open};
use crate::ffi::guard::{self, Error, INVALID_ARGUMENT, Result};
use std::ffi::{CStr, CString, c_char, c_int};
use std::ptr;

/// What kind of entry a directory walk found (bits of `aws_directory_entry::file_type`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aws_file_type {
    /// A regular file.
    AWS_FILE_TYPE_FILE = 1,
    /// A symbolic link (not followed).
    AWS_FILE_TYPE_SYM_LINK = 2,
    /// A directory.
    AWS_FILE_TYPE_DIRECTORY = 4,
}

/// The error for a failed system call's `errno`, as upstream's
/// `aws_translate_and_raise_io_error_or` picks it (`EINVAL` is an invalid argument unless a
/// more useful `fallback` is given).
pub(crate) fn errno_error(errno: c_int, fallback: aws_common_error) -> Error {
    if errno == libc::EINVAL && fallback == AWS_ERROR_SYS_CALL_FAILURE {
        return INVALID_ARGUMENT;
    }
    Error(io_error(errno, fallback))
}

/// The error for the `errno` the last failed call left.
pub(crate) fn last_errno_error(fallback: aws_common_error) -> Error {
    errno_error(
        std::io::Error::last_os_error().raw_os_error().unwrap_or(0),
        fallback,
    )
}

/// A string argument as a C string for the C library; NULL or an inner NUL is invalid.
///
/// # Safety
/// As the module's contract.
pub(crate) unsafe fn path_arg(s: *const aws_string) -> Result<CString> {
    // SAFETY: forwarded caller contract.
    CString::new(unsafe { string_bytes(s) }?).map_err(|_| INVALID_ARGUMENT)
}

/// Opens `file_path` with the `fopen` `mode`. An empty or NULL path is
/// `AWS_ERROR_FILE_INVALID_PATH`, an empty or NULL mode `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_fopen(
    file_path: *const c_char,
    mode: *const c_char,
) -> *mut libc::FILE {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        let path = unsafe { guard::c_str(file_path) }.map_err(|_| AWS_ERROR_FILE_INVALID_PATH)?;
        if path.is_empty() {
            return Err(AWS_ERROR_FILE_INVALID_PATH.into());
        }
        let mode = unsafe { guard::c_str(mode) }?;
        guard::require(!mode.is_empty())?;
        open(path, mode)
    })
}

/// Opens `file_path` with the `fopen` `mode`, both strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_fopen_safe(
    file_path: *const aws_string,
    mode: *const aws_string,
) -> *mut libc::FILE {
    // SAFETY: forwarded caller contract.
    guard::ptr(|| {
        open(&unsafe { path_arg(file_path) }?, &unsafe {
            path_arg(mode)
        }?)
    })
}

/// `lstat` of a path: None when it does not exist (or cannot be read).
pub(crate) fn lstat(path: &CStr) -> Option<libc::stat> {
    // SAFETY: an all-zero stat is valid; lstat only writes it.
    let mut info: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: a NUL-terminated path and a writable stat.
    (unsafe { libc::lstat(path.as_ptr(), &mut info) } == 0).then_some(info)
}

/// Whether `path` names a directory (not following a final symbolic link, as upstream).
pub(crate) fn is_directory(path: &CStr) -> bool {
    lstat(path).is_some_and(|i| i.st_mode & libc::S_IFMT == libc::S_IFDIR)
}

/// Runs a system call's result check: Ok when `ok`, else the error for its `errno`.
fn check(ok: bool) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(last_errno_error(AWS_ERROR_SYS_CALL_FAILURE))
    }
}

/// Creates directory `dir_path` (mode 0777 before the umask); one that exists already is fine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_directory_create(dir_path: *const aws_string) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let path = unsafe { path_arg(dir_path) }?;
        // SAFETY: a NUL-terminated path.
        if unsafe { libc::mkdir(path.as_ptr(), 0o777) } != 0 {
            let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
            if errno != libc::EEXIST {
                return Err(errno_error(errno, AWS_ERROR_SYS_CALL_FAILURE));
            }
        }
        Ok(())
    })
}

/// True when `dir_path` is a directory.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_directory_exists(dir_path: *const aws_string) -> bool {
    // SAFETY: forwarded caller contract.
    guard::guard(false, || Ok(is_directory(&unsafe { path_arg(dir_path) }?)))
}

/// Deletes directory `dir_path`, with everything in it when `recursive` (else it must be empty:
/// `AWS_ERROR_DIRECTORY_NOT_EMPTY`). A directory that does not exist is fine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_directory_delete(
    dir_path: *const aws_string,
    recursive: bool,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let path = unsafe { path_arg(dir_path) }?;
        crate::ffi::common::file_directory::delete_directory(&path, recursive)
    })
}

/// Deletes file `file_path`; one that does not exist is fine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_file_delete(file_path: *const aws_string) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let path = unsafe { path_arg(file_path) }?;
        delete_file(&path)
    })
}

/// `unlink`, a missing file being fine.
pub(crate) fn delete_file(path: &CStr) -> Result<()> {
    // SAFETY: a NUL-terminated path.
    if unsafe { libc::unlink(path.as_ptr()) } != 0 {
        let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        if errno != libc::ENOENT {
            return Err(errno_error(errno, AWS_ERROR_SYS_CALL_FAILURE));
        }
    }
    Ok(())
}

/// Moves (renames) the file or directory `from` to `to`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_directory_or_file_move(
    from: *const aws_string,
    to: *const aws_string,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let (from, to) = unsafe { (path_arg(from)?, path_arg(to)?) };
        // SAFETY: two NUL-terminated paths.
        check(unsafe { libc::rename(from.as_ptr(), to.as_ptr()) } == 0)
    })
}

/// True for `/` and `\`, the separators of every platform.
#[unsafe(no_mangle)]
pub extern "C" fn aws_is_any_directory_separator(value: c_char) -> bool {
    guard::guard(false, || {
        Ok(value == b'/' as c_char || value == b'\\' as c_char)
    })
}

/// This platform's separator, `/`.
#[unsafe(no_mangle)]
pub extern "C" fn aws_get_platform_directory_separator() -> c_char {
    guard::guard(b'/' as c_char, || Ok(b'/' as c_char))
}

/// Replaces every `\` in `path` with `/`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_normalize_directory_separator(path: *mut aws_byte_buf) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        let buf = unsafe { buf_mut(path) }?;
        if buf.len > 0 {
            // SAFETY: a valid buffer's bytes in use are writable.
            let bytes = unsafe { std::slice::from_raw_parts_mut(buf.buffer, buf.len) };
            bytes
                .iter_mut()
                .filter(|b| **b == b'\\')
                .for_each(|b| *b = b'/');
        }
        Ok(())
    })
}

/// The current user's home directory: `$HOME` if set (even empty), else the password
/// database's entry. `AWS_ERROR_GET_HOME_DIRECTORY_FAILED` when neither says.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_get_home_directory(allocator: *mut aws_allocator) -> *mut aws_string {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::checked(allocator) }?;
        // SAFETY: a NUL-terminated name; getenv's result is copied at once.
        let home = unsafe { libc::getenv(c"HOME".as_ptr()) };
        let dir = if home.is_null() {
            password_home().ok_or(AWS_ERROR_GET_HOME_DIRECTORY_FAILED)?
        } else {
            unsafe { CStr::from_ptr(home) }.to_bytes().to_vec()
        };
        Ok(unsafe { new_string(allocator, &dir) }?.as_ptr())
    })
}

/// The home directory in the password database for the real user id.
fn password_home() -> Option<Vec<u8>> {
    let mut size = 1024;
    while size <= 16384 {
        let mut buffer = vec![0 as c_char; size];
        // SAFETY: all-zero passwd is valid; getpwuid_r writes it and the buffer.
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result = ptr::null_mut();
        let status = unsafe {
            libc::getpwuid_r(
                libc::getuid(),
                &mut entry,
                buffer.as_mut_ptr(),
                size,
                &mut result,
            )
        };
        if status == libc::ERANGE {
            size *= 2;
            continue;
        }
        if status != 0 || result.is_null() || entry.pw_dir.is_null() {
            return None;
        }
        // SAFETY: pw_dir points into `buffer`, NUL-terminated.
        return Some(unsafe { CStr::from_ptr(entry.pw_dir) }.to_bytes().to_vec());
    }
    None
}

/// True when `path` exists (following symbolic links).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_path_exists(path: *const aws_string) -> bool {
    guard::guard(false, || {
        // SAFETY: forwarded caller contract.
        let path = unsafe { path_arg(path) }?;
        // SAFETY: all-zero stat is valid; stat only writes it.
        let mut info: libc::stat = unsafe { std::mem::zeroed() };
        Ok(unsafe { libc::stat(path.as_ptr(), &mut info) } == 0)
    })
}

/// Moves `file`'s position (`fseeko`); `whence` is `SEEK_SET` or `SEEK_END`.
/// `AWS_ERROR_STREAM_UNSEEKABLE` (or upstream's code for the `errno`) on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_fseek(file: *mut libc::FILE, offset: i64, whence: c_int) -> c_int {
    guard::op(|| {
        guard::require(!file.is_null())?;
        // SAFETY: forwarded caller contract: an open FILE.
        if unsafe { libc::fseeko(file, offset as libc::off_t, whence) } != 0 {
            return Err(last_errno_error(AWS_ERROR_STREAM_UNSEEKABLE));
        }
        Ok(())
    })
}

/// Sets `*length` to the size of the open `file` (`fstat`). `AWS_ERROR_INVALID_FILE_HANDLE`
/// when it has no descriptor.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_file_get_length(file: *mut libc::FILE, length: *mut i64) -> c_int {
    guard::op(|| {
        guard::require(!file.is_null())?;
        // SAFETY: forwarded caller contract.
        let out = unsafe { guard::mutable(length) }?;
        let fd = unsafe { libc::fileno(file) };
        if fd == -1 {
            return Err(AWS_ERROR_INVALID_FILE_HANDLE.into());
        }
        // SAFETY: all-zero stat is valid; fstat only writes it.
        let mut info: libc::stat = unsafe { std::mem::zeroed() };
        check(unsafe { libc::fstat(fd, &mut info) } == 0)?;
        *out = info.st_size;
        Ok(())
    })
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
