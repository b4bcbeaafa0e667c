//! The native CSV and JSON Lines formats as a user meets them: the documented examples read,
//! export → import gives back the same records and the same bytes, and every kind of bad row
//! is reported with its line, field and rule while the good rows around it are still read.

use std::path::PathBuf;

use portwatch_formats::native::{Format, ReadOptions, Reader, RowError, Writer};
use portwatch_model::{
    AgencyId, Database, NameKind, NoticeKind, PersonFlag, RecordBody, RecordContent, Visibility,
};

fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests/fixtures/native", name]
        .iter()
        .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_with(
    bytes: &[u8],
    format: Format,
    options: ReadOptions,
) -> Vec<Result<RecordContent, RowError>> {
    match Reader::new(bytes, format, options) {
        Ok(reader) => reader.collect(),
        Err(e) => vec![Err(e)],
    }
}

fn read(bytes: &[u8], format: Format) -> Vec<Result<RecordContent, RowError>> {
    read_with(bytes, format, ReadOptions::default())
}

fn read_ok(bytes: &[u8], format: Format) -> Vec<RecordContent> {
    read(bytes, format)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn write(records: &[RecordContent], format: Format, kind: Option<Database>) -> Vec<u8> {
    let mut writer = Writer::new(Vec::new(), format, kind).unwrap();
    for r in records {
        writer.write(r).unwrap();
    }
    writer.finish().unwrap()
}

/// The only error of reading `bytes`, with the rows before and after it still read.
fn only_error(bytes: &[u8], format: Format) -> (RowError, usize) {
    let results = read(bytes, format);
    let errors: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(errors.len(), 1, "{results:?}");
    let good = results.iter().filter(|r| r.is_ok()).count();
    (errors[0].clone(), good)
}

const DOC_HEADER: &str = "owner,visibility,number,issuing_state,type,status,reported_on";

fn doc_csv(rows: &[&str]) -> Vec<u8> {
    let mut text = format!("{DOC_HEADER}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text.into_bytes()
}

const GOOD_DOC: &str = "ncb-rabat,all,AB123,MAR,passport,lost,2024-01-02";

// ---------------------------------------------------------------------------------------------
// Good files

#[test]
fn the_documents_example_reads_as_documented() {
    let records = read_ok(&fixture("documents.csv"), Format::Csv);
    assert_eq!(records.len(), 4);
    let RecordBody::Document(first) = &records[0].body else {
        panic!("not a document")
    };
    assert_eq!(first.number.as_str(), "AB1234567");
    assert_eq!(first.issuing_state.as_str(), "MAR");
    let holder = first.holder.as_ref().expect("holder");
    assert_eq!(holder.given_names.as_deref(), Some("Youssef"));
    assert_eq!(records[0].review_date.unwrap().to_string(), "2027-06-30");
    assert_eq!(records[1].visibility.to_string(), "countries:ESP,FRA,MAR");
    let RecordBody::Document(second) = &records[1].body else {
        panic!("not a document")
    };
    assert!(second.holder.is_none(), "blank holder cells mean no holder");
    assert_eq!(records[2].visibility, Visibility::OwnerOnly);
}

#[test]
fn the_persons_example_reads_lists_and_escapes() {
    let records = read_ok(&fixture("persons.csv"), Format::Csv);
    assert_eq!(records.len(), 3);
    let RecordBody::Person(p) = &records[0].body else {
        panic!("not a person")
    };
    let kinds: Vec<NameKind> = p.names.iter().map(|n| n.kind).collect();
    assert_eq!(
        kinds,
        [
            NameKind::Primary,
            NameKind::Alias,
            NameKind::Alias,
            NameKind::WeakAlias,
            NameKind::OriginalScript
        ]
    );
    assert_eq!(p.birth_dates.len(), 2);
    assert_eq!(p.identifiers[0].country.unwrap().as_str(), "MAR");
    assert_eq!(p.identifiers[1].country, None);
    assert_eq!(p.notices[0].reference.as_deref(), Some("A-1234/5-2019"));
    assert_eq!(p.notices[0].issued_on.unwrap().to_string(), "2019-05-02");
    assert!(p.notices[1].diffusion && p.notices[1].kind == NoticeKind::Blue);
    assert_eq!(
        p.flags,
        [
            PersonFlag::ForeignTerroristFighter,
            PersonFlag::PossiblyArmed
        ]
    );
    assert_eq!(
        p.terrorism_items[0].summary,
        "travelled to Syria in 2014: returned 2017"
    );
    let RecordBody::Person(escaped) = &records[2].body else {
        panic!("not a person")
    };
    assert_eq!(escaped.names[1].full, "Jean DU|PONT");
}

#[test]
fn the_vehicles_example_reads_plates_and_years() {
    let records = read_ok(&fixture("vehicles.csv"), Format::Csv);
    assert_eq!(records.len(), 3);
    let RecordBody::Vehicle(v) = &records[0].body else {
        panic!("not a vehicle")
    };
    assert_eq!(v.plate.as_ref().unwrap().country.as_str(), "ESP");
    assert_eq!(v.year, Some(2019));
    let RecordBody::Vehicle(bare) = &records[2].body else {
        panic!("not a vehicle")
    };
    assert!(bare.plate.is_none() && bare.make.is_none());
}

#[test]
fn columns_may_come_in_any_order_and_optional_ones_may_be_absent() {
    let csv = "status,type,issuing_state,number,visibility,owner\nlost,id_card,esp,x-12 34,all,ncb-madrid\n";
    let records = read_ok(csv.as_bytes(), Format::Csv);
    let RecordBody::Document(d) = &records[0].body else {
        panic!("not a document")
    };
    assert_eq!(
        (d.number.as_str(), d.issuing_state.as_str()),
        ("X1234", "ESP")
    );
}

#[test]
fn jsonl_examples_read_and_blank_lines_are_skipped() {
    assert_eq!(read_ok(&fixture("documents.jsonl"), Format::Jsonl).len(), 2);
    assert_eq!(read_ok(&fixture("persons.jsonl"), Format::Jsonl).len(), 1);
    assert_eq!(read_ok(&fixture("vehicles.jsonl"), Format::Jsonl).len(), 1);
}

#[test]
fn the_kind_is_told_by_the_header_or_given() {
    for (file, kind) in [
        ("documents.csv", Database::Documents),
        ("persons.csv", Database::Persons),
        ("vehicles.csv", Database::Vehicles),
    ] {
        let bytes = fixture(file);
        let reader = Reader::new(&bytes[..], Format::Csv, ReadOptions::default()).unwrap();
        assert_eq!(reader.kind(), Some(kind));
    }
    let options = ReadOptions {
        kind: Some(Database::Vehicles),
        ..ReadOptions::default()
    };
    let err = Reader::new(&fixture("documents.csv")[..], Format::Csv, options)
        .err()
        .unwrap();
    assert!(
        err.reason.contains("missing required column(s) `vin`"),
        "{err}"
    );
}

#[test]
fn a_missing_owner_column_is_filled_from_the_options() {
    let csv = "visibility,number,issuing_state,type,status\nall,AB1,MAR,passport,lost\n";
    let options = ReadOptions {
        default_owner: Some(AgencyId::parse("bp-tanger-med").unwrap()),
        ..ReadOptions::default()
    };
    let records: Vec<_> = read_with(csv.as_bytes(), Format::Csv, options.clone());
    assert_eq!(records[0].as_ref().unwrap().owner.as_str(), "bp-tanger-med");
    let line = r#"{"visibility":"all","vehicle":{"vin":"WVWZZZ1JZXW000001"}}"#;
    let records = read_with(line.as_bytes(), Format::Jsonl, options);
    assert_eq!(records[0].as_ref().unwrap().owner.as_str(), "bp-tanger-med");
}

#[test]
fn a_byte_order_mark_and_header_case_do_not_matter() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(b"OWNER, Visibility ,vin\nncb-rabat,all,WVWZZZ1JZXW000001\n");
    assert_eq!(read_ok(&bytes, Format::Csv).len(), 1);
}

#[test]
fn a_header_only_file_holds_no_records() {
    assert!(read(DOC_HEADER.as_bytes(), Format::Csv).is_empty());
    assert!(read(b"", Format::Jsonl).is_empty());
}

#[test]
fn blank_rows_hold_no_records() {
    let bytes = doc_csv(&[GOOD_DOC, ",,,,,,", "", GOOD_DOC]);
    assert_eq!(read_ok(&bytes, Format::Csv).len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Round trips

#[test]
fn csv_export_reproduces_the_imported_file_byte_for_byte() {
    for (file, kind) in [
        ("documents.csv", Database::Documents),
        ("persons.csv", Database::Persons),
        ("vehicles.csv", Database::Vehicles),
    ] {
        let original = fixture(file);
        let records = read_ok(&original, Format::Csv);
        let exported = write(&records, Format::Csv, Some(kind));
        assert_eq!(
            String::from_utf8_lossy(&exported),
            String::from_utf8_lossy(&original),
            "{file}"
        );
    }
}

#[test]
fn every_kind_round_trips_through_both_formats() {
    for file in [
        "documents.csv",
        "persons.csv",
        "vehicles.csv",
        "documents.jsonl",
        "persons.jsonl",
        "vehicles.jsonl",
    ] {
        let bytes = fixture(file);
        let format = Format::from_path(file.as_ref()).unwrap();
        let records = read_ok(&bytes, format);
        let kind = records[0].database();
        for target in [Format::Csv, Format::Jsonl] {
            let again = read_ok(&write(&records, target, Some(kind)), target);
            assert_eq!(again, records, "{file} through {target}");
        }
    }
}

#[test]
fn jsonl_export_holds_every_kind_in_one_file() {
    let mut all = read_ok(&fixture("documents.csv"), Format::Csv);
    all.extend(read_ok(&fixture("persons.csv"), Format::Csv));
    all.extend(read_ok(&fixture("vehicles.csv"), Format::Csv));
    let bytes = write(&all, Format::Jsonl, None);
    assert_eq!(bytes.iter().filter(|b| **b == b'\n').count(), all.len());
    assert_eq!(read_ok(&bytes, Format::Jsonl), all);
}

#[test]
fn a_csv_writer_refuses_another_kind() {
    let vehicle = read_ok(&fixture("vehicles.csv"), Format::Csv).remove(0);
    let mut writer = Writer::new(Vec::new(), Format::Csv, Some(Database::Documents)).unwrap();
    let err = writer.write(&vehicle).unwrap_err();
    assert!(
        err.to_string().contains("cannot hold a vehicles record"),
        "{err}"
    );
    assert!(Writer::new(Vec::new(), Format::Csv, None).is_err());
}

#[test]
fn an_empty_csv_export_still_has_its_header() {
    let bytes = write(&[], Format::Csv, Some(Database::Vehicles));
    assert!(String::from_utf8(bytes)
        .unwrap()
        .starts_with("owner,visibility,review_date,source_id,vin,"));
}

// ---------------------------------------------------------------------------------------------
// Bad files and bad rows

#[test]
fn an_empty_csv_file_is_an_error_that_says_so() {
    let (err, _) = only_error(b"", Format::Csv);
    assert_eq!(err.line, 1);
    assert!(err.reason.contains("the file is empty"), "{err}");
}

#[test]
fn missing_and_unknown_columns_are_named() {
    let (err, _) = only_error(b"owner,number,issuing_state,type,colour\n", Format::Csv);
    assert_eq!(err.line, 1);
    assert_eq!(err.field, "visibility, status, colour");
    assert!(err.reason.contains("unknown column(s) `colour`"), "{err}");
    assert!(
        err.reason.contains("the columns are owner,visibility,"),
        "{err}"
    );
}

#[test]
fn a_header_without_a_telltale_column_asks_for_the_kind() {
    let (err, _) = only_error(b"owner,visibility,name\n", Format::Csv);
    assert!(err.reason.contains("cannot tell the record kind"), "{err}");
}

#[test]
fn a_bad_country_names_its_column_and_line() {
    let (err, good) = only_error(
        &doc_csv(&[GOOD_DOC, "ncb-rabat,all,AB124,XX,passport,lost,", GOOD_DOC]),
        Format::Csv,
    );
    assert_eq!(
        (err.line, err.field.as_str(), good),
        (3, "issuing_state", 2)
    );
    assert!(err.reason.contains("ISO 3166-1 alpha-3"), "{err}");
    assert!(
        err.to_string()
            .starts_with("line 3, field `issuing_state`: must be"),
        "{err}"
    );
}

#[test]
fn a_bad_date_names_its_column() {
    let (err, good) = only_error(
        &doc_csv(&["ncb-rabat,all,AB124,MAR,passport,lost,2024-02-30", GOOD_DOC]),
        Format::Csv,
    );
    assert_eq!((err.line, err.field.as_str(), good), (2, "reported_on", 1));
    assert!(err.reason.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn a_bad_enum_value_lists_the_accepted_words() {
    let (err, _) = only_error(
        &doc_csv(&["ncb-rabat,all,AB124,MAR,passport,nicked,"]),
        Format::Csv,
    );
    assert_eq!(err.field, "status");
    assert!(
        err.reason.contains("stolen_blank") && err.reason.contains("nicked"),
        "{err}"
    );
}

#[test]
fn a_blank_required_cell_is_reported() {
    let (err, _) = only_error(
        &doc_csv(&["ncb-rabat,all, ,MAR,passport,lost,"]),
        Format::Csv,
    );
    assert_eq!(
        (err.field.as_str(), err.reason.as_str()),
        ("number", "must not be empty")
    );
}

#[test]
fn a_wrong_cell_count_is_reported_and_reading_goes_on() {
    let (err, good) = only_error(
        &doc_csv(&["ncb-rabat,all,AB124,MAR,passport", GOOD_DOC]),
        Format::Csv,
    );
    assert_eq!((err.line, err.field.as_str(), good), (2, "", 1));
    assert!(
        err.reason
            .contains("has 5 cells but the header has 7 columns"),
        "{err}"
    );
}

#[test]
fn invalid_utf8_names_the_cell_and_reading_goes_on() {
    let mut bytes = doc_csv(&[]);
    bytes.extend_from_slice(b"ncb-rabat,all,AB124,MAR,passport,lost,2024-01-02\n");
    bytes.extend_from_slice(b"ncb-rabat,all,AB125,MAR,passport,lost,2024-01-0\xff\n");
    bytes.extend_from_slice(GOOD_DOC.as_bytes());
    let (err, good) = only_error(&bytes, Format::Csv);
    assert_eq!((err.line, err.field.as_str(), good), (3, "reported_on", 2));
    assert!(err.reason.contains("UTF-8"), "{err}");
}

#[test]
fn an_error_inside_a_list_names_the_item() {
    let csv = "owner,visibility,owner_ref,name,nationalities,aliases\n\
               ncb-rabat,all,P1,Ali HASSAN,MAR|XYZ,\n\
               ncb-rabat,all,P2,Ali HASSAN,,Abu Ali|Abu\u{7}Hassan\n";
    let results = read(csv.as_bytes(), Format::Csv);
    let errors: Vec<String> = results
        .into_iter()
        .filter_map(|r| r.err())
        .map(|e| e.to_string())
        .collect();
    assert_eq!(errors.len(), 2);
    assert!(
        errors[0].starts_with("line 2, field `nationalities`: item 2: must be an ISO"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with("line 3, field `aliases`: item 2: must not contain control"),
        "{}",
        errors[1]
    );
}

#[test]
fn a_plate_needs_its_country() {
    let csv = "owner,visibility,vin,plate\nncb-rabat,all,WVWZZZ1JZXW000001,1234BCD\n";
    let (err, _) = only_error(csv.as_bytes(), Format::Csv);
    assert_eq!(err.field, "plate_country");
}

#[test]
fn a_bad_jsonl_value_is_named_by_its_path() {
    let lines = [
        r#"{"owner":"ncb-rabat","visibility":"all","document":{"number":"AB1","issuing_state":"XX","type":"passport","status":"lost"}}"#,
        r#"{"owner":"ncb-rabat","visibility":"all","document":{"number":"AB1","issuing_state":"MAR","type":"passport","status":"lost","holder":{"birth_date":"1975-13"}}}"#,
        r#"{"owner":"NCB","visibility":"all","vehicle":{"vin":"WVWZZZ1JZXW000001"}}"#,
        r#"{"owner":"ncb-rabat","visibility":"all","vhicle":{"vin":"WVWZZZ1JZXW000001"}}"#,
        r#"{"owner":"ncb-rabat","visibility":"all","vehicle":{"vin":"WVWZZZ1JZXW000001"},"person":{"owner_ref":"P1","names":[{"full":"A","kind":"primary"}]}}"#,
        r#"{"owner":"ncb-rabat","visibility":"all","person":{"owner_ref":"P1","names":[{"full":"A","kind":"alias"}]}}"#,
        r#"{"owner":"ncb-rabat","visibility":"all","vehicle":{"vin":"WVWZZZ1JZXW000001","year":1700}}"#,
        r#"{"owner":"ncb-rabat","#,
        r#"{"visibility":"all","vehicle":{"vin":"WVWZZZ1JZXW000001"}}"#,
        r#"[1,2]"#,
    ];
    let errors: Vec<RowError> = read(lines.join("\n").as_bytes(), Format::Jsonl)
        .into_iter()
        .map(|r| r.unwrap_err())
        .collect();
    let fields: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(
        fields,
        [
            (1, "document.issuing_state"),
            (2, "document.holder.birth_date"),
            (3, "owner"),
            (4, ""),
            (5, ""),
            (6, "person.names"),
            (7, "vehicle.year"),
            (8, ""),
            (9, "owner"),
            (10, ""),
        ]
    );
    assert!(
        errors[0].reason.contains("ISO 3166-1 alpha-3"),
        "{}",
        errors[0]
    );
    assert!(
        errors[3].reason.contains("exactly one of the keys"),
        "{}",
        errors[3]
    );
    assert!(
        errors[4].reason.ends_with("found person, vehicle"),
        "{}",
        errors[4]
    );
    assert!(
        errors[7].reason.starts_with("is not valid JSON"),
        "{}",
        errors[7]
    );
    assert_eq!(errors[8].reason, "is missing");
}

#[test]
fn invalid_utf8_in_jsonl_is_reported_and_reading_goes_on() {
    let mut bytes = b"{\"owner\":\"ncb-rabat\xff\"}\n".to_vec();
    bytes.extend_from_slice(&fixture("vehicles.jsonl"));
    let results = read(&bytes, Format::Jsonl);
    assert_eq!(results.len(), 2);
    assert_eq!(
        results[0].as_ref().unwrap_err().reason,
        "is not valid UTF-8 text"
    );
    assert!(results[1].is_ok());
}

#[test]
fn a_jsonl_line_of_another_kind_than_given_is_refused() {
    let options = ReadOptions {
        kind: Some(Database::Documents),
        ..ReadOptions::default()
    };
    let results = read_with(&fixture("vehicles.jsonl"), Format::Jsonl, options);
    let err = results[0].as_ref().unwrap_err();
    assert_eq!(err.field, "vehicle");
    assert!(err.reason.contains("holds a vehicles record"), "{err}");
}
