//! The `estimate` command end to end: the built binary, run as a user would run it.

use outpatient_estimator::{adjudicate, Lang, Library, Scenario};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const EXAMPLE: &str = "examples/qiannan-retiree.json";
const POLICY_IDS: [&str; 6] = [
    "hohhot-employee",
    "hunan-employee",
    "jiangxi-employee",
    "jiangxi-resident",
    "qiannan-employee",
    "xilingol-employee",
];

fn estimate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_estimate")).args(args).current_dir(ROOT).output().expect("estimate runs")
}

fn estimate_with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_estimate"))
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("estimate starts");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("estimate finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 errors")
}

#[track_caller]
fn assert_success(output: &Output) {
    assert!(output.status.success(), "exit {:?}\nstderr: {}", output.status, stderr(output));
}

/// A file in this test run's scratch directory.
fn scratch(name: &str, text: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("write scratch file");
    path
}

/// The outcome the library gives for the example, in English (the command's default language).
fn library_outcome(text: &str) -> Value {
    let library = Library::bundled().expect("bundled");
    let mut scenario = Scenario::from_json(text, &library).expect("valid example");
    scenario.lang = Lang::En;
    let outcome = adjudicate(&scenario, scenario.policy(&library).unwrap()).expect("adjudicates");
    serde_json::to_value(outcome).unwrap()
}

#[test]
fn json_output_parses_and_is_the_librarys_outcome() {
    let output = estimate(&[EXAMPLE]);
    assert_success(&output);
    let printed: Value = serde_json::from_str(&stdout(&output)).expect("the output is JSON");
    let example = std::fs::read_to_string(Path::new(ROOT).join(EXAMPLE)).unwrap();
    assert_eq!(printed, library_outcome(&example));
    assert_eq!(printed["visits"].as_array().map(Vec::len), Some(5));
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let example = std::fs::read_to_string(Path::new(ROOT).join(EXAMPLE)).unwrap();
    let output = estimate_with_stdin(&["-"], &example);
    assert_success(&output);
    let printed: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(printed, library_outcome(&example));
}

#[test]
fn table_output_has_a_header_row_and_a_row_per_visit() {
    let output = estimate(&["--table", EXAMPLE]);
    assert_success(&output);
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    let header =
        lines.iter().position(|l| ["date", "facility", "amount", "fund", "self"].iter().all(|w| l.contains(w)));
    let header = header.unwrap_or_else(|| panic!("no header row in:\n{text}"));
    let rows = lines[header + 1..]
        .iter()
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()) && l.contains("-"))
        .count();
    assert!(rows >= 5, "{text}");
    // The example's second visit: (300 - 20 - 50) x 0.65 = 149.50 (see tests/cases for the rules).
    assert!(text.contains("149.50"), "{text}");
}

#[test]
fn the_table_lists_visits_in_date_order_with_their_input_numbers() {
    let scenario = r#"{ "policy": "qiannan-employee", "member": "retiree", "visits": [
        { "date": "2023-09-01", "facility": "primary", "amount": "300" },
        { "date": "2023-03-01", "facility": "primary", "amount": "300" },
        { "date": "2023-06-01", "facility": "primary", "amount": "300" } ] }"#;
    let output = estimate_with_stdin(&["--table", "-"], scenario);
    assert_success(&output);
    let text = stdout(&output);
    let rows: Vec<(&str, &str)> = text
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            Some((words.next()?, words.next()?)).filter(|(_, date)| date.starts_with("2023-"))
        })
        .collect();
    assert_eq!(rows, [("1", "2023-03-01"), ("2", "2023-06-01"), ("0", "2023-09-01")], "{text}");
}

#[test]
fn the_readmes_worked_example_is_what_the_table_prints() {
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).expect("README.md");
    let section = &readme[readme.find("## A worked example").expect("the worked example")..];
    let block = |fence: &str| {
        let start = section.find(fence).expect(fence) + fence.len();
        &section[start..start + section[start..].find("```").expect("a closing fence")]
    };
    let (scenario, shown) = (block("```json\n"), block("```text\n"));
    let command = "$ cargo run -q --bin estimate -- --table scenario.json\n";
    let printed = shown.strip_prefix(command).expect("the block shows its command first");
    let output = estimate_with_stdin(&["--table", "-"], scenario);
    assert_success(&output);
    assert_eq!(stdout(&output), printed);
}

