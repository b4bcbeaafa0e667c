//! The UN Security Council Consolidated Sanctions List, as published in XML
//! (`CONSOLIDATED_LIST` → `INDIVIDUALS` / `ENTITIES`; schema
//! <https://www.un.org/sc/resources/sc-sanctions.xsd>).
//!
//! Every individual becomes a person carrying an INTERPOL–UN Security Council Special Notice
//! (INTERPOL issues one for each of them). Entities (organisations) are not persons and
//! portwatch holds no organisations: they are counted in the [`ListSummary`] as skipped, with
//! the reason, never dropped silently.
//!
//! Mapping of an `INDIVIDUAL`:
//! - `REFERENCE_NUMBER` (`QDi.001`) → `source_id` and `owner_ref`;
//! - `FIRST_NAME` … `FOURTH_NAME` → the primary name; `NAME_ORIGINAL_SCRIPT` → an
//!   original-script name; `INDIVIDUAL_ALIAS` of quality `Good` → alias, `Low` → weak alias
//!   (several names in one alias, separated by `;`, become several aliases); an alias's own
//!   date and place of birth are kept with the person's;
//! - `INDIVIDUAL_DATE_OF_BIRTH`, every `TYPE_OF_DATE`: `EXACT` keeps the precision given
//!   (`DATE`, `YEAR`, or a month and year in `NOTE`), `APPROXIMATELY` becomes the years around
//!   the year given, `BETWEEN` every year from `FROM_YEAR` to `TO_YEAR` (see
//!   [`lists`](crate::lists) for the rules);
//! - `NATIONALITY` → ISO alpha-3 codes; `INDIVIDUAL_PLACE_OF_BIRTH` → a place written
//!   "city, province, ISO code";
//! - `INDIVIDUAL_DOCUMENT` → passports, national IDs and other identifiers, with the issuing
//!   country (`ISSUING_COUNTRY`, else `COUNTRY_OF_ISSUE`);
//! - `GENDER` → sex; individuals of the ISIL (Da'esh) and Al-Qaida list also get a
//!   terrorism-related information item.
//!
//! Values that cannot be mapped (a Hijri date, "30-35 years old", a country without an ISO
//! code, a document without a readable number) are left out and listed as warnings.
//!
//! The reader streams: one individual is held in memory at a time. Malformed XML (truncated,
//! wrongly nested, not UTF-8, an unknown entity) ends the reading with one error naming the
//! line and byte offset; an individual that breaks a rule of the model is reported with its
//! reference and the reading goes on.

use std::io::{BufReader, Read};

use portwatch_model::{
    AgencyId, IdentifierKind, NameKind, Notice, NoticeKind, RecordContent, Sex, TerrorismItem,
    Visibility,
};
use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::lists::{
    approximate, birth_clause, clean_text, date_range, place_with_country, prose_date, ListError,
    ListSummary, PersonDraft,
};

/// How errors name this input.
const FILE: &str = "un-xml";

/// Why entities are not imported.
const ENTITY_REASON: &str =
    "organisations are not persons: portwatch holds persons, travel documents and vehicles";

/// Deepest nesting accepted inside one entry (the schema needs three levels).
const MAX_DEPTH: usize = 16;

/// Starts reading a UN Consolidated List. Iterate to get one result per individual, then look
/// at [`UnReader::summary`].
pub fn read<R: Read>(input: R, owner: AgencyId, visibility: Visibility) -> UnReader<R> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(LineCounter::new(input)));
    xml.config_mut().check_end_names = true;
    UnReader {
        xml,
        buf: Vec::new(),
        owner,
        visibility,
        summary: ListSummary::default(),
        path: Vec::new(),
        seen_root: false,
        done: false,
    }
}

/// Reads individuals out of a UN Consolidated List, one per call to `next`.
pub struct UnReader<R: Read> {
    xml: quick_xml::Reader<BufReader<LineCounter<R>>>,
    buf: Vec<u8>,
    owner: AgencyId,
    visibility: Visibility,
    summary: ListSummary,
    /// Open elements above the entries: `CONSOLIDATED_LIST`, then `INDIVIDUALS`/`ENTITIES`.
    path: Vec<String>,
    seen_root: bool,
    done: bool,
}

impl<R: Read> UnReader<R> {
    /// What has been read so far; complete once the iterator has ended.
    pub fn summary(&self) -> &ListSummary {
        &self.summary
    }

    pub fn into_summary(self) -> ListSummary {
        self.summary
    }

