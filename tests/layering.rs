//! The layers of DESIGN.md import only downwards: error, log, codec, client, runtime,
//! transport, connection, auth, ffi, each naming (through `crate::...` paths or the crate's macros) only
//! itself and the layers before it. In particular nothing outside `src/ffi` reaches into the C
//! API, and `runtime` imports neither `transport` nor the connection driver.

mod source_scan;

use source_scan::{blank, rust_files};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Bottom to top.
const LAYERS: [&str; 9] = [
    "error",
    "log",
    "codec",
    "client",
    "runtime",
    "transport",
    "connection",
    "auth",
    "ffi",
];

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == layer)
}

/// Each `crate::name` in `text` (a module, or with `!` a macro of the crate).
fn crate_paths(text: &str) -> Vec<(String, bool)> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices("crate::") {
        // `$crate::` inside a macro_rules definition is the same thing.
        let start = at + "crate::".len();
        let end = text[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(text.len(), |n| start + n);
        let is_macro = bytes.get(end) == Some(&b'!');
        let before = if at == 0 { b' ' } else { bytes[at - 1] };
        if before.is_ascii_alphanumeric() || before == b'_' {
            continue;
        }
        found.push((text[start..end].to_string(), is_macro));
    }
    found
}

/// A source file: its path, its layer's rank and its code.
type Source = (PathBuf, usize, String);

/// The layer of each file under `src/`, and the layer that defines each exported macro.
fn survey(src: &Path) -> (Vec<Source>, BTreeMap<String, usize>) {
    let mut files = Vec::new();
    let mut macros = BTreeMap::new();
    for layer in LAYERS {
        for path in rust_files(&src.join(layer)) {
            let text = blank(&fs::read_to_string(&path).unwrap());
            for (i, _) in text.match_indices("macro_rules! ") {
                let name: String = text[i + 13..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                macros.insert(name, rank(layer).unwrap());
            }
            files.push((path, rank(layer).unwrap(), text));
        }
    }
    (files, macros)
}

#[test]
fn every_layer_imports_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (files, macros) = survey(&src);
    assert!(files.len() > 50, "the survey found the sources");
    let mut violations = Vec::new();
    for (path, own, text) in &files {
        for (name, is_macro) in crate_paths(text) {
            let target = if is_macro {
                macros.get(&name).copied()
            } else {
                rank(&name)
            };
            if let Some(target) = target
                && target > *own
            {
                violations.push(format!(
                    "{} ({}) names crate::{}{} ({})",
                    path.strip_prefix(&src).unwrap().display(),
                    LAYERS[*own],
                    name,
                    if is_macro { "!" } else { "" },
                    LAYERS[target]
                ));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports from a layer above:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_survey_sees_an_upward_import() {
    // The checker itself can fail: a path or macro of a higher layer is found.
    let text = "use crate::ffi::guard::Error;\nfn f() { crate::aws_log!(x); $crate::codec::x }";
    let names = crate_paths(&blank(text));
    assert_eq!(
        names,
        vec![
            ("ffi".to_string(), false),
            ("aws_log".to_string(), true),
            ("codec".to_string(), false)
        ]
    );
    assert_eq!(crate_paths(&blank("// crate::ffi in a comment")), vec![]);
}
