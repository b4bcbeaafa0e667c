//! The world: persons with notices, stolen and lost documents, stolen vehicles, and the
//! agencies that own them — each record generated from the seed and its own index, so any
//! record can be regenerated alone (the queries do) and the world streams without ever being
//! held in memory.

use portwatch_model::{
    Agency, AgencyId, AgencyKind, CountryCode, Database, DocumentHolder, DocumentNumber,
    DocumentStatus, DocumentType, Id, Identifier, IdentifierKind, NameKind, Notice, NoticeKind,
    PartialDate, Person, PersonFlag, PersonName, Plate, Record, RecordBody, RecordContent,
    RecordStatus, Sex, TerrorismItem, TravelDocument, Vehicle, Vin, Visibility,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration, OffsetDateTime};

use crate::ids;
use crate::names::{Region, REGIONS};

/// How big a world to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorldConfig {
    pub seed: u64,
    pub persons: u64,
    pub documents: u64,
    pub vehicles: u64,
}

impl WorldConfig {
    /// INTERPOL's scale: ~128 million documents, ~1 million persons, ~10 million vehicles.
    pub fn interpol(seed: u64) -> Self {
        WorldConfig {
            seed,
            persons: 1_000_000,
            documents: 128_000_000,
            vehicles: 10_000_000,
        }
    }
}

/// A deterministic synthetic world (see the module documentation).
#[derive(Debug, Clone)]
pub struct World {
    pub config: WorldConfig,
}

/// Everything a person record is made of, before rendering: the queries vary it.
#[derive(Debug, Clone)]
pub(crate) struct PersonSketch {
    pub region: &'static Region,
    pub sex: Sex,
    pub given: &'static [&'static str],
    pub middle: Option<&'static [&'static str]>,
    /// The spellings of the surname.
    pub surname: Vec<String>,
    /// Which spelling of given, middle and surname the record uses.
    pub spelling: [usize; 3],
    /// The true date of birth; the record may hold only its year or month.
    pub birth: (u16, u8, u8),
    pub birth_precision: u8,
    pub nationality: &'static str,
}

impl PersonSketch {
    pub(crate) fn name_with(&self, spelling: [usize; 3], with_middle: bool) -> String {
        let pick = |names: &[&str], i: usize| names[i % names.len()].to_string();
        let mut parts = vec![pick(self.given, spelling[0])];
        if let (Some(m), true) = (self.middle, with_middle) {
            parts.push(pick(m, spelling[1]));
        }
        parts.push(self.surname[spelling[2] % self.surname.len()].clone());
        parts.join(" ")
    }

    pub(crate) fn record_name(&self) -> String {
        self.name_with(self.spelling, true)
    }

    pub(crate) fn birth_date(&self) -> String {
        let (y, m, d) = self.birth;
        format!("{y:04}-{m:02}-{d:02}")
    }
}

const PERSON_TAG: u64 = 1;
const DOCUMENT_TAG: u64 = 2;
const VEHICLE_TAG: u64 = 3;
pub(crate) const QUERY_TAG: u64 = 4;
pub(crate) const CLEAN_TAG: u64 = 5;

/// The first day records were reported (the world's epoch).
fn epoch() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The day the world is observed: review dates before it are overdue.
pub fn world_today() -> Date {
    Date::from_calendar_date(2026, time::Month::June, 1).unwrap_or(Date::MIN)
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).expect("the name pools list ISO codes only")
}

/// The NCB of a country: `ncb-mar`, `ncb-esp` …
pub fn ncb_of(code: &str) -> AgencyId {
    AgencyId::parse(&format!("ncb-{}", code.to_ascii_lowercase())).expect("valid slug")
}

impl World {
    pub fn new(config: WorldConfig) -> Self {
        World { config }
    }

    pub(crate) fn rng(&self, tag: u64, i: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(splitmix(self.config.seed ^ splitmix(tag << 56 ^ i)))
    }

    /// A record identifier that sorts by database and index (UUID version 8).
    fn id(&self, tag: u64, i: u64) -> Id {
        let mut bytes = [0u8; 16];
        bytes[0] = tag as u8;
        bytes[1..6].copy_from_slice(&self.config.seed.to_be_bytes()[3..8]);
        bytes[6] = 0x80;
        bytes[8] = 0x80;
        bytes[9..16].copy_from_slice(&i.to_be_bytes()[1..8]);
        Id::from_uuid(uuid::Uuid::from_bytes(bytes))
    }

