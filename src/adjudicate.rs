//! The rules: visits in date order, natural-year accumulators that start again on 1 January,
//! the deductible, then the ratio, then the annual cap, then the personal account.
//!
//! Each visit's fund payment is rounded half-up to the fen; the member's share is the visit total
//! minus that payment, so the two always add up to the total exactly.

use crate::date::{iso, new_year, year_end};
use crate::error::Result;
use crate::i18n::Lang;
use crate::money::{percent, round_fen, Ratio, Yuan};
use crate::policy::{reduction_key, Facility, Figures, Member, Policy, Settlement, Status, UsedFigure, Version, OUT_OF_AREA_MULTIPLE};
use crate::scenario::{Period, Scenario, Visit};
use crate::tr;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub policy: PolicyRef,
    pub member: Member,
    pub settlement: Settlement,
    pub period: Option<PeriodOut>,
    pub visits: Vec<VisitOutcome>,
    pub years: Vec<YearOutcome>,
    pub totals: Totals,
    /// Every figure the outcome used, once per key and version.
    pub figures: Vec<UsedFigure>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PolicyRef {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct PeriodOut {
    #[serde(serialize_with = "crate::policy::serialize_date")]
    pub start: NaiveDate,
    #[serde(serialize_with = "crate::policy::serialize_date")]
    pub end: NaiveDate,
}

#[derive(Clone, Debug, Serialize)]
pub struct VisitOutcome {
    /// Position of the visit in the scenario's input.
    pub index: usize,
    #[serde(serialize_with = "crate::policy::serialize_date")]
    pub date: NaiveDate,
    pub facility: Facility,
    pub amount: Yuan,
    pub out_of_scope: Yuan,
    /// In-scope spending that counts for pooling (0 before the policy is in force).
    pub eligible: Yuan,
    /// The part of this visit that went to the deductible.
    pub deductible: Yuan,
    pub ratio: Ratio,
    pub fund: Yuan,
    #[serde(rename = "self")]
    pub member: Yuan,
    pub account: Yuan,
    pub cash: Yuan,
    pub cap_remaining_before: Option<Yuan>,
    pub cap_remaining: Option<Yuan>,
    /// Start date of the policy version applied, or null before the policy is in force.
    #[serde(serialize_with = "serialize_opt_date")]
    pub version: Option<NaiveDate>,
    pub notes: Vec<Note>,
    pub trace: Vec<Step>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Note {
    pub code: &'static str,
    pub text: String,
}

/// One rule applied to a visit, with the figures it used.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub rule: &'static str,
    pub text: String,
    pub figures: Vec<UsedFigure>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct YearOutcome {
    pub year: i32,
    pub visits: usize,
    pub amount: Yuan,
    pub eligible: Yuan,
    pub fund: Yuan,
    #[serde(rename = "self")]
    pub member: Yuan,
    pub account: Yuan,
    pub cash: Yuan,
    /// The deductible in force at the year's last visit (or its end), null when unknown.
    pub deductible: Option<Yuan>,
    pub deductible_paid: Yuan,
    /// The cap in force at the year's last visit (or its end), null when unknown.
    pub cap: Option<Yuan>,
    pub cap_used: Yuan,
    #[serde(serialize_with = "serialize_opt_date")]
    pub deductible_met_on: Option<NaiveDate>,
    #[serde(serialize_with = "serialize_opt_date")]
    pub cap_reached_on: Option<NaiveDate>,
    pub account_credit: Yuan,
    pub account_balance_end: Yuan,
    /// The cap through the year (within the period): one step per policy version in force, so a
    /// mid-year change shows; `cap` null where the figure is unknown.
    pub cap_steps: Vec<CapStep>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CapStep {
    #[serde(serialize_with = "crate::policy::serialize_date")]
    pub from: NaiveDate,
    pub cap: Option<Yuan>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub amount: Yuan,
    pub fund: Yuan,
    #[serde(rename = "self")]
    pub member: Yuan,
    pub account: Yuan,
    pub cash: Yuan,
    /// The member's share of the total spending (self ÷ amount), null when nothing was spent.
    pub effective_share: Option<Ratio>,
}

fn serialize_opt_date<S: serde::Serializer>(date: &Option<NaiveDate>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match date {
        Some(d) => s.collect_str(&iso(*d)),
        None => s.serialize_none(),
    }
}

/// Adjudicates a scenario under `policy` (the scenario's policy, looked up by the caller).
pub fn adjudicate(scenario: &Scenario, policy: &Policy) -> Result<Outcome> {
    let lang = scenario.lang;
    let figures = Figures { policy, overrides: &scenario.overrides, lang };
    let mut order: Vec<usize> = (0..scenario.visits.len()).collect();
    order.sort_by_key(|&i| scenario.visits[i].date); // stable: equal dates keep input order

    let period = scenario.effective_period();
    let first_year = period.map(|p| p.start.year());
    let last_year = period.map(|p| p.end.year());
    let mut run = Run {
        first_year,
        period,
        scenario,
        policy,
        figures,
        lang,
        balance: scenario.account.map(|a| a.balance).unwrap_or_default(),
        visits: Vec::with_capacity(order.len()),
        years: Vec::new(),
        used: BTreeMap::new(),
    };
    let mut next = order.iter().peekable();
    if let (Some(first), Some(last)) = (first_year, last_year) {
        for year in first..=last {
            let mut state = run.open_year(year)?;
            while let Some(&&i) = next.peek() {
                if scenario.visits[i].date.year() != year {
                    break;
                }
                next.next();
                let outcome = run.visit(i, &mut state)?;
                run.visits.push(outcome);
            }
            run.close_year(state, period);
        }
    }
    let outcome = run.finish();
    debug_assert!(outcome.visits.iter().all(|v| v.fund.0 + v.member.0 == v.amount.0));
    Ok(outcome)
}

/// What accumulates within one natural year. A new one starts each 1 January: nothing carries over.
struct YearState {
    out: YearOutcome,
    deductible_paid: Decimal,
    fund_paid: Decimal,
    last_version: Option<NaiveDate>,
    cap_exhausted: bool,
}

struct Run<'a> {
    /// The period's first year: its first visit starts the period, not a new year.
    first_year: Option<i32>,
    period: Option<Period>,
    scenario: &'a Scenario,
    policy: &'a Policy,
    figures: Figures<'a>,
    lang: Lang,
    balance: Decimal,
    visits: Vec<VisitOutcome>,
    years: Vec<YearOutcome>,
    used: BTreeMap<(String, NaiveDate), UsedFigure>,
}

impl Run<'_> {
    fn open_year(&mut self, year: i32) -> Result<YearState> {
        let mut out = YearOutcome { year, ..YearOutcome::default() };
        if self.scenario.account.is_some_and(|a| a.yearly_credit) {
            // The yearly credit comes from the version in force on 1 January; none before the policy.
            if let Some(version) = self.policy.version_on(new_year(year)) {
                let key = format!("account_credit.{}", self.scenario.member.key());
                let (credit, used) = self.figures.get(version, &key).map_err(|e| e.under(""))?;
                self.remember(&used);
                self.balance += credit;
                out.account_credit = Yuan(credit);
            }
        }
        Ok(YearState { out, deductible_paid: Decimal::ZERO, fund_paid: Decimal::ZERO, last_version: None, cap_exhausted: false })
    }

    fn close_year(&mut self, mut state: YearState, period: Option<Period>) {
        // For the meters: the figures in force at the year's last visit, or at its end in the period.
        let at = state.last_version.and_then(|start| self.policy.version_starting(start)).or_else(|| {
            let end = period.map_or(year_end(state.out.year), |p| p.end.min(year_end(state.out.year)));
            self.policy.version_on(end)
        });
        if let Some(version) = at {
            let member = self.scenario.member.key();
            if let Ok((threshold, used)) = self.threshold(version) {
                self.remember(&used);
                state.out.deductible = Some(Yuan(threshold));
            }
            if let Some(cap) = self.known(version, &format!("cap.{member}")) {
                state.out.cap = Some(Yuan(cap));
            }
        }
        let year = state.out.year;
        let (first, last) = match period {
            Some(p) => (p.start.max(new_year(year)), p.end.min(year_end(year))),
            None => (new_year(year), year_end(year)),
        };
        let cap_key = format!("cap.{}", self.scenario.member.key());
        for (i, version) in self.policy.versions.iter().enumerate() {
            let next_start = self.policy.versions.get(i + 1).map(|v| v.start);
            let in_range = version.start <= last && next_start.is_none_or(|n| n > first);
            if in_range {
                let cap = self.known(version, &cap_key).map(Yuan);
                state.out.cap_steps.push(CapStep { from: version.start.max(first), cap });
            }
        }
        state.out.deductible_paid = Yuan(state.deductible_paid);
        state.out.cap_used = Yuan(state.fund_paid);
        state.out.account_balance_end = Yuan(self.balance);
        self.years.push(state.out);
    }

    /// A figure shown for information (meters, cap left): its value when known, remembered as used.
    fn known(&mut self, version: &Version, key: &str) -> Option<Decimal> {
        let (value, used) = self.figures.get(version, key).ok()?;
        self.remember(&used);
        Some(value)
    }

    fn remember(&mut self, used: &[UsedFigure]) {
        for figure in used {
            self.used.entry((figure.key.clone(), figure.version)).or_insert_with(|| figure.clone());
        }
    }

    /// The deductible a visit must meet: the policy's, times the temporary-care multiple.
    fn threshold(&self, version: &Version) -> Result<(Decimal, Vec<UsedFigure>)> {
        let (base, mut used) = self.figures.get(version, "deductible")?;
        if matches!(self.scenario.settlement, Settlement::TemporaryReferred | Settlement::TemporaryUnreferred) {
            let (multiple, more) = self.figures.get(version, OUT_OF_AREA_MULTIPLE)?;
            used.extend(more);
            return Ok((round_fen(base * multiple), used));
        }
        Ok((base, used))
    }

    fn visit(&mut self, index: usize, year: &mut YearState) -> Result<VisitOutcome> {
        let visit: &Visit = &self.scenario.visits[index];
        let lang = self.lang;
        let note = |code: &'static str, text: String| Note { code, text };
        let mut notes = Vec::new();
        let mut trace = Vec::new();
        let first_of_year = year.out.visits == 0;
        year.out.visits += 1;
        year.out.amount.0 += visit.amount;
        if first_of_year && Some(visit.date.year()) != self.first_year {
            notes.push(note("new_year", tr!(lang, zh: "{} 年 1 月 1 日起重新累计：起付线重新计算，年度限额全额恢复；上一年未用的额度不结转、不清零作废，也不退钱。", en: "From 1 January {} everything starts again: the deductible applies anew and the full cap is available; last year's unused cap was a ceiling, not money, so nothing is carried over or lost.", visit.date.year())));
        }

        let Some(version) = self.policy.version_on(visit.date) else {
            let start = self.policy.versions.first().map(|v| iso(v.start)).unwrap_or_default();
            notes.push(note("before_policy", tr!(lang, zh: "就诊日期早于本政策施行日（{}），统筹基金不支付，全部由个人负担，也不计入起付线。", en: "The visit is before the policy took effect ({}): the fund pays nothing and it does not count toward the deductible.", start)));
            let booked = Booked { eligible: Decimal::ZERO, deductible: Decimal::ZERO, ratio: Decimal::ZERO, fund: Decimal::ZERO, cap: (None, None), version: None };
            return Ok(self.book(index, visit, booked, notes, trace, year));
        };

        let version_changed = year.last_version.is_some_and(|v| v != version.start);
        year.last_version = Some(version.start);
        let assumed = if version.start_status == Status::Stated { "" } else { lang.pick("（开始日期为假定）", " (start date assumed)") };
        trace.push(step("version", tr!(lang, zh: "适用 {} 起施行的政策版本{}", en: "Policy version in force from {}{}", iso(version.start), assumed), vec![]));

        let eligible = visit.amount - visit.out_of_scope;
        trace.push(step("scope", tr!(lang, zh: "政策范围内 {} 元 = 总额 {} 元 − 范围外 {} 元（范围外部分由个人自付，不计入起付线）", en: "In scope {} = total {} − out of scope {} (the out-of-scope part is the member's and never counts)", Yuan(eligible), Yuan(visit.amount), Yuan(visit.out_of_scope)), vec![]));
        if !visit.out_of_scope.is_zero() {
            notes.push(note("out_of_scope", tr!(lang, zh: "其中 {} 元不在政策范围内，由个人全额负担。", en: "{} of it is outside the policy scope and paid by the member in full.", Yuan(visit.out_of_scope))));
        }

        // Deductible.
        let exempt = version.deductible_exempt.contains(&visit.facility);
        let mut deductible_part = Decimal::ZERO;
        if exempt {
            notes.push(note("no_deductible_here", tr!(lang, zh: "在{}就诊不设起付线。", en: "No deductible applies at a {}.", visit.facility.label(lang))));
            trace.push(step("deductible", tr!(lang, zh: "该级别机构不设起付线", en: "No deductible at this tier"), vec![]));
        } else {
            let (threshold, used) = self.threshold(version).map_err(|e| e.under(""))?;
            self.remember(&used);
            year.out.deductible = Some(Yuan(threshold));
            let before = year.deductible_paid;
            deductible_part = eligible.min((threshold - before).max(Decimal::ZERO));
            year.deductible_paid += deductible_part;
            trace.push(step("deductible", tr!(lang, zh: "起付线 {} 元；本年此前已累计 {} 元，本次计入 {} 元，累计 {} 元", en: "Deductible {}; paid toward it this year before {}, this visit {}, now {}", Yuan(threshold), Yuan(before), Yuan(deductible_part), Yuan(year.deductible_paid)), used.clone()));
            if used.iter().any(|f| f.key == OUT_OF_AREA_MULTIPLE && f.status == Status::LowerBound) {
                notes.push(note("deductible_may_be_higher", tr!(lang, zh: "临时外出就医的起付标准可能上调（倍数来源不清），实际起付线可能更高。", en: "For temporary care elsewhere the deductible may be raised (the multiple is not known), so the real deductible may be higher.")));
            }
            if year.deductible_paid < threshold {
                // A later version (or an override) raised the deductible above what was paid.
                year.out.deductible_met_on = None;
            }
            if year.out.deductible_met_on.is_none() && year.deductible_paid >= threshold {
                let by_change = deductible_part.is_zero() && !threshold.is_zero() && version_changed;
                let on = if by_change { version.start.max(new_year(visit.date.year())) } else { visit.date };
                year.out.deductible_met_on = Some(on);
                notes.push(if by_change {
                    note("deductible_met_by_change", tr!(lang, zh: "政策自 {} 起调整：本年已累计的 {} 元已达到新的起付线 {} 元。", en: "The policy changed on {}: the {} already paid this year meets the new deductible of {}.", iso(version.start), Yuan(year.deductible_paid), Yuan(threshold)))
                } else {
                    note("deductible_met", tr!(lang, zh: "本次就诊达到本年起付线 {} 元，超出部分按比例由统筹基金支付。", en: "This visit reaches the year's deductible of {}; above it the fund pays its share.", Yuan(threshold)))
                });
            } else if year.deductible_paid < threshold {
                notes.push(note("within_deductible", tr!(lang, zh: "尚未达到起付线：本次政策范围内费用由个人负担并计入起付线。", en: "The deductible is not yet met: the member pays this in-scope spending, and it counts toward the deductible.")));
            }
        }

        // Ratio, then cap: only looked up when there is something above the deductible to pay.
        let payable = eligible - deductible_part;
        let mut ratio = Decimal::ZERO;
        let mut fund = Decimal::ZERO;
        let mut cap_before = None;
        let cap_key = format!("cap.{}", self.scenario.member.key());
        if payable > Decimal::ZERO {
            let (r, used) = self.ratio(version, visit.facility).map_err(|e| e.under(""))?;
            ratio = r;
            self.remember(&used);
            trace.push(step("ratio", self.ratio_text(ratio, &used), used.clone()));
            if used.iter().any(|f| f.status == Status::LowerBound) {
                notes.push(note("fund_at_least", tr!(lang, zh: "所用支付比例只是下限（来源只给出“不低于”），统筹基金实际支付可能更多。", en: "The ratio used is only a lower bound (the source says \"no less than\"), so the fund may pay more.")));
            }
            if used.iter().any(|f| f.status == Status::UpperBound) {
                notes.push(note("least_favourable", tr!(lang, zh: "异地就医比例按最多下调的幅度计算，是最不利的情形。", en: "Out-of-area care is reduced by the most the rules allow: this is the least favourable case.")));
            }
            let raw = round_fen(payable * ratio);
            if !raw.is_zero() {
                let (cap, used) = self.figures.get(version, &cap_key).map_err(|e| e.under(""))?;
                self.remember(&used);
                year.out.cap = Some(Yuan(cap));
                let remaining = (cap - year.fund_paid).max(Decimal::ZERO);
                if remaining > Decimal::ZERO && year.cap_exhausted {
                    // The raised cap is not reached until payments reach it again.
                    year.out.cap_reached_on = None;
                    notes.push(note("cap_raised", tr!(lang, zh: "年度限额自 {} 起提高为 {} 元，本年已支付的 {} 元计入新限额。", en: "From {} the cap is {}; the {} already paid this year counts against it.", iso(version.start), Yuan(cap), Yuan(year.fund_paid))));
                }
                fund = raw.min(remaining);
                year.fund_paid += fund;
                cap_before = Some(remaining);
                trace.push(step("cap", tr!(lang, zh: "按比例应付 {} 元；年度限额 {} 元，此前剩余 {} 元；统筹基金支付 {} 元，剩余 {} 元", en: "At the ratio the fund owes {}; annual cap {}, remaining before {}; the fund pays {}, remaining {}", Yuan(raw), Yuan(cap), Yuan(remaining), Yuan(fund), Yuan(remaining - fund)), used));
                if remaining.is_zero() {
                    notes.push(note("cap_exhausted", tr!(lang, zh: "本年统筹基金限额已用完：到 1 月 1 日前由个人全额负担。", en: "This year's cap is used up: the member pays in full until 1 January.")));
                } else if fund == remaining {
                    year.out.cap_reached_on = Some(visit.date);
                    notes.push(note("cap_reached", tr!(lang, zh: "本次就诊用完本年统筹基金限额 {} 元。", en: "This visit reaches the year's fund cap of {}.", Yuan(cap))));
                }
                year.cap_exhausted = year.fund_paid >= cap;
            }
        }
        // The cap left, for the table and meters, even when this visit did not need the cap.
        let cap = match cap_before {
            Some(before) => (Some(before), Some(before - fund)),
            None => {
                let left = self.known(version, &cap_key).map(|cap| (cap - year.fund_paid).max(Decimal::ZERO));
                (left, left)
            }
        };
        let booked = Booked { eligible, deductible: deductible_part, ratio, fund, cap, version: Some(version.start) };
        Ok(self.book(index, visit, booked, notes, trace, year))
    }

    fn ratio(&self, version: &Version, facility: Facility) -> Result<(Decimal, Vec<UsedFigure>)> {
        let (tier, mut used) = self.figures.get(version, &format!("ratio.{}", facility.key()))?;
        let (adjustment, more) = self.figures.get(version, &format!("adjustment.{}", self.scenario.member.key()))?;
        used.extend(more);
        let mut ratio = tier + adjustment;
        if let Some(key) = reduction_key(self.scenario.settlement) {
            let (reduction, more) = self.figures.get(version, key)?;
            used.extend(more);
            ratio -= reduction;
        }
        Ok((ratio.clamp(Decimal::ZERO, Decimal::ONE), used))
    }

    fn ratio_text(&self, ratio: Decimal, used: &[UsedFigure]) -> String {
        let lang = self.lang;
        let value = |prefix: &str| used.iter().find(|f| f.key.starts_with(prefix)).and_then(|f| f.value).unwrap_or_default();
        let mut text = match lang {
            Lang::Zh => format!("支付比例 {} = 机构级别比例 {}", percent(ratio), percent(value("ratio."))),
            Lang::En => format!("Ratio {} = tier ratio {}", percent(ratio), percent(value("ratio."))),
        };
        let adjustment = value("adjustment.");
        if !adjustment.is_zero() {
            text += &format!(" + {} ({})", percent(adjustment), self.scenario.member.label(lang));
        }
        if let Some(key) = reduction_key(self.scenario.settlement) {
            text += &format!(" − {} ({})", percent(value(key)), self.scenario.settlement.label(lang));
        }
        text
    }

    /// Books a visit: the member's share is the total less the fund's payment (so the two add up
    /// exactly), split between the personal account and cash.
    fn book(&mut self, index: usize, visit: &Visit, b: Booked, notes: Vec<Note>, mut trace: Vec<Step>, year: &mut YearState) -> VisitOutcome {
        let lang = self.lang;
        let member = visit.amount - b.fund;
        let mut account = Decimal::ZERO;
        if let Some(options) = self.scenario.account {
            if options.pays_member_share {
                account = member.min(self.balance);
                self.balance -= account;
            }
            trace.push(step("account", tr!(lang, zh: "个人负担 {} 元：个人账户支付 {} 元（余额 {} 元），现金支付 {} 元", en: "Member's share {}: personal account {} (balance now {}), cash {}", Yuan(member), Yuan(account), Yuan(self.balance), Yuan(member - account)), vec![]));
        }
        let cash = member - account;
        let y = &mut year.out;
        y.eligible.0 += b.eligible;
        y.fund.0 += b.fund;
        y.member.0 += member;
        y.account.0 += account;
        y.cash.0 += cash;
        VisitOutcome {
            index,
            date: visit.date,
            facility: visit.facility,
            amount: Yuan(visit.amount),
            out_of_scope: Yuan(visit.out_of_scope),
            eligible: Yuan(b.eligible),
            deductible: Yuan(b.deductible),
            ratio: Ratio(b.ratio),
            fund: Yuan(b.fund),
            member: Yuan(member),
            account: Yuan(account),
            cash: Yuan(cash),
            cap_remaining_before: b.cap.0.map(Yuan),
            cap_remaining: b.cap.1.map(Yuan),
            version: b.version,
            notes,
            trace,
        }
    }

    fn finish(self) -> Outcome {
        let mut totals = Totals::default();
        for y in &self.years {
            totals.amount.0 += y.amount.0;
            totals.fund.0 += y.fund.0;
            totals.member.0 += y.member.0;
            totals.account.0 += y.account.0;
            totals.cash.0 += y.cash.0;
        }
        if !totals.amount.0.is_zero() {
            let share = totals.member.0 / totals.amount.0;
            totals.effective_share = Some(Ratio(share.round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero)));
        }
        let mut visits = self.visits;
        visits.sort_by_key(|v| v.index);
        Outcome {
            policy: PolicyRef { id: self.policy.id.clone(), name: self.policy.name.get(self.lang).to_owned() },
            member: self.scenario.member,
            settlement: self.scenario.settlement,
            period: self.period.map(|p| PeriodOut { start: p.start, end: p.end }),
            visits,
            years: self.years,
            totals,
            figures: self.used.into_values().collect(),
        }
    }
}

/// What the rules decided for one visit, before the member's share is split.
struct Booked {
    eligible: Decimal,
    deductible: Decimal,
    ratio: Decimal,
    fund: Decimal,
    /// Cap remaining before and after the visit, when the cap is known.
    cap: (Option<Decimal>, Option<Decimal>),
    version: Option<NaiveDate>,
}

fn step(rule: &'static str, text: String, figures: Vec<UsedFigure>) -> Step {
    Step { rule, text, figures }
}
