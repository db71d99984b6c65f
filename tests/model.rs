//! An independent reference model of the adjudication, compared with the core on random scenarios.
//!
//! The model is written from `../shared/DOMAIN.md`, README.md ("How the estimate is made", "Policy
//! files") and the policy files only; it reads the TOML files itself and knows nothing of the core's
//! types. Where those documents leave an output convention open, the model follows the golden cases
//! in `tests/cases/` (their comments say so): the `ratio` of a visit with nothing above the
//! deductible is null, a visit before the policy has eligible 0.00 and no version or cap, a year's
//! `deductible` and `cap` are those in force at the end of its part of the period, and a deductible met by a mid-year
//! change is met on the change's start date.
//!
//! Generation: every bundled policy, every member it covers, every tier, every settlement mode,
//! dates in 2022-06 to 2025-03 crowded around version starts and 1 January, amounts with
//! out-of-scope parts, overrides for the unknown figures (and what-if overrides of known ones, some
//! scoped to one version), a period or none, a personal account or none. Most scenarios supply
//! every unknown figure; some leave out one deductible or ratio override, and then the model says
//! whether a visit needs it (README: "a visit within the deductible needs no ratio, nor one after
//! the cap is used up ... and a visit with nothing in scope needs no deductible"), and the core must
//! refuse exactly those, naming the override.

mod common;

use chrono::{Datelike, NaiveDate};
use common::{config, library};
use outpatient_estimator::{adjudicate, Scenario};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;
use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------------
// Policies, read from the TOML files into plain values.

/// A figure as written: a value, another figure's key, or neither (unknown).
#[derive(Clone, Debug)]
enum Fig {
    Value(Decimal),
    SameAs(String),
    Unknown,
}

#[derive(Clone, Debug)]
struct Version {
    start: NaiveDate,
    exempt: Vec<String>,
    figs: BTreeMap<String, Fig>,
}

#[derive(Clone, Debug)]
struct Pol {
    id: String,
    members: Vec<String>,
    versions: Vec<Version>,
    /// `out_of_area.<name>` figures.
    out_of_area: BTreeMap<String, Fig>,
}

const TIERS: [&str; 4] = ["primary", "secondary", "tertiary", "pharmacy"];
const SETTLEMENTS: [&str; 4] = ["local", "long_term_resident", "temporary_referred", "temporary_unreferred"];

fn dec(text: &str) -> Decimal {
    match text.trim().strip_suffix('%') {
        Some(percent) => Decimal::from_str(percent.trim()).unwrap() / Decimal::ONE_HUNDRED,
        None => Decimal::from_str(text.trim()).unwrap_or_else(|e| panic!("{text:?}: {e}")),
    }
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

fn read_fig(v: &Value) -> Fig {
    if let Some(target) = v.get("same_as").and_then(Value::as_str) {
        return Fig::SameAs(target.to_owned());
    }
    match v.get("value") {
        Some(Value::String(s)) => Fig::Value(dec(s)),
        Some(Value::Number(n)) => Fig::Value(dec(&n.to_string())),
        _ => Fig::Unknown,
    }
}

fn read_toml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn out_of_area_figs(table: &Value) -> BTreeMap<String, Fig> {
    let figures = table.get("figures").unwrap_or(table);
    let map = figures.as_object().expect("out-of-area figures are a table");
    map.iter().filter(|(_, v)| v.is_object()).map(|(k, v)| (format!("out_of_area.{k}"), read_fig(v))).collect()
}

fn read_policy(file: &Value, rules: &Path) -> Pol {
    let out_of_area = match &file["out_of_area"] {
        Value::String(name) => out_of_area_figs(&read_toml(&rules.join(format!("{name}.toml")))),
        Value::Object(_) => out_of_area_figs(&file["out_of_area"]),
        _ => BTreeMap::new(),
    };
    let mut versions: Vec<Version> = file["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let mut figs = BTreeMap::new();
            figs.insert("deductible".to_owned(), read_fig(&v["deductible"]));
            for section in ["ratio", "adjustment", "cap", "account_credit"] {
                for (k, f) in v[section].as_object().into_iter().flatten() {
                    figs.insert(format!("{section}.{k}"), read_fig(f));
                }
            }
            let exempt = v
                .get("deductible_exempt")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(|t| t.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default();
            Version { start: date(v["start"]["date"].as_str().unwrap()), exempt, figs }
        })
        .collect();
    versions.sort_by_key(|v| v.start);
    Pol {
        id: file["id"].as_str().unwrap().to_owned(),
        members: file["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_owned()).collect(),
        versions,
        out_of_area,
    }
}

fn policies() -> &'static [Pol] {
    static POLICIES: OnceLock<Vec<Pol>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        files.iter().map(|p| read_policy(&read_toml(p), &dir.join("rules"))).collect()
    })
}

