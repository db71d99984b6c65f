//! Native adjudication throughput (BENCHMARKS.md; budget ≥ 5 million visits per second on one core).
//! `cargo bench --bench adjudicate` prints criterion's time per scenario and the visits per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use outpatient_estimator::pattern::{generate, Pattern};
use outpatient_estimator::{adjudicate, date::parse_date, Lang, Library, Scenario};
use std::hint::black_box;

/// A chronic patient's visits over `years` years under Qiannan's policy, as a scenario.
fn scenario(library: &Library, years: i32) -> Scenario {
    let start = parse_date("2023-01-01", "").unwrap();
    let end = parse_date(&format!("{}-12-31", 2022 + years), "").unwrap();
    let json = format!(r#"{{"policy": "qiannan-employee", "member": "retiree", "lang": "en", "overrides": {{"ratio.pharmacy": "0.70"}}, "period": {{"start": "2023-01-01", "end": "{}-12-31"}}}}"#, 2022 + years);
    let mut scenario = Scenario::from_json(&json, library).unwrap();
    scenario.visits = generate(&Pattern::Chronic { seed: 42 }, start, end);
    scenario.lang = Lang::En;
    scenario
}

fn throughput(c: &mut Criterion) {
    let library = Library::bundled().unwrap();
    let policy = library.get("qiannan-employee").unwrap();
    let mut group = c.benchmark_group("adjudicate");
    for years in [1, 10] {
        let scenario = scenario(&library, years);
        group.throughput(Throughput::Elements(scenario.visits.len() as u64));
        group.bench_function(format!("{years}y-{}visits", scenario.visits.len()), |b| {
            b.iter(|| adjudicate(black_box(&scenario), black_box(policy)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
