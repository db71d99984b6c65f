//! The scenario: what the member is, where care is settled, and the visits of a period.
//! The same object comes from `estimate`'s JSON and from the page through the wasm API.

use crate::date::{iso, parse_date};
use crate::error::{Error, ErrorKind, Result};
use crate::i18n::Lang;
use crate::library::Library;
use crate::limits::{MAX_PERIOD_DAYS, MAX_SCENARIO_BYTES, MAX_VISITS};
use crate::money::parse_amount;
use crate::policy::{Facility, Member, Overrides, Policy, Settlement};
use crate::tree::{each, Node, Table, Tree};
use chrono::NaiveDate;
use rust_decimal::Decimal;

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub policy: String,
    pub member: Member,
    pub settlement: Settlement,
    pub period: Option<Period>,
    pub visits: Vec<Visit>,
    pub overrides: Overrides,
    pub account: Option<AccountOptions>,
    pub lang: Lang,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    pub date: NaiveDate,
    pub facility: Facility,
    pub amount: Decimal,
    /// The part outside the policy scope (自费): paid by the member, never counted.
    pub out_of_scope: Decimal,
}

/// The personal account (个人账户), optional.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountOptions {
    /// Balance before the first year's credit.
    pub balance: Decimal,
    /// Whether the policy's yearly credit for the member category is added each 1 January.
    pub yearly_credit: bool,
    /// Whether the account pays the member's share before cash does.
    pub pays_member_share: bool,
}

const SCENARIO_KEYS: &[&str] = &["policy", "member", "settlement", "period", "visits", "overrides", "account", "lang"];
const VISIT_KEYS: &[&str] = &["date", "facility", "amount", "out_of_scope"];
const ACCOUNT_KEYS: &[&str] = &["balance", "yearly_credit", "pays_member_share"];

impl Scenario {
    /// Reads a scenario from JSON text (the `estimate` command).
    pub fn from_json(text: &str, library: &Library) -> Result<Scenario> {
        Scenario::read(&read_json(text, "")?, library)
    }

    /// The scenario's language alone, if it gives a valid one, so that errors about the rest
    /// can be given in it.
    pub fn lang_in(tree: &Tree) -> Option<Lang> {
        let Tree::Table(entries) = tree else { return None };
        match entries.iter().find(|(k, _)| k == "lang") {
            Some((_, Tree::Str(s))) => Lang::parse(s),
            _ => None,
        }
    }

    /// Reads and checks a scenario against the library; the first problem found is the error.
    pub fn read(tree: &Tree, library: &Library) -> Result<Scenario> {
        let root = Table::open(tree, "".into(), SCENARIO_KEYS)?;
        let lang = root
            .read_opt("lang", |n| {
                let text = n.text()?;
                Lang::parse(text).ok_or_else(|| {
                    n.error(ErrorKind::NotOneOf { value: text.into(), allowed: vec!["zh".into(), "en".into()] })
                })
            })?
            .unwrap_or_default();
        let policy_id = root.read("policy", |n| n.text().map(|t| t.trim().to_owned()))?;
        let policy = library.get(&policy_id)?;
        // Either error lists the policy's own categories, not every category there is.
        let member = root.read("member", |n| {
            let allowed = || policy.members.iter().map(|m| m.key().to_owned()).collect();
            match Member::read(n) {
                Ok(member) if policy.members.contains(&member) => Ok(member),
                Ok(member) => Err(n.error(ErrorKind::MemberNotCovered {
                    member: member.key().into(),
                    policy: policy.id.clone(),
                    allowed: allowed(),
                })),
                Err(Error { kind: ErrorKind::NotOneOf { value, .. }, .. }) => {
                    Err(n.error(ErrorKind::NotOneOf { value, allowed: allowed() }))
                }
                Err(other) => Err(other),
            }
        })?;
        let settlement = root.read_opt("settlement", Settlement::read)?.unwrap_or(Settlement::Local);
        let period = root.read_opt("period", read_period)?;
        let visits = root.read_opt("visits", |n| read_visits(n, period))?.unwrap_or_default();
        let overrides = match root.get("overrides") {
            Some(tree) => Overrides::read(&Table::open_map(tree, "overrides".into())?, policy)?,
            None => Overrides::default(),
        };
        let account = root.read_opt("account", read_account)?;
        Ok(Scenario { policy: policy.id.clone(), member, settlement, period, visits, overrides, account, lang })
    }

