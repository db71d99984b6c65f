//! Native adjudication throughput (BENCHMARKS.md; budget ≥ 5 million visits per second on one core).
//!
//! `cargo bench --bench adjudicate` measures, with criterion, two ways through the same visits:
//! - `streaming`: [`Adjudicator`] alone, the numbers and note codes of each visit (the budget's figure);
//! - `outcome`: [`adjudicate`], the whole outcome with every note, trace text and figure.
//!
//! Inputs: a chronic patient's year (38 visits) and ten years of one visit a day (3,653) and of ten
//! a day (36,530), to show that the time grows linearly. After criterion, each figure is printed
//! beside its budget, and the run fails when streaming misses it on the ten-year inputs.

mod common;

use criterion::{BenchmarkId, Criterion, Throughput};
use outpatient_estimator::adjudicate::{date_order, Adjudicator};
use outpatient_estimator::date::parse_date;
use outpatient_estimator::pattern::{generate, Pattern};
use outpatient_estimator::policy::Policy;
use outpatient_estimator::{adjudicate, Library, Outcome, Scenario};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::SystemTime;

/// The budget: visits per second on one core, for the streaming adjudication.
const BUDGET: f64 = 5_000_000.0;
/// The budget is a throughput, checked on scenarios of at least a ten-year daily diary; in a
/// year of 38 visits the work done once per scenario (looking figures up, listing those used)
/// weighs as much as the visits, so that one is reported, not checked.
const MIN_VISITS: usize = 3653;

fn inputs(library: &Library) -> Vec<(&'static str, Scenario)> {
    let mut chronic = common::scenario(library, 1);
    let (start, end) = (parse_date("2023-01-01", "").unwrap(), parse_date("2023-12-31", "").unwrap());
    chronic.visits = generate(&Pattern::Chronic { seed: 42 }, start, end);
    let mut daily = common::scenario(library, 10);
    daily.visits = common::visits(3653, 3653).collect();
    let mut ten_a_day = common::scenario(library, 10);
    ten_a_day.visits = common::visits(36_530, 3653).collect();
    vec![("chronic-1y", chronic), ("daily-10y", daily), ("10-a-day-10y", ten_a_day)]
}

/// Every visit through [`Adjudicator`]: the numbers, no texts.
fn stream(scenario: &Scenario, policy: &Policy) -> Outcome {
    let mut adjudicator = Adjudicator::new(scenario, policy);
    for index in date_order(&scenario.visits) {
        black_box(adjudicator.visit(index, &scenario.visits[index]).unwrap());
    }
    adjudicator.finish().unwrap()
}

fn benches(c: &mut Criterion, library: &Library, inputs: &[(&str, Scenario)]) {
    let policy = library.get("qiannan-employee").unwrap();
    for (group, run) in
        [("streaming", stream as fn(&Scenario, &Policy) -> Outcome), ("outcome", |s, p| adjudicate(s, p).unwrap())]
    {
        let mut group = c.benchmark_group(group);
        for (name, scenario) in inputs {
            group.throughput(Throughput::Elements(scenario.visits.len() as u64));
            if scenario.visits.len() > 10_000 {
                group.sample_size(10);
            }
            group.bench_function(BenchmarkId::new(*name, scenario.visits.len()), |b| {
                b.iter(|| run(black_box(scenario), black_box(policy)))
            });
        }
        group.finish();
    }
}

fn main() {
    let started = SystemTime::now();
    let library = Library::bundled().unwrap();
    let inputs = inputs(&library);
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion, &library, &inputs);
    criterion.final_summary();
    // `cargo test --all-targets` runs this once without measuring; only a real run is reported.
    if std::env::args().any(|a| a == "--bench") && !report(&inputs, started) {
        std::process::exit(1);
    }
}

/// Prints visits per second beside the budget from criterion's estimates of this run; false when
/// streaming missed the budget.
fn report(inputs: &[(&str, Scenario)], started: SystemTime) -> bool {
    let dir = std::env::var_os("CRITERION_HOME").map(PathBuf::from).unwrap_or_else(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
        target.join("criterion")
    });
    let mut ok = true;
    println!(
        "\nnative adjudication throughput, one core (budget ≥ {} visits/s, streaming, ≥ {} visits)",
        common::thousands(BUDGET as u64),
        common::thousands(MIN_VISITS as u64)
    );
    for group in ["streaming", "outcome"] {
        for (name, scenario) in inputs {
            let n = scenario.visits.len();
            let file = dir.join(group).join(name).join(n.to_string()).join("new/estimates.json");
            let fresh = std::fs::metadata(&file).and_then(|m| m.modified()).is_ok_and(|t| t >= started);
            let Some(ns) = fresh.then(|| nanoseconds(&file)).flatten() else { continue };
            let per_second = n as f64 / (ns * 1e-9);
            let status = match group {
                "streaming" if n < MIN_VISITS => format!("({:.1} µs a scenario, setting up included)", ns / 1000.0),
                "streaming" if per_second >= BUDGET => "ok".to_owned(),
                "streaming" => {
                    ok = false;
                    format!("MISSED by {:.1}×", BUDGET / per_second)
                }
                _ => "(with texts; no budget)".to_owned(),
            };
            println!(
                "  {group:<9} {name:<13} {n:>6} visits {:>12} visits/s {:>8.0} ns/visit  {status}",
                common::thousands(per_second as u64),
                ns / n as f64
            );
        }
    }
    ok
}

/// Criterion's estimate of the time per iteration: the slope when it fitted one, else the mean.
fn nanoseconds(file: &std::path::Path) -> Option<f64> {
    let estimates: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).ok()?).ok()?;
    let estimate = estimates.get("slope").filter(|s| !s.is_null()).or_else(|| estimates.get("mean"))?;
    estimate.get("point_estimate")?.as_f64()
}
