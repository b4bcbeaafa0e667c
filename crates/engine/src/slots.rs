//! [`SlotTable`]: the envelope of every indexed record version, in a compact fixed-size form.
//!
//! A slot holds what a hit must say about a record without fetching it — its identifier,
//! version, owner, visibility, review date — in 28 bytes ([`SlotMeta`]). Owner and visibility
//! are interned together as one [`PolicyClass`] (a network has a few thousand such pairs, not
//! millions). The full record stays in the store; the caller fetches details by id.
//!
//! Slots are appended and never moved, so an index entry (a slot number) stays valid until the
//! next bulk build. Replacing a record kills its old slot and appends a new one; cancelling
//! kills the slot. Identifiers of the bulk-built base are sorted, so finding a record's slot is
//! a binary search there and a hash look-up for records changed since.

use std::collections::HashMap;
use std::sync::Arc;

use portwatch_model::{AgencyId, Id, Record, Visibility};
use time::Date;

/// The owner and visibility rule shared by many records.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PolicyClass {
    pub owner: AgencyId,
    pub visibility: Visibility,
}

/// Interns [`PolicyClass`]es to `u32` numbers.
#[derive(Default)]
pub(crate) struct PolicyClasses {
    classes: Vec<Arc<PolicyClass>>,
    numbers: HashMap<PolicyClass, u32>,
}

impl PolicyClasses {
    pub(crate) fn intern(&mut self, owner: &AgencyId, visibility: &Visibility) -> u32 {
        let class = PolicyClass {
            owner: owner.clone(),
            visibility: visibility.clone(),
        };
        if let Some(&n) = self.numbers.get(&class) {
            return n;
        }
        let n = u32::try_from(self.classes.len()).unwrap_or(u32::MAX);
        self.classes.push(Arc::new(class.clone()));
        self.numbers.insert(class, n);
        n
    }

    /// Shared, so that a hit carries its class without copying the owner and country list.
    pub(crate) fn get(&self, n: u32) -> &Arc<PolicyClass> {
        &self.classes[n as usize]
    }
}

/// The compact envelope of one record version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SlotMeta {
    pub id: [u8; 16],
    pub version: u32,
    pub policy: u32,
    /// Days from [`REVIEW_EPOCH`] to the review date, plus one; 0 when the record has none.
    pub review_day: u16,
    pub live: bool,
}

/// Review dates are kept as days since 2000-01-01 in 16 bits (up to 2179); a date outside
/// that range is clamped, which only moves when an ancient or far-future review falls due.
const REVIEW_EPOCH: i32 = 2_451_545; // Julian day of 2000-01-01

fn review_day(date: Option<Date>) -> u16 {
    date.map_or(0, |d| {
        let days = (d.to_julian_day() - REVIEW_EPOCH).clamp(0, i32::from(u16::MAX) - 1);
        u16::try_from(days + 1).unwrap_or(u16::MAX)
    })
}

impl SlotMeta {
    pub(crate) fn new(record: &Record, policy: u32) -> Self {
        SlotMeta {
            id: *record.id.as_uuid().as_bytes(),
            version: record.version,
            policy,
            review_day: review_day(record.content.review_date),
            live: true,
        }
    }

    pub(crate) fn record_id(&self) -> Id {
        Id::from_uuid(uuid_from_bytes(self.id))
    }

    /// Whether the record's review date has passed on `today`.
    pub(crate) fn review_overdue(&self, today: Date) -> bool {
        self.review_day != 0 && self.review_day < review_day(Some(today))
    }
}

fn uuid_from_bytes(bytes: [u8; 16]) -> uuid::Uuid {
    uuid::Uuid::from_bytes(bytes)
}

/// What [`SlotTable::admit`] decided about an incoming record version.
pub(crate) enum Admission {
    /// Older than (or the same as) the version already indexed: ignore it.
    Stale,
    /// Index it; the previous version's slot, if any, has been killed.
    Index,
    /// It cancels the record; the previous slot, if any, has been killed.
    Cancelled,
}

/// Slots of one database (see the module documentation).
#[derive(Default)]
pub(crate) struct SlotTable {
    pub(crate) metas: Vec<SlotMeta>,
    /// `metas[..sorted_len]` are sorted by id (the bulk-built base).
    sorted_len: usize,
    /// Slots of records indexed after the base was built.
    changed: HashMap<[u8; 16], u32>,
    /// Source identifiers, for the few records that have one.
    source_ids: HashMap<u32, Box<str>>,
    pub(crate) policies: PolicyClasses,
}

