//! Machine-readable zones of travel documents (ICAO Doc 9303, 8th edition).
//!
//! An MRZ is two or three lines of OCR-B text in a 37-character alphabet: `A`–`Z`, `0`–`9`
//! and the filler `<`. Five layouts exist:
//!
//! | format | lines | used on | composite check digit over |
//! |--------|-------|---------|----------------------------|
//! | TD1    | 3 × 30 | ID cards | line 1 pos. 6–30, line 2 pos. 1–7, 9–15, 19–29 |
//! | TD2    | 2 × 36 | ID cards, official documents | line 2 pos. 1–10, 14–20, 22–35 |
//! | TD3    | 2 × 44 | passports | line 2 pos. 1–10, 14–20, 22–43 |
//! | MRV-A  | 2 × 44 | visas | none |
//! | MRV-B  | 2 × 36 | visas | none |
//!
//! Every layout carries a document code (`P`, `I`, `A`, `C`, `V` and a state-defined second
//! letter), the issuing state and the holder's nationality (three-letter ICAO codes, see
//! [`crate::country`]), the name (see [`name`]), the document number with its check digit,
//! the dates of birth and expiry with theirs (see [`date`]), the sex (`M`, `F`, or `<` for
//! unspecified) and optional data. Check digits use weights 7-3-1 (see [`check_digit`]).
//! A TD3's optional data is the personal number, with its own check digit that may be `<` or
//! `0` when the number is empty. On TD1 and TD2, a document number longer than nine
//! characters puts its first nine in the number field, a `<` where its check digit would be,
//! and continues in the optional data: the remaining characters, the check digit, then `<`.
//!
//! [`parse`] reads an MRZ, reports every field and every check digit on its own, and when
//! something is wrong suggests OCR repairs (see [`repair`]): `0`/`O`, `1`/`I`, `5`/`S`,
//! `8`/`B`, `2`/`Z`, `6`/`G` swapped where a field's rules make one impossible, and swaps
//! in the document number and optional data that make every check digit pass.
//! [`MrzBuilder`] writes an MRZ from fields.

pub mod build;
pub mod check_digit;
pub mod date;
mod layout;
pub mod name;
pub mod repair;

use std::fmt;

use serde::Serialize;

pub use build::{BuildError, MrzBuilder};
pub use date::{Day, PartialDate};
use layout::Layout;
pub use repair::{Change, Repair};

/// The five MRZ layouts of Doc 9303.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub enum Format {
    #[serde(rename = "TD1")]
    Td1,
    #[serde(rename = "TD2")]
    Td2,
    #[default]
    #[serde(rename = "TD3")]
    Td3,
    #[serde(rename = "MRVA")]
    MrvA,
    #[serde(rename = "MRVB")]
    MrvB,
}

impl Format {
    /// The name used in JSON and messages: `TD1`, `TD2`, `TD3`, `MRVA`, `MRVB`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Td1 => "TD1",
            Format::Td2 => "TD2",
            Format::Td3 => "TD3",
            Format::MrvA => "MRVA",
            Format::MrvB => "MRVB",
        }
    }

    /// Characters per line.
    pub fn line_len(self) -> usize {
        Layout::of(self).line_len
    }

    /// Number of lines.
    pub fn line_count(self) -> usize {
        Layout::of(self).line_count
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The holder's sex as the MRZ states it (`<` is unspecified and reads as `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Sex {
    M,
    F,
}

/// The field a check digit protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckField {
    DocumentNumber,
    BirthDate,
    ExpiryDate,
    /// The TD3 personal number (optional data).
    OptionalData,
    Composite,
}

impl CheckField {
    pub fn name(self) -> &'static str {
        match self {
            CheckField::DocumentNumber => "document_number",
            CheckField::BirthDate => "birth_date",
            CheckField::ExpiryDate => "expiry_date",
            CheckField::OptionalData => "optional_data",
            CheckField::Composite => "composite",
        }
    }
}

/// One check digit: what the data says it must be, what the MRZ holds, and where it sits (so
/// that a form can point at the digit that fails).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Check {
    pub field: CheckField,
    pub expected: char,
    pub found: char,
    pub valid: bool,
    /// 1-based line of the check digit.
    pub line: usize,
    /// 1-based position of the check digit in its line.
    pub position: usize,
}

