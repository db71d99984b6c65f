//! Scenarios in links: the URL fragment (`page.html#v1;p=…`) that the page's "share" panel writes
//! and that the page, the embed page and the widget's attributes read.
//!
//! Format `v1`: the version, then `;`-separated `key=value` parts in any order, each at most once.
//!
//! | part | value | scenario field |
//! |---|---|---|
//! | `p=qiannan-employee` | policy id | `policy` |
//! | `m=retiree` | member category | `member` |
//! | `s=temporary_referred` | settlement (absent: `local`) | `settlement` |
//! | `d=2023-07-01~2024-06-30`, `d=2023` | the period; a year runs from 1 January to 31 December | `period` |
//! | `l=en` | language | `lang` |
//! | `o=ratio.pharmacy:0.7,cap.retiree@2024-01-01:2400` | overrides, `key:value` | `overrides` |
//! | `a=500:y:n` | personal account: balance, yearly credit, pays the member's share (`y`/`n`, default `y`) | `account` |
//! | `v=2023-07-15:p:400,2023-08-02:t:1200:200` | visits: date, facility, amount, out-of-scope part | `visits` |
//! | `g=monthly:p:400:15` | visits from a pattern across the period (instead of `v`) | `visits` |
//!
//! Facilities are `p`, `s`, `t`, `rx` (pharmacy) or their full names. Patterns are
//! `monthly:FACILITY:AMOUNT:DAY[:OUT_OF_SCOPE]`, `weekly:FACILITY:AMOUNT:WEEKDAY[:OUT_OF_SCOPE]`
//! (weekday 1 = Monday) and `chronic:SEED`.
//!
//! A link holds only `A-Z a-z 0-9 - . _ ~ : ; , = @` and `%XX` escapes (of UTF-8 bytes). The
//! writer escapes any other byte of a value; the reader refuses any other character, reads at most
//! `MAX_FRAGMENT_BYTES`, and names the part of every error: `fragment.v[3].amount`.

use crate::date::iso;
use crate::error::{Error, ErrorKind, Result};
use crate::i18n::Lang;
use crate::library::Library;
use crate::limits::MAX_FRAGMENT_BYTES;
use crate::money::Yuan;
use crate::pattern;
use crate::policy::{Facility, Settlement};
use crate::scenario::Scenario;
use crate::tree::Tree;
use rust_decimal::Decimal;
use std::borrow::Cow;

/// The format this build writes and reads; a later format gets a new version.
pub const VERSION: &str = "v1";

/// Errors about a link name fields under this.
const FIELD: &str = "fragment";

/// Each part of a link and the scenario field it gives (`g` gives `visits` too, from a pattern).
const PARTS: &[(&str, &str)] = &[
    ("p", "policy"),
    ("m", "member"),
    ("s", "settlement"),
    ("d", "period"),
    ("l", "lang"),
    ("o", "overrides"),
    ("a", "account"),
    ("v", "visits"),
    ("g", "pattern"),
];

const FACILITY_CODES: &[(&str, Facility)] =
    &[("p", Facility::Primary), ("s", Facility::Secondary), ("t", Facility::Tertiary), ("rx", Facility::Pharmacy)];

const PART_FORM: &str = "KEY=VALUE";
const PERIOD_FORM: &str = "START~END or YEAR, e.g. 2023-07-01~2024-06-30 or 2023";
const VISIT_FORM: &str = "DATE:FACILITY:AMOUNT[:OUT_OF_SCOPE], e.g. 2023-07-15:p:400";
const OVERRIDE_FORM: &str = "KEY:VALUE, e.g. ratio.pharmacy:0.7";
const ACCOUNT_FORM: &str = "BALANCE[:y|n[:y|n]], e.g. 500:y:y";
const PATTERN_FORM: &str = "monthly:FACILITY:AMOUNT:DAY, weekly:FACILITY:AMOUNT:WEEKDAY or chronic:SEED";

