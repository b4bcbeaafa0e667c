//! Any text checked as a VIN: a report, never a panic; a report is valid only when well formed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portwatch_ident::vin;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let report = vin::check(&text, 2027);
    assert!(!report.valid || report.errors.is_empty());
});
