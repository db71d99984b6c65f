//! The rules: visits in date order, natural-year accumulators that start again on 1 January,
//! the deductible, then the ratio, then the annual cap, then the personal account.
//!
//! Each visit's fund payment is rounded half-up to the fen; the member's share is the visit total
//! minus that payment, so the two always add up to the total exactly.
//!
//! The arithmetic and its explanation are kept apart. [`Adjudicator`] takes visits one at a time
//! and gives each a [`VisitResult`]: numbers in whole fen, note codes, the version applied; no text,
//! no allocation, and the figures each policy version needs looked up once beforehand. Memory does
//! not grow with the visits (BENCHMARKS.md). [`adjudicate`] runs it over a scenario and turns each
//! result into a [`VisitOutcome`], with notes and trace in the scenario's language.

use crate::date::{iso, new_year, year_end};
use crate::error::{Error, ErrorKind, Result};
use crate::i18n::Lang;
use crate::limits::MAX_AMOUNT_YUAN;
use crate::money::{percent, round_fen, Fen, Ratio, Yuan};
use crate::policy::{
    reading_rank, reduction_key, Facility, FigureKind, FigureUse, Figures, Member, Policy, Settlement, Status,
    UsedFigure, Version, OUT_OF_AREA_MULTIPLE, READING_RANKS,
};
use crate::scenario::{Period, Scenario, Visit};
use crate::tr;
use crate::vec_map::VecMap;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::cell::Cell;

/// The outcome of a scenario. `V` is how each visit is given: [`VisitOutcome`] (numbers, notes and
/// trace: `estimate`'s JSON, in input order) or [`VisitLine`] (the table's numbers and marks: the
/// page's recalculation and `estimate --table`, in date order).
#[derive(Clone, Debug, Serialize)]
pub struct Outcome<V = VisitOutcome> {
    pub policy: PolicyRef,
    pub member: Member,
    pub settlement: Settlement,
    pub period: Option<PeriodOut>,
    pub visits: Vec<V>,
    pub years: Vec<YearOutcome>,
    pub totals: Totals,
    /// Every figure the outcome used, once per key and version.
    pub figures: Vec<UsedFigure>,
    /// The statuses to point out among everything the outcome rests on, over every visit (the
    /// page's caveat line, which sees only the rows it was sent): the figures used, and the
    /// policy's start date when a visit came before it.
    pub marks: Vec<Status>,
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

/// A visit's numbers: what the table and the chart show.
#[derive(Clone, Debug, Serialize)]
pub struct VisitNumbers {
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
    /// The ratio applied, or null where none did (nothing in scope above the deductible, or the
    /// cap used up before an unknown ratio was needed): not a 0% the policy never gave.
    pub ratio: Option<Ratio>,
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
    /// The notes as codes, for the chart's markers; [`VisitOutcome`] shows them as `notes`.
    #[serde(skip)]
    pub codes: Notes,
}

/// A visit with its notes and the trace of the rules and figures applied, in the scenario's language.
#[derive(Clone, Debug, Serialize)]
pub struct VisitOutcome {
    #[serde(flatten)]
    pub numbers: VisitNumbers,
    pub notes: Vec<Note>,
    pub trace: Vec<Step>,
    /// As in [`VisitLine`]: the statuses to point out among the figures the visit rests on.
    pub marks: Vec<Status>,
}

/// A visit as the page's table lists it: the numbers its columns show, and the statuses that need
/// pointing out among the figures it rests on (`user` for an override). No text: the page asks for
/// a visit's [`VisitOutcome`] when someone opens its row. Kept small, as a recalculation sends one
/// per visit to the page (BENCHMARKS.md).
#[derive(Clone, Debug)]
pub struct VisitLine {
    pub numbers: VisitNumbers,
    pub marks: Vec<Status>,
}

impl Serialize for VisitLine {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let n = &self.numbers;
        let mut line = serializer.serialize_struct("VisitLine", 10)?;
        line.serialize_field("index", &n.index)?;
        line.serialize_field("date", &iso(n.date))?;
        line.serialize_field("facility", &n.facility)?;
        line.serialize_field("amount", &n.amount)?;
        line.serialize_field("deductible", &n.deductible)?;
        line.serialize_field("ratio", &n.ratio)?;
        line.serialize_field("fund", &n.fund)?;
        line.serialize_field("self", &n.member)?;
        line.serialize_field("cap_remaining", &n.cap_remaining)?;
        line.serialize_field("marks", &self.marks)?;
        line.end()
    }
}

impl AsRef<VisitNumbers> for VisitOutcome {
    fn as_ref(&self) -> &VisitNumbers {
        &self.numbers
    }
}

