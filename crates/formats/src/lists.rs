//! What the public watch-list readers ([`un`](crate::un), [`ofac`](crate::ofac),
//! [`ftm`](crate::ftm)) share: the error that names where a bad entry sits, the summary of an
//! import (how many persons, how many entries skipped and why, which values could not be
//! mapped), the draft a person is gathered into, and the readers of the dates and document
//! numbers these lists write as prose.
//!
//! The lists describe people loosely: "circa 1975", "01 Jan 1960 to 31 Dec 1965",
//! "Diplomatic Passport: Z30321794", "Iran (Islamic Republic of)". portwatch's model wants
//! partial dates, canonical document numbers and ISO codes, so every reader maps what it can
//! and reports what it cannot as a [`ListWarning`], never silently.
//!
//! Date mappings (the same for every list):
//! - an exact date keeps its precision (`1970`, `1970-01`, `1970-01-12`);
//! - an approximate date ("circa 1975", UN `APPROXIMATELY`) becomes the years Y-1, Y and Y+1
//!   at year precision: the list is not sure of the year, so neither is the match;
//! - a range ("1960 to 1965", UN `BETWEEN`) becomes every year of the range at year
//!   precision, or every month when both ends fall in the same year; a range longer than
//!   [`MAX_RANGE_YEARS`] is reported rather than expanded.

use std::collections::BTreeMap;
use std::fmt;

use portwatch_model::{
    AgencyId, CountryCode, DocumentNumber, Identifier, IdentifierKind, ModelError, NameKind,
    Notice, PartialDate, Person, PersonName, RecordBody, RecordContent, Sex, TerrorismItem,
    Visibility,
};

use crate::countries::alpha3_for_name;

/// The longest date-of-birth range, in years, expanded into one date per year.
pub const MAX_RANGE_YEARS: u16 = 30;

/// An entry of a list that could not be read, or a file that could not be read past a point.
///
/// Says where (the file, the line and/or byte offset, the entry's reference when known), which
/// field, and which rule was broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListError {
    /// Which input: `un-xml`, `ofac sdn`, `ofac alt`, `ofac add`, `ftm`.
    pub file: &'static str,
    /// 1-based line of the input, when known.
    pub line: Option<u64>,
    /// 0-based byte offset in the input, when known.
    pub byte: Option<u64>,
    /// The entry's own reference (UN reference number, OFAC entity number, FtM id).
    pub entry: Option<String>,
    /// The field (element, column or property) at fault.
    pub field: String,
    /// What the field should have been.
    pub rule: String,
}

impl ListError {
    pub(crate) fn new(
        file: &'static str,
        field: impl Into<String>,
        rule: impl Into<String>,
    ) -> Self {
        ListError {
            file,
            line: None,
            byte: None,
            entry: None,
            field: field.into(),
            rule: rule.into(),
        }
    }

    pub(crate) fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    pub(crate) fn at_byte(mut self, byte: u64) -> Self {
        self.byte = Some(byte);
        self
    }

    pub(crate) fn in_entry(mut self, entry: impl Into<String>) -> Self {
        self.entry = Some(entry.into());
        self
    }

    /// An entry whose values broke a rule of the model once mapped.
    pub(crate) fn from_model(file: &'static str, e: ModelError) -> Self {
        ListError::new(file, e.field, e.rule)
    }
}

impl fmt::Display for ListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file)?;
        match (self.line, self.byte) {
            (Some(line), Some(byte)) => write!(f, " line {line} (byte {byte})")?,
            (Some(line), None) => write!(f, " line {line}")?,
            (None, Some(byte)) => write!(f, " byte {byte}")?,
            (None, None) => {}
        }
        if let Some(entry) = &self.entry {
            write!(f, ", entry {entry}")?;
        }
        if self.field.is_empty() {
            write!(f, ": {}", self.rule)
        } else {
            write!(f, ": field `{}`: {}", self.field, self.rule)
        }
    }
}

impl std::error::Error for ListError {}

