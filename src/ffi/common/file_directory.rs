//! `aws/common/file.h`: walking a directory (once, or depth first and post-order), the
//! directory iterator built on a one-level walk, and recursive deletion.
//!
//! As upstream: entries' relative paths are the walked path joined with their names, their
//! absolute paths what `realpath` says; a callback returning false stops the walk with
//! `AWS_ERROR_OPERATION_INTERUPTED`; entries that vanish before they are looked at are
//! skipped.
//!
//! # Safety
//! The safety contract of every exported function is the one stated in [`file`](super::file);
//! an iterator pointer is NULL or an iterator from `aws_directory_entry_iterator_new` not yet
//! destroyed.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_common_error::{
    AWS_ERROR_FILE_INVALID_PATH, AWS_ERROR_LIST_EMPTY, AWS_ERROR_OPERATION_INTERUPTED,
    AWS_ERROR_SYS_CALL_FAILURE,
};
use crate::ffi::common::error::{aws_last_error, aws_reset_error};
use crate::ffi::common::file::{
    aws_file_type, delete_file, is_directory, last_errno_error, lstat, path_arg,
};
use crate::ffi::common::log_state::{place, unplace};
use crate::ffi::common::string::aws_string;
use crate::ffi::guard::{self, Error, INVALID_ARGUMENT, Result};
use std::ffi::{CStr, CString, c_int, c_void};
use std::ptr;

/// One entry a directory walk found.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_directory_entry {
    /// The absolute path (`realpath`); empty if it could not be resolved.
    pub path: aws_byte_cursor,
    /// The walked path joined with the entry's name.
    pub relative_path: aws_byte_cursor,
    /// Bits of `enum aws_file_type`.
    pub file_type: c_int,
    /// The size of a regular file; 0 for anything else.
    pub file_size: i64,
}

/// Called for each entry; return false to stop the walk.
pub type aws_on_directory_entry =
    unsafe extern "C" fn(entry: *const aws_directory_entry, user_data: *mut c_void) -> bool;

/// Walks `path`, calling `on_entry(entry)` for each entry (after the entries below it when
/// `recursive`). Err carries the raised error.
fn walk(
    path: &CStr,
    recursive: bool,
    on_entry: &mut dyn FnMut(&aws_directory_entry) -> bool,
) -> Result<()> {
    // SAFETY: a NUL-terminated path.
    let dir = unsafe { libc::opendir(path.as_ptr()) };
    if dir.is_null() {
        return Err(last_errno_error(AWS_ERROR_SYS_CALL_FAILURE));
    }
    let result = walk_open(dir, path.to_bytes(), recursive, on_entry);
    // SAFETY: opened above.
    unsafe { libc::closedir(dir) };
    result
}

fn walk_open(
    dir: *mut libc::DIR,
    path: &[u8],
    recursive: bool,
    on_entry: &mut dyn FnMut(&aws_directory_entry) -> bool,
) -> Result<()> {
    let base = path.strip_suffix(b"/").unwrap_or(path);
    loop {
        // SAFETY: an open directory stream; the entry is read before the next call.
        let dirent = unsafe { libc::readdir(dir) };
        if dirent.is_null() {
            return Ok(());
        }
        let name = unsafe { CStr::from_ptr((*dirent).d_name.as_ptr()) }.to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let relative = CString::new([base, b"/", name].concat()).map_err(|_| INVALID_ARGUMENT)?;
        let Some(info) = lstat(&relative) else {
            continue;
        };
        let kind = info.st_mode & libc::S_IFMT;
        let mut entry = aws_directory_entry {
            path: aws_byte_cursor::EMPTY,
            relative_path: aws_byte_cursor::from_slice(relative.as_bytes()),
            file_type: 0,
            file_size: 0,
        };
        if kind == libc::S_IFDIR {
            entry.file_type |= aws_file_type::AWS_FILE_TYPE_DIRECTORY as c_int;
        }
        if kind == libc::S_IFLNK {
            entry.file_type |= aws_file_type::AWS_FILE_TYPE_SYM_LINK as c_int;
        }
        if kind == libc::S_IFREG {
            entry.file_type |= aws_file_type::AWS_FILE_TYPE_FILE as c_int;
            entry.file_size = info.st_size;
        }
        // SAFETY: a NUL-terminated path; realpath allocates its answer, freed below.
        let full = unsafe { libc::realpath(relative.as_ptr(), ptr::null_mut()) };
        if !full.is_null() {
            entry.path = aws_byte_cursor::from_slice(unsafe { CStr::from_ptr(full) }.to_bytes());
        }
        let below = if recursive && kind == libc::S_IFDIR {
            walk(&relative, true, on_entry)
        } else {
            Ok(())
        };
        let interrupted =
            below.is_err() && aws_last_error() == AWS_ERROR_OPERATION_INTERUPTED as c_int;
        let result = if interrupted {
            below
        } else if !on_entry(&entry) {
            Err(AWS_ERROR_OPERATION_INTERUPTED.into())
        } else {
            below
        };
        // SAFETY: realpath's allocation.
        unsafe { libc::free(full.cast()) };
        result?;
    }
}

/// Calls `on_entry` for each entry of `path` (and, when `recursive`, of the directories below,
/// each before its directory). A callback returning false stops the walk with
/// `AWS_ERROR_OPERATION_INTERUPTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_directory_traverse(
    allocator: *mut aws_allocator,
    path: *const aws_string,
    recursive: bool,
    on_entry: Option<aws_on_directory_entry>,
    user_data: *mut c_void,
) -> c_int {
    guard::op(|| {
        let _unused = allocator;
        let on_entry = on_entry.ok_or(INVALID_ARGUMENT)?;
        // SAFETY: forwarded caller contract; the callback is the caller's.
        let path = unsafe { path_arg(path) }?;
        walk(&path, recursive, &mut |entry| unsafe {
            on_entry(entry, user_data)
        })
    })
}

