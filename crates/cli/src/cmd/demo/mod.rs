//! `portwatch demo`: INTERPOL's Neptune II operation, replayed end to end with one command.
//!
//! 1. **World** ([`network::build`]): a synthetic world of wanted persons, stolen documents
//!    and stolen vehicles (`--scale`), imported into an embedded store in `--data`.
//! 2. **Network**: the General Secretariat, the NCBs that own records, the seven border posts
//!    of the operation's ports, Frontex and the WCO, each with a client certificate from the
//!    network's CA, and API keys for the web console.
//! 3. **Operation**: the General Secretariat plans `NEPTUNE-II` through the API: 47 days,
//!    seven seaports in six countries, partners and focus categories.
//! 4. **Replay** ([`replay`]): ferries arrive on a peak-season timetable; every traveller and
//!    vehicle is screened by the border post of its port over mutual TLS, exactly as a
//!    checkpoint would; owner NCBs confirm or reject their hits after realistic delays;
//!    checkpoints record what they did; confirmed hits on planted subjects become leads with
//!    outcomes. The server runs on a replay clock so searches fall on the operation's days.
//! 5. **Report**: the operation's figures as published, checked against what was sent and what
//!    was planted, saved as HTML; then the server and console keep serving until Ctrl-C.

mod network;
mod replay;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, ValueEnum};

use portwatch_sim::WorldConfig;

use super::UsageError;

/// The operation code the demo plans and replays.
pub const OPERATION: &str = "NEPTUNE-II";

/// Replay an operation end to end: world, network, operation, traffic, report.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How big a world of records to build: tiny (tests), small (the default: serving within
    /// seconds), medium, or interpol (128 million documents: hours, and ~10 GiB of memory).
    #[arg(long, value_enum, default_value_t = Scale::Small)]
    pub scale: Scale,
    /// Searches to replay over the operation's 47 days (Neptune II made more than 1.2 million).
    #[arg(long, default_value_t = 1_200_000)]
    pub searches: u64,
    /// Where the mutual-TLS API listens (the border posts' traffic goes there).
    #[arg(long, default_value = "127.0.0.1:8443")]
    pub listen: SocketAddr,
    /// Where the web console listens: plain HTTP, loopback only.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub console: SocketAddr,
    /// Searches in flight at once (the checkpoints screening together).
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Seed of the world and the traffic: the same seed replays the same operation.
    #[arg(long, default_value_t = 2019)]
    pub seed: u64,
    /// Reuse the demo already in the data directory: serve it and print its report, without
    /// building or replaying anything.
    #[arg(long, conflicts_with = "fresh")]
    pub reuse: bool,
    /// Delete the demo already in the data directory and start again.
    #[arg(long)]
    pub fresh: bool,
    /// Stop once the report is printed instead of serving until Ctrl-C.
    #[arg(long)]
    pub exit_when_done: bool,
    /// Also write the replay's own tally (searches sent, hits seen, planted subjects and
    /// whether each was detected) as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
}

/// World sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scale {
    Tiny,
    Small,
    Medium,
    Interpol,
}

impl Scale {
    fn world(self, seed: u64) -> WorldConfig {
        let (persons, documents, vehicles) = match self {
            Scale::Tiny => (2_000, 20_000, 2_000),
            Scale::Small => (20_000, 200_000, 20_000),
            Scale::Medium => (200_000, 4_000_000, 400_000),
            Scale::Interpol => return WorldConfig::interpol(seed),
        };
        WorldConfig {
            seed,
            persons,
            documents,
            vehicles,
        }
    }
}

pub fn run(args: DemoArgs, data: &Path) -> anyhow::Result<()> {
    if args.searches == 0 || args.concurrency == 0 {
        return Err(UsageError("--searches and --concurrency must be positive".into()).into());
    }
    let demo_file = network::demo_file(data);
    let exists = data.exists() && data.read_dir()?.next().is_some();
    if exists && args.fresh {
        if !demo_file.exists() {
            return Err(UsageError(format!(
                "{} holds something other than a portwatch demo; --fresh deletes only a demo's \
                 data directory: pass another --data",
                data.display()
            ))
            .into());
        }
        std::fs::remove_dir_all(data)?;
    } else if exists && !args.reuse {
        return Err(UsageError(format!(
            "{} already exists: pass --reuse to serve the demo in it again, --fresh to delete \
             it and replay from scratch, or --data DIR for another directory",
            data.display()
        ))
        .into());
    }
    if args.reuse && !demo_file.exists() {
        return Err(UsageError(format!(
            "{} holds no portwatch demo to reuse; run `portwatch demo` without --reuse first",
            data.display()
        ))
        .into());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(replay::run(args, data.to_path_buf()))
}

/// Shared by the steps: where things are.
#[derive(Clone)]
pub struct Paths {
    pub data: PathBuf,
    pub certs: PathBuf,
}

impl Paths {
    fn new(data: &Path) -> Paths {
        Paths {
            data: data.to_path_buf(),
            certs: data.join("demo").join("certs"),
        }
    }

    fn cert(&self, agency: &str) -> (PathBuf, PathBuf) {
        (
            self.certs.join(format!("{agency}.crt")),
            self.certs.join(format!("{agency}.key")),
        )
    }

    fn client(&self, agency: &str) -> anyhow::Result<Arc<rustls::ClientConfig>> {
        let (cert, key) = self.cert(agency);
        Ok(portwatch_server::tls::client_config(
            &self.certs.join("ca.crt"),
            &cert,
            &key,
        )?)
    }
}