#[test]
fn table_output_follows_the_language() {
    let output = estimate(&["--table", "--lang", "zh", EXAMPLE]);
    assert_success(&output);
    let text = stdout(&output);
    assert!(text.contains("日期") && text.contains(" 一级 "), "{text}");
    assert!(!text.contains("primary"), "a tier's keyword in the Chinese table: {text}");
    // A Chinese character takes two columns in a terminal: the header lines up with the rows.
    let columns = |line: &str| line.chars().map(|c| if c > '\u{2E80}' { 2 } else { 1 }).sum::<usize>();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(columns(lines[1]), columns(lines[2].trim_end_matches(" *")), "{text}");
    assert!(lines[1].ends_with("   限额剩余"), "{text}");
}

#[test]
fn the_tables_star_marks_exactly_the_rows_with_a_flagged_figure_and_is_explained_only_then() {
    let star_rows = |scenario: &str| {
        let output = estimate_with_stdin(&["--table", "-"], scenario);
        assert_success(&output);
        let text = stdout(&output);
        let stars = text.lines().filter(|l| l.ends_with(" *")).count();
        (stars, text.contains("* uses a figure"))
    };
    let visit = r#"{ "date": "2023-03-01", "facility": "primary", "amount": "300" }"#;
    // Qiannan's retiree uplift is derived, so a visit above the deductible is marked; one within it
    // rests on the stated deductible alone; a visit before Hunan's assumed start date is marked.
    let retiree = format!(r#"{{ "policy": "qiannan-employee", "member": "retiree", "visits": [{visit}] }}"#);
    assert_eq!(star_rows(&retiree), (1, true));
    let within = r#"{ "policy": "qiannan-employee", "member": "retiree",
        "visits": [ { "date": "2023-03-01", "facility": "primary", "amount": "100" } ] }"#;
    assert_eq!(star_rows(within), (0, false));
    let before = format!(
        r#"{{ "policy": "hunan-employee", "member": "retiree", "visits": [{}] }}"#,
        r#"{ "date": "2022-03-01", "facility": "primary", "amount": "300" }"#
    );
    assert_eq!(star_rows(&before), (1, true), "before an assumed start date");
}

#[test]
fn svg_output_is_an_svg_document() {
    let output = estimate(&["--svg", EXAMPLE]);
    assert_success(&output);
    let text = stdout(&output);
    assert!(text.trim_start().starts_with("<svg"), "{}", &text[..text.len().min(200)]);
    assert!(text.trim_end().ends_with("</svg>"));
}