impl AsRef<VisitNumbers> for VisitLine {
    fn as_ref(&self) -> &VisitNumbers {
        &self.numbers
    }
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
    /// The deductible in force at the end of the year's part of the period, null when unknown.
    pub deductible: Option<Yuan>,
    pub deductible_paid: Yuan,
    /// The cap in force at the end of the year's part of the period, null when unknown.
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

impl YearOutcome {
    /// Whether the policy was in force on any day of the year's part of the period.
    pub fn in_force(&self) -> bool {
        !self.cap_steps.is_empty()
    }
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

/// Adjudicates a scenario under `policy` (the scenario's policy, looked up by the caller): every
/// visit with its notes and trace in the scenario's language, every year, the totals and the
/// figures used. Visits are listed in input order, as the scenario gives them.
pub fn adjudicate(scenario: &Scenario, policy: &Policy) -> Result<Outcome> {
    let mut outcome =
        adjudicate_as(scenario, policy, Adjudicator::explain).map_err(|e| with_figures_needed(scenario, policy, e))?;
    let mut by_input: Vec<Option<VisitOutcome>> = std::iter::repeat_with(|| None).take(scenario.visits.len()).collect();
    for visit in outcome.visits.drain(..) {
        let index = visit.numbers.index;
        by_input[index] = Some(visit);
    }
    outcome.visits = by_input.into_iter().flatten().collect();
    Ok(outcome)
}

/// [`adjudicate`] with each visit as a [`VisitLine`]: the same numbers, no texts; listed in date
/// order (equal dates in input order), the order they were adjudicated in, so that a table's
/// running figures (the cap left) read down its rows. `index` is each visit's input position.
pub fn adjudicate_lines(scenario: &Scenario, policy: &Policy) -> Result<Outcome<VisitLine>> {
    adjudicate_as(scenario, policy, Adjudicator::line).map_err(|e| with_figures_needed(scenario, policy, e))
}

/// An unknown figure's error with the other unknown figures the scenario needs, so that they can
/// be asked for at once rather than one per try. Each is found by adjudicating again with the ones
/// found so far set to what needs the most figures after them (`needs_most`). The list is therefore
/// what the figures still to be entered could need; entering them may leave some unused.
fn with_figures_needed(scenario: &Scenario, policy: &Policy, mut error: Error) -> Error {
    let ErrorKind::UnknownFigure { key, version, also } = &mut error.kind else { return error };
    let mut trial = scenario.clone();
    let mut next = (key.clone(), *version);
    // Each turn sets a figure the turns before did not, so the policy's figures bound the turns.
    for _ in 0..crate::limits::MAX_OVERRIDES {
        let value = needs_most(&next.0, || cap_unknown(&trial, policy, next.1));
        trial.overrides.insert(&next.0, next.1, value);
        // In a form the crate already has (a third instance of the adjudicator is 1.5 KB of wasm).
        match adjudicate_as(&trial, policy, Adjudicator::line) {
            Err(Error { kind: ErrorKind::UnknownFigure { key, version, .. }, .. }) => next = (key, version),
            _ => break,
        }
        // A figure asked for again would mean the placeholder did not take: stop rather than repeat.
        if also.contains(&next) || (&next.0, next.1) == (key, *version) {
            break;
        }
        also.push(next.clone());
    }
    error
}

/// The value of a figure under which the visits after it need the most other figures: no
/// deductible, a cap never reached, and a ratio that asks for the cap where the cap is unknown
/// (the fund pays all: a placeholder cap is never reached) and spares no later visit where it is
/// known (the fund pays nothing, so the cap is never used up).
fn needs_most(key: &str, cap_unknown: impl FnOnce() -> bool) -> Decimal {
    match FigureKind::of(key) {
        // Beyond any year's payments: 20,000 visits of at most 10 million yuan each.
        FigureKind::Amount if key.starts_with("cap.") => Decimal::from(1_000_000_000_000i64),
        FigureKind::Ratio if cap_unknown() => Decimal::ONE,
        FigureKind::Multiple => Decimal::ONE,
        FigureKind::Amount | FigureKind::Ratio | FigureKind::Points => Decimal::ZERO,
    }
}

/// Whether the member's cap is unknown and not yet entered in the version starting on `start`, or
/// in any version for a figure asked for once.
fn cap_unknown(scenario: &Scenario, policy: &Policy, start: Option<NaiveDate>) -> bool {
    let figures = Figures { policy, overrides: &scenario.overrides, lang: scenario.lang };
    policy.versions.iter().filter(|v| start.is_none_or(|start| v.start == start)).any(|version| {
        let cap = VersionFigures::new(&figures, version, scenario.member, scenario.settlement).cap;
        matches!(cap.value, Err(Error { kind: ErrorKind::UnknownFigure { .. }, .. }))
    })
}

/// The outcome with its visits in date order, each in the given form.
fn adjudicate_as<'a, V>(
    scenario: &'a Scenario,
    policy: &'a Policy,
    form: impl Fn(&Adjudicator<'a>, &VisitResult) -> V,
) -> Result<Outcome<V>> {
    let mut adjudicator = Adjudicator::new(scenario, policy);
    let mut visits = Vec::with_capacity(scenario.visits.len());
    for index in date_order(&scenario.visits) {
        let result = adjudicator.visit(index, &scenario.visits[index])?;
        visits.push(form(&adjudicator, &result));
    }
    let mut outcome = adjudicator.finish()?;
    outcome.visits = visits;
    Ok(outcome)
}

/// The visit at `index` (its position in the input) with its notes and trace, as [`adjudicate`]
/// gives it: the visits before it in date order are adjudicated, the rest are not.
pub fn explain_visit(scenario: &Scenario, policy: &Policy, index: usize) -> Result<VisitOutcome> {
    let mut adjudicator = Adjudicator::new(scenario, policy);
    for i in date_order(&scenario.visits) {
        let result = adjudicator.visit(i, &scenario.visits[i])?;
        if i == index {
            return Ok(adjudicator.explain(&result));
        }
    }
    let allowed = match scenario.visits.len() {
        0 => Vec::new(),
        n => vec![format!("0–{}", n - 1)],
    };
    Err(Error::new("index", ErrorKind::NotOneOf { value: index.to_string(), allowed }))
}

/// The positions of `visits` in date order; equal dates keep their input order.
pub fn date_order(visits: &[Visit]) -> Vec<usize> {
    dates_in_order(&visits.iter().map(|v| v.date).collect::<Vec<_>>())
}

/// The positions of `dates` in date order, equal dates in their given order. The one sort of the
/// crate: each sort call site adds a few KB of code to the wasm.
pub fn dates_in_order(dates: &[NaiveDate]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..dates.len()).collect();
    order.sort_unstable_by_key(|&i| (dates[i], i));
    order
}

/// What the rules decided for one visit: the numbers, the notes as codes, and the version applied.
/// No text is built; [`Adjudicator::explain`] turns it into a [`VisitOutcome`].
#[derive(Clone, Copy, Debug)]
pub struct VisitResult {
    /// Position of the visit in the input.
    pub index: usize,
    pub date: NaiveDate,
    pub facility: Facility,
    pub amount: Fen,
    pub out_of_scope: Fen,
    pub eligible: Fen,
    /// The part of this visit that went to the deductible.
    pub deductible: Fen,
    pub ratio: Decimal,
    pub fund: Fen,
    /// The member's share: always `amount − fund`.
    pub member: Fen,
    pub account: Fen,
    pub cash: Fen,
    pub cap_remaining_before: Option<Fen>,
    pub cap_remaining: Option<Fen>,
    /// Start date of the policy version applied, or `None` before the policy is in force.
    pub version: Option<NaiveDate>,
    pub notes: Notes,
    // What the explanation tells beyond the numbers above.
    /// The deductible to meet, and how much of it the year has paid after this visit.
    threshold: Fen,
    deductible_paid: Fen,
    /// The fund's payment at the ratio and the cap it was held to, when the cap was applied.
    owed: Option<Fen>,
    cap: Fen,
    /// The cap was used up before the visit, so no ratio was looked up (one may be unknown).
    ratio_not_needed: bool,
    /// Nothing was in scope, so no deductible was looked up (one may be unknown).
    deductible_not_needed: bool,
    /// The personal account's balance after the visit.
    balance: Fen,
}

macro_rules! note_codes {
    ($($variant:ident = $code:literal,)+) => {
        /// A note a visit can carry. The order here is the order notes are shown in.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum NoteCode { $($variant),+ }

        impl NoteCode {
            pub const ALL: &'static [NoteCode] = &[$(NoteCode::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $(NoteCode::$variant => $code),+ }
            }
        }
    };
}

note_codes!(
    NewYear = "new_year",
    NoAccountCredit = "no_account_credit",
    BeforePolicy = "before_policy",
    OutOfScope = "out_of_scope",
    Prescription = "prescription",
    NoDeductibleHere = "no_deductible_here",
    DeductibleMayBeHigher = "deductible_may_be_higher",
    DeductibleMetByChange = "deductible_met_by_change",
    DeductibleMet = "deductible_met",
    WithinDeductible = "within_deductible",
    FundAtLeast = "fund_at_least",
    FundAtLeastNearCap = "fund_at_least_near_cap",
    LeastFavourable = "least_favourable",
    LeastFavourableNearCap = "least_favourable_near_cap",
    CapRaised = "cap_raised",
    CapReachedByChange = "cap_reached_by_change",
    CapExhausted = "cap_exhausted",
    CapReached = "cap_reached",
);

/// A set of note codes, one bit each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Notes(u32);

// One bit of `Notes` for each code.
const _: () = assert!(NoteCode::ALL.len() <= u32::BITS as usize);

impl Notes {
    pub fn add(&mut self, code: NoteCode) {
        self.0 |= 1 << code as u32;
    }

    pub fn contains(self, code: NoteCode) -> bool {
        self.0 & (1 << code as u32) != 0
    }

    /// Takes `code` out; whether the set had it.
    fn remove(&mut self, code: NoteCode) -> bool {
        let had = self.contains(code);
        self.0 &= !(1 << code as u32);
        had
    }

    /// The codes in the order they are shown.
    pub fn iter(self) -> impl Iterator<Item = NoteCode> {
        NoteCode::ALL.iter().copied().filter(move |&code| self.contains(code))
    }
}

impl std::ops::BitOrAssign for Notes {
    fn bitor_assign(&mut self, other: Notes) {
        self.0 |= other.0;
    }
}

/// Adjudicates visits one at a time, in date order (equal dates in input order): the streaming
/// form of [`adjudicate`]. It keeps only the year in progress and the finished years' totals, so
/// its memory does not grow with the number of visits.
///
/// The figures each policy version gives the scenario's member category and settlement are looked
/// up once, here; a figure the policy leaves unknown is an error only when a visit needs it.
pub struct Adjudicator<'a> {
    scenario: &'a Scenario,
    policy: &'a Policy,
    /// The figures of each policy version, in the policy's order.
    figures: Vec<VersionFigures<'a>>,
    /// The scenario's period, or from the first visit to the latest so far.
    period: Option<Period>,
    /// The year in progress; `None` before the first visit.
    year: Option<YearState>,
    years: Vec<YearOutcome>,
    /// The statuses of the start dates visits rest on (`start_rested_on`), once each.
    start_statuses: Vec<Status>,
}

/// What accumulates within one natural year. A new one starts each 1 January: nothing carries
/// over but the personal account's balance.
#[derive(Default)]
struct YearState {
    year: i32,
    /// Whether this is the period's first year (whose first visit starts the period, not a year).
    first: bool,
    visits: usize,
    amount: Fen,
    eligible: Fen,
    deductible_paid: Fen,
    /// What the fund paid this year, which counts against the cap.
    fund_paid: Fen,
    /// In-scope spending above the deductible this year: what the fund would have paid at a ratio of 1.
    payable: Fen,
    account_paid: Fen,
    /// The deductible and the cap in force at the latest visit that needed them.
    deductible: Option<Fen>,
    cap: Option<Fen>,
    deductible_met_on: Option<NaiveDate>,
    cap_reached_on: Option<NaiveDate>,
    cap_exhausted: bool,
    /// The version applied to the year's latest visit, as an index into the policy's versions.
    last_version: Option<usize>,
    account_credit: Fen,
    /// The yearly credit was due on 1 January, but the policy was not in force yet: none was added.
    no_credit_before_policy: bool,
    balance: Fen,
}

