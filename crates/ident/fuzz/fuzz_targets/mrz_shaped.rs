//! Bytes turned into a well-shaped MRZ of any layout (each byte picks a character of the MRZ
//! alphabet), so every run exercises field reading, check digits and the repair search rather
//! than the shape check: no panic, and every repair offered parses as valid.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portwatch_ident::mrz::{self, Day};

const TODAY: Day = Day {
    year: 2026,
    month: 11,
    day: 28,
};
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";

fuzz_target!(|data: &[u8]| {
    let Some((&shape, rest)) = data.split_first() else {
        return;
    };
    let (count, len) = [(3, 30), (2, 36), (2, 44)][usize::from(shape % 3)];
    let chars: Vec<u8> = (0..count * len)
        .map(|i| {
            rest.get(i)
                .map_or(b'<', |&b| ALPHABET[usize::from(b) % ALPHABET.len()])
        })
        .collect();
    let lines: Vec<String> = chars
        .chunks(len)
        .map(|l| String::from_utf8(l.to_vec()).expect("ASCII"))
        .collect();
    let parsed = mrz::parse(&lines, TODAY).expect("a well-shaped MRZ");
    for repair in &parsed.repairs {
        let repaired = mrz::parse(&repair.lines, TODAY).expect("a repair is an MRZ");
        assert!(
            repaired.valid,
            "repair {:?} of {lines:?} is not valid",
            repair.lines
        );
    }
});
