//! Identity standards: ICAO 9303 machine-readable zones, vehicle identification numbers
//! (ISO 3779), number plates and travel-document numbers. Pure: no I/O, no clock (callers
//! pass "today" where a rule needs it).
//!
//! An officer's first input is a scanned MRZ or a typed VIN; everything downstream depends on
//! reading it right, so the rules here follow the standards themselves:
//!
//! - [`mrz`]: parse and build the five MRZ layouts of ICAO Doc 9303 (TD1, TD2, TD3, MRV-A,
//!   MRV-B), every check digit on its own, partial dates, names, OCR repairs.
//! - [`vin`]: ISO 3779 / 49 CFR 565 check digit, world manufacturer identifiers, model years.
//! - [`plate`], [`document_number`]: canonical forms records are keyed by, and OCR-folded
//!   skeletons for tolerant matching.
//! - [`country`]: ISO 3166-1 alpha-3, and the ICAO codes (`D`, `UTO`, `XXA`, `GBD` …) mapped to
//!   it explicitly, never guessed.

pub mod country;
pub mod document_number;
pub mod fold;
pub mod mrz;
pub mod plate;
pub mod vin;
