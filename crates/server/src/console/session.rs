//! Console sessions: a person signs in once with their API key and the browser then carries a
//! session cookie instead of the key.
//!
//! Sessions live in memory only (a restart signs everyone out, which is the safe failure). The
//! session id is 256 random bits sent as the `HttpOnly` cookie [`COOKIE`]; each session also has
//! a CSRF token, returned in the sign-in answer and required in `X-CSRF-Token` on every request
//! that changes something, so that another site can never act with the cookie even where
//! `SameSite=Strict` is not honoured. A session ends after [`IDLE`] without use, after
//! [`ABSOLUTE`] in any case, at sign-out, and as soon as its API key is revoked (the key is
//! looked up again on every request).
//!
//! The language a person chose is remembered per API key in `<data>/server/console-languages.json`
//! so that it follows them to their next sign-in on any terminal.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};

use crate::apikeys::KeyIdentity;

/// The name of the session cookie.
pub const COOKIE: &str = "pw_session";

/// The header that must carry the session's CSRF token on every change.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A session unused for this long has ended.
pub const IDLE: Duration = Duration::from_secs(30 * 60);

/// A session ends this long after sign-in, however busy.
pub const ABSOLUTE: Duration = Duration::from_secs(12 * 60 * 60);

/// The console's languages: INTERPOL's four working languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Fr,
    Es,
    Ar,
}

/// A signed-in person.
#[derive(Debug, Clone)]
pub struct Session {
    /// The API key the person signed in with (re-checked against the key file on every use).
    pub key: KeyIdentity,
    pub csrf_token: String,
    pub language: Language,
    created: Instant,
    last_used: Instant,
    /// Woken when the session is closed (sign-out, revoked key), so that streams opened with
    /// it end at once.
    closed: Arc<Notify>,
}

impl Session {
    /// When the session ends at the latest, however busy.
    pub fn absolute_end(&self, sessions: &Sessions) -> Instant {
        self.created + sessions.lifetimes().absolute
    }

    /// Resolves when the session is closed (not when it expires: see [`Sessions::touch`]).
    pub fn closed(&self) -> Arc<Notify> {
        self.closed.clone()
    }
}

/// Why a presented session cookie was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionRefusal {
    /// No such session (never existed, signed out, or the server restarted).
    Unknown,
    /// The session ran out of idle or absolute time.
    Expired,
}

#[derive(Debug, Clone, Copy)]
struct Lifetimes {
    idle: Duration,
    absolute: Duration,
}

/// Every live session of one server.
#[derive(Debug)]
pub struct Sessions {
    live: Mutex<HashMap<String, Session>>,
    lifetimes: Mutex<Lifetimes>,
    languages: LanguageFile,
}

impl Sessions {
    /// An empty store whose languages are remembered under `data`.
    pub fn new(data: &Path) -> Sessions {
        Sessions {
            live: Mutex::new(HashMap::new()),
            lifetimes: Mutex::new(Lifetimes {
                idle: IDLE,
                absolute: ABSOLUTE,
            }),
            languages: LanguageFile {
                path: data.join("server").join("console-languages.json"),
            },
        }
    }

    /// Changes how long sessions last (sessions already open included).
    pub fn set_lifetimes(&self, idle: Duration, absolute: Duration) {
        *self.lifetimes.lock().unwrap_or_else(|p| p.into_inner()) = Lifetimes { idle, absolute };
    }