    fn line_of(&self, byte: u64) -> u64 {
        self.xml.get_ref().get_ref().line_of(byte)
    }

    /// An error that ends the reading.
    fn fatal(&mut self, byte: u64, field: &str, rule: impl Into<String>) -> ListError {
        self.done = true;
        ListError::new(FILE, field, rule)
            .at_line(self.line_of(byte))
            .at_byte(byte)
    }

    fn where_am_i(&self) -> String {
        self.path
            .last()
            .cloned()
            .unwrap_or_else(|| "the document".into())
    }

    /// Reads the rest of the element whose start tag was just read, as a tree.
    fn read_element(&mut self, start: &BytesStart<'_>) -> Result<Element, ListError> {
        let mut stack = vec![Element::named(start)];
        loop {
            let before = self.xml.buffer_position();
            let event = match self.xml.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(e) => {
                    let at = self.xml.error_position();
                    let field = stack_path(&stack);
                    return Err(self.fatal(at, &field, format!("malformed XML: {e}")));
                }
            };
            let text = match event {
                Event::Start(s) => {
                    if stack.len() >= MAX_DEPTH {
                        let field = stack_path(&stack);
                        return Err(self.fatal(
                            before,
                            &field,
                            format!("elements nested deeper than {MAX_DEPTH} levels"),
                        ));
                    }
                    stack.push(Element::named(&s));
                    None
                }
                Event::Empty(s) => {
                    let child = Element::named(&s);
                    if let Some(top) = stack.last_mut() {
                        top.children.push(child);
                    }
                    None
                }
                Event::End(_) => {
                    let done = stack.pop().unwrap_or_default();
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => {
                            self.buf.clear();
                            return Ok(done);
                        }
                    }
                    None
                }
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => event_text(&event),
                Event::Eof => {
                    let field = stack_path(&stack);
                    return Err(self.fatal(
                        before,
                        &field,
                        format!(
                            "the input ends inside <{}>: the file is truncated",
                            stack.last().map(|e| e.name.as_str()).unwrap_or("?")
                        ),
                    ));
                }
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => None,
            };
            self.buf.clear();
            match text {
                Some(Ok(text)) => {
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&text);
                    }
                }
                Some(Err(rule)) => {
                    let field = stack_path(&stack);
                    return Err(self.fatal(before, &field, rule));
                }
                None => {}
            }
        }
    }

    /// Handles one event above the entries; returns an item when one is ready.
    fn step(&mut self) -> Option<Result<RecordContent, ListError>> {
        let before = self.xml.buffer_position();
        let event = match self.xml.read_event_into(&mut self.buf) {
            Ok(event) => event.into_owned(),
            Err(e) => {
                let at = self.xml.error_position();
                let field = self.where_am_i();
                return Some(Err(self.fatal(at, &field, format!("malformed XML: {e}"))));
            }
        };
        self.buf.clear();
        match event {
            Event::Decl(decl) => {
                let encoding = decl
                    .encoding()
                    .and_then(Result::ok)
                    .map(|e| String::from_utf8_lossy(&e).to_ascii_lowercase());
                match encoding.as_deref() {
                    None | Some("utf-8") | Some("utf8") => None,
                    Some(other) => Some(Err(self.fatal(
                        before,
                        "encoding",
                        format!("the list must be encoded in UTF-8, it declares {other:?}"),
                    ))),
                }
            }
            Event::Start(start) => self.enter(&start, before, false),
            Event::Empty(start) => self.enter(&start, before, true),
            Event::End(_) => {
                self.path.pop();
                None
            }
            Event::Text(t) => match t.xml10_content() {
                Ok(text) if text.trim().is_empty() => None,
                Ok(text) => {
                    let field = self.where_am_i();
                    let rule = format!("text {:?} outside an entry", clean_text(&text));
                    Some(Err(self.fatal(before, &field, rule)))
                }
                Err(e) => {
                    let field = self.where_am_i();
                    Some(Err(self.fatal(
                        before,
                        &field,
                        format!("text is not valid: {e}"),
                    )))
                }
            },
            Event::CData(_) | Event::GeneralRef(_) => {
                let field = self.where_am_i();
                Some(Err(self.fatal(before, &field, "text outside an entry")))
            }
            Event::Comment(_) | Event::PI(_) | Event::DocType(_) => None,
            Event::Eof => {
                self.done = true;
                if let Some(open) = self.path.last().cloned() {
                    Some(Err(self.fatal(
                        before,
                        &open,
                        format!("the input ends inside <{open}>: the file is truncated"),
                    )))
                } else if !self.seen_root {
                    Some(Err(self.fatal(
                        before,
                        "CONSOLIDATED_LIST",
                        "no <CONSOLIDATED_LIST> root element: not a UN Consolidated List",
                    )))
                } else {
                    None
                }
            }
        }
    }

    /// A start (or empty) tag above the entries: a container to enter, an entry to read, or
    /// an element out of place.
    fn enter(
        &mut self,
        start: &BytesStart<'_>,
        before: u64,
        empty: bool,
    ) -> Option<Result<RecordContent, ListError>> {
        let name = element_name(start);
        let parent = self.path.last().map(String::as_str);
        match (parent, name.as_str()) {
            (None, "CONSOLIDATED_LIST") if !self.seen_root => {
                self.seen_root = true;
                if !empty {
                    self.path.push(name);
                }
                None
            }
            (Some("CONSOLIDATED_LIST"), "INDIVIDUALS" | "ENTITIES") => {
                if !empty {
                    self.path.push(name);
                }
                None
            }
            (Some("INDIVIDUALS"), "INDIVIDUAL") => {
                let element = if empty {
                    Element::named(start)
                } else {
                    match self.read_element(start) {
                        Ok(e) => e,
                        Err(e) => return Some(Err(e)),
                    }
                };
                let line = self.line_of(before);
                Some(self.individual(&element, line, before))
            }
            (Some("ENTITIES"), "ENTITY") => {
                if !empty {
                    if let Err(e) = self.read_element(start) {
                        return Some(Err(e));
                    }
                }
                self.summary.skip("entity", ENTITY_REASON);
                None
            }
            _ => {
                let inside = parent
                    .map(|p| format!("<{p}>"))
                    .unwrap_or_else(|| "the document".into());
                let field = self.where_am_i();
                let rule = format!("unexpected element <{name}> inside {inside}");
                Some(Err(self.fatal(before, &field, rule)))
            }
        }
    }

    /// Maps one `INDIVIDUAL` and counts it.
    fn individual(
        &mut self,
        el: &Element,
        line: u64,
        byte: u64,
    ) -> Result<RecordContent, ListError> {
        let located = |e: ListError| e.at_line(line).at_byte(byte);
        let Some(reference) = el.text_of("REFERENCE_NUMBER") else {
            let mut e = located(ListError::new(
                FILE,
                "REFERENCE_NUMBER",
                "an individual needs its UN reference number",
            ));
            e.entry = el.text_of("DATAID").map(|id| format!("DATAID {id}"));
            self.summary.record(&Err(e.clone()), Vec::new());
            return Err(e);
        };
        match person_draft(el, &reference) {
            Err(e) => {
                let e = located(e.in_entry(reference));
                self.summary.record(&Err(e.clone()), Vec::new());
                Err(e)
            }
            Ok(draft) => {
                let (content, warnings) = draft.into_content(&self.owner, &self.visibility);
                let result = content
                    .map_err(|e| located(ListError::from_model(FILE, e).in_entry(reference)));
                self.summary.record(&result, warnings);
                result
            }
        }
    }
}

