//! `KeyTable`: a compact multimap from 64-bit key fingerprints to record slots.
//!
//! Every index of the engine is one or more key tables: documents by (issuing state, number)
//! and by OCR skeleton, vehicles by VIN and plate, persons by name keys and identifiers. At
//! INTERPOL scale (128 million documents) a `HashMap<String, _>` would need tens of gigabytes,
//! so a key table stores only what a look-up needs:
//!
//! * a **base**: entries of fingerprint, slot and tag (16 bytes, read in one cache miss;
//!   see `KeyTable::build_tagged`) sorted by fingerprint, plus a directory indexed by the top bits of the
//!   fingerprint that narrows a look-up to a bucket of about four entries — two or three cache
//!   misses instead of a binary search over gigabytes;
//! * a **delta**: a small hash map holding the entries added since the base was built (live
//!   changes from the store's change log), so a single change never rebuilds the base.
//!
//! Entries are never removed: the slot they point to is marked dead in the record table and
//! skipped by the reader; the next bulk build drops them.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for keys that are already well-mixed 64-bit fingerprints: hashing them again
/// would only cost time.
#[derive(Default)]
pub(crate) struct FingerprintHasher(u64);

impl Hasher for FingerprintHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8)) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = mix(u64::from(n));
    }
}

/// A `HashMap` keyed by fingerprints.
pub(crate) type FingerprintMap<V> = HashMap<u64, V, BuildHasherDefault<FingerprintHasher>>;

/// A `HashSet` of fingerprints.
pub(crate) type FingerprintSet = HashSet<u64, BuildHasherDefault<FingerprintHasher>>;

/// The 64-bit fingerprint of a key made of several parts (the parts are separated, so
/// `("AB", "C")` and `("A", "BC")` differ). FNV-1a followed by a final mix so that the top bits
/// are uniform, which the directory relies on.
pub fn fingerprint(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// The splitmix64 finaliser: spreads every input bit over every output bit.
pub(crate) fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// One entry of the base (16 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    key: u64,
    slot: u32,
    tag: u32,
}

/// Sorted base plus live delta (see the module documentation). Each entry may carry a 32-bit
/// tag: in document and vehicle tables a second, independent hash that tells an exact key from
/// a look-alike one sharing the fingerprint; in person tables the person's date of birth and
/// sex, which rule candidates out as their postings are read. Tables built without tags store 0.
#[derive(Default)]
pub(crate) struct KeyTable {
    /// Fingerprint, slot and tag side by side: one cache miss reads all three.
    entries: Vec<Entry>,
    /// `directory[b]..directory[b + 1]` is the range of bucket `b` (the top `bits` bits).
    directory: Vec<u32>,
    bits: u32,
    delta: FingerprintMap<Vec<(u32, u32)>>,
}

impl KeyTable {
    /// Builds an untagged base from `(fingerprint, slot)` pairs in any order.
    #[cfg(test)]
    pub(crate) fn build(pairs: Vec<(u64, u32)>) -> Self {
        KeyTable::build_tagged(pairs.into_iter().map(|(k, s)| (k, s, 0)).collect())
    }

    /// Builds a tagged base from `(fingerprint, slot, tag)` triples in any order.
    pub(crate) fn build_tagged(triples: Vec<(u64, u32, u32)>) -> Self {
        let mut entries: Vec<Entry> = triples
            .into_iter()
            .map(|(key, slot, tag)| Entry { key, slot, tag })
            .collect();
        entries.sort_unstable();
        let bits = directory_bits(entries.len());
        let mut directory = vec![0u32; (1usize << bits) + 1];
        for e in &entries {
            directory[bucket(e.key, bits) + 1] += 1;
        }
        for b in 1..directory.len() {
            directory[b] += directory[b - 1];
        }
        KeyTable {
            entries,
            directory,
            bits,
            delta: FingerprintMap::default(),
        }
    }

    /// Adds one entry to the delta (a live change); `tag` is ignored by untagged tables.
    pub(crate) fn insert(&mut self, key: u64, slot: u32, tag: u32) {
        self.delta.entry(key).or_default().push((slot, tag));
    }

    /// The base range of `key`.
    fn base_range(&self, key: u64) -> std::ops::Range<usize> {
        if self.entries.is_empty() {
            return 0..0;
        }
        let b = bucket(key, self.bits);
        let (lo, hi) = (self.directory[b] as usize, self.directory[b + 1] as usize);
        let bucket = &self.entries[lo..hi];
        let start = lo + bucket.partition_point(|e| e.key < key);
        let end = lo + bucket.partition_point(|e| e.key <= key);
        start..end
    }