/// A value of an imported person that could not be mapped and was left out; the person was
/// imported without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListWarning {
    /// The entry's reference.
    pub entry: String,
    pub field: String,
    pub value: String,
    pub reason: String,
}

impl fmt::Display for ListWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "entry {}: field `{}`: {:?} left out: {}",
            self.entry, self.field, self.value, self.reason
        )
    }
}

/// Entries of one kind that were not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub count: usize,
    pub reason: &'static str,
}

/// What an import of a list did: persons read, entries skipped by kind, what the persons
/// carried, and every value left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListSummary {
    /// Individuals turned into persons.
    pub individuals: usize,
    /// Individuals that could not be turned into persons (each also yielded as an error).
    pub rejected: usize,
    /// Entries that are not individuals (organisations, vessels, aircraft), by kind.
    pub skipped: BTreeMap<&'static str, Skipped>,
    /// Good-quality aliases of the persons read.
    pub aliases: usize,
    /// Low-quality aliases.
    pub weak_aliases: usize,
    /// Names in their original script.
    pub original_script_names: usize,
    pub birth_dates: usize,
    pub birth_places: usize,
    pub nationalities: usize,
    pub identifiers: usize,
    /// Addresses of the persons read that were not imported (the model keeps no address).
    pub addresses_left_out: usize,
    /// Values left out, with the entry and the reason.
    pub warnings: Vec<ListWarning>,
}

impl ListSummary {
    pub(crate) fn skip(&mut self, kind: &'static str, reason: &'static str) {
        self.skipped
            .entry(kind)
            .or_insert(Skipped { count: 0, reason })
            .count += 1;
    }

    /// Entries skipped, all kinds together.
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().map(|s| s.count).sum()
    }

    pub(crate) fn count_person(&mut self, person: &Person) {
        self.individuals += 1;
        for name in &person.names {
            match name.kind {
                NameKind::Primary => {}
                NameKind::Alias => self.aliases += 1,
                NameKind::WeakAlias => self.weak_aliases += 1,
                NameKind::OriginalScript => self.original_script_names += 1,
            }
        }
        self.birth_dates += person.birth_dates.len();
        self.birth_places += person.birth_places.len();
        self.nationalities += person.nationalities.len();
        self.identifiers += person.identifiers.len();
    }

    /// Counts a built record (or a rejected individual) and keeps the draft's warnings.
    pub(crate) fn record(
        &mut self,
        result: &Result<RecordContent, ListError>,
        warnings: Vec<ListWarning>,
    ) {
        match result {
            Ok(content) => {
                if let RecordBody::Person(p) = &content.body {
                    self.count_person(p);
                }
            }
            Err(_) => self.rejected += 1,
        }
        self.warnings.extend(warnings);
    }
}

impl fmt::Display for ListSummary {
    /// A few lines for a person at a terminal: what was read, what was skipped and why.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} individuals read, {} rejected; {} aliases, {} weak aliases, {} names in \
             original script, {} dates of birth, {} places of birth, {} nationalities, \
             {} identifiers",
            self.individuals,
            self.rejected,
            self.aliases,
            self.weak_aliases,
            self.original_script_names,
            self.birth_dates,
            self.birth_places,
            self.nationalities,
            self.identifiers
        )?;
        for (kind, skipped) in &self.skipped {
            writeln!(f, "skipped {} {kind}: {}", skipped.count, skipped.reason)?;
        }
        if self.addresses_left_out > 0 {
            writeln!(
                f,
                "left out {} addresses: the model keeps no address for a person",
                self.addresses_left_out
            )?;
        }
        write!(
            f,
            "left out {} values that could not be mapped",
            self.warnings.len()
        )
    }
}

/// The longest name the model accepts, in characters.
const MAX_NAME_CHARS: usize = 300;
/// The longest place of birth the model accepts, in characters.
const MAX_PLACE_CHARS: usize = 200;

