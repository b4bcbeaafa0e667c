//! `portwatch screen traveller|document|vehicle|manifest`: screen against the records of the
//! data directory and print the hits as JSON, filtered by what the searching agency may see.
//!
//! The engine is built from the store at start: one consistent scan of the active records,
//! then the change-log tail written meanwhile (so nothing committed before the answer is
//! missed). A manifest is screened line by line and answered as a stream of JSON lines.

use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use portwatch_engine::{
    Caller, DocumentRequest, Engine, ManifestEntry, Policy, Screening, Subject, TravellerRequest,
    VehicleRequest,
};
use portwatch_model::{AgencyId, Record};
use portwatch_store::Store;
use serde::Serialize;
use time::Date;

use super::UsageError;

mod manifest_formats;

/// What to screen.
#[derive(Subcommand)]
pub enum ScreenCommand {
    /// A traveller: names, date of birth, sex, nationality, the document shown.
    Traveller(TravellerArgs),
    /// A travel document: number and issuing state.
    Document(DocumentArgs),
    /// A vehicle: VIN, plate and its country, or both.
    Vehicle(VehicleArgs),
    /// A passenger and vehicle manifest: one subject a line, answered one line each.
    Manifest(ManifestArgs),
}

/// Who searches, and on which day (options of every screen subcommand).
#[derive(Args)]
pub struct CallerArgs {
    /// The searching agency (its id in the store, e.g. bp-tanger-med): decides what each hit
    /// reveals.
    #[arg(long = "as", env = "PORTWATCH_AGENCY", value_name = "AGENCY")]
    agency: String,
    /// The day of the search, for review dates [default: today, UTC].
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<String>,
}

#[derive(Args)]
pub struct TravellerArgs {
    #[command(flatten)]
    caller: CallerArgs,
    /// A full name as written (repeat for other names the traveller gives).
    #[arg(long = "name")]
    names: Vec<String>,
    #[arg(long)]
    surname: Option<String>,
    #[arg(long)]
    given_names: Option<String>,
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long)]
    birth_date: Option<String>,
    /// M, F or X.
    #[arg(long)]
    sex: Option<String>,
    /// ISO 3166-1 alpha-3.
    #[arg(long)]
    nationality: Option<String>,
    #[arg(long)]
    document_number: Option<String>,
    /// ISO 3166-1 alpha-3 of the state that issued the document.
    #[arg(long)]
    issuing_state: Option<String>,
    /// The machine-readable zone, one line per --mrz (or all lines in one): names, date of
    /// birth, sex, nationality and document are read from it where not given by flags.
    #[arg(long = "mrz", value_name = "LINE")]
    mrz: Vec<String>,
}

#[derive(Args)]
pub struct DocumentArgs {
    #[command(flatten)]
    caller: CallerArgs,
    #[arg(long)]
    number: String,
    /// ISO 3166-1 alpha-3.
    #[arg(long)]
    issuing_state: String,
}

#[derive(Args)]
pub struct VehicleArgs {
    #[command(flatten)]
    caller: CallerArgs,
    #[arg(long)]
    vin: Option<String>,
    #[arg(long)]
    plate: Option<String>,
    /// ISO 3166-1 alpha-3 of the country that issued the plate.
    #[arg(long)]
    plate_country: Option<String>,
}

/// Manifest formats (docs/formats.md, "Passenger manifests").
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ManifestFormat {
    /// One JSON object a line: `{"reference": "...", "traveller": {...}}`, or `document`,
    /// or `vehicle`, with the fields of the other subcommands.
    #[value(alias = "ndjson")]
    Jsonl,
    /// The plain CSV manifest: a header naming its columns (reference, surname,
    /// given_names, birth_date, sex, nationality, document_number, document_type,
    /// issuing_state, vin, plate, plate_country …), one traveller and/or vehicle a row.
    Csv,
    /// UN/EDIFACT PAXLST, the passenger and crew lists carriers send.
    Paxlst,
}

impl ManifestFormat {
    /// The format told by a file name: `.csv`, `.edi`/`.edifact`/`.paxlst`, else JSON lines.
    fn of_path(path: &Path) -> ManifestFormat {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => ManifestFormat::Csv,
            Some("edi" | "edifact" | "paxlst") => ManifestFormat::Paxlst,
            _ => ManifestFormat::Jsonl,
        }
    }
}

#[derive(Args)]
pub struct ManifestArgs {
    #[command(flatten)]
    caller: CallerArgs,
    /// The manifest file (`-` for standard input).
    file: PathBuf,
    /// The manifest's format [default: told by the file's extension: `.csv`, `.edi` or
    /// `.paxlst`, else JSON lines].
    #[arg(long, value_enum)]
    format: Option<ManifestFormat>,
}

pub fn run(what: ScreenCommand, data: &Path, store: Option<&str>) -> anyhow::Result<()> {
    match what {
        ScreenCommand::Traveller(a) => {
            let subject = Subject::Traveller(TravellerRequest {
                names: a.names,
                surname: a.surname,
                given_names: a.given_names,
                birth_date: a.birth_date,
                sex: a.sex,
                nationality: a.nationality,
                document_number: a.document_number,
                issuing_state: a.issuing_state,
                mrz: (!a.mrz.is_empty()).then(|| a.mrz.join("\n")),
            });
            screen_one(&a.caller, &subject, data, store)
        }
        ScreenCommand::Document(a) => {
            let subject = Subject::Document(DocumentRequest {
                number: a.number,
                issuing_state: a.issuing_state,
            });
            screen_one(&a.caller, &subject, data, store)
        }
        ScreenCommand::Vehicle(a) => {
            let subject = Subject::Vehicle(VehicleRequest {
                vin: a.vin,
                plate: a.plate,
                plate_country: a.plate_country,
            });
            screen_one(&a.caller, &subject, data, store)
        }
        ScreenCommand::Manifest(a) => screen_manifest(&a, data, store),
    }
}