impl<R: Read> Iterator for UnReader<R> {
    type Item = Result<RecordContent, ListError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            if let Some(item) = self.step() {
                return Some(item);
            }
        }
        None
    }
}

/// Gathers a person out of an `INDIVIDUAL` element.
fn person_draft(el: &Element, reference: &str) -> Result<PersonDraft, ListError> {
    let mut d = PersonDraft::new(reference);
    let primary: Vec<String> = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
        .iter()
        .filter_map(|f| el.text_of(f))
        .collect();
    if primary.is_empty() {
        return Err(ListError::new(
            FILE,
            "FIRST_NAME",
            "an individual needs a name (FIRST_NAME to FOURTH_NAME are all empty)",
        ));
    }
    d.add_name("FIRST_NAME", &primary.join(" "), NameKind::Primary);
    for original in el.children_named("NAME_ORIGINAL_SCRIPT") {
        d.add_name(
            "NAME_ORIGINAL_SCRIPT",
            &original.text,
            NameKind::OriginalScript,
        );
    }
    add_aliases(&mut d, el);
    add_birth_dates(&mut d, el);
    for place in el.children_named("INDIVIDUAL_PLACE_OF_BIRTH") {
        let parts: Vec<String> = ["STREET", "CITY", "STATE_PROVINCE", "COUNTRY"]
            .iter()
            .map(|f| place.text_of(f).unwrap_or_default())
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        place_with_country(&mut d, "INDIVIDUAL_PLACE_OF_BIRTH", &parts);
    }
    for nationality in el.children_named("NATIONALITY") {
        for value in nationality.children_named("VALUE") {
            let name = clean_text(&value.text);
            // "na" is the list's "not applicable", not a country.
            if !name.eq_ignore_ascii_case("na") {
                d.add_nationality("NATIONALITY", &name);
            }
        }
    }
    if let Some(gender) = el.text_of("GENDER") {
        match gender.to_ascii_lowercase().as_str() {
            "male" => d.sex = Some(Sex::Male),
            "female" => d.sex = Some(Sex::Female),
            _ => d.warn("GENDER", &gender, "neither Male nor Female"),
        }
    }
    add_documents(&mut d, el);
    d.notices.push(Notice {
        kind: NoticeKind::InterpolUnSpecial,
        diffusion: false,
        reference: Some(reference.to_string()),
        issued_on: None,
    });
    if el.text_of("UN_LIST_TYPE").as_deref() == Some("Al-Qaida") {
        let listed = el
            .text_of("LISTED_ON")
            .map(|d| format!(" on {d}"))
            .unwrap_or_default();
        d.terrorism_items.push(TerrorismItem {
            reference: reference.to_string(),
            summary: format!(
                "Listed{listed} by the UN Security Council under the ISIL (Da'esh) and \
                 Al-Qaida sanctions regime"
            ),
        });
    }
    Ok(d)
}

