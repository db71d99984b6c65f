//! Policy files: the TOML format, its validation, and looking figures up with a scenario's overrides.
//!
//! A policy has dated versions; a version applies from its start date until the next one starts.
//! Every figure carries its status and source, and a figure no source gives is `unknown`, never a guess.

use crate::date::{iso, parse_date};
use crate::error::{Error, ErrorKind, Result};
use crate::i18n::{Lang, Text};
#[cfg(feature = "toml")]
use crate::limits::MAX_POLICY_BYTES;
use crate::money::{parse_amount, parse_decimal, parse_points, parse_ratio};
use crate::tree::{each, Node, Path, Table, Tree};
use crate::vec_map::VecMap;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// Declares a closed set of keywords with their Chinese and English labels.
macro_rules! keywords {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $key:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const KEYS: &'static [&'static str] = &[$($key),+];

            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn label(self, lang: Lang) -> &'static str {
                match self { $($name::$variant => lang.pick($zh, $en)),+ }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text { $($key => Some($name::$variant),)+ _ => None }
            }

            /// Reads the keyword at `node`, naming the allowed ones when it is not one of them.
            pub fn read(node: Node<'_>) -> Result<$name> {
                let text = node.text()?;
                $name::parse(text.trim()).ok_or_else(|| node.error(ErrorKind::NotOneOf {
                    value: text.to_owned(),
                    allowed: $name::KEYS.iter().map(|k| k.to_string()).collect(),
                }))
            }
        }
    };
}

keywords!(
    /// Facility tier of a visit.
    Facility {
        Primary = "primary", "一级及以下（含社区、乡镇、村卫生室）", "primary (incl. community, township and village clinics)";
        Secondary = "secondary", "二级医疗机构", "secondary hospital";
        Tertiary = "tertiary", "三级医疗机构", "tertiary hospital";
        Pharmacy = "pharmacy", "定点零售药店", "designated retail pharmacy";
    }
);

keywords!(
    /// Member category: the employee scheme's three, or the resident scheme's one.
    Member {
        InService = "in_service", "在职职工", "in-service employee";
        Retiree = "retiree", "退休人员", "retiree";
        Flexible = "flexible", "灵活就业人员", "flexible employment";
        Resident = "resident", "城乡居民", "resident";
    }
);

keywords!(
    Scheme {
        Employee = "employee", "职工基本医疗保险", "employee basic medical insurance";
        Resident = "resident", "城乡居民基本医疗保险", "resident basic medical insurance";
    }
);

keywords!(
    /// Where and how care is settled.
    Settlement {
        Local = "local", "参保地就医", "care where insured";
        LongTermResident = "long_term_resident", "异地长期居住（已备案）", "long-term resident elsewhere (filed)";
        TemporaryReferred = "temporary_referred", "临时外出就医（转诊或急诊）", "temporary care elsewhere, referred or emergency";
        TemporaryUnreferred = "temporary_unreferred", "临时外出就医（未转诊）", "temporary care elsewhere, not referred";
    }
);

keywords!(
    /// How sure a figure is.
    Status {
        Stated = "stated", "来源明确给出", "stated by the source";
        Derived = "derived", "由来源推得", "derived from the source";
        Assumed = "assumed", "假定", "assumed";
        LowerBound = "lower_bound", "下限（实际可能更高）", "lower bound (may be higher)";
        UpperBound = "upper_bound", "上限（实际可能更低）", "upper bound (may be lower)";
        Unknown = "unknown", "来源未给出", "not given by any source";
        User = "user", "用户输入", "entered by you";
    }
);

/// The statuses a policy file may give a figure: all but `user`, which is a scenario's override.
const POLICY_STATUSES: &[Status] =
    &[Status::Stated, Status::Derived, Status::Assumed, Status::LowerBound, Status::UpperBound, Status::Unknown];

impl Status {
    /// Whether a figure of this status must be pointed out wherever it is used.
    pub fn needs_flag(self) -> bool {
        !matches!(self, Status::Stated)
    }
}

/// The kind of number a figure holds, which decides how it is read and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureKind {
    /// Yuan: not negative, at most two decimals.
    Amount,
    /// A fund ratio between 0 and 1.
    Ratio,
    /// A change in percentage points, as a fraction between -1 and 1.
    Points,
    /// A multiple, at least 1.
    Multiple,
}

impl FigureKind {
    /// The one place that maps a figure key to its kind.
    pub fn of(key: &str) -> FigureKind {
        match key.split('.').next().unwrap_or("") {
            "deductible" | "cap" | "account_credit" => FigureKind::Amount,
            "ratio" => FigureKind::Ratio,
            _ if key == OUT_OF_AREA_MULTIPLE => FigureKind::Multiple,
            _ => FigureKind::Points,
        }
    }

    pub fn parse(self, text: &str, field: impl Into<String> + Copy) -> Result<Decimal> {
        match self {
            FigureKind::Amount => parse_amount(text, field),
            FigureKind::Ratio => parse_ratio(text, field),
            FigureKind::Points => parse_points(text, field),
            FigureKind::Multiple => {
                let value = parse_decimal(text, field, false).map_err(|e| e.with_example("1.5"))?;
                if value < Decimal::ONE || value > Decimal::ONE_HUNDRED {
                    return Err(Error::new(field, ErrorKind::MultipleOutOfRange));
                }
                Ok(value)
            }
        }
    }
}

pub const OUT_OF_AREA_MULTIPLE: &str = "out_of_area.temporary_deductible_multiple";

/// The out-of-area figure that lowers the ratio in each settlement mode (none for local care).
pub fn reduction_key(settlement: Settlement) -> Option<&'static str> {
    match settlement {
        Settlement::Local => None,
        Settlement::LongTermResident => Some("out_of_area.long_term_resident"),
        Settlement::TemporaryReferred => Some("out_of_area.temporary_referred"),
        Settlement::TemporaryUnreferred => Some("out_of_area.temporary_unreferred"),
    }
}

