//! The screening engine of portwatch: in-memory indexes of the three databases, screening of
//! travellers, documents, vehicles and whole manifests, and the access policy that decides
//! what each hit may reveal to whom. Pure: no I/O, no clock (the caller passes today's date).
//!
//! # Data flow
//!
//! The engine is fed record by record from the store's change log ([`Engine::apply`]: a new
//! record is inserted, a newer version replaces the old, a cancelled record is removed), or in
//! one pass at start-up ([`Engine::bulk_load`]). Screening finds [`Match`]es, and the
//! [`Policy`] turns them into what the caller may see ([`Screening`]).
//!
//! # Memory
//!
//! The indexes keep keys and envelopes, never the records: 64-bit fingerprints in sorted
//! arrays (12–16 bytes a key) and a 28-byte envelope a record (see [`keytable`] and the
//! `slots` module). A document costs about 45 bytes, so SLTD's 128 million documents take
//! about 5.4 GiB; persons keep their prepared names and candidate keys (about 1.5 KiB each).
//!
//! # Concurrency
//!
//! Each database sits behind its own `RwLock`. A screening request holds the read lock of a
//! database for the few microseconds of its look-ups; a live change holds the write lock for
//! the few microseconds of one insert, so a reader sees a record either before or after a
//! change, never half-changed. A bulk load builds the new indexes with no lock held and then
//! swaps each one in (a move of a few words under the write lock), so readers never wait for
//! a load. Changes applied while a load is building are replaced by the load's indexes: the
//! caller replays the change log from the sequence number the load started at (versions make
//! replaying idempotent).

pub mod hit;
mod keyed;
pub mod keytable;
pub mod persons;
pub mod policy;
pub mod request;
mod slots;

use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use portwatch_model::{Action, Database, MatchKind, Record, RecordBody};
use portwatch_names::PreparedName;
use time::Date;

pub use hit::{
    AlignedTokens, FactCheck, HitView, Match, OwnerNotification, PersonReason, Reason, RevealedHit,
    Screening, CONTACT_OWNER_MESSAGE,
};
pub use persons::PersonScorer;
pub use policy::{Caller, Disclosure, Policy};
pub use request::{
    DocumentQuery, DocumentRequest, ManifestEntry, RequestError, Subject, Traveller,
    TravellerRequest, VehicleQuery, VehicleRequest,
};
pub use slots::PolicyClass;

use keyed::{Field, Key, KeyedIndex};
use persons::{PersonIndex, PersonQuery};
use slots::BulkSlots;

/// Score of a hit on an exact key, and on an OCR-folded key.
const EXACT_SCORE: f64 = 1.0;
const OCR_VARIANT_SCORE: f64 = 0.9;

/// How many records of each database are indexed, and what the indexes hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct EngineStats {
    pub documents: usize,
    pub persons: usize,
    pub vehicles: usize,
    /// Key entries of all tables (fingerprint → slot).
    pub key_entries: usize,
    /// Heap bytes held by each database's index (an estimate for prepared names).
    pub document_bytes: usize,
    pub person_bytes: usize,
    pub vehicle_bytes: usize,
}

impl EngineStats {
    /// Heap bytes of all indexes.
    pub fn heap_bytes(&self) -> usize {
        self.document_bytes + self.person_bytes + self.vehicle_bytes
    }
}

/// The screening engine (see the crate documentation).
pub struct Engine {
    documents: RwLock<KeyedIndex>,
    vehicles: RwLock<KeyedIndex>,
    persons: RwLock<PersonIndex>,
    policy: RwLock<Policy>,
    scorer: PersonScorer,
}

const DOCUMENT_TABLES: usize = 1;
const VEHICLE_TABLES: usize = 2;

fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

impl Engine {
    /// An empty engine with the default person scorer.
    pub fn new(policy: Policy) -> Self {
        Engine::with_scorer(policy, PersonScorer::default())
    }

    pub fn with_scorer(policy: Policy, scorer: PersonScorer) -> Self {
        Engine {
            documents: RwLock::new(KeyedIndex::empty(DOCUMENT_TABLES)),
            vehicles: RwLock::new(KeyedIndex::empty(VEHICLE_TABLES)),
            persons: RwLock::new(PersonIndex::default()),
            policy: RwLock::new(policy),
            scorer,
        }
    }

    /// Replaces the policy (after a change to the agency directory).
    pub fn set_policy(&self, policy: Policy) {
        *write(&self.policy) = policy;
    }

