//! No input makes the identifier functions panic, and their keys are stable under their own
//! folding (folding a canonical form again changes nothing).

use portwatch_ident::{document_number, plate, vin};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn vin_check_never_panics(text in "\\PC{0,40}") {
        let report = vin::check(&text, 2027);
        prop_assert!(report.valid == (report.errors.is_empty()
            && report.check_digit.is_some_and(|c| c.valid || !c.required)));
    }

    #[test]
    fn vin_shaped_text_never_panics_and_repairs_are_valid(text in "[A-Z0-9]{17}") {
        let report = vin::check(&text, 2027);
        prop_assert_eq!(report.check_digit.is_some(), !text.contains(['I', 'O', 'Q']));
        prop_assert!(!report.valid || report.repairs.is_empty());
        for repair in &report.repairs {
            prop_assert!(vin::check(repair, 2027).valid, "{text}: repair {repair} is not valid");
        }
    }

    #[test]
    fn canonical_forms_are_fixed_points(text in "\\PC{0,40}") {
        let doc = document_number::canonical(&text);
        prop_assert_eq!(document_number::canonical(&doc), doc.clone());
        prop_assert!(doc.bytes().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
        prop_assert_eq!(document_number::skeleton(&doc), document_number::skeleton(&text));
        let p = plate::canonical(&text);
        prop_assert_eq!(plate::canonical(&p), p.clone());
        prop_assert_eq!(plate::skeleton(&p), plate::skeleton(&text));
        let v = vin::canonical(&text);
        prop_assert_eq!(vin::canonical(&v), v);
    }
}
