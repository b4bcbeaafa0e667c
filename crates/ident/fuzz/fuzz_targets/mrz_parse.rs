//! Any text, read as MRZ lines or as one block: the parser returns an MRZ or an error, never
//! panics; every repair it offers parses as valid.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portwatch_ident::mrz::{self, Day};

const TODAY: Day = Day {
    year: 2026,
    month: 11,
    day: 28,
};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(parsed) = mrz::parse_text(&text, TODAY) {
        for repair in &parsed.repairs {
            let repaired = mrz::parse(&repair.lines, TODAY).expect("a repair is an MRZ");
            assert!(
                repaired.valid,
                "repair {:?} of {text:?} is not valid",
                repair.lines
            );
        }
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let _ = mrz::parse(&lines, TODAY);
});
