//! FollowTheMoney (FtM) entities as JSON lines: the format OpenSanctions publishes its
//! datasets in (INTERPOL's public red notices, the UN and OFAC lists, and many more).
//!
//! Each line is one entity: `{"id": …, "schema": "Person", "properties": {"name": [...], …},
//! "datasets": [...]}`, every property a list of strings. Passports and other identity
//! documents are entities of their own (`Passport`, `Identification`) that point at their
//! holder by id, on any line, or are nested inside the person's properties (OpenSanctions'
//! "nested" export); both are joined to the person. Because a document may come after its
//! holder, the whole input is read before the first person is returned.
//!
//! Mapping of a `Person`:
//! - `id` → `source_id` and `owner_ref`;
//! - `name` → the primary name (the first in Latin script, when there is one) and aliases;
//!   `alias` and `previousName` → aliases; `weakAlias` → weak aliases; a name in a non-Latin
//!   script → an original-script name; `firstName` `middleName` `lastName` → one more alias;
//! - `birthDate` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, a time after it is ignored), `birthPlace`;
//! - `nationality` and `citizenship` (ISO alpha-2, `ru`) → ISO alpha-3 codes; `gender`;
//! - `passportNumber` → passports, `idNumber` → national IDs, linked documents with their
//!   `country`;
//! - `topics`: `wanted` → a Red notice, `sanction` in the `un_sc_sanctions` dataset → an
//!   INTERPOL–UN Special Notice, `crime.terror` → a terrorism-related information item. No
//!   topic sets a person flag: FtM topics say what a person is listed for, not whether they
//!   are armed, violent or likely to flee, which is what portwatch's flags warn about.
//!
//! Other schemas (organisations, companies, vessels, addresses, sanctions, relationships …)
//! are counted as skipped, by kind. A line that is not a JSON entity is reported with its line
//! (and column) and the reading goes on.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read};

use portwatch_model::{
    AgencyId, CountryCode, IdentifierKind, NameKind, Notice, NoticeKind, PartialDate,
    RecordContent, Sex, TerrorismItem, Visibility,
};
use serde_json::{Map, Value};

use crate::countries::alpha3_for_alpha2;
use crate::lists::{clean_text, ListError, ListSummary, PersonDraft};

const FILE: &str = "ftm";

/// Reads every entity of a FollowTheMoney JSON-lines input; iterate to get one result per
/// person (and per unreadable line, in input order), then look at [`FtmReader::summary`].
pub fn read<R: Read>(input: R, owner: AgencyId, visibility: Visibility) -> FtmReader {
    let mut summary = ListSummary::default();
    let mut lines: Vec<Line> = Vec::new();
    let mut documents: HashMap<String, Vec<Document>> = HashMap::new();
    let mut input = BufReader::new(input);
    let mut buf = Vec::new();
    let mut number = 0u64;
    let mut offset = 0u64;
    loop {
        buf.clear();
        let read = match input.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                let e = ListError::new(FILE, "", format!("cannot read the input: {e}"))
                    .at_line(number + 1)
                    .at_byte(offset);
                lines.push(Line::Error(e));
                break;
            }
        };
        number += 1;
        let start = offset;
        offset += read as u64;
        let located = |e: ListError| e.at_line(number).at_byte(start);
        match parse_entity(&buf) {
            Ok(None) => {}
            Ok(Some(entity)) => match entity.schema.as_str() {
                "Person" => lines.push(Line::Person(number, start, entity)),
                "Passport" | "Identification" => match document(&entity) {
                    Some((holder, doc)) => documents.entry(holder).or_default().push(doc),
                    None => lines.push(Line::Error(located(
                        ListError::new(
                            FILE,
                            "properties.holder",
                            "an identity document must name its holder",
                        )
                        .in_entry(entity.id),
                    ))),
                },
                other => {
                    let (kind, reason) = skipped_kind(other);
                    summary.skip(kind, reason);
                }
            },
            Err(e) => lines.push(Line::Error(located(e))),
        }
    }
    let mut items = VecDeque::with_capacity(lines.len());
    for line in lines {
        let item = match line {
            Line::Error(e) => {
                summary.rejected += 1;
                Err(e)
            }
            Line::Person(number, byte, entity) => {
                let linked = documents.remove(&entity.id).unwrap_or_default();
                let id = entity.id.clone();
                let (content, warnings) = person(entity, linked).into_content(&owner, &visibility);
                let result = content.map_err(|e| {
                    ListError::from_model(FILE, e)
                        .at_line(number)
                        .at_byte(byte)
                        .in_entry(id)
                });
                summary.record(&result, warnings);
                result
            }
        };
        items.push_back(item);
    }
    let orphans: usize = documents.values().map(Vec::len).sum();
    for _ in 0..orphans {
        summary.skip(
            "identity document",
            "its holder is not a person of this input",
        );
    }
    FtmReader { items, summary }
}

