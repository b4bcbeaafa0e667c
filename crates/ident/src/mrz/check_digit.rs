//! The Doc 9303 check digit (Part 3, section 4.9): every character is given a value (digits
//! their own, `A`=10 … `Z`=35, filler `<`=0), multiplied by the repeating weights 7, 3, 1,
//! and the sum taken modulo 10.
//!
//! Because the weights are coprime with 10, any single changed character whose value differs
//! modulo 10 is caught. Characters whose values agree modulo 10 (`0`, `A`, `K`, `U`, `<`;
//! `1`, `B`, `L`, `V`; …) cannot be told apart by the digit: this is a property of the
//! standard, which is why Doc 9303 allows only digits in date and check-digit fields.

/// The value of one MRZ character, or `None` for a character outside the MRZ alphabet.
pub fn char_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        b'<' => Some(0),
        _ => None,
    }
}

/// The check digit (`b'0'..=b'9'`) of `data`; characters outside the MRZ alphabet count as 0
/// (the parser reports them separately).
pub fn compute(data: &[u8]) -> u8 {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let sum: u32 = data
        .iter()
        .zip(WEIGHTS.iter().cycle())
        .map(|(&c, &w)| char_value(c).unwrap_or(0) * w)
        .sum();
    b'0' + (sum % 10) as u8
}

/// The check digit over several spans of `flat`, as if they were one string (the composite
/// check digit).
pub fn compute_spans(flat: &[u8], spans: &[std::ops::Range<usize>]) -> u8 {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let sum: u32 = spans
        .iter()
        .flat_map(|span| flat[span.clone()].iter())
        .zip(WEIGHTS.iter().cycle())
        .map(|(&c, &w)| char_value(c).unwrap_or(0) * w)
        .sum();
    b'0' + (sum % 10) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_9303_worked_example() {
        // Part 3, 4.9: the date 520727 has check digit 3.
        assert_eq!(compute(b"520727"), b'3');
        assert_eq!(compute(b"L898902C3"), b'6');
        assert_eq!(compute(b"AB2134<<<"), b'5');
    }

    #[test]
    fn fillers_count_as_zero() {
        assert_eq!(compute(b"<<<<<<<<<<<<<<"), b'0');
        assert_eq!(compute(b""), b'0');
    }
}
