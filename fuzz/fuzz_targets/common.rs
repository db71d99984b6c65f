//! What every fuzz target shares: the bundled library, loaded once per process.

use outpatient_estimator::Library;
use std::sync::OnceLock;

pub fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| Library::bundled().expect("bundled policies load"))
}
