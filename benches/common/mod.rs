//! What the benchmarks adjudicate: a Qiannan retiree whose personal account pays the member's
//! share, with visits made up on the fly (so that a million of them take no memory).

use chrono::{Days, NaiveDate};
use outpatient_estimator::policy::Facility;
use outpatient_estimator::scenario::{Period, Visit};
use outpatient_estimator::{Library, Scenario};
use rust_decimal::Decimal;

pub const FIRST_DAY: (i32, u32, u32) = (2023, 1, 1);

/// The scenario, without visits, for a period of `years` years from 2023.
pub fn scenario(library: &Library, years: i32) -> Scenario {
    let json = r#"{"policy": "qiannan-employee", "member": "retiree", "lang": "en",
        "overrides": {"ratio.pharmacy": "0.70"}, "account": {"balance": "300.00"}}"#;
    let mut scenario = Scenario::from_json(json, library).expect("the benchmark scenario is valid");
    scenario.period = Some(Period { start: day(0), end: day_of(2022 + years, 12, 31) });
    scenario
}

/// `count` visits spread evenly over `days` days from 2023-01-01, at every tier, some with a part
/// out of scope. A day's spending is about the same whatever the count, so every size takes the
/// rules through the same paths: deductible, ratio, cap reached, then cap used up until 1 January.
pub fn visits(count: u64, days: u64) -> impl Iterator<Item = Visit> {
    (0..count).map(move |i| {
        let h = mix(i);
        let facility = [
            Facility::Primary,
            Facility::Pharmacy,
            Facility::Primary,
            Facility::Secondary,
            Facility::Pharmacy,
            Facility::Tertiary,
        ][(h % 6) as usize];
        let fen = ((500 + (h >> 8) % 5500) * days / count).max(1); // 5 to 60 yuan a day
        let out_of_scope = if (h >> 40) % 10 == 0 { fen / 10 } else { 0 };
        Visit {
            date: day(i * days / count),
            facility,
            amount: Decimal::new(fen as i64, 2),
            out_of_scope: Decimal::new(out_of_scope as i64, 2),
        }
    })
}

fn day(offset: u64) -> NaiveDate {
    let (y, m, d) = FIRST_DAY;
    day_of(y, m, d) + Days::new(offset)
}

fn day_of(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// SplitMix64's finaliser: a reproducible spread of numbers from the visit's position.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A whole number with thousands separators: 1234567 → "1,234,567".
pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