const OUT_OF_AREA_KEYS: [&str; 4] =
    ["long_term_resident", "temporary_referred", "temporary_unreferred", "temporary_deductible_multiple"];

/// One figure of a policy, as the file gives it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure {
    pub key: String,
    #[serde(serialize_with = "crate::policy::serialize_opt_decimal")]
    pub value: Option<Decimal>,
    /// Another figure of the same version whose value this one takes ("pharmacy paid as primary").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_as: Option<String>,
    pub status: Status,
    pub source: String,
    pub source_title: Text,
    pub note: Text,
}

pub(crate) fn serialize_opt_decimal<S: serde::Serializer>(
    value: &Option<Decimal>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.collect_str(&v.normalize()),
        None => s.serialize_none(),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Source {
    pub id: String,
    /// The title in Chinese and in English, as far as the file gives them (see `read_sources`).
    pub title: Text,
    pub publisher: String,
    pub published: String,
    pub reference: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Version {
    #[serde(serialize_with = "crate::policy::serialize_date")]
    pub start: NaiveDate,
    /// How sure the start date is (Jiangxi's July 2023 day is assumed).
    pub start_status: Status,
    pub start_source: String,
    pub start_note: Text,
    /// Tiers where no deductible applies (visits there neither wait for it nor count toward it).
    pub deductible_exempt: Vec<Facility>,
    /// Every figure of the version by key: `deductible`, `ratio.primary`, `cap.retiree`, …
    pub figures: VecMap<String, Figure>,
}

pub(crate) fn serialize_date<S: serde::Serializer>(date: &NaiveDate, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_str(&iso(*date))
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Policy {
    pub id: String,
    pub scheme: Scheme,
    pub members: Vec<Member>,
    pub name: Text,
    pub region: Text,
    pub sources: Vec<Source>,
    /// The shared out-of-area rule the policy applies, if it names one.
    pub out_of_area_rule: Option<String>,
    /// The out-of-area figures by key (`out_of_area.temporary_referred`, …), the same in every version.
    pub out_of_area: VecMap<String, Figure>,
    pub versions: Vec<Version>,
}

/// A shared rule file (`policies/rules/`): the out-of-area bounds that policies apply.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutOfAreaRule {
    pub id: String,
    pub name: Text,
    /// For `estimate --check`'s warnings; the page does not keep them (192 bytes of its wasm).
    #[cfg(feature = "toml")]
    pub sources: Vec<Source>,
    pub figures: VecMap<String, Figure>,
}

const POLICY_KEYS: &[&str] = &["id", "scheme", "members", "name", "region", "sources", "out_of_area", "versions"];
const VERSION_KEYS: &[&str] =
    &["start", "deductible", "deductible_exempt", "ratio", "adjustment", "cap", "account_credit"];
const FIGURE_KEYS: &[&str] = &["value", "same_as", "status", "source", "note", "note_zh"];
const SOURCE_KEYS: &[&str] = &["title", "title_zh", "publisher", "published", "reference"];
const RULE_KEYS: &[&str] = &["id", "kind", "name", "sources", "figures"];

/// Parses TOML text into a tree, refusing oversized files first. `file` names the file in errors.
#[cfg(feature = "toml")]
pub fn read_toml<'s>(text: &'s str, file: &str) -> Result<Tree<'s>> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(Error::new(file, ErrorKind::TooLarge { max_bytes: MAX_POLICY_BYTES }));
    }
    let deserializer = toml::Deserializer::parse(text).map_err(|e| syntax_error(file, &e))?;
    Tree::read(deserializer).map_err(|e| syntax_error(file, &e))
}

#[cfg(feature = "toml")]
fn syntax_error(file: &str, error: &toml::de::Error) -> Error {
    // The parser's text is its position, the line quoted, then what is wrong: position and reason.
    let text = error.to_string();
    let position = text.lines().next().unwrap_or_default().trim_start_matches("TOML parse error at ");
    let detail = format!("{position}: {}", error.message().trim());
    Error::new(file, ErrorKind::Syntax { detail })
}

/// Where the fields of one TOML file are written, for `estimate` to give an error's or a warning's
/// line. The file is parsed once, with spans, for all the fields asked about.
#[cfg(feature = "toml")]
pub struct FieldLines<'t> {
    text: &'t str,
    file: &'t str,
    /// None if the text is not TOML (then no field has a line).
    root: Option<toml::de::DeValue<'t>>,
}

#[cfg(feature = "toml")]
impl<'t> FieldLines<'t> {
    /// `file` is the name that starts every field path, as given to `read_toml`.
    pub fn new(text: &'t str, file: &'t str) -> FieldLines<'t> {
        let root = toml::de::DeTable::parse(text).ok().map(|table| toml::de::DeValue::Table(table.into_inner()));
        FieldLines { text, file, root }
    }

    /// The field's path after the file's name, such as `versions[1].cap.retiree.value`, and the
    /// line (counted from 1) it is written on; for a field that is missing, the line of the nearest
    /// part of its path that is written. None for a field of another file, or with no part written.
    pub fn locate<'f>(&self, field: &'f str) -> Option<(&'f str, usize)> {
        use toml::de::DeValue;
        let rest = field.strip_prefix(self.file).filter(|rest| rest.is_empty() || rest.starts_with(['.', '[']))?;
        let path = rest.trim_start_matches('.');
        let mut here = self.root.as_ref()?;
        let mut start = None;
        'walk: for segment in path.split('.') {
            let mut parts = segment.split('[');
            let key = parts.next().unwrap_or_default();
            if !key.is_empty() {
                let DeValue::Table(table) = here else { break };
                let Some((name, value)) = table.get_key_value(key) else { break };
                start = Some(name.span().start);
                here = value.get_ref();
            }
            for index in parts {
                let item = index.trim_end_matches(']').parse::<usize>().ok().and_then(|i| here.get(i));
                let Some(item) = item else { break 'walk };
                start = Some(item.span().start);
                here = item.get_ref();
            }
        }
        let before = &self.text.as_bytes()[..start?.min(self.text.len())];
        Some((path, 1 + before.iter().filter(|&&b| b == b'\n').count()))
    }
}

