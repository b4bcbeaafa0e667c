//! The name field (Doc 9303 Part 3, 4.6): the primary identifier (surname), then `<<`, then
//! the secondary identifiers (given names) separated by `<`. Spaces, hyphens and apostrophes
//! inside a component are written as `<` too, so `VAN<DER<BERG` is "VAN DER BERG". A holder
//! with one name (a mononym) has it as the primary identifier and no `<<`; a holder with no
//! surname starts the field with `<<`. When the name had to be cut to fit, the field ends in
//! a letter rather than a filler: the name may be truncated.

/// A name field split into its identifiers, components joined by single spaces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SplitName {
    pub primary: String,
    pub secondary: String,
    /// The field is full to its last character, so the name may have been cut.
    pub possibly_truncated: bool,
}

/// Splits the name field.
pub fn split(field: &[u8]) -> SplitName {
    let possibly_truncated = field.last().is_some_and(|&c| c != b'<');
    let (primary, secondary) = match field.windows(2).position(|w| w == b"<<") {
        Some(at) => (&field[..at], &field[at + 2..]),
        None => (field, &[][..]),
    };
    SplitName {
        primary: components(primary),
        secondary: components(secondary),
        possibly_truncated,
    }
}

/// The `<`-separated components of an identifier, joined by single spaces.
fn components(identifier: &[u8]) -> String {
    let mut out = String::with_capacity(identifier.len());
    for part in identifier
        .split(|&c| c == b'<')
        .filter(|part| !part.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(part.iter().map(|&c| char::from(c)));
    }
    out
}

/// Writes a name field of `width` characters. Components are upper-case letters separated by
/// spaces; anything but `A`–`Z` becomes a filler. When the name does not fit, the secondary
/// identifiers are cut first, then the primary one, so that the field ends in a letter
/// (the truncation mark of Doc 9303).
pub fn encode(primary: &str, secondary: &str, width: usize) -> String {
    let primary = identifier(primary);
    let secondary = identifier(secondary);
    let mut out = primary;
    if !secondary.is_empty() {
        out.push_str("<<");
        out.push_str(&secondary);
    }
    if out.len() > width {
        out.truncate(width);
    }
    while out.len() < width {
        out.push('<');
    }
    out
}

fn identifier(raw: &str) -> String {
    let mapped: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                c.to_ascii_uppercase()
            } else {
                '<'
            }
        })
        .collect();
    mapped
        .split('<')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("<")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_str(s: &str) -> (String, String, bool) {
        let n = split(s.as_bytes());
        (n.primary, n.secondary, n.possibly_truncated)
    }

    #[test]
    fn primary_and_secondary_identifiers() {
        assert_eq!(
            split_str("ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"),
            ("ERIKSSON".into(), "ANNA MARIA".into(), false)
        );
        assert_eq!(
            split_str("VAN<DER<BERG<<JAN<<<<"),
            ("VAN DER BERG".into(), "JAN".into(), false)
        );
    }

    #[test]
    fn mononyms_and_empty_surnames() {
        assert_eq!(
            split_str("MADONNA<<<<<<"),
            ("MADONNA".into(), "".into(), false)
        );
        assert_eq!(split_str("<<ANNA<<<<<<"), ("".into(), "ANNA".into(), false));
        assert_eq!(split_str("<<<<<<<<"), ("".into(), "".into(), false));
    }

    #[test]
    fn a_full_field_may_be_truncated() {
        let (_, given, truncated) = split_str("NILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<KRA");
        assert!(truncated);
        assert_eq!(given, "CHAYAPA DEJTHAMRONG KRA");
    }

    #[test]
    fn encoding_pads_maps_and_truncates() {
        assert_eq!(encode("Eriksson", "Anna Maria", 20), "ERIKSSON<<ANNA<MARIA");
        assert_eq!(encode("O'Neil-Smith", "", 16), "O<NEIL<SMITH<<<<");
        assert_eq!(encode("", "Anna", 8), "<<ANNA<<");
        assert_eq!(encode("Eriksson", "Anna Maria", 12), "ERIKSSON<<AN");
    }
}