// ---------------------------------------------------------------------------------------------
// The model.

struct Ctx<'a> {
    pol: &'a Pol,
    overrides: &'a BTreeMap<String, Decimal>,
}

impl Ctx<'_> {
    /// A version figure with overrides (`key@start` wins over `key`); `same_as` follows the
    /// other figure, overrides included. `None`: unknown.
    fn fig(&self, v: &Version, key: &str) -> Option<Decimal> {
        if let Some(x) = self.overrides.get(&format!("{key}@{}", v.start)).or_else(|| self.overrides.get(key)) {
            return Some(*x);
        }
        let fig = if key.starts_with("out_of_area.") { self.pol.out_of_area.get(key) } else { v.figs.get(key) };
        match fig {
            Some(Fig::Value(x)) => Some(*x),
            Some(Fig::SameAs(target)) => self.fig(v, target),
            _ => None,
        }
    }

    fn need(&self, v: &Version, key: &str) -> Result<Decimal, String> {
        self.fig(v, key).ok_or_else(|| key.to_owned())
    }

    fn version_on(&self, day: NaiveDate) -> Option<&Version> {
        self.pol.versions.iter().rev().find(|v| v.start <= day)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
struct MVisit {
    eligible: Decimal,
    deductible: Decimal,
    ratio: Option<Decimal>,
    fund: Decimal,
    self_: Decimal,
    account: Decimal,
    cash: Decimal,
    cap_before: Option<Decimal>,
    cap_after: Option<Decimal>,
    version: Option<NaiveDate>,
}

#[derive(Clone, Debug, Default)]
struct MYear {
    year: i32,
    visits: u64,
    amount: Decimal,
    eligible: Decimal,
    fund: Decimal,
    self_: Decimal,
    account: Decimal,
    cash: Decimal,
    deductible: Option<Decimal>,
    deductible_paid: Decimal,
    cap: Option<Decimal>,
    cap_used: Decimal,
    met_on: Option<NaiveDate>,
    reached_on: Option<NaiveDate>,
    credit: Decimal,
    balance_end: Decimal,
}

#[derive(Debug)]
struct MVisitIn {
    date: NaiveDate,
    tier: &'static str,
    amount: Decimal,
    oos: Decimal,
}

struct MScenario {
    policy: usize,
    member: String,
    settlement: &'static str,
    period: Option<(NaiveDate, NaiveDate)>,
    visits: Vec<MVisitIn>,
    overrides: BTreeMap<String, Decimal>,
    /// (balance, yearly credit, pays the member's share)
    account: Option<(Decimal, bool, bool)>,
}

struct MOutcome {
    visits: Vec<MVisit>,
    years: Vec<MYear>,
}

fn half_up(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn jan1(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap()
}

/// The model's adjudication; `Err(key)` names the first unknown figure a visit needs.
fn model(s: &MScenario) -> Result<MOutcome, String> {
    let pol = &policies()[s.policy];
    let ctx = Ctx { pol, overrides: &s.overrides };
    let member = s.member.as_str();
    let temporary = s.settlement.starts_with("temporary");

    // The years: every year of the period, or of the first to the last visit.
    let span = s.period.or_else(|| {
        let first = s.visits.iter().map(|v| v.date).min()?;
        let last = s.visits.iter().map(|v| v.date).max()?;
        Some((first, last))
    });
    let mut years: Vec<MYear> = match span {
        Some((a, b)) => (a.year()..=b.year()).map(|year| MYear { year, ..MYear::default() }).collect(),
        None => Vec::new(),
    };

    // Date order, stable for equal dates.
    let mut order: Vec<usize> = (0..s.visits.len()).collect();
    order.sort_by_key(|&i| s.visits[i].date);

    let mut out = vec![MVisit::default(); s.visits.len()];
    let mut balance = s.account.map(|a| a.0).unwrap_or_default();
    let mut last_in_year: BTreeMap<i32, NaiveDate> = BTreeMap::new();
    let mut next = 0;
    for y in years.iter_mut() {
        // The yearly credit on 1 January (the version in force then), when that day is in the period.
        let credit_on = jan1(y.year);
        let in_period = s.period.is_none_or(|(start, _)| start <= credit_on);
        if s.account.is_some_and(|a| a.1) && in_period {
            if let Some(v) = ctx.version_on(credit_on) {
                y.credit = ctx.need(v, &format!("account_credit.{member}"))?;
                balance += y.credit;
            }
        }
        while next < order.len() && s.visits[order[next]].date.year() == y.year {
            let i = order[next];
            next += 1;
            let visit = &s.visits[i];
            let r = &mut out[i];
            y.visits += 1;
            y.amount += visit.amount;
            last_in_year.insert(y.year, visit.date);
            match ctx.version_on(visit.date) {
                None => {
                    // Before the policy: the fund pays nothing and nothing counts.
                    r.self_ = visit.amount;
                }
                Some(v) => {
                    r.version = Some(v.start);
                    r.eligible = visit.amount - visit.oos;
                    let exempt = v.exempt.iter().any(|t| t == visit.tier);
                    // A visit with nothing in scope needs no deductible, but a known one is still
                    // looked at (a deductible of 0 is met at the first visit).
                    let deductible = if exempt {
                        None
                    } else if r.eligible > Decimal::ZERO {
                        Some(ctx.need(v, "deductible")?)
                    } else {
                        ctx.fig(v, "deductible")
                    };
                    let multiple = if temporary && deductible.is_some() {
                        Some(ctx.need(v, "out_of_area.temporary_deductible_multiple")?)
                    } else {
                        None
                    };
                    if let Some(mut d) = deductible {
                        if let Some(m) = multiple {
                            // Not documented: the raised deductible is taken to the fen, half-up (as the core does).
                            d = half_up(d * m);
                        }
                        let paid_before = y.deductible_paid;
                        let still = (d - paid_before).max(Decimal::ZERO);
                        r.deductible = r.eligible.min(still);
                        y.deductible_paid += r.deductible;
                        if y.met_on.is_none() && y.deductible_paid >= d {
                            // Met by what was paid under a higher deductible earlier this year: met by
                            // the change, on its start date; otherwise by this visit. Not documented,
                            // as the core does: a deductible of 0 (an override) is met by the visit.
                            let by_change = r.deductible.is_zero() && paid_before > Decimal::ZERO && d > Decimal::ZERO;
                            y.met_on = Some(if by_change { v.start.max(jan1(y.year)) } else { visit.date });
                        } else if y.deductible_paid < d {
                            // A deductible raised later in the year is not met until paid up again.
                            y.met_on = None;
                        }
                    }
                    let above = r.eligible - r.deductible;
                    let cap = ctx.need(v, &format!("cap.{member}"))?;
                    let before = (cap - y.cap_used).max(Decimal::ZERO);
                    r.cap_before = Some(before);
                    let ratio = || -> Result<Decimal, String> {
                        let tier = ctx.need(v, &format!("ratio.{}", visit.tier))?;
                        let adjustment = ctx.need(v, &format!("adjustment.{member}"))?;
                        let reduction = match s.settlement {
                            "local" => Decimal::ZERO,
                            other => ctx.need(v, &format!("out_of_area.{other}"))?,
                        };
                        Ok((tier + adjustment - reduction).max(Decimal::ZERO).min(Decimal::ONE))
                    };
                    if above > Decimal::ZERO && before > Decimal::ZERO {
                        let ratio = ratio()?;
                        r.ratio = Some(ratio);
                        r.fund = half_up(above * ratio).min(before);
                    } else if above > Decimal::ZERO {
                        // The cap is used up: the ratio is shown when known, but not needed.
                        r.ratio = ratio().ok();
                    }
                    r.self_ = visit.amount - r.fund;
                    r.cap_after = Some(before - r.fund);
                    y.cap_used += r.fund;
                    y.eligible += r.eligible;
                    // Reached on the visit that uses the cap up; a cap raised later in the year
                    // (Jiangxi, July 2023) is no longer reached once a visit finds room under it.
                    // As README says: a cap lowered to what the fund has paid (an override) is
                    // reached on the change's start date, and a cap of 0 with nothing paid by the
                    // first visit it stops from paying (an unknown ratio counts as stopped).
                    let stopped = above > Decimal::ZERO && r.ratio.is_none_or(|q| half_up(above * q) > Decimal::ZERO);
                    if before > Decimal::ZERO && before == r.fund {
                        y.reached_on = Some(visit.date);
                    } else if before > Decimal::ZERO {
                        y.reached_on = None;
                    } else if y.reached_on.is_none() && y.cap_used > Decimal::ZERO {
                        y.reached_on = Some(v.start.max(jan1(y.year)));
                    } else if y.reached_on.is_none() && stopped {
                        y.reached_on = Some(visit.date);
                    }
                }
            }
            if s.account.is_some_and(|a| a.2) {
                r.account = r.self_.min(balance);
                balance -= r.account;
            }
            r.cash = r.self_ - r.account;
            y.fund += r.fund;
            y.self_ += r.self_;
            y.account += r.account;
            y.cash += r.cash;
        }
        y.balance_end = if s.account.is_some() { balance } else { Decimal::ZERO };
        // The year as it stands at the end of its part of the period (README): its deductible and
        // cap are those in force then, and a version that came in after its last visit moves the
        // dates as a visit under it would (a deductible of 0 waits for a visit to meet it).
        let on = span.map_or(jan1(y.year), |(_, e)| e.min(NaiveDate::from_ymd_opt(y.year, 12, 31).unwrap()));
        let threshold = |v: &Version| {
            let multiple =
                if temporary { ctx.fig(v, "out_of_area.temporary_deductible_multiple") } else { Some(Decimal::ONE) };
            ctx.fig(v, "deductible").zip(multiple).map(|(d, m)| half_up(d * m))
        };
        let last_visit = last_in_year.get(&y.year).copied().filter(|&d| ctx.version_on(d).is_some());
        for v in pol.versions.iter().filter(|v| last_visit.is_some_and(|d| v.start > d) && v.start <= on) {
            let changed = v.start.max(jan1(y.year));
            if let Some(d) = threshold(v).filter(|d| !d.is_zero()) {
                if y.deductible_paid < d {
                    y.met_on = None;
                } else if y.met_on.is_none() {
                    y.met_on = Some(changed);
                }
            }
            if let Some(cap) = ctx.fig(v, &format!("cap.{member}")) {
                if cap > y.cap_used {
                    y.reached_on = None;
                } else if y.reached_on.is_none() && y.cap_used > Decimal::ZERO {
                    y.reached_on = Some(changed);
                }
            }
        }
        if let Some(v) = ctx.version_on(on) {
            y.deductible = threshold(v);
            y.cap = ctx.fig(v, &format!("cap.{member}"));
        }
    }
    Ok(MOutcome { visits: out, years })
}

// ---------------------------------------------------------------------------------------------
// The comparison.

fn opt_dec(v: &Value) -> Result<Option<Decimal>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Decimal::from_str(s).map(Some).map_err(|e| format!("{s:?}: {e}")),
        other => Err(format!("not a decimal string: {other}")),
    }
}