/// The figures of one policy version that this scenario uses, each looked up once.
struct VersionFigures<'a> {
    /// The deductible, times the multiple for temporary care elsewhere.
    threshold: Lookup<'a, Fen>,
    /// The ratio at each facility tier (`Facility::ALL`, indexed by `facility as usize`), with the
    /// member's adjustment and the out-of-area reduction applied.
    ratio: [Lookup<'a, Decimal>; 4],
    cap: Lookup<'a, Fen>,
    account_credit: Lookup<'a, Fen>,
}

/// A value computed from figures, or the error to give when a visit needs it; with the figures it
/// rests on, the notes they call for, and whether the outcome used it.
struct Lookup<'a, T> {
    value: Result<T>,
    uses: Vec<FigureUse<'a>>,
    notes: Notes,
    used: Cell<bool>,
}

impl<'a, T: Copy> Lookup<'a, T> {
    /// Runs `find`, which looks figures up into the list it is given.
    fn find(find: impl FnOnce(&mut Vec<FigureUse<'a>>) -> Result<T>) -> Lookup<'a, T> {
        let mut uses = Vec::new();
        let value = find(&mut uses);
        if value.is_err() {
            uses.clear();
        }
        Lookup { value, uses, notes: Notes::default(), used: Cell::new(false) }
    }

    /// Adds `code` to the notes when one of the figures passes `test`.
    fn noting(mut self, code: NoteCode, test: impl Fn(&FigureUse<'a>) -> bool) -> Lookup<'a, T> {
        if self.uses.iter().any(test) {
            self.notes.add(code);
        }
        self
    }

    /// The value; its figures count as used.
    fn get(&self) -> Result<T> {
        let value = self.value.clone()?;
        self.used.set(true);
        Ok(value)
    }

    /// The value when it is known (for information: meters, cap left).
    fn known(&self) -> Option<T> {
        self.get().ok()
    }

    fn figures(&self) -> &[FigureUse<'a>] {
        &self.uses
    }
}

impl<'a> VersionFigures<'a> {
    fn new(figures: &Figures<'a>, version: &'a Version, member: Member, settlement: Settlement) -> VersionFigures<'a> {
        let get = |key: &str, uses: &mut Vec<FigureUse<'a>>| figures.uses(version, key, uses);
        let threshold = Lookup::find(|uses| {
            let mut threshold = get("deductible", uses)?;
            if matches!(settlement, Settlement::TemporaryReferred | Settlement::TemporaryUnreferred) {
                threshold = round_fen(threshold * get(OUT_OF_AREA_MULTIPLE, uses)?);
            }
            in_fen(threshold, "deductible")
        });
        let ratio = |facility: Facility| {
            Lookup::find(|uses| {
                let mut ratio = get(&format!("ratio.{}", facility.key()), uses)?;
                ratio += get(&format!("adjustment.{}", member.key()), uses)?;
                if let Some(key) = reduction_key(settlement) {
                    ratio -= get(key, uses)?;
                }
                Ok(ratio.clamp(Decimal::ZERO, Decimal::ONE))
            })
            .noting(NoteCode::FundAtLeast, |f| f.status() == Status::LowerBound)
            .noting(NoteCode::LeastFavourable, |f| f.status() == Status::UpperBound)
        };
        let amount = |group: &str| {
            let key = format!("{group}.{}", member.key());
            Lookup::find(|uses| in_fen(get(&key, uses)?, &key))
        };
        VersionFigures {
            threshold: threshold.noting(NoteCode::DeductibleMayBeHigher, |f| {
                f.key() == OUT_OF_AREA_MULTIPLE && f.status() == Status::LowerBound
            }),
            ratio: std::array::from_fn(|i| ratio(Facility::ALL[i])),
            cap: amount("cap"),
            account_credit: amount("account_credit"),
        }
    }

    fn ratio(&self, facility: Facility) -> &Lookup<'a, Decimal> {
        &self.ratio[facility as usize]
    }

    /// Every figure this version's used lookups rest on.
    fn used_figures(&self) -> impl Iterator<Item = &FigureUse<'a>> {
        let money = [&self.threshold, &self.cap, &self.account_credit]
            .into_iter()
            .filter(|l| l.used.get())
            .flat_map(|l| l.figures());
        let ratios = self.ratio.iter().filter(|l| l.used.get()).flat_map(|l| l.figures());
        money.chain(ratios)
    }
}

/// An amount figure in fen. Policy files and overrides give amounts with at most two decimals;
/// an amount set in code with more is refused as the override it stands for would be.
fn in_fen(value: Decimal, key: &str) -> Result<Fen> {
    Fen::from_yuan(value).ok_or_else(|| Error::new(format!("overrides.{key}"), not_in_fen(value)))
}

/// Why an amount has no value in fen: more than two decimals, or too large.
fn not_in_fen(value: Decimal) -> ErrorKind {
    if value.normalize().scale() > 2 {
        ErrorKind::TooManyDecimals
    } else {
        ErrorKind::AmountTooLarge
    }
}

/// A visit's amounts in fen, checked as the scenario reader checks them (a visit made in code has
/// not been through the reader).
fn visit_amounts(index: usize, visit: &Visit) -> Result<(Fen, Fen)> {
    let fen = |value: Decimal, name: &str| {
        let kind = match Fen::from_yuan(value) {
            _ if value.is_sign_negative() && !value.is_zero() => ErrorKind::Negative,
            Some(fen) if fen.0 <= MAX_AMOUNT_YUAN * 100 => return Ok(fen),
            Some(_) => ErrorKind::AmountTooLarge,
            None => not_in_fen(value),
        };
        Err(Error::new(format!("visits[{index}].{name}"), kind))
    };
    let (amount, out_of_scope) = (fen(visit.amount, "amount")?, fen(visit.out_of_scope, "out_of_scope")?);
    if out_of_scope > amount {
        return Err(Error::new(format!("visits[{index}].out_of_scope"), ErrorKind::OutOfScopeExceedsAmount));
    }
    Ok((amount, out_of_scope))
}

impl<'a> Adjudicator<'a> {
    /// An adjudicator for `scenario` under `policy`. Only the scenario's choices are read here
    /// (member, settlement, period, overrides, account, language), not its visits.
    pub fn new(scenario: &'a Scenario, policy: &'a Policy) -> Adjudicator<'a> {
        let figures = Figures { policy, overrides: &scenario.overrides, lang: scenario.lang };
        let versions = policy.versions.iter();
        Adjudicator {
            scenario,
            policy,
            figures: versions.map(|v| VersionFigures::new(&figures, v, scenario.member, scenario.settlement)).collect(),
            period: scenario.period,
            year: None,
            years: Vec::new(),
            start_statuses: Vec::new(),
        }
    }

    /// Adjudicates the next visit. Visits must come in date order; `index` is the visit's position
    /// in the input, carried through to the result.
    pub fn visit(&mut self, index: usize, visit: &Visit) -> Result<VisitResult> {
        let (amount, out_of_scope) = visit_amounts(index, visit)?;
        let period = self.period.get_or_insert(Period { start: visit.date, end: visit.date });
        period.end = period.end.max(visit.date);
        self.advance_to(visit.date.year())?;
        let Some(year) = self.year.as_mut() else { unreachable!("advance_to opens the visit's year") };

        let mut r = VisitResult {
            index,
            date: visit.date,
            facility: visit.facility,
            amount,
            out_of_scope,
            eligible: Fen::ZERO,
            deductible: Fen::ZERO,
            ratio: Decimal::ZERO,
            fund: Fen::ZERO,
            member: Fen::ZERO,
            account: Fen::ZERO,
            cash: Fen::ZERO,
            cap_remaining_before: None,
            cap_remaining: None,
            version: None,
            notes: Notes::default(),
            threshold: Fen::ZERO,
            deductible_paid: Fen::ZERO,
            owed: None,
            cap: Fen::ZERO,
            ratio_not_needed: false,
            deductible_not_needed: false,
            balance: Fen::ZERO,
        };
        // The new year's note, when there was a year before it in the period and under the policy.
        let in_force_last_year = version_on(self.policy, year_end(visit.date.year() - 1)).is_some();
        if year.visits == 0 && !year.first && in_force_last_year {
            r.notes.add(NoteCode::NewYear);
        }
        // A year's missing credit is said where the year's first visit is, as the new year is.
        if year.visits == 0 && year.no_credit_before_policy {
            r.notes.add(NoteCode::NoAccountCredit);
        }
        // Before the policy's first version the fund pays nothing and nothing counts.
        match version_on(self.policy, visit.date) {
            Some(v) => {
                // Advice, not arithmetic: the estimate cannot know whether there was a prescription.
                if visit.facility == Facility::Pharmacy {
                    r.notes.add(NoteCode::Prescription);
                }
                apply_rules(&mut r, year, &self.policy.versions[v], v, &self.figures[v])?
            }
            None => r.notes.add(NoteCode::BeforePolicy),
        }
        year.book(&mut r, self.scenario.account.is_some_and(|a| a.pays_member_share));
        if let Some(status) = self.start_rested_on(&r).map(|v| v.start_status) {
            if !self.start_statuses.contains(&status) {
                self.start_statuses.push(status);
            }
        }
        Ok(r)
    }