/// The persons of a FollowTheMoney input, and the errors of its unreadable lines.
pub struct FtmReader {
    items: VecDeque<Result<RecordContent, ListError>>,
    summary: ListSummary,
}

impl FtmReader {
    /// What the input held (complete from the start: the input is read whole).
    pub fn summary(&self) -> &ListSummary {
        &self.summary
    }

    pub fn into_summary(self) -> ListSummary {
        self.summary
    }
}

impl Iterator for FtmReader {
    type Item = Result<RecordContent, ListError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.items.pop_front()
    }
}

/// A line of the input worth returning: a person (with its line and byte offset) or an error.
enum Line {
    Person(u64, u64, Entity),
    Error(ListError),
}

/// An FtM entity as read from a line.
#[derive(Debug)]
struct Entity {
    id: String,
    schema: String,
    properties: Map<String, Value>,
    datasets: Vec<String>,
}

impl Entity {
    /// The string values of a property (nested entities and other JSON values left aside).
    fn values(&self, property: &str) -> impl Iterator<Item = &str> {
        self.properties
            .get(property)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
    }

    /// Entities nested in the properties (OpenSanctions' nested export).
    fn nested(&self) -> impl Iterator<Item = &Map<String, Value>> {
        self.properties
            .values()
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(Value::as_object)
    }
}

/// An identity document linked to a person.
#[derive(Debug)]
struct Document {
    kind: IdentifierKind,
    numbers: Vec<String>,
    country: Option<String>,
}

/// Reads one line; `None` for a blank line.
fn parse_entity(line: &[u8]) -> Result<Option<Entity>, ListError> {
    let text = std::str::from_utf8(line).map_err(|e| {
        ListError::new(
            FILE,
            "",
            format!(
                "is not valid UTF-8 (at byte {} of the line)",
                e.valid_up_to()
            ),
        )
    })?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| ListError::new(FILE, "", format!("not a JSON entity: {e}")))?;
    let Value::Object(object) = value else {
        return Err(ListError::new(
            FILE,
            "",
            "each line must be a JSON object (an FtM entity)",
        ));
    };
    entity_from(&object).map(Some)
}

fn entity_from(object: &Map<String, Value>) -> Result<Entity, ListError> {
    let id = match object.get("id").and_then(Value::as_str).map(str::trim) {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => {
            return Err(ListError::new(
                FILE,
                "id",
                "an entity needs a non-empty string id",
            ))
        }
    };
    let Some(schema) = object.get("schema").and_then(Value::as_str) else {
        return Err(ListError::new(
            FILE,
            "schema",
            "an entity needs a schema (Person, Passport …)",
        )
        .in_entry(id));
    };
    let properties = match object.get("properties") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(p)) => p.clone(),
        Some(_) => {
            return Err(
                ListError::new(FILE, "properties", "must be an object of property lists")
                    .in_entry(id),
            )
        }
    };
    for (name, value) in &properties {
        if !value.is_array() {
            return Err(ListError::new(
                FILE,
                format!("properties.{name}"),
                "must be a list of values",
            )
            .in_entry(id));
        }
    }
    let datasets = object
        .get("datasets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(String::from)
        .collect();
    Ok(Entity {
        id,
        schema: schema.to_string(),
        properties,
        datasets,
    })
}