/// A parsed MRZ. Text fields have their trailing fillers removed; names have `<` read as
/// spaces. Field names are those of the `portwatch mrz parse` JSON output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mrz {
    pub format: Format,
    /// The document code without fillers: `P`, `PP`, `I`, `ID`, `V` …
    pub document_code: String,
    /// The ICAO code of the issuing state or organisation, as written (`D`, `UTO`, `GBR` …).
    pub issuing_state: String,
    /// The ISO 3166-1 alpha-3 country of the issuing code, when it names a country.
    pub issuing_state_iso: Option<&'static str>,
    /// The primary identifier.
    pub surname: String,
    /// The secondary identifiers, separated by spaces.
    pub given_names: String,
    /// The whole document number, including a continuation in the optional data.
    pub document_number: String,
    pub nationality: String,
    pub nationality_iso: Option<&'static str>,
    pub birth_date: Option<PartialDate>,
    pub expiry_date: Option<PartialDate>,
    pub sex: Option<Sex>,
    /// Optional data (the personal number of a TD3), without a document-number continuation.
    pub optional_data: String,
    /// The second optional data element of a TD1 (line 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optional_data_2: Option<String>,
    /// Every check digit passes and every field keeps its rules.
    pub valid: bool,
    pub checks: Vec<Check>,
    /// Field rules that are broken (a letter in a date, a month 13 …): each makes `valid` false.
    pub errors: Vec<String>,
    /// OCR repairs, each of which makes every check pass and every field keep its rules.
    pub repairs: Vec<Repair>,
    /// Things worth knowing that break no rule (a possibly truncated name, an expired document).
    pub warnings: Vec<String>,
}

/// What kind of document an MRZ's document code names (its first letter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// `P`: a passport; the second letter is the type (`P<`, `PP`, `PD`, `PO`, `PS`, `PE` …).
    Passport,
    /// `I`, `A`, `C`: an identity card or other official travel document.
    IdCard,
    /// `V`: a visa.
    Visa,
    /// Any other first letter.
    Other,
}

impl Mrz {
    /// The kind of document, from the first letter of its code.
    pub fn document_kind(&self) -> DocumentKind {
        match self.document_code.as_bytes().first() {
            Some(b'P') => DocumentKind::Passport,
            Some(b'I' | b'A' | b'C') => DocumentKind::IdCard,
            Some(b'V') => DocumentKind::Visa,
            _ => DocumentKind::Other,
        }
    }
}

/// Why input could not be read as an MRZ at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MrzError {
    /// No lines.
    Empty,
    /// The line count and lengths match no layout.
    Shape(Vec<usize>),
    /// A character outside the MRZ alphabet (1-based line and position).
    Character {
        line: usize,
        position: usize,
        found: char,
    },
}

impl fmt::Display for MrzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MrzError::Empty => f.write_str("no MRZ lines were given"),
            MrzError::Shape(lengths) => {
                let lengths: Vec<String> = lengths.iter().map(usize::to_string).collect();
                write!(
                    f,
                    "not an MRZ: got {} line(s) of {} characters; an MRZ is 3 lines of 30 (TD1), \
                     2 of 36 (TD2, MRV-B) or 2 of 44 (TD3, MRV-A)",
                    lengths.len(),
                    lengths.join(", ")
                )
            }
            MrzError::Character {
                line,
                position,
                found,
            } => write!(
                f,
                "not an MRZ: line {line}, position {position}: {found:?} is not an MRZ character \
                 (A-Z, 0-9 and the filler <)"
            ),
        }
    }
}

impl std::error::Error for MrzError {}

/// Reads MRZ text: lines separated by newlines (or whitespace), or all lines run together.
pub fn parse_text(text: &str, today: Day) -> Result<Mrz, MrzError> {
    let lines: Vec<&str> = text.split_whitespace().collect();
    parse(&lines, today)
}

/// Reads an MRZ from its lines. `today` is the reference day for century inference.
///
/// Lower-case letters are read as upper case (with a warning). A single line holding a whole
/// MRZ run together (90, 72 or 88 characters) is split into its lines.
pub fn parse<S: AsRef<str>>(lines: &[S], today: Day) -> Result<Mrz, MrzError> {
    let mut warnings = Vec::new();
    let (format, flat) = normalise(lines, &mut warnings)?;
    Ok(read(Layout::of(format), &flat, today, warnings))
}

