//! UN/EDIFACT PAXLST: the passenger and crew list carriers send to border authorities before a
//! ship, a plane or a train arrives (Advance Passenger Information).
//!
//! ```text
//! UNA:+.? '
//! UNB+UNOA:4+FRSFERRY:ZZ+ESBORDER:ZZ+240712:0830+IC0001'
//! UNH+M1+PAXLST:D:05B:UN:IATA'
//! BGM+745'
//! TDT+20+FRS123+++FRS'
//! LOC+125+ESALG'
//! DTM+189:2407121000:201'
//! LOC+87+MAPTM'
//! DTM+232:2407121130:201'
//! NAD+FL+++EL AMRANI:YOUSSEF'
//! ATT+2++M'
//! DTM+329:850714'
//! NAT+2+MAR'
//! DOC+P:110:111+AB1234567'
//! DTM+36:300101'
//! LOC+91+MAR'
//! CNT+42:1'
//! UNT+15+M1'
//! UNZ+1+IC0001'
//! ```
//!
//! What is read:
//! - **Service string advice** `UNA` (optional): the component and data-element separators,
//!   the decimal mark, the release character and the segment terminator, honoured throughout.
//!   Without it, EDIFACT's defaults `:` `+` `.` `?` `'` apply. A release character makes the
//!   next character literal (`O?'NEIL` is `O'NEIL`). Line breaks between segments are ignored.
//! - **Envelopes**: `UNB` … `UNZ` (the interchange), optional `UNG` … `UNE` groups, `UNH` …
//!   `UNT` messages of type `PAXLST`. Every count and reference is checked: `UNT` counts the
//!   message's segments, `UNE` the group's messages, `UNZ` the interchange's messages (or
//!   groups); a mismatch is an error naming the segment. A file that ends before `UNZ` is
//!   truncated.
//! - **The list**: `BGM+745` (passengers) or `BGM+250` (crew); `TDT+20` (voyage number,
//!   carrier), `LOC+125`/`LOC+87` with `DTM+189`/`DTM+232` (departure and arrival ports and
//!   times); `CNT+42` (passengers) or `CNT+41` (crew), checked against the travellers read.
//! - **Each traveller**, from `NAD+FL` (passenger) or `NAD+FM` (crew member) to the next one:
//!   the name (`surname:given:further given`), `ATT+2` sex (`M`, `F`, `U`), `DTM+329` date of
//!   birth (`YYMMDD`, the century chosen so that the birth is not in the future; `CCYYMMDD`
//!   with format `102`), `NAT+2` nationality, `LOC+22/178/179/174/180` (final destination,
//!   embarkation, disembarkation, country of residence, place of birth), `RFF` references,
//!   `DOC` document type and number, each with its `DTM+36` expiry and `LOC+91` issuing state.
//!
//! Countries are ICAO 9303 codes (`D` is Germany), mapped to ISO 3166-1 alpha-3 by `ident`;
//! `XXA`, `XXB`, `XXC`, `XXX` (stateless, refugee, unspecified) mean no nationality.
//!
//! A traveller becomes a manifest entry screened as a traveller (names, facts, the first
//! document); every further document is screened as a document too. A traveller whose
//! segments break a rule (a date that does not exist, an unknown country) is reported with the
//! line and segment and the others are still read; a broken envelope (bad separators, a missing
//! `UNH`, a count mismatch, a truncated file) stops the reading, since nothing in it can be
//! trusted. Nothing here panics, whatever the bytes.

use portwatch_engine::{Subject, TravellerRequest};
use time::Date;

use crate::manifest::{check_subject, document_entry, entry, ManifestError, ManifestItem};

/// Most segments one interchange may hold (a 1,000-passenger ferry sends about 15,000).
pub const MAX_SEGMENTS: usize = 1_000_000;
/// Longest data element component accepted.
const MAX_COMPONENT_BYTES: usize = 512;

/// The separators of an interchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Separators {
    pub component: u8,
    pub element: u8,
    pub decimal: u8,
    /// `None` when the UNA leaves it blank.
    pub release: Option<u8>,
    pub terminator: u8,
}

impl Default for Separators {
    fn default() -> Self {
        Separators {
            component: b':',
            element: b'+',
            decimal: b'.',
            release: Some(b'?'),
            terminator: b'\'',
        }
    }
}

/// Passengers or crew.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// `BGM+745`.
    Passengers,
    /// `BGM+250`.
    Crew,
}

/// A traveller's role, from the `NAD` qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `NAD+FL`.
    Passenger,
    /// `NAD+FM`.
    CrewMember,
}

