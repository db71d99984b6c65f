//! Visit patterns: a period of visits from a simple rule, so nobody has to type a year by hand.
//! The same pattern (and, for the chronic year, the same seed) always gives the same visits.

use crate::date::{iso, parse_date};
use crate::error::{Error, ErrorKind, Result};
use crate::limits::MAX_PERIOD_DAYS;
use crate::money::{parse_amount, Yuan};
use crate::policy::Facility;
use crate::scenario::Visit;
use crate::tree::{Table, Tree};
use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// One visit a month on `day` (the month's last day when shorter).
    Monthly { facility: Facility, amount: Decimal, out_of_scope: Decimal, day: u32 },
    /// One visit a week on `weekday` (1 = Monday … 7 = Sunday).
    Weekly { facility: Facility, amount: Decimal, out_of_scope: Decimal, weekday: u32 },
    /// A chronic patient's year: community visits every four weeks, pharmacy refills, now and then
    /// a hospital; amounts vary. Reproducible from `seed`.
    Chronic { seed: u64 },
}

const KEYS: &[&str] = &["kind", "start", "end", "facility", "amount", "out_of_scope", "day", "weekday", "seed"];

/// Reads a pattern (`{"kind": "monthly", "start": …, "end": …, …}`) and generates its visits.
pub fn generate_from(tree: &Tree) -> Result<Vec<Visit>> {
    let table = Table::open(tree, "".into(), KEYS)?;
    let start = table.read("start", |n| parse_date(n.text()?, n.path()))?;
    let end = table.read("end", |n| parse_date(n.text()?, n.path()))?;
    if end < start {
        return Err(Error::new("end", ErrorKind::PeriodReversed));
    }
    if (end - start).num_days() > MAX_PERIOD_DAYS {
        return Err(Error::new("end", ErrorKind::PeriodTooLong));
    }
    let kind = table.read("kind", |n| n.text().map(str::to_owned))?;
    let money = |key: &str| table.read_opt(key, |n| parse_amount(&n.decimal_text()?, n.path()));
    let whole = |key: &str, max: i64| {
        table.read(key, |n| {
            let value = n.integer()?;
            u32::try_from(value).ok().filter(|v| (1..=max).contains(&i64::from(*v))).ok_or_else(|| {
                n.error(ErrorKind::NotOneOf { value: value.to_string(), allowed: vec![format!("1–{max}")] })
            })
        })
    };
    let pattern = match kind.as_str() {
        "monthly" | "weekly" => {
            let facility = table.read("facility", Facility::read)?;
            let amount = money("amount")?.ok_or_else(|| Error::new("amount", ErrorKind::Missing))?;
            let out_of_scope = money("out_of_scope")?.unwrap_or_default();
            if out_of_scope > amount {
                return Err(Error::new("out_of_scope", ErrorKind::OutOfScopeExceedsAmount));
            }
            if kind == "monthly" {
                Pattern::Monthly { facility, amount, out_of_scope, day: whole("day", 31)? }
            } else {
                Pattern::Weekly { facility, amount, out_of_scope, weekday: whole("weekday", 7)? }
            }
        }
        "chronic" => Pattern::Chronic {
            // A negative seed would wrap round to a huge one: refused, not silently changed.
            seed: table.read("seed", |n| u64::try_from(n.integer()?).map_err(|_| n.error(ErrorKind::Negative)))?,
        },
        other => {
            let allowed = vec!["monthly".into(), "weekly".into(), "chronic".into()];
            return Err(Error::new("kind", ErrorKind::NotOneOf { value: other.to_owned(), allowed }));
        }
    };
    Ok(generate(&pattern, start, end))
}

/// The visits of `pattern` from `start` to `end` inclusive, in date order.
pub fn generate(pattern: &Pattern, start: NaiveDate, end: NaiveDate) -> Vec<Visit> {
    let days = start.iter_days().take_while(|d| *d <= end);
    match *pattern {
        Pattern::Monthly { facility, amount, out_of_scope, day } => days
            .filter(|d| d.day() == day.min(last_day_of_month(*d)))
            .map(|date| Visit { date, facility, amount, out_of_scope })
            .collect(),
        Pattern::Weekly { facility, amount, out_of_scope, weekday } => days
            .filter(|d| d.weekday().number_from_monday() == weekday)
            .map(|date| Visit { date, facility, amount, out_of_scope })
            .collect(),
        Pattern::Chronic { seed } => chronic(seed, start, end),
    }
}

fn last_day_of_month(date: NaiveDate) -> u32 {
    let next = date.with_day(1).and_then(|d| d.checked_add_months(chrono::Months::new(1)));
    next.and_then(|d| d.pred_opt()).map_or(28, |d| d.day())
}

