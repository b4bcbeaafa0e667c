//! Identity standards: ICAO 9303 machine-readable zones, vehicle identification numbers
//! (ISO 3779), number plates and travel-document numbers. Pure: no I/O.

pub mod country;
pub mod document_number;
pub mod fold;
pub mod mrz;
pub mod plate;
pub mod vin;