    /// Closes the period's remaining years and gives the outcome without visits (they were handed
    /// out one at a time): every year, the totals and every figure used.
    pub fn finish<V>(mut self) -> Result<Outcome<V>> {
        if let Some(period) = self.period {
            self.advance_to(period.end.year())?;
        }
        if let Some(year) = self.year.take() {
            self.close(year);
        }
        let mut totals = Totals::default();
        for y in &self.years {
            totals.amount.0 += y.amount.0;
            totals.fund.0 += y.fund.0;
            totals.member.0 += y.member.0;
            totals.account.0 += y.account.0;
            totals.cash.0 += y.cash.0;
        }
        // Totals are whole fen, being sums of amounts and of payments rounded to the fen.
        let (member, amount) = (Fen::from_yuan(totals.member.0), Fen::from_yuan(totals.amount.0));
        totals.effective_share = member.zip(amount).and_then(|(member, amount)| member.share(amount)).map(Ratio);
        // Every figure used, once per key and version.
        let mut used = VecMap::new();
        for figure in self.figures.iter().flat_map(VersionFigures::used_figures) {
            used.insert_if_absent((figure.key(), figure.version), figure);
        }
        // In reading order, each figure's versions in date order (the map's order); sized first,
        // as a list collected through a filter does not know its length.
        let mut figures = Vec::with_capacity(used.len());
        let in_order = (0..READING_RANKS).flat_map(|rank| used.values().filter(move |f| reading_rank(f.key()) == rank));
        figures.extend(in_order.map(|f| f.to_used(self.scenario.lang)));
        let mut rests_on: Vec<Status> = used.values().map(|f| f.status()).collect();
        rests_on.extend(self.start_statuses);
        Ok(Outcome {
            policy: PolicyRef { id: self.policy.id.clone(), name: self.policy.name.get(self.scenario.lang).to_owned() },
            member: self.scenario.member,
            settlement: self.scenario.settlement,
            period: self.period.map(|p| PeriodOut { start: p.start, end: p.end }),
            visits: Vec::new(),
            years: self.years,
            totals,
            figures,
            marks: to_point_out(&rests_on),
        })
    }

    /// Closes years and opens the next ones until `year` is in progress (from the period's first).
    fn advance_to(&mut self, year: i32) -> Result<()> {
        loop {
            let (next, balance) = match self.year.take() {
                Some(current) if current.year >= year => {
                    self.year = Some(current);
                    return Ok(());
                }
                Some(current) => (current.year + 1, self.close(current)),
                None => {
                    let balance = self.scenario.account.map_or(Decimal::ZERO, |a| a.balance);
                    let opening = Fen::from_yuan(balance)
                        .ok_or_else(|| Error::new("account.balance", ErrorKind::TooManyDecimals))?;
                    (self.period.map_or(year, |p| p.start.year()), opening)
                }
            };
            self.year = Some(self.open(next, balance)?);
        }
    }

    fn open(&self, year: i32, mut balance: Fen) -> Result<YearState> {
        let (mut account_credit, mut no_credit_before_policy) = (Fen::ZERO, false);
        // The yearly credit comes on 1 January from the version then in force: not before the policy
        // (whose figures are all the estimator has), nor for a year whose 1 January is before the
        // scenario's period (the starting balance has it).
        let credited_in_period = self.scenario.period.is_none_or(|p| p.start <= new_year(year));
        if self.scenario.account.is_some_and(|a| a.yearly_credit) && credited_in_period {
            match version_on(self.policy, new_year(year)) {
                Some(v) => {
                    account_credit = self.figures[v].account_credit.get()?;
                    balance += account_credit;
                }
                None => no_credit_before_policy = true,
            }
        }
        let first = self.period.is_some_and(|p| p.start.year() == year);
        Ok(YearState { year, first, account_credit, no_credit_before_policy, balance, ..YearState::default() })
    }

    /// Books a finished year; returns the account balance it hands on to the next.
    fn close(&mut self, mut y: YearState) -> Fen {
        let (first, last) = match self.period {
            Some(p) => (p.start.max(new_year(y.year)), p.end.min(year_end(y.year))),
            None => (new_year(y.year), year_end(y.year)),
        };
        let versions = &self.policy.versions;
        // The year as it stands at the end of its part of the period: a version that came in after
        // its last visit changes the deductible's and the cap's dates as it would for a visit.
        let at_end = version_on(self.policy, last);
        if let (Some(from), Some(to)) = (y.last_version, at_end) {
            for (version, figures) in versions.iter().zip(&self.figures).take(to + 1).skip(from + 1) {
                let changed = change_day(version, last);
                if let Some(threshold) = figures.threshold.known().filter(|t| !t.is_zero()) {
                    y.settle_deductible(threshold, Fen::ZERO, changed, Some(changed));
                }
                if let Some(cap) = figures.cap.known() {
                    y.settle_cap(cap, changed);
                }
            }
        }
        // For the meters: the figures in force at the year's end in the period (those the last
        // visit used, when it was under that version and a figure is not known otherwise).
        let (mut deductible, mut cap) = (y.deductible, y.cap);
        if let Some(v) = at_end {
            let same = y.last_version == Some(v);
            deductible = self.figures[v].threshold.known().or(deductible.filter(|_| same));
            cap = self.figures[v].cap.known().or(cap.filter(|_| same));
        }
        let mut cap_steps = Vec::new();
        for (i, version) in versions.iter().enumerate() {
            let next_start = versions.get(i + 1).map(|v| v.start);
            if version.start <= last && next_start.is_none_or(|n| n > first) {
                cap_steps
                    .push(CapStep { from: version.start.max(first), cap: self.figures[i].cap.known().map(Fen::yuan) });
            }
        }
        let member = y.amount - y.fund_paid;
        self.years.push(YearOutcome {
            year: y.year,
            visits: y.visits,
            amount: y.amount.yuan(),
            eligible: y.eligible.yuan(),
            fund: y.fund_paid.yuan(),
            member: member.yuan(),
            account: y.account_paid.yuan(),
            cash: (member - y.account_paid).yuan(),
            deductible: deductible.map(Fen::yuan),
            deductible_paid: y.deductible_paid.yuan(),
            cap: cap.map(Fen::yuan),
            cap_used: y.fund_paid.yuan(),
            deductible_met_on: y.deductible_met_on,
            cap_reached_on: y.cap_reached_on,
            account_credit: y.account_credit.yuan(),
            account_balance_end: y.balance.yuan(),
            cap_steps,
        });
        y.balance
    }
}

/// The index of the version in force on `date`, if any.
fn version_on(policy: &Policy, date: NaiveDate) -> Option<usize> {
    policy.versions.iter().rposition(|v| v.start <= date)
}

