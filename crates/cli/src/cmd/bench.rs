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

/// The processor time this process has used so far (user and system, every thread), read
/// from `/proc/self/stat`; `None` where there is no such file.
pub(super) fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    cpu_seconds_of_stat(&stat)
}

/// `utime + stime` of a `/proc/<pid>/stat` line, in seconds. The command name (field 2) may
/// hold spaces and parentheses, so fields are counted from its closing parenthesis; times
/// are in clock ticks of 1/100 s (`USER_HZ`, fixed by the kernel's interface).
fn cpu_seconds_of_stat(stat: &str) -> Option<f64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / 100.0)
}

/// The share of all cores busy between two readings `seconds` apart.
pub(super) fn cpu_share(before: Option<f64>, after: Option<f64>, seconds: f64) -> Option<f64> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    Some((after? - before?) / (seconds * cores))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processor_time_is_read_after_the_command_name() {
        // A command name may hold spaces and parentheses; utime and stime are fields 14, 15.
        let stat = "4816 (port (watch) x) R 1 2 3 4 5 6 7 8 9 10 250 75 0 0 20 0 9 0 123";
        assert_eq!(cpu_seconds_of_stat(stat), Some(3.25));
        assert_eq!(cpu_seconds_of_stat("4816 (portwatch) R 1 2"), None);
        assert_eq!(cpu_seconds_of_stat("no name here"), None);
        let ours = process_cpu_seconds();
        if std::path::Path::new("/proc/self/stat").exists() {
            assert!(ours.is_some_and(|s| s >= 0.0));
        }
    }
}