impl Role {
    fn word(self) -> &'static str {
        match self {
            Role::Passenger => "passenger",
            Role::CrewMember => "crew",
        }
    }
}

/// The voyage a list is for (`TDT`, `LOC+125`, `LOC+87`, `DTM+189`, `DTM+232`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Voyage {
    /// The conveyance reference (voyage or flight number).
    pub number: Option<String>,
    /// The carrier's code.
    pub carrier: Option<String>,
    /// Port of departure (UN/LOCODE as sent, `ESALG`).
    pub departure_port: Option<String>,
    /// `YYYY-MM-DDTHH:MM` as sent (local time of the port).
    pub departure_time: Option<String>,
    pub arrival_port: Option<String>,
    pub arrival_time: Option<String>,
}

/// One travel document of a traveller (`DOC` with its `DTM+36` and `LOC+91`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The document type code as sent (`P` passport, `I` identity card, `V` visa …).
    pub kind: String,
    pub number: String,
    /// ISO 3166-1 alpha-3.
    pub issuing_state: Option<String>,
    /// `YYYY-MM-DD`.
    pub expiry: Option<String>,
}

/// One passenger or crew member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traveller {
    /// Line of the `NAD` segment.
    pub line: u64,
    pub role: Role,
    /// `passenger 3 (message M1)`: where the traveller sits in the interchange.
    pub reference: String,
    pub surname: String,
    pub given_names: Option<String>,
    /// `M`, `F`, or `X` (unspecified, PAXLST `U`).
    pub sex: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// ISO 3166-1 alpha-3.
    pub nationality: Option<String>,
    pub residence: Option<String>,
    pub birth_place: Option<String>,
    pub embarkation: Option<String>,
    pub disembarkation: Option<String>,
    pub destination: Option<String>,
    /// `RFF` references (`AVF:ABC123` booking, `SEA:12A` seat …).
    pub references: Vec<String>,
    pub documents: Vec<Document>,
}

/// One `UNH` … `UNT` message: a passenger or crew list for one voyage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The message reference (`UNH` first element).
    pub reference: String,
    pub list: ListKind,
    pub voyage: Voyage,
    /// Every traveller, or the error that kept one from being read.
    pub travellers: Vec<Result<Traveller, ManifestError>>,
}

/// A whole interchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interchange {
    pub separators: Separators,
    /// The UNB syntax identifier (`UNOA`, `UNOC` …).
    pub syntax: String,
    pub sender: String,
    pub recipient: String,
    /// `UNB` control reference.
    pub control_reference: String,
    pub messages: Vec<Message>,
}

impl Interchange {
    /// The manifest entries of every traveller of every message, in order (or the error of a
    /// traveller that could not be read).
    pub fn items(&self) -> Vec<Result<ManifestItem, ManifestError>> {
        self.messages
            .iter()
            .flat_map(|m| m.travellers.iter())
            .map(|t| t.as_ref().map_err(Clone::clone).and_then(traveller_item))
            .collect()
    }
}

/// Reads a PAXLST interchange. `today` decides the century of two-digit birth years (a birth
/// is never in the future).
pub fn read(input: &[u8], today: Date) -> Result<Interchange, ManifestError> {
    let (separators, segments) = tokenize(input)?;
    Parser {
        segments: &segments,
        at: 0,
        today,
        latin1: false,
    }
    .interchange(separators)
}

/// Reads a PAXLST interchange straight into manifest items (see [`read`]).
pub fn read_items(
    input: &[u8],
    today: Date,
) -> Result<Vec<Result<ManifestItem, ManifestError>>, ManifestError> {
    Ok(read(input, today)?.items())
}

// ---- Tokens --------------------------------------------------------------------------------

/// One segment: its tag and its data elements, each a list of components (raw bytes, released
/// characters already unescaped).
#[derive(Debug)]
struct Segment {
    /// 1-based position in the interchange (UNA not counted).
    index: u64,
    line: u64,
    tag: String,
    elements: Vec<Vec<Vec<u8>>>,
}

