//! The store on PostgreSQL 15+, for several portwatch nodes on one database.
//!
//! [`PgStore`] implements [`Store`] with the same meaning as [`crate::SqliteStore`]: the same
//! numbered migrations (`schema.rs`), records with their versions, one ordered change log,
//! agencies, operations, hits, investigations and the audit chain. Each method is one
//! transaction on a pooled connection.
//!
//! # The change log: a locked counter row, not a sequence
//!
//! A follower remembers the last position it applied and asks for what comes after it, so
//! positions must be handed out in *commit* order with no gaps. A PostgreSQL `SEQUENCE` (or
//! `SERIAL`) gives neither: a rolled-back transaction burns numbers, and a transaction that
//! took number 7 may commit after the one that took 8 — a follower that has read 8 would
//! never see 7. So every transaction that writes versions locks the single row of
//! `change_log_head` (`SELECT … FOR UPDATE`) *before* it looks anything up, numbers its
//! versions from the position it finds, and stores the new position in that row before it
//! commits. The row lock is held until commit or rollback, so writers of the log — on this
//! node or any other — take turns, positions follow commit order, and a rolled-back writer
//! leaves the row as it was (no gap). The same lock makes "look the key up, then insert it"
//! safe across nodes; `records.natural_key` is also `UNIQUE` as a second line of defence.
//! A row lock was chosen over an advisory lock because it needs no key agreed between
//! processes and cannot be forgotten by a code path that writes the row anyway.
//! The price is that record writes are serialised across all nodes, which is also what the
//! SQLite store does; imports write 10,000-row batches per transaction to make it cheap.
//!
//! # The audit chain
//!
//! `audit_head` holds the chain's last position and hash in one row; every append locks it
//! `FOR UPDATE` for its whole transaction, so appenders on every node queue there and the
//! chain never forks. The head kept apart from the entries reveals a cut-off tail, as on
//! SQLite.
//!
//! # Waking followers: LISTEN/NOTIFY
//!
//! Every transaction that moves the change log calls `pg_notify('portwatch_changes', '<seq>')`
//! (the channel gets `_<schema>` appended outside the `public` schema). PostgreSQL delivers a
//! notification only when, and in the order, its transaction commits. A node blocks in
//! [`ChangeListener::wait`] and, when woken (or when the wait times out), reads
//! [`Store::changes_since`] from its own last position: the notification is only a hint,
//! the log is the truth, so a notification lost while a listener reconnects costs nothing but
//! latency. Likewise every insert of a hit and every change to a hit's follow-up calls
//! `pg_notify('portwatch_hits', '<hit id>')`, which [`HitListener`] hands to a node so that it
//! alerts its own subscribers of hits made on other nodes. Both listeners are what
//! [`Store::change_wakeups`] and [`Store::hit_wakeups`] return, for a server holding a
//! `dyn Store`.
//!
//! # When the database goes away
//!
//! A call that cannot reach the database fails with [`StoreError::Unavailable`], whose message
//! begins with "database unavailable:" ([`is_unavailable`] tells a server to answer 503).
//! Broken connections are dropped from the pool and later calls open new ones, so the store
//! recovers by itself when the database is back. A transaction cut off before `COMMIT` was
//! answered may or may not have committed; writes are idempotent (`put_records` of the same
//! content changes nothing), so the caller retries.
//!
//! # No TLS to the database
//!
//! The client connects without TLS (`NoTls`). Run PostgreSQL on the same host (loopback or a
//! Unix socket) or on a private network segment that only portwatch nodes reach; see
//! `docs/scaling.md`. Adding TLS later means a `postgres-rustls` connector in `Pool`.

mod blocking;
mod listen;
mod network;
mod records;
pub(crate) mod schema;

use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use postgres::error::SqlState;
use postgres::{Client, Config, IsolationLevel, NoTls, Transaction};
use time::OffsetDateTime;

use portwatch_model::{
    Agency, AgencyId, AuditEntry, AuditEvent, Hit, Id, Investigation, Operation, Record,
    RecordContent,
};

use crate::api::{
    AuditReport, Change, ChangeWakeups, FollowUp, HitFilter, HitWakeups, PutOutcome, RecordQuery,
    Store, StoreStats,
};
use crate::error::{Result, StoreError};
use crate::prepared::PreparedRecords;
use blocking::{blocking, drop_off_runtime, off_runtime, Blocking};

pub use listen::{ChangeListener, HitListener};
pub use schema::LATEST_VERSION as LATEST_SCHEMA_VERSION;

/// The channel notified at each commit that moves the change log (in the `public` schema).
pub const CHANGES_CHANNEL: &str = "portwatch_changes";

