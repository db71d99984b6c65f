//! Input limits. Each one keeps a hostile or mistyped input from costing unbounded time or memory;
//! all are documented in the README ("Limits").

/// Most visits one scenario may hold (a ten-year daily diary is 3,653).
pub const MAX_VISITS: usize = 20_000;
/// Largest amount of one visit, in yuan.
pub const MAX_AMOUNT_YUAN: i64 = 10_000_000;
/// Earliest and latest supported dates (inclusive), as (year, month, day).
pub const MIN_DATE: (i32, u32, u32) = (1990, 1, 1);
pub const MAX_DATE: (i32, u32, u32) = (2100, 12, 31);
/// Longest period one scenario or pattern may span, in days (about 20 years).
pub const MAX_PERIOD_DAYS: i64 = 7_320;
/// Largest policy file, in bytes.
pub const MAX_POLICY_BYTES: usize = 256 * 1024;
/// Largest scenario text (JSON), in bytes.
pub const MAX_SCENARIO_BYTES: usize = 4 * 1024 * 1024;
/// Largest scenario in a link (the URL fragment, `src/fragment.rs`), in bytes: a year of daily
/// visits fits, and it stays well within what browsers keep in an address.
pub const MAX_FRAGMENT_BYTES: usize = 64 * 1024;
/// Longest text of a single value (an amount, a date, an id).
pub const MAX_FIELD_CHARS: usize = 64;
/// Most overrides one scenario may carry.
pub const MAX_OVERRIDES: usize = 200;