fn cmp_dec(path: &str, core: &Value, model: Option<Decimal>) -> Result<(), String> {
    let got = opt_dec(core).map_err(|e| format!("{path}: {e}"))?;
    if got != model {
        return Err(format!(
            "{path}: core {core}, model {}",
            model.map_or("null".into(), |d| d.normalize().to_string())
        ));
    }
    Ok(())
}

fn cmp_date(path: &str, core: &Value, model: Option<NaiveDate>) -> Result<(), String> {
    let want = model.map_or(Value::Null, |d| Value::String(d.to_string()));
    if *core != want {
        return Err(format!("{path}: core {core}, model {want}"));
    }
    Ok(())
}

fn compare(s: &MScenario, outcome: &Value, m: &MOutcome) -> Result<(), String> {
    let visits = outcome["visits"].as_array().ok_or("visits is not a list")?;
    if visits.len() != m.visits.len() {
        return Err(format!("visits: core {} visits, model {}", visits.len(), m.visits.len()));
    }
    for (i, (c, mv)) in visits.iter().zip(&m.visits).enumerate() {
        let p = |f: &str| format!("visits[{i}].{f}");
        let dec = |f: &str, model: Option<Decimal>| cmp_dec(&p(f), &c[f], model);
        let date = |f: &str, model: Option<NaiveDate>| cmp_date(&p(f), &c[f], model);
        let input = &s.visits[i];
        if c["index"] != json!(i) {
            return Err(format!("{}: core {}, model {i}", p("index"), c["index"]));
        }
        date("date", Some(input.date))?;
        if c["facility"] != json!(input.tier) {
            return Err(format!("{}: core {}, model {}", p("facility"), c["facility"], input.tier));
        }
        dec("amount", Some(input.amount))?;
        dec("out_of_scope", Some(input.oos))?;
        date("version", mv.version)?;
        dec("eligible", Some(mv.eligible))?;
        dec("deductible", Some(mv.deductible))?;
        dec("ratio", mv.ratio)?;
        dec("fund", Some(mv.fund))?;
        dec("self", Some(mv.self_))?;
        dec("account", Some(mv.account))?;
        dec("cash", Some(mv.cash))?;
        dec("cap_remaining_before", mv.cap_before)?;
        dec("cap_remaining", mv.cap_after)?;
    }
    let years = outcome["years"].as_array().ok_or("years is not a list")?;
    let core_years: Vec<_> = years.iter().map(|y| y["year"].clone()).collect();
    let model_years: Vec<_> = m.years.iter().map(|y| json!(y.year)).collect();
    if core_years != model_years {
        return Err(format!("years: core {core_years:?}, model {model_years:?}"));
    }
    for (c, y) in years.iter().zip(&m.years) {
        let p = |f: &str| format!("years[{}].{f}", y.year);
        let dec = |f: &str, model: Option<Decimal>| cmp_dec(&p(f), &c[f], model);
        let date = |f: &str, model: Option<NaiveDate>| cmp_date(&p(f), &c[f], model);
        if c["visits"] != json!(y.visits) {
            return Err(format!("{}: core {}, model {}", p("visits"), c["visits"], y.visits));
        }
        dec("amount", Some(y.amount))?;
        dec("eligible", Some(y.eligible))?;
        dec("fund", Some(y.fund))?;
        dec("self", Some(y.self_))?;
        dec("account", Some(y.account))?;
        dec("cash", Some(y.cash))?;
        if y.deductible.is_some() {
            dec("deductible", y.deductible)?;
        }
        dec("deductible_paid", Some(y.deductible_paid))?;
        if y.cap.is_some() {
            dec("cap", y.cap)?;
        }
        dec("cap_used", Some(y.cap_used))?;
        date("deductible_met_on", y.met_on)?;
        date("cap_reached_on", y.reached_on)?;
        dec("account_credit", Some(y.credit))?;
        dec("account_balance_end", Some(y.balance_end))?;
    }
    let t = &outcome["totals"];
    let sum = |f: fn(&MYear) -> Decimal| m.years.iter().map(f).sum::<Decimal>();
    cmp_dec("totals.amount", &t["amount"], Some(sum(|y| y.amount)))?;
    cmp_dec("totals.fund", &t["fund"], Some(sum(|y| y.fund)))?;
    cmp_dec("totals.self", &t["self"], Some(sum(|y| y.self_)))?;
    cmp_dec("totals.account", &t["account"], Some(sum(|y| y.account)))?;
    cmp_dec("totals.cash", &t["cash"], Some(sum(|y| y.cash)))?;
    // Not documented; what the worked example shows: the member's share of the total, to 4 places.
    let amount = sum(|y| y.amount);
    if !amount.is_zero() {
        let share = (sum(|y| y.self_) / amount).round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
        cmp_dec("totals.effective_share", &t["effective_share"], Some(share))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Random scenarios.

/// Days near which the rules change: policy starts, Jiangxi's July change, 1 January.
const PIVOTS: [(i32, u32, u32); 7] =
    [(2022, 9, 1), (2022, 10, 1), (2023, 1, 1), (2023, 7, 1), (2024, 1, 1), (2025, 1, 1), (2022, 6, 1)];

fn visit_date() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(2022, 6, 1).unwrap();
    prop_oneof![
        (0..1035i64).prop_map(move |d| first + chrono::Duration::days(d)),
        (0..PIVOTS.len(), -3..3i64).prop_map(|(p, d)| {
            let (y, m, day) = PIVOTS[p];
            NaiveDate::from_ymd_opt(y, m, day).unwrap() + chrono::Duration::days(d)
        }),
    ]
}

fn fen(n: u64) -> Decimal {
    Decimal::new(n as i64, 2)
}

fn visit_in() -> impl Strategy<Value = MVisitIn> {
    let amount = prop_oneof![0..=200u64, 0..=80_000u64, 0..=800_000u64, Just(15_000u64), Just(30_000u64)];
    (visit_date(), 0..4usize, amount, prop_oneof![3 => Just(None), 2 => (0..=1000u64).prop_map(Some)]).prop_map(
        |(date, tier, amount, oos)| {
            let oos = oos.map_or(0, |pm| if pm == 1000 { amount } else { amount * pm / 1000 });
            MVisitIn { date, tier: TIERS[tier], amount: fen(amount), oos: fen(oos) }
        },
    )
}

/// A valid override value for a figure key, from a seed.
fn figure_value(key: &str, seed: u64) -> Decimal {
    let head = key.split('.').next().unwrap();
    match head {
        "deductible" => [Decimal::ZERO, Decimal::new(150, 0), fen(seed % 100_001)][(seed % 7).min(2) as usize],
        // Some caps small, so that one set for a later version is often below what was paid.
        "cap" => [Decimal::new((seed % 6001) as i64, 0), fen(seed % 600_001), fen(seed % 30_001)][(seed % 3) as usize],
        "account_credit" => fen(seed % 300_001),
        // Ratios with up to three decimals, so that rounding to the fen matters.
        "ratio" => Decimal::new((seed % 1001) as i64, 3),
        "adjustment" => Decimal::new((seed % 41) as i64 - 20, 2),
        "out_of_area" if key.ends_with("multiple") => {
            [Decimal::ONE, Decimal::new(15, 1), Decimal::TWO][(seed % 3) as usize]
        }
        "out_of_area" => Decimal::new((seed % 31) as i64, 2),
        _ => unreachable!("{key}"),
    }
}

#[derive(Debug)]
struct Gen {
    scenario: MScenario,
    json: Value,
}

impl std::fmt::Debug for MScenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", scenario_json(self))
    }
}

