//! The specimens of Doc 9303 Parts 4–7 and the rules around them.

use super::*;

const TODAY: Day = Day {
    year: 2026,
    month: 11,
    day: 28,
};

fn read(lines: &[&str]) -> Mrz {
    parse(lines, TODAY).expect("an MRZ")
}

fn iso(d: Option<PartialDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

const TD3: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
];
const TD2: [&str; 2] = [
    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "D231458907UTO7408122F1204159<<<<<<<6",
];
const TD1: [&str; 3] = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
];
const MRV_A: [&str; 2] = [
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
];
const MRV_B: [&str; 2] = [
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "L8988901C4XXX4009078F9612109<<<<<<<<",
];

#[test]
fn td3_specimen_reads_field_by_field() {
    let mrz = read(&TD3);
    assert_eq!(mrz.format, Format::Td3);
    assert_eq!(mrz.document_code, "P");
    assert_eq!(mrz.document_kind(), DocumentKind::Passport);
    assert_eq!(mrz.issuing_state, "UTO");
    assert_eq!(mrz.surname, "ERIKSSON");
    assert_eq!(mrz.given_names, "ANNA MARIA");
    assert_eq!(mrz.document_number, "L898902C3");
    assert_eq!(mrz.nationality, "UTO");
    assert_eq!(iso(mrz.birth_date).as_deref(), Some("1974-08-12"));
    assert_eq!(iso(mrz.expiry_date).as_deref(), Some("2012-04-15"));
    assert_eq!(mrz.sex, Some(Sex::F));
    assert_eq!(mrz.optional_data, "ZE184226B");
    let fields: Vec<_> = mrz
        .checks
        .iter()
        .map(|c| (c.field, c.found, c.valid))
        .collect();
    assert_eq!(
        fields,
        vec![
            (CheckField::DocumentNumber, '6', true),
            (CheckField::BirthDate, '2', true),
            (CheckField::ExpiryDate, '9', true),
            (CheckField::OptionalData, '1', true),
            (CheckField::Composite, '0', true),
        ]
    );
    assert!(mrz.valid, "{mrz:?}");
    assert!(mrz.repairs.is_empty());
    assert!(mrz.warnings.iter().any(|w| w.contains("expired")));
}

#[test]
fn td2_specimen() {
    let mrz = read(&TD2);
    assert_eq!(mrz.format, Format::Td2);
    assert_eq!(mrz.document_number, "D23145890");
    assert_eq!(
        (mrz.surname.as_str(), mrz.given_names.as_str()),
        ("ERIKSSON", "ANNA MARIA")
    );
    assert!(mrz.valid, "{mrz:?}");
    assert_eq!(mrz.checks.len(), 4);
}

#[test]
fn td1_specimen() {
    let mrz = read(&TD1);
    assert_eq!(mrz.format, Format::Td1);
    assert_eq!(mrz.document_code, "I");
    assert_eq!(mrz.document_number, "D23145890");
    assert_eq!(mrz.nationality, "UTO");
    assert_eq!(iso(mrz.birth_date).as_deref(), Some("1974-08-12"));
    assert_eq!(mrz.optional_data, "");
    assert_eq!(mrz.optional_data_2.as_deref(), Some(""));
    assert!(mrz.valid, "{mrz:?}");
}

#[test]
fn visa_specimens_have_no_composite() {
    for (lines, format) in [(&MRV_A, Format::MrvA), (&MRV_B, Format::MrvB)] {
        let mrz = read(lines);
        assert_eq!(mrz.format, format);
        assert_eq!(mrz.document_code, "V");
        assert_eq!(mrz.document_kind(), DocumentKind::Visa);
        assert_eq!(mrz.document_number, "L8988901C");
        assert_eq!(mrz.nationality, "XXX");
        assert_eq!(mrz.nationality_iso, None);
        assert_eq!(iso(mrz.birth_date).as_deref(), Some("1940-09-07"));
        assert_eq!(iso(mrz.expiry_date).as_deref(), Some("1996-12-10"));
        assert_eq!(mrz.checks.len(), 3);
        assert!(mrz.valid, "{format}: {mrz:?}");
    }
    assert_eq!(read(&MRV_A).optional_data, "6ZE184226B");
    assert_eq!(read(&MRV_B).optional_data, "");
}

