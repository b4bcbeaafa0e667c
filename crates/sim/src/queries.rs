//! Queries with known answers.
//!
//! **Planted** queries are records of the world seen the way a checkpoint sees them: a listed
//! person travelling under another romanisation of the name, with the names swapped, without
//! the middle name, with a typo, or with a date-of-birth slip; a stolen document read with an
//! OCR error; a stolen vehicle whose plate is typed with other spacing, or whose VIN is read
//! with a look-alike letter. Each names the record it must find.
//!
//! **Clean** queries are travellers, documents and vehicles drawn from the same distributions
//! but not in the world: they must not hit (a namesake of a listed person with a compatible
//! date of birth would, rightly — the benchmark reports such coincidences as false positives).

use portwatch_model::{Database, Id, RecordBody};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::ids;
use crate::world::{clean_number, World, CLEAN_TAG, QUERY_TAG};

/// How a planted query differs from its record (or that it is clean).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variation {
    SpellingVariant,
    SwappedNames,
    MissingMiddleName,
    Typo,
    BirthDateSlip,
    DocumentOcrError,
    PlateRespaced,
    VinOcrError,
    /// Presented as filed: the exact document number, plate or VIN of the record.
    Exact,
    Clean,
}

impl Variation {
    /// The planted variations, in the order queries cycle through them.
    pub const PLANTED: [Variation; 8] = [
        Variation::SpellingVariant,
        Variation::SwappedNames,
        Variation::MissingMiddleName,
        Variation::Typo,
        Variation::BirthDateSlip,
        Variation::DocumentOcrError,
        Variation::PlateRespaced,
        Variation::VinOcrError,
    ];
}

/// A traveller as a checkpoint reads it (the fields of the engine's traveller request).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TravellerFields {
    pub names: Vec<String>,
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    pub nationality: Option<String>,
    pub document_number: Option<String>,
    pub issuing_state: Option<String>,
}

/// A document number and its issuing state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentFields {
    pub number: String,
    pub issuing_state: String,
}

/// A VIN and/or a plate with its country.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VehicleFields {
    pub vin: Option<String>,
    pub plate: Option<String>,
    pub plate_country: Option<String>,
}

/// What a query screens; serialised as a manifest line's subject.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Traveller(TravellerFields),
    Document(DocumentFields),
    Vehicle(VehicleFields),
}

/// A query with its known answer. Serialises as one line of a JSON Lines manifest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Query {
    pub reference: String,
    #[serde(flatten)]
    pub subject: Subject,
    #[serde(skip)]
    pub variation: Variation,
    /// The record it must find; `None` for a clean query.
    #[serde(skip)]
    pub expected: Option<(Database, Id)>,
    /// The two MRZ lines of the traveller's passport (TD3), with valid check digits.
    #[serde(skip)]
    pub mrz: Option<[String; 2]>,
}