/// The link of a (valid) scenario: the same scenario comes back from [`read`].
pub fn encode(scenario: &Scenario) -> String {
    let mut parts =
        vec![VERSION.to_owned(), format!("p={}", escape(&scenario.policy)), format!("m={}", scenario.member.key())];
    if scenario.settlement != Settlement::Local {
        parts.push(format!("s={}", scenario.settlement.key()));
    }
    if let Some(period) = scenario.period {
        parts.push(format!("d={}~{}", iso(period.start), iso(period.end)));
    }
    parts.push(format!("l={}", scenario.lang.key()));
    if !scenario.overrides.is_empty() {
        let items: Vec<String> = scenario
            .overrides
            .entries()
            .map(|(key, scope, value)| match scope {
                Some(start) => format!("{}@{}:{}", escape(key), iso(start), number(value)),
                None => format!("{}:{}", escape(key), number(value)),
            })
            .collect();
        parts.push(format!("o={}", items.join(",")));
    }
    if let Some(account) = scenario.account {
        let flag = |on: bool| if on { "y" } else { "n" };
        parts.push(format!(
            "a={}:{}:{}",
            number(account.balance),
            flag(account.yearly_credit),
            flag(account.pays_member_share)
        ));
    }
    if !scenario.visits.is_empty() {
        let items: Vec<String> = scenario
            .visits
            .iter()
            .map(|visit| {
                let code = FACILITY_CODES.iter().find(|(_, f)| *f == visit.facility).map_or("", |(code, _)| code);
                let mut item = format!("{}:{}:{}", iso(visit.date), code, number(visit.amount));
                if !visit.out_of_scope.is_zero() {
                    item += &format!(":{}", number(visit.out_of_scope));
                }
                item
            })
            .collect();
        parts.push(format!("v={}", items.join(",")));
    }
    parts.join(";")
}

/// A scenario's link, as [`encode`] writes it, or an error when it would be longer than a link may
/// be (`MAX_FRAGMENT_BYTES`): a link given out always opens.
pub fn link(scenario: &Scenario) -> Result<String> {
    let link = encode(scenario);
    if link.len() > MAX_FRAGMENT_BYTES {
        return Err(Error::new(FIELD, ErrorKind::TooLarge { max_bytes: MAX_FRAGMENT_BYTES }));
    }
    Ok(link)
}

/// Reads a link and checks the scenario it gives against the library. Returns the scenario in its
/// JSON form (what `Scenario::read` and the wasm API take), with `lang` as the estimator names it
/// (`en` for `l=en-GB` or `l=EN`), or `lang` when the link gives none.
pub fn read(text: &str, library: &Library, lang: Lang) -> Result<Tree<'static>> {
    let mut tree = decode(text)?;
    Scenario::read(&tree, library).map_err(in_link)?;
    let lang = Scenario::lang_in(&tree).unwrap_or(lang);
    if let Tree::Table(entries) = &mut tree {
        entries.retain(|(name, _)| name != "lang");
        entries.push(("lang".into(), Tree::text(lang.key())));
    }
    Ok(tree)
}

