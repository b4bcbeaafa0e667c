//! Number plates: a canonical form keyed with the plate's country, and an OCR-folded skeleton
//! for tolerant matching.
//!
//! Plates are written with spaces, hyphens, dots and national symbols that carry no
//! information, and in several countries (Russia, Ukraine, Bulgaria, Serbia, Greece …) with
//! only the letters that Cyrillic or Greek share with Latin, so `А123ВС` typed on a Cyrillic
//! keyboard and `A123BC` typed on a Latin one are the same plate. The canonical form folds
//! those away; a plate is only meaningful with its country, hence [`key`]. The skeleton also
//! merges the characters OCR and tired officers confuse (`0`/`O`/`D`/`Q`, `1`/`I`/`L`, `2`/`Z`,
//! `5`/`S`, `6`/`G`, `8`/`B`).

/// Folds a Cyrillic or Greek capital that looks like a Latin one (plates of several countries
/// use only the letters that exist in both alphabets, and are typed in either).
fn latin_look_alike(c: char) -> char {
    match c {
        // Cyrillic
        'А' | 'а' => 'A',
        'В' | 'в' => 'B',
        'Е' | 'е' => 'E',
        'К' | 'к' => 'K',
        'М' | 'м' => 'M',
        'Н' | 'н' => 'H',
        'О' | 'о' => 'O',
        'Р' | 'р' => 'P',
        'С' | 'с' => 'C',
        'Т' | 'т' => 'T',
        'У' | 'у' => 'Y',
        'Х' | 'х' => 'X',
        'І' | 'і' => 'I',
        // Greek
        'Α' | 'α' => 'A',
        'Β' | 'β' => 'B',
        'Ε' | 'ε' => 'E',
        'Ζ' | 'ζ' => 'Z',
        'Η' | 'η' => 'H',
        'Ι' | 'ι' => 'I',
        'Κ' | 'κ' => 'K',
        'Μ' | 'μ' => 'M',
        'Ν' | 'ν' => 'N',
        'Ο' | 'ο' => 'O',
        'Ρ' | 'ρ' => 'P',
        'Τ' | 'τ' => 'T',
        'Υ' | 'υ' => 'Y',
        'Χ' | 'χ' => 'X',
        other => other,
    }
}

/// Canonical form: upper case, separators dropped, Cyrillic and Greek look-alikes folded to
/// Latin. Letters with no Latin look-alike are kept (upper-cased) rather than lost.
pub fn canonical(raw: &str) -> String {
    // Upper-case first: a lower-case letter may upper-case to a look-alike (and to several
    // characters, whose combining marks are then dropped as non-alphanumeric).
    raw.chars()
        .flat_map(char::to_uppercase)
        .map(latin_look_alike)
        .filter_map(|c| crate::fold::ascii_alnum(c).or_else(|| c.is_alphanumeric().then_some(c)))
        .collect()
}

/// The exact key of a plate: the ISO alpha-3 code of its country, `:`, the canonical form.
pub fn key(country_alpha3: &str, raw: &str) -> String {
    format!("{}:{}", country_alpha3.to_ascii_uppercase(), canonical(raw))
}

/// The tolerant key of a plate: its country, `:`, the skeleton.
pub fn skeleton_key(country_alpha3: &str, raw: &str) -> String {
    format!("{}:{}", country_alpha3.to_ascii_uppercase(), skeleton(raw))
}

/// OCR-folded key of the canonical form.
pub fn skeleton(raw: &str) -> String {
    canonical(raw).chars().map(crate::fold::ocr_class).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_case_do_not_matter() {
        assert_eq!(canonical("ab-123 cd"), "AB123CD");
        assert_eq!(canonical("AB·123·CD"), "AB123CD");
    }

    #[test]
    fn cyrillic_and_greek_look_alikes_fold_to_latin() {
        assert_eq!(canonical("А123ВС"), "A123BC"); // Cyrillic А, В, С
        assert_eq!(canonical("ΙΚΧ-1234"), "IKX1234"); // Greek
        assert_eq!(canonical("ΐ"), "I"); // upper-cases to Ι with marks
        assert_eq!(canonical("Ж 123"), "Ж123"); // no Latin look-alike: kept
    }

    #[test]
    fn keys_carry_the_country() {
        assert_eq!(key("rus", "а 123 вс 77"), "RUS:A123BC77");
        assert_ne!(key("RUS", "A123BC77"), key("UKR", "A123BC77"));
        assert_eq!(
            skeleton_key("FRA", "AB-1O5-CD"),
            skeleton_key("FRA", "A8 105 CD")
        );
    }

    #[test]
    fn skeleton_tolerates_look_alike_digits() {
        assert_eq!(skeleton("AB 1O5"), skeleton("A8 105"));
    }
}
