//! Screening requests: what a checkpoint sends, as text (from a form, a command line, a JSON
//! manifest line), checked into typed queries.
//!
//! Every field is optional where an officer may not know it; every check names the field it
//! rejects ([`RequestError`]). Nothing here panics on any input.

use std::fmt;

use portwatch_model::{CountryCode, PartialDate, Sex};
use serde::{Deserialize, Serialize};

/// A request the engine cannot screen, with the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    pub field: String,
    pub message: String,
}

impl RequestError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        RequestError {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for RequestError {}

/// A traveller as sent: names, facts, and the travel document shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TravellerRequest {
    /// Full names as written (the name on the document, other names the traveller gives).
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub surname: Option<String>,
    #[serde(default)]
    pub given_names: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// `M` or `F` (anything else: unspecified).
    #[serde(default)]
    pub sex: Option<String>,
    /// ISO 3166-1 alpha-3.
    #[serde(default)]
    pub nationality: Option<String>,
    #[serde(default)]
    pub document_number: Option<String>,
    /// ISO 3166-1 alpha-3 of the state that issued the document.
    #[serde(default)]
    pub issuing_state: Option<String>,
    /// The machine-readable zone as read (lines separated by newlines or spaces): its names,
    /// date of birth, sex, nationality and document are screened with the other fields.
    #[serde(default)]
    pub mrz: Option<String>,
}

/// A document as sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentRequest {
    pub number: String,
    pub issuing_state: String,
}

/// A vehicle as sent: a VIN, a plate with its country, or both.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VehicleRequest {
    #[serde(default)]
    pub vin: Option<String>,
    #[serde(default)]
    pub plate: Option<String>,
    #[serde(default)]
    pub plate_country: Option<String>,
}

/// A checked traveller.
#[derive(Debug, Clone, PartialEq)]
pub struct Traveller {
    pub names: Vec<String>,
    pub birth_date: Option<PartialDate>,
    pub sex: Option<Sex>,
    pub nationality: Option<CountryCode>,
    pub document: Option<DocumentQuery>,
}

/// A checked document: canonical number and issuing state.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentQuery {
    pub number: String,
    pub issuing_state: CountryCode,
}

/// A checked vehicle query.
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleQuery {
    pub vin: Option<String>,
    pub plate: Option<(CountryCode, String)>,
}

/// Longest name, number or plate accepted (longer input is an error, not a truncation).
const MAX_FIELD_LEN: usize = 300;

fn bounded<'a>(field: &str, raw: &'a str) -> Result<&'a str, RequestError> {
    if raw.len() > MAX_FIELD_LEN {
        return Err(RequestError::new(
            field,
            format!("must be at most {MAX_FIELD_LEN} bytes, got {}", raw.len()),
        ));
    }
    Ok(raw.trim())
}

fn country(field: &str, raw: &str) -> Result<CountryCode, RequestError> {
    CountryCode::parse(bounded(field, raw)?).map_err(|e| RequestError::new(field, e.to_string()))
}

fn identifier(
    field: &str,
    raw: &str,
    canonical: fn(&str) -> String,
) -> Result<String, RequestError> {
    let text = canonical(bounded(field, raw)?);
    if text.is_empty() {
        return Err(RequestError::new(field, "must contain letters or digits"));
    }
    Ok(text)
}

impl DocumentRequest {
    pub fn check(&self) -> Result<DocumentQuery, RequestError> {
        Ok(DocumentQuery {
            number: identifier(
                "number",
                &self.number,
                portwatch_ident::document_number::canonical,
            )?,
            issuing_state: country("issuing_state", &self.issuing_state)?,
        })
    }
}

impl VehicleRequest {
    pub fn check(&self) -> Result<VehicleQuery, RequestError> {
        let vin = self
            .vin
            .as_deref()
            .map(|v| identifier("vin", v, portwatch_ident::vin::canonical))
            .transpose()?;
        let plate = match (&self.plate, &self.plate_country) {
            (Some(p), Some(c)) => Some((
                country("plate_country", c)?,
                identifier("plate", p, portwatch_ident::plate::canonical)?,
            )),
            (Some(_), None) => {
                return Err(RequestError::new(
                    "plate_country",
                    "a plate needs the country that issued it",
                ))
            }
            (None, Some(_)) => {
                return Err(RequestError::new("plate", "a plate country needs a plate"))
            }
            (None, None) => None,
        };
        if vin.is_none() && plate.is_none() {
            return Err(RequestError::new(
                "vin",
                "give a VIN, a plate and its country, or both",
            ));
        }
        Ok(VehicleQuery { vin, plate })
    }
}

impl TravellerRequest {
    /// Checks the request; an MRZ is read with `today` as the reference for its two-digit
    /// years (a birth year `85` is 1985, an expiry `30` is 2030).
    pub fn check_on(&self, today: time::Date) -> Result<Traveller, RequestError> {
        let Some(raw) = &self.mrz else {
            return self.check();
        };
        let text = bounded("mrz", raw)?;
        let day = portwatch_ident::mrz::Day::new(
            u16::try_from(today.year()).unwrap_or(2000),
            u8::from(today.month()),
            today.day(),
        )
        .ok_or_else(|| RequestError::new("mrz", "the day of the search is out of range"))?;
        let mrz = portwatch_ident::mrz::parse_text(text, day)
            .map_err(|e| RequestError::new("mrz", e.to_string()))?;
        let mut merged = TravellerRequest {
            mrz: None,
            ..self.clone()
        };
        let name = format!("{} {}", mrz.given_names, mrz.surname);
        if !name.trim().is_empty() {
            merged.names.push(name.trim().to_string());
        }
        if merged.birth_date.is_none() {
            merged.birth_date = mrz.birth_date.map(|d| match (d.month, d.day) {
                (Some(m), Some(day)) => format!("{:04}-{m:02}-{day:02}", d.year),
                (Some(m), None) => format!("{:04}-{m:02}", d.year),
                _ => format!("{:04}", d.year),
            });
        }
        if merged.sex.is_none() {
            merged.sex = mrz.sex.map(|s| match s {
                portwatch_ident::mrz::Sex::M => "M".to_string(),
                portwatch_ident::mrz::Sex::F => "F".to_string(),
            });
        }
        if merged.nationality.is_none() {
            merged.nationality = mrz.nationality_iso.map(str::to_string);
        }
        if merged.document_number.is_none() {
            if let Some(state) = mrz.issuing_state_iso {
                merged.document_number = Some(mrz.document_number.clone());
                merged.issuing_state = Some(state.to_string());
            }
        }
        merged.check()
    }

