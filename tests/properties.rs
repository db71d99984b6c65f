//! Properties that hold for every scenario, checked on random ones (proptest).
//!
//! The valid scenarios use the bundled policies; every figure a policy leaves unknown is supplied as
//! an override, so every scenario adjudicates. Visits fall anywhere in 2022–2025 (so before a policy
//! is in force, across Jiangxi's July 2023 change and across year ends), at any tier, with amounts in
//! fen, out-of-scope parts up to the amount, every member category a policy covers, every settlement
//! mode and an optional personal account.
//!
//! Case counts are modest (the suite runs on two cores); failures are not persisted to files.

mod common;

use chrono::{Datelike, Days, NaiveDate};
use common::{config, library};
use outpatient_estimator::adjudicate::{adjudicate_lines, dates_in_order};
use outpatient_estimator::policy::{
    Facility, FieldLines, FigureKind, Figures, Overrides, Policy, Settlement, OUT_OF_AREA_MULTIPLE,
};
use outpatient_estimator::scenario::{AccountOptions, Period, Visit};
use outpatient_estimator::{adjudicate, chart, lint, Lang, Library, Outcome, Scenario};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::str::FromStr;

// ---------------------------------------------------------------------------------------------
// Valid scenarios.

const FIRST_DAY: (i32, u32, u32) = (2022, 1, 1);
/// 2022-01-01 to 2025-12-31.
const DAYS: u64 = 1461;

fn day(offset: u64) -> NaiveDate {
    let (y, m, d) = FIRST_DAY;
    NaiveDate::from_ymd_opt(y, m, d).unwrap() + Days::new(offset)
}

fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn yuan_text(fen: u64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

#[derive(Clone, Debug)]
struct VisitSpec {
    day: u64,
    facility: usize,
    amount_fen: u64,
    /// Out of scope as thousandths of the amount; `None` leaves the field out.
    out_of_scope_permille: Option<u64>,
}

#[derive(Clone, Debug)]
struct Spec {
    policy: usize,
    member: usize,
    settlement: usize,
    visits: Vec<VisitSpec>,
    /// 0: no period; 1: all of 2022–2025; 2: exactly first to last visit; 3: widened by some days.
    period: u8,
    widen: (u64, u64),
    /// Values for the overrides that supply unknown figures, used in key order.
    seeds: Vec<u32>,
    /// Extra overrides of known figures: (which key, scoped to a version?, value seed).
    extra: Vec<(usize, bool, u32)>,
    account: Option<(u64, bool, bool)>,
    english: bool,
}

fn amount_fen() -> impl Strategy<Value = u64> {
    prop_oneof![0..=100u64, 0..=50_000u64, 0..=1_000_000u64]
}

fn visit_spec() -> impl Strategy<Value = VisitSpec> {
    (0..DAYS, 0..4usize, amount_fen(), prop_oneof![Just(None), (0..=1000u64).prop_map(Some), Just(Some(1000))])
        .prop_map(|(day, facility, amount_fen, out_of_scope_permille)| VisitSpec {
            day,
            facility,
            amount_fen,
            out_of_scope_permille,
        })
}

fn spec() -> impl Strategy<Value = Spec> {
    let policies = library().policies().len();
    (
        (0..policies, 0..3usize, 0..4usize),
        prop::collection::vec(visit_spec(), 0..12),
        (0..4u8, (0..40u64, 0..40u64)),
        prop::collection::vec(any::<u32>(), 40),
        prop::collection::vec((any::<usize>(), any::<bool>(), any::<u32>()), 0..3),
        prop::option::of((0..300_000u64, any::<bool>(), any::<bool>())),
        any::<bool>(),
    )
        .prop_map(|((policy, member, settlement), visits, (period, widen), seeds, extra, account, english)| Spec {
            policy,
            member,
            settlement,
            visits,
            period,
            widen,
            seeds,
            extra,
            account,
            english,
        })
}

/// A valid value for a figure key, from a seed.
fn figure_value(key: &str, seed: u32) -> String {
    let s = u64::from(seed);
    match FigureKind::of(key) {
        FigureKind::Amount if key == "deductible" => yuan_text(s % 100_001), // up to 1,000 yuan, in fen
        FigureKind::Amount if key.starts_with("cap.") => format!("{}", s % 6001),
        FigureKind::Amount => yuan_text(s % 300_001),
        FigureKind::Ratio => format!("0.{:02}", s % 100),
        FigureKind::Points => format!("{:.2}", (i64::from(seed % 41) - 20) as f64 / 100.0),
        FigureKind::Multiple => format!("{}.{}", 1 + s % 3, if s % 2 == 0 { "0" } else { "5" }),
    }
}

/// Every figure key of the policy with no value (and no `same_as`): these need an override.
fn unknown_keys(policy: &Policy) -> Vec<String> {
    let mut keys: Vec<String> = policy
        .versions
        .iter()
        .flat_map(|v| v.figures.values())
        .chain(policy.out_of_area.values())
        .filter(|f| f.value.is_none() && f.same_as.is_none())
        .map(|f| f.key.clone())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

fn all_keys(policy: &Policy) -> Vec<String> {
    let mut keys: Vec<String> = policy.versions[0].figures.keys().chain(policy.out_of_area.keys()).cloned().collect();
    keys.sort();
    keys
}

fn spec_policy(spec: &Spec) -> &'static Policy {
    &library().policies()[spec.policy % library().policies().len()]
}

/// The scenario JSON of a spec.
fn scenario_json(spec: &Spec) -> Value {
    let policy = spec_policy(spec);
    let member = policy.members[spec.member % policy.members.len()];
    let settlement = Settlement::ALL[spec.settlement % Settlement::ALL.len()];
    let visits: Vec<Value> = spec
        .visits
        .iter()
        .map(|v| {
            let mut visit = json!({ "date": iso(day(v.day)), "facility": Facility::ALL[v.facility].key(), "amount": yuan_text(v.amount_fen) });
            if let Some(permille) = v.out_of_scope_permille {
                visit["out_of_scope"] = json!(yuan_text(v.amount_fen * permille / 1000));
            }
            visit
        })
        .collect();
    let mut overrides = serde_json::Map::new();
    for (i, key) in unknown_keys(policy).iter().enumerate() {
        overrides.insert(key.clone(), json!(figure_value(key, spec.seeds[i % spec.seeds.len()])));
    }
    let keys = all_keys(policy);
    for &(pick, scoped, seed) in &spec.extra {
        let key = &keys[pick % keys.len()];
        let name = if scoped {
            let version = &policy.versions[pick % policy.versions.len()];
            format!("{key}@{}", iso(version.start))
        } else {
            key.clone()
        };
        overrides.insert(name, json!(figure_value(key, seed)));
    }
    let mut scenario = json!({
        "policy": policy.id,
        "member": member.key(),
        "settlement": settlement.key(),
        "visits": visits,
        "overrides": overrides,
        "lang": if spec.english { "en" } else { "zh" },
    });
    let first = spec.visits.iter().map(|v| v.day).min();
    let last = spec.visits.iter().map(|v| v.day).max();
    let period = match (spec.period, first, last) {
        (1, _, _) => Some((0, DAYS - 1)),
        (2, Some(a), Some(b)) => Some((a, b)),
        (3, Some(a), Some(b)) => Some((a.saturating_sub(spec.widen.0), b + spec.widen.1)),
        _ => None,
    };
    if let Some((start, end)) = period {
        scenario["period"] = json!({ "start": iso(day(start)), "end": iso(day(end)) });
    }
    if let Some((balance, yearly_credit, pays_member_share)) = spec.account {
        scenario["account"] = json!({ "balance": yuan_text(balance), "yearly_credit": yearly_credit, "pays_member_share": pays_member_share });
    }
    scenario
}

fn run(scenario: &Value) -> (Scenario, Outcome) {
    let library = library();
    let parsed = Scenario::from_json(&scenario.to_string(), library)
        .unwrap_or_else(|e| panic!("a valid scenario is refused: {} ({}): {scenario}", e, e.code()));
    let policy = parsed.policy(library).expect("the policy exists");
    let outcome = adjudicate(&parsed, policy)
        .unwrap_or_else(|e| panic!("a scenario with every unknown supplied fails: {} ({}): {scenario}", e, e.code()));
    (parsed, outcome)
}

fn money(value: &Value, what: &str) -> Decimal {
    let text = value.as_str().unwrap_or_else(|| panic!("{what} is not a string: {value}"));
    Decimal::from_str(text).unwrap_or_else(|e| panic!("{what} = {text:?}: {e}"))
}

fn is_money_text(text: &str) -> bool {
    let Some((whole, fraction)) = text.split_once('.') else { return false };
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.len() == 2
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

const VISIT_MONEY: &[&str] = &[
    "amount",
    "out_of_scope",
    "eligible",
    "deductible",
    "fund",
    "self",
    "account",
    "cash",
    "cap_remaining_before",
    "cap_remaining",
];
const YEAR_MONEY: &[&str] = &[
    "amount",
    "eligible",
    "fund",
    "self",
    "account",
    "cash",
    "deductible",
    "deductible_paid",
    "cap",
    "cap_used",
    "account_credit",
    "account_balance_end",
];
const TOTAL_MONEY: &[&str] = &["amount", "fund", "self", "account", "cash"];

/// The threshold a non-exempt visit must meet under `version`: the deductible, times the
/// temporary-care multiple, rounded half up to the fen.
fn threshold(
    figures: &Figures<'_>,
    version: &outpatient_estimator::policy::Version,
    settlement: Settlement,
) -> Decimal {
    let base = figures.get(version, "deductible").expect("deductible supplied").0;
    let multiple = match settlement {
        Settlement::TemporaryReferred | Settlement::TemporaryUnreferred => {
            figures.get(version, OUT_OF_AREA_MULTIPLE).expect("multiple").0
        }
        _ => Decimal::ONE,
    };
    (base * multiple).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Every property of one adjudicated scenario; returns the first violation.
fn check_outcome(scenario: &Scenario, outcome: &Outcome) -> Result<(), String> {
    let policy = scenario.policy(library()).expect("policy");
    let figures = Figures { policy, overrides: &scenario.overrides, lang: scenario.lang };
    let out = serde_json::to_value(outcome).expect("serializes");
    let visits = out["visits"].as_array().expect("visits");
    if visits.len() != scenario.visits.len() {
        return Err(format!("{} visits in, {} out", scenario.visits.len(), visits.len()));
    }

    // Money is always a string with exactly two decimals.
    let mut texts: Vec<(String, &Value)> = Vec::new();
    for (i, v) in visits.iter().enumerate() {
        texts.extend(VISIT_MONEY.iter().map(|k| (format!("visits[{i}].{k}"), &v[*k])));
    }
    for (i, y) in out["years"].as_array().expect("years").iter().enumerate() {
        texts.extend(YEAR_MONEY.iter().map(|k| (format!("years[{i}].{k}"), &y[*k])));
    }
    texts.extend(TOTAL_MONEY.iter().map(|k| (format!("totals.{k}"), &out["totals"][*k])));
    for (path, value) in texts {
        match value {
            Value::Null if path.contains("cap") || path.ends_with(".deductible") => {}
            Value::String(s) if is_money_text(s) => {}
            other => return Err(format!("{path} = {other} is not money with two decimals")),
        }
    }

    // Per visit: the shares add up, in input order with the input index.
    for (i, v) in visits.iter().enumerate() {
        let input = &scenario.visits[i];
        let (amount, fund, member) =
            (money(&v["amount"], "amount"), money(&v["fund"], "fund"), money(&v["self"], "self"));
        let (account, cash, eligible) =
            (money(&v["account"], "account"), money(&v["cash"], "cash"), money(&v["eligible"], "eligible"));
        let deductible = money(&v["deductible"], "deductible");
        if v["index"] != json!(i) || amount != input.amount || v["date"] != json!(iso(input.date)) {
            return Err(format!("visit {i} is not reported in input order: {v}"));
        }
        if fund + member != amount {
            return Err(format!("visit {i}: fund {fund} + self {member} != amount {amount}"));
        }
        if account + cash != member {
            return Err(format!("visit {i}: account {account} + cash {cash} != self {member}"));
        }
        if [fund, member, account, cash, eligible, deductible].iter().any(|x| x.is_sign_negative() && !x.is_zero()) {
            return Err(format!("visit {i}: a negative share: {v}"));
        }
        if fund > eligible || deductible > eligible || eligible > amount - input.out_of_scope {
            return Err(format!("visit {i}: fund or deductible beyond the in-scope spending: {v}"));
        }
        if v["version"].is_null() && (!fund.is_zero() || !eligible.is_zero()) {
            return Err(format!("visit {i}: before the policy the fund pays nothing: {v}"));
        }
    }

    // Per year, in processing order (date, then input order): the deductible comes first, the
    // cap bounds the fund, and the year's figures are the sums of its visits.
    let mut order: Vec<usize> = (0..visits.len()).collect();
    order.sort_by_key(|&i| scenario.visits[i].date);
    let mut by_year: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    for &i in &order {
        by_year.entry(scenario.visits[i].date.year()).or_default().push(i);
    }
    let years = out["years"].as_array().expect("years");
    let mut totals = [Decimal::ZERO; 5];
    for y in years {
        let year = y["year"].as_i64().expect("year") as i32;
        let in_year = by_year.remove(&year).unwrap_or_default();
        let mut paid = Decimal::ZERO;
        let mut fund_sum = Decimal::ZERO;
        let mut biggest_cap = Decimal::ZERO;
        for &i in &in_year {
            let v = &visits[i];
            let fund = money(&v["fund"], "fund");
            let part = money(&v["deductible"], "deductible");
            fund_sum += fund;
            let Some(start) = v["version"].as_str() else { continue };
            let version = policy
                .versions
                .iter()
                .find(|ver| iso(ver.start) == start)
                .ok_or_else(|| format!("visit {i}: version {start} is not one of the policy's"))?;
            if version.start > scenario.visits[i].date {
                return Err(format!("visit {i}: version {start} is not yet in force on its date"));
            }
            biggest_cap = biggest_cap
                .max(figures.get(version, &format!("cap.{}", scenario.member.key())).expect("cap supplied").0);
            if version.deductible_exempt.contains(&scenario.visits[i].facility) {
                if !part.is_zero() {
                    return Err(format!("visit {i}: an exempt tier paid {part} toward the deductible"));
                }
                continue;
            }
            let needed = threshold(&figures, version, scenario.settlement);
            if fund > Decimal::ZERO && paid + part < needed {
                return Err(format!(
                    "visit {i}: the fund paid {fund} with only {} of the {needed} deductible paid this year",
                    paid + part
                ));
            }
            if part > Decimal::ZERO && paid + part > needed {
                return Err(format!(
                    "visit {i}: {part} toward the deductible overshoots it ({paid} already paid of {needed})"
                ));
            }
            paid += part;
        }
        if fund_sum > biggest_cap && !in_year.is_empty() {
            return Err(format!("{year}: the fund paid {fund_sum}, more than the largest cap {biggest_cap}"));
        }
        if money(&y["fund"], "fund") != fund_sum || money(&y["cap_used"], "cap_used") != fund_sum {
            return Err(format!(
                "{year}: year fund {} / cap_used {} != sum of its visits {fund_sum}",
                y["fund"], y["cap_used"]
            ));
        }
        if money(&y["deductible_paid"], "deductible_paid") != paid {
            return Err(format!("{year}: deductible_paid {} != sum of its visits {paid}", y["deductible_paid"]));
        }
        if y["visits"] != json!(in_year.len()) {
            return Err(format!("{year}: {} visits counted, {} in the input", y["visits"], in_year.len()));
        }
        for (t, key) in totals.iter_mut().zip(TOTAL_MONEY) {
            *t += money(&y[*key], key);
        }
    }
    if let Some((year, _)) = by_year.first_key_value() {
        return Err(format!("visits in {year} but no such year in the outcome"));
    }
    for (t, key) in totals.iter().zip(TOTAL_MONEY) {
        if money(&out["totals"][*key], key) != *t {
            return Err(format!("totals.{key} = {} but the years add up to {t}", out["totals"][*key]));
        }
    }
    Ok(())
}

/// The permutation `keys` sorts the visits into, with same-date visits kept in their relative
/// order (so the stable processing order, and with it every outcome, must not change).
fn date_stable_shuffle(dates: &[NaiveDate], keys: &[u32]) -> Vec<usize> {
    let mut shuffled: Vec<usize> = (0..dates.len()).collect();
    shuffled.sort_by_key(|&i| (keys[i % keys.len()], i));
    let mut by_date: BTreeMap<NaiveDate, std::collections::VecDeque<usize>> = BTreeMap::new();
    for (i, date) in dates.iter().enumerate() {
        by_date.entry(*date).or_default().push_back(i);
    }
    shuffled
        .iter()
        .map(|&i| by_date.get_mut(&dates[i]).and_then(|q| q.pop_front()).expect("each date's visits"))
        .collect()
}

fn without_index(visit: &Value) -> Value {
    let mut visit = visit.clone();
    visit.as_object_mut().expect("visit object").remove("index");
    visit
}

proptest! {
    #![proptest_config(config(256))]

    /// fund + self = amount, account + cash = self, money has two decimals, no fund before the
    /// year's deductible is met (except at exempt tiers), the fund never passes the cap, and the
    /// years and totals are the sums of their visits.
    #[test]
    fn every_scenario_adds_up_and_respects_deductible_and_cap(spec in spec()) {
        let scenario = scenario_json(&spec);
        let (parsed, outcome) = run(&scenario);
        if let Err(problem) = check_outcome(&parsed, &outcome) {
            return Err(TestCaseError::fail(format!("{problem}\nscenario: {scenario}")));
        }
    }

    /// The same input gives the same output, byte for byte (JSON and SVG).
    #[test]
    fn the_same_input_gives_the_same_output(spec in spec()) {
        let scenario = scenario_json(&spec);
        let (parsed, first) = run(&scenario);
        let (_, second) = run(&scenario);
        prop_assert_eq!(serde_json::to_string(&first).unwrap(), serde_json::to_string(&second).unwrap());
        prop_assert_eq!(chart::render(&first, parsed.lang), chart::render(&second, parsed.lang));
    }

    /// Visits are processed in date order whatever their input order: shuffling the input
    /// (keeping same-date visits in their relative order) changes only each visit's index.
    #[test]
    fn input_order_does_not_change_any_visits_outcome(spec in spec(), keys in prop::collection::vec(any::<u32>(), 12)) {
        let scenario = scenario_json(&spec);
        let (parsed, outcome) = run(&scenario);
        let dates: Vec<NaiveDate> = parsed.visits.iter().map(|v| v.date).collect();
        let new_order = date_stable_shuffle(&dates, &keys);
        let mut shuffled = scenario.clone();
        let visits = scenario["visits"].as_array().unwrap();
        shuffled["visits"] = Value::Array(new_order.iter().map(|&i| visits[i].clone()).collect());
        let (_, reordered) = run(&shuffled);

        let a = serde_json::to_value(&outcome).unwrap();
        let b = serde_json::to_value(&reordered).unwrap();
        for (new_index, &old_index) in new_order.iter().enumerate() {
            prop_assert_eq!(&b["visits"][new_index]["index"], &json!(new_index));
            prop_assert_eq!(without_index(&a["visits"][old_index]), without_index(&b["visits"][new_index]),
                "visit {} (now {}) changed; scenario {}", old_index, new_index, scenario);
        }
        for key in ["years", "totals", "figures", "period"] {
            prop_assert_eq!(&a[key], &b[key], "{} changed", key);
        }
    }

    /// The lines (the page's table and `estimate --table`) are the outcome's visits in date order,
    /// equal dates in input order, with the same numbers and marks, and the rest of the outcome the same.
    #[test]
    fn lines_are_the_visits_in_date_order(spec in spec()) {
        let scenario = scenario_json(&spec);
        let (parsed, outcome) = run(&scenario);
        let policy = parsed.policy(library()).unwrap();
        let lines = serde_json::to_value(adjudicate_lines(&parsed, policy).unwrap()).unwrap();
        let full = serde_json::to_value(&outcome).unwrap();
        let order: Vec<usize> = lines["visits"].as_array().unwrap().iter().map(|l| l["index"].as_u64().unwrap() as usize).collect();
        prop_assert_eq!(&order, &dates_in_order(&parsed.visits.iter().map(|v| v.date).collect::<Vec<_>>()));
        for line in lines["visits"].as_array().unwrap() {
            let visit = &full["visits"][line["index"].as_u64().unwrap() as usize];
            for (key, value) in line.as_object().unwrap() {
                prop_assert_eq!(value, &visit[key.as_str()], "{} of visit {}", key, line["index"]);
            }
        }
        for key in ["years", "totals", "figures", "period", "marks"] {
            prop_assert_eq!(&lines[key], &full[key], "{} differs", key);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile input: never a panic.

const KEYS: &[&str] = &[
    "policy",
    "member",
    "settlement",
    "period",
    "visits",
    "overrides",
    "account",
    "lang",
    "date",
    "facility",
    "amount",
    "out_of_scope",
    "start",
    "end",
    "balance",
    "yearly_credit",
    "pays_member_share",
    "ratio.pharmacy",
    "deductible",
    "deductible@2023-07-01",
    "deductible@2023-07-02",
    "cap.retiree",
    "cap.resident",
    "out_of_area.temporary_deductible_multiple",
    "adjustment.retiree",
    "ratio.primary@2022-09-01",
    "@",
    "",
    "x",
];

const TEXTS: &[&str] = &[
    "qiannan-employee",
    "jiangxi-employee",
    "jiangxi-resident",
    "xilingol-employee",
    "hohhot-employee",
    "hunan-employee",
    "in_service",
    "retiree",
    "flexible",
    "resident",
    "local",
    "long_term_resident",
    "temporary_referred",
    "temporary_unreferred",
    "primary",
    "secondary",
    "tertiary",
    "pharmacy",
    "zh",
    "en",
    "zh-CN",
    "2023-02-30",
    "2023-03-15",
    "2022-09-15",
    "1989-12-31",
    "2100-12-31",
    "2101-01-01",
    "0000-00-00",
    "2023-3-5",
    "1,200.50",
    "¥1,200.50",
    "１２３．５",
    "-5",
    "-0",
    "0",
    "0.005",
    "1e3",
    ".5",
    "5.",
    ".",
    "1,20",
    "70%",
    "150%",
    "-20%",
    "0.70",
    "1.2",
    "99999999999999999999999999999",
    "9999999999999999999999999999",
    ".0000000000000000000000000001",
    "0.1234567890123456789012345678",
    "10000000",
    "10000000.01",
    "100",
    "101",
    "1",
    "0.5",
    "",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        (-1000i64..100_000).prop_map(|i| json!(i)),
        any::<u64>().prop_map(|u| json!(u)),
        any::<f64>().prop_map(|f| json!(f)),
        prop::sample::select(TEXTS).prop_map(|s| json!(s)),
        ".{0,12}".prop_map(Value::String),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![4 => prop::sample::select(KEYS).prop_map(str::to_owned), 1 => ".{0,8}"]
}

fn tree() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// JSON pointers of every node of `value`.
fn pointers(value: &Value, here: String, out: &mut Vec<String>) {
    match value {
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| pointers(v, format!("{here}/{i}"), out)),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| pointers(v, format!("{here}/{}", k.replace('~', "~0").replace('/', "~1")), out)),
        _ => {}
    }
    out.push(here);
}

/// A valid scenario with a few nodes replaced by random values or removed.
fn mutated_scenario() -> impl Strategy<Value = Value> {
    (spec(), prop::collection::vec((any::<usize>(), prop::option::of(tree())), 1..4)).prop_map(|(spec, edits)| {
        let mut scenario = scenario_json(&spec);
        for (pick, replacement) in edits {
            let mut all = Vec::new();
            pointers(&scenario, String::new(), &mut all);
            let pointer = all[pick % all.len()].clone();
            match replacement {
                Some(new) => {
                    if let Some(node) = scenario.pointer_mut(&pointer) {
                        *node = new;
                    }
                }
                None => {
                    if let Some((parent, last)) = pointer.rsplit_once('/') {
                        match scenario.pointer_mut(parent) {
                            Some(Value::Object(map)) => {
                                map.remove(&last.replace("~1", "/").replace("~0", "~"));
                            }
                            Some(Value::Array(items)) => {
                                if let Ok(i) = last.parse::<usize>() {
                                    if i < items.len() {
                                        items.remove(i);
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        scenario
    })
}

/// Reads, adjudicates and draws; only panics matter here.
fn read_and_run(text: &str) {
    let library = library();
    if let Ok(scenario) = Scenario::from_json(text, library) {
        if let Ok(outcome) = scenario.policy(library).and_then(|p| adjudicate(&scenario, p)) {
            let _ = chart::render(&outcome, scenario.lang);
            let _ = serde_json::to_string(&outcome).unwrap();
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_json_values_give_ok_or_err_never_a_panic(value in tree()) {
        read_and_run(&value.to_string());
    }

    #[test]
    fn damaged_scenarios_give_ok_or_err_never_a_panic(value in mutated_scenario()) {
        read_and_run(&value.to_string());
    }

    #[test]
    fn arbitrary_text_as_a_scenario_gives_ok_or_err_never_a_panic(text in "\\PC{0,200}") {
        read_and_run(&text);
    }
}

// ---------------------------------------------------------------------------------------------
// Policy files: damaged TOML is refused with an error, never a panic; one that still passes the
// checks can be used to adjudicate without a panic.

const SNIPPETS: &[&str] = &[
    "\n",
    "\"",
    "'",
    "=",
    "[",
    "]",
    "{",
    "}",
    ",",
    "#",
    "\n[[versions]]\n",
    "\n[versions.ratio]\n",
    "value = \"-1\"",
    "value = \"1.5\"",
    "value = 0.7",
    "value = 150",
    "status = \"unknown\"",
    "status = \"user\"",
    "same_as = \"ratio.primary\"",
    "same_as = \"ratio.pharmacy\"",
    "same_as = \"cap.retiree\"",
    "source = \"seed-999\"",
    "date = \"2022-02-30\"",
    "date = 2022-09-01",
    "deductible_exempt = [\"primary\", \"pharmacy\"]",
    "members = []",
    "members = [\"resident\"]",
    "out_of_area = \"nowhere\"",
    "\u{0}",
    "é",
    "中",
    "\"\"\"",
    "inf",
    "nan",
    "1e308",
    "-0",
];

fn damaged_policy() -> impl Strategy<Value = String> {
    let files: Vec<&'static str> = Library::bundled_files().map(|(_, text)| text).collect();
    let count = files.len();
    (0..count, prop::collection::vec((0..4u8, any::<usize>(), any::<usize>(), 0..SNIPPETS.len(), ".{0,6}"), 1..5))
        .prop_map(move |(file, edits)| {
            let mut text: Vec<char> = files[file].chars().collect();
            for (kind, at, len, snippet, random) in edits {
                let at = at % (text.len() + 1);
                match kind {
                    0 => {
                        let end = (at + len % 80).min(text.len());
                        text.drain(at..end);
                    }
                    1 => {
                        text.splice(at..at, SNIPPETS[snippet].chars());
                    }
                    2 => {
                        text.splice(at..at, random.chars());
                    }
                    _ => {
                        // Replace the quoted value after `at` with a snippet or random text.
                        let rest: String = text[at..].iter().collect();
                        if let Some(open) = rest.find("\"") {
                            let open_chars = rest[..open].chars().count() + at + 1;
                            let close = text[open_chars..].iter().position(|c| *c == '"').map(|p| p + open_chars);
                            if let Some(close) = close {
                                let new: Vec<char> = if len % 2 == 0 {
                                    SNIPPETS[snippet].chars().collect()
                                } else {
                                    random.chars().collect()
                                };
                                text.splice(open_chars..close, new);
                            }
                        }
                    }
                }
            }
            text.into_iter().collect()
        })
}

/// Adjudicates a fixed year of visits under a policy that passed the checks, with every
/// unknown figure supplied; Ok or Err, never a panic.
fn use_policy(policy: &Policy) {
    let mut overrides = Overrides::default();
    for key in unknown_keys(policy) {
        let value = FigureKind::of(&key).parse(&figure_value(&key, 4242), "x").expect("valid override");
        overrides.insert(&key, None, value);
    }
    let visits = (0..16)
        .map(|i| Visit {
            date: day(i * 97),
            facility: Facility::ALL[i as usize % 4],
            amount: Decimal::new(12_345 * (i as i64 + 1), 2),
            out_of_scope: Decimal::new(i as i64, 1),
        })
        .collect();
    for &member in &policy.members {
        for &settlement in Settlement::ALL {
            let scenario = Scenario {
                policy: policy.id.clone(),
                member,
                settlement,
                period: Some(Period { start: day(0), end: day(DAYS - 1) }),
                visits: Vec::clone(&visits),
                overrides: overrides.clone(),
                account: Some(AccountOptions {
                    balance: Decimal::ONE_HUNDRED,
                    yearly_credit: true,
                    pays_member_share: true,
                }),
                lang: Lang::Zh,
            };
            if let Ok(outcome) = adjudicate(&scenario, policy) {
                let _ = chart::render(&outcome, Lang::En);
                // Every width a page may ask for, a phone's narrowest to the widest.
                let _ = chart::render_at(&outcome, Lang::Zh, chart::MIN_WIDTH + (visits.len() as u32 * 37) % 341);
            }
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn damaged_policy_files_give_ok_or_err_never_a_panic(text in damaged_policy()) {
        let library = library();
        let lines = text.lines().count().max(1);
        let field_lines = FieldLines::new(&text, "x.toml");
        match library.check(&text, "x.toml") {
            Ok(policy) => {
                use_policy(&policy);
                let _ = policy.summary(Lang::Zh);
                // `--check`'s warnings name fields of the file, each found on one of its lines.
                for warning in lint::warnings(&policy, "x.toml") {
                    prop_assert!(warning.field.starts_with("x.toml."), "a field of the file: {}", warning.field);
                    let located = field_lines.locate(&warning.field);
                    let (path, line) = located.unwrap_or_else(|| panic!("no line for {}", warning.field));
                    prop_assert!((1..=lines).contains(&line), "{path} at line {line} of {lines}");
                }
            }
            Err(error) => {
                if let Some((path, line)) = field_lines.locate(&error.field) {
                    prop_assert!((1..=lines).contains(&line), "{path} at line {line} of {lines}");
                }
            }
        }
    }

    #[test]
    fn arbitrary_text_as_a_policy_gives_ok_or_err_never_a_panic(text in "\\PC{0,300}") {
        let _ = library().check(&text, "x.toml");
    }

    #[test]
    fn any_path_in_any_toml_text_gives_no_line_or_one_of_its_lines(
        text in "([a-z\\[\\]=\" .\n]|[0-9]|\\PC){0,200}",
        path in "([a-z]{1,3}|\\[[0-9]{1,2}\\]|\\.){0,8}",
    ) {
        if let Some((_, line)) = FieldLines::new(&text, "f").locate(&format!("f.{path}")) {
            prop_assert!((1..=text.lines().count().max(1)).contains(&line), "{path}: line {line}");
        }
    }
}

/// The generator itself: the scenarios cover what they claim to (so the properties are not vacuous).
#[test]
fn the_valid_scenarios_cover_policies_modes_years_and_the_cap() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = spec();
    let (mut policies, mut settlements, mut years, mut capped, mut before_policy, mut with_account) = (
        std::collections::BTreeSet::new(),
        std::collections::BTreeSet::new(),
        std::collections::BTreeSet::new(),
        0,
        0,
        0,
    );
    for _ in 0..300 {
        let spec = strategy.new_tree(&mut runner).unwrap().current();
        let (parsed, outcome) = run(&scenario_json(&spec));
        policies.insert(parsed.policy.clone());
        settlements.insert(parsed.settlement.key());
        years.extend(outcome.years.iter().map(|y| y.year));
        capped += outcome.years.iter().filter(|y| y.cap_reached_on.is_some()).count();
        before_policy += outcome.visits.iter().filter(|v| v.numbers.version.is_none()).count();
        with_account += usize::from(parsed.account.is_some());
    }
    assert_eq!(policies.len(), library().policies().len(), "{policies:?}");
    assert_eq!(settlements.len(), 4);
    assert!((2022..=2025).all(|y| years.contains(&y)), "{years:?}");
    assert!(
        capped > 0 && before_policy > 0 && with_account > 0,
        "capped {capped}, before policy {before_policy}, account {with_account}"
    );
}