impl World {
    /// `n` planted queries, cycling through [`Variation::PLANTED`].
    pub fn planted_queries(&self, n: u64) -> impl Iterator<Item = Query> + '_ {
        (0..n).filter_map(move |q| self.planted(q))
    }

    /// `n` clean queries: mostly travellers, some documents and vehicles.
    pub fn clean_queries(&self, n: u64) -> impl Iterator<Item = Query> + '_ {
        (0..n).map(move |q| self.clean(q))
    }

    fn planted(&self, q: u64) -> Option<Query> {
        let mut rng = self.rng(QUERY_TAG, q);
        let variation = Variation::PLANTED[(q % 8) as usize];
        let reference = format!("planted-{q}");
        match variation {
            Variation::DocumentOcrError => self.planted_document(&mut rng, reference),
            Variation::PlateRespaced | Variation::VinOcrError => {
                self.planted_vehicle(&mut rng, variation, reference)
            }
            _ => self.planted_person(&mut rng, variation, reference),
        }
    }

    fn planted_person(
        &self,
        rng: &mut ChaCha8Rng,
        variation: Variation,
        reference: String,
    ) -> Option<Query> {
        if self.config.persons == 0 {
            return None;
        }
        let i = rng.random_range(0..self.config.persons);
        Some(self.person_variant(i, variation, rng, reference))
    }

    /// Person `i` as a checkpoint sees the traveller: varied by `variation` (one of the name
    /// and date-of-birth variations), holding a clean passport with its MRZ.
    pub(crate) fn person_variant(
        &self,
        i: u64,
        variation: Variation,
        rng: &mut ChaCha8Rng,
        reference: String,
    ) -> Query {
        let s = self.person_sketch(&mut self.rng(1, i));
        let (mut variation, mut birth) = (variation, s.birth_date());
        let name = match variation {
            Variation::SpellingVariant => s.name_with(other_spelling(&s.spelling, rng), true),
            Variation::SwappedNames => {
                let full = s.record_name();
                let mut parts: Vec<&str> = full.split(' ').collect();
                parts.rotate_left(1);
                parts.join(" ")
            }
            Variation::MissingMiddleName if s.middle.is_some() => s.name_with(s.spelling, false),
            Variation::MissingMiddleName => {
                variation = Variation::SpellingVariant;
                s.name_with(other_spelling(&s.spelling, rng), true)
            }
            Variation::Typo => typo(&s.record_name(), rng),
            _ => {
                birth = slipped(s.birth);
                s.record_name()
            }
        };
        let traveller = self.traveller(rng, name, birth, &s.nationality_str(), s.sex_str());
        Query {
            reference,
            mrz: traveller.1,
            subject: Subject::Traveller(traveller.0),
            variation,
            expected: Some((Database::Persons, self.person_id(i))),
        }
    }

    /// Traveller fields and the MRZ of a clean passport of `nationality`.
    fn traveller(
        &self,
        rng: &mut ChaCha8Rng,
        name: String,
        birth: String,
        nationality: &str,
        sex: &str,
    ) -> (TravellerFields, Option<[String; 2]>) {
        let number = clean_number(rng);
        self.traveller_with_document(name, birth, nationality, sex, number, nationality)
    }

    /// Traveller fields and the TD3 MRZ (valid check digits) of a passport numbered `number`
    /// issued by `issuing_state`; `birth` is `YYYY-MM-DD`.
    pub(crate) fn traveller_with_document(
        &self,
        name: String,
        birth: String,
        nationality: &str,
        sex: &str,
        number: String,
        issuing_state: &str,
    ) -> (TravellerFields, Option<[String; 2]>) {
        let mut words: Vec<String> = name.split(' ').map(mrz_word).collect();
        let surname = words.pop().unwrap_or_default();
        let yymmdd = format!("{}{}{}", &birth[2..4], &birth[5..7], &birth[8..10]);
        let mrz = ids::td3_mrz(
            icao_code(issuing_state),
            &surname,
            &words.join(" "),
            &number,
            icao_code(nationality),
            &yymmdd,
            sex.chars().next().unwrap_or('<'),
            "301231",
        );
        (
            TravellerFields {
                names: vec![name],
                birth_date: Some(birth),
                sex: Some(sex.to_string()),
                nationality: Some(nationality.to_string()),
                document_number: Some(number),
                issuing_state: Some(issuing_state.to_string()),
            },
            Some(mrz),
        )
    }

    fn planted_document(&self, rng: &mut ChaCha8Rng, reference: String) -> Option<Query> {
        if self.config.documents == 0 {
            return None;
        }
        let i = rng.random_range(0..self.config.documents);
        let record = self.document(i);
        let RecordBody::Document(d) = &record.content.body else {
            return None;
        };
        Some(Query {
            reference,
            subject: Subject::Document(DocumentFields {
                number: ocr_error(d.number.as_str(), rng),
                issuing_state: d.issuing_state.to_string(),
            }),
            variation: Variation::DocumentOcrError,
            expected: Some((Database::Documents, record.id)),
            mrz: None,
        })
    }

    fn planted_vehicle(
        &self,
        rng: &mut ChaCha8Rng,
        variation: Variation,
        reference: String,
    ) -> Option<Query> {
        if self.config.vehicles == 0 {
            return None;
        }
        let i = rng.random_range(0..self.config.vehicles);
        self.vehicle_variant(i, variation, rng, reference)
    }

    /// Vehicle `i` as a checkpoint reads it: its plate typed with other spacing
    /// ([`Variation::PlateRespaced`], when it has a plate) or its VIN with an OCR look-alike.
    pub(crate) fn vehicle_variant(
        &self,
        i: u64,
        variation: Variation,
        rng: &mut ChaCha8Rng,
        reference: String,
    ) -> Option<Query> {
        let record = self.vehicle(i);
        let RecordBody::Vehicle(v) = &record.content.body else {
            return None;
        };
        let fields = match (variation, self.vehicle_plate_text(i)) {
            (Variation::PlateRespaced, Some((country, plate))) => VehicleFields {
                vin: None,
                plate: Some(respaced(&plate, rng)),
                plate_country: Some(country),
            },
            _ => VehicleFields {
                vin: Some(ocr_error(v.vin.as_str(), rng)),
                plate: None,
                plate_country: None,
            },
        };
        let variation = if fields.vin.is_some() {
            Variation::VinOcrError
        } else {
            Variation::PlateRespaced
        };
        Some(Query {
            reference,
            subject: Subject::Vehicle(fields),
            variation,
            expected: Some((Database::Vehicles, record.id)),
            mrz: None,
        })
    }

    fn clean(&self, q: u64) -> Query {
        let mut rng = self.rng(CLEAN_TAG, q);
        let reference = format!("clean-{q}");
        let subject = match q % 10 {
            0 => Subject::Document(DocumentFields {
                number: clean_number(&mut rng),
                issuing_state: self.document_issuer(&mut rng).to_string(),
            }),
            1 => Subject::Vehicle(VehicleFields {
                vin: Some(ids::vin(&mut rng, "VF1", 2019)),
                plate: None,
                plate_country: None,
            }),
            _ => return self.clean_traveller(&mut rng, reference),
        };
        Query {
            reference,
            subject,
            variation: Variation::Clean,
            expected: None,
            mrz: None,
        }
    }
}

