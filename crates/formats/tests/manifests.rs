//! Passenger manifests: the plain CSV manifest and UN/EDIFACT PAXLST, read into the entries the
//! engine screens; good files read field by field, bad ones reported with line, segment and
//! rule, and no input of any bytes makes either reader panic.

use portwatch_engine::{ManifestEntry, Subject, TravellerRequest};
use portwatch_formats::manifest::{ManifestError, ManifestItem};
use portwatch_formats::{manifest_csv, paxlst};
use proptest::prelude::*;
use time::{Date, Month};

const PAXLST: &[u8] = include_bytes!("fixtures/manifests/ferry_algeciras_tanger_med.paxlst");
const CSV: &[u8] = include_bytes!("fixtures/manifests/ferry_algeciras_tanger_med.csv");

fn today() -> Date {
    Date::from_calendar_date(2026, Month::July, 12).unwrap()
}

fn traveller(entry: &ManifestEntry) -> &TravellerRequest {
    match &entry.subject {
        Subject::Traveller(t) => t,
        other => panic!("expected a traveller, got {other:?}"),
    }
}

fn fixture_text() -> String {
    String::from_utf8(PAXLST.to_vec()).unwrap()
}

fn paxlst_error(text: &str) -> ManifestError {
    paxlst::read(text.as_bytes(), today()).expect_err("the interchange must be refused")
}

// ---- PAXLST: the ferry --------------------------------------------------------------------

#[test]
fn the_ferry_interchange_reads_envelope_voyage_and_lists() {
    let i = paxlst::read(PAXLST, today()).unwrap();
    assert_eq!(i.sender, "FRSIBERIA");
    assert_eq!(i.recipient, "ESBORDERPOLICE");
    assert_eq!(i.control_reference, "ALG0712001");
    assert_eq!(i.syntax, "UNOA");
    assert_eq!(i.messages.len(), 2);
    let (pax, crew) = (&i.messages[0], &i.messages[1]);
    assert_eq!(pax.list, paxlst::ListKind::Passengers);
    assert_eq!(crew.list, paxlst::ListKind::Crew);
    assert_eq!(pax.reference, "FRS2417P");
    assert_eq!(pax.voyage.number.as_deref(), Some("FRS2417"));
    assert_eq!(pax.voyage.carrier.as_deref(), Some("FRS"));
    assert_eq!(pax.voyage.departure_port.as_deref(), Some("ESALG"));
    assert_eq!(pax.voyage.arrival_port.as_deref(), Some("MAPTM"));
    assert_eq!(
        pax.voyage.departure_time.as_deref(),
        Some("2026-07-12T10:00")
    );
    assert_eq!(pax.voyage.arrival_time.as_deref(), Some("2026-07-12T11:30"));
    assert_eq!(pax.travellers.len(), 5);
    assert_eq!(crew.travellers.len(), 2);
    assert!(crew
        .travellers
        .iter()
        .all(|t| t.as_ref().unwrap().role == paxlst::Role::CrewMember));
}

#[test]
fn the_ferry_passengers_read_field_by_field() {
    let i = paxlst::read(PAXLST, today()).unwrap();
    let pax: Vec<_> = i.messages[0]
        .travellers
        .iter()
        .map(|t| t.as_ref().unwrap())
        .collect();
    let youssef = pax[0];
    assert_eq!(youssef.surname, "EL AMRANI");
    assert_eq!(youssef.given_names.as_deref(), Some("YOUSSEF"));
    assert_eq!(youssef.sex.as_deref(), Some("M"));
    assert_eq!(youssef.birth_date.as_deref(), Some("1985-07-14"));
    assert_eq!(youssef.nationality.as_deref(), Some("MAR"));
    assert_eq!(youssef.residence.as_deref(), Some("MAR"));
    assert_eq!(youssef.embarkation.as_deref(), Some("ESALG"));
    assert_eq!(youssef.disembarkation.as_deref(), Some("MAPTM"));
    assert_eq!(youssef.references, vec!["AVF:FRS4821".to_string()]);
    assert_eq!(youssef.documents[0].kind, "P");
    assert_eq!(youssef.documents[0].number, "AB1234567");
    assert_eq!(youssef.documents[0].issuing_state.as_deref(), Some("MAR"));
    assert_eq!(youssef.documents[0].expiry.as_deref(), Some("2030-01-01"));
    assert_eq!(youssef.reference, "passenger 1 (message FRS2417P)");
    assert_eq!(youssef.line, 13);
    // ICAO's `D` is Germany; further given names are joined.
    let joerg = pax[2];
    assert_eq!(joerg.nationality.as_deref(), Some("DEU"));
    assert_eq!(joerg.documents[0].issuing_state.as_deref(), Some("DEU"));
    assert_eq!(joerg.given_names.as_deref(), Some("JOERG KARL"));
    // Released characters: `O?'NEIL`, a seat `12?+A`; a two-digit year of this century.
    let mary = pax[3];
    assert_eq!(mary.surname, "O'NEIL");
    assert_eq!(mary.references, vec!["SEA:12+A".to_string()]);
    assert_eq!(mary.birth_date.as_deref(), Some("2001-12-31"));
    assert_eq!(mary.documents.len(), 2);
    assert_eq!(mary.documents[1].kind, "V");
}