    /// Calls `visit(slot, tag)` for every entry stored under `key` (live or dead slots; tag 0
    /// in an untagged table).
    pub(crate) fn for_each(&self, key: u64, visit: impl FnMut(u32, u32)) {
        self.postings(key).for_each(visit);
    }

    fn delta_of(&self, key: u64) -> &[(u32, u32)] {
        if self.delta.is_empty() {
            &[]
        } else {
            self.delta.get(&key).map_or(&[], Vec::as_slice)
        }
    }

    /// The entries stored under `key` (dead slots included; their count is the cost of
    /// visiting them), found once: a caller that weighs a key by its count before reading it
    /// (candidate generation) pays one look-up, not two.
    pub(crate) fn postings(&self, key: u64) -> Postings<'_> {
        Postings {
            base: &self.entries[self.base_range(key)],
            delta: self.delta_of(key),
        }
    }

    /// The keys of the base stored under more than `limit` entries.
    pub(crate) fn keys_above(&self, limit: usize) -> impl Iterator<Item = u64> + '_ {
        self.entries
            .chunk_by(|a, b| a.key == b.key)
            .filter(move |run| run.len() > limit)
            .map(|run| run[0].key)
    }

    /// Heap bytes held (an estimate for the delta).
    pub(crate) fn heap_bytes(&self) -> usize {
        let delta_entries: usize = self.delta.values().map(|v| v.capacity() * 8 + 32).sum();
        self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.directory.capacity() * 4
            + delta_entries
    }

    /// Entries in the base and in the delta.
    pub(crate) fn len(&self) -> usize {
        self.entries.len() + self.delta.values().map(Vec::len).sum::<usize>()
    }
}

/// The entries of one key in a [`KeyTable`]: a run of the base and the delta's list.
#[derive(Clone, Copy)]
pub(crate) struct Postings<'a> {
    base: &'a [Entry],
    delta: &'a [(u32, u32)],
}

impl Postings<'_> {
    /// How many slots (dead ones included).
    pub(crate) fn len(&self) -> usize {
        self.base.len() + self.delta.len()
    }

    /// Calls `visit(slot, tag)` for every entry, base first.
    pub(crate) fn for_each(&self, mut visit: impl FnMut(u32, u32)) {
        for e in self.base {
            visit(e.slot, e.tag);
        }
        for &(slot, tag) in self.delta {
            visit(slot, tag);
        }
    }
}

/// About four entries a bucket: small enough to scan in one or two cache lines.
fn directory_bits(entries: usize) -> u32 {
    let buckets = (entries / 4).max(1);
    (usize::BITS - buckets.leading_zeros()).clamp(1, 30)
}

fn bucket(key: u64, bits: u32) -> usize {
    (key >> (64 - bits)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_slot_of_a_key_in_base_and_delta() {
        let pairs: Vec<(u64, u32)> = (0..10_000u32)
            .map(|i| (fingerprint(&[&(i % 2500).to_le_bytes()]), i))
            .collect();
        let mut table = KeyTable::build(pairs);
        let key = fingerprint(&[&7u32.to_le_bytes()]);
        table.insert(key, 99_999, 0);
        let mut found = Vec::new();
        table.for_each(key, |s, _| found.push(s));
        found.sort_unstable();
        assert_eq!(found, vec![7, 2507, 5007, 7507, 99_999]);
        assert_eq!(table.postings(key).len(), 5);
        assert_eq!(table.postings(fingerprint(&[b"absent"])).len(), 0);
    }

    #[test]
    fn keys_above_a_limit_are_listed_once() {
        let table = KeyTable::build(vec![(5, 1), (5, 2), (5, 3), (6, 4), (7, 5), (7, 6)]);
        assert_eq!(table.keys_above(1).collect::<Vec<_>>(), vec![5, 7]);
        assert_eq!(table.keys_above(2).collect::<Vec<_>>(), vec![5]);
    }

    #[test]
    fn tags_come_back_with_their_slots() {
        let mut table = KeyTable::build_tagged(vec![(5, 1, 10), (5, 2, 20), (6, 3, 30)]);
        table.insert(5, 4, 40);
        let mut found = Vec::new();
        table.for_each(5, |s, t| found.push((s, t)));
        assert_eq!(found, vec![(1, 10), (2, 20), (4, 40)]);
    }

    #[test]
    fn an_empty_table_finds_nothing() {
        let table = KeyTable::build(Vec::new());
        assert_eq!(table.postings(1).len(), 0);
    }

    #[test]
    fn parts_are_separated_in_fingerprints() {
        assert_ne!(fingerprint(&[b"AB", b"C"]), fingerprint(&[b"A", b"BC"]));
    }
}