/// The channel notified with a hit's id when its insert, or a change to its follow-up,
/// commits (`public` schema).
pub const HITS_CHANNEL: &str = "portwatch_hits";

/// Idle connections kept for reuse; more are opened under load and closed after. A server
/// answers dozens of requests at once, each with its own store call: fewer idle connections
/// than that means opening and closing one per call under load (a record read ran at 7 % of
/// SQLite's rate with 8).
const POOLED_CONNECTIONS: usize = 48;

/// How long opening a connection may take before the database counts as unavailable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a write waits for a lock held by another node before giving up
/// ([`StoreError::Busy`]).
const LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// True when `err` means the database could not be reached (a server answers 503).
pub fn is_unavailable(err: &StoreError) -> bool {
    err.is_unavailable()
}

/// The error of a database that cannot be reached. It used to be a `Backend` error wrapping
/// its own "database unavailable" error as its source, so a message printed with its causes
/// said "database unavailable" twice; the reason now travels as text, said once.
fn unavailable(e: postgres::Error) -> StoreError {
    // The driver's message ("error connecting to server") leaves out why; its source says it
    // ("Connection refused").
    let reason = match std::error::Error::source(&e) {
        Some(cause) if !e.to_string().contains(&cause.to_string()) => format!("{e}: {cause}"),
        _ => e.to_string(),
    };
    StoreError::Unavailable { reason }
}

/// True for errors of the connection rather than of the statement.
fn is_connection_error(e: &postgres::Error) -> bool {
    if let Some(code) = e.code() {
        let code = code.code();
        // 08: connection exception; 57P01-03: the server is shutting down or starting up.
        return code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03");
    }
    e.is_closed()
        || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
        || e.to_string().contains("timeout")
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        if is_connection_error(&e) {
            unavailable(e)
        } else if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) {
            StoreError::Busy {
                seconds: LOCK_TIMEOUT.as_secs(),
            }
        } else {
            StoreError::Backend(Box::new(e))
        }
    }
}

/// A poisoned mutex only means another thread panicked while holding it; the idle
/// connections inside are still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A small pool: idle connections behind a mutex, new ones opened on demand.
struct Pool {
    config: Config,
    /// `search_path` of every connection (`None`: the server's default).
    schema: Option<String>,
    idle: Mutex<Vec<Client>>,
}

impl Pool {
    fn connect(&self) -> Result<Client> {
        let mut client = self.config.connect(NoTls).map_err(|e| {
            if e.code().is_some() && !is_connection_error(&e) {
                // Refused by the server itself (authentication, unknown database): say so.
                StoreError::Backend(format!("cannot open the PostgreSQL store: {e}").into())
            } else {
                unavailable(e)
            }
        })?;
        let mut setup = format!(
            "SET lock_timeout = '{}s'; SET TIME ZONE 'UTC';",
            LOCK_TIMEOUT.as_secs()
        );
        if let Some(schema) = &self.schema {
            setup.push_str(&format!(" SET search_path TO {};", quote_ident(schema)));
        }
        client.batch_execute(&setup)?;
        Ok(client)
    }

    /// An idle connection that still looks alive, or a new one.
    fn take(&self) -> Result<(Client, bool)> {
        loop {
            let popped = lock(&self.idle).pop();
            match popped {
                Some(client) if !client.is_closed() => return Ok((client, true)),
                Some(_) => continue,
                None => return Ok((self.connect()?, false)),
            }
        }
    }

    fn give_back(&self, client: Client) {
        if client.is_closed() {
            return;
        }
        let mut idle = lock(&self.idle);
        if idle.len() < POOLED_CONNECTIONS {
            idle.push(client);
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        drop_off_runtime(std::mem::take(&mut *lock(&self.idle)));
    }
}

/// `"name"` with inner quotes doubled: a schema name as an SQL identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The PostgreSQL implementation of [`Store`].
pub struct PgStore {
    pool: Pool,
    /// The NOTIFY channel of this store's schema.
    channel: String,
    /// The NOTIFY channel of new hits in this store's schema.
    hits_channel: String,
    /// The URL without its password, for messages.
    location: String,
}

impl fmt::Debug for PgStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStore")
            .field("location", &self.location)
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

/// How a transaction is opened.
#[derive(Clone, Copy)]
enum Access {
    Write,
    Read,
    /// One consistent snapshot across several statements.
    Snapshot,
}

impl PgStore {
    /// Connects to `url` (`postgres://user[:password]@host[:port]/database`), creating the
    /// schema's tables or upgrading them to this build's version.
    pub fn connect(url: &str) -> Result<PgStore> {
        off_runtime(|| PgStore::start(url, None))
    }