#[test]
fn the_ferry_becomes_manifest_entries() {
    let items: Vec<ManifestItem> = paxlst::read_items(PAXLST, today())
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(items.len(), 7);
    let karim = traveller(&items[4].entries[0]);
    assert_eq!(karim.surname.as_deref(), Some("BENALI"));
    assert_eq!(karim.given_names.as_deref(), Some("KARIM"));
    assert_eq!(karim.birth_date.as_deref(), Some("1979-04-12"));
    assert_eq!(karim.document_number.as_deref(), Some("UX123456"));
    assert_eq!(karim.issuing_state.as_deref(), Some("MAR"));
    // A second document (Mary's Moroccan visa) is screened as a document of its own.
    assert_eq!(items[3].entries.len(), 2);
    match &items[3].entries[1].subject {
        Subject::Document(d) => {
            assert_eq!(
                (d.number.as_str(), d.issuing_state.as_str()),
                ("VM1234567", "MAR")
            )
        }
        other => panic!("expected the visa, got {other:?}"),
    }
    assert_eq!(
        items[5].entries[0].reference.as_deref(),
        Some("crew 1 (message FRS2417C)")
    );
}

#[test]
fn default_separators_need_no_una_and_line_breaks_are_optional() {
    let text = fixture_text();
    let without_una: String = text.lines().skip(1).collect::<Vec<_>>().join("");
    let i = paxlst::read(without_una.as_bytes(), today()).unwrap();
    assert_eq!(i.messages[0].travellers.len(), 5);
}

#[test]
fn a_una_with_other_separators_is_honoured() {
    let text = fixture_text()
        .replace("UNA:+.? '", "UNA|*.# ~")
        .replace('+', "*")
        .replace(':', "|")
        .replace('?', "#")
        .replace('\'', "~");
    let i = paxlst::read(text.as_bytes(), today()).unwrap();
    let mary = i.messages[0].travellers[3].as_ref().unwrap();
    // The apostrophe became the terminator `~`, released by `#`.
    assert_eq!(mary.surname, "O~NEIL");
    assert_eq!(mary.references, vec!["SEA:12*A".to_string()]);
}

// ---- PAXLST: bad interchanges -------------------------------------------------------------

#[test]
fn separators_other_than_the_declared_ones_are_refused() {
    let text = fixture_text().replace("UNA:+.? '\n", "").replace('+', "*");
    let e = paxlst_error(&text);
    assert_eq!(e.line, 1);
    assert_eq!(e.segment.as_ref().map(|s| s.0), Some(1));
    assert!(e.rule.contains("separators"), "{e}");
    let bad_una = paxlst_error("UNA::.? 'UNB+UNOA:4+A+B+260101:0000+R'");
    assert_eq!(bad_una.field, "UNA");
}

#[test]
fn a_message_without_unh_is_refused() {
    let text = fixture_text().replacen("UNH+FRS2417P+PAXLST:D:05B:UN:IATA'\n", "", 1);
    let e = paxlst_error(&text);
    assert_eq!(e.segment.as_ref().unwrap().1, "BGM");
    assert!(e.rule.contains("UNH"), "{e}");
    assert_eq!(e.line, 4);
}

#[test]
fn a_bad_birth_date_is_reported_and_the_others_still_read() {
    let text = fixture_text().replace("DTM+329:900212", "DTM+329:900230");
    let i = paxlst::read(text.as_bytes(), today()).unwrap();
    let travellers = &i.messages[0].travellers;
    let e = travellers[1].as_ref().unwrap_err();
    assert_eq!(e.field, "DTM+329");
    assert_eq!(e.line, 26);
    assert!(e.rule.contains("\"900230\""), "{e}");
    assert!(travellers[0].is_ok() && travellers[2].is_ok());
    let items = i.items();
    assert_eq!(items.iter().filter(|r| r.is_err()).count(), 1);
}

#[test]
fn a_birth_in_the_future_is_refused() {
    let text = fixture_text().replace("DTM+329:850714", "DTM+329:20850714:102");
    let i = paxlst::read(text.as_bytes(), today()).unwrap();
    let e = i.messages[0].travellers[0].as_ref().unwrap_err();
    assert!(e.rule.contains("future"), "{e}");
}

