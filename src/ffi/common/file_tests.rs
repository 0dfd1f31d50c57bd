//! Files and directories through the C API, in a fresh temporary directory per test.

use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor};
use crate::ffi::common::error::aws_common_error::*;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::common::file::*;
use crate::ffi::common::file_directory::*;
use crate::ffi::common::file_read::*;
use crate::ffi::common::string::{aws_string, aws_string_destroy, new_string};
use std::ffi::{c_int, c_void};
use std::path::PathBuf;

/// A new empty directory for one test.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("awsrs-file-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An `aws_string` of a path (leaked into the test's short life; destroyed by `done`).
fn s(path: &std::path::Path) -> *mut aws_string {
    let text = path.to_str().unwrap();
    unsafe { new_string(aws_default_allocator(), text.as_bytes()) }
        .unwrap()
        .as_ptr()
}

fn done(strings: &[*mut aws_string]) {
    for &x in strings {
        unsafe { aws_string_destroy(x) };
    }
}

#[test]
fn create_exists_move_and_delete() {
    let root = scratch("basic");
    let (dir, moved, file) = (
        s(&root.join("d")),
        s(&root.join("e")),
        s(&root.join("e/f.txt")),
    );
    unsafe {
        assert!(!aws_directory_exists(dir));
        assert_eq!(aws_directory_create(dir), 0);
        assert_eq!(aws_directory_create(dir), 0);
        assert!(aws_directory_exists(dir));
        assert_eq!(aws_directory_or_file_move(dir, moved), 0);
        assert!(!aws_path_exists(dir) && aws_path_exists(moved));
        std::fs::write(root.join("e/f.txt"), b"x").unwrap();
        assert_eq!(aws_directory_delete(moved, false), -1);
        assert_eq!(aws_last_error(), AWS_ERROR_DIRECTORY_NOT_EMPTY as c_int);
        assert_eq!(aws_file_delete(file), 0);
        assert_eq!(aws_file_delete(file), 0);
        assert_eq!(aws_directory_delete(moved, false), 0);
        assert_eq!(aws_directory_delete(moved, false), 0);
        assert_eq!(aws_directory_or_file_move(dir, moved), -1);
        assert_eq!(aws_last_error(), AWS_ERROR_FILE_INVALID_PATH as c_int);
    }
    done(&[dir, moved, file]);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn recursive_delete_removes_a_tree() {
    let root = scratch("tree");
    std::fs::create_dir_all(root.join("t/a/b")).unwrap();
    std::fs::write(root.join("t/a/b/one"), b"1").unwrap();
    std::fs::write(root.join("t/two"), b"22").unwrap();
    let t = s(&root.join("t"));
    unsafe {
        assert_eq!(aws_directory_delete(t, true), 0);
        assert!(!aws_path_exists(t));
    }
    done(&[t]);
    std::fs::remove_dir_all(root).unwrap();
}

unsafe extern "C" fn collect(entry: *const aws_directory_entry, user_data: *mut c_void) -> bool {
    crate::ffi::guard::guard(false, || {
        let seen = unsafe { &mut *user_data.cast::<Vec<(String, c_int, i64)>>() };
        let e = unsafe { &*entry };
        let rel =
            String::from_utf8(unsafe { e.relative_path.as_bytes() }.unwrap().to_vec()).unwrap();
        assert!(unsafe { e.path.as_bytes() }.unwrap().starts_with(b"/"));
        seen.push((rel, e.file_type, e.file_size));
        Ok(seen.len() < 100)
    })
}

#[test]
fn traversal_is_post_order_and_iterators_walk_one_level() {
    let root = scratch("walk");
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    std::fs::write(root.join("a/b/f"), b"12345").unwrap();
    let r = s(&root);
    let base = root.to_str().unwrap().to_string();
    unsafe {
        let mut seen: Vec<(String, c_int, i64)> = Vec::new();
        let rc = aws_directory_traverse(
            aws_default_allocator(),
            r,
            true,
            Some(collect),
            (&raw mut seen).cast(),
        );
        assert_eq!(rc, 0);
        assert_eq!(
            seen,
            vec![
                (format!("{base}/a/b/f"), 1, 5),
                (format!("{base}/a/b"), 4, 0),
                (format!("{base}/a"), 4, 0),
            ]
        );
        let it = aws_directory_entry_iterator_new(aws_default_allocator(), r);
        assert!(!it.is_null());
        let first = &*aws_directory_entry_iterator_get_value(it);
        assert_eq!(
            first.relative_path.as_bytes().unwrap(),
            format!("{base}/a").as_bytes()
        );
        assert_eq!(aws_directory_entry_iterator_next(it), -1);
        assert_eq!(aws_last_error(), AWS_ERROR_LIST_EMPTY as c_int);
        assert_eq!(aws_directory_entry_iterator_previous(it), -1);
        aws_directory_entry_iterator_destroy(it);
        let missing = s(&root.join("nope"));
        assert!(aws_directory_entry_iterator_new(aws_default_allocator(), missing).is_null());
        assert_eq!(aws_last_error(), AWS_ERROR_FILE_INVALID_PATH as c_int);
        done(&[missing]);
    }
    done(&[r]);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn reading_at_an_offset_fills_the_free_room() {
    let root = scratch("read");
    std::fs::write(root.join("f"), b"0123456789").unwrap();
    let f = s(&root.join("f"));
    unsafe {
        let mut storage = [0u8; 6];
        let mut buf = aws_byte_buf {
            len: 2,
            buffer: storage.as_mut_ptr(),
            capacity: 6,
            allocator: std::ptr::null_mut(),
        };
        let mut got = 0usize;
        assert_eq!(
            aws_file_path_read_from_offset(f, 7, 10, &mut buf, &mut got),
            0
        );
        assert_eq!((got, buf.len), (3, 5));
        assert_eq!(&storage[2..5], b"789");
        let missing = s(&root.join("missing"));
        buf.len = 0;
        assert_eq!(
            aws_file_path_read_from_offset(missing, 0, 1, &mut buf, &mut got),
            -1
        );
        assert_eq!(aws_last_error(), AWS_ERROR_FILE_INVALID_PATH as c_int);
        // Misaligned direct I/O is refused before anything is opened.
        assert_eq!(
            aws_file_path_read_from_offset_direct_io(f, 1, 4, &mut buf, &mut got),
            -1
        );
        assert_eq!(aws_last_error(), crate::ffi::guard::INVALID_ARGUMENT.0);
        let data = aws_byte_cursor::from_slice(b"abc");
        assert_eq!(aws_file_path_write_to_offset_direct_io(f, 0, data), -1);
        assert!(aws_file_direct_io_is_supported());
        done(&[missing]);
    }
    done(&[f]);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn fopen_fseek_length_separators_and_home() {
    let root = scratch("open");
    std::fs::write(root.join("f"), b"abcdef").unwrap();
    let path = std::ffi::CString::new(root.join("f").to_str().unwrap()).unwrap();
    unsafe {
        assert!(aws_fopen(c"".as_ptr(), c"r".as_ptr()).is_null());
        assert_eq!(aws_last_error(), AWS_ERROR_FILE_INVALID_PATH as c_int);
        assert!(aws_fopen(path.as_ptr(), c"".as_ptr()).is_null());
        assert_eq!(aws_last_error(), crate::ffi::guard::INVALID_ARGUMENT.0);
        let file = aws_fopen(path.as_ptr(), c"rb".as_ptr());
        assert!(!file.is_null());
        let mut len = 0i64;
        assert_eq!(aws_file_get_length(file, &mut len), 0);
        assert_eq!(len, 6);
        assert_eq!(aws_fseek(file, 4, libc::SEEK_SET), 0);
        assert_eq!(libc::fgetc(file), b'e' as c_int);
        libc::fclose(file);
        assert!(
            aws_is_any_directory_separator(b'\\' as _) && aws_is_any_directory_separator(b'/' as _)
        );
        assert!(!aws_is_any_directory_separator(b'a' as _));
        assert_eq!(
            aws_get_platform_directory_separator(),
            b'/' as std::ffi::c_char
        );
        let mut text = *b"a\\b/c";
        let mut buf = aws_byte_buf {
            len: 5,
            buffer: text.as_mut_ptr(),
            capacity: 5,
            allocator: std::ptr::null_mut(),
        };
        aws_normalize_directory_separator(&mut buf);
        assert_eq!(&text, b"a/b/c");
        let home = aws_get_home_directory(aws_default_allocator());
        assert!(!home.is_null());
        aws_string_destroy(home);
    }
    std::fs::remove_dir_all(root).unwrap();
}