#[test]
fn td1_long_document_number_continues_in_optional_data() {
    // Doc 9303 Part 5: a 12-character number, D23145890734, check digit 9.
    let lines = [
        "I<UTOD23145890<7349<<<<<<<<<<<",
        "3407127M9507122UTO<<<<<<<<<<<2",
        "STEVENSON<<PETER<JOHN<<<<<<<<<",
    ];
    let mrz = read(&lines);
    assert_eq!(mrz.document_number, "D23145890734");
    assert_eq!(mrz.optional_data, "");
    assert!(mrz.valid, "{mrz:?}"); // composite 2, as in the standard
    assert_eq!(mrz.checks[0].found, '9');
    assert_eq!(mrz.checks[0].expected, '9');
    // The check digit moved into the optional data: line 1, position 19 (after "734").
    assert_eq!((mrz.checks[0].line, mrz.checks[0].position), (1, 19));
    let composite = mrz.checks.last().unwrap();
    assert_eq!((composite.line, composite.position), (2, 30));
    assert_eq!(
        (mrz.surname.as_str(), mrz.given_names.as_str()),
        ("STEVENSON", "PETER JOHN")
    );
}

#[test]
fn builder_writes_long_numbers_the_parser_reads() {
    for format in [Format::Td1, Format::Td2] {
        let lines = MrzBuilder {
            format,
            document_code: "ID".into(),
            issuing_state: "D".into(),
            surname: "Mustermann".into(),
            given_names: "Erika".into(),
            document_number: "T22000129A".into(),
            nationality: "D".into(),
            birth_date: Some(PartialDate {
                year: 1983,
                month: Some(8),
                day: Some(12),
            }),
            sex: Some(Sex::F),
            expiry_date: Some(PartialDate {
                year: 2031,
                month: Some(10),
                day: Some(31),
            }),
            optional_data: "X1".into(),
            optional_data_2: String::new(),
        }
        .build()
        .unwrap();
        let mrz = read(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(mrz.valid, "{format}: {mrz:?}");
        assert_eq!(mrz.document_number, "T22000129A");
        assert_eq!(mrz.optional_data, "X1");
        assert_eq!(mrz.issuing_state_iso, Some("DEU"));
    }
}

#[test]
fn specimens_are_rebuilt_exactly() {
    let built = MrzBuilder {
        format: Format::Td1,
        document_code: "I".into(),
        issuing_state: "UTO".into(),
        surname: "Eriksson".into(),
        given_names: "Anna Maria".into(),
        document_number: "D23145890".into(),
        nationality: "UTO".into(),
        birth_date: Some(PartialDate {
            year: 1974,
            month: Some(8),
            day: Some(12),
        }),
        sex: Some(Sex::F),
        expiry_date: Some(PartialDate {
            year: 2012,
            month: Some(4),
            day: Some(15),
        }),
        ..MrzBuilder::default()
    }
    .build()
    .unwrap();
    assert_eq!(built, TD1);
}

#[test]
fn empty_personal_number_may_have_check_digit_zero_or_filler() {
    let zero = "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<06";
    let filler = "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<<6";
    for line2 in [zero, filler] {
        let mrz = read(&[TD3[0], line2]);
        assert!(mrz.checks[3].valid, "{line2}: {:?}", mrz.checks);
    }
}

#[test]
fn a_failed_check_is_named_and_repaired() {
    // The document number read with O for 0: the letter is allowed there, so only the check
    // digits can tell, and the repair restores the specimen.
    let misread = "L898902C36UTO7408122F1204159ZE184226B<<<<<1O";
    let mrz = read(&[TD3[0], misread]);
    assert!(!mrz.valid);
    assert!(
        mrz.errors
            .iter()
            .any(|e| e.contains("composite check digit")),
        "{:?}",
        mrz.errors
    );
    assert_eq!(mrz.repairs.len(), 1);
    assert_eq!(mrz.repairs[0].lines, TD3);

    let number = "L8989O2C36UTO7408122F1204159ZE184226B<<<<<10";
    let mrz = read(&[TD3[0], number]);
    let failed: Vec<_> = mrz
        .checks
        .iter()
        .filter(|c| !c.valid)
        .map(|c| c.field)
        .collect();
    assert_eq!(
        failed,
        vec![CheckField::DocumentNumber, CheckField::Composite]
    );
    assert_eq!(mrz.repairs.len(), 1, "{:?}", mrz.repairs);
    assert_eq!(
        mrz.repairs[0].changes,
        vec![Change {
            line: 2,
            position: 6,
            from: 'O',
            to: '0'
        }]
    );
}

#[test]
fn letters_in_dates_and_digits_in_names_are_repaired_by_their_field_rules() {
    let mrz = read(&[
        "P<UTOER1KSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO74O8122F1204159ZE184226B<<<<<10",
    ]);
    assert!(!mrz.valid);
    assert!(mrz.errors.iter().any(|e| e.starts_with("birth_date")));
    assert!(mrz.errors.iter().any(|e| e.starts_with("name")));
    assert_eq!(mrz.repairs.len(), 1);
    assert_eq!(mrz.repairs[0].lines, TD3);
}

#[test]
fn names_edge_cases() {
    let pad = |s: &str| format!("{s:<<44}");
    let mononym = read(&[&pad("P<UTOMADONNA"), TD3[1]]);
    assert_eq!(
        (mononym.surname.as_str(), mononym.given_names.as_str()),
        ("MADONNA", "")
    );
    let no_surname = read(&[&pad("P<UTO<<ANNA"), TD3[1]]);
    assert_eq!(
        (no_surname.surname.as_str(), no_surname.given_names.as_str()),
        ("", "ANNA")
    );
    let truncated = read(&["P<UTONILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<K", TD3[1]]);
    assert!(truncated.warnings.iter().any(|w| w.contains("truncated")));
}

#[test]
fn partial_and_unknown_dates() {
    let line2 = MrzBuilder {
        document_code: "P".into(),
        issuing_state: "XXA".into(),
        nationality: "XXA".into(),
        surname: "Doe".into(),
        document_number: "AB1234567".into(),
        birth_date: Some(PartialDate {
            year: 1974,
            month: None,
            day: None,
        }),
        expiry_date: None,
        ..MrzBuilder::default()
    }
    .build()
    .unwrap();
    let mrz = read(&line2.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(mrz.valid, "{mrz:?}");
    assert_eq!(iso(mrz.birth_date).as_deref(), Some("1974"));
    assert_eq!(mrz.expiry_date, None);
    assert_eq!(mrz.sex, None);
    assert_eq!(mrz.nationality_iso, None);
}

#[test]
fn shapes_that_are_not_mrzs_are_refused_with_the_rule() {
    let err = parse(&["P<UTO", "L898"], TODAY).unwrap_err();
    assert_eq!(err, MrzError::Shape(vec![5, 4]));
    assert!(err.to_string().contains("2 of 44 (TD3, MRV-A)"));
    assert_eq!(parse::<&str>(&[], TODAY).unwrap_err(), MrzError::Empty);
    let bad = parse(
        &[TD3[0], "L898902C36UTO7408122F1204159ZE184226B<<<<*10"],
        TODAY,
    );
    assert_eq!(
        bad.unwrap_err(),
        MrzError::Character {
            line: 2,
            position: 42,
            found: '*'
        }
    );
}

#[test]
fn run_together_and_lower_case_input_is_read() {
    let joined = format!("{}{}", TD3[0], TD3[1].to_lowercase());
    let mrz = parse_text(&joined, TODAY).unwrap();
    assert!(mrz.valid);
    assert!(mrz.warnings.iter().any(|w| w.contains("lower-case")));
    let text = format!("  {}\n{}\n", TD1.join("\n"), "");
    assert!(parse_text(&text, TODAY).unwrap().valid);
}

#[test]
fn unknown_codes_and_odd_sex_are_reported() {
    let mrz = read(&[
        "P<ZZZERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122X1204159ZE184226B<<<<<10",
    ]);
    assert!(mrz.warnings.iter().any(|w| w.contains("issuing_state")));
    assert!(mrz.warnings.iter().any(|w| w.starts_with("sex")));
    assert_eq!(mrz.sex, None);
}

#[test]
fn seven_three_one_cannot_see_values_equal_modulo_ten() {
    // 0, A, K, U and < are worth 0 mod 10: swapping them in the document number passes every
    // check digit. This is the standard's blind spot, documented in `check_digit`.
    let swapped =
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10".replacen("L898902C3", "L898902M3", 1);
    // C (12) and M (22) agree modulo 10 as well.
    assert!(read(&[TD3[0], &swapped]).valid);
}
