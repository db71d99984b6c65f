//! Exact money and ratios: parsing user text, half-up rounding to the fen, two-decimal output.

use crate::error::{Error, ErrorKind, Result};
use crate::limits::MAX_AMOUNT_YUAN;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};
use std::borrow::Cow;

/// Rounds to the fen, half up (四舍五入): 0.005 becomes 0.01. Amounts here are never negative,
/// where "away from zero" and "up" agree.
pub fn round_fen(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Reads a decimal as people type it: surrounding spaces, full-width digits (１２３．５),
/// a leading ¥ and thousands separators (1,200.50) are accepted; exponents and signs other than
/// a leading minus are not. A minus sign is reported as [`ErrorKind::Negative`] when `negative_ok`
/// is false.
pub fn parse_decimal(text: &str, field: impl Into<String> + Copy, negative_ok: bool) -> Result<Decimal> {
    match plain_decimal(text) {
        Some(value) => Ok(value),
        None => parse_written_decimal(text, field, negative_ok),
    }
}

/// What the page sends, read in one pass: ASCII digits with at most one point, and at most 18
/// digits (an i64). Anything else (spaces, a sign, grouping, full-width digits, an error) is left
/// to `parse_written_decimal`, which gives the same value for what both read.
fn plain_decimal(text: &str) -> Option<Decimal> {
    let (mut mantissa, mut digits, mut scale, mut point) = (0i64, 0, 0, false);
    for b in text.bytes() {
        match b {
            b'0'..=b'9' if digits < 18 => {
                mantissa = mantissa * 10 + i64::from(b - b'0');
                digits += 1;
                scale += u32::from(point);
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    (digits > 0).then(|| Decimal::new(mantissa, scale))
}

fn parse_written_decimal(text: &str, field: impl Into<String> + Copy, negative_ok: bool) -> Result<Decimal> {
    let not_a_number = || Error::new(field, ErrorKind::NotANumber { example: "1200.50" });
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Error::new(field, ErrorKind::Missing));
    }
    // What the page sends is plain ASCII, read without copying; full-width text is made ASCII first.
    let normal: Cow<str> = if trimmed.is_ascii() {
        Cow::Borrowed(trimmed)
    } else {
        Cow::Owned(
            trimmed
                .chars()
                .map(|c| match c {
                    '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                    '．' => '.',
                    '－' => '-',
                    other => other,
                })
                .collect(),
        )
    };
    let unsigned = normal.strip_prefix(['¥', '￥']).unwrap_or(&normal).trim_start();
    let (negative, digits) = match unsigned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, unsigned),
    };
    let digits = without_grouping(digits).ok_or_else(not_a_number)?;
    let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(not_a_number());
    }
    // 28 significant digits is rust_decimal's reach; far beyond any limit checked later.
    if whole.len() + fraction.len() > 28 {
        return Err(Error::new(field, ErrorKind::AmountTooLarge));
    }
    // Built from the digits directly: rust_decimal's own parser (exponents and all) is large in
    // the wasm. The digits fit: at most 28, and rust_decimal's mantissa holds 28 nines.
    let mantissa = whole.bytes().chain(fraction.bytes()).fold(0i128, |m, b| m * 10 + i128::from(b - b'0'));
    let value = Decimal::try_from_i128_with_scale(mantissa, fraction.len() as u32).map_err(|_| not_a_number())?;
    match negative && !value.is_zero() {
        true if !negative_ok => Err(Error::new(field, ErrorKind::Negative)),
        true => Ok(-value),
        false => Ok(value),
    }
}

/// Removes thousands separators when they group the whole part by threes ("1,200,000.5").
fn without_grouping(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains(',') {
        return Some(Cow::Borrowed(text));
    }
    let whole = text.split('.').next().unwrap_or("");
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    let grouped = (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3);
    grouped.then(|| Cow::Owned(text.replace(',', "")))
}

/// An amount of money in yuan: not negative, at most two decimals, at most the limit.
pub fn parse_amount(text: &str, field: impl Into<String> + Copy) -> Result<Decimal> {
    let value = parse_decimal(text, field, false)?;
    // "12.300" has two decimals; checked only when written with more, as normalizing divides.
    if value.scale() > 2 && value.normalize().scale() > 2 {
        return Err(Error::new(field, ErrorKind::TooManyDecimals));
    }
    if value > Decimal::from(MAX_AMOUNT_YUAN) {
        return Err(Error::new(field, ErrorKind::AmountTooLarge));
    }
    Ok(value)
}

