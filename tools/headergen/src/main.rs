//! Generates the public C headers under `include/aws/` from the Rust sources under `src/ffi/`
//! (and the error codes and log subjects under `src/error/` and `src/log/`).
//!
//! A Rust file under `src/ffi/`, `src/error/` or `src/log/` whose module comment starts with a header path,
//! ``//! `aws/common/byte_buf.h`: ...``, contributes its declarations to that header under
//! `include/`; several files may make up one header. Files without such a first line (module
//! plumbing, helpers) make none. cbindgen writes the declarations; this program tells it, per
//! header, how to spell the names that other headers define, and which headers to include.
//!
//! Conventions the Rust sources follow (cbindgen cannot infer them):
//! - `pub type X = unsafe extern "C" fn(..)` mirrors upstream's *function type* typedef
//!   `typedef R(X)(..)`, which cbindgen cannot write. The typedef itself lives in the header's
//!   hand-written fragment; Rust uses `Option<X>`, printed as `X *`.
//! - `pub type X_raw = c_int` is a C `enum X` received from C. Rust reads it as an integer, so
//!   an out-of-range value from a caller is an error to report rather than undefined behaviour.
//! - `pub type X_volatile = X` is upstream's `volatile struct X` (the atomics take
//!   `volatile struct aws_atomic_var *`), a qualifier cbindgen cannot write: a parameter
//!   `*mut X_volatile` is printed `volatile struct X *`, `*const X_volatile` `const volatile
//!   struct X *`. Rust sees `X` itself.
//! - Hand-written fragments: `include/aws/<lib>/private/<stem>_fragment.h` is included before the
//!   generated declarations (macros, function-type typedefs), `include/aws/<lib>/<stem>.inl`
//!   after them (inline helpers). A header in a subfolder, `aws/<lib>/<sub>/<stem>.h`, finds its
//!   fragment at `include/aws/<lib>/private/<sub>/<stem>_fragment.h`.
//!
//! Usage: `headergen [--check] [ROOT]`. With `--check`, nothing is written and the exit status is
//! 1 when a committed header differs from what would be generated.

use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::{env, fs, process};

/// What kind of C name a Rust item declares, which decides how other headers spell it.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Struct,
    Enum,
    FnType,
    EnumRaw,
    Volatile,
    Alias,
}

/// One public name and the header that declares it.
#[derive(Clone, Debug)]
struct Item {
    kind: Kind,
    header: String,
}

/// One header to generate: its Rust sources and its path under `include/`.
struct Unit {
    sources: Vec<PathBuf>,
    header: String,
    text: String,
}

fn main() {
    let mut check = false;
    let mut root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    for arg in env::args().skip(1) {
        if arg == "--check" {
            check = true;
        } else {
            root = PathBuf::from(arg);
        }
    }
    let units = collect_units(&root);
    let items = collect_items(&units);
    let mut stale = Vec::new();
    for unit in &units {
        let text = generate(&root, unit, &items);
        let out = root.join("include").join(&unit.header);
        let current = fs::read_to_string(&out).unwrap_or_default();
        if current != text {
            if check {
                stale.push(unit.header.clone());
            } else {
                fs::create_dir_all(out.parent().unwrap()).expect("create include dir");
                fs::write(&out, text).expect("write header");
                println!("wrote include/{}", unit.header);
            }
        }
    }
    if !stale.is_empty() {
        for h in &stale {
            eprintln!("stale generated header: include/{h} (run: cargo run -p headergen)");
        }
        process::exit(1);
    }
}

/// The headers the sources under `src/error/`, `src/log/` and `src/ffi/` declare, each with its files in path order.
fn collect_units(root: &Path) -> Vec<Unit> {
    let declared = Regex::new(r"^//! `(aws/[\w/-]+\.h)`").unwrap();
    let mut files = Vec::new();
    // The error codes live below every layer (`src/error`); the rest of the C API in `src/ffi`.
    walk(&root.join("src/error"), &mut files);
    walk(&root.join("src/log"), &mut files);
    walk(&root.join("src/ffi"), &mut files);
    files.sort();
    let mut units: BTreeMap<String, Unit> = BTreeMap::new();
    for source in files {
        let text = fs::read_to_string(&source).expect("read source");
        let Some(cap) = declared.captures(&text) else {
            continue;
        };
        let unit = units.entry(cap[1].to_string()).or_insert_with(|| Unit {
            sources: Vec::new(),
            header: cap[1].to_string(),
            text: String::new(),
        });
        unit.text.push_str(&text);
        unit.sources.push(source);
    }
    units.into_values().collect()
}

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

/// The public C-visible names of every unit, keyed by name.
fn collect_items(units: &[Unit]) -> BTreeMap<String, Item> {
    let decl =
        Regex::new(r"(?m)^pub (struct|union|enum|type) (\w+)(\s*=\s*(?:unsafe )?extern)?").unwrap();
    let mut items = BTreeMap::new();
    for unit in units {
        for cap in decl.captures_iter(&unit.text) {
            let name = cap[2].to_string();
            let kind = match &cap[1] {
                "struct" | "union" => Kind::Struct,
                "enum" => Kind::Enum,
                _ if cap.get(3).is_some() => Kind::FnType,
                _ if name.ends_with("_raw") => Kind::EnumRaw,
                _ if name.ends_with("_volatile") => Kind::Volatile,
                _ => Kind::Alias,
            };
            items.insert(
                name,
                Item {
                    kind,
                    header: unit.header.clone(),
                },
            );
        }
    }
    items
}

