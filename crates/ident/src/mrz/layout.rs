//! Where each field sits in each MRZ format (Doc 9303 Parts 4–7), as ranges into the lines
//! joined end to end (the "flat" MRZ: line 2 of a TD3 starts at index 44).

use std::ops::Range;

use super::Format;

/// The positions of one format's fields in the flat MRZ.
pub struct Layout {
    pub format: Format,
    pub line_len: usize,
    pub line_count: usize,
    pub document_code: Range<usize>,
    pub issuing_state: Range<usize>,
    pub name: Range<usize>,
    pub document_number: Range<usize>,
    pub document_number_check: usize,
    pub nationality: Range<usize>,
    pub birth_date: Range<usize>,
    pub birth_date_check: usize,
    pub sex: usize,
    pub expiry_date: Range<usize>,
    pub expiry_date_check: usize,
    /// The optional data element (the personal number of a TD3; where TD1 and TD2 continue a
    /// long document number).
    pub optional_data: Range<usize>,
    /// The check digit of the optional data (TD3 only).
    pub optional_data_check: Option<usize>,
    /// The second optional data element (TD1 line 2).
    pub optional_data_2: Option<Range<usize>>,
    /// The spans the composite check digit covers, and where it is (not on visas).
    pub composite: Option<(&'static [Range<usize>], usize)>,
    /// Whether a document number longer than nine characters may continue in the optional data.
    pub long_document_number: bool,
}

impl Layout {
    pub fn of(format: Format) -> &'static Layout {
        match format {
            Format::Td1 => &TD1,
            Format::Td2 => &TD2,
            Format::Td3 => &TD3,
            Format::MrvA => &MRV_A,
            Format::MrvB => &MRV_B,
        }
    }

    pub fn len(&self) -> usize {
        self.line_len * self.line_count
    }
}

/// TD3 (passports): 2 × 44. Composite over line 2 positions 1–10, 14–20, 22–43.
static TD3: Layout = TD3_FIELDS;

/// MRV-A (visas): 2 × 44, line 2 as TD3 up to the expiry check digit, then 16 characters of
/// optional data; no personal-number or composite check digit.
static MRV_A: Layout = Layout {
    format: Format::MrvA,
    optional_data: 72..88,
    optional_data_check: None,
    composite: None,
    ..TD3_FIELDS
};

/// TD2 (ID cards, other official documents): 2 × 36. Composite over line 2 positions 1–10,
/// 14–20, 22–35.
static TD2: Layout = TD2_FIELDS;

/// MRV-B (visas): 2 × 36, line 2 as TD2 up to the expiry check digit, then 8 characters of
/// optional data; no composite check digit.
static MRV_B: Layout = Layout {
    format: Format::MrvB,
    optional_data: 64..72,
    composite: None,
    long_document_number: false,
    ..TD2_FIELDS
};

/// TD1 (ID cards): 3 × 30. Composite over line 1 positions 6–30 and line 2 positions 1–7,
/// 9–15, 19–29.
static TD1: Layout = Layout {
    format: Format::Td1,
    line_len: 30,
    line_count: 3,
    document_code: 0..2,
    issuing_state: 2..5,
    document_number: 5..14,
    document_number_check: 14,
    optional_data: 15..30,
    birth_date: 30..36,
    birth_date_check: 36,
    sex: 37,
    expiry_date: 38..44,
    expiry_date_check: 44,
    nationality: 45..48,
    optional_data_2: Some(48..59),
    composite: Some((&[5..30, 30..37, 38..45, 48..59], 59)),
    optional_data_check: None,
    name: 60..90,
    long_document_number: true,
};

