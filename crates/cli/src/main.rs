//! `portwatch`: the one binary of the border-screening network.
//!
//! Each subcommand lives in its own module under `cmd/`; this file only declares the command
//! line and dispatches. Errors a user can cause are printed as one clear message and the process
//! exits non-zero (2 for bad input, 1 for anything else).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// The server's request path allocates on one thread and frees on another all the time
/// (a request parsed by one worker, its audit event written by the audit thread, its answer
/// sent by another worker); glibc's allocator then contends on arena locks and consolidates
/// often. mimalloc frees across threads without locks: `portwatch bench http` screens 30–40 %
/// more requests per second with it, and manifests slightly faster.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Where the store lives unless `--data` or `PORTWATCH_DATA` says otherwise.
const DEFAULT_DATA: &str = "portwatch-data";

/// portwatch screens travellers, travel documents and vehicles against police databases
/// (stolen and lost travel documents, nominal data with notices, stolen motor vehicles).
#[derive(Parser)]
#[command(name = "portwatch", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// Data directory of the embedded store (created by `portwatch init`).
    #[arg(
        long,
        global = true,
        env = "PORTWATCH_DATA",
        default_value = DEFAULT_DATA
    )]
    data: PathBuf,

    /// A PostgreSQL store instead of the SQLite one in --data:
    /// `postgres://user[:password]@host[:port]/database`. `portwatch init` creates its tables.
    /// The data directory still holds the CA, certificates and API keys.
    #[arg(long, global = true, env = "PORTWATCH_STORE", value_name = "URL")]
    store: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    // One variant per subcommand; each is documented where its arguments are declared.
    /// Replay INTERPOL's Neptune II operation end to end: world, network, traffic, report,
    /// and the web console (the main job; see `portwatch demo --help`).
    Demo(cmd::demo::DemoArgs),
    /// Plan and list operations (Neptune II and the like).
    Operation {
        #[command(subcommand)]
        what: cmd::operation::OperationCommand,
    },
    /// An operation's figures as published: HTML with charts, JSON or CSV.
    Report(cmd::report::ReportArgs),
    /// Create the data directory and an empty store.
    Init(cmd::init::InitArgs),
    /// Load records from native CSV or JSON Lines files (see docs/formats.md).
    Import(cmd::import::ImportArgs),
    /// Write records to a native CSV or JSON Lines file.
    Export(cmd::export::ExportArgs),
    /// Count the records by kind, owner and status.
    Stats(cmd::stats::StatsArgs),
    /// Normalise names and score name pairs (the name-matching rules, on the command line).
    Names {
        #[command(subcommand)]
        what: cmd::names::NamesCommand,
    },
    /// Screen a traveller, a document, a vehicle or a manifest against the records.
    Screen {
        #[command(subcommand)]
        what: cmd::screen::ScreenCommand,
    },
    /// Read a travel document's machine-readable zone (ICAO Doc 9303).
    Mrz {
        #[command(subcommand)]
        what: cmd::mrz::MrzCommand,
    },
    /// Check vehicle identification numbers (ISO 3779).
    Vin {
        #[command(subcommand)]
        what: cmd::vin::VinCommand,
    },
    /// Measure throughput and quality against the targets, beside a baseline in the same run.
    Bench {
        #[command(subcommand)]
        what: cmd::bench::BenchCommand,
    },
    /// The network's certificate authority, agencies and API keys.
    Ca {
        #[command(subcommand)]
        what: cmd::ca::CaCommand,
    },
    /// Serve the HTTPS API over mutual TLS (plain HTTP only on a loopback address).
    Serve(cmd::serve::ServeArgs),
    /// Check and read the tamper-evident audit chain.
    Audit {
        #[command(subcommand)]
        what: cmd::audit::AuditCommand,
    },
}

/// The demo keeps its data apart from a real store: `portwatch-demo` unless `--data` (or
/// `PORTWATCH_DATA`) names a directory other than the default.
fn demo_data(data: &std::path::Path) -> PathBuf {
    if data == std::path::Path::new(DEFAULT_DATA) && std::env::var_os("PORTWATCH_DATA").is_none() {
        PathBuf::from("portwatch-demo")
    } else {
        data.to_path_buf()
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let store = cli.store.as_deref();
    let result = match cli.command {
        Command::Demo(args) => cmd::demo::run(args, &demo_data(&cli.data)),
        Command::Operation { what } => cmd::operation::run(what, &cli.data, store),
        Command::Report(args) => cmd::report::run(args, &cli.data, store),
        Command::Init(args) => cmd::init::run(args, &cli.data, store),
        Command::Import(args) => cmd::import::run(args, &cli.data, store),
        Command::Export(args) => cmd::export::run(args, &cli.data, store),
        Command::Stats(args) => cmd::stats::run(args, &cli.data, store),
        Command::Names { what } => cmd::names::run(what),
        Command::Screen { what } => cmd::screen::run(what, &cli.data, store),
        Command::Mrz { what } => cmd::mrz::run(what),
        Command::Vin { what } => cmd::vin::run(what),
        Command::Bench { what } => cmd::bench::run(what, &cli.data),
        Command::Ca { what } => cmd::ca::run(what, &cli.data, store),
        Command::Serve(args) => cmd::serve::run(args, &cli.data, store),
        Command::Audit { what } => cmd::audit::run(what, &cli.data, store),
    };
    cmd::finish(result)
}