#[test]
fn a_truncated_file_is_refused() {
    let text = fixture_text();
    let cut = text.find("NAD+FL+++BENALI").unwrap();
    let e = paxlst_error(&text[..cut]);
    assert!(e.rule.contains("truncated"), "{e}");
    // Placed on the last segment read: Mary's LOC+91.
    assert_eq!(
        (e.line, e.segment.clone()),
        (56, Some((55, "LOC".to_string())))
    );
    let mid_segment = &text[..cut + 8];
    assert!(paxlst_error(mid_segment).rule.contains("no terminator"));
    let after_release = "UNB+UNOA:4+A+B+260101:0000+R'UNH+1+PAXLST'BGM+745'NAD+FL+++O?";
    assert!(paxlst_error(after_release)
        .rule
        .contains("release character"));
}

#[test]
fn a_segment_count_mismatch_names_the_segment() {
    let e = paxlst_error(&fixture_text().replace("UNT+65+FRS2417P", "UNT+64+FRS2417P"));
    assert_eq!(e.segment.as_ref().unwrap().1, "UNT");
    assert_eq!(e.field, "UNT count");
    assert!(
        e.rule.contains("says 64") && e.rule.contains("there are 65"),
        "{e}"
    );
    let e = paxlst_error(&fixture_text().replace("UNE+2+G1", "UNE+3+G1"));
    assert_eq!(e.field, "UNE count");
    let e = paxlst_error(&fixture_text().replace("CNT+42:5", "CNT+42:6"));
    assert_eq!(e.field, "CNT+42");
    let e = paxlst_error(&fixture_text().replace("UNT+29+FRS2417C", "UNT+29+OTHER"));
    assert_eq!(e.field, "UNT reference");
}

#[test]
fn other_messages_and_unknown_countries_are_refused() {
    let e = paxlst_error(&fixture_text().replace("PAXLST:D:05B:UN:IATA", "CUSRES:D:05B:UN"));
    assert_eq!(e.field, "UNH message type");
    let text = fixture_text().replace("NAT+2+ESP", "NAT+2+XYZ");
    let i = paxlst::read(text.as_bytes(), today()).unwrap();
    let e = i.messages[0].travellers[1].as_ref().unwrap_err();
    assert_eq!(e.field, "NAT+2");
    let e =
        paxlst_error(&fixture_text().replace("UNZ+1+ALG0712001'\n", "UNZ+1+ALG0712001'\nUNH+X'"));
    assert!(e.rule.contains("after UNZ"), "{e}");
}

#[test]
fn unoc_text_may_be_latin_1_and_other_text_must_be_utf_8() {
    let message = |syntax: &str, name: &[u8]| {
        let mut bytes = format!(
            "UNB+{syntax}:4+A+B+260601:1200+R1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'NAD+FL+++"
        )
        .into_bytes();
        bytes.extend_from_slice(name);
        bytes.extend_from_slice(b":JOERG'UNT+4+1'UNZ+1+R1'");
        bytes
    };
    let latin1 = message("UNOC", b"M\xdcLLER");
    let i = paxlst::read(&latin1, today()).unwrap();
    assert_eq!(
        i.messages[0].travellers[0].as_ref().unwrap().surname,
        "MÜLLER"
    );
    let utf8 = message("UNOY", "MÜLLER".as_bytes());
    let i = paxlst::read(&utf8, today()).unwrap();
    assert_eq!(
        i.messages[0].travellers[0].as_ref().unwrap().surname,
        "MÜLLER"
    );
    let wrong = message("UNOA", b"M\xdcLLER");
    let i = paxlst::read(&wrong, today()).unwrap();
    let e = i.messages[0].travellers[0].as_ref().unwrap_err();
    assert_eq!(e.field, "NAD+FL name");
    assert!(e.rule.contains("character set"), "{e}");
}

#[test]
fn errors_display_line_segment_and_field() {
    let e = paxlst_error(&fixture_text().replace("UNT+65+FRS2417P", "UNT+64+FRS2417P"));
    let shown = e.to_string();
    assert!(
        shown.starts_with("line 68 (segment 67 UNT), field `UNT count`"),
        "{shown}"
    );
}

// ---- CSV ----------------------------------------------------------------------------------

#[test]
fn the_csv_ferry_reads_travellers_and_vehicles() {
    let items: Vec<ManifestItem> = manifest_csv::read_all(CSV)
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(items.len(), 6);
    let youssef = traveller(&items[0].entries[0]);
    assert_eq!(items[0].line, 2);
    assert_eq!(items[0].entries[0].reference.as_deref(), Some("cabin 12"));
    assert_eq!(youssef.surname.as_deref(), Some("EL AMRANI"));
    assert_eq!(youssef.birth_date.as_deref(), Some("1985-07-14"));
    assert_eq!(youssef.document_number.as_deref(), Some("AB1234567"));
    // The driver and the car of one row: two entries with one reference.
    assert_eq!(items[2].entries.len(), 2);
    assert!(matches!(items[2].entries[1].subject, Subject::Vehicle(_)));
    assert_eq!(
        items[3].entries[0].reference.as_deref(),
        Some("cabin 20, upper deck")
    );
    // A truck with no traveller is a vehicle only.
    assert_eq!(items[5].entries.len(), 1);
    assert!(matches!(items[5].entries[0].subject, Subject::Vehicle(_)));
}