fn reads_separators(input: &[u8]) -> Result<(Separators, usize), ManifestError> {
    let Some(rest) = input.strip_prefix(b"UNA") else {
        return Ok((Separators::default(), 0));
    };
    let Some(chars) = rest.get(..6) else {
        return Err(ManifestError::new(
            1,
            "UNA",
            "the service string advice is cut short: UNA is followed by exactly six characters \
             (component and element separators, decimal mark, release character, a reserved \
             character, segment terminator)",
        ));
    };
    let release = (chars[3] != b' ').then_some(chars[3]);
    let s = Separators {
        component: chars[0],
        element: chars[1],
        decimal: chars[2],
        release,
        terminator: chars[5],
    };
    let mut used = vec![s.component, s.element, s.terminator];
    used.extend(s.release);
    let distinct = used.iter().enumerate().all(|(i, c)| !used[..i].contains(c));
    let printable = used.iter().all(|c| c.is_ascii_graphic());
    let clashes = used.iter().any(|c| c.is_ascii_alphanumeric());
    if !distinct || !printable || clashes {
        return Err(ManifestError::new(
            1,
            "UNA",
            format!(
                "the separators {:?} must be distinct printable characters that are neither \
                 letters nor digits",
                String::from_utf8_lossy(chars)
            ),
        ));
    }
    Ok((s, 9))
}

/// Cuts the interchange into segments, honouring the UNA's separators and release character.
fn tokenize(input: &[u8]) -> Result<(Separators, Vec<Segment>), ManifestError> {
    let (sep, start) = reads_separators(input)?;
    let mut segments = Vec::new();
    let mut line = 1u64;
    let mut elements: Vec<Vec<Vec<u8>>> = vec![vec![Vec::new()]];
    let mut seg_line = line;
    let mut empty = true;
    let mut i = start;
    while i < input.len() {
        let b = input[i];
        i += 1;
        if empty && (b == b'\n' || b == b'\r' || b == b' ' || b == b'\t') {
            if b == b'\n' {
                line += 1;
            }
            continue;
        }
        if empty {
            seg_line = line;
            empty = false;
        }
        if Some(b) == sep.release {
            let Some(&next) = input.get(i) else {
                return Err(ManifestError::new(
                    line,
                    "",
                    "the file is truncated: it ends after a release character",
                ));
            };
            i += 1;
            if next == b'\n' {
                line += 1;
            }
            push_byte(&mut elements, next, line)?;
        } else if b == sep.element {
            elements.push(vec![Vec::new()]);
        } else if b == sep.component {
            if let Some(e) = elements.last_mut() {
                e.push(Vec::new());
            }
        } else if b == sep.terminator {
            let index = segments.len() as u64 + 1;
            segments.push(segment(index, seg_line, std::mem::take(&mut elements))?);
            if segments.len() > MAX_SEGMENTS {
                return Err(ManifestError::new(
                    line,
                    "",
                    format!("more than {MAX_SEGMENTS} segments in one interchange"),
                ));
            }
            elements = vec![vec![Vec::new()]];
            empty = true;
        } else {
            if b == b'\n' {
                line += 1;
            }
            push_byte(&mut elements, b, line)?;
        }
    }
    if !empty {
        return Err(ManifestError::new(
            seg_line,
            "",
            format!(
                "the file is truncated: its last segment has no terminator {:?}",
                char::from(sep.terminator)
            ),
        ));
    }
    Ok((sep, segments))
}

fn push_byte(elements: &mut [Vec<Vec<u8>>], b: u8, line: u64) -> Result<(), ManifestError> {
    if let Some(component) = elements.last_mut().and_then(|e| e.last_mut()) {
        if component.len() >= MAX_COMPONENT_BYTES {
            return Err(ManifestError::new(
                line,
                "",
                format!(
                    "a data element is longer than {MAX_COMPONENT_BYTES} bytes (is the segment \
                     terminator right?)"
                ),
            ));
        }
        component.push(b);
    }
    Ok(())
}

fn segment(
    index: u64,
    line: u64,
    mut elements: Vec<Vec<Vec<u8>>>,
) -> Result<Segment, ManifestError> {
    let raw_tag = elements
        .first()
        .and_then(|e| e.first())
        .cloned()
        .unwrap_or_default();
    let tag_ok = raw_tag.len() == 3 && raw_tag.iter().all(|c| c.is_ascii_uppercase());
    if !tag_ok {
        let shown: String = String::from_utf8_lossy(&raw_tag).chars().take(30).collect();
        return Err(ManifestError {
            line,
            segment: Some((index, shown.clone())),
            field: String::new(),
            rule: format!(
                "a segment starts with a tag of three capital letters, got {shown:?} (are the \
                 separators the ones the UNA declares, or the defaults `:+.? '`?)"
            ),
        });
    }
    elements.remove(0);
    Ok(Segment {
        index,
        line,
        tag: String::from_utf8_lossy(&raw_tag).into_owned(),
        elements,
    })
}

// ---- Segments --------------------------------------------------------------------------------