/// A person being gathered from a list entry, with the values left out along the way.
#[derive(Debug)]
pub(crate) struct PersonDraft {
    pub entry: String,
    pub names: Vec<PersonName>,
    pub birth_dates: Vec<PartialDate>,
    pub birth_places: Vec<String>,
    pub nationalities: Vec<CountryCode>,
    pub sex: Option<Sex>,
    pub identifiers: Vec<Identifier>,
    pub notices: Vec<Notice>,
    pub terrorism_items: Vec<TerrorismItem>,
    pub warnings: Vec<ListWarning>,
}

impl PersonDraft {
    pub fn new(entry: &str) -> Self {
        PersonDraft {
            entry: entry.to_string(),
            names: Vec::new(),
            birth_dates: Vec::new(),
            birth_places: Vec::new(),
            nationalities: Vec::new(),
            sex: None,
            identifiers: Vec::new(),
            notices: Vec::new(),
            terrorism_items: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub fn warn(&mut self, field: &str, value: &str, reason: impl Into<String>) {
        self.warnings.push(ListWarning {
            entry: self.entry.clone(),
            field: field.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        });
    }

    /// Adds a name once: blank names are ignored, and a name already held (in any case) is
    /// not repeated under a weaker kind.
    pub fn add_name(&mut self, field: &str, raw: &str, kind: NameKind) {
        let full = clean_text(raw);
        if full.is_empty() {
            return;
        }
        if full.chars().count() > MAX_NAME_CHARS {
            self.warn(
                field,
                &full,
                format!("longer than {MAX_NAME_CHARS} characters"),
            );
            return;
        }
        let folded = full.to_lowercase();
        if self.names.iter().any(|n| n.full.to_lowercase() == folded) {
            return;
        }
        self.names.push(PersonName { full, kind });
    }

    pub fn add_birth_dates(&mut self, dates: impl IntoIterator<Item = PartialDate>) {
        for date in dates {
            if !self.birth_dates.contains(&date) {
                self.birth_dates.push(date);
            }
        }
    }

    pub fn add_birth_place(&mut self, field: &str, place: &str) {
        let place = clean_text(place);
        if place.is_empty() || self.birth_places.contains(&place) {
            return;
        }
        if place.chars().count() > MAX_PLACE_CHARS {
            self.warn(
                field,
                &place,
                format!("longer than {MAX_PLACE_CHARS} characters"),
            );
            return;
        }
        self.birth_places.push(place);
    }

    /// Adds a nationality given as an English country name; an unknown name is reported.
    pub fn add_nationality(&mut self, field: &str, name: &str) {
        let name = clean_text(name);
        if name.is_empty() {
            return;
        }
        match self.country(field, &name) {
            Some(code) if !self.nationalities.contains(&code) => self.nationalities.push(code),
            _ => {}
        }
    }

    /// The ISO code of a country name, or a warning naming the value.
    pub fn country(&mut self, field: &str, name: &str) -> Option<CountryCode> {
        let found = country_code(name);
        if found.is_none() {
            self.warn(field, name, "not a country name with an ISO 3166-1 code");
        }
        found
    }

    /// Adds a passport, national ID or other number; an unreadable number is reported.
    pub fn add_identifier(
        &mut self,
        field: &str,
        kind: IdentifierKind,
        raw_number: &str,
        country: Option<CountryCode>,
    ) {
        let Some(number) = document_number(raw_number) else {
            self.warn(
                field,
                &clean_text(raw_number),
                "no document number of 1-20 letters or digits found in it",
            );
            return;
        };
        let identifier = Identifier {
            kind,
            number,
            country,
        };
        if !self.identifiers.contains(&identifier) {
            self.identifiers.push(identifier);
        }
    }

    /// Builds the record, checking every rule of the model.
    pub fn into_content(
        self,
        owner: &AgencyId,
        visibility: &Visibility,
    ) -> (Result<RecordContent, ModelError>, Vec<ListWarning>) {
        let person = Person {
            owner_ref: self.entry.clone(),
            names: self.names,
            birth_dates: self.birth_dates,
            birth_places: self.birth_places,
            nationalities: self.nationalities,
            sex: self.sex,
            identifiers: self.identifiers,
            notices: self.notices,
            flags: Vec::new(),
            terrorism_items: self.terrorism_items,
        };
        let content = RecordContent::new(
            owner.clone(),
            visibility.clone(),
            None,
            Some(self.entry),
            RecordBody::Person(person),
        );
        (content, self.warnings)
    }
}

/// Text with its runs of white space (line breaks, tabs) folded into single spaces, trimmed.
pub(crate) fn clean_text(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The ISO code of an English country name.
pub(crate) fn country_code(name: &str) -> Option<CountryCode> {
    alpha3_for_name(name).and_then(|code| CountryCode::parse(code).ok())
}

/// A place of birth written from its parts, the country as its ISO alpha-3 code when known
/// ("Tikrit, Salah al-Din, IRQ"): the model keeps places as text, and the code makes the
/// country unambiguous for a reader and for matching.
pub(crate) fn place_with_country(draft: &mut PersonDraft, field: &str, parts: &[&str]) {
    let mut parts: Vec<String> = parts
        .iter()
        .map(|p| clean_text(p))
        .filter(|p| !p.is_empty())
        .collect();
    // The country is the last part, or the last two when the name has a comma in it
    // ("Pyongyang, Korea, North"). A last part that is no country (a province, a former
    // state) is kept as written: the place is still worth showing.
    let n = parts.len();
    if n >= 2 {
        if let Some(code) = country_code(&format!("{}, {}", parts[n - 2], parts[n - 1])) {
            parts.truncate(n - 2);
            parts.push(code.as_str().to_string());
        }
    }
    if parts.len() == n {
        if let Some(code) = parts.last().and_then(|last| country_code(last)) {
            parts.pop();
            parts.push(code.as_str().to_string());
        }
    }
    if !parts.is_empty() {
        draft.add_birth_place(field, &parts.join(", "));
    }
}

/// Finds the document number in a list's description of a document.
///
/// Lists write numbers with words around them ("Diplomatic Passport: Z30321794",
/// "381420754 (Expired 25 Jan. 2016)", "Afghan passport number OA296623", "PS 472330208"): the
/// number is the first run of tokens that hold a digit, with a short upper-case series prefix
/// ("PS", "D", "TR-P") kept in front of it.
pub(crate) fn document_number(raw: &str) -> Option<DocumentNumber> {
    let tokens: Vec<&str> = raw
        .split(|c: char| c.is_whitespace() || ",;:()[]#\"“”'".contains(c))
        .filter(|t| !t.is_empty())
        .collect();
    let has_digit = |t: &str| t.chars().any(|c| c.is_ascii_digit());
    let is_prefix = |t: &str| {
        (1..=4).contains(&t.len())
            && t.chars().all(|c| c.is_ascii_uppercase() || c == '-')
            && t.chars().any(|c| c.is_ascii_uppercase())
    };
    let start = (0..tokens.len()).find(|&i| {
        has_digit(tokens[i])
            || (is_prefix(tokens[i]) && tokens.get(i + 1).is_some_and(|t| has_digit(t)))
    })?;
    let mut run = vec![tokens[start]];
    for token in &tokens[start + 1..] {
        if has_digit(token) {
            run.push(token);
        } else {
            break;
        }
    }
    DocumentNumber::parse(&run.join(" ")).ok()
}

/// The number of a month written in English ("Jan", "Jan.", "January", "Sept").
pub(crate) fn month_number(word: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&w) || (w == "sept" && *m == "september"))
        .map(|i| i as u8 + 1)
}

/// Reads one date as the lists write it: `1970-01-12`, `1970-01`, `1970`, `12 Jan 1970`,
/// `Jan 1970`, `January 1970`, `Nov. 1973`.
pub(crate) fn prose_date(raw: &str) -> Option<PartialDate> {
    let s = raw.trim().trim_end_matches('.');
    if let Ok(d) = s.parse::<PartialDate>() {
        return Some(d);
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    let year = |w: &str| -> Option<u16> {
        (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
            .then(|| w.parse().ok())
            .flatten()
    };
    match words.as_slice() {
        [m, y] => PartialDate::new(year(y)?, Some(month_number(m)?), None).ok(),
        [d, m, y] if d.len() <= 2 => {
            let day: u8 = d.parse().ok()?;
            PartialDate::new(year(y)?, Some(month_number(m)?), Some(day)).ok()
        }
        _ => None,
    }
}

/// The years around an approximate date: Y-1, Y and Y+1, at year precision.
pub(crate) fn approximate(date: PartialDate) -> Vec<PartialDate> {
    let y = date.year();
    (y.saturating_sub(1)..=y.saturating_add(1))
        .filter_map(|y| PartialDate::new(y, None, None).ok())
        .collect()
}

/// Every year (or, within one year, every month) from `from` to `to`.
pub(crate) fn date_range(from: PartialDate, to: PartialDate) -> Result<Vec<PartialDate>, String> {
    if to < from && to.year() <= from.year() {
        return Err(format!("the range ends ({to}) before it starts ({from})"));
    }
    if from.year() != to.year() {
        let span = to.year() - from.year();
        if span > MAX_RANGE_YEARS {
            return Err(format!(
                "a range of {span} years is too wide to match on (at most {MAX_RANGE_YEARS})"
            ));
        }
        return Ok((from.year()..=to.year())
            .filter_map(|y| PartialDate::new(y, None, None).ok())
            .collect());
    }
    match (from.month(), to.month()) {
        (Some(a), Some(b)) if a < b => Ok((a..=b)
            .filter_map(|m| PartialDate::new(from.year(), Some(m), None).ok())
            .collect()),
        (Some(a), Some(b)) if a == b => {
            if from == to {
                Ok(vec![from])
            } else {
                Ok(PartialDate::new(from.year(), Some(a), None)
                    .into_iter()
                    .collect())
            }
        }
        _ => Ok(PartialDate::new(from.year(), None, None)
            .into_iter()
            .collect()),
    }
}

/// Reads a date-of-birth clause: a date, `circa <date>`, `<date> to <date>`, `YYYY-YYYY`,
/// or `circa` before either range form.
pub(crate) fn birth_clause(raw: &str) -> Result<Vec<PartialDate>, String> {
    let s = clean_text(raw);
    let s = s.trim_end_matches('.');
    let (circa, body) = match s
        .strip_prefix("circa ")
        .or_else(|| s.strip_prefix("Circa "))
    {
        Some(rest) => (true, rest.trim()),
        None => (false, s),
    };
    let unreadable = || "not a date as DD Mon YYYY, Mon YYYY, YYYY or a range of them".to_string();
    let between = body
        .strip_prefix("Between ")
        .or_else(|| body.strip_prefix("between "))
        .and_then(|rest| rest.split_once(" and "));
    let dates = if let Some((a, b)) = between {
        // "Between Aug. and Sep. 1977": the first end may borrow the year of the second.
        let to = prose_date(b).ok_or_else(unreadable)?;
        let from = prose_date(a)
            .or_else(|| PartialDate::new(to.year(), Some(month_number(a)?), None).ok())
            .ok_or_else(unreadable)?;
        date_range(from, to)?
    } else if let Some((a, b)) = body.split_once(" to ") {
        date_range(
            prose_date(a).ok_or_else(unreadable)?,
            prose_date(b).ok_or_else(unreadable)?,
        )?
    } else if let Some(d) = prose_date(body) {
        vec![d]
    } else if let Some((a, b)) = body
        .split_once('-')
        .filter(|(a, b)| a.len() == 4 && b.len() == 4)
    {
        date_range(
            prose_date(a).ok_or_else(unreadable)?,
            prose_date(b).ok_or_else(unreadable)?,
        )?
    } else {
        return Err(unreadable());
    };
    if circa {
        let mut widened: Vec<PartialDate> = Vec::new();
        for d in dates {
            for y in approximate(d) {
                if !widened.contains(&y) {
                    widened.push(y);
                }
            }
        }
        Ok(widened)
    } else {
        Ok(dates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(v: &[PartialDate]) -> Vec<String> {
        v.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn prose_dates_keep_their_precision() {
        assert_eq!(prose_date("12 Jan 1970").unwrap().to_string(), "1970-01-12");
        assert_eq!(prose_date("Nov. 1973").unwrap().to_string(), "1973-11");
        assert_eq!(prose_date("August 1961 ").unwrap().to_string(), "1961-08");
        assert_eq!(prose_date("1958").unwrap().to_string(), "1958");
        assert_eq!(prose_date("1979-03-03").unwrap().to_string(), "1979-03-03");
        for bad in [
            "30 Feb 1970",
            "Jux 1970",
            "30-35 years old",
            "24/06/1402",
            "",
            "12 Jan 70",
        ] {
            assert!(prose_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn birth_clauses_cover_circa_and_ranges() {
        assert_eq!(dates(&birth_clause("10 Dec 1948").unwrap()), ["1948-12-10"]);
        assert_eq!(
            dates(&birth_clause("circa 1975").unwrap()),
            ["1974", "1975", "1976"]
        );
        assert_eq!(
            dates(&birth_clause("01 Jan 1960 to 31 Dec 1962").unwrap()),
            ["1960", "1961", "1962"]
        );
        assert_eq!(
            dates(&birth_clause("Sep 1978 to Nov 1978").unwrap()),
            ["1978-09", "1978-10", "1978-11"]
        );
        assert_eq!(
            dates(&birth_clause("02 Feb 1970 to 28 Feb 1970").unwrap()),
            ["1970-02"]
        );
        assert_eq!(
            dates(&birth_clause("circa 1962-1964").unwrap()),
            ["1961", "1962", "1963", "1964", "1965"]
        );
        assert_eq!(
            dates(&birth_clause("Between Aug. and Sep. 1977").unwrap()),
            ["1977-08", "1977-09"]
        );
        assert!(birth_clause("1970 to 1960").is_err());
        assert!(birth_clause("1900 to 1990")
            .unwrap_err()
            .contains("too wide"));
        assert!(birth_clause("in the sixties").is_err());
    }

    #[test]
    fn document_numbers_are_found_among_words() {
        for (raw, want) in [
            ("Diplomatic Passport: Z30321794", "Z30321794"),
            ("381420754 (Expired 25 Jan. 2016)", "381420754"),
            ("CAR diplomatic passport no. D00000898", "D00000898"),
            ("PS 472330208 ", "PS472330208"),
            ("96 03 464086", "9603464086"),
            ("1-78-09-44621-80", "178094462180"),
            ("Passport TR-P 614 166", "TRP614166"),
            ("R00012098, South Sudan", "R00012098"),
            ("\nOR801168", "OR801168"),
            ("#H0044232", "H0044232"),
        ] {
            assert_eq!(
                document_number(raw)
                    .map(|n| n.as_str().to_string())
                    .as_deref(),
                Some(want),
                "{raw}"
            );
        }
        for raw in ["", "no number given", "N°235/MISPAT/DIRCAB"] {
            assert!(document_number(raw).is_none(), "{raw}");
        }
    }

    #[test]
    fn summaries_say_what_was_skipped_and_why() {
        let mut summary = ListSummary::default();
        summary.skip("entity", "organisations are not persons");
        summary.skip("entity", "organisations are not persons");
        let text = summary.to_string();
        assert!(
            text.contains("skipped 2 entity: organisations are not persons"),
            "{text}"
        );
        assert!(
            text.ends_with("left out 0 values that could not be mapped"),
            "{text}"
        );
    }

    #[test]
    fn errors_name_file_position_entry_and_field() {
        let e = ListError::new("un-xml", "REFERENCE_NUMBER", "must not be empty")
            .at_line(12)
            .at_byte(340)
            .in_entry("QDi.001");
        assert_eq!(
            e.to_string(),
            "un-xml line 12 (byte 340), entry QDi.001: field `REFERENCE_NUMBER`: must not be empty"
        );
    }
}
