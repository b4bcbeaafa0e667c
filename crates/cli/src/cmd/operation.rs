//! `portwatch operation`: plan operations and list them, on the store directly (the API's
//! `POST /v1/operations` does the same for the General Secretariat over the network).

use std::path::{Path, PathBuf};

use clap::Subcommand;

use portwatch_model::operation::OperationFields;
use portwatch_model::{Id, Operation};
use portwatch_server::operations::named_agencies;

use super::UsageError;

/// What to do with operations.
#[derive(Debug, Subcommand)]
pub enum OperationCommand {
    /// Plan an operation (or replace one with the same code) from a JSON file: code, name,
    /// starts_on, ends_on, countries, sites, partners, focus, coordinator (docs/operations.md).
    Plan {
        /// The operation as JSON; `-` reads standard input.
        file: PathBuf,
    },
    /// List the operations: code, period, sites and countries.
    List {
        /// Print them as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(what: OperationCommand, data: &Path, store: Option<&str>) -> anyhow::Result<()> {
    let store = super::open_store(data, store)?;
    match what {
        OperationCommand::Plan { file } => {
            let text = if file == Path::new("-") {
                std::io::read_to_string(std::io::stdin())?
            } else {
                std::fs::read_to_string(&file)
                    .map_err(|e| UsageError(format!("cannot read {}: {e}", file.display())))?
            };
            let mut value: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| UsageError(format!("{}: not JSON: {e}", file.display())))?;
            let code = value["code"].as_str().unwrap_or_default().to_string();
            // Planning again under the same code replaces that operation, keeping its id.
            let id = match store.operation_by_code(&code)? {
                Some(existing) => existing.id,
                None => Id::generate(),
            };
            if value.get("id").is_none() {
                value["id"] = serde_json::to_value(id)?;
            }
            let fields: OperationFields = serde_json::from_value(value)
                .map_err(|e| UsageError(format!("{}: {e}", file.display())))?;
            let operation = Operation::try_from(fields)
                .map_err(|e| UsageError(format!("{}: {e}", file.display())))?;
            for (field, agency) in named_agencies(&operation) {
                if store.agency(agency)?.is_none() {
                    return Err(UsageError(format!(
                        "{}: field `{field}`: agency {agency} is not registered \
                         (register it with `portwatch ca agency`)",
                        file.display()
                    ))
                    .into());
                }
            }
            store.put_operation(&operation)?;
            println!(
                "planned operation {} ({}): {} to {}, {} sites in {} countries",
                operation.code,
                operation.name,
                operation.starts_on,
                operation.ends_on,
                operation.sites.len(),
                operation.countries.len()
            );
        }
        OperationCommand::List { json } => {
            let operations = store.operations()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&operations)?);
            } else if operations.is_empty() {
                println!("no operations; plan one with `portwatch operation plan FILE.json`");
            } else {
                for op in operations {
                    let sites: Vec<&str> = op.sites.iter().map(|s| s.locode.as_str()).collect();
                    println!(
                        "{:<16} {} to {}  {}  sites: {}",
                        op.code,
                        op.starts_on,
                        op.ends_on,
                        op.name,
                        sites.join(" ")
                    );
                }
            }
        }
    }
    Ok(())
}
