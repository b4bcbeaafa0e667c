//! `portwatch report`: an operation's figures as published, from what the store holds.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use time::OffsetDateTime;

use super::UsageError;

/// Print or save an operation's report.
#[derive(Debug, Args)]
#[command(after_help = REPORT_HELP)]
pub struct ReportArgs {
    /// The operation's code, e.g. NEPTUNE-II.
    #[arg(long)]
    pub operation: String,
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One self-contained page with the headline sentences, tables and SVG charts.
    Html,
    /// Every figure, for scripts (the top level has searches, hits, hits_by_database,
    /// confirmed_hits, leads, by_site …).
    Json,
    /// The same figures as flat section,key,subkey,value rows.
    Csv,
}

const REPORT_HELP: &str = "\
Examples:
  portwatch report --operation NEPTUNE-II --format html --out neptune-ii.html
  portwatch report --operation NEPTUNE-II --format json | jq '.searches, .leads'

Every figure is counted from the store: searches from the audit chain, hits and their
follow-up from the hits, leads and outcomes from the investigations. Overdue follow-ups are
judged now.";

pub fn run(args: ReportArgs, data: &Path, store: Option<&str>) -> anyhow::Result<()> {
    let store = super::open_store(data, store)?;
    let operation = store.operation_by_code(&args.operation)?.ok_or_else(|| {
        let known: Vec<String> = store
            .operations()
            .map(|ops| ops.into_iter().map(|o| o.code).collect())
            .unwrap_or_default();
        UsageError(format!(
            "there is no operation {} in this store (known: {})",
            args.operation,
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ))
    })?;
    let figures = portwatch_server::figures::figures_from_store(
        store.as_ref(),
        &operation,
        OffsetDateTime::now_utc(),
    )?;
    let text = match args.format {
        ReportFormat::Html => figures.to_html(),
        ReportFormat::Json => figures.to_json(),
        ReportFormat::Csv => figures.to_csv(),
    };
    match &args.out {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(())
}
