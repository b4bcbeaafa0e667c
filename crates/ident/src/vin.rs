//! Vehicle identification numbers (ISO 3779).

/// Canonical form: upper case, separators and spaces dropped.
pub fn canonical(raw: &str) -> String {
    crate::fold::canonical(raw)
}

/// OCR-folded key of the canonical form, so a VIN typed with O for 0 or I for 1 still finds
/// the record (ISO 3779 forbids I, O and Q, so those are always misreadings).
pub fn skeleton(raw: &str) -> String {
    crate::fold::skeleton(raw)
}