/// A ratio between 0 and 1, written as a fraction ("0.70") or a percentage ("70%").
pub fn parse_ratio(text: &str, field: impl Into<String> + Copy) -> Result<Decimal> {
    let value = parse_fraction_or_percent(text, field, false, "0.70")?;
    if value > Decimal::ONE {
        return Err(Error::new(field, ErrorKind::RatioOutOfRange));
    }
    Ok(value)
}

/// An adjustment in percentage points, as a fraction ("0.05") or in points ("5%"); -1 to 1.
pub fn parse_points(text: &str, field: impl Into<String> + Copy) -> Result<Decimal> {
    let value = parse_fraction_or_percent(text, field, true, "0.05")?;
    if value.abs() > Decimal::ONE {
        return Err(Error::new(field, ErrorKind::PointsOutOfRange));
    }
    Ok(value)
}

/// `example`: a fraction of the kind the field takes, for the message when it is not a number.
fn parse_fraction_or_percent(
    text: &str,
    field: impl Into<String> + Copy,
    negative_ok: bool,
    example: &'static str,
) -> Result<Decimal> {
    let trimmed = text.trim();
    let value = match trimmed.strip_suffix(['%', '％']) {
        // A "%" alone is not a number, where nothing at all is a missing one.
        Some("") => Err(Error::new(field, ErrorKind::NotANumber { example })),
        Some(number) => parse_decimal(number, field, negative_ok).map(percent_as_fraction),
        None => parse_decimal(trimmed, field, negative_ok),
    };
    value.map_err(|e| e.with_example(example))
}

/// A percentage as a fraction, exactly: the same digits, the point two places to the left ("65.5"
/// → 0.655). No division: a decimal division is 3 K of wasm. A number with more than 26 decimals
/// is rounded half away from zero to 26 first, as a decimal holds at most 28.
fn percent_as_fraction(mut number: Decimal) -> Decimal {
    if number.scale() > 26 {
        number = number.round_dp_with_strategy(26, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    }
    // Cannot fail: the scale is at most 26 here, and a decimal may have 28.
    let _ = number.set_scale(number.scale() + 2);
    number
}

/// Money as it is shown and serialized: always exactly two decimals ("1200.50").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Yuan(pub Decimal);

impl std::fmt::Display for Yuan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Whole fen are written with integers: decimal formatting costs more than the rest of a
        // recalculation (BENCHMARKS.md). Either way the text is the same.
        let text = match Fen::from_yuan(self.0) {
            Some(Fen(fen)) => {
                let sign = if fen < 0 { "-" } else { "" };
                format!("{sign}{}.{:02}", fen.unsigned_abs() / 100, fen.unsigned_abs() % 100)
            }
            None => {
                let mut value = round_fen(self.0);
                value.rescale(2);
                value.to_string()
            }
        };
        f.pad(&text)
    }
}

impl Serialize for Yuan {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A ratio as shown and serialized: at least two decimals ("0.70", "0.655").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ratio(pub Decimal);

impl std::fmt::Display for Ratio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Written from the mantissa with integers, as Yuan is: the same text, faster. In 64 bits
        // (every ratio of up to 19 digits): formatting a 128-bit number is 1.4 K more of wasm.
        let mut value = self.0.normalize();
        let scale = value.scale().max(2);
        let digits = value.mantissa().unsigned_abs() * 10u128.pow(scale - value.scale());
        let (Ok(digits), Some(unit)) = (u64::try_from(digits), 10u64.checked_pow(scale)) else {
            value.rescale(scale);
            return f.pad(&value.to_string());
        };
        let sign = if value.is_sign_negative() && !value.is_zero() { "-" } else { "" };
        let text = format!("{sign}{}.{:0width$}", digits / unit, digits % unit, width = scale as usize);
        f.pad(&text)
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Money as a whole number of fen (分, 0.01 yuan): the adjudication's arithmetic, exact and many
/// times faster than decimals. Every amount the estimator takes has at most two decimals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// An amount in yuan as fen; `None` when it has more than two decimals or is out of range.
    pub fn from_yuan(yuan: Decimal) -> Option<Fen> {
        let mantissa = yuan.mantissa();
        let fen = match yuan.scale() {
            0 => mantissa * 100,
            1 => mantissa * 10,
            2 => mantissa,
            scale => {
                let unit = 10i128.pow(scale - 2);
                (mantissa % unit == 0).then_some(mantissa / unit)?
            }
        };
        i64::try_from(fen).ok().map(Fen)
    }

