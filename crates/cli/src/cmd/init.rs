//! `portwatch init`: create the data directory and an empty store in it, or, with `--store`,
//! create (or upgrade) the tables of a PostgreSQL store.

use std::path::Path;

use clap::Args;

use portwatch_store::{PgStore, SqliteStore, StoreError};

use super::UsageError;

/// Create the data directory and an empty store.
#[derive(Debug, Args)]
#[command(after_help = INIT_HELP)]
pub struct InitArgs {}

const INIT_HELP: &str = "\
Examples:
  portwatch init                        # ./portwatch-data
  portwatch --data /srv/portwatch init
  PORTWATCH_DATA=/srv/portwatch portwatch init
  portwatch --store postgres://portwatch@db.internal/portwatch init

An existing store is never touched: init refuses a directory that already holds one.
On PostgreSQL, init creates the tables, or upgrades those of an older portwatch; the
records already there are kept.";

pub fn run(_args: InitArgs, data: &Path, store: Option<&str>) -> anyhow::Result<()> {
    match store {
        Some(url) => init_postgres(url),
        None => init_sqlite(data),
    }
}

/// Connecting migrates: the tables are created, or brought up to this build's version.
fn init_postgres(url: &str) -> anyhow::Result<()> {
    let store = PgStore::connect(super::postgres_url(url)?)?;
    println!(
        "The PostgreSQL store {} is ready (schema version {})",
        super::store_label(Path::new(""), Some(url)),
        store.schema_version()?
    );
    println!("Next: portwatch --store URL import FILE…");
    Ok(())
}

fn init_sqlite(data: &Path) -> anyhow::Result<()> {
    match SqliteStore::create(data) {
        Ok(store) => {
            println!(
                "Created an empty store in {} ({})",
                data.display(),
                store.path().display()
            );
            println!("Next: portwatch --data {} import FILE…", data.display());
            Ok(())
        }
        Err(e @ StoreError::AlreadyExists { .. }) => Err(UsageError(e.to_string()).into()),
        Err(e) => Err(e.into()),
    }
}
