//! LISTEN/NOTIFY listeners: how a node learns at once that another node committed a change
//! or a hit.
//!
//! Each listener holds its own connection with `LISTEN` on one channel. `wait` blocks until a
//! notification arrives or the timeout passes, then also takes every notification already
//! queued behind the first. A broken connection is reported once (as "database unavailable")
//! and reopened by the next `wait`; notifications sent meanwhile are lost, which is why they
//! are only hints: a follower always reads the change log (or the hits) from its own position.

use std::fmt;
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, Config, NoTls};

use portwatch_model::Id;

use super::blocking::{drop_off_runtime, off_runtime};
use super::{quote_ident, unavailable};
use crate::api::{ChangeWakeups, HitWakeups};
use crate::error::Result;

/// One connection listening on one channel, reopened after a failure.
struct Listener {
    config: Config,
    channel: String,
    client: Option<Client>,
}

impl Listener {
    fn open(config: Config, channel: String) -> Result<Listener> {
        let mut listener = Listener {
            config,
            channel,
            client: None,
        };
        listener.connected()?;
        Ok(listener)
    }

    fn connected(&mut self) -> Result<&mut Client> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            let mut client = self.config.connect(NoTls).map_err(unavailable)?;
            client.batch_execute(&format!("LISTEN {}", quote_ident(&self.channel)))?;
            self.client = Some(client);
        }
        Ok(self.client.as_mut().expect("connected just above"))
    }

    /// The payloads arriving within `timeout` (empty when none did), the first waited for,
    /// the rest those already queued behind it.
    fn wait(&mut self, timeout: Duration) -> Result<Vec<String>> {
        off_runtime(|| {
            let client = self.connected()?;
            let payloads = payloads_within(client, timeout);
            if payloads.is_err() {
                self.client = None;
            }
            payloads
        })
    }
}

fn payloads_within(client: &mut Client, timeout: Duration) -> Result<Vec<String>> {
    let mut notifications = client.notifications();
    let Some(first) = notifications.timeout_iter(timeout).next()? else {
        return Ok(Vec::new());
    };
    let mut payloads = vec![first.payload().to_string()];
    let mut queued = notifications.iter();
    while let Some(next) = queued.next()? {
        payloads.push(next.payload().to_string());
    }
    Ok(payloads)
}

impl Drop for Listener {
    fn drop(&mut self) {
        drop_off_runtime(self.client.take());
    }
}

impl fmt::Debug for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listener")
            .field("channel", &self.channel)
            .field("connected", &self.client.is_some())
            .finish()
    }
}

/// Wakes a follower when any node commits a change to the log
/// ([`super::PgStore::change_listener`]).
#[derive(Debug)]
pub struct ChangeListener(Listener);

impl ChangeListener {
    pub(super) fn open(config: Config, channel: String) -> Result<ChangeListener> {
        Listener::open(config, channel).map(ChangeListener)
    }

    /// Waits up to `timeout` for commits; returns the highest change-log position notified,
    /// or `None` when the time ran out. Then read `changes_since` from your own position.
    pub fn wait(&mut self, timeout: Duration) -> Result<Option<u64>> {
        let payloads = self.0.wait(timeout)?;
        Ok(payloads.iter().filter_map(|p| p.parse::<u64>().ok()).max())
    }
}

/// Tells a node the ids of hits any node has committed, or whose follow-up it changed
/// ([`super::PgStore::hit_listener`]).
#[derive(Debug)]
pub struct HitListener(Listener);

impl HitListener {
    pub(super) fn open(config: Config, channel: String) -> Result<HitListener> {
        Listener::open(config, channel).map(HitListener)
    }

    /// Waits up to `timeout` for new hits; returns their ids in commit order (empty when the
    /// time ran out). Read each with `Store::hit`.
    pub fn wait(&mut self, timeout: Duration) -> Result<Vec<Id>> {
        let payloads = self.0.wait(timeout)?;
        Ok(payloads
            .iter()
            .filter_map(|p| p.parse::<Id>().ok())
            .collect())
    }
}

impl ChangeWakeups for ChangeListener {
    fn wait(&mut self, timeout: Duration) -> Result<Option<u64>> {
        ChangeListener::wait(self, timeout)
    }
}

impl HitWakeups for HitListener {
    fn wait(&mut self, timeout: Duration) -> Result<Vec<Id>> {
        HitListener::wait(self, timeout)
    }
}
