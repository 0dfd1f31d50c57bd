//! Every function C can call runs inside the FFI panic guard (DESIGN.md, "No panic crosses the
//! boundary"): each `extern "C" fn` with a body under `src/ffi/` (the exported functions and the
//! callbacks whose pointers C is handed) must consist of one call into `guard::` (`guard`, `op`,
//! `ptr`), possibly inside `unsafe { .. }`, or of one call to a function that itself consists of
//! such a call (a helper such as `packet_id(|| ..)`, or another guarded export).
//!
//! The scanner reads the sources as text: comments, string and character literals are blanked
//! out, test modules skipped, then each function's body is checked.

mod source_scan;

use source_scan::{blank, is_ident, rust_files};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Functions left outside the guard on purpose, each with its reason. Keep it short (the four
/// C-variadic entries); an entry for a function that is now guarded (or gone) fails the test, so
/// the list cannot go stale.
const ALLOWED: &[(&str, &str)] = &[
    (
        "aws_add_size_checked_varargs",
        "a naked C-variadic entry (src/ffi/common/varargs.rs): assembly that calls the guarded \
         sum_sizes",
    ),
    (
        "aws_mem_acquire_many",
        "a naked C-variadic entry (src/ffi/common/varargs.rs): assembly that calls the guarded \
         acquire_many",
    ),
    (
        "aws_byte_buf_cat",
        "a naked C-variadic entry (src/ffi/common/varargs.rs): assembly that calls the guarded cat",
    ),
    (
        "aws_byte_buf_init_cache_and_update_cursors",
        "a naked C-variadic entry (src/ffi/common/varargs.rs): assembly that calls the guarded \
         cache",
    ),
];

#[test]
fn every_function_c_can_call_runs_inside_the_guard() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<(PathBuf, String)> = rust_files(&root.join("src/ffi"))
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).expect("read source");
            (p.strip_prefix(root).unwrap().to_path_buf(), text)
        })
        .collect();
    let report = scan::check(&files, ALLOWED);
    eprintln!("checked {} extern \"C\" functions", report.checked);
    assert!(
        report.checked > 300,
        "the scanner found only {} functions",
        report.checked
    );
    assert!(
        report.problems.is_empty(),
        "{} function(s) C can call run outside the panic guard (wrap the body in guard::guard, \
         guard::op or guard::ptr):\n{}",
        report.problems.len(),
        report.problems.join("\n")
    );
}

/// The scanner: sources in, functions outside the guard out.
mod scan {
    use super::*;

    /// What [`check`] found.
    pub struct Report {
        /// How many `extern "C"` functions with a body it checked.
        pub checked: usize,
        /// One line per function outside the guard (or stale allow-list entry).
        pub problems: Vec<String>,
    }

    /// One function definition (or declaration) found in a file.
    struct Func {
        file: usize,
        name: String,
        extern_c: bool,
        /// Takes `self`: a method, which a path call `module::name(..)` cannot name.
        method: bool,
        line: usize,
        /// The byte range of the body between its braces; None for a declaration.
        body: Option<(usize, usize)>,
    }

    /// A source file: its path, its module name and its code with comments and literals blanked.
    struct Source {
        path: PathBuf,
        module: String,
        code: String,
    }

