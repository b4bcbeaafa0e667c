//! Travel-document numbers: the canonical form records are keyed by, and the OCR-folded
//! skeleton that lets the engine find a stolen passport typed or read slightly wrong.

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
