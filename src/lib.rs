//! Outpatient benefit estimator for Chinese basic medical insurance (门诊统筹).
//!
//! The core is plain Rust with no browser dependency: policies with dated, sourced figures; exact
//! adjudication of a year of visits; visit patterns; and the SVG chart. `src/wasm.rs` is a thin
//! layer over it for the page; `src/bin/estimate.rs` is the command line.

pub mod adjudicate;
pub mod chart;
pub mod date;
pub mod error;
pub mod fragment;
pub mod i18n;
pub mod library;
pub mod limits;
// `estimate --check`'s warnings: for files read from TOML, so not in the page's wasm.
#[cfg(feature = "toml")]
pub mod lint;
pub mod money;
pub mod pattern;
pub mod policy;
pub mod scenario;
pub mod tree;
pub mod vec_map;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use adjudicate::{adjudicate, Outcome};
pub use error::{Error, ErrorKind, Result};
pub use i18n::Lang;
pub use library::Library;
pub use scenario::Scenario;

#[cfg(test)]
mod bundled_tests {
    #[test]
    fn every_bundled_file_is_valid() {
        let library = crate::Library::bundled().unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<_> = library.policies().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids.len(), 6, "{ids:?}");
    }
}
