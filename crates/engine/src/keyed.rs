//! Indexes of records found by identifiers: travel documents and vehicles.
//!
//! A [`KeyedIndex`] is a [`SlotTable`] plus one tagged [`KeyTable`] per kind of identifier:
//!
//! * documents: the number, keyed by (issuing state, OCR skeleton of the number);
//! * vehicles: the VIN, keyed by its skeleton; the plate, keyed by (country, plate skeleton).
//!
//! The fingerprint is that of the **skeleton** (look-alike characters folded: 0/O, 1/I, 5/S …),
//! so one look-up finds both the record typed exactly and the records read with a look-alike;
//! the entry's 32-bit tag, a hash of the **canonical** form, tells them apart: equal tag, an
//! exact hit; different tag, an [`OcrVariant`](portwatch_model::MatchKind::OcrVariant). A
//! document costs 16 bytes of key table and 28 of envelope.
//!
//! Only fingerprints are stored: two different skeletons share a 64-bit fingerprint with
//! probability 2^-64 per pair, and two numbers of one skeleton share a tag with probability
//! 2^-32 — about one mislabelled hit in 10^9 OCR-variant hits; the officer sees the record
//! before acting on it either way.

use portwatch_ident::{document_number, plate, vin};
use portwatch_model::{CountryCode, MatchKind, Record, RecordBody};

use crate::keytable::{fingerprint, KeyTable};
use crate::slots::{Admission, BulkSlots, SlotTable};

/// Which identifier a key is of, and the table it lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    DocumentNumber,
    Vin,
    Plate,
}

impl Field {
    /// Documents use table 0; vehicles table 0 for VINs and 1 for plates.
    fn table(self) -> usize {
        match self {
            Field::DocumentNumber | Field::Vin => 0,
            Field::Plate => 1,
        }
    }

    fn tag(self) -> &'static [u8] {
        match self {
            Field::DocumentNumber => b"d",
            Field::Vin => b"v",
            Field::Plate => b"p",
        }
    }
}

/// A key: the fingerprint of the skeleton, and the tag of the canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    pub field: Field,
    fingerprint: u64,
    tag: u32,
}

fn key(field: Field, country: Option<CountryCode>, canonical: &str, skeleton: &str) -> Key {
    let country = country.as_ref().map_or("", CountryCode::as_str);
    let exact = fingerprint(&[b"=", field.tag(), country.as_bytes(), canonical.as_bytes()]);
    Key {
        field,
        fingerprint: fingerprint(&[field.tag(), country.as_bytes(), skeleton.as_bytes()]),
        tag: (exact >> 32) as u32,
    }
}

/// The key of a document number issued by `state`.
pub(crate) fn document_key(state: CountryCode, number: &str) -> Key {
    let canonical = document_number::canonical(number);
    let skeleton = document_number::skeleton(&canonical);
    key(Field::DocumentNumber, Some(state), &canonical, &skeleton)
}

/// The key of a VIN.
pub(crate) fn vin_key(raw: &str) -> Key {
    let canonical = vin::canonical(raw);
    let skeleton = vin::skeleton(&canonical);
    key(Field::Vin, None, &canonical, &skeleton)
}

/// The key of a plate of `country`.
pub(crate) fn plate_key(country: CountryCode, raw: &str) -> Key {
    let canonical = plate::canonical(raw);
    let skeleton = plate::skeleton(&canonical);
    key(Field::Plate, Some(country), &canonical, &skeleton)
}

/// Every key of a document or vehicle record (none for a person).
pub(crate) fn record_keys(record: &Record) -> Vec<Key> {
    match &record.content.body {
        RecordBody::Document(d) => vec![document_key(d.issuing_state, d.number.as_str())],
        RecordBody::Vehicle(v) => {
            let mut keys = vec![vin_key(v.vin.as_str())];
            if let Some(p) = &v.plate {
                keys.push(plate_key(p.country, &p.number));
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
    pub(crate) fn build(bulk: BulkSlots<Vec<Key>>, tables: usize) -> Self {
        let (slots, keys) = bulk.finish();
        let mut per_table: Vec<Vec<(u64, u32, u32)>> = (0..tables)
            .map(|t| Vec::with_capacity(if t == 0 { keys.len() } else { keys.len() / 2 }))
            .collect();
        for (slot, record_keys) in keys.into_iter().enumerate() {
            let slot = u32::try_from(slot).unwrap_or(u32::MAX);
            for k in record_keys {
                per_table[k.field.table()].push((k.fingerprint, slot, k.tag));
            }
        }
        KeyedIndex {
            slots,
            tables: per_table.into_iter().map(KeyTable::build_tagged).collect(),
        }
    }

    /// Applies one record version: insert, replace or remove (see [`SlotTable::admit`]).
    pub(crate) fn apply(&mut self, record: &Record) {
        if let Admission::Index = self.slots.admit(record) {
            let slot = self.slots.push_changed(record);
            for k in record_keys(record) {
                self.tables[k.field.table()].insert(k.fingerprint, slot, k.tag);
            }
        }
    }

    /// Live slots found under each key, with the field and the kind of match. A slot found
    /// by several keys is reported once, exact first.
    pub(crate) fn lookup(&self, keys: &[Key]) -> Vec<(u32, Field, MatchKind)> {
        let mut found: Vec<(u32, Field, MatchKind)> = Vec::new();
        for k in keys {
            self.tables[k.field.table()].for_each(k.fingerprint, |slot, tag| {
                if !self.slots.meta(slot).live {
                    return;
                }
                let kind = if tag == k.tag {
                    MatchKind::Exact
                } else {
                    MatchKind::OcrVariant
                };
                match found.iter_mut().find(|(s, _, _)| *s == slot) {
                    Some(existing) if kind == MatchKind::Exact => {
                        *existing = (slot, k.field, kind);
                    }
                    Some(_) => {}
                    None => found.push((slot, k.field, kind)),
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
