//! `portwatch names …`: see how names are normalised and how two names score.
//!
//! `normalize NAME` prints the tokens, their forms and the index keys as JSON. `score` reads CSV
//! rows `name1,name2` from standard input (a header row `name1,name2` is skipped) and prints one
//! line per row, in order: the score with four decimals, a comma and `true` or `false` for
//! whether it reaches the default threshold; `--explain` adds a comma and the explanation as
//! compact JSON.

use std::io::{BufWriter, Write};

use anyhow::Context;
use clap::Subcommand;
use portwatch_names::{explain_prepared, score_prepared, PreparedName, DEFAULT_THRESHOLD};

use super::UsageError;

/// What to do with names.
#[derive(Subcommand)]
pub enum NamesCommand {
    /// Print the normalised tokens, their phonetic forms and the index keys of NAME as JSON.
    Normalize {
        /// The name, in any script.
        name: String,
    },
    /// Score CSV rows `name1,name2` read from stdin: `score,passes[,explanation]` per row.
    Score {
        /// Add the explanation (aligned tokens, how, what cost what) as compact JSON.
        #[arg(long)]
        explain: bool,
    },
}

pub fn run(what: NamesCommand) -> anyhow::Result<()> {
    match what {
        NamesCommand::Normalize { name } => {
            let forms = PreparedName::new(&name).forms();
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", serde_json::to_string_pretty(&forms)?)
                .context("writing to stdout")?;
            Ok(())
        }
        NamesCommand::Score { explain } => {
            let stdin = std::io::stdin();
            let stdout = std::io::stdout();
            score_rows(stdin.lock(), &mut BufWriter::new(stdout.lock()), explain)
        }
    }
}

/// Scores every `name1,name2` row of `input`, writing one line per row to `out`.
fn score_rows(
    input: impl std::io::Read,
    out: &mut impl Write,
    explain: bool,
) -> anyhow::Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    for (index, record) in reader.records().enumerate() {
        let row = index + 1;
        let record =
            record.map_err(|e| UsageError(format!("stdin row {row}: not valid CSV: {e}")))?;
        if index == 0 && is_header(&record) {
            continue;
        }
        if record.len() != 2 {
            return Err(UsageError(format!(
                "stdin row {row}: expected 2 fields `name1,name2`, found {}",
                record.len()
            ))
            .into());
        }
        let a = PreparedName::new(&record[0]);
        let b = PreparedName::new(&record[1]);
        let score = score_prepared(&a, &b);
        write!(out, "{score:.4},{}", score >= DEFAULT_THRESHOLD)?;
        if explain {
            let explanation = explain_prepared(&a, &b);
            write!(out, ",{}", serde_json::to_string(&explanation)?)?;
        }
        writeln!(out)?;
    }
    out.flush().context("writing scores to stdout")?;
    Ok(())
}

fn is_header(record: &csv::StringRecord) -> bool {
    record.len() == 2
        && record[0].trim().eq_ignore_ascii_case("name1")
        && record[1].trim().eq_ignore_ascii_case("name2")
}