/// The rules for a visit under a version in force (`v`, its index): scope, deductible, ratio, cap.
fn apply_rules(
    r: &mut VisitResult,
    year: &mut YearState,
    version: &Version,
    v: usize,
    figures: &VersionFigures,
) -> Result<()> {
    let version_changed = year.last_version.is_some_and(|last| last != v);
    year.last_version = Some(v);
    r.version = Some(version.start);
    r.eligible = r.amount - r.out_of_scope;
    if !r.out_of_scope.is_zero() {
        r.notes.add(NoteCode::OutOfScope);
    }

    // Deductible.
    if version.deductible_exempt.contains(&r.facility) {
        r.notes.add(NoteCode::NoDeductibleHere);
    } else if r.eligible.is_zero() && figures.threshold.known().is_none() {
        // Nothing in scope counts toward any deductible: an unknown one is not needed.
        r.deductible_not_needed = true;
    } else {
        let threshold = figures.threshold.get()?;
        r.notes |= figures.threshold.notes;
        year.deductible = Some(threshold);
        r.deductible = r.eligible.min((threshold - year.deductible_paid).max(Fen::ZERO));
        year.deductible_paid += r.deductible;
        r.threshold = threshold;
        r.deductible_paid = year.deductible_paid;
        let changed = version_changed.then(|| change_day(version, r.date));
        if let Some(note) = year.settle_deductible(threshold, r.deductible, r.date, changed) {
            r.notes.add(note);
        }
    }

    if let Some(cap) = figures.cap.known() {
        if year.settle_cap(cap, change_day(version, r.date)) {
            r.cap = cap;
            r.notes.add(NoteCode::CapReachedByChange);
        }
    }

    // Ratio, then cap: only looked up when there is something above the deductible to pay.
    let payable = r.eligible - r.deductible;
    if payable > Fen::ZERO {
        let payable_before = year.payable;
        year.payable += payable;
        let ratio = figures.ratio(r.facility);
        // With the cap used up the fund pays nothing at any ratio: an unknown one is not needed.
        let used_up = || figures.cap.known().filter(|&cap| year.fund_paid >= cap);
        if let Some(cap) = ratio.known().is_none().then(used_up).flatten() {
            year.cap = Some(cap);
            r.cap = cap;
            r.ratio_not_needed = true;
            r.notes.add(cap_stops(year, r.date));
            (r.cap_remaining_before, r.cap_remaining) = (Some(Fen::ZERO), Some(Fen::ZERO));
            return Ok(());
        }
        r.ratio = ratio.get()?;
        r.notes |= ratio.notes;
        let owed = payable.times(r.ratio);
        if !owed.is_zero() {
            // What earlier visits could have paid at a higher real ratio: what they did when the cap
            // then in force held them to it (a later version raised it), else all above the deductible.
            let could_have_paid =
                if year.cap_exhausted && year.cap == Some(year.fund_paid) { year.fund_paid } else { payable_before };
            let cap = figures.cap.get()?;
            year.cap = Some(cap);
            let remaining = (cap - year.fund_paid).max(Fen::ZERO);
            if remaining > Fen::ZERO && year.cap_exhausted {
                r.notes.add(NoteCode::CapRaised);
            }
            r.fund = owed.min(remaining);
            year.fund_paid += r.fund;
            near_cap(&mut r.notes, r.fund, remaining, could_have_paid + r.fund > cap);
            if remaining.is_zero() {
                r.notes.add(cap_stops(year, r.date));
            } else if r.fund == remaining {
                year.cap_reached_on = Some(r.date);
                r.notes.add(NoteCode::CapReached);
            }
            year.cap_exhausted = year.fund_paid >= cap;
            (r.owed, r.cap) = (Some(owed), cap);
            (r.cap_remaining_before, r.cap_remaining) = (Some(remaining), Some(remaining - r.fund));
            return Ok(());
        }
    }
    // The cap left, for the table and meters, even when this visit did not need the cap.
    let left = figures.cap.known().map(|cap| (cap - year.fund_paid).max(Fen::ZERO));
    (r.cap_remaining_before, r.cap_remaining) = (left, left);
    Ok(())
}

/// The note for a visit the cap leaves nothing for. A cap of 0 (an override) with nothing paid
/// this year is reached by the first visit it stops, as a deductible of 0 is met by the first
/// visit it applies to; any other cap with no room left was reached before.
fn cap_stops(year: &mut YearState, date: NaiveDate) -> NoteCode {
    if year.cap_reached_on.is_some() {
        return NoteCode::CapExhausted;
    }
    year.cap_reached_on = Some(date);
    year.cap_exhausted = true;
    NoteCode::CapReached
}

/// The day `version` came into force, within the year of a visit on `date` (a version in force
/// since an earlier year came in for this one on 1 January): when a change met the deductible or
/// reached the cap.
fn change_day(version: &Version, date: NaiveDate) -> NaiveDate {
    version.start.max(new_year(date.year()))
}

/// A ratio that is only a lower bound (or a reduction only an upper one) gives a visit's payment
/// as a lower bound only while the cap is out of reach: a higher real ratio uses more of the cap
/// on earlier visits. Past the point where a ratio of 1 could have done so (`cap_in_reach`) the
/// payment may be more or less. The payment is exact once the cap is used up, and when it was held
/// to the cap left (`fund == remaining`) while earlier visits could not have used more of it: a
/// higher ratio would be held to the same amount.
fn near_cap(notes: &mut Notes, fund: Fen, remaining: Fen, cap_in_reach: bool) {
    let exact = remaining.is_zero() || (fund == remaining && !cap_in_reach);
    for (bound, near) in [
        (NoteCode::FundAtLeast, NoteCode::FundAtLeastNearCap),
        (NoteCode::LeastFavourable, NoteCode::LeastFavourableNearCap),
    ] {
        if exact {
            notes.remove(bound);
        } else if cap_in_reach && notes.remove(bound) {
            notes.add(near);
        }
    }
}

/// The statuses among `used` that need pointing out, once each, in the order of `Status`.
fn to_point_out(used: &[Status]) -> Vec<Status> {
    Status::ALL.iter().copied().filter(|s| s.needs_flag() && used.contains(s)).collect()
}

impl VisitResult {
    /// Whether a ratio applied: spending above the deductible, and the cap not used up before an
    /// unknown ratio was needed.
    fn ratio_applied(&self) -> bool {
        self.eligible > self.deductible && !self.ratio_not_needed
    }
}

impl YearState {
    /// The deductible's date once `part` of it was paid on `date` (`changed`: the day the version
    /// came in, when it came in since the year's last visit): met on the visit that pays it up, or
    /// on the day of a change that lowers it to what was paid; no longer met when a change raises
    /// it above that. The visit's note, if it gets one.
    fn settle_deductible(
        &mut self,
        threshold: Fen,
        part: Fen,
        date: NaiveDate,
        changed: Option<NaiveDate>,
    ) -> Option<NoteCode> {
        if self.deductible_paid < threshold {
            self.deductible_met_on = None;
            return Some(NoteCode::WithinDeductible);
        }
        if self.deductible_met_on.is_some() {
            return None;
        }
        // A deductible of 0 is met by the first visit it applies to, not by the change.
        let by_change = changed.filter(|_| part.is_zero() && !threshold.is_zero());
        self.deductible_met_on = Some(by_change.unwrap_or(date));
        Some(if by_change.is_some() { NoteCode::DeductibleMetByChange } else { NoteCode::DeductibleMet })
    }

    /// The cap's date under a version's `cap`, in force since `changed`. A cap raised after it was
    /// reached (Jiangxi, July 2023) is not reached while it leaves room, whether or not a visit has
    /// anything to pay from it; a payment that uses the room up reaches it again. A cap lowered to
    /// what the fund has already paid is reached on the day of the change, as a deductible lowered
    /// to what was paid is met then: true when that happened now.
    fn settle_cap(&mut self, cap: Fen, changed: NaiveDate) -> bool {
        if cap > self.fund_paid {
            self.cap_reached_on = None;
        } else if self.cap_reached_on.is_none() && self.fund_paid > Fen::ZERO {
            self.cap_reached_on = Some(changed);
            self.cap_exhausted = true;
            return true;
        }
        false
    }

    /// Books a visit: the member's share is the total less the fund's payment (so the two add up
    /// exactly), split between the personal account and cash.
    fn book(&mut self, r: &mut VisitResult, pays_member_share: bool) {
        r.member = r.amount - r.fund;
        if pays_member_share {
            r.account = r.member.min(self.balance);
            self.balance -= r.account;
        }
        r.cash = r.member - r.account;
        r.balance = self.balance;
        self.visits += 1;
        self.amount += r.amount;
        self.eligible += r.eligible;
        self.account_paid += r.account;
    }
}

// ---------------------------------------------------------------------------------------------
// The explanation: notes and trace in the scenario's language, with the figures behind them.

