//! Writing an MRZ from fields: the inverse of [`super::parse`], used by the simulator to make
//! valid documents and by tests to make specimens.

use std::fmt;

use super::layout::Layout;
use super::{check_digit, date, name, Format, PartialDate, Sex};

/// The fields of an MRZ. Text is upper-cased; spaces and other separators become `<`.
///
/// ```
/// use portwatch_ident::mrz::{Format, MrzBuilder, PartialDate, Sex};
///
/// let lines = MrzBuilder {
///     format: Format::Td3,
///     document_code: "P".into(),
///     issuing_state: "UTO".into(),
///     surname: "Eriksson".into(),
///     given_names: "Anna Maria".into(),
///     document_number: "L898902C3".into(),
///     nationality: "UTO".into(),
///     birth_date: Some(PartialDate { year: 1974, month: Some(8), day: Some(12) }),
///     sex: Some(Sex::F),
///     expiry_date: Some(PartialDate { year: 2012, month: Some(4), day: Some(15) }),
///     optional_data: "ZE184226B".into(),
///     optional_data_2: String::new(),
/// }
/// .build()
/// .unwrap();
/// assert_eq!(lines[1], "L898902C36UTO7408122F1204159ZE184226B<<<<<10");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MrzBuilder {
    pub format: Format,
    pub document_code: String,
    pub issuing_state: String,
    pub surname: String,
    pub given_names: String,
    pub document_number: String,
    pub nationality: String,
    pub birth_date: Option<PartialDate>,
    pub sex: Option<Sex>,
    pub expiry_date: Option<PartialDate>,
    pub optional_data: String,
    /// The second optional data element (TD1 only).
    pub optional_data_2: String,
}

/// A field that cannot be written into the chosen layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    pub field: &'static str,
    pub reason: String,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for BuildError {}

impl MrzBuilder {
    /// The MRZ lines, with every check digit computed.
    pub fn build(&self) -> Result<Vec<String>, BuildError> {
        let layout = Layout::of(self.format);
        let mut flat = vec![b'<'; layout.len()];
        write_padded(
            &mut flat,
            layout.document_code.clone(),
            &self.code("document_code", &self.document_code, 2)?,
        );
        write_padded(
            &mut flat,
            layout.issuing_state.clone(),
            &self.code("issuing_state", &self.issuing_state, 3)?,
        );
        write_padded(
            &mut flat,
            layout.nationality.clone(),
            &self.code("nationality", &self.nationality, 3)?,
        );
        let name = name::encode(&self.surname, &self.given_names, layout.name.len());
        write_padded(&mut flat, layout.name.clone(), &name);
        write_padded(
            &mut flat,
            layout.birth_date.clone(),
            &date_field("birth_date", self.birth_date)?,
        );
        write_padded(
            &mut flat,
            layout.expiry_date.clone(),
            &date_field("expiry_date", self.expiry_date)?,
        );
        flat[layout.sex] = match self.sex {
            Some(Sex::M) => b'M',
            Some(Sex::F) => b'F',
            None => b'<',
        };
        let long_number = self.put_number_and_optional(layout, &mut flat)?;
        if let Some(range) = layout.optional_data_2.clone() {
            let data = data_field("optional_data_2", &self.optional_data_2, range.len())?;
            write_padded(&mut flat, range, &data);
        } else if !self.optional_data_2.is_empty() {
            return Err(err(
                "optional_data_2",
                format!("{} has no second optional data", self.format),
            ));
        }
        fill_check_digits(layout, &mut flat, long_number);
        Ok(flat
            .chunks(layout.line_len)
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect())
    }

    fn code(&self, field: &'static str, raw: &str, width: usize) -> Result<String, BuildError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty()
            || code.len() > width
            || !code.bytes().all(|c| c.is_ascii_uppercase() || c == b'<')
        {
            return Err(err(field, format!("{raw:?} must be 1 to {width} letters")));
        }
        Ok(code)
    }

    /// Writes the document number and the optional data, continuing a long number into the
    /// optional data where the layout allows it. Returns whether the number continues.
    fn put_number_and_optional(
        &self,
        layout: &Layout,
        flat: &mut [u8],
    ) -> Result<bool, BuildError> {
        let number = data_text(&self.document_number);
        if number.is_empty() {
            return Err(err("document_number", "is empty".to_owned()));
        }
        let optional = data_text(&self.optional_data);
        let number_field = layout.document_number.clone();
        let optional_field = layout.optional_data.clone();
        let mut optional_text = optional.clone();
        let long = number.len() > number_field.len();
        if !long {
            write_padded(flat, number_field, &number);
        } else if layout.long_document_number {
            // First nine characters, `<` for the check digit, then the rest, its check digit and
            // a filler at the start of the optional data.
            let (head, tail) = number.split_at(number_field.len());
            write_padded(flat, number_field, head);
            flat[layout.document_number_check] = b'<';
            let check = char::from(check_digit::compute(number.as_bytes()));
            optional_text = format!("{tail}{check}<{optional}");
        } else {
            return Err(err(
                "document_number",
                format!(
                    "{number:?} is longer than the {} characters a {} allows",
                    number_field.len(),
                    self.format
                ),
            ));
        }
        if optional_text.len() > optional_field.len() {
            return Err(err(
                "optional_data",
                format!(
                    "{optional_text:?} is longer than the {} characters available",
                    optional_field.len()
                ),
            ));
        }
        write_padded(flat, optional_field, &optional_text);
        Ok(long)
    }
}

/// Computes every check digit into the flat MRZ (the composite last, as it covers the others).
fn fill_check_digits(layout: &Layout, flat: &mut [u8], long_number: bool) {
    if !long_number {
        flat[layout.document_number_check] =
            check_digit::compute(&flat[layout.document_number.clone()]);
    }
    flat[layout.birth_date_check] = check_digit::compute(&flat[layout.birth_date.clone()]);
    flat[layout.expiry_date_check] = check_digit::compute(&flat[layout.expiry_date.clone()]);
    if let Some(at) = layout.optional_data_check {
        flat[at] = check_digit::compute(&flat[layout.optional_data.clone()]);
    }
    if let Some((spans, at)) = layout.composite {
        flat[at] = check_digit::compute_spans(flat, spans);
    }
}

fn write_padded(flat: &mut [u8], range: std::ops::Range<usize>, text: &str) {
    flat[range.start..range.start + text.len()].copy_from_slice(text.as_bytes());
}

/// Upper-cased letters and digits, every other character written as a filler.
fn data_text(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '<'
            }
        })
        .collect()
}

fn data_field(field: &'static str, raw: &str, width: usize) -> Result<String, BuildError> {
    let text = data_text(raw);
    if text.len() > width {
        return Err(err(
            field,
            format!("{raw:?} is longer than the {width} characters available"),
        ));
    }
    Ok(text)
}

fn date_field(field: &'static str, value: Option<PartialDate>) -> Result<String, BuildError> {
    if let Some(d) = value {
        let month_ok = d.month.is_none_or(|m| (1..=12).contains(&m));
        let day_ok = match (d.month, d.day) {
            (Some(m), Some(day)) => day >= 1 && day <= date::days_in_month(d.year, m),
            (None, Some(_)) => false,
            _ => true,
        };
        if !month_ok || !day_ok {
            return Err(err(field, format!("{d} is not a calendar date")));
        }
    }
    Ok(date::encode(value))
}

fn err(field: &'static str, reason: String) -> BuildError {
    BuildError { field, reason }
}