    pub fn person_id(&self, i: u64) -> Id {
        self.id(PERSON_TAG, i)
    }

    pub fn document_id(&self, i: u64) -> Id {
        self.id(DOCUMENT_TAG, i)
    }

    pub fn vehicle_id(&self, i: u64) -> Id {
        self.id(VEHICLE_TAG, i)
    }

    /// Every country whose NCB owns records, with an NCB each; border posts at the seven
    /// Neptune II ports; Frontex as a partner.
    pub fn agencies(&self) -> Vec<Agency> {
        let mut out = Vec::new();
        let mut codes: Vec<&str> = REGIONS
            .iter()
            .flat_map(|r| r.countries.iter().copied())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            let name = match ncb_city(code) {
                Some(city) => format!("NCB {city}"),
                None => format!("NCB {code}"),
            };
            out.push(agency(
                &format!("ncb-{}", code.to_ascii_lowercase()),
                &name,
                AgencyKind::Ncb,
                Some(code),
                None,
            ));
        }
        for (id, name, code) in [
            ("bp-tanger-med", "Tanger Med border police", "MAR"),
            ("bp-algeciras", "Algeciras border police", "ESP"),
            ("bp-marseille", "Marseille border police", "FRA"),
            ("bp-genova", "Genoa border police", "ITA"),
            ("bp-la-goulette", "La Goulette border police", "TUN"),
            ("bp-alger", "Algiers port border police", "DZA"),
            ("bp-almeria", "Almería border police", "ESP"),
        ] {
            let parent = format!("ncb-{}", code.to_ascii_lowercase());
            out.push(agency(
                id,
                name,
                AgencyKind::BorderPost,
                Some(code),
                Some(&parent),
            ));
        }
        out.push(agency(
            "frontex",
            "Frontex",
            AgencyKind::Partner,
            None,
            None,
        ));
        out
    }

    pub(crate) fn person_sketch(&self, rng: &mut ChaCha8Rng) -> PersonSketch {
        let total: u32 = REGIONS.iter().map(|r| r.weight).sum();
        let mut pick = rng.random_range(0..total);
        let region = REGIONS
            .iter()
            .find(|r| {
                if pick < r.weight {
                    true
                } else {
                    pick -= r.weight;
                    false
                }
            })
            .unwrap_or(&REGIONS[0]);
        let sex = if rng.random_bool(0.85) {
            Sex::Male
        } else {
            Sex::Female
        };
        let pool = if sex == Sex::Male {
            region.male
        } else {
            region.female
        };
        let given = pool[rng.random_range(0..pool.len())];
        // Arab and Turkic names often carry the father's name; European ones a second name.
        let middle = rng
            .random_bool(0.45)
            .then(|| region.male[rng.random_range(0..region.male.len())]);
        // Half the surnames come from the region's list, half are made from a given name by
        // the region's patterns (Ben Youssef, Hasanović, Karimov): many more families.
        let surname = if rng.random_bool(0.5) {
            let list = region.surnames[rng.random_range(0..region.surnames.len())];
            list.iter().map(|s| s.to_string()).collect()
        } else {
            let pattern = rng.random_range(0..region.patterns.len());
            region.composed_surname(pattern, rng.random_range(0..region.male.len()))
        };
        let spelling = [0, 1, 2].map(|_| {
            if rng.random_bool(0.6) {
                0
            } else {
                rng.random_range(0..4)
            }
        });
        let year = rng.random_range(1950..=2008);
        let month = rng.random_range(1..=12);
        let day = rng.random_range(1..=28);
        let birth_precision = match rng.random_range(0..100) {
            0..=3 => 1,
            4..=6 => 2,
            _ => 3,
        };
        PersonSketch {
            region,
            sex,
            given,
            middle,
            surname,
            spelling,
            birth: (year, month, day),
            birth_precision,
            nationality: region.countries[rng.random_range(0..region.countries.len())],
        }
    }

    /// Person `i` (0-based).
    pub fn person(&self, i: u64) -> Record {
        let mut rng = self.rng(PERSON_TAG, i);
        let s = self.person_sketch(&mut rng);
        let mut names = vec![PersonName {
            full: s.record_name(),
            kind: NameKind::Primary,
        }];
        if rng.random_bool(0.35) {
            let other = [0, 1, 2].map(|_| rng.random_range(0..4));
            let full = s.name_with(other, rng.random_bool(0.5));
            if full != names[0].full {
                names.push(PersonName {
                    full,
                    kind: NameKind::Alias,
                });
            }
        }
        if rng.random_bool(0.1) {
            let kunya = s.region.male[rng.random_range(0..s.region.male.len())][0];
            names.push(PersonName {
                full: format!("Abu {kunya}"),
                kind: NameKind::WeakAlias,
            });
        }
        let (y, m, d) = s.birth;
        let birth = match s.birth_precision {
            1 => PartialDate::new(y, None, None),
            2 => PartialDate::new(y, Some(m), None),
            _ => PartialDate::new(y, Some(m), Some(d)),
        }
        .expect("days 1-28 exist in every month");
        let notices = notices(&mut rng);
        let mut flags = Vec::new();
        let ftf = rng.random_bool(0.04);
        if ftf {
            flags.push(PersonFlag::ForeignTerroristFighter);
        }
        if rng.random_bool(0.05) {
            flags.push(PersonFlag::DiscreetCheck);
        }
        if rng.random_bool(0.05) {
            flags.push(PersonFlag::PossiblyArmed);
        }
        let identifiers = if rng.random_bool(0.5) {
            vec![Identifier {
                kind: IdentifierKind::Passport,
                number: DocumentNumber::parse(&passport_of_listed_person(&mut rng))
                    .expect("valid number"),
                country: Some(country(s.nationality)),
            }]
        } else {
            Vec::new()
        };
        let terrorism_items = if ftf {
            vec![TerrorismItem {
                reference: format!("TI-{i:08}"),
                summary: "Travelled to a conflict zone; suspected of joining an armed group."
                    .into(),
            }]
        } else {
            Vec::new()
        };
        let owner_country = if rng.random_bool(0.8) {
            s.nationality
        } else {
            REGIONS[2].countries[rng.random_range(0..REGIONS[2].countries.len())]
        };
        let body = RecordBody::Person(Person {
            owner_ref: format!("P-{i:09}"),
            names,
            birth_dates: vec![birth],
            birth_places: Vec::new(),
            nationalities: vec![country(s.nationality)],
            sex: Some(s.sex),
            identifiers,
            notices,
            flags,
            terrorism_items,
        });
        self.record(PERSON_TAG, i, owner_country, &mut rng, body, None)
    }

    /// Document `i` (0-based).
    pub fn document(&self, i: u64) -> Record {
        let mut rng = self.rng(DOCUMENT_TAG, i);
        let issuer = self.document_issuer(&mut rng);
        let number = stolen_number(&mut rng);
        let status = match rng.random_range(0..100) {
            0..=9 => DocumentStatus::StolenBlank,
            10..=49 => DocumentStatus::StolenIssued,
            50..=89 => DocumentStatus::Lost,
            90..=95 => DocumentStatus::Revoked,
            _ => DocumentStatus::Invalidated,
        };
        let holder = (status != DocumentStatus::StolenBlank && rng.random_bool(0.3)).then(|| {
            let s = self.person_sketch(&mut rng);
            DocumentHolder {
                surname: Some(s.surname[0].clone()),
                given_names: Some(s.given[0].to_string()),
                birth_date: PartialDate::new(s.birth.0, Some(s.birth.1), Some(s.birth.2)).ok(),
                nationality: Some(country(issuer)),
            }
        });
        let reported = epoch().date() - Duration::days(rng.random_range(0..3650));
        let body = RecordBody::Document(TravelDocument {
            number: DocumentNumber::parse(&number).expect("valid number"),
            issuing_state: country(issuer),
            doc_type: if rng.random_bool(0.7) {
                DocumentType::Passport
            } else {
                DocumentType::IdCard
            },
            status,
            reported_on: Some(reported),
            reported_place: None,
            holder,
        });
        self.record(DOCUMENT_TAG, i, issuer, &mut rng, body, None)
    }

    pub(crate) fn document_issuer(&self, rng: &mut ChaCha8Rng) -> &'static str {
        let region = &REGIONS[rng.random_range(0..REGIONS.len())];
        region.countries[rng.random_range(0..region.countries.len())]
    }

    /// Vehicle `i` (0-based).
    pub fn vehicle(&self, i: u64) -> Record {
        let mut rng = self.rng(VEHICLE_TAG, i);
        let code = VEHICLE_COUNTRIES[rng.random_range(0..VEHICLE_COUNTRIES.len())];
        let (wmi, make, models) = ids::MAKES[rng.random_range(0..ids::MAKES.len())];
        let year = rng.random_range(2000..=2025);
        let vin = ids::vin(&mut rng, wmi, year);
        let plate = rng
            .random_bool(0.9)
            .then(|| Plate::new(country(code), &ids::plate(&mut rng, code)).expect("valid plate"));
        let body = RecordBody::Vehicle(Vehicle {
            vin: Vin::parse(&vin).expect("valid VIN"),
            plate,
            make: Some(make.to_string()),
            model: Some(models[rng.random_range(0..models.len())].to_string()),
            colour: Some(COLOURS[rng.random_range(0..COLOURS.len())].to_string()),
            year: Some(year),
            engine_number: None,
            stolen_on: Some(epoch().date() - Duration::days(rng.random_range(0..2000))),
        });
        self.record(VEHICLE_TAG, i, code, &mut rng, body, None)
    }

    /// The plate of vehicle `i` as written on the plate, if it has one.
    pub(crate) fn vehicle_plate_text(&self, i: u64) -> Option<(String, String)> {
        let mut rng = self.rng(VEHICLE_TAG, i);
        let code = VEHICLE_COUNTRIES[rng.random_range(0..VEHICLE_COUNTRIES.len())];
        let (wmi, _, _) = ids::MAKES[rng.random_range(0..ids::MAKES.len())];
        let year = rng.random_range(2000..=2025);
        let _vin = ids::vin(&mut rng, wmi, year);
        rng.random_bool(0.9)
            .then(|| (code.to_string(), ids::plate(&mut rng, code)))
    }

    fn record(
        &self,
        tag: u64,
        i: u64,
        owner_country: &str,
        rng: &mut ChaCha8Rng,
        body: RecordBody,
        source_id: Option<String>,
    ) -> Record {
        let visibility = match rng.random_range(0..100) {
            0..=84 => Visibility::All,
            85..=94 => Visibility::Countries(neighbours(owner_country)),
            _ => Visibility::OwnerOnly,
        };
        let recorded_at = epoch() + Duration::seconds(i64::try_from(i % 100_000_000).unwrap_or(0));
        // Most reviews are due in the future; one in twenty is overdue.
        let review_date = if rng.random_bool(0.05) {
            world_today() - Duration::days(rng.random_range(1..365))
        } else {
            world_today() + Duration::days(rng.random_range(1..1825))
        };
        let content = RecordContent::new(
            ncb_of(owner_country),
            visibility,
            Some(review_date),
            source_id,
            body,
        )
        .expect("generated records follow the model's rules");
        Record {
            id: self.id(tag, i),
            version: 1,
            status: RecordStatus::Active,
            recorded_at,
            content,
        }
    }

    /// Every record: persons, then documents, then vehicles, generated as they are read.
    pub fn records(&self) -> impl Iterator<Item = Record> + '_ {
        (0..self.config.persons)
            .map(|i| self.person(i))
            .chain((0..self.config.documents).map(|i| self.document(i)))
            .chain((0..self.config.vehicles).map(|i| self.vehicle(i)))
    }

    /// The records of one database.
    pub fn records_of(&self, database: Database) -> Box<dyn Iterator<Item = Record> + '_> {
        match database {
            Database::Persons => Box::new((0..self.config.persons).map(|i| self.person(i))),
            Database::Documents => Box::new((0..self.config.documents).map(|i| self.document(i))),
            Database::Vehicles => Box::new((0..self.config.vehicles).map(|i| self.vehicle(i))),
        }
    }
}