/// The holder and the content of a `Passport` or `Identification` entity.
fn document(entity: &Entity) -> Option<(String, Document)> {
    let holder = entity.values("holder").next()?.trim().to_string();
    Some((holder, document_content(entity)))
}

fn document_content(entity: &Entity) -> Document {
    let says_passport = entity.schema == "Passport"
        || entity
            .values("type")
            .any(|t| t.to_lowercase().contains("passport"));
    Document {
        kind: if says_passport {
            IdentifierKind::Passport
        } else {
            IdentifierKind::NationalId
        },
        numbers: entity.values("number").map(String::from).collect(),
        country: entity.values("country").next().map(String::from),
    }
}

/// Gathers a person out of a `Person` entity and the documents linked to it.
fn person(entity: Entity, linked: Vec<Document>) -> PersonDraft {
    let mut d = PersonDraft::new(&entity.id);
    add_names(&mut d, &entity);
    for raw in entity.values("birthDate") {
        match ftm_date(raw) {
            Some(date) => d.add_birth_dates([date]),
            None => d.warn(
                "properties.birthDate",
                raw,
                "not a date as YYYY, YYYY-MM or YYYY-MM-DD",
            ),
        }
    }
    for place in entity.values("birthPlace") {
        d.add_birth_place("properties.birthPlace", place);
    }
    for property in ["nationality", "citizenship"] {
        for code in entity.values(property) {
            if let Some(country) = country(&mut d, property, code) {
                if !d.nationalities.contains(&country) {
                    d.nationalities.push(country);
                }
            }
        }
    }
    for gender in entity.values("gender") {
        match gender.to_ascii_lowercase().as_str() {
            "male" => d.sex = Some(Sex::Male),
            "female" => d.sex = Some(Sex::Female),
            _ => d.warn("properties.gender", gender, "neither male nor female"),
        }
    }
    for number in entity.values("passportNumber") {
        d.add_identifier(
            "properties.passportNumber",
            IdentifierKind::Passport,
            number,
            None,
        );
    }
    for number in entity.values("idNumber") {
        d.add_identifier(
            "properties.idNumber",
            IdentifierKind::NationalId,
            number,
            None,
        );
    }
    let nested: Vec<Document> = entity
        .nested()
        .filter_map(|object| entity_from(object).ok())
        .filter(|e| matches!(e.schema.as_str(), "Passport" | "Identification"))
        .map(|e| document_content(&e))
        .collect();
    for doc in linked.into_iter().chain(nested) {
        let country = doc
            .country
            .as_deref()
            .and_then(|c| country(&mut d, "country", c));
        for number in &doc.numbers {
            d.add_identifier("number", doc.kind, number, country);
        }
    }
    add_topics(&mut d, &entity);
    d
}

fn add_names(d: &mut PersonDraft, entity: &Entity) {
    let names: Vec<&str> = entity
        .values("name")
        .filter(|n| !n.trim().is_empty())
        .collect();
    let parts: Vec<&str> = ["firstName", "middleName", "lastName"]
        .iter()
        .filter_map(|p| entity.values(p).next())
        .collect();
    let from_parts = clean_text(&parts.join(" "));
    let primary = names
        .iter()
        .copied()
        .find(|n| is_latin(n))
        .or_else(|| names.first().copied())
        .map(String::from)
        .or_else(|| (!from_parts.is_empty()).then(|| from_parts.clone()))
        .unwrap_or_default();
    // An empty primary name is left for the model to reject, naming the field.
    d.names.push(portwatch_model::PersonName {
        full: clean_text(&primary),
        kind: NameKind::Primary,
    });
    let strong = names
        .iter()
        .copied()
        .chain(entity.values("alias"))
        .chain(entity.values("previousName"))
        .chain(std::iter::once(from_parts.as_str()));
    for name in strong {
        let kind = if is_latin(name) {
            NameKind::Alias
        } else {
            NameKind::OriginalScript
        };
        d.add_name("properties.alias", name, kind);
    }
    for name in entity.values("weakAlias") {
        d.add_name("properties.weakAlias", name, NameKind::WeakAlias);
    }
}