/// Deletes directory `path` (and its contents when `recursive`); a missing one is fine.
pub(crate) fn delete_directory(path: &CStr, recursive: bool) -> Result<()> {
    if !is_directory(path) {
        return Ok(());
    }
    if recursive {
        let mut failure = None;
        let walked = walk(path, true, &mut |entry| {
            // SAFETY: the walk's own relative path.
            let bytes = unsafe { entry.relative_path.as_bytes() }.unwrap_or(&[]);
            let Ok(p) = CString::new(bytes) else {
                return false;
            };
            let done = if entry.file_type & aws_file_type::AWS_FILE_TYPE_DIRECTORY as c_int != 0 {
                delete_directory(&p, false)
            } else {
                delete_file(&p)
            };
            failure = done.err();
            failure.is_none()
        });
        match walked {
            // Something vanished meanwhile: upstream counts that as done.
            Err(Error(code)) if code == AWS_ERROR_FILE_INVALID_PATH as c_int => {
                aws_reset_error();
                return Ok(());
            }
            Err(e) => return Err(failure.unwrap_or(e)),
            Ok(()) => {}
        }
    }
    // SAFETY: a NUL-terminated path.
    if unsafe { libc::rmdir(path.as_ptr()) } != 0 {
        return Err(last_errno_error(AWS_ERROR_SYS_CALL_FAILURE));
    }
    Ok(())
}

/// One entry the iterator holds, with the bytes its cursors point into.
struct Held {
    entry: aws_directory_entry,
    _path: Vec<u8>,
    _relative_path: Vec<u8>,
}

/// A directory's entries, one level, walked back and forth (opaque to C).
pub struct aws_directory_iterator {
    allocator: *mut aws_allocator,
    entries: Vec<Held>,
    /// The current entry; None when the directory is empty.
    current: Option<usize>,
}

/// An iterator over the entries directly in `path`, positioned at the first; NULL (with the
/// walk's error) when the directory cannot be read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_directory_entry_iterator_new(
    allocator: *mut aws_allocator,
    path: *const aws_string,
) -> *mut aws_directory_iterator {
    guard::ptr(|| {
        // SAFETY: forwarded caller contract.
        unsafe { allocator::checked(allocator) }?;
        let path = unsafe { path_arg(path) }?;
        let mut entries = Vec::new();
        walk(&path, false, &mut |entry| {
            // SAFETY: the walk's cursors are valid during the callback.
            let copy = |c: aws_byte_cursor| unsafe { c.as_bytes() }.unwrap_or(&[]).to_vec();
            let (p, r) = (copy(entry.path), copy(entry.relative_path));
            let mut held = Held {
                entry: *entry,
                _path: p,
                _relative_path: r,
            };
            held.entry.path = aws_byte_cursor::from_slice(&held._path);
            held.entry.relative_path = aws_byte_cursor::from_slice(&held._relative_path);
            entries.push(held);
            true
        })?;
        let current = (!entries.is_empty()).then_some(0);
        let iterator = aws_directory_iterator {
            allocator,
            entries,
            current,
        };
        Ok(unsafe { place(allocator, iterator) }?.cast())
    })
}

/// Moves `iterator` by `step` entries; `AWS_ERROR_LIST_EMPTY` at either end.
///
/// # Safety
/// As the module's contract.
unsafe fn step(iterator: *mut aws_directory_iterator, forward: bool) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let it = unsafe { guard::mutable(iterator) }?;
        let empty = || Error::from(AWS_ERROR_LIST_EMPTY);
        let at = it.current.ok_or_else(empty)?;
        let next = if forward {
            at + 1
        } else {
            at.checked_sub(1).ok_or_else(empty)?
        };
        if next >= it.entries.len() {
            return Err(empty());
        }
        it.current = Some(next);
        Ok(())
    })
}

/// Moves to the next entry; `AWS_ERROR_LIST_EMPTY` at the last one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_directory_entry_iterator_next(
    iterator: *mut aws_directory_iterator,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { step(iterator, true) }
}

/// Moves to the previous entry; `AWS_ERROR_LIST_EMPTY` at the first one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_directory_entry_iterator_previous(
    iterator: *mut aws_directory_iterator,
) -> c_int {
    // SAFETY: forwarded caller contract.
    unsafe { step(iterator, false) }
}

/// Frees `iterator` and its entries; NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_directory_entry_iterator_destroy(
    iterator: *mut aws_directory_iterator,
) {
    guard::guard((), || {
        // SAFETY: forwarded caller contract.
        if let Some(it) = unsafe { iterator.as_ref() } {
            unsafe { unplace::<aws_directory_iterator>(it.allocator, iterator.cast()) };
        }
        Ok(())
    })
}

/// The current entry (valid until the iterator is destroyed); NULL for an empty directory.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_directory_entry_iterator_get_value(
    iterator: *const aws_directory_iterator,
) -> *const aws_directory_entry {
    guard::guard(ptr::null(), || {
        // SAFETY: forwarded caller contract.
        let it = unsafe { guard::reference(iterator) }?;
        Ok(it
            .current
            .map_or(ptr::null(), |i| &it.entries[i].entry as *const _))
    })
}
