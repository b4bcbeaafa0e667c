//! The hash chain of the audit log, the same for every backend.
//!
//! Entry `n` is hashed as
//! `SHA-256(prev_hash ‖ "\n" ‖ decimal(n) ‖ "\n" ‖ event_json)` where `prev_hash` is the
//! lower-case hex hash of entry `n - 1` (64 zeros for entry 1) and `event_json` is the compact
//! JSON of the [`AuditEvent`] exactly as stored. Because the sequence number and the previous
//! hash are inside each hash, changing an entry breaks its own hash, removing one breaks the
//! link of the next, and swapping two breaks both. The last sequence number and hash are also
//! kept apart from the entries (the chain's head), so cutting entries off the end is detected.

use sha2::{Digest, Sha256};

use portwatch_model::{AuditEntry, AuditEvent};

use crate::api::{AuditBreak, AuditReport};
use crate::error::{Result, StoreError};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical serialisation of an event: compact JSON, fields in declaration order.
pub fn canonical_event(event: &AuditEvent) -> Result<String> {
    serde_json::to_string(event).map_err(|e| StoreError::Backend(Box::new(e)))
}

/// The hash of entry `seq` whose canonical event is `event_json`, chained to `prev_hash`.
pub fn entry_hash(prev_hash: &str, seq: u64, event_json: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(seq.to_string().as_bytes());
    hasher.update(b"\n");
    hasher.update(event_json.as_bytes());
    hex::encode(hasher.finalize())
}

/// An entry as a backend stores it: the event kept as its canonical JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub seq: u64,
    pub event_json: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEntry {
    /// Chains `event` after the entry `(prev_seq, prev_hash)`.
    pub fn chain(prev_seq: u64, prev_hash: &str, event: &AuditEvent) -> Result<StoredEntry> {
        let seq = prev_seq + 1;
        let event_json = canonical_event(event)?;
        let hash = entry_hash(prev_hash, seq, &event_json);
        Ok(StoredEntry {
            seq,
            event_json,
            prev_hash: prev_hash.to_string(),
            hash,
        })
    }

    /// The model's view of the entry.
    pub fn to_entry(&self) -> Result<AuditEntry> {
        let event = serde_json::from_str(&self.event_json).map_err(|e| {
            StoreError::Corrupt(format!("audit entry {} does not parse: {e}", self.seq))
        })?;
        Ok(AuditEntry {
            seq: self.seq,
            event,
            prev_hash: self.prev_hash.clone(),
            hash: self.hash.clone(),
        })
    }
}

/// Checks entries fed in stored order, one at a time, so a backend can stream a long chain.
#[derive(Debug)]
pub struct ChainVerifier {
    checked: u64,
    last_seq: u64,
    last_hash: String,
    broken: Option<AuditBreak>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            checked: 0,
            last_seq: 0,
            last_hash: GENESIS_HASH.to_string(),
            broken: None,
        }
    }
}

impl ChainVerifier {
    /// Checks the next entry; returns false once the chain is broken (later entries are not
    /// looked at: the first break is what an auditor needs).
    pub fn feed(&mut self, entry: &StoredEntry) -> bool {
        if self.broken.is_some() {
            return false;
        }
        self.checked += 1;
        let expected_seq = self.last_seq + 1;
        let problem = if entry.seq != expected_seq {
            Some((
                expected_seq,
                format!(
                    "entry {expected_seq} is missing or out of place (found {} next)",
                    entry.seq
                ),
            ))
        } else if entry.prev_hash != self.last_hash {
            Some((
                entry.seq,
                "its previous-entry hash does not match the entry before it \
                 (an entry was removed or reordered)"
                    .to_string(),
            ))
        } else if entry_hash(&entry.prev_hash, entry.seq, &entry.event_json) != entry.hash {
            Some((
                entry.seq,
                "its content does not match its hash (the entry was changed)".to_string(),
            ))
        } else if serde_json::from_str::<AuditEvent>(&entry.event_json).is_err() {
            Some((entry.seq, "its event does not parse".to_string()))
        } else {
            None
        };
        match problem {
            Some((seq, reason)) => {
                self.broken = Some(AuditBreak { seq, reason });
                false
            }
            None => {
                self.last_seq = entry.seq;
                self.last_hash.clone_from(&entry.hash);
                true
            }
        }
    }

    /// Compares the end of the chain with the head recorded apart from it, then reports.
    pub fn finish(mut self, head: Option<(u64, String)>) -> AuditReport {
        if self.broken.is_none() {
            let (head_seq, head_hash) = head.unwrap_or((0, GENESIS_HASH.to_string()));
            if head_seq != self.last_seq || head_hash != self.last_hash {
                self.broken = Some(AuditBreak {
                    seq: self.last_seq.min(head_seq) + 1,
                    reason: format!(
                        "the chain ends at entry {} but its recorded head is entry {head_seq} \
                         (entries were removed from the end, or the head was altered)",
                        self.last_seq
                    ),
                });
            }
        }
        AuditReport {
            checked: self.checked,
            last_good_hash: self.last_hash,
            broken: self.broken,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_the_previous_hash_the_position_and_the_content() {
        let base = entry_hash(GENESIS_HASH, 1, "{}");
        assert_eq!(base.len(), 64);
        assert_ne!(base, entry_hash(&"1".repeat(64), 1, "{}"));
        assert_ne!(base, entry_hash(GENESIS_HASH, 2, "{}"));
        assert_ne!(base, entry_hash(GENESIS_HASH, 1, "{ }"));
        assert_eq!(base, entry_hash(GENESIS_HASH, 1, "{}"));
    }
}