impl Segment {
    fn error(&self, field: impl Into<String>, rule: impl Into<String>) -> ManifestError {
        ManifestError {
            line: self.line,
            segment: Some((self.index, self.tag.clone())),
            field: field.into(),
            rule: rule.into(),
        }
    }

    /// Component `c` of element `e` (both 0-based, after the tag) as bytes; empty when absent.
    fn raw(&self, e: usize, c: usize) -> &[u8] {
        self.elements
            .get(e)
            .and_then(|el| el.get(c))
            .map_or(&[][..], Vec::as_slice)
    }

    /// Component `c` of element `e` as text (trimmed), `None` when absent or blank.
    fn text(
        &self,
        e: usize,
        c: usize,
        latin1: bool,
        field: &str,
    ) -> Result<Option<String>, ManifestError> {
        let raw = self.raw(e, c);
        let text = match std::str::from_utf8(raw) {
            Ok(t) => t.to_string(),
            Err(_) if latin1 => raw.iter().map(|&b| char::from(b)).collect(),
            Err(_) => {
                return Err(self.error(
                    field,
                    "is not valid text in the interchange's character set (UTF-8, or Latin-1 \
                     when the UNB says UNOC)",
                ))
            }
        };
        if text.chars().any(char::is_control) {
            return Err(self.error(field, "must not contain control characters"));
        }
        let text = text.trim();
        Ok((!text.is_empty()).then(|| text.to_string()))
    }

    /// The qualifier: element 0, component 0, as text.
    fn qualifier(&self) -> String {
        String::from_utf8_lossy(self.raw(0, 0)).trim().to_string()
    }

    /// `TAG+QUALIFIER`, the name errors give a field.
    fn field(&self) -> String {
        format!("{}+{}", self.tag, self.qualifier())
    }

    fn number(&self, e: usize, field: &str) -> Result<u64, ManifestError> {
        let raw = String::from_utf8_lossy(self.raw(e, 0)).trim().to_string();
        raw.parse::<u64>()
            .map_err(|_| self.error(field, format!("must be a count, got {raw:?}")))
    }
}

// ---- The parser ------------------------------------------------------------------------------

struct Parser<'a> {
    segments: &'a [Segment],
    at: usize,
    today: Date,
    /// Text is Latin-1 (UNB syntax UNOC): bytes that are not UTF-8 are read as Latin-1.
    latin1: bool,
}

