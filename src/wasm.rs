//! The WebAssembly API: one `Estimator` holding the policy library, methods that take and return
//! plain JS values (the same shapes as `estimate`'s JSON), and every error turned into a JS `Error`
//! that carries `field`, `code` and the message in both languages.

use crate::error::{Error, ErrorKind};
use crate::i18n::Lang;
use crate::library::Library;
use crate::policy::labels;
use crate::scenario::Scenario;
use crate::tree::Tree;
use crate::{adjudicate, chart, fragment, pattern};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Estimator {
    library: Library,
}

#[wasm_bindgen]
impl Estimator {
    /// An estimator with the bundled policies.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<Estimator, JsValue> {
        let library = Library::bundled().map_err(|e| js_error(&e, Lang::default()))?;
        Ok(Estimator { library })
    }

    /// Summaries of every policy: names, members, versions, each figure with status and source.
    pub fn policies(&self, lang: Option<String>) -> Result<JsValue, JsValue> {
        let lang = pick_lang(lang);
        let summaries: Vec<_> = self.library.policies().iter().map(|p| p.summary(lang)).collect();
        to_js(&summaries, lang)
    }

    /// Labels of every keyword (facility, member, scheme, settlement, status) in `lang`.
    pub fn labels(&self, lang: Option<String>) -> Result<JsValue, JsValue> {
        let lang = pick_lang(lang);
        to_js(&labels(lang), lang)
    }

    /// Adjudicates a scenario: the same outcome `estimate` prints.
    pub fn run(&self, scenario: JsValue) -> Result<JsValue, JsValue> {
        let (tree, lang) = read_scenario(scenario)?;
        let outcome = self.outcome(&tree).map_err(|e| js_error(&e, lang))?;
        to_js(&outcome, lang)
    }

    /// The chart of a scenario as an SVG document: the same as `estimate --svg`.
    pub fn svg(&self, scenario: JsValue) -> Result<String, JsValue> {
        let (tree, lang) = read_scenario(scenario)?;
        let outcome = self.outcome(&tree).map_err(|e| js_error(&e, lang))?;
        Ok(chart::render(&outcome, lang))
    }

    /// Visits generated from a pattern, in the scenario's visit form.
    pub fn generate(&self, pattern: JsValue, lang: Option<String>) -> Result<JsValue, JsValue> {
        let lang = pick_lang(lang);
        let tree = read_tree(pattern).map_err(|e| js_error(&e, lang))?;
        let visits = pattern::generate_from(&tree).map_err(|e| js_error(&e, lang))?;
        to_js(&pattern::visits_json(&visits), lang)
    }

    /// The link fragment (`v1;p=…`, without the `#`) of a scenario; throws if the scenario is not
    /// valid, so a link always opens.
    #[wasm_bindgen(js_name = encodeFragment)]
    pub fn encode_fragment(&self, scenario: JsValue) -> Result<String, JsValue> {
        let (tree, lang) = read_scenario(scenario)?;
        let scenario = Scenario::read(&tree, &self.library).map_err(|e| js_error(&e, lang))?;
        Ok(fragment::encode(&scenario))
    }

    /// The scenario of a link fragment, checked; `lang` is the language of its errors and of the
    /// scenario when the link gives none. Errors name the link's part (`fragment.v[3].amount`).
    #[wasm_bindgen(js_name = decodeFragment)]
    pub fn decode_fragment(&self, text: &str, lang: Option<String>) -> Result<JsValue, JsValue> {
        let lang = pick_lang(lang);
        let tree = fragment::read(text, &self.library, lang).map_err(|e| js_error(&e, lang))?;
        to_js(&tree, lang)
    }

    /// Validates a policy file (TOML text) without adding it; returns its summary.
    #[wasm_bindgen(js_name = checkPolicy)]
    pub fn check_policy(&self, text: &str, lang: Option<String>) -> Result<JsValue, JsValue> {
        let lang = pick_lang(lang);
        let policy = self.library.check(text, "policy.toml").map_err(|e| js_error(&e, lang))?;
        to_js(&policy.summary(lang), lang)
    }

    /// Validates and adds a policy file; a bundled policy with the same id is replaced.
    #[wasm_bindgen(js_name = addPolicy)]
    pub fn add_policy(&mut self, text: &str, lang: Option<String>) -> Result<JsValue, JsValue> {
        let lang = pick_lang(lang);
        let policy = self.library.add(text, "policy.toml").map_err(|e| js_error(&e, lang))?;
        to_js(&policy.summary(lang), lang)
    }
}

impl Estimator {
    fn outcome(&self, tree: &Tree) -> crate::Result<crate::Outcome> {
        let scenario = Scenario::read(tree, &self.library)?;
        adjudicate(&scenario, scenario.policy(&self.library)?)
    }
}

fn pick_lang(lang: Option<String>) -> Lang {
    lang.as_deref().and_then(Lang::parse).unwrap_or_default()
}

fn read_tree(value: JsValue) -> crate::Result<Tree> {
    Tree::read(serde_wasm_bindgen::Deserializer::from(value))
        .map_err(|e| Error::new("", ErrorKind::Syntax { detail: e.to_string() }))
}

fn read_scenario(value: JsValue) -> Result<(Tree, Lang), JsValue> {
    let tree = read_tree(value).map_err(|e| js_error(&e, Lang::default()))?;
    let lang = Scenario::lang_in(&tree).unwrap_or_default();
    Ok((tree, lang))
}

fn to_js<T: Serialize>(value: &T, lang: Lang) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(&Error::new("", ErrorKind::Syntax { detail: e.to_string() }), lang))
}

/// A JS `Error` whose message is in `lang`, carrying `field`, `code`, `detail` (the message
/// without the field, for showing next to the input), `message_en`, `message_zh`, and for an
/// unknown figure the `version` it belongs to.
fn js_error(error: &Error, lang: Lang) -> JsValue {
    let js = js_sys::Error::new(&error.message(lang));
    let version = match &error.kind {
        ErrorKind::UnknownFigure { version, .. } => version.clone(),
        _ => String::new(),
    };
    for (key, value) in [
        ("field", error.field.clone()),
        ("code", error.code().to_owned()),
        ("detail", error.description().get(lang).to_owned()),
        ("message_en", error.message(Lang::En)),
        ("message_zh", error.message(Lang::Zh)),
        ("version", version),
    ] {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str(key), &JsValue::from_str(&value));
    }
    js.into()
}
