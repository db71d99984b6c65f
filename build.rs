//! Embeds every policy file under `policies/` into the library, so that a bureau adds a region by
//! adding a file: no Rust changes, no list to keep in step.

use std::fs;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=policies");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundled.rs");
    let code = format!(
        "pub const RULES: &[(&str, &str)] = &[{}];\npub const POLICIES: &[(&str, &str)] = &[{}];\n",
        entries("policies/rules"),
        entries("policies"),
    );
    fs::write(out, code).expect("write bundled.rs");
}

/// `("policies/x.toml", include_str!("/abs/policies/x.toml")),` for each TOML file of `dir`, sorted.
fn entries(dir: &str) -> String {
    println!("cargo:rerun-if-changed={dir}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = fs::read_dir(root.join(dir))
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "toml"));
    files.sort();
    files
        .iter()
        .map(|path| {
            let name = format!("{dir}/{}", path.file_name().unwrap_or_default().to_string_lossy());
            format!("({name:?}, include_str!({:?})),", path.display().to_string())
        })
        .collect()
}
