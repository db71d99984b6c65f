//! The wasm API as JavaScript sees it, run under Node by wasm-bindgen-test:
//! `cargo test --target wasm32-unknown-unknown --test wasm` (the Makefile sets the runner).
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Reflect, JSON};
use outpatient_estimator::wasm::Estimator;
use outpatient_estimator::Library;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn js(json: &str) -> JsValue {
    JSON::parse(json).expect("test JSON is valid")
}

fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| match key.parse::<u32>() {
        Ok(i) => Array::from(&v).get(i),
        Err(_) => Reflect::get(&v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED),
    })
}

fn text(value: &JsValue, path: &str) -> String {
    get(value, path).as_string().unwrap_or_else(|| format!("<not a string at {path}>"))
}

const SCENARIO: &str = r#"{
  "policy": "qiannan-employee", "member": "retiree", "lang": "en",
  "visits": [
    { "date": "2023-03-15", "facility": "secondary", "amount": "300.00" },
    { "date": "2023-05-20", "facility": "tertiary", "amount": "4200.00", "out_of_scope": "200.00" }
  ]
}"#;

#[wasm_bindgen_test]
fn run_gives_the_same_figures_as_the_core() {
    let est = Estimator::new().unwrap();
    let result = est.run(js(SCENARIO), None, None).unwrap();
    let outcome = get(&result, "outcome");
    assert_eq!(text(&outcome, "visits.0.fund"), "97.50");
    assert_eq!(text(&outcome, "visits.0.self"), "202.50");
    assert_eq!(text(&outcome, "visits.1.fund"), "1902.50");
    assert_eq!(text(&outcome, "years.0.cap_reached_on"), "2023-05-20");
    assert!(get(&outcome, "years.0.cap_reached_on").is_string());
    // The table's numbers and the marks, no texts: the retiree's +5 points are a derived figure.
    assert_eq!(text(&outcome, "visits.0.marks.0"), "derived");
    assert_eq!(text(&outcome, "visits.1.cap_remaining"), "0.00");
    assert!(get(&outcome, "visits.0.trace").is_undefined() && get(&outcome, "visits.0.notes").is_undefined());
    assert_eq!(get(&result, "visits").as_f64(), Some(2.0));
    let first = est.run(js(SCENARIO), Some(1), None).unwrap();
    assert_eq!(Array::from(&get(&first, "outcome.visits")).length(), 1, "only the rows asked for");
    assert_eq!(get(&first, "visits").as_f64(), Some(2.0), "and how many there are");
    assert_eq!(text(&first, "outcome.totals.fund"), text(&outcome, "totals.fund"), "totals of every visit");
    let svg = text(&result, "svg");
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(svg.contains("deductible met"));
    assert!(svg.contains(r#"viewBox="0 0 640 400""#), "640 pixels wide, as estimate --svg");
}

#[wasm_bindgen_test]
fn run_draws_the_chart_for_the_width_it_is_given() {
    let est = Estimator::new().unwrap();
    let chart_at = |width| text(&est.run(js(SCENARIO), Some(0), Some(width)).unwrap(), "svg");
    assert!(chart_at(320).contains(r#"viewBox="0 0 320 400""#), "a phone's box");
    assert!(chart_at(10).contains(r#"viewBox="0 0 300 400""#), "never narrower than 300");
    assert!(chart_at(1200).contains(r#"viewBox="0 0 640 400""#), "never wider than 640");
}

#[wasm_bindgen_test]
fn explain_gives_one_visit_with_notes_and_trace() {
    let est = Estimator::new().unwrap();
    let visit = est.explain(js(SCENARIO), 1).unwrap();
    assert_eq!(get(&visit, "index").as_f64(), Some(1.0));
    assert_eq!(text(&visit, "fund"), "1902.50");
    assert_eq!(text(&visit, "notes.0.code"), "out_of_scope");
    assert!(text(&visit, "trace.0.text").contains("Policy version in force from 2022-09-01"));
    let error = est.explain(js(SCENARIO), 2).unwrap_err();
    assert_eq!(text(&error, "field"), "index");
}

#[wasm_bindgen_test]
fn policies_list_every_bundled_policy_with_figures() {
    let est = Estimator::new().unwrap();
    let list = Array::from(&est.policies(Some("zh".into())).unwrap());
    let ids: Vec<String> = list.iter().map(|p| text(&p, "id")).collect();
    for id in [
        "qiannan-employee",
        "jiangxi-employee",
        "jiangxi-resident",
        "xilingol-employee",
        "hohhot-employee",
        "hunan-employee",
    ] {
        assert!(ids.contains(&id.to_owned()), "{id} missing from {ids:?}");
    }
    let qiannan = list.iter().find(|p| text(p, "id") == "qiannan-employee").unwrap();
    assert_eq!(text(&qiannan, "name"), "黔南州 职工医保普通门诊统筹");
    let figures = Array::from(&get(&qiannan, "versions.0.figures"));
    let pharmacy = figures.iter().find(|f| text(f, "key") == "ratio.pharmacy").unwrap();
    assert_eq!(text(&pharmacy, "status"), "unknown");
    assert!(get(&pharmacy, "value").is_null());
    assert_eq!(get(&pharmacy, "per_version"), false, "a policy of one version asks for each figure once");
    // Jiangxi's two versions: a figure one of them gives is set per version; one neither gives, once.
    let jiangxi = list.iter().find(|p| text(p, "id") == "jiangxi-employee").unwrap();
    let figures = Array::from(&get(&jiangxi, "versions.0.figures"));
    let per_version = |key: &str| get(&figures.iter().find(|f| text(f, "key") == key).unwrap(), "per_version");
    assert_eq!(per_version("ratio.pharmacy"), true);
    assert_eq!(per_version("cap.flexible"), false);
}

#[wasm_bindgen_test]
fn generate_makes_visits_from_a_pattern() {
    let est = Estimator::new().unwrap();
    let pattern = js(
        r#"{"kind": "monthly", "start": "2023-01-01", "end": "2023-12-31", "facility": "primary", "amount": "180", "day": 15}"#,
    );
    let visits = Array::from(&est.generate(pattern, None).unwrap());
    assert_eq!(visits.length(), 12);
    assert_eq!(text(&visits.get(0), "date"), "2023-01-15");
    assert_eq!(text(&visits.get(0), "amount"), "180.00");
}

#[wasm_bindgen_test]
fn errors_are_js_errors_with_field_code_and_both_languages() {
    let est = Estimator::new().unwrap();
    let bad = js(r#"{"policy": "qiannan-employee", "member": "retiree", "lang": "zh",
        "visits": [{"date": "2023-03-15", "facility": "primary", "amount": "12x"}]}"#);
    let error = est.run(bad, None, None).unwrap_err();
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(text(&error, "field"), "visits[0].amount");
    assert_eq!(text(&error, "code"), "not_a_number");
    assert!(text(&error, "message").starts_with("visits[0].amount：不是数字"));
    assert!(text(&error, "message_en").contains("is not a number"));
}

#[wasm_bindgen_test]
fn unknown_figures_and_policies_are_errors_not_panics() {
    let est = Estimator::new().unwrap();
    let pharmacy = js(r#"{"policy": "qiannan-employee", "member": "in_service",
        "visits": [{"date": "2023-03-15", "facility": "pharmacy", "amount": "500"}]}"#);
    let error = est.run(pharmacy, None, None).unwrap_err();
    assert_eq!(text(&error, "code"), "unknown_figure");
    assert_eq!(text(&error, "field"), "overrides.ratio.pharmacy");
    // With a yearly account credit, also unknown here, both figures come in `needed`, in order.
    let both = js(r#"{"policy": "qiannan-employee", "member": "in_service", "lang": "en",
        "account": {"balance": "0", "yearly_credit": true, "pays_member_share": true},
        "visits": [{"date": "2023-03-15", "facility": "pharmacy", "amount": "500"}]}"#);
    let error = est.run(both, None, None).unwrap_err();
    assert_eq!(text(&error, "needed.0.field"), "overrides.account_credit.in_service");
    assert_eq!(text(&error, "needed.0.version"), "", "a policy of one version asks for a figure once");
    assert_eq!(text(&error, "needed.1.field"), "overrides.ratio.pharmacy");
    assert!(text(&error, "needed.1.detail").starts_with("the policy does not give \"fund ratio"));
    assert!(get(&error, "needed.2").is_undefined());
    // Jiangxi's January 2023 version alone lacks the pharmacy's ratio; neither version has a cap
    // for flexible employment, which is asked for once.
    let jiangxi = js(r#"{"policy": "jiangxi-employee", "member": "flexible", "lang": "en",
        "period": {"start": "2023-01-01", "end": "2023-12-31"},
        "visits": [{"date": "2023-03-15", "facility": "pharmacy", "amount": "2000"}]}"#);
    let error = est.run(jiangxi, None, None).unwrap_err();
    assert_eq!(text(&error, "version"), "2023-01-01");
    assert_eq!(text(&error, "needed.0.version"), "2023-01-01");
    assert_eq!(text(&error, "needed.1.field"), "overrides.cap.flexible");
    assert_eq!(text(&error, "needed.1.version"), "");
    let unknown = est.run(js(r#"{"policy": "atlantis", "member": "retiree"}"#), None, None).unwrap_err();
    assert_eq!(text(&unknown, "field"), "policy");
    for odd in ["null", "42", "\"text\"", "[]", r#"{"visits": {"a": 1}}"#] {
        assert!(est.run(js(odd), None, None).is_err(), "{odd} should be an error");
    }
}

#[wasm_bindgen_test]
fn a_bureau_policy_file_is_checked_and_added() {
    let mut est = Estimator::new().unwrap();
    let broken = est.check_policy(js(r#"{"id": "x", "scheme": "employee"}"#), Some("en".into())).unwrap_err();
    assert_eq!(text(&broken, "code"), "missing");
    // A policy is given in its object form: what `estimate --to-json FILE.toml` writes.
    let (_, json) = Library::bundled_json().find(|(file, _)| file.ends_with("qiannan-employee.toml")).unwrap();
    let summary = est.add_policy(js(&json.replace("qiannan-employee", "my-region")), Some("en".into())).unwrap();
    assert_eq!(text(&summary, "id"), "my-region");
    let result = est.run(js(&SCENARIO.replace("qiannan-employee", "my-region")), None, None).unwrap();
    assert_eq!(text(&result, "outcome.visits.0.fund"), "97.50");
    let float =
        est.check_policy(js(&json.replace(r#""value":"0.70""#, r#""value":0.7"#)), Some("en".into())).unwrap_err();
    assert_eq!(text(&float, "field"), "policy.versions[0].ratio.primary.value");
}

#[wasm_bindgen_test]
fn a_scenario_goes_into_a_link_and_comes_back() {
    let est = Estimator::new().unwrap();
    let link = est.encode_fragment(js(SCENARIO)).unwrap();
    assert_eq!(link, "v1;p=qiannan-employee;m=retiree;l=en;v=2023-03-15:s:300,2023-05-20:t:4200:200");
    let scenario = est.decode_fragment(&link, Some("zh".into())).unwrap();
    assert_eq!(text(&scenario, "policy"), "qiannan-employee");
    assert_eq!(text(&scenario, "lang"), "en", "the link's own language");
    assert_eq!(text(&scenario, "visits.1.facility"), "tertiary");
    assert_eq!(text(&scenario, "visits.1.out_of_scope"), "200");
    let result = est.run(scenario, None, None).unwrap();
    assert_eq!(text(&result, "outcome.visits.1.fund"), "1902.50");

    let generated =
        est.decode_fragment("v1;p=qiannan-employee;m=retiree;d=2023;g=monthly:p:180:15", Some("en".into())).unwrap();
    assert_eq!(Array::from(&get(&generated, "visits")).length(), 12);
    assert_eq!(text(&generated, "lang"), "en", "the language asked for when the link gives none");

    // The pattern the visits were made from, for the page's pattern form; none for listed visits.
    let pattern = est.fragment_pattern("v1;p=qiannan-employee;m=retiree;d=2023;g=monthly:p:180:15", None).unwrap();
    assert_eq!(
        [text(&pattern, "kind"), text(&pattern, "facility"), text(&pattern, "day")],
        ["monthly", "primary", "15"]
    );
    assert!(est.fragment_pattern(&link, None).unwrap().is_null());
}

#[wasm_bindgen_test]
fn a_broken_link_or_an_invalid_scenario_is_a_js_error() {
    let est = Estimator::new().unwrap();
    let error =
        est.decode_fragment("v1;p=qiannan-employee;m=retiree;v=2023-03-15:p:12x", Some("zh".into())).unwrap_err();
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(text(&error, "field"), "fragment.v[0].amount");
    assert_eq!(text(&error, "code"), "not_a_number");
    assert!(text(&error, "message").starts_with("fragment.v[0].amount：不是数字"));
    let html = est.decode_fragment("<img src=x onerror=alert(1)>", Some("en".into())).unwrap_err();
    assert_eq!(text(&html, "code"), "bad_character");
    let bad = est.encode_fragment(js(&SCENARIO.replace("300.00", "3x"))).unwrap_err();
    assert_eq!(text(&bad, "field"), "visits[0].amount");
}

#[wasm_bindgen_test]
fn js_values_json_cannot_hold_are_errors() {
    let est = Estimator::new().unwrap();
    let scenario = js(SCENARIO);
    let visit = get(&scenario, "visits.0");
    let odd: [(&str, JsValue); 4] = [
        ("a function", js_sys::Function::new_no_args("return 1").into()),
        ("a BigInt", js_sys::BigInt::from(5).into()),
        ("a symbol", js_sys::Symbol::for_("x").into()),
        ("a fraction", JsValue::from_f64(300.5)),
    ];
    for (what, value) in odd {
        Reflect::set(&visit, &JsValue::from_str("amount"), &value).unwrap();
        let error = est.run(scenario.clone(), None, None).expect_err(what);
        assert!(!text(&error, "code").is_empty(), "{what}: {error:?}");
    }
    // A cycle is cut off by the depth limit.
    Reflect::set(&visit, &JsValue::from_str("amount"), &scenario).unwrap();
    assert_eq!(text(&est.run(scenario.clone(), None, None).unwrap_err(), "code"), "syntax");
}
