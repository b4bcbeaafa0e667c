//! `portwatch bench …`: the benchmarks that show the figures portwatch promises.
//!
//! Every benchmark prints its figure beside a baseline measured in the same run, because the
//! machine it runs on is shared and noisy: ratios travel, absolute numbers do not.

use clap::Subcommand;

/// What to measure.
#[derive(Subcommand)]
pub enum BenchCommand {
    // One variant per benchmark, each in its own module `bench_<name>.rs`.
    /// Requests per second of the HTTPS API over mutual TLS, beside /healthz.
    Http(super::bench_http::HttpBench),
    /// The screening engine on a synthetic world: document checks per second, traveller
    /// latency beside a full scan, recall, false positives, memory and build time.
    Engine(super::bench_engine::EngineBench),
    /// Bulk import of document rows from CSV into a fresh store, in rows per second.
    Import(super::bench_import::ImportBench),
    /// Name-matching precision, recall and F1 on the labelled benchmark, beside logic-v2.
    Names(super::bench_names::NamesBench),
}

pub fn run(what: BenchCommand, data: &std::path::Path) -> anyhow::Result<()> {
    let _ = data;
    match what {
        BenchCommand::Http(args) => super::bench_http::run(args),
        BenchCommand::Engine(args) => super::bench_engine::run(args),
        BenchCommand::Import(args) => super::bench_import::run(args),
        BenchCommand::Names(args) => super::bench_names::run(args),
    }
}
