//! The subcommands, one module each.

pub mod audit;
pub mod bench;
pub mod bench_engine;
pub mod bench_http;
pub mod bench_import;
pub mod bench_names;
pub mod ca;
pub mod export;
pub mod import;
pub mod import_lists;
pub mod init;
pub mod mrz;
pub mod names;
pub mod screen;
pub mod serve;
pub mod stats;
pub mod vin;

use std::process::ExitCode;

/// An error the user caused (bad input, bad arguments): exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Prints an error as `portwatch: <message>` with its causes and picks the exit code.
pub fn finish(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("portwatch: {err:#}");
            if err.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
