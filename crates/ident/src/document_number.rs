//! Travel-document numbers: the canonical form records are keyed by, and the OCR-folded
//! skeleton that lets the engine find a stolen passport typed or read slightly wrong.
//!
//! Document numbers are up to nine characters in an MRZ (longer ones continue in the optional
//! data of TD1 and TD2 cards) and are typed by hand from the data page as often as they are
//! scanned: with spaces, hyphens, filler `<`, lower case, full-width digits from East Asian
//! keyboards. The canonical form keeps only `A`–`Z` and `0`–`9`. The skeleton then maps every
//! character of an OCR confusion class to one representative (`0`/`O`/`Q`/`D` → `0`,
//! `1`/`I`/`L` → `1`, `2`/`Z` → `2`, `5`/`S` → `5`, `6`/`G` → `6`, `8`/`B` → `8`): two numbers
//! with the same skeleton may be the same document, which the engine then confirms with the
//! issuing state and the other fields.

/// Canonical form: upper-case ASCII letters and digits; full-width characters folded;
/// separators (`-`, `/`, `.`, `<`, spaces) dropped.
pub fn canonical(raw: &str) -> String {
    crate::fold::canonical(raw)
}

/// OCR-folded key of the canonical form (0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, 6/G collide).
pub fn skeleton(raw: &str) -> String {
    crate::fold::skeleton(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_with_filler_and_spaces_are_the_same() {
        assert_eq!(canonical("L898902C3<"), "L898902C3");
        assert_eq!(canonical(" l89 8902-c3 "), "L898902C3");
    }

    #[test]
    fn misread_numbers_share_the_skeleton() {
        assert_eq!(skeleton("L898902C3"), skeleton("L898902C3"));
        assert_eq!(skeleton("AB0123456"), skeleton("ABO123456"));
        assert_eq!(skeleton("X1234S"), skeleton("XI2345"));
    }
}