fn scenario_json(s: &MScenario) -> Value {
    let pol = &policies()[s.policy];
    let visits: Vec<Value> = s
        .visits
        .iter()
        .map(|v| {
            let mut o = json!({ "date": v.date.to_string(), "facility": v.tier, "amount": v.amount.to_string() });
            if !v.oos.is_zero() {
                o["out_of_scope"] = json!(v.oos.to_string());
            }
            o
        })
        .collect();
    let mut j = json!({ "policy": pol.id, "member": s.member, "settlement": s.settlement, "visits": visits });
    if let Some((a, b)) = s.period {
        j["period"] = json!({ "start": a.to_string(), "end": b.to_string() });
    }
    if !s.overrides.is_empty() {
        let o: Map<String, Value> = s.overrides.iter().map(|(k, v)| (k.clone(), json!(v.to_string()))).collect();
        j["overrides"] = Value::Object(o);
    }
    if let Some((balance, credit, pays)) = s.account {
        j["account"] = json!({ "balance": balance.to_string(), "yearly_credit": credit, "pays_member_share": pays });
    }
    j
}

/// Every figure key a scenario of this member and settlement could use, with whether some version
/// leaves it unknown.
fn keys(pol: &Pol, member: &str) -> Vec<(String, bool)> {
    let mut keys: BTreeMap<String, bool> = BTreeMap::new();
    for v in &pol.versions {
        for (k, f) in &v.figs {
            let tail = k.split('.').nth(1);
            if tail.is_some() && !k.starts_with("ratio.") && tail != Some(member) {
                continue;
            }
            *keys.entry(k.clone()).or_default() |= matches!(f, Fig::Unknown);
        }
    }
    for (k, f) in &pol.out_of_area {
        *keys.entry(k.clone()).or_default() |= matches!(f, Fig::Unknown);
    }
    keys.into_iter().collect()
}

