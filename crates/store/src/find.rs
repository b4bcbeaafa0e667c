//! Finding an owner's records for records management ([`Store::find_records`]).
//!
//! Both backends walk the owner's records in id order through the `records_by_owner` index
//! (ids are UUIDv7, so this is creation order and `after` resumes a page exactly) and keep
//! the rows whose content matches the text with [`TextMatch`]. The text is matched here,
//! not in SQL, because names match on their normalised form (case and accents folded, other
//! scripts transliterated with the `names` crate's tables), which neither database can
//! compute. A text that matches nothing reads every record of the owner: about 2 µs each.
//!
//! [`Store::find_records`]: crate::Store::find_records

use portwatch_model::{AgencyId, Database, Id, RecordBody, RecordContent, RecordStatus};

/// Which records [`crate::Store::find_records`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordQuery {
    /// Only records of this owner.
    pub owner: AgencyId,
    /// Only records of this database (all three with `None`).
    pub database: Option<Database>,
    /// Text to find: a name of a person, a document number, a VIN or a plate.
    pub text: Option<String>,
    /// Only records with this status (both with `None`).
    pub status: Option<RecordStatus>,
    /// Only records after this id (the last id of the previous page).
    pub after: Option<Id>,
    /// At most this many records.
    pub limit: usize,
}

impl RecordQuery {
    /// The active records of `owner`, first page of 50.
    pub fn owner(owner: AgencyId) -> Self {
        RecordQuery {
            owner,
            database: None,
            text: None,
            status: Some(RecordStatus::Active),
            after: None,
            limit: 50,
        }
    }
}

/// The text of a [`RecordQuery`], prepared once and matched against many records.
#[derive(Debug, Clone)]
pub(crate) struct TextMatch {
    /// The text lowercased, for names as written (any script).
    lower: String,
    /// The text as a normalised name (empty when it has no letters or digits).
    name: String,
    /// Upper-case ASCII letters and digits of the text, for identifiers (empty when none).
    identifier: String,
}

impl TextMatch {
    /// `None` when there is nothing to match (no text, or only blanks): every record matches.
    pub(crate) fn new(text: Option<&str>) -> Option<TextMatch> {
        let text = text?.trim();
        if text.is_empty() {
            return None;
        }
        Some(TextMatch {
            lower: text.to_lowercase(),
            name: normalised_name(text),
            identifier: portwatch_ident::fold::canonical(text),
        })
    }

    /// Whether `content` holds the text: in a person's names (case-insensitive substring of
    /// the normalised or the written name), or in a document number, a person's identifier
    /// number, a VIN or a plate (letters and digits only, separators ignored).
    pub(crate) fn matches(&self, content: &RecordContent) -> bool {
        match &content.body {
            RecordBody::Person(p) => {
                p.names.iter().any(|n| self.matches_name(&n.full))
                    || p.identifiers
                        .iter()
                        .any(|i| self.matches_identifier(i.number.as_str()))
            }
            RecordBody::Document(d) => self.matches_identifier(d.number.as_str()),
            RecordBody::Vehicle(v) => {
                self.matches_identifier(v.vin.as_str())
                    || v.plate
                        .as_ref()
                        .is_some_and(|plate| self.matches_identifier(&plate.number))
            }
        }
    }

    fn matches_name(&self, name: &str) -> bool {
        name.to_lowercase().contains(&self.lower)
            || (!self.name.is_empty() && normalised_name(name).contains(&self.name))
    }

    fn matches_identifier(&self, number: &str) -> bool {
        !self.identifier.is_empty()
            && portwatch_ident::fold::canonical(number).contains(&self.identifier)
    }
}

/// A name in lowercase ASCII, transliterated with the `names` crate's tables (the screening
/// engine's), words separated by one space, apostrophes dropped (`O'Brien` is `obrien`).
/// Cheaper than the engine's full tokenisation (no phrase folding), which matters because a
/// search reads every record of the owner that does not match.
fn normalised_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut word_initial = true;
    for c in name.chars().flat_map(char::to_lowercase) {
        if matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`') {
            continue;
        }
        if c.is_alphanumeric() {
            portwatch_names::translit::push_ascii(c, word_initial, &mut out);
            word_initial = false;
        } else if !word_initial {
            out.push(' ');
            word_initial = true;
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Rows read per round trip while scanning; a page stops as soon as it is full.
pub(crate) const SCAN_BATCH: usize = 500;

#[cfg(test)]
mod tests {
    use super::*;
    use portwatch_model::{
        CountryCode, DocumentNumber, DocumentStatus, DocumentType, Person, Plate, TravelDocument,
        Vehicle, Vin, Visibility,
    };

    fn content(body: RecordBody) -> RecordContent {
        let owner = AgencyId::parse("ncb-rabat").unwrap();
        RecordContent::new(owner, Visibility::All, None, None, body).unwrap()
    }

    fn person(name: &str) -> RecordContent {
        content(RecordBody::Person(Person::named("R1", name)))
    }

    fn matches(text: &str, content: &RecordContent) -> bool {
        TextMatch::new(Some(text)).unwrap().matches(content)
    }

    #[test]
    fn names_match_case_and_accents_folded() {
        let p = person("José Ángel MÜLLER-Benali");
        assert!(matches("jose angel", &p));
        assert!(matches("benali", &p));
        assert!(matches("Ángel", &p));
        assert!(matches("müller", &p));
        assert!(!matches("karim", &p));
        assert!(matches("ben ali", &person("BEN-ALI")));
        assert!(matches("obrien", &person("Seán O'Brien")));
        assert!(matches("sean o", &person("Seán O’Brien")));
        let arabic = person("كريم بن علي");
        assert!(matches("كريم", &arabic));
        assert!(matches("Горбачёв", &person("Михаил Горбачёв")));
        assert!(matches("gorbach", &person("Михаил Горбачёв")));
    }

    #[test]
    fn identifiers_match_without_separators() {
        let doc = content(RecordBody::Document(TravelDocument {
            number: DocumentNumber::parse("AB 123-4567").unwrap(),
            issuing_state: CountryCode::parse("MAR").unwrap(),
            doc_type: DocumentType::Passport,
            status: DocumentStatus::Lost,
            reported_on: None,
            reported_place: None,
            holder: None,
        }));
        assert!(matches("ab1234", &doc));
        assert!(matches("4567", &doc));
        assert!(!matches("AB9", &doc));
        let car = content(RecordBody::Vehicle(Vehicle {
            vin: Vin::parse("VF1RFB00X56123456").unwrap(),
            plate: Some(Plate::new(CountryCode::parse("ESP").unwrap(), "1234 BCD").unwrap()),
            make: None,
            model: None,
            colour: None,
            year: None,
            engine_number: None,
            stolen_on: None,
        }));
        assert!(matches("vf1rfb", &car));
        assert!(matches("1234-bcd", &car));
        assert!(!matches("benali", &car));
    }

    #[test]
    fn blank_text_matches_everything() {
        assert!(TextMatch::new(Some("  ")).is_none());
        assert!(TextMatch::new(None).is_none());
    }
}
