//! The subcommands, one module each.

pub mod audit;
pub mod bench;
pub mod bench_engine;
pub mod bench_http;
pub mod bench_import;
pub mod bench_names;
pub mod ca;
pub mod demo;
pub mod export;
pub mod import;
pub mod import_lists;
pub mod init;
pub mod mrz;
pub mod names;
pub mod operation;
pub mod report;
pub mod screen;
pub mod serve;
pub mod stats;
pub mod vin;

use std::path::Path;
use std::process::ExitCode;

use portwatch_store::{PgStore, SqliteStore, Store};

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

/// Opens the store every data command works on: the PostgreSQL database named by `--store`
/// (`PORTWATCH_STORE`) when given, else the SQLite store in the data directory. A data
/// directory without a store fails with a message that says to run `portwatch init`.
pub fn open_store(data: &Path, store: Option<&str>) -> anyhow::Result<Box<dyn Store>> {
    match store {
        Some(url) => Ok(Box::new(PgStore::connect(postgres_url(url)?)?)),
        None => Ok(Box::new(SqliteStore::open(data)?)),
    }
}

/// `url` if it names a PostgreSQL database; `--store` takes nothing else (an SQLite store is
/// chosen with `--data DIR`).
pub fn postgres_url(url: &str) -> Result<&str, UsageError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(url)
    } else {
        Err(UsageError(format!(
            "--store: expected a postgres://user@host[:port]/database URL, got {:?}; \
             an SQLite store is chosen with --data DIR",
            redact_password(url)
        )))
    }
}

/// Where the store is, for messages: the `--store` URL without its password, or the data
/// directory.
pub fn store_label(data: &Path, store: Option<&str>) -> String {
    match store {
        Some(url) => redact_password(url),
        None => data.display().to_string(),
    }
}

/// `scheme://user:***@host…`: a URL safe to print.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match credentials.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_label_never_shows_the_password() {
        let label = store_label(
            Path::new("d"),
            Some("postgres://pw:s3cret@db:5432/portwatch"),
        );
        assert_eq!(label, "postgres://pw:***@db:5432/portwatch");
        assert_eq!(store_label(Path::new("d"), None), "d");
    }

    #[test]
    fn store_takes_only_postgres_urls() {
        assert!(postgres_url("postgresql://u@h/db").is_ok());
        let err = postgres_url("/srv/portwatch").unwrap_err();
        assert!(err.0.contains("--data DIR"), "{err}");
    }
}