fn gen() -> impl Strategy<Value = Gen> {
    (
        (0..policies().len(), 0..3usize, 0..4usize),
        prop::collection::vec(visit_in(), 0..10),
        (0..4u8, 0..40i64, 0..40i64),
        prop::collection::vec(any::<u64>(), 24),
        prop::collection::vec((any::<u16>(), any::<bool>(), any::<u64>()), 0..3),
        prop_oneof![2 => Just(None), 1 => any::<u16>().prop_map(Some)],
        prop::option::of((0..300_000u64, any::<bool>(), any::<bool>())),
        prop_oneof![3 => Just(None), 2 => (0..=30_000u64).prop_map(Some), 1 => Just(Some(0))],
    )
        .prop_map(|((p, m, st), visits, (period, w0, w1), seeds, extra, drop, account, lower_cap)| {
            let pol = &policies()[p];
            let member = pol.members[m % pol.members.len()].clone();
            let keys = keys(pol, &member);
            let mut overrides = BTreeMap::new();
            // Every unknown figure gets a value...
            for (n, (k, unknown)) in keys.iter().enumerate() {
                if *unknown {
                    overrides.insert(k.clone(), figure_value(k, seeds[n % seeds.len()]));
                }
            }
            // ...except, sometimes, one deductible or ratio (the documented "needed only when" cases).
            if let Some(d) = drop {
                let droppable: Vec<_> = keys
                    .iter()
                    .filter(|(k, u)| *u && (k == "deductible" || k.starts_with("ratio.")))
                    .map(|(k, _)| k.clone())
                    .collect();
                if !droppable.is_empty() {
                    overrides.remove(&droppable[d as usize % droppable.len()]);
                }
            }
            // What-if overrides of any figure, some for one version only.
            for (k, scoped, seed) in extra {
                let (key, _) = &keys[k as usize % keys.len()];
                let value = figure_value(key, seed);
                if scoped && !key.starts_with("out_of_area.") {
                    let v = &pol.versions[seed as usize % pol.versions.len()];
                    overrides.insert(format!("{key}@{}", v.start), value);
                } else {
                    overrides.insert(key.clone(), value);
                }
            }
            // Sometimes a small cap from a mid-year change on, often below what the fund has paid by then.
            if let Some(cap) = lower_cap {
                for v in pol.versions.iter().filter(|v| v.start.ordinal() > 1) {
                    overrides.insert(format!("cap.{member}@{}", v.start), fen(cap));
                }
            }
            let first = visits.iter().map(|v| v.date).min();
            let last = visits.iter().map(|v| v.date).max();
            let period = match (period, first, last) {
                (1, Some(a), Some(b)) => Some((a, b)),
                (2, Some(a), Some(b)) => Some((a - chrono::Duration::days(w0), b + chrono::Duration::days(w1))),
                (3, _, _) if visits.is_empty() || first.unwrap().year() == last.unwrap().year() => {
                    let y = first.map_or(2023, |d| d.year());
                    Some((jan1(y), NaiveDate::from_ymd_opt(y, 12, 31).unwrap()))
                }
                _ => None,
            };
            let scenario = MScenario {
                policy: p,
                member,
                settlement: SETTLEMENTS[st],
                period,
                visits,
                overrides,
                account: account.map(|(b, c, pays)| (fen(b), c, pays)),
            };
            let json = scenario_json(&scenario);
            Gen { scenario, json }
        })
}