#[test]
fn svg_width_draws_the_chart_that_wide_and_refuses_other_widths() {
    let output = estimate(&["--svg", "--width", "320", EXAMPLE]);
    assert_success(&output);
    assert!(stdout(&output).contains(r#"viewBox="0 0 320 400""#));
    for (args, message) in [
        (
            &["--svg", "--width", "299", EXAMPLE][..],
            "--width must be a whole number of pixels from 300 to 640, not \"299\"",
        ),
        (&["--svg", "--width", "wide", EXAMPLE][..], "not \"wide\""),
        (&["--width", "320", EXAMPLE][..], "--width goes with --svg"),
    ] {
        let output = estimate(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains(message), "{args:?}: {}", stderr(&output));
    }
}

#[test]
fn list_names_the_six_bundled_policies() {
    let output = estimate(&["--list"]);
    assert_success(&output);
    let text = stdout(&output);
    for id in POLICY_IDS {
        assert!(text.lines().any(|l| l.starts_with(id)), "{id} missing from:\n{text}");
    }
    assert_eq!(text.lines().count(), 6, "{text}");
    // Figures a file assumes for want of a source (Hunan's adjustments of 0) are not counted as given.
    let hunan = text.lines().find(|l| l.starts_with("hunan-employee")).unwrap_or_default();
    assert!(hunan.contains(" 4/32 figures given"), "{hunan}");
}

#[test]
fn check_accepts_the_bundled_policy_files_without_a_warning() {
    for id in POLICY_IDS {
        let output = estimate(&["--check", &format!("policies/{id}.toml")]);
        assert_success(&output);
        assert!(stdout(&output).contains(&format!("ok — {id} (")), "{}", stdout(&output));
        assert!(stdout(&output).ends_with(", 0 warnings\n"), "{}", stdout(&output));
        assert_eq!(stderr(&output), "", "{id}");
    }
}

#[test]
fn check_takes_a_shared_rule_file_too() {
    let file = "policies/rules/out-of-area-2022.toml";
    let output = estimate(&["--check", file]);
    assert_success(&output);
    assert!(stdout(&output).contains("ok — out-of-area-2022 ("), "{}", stdout(&output));
    assert!(stdout(&output).ends_with("an out-of-area rule, 4 figures, 0 warnings\n"), "{}", stdout(&output));
    assert_eq!(stderr(&output), "");

    let text = std::fs::read_to_string(Path::new(ROOT).join(file)).unwrap();
    let line = |needle: &str, text: &str| 1 + text.lines().position(|l| l.contains(needle)).unwrap();
    // A reduction of 120 points is refused, at its line; one left without a note is only warned of.
    let broken = text.replacen(r#"value = "0.10""#, r#"value = "1.20""#, 1);
    let path = scratch("rule-broken.toml", &broken);
    let output = estimate(&["--check", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let at = format!("{}:{}: figures.temporary_referred.value", path.display(), line(r#""1.20""#, &broken));
    assert!(stderr(&output).contains(&at), "{at} in {}", stderr(&output));

    let empty_note = r#"long_term_resident = { value = "0", status = "stated", source = "seed-003", note = "" }"#;
    let odd: Vec<&str> =
        text.lines().map(|l| if l.starts_with("long_term_resident") { empty_note } else { l }).collect();
    let odd = odd.join("\n");
    let path = scratch("rule-odd.toml", &(odd.clone() + "\n[sources.spare]\ntitle = \"t\"\n"));
    let output = estimate(&["--check", path.to_str().unwrap()]);
    assert_success(&output);
    let warnings = stderr(&output);
    let note = format!(
        "{}:{}: figures.long_term_resident.note: the note is empty",
        path.display(),
        line("long_term_resident", &odd)
    );
    assert!(warnings.contains(&note), "{note} in {warnings}");
    assert!(warnings.contains("sources.spare: no figure names this source"), "{warnings}");
    assert!(warnings.contains("sources.spare: the source has no reference"), "{warnings}");
    assert!(stdout(&output).ends_with(", 3 warnings\n"), "{}", stdout(&output));

    let output = estimate(&["--to-json", file]);
    assert_success(&output);
    let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(json["figures"]["temporary_referred"]["value"], "0.10");
}

#[test]
fn to_json_writes_the_policy_as_the_library_reads_it() {
    let output = estimate(&["--to-json", "policies/qiannan-employee.toml"]);
    assert_success(&output);
    let policy: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(policy["id"], "qiannan-employee");
    assert_eq!(policy["versions"][0]["ratio"]["primary"]["value"], "0.70");
    // The same text as the JSON the page's wasm carries for the bundled file.
    let (_, bundled) =
        Library::bundled_json().find(|(file, _)| file.ends_with("qiannan-employee.toml")).expect("bundled");
    assert_eq!(policy, serde_json::from_str::<Value>(bundled).expect("JSON"));
}

#[test]
fn check_refuses_a_broken_policy_file_and_names_the_field() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("policies/qiannan-employee.toml")).unwrap();
    let broken = text.replacen(r#"primary = { value = "0.70""#, r#"primary = { value = "1.70""#, 1);
    assert_ne!(text, broken);
    let path = scratch("broken.toml", &broken);
    let output = estimate(&["--check", path.to_str().unwrap()]);
    assert!(!output.status.success(), "a broken file passed the check");
    // The message gives the file's line as well as the field's path, as FILE:LINE: PATH.
    let line = 1 + broken.lines().position(|l| l.contains(r#""1.70""#)).unwrap();
    let at = format!("{}:{line}: versions[0].ratio.primary.value", path.display());
    let errors = stderr(&output);
    assert!(errors.contains(&at), "{at} in {errors}");
    assert!(stdout(&output).is_empty(), "nothing on standard output: {}", stdout(&output));
    // The same place for a file converted to JSON or loaded beside a scenario.
    for args in [&["--to-json", path.to_str().unwrap()][..], &["--policy", path.to_str().unwrap(), EXAMPLE][..]] {
        let output = estimate(args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(stderr(&output).contains(&at), "{args:?}: {}", stderr(&output));
    }
}

#[test]
fn a_missing_key_is_placed_at_the_line_of_the_table_that_lacks_it() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("policies/qiannan-employee.toml")).unwrap();
    let line = 1 + text.lines().position(|l| l.starts_with("[sources.")).unwrap();
    let source = text.lines().nth(line - 1).unwrap().trim_matches(['[', ']']).to_owned();
    let broken = text.replacen("\ntitle = ", "\n# title = ", 1);
    let path = scratch("no-publisher.toml", &broken);
    let output = estimate(&["--check", path.to_str().unwrap(), "--lang", "zh"]);
    assert_eq!(output.status.code(), Some(1));
    let at = format!("{}:{line}: {source}.title：必须填写", path.display());
    assert!(stderr(&output).contains(&at), "{at} in {}", stderr(&output));
}

#[test]
fn check_warns_about_figures_that_are_valid_but_odd_and_still_passes_the_file() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("policies/qiannan-employee.toml")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut edit = |starts: &str, line: &str| {
        let at = lines.iter().position(|l| l.starts_with(starts)).unwrap_or_else(|| panic!("{starts}"));
        lines[at] = line.to_owned();
        at + 1
    };
    let members = edit("members = ", r#"members = ["in_service", "retiree", "flexible", "retiree"]"#);
    let retiree = edit(
        "retiree = { value = \"0.05\"",
        r#"retiree = { value = "0.5", status = "stated", source = "seed-001", note = "n" }"#,
    );
    let flexible = edit(
        "flexible = { value = \"0\"",
        r#"flexible = { value = "0", status = "assumed", source = "seed-001", note = " " }"#,
    );
    let cap = edit(
        "in_service = { value = \"2000\"",
        r#"in_service = { value = "100", status = "stated", source = "seed-001", note = "n" }"#,
    );
    let deductible = lines.iter().position(|l| l.starts_with("deductible = ")).unwrap();
    lines.insert(deductible + 1, r#"deductible_exempt = ["primary", "pharmacy", "primary"]"#.to_owned());
    let (exempt, retiree, flexible, cap) = (deductible + 2, retiree + 1, flexible + 1, cap + 1);
    let odd = lines.join("\n") + "\n[sources.spare]\ntitle = \"t\"\npublished = \"2022/12/01\"\n";
    let spare = lines.len() + 1;
    let path = scratch("odd.toml", &odd);
    let file = path.to_str().unwrap();

    let output = estimate(&["--check", file]);
    assert_success(&output);
    assert!(stdout(&output).ends_with("figures given, 9 warnings\n"), "{}", stdout(&output));
    let expected = [
        format!("{file}:{members}: members[3]: retiree is listed twice"),
        format!("{file}:{spare}: sources.spare: no figure names this source"),
        format!("{file}:{spare}: sources.spare: the source has no reference"),
        format!("{file}:{}: sources.spare.published: write the date \"2022/12/01\" as 2022-12-01", spare + 2),
        format!("{file}:{exempt}: versions[0].deductible_exempt[2]: primary is listed twice"),
        format!("{file}:{flexible}: versions[0].adjustment.flexible.note: the note is empty"),
        format!("{file}:{retiree}: versions[0].adjustment.retiree.value: an adjustment of 50 percentage points"),
        format!(
            "{file}:{retiree}: versions[0].adjustment.retiree.value: with this adjustment the fund ratio leaves 0 to 1 at primary (1.2), secondary (1.1);"
        ),
        format!("{file}:{cap}: versions[0].cap.in_service.value: the annual cap 100 is below the deductible 150"),
    ];
    let warnings: Vec<String> = stderr(&output).lines().map(str::to_owned).collect();
    assert_eq!(warnings.len(), expected.len(), "{warnings:#?}");
    for (warning, start) in warnings.iter().zip(&expected) {
        assert!(warning.starts_with(&format!("estimate: warning: {start}")), "{warning}\nshould start {start}");
    }

    let output = estimate(&["--check", file, "--lang", "zh"]);
    assert_success(&output);
    assert!(stdout(&output).ends_with("，9 条警告\n"), "{}", stdout(&output));
    let errors = stderr(&output);
    assert!(
        errors.contains(&format!(
            "estimate: 警告：{file}:{cap}: versions[0].cap.in_service.value：年度限额 100 低于起付线 150"
        )),
        "{errors}"
    );
}

#[test]
fn a_bad_amount_exits_non_zero_and_names_the_visit() {
    let example = std::fs::read_to_string(Path::new(ROOT).join(EXAMPLE)).unwrap();
    let broken = example.replacen(r#""amount": "5000.00""#, r#""amount": "5,000.0.0""#, 1);
    assert_ne!(example, broken);
    let path = scratch("bad-amount.json", &broken);
    let output = estimate(&[path.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("visits[2].amount"), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());

    // The same through standard input, with the message in Chinese.
    let output = estimate_with_stdin(&["--lang", "zh", "-"], &broken);
    assert!(!output.status.success());
    let errors = stderr(&output);
    assert!(errors.contains("visits[2].amount") && errors.contains("不是数字"), "{errors}");
}

#[test]
fn an_unknown_figure_exits_non_zero_and_names_the_override() {
    let scenario = r#"{ "policy": "qiannan-employee", "member": "in_service",
        "visits": [ { "date": "2023-03-01", "facility": "pharmacy", "amount": "300.00" } ] }"#;
    let output = estimate_with_stdin(&["-"], scenario);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("overrides.ratio.pharmacy"), "{}", stderr(&output));
}

#[test]
fn broken_json_exits_non_zero() {
    let output = estimate_with_stdin(&["-"], "{ \"policy\": ");
    assert!(!output.status.success());
    assert!(!stderr(&output).is_empty());
}

#[test]
fn a_loaded_policy_file_replaces_the_bundled_one() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("policies/qiannan-employee.toml")).unwrap();
    let changed = text.replacen(r#"deductible = { value = "150""#, r#"deductible = { value = "100""#, 1);
    let policy = scratch("qiannan-100.toml", &changed);
    let scenario = r#"{ "policy": "qiannan-employee", "member": "in_service",
        "visits": [ { "date": "2023-03-01", "facility": "primary", "amount": "300.00" } ] }"#;
    let output = estimate_with_stdin(&["--policy", policy.to_str().unwrap(), "-"], scenario);
    assert_success(&output);
    let printed: Value = serde_json::from_str(&stdout(&output)).unwrap();
    // Deductible 100 instead of 150: fund (300 - 100) x 0.70 = 140.00.
    assert_eq!(printed["visits"][0]["fund"], "140.00");
}

#[test]
fn generate_prints_visits_in_scenario_form() {
    let pattern = r#"{ "kind": "monthly", "start": "2023-01-01", "end": "2023-12-31", "facility": "primary", "amount": "180", "day": 31 }"#;
    let output = estimate_with_stdin(&["--generate", "-"], pattern);
    assert_success(&output);
    let visits: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let visits = visits.as_array().expect("a list of visits");
    assert_eq!(visits.len(), 12);
    assert_eq!(visits[1]["date"], "2023-02-28");
    assert_eq!(visits[1]["amount"], "180.00");
}

#[test]
fn help_goes_to_standard_output_and_exits_with_zero() {
    for flag in ["--help", "-h"] {
        let output = estimate(&[flag, "--list"]);
        assert_success(&output);
        assert!(stderr(&output).is_empty(), "{flag}: {}", stderr(&output));
        let help = stdout(&output);
        for option in
            ["--table", "--svg", "--width", "--policy", "--lang", "--check", "--to-json", "--generate", "--list"]
        {
            assert!(help.contains(option), "{flag}: {option} is explained");
        }
    }
}

#[test]
fn usage_errors_exit_with_two() {
    for args in [&["--frobnicate"][..], &[][..], &["--lang", "fr", EXAMPLE][..], &["--list", EXAMPLE][..]] {
        let output = estimate(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("usage:"), "{args:?}");
    }
}

#[test]
fn a_missing_file_exits_non_zero_and_names_it() {
    let output = estimate(&["no-such-scenario.json"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("no-such-scenario.json: cannot be read: no such file"), "{}", stderr(&output));
    // The operating system's reason in the reader's language, for a missing file and a folder.
    let output = estimate(&["--lang", "zh", "no-such-scenario.json"]);
    assert!(stderr(&output).contains("no-such-scenario.json：无法读取：没有这个文件"), "{}", stderr(&output));
    let output = estimate(&["--lang", "zh", "--check", "policies"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("policies：无法读取：这是一个文件夹，不是文件"), "{}", stderr(&output));
}

#[test]
fn options_may_come_in_any_order_and_a_file_not_in_utf8_is_told_to_be_saved_so() {
    let broken = scratch("order.toml", "id = \"x\n");
    let path = broken.to_string_lossy().into_owned();
    for args in [
        ["--check", path.as_str(), "--lang", "zh"],
        ["--check", "--lang", "zh", path.as_str()],
        ["--lang", "zh", "--check", path.as_str()],
    ] {
        let output = estimate(&args);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("无法读取"), "{args:?}: in Chinese: {}", stderr(&output));
    }
    assert_eq!(estimate(&["--check", "--lang", "zh"]).status.code(), Some(2), "--check with no file is a usage error");

    // "id = \"示例\"" in GBK: what a Chinese-locale editor may save.
    let gbk = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}-gbk.toml", std::process::id()));
    std::fs::write(&gbk, b"id = \"\xca\xbe\xc0\xfd\"\n").unwrap();
    let output = estimate(&["--lang", "zh", "--check", &gbk.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("另存为 UTF-8"), "{}", stderr(&output));
}
