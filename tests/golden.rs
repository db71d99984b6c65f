//! Golden cases: every `tests/cases/*.json` is one scenario whose expected figures were worked out
//! by hand from DOMAIN.md (the working is in the case's `comment`), then run through the library.
//!
//! A case file is
//! ```json
//! { "comment": ["…the arithmetic…"],
//!   "scenario": { …the scenario JSON… },
//!   "expected": { …a partial outcome… } }          // or "error": { "field": "…", "code": "…" }
//! ```
//! How `expected` is compared with the serialized outcome:
//! - objects compare only the keys given;
//! - lists compare element by element and must have the actual list's length
//!   (so `visits` and `years` list every visit and every year, partially);
//! - `"notes": ["deductible_met", …]` (strings) means these note codes all appear, in any order;
//!   `"notes_absent": [ … ]` means none of these codes appears;
//! - the top-level `"figures"` list means each expected figure matches (partially) some figure used.
//!
//! Every mismatch is reported with the case file, the JSON path and both values.

use outpatient_estimator::{adjudicate, Library, Scenario};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn case_files() -> Vec<PathBuf> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Runs one case file; returns its mismatches (empty when the case passes).
fn run_case(library: &Library, file: &Path) -> Vec<String> {
    let name = file.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{name}: {e}"));
    let case: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: not JSON: {e}"));
    let obj = case.as_object().unwrap_or_else(|| panic!("{name}: a case is a JSON object"));
    for key in obj.keys() {
        assert!(
            ["comment", "scenario", "expected", "error"].contains(&key.as_str()),
            "{name}: unknown key {key:?} in the case"
        );
    }
    let comment = obj.get("comment").and_then(Value::as_array);
    assert!(comment.is_some_and(|c| !c.is_empty()), "{name}: every case explains its figures in \"comment\"");
    let scenario = obj.get("scenario").unwrap_or_else(|| panic!("{name}: no \"scenario\""));
    let result = Scenario::from_json(&scenario.to_string(), library).and_then(|s| {
        let policy = s.policy(library)?;
        adjudicate(&s, policy)
    });

    let mut problems = Vec::new();
    match (obj.get("expected"), obj.get("error"), result) {
        (Some(expected), None, Ok(outcome)) => {
            let actual = serde_json::to_value(&outcome).expect("an outcome serializes");
            compare("", expected, &actual, &mut problems);
        }
        (Some(_), None, Err(error)) => {
            problems.push(format!("expected an outcome, got error {} at {:?}: {}", error.code(), error.field, error));
        }
        (None, Some(expected), Err(error)) => {
            let actual = serde_json::json!({ "field": error.field, "code": error.code() });
            compare("error", expected, &actual, &mut problems);
        }
        (None, Some(expected), Ok(_)) => {
            problems.push(format!("expected error {expected}, but the scenario adjudicated"))
        }
        _ => panic!("{name}: a case has exactly one of \"expected\" and \"error\""),
    }
    problems.into_iter().map(|p| format!("{name}: {p}")).collect()
}

fn compare(path: &str, expected: &Value, actual: &Value, problems: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(want), Value::Object(have)) => {
            for (key, want_value) in want {
                let here = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                match key.as_str() {
                    "notes" | "notes_absent"
                        if want_value.as_array().is_some_and(|a| a.iter().all(Value::is_string)) =>
                    {
                        let codes: Vec<&str> = have
                            .get("notes")
                            .and_then(Value::as_array)
                            .map(|notes| notes.iter().filter_map(|n| n.get("code").and_then(Value::as_str)).collect())
                            .unwrap_or_default();
                        for code in want_value.as_array().into_iter().flatten().filter_map(Value::as_str) {
                            let present = codes.contains(&code);
                            if key == "notes" && !present {
                                problems.push(format!("{here}: expected note {code:?}, actual notes {codes:?}"));
                            }
                            if key == "notes_absent" && present {
                                problems
                                    .push(format!("{here}: note {code:?} should not appear, actual notes {codes:?}"));
                            }
                        }
                    }
                    "figures" if path.is_empty() => {
                        let have_list = have.get("figures").and_then(Value::as_array).cloned().unwrap_or_default();
                        for (i, want_figure) in want_value.as_array().into_iter().flatten().enumerate() {
                            let found = have_list.iter().any(|f| {
                                let mut scratch = Vec::new();
                                compare("", want_figure, f, &mut scratch);
                                scratch.is_empty()
                            });
                            if !found {
                                problems.push(format!(
                                    "{here}[{i}]: no used figure matches {want_figure}; actual figures {}",
                                    Value::Array(have_list.clone())
                                ));
                            }
                        }
                    }
                    _ => match have.get(key) {
                        Some(have_value) => compare(&here, want_value, have_value, problems),
                        None => {
                            problems.push(format!("{here}: expected {want_value}, but the outcome has no such field"))
                        }
                    },
                }
            }
        }
        (Value::Array(want), Value::Array(have)) => {
            if want.len() != have.len() {
                problems.push(format!(
                    "{path}: expected {} elements, actual {} elements: {}",
                    want.len(),
                    have.len(),
                    summarize(actual)
                ));
            }
            for (i, (w, h)) in want.iter().zip(have).enumerate() {
                compare(&format!("{path}[{i}]"), w, h, problems);
            }
        }
        (want, have) if want == have => {}
        (want, have) => problems.push(format!("{path}: expected {want}, actual {have}")),
    }
}

/// A list of visits or years shortened for the message (traces are long).
fn summarize(value: &Value) -> String {
    let mut value = value.clone();
    if let Value::Array(items) = &mut value {
        for item in items.iter_mut() {
            if let Value::Object(map) = item {
                map.remove("trace");
            }
        }
    }
    value.to_string()
}

#[test]
fn every_golden_case_matches_its_hand_worked_figures() {
    let library = Library::bundled().expect("bundled policies load");
    let files = case_files();
    assert!(files.len() >= 20, "expected the golden cases in tests/cases, found {}", files.len());
    let mut problems = Vec::new();
    for file in &files {
        problems.extend(run_case(&library, file));
    }
    assert!(
        problems.is_empty(),
        "{} mismatch(es) in {} case(s):\n{}",
        problems.len(),
        files.len(),
        problems.join("\n")
    );
}

/// The runner itself must catch a wrong figure, a missing note and a wrong list length.
#[test]
fn the_comparison_reports_what_differs() {
    let actual = serde_json::json!({
        "visits": [ { "index": 0, "fund": "90.00", "notes": [ { "code": "deductible_met", "text": "…" } ] } ],
        "figures": [ { "key": "deductible", "value": "150" } ]
    });
    let ok = serde_json::json!({ "visits": [ { "fund": "90.00", "notes": ["deductible_met"] } ], "figures": [ { "key": "deductible" } ] });
    let mut problems = Vec::new();
    compare("", &ok, &actual, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");

    let wrong = serde_json::json!({
        "visits": [ { "fund": "91.00", "notes": ["cap_reached"], "notes_absent": ["deductible_met"] }, {} ],
        "figures": [ { "key": "cap.retiree" } ]
    });
    compare("", &wrong, &actual, &mut problems);
    assert_eq!(problems.len(), 5, "{problems:#?}");
    assert!(
        problems.iter().any(|p| p.contains("visits[0].fund") && p.contains("\"91.00\"") && p.contains("\"90.00\"")),
        "{problems:#?}"
    );
}
