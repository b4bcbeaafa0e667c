//! Properties of the native readers and writers over generated input: no input makes a reader
//! panic, and any record the CSV format can express comes back unchanged.

use portwatch_formats::native::{Format, ReadOptions, Reader, Writer};
use portwatch_model::{
    AgencyId, CountryCode, DocumentHolder, DocumentNumber, DocumentStatus, DocumentType,
    PartialDate, RecordBody, RecordContent, TravelDocument, Visibility,
};
use proptest::prelude::*;

const HEADER: &str = "owner,visibility,review_date,source_id,number,issuing_state,type,status,\
                      reported_on,reported_place,holder_surname,holder_given_names,\
                      holder_birth_date,holder_nationality\n";

fn read_all(bytes: &[u8], format: Format) -> usize {
    match Reader::new(bytes, format, ReadOptions::default()) {
        Ok(reader) => reader.count(),
        Err(_) => 0,
    }
}

/// Free text as people type it, with the characters the formats must escape or quote.
fn text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("[A-Za-zÀ-ÿ0-9 ,;:|\"'\\\\/-]{1,30}")
}

fn document() -> impl Strategy<Value = RecordContent> {
    (
        "[A-Z0-9]{1,20}",
        prop::sample::select(vec!["MAR", "ESP", "FRA", "DZA", "TUN", "DEU"]),
        prop::sample::select(vec![
            DocumentType::Passport,
            DocumentType::IdCard,
            DocumentType::Visa,
        ]),
        prop::sample::select(vec![
            DocumentStatus::Lost,
            DocumentStatus::StolenBlank,
            DocumentStatus::Revoked,
        ]),
        text(),
        text(),
        proptest::option::of((1900u16..2020, proptest::option::of(1u8..=12))),
    )
        .prop_filter_map(
            "valid",
            |(number, state, doc_type, status, place, surname, birth)| {
                let birth = birth.and_then(|(y, m)| PartialDate::new(y, m, None).ok());
                let known =
                    surname.as_deref().is_some_and(|s| !s.trim().is_empty()) || birth.is_some();
                let holder = known.then_some(DocumentHolder {
                    surname,
                    given_names: None,
                    birth_date: birth,
                    nationality: None,
                });
                let body = RecordBody::Document(TravelDocument {
                    number: DocumentNumber::parse(&number).ok()?,
                    issuing_state: CountryCode::parse(state).ok()?,
                    doc_type,
                    status,
                    reported_on: None,
                    reported_place: place,
                    holder,
                });
                let content = RecordContent::new(
                    AgencyId::parse("ncb-rabat").ok()?,
                    Visibility::All,
                    None,
                    None,
                    body,
                )
                .ok()?;
                // A holder left with nothing after trimming is not expressible in CSV.
                match &content.body {
                    RecordBody::Document(d)
                        if d.holder
                            .as_ref()
                            .is_some_and(|h| h.surname.is_none() && h.birth_date.is_none()) =>
                    {
                        None
                    }
                    _ => Some(content),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_csv_reader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        read_all(&bytes, Format::Csv);
        let mut with_header = HEADER.as_bytes().to_vec();
        with_header.extend_from_slice(&bytes);
        read_all(&with_header, Format::Csv);
    }

    #[test]
    fn the_csv_reader_never_panics_on_csv_like_text(body in "[a-z0-9,|:\\\\\"\n -]{0,300}") {
        let text = format!("{HEADER}{body}");
        read_all(text.as_bytes(), Format::Csv);
    }

    #[test]
    fn the_jsonl_reader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        read_all(&bytes, Format::Jsonl);
    }

    #[test]
    fn documents_round_trip_through_csv(records in proptest::collection::vec(document(), 0..8)) {
        let mut writer = Writer::new(Vec::new(), Format::Csv, Some(portwatch_model::Database::Documents)).unwrap();
        for r in &records {
            writer.write(r).unwrap();
        }
        let bytes = writer.finish().unwrap();
        let back: Vec<RecordContent> = Reader::new(&bytes[..], Format::Csv, ReadOptions::default())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        prop_assert_eq!(back, records);
    }
}