/// Joins the lines into the flat MRZ and picks the layout from their shape.
fn normalise<S: AsRef<str>>(
    lines: &[S],
    warnings: &mut Vec<String>,
) -> Result<(Format, Vec<u8>), MrzError> {
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| l.as_ref().trim())
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Err(MrzError::Empty);
    }
    let lengths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    let joined_total: usize = lengths.iter().sum();
    let shape = match (lengths.as_slice(), joined_total) {
        ([30, 30, 30], _) | ([_], 90) => (3, 30),
        ([36, 36], _) | ([_], 72) => (2, 36),
        ([44, 44], _) | ([_], 88) => (2, 44),
        _ => return Err(MrzError::Shape(lengths)),
    };
    let mut flat = Vec::with_capacity(joined_total);
    let mut lowered = false;
    for (i, c) in lines.iter().flat_map(|l| l.chars()).enumerate() {
        let upper = c.to_ascii_uppercase();
        if !(upper.is_ascii_uppercase() || upper.is_ascii_digit() || upper == '<') {
            return Err(MrzError::Character {
                line: i / shape.1 + 1,
                position: i % shape.1 + 1,
                found: c,
            });
        }
        lowered |= upper != c;
        flat.push(upper as u8);
    }
    if lowered {
        warnings.push("lower-case letters were read as upper case".to_owned());
    }
    let is_visa = flat[0] == b'V';
    let format = match (shape, is_visa) {
        ((3, _), _) => Format::Td1,
        ((_, 36), false) => Format::Td2,
        ((_, 36), true) => Format::MrvB,
        (_, false) => Format::Td3,
        (_, true) => Format::MrvA,
    };
    Ok((format, flat))
}

/// The document number, where its check digit is, and where the optional data proper starts.
struct DocumentNumber {
    /// The number field, then its continuation in the optional data (empty if none).
    spans: [std::ops::Range<usize>; 2],
    check_at: usize,
    optional_from: usize,
}

/// Finds the document number, following a continuation into the optional data (TD1, TD2).
fn document_number(layout: &Layout, flat: &[u8]) -> DocumentNumber {
    let field = &flat[layout.document_number.clone()];
    let plain = DocumentNumber {
        spans: [layout.document_number.clone(), 0..0],
        check_at: layout.document_number_check,
        optional_from: layout.optional_data.start,
    };
    let continues = layout.long_document_number
        && flat[layout.document_number_check] == b'<'
        && !field.contains(&b'<')
        && flat[layout.optional_data.start] != b'<';
    if !continues {
        return plain;
    }
    let optional = &flat[layout.optional_data.clone()];
    let run = optional
        .iter()
        .position(|&c| c == b'<')
        .unwrap_or(optional.len());
    let start = layout.optional_data.start;
    DocumentNumber {
        spans: [layout.document_number.clone(), start..start + run - 1],
        check_at: layout.optional_data.start + run - 1,
        optional_from: (layout.optional_data.start + run + 1).min(layout.optional_data.end),
    }
}

/// The positions a check digit covers, its own position included.
fn coverage(layout: &Layout, flat: &[u8], field: CheckField) -> Vec<std::ops::Range<usize>> {
    let single = |at: usize| at..at + 1;
    match field {
        CheckField::DocumentNumber => {
            let number = document_number(layout, flat);
            vec![
                layout.document_number.clone(),
                layout.optional_data.start..number.check_at.max(layout.optional_data.start),
                single(number.check_at),
            ]
        }
        CheckField::BirthDate => vec![layout.birth_date.clone(), single(layout.birth_date_check)],
        CheckField::ExpiryDate => {
            vec![layout.expiry_date.clone(), single(layout.expiry_date_check)]
        }
        CheckField::OptionalData => layout
            .optional_data_check
            .map(|at| vec![layout.optional_data.clone(), single(at)])
            .unwrap_or_default(),
        CheckField::Composite => layout
            .composite
            .map(|(spans, at)| {
                let mut ranges = spans.to_vec();
                ranges.push(single(at));
                ranges
            })
            .unwrap_or_default(),
    }
}