impl Adjudicator<'_> {
    /// The visit as the outcome shows it: the numbers with notes and a trace of the rules and
    /// figures applied, in the scenario's language.
    pub fn explain(&self, r: &VisitResult) -> VisitOutcome {
        let lang = self.scenario.lang;
        let mut trace = Vec::new();
        if let Some(first) = self.policy_not_yet_in_force(r) {
            trace.push(step("version", tr!(lang, zh: "本政策 {} 起施行{}，此前没有统筹基金支付", en: "The policy takes effect on {}{}; before it the fund pays nothing", iso(first.start), start_qualifier(first, lang)), &[], lang));
        }
        if let Some((version, figures)) = self.version_of(r) {
            trace.push(step("version", tr!(lang, zh: "适用 {} 起施行的政策版本{}", en: "Policy version in force from {}{}", iso(version.start), start_qualifier(version, lang)), &[], lang));
            trace.push(step("scope", tr!(lang, zh: "政策范围内 {} 元 = 总额 {} 元 − 范围外 {} 元（范围外部分由个人自付，不计入起付线）", en: "In scope {} = total {} − out of scope {} (the out-of-scope part is the member's and never counts)", r.eligible.yuan(), r.amount.yuan(), r.out_of_scope.yuan()), &[], lang));
            let [deductible, ratio, cap] = rule_figures(r, version, figures);
            match deductible {
                None if r.deductible_not_needed => trace.push(step(
                    "deductible",
                    tr!(lang, zh: "政策范围内费用为 0：不计入起付线，也不需要起付线金额", en: "Nothing in scope: nothing counts toward the deductible, so its figure is not needed"),
                    &[],
                    lang,
                )),
                None => trace.push(step(
                    "deductible",
                    tr!(lang, zh: "该级别机构不设起付线", en: "No deductible at this tier"),
                    &[],
                    lang,
                )),
                Some(used) => {
                    let before = r.deductible_paid - r.deductible;
                    trace.push(step("deductible", tr!(lang, zh: "起付线 {} 元；本年此前已累计 {} 元，本次计入 {} 元，累计 {} 元", en: "Deductible {}; paid toward it this year before {}, this visit {}, now {}", r.threshold.yuan(), before.yuan(), r.deductible.yuan(), r.deductible_paid.yuan()), used, lang));
                }
            }
            if let Some(used) = ratio {
                trace.push(step("ratio", self.ratio_text(r.ratio, used), used, lang));
            }
            if let Some(used) = cap.filter(|_| r.ratio_not_needed) {
                trace.push(step("cap", tr!(lang, zh: "年度限额 {} 元已用完：无论支付比例多少，统筹基金都不支付，因此不需要该比例", en: "The annual cap of {} is used up: whatever the ratio, the fund pays nothing, so no ratio is needed", r.cap.yuan()), used, lang));
            }
            // Neither of those: the cap was looked at only because a change reached it (`rule_figures`).
            if let Some(used) = cap.filter(|_| r.owed.is_none() && !r.ratio_not_needed) {
                trace.push(step("cap", tr!(lang, zh: "年度限额自 {} 起为 {} 元，本年统筹基金已支付的金额已达到该限额：本年统筹基金不再支付", en: "From {} the annual cap is {}, which the fund's payments this year have already reached: the fund pays nothing more this year", iso(version.start), r.cap.yuan()), used, lang));
            }
            if let (Some(used), Some(owed), Some(remaining)) = (cap, r.owed, r.cap_remaining_before) {
                trace.push(step("cap", tr!(lang, zh: "按比例应付 {} 元；年度限额 {} 元，此前剩余 {} 元；统筹基金支付 {} 元，剩余 {} 元", en: "At the ratio the fund owes {}; annual cap {}, remaining before {}; the fund pays {}, remaining {}", owed.yuan(), r.cap.yuan(), remaining.yuan(), r.fund.yuan(), (remaining - r.fund).yuan()), used, lang));
            }
        }
        if self.scenario.account.is_some() {
            trace.push(step("account", tr!(lang, zh: "个人负担 {} 元：个人账户支付 {} 元（余额 {} 元），现金支付 {} 元", en: "Member's share {}: personal account {} (balance now {}), cash {}", r.member.yuan(), r.account.yuan(), r.balance.yuan(), r.cash.yuan()), &[], lang));
        }
        VisitOutcome {
            numbers: numbers(r),
            notes: r.notes.iter().map(|code| Note { code: code.code(), text: self.note_text(code, r) }).collect(),
            trace,
            marks: self.marks(r),
        }
    }

    /// The visit as the page lists it: numbers, note codes and the statuses to point out.
    pub fn line(&self, r: &VisitResult) -> VisitLine {
        VisitLine { numbers: numbers(r), marks: self.marks(r) }
    }

    /// The statuses to point out among the figures a visit rests on, in the order of `Status`.
    fn marks(&self, r: &VisitResult) -> Vec<Status> {
        let mut used = Vec::new();
        if let Some((version, figures)) = self.version_of(r) {
            used.extend(rule_figures(r, version, figures).into_iter().flatten().flatten().map(FigureUse::status));
        }
        used.extend(self.start_rested_on(r).map(|v| v.start_status));
        to_point_out(&used)
    }

    /// The policy's first version, for a visit before it.
    fn policy_not_yet_in_force(&self, r: &VisitResult) -> Option<&Version> {
        self.policy.versions.first().filter(|_| r.notes.contains(NoteCode::BeforePolicy))
    }

    /// The version whose start date a visit rests on: the policy's first, for a visit before it
    /// (it rests on that date alone), or its own in the year that version came in (were the real
    /// day another, the visit could have fallen under the version before it, or after it).
    fn start_rested_on(&self, r: &VisitResult) -> Option<&Version> {
        match self.version_of(r) {
            Some((version, _)) => Some(version).filter(|v| v.start.year() == r.date.year()),
            None => self.policy_not_yet_in_force(r),
        }
    }

    /// The version applied to a visit and its figures; `None` before the policy is in force.
    fn version_of(&self, r: &VisitResult) -> Option<(&Version, &VersionFigures<'_>)> {
        let v = self.policy.versions.iter().position(|v| Some(v.start) == r.version)?;
        Some((&self.policy.versions[v], &self.figures[v]))
    }

    /// The policy's first start date and how sure it is, for the notes that name it.
    fn policy_start(&self, lang: Lang) -> (String, &'static str) {
        match self.policy.versions.first() {
            Some(first) => (iso(first.start), start_qualifier(first, lang)),
            None => (String::new(), ""),
        }
    }

    /// The start of the first version later in the visit's year whose cap is above the one the
    /// visit used up, or unknown: until then nothing can pay again.
    fn cap_may_rise_after(&self, r: &VisitResult) -> Option<NaiveDate> {
        let later = |(v, _): &(&Version, &VersionFigures)| v.start > r.date && v.start.year() == r.date.year();
        let raises = |(_, f): &(&Version, &VersionFigures)| f.cap.known().is_none_or(|cap| cap > r.cap);
        self.policy.versions.iter().zip(&self.figures).filter(later).find(raises).map(|(v, _)| v.start)
    }

    fn note_text(&self, code: NoteCode, r: &VisitResult) -> String {
        let lang = self.scenario.lang;
        let start = r.version.map(iso).unwrap_or_default();
        match code {
            NoteCode::NewYear => {
                tr!(lang, zh: "{}年1月1日起重新累计：起付线重新计算，年度限额全额恢复；上一年未用的限额只是支付上限，不是可领的钱，所以既不结转，也谈不上清零作废。", en: "From 1 January {} everything starts again: the deductible applies anew and the full cap is available; last year's unused cap was a ceiling, not money, so nothing is carried over or lost.", r.date.year())
            }
            NoteCode::NoAccountCredit => {
                let (start, qualifier) = self.policy_start(lang);
                let year = r.date.year();
                tr!(lang, zh: "本政策 {} 起施行{}，晚于{}年1月1日，因此{}年没有个人账户年划入额；此前办法下的划入额来源未给出，未计入。", en: "The policy took effect on {}{}, after 1 January {}, so no yearly credit goes into the personal account for {}; a credit under the earlier rules is not known here and is not included.", start, qualifier, year, year)
            }
            NoteCode::BeforePolicy => {
                let (start, qualifier) = self.policy_start(lang);
                tr!(lang, zh: "就诊日期早于本政策施行日 {}{}，统筹基金不支付，全部由个人负担，也不计入起付线。", en: "The visit is before the policy took effect on {}{}: the fund pays nothing and it does not count toward the deductible.", start, qualifier)
            }
            NoteCode::OutOfScope => {
                tr!(lang, zh: "其中 {} 元不在政策范围内，由个人全额负担。", en: "{} of it is outside the policy scope and paid by the member in full.", r.out_of_scope.yuan())
            }
            NoteCode::Prescription => {
                tr!(lang, zh: "在定点零售药店购药，须凭定点医疗机构开具的处方，所购药品须在医保目录内，才能享受门诊统筹报销；本估算假定如此。", en: "A purchase at a designated retail pharmacy is covered by outpatient pooling only with a prescription from a designated medical institution, for drugs on the insurance list; this estimate assumes both.")
            }
            NoteCode::NoDeductibleHere => {
                tr!(lang, zh: "在{}就诊不设起付线。", en: "No deductible applies at this tier ({}).", r.facility.label(lang))
            }
            NoteCode::DeductibleMayBeHigher => {
                tr!(lang, zh: "临时外出就医的起付标准可能上调（倍数来源不清），实际起付线可能更高。", en: "For temporary care elsewhere the deductible may be raised (the multiple is not known), so the real deductible may be higher.")
            }
            NoteCode::DeductibleMetByChange => {
                tr!(lang, zh: "政策自 {} 起调整：本年已累计的 {} 元已达到新的起付线 {} 元。", en: "The policy changed on {}: the {} already paid this year meets the new deductible of {}.", start, r.deductible_paid.yuan(), r.threshold.yuan())
            }
            NoteCode::DeductibleMet => {
                tr!(lang, zh: "本次就诊达到本年起付线 {} 元，超出部分按比例由统筹基金支付。", en: "This visit reaches the year's deductible of {}; the spending above it is paid by the fund at the ratio.", r.threshold.yuan())
            }
            NoteCode::WithinDeductible => {
                tr!(lang, zh: "尚未达到起付线：本次政策范围内费用由个人负担并计入起付线。", en: "The deductible is not yet met: the member pays this in-scope spending, and it counts toward the deductible.")
            }
            NoteCode::FundAtLeast => {
                tr!(lang, zh: "所用支付比例只是下限（来源只给出“不低于”），统筹基金实际支付可能更多。", en: "The ratio used is only a lower bound (the source says \"no less than\"), so the fund may pay more.")
            }
            NoteCode::FundAtLeastNearCap => {
                tr!(lang, zh: "所用支付比例只是下限（来源只给出“不低于”）；实际比例更高时年度限额会更早用完，本次统筹基金支付可能更多，也可能更少。", en: "The ratio used is only a lower bound (the source says \"no less than\"); with a higher real ratio the cap is reached sooner, so the fund's payment for this visit may be more or less.")
            }
            NoteCode::LeastFavourable => {
                tr!(lang, zh: "异地就医比例按最多下调的幅度计算，就比例而言是最不利的情形。", en: "Out-of-area care is reduced by the most the rules allow: for the ratio, this is the least favourable case.")
            }
            NoteCode::LeastFavourableNearCap => {
                tr!(lang, zh: "异地就医比例按最多下调的幅度计算；实际下调更少时年度限额会更早用完，本次统筹基金支付可能更多，也可能更少。", en: "Out-of-area care is reduced by the most the rules allow; with a smaller real reduction the cap is reached sooner, so the fund's payment for this visit may be more or less.")
            }
            NoteCode::CapRaised => {
                // The cap was raised above what the year had paid, so that is the cap less what was left.
                let paid = r.cap - r.cap_remaining_before.unwrap_or_default();
                tr!(lang, zh: "年度限额自 {} 起提高为 {} 元，本年已支付的 {} 元计入新限额。", en: "From {} the cap is {}; the {} already paid this year counts against it.", start, r.cap.yuan(), paid.yuan())
            }
            NoteCode::CapReachedByChange => {
                tr!(lang, zh: "年度限额自 {} 起为 {} 元，本年统筹基金已支付的金额已达到该限额。", en: "From {} the cap is {}, which the fund's payments this year have already reached.", start, r.cap.yuan())
            }
            NoteCode::CapExhausted => match self.cap_may_rise_after(r) {
                // A later version this year may raise the cap (it does, or its cap is unknown).
                Some(change) => {
                    tr!(lang, zh: "本年统筹基金限额已用完：至少到 {} 政策调整前由个人全额负担。", en: "This year's cap is used up: the member pays in full at least until the policy changes on {}.", iso(change))
                }
                None => {
                    tr!(lang, zh: "本年统筹基金限额已用完：到 1 月 1 日前由个人全额负担。", en: "This year's cap is used up: the member pays in full until 1 January.")
                }
            },
            NoteCode::CapReached => {
                tr!(lang, zh: "本次就诊用完本年统筹基金限额 {} 元。", en: "This visit reaches the year's fund cap of {}.", r.cap.yuan())
            }
        }
    }

    fn ratio_text(&self, ratio: Decimal, used: &[FigureUse<'_>]) -> String {
        let lang = self.scenario.lang;
        let value =
            |prefix: &str| used.iter().find(|f| f.key().starts_with(prefix)).and_then(|f| f.value).unwrap_or_default();
        let mut text = match lang {
            Lang::Zh => format!("支付比例 {} = 机构级别比例 {}", percent(ratio), percent(value("ratio."))),
            Lang::En => format!("Ratio {} = tier ratio {}", percent(ratio), percent(value("ratio."))),
        };
        // An adjustment is in percentage points, so it is said in points: "+ 5%" reads as 5% of the ratio.
        let points = |text: &mut String, signed: Decimal, who: &str| {
            let sign = if signed.is_sign_negative() { "−" } else { "+" };
            let n = percent(signed.abs());
            let n = n.trim_end_matches('%');
            *text += &match lang {
                Lang::Zh => format!(" {sign} {who} {n} 个百分点"),
                Lang::En => format!(" {sign} {n} points ({who})"),
            };
        };
        let mut sum = value("ratio.");
        let adjustment = value("adjustment.");
        if !adjustment.is_zero() {
            points(&mut text, adjustment, self.scenario.member.label(lang));
            sum += adjustment;
        }
        if let Some(key) = reduction_key(self.scenario.settlement) {
            points(&mut text, -value(key), self.scenario.settlement.label(lang));
            sum -= value(key);
        }
        // The lookup holds the ratio within 0–1 (`VersionFigures::new`); a sum outside it would
        // otherwise read as false arithmetic.
        if sum != ratio {
            text += match ratio.is_zero() {
                true => lang.pick("，不足 0% 按 0% 计", ", held at 0%"),
                false => lang.pick("，超过 100% 按 100% 计", ", held at 100%"),
            };
        }
        text
    }
}