fn screen_one(
    caller_args: &CallerArgs,
    subject: &Subject,
    data: &Path,
    store: Option<&str>,
) -> anyhow::Result<()> {
    let today = today(caller_args)?;
    // Check the request before loading anything: a typo should fail fast.
    check(subject, today)?;
    let (engine, caller) = load(caller_args, data, store)?;
    let screening = engine
        .screen_entry(&caller, subject, today)
        .map_err(|e| UsageError(e.to_string()))?;
    println!("{}", serde_json::to_string_pretty(&screening)?);
    Ok(())
}

fn check(subject: &Subject, today: Date) -> anyhow::Result<()> {
    let checked = match subject {
        Subject::Traveller(t) => t.check_on(today).map(drop),
        Subject::Document(d) => d.check().map(drop),
        Subject::Vehicle(v) => v.check().map(drop),
    };
    checked.map_err(|e| UsageError(e.to_string()).into())
}

/// One line of a manifest's answer.
#[derive(Serialize)]
struct ManifestLine<'a> {
    line: usize,
    reference: Option<&'a str>,
    #[serde(flatten)]
    answer: Answer,
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Answer {
    Hits(Vec<portwatch_engine::RevealedHit>),
    Error(String),
}

fn screen_manifest(args: &ManifestArgs, data: &Path, store: Option<&str>) -> anyhow::Result<()> {
    let today = today(&args.caller)?;
    let format = args
        .format
        .unwrap_or_else(|| ManifestFormat::of_path(&args.file));
    if format != ManifestFormat::Jsonl {
        let paxlst = format == ManifestFormat::Paxlst;
        return manifest_formats::screen(args, paxlst, today, data, store);
    }
    let reader: Box<dyn BufRead> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(&args.file)
            .map_err(|e| UsageError(format!("{}: {e}", args.file.display())))?;
        Box::new(std::io::BufReader::new(file))
    };
    let (engine, caller) = load(&args.caller, data, store)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    for (i, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", args.file.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let entry: Result<ManifestEntry, String> =
            serde_json::from_str(&line).map_err(|e| format!("not a manifest line: {e}"));
        let (reference, answer) = match entry {
            Ok(entry) => {
                let answer = match engine.screen_entry(&caller, &entry.subject, today) {
                    Ok(Screening { hits, .. }) => Answer::Hits(hits),
                    Err(e) => Answer::Error(e.to_string()),
                };
                (entry.reference, answer)
            }
            Err(e) => (None, Answer::Error(e)),
        };
        let record = ManifestLine {
            line: i + 1,
            reference: reference.as_deref(),
            answer,
        };
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

fn today(args: &CallerArgs) -> anyhow::Result<Date> {
    match &args.today {
        None => Ok(time::OffsetDateTime::now_utc().date()),
        Some(raw) => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            Date::parse(raw, &format)
                .map_err(|_| UsageError(format!("--today: must be YYYY-MM-DD, got {raw:?}")).into())
        }
    }
}

/// Opens the store, resolves the caller and builds the engine from the store's records.
fn load(args: &CallerArgs, data: &Path, store: Option<&str>) -> anyhow::Result<(Engine, Caller)> {
    let agency_id =
        AgencyId::parse(&args.agency).map_err(|e| UsageError(format!("--as: {}", e.rule)))?;
    let store = super::open_store(data, store)
        .with_context(|| format!("opening the store {}", super::store_label(data, store)))?;
    let agency = store.agency(&agency_id)?.ok_or_else(|| {
        UsageError(format!(
            "--as: no agency {agency_id} in the store (see `portwatch ca agency`)"
        ))
    })?;
    let engine = Engine::new(Policy::new(&store.agencies()?));
    let snapshot_seq = bulk_load(&engine, store.as_ref())?;
    follow(&engine, store.as_ref(), snapshot_seq)?;
    Ok((engine, Caller::from_agency(&agency)))
}

/// Streams the active records of one snapshot into the engine (the store pushes, the engine
/// pulls: a bounded channel between two threads keeps memory flat). Returns the snapshot's
/// change-log position.
fn bulk_load(engine: &Engine, store: &dyn Store) -> anyhow::Result<u64> {
    let (tx, rx) = mpsc::sync_channel::<Record>(8_192);
    std::thread::scope(|scope| {
        let scan = scope.spawn(move || store.for_each_active(&mut |r| drop(tx.send(r))));
        engine.bulk_load(rx);
        scan.join()
            .map_err(|_| anyhow::anyhow!("the store scan panicked"))?
            .map_err(anyhow::Error::from)
    })
}

/// Applies the changes committed after the snapshot.
fn follow(engine: &Engine, store: &dyn Store, mut seq: u64) -> anyhow::Result<()> {
    loop {
        let changes = store.changes_since(seq, 10_000)?;
        let Some(last) = changes.last() else {
            return Ok(());
        };
        seq = last.seq;
        for change in &changes {
            engine.apply(&change.record);
        }
    }
}