/// The scenario tree of a link, its form checked but not its values (`read` checks those).
pub fn decode(text: &str) -> Result<Tree<'static>> {
    if text.is_empty() {
        return Err(Error::new(FIELD, ErrorKind::Missing));
    }
    if text.len() > MAX_FRAGMENT_BYTES {
        return Err(Error::new(FIELD, ErrorKind::TooLarge { max_bytes: MAX_FRAGMENT_BYTES }));
    }
    if let Some(found) = text.chars().find(|c| !is_link_char(*c)) {
        return Err(Error::new(FIELD, ErrorKind::BadCharacter { found }));
    }
    let mut parts = text.split(';');
    let version = parts.next().unwrap_or_default();
    if version != VERSION {
        return Err(Error::new(FIELD, ErrorKind::LinkVersion { found: version.chars().take(16).collect() }));
    }

    let mut entries: Vec<(Cow<'static, str>, Tree<'static>)> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let mut pattern_text = None;
    for (index, part) in parts.enumerate() {
        // An empty part (a `;` left at the end by hand or by a chat app) says nothing.
        if part.is_empty() {
            continue;
        }
        let Some((key, value)) = part.split_once('=') else {
            return Err(Error::new(format!("{FIELD}[{}]", index + 1), ErrorKind::NotInForm { form: PART_FORM }));
        };
        let field = format!("{FIELD}.{}", key.chars().take(16).collect::<String>());
        let Some(&(_, name)) = PARTS.iter().find(|(k, _)| *k == key) else {
            let allowed = PARTS.iter().map(|(k, _)| *k).collect();
            return Err(Error::new(field, ErrorKind::UnknownKey { allowed }));
        };
        if seen.contains(&key) {
            return Err(Error::new(field, ErrorKind::DuplicateKey));
        }
        seen.push(key);
        let tree = match key {
            "d" => read_period(value, &field)?,
            "o" => read_overrides(value, &field)?,
            "a" => read_account(value, &field)?,
            "v" => Tree::List(each(value, &field, read_visit)?),
            "g" => {
                pattern_text = Some(value);
                continue;
            }
            _ => Tree::text(unescape(value, &field)?),
        };
        entries.push((name.into(), tree));
    }

    if let Some(text) = pattern_text {
        let field = format!("{FIELD}.g");
        if seen.contains(&"v") {
            return Err(Error::new(field, ErrorKind::ExclusiveWith { other: format!("{FIELD}.v") }));
        }
        let Some((_, period)) = entries.iter().find(|(name, _)| name == "period") else {
            return Err(Error::new(format!("{FIELD}.d"), ErrorKind::Missing));
        };
        let visits = generate(text, period, &field)?;
        entries.push(("visits".into(), visits));
    }
    Ok(Tree::Table(entries))
}

/// An error about the scenario a link gave, renamed after the link's part: `visits[3].amount`
/// becomes `fragment.v[3].amount`.
fn in_link(mut error: Error) -> Error {
    let end = error.field.find(['.', '[']).unwrap_or(error.field.len());
    let (head, rest) = error.field.split_at(end);
    error.field = match PARTS.iter().find(|(_, name)| *name == head) {
        Some((key, _)) => format!("{FIELD}.{key}{rest}"),
        None if error.field.is_empty() => FIELD.to_owned(),
        None => format!("{FIELD}.{}", error.field),
    };
    error
}

fn read_period(value: &str, field: &str) -> Result<Tree<'static>> {
    let (start, end) = match value.split_once('~') {
        Some((start, end)) => (unescape(start, field)?, unescape(end, field)?),
        None if value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()) => {
            (format!("{value}-01-01"), format!("{value}-12-31"))
        }
        None => return Err(Error::new(field, ErrorKind::NotInForm { form: PERIOD_FORM })),
    };
    Ok(table([("start", Tree::text(start)), ("end", Tree::text(end))]))
}

fn read_overrides(value: &str, field: &str) -> Result<Tree<'static>> {
    let entries = each(value, field, |item, item_field| {
        let (key, value) =
            item.split_once(':').ok_or_else(|| Error::new(item_field, ErrorKind::NotInForm { form: OVERRIDE_FORM }))?;
        Ok((unescape(key, item_field)?.into(), Tree::text(unescape(value, item_field)?)))
    })?;
    Ok(Tree::Table(entries))
}

fn read_account(value: &str, field: &str) -> Result<Tree<'static>> {
    let fields: Vec<&str> = value.split(':').collect();
    if fields.len() > 3 {
        return Err(Error::new(field, ErrorKind::NotInForm { form: ACCOUNT_FORM }));
    }
    let flag = |index: usize, name: &str| match fields.get(index).copied() {
        None | Some("y") => Ok(true),
        Some("n") => Ok(false),
        Some(other) => Err(Error::new(
            format!("{field}.{name}"),
            ErrorKind::NotOneOf { value: other.into(), allowed: vec!["y".into(), "n".into()] },
        )),
    };
    Ok(table([
        ("balance", Tree::text(unescape(fields[0], field)?)),
        ("yearly_credit", Tree::Bool(flag(1, "yearly_credit")?)),
        ("pays_member_share", Tree::Bool(flag(2, "pays_member_share")?)),
    ]))
}

