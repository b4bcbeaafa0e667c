//! An operation's figures and its published report.
//!
//! This crate owns one question: given everything the store holds about an operation — its
//! definition, the audit entries of its searches, its hits (with a few facts about the records
//! hit) and its investigative leads — what are its figures, and how are they published? It
//! answers with [`Figures`]: totals, breakdowns by database, site, day and hour, follow-up
//! states, leads and their outcomes, and the headline sentences in the style INTERPOL uses
//! ("More than 1.2 million searches were made …"). [`Figures`] renders itself as JSON, as a
//! flat CSV, and as one self-contained, accessible, printable HTML page with inline SVG charts.
//!
//! The crate is pure: no files, no SQL, no HTTP and no clock. Callers (the CLI's
//! `portwatch report`, the server's live figures endpoint) read the store and feed a
//! [`FiguresBuilder`] one value at a time, and pass in the moment overdue follow-ups are judged
//! at. That keeps the figures identical wherever they are computed, lets a 1.2-million-search
//! operation be counted while streaming the audit log (nothing is kept per search), and makes
//! every figure testable with synthetic values.
//!
//! The figures reconcile, and the tests hold them to it: `searches` equals the sum over
//! `searches_by_database`, over `by_site` and over `by_day`; `hits` equals the sum over
//! `hits_by_database`, over `by_site` and over `by_day`, and equals confirmed + rejected +
//! pending hits. Only searches and hits of the operation count; everything else fed in is
//! ignored.
//!
//! ```
//! use portwatch_report::FiguresBuilder;
//! # let operation: portwatch_model::Operation = serde_json::from_value(serde_json::json!({
//! #     "id": "0190b2a4-7c00-7000-8000-000000000001", "code": "NEPTUNE-II",
//! #     "name": "Neptune II", "starts_on": "2019-07-24", "ends_on": "2019-09-08",
//! #     "countries": ["MAR"], "coordinator": "gs-lyon"})).unwrap();
//! let mut builder = FiguresBuilder::new(&operation);
//! // for entry in store.audit(..) { builder.add_audit(&entry) } …
//! let figures = builder.finish(time::macros::datetime!(2019-09-09 00:00 UTC));
//! assert_eq!(figures.headlines()[0], "Operation Neptune II ran for 47 days in 1 country.");
//! let _page = figures.to_html();
//! ```

mod csv_out;
mod figures;
mod headlines;
mod html;
mod numbers;
mod svg;

pub use figures::{
    DayFigures, Figures, FiguresBuilder, ForeignTerroristFighters, HitFacts, HitsByDatabase,
    HourFigures, LeadsByStatus, OperationSummary, Outcomes, Period, SearchesByDatabase,
    SiteFigures, SiteHours, OTHER_SITE,
};
pub use html::escape;
pub use numbers::{approximately, grouped};
