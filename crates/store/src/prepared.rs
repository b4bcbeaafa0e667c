//! Record contents made ready to write, away from the write lock.
//!
//! Before a record is written its content is serialised to the stored form, hashed, and its
//! natural key computed and hashed. That is a good part of an import's work and needs neither
//! the database nor any lock, so it is split from the write: [`PreparedRecords::new`] does it
//! on whichever thread calls it (an import's reader thread, while the previous batch is being
//! written), and [`Store::put_prepared`] only writes.
//!
//! [`Store::put_prepared`]: crate::Store::put_prepared

use std::ops::Deref;

use sha2::{Digest, Sha256};

use portwatch_model::{Database, RecordContent};

use crate::error::Result;

/// A batch of record contents with their stored form computed, ready for
/// [`Store::put_prepared`](crate::Store::put_prepared).
#[derive(Debug)]
pub struct PreparedRecords {
    contents: Vec<RecordContent>,
    encodings: Vec<Encoding>,
    key_order: KeyOrder,
}

impl PreparedRecords {
    /// Serialises and hashes every content of `contents`, and sorts them by natural key, on
    /// this thread.
    pub fn new(contents: Vec<RecordContent>) -> Result<PreparedRecords> {
        let encodings: Vec<Encoding> = contents.iter().map(Encoding::of).collect::<Result<_>>()?;
        let key_order = KeyOrder::of(&pair(&contents, &encodings));
        Ok(PreparedRecords {
            contents,
            encodings,
            key_order,
        })
    }

    /// The contents, in the order given.
    pub fn contents(&self) -> &[RecordContent] {
        &self.contents
    }

    pub fn len(&self) -> usize {
        self.contents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.contents.is_empty()
    }

    /// The batch as the backends write it.
    pub(crate) fn items(&self) -> Vec<Encoded<'_>> {
        pair(&self.contents, &self.encodings)
    }

    /// The batch's items in key order, with what the key-ordered passes read of them.
    pub(crate) fn key_order(&self) -> &KeyOrder {
        &self.key_order
    }
}

/// The stored form of one content and the keys a write looks it up by.
#[derive(Debug)]
pub(crate) struct Encoding {
    /// The stored content (see [`crate::content`]).
    pub(crate) json: Vec<u8>,
    /// SHA-256 of `json`: equal hashes mean an unchanged record.
    pub(crate) hash: [u8; 32],
    /// [`RecordContent::natural_key`].
    pub(crate) natural_key: String,
    /// The first 8 bytes of SHA-256 of the natural key, as the SQLite key index holds it.
    pub(crate) key_hash: i64,
}

impl Encoding {
    pub(crate) fn of(content: &RecordContent) -> Result<Encoding> {
        let mut json = Vec::with_capacity(384);
        crate::content::encode_into(content, &mut json)?;
        let hash = Sha256::digest(&json).into();
        let natural_key = content.natural_key();
        Ok(Encoding {
            json,
            hash,
            key_hash: key_hash(&natural_key),
            natural_key,
        })
    }
}

/// The 64-bit hash of a natural key that the SQLite `records_by_key` index holds.
pub(crate) fn key_hash(natural_key: &str) -> i64 {
    let digest = Sha256::digest(natural_key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// A content beside its encoding; reads the encoding's fields through `Deref`.
pub(crate) struct Encoded<'a> {
    pub(crate) content: &'a RecordContent,
    encoding: &'a Encoding,
}

impl<'a> Encoded<'a> {
    pub(crate) fn new(content: &'a RecordContent, encoding: &'a Encoding) -> Self {
        Encoded { content, encoding }
    }
}

impl Deref for Encoded<'_> {
    type Target = Encoding;

    fn deref(&self) -> &Encoding {
        self.encoding
    }
}

