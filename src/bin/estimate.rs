//! `estimate`: the command-line front of the estimator.
//!
//! `estimate --help` prints its commands and options ([`HELP`]).

use outpatient_estimator::adjudicate::{adjudicate_lines, Outcome, VisitLine};
use outpatient_estimator::policy::{self, Facility, FieldLines, OutOfAreaRule, Policy};
use outpatient_estimator::scenario::read_json;
use outpatient_estimator::tree::Tree;
use outpatient_estimator::{adjudicate, chart, lint, pattern, Error, ErrorKind, Lang, Library, Scenario};
use std::io::Read;
use std::process::ExitCode;

const HELP: &str = "\
estimate [OPTIONS] SCENARIO.json      adjudicate a scenario (`-` reads standard input)
estimate --list                       the bundled policies, their names and how complete they are
estimate --check FILE.toml            validate a policy file (or a shared rule file), and warn of
                                      figures that are valid but odd (a cap below the deductible, ...)
estimate --to-json FILE.toml          a policy file, validated, as JSON (what the page's
                                      checkPolicy and addPolicy take, once JSON.parse'd)
estimate --generate PATTERN.json      visits from a pattern, as scenario JSON

OPTIONS (in any order)
  --table            a table for people instead of JSON
  --svg              the chart (SVG), the same picture the page draws
  --width PX         the chart's width in pixels, 300 to 640 (default 640), as the page
                     draws it in a box that wide (a phone)
  --policy FILE      load a policy file (replaces a bundled one of the same id); repeatable
  --lang zh|en       language of notes, errors and the table (default: the scenario's, else en)
  --help, -h         this text

Errors go to standard error with a non-zero exit (2 for a wrong command line), naming the
offending field.
";

const USAGE: &str = "usage: estimate [--table | --svg [--width PX]] [--policy FILE]... [--lang zh|en] SCENARIO.json|-
       estimate --list [--lang zh|en]
       estimate --check FILE.toml [--lang zh|en]
       estimate --to-json FILE.toml
       estimate --generate PATTERN.json|- [--lang zh|en]
options may come in any order; estimate --help tells more";

enum Output {
    Json,
    Table,
    Svg(u32),
}

enum Command {
    Run(String),
    List,
    Check(String),
    ToJson(String),
    Generate(String),
}

struct Args {
    command: Command,
    output: Output,
    policies: Vec<String>,
    lang: Option<Lang>,
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    if raw.iter().any(|arg| arg == "--help" || arg == "-h") {
        print!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let args = match parse_args(raw) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("estimate: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let lang = args.lang.unwrap_or(Lang::En);
    match run(args) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("estimate: {}{}", lang.pick("错误：", "error: "), error.message(lang));
            ExitCode::FAILURE
        }
    }
}

/// A command that takes a file: `--check`, `--to-json` or `--generate`.
type FileCommand = fn(String) -> Command;

fn parse_args(raw: Vec<String>) -> Result<Args, String> {
    let mut command = None;
    let mut output = Output::Json;
    let mut policies = Vec::new();
    let mut lang = None;
    let mut width = None;
    let mut items = raw.into_iter().peekable();
    // A command's file may come after other options (`--check --lang zh FILE`): then the command
    // waits for the next argument that is not an option.
    let mut wants_file: Option<(FileCommand, String)> = None;
    let set = |c: Command, command: &mut Option<Command>| match command.replace(c) {
        None => Ok(()),
        Some(_) => Err("give one scenario, --list, --check, --to-json or --generate".to_owned()),
    };
    while let Some(arg) = items.next() {
        let mut value = |name: &str| items.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--table" => output = Output::Table,
            "--svg" => output = Output::Svg(chart::DEFAULT_WIDTH),
            "--width" => {
                let text = value("--width")?;
                let range = chart::MIN_WIDTH..=chart::DEFAULT_WIDTH;
                width = Some(text.parse().ok().filter(|w| range.contains(w)).ok_or(format!(
                    "--width must be a whole number of pixels from {} to {}, not {text:?}",
                    range.start(),
                    range.end()
                ))?);
            }
            "--list" => set(Command::List, &mut command)?,
            "--check" | "--to-json" | "--generate" => {
                let make: FileCommand = match arg.as_str() {
                    "--check" => Command::Check,
                    "--to-json" => Command::ToJson,
                    _ => Command::Generate,
                };
                match items.next_if(|next| !next.starts_with("--")) {
                    Some(file) => set(make(file), &mut command)?,
                    None => wants_file = Some((make, arg.clone())),
                }
            }
            "--policy" => policies.push(value("--policy")?),
            "--lang" => {
                let text = value("--lang")?;
                lang = Some(Lang::parse(&text).ok_or(format!("--lang must be zh or en, not {text:?}"))?);
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            path => match wants_file.take() {
                Some((make, _)) => set(make(path.to_owned()), &mut command)?,
                None => set(Command::Run(path.to_owned()), &mut command)?,
            },
        }
    }
    if let Some((_, name)) = wants_file {
        return Err(format!("{name} needs a file"));
    }
    let command = command.ok_or("nothing to do")?;
    match (&mut output, width) {
        (Output::Svg(chart_width), Some(w)) => *chart_width = w,
        (_, Some(_)) => return Err("--width goes with --svg".to_owned()),
        _ => {}
    }
    Ok(Args { command, output, policies, lang })
}

/// A policy file's field with the line it is written on, `FILE:LINE: versions[1].cap.retiree.value`,
/// the form editors and terminals link to the place. Field paths count versions and list items from 0.
fn with_line(field: &str, file: &str, lines: &FieldLines) -> String {
    match lines.locate(field) {
        Some((path, line)) => format!("{file}:{line}: {path}"),
        None => field.to_owned(),
    }
}

fn at_line(mut error: Error, file: &str, text: &str) -> Error {
    error.field = with_line(&error.field, file, &FieldLines::new(text, file));
    error
}

/// Reads a file (`-`: standard input); what the operating system says is put in the reader's language.
fn read_input(path: &str, lang: Lang) -> Result<String, Error> {
    let mut text = String::new();
    let result = if path == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    result.map_err(|e| match e.kind() {
        // What a Chinese-locale editor may save (GBK): say what to do, in the reader's language.
        std::io::ErrorKind::InvalidData => Error::new(path, ErrorKind::NotUtf8),
        kind => Error::new(path, ErrorKind::Syntax { detail: os_words(kind, lang).unwrap_or_else(|| e.to_string()) }),
    })?;
    Ok(text)
}

/// The commonest reasons a file cannot be opened, in the reader's language; others keep the
/// operating system's (English) words.
fn os_words(kind: std::io::ErrorKind, lang: Lang) -> Option<String> {
    use std::io::ErrorKind::*;
    let (zh, en) = match kind {
        NotFound => ("没有这个文件", "no such file"),
        PermissionDenied => ("没有读取这个文件的权限", "permission denied"),
        IsADirectory => ("这是一个文件夹，不是文件", "this is a folder, not a file"),
        _ => return None,
    };
    Some(lang.pick(zh, en).to_owned())
}

fn run(args: Args) -> Result<String, Error> {
    let mut library = Library::bundled()?;
    let lang = args.lang.unwrap_or(Lang::En);
    for path in &args.policies {
        let text = read_input(path, lang)?;
        library.add(&text, path).map_err(|e| at_line(e, path, &text))?;
    }
    match args.command {
        Command::List => Ok(list(&library, lang)),
        Command::Check(path) => {
            let text = read_input(&path, lang)?;
            let (checked, warnings) = match check_file(&library, &text, &path)?.0 {
                Checked::Policy(policy) => (checked_policy(&policy, lang), lint::warnings(&policy, &path)),
                Checked::Rule(rule) => (checked_rule(&rule, lang), lint::rule_warnings(&rule, &path)),
            };
            if !warnings.is_empty() {
                let lines = FieldLines::new(&text, &path);
                let (label, colon) = (lang.pick("警告：", "warning: "), lang.pick("：", ": "));
                for warning in &warnings {
                    let field = with_line(&warning.field, &path, &lines);
                    eprintln!("estimate: {label}{field}{colon}{}", warning.text.get(lang));
                }
            }
            let count = warnings.len();
            Ok(match lang {
                Lang::Zh => format!("{path}：通过 — {checked}，{count} 条警告\n"),
                Lang::En => format!("{path}: ok — {checked}, {count} warning{}\n", plural(count)),
            })
        }
        Command::ToJson(path) => {
            let text = read_input(&path, lang)?;
            Ok(to_json(&check_file(&library, &text, &path)?.1))
        }
        Command::Generate(path) => {
            let text = read_input(&path, lang)?;
            let tree = read_json(&text, &path)?;
            let visits = pattern::generate_from(&tree)?;
            Ok(to_json(&pattern::visits_json(&visits)))
        }
        Command::Run(path) => {
            let text = read_input(&path, lang)?;
            let tree = read_json(&text, &path)?;
            let mut scenario = Scenario::read(&tree, &library)?;
            scenario.lang = args.lang.or(Scenario::lang_in(&tree)).unwrap_or(Lang::En);
            let policy = scenario.policy(&library)?;
            Ok(match args.output {
                Output::Json => to_json(&adjudicate(&scenario, policy)?),
                // A table lists visits in date order, so that the cap left reads down its rows.
                Output::Table => table(&adjudicate_lines(&scenario, policy)?, scenario.lang),
                Output::Svg(width) => chart::render_at(&adjudicate_lines(&scenario, policy)?, scenario.lang, width),
            })
        }
    }
}

enum Checked {
    Policy(Policy),
    Rule(OutOfAreaRule),
}

/// Reads and validates a policy file, or a shared rule file (`policies/rules/`, which says
/// `kind = "out_of_area"`; a policy has no `kind`); errors give the line. Also gives the file's tree.
fn check_file<'t>(library: &Library, text: &'t str, file: &str) -> Result<(Checked, Tree<'t>), Error> {
    let tree = policy::read_toml(text, file)?;
    let is_rule = matches!(&tree, Tree::Table(entries) if entries.iter().any(|(key, _)| key == "kind"));
    let checked = if is_rule {
        OutOfAreaRule::read(&tree, file).map(Checked::Rule)
    } else {
        library.check_tree(&tree, file).map(Checked::Policy)
    };
    Ok((checked.map_err(|e| at_line(e, file, text))?, tree))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// What `--check` found a policy to be: its id, name, versions and how many figures are known.
fn checked_policy(policy: &Policy, lang: Lang) -> String {
    let (known, total) = policy.completeness();
    let versions = policy.versions.len();
    match lang {
        Lang::Zh => {
            format!("{}（{}），{versions} 个版本，{total} 项数值中来源给出 {known} 项", policy.id, policy.name.zh)
        }
        Lang::En => {
            let s = plural(versions);
            format!("{} ({}), {versions} version{s}, {known} of {total} figures given", policy.id, policy.name.en)
        }
    }
}

fn checked_rule(rule: &OutOfAreaRule, lang: Lang) -> String {
    let figures = rule.figures.len();
    match lang {
        Lang::Zh => format!("{}（{}），异地就医规则，{figures} 项数值", rule.id, rule.name.zh),
        Lang::En => format!("{} ({}), an out-of-area rule, {figures} figures", rule.id, rule.name.en),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Serializing plain structs of strings and numbers cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

fn list(library: &Library, lang: Lang) -> String {
    let mut out = String::new();
    let width = library.policies().iter().map(|p| p.id.len()).max().unwrap_or(0);
    for policy in library.policies() {
        let (known, total) = policy.completeness();
        let starts: Vec<String> = policy.versions.iter().map(|v| outpatient_estimator::date::iso(v.start)).collect();
        let from = format!("version{} from", plural(starts.len()));
        out += &format!(
            "{:<width$} {:>2}/{:<2} figures given  {from} {}  {}\n",
            policy.id,
            known,
            total,
            starts.join(", "),
            policy.name.get(lang)
        );
    }
    out
}

/// A plain-text table, one row per visit in input order, then the years.
/// The facility column: the scenario's keyword in English, the tier's short name in Chinese.
fn facility_short(facility: Facility, lang: Lang) -> &'static str {
    let zh = match facility {
        Facility::Primary => "一级",
        Facility::Secondary => "二级",
        Facility::Tertiary => "三级",
        Facility::Pharmacy => "药店",
    };
    lang.pick(zh, facility.key())
}

/// The table's columns: width in terminal columns, and whether the column is aligned right.
const COLUMNS: [(usize, bool); 9] =
    [(4, true), (10, false), (9, false), (10, true), (10, true), (6, true), (10, true), (10, true), (10, true)];

/// One line of the table, each cell padded to its column as a terminal shows it: a Chinese
/// character takes two columns, so padding by characters would push the headers out of line.
fn table_row(cells: [String; 9]) -> String {
    let padded = cells.iter().zip(COLUMNS).map(|(text, (width, right))| {
        let fill = " ".repeat(width.saturating_sub(text.chars().map(terminal_width).sum()));
        if right {
            fill + text
        } else {
            text.clone() + &fill
        }
    });
    padded.collect::<Vec<_>>().join(" ")
}

/// Columns a character takes in a terminal: two for the East Asian wide ranges (the table's own
/// Chinese headers and tier names), else one.
fn terminal_width(c: char) -> usize {
    let wide = matches!(c, '\u{1100}'..='\u{115F}' | '\u{2E80}'..='\u{A4CF}' | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FF60}' | '\u{FFE0}'..='\u{FFE6}');
    1 + usize::from(wide)
}

fn table(outcome: &Outcome<VisitLine>, lang: Lang) -> String {
    let head = match lang {
        Lang::Zh => ["#", "日期", "机构", "总额", "起付线", "比例", "统筹支付", "个人负担", "限额剩余"],
        Lang::En => ["#", "date", "facility", "amount", "deductible", "ratio", "fund", "self", "cap left"],
    };
    let mut out = format!("{}\n{}\n", outcome.policy.name, table_row(head.map(String::from)));
    for visit in &outcome.visits {
        let v = &visit.numbers;
        // No cap left to show where none applied (a visit before the policy, say), as for the ratio.
        let cap = v.cap_remaining.map_or_else(|| "-".to_owned(), |c| c.to_string());
        let flagged = !visit.marks.is_empty();
        let cells = [
            v.index.to_string(),
            outpatient_estimator::date::iso(v.date),
            facility_short(v.facility, lang).to_owned(),
            v.amount.to_string(),
            v.deductible.to_string(),
            v.ratio.map_or_else(|| "-".to_owned(), |r| r.to_string()),
            v.fund.to_string(),
            v.member.to_string(),
            cap,
        ];
        out += &format!("{}{}\n", table_row(cells), if flagged { " *" } else { "" });
    }
    for y in &outcome.years {
        if !y.in_force() {
            out += &match lang {
                Lang::Zh => format!("{} 年：本政策尚未施行，统筹支付 {}，个人负担 {}\n", y.year, y.fund, y.member),
                Lang::En => format!("{}: policy not yet in force; fund {}, self {}\n", y.year, y.fund, y.member),
            };
            continue;
        }
        // "met on …" or "not met", as the reader would say it.
        let when = |date: Option<chrono::NaiveDate>, zh: [&str; 2], en: [&str; 2]| match date {
            Some(d) => lang.pick(zh[0], en[0]).replace("{}", &outpatient_estimator::date::iso(d)),
            None => lang.pick(zh[1], en[1]).to_owned(),
        };
        let deductible = when(
            y.deductible_met_on,
            ["起付线于 {} 达到", "起付线未达到"],
            ["deductible met {}", "deductible not met"],
        );
        let cap = when(y.cap_reached_on, ["限额于 {} 用完", "限额未用完"], ["cap reached {}", "cap not reached"]);
        out += &match lang {
            Lang::Zh => format!("{} 年：统筹支付 {}，个人负担 {}；{deductible}，{cap}\n", y.year, y.fund, y.member),
            Lang::En => format!("{}: fund {}, self {}; {deductible}, {cap}\n", y.year, y.fund, y.member),
        };
    }
    if outcome.visits.iter().any(|v| !v.marks.is_empty()) {
        out += lang.pick(
            "* 用到了假定、推得、仅为上下限或您输入的数值\n",
            "* uses a figure that is assumed, derived, only a bound, or yours\n",
        );
    }
    out
}
