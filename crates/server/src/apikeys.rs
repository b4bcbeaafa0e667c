//! API keys for people using the console and scripts.
//!
//! A key is shown once, when it is created, as `pwk_<id>_<secret>`; the server keeps only the
//! id, a random per-key salt and `SHA-256(salt ‖ secret)`, so a stolen key file gives no usable
//! key. Each key is bound to one agency and a set of roles, and can be revoked.
//!
//! The store has no table for keys, so the server keeps them itself in
//! `<data>/server/api-keys.json` (mode 0600), re-read whenever the file changes so that keys
//! made or revoked by `portwatch ca key` apply to a running server at once.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use portwatch_model::{AgencyId, Role};

use crate::pki::{write_private, PkiError};

/// The prefix every key starts with, so leaked keys are easy to recognise and scan for.
pub const KEY_PREFIX: &str = "pwk_";

/// One stored key: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyEntry {
    /// The public part of the key, also its identifier.
    pub id: String,
    /// A label for people ("console: duty officer Algeciras").
    pub name: String,
    pub agency: AgencyId,
    pub roles: Vec<Role>,
    pub salt: String,
    pub hash: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

/// What a caller sees of a key (never the salt or hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyInfo {
    pub id: String,
    pub name: String,
    pub agency: AgencyId,
    pub roles: Vec<Role>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl From<&ApiKeyEntry> for ApiKeyInfo {
    fn from(e: &ApiKeyEntry) -> Self {
        ApiKeyInfo {
            id: e.id.clone(),
            name: e.name.clone(),
            agency: e.agency.clone(),
            roles: e.roles.clone(),
            created_at: e.created_at,
            revoked_at: e.revoked_at,
        }
    }
}

/// A key just created: the only time its secret exists outside the caller's hands.
#[derive(Debug, Clone, Serialize)]
pub struct NewApiKey {
    /// The full key to put in `Authorization: Bearer …`; shown once.
    pub key: String,
    #[serde(flatten)]
    pub info: ApiKeyInfo,
}

/// The key a valid bearer token resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyIdentity {
    pub id: String,
    pub name: String,
    pub agency: AgencyId,
    pub roles: Vec<Role>,
}

#[derive(Debug, Default)]
struct Cached {
    stamp: Option<(SystemTime, u64)>,
    entries: Arc<Vec<ApiKeyEntry>>,
}

/// The key file of a data directory.
#[derive(Debug)]
pub struct ApiKeys {
    path: PathBuf,
    cache: Mutex<Cached>,
}

type Result<T> = std::result::Result<T, PkiError>;

impl ApiKeys {
    /// The keys of `<data>/server/api-keys.json` (the file is created on first write).
    pub fn open(data: &Path) -> ApiKeys {
        ApiKeys {
            path: data.join("server").join("api-keys.json"),
            cache: Mutex::new(Cached::default()),
        }
    }