/// Whether a name is written (at least partly) in Latin letters.
fn is_latin(name: &str) -> bool {
    name.chars()
        .any(|c| c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c))
}

fn add_topics(d: &mut PersonDraft, entity: &Entity) {
    let topics: Vec<&str> = entity.values("topics").collect();
    if topics.contains(&"wanted") {
        d.notices.push(Notice {
            kind: NoticeKind::Red,
            diffusion: false,
            reference: Some(entity.id.clone()),
            issued_on: None,
        });
    }
    let un_listed = entity.datasets.iter().any(|ds| ds == "un_sc_sanctions");
    if topics.contains(&"sanction") && un_listed {
        d.notices.push(Notice {
            kind: NoticeKind::InterpolUnSpecial,
            diffusion: false,
            reference: Some(entity.id.clone()),
            issued_on: None,
        });
    }
    if topics.contains(&"crime.terror") {
        d.terrorism_items.push(TerrorismItem {
            reference: entity.id.clone(),
            summary: "Listed with the FollowTheMoney topic crime.terror (terrorism)".to_string(),
        });
    }
}

/// An FtM date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, possibly followed by a time.
fn ftm_date(raw: &str) -> Option<PartialDate> {
    let raw = raw.trim();
    let date = raw.get(..10).filter(|_| raw.len() > 10).unwrap_or(raw);
    date.parse().ok()
}

/// The ISO alpha-3 code of an FtM country (alpha-2, any case); unknown codes are reported.
fn country(d: &mut PersonDraft, property: &str, code: &str) -> Option<CountryCode> {
    let found = alpha3_for_alpha2(code).and_then(|c| CountryCode::parse(c).ok());
    if found.is_none() {
        d.warn(
            &format!("properties.{property}"),
            code,
            "not an ISO 3166-1 alpha-2 country code",
        );
    }
    found
}

/// How skipped schemas are counted, and why.
fn skipped_kind(schema: &str) -> (&'static str, &'static str) {
    const NOT_PERSONS: &str =
        "organisations are not persons: portwatch holds persons, travel documents and vehicles";
    const CRAFT: &str = "not persons; portwatch's vehicles are road vehicles with a VIN";
    const ABOUT_OTHERS: &str = "describes or links other entities; not imported on its own";
    match schema {
        "Organization" | "Company" | "LegalEntity" | "PublicBody" => ("organisation", NOT_PERSONS),
        "Vessel" | "Airplane" => ("vessel or aircraft", CRAFT),
        "Address" | "Sanction" | "Family" | "Associate" | "Ownership" | "Directorship"
        | "Membership" | "Employment" | "Representation" | "UnknownLink" | "Occupancy"
        | "Succession" | "Position" | "Note" => ("related record", ABOUT_OTHERS),
        _ => (
            "other schema",
            "a FollowTheMoney schema portwatch does not import",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ftm_dates_keep_precision_and_drop_times() {
        assert_eq!(ftm_date("1970").unwrap().to_string(), "1970");
        assert_eq!(ftm_date("1970-03").unwrap().to_string(), "1970-03");
        assert_eq!(
            ftm_date("1970-03-04T00:00:00").unwrap().to_string(),
            "1970-03-04"
        );
        assert!(ftm_date("04.03.1970").is_none());
    }

    #[test]
    fn latin_names_are_told_from_other_scripts() {
        assert!(is_latin("José Müller"));
        assert!(!is_latin("Владимир Путин"));
        assert!(!is_latin("محمد"));
    }
}