/// Pairs contents with their encodings (of the same length, made from them).
pub(crate) fn pair<'a>(
    contents: &'a [RecordContent],
    encodings: &'a [Encoding],
) -> Vec<Encoded<'a>> {
    debug_assert_eq!(contents.len(), encodings.len());
    contents
        .iter()
        .zip(encodings)
        .map(|(content, encoding)| Encoded::new(content, encoding))
        .collect()
}

/// A batch's items in key order: by key hash, then by key text (compared only when two
/// hashes are equal). The SQLite backend looks keys up and fills its key index in this order;
/// a key named twice in the batch shows as two neighbours. Computed with the encodings, off
/// the writer's thread, for a prepared batch.
///
/// Each item's key hash, content hash, database, natural key and owner are copied into one
/// table in this order (the texts into one string), so that the writer walks memory forwards.
/// Reached through the batch instead, in key order (random to the file's order), every item
/// costs several cache misses spread over a batch of tens of megabytes; they were a fifth of
/// the writer's time in an import of new records.
#[derive(Debug)]
pub(crate) struct KeyOrder {
    items: Vec<KeyedItem>,
    /// Each item's natural key then its owner, in key order.
    text: String,
    distinct: bool,
}

/// What the key-ordered passes read of one item (see [`KeyOrder`]).
#[derive(Debug)]
pub(crate) struct KeyedItem {
    /// The item's position in the batch.
    pub(crate) position: usize,
    pub(crate) key_hash: i64,
    pub(crate) content_hash: [u8; 32],
    pub(crate) database: Database,
    /// Where the natural key ends and the owner begins in [`KeyOrder::text`]; the owner ends
    /// at `owner_end`.
    key: std::ops::Range<usize>,
    owner_end: usize,
}