fn add_aliases(d: &mut PersonDraft, el: &Element) {
    for alias in el.children_named("INDIVIDUAL_ALIAS") {
        let Some(names) = alias.text_of("ALIAS_NAME") else {
            continue;
        };
        let quality = alias.text_of("QUALITY").unwrap_or_default();
        let kind = if quality.eq_ignore_ascii_case("low") {
            NameKind::WeakAlias
        } else {
            NameKind::Alias
        };
        for name in split_alias_names(&names) {
            d.add_name("INDIVIDUAL_ALIAS/ALIAS_NAME", name, kind);
        }
        if let Some(date) = alias.text_of("DATE_OF_BIRTH") {
            match prose_date(&date) {
                Some(date) => d.add_birth_dates([date]),
                None => d.warn("INDIVIDUAL_ALIAS/DATE_OF_BIRTH", &date, "not a date"),
            }
        }
        let city = alias.text_of("CITY_OF_BIRTH").unwrap_or_default();
        let country = alias.text_of("COUNTRY_OF_BIRTH").unwrap_or_default();
        place_with_country(d, "INDIVIDUAL_ALIAS/COUNTRY_OF_BIRTH", &[&city, &country]);
    }
}

/// Splits "Azim Adhajani; Azim Agha-Jani" and "Mohammad Sabet b) M. Javad Sabet" into names.
fn split_alias_names(raw: &str) -> Vec<&str> {
    let mut names = Vec::new();
    for part in raw.split(';') {
        let mut rest = part;
        // Enumerations "a) … b) …": cut before each single letter followed by ')'.
        while let Some(cut) = find_enumerator(rest) {
            names.push(&rest[..cut]);
            rest = &rest[cut + 3..];
        }
        names.push(rest);
    }
    names
        .into_iter()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect()
}

/// Byte offset of a " x)" enumerator (one ASCII letter and a parenthesis after a space).
fn find_enumerator(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(2)).find(|&i| {
        b[i] == b' '
            && b[i + 1].is_ascii_lowercase()
            && b[i + 2] == b')'
            && b.get(i + 3).is_none_or(|c| *c == b' ')
    })
}