    /// Like [`PgStore::connect`], with every table in the schema `schema` (created if
    /// missing): several independent stores in one database, as the tests use.
    pub fn connect_in_schema(url: &str, schema: &str) -> Result<PgStore> {
        off_runtime(|| PgStore::start(url, Some(schema)))
    }

    fn start(url: &str, schema: Option<&str>) -> Result<PgStore> {
        let mut config: Config = url.parse().map_err(|e| {
            StoreError::Backend(
                format!(
                    "{} is not a PostgreSQL URL ({e}); expected \
                     postgres://user[:password]@host[:port]/database",
                    redact(url)
                )
                .into(),
            )
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("portwatch");
        let store = PgStore {
            pool: Pool {
                config,
                schema: schema.map(str::to_string),
                idle: Mutex::new(Vec::new()),
            },
            channel: channel_for(CHANGES_CHANNEL, schema),
            hits_channel: channel_for(HITS_CHANNEL, schema),
            location: redact(url),
        };
        let mut client = store.pool.connect_without_schema()?;
        if let Some(schema) = schema {
            client.batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS {}",
                quote_ident(schema)
            ))?;
        }
        drop(client);
        let mut client = store.pool.connect()?;
        schema::migrate(&mut client, &store.location)?;
        store.pool.give_back(client);
        Ok(store)
    }

    /// The channel this store notifies on.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// A listener for this store's change notifications, on its own connection.
    pub fn change_listener(&self) -> Result<ChangeListener> {
        let (config, channel) = (self.pool.config.clone(), self.channel.clone());
        off_runtime(|| ChangeListener::open(config, channel))
    }

    /// A listener for the ids of hits committed (or followed up) by any node, on its own
    /// connection: how a node forwards a hit made elsewhere to its own alert subscribers.
    pub fn hit_listener(&self) -> Result<HitListener> {
        let (config, channel) = (self.pool.config.clone(), self.hits_channel.clone());
        off_runtime(|| HitListener::open(config, channel))
    }

