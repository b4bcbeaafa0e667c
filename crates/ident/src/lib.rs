//! Identity standards: ICAO 9303 machine-readable zones, vehicle identification numbers
//! (ISO 3779), number plates and travel-document numbers. Pure: no I/O.
