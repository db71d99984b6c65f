//! Warnings for a policy that is valid but has something a bureau would want to look at twice,
//! for `estimate --check`. An error stops a file; a warning only points at a field. Built with the
//! `toml` feature only (the CLI's), so none of it is in the page's wasm.

use crate::bilingual;
use crate::date::parse_date;
use crate::i18n::Text;
use crate::policy::{Facility, Figure, Member, OutOfAreaRule, Policy, Source, Version};
use crate::tree::join;
use rust_decimal::Decimal;

/// A field worth a second look and why, in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The field's path, starting with the file's name as an error's does.
    pub field: String,
    pub text: Text,
}

/// An adjustment above this many percentage points (as a fraction) is unusual: retirees' ratios
/// are typically 5 to 10 points above in-service members'.
const LARGE_ADJUSTMENT: Decimal = Decimal::from_parts(20, 0, 0, false, 2); // 0.20

/// The warnings for `policy`, read from `file`: members, sources, out-of-area figures, then each
/// version in turn.
pub fn warnings(policy: &Policy, file: &str) -> Vec<Warning> {
    let mut found = Found { file, warnings: Vec::new() };
    let members = members_once(policy, &mut found);
    sources(&policy.sources, |id| policy_names_source(policy, id), &mut found);
    if policy.out_of_area_rule.is_none() {
        for figure in policy.out_of_area.values() {
            found.empty_note(&figure.note, &figure.key);
        }
    }
    for (i, version) in policy.versions.iter().enumerate() {
        let at = |key: &str| format!("versions[{i}].{key}");
        found.empty_note(&version.start_note, &at("start"));
        for j in repeats(&version.deductible_exempt) {
            found.listed_twice(&at(&format!("deductible_exempt[{j}]")), version.deductible_exempt[j].key());
        }
        for figure in version.figures.values() {
            found.empty_note(&figure.note, &at(&figure.key));
        }
        for member in &members {
            adjustment(version, &format!("adjustment.{}", member.key()), &at, &mut found);
        }
        for member in &members {
            cap_below_deductible(version, &format!("cap.{}", member.key()), &at, &mut found);
        }
    }
    found.warnings
}

struct Found<'a> {
    file: &'a str,
    warnings: Vec<Warning>,
}

impl Found<'_> {
    fn warn(&mut self, path: &str, text: Text) {
        self.warnings.push(Warning { field: join(self.file, path), text });
    }

    fn listed_twice(&mut self, path: &str, key: &str) {
        self.warn(path, bilingual!(zh: "“{}”重复列出", en: "{} is listed twice", key));
    }

    fn empty_note(&mut self, note: &Text, figure_path: &str) {
        if note.en.trim().is_empty() && note.zh.trim().is_empty() {
            let text = bilingual!(
                zh: "说明为空：请写明数值出处，或为何未知",
                en: "the note is empty: say where the figure comes from, or why it is not known"
            );
            self.warn(&format!("{figure_path}.note"), text);
        }
    }
}

/// The policy's members, each once; a member listed again is warned about.
fn members_once(policy: &Policy, found: &mut Found) -> Vec<Member> {
    let repeated: Vec<usize> = repeats(&policy.members).collect();
    for &j in &repeated {
        found.listed_twice(&format!("members[{j}]"), policy.members[j].key());
    }
    let once = policy.members.iter().enumerate().filter(|(j, _)| !repeated.contains(j));
    once.map(|(_, member)| *member).collect()
}

/// The positions of the items that an earlier item already gives.
fn repeats<T: PartialEq>(items: &[T]) -> impl Iterator<Item = usize> + '_ {
    (0..items.len()).filter(|&j| items[..j].contains(&items[j]))
}

/// The warnings for a shared rule (`policies/rules/`), read from `file`.
pub fn rule_warnings(rule: &OutOfAreaRule, file: &str) -> Vec<Warning> {
    let mut found = Found { file, warnings: Vec::new() };
    sources(&rule.sources, |id| rule.figures.values().any(|f| f.source == id), &mut found);
    for figure in rule.figures.values() {
        // The file writes `figures.long_term_resident` for `out_of_area.long_term_resident`.
        let name = figure.key.rsplit('.').next().unwrap_or_default();
        found.empty_note(&figure.note, &format!("figures.{name}"));
    }
    found.warnings
}