impl OutOfAreaRule {
    /// Reads and validates a shared rule from its tree (a TOML file, or its JSON form).
    pub fn read(tree: &Tree, file: &str) -> Result<OutOfAreaRule> {
        let root = Table::open(tree, file.into(), RULE_KEYS)?;
        let id = root.read("id", read_id)?;
        root.read_opt("kind", |n| expect_word(n, "out_of_area"))?;
        let name = root.read("name", read_text)?;
        let sources = read_sources(&root)?;
        let figures = read_out_of_area(root.require("figures")?, root.field_path("figures"), &sources)?;
        Ok(OutOfAreaRule {
            id,
            name,
            #[cfg(feature = "toml")]
            sources,
            figures,
        })
    }
}

impl Policy {
    /// Reads and validates a policy from its tree (a TOML file, or its JSON form); `file` is the
    /// start of every field path in errors. `rules` are the shared rules it may name.
    pub fn read(tree: &Tree, file: &str, rules: &[OutOfAreaRule]) -> Result<Policy> {
        let root = Table::open(tree, file.into(), POLICY_KEYS)?;
        let id = root.read("id", read_id)?;
        let scheme = root.read("scheme", Scheme::read)?;
        let members = match root.get("members") {
            Some(list) => {
                let path = root.field_path("members");
                let items = list.node(path).list()?;
                each(items, path, |_, n| Member::read(n))?
            }
            None => default_members(scheme).to_vec(),
        };
        if members.is_empty() {
            return Err(Error::new(root.field_path("members"), ErrorKind::Missing));
        }
        let name = root.read("name", read_text)?;
        let region = root.read("region", read_text)?;
        let sources = read_sources(&root)?;

        let (out_of_area_rule, out_of_area) = match root.require("out_of_area")? {
            Tree::Str(rule_id) => {
                let rule = rules.iter().find(|r| &r.id == rule_id).ok_or_else(|| {
                    Error::new(root.field_path("out_of_area"), ErrorKind::UnknownRule { id: rule_id.to_string() })
                })?;
                (Some(rule.id.clone()), rule.figures.clone())
            }
            inline => (None, read_out_of_area(inline, root.field_path("out_of_area"), &sources)?),
        };

        let versions_path = root.field_path("versions");
        let items = root.require("versions")?.node(versions_path).list()?;
        if items.is_empty() {
            return Err(Error::new(versions_path, ErrorKind::NoVersions));
        }
        let versions = each(items, versions_path, |_, node| read_version(node, &members, &sources))?;
        for (i, pair) in versions.windows(2).enumerate() {
            let later = Path::Index(&versions_path, i + 1);
            let field = Path::Key(&later, "start");
            if pair[1].start == pair[0].start {
                return Err(Error::new(field, ErrorKind::DuplicateVersion));
            }
            if pair[1].start < pair[0].start {
                return Err(Error::new(field, ErrorKind::VersionsUnordered));
            }
        }
        Ok(Policy { id, scheme, members, name, region, sources, out_of_area_rule, out_of_area, versions })
    }

    /// The version in force on `date`, if any.
    pub fn version_on(&self, date: NaiveDate) -> Option<&Version> {
        self.versions.iter().rev().find(|v| v.start <= date)
    }

    pub fn version_starting(&self, start: NaiveDate) -> Option<&Version> {
        self.versions.iter().find(|v| v.start == start)
    }

    /// A figure of a version, or one of the policy's out-of-area figures.
    pub fn figure<'a>(&'a self, version: &'a Version, key: &str) -> Option<&'a Figure> {
        version.figures.get(key).or_else(|| self.out_of_area.get(key))
    }

    /// Whether a figure is asked for once, under its plain key, rather than per version
    /// (`key@START`): where the policy has one version, or no version gives the figure (a plain
    /// key applies to every version). The page lays out its inputs by this (`per_version`).
    pub fn asks_once(&self, key: &str) -> bool {
        self.versions.len() <= 1
            || self.versions.iter().all(|v| self.figure(v, key).is_some_and(|f| f.status == Status::Unknown))
    }

    /// The figures, over all versions, that a source gives (not unknown, nor assumed in its
    /// absence), and all figures.
    pub fn completeness(&self) -> (usize, usize) {
        let all = self.versions.iter().flat_map(|v| v.figures.values()).chain(self.out_of_area.values());
        let given = |f: &Figure| !matches!(f.status, Status::Unknown | Status::Assumed);
        all.fold((0, 0), |(known, total), f| (known + usize::from(given(f)), total + 1))
    }
}

/// The figure groups in the order people read them, which the page and the figures used list
/// them in, each with its keys in order: the deductible, the ratio at each tier, each member's cap,
/// adjustment and account credit, then the out-of-area figures. (A version's figures are kept
/// sorted by key, which puts the pharmacy's ratio first and the cap after the adjustment.)
const READING_ORDER: [(&str, &[&str]); 6] = [
    ("deductible", &[""]),
    ("ratio", Facility::KEYS),
    ("cap", Member::KEYS),
    ("adjustment", Member::KEYS),
    ("account_credit", Member::KEYS),
    ("out_of_area", &OUT_OF_AREA_KEYS),
];

