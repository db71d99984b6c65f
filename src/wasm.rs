//! The WebAssembly API: one `Estimator` holding the policy library, methods that take and return
//! plain JS values (the shapes of `estimate`'s JSON), and every error turned into a JS `Error`
//! that carries `field`, `code` and the message in both languages.
//!
//! Values cross as JSON text (`JSON.stringify` in, `JSON.parse` out), read and written by the
//! same serde_json code as `estimate`'s. Built without the `toml` feature: the bundled policies
//! are embedded as JSON (build.rs), and a policy given to `checkPolicy`/`addPolicy` is that form.

use crate::adjudicate::{adjudicate_lines, explain_visit, Outcome, VisitLine};
use crate::date::iso;
use crate::error::{Error, ErrorKind};
use crate::i18n::Lang;
use crate::library::Library;
use crate::policy::labels;
use crate::scenario::{read_json, Scenario};
use crate::tree::Tree;
use crate::{chart, fragment, pattern};
use chrono::NaiveDate;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The allocator. Rust's default on wasm32 is dlmalloc; talc's wasm allocator does the same job in
/// less code (2.6 KB less wasm, gzip -9) and measured as fast in the page (BENCHMARKS.md). The page
/// is single-threaded (no `atomics` target feature), which talc's wasm allocator requires.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[wasm_bindgen]
pub struct Estimator {
    library: Library,
}

