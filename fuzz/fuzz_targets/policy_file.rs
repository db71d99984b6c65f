//! Any bytes as a policy file: the checks give Ok or an error, never a panic; a policy that passes
//! them adjudicates a few visits (Ok or an error) without a panic either, and neither `--check`'s
//! warnings nor the lines `estimate` gives an error or a warning panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use outpatient_estimator::policy::{Facility, FieldLines, Overrides, Settlement};
use outpatient_estimator::scenario::{AccountOptions, Visit};
use outpatient_estimator::{adjudicate, lint, Lang, Scenario};
use rust_decimal::Decimal;

#[path = "common.rs"]
mod common;
use common::library;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // `estimate` places an error or a warning at its line.
    let lines = FieldLines::new(text, "f.toml");
    let policy = match library().check(text, "f.toml") {
        Ok(policy) => policy,
        Err(error) => {
            let _ = lines.locate(&error.field);
            return;
        }
    };
    for warning in lint::warnings(&policy, "f.toml") {
        let _ = lines.locate(&warning.field);
    }
    let Some(first) = policy.versions.first() else { return };
    let visits = Facility::ALL
        .iter()
        .enumerate()
        .map(|(i, &facility)| Visit {
            date: first.start + chrono::Days::new(40 * i as u64),
            facility,
            amount: Decimal::new(25_000 * (i as i64 + 1), 2),
            out_of_scope: Decimal::new(1_000, 2),
        })
        .collect();
    for &settlement in Settlement::ALL {
        let scenario = Scenario {
            policy: policy.id.clone(),
            member: policy.members[0],
            settlement,
            period: None,
            visits: Vec::clone(&visits),
            overrides: Overrides::default(),
            account: Some(AccountOptions {
                balance: Decimal::ONE_HUNDRED,
                yearly_credit: true,
                pays_member_share: true,
            }),
            lang: Lang::Zh,
        };
        let _ = adjudicate(&scenario, &policy);
    }
});
