//! Document numbers, plates and country codes from any text: canonical forms are fixed points
//! of their own folding, skeletons agree with them, and nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portwatch_ident::{country, document_number, plate};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let doc = document_number::canonical(&text);
    assert_eq!(document_number::canonical(&doc), doc);
    assert_eq!(
        document_number::skeleton(&doc),
        document_number::skeleton(&text)
    );
    let p = plate::canonical(&text);
    assert_eq!(plate::canonical(&p), p);
    assert_eq!(plate::skeleton(&p), plate::skeleton(&text));
    let _ = country::from_icao(&text);
    let _ = country::iso_alpha3(&text);
    let _ = country::is_iso_alpha3(&text);
});
