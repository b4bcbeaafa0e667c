//! Character folding shared by every identifier: full-width forms to ASCII, separators out,
//! and the OCR look-alike classes used for tolerant keys.

/// Folds one character of an identifier to upper-case ASCII, or `None` when it is not a letter
/// or digit once folded (separators, spaces, punctuation).
pub fn ascii_alnum(c: char) -> Option<char> {
    // Full-width forms (U+FF01..U+FF5E) are what East Asian keyboards and some scanners emit.
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    if c.is_ascii_alphanumeric() {
        Some(c.to_ascii_uppercase())
    } else {
        None
    }
}

/// The OCR class of an upper-case ASCII letter or digit: characters a scanner or a hurried
/// officer confuses map to one representative (0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, 6/G).
pub fn ocr_class(c: char) -> char {
    match c {
        'O' | 'Q' | 'D' => '0',
        'I' | 'L' => '1',
        'Z' => '2',
        'S' => '5',
        'B' => '8',
        'G' => '6',
        other => other,
    }
}

/// Upper-case ASCII letters and digits of `raw`, everything else dropped.
pub fn canonical(raw: &str) -> String {
    raw.chars().filter_map(ascii_alnum).collect()
}

/// The OCR-folded key of `raw`'s canonical form.
pub fn skeleton(raw: &str) -> String {
    raw.chars().filter_map(ascii_alnum).map(ocr_class).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_separators_fold_away() {
        assert_eq!(canonical("ab-12 3/4.5"), "AB12345");
        assert_eq!(canonical("ＡＢ１２３"), "AB123");
    }

    #[test]
    fn look_alikes_share_a_skeleton() {
        assert_eq!(skeleton("L898902C3"), skeleton("1898902C3"));
        assert_eq!(skeleton("OB5"), skeleton("085"));
        assert_ne!(skeleton("AB1"), skeleton("AB7"));
    }
}