#[wasm_bindgen]
impl Estimator {
    /// An estimator with the bundled policies.
    ///
    /// A panic is a bug, and with `panic = "abort"` it traps: the call throws a
    /// `WebAssembly.RuntimeError` and the instance's memory can no longer be trusted. The panic
    /// hook asks wasm-bindgen to start a fresh instance on the next call, so the page can make a
    /// new `Estimator` and carry on (tests/e2e/recovery.test.mjs).
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<Estimator, JsValue> {
        std::panic::set_hook(Box::new(|_| wasm_bindgen::handler::schedule_reinit()));
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

    /// Adjudicates a scenario: `{ outcome, svg, visits }`. The outcome is `estimate`'s, with each
    /// visit's table numbers and `marks` (the statuses to point out) but no texts: `explain` gives a
    /// visit's notes and trace; the visits in date order, as a table lists them. With `rows`, only
    /// the first `rows` visits are sent (a page shows
    /// the first ones; sending all would cost more than adjudicating them); `visits` is how many
    /// there are. The SVG is `estimate --svg`'s chart, of every visit; with `width`, drawn that
    /// many pixels wide for a box that wide (300 to 640, as `estimate --svg --width`), so that on a
    /// phone its type keeps its size.
    pub fn run(&self, scenario: JsValue, rows: Option<usize>, width: Option<u32>) -> Result<JsValue, JsValue> {
        with_scenario(&scenario, |tree, lang| {
            let mut outcome = self.outcome(tree).map_err(|e| js_error(&e, lang))?;
            let svg = chart::render_at(&outcome, lang, width.unwrap_or(chart::DEFAULT_WIDTH));
            let visits = outcome.visits.len();
            outcome.visits.truncate(rows.unwrap_or(visits));
            to_js(&Run { outcome, svg, visits }, lang)
        })
    }

    /// The visit at `index` (its position in `scenario.visits`) with its notes and trace, as
    /// `estimate` gives it.
    pub fn explain(&self, scenario: JsValue, index: usize) -> Result<JsValue, JsValue> {
        with_scenario(&scenario, |tree, lang| {
            let visit = Scenario::read(tree, &self.library)
                .and_then(|s| explain_visit(&s, s.policy(&self.library)?, index))
                .map_err(|e| js_error(&e, lang))?;
            to_js(&visit, lang)
        })
    }

    /// Test-only: panics, as a bug would, so that the tests can check the page recovers.
    #[wasm_bindgen(js_name = panicForTest)]
    pub fn panic_for_test(&self) {
        panic!("panicForTest");
    }

    /// Visits generated from a pattern, in the scenario's visit form.
    pub fn generate(&self, pattern: JsValue, lang: Option<String>) -> Result<JsValue, JsValue> {
        let lang = pick_lang(lang);
        with_tree(&pattern, lang, |tree| {
            let visits = pattern::generate_from(tree).map_err(|e| js_error(&e, lang))?;
            to_js(&pattern::visits_json(&visits), lang)
        })
    }

    /// The link fragment (`v1;p=…`, without the `#`) of a scenario; throws if the scenario is not
    /// valid, or too large for a link (`too_large`), so a link always opens.
    #[wasm_bindgen(js_name = encodeFragment)]
    pub fn encode_fragment(&self, scenario: JsValue) -> Result<String, JsValue> {
        with_scenario(&scenario, |tree, lang| {
            let scenario = Scenario::read(tree, &self.library).map_err(|e| js_error(&e, lang))?;
            fragment::link(&scenario).map_err(|e| js_error(&e, lang))
        })
    }

    /// The scenario of a link fragment, checked; `lang` is the language of its errors and of the
    /// scenario when the link gives none. Errors name the link's part (`fragment.v[3].amount`).
    #[wasm_bindgen(js_name = decodeFragment)]
    pub fn decode_fragment(&self, text: &str, lang: Option<String>) -> Result<JsValue, JsValue> {
        let lang = pick_lang(lang);
        let tree = fragment::read(text, &self.library, lang).map_err(|e| js_error(&e, lang))?;
        to_js(&tree, lang)
    }

    /// The pattern a link's visits were made from (`g=`), as `generate` takes it without the range,
    /// or null when the link lists its visits: for a pattern form to show what made them.
    #[wasm_bindgen(js_name = fragmentPattern)]
    pub fn fragment_pattern(&self, text: &str, lang: Option<String>) -> Result<JsValue, JsValue> {
        let lang = pick_lang(lang);
        match fragment::pattern_of(text).map_err(|e| js_error(&e, lang))? {
            Some(pattern) => to_js(&pattern, lang),
            None => Ok(JsValue::NULL),
        }
    }

    /// Validates a policy without adding it; returns its summary. The policy is the object form
    /// of a policy file (what `JSON.parse` gives for the file's JSON; `estimate --to-json FILE.toml`
    /// writes it).
    #[wasm_bindgen(js_name = checkPolicy)]
    pub fn check_policy(&self, policy: JsValue, lang: Option<String>) -> Result<JsValue, JsValue> {
        let lang = pick_lang(lang);
        with_tree(&policy, lang, |tree| {
            let policy = self.library.check_tree(tree, "policy").map_err(|e| js_error(&e, lang))?;
            to_js(&policy.summary(lang), lang)
        })
    }

    /// Validates and adds a policy (as `checkPolicy`); a bundled policy with the same id is replaced.
    #[wasm_bindgen(js_name = addPolicy)]
    pub fn add_policy(&mut self, policy: JsValue, lang: Option<String>) -> Result<JsValue, JsValue> {
        let lang = pick_lang(lang);
        with_tree(&policy, lang, |tree| {
            let policy = self.library.add_tree(tree, "policy").map_err(|e| js_error(&e, lang))?;
            to_js(&policy.summary(lang), lang)
        })
    }
}

#[derive(Serialize)]
struct Run {
    outcome: Outcome<VisitLine>,
    svg: String,
    visits: usize,
}

impl Estimator {
    fn outcome(&self, tree: &Tree<'_>) -> crate::Result<Outcome<VisitLine>> {
        let scenario = Scenario::read(tree, &self.library)?;
        adjudicate_lines(&scenario, scenario.policy(&self.library)?)
    }
}

fn pick_lang(lang: Option<String>) -> Lang {
    lang.as_deref().and_then(Lang::parse).unwrap_or_default()
}

/// Reads a JS value as the command line reads a file: as JSON text, made by the browser's own
/// `JSON.stringify` and read by `scenario::read_json`, so the page and `estimate` share one reader
/// and its limits. Crossing into the wasm once as text is also far faster than reading every
/// property through a call (BENCHMARKS.md). What JSON cannot hold (a BigInt, a cycle, a lone
/// function) is a syntax error; a number with a fraction is refused where it is used. The tree
/// borrows its texts from the JSON text, which lives for this call: hence `then`.
fn with_tree<T>(value: &JsValue, lang: Lang, then: impl FnOnce(&Tree<'_>) -> Result<T, JsValue>) -> Result<T, JsValue> {
    let text = js_sys::JSON::stringify(value).ok().and_then(|text| text.as_string());
    let text = text.ok_or_else(|| Error::new("", ErrorKind::Syntax { detail: "not a value JSON can hold".to_owned() }));
    let text = text.map_err(|e| js_error(&e, lang))?;
    then(&read_json(&text, "").map_err(|e| js_error(&e, lang))?)
}

/// A scenario's tree and its language (errors before the language is known are in the default).
fn with_scenario<T>(value: &JsValue, then: impl FnOnce(&Tree<'_>, Lang) -> Result<T, JsValue>) -> Result<T, JsValue> {
    with_tree(value, Lang::default(), |tree| then(tree, Scenario::lang_in(tree).unwrap_or_default()))
}

/// The value as a plain JS object, by way of JSON text and the browser's `JSON.parse`: one string
/// crosses from the wasm instead of a call per property.
fn to_js<T: Serialize>(value: &T, lang: Lang) -> Result<JsValue, JsValue> {
    let fail = |detail: String| js_error(&Error::new("", ErrorKind::Syntax { detail }), lang);
    let text = serde_json::to_string(value).map_err(|e| fail(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| fail("not JSON".to_owned()))
}

/// A JS `Error` whose message is in `lang`, carrying `field`, `code`, `detail` (the message
/// without the field, for showing next to the input), `message_en`, `message_zh`, and for an
/// unknown figure the `version` it belongs to ("" where the policy asks for it once) and `needed`:
/// each unknown figure the scenario needs, this one first, as `{ field, version, detail }`, to ask
/// for them all at once.
fn js_error(error: &Error, lang: Lang) -> JsValue {
    let js = js_sys::Error::new(&error.message(lang));
    let version_text = |version: &Option<NaiveDate>| version.map(iso).unwrap_or_default();
    let version = match &error.kind {
        ErrorKind::UnknownFigure { version, .. } => version_text(version),
        _ => String::new(),
    };
    set_texts(
        &js,
        [
            ("field", error.field.clone()),
            ("code", error.code().to_owned()),
            ("detail", error.description().get(lang).to_owned()),
            ("message_en", error.message(Lang::En)),
            ("message_zh", error.message(Lang::Zh)),
            ("version", version),
        ],
    );
    if let ErrorKind::UnknownFigure { key, version, also } = &error.kind {
        let needed = js_sys::Array::new();
        for (key, version) in std::iter::once((key, version)).chain(also.iter().map(|(key, version)| (key, version))) {
            let one = Error::unknown_figure(key, *version);
            let entry = js_sys::Object::new();
            set_texts(
                &entry,
                [
                    ("field", one.field.clone()),
                    ("version", version_text(version)),
                    ("detail", one.description().get(lang).to_owned()),
                ],
            );
            needed.push(&entry);
        }
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str("needed"), &needed);
    }
    js.into()
}

fn set_texts<const N: usize>(object: &js_sys::Object, texts: [(&str, String); N]) {
    for (key, value) in texts {
        // Setting a property on a fresh object cannot fail.
        let _ = js_sys::Reflect::set(object, &JsValue::from_str(key), &JsValue::from_str(&value));
    }
}