/// How many places [`reading_rank`] gives: one for each key of [`READING_ORDER`].
pub const READING_RANKS: usize = {
    let (mut places, mut i) = (0, 0);
    while i < READING_ORDER.len() {
        places += READING_ORDER[i].1.len();
        i += 1;
    }
    places
};

/// Where a figure comes in [`READING_ORDER`]: each key has a place of its own.
pub fn reading_rank(key: &str) -> usize {
    let (group, part) = key.split_once('.').unwrap_or((key, ""));
    let mut before = 0;
    for (name, parts) in READING_ORDER {
        if name == group {
            return before + parts.iter().position(|p| *p == part).unwrap_or(0);
        }
        before += parts.len();
    }
    0
}

pub fn default_members(scheme: Scheme) -> &'static [Member] {
    match scheme {
        Scheme::Employee => &[Member::InService, Member::Retiree, Member::Flexible],
        Scheme::Resident => &[Member::Resident],
    }
}

fn read_id(node: Node<'_>) -> Result<String> {
    let id = node.text()?.trim();
    let ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        return Err(node.error(ErrorKind::NotOneOf {
            value: id.to_owned(),
            allowed: vec!["a-z".into(), "0-9".into(), "-".into()],
        }));
    }
    Ok(id.to_owned())
}

fn expect_word(node: Node<'_>, word: &'static str) -> Result<()> {
    let text = node.text()?;
    if text != word {
        return Err(node.error(ErrorKind::NotOneOf { value: text.to_owned(), allowed: vec![word.to_owned()] }));
    }
    Ok(())
}

fn read_text(node: Node<'_>) -> Result<Text> {
    let tree = node.tree;
    let table = Table::open(tree, node.path(), &["zh", "en"])?;
    let zh = table.read("zh", |n| n.prose().map(str::to_owned))?;
    let en = table.read("en", |n| n.prose().map(str::to_owned))?;
    Ok(Text { zh, en })
}

fn read_sources(root: &Table<'_>) -> Result<Vec<Source>> {
    let path = root.field_path("sources");
    let map = Table::open_map(root.require("sources")?, path)?;
    map.entries()
        .map(|(id, tree)| {
            let source = Table::open(tree, Path::Key(&path, id), SOURCE_KEYS)?;
            let opt = |key| source.read_opt(key, |n| n.prose().map(str::to_owned)).map(Option::unwrap_or_default);
            Ok(Source {
                id: id.to_owned(),
                title: source_title_text(source.read("title", |n| n.prose().map(str::to_owned))?, opt("title_zh")?),
                publisher: opt("publisher")?,
                published: opt("published")?,
                reference: opt("reference")?,
            })
        })
        .collect()
}

fn read_out_of_area(tree: &Tree, path: Path<'_>, sources: &[Source]) -> Result<VecMap<String, Figure>> {
    let table = Table::open(tree, path, &OUT_OF_AREA_KEYS)?;
    let mut figures = VecMap::new();
    for name in OUT_OF_AREA_KEYS {
        let key = format!("out_of_area.{name}");
        let figure = read_figure(table.require(name)?, table.field_path(name), &key, sources)?;
        figures.insert(key, figure);
    }
    Ok(figures)
}

fn read_version(node: Node<'_>, members: &[Member], sources: &[Source]) -> Result<Version> {
    let version = Table::open(node.tree, node.path(), VERSION_KEYS)?;
    let start_path = version.field_path("start");
    let start = Table::open(version.require("start")?, start_path, &["date", "status", "source", "note", "note_zh"])?;
    let start_date = start.read("date", |n| parse_date(n.text()?, n.path()))?;
    // The date is given, so a source states it, it is derived from one, or it is assumed.
    let start_status = start.read("status", |n| read_status(n, &[Status::Stated, Status::Derived, Status::Assumed]))?;
    let start_source = start.read("source", |n| read_source_id(n, sources))?.0;
    let start_note = read_note(&start)?;

    let mut figures = VecMap::new();
    let mut add = |tree: &Tree, path: Path<'_>, key: String| -> Result<()> {
        let figure = read_figure(tree, path, &key, sources)?;
        figures.insert(key, figure);
        Ok(())
    };
    add(version.require("deductible")?, version.field_path("deductible"), "deductible".into())?;
    let ratio = Table::open(version.require("ratio")?, version.field_path("ratio"), Facility::KEYS)?;
    for facility in Facility::ALL {
        add(ratio.require(facility.key())?, ratio.field_path(facility.key()), format!("ratio.{}", facility.key()))?;
    }
    for group in ["adjustment", "cap", "account_credit"] {
        let member_keys: Vec<&'static str> = members.iter().map(|m| m.key()).collect();
        let table = Table::open(version.require(group)?, version.field_path(group), &member_keys)?;
        for member in members {
            add(table.require(member.key())?, table.field_path(member.key()), format!("{group}.{}", member.key()))?;
        }
    }
    check_same_as(&figures, node.path())?;

    let deductible_exempt = match version.get("deductible_exempt") {
        Some(list) => {
            let path = version.field_path("deductible_exempt");
            each(list.node(path).list()?, path, |_, n| Facility::read(n))?
        }
        None => Vec::new(),
    };
    Ok(Version { start: start_date, start_status, start_source, start_note, deductible_exempt, figures })
}

/// A `same_as` must name another figure of the same kind in the same version.
fn check_same_as(figures: &VecMap<String, Figure>, version_path: Path<'_>) -> Result<()> {
    for figure in figures.values() {
        let Some(target) = &figure.same_as else { continue };
        let figure_path = Path::Key(&version_path, &figure.key);
        let field = Path::Key(&figure_path, "same_as");
        if target == &figure.key {
            return Err(Error::new(field, ErrorKind::SameAsItself));
        }
        let same_kind = FigureKind::of(target) == FigureKind::of(&figure.key);
        let target_is_plain = figures.get(target).is_some_and(|t| t.same_as.is_none());
        if !same_kind || !target_is_plain {
            let allowed = figures
                .values()
                .filter(|f| f.same_as.is_none() && FigureKind::of(&f.key) == FigureKind::of(&figure.key));
            let allowed = allowed.map(|f| f.key.clone()).collect();
            return Err(Error::new(field, ErrorKind::NotOneOf { value: target.clone(), allowed }));
        }
    }
    Ok(())
}