    /// Checks the request (one with an MRZ needs [`TravellerRequest::check_on`]).
    pub fn check(&self) -> Result<Traveller, RequestError> {
        if self.mrz.is_some() {
            return Err(RequestError::new(
                "mrz",
                "reading an MRZ needs the day of the search (check_on)",
            ));
        }
        let mut names = Vec::new();
        for (i, n) in self.names.iter().enumerate() {
            let n = bounded(&format!("names[{i}]"), n)?;
            if !n.is_empty() {
                names.push(n.to_string());
            }
        }
        let given = self
            .given_names
            .as_deref()
            .map(|g| bounded("given_names", g))
            .transpose()?;
        let surname = self
            .surname
            .as_deref()
            .map(|s| bounded("surname", s))
            .transpose()?;
        let joined = [given, surname]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !joined.is_empty() {
            names.push(joined);
        }
        let birth_date = self
            .birth_date
            .as_deref()
            .map(|d| {
                bounded("birth_date", d)?
                    .parse::<PartialDate>()
                    .map_err(|e| RequestError::new("birth_date", e.to_string()))
            })
            .transpose()?;
        let sex = match self.sex.as_deref().map(str::trim) {
            Some("M" | "m") => Some(Sex::Male),
            Some("F" | "f") => Some(Sex::Female),
            Some("" | "X" | "x" | "<") | None => None,
            Some(other) => {
                return Err(RequestError::new(
                    "sex",
                    format!("must be M, F or X (unspecified), got {:?}", truncate(other)),
                ))
            }
        };
        let nationality = self
            .nationality
            .as_deref()
            .map(|c| country("nationality", c))
            .transpose()?;
        let document = match (&self.document_number, &self.issuing_state) {
            (Some(number), Some(state)) => Some(
                DocumentRequest {
                    number: number.clone(),
                    issuing_state: state.clone(),
                }
                .check()?,
            ),
            (Some(_), None) => {
                return Err(RequestError::new(
                    "issuing_state",
                    "a document number needs the state that issued it",
                ))
            }
            (None, Some(_)) => {
                return Err(RequestError::new(
                    "document_number",
                    "an issuing state needs a document number",
                ))
            }
            (None, None) => None,
        };
        if names.is_empty() && document.is_none() {
            return Err(RequestError::new(
                "names",
                "give at least one name, or a document number and its issuing state",
            ));
        }
        Ok(Traveller {
            names,
            birth_date,
            sex,
            nationality,
            document,
        })
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

/// One line of a manifest: a traveller, a document or a vehicle, with the caller's own
/// reference (seat, cabin, line number) echoed back in the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ManifestEntry {
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(flatten)]
    pub subject: Subject,
}

/// What a manifest line screens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Traveller(TravellerRequest),
    Document(DocumentRequest),
    Vehicle(VehicleRequest),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_field() {
        let r = TravellerRequest {
            names: vec!["A B".into()],
            birth_date: Some("1980-13-01".into()),
            ..TravellerRequest::default()
        };
        assert_eq!(r.check().unwrap_err().field, "birth_date");
        let v = VehicleRequest {
            plate: Some("AB 123".into()),
            ..VehicleRequest::default()
        };
        assert_eq!(v.check().unwrap_err().field, "plate_country");
        let d = DocumentRequest {
            number: "--".into(),
            issuing_state: "MAR".into(),
        };
        assert_eq!(d.check().unwrap_err().field, "number");
    }

    #[test]
    fn an_mrz_gives_names_dates_and_the_document() {
        let r = TravellerRequest {
            mrz: Some(
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
                 L898902C36UTO7408122F1204159ZE184226B<<<<<10"
                    .into(),
            ),
            ..TravellerRequest::default()
        };
        let today = time::Date::from_calendar_date(2026, time::Month::June, 1).unwrap();
        let t = r.check_on(today).unwrap();
        assert_eq!(t.names, vec!["ANNA MARIA ERIKSSON".to_string()]);
        assert_eq!(t.birth_date.unwrap().to_string(), "1974-08-12");
        assert_eq!(t.sex, Some(Sex::Female));
        // UTO (Utopia) is ICAO's specimen state: no ISO country, so no document look-up.
        assert!(t.document.is_none());
        let bad = TravellerRequest {
            mrz: Some("P<UTO".into()),
            ..TravellerRequest::default()
        };
        assert_eq!(bad.check_on(today).unwrap_err().field, "mrz");
    }

    #[test]
    fn surname_and_given_names_make_one_name() {
        let r = TravellerRequest {
            surname: Some("Benali".into()),
            given_names: Some("Karim".into()),
            ..TravellerRequest::default()
        };
        assert_eq!(r.check().unwrap().names, vec!["Karim Benali".to_string()]);
    }
}
