//! Every input error names its field and a stable code, and says what is wrong in both languages.
//!
//! Policy file errors start from the valid `policies/qiannan-employee.toml` and break one thing by
//! string replacement; scenario errors start from a valid four-visit scenario and break one field.

use outpatient_estimator::date::iso;
use outpatient_estimator::limits::{MAX_POLICY_BYTES, MAX_VISITS};
use outpatient_estimator::{adjudicate, Error, ErrorKind, Lang, Library, Scenario};
use serde_json::{json, Value};

const QIANNAN: &str = include_str!("../policies/qiannan-employee.toml");
const FILE: &str = "x.toml";

fn library() -> Library {
    Library::bundled().expect("bundled policies load")
}

/// Asserts the error's field and code, and that its message exists in both languages, names the
/// field in each (when there is one) and is not the same text in both.
#[track_caller]
fn assert_error(error: &Error, field: &str, code: &str) {
    assert_eq!((error.field.as_str(), error.code()), (field, code), "{error}");
    let (zh, en) = (error.message(Lang::Zh), error.message(Lang::En));
    assert!(!zh.is_empty() && !en.is_empty());
    assert!(zh.contains(field) && en.contains(field), "messages must name {field:?}: {zh:?} / {en:?}");
    assert_ne!(zh, en, "the Chinese message is not translated");
    assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "no Chinese in {zh:?}");
}

/// Policy files (TOML), named by their file: `x.toml.versions[0]…`.
mod policy_file {
    use super::*;

    /// The Qiannan file with `from` replaced by `to` (which must occur exactly once).
    fn qiannan_with(from: &str, to: &str) -> String {
        assert_eq!(QIANNAN.matches(from).count(), 1, "{from:?} must occur once in qiannan-employee.toml");
        QIANNAN.replacen(from, to, 1)
    }

    #[track_caller]
    fn policy_error(text: &str) -> Error {
        match library().check(text, FILE) {
            Ok(policy) => panic!("the broken policy was accepted as {}", policy.id),
            Err(error) => error,
        }
    }