impl SlotTable {
    fn push(&mut self, record: &Record) -> u32 {
        let policy = self
            .policies
            .intern(&record.content.owner, &record.content.visibility);
        let slot = next_slot(self.metas.len());
        self.metas.push(SlotMeta::new(record, policy));
        if let Some(source) = &record.content.source_id {
            self.source_ids
                .insert(slot, source.clone().into_boxed_str());
        }
        slot
    }

    /// The live slot of a record, if it is indexed.
    pub(crate) fn live_slot(&self, id: &[u8; 16]) -> Option<u32> {
        if let Some(&slot) = self.changed.get(id) {
            return self.metas[slot as usize].live.then_some(slot);
        }
        let base = &self.metas[..self.sorted_len];
        let i = base.binary_search_by(|m| m.id.cmp(id)).ok()?;
        base[i].live.then_some(i as u32)
    }

    /// Decides what to do with an incoming version, and kills the slot it supersedes.
    pub(crate) fn admit(&mut self, record: &Record) -> Admission {
        let id = *record.id.as_uuid().as_bytes();
        if let Some(slot) = self.live_slot(&id) {
            let meta = &mut self.metas[slot as usize];
            if meta.version >= record.version {
                return Admission::Stale;
            }
            meta.live = false;
            self.source_ids.remove(&slot);
        }
        if record.is_active() {
            Admission::Index
        } else {
            self.changed.remove(&id);
            Admission::Cancelled
        }
    }

    /// Appends the slot of a live change (after [`SlotTable::admit`] said `Index`).
    pub(crate) fn push_changed(&mut self, record: &Record) -> u32 {
        let slot = self.push(record);
        self.changed.insert(*record.id.as_uuid().as_bytes(), slot);
        slot
    }

    pub(crate) fn meta(&self, slot: u32) -> &SlotMeta {
        &self.metas[slot as usize]
    }

    pub(crate) fn source_id(&self, slot: u32) -> Option<&str> {
        self.source_ids.get(&slot).map(|s| &**s)
    }

    /// Live records.
    pub(crate) fn live_count(&self) -> usize {
        self.metas.iter().filter(|m| m.live).count()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.metas.capacity() * std::mem::size_of::<SlotMeta>()
            + self.changed.capacity() * 24
            + self.source_ids.capacity() * 32
            + self.source_ids.values().map(|s| s.len()).sum::<usize>()
    }
}

/// Slot numbers are `u32`: four billion record versions per database, far above SLTD's size.
fn next_slot(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// Collects the records of a bulk build, then lays their slots out sorted by id.
///
/// `K` is what the index keeps per record besides the envelope (its key fingerprints, or a
/// person's prepared names).
pub(crate) struct BulkSlots<K> {
    policies: PolicyClasses,
    pending: Vec<(SlotMeta, K)>,
    source_ids: HashMap<[u8; 16], Box<str>>,
}

impl<K> Default for BulkSlots<K> {
    fn default() -> Self {
        BulkSlots {
            policies: PolicyClasses::default(),
            pending: Vec::new(),
            source_ids: HashMap::new(),
        }
    }
}

impl<K> BulkSlots<K> {
    /// Adds an active record (the caller skips cancelled ones).
    pub(crate) fn add(&mut self, record: &Record, data: K) {
        let policy = self
            .policies
            .intern(&record.content.owner, &record.content.visibility);
        let meta = SlotMeta::new(record, policy);
        if let Some(source) = &record.content.source_id {
            self.source_ids
                .insert(meta.id, source.clone().into_boxed_str());
        }
        self.pending.push((meta, data));
    }

    /// The slot table and, in slot order, each slot's data. When a record came twice, the
    /// highest version wins.
    pub(crate) fn finish(mut self) -> (SlotTable, Vec<K>) {
        let sorted = self.pending.windows(2).all(|w| w[0].0.id < w[1].0.id);
        if !sorted {
            self.pending
                .sort_by(|a, b| a.0.id.cmp(&b.0.id).then(b.0.version.cmp(&a.0.version)));
            self.pending.dedup_by(|later, kept| later.0.id == kept.0.id);
        }
        let mut table = SlotTable {
            policies: self.policies,
            ..SlotTable::default()
        };
        table.metas.reserve_exact(self.pending.len());
        let mut data = Vec::with_capacity(self.pending.len());
        for (meta, d) in self.pending {
            if let Some(source) = self.source_ids.remove(&meta.id) {
                table
                    .source_ids
                    .insert(next_slot(table.metas.len()), source);
            }
            table.metas.push(meta);
            data.push(d);
        }
        table.sorted_len = table.metas.len();
        (table, data)
    }
}