/// Where the input ended too soon.
fn truncated(last: Option<&Segment>, wanted: &str) -> ManifestError {
    let line = last.map_or(1, |s| s.line);
    let mut e = ManifestError::new(
        line,
        "",
        format!("the file is truncated: it ends before {wanted}"),
    );
    e.segment = last.map(|s| (s.index, s.tag.clone()));
    e
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a Segment> {
        self.segments.get(self.at)
    }

    fn next(&mut self, wanted: &str) -> Result<&'a Segment, ManifestError> {
        match self.segments.get(self.at) {
            Some(s) => {
                self.at += 1;
                Ok(s)
            }
            None => Err(truncated(self.segments.last(), wanted)),
        }
    }

    fn interchange(mut self, separators: Separators) -> Result<Interchange, ManifestError> {
        let unb = self.next("UNB")?;
        if unb.tag != "UNB" {
            return Err(unb.error(
                "",
                format!(
                    "an interchange starts with UNB (after an optional UNA), got {}",
                    unb.tag
                ),
            ));
        }
        let syntax = String::from_utf8_lossy(unb.raw(0, 0)).trim().to_string();
        if !syntax.starts_with("UNO") || syntax.len() != 4 {
            return Err(unb.error(
                "UNB syntax identifier",
                format!("must be UNOA, UNOB, UNOC … UNOY, got {syntax:?}"),
            ));
        }
        self.latin1 = syntax == "UNOC";
        let sender = self.required(unb, 1, "UNB sender")?;
        let recipient = self.required(unb, 2, "UNB recipient")?;
        let control_reference = self.required(unb, 4, "UNB control reference")?;
        let mut messages = Vec::new();
        let mut units = 0u64;
        loop {
            let seg = self.next("UNZ")?;
            match seg.tag.as_str() {
                "UNH" => {
                    self.at -= 1;
                    messages.push(self.message()?);
                    units += 1;
                }
                "UNG" => {
                    self.group(seg, &mut messages)?;
                    units += 1;
                }
                "UNZ" => {
                    self.close(seg, units, &control_reference, "messages or groups", "UNB")?;
                    break;
                }
                other => {
                    return Err(seg.error(
                        "",
                        format!(
                            "{other} outside a message: a message starts with UNH (is UNH \
                             missing?)"
                        ),
                    ))
                }
            }
        }
        if let Some(extra) = self.peek() {
            return Err(extra.error("", "segments after UNZ: the interchange has ended"));
        }
        Ok(Interchange {
            separators,
            syntax,
            sender,
            recipient,
            control_reference,
            messages,
        })
    }

    fn required(&self, seg: &Segment, e: usize, field: &str) -> Result<String, ManifestError> {
        seg.text(e, 0, self.latin1, field)?
            .ok_or_else(|| seg.error(field, "is required"))
    }

    /// Checks a closing segment's count and reference.
    fn close(
        &self,
        seg: &Segment,
        counted: u64,
        reference: &str,
        what: &str,
        opener: &str,
    ) -> Result<(), ManifestError> {
        let field = format!("{} count", seg.tag);
        let declared = seg.number(0, &field)?;
        if declared != counted {
            return Err(seg.error(
                field,
                format!("says {declared} {what} but there are {counted}"),
            ));
        }
        let closing = seg
            .text(1, 0, self.latin1, "reference")?
            .unwrap_or_default();
        if closing != reference {
            return Err(seg.error(
                format!("{} reference", seg.tag),
                format!("must repeat the {opener} reference {reference:?}, got {closing:?}"),
            ));
        }
        Ok(())
    }

    fn group(&mut self, ung: &Segment, messages: &mut Vec<Message>) -> Result<(), ManifestError> {
        let reference = self.required(ung, 4, "UNG group reference")?;
        let mut count = 0u64;
        loop {
            let seg = self.next("UNE")?;
            match seg.tag.as_str() {
                "UNH" => {
                    self.at -= 1;
                    messages.push(self.message()?);
                    count += 1;
                }
                "UNE" => return self.close(seg, count, &reference, "messages", "UNG"),
                other => {
                    return Err(seg.error(
                        "",
                        format!(
                        "{other} outside a message: a message starts with UNH (is UNH missing?)"
                    ),
                    ))
                }
            }
        }
    }

    fn message(&mut self) -> Result<Message, ManifestError> {
        let unh = self.next("UNH")?;
        let reference = self.required(unh, 0, "UNH message reference")?;
        let kind = String::from_utf8_lossy(unh.raw(1, 0)).trim().to_string();
        if kind != "PAXLST" {
            return Err(unh.error("UNH message type", format!("must be PAXLST, got {kind:?}")));
        }
        let mut body = Vec::new();
        let unt = loop {
            let seg = self.next("UNT")?;
            match seg.tag.as_str() {
                "UNT" => break seg,
                "UNH" | "UNZ" | "UNE" | "UNG" | "UNB" => {
                    return Err(seg.error(
                        "",
                        format!("{} inside message {reference:?}: UNT is missing", seg.tag),
                    ))
                }
                _ => body.push(seg),
            }
        };
        let counted = body.len() as u64 + 2;
        self.close(unt, counted, &reference, "segments (UNH to UNT)", "UNH")?;
        MessageReader::new(self, &reference).read(unh, &body)
    }
}

// ---- One message ------------------------------------------------------------------------------

struct MessageReader<'p, 'a> {
    parser: &'p Parser<'a>,
    reference: String,
}

/// A traveller being read, and the first error in its segments.
struct Draft {
    traveller: Traveller,
    error: Option<ManifestError>,
}

impl<'p, 'a> MessageReader<'p, 'a> {
    fn new(parser: &'p Parser<'a>, reference: &str) -> Self {
        MessageReader {
            parser,
            reference: reference.to_string(),
        }
    }

    fn text(
        &self,
        seg: &Segment,
        e: usize,
        c: usize,
        field: &str,
    ) -> Result<Option<String>, ManifestError> {
        seg.text(e, c, self.parser.latin1, field)
    }

