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
        Library::from_json(bundled::RULES_JSON, bundled::POLICIES_JSON)
    }

    /// A library of rule and policy files as (file name, the JSON build.rs makes of it). Two files
    /// may not give one id.
    fn from_json<'a>(rules: &[(&str, &'a str)], policies: &[(&str, &'a str)]) -> Result<Library> {
        let read = |file: &str, json: &'a str| read_json(json, file);
        let rules =
            rules.iter().map(|(file, json)| OutOfAreaRule::read(&read(file, json)?, file)).collect::<Result<_>>()?;
        let mut library = Library { rules, policies: Vec::new() };
        let mut ids: Vec<(&str, String)> = Vec::new();
        for (file, json) in policies {
            let id = library.add_tree(&read(file, json)?, file)?.id.clone();
            // A copied file whose id was not changed would replace the other one without a word.
            if let Some((other, _)) = ids.iter().find(|(_, seen)| *seen == id) {
                return Err(Error::new(format!("{file}.id"), ErrorKind::DuplicatePolicy { file: (*other).to_owned() }));
            }
            ids.push((file, id));
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

    /// A file copied for a new region with its id left as it was is refused, naming both files,
    /// instead of replacing the region it was copied from.
    #[test]
    fn two_bundled_files_with_one_id_are_refused_naming_both() {
        let (_, qiannan) = Library::bundled_json().find(|(file, _)| file.contains("qiannan")).unwrap();
        let rules: Vec<_> = Library::bundled_json().filter(|(file, _)| file.contains("/rules/")).collect();
        let copies = [("policies/qiannan-employee.toml", qiannan), ("policies/tongren-employee.toml", qiannan)];
        let error = Library::from_json(&rules, &copies).err().expect("refused");
        assert_eq!((error.field.as_str(), error.code()), ("policies/tongren-employee.toml.id", "duplicate_policy"));
        assert!(error.to_string().contains("policies/qiannan-employee.toml"), "{error}");
        assert!(Library::from_json(&rules, &copies[..1]).is_ok());
    }

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