    /// The period the outcome covers: the scenario's own, or from the first to the last visit.
    pub fn effective_period(&self) -> Option<Period> {
        self.period.or_else(|| {
            let first = self.visits.iter().map(|v| v.date).min()?;
            let last = self.visits.iter().map(|v| v.date).max()?;
            Some(Period { start: first, end: last })
        })
    }

    pub fn policy<'a>(&self, library: &'a Library) -> Result<&'a Policy> {
        library.get(&self.policy)
    }
}

/// Reads JSON text (a scenario or a pattern) into a tree, refusing oversized text first; `field`
/// names the input in errors (a file name, or empty).
pub fn read_json<'s>(text: &'s str, field: &str) -> Result<Tree<'s>> {
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(Error::new(field, ErrorKind::TooLarge { max_bytes: MAX_SCENARIO_BYTES }));
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    Tree::read(&mut deserializer)
        .and_then(|tree| deserializer.end().map(|()| tree))
        .map_err(|e| Error::new(field, ErrorKind::Syntax { detail: e.to_string() }))
}

/// Reads `{ "start": …, "end": … }` and checks that it is in order and not too long.
pub fn read_period(node: Node<'_>) -> Result<Period> {
    let table = Table::open(node.tree, node.path(), &["start", "end"])?;
    let start = table.read("start", |n| parse_date(n.text()?, n.path()))?;
    let end = table.read("end", |n| parse_date(n.text()?, n.path()))?;
    if end < start {
        return Err(Error::new(table.field_path("end"), ErrorKind::PeriodReversed));
    }
    if (end - start).num_days() > MAX_PERIOD_DAYS {
        return Err(Error::new(table.field_path("end"), ErrorKind::PeriodTooLong));
    }
    Ok(Period { start, end })
}

fn read_visits(node: Node<'_>, period: Option<Period>) -> Result<Vec<Visit>> {
    let items = node.list()?;
    if items.len() > MAX_VISITS {
        return Err(node.error(ErrorKind::TooMany { max: MAX_VISITS }));
    }
    each(items, node.path(), |_, item| read_visit(item, period))
}

pub fn read_visit(node: Node<'_>, period: Option<Period>) -> Result<Visit> {
    let table = Table::open(node.tree, node.path(), VISIT_KEYS)?;
    let date = table.read("date", |n| parse_date(n.text()?, n.path()))?;
    if let Some(p) = period {
        if date < p.start || date > p.end {
            let kind = ErrorKind::OutsidePeriod { start: iso(p.start), end: iso(p.end) };
            return Err(Error::new(table.field_path("date"), kind));
        }
    }
    let facility = table.read("facility", Facility::read)?;
    let amount = table.read("amount", |n| parse_amount(&n.decimal_text()?, n.path()))?;
    let out_of_scope =
        table.read_opt("out_of_scope", |n| parse_amount(&n.decimal_text()?, n.path()))?.unwrap_or_default();
    if out_of_scope > amount {
        return Err(Error::new(table.field_path("out_of_scope"), ErrorKind::OutOfScopeExceedsAmount));
    }
    Ok(Visit { date, facility, amount, out_of_scope })
}

fn read_account(node: Node<'_>) -> Result<AccountOptions> {
    let table = Table::open(node.tree, node.path(), ACCOUNT_KEYS)?;
    let balance = table.read_opt("balance", |n| parse_amount(&n.decimal_text()?, n.path()))?.unwrap_or_default();
    let yearly_credit = table.read_opt("yearly_credit", |n| n.boolean())?.unwrap_or(true);
    let pays_member_share = table.read_opt("pays_member_share", |n| n.boolean())?.unwrap_or(true);
    Ok(AccountOptions { balance, yearly_credit, pays_member_share })
}