    /// The functions of `files` (path, text) C can call that are outside the guard, unless
    /// `allowed` names them (an error once they are guarded).
    pub fn check(files: &[(PathBuf, String)], allowed: &[(&str, &str)]) -> Report {
        let test_files = test_module_files(files);
        let mut sources = Vec::new();
        for (path, text) in files {
            if test_files.contains(path) {
                continue;
            }
            let module = match path.file_stem().and_then(|s| s.to_str()) {
                Some("mod") => path
                    .parent()
                    .and_then(|p| p.file_name())
                    .and_then(|s| s.to_str())
                    .unwrap_or_default()
                    .to_string(),
                Some(stem) => stem.to_string(),
                None => String::new(),
            };
            let code = without_test_modules(&blank(text));
            sources.push(Source {
                path: path.clone(),
                module,
                code,
            });
        }
        let funcs: Vec<Func> = sources
            .iter()
            .enumerate()
            .flat_map(|(i, s)| functions(i, &s.code))
            .collect();
        let resolver = Resolver {
            sources: &sources,
            funcs: &funcs,
        };
        let allowed: BTreeMap<&str, &str> = allowed.iter().copied().collect();
        let mut seen_allowed = BTreeSet::new();
        let mut problems = Vec::new();
        let mut checked = 0;
        for f in funcs.iter().filter(|f| f.extern_c && f.body.is_some()) {
            checked += 1;
            let verdict = resolver.guarded(f, &mut Vec::new());
            let Err(why) = verdict else {
                if allowed.contains_key(f.name.as_str()) {
                    problems.push(format!(
                        "{}:{}: {} is allow-listed but runs inside the guard: take it off the list",
                        sources[f.file].path.display(),
                        f.line,
                        f.name
                    ));
                }
                continue;
            };
            if allowed.contains_key(f.name.as_str()) {
                seen_allowed.insert(f.name.clone());
                continue;
            }
            problems.push(format!(
                "{}:{}: {}: {}",
                sources[f.file].path.display(),
                f.line,
                f.name,
                why
            ));
        }
        for name in allowed.keys() {
            if !seen_allowed.contains(*name) && !funcs.iter().any(|f| f.name == *name) {
                problems.push(format!("{name} is allow-listed but no longer exists"));
            }
        }
        Report { checked, problems }
    }