fn read_visit(item: &str, field: &str) -> Result<Tree<'static>> {
    let fields: Vec<&str> = item.split(':').collect();
    let (date, facility, amount, out_of_scope) = match fields[..] {
        [date, facility, amount] => (date, facility, amount, None),
        [date, facility, amount, out_of_scope] => (date, facility, amount, Some(out_of_scope)),
        _ => return Err(Error::new(field, ErrorKind::NotInForm { form: VISIT_FORM })),
    };
    let mut entries = vec![
        ("date".into(), Tree::text(unescape(date, field)?)),
        ("facility".into(), Tree::text(facility_key(&unescape(facility, field)?))),
        ("amount".into(), Tree::text(unescape(amount, field)?)),
    ];
    if let Some(out_of_scope) = out_of_scope {
        entries.push(("out_of_scope".into(), Tree::text(unescape(out_of_scope, field)?)));
    }
    Ok(Tree::Table(entries))
}

/// The pattern a link's visits were made from (its `g=` part), in the form `generate` takes but
/// without the range (the link's period), or None for a link that lists its visits: a page shows it
/// in its pattern form. An error when the link does not read.
pub fn pattern_of(text: &str) -> Result<Option<Tree<'static>>> {
    decode(text)?;
    let Some(value) = text.split(';').find_map(|part| part.strip_prefix("g=")) else { return Ok(None) };
    Ok(Some(Tree::Table(pattern_fields(value, &format!("{FIELD}.g"))?)))
}

/// The visits of a pattern part (`monthly:p:400:15`) across the link's period.
fn generate(text: &str, period: &Tree<'_>, field: &str) -> Result<Tree<'static>> {
    let mut entries = pattern_fields(text, field)?;
    if let Tree::Table(range) = period {
        entries.extend(range.iter().cloned());
    }
    // The pattern's own errors name its fields; its range is the link's period.
    let visits = pattern::generate_from(&Tree::Table(entries)).map_err(|mut error| {
        error.field = match error.field.as_str() {
            "start" | "end" => format!("{FIELD}.d.{}", error.field),
            other => format!("{field}.{other}"),
        };
        error
    })?;
    Ok(Tree::List(
        visits
            .iter()
            .map(|visit| {
                table([
                    ("date", Tree::text(iso(visit.date))),
                    ("facility", Tree::text(visit.facility.key())),
                    // Written as `generate` writes them (pattern::visits_json): a page sees the same visits.
                    ("amount", Tree::text(Yuan(visit.amount).to_string())),
                    ("out_of_scope", Tree::text(Yuan(visit.out_of_scope).to_string())),
                ])
            })
            .collect(),
    ))
}

/// A pattern part's fields by the names the pattern takes; its values are checked by the pattern.
fn pattern_fields(text: &str, field: &str) -> Result<Vec<(Cow<'static, str>, Tree<'static>)>> {
    let fields = text.split(':').map(|f| unescape(f, field)).collect::<Result<Vec<String>>>()?;
    // Day, weekday and seed stay text: the pattern reads a whole number written as text.
    let mut entries = vec![("kind".into(), Tree::text(fields[0].clone()))];
    match (fields[0].as_str(), fields.len()) {
        ("chronic", 2) => entries.push(("seed".into(), Tree::text(fields[1].clone()))),
        (kind @ ("monthly" | "weekly"), 4 | 5) => {
            entries.push(("facility".into(), Tree::text(facility_key(&fields[1]))));
            entries.push(("amount".into(), Tree::text(fields[2].clone())));
            entries.push((if kind == "monthly" { "day" } else { "weekday" }.into(), Tree::text(fields[3].clone())));
            if let Some(out_of_scope) = fields.get(4) {
                entries.push(("out_of_scope".into(), Tree::text(out_of_scope.clone())));
            }
        }
        _ => return Err(Error::new(field, ErrorKind::NotInForm { form: PATTERN_FORM })),
    }
    Ok(entries)
}

/// Reads each `,`-separated item of a list part with `read(item, "fragment.v[3]")`; an empty
/// part is an empty list.
fn each<T>(value: &str, field: &str, mut read: impl FnMut(&str, &str) -> Result<T>) -> Result<Vec<T>> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    value.split(',').enumerate().map(|(i, item)| read(item, &format!("{field}[{i}]"))).collect()
}