fn check(g: &Gen) -> Result<(), String> {
    let text = g.json.to_string();
    let library = library();
    let parsed = Scenario::from_json(&text, library).map_err(|e| format!("the core refuses to read it: {e}"))?;
    let policy = parsed.policy(library).map_err(|e| e.to_string())?;
    let core = adjudicate(&parsed, policy);
    let model = model(&g.scenario);
    match (core, model) {
        (Ok(outcome), Ok(m)) => {
            let value = serde_json::to_value(&outcome).map_err(|e| e.to_string())?;
            compare(&g.scenario, &value, &m)
        }
        (Err(e), Err(key)) => {
            let want = format!("overrides.{key}");
            if e.field == want {
                Ok(())
            } else {
                Err(format!("both refuse, but the core names {:?} ({}), the model {want:?}", e.field, e.code()))
            }
        }
        (Err(e), Ok(_)) => Err(format!("the core refuses ({}, {}: {e}), the model adjudicates", e.code(), e.field)),
        (Ok(_), Err(key)) => Err(format!("the core adjudicates, the model needs the unknown figure {key}")),
    }
}

proptest! {
    #![proptest_config(config(1000))]

    /// The core and the model agree on every visit's and every year's figures, or both refuse
    /// the scenario for the same unknown figure.
    #[test]
    fn the_core_agrees_with_the_reference_model(g in gen()) {
        if let Err(problem) = check(&g) {
            return Err(TestCaseError::fail(format!("first difference: {problem}\nscenario: {}", g.json)));
        }
    }
}

