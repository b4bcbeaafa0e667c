//! The UN and OFAC readers on small hand-made lists: every mapping on a good list, and clear
//! errors with positions on bad ones (truncated, wrongly nested, not UTF-8, wrong column
//! counts). Property tests feed arbitrary bytes to every reader: none may panic.

use std::fs;
use std::path::PathBuf;

use portwatch_formats::lists::{ListError, ListSummary};
use portwatch_formats::{ofac, un};
use portwatch_model::{
    AgencyId, IdentifierKind, NameKind, NoticeKind, Person, RecordBody, RecordContent, Sex,
    Visibility,
};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lists")
        .join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn owner() -> AgencyId {
    AgencyId::parse("ncb-test").unwrap()
}

fn read_un(bytes: &[u8]) -> (Vec<Result<RecordContent, ListError>>, ListSummary) {
    let mut reader = un::read(bytes, owner(), Visibility::OwnerOnly);
    let items: Vec<_> = reader.by_ref().collect();
    (items, reader.into_summary())
}

fn read_ofac(
    sdn: &[u8],
    alt: &[u8],
    add: &[u8],
) -> (Vec<Result<RecordContent, ListError>>, ListSummary) {
    let mut reader = ofac::read(sdn, alt, add, owner(), Visibility::All);
    let items: Vec<_> = reader.by_ref().collect();
    (items, reader.into_summary())
}

fn person(item: &Result<RecordContent, ListError>) -> &Person {
    match item {
        Ok(RecordContent {
            body: RecordBody::Person(p),
            ..
        }) => p,
        other => panic!("expected a person, got {other:?}"),
    }
}

fn error(item: &Result<RecordContent, ListError>) -> &ListError {
    item.as_ref()
        .err()
        .unwrap_or_else(|| panic!("expected an error, got {item:?}"))
}

fn names(p: &Person, kind: NameKind) -> Vec<&str> {
    p.names
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.full.as_str())
        .collect()
}

fn dates(p: &Person) -> Vec<String> {
    p.birth_dates.iter().map(ToString::to_string).collect()
}

