//! The policies the estimator knows: the bundled ones (every file in `policies/`, embedded at build
//! time) and any a user loads, which replace a bundled policy of the same id.

use crate::error::{Error, ErrorKind, Result};
use crate::policy::{OutOfAreaRule, Policy};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

pub struct Library {
    rules: Vec<OutOfAreaRule>,
    policies: Vec<Policy>,
}

impl Library {
    /// The bundled policies. An error here means a bundled file is broken (a test guards this).
    pub fn bundled() -> Result<Library> {
        let rules = bundled::RULES.iter().map(|(file, text)| OutOfAreaRule::parse(text, file)).collect::<Result<_>>()?;
        let mut library = Library { rules, policies: Vec::new() };
        for (file, text) in bundled::POLICIES {
            library.add(text, file)?;
        }
        Ok(library)
    }

    /// The bundled files as (file name, text), for tests and `--list`.
    pub fn bundled_files() -> impl Iterator<Item = (&'static str, &'static str)> {
        bundled::RULES.iter().chain(bundled::POLICIES).copied()
    }

    /// Validates a policy file without adding it.
    pub fn check(&self, text: &str, file: &str) -> Result<Policy> {
        Policy::parse(text, file, &self.rules)
    }

    /// Validates a policy file and adds it, replacing a policy of the same id.
    pub fn add(&mut self, text: &str, file: &str) -> Result<&Policy> {
        let policy = self.check(text, file)?;
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