fn read_source_id(node: Node<'_>, sources: &[Source]) -> Result<(String, Text)> {
    let id = node.text()?;
    let source = sources
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| node.error(ErrorKind::UnknownSource { id: id.to_owned() }))?;
    Ok((source.id.clone(), source.title.clone()))
}

/// A source's titles: `title` as published (Chinese for most sources a bureau cites, English for
/// the translations bundled here) and `title_zh`, the Chinese title of a source published in
/// another language.
fn source_title_text(title: String, title_zh: String) -> Text {
    let chinese = title.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    match (chinese, title_zh.is_empty()) {
        (true, true) => Text { zh: title, en: String::new() },
        (true, false) => Text { zh: title_zh, en: String::new() },
        (false, _) => Text { zh: title_zh, en: title },
    }
}

/// A source's title in `lang`, or, without one, in the other language; with the language it is in,
/// so that a reader can say so (a Chinese page would otherwise show an English title unexplained)
/// and a screen reader can read it in its own language.
fn source_title(title: &Text, lang: Lang) -> (String, Lang) {
    match (lang, title.zh.is_empty(), title.en.is_empty()) {
        (Lang::Zh, true, false) => (title.en.clone(), Lang::En),
        (Lang::En, false, true) => (title.zh.clone(), Lang::Zh),
        _ => (title.get(lang).to_owned(), lang),
    }
}

fn read_note(table: &Table<'_>) -> Result<Text> {
    let en = table.read("note", |n| n.prose().map(str::to_owned))?;
    let zh = table.read_opt("note_zh", |n| n.prose().map(str::to_owned))?.unwrap_or_default();
    Ok(Text { zh, en })
}

/// A status at `node` that is one of `allowed`, or the error that names them.
/// A status among `allowed`; an error lists those, not every status (a policy file cannot say `user`).
fn read_status(node: Node<'_>, allowed: &[Status]) -> Result<Status> {
    let text = node.text()?;
    let status = Status::parse(text.trim()).filter(|s| allowed.contains(s));
    status.ok_or_else(|| {
        let allowed = allowed.iter().map(|s| s.key().to_string()).collect();
        node.error(ErrorKind::NotOneOf { value: text.to_owned(), allowed })
    })
}

fn read_figure(tree: &Tree, path: Path<'_>, key: &str, sources: &[Source]) -> Result<Figure> {
    let table = Table::open(tree, path, FIGURE_KEYS)?;
    let status = table.read("status", |n| read_status(n, POLICY_STATUSES))?;
    let kind = FigureKind::of(key);
    let value = table.read_opt("value", |n| kind.parse(&n.decimal_text()?, n.path()))?;
    let same_as = table.read_opt("same_as", |n| n.text().map(|t| t.trim().to_owned()))?;
    let (source, source_title) = table.read("source", |n| read_source_id(n, sources))?;
    let note = read_note(&table)?;
    if value.is_some() && same_as.is_some() {
        // One of the two would be dropped without a word.
        return Err(Error::new(table.field_path("value"), ErrorKind::ExclusiveWith { other: "same_as".to_owned() }));
    }
    match (status, value.is_some() || same_as.is_some()) {
        (Status::Unknown, true) => Err(Error::new(table.field_path("value"), ErrorKind::ValueForUnknown)),
        (Status::Unknown, false) | (_, true) => {
            Ok(Figure { key: key.to_owned(), value, same_as, status, source, source_title, note })
        }
        (_, false) => Err(Error::new(table.field_path("value"), ErrorKind::MissingValue)),
    }
}

// ---------------------------------------------------------------------------------------------
// Overrides: figures a scenario supplies or changes.

/// Overrides keyed by figure key; `Some(start)` scopes one to the version starting that day.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overrides {
    values: VecMap<(String, Option<NaiveDate>), Decimal>,
}

impl Overrides {
    /// Reads `key` or `key@YYYY-MM-DD` → value pairs, checking each against the policy.
    pub fn read(table: &Table<'_>, policy: &Policy) -> Result<Overrides> {
        if table.len() > crate::limits::MAX_OVERRIDES {
            return Err(Error::new(table.path, ErrorKind::TooMany { max: crate::limits::MAX_OVERRIDES }));
        }
        let mut values = VecMap::new();
        for (name, tree) in table.entries() {
            let field = table.field_path(name);
            let (key, scope) = match name.split_once('@') {
                Some((key, date)) => (key, Some(parse_date(date, field)?)),
                None => (name, None),
            };
            let known = policy.versions.iter().any(|v| policy.figure(v, key).is_some());
            if !known {
                return Err(Error::new(field, ErrorKind::UnknownOverride { key: key.to_owned() }));
            }
            if let Some(start) = scope {
                if policy.version_starting(start).is_none() {
                    let allowed = policy.versions.iter().map(|v| iso(v.start)).collect();
                    return Err(Error::new(field, ErrorKind::NotOneOf { value: iso(start), allowed }));
                }
            }
            let value = FigureKind::of(key).parse(&tree.node(field).decimal_text()?, field)?;
            values.insert((key.to_owned(), scope), value);
        }
        Ok(Overrides { values })
    }

    pub fn insert(&mut self, key: &str, scope: Option<NaiveDate>, value: Decimal) {
        self.values.insert((key.to_owned(), scope), value);
    }

