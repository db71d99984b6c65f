//! What the property tests share (`tests/properties.rs`, `tests/model.rs`).

use outpatient_estimator::Library;
use proptest::test_runner::Config;
use std::sync::OnceLock;

/// The bundled policies, read once for all the cases of a test binary.
pub fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| Library::bundled().expect("bundled policies load"))
}

/// `cases` unless PROPTEST_CASES asks for another number (for a longer run by hand).
pub fn config(cases: u32) -> Config {
    let base = Config::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() { base.cases } else { cases };
    Config { cases, failure_persistence: None, ..base }
}