/// How sure a version's start date is, said after the date (a start is stated, derived or assumed).
fn start_qualifier(version: &Version, lang: Lang) -> &'static str {
    match version.start_status {
        Status::Assumed => lang.pick("（施行日期为假定）", " (start date assumed)"),
        Status::Derived => lang.pick("（施行日期由来源推得）", " (start date derived from the source)"),
        _ => "",
    }
}

/// The figures a visit's deductible, ratio and cap rest on, each `None` when the visit did not
/// need that rule (a tier without deductible, nothing above the deductible, nothing owed).
fn rule_figures<'f>(
    r: &VisitResult,
    version: &Version,
    figures: &'f VersionFigures<'_>,
) -> [Option<&'f [FigureUse<'f>]>; 3] {
    [
        (!version.deductible_exempt.contains(&r.facility) && !r.deductible_not_needed)
            .then(|| figures.threshold.figures()),
        r.ratio_applied().then(|| figures.ratio(r.facility).figures()),
        (r.owed.is_some() || r.ratio_not_needed || r.notes.contains(NoteCode::CapReachedByChange))
            .then(|| figures.cap.figures()),
    ]
}

fn numbers(r: &VisitResult) -> VisitNumbers {
    VisitNumbers {
        index: r.index,
        date: r.date,
        facility: r.facility,
        amount: r.amount.yuan(),
        out_of_scope: r.out_of_scope.yuan(),
        eligible: r.eligible.yuan(),
        deductible: r.deductible.yuan(),
        ratio: r.ratio_applied().then_some(Ratio(r.ratio)),
        fund: r.fund.yuan(),
        member: r.member.yuan(),
        account: r.account.yuan(),
        cash: r.cash.yuan(),
        cap_remaining_before: r.cap_remaining_before.map(Fen::yuan),
        cap_remaining: r.cap_remaining.map(Fen::yuan),
        version: r.version,
        codes: r.notes,
    }
}

