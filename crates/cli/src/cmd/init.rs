//! `portwatch init`: create the data directory and an empty store in it.

use std::path::Path;

use clap::Args;

use portwatch_store::{SqliteStore, StoreError};

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

An existing store is never touched: init refuses a directory that already holds one.";

pub fn run(_args: InitArgs, data: &Path) -> anyhow::Result<()> {
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
