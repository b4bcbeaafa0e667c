//! `portwatch import --format un-xml|ofac-csv|ftm`: public watch lists into the store.
//!
//! The lists are read by the readers of `portwatch_formats` ([`un`], [`ofac`], [`ftm`]): every
//! individual becomes a person owned by `--owner` (the list names no agency of the network),
//! with `--visibility` (default `all`: the lists are public). Entries that are not persons
//! (organisations, vessels, aircraft) are counted as skipped with the reason, and values that
//! could not be mapped are listed, so that nothing is dropped silently.
//!
//! The lists are small (thousands of entries), so the whole list is read before anything is
//! written: with `--on-error abort` (the default) a list with a bad entry imports nothing; with
//! `--on-error skip` the good entries are imported and the bad ones listed. Either way a bad
//! entry makes the command exit 2. Re-importing a list changes nothing; a changed entry
//! becomes a new version of its record (the natural key is the owner and the list's own
//! reference, kept as `owner_ref` and `source_id`).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::ValueEnum;
use time::OffsetDateTime;

use portwatch_formats::lists::{ListError, ListSummary};
use portwatch_formats::native::Format;
use portwatch_formats::{ftm, ofac, un};
use portwatch_model::{AgencyId, RecordContent, Visibility};
use portwatch_report::grouped;
use portwatch_store::{PutOutcome, Store};

use super::import::{OnError, BATCH_ROWS};
use super::UsageError;

/// How many bad entries, refused entries and left-out values the report lists.
const SHOWN: usize = 20;

/// The formats `portwatch import` reads: the native ones and the public watch lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormatArg {
    /// Native CSV (docs/formats.md).
    Csv,
    /// Native JSON Lines (docs/formats.md).
    Jsonl,
    /// The UN Security Council Consolidated List (XML).
    UnXml,
    /// OFAC's SDN list, legacy CSV: sdn.csv, then optionally alt.csv and add.csv.
    OfacCsv,
    /// FollowTheMoney entities as JSON lines (OpenSanctions' datasets).
    Ftm,
}

impl ImportFormatArg {
    /// The native format, or `None` for a watch list.
    pub fn native(self) -> Option<Format> {
        match self {
            ImportFormatArg::Csv => Some(Format::Csv),
            ImportFormatArg::Jsonl => Some(Format::Jsonl),
            ImportFormatArg::UnXml | ImportFormatArg::OfacCsv | ImportFormatArg::Ftm => None,
        }
    }

    /// The watch-list format, or `None` for a native format.
    pub fn list(self) -> Option<ListFormat> {
        match self {
            ImportFormatArg::UnXml => Some(ListFormat::UnXml),
            ImportFormatArg::OfacCsv => Some(ListFormat::OfacCsv),
            ImportFormatArg::Ftm => Some(ListFormat::Ftm),
            ImportFormatArg::Csv | ImportFormatArg::Jsonl => None,
        }
    }
}

/// A public watch-list format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// The UN Security Council Consolidated List, XML.
    UnXml,
    /// OFAC's SDN list, legacy CSV: sdn.csv, then optionally alt.csv and add.csv.
    OfacCsv,
    /// FollowTheMoney entities, JSON lines.
    Ftm,
}

impl ListFormat {
    pub fn name(self) -> &'static str {
        match self {
            ListFormat::UnXml => "un-xml",
            ListFormat::OfacCsv => "ofac-csv",
            ListFormat::Ftm => "ftm",
        }
    }

    /// How many files the format takes.
    fn file_count(self) -> std::ops::RangeInclusive<usize> {
        match self {
            ListFormat::OfacCsv => 1..=3,
            ListFormat::UnXml | ListFormat::Ftm => 1..=1,
        }
    }
}

/// Everything a list import needs besides the store.
#[derive(Debug, Clone)]
pub struct ListPlan {
    pub format: ListFormat,
    pub files: Vec<PathBuf>,
    pub owner: AgencyId,
    pub visibility: Visibility,
    pub on_error: OnError,
}

impl ListPlan {
    /// Checks the arguments of `portwatch import` for a list format.
    pub fn new(
        format: ListFormat,
        files: Vec<PathBuf>,
        owner: Option<AgencyId>,
        visibility: Option<Visibility>,
        on_error: OnError,
    ) -> Result<ListPlan, UsageError> {
        let owner = owner.ok_or_else(|| {
            UsageError(format!(
                "--format {} needs --owner AGENCY: the list names no agency of the network to \
                 own its records",
                format.name()
            ))
        })?;
        if !format.file_count().contains(&files.len()) {
            let expected = match format {
                ListFormat::OfacCsv => {
                    "sdn.csv, then optionally alt.csv and add.csv, in that order"
                }
                ListFormat::UnXml | ListFormat::Ftm => "exactly one file",
            };
            return Err(UsageError(format!(
                "--format {} takes {expected}; got {} file{}",
                format.name(),
                files.len(),
                if files.len() == 1 { "" } else { "s" }
            )));
        }
        Ok(ListPlan {
            format,
            files,
            owner,
            visibility: visibility.unwrap_or(Visibility::All),
            on_error,
        })
    }
}