    fn get(&self, key: &str, version: NaiveDate) -> Option<Decimal> {
        // A scan rather than a map lookup, which would need the key copied: overrides are few.
        let value = |scope| self.values.iter().find(|((k, s), _)| k == key && *s == scope).map(|(_, v)| *v);
        value(Some(version)).or_else(|| value(None))
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Every override as (figure key, the version it is scoped to, value), in key order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Option<NaiveDate>, Decimal)> {
        self.values.iter().map(|((key, scope), value)| (key.as_str(), *scope, *value))
    }
}

/// A figure as one calculation used it: the value in force and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UsedFigure {
    pub key: String,
    #[serde(serialize_with = "crate::policy::serialize_date")]
    pub version: NaiveDate,
    #[serde(serialize_with = "crate::policy::serialize_opt_decimal")]
    pub value: Option<Decimal>,
    /// `user` when the scenario's override replaced the policy's figure.
    pub status: Status,
    /// The policy's own status, kept when an override replaced it.
    pub policy_status: Status,
    #[serde(serialize_with = "crate::policy::serialize_opt_decimal")]
    pub policy_value: Option<Decimal>,
    pub source: String,
    pub source_title: String,
    /// The language `source_title` is written in: the outcome's, unless the source has no title in it.
    pub source_title_lang: Lang,
    pub note: String,
    pub overridden: bool,
}

/// A figure as one calculation used it, by reference: what [`UsedFigure`] shows, without copying
/// the figure's texts (adjudication looks figures up once and copies them only into an outcome).
#[derive(Clone, Copy, Debug)]
pub struct FigureUse<'a> {
    pub figure: &'a Figure,
    pub version: NaiveDate,
    /// The value in force: the override's when the scenario overrode the figure.
    pub value: Option<Decimal>,
    pub overridden: bool,
    /// The least sure status among the figure and the one its `same_as` follows: a rule the source
    /// states gives a value only as sure as the figure it points to.
    pub behind: Status,
}

impl FigureUse<'_> {
    pub fn key(&self) -> &str {
        &self.figure.key
    }

    pub fn status(&self) -> Status {
        if self.overridden {
            Status::User
        } else {
            self.behind
        }
    }

    pub fn to_used(&self, lang: Lang) -> UsedFigure {
        let figure = self.figure;
        let (source_title, source_title_lang) = source_title(&figure.source_title, lang);
        UsedFigure {
            key: figure.key.clone(),
            version: self.version,
            value: self.value,
            status: self.status(),
            policy_status: figure.status,
            policy_value: figure.value,
            source: figure.source.clone(),
            source_title,
            source_title_lang,
            note: figure.note.get(lang).to_owned(),
            overridden: self.overridden,
        }
    }
}

/// Looks figures up in a policy with a scenario's overrides applied.
pub struct Figures<'a> {
    pub policy: &'a Policy,
    pub overrides: &'a Overrides,
    pub lang: Lang,
}

impl<'a> Figures<'a> {
    /// The figure `key` of `version`: the override if any, else the policy's value, following
    /// `same_as`. An unknown figure without an override is an error naming the override to supply.
    pub fn get(&self, version: &'a Version, key: &str) -> Result<(Decimal, Vec<UsedFigure>)> {
        let mut uses = Vec::new();
        let value = self.uses(version, key, &mut uses)?;
        Ok((value, uses.iter().map(|u| u.to_used(self.lang)).collect()))
    }

    /// As [`Figures::get`], adding the figures used to `uses` by reference.
    pub fn uses(&self, version: &'a Version, key: &str, uses: &mut Vec<FigureUse<'a>>) -> Result<Decimal> {
        let figure = self.policy.figure(version, key).ok_or_else(|| {
            Error::new(format!("overrides.{key}"), ErrorKind::UnknownOverride { key: key.to_owned() })
        })?;
        let overridden = self.overrides.get(key, version.start);
        let at = uses.len();
        let (overridden_now, behind) = (overridden.is_some(), figure.status);
        uses.push(FigureUse { figure, version: version.start, value: overridden, overridden: overridden_now, behind });
        let value = match (overridden, &figure.same_as, figure.value) {
            (Some(value), _, _) => value,
            (None, Some(target), _) => {
                let value = self.uses(version, target, uses)?;
                // Status runs from stated to the reader's own: the later of the two is what it rests on.
                uses[at].behind = uses[at].behind.max(uses[at + 1].status());
                value
            }
            (None, None, Some(value)) => value,
            (None, None, None) => {
                let asked_for = (!self.policy.asks_once(key)).then_some(version.start);
                return Err(Error::unknown_figure(key, asked_for));
            }
        };
        uses[at].value = Some(value);
        Ok(value)
    }
}

// ---------------------------------------------------------------------------------------------
// Summaries for the page and `--list`: names and figures in one language.