/// Evaluates every check digit of the flat MRZ.
fn checks(layout: &Layout, flat: &[u8]) -> Vec<Check> {
    let number = document_number(layout, flat);
    let mut out = Vec::with_capacity(5);
    let mut push = |field, expected: u8, at: usize, empty_allowed: bool| {
        let found = flat[at];
        let valid = expected == found || (empty_allowed && found == b'<');
        out.push(Check {
            field,
            expected: char::from(expected),
            found: char::from(found),
            valid,
            line: at / layout.line_len + 1,
            position: at % layout.line_len + 1,
        });
    };
    let over = |range: std::ops::Range<usize>| check_digit::compute(&flat[range]);
    push(
        CheckField::DocumentNumber,
        check_digit::compute_spans(flat, &number.spans),
        number.check_at,
        false,
    );
    push(
        CheckField::BirthDate,
        over(layout.birth_date.clone()),
        layout.birth_date_check,
        false,
    );
    push(
        CheckField::ExpiryDate,
        over(layout.expiry_date.clone()),
        layout.expiry_date_check,
        false,
    );
    if let Some(at) = layout.optional_data_check {
        let data = &flat[layout.optional_data.clone()];
        let empty = data.iter().all(|&c| c == b'<');
        push(
            CheckField::OptionalData,
            over(layout.optional_data.clone()),
            at,
            empty,
        );
    }
    if let Some((spans, at)) = layout.composite {
        push(
            CheckField::Composite,
            check_digit::compute_spans(flat, spans),
            at,
            false,
        );
    }
    out
}

/// Text of an MRZ span with trailing fillers removed.
fn text(bytes: &[u8]) -> String {
    let end = bytes.iter().rposition(|&c| c != b'<').map_or(0, |i| i + 1);
    ascii(&bytes[..end])
}

/// Text of several spans joined, with trailing fillers removed.
fn spans_text(flat: &[u8], spans: &[std::ops::Range<usize>]) -> String {
    let mut out: String = spans
        .iter()
        .flat_map(|span| flat[span.clone()].iter().map(|&c| char::from(c)))
        .collect();
    out.truncate(out.trim_end_matches('<').len());
    out
}

/// The flat MRZ holds only ASCII (the parser refuses anything else), so this never loses data.
fn ascii(bytes: &[u8]) -> String {
    bytes.iter().map(|&c| char::from(c)).collect()
}

/// Reads every field of a well-shaped flat MRZ.
fn read(layout: &Layout, flat: &[u8], today: Day, mut warnings: Vec<String>) -> Mrz {
    let mut errors = Vec::new();
    let field = |range: &std::ops::Range<usize>| &flat[range.clone()];

    let document_code = text(field(&layout.document_code));
    check_document_code(
        layout.format,
        field(&layout.document_code),
        &mut errors,
        &mut warnings,
    );
    let issuing_state = text(field(&layout.issuing_state));
    let nationality = text(field(&layout.nationality));
    let issuing_state_iso = check_code("issuing_state", &issuing_state, &mut errors, &mut warnings);
    let nationality_iso = check_code("nationality", &nationality, &mut errors, &mut warnings);

    let name = name::split(field(&layout.name));
    if name.possibly_truncated {
        warnings.push("name: the field is full, so the name may be truncated".to_owned());
    }
    if field(&layout.name).iter().any(u8::is_ascii_digit) {
        errors.push("name: contains a digit; names are letters and `<` only".to_owned());
    }

    let number = document_number(layout, flat);
    let optional_data = text(&flat[number.optional_from..layout.optional_data.end]);
    let optional_data_2 = layout.optional_data_2.as_ref().map(|r| text(field(r)));

    let birth_date = read_date(
        "birth_date",
        field(&layout.birth_date),
        date::DateKind::Birth,
        today,
        &mut errors,
    );
    let expiry_date = read_date(
        "expiry_date",
        field(&layout.expiry_date),
        date::DateKind::Expiry,
        today,
        &mut errors,
    );
    date_warnings(birth_date, expiry_date, today, &mut warnings);
    let sex = read_sex(flat[layout.sex], &mut errors, &mut warnings);

    let checks = checks(layout, flat);
    for check in checks.iter().filter(|c| !c.valid) {
        if !check.found.is_ascii_digit() && check.found != '<' {
            errors.push(format!(
                "{} check digit: {:?} is not a digit",
                check.field.name(),
                check.found
            ));
        }
    }
    let valid = errors.is_empty() && checks.iter().all(|c| c.valid);
    let repairs = if valid {
        Vec::new()
    } else {
        repair::suggest(layout, flat, today)
    };
    Mrz {
        format: layout.format,
        document_code,
        issuing_state,
        issuing_state_iso,
        surname: name.primary,
        given_names: name.secondary,
        document_number: spans_text(flat, &number.spans),
        nationality,
        nationality_iso,
        birth_date,
        expiry_date,
        sex,
        optional_data,
        optional_data_2,
        valid,
        checks,
        errors,
        repairs,
        warnings,
    }
}