    struct Resolver<'a> {
        sources: &'a [Source],
        funcs: &'a [Func],
    }

    impl Resolver<'_> {
        /// Ok when `f`'s body is one call into the guard (directly or through a guarded helper).
        fn guarded(&self, f: &Func, visiting: &mut Vec<(usize, String)>) -> Result<(), String> {
            let source = &self.sources[f.file];
            if source.module == "guard" && ["guard", "op", "ptr"].contains(&f.name.as_str()) {
                return Ok(());
            }
            let Some((start, end)) = f.body else {
                return Err("no body".into());
            };
            let key = (f.file, f.name.clone());
            if visiting.contains(&key) {
                return Err("calls itself".into());
            }
            let path = sole_call(&source.code[start..end])?;
            if path.len() >= 2 && path[path.len() - 2] == "guard" {
                return if ["guard", "op", "ptr"].contains(&path[path.len() - 1].as_str()) {
                    Ok(())
                } else {
                    Err(format!(
                        "calls guard::{}, not a guard",
                        path[path.len() - 1]
                    ))
                };
            }
            let callees = self.resolve(f.file, &path);
            if callees.is_empty() {
                return Err(format!(
                    "its body is a call to `{}`, which is not a guard nor a function found here",
                    path.join("::")
                ));
            }
            visiting.push(key);
            let result = callees.iter().try_for_each(|callee| {
                self.guarded(callee, visiting)
                    .map_err(|why| format!("calls `{}`, which is not guarded ({why})", callee.name))
            });
            visiting.pop();
            result
        }

        /// The functions a call path may name, seen from `file`.
        fn resolve(&self, file: usize, path: &[String]) -> Vec<&Func> {
            let name = &path[path.len() - 1];
            let named = |f: &&Func| f.name == *name && f.body.is_some() && !f.method;
            if path.len() == 1 || ["self", "Self"].contains(&path[path.len() - 2].as_str()) {
                let local: Vec<&Func> = self
                    .funcs
                    .iter()
                    .filter(named)
                    .filter(|f| f.file == file)
                    .collect();
                if !local.is_empty() || path.len() > 1 {
                    return local;
                }
                // Imported from another module: every function of that name must be guarded.
                return self.funcs.iter().filter(named).collect();
            }
            let module = &path[path.len() - 2];
            self.funcs
                .iter()
                .filter(named)
                .filter(|f| self.sources[f.file].module == *module)
                .collect()
        }
    }

    /// The path of the one call `body` consists of: `[unsafe {] [let _ =] path(..)[;] [}]`.
    fn sole_call(body: &str) -> Result<Vec<String>, String> {
        let mut s = body.trim();
        while let Some(rest) = s.strip_prefix("unsafe") {
            let rest = rest.trim_start();
            if !rest.starts_with('{') {
                break;
            }
            let close = matching(rest, 0).ok_or("unbalanced braces")?;
            if !rest[close + 1..]
                .trim()
                .trim_start_matches(';')
                .trim()
                .is_empty()
            {
                return Err("more statements after its `unsafe` block".into());
            }
            s = rest[1..close].trim();
        }
        if let Some(rest) = s.strip_prefix("let _ =") {
            s = rest.trim_start();
        }
        let mut path = Vec::new();
        let mut rest = s;
        loop {
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if len == 0 {
                break;
            }
            path.push(rest[..len].to_string());
            rest = &rest[len..];
            match rest.strip_prefix("::") {
                Some(r) if !r.starts_with('<') => rest = r,
                _ => break,
            }
        }
        if let Some(r) = rest.strip_prefix("::") {
            // A turbofish: `name::<T>(..)`.
            let close = matching(r, 0).ok_or("unbalanced turbofish")?;
            rest = &r[close + 1..];
        }
        let first_word = path.first().map(String::as_str).unwrap_or("");
        if path.is_empty() || ["let", "if", "match", "return"].contains(&first_word) {
            return Err(format!(
                "its first statement is not a call into the guard: `{}`",
                first_line(s)
            ));
        }
        let rest = rest.trim_start();
        if !rest.starts_with('(') {
            return Err(format!(
                "its first statement is not a call into the guard: `{}`",
                first_line(s)
            ));
        }
        let close = matching(rest, 0).ok_or("unbalanced parentheses")?;
        if !rest[close + 1..]
            .trim()
            .trim_start_matches(';')
            .trim()
            .is_empty()
        {
            return Err(format!(
                "more follows its call to `{}`: `{}`",
                path.join("::"),
                first_line(rest[close + 1..].trim())
            ));
        }
        Ok(path)
    }

    fn first_line(s: &str) -> &str {
        s.lines().next().unwrap_or("").trim()
    }

    /// The index of the bracket closing the one at `open` (`(`, `[`, `{` or `<`).
    fn matching(s: &str, open: usize) -> Option<usize> {
        let bytes = s.as_bytes();
        let (o, c) = match bytes[open] {
            b'(' => (b'(', b')'),
            b'[' => (b'[', b']'),
            b'{' => (b'{', b'}'),
            b'<' => (b'<', b'>'),
            _ => return None,
        };
        let mut depth = 0usize;
        for (i, &b) in bytes.iter().enumerate().skip(open) {
            if b == o {
                depth += 1;
            } else if b == c {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
        }
        None
    }

    /// The functions defined or declared in `code`.
    fn functions(file: usize, code: &str) -> Vec<Func> {
        let bytes = code.as_bytes();
        let mut found = Vec::new();
        for (at, _) in code.match_indices("fn") {
            if at > 0 && is_ident(bytes[at - 1]) {
                continue;
            }
            let after = &code[at + 2..];
            if !after.starts_with(|c: char| c.is_whitespace()) {
                continue;
            }
            let after = after.trim_start();
            let name_len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
            let name = &after[..name_len.unwrap_or(after.len())];
            if name.is_empty() {
                continue; // `fn(..)`: a function pointer type
            }
            let header_start = code[..at].rfind([';', '{', '}', ']']).map_or(0, |i| i + 1);
            let header = &code[header_start..at];
            let extern_c = header.split_whitespace().any(|w| w == "extern");
            let Some(open_paren) = code[at..].find('(').map(|i| at + i) else {
                continue;
            };
            let Some(close_paren) = matching(code, open_paren) else {
                continue;
            };
            let Some(end) = code[close_paren..]
                .find(['{', ';'])
                .map(|i| close_paren + i)
            else {
                continue;
            };
            let first_param = code[open_paren + 1..close_paren]
                .split(',')
                .next()
                .unwrap_or("");
            let method = first_param
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|w| w == "self");
            let body = if bytes[end] == b'{' {
                matching(code, end).map(|close| (end + 1, close))
            } else {
                None
            };
            found.push(Func {
                file,
                name: name.to_string(),
                extern_c,
                method,
                line: code[..at].matches('\n').count() + 1,
                body,
            });
        }
        found
    }

    /// `code` without the bodies of `#[cfg(test)] mod name { .. }`.
    fn without_test_modules(code: &str) -> String {
        let mut out = code.to_string();
        for (at, _) in code.match_indices("#[cfg(test)]") {
            let rest = code[at + "#[cfg(test)]".len()..].trim_start();
            let Some(rest) = rest.strip_prefix("mod ") else {
                continue;
            };
            let Some(open) = rest.find(['{', ';']) else {
                continue;
            };
            if rest.as_bytes()[open] != b'{' {
                continue;
            }
            let open = code.len() - rest.len() + open;
            if let Some(close) = matching(code, open) {
                let wiped: String = code[open..=close]
                    .chars()
                    .map(|c| if c == '\n' { '\n' } else { ' ' })
                    .collect();
                out.replace_range(open..=close, &wiped);
            }
        }
        out
    }

    /// The files that `#[cfg(test)] mod name;` declarations make test-only.
    fn test_module_files(files: &[(PathBuf, String)]) -> BTreeSet<PathBuf> {
        let mut found = BTreeSet::new();
        for (path, text) in files {
            let code = blank(text);
            for (at, _) in code.match_indices("#[cfg(test)]") {
                let rest = code[at + "#[cfg(test)]".len()..].trim_start();
                let Some(rest) = rest.strip_prefix("mod ") else {
                    continue;
                };
                let rest = rest.trim_start();
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                if !rest[end..].trim_start().starts_with(';') {
                    continue;
                }
                let name = &rest[..end];
                let dir = match path.file_stem().and_then(|s| s.to_str()) {
                    Some("mod" | "lib" | "main") => path.parent().unwrap().to_path_buf(),
                    Some(stem) => path.parent().unwrap().join(stem),
                    None => continue,
                };
                found.insert(dir.join(format!("{name}.rs")));
                found.insert(dir.join(name).join("mod.rs"));
            }
        }
        found
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn report(sources: &[(&str, &str)], allowed: &[(&str, &str)]) -> Report {
            let files: Vec<(PathBuf, String)> = sources
                .iter()
                .map(|(p, t)| (PathBuf::from(p), t.to_string()))
                .collect();
            check(&files, allowed)
        }

        const GUARD: (&str, &str) = (
            "src/ffi/guard.rs",
            "pub fn guard<T>(failure: T, body: impl FnOnce() -> Result<T>) -> T {
                 match catch_unwind(AssertUnwindSafe(body)) { _ => failure }
             }
             pub fn op(body: impl FnOnce() -> Result<()>) -> c_int {
                 guard(OP_ERR, || body().map(|()| OP_SUCCESS))
             }",
        );

        #[test]
        fn an_unguarded_export_is_caught() {
            let r = report(
                &[
                    GUARD,
                    (
                        "src/ffi/thing.rs",
                        r#"
/// Releases a thing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thing_release(thing: *mut aws_thing) {
    // SAFETY: "{" is not a brace.
    if let Some(t) = unsafe { thing.as_ref() } {
        t.release();
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_thing_acquire(thing: *mut aws_thing) -> *mut aws_thing {
    guard::guard(std::ptr::null_mut(), || Ok(thing))
}
"#,
                    ),
                ],
                &[],
            );
            assert_eq!(r.checked, 2);
            assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
            assert!(
                r.problems[0].starts_with("src/ffi/thing.rs:4: aws_thing_release:"),
                "{}",
                r.problems[0]
            );
        }

        #[test]
        fn a_callback_handed_to_c_is_checked_too() {
            let r = report(
                &[
                    GUARD,
                    (
                        "src/ffi/cb.rs",
                        "unsafe extern \"C\" fn on_done(ctx: *mut c_void, error: c_int) {\n\
                         \x20   let _ = (ctx, error);\n\
                         }\n\
                         pub type aws_done_fn = unsafe extern \"C\" fn(ctx: *mut c_void);\n",
                    ),
                ],
                &[],
            );
            assert_eq!(r.checked, 1);
            assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
            assert!(r.problems[0].contains("on_done"));
        }

        #[test]
        fn statements_after_the_guard_are_caught() {
            let r = report(
                &[
                    GUARD,
                    (
                        "src/ffi/x.rs",
                        "#[unsafe(no_mangle)]\n\
                         pub extern \"C\" fn aws_x() -> c_int {\n\
                         \x20   guard::op(|| Ok(()));\n\
                         \x20   might_panic()\n\
                         }\n",
                    ),
                ],
                &[],
            );
            assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
            assert!(r.problems[0].contains("more follows"), "{}", r.problems[0]);
        }

        #[test]
        fn helpers_and_guarded_exports_are_recognised() {
            let r = report(
                &[
                    GUARD,
                    (
                        "src/ffi/support.rs",
                        "pub unsafe fn init(p: *mut u8) -> c_int { guard::op(|| Ok(())) }\n\
                         pub unsafe fn sneaky(p: *mut u8) -> c_int { p.write(0); 0 }\n",
                    ),
                    (
                        "src/ffi/ops.rs",
                        r#"
fn packet_id(body: impl FnOnce() -> Result<u16>) -> u16 {
    guard::guard(0, body)
}
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_publish() -> u16 {
    packet_id(|| Ok(1))
}
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_publish_old() -> u16 {
    // SAFETY: forwarded.
    unsafe { aws_publish() }
}
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_init(p: *mut u8) -> c_int {
    unsafe { support::init(p) }
}
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_sneaky(p: *mut u8) -> c_int {
    unsafe { support::sneaky(p) }
}
#[cfg(test)]
mod tests {
    unsafe extern "C" fn test_callback() { panic!() }
}
"#,
                    ),
                ],
                &[],
            );
            assert_eq!(r.checked, 4, "{:?}", r.problems);
            assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
            assert!(r.problems[0].contains("aws_sneaky"), "{}", r.problems[0]);
        }

        #[test]
        fn the_allow_list_excuses_and_must_stay_current() {
            let sources = [
                GUARD,
                (
                    "src/ffi/y.rs",
                    "#[unsafe(no_mangle)]\n\
                     pub extern \"C\" fn aws_y() -> bool { true }\n\
                     #[unsafe(no_mangle)]\n\
                     pub extern \"C\" fn aws_z() -> c_int { guard::op(|| Ok(())) }\n",
                ),
            ];
            assert!(report(&sources, &[("aws_y", "reason")]).problems.is_empty());
            let stale = report(
                &sources,
                &[("aws_y", "r"), ("aws_z", "r"), ("aws_gone", "r")],
            );
            assert_eq!(stale.problems.len(), 2, "{:?}", stale.problems);
        }

        #[test]
        fn literals_and_comments_are_blanked() {
            let code = blank("let a = '{'; let b = \"}\"; // {\nlet c: &'static str = r#\"{\"#;");
            assert!(!code.contains('{') && !code.contains('}'), "{code}");
            assert!(code.contains("&'static"));
        }
    }
}