    fn entries(&self) -> Result<Arc<Vec<ApiKeyEntry>>> {
        let stamp = match fs::metadata(&self.path) {
            Ok(meta) => Some((
                meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                meta.len(),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(PkiError::Io {
                    path: self.path.clone(),
                    source,
                })
            }
        };
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.stamp != stamp || stamp.is_none() {
            let entries = match stamp {
                None => Vec::new(),
                Some(_) => {
                    let bytes = fs::read(&self.path).map_err(|source| PkiError::Io {
                        path: self.path.clone(),
                        source,
                    })?;
                    serde_json::from_slice(&bytes).map_err(|e| PkiError::Invalid {
                        path: self.path.clone(),
                        reason: e.to_string(),
                    })?
                }
            };
            cache.entries = Arc::new(entries);
            cache.stamp = stamp;
        }
        Ok(cache.entries.clone())
    }

    fn save(&self, entries: Vec<ApiKeyEntry>) -> Result<()> {
        let json = serde_json::to_vec_pretty(&entries).expect("API keys serialise");
        write_private(&self.path, &json)?;
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        // Force a re-read next time: the stamp of a file rewritten within the same clock tick
        // may not change, so the cache is replaced here rather than trusted.
        cache.entries = Arc::new(entries);
        cache.stamp = fs::metadata(&self.path)
            .ok()
            .map(|m| (m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()));
        Ok(())
    }

    /// Creates a key for `agency` with `roles`; the returned key is never stored.
    pub fn create(&self, name: &str, agency: AgencyId, roles: Vec<Role>) -> Result<NewApiKey> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
            return Err(PkiError::Usage(
                "name: must be 1-200 characters without control characters".into(),
            ));
        }
        if roles.is_empty() {
            return Err(PkiError::Usage(
                "roles: a key needs at least one role".into(),
            ));
        }
        let id = hex::encode(rand::random::<[u8; 8]>());
        let secret = hex::encode(rand::random::<[u8; 32]>());
        let salt = hex::encode(rand::random::<[u8; 16]>());
        let entry = ApiKeyEntry {
            id: id.clone(),
            name: name.to_string(),
            agency,
            roles,
            hash: hash_secret(&salt, &secret),
            salt,
            created_at: OffsetDateTime::now_utc(),
            revoked_at: None,
        };
        let info = ApiKeyInfo::from(&entry);
        let mut all = (*self.entries()?).clone();
        all.push(entry);
        self.save(all)?;
        Ok(NewApiKey {
            key: format!("{KEY_PREFIX}{id}_{secret}"),
            info,
        })
    }

    /// Every key (revoked ones included), oldest first.
    pub fn list(&self) -> Result<Vec<ApiKeyInfo>> {
        Ok(self.entries()?.iter().map(ApiKeyInfo::from).collect())
    }

    /// Revokes a key by id; revoking a revoked key changes nothing.
    pub fn revoke(&self, id: &str) -> Result<ApiKeyInfo> {
        let mut all = (*self.entries()?).clone();
        let Some(entry) = all.iter_mut().find(|e| e.id == id) else {
            return Err(PkiError::Usage(format!("no API key has id {id:?}")));
        };
        if entry.revoked_at.is_none() {
            entry.revoked_at = Some(OffsetDateTime::now_utc());
        }
        let info = ApiKeyInfo::from(&*entry);
        self.save(all)?;
        Ok(info)
    }

    /// The identity of the key with id `id` while it is not revoked (a console session
    /// signed in with it checks this on every request).
    pub fn active(&self, id: &str) -> Result<Option<KeyIdentity>> {
        Ok(self
            .entries()?
            .iter()
            .find(|e| e.id == id && e.revoked_at.is_none())
            .map(|e| KeyIdentity {
                id: e.id.clone(),
                name: e.name.clone(),
                agency: e.agency.clone(),
                roles: e.roles.clone(),
            }))
    }

    /// The identity of a bearer token, or `None` for an unknown, malformed or revoked key.
    pub fn verify(&self, token: &str) -> Result<Option<KeyIdentity>> {
        let Some((id, secret)) = token
            .strip_prefix(KEY_PREFIX)
            .and_then(|rest| rest.split_once('_'))
        else {
            return Ok(None);
        };
        let entries = self.entries()?;
        let Some(entry) = entries.iter().find(|e| e.id == id) else {
            return Ok(None);
        };
        let matches = constant_time_eq(
            hash_secret(&entry.salt, secret).as_bytes(),
            entry.hash.as_bytes(),
        );
        if !matches || entry.revoked_at.is_some() {
            return Ok(None);
        }
        Ok(Some(KeyIdentity {
            id: entry.id.clone(),
            name: entry.name.clone(),
            agency: entry.agency.clone(),
            roles: entry.roles.clone(),
        }))
    }
}

fn hash_secret(salt: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(secret.as_bytes());
    hex::encode(h.finalize())
}

/// Compares without stopping at the first difference, so timing reveals nothing.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agency() -> AgencyId {
        AgencyId::parse("ncb-rabat").unwrap()
    }

    #[test]
    fn a_key_works_until_revoked_and_is_never_stored() {
        let dir = tempfile::tempdir().unwrap();
        let keys = ApiKeys::open(dir.path());
        let new = keys
            .create("console", agency(), vec![Role::Screener])
            .unwrap();
        let stored = fs::read_to_string(dir.path().join("server/api-keys.json")).unwrap();
        let secret = new.key.rsplit('_').next().unwrap();
        assert!(!stored.contains(secret), "the secret must not be stored");
        let who = keys.verify(&new.key).unwrap().unwrap();
        assert_eq!(who.agency, agency());
        assert_eq!(who.roles, vec![Role::Screener]);
        keys.revoke(&new.info.id).unwrap();
        assert_eq!(keys.verify(&new.key).unwrap(), None);
    }

    #[test]
    fn wrong_and_malformed_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let keys = ApiKeys::open(dir.path());
        let new = keys
            .create("script", agency(), vec![Role::Analyst])
            .unwrap();
        let mut wrong = new.key.clone();
        let last = wrong.pop().unwrap();
        wrong.push(if last == '0' { '1' } else { '0' });
        for token in [wrong.as_str(), "", "pwk_", "pwk__", "bearer", "pwk_x_y"] {
            assert_eq!(keys.verify(token).unwrap(), None, "{token}");
        }
    }

    #[test]
    fn a_key_needs_a_role_and_a_name() {
        let dir = tempfile::tempdir().unwrap();
        let keys = ApiKeys::open(dir.path());
        assert!(keys.create("x", agency(), vec![]).is_err());
        assert!(keys.create(" ", agency(), vec![Role::Admin]).is_err());
    }
}
