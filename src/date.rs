//! Dates: strict `YYYY-MM-DD` input within the supported range.

use crate::error::{Error, ErrorKind, Result};
use crate::limits::{MAX_DATE, MIN_DATE};
use chrono::{Datelike, NaiveDate};

pub fn parse_date(text: &str, field: impl Into<String> + Copy) -> Result<NaiveDate> {
    let not_a_date = || Error::new(field, ErrorKind::NotADate);
    if text.trim().is_empty() {
        return Err(Error::new(field, ErrorKind::Missing));
    }
    let mut parts = text.trim().split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(not_a_date());
    };
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
    };
    let (Some(year), Some(month), Some(day)) = (number(y, 4), number(m, 2), number(d, 2)) else {
        return Err(not_a_date());
    };
    let date =
        NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(|| Error::new(field, ErrorKind::ImpossibleDate))?;
    // Compared as numbers: making the two limits into dates for every visit would cost more.
    if (year as i32, month, day) < MIN_DATE || (year as i32, month, day) > MAX_DATE {
        return Err(Error::new(field, ErrorKind::DateOutOfRange));
    }
    Ok(date)
}

fn ymd((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// 1 January of `year`.
pub fn new_year(year: i32) -> NaiveDate {
    ymd((year, 1, 1))
}

/// 31 December of `year`.
pub fn year_end(year: i32) -> NaiveDate {
    ymd((year, 12, 31))
}

/// The date as `YYYY-MM-DD`.
pub fn iso(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strict_iso_dates() {
        assert_eq!(iso(parse_date("2023-03-05", "d").unwrap()), "2023-03-05");
        assert_eq!(parse_date(" 2024-02-29 ", "d").unwrap().day(), 29);
    }

    #[test]
    fn names_what_is_wrong_with_a_date() {
        let code = |t: &str| parse_date(t, "visits[1].date").unwrap_err().code();
        assert_eq!(code("2023-02-30"), "impossible_date");
        assert_eq!(code("2023-13-01"), "impossible_date");
        assert_eq!(code("2023-3-5"), "not_a_date");
        assert_eq!(code("15/03/2023"), "not_a_date");
        assert_eq!(code("2023-03-05T00:00"), "not_a_date");
        assert_eq!(code(""), "missing", "an empty date is one not given");
        assert_eq!(code("  "), "missing");
        assert_eq!(code("1989-12-31"), "date_out_of_range");
        assert_eq!(code("2101-01-01"), "date_out_of_range");
    }
}