/// A facility's full name from its short code; anything else is left for the scenario to judge.
fn facility_key(text: &str) -> String {
    FACILITY_CODES.iter().find(|(code, _)| *code == text).map_or(text, |(_, facility)| facility.key()).to_owned()
}

fn table<const N: usize>(entries: [(&'static str, Tree<'static>); N]) -> Tree<'static> {
    Tree::Table(entries.into_iter().map(|(key, value)| (key.into(), value)).collect())
}

/// A decimal in its shortest exact form: `400.00` is written `400`, `0.70` is `0.7`.
fn number(value: Decimal) -> String {
    value.normalize().to_string()
}

/// Characters a link may hold as they are: the syntax (`~ : ; , = @ %`) and unreserved ones.
fn is_link_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:;,=@%".contains(c)
}

/// Bytes that stand for themselves inside a value; every other byte is written `%XX`.
fn is_plain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._@".contains(&b)
}

fn escape(text: &str) -> String {
    text.bytes().map(|b| if is_plain_byte(b) { char::from(b).to_string() } else { format!("%{b:02X}") }).collect()
}

fn unescape(text: &str, field: &str) -> Result<String> {
    let bad = || Error::new(field, ErrorKind::BadEscape);
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = tail.get(..2).and_then(|h| std::str::from_utf8(h).ok()).ok_or_else(bad)?;
            if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                return Err(bad());
            }
            bytes.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn library() -> Library {
        Library::bundled().expect("bundled policies load")
    }

    fn scenario_of(tree: &Tree<'_>) -> Scenario {
        Scenario::read(tree, &library()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[track_caller]
    fn error_of(text: &str) -> Error {
        match read(text, &library(), Lang::En) {
            Ok(tree) => panic!("{text:?} should be refused, gave {tree:?}"),
            Err(error) => error,
        }
    }

    /// The error's field and code, and a message in both languages that names the field.
    #[track_caller]
    fn assert_error(text: &str, field: &str, code: &str) {
        let error = error_of(text);
        assert_eq!((error.field.as_str(), error.code()), (field, code), "{text:?}: {error}");
        let (zh, en) = (error.message(Lang::Zh), error.message(Lang::En));
        assert!(zh.contains(field) && en.contains(field) && zh != en, "{zh:?} / {en:?}");
    }

    const YEAR: &str = "v1;p=qiannan-employee;m=retiree;d=2023-07-01~2024-06-30;l=en";

    #[test]
    fn every_golden_scenario_comes_back_from_its_link() {
        let library = library();
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases"));
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).expect("tests/cases") {
            let path = entry.expect("a directory entry").path();
            let case: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("readable")).expect("JSON");
            let name = path.display();
            let Ok(scenario) = Scenario::from_json(&case["scenario"].to_string(), &library) else { continue };
            let link = encode(&scenario);
            assert!(link.chars().all(is_link_char), "{name}: {link}");
            let tree = read(&link, &library, Lang::En).unwrap_or_else(|e| panic!("{name}: {link}: {e}"));
            let back = Scenario::read(&tree, &library).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(back, scenario, "{name}: {link}");
            assert_eq!(encode(&back), link, "{name}: a link is written one way only");
            checked += 1;
        }
        assert!(checked >= 30, "only {checked} golden scenarios were read");
    }

    #[test]
    fn a_link_is_short_and_readable() {
        let library = library();
        let json = r#"{"policy": "jiangxi-employee", "member": "retiree", "settlement": "temporary_referred",
            "period": {"start": "2023-07-01", "end": "2024-06-30"}, "lang": "zh",
            "overrides": {"ratio.pharmacy": "70%", "cap.retiree@2023-07-01": "2400.00"},
            "account": {"balance": "500.00", "yearly_credit": true, "pays_member_share": false},
            "visits": [{"date": "2023-07-15", "facility": "primary", "amount": "400.00"},
                       {"date": "2023-08-02", "facility": "pharmacy", "amount": "1200.50", "out_of_scope": "200"}]}"#;
        let scenario = Scenario::from_json(json, &library).unwrap();
        assert_eq!(
            encode(&scenario),
            "v1;p=jiangxi-employee;m=retiree;s=temporary_referred;d=2023-07-01~2024-06-30;l=zh;\
             o=cap.retiree@2023-07-01:2400,ratio.pharmacy:0.7;a=500:y:n;v=2023-07-15:p:400,2023-08-02:rx:1200.5:200"
        );
    }

    #[test]
    fn a_language_is_given_back_as_the_estimator_names_it_and_a_trailing_semicolon_says_nothing() {
        let lang_of = |link: &str| match read(link, &library(), Lang::Zh).unwrap() {
            Tree::Table(entries) => entries
                .iter()
                .filter(|(name, _)| name == "lang")
                .map(|(_, value)| match value {
                    Tree::Str(text) => text.to_string(),
                    other => format!("{other:?}"),
                })
                .collect::<Vec<_>>(),
            other => panic!("not a table: {other:?}"),
        };
        for given in ["en", "EN", "en-GB", "en_US"] {
            assert_eq!(lang_of(&format!("v1;p=qiannan-employee;m=retiree;l={given}")), ["en"], "{given}");
        }
        assert_eq!(lang_of("v1;p=qiannan-employee;m=retiree;l=zh-CN;"), ["zh"]);
        assert_eq!(lang_of("v1;p=qiannan-employee;m=retiree;;"), ["zh"], "none given: the language asked for");
    }

    #[test]
    fn a_scenario_too_large_for_a_link_is_refused_rather_than_given_a_link_that_would_not_open() {
        let library = library();
        let visits: Vec<String> = (0..6000)
            .map(|i| format!(r#"{{"date": "2023-01-01", "facility": "primary", "amount": "{}.55"}}"#, 1000 + i))
            .collect();
        let json =
            format!(r#"{{"policy": "qiannan-employee", "member": "retiree", "visits": [{}]}}"#, visits.join(","));
        let scenario = Scenario::from_json(&json, &library).unwrap();
        assert!(encode(&scenario).len() > MAX_FRAGMENT_BYTES);
        let error = link(&scenario).unwrap_err();
        assert_eq!((error.field.as_str(), error.code()), ("fragment", "too_large"));
        assert!(read(&encode(&scenario), &library, Lang::Zh).is_err(), "such a link would not open");
        let small = Scenario::from_json(r#"{"policy": "qiannan-employee", "member": "retiree"}"#, &library).unwrap();
        assert_eq!(link(&small).unwrap(), encode(&small));
    }

    #[test]
    fn a_pattern_and_a_year_make_the_visits() {
        let tree = read("v1;p=qiannan-employee;m=retiree;d=2023;g=monthly:p:180:15", &library(), Lang::Zh).unwrap();
        let scenario = scenario_of(&tree);
        assert_eq!(scenario.visits.len(), 12);
        assert_eq!(iso(scenario.visits[0].date), "2023-01-15");
        assert_eq!(scenario.visits[0].amount, Decimal::new(180, 0));
        assert_eq!(scenario.lang, Lang::Zh, "the language asked for when the link gives none");
        let weekly = scenario_of(&read(&format!("{YEAR};g=weekly:rx:60:1:10"), &library(), Lang::Zh).unwrap());
        assert_eq!(weekly.visits.len(), 52);
        assert_eq!(weekly.visits[0].out_of_scope, Decimal::new(10, 0));
        assert_eq!(weekly.lang, Lang::En);
        let chronic = scenario_of(&read(&format!("{YEAR};g=chronic:42"), &library(), Lang::Zh).unwrap());
        assert!(chronic.visits.len() > 12);
    }

    #[test]
    fn a_links_pattern_is_given_back_for_a_pattern_form() {
        let fields = |link: &str| -> Vec<String> {
            match pattern_of(link).unwrap() {
                Some(Tree::Table(entries)) => entries
                    .iter()
                    .map(|(name, value)| match value {
                        Tree::Str(text) => format!("{name}={text}"),
                        other => format!("{name}={other:?}"),
                    })
                    .collect(),
                other => panic!("{link}: {other:?}"),
            }
        };
        let weekly = fields(&format!("{YEAR};g=weekly:rx:60:1:10"));
        assert_eq!(weekly, ["kind=weekly", "facility=pharmacy", "amount=60", "weekday=1", "out_of_scope=10"]);
        assert_eq!(fields(&format!("{YEAR};g=chronic:42")), ["kind=chronic", "seed=42"]);
        assert_eq!(pattern_of(&format!("{YEAR};v=2023-03-15:p:300")).unwrap(), None, "visits listed: no pattern");
        assert_eq!(pattern_of(&format!("{YEAR};g=yearly:p")).unwrap_err().field, "fragment.g");
    }

    #[test]
    fn escapes_are_read_and_written_only_where_needed() {
        assert_eq!(escape("ratio.pharmacy@2023-07-01"), "ratio.pharmacy@2023-07-01");
        assert_eq!(escape("a;b=c 黔"), "a%3Bb%3Dc%20%E9%BB%94");
        assert_eq!(unescape("a%3Bb%3dc%20%E9%BB%94", "f").unwrap(), "a;b=c 黔");
        // An escaped separator is data: here an unknown policy, not a new part.
        assert_error("v1;p=qiannan-employee%3Bm%3Dretiree;m=retiree", "fragment.p", "unknown_policy");
    }

    #[test]
    fn hostile_and_broken_links_are_clean_errors() {
        assert_error("", "fragment", "missing");
        assert_error(&format!("{YEAR};v={}", "2023-07-15:p:400,".repeat(4000)), "fragment", "too_large");
        assert_error("v2;p=qiannan-employee;m=retiree", "fragment", "link_version");
        assert_error("p=qiannan-employee;m=retiree", "fragment", "link_version");
        assert_error("v1", "fragment.p", "missing");
        assert_error("v1;p=qiannan-employee", "fragment.m", "missing");
        assert_error(&format!("{YEAR};v=2023-07-15:p"), "fragment.v[0]", "not_in_form");
        assert_error(&format!("{YEAR};v=2023-07-15:p:400,2023-08-15:p:12x"), "fragment.v[1].amount", "not_a_number");
        assert_error(&format!("{YEAR};v=2023-07-15:q:400"), "fragment.v[0].facility", "not_one_of");
        assert_error(&format!("{YEAR};v=2025-07-15:p:400"), "fragment.v[0].date", "outside_period");
        assert_error(&format!("{YEAR};v=2023-02-30:p:400"), "fragment.v[0].date", "impossible_date");
        assert_error("v1;p=%zz;m=retiree", "fragment.p", "bad_escape");
        assert_error("v1;p=%;m=retiree", "fragment.p", "bad_escape");
        assert_error("v1;p=%4;m=retiree", "fragment.p", "bad_escape");
        assert_error("v1;p=%ff%fe;m=retiree", "fragment.p", "bad_escape");
        assert_error("v1;p=<script>alert(1)</script>", "fragment", "bad_character");
        assert_error("v1;p=<img src=x onerror=alert(1)>", "fragment", "bad_character");
        assert_error("v1;p=黔南;m=retiree", "fragment", "bad_character");
        assert_error("v1;p=%3Cb%3E;m=retiree", "fragment.p", "unknown_policy");
        assert_error("v1;p=qiannan-employee;m;m=retiree", "fragment[2]", "not_in_form"); // the third part
        assert_error("v1;p=qiannan-employee;m=retiree;x=1", "fragment.x", "unknown_key");
        assert_error("v1;p=qiannan-employee;m=retiree;p=jiangxi-employee", "fragment.p", "duplicate_key");
        assert_error("v1;p=qiannan-employee;m=resident", "fragment.m", "member_not_covered");
        assert_error("v1;p=qiannan-employee;m=retiree;l=fr", "fragment.l", "not_one_of");
        assert_error("v1;p=qiannan-employee;m=retiree;d=2023-07", "fragment.d", "not_in_form");
        assert_error("v1;p=qiannan-employee;m=retiree;d=2024-01-01~2023-01-01", "fragment.d.end", "period_reversed");
        assert_error("v1;p=qiannan-employee;m=retiree;o=ratio.pharmacy", "fragment.o[0]", "not_in_form");
        assert_error(
            "v1;p=qiannan-employee;m=retiree;o=ratio.pharmacy:7",
            "fragment.o.ratio.pharmacy",
            "ratio_out_of_range",
        );
        assert_error("v1;p=qiannan-employee;m=retiree;o=x:1", "fragment.o.x", "unknown_override");
        assert_error(
            "v1;p=qiannan-employee;m=retiree;o=deductible:1,deductible:2",
            "fragment.o.deductible",
            "duplicate_key",
        );
        assert_error("v1;p=qiannan-employee;m=retiree;a=500:y:n:y", "fragment.a", "not_in_form");
        assert_error("v1;p=qiannan-employee;m=retiree;a=500:yes", "fragment.a.yearly_credit", "not_one_of");
        assert_error("v1;p=qiannan-employee;m=retiree;a=-5", "fragment.a.balance", "negative");
        assert_error("v1;p=qiannan-employee;m=retiree;g=monthly:p:180:15", "fragment.d", "missing");
        assert_error(&format!("{YEAR};g=monthly:p:180"), "fragment.g", "not_in_form");
        assert_error(&format!("{YEAR};g=daily:p:180:1"), "fragment.g", "not_in_form");
        assert_error(&format!("{YEAR};g=monthly:p:180:32"), "fragment.g.day", "not_one_of");
        assert_error(&format!("{YEAR};g=monthly:p:1x:3"), "fragment.g.amount", "not_a_number");
        assert_error(&format!("{YEAR};g=chronic:seed"), "fragment.g.seed", "wrong_type");
        assert_error(&format!("{YEAR};g=chronic:99999999999999999999"), "fragment.g.seed", "number_too_large");
        assert_error(&format!("{YEAR};g=monthly:p:180:99999999999999999999"), "fragment.g.day", "number_too_large");
        assert_error(&format!("{YEAR};v=;g=chronic:1"), "fragment.g", "exclusive_with");
        assert_error("v1;p=qiannan-employee;m=retiree;d=1900~2023-01-01;g=chronic:1", "fragment.d.start", "not_a_date");
    }

    #[test]
    fn no_prefix_of_a_link_panics() {
        let library = library();
        let json = r#"{"policy": "qiannan-employee", "member": "retiree", "period": {"start": "2023-01-01", "end": "2023-12-31"},
            "overrides": {"ratio.pharmacy": "0.7"}, "account": {"balance": "5"},
            "visits": [{"date": "2023-07-15", "facility": "pharmacy", "amount": "400", "out_of_scope": "1"}]}"#;
        let link = encode(&Scenario::from_json(json, &library).unwrap());
        for end in 0..=link.len() {
            let _ = read(&link[..end], &library, Lang::Zh);
            let _ = read(&link[end..], &library, Lang::Zh);
        }
    }
}
