//! Embeds every policy file under `policies/` into the library, so that a bureau adds a region by
//! adding a file: no Rust changes, no list to keep in step.
//!
//! Each file is embedded twice: as its TOML text (for the tests that damage files) and as JSON,
//! which is what the library reads. The page then needs no TOML parser: the browser's own
//! `JSON.parse` reads the policies, and the wasm stays small (BENCHMARKS.md).

use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=policies");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundled.rs");
    let mut code = String::new();
    for (name, dir) in [("RULES", "policies/rules"), ("POLICIES", "policies")] {
        let files = toml_files(dir);
        // Two lists, so that the wasm, which reads only the JSON, carries only the JSON.
        let json: String =
            files.iter().map(|(file, path)| format!("({file:?}, {:?}),", to_json(file, &read(file, path)))).collect();
        let toml: String = files
            .iter()
            .map(|(file, path)| format!("({file:?}, include_str!({:?})),", path.display().to_string()))
            .collect();
        let _ = writeln!(code, "/// (file name, JSON text)\npub const {name}_JSON: &[(&str, &str)] = &[{json}];");
        let _ = writeln!(code, "/// (file name, TOML text)\npub const {name}_TOML: &[(&str, &str)] = &[{toml}];");
    }
    fs::write(out, code).expect("write bundled.rs");
}

/// The TOML files of `dir` as (name as "dir/x.toml", path), sorted by name.
fn toml_files(dir: &str) -> Vec<(String, PathBuf)> {
    println!("cargo:rerun-if-changed={dir}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = fs::read_dir(root.join(dir))
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "toml"));
    files.sort();
    files
        .into_iter()
        .map(|path| (format!("{dir}/{}", path.file_name().unwrap_or_default().to_string_lossy()), path))
        .collect()
}

fn read(file: &str, path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| fail(file, &e.to_string()))
}

/// The file as JSON, keys sorted as the TOML reader gives them to the library. Only the syntax is checked here; the library
/// checks everything else, and names the field, when it reads the JSON.
fn to_json(name: &str, text: &str) -> String {
    let value: toml::Value = toml::from_str(text).unwrap_or_else(|e| fail(name, &e.to_string()));
    refuse_floats(name, "", &value);
    serde_json::to_string(&value).unwrap_or_else(|e| fail(name, &e.to_string()))
}

/// A TOML float would reach the browser as a JavaScript number, where `1.0` reads as the whole
/// number 1; natively it is refused. Refusing it here keeps the two the same. Figures are strings.
fn refuse_floats(name: &str, path: &str, value: &toml::Value) {
    match value {
        toml::Value::Float(_) => fail(
            name,
            &format!("{path}: a number with a decimal point; write figures as strings, e.g. value = \"0.65\""),
        ),
        toml::Value::Array(items) => {
            items.iter().enumerate().for_each(|(i, v)| refuse_floats(name, &format!("{path}[{i}]"), v))
        }
        toml::Value::Table(table) => table.iter().for_each(|(k, v)| {
            refuse_floats(name, &if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, v)
        }),
        _ => {}
    }
}

fn fail(name: &str, message: &str) -> ! {
    panic!("{name}: {message}")
}