/// Whether the flat MRZ keeps every rule and passes every check (used by repairs).
fn passes(layout: &Layout, flat: &[u8], today: Day) -> bool {
    if !checks(layout, flat).iter().all(|c| c.valid) {
        return false;
    }
    let field = |range: &std::ops::Range<usize>| &flat[range.clone()];
    let letters_only = |r: &std::ops::Range<usize>| !field(r).iter().any(u8::is_ascii_digit);
    letters_only(&layout.document_code)
        && letters_only(&layout.issuing_state)
        && letters_only(&layout.nationality)
        && letters_only(&layout.name)
        && matches!(flat[layout.sex], b'M' | b'F' | b'<' | b'X')
        && date::parse(field(&layout.birth_date), date::DateKind::Birth, today).is_ok()
        && date::parse(field(&layout.expiry_date), date::DateKind::Expiry, today).is_ok()
}

fn check_document_code(
    format: Format,
    code: &[u8],
    errors: &mut Vec<String>,
    warnings: &mut Vec<String>,
) {
    let shown = String::from_utf8_lossy(code);
    if code.iter().any(u8::is_ascii_digit) || code[0] == b'<' {
        errors.push(format!(
            "document_code: {shown:?} must start with a letter and hold letters and `<` only"
        ));
        return;
    }
    let expected: &[u8] = match format {
        Format::Td3 => b"P",
        Format::Td1 | Format::Td2 => b"IAC",
        Format::MrvA | Format::MrvB => b"V",
    };
    if !expected.contains(&code[0]) {
        warnings.push(format!(
            "document_code: {shown:?} is unusual for a {format} MRZ (expected {})",
            expected
                .iter()
                .map(|&c| char::from(c).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    } else if code[0] == b'P' && !b"<PEDORTSLMU".contains(&code[1]) {
        warnings.push(format!(
            "document_code: {shown:?} is not a Doc 9303 passport type (P<, PP, PE, PD, PO, PR, \
             PT, PS, PL, PM, PU)"
        ));
    }
}

/// Validates an issuing-state or nationality code and maps it to ISO alpha-3.
fn check_code(
    field: &str,
    code: &str,
    errors: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Option<&'static str> {
    if code.bytes().any(|c| c.is_ascii_digit()) {
        errors.push(format!(
            "{field}: {code:?} contains a digit; ICAO codes are letters"
        ));
        return None;
    }
    match crate::country::from_icao(code) {
        Some(known) => known.iso_alpha3,
        None => {
            warnings.push(format!("{field}: {code:?} is not an ICAO Doc 9303 code"));
            None
        }
    }
}

fn read_date(
    field: &str,
    raw: &[u8],
    kind: date::DateKind,
    today: Day,
    errors: &mut Vec<String>,
) -> Option<PartialDate> {
    match date::parse(raw, kind, today) {
        Ok(date) => date,
        Err(err) => {
            errors.push(format!("{field}: {:?} {err}", String::from_utf8_lossy(raw)));
            None
        }
    }
}

fn date_warnings(
    birth: Option<PartialDate>,
    expiry: Option<PartialDate>,
    today: Day,
    warnings: &mut Vec<String>,
) {
    if let Some(expiry) = expiry {
        let today_date = PartialDate {
            year: today.year,
            month: Some(today.month),
            day: Some(today.day),
        };
        if expiry.day.is_some() && expiry < today_date {
            warnings.push(format!("expiry_date: the document expired on {expiry}"));
        }
        if let Some(birth) = birth {
            if expiry.year < birth.year {
                warnings.push(format!(
                    "expiry_date: {expiry} is before the birth date {birth}"
                ));
            }
        }
    }
}

fn read_sex(c: u8, errors: &mut Vec<String>, warnings: &mut Vec<String>) -> Option<Sex> {
    match c {
        b'M' => Some(Sex::M),
        b'F' => Some(Sex::F),
        b'<' => None,
        b'X' => {
            warnings.push(
                "sex: `X` is not a Doc 9303 code (M, F or <); read as unspecified".to_owned(),
            );
            None
        }
        other => {
            errors.push(format!("sex: {:?} is not M, F or <", char::from(other)));
            None
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proptests;
