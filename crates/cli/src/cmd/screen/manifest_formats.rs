//! `portwatch screen manifest --format csv|paxlst`: a CSV manifest or a PAXLST interchange read
//! by `portwatch-formats` into the same entries as a JSON-lines manifest, then screened and
//! answered the same way — one JSON line per entry, with the line of the row or of the
//! traveller's `NAD` segment, or an error line for a row or traveller that could not be read.
//!
//! A file that cannot be read as a whole (a bad CSV header, a broken EDIFACT envelope) is
//! refused before anything is screened, with exit status 2.

use std::io::{BufWriter, Read, Write};
use std::path::Path;

use anyhow::Context;
use portwatch_engine::Screening;
use portwatch_formats::manifest::{ManifestError, ManifestItem};
use portwatch_formats::{manifest_csv, paxlst};
use time::Date;

use super::{load, Answer, ManifestArgs, ManifestLine};
use crate::cmd::UsageError;

/// The largest manifest file read (a 1,000-passenger PAXLST is about 300 KiB).
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Screens a CSV manifest, or a PAXLST interchange when `paxlst`.
pub(super) fn screen(
    args: &ManifestArgs,
    paxlst: bool,
    today: Date,
    data: &Path,
    store: Option<&str>,
) -> anyhow::Result<()> {
    let bytes = read_input(&args.file)?;
    let shown = args.file.display();
    let items = if paxlst {
        paxlst::read(&bytes, today).map(|i| {
            describe(&i);
            i.items()
        })
    } else {
        manifest_csv::read_all(&bytes)
    }
    .map_err(|e| UsageError(format!("{shown}: {e}")))?;
    let (engine, caller) = load(&args.caller, data, store)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    for item in items {
        answer(&mut out, &engine, &caller, item, today)?;
    }
    out.flush()?;
    Ok(())
}

fn read_input(file: &Path) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let reader: Box<dyn Read> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(file)
                .map_err(|e| UsageError(format!("{}: {e}", file.display())))?,
        )
    };
    reader
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", file.display()))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(UsageError(format!(
            "{}: a manifest may be at most {MAX_BYTES} bytes",
            file.display()
        ))
        .into());
    }
    Ok(bytes)
}

/// Tells on stderr which voyage and lists the interchange holds (stdout stays JSON lines).
fn describe(interchange: &paxlst::Interchange) {
    for m in &interchange.messages {
        let v = &m.voyage;
        let list = match m.list {
            paxlst::ListKind::Passengers => "passenger list",
            paxlst::ListKind::Crew => "crew list",
        };
        eprintln!(
            "paxlst: interchange {} from {}: message {} ({list}), voyage {} {} {} -> {} {}, {} \
             travellers",
            interchange.control_reference,
            interchange.sender,
            m.reference,
            v.number.as_deref().unwrap_or("?"),
            v.departure_port.as_deref().unwrap_or("?"),
            v.departure_time.as_deref().unwrap_or(""),
            v.arrival_port.as_deref().unwrap_or("?"),
            v.arrival_time.as_deref().unwrap_or(""),
            m.travellers.len(),
        );
    }
}

/// Writes the answer lines of one row or traveller: one per entry, or its error.
fn answer(
    out: &mut impl Write,
    engine: &portwatch_engine::Engine,
    caller: &portwatch_engine::Caller,
    item: Result<ManifestItem, ManifestError>,
    today: Date,
) -> anyhow::Result<()> {
    let item = match item {
        Ok(item) => item,
        Err(e) => {
            let line = ManifestLine {
                line: usize::try_from(e.line).unwrap_or(usize::MAX),
                reference: None,
                answer: Answer::Error(problem(&e)),
            };
            return write_line(out, &line);
        }
    };
    for entry in &item.entries {
        let answer = match engine.screen_entry(caller, &entry.subject, today) {
            Ok(Screening { hits, .. }) => Answer::Hits(hits),
            Err(e) => Answer::Error(e.to_string()),
        };
        let line = ManifestLine {
            line: usize::try_from(item.line).unwrap_or(usize::MAX),
            reference: entry.reference.as_deref(),
            answer,
        };
        write_line(out, &line)?;
    }
    Ok(())
}

fn write_line(out: &mut impl Write, line: &ManifestLine<'_>) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// An error without its line (the answer line says it): segment, field and rule.
fn problem(e: &ManifestError) -> String {
    let mut text = String::new();
    if let Some((n, tag)) = &e.segment {
        text.push_str(&format!("segment {n} {tag}: "));
    }
    if !e.field.is_empty() {
        text.push_str(&format!("field `{}`: ", e.field));
    }
    text.push_str(&e.rule);
    text
}