impl World {
    /// A clean traveller drawn with `rng`: a person of the world's distributions holding a
    /// clean passport (a number no stolen or listed document has), with its MRZ.
    pub(crate) fn clean_traveller(&self, rng: &mut ChaCha8Rng, reference: String) -> Query {
        let s = self.person_sketch(rng);
        let name = s.name_with(s.spelling, true);
        let (fields, mrz) =
            self.traveller(rng, name, s.birth_date(), &s.nationality_str(), s.sex_str());
        Query {
            reference,
            subject: Subject::Traveller(fields),
            variation: Variation::Clean,
            expected: None,
            mrz,
        }
    }
}

impl crate::world::PersonSketch {
    pub(crate) fn nationality_str(&self) -> String {
        self.nationality.to_string()
    }

    pub(crate) fn sex_str(&self) -> &'static str {
        match self.sex {
            portwatch_model::Sex::Male => "M",
            portwatch_model::Sex::Female => "F",
        }
    }
}

/// Another spelling for at least one part of the name, where the pools have one.
fn other_spelling(spelling: &[usize; 3], rng: &mut ChaCha8Rng) -> [usize; 3] {
    let mut out = *spelling;
    let part = rng.random_range(0..3);
    out[part] = spelling[part] + 1 + rng.random_range(0..3);
    if rng.random_bool(0.5) {
        let other = (part + 1) % 3;
        out[other] = spelling[other] + 1;
    }
    out
}