/// A figure key in words: `ratio.primary` → "fund ratio: primary (incl. …)".
pub fn figure_label(key: &str, lang: Lang) -> String {
    let (group, rest) = key.split_once('.').unwrap_or((key, ""));
    let member = || Member::parse(rest).map_or(rest, |m| m.label(lang));
    match group {
        "deductible" => lang.pick("起付线（元/年）", "deductible (yuan a year)").to_owned(),
        "ratio" => format!(
            "{}{}",
            lang.pick("支付比例：", "fund ratio: "),
            Facility::parse(rest).map_or(rest, |f| f.label(lang))
        ),
        "adjustment" => format!("{}{}", lang.pick("比例调整（百分点）：", "ratio adjustment (points): "), member()),
        "cap" => format!("{}{}", lang.pick("年度最高支付限额（元）：", "annual cap (yuan): "), member()),
        "account_credit" => {
            format!("{}{}", lang.pick("个人账户年划入额（元）：", "personal account yearly credit (yuan): "), member())
        }
        "out_of_area" => match rest {
            "temporary_deductible_multiple" => {
                lang.pick("临时外出就医起付线倍数", "temporary care: deductible multiple").to_owned()
            }
            mode => format!(
                "{}{}",
                lang.pick("异地就医比例下调：", "out-of-area ratio reduction: "),
                Settlement::parse(mode).map_or(mode, |s| s.label(lang))
            ),
        },
        _ => key.to_owned(),
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PolicySummary {
    pub id: String,
    pub scheme: Scheme,
    pub name: String,
    pub region: String,
    pub members: Vec<Labelled>,
    pub sources: Vec<Source>,
    pub out_of_area_rule: Option<String>,
    pub versions: Vec<VersionSummary>,
    /// Figures any source gives, and all figures, over every version.
    pub known: usize,
    pub total: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Labelled {
    pub key: &'static str,
    pub label: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct VersionSummary {
    #[serde(serialize_with = "crate::policy::serialize_date")]
    pub start: NaiveDate,
    pub start_status: Status,
    pub start_source: String,
    pub start_note: String,
    pub deductible_exempt: Vec<Facility>,
    pub figures: Vec<FigureSummary>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FigureSummary {
    pub key: String,
    pub label: String,
    #[serde(serialize_with = "crate::policy::serialize_opt_decimal")]
    pub value: Option<Decimal>,
    pub same_as: Option<String>,
    /// Whether a what-if of it is given per version (`key@START`): see [`Policy::asks_once`].
    pub per_version: bool,
    pub status: Status,
    pub source: String,
    pub source_title: String,
    /// As in [`UsedFigure`].
    pub source_title_lang: Lang,
    pub note: String,
}

impl Policy {
    pub fn summary(&self, lang: Lang) -> PolicySummary {
        let figure = |f: &Figure| {
            let (source_title, source_title_lang) = source_title(&f.source_title, lang);
            FigureSummary {
                key: f.key.clone(),
                label: figure_label(&f.key, lang),
                value: f.value,
                same_as: f.same_as.clone(),
                per_version: !self.asks_once(&f.key),
                status: f.status,
                source: f.source.clone(),
                source_title,
                source_title_lang,
                note: f.note.get(lang).to_owned(),
            }
        };
        let (known, total) = self.completeness();
        PolicySummary {
            id: self.id.clone(),
            scheme: self.scheme,
            name: self.name.get(lang).to_owned(),
            region: self.region.get(lang).to_owned(),
            members: self.members.iter().map(|m| Labelled { key: m.key(), label: m.label(lang) }).collect(),
            sources: self.sources.clone(),
            out_of_area_rule: self.out_of_area_rule.clone(),
            versions: self
                .versions
                .iter()
                .map(|v| VersionSummary {
                    start: v.start,
                    start_status: v.start_status,
                    start_source: v.start_source.clone(),
                    start_note: v.start_note.get(lang).to_owned(),
                    deductible_exempt: v.deductible_exempt.clone(),
                    figures: {
                        // Each figure in its place: no sort (a sort's code is a few KB of wasm).
                        let mut places = [None; READING_RANKS];
                        for f in v.figures.values().chain(self.out_of_area.values()) {
                            places[reading_rank(&f.key)] = Some(f);
                        }
                        places.into_iter().flatten().map(figure).collect()
                    },
                })
                .collect(),
            known,
            total,
        }
    }
}

/// Every keyword of the page's choices with its label, so the page keeps no copy of them. A struct
/// rather than a map: building a map from a list sorts it, and a sort is a few KB of wasm.
#[derive(Clone, Debug, Serialize)]
pub struct Labels {
    pub facility: Vec<Labelled>,
    pub member: Vec<Labelled>,
    pub scheme: Vec<Labelled>,
    pub settlement: Vec<Labelled>,
    pub status: Vec<Labelled>,
}

pub fn labels(lang: Lang) -> Labels {
    fn all<T: Copy>(items: &[T], key: fn(T) -> &'static str, label: impl Fn(T) -> &'static str) -> Vec<Labelled> {
        items.iter().map(|&i| Labelled { key: key(i), label: label(i) }).collect()
    }
    Labels {
        facility: all(Facility::ALL, Facility::key, |f| f.label(lang)),
        member: all(Member::ALL, Member::key, |m| m.label(lang)),
        scheme: all(Scheme::ALL, Scheme::key, |s| s.label(lang)),
        settlement: all(Settlement::ALL, Settlement::key, |s| s.label(lang)),
        status: all(Status::ALL, Status::key, |s| s.label(lang)),
    }
}

#[cfg(all(test, feature = "toml"))]
mod tests {
    use crate::{Lang, Library};

    #[test]
    fn labels_name_every_keyword_of_each_choice() {
        let json = serde_json::to_value(super::labels(Lang::En)).unwrap();
        let kinds: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
        assert_eq!(kinds, ["facility", "member", "scheme", "settlement", "status"]);
        let keys = |kind: &str| {
            json[kind].as_array().unwrap().iter().map(|l| l["key"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
        };
        assert_eq!(keys("facility"), ["primary", "secondary", "tertiary", "pharmacy"]);
        assert_eq!(keys("member"), ["in_service", "retiree", "flexible", "resident"]);
        assert_eq!(json["settlement"][0], serde_json::json!({ "key": "local", "label": "care where insured" }));
        let zh = serde_json::to_value(super::labels(Lang::Zh)).unwrap();
        assert_eq!(zh["facility"][3]["key"], "pharmacy");
        assert_ne!(zh["facility"][3]["label"], json["facility"][3]["label"], "in the language asked for");
    }

    #[test]
    fn the_summary_lists_every_figure_once_in_reading_order() {
        for policy in Library::bundled().unwrap().policies() {
            let every = policy.versions.iter().map(|v| v.figures.len() + policy.out_of_area.len());
            let summary = policy.summary(Lang::En);
            let listed = summary.versions.iter().map(|v| v.figures.len());
            assert!(every.eq(listed), "{}: reading_rank gives each figure a place of its own", policy.id);
            let keys: Vec<_> = summary.versions[0].figures.iter().map(|f| f.key.as_str()).collect();
            let at = |key: &str| keys.iter().position(|k| *k == key).unwrap();
            assert_eq!(keys[0], "deductible", "{}", policy.id);
            assert!(at("ratio.primary") < at("ratio.tertiary") && at("ratio.tertiary") < at("ratio.pharmacy"));
            let member = policy.members[0].key();
            assert!(at("ratio.pharmacy") < at(&format!("cap.{member}")));
            assert!(at(&format!("cap.{member}")) < at(&format!("adjustment.{member}")), "{}", policy.id);
        }
    }

    /// Every source title of a policy's figures, as the summary gives them in `lang`, with its language.
    fn titles(policy: &crate::policy::Policy, lang: Lang) -> Vec<(String, Lang)> {
        let versions = policy.summary(lang).versions;
        versions.iter().flat_map(|v| v.figures.iter().map(|f| (f.source_title.clone(), f.source_title_lang))).collect()
    }

    #[test]
    fn a_source_title_is_in_the_pages_language_or_says_which_language_it_is_in() {
        let library = Library::bundled().unwrap();
        let qiannan = library.get("qiannan-employee").unwrap();
        let english = "From September 1st, the personal account of the medical insurance of Qiannan Prefecture can be used by spouses and children";
        let en = titles(qiannan, Lang::En);
        assert!(
            en.iter().any(|(t, _)| t == english) && en.iter().all(|(t, l)| t.is_ascii() && *l == Lang::En),
            "{en:?}"
        );
        assert_eq!(titles(qiannan, Lang::Zh), en, "the English titles on the Chinese page, said to be English");

        let (_, text) = Library::bundled_files().find(|(name, _)| name.contains("qiannan")).unwrap();
        let chinese = "黔南州职工医保个人账户9月1日起可用于配偶子女";
        let with_chinese =
            text.replacen("[sources.seed-001]\n", &format!("[sources.seed-001]\ntitle_zh = \"{chinese}\"\n"), 1);
        assert_ne!(with_chinese, text, "the title was added");
        let policy = library.check(&with_chinese, "qiannan.toml").unwrap();
        assert_eq!(titles(&policy, Lang::En), en);
        let expected: Vec<(String, Lang)> = en
            .iter()
            .map(|(t, l)| if t == english { (chinese.to_owned(), Lang::Zh) } else { (t.clone(), *l) })
            .collect();
        assert_eq!(titles(&policy, Lang::Zh), expected, "the Chinese title where the file gives one");

        // A bureau's own file cites Chinese sources by their Chinese titles: shown as they are.
        let chinese_source = text.replacen(&format!("title = \"{english}\""), &format!("title = \"{chinese}\""), 1);
        assert_ne!(chinese_source, text);
        let policy = library.check(&chinese_source, "qiannan.toml").unwrap();
        let zh = titles(&policy, Lang::Zh);
        let source = (chinese.to_owned(), Lang::Zh);
        assert!(zh.contains(&source) && zh.iter().all(|t| *t == source || t.1 == Lang::En), "{zh:?}");
        assert!(titles(&policy, Lang::En).contains(&source), "a Chinese title on the English page, said to be Chinese");
    }
}

#[cfg(all(test, feature = "toml"))]
mod line_tests {
    use super::FieldLines;

    /// The line of `path` in `text`, through a field of a file named `f`, as errors name them.
    fn line_of(text: &str, path: &str) -> Option<usize> {
        FieldLines::new(text, "f").locate(&format!("f.{path}")).map(|(_, line)| line)
    }

    const FILE: &str = r#"id = "x"
members = ["in_service",
  "retiree"]

[sources.a]
title = "t"

[[versions]]
start = { date = "2022-01-01", status = "stated", source = "a" }
deductible = { value = "700", status = "stated", source = "a" }

[versions.ratio]
primary = { value = "0.5", status = "stated", source = "a" }

[[versions]]
start = { date = "2023-01-01", status = "stated", source = "a" }

[versions.cap]
retiree = { value = "1000",
  status = "stated", source = "a" }
"#;

    #[test]
    fn a_field_is_found_on_the_line_that_writes_it() {
        for (path, line) in [
            ("id", 1),
            ("members[1]", 3),
            ("sources.a.title", 6),
            ("sources.a", 5),
            ("versions[0]", 8),
            ("versions[0].deductible.value", 10),
            ("versions[0].ratio", 12),
            ("versions[0].ratio.primary.status", 13),
            ("versions[1].start.date", 16),
            ("versions[1].cap.retiree.status", 20),
        ] {
            assert_eq!(line_of(FILE, path), Some(line), "{path}");
        }
    }

    #[test]
    fn a_missing_field_points_at_the_nearest_written_parent() {
        assert_eq!(line_of(FILE, "versions[1].cap.retiree.note"), Some(19));
        assert_eq!(line_of(FILE, "versions[1].ratio.primary"), Some(15));
        assert_eq!(line_of(FILE, "versions[5].start"), Some(8));
        assert_eq!(line_of(FILE, "name"), None);
        assert_eq!(line_of(FILE, ""), None);
        assert_eq!(line_of("not = [toml", "not"), None);
        assert_eq!(FieldLines::new(FILE, "f").locate("g.id"), None, "a field of another file");
        assert_eq!(FieldLines::new(FILE, "f").locate("fid"), None, "nor of a file whose name starts alike");
        assert_eq!(FieldLines::new(FILE, "f").locate("f.sources.a.title"), Some(("sources.a.title", 6)));
    }
}
