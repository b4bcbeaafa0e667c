//! MRZ dates (Doc 9303 Part 3, 4.8): six characters `YYMMDD`, two-digit year. Unknown parts are
//! written as fillers: `74<<<<` is "some day in 1974", `7408<<` "some day in August 1974", and
//! `<<<<<<` an unknown date. The century is not written, so it is inferred against a reference
//! day the caller supplies (this crate never reads the clock): a birth date is the latest
//! reading that is not in the future; an expiry date the reading within fifty years of today.

use std::fmt;

/// A calendar day, used as "today" for century inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Day {
    /// A day, or `None` when it does not exist in the Gregorian calendar.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Day> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Day { year, month, day })
    }
}

/// A date whose month and day may be unknown, as MRZs and police records carry them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
    /// Known only when the month is.
    pub day: Option<u8>,
}

impl fmt::Display for PartialDate {
    /// ISO 8601 with reduced precision: `1974-08-12`, `1974-08` or `1974`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
            if let Some(day) = self.day {
                write!(f, "-{day:02}")?;
            }
        }
        Ok(())
    }
}

impl serde::Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Which date field is read, which decides how its century is inferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    Birth,
    Expiry,
}

/// Why six MRZ characters are not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not `YYMMDD` digits with `<` for unknown trailing parts.
    Malformed,
    /// The month is not 01–12.
    Month(u8),
    /// The day does not exist in that month.
    Day(u8),
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Malformed => f.write_str(
                "is not YYMMDD (digits, with `<` only for an unknown day, month and day, or whole date)",
            ),
            DateError::Month(m) => write!(f, "has month {m:02}, which is not 01-12"),
            DateError::Day(d) => write!(f, "has day {d:02}, which does not exist in that month"),
        }
    }
}

/// Reads a six-character MRZ date. `Ok(None)` is a wholly unknown date (`<<<<<<`).
pub fn parse(field: &[u8], kind: DateKind, today: Day) -> Result<Option<PartialDate>, DateError> {
    if field.len() != 6 {
        return Err(DateError::Malformed);
    }
    let pair = |i: usize| -> Option<u8> {
        let (a, b) = (field[i], field[i + 1]);
        (a.is_ascii_digit() && b.is_ascii_digit()).then(|| (a - b'0') * 10 + (b - b'0'))
    };
    let unknown = |i: usize| field[i] == b'<' && field[i + 1] == b'<';
    if field.iter().all(|&c| c == b'<') {
        return Ok(None);
    }
    let yy = pair(0).ok_or(DateError::Malformed)?;
    let (month, day) = match (pair(2), pair(4)) {
        (Some(m), Some(d)) => (Some(m), Some(d)),
        (Some(m), None) if unknown(4) => (Some(m), None),
        (None, None) if unknown(2) && unknown(4) => (None, None),
        _ => return Err(DateError::Malformed),
    };
    if let Some(m) = month {
        if !(1..=12).contains(&m) {
            return Err(DateError::Month(m));
        }
    }
    let year = infer_century(yy, month, day, kind, today);
    if let (Some(m), Some(d)) = (month, day) {
        if d == 0 || d > days_in_month(year, m) {
            return Err(DateError::Day(d));
        }
    }
    Ok(Some(PartialDate { year, month, day }))
}

/// The full year of a two-digit MRZ year.
fn infer_century(yy: u8, month: Option<u8>, day: Option<u8>, kind: DateKind, today: Day) -> u16 {
    let yy = u16::from(yy);
    let this_century = today.year - today.year % 100;
    match kind {
        DateKind::Birth => {
            // The latest reading that is not after today (known parts compared only).
            let candidate = this_century + yy;
            let after_today = (candidate, month.unwrap_or(1), day.unwrap_or(1))
                > (today.year, today.month, today.day);
            if after_today {
                candidate - 100
            } else {
                candidate
            }
        }
        DateKind::Expiry => {
            // The reading in (today - 50 years, today + 50 years].
            let mut candidate = this_century + yy;
            if candidate > today.year + 50 {
                candidate -= 100;
            } else if candidate + 50 <= today.year {
                candidate += 100;
            }
            candidate
        }
    }
}

/// Days in a month of the Gregorian calendar.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

fn is_leap(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The six MRZ characters of a partial date (unknown parts as fillers).
pub fn encode(date: Option<PartialDate>) -> String {
    match date {
        None => "<<<<<<".to_owned(),
        Some(d) => {
            let mut out = format!("{:02}", d.year % 100);
            match d.month {
                Some(m) => out.push_str(&format!("{m:02}")),
                None => out.push_str("<<"),
            }
            match (d.month, d.day) {
                (Some(_), Some(day)) => out.push_str(&format!("{day:02}")),
                _ => out.push_str("<<"),
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Day = Day {
        year: 2026,
        month: 11,
        day: 28,
    };

    fn birth(s: &str) -> Result<Option<PartialDate>, DateError> {
        parse(s.as_bytes(), DateKind::Birth, TODAY)
    }

    fn expiry(s: &str) -> Result<Option<PartialDate>, DateError> {
        parse(s.as_bytes(), DateKind::Expiry, TODAY)
    }

    fn iso(d: Result<Option<PartialDate>, DateError>) -> String {
        d.unwrap().map(|d| d.to_string()).unwrap_or_default()
    }

    #[test]
    fn birth_dates_are_never_in_the_future() {
        assert_eq!(iso(birth("740812")), "1974-08-12");
        assert_eq!(iso(birth("261128")), "2026-11-28");
        assert_eq!(iso(birth("261129")), "1926-11-29");
        assert_eq!(iso(birth("05<<<<")), "2005");
        assert_eq!(iso(birth("27<<<<")), "1927");
    }

    #[test]
    fn expiry_dates_fall_within_fifty_years() {
        assert_eq!(iso(expiry("120415")), "2012-04-15");
        assert_eq!(iso(expiry("360101")), "2036-01-01");
        assert_eq!(iso(expiry("760101")), "2076-01-01");
        assert_eq!(iso(expiry("770101")), "1977-01-01");
    }

    #[test]
    fn unknown_parts_make_partial_dates() {
        assert_eq!(iso(birth("7408<<")), "1974-08");
        assert_eq!(birth("<<<<<<"), Ok(None));
    }

    #[test]
    fn impossible_dates_are_rejected_with_the_rule() {
        assert_eq!(birth("741312"), Err(DateError::Month(13)));
        assert_eq!(birth("740231"), Err(DateError::Day(31)));
        assert_eq!(birth("000229").map(|d| d.is_some()), Ok(true)); // 2000 was a leap year
        assert_eq!(birth("010229"), Err(DateError::Day(29)));
        assert_eq!(birth("74<<12"), Err(DateError::Malformed));
        assert_eq!(birth("7A0812"), Err(DateError::Malformed));
        assert_eq!(birth("<<0812"), Err(DateError::Malformed));
    }

    #[test]
    fn encoding_round_trips() {
        for s in ["740812", "7408<<", "74<<<<", "<<<<<<"] {
            assert_eq!(encode(birth(s).unwrap()), s);
        }
    }
}