// The passport and TD2 layouts, constants so that the visas can reuse them.
const TD3_FIELDS: Layout = Layout {
    format: Format::Td3,
    line_len: 44,
    line_count: 2,
    document_code: 0..2,
    issuing_state: 2..5,
    name: 5..44,
    document_number: 44..53,
    document_number_check: 53,
    nationality: 54..57,
    birth_date: 57..63,
    birth_date_check: 63,
    sex: 64,
    expiry_date: 65..71,
    expiry_date_check: 71,
    optional_data: 72..86,
    optional_data_check: Some(86),
    optional_data_2: None,
    composite: Some((&[44..54, 57..64, 65..87], 87)),
    long_document_number: false,
};

const TD2_FIELDS: Layout = Layout {
    format: Format::Td2,
    line_len: 36,
    line_count: 2,
    document_code: 0..2,
    issuing_state: 2..5,
    name: 5..36,
    document_number: 36..45,
    document_number_check: 45,
    nationality: 46..49,
    birth_date: 49..55,
    birth_date_check: 55,
    sex: 56,
    expiry_date: 57..63,
    expiry_date_check: 63,
    optional_data: 64..71,
    optional_data_check: None,
    optional_data_2: None,
    composite: Some((&[36..46, 49..56, 57..71], 71)),
    long_document_number: true,
};

/// What characters a position may hold, which decides which OCR repairs are possible there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharClass {
    /// Digits (and `<` for unknown date parts or an empty check digit).
    Numeric,
    /// Letters and `<` (codes, names, sex).
    Alphabetic,
    /// Letters, digits and `<` (document number, optional data).
    Alphanumeric,
}

impl Layout {
    /// The class of every position of the flat MRZ.
    pub fn classes(&self) -> Vec<CharClass> {
        let mut classes = vec![CharClass::Alphanumeric; self.len()];
        let mut set = |range: Range<usize>, class: CharClass| {
            for c in &mut classes[range] {
                *c = class;
            }
        };
        set(self.document_code.clone(), CharClass::Alphabetic);
        set(self.issuing_state.clone(), CharClass::Alphabetic);
        set(self.name.clone(), CharClass::Alphabetic);
        set(self.nationality.clone(), CharClass::Alphabetic);
        set(self.sex..self.sex + 1, CharClass::Alphabetic);
        set(self.birth_date.clone(), CharClass::Numeric);
        set(self.expiry_date.clone(), CharClass::Numeric);
        let mut checks = vec![self.birth_date_check, self.expiry_date_check];
        // The document-number check digit moves into the optional data for long numbers, so
        // its position stays alphanumeric.
        if !self.long_document_number {
            checks.push(self.document_number_check);
        }
        checks.extend(self.optional_data_check);
        checks.extend(self.composite.as_ref().map(|(_, at)| *at));
        for at in checks {
            set(at..at + 1, CharClass::Numeric);
        }
        classes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layout_covers_its_lines_without_overlap() {
        for format in [
            Format::Td1,
            Format::Td2,
            Format::Td3,
            Format::MrvA,
            Format::MrvB,
        ] {
            let l = Layout::of(format);
            let mut owner = vec![0u8; l.len()];
            let mut claim = |r: Range<usize>| {
                for o in &mut owner[r] {
                    *o += 1;
                }
            };
            claim(l.document_code.clone());
            claim(l.issuing_state.clone());
            claim(l.name.clone());
            claim(l.document_number.clone());
            claim(l.document_number_check..l.document_number_check + 1);
            claim(l.nationality.clone());
            claim(l.birth_date.clone());
            claim(l.birth_date_check..l.birth_date_check + 1);
            claim(l.sex..l.sex + 1);
            claim(l.expiry_date.clone());
            claim(l.expiry_date_check..l.expiry_date_check + 1);
            claim(l.optional_data.clone());
            if let Some(at) = l.optional_data_check {
                claim(at..at + 1);
            }
            if let Some(r) = l.optional_data_2.clone() {
                claim(r);
            }
            if let Some((_, at)) = l.composite {
                claim(at..at + 1);
            }
            // TD1 line 2 position 30 is the composite; nothing is left over anywhere.
            assert!(owner.iter().all(|&n| n == 1), "{format:?}: {owner:?}");
        }
    }
}
