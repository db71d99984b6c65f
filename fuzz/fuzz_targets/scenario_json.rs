//! Any bytes as a scenario's JSON: reading gives Ok or an error, never a panic; a scenario that
//! reads adjudicates (Ok or an error), and on Ok every visit's fund and self add up to its amount.
#![no_main]

use libfuzzer_sys::fuzz_target;
use outpatient_estimator::{adjudicate, chart, Scenario};

#[path = "common.rs"]
mod common;
use common::library;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let library = library();
    let Ok(scenario) = Scenario::from_json(text, library) else { return };
    let Ok(policy) = scenario.policy(library) else { return };
    let Ok(outcome) = adjudicate(&scenario, policy) else { return };
    for visit in outcome.visits.iter().map(|v| &v.numbers) {
        assert_eq!(visit.fund.0 + visit.member.0, visit.amount.0, "visit {}: fund + self = amount", visit.index);
        assert_eq!(visit.account.0 + visit.cash.0, visit.member.0, "visit {}: account + cash = self", visit.index);
    }
    let totals = &outcome.totals;
    assert_eq!(totals.fund.0 + totals.member.0, totals.amount.0, "totals: fund + self = amount");
    let _ = chart::render(&outcome, scenario.lang);
    // And as a page draws it for its box, at a width the input picks (300 to 640 pixels).
    let _ = chart::render_at(&outcome, scenario.lang, chart::MIN_WIDTH + data.len() as u32 % 341);
});