fn step(rule: &'static str, text: String, figures: &[FigureUse<'_>], lang: Lang) -> Step {
    Step { rule, text, figures: figures.iter().map(|f| f.to_used(lang)).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scenario's outcome, read from JSON, under the bundled policies.
    fn outcome_of(json: &str) -> Outcome {
        let library = crate::Library::bundled().expect("bundled policies load");
        let scenario = Scenario::from_json(json, &library).expect("valid");
        adjudicate(&scenario, scenario.policy(&library).expect("bundled")).expect("runs")
    }

    /// The text of the first visit's ratio step.
    fn ratio_step(json: &str) -> String {
        let outcome = outcome_of(json);
        outcome.visits[0].trace.iter().find(|s| s.rule == "ratio").expect("a ratio step").text.clone()
    }

    #[test]
    fn a_visit_made_in_code_is_checked_as_the_reader_checks_it() {
        let library = crate::Library::bundled().expect("bundled policies load");
        let scenario =
            Scenario::from_json(r#"{"policy": "qiannan-employee", "member": "retiree"}"#, &library).expect("valid");
        let policy = scenario.policy(&library).expect("bundled");
        let refused = |amount: &str, out_of_scope: &str| {
            let date = crate::date::parse_date("2023-03-15", "").expect("a date");
            let visit = Visit {
                date,
                facility: Facility::Primary,
                amount: amount.parse().expect("a decimal"),
                out_of_scope: out_of_scope.parse().expect("a decimal"),
            };
            let error = Adjudicator::new(&scenario, policy).visit(3, &visit).expect_err("refused");
            (error.field.clone(), error.code())
        };
        assert_eq!(refused("1.005", "0"), ("visits[3].amount".to_owned(), "too_many_decimals"));
        assert_eq!(refused("-1", "0"), ("visits[3].amount".to_owned(), "negative"));
        assert_eq!(refused("10000000.01", "0"), ("visits[3].amount".to_owned(), "amount_too_large"));
        assert_eq!(refused("100000000000000000000", "0"), ("visits[3].amount".to_owned(), "amount_too_large"));
        assert_eq!(refused("10", "10.01"), ("visits[3].out_of_scope".to_owned(), "out_of_scope_exceeds_amount"));
    }

    #[test]
    fn a_cap_used_up_before_a_raise_that_year_is_not_said_to_last_until_1_january() {
        let notes = |lang: &str| {
            let outcome = outcome_of(&format!(
                r#"{{"policy": "jiangxi-employee", "member": "retiree", "lang": "{lang}",
                    "visits": [{{"date": "2023-02-01", "facility": "tertiary", "amount": "5000"}},
                               {{"date": "2023-06-30", "facility": "secondary", "amount": "100"}},
                               {{"date": "2023-10-01", "facility": "tertiary", "amount": "9000"}},
                               {{"date": "2023-11-01", "facility": "primary", "amount": "100"}}]}}"#
            ));
            let text = |i: usize| outcome.visits[i].notes.iter().map(|n| n.text.clone()).collect::<Vec<_>>().join(" ");
            (text(1), text(3))
        };
        let (before_raise, after_raise) = notes("en");
        assert!(
            before_raise.contains("pays in full at least until the policy changes on 2023-07-01"),
            "{before_raise}"
        );
        assert!(after_raise.contains("pays in full until 1 January"), "{after_raise}");
        assert!(notes("zh").0.contains("至少到 2023-07-01 政策调整前由个人全额负担"));
    }

    #[test]
    fn the_ratio_step_says_adjustments_in_percentage_points() {
        let ratio_step = |lang: &str| {
            ratio_step(&format!(
                r#"{{"policy": "qiannan-employee", "member": "retiree", "settlement": "temporary_referred", "lang": "{lang}",
                    "visits": [{{"date": "2023-08-01", "facility": "primary", "amount": "3300"}}]}}"#
            ))
        };
        assert_eq!(
            ratio_step("zh"),
            "支付比例 65% = 机构级别比例 70% + 退休人员 5 个百分点 − 临时外出就医（转诊或急诊） 10 个百分点"
        );
        assert_eq!(
            ratio_step("en"),
            "Ratio 65% = tier ratio 70% + 5 points (retiree) − 10 points (temporary care elsewhere, referred or emergency)"
        );
    }

    #[test]
    fn the_figures_used_come_in_reading_order() {
        // A retiree's visits at a pharmacy then a clinic, temporarily elsewhere: the deductible
        // first, then the ratios by tier, the cap, the adjustment and the out-of-area figures.
        let outcome = outcome_of(
            r#"{"policy": "qiannan-employee", "member": "retiree", "settlement": "temporary_referred",
                "overrides": {"ratio.pharmacy": "0.6"}, "visits": [
                {"date": "2023-03-01", "facility": "pharmacy", "amount": "3000"},
                {"date": "2023-04-01", "facility": "primary", "amount": "3000"}]}"#,
        );
        let keys: Vec<_> = outcome.figures.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "deductible",
                "ratio.primary",
                "ratio.pharmacy",
                "cap.retiree",
                "adjustment.retiree",
                "out_of_area.temporary_referred",
                "out_of_area.temporary_deductible_multiple"
            ]
        );
    }

    #[test]
    fn the_new_years_note_says_the_unused_cap_was_a_ceiling_not_money() {
        let note = |lang: &str| {
            let outcome = outcome_of(&format!(
                r#"{{"policy": "qiannan-employee", "member": "retiree", "lang": "{lang}", "visits": [
                    {{"date": "2023-03-01", "facility": "primary", "amount": "100"}},
                    {{"date": "2024-01-08", "facility": "primary", "amount": "100"}}]}}"#
            ));
            let notes = &outcome.visits[1].notes;
            notes.iter().find(|n| n.code == "new_year").expect("a new year's note").text.clone()
        };
        let en = note("en");
        assert!(en.starts_with("From 1 January 2024 everything starts again"), "{en}");
        assert!(en.contains("last year's unused cap was a ceiling, not money"), "{en}");
        assert!(en.contains("nothing is carried over or lost"), "{en}");
        let zh = note("zh");
        assert!(zh.starts_with("2024年1月1日起重新累计"), "{zh}");
        assert!(zh.contains("上一年未用的限额只是支付上限，不是可领的钱"), "{zh}");
        assert!(zh.contains("既不结转，也谈不上清零作废"), "{zh}");
    }

    #[test]
    fn a_year_that_began_before_the_policy_says_why_its_yearly_credit_is_0() {
        let notes = |lang: &str| {
            let outcome = outcome_of(&format!(
                r#"{{"policy": "qiannan-employee", "member": "retiree", "lang": "{lang}",
                    "account": {{"balance": "0", "yearly_credit": true, "pays_member_share": true}}, "visits": [
                    {{"date": "2022-10-10", "facility": "primary", "amount": "300"}},
                    {{"date": "2022-11-10", "facility": "primary", "amount": "300"}}]}}"#
            ));
            assert_eq!(outcome.years[0].account_credit.to_string(), "0.00");
            let text = |v: usize| {
                outcome.visits[v].notes.iter().find(|n| n.code == "no_account_credit").map(|n| n.text.clone())
            };
            // Said once, on the year's first visit.
            assert_eq!(text(1), None);
            text(0).expect("a note on the year's first visit")
        };
        assert_eq!(
            notes("en"),
            "The policy took effect on 2022-09-01, after 1 January 2022, so no yearly credit goes into the personal account for 2022; a credit under the earlier rules is not known here and is not included."
        );
        assert_eq!(
            notes("zh"),
            "本政策 2022-09-01 起施行，晚于2022年1月1日，因此2022年没有个人账户年划入额；此前办法下的划入额来源未给出，未计入。"
        );
    }

    #[test]
    fn the_ratio_step_says_when_the_ratio_was_held_at_0_or_1() {
        let ratio_step = |member: &str, settlement: &str, overrides: &str, lang: &str| {
            ratio_step(&format!(
                r#"{{"policy": "qiannan-employee", "member": "{member}", "settlement": "{settlement}", "lang": "{lang}",
                    "overrides": {{{overrides}}}, "visits": [{{"date": "2023-03-01", "facility": "primary", "amount": "1000"}}]}}"#
            ))
        };
        // 0.70 − 0.60 − 0.20 = −0.10, held at 0.
        let below =
            |lang| ratio_step("in_service", "temporary_unreferred", r#""adjustment.in_service": "-0.60""#, lang);
        assert_eq!(
            below("en"),
            "Ratio 0% = tier ratio 70% − 60 points (in-service employee) − 20 points (temporary care elsewhere, not referred), held at 0%"
        );
        assert_eq!(
            below("zh"),
            "支付比例 0% = 机构级别比例 70% − 在职职工 60 个百分点 − 临时外出就医（未转诊） 20 个百分点，不足 0% 按 0% 计"
        );
        // 0.98 + 0.05 = 1.03, held at 1.
        let above = |lang| ratio_step("retiree", "local", r#""ratio.primary": "0.98""#, lang);
        assert_eq!(above("en"), "Ratio 100% = tier ratio 98% + 5 points (retiree), held at 100%");
        assert_eq!(above("zh"), "支付比例 100% = 机构级别比例 98% + 退休人员 5 个百分点，超过 100% 按 100% 计");
        // Exactly at a bound is not held.
        let at_one = |lang| ratio_step("retiree", "local", r#""ratio.primary": "0.95""#, lang);
        assert_eq!(at_one("en"), "Ratio 100% = tier ratio 95% + 5 points (retiree)");
    }
}
