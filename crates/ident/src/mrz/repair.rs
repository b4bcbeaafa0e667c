//! OCR repairs. Scanners and tired eyes confuse `0`/`O`/`Q`/`D`, `1`/`I`/`L`, `2`/`Z`,
//! `5`/`S`, `6`/`G` and `8`/`B`. Two kinds of evidence say which reading is right:
//!
//! 1. The field's rules: dates and check digits are digits, codes and names are letters, so a
//!    letter in a date (or a digit in a name) can only be its look-alike.
//! 2. The check digits: in the document number and optional data both readings are allowed,
//!    so a swap is suggested only when it makes every check digit pass.
//!
//! A repair is offered only when, applied as a whole, every check digit passes and every field
//! keeps its rules. Several repairs may be offered when the evidence cannot choose.

use serde::Serialize;

use super::layout::{CharClass, Layout};
use super::Day;

/// One changed character.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// 1-based line number.
    pub line: usize,
    /// 1-based position in the line.
    pub position: usize,
    pub from: char,
    pub to: char,
}

/// A set of changes that makes the whole MRZ valid, and the lines it gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repair {
    pub changes: Vec<Change>,
    pub lines: Vec<String>,
}

/// At most this many repairs are offered; more means the evidence is too weak to help.
const MAX_REPAIRS: usize = 8;

/// The digit a letter is mistaken for, where there is one.
fn as_digit(c: u8) -> Option<u8> {
    Some(match c {
        b'O' | b'Q' | b'D' => b'0',
        b'I' | b'L' => b'1',
        b'Z' => b'2',
        b'S' => b'5',
        b'G' => b'6',
        b'B' => b'8',
        _ => return None,
    })
}

/// The letter a digit is mistaken for, where there is one.
fn as_letter(c: u8) -> Option<u8> {
    Some(match c {
        b'0' => b'O',
        b'1' => b'I',
        b'2' => b'Z',
        b'5' => b'S',
        b'6' => b'G',
        b'8' => b'B',
        _ => return None,
    })
}

/// Every look-alike of `c` in an alphanumeric field.
fn look_alikes(c: u8) -> &'static [u8] {
    match c {
        b'0' => b"ODQ",
        b'O' => b"0DQ",
        b'D' => b"0O",
        b'Q' => b"0O",
        b'1' => b"IL",
        b'I' => b"1L",
        b'L' => b"1I",
        b'2' => b"Z",
        b'Z' => b"2",
        b'5' => b"S",
        b'S' => b"5",
        b'6' => b"G",
        b'G' => b"6",
        b'8' => b"B",
        b'B' => b"8",
        _ => b"",
    }
}

/// Repairs for a flat MRZ that fails some check or rule.
pub fn suggest(layout: &Layout, flat: &[u8], today: Day) -> Vec<Repair> {
    let classes = layout.classes();
    let mut fixed = flat.to_vec();
    for (i, class) in classes.iter().enumerate() {
        let swap = match class {
            CharClass::Numeric => as_digit(flat[i]),
            CharClass::Alphabetic => as_letter(flat[i]),
            CharClass::Alphanumeric => None,
        };
        if let Some(to) = swap {
            fixed[i] = to;
        }
    }
    if super::passes(layout, &fixed, today) {
        return if fixed == flat {
            Vec::new()
        } else {
            vec![repair(layout, flat, &fixed)]
        };
    }
    // One swap can only mend a check digit whose span it falls in, and leaves every other
    // check as it was: so it must fall in the span of every check that still fails.
    let failing: Vec<Vec<std::ops::Range<usize>>> = super::checks(layout, &fixed)
        .iter()
        .filter(|check| !check.valid)
        .map(|check| super::coverage(layout, &fixed, check.field))
        .collect();
    let mends_every_failure = |i: usize| {
        failing
            .iter()
            .all(|spans| spans.iter().any(|span| span.contains(&i)))
    };
    let mut repairs = Vec::new();
    let ambiguous = (0..fixed.len())
        .filter(|&i| classes[i] == CharClass::Alphanumeric && mends_every_failure(i));
    for i in ambiguous {
        for &to in look_alikes(fixed[i]) {
            let mut candidate = fixed.clone();
            candidate[i] = to;
            if super::passes(layout, &candidate, today) {
                repairs.push(repair(layout, flat, &candidate));
                if repairs.len() == MAX_REPAIRS {
                    return repairs;
                }
            }
        }
    }
    repairs
}

fn repair(layout: &Layout, from: &[u8], to: &[u8]) -> Repair {
    let changes = from
        .iter()
        .zip(to)
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (&a, &b))| Change {
            line: i / layout.line_len + 1,
            position: i % layout.line_len + 1,
            from: char::from(a),
            to: char::from(b),
        })
        .collect();
    Repair {
        changes,
        lines: to
            .chunks(layout.line_len)
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect(),
    }
}