    fn read(self, unh: &Segment, body: &[&Segment]) -> Result<Message, ManifestError> {
        let Some(bgm) = body.first().filter(|s| s.tag == "BGM") else {
            return Err(unh.error("BGM", "a message starts with BGM after UNH"));
        };
        let list = match bgm.qualifier().as_str() {
            "745" => ListKind::Passengers,
            "250" => ListKind::Crew,
            other => {
                return Err(bgm.error(
                    "BGM document name",
                    format!("must be 745 (passenger list) or 250 (crew list), got {other:?}"),
                ))
            }
        };
        let mut voyage = Voyage::default();
        let mut travellers = Vec::new();
        let mut current: Option<Draft> = None;
        let mut counts: Vec<(&Segment, u64)> = Vec::new();
        let mut roles = [0u64; 2];
        for seg in &body[1..] {
            match (seg.tag.as_str(), seg.qualifier().as_str()) {
                ("NAD", "FL" | "FM" | "DDT" | "DDU") => {
                    travellers.extend(current.take().map(finish));
                    let role = if matches!(seg.qualifier().as_str(), "FL" | "DDU") {
                        Role::Passenger
                    } else {
                        Role::CrewMember
                    };
                    let n = &mut roles[usize::from(role == Role::CrewMember)];
                    *n += 1;
                    current = Some(self.start(seg, role, *n));
                }
                ("NAD", _) => travellers.extend(current.take().map(finish)),
                ("CNT", _) => {
                    travellers.extend(current.take().map(finish));
                    counts.push((seg, seg_count(seg)));
                }
                _ => match current.as_mut() {
                    Some(draft) => {
                        if draft.error.is_none() {
                            if let Err(e) = self.traveller_segment(seg, &mut draft.traveller) {
                                draft.error = Some(e);
                            }
                        }
                    }
                    None => self.voyage_segment(seg, &mut voyage)?,
                },
            }
        }
        travellers.extend(current.take().map(finish));
        for (seg, declared) in counts {
            let counted = match seg.qualifier().as_str() {
                "42" => roles[0],
                "41" => roles[1],
                _ => continue,
            };
            if declared != counted {
                return Err(seg.error(
                    seg.field(),
                    format!("says {declared} travellers but the message lists {counted}"),
                ));
            }
        }
        Ok(Message {
            reference: self.reference,
            list,
            voyage,
            travellers,
        })
    }

    fn start(&self, nad: &Segment, role: Role, n: u64) -> Draft {
        let reference = format!("{} {n} (message {})", role.word(), self.reference);
        let mut traveller = Traveller {
            line: nad.line,
            role,
            reference,
            surname: String::new(),
            given_names: None,
            sex: None,
            birth_date: None,
            nationality: None,
            residence: None,
            birth_place: None,
            embarkation: None,
            disembarkation: None,
            destination: None,
            references: Vec::new(),
            documents: Vec::new(),
        };
        let error = self.name(nad, &mut traveller).err();
        Draft { traveller, error }
    }

    /// `NAD+FL+++SURNAME:GIVEN:FURTHER GIVEN'`: the name is element 4 (or 3, where senders put
    /// it).
    fn name(&self, nad: &Segment, t: &mut Traveller) -> Result<(), ManifestError> {
        let field = format!("{} name", nad.field());
        let e = if nad.elements.len() > 3 { 3 } else { 2 };
        let surname = self.text(nad, e, 0, &field)?;
        let mut given = Vec::new();
        for c in 1..nad.elements.get(e).map_or(0, Vec::len) {
            given.extend(self.text(nad, e, c, &field)?);
        }
        t.surname = surname.ok_or_else(|| {
            nad.error(
                field,
                "the traveller's surname is required (NAD+FL+++SURNAME:GIVEN)",
            )
        })?;
        t.given_names = (!given.is_empty()).then(|| given.join(" "));
        Ok(())
    }

    fn voyage_segment(&self, seg: &Segment, v: &mut Voyage) -> Result<(), ManifestError> {
        match (seg.tag.as_str(), seg.qualifier().as_str()) {
            ("TDT", _) => {
                v.number = self.text(seg, 1, 0, "TDT conveyance reference")?;
                v.carrier = self.text(seg, 4, 0, "TDT carrier")?;
            }
            ("LOC", "125") => v.departure_port = self.text(seg, 1, 0, "LOC+125")?,
            ("LOC", "87") => v.arrival_port = self.text(seg, 1, 0, "LOC+87")?,
            ("DTM", "189") => v.departure_time = Some(self.date_time(seg)?),
            ("DTM", "232") => v.arrival_time = Some(self.date_time(seg)?),
            _ => {}
        }
        Ok(())
    }

    /// `DTM+189:YYMMDDHHMM:201` → `YYYY-MM-DDTHH:MM` (20YY: a voyage is of this century).
    fn date_time(&self, seg: &Segment) -> Result<String, ManifestError> {
        let field = seg.field();
        let raw = self.text(seg, 0, 1, &field)?.unwrap_or_default();
        let digits = raw.len() == 10 && raw.bytes().all(|b| b.is_ascii_digit());
        let parsed = digits
            .then(|| {
                let (date, time) = raw.split_at(6);
                let d = calendar(2000, date)?;
                let (h, m) = (num(&time[..2]), num(&time[2..]));
                (h < 24 && m < 60).then(|| format!("{d}T{h:02}:{m:02}"))
            })
            .flatten();
        parsed.ok_or_else(|| {
            seg.error(
                field,
                format!("must be a date and time YYMMDDHHMM, got {raw:?}"),
            )
        })
    }