    fn lifetimes(&self) -> Lifetimes {
        *self.lifetimes.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Opens a session for `key`; returns its id (the cookie value) and the session.
    pub fn open(&self, key: KeyIdentity) -> (String, Session) {
        let now = Instant::now();
        let id = hex::encode(rand::random::<[u8; 32]>());
        let language = self.languages.get(&key.id).unwrap_or_default();
        let session = Session {
            key,
            csrf_token: hex::encode(rand::random::<[u8; 32]>()),
            language,
            created: now,
            last_used: now,
            closed: Arc::new(Notify::new()),
        };
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        self.sweep(&mut live, now);
        live.insert(id.clone(), session.clone());
        (id, session)
    }

    /// The session with id `id`, marked as used now.
    pub fn touch(&self, id: &str) -> Result<Session, SessionRefusal> {
        let now = Instant::now();
        let limits = self.lifetimes();
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        let Some(session) = live.get_mut(id) else {
            return Err(SessionRefusal::Unknown);
        };
        if is_expired(session, now, limits) {
            live.remove(id);
            return Err(SessionRefusal::Expired);
        }
        session.last_used = now;
        Ok(session.clone())
    }

    /// Ends a session; ending an unknown one is not an error.
    pub fn close(&self, id: &str) {
        let gone = self
            .live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
        if let Some(session) = gone {
            session.closed.notify_waiters();
        }
    }

    /// Ends every session opened with API key `key_id` (the key was revoked).
    pub fn close_for_key(&self, key_id: &str) {
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        live.retain(|_, s| {
            let keep = s.key.id != key_id;
            if !keep {
                s.closed.notify_waiters();
            }
            keep
        });
    }

    /// Sets the language of a session and remembers it for the person's next sign-in.
    pub fn set_language(&self, id: &str, language: Language) -> anyhow::Result<()> {
        let key_id = {
            let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
            let Some(session) = live.get_mut(id) else {
                return Ok(());
            };
            session.language = language;
            session.key.id.clone()
        };
        self.languages.set(&key_id, language)
    }

    /// How many sessions are open (expired ones not yet swept included).
    pub fn len(&self) -> usize {
        self.live.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether no session is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops expired sessions, so a server that runs for months does not keep them all.
    fn sweep(&self, live: &mut HashMap<String, Session>, now: Instant) {
        let limits = self.lifetimes();
        live.retain(|_, s| !is_expired(s, now, limits));
    }
}

fn is_expired(session: &Session, now: Instant, limits: Lifetimes) -> bool {
    now.duration_since(session.last_used) > limits.idle
        || now.duration_since(session.created) > limits.absolute
}

/// The language each API key's person chose last, in a small JSON file.
#[derive(Debug)]
struct LanguageFile {
    path: PathBuf,
}

impl LanguageFile {
    fn read(&self) -> HashMap<String, Language> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    fn get(&self, key_id: &str) -> Option<Language> {
        self.read().get(key_id).copied()
    }

    fn set(&self, key_id: &str, language: Language) -> anyhow::Result<()> {
        let mut all = self.read();
        if all.get(key_id) == Some(&language) {
            return Ok(());
        }
        all.insert(key_id.to_string(), language);
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(&all)?)?;
        std::fs::rename(&tmp, &self.path)?;
        Ok(())
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// The `Set-Cookie` value that gives the browser session `id` (`Secure` when served over TLS).
pub fn set_cookie(id: &str, over_tls: bool) -> String {
    let secure = if over_tls { "; Secure" } else { "" };
    format!("{COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/{secure}")
}

/// The `Set-Cookie` value that makes the browser forget its session cookie.
pub fn clear_cookie(over_tls: bool) -> String {
    let secure = if over_tls { "; Secure" } else { "" };
    format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}")
}

/// Compares a presented CSRF token with the session's without stopping at the first difference.
pub fn csrf_matches(session: &Session, presented: Option<&str>) -> bool {
    let Some(presented) = presented else {
        return false;
    };
    let (a, b) = (presented.as_bytes(), session.csrf_token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use portwatch_model::{AgencyId, Role};

    fn key() -> KeyIdentity {
        KeyIdentity {
            id: "k1".into(),
            name: "duty officer".into(),
            agency: AgencyId::parse("ncb-rabat").unwrap(),
            roles: vec![Role::RecordsEditor],
        }
    }

    #[test]
    fn a_session_expires_when_idle_and_is_gone_after_sign_out() {
        let dir = tempfile::tempdir().unwrap();
        let sessions = Sessions::new(dir.path());
        let (id, session) = sessions.open(key());
        assert_eq!(id.len(), 64, "256 bits in hex");
        assert_ne!(session.csrf_token, id);
        assert!(sessions.touch(&id).is_ok());
        sessions.close(&id);
        assert_eq!(sessions.touch(&id).unwrap_err(), SessionRefusal::Unknown);

        let (id, _) = sessions.open(key());
        sessions.set_lifetimes(Duration::ZERO, ABSOLUTE);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(sessions.touch(&id).unwrap_err(), SessionRefusal::Expired);
    }

    #[test]
    fn the_language_follows_the_key_to_its_next_session() {
        let dir = tempfile::tempdir().unwrap();
        let sessions = Sessions::new(dir.path());
        let (id, first) = sessions.open(key());
        assert_eq!(first.language, Language::En);
        sessions.set_language(&id, Language::Ar).unwrap();
        let again = Sessions::new(dir.path());
        assert_eq!(again.open(key()).1.language, Language::Ar);
    }

    #[test]
    fn cookies_are_read_among_others_and_set_strictly() {
        let mut headers = HeaderMap::new();
        headers.insert("cookie", "a=1; pw_session=abc ; b=2".parse().unwrap());
        assert_eq!(cookie(&headers, COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "c"), None);
        let set = set_cookie("abc", true);
        for attr in ["HttpOnly", "SameSite=Strict", "Path=/", "Secure"] {
            assert!(set.contains(attr), "{set}");
        }
        assert!(!set_cookie("abc", false).contains("Secure"));
    }
}
