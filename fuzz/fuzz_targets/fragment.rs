//! Any bytes as a link's URL fragment: decoding gives Ok or an error, never a panic; a link that
//! decodes gives its pattern, if any; a link whose scenario reads writes back (`encode`) into a
//! link that reads as the same scenario.
#![no_main]

use libfuzzer_sys::fuzz_target;
use outpatient_estimator::{fragment, Lang, Scenario};

#[path = "common.rs"]
mod common;
use common::library;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if fragment::decode(text).is_err() {
        return;
    }
    // A link that decodes gives its pattern too: one exactly when it has a `g=` part.
    let pattern = fragment::pattern_of(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    assert_eq!(pattern.is_some(), text.split(';').any(|part| part.starts_with("g=")), "{text}");
    let library = library();
    let Ok(tree) = fragment::read(text, library, Lang::Zh) else { return };
    let scenario = Scenario::read(&tree, library).expect("a link that reads gives a scenario");
    let link = fragment::encode(&scenario);
    let again = fragment::read(&link, library, Lang::Zh).unwrap_or_else(|e| panic!("{link}: {e}"));
    let again = Scenario::read(&again, library).expect("a written link gives a scenario");
    assert_eq!(again, scenario, "{text} was written back as {link}");
});