    fn traveller_segment(&self, seg: &Segment, t: &mut Traveller) -> Result<(), ManifestError> {
        let field = seg.field();
        match (seg.tag.as_str(), seg.qualifier().as_str()) {
            ("ATT", "2") => {
                let code = self.text(seg, 2, 0, &field)?.unwrap_or_default();
                t.sex = Some(match code.as_str() {
                    "M" | "F" => code,
                    "U" | "X" => "X".to_string(),
                    _ => {
                        return Err(seg.error(field, format!("sex must be M, F or U, got {code:?}")))
                    }
                });
            }
            ("DTM", "329") => t.birth_date = Some(self.birth_date(seg)?),
            ("DTM", "36") => {
                let expiry = self.date(seg, 2000)?;
                match t.documents.last_mut() {
                    Some(doc) => doc.expiry = Some(expiry),
                    None => return Err(seg.error(field, "an expiry date follows its DOC segment")),
                }
            }
            ("NAT", "2") => t.nationality = self.country(seg, 1)?,
            ("LOC", "91") => {
                let state = self.country(seg, 1)?;
                match t.documents.last_mut() {
                    Some(doc) => doc.issuing_state = state,
                    None => {
                        return Err(seg.error(field, "an issuing state follows its DOC segment"))
                    }
                }
            }
            ("LOC", "174") => t.residence = self.country(seg, 1)?,
            ("LOC", "180") => t.birth_place = self.text(seg, 1, 0, &field)?,
            ("LOC", "178") => t.embarkation = self.text(seg, 1, 0, &field)?,
            ("LOC", "179") => t.disembarkation = self.text(seg, 1, 0, &field)?,
            ("LOC", "22") => t.destination = self.text(seg, 1, 0, &field)?,
            ("RFF", q) => {
                if let Some(value) = self.text(seg, 0, 1, &field)? {
                    t.references.push(format!("{q}:{value}"));
                }
            }
            ("DOC", _) => t.documents.push(self.document(seg)?),
            _ => {}
        }
        Ok(())
    }

    fn document(&self, seg: &Segment) -> Result<Document, ManifestError> {
        let kind = seg.qualifier();
        if kind.is_empty() {
            return Err(seg.error("DOC", "the document type code is required (DOC+P+NUMBER)"));
        }
        let number = self
            .text(seg, 1, 0, &format!("DOC+{kind} number"))?
            .ok_or_else(|| seg.error(format!("DOC+{kind} number"), "is required"))?;
        Ok(Document {
            kind,
            number,
            issuing_state: None,
            expiry: None,
        })
    }

    /// An ICAO 9303 country code mapped to ISO alpha-3; `None` for the codes that name no
    /// country (stateless, refugee, unspecified).
    fn country(&self, seg: &Segment, e: usize) -> Result<Option<String>, ManifestError> {
        let field = seg.field();
        let Some(code) = self.text(seg, e, 0, &field)? else {
            return Err(seg.error(field, "the country code is required"));
        };
        match portwatch_ident::country::from_icao(&code.to_ascii_uppercase()) {
            Some(icao) => Ok(icao.iso_alpha3.map(str::to_string)),
            None => Err(seg.error(
                field,
                format!("must be an ICAO 9303 / ISO 3166-1 alpha-3 country code, got {code:?}"),
            )),
        }
    }

    /// `DTM+329:YYMMDD` (century: the latest that puts the birth not after today) or
    /// `DTM+329:CCYYMMDD:102`.
    fn birth_date(&self, seg: &Segment) -> Result<String, ManifestError> {
        let today = self.parser.today;
        let century_now = u16::try_from(today.year()).unwrap_or(2000) / 100 * 100;
        let date = self.date(seg, century_now)?;
        let in_future = date.as_str() > format_date(today).as_str();
        if !in_future {
            return Ok(date);
        }
        let raw_len = self.text(seg, 0, 1, "DTM+329")?.map_or(0, |r| r.len());
        if raw_len == 6 {
            return self.date(seg, century_now.saturating_sub(100));
        }
        Err(seg.error(
            seg.field(),
            format!("a date of birth cannot be in the future, got {date}"),
        ))
    }

