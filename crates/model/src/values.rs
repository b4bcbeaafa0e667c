//! Small validated values shared by every record: identifiers, country codes, partial dates,
//! free text. Each can only be built through a constructor that checks it, and deserialising
//! goes through the same constructor, so an invalid value cannot exist.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ModelError, Valid};

/// Opaque, time-ordered identifier (UUIDv7) of a record, hit, search, operation or lead.
///
/// Time-ordered so that identifiers sort in creation order and index well; opaque so that no
/// client builds meaning on their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(Uuid);

impl Id {
    /// A new identifier, ordered after every identifier made earlier by this process.
    pub fn generate() -> Self {
        Id(Uuid::now_v7())
    }

    pub fn from_uuid(uuid: Uuid) -> Self {
        Id(uuid)
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for Id {
    type Err = ModelError;
    fn from_str(s: &str) -> Valid<Self> {
        Uuid::parse_str(s.trim())
            .map(Id)
            .map_err(|_| ModelError::new("id", format!("must be a UUID, got {s:?}")))
    }
}

/// ISO 3166-1 alpha-3 country code (`MAR`, `ESP`, `DEU`), the one form used inside portwatch.
///
/// ICAO 9303 codes that are not ISO codes (`D`, `UTO`, `XXA`, `EUE`, `GBD` …) are mapped by the
/// `ident` crate before they reach the model, never guessed here.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 3]);

impl CountryCode {
    /// Accepts an ISO 3166-1 alpha-3 code in any case (`mar` → `MAR`).
    pub fn parse(raw: &str) -> Valid<Self> {
        let code = raw.trim().to_ascii_uppercase();
        if portwatch_ident::country::is_iso_alpha3(&code) {
            let b = code.as_bytes();
            Ok(CountryCode([b[0], b[1], b[2]]))
        } else {
            Err(ModelError::new(
                "",
                format!("must be an ISO 3166-1 alpha-3 country code (e.g. MAR, ESP), got {raw:?}"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for CountryCode {
    type Error = ModelError;
    fn try_from(s: String) -> Valid<Self> {
        CountryCode::parse(&s)
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.as_str().to_string()
    }
}

/// Identifier of an agency: a short slug such as `ncb-rabat` or `bp-tanger-med`.
///
/// Human-readable on purpose: it is written into client certificates, API keys and audit
/// entries, where an operator must recognise it at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgencyId(String);

impl AgencyId {
    pub const MAX_LEN: usize = 64;

    /// 2–64 characters of lower-case ASCII letters, digits and `-`, starting with a letter.
    pub fn parse(raw: &str) -> Valid<Self> {
        let s = raw.trim();
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let starts_with_letter = s.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
        if (2..=Self::MAX_LEN).contains(&s.len()) && ok_chars && starts_with_letter {
            Ok(AgencyId(s.to_string()))
        } else {
            Err(ModelError::new(
                "",
                format!(
                    "must be 2-64 lower-case letters, digits or '-', starting with a letter \
                     (e.g. ncb-rabat), got {raw:?}"
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AgencyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for AgencyId {
    type Error = ModelError;
    fn try_from(s: String) -> Valid<Self> {
        AgencyId::parse(&s)
    }
}

impl From<AgencyId> for String {
    fn from(a: AgencyId) -> String {
        a.0
    }
}

/// A date of which only the year, or the year and month, may be known.
///
/// Dates of birth on watch lists are often partial ("1975", "1975-03"), and an MRZ may carry
/// `<<` for an unknown day or month. Matching treats a partial date as the whole range it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
}

impl PartialDate {
    /// Checks a year (1000–9999), optional month and optional day (only with a month); the day
    /// must exist in that month.
    pub fn new(year: u16, month: Option<u8>, day: Option<u8>) -> Valid<Self> {
        if !(1000..=9999).contains(&year) {
            return Err(ModelError::new(
                "",
                format!("year must be 1000-9999, got {year}"),
            ));
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(ModelError::new("", format!("month must be 1-12, got {m}")));
            }
        }
        match (month, day) {
            (None, Some(_)) => Err(ModelError::new("", "a day needs a month")),
            (Some(m), Some(d)) => {
                let last = days_in_month(year, m);
                if (1..=last).contains(&d) {
                    Ok(PartialDate { year, month, day })
                } else {
                    Err(ModelError::new(
                        "",
                        format!("day must be 1-{last} in {year}-{m:02}, got {d}"),
                    ))
                }
            }
            _ => Ok(PartialDate { year, month, day }),
        }
    }

    pub fn year(&self) -> u16 {
        self.year
    }

    pub fn month(&self) -> Option<u8> {
        self.month
    }

    pub fn day(&self) -> Option<u8> {
        self.day
    }

    pub fn is_full(&self) -> bool {
        self.day.is_some()
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl FromStr for PartialDate {
    type Err = ModelError;

    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    fn from_str(raw: &str) -> Valid<Self> {
        let bad = || {
            ModelError::new(
                "",
                format!("must be a date as YYYY, YYYY-MM or YYYY-MM-DD, got {raw:?}"),
            )
        };
        let parts: Vec<&str> = raw.trim().split('-').collect();
        let number = |s: &str, len: usize| -> Valid<u16> {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        match parts.as_slice() {
            [y] => PartialDate::new(number(y, 4)?, None, None),
            [y, m] => PartialDate::new(number(y, 4)?, Some(number(m, 2)? as u8), None),
            [y, m, d] => PartialDate::new(
                number(y, 4)?,
                Some(number(m, 2)? as u8),
                Some(number(d, 2)? as u8),
            ),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl TryFrom<String> for PartialDate {
    type Error = ModelError;
    fn try_from(s: String) -> Valid<Self> {
        s.parse()
    }
}

impl From<PartialDate> for String {
    fn from(d: PartialDate) -> String {
        d.to_string()
    }
}

/// Checks free text from a user: trimmed, not empty, at most `max` characters, no control
/// characters. Returns the trimmed text.
pub fn text(field: &str, raw: &str, max: usize) -> Valid<String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(ModelError::new(field, "must not be empty"));
    }
    if s.chars().count() > max {
        return Err(ModelError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(ModelError::new(
            field,
            "must not contain control characters (tabs, line breaks …)",
        ));
    }
    Ok(s.to_string())
}

/// Like [`text`], for an optional value: `None` and blank text both become `None`.
pub fn optional_text(field: &str, raw: Option<&str>, max: usize) -> Valid<Option<String>> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => text(field, s, max).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_parse_all_three_precisions() {
        assert_eq!("1975".parse::<PartialDate>().unwrap().to_string(), "1975");
        assert_eq!(
            "1975-03".parse::<PartialDate>().unwrap().to_string(),
            "1975-03"
        );
        let full: PartialDate = "2000-02-29".parse().unwrap();
        assert!(full.is_full());
        assert_eq!(full.day(), Some(29));
    }

    #[test]
    fn impossible_dates_are_rejected_with_the_rule() {
        for bad in [
            "1975-13",
            "1975-02-29",
            "1900-02-29",
            "75",
            "1975-3",
            "1975-03-1",
            "",
            "abcd",
            "1975-04-31",
            "0999",
        ] {
            let err = bad.parse::<PartialDate>().unwrap_err();
            assert!(!err.rule.is_empty(), "{bad}");
        }
        let err = "2001-02-29".parse::<PartialDate>().unwrap_err();
        assert!(err.rule.contains("1-28"), "{err}");
    }

    #[test]
    fn partial_dates_order_by_year_then_month() {
        let a: PartialDate = "1975".parse().unwrap();
        let b: PartialDate = "1975-01".parse().unwrap();
        let c: PartialDate = "1976".parse().unwrap();
        assert!(a < b && b < c);
    }

    #[test]
    fn country_codes_are_iso_alpha3_only() {
        assert_eq!(CountryCode::parse("mar").unwrap().as_str(), "MAR");
        for bad in ["MA", "D", "UTO", "XXA", "ZZZ", "", "MARO"] {
            assert!(CountryCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn country_codes_round_trip_through_json() {
        let c = CountryCode::parse("TUN").unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, "\"TUN\"");
        assert_eq!(serde_json::from_str::<CountryCode>(&json).unwrap(), c);
        assert!(serde_json::from_str::<CountryCode>("\"XYZ\"").is_err());
    }

    #[test]
    fn agency_ids_are_readable_slugs() {
        assert!(AgencyId::parse("ncb-rabat").is_ok());
        assert!(AgencyId::parse("bp-tanger-med").is_ok());
        for bad in ["", "a", "NCB", "ncb rabat", "-ncb", "1ncb", "ncb_rabat"] {
            assert!(AgencyId::parse(bad).is_err(), "{bad}");
        }
        assert!(AgencyId::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn ids_are_time_ordered() {
        let a = Id::generate();
        let b = Id::generate();
        assert!(a < b);
        assert_eq!(a.to_string().parse::<Id>().unwrap(), a);
    }

    #[test]
    fn text_is_trimmed_and_checked() {
        assert_eq!(text("name", "  Rabat ", 10).unwrap(), "Rabat");
        assert_eq!(text("name", "   ", 10).unwrap_err().field, "name");
        assert!(text("name", "a\nb", 10).is_err());
        assert!(text("name", "abcdefghijk", 10).is_err());
        assert_eq!(optional_text("x", Some("  "), 5).unwrap(), None);
    }
}