/// One keyboard slip in the longest word: a substitution, a deletion or a transposition
/// away from the first letter.
fn typo(name: &str, rng: &mut ChaCha8Rng) -> String {
    let mut words: Vec<Vec<char>> = name.split(' ').map(|w| w.chars().collect()).collect();
    let Some(longest) = words.iter_mut().max_by_key(|w| w.len()) else {
        return name.to_string();
    };
    // Only letters between letters are mistyped: a hyphen or apostrophe stays.
    let inner: Vec<usize> = (1..longest.len().saturating_sub(1))
        .filter(|&i| longest[i].is_alphabetic() && longest[i + 1].is_alphabetic())
        .collect();
    if longest.len() >= 5 && !inner.is_empty() {
        let at = inner[rng.random_range(0..inner.len())];
        match rng.random_range(0..3) {
            0 => longest[at] = char::from(b'a' + rng.random_range(0..26u8)),
            1 => {
                longest.remove(at);
            }
            _ => longest.swap(at, at + 1),
        }
    }
    words
        .iter()
        .map(|w| w.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A date of birth typed wrong: day and month swapped when both could be months, else the
/// year off by one.
fn slipped((y, m, d): (u16, u8, u8)) -> String {
    if d <= 12 && d != m {
        format!("{y:04}-{d:02}-{m:02}")
    } else {
        format!("{:04}-{m:02}-{d:02}", y + 1)
    }
}

/// One character replaced by its OCR look-alike (0→O, 1→I, 5→S, 8→B, O→0 …), when there is one.
pub(crate) fn ocr_error(text: &str, rng: &mut ChaCha8Rng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let candidates: Vec<usize> = (0..chars.len())
        .filter(|&i| look_alike(chars[i]).is_some())
        .collect();
    if let Some(&at) = candidates.get(rng.random_range(0..candidates.len().max(1))) {
        if let Some(c) = look_alike(chars[at]) {
            chars[at] = c;
        }
    }
    chars.into_iter().collect()
}

fn look_alike(c: char) -> Option<char> {
    Some(match c {
        '0' => 'O',
        'O' => '0',
        '1' => 'I',
        'I' => '1',
        '5' => 'S',
        'S' => '5',
        '8' => 'B',
        'B' => '8',
        '2' => 'Z',
        'Z' => '2',
        _ => return None,
    })
}

/// The plate typed with other separators: none, or a space somewhere, in lower case at times.
fn respaced(plate: &str, rng: &mut ChaCha8Rng) -> String {
    let bare: String = plate
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let mut out = if bare.len() > 2 && rng.random_bool(0.6) {
        let at = rng.random_range(1..bare.len() - 1);
        format!("{} {}", &bare[..at], &bare[at..])
    } else {
        bare
    };
    if rng.random_bool(0.3) {
        out = out.to_lowercase();
    }
    out
}

/// The ICAO 9303 code an MRZ writes for a country: the ISO alpha-3 code, except `D` for
/// Germany and `RKS` for Kosovo (`XKX` is not an ICAO code).
fn icao_code(iso: &str) -> &str {
    match iso {
        "DEU" => "D",
        "XKX" => "RKS",
        other => other,
    }
}

/// A name word as the MRZ writes it: A–Z only.
fn mrz_word(word: &str) -> String {
    word.chars()
        .filter_map(|c| {
            let c = match c {
                'é' | 'è' | 'ê' | 'É' => 'E',
                'ï' | 'î' | 'ı' => 'I',
                'ü' | 'ú' => 'U',
                'ö' | 'ó' => 'O',
                'ç' | 'č' | 'ć' => 'C',
                'ş' => 'S',
                'ž' => 'Z',
                'ä' | 'á' | 'à' => 'A',
                'í' => 'I',
                'ñ' => 'N',
                other => other,
            };
            c.is_ascii_alphabetic().then(|| c.to_ascii_uppercase())
        })
        .collect()
}