    /// Builds every index from `records` (cancelled ones are skipped) and swaps them in.
    /// Readers keep screening against the previous indexes meanwhile.
    pub fn bulk_load(&self, records: impl IntoIterator<Item = Record>) {
        let mut documents = BulkSlots::default();
        let mut vehicles = BulkSlots::default();
        let mut persons = BulkSlots::default();
        for record in records {
            if !record.is_active() {
                continue;
            }
            match &record.content.body {
                RecordBody::Document(_) => documents.add(&record, keyed::record_keys(&record)),
                RecordBody::Vehicle(_) => vehicles.add(&record, keyed::record_keys(&record)),
                RecordBody::Person(_) => persons::bulk_add(&mut persons, &record),
            }
        }
        let documents = KeyedIndex::build(documents, DOCUMENT_TABLES);
        *write(&self.documents) = documents;
        let vehicles = KeyedIndex::build(vehicles, VEHICLE_TABLES);
        *write(&self.vehicles) = vehicles;
        let persons = PersonIndex::build(persons);
        *write(&self.persons) = persons;
    }

    /// Applies one record version from the change log: inserts it, replaces an older version
    /// of it, or removes it when cancelled. Older versions than the indexed one are ignored,
    /// so replaying the log is harmless.
    pub fn apply(&self, record: &Record) {
        match &record.content.body {
            RecordBody::Document(_) => write(&self.documents).apply(record),
            RecordBody::Vehicle(_) => write(&self.vehicles).apply(record),
            RecordBody::Person(_) => write(&self.persons).apply(record),
        }
    }

    /// Counts and sizes.
    pub fn stats(&self) -> EngineStats {
        let documents = read(&self.documents);
        let vehicles = read(&self.vehicles);
        let persons = read(&self.persons);
        EngineStats {
            documents: documents.slots.live_count(),
            persons: persons.slots.live_count(),
            vehicles: vehicles.slots.live_count(),
            key_entries: documents.key_entries() + vehicles.key_entries() + persons.key_entries(),
            document_bytes: documents.heap_bytes(),
            person_bytes: persons.heap_bytes(),
            vehicle_bytes: vehicles.heap_bytes(),
        }
    }

    // ---- Matching (before policy) ------------------------------------------------------

    /// Documents matching a number of an issuing state.
    pub fn match_document(&self, query: &DocumentQuery, today: Date) -> Vec<Match> {
        let keys = [keyed::document_key(query.issuing_state, &query.number)];
        let index = read(&self.documents);
        let reason = Reason::DocumentNumber {
            number: query.number.clone(),
            issuing_state: query.issuing_state,
        };
        keyed_matches(&index, &keys, Database::Documents, today, |_| {
            reason.clone()
        })
    }

    /// Vehicles matching a VIN and/or a plate.
    pub fn match_vehicle(&self, query: &VehicleQuery, today: Date) -> Vec<Match> {
        let mut keys = Vec::new();
        if let Some(vin) = &query.vin {
            keys.push(keyed::vin_key(vin));
        }
        if let Some((country, plate)) = &query.plate {
            keys.push(keyed::plate_key(*country, plate));
        }
        let plate_reason = query.plate.as_ref().map(|(country, plate)| Reason::Plate {
            plate: plate.clone(),
            country: *country,
        });
        let vin_reason = Reason::Vin {
            vin: query.vin.clone().unwrap_or_default(),
        };
        let index = read(&self.vehicles);
        keyed_matches(&index, &keys, Database::Vehicles, today, |field| {
            match (field, &plate_reason) {
                (Field::Plate, Some(r)) => r.clone(),
                _ => vin_reason.clone(),
            }
        })
    }

    /// Persons (and the shown document) matching a traveller.
    pub fn match_traveller(&self, traveller: &Traveller, today: Date) -> Vec<Match> {
        let query = person_query(traveller);
        let mut matches = self.match_persons(&query, today, false);
        if let Some(doc) = &traveller.document {
            matches.extend(self.match_document(doc, today));
        }
        sort_matches(&mut matches);
        matches
    }

    /// The persons a traveller matches by scoring every person (no candidate generation):
    /// the baseline of the benchmark. Slow by design.
    pub fn match_traveller_full_scan(&self, traveller: &Traveller, today: Date) -> Vec<Match> {
        let query = person_query(traveller);
        self.match_persons(&query, today, true)
    }

    /// How many persons candidate generation hands the scorer for this traveller, once those
    /// whose facts rule them out are dropped (a figure for benchmarks and tuning).
    pub fn traveller_candidates(&self, traveller: &Traveller) -> usize {
        read(&self.persons)
            .candidates(&person_query(traveller), &self.scorer)
            .len()
    }