/// A source no figure names or with no reference, and a `published` date not written as a date.
fn sources(sources: &[Source], named: impl Fn(&str) -> bool, found: &mut Found) {
    for source in sources {
        let path = format!("sources.{}", source.id);
        if !named(&source.id) {
            found.warn(&path, bilingual!(zh: "没有任何数值引用这个来源", en: "no figure names this source"));
        }
        if source.reference.trim().is_empty() {
            let text = bilingual!(
                zh: "来源没有 reference：请给出链接、文件或文号，以便读者查到原文",
                en: "the source has no reference: give a link, a file or a document number where a reader can find it"
            );
            found.warn(&path, text);
        }
        if !source.published.is_empty() && !is_date_or_month_or_year(&source.published) {
            let text = bilingual!(
                zh: "日期“{}”应写作 2022-12-01（或 2022-12、2022）",
                en: "write the date {:?} as 2022-12-01 (or 2022-12, or 2022)",
                source.published
            );
            found.warn(&format!("{path}.published"), text);
        }
    }
}

/// An adjustment of unusual size, or one that takes a tier's ratio below 0 or above 1 (where
/// adjudication stops it).
fn adjustment(version: &Version, key: &str, at: &impl Fn(&str) -> String, found: &mut Found) {
    let Some(adjustment) = value_of(version, key) else { return };
    let path = at(&format!("{key}.value"));
    if adjustment.abs() > LARGE_ADJUSTMENT {
        let text = bilingual!(
            zh: "调整 {} 个百分点偏大（退休人员通常高 5 至 10 个百分点）：0.05 即 5 个百分点",
            en: "an adjustment of {} percentage points is unusually large (retirees usually get 5 to 10 more): 0.05 is 5 points",
            (adjustment * Decimal::ONE_HUNDRED).normalize()
        );
        found.warn(&path, text);
    }
    let beyond: Vec<String> = Facility::ALL
        .iter()
        .filter_map(|f| {
            let sum = value_of(version, &format!("ratio.{}", f.key()))? + adjustment;
            (sum < Decimal::ZERO || sum > Decimal::ONE).then(|| format!("{} ({})", f.key(), sum.normalize()))
        })
        .collect();
    if !beyond.is_empty() {
        let text = Text {
            zh: format!("加上这个调整后，{} 的支付比例超出 0 至 1，估算按边界计算", beyond.join("、")),
            en: format!(
                "with this adjustment the fund ratio leaves 0 to 1 at {}; the estimate stops at the bound",
                beyond.join(", ")
            ),
        };
        found.warn(&path, text);
    }
}

/// A cap below the deductible: most likely the two figures swapped.
fn cap_below_deductible(version: &Version, key: &str, at: &impl Fn(&str) -> String, found: &mut Found) {
    if let (Some(cap), Some(deductible)) = (value_of(version, key), value_of(version, "deductible")) {
        if cap < deductible {
            let text = bilingual!(
                zh: "年度限额 {} 低于起付线 {}：请确认两者没有写反",
                en: "the annual cap {} is below the deductible {}: check that the two are not swapped",
                cap,
                deductible
            );
            found.warn(&at(&format!("{key}.value")), text);
        }
    }
}

/// A figure's value, following `same_as` (which names a figure with a value of its own).
fn value_of(version: &Version, key: &str) -> Option<Decimal> {
    let figure: &Figure = version.figures.get(key)?;
    figure.value.or_else(|| version.figures.get(figure.same_as.as_deref()?)?.value)
}

fn policy_names_source(policy: &Policy, id: &str) -> bool {
    let in_versions =
        policy.versions.iter().any(|v| v.start_source == id || v.figures.values().any(|f| f.source == id));
    // A shared rule's figures name the rule's own sources.
    in_versions || (policy.out_of_area_rule.is_none() && policy.out_of_area.values().any(|f| f.source == id))
}

/// `2022-12-01`, `2022-12` or `2022`: the forms a source's `published` date may take.
fn is_date_or_month_or_year(text: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match text.split('-').collect::<Vec<_>>()[..] {
        [year] => digits(year, 4),
        [year, month] => digits(year, 4) && digits(month, 2) && (1..=12).contains(&month.parse::<u8>().unwrap_or(0)),
        [year, month, day] => digits(year, 4) && digits(month, 2) && digits(day, 2) && parse_date(text, "").is_ok(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_date_or_month_or_year as ok;

    #[test]
    fn published_may_be_a_day_a_month_or_a_year() {
        for good in ["2022-12-01", "2022-12", "2022", "2024-02-29"] {
            assert!(ok(good), "{good}");
        }
        for odd in ["2022/12/01", "2022-13", "2023-02-29", "22-12-01", "2022-1-5", "Dec 2022", "2022-12-01-"] {
            assert!(!ok(odd), "{odd}");
        }
    }
}