#[test]
fn a_un_individual_is_mapped_field_by_field() {
    let (items, summary) = read_un(&fixture("un_small.xml"));
    assert_eq!(items.len(), 2);
    let content = items[0].as_ref().unwrap();
    assert_eq!(content.owner.as_str(), "ncb-test");
    assert_eq!(content.visibility, Visibility::OwnerOnly);
    assert_eq!(content.source_id.as_deref(), Some("QDi.901"));
    let p = person(&items[0]);
    assert_eq!(p.owner_ref, "QDi.901");
    assert_eq!(p.primary_name(), "JOHN EXAMPLE AL-TEST");
    assert_eq!(names(p, NameKind::OriginalScript), ["جون اكزامبل"]);
    assert_eq!(names(p, NameKind::Alias), ["Johnny Example", "Jon Exemple"]);
    assert_eq!(names(p, NameKind::WeakAlias), ["Abu Test & Co"]);
    assert_eq!(
        dates(p),
        [
            "1970-01-12",
            "1974",
            "1975",
            "1976",
            "1980",
            "1981",
            "1982",
            "1973-11"
        ]
    );
    assert_eq!(p.birth_places, ["Aleppo, SYR"]);
    let nationalities: Vec<&str> = p.nationalities.iter().map(|c| c.as_str()).collect();
    assert_eq!(nationalities, ["SYR", "IRN"]);
    assert_eq!(p.sex, Some(Sex::Male));
    let ids: Vec<_> = p
        .identifiers
        .iter()
        .map(|i| {
            (
                i.kind,
                i.number.as_str(),
                i.country.map(|c| c.as_str().to_string()),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            (IdentifierKind::Passport, "N123456", Some("SYR".to_string())),
            (
                IdentifierKind::NationalId,
                "0123456789",
                Some("IRN".to_string())
            ),
            (IdentifierKind::Other, "RC7788", None),
        ]
    );
    assert_eq!(p.notices.len(), 1);
    assert_eq!(p.notices[0].kind, NoticeKind::InterpolUnSpecial);
    assert_eq!(p.notices[0].reference.as_deref(), Some("QDi.901"));
    assert_eq!(p.terrorism_items.len(), 1);
    assert!(p.terrorism_items[0].summary.contains("2005-06-07"));

    let maria = person(&items[1]);
    assert_eq!(maria.primary_name(), "MARIA SAMPLE");
    assert_eq!(maria.sex, Some(Sex::Female));
    assert!(maria.nationalities.is_empty() && maria.birth_dates.is_empty());
    assert!(maria.terrorism_items.is_empty());

    assert_eq!(summary.individuals, 2);
    assert_eq!(summary.skipped["entity"].count, 2);
    assert_eq!(summary.aliases, 2);
    assert_eq!(summary.weak_aliases, 1);
    assert_eq!(summary.identifiers, 3);
    let warned: Vec<(&str, &str)> = summary
        .warnings
        .iter()
        .map(|w| (w.entry.as_str(), w.value.as_str()))
        .collect();
    assert_eq!(
        warned,
        [
            ("QDi.901", "24/06/1402 (Hijri Calendar)"),
            ("CDi.902", "former Soviet Union")
        ]
    );
}

#[test]
fn a_truncated_un_list_keeps_what_came_before_and_names_the_line() {
    let (items, summary) = read_un(&fixture("un_truncated.xml"));
    assert_eq!(items.len(), 2);
    assert_eq!(person(&items[0]).owner_ref, "QDi.901");
    let e = error(&items[1]);
    assert!(e.rule.contains("truncated"), "{e}");
    assert_eq!(e.line, Some(73), "{e}");
    assert!(e.to_string().starts_with("un-xml line 73"), "{e}");
    assert_eq!(summary.individuals, 1);
}

#[test]
fn an_individual_among_entities_is_a_nesting_error() {
    let (items, _) = read_un(&fixture("un_wrong_nesting.xml"));
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    let e = error(&items[1]);
    assert!(
        e.rule
            .contains("unexpected element <INDIVIDUAL> inside <ENTITIES>"),
        "{e}"
    );
    assert_eq!(e.line, Some(10));
}

#[test]
fn a_mismatched_end_tag_is_malformed_xml() {
    let (items, _) = read_un(&fixture("un_mismatched_tag.xml"));
    assert_eq!(items.len(), 1);
    let e = error(&items[0]);
    assert!(e.rule.contains("malformed XML"), "{e}");
    assert!(e.rule.contains("SECOND_NAME"), "{e}");
    assert_eq!(e.line, Some(5));
    assert_eq!(e.field, "INDIVIDUAL/FIRST_NAME");
}

#[test]
fn text_that_is_not_utf8_is_rejected_with_its_line() {
    let (items, _) = read_un(&fixture("un_latin1.xml"));
    let e = error(items.last().unwrap());
    assert!(e.rule.contains("UTF-8") || e.rule.contains("utf-8"), "{e}");
    assert_eq!(e.line, Some(5), "{e}");
}

#[test]
fn another_declared_encoding_is_rejected() {
    let xml = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><CONSOLIDATED_LIST/>";
    let (items, _) = read_un(xml);
    assert_eq!(items.len(), 1);
    let e = error(&items[0]);
    assert_eq!(e.field, "encoding");
    assert!(
        e.rule.contains("ISO-8859-1") || e.rule.contains("iso-8859-1"),
        "{e}"
    );
}

#[test]
fn an_individual_without_reference_is_reported_and_reading_goes_on() {
    let (items, summary) = read_un(&fixture("un_missing_reference.xml"));
    assert_eq!(items.len(), 2);
    let e = error(&items[0]);
    assert_eq!(e.field, "REFERENCE_NUMBER");
    assert_eq!(e.entry.as_deref(), Some("DATAID 77"));
    assert_eq!(e.line, Some(4));
    assert_eq!(person(&items[1]).owner_ref, "QDi.904");
    assert_eq!((summary.individuals, summary.rejected), (1, 1));
}

#[test]
fn documents_that_are_not_un_lists_are_refused() {
    for (input, rule) in [
        (&b""[..], "no <CONSOLIDATED_LIST>"),
        (b"<sdnList/>", "unexpected element <sdnList>"),
        (
            b"<CONSOLIDATED_LIST>stray text</CONSOLIDATED_LIST>",
            "outside an entry",
        ),
        (
            b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>A&bogus;</FIRST_NAME>",
            "unknown entity",
        ),
    ] {
        let (items, _) = read_un(input);
        assert_eq!(items.len(), 1, "{rule}");
        let e = error(&items[0]);
        assert!(e.rule.contains(rule), "{e} should say {rule}");
    }
}

#[test]
fn ofac_individuals_join_aliases_and_parse_remarks() {
    let (items, summary) = read_ofac(
        &fixture("ofac_sdn_small.csv"),
        &fixture("ofac_alt_small.csv"),
        &fixture("ofac_add_small.csv"),
    );
    assert_eq!(items.len(), 2);
    let zawahiri = person(&items[0]);
    assert_eq!(zawahiri.owner_ref, "2676");
    assert_eq!(
        items[0].as_ref().unwrap().source_id.as_deref(),
        Some("2676")
    );
    assert_eq!(zawahiri.primary_name(), "Dr. Ayman AL ZAWAHIRI");
    assert_eq!(
        names(zawahiri, NameKind::Alias),
        ["Ayman AL-ZAWAHIRI", "Ahmad Fuad SALIM"]
    );
    assert_eq!(names(zawahiri, NameKind::WeakAlias), ["THE DOCTOR"]);
    // DOB 19 Jun 1951; alt. DOB circa 1950 (1949 to 1951, at year precision).
    assert_eq!(dates(zawahiri), ["1951-06-19", "1949", "1950", "1951"]);
    assert_eq!(zawahiri.birth_places, ["Giza, EGY"]);
    assert_eq!(zawahiri.nationalities[0].as_str(), "EGY");
    assert_eq!(zawahiri.sex, Some(Sex::Male));
    let numbers: Vec<&str> = zawahiri
        .identifiers
        .iter()
        .map(|i| i.number.as_str())
        .collect();
    assert_eq!(numbers, ["1084010", "19820215"]);
    assert_eq!(zawahiri.terrorism_items.len(), 1);

    let maria = person(&items[1]);
    assert_eq!(maria.primary_name(), "Maria Jose SAMPLE");
    assert_eq!(
        names(maria, NameKind::WeakAlias),
        ["Mary SAMPLE"],
        "alt remarks say weak aka"
    );
    assert_eq!(dates(maria), ["1960", "1961", "1962"]);
    assert_eq!(maria.birth_places, ["Pyongyang, PRK"]);
    assert_eq!(maria.nationalities[0].as_str(), "COL");
    assert_eq!(maria.sex, Some(Sex::Female));
    let ids: Vec<_> = maria
        .identifiers
        .iter()
        .map(|i| (i.kind, i.number.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            (IdentifierKind::NationalId, "16247821"),
            (IdentifierKind::NationalId, "123456")
        ]
    );

    assert_eq!(summary.individuals, 2);
    assert_eq!(summary.skipped["entity"].count, 1);
    assert_eq!(summary.skipped["vessel"].count, 1);
    assert_eq!(summary.addresses_left_out, 1);
}

#[test]
fn bad_ofac_rows_are_reported_with_line_and_column_and_reading_goes_on() {
    let (items, summary) = read_ofac(
        &fixture("ofac_sdn_bad.csv"),
        &fixture("ofac_alt_bad.csv"),
        b"",
    );
    let messages: Vec<String> = items
        .iter()
        .map(|i| match i {
            Ok(c) => format!("ok {}", c.source_id.as_deref().unwrap_or_default()),
            Err(e) => e.to_string(),
        })
        .collect();
    assert_eq!(messages.len(), 7, "{messages:#?}");
    // The alt file's errors come first.
    assert!(
        messages[0].starts_with("ofac alt line 1"),
        "{}",
        messages[0]
    );
    assert!(
        messages[0].contains("field `alt_type`: must be aka, fka or nka"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].starts_with("ofac alt line 2"),
        "{}",
        messages[1]
    );
    assert!(
        messages[1].contains("must have 5 columns"),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].starts_with("ofac sdn line 1"),
        "{}",
        messages[2]
    );
    assert!(
        messages[2].contains("must have 12 columns"),
        "{}",
        messages[2]
    );
    assert!(messages[2].contains("found 4"), "{}", messages[2]);
    assert_eq!(messages[3], "ok 9003");
    assert!(
        messages[4].starts_with("ofac sdn line 3"),
        "{}",
        messages[4]
    );
    assert!(
        messages[4].contains("field `SDN_Name`: is not valid UTF-8"),
        "{}",
        messages[4]
    );
    assert!(
        messages[5].contains("line 4") && messages[5].contains("ent_num"),
        "{}",
        messages[5]
    );
    assert!(
        messages[6].contains("line 5") && messages[6].contains("submarine"),
        "{}",
        messages[6]
    );
    assert!(messages[6].contains("entry 9005"), "{}", messages[6]);
    assert_eq!(summary.individuals, 1);
    assert_eq!(summary.rejected, 4);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_un_reader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = read_un(&bytes);
    }

    #[test]
    fn the_un_reader_never_panics_on_a_cut_or_damaged_list(cut in 0usize..3600, at in 0usize..3600, byte in any::<u8>()) {
        let mut bytes = fixture("un_small.xml");
        let whole = bytes.len();
        if at < whole {
            bytes[at] = byte;
        }
        bytes.truncate(cut);
        let (items, _) = read_un(&bytes);
        // Cut before the root's end tag (the file ends with ">\n"), the list is truncated.
        if cut + 1 < whole {
            prop_assert!(items.last().is_some_and(Result::is_err));
        }
    }

    #[test]
    fn the_ofac_reader_never_panics_on_arbitrary_bytes(
        sdn in proptest::collection::vec(any::<u8>(), 0..1000),
        alt in proptest::collection::vec(any::<u8>(), 0..500),
        add in proptest::collection::vec(any::<u8>(), 0..500),
    ) {
        let _ = read_ofac(&sdn, &alt, &add);
    }

    #[test]
    fn the_ofac_reader_never_panics_on_arbitrary_remarks(remarks in "[ -~]{0,300}") {
        let row = format!("1,\"A, B\",\"individual\",\"X\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,\"{}\"", remarks.replace('"', "\"\""));
        let (items, _) = read_ofac(row.as_bytes(), b"", b"");
        prop_assert_eq!(items.len(), 1);
    }
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let mut xml = b"\xEF\xBB\xBF".to_vec();
    xml.extend(fixture("un_small.xml"));
    let (items, _) = read_un(&xml);
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(Result::is_ok));

    let mut sdn = b"\xEF\xBB\xBF".to_vec();
    sdn.extend(fixture("ofac_sdn_small.csv"));
    let (items, summary) = read_ofac(&sdn, b"", b"");
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    assert_eq!(summary.individuals, 2);
}
