//! The fuzz targets' kept inputs (the codec's and the engines'), run on stable by the normal
//! `cargo test`: every file of
//! `fuzz/corpus/<target>/` (the minimised corpus) and `fuzz/regressions/<target>/` (inputs that
//! once broke a rule) goes through the same oracle as in the fuzz target, `fuzz/oracle.rs`.
//! See `fuzz/README.md` for the fuzzing itself.

use std::path::{Path, PathBuf};

#[path = "../fuzz/oracle.rs"]
mod oracle;

#[path = "../fuzz/engines.rs"]
mod engines;

/// Every target, codec and engine, with its oracle.
fn targets() -> impl Iterator<Item = (&'static str, fn(&str, &[u8]))> {
    let codec = oracle::TARGETS
        .into_iter()
        .map(|t| (t, oracle::check as fn(&str, &[u8])));
    let engine = engines::TARGETS
        .into_iter()
        .map(|t| (t, engines::check as fn(&str, &[u8])));
    codec.chain(engine)
}

/// Every file under `fuzz/<kind>/<target>/`, sorted.
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every input of `kind` through its target's oracle; returns how many there were.
fn run(kind: &str) -> usize {
    let mut count = 0;
    let mut failures = Vec::new();
    for (target, check) in targets() {
        for file in inputs(kind, target) {
            let data = std::fs::read(&file).expect("a readable input");
            count += 1;
            if let Err(panic) = std::panic::catch_unwind(|| check(target, &data)) {
                let why = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("(no message)");
                failures.push(format!("{}: {why}", file.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} inputs fail their oracle:\n{}",
        failures.len(),
        failures.join("\n")
    );
    count
}

#[test]
fn every_corpus_input_passes_its_oracle() {
    for (target, _) in targets() {
        assert!(
            !inputs("corpus", target).is_empty(),
            "fuzz/corpus/{target}/ is empty"
        );
    }
    run("corpus");
}

#[test]
fn every_kept_crash_passes_its_oracle() {
    run("regressions");
}