fn chronic(seed: u64, start: NaiveDate, end: NaiveDate) -> Vec<Visit> {
    let mut rng = SplitMix64(seed);
    let mut visits = Vec::new();
    let mut week_start = start;
    let mut week = 0u64;
    while week_start <= end {
        let day = |offset: u64| week_start.checked_add_days(Days::new(offset)).filter(|d| *d <= end);
        let mut add = |date: Option<NaiveDate>, facility, amount: Decimal, out_of_scope: Decimal| {
            if let Some(date) = date {
                visits.push(Visit { date, facility, amount, out_of_scope });
            }
        };
        if week % 4 == 0 {
            add(day(rng.below(5)), Facility::Primary, rng.yuan(120, 260), Decimal::ZERO);
        }
        if rng.below(100) < 45 {
            add(day(rng.below(7)), Facility::Pharmacy, rng.yuan(40, 120), Decimal::ZERO);
        }
        if rng.below(100) < 7 {
            let amount = rng.yuan(300, 900);
            add(
                day(rng.below(7)),
                Facility::Secondary,
                amount,
                (amount * Decimal::new(rng.below(20) as i64, 2)).round_dp(2),
            );
        }
        if rng.below(100) < 2 {
            let amount = rng.yuan(800, 2000);
            add(
                day(rng.below(7)),
                Facility::Tertiary,
                amount,
                (amount * Decimal::new(10 + rng.below(20) as i64, 2)).round_dp(2),
            );
        }
        week += 1;
        match week_start.checked_add_days(Days::new(7)) {
            Some(next) => week_start = next,
            None => break,
        }
    }
    let order = crate::adjudicate::dates_in_order(&visits.iter().map(|v| v.date).collect::<Vec<_>>());
    order.into_iter().map(|i| visits[i].clone()).collect()
}

/// SplitMix64: a tiny, well-known generator; the chronic year needs reproducibility, not quality.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    /// A whole-fen amount between `low` and `high` yuan.
    fn yuan(&mut self, low: u64, high: u64) -> Decimal {
        let fen = low * 100 + self.below((high - low) * 100 + 1);
        Decimal::new(fen as i64, 2)
    }
}

/// A visit in the scenario's JSON form.
#[derive(Clone, Debug, Serialize)]
pub struct VisitJson {
    pub date: String,
    pub facility: Facility,
    pub amount: Yuan,
    pub out_of_scope: Yuan,
}

pub fn visits_json(visits: &[Visit]) -> Vec<VisitJson> {
    visits
        .iter()
        .map(|v| VisitJson {
            date: iso(v.date),
            facility: v.facility,
            amount: Yuan(v.amount),
            out_of_scope: Yuan(v.out_of_scope),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        parse_date(s, "").unwrap()
    }

    #[test]
    fn a_negative_seed_is_refused_not_wrapped() {
        let tree = crate::scenario::read_json(
            r#"{"kind": "chronic", "start": "2023-01-01", "end": "2023-12-31", "seed": -5}"#,
            "",
        )
        .unwrap();
        let error = generate_from(&tree).expect_err("refused");
        assert_eq!((error.field.as_str(), error.code()), ("seed", "negative"));
    }

    #[test]
    fn whole_numbers_typed_as_text_are_read_and_too_large_ones_named() {
        let read = |seed: &str| {
            let text = format!(r#"{{"kind": "chronic", "start": "2023-01-01", "end": "2023-12-31", "seed": {seed}}}"#);
            generate_from(&crate::scenario::read_json(&text, "").unwrap()).map_err(|e| e.code())
        };
        assert_eq!(read(r#"" 42 ""#).map(|v| v.len()), read("42").map(|v| v.len()));
        assert_eq!(read(r#""99999999999999999999""#).unwrap_err(), "number_too_large");
        assert_eq!(read(r#""-5""#).unwrap_err(), "negative");
        assert_eq!(read(r#""4x""#).unwrap_err(), "wrong_type");
    }

    #[test]
    fn monthly_visits_fall_on_the_day_or_the_months_last_day() {
        let p = Pattern::Monthly {
            facility: Facility::Primary,
            amount: Decimal::new(180, 0),
            out_of_scope: Decimal::ZERO,
            day: 31,
        };
        let visits = generate(&p, day("2023-01-01"), day("2023-12-31"));
        assert_eq!(visits.len(), 12);
        assert_eq!(iso(visits[1].date), "2023-02-28");
        assert_eq!(iso(visits[3].date), "2023-04-30");
    }

    #[test]
    fn weekly_visits_fall_on_the_weekday() {
        let p = Pattern::Weekly {
            facility: Facility::Pharmacy,
            amount: Decimal::new(60, 0),
            out_of_scope: Decimal::ZERO,
            weekday: 1,
        };
        let visits = generate(&p, day("2023-01-01"), day("2023-12-31"));
        assert_eq!(visits.len(), 52);
        assert!(visits.iter().all(|v| v.date.weekday() == chrono::Weekday::Mon));
    }

    #[test]
    fn the_same_seed_gives_the_same_year_and_another_seed_another() {
        let (a, b) = (day("2023-01-01"), day("2023-12-31"));
        let one = generate(&Pattern::Chronic { seed: 7 }, a, b);
        assert_eq!(one, generate(&Pattern::Chronic { seed: 7 }, a, b));
        assert_ne!(one, generate(&Pattern::Chronic { seed: 8 }, a, b));
        assert!(one.len() > 20 && one.iter().all(|v| v.date >= a && v.date <= b && v.out_of_scope <= v.amount));
    }
}