/// Imports a list into the store (`--store`, else the one in `data`) and prints the report.
pub fn run(plan: ListPlan, data: &Path, store: Option<&str>) -> anyhow::Result<()> {
    let store = super::open_store(data, store)?;
    let report = import_list(store.as_ref(), &plan)?;
    print!("{}", report.render(&plan));
    report.outcome(plan.on_error)
}

/// What a list import did.
#[derive(Debug, Default)]
pub struct ListReport {
    /// What the reader saw: persons, skipped entries, left-out values.
    pub list: ListSummary,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Persons the store refused: their key belongs to another agency's record.
    pub refused: u64,
    pub refused_shown: Vec<String>,
    /// Entries (or lines) that could not be read.
    pub bad: Vec<ListError>,
    /// True when `--on-error abort` found bad entries and imported nothing.
    pub aborted: bool,
    pub seconds: f64,
}

/// Reads the whole list, then writes its persons in batches (nothing with `--on-error abort`
/// and a bad entry).
pub fn import_list(store: &dyn Store, plan: &ListPlan) -> anyhow::Result<ListReport> {
    let started = Instant::now();
    let mut reader = open_list(plan)?;
    let mut report = ListReport::default();
    let mut persons: Vec<RecordContent> = Vec::new();
    for entry in reader.by_ref() {
        match entry {
            Ok(person) => persons.push(person),
            Err(e) => report.bad.push(e),
        }
    }
    report.list = reader.into_summary();
    if plan.on_error == OnError::Abort && !report.bad.is_empty() {
        report.aborted = true;
    } else {
        for batch in persons.chunks(BATCH_ROWS) {
            let outcomes = store
                .put_records(batch, OffsetDateTime::now_utc())
                .with_context(|| format!("importing {}", plan.files[0].display()))?;
            report.tally(&outcomes);
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

impl ListReport {
    fn tally(&mut self, outcomes: &[PutOutcome]) {
        for outcome in outcomes {
            match outcome {
                PutOutcome::Created { .. } => self.created += 1,
                PutOutcome::Updated { .. } => self.updated += 1,
                PutOutcome::Unchanged { .. } => self.unchanged += 1,
                PutOutcome::Rejected { reason, .. } => {
                    self.refused += 1;
                    if self.refused_shown.len() < SHOWN {
                        self.refused_shown.push(reason.clone());
                    }
                }
            }
        }
    }

    /// The report a user reads at the end.
    pub fn render(&self, plan: &ListPlan) -> String {
        let mut out = format!(
            "{} the {} list in {:.1} s\n",
            if self.aborted { "Checked" } else { "Imported" },
            plan.format.name(),
            self.seconds
        );
        let s = &self.list;
        for (label, count) in [
            ("persons", s.individuals as u64),
            ("created", self.created),
            ("updated", self.updated),
            ("unchanged", self.unchanged),
            ("refused", self.refused),
            ("bad entries", self.bad.len() as u64),
            ("skipped", s.skipped_total() as u64),
            ("left out", s.warnings.len() as u64),
        ] {
            out.push_str(&format!("  {label:<12} {:>10}\n", grouped(count)));
        }
        out.push_str(&format!(
            "  with {} aliases, {} weak aliases, {} original-script names, {} dates of birth, \
             {} identifiers\n",
            grouped(s.aliases as u64),
            grouped(s.weak_aliases as u64),
            grouped(s.original_script_names as u64),
            grouped(s.birth_dates as u64),
            grouped(s.identifiers as u64),
        ));
        if !s.skipped.is_empty() {
            out.push_str("Skipped entries (not persons):\n");
            for (kind, skipped) in &s.skipped {
                out.push_str(&format!(
                    "  {} {kind}: {}\n",
                    grouped(skipped.count as u64),
                    skipped.reason
                ));
            }
        }
        list(&mut out, "Bad entries:", &self.bad);
        list(
            &mut out,
            "Refused (records of another agency):",
            &self.refused_shown,
        );
        list(
            &mut out,
            "Values left out (the persons were imported without them):",
            &s.warnings,
        );
        out
    }

    /// Bad entries are an error (exit 2) even when the good ones were imported.
    pub fn outcome(&self, on_error: OnError) -> anyhow::Result<()> {
        let bad = self.bad.len() as u64;
        if self.aborted {
            return Err(UsageError(format!(
                "nothing was imported: {} bad entr{} (listed above); fix the list, or pass \
                 --on-error skip to import the good entries",
                grouped(bad),
                if bad == 1 { "y" } else { "ies" }
            ))
            .into());
        }
        let mut problems = Vec::new();
        if bad > 0 {
            let verb = if on_error == OnError::Skip {
                "skipped"
            } else {
                "found"
            };
            problems.push(format!(
                "{} bad entr{} {verb}",
                grouped(bad),
                if bad == 1 { "y" } else { "ies" }
            ));
        }
        if self.refused > 0 {
            problems.push(format!("{} refused", grouped(self.refused)));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(UsageError(format!(
                "{} (listed above); the other entries were imported",
                problems.join(", ")
            ))
            .into())
        }
    }
}

/// Appends a titled list of at most [`SHOWN`] items and "… and N more".
fn list(out: &mut String, title: &str, items: &[impl std::fmt::Display]) {
    if items.is_empty() {
        return;
    }
    out.push_str(title);
    out.push('\n');
    for item in items.iter().take(SHOWN) {
        out.push_str(&format!("  {item}\n"));
    }
    if items.len() > SHOWN {
        out.push_str(&format!(
            "  … and {} more\n",
            grouped((items.len() - SHOWN) as u64)
        ));
    }
}

/// One of the list readers, behind one type.
enum ListReader {
    Un(un::UnReader<File>),
    Ofac(ofac::OfacReader<File>),
    Ftm(ftm::FtmReader),
}

impl Iterator for ListReader {
    type Item = Result<RecordContent, ListError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            ListReader::Un(r) => r.next(),
            ListReader::Ofac(r) => r.next(),
            ListReader::Ftm(r) => r.next(),
        }
    }
}

impl ListReader {
    fn into_summary(self) -> ListSummary {
        match self {
            ListReader::Un(r) => r.into_summary(),
            ListReader::Ofac(r) => r.into_summary(),
            ListReader::Ftm(r) => r.into_summary(),
        }
    }
}

fn open_list(plan: &ListPlan) -> anyhow::Result<ListReader> {
    let (owner, visibility) = (plan.owner.clone(), plan.visibility.clone());
    let first = open(&plan.files[0])?;
    Ok(match plan.format {
        ListFormat::UnXml => ListReader::Un(un::read(first, owner, visibility)),
        ListFormat::Ftm => ListReader::Ftm(ftm::read(first, owner, visibility)),
        ListFormat::OfacCsv => {
            let alt = open_optional(plan.files.get(1))?;
            let add = open_optional(plan.files.get(2))?;
            ListReader::Ofac(ofac::read(first, alt, add, owner, visibility))
        }
    })
}

fn open(file: &Path) -> anyhow::Result<File> {
    File::open(file).map_err(|e| UsageError(format!("cannot open {}: {e}", file.display())).into())
}

/// An absent OFAC companion file reads as empty.
fn open_optional(file: Option<&PathBuf>) -> anyhow::Result<Box<dyn Read>> {
    Ok(match file {
        Some(path) => Box::new(open(path)?),
        None => Box::new(std::io::empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_import_needs_an_owner_and_the_right_files() {
        let files = vec![PathBuf::from("un.xml")];
        let err = ListPlan::new(ListFormat::UnXml, files.clone(), None, None, OnError::Abort)
            .unwrap_err();
        assert!(err.0.contains("--owner"), "{err}");

        let owner = Some(AgencyId::parse("ncb-test").unwrap());
        let two = vec![PathBuf::from("a"), PathBuf::from("b")];
        let err =
            ListPlan::new(ListFormat::UnXml, two, owner.clone(), None, OnError::Abort).unwrap_err();
        assert!(err.0.contains("exactly one file"), "{err}");

        let four: Vec<PathBuf> = (0..4).map(|i| PathBuf::from(i.to_string())).collect();
        let err = ListPlan::new(
            ListFormat::OfacCsv,
            four,
            owner.clone(),
            None,
            OnError::Abort,
        )
        .unwrap_err();
        assert!(err.0.contains("sdn.csv"), "{err}");

        let plan = ListPlan::new(ListFormat::UnXml, files, owner, None, OnError::Skip).unwrap();
        assert_eq!(
            plan.visibility,
            Visibility::All,
            "public lists default to all"
        );
    }
}