const VEHICLE_COUNTRIES: &[&str] = &[
    "FRA", "ESP", "ITA", "DEU", "BEL", "NLD", "GBR", "MAR", "DZA", "TUN", "TUR",
];

const COLOURS: &[&str] = &["white", "black", "grey", "silver", "blue", "red", "green"];

/// The city an NCB sits in, as officers name it ("contact NCB Rabat").
fn ncb_city(code: &str) -> Option<&'static str> {
    Some(match code {
        "ALB" => "Tirana",
        "BEL" => "Brussels",
        "BIH" => "Sarajevo",
        "DEU" => "Wiesbaden",
        "DZA" => "Algiers",
        "ESP" => "Madrid",
        "FRA" => "Paris",
        "GBR" => "Manchester",
        "IRQ" => "Baghdad",
        "ITA" => "Rome",
        "JOR" => "Amman",
        "LBN" => "Beirut",
        "LBY" => "Tripoli",
        "MAR" => "Rabat",
        "MKD" => "Skopje",
        "MLI" => "Bamako",
        "NER" => "Niamey",
        "NLD" => "The Hague",
        "PRT" => "Lisbon",
        "PSE" => "Ramallah",
        "RUS" => "Moscow",
        "SEN" => "Dakar",
        "SYR" => "Damascus",
        "TCD" => "N'Djamena",
        "TJK" => "Dushanbe",
        "TUN" => "Tunis",
        "TUR" => "Ankara",
        "UZB" => "Tashkent",
        "XKX" => "Pristina",
        _ => return None,
    })
}