/// The README's worked example, by the model alone (a check of the model itself).
#[test]
fn the_model_gives_the_readme_example() {
    let p = policies().iter().position(|p| p.id == "qiannan-employee").unwrap();
    let v =
        |d: &str, tier, amount: &str, oos: &str| MVisitIn { date: date(d), tier, amount: dec(amount), oos: dec(oos) };
    let s = MScenario {
        policy: p,
        member: "retiree".into(),
        settlement: "local",
        period: None,
        visits: vec![
            v("2023-03-15", "secondary", "300", "0"),
            v("2023-05-20", "tertiary", "4200", "200"),
            v("2024-01-08", "primary", "180", "0"),
        ],
        overrides: BTreeMap::new(),
        account: None,
    };
    let m = model(&s).unwrap();
    let fund: Vec<_> = m.visits.iter().map(|v| v.fund.normalize().to_string()).collect();
    assert_eq!(fund, ["97.5", "1902.5", "22.5"]);
    let left: Vec<_> = m.visits.iter().map(|v| v.cap_after.unwrap().normalize().to_string()).collect();
    assert_eq!(left, ["1902.5", "0", "1977.5"]);
    assert_eq!(m.years[0].reached_on, Some(date("2023-05-20")));
    check(&Gen { json: scenario_json(&s), scenario: s }).unwrap();
}