    pub fn yuan(self) -> Yuan {
        Yuan(Decimal::new(self.0, 2))
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `self` as a share of `whole`, rounded half away from zero to four decimals; `None` when
    /// `whole` is zero. In whole numbers: a decimal division is 3 K of wasm.
    pub fn share(self, whole: Fen) -> Option<Decimal> {
        if whole.is_zero() {
            return None;
        }
        let (part, whole) = (i128::from(self.0) * 10_000, i128::from(whole.0));
        let rounded = (2 * part.abs() + whole.abs()) / (2 * whole.abs());
        let signed = if (part < 0) != (whole < 0) { -rounded } else { rounded };
        Decimal::try_from_i128_with_scale(signed, 4).ok()
    }

    /// This amount times `ratio` (0 to 1), rounded half up to the fen: [`round_fen`] of the product.
    /// In whole numbers where the decimal product is exact (ratios of up to 19 digits), otherwise
    /// in decimals, so the result is the same either way.
    pub fn times(self, ratio: Decimal) -> Fen {
        let (mantissa, scale) = (ratio.mantissa(), ratio.scale());
        let product = i128::from(self.0).checked_mul(mantissa).filter(|p| p.unsigned_abs() < 1 << 96 && scale <= 26);
        let Some(product) = product else {
            return Fen::from_yuan(round_fen(self.yuan().0 * ratio)).unwrap_or(self);
        };
        let unit = 10i128.pow(scale);
        let (whole, rest) = (product / unit, product % unit);
        let away = i128::from(2 * rest.abs() >= unit) * product.signum();
        Fen((whole + away) as i64) // |ratio| ≤ 1, so it fits
    }
}

impl std::ops::Add for Fen {
    type Output = Fen;
    fn add(self, other: Fen) -> Fen {
        Fen(self.0 + other.0)
    }
}

impl std::ops::Sub for Fen {
    type Output = Fen;
    fn sub(self, other: Fen) -> Fen {
        Fen(self.0 - other.0)
    }
}

impl std::ops::AddAssign for Fen {
    fn add_assign(&mut self, other: Fen) {
        self.0 += other.0;
    }
}

impl std::ops::SubAssign for Fen {
    fn sub_assign(&mut self, other: Fen) {
        self.0 -= other.0;
    }
}

/// A ratio as a percentage for prose: 0.7 → "70%", 0.655 → "65.5%".
pub fn percent(ratio: Decimal) -> String {
    format!("{}%", (ratio * Decimal::ONE_HUNDRED).normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A share in whole numbers is the decimal quotient rounded half away from zero, as it was
        /// computed before (with a decimal division the wasm no longer carries).
        #[test]
        fn a_share_is_the_rounded_decimal_quotient(part in -(10i64.pow(14))..10i64.pow(14), whole in -(10i64.pow(14))..10i64.pow(14)) {
            let expected = (whole != 0).then(|| (Decimal::from(part) / Decimal::from(whole)).round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero));
            proptest::prop_assert_eq!(Fen(part).share(Fen(whole)), expected);
        }

        /// A percentage is the number divided by a hundred, exactly, for every number of up to 26
        /// decimals (rust_decimal's division is exact there too).
        #[test]
        fn a_percentage_is_its_number_over_a_hundred(mantissa in proptest::num::i64::ANY, scale in 0u32..=26) {
            let number = Decimal::new(mantissa, scale);
            proptest::prop_assert_eq!(percent_as_fraction(number), number / Decimal::ONE_HUNDRED);
        }

        /// The integer formatting writes exactly what rust_decimal's own formatting wrote.
        #[test]
        fn integer_formatting_is_decimal_formatting(mantissa in proptest::num::i64::ANY, scale in 0u32..=12) {
            let value = Decimal::new(mantissa, scale);
            let mut money = round_fen(value);
            money.rescale(2);
            proptest::prop_assert_eq!(Yuan(value).to_string(), money.to_string());
            proptest::prop_assert_eq!(serde_json::to_string(&Yuan(value)).unwrap(), format!("\"{money}\""));
            let mut ratio = value.normalize();
            if ratio.scale() < 2 {
                ratio.rescale(2);
            }
            proptest::prop_assert_eq!(Ratio(value).to_string(), ratio.to_string());
        }

        /// A ratio of any width (up to 28 digits, at most 10 before the point, up to 28 decimals) is
        /// written with all its digits and at least two decimals, in 64 bits where it fits and by
        /// rust_decimal where not: as the 128-bit formatting it replaced wrote it.
        #[test]
        fn a_ratio_is_written_with_all_its_digits(mantissa in -(10i128.pow(28) - 1)..10i128.pow(28), scale in 18u32..=28) {
            let value = Decimal::from_i128_with_scale(mantissa, scale).normalize();
            let scale = value.scale().max(2);
            let digits = value.mantissa().unsigned_abs() * 10u128.pow(scale - value.scale());
            let sign = if value.is_sign_negative() && !value.is_zero() { "-" } else { "" };
            let unit = 10u128.pow(scale);
            let expected = format!("{sign}{}.{:0width$}", digits / unit, digits % unit, width = scale as usize);
            proptest::prop_assert_eq!(Ratio(value).to_string(), expected);
        }

        /// Reading digits gives the decimal rust_decimal writes, as typed and in full-width digits.
        #[test]
        fn reads_what_decimal_writes(mantissa in proptest::num::i64::ANY, scale in 0u32..=12) {
            let value = Decimal::new(mantissa, scale);
            let text = value.to_string();
            proptest::prop_assert_eq!(parse_decimal(&text, "f", true).unwrap(), value);
            let wide: String = text.chars().map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
                '.' => '．',
                c => c,
            }).collect();
            proptest::prop_assert_eq!(parse_decimal(&wide, "f", true).unwrap(), value);
        }

        /// The one-pass reading of plain digits gives what the general reading gives, scale and all.
        #[test]
        fn plain_digits_read_as_written(text in "[0-9.]{0,24}") {
            if let Some(value) = plain_decimal(&text) {
                let written = parse_written_decimal(&text, "f", false).unwrap();
                proptest::prop_assert_eq!((value.mantissa(), value.scale()), (written.mantissa(), written.scale()));
            } else {
                let dots = text.matches('.').count();
                let digits = text.len() - dots;
                proptest::prop_assert!(dots > 1 || digits == 0 || digits > 18, "{text:?} is plain");
            }
        }
    }

    #[test]
    fn money_and_ratios_are_written_as_before() {
        let text = |d: &str| Yuan(d.parse().unwrap()).to_string();
        assert_eq!(
            [text("0"), text("1.5"), text("-2.05"), text("1200.50"), text("10000000"), text("1.005")],
            ["0.00", "1.50", "-2.05", "1200.50", "10000000.00", "1.01"]
        );
        let ratio = |d: &str| Ratio(d.parse().unwrap()).to_string();
        assert_eq!(
            [ratio("0.7"), ratio("0.655"), ratio("1"), ratio("0"), ratio("-0.05"), ratio("0.1000")],
            ["0.70", "0.655", "1.00", "0.00", "-0.05", "0.10"]
        );
        assert_eq!(ratio("0.1234567890123456789012345678"), "0.1234567890123456789012345678");
        assert_eq!(
            format!("{:>8}|{:<6}|", Yuan("3.1".parse().unwrap()), Ratio("0.5".parse().unwrap())),
            "    3.10|0.50  |"
        );
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn rounds_half_up_to_the_fen() {
        assert_eq!(round_fen(d("0.005")), d("0.01"));
        assert_eq!(round_fen(d("0.015")), d("0.02"));
        assert_eq!(round_fen(d("0.0149")), d("0.01"));
        assert_eq!(round_fen(d("12.345")), d("12.35"));
    }

    #[test]
    fn reads_amounts_as_people_type_them() {
        assert_eq!(parse_amount("300", "f").unwrap(), d("300"));
        assert_eq!(parse_amount(" ¥1,200.50 ", "f").unwrap(), d("1200.50"));
        assert_eq!(parse_amount("１２３．５", "f").unwrap(), d("123.5"));
        assert_eq!(parse_amount(".5", "f").unwrap(), d("0.5"));
    }

    #[test]
    fn a_number_that_is_not_one_is_told_with_an_example_of_its_kind() {
        let message = |e: Error| e.message(crate::i18n::Lang::En);
        assert!(message(parse_amount("abc", "f").unwrap_err()).contains("write it like 1200.50"));
        assert!(message(parse_ratio("abc", "f").unwrap_err()).contains("write it like 0.70"));
        assert!(message(parse_ratio("%", "f").unwrap_err()).contains("write it like 0.70"));
        assert!(message(parse_ratio("x%", "f").unwrap_err()).contains("write it like 0.70"));
        assert!(message(parse_points("abc", "f").unwrap_err()).contains("write it like 0.05"));
        assert_eq!(parse_ratio("", "f").unwrap_err().code(), "missing");
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        let code = |t: &str| parse_amount(t, "visits[0].amount").unwrap_err().code();
        assert_eq!(code(""), "missing");
        assert_eq!(code(" "), "missing");
        assert_eq!(code("abc"), "not_a_number");
        assert_eq!(code("1e3"), "not_a_number");
        assert_eq!(code("1,20"), "not_a_number");
        assert_eq!(code("1.2.3"), "not_a_number");
        assert_eq!(code("-5"), "negative");
        assert_eq!(code("1.005"), "too_many_decimals");
        assert_eq!(code("10000000.01"), "amount_too_large");
        assert_eq!(code("99999999999999999999999999999"), "amount_too_large");
        assert_eq!(parse_amount("x", "visits[0].amount").unwrap_err().field, "visits[0].amount");
    }

    #[test]
    fn reads_ratios_and_points() {
        assert_eq!(parse_ratio("0.70", "f").unwrap(), d("0.7"));
        assert_eq!(parse_ratio("65%", "f").unwrap(), d("0.65"));
        assert_eq!(parse_ratio("1.2", "f").unwrap_err().code(), "ratio_out_of_range");
        assert_eq!(parse_ratio("-0.1", "f").unwrap_err().code(), "negative");
        assert_eq!(parse_points("-0.10", "f").unwrap(), d("-0.1"));
        assert_eq!(parse_points("5%", "f").unwrap(), d("0.05"));
        assert_eq!(parse_points("2", "f").unwrap_err().code(), "points_out_of_range");
    }

    #[test]
    fn shows_money_with_two_decimals_and_ratios_with_at_least_two() {
        assert_eq!(Yuan(d("5")).to_string(), "5.00");
        assert_eq!(Yuan(d("1200.5")).to_string(), "1200.50");
        assert_eq!(Ratio(d("0.7")).to_string(), "0.70");
        assert_eq!(Ratio(d("0.655")).to_string(), "0.655");
        assert_eq!(Ratio(d("1")).to_string(), "1.00");
        assert_eq!(percent(d("0.655")), "65.5%");
    }

    #[test]
    fn fen_are_exact_and_round_as_decimals_do() {
        assert_eq!(Fen::from_yuan(d("12.3")), Some(Fen(1230)));
        assert_eq!(Fen::from_yuan(d("12.300")), Some(Fen(1230)));
        assert_eq!(Fen::from_yuan(d("12.305")), None);
        assert_eq!(Fen(1230).yuan().to_string(), "12.30");
        for (fen, ratio) in [
            (1001, "0.5"),
            (1, "0.5"),
            (3, "0.655"),
            (15_001, "0.655"),
            (99_999, "0.123456789012345678901234567"),
            (7, "1"),
            (7, "0"),
        ] {
            let decimal = round_fen(Decimal::new(fen, 2) * d(ratio));
            assert_eq!(Fen(fen).times(d(ratio)).yuan().0, decimal, "{fen} fen × {ratio}");
        }
    }
}