fn agency(
    id: &str,
    name: &str,
    kind: AgencyKind,
    code: Option<&str>,
    parent: Option<&str>,
) -> Agency {
    Agency::try_from(portwatch_model::agency::AgencyFields {
        id: AgencyId::parse(id).expect("valid slug"),
        name: name.to_string(),
        kind,
        country: code.map(country),
        parent: parent.map(|p| AgencyId::parse(p).expect("valid slug")),
    })
    .expect("valid agency")
}

/// The countries a restricted record is shared with: the owner's region.
fn neighbours(code: &str) -> Vec<CountryCode> {
    let region = REGIONS
        .iter()
        .find(|r| r.countries.contains(&code))
        .unwrap_or(&REGIONS[0]);
    let mut list: Vec<CountryCode> = region.countries.iter().map(|c| country(c)).collect();
    list.sort();
    list
}

/// Notices in the proportions of INTERPOL's notices in force (red dominates).
fn notices(rng: &mut ChaCha8Rng) -> Vec<Notice> {
    let kind = match rng.random_range(0..1000) {
        0..=669 => NoticeKind::Red,
        670..=829 => NoticeKind::Blue,
        830..=974 => NoticeKind::Yellow,
        975..=984 => NoticeKind::Green,
        985..=994 => NoticeKind::Black,
        _ => NoticeKind::InterpolUnSpecial,
    };
    vec![Notice {
        kind,
        diffusion: rng.random_bool(0.2),
        reference: Some(format!(
            "{}/{}",
            rng.random_range(2010..2026),
            rng.random_range(1..99999)
        )),
        issued_on: None,
    }]
}

/// Letters of stolen-document numbers: never `C` first, which marks clean travellers'
/// documents (see [`clean_number`]), so a clean document never equals a stolen one.
const NUMBER_LETTERS: &[u8] = b"ABDEFGHJKLMNPRSTUVWXYZ";

/// A stolen or lost document's number: two letters and seven digits.
fn stolen_number(rng: &mut ChaCha8Rng) -> String {
    let mut s = String::with_capacity(9);
    for _ in 0..2 {
        s.push(char::from(
            NUMBER_LETTERS[rng.random_range(0..NUMBER_LETTERS.len())],
        ));
    }
    for _ in 0..7 {
        s.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    s
}

/// A valid document in a traveller's hand: `C` and eight digits.
pub(crate) fn clean_number(rng: &mut ChaCha8Rng) -> String {
    let mut s = String::from("C");
    for _ in 0..8 {
        s.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    s
}

/// A passport number known to be held by a listed person: `N` and eight digits (never equal
/// to a clean traveller's).
fn passport_of_listed_person(rng: &mut ChaCha8Rng) -> String {
    let mut s = String::from("N");
    for _ in 0..8 {
        s.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    s
}