fn add_birth_dates(d: &mut PersonDraft, el: &Element) {
    const FIELD: &str = "INDIVIDUAL_DATE_OF_BIRTH";
    for dob in el.children_named(FIELD) {
        let kind = dob
            .text_of("TYPE_OF_DATE")
            .unwrap_or_default()
            .to_ascii_uppercase();
        let stated = dob.text_of("DATE").or_else(|| dob.text_of("YEAR"));
        let note = dob.text_of("NOTE");
        if kind == "BETWEEN" {
            let (from, to) = (dob.text_of("FROM_YEAR"), dob.text_of("TO_YEAR"));
            let range = match (
                from.as_deref().and_then(prose_date),
                to.as_deref().and_then(prose_date),
            ) {
                (Some(from), Some(to)) => date_range(from, to),
                _ => Err("BETWEEN needs a FROM_YEAR and a TO_YEAR as YYYY".to_string()),
            };
            match range {
                Ok(dates) => d.add_birth_dates(dates),
                Err(rule) => d.warn(
                    FIELD,
                    &format!("{} to {}", from.unwrap_or_default(), to.unwrap_or_default()),
                    rule,
                ),
            }
            continue;
        }
        // Without a DATE or YEAR the date may be written in the note ("Nov. 1973").
        let (raw, from_note) = match (&stated, &note) {
            (Some(s), _) => (s.clone(), false),
            (None, Some(n)) => (n.clone(), true),
            (None, None) => continue,
        };
        if from_note {
            // A note may hold a month ("Nov. 1973") or a range ("Between Aug. and Sep. 1977").
            match birth_clause(&raw) {
                Ok(dates) if kind == "APPROXIMATELY" => {
                    d.add_birth_dates(dates.into_iter().flat_map(approximate))
                }
                Ok(dates) => d.add_birth_dates(dates),
                Err(rule) => d.warn("INDIVIDUAL_DATE_OF_BIRTH/NOTE", &raw, rule),
            }
            continue;
        }
        let Some(date) = prose_date(&raw) else {
            d.warn(FIELD, &raw, "not a date as YYYY-MM-DD or YYYY");
            continue;
        };
        match kind.as_str() {
            "APPROXIMATELY" => d.add_birth_dates(approximate(date)),
            "EXACT" | "" => d.add_birth_dates([date]),
            other => {
                d.warn(
                    "INDIVIDUAL_DATE_OF_BIRTH/TYPE_OF_DATE",
                    other,
                    "unknown type of date; the date is kept as exact",
                );
                d.add_birth_dates([date]);
            }
        }
    }
}

fn add_documents(d: &mut PersonDraft, el: &Element) {
    for doc in el.children_named("INDIVIDUAL_DOCUMENT") {
        let kind_text = doc.text_of("TYPE_OF_DOCUMENT");
        let detail = doc.text_of("TYPE_OF_DOCUMENT2");
        let Some(number) = doc.text_of("NUMBER") else {
            if let Some(kind) = kind_text.or(detail) {
                d.warn(
                    "INDIVIDUAL_DOCUMENT/NUMBER",
                    &kind,
                    "a document without a number cannot be matched",
                );
            }
            continue;
        };
        let kind = document_kind(
            kind_text.as_deref().unwrap_or_default(),
            detail.as_deref().unwrap_or_default(),
        );
        let country = match doc
            .text_of("ISSUING_COUNTRY")
            .or_else(|| doc.text_of("COUNTRY_OF_ISSUE"))
        {
            Some(name) => d.country("INDIVIDUAL_DOCUMENT/ISSUING_COUNTRY", &name),
            None => None,
        };
        d.add_identifier("INDIVIDUAL_DOCUMENT/NUMBER", kind, &number, country);
    }
}

/// The kind of a document from its `TYPE_OF_DOCUMENT` (Passport or National Identification
/// Number, sometimes in French or Spanish) and the free text of `TYPE_OF_DOCUMENT2`, which
/// may say it is a passport, or neither (a ration card, a driving permit …).
fn document_kind(kind: &str, detail: &str) -> IdentifierKind {
    const PASSPORT: [&str; 3] = ["passport", "passeport", "pasaporte"];
    const NEITHER: [&str; 13] = [
        "ration card",
        "birth certificate",
        "driver",
        "voter",
        "student",
        "social security",
        "fiscal code",
        "military",
        "residential",
        "serviceman",
        "fardc",
        "other id",
        "certificate of",
    ];
    let kind = clean_text(kind).to_lowercase();
    let detail = detail.to_lowercase();
    let says_passport = |text: &str| PASSPORT.iter().any(|p| text.contains(p));
    let says_neither = NEITHER.iter().any(|n| detail.contains(n));
    if says_passport(&detail) || (says_passport(&kind) && !says_neither) {
        IdentifierKind::Passport
    } else if says_neither {
        IdentifierKind::Other
    } else if kind.contains("national identification") {
        IdentifierKind::NationalId
    } else {
        IdentifierKind::Other
    }
}