impl KeyOrder {
    pub(crate) fn of(batch: &[Encoded<'_>]) -> KeyOrder {
        let key = |i: usize| (batch[i].key_hash, batch[i].natural_key.as_str());
        let mut positions: Vec<usize> = (0..batch.len()).collect();
        positions.sort_unstable_by(|&a, &b| key(a).cmp(&key(b)));
        let distinct = positions
            .windows(2)
            .all(|pair| key(pair[0]) != key(pair[1]));
        let mut text = String::new();
        let items = positions
            .into_iter()
            .map(|position| {
                let item = &batch[position];
                let key_start = text.len();
                text.push_str(&item.natural_key);
                let owner_start = text.len();
                text.push_str(item.content.owner.as_str());
                KeyedItem {
                    position,
                    key_hash: item.key_hash,
                    content_hash: item.hash,
                    database: item.content.database(),
                    key: key_start..owner_start,
                    owner_end: text.len(),
                }
            })
            .collect();
        KeyOrder {
            items,
            text,
            distinct,
        }
    }

    /// The batch's items, in key order.
    pub(crate) fn items(&self) -> &[KeyedItem] {
        &self.items
    }

    /// The natural key of `item`, one of [`Self::items`].
    pub(crate) fn natural_key(&self, item: &KeyedItem) -> &str {
        &self.text[item.key.clone()]
    }

    /// The owner of `item`, one of [`Self::items`].
    pub(crate) fn owner(&self, item: &KeyedItem) -> &str {
        &self.text[item.key.end..item.owner_end]
    }

    /// True when no natural key appears twice in the batch.
    pub(crate) fn keys_are_distinct(&self) -> bool {
        self.distinct
    }

    /// The items whose key hash is `hash`.
    pub(crate) fn with_key_hash(&self, hash: i64) -> &[KeyedItem] {
        let start = self.items.partition_point(|item| item.key_hash < hash);
        let len = self.items[start..].partition_point(|item| item.key_hash == hash);
        &self.items[start..start + len]
    }
}

/// Batches at least this long are encoded on two threads by [`encode_all`].
const PARALLEL_ENCODE_FROM: usize = 4_096;

/// Encodes a batch for a caller that did not prepare it; a large one in two halves at once,
/// since the caller is about to wait for the write lock anyway.
pub(crate) fn encode_all(batch: &[RecordContent]) -> Result<Vec<Encoding>> {
    if batch.len() < PARALLEL_ENCODE_FROM {
        return batch.iter().map(Encoding::of).collect();
    }
    let (first, second) = batch.split_at(batch.len() / 2);
    let (first, second) = std::thread::scope(|scope| {
        let helper = scope.spawn(|| second.iter().map(Encoding::of).collect::<Result<Vec<_>>>());
        let first = first.iter().map(Encoding::of).collect::<Result<Vec<_>>>();
        (first, helper.join())
    });
    let mut encoded = first?;
    // The helper only serialises and hashes; a panic there is a bug worth surfacing as is.
    encoded.extend(second.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?);
    Ok(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_contents::vehicle;
    use portwatch_model::RecordContent;

    fn content() -> RecordContent {
        vehicle("ncb-rome", "1M8GDM9AXKP042788")
    }

    /// An encoding with the given key and a chosen key hash (to force collisions).
    fn encoding(natural_key: &str, key_hash: i64) -> Encoding {
        Encoding {
            json: Vec::new(),
            hash: [0; 32],
            natural_key: natural_key.to_string(),
            key_hash,
        }
    }

    fn distinct(keys: &[(&str, i64)]) -> bool {
        let content = content();
        let encodings: Vec<Encoding> = keys.iter().map(|(k, h)| encoding(k, *h)).collect();
        let items: Vec<Encoded<'_>> = encodings
            .iter()
            .map(|e| Encoded::new(&content, e))
            .collect();
        KeyOrder::of(&items).keys_are_distinct()
    }

    #[test]
    fn a_key_named_twice_is_not_distinct_even_among_hash_collisions() {
        assert!(distinct(&[("a", 3), ("b", 1), ("c", 2)]));
        assert!(!distinct(&[("a", 3), ("b", 1), ("a", 3)]));
        // Different keys that share a hash are still distinct ...
        assert!(distinct(&[("a", 7), ("b", 7), ("c", 7), ("d", 1)]));
        // ... and a repeated key is found inside a run of equal hashes.
        assert!(!distinct(&[("a", 7), ("b", 7), ("c", 7), ("b", 7)]));
        assert!(distinct(&[]));
    }

    #[test]
    fn each_item_keeps_its_own_key_owner_and_hashes_in_key_order() {
        let contents: Vec<RecordContent> = [
            ("ncb-rome", "1M8GDM9AXKP042788"),
            ("ncb-oslo", "WVWZZZ1JZXW000001"),
        ]
        .iter()
        .map(|(owner, vin)| vehicle(owner, vin))
        .collect();
        let prepared = PreparedRecords::new(contents).unwrap();
        let order = prepared.key_order();
        assert_eq!(order.items().len(), 2);
        for item in order.items() {
            let content = &prepared.contents()[item.position];
            let encoding = &prepared.encodings[item.position];
            assert_eq!(order.natural_key(item), content.natural_key());
            assert_eq!(order.owner(item), content.owner.as_str());
            assert_eq!(item.key_hash, encoding.key_hash);
            assert_eq!(item.content_hash, encoding.hash);
            assert_eq!(item.database, Database::Vehicles);
        }
        let hashes: Vec<i64> = order.items().iter().map(|item| item.key_hash).collect();
        assert!(
            hashes.windows(2).all(|pair| pair[0] <= pair[1]),
            "in key order"
        );
    }

    #[test]
    fn items_sharing_a_hash_are_found_together() {
        let content = content();
        let encodings = [encoding("x", 5), encoding("y", 2), encoding("z", 5)];
        let items: Vec<Encoded<'_>> = encodings
            .iter()
            .map(|e| Encoded::new(&content, e))
            .collect();
        let order = KeyOrder::of(&items);
        let found = |hash| {
            let items = order.with_key_hash(hash);
            items.iter().map(|item| item.position).collect::<Vec<_>>()
        };
        assert_eq!(found(5), [0, 2], "x before z");
        assert!(found(4).is_empty());
    }
}