    /// A listener for the change notifications of the store at `url` (`public` schema).
    pub fn listen_changes(url: &str) -> Result<ChangeListener> {
        let config: Config = url
            .parse()
            .map_err(|e| StoreError::Backend(format!("{}: {e}", redact(url)).into()))?;
        off_runtime(|| ChangeListener::open(config, CHANGES_CHANNEL.to_string()))
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<u32> {
        self.run(Access::Read, |tx| schema::version(tx))
    }

    /// Runs `work` in one transaction and commits it; any error rolls everything back.
    fn run<T: Send>(
        &self,
        access: Access,
        work: impl FnOnce(&mut Transaction<'_>) -> Result<T> + Send,
    ) -> Result<T> {
        off_runtime(|| self.run_here(access, work))
    }

    /// [`PgStore::run`] on the calling thread, which must be allowed to block.
    fn run_here<T>(
        &self,
        access: Access,
        work: impl FnOnce(&mut Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let (mut client, pooled) = self.pool.take()?;
        let result = match attempt(&mut client, access, work) {
            Ok(result) => result,
            // An idle connection the server has since closed (a restart): nothing was done
            // yet, so try once more on a fresh connection.
            Err((e, work)) if pooled && is_connection_error(&e) => {
                client = self.pool.connect()?;
                attempt(&mut client, access, work).unwrap_or_else(|(e, _)| Err(e.into()))
            }
            Err((e, _)) => Err(e.into()),
        };
        self.pool.give_back(client);
        result
    }

    fn write<T: Send>(
        &self,
        work: impl FnOnce(&mut Transaction<'_>) -> Result<T> + Send,
    ) -> Result<T> {
        self.run(Access::Write, work)
    }

    fn read<T: Send>(
        &self,
        work: impl FnOnce(&mut Transaction<'_>) -> Result<T> + Send,
    ) -> Result<T> {
        self.run(Access::Read, work)
    }
}

impl Pool {
    /// A connection without the schema's `search_path`, to create that schema.
    fn connect_without_schema(&self) -> Result<Client> {
        let pool = Pool {
            config: self.config.clone(),
            schema: None,
            idle: Mutex::new(Vec::new()),
        };
        pool.connect()
    }
}

fn begin(
    client: &mut Client,
    access: Access,
) -> std::result::Result<Transaction<'_>, postgres::Error> {
    let builder = client.build_transaction();
    match access {
        Access::Write => builder.start(),
        Access::Read => builder.read_only(true).start(),
        Access::Snapshot => builder
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start(),
    }
}

/// Runs `work` in a transaction on `client`; if the transaction cannot even begin, hands
/// `work` back with the error so that it can be tried on another connection.
#[allow(clippy::type_complexity)]
fn attempt<T, F>(
    client: &mut Client,
    access: Access,
    work: F,
) -> std::result::Result<Result<T>, (postgres::Error, F)>
where
    F: FnOnce(&mut Transaction<'_>) -> Result<T>,
{
    match begin(client, access) {
        Ok(tx) => Ok(finish(tx, access, work)),
        Err(e) => Err((e, work)),
    }
}

fn finish<T>(
    mut tx: Transaction<'_>,
    access: Access,
    work: impl FnOnce(&mut Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let value = work(&mut tx)?;
    match access {
        Access::Write => tx.commit()?,
        Access::Read | Access::Snapshot => tx.rollback()?,
    }
    Ok(value)
}

fn channel_for(base: &str, schema: Option<&str>) -> String {
    match schema {
        None | Some("public") => base.to_string(),
        Some(schema) => format!("{base}_{schema}"),
    }
}

/// The URL with its password replaced, for messages and logs.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match credentials.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// Opens the store at `location`: a `postgres://` (or `postgresql://`) URL, or else the data
/// directory of an SQLite store. This is what `--store` / `PORTWATCH_STORE` should resolve
/// through.
pub fn open(location: &str) -> Result<Box<dyn Store>> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        Ok(Box::new(PgStore::connect(location)?))
    } else {
        Ok(Box::new(crate::SqliteStore::open(location)?))
    }
}

impl Store for PgStore {
    fn put_records(&self, batch: &[RecordContent], at: OffsetDateTime) -> Result<Vec<PutOutcome>> {
        let encodings = crate::prepared::encode_all(batch)?;
        let items = crate::prepared::pair(batch, &encodings);
        self.write(|tx| records::put(tx, &items, at, &self.channel))
    }

    fn put_prepared(&self, batch: &PreparedRecords, at: OffsetDateTime) -> Result<Vec<PutOutcome>> {
        let items = batch.items();
        self.write(|tx| records::put(tx, &items, at, &self.channel))
    }

    /// Durable, like every write of this backend (PostgreSQL could defer with
    /// `synchronous_commit = off` per transaction; the SQLite import target is what needs it).
    fn put_prepared_deferred(
        &self,
        batch: &PreparedRecords,
        at: OffsetDateTime,
    ) -> Result<Vec<PutOutcome>> {
        self.put_prepared(batch, at)
    }

    fn sync(&self) -> Result<()> {
        Ok(())
    }

    fn update_record(
        &self,
        id: Id,
        expected_version: Option<u32>,
        content: RecordContent,
        at: OffsetDateTime,
    ) -> Result<Record> {
        self.write(|tx| records::update(tx, id, expected_version, &content, at, &self.channel))
    }

    fn cancel_record(&self, id: Id, by: &AgencyId, at: OffsetDateTime) -> Result<Record> {
        self.write(|tx| records::cancel(tx, id, by, at, &self.channel))
    }

    fn record(&self, id: Id) -> Result<Option<Record>> {
        self.read(|tx| records::latest_by_id(tx, id))
    }

    fn record_history(&self, id: Id) -> Result<Vec<Record>> {
        self.read(|tx| records::history(tx, id))
    }

    fn find_records(&self, query: &RecordQuery) -> Result<Vec<Record>> {
        if query.limit == 0 {
            return Ok(Vec::new());
        }
        self.read(|tx| records::find(tx, query))
    }

    fn record_by_natural_key(&self, natural_key: &str) -> Result<Option<Record>> {
        self.read(|tx| records::latest_by_natural_key(tx, natural_key))
    }

    fn head_seq(&self) -> Result<u64> {
        self.read(records::head_seq)
    }

    fn changes_since(&self, after_seq: u64, limit: usize) -> Result<Vec<Change>> {
        self.read(|tx| records::changes_since(tx, after_seq, limit))
    }

    fn for_each_active(&self, visit: &mut dyn FnMut(Record)) -> Result<u64> {
        let scan = |visit: &mut dyn FnMut(Record)| {
            self.run_here(Access::Snapshot, |tx| records::for_each_active(tx, visit))
        };
        match blocking() {
            Blocking::Here => scan(visit),
            Blocking::InPlace => tokio::task::block_in_place(|| scan(visit)),
            // `visit` may not leave this thread: the scan runs on another and hands records
            // over a bounded channel.
            Blocking::OtherThread => std::thread::scope(|scope| {
                let (sender, receiver) = std::sync::mpsc::sync_channel(1_024);
                let scanner = scope.spawn(move || {
                    scan(&mut |record| {
                        let _ = sender.send(record);
                    })
                });
                for record in receiver {
                    visit(record);
                }
                scanner
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }),
        }
    }

    fn stats(&self) -> Result<StoreStats> {
        self.run(Access::Snapshot, records::stats)
    }

    fn change_wakeups(&self) -> Result<Option<Box<dyn ChangeWakeups>>> {
        Ok(Some(Box::new(self.change_listener()?)))
    }

    fn hit_wakeups(&self) -> Result<Option<Box<dyn HitWakeups>>> {
        Ok(Some(Box::new(self.hit_listener()?)))
    }

    fn put_agency(&self, agency: &Agency) -> Result<()> {
        self.write(|tx| network::put_agency(tx, agency))
    }

    fn agency(&self, id: &AgencyId) -> Result<Option<Agency>> {
        self.read(|tx| network::agency(tx, id))
    }

    fn agencies(&self) -> Result<Vec<Agency>> {
        self.read(network::agencies)
    }

    fn put_operation(&self, operation: &Operation) -> Result<()> {
        self.write(|tx| network::put_operation(tx, operation))
    }

    fn operation(&self, id: Id) -> Result<Option<Operation>> {
        self.read(|tx| network::operation(tx, id))
    }

    fn operation_by_code(&self, code: &str) -> Result<Option<Operation>> {
        self.read(|tx| network::operation_by_code(tx, code))
    }

    fn operations(&self) -> Result<Vec<Operation>> {
        self.read(network::operations)
    }

    fn insert_hits(&self, hits: &[Hit]) -> Result<()> {
        self.write(|tx| network::insert_hits(tx, hits, &self.hits_channel))
    }

    fn hit(&self, id: Id) -> Result<Option<Hit>> {
        self.read(|tx| network::hit(tx, id))
    }

    fn update_hit_follow_up(&self, id: Id, change: &FollowUp) -> Result<Hit> {
        self.write(|tx| network::update_hit_follow_up(tx, id, change, &self.hits_channel))
    }

    fn hits(&self, filter: &HitFilter) -> Result<Vec<Hit>> {
        self.read(|tx| network::hits(tx, filter))
    }

    fn put_investigation(&self, investigation: &Investigation) -> Result<()> {
        self.write(|tx| network::put_investigation(tx, investigation))
    }

    fn investigation(&self, id: Id) -> Result<Option<Investigation>> {
        self.read(|tx| network::investigation(tx, id))
    }

    fn investigations(&self, operation: Option<Id>) -> Result<Vec<Investigation>> {
        self.read(|tx| network::investigations(tx, operation))
    }

    fn append_audit(&self, events: &[AuditEvent]) -> Result<Vec<AuditEntry>> {
        self.write(|tx| network::append_audit(tx, events))
    }

    fn audit_entries(&self, after_seq: u64, limit: usize) -> Result<Vec<AuditEntry>> {
        self.read(|tx| network::audit_entries(tx, after_seq, limit))
    }

    fn verify_audit(&self) -> Result<AuditReport> {
        self.run(Access::Snapshot, network::verify_audit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://pw:secret@db:5432/portwatch"),
            "postgres://pw:***@db:5432/portwatch"
        );
        assert_eq!(
            redact("postgres://pw@db/portwatch"),
            "postgres://pw@db/portwatch"
        );
    }

    #[test]
    fn each_schema_has_its_own_channel() {
        assert_eq!(channel_for(CHANGES_CHANNEL, None), CHANGES_CHANNEL);
        assert_eq!(
            channel_for(CHANGES_CHANNEL, Some("public")),
            CHANGES_CHANNEL
        );
        assert_eq!(
            channel_for(CHANGES_CHANNEL, Some("t1")),
            "portwatch_changes_t1"
        );
        assert_eq!(channel_for(HITS_CHANNEL, Some("t1")), "portwatch_hits_t1");
    }

    #[test]
    fn a_bad_url_is_refused_with_the_expected_shape() {
        let err = PgStore::connect("postgres://u:pw@host:notaport/db").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("postgres://user"), "{message}");
        assert!(!message.contains("pw@"), "{message}");
    }

    #[test]
    fn an_unreachable_database_is_reported_as_unavailable() {
        // Port 1 on loopback: nothing listens there.
        let err = PgStore::connect("postgres://portwatch@127.0.0.1:1/portwatch").unwrap_err();
        assert!(is_unavailable(&err), "{err:?}");
        let message = err.to_string();
        assert!(message.contains("database unavailable:"), "{message}");
        assert_eq!(message.matches("unavailable").count(), 1, "{message}");
        assert!(message.contains("refused"), "the reason is said: {message}");
    }
}
