//! What the source-scanning tests share (`layering.rs`, `ffi_guard.rs`): the crate's Rust files,
//! and their code with comments and literals blanked out, so that words in them do not count.

use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, in path order (none when `dir` does not exist).
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// Whether `b` can be part of an identifier.
pub fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `text` with comments and the insides of string and character literals replaced by spaces
/// (newlines kept), so that brackets and words in them do not count.
pub fn blank(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let wipe = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            let end = b[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |n| i + n);
            wipe(&mut out, i, end);
            i = end;
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            let mut j = i;
            while j < b.len() {
                if b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            wipe(&mut out, i, j);
            i = j;
        } else if b[i] == b'"' {
            // A raw string: `r"`, `r#"`, `br#"`: count the hashes before the quote.
            let hashes = b[..i].iter().rev().take_while(|&&c| c == b'#').count();
            let r = i - hashes;
            let raw = r > 0
                && b[r - 1] == b'r'
                && (r < 2 || !is_ident(b[r - 2]) || (b[r - 2] == b'b' || b[r - 2] == b'c'));
            let mut j = i + 1;
            if raw {
                let mut close = vec![b'"'];
                close.extend(std::iter::repeat_n(b'#', hashes));
                while j < b.len() && !b[j..].starts_with(&close) {
                    j += 1;
                }
            } else {
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
            }
            let j = j.min(b.len());
            wipe(&mut out, i + 1, j);
            i = j + 1;
        } else if b[i] == b'\'' {
            // A character literal, or a lifetime (left alone).
            let end = if b.get(i + 1) == Some(&b'\\') {
                b[i + 2..]
                    .iter()
                    .skip(1)
                    .position(|&c| c == b'\'')
                    .map(|n| i + 3 + n)
            } else {
                let ch = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                (b.get(i + 1 + ch) == Some(&b'\'')).then_some(i + 1 + ch)
            };
            match end {
                Some(end) => {
                    wipe(&mut out, i + 1, end);
                    i = end + 1;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    String::from_utf8(out).expect("whole characters were wiped")
}