/// The include guard upstream uses: `aws/common/byte_buf.h` → `AWS_COMMON_BYTE_BUF_H`,
/// `aws/mqtt/v5/mqtt5_client.h` → `AWS_MQTT_MQTT5_CLIENT_H`.
fn include_guard(header: &str) -> String {
    let parts: Vec<&str> = header.trim_end_matches(".h").split('/').collect();
    let lib = parts[1];
    let stem = parts[parts.len() - 1];
    format!("AWS_{}_{}_H", lib, stem).to_uppercase()
}

/// Tells cbindgen how to spell `name` (declared with `kind`) and whether to leave it out.
fn spell(config: &mut cbindgen::Config, name: &str, kind: Kind, own: bool) {
    let rename = &mut config.export.rename;
    let exclude = &mut config.export.exclude;
    match kind {
        Kind::FnType => {
            let option = format!("Option_{name}");
            rename.insert(option.clone(), format!("{name} *"));
            exclude.push(option);
            exclude.push(name.to_string());
        }
        Kind::EnumRaw => {
            let c_enum = name.trim_end_matches("_raw");
            rename.insert(name.to_string(), format!("enum {c_enum}"));
            exclude.push(name.to_string());
        }
        Kind::Volatile => {
            let c_struct = name.trim_end_matches("_volatile");
            rename.insert(name.to_string(), format!("volatile struct {c_struct}"));
            exclude.push(name.to_string());
        }
        Kind::Struct if !own => {
            rename.insert(name.to_string(), format!("struct {name}"));
            exclude.push(name.to_string());
        }
        Kind::Enum if !own => {
            rename.insert(name.to_string(), format!("enum {name}"));
            exclude.push(name.to_string());
        }
        Kind::Alias if !own => exclude.push(name.to_string()),
        _ => config.export.include.push(name.to_string()),
    }
}

fn generate(root: &Path, unit: &Unit, items: &BTreeMap<String, Item>) -> String {
    let mut config = cbindgen::Config {
        language: cbindgen::Language::C,
        style: cbindgen::Style::Tag,
        cpp_compat: true,
        usize_is_size_t: true,
        no_includes: true,
        documentation_style: cbindgen::DocumentationStyle::Doxy,
        include_guard: Some(include_guard(&unit.header)),
        ..Default::default()
    };
    let word = Regex::new(r"\b\w+\b").unwrap();
    let used: BTreeSet<&str> = word.find_iter(&unit.text).map(|m| m.as_str()).collect();
    let mut includes = BTreeSet::new();
    for name in used {
        let Some(item) = items.get(name) else {
            continue;
        };
        let own = item.header == unit.header;
        if !own {
            includes.insert(item.header.clone());
        }
        spell(&mut config, name, item.kind, own);
    }

    let (lib_dir, stem) = unit.header.rsplit_once('/').unwrap();
    let stem = stem.trim_end_matches(".h");
    let lib = unit.header.split('/').nth(1).unwrap();
    // A header in a subfolder of its library (`aws/mqtt/v5/x.h`) keeps that subfolder under
    // `private/` (`aws/mqtt/private/v5/x_fragment.h`), as upstream lays out its private headers.
    let sub = lib_dir
        .strip_prefix(&format!("aws/{lib}"))
        .unwrap_or("")
        .trim_start_matches('/');
    let fragment = if sub.is_empty() {
        format!("aws/{lib}/private/{stem}_fragment.h")
    } else {
        format!("aws/{lib}/private/{sub}/{stem}_fragment.h")
    };
    let inline = format!("{lib_dir}/{stem}.inl");

    let sources: Vec<String> = unit
        .sources
        .iter()
        .map(|s| s.strip_prefix(root).unwrap().display().to_string())
        .collect();
    config.header = Some(format!(
        "/* Generated by tools/headergen from {}: edit the Rust, then run\n \
         * `cargo run -p headergen`. Do not edit this header by hand. */",
        sources.join(", ")
    ));
    let mut head = String::from("#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n");
    for inc in &includes {
        head.push_str(&format!("#include <{inc}>\n"));
    }
    if root.join("include").join(&fragment).exists() {
        head.push_str(&format!("#include <{fragment}>\n"));
    }
    config.after_includes = Some(head);
    if root.join("include").join(&inline).exists() {
        config.trailer = Some(format!("#include <{inline}>"));
    }

    let mut builder = cbindgen::Builder::new().with_config(config);
    for source in &unit.sources {
        builder = builder.with_src(source);
    }
    let bindings = builder
        .generate()
        .unwrap_or_else(|e| panic!("cbindgen failed on {}: {e}", unit.header));
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("cbindgen output is UTF-8")
}
