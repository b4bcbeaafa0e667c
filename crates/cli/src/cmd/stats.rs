//! `portwatch stats`: how many records the store holds, by kind, owner and status.

use std::collections::BTreeMap;
use std::path::Path;

use clap::Args;

use portwatch_model::{AgencyId, Database, RecordStatus};
use portwatch_report::grouped;
use portwatch_store::StoreStats;

/// Count the records by kind, owner and status.
#[derive(Debug, Args)]
#[command(after_help = STATS_HELP)]
pub struct StatsArgs {
    /// Print the counts as JSON, for scripts.
    #[arg(long)]
    pub json: bool,
}

const STATS_HELP: &str = "\
Examples:
  portwatch stats
  portwatch stats --json | jq '.records[] | select(.owner == \"ncb-rabat\")'

Records are counted by their latest version: active records match in screening, cancelled
ones are kept as history and never match. `versions` counts every version ever written.";

pub fn run(args: StatsArgs, data: &Path, store: Option<&str>) -> anyhow::Result<()> {
    let stats = super::open_store(data, store)?.stats()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&stats)?);
    } else {
        print!("{}", table(&stats, &super::store_label(data, store)));
    }
    Ok(())
}

/// Active and cancelled counts of one kind and owner.
#[derive(Default)]
struct Counts {
    active: u64,
    cancelled: u64,
}

impl Counts {
    fn add(&mut self, status: RecordStatus, n: u64) {
        match status {
            RecordStatus::Active => self.active += n,
            RecordStatus::Cancelled => self.cancelled += n,
        }
    }
}

fn table(stats: &StoreStats, location: &str) -> String {
    let mut rows: BTreeMap<(Database, &AgencyId), Counts> = BTreeMap::new();
    let mut kinds: BTreeMap<Database, Counts> = Database::ALL
        .into_iter()
        .map(|k| (k, Counts::default()))
        .collect();
    for c in &stats.records {
        rows.entry((c.database, &c.owner))
            .or_default()
            .add(c.status, c.count);
        kinds.entry(c.database).or_default().add(c.status, c.count);
    }
    let mut out = format!(
        "Store {location} (schema version {})\n\n",
        stats.schema_version
    );
    let line = |kind: &str, owner: &str, c: &Counts| {
        format!(
            "{kind:<10} {owner:<24} {:>12} {:>10}\n",
            grouped(c.active),
            grouped(c.cancelled)
        )
    };
    out.push_str(&format!(
        "{:<10} {:<24} {:>12} {:>10}\n",
        "kind", "owner", "active", "cancelled"
    ));
    for ((kind, owner), counts) in &rows {
        out.push_str(&line(kind.as_str(), owner.as_str(), counts));
    }
    out.push('\n');
    for (kind, counts) in &kinds {
        out.push_str(&line(kind.as_str(), "(all owners)", counts));
    }
    out.push_str(&format!(
        "\nversions {}, change log at {}, agencies {}, operations {}, hits {}, \
         investigations {}, audit entries {}\n",
        grouped(stats.versions),
        grouped(stats.head_seq),
        grouped(stats.agencies),
        grouped(stats.operations),
        grouped(stats.hits),
        grouped(stats.investigations),
        grouped(stats.audit_entries)
    ));
    out
}
