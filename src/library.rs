//! The policies the estimator knows: the bundled ones (every file in `policies/`, embedded at build
//! time) and any a user loads, which replace a bundled policy of the same id.
//!
//! The bundled files are read from the JSON form `build.rs` makes of each, so that the page needs
//! no TOML parser. A policy a user loads is read from TOML text (feature `toml`: the CLI) or from
//! the same JSON form (the page); either way the same [`Policy::read`] checks it.

use crate::error::{Error, ErrorKind, Result};
use crate::policy::{OutOfAreaRule, Policy};
use crate::scenario::read_json;
use crate::tree::Tree;

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

pub struct Library {
    rules: Vec<OutOfAreaRule>,
    policies: Vec<Policy>,
}

impl Library {
    /// The bundled policies, read from the JSON build.rs made of each file. An error here means a
    /// bundled file is broken (a test guards this).
    pub fn bundled() -> Result<Library> {
        let read = |file: &str, json: &'static str| read_json(json, file);
        let rules = bundled::RULES_JSON
            .iter()
            .map(|(file, json)| OutOfAreaRule::read(&read(file, json)?, file))
            .collect::<Result<_>>()?;
        let mut library = Library { rules, policies: Vec::new() };
        for (file, json) in bundled::POLICIES_JSON {
            library.add_tree(&read(file, json)?, file)?;
        }
        Ok(library)
    }

    /// The bundled files as (file name, TOML text), for tests.
    pub fn bundled_files() -> impl Iterator<Item = (&'static str, &'static str)> {
        bundled::RULES_TOML.iter().chain(bundled::POLICIES_TOML).copied()
    }

    /// The bundled files as (file name, the JSON build.rs made of them).
    pub fn bundled_json() -> impl Iterator<Item = (&'static str, &'static str)> {
        bundled::RULES_JSON.iter().chain(bundled::POLICIES_JSON).copied()
    }

    /// Validates a policy (its tree) without adding it; `file` starts every field path in errors.
    pub fn check_tree(&self, tree: &Tree<'_>, file: &str) -> Result<Policy> {
        Policy::read(tree, file, &self.rules)
    }

    /// Validates a policy (its tree) and adds it, replacing a policy of the same id.
    pub fn add_tree(&mut self, tree: &Tree<'_>, file: &str) -> Result<&Policy> {
        let policy = self.check_tree(tree, file)?;
        let index = match self.policies.iter().position(|p| p.id == policy.id) {
            Some(i) => {
                self.policies[i] = policy;
                i
            }
            None => {
                self.policies.push(policy);
                self.policies.len() - 1
            }
        };
        Ok(&self.policies[index])
    }

    /// Validates a policy file (TOML text) without adding it.
    #[cfg(feature = "toml")]
    pub fn check(&self, text: &str, file: &str) -> Result<Policy> {
        self.check_tree(&crate::policy::read_toml(text, file)?, file)
    }

    /// Validates a policy file (TOML text) and adds it, replacing a policy of the same id.
    #[cfg(feature = "toml")]
    pub fn add(&mut self, text: &str, file: &str) -> Result<&Policy> {
        self.add_tree(&crate::policy::read_toml(text, file)?, file)
    }

    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// The policy with `id`; the error names the scenario's `policy` field.
    pub fn get(&self, id: &str) -> Result<&Policy> {
        self.policies
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| Error::new("policy", ErrorKind::UnknownPolicy { id: id.to_owned() }))
    }
}

#[cfg(all(test, feature = "toml"))]
mod tests {
    use super::*;

    /// build.rs's JSON of each bundled file reads as the same tree as its TOML text.
    #[test]
    fn the_json_form_of_every_bundled_file_is_the_same_tree_as_its_toml() {
        let mut count = 0;
        for ((file, toml), (json_file, json)) in Library::bundled_files().zip(Library::bundled_json()) {
            assert_eq!(file, json_file);
            let from_toml = crate::policy::read_toml(toml, file).unwrap_or_else(|e| panic!("{e}"));
            let from_json =
                Tree::read(&mut serde_json::Deserializer::from_str(json)).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(from_toml, from_json, "{file}");
            count += 1;
        }
        assert!(count >= 7, "{count} files");
    }
}