    fn match_persons(&self, query: &PersonQuery, today: Date, full_scan: bool) -> Vec<Match> {
        let index = read(&self.persons);
        let found = if full_scan {
            index.full_scan(query, &self.scorer)
        } else {
            index.screen(query, &self.scorer)
        };
        found
            .into_iter()
            .map(|m| {
                let meta = index.slots.meta(m.slot);
                let action = index
                    .data(m.slot)
                    .map_or(Action::for_database(Database::Persons), |d| d.action());
                Match {
                    database: Database::Persons,
                    record_id: meta.record_id(),
                    record_version: meta.version,
                    policy: index.slots.policies.get(meta.policy).clone(),
                    source_id: index.slots.source_id(m.slot).map(str::to_string),
                    match_kind: if m.by_identifier {
                        MatchKind::Exact
                    } else {
                        MatchKind::FuzzyName
                    },
                    score: m.score,
                    action,
                    review_overdue: meta.review_overdue(today),
                    reason: if m.by_identifier {
                        Reason::PersonIdentifier {
                            number: query.document_number.clone().unwrap_or_default(),
                        }
                    } else {
                        Reason::Person(Box::new(m.reason))
                    },
                }
            })
            .collect()
    }

    // ---- Screening (matching + policy) -------------------------------------------------

    fn reveal(&self, caller: &Caller, matches: Vec<Match>) -> Screening {
        read(&self.policy).reveal(caller, matches)
    }

    pub fn screen_document(
        &self,
        caller: &Caller,
        query: &DocumentQuery,
        today: Date,
    ) -> Screening {
        self.reveal(caller, self.match_document(query, today))
    }

    pub fn screen_vehicle(&self, caller: &Caller, query: &VehicleQuery, today: Date) -> Screening {
        self.reveal(caller, self.match_vehicle(query, today))
    }

    pub fn screen_traveller(
        &self,
        caller: &Caller,
        traveller: &Traveller,
        today: Date,
    ) -> Screening {
        self.reveal(caller, self.match_traveller(traveller, today))
    }

    /// Screens one manifest entry as sent (checking it first).
    pub fn screen_entry(
        &self,
        caller: &Caller,
        subject: &Subject,
        today: Date,
    ) -> Result<Screening, RequestError> {
        Ok(match subject {
            Subject::Traveller(t) => self.screen_traveller(caller, &t.check_on(today)?, today),
            Subject::Document(d) => self.screen_document(caller, &d.check()?, today),
            Subject::Vehicle(v) => self.screen_vehicle(caller, &v.check()?, today),
        })
    }

    /// Screens a manifest lazily: each entry is screened when the iterator reaches it, so a
    /// ferry of thousands streams its answers as they come.
    pub fn screen_manifest<'a, I>(
        &'a self,
        caller: &'a Caller,
        entries: I,
        today: Date,
    ) -> impl Iterator<Item = ManifestResult> + 'a
    where
        I: IntoIterator<Item = ManifestEntry>,
        I::IntoIter: 'a,
    {
        entries.into_iter().map(move |entry| ManifestResult {
            result: self.screen_entry(caller, &entry.subject, today),
            reference: entry.reference,
        })
    }
}

/// The answer to one manifest entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestResult {
    pub reference: Option<String>,
    pub result: Result<Screening, RequestError>,
}

fn keyed_matches(
    index: &KeyedIndex,
    keys: &[Key],
    database: Database,
    today: Date,
    reason: impl Fn(Field) -> Reason,
) -> Vec<Match> {
    index
        .lookup(keys)
        .into_iter()
        .map(|(slot, field, match_kind)| {
            let meta = index.slots.meta(slot);
            Match {
                database,
                record_id: meta.record_id(),
                record_version: meta.version,
                policy: index.slots.policies.get(meta.policy).clone(),
                source_id: index.slots.source_id(slot).map(str::to_string),
                match_kind,
                score: if match_kind == MatchKind::Exact {
                    EXACT_SCORE
                } else {
                    OCR_VARIANT_SCORE
                },
                action: Action::for_database(database),
                review_overdue: meta.review_overdue(today),
                reason: reason(field),
            }
        })
        .collect()
}

fn person_query(traveller: &Traveller) -> PersonQuery {
    PersonQuery {
        names: traveller
            .names
            .iter()
            .map(|n| PreparedName::new(n))
            .collect(),
        birth_date: traveller.birth_date,
        sex: traveller.sex,
        nationality: traveller.nationality,
        document_number: traveller.document.as_ref().map(|d| d.number.clone()),
    }
}

/// Exact before OCR variant before fuzzy; higher scores first.
fn sort_matches(matches: &mut [Match]) {
    let rank = |k: MatchKind| match k {
        MatchKind::Exact => 0,
        MatchKind::OcrVariant => 1,
        MatchKind::FuzzyName => 2,
    };
    matches.sort_by(|a, b| {
        rank(a.match_kind)
            .cmp(&rank(b.match_kind))
            .then(b.score.total_cmp(&a.score))
    });
}