/// The generator reaches what the comparison is for: every policy, member, tier and settlement,
/// visits before a policy and across a version change, the deductible crossed inside a visit, the
/// cap reached, payments rounded at the half fen, the account paying, raised deductibles, and
/// scenarios the core must refuse for a missing figure.
#[test]
fn the_generated_scenarios_cover_the_rules() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = gen();
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    let mut count = |what: String| *seen.entry(what).or_default() += 1;
    for _ in 0..1000 {
        let g = strategy.new_tree(&mut runner).unwrap().current();
        let s = &g.scenario;
        let pol = &policies()[s.policy];
        count(format!("policy {} {}", pol.id, s.member));
        count(format!("settlement {}", s.settlement));
        let Ok(m) = model(s) else {
            count("refused".into());
            continue;
        };
        for (v, r) in s.visits.iter().zip(&m.visits) {
            count(format!("tier {}", v.tier));
            if r.version.is_none() {
                count("before the policy".into());
            }
            if r.deductible > Decimal::ZERO && r.fund > Decimal::ZERO {
                count("deductible crossed in a visit".into());
            }
            if r.cap_before.is_some_and(|b| b > Decimal::ZERO) && r.cap_after == Some(Decimal::ZERO) {
                count("cap reached".into());
            }
            let above = r.eligible - r.deductible;
            if r.fund > Decimal::ZERO
                && (above * r.ratio.unwrap_or_default() * Decimal::ONE_HUNDRED).fract() == Decimal::new(5, 1)
            {
                count("half a fen rounded up".into());
            }
            if r.account > Decimal::ZERO && r.cash > Decimal::ZERO {
                count("account runs out".into());
            }
            if v.tier == "pharmacy" && r.fund > Decimal::ZERO {
                count("pharmacy paid".into());
            }
        }
        if s.settlement.starts_with("temporary")
            && s.overrides.get("out_of_area.temporary_deductible_multiple").is_some_and(|m| *m > Decimal::ONE)
        {
            count("raised deductible".into());
        }
        if m.years.iter().any(|y| y.cap.is_some_and(|cap| y.cap_used > cap)) {
            count("cap lowered below what was paid".into());
        }
        if m.years.iter().any(|y| y.cap == Some(Decimal::ZERO) && y.cap_used.is_zero() && y.reached_on.is_some()) {
            count("cap of 0 reached with nothing paid".into());
        }
        if m.years.len() > 1 {
            count("several years".into());
        }
        // A version that came in after a year's last visit, with something paid before it.
        let end = s.period.map(|(_, e)| e).or_else(|| s.visits.iter().map(|v| v.date).max());
        for y in m.years.iter().filter(|y| y.deductible_paid > Decimal::ZERO) {
            let last = s.visits.iter().map(|v| v.date).filter(|d| d.year() == y.year).max();
            let year_end = end.map(|e| e.min(NaiveDate::from_ymd_opt(y.year, 12, 31).unwrap()));
            if pol.versions.iter().any(|v| last.is_some_and(|d| v.start > d) && year_end.is_some_and(|e| v.start <= e))
            {
                count("a change after the year's last visit".into());
            }
        }
        if m.years.iter().any(|y| y.credit > Decimal::ZERO) {
            count("yearly credit".into());
        }
        let versions: std::collections::BTreeSet<_> = m.visits.iter().filter_map(|v| v.version).collect();
        if versions.len() > 1 {
            count("a version change".into());
        }
    }
    let mut wanted: Vec<String> = policies()
        .iter()
        .flat_map(|p| p.members.iter().map(move |m| format!("policy {} {m}", p.id)))
        .chain(SETTLEMENTS.iter().map(|s| format!("settlement {s}")))
        .chain(TIERS.iter().map(|t| format!("tier {t}")))
        .collect();
    for what in [
        "refused",
        "before the policy",
        "deductible crossed in a visit",
        "cap reached",
        "half a fen rounded up",
        "account runs out",
        "pharmacy paid",
        "raised deductible",
        "several years",
        "yearly credit",
        "a version change",
        "cap lowered below what was paid",
        "cap of 0 reached with nothing paid",
        "a change after the year's last visit",
    ] {
        wanted.push(what.into());
    }
    let missing: Vec<_> = wanted.iter().filter(|w| !seen.contains_key(*w)).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}\nseen: {seen:?}");
    eprintln!("{seen:#?}");
}
