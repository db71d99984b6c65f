//! The one error type of the core. Every error names the field it is about (a path such as
//! `visits[3].amount` or `versions[1].ratio.pharmacy.value`) and says what is wrong in both languages.

use crate::date::iso;
use crate::i18n::{Lang, Text};
use chrono::NaiveDate;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Path of the offending field; for a policy file it starts with the file's name.
    pub field: String,
    pub kind: ErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text could not be read at all (TOML or JSON syntax); `detail` is the parser's words.
    Syntax {
        detail: String,
    },
    Missing,
    UnknownKey {
        allowed: Vec<&'static str>,
    },
    WrongType {
        expected: Expected,
    },
    /// `example`: a number of the kind the field takes.
    NotANumber {
        example: &'static str,
    },
    Negative,
    TooManyDecimals,
    RatioOutOfRange,
    PointsOutOfRange,
    MultipleOutOfRange,
    DuplicateKey,
    AmountTooLarge,
    NotADate,
    ImpossibleDate,
    DateOutOfRange,
    PeriodReversed,
    PeriodTooLong,
    OutsidePeriod {
        start: String,
        end: String,
    },
    OutOfScopeExceedsAmount,
    NotOneOf {
        value: String,
        allowed: Vec<String>,
    },
    /// A file that is not UTF-8 text (GBK, say).
    NotUtf8,
    /// Two bundled files give one policy id.
    DuplicatePolicy {
        file: String,
    },
    UnknownPolicy {
        id: String,
    },
    UnknownRule {
        id: String,
    },
    UnknownSource {
        id: String,
    },
    MemberNotCovered {
        member: String,
        policy: String,
        /// The policy's own categories.
        allowed: Vec<String>,
    },
    VersionsUnordered,
    DuplicateVersion,
    NoVersions,
    ValueForUnknown,
    MissingValue,
    SameAsItself,
    /// `version`: the version whose figure this is, where it must be entered for that version
    /// (`key@START`); none where the policy asks for it once (`Policy::asks_once`).
    /// `also`: the other unknown figures the scenario needs (`adjudicate::with_figures_needed`),
    /// so that all of them can be asked for at once.
    UnknownFigure {
        key: String,
        version: Option<NaiveDate>,
        also: Vec<(String, Option<NaiveDate>)>,
    },
    UnknownOverride {
        key: String,
    },
    TooMany {
        max: usize,
    },
    TooLarge {
        max_bytes: usize,
    },
    TooLong {
        max_chars: usize,
    },
    /// A whole number beyond what any field takes (more than 19 digits).
    NumberTooLarge,
    /// A link (URL fragment) in a format version this build does not read.
    LinkVersion {
        found: String,
    },
    /// A part of a link that is not written the way its `form` says.
    NotInForm {
        form: &'static str,
    },
    BadEscape,
    BadCharacter {
        found: char,
    },
    ExclusiveWith {
        other: String,
    },
}

/// What kind of value a field needed, for [`ErrorKind::WrongType`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Text,
    DecimalText,
    Table,
    List,
    Boolean,
    Integer,
}

impl Error {
    pub fn new(field: impl Into<String>, kind: ErrorKind) -> Error {
        Error { field: field.into(), kind }
    }

    /// The figure `key` (of the version starting on `version`, where it is asked for per version)
    /// is unknown and has no override: the error names the override to supply.
    pub fn unknown_figure(key: &str, version: Option<NaiveDate>) -> Error {
        Error::new(
            format!("overrides.{key}"),
            ErrorKind::UnknownFigure { key: key.to_owned(), version, also: Vec::new() },
        )
    }

    /// The same error, its "not a number" giving `example` as the kind of number the field takes.
    pub fn with_example(mut self, example: &'static str) -> Error {
        if let ErrorKind::NotANumber { example: given } = &mut self.kind {
            *given = example;
        }
        self
    }

