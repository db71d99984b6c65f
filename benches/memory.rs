//! Memory of streaming adjudication (BENCHMARKS.md; budget: flat as visits grow).
//!
//! `cargo bench --bench memory` streams 10,000, 100,000 and 1,000,000 visits over the same ten
//! years through [`Adjudicator`] (made up one at a time, never stored) and counts, with a counting
//! allocator, the most heap in use at once and the allocations made. The budget holds when the
//! peak for a million visits is no more than for ten thousand. For comparison it also measures
//! [`adjudicate`], whose outcome holds every visit with its texts (the page's path; no budget).
//! Without `--bench` (as `cargo test --all-targets` runs it) the sizes are a hundred times smaller.

mod common;

use outpatient_estimator::adjudicate::Adjudicator;
use outpatient_estimator::{adjudicate, Library, Scenario};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The system allocator, counting the bytes in use, their peak and the allocations.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        IN_USE.fetch_sub(layout.size(), Relaxed);
        grow(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn grow(size: usize) {
    let now = IN_USE.fetch_add(size, Relaxed) + size;
    PEAK.fetch_max(now, Relaxed);
    ALLOCATIONS.fetch_add(1, Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The peak heap in use while `run` runs, above what was in use before, and the allocations made.
fn measure(run: impl FnOnce()) -> (usize, usize) {
    let before = IN_USE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let allocations = ALLOCATIONS.load(Relaxed);
    run();
    (PEAK.load(Relaxed) - before, ALLOCATIONS.load(Relaxed) - allocations)
}

const DAYS: u64 = 3653; // 2023–2032

fn main() {
    let scale = if std::env::args().any(|a| a == "--bench") { 1 } else { 100 };
    let library = Library::bundled().expect("bundled policies load");
    let policy = library.get("qiannan-employee").expect("bundled policy");
    let scenario = common::scenario(&library, 10);

    println!("memory of streaming adjudication, ten years (budget: flat as visits grow)");
    let mut peaks = Vec::new();
    for count in [10_000, 100_000, 1_000_000].map(|n| n / scale) {
        let (peak, allocations) = measure(|| {
            let mut adjudicator = Adjudicator::new(&scenario, policy);
            for (index, visit) in common::visits(count, DAYS).enumerate() {
                black_box(adjudicator.visit(index, &visit).expect("adjudicates"));
            }
            black_box(adjudicator.finish::<()>().expect("adjudicates"));
        });
        println!(
            "  {:>9} visits: peak heap {:>7} bytes, {:>4} allocations",
            common::thousands(count),
            common::thousands(peak as u64),
            allocations
        );
        peaks.push((count, peak));
    }

    println!("outcome with texts (no budget; it holds every visit, so it grows with them)");
    for count in [1_000, 10_000, 20_000].map(|n| n / scale) {
        let scenario = Scenario { visits: common::visits(count, DAYS).collect(), ..scenario.clone() };
        let (peak, _) = measure(|| drop(black_box(adjudicate(&scenario, policy).expect("adjudicates"))));
        println!(
            "  {:>9} visits: peak heap {:>11} bytes, {:>6} bytes a visit",
            common::thousands(count),
            common::thousands(peak as u64),
            common::thousands((peak as u64) / count)
        );
    }

    let ((fewest, low), (most, high)) = (peaks[0], peaks[peaks.len() - 1]);
    let flat = high <= low;
    println!(
        "streaming: peak at {} visits {} bytes, at {} visits {} bytes: {}",
        common::thousands(most),
        common::thousands(high as u64),
        common::thousands(fewest),
        common::thousands(low as u64),
        if flat { "flat, ok" } else { "GROWS: budget missed" }
    );
    if !flat {
        std::process::exit(1);
    }
}