    /// `DTM+Q:YYMMDD` (century given) or `DTM+Q:CCYYMMDD:102` → `YYYY-MM-DD`.
    fn date(&self, seg: &Segment, century: u16) -> Result<String, ManifestError> {
        let field = seg.field();
        let raw = self.text(seg, 0, 1, &field)?.unwrap_or_default();
        let digits = raw.bytes().all(|b| b.is_ascii_digit());
        let parsed = match raw.len() {
            6 if digits => calendar(century, &raw),
            8 if digits => calendar(num(&raw[..2]) * 100, &raw[2..]),
            _ => None,
        };
        parsed.ok_or_else(|| {
            seg.error(
                field,
                format!(
                    "must be a date YYMMDD (or CCYYMMDD with format 102) that exists, got {raw:?}"
                ),
            )
        })
    }
}

fn seg_count(seg: &Segment) -> u64 {
    String::from_utf8_lossy(seg.raw(0, 1))
        .trim()
        .parse()
        .unwrap_or(u64::MAX)
}

fn num(digits: &str) -> u16 {
    digits.parse().unwrap_or(u16::MAX)
}

/// `YYMMDD` in `century` → `YYYY-MM-DD`, when that day exists.
fn calendar(century: u16, yymmdd: &str) -> Option<String> {
    let (y, m, d) = (num(&yymmdd[..2]), num(&yymmdd[2..4]), num(&yymmdd[4..6]));
    let year = century.checked_add(y)?;
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    let date = Date::from_calendar_date(i32::from(year), month, u8::try_from(d).ok()?).ok()?;
    Some(format_date(date))
}

fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn finish(draft: Draft) -> Result<Traveller, ManifestError> {
    match draft.error {
        Some(e) => Err(e),
        None => Ok(draft.traveller),
    }
}

/// The entries a traveller is screened as: the traveller with the first document that has an
/// issuing state, and every further document on its own.
fn traveller_item(t: &Traveller) -> Result<ManifestItem, ManifestError> {
    let located = |field: &str, rule: String| ManifestError::new(t.line, field, rule);
    if let Some(doc) = t.documents.iter().find(|d| d.issuing_state.is_none()) {
        return Err(located(
            "LOC+91",
            format!(
                "{}: document {} has no issuing state (LOC+91 after its DOC segment)",
                t.reference, doc.number
            ),
        ));
    }
    let mut docs = t.documents.iter();
    let first = docs.next();
    let request = TravellerRequest {
        names: Vec::new(),
        surname: Some(t.surname.clone()),
        given_names: t.given_names.clone(),
        birth_date: t.birth_date.clone(),
        sex: t.sex.clone(),
        nationality: t.nationality.clone(),
        document_number: first.map(|d| d.number.clone()),
        issuing_state: first.and_then(|d| d.issuing_state.clone()),
        mrz: None,
    };
    let subject = Subject::Traveller(request);
    let check = |subject: &Subject| {
        check_subject(subject)
            .map_err(|e| located(&e.field, format!("{}: {}", t.reference, e.message)))
    };
    check(&subject)?;
    let mut entries = vec![entry(Some(t.reference.clone()), subject)];
    for doc in docs {
        let e = document_entry(
            Some(t.reference.clone()),
            doc.number.clone(),
            doc.issuing_state.clone().unwrap_or_default(),
        );
        check(&e.subject)?;
        entries.push(e);
    }
    Ok(ManifestItem {
        line: t.line,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::from_calendar_date(2026, time::Month::June, 1).unwrap()
    }

    #[test]
    fn two_digit_birth_years_are_in_the_past() {
        let text = "UNB+UNOA:4+A+B+260601:1200+R1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'\
                    NAD+FL+++A:B'DTM+329:300101'NAD+FL+++C:D'DTM+329:200101'UNT+7+1'UNZ+1+R1'";
        let i = read(text.as_bytes(), today()).unwrap();
        let t = &i.messages[0].travellers;
        assert_eq!(
            t[0].as_ref().unwrap().birth_date.as_deref(),
            Some("1930-01-01")
        );
        assert_eq!(
            t[1].as_ref().unwrap().birth_date.as_deref(),
            Some("2020-01-01")
        );
    }

    #[test]
    fn released_characters_are_literal() {
        let text = "UNA:+.? 'UNB+UNOA:4+A+B+260601:1200+R1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'\
                    NAD+FL+++O?'NEIL:ANN?+MARIE?:JO'UNT+4+1'UNZ+1+R1'";
        let i = read(text.as_bytes(), today()).unwrap();
        let t = i.messages[0].travellers[0].as_ref().unwrap();
        assert_eq!(t.surname, "O'NEIL");
        assert_eq!(t.given_names.as_deref(), Some("ANN+MARIE:JO"));
    }
}