    /// A stable snake_case identifier, for programs (and the page) to react to.
    pub fn code(&self) -> &'static str {
        use ErrorKind::*;
        match &self.kind {
            Syntax { .. } => "syntax",
            Missing => "missing",
            UnknownKey { .. } => "unknown_key",
            WrongType { .. } => "wrong_type",
            NotANumber { .. } => "not_a_number",
            Negative => "negative",
            TooManyDecimals => "too_many_decimals",
            RatioOutOfRange => "ratio_out_of_range",
            PointsOutOfRange => "points_out_of_range",
            MultipleOutOfRange => "multiple_out_of_range",
            DuplicateKey => "duplicate_key",
            AmountTooLarge => "amount_too_large",
            NotADate => "not_a_date",
            ImpossibleDate => "impossible_date",
            DateOutOfRange => "date_out_of_range",
            PeriodReversed => "period_reversed",
            PeriodTooLong => "period_too_long",
            OutsidePeriod { .. } => "outside_period",
            OutOfScopeExceedsAmount => "out_of_scope_exceeds_amount",
            NotOneOf { .. } => "not_one_of",
            NotUtf8 => "not_utf8",
            DuplicatePolicy { .. } => "duplicate_policy",
            UnknownPolicy { .. } => "unknown_policy",
            UnknownRule { .. } => "unknown_rule",
            UnknownSource { .. } => "unknown_source",
            MemberNotCovered { .. } => "member_not_covered",
            VersionsUnordered => "versions_unordered",
            DuplicateVersion => "duplicate_version",
            NoVersions => "no_versions",
            ValueForUnknown => "value_for_unknown",
            MissingValue => "missing_value",
            SameAsItself => "same_as_itself",
            UnknownFigure { .. } => "unknown_figure",
            UnknownOverride { .. } => "unknown_override",
            TooMany { .. } => "too_many",
            TooLarge { .. } => "too_large",
            TooLong { .. } => "too_long",
            NumberTooLarge => "number_too_large",
            LinkVersion { .. } => "link_version",
            NotInForm { .. } => "not_in_form",
            BadEscape => "bad_escape",
            BadCharacter { .. } => "bad_character",
            ExclusiveWith { .. } => "exclusive_with",
        }
    }

    /// What is wrong, without the field, in both languages.
    pub fn description(&self) -> Text {
        use crate::bilingual;
        use ErrorKind::*;
        match &self.kind {
            Syntax { detail } => bilingual!(zh: "无法读取：{}", en: "cannot be read: {}", detail),
            Missing => bilingual!(zh: "必须填写", en: "is required"),
            UnknownKey { allowed } => {
                bilingual!(zh: "不是可识别的项（可用：{}）", en: "is not a known key (known: {})", allowed.join(", "))
            }
            WrongType { expected } => {
                let (zh, en) = expected.words();
                Text { zh: format!("应为{zh}"), en: format!("must be {en}") }
            }
            NotANumber { example } => {
                // An example, not a grammar: "1,200" and full-width digits are read too.
                bilingual!(zh: "不是数字（应写成例如 {}）", en: "is not a number (write it like {})", example)
            }
            Negative => bilingual!(zh: "不能为负数", en: "cannot be negative"),
            TooManyDecimals => {
                bilingual!(zh: "金额最多两位小数（精确到分）", en: "has more than two decimals (amounts are in fen)")
            }
            RatioOutOfRange => {
                bilingual!(zh: "比例必须在 0 到 1 之间（如 0.70）或 0% 到 100% 之间", en: "must be a ratio between 0 and 1 (e.g. 0.70) or 0% to 100%")
            }
            PointsOutOfRange => {
                bilingual!(zh: "调整幅度必须在 -1 到 1 之间（0.05 即 5 个百分点）", en: "must be between -1 and 1 (0.05 means 5 percentage points)")
            }
            MultipleOutOfRange => {
                bilingual!(zh: "倍数必须在 1 到 100 之间", en: "must be a multiple between 1 and 100")
            }
            DuplicateKey => bilingual!(zh: "同一项出现了两次", en: "is given twice"),
            AmountTooLarge => {
                bilingual!(zh: "金额过大（上限 {} 元）", en: "is too large (at most {} yuan)", crate::limits::MAX_AMOUNT_YUAN)
            }
            NotADate => {
                bilingual!(zh: "不是日期：请写成 年-月-日，例如 2023-03-15", en: "is not a date: write it as YYYY-MM-DD, e.g. 2023-03-15")
            }
            ImpossibleDate => bilingual!(zh: "日历上没有这一天", en: "is not a day of the calendar"),
            DateOutOfRange => {
                let ((y0, m0, d0), (y1, m1, d1)) = (crate::limits::MIN_DATE, crate::limits::MAX_DATE);
                bilingual!(zh: "日期须在 {:04}-{:02}-{:02} 至 {:04}-{:02}-{:02} 之间", en: "must be between {:04}-{:02}-{:02} and {:04}-{:02}-{:02}", y0, m0, d0, y1, m1, d1)
            }
            PeriodReversed => bilingual!(zh: "结束日期早于开始日期", en: "ends before it starts"),
            PeriodTooLong => {
                bilingual!(zh: "期间过长（最多 {} 天）", en: "is too long (at most {} days)", crate::limits::MAX_PERIOD_DAYS)
            }
            OutsidePeriod { start, end } => {
                bilingual!(zh: "不在所选期间 {} 至 {} 内", en: "is outside the chosen period {} to {}", start, end)
            }
            OutOfScopeExceedsAmount => {
                bilingual!(zh: "政策范围外金额不能大于就诊总额", en: "cannot be more than the visit's total amount")
            }
            NotOneOf { value, allowed } => {
                bilingual!(zh: "“{}”不是可选值（可选：{}）", en: "\"{}\" is not one of: {}", value, allowed.join(", "))
            }
            NotUtf8 => {
                bilingual!(zh: "不是 UTF-8 编码的文本：请在编辑器中另存为 UTF-8", en: "is not UTF-8 text: save it as UTF-8 in your editor")
            }
            DuplicatePolicy { file } => {
                bilingual!(zh: "与 {} 的编号相同：每个政策文件都要有自己的 id（复制文件后请改 id）", en: "is also the id of {}: each policy file needs an id of its own (change it in a copied file)", file)
            }
            UnknownPolicy { id } => bilingual!(zh: "没有编号为“{}”的政策", en: "no policy has the id \"{}\"", id),
            UnknownRule { id } => {
                bilingual!(zh: "没有编号为“{}”的共用规则", en: "no shared rule has the id \"{}\"", id)
            }
            UnknownSource { id } => {
                bilingual!(zh: "来源“{}”未在 [sources] 中列出", en: "source \"{}\" is not listed under [sources]", id)
            }
            MemberNotCovered { member, policy, allowed } => {
                bilingual!(zh: "政策 {} 不适用于人员类别“{}”（可选：{}）", en: "policy {} has no member category \"{}\" (it has: {})", policy, member, allowed.join(", "))
            }
            VersionsUnordered => {
                bilingual!(zh: "版本须按开始日期从早到晚排列", en: "versions must be in order of their start dates")
            }
            DuplicateVersion => {
                bilingual!(zh: "与上一版本的开始日期相同", en: "has the same start date as the version before it")
            }
            NoVersions => bilingual!(zh: "至少需要一个版本", en: "needs at least one version"),
            ValueForUnknown => {
                bilingual!(zh: "状态为 unknown（未知）的数值不能给出 value", en: "has a value although its status is unknown")
            }
            MissingValue => {
                bilingual!(zh: "需要 value（若来源未给出，请把 status 写为 unknown）", en: "needs a value (if no source gives it, set status = \"unknown\")")
            }
            SameAsItself => bilingual!(zh: "不能引用自身", en: "cannot refer to itself"),
            UnknownFigure { key, version, also } => {
                let name = |lang, key: &str, version: &Option<NaiveDate>| {
                    let label = crate::policy::figure_label(key, lang);
                    match (lang, version.map(iso)) {
                        (Lang::Zh, Some(version)) => format!("“{label}”（{version} 起的版本）"),
                        (Lang::En, Some(version)) => format!("\"{label}\" (version from {version})"),
                        (Lang::Zh, None) => format!("“{label}”"),
                        (Lang::En, None) => format!("\"{label}\""),
                    }
                };
                let others = |lang: Lang| {
                    let names: Vec<_> = also.iter().map(|(key, version)| name(lang, key, version)).collect();
                    names.join(lang.pick("、", ", "))
                };
                let mut text = Text {
                    zh: format!("政策未给出{}，请填写本地数值", name(Lang::Zh, key, version)),
                    en: format!("the policy does not give {}; enter your local figure", name(Lang::En, key, version)),
                };
                if !also.is_empty() {
                    text.zh += &format!("；还需要：{}", others(Lang::Zh));
                    text.en += &format!("; also needed: {}", others(Lang::En));
                }
                text
            }
            UnknownOverride { key } => {
                bilingual!(zh: "“{}”不是可调整的数值", en: "\"{}\" is not a figure that can be set", key)
            }
            TooMany { max } => bilingual!(zh: "数量过多（最多 {} 项）", en: "has too many entries (at most {})", max),
            TooLarge { max_bytes } => {
                bilingual!(zh: "内容过大（最多 {} 字节）", en: "is too large (at most {} bytes)", max_bytes)
            }
            TooLong { max_chars } => {
                bilingual!(zh: "文字过长（最多 {} 个字符）", en: "is too long (at most {} characters)", max_chars)
            }
            NumberTooLarge => bilingual!(zh: "数字过大", en: "is too large"),
            LinkVersion { found } => {
                bilingual!(zh: "链接格式“{}”无法识别（本页读取 {} 格式的链接）", en: "is a link format this page does not read (\"{}\"; it reads {})", found, crate::fragment::VERSION)
            }
            NotInForm { form } => bilingual!(zh: "格式不对，应写成 {}", en: "is not written as {}", form),
            BadEscape => bilingual!(zh: "含有无效的 % 转义", en: "has a broken %-escape"),
            BadCharacter { found } => {
                bilingual!(zh: "含有链接中不能出现的字符“{}”", en: "has a character a link cannot carry: \"{}\"", found.escape_debug())
            }
            ExclusiveWith { other } => {
                bilingual!(zh: "不能与 {} 同时给出", en: "cannot be given together with {}", other)
            }
        }
    }

    /// The whole message in one language: the field, then what is wrong.
    pub fn message(&self, lang: Lang) -> String {
        let what = self.description();
        if self.field.is_empty() {
            return what.get(lang).to_string();
        }
        match lang {
            Lang::Zh => format!("{}：{}", self.field, what.zh),
            Lang::En => format!("{}: {}", self.field, what.en),
        }
    }

    /// The same error one level deeper, e.g. a scenario's `visits[3]` error inside `scenario.json`.
    pub fn under(mut self, prefix: &str) -> Error {
        self.field = crate::tree::join(prefix, &self.field);
        self
    }
}

impl Expected {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Expected::Text => ("文字", "a text"),
            Expected::DecimalText => ("带引号的数字，如 \"300.00\"", "a number in quotes, e.g. \"300.00\""),
            Expected::Table => ("一组键值（表）", "a table of keys and values"),
            Expected::List => ("列表", "a list"),
            Expected::Boolean => ("true 或 false", "true or false"),
            Expected::Integer => ("整数", "a whole number"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