    /// The file's one `[[versions]]` block, to append as a second version.
    fn version_block() -> &'static str {
        &QIANNAN[QIANNAN.find("[[versions]]").expect("a version")..]
    }

    #[test]
    fn the_base_policy_file_is_valid() {
        let policy = library().check(QIANNAN, FILE).expect("qiannan-employee.toml is valid");
        assert_eq!(policy.id, "qiannan-employee");
    }

    #[test]
    fn a_ratio_above_one_is_out_of_range() {
        let e = policy_error(&qiannan_with(r#"primary = { value = "0.70""#, r#"primary = { value = "1.70""#));
        assert_error(&e, "x.toml.versions[0].ratio.primary.value", "ratio_out_of_range");
    }

    #[test]
    fn a_negative_ratio_is_refused() {
        let e = policy_error(&qiannan_with(r#"primary = { value = "0.70""#, r#"primary = { value = "-0.70""#));
        assert_error(&e, "x.toml.versions[0].ratio.primary.value", "negative");
    }

    #[test]
    fn a_negative_amount_is_refused() {
        let e = policy_error(&qiannan_with(r#"deductible = { value = "150""#, r#"deductible = { value = "-150""#));
        assert_error(&e, "x.toml.versions[0].deductible.value", "negative");
    }

    #[test]
    fn versions_out_of_date_order_are_refused() {
        let earlier = version_block().replace(r#"date = "2022-09-01""#, r#"date = "2022-01-01""#);
        let e = policy_error(&format!("{QIANNAN}\n{earlier}"));
        assert_error(&e, "x.toml.versions[1].start", "versions_unordered");
    }

    #[test]
    fn two_versions_starting_the_same_day_are_refused() {
        let e = policy_error(&format!("{QIANNAN}\n{}", version_block()));
        assert_error(&e, "x.toml.versions[1].start", "duplicate_version");
    }

    #[test]
    fn a_later_second_version_is_accepted() {
        let later = version_block().replace(r#"date = "2022-09-01""#, r#"date = "2024-01-01""#);
        let policy = library().check(&format!("{QIANNAN}\n{later}"), FILE).expect("two ordered versions");
        assert_eq!(policy.versions.len(), 2);
    }

    #[test]
    fn a_missing_tier_is_named() {
        let line = QIANNAN.lines().find(|l| l.starts_with("pharmacy = ")).expect("the pharmacy line");
        let e = policy_error(&qiannan_with(&format!("{line}\n"), ""));
        assert_error(&e, "x.toml.versions[0].ratio.pharmacy", "missing");
    }

    #[test]
    fn an_unknown_key_is_named() {
        let e = policy_error(&qiannan_with("scheme = \"employee\"\n", "scheme = \"employee\"\ncolour = \"blue\"\n"));
        assert_error(&e, "x.toml.colour", "unknown_key");
        let e = policy_error(&qiannan_with(
            r#"primary = { value = "0.70", "#,
            r#"primary = { value = "0.70", colour = "blue", "#,
        ));
        assert_error(&e, "x.toml.versions[0].ratio.primary.colour", "unknown_key");
    }

    #[test]
    fn a_malformed_date_is_named() {
        let e = policy_error(&qiannan_with(r#"date = "2022-09-01""#, r#"date = "2022-9-1""#));
        assert_error(&e, "x.toml.versions[0].start.date", "not_a_date");
        let e = policy_error(&qiannan_with(r#"date = "2022-09-01""#, r#"date = "2022-02-30""#));
        assert_error(&e, "x.toml.versions[0].start.date", "impossible_date");
    }

    #[test]
    fn a_malformed_number_is_named() {
        let e = policy_error(&qiannan_with(r#"deductible = { value = "150""#, r#"deductible = { value = "15O""#));
        assert_error(&e, "x.toml.versions[0].deductible.value", "not_a_number");
    }

    #[test]
    fn a_ratio_written_as_a_float_is_the_wrong_type() {
        let e = policy_error(&qiannan_with(r#"primary = { value = "0.70""#, r#"primary = { value = 0.70"#));
        assert_error(&e, "x.toml.versions[0].ratio.primary.value", "wrong_type");
    }

    #[test]
    fn a_value_given_for_an_unknown_figure_is_refused() {
        let e = policy_error(&qiannan_with(
            r#"pharmacy = { status = "unknown""#,
            r#"pharmacy = { value = "0.70", status = "unknown""#,
        ));
        assert_error(&e, "x.toml.versions[0].ratio.pharmacy.value", "value_for_unknown");
    }

    #[test]
    fn a_known_figure_without_a_value_is_refused() {
        let e = policy_error(&qiannan_with(
            r#"deductible = { value = "150", status = "stated""#,
            r#"deductible = { status = "stated""#,
        ));
        assert_error(&e, "x.toml.versions[0].deductible.value", "missing_value");
    }

    #[test]
    fn an_unknown_source_id_is_named() {
        let e = policy_error(&qiannan_with(
            r#"deductible = { value = "150", status = "stated", source = "seed-001""#,
            r#"deductible = { value = "150", status = "stated", source = "seed-009""#,
        ));
        assert_error(&e, "x.toml.versions[0].deductible.source", "unknown_source");
    }

    #[test]
    fn an_unknown_out_of_area_rule_is_named() {
        let e =
            policy_error(&qiannan_with(r#"out_of_area = "out-of-area-2022""#, r#"out_of_area = "out-of-area-1999""#));
        assert_error(&e, "x.toml.out_of_area", "unknown_rule");
    }

    #[test]
    fn the_user_status_is_reserved_for_overrides() {
        let e = policy_error(&qiannan_with(
            r#"deductible = { value = "150", status = "stated""#,
            r#"deductible = { value = "150", status = "user""#,
        ));
        assert_error(&e, "x.toml.versions[0].deductible.status", "not_one_of");
        // A misspelled status is told the ones a file may use, which `user` is not among.
        let e = policy_error(&qiannan_with(
            r#"deductible = { value = "150", status = "stated""#,
            r#"deductible = { value = "150", status = "stataed""#,
        ));
        assert_error(&e, "x.toml.versions[0].deductible.status", "not_one_of");
        let message = e.message(Lang::En);
        assert!(message.contains("stated, derived") && !message.contains("user"), "{message}");
    }

    #[test]
    fn a_value_beside_same_as_is_refused_rather_than_dropped() {
        let e = policy_error(&qiannan_with(
            r#"pharmacy = { status = "unknown""#,
            r#"pharmacy = { same_as = "ratio.primary", value = "0.5", status = "stated""#,
        ));
        assert_error(&e, "x.toml.versions[0].ratio.pharmacy.value", "exclusive_with");
    }

    #[test]
    fn a_start_date_is_stated_derived_or_assumed_never_a_bound_or_unknown() {
        for status in ["unknown", "lower_bound", "user"] {
            let e = policy_error(&qiannan_with(
                r#"start = { date = "2022-09-01", status = "stated""#,
                &format!(r#"start = {{ date = "2022-09-01", status = "{status}""#),
            ));
            assert_error(&e, "x.toml.versions[0].start.status", "not_one_of");
            assert!(e.message(Lang::En).contains("derived"), "{}", e.message(Lang::En));
        }
    }

    #[test]
    fn a_figure_cannot_be_the_same_as_itself() {
        let e = policy_error(&qiannan_with(
            r#"pharmacy = { status = "unknown""#,
            r#"pharmacy = { same_as = "ratio.pharmacy", status = "stated""#,
        ));
        assert_error(&e, "x.toml.versions[0].ratio.pharmacy.same_as", "same_as_itself");
    }

    #[test]
    fn a_policy_without_versions_is_refused() {
        // `versions = []` is a root key, so it goes before the first table (`[sources.…]`).
        let sources = QIANNAN.find("[sources.").expect("sources");
        let versions = QIANNAN.find("[[versions]]").expect("versions");
        let text = format!("{}versions = []\n{}", &QIANNAN[..sources], &QIANNAN[sources..versions]);
        let e = policy_error(&text);
        assert_error(&e, "x.toml.versions", "no_versions");
    }

    #[test]
    fn a_toml_syntax_error_names_the_file_the_line_and_what_is_wrong() {
        let e = policy_error(&qiannan_with(r#"id = "qiannan-employee""#, r#"id = "qiannan-employee"#));
        assert_error(&e, FILE, "syntax");
        let message = e.message(Lang::En);
        assert!(message.contains("line ") && message.contains("column "), "{message}");
        // What is wrong, not only where: the parser's own reason.
        let (_, reason) = message.rsplit_once(": ").unwrap_or_default();
        assert!(!reason.is_empty() && !reason.contains("column"), "{message}");
        let twice = qiannan_with("[sources.seed-001]", "[sources.seed-001]\ntitle = \"a\"\n[sources.seed-001]");
        let message = policy_error(&twice).message(Lang::En);
        assert!(message.contains("duplicate"), "{message}");
    }

    #[test]
    fn an_oversized_file_is_refused_before_parsing() {
        let text = format!("{QIANNAN}\n{}", "#".repeat(MAX_POLICY_BYTES));
        let e = policy_error(&text);
        assert_error(&e, FILE, "too_large");
    }
}

/// Scenarios (JSON), named by their path: `visits[3].amount`.
mod scenario {
    use super::*;

    /// A valid scenario with four visits in 2023, so that `visits[3]` exists.
    fn base_scenario() -> Value {
        json!({
            "policy": "qiannan-employee",
            "member": "retiree",
            "settlement": "local",
            "period": { "start": "2023-01-01", "end": "2023-12-31" },
            "visits": [
                { "date": "2023-01-15", "facility": "primary", "amount": "100.00" },
                { "date": "2023-02-15", "facility": "secondary", "amount": "200.00" },
                { "date": "2023-03-15", "facility": "tertiary", "amount": "300.00" },
                { "date": "2023-04-15", "facility": "primary", "amount": "400.00", "out_of_scope": "10.00" }
            ],
            "overrides": { "ratio.pharmacy": "0.70" },
            "account": { "balance": "0.00", "yearly_credit": true, "pays_member_share": true },
            "lang": "en"
        })
    }

    /// The base scenario with the node at `pointer` set to `value` (or removed when `value` is None).
    fn scenario_with(pointer: &str, value: Option<Value>) -> Value {
        let mut scenario = base_scenario();
        match value {
            Some(value) => {
                let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
                match scenario.pointer_mut(parent).expect("parent exists") {
                    Value::Object(map) => {
                        map.insert(key.to_owned(), value);
                    }
                    Value::Array(items) => items[key.parse::<usize>().expect("index")] = value,
                    _ => panic!("not a container: {parent}"),
                }
            }
            None => {
                let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
                scenario.pointer_mut(parent).and_then(Value::as_object_mut).expect("object").remove(key);
            }
        }
        scenario
    }

    #[track_caller]
    fn scenario_error(scenario: &Value) -> Error {
        let library = library();
        let result =
            Scenario::from_json(&scenario.to_string(), &library).and_then(|s| adjudicate(&s, s.policy(&library)?));
        match result {
            Ok(_) => panic!("the broken scenario was accepted: {scenario}"),
            Err(error) => error,
        }
    }

    #[test]
    fn the_base_scenario_is_valid() {
        let library = library();
        let scenario = Scenario::from_json(&base_scenario().to_string(), &library).expect("valid");
        adjudicate(&scenario, scenario.policy(&library).unwrap()).expect("adjudicates");
    }

    #[test]
    fn a_malformed_amount_names_the_visit() {
        let e = scenario_error(&scenario_with("/visits/3/amount", Some(json!("12,34"))));
        assert_error(&e, "visits[3].amount", "not_a_number");
        let e = scenario_error(&scenario_with("/visits/3/amount", Some(json!("abc"))));
        assert_error(&e, "visits[3].amount", "not_a_number");
    }

    #[test]
    fn a_negative_amount_is_refused() {
        let e = scenario_error(&scenario_with("/visits/3/amount", Some(json!("-400.00"))));
        assert_error(&e, "visits[3].amount", "negative");
    }

    #[test]
    fn an_amount_with_more_than_two_decimals_is_refused() {
        let e = scenario_error(&scenario_with("/visits/3/amount", Some(json!("400.005"))));
        assert_error(&e, "visits[3].amount", "too_many_decimals");
    }

    #[test]
    fn an_amount_as_a_json_float_is_the_wrong_type() {
        // Binary floating point never becomes money: 400.5 must be written "400.50".
        let e = scenario_error(&scenario_with("/visits/3/amount", Some(json!(400.5))));
        assert_error(&e, "visits[3].amount", "wrong_type");
    }

    #[test]
    fn an_amount_as_a_whole_json_number_is_accepted() {
        let library = library();
        let scenario = Scenario::from_json(&scenario_with("/visits/3/amount", Some(json!(400))).to_string(), &library)
            .expect("a whole number is exact");
        assert_eq!(scenario.visits[3].amount.to_string(), "400");
    }

    #[test]
    fn an_amount_above_the_limit_is_refused() {
        let e = scenario_error(&scenario_with("/visits/3/amount", Some(json!("10000000.01"))));
        assert_error(&e, "visits[3].amount", "amount_too_large");
    }

    #[test]
    fn an_impossible_date_is_named() {
        let e = scenario_error(&scenario_with("/visits/3/date", Some(json!("2023-02-30"))));
        assert_error(&e, "visits[3].date", "impossible_date");
    }

    #[test]
    fn a_malformed_date_is_named() {
        let e = scenario_error(&scenario_with("/visits/3/date", Some(json!("15/04/2023"))));
        assert_error(&e, "visits[3].date", "not_a_date");
        let e = scenario_error(&scenario_with("/visits/3/date", Some(json!("2023-4-15"))));
        assert_error(&e, "visits[3].date", "not_a_date");
    }

    #[test]
    fn a_date_outside_the_supported_range_is_refused() {
        let e = scenario_error(&scenario_with("/period/start", Some(json!("1989-12-31"))));
        assert_error(&e, "period.start", "date_out_of_range");
    }

    #[test]
    fn a_visit_outside_the_period_is_named() {
        let e = scenario_error(&scenario_with("/visits/3/date", Some(json!("2024-01-01"))));
        assert_error(&e, "visits[3].date", "outside_period");
        assert!(e.message(Lang::En).contains("2023-01-01") && e.message(Lang::En).contains("2023-12-31"), "{e}");
    }

    #[test]
    fn out_of_scope_above_the_amount_is_refused() {
        let e = scenario_error(&scenario_with("/visits/3/out_of_scope", Some(json!("400.01"))));
        assert_error(&e, "visits[3].out_of_scope", "out_of_scope_exceeds_amount");
    }

    #[test]
    fn an_unknown_policy_is_named() {
        let e = scenario_error(&scenario_with("/policy", Some(json!("atlantis-employee"))));
        assert_error(&e, "policy", "unknown_policy");
    }

    #[test]
    fn an_unknown_member_category_is_named() {
        let e = scenario_error(&scenario_with("/member", Some(json!("pensioner"))));
        assert_error(&e, "member", "not_one_of");
        assert!(e.message(Lang::En).contains("retiree"), "the message lists the choices: {e}");
    }

    #[test]
    fn a_resident_is_not_covered_by_an_employee_policy() {
        let e = scenario_error(&scenario_with("/member", Some(json!("resident"))));
        assert_error(&e, "member", "member_not_covered");
        assert!(e.message(Lang::En).ends_with("(it has: in_service, retiree, flexible)"), "{e}");
    }

    #[test]
    fn a_member_category_that_does_not_exist_is_told_the_policy_s_own() {
        let e = scenario_error(&scenario_with("/member", Some(json!("bogus"))));
        assert_error(&e, "member", "not_one_of");
        assert!(e.message(Lang::En).ends_with("\"bogus\" is not one of: in_service, retiree, flexible"), "{e}");
    }

    #[test]
    fn an_employee_is_not_covered_by_the_resident_policy() {
        let mut scenario = base_scenario();
        scenario["policy"] = json!("jiangxi-resident");
        let e = scenario_error(&scenario);
        assert_error(&e, "member", "member_not_covered");
    }

    #[test]
    fn an_unknown_facility_is_named() {
        let e = scenario_error(&scenario_with("/visits/3/facility", Some(json!("clinic"))));
        assert_error(&e, "visits[3].facility", "not_one_of");
    }

    #[test]
    fn an_unknown_settlement_is_named() {
        let e = scenario_error(&scenario_with("/settlement", Some(json!("abroad"))));
        assert_error(&e, "settlement", "not_one_of");
    }

    #[test]
    fn an_unknown_key_in_a_visit_is_named() {
        let e = scenario_error(&scenario_with("/visits/3/doctor", Some(json!("Dr Li"))));
        assert_error(&e, "visits[3].doctor", "unknown_key");
    }

    #[test]
    fn an_unknown_key_in_the_scenario_is_named() {
        let e = scenario_error(&scenario_with("/colour", Some(json!("blue"))));
        assert_error(&e, "colour", "unknown_key");
    }

    #[test]
    fn an_unknown_override_key_is_named() {
        let e = scenario_error(&scenario_with("/overrides/ratio.dental", Some(json!("0.5"))));
        assert_error(&e, "overrides.ratio.dental", "unknown_override");
        // A figure of another scheme's member is not a figure of this policy.
        let e = scenario_error(&scenario_with("/overrides/cap.resident", Some(json!("1000"))));
        assert_error(&e, "overrides.cap.resident", "unknown_override");
    }

    #[test]
    fn an_override_for_a_version_that_does_not_exist_is_named() {
        // Qiannan has one version, from 2022-09-01; there is none starting 2023-07-01.
        let e = scenario_error(&scenario_with("/overrides/deductible@2023-07-01", Some(json!("300"))));
        assert_error(&e, "overrides.deductible@2023-07-01", "not_one_of");
        assert!(e.message(Lang::En).contains("2022-09-01"), "the message lists the version dates: {e}");
    }

    #[test]
    fn an_override_outside_its_figures_range_is_named() {
        let e = scenario_error(&scenario_with("/overrides/ratio.pharmacy", Some(json!("1.5"))));
        assert_error(&e, "overrides.ratio.pharmacy", "ratio_out_of_range");
        let e = scenario_error(&scenario_with("/overrides/ratio.pharmacy", Some(json!(0.7))));
        assert_error(&e, "overrides.ratio.pharmacy", "wrong_type");
    }

    #[test]
    fn a_key_given_twice_is_refused_rather_than_one_silently_winning() {
        let text = r#"{"policy": "qiannan-employee", "member": "retiree",
            "visits": [{"date": "2023-03-15", "facility": "primary", "amount": "100", "amount": "5000"}]}"#;
        let e = Scenario::from_json(text, &library()).unwrap_err();
        assert_error(&e, "visits[0].amount", "duplicate_key");
    }

    #[test]
    fn a_deductible_multiple_below_one_is_out_of_range_not_a_non_number() {
        // "0.5" is a number; the multiple must be between 1 and 100. The error must say so rather
        // than "is not a number".
        let e =
            scenario_error(&scenario_with("/overrides/out_of_area.temporary_deductible_multiple", Some(json!("0.5"))));
        assert_error(&e, "overrides.out_of_area.temporary_deductible_multiple", "multiple_out_of_range");
        // A multiple that is not a number at all is still not_a_number.
        let e = scenario_error(&scenario_with(
            "/overrides/out_of_area.temporary_deductible_multiple",
            Some(json!("twice")),
        ));
        assert_error(&e, "overrides.out_of_area.temporary_deductible_multiple", "not_a_number");
    }

    #[test]
    fn an_unknown_figure_without_an_override_names_the_override_to_supply() {
        // An in-service member's account credit is unknown in Qiannan; the yearly credit needs it.
        let e = scenario_error(&scenario_with("/member", Some(json!("in_service"))));
        assert_error(&e, "overrides.account_credit.in_service", "unknown_figure");
        // Qiannan has one version: the message does not name it.
        assert!(!e.message(Lang::En).contains("version"), "{e}");
    }

    #[test]
    fn every_unknown_figure_the_scenario_needs_is_asked_for_at_once() {
        // The account credit is needed at the year's start and the pharmacy ratio at the fifth visit:
        // one error names both, so that the page can ask for them together.
        let mut scenario = scenario_with("/member", Some(json!("in_service")));
        scenario["overrides"] = json!({});
        scenario["visits"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "date": "2023-05-15", "facility": "pharmacy", "amount": "50" }));
        let e = scenario_error(&scenario);
        assert_error(&e, "overrides.account_credit.in_service", "unknown_figure");
        let ErrorKind::UnknownFigure { also, .. } = &e.kind else { panic!("{e}") };
        assert_eq!(also, &[("ratio.pharmacy".to_owned(), None)]);
        assert!(e.message(Lang::En).ends_with("; also needed: \"fund ratio: designated retail pharmacy\""), "{e}");
        assert!(e.message(Lang::Zh).contains("；还需要："), "{}", e.message(Lang::Zh));

        // Once the first is entered, the error asks only for the other.
        scenario["overrides"] = json!({ "account_credit.in_service": "600" });
        let e = scenario_error(&scenario);
        assert_error(&e, "overrides.ratio.pharmacy", "unknown_figure");
        assert!(matches!(&e.kind, ErrorKind::UnknownFigure { also, .. } if also.is_empty()), "{e}");
    }

    #[test]
    fn a_policy_that_gives_no_figures_asks_for_the_cap_with_the_rest() {
        // Hunan gives no deductible, ratio or cap: a ratio stood in for must not hide the cap,
        // which a fund paying nothing would never reach (and so never need).
        let mut scenario = base_scenario();
        scenario["policy"] = json!("hunan-employee");
        scenario["overrides"] = json!({});
        scenario["account"] = Value::Null;
        scenario["period"] = json!({ "start": "2023-01-01", "end": "2024-12-31" });
        // A visit under each of its two versions, which give none of these figures: each is asked
        // for once, for both versions, and the message names no version.
        scenario["visits"] = json!([
            { "date": "2023-03-15", "facility": "primary", "amount": "900" },
            { "date": "2024-03-15", "facility": "primary", "amount": "900" },
        ]);
        let e = scenario_error(&scenario);
        let ErrorKind::UnknownFigure { key, version, also } = &e.kind else { panic!("{e}") };
        let mut all: Vec<_> = also.iter().map(|(key, version)| (key.as_str(), *version)).collect();
        all.insert(0, (key, *version));
        assert_eq!(all, [("deductible", None), ("ratio.primary", None), ("cap.retiree", None)]);
        assert!(!e.message(Lang::En).contains("version"), "{e}");
    }

    #[test]
    fn a_figure_one_version_gives_is_asked_for_the_other_version_by_its_start() {
        // Jiangxi gives no cap for flexible employment in either version, and a pharmacy's ratio
        // only from July 2023: the ratio is asked for the January version, the cap once.
        let mut scenario = base_scenario();
        scenario["policy"] = json!("jiangxi-employee");
        scenario["member"] = json!("flexible");
        scenario["overrides"] = json!({});
        scenario["account"] = Value::Null;
        scenario["period"] = json!({ "start": "2023-01-01", "end": "2023-12-31" });
        scenario["visits"] = json!([{ "date": "2023-03-15", "facility": "pharmacy", "amount": "900" }]);
        let e = scenario_error(&scenario);
        let ErrorKind::UnknownFigure { key, version, also } = &e.kind else { panic!("{e}") };
        let mut all: Vec<_> = also.iter().map(|(key, version)| (key.as_str(), version.map(iso))).collect();
        all.insert(0, (key, version.map(iso)));
        assert_eq!(all, [("ratio.pharmacy", Some("2023-01-01".to_owned())), ("cap.flexible", None)]);
        let en = e.message(Lang::En);
        assert!(
            en.ends_with(
                "pharmacy\" (version from 2023-01-01); enter your local figure; also needed: \"annual cap (yuan): flexible employment\""
            ),
            "{en}"
        );
        assert!(e.message(Lang::Zh).contains("（2023-01-01 起的版本）"), "{}", e.message(Lang::Zh));
    }

    #[test]
    fn too_many_visits_are_refused() {
        let visit = json!({ "date": "2023-01-15", "facility": "primary", "amount": "1.00" });
        let e = scenario_error(&scenario_with("/visits", Some(Value::Array(vec![visit; MAX_VISITS + 1]))));
        assert_error(&e, "visits", "too_many");
    }

    #[test]
    fn as_many_visits_as_the_limit_are_accepted() {
        let visit = json!({ "date": "2023-01-15", "facility": "primary", "amount": "1.00" });
        let library = library();
        let text = scenario_with("/visits", Some(Value::Array(vec![visit; MAX_VISITS]))).to_string();
        let scenario = Scenario::from_json(&text, &library).expect("the limit itself is allowed");
        assert_eq!(scenario.visits.len(), MAX_VISITS);
    }

    #[test]
    fn a_reversed_period_is_refused() {
        let e = scenario_error(&scenario_with("/period", Some(json!({ "start": "2023-12-31", "end": "2023-01-01" }))));
        assert_error(&e, "period.end", "period_reversed");
    }

    #[test]
    fn a_period_longer_than_the_limit_is_refused() {
        let e = scenario_error(&scenario_with("/period", Some(json!({ "start": "1990-01-01", "end": "2023-12-31" }))));
        assert_error(&e, "period.end", "period_too_long");
    }

    #[test]
    fn a_missing_required_field_is_named() {
        let e = scenario_error(&scenario_with("/member", None));
        assert_error(&e, "member", "missing");
        let e = scenario_error(&scenario_with("/visits/3/amount", None));
        assert_error(&e, "visits[3].amount", "missing");
    }

    #[test]
    fn a_field_of_the_wrong_type_is_named() {
        let e = scenario_error(&scenario_with("/visits", Some(json!({ "date": "2023-01-15" }))));
        assert_error(&e, "visits", "wrong_type");
        let e = scenario_error(&scenario_with("/account/yearly_credit", Some(json!("yes"))));
        assert_error(&e, "account.yearly_credit", "wrong_type");
    }

    #[test]
    fn an_overlong_text_is_refused() {
        let e = scenario_error(&scenario_with("/visits/3/amount", Some(json!("1".repeat(65)))));
        assert_error(&e, "visits[3].amount", "too_long");
    }

    #[test]
    fn broken_json_is_a_syntax_error() {
        let library = library();
        let e = Scenario::from_json("{\"policy\": ", &library).unwrap_err();
        assert_eq!(e.code(), "syntax");
        assert_eq!(e.field, "");
        assert_ne!(e.message(Lang::Zh), e.message(Lang::En));
    }

    #[test]
    fn every_error_code_has_a_message_in_both_languages() {
        // The errors above, gathered once more, must each have distinct non-empty texts.
        let library = library();
        let broken = [
            scenario_with("/visits/3/amount", Some(json!("x"))),
            scenario_with("/visits/3/date", Some(json!("2023-02-30"))),
            scenario_with("/policy", Some(json!("nowhere"))),
            scenario_with("/member", Some(json!("resident"))),
            scenario_with("/period", Some(json!({ "start": "2023-12-31", "end": "2023-01-01" }))),
        ];
        for scenario in broken {
            let e = Scenario::from_json(&scenario.to_string(), &library).unwrap_err();
            let description = e.description();
            assert!(
                !description.zh.is_empty() && !description.en.is_empty() && description.zh != description.en,
                "{e}"
            );
        }
    }
}