/// The text an event adds to its element; an error for text that is not UTF-8 or an unknown
/// entity.
fn event_text(event: &Event<'_>) -> Option<Result<String, String>> {
    let not_utf8 = |e: quick_xml::encoding::EncodingError| format!("text is not valid UTF-8: {e}");
    match event {
        Event::Text(t) => Some(t.xml10_content().map(|c| c.into_owned()).map_err(not_utf8)),
        Event::CData(c) => Some(c.decode().map(|c| c.into_owned()).map_err(not_utf8)),
        Event::GeneralRef(r) => Some(resolve_reference(r).map(String::from)),
        _ => None,
    }
}

/// The text of a predefined entity or character reference.
fn resolve_reference(r: &BytesRef<'_>) -> Result<char, String> {
    if r.is_char_ref() {
        return match r.resolve_char_ref() {
            Ok(Some(c)) => Ok(c),
            Ok(None) | Err(_) => Err(format!(
                "bad character reference &{};",
                String::from_utf8_lossy(r)
            )),
        };
    }
    match r.as_ref() {
        b"amp" => Ok('&'),
        b"lt" => Ok('<'),
        b"gt" => Ok('>'),
        b"apos" => Ok('\''),
        b"quot" => Ok('"'),
        other => Err(format!(
            "unknown entity &{};",
            String::from_utf8_lossy(other)
        )),
    }
}

fn element_name(start: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(start.name().as_ref()).into_owned()
}

/// "INDIVIDUAL/INDIVIDUAL_ALIAS/ALIAS_NAME" for the elements open.
fn stack_path(stack: &[Element]) -> String {
    stack
        .iter()
        .map(|e| e.name.as_str())
        .collect::<Vec<_>>()
        .join("/")
}

/// One element of an entry: its name, its text and its child elements (attributes are not
/// used by the list).
#[derive(Debug, Default)]
struct Element {
    name: String,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn named(start: &BytesStart<'_>) -> Self {
        Element {
            name: element_name(start),
            ..Element::default()
        }
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The cleaned text of the first child of that name, if it has any.
    fn text_of(&self, name: &str) -> Option<String> {
        self.children_named(name)
            .map(|c| clean_text(&c.text))
            .find(|t| !t.is_empty())
    }
}

/// Passes bytes through and remembers where lines end, so that errors can name a line.
struct LineCounter<R> {
    inner: R,
    read: u64,
    line_ends: Vec<u64>,
}

impl<R> LineCounter<R> {
    fn new(inner: R) -> Self {
        LineCounter {
            inner,
            read: 0,
            line_ends: Vec::new(),
        }
    }

    /// The 1-based line holding a byte offset.
    fn line_of(&self, byte: u64) -> u64 {
        self.line_ends.partition_point(|&end| end < byte) as u64 + 1
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                self.line_ends.push(self.read + i as u64);
            }
        }
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_fields_holding_several_names_are_split() {
        assert_eq!(
            split_alias_names("Mohammed Sabet; Mohammad Sabet b) M. Javad Kareemi Sabet"),
            ["Mohammed Sabet", "Mohammad Sabet", "M. Javad Kareemi Sabet"]
        );
        assert_eq!(split_alias_names("Abu Ali"), ["Abu Ali"]);
        assert!(split_alias_names(" ; ").is_empty());
    }

    #[test]
    fn document_kinds_follow_the_detail_text() {
        use IdentifierKind::*;
        assert_eq!(document_kind("Passport", ""), Passport);
        assert_eq!(document_kind("Numéro de passeport ", ""), Passport);
        assert_eq!(
            document_kind("National Identification Number", ""),
            NationalId
        );
        assert_eq!(
            document_kind("National Identification Number", "national passport"),
            Passport
        );
        assert_eq!(
            document_kind("National Identification Number", "Ration card no."),
            Other
        );
        assert_eq!(
            document_kind("National Identification Number", "Birth certificate"),
            Other
        );
        assert_eq!(
            document_kind(
                "National Identification Number",
                "Yemeni identity card number"
            ),
            NationalId
        );
        assert_eq!(
            document_kind("National Identification\n    Number", ""),
            NationalId
        );
    }

    #[test]
    fn lines_are_counted_across_reads() {
        let mut counter = LineCounter::new(&b"ab\ncd\n\nef"[..]);
        let mut out = Vec::new();
        counter.read_to_end(&mut out).unwrap();
        assert_eq!(counter.line_of(0), 1);
        assert_eq!(counter.line_of(3), 2);
        assert_eq!(counter.line_of(7), 4);
    }
}
