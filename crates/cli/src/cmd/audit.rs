//! `portwatch audit …`: check and read the tamper-evident audit chain.

use std::path::Path;

use clap::Subcommand;

/// What to do with the audit chain.
#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute the whole chain; exit 0 if intact, 1 naming the first broken entry.
    Verify,
    /// Print entries as JSON Lines.
    List {
        /// Start after this sequence number.
        #[arg(long, default_value_t = 0)]
        after: u64,
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
}

pub fn run(what: AuditCommand, data: &Path, store: Option<&str>) -> anyhow::Result<()> {
    let store = super::open_store(data, store)?;
    match what {
        AuditCommand::Verify => {
            let report = store.verify_audit()?;
            match report.broken {
                None => {
                    println!("audit chain intact: {} entries verified", report.checked);
                    Ok(())
                }
                Some(b) => anyhow::bail!(
                    "audit chain broken at entry {}: {} ({} entries read)",
                    b.seq,
                    b.reason,
                    report.checked
                ),
            }
        }
        AuditCommand::List { after, limit } => {
            for entry in store.audit_entries(after, limit)? {
                println!("{}", serde_json::to_string(&entry)?);
            }
            Ok(())
        }
    }
}