#[test]
fn csv_columns_come_in_any_order_and_may_be_left_out() {
    let text = "\u{feff}Plate_Country,PLATE,full_name,kind\nESP,1234BCD,,vehicle\n,,Karim Benali,traveller\n";
    let items = manifest_csv::read_all(text.as_bytes()).unwrap();
    assert!(matches!(
        items[0].as_ref().unwrap().entries[0].subject,
        Subject::Vehicle(_)
    ));
    let karim = traveller(&items[1].as_ref().unwrap().entries[0]);
    assert_eq!(karim.names, vec!["Karim Benali".to_string()]);
    assert!(manifest_csv::read_all(b"surname\n").unwrap().is_empty());
}

#[test]
fn csv_header_problems_stop_before_any_row() {
    let e = manifest_csv::read(&b"surname,nationalty,surname\n"[..])
        .err()
        .unwrap();
    assert_eq!((e.line, e.field.as_str()), (1, "nationalty"));
    assert!(e.rule.contains("unknown column(s) `nationalty`"), "{e}");
    assert!(e.rule.contains("repeated column(s) `surname`"), "{e}");
    assert!(manifest_csv::read(&b""[..])
        .err()
        .unwrap()
        .rule
        .contains("empty"));
}

#[test]
fn csv_bad_rows_name_line_field_and_rule() {
    let text =
        "surname,given_names,birth_date,sex,nationality,document_number,issuing_state,plate,kind\n\
                Benali,Karim,1979-13-01,,,,,,\n\
                Benali,Karim,,Q,,,,,\n\
                Benali,Karim,,,MA,,,,\n\
                Benali,Karim,,,,UX123456,,,\n\
                ,,,,,,,1234BCD,\n\
                Benali,Karim,,,,,,,lorry\n\
                ,,,,MAR,,,,\n\
                Benali,Karim\n\
                ,,,,,,,,\n\
                Benali,Karim,1979-04-12,M,MAR,UX123456,MAR,,\n";
    let items = manifest_csv::read_all(text.as_bytes()).unwrap();
    let errors: Vec<(u64, String)> = items
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|e| (e.line, e.field.clone()))
        .collect();
    let expected: Vec<(u64, String)> = [
        (2, "birth_date"),
        (3, "sex"),
        (4, "nationality"),
        (5, "issuing_state"),
        (6, "plate_country"),
        (7, "kind"),
        (8, "full_name"),
        (9, ""),
    ]
    .into_iter()
    .map(|(l, f)| (l, f.to_string()))
    .collect();
    assert_eq!(errors, expected);
    // The blank row is skipped; the last row is good.
    assert_eq!(items.len(), 9);
    assert_eq!(items[8].as_ref().unwrap().line, 11);
}

// ---- Never a panic --------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = paxlst::read_items(&bytes, today());
        if let Ok(items) = manifest_csv::read_all(&bytes) {
            let _ = items.len();
        }
    }

    #[test]
    fn edifact_like_noise_never_panics(
        pieces in proptest::collection::vec(
            prop::sample::select(vec![
                "UNA:+.? '", "UNB+UNOA:4+A+B+260101:0000+R'", "UNH+1+PAXLST'", "BGM+745'",
                "BGM+250'", "NAD+FL+++A:B'", "NAD+FM+++", "DTM+329:", "991231'", "DOC+P+X1'",
                "LOC+91+", "D'", "?", "'", "+", ":", "UNT+4+1'", "UNZ+1+R'", "CNT+42:1'",
                "ATT+2++M'", "NAT+2+XXA'", "UNG+PAXLST+A+B+1:1+G'", "UNE+1+G'", "\n",
            ]),
            0..40,
        )
    ) {
        let text: String = pieces.concat();
        let _ = paxlst::read_items(text.as_bytes(), today());
    }

    #[test]
    fn the_ferry_cut_or_flipped_anywhere_never_panics(cut in 0..PAXLST.len(), at in 0..PAXLST.len(), byte in any::<u8>()) {
        let _ = paxlst::read_items(&PAXLST[..cut], today());
        let mut flipped = PAXLST.to_vec();
        flipped[at] = byte;
        let _ = paxlst::read_items(&flipped, today());
        let mut csv = CSV.to_vec();
        let at = at % csv.len();
        csv[at] = byte;
        if let Ok(items) = manifest_csv::read_all(&csv) {
            let _ = items.len();
        }
    }
}
