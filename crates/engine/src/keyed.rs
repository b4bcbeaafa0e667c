//! Indexes of records found by identifiers: travel documents and vehicles.
//!
//! A [`KeyedIndex`] is a [`SlotTable`] plus a few [`KeyTable`]s, one per kind of key:
//!
//! * documents: (issuing state, canonical number) — exact — and (issuing state, OCR skeleton)
//!   — tolerant, a hit there that is not also exact is an [`MatchKind::OcrVariant`];
//! * vehicles: canonical VIN and VIN skeleton; (country, canonical plate) and (country, plate
//!   skeleton).
//!
//! Only 64-bit fingerprints of the keys are stored (12 bytes an entry, 28 bytes a record for
//! the envelope): two different keys share a fingerprint with probability 2^-64 per pair,
//! which at 128 million documents is about one false exact hit in 10^11 searches — far below
//! the rate of typing errors, and the officer sees the record before acting on it.

use portwatch_ident::{document_number, plate, vin};
use portwatch_model::{CountryCode, Record, RecordBody};

use crate::keytable::{fingerprint, KeyTable};
use crate::slots::{Admission, BulkSlots, SlotTable};

/// The kinds of key of the two keyed databases, and the table each lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    DocumentExact = 0,
    DocumentSkeleton = 1,
    VinExact = 2,
    VinSkeleton = 3,
    PlateExact = 4,
    PlateSkeleton = 5,
}

impl KeyKind {
    /// Tolerant keys produce OCR-variant hits.
    pub(crate) fn is_tolerant(self) -> bool {
        matches!(
            self,
            KeyKind::DocumentSkeleton | KeyKind::VinSkeleton | KeyKind::PlateSkeleton
        )
    }

    /// The table of this key within its index (documents use tables 0–1, vehicles 0–3).
    fn table(self) -> usize {
        match self {
            KeyKind::DocumentExact | KeyKind::VinExact => 0,
            KeyKind::DocumentSkeleton | KeyKind::VinSkeleton => 1,
            KeyKind::PlateExact => 2,
            KeyKind::PlateSkeleton => 3,
        }
    }

    fn tag(self) -> &'static [u8] {
        match self {
            KeyKind::DocumentExact => b"d",
            KeyKind::DocumentSkeleton => b"D",
            KeyKind::VinExact => b"v",
            KeyKind::VinSkeleton => b"V",
            KeyKind::PlateExact => b"p",
            KeyKind::PlateSkeleton => b"P",
        }
    }
}

/// The fingerprint of a key of `kind` (already canonical or skeleton text).
pub(crate) fn key(kind: KeyKind, country: Option<CountryCode>, text: &str) -> u64 {
    let country = country.as_ref().map_or("", CountryCode::as_str);
    fingerprint(&[kind.tag(), country.as_bytes(), text.as_bytes()])
}

/// The keys of a document number issued by `state`.
pub(crate) fn document_keys(state: CountryCode, number: &str) -> [(KeyKind, u64); 2] {
    let canonical = document_number::canonical(number);
    let skeleton = document_number::skeleton(&canonical);
    [
        (
            KeyKind::DocumentExact,
            key(KeyKind::DocumentExact, Some(state), &canonical),
        ),
        (
            KeyKind::DocumentSkeleton,
            key(KeyKind::DocumentSkeleton, Some(state), &skeleton),
        ),
    ]
}

/// The keys of a VIN.
pub(crate) fn vin_keys(raw: &str) -> [(KeyKind, u64); 2] {
    let canonical = vin::canonical(raw);
    let skeleton = vin::skeleton(&canonical);
    [
        (KeyKind::VinExact, key(KeyKind::VinExact, None, &canonical)),
        (
            KeyKind::VinSkeleton,
            key(KeyKind::VinSkeleton, None, &skeleton),
        ),
    ]
}

/// The keys of a plate of `country`.
pub(crate) fn plate_keys(country: CountryCode, raw: &str) -> [(KeyKind, u64); 2] {
    let canonical = plate::canonical(raw);
    let skeleton = plate::skeleton(&canonical);
    [
        (
            KeyKind::PlateExact,
            key(KeyKind::PlateExact, Some(country), &canonical),
        ),
        (
            KeyKind::PlateSkeleton,
            key(KeyKind::PlateSkeleton, Some(country), &skeleton),
        ),
    ]
}

/// Every key of a document or vehicle record (none for a person).
pub(crate) fn record_keys(record: &Record) -> Vec<(KeyKind, u64)> {
    match &record.content.body {
        RecordBody::Document(d) => document_keys(d.issuing_state, d.number.as_str()).to_vec(),
        RecordBody::Vehicle(v) => {
            let mut keys = vin_keys(v.vin.as_str()).to_vec();
            if let Some(p) = &v.plate {
                keys.extend(plate_keys(p.country, &p.number));
            }
            keys
        }
        RecordBody::Person(_) => Vec::new(),
    }
}

/// A database of records found by identifiers (see the module documentation).
pub(crate) struct KeyedIndex {
    pub(crate) slots: SlotTable,
    tables: Vec<KeyTable>,
}

impl KeyedIndex {
    /// An empty index with `tables` key tables (2 for documents, 4 for vehicles).
    pub(crate) fn empty(tables: usize) -> Self {
        KeyedIndex {
            slots: SlotTable::default(),
            tables: (0..tables).map(|_| KeyTable::default()).collect(),
        }
    }

    /// Builds the index from the collected records.
    pub(crate) fn build(bulk: BulkSlots<Vec<(KeyKind, u64)>>, tables: usize) -> Self {
        let (slots, keys) = bulk.finish();
        let mut per_table: Vec<Vec<(u64, u32)>> = (0..tables)
            .map(|_| Vec::with_capacity(keys.len()))
            .collect();
        for (slot, record_keys) in keys.into_iter().enumerate() {
            let slot = u32::try_from(slot).unwrap_or(u32::MAX);
            for (kind, fp) in record_keys {
                per_table[kind.table()].push((fp, slot));
            }
        }
        KeyedIndex {
            slots,
            tables: per_table.into_iter().map(KeyTable::build).collect(),
        }
    }

    /// Applies one record version: insert, replace or remove (see [`SlotTable::admit`]).
    pub(crate) fn apply(&mut self, record: &Record) {
        if let Admission::Index = self.slots.admit(record) {
            let slot = self.slots.push_changed(record);
            for (kind, fp) in record_keys(record) {
                self.tables[kind.table()].insert(fp, slot);
            }
        }
    }

    /// Live slots found under each key, with the kind of the key. A slot found by an exact
    /// and a tolerant key is reported once, as exact.
    pub(crate) fn lookup(&self, keys: &[(KeyKind, u64)]) -> Vec<(u32, KeyKind)> {
        let mut found: Vec<(u32, KeyKind)> = Vec::new();
        for &(kind, fp) in keys {
            self.tables[kind.table()].for_each(fp, |slot| {
                if !self.slots.meta(slot).live {
                    return;
                }
                match found.iter_mut().find(|(s, _)| *s == slot) {
                    Some(existing) => {
                        if existing.1.is_tolerant() && !kind.is_tolerant() {
                            existing.1 = kind;
                        }
                    }
                    None => found.push((slot, kind)),
                }
            });
        }
        found
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.heap_bytes() + self.tables.iter().map(KeyTable::heap_bytes).sum::<usize>()
    }

    pub(crate) fn key_entries(&self) -> usize {
        self.tables.iter().map(KeyTable::len).sum()
    }
}
